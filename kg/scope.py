"""Which articles a query reads: a scope (ids, an entity, dates), one page at a time, newest first.

A saved query over every article of a large store is a report of 10,000s of rows that takes
seconds (benchmarks/README.md); a reader at a terminal asks for the latest articles, the ones
about someone, or a week's. A ``Scope`` says which articles; ``pick_page`` finds them and takes
one page, newest ``schema:datePublished`` first, then by article id, articles without a date
last. The query then reads those articles' graphs only (pyoxigraph's ``named_graphs`` and
``default_graph``; on a server the SPARQL Protocol's ``named-graph-uri``/``default-graph-uri``),
plus the store's bookkeeping graphs (``store/index``, ``store/decisions``), which every scope
keeps.

Picking a page reads little, whatever the store's size: the engine counts the articles in
scope per date (dates are stored inline in the store's keys, so only one row per date is
decoded), and only the articles of the page's dates are fetched with their ids. The unit of a
page is an article's graph: a Turtle file, whose articles share one graph, cannot be split.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Union

import pyoxigraph as ox

from kg.errors import QueryError
from kg.remote import RemoteStore
from kg.store_index import DECISIONS, INDEX
from kg.vocab import PREFIXES

__all__ = ["PAGE_SIZE", "BOOKKEEPING", "Scope", "ArticlePage", "pick_page", "count_articles",
           "find_entities", "parse_date", "notes"]

#: Articles per page unless asked otherwise (as ``gh`` lists 30 and ``git log`` a screen).
PAGE_SIZE = 20
#: Graphs every scope keeps: a store's index and merge decisions.
BOOKKEEPING = (INDEX.value, DECISIONS.value)
#: An opened source: the embedded (or in-memory) store, or a server.
Opened = Union[ox.Store, RemoteStore]  # noqa: UP007 (a runtime alias)


def parse_date(value: str | dt.date | None, option: str) -> dt.date | None:
    """A date given as ``YYYY-MM-DD`` (or a ``datetime.date``); ``option`` names it in errors.

    Examples:
        >>> parse_date("2018-10-16", "--since")
        datetime.date(2018, 10, 16)
    """
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        if len(text) == 10:  # fromisoformat also takes 20181016 and 2018-W42-2
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise QueryError(f"{option} takes a date as YYYY-MM-DD, not {value!r}")


@dataclass(frozen=True)
class Scope:
    """The articles a query reads.

    Args:
        articles: these article ids only (empty: no such limit).
        about: the articles that mention this entity, an IRI or a name (``schema:name`` or
            ``schema:alternateName``, exactly, else ignoring case; every matching entity).
        since, until: published on or after / on or before this date (undated articles
            are then out of scope).
        page: which page (1 = the newest articles).
        page_size: articles per page.
        every: every article in scope, no pages.

    The limits combine: an article must meet each one given.
    """

    articles: tuple[str, ...] = ()
    about: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1
    page_size: int = PAGE_SIZE
    every: bool = False

    def __post_init__(self) -> None:
        if self.page < 1:
            raise QueryError(f"--page counts from 1, not {self.page}")
        if self.page_size < 1:
            raise QueryError(f"--page-size must be at least 1, not {self.page_size}")
        if self.since and self.until and self.since > self.until:
            raise QueryError(f"--since {self.since} is after --until {self.until}: no article "
                             "can be in both")
        if self.about is not None and not self.about.strip():
            raise QueryError("--about needs an entity: an IRI or a name")

    @property
    def is_filtered(self) -> bool:
        """Whether the scope leaves some articles out (ids, an entity or dates)."""
        return bool(self.articles or self.about or self.since or self.until)


@dataclass(frozen=True)
class ArticlePage:
    """The articles of one page of a scope, in order (newest first).

    Attributes:
        scope: what was asked.
        articles: the ids of the page's articles, in order.
        graphs: the IRIs of their graphs, in the same order (each once).
        total: how many articles are in scope.
        entities: (IRI, name) of the entities ``scope.about`` matched.
    """

    scope: Scope
    articles: tuple[str, ...]
    graphs: tuple[str, ...]
    total: int
    entities: tuple[tuple[str, str], ...] = ()

    @property
    def first(self) -> int:
        """The position (1-based, in the scope) of the page's first article."""
        return 1 if self.scope.every else (self.scope.page - 1) * self.scope.page_size + 1

    @property
    def pages(self) -> int:
        """How many pages the scope fills (at least 1)."""
        if self.scope.every:
            return 1
        return max(1, math.ceil(self.total / self.scope.page_size))

    @property
    def is_partial(self) -> bool:
        """Whether some articles in scope are not on this page."""
        return len(self.articles) < self.total

    def dataset(self) -> list[str]:
        """The graphs a query over this page may read: the articles' and the bookkeeping."""
        return [*self.graphs, *BOOKKEEPING]


