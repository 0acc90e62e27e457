"""The persistent store: one pyoxigraph directory, one named graph per article, safe updates.

A store directory ``DIR`` holds ``newskg-store.json`` (the marker, written before anything
else, checked before anything is opened: a directory without it is never touched) and the
RocksDB files of a ``pyoxigraph.Store`` (``oxigraph serve --location DIR`` serves the same
data when no other process has it open). Inside, three kinds of named graphs:

``graph/<id>`` (``kg.graph.graph_iri``)
    One per article: exactly what ``kg build`` writes for it, except that entity IRIs are
    the store-wide ones chosen by cross-article resolution (``kg.merge``). Queries see the
    union, so every saved query works on a store as on a graph file.
``store/index``
    What resolution looks up, derived from the article graphs and rebuilt for an entity
    whenever an article that mentions it goes: per entity ``kgs:kind``, ``kgs:label`` (every
    name and alias), ``kgs:title``, ``kgs:post`` (``title|org IRI``), ``kgs:key`` (blocking
    keys) and ``kgs:seenWith`` (entities mentioned in the same article); per article graph
    ``kgs:contentHash`` (of the graph as ``kg build`` made it, before resolution).
``store/decisions``
    One ``kgs:MergeDecision`` (a ``prov:Activity``) per entity of an article resolved to an
    entity already stored: the article, the entity's local IRI and name (what it would be
    called alone), the stored IRI it was merged into, the score and the evidence in words,
    and ``kgs:status`` ``"active"`` or ``"undone"``.

Undoing a merge (``unmerge``) needs no extraction: the article's graph is the only place where
its entity appears under the merged IRI, so every triple of that graph with the merged IRI is
rewritten to a new one (the local IRI, numbered if taken), the index entries of both IRIs are
rebuilt, and the decision is marked ``"undone"`` with ``kgs:separatedAs`` the new IRI. Undone
decisions are kept: when the article is ingested again, its entity keeps the separate IRI.

Every change of an article (add, replace, remove, unmerge) is one transaction: ``extend`` when
it only adds quads, otherwise a single SPARQL UPDATE (``DROP``; ``DELETE DATA``; ``INSERT
DATA``), which pyoxigraph applies atomically. RocksDB syncs its write-ahead log at each commit,
so a process killed at any moment (even ``kill -9``) leaves the store as it was before or
after the article; running the same command again completes the work, because an article whose
graph is already stored with the same content hash is skipped.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.errors import StoreError
from kg.graph import article_iri, graph_iri, new_dataset, ox_term, quiet_rdflib
from kg.merge import (
    ArticleGraph,
    Facts,
    Link,
    LocalEntity,
    article_of,
    describe,
    normalize_title,
    resolve_entities,
)
from kg.store_changes import ArticleChange, _conflicts, _facts_of, _Plan
from kg.store_index import (
    _ACTIVE,
    _D_ARTICLE,
    _D_CLASS,
    _D_EVIDENCE,
    _D_INTO,
    _D_INTO_NAME,
    _D_KIND,
    _D_LOCAL,
    _D_NAME,
    _D_SCORE,
    _D_SEPARATED,
    _D_STATUS,
    _HASH,
    _IDENT,
    _KIND,
    _TYPE,
    _UNDONE,
    DECISION,
    DECISIONS,
    INDEX,
    KGS,
    SOFTWARE,
    Backend,
    _article_id_of,
    _entities_in,
    _index_quads,
    _rebuilt_index,
    _stored_facts,
    _union,
    _v,
    index_for,
)
from kg.store_index import (
    _n as _n,  # re-exported: benchmarks build quads with it
)
from kg.store_open import MARKER, connect, is_store
from kg.vocab import ID, PROV, RDF, SDO, XSD

__all__ = ["MARKER", "FLUSH_EVERY", "INDEX", "DECISIONS", "KGS", "is_store", "connect",
           "ArticleChange", "plan_article", "add_article", "diff_article", "remove_article",
           "unmerge", "article_ids", "decisions", "article_graphs", "to_dataset", "check"]

#: Long runs flush the store every this many articles. Each commit is durable without it
#: (RocksDB syncs its write-ahead log), but the log is only trimmed by a flush: unflushed, it
#: grew to 800 MB over 1,500 articles and took 108 s to replay when the store was reopened
#: after a kill, and the growing in-memory tables slowed every look-up.
FLUSH_EVERY = 100
def _write(store: Backend, *, drop: Iterable[ox.NamedNode] = (),
           delete: Iterable[ox.Quad] = (), insert: Iterable[ox.Quad] = ()) -> None:
    """Apply one change as one transaction."""
    drop, delete, insert = list(drop), list(set(delete)), list(set(insert))
    try:
        if not drop and not delete:
            if insert:
                store.extend(insert)
            return
        parts = [f"DROP SILENT GRAPH {g}" for g in drop]
        if delete:
            parts.append(f"DELETE DATA {{ {_data(delete)} }}")
        if insert:
            parts.append(f"INSERT DATA {{ {_data(insert)} }}")
        store.update(" ;\n".join(parts))
    except OSError as exc:
        message = " ".join(str(exc).split())
        raise StoreError(f"cannot write to the store ({message}); was it opened read-only?"
                         ) from None


#: Triples per ``GRAPH`` block of a SPARQL update: Virtuoso's parser runs out of stack on
#: one block of ~5,000 triples (the same triples in blocks of 1,000 pass).
BLOCK = 500


def _data(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        by_graph[str(q.graph_name)].append(f"{q.subject} {q.predicate} {q.object} .")
    return "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines[i:i + BLOCK]) + "\n}"
                     for g, lines in by_graph.items() for i in range(0, len(lines), BLOCK))


# ------------------------------------------------------------------ rdflib <-> pyoxigraph
def _quads(graph: Graph, g: ox.NamedNode) -> list[ox.Quad]:
    """The triples of ``graph`` as quads in ``g``."""
    terms: dict[Node, Any] = {}  # an article repeats its terms many times: convert each once

    def term(t: Node) -> Any:
        found = terms.get(t)
        if found is None:
            found = terms[t] = ox_term(t)
        return found

    return [ox.Quad(term(s), term(p), term(o), g) for s, p, o in graph]


def _content_hash(quads: list[ox.Quad]) -> str:
    """A digest of the quads, whatever their order (N-Quads lines, sorted)."""
    lines = bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").split(b"\n")
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()


# ------------------------------------------------------------------ adding an article
def _decision_iri(article_id: str, local_iri: str) -> str:
    tail = local_iri[len(str(ID)):] if local_iri.startswith(str(ID)) else quote(local_iri, safe="")
    return f"{DECISION}{quote(article_id, safe='')}/{tail}"


def _separations(store: Backend, article_id: str,
                 ) -> tuple[dict[str, str], dict[str, set[str]], list[ox.NamedNode]]:
    """Undone merges of this article (kept), and its active decisions (replaced)."""
    separated: dict[str, str] = {}
    vetoed: dict[str, set[str]] = defaultdict(set)
    active = []
    for q in store.quads_for_pattern(None, _D_ARTICLE, ox.Literal(article_id), DECISIONS):
        d = q.subject
        assert isinstance(d, ox.NamedNode)
        status = {x.object for x in store.quads_for_pattern(d, _D_STATUS, None, DECISIONS)}
        if _UNDONE in status:
            local = _v(next(store.quads_for_pattern(d, _D_LOCAL, None, DECISIONS)).object)
            into = _v(next(store.quads_for_pattern(d, _D_INTO, None, DECISIONS)).object)
            new = _v(next(store.quads_for_pattern(d, _D_SEPARATED, None, DECISIONS)).object)
            separated[local] = new
            vetoed[local].add(into)
        else:
            active.append(d)
    return separated, dict(vetoed), active


def _decision_quads(d: ox.NamedNode, article_id: str, link: Link) -> set[ox.Quad]:
    chosen = link.chosen
    assert chosen is not None
    triples: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (_TYPE, _D_CLASS), (_TYPE, _n(PROV.Activity)), (_D_STATUS, _ACTIVE),
        (_D_ARTICLE, ox.Literal(article_id)), (_n(PROV.used), _n(article_iri(article_id))),
        (_D_LOCAL, _n(link.entity.iri)), (_D_NAME, ox.Literal(link.entity.name)),
        (_D_KIND, ox.Literal(link.entity.kind)), (_D_INTO, _n(link.iri)),
        (_D_INTO_NAME, ox.Literal(chosen.name)),
        (_D_SCORE, ox.Literal(f"{chosen.score:.2f}", datatype=_n(XSD.decimal))),
        (_n(PROV.wasAssociatedWith), SOFTWARE),
    ]
    triples += [(_D_EVIDENCE, ox.Literal(e)) for e in chosen.evidence]
    return {ox.Quad(d, p, o, DECISIONS) for p, o in triples}


def _supported_elsewhere(store: Backend, iri: str, g: ox.NamedNode) -> bool:
    return any(q.graph_name not in (g, INDEX)
               for q in store.quads_for_pattern(_n(iri), _TYPE, None, None))


def _article_quads(source: Graph | Sequence[ox.Quad]) -> tuple[str, list[ox.Quad]]:
    """The article id of one article graph and its quads, in the graph named after it."""
    if not isinstance(source, Graph):
        quads = list(source)
        _, article_id = article_of(ArticleGraph(q for q in quads
                                                if q.predicate in (_IDENT, _TYPE)))
        g = _n(graph_iri(article_id))
        if any(q.graph_name != g for q in quads):
            quads = [ox.Quad(q.subject, q.predicate, q.object, g) for q in quads]
        return article_id, quads
    arts = list(source.subjects(RDF.type, SDO.NewsArticle))
    idents = sorted(str(x) for a in arts for x in source.objects(a, SDO.identifier))
    if not idents:
        raise ValueError("no schema:NewsArticle with a schema:identifier in the graph")
    return idents[0], _quads(source, _n(graph_iri(idents[0])))


def plan_article(store: Backend, source: Graph | Sequence[ox.Quad]) -> _Plan:
    """Resolve one article graph against the store and work out the change (nothing written).

    Args:
        store: the store.
        source: one article's graph: an rdflib Graph, or its quads (any graph name).

    Raises:
        StoreError: the graph holds no article.
    """
    try:
        article_id, local = _article_quads(source)
    except ValueError as exc:
        name = source.identifier if isinstance(source, Graph) else "the graph"
        raise StoreError(f"{name}: {exc}") from None
    g = _n(graph_iri(article_id))
    digest = _content_hash(local)
    stored = [_v(q.object) for q in store.quads_for_pattern(g, _HASH, None, INDEX)]
    if digest in stored:
        return _Plan(ArticleChange(article_id, "unchanged"), g)
    replacing = bool(stored) or any(True for _ in store.quads_for_pattern(None, None, None, g))

    graph = ArticleGraph(local)
    entities = describe(graph)
    separated, vetoed, active = _separations(store, article_id)
    index = index_for(store)
    links = resolve_entities(entities, index, separated=separated, vetoed=vetoed)
    if replacing:  # an entity met only in this article's old version is not a merge
        links = [Link(x.entity, x.iri, "new", x.candidates)
                 if x.outcome == "merged" and not _supported_elsewhere(store, x.iri, g) else x
                 for x in links]
    mapping = {x.entity.iri: x.iri for x in links if x.entity.iri != x.iri}

    def term(t: Any) -> Any:
        return _n(mapping[t.value]) if isinstance(t, ox.NamedNode) and t.value in mapping else t

    def renamed(q: ox.Quad) -> ox.Quad:
        if _v(q.subject) not in mapping and _v(q.object) not in mapping:
            return q  # most quads name no entity: keep them as they are
        return ox.Quad(term(q.subject), q.predicate, term(q.object), g)

    plan = _Plan(ArticleChange(article_id, "replaced" if replacing else "added"), g)
    plan.quads = [renamed(q) for q in local]
    plan.insert = set(plan.quads) | {ox.Quad(g, _HASH, ox.Literal(digest), INDEX)}
    plan.delete = {ox.Quad(g, _HASH, ox.Literal(h), INDEX) for h in stored}
    decided = []
    for link in links:
        if link.outcome == "merged":
            d = _n(_decision_iri(article_id, link.entity.iri))
            plan.insert |= _decision_quads(d, article_id, link)
            decided.append(d.value)
    for d in active:
        plan.delete |= set(store.quads_for_pattern(d, None, None, DECISIONS))

    new_facts = _article_facts(links, mapping)
    if replacing:
        plan.drop = [g]
        scratch = ox.Store()
        scratch.extend(plan.quads)
        old = _entities_in(store, g)
        stale, missing = _rebuilt_index(store, old | set(new_facts), skip=g, extra=scratch)
        plan.delete |= stale
        plan.insert |= missing
    else:
        seen = list(new_facts)
        for iri, facts in new_facts.items():
            before = index.facts(iri)
            after = _union(before, facts)
            current = _index_quads(iri, before, ()) if before is not None else set()
            wanted = _index_quads(iri, after, seen)
            plan.delete |= current - wanted  # keys that no longer apply ("surname only")
            plan.insert |= wanted - current
    plan.delete -= plan.insert
    plan.change = ArticleChange(article_id, plan.change.status, tuple(links), *_facts_of(graph),
                                decisions=tuple(decided))
    return plan


def _article_facts(links: list[Link], mapping: dict[str, str]) -> dict[str, Facts]:
    out = {}
    for link in links:
        e: LocalEntity = link.entity
        if e.scoped:
            continue
        titles = {normalize_title(t) for t, _ in e.titles}
        posts = {f"{normalize_title(t)}|{mapping.get(o, o)}" for t, o in e.titles if o}
        out[link.iri] = Facts(e.kind, frozenset(e.labels), frozenset(titles), frozenset(posts))
    return out


def add_article(store: Backend, graph: Graph | Sequence[ox.Quad]) -> ArticleChange:
    """Add (or replace) one article graph in one transaction; an identical one is skipped.

    Args:
        store: a store opened for writing (``connect``).
        graph: one article's named graph as ``kg build``/``build_graphs`` makes it (an rdflib
            Graph, or its quads).
    """
    plan = plan_article(store, graph)
    if plan.change.status != "unchanged":
        _write(store, drop=plan.drop, delete=plan.delete, insert=plan.insert)
    return plan.change


def diff_article(store: Backend, graph: Graph | Sequence[ox.Quad]) -> ArticleChange:
    """What ``add_article`` would change, with the conflicts it would bring; nothing written."""
    plan = plan_article(store, graph)
    if plan.change.status == "unchanged":
        return plan.change
    conflicts = tuple(_conflicts(store, plan))
    change = plan.change
    return ArticleChange(change.article_id, change.status, change.links, change.roles,
                         change.statements, change.actions, conflicts, change.decisions)


# ------------------------------------------------------------------ removing, unmerging
def remove_article(store: Backend, article_id: str) -> ArticleChange:
    """Remove one article's graph and decisions; entities only it mentioned disappear.

    Raises:
        StoreError: no article with this id is stored.
    """
    g = _n(graph_iri(article_id))
    hashes = set(store.quads_for_pattern(g, _HASH, None, INDEX))
    if not hashes and not any(True for _ in store.quads_for_pattern(None, None, None, g)):
        raise StoreError(f"no article {article_id!r} in the store; "
                         "'kg query STORE --named articles' lists them")
    entities = _entities_in(store, g)
    stale, missing = _rebuilt_index(store, entities, skip=g)
    delete = stale | hashes
    for q in store.quads_for_pattern(None, _D_ARTICLE, ox.Literal(article_id), DECISIONS):
        delete |= set(store.quads_for_pattern(q.subject, None, None, DECISIONS))
    _write(store, drop=[g], delete=delete, insert=missing)
    return ArticleChange(article_id, "removed")


def _find_decision(store: Backend, decision: str) -> ox.NamedNode:
    iri = decision if "://" in decision else DECISION + decision.removeprefix("decision:")
    d = _n(iri)
    if not any(True for _ in store.quads_for_pattern(d, _TYPE, _D_CLASS, DECISIONS)):
        raise StoreError(f"no merge decision {decision!r} in the store; "
                         "'kg query STORE --named merge-decisions' lists them")
    return d


def unmerge(store: Backend, decision: str) -> str:
    """Undo a merge decision: the article's entity gets an IRI of its own again.

    Args:
        store: a store opened for writing.
        decision: the decision's IRI, or its part after ``.../decision/``
            (``ARTICLE_ID/person/zakir``).

    Returns:
        The new IRI of the separated entity.

    Raises:
        StoreError: no such decision, or it was already undone.
    """
    d = _find_decision(store, decision)

    def one(p: ox.NamedNode) -> Any:
        return next(store.quads_for_pattern(d, p, None, DECISIONS)).object

    if one(_D_STATUS) != _ACTIVE:
        raise StoreError(f"the merge decision {decision!r} was already undone")
    article_id, local, into = _v(one(_D_ARTICLE)), _v(one(_D_LOCAL)), one(_D_INTO)
    g = _n(graph_iri(article_id))
    in_graph = _entities_in(store, g)
    new, n = local, 2
    while new in in_graph or _stored_facts(store, new) is not None or new == _v(into):
        new, n = f"{local}-{n}", n + 1
    node = _n(new)
    old_quads = (set(store.quads_for_pattern(into, None, None, g))
                 | set(store.quads_for_pattern(None, None, into, g)))
    new_quads = {ox.Quad(node if q.subject == into else q.subject, q.predicate,
                         node if q.object == into else q.object, g) for q in old_quads}
    scratch = ox.Store()
    scratch.extend(new_quads | (set(store.quads_for_pattern(None, None, None, g)) - old_quads))
    affected = {_v(into), new} | in_graph
    stale, missing = _rebuilt_index(store, affected, skip=g, extra=scratch)
    delete = old_quads | stale | {ox.Quad(d, _D_STATUS, _ACTIVE, DECISIONS)}
    insert = new_quads | missing | {ox.Quad(d, _D_STATUS, _UNDONE, DECISIONS),
                                    ox.Quad(d, _D_SEPARATED, node, DECISIONS)}
    _write(store, delete=delete - insert, insert=insert)
    return new


# ------------------------------------------------------------------ reading
def article_ids(store: Backend) -> list[str]:
    """Ids of the stored articles, sorted."""
    return sorted(_article_id_of(q.subject) for q in
                  store.quads_for_pattern(None, _HASH, None, INDEX)
                  if isinstance(q.subject, ox.NamedNode))


def decisions(store: Backend, *, article_id: str | None = None) -> list[dict[str, Any]]:
    """The merge decisions (all, or one article's), as dicts of plain values."""
    out = []
    subjects = (q.subject for q in store.quads_for_pattern(None, _TYPE, _D_CLASS, DECISIONS))
    for d in sorted(subjects, key=str):
        row: dict[str, Any] = {"decision": _v(d), "evidence": []}
        for q in store.quads_for_pattern(d, None, None, DECISIONS):
            key = q.predicate.value.rsplit("#", 1)[-1]
            if key == "evidence":
                row["evidence"].append(_v(q.object))
            elif key not in ("type", "used", "wasAssociatedWith"):
                row[key] = _v(q.object)
        row["evidence"].sort()
        if article_id is None or row.get("article") == article_id:
            out.append(row)
    return out


def article_graphs(store: Backend) -> list[ox.NamedNode]:
    """The names of the stored article graphs, sorted."""
    return sorted((q.subject for q in store.quads_for_pattern(None, _HASH, None, INDEX)
                   if isinstance(q.subject, ox.NamedNode)), key=str)


def to_dataset(store: Backend, *, bookkeeping: bool = False) -> Dataset:
    """The article graphs (and with ``bookkeeping`` the decisions) as an rdflib Dataset."""
    graphs = article_graphs(store) + ([DECISIONS] if bookkeeping else [])
    quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]
    ds = new_dataset()
    if quads:
        with quiet_rdflib():
            ds.parse(data=bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode(),
                     format="nquads")
    return ds


