//! `gatewright explain GWnnn`: a diagnostic code's longer description, with
//! an example of what triggers it and how to fix it.

use std::process::ExitCode;

use gatewright::diagnostic::{Code, did_you_mean};

use super::output::Printer;

/// Arguments of `explain`.
#[derive(clap::Args)]
pub struct Args {
    /// The code, as printed in a diagnostic: `GW410` (`gw410` and `410` work too).
    #[arg(value_parser = parse_code)]
    code: Code,
}

/// Run `explain`.
pub fn run(args: Args) -> ExitCode {
    Printer::new(false).stdout(&args.code.explain())
}

/// The code `text` names, or what the user may have meant.
fn parse_code(text: &str) -> Result<Code, String> {
    Code::parse(text).ok_or_else(|| {
        let wanted = text.trim().to_uppercase();
        let wanted = if wanted.starts_with("GW") {
            wanted
        } else {
            format!("GW{wanted}")
        };
        let first = Code::ALL.first().map_or("", |c| c.as_str());
        let last = Code::ALL.last().map_or("", |c| c.as_str());
        let list = format!("the codes, {first} to {last}, are listed in docs/diagnostics.md");
        match did_you_mean(&wanted, Code::ALL.iter().map(|c| c.as_str())) {
            Some(near) => format!("no diagnostic code is `{text}`; did you mean `{near}`? ({list})"),
            None => format!("no diagnostic code is `{text}`; {list}"),
        }
    })
}