# ------------------------------------------------------------------ SPARQL parts
def _rows(store: Opened, sparql: str) -> list[ox.QuerySolution]:
    try:
        answer = store.query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:  # a bug here, never the user's text (every value is escaped)
        raise AssertionError(f"bad scope query: {exc}\n{sparql}") from None
    except (ValueError, OSError, RuntimeError) as exc:
        raise QueryError(f"choosing the articles failed: {exc}") from None
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


def _pattern(scope: Scope, entities: Sequence[str]) -> str:
    """The scope's limits as patterns inside ``GRAPH ?g``, on the article ``?a``."""
    parts = []
    if scope.articles:
        ids = " ".join(str(ox.Literal(i)) for i in scope.articles)
        parts.append(f"VALUES ?id {{ {ids} }} ?a schema:identifier ?id .")
    if entities:
        # laws are not in schema:mentions: an article mentions the laws its graph describes.
        # IRIs written in, not VALUES: pyoxigraph then starts from the bound IRI
        branches = []
        for e in entities:
            iri = str(ox.NamedNode(e))
            branches += [f"{{ ?a schema:mentions {iri} }}",
                         f"{{ {iri} a schema:Legislation . ?a a schema:NewsArticle }}"]
        parts.append(" UNION ".join(branches))
    return "\n".join(parts)


def _date_filter(scope: Scope) -> str:
    tests = []
    if scope.since:
        tests.append(f'?date >= "{scope.since.isoformat()}"^^xsd:date')
    if scope.until:
        tests.append(f'?date <= "{scope.until.isoformat()}"^^xsd:date')
    return f"FILTER({' && '.join(tests)})" if tests else ""


