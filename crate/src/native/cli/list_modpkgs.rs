//! `modscope list [-e] [-json] [-deps] PACKAGES…` in module mode: packages found in the build
//! list (SPEC E.1) with go list's fields, including `Module`. Patterns: import paths, relative
//! directories of the main module (`.`, `./x`) and `./...` (the main module's packages, nested
//! modules excluded). With `-x` every lookup candidate and probe is printed on stderr.

use super::list::{request, CmdOutput, InstantClock};
use super::list_pkgs::PkgListArgs;
use crate::graph::list::ModulePublic;
use crate::graph::load::{BuildMod, CmdKind};
use crate::graph::VerId;
use crate::native::modload::{with_loader, LoadRequest, ModCachePaths};
use crate::native::modpkg::{
    add_roots, build_list_roots, lookup_error_text, module_objects, query_import_in,
    update_pruned_roots, ModuleTreeFs,
};
use crate::pkg::modlist::{ModListEnv, ModLister};
use crate::pkg::record::Package;
use crate::report::trace::Trace;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn has_go_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten().any(|e| {
            e.file_type().is_ok_and(|t| t.is_file())
                && e.file_name().to_string_lossy().ends_with(".go")
        })
    })
}

/// Import paths of the packages under `root` (module `path`): directories with `.go` files, no
/// `vendor`, `testdata`, `.*`, `_*` directories, no nested modules, no symbolic links.
fn main_packages(root: &Path, path: &str, out: &mut Vec<String>) {
    let mut stack = vec![(root.to_path_buf(), path.to_string())];
    while let Some((dir, ip)) = stack.pop() {
        if has_go_files(&dir) {
            out.push(ip.clone());
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut kids: Vec<(PathBuf, String)> = rd
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().to_string();
                let skip = n.starts_with('.')
                    || n.starts_with('_')
                    || n == "testdata"
                    || n == "vendor"
                    || e.path().join("go.mod").is_file();
                (!skip).then(|| (e.path(), format!("{ip}/{n}")))
            })
            .collect();
        kids.sort();
        stack.extend(kids.into_iter().rev());
    }
    out.sort();
}

/// The main module's directory and go.mod when `req` runs in vendor mode (`-mod=vendor`, or no
/// `-mod` with a `vendor` directory and go ≥ 1.14; never in workspace mode); `None` otherwise.
fn vendor_main(req: &LoadRequest) -> Option<(String, crate::modfile::ModFile)> {
    let in_workspace = match req.env.gowork.as_str() {
        "off" => false,
        "" | "auto" => req.dir.ancestors().any(|d| d.join("go.work").is_file()),
        _ => true,
    };
    if in_workspace {
        return None;
    }
    let flag = req
        .build_mod_flag
        .clone()
        .or_else(|| req.env.goflags_mod.clone());
    if matches!(flag.as_deref(), Some(f) if f != "vendor") {
        return None;
    }
    let root = req.dir.ancestors().find(|d| d.join("go.mod").is_file())?;
    let data = std::fs::read(root.join("go.mod")).ok()?;
    let dir = crate::source::clean_path(&root.to_string_lossy());
    // A go.mod that does not parse is reported by the module loader.
    let gomod = crate::modfile::parse_strict(&format!("{dir}/go.mod"), &data).ok()?;
    let on = flag.is_some()
        || crate::pkg::vendor::default_on(
            gomod.go.as_ref().map(|g| g.version.as_str()),
            root.join("vendor").is_dir(),
        );
    on.then_some((dir, gomod))
}

