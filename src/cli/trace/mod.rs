//! `gatewright trace`: what the Gateway does with a request, offline, from a
//! spec or Kubernetes YAML. Exit 0 when every request was traced (whatever
//! its status, unless `--expect-status` or a `--requests` line's `=> ...`
//! expects another: then 1), 2 for usage and I/O errors and inputs that
//! cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::diagnostic::{Code, Diagnostic, did_you_mean};
use gatewright::routing::{Engine, Outcome, Request, RouteError};
use gatewright::source::Sources;
use gatewright::trace::expect::Expect;
use gatewright::trace::{self, requests};

use super::output::Printer;
use super::{FAILURE, FINDINGS};

mod text;

/// How `trace` prints its answer.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum TraceFormat {
    /// A short trace for people.
    Text,
    /// One JSON object (the contract documented in docs/trace.md).
    Json,
}

/// Arguments of `trace`.
#[derive(clap::Args)]
pub struct Args {
    /// The spec (file or folder, with its overlays) or Kubernetes YAML files and folders, then the URL (`http://host/path`; not with `--requests`).
    #[arg(required = true, value_name = "INPUT... URL")]
    args: Vec<String>,
    /// Compile this environment of the spec (`overlays/<env>.yaml`).
    #[arg(long)]
    env: Option<String>,
    /// The Gateway that receives the request, `NAMESPACE/NAME` (needed when several can).
    #[arg(long, value_name = "NAMESPACE/NAME")]
    gateway: Option<String>,
    /// The port the request arrives on (default: the URL's).
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// The method.
    #[arg(short = 'X', long = "method", default_value = "GET", value_name = "METHOD")]
    method: String,
    /// A request header, `Name: value`; repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Trace every request of FILE (one per line: `METHOD URL [Name: value]...`, or a `tls://`, `tcp://`, `udp://` URL alone, optionally ending `=> STATUS [NAMESPACE/]NAME[:PORT]`, what it must get) and print one JSON object per line.
    #[arg(long, value_name = "FILE")]
    requests: Option<PathBuf>,
    /// The status every request must get (`200`, `404`, a redirect's `301`...): exit 1 when one gets another, for CI. A `--requests` line's own `=> ...` takes precedence.
    #[arg(long, value_name = "CODE")]
    expect_status: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    format: TraceFormat,
}

/// Run `trace`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format == TraceFormat::Json);
    let fail = |d: Diagnostic, sources: &Sources| {
        printer.diagnostics(&[d], sources);
        ExitCode::from(FAILURE)
    };
    let (inputs, url) = match (&args.requests, args.args.split_last()) {
        (Some(_), _) => (args.args.clone(), None),
        (None, Some((url, inputs))) if !inputs.is_empty() => (inputs.to_vec(), Some(url.clone())),
        _ => {
            return fail(
                usage(
                    "trace needs the inputs and then a URL, e.g. `gatewright trace examples/aks-store --env dev http://store.aks.rocks/`",
                ),
                &Sources::new(),
            );
        }
    };
    let gateway = match args.gateway.as_deref().map(gateway_arg).transpose() {
        Ok(g) => g,
        Err(d) => return fail(d, &Sources::new()),
    };
    let paths: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
    let engine = match engine(&paths, args.env.clone(), &printer) {
        Ok(e) => e,
        Err(code) => return code,
    };
    match (&args.requests, url) {
        (Some(file), _) => run_file(&engine, file, (gateway, args.port, args.expect_status), &printer),
        (None, Some(url)) => run_one(&engine, &args, &url, gateway, &printer),
        (None, None) => ExitCode::from(FAILURE),
    }
}

