//! What one side answers to a probe, in the terms `import --verify`
//! compares: status, redirect, backends with their share, and the path the
//! backend sees.

use std::fmt;

use crate::routing::{Outcome, Request, RouteError};

/// One side's answer to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status: 200 when a backend answers.
    pub status: u16,
    /// The redirect's `Location`, when the answer is a redirect.
    pub redirect: Option<String>,
    /// `namespace/name:port` of each backend with its share (weights divided by their greatest common divisor).
    pub backends: Vec<(String, u32)>,
    /// The path (and query) the backend sees.
    pub path: Option<String>,
}

impl Answer {
    /// A status of the proxy's own, with no backend.
    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            redirect: None,
            backends: Vec::new(),
            path: None,
        }
    }

    /// A redirect.
    pub fn redirect(status: u16, location: String) -> Answer {
        Answer {
            redirect: Some(location),
            ..Answer::status(status)
        }
    }

    /// Backends (`namespace/name:port`, weight) seeing `path`; weight-0 backends left out.
    pub fn backends(mut backends: Vec<(String, u32)>, path: String) -> Answer {
        backends.retain(|(_, w)| *w > 0);
        if backends.is_empty() {
            return Answer::status(500);
        }
        let g = backends.iter().fold(0, |g, (_, w)| gcd(g, *w)).max(1);
        for (_, w) in &mut backends {
            *w /= g;
        }
        backends.sort();
        Answer {
            status: 200,
            redirect: None,
            backends,
            path: Some(path),
        }
    }

    /// The routing engine's answer: a Gateway without a listener for the request is a 404.
    pub fn of_engine(r: &Result<Outcome, RouteError>, req: &Request) -> Answer {
        let Ok(o) = r else {
            return Answer::status(404);
        };
        if let Some(rd) = &o.redirect {
            return Answer::redirect(rd.status, rd.location.clone());
        }
        if o.backends.is_empty() && o.failed_backends.is_empty() {
            return Answer::status(o.status);
        }
        let mut list: Vec<(String, u32)> = o
            .backends
            .iter()
            .map(|b| (backend(&b.namespace, &b.name, b.port), b.weight))
            .collect();
        let failed = o
            .failed_backends
            .iter()
            .map(|b| (format!("500 for {}", backend(&b.namespace, &b.name, b.port)), b.weight));
        list.extend(failed);
        let path = o.request_seen.as_ref().map_or(req.path.clone(), |s| s.path.clone());
        Answer::backends(list, path)
    }
}

/// `namespace/name:port`.
pub fn backend(namespace: &str, name: &str, port: Option<u16>) -> String {
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    format!("{namespace}/{name}{port}")
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.redirect {
            return write!(f, "{} redirect to {location}", self.status);
        }
        write!(f, "{}", self.status)?;
        let weighted = self.backends.len() > 1;
        for (b, w) in &self.backends {
            write!(f, " {b}")?;
            if weighted {
                write!(f, " (weight {w})")?;
            }
        }
        if let Some(p) = &self.path {
            write!(f, " as {p}")?;
        }
        Ok(())
    }
}
