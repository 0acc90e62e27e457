"""The HTML view in a real browser: Debian's /usr/bin/chromium driven by Playwright.

Each test opens a page written by newskg in headless Chromium, with every request recorded and
every request but the page itself refused, and checks what a reader sees and can do. Without
Chromium the tests are skipped, except on CI (``CI=true``), where that is a failure:
``make test`` installs it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_kg
from rdflib import Dataset

from kg.export import neighbourhood, to_networkx
from kg.graph import read_graph, to_graph
from kg.model import Article, Entity, Evidence, LegislativeAction, Role, Span, Statement
from kg.render import View, render_html, show
from kg.resolve import resolve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = ROOT / "test-output"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (make test installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; skipped without it, except on CI."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run on CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    """A page as loaded, with what it did on the way."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def panel(self) -> str:
        return str(self.page.inner_text("#kg-panel"))

    def shown_labels(self) -> set[str]:
        return set(self.js("() => kg.nodeView.get().map(n => kg.info.nodes[n.id].label)"))


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open an HTML file; every request but the file itself is recorded and refused."""
    contexts = []

    def opener(path: Path, *, frame: bool = False) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda msg: opened.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: opened.console.append(f"pageerror: {exc}"))
        page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message),
                                          dialog.dismiss()))
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url == opened.url else route.abort())
        page.goto(opened.url)
        target = page.frames[1] if frame else page
        target.wait_for_function("window.kgReady !== undefined", timeout=60_000)
        if not frame:  # the page's own data, for the tests' scripts
            page.evaluate("() => { kg.info = JSON.parse("
                          "document.getElementById('kg-data').textContent).info; }")
        return opened

    yield opener
    for context in contexts:
        context.close()


# ------------------------------------------------------------------ graphs for the tests
PWNED = "window.__pwned = 1"
NASTY = f"Eve <img src=x onerror=\"{PWNED}; alert(1)\"> href"
SCRIPT = f"<script>{PWNED}; alert(2)</script>"
SENTENCES = (
    "Shohrat Zakir, chairman of the government of Xinjiang, said the centres help people. ",
    f'Zakir told Xinhua that "{SCRIPT} href" was false. ',
    "The Standing Committee amended the Regulation on De-extremification. ",
    f"{NASTY} is party secretary. ",
    f"Chen Quanguo praised {NASTY} at the Urumqi <a href='javascript:{PWNED}'>forum</a>.",
)


def make_article(article_id: str = "a0001", sentences: tuple[str, ...] = SENTENCES,
                 title: str = f"Xinjiang {SCRIPT} chief speaks") -> Article:
    """An article with a role, two statements and an action; names and text carry payloads."""
    text = "".join(sentences)

    def span(phrase: str, after: int = 0) -> Span:
        start = text.index(phrase, after)
        return Span(start, start + len(phrase), phrase)

    def evidence(n: int, phrase: str) -> Evidence:
        sent = span(sentences[n].strip())
        return Evidence(sent, span(phrase, sent.start), rule=f"rule-{n}", confidence=0.9)

    entities = [
        Entity("zakir", "Person", "Shohrat Zakir", ("Zakir",), (span("Shohrat Zakir"),)),
        Entity("gov", "Organization", "government of Xinjiang", (),
               (span("government of Xinjiang"),)),
        Entity("xinhua", "Organization", "Xinhua", (), (span("Xinhua"),)),
        Entity("npc", "Organization", "Standing Committee", (), (span("Standing Committee"),)),
        Entity("reg", "Legislation", "Regulation on De-extremification", (),
               (span("Regulation on De-extremification"),)),
    ]
    roles, statements = [Role("zakir", "chairman", evidence(0, "chairman"), "gov")], []
    if NASTY in text:
        entities.append(Entity("eve", "Person", NASTY, (), (span(NASTY),)))
        roles.append(Role("eve", "party secretary", evidence(3, "party secretary")))
        statements.append(Statement("eve", "praised", evidence(4, "praised"), quote=SCRIPT))
    return Article(
        id=article_id, text=text, title=title, date=dt.date(2018, 10, 16),
        url="https://example.org/news/1", entities=tuple(entities), roles=tuple(roles),
        statements=(Statement("zakir", "said", evidence(0, "said")),
                    Statement("zakir", "told", evidence(1, "told"), quote=f"{SCRIPT} href"),
                    *statements),
        actions=(LegislativeAction("amend", "reg", evidence(2, "amended"), actor="npc"),),
    )


def committee_article() -> Article:
    """A second article: the committee's action again, in other words."""
    text = "The Standing Committee amended the Regulation on De-extremification again."
    sent, law = Span(0, len(text), text), "Regulation on De-extremification"
    return Article(
        id="a0002", text=text, title="Committee acts", date=dt.date(2018, 10, 17),
        entities=(Entity("npc", "Organization", "Standing Committee", (),
                         (Span(4, 22, text[4:22]),)),
                  Entity("reg", "Legislation", law, (), (Span(35, 35 + len(law), law),))),
        actions=(LegislativeAction("amend", "reg", Evidence(sent, Span(23, 30, "amended"),
                                                            "rule-9", 0.8), actor="npc"),))


