#!/usr/bin/env bash
# Time gatewright against the baselines of ../shared/bench (helm template,
# kubectl kustomize, a jinja2 script) and `cp -r`, on the same workload, on
# this machine, in this one invocation; write the figures into BENCHMARKS.md.
#
# Usage: benches/run.sh [N ...]          (default N: 10 100 1000 10000)
# Environment (all optional):
#   TOOLS_DIR      cache for helm + the python venv (default ~/.cache/gatewright-bench);
#                  filled once by ../shared/bench/setup-tools.sh
#   RUNS (5) WARMUP (1) TIMEOUT (570 s, bound on one timer call)
#   KUSTOMIZE_MAX  largest N for `kubectl kustomize` on one flat root (default 1000;
#                  it grows with N², 32 s at 1,000)
#   ENVS_AT        N values at which the 3-environment rows run (default 1000)
#   ENGINE_MAX     largest N for the engine-root rows (default 1000): every namespace
#                  folder built alone, one `kubectl kustomize` each (~0.1-0.3 s per
#                  folder, mostly process start), and the same count of empty and
#                  one-patch roots (benches/kustomize_roots.sh)
#   NAMESPACE_ROOTS  1 (default) or 0: 0 skips the per-namespace engine-root rows (every
#                  namespace folder, and as many empty and one-patch roots: ~6 minutes at
#                  N=1000) but keeps the group-root rows; `NAMESPACE_ROOTS=0` makes the
#                  whole default run fit in about 12 minutes
#   GROUP_COUNT    with ENGINE_MAX: also render the workload with `gitops.groups: GROUP_COUNT`
#                  (default 16; 0 skips) and build every group root, one kubectl each
#                  (and as many empty roots: the process start of those builds)
#   ENGINE_RUNS    runs of those rows from N=1000 on, no warm-up (default 1: one run
#                  takes minutes, and TIMEOUT bounds the whole timer call)
#   SLOW_RUNS      runs of the quadratic one-root kustomize rows from N=1000 on, no
#                  warm-up (default 1); the aggregate root of gatewright's tree is
#                  built up to KUSTOMIZE_MAX only, like the flat root
#   GATEWRIGHT_CACHE_DIR  where `check` keeps its stamps (default: a folder in WORK)
#   TRACE_AT       N at which benches/trace_requests.sh times `trace --requests`
#                  (10,000 requests, one process) after the tables (default 10000;
#                  only when that N is run)
#   REPORT         file to write (default BENCHMARKS.md beside the repo's README;
#                  "-" prints the tables only)
#   WORK           scratch folder (default: a new mktemp -d, removed at the end)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/gatewright-bench}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
TIMEOUT="${TIMEOUT:-570}"
KUSTOMIZE_MAX="${KUSTOMIZE_MAX:-1000}"
ENVS_AT=" ${ENVS_AT:-1000} "
ENGINE_MAX="${ENGINE_MAX:-1000}"
TRACE_AT="${TRACE_AT:-10000}"
ENGINE_RUNS="${ENGINE_RUNS:-1}"
GROUP_COUNT="${GROUP_COUNT:-16}"
NAMESPACE_ROOTS="${NAMESPACE_ROOTS:-1}"
SLOW_RUNS="${SLOW_RUNS:-1}"
REPORT="${REPORT:-$REPO/BENCHMARKS.md}"
KEEP_WORK="${WORK:+1}"
WORK="${WORK:-$(mktemp -d -t gwbench.XXXXXX)}"
if [ "$#" -gt 0 ]; then NS=("$@"); else NS=(10 100 1000 10000); fi

[ -d "$SHARED" ] || { echo "run.sh: $SHARED not found (the shared baselines)" >&2; exit 2; }
command -v kubectl > /dev/null || { echo "run.sh: kubectl not on PATH" >&2; exit 2; }

# ------------------------------------------------------------------ tools
if [ ! -x "$TOOLS_DIR/bin/helm" ] || [ ! -x "$TOOLS_DIR/venv/bin/python" ]; then
  echo "== fetching helm and jinja2 into $TOOLS_DIR (once)"
  rm -rf "$TOOLS_DIR"
  bash "$SHARED/setup-tools.sh" "$TOOLS_DIR"
fi
HELM="$TOOLS_DIR/bin/helm"
PYTHON="$TOOLS_DIR/venv/bin/python"
TIMER=("$PYTHON" "$SHARED/timeit.py")

echo "== cargo build --release"
(cd "$REPO" && cargo build --release --quiet)
GW="${CARGO_TARGET_DIR:-$REPO/target}/release/gatewright"
# the parse floor (benches/floor.rs): built with the bench profile, run like every other row
FLOOR="$(cd "$REPO" && cargo bench --bench floor --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json, sys
for line in sys.stdin:
    j = json.loads(line)
    if j.get("reason") == "compiler-artifact" and j["target"]["name"] == "floor" and j.get("executable"):
        print(j["executable"])')"
