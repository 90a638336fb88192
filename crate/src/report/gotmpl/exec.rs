//! Execution of parsed templates: dot and variables, field lookup with Go's error texts, the
//! builtin functions and go list's `join`, ranging over maps in sorted key order.

use super::fmt as gofmt;
use super::parse::{Arg, Cmd, Node, Pipe};
use super::{Key, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// An execution error: the node it happened at (offset and Go's text of it) and the message.
struct ExecErr {
    pos: usize,
    context: String,
    msg: String,
    /// The template executing where it happened (`None`: the main one).
    tmpl: Option<String>,
}

type R<T> = Result<T, ExecErr>;

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'a> {
    vars: Vec<(String, Value)>,
    out: &'a mut String,
    defs: &'a BTreeMap<String, Vec<Node>>,
    main_name: &'a str,
    main: &'a [Node],
    depth: usize,
}

/// A parsed template set as execution needs it.
pub(crate) struct Templates<'a> {
    /// The main template's name (also the name errors are located in).
    pub name: &'a str,
    /// Its source text.
    pub src: &'a str,
    /// Its body.
    pub main: &'a [Node],
    /// The templates it defines.
    pub defs: &'a BTreeMap<String, Vec<Node>>,
}

fn err<T>(pos: usize, context: impl std::fmt::Display, msg: impl Into<String>) -> R<T> {
    Err(ExecErr {
        pos,
        context: context.to_string(),
        msg: msg.into(),
        tmpl: None,
    })
}

/// Runs `nodes` with `dot`, appending to `out`; errors are Go's text.
pub(crate) fn execute(t: &Templates<'_>, dot: &Value, out: &mut String) -> Result<(), String> {
    let (name, src) = (t.name, t.src);
    let mut st = State {
        vars: vec![("$".to_string(), dot.clone())],
        out,
        defs: t.defs,
        main_name: t.name,
        main: t.main,
        depth: 0,
    };
    match st.walk_list(dot, t.main) {
        Ok(_) => Ok(()),
        Err(e) => {
            let before = &src[..e.pos.min(src.len())];
            let line = 1 + before.matches('\n').count();
            let col = match before.rfind('\n') {
                Some(nl) => e.pos - nl - 1,
                None => e.pos,
            };
            Err(format!(
                "template: {name}:{line}:{col}: executing {} at <{}>: {}",
                gofmt::quote(e.tmpl.as_deref().unwrap_or(name)),
                e.context,
                e.msg
            ))
        }
    }
}

