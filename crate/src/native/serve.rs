//! `modscope serve`: the local backend. A small HTTP server on a loopback address that answers
//! the CLI's questions with the CLI's JSON, and serves the built playground.
//!
//! | endpoint | answers as |
//! | --- | --- |
//! | `GET /api/lookup?path=IMPORT[&path=…][&from=DIR][&tags=T]` | `modscope lookup IMPORT… --from DIR --json` |
//! | `GET /api/list?pkg=P[&pkg=…][&deps][&e][&tags=T]` | `modscope list -json [-deps] [-e] P…` |
//! | `GET /api/list-m?all` (or `?path=PATTERN…`, `&e`) | `modscope list -m -json all` |
//! | anything else | a file of the `--web` directory (`/` is `index.html`) |
//!
//! Every command runs as if started in the `-C` directory, with the server's environment
//! (GOROOT, GOPATH, GO111MODULE, GOFLAGS, …). A command that printed its answer is a 200 with
//! what it printed on standard output (`X-Modscope-Exit` carries a nonzero exit status, as when
//! a lookup's JSON holds an `Error`); one that printed nothing but an error is a 400 whose body is
//! the CLI's error text. Unknown endpoints and missing files are 404s. Requests are answered one
//! at a time, in arrival order, which is what lets the watched gopkg index
//! ([`crate::native::watch`]) prove its answers current without a `stat` per directory.

use crate::native::cli::list::{list_modules, request, CmdOutput};
use crate::native::cli::list_pkgs::{PkgListArgs, PkgListOutput};
use crate::native::cli::lookup::LookupArgs;
use crate::native::cli::{CliError, Outcome};
use crate::native::serve_http::{read_request, write_response, Request, Response};
use crate::native::watch::WatchedGopkg;
use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};

/// Run the local backend: the CLI's answers as JSON over HTTP on a loopback address, and the
/// built playground.
///
/// Endpoints: GET /api/lookup?path=IMPORT&from=DIR (as `lookup IMPORT --from DIR --json`),
/// GET /api/list?pkg=P (as `list -json P`; also &deps, &e), GET /api/list-m?all (as
/// `list -m -json all`); other paths are files of the --web directory. Prints its URL on start;
/// Ctrl-C stops it.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The loopback address and port to listen on (port 0: any free port).
    #[arg(long = "addr", default_value = "127.0.0.1:8090")]
    pub addr: String,
    /// Answer GOPATH-mode lookups through the gopkg cache (also GOEXPERIMENT=gopkgcache).
    #[arg(long = "gopkg-cache")]
    pub gopkg_cache: bool,
    /// Run every command as if started in this directory.
    #[arg(long = "C")]
    pub dir: Option<PathBuf>,
    /// Serve the built playground from this directory (default: web/dist when it exists).
    #[arg(long = "web")]
    pub web: Option<PathBuf>,
    /// Print each request and its lookup steps (`# gopkg cache …`) on stderr.
    #[arg(long = "x")]
    pub x: bool,
}

/// The server's state: where commands run and what it serves.
pub struct Server {
    /// The directory commands run in (absolute).
    cwd: PathBuf,
    /// The static files' directory (canonical), if any.
    web: Option<PathBuf>,
    /// Pass `--gopkg-cache` to GOPATH-mode commands.
    gopkg_cache: bool,
    /// The watched gopkg index (GOPATH mode with the gopkg cache on).
    gopkg: Option<WatchedGopkg>,
    /// Print requests and lookup steps on stderr.
    x: bool,
}

impl Server {
    /// A server for `args`, with relative paths taken from `base` (the process's directory).
    pub fn new(args: &ServeArgs, base: &Path) -> Result<Self, CliError> {
        let cwd = match &args.dir {
            Some(d) => base.join(d),
            None => base.to_path_buf(),
        };
        if !cwd.is_dir() {
            return Err(CliError::usage(format!(
                "serve: -C {}: not a directory",
                cwd.display()
            )));
        }
        let web = match &args.web {
            Some(w) => Some(
                std::fs::canonicalize(base.join(w))
                    .map_err(|e| CliError::usage(format!("serve: --web {}: {e}", w.display())))?,
            ),
            None => std::fs::canonicalize(base.join("web/dist")).ok(),
        };
        if let Some(w) = &web {
            if !w.is_dir() {
                return Err(CliError::usage(format!(
                    "serve: --web {}: not a directory",
                    w.display()
                )));
            }
        }
        let on = crate::native::gopath_env::gopkg_cache_enabled(args.gopkg_cache)
            .map_err(|e| CliError::usage(format!("go: {e}")))?;
        let gopkg = (on && gopath_mode()).then(|| {
            let roots = crate::native::gopath_env::config(None).roots();
            let clock = crate::native::gopath_env::InstantClock::new();
            let mut trace = crate::report::trace::Trace::recording();
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
            let g = WatchedGopkg::open(&roots, &mut trace, &clock, threads);
            if args.x {
                for e in &trace.events {
                    eprintln!("{}", e.x_line());
                }
            }
            match &g.fallback_reason {
                Some(why) => eprintln!(
                    "modscope serve: gopkg index: {why}; falling back to stat checks per request"
                ),
                None => eprintln!(
                    "modscope serve: gopkg index: {} directories watched (open {:.1} ms, watches \
                     {:.1} ms, validation {:.1} ms)",
                    g.setup.watches,
                    g.setup.open_ns as f64 / 1e6,
                    g.setup.watch_ns as f64 / 1e6,
                    g.setup.validate_ns as f64 / 1e6
                ),
            }
            g
        });
        Ok(Server {
            cwd,
            web,
            gopkg_cache: args.gopkg_cache,
            gopkg,
            x: args.x,
        })
    }

