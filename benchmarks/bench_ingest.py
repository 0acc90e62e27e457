"""Ingest cost per article at store sizes 100, 1,000 and 10,000, measured side by side.

How (DESIGN.md §3 numbers come from a 2-core machine; this one is often shared, so the sizes
are measured interleaved, in one process, and CPU time is shown next to wall time):

1. Prefill: the articles of ``benchmarks/generate.py`` (seeded) are turned into graphs without
   spaCy, from their ground truth (``resolve``, then ``generate.graph_quads``, checked at the
   start to give exactly the quads of ``kg.graph.to_graph``, which is 4x slower), and added one
   by one with the real ``kg.store.add_article`` (resolution, index, decisions, one transaction
   each, a flush every ``FLUSH_EVERY``) to a store directory; at each smaller size a RocksDB
   checkpoint (``Store.backup``) keeps a copy of the store as it was.
2. Measured: fresh generated articles go through the real path of ``kg ingest``
   (``read_articles`` -> ``build_graphs``: spaCy extraction, resolve, to_graph, SHACL) once,
   then ``add_article`` adds the same graph to every store, in rotating order. The table shows
   the medians: the shared extraction part, the store part (look-ups, resolution, one
   transaction), their sum, and ratios to the smallest store.
3. Memory: ``kg ingest`` of two more articles as a user runs it, per store, with its peak RSS
   (skipped with ``--quick``, which shows this process's peak instead).

The full run takes ~15-20 minutes on a loaded 2-core machine (the prefill of 10,000 articles
dominates); ``--quick`` (stores of 100 and 250 articles) checks the harness in under a
minute.

usage: python benchmarks/bench_ingest.py [--quick] [--sizes 100,1000,10000] [--measure 8]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from generate import World, article, quads_maker  # noqa: E402

from kg.graph import graph_iri  # noqa: E402
from kg.resolve import resolve  # noqa: E402
from kg.store import (  # noqa: E402 - _quads: rdflib -> quads
    FLUSH_EVERY,
    MARKER,
    add_article,
    connect,
)

KG = Path(sys.executable).with_name("kg")


def prefill(sizes: list[int], workdir: Path, seed: int) -> dict[int, Path]:
    """Store directories holding the first ``size`` generated articles, for each size."""
    world = World.make(seed)
    quads = quads_maker(world, seed)

    # a disk store, as users have: pyoxigraph's in-memory store slows down with every
    # transaction (a look-up took 1.6 us fresh, 219 us after 2,000 article-sized ones)
    biggest = max(sizes)
    target = workdir / f"store-{biggest}"
    db = connect(target, create=True)
    dirs: dict[int, Path] = {}
    start = time.perf_counter()
    for i in range(biggest):
        add_article(db, quads(resolve(article(world, i, seed)[1])))
        done = i + 1
        if done % FLUSH_EVERY == 0:
            db.flush()  # as ``kg ingest`` does
        if done % 1000 == 0:
            print(f"  prefill: {done} articles, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr)
        if done in sizes and done != biggest:
            dirs[done] = workdir / f"store-{done}"
            db.backup(str(dirs[done]))  # a RocksDB checkpoint: hard links, instant
            shutil.copy(target / MARKER, dirs[done] / MARKER)
    db.flush()
    del db
    dirs[biggest] = target
    print(f"  prefill done: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return dict(sorted(dirs.items()))


def measure(dirs: dict[int, Path], paths: list[Path]) -> dict[int, dict[str, float]]:
    """Median times of the measured ingests per store size (seconds)."""
    from kg.ingest import read_articles
    from kg.pipeline import build_graphs

    stores = {size: connect(path) for size, path in dirs.items()}
    sizes = sorted(stores)
    list(build_graphs(read_articles([paths[0]])))  # load the model outside the timings
    extract: list[float] = []
    wall: dict[int, list[float]] = {s: [] for s in sizes}
    cpu: dict[int, list[float]] = {s: [] for s in sizes}
    gc.collect()
    gc.freeze()  # the prefill's objects are not garbage: do not scan them in every timing
    for k, path in enumerate(paths[1:]):
        t0 = time.perf_counter()
        ((found, ds),) = list(build_graphs(read_articles([path])))
        extract.append(time.perf_counter() - t0)
        graph = ds.graph(graph_iri(found.id))
        for size in sizes[k % len(sizes):] + sizes[: k % len(sizes)]:
            w0, c0 = time.perf_counter(), time.process_time()
            add_article(stores[size], graph)
            wall[size].append(time.perf_counter() - w0)
            cpu[size].append(time.process_time() - c0)
    for db in stores.values():
        db.flush()
    shared = statistics.median(extract)
    return {s: {"extract": shared, "store": statistics.median(wall[s]),
                "store_cpu": statistics.median(cpu[s]),
                "total": shared + statistics.median(wall[s]),
                "quads": float(len(stores[s]))} for s in sizes}


def peak_rss(store: Path, paths: list[Path]) -> tuple[float, float]:
    """Peak RSS (MiB) and wall time of ``kg ingest PATHS --store STORE`` run as a user would."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(KG), "ingest", *map(str, paths), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        message = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"kg ingest failed: {message}")
    return usage.ru_maxrss / 1024, time.perf_counter() - t0


