//! Where an import path lives in a tree, with every step tried: module mode (each candidate
//! module of the build list and its probe), vendor mode (the main module, then `vendor/`) and
//! GOPATH mode (vendor directories, GOROOT, each GOPATH entry), as `modscope lookup --json`
//! prints it.
//!
//! The rules are the core's (`pkg::modlist`, `pkg::modload`, `pkg::gopath`); this module sets
//! them up over one [`Fs`] and times the steps: GOPATH-mode steps carry their own times; in
//! module and vendor mode each probe's time is what its directory reads cost on the clock.
//! Module zips under the proxy directory (`<path>/@v/<version>.zip`) are unpacked in memory for
//! the candidate modules, so dependency packages can be found without a module cache.

use super::tree::{proxy_of, with_tree_loader, TreeOptions};
use crate::clock::Clock;
use crate::graph::load::{BuildMod, CmdKind};
use crate::graph::VerId;
use crate::module::{escape_path, escape_version};
use crate::pkg::constraint::BuildContext;
use crate::pkg::gopath::{GopathConfig, GorootMode, Importer, Resolver};
use crate::pkg::modlist::{ModListEnv, ModLister};
use crate::pkg::modload::{ModuleRoot, VendorMode};
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::{
    clean_path, join_path, DirEntry, FileKind, Fs, FsError, MemFs, Metadata, ModuleSource,
};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::sync::Arc;

/// How to look up.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LookupOptions {
    /// `module`, `vendor` or `gopath`; unset: vendor when the main module has
    /// `vendor/modules.txt` and says `go 1.14` or later, else module.
    pub mode: Option<String>,
    /// The tree (main module, proxy) for module and vendor mode.
    #[serde(flatten)]
    pub tree: TreeOptions,
    /// `$GOPATH` entries in the tree (GOPATH mode).
    pub gopath: Vec<String>,
    /// `$GOROOT` in the tree; absent trees answer standard packages from the embedded list.
    pub goroot: String,
    /// GOPATH mode: the importing package's directory (its vendor directories apply).
    pub from: Option<String>,
}

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions {
            mode: None,
            tree: TreeOptions::default(),
            gopath: vec!["/gopath".to_string()],
            goroot: "/goroot".to_string(),
            from: None,
        }
    }
}

/// One import path's answer, in the JSON shape of `modscope lookup --json`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupReport {
    /// The import path as asked.
    pub import: String,
    /// The resolved import path (vendor / module-compatibility rewrites applied).
    pub import_path: String,
    /// `module`, `vendor` or `gopath`.
    pub mode: String,
    /// The package directory.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// The providing module (module and vendor mode; `std` for the standard library).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub module: String,
    /// Its version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// In GOROOT.
    pub goroot: bool,
    /// The go command's error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Found, but not a buildable package: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_a_package: Option<String>,
    /// Every step, in order, with its result and time.
    pub steps: Vec<Event>,
    /// Time of the whole lookup (build list load excluded), in nanoseconds.
    pub total_ns: u64,
}

/// An [`Fs`] that records when each path was read and how long it took.
struct TimedFs<'a> {
    inner: &'a dyn Fs,
    clock: &'a dyn Clock,
    log: RefCell<Vec<(String, u64, u64)>>,
}

impl TimedFs<'_> {
    fn timed<T>(&self, path: &str, f: impl FnOnce() -> T) -> T {
        let t0 = self.clock.now_nanos();
        let r = f();
        let t1 = self.clock.now_nanos();
        self.log
            .borrow_mut()
            .push((clean_path(path), t0, t1.saturating_sub(t0)));
        r
    }
}

impl Fs for TimedFs<'_> {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        self.timed(path, || self.inner.read(path))
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.timed(path, || self.inner.read_dir(path))
    }
    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        self.timed(path, || self.inner.stat(path))
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Gives each probe event the time its directory's reads took (first read to last).
fn time_probes(steps: &mut [Event], log: &[(String, u64, u64)]) {
    for e in steps
        .iter_mut()
        .filter(|e| e.kind == EventKind::LookupProbe)
    {
        let dir = clean_path(&e.detail);
        let mut first: Option<u64> = None;
        let mut dur = 0;
        for (p, t0, d) in log {
            if p == &dir
                || p.strip_prefix(dir.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            {
                first.get_or_insert(*t0);
                dur += d;
            }
        }
        if let Some(t0) = first {
            e.start_ns = t0;
            e.dur_ns = dur;
        }
    }
}

/// The module cache directory a dependency's zip is unpacked to.
const ZIP_ROOT: &str = "/gomodcache";

/// Unpacks `path@version`'s zip from the proxy (if the tree has one) into `fs` under
/// [`ZIP_ROOT`]; its directory, or why not.
fn mount_zip(
    fs: &mut MemFs,
    source: &dyn ModuleSource,
    path: &str,
    version: &str,
) -> Result<String, String> {
    let (ep, ev) = (
        escape_path(path).map_err(|e| e.to_string())?,
        escape_version(version).map_err(|e| e.to_string())?,
    );
    let dir = format!("{ZIP_ROOT}/{ep}@{ev}");
    let zip = source
        .fetch(path, version, FileKind::Zip)
        .map_err(|e| e.message().to_string())?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip.data[..]))
        .map_err(|e| format!("{path}@{version}: reading zip: {e}"))?;
    let prefix = format!("{path}@{version}/");
    for i in 0..archive.len() {
        let mut f = archive
            .by_index(i)
            .map_err(|e| format!("{path}@{version}: reading zip: {e}"))?;
        if f.is_dir() {
            continue;
        }
        let Some(rel) = f.name().strip_prefix(&prefix).map(str::to_string) else {
            continue;
        };
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data)
            .map_err(|e| format!("{path}@{version}: reading zip: {e}"))?;
        fs.insert(&format!("{dir}/{rel}"), data);
    }
    Ok(dir)
}

