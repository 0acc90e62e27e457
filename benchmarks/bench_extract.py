"""Build throughput against the parser alone: `kg build` vs spaCy's `nlp.pipe`, same texts.

Both run in this process, alternately, on the same articles, after one warm-up of each: each
round times nlp.pipe, then kg build. The headline is the median of the rounds' ratios (target:
build <= 1.25 x parse); the ratio of the medians and of the fastest runs (CPU time on a shared
machine only ever grows with others' load) are shown beside it. A breakdown shows where the
build's time beyond parsing goes, each stage the fastest of as many runs.

usage: python benchmarks/bench_extract.py [--corpus FILE | --generated] [-n 60] [--repeat 9]
                                          [--quick]
The articles: the first -n of --corpus (default: the shared news corpus,
../shared/corpus/bbc-news.jsonl, when it is there), or with --generated (or without the corpus)
seeded ones from benchmarks/generate.py. The target (#3) is on news: generated articles pack
three times the facts per word of real ones, and the header says how many quads per word.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "corpus" / "bbc-news.jsonl"
sys.path.insert(0, str(ROOT))

from kg.extract import from_doc, load_model  # noqa: E402
from kg.graph import GraphWriter, to_quads, validate_many  # noqa: E402
from kg.ingest import read_articles  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.render import render_html  # noqa: E402
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


def stage_times(arts: list[Article], docs: list[Doc],
                folder: Path) -> tuple[dict[str, float], int]:
    """CPU seconds of each stage after parsing, run one after the other over ``docs``, and
    how many quads the articles made."""
    stages = {"rules": 0.0, "resolve+quads": 0.0}
    graphs = []
    for art, doc in zip(arts, docs, strict=True):
        t0 = time.process_time()
        extracted = from_doc(art, doc)
        t1 = time.process_time()
        graphs.append(to_quads(resolve(extracted)))
        stages["resolve+quads"] += time.process_time() - t1
        stages["rules"] += t1 - t0
    stages["shacl+spans (batched)"] = timed(
        lambda: [validate_many(graphs[i : i + 16]) for i in range(0, len(graphs), 16)])

    def write() -> None:
        writer = GraphWriter(folder / "g.trig")
        for quads in graphs:
            writer.add(quads)
        writer.close()

    stages["write"] = timed(write)
    stages["page"] = timed(lambda: render_html([q for quads in graphs for q in quads],
                                               folder / "g.html"))
    return stages, sum(map(len, graphs))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(NEWS) if NEWS.is_file() else None,
                    help="JSON-lines articles (default: the shared news corpus when present)")
    ap.add_argument("--generated", action="store_true",
                    help="seeded generated articles instead of --corpus")
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.generated:
        args.corpus = None
    elif args.corpus and not Path(args.corpus).is_file():
        ap.error(f"--corpus {args.corpus}: no such file")
    if args.quick:
        args.n, args.repeat = min(args.n, 12), 1
    nlp = load_model()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = articles_file(args, folder)
        arts = list(read_articles([path]))
        texts = [a.text for a in arts]
        words = sum(len(t.split()) for t in texts)
        list(nlp.pipe(texts[:2]))  # warm up both: imports, the shapes compiled, caches
        first = folder / "first.jsonl"
        first.write_text("".join(path.read_text("utf-8").splitlines(keepends=True)[:2]), "utf-8")
        build([first], folder / "warm", html=True)
        parse, full = [], []
        for r in range(args.repeat):  # alternately, so that both see the same machine
            parse.append(timed(lambda: list(nlp.pipe(texts, batch_size=16))))
            full.append(timed(lambda r=r: build([path], folder / f"out{r}", html=True)))
        # where the build's time beyond parsing goes: each stage the fastest of --repeat runs
        docs = list(nlp.pipe(texts, batch_size=16))
        runs = [stage_times(arts, docs, folder) for _ in range(args.repeat)]
        stages = {name: [run[name] for run, _ in runs] for name in runs[0][0]}
        quads = runs[0][1]
    p, f = statistics.median(parse), statistics.median(full)
    rounds = statistics.median(b / a for a, b in zip(parse, full, strict=True))
    source = "corpus" if args.corpus else "generated"
    print(f"## Build throughput ({len(texts)} {source} articles, {words:,} words, "
          f"{quads:,} quads: {quads / words:.1f} per word; {args.repeat} rounds; "
          "CPU seconds of the process)\n")
    print("| measurement | seconds | articles/s | spread |")
    print("|---|---:|---:|---:|")
    print(f"| spaCy nlp.pipe alone (median) | {p:.2f} | {len(texts) / p:.1f} | "
          f"{min(parse):.2f}-{max(parse):.2f} |")
    print(f"| kg build (extract, RDF, SHACL, TriG, HTML; median) | {f:.2f} | "
          f"{len(texts) / f:.1f} | {min(full):.2f}-{max(full):.2f} |")
    print(f"| **ratio build / parse** (median of the rounds' ratios) | **{rounds:.2f}** | "
          "target <= 1.25 on news | |")
    print(f"| ratio of the medians | {f / p:.2f} | | |")
    print(f"| ratio of the fastest runs | {min(full) / min(parse):.2f} | | |\n")
    print("| stage beyond parsing (fastest of the rounds) | seconds | share of parse |")
    print("|---|---:|---:|")
    fastest = min(parse)
    for name, secs in stages.items():
        print(f"| {name} | {min(secs):.2f} | {min(secs) / fastest:.0%} |")
    print(f"| all of them | {sum(min(s) for s in stages.values()):.2f} | "
          f"{sum(min(s) for s in stages.values()) / fastest:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