    /// The static files' directory, if any.
    pub fn web_dir(&self) -> Option<&Path> {
        self.web.as_deref()
    }

    /// Answers one request.
    pub fn handle(&mut self, req: &Request) -> Response {
        match req.path.as_str() {
            "/api/lookup" => self.lookup(req),
            "/api/list" => self.list(req),
            "/api/list-m" => self.list_m(req),
            p if p.starts_with("/api/") => Response::text(404, &format!("unknown endpoint {p}")),
            _ => self.static_file(&req.path),
        }
    }

    fn lookup(&mut self, req: &Request) -> Response {
        let imports = req.all("path");
        if imports.is_empty() {
            return Response::text(400, "lookup: give the import path as ?path=IMPORT");
        }
        if let Some(bad) = imports.iter().find(|p| p.is_empty()) {
            return Response::text(400, &format!("lookup: empty import path {bad:?}"));
        }
        let args = LookupArgs {
            imports,
            from: req.get("from").map(PathBuf::from),
            json: true,
            x: self.x,
            gopkg_cache: self.gopkg_cache,
            tags: req.get("tags").map(str::to_string),
        };
        let cwd = self.cwd.clone();
        let out = match self.begin_gopkg() {
            Some(g) => {
                let mut memos = g.take_memos();
                let (fs, ix) = g.parts(&cwd);
                let out = crate::native::cli::lookup::output_with_memos(
                    &args,
                    &cwd,
                    &fs,
                    Some(ix),
                    &mut memos,
                );
                drop(fs);
                g.keep_memos(memos);
                out
            }
            None => crate::native::cli::lookup::output(&args, &cwd, None),
        };
        self.answer(out)
    }

    /// The watched index, after applying the notifications queued before this request (see
    /// [`crate::native::watch`]); `None` when lookups do not go through it.
    fn begin_gopkg(&mut self) -> Option<&mut WatchedGopkg> {
        let x = self.x;
        let g = self.gopkg.as_mut()?;
        let d = g.begin();
        if x {
            if d.fallback {
                eprintln!("# gopkg watch: no watches, stat checks for this request");
            } else if d.kept_answers > 0 {
                eprintln!(
                    "# gopkg watch: no notifications, {} answers kept from earlier requests",
                    d.kept_answers
                );
            } else if d.events > 0 {
                eprintln!(
                    "# gopkg watch: {} notifications{}, {} records to re-check",
                    d.events,
                    if d.overflow {
                        " (queue overflowed)"
                    } else {
                        ""
                    },
                    g.index.touched_count()
                );
            }
        }
        Some(g)
    }

    /// The HTTP form of a lookup's output; its `-x` lines go to our stderr.
    fn answer(&self, mut out: CmdOutput) -> Response {
        if self.x && !out.stdout.is_empty() {
            eprint!("{}", std::mem::take(&mut out.stderr));
        }
        answer(out)
    }

    fn list(&mut self, req: &Request) -> Response {
        let pargs = PkgListArgs {
            e: req.flag("e"),
            json: true,
            deps: req.flag("deps"),
            format: None,
            x: false,
            gopkg_cache: self.gopkg_cache,
            tags: req.get("tags").map(str::to_string),
            dir: Some(self.cwd.clone()),
            patterns: req.all("pkg"),
        };
        let out = if gopath_mode() {
            let cwd = self.cwd.clone();
            let listed = match self.begin_gopkg() {
                Some(g) => {
                    let cfg = crate::native::gopath_env::config(pargs.tags.as_deref());
                    let mut memos = g.take_memos();
                    let (fs, ix) = g.parts(&cwd);
                    let listed = crate::native::cli::list_pkgs::list_output_memos(
                        &pargs,
                        &cwd,
                        &cfg,
                        &fs,
                        Some(ix),
                        &mut memos,
                    );
                    drop(fs);
                    g.keep_memos(memos);
                    listed
                }
                None => crate::native::cli::list_pkgs::list_output(&pargs, &cwd),
            };
            let PkgListOutput {
                stdout,
                stderr,
                exit,
            } = listed;
            CmdOutput {
                stdout,
                stderr,
                exit,
            }
        } else {
            crate::native::cli::list_modpkgs::run(pargs, None)
        };
        self.answer(out)
    }

