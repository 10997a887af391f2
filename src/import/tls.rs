//! Gateway `spec.tls` and BackendTLSPolicies into the spec: references in
//! the short form where it says the same (core group, the field's default
//! kind, the object's own namespace), a policy keyed by its Service.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{Cx, Object, parse};
use crate::load::escape_token as esc;
use crate::resolve::tls::{CA_KIND, CLIENT_CERT_KIND};
use crate::spec;

/// The only BackendTLSPolicy version of the standard channel.
const POLICY_API_VERSION: &str = "gateway.networking.k8s.io/v1";

/// A Gateway's `spec.tls`; `None` (with a warning) when it cannot be imported.
pub(super) fn gateway_tls(o: &Object, spec: &Value, ns: &str, cx: &mut Cx<'_>) -> Option<Option<spec::GatewayTls>> {
    let Some(tls) = spec.get("tls") else {
        return Some(None);
    };
    let mut tls: spec::GatewayTls = parse(o, "/spec/tls", tls.clone(), cx)?;
    if let Some(f) = &mut tls.frontend {
        let configs = std::iter::once(&mut f.default).chain(f.per_port.iter_mut().map(|p| &mut p.tls));
        for v in configs.filter_map(|c| c.validation.as_mut()) {
            v.ca_certificate_refs
                .iter_mut()
                .for_each(|r| shorten(r, CA_KIND, Some(ns)));
        }
    }
    if let Some(r) = tls.backend.as_mut().and_then(|b| b.client_certificate_ref.as_mut()) {
        shorten(r, CLIENT_CERT_KIND, Some(ns));
    }
    Some(Some(tls))
}

/// `name` or `namespace/name` for a reference of the core group and kind `kind`.
fn shorten(r: &mut spec::CertRef, kind: &str, own_ns: Option<&str>) {
    let spec::CertRef::Long(o) = r else { return };
    if o.namespace.as_deref() == own_ns {
        o.namespace = None;
    }
    let core = o.group.as_deref().unwrap_or("").is_empty();
    if core && o.kind.as_deref().unwrap_or(kind) == kind && !o.name.contains('/') {
        *r = spec::CertRef::Short(match &o.namespace {
            Some(ns) => format!("{ns}/{}", o.name),
            None => o.name.clone(),
        });
    }
}

/// A BackendTLSPolicy's `spec` as the API writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PolicySpec {
    target_refs: Vec<spec::PolicyTargetRef>,
    validation: Validation,
    #[serde(default)]
    options: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Validation {
    #[serde(default)]
    ca_certificate_refs: Vec<spec::ObjectReference>,
    #[serde(default, rename = "wellKnownCACertificates")]
    well_known_ca_certificates: Option<String>,
    hostname: String,
    #[serde(default)]
    subject_alt_names: Vec<spec::SubjectAltName>,
}

/// A BackendTLSPolicy into `apps.<namespace>.backendTls`, keyed by its
/// Service when it targets one (by its own name otherwise).
pub(super) fn backend_tls_policy(o: &Object, cx: &mut Cx<'_>) {
    let api_version = o.str("/apiVersion").unwrap_or_default();
    if api_version != POLICY_API_VERSION {
        return cx.skip(
            o,
            "/apiVersion",
            format!("BackendTLSPolicy `{}` is not imported: `{api_version}` is not the standard channel's version", o.name()),
            "gatewright writes `gateway.networking.k8s.io/v1` BackendTLSPolicies (Gateway API v1.6.1): convert it, or keep it as a hand-written manifest",
        );
    }
    let ns = cx.namespace(o);
    let mut value = o.value.get("spec").cloned().unwrap_or(Value::Null);
    crate::overlay::strip_nulls(&mut value);
    let Some(p): Option<PolicySpec> = parse(o, "/spec", value, cx) else {
        return;
    };
    let name = o.name().to_string();
    let mut entry = spec::BackendTls {
        hostname: p.validation.hostname,
        ca_certificate_refs: p
            .validation
            .ca_certificate_refs
            .into_iter()
            .map(|r| {
                let mut r = spec::CertRef::Long(r);
                shorten(&mut r, CA_KIND, None);
                r
            })
            .collect(),
        well_known_ca_certificates: p.validation.well_known_ca_certificates,
        subject_alt_names: p.validation.subject_alt_names,
        options: p.options,
        labels: super::metadata::string_map(o, "labels", cx),
        annotations: super::metadata::string_map(o, "annotations", cx),
        ..spec::BackendTls::default()
    };
    let single_service = match p.target_refs.as_slice() {
        [t] if t.group.as_deref().unwrap_or("").is_empty() && t.kind.as_deref().unwrap_or("Service") == "Service" => {
            Some(t.clone())
        }
        _ => None,
    };
    let app = cx.app(&ns);
    let key = match single_service {
        Some(t) if !app.backend_tls.contains_key(&t.name) => {
            entry.name = (name != t.name).then(|| name.clone());
            entry.section_name = t.section_name;
            t.name
        }
        Some(t) => {
            entry.service = Some(t.name);
            entry.section_name = t.section_name;
            name.clone()
        }
        None => {
            entry.target_refs = Some(p.target_refs);
            name.clone()
        }
    };
    if app.backend_tls.contains_key(&key) {
        return cx.skip(
            o,
            "/metadata/name",
            format!("BackendTLSPolicy `{ns}/{name}` is not imported: it was imported already"),
            "remove one of the two policies",
        );
    }
    app.backend_tls.insert(key.clone(), entry);
    cx.origins.insert(
        format!("/apps/{}/backendTls/{}", esc(&ns), esc(&key)),
        o.loc("/metadata/name"),
    );
}
