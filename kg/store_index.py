"""The store's bookkeeping: its terms, the index graph that resolution reads, and its rebuilds.

``store/index`` holds, per entity, ``kgs:kind``, ``kgs:label``, ``kgs:title``, ``kgs:post``,
``kgs:key`` (blocking keys) and ``kgs:seenWith``; per article graph ``kgs:contentHash``
(see ``kg.store``). Everything here reads a ``Backend``: the embedded ``pyoxigraph.Store`` or
a ``kg.remote.RemoteStore``, which offers the few ``Store`` methods used here over SPARQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Union
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import URIRef

from kg.merge import KINDS, MAX_BLOCK, Facts, index_keys, normalize_title
from kg.resolve import is_generic_law
from kg.vocab import BASE, GRAPH, KG, ORG, RDF, SDO

if TYPE_CHECKING:
    from kg.merge import Lookup
    from kg.remote import RemoteStore

#: What the store functions read and write: the embedded store or a remote SPARQL server.
Backend = Union[ox.Store, "RemoteStore"]  # noqa: UP007 (a string member needs Union)

KGS = BASE + "store#"  # terms of the store's own bookkeeping (index and decisions)
INDEX = ox.NamedNode(BASE + "store/index")
DECISIONS = ox.NamedNode(BASE + "store/decisions")
DECISION = BASE + "decision/"
SOFTWARE = ox.NamedNode(BASE + "software/newskg")


def _n(iri: str | URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _v(term: object) -> str:
    """The lexical value of a term: an IRI, a blank node's id, a literal's text."""
    return str(getattr(term, "value", term))


_KIND, _LABEL, _TITLE, _POST, _KEY, _SEEN, _HASH = (
    _n(KGS + x) for x in ("kind", "label", "title", "post", "key", "seenWith", "contentHash"))
_D_CLASS, _D_STATUS, _D_ARTICLE, _D_LOCAL, _D_NAME, _D_INTO, _D_INTO_NAME, _D_SCORE = (
    _n(KGS + x) for x in ("MergeDecision", "status", "article", "localEntity", "localName",
                          "mergedInto", "mergedIntoName", "score"))
_D_EVIDENCE, _D_SEPARATED, _D_KIND = (_n(KGS + x) for x in ("evidence", "separatedAs",
                                                             "entityKind"))
_TYPE = _n(RDF.type)
_IDENT = _n(SDO.identifier)
_CLASSES = {_n(cls): kind for cls, kind in KINDS.items()}
_ACTIVE, _UNDONE = ox.Literal("active"), ox.Literal("undone")



# ------------------------------------------------------------------ the index
class _Index:
    """The ``Lookup`` of ``kg.merge`` over the store's index graph (exact look-ups only)."""

    def __init__(self, store: Backend) -> None:
        self.store = store
        self._facts: dict[str, Facts | None] = {}

    def candidates(self, keys: Iterable[str]) -> list[str]:
        found: set[str] = set()
        for key in keys:
            block = itertools.islice(
                self.store.quads_for_pattern(None, _KEY, ox.Literal(key), INDEX), MAX_BLOCK + 1)
            iris = [_v(q.subject) for q in block]
            if len(iris) <= MAX_BLOCK:
                found.update(iris)
        return sorted(found)

    def facts(self, iri: str) -> Facts | None:
        if iri not in self._facts:
            self._facts[iri] = _stored_facts(self.store, iri)
        return self._facts[iri]

    def seen_with(self, a: str, b: str) -> bool:
        a, b = sorted((a, b))
        return any(True for _ in self.store.quads_for_pattern(_n(a), _SEEN, _n(b), INDEX))


def _values(store: Backend, s: ox.NamedNode, p: ox.NamedNode) -> frozenset[str]:
    return frozenset(_v(q.object) for q in store.quads_for_pattern(s, p, None, INDEX))


def _stored_facts(store: Backend, iri: str) -> Facts | None:
    node = _n(iri)
    kinds = sorted(_values(store, node, _KIND))
    if not kinds:
        return None
    return Facts(kinds[0], _values(store, node, _LABEL), _values(store, node, _TITLE),
                 _values(store, node, _POST))


def _index_quads(iri: str, facts: Facts, seen: Iterable[str]) -> set[ox.Quad]:
    """The index entries of one entity (``seen``: the entities mentioned with it)."""
    node = _n(iri)
    out = {ox.Quad(node, _KIND, ox.Literal(facts.kind), INDEX)}
    out |= {ox.Quad(node, _LABEL, ox.Literal(x), INDEX) for x in facts.labels}
    out |= {ox.Quad(node, _TITLE, ox.Literal(x), INDEX) for x in facts.titles}
    out |= {ox.Quad(node, _POST, ox.Literal(x), INDEX) for x in facts.posts}
    out |= {ox.Quad(node, _KEY, ox.Literal(k), INDEX)
            for k in index_keys(facts.kind, facts.labels)}
    for other in seen:
        if other != iri:
            a, b = sorted((iri, other))
            out.add(ox.Quad(_n(a), _SEEN, _n(b), INDEX))
    return out