/// Module-mode `list` in vendor mode: go.mod and vendor/modules.txt must agree; packages come
/// from the main module and `vendor/`.
fn list_vendor(
    req: &LoadRequest,
    args: &PkgListArgs,
    main_dir: &str,
    gomod: &crate::modfile::ModFile,
) -> CmdOutput {
    let mut out = CmdOutput::default();
    let fail = |msg: String| CmdOutput {
        stdout: String::new(),
        stderr: format!("go: {msg}\n"),
        exit: 1,
    };
    let Some(main_path) = gomod.module.as_ref().map(|m| m.path.clone()) else {
        return fail(format!("error reading {main_dir}/go.mod: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod"));
    };
    let txt_path = format!("{main_dir}/vendor/modules.txt");
    let txt = match std::fs::read(&txt_path) {
        Ok(data) => crate::modfile::vendor::parse(&txt_path, &data).0,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return fail(format!("open {txt_path}: {e}")),
    };
    if let Err(msg) = crate::pkg::vendor::check_consistency(main_dir, gomod, &txt) {
        return fail(msg);
    }
    let (goroot, _) = crate::native::gopath_env::goroot();
    let ctx = crate::native::gopath_env::config(args.tags.as_deref()).ctx;
    let cwd = crate::source::clean_path(&req.dir.to_string_lossy());
    let vendor = crate::pkg::vendor::lookup_inputs(&main_path, main_dir, &txt);
    let main_go = gomod
        .go
        .as_ref()
        .map(|g| g.version.clone())
        .unwrap_or_default();
    // Direct: required without `// indirect`, or providing a package a main-module package
    // imports (the go command's requirements.direct after loading).
    let mut direct: std::collections::HashSet<String> = gomod
        .require
        .iter()
        .filter(|r| !r.indirect)
        .map(|r| r.module.path.clone())
        .collect();
    let mains = [(main_path.clone(), main_dir.to_string())];
    let patterns = if args.patterns.is_empty() {
        vec![".".to_string()]
    } else {
        args.patterns.clone()
    };
    let fs = crate::native::fs::OsFs::new(&req.dir);
    let build_list = [crate::pkg::modload::ModuleRoot {
        path: main_path.clone(),
        version: String::new(),
        dir: Some(main_dir.to_string()),
        local: true,
    }];
    let error_text = |e: &crate::pkg::modload::ModLookupError| e.to_string();
    macro_rules! env {
        ($module_of:expr) => {
            ModListEnv {
                fs: &fs,
                goroot: &goroot,
                build_list: &build_list,
                roots_first: None,
                vendor: Some(&vendor),
                ctx: &ctx,
                cwd: &cwd,
                module_of: $module_of,
                error_text: &error_text,
            }
        };
    }
    {
        let path_only = |p: &str, v: &str| -> Option<ModulePublic> {
            Some(ModulePublic {
                path: p.to_string(),
                version: v.to_string(),
                ..Default::default()
            })
        };
        let mut first = ModLister::new(env!(&path_only), Trace::off());
        let ids = load_patterns(
            &mut first,
            &patterns,
            &cwd,
            &mains,
            &mut CmdOutput::default(),
        );
        let pkgs = first.output(&ids, true);
        let module_by_path: HashMap<&str, &str> = pkgs
            .iter()
            .filter_map(|p| Some((p.import_path.as_str(), p.module.as_ref()?.path.as_str())))
            .collect();
        for p in &pkgs {
            let in_main = p
                .module
                .as_ref()
                .is_some_and(|m| m.path == main_path && m.version.is_empty());
            if in_main && p.error.is_none() {
                for i in &p.imports {
                    if let Some(m) = module_by_path.get(i.as_str()) {
                        direct.insert(m.to_string());
                    }
                }
            }
        }
    }
    let module_of = |p: &str, v: &str| -> Option<ModulePublic> {
        if v.is_empty() && p == main_path {
            return Some(ModulePublic {
                path: p.to_string(),
                main: true,
                dir: main_dir.to_string(),
                go_mod: format!("{main_dir}/go.mod"),
                go_version: main_go.clone(),
                ..Default::default()
            });
        }
        let meta = txt
            .modules
            .iter()
            .find(|m| m.module.path == p && m.module.version == v)?;
        let replace = meta.replacement.as_ref().map(|r| {
            let mut rm = ModulePublic {
                path: r.path.clone(),
                version: r.version.clone(),
                go_version: meta.go_version.clone(),
                ..Default::default()
            };
            if r.version.is_empty() {
                let d = crate::source::clean_path(&crate::source::join_path(main_dir, &r.path));
                rm.go_mod = format!("{d}/go.mod");
                rm.dir = d;
            }
            Box::new(rm)
        });
        Some(ModulePublic {
            path: p.to_string(),
            version: v.to_string(),
            replace,
            indirect: !direct.contains(p),
            go_version: meta.go_version.clone(),
            ..Default::default()
        })
    };
    let trace = if args.x {
        Trace::recording()
    } else {
        Trace::off()
    };
    let mut lister = ModLister::new(env!(&module_of), trace);
    let ids = load_patterns(&mut lister, &patterns, &cwd, &mains, &mut out);
    finish(&lister, &ids, args, &mut out);
    out
}

