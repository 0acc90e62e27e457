"""Render a graph as one self-contained, offline HTML page (vis-network, data kept by pyvis).

What is drawn, and why:

- **Nodes** are the entities: people (blue dots), organisations (orange squares), places (green
  triangles), laws (red diamonds), sized by how many mentions and facts support them, plus the
  three small helper kinds below. A legend lists the kinds with their counts.
- **Role** (``org:Membership``): an edge person → organisation labelled with the title as
  written. A role without an organisation goes to a small **Post** box labelled with the title,
  one per person and title, so unrelated "chairman"s are never joined through a shared node.
- **Statement** (``schema:Quotation``): a small **Statement** node per quotation, labelled with
  the reporting verb and joined to the speaker; its panel shows the quote and the sentence.
- **Legislative action**: an edge actor → law labelled with the action type; with no actor the
  edge starts at an **unknown actor** dot that belongs to that law alone.
- On the page, parallel edges with the same label (one role reported by several articles) are
  drawn once, thicker, and list every sentence; ``to_networkx`` keeps one edge per fact.

Hovering over or clicking a node or an edge shows its provenance in a side panel: sentences with
the phrase highlighted, the article headline (a link), id and date, the rule and the confidence.

Offline and safe: pyvis' template links Bootstrap from a CDN, inserts ``heading`` unescaped and
turns titles containing "href" into ``innerHTML`` popups, so the data goes into a pyvis
``Network``'s ``nodes``/``edges`` lists (not ``from_nx``: quadratic) but the page is our own:
vis-network's JS and CSS inlined from the pyvis package, everything from articles in one JSON
blob with ``<``, ``>``, ``&`` as ``\\u003c``-style escapes, a short script that builds the panel
with ``textContent`` only, no vis tooltips, and a Content-Security-Policy that runs only the
page's two scripts (by hash) and allows no network request. Same graph, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import networkx as nx
from pyvis.network import Network
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.vocab import KG, OA, ORG, PROV, RDF, SDO, SKOS

__all__ = ["to_networkx", "render_html", "to_html"]

#: kind -> (vis shape, colour, legend glyph), in legend order.
KINDS: dict[str, tuple[str, str, str]] = {
    "Person": ("dot", "#4e79a7", "\u25cf"), "Organization": ("square", "#f28e2b", "\u25a0"),
    "Place": ("triangle", "#59a14f", "\u25b2"), "Legislation": ("diamond", "#e15759", "\u25c6"),
    "Other": ("dot", "#9c755f", "\u25cf"), "Post": ("box", "#d9c8e6", "\u25ad"),
    "Statement": ("ellipse", "#f6e7a1", "\u2b2d"), "Unknown actor": ("dot", "#bab0ac", "\u25cf"),
}
_HELPERS = ("Post", "Statement", "Unknown actor")
_CLASS_KIND = ((SDO.Person, "Person"), (ORG.Organization, "Organization"),
               (SDO.Organization, "Organization"), (SDO.Place, "Place"),
               (SDO.Legislation, "Legislation"))
#: edge kind -> (legend name, colour)
EDGE_KINDS = {"role": ("role", "#8c6bb1"), "statement": ("statement", "#c9a227"),
              "action": ("legislative action", "#e15759")}
#: Above this many nodes positions are computed in Python and physics is off.
LAYOUT_THRESHOLD = 500
_SEED = 7
_MAX_EVIDENCE = 20  # items per panel; the rest is counted
# kg.vocab types its terms as ``object``; they are URIRefs.
_TITLE, _VERB, _RULE, _CONFIDENCE, _SENTENCE, _ACTION, _ACTION_TYPE = (
    URIRef(str(term)) for term in (KG.title, KG.reportingVerb, KG.rule, KG.confidence,
                                   KG.sentence, KG.LegislativeAction, KG.actionType))


class _Reader:
    """Reads all graphs of a Dataset at once, straight from the store: a union copy is slow
    (4 s for 65k triples) and rdflib's union views warn about their own deprecated parts."""

    def __init__(self, graph: Dataset | Graph) -> None:
        self.store, self.context = graph.store, None if isinstance(graph, Dataset) else graph
        self.spans: dict[Node, dict[str, Any]] = {}

    def objects(self, s: Node | None, p: Node) -> Iterator[Node]:
        return (t[2] for t, _ in self.store.triples((s, p, None), context=self.context))

    def subjects(self, p: Node, o: Node) -> Iterator[Node]:
        return (t[0] for t, _ in self.store.triples((None, p, o), context=self.context))

    def value(self, s: Node, p: Node) -> Node | None:
        return next(self.objects(s, p), None)

    def one(self, s: Node | None, p: Node) -> str | None:
        """The smallest value of ``s p ?o`` as text: deterministic when there are several."""
        return None if s is None else min((str(o) for o in self.objects(s, p)), default=None)

    def span(self, iri: Node | None) -> dict[str, Any]:
        if iri is not None and iri not in self.spans:
            info: dict[str, Any] = {"article": self.one(iri, OA.hasSource)}
            for sel in self.objects(iri, OA.hasSelector):
                for key in ("exact", "prefix", "suffix", "start", "end"):
                    value = self.one(sel, OA[key])
                    if value is not None:
                        info[key] = int(value) if key in ("start", "end") else value
            self.spans[iri] = info
        return self.spans.get(iri, {}) if iri is not None else {}

    def mention(self, iri: Node | None) -> dict[str, Any] | None:
        span = self.span(iri)
        if "exact" not in span:
            return None
        pre = "\u2026" + span["prefix"] if span.get("prefix") else ""
        post = span["suffix"] + "\u2026" if span.get("suffix") else ""
        return {"article": span["article"], "offset": span.get("start", 0),
                "text": pre + span["exact"] + post, "start": len(pre),
                "end": len(pre) + len(span["exact"]), "rule": None, "confidence": None}

    def evidence(self, fact: Node) -> dict[str, Any]:
        phrase = self.span(self.value(fact, PROV.wasDerivedFrom))
        sentence = self.span(self.value(fact, _SENTENCE)) or phrase
        text = sentence.get("exact", phrase.get("exact", ""))
        start, end = 0, len(text)
        if "start" in phrase and "start" in sentence:  # phrase offsets inside the sentence
            start = min(max(phrase["start"] - sentence["start"], 0), len(text))
            end = min(max(phrase["end"] - sentence["start"], start), len(text))
        return {"article": phrase.get("article") or sentence.get("article"), "text": text,
                "offset": sentence.get("start", 0), "start": start, "end": end,
                "rule": self.one(fact, _RULE), "confidence": self.one(fact, _CONFIDENCE)}


