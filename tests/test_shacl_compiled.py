"""kg.graph validates with pyshacl-turbo's shapes compiled once: the same verdicts and reports
as ``pyshacl_turbo.validate`` called afresh each time, on valid and broken article graphs."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

import kg.graph as graph_mod
from kg.graph import _shapes, to_graph
from kg.resolve import resolve
from kg.shacl import only_shape_predicates
from kg.vocab import KG, OA, RDF, SDO

ROOT = Path(__file__).resolve().parents[1]


def _graphs() -> list[Dataset]:
    """12 generated article graphs as built, and 24 copies each broken in one way."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    world, rng = generate.World.make(0), random.Random(3)
    good = [to_graph(resolve(generate.article(world, i, 0)[1])) for i in range(12)]
    out = list(good)
    breaks = [
        lambda t: t[1] == SDO.name,  # an entity without its name
        lambda t: t[1] == OA.exact,  # a span without its text
        lambda t: t[1] == KG.rule,  # a fact without its rule
        lambda t: t[1] == RDF.type,  # a node without a class
    ]
    for n, ds in enumerate(good * 2):
        broken = Dataset()
        quads = list(ds.quads())
        if n % 6 < 4:
            candidates = [q for q in quads if breaks[n % 6](q)]
            drop = rng.choice(candidates) if candidates else None
            quads = [q for q in quads if q is not drop]
        for s, p, o, g in quads:
            broken.graph(g).add((s, p, o))
        g = quads[0][3]
        fact = next(s for s, p, o, _ in quads if p == KG.confidence)
        if n % 6 == 4:  # a confidence that is not a decimal
            broken.graph(g).add((fact, KG.confidence, Literal("very")))
        if n % 6 == 5:  # a second, http: schema.org class
            broken.graph(g).add((fact, RDF.type, URIRef("http://schema.org/Quotation")))
        out.append(broken)
    return out


def _results(report: object) -> set[tuple[str, ...]]:
    sh = "http://www.w3.org/ns/shacl#"
    found = set()
    for r in report.subjects(RDF.type, URIRef(sh + "ValidationResult")):  # type: ignore[attr-defined]
        found.add(tuple(str(report.value(r, URIRef(sh + k)))  # type: ignore[attr-defined]
                        for k in ("focusNode", "resultPath", "resultMessage", "sourceShape",
                                  "sourceConstraintComponent", "value")))
    return found


def test_compiled_shapes_give_the_reports_of_a_fresh_validation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    turbo = pytest.importorskip("pyshacl_turbo")
    monkeypatch.delenv("NEWSKG_SHACL", raising=False)
    graph_mod._engine.cache_clear()
    try:
        compiled = graph_mod._engine()
        assert compiled is not turbo.validate
        verdicts = []
        for ds in _graphs():
            got = compiled(ds, shacl_graph=_shapes())
            want = turbo.validate(ds, shacl_graph=_shapes())
            assert got[0] == want[0]
            assert _results(got[1]) == _results(want[1])
            verdicts.append(got[0])
        assert verdicts.count(True) >= 12 and verdicts.count(False) >= 12, verdicts
    finally:
        graph_mod._engine.cache_clear()


def test_nquads_input_gets_the_verdicts_and_reports_of_a_fresh_validation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The build's input (N-Quads text, as ``validate_quads`` makes it: only the lines whose
    predicate the shapes read) takes the native shortcut when it conforms; a broken graph
    still gets pyshacl-turbo's full report, the same as from the whole graph."""
    turbo = pytest.importorskip("pyshacl_turbo")
    from pyshacl_turbo.rdf import Input

    monkeypatch.delenv("NEWSKG_SHACL", raising=False)
    graph_mod._engine.cache_clear()
    try:
        compiled = graph_mod._engine()
        verdicts = []
        for ds in _graphs():
            text = "".join(g.serialize(format="nt") for g in ds.graphs())  # N-Quads' subset
            want = turbo.validate(ds, shacl_graph=_shapes())
            # as the build feeds it: the lines the shapes read; and the whole text
            for source in (only_shape_predicates(text), text):
                data = Input(source, "nquads", None, {}, preserve_ids=True)
                got = compiled(data, shacl_graph=_shapes())
                assert got[0] == want[0]
                if got[0]:
                    assert got[1] is None  # no report graph made for a graph that conforms
                else:
                    assert _results(got[1]) == _results(want[1])
            assert len(only_shape_predicates(text)) < 0.8 * len(text)
            verdicts.append(got[0])
        assert verdicts.count(True) >= 12 and verdicts.count(False) >= 12, verdicts
    finally:
        graph_mod._engine.cache_clear()
