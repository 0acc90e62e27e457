"""The ``kg`` command: a thin Typer layer over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console

from kg import __version__
from kg.errors import KGError, QueryError

app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="newskg: turn news articles into a knowledge graph you can query and explore.",
)
err = Console(stderr=True, highlight=False)


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        print(f"newskg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """newskg: turn news articles into a knowledge graph you can query and explore."""


_WORKERS_HELP = ("Extract in N processes, or 'auto' for one per core (this one writes, "
                 "in input order).")
_CLUSTER_HELP = "Extract on the Dask cluster whose scheduler is at ADDRESS (tcp://host:port)."
#: More workers than this is a typo, not a machine.
MAX_WORKERS = 256


def _check_parallel(workers: str, cluster: str | None) -> int:
    """The number of workers; one clear line for bad --workers / --cluster, before any
    article is read."""
    import os

    from kg.parallel import connect_cluster

    if workers.strip().lower() == "auto":
        count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    else:
        try:
            count = int(workers)
        except ValueError:
            _fail(f"--workers takes a whole number or 'auto', not {workers!r}")
    if not 1 <= count <= MAX_WORKERS:
        _fail(f"--workers must be between 1 and {MAX_WORKERS}, not {count}")
    if cluster is not None:
        if count != 1:
            _fail("give --workers or --cluster, not both (the cluster has its own workers)")
        connect_cluster(cluster).close()  # unreachable: one error line, nothing written
    return count


@app.command()
def build(
    articles: Annotated[list[str], typer.Argument(
        help="Article files (.txt, .json, .jsonl), directories, or - for stdin.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Directory for graph.* and graph.html.")] = Path("out"),
    format: Annotated[str, typer.Option(
        "--format", "-f", help="trig, nquads, turtle (union) or json-ld.")] = "trig",
    html: Annotated[bool, typer.Option("--html/--no-html", help="Also write graph.html.")] = True,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Abort on the first bad input, writing nothing.")] = False,
    workers: Annotated[str, typer.Option("--workers", "-w", metavar="N",
                                         help=_WORKERS_HELP)] = "1",
    cluster: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--cluster", help=_CLUSTER_HELP)] = None,
) -> None:
    """Extract the facts of ARTICLES and write their graph (one named graph per article)."""
    from kg.graph import FORMATS
    from kg.pipeline import build as run_build
    from kg.progress import ProgressBar

    if format not in FORMATS:
        _fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    count = _check_parallel(workers, cluster)
    with ProgressBar(err) as bar:
        report = run_build(articles, out, format=format, html=html, strict=strict,
                           workers=count, cluster=cluster, progress=bar)
    for exc in report.errors:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
    if report.articles:
        counts = report.counts()
        kinds = ", ".join(f"{counts.get(k, 0)} {k.lower()}" for k in
                          ("Person", "Organization", "Location", "Legislation"))
        err.print(f"built {len(report.articles)} article(s): entities: {kinds}", soft_wrap=True)
        err.print(f"  {counts.get('roles', 0)} roles, {counts.get('statements', 0)} statements, "
                  f"{counts.get('legislative actions', 0)} legislative actions", soft_wrap=True)
        err.print(f"  graph: {report.graph_path}", soft_wrap=True)
        if report.html_path:
            err.print(f"  html:  {report.html_path}", soft_wrap=True)
        if report.errors:  # with nothing built, the error lines say it all
            err.print(f"[red]{len(report.errors)} input(s) failed[/red]")
    if report.errors:
        raise typer.Exit(1)


_SCOPE = "Scope (which articles)"


@app.command("query")
def query_cmd(
    source: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A graph file, a directory written by 'kg build', or a store.")] = None,
    sparql: Annotated[Optional[str], typer.Argument(help="The SPARQL query.")] = None,  # noqa: UP045
    file: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--file", help="Read the query from a .rq file.")] = None,
    named: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--named", "-n", help="Run a saved query (see --list).")] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="table, csv, tsv or json (SPARQL 1.1 results).")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
    page: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--page", metavar="N", rich_help_panel=_SCOPE,
        help="Page N of the articles, newest first (a saved query shown as a table reads "
        "page 1 unless --all).")
    ] = None,
    page_size: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--page-size", metavar="N", rich_help_panel=_SCOPE,
        help="Articles per page (default 20).")] = None,
    every: Annotated[bool, typer.Option(
        "--all", rich_help_panel=_SCOPE,
        help="Every article in scope, no pages (the default but for a saved query's table).")
    ] = False,
    article: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--article", metavar="ID", rich_help_panel=_SCOPE,
        help="Only this article (repeat for more).")] = None,
    about: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--about", metavar="ENTITY", rich_help_panel=_SCOPE,
        help="Only the articles that mention this entity (an IRI, a name or an alias).")
    ] = None,
    since: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--since", metavar="DATE", rich_help_panel=_SCOPE,
        help="Only articles published on or after DATE (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--until", metavar="DATE", rich_help_panel=_SCOPE,
        help="Only articles published on or before DATE (YYYY-MM-DD).")] = None,
) -> None:
    """Run a SPARQL 1.1 query (given, from --file, or --named) over a graph.

    A saved query (--named) shown as a table reads the 20 most recent articles unless told
    otherwise (--page, --all, --article, --about, --since, --until); --format json, csv or
    tsv and your own query read every article unless given --page or --page-size.
    """
    from kg.query import RESULT_FORMATS, format_result, query, saved_queries, saved_query
    from kg.scope import PAGE_SIZE, Scope, notes, parse_date

    if list_:
        for name, (description, _) in saved_queries().items():
            print(f"{name:22s} {description}")
        return
    if format not in RESULT_FORMATS:
        _fail(f"unknown format {format!r}; choose one of {', '.join(RESULT_FORMATS)}")
    if source is None:
        _fail("give a graph file or directory to query (or --list to see the saved queries)")
    given = [x for x in (sparql, file, named) if x is not None]
    if len(given) != 1:
        _fail("give exactly one of: a SPARQL query, --file FILE, or --named NAME")
    if every and (page is not None or page_size is not None):
        _fail("give --all or --page/--page-size, not both")
    if named is not None:
        text = saved_query(named)
    elif file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{file}: cannot read the query ({exc})") from None
    else:
        assert sparql is not None
        text = sparql
    # a page unless asked: only a saved query shown as a table (scripts and the evaluation
    # read --format json/csv/tsv and get every row); your own query never
    paged = page is not None or page_size is not None or (named is not None
                                                          and format == "table")
    scope = Scope(articles=tuple(article or ()), about=about,
                  since=parse_date(since, "--since"), until=parse_date(until, "--until"),
                  page=1 if page is None else page,
                  page_size=PAGE_SIZE if page_size is None else page_size,
                  every=every or not paged)
    whole = scope.every and not scope.is_filtered  # every article: the query as it is
    result = query(_source(source), text, scope=None if whole else scope)
    sys.stdout.write(format_result(result, format))
    for note in notes(result.page) if result.page is not None else ():
        err.print(note, soft_wrap=True, markup=False)




@app.command()
def render(
    source: Annotated[str, typer.Argument(
        help="A graph file, a directory written by 'kg build', or a store.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The HTML file to write.")] = Path("graph.html"),
    focus: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--focus", help="Draw only the neighbourhood of this entity.")] = None,
    depth: Annotated[int, typer.Option("--depth", help="Hops around --focus.")] = 2,
    view: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--query", help="Draw the result of this SPARQL CONSTRUCT (.rq file) instead.")] = None,
    title: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--title", help="The page heading.")] = None,
) -> None:
    """Write an interactive, self-contained HTML view of a graph."""
    from kg.graph import read_graph
    from kg.render import render_html
    from kg.store import is_store, to_dataset

    if view is not None:
        graph: Any = _construct(source, view)
    else:
        graph = to_dataset(_source(source)) if is_store(source) else read_graph(source)
    path = render_html(graph, output, focus=focus, depth=depth, title=title)
    err.print(f"wrote {path}")


def _construct(source: str, view: Path) -> Any:
    """The graph a CONSTRUCT (or DESCRIBE) query in file ``view`` makes from ``source``."""
    from kg.query import query

    try:
        text = view.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{view}: cannot read the query ({exc})") from None
    result = query(_source(source), text)
    if result.triples is None:
        raise QueryError(f"{view}: --query needs a CONSTRUCT or DESCRIBE query (it makes the "
                         "graph to draw); keep the rdf:type and schema:name of what it returns")
    return result.to_graph()


@app.command("export")
def export_cmd(
    source: Annotated[str, typer.Argument(
        help="A graph file, a directory written by 'kg build', or a store.")],
    format: Annotated[str, typer.Option(
        "--format", "-f", help="graphml, gexf or json (networkx node-link).")] = "graphml",
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="The file to write (default: graph.FORMAT).")] = None,
    focus: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--focus", help="Export only the neighbourhood of this entity.")] = None,
    depth: Annotated[int, typer.Option("--depth", help="Hops around --focus.")] = 2,
    view: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--query", help="Export the result of this SPARQL CONSTRUCT (.rq file) instead.")] = None,
) -> None:
    """Export the entities and facts of a graph for Gephi, Cytoscape or networkx."""
    from kg.export import EXPORT_FORMATS, export_graph
    from kg.query import open_store
    from kg.remote import is_remote
    from kg.store import is_store, to_dataset

    if format not in EXPORT_FORMATS:
        _fail(f"unknown format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if view is not None:
        graph: Any = _construct(source, view)
    else:
        graph = (to_dataset(_source(source)) if is_remote(source)
                 else _source(source) if is_store(source) else open_store(source))
    target = output if output is not None else Path("graph" + EXPORT_FORMATS[format])
    err.print(f"wrote {export_graph(graph, target, format=format, focus=focus, depth=depth)}")


@app.command()
def validate(
    source: Annotated[str, typer.Argument(
        help="A graph file or a directory written by 'kg build'.")],
) -> None:
    """Check a graph against newskg's SHACL shapes and its spans against the article text."""
    from kg.graph import read_graph
    from kg.graph import validate as run_validate

    graph = read_graph(source)
    for name in sorted({str(c.identifier) for c in graph.graphs()}):
        run_validate(graph.graph(name))
    err.print(f"{source}: valid")