def _web_link(url: str | None) -> str:
    """``url`` if it is an http(s) link, else "": a ``javascript:`` link is never clickable."""
    return url if url and url.lower().startswith(("http://", "https://")) else ""


def to_networkx(graph: Dataset | Graph) -> nx.MultiDiGraph:
    """Return the entities and facts of ``graph`` (all its named graphs together) as networkx.

    Nodes are entity IRIs (attributes ``kind``, ``label``, ``aliases``, ``iri``, ``mentions``,
    ``support``, ``evidence``) and the helper nodes of the module docstring. Edges are keyed by
    fact IRI (attributes ``kind``: role, statement or action; ``label``; ``evidence``; ``quote``
    for statements). An evidence dict holds ``text`` (the sentence, or a mention in context),
    ``start``/``end`` of the phrase in it, ``article``, ``rule`` and ``confidence``;
    ``nx_graph.graph["articles"]`` maps article IRIs to id, headline, date and url.

    Examples:
        >>> to_networkx(Dataset()).number_of_nodes()
        0
    """
    g = _Reader(graph)
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str, dict[str, Any]]] = []

    def entity(iri: Node) -> str:
        key = str(iri)
        if key not in nodes:
            types = set(g.objects(iri, RDF.type))
            label = g.one(iri, SDO.name) or key.rstrip("/").rsplit("/", 1)[-1]
            nodes[key] = {"kind": next((k for c, k in _CLASS_KIND if c in types), "Other"),
                          "label": label, "iri": key, "mentions": 0, "evidence": [],
                          "aliases": sorted({str(a) for a in g.objects(iri, SDO.alternateName)}
                                            - {label})}
        return key

    def helper(key: str, kind: str, label: str) -> str:
        nodes.setdefault(key, {"kind": kind, "label": label, "aliases": [], "mentions": 0,
                               "evidence": []})
        return key

    for cls, _ in _CLASS_KIND:
        for iri in g.subjects(RDF.type, cls):
            entity(iri)
    for note in g.subjects(RDF.type, OA.Annotation):
        body, ev = g.value(note, OA.hasBody), g.mention(g.value(note, OA.hasTarget))
        if body is not None and ev is not None:
            nodes[entity(body)]["mentions"] += 1
            nodes[entity(body)]["evidence"].append(ev)
    for fact in g.subjects(RDF.type, ORG.Membership):
        person, org = g.value(fact, ORG.member), g.value(fact, ORG.organization)
        title = g.one(fact, _TITLE) or g.one(g.value(fact, ORG.role), SKOS.prefLabel)
        if person is not None and title is not None:
            source = entity(person)
            target = entity(org) if org is not None else helper(
                f"{source}|post|{title}", "Post", title)
            edges.append((source, target, str(fact),
                          {"kind": "role", "label": title, "evidence": g.evidence(fact)}))
    for fact in g.subjects(RDF.type, SDO.Quotation):
        speaker, verb = g.value(fact, SDO.spokenByCharacter), g.one(fact, _VERB) or "said"
        if speaker is not None:
            edges.append((entity(speaker), helper(str(fact), "Statement", verb), str(fact),
                          {"kind": "statement", "label": verb, "evidence": g.evidence(fact),
                           "quote": g.one(fact, SDO.text)}))
    for fact in g.subjects(RDF.type, _ACTION):
        law, actor, concept = (g.value(fact, p) for p in (SDO.object, SDO.agent, _ACTION_TYPE))
        if law is not None:
            target = entity(law)
            source = entity(actor) if actor is not None else helper(
                f"{target}|unknown-actor", "Unknown actor", "unknown actor")
            label = "action" if concept is None else (
                g.one(concept, SKOS.prefLabel) or str(concept).rsplit("/", 1)[-1])
            edges.append((source, target, str(fact),
                          {"kind": "action", "label": label, "evidence": g.evidence(fact)}))

    articles = {str(art): {"id": g.one(art, SDO.identifier) or str(art),
                           "headline": g.one(art, SDO.headline) or "",
                           "date": g.one(art, SDO.datePublished) or "",
                           "url": _web_link(g.one(art, SDO.url))}
                for art in sorted(g.subjects(RDF.type, SDO.NewsArticle), key=str)}
    nx_graph = nx.MultiDiGraph(articles=articles)
    for key in sorted(nodes):  # sorted: set and store order must not reach the page
        nodes[key]["evidence"].sort(key=lambda ev: (ev["article"] or "", ev["offset"]))
        nx_graph.add_node(key, **nodes[key])
    for source, target, key, data in sorted(edges, key=lambda e: e[:3]):
        nx_graph.add_edge(source, target, key=key, **data)
    for key, data in nx_graph.nodes(data=True):
        data["support"] = data["mentions"] + nx_graph.degree(key)
    return nx_graph