/// The engine of `paths` (read as `trace` reads them), the findings printed;
/// exit 2 when an input cannot be read.
pub(super) fn engine(paths: &[PathBuf], env: Option<String>, printer: &Printer) -> Result<Engine, ExitCode> {
    let base = gatewright::Options {
        env,
        ..Default::default()
    };
    let loaded = trace::load(paths, &base);
    for (sources, diags) in loaded.reports.iter().filter(|(_, d)| !d.is_empty()) {
        printer.diagnostics(diags, sources);
    }
    if loaded.has_errors() {
        return Err(ExitCode::from(FAILURE));
    }
    let engine = Engine::new(&loaded.inputs);
    let problems: Vec<Diagnostic> = engine
        .problems()
        .iter()
        .map(|p| {
            Diagnostic::warning(Code::TraceObjectLeftOut, format!("object left out of routing: {p}"))
                .help("fix the field named; the object must parse as its Gateway API kind")
        })
        .collect();
    if !problems.is_empty() {
        printer.diagnostics(&problems, &Sources::new());
    }
    Ok(engine)
}

fn usage(message: &str) -> Diagnostic {
    Diagnostic::error(Code::TraceUsage, message.to_string()).help("see `gatewright trace --help`")
}

fn gateway_arg(text: &str) -> Result<(String, String), Diagnostic> {
    match text.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => Ok((ns.into(), name.into())),
        _ => Err(Diagnostic::error(
            Code::TraceGatewayName,
            format!("`--gateway {text}` is not `NAMESPACE/NAME`"),
        )
        .help("name the Gateway with its namespace, e.g. `--gateway aks-istio-ingress/gateway`")),
    }
}

fn request(args: &Args, url: &str, gateway: Option<(String, String)>) -> Result<Request, Diagnostic> {
    let mut req = Request::get(url).map_err(|e| {
        Diagnostic::error(
            Code::TraceUsage,
            format!(
                "the URL `{url}` is not a request URL (column {}): {}",
                e.column, e.message
            ),
        )
        .help("write an absolute URL such as `http://store.example.com/path` (`tls://HOST[:PORT]` for a TLS connection by SNI, `tcp://HOST:PORT`, `udp://HOST:PORT`)")
    })?;
    req.method = requests::method(&args.method).map_err(|f| {
        Diagnostic::error(Code::TraceHeader, format!("`-X {}`: {}", args.method, f.message)).help(f.help)
    })?;
    for h in &args.headers {
        let pair = requests::header(h).map_err(|f| {
            Diagnostic::error(
                Code::TraceHeader,
                format!("`-H {h}` (column {}): {}", f.column, f.message),
            )
            .help(f.help)
        })?;
        req.headers.push(pair);
    }
    requests::mark_grpc(&mut req);
    req.gateway = gateway;
    if let Some(p) = args.port {
        req.port = p;
    }
    Ok(req)
}

fn run_one(engine: &Engine, args: &Args, url: &str, gateway: Option<(String, String)>, printer: &Printer) -> ExitCode {
    let req = match request(args, url, gateway) {
        Ok(r) => r,
        Err(d) => {
            printer.diagnostics(&[d], &Sources::new());
            return ExitCode::from(FAILURE);
        }
    };
    match engine.route(&req) {
        Ok(out) => {
            let code = if args.format == TraceFormat::Json {
                printer.stdout(&format!("{}\n", out.to_json()))
            } else {
                printer.stdout(&text::render(&req, &out))
            };
            expected(
                &[(url.to_string(), out, status_expectation(args.expect_status))],
                code,
                printer,
            )
        }
        Err(e) => {
            printer.diagnostics(&[route_error(&e)], &Sources::new());
            ExitCode::from(FAILURE)
        }
    }
}

