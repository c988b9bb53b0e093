"""jixiao's benchmarks: throughput and peak memory against the physical floors and the
do-it-yourself peer, all measured in one run on one corpus.

    python3 benches/bench.py            # 1,000 and 10,000 projects; writes BENCHMARKS.md
    python3 benches/bench.py --quick    # 60 projects, one run each; prints only (CI)
    python3 benches/bench.py --sizes 1000,2500,10000,25000 --runs 1 --peer-up-to 10000   # province scale

Each row is a whole process timed from outside (wall seconds, median of the runs; and per
project, so growth shows), with its peak resident memory (GNU time's maximum resident set
size):

- read floor: bare calamine, opening every file and reading every cell and merged region
  (examples/calamine_floor.rs);
- write floor: bare rust_xlsxwriter, writing the same cells and merges as split or merge,
  without formats (examples/write_floor.rs);
- peer: an openpyxl script extracting the same fields (benches/openpyxl_peer.py);
- extract, check, merge, split: jixiao itself.

The corpus is .xlsx in four shapes (official, stacked, no merges, flat export), one
project per file, made by examples/corpus.rs with a fixed seed (the peer reads .xlsx
only). split and merge read their inputs as well as write; the write floor only writes,
so split is also given against the read and write floors together.
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")
EXAMPLES = os.path.join(BIN, "examples")


def run(cmd):
    """Runs a command; returns (wall seconds, peak RSS in MiB, exit status). GNU time
    reports the peak of the command alone (a fork of this Python would count ours)."""
    report = os.path.join(ROOT, "target", "bench", "time.txt")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    with open(report) as f:
        peak_kib = int(f.read().split()[-1])
    return wall, peak_kib / 1024.0, proc.returncode


def measure(name, cmd, runs, prepare=None):
    walls, peaks = [], []
    for _ in range(runs):
        if prepare:
            prepare()
        wall, peak, code = run(cmd)
        if code not in (0, 1):
            sys.exit(f"{name} failed with status {code}: {' '.join(cmd)}")
        walls.append(wall)
        peaks.append(peak)
    return {"wall": statistics.median(walls), "min": min(walls), "max": max(walls), "peak": max(peaks)}


def build():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "jixiao", "--examples"], cwd=ROOT, check=True)


def bench_size(n, work, runs, peer_runs, peer_up_to=None):
    corpus = os.path.join(work, f"corpus_{n}")
    out = os.path.join(work, f"out_{n}")
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    subprocess.run([os.path.join(EXAMPLES, "corpus"), "--projects", str(n), "--shapes", "official,stacked,plain,flat",
                    "--seed", "7", "--out", corpus], check=True, stderr=subprocess.DEVNULL)
    jx = os.path.join(BIN, "jixiao")
    floor = os.path.join(EXAMPLES, "write_floor")
    # The write floor writes what jixiao writes: dump jixiao's output once, untimed.
    split_ref, merged_ref = os.path.join(out, "split_ref"), os.path.join(out, "merged_ref")
    os.makedirs(merged_ref)
    subprocess.run([jx, "split", corpus, "-o", split_ref], check=True, stderr=subprocess.DEVNULL)
    subprocess.run([jx, "merge", corpus, "-o", os.path.join(merged_ref, "merged.xlsx")], check=False, stderr=subprocess.DEVNULL)
    subprocess.run([floor, "dump", split_ref, os.path.join(out, "split.json")], check=True)
    subprocess.run([floor, "dump", merged_ref, os.path.join(out, "merge.json")], check=True)

    def fresh(path):
        return lambda: shutil.rmtree(path, ignore_errors=True)

    rows = {}
    rows["read floor"] = measure("read floor", [os.path.join(EXAMPLES, "calamine_floor"), corpus], runs)
    rows["extract"] = measure("extract", [jx, "extract", corpus, "-o", "/dev/null"], runs)
    rows["check"] = measure("check", [jx, "check", corpus], runs)
    rows["write floor (split)"] = measure("write floor", [floor, "write", os.path.join(out, "split.json"), os.path.join(out, "wf_split")], runs, fresh(os.path.join(out, "wf_split")))
    rows["split"] = measure("split", [jx, "split", corpus, "-o", os.path.join(out, "split"), "--force"], runs, fresh(os.path.join(out, "split")))
    rows["write floor (merge)"] = measure("write floor", [floor, "write", os.path.join(out, "merge.json"), os.path.join(out, "wf_merge")], runs, fresh(os.path.join(out, "wf_merge")))
    rows["merge"] = measure("merge", [jx, "merge", corpus, "-o", os.path.join(out, "merged.xlsx"), "--force"], runs)
    if peer_up_to is None or n <= peer_up_to:
        rows["peer (openpyxl)"] = measure("peer", [sys.executable, os.path.join(ROOT, "benches", "openpyxl_peer.py"), corpus], peer_runs)
    return rows


def table(results):
    lines = ["| projects | command | wall s (median) | min–max | µs / project | peak MiB | ratio | target |", "|---|---|---|---|---|---|---|---|"]
    for n, rows in results.items():
        rf, wfs, wfm = rows["read floor"]["wall"], rows["write floor (split)"]["wall"], rows["write floor (merge)"]["wall"]
        ratios = {
            "extract": (rows["extract"]["wall"] / rf, "× read floor", "≤ 1.25"),
            "check": (rows["check"]["wall"] / rf, "× read floor", "≤ 1.25"),
            "split": (rows["split"]["wall"] / (rf + wfs), f"× (read + write floor); {rows['split']['wall'] / wfs:.2f}× write floor", "≤ 1.3"),
            "merge": (rows["merge"]["wall"] / (rf + wfm), "× (read + write floor)", "≤ 1.3; ≤ 300 MB"),
        }
        if "peer (openpyxl)" in rows:
            ratios["peer (openpyxl)"] = (rows["peer (openpyxl)"]["wall"] / rows["extract"]["wall"], "× extract", "≥ 100")
        for name, r in rows.items():
            ratio, target = "", ""
            if name in ratios:
                value, what, target = ratios[name]
                ratio = f"{value:.2f}{what}"
            per = r["wall"] / n * 1e6
            lines.append(f"| {n:,} | {name} | {r['wall']:.3f} | {r['min']:.3f}–{r['max']:.3f} | {per:,.0f} | {r['peak']:.1f} | {ratio} | {target} |")
    # merge's memory is to stay flat: its peak at each size against its own at the smallest.
    sizes = sorted(results)
    first = 2500 if 2500 in results else sizes[0]
    later = [n for n in sizes if n > first]
    if later:
        base = results[first]["merge"]["peak"]
        growth = ", ".join(f"{n:,}: {results[n]['merge']['peak'] / base:.2f}×" for n in later)
        lines.append("")
        lines.append(f"merge's peak memory against its own at {first:,} projects (target: ≤ 1.2× at 25,000 against 2,500): {growth}.")
    return "\n".join(lines)


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}, {rustc}, Python {platform.python_version()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a small corpus, one run each, print only")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer-up-to", type=int, help="run the peer only on corpora of at most this many projects (it takes minutes per 10,000)")
    args = ap.parse_args()
    sizes = [60] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    build()
    work = os.path.join(ROOT, "target", "bench")
    os.makedirs(work, exist_ok=True)
    results = {n: bench_size(n, work, runs, 1, args.peer_up_to) for n in sizes}
    text = table(results)
    print(text)
    if not args.quick:
        today = datetime.date.today().isoformat()
        path = os.path.join(ROOT, "BENCHMARKS.md")
        # The sections after the table (the page's benchmark) are measured apart: kept.
        rest = ""
        if os.path.exists(path):
            with open(path) as f:
                old = f.read()
            if "\n## " in old:
                rest = "\n" + old[old.index("\n## ") + 1:]
        with open(path, "w") as f:
            f.write(f"# Benchmarks\n\nMeasured {today} on {machine()}, by `python3 benches/bench.py --sizes {args.sizes} --runs {runs}{f' --peer-up-to {args.peer_up_to}' if args.peer_up_to else ''}` "
                    f"({runs} run{'s' if runs > 1 else ''} per row, the peer once; wall time is the median, peak memory the largest).\n\n"
                    f"{__doc__.split(chr(10) + chr(10), 2)[2]}\n{text}\n{rest}")


if __name__ == "__main__":
    main()