/// Runs module-mode package `list` for `req` and returns what it prints.
pub fn list_packages(req: &LoadRequest, args: &PkgListArgs) -> CmdOutput {
    list_packages_after(req, args, &[])
}

/// [`list_packages`] after the go command has listed `modules` (`go mod why -m` lists its
/// arguments first, Go 1.19 `modload.ListModules`): when one of them is not a root of a pruned
/// graph, the full graph is loaded and its raised roots are where package loading starts.
pub fn list_packages_after(req: &LoadRequest, args: &PkgListArgs, modules: &[String]) -> CmdOutput {
    if let Some((main_dir, gomod)) = vendor_main(req) {
        return list_vendor(req, args, &main_dir, &gomod);
    }
    let clock = InstantClock::new();
    let (goroot, _) = crate::native::gopath_env::goroot();
    let ctx = crate::native::gopath_env::config(args.tags.as_deref()).ctx;
    let cwd = crate::source::clean_path(&req.dir.to_string_lossy());
    let r = with_loader(req, &clock, |l| {
        let mut out = CmdOutput::default();
        // The requirements as go.mod states them: the first lookup pass of a pruned graph uses
        // these root versions (the go command does not raise them before loading packages).
        let file_rs = match l.load_mod_file() {
            Ok(r) => r,
            Err(e) => {
                out.stderr = format!("go: {e}\n");
                out.exit = 1;
                return out;
            }
        };
        let (mut rs, mut mg, graph_err) = match l.load_mod_graph() {
            Ok(t) => t,
            Err(e) => {
                out.stderr = format!("go: {e}\n");
                out.exit = 1;
                return out;
            }
        };
        // A pruned graph that cannot be loaded fails only lookups that need it (and the final
        // check of the roots); everything else is found among go.mod's roots.
        let deferred = match graph_err {
            Some(e) if file_rs.pruning == crate::graph::load::Pruning::Pruned => {
                Some(e.to_string())
            }
            Some(e) => {
                out.stderr = format!("go: {e}\n");
                out.exit = 1;
                return out;
            }
            None => None,
        };
        // Package loading starts from go.mod's roots, and the second lookup pass uses the full
        // graph of those roots: raising them first would drop the requirements of a root whose
        // version is raised (a pruned graph keeps every root's requirements).
        let listed_non_root = modules.iter().any(|m| {
            !l.main_modules().any(|mm| &mm.path == m)
                && !file_rs.roots.iter().any(|r| l.names.path_str(r.path) == m)
        });
        if rs.pruning == crate::graph::load::Pruning::Pruned && !listed_non_root {
            rs = file_rs.clone();
            let file_mg = l.read_mod_graph(rs.pruning, &rs.roots);
            if file_mg.find_error(&l.names).is_none() {
                mg = file_mg;
            }
        }
        let source = l.modules();
        let mode = l.options().build_mod;
        let sums = if mode == BuildMod::Mod {
            None
        } else {
            let mut s = String::new();
            for m in l.main_modules() {
                s.push_str(
                    &std::fs::read_to_string(format!("{}/go.sum", m.dir)).unwrap_or_default(),
                );
            }
            Some(s)
        };
        let mains: Vec<(String, String)> = l
            .main_modules()
            .map(|m| (m.path.clone(), m.dir.clone()))
            .collect();
        let patterns = if args.patterns.is_empty() {
            vec![".".to_string()]
        } else {
            args.patterns.clone()
        };
        if let Some(gerr) = deferred {
            let run = RootsOnly {
                req,
                args,
                file_rs: &file_rs,
                graph_error: &gerr,
                sums: sums.as_deref(),
                mains: &mains,
                patterns: &patterns,
                goroot: &goroot,
                ctx: &ctx,
                cwd: &cwd,
            };
            return run.list(l);
        }
        // Modules providing loaded packages become roots of a pruned graph (-mod=mod), which can
        // raise selected versions: packages load again while that changes what they resolve to.
        let mut rounds = 0;
        // Command-line import paths (not directories): the go command's root packages outside
        // the patterns that name main-module directories.
        let named_args: Vec<String> = patterns
            .iter()
            .filter(|p| !(p.starts_with('.') || p.contains("...")))
            .cloned()
            .collect();
        // Whether the full graph of `rs` counts as loaded for the go command (requirements
        // updated by an earlier round are).
        let mut graph_loaded = false;
        loop {
            rounds += 1;
            let fs = ModuleTreeFs::new(&req.dir, source);
            let list = mg.graph.build_list(&l.names);
            let roots = build_list_roots(l, &list, &req.env.gomodcache, &fs, sums.as_deref());
            let mut cache = ModCachePaths::new(&req.env.gomodcache);
            cache.probe_dirs = false;
            let pruned = rs.pruning == crate::graph::load::Pruning::Pruned;
            let mut first_list: Vec<crate::graph::Mv> = l.main_versions();
            if pruned {
                first_list.extend(rs.roots.iter().copied());
            }
            let first = if pruned {
                Some(build_list_roots(
                    l,
                    &first_list,
                    &req.env.gomodcache,
                    &fs,
                    sums.as_deref(),
                ))
            } else {
                None
            };
            // The go command's preloadRootModules: the module of each command-line package
            // (found among the roots, the full graph, or in the proxy) becomes a root before
            // anything else loads.
            if pruned && mode == BuildMod::Mod && rounds < 10 {
                let mut need = Vec::new();
                for p in &named_args {
                    let (r, full) = crate::pkg::modlist::import_roots_first(
                        &fs,
                        &goroot,
                        first.as_deref(),
                        &roots,
                        None,
                        p,
                    );
                    graph_loaded |= full;
                    let (mp, mv) = match r {
                        Ok(f) => (f.module, f.version),
                        Err(
                            crate::pkg::modload::ModLookupError::NoModule(_)
                            | crate::pkg::modload::ModLookupError::NotInGoroot { .. },
                        ) => match query_import_in(
                            l,
                            None,
                            &mg,
                            &fs,
                            &req.env.gomodcache,
                            &goroot,
                            p,
                        ) {
                            Ok(m) => m,
                            Err(_) => continue,
                        },
                        Err(_) => continue,
                    };
                    if mp.is_empty() || mp == "std" || mp == "cmd" || mv.is_empty() {
                        continue;
                    }
                    let m = l.names.mv(&mp, &mv);
                    let root = rs
                        .roots
                        .iter()
                        .filter(|r| r.path == m.path)
                        .map(|r| r.ver)
                        .max_by(|a, b| l.names.cmp_ver(*a, *b));
                    if root != Some(m.ver) && !need.contains(&m) {
                        need.push(m);
                    }
                }
                if !need.is_empty() {
                    match add_roots(l, &rs, &need) {
                        None => {}
                        Some(Ok((rs2, mg2, None))) => {
                            rs = rs2;
                            mg = mg2;
                            graph_loaded = true;
                            continue;
                        }
                        Some(Ok((_, _, Some(e)))) | Some(Err(e)) => {
                            out.stderr = format!("go: {e}\n");
                            out.exit = 1;
                            return out;
                        }
                    }
                }
            }
            let mut modules = HashMap::new();
            module_objects(l, &rs, &list, &cache, &mut modules);
            if pruned {
                module_objects(l, &rs, &first_list, &cache, &mut modules);
            }
            for r in roots.iter().chain(first.iter().flatten()) {
                let key = (r.path.clone(), r.version.clone());
                if let (Some(m), Some(d)) = (modules.get_mut(&key), &r.dir) {
                    if m.dir.is_empty() && !r.local {
                        m.dir = d.clone();
                    }
                }
            }
            let module_of =
                |p: &str, v: &str| modules.get(&(p.to_string(), v.to_string())).cloned();
            let error_text = |e: &crate::pkg::modload::ModLookupError| lookup_error_text(mode, e);
            let env = ModListEnv {
                fs: &fs,
                goroot: &goroot,
                build_list: &roots,
                roots_first: first.as_deref(),
                vendor: None,
                ctx: &ctx,
                cwd: &cwd,
                module_of: &module_of,
                error_text: &error_text,
            };
            let trace = if args.x {
                Trace::recording()
            } else {
                Trace::off()
            };
            let mut lister = ModLister::new(env, trace);
            let mut round_out = CmdOutput::default();
            let ids = load_patterns(&mut lister, &patterns, &cwd, &mains, &mut round_out);
            // Modules that become roots: those of packages in "all" and of command-line
            // packages (the go command's pkgInAll and pkgIsRoot); other dependencies' modules
            // are reached through their importers' requirements.
            let in_all = lister.in_all(&ids);
            let named: std::collections::BTreeSet<&str> = ids
                .iter()
                .filter_map(|&i| {
                    lister
                        .output(&[i], false)
                        .first()
                        .map(|p| p.import_path.as_str())
                })
                .collect();
            let providers: Vec<crate::graph::Mv> = lister
                .output(&ids, true)
                .iter()
                .filter(|p| {
                    in_all.contains(&p.import_path) || named.contains(p.import_path.as_str())
                })
                .filter_map(|p| p.module.as_ref())
                .filter_map(|m| {
                    list.iter().chain(&first_list).copied().find(|v| {
                        l.names.path_str(v.path) == m.path
                            && (v.ver == VerId::MAIN || l.names.ver_str(v.ver) == m.version)
                    })
                })
                .collect();
            // The go command's updateRequirements: the roots take in the providing modules and
            // may be raised (updatePrunedRoots); packages load again only if that changes what a
            // loaded package resolves to.
            if rounds < 10 && pruned && mode == BuildMod::Mod {
                let loaded = graph_loaded || lister.graph_used;
                match update_pruned_roots(l, &rs, &mg, &providers, loaded) {
                    None => {}
                    Some(Ok((rs2, mg2, None))) => {
                        let mut new_first = l.main_versions();
                        new_first.extend(rs2.roots.iter().copied());
                        let new_first = build_list_roots(
                            l,
                            &new_first,
                            &req.env.gomodcache,
                            &fs,
                            sums.as_deref(),
                        );
                        let new_list = mg2.graph.build_list(&l.names);
                        let new_all = build_list_roots(
                            l,
                            &new_list,
                            &req.env.gomodcache,
                            &fs,
                            sums.as_deref(),
                        );
                        let reload = reload_needed_in(
                            l, &lister, &ids, &fs, &goroot, &new_first, &new_all, &mg2,
                        );
                        // The new roots stand either way; their graph is loaded.
                        rs = rs2;
                        mg = mg2;
                        graph_loaded = true;
                        if reload {
                            continue;
                        }
                    }
                    Some(Ok((_, _, Some(e)))) | Some(Err(e)) => {
                        out.stderr = format!("go: {e}\n");
                        out.exit = 1;
                        return out;
                    }
                }
            } else if rounds < 10 {
                match l.add_package_roots(&rs, &providers) {
                    None => {}
                    Some(Ok((rs2, mg2, None))) => {
                        rs = rs2;
                        mg = mg2;
                        continue;
                    }
                    Some(Ok((_, _, Some(e)))) | Some(Err(e)) => {
                        out.stderr = format!("go: {e}\n");
                        out.exit = 1;
                        return out;
                    }
                }
            }
            // The roots are stable: imports no module provides are looked up in the proxy
            // (the go command's resolveMissingImports under -mod=mod); a module found is added
            // and everything loads again.
            if mode == BuildMod::Mod {
                let mut adds = Vec::new();
                let mut found_lines = String::new();
                let mut rewords = Vec::new();
                for p in &lister.missing {
                    match query_import_in(l, None, &mg, &fs, &req.env.gomodcache, &goroot, p) {
                        Ok((mp, mv)) => {
                            found_lines.push_str(&format!("go: found {p} in {mp} {mv}\n"));
                            adds.push((mp, mv));
                        }
                        Err(text) => rewords.push((p.clone(), text)),
                    }
                }
                let adds: Vec<crate::graph::Mv> =
                    adds.iter().map(|(p, v)| l.names.mv(p, v)).collect();
                if rounds < 10 && !adds.is_empty() {
                    match add_roots(l, &rs, &adds) {
                        None => {}
                        Some(Ok((rs2, mg2, None))) => {
                            out.stderr.push_str(&found_lines);
                            rs = rs2;
                            mg = mg2;
                            graph_loaded = true;
                            continue;
                        }
                        Some(Ok((_, _, Some(e)))) | Some(Err(e)) => {
                            out.stderr.push_str(&found_lines);
                            out.stderr.push_str(&format!("go: {e}\n"));
                            out.exit = 1;
                            return out;
                        }
                    }
                }
                for (p, text) in rewords {
                    lister
                        .reword_error(&format!("cannot find module providing package {p}"), &text);
                }
            } else if mode == BuildMod::Readonly {
                // The go command still asks the replaced modules, and says why the proxy is not.
                let explicit = req
                    .build_mod_flag
                    .clone()
                    .or_else(|| req.env.goflags_mod.clone())
                    .is_some();
                let why = if explicit {
                    "import lookup disabled by -mod=readonly"
                } else {
                    ""
                };
                let missing = lister.missing.clone();
                for p in missing {
                    if let Err(text) =
                        query_import_in(l, Some(why), &mg, &fs, &req.env.gomodcache, &goroot, &p)
                    {
                        let old =
                            crate::pkg::modload::ModLookupError::NoModule(p.clone()).to_string();
                        lister.reword_error(&old, &text);
                    }
                }
            }
            out.stderr.push_str(&round_out.stderr);
            out.exit = round_out.exit;
            finish(&lister, &ids, args, &mut out);
            return out;
        }
    });
    r.unwrap_or_else(|msg| CmdOutput {
        stdout: String::new(),
        stderr: format!("go: {msg}\n"),
        exit: 1,
    })
}

