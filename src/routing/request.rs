//! A request arriving at a Gateway, and the parsing of a URL into one.

/// A request, as the Gateway receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The Gateway (`namespace`, `name`); `None` lets the engine find the only one that can take it.
    pub gateway: Option<(String, String)>,
    /// `http` or `https`; `tls` (a TLS connection, `host` its SNI hostname), `tcp` or `udp`.
    pub scheme: String,
    /// The `Host` header (or `:authority`), without a port.
    pub host: String,
    /// The port it arrives on.
    pub port: u16,
    /// The method, upper case.
    pub method: String,
    /// The path with its query (`/a?b=c`).
    pub path: String,
    /// Headers, in order, as sent.
    pub headers: Vec<(String, String)>,
    /// The TLS server name, when it differs from the host (HTTPS only).
    pub sni: Option<String>,
    /// A gRPC call (`POST /service/method`, `content-type: application/grpc`): GRPCRoutes answer it.
    pub grpc: bool,
}

/// Why a URL is not a request: the message and the 1-based column of the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError {
    /// What is wrong.
    pub message: String,
    /// 1-based column in the URL.
    pub column: usize,
}

impl Request {
    /// A `GET` of `url` (`http://host[:port]/path?query`); the port defaults to the scheme's.
    /// `tls://sni-host[:port]` (port 443 by default) is a TLS connection with
    /// that SNI hostname, `tcp://host:port` and `udp://host:port` a connection
    /// (datagram) to that port; TLS, TCP and UDP routes answer them.
    ///
    /// # Errors
    /// A URL without `http://`, `https://`, `tls://`, `tcp://` or `udp://`, without
    /// a host, or with a bad port (TCP and UDP need one).
    pub fn get(url: &str) -> Result<Request, UrlError> {
        let err = |message: &str, column: usize| UrlError {
            message: message.to_string(),
            column,
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| err("expected an absolute URL starting with `http://` or `https://`", 1))?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" | "tls" => 443,
            "tcp" | "udp" => 0,
            _ => return Err(err("expected the scheme `http`, `https`, `tls`, `tcp` or `udp`", 1)),
        };
        let start = scheme.len() + 3;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if authority.contains('@') {
            return Err(err("expected a host without user information (`user@`)", start + 1));
        }
        let (host, port) = match authority.rsplit_once(':').filter(|_| !authority.ends_with(']')) {
            Some((h, p)) => {
                let port = p
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| err("expected a port number from 1 to 65535 after `:`", start + h.len() + 2))?;
                (h, port)
            }
            None if default_port == 0 => {
                return Err(err(
                    "expected `:PORT` after the host (TCP and UDP have no default port)",
                    start + authority.len() + 1,
                ));
            }
            None => (authority, default_port),
        };
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(err("expected a host name after `://`", start + 1));
        }
        let mut path = rest[end..].split('#').next().unwrap_or("").to_string();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        Ok(Request {
            gateway: None,
            scheme,
            host: super::hostnames::normalize(host),
            port,
            method: "GET".into(),
            path,
            headers: Vec::new(),
            sni: None,
            grpc: false,
        })
    }

    /// The path without the query.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }

    /// The first value of a header (names compare without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter (names compare with case).
    pub fn query(&self, name: &str) -> Option<&str> {
        let q = self.path.split_once('?')?.1;
        q.split('&').find_map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            (n == name).then_some(v)
        })
    }

    /// The gRPC service and method of the path (`/pkg.Service/Method`).
    pub fn grpc_method(&self) -> (&str, &str) {
        let p = self.path_only().trim_start_matches('/');
        p.split_once('/').unwrap_or((p, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_default_ports() {
        let r = Request::get("http://Store.example.com/a?b=c").unwrap();
        assert_eq!(
            (r.host.as_str(), r.port, r.path.as_str()),
            ("store.example.com", 80, "/a?b=c")
        );
        assert_eq!(r.query("b"), Some("c"));
        let r = Request::get("https://x.org:8443").unwrap();
        assert_eq!((r.port, r.path.as_str()), (8443, "/"));
        assert_eq!(Request::get("x.org/").unwrap_err().column, 1);
        assert_eq!(Request::get("http://x.org:99999/").unwrap_err().column, 14);
        assert!(Request::get("ftp://x.org/").is_err());
    }
}
