//! Go's `text/template` for the `-f` flag of `list`: the parser ([`Template::parse`]), the values
//! a template sees ([`Value`]: Go's strings, bools, ints, slices, maps, struct pointers and nil),
//! and execution ([`Template::execute`]) with Go's printing (`[a b]`, `map[k:v]`, `<nil>`,
//! `String()` of a struct that has one) and Go's error texts (`template: main:1:2: executing
//! "main" at <.Foo>: can't evaluate field Foo in type *load.PackagePublic`).
//!
//! What it covers: text, `{{- -}}` trimming, comments, pipelines with `|`, variables (`$x :=`,
//! `$x =`, `$i, $v :=` in `range`, `$`), fields and field chains on dot, variables and
//! parenthesized pipelines, `if`/`else if`/`else`/`end`, `range`/`else`/`end` (maps in sorted key
//! order, as Go sorts them), `break`, `continue`, `with`/`else`/`end`, literals (strings, raw
//! strings, characters, integers, `true`, `false`, `nil`), and the functions `and`, `or`, `not`,
//! `len`, `index`, `slice`, `print`, `printf`, `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`,
//! `html`, `urlquery` and go list's `join`, and `define` / `template` / `block` (a definition is a
//! tree of its own: only `$` is in scope, set to the value passed). Not covered (an error names
//! them): floating-point and complex constants, and methods. Template calls nest at most
//! [`MAX_TEMPLATE_DEPTH`] deep (Go allows 100000; this engine recurses on the native stack).
//!
//! The module does no I/O: it turns a template and a value into text.

mod exec;
mod fmt;
mod parse;

use std::collections::BTreeMap;
use std::rc::Rc;

pub use parse::ParseError;

/// A Go struct type as the template sees it: its name as `reflect` prints a pointer to it
/// (`*load.PackagePublic`) and its exported field names, in declaration order.
#[derive(Debug, PartialEq, Eq)]
pub struct StructType {
    /// The pointer type's name, e.g. `*modinfo.ModulePublic`.
    pub name: &'static str,
    /// Field names in declaration order; a [`Struct`] holds one value per name.
    pub fields: &'static [&'static str],
    /// Fields the Go type has but the data does not carry: naming one is an error that says
    /// so, rather than a zero value that would be a wrong answer.
    pub absent: &'static [&'static str],
}

/// A pointer to a Go struct value: its type, one value per field, and the text its `String` or
/// `Error` method returns, when the type has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The type.
    pub ty: &'static StructType,
    /// Field values, in the order of `ty.fields`.
    pub values: Vec<Value>,
    /// What `String()` / `Error()` returns; `None` when the type has neither.
    pub text: Option<String>,
}

/// A map key: Go ranges over maps in key order, strings by bytes and integers by value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// An integer key.
    Int(i64),
    /// A string key.
    Str(String),
}

/// A value a template evaluates: the subset of Go's types go list's data uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value at all (a missing map key): prints `<no value>`.
    Missing,
    /// A nil pointer to a struct type (prints `<nil>`; a field of it is an error).
    Nil(&'static StructType),
    /// The untyped `nil` constant.
    UntypedNil,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A string.
    Str(String),
    /// A slice: its Go type name (`[]string`) and elements.
    List(&'static str, Rc<Vec<Value>>),
    /// A map: its Go type name (`map[string]string`) and entries in key order.
    Map(&'static str, Rc<BTreeMap<Key, Value>>),
    /// A non-nil pointer to a struct.
    Struct(Rc<Struct>),
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(s.to_string())
    }

    /// A `[]string` value.
    pub fn strings(v: &[String]) -> Value {
        Value::List(
            "[]string",
            Rc::new(v.iter().map(|s| Value::str(s)).collect()),
        )
    }

    /// A `map[string]string` value.
    pub fn string_map<'a>(m: impl IntoIterator<Item = (&'a String, &'a String)>) -> Value {
        Value::Map(
            "map[string]string",
            Rc::new(
                m.into_iter()
                    .map(|(k, v)| (Key::Str(k.clone()), Value::str(v)))
                    .collect(),
            ),
        )
    }

    /// A pointer to a struct of type `ty` with `values` (one per field) and its method text.
    pub fn structure(ty: &'static StructType, values: Vec<Value>, text: Option<String>) -> Value {
        Value::Struct(Rc::new(Struct { ty, values, text }))
    }

    /// The Go type name `reflect` gives this value in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Missing | Value::UntypedNil => "<nil>",
            Value::Nil(t) => t.name,
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Str(_) => "string",
            Value::List(t, _) | Value::Map(t, _) => t,
            Value::Struct(s) => s.ty.name,
        }
    }

    /// Go's truth: false, 0, nil, and empty strings, slices and maps are false.
    pub fn truth(&self) -> bool {
        match self {
            Value::Missing | Value::Nil(_) | Value::UntypedNil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.is_empty(),
            Value::List(_, l) => !l.is_empty(),
            Value::Map(_, m) => !m.is_empty(),
            Value::Struct(_) => true,
        }
    }
}

/// How deep `{{template}}` calls may nest before execution stops with Go's "exceeded maximum
/// template depth" error.
pub const MAX_TEMPLATE_DEPTH: usize = 100;

/// A parsed template, ready to execute against any number of values.
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    src: String,
    nodes: Vec<parse::Node>,
    defs: BTreeMap<String, Vec<parse::Node>>,
}

/// Functions a template may call beyond the builtins (go list adds `join`).
const LIST_FUNCS: &[&str] = &["join"];

impl Template {
    /// Parses `src` as the template named `name` (go list names it `main`), with go list's
    /// `join` function available.
    pub fn parse(name: &str, src: &str) -> Result<Template, ParseError> {
        let parsed = parse::parse(name, src, LIST_FUNCS)?;
        Ok(Template {
            name: name.to_string(),
            src: src.to_string(),
            nodes: parsed.main,
            defs: parsed.defs.into_iter().collect(),
        })
    }

    /// Executes the template with `dot` as data, appending to `out`; on error, `out` holds what
    /// was written before it and the error is Go's text.
    pub fn execute(&self, dot: &Value, out: &mut String) -> Result<(), String> {
        exec::execute(
            &exec::Templates {
                name: &self.name,
                src: &self.src,
                main: &self.nodes,
                defs: &self.defs,
            },
            dot,
            out,
        )
    }
}

#[cfg(test)]
mod tests;