/// Whether packages must load again after the roots changed to `new_first` with graph `mg`
/// (`new_all` its build list): [`crate::pkg::modlist::reload_needed`] over everything loaded.
#[allow(clippy::too_many_arguments)]
fn reload_needed_in(
    l: &crate::graph::load::Loader<'_>,
    lister: &ModLister<'_>,
    ids: &[usize],
    fs: &ModuleTreeFs<'_>,
    goroot: &str,
    new_first: &[crate::pkg::modload::ModuleRoot],
    new_all: &[crate::pkg::modload::ModuleRoot],
    mg: &crate::graph::load::ModuleGraph,
) -> bool {
    let selected = |path: &str| {
        let id = l.names.lookup_path(path)?;
        let v = mg.graph.selected(id);
        (v != VerId::NONE).then(|| l.names.ver_str(v).to_string())
    };
    crate::pkg::modlist::reload_needed(
        &lister.output(ids, true),
        fs,
        goroot,
        new_first,
        new_all,
        &selected,
    )
}

/// Listing in a pruned module whose full graph does not load: lookups use the main modules and
/// go.mod's roots only; a lookup those do not answer needed the graph and gets its error, as in
/// the go command (`importFromModules` loads the graph only then). When no lookup needed it, the
/// roots are spot-checked as the go command's `updatePrunedRoots` does: a providing module whose
/// go.mod cannot be read, or which requires more than a root's version, needs the graph, and its
/// error ends the command.
struct RootsOnly<'r> {
    req: &'r LoadRequest,
    args: &'r PkgListArgs,
    file_rs: &'r crate::graph::load::Requirements,
    graph_error: &'r str,
    sums: Option<&'r str>,
    mains: &'r [(String, String)],
    patterns: &'r [String],
    goroot: &'r str,
    ctx: &'r crate::pkg::constraint::BuildContext,
    cwd: &'r str,
}

