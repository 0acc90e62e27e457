"""The graph as networkx: entities, facts and their provenance; export to GraphML, GEXF, JSON.

``to_networkx`` is what the HTML view (``kg.render``) draws; ``export_graph`` writes it for other
tools (Gephi, Cytoscape, yEd, d3) with every attribute a plain string or number.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.errors import QueryError
from kg.vocab import KG, OA, ORG, PROV, RDF, SDO, SKOS

__all__ = ["EXPORT_FORMATS", "to_networkx", "neighbourhood", "to_plain", "export_graph"]

#: class -> kind; the first class of an entity in this order wins.
_CLASS_KIND = tuple((str(c), k) for c, k in (
    (SDO.Person, "Person"), (ORG.Organization, "Organization"), (SDO.Organization, "Organization"),
    (SDO.GovernmentOrganization, "Organization"), (SDO.Place, "Place"), (SDO.Country, "Place"),
    (SDO.AdministrativeArea, "Place"), (SDO.City, "Place"), (SDO.Legislation, "Legislation")))
#: predicate between two entities -> (edge kind, label)
_RELATIONS = {str(p): v for p, v in (
    (ORG.subOrganizationOf, ("membership", "part of")),
    (SDO.parentOrganization, ("membership", "part of")),
    (ORG.memberOf, ("membership", "member of")), (SDO.memberOf, ("membership", "member of")),
    (ORG.headOf, ("membership", "head of")), (SDO.worksFor, ("membership", "works for")),
    (SDO.containedInPlace, ("location", "in")), (SDO.location, ("location", "located in")))}
_TYPE, _NAME, _ALT, _SOURCE, _SELECTOR, _BODY, _TARGET, _DERIVED, _SENTENCE, _RULE, _CONF = map(
    str, (RDF.type, SDO.name, SDO.alternateName, OA.hasSource, OA.hasSelector, OA.hasBody,
          OA.hasTarget, PROV.wasDerivedFrom, KG.sentence, KG.rule, KG.confidence))
# No oa:end: it is oa:start + len(oa:exact) (the shapes and check_spans say so), and not
# reading it saves 8% of the quads a view reads.
_SELECTOR_KEYS = tuple((k, str(OA[k])) for k in ("exact", "prefix", "suffix", "start"))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a view's many small dicts are made.

    Reading a graph and building its page allocate a few hundred thousand dicts, lists and
    strings, none of them in a reference cycle; each burst of allocations would trigger a
    collection that walks everything made so far again (a quarter of ``to_networkx`` and a
    third of the page at 10,000 nodes). The collector runs as usual afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _values(quads: Iterable[ox.Quad]) -> Iterator[tuple[str, str]]:
    """Subject and object text of each quad ("" for a quoted triple, which has none)."""
    return ((getattr(q.subject, "value", ""), getattr(q.object, "value", "")) for q in quads)


class _Reader:
    """Reads a graph one predicate at a time into dicts of plain strings.

    One index scan per predicate beats a lookup per subject (7x on rdflib: its per-call cost
    dominates); all graphs of a Dataset or store are read together, as their union.
    """

    def __init__(self, graph: Dataset | Graph | ox.Store | Sequence[ox.Quad]) -> None:
        self.graph, self.spans = graph, {}  # type: tuple[Any, dict[str, dict[str, Any]]]
        self._index: dict[str, dict[str, list[str]]] = {}
        self._first: dict[str, dict[str, str]] = {}
        self._selectors: list[tuple[str, dict[str, str]]] = []
        self._by_predicate: dict[str, list[ox.Quad]] | None = None
        self._links: dict[str, dict[str, list[ox.Quad]]] = {}
        if isinstance(graph, Sequence):  # quads as kg build has them: no store to fill first
            self._by_predicate = defaultdict(list)
            for q in graph:
                self._by_predicate[q.predicate.value].append(q)

    def _pairs(self, p: str, o: str | None = None) -> Any:
        if self._by_predicate is not None:
            found = self._by_predicate.get(p, [])
            if o is not None:
                links = self._links.get(p)
                if links is None:  # the quads of ``p`` by IRI object, made on first use
                    links = self._links[p] = defaultdict(list)
                    for q in found:
                        if type(target := q.object) is ox.NamedNode:
                            links[target.value].append(q)
                found = links.get(o, [])
            return _values(found)
        if isinstance(self.graph, ox.Store):
            obj = None if o is None else ox.NamedNode(o)
            return _values(self.graph.quads_for_pattern(None, ox.NamedNode(p), obj, None))
        from rdflib import URIRef

        context = None if isinstance(self.graph, Dataset) else self.graph
        pattern = (None, URIRef(p), None if o is None else URIRef(o))
        return ((str(t[0]), str(t[2])) for t, _ in self.graph.store.triples(pattern, context))

    def instances(self, cls: str) -> set[str]:
        return {s for s, _ in self._pairs(_TYPE, cls)}

    def index(self, p: str) -> dict[str, list[str]]:
        """Subject -> every value of ``p`` (for the few predicates with several)."""
        if p not in self._index:
            found: dict[str, list[str]] = defaultdict(list)
            for s, o in self._pairs(p):
                found[s].append(o)
            self._index[p] = found
        return self._index[p]

    def first(self, p: str) -> dict[str, str]:
        """Subject -> the smallest value of ``p``: deterministic when there are several."""
        if p not in self._first:
            found: dict[str, str] = {}
            for s, o in self._pairs(p):
                if s not in found or o < found[s]:
                    found[s] = o
            self._first[p] = found
        return self._first[p]

    def one(self, p: str, s: str | None) -> str | None:
        return None if s is None else self.first(p).get(s)

    def span(self, iri: str | None) -> dict[str, Any]:
        if iri is None:
            return {}
        found = self.spans.get(iri)
        if found is None:
            if not self._selectors:  # the per-span lookups are the hot loop: bind them once
                self._selectors = [(key, self.first(p)) for key, p in _SELECTOR_KEYS]
            found = {"article": self.first(_SOURCE).get(iri)}
            for sel in self.index(_SELECTOR).get(iri, ()):
                for key, values in self._selectors:
                    value = values.get(sel)
                    if value is not None:
                        found[key] = int(value) if key == "start" else value
            if "start" in found and "exact" in found:
                found["end"] = found["start"] + len(found["exact"])
            self.spans[iri] = found
        return found

    def mention(self, iri: str | None) -> dict[str, Any] | None:
        span = self.span(iri)
        if "exact" not in span:
            return None
        pre = "\u2026" + span["prefix"] if span.get("prefix") else ""
        post = span["suffix"] + "\u2026" if span.get("suffix") else ""
        return {"article": span["article"], "offset": span.get("start", 0),
                "text": pre + span["exact"] + post, "start": len(pre),
                "end": len(pre) + len(span["exact"]), "rule": None, "confidence": None}

    def evidence(self, fact: str) -> dict[str, Any] | None:
        phrase = self.span(self.one(_DERIVED, fact))
        sentence = self.span(self.one(_SENTENCE, fact)) or phrase
        text = sentence.get("exact", phrase.get("exact"))
        if text is None:  # e.g. a CONSTRUCT view without the spans
            return None
        start, end = 0, len(text)
        if "start" in phrase and "start" in sentence:  # phrase offsets inside the sentence
            start = min(max(phrase["start"] - sentence["start"], 0), len(text))
            end = min(max(phrase["end"] - sentence["start"], start), len(text))
        return {"article": phrase.get("article") or sentence.get("article"), "text": text,
                "offset": sentence.get("start", 0), "start": start, "end": end,
                "rule": self.one(_RULE, fact), "confidence": _two_places(self.one(_CONF, fact))}


def _two_places(number: str | None) -> str | None:
    """A confidence as "0.90" whatever the store made of the decimal ("0.9" in pyoxigraph)."""
    try:
        return None if number is None else f"{float(number):.2f}"
    except ValueError:
        return number


def _web_link(url: str | None) -> str:
    """``url`` if it is an http(s) link, else "": a ``javascript:`` link is never clickable."""
    return url if url and url.lower().startswith(("http://", "https://")) else ""


def to_networkx(graph: Dataset | Graph | ox.Store | Sequence[ox.Quad]) -> nx.MultiDiGraph:
    """Return the entities and facts of ``graph`` (all its named graphs together) as networkx.

    Nodes are entity IRIs (attributes ``kind``, ``label``, ``aliases``, ``iri``, ``mentions``,
    ``support``, ``articles``, ``evidence``) and the helper nodes of the module docstring. Edges
    are keyed by fact IRI (attributes ``kind``: role, statement, action, membership or location;
    ``label``; ``evidence``, None when the graph has no sentence for it; ``quote`` for
    statements). An evidence dict holds ``text`` (the sentence, or a mention in context),
    ``start``/``end`` of the phrase in it, ``article``, ``rule`` and ``confidence``;
    ``nx_graph.graph["articles"]`` maps article IRIs to id, headline, date and url.

    Examples:
        >>> to_networkx(Dataset()).number_of_nodes()
        0
    """
    with collector_paused():
        return _read_networkx(graph)


def _read_networkx(graph: Dataset | Graph | ox.Store | Sequence[ox.Quad]) -> nx.MultiDiGraph:
    g = _Reader(graph)
    kind_of: dict[str, str] = {}
    for cls, kind in reversed(_CLASS_KIND):
        kind_of.update(dict.fromkeys(g.instances(cls), kind))
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str, dict[str, Any]]] = []

    def entity(iri: str) -> str:
        if iri not in nodes:
            label = g.one(_NAME, iri) or iri.rstrip("/").rsplit("/", 1)[-1]
            nodes[iri] = {"kind": kind_of.get(iri, "Other"), "label": label, "iri": iri,
                          "mentions": 0, "evidence": [],
                          "aliases": sorted(set(g.index(_ALT).get(iri, ())) - {label})}
        return iri

    def helper(key: str, kind: str, label: str) -> str:
        nodes.setdefault(key, {"kind": kind, "label": label, "aliases": [], "mentions": 0,
                               "evidence": []})
        return key

    def fact_edge(source: str, target: str, fact: str, kind: str, label: str,
                  **extra: Any) -> None:
        edges.append((source, target, fact, {"kind": kind, "label": label,
                                             "evidence": g.evidence(fact), **extra}))

    for iri in sorted(kind_of):
        entity(iri)
    for note in sorted(g.instances(str(OA.Annotation))):
        body, ev = g.one(_BODY, note), g.mention(g.one(_TARGET, note))
        if body is not None and ev is not None:
            nodes[entity(body)]["mentions"] += 1
            nodes[body]["evidence"].append(ev)
    for fact in g.instances(str(ORG.Membership)):
        person, org = g.one(str(ORG.member), fact), g.one(str(ORG.organization), fact)
        title = g.one(str(KG.title), fact) or g.one(str(SKOS.prefLabel),
                                                   g.one(str(ORG.role), fact))
        if person is not None and title is not None:
            source = entity(person)
            target = entity(org) if org is not None else helper(
                f"{source}|post|{title}", "Post", title)
            fact_edge(source, target, fact, "role", title)
        elif person is not None and org is not None:
            fact_edge(entity(person), entity(org), fact, "membership", "member")
    for fact in g.instances(str(SDO.Quotation)):
        speaker = g.one(str(SDO.spokenByCharacter), fact)
        verb = g.one(str(KG.reportingVerb), fact) or "said"
        if speaker is not None:
            fact_edge(entity(speaker), helper(fact, "Statement", verb), fact, "statement", verb,
                      quote=g.one(str(SDO.text), fact))
    for fact in g.instances(str(KG.LegislativeAction)):
        law, actor, concept = (g.one(str(p), fact) for p in (SDO.object, SDO.agent,
                                                             KG.actionType))
        if law is not None:
            target = entity(law)
            source = entity(actor) if actor is not None else helper(
                f"{target}|unknown-actor", "Unknown actor", "unknown actor")
            label = "action" if concept is None else (
                g.one(str(SKOS.prefLabel), concept) or concept.rsplit("/", 1)[-1])
            fact_edge(source, target, fact, "action", label)
    for p, (kind, label) in _RELATIONS.items():
        for s, objects in g.index(p).items():
            for o in set(objects):
                if s in kind_of and o in kind_of:
                    edges.append((s, o, f"{s} {p} {o}", {"kind": kind, "label": label,
                                                        "evidence": None}))

    articles = {art: {"id": g.one(str(SDO.identifier), art) or art,
                      "headline": g.one(str(SDO.headline), art) or "",
                      "date": g.one(str(SDO.datePublished), art) or "",
                      "url": _web_link(g.one(str(SDO.url), art))}
                for art in sorted(g.instances(str(SDO.NewsArticle)))}
    nx_graph = nx.MultiDiGraph(articles=articles)
    for key in sorted(nodes):  # sorted: set and store order must not reach the page
        nodes[key]["evidence"].sort(key=lambda ev: (ev["article"] or "", ev["offset"]))
        nx_graph.add_node(key, **nodes[key])
    for source, target, key, data in sorted(edges, key=lambda e: e[:3]):
        nx_graph.add_edge(source, target, key=key, **data)
    for key, data in nx_graph.nodes(data=True):
        data["support"] = data["mentions"] + nx_graph.degree(key)
        found = {ev["article"] for ev in data["evidence"]}
        for *_, ev in nx_graph.edges(key, data="evidence"):
            found.add(ev and ev["article"])
        for *_, ev in nx_graph.in_edges(key, data="evidence"):
            found.add(ev and ev["article"])
        data["articles"] = sorted(found - {None})
    return nx_graph


def neighbourhood(nx_graph: nx.MultiDiGraph, focus: str, depth: int = 2) -> nx.MultiDiGraph:
    """The part of ``nx_graph`` within ``depth`` hops (either direction) of the entity ``focus``.

    ``focus`` is a name or alias as written (any case) or an entity IRI; all entities that
    carry it are kept, with their neighbourhoods.

    Raises:
        QueryError: no entity has that name.
    """
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    wanted = focus.strip().casefold()
    seeds = sorted(n for n, d in nx_graph.nodes(data=True) if "iri" in d and (
        wanted in {d["label"].casefold(), *(a.casefold() for a in d["aliases"])}
        or focus.strip() == d["iri"]))
    if not seeds:
        raise QueryError(f"no entity is named {focus!r} in this graph; give a name or alias as "
                         "written (any case), e.g. one listed by `kg query DIR --named entities`")
    keep: set[str] = set()
    for hops, layer in enumerate(nx.bfs_layers(nx_graph.to_undirected(as_view=True), seeds)):
        if hops > depth:
            break
        keep.update(layer)
    return nx_graph.subgraph(keep).copy()




#: --format -> (networkx writer name, file suffix)
EXPORT_FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json"}


def _plain(value: Any) -> str | int | float | None:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple | set):
        return "; ".join(map(str, value)) if value else None
    return str(value)


def to_plain(nx_graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of a ``to_networkx`` graph whose attributes are plain strings and numbers.

    GraphML and GEXF hold nothing else. Lists become "; "-joined text (``aliases``,
    ``articles``: article ids), the evidence of an edge becomes ``sentence``, ``phrase``,
    ``article``, ``rule`` and ``confidence`` (a float), a node's mentions in context are left
    out (``mentions`` counts them), and missing values are left out rather than written empty.

    Examples:
        >>> plain = to_plain(to_networkx(Dataset()))
        >>> plain.number_of_nodes(), plain.graph
        (0, {'name': 'newskg'})
    """
    articles = nx_graph.graph.get("articles", {})
    out = nx.MultiDiGraph(name="newskg")
    for node, data in nx_graph.nodes(data=True):
        attrs = {k: _plain(v) for k, v in data.items() if k not in ("evidence", "articles")}
        attrs["articles"] = _plain([articles.get(a, {}).get("id", a) for a in data["articles"]])
        out.add_node(node, **{k: v for k, v in attrs.items() if v is not None})
    for u, v, key, data in nx_graph.edges(keys=True, data=True):
        attrs = {"kind": data["kind"], "label": data["label"], "quote": data.get("quote")}
        ev = data["evidence"]
        if ev:
            conf = ev["confidence"]
            attrs.update(sentence=ev["text"], phrase=ev["text"][ev["start"]:ev["end"]],
                         article=articles.get(ev["article"], {}).get("id", ev["article"]),
                         rule=ev["rule"], confidence=None if conf is None else float(conf))
        out.add_edge(u, v, key=key, id=key, **{k: v for k, v in attrs.items() if v is not None})
    return out


def export_graph(graph: Dataset | Graph | ox.Store, path: str | Path, *,
                 format: str = "graphml", focus: str | None = None, depth: int = 2) -> Path:
    """Write the networkx view of ``graph`` as GraphML, GEXF or node-link JSON; return the path.

    Nodes are entity IRIs (and the view's helper nodes), edges are facts keyed by their IRI;
    attributes as in ``to_plain``. JSON is networkx's node-link format (``nodes``, ``edges``)
    and also lists the articles under ``graph.articles``.

    Raises:
        QueryError: ``focus`` names no entity of the graph.
        StoreError: the file cannot be written.
    """
    from kg.graph import write_text  # the one place files are written atomically

    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    nx_graph = to_networkx(graph)
    if focus is not None:
        nx_graph = neighbourhood(nx_graph, focus, depth)
    plain = to_plain(nx_graph)
    if format == "json":
        doc = nx.node_link_data(plain, edges="edges")
        doc["graph"]["articles"] = list(nx_graph.graph.get("articles", {}).values())
        text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    else:
        writer = nx.generate_graphml if format == "graphml" else nx.generate_gexf
        text = "\n".join(writer(plain)) + "\n"
    return write_text(Path(path), text, format.upper() if format != "json" else "JSON file")
