//! The Gateway API conformance suite (v1.6.1) as the routing engine's
//! oracle: every HTTP, HTTPS and gRPC case it sends, with the manifests it
//! applies, must get the backend, status, redirect, request seen, response
//! headers and mirrors the suite expects. Cases whose answer is not in the
//! manifests are listed in [`NOT_IN_THE_MANIFESTS`], never skipped silently.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use gatewright::routing::{Engine, Input, Outcome, Request};
use serde_json::Value;

/// Cases the engine cannot answer from the manifests, with the reason; the
/// engine's answer for them is checked against [`stand_in`] instead.
const NOT_IN_THE_MANIFESTS: &[(&str, &str, &str)] = &[
    (
        "HTTPRouteServiceTypes",
        "/manual-endpointslices",
        "the Service has no selector; the test fills its EndpointSlices with infra-backend-v1's pods at run time",
    ),
    (
        "HTTPRouteServiceTypes",
        "/headless-manual-endpointslices",
        "the Service has no selector; the test fills its EndpointSlices with infra-backend-v1's pods at run time",
    ),
];

fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.replace("{GATEWAY_CLASS_NAME}", "conformance");
    serde_yaml::Deserializer::from_str(&text)
        .filter_map(|d| serde_yaml::Value::deserialize(d).ok())
        .filter_map(|v| serde_json::to_value(v).ok())
        .filter(|v: &Value| v.is_object())
        .collect()
}

use serde::Deserialize;

fn field<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The pods that answer for Service `ns/name`: the Deployment its selector picks (the suite names backends by pod).
fn pod_of(objects: &[Value], ns: &str, name: &str) -> String {
    let ns_of = |o: &Value| {
        let n = field(o, "/metadata/namespace");
        if n.is_empty() {
            "default".to_string()
        } else {
            n.to_string()
        }
    };
    let service = objects
        .iter()
        .find(|o| field(o, "/kind") == "Service" && field(o, "/metadata/name") == name && ns_of(o) == ns);
    let selector = service
        .and_then(|s| s.pointer("/spec/selector"))
        .and_then(Value::as_object);
    let Some(selector) = selector.filter(|s| !s.is_empty()) else {
        return name.to_string();
    };
    objects
        .iter()
        .filter(|o| field(o, "/kind") == "Deployment" && ns_of(o) == ns)
        .find(|d| {
            selector
                .iter()
                .all(|(k, v)| d.pointer(&format!("/spec/template/metadata/labels/{k}")) == Some(v))
        })
        .map_or_else(|| name.to_string(), |d| field(d, "/metadata/name").to_string())
}

fn request(case: &Value) -> Request {
    let r = &case["request"];
    let headers: Vec<(String, String)> = r["headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    Request {
        gateway: Some((
            field(case, "/gateway/namespace").into(),
            field(case, "/gateway/name").into(),
        )),
        scheme: field(r, "/scheme").into(),
        host: field(r, "/host").to_ascii_lowercase(),
        port: r["port"].as_u64().and_then(|p| u16::try_from(p).ok()).unwrap_or(80),
        method: field(r, "/method").into(),
        path: field(r, "/path").into(),
        headers,
        sni: r["sni"].as_str().map(str::to_string),
        grpc: r["grpc"].as_bool().unwrap_or(false),
    }
}

