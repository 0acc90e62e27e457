"""Tests for kg.render: the graph as a networkx graph and as an offline, escaped HTML page."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import pytest
from conftest import run_kg
from rdflib import Dataset, Graph, URIRef

from kg.errors import KGError, QueryError, StoreError
from kg.export import export_graph, to_plain
from kg.graph import to_graph, write_graph
from kg.model import Article, Entity, Evidence, LegislativeAction, Role, Span, Statement
from kg.query import open_store
from kg.render import View, render_html, show, to_html, to_networkx
from kg.resolve import resolve
from kg.vocab import ORG, RDF, SDO

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SENTENCES = (
    "Shohrat Zakir, chairman of the government of Xinjiang, said the centres help people. ",
    f'Zakir told Xinhua that "{IMG} href" was false. ',
    "The Standing Committee amended the Regulation on De-extremification. ",
    "The Regulation on De-extremification was amended again in Urumqi. ",
    "Chen Quanguo is party secretary.",
)
TEXT = "".join(SENTENCES)


def span(phrase: str, *, after: int = 0, text: str = TEXT) -> Span:
    start = text.index(phrase, after)
    return Span(start, start + len(phrase), phrase)


def sentence(n: int) -> Span:
    return span(SENTENCES[n].strip())


def evidence(n: int, phrase: str) -> Evidence:
    sent = sentence(n)
    return Evidence(sent, span(phrase, after=sent.start), rule=f"rule-{n}", confidence=0.9)


def make_article(article_id: str = "a0001", *, title: str = f"Xinjiang {SCRIPT} chief speaks",
                 url: str = "https://example.org/news/1") -> Article:
    reg = "Regulation on De-extremification"
    entities = (
        Entity("zakir", "Person", "Shohrat Zakir", ("Zakir",),
               (span("Shohrat Zakir"), span("Zakir", after=len(SENTENCES[0])))),
        Entity("gov", "Organization", "government of Xinjiang", (),
               (span("government of Xinjiang"),), subkind="GovernmentOrganization"),
        Entity("xinhua", "Organization", "Xinhua", (), (span("Xinhua"),)),
        Entity("npc", "Organization", "Standing Committee", (), (span("Standing Committee"),)),
        Entity("reg", "Legislation", reg, (), (span(reg), span(reg, after=span(reg).end))),
        Entity("urumqi", "Location", "Urumqi", (), (span("Urumqi"),)),
        Entity("chen", "Person", "Chen Quanguo", (), (span("Chen Quanguo"),)),
    )
    return Article(
        id=article_id, text=TEXT, title=title, date=dt.date(2018, 10, 16), url=url,
        entities=entities,
        roles=(Role("zakir", "chairman", evidence(0, "chairman of the government of Xinjiang"),
                    organization="gov"),
               Role("chen", "party secretary", evidence(4, "party secretary"))),
        statements=(Statement("zakir", "said", evidence(0, "said")),
                    Statement("zakir", "told", evidence(1, "told"), quote=f"{IMG} href")),
        actions=(LegislativeAction("amend", "reg", evidence(2, "amended"), actor="npc"),
                 LegislativeAction("amend", "reg", evidence(3, "was amended"))),
    )


@pytest.fixture
def graph() -> Dataset:
    return to_graph(resolve(make_article()))


def add_article(graph: Dataset, article: Article) -> None:
    for named in to_graph(resolve(article)).graphs():
        target = graph.graph(named.identifier)
        for triple in named:
            target.add(triple)


def page_data(page: str) -> dict:  # type: ignore[type-arg]
    blob = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert blob is not None
    return json.loads(blob.group(1))  # type: ignore[no-any-return]


def test_to_networkx_counts_entities_helpers_and_facts(graph: Dataset) -> None:
    nx_graph = to_networkx(graph)
    kinds = sorted(d["kind"] for _, d in nx_graph.nodes(data=True))
    assert kinds == ["Legislation", "Organization", "Organization", "Organization", "Person",
                     "Person", "Place", "Post", "Statement", "Statement", "Unknown actor"]
    assert sorted(d["kind"] for *_, d in nx_graph.edges(data=True)) == [
        "action", "action", "role", "role", "statement", "statement"]


def test_to_networkx_edge_carries_provenance(graph: Dataset) -> None:
    nx_graph = to_networkx(graph)
    (u, v, data), = [e for e in nx_graph.edges(data=True) if e[2]["label"] == "chairman"]
    assert (nx_graph.nodes[u]["label"], nx_graph.nodes[v]["label"]) == (
        "Shohrat Zakir", "government of Xinjiang")
    ev = data["evidence"]
    assert ev["text"] == SENTENCES[0].strip()
    assert ev["text"][ev["start"]:ev["end"]] == "chairman of the government of Xinjiang"
    assert (ev["rule"], ev["confidence"]) == ("rule-0", "0.90")
    assert nx_graph.graph["articles"][ev["article"]]["date"] == "2018-10-16"


def test_to_networkx_unions_named_graphs_and_accepts_a_graph(graph: Dataset) -> None:
    add_article(graph, make_article("a0002"))
    nx_graph = to_networkx(graph)
    zakir = next(d for _, d in nx_graph.nodes(data=True) if d["label"] == "Shohrat Zakir")
    assert zakir["mentions"] == 4 and len(nx_graph.graph["articles"]) == 2
    plain = Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        plain.add((s, p, o))
    assert nx_graph.number_of_edges() == to_networkx(plain).number_of_edges() == 12


def test_render_html_draws_every_node_and_edge(graph: Dataset, tmp_path: Path) -> None:
    path = render_html(graph, tmp_path / "graph.html", title="Xinjiang")
    data = page_data(path.read_text(encoding="utf-8"))
    nx_graph = to_networkx(graph)
    assert len(data["nodes"]) == nx_graph.number_of_nodes() == 11
    assert len(data["edges"]) == nx_graph.number_of_edges() == 6
    assert {n["label"] for n in data["nodes"]} >= {"Shohrat Zakir", "party secretary", "told"}
    assert len(data["info"]["nodes"]) == 11 and len(data["info"]["edges"]) == 6


def test_render_html_merges_the_same_fact_from_several_articles(graph: Dataset) -> None:
    add_article(graph, make_article("a0002"))
    data = page_data(to_html(graph))
    chairman = [e for e in data["edges"] if e["label"].startswith("chairman")]
    assert [e["label"] for e in chairman] == ["chairman \u00d72"]
    assert len(data["info"]["edges"][chairman[0]["id"]]["evidence"]) == 2


def test_render_html_legend_lists_the_kinds(graph: Dataset) -> None:
    legend = re.search(r'<div class="legend" id="kg-legend">(.*?)</div>', to_html(graph), re.S)
    assert legend is not None
    for kind in ("Person (2)", "Organization (3)", "Place (1)", "Legislation (1)", "Post (1)",
                 "Statement (2)", "Unknown actor (1)", "role", "legislative action"):
        assert kind in legend.group(1)


def test_render_html_makes_no_network_request(graph: Dataset) -> None:
    page = to_html(graph)
    assert not re.search(r"""(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//""", page)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//|@import|<link|<iframe""", page)
    assert all("src" not in tag for tag in re.findall(r"<script[^>]*>", page))
    assert "default-src 'none'" in page
    # Outside the vis-network bundle's string constants and the data blob there is no URL.
    no_data = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert "http://" not in no_data and "https://" not in no_data


def test_render_html_escapes_article_text(graph: Dataset) -> None:
    page = to_html(graph, title=f"{SCRIPT} title")
    assert page.count("\n<script") == 3  # the data blob, vis-network and the page's own script
    assert IMG not in page and "<img" not in page and "alert(1)</script>" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e href" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in page
    data = page_data(page)
    assert data["info"]["articles"][0]["headline"] == f"Xinjiang {SCRIPT} chief speaks"
    # No vis tooltip (pyvis turns titles containing "href" into innerHTML popups).
    assert not any("title" in item for item in data["nodes"] + data["edges"])
    own_script = page.rsplit("<script>", 1)[1]
    assert "innerHTML" not in own_script and "textContent" in own_script


def test_render_html_drops_links_that_are_not_web_links() -> None:
    data = page_data(to_html(to_graph(resolve(make_article(url="javascript:alert(1)")))))
    assert "javascript:" not in json.dumps(data)
    assert {a["url"] for a in data["info"]["articles"]} == {""}


def test_render_html_is_deterministic(graph: Dataset, tmp_path: Path) -> None:
    first = to_html(graph)
    assert to_html(to_graph(resolve(make_article()))) == first
    with warnings.catch_warnings():  # rdflib 7.6 warns from inside Dataset.serialize
        warnings.simplefilter("ignore", DeprecationWarning)
        trig = write_graph(graph, tmp_path / "a.nq", format="nquads")
    code = ("import sys; from kg.graph import read_graph; from kg.render import to_html; "
            "sys.stdout.write(to_html(read_graph(sys.argv[1])))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code, str(trig)], env=env, check=True,
                           capture_output=True, text=True, encoding="utf-8").stdout
    assert other == first
    assert to_html(open_store(trig)) == first  # a pyoxigraph store gives the same page


@pytest.mark.parametrize(("focus", "depth", "expected"), [
    ("zakir", 0, {"Shohrat Zakir"}),
    ("SHOHRAT ZAKIR", 1, {"Shohrat Zakir", "government of Xinjiang", "said", "told"}),
    ("Regulation on De-extremification", 1,
     {"Regulation on De-extremification", "Standing Committee", "unknown actor"}),
])
def test_render_html_focus_keeps_the_neighbourhood(
        graph: Dataset, focus: str, depth: int, expected: set[str]) -> None:
    data = page_data(to_html(graph, focus=focus, depth=depth))
    assert {n["label"] for n in data["nodes"]} == expected


def test_render_html_unknown_focus_raises(graph: Dataset, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no entity is named 'Nobody'") as info:
        render_html(graph, tmp_path / "x.html", focus="Nobody")
    assert isinstance(info.value, KGError) and not (tmp_path / "x.html").exists()


def test_render_html_reports_an_unwritable_path(graph: Dataset, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="check that the folder exists"):
        render_html(graph, tmp_path / "missing" / "graph.html")


def test_render_html_lays_out_large_graphs_in_python() -> None:
    names = [f"Person{n}" for n in range(520)]
    text = "".join(f"{name} is chairman of Acme. " for name in names)
    entities = [Entity(name, "Person", name, (), (span(name + " ", text=text),))
                for name in names]
    entities.append(Entity("acme", "Organization", "Acme", (), (span("Acme", text=text),)))
    roles = []
    for name in names[:510]:  # one component of 511 nodes, and 10 lone people
        sent = span(f"{name} is chairman of Acme.", text=text)
        phrase = Span(sent.start + len(name) + 4, sent.start + len(name) + 12, "chairman")
        roles.append(Role(name, "chairman", Evidence(sent, phrase, "r", 0.5),
                          organization="acme"))
    article = Article("big", text, entities=tuple(entities), roles=tuple(roles))
    data = page_data(to_html(to_graph(resolve(article))))
    assert len(data["nodes"]) == 521 and data["options"]["physics"] == {"enabled": False}
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) == 521  # every node placed, none on top of another


def test_render_html_evidence_marks_the_phrase_as_javascript_counts(tmp_path: Path) -> None:
    text = "\U0001f600 Zakir said \u00e9t\u00e9 was fine."  # JS counts the emoji as two units
    at = text.index("said")
    sent, said = Span(0, len(text), text), Span(at, at + 4, "said")
    zakir = Entity("z", "Person", "Zakir", (), (Span(2, 7, "Zakir"),))
    article = Article("u1", text, entities=(zakir,),
                      statements=(Statement("z", "said", Evidence(sent, said, "r", 1)),))
    data = page_data(to_html(to_graph(resolve(article))))
    (ev,) = data["info"]["edges"][0]["evidence"]
    units = data["info"]["texts"][ev["t"]].encode("utf-16-le")
    assert units[2 * ev["s"]:2 * ev["e"]].decode("utf-16-le") == "said"


def test_to_networkx_reads_a_store_as_a_dataset(graph: Dataset, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        path = write_graph(graph, tmp_path / "g.trig")
    from_store, from_rdflib = to_networkx(open_store(path)), to_networkx(graph)
    assert list(from_store.nodes(data=True)) == list(from_rdflib.nodes(data=True))
    assert list(from_store.edges(keys=True, data=True)) == list(
        from_rdflib.edges(keys=True, data=True))


def test_the_page_of_quads_is_the_page_of_their_store() -> None:
    """kg build draws the page from the article graphs' quads, with no store filled first."""
    import pyoxigraph as ox

    from kg.quads import to_quads

    quads = [q for art in (make_article(), make_article("a0002"))
             for q in to_quads(resolve(art))]
    # a literal whose text is an entity's IRI is not a link to that entity
    quads.append(ox.Quad(quads[0].subject, ox.NamedNode(str(RDF.type)),
                         ox.Literal(str(SDO.Person)), quads[0].graph_name))
    store = ox.Store()
    store.extend(quads)
    from_quads, from_store = to_networkx(quads), to_networkx(store)
    assert list(from_quads.nodes(data=True)) == list(from_store.nodes(data=True))
    assert list(from_quads.edges(keys=True, data=True)) == list(
        from_store.edges(keys=True, data=True))
    assert from_quads.number_of_nodes() > 5 and from_quads.graph["articles"].keys() == {
        a for a in from_store.graph["articles"]} and len(from_quads.graph["articles"]) == 2
    assert to_html(quads) == to_html(store)


def test_to_networkx_draws_membership_and_location(graph: Dataset) -> None:
    ids = {d["label"]: n for n, d in to_networkx(graph).nodes(data=True)}
    named = next(iter(graph.graphs()))
    named.add((URIRef(ids["Urumqi"]), SDO.containedInPlace, URIRef(ids["Urumqi"] + "-region")))
    named.add((URIRef(ids["Urumqi"] + "-region"), RDF.type, SDO.Place))
    named.add((URIRef(ids["Standing Committee"]), ORG.subOrganizationOf,
               URIRef(ids["government of Xinjiang"])))
    fact = URIRef("https://example.org/fact/m1")
    for p, o in ((RDF.type, ORG.Membership), (ORG.member, URIRef(ids["Chen Quanguo"])),
                 (ORG.organization, URIRef(ids["Xinhua"]))):
        named.add((fact, p, o))
    edges = {(d["kind"], d["label"]): d for *_, d in to_networkx(graph).edges(data=True)}
    assert {("location", "in"), ("membership", "part of"), ("membership", "member")} <= set(
        edges)
    assert edges[("location", "in")]["evidence"] is None
    data = page_data(to_html(graph))
    assert "location (1)" in to_html(graph) and "membership (2)" in to_html(graph)
    panel = next(e for e in data["info"]["edges"] if e["label"] == "in")
    assert panel["evidence"] == [] and panel["type"] == "location"


_VIEW = """CONSTRUCT { ?m ?p ?o . ?e a ?type ; schema:name ?name }
WHERE { ?m a org:Membership ; ?p ?o . ?m org:member|org:organization ?e .
        ?e a ?type ; schema:name ?name }"""


def test_cli_render_query_draws_a_construct(graph: Dataset, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        source = write_graph(graph, tmp_path / "g.trig")
    (tmp_path / "view.rq").write_text(_VIEW, encoding="utf-8")
    result = run_kg("render", source, "--query", tmp_path / "view.rq", "-o",
                    tmp_path / "view.html")
    assert result.returncode == 0, result.stderr
    data = page_data((tmp_path / "view.html").read_text(encoding="utf-8"))
    assert sorted(n["label"] for n in data["nodes"]) == [
        "Chen Quanguo", "Shohrat Zakir", "government of Xinjiang", "party secretary"]
    assert sorted(e["label"] for e in data["edges"]) == ["", "chairman"]


def test_cli_render_query_must_construct(graph: Dataset, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        source = write_graph(graph, tmp_path / "g.trig")
    (tmp_path / "select.rq").write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    result = run_kg("render", source, "--query", tmp_path / "select.rq")
    assert result.returncode == 1 and "needs a CONSTRUCT" in result.stderr


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_graph_writes_plain_attributes(graph: Dataset, tmp_path: Path, fmt: str) -> None:
    path = export_graph(graph, tmp_path / f"g.{fmt}", format=fmt)
    if fmt == "json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        back = nx.node_link_graph(doc, edges="edges")
        assert doc["graph"]["articles"][0]["id"] == "a0001"
    else:
        back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (11, 6)
    chairman = next(d for *_, d in back.edges(data=True) if d["label"] == "chairman")
    assert chairman["sentence"] == SENTENCES[0].strip() and chairman["article"] == "a0001"
    assert chairman["phrase"] == "chairman of the government of Xinjiang"
    assert chairman["confidence"] == 0.9
    zakir = next(d for _, d in back.nodes(data=True) if d["label"] == "Shohrat Zakir")
    assert zakir["aliases"] == "Zakir" and zakir["kind"] == "Person" and zakir["articles"] == (
        "a0001")


def test_to_plain_leaves_only_strings_and_numbers(graph: Dataset) -> None:
    plain = to_plain(to_networkx(graph))
    values = [v for _, d in plain.nodes(data=True) for v in d.values()]
    values += [v for *_, d in plain.edges(data=True) for v in d.values()]
    assert values and all(isinstance(v, str | int | float) for v in values)


def test_cli_export_focus(graph: Dataset, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        source = write_graph(graph, tmp_path / "g.trig")
    out = tmp_path / "focus.gexf"
    result = run_kg("export", source, "--format", "gexf", "-o", out, "--focus", "zakir",
                    "--depth", "1")
    assert result.returncode == 0, result.stderr
    assert nx.read_gexf(out).number_of_nodes() == 4
    bad = run_kg("export", source, "--format", "svg")
    assert bad.returncode == 1 and "graphml, gexf, json" in bad.stderr


def test_show_embeds_the_page_in_an_escaped_iframe(graph: Dataset, tmp_path: Path) -> None:
    view = show(graph, focus="Zakir", height=500)
    frame = view._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and 'height:500px' in frame
    assert 'sandbox="allow-scripts' in frame
    srcdoc = frame.split('srcdoc="', 1)[1].split('"', 1)[0]
    assert "<" not in srcdoc and html.unescape(srcdoc) == view.html
    assert view.html == to_html(graph, focus="Zakir")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        path = write_graph(graph, tmp_path / "g.trig")
    assert isinstance(show(path), View) and show(str(path)).html == to_html(graph)
    assert view.save(tmp_path / "v.html").read_text(encoding="utf-8") == view.html
