//! `import` as a user runs it: the CLI on manifests copied into a temporary
//! folder, the spec it prints saved there, then `render` of that spec.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The fixtures of the import-gap tests.
pub fn gaps_dir() -> PathBuf {
    crate::common::root().join("tests/import/gaps")
}

/// One import run in its own folder.
pub struct Run {
    /// The folder holding the manifests, `gatewright.yaml` and `out/`.
    pub dir: tempfile::TempDir,
    /// The spec printed.
    pub spec: String,
    /// The diagnostics (`--format json`).
    pub diagnostics: Vec<Value>,
}

impl Run {
    /// The diagnostics with this code.
    pub fn with_code(&self, code: &str) -> Vec<&Value> {
        self.diagnostics.iter().filter(|d| d["code"] == code).collect()
    }

    /// Render the saved spec into `out/`: exit code, diagnostics, objects by (kind, namespace, name).
    pub fn render(&self) -> Rendered {
        render_dir(self.dir.path())
    }
}

/// Import the named manifests (written as `files`: name and text) with `args`.
pub fn import_texts(files: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write manifest");
    }
    let mut cmd = crate::common::cli::gatewright();
    cmd.current_dir(dir.path())
        .args(["import", "--format", "json"])
        .args(args);
    cmd.args(files.iter().map(|(n, _)| *n));
    let out = cmd.output().expect("run gatewright import");
    assert_eq!(
        out.status.code(),
        Some(0),
        "import fails: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spec = String::from_utf8(out.stdout).expect("UTF-8 spec");
    std::fs::write(dir.path().join("gatewright.yaml"), &spec).expect("write spec");
    let diagnostics = serde_json::from_slice(&out.stderr).unwrap_or_default();
    Run { dir, spec, diagnostics }
}

/// Import fixtures of `tests/import/gaps/`.
pub fn import_fixtures(names: &[&str], args: &[&str]) -> Run {
    let texts: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(gaps_dir().join(n)).expect("read fixture");
            (n.to_string(), text)
        })
        .collect();
    let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    import_texts(&files, args)
}

/// A render of a spec folder.
pub struct Rendered {
    /// Exit code.
    pub code: Option<i32>,
    /// Diagnostics (`--format json`).
    pub diagnostics: Vec<Value>,
    /// The objects written, by (kind, namespace, name); patches by file path.
    pub objects: BTreeMap<(String, String, String), Value>,
    /// The output folder.
    pub out: PathBuf,
}

impl Rendered {
    /// The object, or a panic naming the ones there are.
    pub fn object(&self, kind: &str, ns: &str, name: &str) -> &Value {
        self.objects
            .get(&(kind.to_string(), ns.to_string(), name.to_string()))
            .unwrap_or_else(|| panic!("no {kind} {ns}/{name} among {:?}", self.objects.keys()))
    }

    /// Codes of the errors.
    pub fn errors(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| format!("{} {}", d["code"], d["message"]))
            .collect()
    }
}

/// `gatewright render gatewright.yaml --out out` in `dir`.
pub fn render_dir(dir: &Path) -> Rendered {
    let out = crate::common::cli::gatewright()
        .current_dir(dir)
        .args(["render", "gatewright.yaml", "--out", "out", "--format", "json"])
        .output()
        .expect("run gatewright render");
    let diagnostics = serde_json::from_slice(&out.stderr).unwrap_or_default();
    let mut objects = BTreeMap::new();
    let root = dir.join("out");
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name().into_iter().flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".yaml")
            || name == "kustomization.yaml"
            || path.components().any(|c| c.as_os_str() == "upstream")
        {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read output");
        for v in crate::common::parse_stream(&text) {
            let field = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
            let key = if name.ends_with(".patch.yaml") {
                ("patch".to_string(), field("/metadata/namespace"), name.clone())
            } else {
                (field("/kind"), field("/metadata/namespace"), field("/metadata/name"))
            };
            objects.insert(key, v);
        }
    }
    Rendered {
        code: out.status.code(),
        diagnostics,
        objects,
        out: root,
    }
}
