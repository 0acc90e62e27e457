"""Render a graph as one self-contained, offline HTML page (vis-network through pyvis).

What is drawn, and why:

- **Nodes** are the entities: people (blue dots), organisations (orange squares), places (green
  triangles) and laws (red diamonds), sized by how many mentions and facts support them, plus
  three small helper kinds described below. A legend lists the kinds.
- **Role** (``org:Membership``): an edge person → organisation labelled with the title as written.
  A role stated without an organisation goes to a small **Post** box labelled with the title, one
  per person and title, so unrelated "chairman"s are never joined through a shared node.
- **Statement** (``schema:Quotation``): a small **Statement** node per quotation, labelled with
  the reporting verb and joined to the speaker; its panel shows the quote and the sentence.
- **Legislative action**: an edge actor → law labelled with the action type; with no actor the
  edge starts at an **unknown actor** dot that belongs to that law alone.
- Parallel edges with the same label (the same role reported by several articles) are drawn
  once; their panel lists every supporting sentence. ``to_networkx`` keeps one edge per fact.

Hovering or clicking a node or an edge shows its provenance in a side panel: the sentence with
the phrase highlighted, the article headline (a link), id and date, the rule and the confidence.

Safety and offline use: pyvis' own template links Bootstrap from a CDN, inserts ``heading``
unescaped and turns titles containing "href" into ``innerHTML`` popups, so this module keeps the
data in ``net.nodes``/``net.edges`` but renders its own small page. vis-network's JS and CSS are
inlined from the pyvis package; every value that comes from articles travels in one JSON blob
(``<``, ``>``, ``&`` written as ``\\u003c``...) read by a short script that builds the panel with
``textContent`` only; a Content-Security-Policy allows only the page's own scripts (by hash) and
no network access. Output is deterministic: same graph, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections import Counter, defaultdict
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

#: kind -> (vis shape, colour, legend glyph); the order is the legend's.
KINDS: dict[str, tuple[str, str, str]] = {
    "Person": ("dot", "#4e79a7", "\u25cf"),
    "Organization": ("square", "#f28e2b", "\u25a0"),
    "Place": ("triangle", "#59a14f", "\u25b2"),
    "Legislation": ("diamond", "#e15759", "\u25c6"),
    "Other": ("dot", "#9c755f", "\u25cf"),
    "Post": ("box", "#d9c8e6", "\u25ad"),
    "Statement": ("ellipse", "#f6e7a1", "\u2b2d"),
    "Unknown actor": ("dot", "#bab0ac", "\u25cf"),
}
_ENTITY_KINDS = ("Person", "Organization", "Place", "Legislation")
_CLASS_KIND = ((SDO.Person, "Person"), (ORG.Organization, "Organization"),
               (SDO.Organization, "Organization"), (SDO.Place, "Place"),
               (SDO.Legislation, "Legislation"))
#: edge kind -> (legend name, colour)
EDGE_KINDS = {"role": ("role", "#8c6bb1"), "statement": ("statement", "#c9a227"),
              "action": ("legislative action", "#e15759")}
#: Above this many nodes positions are computed in Python and physics is off.
LAYOUT_THRESHOLD = 500
_SEED = 7
# kg.vocab types its terms as ``object``; they are URIRefs.
_TITLE, _VERB, _RULE, _CONFIDENCE, _SENTENCE, _ACTION, _ACTION_TYPE = (
    URIRef(str(term)) for term in (KG.title, KG.reportingVerb, KG.rule, KG.confidence,
                                   KG.sentence, KG.LegislativeAction, KG.actionType))
_MAX_EVIDENCE = 20  # items per panel; the rest is counted


def _union(graph: Dataset | Graph) -> Graph:
    if not isinstance(graph, Dataset):
        return graph
    union = Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _one(g: Graph, s: Node | None, p: Node) -> str | None:
    """The smallest value of ``s p ?o`` as text: deterministic when there are several."""
    if s is None:
        return None
    values = sorted(str(o) for o in g.objects(s, p))
    return values[0] if values else None


class _Reader:
    """Reads spans and evidence from the union graph, remembering spans already read."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.spans: dict[Node, dict[str, Any]] = {}

    def span(self, iri: Node | None) -> dict[str, Any] | None:
        if iri is None:
            return None
        if iri not in self.spans:
            info: dict[str, Any] = {"article": _one(self.g, iri, OA.hasSource)}
            for sel in self.g.objects(iri, OA.hasSelector):
                for key, prop in (("exact", OA.exact), ("prefix", OA.prefix),
                                  ("suffix", OA.suffix), ("start", OA.start), ("end", OA.end)):
                    value = _one(self.g, sel, prop)
                    if value is not None:
                        info[key] = int(value) if key in ("start", "end") else value
            self.spans[iri] = info
        return self.spans[iri]

    def mention(self, iri: Node | None) -> dict[str, Any] | None:
        span = self.span(iri)
        if span is None or "exact" not in span:
            return None
        pre, post = span.get("prefix", ""), span.get("suffix", "")
        return {"article": span["article"], "text": pre + span["exact"] + post,
                "start": len(pre), "end": len(pre) + len(span["exact"]),
                "rule": None, "confidence": None}

    def evidence(self, fact: Node) -> dict[str, Any]:
        phrase = self.span(self.g.value(fact, PROV.wasDerivedFrom)) or {}
        sentence = self.span(self.g.value(fact, _SENTENCE)) or phrase
        text = sentence.get("exact", phrase.get("exact", ""))
        start, end = 0, len(text)
        if "start" in phrase and "start" in sentence:  # phrase offsets inside the sentence
            start = min(max(phrase["start"] - sentence["start"], 0), len(text))
            end = min(max(phrase["end"] - sentence["start"], start), len(text))
        return {"article": phrase.get("article") or sentence.get("article"), "text": text,
                "start": start, "end": end, "rule": _one(self.g, fact, _RULE),
                "confidence": _one(self.g, fact, _CONFIDENCE)}


