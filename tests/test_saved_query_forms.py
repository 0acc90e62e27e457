"""The saved queries, written for speed, give the rows of their plain reference forms.

Several saved queries (``kg/queries/*.rq``) are written so that pyoxigraph's planner starts
from the fact nodes and looks the rest up per fact (``OPTIONAL { ... }`` with a
``FILTER(BOUND(...))`` instead of an inner join, ``VALUES`` instead of ``UNION``; see
docs/decisions.md). ``tests/data/reference-queries/`` keeps each one's plain form, as it was
before: both must return the same variables and the same rows (as a multiset) on the example
article's graph, on the hand-built article, and on a store of generated articles whose entities
recur across articles (names looked up in the right graph, one row per alias, optional parts
missing). The saved form must also keep its ORDER BY.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph import to_graph, to_oxigraph
from kg.model import Article
from kg.query import open_store, query, saved_query
from kg.resolve import resolve

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "reference-queries"
NAMES = sorted(p.stem for p in REFERENCE.glob("*.rq"))


def _rows(source: ox.Store, sparql: str) -> tuple[list[str], Counter[tuple[str, ...]]]:
    result = query(source, sparql)
    return result.variables, Counter(tuple(str(t) for t in row) for row in result.rows)


def _same(source: ox.Store, name: str) -> int:
    """Assert that saved and reference forms agree on ``source``; return the row count."""
    saved, reference = saved_query(name), (REFERENCE / f"{name}.rq").read_text("utf-8")
    got, want = _rows(source, saved), _rows(source, reference)
    assert got[0] == want[0], f"{name}: columns differ"
    assert got[1] == want[1], (f"{name}: rows differ: only saved {list(got[1] - want[1])[:3]}, "
                               f"only reference {list(want[1] - got[1])[:3]}")
    return sum(got[1].values())


@pytest.fixture(scope="module")
def generated() -> ox.Store:
    """60 generated articles (benchmarks/generate.py, seed 0) in one store, as built."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    world = generate.World.make(0)
    store = ox.Store()
    for i in range(60):
        store.extend(to_oxigraph(to_graph(resolve(generate.article(world, i, 0)[1]))))
    return store


@pytest.fixture(scope="module")
def damaged(generated: ox.Store) -> ox.Store:
    """The generated store with every 7th quad of a few kinds dropped: names, labels,
    selectors, article ids, types missing in some graphs, where the shapes would not allow
    it. An inner join and its OPTIONAL-with-BOUND form differ exactly on such graphs."""
    store = ox.Store()
    store.extend(generated)
    ns = {"schema": "https://schema.org/", "oa": "http://www.w3.org/ns/oa#",
          "skos": "http://www.w3.org/2004/02/skos/core#",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    for prefix, local in [("schema", "name"), ("schema", "identifier"), ("oa", "exact"),
                          ("oa", "hasSelector"), ("skos", "prefLabel"), ("rdf", "type"),
                          ("schema", "datePublished"), ("schema", "mentions")]:
        found = sorted(store.quads_for_pattern(None, ox.NamedNode(ns[prefix] + local), None),
                       key=str)
        for q in found[::7]:
            store.remove(q)
    return store


def test_reference_forms_cover_the_rewritten_queries() -> None:
    assert {"entities", "legislative-actions"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_same_rows_on_generated_articles(generated: ox.Store, name: str) -> None:
    assert _same(generated, name) > 0, f"{name}: no rows, nothing compared"


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_same_rows_on_damaged_graphs(damaged: ox.Store, name: str) -> None:
    _same(damaged, name)


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_same_rows_on_hand_built_article(article: Article, name: str) -> None:
    _same(open_store(to_graph(article)), name)


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_same_rows_on_example_graph(example_build: Path, name: str) -> None:
    _same(open_store(example_build), name)


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_keeps_its_order(name: str) -> None:
    def order(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith(("ORDER BY", "GROUP BY"))]

    assert order(saved_query(name)) == order((REFERENCE / f"{name}.rq").read_text("utf-8"))