impl RootsOnly<'_> {
    fn list(&self, l: &mut crate::graph::load::Loader<'_>) -> CmdOutput {
        use crate::pkg::modload::ModLookupError;
        let mut out = CmdOutput::default();
        let source = l.modules();
        let mode = l.options().build_mod;
        let fs = ModuleTreeFs::new(&self.req.dir, source);
        let mut first_list: Vec<crate::graph::Mv> = l.main_versions();
        first_list.extend(self.file_rs.roots.iter().copied());
        let roots = build_list_roots(l, &first_list, &self.req.env.gomodcache, &fs, self.sums);
        let mut cache = ModCachePaths::new(&self.req.env.gomodcache);
        cache.probe_dirs = false;
        let mut modules = HashMap::new();
        module_objects(l, self.file_rs, &first_list, &cache, &mut modules);
        for r in &roots {
            let key = (r.path.clone(), r.version.clone());
            if let (Some(m), Some(d)) = (modules.get_mut(&key), &r.dir) {
                if m.dir.is_empty() && !r.local {
                    m.dir = d.clone();
                }
            }
        }
        let needed = std::cell::Cell::new(false);
        let module_of = |p: &str, v: &str| modules.get(&(p.to_string(), v.to_string())).cloned();
        let error_text = |e: &ModLookupError| match e {
            ModLookupError::NoModule(_) | ModLookupError::NotInGoroot { .. } => {
                needed.set(true);
                self.graph_error.to_string()
            }
            _ => lookup_error_text(mode, e),
        };
        let env = ModListEnv {
            fs: &fs,
            goroot: self.goroot,
            build_list: &roots,
            roots_first: None,
            vendor: None,
            ctx: self.ctx,
            cwd: self.cwd,
            module_of: &module_of,
            error_text: &error_text,
        };
        let trace = if self.args.x {
            Trace::recording()
        } else {
            Trace::off()
        };
        let mut lister = ModLister::new(env, trace);
        let ids = load_patterns(&mut lister, self.patterns, self.cwd, self.mains, &mut out);
        // A lookup that loaded the (failing) graph: the roots are then checked against what the
        // partial graph selects; a raised root reloads the graph and its error ends the command.
        let consistent = if needed.get() {
            let mg = l.read_mod_graph(crate::graph::load::Pruning::Pruned, &self.file_rs.roots);
            self.file_rs
                .roots
                .iter()
                .all(|r| mg.graph.selected(r.path) == r.ver)
        } else {
            self.spot_check(l, &lister, &ids, &first_list)
        };
        if !consistent {
            return CmdOutput {
                stdout: String::new(),
                stderr: format!("go: {}\n", self.graph_error),
                exit: 1,
            };
        }
        finish(&lister, &ids, self.args, &mut out);
        out
    }

    /// Whether every module providing a loaded package has a readable go.mod whose requirements
    /// the roots already satisfy.
    fn spot_check(
        &self,
        l: &mut crate::graph::load::Loader<'_>,
        lister: &ModLister<'_>,
        ids: &[usize],
        first_list: &[crate::graph::Mv],
    ) -> bool {
        let providers: Vec<crate::graph::Mv> = lister
            .output(ids, true)
            .iter()
            .filter_map(|p| p.module.as_ref())
            .filter(|m| !m.main)
            .filter_map(|m| {
                first_list.iter().copied().find(|v| {
                    v.ver != VerId::MAIN
                        && l.names.path_str(v.path) == m.path
                        && l.names.ver_str(v.ver) == m.version
                })
            })
            .collect();
        for m in providers {
            let Ok(summary) = l.summary(m) else {
                return false;
            };
            for r in &summary.require {
                let above = self.file_rs.roots.iter().any(|root| {
                    root.path == r.path
                        && crate::version::semver::compare(
                            l.names.ver_str(root.ver),
                            l.names.ver_str(r.ver),
                        ) == std::cmp::Ordering::Less
                });
                if above {
                    return false;
                }
            }
        }
        true
    }
}

