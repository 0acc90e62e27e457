"""Turn an extracted, resolved Article into the quads of its named graph (pyoxigraph terms).

This is the build's RDF step: ``kg build`` and ``kg ingest`` validate, write, draw and store
these quads directly. ``kg.graph.to_graph`` makes its rdflib Dataset from them, so both give
the same graph (see ``schemas/ontology.ttl``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import ValidationError
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
    PROV,
    RDF,
    ROLE,
    SDO,
    SKOS,
    TIME,
    XSD,
)

__all__ = ["SOFTWARE", "article_iri", "graph_iri", "to_quads"]

SOFTWARE = URIRef("https://w3id.org/newskg/software/newskg")


def article_iri(article_id: str) -> URIRef:
    """The IRI of an article (its facts and spans live below it)."""
    return ARTICLE[quote(article_id, safe="")]


def graph_iri(article_id: str) -> URIRef:
    """The name of the graph that holds one article's facts."""
    return GRAPH[quote(article_id, safe="")]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# the vocabulary as pyoxigraph terms, made once (an article uses each term hundreds of times)
_TYPE = _n(str(RDF.type))
_A_SPECIFIC, _A_SOURCE, _A_SELECTOR = (_n(str(t)) for t in (
    OA.SpecificResource, OA.hasSource, OA.hasSelector))
_A_QUOTE_SEL, _A_EXACT, _A_PREFIX, _A_SUFFIX = (_n(str(t)) for t in (
    OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix))
_A_POS_SEL, _A_START, _A_END = (_n(str(t)) for t in (OA.TextPositionSelector, OA.start, OA.end))
_A_ANNOTATION, _A_MOTIVATED, _A_IDENTIFYING, _A_BODY, _A_TARGET = (_n(str(t)) for t in (
    OA.Annotation, OA.motivatedBy, OA.identifying, OA.hasBody, OA.hasTarget))
_NNI, _DATE, _DECIMAL, _BOOLEAN = (_n(str(t)) for t in (
    XSD.nonNegativeInteger, XSD.date, XSD.decimal, XSD.boolean))
_T_INSTANT, _T_IN_DATE, _T_INTERVAL, _T_BEGIN, _T_END, _T_BEFORE, _T_INSIDE, _T_HAS_TIME = (
    _n(str(t)) for t in (TIME.Instant, TIME.inXSDDate, TIME.Interval, TIME.hasBeginning,
                         TIME.hasEnd, TIME.before, TIME.inside, TIME.hasTime))
_P_DERIVED, _P_GENERATED, _P_ACTIVITY, _P_USED, _P_ASSOCIATED, _P_SOFTWARE_AGENT = (
    _n(str(t)) for t in (PROV.wasDerivedFrom, PROV.wasGeneratedBy, PROV.Activity, PROV.used,
                         PROV.wasAssociatedWith, PROV.SoftwareAgent))
_K_SENTENCE, _K_RULE, _K_CONFIDENCE, _K_TITLE, _K_FORMER, _K_VERB = (_n(str(t)) for t in (
    KG.sentence, KG.rule, KG.confidence, KG.title, KG.former, KG.reportingVerb))
_K_ACTION, _K_ACTION_TYPE, _K_ACTION_TYPE_CLASS, _K_OFFSET, _K_BODY_START = (
    _n(str(t)) for t in (KG.LegislativeAction, KG.actionType, KG.ActionType, KG.textOffset,
                         KG.bodyStart))
_S_NAME, _S_ALT, _S_MENTIONS, _S_ARTICLE, _S_IDENT, _S_BODY, _S_HEADLINE, _S_PUBLISHED = (
    _n(str(t)) for t in (SDO.name, SDO.alternateName, SDO.mentions, SDO.NewsArticle,
                         SDO.identifier, SDO.articleBody, SDO.headline, SDO.datePublished))
_S_URL, _S_INSTRUMENT, _S_QUOTATION, _S_SPOKEN, _S_TEXT, _S_ACTION, _S_OBJECT, _S_AGENT = (
    _n(str(t)) for t in (SDO.url, SDO.instrument, SDO.Quotation, SDO.spokenByCharacter,
                         SDO.text, SDO.Action, SDO.object, SDO.agent))
_S_END_TIME = _n(str(SDO.endTime))
_O_MEMBERSHIP, _O_MEMBER, _O_ROLE, _O_ROLE_CLASS, _O_ORGANIZATION, _O_DURING = (
    _n(str(t)) for t in (ORG.Membership, ORG.member, ORG.role, ORG.Role, ORG.organization,
                         ORG.memberDuring))