def _du(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: sizes 100 and 250, 3 measured articles, no "
                             "subprocess (< 60 s)")
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--measure", type=int, default=8, help="measured articles per size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep the stores here (default: a temp dir)")
    args = parser.parse_args(argv)
    sizes = [100, 250] if args.quick else [int(s) for s in args.sizes.split(",")]
    count = 3 if args.quick else args.measure
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        world = World.make(args.seed)
        measured = workdir / "articles"
        measured.mkdir(exist_ok=True)
        paths = []
        for k in range(count + 1 + (0 if args.quick else 2 * len(sizes))):
            record, _ = article(world, 1_000_000 + k, args.seed)
            path = measured / f"{record['id']}.json"
            path.write_text(json.dumps(record), encoding="utf-8")
            paths.append(path)
        print(f"prefilling stores of {', '.join(map(str, sizes))} articles in {workdir}",
              file=sys.stderr)
        dirs = prefill(sizes, workdir, args.seed)
        prefill_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        gc.collect()
        print("measuring", file=sys.stderr)
        results = measure(dirs, paths[: count + 1])
        rss: dict[int, tuple[float, float]] = {}
        if not args.quick:
            extra = paths[count + 1:]
            for n, size in enumerate(sorted(dirs)):
                rss[size] = peak_rss(dirs[size], extra[2 * n: 2 * n + 2])
        report(results, dirs, rss, prefill_rss, count, time.perf_counter() - started)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(results: dict[int, dict[str, float]], dirs: dict[int, Path],
           rss: dict[int, tuple[float, float]], prefill_rss: float, count: int,
           elapsed: float) -> None:
    base = results[min(results)]
    print(f"\nIngest per article, median of {count} articles added side by side to each store "
          f"(ms; store part = resolution + one transaction; CPU = this process)\n")
    head = ("| articles in store | quads | disk MiB | extract+graph+SHACL | store part | "
            "store CPU | total | total ratio | store ratio | `kg ingest` peak RSS MiB |")
    print(head)
    print("|" + "---:|" * (head.count("|") - 1))
    for size in sorted(results):
        r = results[size]
        mem = f"{rss[size][0]:.0f} ({rss[size][1]:.1f} s)" if size in rss else "-"
        print(f"| {size:,} | {int(r['quads']):,} | {_du(dirs[size]):.0f} | "
              f"{r['extract'] * 1000:.0f} | {r['store'] * 1000:.1f} | "
              f"{r['store_cpu'] * 1000:.1f} | {r['total'] * 1000:.0f} | "
              f"{r['total'] / base['total']:.2f} | {r['store'] / base['store']:.2f} | {mem} |")
    print(f"\nprefill process peak RSS: {prefill_rss:.0f} MiB; whole run {elapsed:.0f} s; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
