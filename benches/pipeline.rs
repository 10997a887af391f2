//! In-process stage benchmarks: parse, validate, resolve, analyze, render
//! and normalize through the templates, the same for the kinds built as
//! values (what the driver does while the blueprints are the built-in ones),
//! emit (layout + stream), and the whole compile, on the
//! benchmark workload of `benches/gen_workload.py` (N apps, 2 routes and
//! 2 patched Services each). `GATEWRIGHT_BENCH_N` sets N (default 1000).
//!
//! `cargo bench --bench pipeline`; whole-process figures against helm,
//! kustomize and jinja2 come from `benches/run.sh`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gatewright::diagnostic::Diagnostics;
use gatewright::load::{self, Layer, Provenance};
use gatewright::model::Model;
use gatewright::normalize::{self, Document};
use gatewright::render::{Blueprints, RenderedObject, render_model};
use gatewright::source::Sources;
use gatewright::spec::Site;
use gatewright::{analyze, driver, emit, overlay, resolve, schema};

/// The workload of `gen_workload.py` (without environments), written in `dir`.
fn write_workload(dir: &Path, n: usize) -> PathBuf {
    let mut spec = String::from(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\nmesh:\n  revision: asm-1-22\ngateways:\n  \
         gateway-external:\n    profile: aks-istio-external\n    listeners:\n      \
         http: { hostname: \"*.example.com\", protocol: HTTP, port: 80 }\napps:\n",
    );
    std::fs::create_dir_all(dir.join("manifests")).expect("manifests dir");
    for i in 1..=n {
        spec.push_str(&format!(
            "  app-{i}:\n    services: [front-{i}, admin-{i}]\n    manifests: [manifests/app-{i}.yaml]\n    \
             routes:\n      front-{i}: {{ host: front-{i}.example.com, to: front-{i}:80 }}\n      \
             admin-{i}: {{ host: admin-{i}.example.com, to: admin-{i}:80 }}\n"
        ));
        let services: String = ["front", "admin"]
            .iter()
            .map(|r| {
                format!(
                    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {r}-{i}\nspec:\n  type: LoadBalancer\n  \
                     selector:\n    app: {r}-{i}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 80\n    \
                     protocol: TCP\n"
                )
            })
            .collect();
        std::fs::write(dir.join(format!("manifests/app-{i}.yaml")), services).expect("manifest");
    }
    let path = dir.join("gatewright.yaml");
    std::fs::write(&path, spec).expect("spec");
    path
}

/// Stage 1-2: read the spec, merge fragments, apply profiles.
fn parse(path: &Path) -> (Sources, Provenance, serde_json::Value) {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut prov = Provenance::new();
    let (file, docs) = load::read_yaml_file(path, &mut sources, &mut diags).expect("readable spec");
    for node in docs {
        prov.push(Layer {
            file,
            node,
            mount: String::new(),
            kind: load::LayerKind::Spec,
        });
    }
    let mut spec = serde_json::Value::Object(load::merge_fragments(&prov, &mut diags));
    overlay::strip_nulls(&mut spec);
    overlay::apply_profiles(&mut spec, &mut prov, &mut sources, &mut diags);
    assert!(!diags.has_errors(), "the workload parses");
    (sources, prov, spec)
}

fn validate(spec: &serde_json::Value, prov: &Provenance, sources: &Sources) -> Site {
    assert!(
        schema::validate(spec, prov, sources).is_empty(),
        "the workload is valid"
    );
    serde_json::from_value(spec.clone()).expect("validated spec deserializes")
}

fn resolve_site(site: &mut Site, prov: &Provenance, sources: &mut Sources) -> Model {
    let mut diags = Diagnostics::new();
    let mut cx = resolve::Context {
        prov,
        sources,
        gateway_api_version: gatewright::version::DEFAULT_GATEWAY_API.to_string(),
        preloaded: Default::default(),
        manifests_under: None,
        allow: Default::default(),
        listener_set: None,
    };
    let model = resolve::resolve(site, &mut cx, &mut diags);
    assert!(!diags.has_errors(), "the workload resolves");
    model
}

fn stages(c: &mut Criterion) {
    let n: usize = std::env::var("GATEWRIGHT_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = write_workload(tmp.path(), n);

    let (mut sources, prov, spec) = parse(&path);
    let site = validate(&spec, &prov, &sources);
    let model = resolve_site(&mut site.clone(), &prov, &mut sources);
    let blueprints = Blueprints::load(None, &mut sources).expect("built-in blueprints");
    let rendered: Vec<RenderedObject> = render_model(&model, &blueprints, &sources).expect("renders");
    let docs: Vec<Document> = normalize::normalize(rendered.clone(), &blueprints, false).expect("normalizes");
    let tree = emit::layout(docs.clone(), &model.upstreams, &model.gateway_api_version);

    let mut g = c.benchmark_group(format!("pipeline/{n}-apps"));
    g.sample_size(10);
    g.bench_function("parse", |b| b.iter(|| parse(black_box(&path))));
    g.bench_function("validate", |b| b.iter(|| validate(black_box(&spec), &prov, &sources)));
    g.bench_function("resolve", |b| {
        b.iter_batched(
            || (sources.clone(), site.clone()),
            |(mut s, mut site)| resolve_site(black_box(&mut site), &prov, &mut s),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("analyze", |b| {
        b.iter(|| {
            let mut diags = Diagnostics::new();
            analyze::analyze(
                black_box(&model),
                &analyze::Context {
                    prov: &prov,
                    sources: &sources,
                },
                &mut diags,
            );
            diags
        })
    });
    g.bench_function("blueprints", |b| {
        b.iter_batched(
            Sources::new,
            |mut s| Blueprints::load(None, &mut s).expect("built-in blueprints"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("render", |b| {
        b.iter(|| render_model(black_box(&model), &blueprints, &sources).expect("renders"))
    });
    // What the driver does for the kinds whose built-in blueprint is built as a value.
    g.bench_function("render+normalize/built-in values", |b| {
        b.iter(|| {
            gatewright::render::jobs(black_box(&model))
                .into_iter()
                .filter_map(|job| {
                    let value = gatewright::render::native_value(job, &blueprints)?;
                    normalize::document(value, job.blueprint(), job.origin(), &blueprints, false).ok()
                })
                .count()
        })
    });
    g.bench_function("normalize", |b| {
        b.iter_batched(
            || rendered.clone(),
            |r| normalize::normalize(r, &blueprints, false).expect("normalizes"),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("emit/layout", |b| {
        b.iter_batched(
            || docs.clone(),
            |d| emit::layout(d, &model.upstreams, &model.gateway_api_version),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("emit/stream", |b| b.iter(|| black_box(&tree).to_stream()));
    g.bench_function("compile", |b| {
        b.iter(|| {
            let outcome = driver::compile(&driver::Options {
                spec: path.clone(),
                ..Default::default()
            });
            assert!(outcome.output.is_some(), "the workload compiles");
            outcome
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
