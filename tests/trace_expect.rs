//! A `--requests` line may end with what it must get, `=> STATUS
//! [NAMESPACE/]NAME[:PORT]`: `trace` exits 1 and names each line that gets
//! another status or cannot reach that backend; a bad expectation is GW625
//! at its column.

use crate::common::{
    self,
    spec_run::{run_in, spec_dir},
};

/// Exit code, stdout and stderr of `trace examples/aks-store --env dev --requests FILE`
/// with `lines` as FILE, and `extra` arguments.
fn trace(lines: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let dir = spec_dir(&[("requests.txt", lines)]);
    let store = common::root().join("examples/aks-store");
    let store = store.to_str().expect("a UTF-8 path");
    let args = [&["trace", store, "--env", "dev", "--requests", "requests.txt"], extra].concat();
    run_in(dir.path(), &args)
}

#[test]
fn lines_that_get_what_they_expect_pass() {
    let lines = "GET http://store.aks.rocks/ => 200 pets/store-front:80
GET http://admin.aks.rocks/ => 200 store-admin
GET http://nothing.aks.rocks/ => 404
";
    let (code, stdout, stderr) = trace(lines, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
}

#[test]
fn a_wrong_status_or_backend_is_exit_1_naming_the_line() {
    let lines = "GET http://store.aks.rocks/ => 200 pets/store-admin:80
GET http://store.aks.rocks/ => 200 pets/store-front:8080
GET http://nothing.aks.rocks/ => 200
GET http://store.aks.rocks/ => 200 other/store-front
";
    let (code, _, stderr) = trace(lines, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    for (n, why) in [
        (1, "backends pets/store-front:80, expected pets/store-admin:80"),
        (2, "backends pets/store-front:80, expected pets/store-front:8080"),
        (3, "status 404, expected 200"),
        (4, "backends pets/store-front:80, expected other/store-front"),
    ] {
        assert!(
            stderr.contains(&format!("requests.txt:{n}: ")) && stderr.contains(why),
            "line {n}: {why}\n{stderr}"
        );
    }
}

#[test]
fn a_line_expectation_takes_precedence_over_expect_status() {
    let lines = "GET http://nothing.aks.rocks/ => 404\nGET http://store.aks.rocks/\n";
    let (code, _, stderr) = trace(lines, &["--expect-status", "200"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = trace(lines, &["--expect-status", "404"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("requests.txt:2: GET http://store.aks.rocks/: status 200, expected 404"),
        "{stderr}"
    );
    assert!(!stderr.contains("requests.txt:1:"), "{stderr}");
}

#[test]
fn a_bad_expectation_is_gw625_at_its_column() {
    for (line, col, says) in [
        ("GET http://store.aks.rocks/ =>", 31, "expected a status after `=>`"),
        ("GET http://store.aks.rocks/ => two", 32, "`two` is not an HTTP status"),
        ("GET http://store.aks.rocks/ => 200 Store_Front", 36, "is not a backend"),
        (
            "GET http://store.aks.rocks/ => 200 store-front extra",
            48,
            "unexpected `extra`",
        ),
    ] {
        let (code, stdout, stderr) = trace(&format!("{line}\n"), &[]);
        assert_eq!(code, Some(2), "{line}: {stderr}");
        assert!(stdout.is_empty(), "{line}: nothing printed: {stdout}");
        assert!(
            stderr.contains("GW625") && stderr.contains(&format!("requests.txt:1:{col}")) && stderr.contains(says),
            "{line}: want col {col} saying {says:?}\n{stderr}"
        );
    }
}

#[test]
fn a_huge_token_is_quoted_short() {
    let line = format!("GET http://store.aks.rocks/ => 200 {}\n", "a".repeat(100_000));
    let (code, _, stderr) = trace(&line, &[]);
    assert_eq!(code, Some(2), "{}", stderr.len());
    assert!(
        stderr.contains("GW625") && stderr.contains("…` is not a backend"),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    assert!(stderr.len() < 2_000, "stderr of {} bytes", stderr.len());
}
