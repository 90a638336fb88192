//! Build constraints: never panic; a parsed `//go:build` or `// +build` expression, printed back
//! as a `//go:build` line, parses to the same expression (so it evaluates the same in every
//! context); the header split returns pieces of its input; `should_build` follows the header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::pkg::constraint::{
    parse_file_header, parse_go_build, parse_plus_build, BuildContext, Expr,
};

/// Prints `x` with the fewest parentheses the grammar needs at precedence `level`
/// (0: `||` operand, 1: `&&` operand, 2: `!` operand).
fn print(x: &Expr, level: u8, out: &mut String) {
    match x {
        Expr::Tag(t) => out.push_str(t),
        Expr::Not(y) => {
            out.push('!');
            if matches!(**y, Expr::Tag(_)) {
                print(y, 2, out);
            } else {
                out.push('(');
                print(y, 0, out);
                out.push(')');
            }
        }
        Expr::And(a, b) if level <= 1 => {
            print(a, 1, out);
            out.push_str(" && ");
            print(b, 2, out);
        }
        Expr::Or(a, b) if level == 0 => {
            print(a, 0, out);
            out.push_str(" || ");
            print(b, 1, out);
        }
        _ => {
            out.push('(');
            print(x, 0, out);
            out.push(')');
        }
    }
}

fn roundtrip(x: &Expr, from: &str) {
    let mut line = String::from("//go:build ");
    print(x, 0, &mut line);
    match parse_go_build(&line) {
        Ok(y) => assert_eq!(&y, x, "{from:?} printed as {line:?} reads differently"),
        Err(e) => panic!("{from:?} printed as {line:?} does not parse: {e}"),
    }
}

fn contexts() -> Vec<BuildContext> {
    let mut v = vec![BuildContext::default()];
    let mut c = BuildContext {
        goos: "windows".into(),
        goarch: "arm64".into(),
        cgo_enabled: true,
        ..Default::default()
    };
    c.build_tags.push("integration".into());
    v.push(c);
    v.push(BuildContext {
        goos: "android".into(),
        ..Default::default()
    });
    v
}

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = parse_file_header(data) {
        assert!(data.starts_with(h.plus_build_region), "the +build region is a prefix");
        if let Some(g) = h.go_build {
            let base = data.as_ptr() as usize;
            let at = g.as_ptr() as usize;
            assert!(at >= base && at + g.len() <= base + data.len(), "the go:build line is in the input");
            assert!(g.starts_with(b"//go:build"), "the go:build line starts with //go:build");
        }
        // With a //go:build line, every context builds the file exactly when the line holds.
        if let Some(g) = h.go_build {
            let expr = parse_go_build(&String::from_utf8_lossy(g));
            for ctx in contexts() {
                match (&expr, ctx.should_build(data)) {
                    (Ok(x), Ok(b)) => assert_eq!(b, ctx.eval(x)),
                    (Err(e), Err(f)) => assert_eq!(e, &f),
                    (x, b) => panic!("header expression {x:?} but should_build {b:?}"),
                }
            }
        }
    }
    for ctx in contexts() {
        let _ = ctx.good_os_arch_file(&String::from_utf8_lossy(data));
    }
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(8) {
        if let Ok(x) = parse_go_build(line) {
            roundtrip(&x, line);
        }
        if let Some(x) = parse_plus_build(line) {
            roundtrip(&x, line);
        }
    }
});
