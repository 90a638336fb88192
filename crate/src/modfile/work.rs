//! The typed go.work file ([`WorkFile`]) (SPEC B): `go`, `toolchain`, `godebug`, `use`, `replace`.
//!
//! go.work files are always read strictly; blocks are allowed for `godebug`, `use` and `replace`.
//!
//! # JSON shape
//!
//! ```json
//! {
//!   "go":        {"version": "1.22", "span": SPAN},
//!   "toolchain": {"name": "go1.22.1", "span": SPAN},
//!   "godebug":   [{"key": "k", "value": "v", "span": SPAN}],
//!   "use":       [{"path": "./a", "span": SPAN}],
//!   "replace":   [{"old": {"path": "example.com/a", "version": "v1.0.0"}, "new": {"path": "../a"}, "span": SPAN}]
//! }
//! ```
//!
//! (`SPAN` as in [`ModFile`](super::ModFile).)

use super::rule::{
    codes, parse_go_arg, parse_godebug, parse_replace, parse_string_tok, parse_toolchain_arg,
    span_of, unknown_block, DirErr, Errs, GoVersion, Godebug, Replace, Src, Toolchain,
};
use super::syntax::{FileSyntax, Line, Stmt};
use crate::error::{Diagnostic, Span};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The interpreted form of a go.work file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkFile {
    /// The `go` directive.
    pub go: Option<GoVersion>,
    /// The `toolchain` directive.
    pub toolchain: Option<Toolchain>,
    /// `godebug key=value` lines.
    pub godebug: Vec<Godebug>,
    /// `use` lines: the workspace's module directories.
    #[serde(rename = "use")]
    pub uses: Vec<Use>,
    /// `replace` lines; they override every go.mod replacement of the same module.
    pub replace: Vec<Replace>,
}

/// One `use` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Use {
    /// The module directory, relative to the go.work file's directory or absolute.
    pub path: String,
    /// Where the line is.
    pub span: Span,
}

/// Interprets a go.work syntax tree (rewriting tokens like the go.mod reader does).
pub(crate) fn interpret_work(
    file_name: &str,
    src: Src<'_>,
    syntax: &mut FileSyntax<'_>,
) -> (WorkFile, Vec<Diagnostic>) {
    let mut f = WorkFile::default();
    let mut errs = Errs {
        file: file_name,
        list: Vec::new(),
    };
    for stmt in syntax.stmts.iter_mut() {
        match stmt {
            Stmt::Comments(_) => {}
            Stmt::Line(line) => {
                let mut tokens = std::mem::take(&mut line.tokens);
                let (head, args) = tokens.split_at_mut(1);
                let verb = String::from_utf8_lossy(&head[0]);
                add(src, &mut f, &mut errs, line, &verb, args);
                line.tokens = tokens;
            }
            Stmt::Block(block) => {
                let known = block.tokens.len() == 1
                    && matches!(block.tokens[0].as_ref(), b"godebug" | b"use" | b"replace");
                if !known {
                    unknown_block(&mut errs, block);
                    continue;
                }
                let verb = String::from_utf8_lossy(&block.tokens[0]).into_owned();
                for line in block.lines.iter_mut() {
                    let mut tokens = std::mem::take(&mut line.tokens);
                    add(src, &mut f, &mut errs, line, &verb, &mut tokens);
                    line.tokens = tokens;
                }
            }
        }
    }
    (f, errs.list)
}

fn add(
    src: Src<'_>,
    f: &mut WorkFile,
    errs: &mut Errs<'_>,
    line: &Line<'_>,
    verb: &str,
    args: &mut [Cow<'_, [u8]>],
) {
    if let Err(e) = add_inner(src, f, line, verb, args) {
        errs.at(e.code, line, e.message);
    }
}

fn add_inner(
    src: Src<'_>,
    f: &mut WorkFile,
    line: &Line<'_>,
    verb: &str,
    args: &mut [Cow<'_, [u8]>],
) -> Result<(), DirErr> {
    let span = span_of(line);
    match verb {
        "go" => {
            if f.go.is_some() {
                return Err(DirErr {
                    code: codes::REPEATED,
                    message: "repeated go statement".into(),
                });
            }
            let version = parse_go_arg(args, false)?;
            f.go = Some(GoVersion { version, span });
        }
        "toolchain" => {
            if f.toolchain.is_some() {
                return Err(DirErr {
                    code: codes::REPEATED,
                    message: "repeated toolchain statement".into(),
                });
            }
            let name = parse_toolchain_arg(args)?;
            f.toolchain = Some(Toolchain { name, span });
        }
        "godebug" => {
            let (key, value) = parse_godebug(args)?;
            f.godebug.push(Godebug { key, value, span });
        }
        "use" => {
            if args.len() != 1 {
                return Err(DirErr {
                    code: codes::USAGE,
                    message: format!("usage: {verb} local/dir"),
                });
            }
            let path = parse_string_tok(src, &mut args[0])?;
            f.uses.push(Use { path, span });
        }
        "replace" => {
            let (old, new) = parse_replace(src, verb, args, &mut None)?;
            f.replace.push(Replace { old, new, span });
        }
        _ => {
            return Err(DirErr {
                code: codes::UNKNOWN_DIRECTIVE,
                message: format!("unknown directive: {verb}"),
            })
        }
    }
    Ok(())
}
