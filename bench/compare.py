#!/usr/bin/env python3
"""Issue 12's benchmark: speclint against the parse-only floor on the same files.

usage: bench/compare.py [--runs N] [--charts N [N]] [--stream DOCUMENTS] [--work DIR] [SPECLINT]

Builds the floor (`cargo build --release --example parse_floor`) unless it exists,
generates the corpus with bench/gen_corpus.py into DIR (default /tmp/speclint-bench)
unless it is there, then runs speclint and the floor alternately N times (default 5)
and prints the median wall time, CPU time (user + system) and peak resident memory of
each, and their ratios. With two corpus sizes it says how the second scales against the
first; --stream adds one stream of many small documents (memory per document). It also
times one chart (the pre-commit case) and an empty input. Needs GNU time (/usr/bin/time). Run it on a quiet machine: the ratios are only as good
as the runs.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(argv):
    """Wall seconds, CPU seconds and peak RSS in MB (10^6 bytes) of one run, output discarded. The CPU
    time is wait4's (it counts what GNU time waited for); the peak is GNU time's, since
    wait4's would count the memory of the forked interpreter."""
    with tempfile.NamedTemporaryFile(mode="r") as report:
        start = time.perf_counter()
        process = subprocess.Popen(
            ["/usr/bin/time", "-q", "-f", "%M", "-o", report.name] + argv,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            sys.exit(f"{argv[0]} exited with {code}")
        kilobytes = int(report.read().split()[-1])
    # GNU time's %M is in KiB; figures here are in MB (10^6 bytes), like the input size.
    return wall, usage.ru_utime + usage.ru_stime, kilobytes * 1024 / 1e6


def run_small(argv):
    """Wall and CPU seconds of a short run, spawned directly (no GNU time in between)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, 0


def medians(samples):
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def input_bytes(path):
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus_of(work, charts):
    corpus = work / f"charts-{charts}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "bench/gen_corpus.py"), str(corpus), str(charts)], check=True)
    return corpus


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--charts", type=int, nargs="+", default=[4000],
                        help="corpus sizes; with two, the second's time and memory are also given as a multiple of the first's")
    parser.add_argument("--stream", type=int, default=0, metavar="DOCUMENTS",
                        help="also measure one stream of this many small documents")
    parser.add_argument("--work", default="/tmp/speclint-bench")
    parser.add_argument("speclint", nargs="?", default=str(ROOT / "target/release/speclint"))
    args = parser.parse_args()

    floor = ROOT / "target/release/examples/parse_floor"
    if not floor.exists():
        subprocess.run(["cargo", "build", "--release", "--example", "parse_floor"], cwd=ROOT, check=True)
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    speclint = [args.speclint, "--format", "concise", "-q"]
    results = {}
    for charts in args.charts:
        corpus = corpus_of(work, charts)
        big, base = [], []
        for _ in range(args.runs):
            big.append(run(speclint + [str(corpus)]))
            base.append(run([str(floor), str(corpus)]))
        size = input_bytes(corpus) / 1e6
        s, f = medians(big), medians(base)
        results[charts] = s
        print(f"corpus: {charts} charts, {size:.1f} MB, median of {args.runs} runs")
        print(f"{'':16}{'wall s':>10}{'cpu s':>10}{'peak MB':>10}")
        print(f"{'speclint':16}{s[0]:10.2f}{s[1]:10.2f}{s[2]:10.0f}")
        print(f"{'parse floor':16}{f[0]:10.2f}{f[1]:10.2f}{f[2]:10.0f}")
        print(f"{'ratio':16}{s[0] / f[0]:10.2f}{s[1] / f[1]:10.2f}{s[2] / size:10.2f}  (memory: x input)")
    if len(args.charts) >= 2:
        a, b = args.charts[0], args.charts[1]
        ra, rb = results[a], results[b]
        print(f"{b} charts against {a}: wall x{rb[0] / ra[0]:.2f}, cpu x{rb[1] / ra[1]:.2f}, peak memory x{rb[2] / ra[2]:.2f}")
    if args.stream:
        stream = work / f"stream-{args.stream}.yaml"
        if not stream.exists():
            subprocess.run([sys.executable, str(ROOT / "bench/gen_corpus.py"), "--stream", str(stream), str(args.stream)], check=True)
        t = medians([run(speclint + [str(stream)]) for _ in range(args.runs)])
        size = input_bytes(stream) / 1e6
        print(f"stream of {args.stream} small documents, {size:.0f} MB: {t[0]:.2f} s wall, {t[1]:.2f} s cpu, {t[2]:.0f} MB peak (x{t[2] / size:.2f} input)")
    one_chart = corpus_of(work, args.charts[0]) / "chart-00000"
    empty = work / "empty.yaml"
    empty.write_text("")
    repeats = max(args.runs, 30)
    o = medians([run_small(speclint + [str(one_chart)]) for _ in range(repeats)])
    e = medians([run_small(speclint + [str(empty)]) for _ in range(repeats)])
    t = medians([run_small(["/bin/true"]) for _ in range(repeats)])
    print(f"one chart ({input_bytes(one_chart) / 1e3:.0f} KB): {o[0] * 1e3:.1f} ms wall, {o[1] * 1e3:.1f} ms cpu")
    print(f"empty input: {e[0] * 1e3:.1f} ms wall, {e[1] * 1e3:.1f} ms cpu")
    print(f"(spawning /bin/true the same way: {t[0] * 1e3:.1f} ms wall, included above)")


if __name__ == "__main__":
    main()