impl State<'_> {
    fn walk_list(&mut self, dot: &Value, nodes: &[Node]) -> R<Flow> {
        for n in nodes {
            match self.walk(dot, n)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Value, node: &Node) -> R<Flow> {
        match node {
            Node::Text(t) => self.out.push_str(t),
            Node::Action(pipe) => {
                let v = self.pipe(dot, pipe)?;
                if pipe.decl.is_empty() {
                    gofmt::value(&v, self.out);
                }
            }
            Node::If {
                pipe,
                list,
                else_list,
                with,
            } => {
                let mark = self.vars.len();
                let v = self.pipe(dot, pipe)?;
                let flow = if v.truth() {
                    if *with {
                        self.walk_list(&v, list)?
                    } else {
                        self.walk_list(dot, list)?
                    }
                } else if let Some(e) = else_list {
                    self.walk_list(dot, e)?
                } else {
                    Flow::Normal
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range {
                pipe,
                list,
                else_list,
            } => {
                let mark = self.vars.len();
                self.range(dot, pipe, list, else_list.as_deref())?;
                self.vars.truncate(mark);
            }
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
            Node::Template {
                pos,
                name,
                quoted,
                pipe,
            } => {
                let context = || match pipe {
                    Some(p) => format!("{{{{template {quoted} {p}}}}}"),
                    None => format!("{{{{template {quoted}}}}}"),
                };
                let body: &[Node] = match self.defs.get(name) {
                    Some(b) => b,
                    None if name == self.main_name => self.main,
                    None => return err(*pos, context(), format!("template {name:?} not defined")),
                };
                if self.depth >= super::MAX_TEMPLATE_DEPTH {
                    return err(
                        *pos,
                        context(),
                        format!(
                            "exceeded maximum template depth ({})",
                            super::MAX_TEMPLATE_DEPTH
                        ),
                    );
                }
                let v = match pipe {
                    Some(p) => self.pipe(dot, p)?,
                    None => Value::Missing,
                };
                // A template runs with its own variables: only `$`, set to dot.
                let saved = std::mem::replace(&mut self.vars, vec![("$".to_string(), v.clone())]);
                self.depth += 1;
                let res = self.walk_list(&v, body);
                self.depth -= 1;
                self.vars = saved;
                if let Err(mut e) = res {
                    e.tmpl.get_or_insert_with(|| name.clone());
                    return Err(e);
                }
            }
        }
        Ok(Flow::Normal)
    }

    fn range(
        &mut self,
        dot: &Value,
        pipe: &Pipe,
        list: &[Node],
        else_list: Option<&[Node]>,
    ) -> R<()> {
        let v = self.pipe(dot, pipe)?;
        let items: Vec<(Value, Value)> = match &v {
            Value::List(_, l) => l
                .iter()
                .enumerate()
                .map(|(i, e)| (Value::Int(i as i64), e.clone()))
                .collect(),
            Value::Map(_, m) => m
                .iter()
                .map(|(k, e)| {
                    let k = match k {
                        Key::Int(i) => Value::Int(*i),
                        Key::Str(s) => Value::Str(s.clone()),
                    };
                    (k, e.clone())
                })
                .collect(),
            Value::Missing | Value::UntypedNil => Vec::new(),
            other => {
                let mut shown = String::new();
                gofmt::value(other, &mut shown);
                // Go reports it at the last operand it evaluated.
                let (pos, context) = last_operand(pipe);
                return err(pos, context, format!("range can't iterate over {shown}"));
            }
        };
        if items.is_empty() {
            if let Some(e) = else_list {
                self.walk_list(dot, e)?;
            }
            return Ok(());
        }
        // The pipeline pushed its declared variables: the last is the element, the one before
        // it the index or key.
        let n = self.vars.len();
        let mark = n;
        for (k, e) in items {
            if pipe.assign {
                match pipe.decl.as_slice() {
                    [v] => self.set_var(v, e.clone()),
                    [kv, v] => {
                        self.set_var(kv, k);
                        self.set_var(v, e.clone());
                    }
                    _ => {}
                }
            } else {
                match pipe.decl.len() {
                    1 => self.vars[n - 1].1 = e.clone(),
                    2 => {
                        self.vars[n - 2].1 = k;
                        self.vars[n - 1].1 = e.clone();
                    }
                    _ => {}
                }
            }
            let flow = self.walk_list(&e, list)?;
            self.vars.truncate(mark);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        Ok(())
    }

    fn set_var(&mut self, name: &str, v: Value) {
        if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            slot.1 = v;
        }
    }

    fn var(&self, name: &str, pos: usize) -> R<Value> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => err(pos, name, format!("undefined variable: {name}")),
        }
    }

    fn pipe(&mut self, dot: &Value, pipe: &Pipe) -> R<Value> {
        let mut v: Option<Value> = None;
        for c in &pipe.cmds {
            v = Some(self.command(dot, c, v)?);
        }
        let v = v.unwrap_or(Value::Missing);
        for name in &pipe.decl {
            if pipe.assign {
                self.set_var(name, v.clone());
            } else {
                self.vars.push((name.clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn has_args(cmd: &Cmd, fin: &Option<Value>) -> bool {
        cmd.args.len() > 1 || fin.is_some()
    }

    fn not_a_function(cmd: &Cmd, fin: &Option<Value>) -> R<()> {
        if cmd.args.len() > 1 || fin.is_some() {
            let first = &cmd.args[0];
            return err(
                first.pos(),
                first,
                format!("can't give argument to non-function {first}"),
            );
        }
        Ok(())
    }

    fn command(&mut self, dot: &Value, cmd: &Cmd, fin: Option<Value>) -> R<Value> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(pos, names) => {
                field_chain(dot.clone(), names, *pos, first, Self::has_args(cmd, &fin))
            }
            Arg::Var(pos, name, names) => {
                let v = self.var(name, *pos)?;
                if names.is_empty() {
                    Self::not_a_function(cmd, &fin)?;
                    return Ok(v);
                }
                field_chain(v, names, *pos, first, Self::has_args(cmd, &fin))
            }
            Arg::Chain(_, pipe, names) => {
                if names.is_empty() {
                    Self::not_a_function(cmd, &fin)?;
                    return self.pipe(dot, pipe);
                }
                let v = self.pipe(dot, pipe)?;
                let (p, inner) = last_operand(pipe);
                field_chain(v, names, p, &inner, Self::has_args(cmd, &fin))
            }
            Arg::Func(pos, name) => self.call(dot, cmd, *pos, name, fin),
            Arg::Nil(pos) => err(*pos, first, "nil is not a command"),
            _ => {
                Self::not_a_function(cmd, &fin)?;
                self.arg(dot, first)
            }
        }
    }

    /// The value of an argument.
    fn arg(&mut self, dot: &Value, a: &Arg) -> R<Value> {
        Ok(match a {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => Value::UntypedNil,
            Arg::Field(pos, names) => field_chain(dot.clone(), names, *pos, a, false)?,
            Arg::Var(pos, name, names) => {
                let v = self.var(name, *pos)?;
                field_chain(v, names, *pos, a, false)?
            }
            Arg::Func(pos, name) => {
                let cmd = Cmd {
                    pos: *pos,
                    args: vec![a.clone()],
                };
                self.call(dot, &cmd, *pos, name, None)?
            }
            Arg::Bool(_, b) => Value::Bool(*b),
            Arg::Int(_, i, _) => Value::Int(*i),
            Arg::Str(_, s, _) => Value::Str(s.clone()),
            Arg::Chain(_, pipe, names) => {
                let v = self.pipe(dot, pipe)?;
                if names.is_empty() {
                    v
                } else {
                    let (p, inner) = last_operand(pipe);
                    field_chain(v, names, p, &inner, false)?
                }
            }
        })
    }

    fn call(
        &mut self,
        dot: &Value,
        cmd: &Cmd,
        pos: usize,
        name: &str,
        fin: Option<Value>,
    ) -> R<Value> {
        let arg_nodes = &cmd.args[1..];
        let n_args = arg_nodes.len() + usize::from(fin.is_some());
        let arity = |want: usize| -> R<()> {
            if n_args != want {
                return err(
                    pos,
                    name,
                    format!("wrong number of args for {name}: want {want} got {n_args}"),
                );
            }
            Ok(())
        };
        let at_least = |want: usize| -> R<()> {
            if n_args < want {
                return err(
                    pos,
                    name,
                    format!("wrong number of args for {name}: want at least {want} got {n_args}"),
                );
            }
            Ok(())
        };
        // Where Go reports an argument of the wrong type: at that argument's node.
        let wrong_type = |i: usize, want: &str, got: &Value| -> R<Value> {
            let msg = format!(
                "wrong type for value; expected {want}; got {}",
                got.type_name()
            );
            match arg_nodes.get(i) {
                Some(a) => err(a.pos(), a, msg),
                None => err(cmd.pos, cmd, msg),
            }
        };
        let calling =
            |msg: String| -> R<Value> { err(cmd.pos, cmd, format!("error calling {name}: {msg}")) };
        // `and` and `or` evaluate their arguments only as far as needed.
        if name == "and" || name == "or" {
            at_least(1)?;
            let mut last = Value::Missing;
            for (i, a) in arg_nodes.iter().enumerate() {
                last = self.arg(dot, a)?;
                let t = last.truth();
                let done = if name == "and" { !t } else { t };
                if done || (i + 1 == arg_nodes.len() && fin.is_none()) {
                    return Ok(last);
                }
            }
            return Ok(fin.unwrap_or(last));
        }
        let mut args = Vec::with_capacity(n_args);
        for a in arg_nodes {
            args.push(self.arg(dot, a)?);
        }
        if let Some(f) = fin {
            args.push(f);
        }
        match name {
            "not" => {
                arity(1)?;
                Ok(Value::Bool(!args[0].truth()))
            }
            "len" => {
                arity(1)?;
                match &args[0] {
                    Value::Str(s) => Ok(Value::Int(s.len() as i64)),
                    Value::List(_, l) => Ok(Value::Int(l.len() as i64)),
                    Value::Map(_, m) => Ok(Value::Int(m.len() as i64)),
                    Value::Nil(_) => calling("len of nil pointer".into()),
                    Value::Missing | Value::UntypedNil => calling("len of nil pointer".into()),
                    v => calling(format!(
                        "len of type {}",
                        v.type_name().trim_start_matches('*')
                    )),
                }
            }
            "index" => {
                at_least(1)?;
                let mut item = args[0].clone();
                for ix in &args[1..] {
                    item = match index(&item, ix) {
                        Ok(v) => v,
                        Err(m) => return calling(m),
                    };
                }
                Ok(item)
            }
            "slice" => {
                at_least(1)?;
                match slice(&args[0], &args[1..]) {
                    Ok(v) => Ok(v),
                    Err(m) => calling(m),
                }
            }
            "print" => Ok(Value::Str(gofmt::sprint(&args))),
            "println" => Ok(Value::Str(gofmt::sprintln(&args))),
            "printf" => {
                at_least(1)?;
                match &args[0] {
                    Value::Str(f) => Ok(Value::Str(gofmt::sprintf(f, &args[1..]))),
                    v => wrong_type(0, "string", v),
                }
            }
            "html" => Ok(Value::Str(html(&eval_args(&args)))),
            "urlquery" => Ok(Value::Str(query_escape(&eval_args(&args)))),
            "eq" => {
                at_least(1)?;
                if args.len() < 2 {
                    return calling("missing argument for comparison".into());
                }
                for b in &args[1..] {
                    match eq(&args[0], b) {
                        Ok(true) => return Ok(Value::Bool(true)),
                        Ok(false) => {}
                        Err(m) => return calling(m),
                    }
                }
                Ok(Value::Bool(false))
            }
            "ne" | "lt" | "le" | "gt" | "ge" => {
                arity(2)?;
                let r = match name {
                    "ne" => eq(&args[0], &args[1]).map(|b| !b),
                    "lt" => lt(&args[0], &args[1]),
                    "le" => lt(&args[0], &args[1]).and_then(|l| Ok(l || eq(&args[0], &args[1])?)),
                    "gt" => {
                        lt(&args[0], &args[1]).and_then(|l| Ok(!(l || eq(&args[0], &args[1])?)))
                    }
                    _ => lt(&args[0], &args[1]).map(|l| !l),
                };
                match r {
                    Ok(b) => Ok(Value::Bool(b)),
                    Err(m) => calling(m),
                }
            }
            "join" => {
                arity(2)?;
                let parts = match &args[0] {
                    Value::List("[]string", l) => l,
                    v => return wrong_type(0, "[]string", v),
                };
                let Value::Str(sep) = &args[1] else {
                    return wrong_type(1, "string", &args[1]);
                };
                let mut s = String::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(sep);
                    }
                    gofmt::value(p, &mut s);
                }
                Ok(Value::Str(s))
            }
            _ => err(pos, name, format!("{name:?} is not a defined function")),
        }
    }
}

/// `.A.B.C` on `v`, with Go's errors for fields that do not exist and nil pointers.
/// The operand Go last evaluated in a pipeline (where it reports errors found after it).
fn last_operand(pipe: &Pipe) -> (usize, String) {
    match pipe.cmds.last().and_then(|c| c.args.last()) {
        Some(a) => (a.pos(), a.to_string()),
        None => (pipe.pos, pipe.to_string()),
    }
}

fn field_chain(
    mut v: Value,
    names: &[String],
    pos: usize,
    node: &dyn std::fmt::Display,
    has_args: bool,
) -> R<Value> {
    for (k, f) in names.iter().enumerate() {
        let args_here = has_args && k + 1 == names.len();
        v = match &v {
            Value::Struct(s) => match s.ty.fields.iter().position(|n| n == f) {
                Some(_) if args_here => {
                    return err(
                        pos,
                        node,
                        format!("{f} has arguments but cannot be invoked as function"),
                    )
                }
                Some(i) => s.values[i].clone(),
                None if s.ty.absent.contains(&f.as_str()) => {
                    return err(
                        pos,
                        node,
                        format!("field {f} of {} is not reported by modscope", s.ty.name),
                    )
                }
                None => {
                    return err(
                        pos,
                        node,
                        format!("can't evaluate field {f} in type {}", s.ty.name),
                    )
                }
            },
            Value::Nil(t) => {
                if t.fields.contains(&f.as_str()) || t.absent.contains(&f.as_str()) {
                    return err(pos, node, format!("nil pointer evaluating {}.{f}", t.name));
                }
                return err(
                    pos,
                    node,
                    format!("can't evaluate field {f} in type {}", t.name),
                );
            }
            Value::Map(_, _) if args_here => {
                return err(pos, node, format!("{f} is not a method but has arguments"))
            }
            Value::Map(_, m) => m
                .get(&Key::Str(f.clone()))
                .cloned()
                .unwrap_or(Value::Missing),
            Value::Missing | Value::UntypedNil => Value::Missing,
            other => {
                return err(
                    pos,
                    node,
                    format!("can't evaluate field {f} in type {}", other.type_name()),
                )
            }
        };
    }
    Ok(v)
}

fn index(item: &Value, ix: &Value) -> Result<Value, String> {
    let int_ix = |len: usize| -> Result<usize, String> {
        match ix {
            Value::Int(i) if *i >= 0 && (*i as usize) < len => Ok(*i as usize),
            // Go checks the index against the capacity first, then reflect against the length;
            // a slice's capacity is at least its length.
            Value::Int(i) if *i >= 0 && (*i as usize) == len => {
                Err("reflect: slice index out of range".into())
            }
            Value::Int(i) => Err(format!("index out of range: {i}")),
            Value::Missing | Value::UntypedNil => Err("cannot index slice/array with nil".into()),
            v => Err(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            )),
        }
    };
    match item {
        Value::List(_, l) => Ok(l[int_ix(l.len())?].clone()),
        Value::Str(s) => Ok(Value::Int(i64::from(s.as_bytes()[int_ix(s.len())?]))),
        Value::Map(_, m) => match ix {
            Value::Str(k) => Ok(m
                .get(&Key::Str(k.clone()))
                .cloned()
                .unwrap_or_else(|| Value::Str(String::new()))),
            v => Err(format!(
                "value has type {}; should be string",
                v.type_name()
            )),
        },
        Value::Missing | Value::UntypedNil => Err("index of untyped nil".into()),
        Value::Nil(_) => Err("index of nil pointer".into()),
        v => Err(format!(
            "can't index item of type {}",
            v.type_name().trim_start_matches('*')
        )),
    }
}

