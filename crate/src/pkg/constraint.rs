//! Build constraints: `//go:build` expressions, legacy `// +build` lines, file-name `_GOOS`/`_GOARCH`
//! suffixes, and the build context (GOOS, GOARCH, tags, cgo) they are evaluated against.
//!
//! The rules follow Go 1.19's `go/build` (`shouldBuild`, `parseFileHeader`, `goodOSArchFile`,
//! `matchTag`) and `go/build/constraint`. Nothing here reads files: callers pass bytes and names.

/// Every GOOS value the go command knows (a `_GOOS` file-name suffix is only a constraint for these).
pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// The GOOS values matched by the `unix` tag.
pub const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// Every GOARCH value the go command knows.
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// The configuration files are matched against: what `go env GOOS GOARCH`, `-tags` and
/// `CGO_ENABLED` say, plus the toolchain's release and tool tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildContext {
    /// Target operating system (`linux`).
    pub goos: String,
    /// Target architecture (`amd64`).
    pub goarch: String,
    /// Whether cgo is enabled (the `cgo` tag, and whether files importing "C" are built).
    pub cgo_enabled: bool,
    /// The compiler name, `gc`.
    pub compiler: String,
    /// Extra tags from `-tags`.
    pub build_tags: Vec<String>,
    /// Tool tags (`goexperiment.*`) the toolchain sets.
    pub tool_tags: Vec<String>,
    /// Release tags `go1.1` … `go1.N`.
    pub release_tags: Vec<String>,
}

/// The `goexperiment.*` tool tags Go 1.19 sets by default for `goarch`: the register ABI
/// (`regabiwrappers`, `regabiargs`) on amd64, arm64, ppc64, ppc64le and riscv64, nothing
/// elsewhere.
pub fn default_tool_tags(goarch: &str) -> Vec<String> {
    match goarch {
        "amd64" | "arm64" | "ppc64" | "ppc64le" | "riscv64" => vec![
            "goexperiment.regabiwrappers".into(),
            "goexperiment.regabiargs".into(),
        ],
        _ => Vec::new(),
    }
}

impl Default for BuildContext {
    /// The oracle's context: linux/amd64, cgo off, Go 1.19's release and tool tags.
    fn default() -> Self {
        BuildContext {
            goos: "linux".into(),
            goarch: "amd64".into(),
            cgo_enabled: false,
            compiler: "gc".into(),
            build_tags: Vec::new(),
            tool_tags: vec![
                "goexperiment.regabiwrappers".into(),
                "goexperiment.regabiargs".into(),
            ],
            release_tags: (1..=19).map(|n| format!("go1.{n}")).collect(),
        }
    }
}

impl BuildContext {
    /// Whether a single tag is satisfied in this context.
    pub fn match_tag(&self, name: &str) -> bool {
        if self.cgo_enabled && name == "cgo" {
            return true;
        }
        if name == self.goos || name == self.goarch || name == self.compiler {
            return true;
        }
        match (self.goos.as_str(), name) {
            ("android", "linux") | ("illumos", "solaris") | ("ios", "darwin") => return true,
            _ => {}
        }
        if name == "unix" && UNIX_OS.contains(&self.goos.as_str()) {
            return true;
        }
        let name = if name == "boringcrypto" {
            "goexperiment.boringcrypto"
        } else {
            name
        };
        self.build_tags.iter().any(|t| t == name)
            || self.tool_tags.iter().any(|t| t == name)
            || self.release_tags.iter().any(|t| t == name)
    }

    /// Whether the file name's `_GOOS`, `_GOARCH` or `_GOOS_GOARCH` suffix (before `.ext` and an
    /// optional `_test`) allows the file in this context. Names without such a suffix pass.
    pub fn good_os_arch_file(&self, name: &str) -> bool {
        // Everything from the first dot is the extension; everything up to the first `_` is ignored.
        let stem = match name.find('.') {
            Some(i) => &name[..i],
            None => name,
        };
        let Some(us) = stem.find('_') else {
            return true;
        };
        let mut parts: Vec<&str> = stem[us..].split('_').collect();
        if parts.last() == Some(&"test") {
            parts.pop();
        }
        let n = parts.len();
        if n >= 2 && KNOWN_OS.contains(&parts[n - 2]) && KNOWN_ARCH.contains(&parts[n - 1]) {
            return self.match_tag(parts[n - 2]) && self.match_tag(parts[n - 1]);
        }
        if n >= 1 && (KNOWN_OS.contains(&parts[n - 1]) || KNOWN_ARCH.contains(&parts[n - 1])) {
            return self.match_tag(parts[n - 1]);
        }
        true
    }

