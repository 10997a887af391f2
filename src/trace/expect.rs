//! What a line of a `--requests` file expects, after `=>`: a status, and
//! optionally the backend that must be among those the request can reach,
//! e.g. `GET http://shop.example.com/ => 200 shop/web:80`.

use crate::routing::Outcome;

use super::{Fault, shown};

/// A line's expectation: the status, and a backend `[namespace/]name[:port]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The status the request must get (a redirect's own, e.g. `301`).
    pub status: u16,
    /// A backend the request must be able to reach.
    pub backend: Option<BackendRef>,
}

/// `[namespace/]name[:port]` of a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendRef {
    /// Its namespace; any when not given.
    pub namespace: Option<String>,
    /// Its Service name.
    pub name: String,
    /// Its port; any when not given.
    pub port: Option<u16>,
}

const HELP: &str = "end a line with `=> STATUS [NAMESPACE/]NAME[:PORT]`, e.g. `=> 200 shop/web:80` or `=> 404`";

/// The expectation of the tokens after `=>`, each with its 1-based column;
/// `end` is the column just past the line, for a missing status.
///
/// # Errors
/// No status, a status outside 100-599, a bad backend, or more tokens.
pub fn parse(tokens: &[(usize, &str)], end: usize) -> Result<Expect, Fault> {
    let fault = |column: usize, message: String| Fault {
        column,
        message,
        help: HELP.into(),
    };
    let Some(&(col, status)) = tokens.first() else {
        return Err(fault(end, "expected a status after `=>`".into()));
    };
    let status = status
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| fault(col, format!("`{}` is not an HTTP status (100 to 599)", shown(status))))?;
    let backend = match tokens.get(1) {
        None => None,
        Some(&(col, text)) => Some(backend(text).ok_or_else(|| {
            fault(
                col,
                format!("`{}` is not a backend `[NAMESPACE/]NAME[:PORT]`", shown(text)),
            )
        })?),
    };
    if let Some(&(col, extra)) = tokens.get(2) {
        return Err(fault(
            col,
            format!("unexpected `{}` after the expected backend", shown(extra)),
        ));
    }
    Ok(Expect { status, backend })
}

fn backend(text: &str) -> Option<BackendRef> {
    let (rest, port) = match text.rsplit_once(':') {
        Some((rest, port)) => (rest, Some(port.parse::<u16>().ok().filter(|p| *p > 0)?)),
        None => (text, None),
    };
    let (namespace, name) = match rest.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, rest),
    };
    // A Service name and a namespace are DNS labels (at most 63 characters).
    let dns = |s: &str| {
        (1..=63).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    };
    if !dns(name) || namespace.is_some_and(|ns| !dns(ns)) {
        return None;
    }
    Some(BackendRef {
        namespace: namespace.map(str::to_string),
        name: name.to_string(),
        port,
    })
}

impl Expect {
    /// How `outcome` differs from the expectation, or `None` when it meets it.
    #[must_use]
    pub fn unmet(&self, outcome: &Outcome) -> Option<String> {
        let status = outcome.redirect.as_ref().map_or(outcome.status, |r| r.status);
        if status != self.status {
            return Some(format!("status {status}, expected {}", self.status));
        }
        let want = self.backend.as_ref()?;
        let reached = outcome.backends.iter().any(|b| {
            b.name == want.name
                && want.namespace.as_ref().is_none_or(|ns| *ns == b.namespace)
                && want.port.is_none_or(|p| b.port == Some(p))
        });
        if reached {
            return None;
        }
        let seen: Vec<String> = outcome
            .backends
            .iter()
            .map(|b| label(Some(&b.namespace), &b.name, b.port))
            .collect();
        let wanted = label(want.namespace.as_deref(), &want.name, want.port);
        Some(if seen.is_empty() {
            format!("no backend, expected {wanted}")
        } else {
            format!("backends {}, expected {wanted}", seen.join(", "))
        })
    }
}

/// `[namespace/]name[:port]`.
fn label(namespace: Option<&str>, name: &str, port: Option<u16>) -> String {
    let ns = namespace.map(|ns| format!("{ns}/")).unwrap_or_default();
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    format!("{ns}{name}{port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<(usize, &str)> {
        let mut col = 1;
        s.split(' ')
            .map(|t| {
                let at = col;
                col += t.len() + 1;
                (at, t)
            })
            .collect()
    }

    #[test]
    fn a_status_and_an_optional_backend() {
        let e = parse(&tokens("301"), 4).unwrap();
        assert_eq!((e.status, e.backend), (301, None));
        let e = parse(&tokens("200 shop/web:80"), 16).unwrap();
        let b = e.backend.unwrap();
        assert_eq!(
            (b.namespace.as_deref(), b.name.as_str(), b.port),
            (Some("shop"), "web", Some(80))
        );
        assert_eq!(parse(&tokens("200 web"), 8).unwrap().backend.unwrap().port, None);
    }

    #[test]
    fn faults_point_at_the_bad_token() {
        assert_eq!(parse(&[], 9).unwrap_err().column, 9);
        assert_eq!(parse(&tokens("20"), 3).unwrap_err().column, 1);
        assert_eq!(parse(&tokens("200 Web:80"), 11).unwrap_err().column, 5);
        assert_eq!(parse(&tokens("200 web:0"), 10).unwrap_err().column, 5);
        assert_eq!(parse(&tokens("200 web extra"), 14).unwrap_err().column, 9);
        let long = format!("200 {}", "a".repeat(64));
        assert_eq!(parse(&tokens(&long), 69).unwrap_err().column, 5);
    }
}
