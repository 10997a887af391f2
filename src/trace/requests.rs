//! Requests as `trace` takes them: `-H 'Name: value'` headers, and the lines
//! of a `--requests` file, `METHOD URL [Name: value]...` or a `tls://`,
//! `tcp://` or `udp://` URL alone (blank lines and `#` comments skipped),
//! each fault with its 1-based column.

use super::expect::{self, Expect};
use super::{Fault, shown};
use crate::routing::Request;

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A `Name: value` header.
///
/// # Errors
/// Text without a `:`, or with a name that is not an HTTP token.
pub fn header(text: &str) -> Result<(String, String), Fault> {
    let fault = |column: usize, message: String| Fault {
        column,
        message,
        help: "write a header as `Name: value`, e.g. `-H 'X-Env: canary'`".into(),
    };
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| fault(1, format!("expected `Name: value`, found `{}`", shown(text))))?;
    if !is_token(name) {
        return Err(fault(
            1,
            format!("`{}` is not a header name (letters, digits and `-`)", shown(name)),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(fault(
            name.len() + 2,
            "a header value cannot hold control characters".into(),
        ));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// A method: an HTTP token, in upper case.
///
/// # Errors
/// A method that is not a token.
pub fn method(text: &str) -> Result<String, Fault> {
    if is_token(text) {
        return Ok(text.to_ascii_uppercase());
    }
    Err(Fault {
        column: 1,
        message: format!("`{}` is not an HTTP method", shown(text)),
        help: "use a method such as GET, POST or OPTIONS".into(),
    })
}

/// Mark a request with a `content-type: application/grpc` header as a gRPC call.
pub fn mark_grpc(req: &mut Request) {
    req.grpc = req
        .header("content-type")
        .is_some_and(|c| c.trim().to_ascii_lowercase().starts_with("application/grpc"));
}

/// A line of a `--requests` file: the request, and what it expects (`=> ...`).
#[derive(Clone, Debug)]
pub struct Line {
    /// The request.
    pub request: Request,
    /// The expectation after `=>`, if the line has one.
    pub expect: Option<Expect>,
}

/// One line of a `--requests` file: `None` for a blank line or a `#` comment.
/// A TLS, TCP or UDP connection (`tls://host`) needs no method; a line may end
/// with `=> STATUS [BACKEND]` (see [`super::expect`]).
///
/// # Errors
/// A line without a method and URL, a bad method, URL, header or expectation.
pub fn line(text: &str) -> Result<Option<Line>, Fault> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let all: Vec<(usize, &str)> = text.split_whitespace().map(|t| (column(text, t), t)).collect();
    let (request, expect) = match all.iter().position(|&(_, t)| t == "=>") {
        Some(i) => (&all[..i], Some(expect::parse(&all[i + 1..], text.chars().count() + 1)?)),
        None => (&all[..], None),
    };
    let request = self::request(text, request)?;
    Ok(Some(Line { request, expect }))
}

/// The request of a line's `tokens` (those before any `=>`).
fn request(text: &str, tokens: &[(usize, &str)]) -> Result<Request, Fault> {
    let mut tokens = tokens.iter().copied();
    let (first_col, first) = tokens.next().unwrap_or((1, ""));
    // A TLS, TCP or UDP connection has no method: its URL may come first.
    let connection = ["tls://", "tcp://", "udp://"]
        .iter()
        .any(|s| first.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    let (method, (url_col, url)) = if connection {
        ("GET".to_string(), (first_col, first))
    } else {
        let method = method(first)?;
        let url = tokens.next().ok_or_else(|| Fault {
            column: text.chars().count() + 1,
            message: "expected a URL after the method".into(),
            help: "write one request per line: `METHOD URL [Name: value]...`".into(),
        })?;
        (method, url)
    };
    let mut req = Request::get(url).map_err(|e| Fault {
        column: url_col + e.column - 1,
        message: e.message,
        help: "write an absolute URL such as `http://store.example.com/path` (`tls://HOST[:PORT]`, `tcp://HOST:PORT`, `udp://HOST:PORT` for a connection)".into(),
    })?;
    req.method = method;
    let mut current: Option<(usize, String)> = None;
    for (col, t) in tokens {
        match t.split_once(':') {
            Some((name, rest)) if is_token(name) => {
                flush(&mut req, current.take())?;
                current = Some((col, format!("{name}:{rest}")));
            }
            _ => match current.as_mut() {
                Some((_, h)) => {
                    h.push(' ');
                    h.push_str(t);
                }
                None => {
                    return Err(Fault {
                        column: col,
                        message: format!("expected a header `Name: value` after the URL, found `{}`", shown(t)),
                        help: "write headers as `Name: value` after the URL".into(),
                    });
                }
            },
        }
    }
    flush(&mut req, current)?;
    mark_grpc(&mut req);
    Ok(req)
}

fn flush(req: &mut Request, pending: Option<(usize, String)>) -> Result<(), Fault> {
    if let Some((col, text)) = pending {
        let h = header(&text).map_err(|f| Fault {
            column: col + f.column - 1,
            ..f
        })?;
        req.headers.push(h);
    }
    Ok(())
}

/// The 1-based character column of `token`, a slice of `line`.
fn column(line: &str, token: &str) -> usize {
    let offset = (token.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
    line.get(..offset).map_or(1, |s| s.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_method_url_and_headers() {
        let r = line("POST http://a.example/x X-Env: canary two Accept:json")
            .unwrap()
            .unwrap()
            .request;
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.headers,
            vec![("X-Env".into(), "canary two".into()), ("Accept".into(), "json".into())]
        );
        assert!(line("  # note").unwrap().is_none());
        assert_eq!(line("GET a.example/").unwrap_err().column, 5);
        assert_eq!(line("GET http://a/ stray").unwrap_err().column, 15);
        assert_eq!(line("GET").unwrap_err().column, 4);
    }

    #[test]
    fn an_expectation_ends_a_line() {
        let l = line("GET http://a/ X-Env: b => 301").unwrap().unwrap();
        assert_eq!(l.request.headers, vec![("X-Env".into(), "b".into())]);
        assert_eq!(l.expect.map(|e| e.status), Some(301));
        let l = line("tls://db.example:5432 => 200 db/pg:5432").unwrap().unwrap();
        assert_eq!(l.expect.and_then(|e| e.backend).map(|b| b.name), Some("pg".into()));
        assert_eq!(line("GET http://a/ =>").unwrap_err().column, 17);
        assert_eq!(line("GET http://a/ => ok").unwrap_err().column, 18);
        assert_eq!(line("=> 200").unwrap_err().column, 1);
    }
}
