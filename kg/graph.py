"""Turn an extracted Article into RDF (one named graph), validate it, read and write graphs."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError, ValidationError
from kg.model import Article, Entity, Evidence, Span, TimeRef
from kg.resolve import slug
from kg.vocab import (
    ACTION,
    ARTICLE,
    ELI,
    GRAPH,
    KG,
    OA,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    ROLE,
    SDO,
    SKOS,
    TIME,
    XSD,
)

__all__ = ["FORMATS", "article_iri", "graph_iri", "to_graph", "validate", "check_spans",
           "read_graph", "write_graph", "quiet_rdflib"]

SOFTWARE = URIRef("https://w3id.org/newskg/software/newskg")
#: --format name -> (rdflib format, file suffix)
FORMATS = {
    "trig": ("trig", ".trig"),
    "nquads": ("nquads", ".nq"),
    "turtle": ("turtle", ".ttl"),
    "json-ld": ("json-ld", ".jsonld"),
}
_CLASSES = {
    "Person": (SDO.Person,),
    "Organization": (ORG.Organization, SDO.Organization),
    "Location": (SDO.Place,),
    "Legislation": (SDO.Legislation, ELI.LegalResource),
}


def article_iri(article_id: str) -> URIRef:
    """The IRI of an article (its facts and spans live below it)."""
    return ARTICLE[quote(article_id, safe="")]


def graph_iri(article_id: str) -> URIRef:
    """The name of the graph that holds one article's facts."""
    return GRAPH[quote(article_id, safe="")]


def _lit(text: str) -> Literal:
    return Literal(text, lang="en")


class _Builder:
    """Adds one article's triples to a graph, numbering spans and times deterministically."""

    def __init__(self, graph: Graph, article: Article, model_version: str) -> None:
        self.g = graph
        self.article = article
        self.base = str(article_iri(article.id))
        self.art = URIRef(self.base)
        self.spans: dict[tuple[int, int], URIRef] = {}
        self.times: dict[tuple[dt.date, dt.date, str], URIRef] = {}
        self.activity = URIRef(self.base + "/extraction")
        self.model_version = model_version
        self.triples: list[tuple[Node, Node, Node]] = []

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.append((s, p, o))  # added in one addN at the end: much cheaper

    def span(self, span: Span) -> URIRef:
        key = (span.start, span.end)
        if key in self.spans:
            return self.spans[key]
        iri = URIRef(f"{self.base}/span/{span.start}-{span.end}")
        self.spans[key] = iri
        text = self.article.text
        quote_sel, pos_sel = URIRef(str(iri) + "/quote"), URIRef(str(iri) + "/position")
        self.add(iri, RDF.type, OA.SpecificResource)
        self.add(iri, OA.hasSource, self.art)
        self.add(iri, OA.hasSelector, quote_sel)
        self.add(iri, OA.hasSelector, pos_sel)
        self.add(quote_sel, RDF.type, OA.TextQuoteSelector)
        self.add(quote_sel, OA.exact, Literal(span.text))
        self.add(quote_sel, OA.prefix, Literal(text[max(0, span.start - 32) : span.start]))
        self.add(quote_sel, OA.suffix, Literal(text[span.end : span.end + 32]))
        self.add(pos_sel, RDF.type, OA.TextPositionSelector)
        self.add(pos_sel, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger))
        self.add(pos_sel, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger))
        return iri

    def instant(self, day: dt.date) -> URIRef:
        iri = URIRef(f"{self.base}/time/{day.isoformat()}")
        self.add(iri, RDF.type, TIME.Instant)
        self.add(iri, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date))
        return iri

    def time(self, when: TimeRef) -> URIRef:
        iri = URIRef(f"{self.base}/time/{when.begin.isoformat()}--{when.end.isoformat()}")
        self.add(iri, RDF.type, TIME.Interval)
        self.add(iri, TIME.hasBeginning, self.instant(when.begin))
        self.add(iri, TIME.hasEnd, self.instant(when.end))
        self.add(iri, PROV.wasDerivedFrom, self.span(when.span))
        return iri

    def fact(self, iri: URIRef, evidence: Evidence) -> None:
        self.add(iri, PROV.wasDerivedFrom, self.span(evidence.phrase))
        self.add(iri, KG.sentence, self.span(evidence.sentence))
        self.add(iri, PROV.wasGeneratedBy, self.activity)
        self.add(iri, KG.rule, Literal(evidence.rule))
        self.add(iri, KG.confidence, Literal(Decimal(f"{evidence.confidence:.2f}")))

    def entity(self, entity: Entity) -> URIRef:
        assert entity.iri, "resolve() gives every entity an IRI before to_graph()"
        iri = URIRef(entity.iri)
        for cls in _CLASSES[entity.kind]:
            self.add(iri, RDF.type, cls)
        if entity.subkind:
            self.add(iri, RDF.type, URIRef(str(SDO) + entity.subkind))
        self.add(iri, SDO.name, _lit(entity.name))
        for alias in entity.aliases:
            self.add(iri, SDO.alternateName, _lit(alias))
        if entity.kind != "Legislation":
            self.add(self.art, SDO.mentions, iri)
        for span in entity.mentions:
            note = URIRef(f"{self.base}/mention/{span.start}-{span.end}")
            self.add(note, RDF.type, OA.Annotation)
            self.add(note, OA.motivatedBy, OA.identifying)
            self.add(note, OA.hasBody, iri)
            self.add(note, OA.hasTarget, self.span(span))
        return iri


