//! The one package record of `list -json` in both modes (GOPATH and module), its error, and the
//! go command's JSON text for it.
//!
//! Fields are a subset of Go 1.19's `load.PackagePublic`, declared in its order so that the JSON
//! text lists them as `go list -json` does; zero values are omitted as Go's `omitempty` omits
//! them. GOPATH mode fills `Root` and the file lists; module mode fills `Module`.

use crate::graph::list::ModulePublic;
use serde::Serialize;
use std::collections::BTreeMap;

/// A package error as `go list -json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackageError {
    /// Import paths from the command-line package to this one.
    pub import_stack: Vec<String>,
    /// Position (`file:line:col`), when known.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pos: String,
    /// The message.
    pub err: String,
}

/// One package as `go list` describes it (the fields modscope reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Package {
    /// Directory holding the package.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// Import path (resolved).
    pub import_path: String,
    /// Package name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// GOPATH mode: root of the tree holding it (GOROOT or the GOPATH entry).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub root: String,
    /// Module mode: the providing module (none for the standard library).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<ModulePublic>,
    /// In GOROOT.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub goroot: bool,
    /// A standard-library package.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub standard: bool,
    /// This package or a dependency has an error.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
    /// Built non-test Go files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub go_files: Vec<String>,
    /// Go files excluded by build constraints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_go_files: Vec<String>,
    /// Resolved imports, in source-path order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// Source import path → resolved path, where they differ.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub import_map: BTreeMap<String, String>,
    /// All transitive imports, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps: Vec<String>,
    /// The package's own error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<PackageError>,
    /// Errors of dependencies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps_errors: Vec<PackageError>,
    /// Test files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_go_files: Vec<String>,
    /// External test files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub x_test_go_files: Vec<String>,
}

impl Package {
    /// The go command's `-json` text for the package: tab-indented, `<`, `>`, `&`, U+2028 and
    /// U+2029 escaped as Go's encoder escapes them, one trailing newline.
    pub fn go_json(&self) -> String {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        // Strings, booleans, lists and maps of strings serialize without failure.
        let _ = self.serialize(&mut ser);
        let text = String::from_utf8_lossy(&buf);
        let mut out = String::with_capacity(text.len() + 1);
        for c in text.chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_follows_go() {
        let p = Package {
            dir: "/w/a".into(),
            import_path: "example.com/a<b>".into(),
            name: "a".into(),
            incomplete: true,
            imports: vec!["fmt".into()],
            import_map: [("x".to_string(), "y".to_string())].into_iter().collect(),
            error: Some(PackageError {
                import_stack: vec![],
                pos: String::new(),
                err: "a & b\u{2028}".into(),
            }),
            ..Default::default()
        };
        assert_eq!(
            p.go_json(),
            "{\n\t\"Dir\": \"/w/a\",\n\t\"ImportPath\": \"example.com/a\\u003cb\\u003e\",\n\t\
             \"Name\": \"a\",\n\t\"Incomplete\": true,\n\t\"Imports\": [\n\t\t\"fmt\"\n\t],\n\t\
             \"ImportMap\": {\n\t\t\"x\": \"y\"\n\t},\n\t\"Error\": {\n\t\t\"ImportStack\": [],\n\t\t\
             \"Err\": \"a \\u0026 b\\u2028\"\n\t}\n}\n"
        );
    }
}