/// The diagnostic of a request no Gateway (or more than one) can take.
fn route_error(e: &RouteError) -> Diagnostic {
    let list = |g: &[(String, String)]| g.iter().map(|(n, m)| format!("{n}/{m}")).collect::<Vec<_>>().join(", ");
    match e {
        RouteError::NoGateway => Diagnostic::error(Code::TraceNoGateway, "the inputs hold no Gateway")
            .help("add the Gateway's YAML (or the spec that declares it) to the inputs"),
        RouteError::NoListener(all) => Diagnostic::error(
            Code::TraceNoGateway,
            format!(
                "no Gateway has a listener for this request's port and scheme (Gateways: {})",
                list(all)
            ),
        )
        .help("check the URL's scheme and port, or pass `--port N` and `--gateway NAMESPACE/NAME`"),
        RouteError::UnknownGateway((ns, name), all) => {
            let names: Vec<String> = all.iter().map(|(n, m)| format!("{n}/{m}")).collect();
            let wanted = format!("{ns}/{name}");
            let help = match did_you_mean(&wanted, names.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `--gateway {s}`?"),
                None => format!("pass one of: {}", list(all)),
            };
            Diagnostic::error(
                Code::TraceUnknownGateway,
                format!("no Gateway `{wanted}` in the inputs"),
            )
            .help(help)
        }
        RouteError::Ambiguous(able) => Diagnostic::error(
            Code::TraceAmbiguousGateway,
            format!("{} Gateways can take this request: {}", able.len(), list(able)),
        )
        .help(format!(
            "pass `--gateway {}` (or another of them)",
            able.first()
                .map_or_else(|| "NAMESPACE/NAME".to_string(), |(n, m)| format!("{n}/{m}"))
        )),
    }
}

/// `--expect-status`, as the expectation of every request that states none.
fn status_expectation(status: Option<u16>) -> Option<Expect> {
    status.map(|status| Expect { status, backend: None })
}

/// `code` (the printing's), or exit 1 with a note per request that does not
/// get what it expects (its line's `=> ...`, else `--expect-status`).
fn expected(traced: &[(String, Outcome, Option<Expect>)], code: ExitCode, printer: &Printer) -> ExitCode {
    let mut differ = false;
    for (request, o, expect) in traced {
        if let Some(why) = expect.as_ref().and_then(|e| e.unmet(o)) {
            printer.note(&format!("{request}: {why}"));
            differ = true;
        }
    }
    if differ && code == ExitCode::SUCCESS {
        return ExitCode::from(FINDINGS);
    }
    code
}

fn run_file(
    engine: &Engine,
    file: &std::path::Path,
    (gateway, port, expect_status): (Option<(String, String)>, Option<u16>, Option<u16>),
    printer: &Printer,
) -> ExitCode {
    let text = match gatewright::load::read_text_limited(file, gatewright::load::limits().max_bytes) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(Code::UnreadableFile, format!("cannot read `{}`: {e}", file.display()))
                .help("pass a readable text file with one request per line");
            printer.diagnostics(&[d], &Sources::new());
            return ExitCode::from(FAILURE);
        }
    };
    let mut sources = Sources::new();
    let id = sources.add_path(file, text.clone());
    let mut diags = Vec::new();
    let mut lines = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = |col: usize| {
            Some(sources.loc_at(
                id,
                u32::try_from(n + 1).unwrap_or(u32::MAX),
                u32::try_from(col).unwrap_or(u32::MAX),
            ))
        };
        match requests::line(line) {
            Ok(None) => {}
            Ok(Some(requests::Line { mut request, expect })) => {
                request.gateway = gateway.clone();
                if let Some(p) = port {
                    request.port = p;
                }
                let expect = expect.or_else(|| status_expectation(expect_status));
                match engine.route(&request) {
                    Ok(out) => lines.push((format!("{}:{}: {}", file.display(), n + 1, line.trim()), out, expect)),
                    Err(e) => diags.push(route_error(&e).at(at(1))),
                }
            }
            Err(f) => diags.push(
                Diagnostic::error(Code::TraceRequestLine, format!("bad request line: {}", f.message))
                    .at(at(f.column))
                    .help(f.help),
            ),
        }
    }
    if !diags.is_empty() {
        printer.diagnostics(&diags, &sources);
        return ExitCode::from(FAILURE);
    }
    let code = printer.stdout_with(|out| {
        for (_, o, _) in &lines {
            writeln!(out, "{}", Outcome::to_json(o))?;
        }
        Ok(())
    });
    expected(&lines, code, printer)
}
