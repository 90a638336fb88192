//! The files Go's module system is made of: go.mod, go.work, vendor/modules.txt and txtar archives.
//!
//! Two layers, as golang.org/x/mod has them: a comment-preserving [syntax] tree with byte spans, and
//! typed files on top ([`ModFile`], [`WorkFile`]) whose every element carries the span of its
//! syntax line. Parsing is strict (main module, go.work) or lax (dependencies); the [print]er
//! writes the canonical form of `go mod edit -fmt`.
//!
//! Entry points:
//! * [`parse_strict`] / [`parse_lax`] / [`parse_with`]: go.mod → [`ModFile`] (SPEC A.3);
//! * [`parse_work`]: go.work → [`WorkFile`] (SPEC B);
//! * [`module_path`]: the module path of a go.mod, cheaply and tolerantly;
//! * [`format_mod`] / [`format_work`]: the canonical text of a go.mod / go.work;
//! * [`vendor::parse`]: vendor/modules.txt (SPEC E.2);

//!
//! Errors are [`Diagnostic`]s that render as the go command prints them (`go.mod:3:2: …`).

mod chars;
pub mod print;
pub mod rule;
pub mod syntax;
pub mod txtar;
pub mod vendor;

pub mod work;

pub use rule::{
    check_canonical_version, codes, Exclude, GoVersion, Godebug, Ignore, ModFile, Module,
    ParseOptions, Replace, ReplaceSide, Require, Retract, Tool, Toolchain, VersionFixer,
};
pub use work::{Use, WorkFile};

use crate::error::{Diagnostic, Span};
use syntax::{FileSyntax, SyntaxError};

fn syntax_diagnostic(file_name: &str, e: SyntaxError) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        codes::SYNTAX,
        file_name,
        Some(Span {
            start: e.pos,
            end: e.pos,
        }),
        e.message,
    )]
}

/// Parses a syntax tree, turning a syntax error into a diagnostic.
pub fn parse_syntax<'a>(
    file_name: &str,
    data: &'a [u8],
) -> Result<FileSyntax<'a>, Vec<Diagnostic>> {
    syntax::parse(file_name, data).map_err(|e| syntax_diagnostic(file_name, e))
}

/// Parses the main module's go.mod (x/mod `Parse` with no version fixer): every directive is
/// checked; versions must be canonical or canonicalisable (`v1.2` is read as `v1.2.0`).
pub fn parse_strict(file_name: &str, data: &[u8]) -> Result<ModFile, Vec<Diagnostic>> {
    parse_with(
        file_name,
        data,
        ParseOptions {
            strict: true,
            fix: None,
        },
    )
}

/// Parses a dependency's go.mod (x/mod `ParseLax`): only `module`, `go`, `require`, `retract` and
/// `ignore` are read; other and unknown directives and malformed retractions are ignored.
pub fn parse_lax(file_name: &str, data: &[u8]) -> Result<ModFile, Vec<Diagnostic>> {
    parse_with(
        file_name,
        data,
        ParseOptions {
            strict: false,
            fix: None,
        },
    )
}

/// Parses a go.mod with explicit options (strictness and an optional version fixer).
pub fn parse_with(
    file_name: &str,
    data: &[u8],
    opts: ParseOptions<'_>,
) -> Result<ModFile, Vec<Diagnostic>> {
    let mut syntax = parse_syntax(file_name, data)?;
    let (file, errs) = rule::interpret_mod(file_name, rule::Src::new(data), &mut syntax, opts);
    if errs.is_empty() {
        Ok(file)
    } else {
        Err(errs)
    }
}

/// Parses a go.work file (always strict).
pub fn parse_work(file_name: &str, data: &[u8]) -> Result<WorkFile, Vec<Diagnostic>> {
    let mut syntax = parse_syntax(file_name, data)?;
    let (file, errs) = work::interpret_work(file_name, rule::Src::new(data), &mut syntax);
    if errs.is_empty() {
        Ok(file)
    } else {
        Err(errs)
    }
}

