"""Saved-query latency on the embedded pyoxigraph store at 10,000 articles, and against rdflib.

The data: the articles of ``benchmarks/generate.py`` (seeded), turned into article graphs
without spaCy from their ground truth (``kg.resolve.resolve``, then the quads of
``kg.graph.to_graph``; ``generate.graph_quads`` makes the same quads ~4x faster and is
checked against ``to_graph`` on the first articles, else ``to_graph`` itself is used). The
N-Quads are cached in the temp folder, keyed by the code that makes them.

Measured, each saved query in ``kg/queries/*.rq`` as ``kg query --named`` runs it
(``kg.query_saved``: the page of articles picked, then pyoxigraph over their graphs, rows
turned into Python):

1. at ``--articles`` (10,000) on the embedded store as ``kg query STORE`` opens it (a store
   directory, read-only): the first page (the 20 newest articles, the default; target: median
   <= 100 ms each, picking the page included), the same at a tenth of the size (a page should
   not grow with the store), ``--about`` the entity mentioned in the most articles, and
   ``--all`` (every article: the whole report, no target).
2. side by side with rdflib's own engine (an in-memory ``Dataset``) on the same data and the
   same first page, runs alternating, at ``--rdflib-articles``; each rdflib run is stopped
   after ``--timeout`` seconds and then reported as "> timeout".

usage: python benchmarks/bench_query.py [--quick] [--articles 10000] [--rdflib-articles 100]
                                        [--runs 5] [--timeout 60] [--only NAME,...]
                                        [--store SIZE=DIR ...] [--all-runs 3] [--diagnose]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from generate import World, article, quads_maker  # noqa: E402

from kg.graph import quiet_rdflib  # noqa: E402
from kg.query import query, query_saved, saved_queries, select_articles  # noqa: E402
from kg.resolve import resolve  # noqa: E402
from kg.scope import BOOKKEEPING  # noqa: E402
from kg.store import connect  # noqa: E402 - _quads: rdflib graph -> quads
from kg.vocab import PREFIXES  # noqa: E402

TARGET_MS = 100.0
#: The files whose code decides the generated quads: a change to any of them makes a new cache.
SOURCES = ("benchmarks/generate.py", "kg/graph.py", "kg/resolve.py", "kg/vocab.py",
           "kg/model.py", "kg/extract/data/given_names.txt")


# ------------------------------------------------------------------ data
def _cache_key(seed: int) -> str:
    digest = hashlib.sha256(str(seed).encode())
    for name in SOURCES:
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def article_nquads(sizes: list[int], *, seed: int = 0) -> dict[int, Path]:
    """N-Quads files holding the graphs of the first ``size`` generated articles, per size.

    One pass writes the largest; the smaller ones are copies of its beginning. Files are
    cached in a temp folder of this checkout's own (10,000 articles take a few minutes to
    make): another checkout on the same machine, with other code and so another key, must
    not delete the files a bench of this one is about to load.
    """
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"newskg-bench-{checkout}"
    folder.mkdir(exist_ok=True)
    key = _cache_key(seed)
    paths = {size: folder / f"newskg-bench-query-{size}-{key}.nq" for size in sizes}
    if all(p.exists() for p in paths.values()):
        return paths
    world = World.make(seed)
    quads = quads_maker(world, seed)

    for stale in folder.glob("newskg-bench-query-*.nq"):
        if not stale.name.endswith(f"-{key}.nq"):
            stale.unlink(missing_ok=True)  # made by older code: ~1 GB at 10,000 articles
    largest = max(sizes)
    tmp = folder / f"newskg-bench-query-{largest}-{key}.{os.getpid()}.tmp"  # one per writer
    start = time.perf_counter()
    with open(tmp, "wb") as out:
        for i in range(largest):
            ox.serialize(quads(resolve(article(world, i, seed)[1])), out, ox.RdfFormat.N_QUADS)
            done = i + 1
            if done in paths and done != largest:
                out.flush()
                part = paths[done].with_name(f"{paths[done].name}.{os.getpid()}.tmp")
                shutil.copyfile(tmp, part)
                part.replace(paths[done])
            if done % 1000 == 0:
                print(f"  generated {done:,} articles, {time.perf_counter() - start:.0f} s",
                      file=sys.stderr)
    tmp.replace(paths[largest])
    return paths


def embedded_store(nquads: Path, folder: Path) -> tuple[ox.Store, float, float]:
    """A store directory holding ``nquads``, opened read-only as ``kg query --store`` does.

    After the bulk load the store is compacted (``Store.optimize``), as RocksDB compacts a
    store in the background while ``kg ingest`` writes to it: a bulk-loaded store left as it
    is answers 2-3x slower at 10,000 articles (its files overlap; see benchmarks/README.md).
    Returns the store and the seconds the load and the compaction took.
    """
    target = folder / "store"
    folder.mkdir(parents=True, exist_ok=True)
    db = connect(target, create=True)
    t0 = time.perf_counter()
    db.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    t1 = time.perf_counter()
    db.optimize()
    db.flush()
    t2 = time.perf_counter()
    del db
    return connect(target, read_only=True), t1 - t0, t2 - t1


def memory_store(nquads: Path) -> ox.Store:
    """An in-memory pyoxigraph store holding ``nquads``."""
    store = ox.Store()
    store.load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def rdflib_dataset(nquads: Path) -> Any:
    from rdflib import Dataset

    ds = Dataset()
    with quiet_rdflib():
        ds.parse(str(nquads), format="nquads")
    return ds


# ------------------------------------------------------------------ timing
class Timeout(Exception):
    """A run took longer than the time allowed."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Timeout after ``seconds`` (SIGALRM). Python code (rdflib's engine) is
    interrupted at once; a call into pyoxigraph only when it hands control back (next row)."""

    def alarm(signum: int, frame: object) -> None:
        raise Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_ox(store: ox.Store, sparql: str) -> int:
    """One saved query as ``kg query`` runs it; the number of rows."""
    return len(query(store, sparql).rows)


def run_rdflib(ds: Any, sparql: str) -> int:
    with quiet_rdflib():
        return len(list(ds.query(sparql)))


def timed(work: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = work()
    return (time.perf_counter() - start) * 1000, rows


def fmt(times: list[float], *, timed_out: float | None = None) -> str:
    """Median and spread (min-max) in ms, and the run count when there were few."""
    if timed_out is not None and not times:
        return f"> {timed_out * 1000:,.0f} (stopped)"
    med = statistics.median(times)
    text = f"{med:,.1f}" if med < 100 else f"{med:,.0f}"
    if len(times) > 1:
        text += f" ({min(times):,.0f}\u2013{max(times):,.0f})"
    return text + ("" if len(times) >= 3 else f" [{len(times)} run{'s' * (len(times) > 1)}]")


def series(work: Callable[[], int], runs: int, *, budget: float) -> tuple[list[float], int]:
    """At least ``min(3, runs)`` timings, up to ``runs`` while their sum stays under ``budget``."""
    times: list[float] = []
    rows = 0
    while len(times) < runs and (len(times) < min(3, runs) or sum(times) / 1000 < budget):
        ms, rows = timed(work)
        times.append(ms)
    return times, rows


# ------------------------------------------------------------------ the two tables
def most_mentioned(store: ox.Store) -> tuple[str, str, int]:
    """(IRI, name, articles) of the entity mentioned in the most articles: the ``--about``
    column's entity."""
    rows = store.query(
        "SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a schema:mentions ?e } } "
        "GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1", prefixes=PREFIXES)
    assert isinstance(rows, ox.QuerySolutions)
    iri = next(iter(rows))[0].value
    page = select_articles(store, about=iri, page=1, page_size=1)
    return iri, page.entities[0][1], page.total


