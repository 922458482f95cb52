#!/bin/sh
# Regenerates the x509-limbo oracles under every Go profile (../go-profiles.sh: the Go of
# each Kubernetes release, with its go.mod's GODEBUG defaults): <profile>.json judges
# Verify as the first oracle did; apiserver-<profile>.json judges the whole call as
# kube-apiserver makes it (see gen.go). go1.19.8 needs Debian's Go 1.19.8 on PATH.
# usage: testdata/tls/limbo/gen.sh [LIMBO_JSON]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
limbo=${1:-$here/../../../../shared/conformance/x509-limbo/limbo.json}
limbo=$(cd "$(dirname "$limbo")" && pwd)/$(basename "$limbo")
now=2026-11-27T11:43:31Z
for profile in $("$here/../go-profiles.sh" list); do
    "$here/../go-profiles.sh" run "$profile" "$here/gen.go" "$limbo" "$now" > "$here/$profile.json"
    "$here/../go-profiles.sh" run "$profile" "$here/gen.go" "$limbo" "$now" apiserver \
        > "$here/apiserver-$profile.json"
done
