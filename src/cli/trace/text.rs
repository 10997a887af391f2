//! The text form of a trace: the listener, the winning rule and where it was
//! written, the filters, the backends (or the redirect, or the status), then
//! every other candidate rule and why it lost.

use gatewright::routing::{Loser, Origin, Outcome, Request, RouteRef};

fn at(origin: Option<&Origin>) -> String {
    origin.map(|o| format!(" ({}:{})", o.file, o.line)).unwrap_or_default()
}

fn route(r: &RouteRef) -> String {
    format!("{} {}/{}", r.kind, r.namespace, r.name)
}

/// The trace of `req`.
pub fn render(req: &Request, out: &Outcome) -> String {
    let mut s = if matches!(req.scheme.as_str(), "tls" | "tcp" | "udp") {
        format!("{}://{}:{}\n", req.scheme, req.host, req.port)
    } else {
        format!(
            "{} {}://{}:{}{}\n",
            req.method, req.scheme, req.host, req.port, req.path
        )
    };
    let listener = out.listener.as_deref().unwrap_or("none takes this request");
    s.push_str(&format!(
        "  gateway   {}/{}, listener {listener}\n",
        out.gateway.0, out.gateway.1
    ));
    match (&out.route, out.rule) {
        (Some(r), Some(i)) => {
            let name = out.rule_name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default();
            s.push_str(&format!(
                "  rule      {} rule {i}{name}{}\n",
                route(r),
                at(out.origin.as_ref())
            ));
        }
        _ => s.push_str("  rule      none matches\n"),
    }
    for f in &out.filters {
        s.push_str(&format!("  filter    {f}\n"));
    }
    s.push_str(&format!("  status    {}\n", out.status));
    if let Some(r) = &out.redirect {
        s.push_str(&format!("  redirect  {} ({})\n", r.location, r.status));
    }
    if let Some(seen) = out
        .request_seen
        .as_ref()
        .filter(|seen| seen.host != req.host || seen.path != req.path)
    {
        s.push_str(&format!("  backends see {}{}\n", seen.host, seen.path));
    }
    let total: u32 =
        out.backends.iter().map(|b| b.weight).sum::<u32>() + out.failed_backends.iter().map(|b| b.weight).sum::<u32>();
    for b in &out.backends {
        let port = b.port.map(|p| format!(":{p}")).unwrap_or_default();
        s.push_str(&format!(
            "  backend   {}/{}{port} (weight {} of {total})\n",
            b.namespace, b.name, b.weight
        ));
    }
    for b in &out.failed_backends {
        s.push_str(&format!(
            "  500       for weight {} of {total}: {}\n",
            b.weight, b.reason
        ));
    }
    for m in &out.mirrors {
        s.push_str(&format!(
            "  mirror    {}/{} ({}% of requests)\n",
            m.namespace, m.name, m.percent
        ));
    }
    if !out.losers.is_empty() {
        s.push_str("  other candidates:\n");
        for Loser {
            route: r,
            rule,
            origin,
            why,
        } in &out.losers
        {
            s.push_str(&format!("    {} rule {rule}{}: {why}\n", route(r), at(origin.as_ref())));
        }
    }
    s
}
