//! Which trees a spec produces: the base spec, or one per environment overlay.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// One tree to produce: the base spec, or one environment of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Environment name; `None` when the spec has no overlays.
    pub env: Option<String>,
    /// The overlay file of that environment.
    pub overlay: Option<PathBuf>,
}

impl Target {
    /// Where this target's tree goes under the output directory: `out/<env>/`,
    /// or `out/` itself. `GW704` unless the environment name is one plain
    /// path component (not `.`, `..`, empty, or holding a separator), so that
    /// no input can direct a write outside `out`.
    pub fn out_dir(&self, out: &Path) -> Result<PathBuf, Diagnostic> {
        let Some(env) = &self.env else {
            return Ok(out.to_path_buf());
        };
        let mut parts = Path::new(env).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(name)), None) if name == std::ffi::OsStr::new(env) && !env.contains('\\') => {
                Ok(out.join(env))
            }
            _ => Err(Diagnostic::error(
                "GW704",
                format!(
                    "refusing to write environment `{env}`: its folder would not be one folder inside `{}`",
                    out.display()
                ),
            )
            .help("environment names become folder names: use lower-case letters, digits and `-` (e.g. `prod`)")),
        }
    }
}

/// The trees a spec produces: one per environment overlay
/// (`overlays/<env>.yaml` beside the spec, sorted by name), or one tree when
/// there are none. `--overlay FILE` names a single environment (the file's
/// stem); `--env NAME` picks one environment.
pub fn plan(
    spec: &std::path::Path,
    overlay: Option<&std::path::Path>,
    env: Option<&str>,
) -> Result<Vec<Target>, Diagnostic> {
    if let Some(file) = overlay {
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned());
        return Ok(vec![Target {
            env: env.map(str::to_string).or(name),
            overlay: Some(file.to_path_buf()),
        }]);
    }
    if !spec.exists() {
        // `compile` reports the missing spec.
        return Ok(vec![Target {
            env: env.map(str::to_string),
            overlay: None,
        }]);
    }
    let dir = if spec.is_dir() {
        spec.to_path_buf()
    } else {
        spec.parent().map(PathBuf::from).unwrap_or_default()
    };
    let mut found: Vec<Target> = std::fs::read_dir(dir.join("overlays"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")))
        .filter_map(|p| {
            Some(Target {
                env: Some(p.file_stem()?.to_string_lossy().into_owned()),
                overlay: Some(p),
            })
        })
        .collect();
    found.sort_by(|a, b| a.env.cmp(&b.env));
    match env {
        None if found.is_empty() => Ok(vec![Target {
            env: None,
            overlay: None,
        }]),
        None => Ok(found),
        Some(name) => match found.iter().find(|t| t.env.as_deref() == Some(name)) {
            Some(t) => Ok(vec![t.clone()]),
            None => {
                let names: Vec<&str> = found.iter().filter_map(|t| t.env.as_deref()).collect();
                let help = match crate::diagnostic::did_you_mean(name, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if names.is_empty() => format!(
                        "create `{}` to define it",
                        dir.join("overlays").join(format!("{name}.yaml")).display()
                    ),
                    None => format!("environments: {}", names.join(", ")),
                };
                Err(Diagnostic::error("GW107", format!("unknown environment `{name}`")).help(help))
            }
        },
    }
}