# ------------------------------------------------------------------ stores
def _source(source: str) -> Any:
    """A store directory opened read-only (queries run while another process writes), a
    SPARQL server (a URL), or ``source`` itself (a graph file or build directory)."""
    from kg.store import connect, is_store

    return connect(source, read_only=True) if is_store(source) else source


_STORE_HELP = ("The store directory (made on first use), or a SPARQL server's URL "
               "(http://HOST:PORT; see 'Remote stores' in the README).")
_STORED_HELP = "The store directory, or a SPARQL server's URL (http://HOST:PORT)."


@app.command()
def ingest(
    articles: Annotated[list[str], typer.Argument(
        help="Article files (.txt, .json, .jsonl), directories, or - for stdin.")],
    store: Annotated[str, typer.Option("--store", "-s", help=_STORE_HELP)],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Report what would change, with conflicts; write nothing.")] = False,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="Dry-run report: text or json.")] = "text",
    strict: Annotated[bool, typer.Option(
        "--strict", help="Stop at the first bad input.")] = False,
    workers: Annotated[str, typer.Option("--workers", "-w", metavar="N",
                                         help=_WORKERS_HELP)] = "1",
    cluster: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--cluster", help=_CLUSTER_HELP)] = None,
) -> None:
    """Extract ARTICLES and add each to a store, linking entities to the stored ones."""
    from kg.pipeline import ingest_articles
    from kg.progress import ProgressBar

    if format not in ("text", "json"):
        _fail(f"unknown format {format!r}; choose text or json")
    count = _check_parallel(workers, cluster)
    show = None if dry_run else (lambda change: err.print(change.summary(), soft_wrap=True))
    with ProgressBar(err) as bar:
        report = ingest_articles(articles, store, dry_run=dry_run, strict=strict,
                                 on_change=show, workers=count, cluster=cluster,
                                 progress=bar)
    for exc in report.errors:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
    if dry_run:
        _print_changes(report.changes, format)
    if report.errors:
        raise typer.Exit(1)


