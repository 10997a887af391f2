//! A hostile review of issue 14 after its fixes were merged: more cases of
//! each class than the examples. Every run goes through
//! [`limits::run_bounded`], so a hang fails the test instead of stalling it.

use crate::common;
use crate::common::limits;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::gatewright;
use limits::{mkfifo, run_bounded, write};

/// Run `gatewright` with `args` and `--format json`.
fn run(args: &[&std::ffi::OsStr]) -> Output {
    let mut cmd = gatewright();
    cmd.args(args).args(["--format", "json"]);
    run_bounded(cmd)
}

/// Every diagnostic of a `--format json` run: `render` prints one array for
/// the compile and another for the write.
fn diagnostics(out: &Output) -> Vec<serde_json::Value> {
    serde_json::Deserializer::from_slice(&out.stderr)
        .into_iter::<Vec<serde_json::Value>>()
        .flat_map(|a| {
            a.unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
        })
        .collect()
}

/// The codes of a run's diagnostics, checking its exit code first.
fn codes(out: &Output, exit: i32) -> Vec<String> {
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    diagnostics(out)
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ---- item 8: GW706 sees every spec file Flux would apply ----

/// `render SPEC --out DIR` where DIR already holds `name` with `bytes`.
fn render_into_dir_holding(name: &str, bytes: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = common::cli::write_spec(dir.path(), "site.yaml", common::PETS);
    let out = dir.path().join("deploy");
    std::fs::create_dir(&out).expect("mkdir deploy");
    write(&out.join(name), bytes);
    run(&["render".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()])
}

fn utf16(text: &str, bom: bool, le: bool) -> Vec<u8> {
    let bom = bom.then_some(0xFEFF_u16);
    bom.into_iter()
        .chain(text.encode_utf16())
        .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
        .collect()
}

fn utf32(text: &str, le: bool) -> Vec<u8> {
    std::iter::once('\u{FEFF}')
        .chain(text.chars())
        .flat_map(|c| {
            if le {
                u32::from(c).to_le_bytes()
            } else {
                u32::from(c).to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn gw706_reads_utf16_and_utf32_spec_files_as_yaml_readers_do() {
    for (what, bytes) in [
        ("UTF-16LE with a BOM", utf16(common::PETS, true, true)),
        ("UTF-16BE with a BOM", utf16(common::PETS, true, false)),
        ("UTF-16LE without a BOM", utf16(common::PETS, false, true)),
        ("UTF-16BE without a BOM", utf16(common::PETS, false, false)),
        ("UTF-32LE", utf32(common::PETS, true)),
        ("UTF-32BE", utf32(common::PETS, false)),
    ] {
        let out = render_into_dir_holding("spec.yaml", &bytes);
        assert_eq!(codes(&out, 2), ["GW706"], "{what}");
    }
}

#[cfg(unix)]
#[test]
fn gw706_counts_a_symlink_to_a_spec_file_in_the_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = common::cli::write_spec(dir.path(), "site.yaml", common::PETS);
    let out = dir.path().join("deploy");
    std::fs::create_dir_all(out.join("apps")).expect("mkdir");
    std::os::unix::fs::symlink("../../site.yaml", out.join("apps/site.yaml")).expect("symlink");
    let run = run(&["render".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(codes(&run, 2), ["GW706"]);
    // A symlink to something that is not a regular file is no spec file.
    std::fs::remove_file(out.join("apps/site.yaml")).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", out.join("apps/zero.yaml")).expect("symlink");
    let run = run_bounded({
        let mut cmd = gatewright();
        cmd.args(["render".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
        cmd
    });
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
}

// ---- items 13/16: a blueprint entry is read through the bounded reader ----

#[cfg(unix)]
#[test]
fn a_blueprint_that_is_a_fifo_or_a_directory_is_an_io_error_not_ignored() {
    for make in [mkfifo as fn(&Path), |p: &Path| std::fs::create_dir(p).expect("mkdir")] {
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = common::cli::write_spec(dir.path(), "site.yaml", common::PETS);
        let bp = dir.path().join("bp");
        std::fs::create_dir(&bp).expect("mkdir bp");
        make(&bp.join("namespace.yaml.j2"));
        let out = run(&[
            "render".as_ref(),
            spec.as_os_str(),
            "--blueprints".as_ref(),
            bp.as_os_str(),
            "--stdout".as_ref(),
        ]);
        assert_eq!(codes(&out, 2), ["GW501"]);
        let d = &diagnostics(&out)[0];
        assert!(
            d["message"].as_str().unwrap_or_default().contains("namespace.yaml.j2"),
            "{d:#}"
        );
        assert!(out.stdout.is_empty(), "nothing rendered");
    }
}

// ---- item 21 (and 16): `validate` sees every object kubectl would apply ----

/// The reference-data CRDs, or `None` (with a skip line).
fn crds() -> Option<PathBuf> {
    Some(common::shared_data()?.join("gateway-api/v1.3.0/standard-install.yaml"))
}

fn validate(crds: &Path, inputs: &[&Path]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["validate".as_ref(), "--crds".as_ref(), crds.as_os_str()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    run(&args)
}

const BAD_ROUTE: &str = "apiVersion: gateway.networking.k8s.io/v1\n  kind: HTTPRoute\n  metadata: {name: a}\n  spec: {parentRefs: [{name: x}], hostnames: [\"BAD_HOST\"]}\n";

#[test]
fn validate_checks_the_items_of_a_list() {
    let Some(crds) = crds() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, head) in [
        ("list.yaml", "apiVersion: v1\nkind: List\n"),
        (
            "routes.yaml",
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRouteList\n",
        ),
        (
            "nested.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n",
        ),
    ] {
        let path = dir.path().join(name);
        let items = if name == "nested.yaml" {
            format!("  items:\n  - {}", BAD_ROUTE.replace("\n  ", "\n    "))
        } else {
            format!("items:\n- {BAD_ROUTE}")
        };
        write(&path, format!("{head}{items}"));
        let out = validate(&crds, &[&path]);
        assert_eq!(codes(&out, 1), ["GW801"], "{name}");
        let d = &diagnostics(&out)[0];
        assert!(d["line"].as_u64() > Some(3), "points into the item: {d:#}");
    }
}

#[test]
fn validate_refuses_an_empty_api_version_or_kind() {
    let Some(crds) = crds() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        (
            "version.yaml",
            "apiVersion: \"\"\nkind: HTTPRoute\nmetadata: {name: a}\n",
        ),
        ("kind.yaml", "apiVersion: v1\nkind: ''\nmetadata: {name: a}\n"),
    ] {
        let path = dir.path().join(name);
        write(&path, text);
        assert_eq!(codes(&validate(&crds, &[&path]), 1), ["GW804"], "{name}");
    }
}

#[cfg(unix)]
#[test]
fn validate_reports_what_a_directory_holds_instead_of_skipping_it() {
    let Some(crds) = crds() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("in/UPPER.YAML"),
        format!("apiVersion: v1\nkind: List\nitems:\n- {BAD_ROUTE}"),
    );
    mkfifo(&dir.path().join("in/pipe.yaml"));
    let out = validate(&crds, &[&dir.path().join("in")]);
    let mut found = codes(&out, 2);
    found.sort();
    assert_eq!(found, ["GW101", "GW801"]);
}

// ---- items 1 and 13/16: no overlay is dropped silently ----

/// A spec directory `site/` whose `overlays/` holds `prod.yaml` and `entry`, made by `make`.
fn site_with_overlay_entry(entry: &str, make: fn(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("site/site.yaml"), common::PETS);
    write(&dir.path().join("site/overlays/prod.yaml"), "{}\n");
    make(&dir.path().join("site/overlays").join(entry));
    dir
}

fn render_site(dir: &Path) -> Output {
    let (site, out) = (dir.join("site"), dir.join("deploy"));
    run(&["render".as_ref(), site.as_os_str(), "--out".as_ref(), out.as_os_str()])
}

#[cfg(unix)]
#[test]
fn an_overlay_entry_that_is_a_directory_or_fifo_is_refused_not_skipped() {
    for make in [|p: &Path| std::fs::create_dir(p).expect("mkdir"), mkfifo as fn(&Path)] {
        let dir = site_with_overlay_entry("dev.yaml", make);
        let out = render_site(dir.path());
        let diags = diagnostics(&out);
        assert_eq!(codes(&out, 2), ["GW101"]);
        let file = diags[0]["file"].as_str().unwrap_or_default();
        assert!(file.ends_with("overlays/dev.yaml"), "{diags:#?}");
    }
}

#[test]
fn an_overlay_named_in_upper_case_extension_is_an_environment() {
    let dir = site_with_overlay_entry("dev.YAML", |p| write(p, "{}\n"));
    let out = render_site(dir.path());
    assert_eq!(codes(&out, 0), Vec::<String>::new());
    assert!(dir.path().join("deploy/dev/kustomization.yaml").is_file());
    // and one name given twice, in two letter cases, is two files for one environment
    write(&dir.path().join("site/overlays/dev.yaml"), "{}\n");
    assert_eq!(codes(&render_site(dir.path()), 1), ["GW112"]);
}

#[cfg(unix)]
#[test]
fn import_reports_a_fifo_in_a_directory_instead_of_skipping_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("in/svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n",
    );
    mkfifo(&dir.path().join("in/pipe.yaml"));
    let input = dir.path().join("in");
    let out = run(&["import".as_ref(), input.as_os_str()]);
    assert!(codes(&out, 2).contains(&"GW101".to_string()));
}

// ---- item 9: a quoted hostile line cannot drive the terminal ----

#[test]
fn diagnostics_show_control_characters_of_a_file_as_visible_stand_ins() {
    for (what, value, stand_in) in [
        ("an escape sequence", "st\u{1b}[2Jore", "\u{241b}[2J"),
        ("a carriage return", "st\rore", "st\u{240d}ore"),
        ("a C1 control (CSI)", "st\u{9b}2Jore", "st\u{fffd}2J"),
        ("a right-to-left override", "st\u{202e}ore", "st\u{fffd}ore"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = common::cli::write_spec(dir.path(), "site.yaml", common::PETS);
        let overlay = dir.path().join("dev.yaml");
        write(
            &overlay,
            format!("apps:\n  pets:\n    routes:\n      store-front: {{ host: \"{value}.aks.rocks\" }}\n"),
        );
        let mut cmd = gatewright();
        cmd.arg("render")
            .arg(&spec)
            .arg("--overlay")
            .arg(&overlay)
            .arg("--stdout");
        let out = run_bounded(cmd);
        assert_eq!(out.status.code(), Some(1), "{what}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(stand_in), "{what}: {stderr}");
        let raw: Vec<char> = stderr
            .chars()
            .filter(|c| (c.is_control() && *c != '\n') || matches!(c, '\u{202a}'..='\u{202e}'))
            .collect();
        assert!(raw.is_empty(), "{what}: {raw:?} in {stderr}");
    }
}