def run_page(store: Any, name: str, **scope: Any) -> int:
    """A saved query as ``kg query --named NAME [scope options]`` shows it in a table (the
    first page unless ``scope`` says otherwise), picking the page included; the rows."""
    if not scope.get("every"):
        scope.setdefault("page", 1)
    return len(query_saved(store, name, **scope).rows)


def open_store_dir(path: Path) -> ox.Store:
    """A store directory made earlier from the same articles (``--store``), read-only."""
    return ox.Store.read_only(str(path))


def at_scale(paths: dict[int, Path], size: int, small: int, names: dict[str, str], runs: int,
             budget: float, workdir: Path, *, stores: dict[int, Path], all_runs: int) -> None:
    """Table 1: every saved query as `kg query --named` runs it by default (the 20 newest
    articles) at ``size`` (and ``small``) articles, beside ``--about`` and ``--all``."""
    if size in stores:
        store, made = open_store_dir(stores[size]), f"opened from {stores[size]}"
    else:
        store, load, compact = embedded_store(paths[size], workdir / "large")
        made = f"bulk load {load:.0f} s, compaction {compact:.0f} s"
    small_store: ox.Store | None = None
    if small:
        small_store = (open_store_dir(stores[small]) if small in stores
                       else embedded_store(paths[small], workdir / "small")[0])
    quads = len(store)
    iri, label, mentioned = most_mentioned(store)
    pick_times, _ = series(lambda: len(select_articles(store, page=1).articles), runs,
                           budget=budget)
    pick_cpu = cpu_series(lambda: len(select_articles(store, page=1).articles), runs)
    print(f"## Saved-query latency at {size:,} articles\n")
    print(f"{size:,} generated articles, {quads:,} quads (one named graph per article), in the "
          "embedded store: a store directory, compacted after its bulk load, opened read-only "
          f"as `kg query STORE` opens it ({made}). *First page*: each saved query as "
          "`kg query STORE --named NAME` shows it by default as a table "
          "(`kg.query_saved(..., page=1)`): the 20 most recent articles, picking them "
          "included, every row turned into Python; "
          f"target: median \u2264 {TARGET_MS:.0f} ms. Picking the page alone "
          f"(`kg.select_articles`): {fmt(pick_times)} ms wall, {fmt(pick_cpu)} ms CPU. "
          f"*--about*: the first page of the articles that mention {label} "
          f"(`--about {iri}`), {mentioned:,} of the {size:,}. *--all*: every article, "
          f"the whole report (no target). Median of up to {runs} runs in ms "
          f"(min\u2013max; --all: {all_runs}); wall time, and the CPU time of as many more runs "
          "(steadier on a shared machine).\n")
    head = ["saved query", "rows", f"{size:,} articles, first page (ms)", "CPU (ms)"]
    if small_store is not None:
        head += [f"first page at {small:,} (ms)"]
    head += ["--about (ms)", "its rows", "--all (ms)", "its rows",
             f"target \u2264 {TARGET_MS:.0f} ms"]
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 2) + "---|")
    met = 0
    for name in names:
        times, rows = series(partial(run_page, store, name), runs, budget=budget)
        cpu = cpu_series(partial(run_page, store, name), runs)
        med = statistics.median(times)
        ok = med <= TARGET_MS
        met += ok
        cells = [f"`{name}`", f"{rows:,}", fmt(times), fmt(cpu)]
        if small_store is not None:
            cells.append(fmt(series(partial(run_page, small_store, name), runs,
                                    budget=budget)[0]))
        a_times, a_rows = series(partial(run_page, store, name, about=iri), runs,
                                 budget=budget)
        e_times, e_rows = series(partial(run_page, store, name, every=True), all_runs,
                                 budget=budget)
        cells += [fmt(a_times), f"{a_rows:,}", fmt(e_times), f"{e_rows:,}",
                  "ok" if ok else "MISSED"]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\n{met} of {len(names)} saved queries meet the target at {size:,} articles.\n")


