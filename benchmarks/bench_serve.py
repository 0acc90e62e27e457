"""``kg serve``: what HTTP adds to the saved queries, and what a timed-out query costs.

The store: the generated articles of ``bench_query`` (``article_nquads``), bulk-loaded and
compacted as there. ``kg serve`` runs as a subprocess with 2 workers, queried over HTTP
(urllib, SPARQL JSON results), side by side with ``kg.query.query`` in this process on a
read-only open of the same store (runs alternate).

1. Saved queries: median latency over HTTP and in process, and their ratio.
2. A runaway query (a cross join of the whole store three times) with ``--timeout``: how long
   the client waits for the 503, how long the next query then waits for the replacement
   worker (against a query's usual latency), and the CPU time the new worker took to start.
   The killed query used one core for the whole timeout.

usage: python benchmarks/bench_serve.py [--quick] [--articles 1000] [--runs 5] [--timeout 1]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_query import article_nquads, embedded_store  # noqa: E402

from kg.query import query, saved_queries  # noqa: E402

KG = Path(sys.executable).with_name("kg")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "ASK { ?s ?p ?o }"
QUERIES = ("entities", "roles", "mentions-ranked", "co-mentions")


def ask(url: str, sparql: str) -> tuple[int, float]:
    """Status and wall seconds of one SPARQL JSON request."""
    request = urllib.request.Request(
        f"{url}sparql?{urllib.parse.urlencode({'query': sparql})}",
        headers={"Accept": "application/sparql-results+json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            json.loads(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - start


def children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.add(int(entry.name))
    return out


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 articles, 2 runs")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.runs = 100, 2
    nquads = article_nquads([args.articles])[args.articles]
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        local, _, _ = embedded_store(nquads, Path(tmp))
        store = Path(tmp) / "store"
        with running(store, Path(tmp), timeout=120) as (url, _):
            latency(url, local, args)
        with running(store, Path(tmp), timeout=args.timeout) as (url, pid):
            stopped(url, pid, args)
    return 0


@contextmanager
def running(store: Path, folder: Path, *, timeout: float) -> Iterator[tuple[str, int]]:
    """``kg serve`` on a free port with 2 workers: its URL and PID; SIGINT at the end."""
    with open(folder / "serve.log", "w") as log:
        server = subprocess.Popen(
            [str(KG), "serve", "--store", str(store), "--port", "0", "--timeout", str(timeout),
             "--workers", "2"], stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            assert server.stdout is not None
            ready, _, _ = select.select([server.stdout], [], [], 120)
            url = server.stdout.readline().strip() if ready else ""
            if not url.startswith("http://"):
                raise SystemExit(f"kg serve did not start: {(folder / 'serve.log').read_text()}")
            yield url, server.pid
        finally:
            os.kill(server.pid, signal.SIGINT)
            code = server.wait(timeout=60)
            if server.stdout is not None:
                server.stdout.close()
            print(f"\nkg serve exited with {code} after SIGINT.\n")


def latency(url: str, local: Any, args: argparse.Namespace) -> None:
    print(f"## kg serve: HTTP against in-process queries ({args.articles:,} articles)\n")
    print("| saved query | rows | in process ms | over HTTP ms | HTTP / in process |")
    print("|---|---:|---:|---:|---:|")
    names = saved_queries()
    for name in QUERIES:
        sparql = names[name][1]
        inproc, http = [], []
        rows = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            rows = len(query(local, sparql, limit=10_000).rows)
            inproc.append(time.perf_counter() - start)
            status, seconds = ask(url, sparql)
            assert status == 200, (name, status)
            http.append(seconds)
        a, b = statistics.median(inproc), statistics.median(http)
        print(f"| `{name}` | {rows} | {ms(a)} | {ms(b)} | {b / a:.2f} |")


def stopped(url: str, pid: int, args: argparse.Namespace) -> None:
    print(f"## kg serve: cost of a query stopped by --timeout {args.timeout:g} s\n")
    print("| run | 503 after s | usual ASK ms | next ASK ms | next / usual | "
          "new worker start CPU ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    forkserver = next(p for p in children(pid)  # the workers are its children
                      if b"forkserver" in Path(f"/proc/{p}/cmdline").read_bytes())
    for run in range(1, args.runs + 1):
        usual = statistics.median(ask(url, ASK)[1] for _ in range(5))
        before = children(forkserver)
        status, waited = ask(url, RUNAWAY)
        assert status == 503, status
        status, nxt = ask(url, ASK)  # may land on the other, healthy worker
        assert status == 200
        new = children(forkserver) - before
        for _ in range(100):
            if new:
                break
            time.sleep(0.05)
            new = children(forkserver) - before
        time.sleep(0.5)  # let the new worker finish opening the store
        start_cpu = cpu_seconds(min(new)) if new else float("nan")
        print(f"| {run} | {waited:.2f} | {ms(usual)} | {ms(nxt)} | {nxt / usual:.1f} | "
              f"{ms(start_cpu)} |")


if __name__ == "__main__":
    raise SystemExit(main())
