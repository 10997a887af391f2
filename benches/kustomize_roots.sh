#!/usr/bin/env bash
# Build every kustomize root a GitOps engine builds from one environment's
# rendered tree, as gatewright's generated Flux Kustomizations and Argo CD
# Applications point it: each namespace folder (a folder directly under TREE
# with a kustomization.yaml) alone, one `kubectl kustomize` per folder, one
# after another. Given TREE/_groups (a tree rendered with `gitops.groups`),
# the group roots the engine objects build then, one after another.
#
# Usage: benches/kustomize_roots.sh TREE [OUT]
#        benches/kustomize_roots.sh --empty|--one-patch TREE
#   OUT          file the builds are written to, one after another (default /dev/null)
#   --empty      build an empty kustomize root once per root folder of TREE
#                instead: what starting kubectl costs for that many roots, so
#                the roots' in-process cost is the first figure minus this one.
#   --one-patch  the same with a root of one Service and one patch of it: process
#                start plus what kustomize does once per process before its first
#                strategic-merge patch (it parses its built-in OpenAPI schema),
#                which an engine building in-process (Flux) pays once, not per root.
set -euo pipefail

baseline=
case "${1:-}" in
  --empty | --one-patch) baseline="$1"; shift ;;
esac
tree="${1:?usage: kustomize_roots.sh [--empty|--one-patch] TREE [OUT]}"
out="${2:-/dev/null}"

roots=()
for d in "$tree"/*/; do
  [ -f "$d/kustomization.yaml" ] && roots+=("${d%/}")
done
[ "${#roots[@]}" -gt 0 ] || { echo "kustomize_roots.sh: no folder with a kustomization.yaml in $tree" >&2; exit 2; }

if [ -n "$baseline" ]; then
  scratch="$(mktemp -d -t gwroots.XXXXXX)"
  trap 'rm -rf "$scratch"' EXIT
  if [ "$baseline" = --empty ]; then
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n' > "$scratch/kustomization.yaml"
  else
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [service.yaml]\npatches: [{path: patch.yaml}]\n' \
      > "$scratch/kustomization.yaml"
    printf 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n' \
      > "$scratch/service.yaml"
    printf 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}\n' > "$scratch/patch.yaml"
  fi
  for _ in "${roots[@]}"; do
    kubectl kustomize "$scratch" > /dev/null
  done
else
  : > "$out"
  for d in "${roots[@]}"; do
    kubectl kustomize "$d" >> "$out"
    # kustomize ends a build without a document separator
    [ "$out" = /dev/null ] || echo --- >> "$out"
  done
fi
