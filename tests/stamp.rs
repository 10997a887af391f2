//! The `check` fast path: a stamp vouches for the trees only while every
//! input and output stats the same; any change means the full check, with
//! its real verdict.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use gatewright::Options;
use gatewright::stamp::{Cache, Freshness, Key, Stale};

/// A spec with one app whose Service comes from a vendored manifest (also `render_stamp`'s).
pub(crate) const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
mesh:
  revision: asm-1-22
gateways:
  gateway:
    profile: aks-istio-external
    listeners:
      http: { hostname: \"*.example.com\", protocol: HTTP, port: 80 }
apps:
  app-1:
    services: [front-1]
    manifests: [manifests/app-1.yaml]
    routes:
      front-1: { host: front-1.example.com, to: front-1:80 }
";

/// The vendored manifest `SPEC` names.
pub(crate) const MANIFEST: &str = "apiVersion: v1
kind: Service
metadata:
  name: front-1
spec:
  type: LoadBalancer
  ports:
  - port: 80
";

/// A spec directory with a vendored manifest and two environments, rendered,
/// with its own cache directory.
struct Case {
    _tmp: tempfile::TempDir,
    spec: PathBuf,
    out: PathBuf,
    cache: PathBuf,
}

impl Case {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let spec = tmp.path().join("spec");
        fs::create_dir_all(spec.join("overlays")).expect("mkdir");
        fs::create_dir_all(spec.join("manifests")).expect("mkdir");
        fs::write(spec.join("gatewright.yaml"), SPEC).expect("write");
        fs::write(spec.join("manifests/app-1.yaml"), MANIFEST).expect("write");
        fs::write(spec.join("overlays/dev.yaml"), "mesh: { revision: asm-1-23 }\n").expect("write");
        fs::write(spec.join("overlays/prod.yaml"), "mesh: { revision: asm-1-22 }\n").expect("write");
        let case = Case {
            out: tmp.path().join("out"),
            cache: tmp.path().join("cache"),
            spec,
            _tmp: tmp,
        };
        let o = case.run(&["render"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        case
    }

    fn run(&self, command: &[&str], extra: &[&str]) -> Output {
        crate::common::cli::bin()
            .args(command)
            .arg(&self.spec)
            .arg("--out")
            .arg(&self.out)
            .args(extra)
            .env("GATEWRIGHT_CACHE_DIR", &self.cache)
            .env_remove("GATEWRIGHT_NO_CACHE")
            .output()
            .expect("run gatewright")
    }

    fn check(&self, extra: &[&str]) -> (Option<i32>, String) {
        let o = self.run(&["check"], extra);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), text)
    }

    fn options(&self) -> Options {
        Options {
            spec: self.spec.clone(),
            ..Options::default()
        }
    }

    fn probe_with(&self, options: &Options) -> Freshness {
        let key = Key::new(options, &[], &self.out).expect("key");
        Cache::new(&self.cache).probe(&key)
    }

    fn probe(&self) -> Freshness {
        self.probe_with(&self.options())
    }

    /// Run full checks until the stamp they record is trusted: a stamp
    /// distrusts paths changed in the same timestamp tick as its recording,
    /// so this waits for the filesystem clock to move on (no timing asserted).
    fn settle(&self) {
        for _ in 0..200 {
            let (code, text) = self.check(&[]);
            assert_eq!(code, Some(0), "{text}");
            if matches!(self.probe(), Freshness::Fresh(_)) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("the stamp never became fresh: {:?}", self.probe());
    }

    /// The one stamp file (its inode changes whenever a full check rewrites it).
    fn stamp_file(&self) -> PathBuf {
        let files: Vec<PathBuf> = fs::read_dir(&self.cache)
            .expect("cache dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files.into_iter().next().expect("one stamp")
    }

    fn output_file(&self) -> PathBuf {
        self.out.join("dev/app-1/namespace.yaml")
    }
}

fn stale(f: Freshness) -> Stale {
    match f {
        Freshness::Stale(s) => s,
        Freshness::Fresh(s) => panic!("expected stale, got fresh {s:?}"),
    }
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::metadata(p).expect("stat"))
}

#[test]
fn a_render_that_wrote_files_leaves_no_trusted_stamp() {
    let case = Case::new();
    assert_eq!(stale(case.probe()), Stale::Missing);
    let (code, text) = case.check(&[]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn a_render_that_wrote_nothing_records_a_trusted_stamp() {
    let case = Case::new();
    case.settle();
    fs::remove_dir_all(&case.cache).expect("drop the check's stamp");
    let o = case.run(&["render"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 written"));
    assert!(matches!(case.probe(), Freshness::Fresh(_)));
}

#[test]
fn a_path_changed_after_recording_started_is_racy() {
    let case = Case::new();
    case.settle();
    let file = case.output_file();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(later))
        .expect("set mtime");
    let (code, text) = case.check(&[]);
    assert_eq!(code, Some(0), "same content: {text}");
    assert_eq!(stale(case.probe()), Stale::Racy(file.to_string_lossy().into_owned()));
}

#[cfg(unix)]
#[test]
fn an_unchanged_tree_takes_the_fast_path_with_the_same_message() {
    let case = Case::new();
    let (_, full) = case.check(&[]);
    case.settle();
    let Freshness::Fresh(summary) = case.probe() else {
        unreachable!()
    };
    assert_eq!(summary.targets, 2);
    let stamp = case.stamp_file();
    let before = inode(&stamp);
    let (code, fast) = case.check(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(fast, full);
    assert!(fast.contains(&format!("up to date: {} files", summary.files)), "{fast}");
    assert_eq!(
        inode(&case.stamp_file()),
        before,
        "a fast check does not rewrite the stamp"
    );
    let (code, _) = case.check(&["--format", "json"]);
    assert_eq!(code, Some(0));
}

#[test]
fn a_same_size_edit_with_the_old_mtime_restored_is_seen() {
    let case = Case::new();
    case.settle();
    let file = case.output_file();
    let mtime = fs::metadata(&file).and_then(|m| m.modified()).expect("mtime");
    let text = fs::read_to_string(&file).expect("read");
    let edited = text.replacen("asm-1-23", "asm-1-99", 1);
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    fs::write(&file, edited).expect("write");
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(mtime))
        .expect("set mtime");
    assert!(matches!(stale(case.probe()), Stale::Changed(_)));
    assert_eq!(case.check(&[]).0, Some(1));
}

#[test]
fn an_extra_generated_file_is_seen() {
    let case = Case::new();
    case.settle();
    let header = fs::read_to_string(case.output_file()).expect("read");
    fs::write(case.out.join("dev/app-1/extra.yaml"), header).expect("write");
    assert!(matches!(stale(case.probe()), Stale::Changed(_)));
    let (code, text) = case.check(&[]);
    assert_eq!(code, Some(1));
    assert!(text.contains("extra:"), "{text}");
}

#[test]
fn a_deleted_output_file_is_seen() {
    let case = Case::new();
    case.settle();
    fs::remove_file(case.output_file()).expect("remove");
    assert!(matches!(stale(case.probe()), Stale::Changed(_)));
    let (code, text) = case.check(&[]);
    assert_eq!(code, Some(1));
    assert!(text.contains("missing:"), "{text}");
}

#[test]
fn an_edited_manifest_is_seen() {
    let case = Case::new();
    case.settle();
    let manifest = case.spec.join("manifests/app-1.yaml");
    fs::write(&manifest, MANIFEST.replace("port: 80", "port: 81")).expect("write");
    assert_eq!(
        stale(case.probe()),
        Stale::Changed(manifest.to_string_lossy().into_owned())
    );
    assert_eq!(case.check(&[]).0, Some(1));
}

#[test]
fn an_edited_overlay_is_seen() {
    let case = Case::new();
    case.settle();
    let overlay = case.spec.join("overlays/prod.yaml");
    fs::write(&overlay, "mesh: { revision: asm-1-24 }\n").expect("write");
    assert!(matches!(stale(case.probe()), Stale::Changed(_)));
    assert_eq!(case.check(&[]).0, Some(1));
}

#[test]
fn a_new_overlay_is_seen() {
    let case = Case::new();
    case.settle();
    fs::write(case.spec.join("overlays/qa.yaml"), "mesh: { revision: asm-1-24 }\n").expect("write");
    assert!(matches!(stale(case.probe()), Stale::Changed(_)));
    assert_eq!(case.check(&[]).0, Some(1));
}

#[test]
fn a_new_spec_fragment_is_seen() {
    let case = Case::new();
    case.settle();
    fs::create_dir_all(case.spec.join("teams")).expect("mkdir");
    let fragment = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\nteam: two\napps:\n  app-2:\n    routes:\n      front-2: { host: front-2.example.com, to: front-2:80 }\n";
    fs::write(case.spec.join("teams/two.yaml"), fragment).expect("write");
    assert!(matches!(stale(case.probe()), Stale::Changed(_)));
    assert_eq!(case.check(&[]).0, Some(1));
}

#[test]
fn another_option_is_another_stamp() {
    let case = Case::new();
    case.settle();
    let options = Options {
        gateway_api: Some("v1.3.0".into()),
        ..case.options()
    };
    assert_eq!(stale(case.probe_with(&options)), Stale::Missing);
    let options = Options {
        env: Some("dev".into()),
        ..case.options()
    };
    assert_eq!(stale(case.probe_with(&options)), Stale::Missing);
    assert_eq!(case.check(&["--gateway-api", "v1.3.0"]).0, Some(1));
    assert!(matches!(case.probe(), Freshness::Fresh(_)), "the other stamp is kept");
}

#[test]
fn a_new_blueprint_override_is_seen() {
    let case = Case::new();
    let blueprints = case.spec.parent().expect("tmp").join("blueprints");
    fs::create_dir_all(&blueprints).expect("mkdir");
    let bp = blueprints.to_str().expect("utf-8");
    assert_eq!(case.run(&["render"], &["--blueprints", bp]).status.code(), Some(0));
    let options = Options {
        blueprints: Some(blueprints.clone()),
        ..case.options()
    };
    for _ in 0..200 {
        assert_eq!(case.check(&["--blueprints", bp]).0, Some(0));
        if matches!(case.probe_with(&options), Freshness::Fresh(_)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(matches!(case.probe_with(&options), Freshness::Fresh(_)));
    let template = gatewright::render::Blueprint::Namespace;
    let text = format!("# custom\n{}", template.builtin());
    fs::write(blueprints.join(template.file_name()), text).expect("write");
    assert!(matches!(stale(case.probe_with(&options)), Stale::Changed(_)));
    assert_eq!(case.check(&["--blueprints", bp]).0, Some(1));
}

#[test]
fn a_broken_stamp_means_the_full_check() {
    let case = Case::new();
    case.settle();
    fs::write(case.stamp_file(), "{ not json").expect("write");
    assert_eq!(stale(case.probe()), Stale::Unreadable);
    assert_eq!(case.check(&[]).0, Some(0));
    fs::remove_file(case.output_file()).expect("remove");
    assert_eq!(case.check(&[]).0, Some(1));
}

#[test]
fn no_cache_records_nothing() {
    let case = Case::new();
    fs::remove_dir_all(&case.cache).expect("clear the render's stamp");
    assert_eq!(case.check(&["--no-cache"]).0, Some(0));
    assert_eq!(case.run(&["render"], &["--no-cache"]).status.code(), Some(0));
    let o = crate::common::cli::bin()
        .arg("check")
        .arg(&case.spec)
        .arg("--out")
        .arg(&case.out)
        .env("GATEWRIGHT_CACHE_DIR", &case.cache)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert!(!case.cache.exists(), "nothing was written into the cache directory");
}