[ -x "$FLOOR" ] || { echo "run.sh: could not build benches/floor.rs" >&2; exit 2; }
[ -x "$GW" ] || { echo "run.sh: no binary at $GW" >&2; exit 2; }
HAS_CHECK=0
"$GW" check --help > /dev/null 2>&1 && HAS_CHECK=1

mkdir -p "$WORK"
export GATEWRIGHT_CACHE_DIR="${GATEWRIGHT_CACHE_DIR:-$WORK/cache}"
TSV="$WORK/results.tsv"
: > "$TSV"
{
  echo "date_utc	$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu	$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') ($(nproc) cores)"
  echo "memory	$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel	$(uname -sr); $(df -T "$WORK" | awk 'NR==2 {print $2}') scratch filesystem"
  echo "gatewright	$("$GW" --version) ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), release profile)"
  echo "helm	$("$HELM" version --short 2>&1 | head -1)"
  echo "kubectl	$(kubectl version --client 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
  echo "python	$("$PYTHON" -c 'import sys, jinja2, yaml; print(sys.version.split()[0], "jinja2", jinja2.__version__, "pyyaml", yaml.__version__)')"
  echo "timer	../shared/bench/timeit.py: median of $RUNS runs after $WARMUP warm-up"
  echo "load at start	$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; above $(nproc) means other work shared the cores)"
} > "$WORK/machine.tsv"
sed 's/\t/: /' "$WORK/machine.tsv"

# time LABEL N NOTE -- CMD...: one timer call, one row in results.tsv
time_row() {
  local label="$1" n="$2" note="$3" runs="${RUNS_OVERRIDE:-$RUNS}" warm="${WARMUP_OVERRIDE:-$WARMUP}"
  shift 4
  local out="$WORK/timer.txt"
  "${TIMER[@]}" -n "$runs" --warmup "$warm" --timeout "$TIMEOUT" -- "$@" > "$out" 2>&1 || true
  local f
  f() { awk -v k="$1" -v c="$2" '$1=="A" && $2==k {print $c; exit}' "$out"; }
  local counted exitc
  counted="$(grep -oE 'runs counted: A [0-9]+' "$out" | awk '{print $4}' || true)"
  exitc="$(awk '$1=="A" && $2=="exit" {print $3; exit}' "$out" || true)"
  if [ "${exitc:-x}" != 0 ] || [ "${counted:-0}" = 0 ]; then
    note="${note:+$note; }did not finish (exit ${exitc:--}, ${counted:-0} runs within ${TIMEOUT} s)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$label" "${counted:-0}" \
    "$(f wall 5)" "$(f wall 4)" "$(f wall 6)" "$(f cpu 5)" "$(f peak 5)" "$note" | tee -a "$TSV"
}

# A fresh output folder per run: the old one is renamed away (constant time)
# by the same wrapper for every tool, and removed between timer calls.
fresh() { # DIR CMD... ; "$D" in CMD is the fresh folder
  local dir="$1"; shift
  printf 'd=%q; [ -e "$d" ] && mv "$d" "$d.old.$$"; D="$d"; %s' "$dir" "$*"
}
sweep() { rm -rf "$1" "$1".old.*; }

docs_in() { grep -c '^kind:' "$@" 2>/dev/null | awk -F: '{s+=$NF} END {print s+0}'; }