    fn list_m(&mut self, req: &Request) -> Response {
        let mut patterns = req.all("path");
        if req.flag("all") {
            patterns.insert(0, "all".to_string());
        }
        if patterns.is_empty() {
            return Response::text(400, "list-m: give ?all or ?path=MODULE_PATTERN");
        }
        let out = match request(Some(&self.cwd), None, crate::graph::load::CmdKind::List) {
            Ok(r) => list_modules(&r, &patterns, true, req.flag("e"), false),
            Err(e) => CmdOutput {
                stdout: String::new(),
                stderr: e.message,
                exit: 1,
            },
        };
        self.answer(out)
    }

    fn static_file(&self, path: &str) -> Response {
        let Some(web) = &self.web else {
            return Response::text(404, "no playground here: start serve with --web DIR");
        };
        let Some(file) = confine(web, path) else {
            return Response::text(404, &format!("{path}: not found"));
        };
        match std::fs::read(&file) {
            Ok(body) => Response {
                status: 200,
                content_type: content_type(&file),
                headers: vec![("Cache-Control", "no-cache".to_string())],
                body,
            },
            Err(_) => Response::text(404, &format!("{path}: not found")),
        }
    }
}

/// GOPATH mode (GO111MODULE=off) decides between the GOPATH and module listers.
fn gopath_mode() -> bool {
    std::env::var("GO111MODULE").as_deref() == Ok("off")
}

/// The HTTP form of a command's output (see the module documentation).
fn answer(out: CmdOutput) -> Response {
    if out.exit == 0 || !out.stdout.is_empty() {
        let mut r = Response::json(out.stdout);
        if out.exit != 0 {
            r.headers.push(("X-Modscope-Exit", out.exit.to_string()));
        }
        return r;
    }
    let text = if out.stderr.trim().is_empty() {
        format!("command failed with exit status {}", out.exit)
    } else {
        out.stderr
    };
    Response::text(400, &text)
}

/// The file under `web` that URL path `path` names, or `None` when it is outside `web` (a `..`
/// element, a symbolic link leading out), hidden (an element starting with `.`), or not a file.
/// A directory stands for its `index.html`.
pub fn confine(web: &Path, path: &str) -> Option<PathBuf> {
    let mut out = web.to_path_buf();
    for elem in path.split('/') {
        if elem.is_empty() || elem == "." {
            continue;
        }
        if elem.starts_with('.') || elem.contains('\\') {
            return None;
        }
        let p = Path::new(elem);
        if p.components().count() != 1
            || !matches!(p.components().next(), Some(Component::Normal(_)))
        {
            return None;
        }
        out.push(elem);
    }
    let mut real = std::fs::canonicalize(&out).ok()?;
    if real.is_dir() {
        real = std::fs::canonicalize(real.join("index.html")).ok()?;
    }
    (real.starts_with(web) && real.is_file()).then_some(real)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "mod" | "sum" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Runs `modscope serve` until the process is stopped.
pub fn run(args: ServeArgs) -> Result<Outcome, CliError> {
    let addr: SocketAddr = args.addr.parse().map_err(|_| {
        CliError::usage(format!(
            "serve: -addr {}: want a loopback IP:PORT such as 127.0.0.1:8090",
            args.addr
        ))
    })?;
    if !addr.ip().is_loopback() {
        return Err(CliError::usage(format!(
            "serve: -addr {addr}: listens on loopback addresses only (127.0.0.1, ::1)"
        )));
    }
    let base = std::env::current_dir()
        .map_err(|e| CliError::failed(format!("getting the working directory: {e}")))?;
    let mut server = Server::new(&args, &base)?;
    let listener = TcpListener::bind(addr)
        .map_err(|e| CliError::failed(format!("serve: listening on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::failed(format!("serve: {e}")))?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "modscope serve: http://{local}/");
        if let Some(w) = server.web_dir() {
            let _ = writeln!(out, "playground from {}", w.display());
        }
        let _ = out.flush();
    }
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let resp = match read_request(&mut stream) {
            Ok(req) => {
                if server.x {
                    eprintln!("# serve: {} {}", req.method, req.path);
                }
                let head = req.method == "HEAD";
                let resp = server.handle(&req);
                let _ = write_response(&mut stream, &resp, head);
                continue;
            }
            Err(crate::native::serve_http::RequestError::Closed) => continue,
            Err(e) => {
                let mut r = Response::text(e.status(), &e.to_string());
                if e.status() == 405 {
                    r.headers.push(("Allow", "GET, HEAD".to_string()));
                }
                r
            }
        };
        let _ = write_response(&mut stream, &resp, false);
        crate::native::serve_http::discard_rest(&mut stream);
    }
    Ok(Outcome::Ok)
}