fn modules_txt_vendor(fs: &dyn Fs, main_path: &str, main_dir: &str) -> Option<VendorMode> {
    let data = fs.read(&join_path(main_dir, "vendor/modules.txt")).ok()?;
    let (txt, _) = crate::modfile::vendor::parse("vendor/modules.txt", &data);
    let mut packages: Vec<(String, String, String)> = txt
        .package_modules()
        .into_iter()
        .map(|(p, m)| (p.to_string(), m.path.clone(), m.version.clone()))
        .collect();
    packages.sort();
    Some(VendorMode {
        main: (main_path.to_string(), main_dir.to_string()),
        packages,
    })
}

/// Looks up `import` in the tree in `fs`.
pub fn lookup(fs: &MemFs, import: &str, opts: &LookupOptions, clock: &dyn Clock) -> LookupReport {
    let mode = opts.mode.clone().unwrap_or_else(|| default_mode(fs, opts));
    let mut report = LookupReport {
        import: import.to_string(),
        import_path: import.to_string(),
        mode: mode.clone(),
        ..LookupReport::default()
    };
    match mode.as_str() {
        "gopath" => gopath_lookup(fs, import, opts, clock, &mut report),
        "module" | "vendor" => module_lookup(fs, import, opts, clock, &mut report),
        other => {
            report.error = Some(format!(
                "unknown lookup mode {other:?} (want module, vendor or gopath)"
            ))
        }
    }
    report
}

/// Vendor mode when the main module has vendor/modules.txt and go ≥ 1.14 (and `-mod` is not
/// set otherwise), else module mode.
fn default_mode(fs: &dyn Fs, opts: &LookupOptions) -> String {
    let ro = &opts.tree.resolve;
    if ro.build_mod.as_deref().is_some_and(|m| m != "vendor") {
        return "module".into();
    }
    let dir = clean_path(&format!("/{}", ro.dir));
    let go = fs
        .read(&join_path(&dir, "go.mod"))
        .ok()
        .and_then(|d| crate::modfile::parse_lax("go.mod", &d).ok())
        .and_then(|f| f.go.map(|g| g.version));
    let new_enough =
        go.is_some_and(|g| crate::version::semver::compare(&format!("v{g}"), "v1.14").is_ge());
    if ro.build_mod.as_deref() == Some("vendor")
        || (new_enough && fs.is_file(&join_path(&dir, "vendor/modules.txt")))
    {
        "vendor".into()
    } else {
        "module".into()
    }
}

fn gopath_lookup(
    fs: &MemFs,
    import: &str,
    opts: &LookupOptions,
    clock: &dyn Clock,
    report: &mut LookupReport,
) {
    let goroot_mode = if fs.is_dir(&join_path(&opts.goroot, "src")) {
        GorootMode::Fs
    } else {
        GorootMode::Embedded
    };
    let cfg = GopathConfig {
        goroot: clean_path(&format!("/{}", opts.goroot)),
        goroot_mode,
        gopath: opts
            .gopath
            .iter()
            .map(|g| clean_path(&format!("/{g}")))
            .collect(),
        ctx: BuildContext::default(),
    };
    let t0 = clock.now_nanos();
    let mut resolver = Resolver::new(fs, &cfg, Trace::recording(), clock);
    let importer = opts.from.as_ref().map(|d| {
        let dir = clean_path(&format!("/{d}"));
        let (import_path, root) = resolver.dir_to_import_path(&dir);
        Importer {
            import_path,
            dir,
            root,
        }
    });
    let res = resolver.resolve(import, importer.as_ref());
    report.import_path = res.import_path.clone();
    match &res.result {
        Ok(f) => {
            report.dir = f.dir.clone();
            report.goroot = f.goroot;
            let p = resolver.load(f);
            if let Some(e) = p.error {
                report.not_a_package = Some(e.to_string());
            }
        }
        Err(e) => report.error = Some(e.to_string()),
    }
    report.total_ns = clock.now_nanos().saturating_sub(t0);
    report.steps = std::mem::take(&mut resolver.trace.events);
}

