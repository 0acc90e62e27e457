"""Build throughput with 1 and 2 worker processes: `kg build --workers N` on the same articles.

Each run is the `kg` command as a user runs it (a fresh process: reading, the model load,
starting the workers, extraction, writing TriG; no HTML, which the one writer draws whatever
N is), alternating 1 and 2 workers on the same articles. Throughput is wall time (the point of
workers is to finish sooner), so the machine's CPU load during each run is shown beside it: on
a 2-core machine that other work keeps busy, a second worker has little idle CPU to use. Each
figure is the median of --repeat runs with its spread; the ratio is throughput(2) /
throughput(1). The outputs are checked to be byte-identical.

usage: python benchmarks/bench_workers.py [--corpus ../shared/corpus/bbc-news.jsonl] [-n 128]
                                          [--repeat 3] [--quick]
Without --corpus the articles come from benchmarks/generate.py (seeded).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.ingest import read_articles  # noqa: E402
from kg.parallel import BUILD_CHUNK  # noqa: E402

KG = Path(sys.executable).with_name("kg")

WORKERS = (1, 2)


def articles_file(args: argparse.Namespace, folder: Path) -> Path:
    """The first ``-n`` articles of ``--corpus``, or ``-n`` generated ones, as JSON lines."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import articles_jsonl

    return articles_jsonl(folder / "articles.jsonl", args.n, args.corpus)


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat (0, 0 if unreadable)."""
    try:
        fields = Path("/proc/stat").read_text(encoding="utf-8").split("\n", 1)[0].split()[1:]
    except OSError:
        return 0, 0
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def run(path: Path, out: Path, workers: int) -> tuple[float, float, float]:
    """Wall seconds of one build, the CPU seconds of all its processes, and the machine's CPU
    busy share (all cores) meanwhile.

    The CPU time is the command's own (``wait4``) plus that of its descendants (the
    forkserver and the workers, which it does not wait for), sampled every 0.1 s with psutil,
    so slightly under the truth for N > 1 (NaN without psutil).
    """
    try:
        import psutil
    except ImportError:  # pragma: no cover - a dev dependency (through distributed)
        psutil = None
    busy0, total0 = cpu_ticks()
    start = time.perf_counter()
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([str(KG), "build", str(path), "--out", str(out), "--no-html",
                             "--workers", str(workers)], stderr=err)
    seen: dict[int, float] = {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if psutil is None:
            time.sleep(0.1)
            continue
        try:
            for child in psutil.Process(proc.pid).children(recursive=True):
                try:
                    t = child.cpu_times()
                    seen[child.pid] = t.user + t.system
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    busy1, total1 = cpu_ticks()
    if proc.returncode != 0:
        err.seek(0)
        raise SystemExit(f"kg build --workers {workers} failed: {err.read()[-2000:]!r}")
    err.close()
    cpu = usage.ru_utime + usage.ru_stime + sum(seen.values()) if psutil else float("nan")
    share = (busy1 - busy0) / (total1 - total0) if total1 > total0 else float("nan")
    return seconds, cpu, share


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus")
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.n, args.repeat = min(args.n, BUILD_CHUNK + 4), 1  # two tasks: both workers busy
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = articles_file(args, folder)
        arts = list(read_articles([path]))
        words = sum(len(a.text.split()) for a in arts)
        if not args.quick:
            run(path, folder / "warm", 1)  # the model's files in the page cache for every run
        times: dict[int, list[float]] = {w: [] for w in WORKERS}
        cpus: dict[int, list[float]] = {w: [] for w in WORKERS}
        busy: dict[int, list[float]] = {w: [] for w in WORKERS}
        for r in range(args.repeat):
            # alternate which goes first, so drifting load favours neither
            for workers in WORKERS if r % 2 == 0 else WORKERS[::-1]:
                print(f"[bench_workers] run {r + 1}, {workers} worker(s)", file=sys.stderr)
                seconds, cpu, share = run(path, folder / f"out{workers}", workers)
                times[workers].append(seconds)
                cpus[workers].append(cpu)
                busy[workers].append(share)
        same = all((folder / f"out{w}" / "graph.trig").read_bytes()
                   == (folder / "out1" / "graph.trig").read_bytes() for w in WORKERS)
    load_end = os.getloadavg()[0]
    source = "corpus" if args.corpus and Path(args.corpus).is_file() and not re.match(
        r"generated(-\d+)?\.jsonl$", Path(args.corpus).name) else "generated"
    print(f"## Throughput with worker processes ({len(arts)} {source} articles, {words:,} "
          f"words, median of {args.repeat}; wall time, {cores} cores)\n")
    print("| workers | seconds | spread | articles/s | CPU seconds, all its processes | "
          "machine CPU busy (all cores) |")
    print("|---|---:|---:|---:|---:|---:|")
    rate = {}
    for w in WORKERS:
        med = statistics.median(times[w])
        rate[w] = len(arts) / med
        print(f"| {w} | {med:.2f} | {min(times[w]):.2f}-{max(times[w]):.2f} | {rate[w]:.1f} | "
              f"{statistics.median(cpus[w]):.1f} | {statistics.median(busy[w]):.0%} |")
    ratio = rate[WORKERS[-1]] / rate[WORKERS[0]]
    cpu_ratio = statistics.median(cpus[WORKERS[-1]]) / statistics.median(cpus[WORKERS[0]])
    print(f"| **ratio 2 workers / 1 worker (throughput)** | **{ratio:.2f}** | | | "
          f"CPU {cpu_ratio:.2f}x | |\n")
    print(f"Load average (1 min): {load_start:.2f} at the start, {load_end:.2f} at the end, on "
          f"{cores} cores. Outputs byte-identical across worker counts: "
          f"{'yes' if same else '**NO**'}. With the CPU fully busy (other work included), a "
          "second worker finds no idle core: the wall-time ratio then shows the cost of "
          "parallel mode, and the CPU ratio its overhead (a second process, pickling).")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