def _web_link(url: str | None) -> str:
    """``url`` if it is an http(s) link, else "": a ``javascript:`` link must never be clickable."""
    return url if url and url.lower().startswith(("http://", "https://")) else ""


def to_networkx(graph: Dataset | Graph) -> nx.MultiDiGraph:
    """Return the entities and facts of ``graph`` (all named graphs together) as networkx.

    Nodes are entity IRIs (attributes ``kind``, ``label``, ``aliases``, ``mentions``,
    ``support``, ``evidence``) plus the helper nodes described in the module docstring. Edges
    are keyed by the fact IRI (attributes ``kind``: role/statement/action, ``label``,
    ``evidence``, and ``quote`` for statements). ``nx_graph.graph["articles"]`` maps article
    IRIs to their id, headline, date and url. Nodes and edges are added in sorted order.

    Examples:
        >>> to_networkx(Dataset()).number_of_nodes()
        0
    """
    g = _union(graph)
    read = _Reader(g)
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str, dict[str, Any]]] = []

    def entity(iri: Node) -> str:
        key = str(iri)
        if key not in nodes:
            kind = next((k for cls, k in _CLASS_KIND if (iri, RDF.type, cls) in g), "Other")
            label = _one(g, iri, SDO.name) or key.rstrip("/").rsplit("/", 1)[-1]
            aliases = sorted({str(a) for a in g.objects(iri, SDO.alternateName)} - {label})
            nodes[key] = {"kind": kind, "label": label, "aliases": aliases, "iri": key,
                          "mentions": 0, "evidence": []}
        return key

    def helper(key: str, kind: str, label: str) -> str:
        nodes.setdefault(key, {"kind": kind, "label": label, "aliases": [], "mentions": 0,
                               "evidence": []})
        return key

    for cls, _ in _CLASS_KIND:
        for iri in g.subjects(RDF.type, cls):
            entity(iri)
    for note in sorted(g.subjects(RDF.type, OA.Annotation), key=str):
        body, ev = g.value(note, OA.hasBody), read.mention(g.value(note, OA.hasTarget))
        if body is not None and ev is not None:
            info = nodes[entity(body)]
            info["mentions"] += 1
            info["evidence"].append(ev)

    for fact in g.subjects(RDF.type, ORG.Membership):
        person, org = g.value(fact, ORG.member), g.value(fact, ORG.organization)
        title = _one(g, fact, _TITLE) or _one(g, g.value(fact, ORG.role), SKOS.prefLabel)
        if person is None or title is None:
            continue
        source = entity(person)
        target = entity(org) if org is not None else helper(f"{source}|post|{title}", "Post",
                                                            title)
        edges.append((source, target, str(fact),
                      {"kind": "role", "label": title, "evidence": read.evidence(fact)}))
    for fact in g.subjects(RDF.type, SDO.Quotation):
        speaker = g.value(fact, SDO.spokenByCharacter)
        if speaker is None:
            continue
        verb = _one(g, fact, _VERB) or "said"
        data = {"kind": "statement", "label": verb, "evidence": read.evidence(fact),
                "quote": _one(g, fact, SDO.text)}
        edges.append((entity(speaker), helper(str(fact), "Statement", verb), str(fact), data))
    for fact in g.subjects(RDF.type, _ACTION):
        law, actor, concept = (g.value(fact, p) for p in (SDO.object, SDO.agent, _ACTION_TYPE))
        if law is None:
            continue
        target = entity(law)
        source = entity(actor) if actor is not None else helper(
            f"{target}|unknown-actor", "Unknown actor", "unknown actor")
        label = "action" if concept is None else (
            _one(g, concept, SKOS.prefLabel) or str(concept).rsplit("/", 1)[-1])
        edges.append((source, target, str(fact),
                      {"kind": "action", "label": label, "evidence": read.evidence(fact)}))

    articles = {}
    for art in sorted(g.subjects(RDF.type, SDO.NewsArticle), key=str):
        articles[str(art)] = {"id": _one(g, art, SDO.identifier) or str(art),
                              "headline": _one(g, art, SDO.headline) or "",
                              "date": _one(g, art, SDO.datePublished) or "",
                              "url": _web_link(_one(g, art, SDO.url))}
    nx_graph = nx.MultiDiGraph(articles=articles)
    for key in sorted(nodes):
        nodes[key]["evidence"].sort(key=lambda ev: (ev["article"] or "", ev["text"], ev["start"]))
        nx_graph.add_node(key, **nodes[key])
    for source, target, key, data in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
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
        raise QueryError(f"no entity is named {focus!r} in this graph; give a name or alias "
                         "as written (case does not matter), e.g. from `kg query DIR --named "
                         "entities`")
    keep: set[str] = set()
    for layer_no, layer in enumerate(nx.bfs_layers(nx_graph.to_undirected(as_view=True), seeds)):
        if layer_no > depth:
            break
        keep.update(layer)
    sub = nx.MultiDiGraph(**nx_graph.graph)
    sub.add_nodes_from((n, nx_graph.nodes[n]) for n in nx_graph if n in keep)
    sub.add_edges_from((u, v, k, d) for u, v, k, d in nx_graph.edges(keys=True, data=True)
                       if u in keep and v in keep)
    return sub