/// The canonical text of a go.mod file, as `go mod edit -fmt` writes it: parsed strictly, strings
/// unquoted where possible, versions canonical, duplicate excludes/replaces/tools/ignores dropped,
/// block lines sorted, empty blocks dropped and one-line blocks collapsed, comments kept.
///
/// Like the go command's, the result is stable from the second pass on but not always from the
/// first: sorting carries a blank line along with the block line after it, and a blank line that
/// ends up first in its block is dropped only by the next pass.
pub fn format_mod(file_name: &str, data: &[u8]) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut syntax = parse_syntax(file_name, data)?;
    let (mut file, errs) = rule::interpret_mod(
        file_name,
        rule::Src::new(data),
        &mut syntax,
        ParseOptions {
            strict: true,
            fix: None,
        },
    );
    if !errs.is_empty() {
        return Err(errs);
    }
    rule::remove_dups(
        &mut syntax,
        Some(&mut file.exclude),
        &mut file.replace,
        Some(&mut file.tool),
        Some(&mut file.ignore),
    );
    rule::sort_blocks(&mut syntax, file.go_version(), false);
    rule::cleanup(&mut syntax);
    Ok(print::format(&syntax))
}

/// The canonical text of a go.work file, as `go work edit -fmt` writes it.
pub fn format_work(file_name: &str, data: &[u8]) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut syntax = parse_syntax(file_name, data)?;
    let (mut file, errs) = work::interpret_work(file_name, rule::Src::new(data), &mut syntax);
    if !errs.is_empty() {
        return Err(errs);
    }
    rule::remove_dups(&mut syntax, None, &mut file.replace, None, None);
    rule::sort_blocks(&mut syntax, None, true);
    rule::cleanup(&mut syntax);
    Ok(print::format(&syntax))
}

/// The module path declared by a go.mod file, or `""` (x/mod `ModulePath`): the first line that
/// starts with `module` followed by space; a quoted path is unquoted (`"…"` or `` `…` ``). It does
/// not parse the rest of the file, so it tolerates unrelated errors.
pub fn module_path(data: &[u8]) -> String {
    for raw in data.split(|&b| b == b'\n') {
        let mut line = raw;
        if let Some(i) = line.windows(2).position(|w| w == b"//") {
            line = &line[..i];
        }
        let line = print::trim_space(line);
        let Some(rest) = line.strip_prefix(b"module") else {
            continue;
        };
        let trimmed = print::trim_space(rest);
        if trimmed.len() == rest.len() || trimmed.is_empty() {
            continue;
        }
        return match trimmed[0] {
            b'"' => match chars::parse_string(trimmed) {
                Ok(p) => String::from_utf8_lossy(&p).into_owned(),
                Err(_) => String::new(),
            },
            b'`' => {
                let inner = &trimmed[1..];
                match inner.strip_suffix(b"`") {
                    Some(body) if !body.contains(&b'`') => {
                        let body: Vec<u8> = body.iter().copied().filter(|&b| b != b'\r').collect();
                        String::from_utf8_lossy(&body).into_owned()
                    }
                    _ => String::new(),
                }
            }
            _ => String::from_utf8_lossy(trimmed).into_owned(),
        };
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_path_cases() {
        let cases: &[(&str, &str)] = &[
            (
                "module \"github.com/rsc/vgotest\"",
                "github.com/rsc/vgotest",
            ),
            ("module github.com/rsc/vgotest", "github.com/rsc/vgotest"),
            (
                "module  \"github.com/rsc/vgotest\"",
                "github.com/rsc/vgotest",
            ),
            ("module `github.com/rsc/vgotest`", "github.com/rsc/vgotest"),
            ("module gopkg.in/yaml.v2", "gopkg.in/yaml.v2"),
            ("module \"gopkg.in/check.v1\"\n", "gopkg.in/check.v1"),
            ("module \"gopkg.in/check.v1\n\"", ""),
            ("module \"gopkg.in/check.v1\"\r\n", "gopkg.in/check.v1"),
            ("module gopkg.in/check.v1\r\n", "gopkg.in/check.v1"),
            ("module \n\"gopkg.in/check.v1\"\n\n", ""),
            ("module \"gopkg.in/check.v1\"asd", ""),
            ("module  \nmodule a/b/c ", "a/b/c"),
            ("module \"   \"", "   "),
            ("module   ", ""),
            ("module \"  a/b/c  \"", "  a/b/c  "),
            (
                "module \"github.com/rsc/vgotest1\" // with a comment",
                "github.com/rsc/vgotest1",
            ),
            ("modulex a", ""),
        ];
        for (input, want) in cases {
            assert_eq!(module_path(input.as_bytes()), *want, "{input:?}");
        }
    }
}
