//! How a user gets the binary: the README's install step and prerequisites
//! come before its two commands, the CI pipelines install the same way, and the Dockerfile
//! (CI jobs, the Argo CD sidecar) builds the locked release into a slim image
//! with git. The image itself is not built here (that needs the base images).

use crate::common;

fn read(rel: &str) -> String {
    std::fs::read_to_string(common::root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `sh` code blocks of a Markdown text, in order.
fn sh_blocks(text: &str) -> Vec<Vec<String>> {
    text.split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block))
        .map(|block| block.lines().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_readme_installs_before_its_two_commands() {
    let readme = read("README.md");
    let blocks = sh_blocks(&readme);
    assert!(blocks.len() >= 2, "two sh blocks at the top");
    let install = blocks[0].join("\n");
    assert!(install.starts_with("cargo install --locked --path ."), "{install}");
    assert!(install.contains("cargo install --locked --git "), "{install}");
    assert_eq!(
        blocks[1],
        [
            "cargo run --release -- render examples/aks-store --out out/aks-store",
            "cargo test"
        ],
        "exactly the two commands of a fresh machine"
    );
    // The install step and the prerequisites come before the two commands.
    let top = &readme[..readme.find("```sh\ncargo run ").expect("the two commands")];
    for needed in [
        "kubectl",
        "pre-commit",
        "../shared/data",
        "GATEWRIGHT_TEST_SHARED",
        "GATEWRIGHT_TEST_STRICT",
        "Dockerfile",
    ] {
        assert!(
            top.contains(needed),
            "the README names `{needed}` before its two commands"
        );
    }
}

#[test]
fn the_ci_pipelines_install_the_locked_release() {
    for file in ["docs/ci/github-actions.yaml", "docs/ci/gitlab-ci.yml"] {
        let text = read(file);
        assert!(
            text.contains("cargo install --locked --git https://github.com/OWNER/gatewright --tag "),
            "{file} installs gatewright as the README does"
        );
    }
}

#[test]
fn the_dockerfile_builds_the_locked_release_into_a_slim_image_with_git() {
    let text = read("Dockerfile");
    let stages: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(stages.len(), 2, "a build stage and the final image: {stages:?}");
    assert!(
        stages[0].starts_with("FROM rust:") && stages[0].ends_with(" AS build"),
        "{}",
        stages[0]
    );
    assert!(
        stages[1].starts_with("FROM debian:") && stages[1].contains("-slim"),
        "{}",
        stages[1]
    );
    let (build, image) = text.split_once(stages[1]).expect("final stage");
    assert!(
        build.contains("cargo build --release --locked"),
        "the build uses Cargo.lock"
    );
    assert!(
        image.contains("COPY --from=build /src/target/release/gatewright /usr/local/bin/gatewright"),
        "the binary is on PATH"
    );
    assert!(
        image.contains("apt-get install") && image.contains(" git "),
        "git is installed"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("ENTRYPOINT")),
        "CI runners and the Argo CD sidecar set their own command"
    );
    let ignored = read(".dockerignore");
    assert!(
        ignored.lines().any(|l| l == "target"),
        "a local target/ is not sent to the build"
    );
    let argocd = read("docs/argocd.md");
    assert!(
        argocd.contains("(../Dockerfile)") && argocd.contains("docker build -t "),
        "docs/argocd.md builds the image"
    );
}