def graph_of(*articles: Article) -> Dataset:
    graph = Dataset()
    for article in articles:
        for named in to_graph(resolve(article)).graphs():
            target = graph.graph(named.identifier)
            for triple in named:
                target.add(triple)
    return graph


def drawn(nx_graph: Any) -> tuple[int, int]:
    """Nodes and edges the page draws: parallel facts with one label are one edge."""
    return nx_graph.number_of_nodes(), len({(u, v, d["label"])
                                            for u, v, d in nx_graph.edges(data=True)})


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    return render_html(graph_of(make_article()), tmp_path / "graph.html")


def edge_point(opened: Opened, label: str) -> tuple[float, float]:
    """Where on the screen the middle of the (first) edge labelled ``label`` is drawn."""
    point = opened.js("""label => {
        const net = kg.network, id = kg.info.edges.findIndex(e => e.label === label);
        const p = net.body.edges[id].edgeType.getPoint(0.5), d = net.canvasToDOM(p);
        const box = document.getElementById("kg-net").getBoundingClientRect();
        return [d.x + box.left, d.y + box.top, net.getEdgeAt(d)];
    }""", label)
    assert point[2] is not None, f"no edge under the middle of {label!r}"
    return point[0], point[1]


def node_point(opened: Opened, label: str) -> tuple[float, float]:
    point = opened.js("""label => {
        const net = kg.network, id = kg.info.nodes.findIndex(n => n.label === label);
        const d = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.getElementById("kg-net").getBoundingClientRect();
        return [d.x + box.left, d.y + box.top];
    }""", label)
    return point[0], point[1]