def _print_changes(changes: list[Any], format: str) -> None:
    if format == "json":
        print(json.dumps({"articles": [c.to_json() for c in changes]}, indent=1,
                         ensure_ascii=False))
        return
    for change in changes:
        print(f"dry run: {change.summary()}")
        if change.status == "unchanged":
            continue
        info = change.to_json()
        sections = [
            ("new entities", [f"{e['kind']} {e['name']} <{e['iri']}>"
                              + (f" ({e['outcome']})" if e["outcome"] != "new" else "")
                              for e in info["new_entities"]]),
            ("links to stored entities", [
                f"{x['kind']} {x['name']} -> {x['stored_name']} <{x['iri']}> score "
                f"{x['score']:.2f}: {'; '.join(x['evidence'])}" for x in info["links"]]),
            ("roles", info["roles"]), ("statements", info["statements"]),
            ("legislative actions", info["legislative_actions"]),
            ("conflicts", info["conflicts"] or ["none"]),
        ]
        for title, lines in sections:
            if lines:
                print(f"  {title}:")
                for line in lines:
                    print(f"    {line}")


@app.command()
def merge(
    graphs: Annotated[list[Path], typer.Argument(
        help="Graph files or directories written by 'kg build'.")],
    store: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--store", "-s", help=_STORE_HELP)] = None,
    out: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--out", "-o", help="Write the merged graph to this file (.trig, .nq, .jsonld).")
    ] = None,
) -> None:
    """Merge graphs built by 'kg build' into a store (or one file), resolving entities."""
    from kg.pipeline import merge_graphs

    if (store is None) == (out is None):
        _fail("give exactly one of --store DIR or --out FILE")
    changes = merge_graphs(graphs, store=store, out=out,
                        on_change=lambda change: err.print(change.summary(), soft_wrap=True))
    if out is not None:
        err.print(f"merged {len(changes)} article(s) into {out}")


