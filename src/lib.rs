//! gatewright: a GitOps manifest compiler from a compact app/route spec to Gateway API manifests.
pub mod crd;