# ------------------------------------------------------------------ the example article
@pytest.fixture(scope="module")
def example_page(example_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page ``kg build`` wrote for the example article."""
    page = example_build / "graph.html"
    assert page.is_file()
    return page


def test_browser_example_loads_offline_without_errors(open_page: Any, example_page: Path) -> None:
    opened = open_page(example_page)
    assert opened.requests == [opened.url]
    assert opened.console == [] and opened.dialogs == []


def test_browser_example_draws_every_node_and_edge(open_page: Any, example_page: Path,
                                                   example_build: Path) -> None:
    nodes, edges = drawn(to_networkx(read_graph(example_build)))
    opened = open_page(example_page)
    counts = opened.js("() => [kg.network.body.nodeIndices.length, "
                       "kg.network.body.edgeIndices.length]")
    assert counts == [nodes, edges] and nodes > 10
    assert f"{nodes} of {nodes} nodes" in opened.page.inner_text("#kg-status")


def test_browser_example_legend_lists_the_kinds(open_page: Any, example_page: Path) -> None:
    legend = open_page(example_page).page.inner_text("#kg-legend")
    for kind in ("Person", "Organization", "Place", "Legislation", "Statement", "role",
                 "statement", "legislative action"):
        assert kind in legend


def test_browser_example_screenshot(open_page: Any, example_page: Path) -> None:
    opened = open_page(example_page)
    OUTPUT.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(OUTPUT / "example-graph.png"))
    opened.page.mouse.click(*edge_point(opened, "chairman"))
    assert "chairman" in opened.page.inner_text("#kg-panel mark")
    opened.page.screenshot(path=str(OUTPUT / "example-graph-edge.png"))


def test_browser_cli_focus_draws_the_neighbourhood(open_page: Any, example_build: Path,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "focus.html"
    result = run_kg("render", example_build, "-o", out, "--focus", "Shohrat Zakir",
                    "--depth", "1")
    assert result.returncode == 0, result.stderr
    expected = {d["label"] for _, d in neighbourhood(
        to_networkx(read_graph(example_build)), "Shohrat Zakir", 1).nodes(data=True)}
    opened = open_page(out)
    assert opened.shown_labels() == expected and "Shohrat Zakir" in expected
    assert len(expected) < len(to_networkx(read_graph(example_build)))
    assert opened.console == []


# ------------------------------------------------------------------ a hand-made article
def test_browser_click_on_an_edge_shows_its_sentence(open_page: Any, page_file: Path) -> None:
    opened = open_page(page_file)
    opened.page.mouse.click(*edge_point(opened, "chairman"))
    panel = opened.panel()
    assert "Shohrat Zakir \u2014 chairman \u2192 government of Xinjiang" in panel
    assert SENTENCES[0].strip() in panel
    assert opened.page.inner_text("#kg-panel mark") == "chairman"
    assert "rule-0" in panel and "confidence 0.90" in panel and "2018-10-16" in panel
    link = opened.page.get_attribute("#kg-panel a", "href")
    assert link == "https://example.org/news/1"


def test_browser_click_on_a_node_shows_its_provenance(open_page: Any, page_file: Path) -> None:
    opened = open_page(page_file)
    opened.page.mouse.click(*node_point(opened, "Regulation on De-extremification"))
    panel = opened.panel()
    assert panel.startswith("Regulation on De-extremification\nLegislation")
    assert "Standing Committee \u2014 amend \u2192 Regulation on De-extremification" in panel
    assert SENTENCES[2].strip() in panel
    opened.page.mouse.click(5, 880)  # the background unpins
    assert "Hover over or click" in opened.panel()


def test_browser_search_finds_an_entity(open_page: Any, page_file: Path) -> None:
    opened = open_page(page_file)
    opened.page.fill("#kg-search", "zak")
    assert opened.page.inner_text("#kg-results").splitlines() == ["Shohrat Zakir \u00b7 Person"]
    opened.page.press("#kg-search", "Enter")
    assert opened.panel().startswith("Shohrat Zakir\nPerson")
    zakir = opened.js("() => kg.info.nodes.findIndex(n => n.label === 'Shohrat Zakir')")
    assert opened.js("() => kg.network.getSelectedNodes()") == [zakir]
    opened.page.fill("#kg-search", "gov")  # a click on a result works as well
    opened.page.click("#kg-results button")
    assert opened.panel().startswith("government of Xinjiang\nOrganization")


def test_browser_focus_keeps_the_neighbourhood(open_page: Any, page_file: Path) -> None:
    opened = open_page(page_file)
    nx_graph = to_networkx(graph_of(make_article()))
    expected = {d["label"] for _, d in neighbourhood(nx_graph, "Shohrat Zakir", 1).nodes(
        data=True)}
    opened.page.select_option("#kg-depth", "1")
    opened.page.dblclick("#kg-net", position=_relative(opened, "Shohrat Zakir"))
    assert opened.shown_labels() == expected
    assert "around \u201cShohrat Zakir\u201d" in opened.page.inner_text("#kg-status")
    opened.page.click("#kg-reset")
    assert len(opened.shown_labels()) == nx_graph.number_of_nodes()
    opened.page.fill("#kg-search", "regulation")  # the toolbar button works as well
    opened.page.press("#kg-search", "Enter")
    opened.page.click("#kg-focus")
    assert opened.shown_labels() == {"Regulation on De-extremification", "Standing Committee"}


def _relative(opened: Opened, label: str) -> dict[str, float]:
    x, y = node_point(opened, label)
    box = opened.page.locator("#kg-net").bounding_box()
    return {"x": x - box["x"], "y": y - box["y"]}


def test_browser_filters_by_kind_and_by_article(open_page: Any, tmp_path: Path) -> None:
    graph = graph_of(make_article(), committee_article())
    opened = open_page(render_html(graph, tmp_path / "two.html"))
    all_labels = opened.shown_labels()
    opened.page.uncheck("#kg-legend input[data-kind='Statement']")
    assert {"said", "told", "praised"}.isdisjoint(opened.shown_labels())
    opened.page.uncheck("#kg-legend input[data-kind='action']")
    assert opened.js("() => kg.edgeView.get().every(e => kg.info.edges[e.id].type !== 'action')")
    opened.page.click("#kg-reset")
    assert opened.shown_labels() == all_labels
    opened.page.select_option("#kg-article", label="2018-10-17 \u00b7 Committee acts")
    assert opened.shown_labels() == {"Standing Committee", "Regulation on De-extremification"}
    assert opened.js("() => kg.edgeView.length") == 1  # the same action in both: one edge
    opened.page.mouse.click(*edge_point(opened, "amend"))
    assert "(2 facts)" in opened.panel() and "Committee acts" in opened.panel()


def test_browser_injection_does_not_run(open_page: Any, tmp_path: Path) -> None:
    page_file = render_html(graph_of(make_article()), tmp_path / "graph.html",
                            title=f"{SCRIPT} {NASTY}")
    opened = open_page(page_file)
    # Show every panel, the search results with the payloads, and the article menu.
    opened.js("""() => {
        kg.info.nodes.forEach((n, id) => kg.choose(id));
        kg.info.edges.forEach((e, id) => {
            kg.network.setSelection({nodes: [], edges: [id]});
            kg.network.body.emitter.emit("click", {nodes: [], edges: [id]});
        });
    }""")
    opened.page.fill("#kg-search", "eve")
    assert NASTY in opened.page.inner_text("#kg-results")
    opened.page.click("#kg-results button")
    assert NASTY in opened.panel()
    opened.page.wait_for_timeout(200)
    assert opened.js("() => window.__pwned") is None
    assert opened.dialogs == [] and opened.requests == [opened.url]
    assert opened.js("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert opened.js("() => document.scripts.length") == 3
    hrefs = opened.js("() => [...document.querySelectorAll('a')].map(a => a.href)")
    assert set(hrefs) == {"https://example.org/news/1"}
    assert opened.page.title() == f"{SCRIPT} {NASTY}"
    assert opened.console == []


def test_browser_large_graph_is_laid_out_in_python(open_page: Any, tmp_path: Path) -> None:
    names = [f"Person{n}" for n in range(600)]
    text = "".join(f"{name} is chairman of Acme. " for name in names)
    people = [Entity(name, "Person", name, (), (Span(text.index(name + " "),
                     text.index(name + " ") + len(name), name),)) for name in names]
    acme = Entity("acme", "Organization", "Acme", (), (Span(text.index("Acme"),
                  text.index("Acme") + 4, "Acme"),))
    roles = []
    for name in names[:550]:
        start = text.index(f"{name} is")
        sent = Span(start, start + len(f"{name} is chairman of Acme."),
                    f"{name} is chairman of Acme.")
        at = start + len(name) + 4
        roles.append(Role(name, "chairman", Evidence(sent, Span(at, at + 8, "chairman"), "r", 1),
                          organization="acme"))
    graph = graph_of(Article("big", text, entities=(*people, acme), roles=tuple(roles)))
    opened = open_page(render_html(graph, tmp_path / "big.html"))
    assert opened.js("() => [kg.network.body.nodeIndices.length, "
                     "kg.network.body.edgeIndices.length]") == [601, 550]
    assert opened.js("() => kg.network.physics.options.enabled") is False
    opened.page.fill("#kg-search", "person599")
    opened.page.press("#kg-search", "Enter")
    assert opened.panel().startswith("Person599\nPerson")
    assert opened.console == [] and opened.requests == [opened.url]


def test_browser_notebook_view_shows_inline(open_page: Any, tmp_path: Path) -> None:
    view = show(graph_of(make_article()), height=600)
    assert isinstance(view, View)
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><title>cell</title><body>{view._repr_html_()}</body>",
                    encoding="utf-8")
    opened = open_page(host, frame=True)
    frame = opened.page.frames[1]
    assert frame.evaluate("() => kg.network.body.nodeIndices.length") == drawn(
        to_networkx(graph_of(make_article())))[0]
    assert frame.evaluate("() => window.__pwned") is None
    assert opened.page.evaluate("() => window.__pwned") is None
    assert opened.requests == [opened.url] and opened.dialogs == []
    assert not [line for line in opened.console if not re.search(r"sandbox", line)]
