"""Saved queries over a scope of articles, a page at a time, newest first (kg.scope).

The store is made here from short articles written by hand (no model): 26 articles, two a day
from 2020-03-01, the last two undated; each names one of five people, so "Helen Brandt"
appears in every fifth article; articles that name "Brandt" alone are merged into her by the
store's resolution, which records merge decisions; one article names a town called Brandt.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import run_kg

from kg.errors import QueryError
from kg.graph import graph_iri, to_graph, write_graph
from kg.model import Article, Entity, Evidence, Role, Span, Statement
from kg.query import Result, query, query_saved, saved_queries, saved_query, select_articles
from kg.resolve import resolve
from kg.scope import Scope
from kg.store import add_article, connect

PEOPLE = ["Helen Brandt", "Tomas Okafor", "Maria Lindqvist", "Ravi Menon", "Jonas Weber"]
COUNT = 26
FIRST_DAY = dt.date(2020, 3, 1)
BRANDT = "https://w3id.org/newskg/id/person/helen-brandt"


def day(i: int) -> dt.date | None:
    """Two articles a day; the last two have no date."""
    return None if i >= COUNT - 2 else FIRST_DAY + dt.timedelta(days=i // 2)


def write(i: int) -> Article:
    """Article ``s{i:02d}``: one person, chairman of a harbour board, says something."""
    person = PEOPLE[i % len(PEOPLE)]
    # every tenth article from the sixth names Helen Brandt by her surname only
    name = "Brandt" if i % 10 == 5 else person
    town = "Brandt" if i == 3 else "Kiel"  # a town of that name too
    text = (f"{name}, chairman of the Harbour Board, said the new quay opens in {town}. "
            f"The board met for the {i + 1}th time.")
    sentence = Span(0, text.index(".") + 1, text[: text.index(".") + 1])

    def span(phrase: str) -> Span:
        start = text.index(phrase)
        return Span(start, start + len(phrase), phrase)

    return Article(
        id=f"s{i:02d}", text=text, title=f"Harbour news {i}", date=day(i),
        entities=(Entity("p", "Person", name, (), (span(name),)),
                  Entity("o", "Organization", "Harbour Board", (), (span("Harbour Board"),)),
                  Entity("t", "Location", town, (), (span(town),))),
        roles=(Role("p", "chairman", Evidence(sentence, span("chairman"), "apposition", 0.9),
                    organization="o"),),
        statements=(Statement("p", "said", Evidence(sentence, span("said"), "said-that", 0.8),
                              quote=f"the new quay opens in {town}"),),
    )


def newest_first() -> list[str]:
    """The article ids in the order pages show them, worked out by hand."""
    dated = sorted((i for i in range(COUNT) if day(i)), key=lambda i: (-(i // 2), i))
    return [f"s{i:02d}" for i in dated] + [f"s{i:02d}" for i in range(COUNT - 2, COUNT)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 26 articles in a store (in a shuffled order: the order of a page is not the
    order of ingest)."""
    path = tmp_path_factory.mktemp("scope") / "store"
    db = connect(path, create=True)
    for i in sorted(range(COUNT), key=lambda i: (i * 7) % COUNT):
        add_article(db, to_graph(resolve(write(i))).graph(graph_iri(f"s{i:02d}")))
    db.flush()
    del db
    return path


@pytest.fixture(scope="module")
def db(store: Path) -> Any:
    return connect(store, read_only=True)


@pytest.fixture(scope="module")
def trig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same articles as one graph file, as ``kg build`` writes it."""
    from kg.graph import new_dataset

    ds = new_dataset()
    for i in range(COUNT):
        ds.addN(to_graph(resolve(write(i))).quads())  # type: ignore[arg-type]
    return write_graph(ds, tmp_path_factory.mktemp("scope-file") / "graph.trig")


def v(term: Any) -> str:
    """A term's lexical value ("" for an unbound one)."""
    return str(getattr(term, "value", ""))


def ids(result: Result) -> list[str]:
    """The distinct article ids of a result, in order of first appearance."""
    column = result.variables.index("article")
    return list(dict.fromkeys(v(row[column]) for row in result.rows
                              if row[column] is not None))


