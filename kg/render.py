"""Render a graph as one self-contained, offline HTML page (vis-network), or as networkx.

What is drawn, and why:

- **Nodes** are the entities: people (blue dots), organisations (orange squares), places (green
  triangles), laws (red diamonds), sized by how many mentions and facts support them, plus the
  three small helper kinds below. A legend lists the kinds with their counts (check boxes that
  hide and show them).
- **Role** (``org:Membership`` with a title): an edge person → organisation labelled with the
  title as written. A role without an organisation goes to a small **Post** box labelled with the
  title, one per person and title, so unrelated "chairman"s are never joined through a shared node.
  A membership without a title is a **membership** edge.
- **Statement** (``schema:Quotation``): a small **Statement** node per quotation, labelled with
  the reporting verb and joined to the speaker; its panel shows the quote and the sentence.
- **Legislative action**: an edge actor → law labelled with the action type; with no actor the
  edge starts at an **unknown actor** dot that belongs to that law alone.
- **Membership** and **location** between entities stated directly (``org:subOrganizationOf``,
  ``schema:memberOf``, ``schema:containedInPlace``, ``schema:location``, ... see ``_RELATIONS``).
- On the page, parallel edges with the same label (one role reported by several articles) are
  drawn once, thicker, and list every sentence; ``to_networkx`` keeps one edge per fact.

Hovering over or clicking a node or an edge shows its provenance in a side panel: sentences with
the phrase highlighted, the article headline (a link), id and date, the rule and the confidence.
A search box finds entities, the legend's boxes and an article menu filter, and a double click
(or ``focus=``) keeps one entity's neighbourhood. ``show`` puts the page in a notebook cell.

Offline and safe (see DESIGN.md §5 for pyvis' traps): the page is our own (``kg/templates/``),
with vis-network's JS and CSS inlined from the pyvis package, everything from articles in one JSON
blob with ``<``, ``>``, ``&`` as ``\\u003c``-style escapes, a script that builds the panel with
``textContent`` only, no vis tooltips, and a Content-Security-Policy that runs only the page's two
scripts (by hash) and allows no network request. Same graph, same bytes.

Fast (``benchmarks/bench_render.py``): the graph is read by ``kg.export.to_networkx`` (a
pyoxigraph store about twice as fast as an rdflib Dataset), the vis lists are filled directly
(pyvis' ``from_nx`` is quadratic), and above ``LAYOUT_THRESHOLD`` nodes positions come from
Python (``_layout``, O(n)) with physics off.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.export import collector_paused, neighbourhood, to_networkx
from kg.graph import write_text

__all__ = ["to_networkx", "render_html", "to_html", "show", "View"]

#: kind -> (vis shape, colour, legend glyph), in legend order.
KINDS: dict[str, tuple[str, str, str]] = {
    "Person": ("dot", "#4e79a7", "\u25cf"), "Organization": ("square", "#f28e2b", "\u25a0"),
    "Place": ("triangle", "#59a14f", "\u25b2"), "Legislation": ("diamond", "#e15759", "\u25c6"),
    "Other": ("dot", "#9c755f", "\u25cf"), "Post": ("box", "#e4d8ef", "\u25ac"),
    "Statement": ("ellipse", "#f6e7a1", "\u25cf"), "Unknown actor": ("dot", "#bab0ac", "\u25cf"),
}
_HELPERS = ("Post", "Statement", "Unknown actor")
#: edge kind -> (legend name, colour); the first three are always in the legend.
EDGE_KINDS = {"role": ("role", "#8c6bb1"), "statement": ("statement", "#c9a227"),
              "action": ("legislative action", "#e15759"), "membership": ("membership", "#76b7b2"),
              "location": ("location", "#59a14f")}
#: Above this many nodes positions are computed in Python and physics is off.
LAYOUT_THRESHOLD = 500
_SEED = 7
_MAX_EVIDENCE = 20  # items per panel; the rest is counted
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: vis-network physics for pages up to LAYOUT_THRESHOLD nodes, and for a focused neighbourhood
#: on the page; switched off once the layout has settled.
_PHYSICS = {"enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 130,
                                 "avoidOverlap": 0.5},
            "stabilization": {"enabled": True, "iterations": 400, "fit": True}}


def _layers(nbrs: dict[str, list[str]], roots: list[str], keep: set[str] | None = None,
            ) -> list[list[str]]:
    """Breadth-first layers from ``roots`` (within ``keep``), in a deterministic order."""
    seen, layers = set(roots), [list(roots)]
    while True:
        layer = []
        for node in layers[-1]:
            for m in nbrs[node]:
                if m not in seen and (keep is None or m in keep):
                    seen.add(m)
                    layer.append(m)
        if not layer:
            return layers
        layers.append(layer)


def _component_layout(nbrs: dict[str, list[str]], comp: list[str],
                      ) -> tuple[float, dict[str, tuple[float, float]]]:
    """Radius and positions (pixels around 0,0) of one connected component.

    The core (nodes with two or more neighbours) goes on rings of breadth-first layers around
    its best-connected node, each ring slot as wide as the node's disc; every node with one
    neighbour goes into a sunflower disc around that neighbour. O(n), where networkx's
    spring_layout is O(n^2) a step, needs scipy from 500 nodes, and costs ~12 ms even for a
    component of five nodes.
    """
    n = len(comp)
    if n <= 3:
        r = 45.0 * (n - 1)
        return r + 40, {node: (r * math.cos(2 * math.pi * i / n), r * math.sin(2 * math.pi * i / n))
                        for i, node in enumerate(comp)}
    leaves: dict[str, list[str]] = defaultdict(list)
    for node in comp:
        if len(nbrs[node]) == 1:
            leaves[nbrs[node][0]].append(node)
    core = [node for node in comp if len(nbrs[node]) > 1]
    disc = {node: 22 * math.sqrt(len(leaves[node])) + 35 if node in leaves else 30.0
            for node in core}
    root = min(core, key=lambda node: (-len(nbrs[node]), node))
    angle, centre, ring, last = {root: 0.0}, {root: (0.0, 0.0)}, 0.0, disc[root]
    for layer in _layers(nbrs, [root], set(core))[1:]:
        parent = {node: min(angle[p] for p in nbrs[node] if p in angle) for node in layer}
        layer.sort(key=lambda node: (parent[node], node))
        width = max(disc[node] for node in layer)
        arcs = [2 * disc[node] + 20 for node in layer]
        ring = max(ring + last + width + 40, sum(arcs) / (2 * math.pi))
        stretch, at = 2 * math.pi * ring / sum(arcs), 0.0
        for node, arc in zip(layer, arcs, strict=True):
            angle[node] = (at + arc / 2) * stretch / ring
            centre[node] = (ring * math.cos(angle[node]), ring * math.sin(angle[node]))
            at += arc
        last = width
    pos = dict(centre)
    for hub, around in leaves.items():
        cx, cy = centre[hub]
        for i, node in enumerate(around):  # phyllotaxis: an even disc, however many
            r, a = 22 * math.sqrt(i + 1) + 18, i * 2.39996
            pos[node] = (cx + r * math.cos(a), cy + r * math.sin(a))
    return ring + last + 40, pos


def _layout(nx_graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Deterministic positions: each component laid out alone, then packed in rows."""
    found: dict[str, set[str]] = {node: set() for node in nx_graph}
    for u, v in nx_graph.edges():
        if u != v:
            found[u].add(v)
            found[v].add(u)
    nbrs = {node: sorted(others) for node, others in found.items()}  # no set order
    comps, seen = [], set()  # type: tuple[list[list[str]], set[str]]
    for node in sorted(nbrs):
        if node not in seen:
            comps.append(sorted(m for layer in _layers(nbrs, [node]) for m in layer))
            seen.update(comps[-1])
    comps.sort(key=lambda c: (-len(c), c[0]))
    placed = [_component_layout(nbrs, comp) for comp in comps]
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


