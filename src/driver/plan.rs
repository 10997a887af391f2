//! Which trees a spec produces: the base spec, or one per environment overlay.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

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
                Code::OutputPathOutside,
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
///
/// # Errors
/// GW107 for an unknown `--env`; GW111 for an environment name that is not a
/// DNS-1123 label (it names a folder of the output, so `..` or `.` would
/// replace another tree); GW112 for two overlay files of one environment.
pub fn plan(
    spec: &std::path::Path,
    overlay: Option<&std::path::Path>,
    env: Option<&str>,
) -> Result<Vec<Target>, Diagnostic> {
    plan_at(spec, overlay, env).map_err(|e| e.0)
}

/// A planning error, with the overlay file it concerns (to locate it).
pub(crate) type PlanError = (Diagnostic, Option<PathBuf>);

/// [`plan`], its error naming the overlay file at fault.
pub(crate) fn plan_at(
    spec: &std::path::Path,
    overlay: Option<&std::path::Path>,
    env: Option<&str>,
) -> Result<Vec<Target>, PlanError> {
    if let Some(file) = overlay {
        let target = Target {
            env: env.map(str::to_string).or_else(|| Some(stem(file))),
            overlay: Some(file.to_path_buf()),
        };
        check_name(&target, env.is_some())?;
        return Ok(vec![target]);
    }
    if let Some(name) = env {
        check_name(
            &Target {
                env: Some(name.to_string()),
                overlay: None,
            },
            true,
        )?;
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
    let found = discover(&dir)?;
    match env {
        None if found.is_empty() => Ok(vec![Target {
            env: None,
            overlay: None,
        }]),
        None => Ok(found),
        Some(name) => match found.iter().find(|t| t.env.as_deref() == Some(name)) {
            Some(t) => Ok(vec![t.clone()]),
            None => Err((unknown(name, &found, &dir), None)),
        },
    }
}

/// The environments of `overlays/` under `dir`, sorted by name, each name checked.
fn discover(dir: &std::path::Path) -> Result<Vec<Target>, PlanError> {
    let mut found: Vec<Target> = std::fs::read_dir(dir.join("overlays"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        // Whatever is so named, in any letter case: reading refuses what is not
        // a regular file, so no environment is dropped silently.
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
        })
        .map(|p| Target {
            env: Some(stem(&p)),
            overlay: Some(p),
        })
        .collect();
    found.sort_by(|a, b| (&a.env, &a.overlay).cmp(&(&b.env, &b.overlay)));
    for t in &found {
        check_name(t, false)?;
    }
    if let Some(w) = found.windows(2).find(|w| w[0].env == w[1].env) {
        let shown = |t: &Target| {
            t.overlay
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        return Err((
            Diagnostic::error(
                Code::EnvironmentDefinedTwice,
                format!(
                    "`{}` and `{}` both define environment `{}`",
                    shown(&w[0]),
                    shown(&w[1]),
                    w[0].env.as_deref().unwrap_or_default()
                ),
            )
            .help("keep one of the two files: each would render into the same folder"),
            w[1].overlay.clone(),
        ));
    }
    Ok(found)
}

/// The environment name a file gives: its name without the extension.
fn stem(file: &std::path::Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// GW111 unless the target's environment is a DNS-1123 label; `from_env`
/// when the name came from `--env` (or the Argo CD plugin variable).
fn check_name(target: &Target, from_env: bool) -> Result<(), PlanError> {
    let Some(name) = target.env.as_deref() else {
        return Ok(());
    };
    if crate::analyze::syntax::is_dns_label(name) {
        return Ok(());
    }
    let file = target.overlay.clone().filter(|_| !from_env);
    let (source, help) = match &target.overlay {
        Some(file) if !from_env => (
            format!("overlay file `{}` names", file.display()),
            "rename the file to `<env>.yaml` with a lower-case name of letters, digits and `-` (e.g. `prod.yaml`): the name becomes a folder of `--out`",
        ),
        _ => (
            "`--env` (or the Argo CD plugin's `GATEWRIGHT_ENV`) names".to_string(),
            "pass a lower-case name of letters, digits and `-` (e.g. `--env prod`): the name becomes a folder of `--out`",
        ),
    };
    Err((Diagnostic::error(
        Code::InvalidEnvironmentName,
        format!(
            "{source} environment `{}`, which is not a DNS-1123 label (at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit)",
            name.escape_debug()
        ),
    )
    .help(help), file))
}

/// GW107: `--env` names no environment of the spec.
fn unknown(name: &str, found: &[Target], dir: &std::path::Path) -> Diagnostic {
    let names: Vec<&str> = found.iter().filter_map(|t| t.env.as_deref()).collect();
    let help = match crate::diagnostic::did_you_mean(name, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if names.is_empty() => format!(
            "create `{}` to define it",
            dir.join("overlays").join(format!("{name}.yaml")).display()
        ),
        None => format!("environments: {}", names.join(", ")),
    };
    Diagnostic::error(Code::UnknownEnvironment, format!("unknown environment `{name}`")).help(help)
}
