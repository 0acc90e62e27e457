"""Peak memory of each stage of the pipeline, each stage run alone in a fresh process.

The stages work on the same seeded generated articles (``benchmarks/generate.py``) and hand
their results on through files, as the pipeline would in memory: read the article files;
extract (the spaCy model loaded, then ``extract_all``; its Articles are pickled for the next
stages); resolve and ``to_quads`` (the quads ``kg build`` writes); SHACL validation
(``validate_many`` in batches of 16, as ``kg build`` does); adding each article to a store
directory (``kg.store.add_article``); every saved query on that store; the HTML page of that
store. A last row runs ``kg build`` over the same files as a user would (the CLI, in the
process).

Each row gives the process's peak resident set size (``VmHWM``, the median of ``--repeat``
fresh processes) and how far the peak rose above the process's size just before
the stage began (after its imports and inputs were loaded): that rise is the stage's own
working memory.

usage: python benchmarks/bench_memory.py [--quick] [-n 200] [--repeat 3]
       python benchmarks/bench_memory.py --stage NAME --work DIR    (one stage; prints JSON)
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

def _peak_mib() -> float:
    """This process's peak resident set size.

    ``VmHWM`` rather than ``ru_maxrss``: Linux carries a parent's peak over into a child it
    forks (a child of a 4 GB process reports at least 4 GB there), but not into VmHWM.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ------------------------------------------------------------------ stages (child process)
def _articles(work: Path) -> list[Any]:
    from kg.ingest import read_articles

    return list(read_articles([work / "articles"]))


def _extracted(work: Path) -> list[Any]:
    with open(work / "extracted.pkl", "rb") as f:
        return pickle.load(f)  # type: ignore[no-any-return]


def _graphs(work: Path) -> list[tuple[Any, Any]]:
    from kg.quads import to_quads
    from kg.resolve import resolve

    out = []
    for art in _extracted(work):
        art = resolve(art)
        out.append((art, to_quads(art)))
    return out


def stage_read(work: Path, start: Callable[[], None]) -> int:
    from kg.ingest import read_articles

    start()
    return len(list(read_articles([work / "articles"])))


def stage_extract(work: Path, start: Callable[[], None]) -> int:
    from kg.extract import extract_all, load_model

    articles = _articles(work)
    start()
    load_model()
    out = list(extract_all(articles))
    with open(work / "extracted.pkl", "wb") as f:
        pickle.dump(out, f)
    return len(out)


def stage_graph(work: Path, start: Callable[[], None]) -> int:
    from kg.quads import to_quads
    from kg.resolve import resolve

    articles = _extracted(work)
    start()
    return sum(len(to_quads(resolve(a))) for a in articles)


def stage_validate(work: Path, start: Callable[[], None]) -> int:
    from kg.graph import validate_many

    graphs = [quads for _, quads in _graphs(work)]
    start()
    bad = 0
    for k in range(0, len(graphs), 16):
        bad += sum(p is not None for p in validate_many(graphs[k: k + 16]))
    return len(graphs) - bad


def stage_store(work: Path, start: Callable[[], None]) -> int:
    from kg.store import add_article, connect

    graphs = _graphs(work)
    target = work / "store"
    shutil.rmtree(target, ignore_errors=True)
    start()
    db = connect(target, create=True)
    for _, quads in graphs:
        add_article(db, quads)
    db.flush()
    return len(graphs)


def stage_query(work: Path, start: Callable[[], None]) -> int:
    from kg.query import query, saved_queries
    from kg.store import connect

    db = connect(work / "store", read_only=True)
    names = saved_queries()
    start()
    return sum(len(query(db, text).rows) for _, text in names.values())


def stage_render(work: Path, start: Callable[[], None]) -> int:
    from kg.render import render_html
    from kg.store import connect

    db = connect(work / "store", read_only=True)
    start()
    return render_html(db, work / "page.html").stat().st_size


def stage_build(work: Path, start: Callable[[], None]) -> int:
    from kg.cli import main

    start()
    sys.argv = ["kg", "build", str(work / "articles"), "--out", str(work / "build")]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise
    return len(list((work / "articles").iterdir()))


STAGES: dict[str, tuple[Callable[[Path, Callable[[], None]], int], str]] = {
    "read": (stage_read, "read the article files (`read_articles`)"),
    "extract": (stage_extract, "load the spaCy model, `extract_all`"),
    "graph": (stage_graph, "`resolve` + `to_quads`, every article"),
    "validate": (stage_validate, "SHACL, `validate_many` in batches of 16"),
    "store": (stage_store, "`add_article` into a store directory, one by one"),
    "query": (stage_query, "every saved query on that store"),
    "render": (stage_render, "`render_html` of that store"),
    "kg build": (stage_build, "the whole `kg build` of the files, as a user runs it"),
}


def run_stage(name: str, work: Path) -> dict[str, float]:
    """Run one stage in this process; its peak and the size it started from (MiB)."""
    marks: dict[str, float] = {}

    def start() -> None:
        marks["before"] = _current_mib()
        marks["t0"] = time.perf_counter()

    items = STAGES[name][0](work, start)
    return {"peak": _peak_mib(), "before": marks["before"],
            "seconds": time.perf_counter() - marks["t0"], "items": items}


# ------------------------------------------------------------------ parent
def _child(args: list[str]) -> str:
    """Run a stage in a fresh process; its stdout."""
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(map(str, args[1:4]))} failed: " + " / ".join(tail))
    return proc.stdout


def _spread(values: list[float], digits: int = 0) -> str:
    med = statistics.median(values)
    text = f"{med:,.{digits}f}"
    if len(values) > 1:
        text += f" ({min(values):,.{digits}f}\u2013{max(values):,.{digits}f})"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="8 articles, one run per stage, no `kg build` row")
    parser.add_argument("-n", type=int, default=200, help="generated articles")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per stage")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stage", choices=list(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.work)))
        return 0
    if args.quick:
        args.n, args.repeat = 8, 1
    from generate import World, article

    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        work = Path(tmp)
        (work / "articles").mkdir()
        world = World.make(args.seed)
        for i in range(args.n):
            record, _ = article(world, i, args.seed)
            (work / "articles" / f"{record['id']}.json").write_text(json.dumps(record),
                                                                   encoding="utf-8")
        rows = []
        for name, (_, what) in STAGES.items():
            if args.quick and name == "kg build":
                continue  # the quick run checks the harness; the stages cover the same code
            peaks, rises, secs = [], [], []
            for _ in range(args.repeat):
                out = _child([sys.executable, __file__, "--stage", name, "--work", str(work)])
                got = json.loads(out.strip().splitlines()[-1])
                peaks.append(got["peak"])
                rises.append(max(0.0, got["peak"] - got["before"]))
                secs.append(got["seconds"])
            rows.append((name if " " not in name else f"`{name}`", what, _spread(peaks),
                         _spread(rises), _spread(secs, 2)))
            print(f"  {name}: {statistics.median(peaks):.0f} MiB", file=sys.stderr)
    print(f"## Peak memory of each stage ({args.n} generated articles)\n")
    print(f"Each stage alone in a fresh process; median of {args.repeat} "
          f"process{'es' * (args.repeat > 1)} (min\u2013max). *peak RSS*: the process's "
          "`VmHWM`, interpreter, imports and inputs included; *stage's own*: how far "
          "the peak rose above the process's size when the stage began.\n")
    print("| stage | what runs | peak RSS (MiB) | stage's own (MiB) | seconds |")
    print("|---|---|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