fn slice(item: &Value, ixs: &[Value]) -> Result<Value, String> {
    if ixs.len() > 3 {
        return Err(format!("too many slice indexes: {}", ixs.len()));
    }
    let len = match item {
        Value::Str(s) => s.len(),
        Value::List(_, l) => l.len(),
        Value::Missing | Value::UntypedNil => return Err("slice of untyped nil".into()),
        v => {
            return Err(format!(
                "can't slice item of type {}",
                v.type_name().trim_start_matches('*')
            ))
        }
    };
    if ixs.len() == 3 {
        return Err("cannot 3-index slice a string".into());
    }
    let mut bounds = [0usize, len];
    for (k, ix) in ixs.iter().enumerate() {
        match ix {
            Value::Int(i) if *i >= 0 && (*i as usize) <= len => bounds[k] = *i as usize,
            Value::Int(i) => return Err(format!("index out of range: {i}")),
            v => {
                return Err(format!(
                    "cannot index slice/array with type {}",
                    v.type_name()
                ))
            }
        }
    }
    if bounds[0] > bounds[1] {
        return Err(format!(
            "invalid slice index: {} > {}",
            bounds[0], bounds[1]
        ));
    }
    Ok(match item {
        Value::Str(s) => match s.get(bounds[0]..bounds[1]) {
            Some(t) => Value::Str(t.to_string()),
            None => Value::Str(String::from_utf8_lossy(&s.as_bytes()[bounds[0]..bounds[1]]).into()),
        },
        Value::List(t, l) => Value::List(t, Rc::new(l[bounds[0]..bounds[1]].to_vec())),
        _ => Value::Missing,
    })
}

