#!/usr/bin/env python3
"""Generate the gatewright spec of the benchmark workload (stdlib only).

Usage: gen_workload.py N OUTDIR [--envs] [--groups K]

The same data as ../shared/bench/gen.py (helm, kustomize, jinja2): one
Gateway `gateway-external` in `aks-istio-ingress` (profile
aks-istio-external: class istio, Hostname address, routes from All
namespaces) with one HTTP listener on port 80 for `*.example.com`; app i
lives in namespace `app-i` (istio.io/rev asm-1-22) with routes `front-i` and
`admin-i` (PathPrefix `/` to the Service of the same name, port 80), and
both Services switched from LoadBalancer to ClusterIP.

Writes:
  OUTDIR/gatewright.yaml          the spec (1 file, N apps)
  OUTDIR/manifests/app-i.yaml     app i's upstream manifest: its two
                                  Services of type LoadBalancer, the same
                                  base Services the kustomize baseline patches
  OUTDIR/overlays/{dev,prod,staging}.yaml   with --envs: three environments

With --groups K the spec also has a `gitops:` section (output `deploy`, Flux
objects) with `groups: K`: render it with `--out .../deploy`, and the tree
holds K hashed group roots and a `gateways` one in `_groups/`.

The output is a pure function of (N, --envs, --groups).
"""

import os
import sys

DOMAIN = "example.com"
ROUTES = ("front", "admin")

SPEC_HEAD = """apiVersion: gatewright.dev/v1alpha1
kind: Site
mesh:
  revision: asm-1-22
gateways:
  gateway-external:
    profile: aks-istio-external
    listeners:
      http: { hostname: "*.example.com", protocol: HTTP, port: 80 }
apps:
"""

SERVICE = """---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: LoadBalancer
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: 80
    protocol: TCP
"""

# Three environments, each changing something every app's output carries.
OVERLAYS = {
    "dev": "mesh:\n  revision: asm-1-23\n",
    "staging": "mesh:\n  revision: asm-1-22\n",
    "prod": "mesh:\n  revision: asm-1-22\ngateways:\n  gateway-external:\n"
    "    profile: aks-istio-internal\n",
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


GITOPS = """gitops:
  repository: {{ url: "https://git.example.com/platform.git" }}
  output: deploy
  groups: {groups}
  flux: {{}}
"""


def main(argv):
    args, groups = [], None
    rest = iter(argv[1:])
    for a in rest:
        if a == "--groups":
            groups = next(rest, "")
            if not groups.isdigit():
                sys.stderr.write(__doc__)
                return 2
        elif a != "--envs":
            args.append(a)
    if len(args) != 2 or not args[0].isdigit():
        sys.stderr.write(__doc__)
        return 2
    n, out = int(args[0]), args[1]
    spec = [SPEC_HEAD]
    for i in range(1, n + 1):
        spec.append(f"  app-{i}:\n")
        spec.append(f"    services: [front-{i}, admin-{i}]\n")
        spec.append(f"    manifests: [manifests/app-{i}.yaml]\n")
        spec.append("    routes:\n")
        for r in ROUTES:
            spec.append(f"      {r}-{i}: {{ host: {r}-{i}.{DOMAIN}, to: {r}-{i}:80 }}\n")
        write(
            os.path.join(out, "manifests", f"app-{i}.yaml"),
            "".join(SERVICE.format(name=f"{r}-{i}") for r in ROUTES),
        )
    if groups is not None:
        spec.append(GITOPS.format(groups=groups))
    write(os.path.join(out, "gatewright.yaml"), "".join(spec))
    if "--envs" in argv:
        for env, text in OVERLAYS.items():
            write(os.path.join(out, "overlays", f"{env}.yaml"), text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