def check(store: Backend) -> list[str]:
    """Problems of consistency between the article graphs, the index and the decisions.

    Reads the whole store (for tests and repairs, not for every ingest); [] when sound.
    """
    problems = []
    graphs = set(article_graphs(store))
    for g in store.named_graphs():
        if g in (INDEX, DECISIONS) or not isinstance(g, ox.NamedNode):
            continue
        if g not in graphs:
            problems.append(f"{g.value}: an article graph without a content hash")
    for g in graphs:
        if not any(True for _ in store.quads_for_pattern(None, None, None, g)):
            problems.append(f"{g.value}: a content hash without its article graph")
    entities = {_v(q.subject) for q in store.quads_for_pattern(None, _KIND, None, INDEX)}
    stale, missing = _rebuilt_index(store, entities | {
        iri for g in graphs for iri in _entities_in(store, g)})
    problems += [f"stale index entry: {q}" for q in sorted(stale, key=str)]
    problems += [f"missing index entry: {q}" for q in sorted(missing, key=str)]
    for row in decisions(store):
        g = _n(graph_iri(row["article"]))
        if g not in graphs:
            problems.append(f"{row['decision']}: a decision of an article not stored")
        elif row["status"] == "active" and not any(
                True for _ in store.quads_for_pattern(_n(row["mergedInto"]), None, None, g)):
            problems.append(f"{row['decision']}: the merged entity is not in its article")
    return problems

