//! An environment overlay names an app's ListenerSet listeners
//! (`apps.<a>.listeners`) and its named ListenerSets
//! (`apps.<a>.listenerSets.<set>.listeners`) as it names gateways,
//! listeners, apps and routes: a misspelt name is GW132, a new entry that
//! cannot stand on its own GW133, deleting a name the spec lacks GW134.

use serde_json::Value;

use crate::common::cli::gatewright;

const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  public:
    profile: istio
    namespace: gateways
    createNamespace: true
    allowedListeners: { from: All }
    listeners:
      http: { protocol: HTTP, port: 80, allowedRoutes: { from: All } }
apps:
  shop:
    gateway: public
    listeners:
      shop-https: { hostname: shop.example.com, protocol: HTTPS, port: 443, tls: { certificates: [shop-tls] } }
    listenerSets:
      extra:
        listeners:
          extra-https: { hostname: extra.example.com, protocol: HTTPS, port: 8443, tls: { certificates: [extra-tls] } }
    routes:
      web: { host: shop.example.com, to: web:80, listener: shop-https }
";

/// The findings (code, message, line of the overlay) of `render --env prod --stdout`
/// with `overlay` as `overlays/prod.yaml`.
fn findings(overlay: &str) -> Vec<(String, String, u64)> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), SPEC).expect("spec");
    std::fs::create_dir(dir.path().join("overlays")).expect("overlays");
    std::fs::write(dir.path().join("overlays/prod.yaml"), overlay).expect("overlay");
    let out = gatewright()
        .current_dir(dir.path())
        .args(["render", ".", "--env", "prod", "--stdout", "--format", "json"])
        .output()
        .expect("run gatewright");
    let diags: Vec<Value> = serde_json::from_slice(&out.stderr).unwrap_or_default();
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn assert_finding(overlay: &str, code: &str, says: &str, line: u64) {
    let found = findings(overlay);
    assert!(
        found
            .iter()
            .any(|(c, m, l)| c == code && m.contains(says) && *l == line),
        "want {code} saying {says:?} at line {line}, got {found:?}"
    );
}

#[test]
fn a_misspelt_listener_of_the_apps_listener_set_is_gw132() {
    let overlay = "apps:\n  shop:\n    listeners:\n      shop-htps: { hostname: shop.contoso.com }\n";
    assert_finding(overlay, "GW132", "`shop-htps`", 4);
}

#[test]
fn a_misspelt_named_listener_set_or_its_listener_is_gw132() {
    let set = "apps:\n  shop:\n    listenerSets:\n      extr: { labels: { tier: edge } }\n";
    assert_finding(set, "GW132", "`extr`", 4);
    let listener =
        "apps:\n  shop:\n    listenerSets:\n      extra:\n        listeners:\n          extra-htps: { port: 9443 }\n";
    assert_finding(listener, "GW132", "`extra-htps`", 6);
}

#[test]
fn a_new_listener_set_or_listener_that_cannot_stand_alone_is_gw133() {
    let set = "apps:\n  shop:\n    listenerSets:\n      admin: { labels: { tier: admin } }\n";
    assert_finding(set, "GW133", "lacks `listeners`", 4);
    let listener = "apps:\n  shop:\n    listeners:\n      admin-https: { hostname: admin.example.com }\n";
    assert_finding(listener, "GW133", "lacks `protocol` and `port`", 4);
}

#[test]
fn deleting_a_listener_the_set_lacks_is_gw134() {
    let overlay = "apps:\n  shop:\n    listenerSets:\n      extra:\n        listeners:\n          gone: null\n";
    assert_finding(overlay, "GW134", "`gone`", 6);
}

#[test]
fn changing_existing_set_listeners_and_adding_complete_ones_is_fine() {
    let overlay = "apps:
  shop:
    listeners:
      shop-https: { hostname: shop.contoso.com }
      admin-https: { hostname: admin.contoso.com, protocol: HTTPS, port: 9443, tls: { certificates: [admin-tls] } }
    listenerSets:
      extra:
        listeners:
          extra-https: { port: 9444 }
      more:
        listeners:
          more-http: { hostname: more.contoso.com, protocol: HTTP, port: 8080 }
";
    let found = findings(overlay);
    assert!(
        !found
            .iter()
            .any(|(c, ..)| ["GW132", "GW133", "GW134"].contains(&c.as_str())),
        "{found:?}"
    );
}
