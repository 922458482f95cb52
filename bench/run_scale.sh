#!/bin/sh
# Measures issue 9's scale scenarios with /usr/bin/time -v (wall clock, CPU, peak RSS).
#
# usage: bench/run_scale.sh [SPECLINT (default target/release/speclint)] [WORKDIR (default a temp dir)]
#
# Inputs come from bench/gen_scale.py (Python 3 with `cryptography`). Each line printed is
# one run: scenario, wall seconds, user + system seconds, peak RSS in MB.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/target/release/speclint}
work=${2:-$(mktemp -d)}
gen="python3 $root/bench/gen_scale.py"

[ -f "$work/webhooks-20000.yaml" ] || $gen webhooks "$work/webhooks-20000.yaml" 20000
[ -f "$work/pem-10000.pem" ] || $gen pem "$work/pem-10000.pem" 10000
[ -f "$work/cabundle-10000x5.yaml" ] || $gen cabundle "$work/cabundle-10000x5.yaml" 10000 5
[ -f "$work/chain-10000.yaml" ] || $gen chain "$work/chain-10000.yaml" 10000
[ -f "$work/secrets-2000.yaml" ] || $gen secrets "$work/secrets-2000.yaml" 2000

measure() {
    label=$1
    shift
    /usr/bin/time -v "$bin" "$@" >/dev/null 2>"$work/time.txt" || true
    awk -v label="$label" -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
        /User time/ { cpu += $2 }
        /System time/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%-52s %7.2f s wall %7.2f s cpu %7.0f MB\n", label, wall, cpu, rss }
    ' "$work/time.txt"
}

measure "20,000 webhooks, Services, Deployments (1 ns)" --format concise -q "$work/webhooks-20000.yaml"
measure "tls inspect, PEM of 10,000 certificates" tls inspect "$work/pem-10000.pem"
measure "caBundle of 10,000 certificates on 5 webhooks" --format concise -q "$work/cabundle-10000x5.yaml"
measure "tls.crt with 10,000 extra certificates" --format concise -q "$work/chain-10000.yaml"
measure "tls inspect, tls.crt with 10,000 extra" tls inspect "$work/chain-10000.yaml"
measure "2,000 Secrets and caBundles, one pod" --format concise -q "$work/secrets-2000.yaml"
echo "inputs kept in $work"
