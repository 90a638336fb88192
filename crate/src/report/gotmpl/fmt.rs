//! Go's `fmt` printing of template values: `%v` (what an action prints), `Sprint`, `Sprintln`
//! and `Sprintf` with the verbs, flags, widths and precisions go list templates use, and the
//! `%!d(string=x)` / `%!d(MISSING)` / `%!(EXTRA …)` texts for mismatches.

use super::{Key, Value};

/// `%v` of a value at a nesting depth (0: the value printed by an action).
pub(crate) fn value(v: &Value, out: &mut String) {
    match v {
        Value::Missing => out.push_str("<no value>"),
        Value::Nil(_) | Value::UntypedNil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Str(s) => out.push_str(s),
        Value::List(_, l) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                value(e, out);
            }
            out.push(']');
        }
        Value::Map(_, m) => {
            out.push_str("map[");
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                key(k, out);
                out.push(':');
                value(e, out);
            }
            out.push(']');
        }
        Value::Struct(s) => match &s.text {
            Some(t) => out.push_str(t),
            None => {
                out.push('{');
                for (i, e) in s.values.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    value(e, out);
                }
                out.push('}');
            }
        },
    }
}

fn key(k: &Key, out: &mut String) {
    match k {
        Key::Int(i) => out.push_str(&i.to_string()),
        Key::Str(s) => out.push_str(s),
    }
}

/// `fmt.Sprint`: operands printed with `%v`, a space between two operands when neither is a
/// string.
pub(crate) fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::Str(_)) && !matches!(args[i - 1], Value::Str(_)) {
            out.push(' ');
        }
        value(a, &mut out);
    }
    out
}

/// `fmt.Sprintln`: operands printed with `%v`, separated by spaces, then a newline.
pub(crate) fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        value(a, &mut out);
    }
    out.push('\n');
    out
}

/// Go's `strconv.Quote`.
pub(crate) fn quote(s: &str) -> String {
    crate::version::quote::quote_str(s)
}

/// One parsed `%` directive.
#[derive(Default, Clone)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

impl Spec {
    fn pad(&self, s: String, out: &mut String, numeric: bool) {
        let n = s.chars().count();
        let w = self.width.unwrap_or(0);
        if n >= w {
            out.push_str(&s);
        } else if self.minus {
            out.push_str(&s);
            out.extend(std::iter::repeat_n(' ', w - n));
        } else if self.zero && numeric {
            let (sign, digits) = match s.strip_prefix('-') {
                Some(d) => ("-", d),
                None => match s.strip_prefix('+') {
                    Some(d) => ("+", d),
                    None => ("", s.as_str()),
                },
            };
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', w - n));
            out.push_str(digits);
        } else if self.zero {
            out.extend(std::iter::repeat_n('0', w - n));
            out.push_str(&s);
        } else {
            out.extend(std::iter::repeat_n(' ', w - n));
            out.push_str(&s);
        }
    }
}

fn bad_verb(verb: char, v: &Value, out: &mut String) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    typed_value(v, out);
    out.push(')');
}

/// `type=value` as fmt shows an operand it could not format (`<nil>` for nil).
fn typed_value(v: &Value, out: &mut String) {
    match v {
        Value::Missing | Value::UntypedNil => out.push_str("<nil>"),
        _ => {
            out.push_str(v.type_name());
            out.push('=');
            value(v, out);
        }
    }
}

/// Formats one operand for a verb; lists and maps apply the verb to each element.
fn one(verb: char, spec: &Spec, v: &Value, out: &mut String) {
    match (verb, v) {
        ('v', Value::Struct(s)) if spec.plus && s.text.is_none() => {
            let mut t = String::from("{");
            for (i, (n, e)) in s.ty.fields.iter().zip(&s.values).enumerate() {
                if i > 0 {
                    t.push(' ');
                }
                t.push_str(n);
                t.push(':');
                value(e, &mut t);
            }
            t.push('}');
            spec.pad(t, out, false);
        }
        ('v', Value::Str(s)) if spec.sharp => spec.pad(quote(s), out, false),
        ('v', Value::Int(i)) => int(*i, 10, false, spec, out),
        ('v', _) => {
            let mut t = String::new();
            value(v, &mut t);
            spec.pad(t, out, false);
        }
        (_, Value::List(_, l)) if verb != 'T' => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                one(verb, spec, e, out);
            }
            out.push(']');
        }
        ('T', _) => spec.pad(v.type_name().to_string(), out, false),
        ('s', Value::Str(s)) => {
            let t: String = match spec.prec {
                Some(p) => s.chars().take(p).collect(),
                None => s.clone(),
            };
            spec.pad(t, out, false);
        }
        ('s', Value::Struct(st)) if st.text.is_some() => {
            spec.pad(st.text.clone().unwrap_or_default(), out, false)
        }
        ('q', Value::Str(s)) => spec.pad(quote(s), out, false),
        ('q', Value::Struct(st)) if st.text.is_some() => {
            spec.pad(quote(st.text.as_deref().unwrap_or("")), out, false)
        }
        ('q', Value::Int(i)) => {
            let c = u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            spec.pad(crate::version::quote::quote_rune(c), out, false);
        }
        ('d', Value::Int(i)) => int(*i, 10, false, spec, out),
        ('x', Value::Int(i)) => int(*i, 16, false, spec, out),
        ('X', Value::Int(i)) => int(*i, 16, true, spec, out),
        ('o', Value::Int(i)) => int(*i, 8, false, spec, out),
        ('b', Value::Int(i)) => int(*i, 2, false, spec, out),
        ('c', Value::Int(i)) => {
            let c = u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            spec.pad(c.to_string(), out, false);
        }
        ('x' | 'X', Value::Str(s)) => {
            let mut t = String::new();
            for byte in s.bytes() {
                if verb == 'x' {
                    t.push_str(&format!("{byte:02x}"));
                } else {
                    t.push_str(&format!("{byte:02X}"));
                }
            }
            spec.pad(t, out, false);
        }
        ('t', Value::Bool(b)) => spec.pad(b.to_string(), out, false),
        _ => bad_verb(verb, v, out),
    }
}

fn int(i: i64, base: u32, upper: bool, spec: &Spec, out: &mut String) {
    let mag = i.unsigned_abs();
    let mut digits = match base {
        16 if upper => format!("{mag:X}"),
        16 => format!("{mag:x}"),
        8 => format!("{mag:o}"),
        2 => format!("{mag:b}"),
        _ => mag.to_string(),
    };
    if let Some(p) = spec.prec {
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    if spec.sharp {
        match base {
            16 if upper => digits.insert_str(0, "0X"),
            16 => digits.insert_str(0, "0x"),
            8 => digits.insert(0, '0'),
            _ => {}
        }
    }
    let sign = if i < 0 {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    // With a precision, `0` pads with spaces.
    let mut spec = spec.clone();
    if spec.prec.is_some() {
        spec.zero = false;
    }
    spec.pad(format!("{sign}{digits}"), out, true);
}

/// `fmt.Sprintf(format, args…)`.
pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = !spec.minus,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let num = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
                chars.next();
            }
            n
        };
        spec.width = num(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.prec = Some(num(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(next) {
            Some(a) => {
                one(verb, &spec, a, &mut out);
                next += 1;
            }
            None => {
                out.push_str("%!");
                out.push(verb);
                out.push_str("(MISSING)");
            }
        }
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args[next..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            typed_value(a, &mut out);
        }
        out.push(')');
    }
    out
}