def _utf16(text: str, index: int) -> int:
    """``index`` (code points) as JavaScript counts it (UTF-16 units: two above U+FFFF)."""
    return index + sum(char > "\uffff" for char in text[:index])


def _caption(nodes: dict[str, dict[str, Any]], u: str, v: str, data: dict[str, Any]) -> str:
    src, dst, label = nodes[u]["label"], nodes[v]["label"], data["label"]
    if data["kind"] == "statement":
        return f"{src} {label}" + (f": \u201c{data['quote']}\u201d" if data["quote"] else "")
    if nodes[v]["kind"] == "Post":
        return f"{src} \u2014 {label}"
    return f"{src} \u2014 {label} \u2192 {dst}"


class _Panel:
    """The side panel's data: sentences stored once, evidence as short references to them."""

    def __init__(self, articles: dict[str, dict[str, str]]) -> None:
        self.article_ids = {iri: i for i, iri in enumerate(articles)}
        self.texts: dict[str, int] = {}
        self.astral: dict[str, bool] = {}

    def evidence(self, ev: dict[str, Any] | None, what: str | None) -> dict[str, Any] | None:
        if not ev:
            return None
        text, start, end = ev["text"], ev["start"], ev["end"]
        if text not in self.texts:
            self.texts[text] = len(self.texts)
            self.astral[text] = _ASTRAL.search(text) is not None
        if self.astral[text]:
            start, end = _utf16(text, start), _utf16(text, end)
        return {"t": self.texts[text], "s": start, "e": end, "w": what, "r": ev["rule"],
                "a": self.article_ids.get(ev["article"], -1), "c": ev["confidence"]}

    def item(self, label: str, kind: str, lines: list[str], evidence: list[Any],
             articles: set[str], more: int = 0, **extra: Any) -> dict[str, Any]:
        found = [ev for ev in evidence if ev is not None]
        return {"label": label, "kind": kind, "lines": lines, "evidence": found[:_MAX_EVIDENCE],
                "more": more + max(len(found) - _MAX_EVIDENCE, 0), **extra,
                "articles": sorted(self.article_ids[a] for a in articles if a in self.article_ids)}