def cpu_series(work: Callable[[], int], runs: int) -> list[float]:
    """CPU time (this process: the engine runs in it) of ``runs`` runs, in ms."""
    out = []
    for _ in range(runs):
        start = time.process_time()
        work()
        out.append((time.process_time() - start) * 1000)
    return out


def side_by_side(path: Path, size: int, names: dict[str, str], runs: int,
                 timeout: float, budget: float) -> None:
    """Table 2: pyoxigraph and rdflib on the same ``size`` articles and the same first page
    of 20 articles, runs alternating."""
    t0 = time.perf_counter()
    memory = memory_store(path)
    load_ox = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = rdflib_dataset(path)
    load_rdflib = time.perf_counter() - t0
    page = select_articles(memory, page=1)
    # rdflib's engine takes no named-graph list: the page is a Dataset of its graphs only
    scoped = page_dataset(ds, page.graphs)
    print(f"## Saved queries: pyoxigraph against rdflib, {size:,} articles\n")
    print(f"Both in memory, the same {len(memory):,} quads; each saved query over the same "
          f"first page ({len(page.articles)} of {page.total:,} articles): pyoxigraph as "
          "`kg query --named` runs it (picking the page included), rdflib's own engine on a "
          "Dataset of the page's graphs (rdflib takes no list of named graphs; making that "
          "Dataset is not timed). Runs alternate between the engines. Median of up to "
          f"{runs} runs in ms (min\u2013max); an rdflib run is stopped after {timeout:.0f} s. "
          f"Loading: pyoxigraph {load_ox:.1f} s, rdflib {load_rdflib:.1f} s "
          f"({load_rdflib / max(load_ox, 1e-9):.0f}\u00d7).\n")
    print("| saved query | rows | pyoxigraph (ms) | rdflib (ms) | ratio rdflib / pyoxigraph |")
    print("|---|---:|---:|---:|---:|")
    for name, sparql in names.items():
        o_times: list[float] = []
        r_times: list[float] = []
        rows = r_rows = 0
        stopped = False
        while len(o_times) < runs:
            ms, rows = timed(partial(run_page, memory, name))
            o_times.append(ms)
            if not stopped:
                try:
                    with time_limit(timeout):
                        ms, r_rows = timed(partial(run_rdflib, scoped, sparql))
                    r_times.append(ms)
                except Timeout:
                    stopped = True
            if len(o_times) >= 3 and (stopped or sum(r_times) / 1000 > budget):
                break
        o = statistics.median(o_times)
        if r_times:
            r = statistics.median(r_times)
            ratio = f"{r / o:,.0f}\u00d7" if r / o >= 10 else f"{r / o:.1f}\u00d7"
            rdf = fmt(r_times)
            if r_rows != rows:
                rdf += f" ({r_rows:,} rows!)"
        else:
            ratio = f"> {timeout * 1000 / o:,.0f}\u00d7"
            rdf = fmt([], timed_out=timeout)
        print(f"| `{name}` | {rows:,} | {fmt(o_times)} | {rdf} | {ratio} |", flush=True)
    print()