/// The kind `eq` and `lt` compare by.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Str,
    Other,
}

fn kind(v: &Value) -> Kind {
    match v {
        Value::Missing | Value::UntypedNil => Kind::Invalid,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Str(_) => Kind::Str,
        _ => Kind::Other,
    }
}

fn eq(a: &Value, b: &Value) -> Result<bool, String> {
    let nilish = |v: &Value| matches!(v, Value::Nil(_) | Value::UntypedNil);
    let pointer = |v: &Value| matches!(v, Value::Nil(_) | Value::Struct(_));
    if (matches!(a, Value::UntypedNil) || matches!(b, Value::UntypedNil))
        && (pointer(a) || pointer(b))
    {
        return Ok(nilish(a) && nilish(b));
    }
    let (ka, kb) = (kind(a), kind(b));
    if ka != kb {
        if ka == Kind::Invalid || kb == Kind::Invalid {
            return Ok(false);
        }
        return Err("incompatible types for comparison".into());
    }
    Ok(match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Struct(x), Value::Struct(y)) => Rc::ptr_eq(x, y),
        (Value::Nil(_), Value::Nil(_)) => true,
        (Value::Nil(_), Value::Struct(_)) | (Value::Struct(_), Value::Nil(_)) => false,
        (Value::List(..) | Value::Map(..), _) | (_, Value::List(..) | Value::Map(..)) => {
            return Err(format!("non-comparable type {}", a.type_name()));
        }
        _ => true,
    })
}

fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (kind(a), kind(b));
    if !matches!(ka, Kind::Int | Kind::Str) || !matches!(kb, Kind::Int | Kind::Str | Kind::Bool) {
        return Err("invalid type for comparison".into());
    }
    if ka != kb {
        return Err("incompatible types for comparison".into());
    }
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Str(x), Value::Str(y)) => x < y,
        _ => false,
    })
}

/// The text `html` and `urlquery` work on: a single string as is, else `Sprint` of the values.
fn eval_args(args: &[Value]) -> String {
    if let [Value::Str(s)] = args {
        return s.clone();
    }
    gofmt::sprint(args)
}

fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
