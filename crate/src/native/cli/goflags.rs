//! Go-style flag syntax on top of clap.
//!
//! The go command's `flag` package accepts `-name`, `--name`, `-name=value` and `-name value` for
//! every flag, single letters included (`-m`, `-x`, `-C dir`). clap wants `--name` for long flags,
//! so every flag is declared as a long flag (`#[arg(long = "json")]`, `#[arg(long = "m")]`) and the
//! arguments are rewritten here before clap sees them: `-json` → `--json`, `-mod=mod` → `--mod=mod`.
//! `-h`, `-help` and `--h` ask for help as they do in Go. Rewriting stops at `--`.

/// Rewrites Go-style single-dash flags in `args` (program name first) to clap's `--name` form.
pub fn normalize<I, S>(args: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut out = Vec::new();
    let mut rest_verbatim = false;
    for (i, arg) in args.into_iter().enumerate() {
        let arg: String = arg.into();
        if i == 0 || rest_verbatim {
            out.push(arg);
            continue;
        }
        if arg == "--" {
            rest_verbatim = true;
            out.push(arg);
            continue;
        }
        let name = arg.trim_start_matches('-');
        let name_only = name.split('=').next().unwrap_or("");
        if arg.starts_with('-') && !name.is_empty() && (name_only == "h" || name_only == "help") {
            out.push("--help".to_string());
        } else if arg.starts_with('-') && !arg.starts_with("--") && arg.len() > 1 {
            out.push(format!("-{arg}"));
        } else {
            out.push(arg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn rewrites_go_flags() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["modscope", "list", "-m", "-json", "all"],
                &["modscope", "list", "--m", "--json", "all"],
            ),
            (
                &["modscope", "mod", "graph", "-go=1.16"],
                &["modscope", "mod", "graph", "--go=1.16"],
            ),
            (
                &["modscope", "list", "-f", "{{.Dir}}", "x"],
                &["modscope", "list", "--f", "{{.Dir}}", "x"],
            ),
            (
                &["modscope", "-C", "dir", "list"],
                &["modscope", "--C", "dir", "list"],
            ),
            (
                &["modscope", "list", "--json"],
                &["modscope", "list", "--json"],
            ),
            (&["modscope", "mod", "-h"], &["modscope", "mod", "--help"]),
            (
                &["modscope", "mod", "-help"],
                &["modscope", "mod", "--help"],
            ),
            (
                &["modscope", "x", "--", "-json"],
                &["modscope", "x", "--", "-json"],
            ),
            (&["modscope", "x", "-"], &["modscope", "x", "-"]),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input.iter().copied()), *want, "input {input:?}");
        }
    }
}
