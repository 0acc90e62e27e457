"""The one place where stages are wired: ingest -> extract -> resolve -> graph -> validate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.errors import IngestError, KGError, StoreError
from kg.graph import FORMATS, new_dataset, to_graph, validate, write_graph
from kg.ingest import read_articles
from kg.model import Article
from kg.resolve import resolve


@dataclass
class BuildReport:
    """What a build produced and what went wrong."""

    articles: list[Article] = field(default_factory=list)
    errors: list[KGError] = field(default_factory=list)
    graph_path: Path | None = None
    html_path: Path | None = None

    def counts(self) -> dict[str, int]:
        """Entities by kind, roles, statements and legislative actions over all articles."""
        c: Counter[str] = Counter()
        for a in self.articles:
            c.update(e.kind for e in a.entities)
            c["roles"] += len(a.roles)
            c["statements"] += len(a.statements)
            c["legislative actions"] += len(a.actions)
        return dict(c)


def build_graphs(articles: Iterable[Article], *,
                 on_error: Callable[[KGError], None] | None = None,
                 ) -> Iterator[tuple[Article, Dataset]]:
    """Extract, resolve, convert and validate each article; yield it with its graph."""
    from kg.extract import extract_all, model_version  # spaCy loads only when needed

    version = model_version()
    for article in extract_all(articles):
        try:
            article = resolve(article)
            ds = to_graph(article, model_version=version)
            validate(ds)
        except KGError as exc:
            if on_error is None:
                raise
            on_error(type(exc)(f"{article.id}: {exc}"))
            continue
        yield article, ds


def build(paths: Iterable[str | Path], out: str | Path, *, format: str = "trig",
          html: bool = True, strict: bool = False) -> BuildReport:
    """Build the graph of the articles in ``paths`` into directory ``out``.

    Bad inputs are listed in the report and the good ones are built; with ``strict`` the
    first bad input raises before anything is written.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    report = BuildReport()

    def collect(exc: KGError) -> None:
        if strict:
            raise exc
        report.errors.append(exc)

    articles = list(read_articles(paths, on_error=collect))
    if not articles:
        if report.errors:
            return report
        raise IngestError("no article to build")
    combined = new_dataset()
    for article, ds in build_graphs(articles, on_error=collect):
        report.articles.append(article)
        for quad in ds.quads():
            combined.add(quad)  # type: ignore[arg-type]
    if not report.articles:
        return report
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{out}: cannot create the output directory ({exc.strerror}); "
                         "choose another --out") from None
    target = out / f"graph{FORMATS[format][1]}"
    report.graph_path = write_graph(combined, target, format=format)
    for _, suffix in FORMATS.values():
        stale = out / f"graph{suffix}"
        if stale != target and stale.is_file():
            stale.unlink()  # a graph of an earlier build must not be queried instead of this one
    if html:
        from kg.render import render_html

        report.html_path = render_html(combined, out / "graph.html")
    return report
