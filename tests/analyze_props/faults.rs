//! The faults the property test injects into valid sites, one at a time.

use serde_json::{Value, json};

/// The faults, each applied to a valid site.
pub const FAULTS: &[&str] = &[
    "invalid hostname",
    "invalid path",
    "invalid header name",
    "empty header value",
    "header matched twice",
    "invalid query parameter name",
    "invalid backend name",
    "invalid backend namespace",
    "invalid certificate name",
    "invalid IP address",
    "invalid hostname address",
    "invalid label value",
    "invalid revision",
    "9 matches in a rule",
    "17 hostnames",
    "17 backends",
    "130 matches in a route",
    "no rules",
    "listener repeated",
    "HTTPS on the HTTP port",
    "tls on HTTP",
    "hostname of no listener",
    "same host and match as another route",
];

pub fn inject(site: &mut Value, fault: &str, variant: usize) {
    let gw = "/gateways/public";
    let probe = "/apps/probe/routes/probe";
    // Set the value at `ptr`, creating the last key when it is missing.
    let set = |site: &mut Value, ptr: &str, v: Value| {
        let (parent, key) = ptr.rsplit_once('/').unwrap_or_default();
        match site.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.insert(key.to_string(), v);
            }
            Some(Value::Array(items)) => {
                if let Some(slot) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *slot = v;
                }
            }
            _ => panic!("no {parent} in the site"),
        }
    };
    let rule = format!("{probe}/rules/0");
    let m = format!("{rule}/matches/0");
    let pick = |list: &[&str]| list[variant % list.len()].to_string();
    match fault {
        "invalid hostname" => set(
            site,
            &format!("{probe}/hostnames/0"),
            json!(pick(&[
                "Probe.example.com",
                "a..example.com",
                "-a.example.com",
                "10.0.0.1",
                "*.*.example.com",
                "a_b.example.com"
            ])),
        ),
        "invalid path" => set(
            site,
            &format!("{m}/path/value"),
            json!(pick(&[
                "probe",
                "/a b",
                "/a%zz",
                "/caf\u{e9}",
                "//x",
                "/a/../b",
                "/x%2fy",
                "/a#b",
                "/a/.",
                "/q?x=1"
            ])),
        ),
        "invalid header name" => set(
            site,
            &format!("{m}/headers"),
            json!([{"name": pick(&["bad name", "x:y", "é"]), "value": "1"}]),
        ),
        "empty header value" => set(site, &format!("{m}/headers"), json!([{"name": "x-a", "value": ""}])),
        "header matched twice" => set(
            site,
            &format!("{m}/headers"),
            json!([{"name": "x-a", "value": "1"}, {"name": pick(&["x-a", "X-A"]), "value": "2"}]),
        ),
        "invalid query parameter name" => set(
            site,
            &format!("{m}/queryParams"),
            json!([{"name": "a b", "value": "1"}]),
        ),
        "invalid backend name" => set(
            site,
            &format!("{rule}/backendRefs/0/name"),
            json!(pick(&["Web_1", "-web", ""])),
        ),
        "invalid backend namespace" => set(
            site,
            &format!("{rule}/backendRefs/0/namespace"),
            json!(pick(&["Bad_NS", "a.b"])),
        ),
        "invalid certificate name" => set(
            site,
            &format!("{gw}/listeners/https"),
            json!({"protocol": "HTTPS", "port": 443, "tls": {"certificates": [pick(&["Bad_Cert", "ns/Bad", "BAD/x"])]}}),
        ),
        "invalid IP address" => set(
            site,
            &format!("{gw}/addresses"),
            json!([{"type": "IPAddress", "value": pick(&["10.0.0.300", "gw.example.com"])}]),
        ),
        "invalid hostname address" => set(
            site,
            &format!("{gw}/addresses"),
            json!([{"type": "Hostname", "value": pick(&["Not_A_Host", "a b"])}]),
        ),
        "invalid label value" => set(site, "/apps/probe/labels", json!({"team": pick(&["bad value!", "-x"])})),
        "invalid revision" => set(site, "/mesh", json!({"revision": "asm 1.22"})),
        "9 matches in a rule" => set(
            site,
            &format!("{rule}/matches"),
            json!(
                (0..9)
                    .map(|i| json!({"path": {"value": format!("/m{i}")}}))
                    .collect::<Vec<_>>()
            ),
        ),
        "17 hostnames" => set(
            site,
            &format!("{probe}/hostnames"),
            json!((0..17).map(|i| format!("h{i}.example.com")).collect::<Vec<_>>()),
        ),
        "17 backends" => set(
            site,
            &format!("{rule}/backendRefs"),
            json!(
                (0..17)
                    .map(|i| json!({"name": format!("b{i}"), "port": 80}))
                    .collect::<Vec<_>>()
            ),
        ),
        "130 matches in a route" => {
            let rules: Vec<Value> = (0..3)
                .map(|r| json!({"matches": (0..44).map(|i| json!({"path": {"value": format!("/r{r}/m{i}")}})).collect::<Vec<_>>(), "backendRefs": [{"name": "probe", "port": 80}]}))
                .collect();
            set(site, &format!("{probe}/rules"), json!(rules));
        }
        "no rules" => set(site, &format!("{probe}/rules"), json!([])),
        "listener repeated" => {
            let first = site
                .pointer(&format!("{gw}/listeners/http"))
                .cloned()
                .unwrap_or(Value::Null);
            set(
                site,
                &format!("{gw}/listeners"),
                json!({"http": first.clone(), "http2": first}),
            );
        }
        "HTTPS on the HTTP port" => {
            if let Some(l) = site
                .pointer_mut(&format!("{gw}/listeners"))
                .and_then(Value::as_object_mut)
            {
                l.insert(
                    "tls80".into(),
                    json!({"protocol": "HTTPS", "port": 80, "tls": {"certificates": ["c"]}}),
                );
            }
        }
        "tls on HTTP" => set(
            site,
            &format!("{gw}/listeners/http/tls"),
            json!({"certificates": ["c"]}),
        ),
        "hostname of no listener" => {
            set(
                site,
                &format!("{gw}/listeners"),
                json!({"http": {"protocol": "HTTP", "port": 80, "hostname": "*.example.com"}}),
            );
            set(
                site,
                &format!("{probe}/hostnames"),
                json!([pick(&["probe.example.org", "example.com"])]),
            );
        }
        _ => {
            // Another app claims the probe's hostname and match.
            if let Some(apps) = site.pointer_mut("/apps").and_then(Value::as_object_mut) {
                apps.insert(
                    "dup".into(),
                    json!({"routes": {"probe": {"host": "probe.example.com", "path": "/probe", "to": "probe:80"}}}),
                );
            }
        }
    }
}
