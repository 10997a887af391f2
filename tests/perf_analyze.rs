//! Analysis runs its checks on every core and formats a finding's spec
//! path only when it reports one: the findings (code, place, path, order)
//! must be the same with one thread as with many, and each must still point
//! at the field that caused it.

use std::path::Path;

use serde_json::Value;

use crate::common::cli::gatewright;

/// A spec with findings from many checks: syntax, matches, limits,
/// parents and conflicts, plus `apps` more apps whose routes conflict in pairs.
fn spec(apps: usize) -> String {
    let hosts: Vec<String> = (0..17).map(|i| format!("h{i}.aks.rocks")).collect();
    let mut s = format!(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: {{ hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }}\napps:\n  pets:\n    routes:\n      many:\n        hostnames: [{}]\n        rules:\n        - backendRefs: [{{ name: many, port: 80 }}]\n",
        hosts.join(", ")
    );
    s.push_str(concat!(
        "      headers:\n        hostnames: [headers.aks.rocks]\n        rules:\n        - matches:\n",
        "          - path: { type: PathPrefix, value: /a }\n",
        "            headers: [{ name: x-ok, value: \"1\" }, { name: \"bad name\", value: \"1\" }]\n",
        "            queryParams: [{ name: q, value: \"1\" }, { name: q, value: \"2\" }]\n",
        "          backendRefs: [{ name: headers, port: 80 }]\n",
        "      foreign:\n        parentRefs: [{ name: elsewhere, namespace: other }]\n",
        "        hostnames: [foreign.aks.rocks]\n        rules:\n        - backendRefs: [{ name: foreign, port: 80 }]\n",
        "      first: { host: same.aks.rocks, to: first:80 }\n",
        "      second: { host: same.aks.rocks, to: second:80 }\n",
        "      invalid: { host: \"Bad_Host.aks.rocks\", to: invalid:80 }\n",
    ));
    for i in 0..apps {
        s.push_str(&format!(
            "  app-{i}:\n    routes:\n      a-{i}: {{ host: dup-{i}.aks.rocks, to: a:80 }}\n      b-{i}: {{ host: dup-{i}.aks.rocks, to: b:80 }}\n      c-{i}: {{ host: \"Bad_{i}.aks.rocks\", to: c:80 }}\n"
        ));
    }
    s
}

/// `render --stdout --format json` of `spec` on `threads` threads: its stderr.
fn findings(spec: &Path, threads: &str) -> String {
    let out = gatewright()
        .env("RAYON_NUM_THREADS", threads)
        .args(["render".as_ref(), spec.as_os_str(), "--stdout".as_ref()])
        .args(["--format", "json"])
        .output()
        .expect("run gatewright");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing rendered on findings");
    String::from_utf8(out.stderr).expect("utf-8")
}

/// (code, line, spec path, lines of the related places) of each finding, in order.
fn summary(json: &str) -> Vec<(String, u64, String, Vec<u64>)> {
    let all: Vec<Value> = serde_json::from_str(json).expect("JSON diagnostics");
    all.iter()
        .map(|d| {
            let related = d["related"].as_array().expect("related").iter();
            (
                d["code"].as_str().expect("code").to_string(),
                d["line"].as_u64().expect("line"),
                d["spec_path"].as_str().expect("spec path").to_string(),
                related.map(|r| r["line"].as_u64().expect("line")).collect(),
            )
        })
        .collect()
}

#[test]
fn each_finding_points_at_the_field_that_caused_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gatewright.yaml");
    std::fs::write(&path, spec(0)).expect("spec");
    let route = "/apps/pets/routes";
    let want = vec![
        ("GW408", 12, format!("{route}/many/hostnames/16"), vec![]),
        (
            "GW405",
            20,
            format!("{route}/headers/rules/0/matches/0/headers/1/name"),
            vec![],
        ),
        (
            "GW405",
            21,
            format!("{route}/headers/rules/0/matches/0/queryParams/1/name"),
            vec![],
        ),
        ("GW414", 24, format!("{route}/foreign/parentRefs/0"), vec![]),
        ("GW430", 29, format!("{route}/second"), vec![28]),
        ("GW402", 30, format!("{route}/invalid/host"), vec![]),
    ];
    let want: Vec<_> = want.into_iter().map(|(c, l, p, r)| (c.to_string(), l, p, r)).collect();
    assert_eq!(summary(&findings(&path, "2")), want);
}

#[test]
fn findings_are_the_same_with_one_thread_and_many() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gatewright.yaml");
    std::fs::write(&path, spec(60)).expect("spec");
    let one = findings(&path, "1");
    let found = summary(&one);
    // the six of `spec(0)`, then a conflict and a bad hostname per app
    assert_eq!(found.len(), 6 + 2 * 60, "{one}");
    assert_eq!(found.iter().filter(|f| f.0 == "GW430").count(), 61, "{one}");
    for threads in ["2", "8", "2", "8"] {
        assert_eq!(findings(&path, threads), one, "{threads} threads");
    }
}

/// The numbers the schema already refuses in a file, as an `import` builds
/// them in memory (`check_site` reads no schema): GW334 still points at each.
#[test]
fn out_of_range_numbers_point_at_their_field() {
    let spec = spec(0)
        .replace(
            "parentRefs: [{ name: elsewhere, namespace: other }]",
            "parentRefs: [{ name: elsewhere, namespace: other, port: 0 }]",
        )
        .replace(
            "backendRefs: [{ name: headers, port: 80 }]",
            "backendRefs: [{ name: headers, port: 80, filters: [{ requestMirror: { backendRef: { name: m, port: 0 }, percent: 101 } }] }]",
        );
    let site: gatewright::spec::Site = serde_yaml::from_str(&spec).expect("typed spec");
    let (_, found) = gatewright::driver::check_site(&site);
    let mut refused: Vec<&str> = found
        .iter()
        .filter(|d| d.code == gatewright::diagnostic::Code::ValueRefused)
        .filter_map(|d| d.spec_path.as_deref())
        .collect();
    refused.sort_unstable();
    let mirror = "/apps/pets/routes/headers/rules/0/backendRefs/0/filters/0/requestMirror";
    assert_eq!(
        refused,
        [
            "/apps/pets/routes/foreign/parentRefs/0/port".to_string(),
            format!("{mirror}/backendRef/port"),
            format!("{mirror}/percent"),
        ],
        "{found:#?}"
    );
}