def page_dataset(ds: Any, graphs: Sequence[str]) -> Any:
    """An rdflib Dataset holding only ``graphs`` of ``ds`` (and the store's bookkeeping)."""
    from rdflib import URIRef

    from kg.graph import new_dataset

    out = new_dataset()
    for iri in [*graphs, *BOOKKEEPING]:
        source = ds.graph(URIRef(iri))
        target = out.graph(URIRef(iri))
        for triple in source:
            target.add(triple)
    return out


def _variants(sparql: str) -> dict[str, str]:
    """The query, counted inside the engine, its first page, without ORDER BY, and both."""
    at = re.search(r"^SELECT\b", sparql, re.M)
    assert at is not None, "saved queries are SELECT queries"
    prologue, select = sparql[: at.start()], sparql[at.start():]
    unordered = re.sub(r"^ORDER BY .*$", "", select, flags=re.M)
    return {"as saved": sparql,
            "counted in the engine": f"{prologue}SELECT (COUNT(*) AS ?n) {{ {select}\n}}",
            "first 20 rows": f"{sparql}\nLIMIT 20",
            "no ORDER BY": prologue + unordered,
            "no ORDER BY, first 20": f"{prologue}{unordered}\nLIMIT 20"}


def diagnose(path: Path, size: int, names: dict[str, str], runs: int, budget: float,
             workdir: Path) -> None:
    """Where a saved query's time goes: the engine, the rows handed to Python, the sort."""
    store = embedded_store(path, workdir)[0]
    print(f"## Where the time goes, {size:,} articles (embedded store)\n")
    print("Median ms of each saved query as saved; counted inside the engine (`SELECT "
          "(COUNT(*) AS ?n) { query }`: the same joins, no rows to Python); its first 20 rows "
          "(`LIMIT 20`); without `ORDER BY`; and the first 20 rows without it (rows can stream).\n")
    labels = list(_variants(next(iter(names.values()))))
    print("| saved query | rows | " + " | ".join(labels) + " |")
    print("|---|---:|" + "---:|" * len(labels))
    for name, sparql in names.items():
        cells, rows = [], 0
        for label, text in _variants(sparql).items():
            times, got = series(partial(run_ox, store, text), runs, budget=budget)
            rows = got if label == "as saved" else rows
            cells.append(fmt(times))
        print(f"| `{name}` | {rows:,} | " + " | ".join(cells) + " |", flush=True)
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="100 articles, rdflib on 20, 2 runs: checks the harness")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rdflib-articles", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds after which an rdflib run is stopped")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds per query and table after which runs stop (min. 3)")
    parser.add_argument("--only", help="comma-separated saved query names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", action="append", default=[], metavar="SIZE=DIR",
                        help="use this store directory, made earlier from the same generated "
                             "articles (e.g. 10000=/tmp/q/s10000/store), opened read-only, "
                             "instead of loading one (4 minutes at 10,000)")
    parser.add_argument("--all-runs", type=int, default=3,
                        help="runs of each query over every article (seconds each)")
    parser.add_argument("--diagnose", action="store_true",
                        help="only show where each query's time goes (engine, rows, sort)")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.rdflib_articles, args.runs = 100, 20, 2
        args.timeout, args.budget = 10.0, 5.0
    names = {name: text for name, (_, text) in saved_queries().items()}
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - set(names)
        if unknown:
            parser.error(f"no saved query {', '.join(sorted(unknown))}")
        names = {n: names[n] for n in wanted}
    small = args.articles // 10 if args.articles >= 1000 else 0
    sizes = sorted({args.articles, args.rdflib_articles} | ({small} if small else set()))
    started = time.perf_counter()
    if args.diagnose:
        paths = article_nquads([args.articles], seed=args.seed)
        with tempfile.TemporaryDirectory(prefix="bench-query-") as tmp:
            diagnose(paths[args.articles], args.articles, names, min(args.runs, 3),
                     args.budget, Path(tmp))
        return 0
    paths = article_nquads(sizes, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-query-") as tmp:
        stores = {int(k): Path(v) for k, v in (x.split("=", 1) for x in args.store)}
        at_scale(paths, args.articles, small, names, args.runs, args.budget, Path(tmp),
                 stores=stores, all_runs=min(args.all_runs, args.runs))
    side_by_side(paths[args.rdflib_articles], args.rdflib_articles, names, args.runs,
                 args.timeout, args.budget)
    print(f"Whole run {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
