"""Saved-query latency on four engines, same data: embedded, Oxigraph server, Virtuoso, rdflib.

The data: the generated articles of ``bench_query`` (``article_nquads``: seeded, cached
N-Quads, one named graph per article). Each engine gets the same file:

- **embedded**: a pyoxigraph store directory, bulk-loaded, compacted (``Store.optimize``) and
  opened read-only, as ``kg query --store DIR`` opens it (``bench_query.embedded_store``);
- **Oxigraph server**: ``oxigraph serve`` on a copy of that directory (same on-disk format),
  queried over HTTP through ``kg.remote.RemoteStore`` (what ``kg query --store http://...``
  runs); started with ``--timeout-s`` = the budget;
- **Virtuoso**: ``virtuoso-t`` (Debian) loaded with its bulk loader (``ld_dir`` and
  ``rdf_loader_run()`` through ``isql``), queried over HTTP through ``RemoteStore``; its
  ``/sparql`` stops a query after the budget (``MaxQueryExecutionTime``) and then answers
  what it found so far, which the row check below catches;
- **rdflib**: an in-memory ``Dataset`` parsed from the file (``Dataset.parse``), its own
  SPARQL engine.

Every saved query (``kg/queries/*.rq``) runs through ``kg.query.query`` on the first three
(every row turned into Python) and ``Dataset.query`` on rdflib; runs alternate between the
engines. A run that takes longer than ``--budget`` seconds, fails or times out stops that
engine for that query: the cell says "> budget". Rows are checked against the embedded
store's count; a different count is flagged (a partial answer, or a dialect difference).

The servers are started by ``tests/servers.py`` (the tests' own code, imported), bound to
127.0.0.1, and stopped by PID at the end, also on errors or Ctrl-C; if this process is
killed outright, the kernel kills them (``PR_SET_PDEATHSIG``).

usage: python benchmarks/bench_engines.py [--quick] [--sizes 200,10000] [--runs 5] [--budget 30]
                                          [--load-budget 300] [--only NAME,...] [--skip ENGINE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # tests/servers.py: starting and stopping the servers
sys.path.insert(0, str(ROOT))

from bench_query import Timeout as OverBudget  # noqa: E402 - a run past its budget
from bench_query import (  # noqa: E402
    article_nquads,
    embedded_store,
    rdflib_dataset,
    run_rdflib,
    time_limit,
)
from servers import Server, start_oxigraph, start_virtuoso, virtuoso_bulk_load  # noqa: E402

from kg.query import query, saved_queries  # noqa: E402
from kg.remote import RemoteStore  # noqa: E402

ENGINES = ("embedded", "Oxigraph server", "Virtuoso", "rdflib")


@dataclass
class Engine:
    """One engine holding the data: how to run a saved query on it, and how long loading took."""

    name: str
    run: Callable[[str], int] | None  # None: not loaded
    load: str  # what loading took, for the table
    times: dict[str, list[float]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    over: dict[str, str] = field(default_factory=dict)  # query -> why it stopped
    server: int | None = None  # the server's PID, whose CPU time counts too
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def cpu_seconds(self) -> float:
        """CPU time so far of this process and, for a server, of the server process."""
        own = time.process_time()
        if self.server is None:
            return own
        try:
            fields = Path(f"/proc/{self.server}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return own
        return own + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _remote(server: Server, budget: float) -> RemoteStore:
    env = server.env
    base = server.url.rsplit("/sparql", 1)[0]
    return RemoteStore(base, query_url=env.get("NEWSKG_STORE_QUERY_URL"), read_only=True,
                       timeout=budget + 5, retries=0)


def _kg_rows(db: Any, sparql: str) -> int:
    return len(query(db, sparql).rows)


WARM_UP = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def warm_up(engine: Engine, budget: float) -> None:
    """Count every quad once before timing (a server's first query reads its files cold)."""
    if engine.run is None:
        return
    start = time.perf_counter()
    try:
        with time_limit(budget * 4):
            engine.run(WARM_UP)
    except Exception as exc:  # noqa: BLE001 (reported in the load cell)
        engine.load += f"; warm-up count failed ({type(exc).__name__})"
        return
    engine.load += f"; then counting every quad {time.perf_counter() - start:.1f} s"


def load_engines(nquads: Path, workdir: Path, stack: ExitStack, *, budget: float,
                 load_budget: float, quads: list[int], skip: set[str]) -> list[Engine]:
    """Every engine holding ``nquads``; servers registered on ``stack`` to be stopped."""
    engines = []
    t0 = time.perf_counter()
    store, bulk, compact = embedded_store(nquads, workdir / "embedded")
    quads.append(len(store))
    engines.append(Engine("embedded", lambda q: _kg_rows(store, q),
                          f"bulk load {bulk:.1f} s + compaction {compact:.1f} s"))
    print(f"  embedded loaded in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    if "Oxigraph server" not in skip:
        t0 = time.perf_counter()
        copy = workdir / "oxigraph"
        shutil.copytree(workdir / "embedded" / "store", copy,
                        ignore=shutil.ignore_patterns("LOCK"))
        copied = time.perf_counter() - t0
        t0 = time.perf_counter()
        server = start_oxigraph(copy, timeout_s=max(1, round(budget)), die_with_parent=True)
        stack.callback(server.stop)
        started = time.perf_counter() - t0
        ox_db = _remote(server, budget)
        stack.callback(ox_db.close)
        engines.append(Engine("Oxigraph server", lambda q: _kg_rows(ox_db, q),
                              f"the embedded store's directory copied ({copied:.1f} s), "
                              f"server up in {started:.1f} s", server=server.process.pid))

    if "Virtuoso" not in skip:
        t0 = time.perf_counter()
        # ~1.3 GB of cache at 10,000 articles (5.7 M quads), 80 MB for small runs
        buffers = max(10_000, min(170_000, quads[0] * 3 // 100))
        virtuoso = start_virtuoso(workdir / "virtuoso", buffers=buffers,
                                  query_timeout=max(1, round(budget)), cost_limit=0,
                                  die_with_parent=True)
        stack.callback(virtuoso.stop)
        started = time.perf_counter() - t0
        t0 = time.perf_counter()
        virtuoso_bulk_load(virtuoso, nquads, timeout=3600)
        loaded = time.perf_counter() - t0
        v_db = _remote(virtuoso, budget)
        stack.callback(v_db.close)
        engines.append(Engine("Virtuoso", lambda q: _kg_rows(v_db, q),
                              f"bulk load + checkpoint {loaded:.1f} s (server up in "
                              f"{started:.1f} s)", server=virtuoso.process.pid))
        print(f"  Virtuoso loaded in {loaded:.0f} s", file=sys.stderr, flush=True)

    if "rdflib" not in skip:
        t0 = time.perf_counter()
        try:
            with time_limit(load_budget):
                ds = rdflib_dataset(nquads)
        except OverBudget:
            engines.append(Engine("rdflib", None, f"> {load_budget:.0f} s (stopped)"))
        else:
            loaded = time.perf_counter() - t0
            engines.append(Engine("rdflib", lambda q: run_rdflib(ds, q),
                                  f"`Dataset.parse` {loaded:.1f} s"))
        print(f"  rdflib: {engines[-1].load}", file=sys.stderr, flush=True)
    for engine in engines:
        if engine.name != "rdflib":  # in memory: nothing cold
            warm_up(engine, budget)
    return engines


def measure(engines: list[Engine], names: dict[str, str], runs: int, budget: float) -> None:
    """Each saved query on each engine, runs alternating, each run within ``budget``."""
    for name, sparql in names.items():
        for _ in range(runs):
            for engine in engines:
                if engine.run is None or name in engine.over:
                    continue
                start, cpu = time.perf_counter(), engine.cpu_seconds()
                try:
                    with time_limit(budget + 10):  # the servers stop themselves at budget
                        rows = engine.run(sparql)
                except OverBudget:
                    engine.over[name] = "stopped"
                    print(f"  {engine.name} {name}: stopped after {budget + 10:.0f} s",
                          file=sys.stderr, flush=True)
                    continue
                except Exception as exc:  # noqa: BLE001 (a failing engine is a result)
                    took = time.perf_counter() - start
                    engine.over[name] = ("timed out" if took >= budget * 0.9
                                         else f"failed: {type(exc).__name__}")
                    print(f"  {engine.name} {name}: {exc}"[:300], file=sys.stderr, flush=True)
                    continue
                ms = (time.perf_counter() - start) * 1000
                if ms > budget * 1000:
                    engine.over[name] = "over budget"
                    print(f"  {engine.name} {name}: {ms / 1000:.1f} s, over budget",
                          file=sys.stderr, flush=True)
                    engine.rows[name] = rows
                    continue
                engine.times.setdefault(name, []).append(ms)
                engine.cpu.setdefault(name, []).append((engine.cpu_seconds() - cpu) * 1000)
                engine.rows[name] = rows
        print(f"  {name}: " + ", ".join(
            f"{e.name} {statistics.median(e.times[name]):.0f} ms" if e.times.get(name)
            else f"{e.name} -" for e in engines), file=sys.stderr, flush=True)


def cell(engine: Engine, name: str, reference: int | None, budget: float, *,
         cpu: bool = False) -> str:
    times = (engine.cpu if cpu else engine.times).get(name, [])
    if engine.run is None:
        return "not loaded"
    if name in engine.over and not times:
        why = engine.over[name]
        return (f"> {budget:.0f} s" if not why.startswith("failed") else why)
    med = statistics.median(times)
    text = f"{med:,.1f}" if med < 100 else f"{med:,.0f}"
    if len(times) > 1:
        text += f" ({min(times):,.0f}\u2013{max(times):,.0f})"
    if len(times) < 3:
        text += f" [{len(times)}]"
    if name in engine.over:
        text += f", then > {budget:.0f} s"
    rows = engine.rows.get(name)
    if reference is not None and rows is not None and rows != reference:
        text += f" ({rows:,} rows!)"
    return text


def table(size: int, quads: int, engines: list[Engine], names: dict[str, str], runs: int,
          budget: float) -> None:
    print(f"## Saved queries on four engines, {size:,} articles\n")
    print(f"{size:,} generated articles, {quads:,} quads in one named graph per article, the "
          "same N-Quads file loaded into each engine. Median of up to "
          f"{runs} runs in ms (min\u2013max; [n] when fewer than 3 runs), runs alternating "
          "between the engines, after one untimed count of every quad on each engine (a "
          "server's first query reads its files cold); embedded, Oxigraph server and Virtuoso "
          "through `kg.query.query` (over HTTP for the servers, SPARQL JSON results, every row "
          "turned into Python), rdflib through `Dataset.query`. A run over "
          f"{budget:.0f} s stops that engine for that query (\"> {budget:.0f} s\"); "
          "\"rows!\" marks a row count other "
          "than the embedded store's.\n")
    print("| engine | load |")
    print("|---|---|")
    for engine in engines:
        print(f"| {engine.name} | {engine.load} |")
    print()
    print("| saved query | rows | " + " | ".join(f"{e.name} (ms)" for e in engines)
          + " | server / embedded |")
    print("|---|---:|" + "---:|" * len(engines) + "---|")
    embedded = engines[0]
    for name in names:
        ref = embedded.rows.get(name)
        ratios = []
        base = embedded.times.get(name)
        for e in engines[1:]:
            if e.name == "rdflib" or not base or not e.times.get(name) or name in e.over:
                continue
            ratios.append(f"{e.name.split()[0]} "
                          f"{statistics.median(e.times[name]) / statistics.median(base):.1f}\u00d7")
        cells = [cell(e, name, ref, budget) for e in engines]
        print(f"| `{name}` | {'-' if ref is None else f'{ref:,}'} | " + " | ".join(cells)
              + f" | {', '.join(ratios) or '-'} |", flush=True)
    print()
    print("CPU time of the same runs (ms, median and min\u2013max): this process's "
          "(`time.process_time`, which includes pyoxigraph's and rdflib's work and the "
          "client side of HTTP) plus, for a server, the server process's (`/proc/PID/stat`, "
          "in 10 ms ticks). "
          "On a shared machine it moves less than wall time.\n")
    print("| saved query | " + " | ".join(f"{e.name} CPU (ms)" for e in engines) + " |")
    print("|---|" + "---:|" * len(engines))
    for name in names:
        ref = embedded.rows.get(name)
        print(f"| `{name}` | " + " | ".join(cell(e, name, ref, budget, cpu=True)
                                           for e in engines) + " |", flush=True)
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="20 articles, 2 runs, small budgets: checks the harness")
    parser.add_argument("--sizes", default="200,10000",
                        help="comma-separated article counts, one table each")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds a query's run may take on an engine")
    parser.add_argument("--load-budget", type=float, default=300.0,
                        help="seconds rdflib may take to parse the data (then stopped)")
    parser.add_argument("--only", help="comma-separated saved query names")
    parser.add_argument("--skip", default="", help="comma-separated engines to leave out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.budget, args.load_budget = "20", 2, 5.0, 60.0
    sizes = [int(s) for s in args.sizes.split(",")]
    names = {name: text for name, (_, text) in saved_queries().items()}
    if args.only:
        unknown = set(args.only.split(",")) - set(names)
        if unknown:
            parser.error(f"no saved query {', '.join(sorted(unknown))}")
        names = {n: names[n] for n in args.only.split(",")}
    skip = set(filter(None, args.skip.split(",")))
    if skip - set(ENGINES[1:]):
        parser.error(f"--skip takes {', '.join(ENGINES[1:])}")
    started = time.perf_counter()
    paths = article_nquads(sizes, seed=args.seed)

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # runs the ExitStack: servers stopped by PID

    signal.signal(signal.SIGTERM, stop)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp, ExitStack() as stack:
            quads: list[int] = []
            engines = load_engines(paths[size], Path(tmp), stack, budget=args.budget,
                                   load_budget=args.load_budget, quads=quads, skip=skip)
            measure(engines, names, args.runs, args.budget)
            table(size, quads[0], engines, names, args.runs, args.budget)
    load = os.getloadavg()
    print(f"Whole run {time.perf_counter() - started:.0f} s; load average at the end "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min), "
          f"{os.cpu_count()} cores.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
