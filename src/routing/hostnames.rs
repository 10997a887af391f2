//! Hostname matching as the Gateway API defines it: `*.example.com` matches
//! any name with one or more labels before `.example.com`, never
//! `example.com` itself; names compare without case.

/// Whether `pattern` (exact or `*.` wildcard) matches the request `host`.
pub fn matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(suffix) => host.len() > suffix.len() && ends_with_ignore_case(host, suffix),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// How specific a hostname is: characters of a non-wildcard name, then
/// characters of the name (a wildcard counts its suffix); `(0, 0)` for none.
pub fn specificity(pattern: Option<&str>) -> (usize, usize) {
    match pattern {
        None => (0, 0),
        Some(p) if p.starts_with('*') => (0, p.len()),
        Some(p) => (p.len(), p.len()),
    }
}

/// The hostnames a route serves on a listener: the route's hostnames that
/// intersect the listener's (each the more specific of the pair). `None`
/// means "any host the listener takes"; an empty list means no intersection.
pub fn intersect(listener: Option<&str>, route: &[String]) -> Option<Vec<String>> {
    if route.is_empty() {
        return listener.map(|l| vec![l.to_string()]);
    }
    let Some(l) = listener else {
        return Some(route.to_vec());
    };
    let mut out = Vec::new();
    for r in route {
        let pick = if matches(l, r) || r.eq_ignore_ascii_case(l) {
            Some(r.clone())
        } else if matches(r, l) {
            Some(l.to_string())
        } else {
            None
        };
        if let Some(p) = pick.filter(|p| !out.contains(p)) {
            out.push(p);
        }
    }
    Some(out)
}

/// The request host without a port and in lower case (`example.com:8080` → `example.com`).
pub fn normalize(host: &str) -> String {
    let h = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(h, _)| h).trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(
            host,
            |(h, p)| if p.bytes().all(|b| b.is_ascii_digit()) { h } else { host },
        )
    };
    h.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_need_a_label() {
        assert!(matches("*.example.com", "a.example.com"));
        assert!(matches("*.example.com", "a.b.example.com"));
        assert!(!matches("*.example.com", "example.com"));
        assert!(matches("Foo.com", "foo.com"));
    }

    #[test]
    fn intersection_keeps_the_narrower() {
        let r = vec!["*.example.com".to_string(), "other.org".to_string()];
        assert_eq!(
            intersect(Some("a.example.com"), &r),
            Some(vec!["a.example.com".to_string()])
        );
        assert_eq!(
            intersect(Some("*.example.com"), &["x.example.com".into()]),
            Some(vec!["x.example.com".into()])
        );
        assert_eq!(intersect(Some("foo.net"), &r), Some(vec![]));
        assert_eq!(intersect(None, &[]), None);
    }
}
