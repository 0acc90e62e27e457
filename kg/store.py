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
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError
from kg.graph import article_iri, graph_iri, new_dataset, quiet_rdflib
from kg.merge import (
    KINDS,
    MAX_BLOCK,
    ArticleGraph,
    Facts,
    Link,
    LocalEntity,
    article_of,
    describe,
    index_keys,
    is_single_seat,
    normalize_title,
    resolve_entities,
)
from kg.resolve import is_generic_law
from kg.vocab import BASE, GRAPH, ID, KG, ORG, PREFIXES, PROV, RDF, SDO, XSD

__all__ = ["MARKER", "FLUSH_EVERY", "INDEX", "DECISIONS", "KGS", "is_store", "connect",
           "ArticleChange", "plan_article", "add_article", "diff_article", "remove_article",
           "unmerge", "article_ids", "decisions", "article_graphs", "to_dataset", "check"]

MARKER = "newskg-store.json"
FORMAT_VERSION = 1
#: Long runs flush the store every this many articles. Each commit is durable without it
#: (RocksDB syncs its write-ahead log), but the log is only trimmed by a flush: unflushed, it
#: grew to 800 MB over 1,500 articles and took 108 s to replay when the store was reopened
#: after a kill, and the growing in-memory tables slowed every look-up.
FLUSH_EVERY = 100
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


# ------------------------------------------------------------------ opening
def is_store(path: str | Path) -> bool:
    """Whether ``path`` is a store directory (it holds the marker file)."""
    return (Path(path) / MARKER).is_file()


def connect(path: str | Path, *, create: bool = False, read_only: bool = False) -> ox.Store:
    """Open the store in directory ``path``.

    Only one process may open a store for writing; ``read_only`` opens a snapshot that other
    processes may read while one writes (pyoxigraph calls concurrent writing "undefined" for
    readers: a reader sees the store as it was when opened, or fails with a StoreError).

    Args:
        path: the store directory.
        create: make the store if ``path`` does not exist or is an empty directory.
        read_only: open for queries only.

    Raises:
        StoreError: no store there, a directory that is not a store (left untouched), a
            marker of another format version, a corrupt store, or a store another process
            holds for writing.
    """
    path = Path(path)
    marker = path / MARKER
    if not path.exists():
        if not create or read_only:
            raise StoreError(f"{path}: no such store; create one with "
                             f"'kg ingest ARTICLE --store {path}'")
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None
        _write_marker(path)
    elif not path.is_dir():
        raise StoreError(f"{path}: not a store directory (it is a file); "
                         "give a directory made by 'kg ingest --store'")
    elif not marker.is_file():
        if create and not read_only and not any(path.iterdir()):
            _write_marker(path)
        else:
            raise StoreError(f"{path}: not a newskg store (no {MARKER}); nothing in it was "
                             "changed; choose a new or empty directory")
    _check_marker(marker)
    fresh = not (path / "CURRENT").exists()
    if fresh:
        if any(p.name.endswith(".sst") or p.name.startswith("MANIFEST") for p in path.iterdir()):
            raise StoreError(f"{path}: the store is corrupt (its CURRENT file is missing); "
                             "restore it from a backup or ingest the articles again")
        if read_only:
            return ox.Store()  # created, then stopped before the first write: empty
    if not read_only and not fresh:
        # a read-only open checks the files without writing anything; a writable open of a
        # damaged store would start a new RocksDB log in it first
        _open(path, read_only=True)
    return _open(path, read_only=read_only)


def _open(path: Path, *, read_only: bool) -> ox.Store:
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        message = " ".join(str(exc).split())
        if "lock" in message.lower():
            raise StoreError(f"{path}: the store is in use by another writer (a running "
                             "'kg ingest', 'kg merge' or 'oxigraph serve'); wait for it to "
                             "finish; 'kg query' can read the store meanwhile") from None
        if "No such file" in message:
            raise StoreError(f"{path}: the store is corrupt or incomplete ({message}); "
                             "restore it from a backup or ingest the articles again") from None
        raise StoreError(f"{path}: cannot open the store ({message})") from None
    except RuntimeError as exc:  # RocksDB reports damaged files as RuntimeError
        message = " ".join(str(exc).split())[:200]
        raise StoreError(f"{path}: the store is corrupt ({message}); nothing was changed; "
                         "restore it from a backup or ingest the articles again") from None


