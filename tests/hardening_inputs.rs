//! Hostile inputs, part two (issue 14): environment names that would leave
//! `--out`, spec files hidden from the GW706 guard, characters YAML forbids,
//! writing through symlinks, unbounded reads and non-regular spec files.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SITE: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\n";
const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\napps:\n  pets:\n    routes:\n      a: { host: a.aks.rocks, to: a:80 }\n";
const LIMIT: Duration = Duration::from_secs(30);

/// Run the binary in `cwd`, killing it (and failing) if it runs past `LIMIT`:
/// a read that blocks or never ends fails the test instead of hanging it.
fn run(args: &[&str], cwd: &Path) -> Output {
    run_env(args, cwd, &[])
}

fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatewright"))
        .args(args)
        .current_dir(cwd)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gatewright");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gatewright {args:?} still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A site directory `site/` with `SPEC` and the given overlays, and a
/// neighbour `other/` with a file that must survive every run.
fn site_with_overlays(overlays: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("site/spec.yaml"), SPEC);
    for name in overlays {
        write(&dir.path().join("site/overlays").join(name), "{}\n");
    }
    write(&dir.path().join("deploy/other/keep.txt"), "another site's tree\n");
    dir
}

// ---- 1. environment names ------------------------------------------------

#[test]
fn an_overlay_that_names_environment_dot_dot_or_dot_is_refused_and_nothing_outside_out_changes() {
    for file in ["...yaml", "..yaml", "Prod.yaml", "a b.yml", "-x.yaml", ".hidden.yaml"] {
        let dir = site_with_overlays(&["dev.yaml", file]);
        let out = run(&["render", "site", "--out", "deploy/site"], dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains("error[GW111]"), "{file}: {err}");
        assert!(
            err.contains(&format!("site/overlays/{file}")),
            "{file}: names the file: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("deploy/other/keep.txt"))
                .ok()
                .as_deref(),
            Some("another site's tree\n"),
            "{file}: a file outside --out changed"
        );
        assert!(!dir.path().join("deploy/site").exists(), "{file}: nothing is rendered");
        let check = run(&["check", "site", "--out", "deploy/site"], dir.path());
        assert!(stderr(&check).contains("error[GW111]"), "{file}: check names it too");
    }
}

#[test]
fn every_source_of_an_environment_name_is_checked() {
    let dir = site_with_overlays(&["dev.yaml"]);
    write(&dir.path().join("Bad.Name.yaml"), "{}\n");
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: [Case<'_>; 4] = [
        (&["render", "site", "--out", "deploy/site", "--env", ".."], &[]),
        (
            &[
                "render",
                "site",
                "--out",
                "deploy/site",
                "--overlay",
                "site/overlays/dev.yaml",
                "--env",
                "../other",
            ],
            &[],
        ),
        (
            &["render", "site", "--out", "deploy/site", "--overlay", "Bad.Name.yaml"],
            &[],
        ),
        (
            &[
                "render",
                "site",
                "--stdout",
                "--argocd-plugin",
                "--overlay",
                "site/overlays/dev.yaml",
            ],
            &[("ARGOCD_ENV_GATEWRIGHT_ENV", "../../etc")],
        ),
    ];
    for (args, env) in cases {
        let out = run_env(args, dir.path(), env);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error[GW111]"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("deploy")).expect("deploy").count(),
        1,
        "only `other/` is there"
    );
    let plan = |overlay: Option<&str>, env: Option<&str>| {
        let overlay = overlay.map(|o| dir.path().join(o));
        gatewright::driver::plan(&dir.path().join("site"), overlay.as_deref(), env)
    };
    assert_eq!(plan(None, Some(".")).expect_err("`.`").code, "GW111");
    assert_eq!(plan(Some("Bad.Name.yaml"), None).expect_err("stem").code, "GW111");
    assert_eq!(
        plan(Some("Bad.Name.yaml"), Some("fine")).expect("--env wins")[0]
            .env
            .as_deref(),
        Some("fine")
    );
    assert_eq!(plan(None, None).expect("plan")[0].env.as_deref(), Some("dev"));
}