fn module_lookup(
    fs: &MemFs,
    import: &str,
    opts: &LookupOptions,
    clock: &dyn Clock,
    report: &mut LookupReport,
) {
    let vendor_mode = report.mode == "vendor";
    let mut tree = opts.tree.clone();
    if vendor_mode {
        // The build list is not needed (nor computable) in vendor mode; the main module is.
        tree.resolve.build_mod = Some("mod".into());
    }
    let loaded = with_tree_loader(fs, &tree, CmdKind::List, clock, None, |l| {
        let mains: Vec<(String, String)> = l
            .main_modules()
            .map(|m| (m.path.clone(), m.dir.clone()))
            .collect();
        if vendor_mode {
            return Ok((mains, Vec::new()));
        }
        if l.options().build_mod == BuildMod::Vendor {
            return Err(crate::graph::resolve::VENDOR_ALL.to_string());
        }
        let (_, mg, err) = l.load_mod_graph().map_err(|e| e.to_string())?;
        if let Some(e) = err {
            return Err(e.to_string());
        }
        let mut roots = Vec::new();
        for m in mg.graph.build_list(&l.names) {
            let path = l.names.path_str(m.path).to_string();
            if m.ver == VerId::MAIN && l.is_main_path(m.path) {
                continue;
            }
            let version = l.names.ver_str(m.ver).to_string();
            let actual = l.resolve(m);
            let apath = l.names.path_str(actual.path).to_string();
            let target = if actual.ver == VerId::MAIN {
                Err(l.replacement_dir(&apath))
            } else {
                Ok((apath, l.names.ver_str(actual.ver).to_string()))
            };
            roots.push((path, version, target));
        }
        Ok((mains, roots))
    });
    let (mains, deps) = match loaded.and_then(|x| x) {
        Ok(t) => t,
        Err(e) => {
            report.error = Some(e);
            return;
        }
    };
    let t0 = clock.now_nanos();
    let mut tree_fs = fs.clone();
    let source = proxy_of(fs, &opts.tree.resolve);
    let mut warnings = Vec::new();
    let mut build_list: Vec<ModuleRoot> = mains
        .iter()
        .map(|(p, d)| ModuleRoot {
            path: p.clone(),
            version: String::new(),
            dir: Some(d.clone()),
            local: true,
        })
        .collect();
    for (path, version, target) in deps {
        let candidate = import == path || import.starts_with(&format!("{path}/"));
        let root = match target {
            Err(dir) => ModuleRoot {
                path,
                version,
                dir: Some(dir),
                local: true,
            },
            Ok((apath, aver)) => {
                let dir = if candidate {
                    match mount_zip(&mut tree_fs, &source, &apath, &aver) {
                        Ok(d) => d,
                        Err(why) => {
                            warnings.push(
                                Event::new(
                                    EventKind::Warning,
                                    format!("{apath}@{aver}"),
                                    "module zip",
                                )
                                .with_result(format!("not in the tree ({why})")),
                            );
                            String::new()
                        }
                    }
                } else {
                    String::new()
                };
                ModuleRoot {
                    path,
                    version,
                    dir: Some(if dir.is_empty() {
                        format!("{ZIP_ROOT}/{apath}@{aver}")
                    } else {
                        dir
                    }),
                    local: false,
                }
            }
        };
        build_list.push(root);
    }
    let vendor = if vendor_mode {
        mains.first().map(|(p, d)| {
            modules_txt_vendor(fs, p, d).unwrap_or(VendorMode {
                main: (p.clone(), d.clone()),
                packages: Vec::new(),
            })
        })
    } else {
        None
    };
    let timed = TimedFs {
        inner: &tree_fs,
        clock,
        log: RefCell::new(Vec::new()),
    };
    let ctx = BuildContext::default();
    let goroot = clean_path(&format!("/{}", opts.goroot));
    let cwd = mains.first().map(|m| m.1.clone()).unwrap_or_default();
    let module_of = |_: &str, _: &str| None;
    let error_text = |e: &crate::pkg::modload::ModLookupError| e.to_string();
    let env = ModListEnv {
        fs: &timed,
        goroot: &goroot,
        build_list: if vendor_mode { &[] } else { &build_list },
        roots_first: None,
        vendor: vendor.as_ref(),
        ctx: &ctx,
        cwd: &cwd,
        module_of: &module_of,
        error_text: &error_text,
    };
    let mut lister = ModLister::new(env, Trace::recording());
    let r = lister.lookup(import);
    let mut steps = std::mem::take(&mut lister.trace.events);
    drop(lister);
    time_probes(&mut steps, &timed.log.borrow());
    steps.splice(0..0, warnings);
    report.total_ns = clock.now_nanos().saturating_sub(t0);
    report.steps = steps;
    match r {
        Ok(f) => {
            report.goroot = f.module == "std" || f.module == "cmd";
            report.dir = f.dir;
            report.module = f.module;
            report.version = f.version;
        }
        Err(e) => report.error = Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FrozenClock;

    fn tree(files: &[(&str, &[u8])]) -> MemFs {
        let mut fs = MemFs::new();
        for (p, d) in files {
            fs.insert(p, d.to_vec());
        }
        fs
    }

    fn zip_of(prefix: &str, files: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in files {
            w.start_file(
                format!("{prefix}/{name}"),
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
            std::io::Write::write_all(&mut w, data.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn module_tree() -> MemFs {
        let zip = zip_of(
            "example.com/a@v1.0.0",
            &[
                ("go.mod", "module example.com/a\n"),
                ("p/p.go", "package p\n"),
            ],
        );
        tree(&[
            (
                "go.mod",
                b"module example.com/m\n\ngo 1.17\n\nrequire example.com/a v1.0.0\n",
            ),
            ("x/x.go", b"package x\n"),
            (
                "proxy/example.com/a/@v/v1.0.0.mod",
                b"module example.com/a\n\ngo 1.17\n",
            ),
            ("proxy/example.com/a/@v/v1.0.0.zip", &zip),
        ])
    }

    #[test]
    fn module_mode_finds_packages_in_the_main_module_and_in_zips() {
        let fs = module_tree();
        let opts = LookupOptions::default();
        let r = lookup(&fs, "example.com/a/p", &opts, &FrozenClock);
        assert_eq!(r.mode, "module");
        assert_eq!(r.error, None, "{r:?}");
        assert_eq!(r.module, "example.com/a");
        assert_eq!(r.version, "v1.0.0");
        assert_eq!(r.dir, "/gomodcache/example.com/a@v1.0.0/p");
        assert!(r.steps.iter().any(|e| e.kind == EventKind::LookupCandidate));
        assert_eq!(r.steps.last().unwrap().result, "found");

        let r = lookup(&fs, "example.com/m/x", &opts, &FrozenClock);
        assert_eq!((r.module.as_str(), r.dir.as_str()), ("example.com/m", "/x"));

        let r = lookup(&fs, "example.com/zz", &opts, &FrozenClock);
        assert_eq!(
            r.error.as_deref(),
            Some("no required module provides package example.com/zz; to add it:\n\tgo get example.com/zz")
        );
        let r = lookup(&fs, "fmt", &opts, &FrozenClock);
        assert!(r.goroot && r.module == "std", "{r:?}");
    }

    #[test]
    fn gopath_mode_walks_goroot_and_gopath() {
        let fs = tree(&[("gopath/src/example.com/q/q.go", b"package q\n")]);
        let opts = LookupOptions {
            mode: Some("gopath".into()),
            ..LookupOptions::default()
        };
        let r = lookup(&fs, "example.com/q", &opts, &FrozenClock);
        assert_eq!(r.error, None, "{r:?}");
        assert_eq!(r.dir, "/gopath/src/example.com/q");
        assert!(r.steps.len() >= 2, "{:?}", r.steps);
        let r = lookup(&fs, "example.com/none", &opts, &FrozenClock);
        assert!(r.error.unwrap().contains("cannot find package"));
    }

    #[test]
    fn vendor_mode_is_the_default_with_modules_txt() {
        let fs = tree(&[
            (
                "go.mod",
                b"module example.com/m\n\ngo 1.17\n\nrequire example.com/v v1.2.0\n",
            ),
            (
                "vendor/modules.txt",
                b"# example.com/v v1.2.0\n## explicit; go 1.17\nexample.com/v\n",
            ),
            ("vendor/example.com/v/v.go", b"package v\n"),
        ]);
        let r = lookup(
            &fs,
            "example.com/v",
            &LookupOptions::default(),
            &FrozenClock,
        );
        assert_eq!(r.mode, "vendor");
        assert_eq!(r.error, None, "{r:?}");
        assert_eq!(
            (r.module.as_str(), r.version.as_str()),
            ("example.com/v", "v1.2.0")
        );
        assert_eq!(r.dir, "/vendor/example.com/v");
    }

    #[test]
    fn an_unknown_mode_is_an_error() {
        let opts = LookupOptions {
            mode: Some("bogus".into()),
            ..LookupOptions::default()
        };
        let r = lookup(&MemFs::new(), "x", &opts, &FrozenClock);
        assert!(r.error.unwrap().contains("unknown lookup mode"));
    }
}
