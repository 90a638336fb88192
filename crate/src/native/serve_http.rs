//! The HTTP/1.1 subset `modscope serve` speaks: one `GET` or `HEAD` request per connection, read
//! with a size limit and a timeout, answered with a `Content-Length` body and `Connection: close`.
//!
//! std's `TcpListener` is enough for a loopback backend that answers one request at a time: the
//! only parsing needed is the request line, the end of the headers, and the target's path and
//! query (percent-decoding, `+` as space in the query). Everything else is refused with a status
//! code, never a panic: a request line over [`MAX_HEAD`] bytes, bytes that are not UTF-8 after
//! decoding, a target that is not origin-form (`/…`), a method other than GET or HEAD.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Longest request head (request line and headers) read before answering 431.
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request head.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET` or `HEAD`.
    pub method: String,
    /// The decoded path (`/api/lookup`), always starting with `/`.
    pub path: String,
    /// The decoded query parameters in order; a key without `=` has an empty value.
    pub query: Vec<(String, String)>,
}

impl Request {
    /// Every value of parameter `key`, in order.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The first value of parameter `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a boolean parameter is set: present with an empty value, `1` or `true`.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("" | "1" | "true"))
    }
}

/// An answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// `Content-Type` value.
    pub content_type: &'static str,
    /// Extra headers (name, value); values hold no line breaks.
    pub headers: Vec<(&'static str, String)>,
    /// The body (not sent for HEAD).
    pub body: Vec<u8>,
}

impl Response {
    /// A plain-text answer with `status`; the text ends with a newline.
    pub fn text(status: u16, text: &str) -> Self {
        let mut body = text.as_bytes().to_vec();
        if !body.ends_with(b"\n") {
            body.push(b'\n');
        }
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body,
        }
    }

    /// A JSON answer with status 200.
    pub fn json(body: String) -> Self {
        Response {
            status: 200,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.into_bytes(),
        }
    }
}

/// Why a request could not be read; each maps to the status it is answered with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Malformed request line or target (400).
    #[error("bad request: {0}")]
    Bad(String),
    /// The head is longer than [`MAX_HEAD`] (431).
    #[error("request head larger than {MAX_HEAD} bytes")]
    TooLarge,
    /// A method other than GET or HEAD (405).
    #[error("method {0} not allowed: GET or HEAD only")]
    Method(String),
    /// The connection closed or timed out before the head ended (nothing is answered).
    #[error("connection closed before the request ended")]
    Closed,
}

impl RequestError {
    /// The status code this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            RequestError::Bad(_) | RequestError::Closed => 400,
            RequestError::TooLarge => 431,
            RequestError::Method(_) => 405,
        }
    }
}

/// Reads one request head from `stream` (with [`READ_TIMEOUT`]) and parses it.
pub fn read_request(stream: &mut TcpStream) -> Result<Request, RequestError> {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return Err(RequestError::Closed),
            Ok(n) => n,
        };
        // Look for the blank line only around what was just read.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = find_head_end(&head[from..]) {
            head.truncate(from + end);
            break;
        }
        if head.len() > MAX_HEAD {
            return Err(RequestError::TooLarge);
        }
    }
    if head.len() > MAX_HEAD {
        return Err(RequestError::TooLarge);
    }
    parse_head(&head)
}

/// Where the blank line ending the head starts (`\r\n\r\n` or a bare `\n\n`).
fn find_head_end(b: &[u8]) -> Option<usize> {
    (0..b.len()).find(|&i| b[i..].starts_with(b"\r\n\r\n") || b[i..].starts_with(b"\n\n"))
}

/// Parses a request head (request line and headers; headers are not needed and ignored).
pub fn parse_head(head: &[u8]) -> Result<Request, RequestError> {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = std::str::from_utf8(&head[..line_end])
        .map_err(|_| RequestError::Bad("request line is not UTF-8".into()))?
        .trim_end_matches('\r');
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Bad("malformed request line".into()));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(RequestError::Bad(format!(
            "unsupported version {version:?}"
        )));
    }
    if method != "GET" && method != "HEAD" {
        return Err(RequestError::Method(method.chars().take(16).collect()));
    }
    if !target.starts_with('/') {
        return Err(RequestError::Bad("target must start with /".into()));
    }
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw_path, false)?;
    let mut query = Vec::new();
    for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        query.push((percent_decode(k, true)?, percent_decode(v, true)?));
    }
    Ok(Request {
        method: method.to_string(),
        path,
        query,
    })
}

/// Decodes `%XX` escapes (and `+` as a space when `plus` is set); the result must be UTF-8 and
/// hold no NUL.
pub fn percent_decode(s: &str, plus: bool) -> Result<String, RequestError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                let (Some(h), Some(l)) = (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                ) else {
                    return Err(RequestError::Bad(format!("bad escape in {s:?}")));
                };
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    if out.contains(&0) {
        return Err(RequestError::Bad("NUL byte in request".into()));
    }
    String::from_utf8(out).map_err(|_| RequestError::Bad("escapes do not decode to UTF-8".into()))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// Writes `resp` (without its body when `head_only`) and ends the connection.
pub fn write_response(
    stream: &mut TcpStream,
    resp: &Response,
    head_only: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         X-Content-Type-Options: nosniff\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&resp.body)?;
    }
    stream.flush()
}

/// After answering a request that was not read to its end (too large, malformed), reads and
/// drops what the client still sends (up to 1 MiB, each read waiting at most a second), so that
/// closing the socket does not reset the connection before the client has read the answer.
pub fn discard_rest(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buf = [0u8; 8192];
    let mut total = 0usize;
    while total < (1 << 20) {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_target_and_query() {
        let r =
            parse_head(b"GET /api/lookup?path=a%2Fb&from=/x+y&all HTTP/1.1\r\nHost: h").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/api/lookup");
        assert_eq!(r.get("path"), Some("a/b"));
        assert_eq!(r.get("from"), Some("/x y"));
        assert!(r.flag("all"));
        assert!(!r.flag("deps"));
    }

    #[test]
    fn refuses_bad_heads() {
        let bad = |h: &[u8]| parse_head(h).unwrap_err().status();
        assert_eq!(bad(b"POST / HTTP/1.1"), 405);
        assert_eq!(bad(b"GET / HTTP/1.1 extra"), 400);
        assert_eq!(bad(b"GET http://x/ HTTP/1.1"), 400);
        assert_eq!(bad(b"GET /%zz HTTP/1.1"), 400);
        assert_eq!(bad(b"GET /%00 HTTP/1.1"), 400);
        assert_eq!(bad(b"GET /?a=%ff HTTP/1.1"), 400);
        assert_eq!(bad(b"GET /%4 HTTP/1.1"), 400);
        assert_eq!(bad(b"GET / SPDY/3"), 400);
        assert_eq!(bad(b"\xff\xfe"), 400);
        assert_eq!(bad(b""), 400);
    }

    #[test]
    fn head_end() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\n"), Some(14));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\n"), Some(14));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n"), None);
    }
}
