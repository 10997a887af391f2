//! Printing a comparison: `text` (terminal), `markdown` (a pull-request
//! comment), `json`, and `github` (workflow annotations at the spec lines).
//! Each starts with the routing summary, then the requests whose outcome
//! changes, then the YAML diff.

use std::fmt::Write;

use serde_json::json;

use super::behaviour::Behaviour;
use super::routing::{Change, ChangeKind};
use super::tree::TreeDiff;
use super::{EnvReport, Report};

/// Whether `path` of an output tree is a vendored copy of a local manifest
/// (`NAMESPACE/upstream/FILE`, under an environment's folder or not): text
/// gatewright did not write, never printed in a diff.
pub fn is_vendored(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts[..] {
        [.., _, "upstream", file] => file != "kustomization.yaml",
        _ => false,
    }
}

/// Unified diffs of every changed, added and removed file, `old_label/path`
/// → `new_label/path`; for a vendored manifest ([`is_vendored`]) only the
/// line that it differs.
pub fn file_diffs(files: &TreeDiff, old_label: &str, new_label: &str, color: bool) -> String {
    let mut out = String::new();
    let mut all: Vec<(&str, Option<&str>, Option<&str>)> = Vec::new();
    all.extend(
        files
            .changed
            .iter()
            .map(|c| (c.path.as_str(), Some(c.old.as_str()), Some(c.new.as_str()))),
    );
    all.extend(
        files
            .added
            .iter()
            .zip(&files.added_text)
            .map(|(p, t)| (p.as_str(), None, Some(t.as_str()))),
    );
    all.extend(
        files
            .removed
            .iter()
            .zip(&files.removed_text)
            .map(|(p, t)| (p.as_str(), Some(t.as_str()), None)),
    );
    all.sort();
    for (path, old, new) in all {
        let label = |side: Option<&str>, l: &str| match side {
            Some(t) if !t.is_empty() => format!("{l}/{path}"),
            _ => "/dev/null".to_string(),
        };
        let (a, b) = (label(old, old_label), label(new, new_label));
        if is_vendored(path) {
            let _ = writeln!(out, "Files {a} and {b} differ (a vendored manifest: content not shown)");
            continue;
        }
        let diff = similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""));
        let text = diff.unified_diff().context_radius(3).header(&a, &b).to_string();
        paint(&mut out, &text, color);
    }
    out
}

fn paint(out: &mut String, text: &str, color: bool) {
    for line in text.lines() {
        let code = match line.as_bytes().first() {
            _ if !color => None,
            Some(b'+') if !line.starts_with("+++") => Some("32"),
            Some(b'-') if !line.starts_with("---") => Some("31"),
            Some(b'@') => Some("36"),
            Some(b'-' | b'+') => Some("1"),
            _ => None,
        };
        let _ = match code {
            Some(code) => writeln!(out, "\x1b[{code}m{line}\x1b[0m"),
            None => writeln!(out, "{line}"),
        };
    }
}

/// One line per change: a sign and a description (code spans in backticks when `md`).
fn describe(c: &Change, md: bool) -> (&'static str, String) {
    let q = |s: &str| {
        if md {
            format!("`{}`", s.replace('`', "'"))
        } else {
            s.to_string()
        }
    };
    let opt = |s: &Option<String>| s.as_deref().map(q).unwrap_or_default();
    let via = |c: &Change| {
        c.detail
            .as_deref()
            .map(|d| format!(" (route {})", q(d)))
            .unwrap_or_default()
    };
    match c.kind {
        ChangeKind::Added => ("+", format!("{} → {}{}", q(&c.subject), opt(&c.after), via(c))),
        ChangeKind::Removed => ("-", format!("{} (was {}){}", q(&c.subject), opt(&c.before), via(c))),
        ChangeKind::Repointed => (
            "~",
            format!("{}: {} → {}{}", q(&c.subject), opt(&c.before), opt(&c.after), via(c)),
        ),
        ChangeKind::Relabelled => {
            let before = c.before.as_deref().map(q).unwrap_or_else(|| "(unset)".into());
            let after = c.after.as_deref().map(q).unwrap_or_else(|| "(unset)".into());
            ("~", format!("namespace {}: {before} → {after}", q(&c.subject)))
        }
        ChangeKind::Patched => ("+", format!("Service {} patched to {}", q(&c.subject), q("ClusterIP"))),
        ChangeKind::Unpatched => ("-", format!("Service {} no longer patched", q(&c.subject))),
    }
}

fn heading(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "Hostnames and paths added",
        ChangeKind::Removed => "Hostnames and paths removed",
        ChangeKind::Repointed => "Routes re-pointed",
        ChangeKind::Relabelled => "Namespaces relabelled",
        ChangeKind::Patched => "Services newly patched",
        ChangeKind::Unpatched => "Services no longer patched",
    }
}

fn files_line(f: &TreeDiff) -> String {
    format!(
        "{} changed, {} added, {} removed",
        f.changed.len(),
        f.added.len(),
        f.removed.len()
    )
}

/// `12 probes of the hostnames changed`, and the cap when it cut them.
fn probes_line(b: &Behaviour) -> String {
    let capped = if b.capped() {
        format!(", capped: the first {} of {}", b.probes, b.candidates)
    } else {
        String::new()
    };
    format!("{} probes of the hostnames changed{capped}", b.probes)
}