def _component_layout(simple: nx.Graph, comp: list[str]) -> tuple[float, dict[str, Any]]:
    """Positions (pixels around 0,0) and radius of one connected component."""
    sub = nx.Graph()
    sub.add_nodes_from(comp)  # built in sorted order: set order must not leak into layout
    sub.add_edges_from((u, v) for u in comp for v in sorted(simple[u]))
    n = len(comp)
    if n <= 3:
        radius = 40.0 * (n - 1)
        return radius + 30, {node: (radius * math.cos(2 * math.pi * i / n),
                                    radius * math.sin(2 * math.pi * i / n))
                             for i, node in enumerate(comp)}
    if n < LAYOUT_THRESHOLD:  # spring_layout needs scipy (not a dependency) from 500 nodes on
        radius = 30 + 45 * math.sqrt(n)
        raw = nx.spring_layout(sub, seed=_SEED)
        return radius, {node: (x * radius, y * radius) for node, (x, y) in raw.items()}
    # Radial layout for a giant component: rings of BFS layers around the best-connected node,
    # each node near its parent's angle. O(n), readable enough for a view that should be focused.
    root = min(comp, key=lambda node: (-sub.degree(node), node))
    angle, pos, ring = {root: 0.0}, {root: (0.0, 0.0)}, 0.0
    for layer in list(nx.bfs_layers(sub, [root]))[1:]:
        parents = {node: min(angle[p] for p in sub[node] if p in angle) for node in layer}
        ordered = sorted(layer, key=lambda node: (parents[node], node))
        ring = max(ring + 150, 22 * len(ordered) / (2 * math.pi))
        for i, node in enumerate(ordered):
            angle[node] = 2 * math.pi * i / len(ordered)
            pos[node] = (ring * math.cos(angle[node]), ring * math.sin(angle[node]))
    return ring + 60, pos


