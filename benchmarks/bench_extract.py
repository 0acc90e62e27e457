"""Build throughput against the parser alone: `kg build` vs spaCy's `nlp.pipe`, same texts.

Both run in this process, alternately, on the same articles; each figure is the median of
--repeat runs and the table gives the ratio (target: build <= 1.25 x parse). A breakdown shows
where the build's time beyond parsing goes.

usage: python benchmarks/bench_extract.py [--corpus ../shared/corpus/bbc-news.jsonl] [-n 60]
                                          [--repeat 3] [--quick]
Without --corpus the articles come from benchmarks/generate.py (seeded).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.extract import from_doc, load_model  # noqa: E402
from kg.graph import GraphWriter, to_quads, validate_many  # noqa: E402
from kg.ingest import read_articles  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.resolve import resolve  # noqa: E402


def articles_file(args: argparse.Namespace, folder: Path) -> Path:
    """The first ``-n`` articles of ``--corpus``, or ``-n`` generated ones, as JSON lines."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import articles_jsonl

    return articles_jsonl(folder / "articles.jsonl", args.n, args.corpus)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of this process: steadier than wall time on a shared machine."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus")
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.n, args.repeat = min(args.n, 12), 1
    nlp = load_model()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = articles_file(args, folder)
        arts = list(read_articles([path]))
        texts = [a.text for a in arts]
        words = sum(len(t.split()) for t in texts)
        list(nlp.pipe(texts[:2]))  # warm up
        parse, full = [], []
        for r in range(args.repeat):
            parse.append(timed(lambda: list(nlp.pipe(texts, batch_size=16))))
            full.append(timed(lambda r=r: build([path], folder / f"out{r}", html=True)))
        # breakdown of one run, stage by stage
        docs = list(nlp.pipe(texts, batch_size=16))
        stages = {"rules": 0.0, "resolve+quads": 0.0, "shacl+spans (batched)": 0.0,
                  "write": 0.0}
        graphs = []
        for art, doc in zip(arts, docs, strict=True):
            t0 = time.process_time()
            art = from_doc(art, doc)
            t1 = time.process_time()
            graphs.append(to_quads(resolve(art)))
            t2 = time.process_time()
            stages["rules"] += t1 - t0
            stages["resolve+quads"] += t2 - t1
        stages["shacl+spans (batched)"] = timed(
            lambda: [validate_many(graphs[i : i + 16]) for i in range(0, len(graphs), 16)])

        def write() -> None:
            writer = GraphWriter(folder / "g.trig")
            for quads in graphs:
                writer.add(quads)
            writer.close()

        stages["write"] = timed(write)
    p, f = statistics.median(parse), statistics.median(full)
    source = "corpus" if args.corpus and Path(args.corpus).is_file() else "generated"
    print(f"## Build throughput ({len(texts)} {source} articles, {words:,} words, "
          f"median of {args.repeat}; CPU seconds of the process)\n")
    print("| measurement | seconds | articles/s | spread |")
    print("|---|---:|---:|---:|")
    print(f"| spaCy nlp.pipe alone | {p:.2f} | {len(texts) / p:.1f} | "
          f"{min(parse):.2f}-{max(parse):.2f} |")
    print(f"| kg build (extract, RDF, SHACL, TriG, HTML) | {f:.2f} | {len(texts) / f:.1f} | "
          f"{min(full):.2f}-{max(full):.2f} |")
    print(f"| **ratio build / parse** | **{f / p:.2f}** | target <= 1.25 | |\n")
    print("| stage beyond parsing (one run) | seconds | share of parse |")
    print("|---|---:|---:|")
    for name, secs in stages.items():
        print(f"| {name} | {secs:.2f} | {secs / p:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
