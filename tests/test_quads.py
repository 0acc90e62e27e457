"""Tests for the build's RDF path without rdflib: kg.quads.to_quads, kg.shacl.validate_quads.

``kg build`` and ``kg ingest`` validate, write and store the pyoxigraph quads of ``to_quads``
directly; ``to_graph`` (the API) is made from them. These tests pin that both give the same
graph, that a broken graph is rejected with the same message either way, and that the files
written are the bytes the rdflib builder wrote before (``tests/data/golden``, made with
commit 1230cee, the last one with the rdflib builder).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import make_article
from rdflib import Literal

from kg import graph as graph_mod
from kg.errors import ValidationError
from kg.graph import (
    FORMATS,
    GraphWriter,
    from_quads,
    to_graph,
    to_oxigraph,
    to_quads,
    validate,
    validate_many,
    validate_quads,
    write_graph,
)
from kg.model import Article
from kg.resolve import resolve
from kg.shacl import check_quad_spans, check_spans
from kg.vocab import KG, OA, ORG, RDF, SDO, XSD

GOLDEN = Path(__file__).parent / "data" / "golden"
VERSION = "en_core_web_sm 3.8.0"


def _rich() -> Article:
    """The hand-built article with aliases, a former role without an organisation, an id
    that needs escaping and a url that is not an IRI."""
    base = make_article("a 2/é")
    return dataclasses.replace(
        base, url="not-a-url",
        entities=tuple(dataclasses.replace(e, aliases=("Zakir", "Mr Zakir"))
                       if e.key == "zakir" else e for e in base.entities),
        roles=base.roles + (dataclasses.replace(base.roles[0], title="former chairman",
                                                former=True, organization=None),))


def _articles() -> list[Article]:
    """Three hand-built articles: plain, rich, and one without a date, title or url."""
    bare = dataclasses.replace(make_article("a3"), date=None, title="", url=None)
    return [resolve(a) for a in (make_article("a1"), _rich(), bare)]


@pytest.fixture(autouse=True)
def _fresh_engine() -> object:
    graph_mod._engine.cache_clear()  # NEWSKG_SHACL is read when the engine is first made
    yield
    graph_mod._engine.cache_clear()


@pytest.mark.parametrize("n", range(3))
def test_quads_are_the_quads_of_to_graph_in_the_writers_order(n: int) -> None:
    article = _articles()[n]
    quads = to_quads(article, model_version=VERSION)
    assert quads == to_oxigraph(to_graph(article, model_version=VERSION))
    assert len(set(quads)) == len(quads)


def test_quads_keep_lexical_forms_and_plain_literals() -> None:
    quads = to_quads(_articles()[1])
    objects = {q.predicate.value: q.object for q in quads}
    confidence = objects[str(KG.confidence)]
    assert isinstance(confidence, ox.Literal)
    assert confidence.datatype == ox.NamedNode(str(XSD.decimal))
    assert len(confidence.value.split(".")[1]) == 2  # "0.90", not "0.9"
    start = objects[str(OA.start)]
    assert isinstance(start, ox.Literal)
    assert start.datatype == ox.NamedNode(str(XSD.nonNegativeInteger))
    url = objects[str(SDO.url)]  # not an IRI: a plain literal, as rdflib wrote it
    assert url == ox.Literal("not-a-url")
    literals = [o for _, _, o, _ in to_graph(_articles()[1]).quads() if isinstance(o, Literal)]
    assert Literal("not-a-url") in literals  # rdflib's plain literal, not ^^xsd:string
    assert not [o for o in literals if o.datatype == XSD.string]


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_quads_writer_output_is_byte_identical_to_the_dataset_path(tmp_path: Path,
                                                                   fmt: str) -> None:
    paths = []
    for how, make in (("quads", to_quads), ("dataset", to_graph)):
        path = tmp_path / f"{how}{FORMATS[fmt][1]}"
        writer = GraphWriter(path, format=fmt)
        for article in _articles():
            writer.add(make(article, model_version=VERSION))
        writer.close()
        paths.append(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_quads_writer_output_is_what_the_rdflib_builder_wrote(tmp_path: Path) -> None:
    writer = GraphWriter(tmp_path / "graph.trig")
    for article in _articles():
        writer.add(to_quads(article, model_version=VERSION))
    writer.close()
    assert (tmp_path / "graph.trig").read_bytes() == (GOLDEN / "hand-articles.trig").read_bytes()


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_quads_to_graph_writes_what_the_rdflib_builder_wrote(tmp_path: Path, fmt: str) -> None:
    suffix = FORMATS[fmt][1]
    path = write_graph(to_graph(_articles()[1], model_version="m"), tmp_path / f"g{suffix}",
                       format=fmt)
    assert path.read_bytes() == (GOLDEN / f"hand-article-rich{suffix}").read_bytes()


def test_quads_from_quads_into_adds_to_a_dataset() -> None:
    first, second = (to_quads(a) for a in _articles()[:2])
    ds = from_quads(first)
    assert from_quads(second, into=ds) is ds
    assert to_oxigraph(ds) == sorted(first + second, key=str)


# ------------------------------------------------------------------ a broken graph
Quads = list[ox.Quad]


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _iri(node: object) -> str:
    assert isinstance(node, ox.NamedNode)
    return node.value


def _drop_member(quads: Quads) -> tuple[Quads, str]:
    member = next(q for q in quads if q.predicate == _n(ORG.member))
    return [q for q in quads if q != member], _iri(member.subject)


def _wrong_exact(quads: Quads) -> tuple[Quads, str]:
    exact = next(q for q in quads if q.predicate == _n(OA.exact)
                 and q.object == ox.Literal("chairman"))
    wrong = ox.Quad(exact.subject, exact.predicate, ox.Literal("chairwoman"), exact.graph_name)
    return [wrong if q == exact else q for q in quads], _iri(exact.subject).removesuffix("/quote")


def _old_schema_org(quads: Quads) -> tuple[Quads, str]:
    person = next(q for q in quads if q.object == _n(SDO.Person))
    extra = ox.Quad(person.subject, _n(RDF.type), ox.NamedNode("http://schema.org/Person"),
                    person.graph_name)
    return [*quads, extra], _iri(person.subject)


def _confidence_above_one(quads: Quads) -> tuple[Quads, str]:
    conf = next(q for q in quads if q.predicate == _n(KG.confidence))
    high = ox.Quad(conf.subject, conf.predicate,
                   ox.Literal("2.5", datatype=_n(XSD.double)), conf.graph_name)
    return [high if q == conf else q for q in quads], _iri(conf.subject)


def _position_without_end(quads: Quads) -> tuple[Quads, str]:
    end = next(q for q in quads if q.predicate == _n(OA.end))
    return [q for q in quads if q != end], _iri(end.subject)


BREAKS: list[tuple[Callable[[Quads], tuple[Quads, str]], str]] = [
    (_drop_member, "org:member"),
    (_wrong_exact, "'chairman', not 'chairwoman'"),
    (_old_schema_org, "http://schema.org/"),
    (_confidence_above_one, "kg:confidence"),
    (_position_without_end, "oa:end"),
]


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
@pytest.mark.parametrize(("breaks", "constraint"), BREAKS,
                         ids=["no-member", "wrong-exact", "http-schema-org",
                              "confidence-above-one", "no-end"])
def test_quads_validate_rejects_a_broken_graph_as_validate_does(
        breaks: Callable[[Quads], tuple[Quads, str]], constraint: str, engine: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSKG_SHACL", "pyshacl" if engine == "pyshacl" else "")
    quads = to_quads(_articles()[0])
    validate_quads(quads)
    broken, node = breaks(quads)
    with pytest.raises(ValidationError) as fast:
        validate_quads(broken)
    message = str(fast.value)
    assert node in message and constraint in message
    assert "\n" not in message
    with pytest.raises(ValidationError) as slow:
        validate(from_quads(broken))
    assert message == str(slow.value)


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_quads_validate_many_names_the_broken_graph(engine: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSKG_SHACL", "pyshacl" if engine == "pyshacl" else "")
    good, bad, other = (to_quads(a) for a in _articles())
    broken, node = _drop_member(bad)
    problems = validate_many([good, broken, other])
    assert problems[0] is None and problems[2] is None
    assert isinstance(problems[1], ValidationError) and node in str(problems[1])


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_quads_validate_many_never_lets_another_article_fill_a_gap(
        engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # two articles name the same person (one IRI); the second lost the person's name
    monkeypatch.setenv("NEWSKG_SHACL", "pyshacl" if engine == "pyshacl" else "")
    first, second = (to_quads(resolve(make_article(i))) for i in ("a1", "a2"))
    name = _n(SDO.name)
    person = next(q.subject for q in second if q.predicate == name and "/person/" in str(q))
    assert any(q.subject == person for q in first)
    broken = [q for q in second if not (q.predicate == name and q.subject == person)]
    problems = validate_many([first, broken])
    assert problems[0] is None
    assert isinstance(problems[1], ValidationError) and "schema:name" in str(problems[1])
    problems = validate_many([from_quads(first), from_quads(broken)])
    assert problems[0] is None and isinstance(problems[1], ValidationError)


def test_quads_and_datasets_get_the_same_verdicts_and_messages() -> None:
    """36 generated graphs, 24 of them broken in six ways: the N-Quads path of pyshacl-turbo
    says what validating the rdflib Dataset says, word for word."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_shacl_compiled import _graphs

    as_quads = [to_oxigraph(ds) for ds in _graphs()]
    datasets = [from_quads(q) for q in as_quads]  # with newskg's prefixes, as built ones have
    slow = [None if p is None else str(p) for p in validate_many(datasets)]
    fast = [None if p is None else str(p) for p in validate_many(as_quads)]
    assert fast == slow
    assert slow.count(None) >= 12 and len(slow) - slow.count(None) >= 12


def test_quads_check_spans_says_what_check_spans_says() -> None:
    quads = to_quads(_articles()[0])
    start = next(q for q in quads if q.predicate == _n(OA.start))
    moved = ox.Quad(start.subject, start.predicate,
                    ox.Literal(str(int(start.object.value) + 1), datatype=start.object.datatype),  # type: ignore[union-attr]
                    start.graph_name)
    broken = [moved if q == start else q for q in quads]
    with pytest.raises(ValidationError) as fast:
        check_quad_spans(broken)
    with pytest.raises(ValidationError) as slow:
        check_spans(from_quads(broken))
    assert str(fast.value) == str(slow.value)
    assert "text at" in str(fast.value)


@pytest.mark.parametrize("url", ["https://example.org/a b", "http://example.org/<x>"])
def test_quads_an_article_url_that_is_no_iri_is_a_validation_error(url: str) -> None:
    article = dataclasses.replace(_articles()[0], url=url)
    with pytest.raises(ValidationError, match="url .* is not a valid IRI") as info:
        to_quads(article)
    assert "\n" not in str(info.value)