fn load_patterns(
    lister: &mut ModLister<'_>,
    patterns: &[String],
    cwd: &str,
    mains: &[(String, String)],
    out: &mut CmdOutput,
) -> Vec<usize> {
    let mut ids = Vec::new();
    for pat in patterns {
        let local = pat == "." || pat.starts_with("./") || pat == ".." || pat.starts_with("../");
        if !local {
            ids.push(lister.load_arg(pat));
            continue;
        }
        let (clean, all) = match pat.strip_suffix("/...") {
            Some(b) => (b.to_string(), true),
            None => (pat.clone(), false),
        };
        let abs = crate::source::clean_path(&crate::source::join_path(cwd, &clean));
        let Some((mpath, mdir)) = mains
            .iter()
            .filter(|(_, d)| abs == *d || abs.starts_with(&format!("{d}/")))
            .max_by_key(|(_, d)| d.len())
        else {
            out.stderr.push_str(&format!(
                "go: directory {pat} is outside main module or its selected dependencies\n"
            ));
            out.exit = 1;
            continue;
        };
        let rel = abs[mdir.len()..].trim_start_matches('/');
        let ip = if rel.is_empty() {
            mpath.clone()
        } else {
            format!("{mpath}/{rel}")
        };
        if all {
            let mut found = Vec::new();
            main_packages(Path::new(&abs), &ip, &mut found);
            if found.is_empty() {
                out.stderr
                    .push_str(&format!("go: warning: \"{pat}\" matched no packages\n"));
            }
            for p in found {
                ids.push(lister.load_arg(&p));
            }
        } else {
            ids.push(lister.load_arg(&ip));
        }
    }
    ids
}