def _current_index_quads(store: Backend, iri: str) -> set[ox.Quad]:
    node = _n(iri)
    return (set(store.quads_for_pattern(node, None, None, INDEX))
            | set(store.quads_for_pattern(None, _SEEN, node, INDEX)))


def _union(a: Facts | None, b: Facts) -> Facts:
    if a is None:
        return b
    return Facts(a.kind, a.labels | b.labels, a.titles | b.titles, a.posts | b.posts)


def _graph_facts(store: Backend, g: ox.NamedNode) -> tuple[dict[str, Facts], set[str]]:
    """What one stored article graph says of its (not article-scoped) entities."""
    kinds: dict[str, str] = {}
    for cls, kind in _CLASSES.items():
        for q in store.quads_for_pattern(None, _TYPE, cls, g):
            if isinstance(q.subject, ox.NamedNode):
                kinds.setdefault(_v(q.subject), kind)
    facts: dict[str, Facts] = {}
    for iri, kind in kinds.items():
        node = _n(iri)
        names = [_v(q.object) for q in store.quads_for_pattern(node, _n(SDO.name), None, g)]
        if kind == "Legislation" and all(is_generic_law(n) for n in names):
            continue
        labels = set(names) | {_v(q.object) for q in
                               store.quads_for_pattern(node, _n(SDO.alternateName), None, g)}
        titles, posts = set(), set()
        for q in store.quads_for_pattern(None, _n(ORG.member), node, g):
            m = q.subject
            if any(True for _ in store.quads_for_pattern(m, _n(KG.former), None, g)):
                continue
            for t in store.quads_for_pattern(m, _n(KG.title), None, g):
                title = normalize_title(_v(t.object))
                titles.add(title)
                for o in store.quads_for_pattern(m, _n(ORG.organization), None, g):
                    posts.add(f"{title}|{_v(o.object)}")
        facts[iri] = Facts(kind, frozenset(labels), frozenset(titles), frozenset(posts))
    return facts, set(facts)


def _entities_in(store: Backend, g: ox.NamedNode) -> set[str]:
    """IRIs of the people, organisations, places and laws of one article graph."""
    return {_v(q.subject) for cls in _CLASSES
            for q in store.quads_for_pattern(None, _TYPE, cls, g)
            if isinstance(q.subject, ox.NamedNode)}


def _graphs_of(store: Backend, iri: str) -> set[ox.NamedNode]:
    return {q.graph_name for q in store.quads_for_pattern(_n(iri), _TYPE, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != INDEX}


def _rebuilt_index(store: Backend, iris: Iterable[str], *, skip: ox.NamedNode | None = None,
                   extra: Backend | None = None) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """(stale, missing) index quads of ``iris``, rebuilt from the article graphs.

    ``skip`` is a graph to leave out (being dropped or rewritten); ``extra`` a scratch store
    with article graphs to count in (the new version of a graph).
    """
    stale: set[ox.Quad] = set()
    missing: set[ox.Quad] = set()
    cache: dict[tuple[int, ox.NamedNode], tuple[dict[str, Facts], set[str]]] = {}
    for iri in sorted(set(iris)):
        facts: Facts | None = None
        seen: set[str] = set()
        sources = [(store, g) for g in _graphs_of(store, iri) if g != skip]
        if extra is not None:
            sources += [(extra, g) for g in _graphs_of(extra, iri)]
        for source, g in sources:
            key = (id(source), g)
            if key not in cache:
                cache[key] = _graph_facts(source, g)
            graph_facts, entities = cache[key]
            if iri in graph_facts:
                facts = _union(facts, graph_facts[iri])
                seen |= entities
        wanted = _index_quads(iri, facts, seen) if facts is not None else set()
        current = _current_index_quads(store, iri)
        stale |= current - wanted
        missing |= wanted - current
    return stale, missing


def index_for(store: Backend) -> Lookup:
    """The resolution look-up of ``store``: a remote store batches its look-ups."""
    if isinstance(store, ox.Store):
        return _Index(store)
    return store.lookup()


def _article_id_of(g: ox.NamedNode) -> str:
    return unquote(g.value[len(str(GRAPH)):]) if g.value.startswith(str(GRAPH)) else g.value