def to_graph(article: Article, *, model_version: str = "") -> Dataset:
    """Return a Dataset holding ``article`` as one named graph (see schemas/ontology.ttl).

    Args:
        article: an extracted and resolved article.
        model_version: recorded on the extraction activity, e.g. ``en_core_web_sm 3.8.0``.
    """
    ds = new_dataset()
    g = ds.graph(graph_iri(article.id))
    b = _Builder(g, article, model_version)
    art = b.art
    b.add(art, RDF.type, SDO.NewsArticle)
    b.add(art, SDO.identifier, Literal(article.id))
    b.add(art, SDO.articleBody, Literal(article.text))
    b.add(art, KG.textOffset, Literal(article.text_offset, datatype=XSD.nonNegativeInteger))
    b.add(art, KG.bodyStart, Literal(article.body_start, datatype=XSD.nonNegativeInteger))
    if article.title:
        b.add(art, SDO.headline, Literal(article.title))
    if article.date:
        b.add(art, SDO.datePublished, Literal(article.date.isoformat(), datatype=XSD.date))
    if article.url:
        b.add(art, SDO.url, URIRef(article.url) if "://" in article.url else Literal(article.url))
    b.add(b.activity, RDF.type, PROV.Activity)
    b.add(b.activity, PROV.used, art)
    b.add(b.activity, PROV.wasAssociatedWith, SOFTWARE)
    b.add(SOFTWARE, RDF.type, PROV.SoftwareAgent)
    if model_version:
        b.add(b.activity, SDO.instrument, Literal(model_version))

    iris = {e.key: b.entity(e) for e in article.entities}
    article_day = b.instant(article.date) if article.date else None

    for n, role in enumerate(sorted(article.roles, key=_order), 1):
        fact = URIRef(f"{b.base}/role/{n}")
        role_iri = ROLE[slug(role.title)]
        b.add(fact, RDF.type, ORG.Membership)
        b.add(fact, ORG.member, iris[role.person])
        b.add(fact, ORG.role, role_iri)
        b.add(fact, KG.title, Literal(role.title))
        b.add(role_iri, RDF.type, ORG.Role)
        b.add(role_iri, SKOS.prefLabel, _lit(role.title.removeprefix("former ")))
        if role.organization:
            b.add(fact, ORG.organization, iris[role.organization])
        if role.former:
            b.add(fact, KG.former, Literal(True))
        if article_day is not None:
            during = URIRef(f"{b.base}/time/{'before' if role.former else 'on'}-article-date")
            b.add(during, RDF.type, TIME.Interval)
            b.add(during, TIME.before if role.former else TIME.inside, article_day)
            b.add(fact, ORG.memberDuring, during)
        b.fact(fact, role.evidence)

    for n, st in enumerate(sorted(article.statements, key=_order), 1):
        fact = URIRef(f"{b.base}/statement/{n}")
        b.add(fact, RDF.type, SDO.Quotation)
        b.add(fact, SDO.spokenByCharacter, iris[st.speaker])
        b.add(fact, KG.reportingVerb, Literal(st.verb))
        if st.quote:
            b.add(fact, SDO.text, Literal(st.quote))
        if st.when:
            b.add(fact, TIME.hasTime, b.time(st.when))
        b.fact(fact, st.evidence)

    for n, act in enumerate(sorted(article.actions, key=_order), 1):
        fact = URIRef(f"{b.base}/action/{n}")
        concept = ACTION[act.action]
        b.add(fact, RDF.type, KG.LegislativeAction)
        b.add(fact, RDF.type, SDO.Action)
        b.add(fact, KG.actionType, concept)
        b.add(concept, RDF.type, KG.ActionType)
        b.add(concept, SKOS.prefLabel, _lit(act.action))
        b.add(fact, SDO.object, iris[act.law])
        if act.actor:
            b.add(fact, SDO.agent, iris[act.actor])
        if act.when:
            b.add(fact, TIME.hasTime, b.time(act.when))
            b.add(fact, SDO.endTime, Literal(act.when.end.isoformat(), datatype=XSD.date))
        b.fact(fact, act.evidence)
    g.addN((s, p, o, g) for s, p, o in dict.fromkeys(b.triples))
    return ds