_PREF_LABEL = _n(str(SKOS.prefLabel))
_SOFTWARE = _n(str(SOFTWARE))
_TRUE = ox.Literal("true", datatype=_BOOLEAN)
_CLASSES = {
    "Person": (_n(str(SDO.Person)),),
    "Organization": (_n(str(ORG.Organization)), _n(str(SDO.Organization))),
    "Location": (_n(str(SDO.Place)),),
    "Legislation": (_n(str(SDO.Legislation)), _n(str(ELI.LegalResource))),
}


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_NNI)


def _day(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=_DATE)


def _iri(iri: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:  # rdflib took any string; an IRI with a space cannot be written
        raise ValidationError(f"the {what} {iri!r} is not a valid IRI ({exc}); "
                              "correct it in the article") from None


class _Builder:
    """Collects one article's triples as quads, numbering spans and times deterministically."""

    def __init__(self, article: Article, model_version: str) -> None:
        self.article = article
        self.base = str(article_iri(article.id))
        self.art = _n(self.base)
        self.graph = _n(str(graph_iri(article.id)))
        self.spans: dict[tuple[int, int], ox.NamedNode] = {}
        self.activity = _n(self.base + "/extraction")
        self.model_version = model_version
        self.quads: list[ox.Quad] = []

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    def span(self, span: Span) -> ox.NamedNode:
        key = (span.start, span.end)
        found = self.spans.get(key)
        if found is not None:
            return found
        name = f"{self.base}/span/{span.start}-{span.end}"
        iri = self.spans[key] = _n(name)
        text = self.article.text
        quote_sel, pos_sel = _n(name + "/quote"), _n(name + "/position")
        add = self.add
        add(iri, _TYPE, _A_SPECIFIC)
        add(iri, _A_SOURCE, self.art)
        add(iri, _A_SELECTOR, quote_sel)
        add(iri, _A_SELECTOR, pos_sel)
        add(quote_sel, _TYPE, _A_QUOTE_SEL)
        add(quote_sel, _A_EXACT, ox.Literal(span.text))
        add(quote_sel, _A_PREFIX, ox.Literal(text[max(0, span.start - 32) : span.start]))
        add(quote_sel, _A_SUFFIX, ox.Literal(text[span.end : span.end + 32]))
        add(pos_sel, _TYPE, _A_POS_SEL)
        add(pos_sel, _A_START, _count(span.start))
        add(pos_sel, _A_END, _count(span.end))
        return iri

    def instant(self, day: dt.date) -> ox.NamedNode:
        iri = _n(f"{self.base}/time/{day.isoformat()}")
        self.add(iri, _TYPE, _T_INSTANT)
        self.add(iri, _T_IN_DATE, _day(day))
        return iri

    def time(self, when: TimeRef) -> ox.NamedNode:
        iri = _n(f"{self.base}/time/{when.begin.isoformat()}--{when.end.isoformat()}")
        self.add(iri, _TYPE, _T_INTERVAL)
        self.add(iri, _T_BEGIN, self.instant(when.begin))
        self.add(iri, _T_END, self.instant(when.end))
        self.add(iri, _P_DERIVED, self.span(when.span))
        return iri

    def fact(self, iri: ox.NamedNode, evidence: Evidence) -> None:
        self.add(iri, _P_DERIVED, self.span(evidence.phrase))
        self.add(iri, _K_SENTENCE, self.span(evidence.sentence))
        self.add(iri, _P_GENERATED, self.activity)
        self.add(iri, _K_RULE, ox.Literal(evidence.rule))
        # the lexical form rdflib gives Literal(Decimal(...)): two decimals, as written
        self.add(iri, _K_CONFIDENCE,
                 ox.Literal(str(Decimal(f"{evidence.confidence:.2f}")), datatype=_DECIMAL))

    def entity(self, entity: Entity) -> ox.NamedNode:
        assert entity.iri, "resolve() gives every entity an IRI before to_quads()"
        iri = _iri(entity.iri, "entity IRI")
        for cls in _CLASSES[entity.kind]:
            self.add(iri, _TYPE, cls)
        if entity.subkind:
            self.add(iri, _TYPE, _iri(str(SDO) + entity.subkind, "entity class"))
        self.add(iri, _S_NAME, _en(entity.name))
        for alias in entity.aliases:
            self.add(iri, _S_ALT, _en(alias))
        if entity.kind != "Legislation":
            self.add(self.art, _S_MENTIONS, iri)
        for span in entity.mentions:
            note = _n(f"{self.base}/mention/{span.start}-{span.end}")
            self.add(note, _TYPE, _A_ANNOTATION)
            self.add(note, _A_MOTIVATED, _A_IDENTIFYING)
            self.add(note, _A_BODY, iri)
            self.add(note, _A_TARGET, self.span(span))
        return iri


def to_quads(article: Article, *, model_version: str = "") -> list[ox.Quad]:
    """The quads of ``article``'s named graph, each once, sorted by their N-Quads form.

    The sort makes every output built from them (TriG, N-Quads, the page) stable.

    Args:
        article: an extracted and resolved article.
        model_version: recorded on the extraction activity, e.g. ``en_core_web_sm 3.8.0``.

    Raises:
        ValidationError: the article's URL or an entity IRI is not a valid IRI.
    """
    b = _Builder(article, model_version)
    art, add = b.art, b.add
    add(art, _TYPE, _S_ARTICLE)
    add(art, _S_IDENT, ox.Literal(article.id))
    add(art, _S_BODY, ox.Literal(article.text))
    add(art, _K_OFFSET, _count(article.text_offset))
    add(art, _K_BODY_START, _count(article.body_start))
    if article.title:
        add(art, _S_HEADLINE, ox.Literal(article.title))
    if article.date:
        add(art, _S_PUBLISHED, _day(article.date))
    if article.url:
        add(art, _S_URL, _iri(article.url, "url") if "://" in article.url
            else ox.Literal(article.url))
    add(b.activity, _TYPE, _P_ACTIVITY)
    add(b.activity, _P_USED, art)
    add(b.activity, _P_ASSOCIATED, _SOFTWARE)
    add(_SOFTWARE, _TYPE, _P_SOFTWARE_AGENT)
    if model_version:
        add(b.activity, _S_INSTRUMENT, ox.Literal(model_version))

    iris = {e.key: b.entity(e) for e in article.entities}
    article_day = b.instant(article.date) if article.date else None

    for n, role in enumerate(sorted(article.roles, key=_order), 1):
        fact = _n(f"{b.base}/role/{n}")
        role_iri = _n(str(ROLE[slug(role.title)]))
        add(fact, _TYPE, _O_MEMBERSHIP)
        add(fact, _O_MEMBER, iris[role.person])
        add(fact, _O_ROLE, role_iri)
        add(fact, _K_TITLE, ox.Literal(role.title))
        add(role_iri, _TYPE, _O_ROLE_CLASS)
        add(role_iri, _PREF_LABEL, _en(role.title.removeprefix("former ")))
        if role.organization:
            add(fact, _O_ORGANIZATION, iris[role.organization])
        if role.former:
            add(fact, _K_FORMER, _TRUE)
        if article_day is not None:
            during = _n(f"{b.base}/time/{'before' if role.former else 'on'}-article-date")
            add(during, _TYPE, _T_INTERVAL)
            add(during, _T_BEFORE if role.former else _T_INSIDE, article_day)
            add(fact, _O_DURING, during)
        b.fact(fact, role.evidence)

    for n, st in enumerate(sorted(article.statements, key=_order), 1):
        fact = _n(f"{b.base}/statement/{n}")
        add(fact, _TYPE, _S_QUOTATION)
        add(fact, _S_SPOKEN, iris[st.speaker])
        add(fact, _K_VERB, ox.Literal(st.verb))
        if st.quote:
            add(fact, _S_TEXT, ox.Literal(st.quote))
        if st.when:
            add(fact, _T_HAS_TIME, b.time(st.when))
        b.fact(fact, st.evidence)

    for n, act in enumerate(sorted(article.actions, key=_order), 1):
        fact = _n(f"{b.base}/action/{n}")
        concept = _n(str(ACTION[act.action]))
        add(fact, _TYPE, _K_ACTION)
        add(fact, _TYPE, _S_ACTION)
        add(fact, _K_ACTION_TYPE, concept)
        add(concept, _TYPE, _K_ACTION_TYPE_CLASS)
        add(concept, _PREF_LABEL, _en(act.action))
        add(fact, _S_OBJECT, iris[act.law])
        if act.actor:
            add(fact, _S_AGENT, iris[act.actor])
        if act.when:
            add(fact, _T_HAS_TIME, b.time(act.when))
            add(fact, _S_END_TIME, _day(act.when.end))
        b.fact(fact, act.evidence)
    quads = list(dict.fromkeys(b.quads))  # a graph is a set: each triple once
    quads.sort(key=str)
    return quads


def _order(fact: object) -> tuple[int, int, str]:
    ev: Evidence = fact.evidence  # type: ignore[attr-defined]
    return (ev.phrase.start, ev.phrase.end, repr(fact))
