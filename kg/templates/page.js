(function () {
  "use strict";
  // Everything from articles reaches the page through textContent, never as HTML.
  var $ = function (id) { return document.getElementById(id); };
  var data = JSON.parse($("kg-data").textContent), info = data.info;
  var panel = $("kg-panel"), pinned = false, selected = null;
  var off = {node: {}, edge: {}}, article = -1, around = null, aroundOf = null;
  var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges), links = {};
  data.edges.forEach(function (e) {
    (links[e.from] = links[e.from] || []).push(e);
    (links[e.to] = links[e.to] || []).push(e);
  });

  function inArticle(item) { return article < 0 || item.articles.indexOf(article) >= 0; }
  function nodePasses(id) { var n = info.nodes[id]; return !off.node[n.kind] && inArticle(n); }
  function edgePasses(e) {
    var d = info.edges[e.id];
    return !off.edge[d.type] && inArticle(d) && nodePasses(e.from) && nodePasses(e.to);
  }
  function near(id) { return !around || around[id] !== undefined; }
  var nodeView = new vis.DataView(nodes, {filter: function (n) {
    return nodePasses(n.id) && near(n.id);
  }});
  var edgeView = new vis.DataView(edges, {filter: function (e) {
    return edgePasses(e) && near(e.from) && near(e.to);
  }});
  var network = new vis.Network($("kg-net"), {nodes: nodeView, edges: edgeView}, data.options);
  window.kg = {network: network, nodes: nodes, edges: edges, nodeView: nodeView,
               edgeView: edgeView, choose: choose, focusOn: focusOn, reset: reset};

  var home = {};  // positions once laid out: "Show all" puts everything back there
  function ready() {
    if (!window.kgReady) {
      home = network.getPositions();
      window.kgReady = performance.now();
      document.body.setAttribute("data-ready", "true");
    }
  }
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function evidence(ev, what) {
    var box = el("div", null, "ev"), art = info.articles[ev.a] || {}, text = info.texts[ev.t];
    what = what === undefined ? ev.w : what;
    if (what) { add(box, el("div", what, "what")); }
    var p = add(box, el("p", null, "sent"));
    add(p, document.createTextNode(text.slice(0, ev.s)));
    add(p, el("mark", text.slice(ev.s, ev.e)));
    add(p, document.createTextNode(text.slice(ev.e)));
    var meta = add(box, el("div", null, "meta")), name = art.headline || art.id || "unknown article";
    if (art.url && /^https?:\/\//i.test(art.url)) {
      var a = add(meta, el("a", name));
      a.href = art.url; a.target = "_blank"; a.rel = "noopener noreferrer";
    } else { add(meta, el("span", name)); }
    add(meta, el("div", [art.headline && art.id, art.date, ev.r && "rule " + ev.r,
      ev.c && "confidence " + ev.c].filter(Boolean).join(" \u00b7 ")));
    return box;
  }
  function show(item) {  // a node lists its edges' sentences, then its mentions
    var shown = 0, total = 0;
    function put(ev, what) {
      total += 1;
      if (shown < 20) { add(panel, evidence(ev, what)); shown += 1; }
    }
    panel.replaceChildren(el("h2", item.label), el("div", item.kind, "kind"));
    item.lines.forEach(function (line) { add(panel, el("div", line, "line")); });
    (item.edges || []).forEach(function (id) {
      var edge = info.edges[id];
      edge.evidence.forEach(function (ev) { put(ev, edge.lines[0]); });
      total += edge.more;
    });
    item.evidence.forEach(function (ev) { put(ev); });
    total += item.more;
    if (!total) { add(panel, el("p", "No source sentence for this in the graph.", "meta")); }
    if (total > shown) { add(panel, el("div", "and " + (total - shown) + " more", "meta")); }
  }
  function intro() {
    panel.replaceChildren(el("p", info.nodes.length ? "Hover over or click a node or an edge " +
      "to see the sentences it comes from; click the background to unpin. Double-click a " +
      "node to see only its neighbourhood." : "Nothing to draw: this graph has no entities.",
      "meta"));
  }
  function pin(kind, id) {
    pinned = id !== null;
    selected = kind === "node" ? id : null;
    $("kg-focus").disabled = selected === null;
    if (kind === "node") { show(info.nodes[id]); }
    else if (kind === "edge") { show(info.edges[id]); } else { intro(); }
  }

  function status() {
    var text = nodeView.length + " of " + data.nodes.length + " nodes \u00b7 " + edgeView.length +
      " of " + data.edges.length + " edges shown";
    if (around) { text += " \u00b7 around \u201c" + info.nodes[aroundOf].label + "\u201d"; }
    $("kg-status").textContent = text;
  }
  function place(positions) {
    nodes.update(Object.keys(positions).map(function (id) {
      return {id: Number(id), x: positions[id].x, y: positions[id].y};
    }));
  }
  function refresh() {  // hidden nodes come back where they were last seen
    place(network.getPositions());
    nodeView.refresh(); edgeView.refresh(); status();
  }
  function settle() {  // a small neighbourhood is laid out again, by physics
    var ids = nodeView.getIds();
    if (ids.length > 400) { network.fit({nodes: ids, animation: false}); return; }
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit({nodes: ids, animation: false});
    });
    network.setOptions({physics: data.settle});
    network.stabilize(data.settle.stabilization.iterations);
  }
  function focusOn(id) {
    var depth = Number($("kg-depth").value), seen = {}, layer = [id], d;
    seen[id] = 0;
    for (d = 1; d <= depth && layer.length; d++) {
      var next = [];
      layer.forEach(function (n) {
        (links[n] || []).forEach(function (e) {
          var m = e.from === n ? e.to : e.from;
          if (seen[m] === undefined && edgePasses(e)) { seen[m] = d; next.push(m); }
        });
      });
      layer = next;
    }
    around = seen; aroundOf = id;
    refresh();
    network.selectNodes([id]);
    pin("node", id);
    settle();
  }
  function reset() {
    around = aroundOf = null; article = -1; off = {node: {}, edge: {}};
    $("kg-article").value = "";
    document.querySelectorAll("#kg-legend input").forEach(function (box) { box.checked = true; });
    network.setOptions({physics: {enabled: false}});
    place(home);
    nodeView.refresh(); edgeView.refresh(); status();
    network.fit({animation: false});
  }
  function choose(id) {
    $("kg-results").hidden = true;
    if (!(nodePasses(id) && near(id))) { reset(); }
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.2), animation: false});
    pin("node", id);
  }

  var names = info.nodes.map(function (n) {
    return n.aliases ? [n.label].concat(n.aliases).join("\n").toLowerCase() : null;
  });
  function find(query) {
    var q = query.trim().toLowerCase(), hits = [];
    if (!q) { return hits; }
    names.forEach(function (text, id) {
      var at = text === null ? -1 : text.indexOf(q);
      if (at >= 0) { hits.push({id: id, first: at === 0 || text.charAt(at - 1) === " " ? 0 : 1}); }
    });
    hits.sort(function (a, b) {
      return a.first - b.first || info.nodes[b.id].support - info.nodes[a.id].support ||
        (info.nodes[a.id].label < info.nodes[b.id].label ? -1 : 1);
    });
    return hits.slice(0, 15);
  }
  function list(hits) {
    var results = $("kg-results");
    results.replaceChildren();
    hits.forEach(function (hit) {
      var n = info.nodes[hit.id], button = add(add(results, el("li")),
        el("button", n.label + " \u00b7 " + n.kind));
      button.type = "button";
      button.addEventListener("click", function () { choose(hit.id); });
    });
    results.hidden = hits.length === 0;
  }
  var search = $("kg-search");
  search.addEventListener("input", function () { list(find(search.value)); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var hits = find(search.value);
      if (hits.length) { choose(hits[0].id); }
    } else if (ev.key === "Escape") { $("kg-results").hidden = true; }
  });

  info.articles.forEach(function (art, i) {
    var option = add($("kg-article"), el("option", [art.date, art.headline || art.id]
      .filter(Boolean).join(" \u00b7 ")));
    option.value = String(i);
  });
  $("kg-article").addEventListener("change", function () {
    article = this.value === "" ? -1 : Number(this.value);
    refresh();
  });
  document.querySelectorAll("#kg-legend input").forEach(function (box) {
    box.addEventListener("change", function () {
      var kind = box.getAttribute("data-kind"), group = box.getAttribute("data-group");
      off[group][kind] = !box.checked;
      refresh();
    });
  });
  $("kg-focus").addEventListener("click", function () {
    if (selected !== null) { focusOn(selected); }
  });
  $("kg-reset").addEventListener("click", reset);

  network.on("hoverNode", function (p) { if (!pinned) { show(info.nodes[p.node]); } });
  network.on("hoverEdge", function (p) { if (!pinned) { show(info.edges[p.edge]); } });
  network.on("click", function (p) {
    if (p.nodes.length) { pin("node", p.nodes[0]); }
    else if (p.edges.length) { pin("edge", p.edges[0]); } else { pin(null, null); }
  });
  network.on("doubleClick", function (p) { if (p.nodes.length) { focusOn(p.nodes[0]); } });
  intro();
  status();
})();