# ------------------------------------------------------------------ the page
def test_scope_first_page_is_the_newest_articles(db: Any) -> None:
    page = select_articles(db, page=1, page_size=5)
    assert list(page.articles) == newest_first()[:5] == ["s22", "s23", "s20", "s21", "s18"]
    assert page.total == COUNT
    assert list(page.graphs) == [str(graph_iri(i)) for i in page.articles]


def test_scope_pages_cover_every_article_once(db: Any) -> None:
    seen: list[str] = []
    for n in range(1, 7):
        seen += select_articles(db, page=n, page_size=5).articles
    assert seen == newest_first()  # undated last, by id


def test_scope_every_article_in_order(db: Any) -> None:
    assert list(select_articles(db, every=True).articles) == newest_first()


def test_scope_saved_query_reads_the_first_page_only(db: Any) -> None:
    result = query_saved(db, "articles", page=1, page_size=4)
    assert sorted(ids(result)) == sorted(newest_first()[:4])
    assert (result.articles_in_scope, result.articles_shown) == (COUNT, 4)


def test_scope_first_page_is_twenty_articles(db: Any) -> None:
    result = query_saved(db, "roles", page=1)
    assert sorted(ids(result)) == sorted(newest_first()[:20])
    assert (result.articles_in_scope, result.articles_shown) == (COUNT, 20)


def test_scope_api_reads_every_article_unless_given_a_page(db: Any) -> None:
    result = query_saved(db, "roles")
    assert sorted(ids(result)) == sorted(newest_first())
    assert result.rows == query(db, saved_query("roles")).rows
    assert list(select_articles(db).articles) == newest_first()
    with pytest.raises(ValueError, match="not both"):
        query_saved(db, "roles", page=2, every=True)


def test_scope_page_two(db: Any) -> None:
    result = query_saved(db, "statements", page=2, page_size=10)
    assert sorted(ids(result)) == sorted(newest_first()[10:20])


def test_scope_all_is_the_whole_report(db: Any) -> None:
    for name in ("roles", "entities", "mentions-ranked"):
        text = saved_query(name)
        every = query_saved(db, name, every=True)
        assert every.rows == query(db, text).rows, name
        assert every.articles_in_scope == every.articles_shown == COUNT


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_scope_page_rows_are_the_whole_report_rows_of_its_articles(db: Any,
                                                                   name: str) -> None:
    """Each saved query on a page gives exactly the rows that the whole report gives for
    those articles (for the aggregates: the report over just those articles' graphs)."""
    page = select_articles(db, page=2, page_size=6)
    got = query_saved(db, name, page=2, page_size=6)
    graphs = page.dataset()
    want = query(db, saved_query(name), named_graphs=graphs, default_graphs=graphs)
    assert got.rows == want.rows
    if "article" in got.variables and name != "merge-decisions":
        assert set(ids(got)) <= set(page.articles)
        every = query(db, saved_query(name))
        column = every.variables.index("article")
        assert [r for r in every.rows if v(r[column]) in page.articles] == got.rows


# ------------------------------------------------------------------ narrowing the scope
def test_scope_about_by_iri(db: Any) -> None:
    page = select_articles(db, about=BRANDT, every=True)
    expected = [a for a in newest_first() if int(a[1:]) % 5 == 0]
    assert list(page.articles) == expected
    assert page.entities == ((BRANDT, "Helen Brandt"),)


def test_scope_about_by_name_exact_then_ignoring_case(db: Any) -> None:
    exact = select_articles(db, about="Helen Brandt", every=True)
    assert exact.entities[0][0] == BRANDT
    lower = select_articles(db, about="helen BRANDT", every=True)
    assert lower.articles == exact.articles


def test_scope_about_several_entities_uses_all(db: Any) -> None:
    page = select_articles(db, about="Brandt", every=True)
    assert {name for _, name in page.entities} == {"Helen Brandt", "Brandt"}  # she, the town
    assert sorted(page.articles) == sorted(
        ["s03"] + [a for a in newest_first() if int(a[1:]) % 5 == 0])


