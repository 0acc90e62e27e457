"""The one place where stages are wired: ingest -> extract -> resolve -> graph -> validate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import IngestError, KGError, StoreError
from kg.graph import (
    FORMATS,
    GraphWriter,
    from_quads,
    new_dataset,
    quiet_rdflib,
    to_quads,
    validate,
    validate_many,
    write_graph,
)
from kg.ingest import read_articles
from kg.model import Article
from kg.parallel import Progress, extracted
from kg.resolve import resolve
from kg.store import ArticleChange


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
                 on_error: Callable[[KGError], None] | None = None, batch: int = 16,
                 ) -> Iterator[tuple[Article, Dataset]]:
    """Extract, resolve, convert and validate each article; yield it with its graph.

    Graphs are validated ``batch`` at a time (pySHACL checks a batch in one run); a graph
    that breaks the shapes is reported through ``on_error`` (or raised) and not yielded.
    ``build_quads`` gives the same graphs as pyoxigraph quads (what ``kg build`` uses).
    """
    for article, quads in build_quads(articles, on_error=on_error, batch=batch):
        yield article, from_quads(quads)


def build_quads(articles: Iterable[Article], *,
                on_error: Callable[[KGError], None] | None = None, batch: int = 16,
                ) -> Iterator[tuple[Article, list[ox.Quad]]]:
    """``build_graphs``, each graph as the quads ``kg.quads.to_quads`` makes (sorted).

    The build path: the quads are validated, written, drawn and stored as they are, with
    no rdflib graph made (building and copying those was over half of a build's own time).
    """
    from kg.extract import extract_all, model_version  # spaCy loads only when needed

    version = model_version()
    pending: list[tuple[Article, list[ox.Quad]]] = []

    def fail(article: Article, exc: KGError) -> None:
        if on_error is None:
            raise type(exc)(f"{article.id}: {exc}") from exc
        on_error(type(exc)(f"{article.id}: {exc}"))

    def flush() -> Iterator[tuple[Article, list[ox.Quad]]]:
        problems = validate_many([quads for _, quads in pending])
        for (article, quads), problem in zip(pending, problems, strict=True):
            if problem is None:
                yield article, quads
            else:
                fail(article, problem)
        pending.clear()

    for article in extract_all(articles):
        try:
            article = resolve(article)
            pending.append((article, to_quads(article, model_version=version)))
        except KGError as exc:
            fail(article, exc)
        if len(pending) >= batch:
            yield from flush()
    yield from flush()


def build(paths: Iterable[str | Path], out: str | Path, *, format: str = "trig",
          html: bool = True, strict: bool = False, workers: int = 1,
          cluster: str | None = None, progress: Progress | None = None) -> BuildReport:
    """Build the graph of the articles in ``paths`` into directory ``out``.

    Bad inputs are listed in the report and the good ones are built; with ``strict`` the
    first bad input raises before anything is written. With ``workers`` > 1 (or a Dask
    ``cluster`` address) extraction runs in parallel and this process writes, in input
    order: the files are byte-identical to a one-process build (see ``kg.parallel``).
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
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{out}: cannot create the output directory ({exc.strerror}); "
                         "choose another --out") from None
    target = out / f"graph{FORMATS[format][1]}"
    # TriG and N-Quads stream article by article; the union formats need every graph first
    writer = GraphWriter(target, format=format) if format in {"trig", "nquads"} else None
    combined = new_dataset() if writer is None else None
    # the page is drawn from the quads themselves (an rdflib copy cost 20% of a build, a
    # pyoxigraph Store to read them from a third of the page)
    page: list[ox.Quad] | None = [] if html and writer is not None else None
    try:
        for article, quads in extracted(articles, on_error=collect, one_by_one=False,
                                        workers=workers, cluster=cluster, progress=progress):
            report.articles.append(article)
            if writer is not None:
                writer.add(quads)
                if page is not None:
                    page.extend(quads)
            if combined is not None:
                from_quads(quads, into=combined)
    except BaseException:
        if writer is not None:
            writer.close(keep=False)
        raise
    if not report.articles:
        if writer is not None:
            writer.close(keep=False)
        return report
    if writer is not None:
        writer.close()
        report.graph_path = target
    else:
        assert combined is not None
        report.graph_path = write_graph(combined, target, format=format)
    for _, suffix in FORMATS.values():
        stale = out / f"graph{suffix}"
        if stale != target and stale.is_file():
            stale.unlink()  # a graph of an earlier build must not be queried instead of this one
    if html:
        from kg.render import render_html

        drawn = page if page is not None else combined
        assert drawn is not None
        report.html_path = render_html(drawn, out / "graph.html")
    return report


@dataclass
class IngestReport:
    """What ``ingest_articles`` stored (or, in a dry run, would store) and what went wrong."""

    changes: list[ArticleChange] = field(default_factory=list)
    errors: list[KGError] = field(default_factory=list)


