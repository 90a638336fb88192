//! Table tests of the template engine: each row a template, and what Go 1.19's text/template
//! prints for it (or its error) with the data below.

use super::*;

static PKG: StructType = StructType {
    name: "*load.PackagePublic",
    fields: &[
        "ImportPath",
        "Imports",
        "ImportMap",
        "Module",
        "Error",
        "Standard",
        "Count",
    ],
    absent: &["CgoFiles"],
};
static MODULE: StructType = StructType {
    name: "*modinfo.ModulePublic",
    fields: &["Path", "Version"],
    absent: &[],
};
static PKGERR: StructType = StructType {
    name: "*load.PackageError",
    fields: &["ImportStack", "Pos", "Err"],
    absent: &[],
};

fn data() -> Value {
    let imports = vec!["fmt".to_string(), "strings".to_string(), "x/y".to_string()];
    let map: BTreeMap<String, String> = [
        ("zeta", "v/zeta"),
        ("alpha", "v/alpha"),
        ("Mid", "v/Mid"),
        ("beta", "v/beta"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let module = Value::structure(
        &MODULE,
        vec![Value::str("example.com/m"), Value::str("v1.2.3")],
        Some("example.com/m v1.2.3".into()),
    );
    Value::structure(
        &PKG,
        vec![
            Value::str("example.com/m/p"),
            Value::strings(&imports),
            Value::string_map(&map),
            module,
            Value::Nil(&PKGERR),
            Value::Bool(false),
            Value::Int(3),
        ],
        None,
    )
}

/// The table: each case a template and what Go 1.19's text/template gives for it with the data
/// above, `out` (printed) or `error`. `tests/gotmpl/main.go` checks (and `-w` rewrites) it against
/// the go command's text/template.
const CASES: &str = include_str!("../../../../tests/gotmpl/cases.json");

#[test]
fn templates_do_what_go_does() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(CASES).unwrap_or_else(|e| panic!("cases.json: {e}"));
    assert!(cases.len() > 50, "the table lost its cases");
    let d = data();
    let mut bad = Vec::new();
    for c in &cases {
        let src = c["template"].as_str().unwrap_or_default();
        let got = match Template::parse("main", src) {
            Err(e) => ("error", e.to_string()),
            Ok(t) => {
                let mut out = String::new();
                match t.execute(&d, &mut out) {
                    Err(e) => ("error", e),
                    Ok(()) => ("out", out),
                }
            }
        };
        if c[got.0].as_str() != Some(got.1.as_str()) {
            bad.push(format!("{src:?}: go {c} / ours {}: {:?}", got.0, got.1));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} cases differ:\n{}",
        bad.len(),
        cases.len(),
        bad.join("\n")
    );
}

#[test]
fn ranges_over_integer_keys_numerically() {
    let m: BTreeMap<Key, Value> = [10, 9, -1, 100]
        .into_iter()
        .map(|k| (Key::Int(k), Value::Int(k * 2)))
        .collect();
    let v = Value::Map("map[int]int", Rc::new(m));
    let t = Template::parse("main", "{{range $k, $v := .}}{{$k}}:{{$v}} {{end}}{{.}}")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    t.execute(&v, &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out,
        "-1:-2 9:18 10:20 100:200 map[-1:-2 9:18 10:20 100:200]"
    );
}

#[test]
fn fields_the_data_lacks_are_named() {
    let t = Template::parse("main", "{{.CgoFiles}}").unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    assert_eq!(
        t.execute(&data(), &mut out),
        Err(
            "template: main:1:2: executing \"main\" at <.CgoFiles>: field CgoFiles of \
             *load.PackagePublic is not reported by modscope"
                .to_string()
        )
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    for src in [
        "{{",
        "{{\"abc",
        "{{'ab'}}",
        "{{(.A}}",
        "{{.A)}}",
        "{{1.5}}",
        "{{$x :=}}",
        "{{|}}",
        "{{range $a, $b, $c := .}}{{end}}",
        "{{else}}",
        "{{define \"x\"}}{{end}}",
        "{{-}}",
        "{{/* x",
        "{{ .A | }}",
        "{{printf}}",
        "{{index}}",
        "{{99999999999999999999}}",
        "{{.A.}}",
        "{{\"a\".B}}",
        "{{ 1 2 }}",
        "{{nil}}",
    ] {
        if let Ok(t) = Template::parse("main", src) {
            let mut out = String::new();
            let _ = t.execute(&data(), &mut out);
        }
    }
}

/// Go stops runaway recursion at 100000 nested calls; this engine recurses on the native stack,
/// so it stops at [`MAX_TEMPLATE_DEPTH`] with Go's wording and that number, instead of
/// overflowing the stack.
#[test]
fn recursive_templates_stop_at_the_depth_limit() {
    let src = "{{define \"x\"}}{{template \"x\" .}}{{end}}{{template \"x\" .}}";
    let t = Template::parse("main", src).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    assert_eq!(
        t.execute(&data(), &mut out),
        Err(format!(
            "template: main:1:25: executing \"x\" at <{{{{template \"x\" .}}}}>: exceeded \
             maximum template depth ({MAX_TEMPLATE_DEPTH})"
        ))
    );
}
