//! Item 1: an environment name must be a DNS-1123 label, from every source.

use super::*;

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