def ingest_articles(paths: Iterable[str | Path], store: str | Path, *, dry_run: bool = False,
                    strict: bool = False,
                    on_change: Callable[[ArticleChange], None] | None = None,
                    workers: int = 1, cluster: str | None = None,
                    progress: Progress | None = None) -> IngestReport:
    """Extract the articles in ``paths`` and add each to the store in directory ``store``.

    Each article is resolved against the entities already stored and written in its own
    transaction, so an interrupted run leaves whole articles only, and running it again
    skips what is stored. The store is created if missing (not in a dry run).

    Args:
        paths: article files, directories, or ``-`` (see ``read_articles``).
        store: the store directory, or a SPARQL server's URL (``kg.remote``).
        dry_run: report what would change (with conflicts) and write nothing; each article
            is compared with the store as it is, not with the others of the same run.
        strict: stop at the first bad input (articles stored before it stay stored).
        on_change: called after each article, e.g. to show progress.
        workers: extract in this many processes; this one writes, in input order.
        cluster: extract on the Dask cluster whose scheduler is at this address instead.
        progress: told of each article extracted or failed (``kg.parallel.Progress``).

    Raises:
        StoreError: the store cannot be opened (in use, not a store, corrupt).
    """
    from kg.remote import is_remote
    from kg.store import FLUSH_EVERY, add_article, connect, diff_article

    report = IngestReport()

    def collect(exc: KGError) -> None:
        if strict:
            raise exc
        report.errors.append(exc)

    articles = list(read_articles(paths, on_error=collect))
    if not articles:
        if report.errors:
            return report
        raise IngestError("no article to ingest")
    if dry_run:
        exists = is_remote(store) or Path(store).exists()
        db = connect(store, read_only=True) if exists else ox.Store()
    else:
        db = connect(store, create=True)  # before the model loads: fail fast if locked
    # one article per parse: spaCy's results for an article can depend on the other texts
    # in its batch, and an article must give the same graph whatever it is ingested with
    built = extracted(articles, on_error=collect, one_by_one=True, workers=workers,
                      cluster=cluster, progress=progress)
    try:
        for _, quads in built:  # one article's graph, in the graph named after it
            change = diff_article(db, quads) if dry_run else add_article(db, quads)
            report.changes.append(change)
            if not dry_run and len(report.changes) % FLUSH_EVERY == 0:
                db.flush()
            if on_change is not None:
                on_change(change)
    finally:
        if not dry_run:
            db.flush()  # each commit is already durable (write-ahead log); see FLUSH_EVERY
    return report


def merge_graphs(paths: Iterable[str | Path], *, store: str | Path | None = None,
                 out: str | Path | None = None,
                 on_change: Callable[[ArticleChange], None] | None = None,
                 ) -> list[ArticleChange]:
    """Merge graphs built by ``kg build`` into a store, or into one graph file ``out``.

    Every input is read and validated before anything is written, so a file that is not
    valid RDF, or an article graph that breaks the shapes, changes nothing. Entities are
    resolved across articles as ``ingest_articles`` does, one transaction per article.

    Raises:
        StoreError: an input is missing, not valid RDF or holds no article; the store cannot
            be opened; ``out`` cannot be written.
        ValidationError: an article graph breaks the shapes.
    """
    import pyoxigraph as ox

    from kg.graph import read_graph
    from kg.store import FLUSH_EVERY, add_article, connect, to_dataset
    from kg.vocab import RDF, SDO

    if (store is None) == (out is None):
        raise ValueError("give exactly one of store or out")
    fmt = None
    if out is not None:
        by_suffix = {suffix: name for name, (_, suffix) in FORMATS.items()}
        fmt = by_suffix.get(Path(out).suffix.lower())
        if fmt is None:
            raise StoreError(f"{out}: unknown graph file type; use "
                             f"{', '.join(sorted(by_suffix))}")
    graphs = []
    for path in paths:
        ds = read_graph(path)
        with quiet_rdflib():
            found = [g for g in ds.graphs() if (None, RDF.type, SDO.NewsArticle) in g]
        if not found:
            raise StoreError(f"{path}: no article graph in it; give graphs written by "
                             "'kg build'")
        for graph in found:
            if graph.identifier == DATASET_DEFAULT_GRAPH_ID and len(
                    set(graph.subjects(RDF.type, SDO.NewsArticle))) > 1:
                raise StoreError(f"{path}: several articles without a named graph each; "
                                 "merge the TriG or N-Quads output of 'kg build'")
            try:
                validate(graph)
            except KGError as exc:
                raise type(exc)(f"{path}: {exc}") from None
        graphs += found
    db = ox.Store() if out is not None else connect(store, create=True)  # type: ignore[arg-type]
    changes = []
    for graph in graphs:
        change = add_article(db, graph)
        changes.append(change)
        if len(changes) % FLUSH_EVERY == 0:
            db.flush()
        if on_change is not None:
            on_change(change)
    if out is not None:
        assert fmt is not None
        write_graph(to_dataset(db, bookkeeping=True), out, format=fmt)
    else:
        db.flush()
    return changes