def _page_data(nx_graph: nx.MultiDiGraph) -> dict[str, Any]:
    """vis-network's node and edge lists and options, and the side panel's data."""
    big = nx_graph.number_of_nodes() > LAYOUT_THRESHOLD
    positions = _layout(nx_graph) if big else {}
    node_data: dict[str, dict[str, Any]] = dict(nx_graph.nodes(data=True))
    kinds = {node: data["kind"] for node, data in node_data.items()}
    ids = {node: i for i, node in enumerate(node_data)}
    degree = dict(nx_graph.degree())
    panel = _Panel(nx_graph.graph.get("articles", {}))
    evidence, item = panel.evidence, panel.item
    vis_nodes: list[dict[str, Any]] = []
    vis_edges: list[dict[str, Any]] = []
    info_nodes: list[dict[str, Any]] = []
    info_edges: list[dict[str, Any]] = []
    merged: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, data in nx_graph.edges(data=True):
        merged[(u, v, data["label"])].append(data)
    parallel: Counter[frozenset[str]] = Counter()
    touching: dict[str, list[int]] = defaultdict(list)
    for (u, v, label), facts in merged.items():
        kind, count = facts[0]["kind"], len(facts)
        at = len(vis_edges)
        touching[u].append(at)
        touching[v].append(at)
        vis = {"id": at, "from": ids[u], "to": ids[v], "color": EDGE_KINDS[kind][1],
               "width": round(1 + math.log2(count), 2),
               "label": "" if kinds[v] in ("Post", "Statement") else
               _short(label if count == 1 else f"{label} \u00d7{count}", 30)}
        if kind in ("membership", "location"):
            vis["dashes"] = True
        pair = frozenset((u, v))
        bends = parallel[pair]
        if bends and not big:  # bend parallel edges apart
            vis["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * bends}
        parallel[pair] = bends + 1
        vis_edges.append(vis)
        caption = _caption(node_data, u, v, facts[0]) + (f" ({count} facts)" if count > 1 else "")
        sourced = [f for f in facts if f["evidence"]]
        info_edges.append(item(
            label, EDGE_KINDS[kind][0], [caption],
            [evidence(f["evidence"], f.get("quote")) for f in sourced[:_MAX_EVIDENCE]],
            {f["evidence"]["article"] for f in sourced},
            more=max(len(sourced) - _MAX_EVIDENCE, 0), type=kind))
    for node, data in node_data.items():
        helper = data["kind"] in _HELPERS
        vis = {"id": ids[node], "label": _short(data["label"]), "group": data["kind"]}
        if not helper:
            vis["size"] = round(min(10 + 4 * math.sqrt(data["support"]), 45), 1)
        if node in positions:
            vis["x"], vis["y"] = positions[node]
        vis_nodes.append(vis)
        facts_, n_articles = degree[node], len(data["articles"])
        lines = [f"also written: {', '.join(data['aliases'])}"] if data["aliases"] else []
        lines += [data["iri"]] if "iri" in data else []
        lines.append(f"{facts_} fact{'s' * (facts_ != 1)}" if helper else
                     f"{data['mentions']} mentions \u00b7 {facts_} facts \u00b7 {n_articles} "
                     f"article{'s' * (n_articles != 1)}")
        extra = {} if helper else {"aliases": data["aliases"], "support": data["support"]}
        # The facts' sentences are the edges' (the page shows them from there), then mentions.
        info_nodes.append(item(
            data["label"], data["kind"], lines,
            [evidence(ev, "mention") for ev in data["evidence"][:_MAX_EVIDENCE]],
            set(data["articles"]), more=max(len(data["evidence"]) - _MAX_EVIDENCE, 0),
            edges=touching[node], **extra))
    groups: dict[str, dict[str, Any]] = {
        kind: {"shape": shape, "color": {"background": colour, "border": "#555555",
                                         "highlight": {"background": colour, "border": "#111111"}},
               **({"font": {"size": 12}} if kind in _HELPERS else {})}
        for kind, (shape, colour, _) in KINDS.items()}
    groups["Unknown actor"]["size"] = 8
    options = {
        "groups": groups,
        "nodes": {"borderWidth": 1, "widthConstraint": {"maximum": 180},
                  "font": {"size": 15, "face": "system-ui, sans-serif", "strokeWidth": 4,
                           "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"inherit": False}, "selectionWidth": 2,
                  "smooth": {"enabled": not big, "type": "continuous"},
                  "font": {"size": 11, "align": "middle", "strokeWidth": 4, "color": "#333333"}},
        "interaction": {"hover": True, "tooltipDelay": 300, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big},
        "layout": {"randomSeed": _SEED, "improvedLayout": len(vis_nodes) <= 150},
        "physics": {"enabled": False} if big else _PHYSICS,
    }
    info = {"articles": list(nx_graph.graph.get("articles", {}).values()),
            "texts": list(panel.texts), "nodes": info_nodes, "edges": info_edges}
    return {"nodes": vis_nodes, "edges": vis_edges, "info": info, "options": options,
            "settle": _PHYSICS}


@cache
def _asset(package: str, name: str) -> str:
    """A template of ours, or vis-network 9.1.2 as shipped inside pyvis (CRLF read as LF)."""
    folder = "templates" if package == "kg" else "templates/lib/vis-9.1.2"
    return (resources.files(package) / folder / name).read_text("utf-8")


def _script_json(value: object) -> str:
    """JSON that cannot close its <script> element: <, > and & become \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # key order is fixed
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _legend(nx_graph: nx.MultiDiGraph) -> str:
    """Check boxes for the kinds of nodes and edges (fixed names: nothing from articles)."""
    counts = Counter(d["kind"] for _, d in nx_graph.nodes(data=True))
    edge_counts = Counter(d["kind"] for *_, d in nx_graph.edges(data=True))
    box = ('<label><input type="checkbox" data-group="{}" data-kind="{}" checked>'
           '<b style="color:{}">{}</b> {} ({})</label>')
    legend = [box.format("node", kind, colour, glyph, kind, counts[kind])
              for kind, (_, colour, glyph) in KINDS.items()
              if kind not in ("Other", *_HELPERS) or counts[kind]]
    legend.append('<span class="sep">|</span>')
    legend += [box.format("edge", kind, colour, "\u2192", name, edge_counts[kind])
               for kind, (name, colour) in EDGE_KINDS.items()
               if kind in ("role", "statement", "action") or edge_counts[kind]]
    return "\n".join(legend)


def to_html(graph: Dataset | Graph | ox.Store | Sequence[ox.Quad], *, title: str | None = None,
            focus: str | None = None, depth: int = 2) -> str:
    """Return the page for ``graph`` as a string (``show`` puts it in a notebook).

    Args:
        graph: a Dataset (all named graphs are drawn together), a Graph, a pyoxigraph Store,
            or the pyoxigraph quads of article graphs (as ``kg.quads.to_quads`` makes them).
        title: the page heading; defaults to "newskg" and the focus.
        focus: keep only the entity with this name, alias (any case) or IRI and its neighbours.
        depth: how many hops around ``focus`` to keep.

    Raises:
        QueryError: ``focus`` names no entity of the graph.
    """
    nx_graph = to_networkx(graph)
    if focus is not None:
        nx_graph = neighbourhood(nx_graph, focus, depth)
    return _page(nx_graph, title=title, focus=focus, depth=depth)


def _page(nx_graph: nx.MultiDiGraph, *, title: str | None = None, focus: str | None = None,
          depth: int = 2) -> str:
    """The page for a graph made by ``to_networkx``."""
    with collector_paused():
        data = _page_data(nx_graph)
        blob = _script_json(data)
    heading = title if title is not None else "newskg" + (f" \u2014 {focus}" if focus else "")
    n_articles = len(nx_graph.graph.get("articles", {}))
    summary = (f"{len(data['nodes'])} nodes \u00b7 {len(data['edges'])} edges \u00b7 "
               f"{n_articles} article{'s' * (n_articles != 1)}") + (
        f" \u00b7 {depth} hops around \u201c{focus}\u201d" if focus is not None else "")
    vis_js, page_js = _asset("pyvis", "vis-network.min.js"), _asset("kg", "page.js")
    csp = (f"default-src 'none'; script-src {_sha256(vis_js)} {_sha256(page_js)}; "
           "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'")
    return Template(_asset("kg", "page.html")).substitute(
        csp=csp, title=html.escape(heading), summary=html.escape(summary),
        legend=_legend(nx_graph), vis_css=_asset("pyvis", "vis-network.css"), vis_js=vis_js,
        page_css=_asset("kg", "page.css"), page_js=page_js, data=blob)


def render_html(graph: Dataset | Graph | ox.Store | Sequence[ox.Quad], path: str | Path, *,
                title: str | None = None, focus: str | None = None, depth: int = 2) -> Path:
    """Write the page for ``graph`` to ``path`` (one offline HTML file) and return the path.

    Args:
        graph: a Dataset (all named graphs are drawn together), a Graph, a pyoxigraph Store,
            or the pyoxigraph quads of article graphs (as ``kg.quads.to_quads`` makes them).
        path: where to write the page, e.g. ``out/graph.html``.
        title: the page heading; defaults to "newskg" and the focus.
        focus: keep only the entity with this name, alias (any case) or IRI and its neighbours.
        depth: how many hops around ``focus`` to keep.

    Raises:
        QueryError: ``focus`` names no entity of the graph.
        StoreError: the page cannot be written.
    """
    return write_text(Path(path), to_html(graph, title=title, focus=focus, depth=depth), "page")


@dataclass(frozen=True)
class View:
    """A rendered page that shows itself inline in Jupyter and VS Code notebooks.

    The page goes into a sandboxed iframe's ``srcdoc`` (escaped): inserted straight into the
    notebook its styles would leak, and VS Code shows raw pyvis output as an empty box.
    """

    html: str
    height: int = 700

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="newskg graph" '
                'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` and return the path."""
        return write_text(Path(path), self.html, "page")


def show(graph: Dataset | Graph | ox.Store | str | Path, *, focus: str | None = None,
         depth: int = 2, title: str | None = None, height: int = 700) -> View:
    """The interactive view of ``graph`` for a notebook: the last expression of a cell shows it.

    Args:
        graph: a graph, a pyoxigraph Store, or a graph file or directory written by ``kg build``.
        focus, depth, title: as for ``to_html``.
        height: the frame's height in pixels.

    Examples:
        >>> view = show(Dataset())
        >>> view._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
        True
    """
    if isinstance(graph, str | Path):
        from kg.query import open_store

        graph = open_store(graph)
    return View(to_html(graph, title=title, focus=focus, depth=depth), height)