def test_scope_about_in_a_graph_file(trig: Path) -> None:
    """In a graph file nothing is merged: "Brandt" alone is a person of its own."""
    result = query_saved(trig, "roles", about="https://w3id.org/newskg/id/person/brandt",
                         every=True)
    assert sorted(ids(result)) == ["s05", "s15", "s25"]


def test_scope_since_until(db: Any) -> None:
    page = select_articles(db, since="2020-03-03", until="2020-03-04", every=True)
    assert list(page.articles) == ["s06", "s07", "s04", "s05"]
    assert page.total == 4  # undated articles are out of any date range
    assert select_articles(db, since=dt.date(2020, 3, 12), every=True).articles == (
        "s22", "s23")


def test_scope_articles_by_id(db: Any) -> None:
    result = query_saved(db, "roles", articles=["s03", "s24", "s11"])
    assert sorted(ids(result)) == ["s03", "s11", "s24"]
    assert result.articles_in_scope == 3


def test_scope_limits_combine(db: Any) -> None:
    page = select_articles(db, about=BRANDT, since="2020-03-05", page=1, page_size=2)
    # Brandt's dated articles from 2020-03-05: s20, s15, s10; two a page
    assert list(page.articles) == ["s20", "s15"]
    assert page.total == 3
    only = select_articles(db, about=BRANDT, articles=["s10", "s11"], every=True)
    assert only.articles == ("s10",)


def test_scope_empty_scope_gives_no_rows(db: Any) -> None:
    result = query_saved(db, "roles", since="2030-01-01")
    assert result.rows == [] and result.articles_in_scope == 0


def test_scope_merge_decisions_are_scoped_by_the_page(db: Any) -> None:
    every = query_saved(db, "merge-decisions", every=True)
    assert len(set(ids(every))) > 10, "each article after the first merges into stored ones"
    shown = select_articles(db, page=1, page_size=10).articles
    page = query_saved(db, "merge-decisions", page=1, page_size=10)
    assert page.variables == every.variables
    assert page.rows == [r for r in every.rows if v(r[1]) in shown] != []
    assert set(ids(page)) < set(ids(every))
    surname = query_saved(db, "merge-decisions", articles=["s25"])
    assert [(v(r[3]), v(r[4])) for r in surname.rows if v(r[2]) == "Person"] == [
        ("Brandt", BRANDT)], "the surname alone was merged into Helen Brandt"


def test_scope_graph_file_pages_as_the_store(trig: Path, db: Any) -> None:
    assert select_articles(trig, page=2, page_size=7).articles == select_articles(
        db, page=2, page_size=7).articles