def _write_marker(path: Path) -> None:
    tmp = path / (MARKER + ".tmp")
    try:
        tmp.write_text(json.dumps({"format": "newskg-store", "version": FORMAT_VERSION}) + "\n",
                       encoding="utf-8")
        tmp.replace(path / MARKER)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None


def _check_marker(marker: Path) -> None:
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        info = None
    if not isinstance(info, dict) or info.get("format") != "newskg-store":
        raise StoreError(f"{marker}: not a newskg store marker; the store is damaged or "
                         "not a newskg store; nothing was changed")
    version = info.get("version")
    if version != FORMAT_VERSION:
        raise StoreError(f"{marker.parent}: store format version {version}, this newskg "
                         f"reads version {FORMAT_VERSION}; use the newskg that made it")


def _write(store: ox.Store, *, drop: Iterable[ox.NamedNode] = (),
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


def _data(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        by_graph[str(q.graph_name)].append(f"{q.subject} {q.predicate} {q.object} .")
    return "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())


# ------------------------------------------------------------------ rdflib <-> pyoxigraph
def _ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _quads(graph: Graph, g: ox.NamedNode) -> list[ox.Quad]:
    """The triples of ``graph`` as quads in ``g``."""
    terms: dict[Node, Any] = {}  # an article repeats its terms many times: convert each once

    def term(t: Node) -> Any:
        found = terms.get(t)
        if found is None:
            found = terms[t] = _ox_term(t)
        return found

    return [ox.Quad(term(s), term(p), term(o), g) for s, p, o in graph]


def _content_hash(quads: list[ox.Quad]) -> str:
    """A digest of the quads, whatever their order (N-Quads lines, sorted)."""
    lines = bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").split(b"\n")
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()


# ------------------------------------------------------------------ the index
class _Index:
    """The ``Lookup`` of ``kg.merge`` over the store's index graph (exact look-ups only)."""

    def __init__(self, store: ox.Store) -> None:
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


def _values(store: ox.Store, s: ox.NamedNode, p: ox.NamedNode) -> frozenset[str]:
    return frozenset(_v(q.object) for q in store.quads_for_pattern(s, p, None, INDEX))


def _stored_facts(store: ox.Store, iri: str) -> Facts | None:
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


def _current_index_quads(store: ox.Store, iri: str) -> set[ox.Quad]:
    node = _n(iri)
    return (set(store.quads_for_pattern(node, None, None, INDEX))
            | set(store.quads_for_pattern(None, _SEEN, node, INDEX)))


def _union(a: Facts | None, b: Facts) -> Facts:
    if a is None:
        return b
    return Facts(a.kind, a.labels | b.labels, a.titles | b.titles, a.posts | b.posts)


def _graph_facts(store: ox.Store, g: ox.NamedNode) -> tuple[dict[str, Facts], set[str]]:
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


def _entities_in(store: ox.Store, g: ox.NamedNode) -> set[str]:
    """IRIs of the people, organisations, places and laws of one article graph."""
    return {_v(q.subject) for cls in _CLASSES
            for q in store.quads_for_pattern(None, _TYPE, cls, g)
            if isinstance(q.subject, ox.NamedNode)}


def _graphs_of(store: ox.Store, iri: str) -> set[ox.NamedNode]:
    return {q.graph_name for q in store.quads_for_pattern(_n(iri), _TYPE, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != INDEX}


def _rebuilt_index(store: ox.Store, iris: Iterable[str], *, skip: ox.NamedNode | None = None,
                   extra: ox.Store | None = None) -> tuple[set[ox.Quad], set[ox.Quad]]:
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


# ------------------------------------------------------------------ adding an article
@dataclass(frozen=True)
class ArticleChange:
    """What adding (or, in a dry run, would add) or removing one article changes.

    ``status`` is ``added``, ``replaced`` (same id, new content), ``unchanged`` (the same
    graph is already stored) or ``removed``. ``links`` are the resolution decisions, one per
    entity; ``conflicts`` are only computed by ``diff_article``.
    """

    article_id: str
    status: str
    links: tuple[Link, ...] = ()
    roles: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()

    @property
    def new_entities(self) -> list[Link]:
        """Entities the store did not know."""
        return [x for x in self.links if x.outcome != "merged"]

    @property
    def merged(self) -> list[Link]:
        """Entities resolved to stored ones."""
        return [x for x in self.links if x.outcome == "merged"]

    def summary(self) -> str:
        """One line for the terminal."""
        if self.status in ("unchanged", "removed"):
            return f"{self.status} {self.article_id}"
        return (f"{self.status} {self.article_id}: {len(self.links)} entities "
                f"({len(self.new_entities)} new, {len(self.merged)} linked), "
                f"{len(self.roles)} roles, {len(self.statements)} statements, "
                f"{len(self.actions)} legislative actions")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (``kg ingest --dry-run --format json``)."""
        return {
            "article": self.article_id, "status": self.status,
            "new_entities": [{"iri": x.iri, "kind": x.entity.kind, "name": x.entity.name,
                              "outcome": x.outcome} for x in self.new_entities],
            "links": [{"name": x.entity.name, "kind": x.entity.kind, "iri": x.iri,
                       "stored_name": x.candidates[0].name, "score": x.candidates[0].score,
                       "evidence": list(x.candidates[0].evidence)} for x in self.merged],
            "roles": list(self.roles), "statements": list(self.statements),
            "legislative_actions": list(self.actions), "conflicts": list(self.conflicts),
            "decisions": list(self.decisions),
        }


@dataclass
class _Plan:
    change: ArticleChange
    graph: ox.NamedNode
    quads: list[ox.Quad] = field(default_factory=list)
    drop: list[ox.NamedNode] = field(default_factory=list)
    delete: set[ox.Quad] = field(default_factory=set)
    insert: set[ox.Quad] = field(default_factory=set)


def _decision_iri(article_id: str, local_iri: str) -> str:
    tail = local_iri[len(str(ID)):] if local_iri.startswith(str(ID)) else quote(local_iri, safe="")
    return f"{DECISION}{quote(article_id, safe='')}/{tail}"


def _separations(store: ox.Store, article_id: str,
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


def _supported_elsewhere(store: ox.Store, iri: str, g: ox.NamedNode) -> bool:
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


def plan_article(store: ox.Store, source: Graph | Sequence[ox.Quad]) -> _Plan:
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
    index = _Index(store)
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


def add_article(store: ox.Store, graph: Graph | Sequence[ox.Quad]) -> ArticleChange:
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


def diff_article(store: ox.Store, graph: Graph | Sequence[ox.Quad]) -> ArticleChange:
    """What ``add_article`` would change, with the conflicts it would bring; nothing written."""
    plan = plan_article(store, graph)
    if plan.change.status == "unchanged":
        return plan.change
    conflicts = tuple(_conflicts(store, plan))
    change = plan.change
    return ArticleChange(change.article_id, change.status, change.links, change.roles,
                         change.statements, change.actions, conflicts, change.decisions)


def _name(graph: ArticleGraph, node: str | None) -> str:
    return graph.value(node, SDO.name) or "?"


def _facts_of(graph: ArticleGraph) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Roles, statements and legislative actions of an article graph, one line each."""
    roles = []
    for m in graph.subjects(RDF.type, ORG.Membership):
        org = graph.value(m, ORG.organization)
        roles.append(f"{_name(graph, graph.value(m, ORG.member))}: {graph.value(m, KG.title)}"
                     + (f" of {_name(graph, org)}" if org is not None else ""))
    statements = []
    for s in graph.subjects(RDF.type, SDO.Quotation):
        quote_ = graph.value(s, SDO.text)
        statements.append(f"{_name(graph, graph.value(s, SDO.spokenByCharacter))} "
                          f"({graph.value(s, KG.reportingVerb)})"
                          + (f": {quote_[:80]}" if quote_ is not None else ""))
    actions = []
    for a in graph.subjects(RDF.type, KG.LegislativeAction):
        kind = (graph.value(a, KG.actionType) or "").rsplit("/", 1)[-1]
        agent = graph.value(a, SDO.agent)
        actions.append(f"{kind} {_name(graph, graph.value(a, SDO.object))}"
                       + (f" by {_name(graph, agent)}" if agent is not None else ""))
    return tuple(sorted(roles)), tuple(sorted(statements)), tuple(sorted(actions))


_ROLES_HELD = """
SELECT ?g ?org ?day ?person ?title WHERE { GRAPH ?g {
  ?m org:organization ?org ; org:member ?person ; kg:title ?title ; org:memberDuring ?during .
  ?during time:inside/time:inXSDDate ?day .
  FILTER NOT EXISTS { ?m kg:former ?former }
} }"""


def _held_at(org: ox.NamedNode, day: ox.Literal) -> str:
    """The roles held in ``org`` on ``day``: looked up from the organisation, not scanned."""
    return (_ROLES_HELD.replace("?m org:organization ?org", f"?m org:organization {org}")
            .replace("time:inXSDDate ?day", f"time:inXSDDate {day}"))


def _conflicts(store: ox.Store, plan: _Plan) -> Iterator[str]:
    """Single-seat posts held by two people, and people with two titles, on the same date."""
    scratch = ox.Store()
    scratch.extend(plan.quads)
    names: dict[str, str] = {}

    def name(iri: str) -> str:
        if iri not in names:
            here = [_v(q.object) for q in
                    scratch.quads_for_pattern(_n(iri), _n(SDO.name), None, None)]
            facts = _stored_facts(store, iri)
            names[iri] = (here[0] if here else max(sorted(facts.labels), key=len)
                          if facts is not None and facts.labels else iri)
        return names[iri]

    def rows(db: ox.Store, sparql: str) -> ox.QuerySolutions:
        solutions = db.query(sparql, prefixes=PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    seen = set()
    for row in rows(scratch, _ROLES_HELD):
        org, day = row["org"], row["day"]
        person, title = _v(row["person"]), normalize_title(_v(row["title"]))
        query = _held_at(org, day)
        others = [(r["g"], _v(r["person"]), normalize_title(_v(r["title"])))
                  for r in rows(store, query) if r["g"] != plan.graph]
        others += [(plan.graph, _v(r["person"]), normalize_title(_v(r["title"])))
                   for r in rows(scratch, query)]
        for g, other, other_title in others:
            where = "this article" if g == plan.graph else _article_id_of(g)
            if other != person and other_title == title and is_single_seat(title):
                key: tuple[str, ...] = ("seat", title, org.value, day.value,
                                        *sorted((person, other)))
                message = (f"{title} of {name(org.value)} on {day.value}: {name(person)} "
                           f"(this article) and {name(other)} ({where})")
            elif other == person and other_title != title:
                key = ("titles", person, org.value, day.value, *sorted((title, other_title)))
                message = (f"{name(person)} in {name(org.value)} on {day.value}: {title} "
                           f"(this article) and {other_title} ({where})")
            else:
                continue
            if key not in seen:
                seen.add(key)
                yield message


def _article_id_of(g: ox.NamedNode) -> str:
    return unquote(g.value[len(str(GRAPH)):]) if g.value.startswith(str(GRAPH)) else g.value


# ------------------------------------------------------------------ removing, unmerging
def remove_article(store: ox.Store, article_id: str) -> ArticleChange:
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


def _find_decision(store: ox.Store, decision: str) -> ox.NamedNode:
    iri = decision if "://" in decision else DECISION + decision.removeprefix("decision:")
    d = _n(iri)
    if not any(True for _ in store.quads_for_pattern(d, _TYPE, _D_CLASS, DECISIONS)):
        raise StoreError(f"no merge decision {decision!r} in the store; "
                         "'kg query STORE --named merge-decisions' lists them")
    return d


def unmerge(store: ox.Store, decision: str) -> str:
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
def article_ids(store: ox.Store) -> list[str]:
    """Ids of the stored articles, sorted."""
    return sorted(_article_id_of(q.subject) for q in
                  store.quads_for_pattern(None, _HASH, None, INDEX)
                  if isinstance(q.subject, ox.NamedNode))


def decisions(store: ox.Store, *, article_id: str | None = None) -> list[dict[str, Any]]:
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


def article_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The names of the stored article graphs, sorted."""
    return sorted((q.subject for q in store.quads_for_pattern(None, _HASH, None, INDEX)
                   if isinstance(q.subject, ox.NamedNode)), key=str)


def to_dataset(store: ox.Store, *, bookkeeping: bool = False) -> Dataset:
    """The article graphs (and with ``bookkeeping`` the decisions) as an rdflib Dataset."""
    graphs = article_graphs(store) + ([DECISIONS] if bookkeeping else [])
    quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]
    ds = new_dataset()
    if quads:
        with quiet_rdflib():
            ds.parse(data=bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode(),
                     format="nquads")
    return ds


def check(store: ox.Store) -> list[str]:
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

