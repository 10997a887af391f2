#!/usr/bin/env bash
# The cost of making `render --out` durable (syncfs before the exchange,
# fsync of the parent after): the same release binary, the same fresh-dir
# render of the N-app workload, run alternately with the sync calls made and
# with them turned into no-ops by strace's fault injection (both under
# strace, so that only the syncs differ). Prints each run and the medians.
#
# Usage: benches/sync_cost.sh [N] [RUNS]    (default 10000 5; needs strace)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
N="${1:-10000}"
RUNS="${2:-5}"
GW="${GW:-$HERE/../target/release/gatewright}"
WORK="$(mktemp -d -t gwsync.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen_workload.py" "$N" "$WORK/in" > /dev/null
SYNCS=syncfs,fsync,fdatasync
run() { # label, strace args...
  local label="$1"; shift
  rm -rf "$WORK/out"; sync
  local start end
  start=$(date +%s.%N)
  strace -f --seccomp-bpf -e trace=$SYNCS "$@" -o /dev/null \
    "$GW" render "$WORK/in/gatewright.yaml" --out "$WORK/out" --no-cache 2> /dev/null
  end=$(date +%s.%N)
  echo "$label $(echo "$end - $start" | bc)"
}
for _ in $(seq "$RUNS"); do
  run synced
  run unsynced -e inject=$SYNCS:retval=0
done | tee "$WORK/times"
median() { grep "^$1 " "$WORK/times" | cut -d' ' -f2 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
s="$(median synced)"; u="$(median unsynced)"
echo "median synced $s s, unsynced $u s, ratio $(echo "scale=2; $s / $u" | bc)"