def _order(fact: object) -> tuple[int, int, str]:
    ev: Evidence = fact.evidence  # type: ignore[attr-defined]
    return (ev.phrase.start, ev.phrase.end, repr(fact))


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence the deprecation warnings rdflib 7.5+ raises on its own Dataset API.

    Its serializers and parsers still call ``Dataset.contexts`` and ``ConjunctiveGraph``;
    the warnings are about rdflib's code, not ours, and would fail ``-W error`` runs.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        yield


def new_dataset() -> Dataset:
    """An empty Dataset with newskg's prefixes bound."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    return ds


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
    Dataset without copying) when installed, else pySHACL. NEWSKG_SHACL=pyshacl forces
    pySHACL; the test suite runs the shapes through both."""
    import os

    if os.environ.get("NEWSKG_SHACL", "") != "pyshacl":
        try:
            from pyshacl_turbo import ValidationFailure, compile_shapes
        except ImportError:  # pragma: no cover - a dependency, but degrade gracefully
            return _pyshacl_validate()
        program = compile_shapes(_shapes())  # type: ignore[no-untyped-call]

        def turbo_validate(data: Graph, shacl_graph: Graph) -> tuple[bool, Any, str]:
            """``pyshacl_turbo.validate`` with the shapes compiled once: what it does per
            call besides validating was a third of its time on a short article."""
            assert shacl_graph is _shapes()
            try:
                return program.validate(data, _normalize_report_literals=True)  # type: ignore[no-any-return]
            except ValidationFailure as failure:  # as pyshacl_turbo.validate reports it
                return False, failure, f"Validation Failure - {failure}"

        return turbo_validate
    return _pyshacl_validate()


def validate(graph: Graph | Dataset) -> None:
    """Check ``graph`` against the SHACL shapes and every span against the article text.

    Raises:
        ValidationError: naming the first offending node and the broken constraint.
    """
    shacl_validate = _engine()
    if isinstance(graph, Dataset) and shacl_validate is not _pyshacl_validate():
        data: Graph = graph  # the Rust engine reads a Dataset as it is, without a copy
    elif isinstance(graph, Dataset):
        data = Graph()
        for prefix, ns in PREFIXES.items():
            data.bind(prefix, ns)
        data.addN((s, p, o, data) for s, p, o, _ in graph.quads())
    else:
        data = graph  # validated in place: copying costs as much as validating
    conforms, report, _ = shacl_validate(data, shacl_graph=_shapes())
    if not conforms:
        assert isinstance(report, Graph)
        SH = "http://www.w3.org/ns/shacl#"
        problems = []
        for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
            node = report.value(result, URIRef(SH + "focusNode"))
            path = report.value(result, URIRef(SH + "resultPath"))
            message = report.value(result, URIRef(SH + "resultMessage"))
            problems.append(f"{node} {data.qname(str(path)) if path else ''}: {message}")
        problems.sort()
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"graph breaks the shapes: {problems[0]}{more}")
    check_spans(data)


def validate_many(datasets: list[Dataset]) -> list[ValidationError | None]:
    """Validate several article graphs in one SHACL run (pySHACL's fixed cost is paid once).

    Returns one entry per dataset: None if it conforms, else its own ValidationError (only
    when the batch fails are the graphs validated one by one to find which).
    """
    if _engine() is _pyshacl_validate():  # pySHACL: one run for all, paying its fixed cost once
        union = Graph()
        for prefix, ns in PREFIXES.items():
            union.bind(prefix, ns)
        for ds in datasets:
            union.addN((s, p, o, union) for s, p, o, _ in ds.quads())
        try:
            validate(union)
            return [None] * len(datasets)
        except ValidationError:
            pass  # find which graphs break the shapes, one by one
    # the Rust engine has no fixed cost worth batching: validate each graph directly
    out: list[ValidationError | None] = []
    for ds in datasets:
        try:
            validate(ds)
            out.append(None)
        except ValidationError as exc:
            out.append(exc)
    return out


def to_oxigraph(ds: Dataset) -> list[ox.Quad]:
    """The quads of ``ds`` as pyoxigraph terms, sorted (so output built from them is stable)."""
    out = [ox.Quad(_ox(s), _ox(p), _ox(o), _ox(g) if isinstance(g, URIRef) else ox.DefaultGraph())
           for s, p, o, g in ds.quads()]
    out.sort(key=str)
    return out