fn finish(lister: &ModLister<'_>, ids: &[usize], args: &PkgListArgs, out: &mut CmdOutput) {
    if args.x {
        for ev in &lister.trace.events {
            out.stderr.push_str(&ev.x_line());
            out.stderr.push('\n');
        }
    }
    let pkgs: Vec<&Package> = lister.output(ids, args.deps);
    if !args.e {
        for p in &pkgs {
            if let Some(e) = &p.error {
                out.stderr.push_str(&format!("{}\n", e.err));
                out.exit = 1;
            }
        }
    }
    if let Some(f) = &args.format {
        let (text, err) = super::list_pkgs::render(f, pkgs.iter().copied());
        out.stdout.push_str(&text);
        if let Some(e) = err {
            out.stderr.push_str(&e);
            out.stderr.push('\n');
            out.exit = 1;
        }
        return;
    }
    for p in &pkgs {
        if args.json {
            out.stdout.push_str(&p.go_json());
        } else {
            out.stdout.push_str(&p.import_path);
            out.stdout.push('\n');
        }
    }
}

/// Runs module-mode package `list` for the CLI.
pub fn run(args: PkgListArgs, build_mod: Option<String>) -> CmdOutput {
    match request(args.dir.as_ref(), build_mod, CmdKind::List) {
        Ok(req) => list_packages(&req, &args),
        Err(e) => CmdOutput {
            stdout: String::new(),
            stderr: format!("{}\n", e.message),
            exit: 1,
        },
    }
}