/// The behaviour table and the Mermaid map of the hostnames changed.
fn behaviour_markdown(out: &mut String, b: &Behaviour) {
    let cell = |s: &str| format!("`{}`", s.replace('`', "'").replace('|', "\\|"));
    let _ = writeln!(out, "**Requests whose outcome changes** ({})\n", probes_line(b));
    if b.changes.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        let _ = writeln!(out, "| Request | Before | After |\n|---|---|---|");
        for c in &b.changes {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&c.request),
                cell(&c.before),
                cell(&c.after)
            );
        }
        out.push('\n');
    }
    if !b.map.is_empty() {
        let _ = writeln!(
            out,
            "**Routing map of the hostnames changed**\n\n```mermaid\n{}```\n",
            b.map
        );
    }
}

fn env_title(e: &EnvReport) -> String {
    e.env
        .as_deref()
        .map(|n| format!(" (environment `{n}`)"))
        .unwrap_or_default()
}

/// The file diffs of one environment, their headers naming it
/// (`--- main/canary/pets/namespace.yaml`) so that two environments' diffs differ.
fn env_file_diffs(r: &Report, e: &EnvReport, color: bool) -> String {
    let side = |label: &str| match &e.env {
        Some(env) => format!("{label}/{env}"),
        None => label.to_string(),
    };
    file_diffs(&e.files, &side(&r.base), &side(&r.head), color)
}

/// Plain text for a terminal.
pub fn text(r: &Report, color: bool) -> String {
    let mut out = String::new();
    for e in &r.envs {
        let _ = writeln!(
            out,
            "Routing changes {} → {}{}:",
            r.base,
            r.head,
            env_title(e).replace('`', "")
        );
        if e.changes.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        for c in &e.changes {
            let (sign, line) = describe(c, false);
            let _ = writeln!(out, "  {sign} {line}");
        }
        let _ = writeln!(out, "Requests whose outcome changes ({}):", probes_line(&e.behaviour));
        if e.behaviour.changes.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        for c in &e.behaviour.changes {
            let _ = writeln!(out, "  ~ {}: {} → {}", c.request, c.before, c.after);
        }
        let _ = writeln!(out, "Files: {}", files_line(&e.files));
        out.push_str(&env_file_diffs(r, e, color));
    }
    out
}

/// Markdown for a pull-request comment.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## gatewright: `{}` → `{}`\n", r.base, r.head);
    for e in &r.envs {
        if r.envs.len() > 1 || e.env.is_some() {
            let _ = writeln!(out, "### Routing{}\n", env_title(e));
        } else {
            let _ = writeln!(out, "### Routing\n");
        }
        if e.changes.is_empty() {
            let _ = writeln!(out, "No routing changes.\n");
        }
        let mut last = None;
        for c in &e.changes {
            if last != Some(c.kind) {
                if last.is_some() {
                    out.push('\n');
                }
                let _ = writeln!(out, "**{}**\n", heading(c.kind));
                last = Some(c.kind);
            }
            let _ = writeln!(out, "- {}", describe(c, true).1);
        }
        if last.is_some() {
            out.push('\n');
        }
        behaviour_markdown(&mut out, &e.behaviour);
        if e.files.is_empty() {
            let _ = writeln!(out, "Files: no changes.\n");
            continue;
        }
        let _ = writeln!(out, "<details><summary>YAML diff: {}</summary>\n", files_line(&e.files));
        let _ = writeln!(out, "```diff\n{}```\n", env_file_diffs(r, e, false));
        let _ = writeln!(out, "</details>\n");
    }
    out
}

/// One JSON object: per environment, the changes (with spec locations) and the files.
pub fn json(r: &Report) -> String {
    let envs: Vec<_> = r
        .envs
        .iter()
        .map(|e| {
            json!({
                "env": e.env,
                "changes": e.changes,
                "behaviour": {
                    "probes": e.behaviour.probes,
                    "candidates": e.behaviour.candidates,
                    "capped": e.behaviour.capped(),
                    "hosts": e.behaviour.hosts,
                    "changes": e.behaviour.changes,
                },
                "files": {
                    "changed": e.files.changed.iter().map(|c| &c.path).collect::<Vec<_>>(),
                    "added": e.files.added,
                    "removed": e.files.removed,
                },
                "diff": env_file_diffs(r, e, false),
            })
        })
        .collect();
    let v = json!({"base": r.base, "head": r.head, "environments": envs});
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub workflow commands: one annotation per change at its spec line,
/// then the text report.
pub fn github(r: &Report) -> String {
    let mut out = String::new();
    for e in &r.envs {
        for c in &e.changes {
            let level = if matches!(c.kind, ChangeKind::Removed | ChangeKind::Unpatched) {
                "warning"
            } else {
                "notice"
            };
            let mut props = Vec::new();
            if let Some(at) = &c.at {
                props.push(format!("file={}", escape_property(&at.file)));
                props.push(format!("line={}", at.line));
                props.push(format!("col={}", at.column));
            }
            props.push(format!(
                "title={}",
                escape_property(&format!(
                    "gatewright: {}{}",
                    heading(c.kind),
                    env_title(e).replace('`', "")
                ))
            ));
            let _ = writeln!(
                out,
                "::{level} {}::{}",
                props.join(","),
                escape_data(&describe(c, false).1)
            );
        }
        for c in &e.behaviour.changes {
            let title = format!("gatewright: Request outcome changes{}", env_title(e).replace('`', ""));
            let _ = writeln!(
                out,
                "::notice title={}::{}",
                escape_property(&title),
                escape_data(&format!("{}: {} → {}", c.request, c.before, c.after))
            );
        }
    }
    out.push_str(&text(r, false));
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
