"""SPARQL 1.1 Protocol pieces for ``kg serve``: content negotiation and results by media type.

SELECT and ASK answers go out as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE answers
as Turtle, N-Triples, JSON-LD or RDF/XML (what rdflib's ``SPARQLStore`` asks for by default).
pyoxigraph writes every format: a ``kg.query.Result`` becomes SPARQL JSON (``format_result``),
which ``pyoxigraph.parse_query_results`` reads back to serialise in the wanted format, so the
server works on ``Result`` objects whatever store answered the query.
"""

from __future__ import annotations

from typing import Literal

import pyoxigraph as ox

from kg.query import Result, format_result
from kg.vocab import PREFIXES

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "FORMAT_NAMES", "kind_of", "negotiate", "serialize",
           "content_type"]

Kind = Literal["results", "graph"]

#: Media types of SELECT/ASK answers, in the server's order of preference.
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,  # what generic HTTP clients ask for
    "application/xml": ox.QueryResultsFormat.XML,
}
#: Media types of CONSTRUCT/DESCRIBE answers, in the server's order of preference.
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/json": ox.RdfFormat.JSON_LD,
}
#: Values of the ``format`` request parameter -> media type, per kind of answer.
FORMAT_NAMES: dict[str, dict[Kind, str]] = {
    "json": {"results": "application/sparql-results+json", "graph": "application/ld+json"},
    "xml": {"results": "application/sparql-results+xml", "graph": "application/rdf+xml"},
    "csv": {"results": "text/csv"},
    "tsv": {"results": "text/tab-separated-values"},
    "turtle": {"graph": "text/turtle"}, "ttl": {"graph": "text/turtle"},
    "ntriples": {"graph": "application/n-triples"}, "nt": {"graph": "application/n-triples"},
    "jsonld": {"graph": "application/ld+json"}, "json-ld": {"graph": "application/ld+json"},
    "rdfxml": {"graph": "application/rdf+xml"},
}


def kind_of(result: Result) -> Kind:
    """``graph`` for CONSTRUCT/DESCRIBE answers, ``results`` for SELECT/ASK ones."""
    return "graph" if result.triples is not None else "results"


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q values (parameters dropped)."""
    out = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0] or "/" not in parts[0]:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((parts[0].lower(), q))
    return out


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q the client gives ``media_type``: that of the most specific matching range."""
    major = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for pattern, q in ranges:
        level = (2 if pattern == media_type else 1 if pattern == f"{major}/*"
                 else 0 if pattern == "*/*" else -1)
        if level > specificity:
            best, specificity = q, level
    return best if specificity >= 0 else 0.0


def negotiate(kind: Kind, *, accept: str | None = None, format: str | None = None) -> str | None:
    """The media type to answer with, or None when nothing the client accepts fits (406).

    ``format`` (the request parameter: a name of ``FORMAT_NAMES`` or a media type) wins over
    ``accept``; with neither, or ``*/*``, JSON results and Turtle graphs.

    Examples:
        >>> negotiate("results", accept="text/csv;q=0.5, application/sparql-results+xml")
        'application/sparql-results+xml'
        >>> negotiate("graph", accept="text/csv") is None
        True
        >>> negotiate("graph", format="nt")
        'application/n-triples'
    """
    offered = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    if format:
        name = format.strip().lower()
        if name in FORMAT_NAMES:
            return FORMAT_NAMES[name].get(kind)
        name = name.split(";")[0].strip()
        return name if name in offered else None
    ranges = _ranges(accept or "*/*") or [("*/*", 1.0)]
    scored = [(_quality(t, ranges), -i, t) for i, t in enumerate(offered)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None


def serialize(result: Result, media_type: str) -> bytes:
    """``result`` written as ``media_type`` (one of ``RESULT_TYPES`` or ``GRAPH_TYPES``)."""
    if result.triples is not None:
        if media_type not in GRAPH_TYPES:
            raise ValueError(f"{media_type} is not a graph media type")
        return bytes(ox.serialize(result.triples, format=GRAPH_TYPES[media_type],
                                  prefixes=PREFIXES) or b"")
    if media_type not in RESULT_TYPES:
        raise ValueError(f"{media_type} is not a SPARQL results media type")
    parsed = ox.parse_query_results(format_result(result, "json").encode(),
                                    format=ox.QueryResultsFormat.JSON)
    return bytes(parsed.serialize(format=RESULT_TYPES[media_type]) or b"")


def content_type(media_type: str) -> str:
    """The Content-Type header for ``media_type`` (UTF-8 made explicit for text types)."""
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if textual else media_type