@app.command()
def remove(
    article_ids: Annotated[list[str], typer.Argument(help="Ids of the articles to remove.")],
    store: Annotated[str, typer.Option("--store", "-s", help=_STORED_HELP)],
) -> None:
    """Remove articles from a store, with every fact only they support."""
    from kg.store import connect, remove_article

    db = connect(store)
    for article_id in article_ids:
        err.print(remove_article(db, article_id).summary())
    db.flush()


@app.command()
def unmerge(
    decisions: Annotated[list[str], typer.Argument(
        help="Merge decisions: an IRI or ARTICLE_ID/KIND/NAME (see --named merge-decisions).")],
    store: Annotated[str, typer.Option("--store", "-s", help=_STORED_HELP)],
) -> None:
    """Undo merge decisions: the article's entity gets an IRI of its own again."""
    from kg.store import connect
    from kg.store import unmerge as run_unmerge

    db = connect(store)
    for decision in decisions:
        print(run_unmerge(db, decision))
    db.flush()


@app.command("serve")
def serve_cmd(
    store: Annotated[str, typer.Option("--store", "-s", help=_STORED_HELP)],
    port: Annotated[int, typer.Option(
        "--port", "-p", help="Port on 127.0.0.1 (0 picks a free one).")] = 7879,
    timeout: Annotated[float, typer.Option(
        "--timeout", help="Seconds a query may run before it is stopped (on a server's URL: "
        "before kg serve stops waiting for its answer).")] = 30.0,
    limit: Annotated[int, typer.Option(
        "--limit", help="Rows (or triples) at most in an answer.")] = 10_000,
    workers: Annotated[int, typer.Option(
        "--workers", help="Query worker processes (queries running at once; on a server's "
        "URL, queries forwarded at once, without processes).")] = 2,
) -> None:
    """Serve a store over SPARQL 1.1 on 127.0.0.1 (read-only), with a query page and the view."""
    from kg.serve import Settings, serve

    if not 0 <= port <= 65535:
        _fail(f"--port must be between 0 and 65535, not {port}")
    if timeout <= 0 or limit < 1 or workers < 1:
        _fail("--timeout must be above 0 seconds, --limit and --workers at least 1")

    def ready(url: str) -> None:
        print(url, flush=True)
        err.print(f"serving {store} (read-only) at {url}  (SPARQL endpoint: {url}sparql, "
                  f"view: {url}view); Ctrl-C stops it", soft_wrap=True)

    from kg.remote import is_remote

    location: str | Path = store if is_remote(store) else Path(store)
    serve(Settings(location, port=port, timeout=timeout, limit=limit, workers=workers),
          on_ready=ready)
    err.print("stopped")


def main() -> None:
    """Entry point: run the app, turning every KGError into one red line and exit code 1."""
    try:
        app()
    except KGError as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
