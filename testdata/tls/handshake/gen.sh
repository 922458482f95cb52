#!/bin/sh
# Reproduces verdicts.json: real TLS handshakes between a Go webhook server (several
# Go profiles, TLS 1.3 allowed or capped at 1.2) and a client configured like
# kube-apiserver's webhook client under every profile of ../go-profiles.sh, for the
# committed leaves with RSA-512, RSA-1024 and RSA-2048 keys (README.md).
#
# usage: testdata/tls/handshake/gen.sh            (writes verdicts.json next to it)
#
# Fixtures (ca.pem, leaf-rsaN.pem, leaf-rsaN-key.pem) are made once with
# `go-profiles.sh run go1.19.8 gen.go keys DIR` and committed; this script only
# (re)creates them when ca.pem is missing. Needs python3 (as go-profiles.sh does).
# Each case runs `gen.go dial` (bare handshake) and `gen.go post` (net/http POST).
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
profiles_sh=$dir/../go-profiles.sh
gen=$dir/gen.go
name=webhook.default.svc
work=$(mktemp -d /tmp/handshake.XXXXXX)
server_pid=
cleanup() {
    rm -f "$work/addr"  # the server exits when its address file goes away
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    sleep 0.3
    rm -rf "$work"
}
trap cleanup EXIT

[ -f "$dir/ca.pem" ] || "$profiles_sh" run go1.19.8 "$gen" keys "$dir"

# server variants: PROFILE[+GODEBUG]
servers='go1.19.8 go1.24.11-go1.23 go1.24.11-go1.24 go1.26.6-go1.26 go1.26.6-go1.26+rsa1024min=0'
caps='default tls1.2'
leaves='512 1024 2048'
# client variants: every profile, plus two with the GODEBUG escape hatch set in the environment
clients="$("$profiles_sh" list | tr '\n' ' ') go1.24.11-go1.24+rsa1024min=0 go1.26.6-go1.26+rsa1024min=0"

split() { # split VARIANT -> sets profile and godebug
    profile=${1%%+*}
    case $1 in *+*) godebug=${1#*+} ;; *) godebug= ;; esac
}

server_line() { # server_line N: wait (up to 5 s) for the server's Nth log line and print it
    i=0
    while [ "$(wc -l < "$work/server.log")" -lt "$1" ] && [ $i -lt 100 ]; do
        i=$((i + 1)); sleep 0.05
    done
    sed -n "$1p" "$work/server.log"
}

tsv=$work/rows.tsv
: > "$tsv"
for server in $servers; do
    for cap in $caps; do
        for bits in $leaves; do
            rm -f "$work/addr" "$work/server.log"
            split "$server"
            GODEBUG=$godebug "$profiles_sh" run "$profile" "$gen" serve "$work/addr" \
                "$dir/leaf-rsa$bits.pem" "$dir/leaf-rsa$bits-key.pem" "$cap" \
                > "$work/server.log" 2> "$work/server.err" &
            server_pid=$!
            i=0
            until [ -s "$work/addr" ]; do
                i=$((i + 1)); [ $i -lt 600 ] || { echo "server $server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
                sleep 0.1
            done
            addr=$(cat "$work/addr")
            for client in $clients; do
                split "$client"
                case $addr in
                "load error: "*)
                    verdict="(no server: tls.X509KeyPair failed)"; negotiated=; seen=$addr
                    http_verdict=$verdict; http_seen=$addr ;;
                *)
                    before=$(wc -l < "$work/server.log")
                    verdict=$(GODEBUG=$godebug "$profiles_sh" run "$profile" "$gen" dial "$addr" "$dir/ca.pem" "$name" 2> "$work/client.err")
                    negotiated=$(cat "$work/client.err")
                    seen=$(server_line $((before + 1)))
                    http_verdict=$(GODEBUG=$godebug "$profiles_sh" run "$profile" "$gen" post "$addr" "$dir/ca.pem" "$name")
                    http_seen=$(server_line $((before + 2))) ;;
                esac
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "rsa$bits" "$server" "$cap" "$client" \
                    "$verdict" "$negotiated" "$seen" "$http_verdict" "$http_seen" >> "$tsv"
                printf '%-8s %-30s %-8s %-30s %s\n' "rsa$bits" "$server" "$cap" "$client" "$verdict" >&2
            done
            rm -f "$work/addr"
            wait "$server_pid" 2>/dev/null || true
            server_pid=
        done
    done
done

python3 - "$tsv" "$dir/verdicts.json" <<'EOF'
import json, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    leaf, server, cap, client, verdict, negotiated, seen, http_verdict, http_seen = line.rstrip("\n").split("\t")
    rows.append({
        "leaf": leaf,
        "server": server,
        "tls_cap": cap,
        "client": client,
        "verdict": verdict,
        "negotiated": negotiated,
        "server_saw": seen,
        "http_verdict": http_verdict,
        "http_server_saw": http_seen,
    })
doc = {
    "about": "Real handshakes: gen.go serve (webhook) vs gen.go dial (kube-apiserver-like client); see README.md. "
             "leaf: committed leaf-<leaf>.pem under ca.pem (RSA-2048). server/client: go-profiles.sh profile, "
             "'+X' = GODEBUG=X in the environment. tls_cap: server MaxVersion (default = TLS 1.3). "
             "verdict: the client's 'ok' or err.Error(). negotiated: client's version and suite when ok. "
             "server_saw: the server's own handshake outcome for that connection. "
             "http_verdict/http_server_saw: the same through net/http (gen.go post: POST "
             "https://webhook.default.svc:443/validate?timeout=10s, dialed to the server).",
    "server_name": "webhook.default.svc",
    "cases": rows,
}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
    f.write("\n")
EOF
echo "wrote $dir/verdicts.json" >&2
