"""The ``kg`` command: a thin Typer layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

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
) -> None:
    """Extract the facts of ARTICLES and write their graph (one named graph per article)."""
    from kg.graph import FORMATS
    from kg.pipeline import build as run_build

    if format not in FORMATS:
        _fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    report = run_build(articles, out, format=format, html=html, strict=strict)
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


@app.command("query")
def query_cmd(
    source: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A graph file or a directory written by 'kg build'.")] = None,
    sparql: Annotated[Optional[str], typer.Argument(help="The SPARQL query.")] = None,  # noqa: UP045
    file: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--file", help="Read the query from a .rq file.")] = None,
    named: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--named", "-n", help="Run a saved query (see --list).")] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="table, csv, tsv or json (SPARQL 1.1 results).")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
) -> None:
    """Run a SPARQL 1.1 query (given, from --file, or --named) over a graph."""
    from kg.query import RESULT_FORMATS, format_result, query, saved_queries, saved_query

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
    sys.stdout.write(format_result(query(source, text), format))


@app.command()
def render(
    source: Annotated[str, typer.Argument(
        help="A graph file or a directory written by 'kg build'.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The HTML file to write.")] = Path("graph.html"),
    focus: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--focus", help="Draw only the neighbourhood of this entity.")] = None,
    depth: Annotated[int, typer.Option("--depth", help="Hops around --focus.")] = 2,
) -> None:
    """Write an interactive, self-contained HTML view of a graph."""
    from kg.graph import read_graph
    from kg.render import render_html

    path = render_html(read_graph(source), output, focus=focus, depth=depth)
    err.print(f"wrote {path}")


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