    /// Evaluates a constraint expression.
    pub fn eval(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Tag(t) => self.match_tag(t),
            Expr::Not(x) => !self.eval(x),
            Expr::And(a, b) => self.eval(a) && self.eval(b),
            Expr::Or(a, b) => self.eval(a) || self.eval(b),
        }
    }

    /// Whether a file with this leading text (at least everything before the package clause) is
    /// built: its `//go:build` line if it has one, else every `// +build` line of the header.
    pub fn should_build(&self, content: &[u8]) -> Result<bool, ConstraintError> {
        let header = parse_file_header(content)?;
        if let Some(line) = header.go_build {
            let text = String::from_utf8_lossy(line);
            let expr = parse_go_build(&text)?;
            return Ok(self.eval(&expr));
        }
        let mut ok = true;
        for line in header.plus_build_region.split(|&b| b == b'\n') {
            let line = trim_ascii(line);
            if !line.starts_with(b"//") || !contains(line, b"+build") {
                continue;
            }
            let text = String::from_utf8_lossy(line);
            if let Some(expr) = parse_plus_build(&text) {
                if !self.eval(&expr) {
                    ok = false;
                }
            }
        }
        Ok(ok)
    }
}

/// A build constraint expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A tag, true when the context matches it.
    Tag(String),
    /// `!x`.
    Not(Box<Expr>),
    /// `x && y`.
    And(Box<Expr>, Box<Expr>),
    /// `x || y`.
    Or(Box<Expr>, Box<Expr>),
}

/// Why a build constraint could not be read. Messages follow `go/build`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// Two `//go:build` lines in one header.
    #[error("multiple //go:build comments")]
    MultipleGoBuild,
    /// A `//go:build` expression that does not parse.
    #[error("parsing //go:build line: {0}")]
    Syntax(String),
}

/// What [`parse_file_header`] found before the package clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHeader<'a> {
    /// The `//go:build` line, trimmed, when there is one.
    pub go_build: Option<&'a [u8]>,
    /// The leading part of the file in which `// +build` lines count (up to the last blank line
    /// before the first non-comment line).
    pub plus_build_region: &'a [u8],
    /// Whether a `//go:binary-only-package` line was seen.
    pub binary_only: bool,
}

fn trim_ascii(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn is_go_build_comment(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"//go:build") else {
        return false;
    };
    rest.is_empty() || rest.first().is_some_and(|c| c.is_ascii_whitespace())
}

/// Splits off the leading comment block of a Go file the way `go/build` does: finds the
/// `//go:build` line and the region where `// +build` lines are honoured.
pub fn parse_file_header(content: &[u8]) -> Result<FileHeader<'_>, ConstraintError> {
    let mut end = 0usize;
    let mut pos = 0usize;
    let mut ended = false;
    let mut in_slash_star = false;
    let mut go_build: Option<&[u8]> = None;
    let mut binary_only = false;
    'lines: while pos < content.len() {
        let rest = &content[pos..];
        let (raw, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], pos + i + 1),
            None => (rest, content.len()),
        };
        pos = next;
        let mut line = trim_ascii(raw);
        if line.is_empty() && !ended {
            end = pos;
            continue;
        }
        if !line.starts_with(b"//") {
            ended = true;
        }
        if !in_slash_star && is_go_build_comment(line) {
            if go_build.is_some() {
                return Err(ConstraintError::MultipleGoBuild);
            }
            go_build = Some(line);
        }
        if !in_slash_star && line == b"//go:binary-only-package" {
            binary_only = true;
        }
        loop {
            if line.is_empty() {
                continue 'lines;
            }
            if in_slash_star {
                match find(line, b"*/") {
                    Some(i) => {
                        in_slash_star = false;
                        line = trim_ascii(&line[i + 2..]);
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with(b"//") {
                continue 'lines;
            }
            if let Some(rest) = line.strip_prefix(b"/*") {
                in_slash_star = true;
                line = trim_ascii(rest);
                continue;
            }
            break 'lines;
        }
    }
    Ok(FileHeader {
        go_build,
        plus_build_region: &content[..end],
        binary_only,
    })
}

/// `go/build/constraint`'s tag characters: Unicode letters (`L`) and decimal digits (`Nd`), `_`
/// and `.`. Rust's `is_alphanumeric` is wider (other numbers such as `²`, letter numbers such as
/// `Ⅻ`, alphabetic marks), and the go command rejects those.
fn is_tag_char(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_' || c == '.';
    }
    crate::version::quote::is_letter(c) || c.general_category() == GeneralCategory::DecimalNumber
}

