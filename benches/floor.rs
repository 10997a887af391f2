//! The parse floor of `benches/run.sh`: read a workload's spec and manifests
//! on every core and run the YAML parser gatewright's readers are built on
//! (yaml-rust2) over each, keeping nothing but a count of its events. No
//! tree, no spans kept, no validation, no output: what reading the inputs'
//! YAML costs any tool that parses them with this parser.
//!
//! `cargo bench --bench floor -- DIR` (DIR holds `gatewright.yaml` and
//! `manifests/`, as `benches/gen_workload.py` writes them). `run.sh` builds
//! it once and times the binary from outside like every other row.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use yaml_rust2::parser::{Event, Parser};

/// The spec and every manifest of the workload in `dir`, sorted.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![dir.join("gatewright.yaml")];
    let manifests = walkdir::WalkDir::new(dir.join("manifests")).sort_by_file_name();
    files.extend(
        manifests
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path),
    );
    files
}

/// The number of YAML events in `path`, or why it could not be parsed.
fn events(path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut parser = Parser::new(text.chars());
    let mut count = 0;
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => return Ok(count),
            Ok(_) => count += 1,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
}

fn main() -> std::process::ExitCode {
    // `cargo bench` passes `--bench` first; the last argument is the folder.
    let Some(dir) = std::env::args().skip(1).rfind(|a| !a.starts_with("--")) else {
        eprintln!("usage: floor DIR");
        return std::process::ExitCode::from(2);
    };
    let files = inputs(Path::new(&dir));
    let counts: Result<Vec<usize>, String> = files.par_iter().map(|f| events(f)).collect();
    match counts {
        Ok(counts) => {
            println!("{} files, {} YAML events", files.len(), counts.iter().sum::<usize>());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("floor: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
