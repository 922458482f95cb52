# syntax=docker/dockerfile:1
# speclint as a container image: one static musl binary on an empty base.
#   docker build -t speclint .
#   docker run --rm -v "$PWD:/work" speclint .                 # lint the current directory
#   helm template my-release chart/ | docker run -i --rm speclint   # no path: reads stdin
# Add --user "$(id -u):$(id -g)" when -o writes a file into the mounted directory.
# --helm needs helm on PATH, which this image does not carry: render outside and pipe in.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-alpine AS build
# busybox ash knows pipefail: a failing rustc in a pipe fails the step.
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
# ring compiles C, and jemalloc (the allocator of musl builds, Cargo.toml) runs configure and
# make. rust:*-alpine images carry gcc and musl-dev since December 2025; this keeps an older
# RUST_VERSION (down to rust-version 1.88) building. Unpinned because
# Alpine's mirrors drop superseded package revisions, so a pin would break the build.
# hadolint ignore=DL3018
RUN apk add --no-cache gcc make musl-dev
WORKDIR /src
# .dockerignore keeps only what the build reads.
COPY . .
# An explicit --target (the host's musl triple) keeps RUSTFLAGS off build scripts and
# proc-macros, which cannot be linked statically, and puts each architecture's binary in
# its own directory of the shared target cache. crt-static is musl's default; said
# explicitly because the final image has no libc. jemalloc fixes its page size when built:
# on arm64, 64 KiB pages also run on kernels with 4 or 16 KiB ones.
ENV RUSTFLAGS="-C target-feature=+crt-static"
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target,sharing=locked \
    target="$(rustc -vV | sed -n 's/^host: //p')" \
 && if [ "$target" = aarch64-unknown-linux-musl ]; then export JEMALLOC_SYS_WITH_LG_PAGE=16; fi \
 && cargo build --profile dist --locked --target "$target" \
 && mkdir -p /out && cp "target/$target/dist/speclint" /out/speclint \
 && interpreter="$(readelf -lW /out/speclint | sed -n 's/.*program interpreter: \([^]]*\).*/\1/p')" \
 && if [ -n "$interpreter" ]; then \
      echo "speclint is dynamically linked ($interpreter); the scratch image cannot run it" >&2; exit 1; \
    fi \
 && /out/speclint --version

FROM scratch
# No shell, libc, /tmp or HOME: speclint needs none of them (it reads its inputs and
# .speclint.yaml from the working directory, and writes only stdout, stderr and -o files).
COPY --from=build /out/speclint /usr/local/bin/speclint
# Non-root; the numeric id needs no /etc/passwd.
USER 65532:65532
# Mount the manifests here: paths, globs and .speclint.yaml resolve against it.
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/speclint"]
LABEL org.opencontainers.image.title="speclint" \
      org.opencontainers.image.description="Lints Kubernetes manifests for webhook, CRD conversion and APIService TLS wiring, predicting the API server's verdict offline" \
      org.opencontainers.image.source="https://github.com/speclint/speclint" \
      org.opencontainers.image.licenses="Apache-2.0"
