#!/usr/bin/env bash
# The pre-commit case on its own (issue 20 must-show 2): `render` of an
# unchanged tree beside `check`, each with the stamp an earlier run recorded
# and with `--no-cache` (the full compile and compare), on the workload of
# run.sh. Prints a TSV table and the ratio render / check with a fresh stamp;
# it writes nothing into BENCHMARKS.md (whose figures run.sh writes whole).
#
# Usage: benches/unchanged.sh [N]     (default 10000; needs the release binary:
#                                      cargo build --release)
# Environment: RUNS (5) WARMUP (1) WORK (scratch, default mktemp -d, removed)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
TIMER=(python3 "${SHARED:-$REPO/../shared/bench}/timeit.py")
GW="${CARGO_TARGET_DIR:-$REPO/target}/release/gatewright"
N="${1:-10000}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
KEEP_WORK="${WORK:+1}"
WORK="${WORK:-$(mktemp -d -t gwunchanged.XXXXXX)}"
[ -x "$GW" ] || { echo "unchanged.sh: no binary at $GW (cargo build --release)" >&2; exit 2; }
export GATEWRIGHT_CACHE_DIR="$WORK/cache"
unset GATEWRIGHT_NO_CACHE

python3 "$HERE/gen_workload.py" "$N" "$WORK/in"
spec="$WORK/in/gatewright.yaml"
out="$WORK/tree"
"$GW" render "$spec" --out "$out" 2> /dev/null
# The render that wrote leaves no stamp; the next one (nothing written) records it.
sleep 1
"$GW" render "$spec" --out "$out" 2> /dev/null

# row LABEL -- CMD...: median wall and peak RSS of RUNS runs after WARMUP
row() {
  local label="$1"; shift 2
  "${TIMER[@]}" -n "$RUNS" --warmup "$WARMUP" -- "$@" > "$WORK/timer.txt" 2>&1 || true
  grep -q '^A exit 0 ' "$WORK/timer.txt" || { cat "$WORK/timer.txt" >&2; exit 1; }
  local wall peak
  wall="$(awk '$1=="A" && $2=="wall" {print $5; exit}' "$WORK/timer.txt")"
  peak="$(awk '$1=="A" && $2=="peak" {print $5; exit}' "$WORK/timer.txt")"
  printf '%s\t%s\t%s\t%s\n' "$N" "$label" "$wall" "$peak" | tee -a "$WORK/rows.tsv"
}

echo "date_utc	$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "gatewright	$("$GW" --version) ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf 'N\tcommand\twall s (median)\tpeak MiB\n'
row "gatewright render, unchanged, fresh stamp" -- "$GW" render "$spec" --out "$out"
row "gatewright check, fresh stamp" -- "$GW" check "$spec" --out "$out"
row "gatewright render, unchanged, --no-cache" -- "$GW" render "$spec" --out "$out" --no-cache
row "gatewright check, --no-cache" -- "$GW" check "$spec" --out "$out" --no-cache
awk -F'\t' '{w[NR]=$3} END {printf "ratio render / check, fresh stamp: %.2f\n", w[1]/w[2]}' "$WORK/rows.tsv"
[ -n "$KEEP_WORK" ] || rm -rf "$WORK"