def count_articles(store: Opened) -> int:
    """How many articles (``schema:NewsArticle``) ``store`` holds."""
    rows = _rows(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { "
                        "?a a schema:NewsArticle } }")
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


def _survey(store: Opened, pattern: str, scope: Scope, *,
            distinct: bool) -> tuple[list[tuple[ox.Literal, int]], int, int]:
    """Every date with the number of articles in scope published on it, newest first; how
    many articles in scope have a date; how many there are in all (without a date range;
    else the dated ones).

    One request, counted inside the engine: dates are inline in Oxigraph's keys, so nothing
    is decoded but one row per date (1,250 for 10,000 articles: 15 ms with the count of all
    articles; the newest dates alone plus a count of the dated articles took 17 ms).
    ``distinct``: the pattern may match an article twice (several entities); COUNT DISTINCT
    takes twice as long, so only then.
    """
    count = "COUNT(DISTINCT ?a)" if distinct else "COUNT(*)"
    parts = [f"{{ SELECT ?date ({count} AS ?n) WHERE {{ GRAPH ?g {{ {pattern}\n"
             f"?a schema:datePublished ?date . {_date_filter(scope)} }} }} GROUP BY ?date }}"]
    ranged = bool(scope.since or scope.until)
    if not ranged:
        # the scope's patterns bind ?a to articles only (ids, mentions): checking the type as
        # well took 20x longer for an entity in half of 10,000 articles
        parts.append(f"{{ SELECT ({count} AS ?all) WHERE {{ GRAPH ?g {{ "
                     f"{pattern or '?a a schema:NewsArticle .'} }} }} }}")
    rows = _rows(store, f"SELECT ?date ?n ?all WHERE {{ {' UNION '.join(parts)} }}")
    dates: list[tuple[ox.Literal, int]] = []
    n_all = 0
    for row in rows:
        date, n, got_all = tuple(row)
        if isinstance(date, ox.Literal) and n is not None:
            dates.append((date, int(n.value)))
        elif got_all is not None:
            n_all = int(got_all.value)
    dates.sort(key=lambda x: x[0].value, reverse=True)
    dated = sum(n for _, n in dates)
    return dates, dated, dated if ranged else max(n_all, dated)


def _dated(store: Opened, pattern: str, dates: Sequence[ox.Literal] | None,
           scope: Scope) -> list[tuple[str, str, str]]:
    """(date, id, graph) of the articles in scope published on ``dates`` (None: any)."""
    values = f"VALUES ?date {{ {' '.join(map(str, dates))} }}" if dates is not None else ""
    # the dates first: the engine starts from them (from the pattern, it read every article
    # that mentions an entity, 10x longer)
    rows = _rows(store, f"SELECT DISTINCT ?date ?id ?g WHERE {{ {values} GRAPH ?g {{ "
                        "?a schema:datePublished ?date ; schema:identifier ?id . "
                        f"{pattern}\n{_date_filter(scope)} }} }}")
    return [(r[0].value, r[1].value, r[2].value) for r in rows if None not in tuple(r)]


def _undated(store: Opened, pattern: str, offset: int, limit: int) -> list[tuple[str, str]]:
    """(id, graph) of the articles in scope without a date, by id, from ``offset``."""
    rows = _rows(store, "SELECT DISTINCT ?id ?g WHERE { GRAPH ?g { "
                        f"?a a schema:NewsArticle ; schema:identifier ?id . {pattern}\n"
                        "FILTER NOT EXISTS { ?a schema:datePublished ?date } } } "
                        f"ORDER BY ?id OFFSET {offset} LIMIT {limit}")
    return [(r[0].value, r[1].value) for r in rows if None not in tuple(r)]


# ------------------------------------------------------------------ what the scope names
def find_entities(store: Opened, about: str) -> tuple[tuple[str, str], ...]:
    """(IRI, name) of the entities ``about`` names: an IRI, else a name matched exactly
    (``schema:name``/``schema:alternateName``), else ignoring case.

    Raises:
        QueryError: nothing has that IRI or name.
    """
    about = about.strip()
    if about.startswith("<") and about.endswith(">"):
        about = about[1:-1]
    if "://" in about or about.startswith("urn:"):
        try:
            iri = str(ox.NamedNode(about))
        except ValueError:
            raise QueryError(f"--about {about!r}: not a valid IRI") from None
        # the IRI written into the patterns, not VALUES (then pyoxigraph read every typed
        # node), and one graph is enough
        if not _rows(store, f"SELECT ?type WHERE {{ GRAPH ?g {{ {iri} a ?type }} }} LIMIT 1"):
            raise QueryError(f"--about: no entity <{about}> here")
        return ((about, _name(store, iri)),)
    else:
        names = f"{ox.Literal(about, language='en')} {ox.Literal(about)}"
        rows = _rows(store, f"SELECT DISTINCT ?e WHERE {{ VALUES ?n {{ {names} }} GRAPH ?g {{ "
                            "?e schema:name|schema:alternateName ?n } } ORDER BY ?e")
        if not rows:  # a scan of every name: only when no name is exactly that
            lower = ox.Literal(about.lower())
            rows = _rows(store, "SELECT DISTINCT ?e WHERE { GRAPH ?g { "
                                "?e schema:name|schema:alternateName ?n . "
                                f"FILTER(LCASE(STR(?n)) = {lower}) }} }} ORDER BY ?e")
        if not rows:
            raise QueryError(f"--about: no entity named {about!r} here (names and aliases are "
                             "matched whole, ignoring case; an IRI works too)")
        found = [(row[0].value, _name(store, str(row[0]))) for row in rows]
        return tuple(found)


def _name(store: Opened, iri: str) -> str:
    """The fullest of an entity's names (as the store's index does), from a few graphs: an
    entity can be named in thousands."""
    rows = _rows(store, f"SELECT ?name WHERE {{ GRAPH ?g {{ {iri} schema:name ?name }} }} "
                        "LIMIT 50")
    names = [r[0].value for r in rows if r[0] is not None]
    return max(sorted(names), key=len) if names else iri.strip("<>")


def _check_ids(store: Opened, ids: Sequence[str]) -> None:
    values = " ".join(str(ox.Literal(i)) for i in ids)
    rows = _rows(store, f"SELECT DISTINCT ?id WHERE {{ VALUES ?id {{ {values} }} GRAPH ?g {{ "
                        "?a a schema:NewsArticle ; schema:identifier ?id } }")
    missing = sorted(set(ids) - {r[0].value for r in rows if r[0] is not None})
    if missing:
        raise QueryError(f"--article: no article {', '.join(map(repr, missing))} here (see "
                         "--named articles)")


# ------------------------------------------------------------------ the page
def pick_page(store: Opened, scope: Scope) -> ArticlePage:
    """The articles of ``scope``'s page (every article in scope with ``scope.every``).

    Raises:
        QueryError: an unknown article id or entity, or a page past the last one.
    """
    entities = find_entities(store, scope.about) if scope.about else ()
    if scope.articles:
        _check_ids(store, scope.articles)
    pattern = _pattern(scope, [iri for iri, _ in entities])
    dates, dated, total = _survey(store, pattern, scope, distinct=len(entities) > 1)
    if scope.every:
        start, stop = 0, total
    else:
        start = (scope.page - 1) * scope.page_size
        stop = min(start + scope.page_size, total)
        if start >= total and scope.page > 1:
            last = max(1, math.ceil(total / scope.page_size))
            raise QueryError(f"--page {scope.page} is past the last page, {last} ({total:,} "
                             f"article{'s' * (total != 1)} in scope, {scope.page_size} a page)")
    chosen: list[tuple[str, str]] = []  # (id, graph)
    if start < dated:
        wanted: list[ox.Literal] = []
        before = 0  # articles on days newer than the first wanted day
        seen = 0
        for date, n in dates:
            if seen + n > start and seen < stop:
                if not wanted:
                    before = seen
                wanted.append(date)
            seen += n
            if seen >= stop:
                break
        found = _dated(store, pattern, None if scope.every else wanted, scope)
        rank = {date.value: i for i, (date, _) in enumerate(dates)}
        found.sort(key=lambda r: (rank.get(r[0], len(rank)), r[1]))
        chosen += [(i, g) for _, i, g in found[start - before: stop - before]]
    if stop > dated:
        skip = max(0, start - dated)
        chosen += _undated(store, pattern, skip, stop - max(start, dated))
    graphs = tuple(dict.fromkeys(g for _, g in chosen))
    return ArticlePage(scope, tuple(i for i, _ in chosen), graphs, total, entities)


def notes(page: ArticlePage) -> list[str]:
    """What ``kg query`` says on stderr about a page: the entities ``--about`` matched when
    several did, and the articles in scope left out (with the options that show them)."""
    out = []
    scope = page.scope
    if len(page.entities) > 1:
        names = ", ".join(f"{name} <{iri}>" for iri, name in page.entities)
        out.append(f"--about {scope.about!r} matches {len(page.entities)} entities: {names}; "
                   "using all of them")
    if page.total == 0:
        if scope.is_filtered:  # a graph without articles at all is read whole, as before
            out.append("no articles in scope")
        return out
    if not page.is_partial:
        return out
    what = f"{page.total:,} article{'s' * (page.total != 1)}"
    shown = len(page.articles)
    if scope.page == 1:
        head = f"rows from the {shown} most recent of {what}"
    elif shown == 1:
        head = f"rows from article {page.first:,} of {what}, newest first"
    else:
        head = (f"rows from articles {page.first:,}-{page.first + shown - 1:,} of {what}, "
                "newest first")
    if scope.page < page.pages:
        out.append(f"{head}; --page {scope.page + 1} for the next, --all for every article")
    else:
        out.append(f"{head}; --all for every article")
    return out
