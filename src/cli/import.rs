//! `gatewright import`: print a spec built from existing manifests; what
//! cannot be carried over is a warning on stderr at the manifest's line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output::Printer;
use super::{FAILURE, Format, FormatArgs};

/// Arguments of `import`.
#[derive(clap::Args)]
pub struct Args {
    /// Manifest files or directories: Gateway API objects, Services of type LoadBalancer, Ingresses.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Namespace of objects that name none (default: `default`).
    #[arg(long)]
    namespace: Option<String>,
    /// Domain of proposed hostnames (`<service>.<domain>`) and of the proposed listener (`*.<domain>`).
    #[arg(long)]
    domain: Option<String>,
    /// Hostname of a LoadBalancer Service's route, as `SERVICE=HOST` (repeatable).
    #[arg(long = "host", value_name = "SERVICE=HOST")]
    hosts: Vec<String>,
    /// Profile of the proposed gateway when the manifests bring none (default: `aks-istio-external`).
    #[arg(long)]
    profile: Option<String>,
    /// Mesh revision for the app namespaces (e.g. `asm-1-22`).
    #[arg(long)]
    revision: Option<String>,
    /// Ingress class to import (repeatable; default: `nginx` and `webapprouting.kubernetes.azure.com`).
    #[arg(long = "ingress-class", value_name = "CLASS")]
    ingress_classes: Vec<String>,
    /// Gateway API version to target when newer than the profile's (e.g. `v1.6.1` for the CORS filter and 308 redirects).
    #[arg(long = "gateway-api", value_name = "VERSION")]
    gateway_api: Option<String>,
    #[command(flatten)]
    format: FormatArgs,
}

/// Run `import`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format.format == Format::Json);
    let mut hosts = BTreeMap::new();
    for h in &args.hosts {
        let Some((svc, host)) = h.split_once('=') else {
            printer.error(&format!(
                "`--host {h}` is not `SERVICE=HOST` (e.g. `--host store-front=store.example.com`)"
            ));
            return ExitCode::from(FAILURE);
        };
        hosts.insert(svc.to_string(), host.to_string());
    }
    let imported = gatewright::import::import(&gatewright::import::Options {
        paths: args.paths,
        namespace: args.namespace,
        domain: args.domain,
        hosts,
        profile: args.profile,
        revision: args.revision,
        ingress_classes: args.ingress_classes,
        gateway_api: args.gateway_api,
    });
    printer.diagnostics(&imported.diagnostics, &imported.sources);
    if imported.diagnostics.iter().any(|d| d.is_error()) {
        return ExitCode::from(super::exit_code(&imported.diagnostics));
    }
    printer.stdout(&imported.text)
}