def _ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.BlankNode(str(term))


class GraphWriter:
    """Writes article graphs to one TriG or N-Quads file as they come, never all in memory.

    The file appears only when the writer closes without error (written to a temporary
    name, then renamed), so a failed build never leaves half a graph behind.
    """

    def __init__(self, path: str | Path, *, format: str = "trig") -> None:
        if format not in {"trig", "nquads"}:
            raise ValueError("GraphWriter streams trig or nquads")
        self.path = Path(path)
        self.format = format
        self._tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self._file = open(self._tmp, "wb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write ({exc.strerror}); "
                             "check the directory's permissions or choose another") from None
        if format == "trig":
            self._file.write("".join(f"@prefix {p}: <{ns}> .\n"
                                     for p, ns in PREFIXES.items()).encode())

    def add(self, ds: Dataset) -> list[ox.Quad]:
        """Append the graphs of ``ds``; return its quads as written (pyoxigraph terms), so
        that a caller can keep them without converting ``ds`` a second time."""
        quads = to_oxigraph(ds)
        if self.format == "nquads":
            self._file.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
            return quads
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
        self._file.write(b"\n" + b"\n".join(line for line in data.split(b"\n")
                                            if not line.startswith(b"@prefix ")))
        return quads

    def close(self, *, keep: bool = True) -> None:
        """Finish the file (or, with ``keep=False``, throw it away)."""
        self._file.close()
        if keep:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)


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
        if exact is None or start is None or end is None:
            raise ValidationError(f"{span}: a span needs a quote and a position selector")
        found = body[int(str(start)) : int(str(end))]
        if found != str(exact):
            raise ValidationError(f"{span}: text at {start}-{end} is {found!r}, not {str(exact)!r}")


def write_graph(ds: Dataset, path: str | Path, *, format: str = "trig") -> Path:
    """Write ``ds`` to ``path`` in one of FORMATS; ``turtle`` writes the union of all graphs.

    The output is deterministic: the same dataset gives the same bytes.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    with quiet_rdflib():
        if format == "turtle":
            union = Graph()
            for prefix, ns in PREFIXES.items():
                union.bind(prefix, ns)
            for q in ds.quads():
                union.add(q[:3])
            data = union.serialize(format="turtle")
        elif format == "nquads":
            data = "".join(sorted(line + "\n" for line in ds.serialize(format="nquads").splitlines()
                                  if line.strip()))
        elif format == "json-ld":
            # rdflib orders nodes by hash, which changes between runs; JSON-LD arrays are sets
            doc = _sorted_arrays(json.loads(ds.serialize(format="json-ld")))
            data = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        else:
            data = ds.serialize(format="trig")
    return write_text(path, data, "graph")


def write_text(path: Path, text: str, what: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file, so a failure never leaves half a
    file behind; a StoreError naming ``what`` (graph, page) if it cannot."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write the {what} ({exc.strerror}); "
                         "check that the folder exists and is writable") from None
    return path


def _sorted_arrays(node: Any, *, ordered: bool = False) -> Any:
    """``node`` with every JSON-LD array sorted, except ``@list`` ones (their order matters)."""
    if isinstance(node, dict):
        return {k: _sorted_arrays(v, ordered=k == "@list") for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_arrays(v) for v in node]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return node


def read_graph(path: str | Path) -> Dataset:
    """Read a graph file (TriG, N-Quads, Turtle, N-Triples, JSON-LD) or build directory.

    Raises:
        StoreError: the file is missing or not valid RDF.
    """
    path = Path(path)
    if path.is_dir():
        found = [path / n for n in ("graph.trig", "graph.nq", "graph.jsonld", "graph.ttl")
                 if (path / n).is_file()]
        if not found:
            raise StoreError(f"{path}: no graph.trig (or .nq/.jsonld/.ttl) in this directory; "
                             "run 'kg build ARTICLE --out DIR' first")
        path = found[0]
    if not path.is_file():
        raise StoreError(f"{path}: no such graph file or directory")
    fmt = {".trig": "trig", ".nq": "nquads", ".ttl": "turtle", ".nt": "nt",
           ".jsonld": "json-ld", ".json": "json-ld"}.get(path.suffix.lower())
    if fmt is None:
        raise StoreError(f"{path}: unknown graph file type; use .trig, .nq, .ttl, .nt or .jsonld")
    ds = new_dataset()
    try:
        with quiet_rdflib():
            ds.parse(str(path), format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{path}: not valid RDF ({first})") from exc
    return ds