def _select(nx_graph: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """The neighbourhood (``depth`` hops, either direction) of the entity named ``focus``."""
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    wanted = focus.strip().casefold()
    seeds = sorted(n for n, d in nx_graph.nodes(data=True) if "iri" in d and wanted in
                   {d["label"].casefold(), *(a.casefold() for a in d["aliases"])})
    if not seeds:
        raise QueryError(f"no entity is named {focus!r} in this graph; give a name or alias as "
                         "written (any case), e.g. one listed by `kg query DIR --named entities`")
    keep: set[str] = set()
    for hops, layer in enumerate(nx.bfs_layers(nx_graph.to_undirected(as_view=True), seeds)):
        if hops > depth:
            break
        keep.update(layer)
    sub = nx.MultiDiGraph(**nx_graph.graph)
    sub.add_nodes_from((n, d) for n, d in nx_graph.nodes(data=True) if n in keep)
    sub.add_edges_from((u, v, k, d) for u, v, k, d in nx_graph.edges(keys=True, data=True)
                       if u in keep and v in keep)
    return sub


def _component_layout(simple: nx.Graph, comp: list[str]) -> tuple[float, dict[str, Any]]:
    """Radius and positions (pixels around 0,0) of one connected component."""
    sub = nx.Graph()
    sub.add_nodes_from(comp)  # built in sorted order: set order must not reach the layout
    sub.add_edges_from((u, v) for u in comp for v in sorted(simple[u]))
    n = len(comp)
    if n <= 3:  # cheaper than spring_layout, and most components of a news graph are tiny
        r = 40.0 * (n - 1)
        return r + 30, {node: (r * math.cos(2 * math.pi * i / n), r * math.sin(2 * math.pi * i / n))
                        for i, node in enumerate(comp)}
    if n < LAYOUT_THRESHOLD:  # from 500 nodes on spring_layout needs scipy, not a dependency
        r = 30 + 45 * math.sqrt(n)
        raw = nx.spring_layout(sub, seed=_SEED)
        return r, {node: (x * r, y * r) for node, (x, y) in raw.items()}
    # A giant component: rings of BFS layers around its best-connected node, each node placed
    # near its parent's angle. O(n) and legible enough for a view that should be focused anyway.
    root = min(comp, key=lambda node: (-sub.degree(node), node))
    angle, pos, ring = {root: 0.0}, {root: (0.0, 0.0)}, 0.0
    for layer in list(nx.bfs_layers(sub, [root]))[1:]:
        parent = {node: min(angle[p] for p in sub[node] if p in angle) for node in layer}
        ring = max(ring + 150, 22 * len(layer) / (2 * math.pi))
        for i, node in enumerate(sorted(layer, key=lambda node: (parent[node], node))):
            angle[node] = 2 * math.pi * i / len(layer)
            pos[node] = (ring * math.cos(angle[node]), ring * math.sin(angle[node]))
    return ring + 60, pos


def _layout(nx_graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Deterministic positions: each component laid out alone, then packed in rows."""
    simple = nx.Graph()
    simple.add_nodes_from(nx_graph)
    simple.add_edges_from((u, v) for u, v in nx_graph.edges() if u != v)
    comps = sorted((sorted(c) for c in nx.connected_components(simple)),
                   key=lambda c: (-len(c), c[0]))
    placed = [_component_layout(simple, comp) for comp in comps]
    width = max(2 * placed[0][0], math.sqrt(sum((2 * r) ** 2 for r, _ in placed)) * 1.3)
    x = y = row = 0.0
    positions = {}
    for r, pos in placed:
        if x and x + 2 * r > width:
            x, y, row = 0.0, y + row, 0.0
        positions.update({node: (round(x + r + px), round(y + r + py))
                          for node, (px, py) in pos.items()})
        x, row = x + 2 * r, max(row, 2 * r)
    return positions


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _panel_evidence(ev: dict[str, Any], what: str | None) -> dict[str, Any]:
    text, start, end = ev["text"], ev["start"], ev["end"]  # split here: JS counts UTF-16 units
    return {"article": ev["article"], "what": what, "pre": text[:start], "hit": text[start:end],
            "post": text[end:], "rule": ev["rule"], "confidence": ev["confidence"]}


def _caption(nx_graph: nx.MultiDiGraph, u: str, v: str, data: dict[str, Any]) -> str:
    src, dst, label = nx_graph.nodes[u]["label"], nx_graph.nodes[v]["label"], data["label"]
    if data["kind"] == "statement":
        return f"{src} {label}" + (f": \u201c{data['quote']}\u201d" if data["quote"] else "")
    if nx_graph.nodes[v]["kind"] == "Post":
        return f"{src} \u2014 {label}"
    return f"{src} \u2014 {label} \u2192 {dst}"


def _network(nx_graph: nx.MultiDiGraph) -> tuple[Network, dict[str, Any]]:
    """A pyvis Network with its lists filled directly, and the side panel's data."""
    net = Network(directed=True, cdn_resources="in_line")
    big = nx_graph.number_of_nodes() > LAYOUT_THRESHOLD
    positions = _layout(nx_graph) if big else {}
    ids = {node: i for i, node in enumerate(nx_graph)}
    info: dict[str, Any] = {"articles": nx_graph.graph.get("articles", {}), "nodes": [],
                            "edges": []}
    for node, data in nx_graph.nodes(data=True):
        shape, colour, _ = KINDS[data["kind"]]
        helper = data["kind"] in _HELPERS
        vis: dict[str, Any] = {
            "id": ids[node], "label": _short(data["label"]), "shape": shape, "color": colour,
            "font": {"size": 11 if helper else 14},
            "size": 7 if helper else round(min(10 + 4 * math.sqrt(data["support"]), 45), 1)}
        if node in positions:
            vis["x"], vis["y"] = positions[node]
        net.nodes.append(vis)
        incident = [*nx_graph.in_edges(node, data=True), *nx_graph.out_edges(node, data=True)]
        evidence = [_panel_evidence(d["evidence"], _caption(nx_graph, u, v, d))
                    for u, v, d in incident]
        evidence += [_panel_evidence(ev, "mention") for ev in data["evidence"]]
        facts = nx_graph.degree(node)
        lines = [f"also written: {', '.join(data['aliases'])}"] if data["aliases"] else []
        lines += [data["iri"]] if "iri" in data else []
        lines.append(f"{facts} fact{'s' * (facts != 1)}" if helper else
                     f"{data['mentions']} mentions, {facts} facts")
        info["nodes"].append({"label": data["label"], "kind": data["kind"], "lines": lines,
                              "evidence": evidence[:_MAX_EVIDENCE],
                              "more": max(len(evidence) - _MAX_EVIDENCE, 0)})
    merged: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, data in nx_graph.edges(data=True):
        merged[(u, v, data["label"])].append(data)
    parallel: Counter[frozenset[str]] = Counter()
    for (u, v, label), facts_ in merged.items():
        kind, count = facts_[0]["kind"], len(facts_)
        vis = {"id": len(net.edges), "from": ids[u], "to": ids[v], "color": EDGE_KINDS[kind][1],
               "width": round(1 + math.log2(count), 2),
               "label": "" if nx_graph.nodes[v]["kind"] in ("Post", "Statement") else
               _short(label if count == 1 else f"{label} \u00d7{count}", 30)}
        if parallel[frozenset((u, v))]:  # bend parallel edges apart instead of overlaying them
            vis["smooth"] = {"enabled": True, "type": "curvedCW",
                             "roundness": 0.2 * parallel[frozenset((u, v))]}
        parallel[frozenset((u, v))] += 1
        net.edges.append(vis)
        caption = _caption(nx_graph, u, v, facts_[0]) + (f" ({count} facts)" if count > 1 else "")
        info["edges"].append({
            "label": label, "kind": EDGE_KINDS[kind][0], "lines": [caption],
            "evidence": [_panel_evidence(f["evidence"], f.get("quote"))
                         for f in facts_[:_MAX_EVIDENCE]],
            "more": max(count - _MAX_EVIDENCE, 0)})
    options = json.loads(net.options.to_json())
    options["interaction"].update(hover=True, tooltipDelay=300)
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"inherit": False},
                        "smooth": {"enabled": True, "type": "continuous"},
                        "font": {"size": 10, "align": "middle", "strokeWidth": 3}}
    options["nodes"] = {"borderWidth": 1, "widthConstraint": {"maximum": 180}}
    options["layout"] = {"randomSeed": _SEED, "improvedLayout": len(net.nodes) <= 150}
    options["physics"] = {"enabled": False} if big else {
        "enabled": True, "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 120,
                             "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 400, "fit": True}}
    net.options = options
    return net, info


_PAGE_JS = r"""(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = data.info, panel = document.getElementById("kg-panel"), pinned = false;
  var network = new vis.Network(document.getElementById("kg-net"),
    {nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}, data.options);
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: {enabled: false}});
  });
  function el(tag, text, cls) {  // text only ever goes through textContent
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function evidence(ev) {
    var box = el("div", null, "ev"), art = info.articles[ev.article] || {};
    if (ev.what) { add(box, el("div", ev.what, "what")); }
    var p = add(box, el("p", null, "sent"));
    add(p, document.createTextNode(ev.pre)); add(p, el("mark", ev.hit));
    add(p, document.createTextNode(ev.post));
    var meta = add(box, el("div", null, "meta")), name = art.headline || art.id || ev.article;
    if (art.url && /^https?:\/\//i.test(art.url)) {
      var a = add(meta, el("a", name));
      a.href = art.url; a.target = "_blank"; a.rel = "noopener noreferrer";
    } else { add(meta, el("span", name)); }
    add(meta, el("div", [art.id, art.date, ev.rule && "rule " + ev.rule,
      ev.confidence && "confidence " + ev.confidence].filter(Boolean).join(" \u00b7 ")));
    return box;
  }
  function show(item) {
    panel.replaceChildren(el("h2", item.label), el("div", item.kind, "kind"));
    item.lines.forEach(function (line) { add(panel, el("div", line, "line")); });
    item.evidence.forEach(function (ev) { add(panel, evidence(ev)); });
    if (item.more) { add(panel, el("div", "and " + item.more + " more", "meta")); }
  }
  function intro() {
    panel.replaceChildren(el("p", "Hover over or click a node or an edge to see the " +
      "sentences it comes from; click the background to unpin.", "meta"));
  }
  network.on("hoverNode", function (p) { if (!pinned) { show(info.nodes[p.node]); } });
  network.on("hoverEdge", function (p) { if (!pinned) { show(info.edges[p.edge]); } });
  network.on("click", function (p) {
    pinned = p.nodes.length > 0 || p.edges.length > 0;
    if (p.nodes.length) { show(info.nodes[p.nodes[0]]); }
    else if (p.edges.length) { show(info.edges[p.edges[0]]); } else { intro(); }
  });
  intro();
})();"""

_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<title>$title</title>
<style>$vis_css</style>
<style>
html,body{margin:0;height:100%;font:14px/1.4 system-ui,sans-serif;color:#222}
body{display:flex;flex-direction:column} main{flex:1;display:flex;min-height:0}
header{padding:6px 12px;border-bottom:1px solid #ddd} header h1{font-size:18px;margin:0}
.legend span{margin-right:14px;white-space:nowrap} #kg-net{flex:1;min-width:0}
#kg-panel{width:400px;overflow:auto;padding:8px 12px;border-left:1px solid #ddd;background:#fafafa}
#kg-panel h2{font-size:16px;margin:4px 0} mark{background:#ffe066} .what{font-weight:600}
.ev{margin:8px 0;padding:6px 8px;background:#fff;border:1px solid #e4e4e4;border-radius:4px}
.meta,.kind,.line{color:#666;font-size:12px} #kg-panel *{overflow-wrap:anywhere} .sent{margin:4px 0}
</style>
</head>
<body>
<header><h1>$title</h1><div class="meta">$summary</div>
<div class="legend" id="kg-legend">$legend</div></header>
<main><div id="kg-net"></div><aside id="kg-panel"></aside></main>
<script type="application/json" id="kg-data">$data</script>
<script>$vis_js</script>
<script>$page_js</script>
</body>
</html>
""")


@cache
def _vis_asset(name: str) -> str:
    """vis-network 9.1.2 as shipped inside pyvis (read in text mode: CRLF becomes LF)."""
    return (resources.files("pyvis") / "templates/lib/vis-9.1.2" / name).read_text("utf-8")


def _script_json(value: object) -> str:
    """JSON that cannot close its <script> element: <, > and & become \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def to_html(graph: Dataset | Graph, *, title: str | None = None, focus: str | None = None,
            depth: int = 2) -> str:
    """Return the page for ``graph`` as a string, e.g. for a notebook.

    In Jupyter show it in an iframe, ``HTML(f'<iframe srcdoc="{html.escape(page)}" width="100%"
    height="700"></iframe>')``: inserted straight into the notebook its styles would leak.

    Args:
        graph: a Dataset (all named graphs are drawn together) or a Graph.
        title: the page heading; defaults to "newskg" and the focus.
        focus: keep only the entity with this name or alias (any case) and its neighbourhood.
        depth: how many hops around ``focus`` to keep.

    Raises:
        QueryError: ``focus`` names no entity of the graph.
    """
    nx_graph = to_networkx(graph)
    if focus is not None:
        nx_graph = _select(nx_graph, focus, depth)
    net, info = _network(nx_graph)
    nodes, edges, _, _, _, options = net.get_network_data()
    counts = Counter(d["kind"] for _, d in nx_graph.nodes(data=True))
    legend = [f'<span><b style="color:{colour}">{glyph}</b> {kind} ({counts[kind]})</span>'
              for kind, (_, colour, glyph) in KINDS.items()
              if kind not in ("Other", *_HELPERS) or counts[kind]]
    legend += [f'<span><b style="color:{colour}">\u2192</b> {name}</span>'
               for name, colour in EDGE_KINDS.values()]
    heading = title if title is not None else "newskg" + (f" \u2014 {focus}" if focus else "")
    summary = f"{len(nodes)} nodes \u00b7 {len(edges)} edges" + (
        f" \u00b7 {depth} hops around \u201c{focus}\u201d" if focus is not None else "")
    vis_js = _vis_asset("vis-network.min.js")
    csp = (f"default-src 'none'; script-src {_sha256(vis_js)} {_sha256(_PAGE_JS)}; "
           "style-src 'unsafe-inline'; img-src data:")
    return _PAGE.substitute(
        csp=csp, title=html.escape(heading), summary=html.escape(summary),
        legend="\n".join(legend), vis_css=_vis_asset("vis-network.css"), vis_js=vis_js,
        page_js=_PAGE_JS, data=_script_json({"nodes": nodes, "edges": edges, "info": info,
                                             "options": json.loads(options)}))


def render_html(graph: Dataset | Graph, path: str | Path, *, title: str | None = None,
                focus: str | None = None, depth: int = 2) -> Path:
    """Write the page for ``graph`` to ``path`` (one offline HTML file) and return the path.

    Args:
        graph: a Dataset (all named graphs are drawn together) or a Graph.
        path: where to write the page, e.g. ``out/graph.html``.
        title: the page heading; defaults to "newskg" and the focus.
        focus: keep only the entity with this name or alias (any case) and its neighbourhood.
        depth: how many hops around ``focus`` to keep.

    Raises:
        QueryError: ``focus`` names no entity of the graph.
        StoreError: the page cannot be written.
    """
    path = Path(path)
    page = to_html(graph, title=title, focus=focus, depth=depth)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(path)  # never leave half a page behind
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the page ({exc.strerror}); check that the "
                         "folder exists and is writable") from exc
    return path
