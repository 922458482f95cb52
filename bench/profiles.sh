#!/usr/bin/env bash
# The build profiles against each other, in one run: size, wall time and peak memory of
# `release`, `dist` (glibc) and the static `dist` musl build the archives and the image ship,
# on 2,000 webhooks sharing a CA (bench/gen_scale.py), with ratios to `dist`.
# usage: bench/profiles.sh [RUNS (default 20)]   (needs hyperfine, and rustup's musl target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
musl=x86_64-unknown-linux-musl
cargo build --quiet --release --locked
cargo build --quiet --profile dist --locked
RUSTFLAGS="-C target-feature=+crt-static" cargo build --quiet --profile dist --locked --target "$musl"
cp target/release/speclint "$work/release"
cp target/dist/speclint "$work/dist"
cp "target/$musl/dist/speclint" "$work/dist-musl"
python3 bench/gen_scale.py webhooks "$work/input.yaml" 2000 --namespaces 20 --secrets > /dev/null
args="--no-config --now 2026-11-27T00:00:00Z --format json $work/input.yaml -o /dev/null"
# shellcheck disable=SC2086 # $args is words
hyperfine -N -w 3 -r "$runs" -i --export-json "$work/times.json" \
  "$work/release $args" "$work/dist $args" "$work/dist-musl $args" > /dev/null
python3 - "$work" <<'PY'
import json, os, subprocess, sys
work = sys.argv[1]
names = ["release", "dist", "dist-musl"]
times = {n: r["mean"] for n, r in zip(names, json.load(open(f"{work}/times.json"))["results"])}
print(f"{'binary':<10} {'size MB':>8} {'mean ms':>8} {'x dist':>7} {'peak MB':>8}")
for name in names:
    peak = subprocess.run(
        ["/usr/bin/time", "-f", "%M", f"{work}/{name}", "--no-config", "--now", "2026-11-27T00:00:00Z",
         "--format", "json", f"{work}/input.yaml", "-o", "/dev/null"],
        capture_output=True, text=True).stderr.strip().splitlines()[-1]
    size = os.path.getsize(f"{work}/{name}") / 1e6
    print(f"{name:<10} {size:8.1f} {times[name]*1000:8.0f} {times[name]/times['dist']:7.2f} {int(peak)/1024:8.0f}")
PY
