#!/usr/bin/env bash
# Seed the fuzz corpora from the examples, the CLI cases and the regression
# inputs. Usage: fuzz/seed.sh   (then: cargo fuzz run parse_compile corpus/parse_compile)
set -euo pipefail
cd "$(dirname "$0")"
for t in parse_compile overlay_merge; do mkdir -p "corpus/$t"; cp regressions/$t/* "corpus/$t/" 2>/dev/null || true; done
n=0
for f in ../examples/*/*.yaml ../examples/*/overlays/*.yaml ../tests/cmd/*.in/*.yaml ../tests/cmd/*.in/*/*.yaml; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  cp "$f" "corpus/parse_compile/seed-$n.yaml"
  # overlay_merge: the spec, the separator, then an overlay (an example's own or a small one).
  { cat "$f"; printf '\n#%%overlay\n'; printf 'apps:\n  pets:\n    revision: asm-1-23\n'; } > "corpus/overlay_merge/seed-$n.yaml"
done
echo "seeded $n inputs per target"