#[test]
fn two_overlay_files_of_one_environment_are_refused() {
    let dir = site_with_overlays(&["dev.yaml", "dev.yml"]);
    let out = run(&["render", "site", "--out", "deploy/site"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[GW112]"), "{err}");
    assert!(err.contains("dev.yaml") && err.contains("dev.yml"), "{err}");
}

// ---- 8. GW706 recognises a spec by parsing it ----------------------------

#[test]
fn a_spec_file_in_the_output_is_found_however_it_is_written() {
    let comments = "# padding\n".repeat(7000);
    let hidden: Vec<(&str, String)> = vec![
        ("bom.yaml", format!("\u{feff}{SITE}")),
        (
            "quoted.yaml",
            "\"apiVersion\": 'gatewright.dev/v1alpha1'\n\"kind\": Site\n".into(),
        ),
        (
            "flow.yaml",
            "{\"apiVersion\": \"gatewright.dev/v1alpha1\", \"kind\": \"Site\"}\n".into(),
        ),
        (
            "anchor.yaml",
            "apiVersion: &v gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "tag.yaml",
            "apiVersion: !!str gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "next-line.yaml",
            "apiVersion:\n  gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "block.yaml",
            "apiVersion: >-\n  gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "escaped.yaml",
            "apiVersion: \"gatewright\\x2edev/v1alpha1\"\nkind: Site\n".into(),
        ),
        (
            "comments.yaml",
            format!("{comments}kind: Site\napiVersion: gatewright.dev/v1alpha1\n"),
        ),
        (
            "second-doc.yaml",
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\n---\n{SITE}"),
        ),
        (
            "site.json",
            "{\"apiVersion\": \"gatewright.dev/v1alpha1\", \"kind\": \"Site\"}".into(),
        ),
        ("upper.YML", SITE.into()),
        (
            "merge.yaml",
            "<<: {apiVersion: gatewright.dev/v1alpha1}\nkind: Site\n".into(),
        ),
        (
            "list.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: gatewright.dev/v1alpha1, kind: Site}\n".into(),
        ),
    ];
    for (name, text) in &hidden {
        let dir = tempfile::tempdir().expect("tempdir");
        write(&dir.path().join("out").join(name), text);
        let found = gatewright::emit::spec_files_under(&dir.path().join("out"));
        assert_eq!(found.len(), 1, "{name} is a spec file");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("site/spec.yaml"), SPEC);
    write(&dir.path().join("deploy/nested/quoted.yaml"), &hidden[1].1);
    let out = run(&["render", "site", "--out", "deploy"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error[GW706]") && err.contains("quoted.yaml"), "{err}");
}

#[test]
fn a_file_that_only_mentions_gatewright_is_not_a_spec_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    write(
        &out.join("notes.yaml"),
        "# rendered from apiVersion: gatewright.dev/v1alpha1\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {apiVersion: gatewright.dev/v1alpha1}\n",
    );
    assert!(gatewright::emit::spec_files_under(&out).is_empty());
}

// ---- 9. characters YAML forbids --------------------------------------------

#[test]
fn a_nul_byte_in_a_spec_is_an_error_at_its_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SPEC.replace("      a: {", "      a\0: {");
    write(
        &dir.path().join("spec.yaml"),
        format!("{text}  more:\n    routes:\n      b: {{ host: b.aks.rocks, to: b:80 }}\n"),
    );
    let out = run(&["render", "spec.yaml", "--stdout"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("error[GW102]") && err.contains("NUL"), "{err}");
    assert!(err.contains("spec.yaml:11:8"), "{err}");
}

#[test]
fn characters_yaml_forbids_are_refused_and_the_ones_it_allows_are_read() {
    let limits = gatewright::yaml::Limits::default();
    for bad in [
        "\0", "\u{1}", "\u{8}", "\u{b}", "\u{c}", "\u{1b}", "\u{7f}", "\u{80}", "\u{9b}", "\u{feff}", "\u{fffe}",
        "\u{ffff}",
    ] {
        for text in [
            format!("a: \"x{bad}y\"\n"),
            format!("a: x{bad}y\n"),
            format!("# {bad}\na: 1\n"),
        ] {
            let e = gatewright::yaml::read_documents(&text, &limits).expect_err(&format!("{bad:?} in {text:?}"));
            assert_eq!(e.line, 1, "{text:?}");
            let col = text.chars().position(|c| c.to_string() == bad).expect("in text") + 1;
            assert_eq!(e.col as usize, col, "{text:?}: {}", e.message);
        }
    }
    let e = gatewright::yaml::read_documents("a: 1\nb: |\n  x\u{1}\n", &limits).expect_err("second line");
    assert_eq!((e.line, e.col), (3, 4));
    for good in [
        "\t",
        "\u{85}",
        "\u{a0}",
        "é",
        "\u{d7ff}",
        "\u{e000}",
        "\u{fffd}",
        "\u{10000}",
        "😀",
    ] {
        let text = format!("a: \"x{good}y\"\n");
        let docs = gatewright::yaml::read_documents(&text, &limits).unwrap_or_else(|e| panic!("{good:?}: {e}"));
        assert_eq!(docs[0].to_json()["a"], format!("x{good}y"));
    }
    assert!(
        gatewright::yaml::read_documents("\u{feff}a: 1\n", &limits).is_ok(),
        "a BOM first"
    );
    assert!(
        gatewright::yaml::read_bytes(b"\xef\xbb\xbfa: 1\n", &limits).is_ok(),
        "a BOM first"
    );
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\nspec:\n  group: example.com\n  scope: Namespaced\n  names: { kind: Widget, plural: widgets }\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec: { type: object, properties: { size: { type: integer } } }\n";

#[test]
fn a_nul_byte_is_refused_by_every_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: a, namespace: b }\nspec: { size: 1 }\n";
    write(&p.join("crds.yaml"), CRD);
    write(
        &p.join("w.yaml"),
        format!(
            "{widget}---\n\0\napiVersion: example.com/v1\nkind: Widget\nmetadata: {{ name: b }}\nspec: {{ size: no }}\n"
        ),
    );
    let out = run(&["validate", "w.yaml", "--crds", "crds.yaml"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "validate: {err}");
    assert!(err.contains("w.yaml:6:1") && err.contains("NUL"), "validate: {err}");

    write(
        &p.join("crds-nul.yaml"),
        CRD.replace("served: true", "served: \u{1}true"),
    );
    let out = run(&["validate", "w.yaml", "--crds", "crds-nul.yaml"], p);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "--crds: {err}");
    assert!(
        err.contains("crds-nul.yaml:10:13") && err.contains("U+0001"),
        "--crds: {err}"
    );

    write(
        &p.join("ingress.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: a, namespace: b }\n\0\n",
    );
    let out = run(&["import", "ingress.yaml"], p);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "import: {err}");
    assert!(err.contains("ingress.yaml:4:1") && err.contains("NUL"), "import: {err}");

    write(&p.join("site/spec.yaml"), SPEC);
    write(
        &p.join("site/overlays/dev.yaml"),
        "apps:\n  pets: { revision: \"a\0\" }\n",
    );
    let out = run(&["render", "site", "--stdout", "--env", "dev"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "overlay: {err}");
    assert!(err.contains("dev.yaml:2:23") && err.contains("NUL"), "overlay: {err}");

    write(
        &p.join("m/spec.yaml"),
        SPEC.replace("    routes:", "    manifests: [app.yaml]\n    routes:"),
    );
    write(
        &p.join("m/app.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: { name: a }\n\0",
    );
    let out = run(&["render", "m/spec.yaml", "--stdout"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "manifest: {err}");
    // located at the spec line that names the manifest, and in the manifest
    assert!(err.contains("m/spec.yaml:10:17"), "manifest: {err}");
    assert!(
        err.contains("`m/app.yaml` is not valid YAML: 4:1: a NUL"),
        "manifest: {err}"
    );
}

// ---- 10. never write through a symlink --------------------------------------

#[cfg(unix)]
#[test]
fn blueprints_export_never_writes_through_a_symlink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let name = gatewright::render::Blueprint::ALL[0].file_name();
    write(&p.join("victim.txt"), "precious\n");
    std::fs::create_dir(p.join("bp")).expect("mkdir");
    std::os::unix::fs::symlink(p.join("victim.txt"), p.join("bp").join(name)).expect("symlink");
    let out = run(&["blueprints", "export", "bp", "--force"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error[GW113]") && err.contains("symlink"), "{err}");
    assert_eq!(
        std::fs::read_to_string(p.join("victim.txt")).expect("read"),
        "precious\n"
    );
    assert!(
        std::fs::symlink_metadata(p.join("bp").join(name))
            .expect("link")
            .file_type()
            .is_symlink()
    );

    std::fs::create_dir(p.join("system")).expect("mkdir");
    std::os::unix::fs::symlink(p.join("system"), p.join("linked")).expect("symlink");
    for args in [
        &["blueprints", "export", "linked"][..],
        &["blueprints", "export", "linked", "--force"],
    ] {
        let out = run(args, p);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("error[GW113]"), "{err}");
        assert_eq!(
            std::fs::read_dir(p.join("system")).expect("dir").count(),
            0,
            "nothing written into the link's target"
        );
    }

    let out = run(&["blueprints", "export", "fresh"], p);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["blueprints", "export", "fresh", "--force"], p);
    assert!(out.status.success(), "{}", stderr(&out));
    let leftovers: Vec<_> = std::fs::read_dir(p.join("fresh"))
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
}

// ---- 13. one bounded reader for every input ----------------------------------

#[cfg(unix)]
fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .expect("mkfifo");
}

#[cfg(unix)]
#[test]
fn import_and_crds_refuse_fifos_and_devices_without_reading_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    mkfifo(&p.join("pipe.yaml"));
    write(
        &p.join("w.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n",
    );
    for args in [
        &["import", "pipe.yaml"][..],
        &["import", "/dev/zero"],
        &["validate", "w.yaml", "--crds", "pipe.yaml"],
        &["validate", "w.yaml", "--crds", "/dev/zero"],
        &["render", "x.yaml", "--stdout", "--crds", "pipe.yaml"],
    ] {
        let out = run(args, p);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("error[GW101]") && err.contains("not a regular file"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn check_and_diff_do_not_read_an_oversized_output_file_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    write(&p.join("spec.yaml"), SPEC);
    let out = run(&["render", "spec.yaml", "--out", "deploy"], p);
    assert!(out.status.success(), "{}", stderr(&out));
    let big = p.join("deploy/pets/huge.yaml");
    write(&big, "# Code generated by gatewright; DO NOT EDIT.\n");
    // sparse: 65 MiB on paper, nothing on disk
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .and_then(|f| f.set_len(65 * 1024 * 1024))
        .expect("grow");
    let out = run(&["check", "spec.yaml", "--out", "deploy"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "check: {err}");
    assert!(
        err.contains("huge.yaml") && err.contains("more than the limit of 67108864 bytes"),
        "check: {err}"
    );
    let out = run(&["diff", "--trees", "deploy", "deploy"], p);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "diff: {err}");
    assert!(err.contains("more than the limit of 67108864 bytes"), "diff: {err}");
}

// ---- 16. a spec that is not a regular file ----------------------------------

#[cfg(unix)]
#[test]
fn a_fifo_or_device_given_as_the_spec_is_gw101_exit_2_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    mkfifo(&p.join("pipe.yaml"));
    for (spec, at) in [
        ("pipe.yaml", "pipe.yaml:1:1"),
        ("/dev/zero", "/dev/zero:1:1"),
        ("/dev/null", "/dev/null:1:1"),
    ] {
        for cmd in ["render", "check"] {
            let out = match cmd {
                "render" => run(&["render", spec, "--stdout"], p),
                _ => run(&["check", spec, "--out", "deploy"], p),
            };
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{cmd} {spec}: {err}");
            assert!(
                err.contains("error[GW101]") && err.contains("not a regular file"),
                "{cmd} {spec}: {err}"
            );
            assert!(err.contains(at), "{cmd} {spec}: located: {err}");
        }
    }
    write(&p.join("site/spec.yaml"), SPEC);
    mkfifo(&p.join("site/zz-team.yaml"));
    let out = run(&["render", "site", "--stdout"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "directory entry: {err}");
    assert!(
        err.contains("error[GW101]") && err.contains("site/zz-team.yaml:1:1"),
        "{err}"
    );
}
