"""Validate article graphs: the SHACL shapes of ``schemas/`` and every span against its text.

Two inputs, one verdict: an rdflib Graph or Dataset (``validate``, the public API), or the
pyoxigraph quads ``kg.quads.to_quads`` makes (``validate_quads``, what ``kg build`` and
``kg ingest`` use, with no rdflib graph in between). A graph that breaks the shapes raises the
same ``ValidationError`` either way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ValidationError
from kg.vocab import OA, PREFIXES, RDF, RDFS, SDO, XSD

__all__ = ["validate", "validate_quads", "validate_many", "check_spans", "check_quad_spans",
           "to_rdflib"]

_SH = "http://www.w3.org/ns/shacl#"
_XSD_STRING = str(XSD.string)


@cache
def _shapes() -> Graph:
    shapes = Graph()
    shapes.parse(str(resources.files("kg") / "schemas" / "shapes.ttl"), format="turtle")
    return shapes


def _pyshacl_validate() -> Any:
    from pyshacl import validate as shacl_validate  # imported late: it is slow to import

    return shacl_validate


@cache
def _engine() -> Any:
    """The SHACL engine: pyshacl-turbo (Rust, same API and reports, ~3x faster and reads a
    Dataset or pyoxigraph data without copying) when installed, else pySHACL.
    NEWSKG_SHACL=pyshacl forces pySHACL; the test suite runs the shapes through both."""
    if os.environ.get("NEWSKG_SHACL", "") != "pyshacl":
        try:
            from pyshacl_turbo import ValidationFailure, compile_shapes
        except ImportError:  # pragma: no cover - a dependency, but degrade gracefully
            return _pyshacl_validate()
        program = compile_shapes(_shapes())  # type: ignore[no-untyped-call]

        def turbo_validate(data: Any, shacl_graph: Graph) -> tuple[bool, Any, str]:
            """``pyshacl_turbo.validate`` with the shapes compiled once: what it does per
            call besides validating was a third of its time on a short article. N-Quads
            input that conforms gets no report graph (None): see ``_conforms_natively``."""
            assert shacl_graph is _shapes()
            if _conforms_natively(program, data):
                return True, None, "Validation Report\nConforms: True\n"
            try:
                return program.validate(data, _normalize_report_literals=True)  # type: ignore[no-any-return]
            except ValidationFailure as failure:  # as pyshacl_turbo.validate reports it
                return False, failure, f"Validation Failure - {failure}"

        return turbo_validate
    return _pyshacl_validate()


def _conforms_natively(program: Any, data: Any) -> bool:
    """True if N-Quads ``data`` (an ``Input``) conforms, by the compiled shapes' native call alone.

    ``CompiledShapes.validate`` around that call reads the shapes' prefixes twice and builds
    an rdflib report graph, binding every prefix, even when the data conforms: a quarter of
    validating a generated article (benchmarks/bench_extract.py). A graph that does not
    conform, or that draws a warning, goes through ``CompiledShapes.validate`` again for its
    report. The arguments are the defaults ``CompiledShapes.validate`` passes in the pinned
    pyshacl-turbo (0.6.5; tests/test_shacl_compiled.py compares verdicts and reports).
    """
    native = getattr(program, "_native", None)
    if native is None or not hasattr(data, "source"):
        return False
    conforms, _report, _text, _expanded, warnings = native.validate(
        data.source, data.format, data.base,
        False, 100, 15,  # iterate_rules, max_rule_iterations, max_validation_depth
        False, False, False, False,  # inplace, allow_infos, allow_warnings, abort_on_first
        [], [], [(p, str(ns)) for p, ns in data.namespaces.items()])  # focus, shapes, prefixes
    return bool(conforms) and not warnings


def _prefixed() -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def _shapes_error(report: Any, names: Graph | Dataset) -> ValidationError:
    """The error for a graph that breaks the shapes: its first problem, one line."""
    assert isinstance(report, Graph)
    problems = []
    for result in report.subjects(RDF.type, URIRef(_SH + "ValidationResult")):
        node = report.value(result, URIRef(_SH + "focusNode"))
        path = report.value(result, URIRef(_SH + "resultPath"))
        message = report.value(result, URIRef(_SH + "resultMessage"))
        problems.append(f"{node} {names.qname(str(path)) if path else ''}: {message}")
    problems.sort()
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ValidationError(f"graph breaks the shapes: {problems[0]}{more}")


def validate(graph: Graph | Dataset) -> None:
    """Check ``graph`` against the SHACL shapes and every span against the article text.

    Raises:
        ValidationError: naming the first offending node and the broken constraint.
    """
    shacl_validate = _engine()
    if isinstance(graph, Dataset) and shacl_validate is not _pyshacl_validate():
        data: Graph = graph  # the Rust engine reads a Dataset as it is, without a copy
    elif isinstance(graph, Dataset):
        data = _prefixed()
        data.addN((s, p, o, data) for s, p, o, _ in graph.quads())
    else:
        data = graph  # validated in place: copying costs as much as validating
    conforms, report, _ = shacl_validate(data, shacl_graph=_shapes())
    if not conforms:
        raise _shapes_error(report, data)
    check_spans(data)


def validate_quads(quads: Sequence[ox.Quad]) -> None:
    """``validate`` for the quads of article graphs (pyoxigraph terms), as ``kg build`` has them.

    pyshacl-turbo reads them as N-Quads, with no rdflib graph made; pySHACL (the fallback,
    ``NEWSKG_SHACL=pyshacl``) gets them as an rdflib Graph.

    Raises:
        ValidationError: as ``validate`` raises it for the same graph.
    """
    shacl_validate = _engine()
    if shacl_validate is _pyshacl_validate():
        validate(_rdflib_graph(quads))
        return
    conforms, report, _ = shacl_validate(_turbo_input(quads), shacl_graph=_shapes())
    if not conforms:
        from kg.graph import new_dataset  # prefixes bound as on the Dataset validate reads

        raise _shapes_error(report, new_dataset())
    check_quad_spans(quads)


def _turbo_input(quads: Sequence[ox.Quad]) -> Any:
    """The quads as pyshacl-turbo's parsed-input record: N-Quads text its Rust side reads.

    Not a pyoxigraph Store (the engine's documented input, which it dumps to N-Quads):
    Oxigraph stores literals in canonical form, "0.70"^^xsd:decimal as "0.7" and
    xsd:nonNegativeInteger as xsd:integer, and the shapes then fail on every offset.
    ``Input`` is pyshacl-turbo's own record for such text (pinned version; tests compare its
    verdicts and reports with validating the rdflib Dataset).
    """
    from pyshacl_turbo.rdf import Input

    text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode()
    return Input(only_shape_predicates(text), "nquads", None, {}, preserve_ids=True)


@cache
def _shape_predicates() -> frozenset[str] | None:
    """The predicates (as N-Quads writes them) the shapes can read; None if they read more.

    A SHACL verdict depends only on the triples the shapes reach: those on a property path,
    ``rdf:type`` (targets, ``sh:class``) and ``rdfs:subClassOf`` (class membership). That
    holds while every path is one predicate and no shape is ``sh:closed``; else None.
    """
    shapes = _shapes()
    paths = set(shapes.objects(None, URIRef(_SH + "path")))
    if any(not isinstance(p, URIRef) for p in paths) or (
            None, URIRef(_SH + "closed"), None) in shapes:
        return None
    paths |= {RDF.type, RDFS.subClassOf}
    return frozenset(f"<{p}>" for p in paths)


def only_shape_predicates(nquads: str) -> str:
    """The lines of N-Quads text whose predicate the shapes read (all of them if they read
    more than single predicates): the same verdict and report, from a quarter fewer quads
    to load on an article graph (the Web Annotation quads of spans are mostly unread)."""
    keep = _shape_predicates()
    if keep is None:
        return nquads
    # one quad per line (N-Quads escapes newlines); the predicate is the second term, an IRI
    return "".join(line for line in nquads.splitlines(keepends=True)
                   if line.split(" ", 2)[1] in keep)


def validate_many(graphs: Sequence[Dataset | Sequence[ox.Quad]]) -> list[ValidationError | None]:
    """Validate several article graphs (Datasets, or each one's quads), each on its own.

    Returns one entry per graph: None if it conforms, else its own ValidationError. Never
    one SHACL run over their union: articles share entity IRIs, so one article's
    ``schema:name`` of a person would satisfy the shapes for another article that lacks it.
    """
    out: list[ValidationError | None] = []
    for item in graphs:
        try:
            validate(item) if isinstance(item, Dataset) else validate_quads(item)
            out.append(None)
        except ValidationError as exc:
            out.append(exc)
    return out


def to_rdflib(quads: Sequence[ox.Quad]) -> list[tuple[Node, Node, Node]]:
    """The triples of ``quads`` as rdflib terms (graph names dropped), each term made once."""
    terms: dict[Any, Node] = {}

    def term(t: Any) -> Node:
        found = terms.get(t)
        if found is None:
            found = terms[t] = _rdflib_term(t)
        return found

    return [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]


def _rdflib_term(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:  # rdflib's plain literal, as to_graph always made them
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"not an RDF term of a triple: {term!r}")


def _rdflib_graph(quads: Sequence[ox.Quad]) -> Graph:
    graph = _prefixed()
    graph.addN((s, p, o, graph) for s, p, o in to_rdflib(quads))
    return graph


def check_spans(graph: Graph) -> None:
    """Raise ValidationError unless every span's exact text is the article text at its offsets."""
    if isinstance(graph, Dataset):
        for named in graph.graphs():
            if len(named):
                check_spans(named)
        return
    bodies = {s: str(o) for s, o in graph.subject_objects(SDO.articleBody)}
    for span, source in graph.subject_objects(OA.hasSource):
        body = bodies.get(source)
        if body is None:
            continue
        exact = start = end = None
        for sel in graph.objects(span, OA.hasSelector):
            if (sel, RDF.type, OA.TextQuoteSelector) in graph:
                exact = graph.value(sel, OA.exact)
            else:
                start, end = graph.value(sel, OA.start), graph.value(sel, OA.end)
        _check_span(span, body, exact, start, end)


def _check_span(span: object, body: str, exact: object, start: object, end: object) -> None:
    if exact is None or start is None or end is None:
        raise ValidationError(f"{span}: a span needs a quote and a position selector")
    found = body[int(str(start)) : int(str(end))]
    if found != str(exact):
        raise ValidationError(f"{span}: text at {start}-{end} is {found!r}, not {str(exact)!r}")


_BODY, _SOURCE, _SELECTOR, _EXACT, _START, _END, _TYPE = (ox.NamedNode(str(t)) for t in (
    SDO.articleBody, OA.hasSource, OA.hasSelector, OA.exact, OA.start, OA.end, RDF.type))
_QUOTE_SEL = ox.NamedNode(str(OA.TextQuoteSelector))


def check_quad_spans(quads: Sequence[ox.Quad]) -> None:
    """``check_spans`` over quads (pyoxigraph terms): each graph's spans against its text."""
    bodies: dict[tuple[Any, Any], str] = {}
    sources: list[ox.Quad] = []
    selectors: dict[tuple[Any, Any], list[Any]] = {}
    values: dict[tuple[Any, Any, Any], Any] = {}  # (selector, exact/start/end, graph) -> value
    quote_selectors: set[tuple[Any, Any]] = set()
    for q in quads:
        p = q.predicate
        if p == _SOURCE:
            sources.append(q)
        elif p == _SELECTOR:
            selectors.setdefault((q.subject, q.graph_name), []).append(q.object)
        elif p == _EXACT or p == _START or p == _END:
            values[(q.subject, p, q.graph_name)] = q.object
        elif p == _TYPE:
            if q.object == _QUOTE_SEL:
                quote_selectors.add((q.subject, q.graph_name))
        elif p == _BODY and isinstance(q.object, ox.Literal):
            bodies[(q.subject, q.graph_name)] = q.object.value

    def text(sel: Any, p: ox.NamedNode, g: Any) -> str | None:
        found = values.get((sel, p, g))
        return None if found is None else found.value

    for q in sources:
        g = q.graph_name
        body = bodies.get((q.object, g))
        if body is None:
            continue
        exact = start = end = None
        for sel in selectors.get((q.subject, g), ()):
            if (sel, g) in quote_selectors:
                exact = text(sel, _EXACT, g)
            else:
                start, end = text(sel, _START, g), text(sel, _END, g)
        span = q.subject.value if isinstance(q.subject, ox.NamedNode) else str(q.subject)
        _check_span(span, body, exact, start, end)
