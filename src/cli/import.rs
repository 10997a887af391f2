//! `gatewright import`: print a spec built from existing manifests; what
//! cannot be carried over is a warning on stderr at the manifest's line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output::Printer;
use super::{FAILURE, FINDINGS, Format, FormatArgs};

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
    /// Instead of printing the spec, send every Ingress rule (and the requests beside it) through a model of ingress-nginx and through the rendered routes, and print each request they answer differently (exit 1 if any).
    #[arg(long)]
    verify: bool,
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
    if args.verify {
        return verify(&imported, &printer, args.format.format == Format::Json);
    }
    printer.stdout(&imported.text)
}

/// `--verify`: the report on stdout (text, or one JSON object); exit 1 when a request differs.
fn verify(imported: &gatewright::import::Imported, printer: &Printer, json: bool) -> ExitCode {
    let report = match gatewright::verify::verify(imported) {
        Ok(r) => r,
        Err(diags) => {
            printer.diagnostics(&diags, &imported.sources);
            return ExitCode::from(super::exit_code(&diags));
        }
    };
    let text = if json {
        serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
    } else {
        report_text(&report)
    };
    let code = printer.stdout(&text);
    if code == ExitCode::SUCCESS && !report.differences.is_empty() {
        return ExitCode::from(FINDINGS);
    }
    code
}

fn report_text(report: &gatewright::verify::Report) -> String {
    let mut out = String::new();
    for d in &report.differences {
        out.push_str(&format!(
            "{}: ingress-nginx: {}; gateway: {}\n",
            d.request, d.nginx, d.gateway
        ));
        for k in &d.known {
            out.push_str(&format!("  known limitation: {k}\n"));
        }
    }
    out.push_str(&format!(
        "verify: {} probes, {} differ\n",
        report.probes,
        report.differences.len()
    ));
    out
}
