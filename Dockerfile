# gatewright in a small image, for CI jobs and the Argo CD plugin sidecar
# (docs/argocd.md). From a clone: docker build -t gatewright .
#
# The build stage compiles the release binary with the versions in
# Cargo.lock; the final image is Debian slim with gatewright and git (for
# `gatewright diff`), running as root unless the pod says otherwise (the
# Argo CD sidecar runs as user 999). No ENTRYPOINT: CI runners start a shell.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin gatewright

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/gatewright /usr/local/bin/gatewright
CMD ["gatewright", "--help"]