for n in "${NS[@]}"; do
  echo "== N=$n"
  in="$WORK/in-$n"
  rm -rf "$in"; mkdir -p "$in"
  python3 "$HERE/gen_workload.py" "$n" "$in/gw"
  python3 "$HERE/gen_workload.py" "$n" "$in/gw-envs" --envs
  "$PYTHON" "$SHARED/gen.py" helm "$n" "$in/helm" > /dev/null
  "$PYTHON" "$SHARED/gen.py" jinja2 "$n" "$in/jinja2" > /dev/null
  spec="$in/gw/gatewright.yaml"
  gwout="$WORK/gw-tree-$n"
  stream="$WORK/gw-stream-$n/all.yaml"
  mkdir -p "$(dirname "$stream")"

  # gatewright: one YAML stream (the Argo CD plugin contract)
  time_row "gatewright render --stdout" "$n" "" -- \
    sh -c 'exec "$0" render "$1" --stdout > "$2"' "$GW" "$spec" "$stream"
  sed -i "\$s/\t\$/\t$(docs_in "$stream") docs/" "$TSV"

  # the floors: reading the inputs, and writing the output bytes (the stream; the tree's files)
  time_row "floor: read the inputs" "$n" "cat of the spec and the $n manifests to /dev/null" -- \
    sh -c 'exec cat "$0" "$1"/*.yaml > /dev/null' "$spec" "$in/gw/manifests"
  time_row "floor: read and parse the inputs" "$n" "the same files read and parsed by yaml-rust2 on every core, events counted (benches/floor.rs)" -- \
    "$FLOOR" "$in/gw"
  time_row "floor: write the stream" "$n" "cat of the --stdout output into a new file" -- \
    sh -c "$(fresh "$WORK/floor-stream-$n" 'mkdir "$D" && exec cat "$0" > "$D/all.yaml"')" "$stream"
  sweep "$WORK/floor-stream-$n"

  # gatewright: a kustomize tree into a fresh folder, then re-rendered unchanged
  time_row "gatewright render, fresh dir" "$n" "" -- \
    sh -c "$(fresh "$gwout" 'exec "$0" render "$1" --out "$D" 2>/dev/null')" "$GW" "$spec"
  sweep "$gwout"
  "$GW" render "$spec" --out "$gwout" 2> /dev/null
  files="$(find "$gwout" -type f | wc -l)"
  bytes="$(du -sb "$gwout" | cut -f1)"
  sed -i "\$s/\t\$/\t$files files, $bytes B/" "$TSV"
  time_row "gatewright render, unchanged" "$n" "no file rewritten" -- \
    sh -c 'exec "$0" render "$1" --out "$2" 2>/dev/null' "$GW" "$spec" "$gwout"
  time_row "cp -r of that tree" "$n" "$files files" -- \
    sh -c "$(fresh "$WORK/cp-$n" 'exec cp -r "$0" "$D"')" "$gwout"
  sweep "$WORK/cp-$n"
  tar -cf "$WORK/tree-$n.tar" -C "$gwout" .
  time_row "floor: write the tree" "$n" "tar -x of the same $files files into a new folder" -- \
    sh -c "$(fresh "$WORK/tar-$n" 'mkdir "$D" && exec tar -xf "$0" -C "$D"')" "$WORK/tree-$n.tar"
  sweep "$WORK/tar-$n"
  rm -f "$WORK/tree-$n.tar"

  if [[ "$ENVS_AT" == *" $n "* ]]; then
    envout="$WORK/gw-envs-$n"
    time_row "gatewright render, 3 envs, fresh dir" "$n" "dev, prod, staging" -- \
      sh -c "$(fresh "$envout" 'exec "$0" render "$1" --out "$D" 2>/dev/null')" "$GW" "$in/gw-envs/gatewright.yaml"
    sweep "$envout"
    "$GW" render "$in/gw-envs/gatewright.yaml" --out "$envout" 2> /dev/null
    if [ "$HAS_CHECK" = 1 ]; then
      time_row "gatewright check, 3 envs" "$n" "output up to date" -- \
        "$GW" check "$in/gw-envs/gatewright.yaml" --out "$envout"
    fi
    rm -rf "$envout"
  fi

  # baselines
  time_row "helm template" "$n" "" -- \
    sh -c 'exec "$0" template bench "$1" > "$2"' "$HELM" "$in/helm" "$WORK/helm-$n.yaml"
  sed -i "\$s/\t\$/\t$(docs_in "$WORK/helm-$n.yaml") docs/" "$TSV"
  time_row "jinja2 script, fresh dir" "$n" "" -- \
    sh -c "$(fresh "$WORK/jinja2-$n" 'exec "$0" "$1/render.py" "$1/spec.yaml" "$D"')" "$PYTHON" "$in/jinja2"
  sweep "$WORK/jinja2-$n"

  # what the GitOps engine runs on the output
  slow_r="" slow_w=""
  [ "$n" -lt 1000 ] || { slow_r="$SLOW_RUNS"; slow_w=0; }
  if [ "$n" -le "$KUSTOMIZE_MAX" ]; then
    RUNS_OVERRIDE="$slow_r" WARMUP_OVERRIDE="$slow_w" time_row "kubectl kustomize, gatewright tree" "$n" "" -- \
      sh -c 'exec kubectl kustomize "$0" > "$1"' "$gwout" "$WORK/gw-kustomize-$n.yaml"
    sed -i "\$s/\t\$/\t$(docs_in "$WORK/gw-kustomize-$n.yaml") docs/" "$TSV"
  fi
  time_row "kubectl kustomize, one app folder" "$n" "app-1/ alone: what an engine builds per namespace root" -- \
    sh -c 'exec kubectl kustomize "$0" > /dev/null' "$gwout/app-1"
  if [ "$n" -le "$ENGINE_MAX" ] && [ "$NAMESPACE_ROOTS" != 0 ]; then
    # what the generated Flux Kustomizations / Argo CD Applications build: every
    # namespace folder alone; then kubectl's fixed cost for as many roots
    roots="$(find "$gwout" -mindepth 2 -maxdepth 2 -name kustomization.yaml | wc -l)"
    r="" w=""
    [ "$n" -lt 1000 ] || { r="$ENGINE_RUNS"; w=0; }
    RUNS_OVERRIDE="$r" WARMUP_OVERRIDE="$w" time_row "kubectl kustomize, every engine root" "$n" \
      "$roots roots, one kubectl each, in sequence" -- \
      bash "$HERE/kustomize_roots.sh" "$gwout" "$WORK/gw-roots-$n.yaml"
    sed -i "\$s/\$/, $(docs_in "$WORK/gw-roots-$n.yaml") docs/" "$TSV"
    RUNS_OVERRIDE="$r" WARMUP_OVERRIDE="$w" time_row "kubectl kustomize, empty root × roots" "$n" \
      "kubectl process start, $roots times" -- \
      bash "$HERE/kustomize_roots.sh" --empty "$gwout"
    RUNS_OVERRIDE="$r" WARMUP_OVERRIDE="$w" time_row "kubectl kustomize, one-patch root × roots" "$n" \
      "process start + kustomize's once-per-process patch setup, $roots times" -- \
      bash "$HERE/kustomize_roots.sh" --one-patch "$gwout"
  fi
  if [ "$n" -le "$ENGINE_MAX" ]; then
    if [ "$GROUP_COUNT" -gt 0 ]; then
      # the same objects through `gitops.groups`: GROUP_COUNT hashed app groups and
      # the gateways group, each root built alone (the group roots' engine objects)
      python3 "$HERE/gen_workload.py" "$n" "$in/gw-groups" --groups "$GROUP_COUNT"
      grouped="$WORK/gw-groups-$n/deploy"
      "$GW" render "$in/gw-groups/gatewright.yaml" --out "$grouped" 2> /dev/null
      groots="$(find "$grouped/_groups" -mindepth 2 -maxdepth 2 -name kustomization.yaml | wc -l)"
      time_row "kubectl kustomize, every group root ($GROUP_COUNT groups)" "$n" \
        "$groots roots, one kubectl each, in sequence" -- \
        bash "$HERE/kustomize_roots.sh" "$grouped/_groups" "$WORK/gw-groups-$n.yaml"
      sed -i "\$s/\$/, $(docs_in "$WORK/gw-groups-$n.yaml") docs/" "$TSV"
      time_row "kubectl kustomize, empty root × group roots ($GROUP_COUNT groups)" "$n" \
        "kubectl process start, $groots times" -- \
        bash "$HERE/kustomize_roots.sh" --empty "$grouped/_groups"
      rm -rf "$WORK/gw-groups-$n"
    fi
  fi
  if [ "$n" -le "$KUSTOMIZE_MAX" ]; then
    "$PYTHON" "$SHARED/gen.py" kustomize "$n" "$in/kustomize" > /dev/null
    RUNS_OVERRIDE="$slow_r" WARMUP_OVERRIDE="$slow_w" time_row "kubectl kustomize, single root" "$n" "same resources, $((2 * n)) patches" -- \
      sh -c 'exec kubectl kustomize "$0" > "$1"' "$in/kustomize" "$WORK/kustomize-$n.yaml"
  fi

  # equivalence: kustomize over our tree == helm's objects; our stream == the jinja2 set
  built="$WORK/gw-kustomize-$n.yaml"
  [ -s "$built" ] || built="-" # the aggregate root is not built above KUSTOMIZE_MAX
  "$PYTHON" "$SHARED/check.py" "$n" "$WORK/helm-$n.yaml" "$built" "$(dirname "$stream")" \
    | tail -1 | sed 's/helm=/helm template=/; s/kustomize=/kubectl kustomize of the gatewright tree=/; s/jinja2=/gatewright --stdout=/' \
    | tee -a "$WORK/check.txt"
  rm -rf "$in" "$gwout" "$WORK"/*-"$n".yaml "$(dirname "$stream")"
done

echo "load at end	$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/machine.tsv"
"$PYTHON" "$HERE/report.py" "$WORK/machine.tsv" "$TSV" "$WORK/check.txt" "$REPORT"
if [[ " ${NS[*]} " == *" $TRACE_AT "* ]]; then
  REPORT="$REPORT" WORK="$WORK/trace" bash "$HERE/trace_requests.sh" "$TRACE_AT" 10000
fi
[ -n "$KEEP_WORK" ] || rm -rf "$WORK"