/// Parses a `//go:build` line (the whole line, `//go:build` included).
pub fn parse_go_build(line: &str) -> Result<Expr, ConstraintError> {
    let Some(rest) = line.trim().strip_prefix("//go:build") else {
        return Err(ConstraintError::Syntax("not a //go:build line".into()));
    };
    let mut p = ExprParser {
        s: rest.trim(),
        i: 0,
        tok: Tok::End,
        pos: 0,
        depth: 0,
    };
    let x = p.or()?;
    if p.tok != Tok::End {
        return Err(p.unexpected());
    }
    Ok(x)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    End,
    LParen,
    RParen,
    Not,
    And,
    Or,
    Tag(String),
}

struct ExprParser<'a> {
    s: &'a str,
    i: usize,
    tok: Tok,
    pos: usize,
    depth: usize,
}

impl ExprParser<'_> {
    fn err(&self, offset: usize, msg: impl Into<String>) -> ConstraintError {
        let _ = offset;
        ConstraintError::Syntax(msg.into())
    }

    fn unexpected(&self) -> ConstraintError {
        match &self.tok {
            Tok::End => self.err(self.pos, "unexpected end of expression"),
            t => self.err(self.pos, format!("unexpected token {}", tok_text(t))),
        }
    }

    fn lex(&mut self) -> Result<(), ConstraintError> {
        let b = self.s.as_bytes();
        while self.i < b.len() && (b[self.i] == b' ' || b[self.i] == b'\t') {
            self.i += 1;
        }
        self.pos = self.i;
        if self.i >= b.len() {
            self.tok = Tok::End;
            return Ok(());
        }
        let c = b[self.i];
        match c {
            b'(' | b')' | b'!' => {
                self.i += 1;
                self.tok = match c {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    _ => Tok::Not,
                };
                Ok(())
            }
            b'&' | b'|' => {
                if b.get(self.i + 1) != Some(&c) {
                    return Err(self.err(self.i, format!("invalid syntax at {}", c as char)));
                }
                self.i += 2;
                self.tok = if c == b'&' { Tok::And } else { Tok::Or };
                Ok(())
            }
            _ => {
                let rest = &self.s[self.i..];
                let len: usize = rest
                    .char_indices()
                    .find(|&(_, ch)| !is_tag_char(ch))
                    .map(|(j, _)| j)
                    .unwrap_or(rest.len());
                if len == 0 {
                    let ch = rest.chars().next().unwrap_or('?');
                    return Err(self.err(self.i, format!("invalid syntax at {ch}")));
                }
                self.tok = Tok::Tag(rest[..len].to_string());
                self.i += len;
                Ok(())
            }
        }
    }

    fn or(&mut self) -> Result<Expr, ConstraintError> {
        let mut x = self.and()?;
        while self.tok == Tok::Or {
            let y = self.and()?;
            x = Expr::Or(Box::new(x), Box::new(y));
        }
        Ok(x)
    }

    fn and(&mut self) -> Result<Expr, ConstraintError> {
        let mut x = self.not()?;
        while self.tok == Tok::And {
            let y = self.not()?;
            x = Expr::And(Box::new(x), Box::new(y));
        }
        Ok(x)
    }

    fn not(&mut self) -> Result<Expr, ConstraintError> {
        self.lex()?;
        if self.tok == Tok::Not {
            self.lex()?;
            if self.tok == Tok::Not {
                return Err(self.err(self.pos, "double negation not allowed"));
            }
            return Ok(Expr::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ConstraintError> {
        if self.tok == Tok::LParen {
            // Deeply nested parentheses in garbage input must not exhaust the stack.
            self.depth += 1;
            if self.depth > 100 {
                return Err(self.err(self.pos, "expression too deeply nested"));
            }
            let x = match self.or() {
                Ok(x) => x,
                Err(ConstraintError::Syntax(m)) if m == "unexpected end of expression" => {
                    return Err(self.err(self.pos, "missing close paren"))
                }
                Err(e) => return Err(e),
            };
            if self.tok != Tok::RParen {
                return Err(self.err(self.pos, "missing close paren"));
            }
            self.depth -= 1;
            self.lex()?;
            return Ok(x);
        }
        match std::mem::replace(&mut self.tok, Tok::End) {
            Tok::Tag(t) => {
                self.lex()?;
                Ok(Expr::Tag(t))
            }
            other => {
                self.tok = other;
                Err(self.unexpected())
            }
        }
    }
}

fn tok_text(t: &Tok) -> &str {
    match t {
        Tok::End => "",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::Not => "!",
        Tok::And => "&&",
        Tok::Or => "||",
        Tok::Tag(s) => s,
    }
}

/// Parses a legacy `// +build` line (the whole line); `None` when the line is not one.
/// Invalid terms become the never-satisfied tag `ignore`, as in `go/build/constraint`.
pub fn parse_plus_build(line: &str) -> Option<Expr> {
    let rest = line.strip_prefix("//")?.trim();
    let after = rest.strip_prefix("+build")?;
    if !after.is_empty() && !after.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let mut x: Option<Expr> = None;
    for clause in after.split_whitespace() {
        let mut y: Option<Expr> = None;
        for lit in clause.split(',') {
            let z = if lit.starts_with("!!") || lit == "!" {
                Expr::Tag("ignore".into())
            } else {
                let (neg, name) = match lit.strip_prefix('!') {
                    Some(n) => (true, n),
                    None => (false, lit),
                };
                let t = if !name.is_empty() && name.chars().all(is_tag_char) {
                    Expr::Tag(name.into())
                } else {
                    Expr::Tag("ignore".into())
                };
                if neg {
                    Expr::Not(Box::new(t))
                } else {
                    t
                }
            };
            y = Some(match y {
                None => z,
                Some(y) => Expr::And(Box::new(y), Box::new(z)),
            });
        }
        if let Some(y) = y {
            x = Some(match x {
                None => y,
                Some(x) => Expr::Or(Box::new(x), Box::new(y)),
            });
        }
    }
    Some(x.unwrap_or_else(|| Expr::Tag("ignore".into())))
}

#[cfg(test)]
mod tests {

    #[test]
    fn register_abi_tool_tags_follow_goarch() {
        let regabi = ["goexperiment.regabiwrappers", "goexperiment.regabiargs"];
        for arch in ["amd64", "arm64", "ppc64", "ppc64le", "riscv64"] {
            assert_eq!(super::default_tool_tags(arch), regabi, "{arch}");
        }
        for arch in ["386", "arm", "wasm", "mips64le", "s390x"] {
            assert!(super::default_tool_tags(arch).is_empty(), "{arch}");
        }
    }
    use super::*;

    #[test]
    fn file_name_suffixes() {
        let ctx = BuildContext::default();
        let rows = [
            ("a.go", true),
            ("a_linux.go", true),
            ("a_windows.go", false),
            ("a_amd64.go", true),
            ("a_arm64.go", false),
            ("a_linux_amd64.go", true),
            ("a_linux_arm.go", false),
            ("a_darwin_amd64.go", false),
            ("a_linux_test.go", true),
            ("a_windows_test.go", false),
            ("linux.go", true),
            ("windows.go", true),
            ("_windows.go", false),
            ("a_unix.go", true),
            ("x_windows.pb.go", false),
            ("foo_bar_windows_amd64.go", false),
            ("a_test.go", true),
            ("a_js_wasm.go", false),
        ];
        for (name, want) in rows {
            assert_eq!(ctx.good_os_arch_file(name), want, "{name}");
        }
        let mut android = BuildContext {
            goos: "android".into(),
            ..Default::default()
        };
        assert!(android.good_os_arch_file("a_linux.go"));
        android.goos = "ios".into();
        assert!(android.good_os_arch_file("a_darwin.go"));
    }

    #[test]
    fn go_build_expressions() {
        let ctx = BuildContext::default();
        let rows: &[(&str, Result<bool, &str>)] = &[
            ("//go:build linux", Ok(true)),
            ("//go:build !linux", Ok(false)),
            ("//go:build linux && amd64", Ok(true)),
            ("//go:build linux && !amd64", Ok(false)),
            ("//go:build windows || (linux && amd64)", Ok(true)),
            ("//go:build unix", Ok(true)),
            ("//go:build cgo", Ok(false)),
            ("//go:build go1.19", Ok(true)),
            ("//go:build go1.20", Ok(false)),
            ("//go:build ignore", Ok(false)),
            ("//go:build gc", Ok(true)),
            ("//go:build gccgo", Ok(false)),
            ("//go:build goexperiment.regabiargs", Ok(true)),
            ("//go:build", Err("unexpected end of expression")),
            ("//go:build linux &&", Err("unexpected end of expression")),
            ("//go:build (linux", Err("missing close paren")),
            ("//go:build !!linux", Err("double negation not allowed")),
            ("//go:build linux & amd64", Err("invalid syntax at &")),
            ("//go:build linux amd64", Err("unexpected token amd64")),
            ("//go:build linux)", Err("unexpected token )")),
        ];
        for (line, want) in rows {
            let got = parse_go_build(line).map(|x| ctx.eval(&x));
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, *w, "{line}"),
                (Err(ConstraintError::Syntax(m)), Err(w)) => assert_eq!(m, *w, "{line}"),
                (g, w) => panic!("{line}: got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn plus_build_lines() {
        let ctx = BuildContext::default();
        let rows = [
            ("// +build linux", true),
            ("// +build windows", false),
            ("// +build windows linux", true),
            ("// +build linux,!amd64", false),
            ("// +build !windows", true),
            ("// +build !!linux", false),
            ("// +build", false),
            ("// +build lin-ux", false),
        ];
        for (line, want) in rows {
            let x = parse_plus_build(line).expect(line);
            assert_eq!(ctx.eval(&x), want, "{line}");
        }
        assert!(parse_plus_build("// +buildlinux").is_none());
        assert!(parse_plus_build("// not build").is_none());
    }

    #[test]
    fn headers() {
        let ctx = BuildContext::default();
        let rows: &[(&str, bool)] = &[
            ("package p\n", true),
            ("// +build windows\n\npackage p\n", false),
            // No blank line after the +build line: it is part of the doc comment, not a constraint.
            ("// +build windows\npackage p\n", true),
            ("//go:build windows\n\npackage p\n", false),
            ("//go:build windows\npackage p\n", false),
            // go:build wins over +build.
            ("//go:build linux\n// +build windows\n\npackage p\n", true),
            ("/* c */\n// +build windows\n\npackage p\n", true),
            ("// Copyright\n\n// +build ignore\n\npackage main\n", false),
            ("package p\n//go:build windows\n", true),
            ("/*\n//go:build windows\n*/\npackage p\n", true),
        ];
        for (src, want) in rows {
            assert_eq!(ctx.should_build(src.as_bytes()), Ok(*want), "{src:?}");
        }
        assert_eq!(
            ctx.should_build(b"//go:build linux\n//go:build amd64\npackage p"),
            Err(ConstraintError::MultipleGoBuild)
        );
    }

    #[test]
    fn garbage_never_panics() {
        let ctx = BuildContext::default();
        let inputs: &[&[u8]] = &[
            b"",
            b"/*",
            b"*/",
            b"//go:build (((((((",
            b"//go:build \xff\xfe",
            b"// +build \xff,!\n\n",
            b"\n\n\n//go:build ((a) || !(b && c)\n",
        ];
        for i in inputs {
            let _ = ctx.should_build(i);
        }
        let deep = format!("//go:build {}", "(".repeat(100_000));
        assert!(parse_go_build(&deep).is_err());
    }
}