# ------------------------------------------------------------------ bad values
@pytest.mark.parametrize(("options", "message"), [
    ({"page": 0}, "--page counts from 1"),
    ({"page_size": 0}, "--page-size must be at least 1"),
    ({"page": 3}, "past the last page, 2 (26 articles in scope, 20 a page)"),
    ({"since": "2020-3-1"}, "--since takes a date as YYYY-MM-DD"),
    ({"until": "2020-02-30"}, "--until takes a date"),
    ({"since": "2020-03-05", "until": "2020-03-01"}, "is after --until"),
    ({"articles": ["s01", "nope"]}, "no article 'nope'"),
    ({"about": "Nobody Here"}, "no entity named 'Nobody Here'"),
    ({"about": "https://example.org/nobody"}, "no entity <https://example.org/nobody>"),
])
def test_scope_bad_values_are_query_errors(db: Any, options: dict[str, object],
                                           message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        query_saved(db, "roles", **options)  # type: ignore[arg-type]


def test_scope_rejects_a_bare_string_of_ids(db: Any) -> None:
    with pytest.raises(TypeError):
        query_saved(db, "roles", articles="s01")


def test_scope_options_are_validated_early() -> None:
    with pytest.raises(QueryError):
        Scope(page=-1)


# ------------------------------------------------------------------ the command
def test_scope_cli_table_says_what_was_left_out(store: Path) -> None:
    done = run_kg("query", store, "--named", "roles")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ("rows from the 20 most recent of 26 articles; --page 2 for "
                                   "the next, --all for every article")
    assert done.stdout.rstrip().endswith("\n20 rows")  # one role per article
    last = run_kg("query", store, "--named", "roles", "--page", "2")
    assert last.returncode == 0, last.stderr
    assert last.stderr.strip() == ("rows from articles 21-26 of 26 articles, newest first; "
                                   "--all for every article")
    assert last.stdout.rstrip().endswith("\n6 rows")


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_scope_cli_scripts_get_every_row(store: Path, fmt: str) -> None:
    """``--format json|csv|tsv`` (what the evaluation and scripts read) is the whole report
    unless a page is asked for."""
    done = run_kg("query", store, "--named", "roles", "--format", fmt)
    assert done.returncode == 0 and done.stderr == ""
    if fmt == "json":
        rows = json.loads(done.stdout)["results"]["bindings"]
        assert sorted(r["article"]["value"] for r in rows) == sorted(newest_first())
    else:
        assert len(done.stdout.splitlines()) == COUNT + 1
    paged = run_kg("query", store, "--named", "roles", "--format", fmt, "--page", "1")
    assert "--page 2 for the next" in paged.stderr


def test_scope_cli_all_and_small_scopes_say_nothing(store: Path) -> None:
    every = run_kg("query", store, "--named", "roles", "--all", "--format", "csv")
    assert every.returncode == 0 and every.stderr == ""
    assert len(every.stdout.splitlines()) == COUNT + 1
    about = run_kg("query", store, "--named", "roles", "--about", "Helen Brandt",
                   "--since", "2020-03-01", "--format", "csv")
    assert about.returncode == 0 and about.stderr == ""
    assert len(about.stdout.splitlines()) == 1 + 5  # her five dated articles


def test_scope_cli_own_sparql_reads_every_article_unless_paged(store: Path) -> None:
    sparql = "SELECT ?id WHERE { ?a a schema:NewsArticle ; schema:identifier ?id }"
    every = run_kg("query", store, sparql, "--format", "csv")
    assert every.returncode == 0 and len(every.stdout.splitlines()) == COUNT + 1
    paged = run_kg("query", store, sparql, "--page", "1", "--page-size", "3", "--format", "csv")
    assert sorted(paged.stdout.split()[1:]) == sorted(newest_first()[:3])
    assert "--page 2 for the next" in paged.stderr


def test_scope_cli_several_entities_are_named_on_stderr(store: Path) -> None:
    done = run_kg("query", store, "--named", "roles", "--about", "Brandt", "--all",
                  "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("--about 'Brandt' matches 2 entities: ")
    assert "Helen Brandt <https://w3id.org/newskg/id/person/helen-brandt>" in done.stderr
    assert done.stderr.strip().endswith("using all of them")
    one = run_kg("query", store, "--named", "roles", "--about", "helen brandt", "--all")
    assert one.returncode == 0 and one.stderr == ""


@pytest.mark.parametrize("args", [
    ["--page", "0"], ["--since", "yesterday"], ["--article", "nope"],
    ["--about", "Nobody Here"], ["--all", "--page", "2"], ["--page-size", "-3"],
])
def test_scope_cli_bad_values_are_one_error_line(store: Path, args: list[str]) -> None:
    done = run_kg("query", store, "--named", "roles", *args)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_scope_cli_empty_scope_says_so(store: Path) -> None:
    done = run_kg("query", store, "--named", "roles", "--since", "2030-01-01", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "no articles in scope"
    assert len(done.stdout.splitlines()) == 1  # the header


def test_scope_small_sources_are_read_as_before(example_build: Path) -> None:
    """Twenty articles or fewer: the default page is everything, read with no dataset."""
    for name in ("entities", "roles", "co-mentions"):
        paged = query_saved(example_build, name, page=1)
        assert paged.rows == query(example_build, saved_query(name)).rows != []
        assert (paged.articles_in_scope, paged.articles_shown) == (1, 1)
    done = run_kg("query", example_build, "--named", "roles")
    assert done.returncode == 0 and done.stderr == ""