/// Milliseconds of a Gateway API duration (`500ms`, `1s`, `1m`, `1h`).
fn millis(d: &str) -> Option<u64> {
    let units = [("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1000)];
    let (n, unit) = units.iter().find_map(|(u, f)| d.strip_suffix(u).map(|n| (n, *f)))?;
    n.parse::<u64>().ok().map(|n| n * unit)
}

/// The status the suite's echo server causes: `?delay=` beyond the rule's timeout is a 504.
fn status_with_echo_delay(out: &Outcome, req: &Request) -> u16 {
    let delay = req.query("delay").and_then(millis);
    let t = out.timeouts.as_ref();
    let limit = [
        t.and_then(|t| t.request.as_deref()),
        t.and_then(|t| t.backend_request.as_deref()),
    ]
    .into_iter()
    .flatten()
    .filter_map(millis)
    .filter(|ms| *ms > 0)
    .min();
    match (delay, limit) {
        (Some(d), Some(l)) if out.status == 200 && d > l => 504,
        _ => out.status,
    }
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Every difference between what the suite expects and what the engine says.
fn disagreements(case: &Value, out: &Outcome, req: &Request, objects: &[Value]) -> Vec<String> {
    let e = &case["expect"];
    let mut bad = Vec::new();
    let status = status_with_echo_delay(out, req);
    let statuses: Vec<u64> = match e["status_any"].as_array() {
        Some(a) => a.iter().filter_map(Value::as_u64).collect(),
        None => vec![e["status"].as_u64().unwrap_or(200)],
    };
    if !statuses.contains(&u64::from(status)) {
        bad.push(format!("status {status}, expected {statuses:?}"));
    }
    bad.extend(backend_disagreements(e, out, objects));
    bad.extend(seen_disagreements(e, out, req));
    bad.extend(redirect_disagreements(e, out, req));
    bad.extend(response_disagreements(case, out));
    bad
}

fn backend_disagreements(e: &Value, out: &Outcome, objects: &[Value]) -> Vec<String> {
    let mut bad = Vec::new();
    let pods: Vec<(String, String, u32)> = out
        .backends
        .iter()
        .map(|b| (b.namespace.clone(), pod_of(objects, &b.namespace, &b.name), b.weight))
        .collect();
    match e.get("backend").filter(|b| !b.is_null()) {
        None if !pods.is_empty() && e["status"].as_u64().is_some_and(|s| s < 500) => {
            bad.push(format!("backends {pods:?}, expected none"))
        }
        None => {}
        Some(b) => {
            let ns = field(b, "/namespace");
            if pods.is_empty() || pods.iter().any(|(n, _, _)| n != ns) {
                bad.push(format!("backends {pods:?}, expected namespace {ns}"));
            }
            if let Some(name) = b["name"].as_str()
                && pods.iter().any(|(_, p, _)| p != name)
            {
                bad.push(format!("backends {pods:?}, expected {name}"));
            }
        }
    }
    if let Some(w) = e["weights"].as_object() {
        let total: u32 = pods.iter().map(|p| p.2).sum();
        for (name, share) in w {
            let got: u32 = pods.iter().filter(|p| &p.1 == name).map(|p| p.2).sum();
            let got = f64::from(got) / f64::from(total.max(1));
            if (got - share.as_f64().unwrap_or(-1.0)).abs() > 1e-9 {
                bad.push(format!("{name} gets {got}, expected {share}"));
            }
        }
    }
    if let Some(h) = e["per_backend_header"].as_str() {
        for b in &out.backends {
            let v = b.request_seen.as_ref().and_then(|s| header(&s.headers, h));
            if v != Some(b.name.as_str()) {
                bad.push(format!("{} sees {h}: {v:?}", b.name));
            }
        }
    }
    let mirrors: Vec<(String, String, u32)> = out
        .mirrors
        .iter()
        .map(|m| (m.namespace.clone(), m.name.clone(), m.percent))
        .collect();
    if let Some(want) = e["mirrors"].as_array() {
        let want: Vec<(String, String, u32)> = want
            .iter()
            .map(|m| {
                (
                    field(m, "/namespace").into(),
                    field(m, "/name").into(),
                    m["percent"].as_u64().map_or(100, |p| p as u32),
                )
            })
            .collect();
        if want != mirrors {
            bad.push(format!("mirrors {mirrors:?}, expected {want:?}"));
        }
    }
    bad
}

fn seen_disagreements(e: &Value, out: &Outcome, req: &Request) -> Vec<String> {
    let Some(want) = e.get("request_seen").filter(|s| !s.is_null()) else {
        return Vec::new();
    };
    let one = out.backends.first().and_then(|b| b.request_seen.as_ref());
    let Some(seen) = one.or(out.request_seen.as_ref()) else {
        return vec!["no request seen, expected one".into()];
    };
    let mut bad = Vec::new();
    let path = field(want, "/path");
    let implicit = want["implicit"].as_bool().unwrap_or(false);
    let expected_path = if implicit { req.path.as_str() } else { path };
    if seen.path != expected_path {
        bad.push(format!("backend sees path {}, expected {expected_path}", seen.path));
    }
    if let Some(host) = want["host"].as_str()
        && seen.host != host
    {
        bad.push(format!("backend sees host {}, expected {host}", seen.host));
    }
    for (name, value) in want["headers"].as_object().into_iter().flatten() {
        if header(&seen.headers, name) != value.as_str() {
            bad.push(format!(
                "backend sees {name}: {:?}, expected {value}",
                header(&seen.headers, name)
            ));
        }
    }
    for name in want["absent_headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if header(&seen.headers, name).is_some() {
            bad.push(format!("backend sees {name}, expected it removed"));
        }
    }
    bad
}

fn redirect_disagreements(e: &Value, out: &Outcome, req: &Request) -> Vec<String> {
    let want = e.get("redirect").filter(|r| !r.is_null());
    let (want, got) = match (want, &out.redirect) {
        (None, None) => return Vec::new(),
        (Some(w), Some(g)) => (w, g),
        (w, g) => return vec![format!("redirect {g:?}, expected {w:?}")],
    };
    let default_port = |s: &str| if s == "https" { 443 } else { 80 };
    let mut bad = Vec::new();
    let scheme = want["scheme"].as_str().unwrap_or(&req.scheme);
    let port = want["port"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .unwrap_or(default_port(scheme));
    let checks = [
        ("scheme", got.scheme.clone(), scheme.to_string()),
        (
            "host",
            got.host.clone(),
            want["host"].as_str().unwrap_or(&got.host).to_string(),
        ),
        ("port", got.port.to_string(), port.to_string()),
        (
            "path",
            got.path.clone(),
            want["path"].as_str().unwrap_or(req.path_only()).to_string(),
        ),
        ("status", got.status.to_string(), want["status"].to_string()),
    ];
    for (what, g, w) in checks {
        if g != w {
            bad.push(format!("redirect {what} {g}, expected {w}"));
        }
    }
    bad
}

fn response_disagreements(case: &Value, out: &Outcome) -> Vec<String> {
    let e = &case["expect"];
    let from_backend: Vec<(String, String)> = case["request"]["backend_set_response_headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let got = out.response_headers(&from_backend);
    let mut bad = Vec::new();
    for (name, value) in e["response_headers"].as_object().into_iter().flatten() {
        if header(&got, name) != value.as_str() {
            bad.push(format!("response {name}: {:?}, expected {value}", header(&got, name)));
        }
    }
    for (name, options) in e["response_header_any"].as_object().into_iter().flatten() {
        let v = header(&got, name);
        if !options.as_array().into_iter().flatten().any(|o| o.as_str() == v) {
            bad.push(format!("response {name}: {v:?}, expected one of {options}"));
        }
    }
    for name in e["response_absent_headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if header(&got, name).is_some() {
            bad.push(format!("response has {name}, expected it absent"));
        }
    }
    bad
}

/// The answer checked for a case in [`NOT_IN_THE_MANIFESTS`]: the Service its route names, with a 200.
fn stand_in(out: &Outcome, path: &str) -> bool {
    let service = path.trim_start_matches('/');
    out.status == 200 && out.backends.len() == 1 && out.backends[0].name == service
}

fn engine(dir: &Path, test: &Value, case: &Value) -> (Engine, Vec<Value>) {
    let mut objects: Vec<Value> = test["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(|m| documents(&dir.join("manifests").join(m.trim_start_matches("conformance/"))))
        .collect();
    for m in case["mutations"].as_array().into_iter().flatten() {
        assert_eq!(m["op"], "delete", "unknown mutation {m}");
        objects.retain(|o| {
            !(o["kind"] == m["kind"]
                && o["metadata"]["namespace"] == m["namespace"]
                && o["metadata"]["name"] == m["name"])
        });
    }
    let inputs: Vec<Input> = objects.iter().cloned().map(Input::bare).collect();
    let engine = Engine::new(&inputs);
    assert!(
        engine.problems().is_empty(),
        "{}: {:?}",
        test["test"],
        engine.problems()
    );
    (engine, objects)
}

#[test]
fn every_conformance_case_agrees_with_the_engine() {
    let Some(data) = common::shared_data() else { return };
    let dir = data.join("gateway-api/conformance-http");
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).expect("cases.json"))
        .expect("cases.json is JSON");
    let (mut checked, mut listed) = (0, 0);
    let mut failures = Vec::new();
    let mut engines: BTreeMap<String, (Engine, Vec<Value>)> = BTreeMap::new();
    for test in cases["tests"].as_array().expect("tests") {
        let name = field(test, "/test");
        for case in test["cases"].as_array().expect("cases") {
            let key = format!("{name}{}", case["mutations"]);
            let (engine, objects) = engines.entry(key).or_insert_with(|| engine(&dir, test, case));
            let req = request(case);
            let out = engine.route(&req).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let listed_as = NOT_IN_THE_MANIFESTS
                .iter()
                .find(|(t, p, _)| *t == name && *p == req.path);
            if let Some((_, path, why)) = listed_as {
                listed += 1;
                assert!(stand_in(&out, path), "{name} {path} (listed: {why}): {out:?}");
                continue;
            }
            checked += 1;
            let bad = disagreements(case, &out, &req, objects);
            if !bad.is_empty() {
                failures.push(format!(
                    "{name} {} {}{} ({}): {}",
                    req.method,
                    req.host,
                    req.path,
                    field(case, "/source"),
                    bad.join("; ")
                ));
            }
        }
    }
    println!(
        "conformance: {} of {checked} cases agree; {listed} listed as not answerable from the manifests",
        checked - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(listed, NOT_IN_THE_MANIFESTS.len(), "every listed case exists");
    assert!(checked >= 360, "only {checked} cases checked");
}
