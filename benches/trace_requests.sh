#!/usr/bin/env bash
# Time `gatewright trace --requests` (R requests, one process) over the
# N-app workload of benches/gen_workload.py, against `gatewright render
# --stdout` of the same spec in the same invocation (trace compiles the spec
# as render does, then routes every request); write the figures into the
# trace section of BENCHMARKS.md.
#
# Usage: benches/trace_requests.sh [N] [R]      (default N 10000, R 10000)
# Environment: RUNS (3) WARMUP (1) TIMEOUT (570 s), REPORT (BENCHMARKS.md;
# "-" prints the section only), WORK (scratch folder, default a new mktemp -d),
# GW (a gatewright binary to time instead of building the release one).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
N="${1:-10000}"
R="${2:-10000}"
RUNS="${RUNS:-3}"
WARMUP="${WARMUP:-1}"
TIMEOUT="${TIMEOUT:-570}"
REPORT="${REPORT:-$REPO/BENCHMARKS.md}"
KEEP_WORK="${WORK:+1}"
WORK="${WORK:-$(mktemp -d -t gwtrace.XXXXXX)}"
[ -f "$SHARED/timeit.py" ] || { echo "trace_requests.sh: $SHARED/timeit.py not found" >&2; exit 2; }

if [ -z "${GW:-}" ]; then
  echo "== cargo build --release"
  (cd "$REPO" && cargo build --release --quiet)
  GW="${CARGO_TARGET_DIR:-$REPO/target}/release/gatewright"
  GW_BUILD="release profile"
fi
GW_BUILD="${GW_BUILD:-binary $GW}"

mkdir -p "$WORK"
python3 "$HERE/gen_workload.py" "$N" "$WORK/gw"
spec="$WORK/gw/gatewright.yaml"
# R requests spread over the apps: front and admin hosts, `/` and a deeper path.
python3 - "$N" "$R" > "$WORK/requests.txt" <<'PY'
import sys
n, r = int(sys.argv[1]), int(sys.argv[2])
for k in range(r):
    app = (k * 7919) % n + 1
    host = ("front", "admin")[k % 2]
    path = "/" if k % 3 == 0 else f"/items/{k}?page=2"
    print(f"GET http://{host}-{app}.example.com{path}")
PY
lines="$("$GW" trace "$spec" --requests "$WORK/requests.txt" | wc -l)"
served="$("$GW" trace "$spec" --requests "$WORK/requests.txt" | grep -c '"status":200' || true)"
[ "$lines" = "$R" ] || { echo "trace_requests.sh: $lines answers for $R requests" >&2; exit 1; }

median() { # LABEL CMD...: median wall seconds and peak MiB of RUNS runs
  local out="$WORK/timer.txt"
  python3 "$SHARED/timeit.py" -n "$RUNS" --warmup "$WARMUP" --timeout "$TIMEOUT" -- "${@:2}" > "$out" 2>&1
  printf '%s\t%s\t%s\n' "$1" "$(awk '$1=="A" && $2=="wall" {print $5}' "$out")" \
    "$(awk '$1=="A" && $2=="peak" {print $5}' "$out")"
}
{
  median render sh -c 'exec "$0" render "$1" --stdout > /dev/null' "$GW" "$spec"
  median trace sh -c 'exec "$0" trace "$1" --requests "$2" > /dev/null' "$GW" "$spec" "$WORK/requests.txt"
} > "$WORK/rows.tsv"
cat "$WORK/rows.tsv"

python3 - "$WORK/rows.tsv" "$N" "$R" "$served" "$RUNS" "$WARMUP" "$REPORT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') ($(nproc) cores)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$("$GW" --version) ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), $GW_BUILD)" <<'PY'
import sys
rows_file, n, r, served, runs, warmup, report, date, cpu, load, version = sys.argv[1:]
rows = {}
for line in open(rows_file, encoding="utf-8"):
    label, wall, peak = line.rstrip("\n").split("\t")
    rows[label] = (float(wall), float(peak))
(rw, rp), (tw, tp) = rows["render"], rows["trace"]
n, r = int(n), int(r)
routing = tw - rw
BEGIN, END = "<!-- trace-requests:begin -->", "<!-- trace-requests:end -->"
body = f"""
### `trace --requests` over the {n:,}-app workload

`benches/trace_requests.sh {n} {r}`: {r:,} requests (`GET` of `front-i` and
`admin-i` hosts spread over the apps, `/` and `/items/k?page=2`; {int(served):,}
answered 200) traced by one `gatewright trace SPEC --requests FILE` process,
against `gatewright render SPEC --stdout` of the same spec in the same
invocation (trace compiles the spec as render does, then builds the routing
index and routes every request). Median of {runs} runs after {warmup} warm-up;
{date}, {cpu}, load {load} at start; {version}.

| command | wall s | peak MiB |
| --- | ---: | ---: |
| `render --stdout` (baseline) | {rw:.3f} | {rp:.0f} |
| `trace --requests`, {r:,} requests | {tw:.3f} | {tp:.0f} |

- trace ÷ render: **{tw / rw:.2f}×** the wall time of compiling the spec alone.
- whole process: **{r / tw:,.0f} requests/s** ({r:,} requests in {tw:.3f} s, compile included).
- beyond the baseline (reading, indexing and routing): {routing:.3f} s, """ + (
    f"**{r / routing:,.0f} requests/s**." if routing > 0 else "within the noise of the baseline.") + """
  Routes are looked up by hostname (an index per listener), not scanned per request.
"""
if report == "-":
    print(body)
    sys.exit(0)
text = open(report, encoding="utf-8").read()
if BEGIN not in text or END not in text:
    text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
head, rest = text.split(BEGIN, 1)
tail = rest.split(END, 1)[1]
open(report, "w", encoding="utf-8").write(f"{head}{BEGIN}\n{body}\n{END}{tail}")
print(f"wrote {report}")
PY
[ -n "$KEEP_WORK" ] || rm -rf "$WORK"