def _layout(nx_graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Deterministic positions: each component laid out alone, then packed on shelves."""
    simple = nx.Graph()
    simple.add_nodes_from(nx_graph)
    simple.add_edges_from((u, v) for u, v in nx_graph.edges() if u != v)
    comps = sorted((sorted(c) for c in nx.connected_components(simple)),
                   key=lambda c: (-len(c), c[0]))
    placed = [_component_layout(simple, comp) for comp in comps]
    width = max(2 * placed[0][0], math.sqrt(sum((2 * r) ** 2 for r, _ in placed)) * 1.3)
    x = y = row = 0.0
    positions = {}
    for radius, pos in placed:
        if x and x + 2 * radius > width:
            x, y, row = 0.0, y + row, 0.0
        for node, (px, py) in pos.items():
            positions[node] = (round(x + radius + px), round(y + radius + py))
        x, row = x + 2 * radius, max(row, 2 * radius)
    return positions


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _panel_evidence(ev: dict[str, Any], what: str | None = None) -> dict[str, Any]:
    text, start, end = ev["text"], ev["start"], ev["end"]
    return {"article": ev["article"], "what": what, "pre": text[:start],
            "hit": text[start:end], "post": text[end:], "rule": ev["rule"],
            "confidence": ev["confidence"]}


def _caption(nx_graph: nx.MultiDiGraph, u: str, v: str, data: dict[str, Any]) -> str:
    src, dst = nx_graph.nodes[u]["label"], nx_graph.nodes[v]["label"]
    if data["kind"] == "statement":
        quote = data["quote"]
        return f"{src} {data['label']}" + (f": \u201c{quote}\u201d" if quote else "")
    if nx_graph.nodes[v]["kind"] == "Post":
        return f"{src} \u2014 {data['label']}"
    return f"{src} \u2014 {data['label']} \u2192 {dst}"


def _network(nx_graph: nx.MultiDiGraph) -> tuple[Network, dict[str, Any]]:
    """Fill a pyvis Network's lists directly (``from_nx`` is quadratic) and the panel data."""
    net = Network(directed=True, cdn_resources="in_line")
    big = nx_graph.number_of_nodes() > LAYOUT_THRESHOLD
    positions = _layout(nx_graph) if big else {}
    ids = {node: i for i, node in enumerate(nx_graph)}  # nodes are already sorted
    info: dict[str, Any] = {"articles": nx_graph.graph.get("articles", {}), "nodes": [],
                            "edges": []}
    for node, data in nx_graph.nodes(data=True):
        shape, colour, _ = KINDS[data["kind"]]
        helper = data["kind"] in ("Post", "Statement", "Unknown actor")
        vis: dict[str, Any] = {"id": ids[node], "label": _short(data["label"]), "shape": shape,
                               "color": colour, "font": {"size": 11 if helper else 14}}
        if not helper:
            vis["size"] = round(min(10 + 4 * math.sqrt(data["support"]), 45), 1)
        else:
            vis["size"] = 7
        if node in positions:
            vis["x"], vis["y"] = positions[node]
        net.nodes.append(vis)
        incident = [*nx_graph.in_edges(node, data=True), *nx_graph.out_edges(node, data=True)]
        evidence = [_panel_evidence(d["evidence"], _caption(nx_graph, u, v, d))
                    for u, v, d in incident]
        evidence += [_panel_evidence(ev, "mention") for ev in data["evidence"]]
        lines = [f"also written: {', '.join(data['aliases'])}"] if data["aliases"] else []
        lines += [data["iri"]] if "iri" in data else []
        lines.append(f"{data['mentions']} mentions, {nx_graph.degree(node)} facts")
        info["nodes"].append({"label": data["label"], "kind": data["kind"], "lines": lines,
                              "evidence": evidence[:_MAX_EVIDENCE],
                              "more": max(len(evidence) - _MAX_EVIDENCE, 0)})
    merged: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, data in nx_graph.edges(data=True):
        merged[(u, v, data["label"])].append(data)
    parallel: Counter[frozenset[str]] = Counter()
    for (u, v, label), facts in merged.items():
        kind = facts[0]["kind"]
        vis = {"id": len(net.edges), "from": ids[u], "to": ids[v], "color": EDGE_KINDS[kind][1],
               "label": "" if nx_graph.nodes[v]["kind"] in ("Post", "Statement") else
               _short(label if len(facts) == 1 else f"{label} \u00d7{len(facts)}", 30),
               "width": round(1 + math.log2(len(facts)), 2)}
        pair = frozenset((u, v))
        if parallel[pair]:  # bend parallel edges apart instead of drawing them on top
            vis["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * parallel[pair]}
        parallel[pair] += 1
        net.edges.append(vis)
        info["edges"].append({
            "label": label, "kind": EDGE_KINDS[kind][0],
            "lines": [_caption(nx_graph, u, v, facts[0])] if len(facts) == 1 else
            [f"{_caption(nx_graph, u, v, facts[0])} ({len(facts)} facts)"],
            "evidence": [_panel_evidence(f["evidence"], f.get("quote"))
                         for f in facts[:_MAX_EVIDENCE]],
            "more": max(len(facts) - _MAX_EVIDENCE, 0)})
    options = json.loads(net.options.to_json())
    options["interaction"].update(hover=True, tooltipDelay=300)
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"inherit": False}, "smooth": {"enabled": True,
                                                                "type": "continuous"},
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
  function el(tag, text, cls) {
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
    add(p, document.createTextNode(ev.pre));
    add(p, el("mark", ev.hit));
    add(p, document.createTextNode(ev.post));
    var meta = add(box, el("div", null, "meta")), name = art.headline || art.id || ev.article;
    if (art.url && /^https?:\/\//i.test(art.url)) {
      var a = add(meta, el("a", name));
      a.href = art.url; a.target = "_blank"; a.rel = "noopener noreferrer";
    } else { add(meta, el("span", name)); }
    var bits = [art.id, art.date, ev.rule && "rule " + ev.rule,
                ev.confidence && "confidence " + ev.confidence];
    add(meta, el("div", bits.filter(Boolean).join(" \u00b7 ")));
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
      "sentences it comes from. Click the background to unpin.", "meta"));
  }
  network.on("hoverNode", function (p) { if (!pinned) { show(info.nodes[p.node]); } });
  network.on("hoverEdge", function (p) { if (!pinned) { show(info.edges[p.edge]); } });
  network.on("click", function (p) {
    pinned = p.nodes.length > 0 || p.edges.length > 0;
    if (p.nodes.length) { show(info.nodes[p.nodes[0]]); }
    else if (p.edges.length) { show(info.edges[p.edges[0]]); }
    else { intro(); }
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
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { padding: 6px 12px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 18px; margin: 0 0 2px; }
.legend span { margin-right: 14px; white-space: nowrap; }
main { flex: 1; display: flex; min-height: 0; }
#kg-net { flex: 1; min-width: 0; }
#kg-panel { width: 400px; overflow: auto; padding: 8px 12px; border-left: 1px solid #ddd;
  background: #fafafa; }
#kg-panel h2 { font-size: 16px; margin: 4px 0; overflow-wrap: anywhere; }
.ev { margin: 8px 0; padding: 6px 8px; background: #fff; border: 1px solid #e4e4e4;
  border-radius: 4px; }
.what { font-weight: 600; } .sent { margin: 4px 0; } mark { background: #ffe066; }
.meta, .kind, .line { color: #666; font-size: 12px; overflow-wrap: anywhere; }
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
    return (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(
        encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON that cannot end its <script> element: <, > and & become \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def to_html(graph: Dataset | Graph, *, title: str | None = None, focus: str | None = None,
            depth: int = 2) -> str:
    """Return the page for ``graph`` as a string, e.g. for a notebook.

    In Jupyter show it in an iframe: ``IFrame``/``HTML(f'<iframe srcdoc="{html.escape(page)}"
    ...>')``; inserted straight into the notebook the page's styles and policy do not apply.

    Args:
        graph: a Dataset (all named graphs are drawn together) or a Graph from ``to_graph``.
        title: the page heading; defaults to "newskg" plus the focus.
        focus: keep only the entity with this name or alias (any case) and its neighbours.
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
    legend = [f'<span><b style="color:{colour}">{glyph}</b> {html.escape(kind)} '
              f"({counts[kind]})</span>" for kind, (_, colour, glyph) in KINDS.items()
              if kind in _ENTITY_KINDS or counts[kind]]
    legend += [f'<span><b style="color:{colour}">\u2192</b> {name}</span>'
               for name, colour in EDGE_KINDS.values()]
    heading = title if title is not None else "newskg" + (f" \u2014 {focus}" if focus else "")
    summary = f"{len(nodes)} nodes \u00b7 {len(edges)} edges"
    if focus is not None:
        summary += f" \u00b7 {depth} hops around \u201c{focus}\u201d"
    vis_js = _vis_asset("vis-network.min.js")
    csp = (f"default-src 'none'; script-src {_sha256(vis_js)} {_sha256(_PAGE_JS)}; "
           "style-src 'unsafe-inline'; img-src data:")
    return _PAGE.substitute(
        csp=csp, title=html.escape(heading), summary=html.escape(summary),
        legend="\n".join(legend), vis_css=_vis_asset("vis-network.css"), vis_js=vis_js,
        page_js=_PAGE_JS,
        data=_script_json({"nodes": nodes, "edges": edges, "options": json.loads(
            options) if isinstance(options, str) else options, "info": info}))


def render_html(graph: Dataset | Graph, path: str | Path, *, title: str | None = None,
                focus: str | None = None, depth: int = 2) -> Path:
    """Write the page for ``graph`` to ``path`` (one offline HTML file) and return the path.

    Args:
        graph: a Dataset (all named graphs are drawn together) or a Graph.
        path: where to write the page, e.g. ``out/graph.html``.
        title: the page heading; defaults to "newskg" plus the focus.
        focus: keep only the entity with this name or alias (any case) and its neighbours.
        depth: how many hops around ``focus`` to keep.

    Raises:
        QueryError: ``focus`` names no entity of the graph.
        StoreError: the file cannot be written.
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

