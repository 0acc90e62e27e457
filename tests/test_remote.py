"""Remote stores (``--store http://...``) against real servers: Oxigraph server and Virtuoso.

The servers run on loopback, started here and stopped by PID (``tests/servers.py``). The story
of ``test_store.py`` (the example and three follow-ups) is built once; each backend gets the
same article graphs in the same order, so the embedded store is the reference: the saved
queries, the index and the merge decisions must come out the same on every server.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from conftest import EXAMPLE, KG, run_kg
from servers import Server, environ, free_port, start_oxigraph, start_virtuoso
from test_store import STORY
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError, StoreError
from kg.graph import graph_iri
from kg.ingest import read_articles
from kg.pipeline import build_graphs
from kg.query import query, query_saved, saved_queries, select_articles
from kg.remote import RemoteStore
from kg.store import (
    DECISIONS,
    INDEX,
    _write,
    add_article,
    article_graphs,
    article_ids,
    check,
    connect,
    decisions,
    plan_article,
    remove_article,
    unmerge,
)

BACKENDS = ["oxigraph", "virtuoso"]
NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}


# ------------------------------------------------------------------ servers and data
@pytest.fixture(scope="session")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The story's article graphs as ``kg build`` makes them, in the story's order."""
    folder = tmp_path_factory.mktemp("remote-story")
    paths = [EXAMPLE]
    for name, text in STORY.items():
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    out = []
    for article in read_articles(paths):  # one at a time, as kg ingest parses them
        for built, ds in build_graphs([article]):
            out.append(ds.graph(graph_iri(built.id)))
    assert len(out) == 4
    return out


@pytest.fixture(scope="session")
def embedded(graphs: list[Any], tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The reference: the story in the embedded store."""
    db = connect(tmp_path_factory.mktemp("embedded") / "store", create=True)
    assert isinstance(db, ox.Store)
    for graph in graphs:
        add_article(db, graph)
    return db


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Virtuoso for the session (its first start takes ~5 s)."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


def remote(server: Server, *, retries: int = 2, **options: Any) -> RemoteStore:
    """A RemoteStore for ``server``, configured as ``kg`` would be by its environment."""
    env = server.env
    settings: dict[str, Any] = {
        "query_url": env.get("NEWSKG_STORE_QUERY_URL"),
        "update_url": env.get("NEWSKG_STORE_UPDATE_URL"),
        "graph_url": env.get("NEWSKG_STORE_GRAPH_URL"), "user": env.get("NEWSKG_STORE_USER"),
        "password": env.get("NEWSKG_STORE_PASSWORD"), "retries": retries}
    settings.update(options)
    return RemoteStore(base_url(server), **settings)


def base_url(server: Server) -> str:
    return server.url.rsplit("/sparql", 1)[0]


def wipe(db: RemoteStore) -> None:
    """Drop every newskg graph of the server (a server's own graphs stay)."""
    graphs = list(db.named_graphs())
    if graphs:
        db.update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in graphs))


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest) -> Server:
    """Each server in turn (the session's)."""
    found: Server = request.getfixturevalue(f"{request.param}_server")
    return found


@pytest.fixture
def fresh(server: Server) -> RemoteStore:
    """A store on ``server`` holding nothing of newskg's."""
    db = remote(server)
    wipe(db)
    server.state = ""
    return db


@pytest.fixture
def loaded(server: Server, graphs: list[Any]) -> RemoteStore:
    """A store on ``server`` holding the story (loaded again only if a test changed it)."""
    db = remote(server)
    if server.state != "story":
        wipe(db)
        for graph in graphs:
            add_article(db, graph)
        server.state = "story"
    return db


@pytest.fixture
def changed(server: Server, graphs: list[Any]) -> RemoteStore:
    """A store on ``server`` holding the story, that the test may change."""
    db = remote(server)
    wipe(db)
    for graph in graphs:
        add_article(db, graph)
    server.state = ""
    return db


# ------------------------------------------------------------------ comparing results
def _term(term: Any) -> tuple[str, ...]:
    if term is None:
        return ("unbound",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        if term.datatype.value in NUMERIC:  # servers write 0.90 as 0.9: compare values
            return ("number", str(Decimal(term.value).normalize()))
        return ("literal", term.value, term.language or "", term.datatype.value)
    return ("other", str(term))


_CONCAT = re.compile(r'GROUP_CONCAT\((?:DISTINCT\s+)?\?\w+;\s*separator="([^"]*)"\)\s+AS\s+\?(\w+)',
                     re.IGNORECASE)


def rows(db: Any, name: str, **scope: Any) -> list[tuple[tuple[str, ...], ...]]:
    """A saved query's rows, normalised: row order, number spelling, GROUP_CONCAT order.

    SPARQL leaves the order of GROUP_CONCAT's parts to the engine, so each concatenation is
    compared as the sorted list of its parts. With ``scope``: over that scope's articles
    (``kg.query.query_saved``), else over every article.
    """
    text = saved_queries()[name][1]
    result = query_saved(db, name, **scope) if scope else query(db, text)
    concat = {var: sep for sep, var in _CONCAT.findall(text)}
    out = []
    for row in result.rows:
        terms = []
        for var, term in zip(result.variables, row, strict=True):
            if var in concat and isinstance(term, ox.Literal):
                terms.append(("parts", *sorted(term.value.split(concat[var]))))
            else:
                terms.append(_term(term))
        out.append(tuple(terms))
    return sorted(out)


def bookkeeping(db: Any) -> set[tuple[tuple[str, ...], ...]]:
    """The index and decision graphs, as normalised triples."""
    return {(_term(q.subject), _term(q.predicate), _term(q.object), _term(q.graph_name))
            for g in (INDEX, DECISIONS) for q in db.quads_for_pattern(None, None, None, g)}


def article_quads(db: Any) -> set[tuple[tuple[str, ...], ...]]:
    """The article graphs, as normalised quads."""
    return {(_term(q.subject), _term(q.predicate), _term(q.object), _term(q.graph_name))
            for g in article_graphs(db) for q in db.quads_for_pattern(None, None, None, g)}


# ------------------------------------------------------------------ the same answers
@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_remote_saved_query_gives_the_embedded_rows(name: str, loaded: RemoteStore,
                                                    embedded: ox.Store) -> None:
    expected = rows(embedded, name)
    assert expected, f"{name}: no rows on the story: the comparison would prove nothing"
    assert rows(loaded, name) == expected


@pytest.mark.parametrize("scope", [
    {"page": 2, "page_size": 2}, {"about": "Shohrat Zakir", "page": 1, "page_size": 3},
    {"since": "2018-10-17", "until": "2018-10-20"}, {"articles": ["xinjiang-2018-10-16"]}])
def test_remote_scoped_saved_queries_as_embedded(scope: dict[str, Any], loaded: RemoteStore,
                                                 embedded: ox.Store) -> None:
    """A page of articles goes to the server as named-graph-uri and default-graph-uri: the
    same articles, and the same rows of every saved query, as on the embedded store."""
    page = select_articles(embedded, **scope)
    assert 0 < len(page.articles) < 4, "the scope must leave some articles out"
    assert select_articles(loaded, **scope) == page
    for name in sorted(saved_queries()):
        assert rows(loaded, name, **scope) == rows(embedded, name, **scope), name


def test_remote_default_graph_is_the_union(loaded: RemoteStore, embedded: ox.Store) -> None:
    """A query without GRAPH sees every article, as on the embedded store."""
    text = "SELECT ?id WHERE { ?a a schema:NewsArticle ; schema:identifier ?id } ORDER BY ?id"
    expected = query(embedded, text).records()
    assert len(expected) == 4
    assert query(loaded, text).records() == expected


def test_remote_protocol_dataset_as_embedded(loaded: RemoteStore, embedded: ox.Store) -> None:
    """``default-graph-uri`` (as ``kg serve`` passes it on) narrows the default graph to one
    article on the server, as on the embedded store."""
    text = "SELECT ?id WHERE { ?a a schema:NewsArticle ; schema:identifier ?id } ORDER BY ?id"
    graph = str(query(embedded, "SELECT ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle } } "
                                "ORDER BY ?g LIMIT 1").rows[0][0].value)
    expected = query(embedded, text, default_graphs=[graph]).records()
    assert len(expected) == 1
    assert query(loaded, text, default_graphs=[graph]).records() == expected


def test_remote_construct_gives_the_embedded_triples(loaded: RemoteStore,
                                                     embedded: ox.Store) -> None:
    text = ("CONSTRUCT { ?p a schema:Person ; schema:name ?n } "
            "WHERE { GRAPH ?g { ?p a schema:Person ; schema:name ?n } }")
    expected = {tuple(map(_term, (t.subject, t.predicate, t.object)))
                for t in query(embedded, text).triples or []}
    assert len(expected) > 3
    assert {tuple(map(_term, (t.subject, t.predicate, t.object)))
            for t in query(loaded, text).triples or []} == expected


def test_remote_resolution_and_index_as_embedded(loaded: RemoteStore,
                                                 embedded: ox.Store) -> None:
    assert article_ids(loaded) == article_ids(embedded)
    assert bookkeeping(loaded) == bookkeeping(embedded)
    assert [d["mergedInto"] for d in decisions(loaded)] == \
        [d["mergedInto"] for d in decisions(embedded)]
    assert check(loaded) == []


def test_remote_article_graphs_as_embedded(loaded: RemoteStore, embedded: ox.Store) -> None:
    expected = article_quads(embedded)
    assert len(expected) > 1000
    assert article_quads(loaded) == expected


# ------------------------------------------------------------------ changes
def test_remote_reingest_changes_nothing(changed: RemoteStore, graphs: list[Any]) -> None:
    before = bookkeeping(changed)
    assert [add_article(changed, g).status for g in graphs] == ["unchanged"] * 4
    assert bookkeeping(changed) == before


def test_remote_remove_as_embedded(changed: RemoteStore, graphs: list[Any],
                                   tmp_path: Path) -> None:
    reference = connect(tmp_path / "store", create=True)
    for graph in graphs:
        add_article(reference, graph)
    article_id = article_ids(reference)[-1]
    remove_article(reference, article_id)
    remove_article(changed, article_id)
    assert article_id not in article_ids(changed)
    assert bookkeeping(changed) == bookkeeping(reference)
    assert check(changed) == []
    with pytest.raises(StoreError, match="no article"):
        remove_article(changed, article_id)


def test_remote_unmerge_as_embedded(changed: RemoteStore, graphs: list[Any],
                                    tmp_path: Path) -> None:
    reference = connect(tmp_path / "store", create=True)
    for graph in graphs:
        add_article(reference, graph)
    decision = decisions(reference)[0]["decision"]
    assert unmerge(changed, decision) == unmerge(reference, decision)
    assert bookkeeping(changed) == bookkeeping(reference)
    assert check(changed) == []


def _recorded_updates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The update requests sent from now on, in order."""
    sent: list[str] = []
    update = RemoteStore.update

    def recorded(self: RemoteStore, sparql: str) -> None:
        sent.append(sparql)
        update(self, sparql)

    monkeypatch.setattr(RemoteStore, "update", recorded)
    return sent


def test_remote_each_article_change_is_one_update_request(
        fresh: RemoteStore, graphs: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _recorded_updates(monkeypatch)
    for graph in graphs:
        add_article(fresh, graph)
    assert len(sent) == 4  # one per article, index and decisions included
    assert "GRAPH <https://w3id.org/newskg/store/index>" in sent[1]
    assert "GRAPH <https://w3id.org/newskg/store/decisions>" in sent[1]
    sent.clear()
    remove_article(fresh, article_ids(fresh)[0])
    assert len(sent) == 1 and sent[0].startswith("DROP SILENT GRAPH")


def test_remote_resolution_reads_the_index_by_key_only(
        fresh: RemoteStore, graphs: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query of the index names the keys or the entity it wants: no scan."""
    for graph in graphs[:3]:
        add_article(fresh, graph)
    asked: list[str] = []
    run = RemoteStore.query

    def recorded(self: RemoteStore, sparql: str, **options: Any) -> Any:
        asked.append(sparql)
        return run(self, sparql, **options)

    monkeypatch.setattr(RemoteStore, "query", recorded)
    change = add_article(fresh, graphs[3])
    assert change.merged  # the last article links to stored entities
    on_index = [q for q in asked if str(INDEX) in q]
    keys = [q for q in on_index if "store#key" in q]
    assert keys and all("VALUES ?key" in q for q in keys)
    for q in on_index:  # a subject, an object or VALUES is always bound
        assert "VALUES" in q or re.search(r"\{ (<[^>]+>|\?s <[^>]+> (<|\"))", q), q


def test_remote_replacing_an_article_is_one_request(changed: RemoteStore, graphs: list[Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Same id, new content: DROP and INSERT DATA (with the index changes) in one request."""
    sent = _recorded_updates(monkeypatch)
    graph = _retitled(graphs[0])
    assert add_article(changed, graph).status == "replaced"
    assert len(sent) == 1
    assert sent[0].startswith("DROP SILENT GRAPH <https://w3id.org/newskg/graph/")
    assert "INSERT DATA" in sent[0]
    assert check(changed) == []


def _retitled(graph: Any) -> Any:
    """A copy of an article graph with a new headline (same id: a replacement)."""
    from rdflib import Graph, Literal

    from kg.vocab import RDF, SDO

    copy = Graph(identifier=graph.identifier)
    for triple in graph:
        copy.add(triple)
    article = next(copy.subjects(RDF.type, SDO.NewsArticle))
    copy.set((article, SDO.headline, Literal("A new headline", lang="en")))
    return copy


@pytest.mark.parametrize("backend", BACKENDS)
def test_remote_rejected_request_leaves_the_previous_state(
        backend: str, request: pytest.FixtureRequest, graphs: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The server rejects the replacement: not even its DROP is applied."""
    server: Server = request.getfixturevalue(f"{backend}_server")
    db = remote(server)
    wipe(db)
    server.state = ""
    for graph in graphs:
        add_article(db, graph)
    before, quads_before = bookkeeping(db), article_quads(db)
    update = RemoteStore.update
    # the request ends with something the server cannot parse, after the DROP and the data
    monkeypatch.setattr(RemoteStore, "update",
                        lambda self, sparql: update(self, sparql + " ;\nINSERT DATA { oops }"))
    with pytest.raises(StoreError, match="HTTP 400"):
        add_article(db, _retitled(graphs[0]))
    monkeypatch.setattr(RemoteStore, "update", update)
    assert bookkeeping(db) == before
    assert article_quads(db) == quads_before
    assert check(db) == []


def test_remote_server_stopped_mid_run_leaves_whole_articles(graphs: list[Any],
                                                             tmp_path: Path) -> None:
    """The server goes away between two articles: a clear error, the first article whole;
    started again, the same run completes."""
    port = free_port()
    server = start_oxigraph(tmp_path / "data", port=port)
    try:
        db = RemoteStore(server.url, retries=1)
        add_article(db, graphs[0])
        server.stop()
        with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
            add_article(db, graphs[1])
        server = start_oxigraph(tmp_path / "data", port=port)
        db = RemoteStore(server.url, retries=1)
        assert article_ids(db) == ["xinjiang-2018-10-16"]
        assert check(db) == []
        assert [add_article(db, g).status for g in graphs] == ["unchanged"] + ["added"] * 3
        assert check(db) == []
    finally:
        server.stop()


def _padded(graph: Any, n: int) -> Any:
    """A copy of an article graph with ``n`` more triples (a very long article)."""
    from rdflib import Graph, Literal

    from kg.vocab import RDF, SDO

    copy = Graph(identifier=graph.identifier)
    for triple in graph:
        copy.add(triple)
    article = next(copy.subjects(RDF.type, SDO.NewsArticle))
    for i in range(n):
        copy.add((article, SDO.comment, Literal(f"note {i}")))
    return copy


def test_remote_long_article_is_still_one_request(fresh: RemoteStore, graphs: list[Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """6,000 more triples: Virtuoso refuses that in one GRAPH block, or without its pragma."""
    sent = _recorded_updates(monkeypatch)
    add_article(fresh, graphs[0])
    long = _padded(graphs[0], 6000)
    assert add_article(fresh, long).status == "replaced"
    assert len(sent) == 2
    g = next(iter(article_graphs(fresh)))
    assert len(list(fresh.quads_for_pattern(None, None, None, g))) == len(long)
    assert check(fresh) == []


@pytest.fixture(scope="session")
def long_graph(graphs: list[Any]) -> Any:
    """The example with 15,000 more triples: a replacement that takes a while to apply."""
    return _padded(graphs[0], 15000)


@pytest.mark.parametrize("backend", BACKENDS)
def test_remote_server_killed_during_a_replacement(
        backend: str, request: pytest.FixtureRequest, graphs: list[Any],
        long_graph: Any) -> None:
    """SIGKILL while the server applies a long replacement (DROP, then 15,000 triples and
    the index changes, in one request): after a restart the article is the old one or the
    new one, whole, with a consistent index; never a mix."""
    server: Server = request.getfixturevalue(f"{backend}_server")
    db = remote(server, retries=0)
    wipe(db)
    server.state = ""
    add_article(db, graphs[0])
    old = article_quads(db)
    plan = plan_article(db, long_graph)  # worked out here; only the request is in flight
    assert plan.change.status == "replaced" and plan.drop
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            _write(db, drop=plan.drop, delete=plan.delete, insert=plan.insert)
            outcome.append(None)
        except StoreError as exc:
            outcome.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.3 if backend == "oxigraph" else 1.0)
    server.kill()
    writer.join(timeout=120)
    server.restart()
    db = remote(server)
    now = article_quads(db)
    assert now == old or len(now) == len(long_graph), (len(now), len(old), len(long_graph))
    assert check(db) == []
    if outcome[0] is not None:  # the client saw the request fail
        message = str(outcome[0])
        # a server can commit a request and die before it answers: the client cannot know,
        # so the error must say the change may be applied (whole), never that it was not
        if now != old:
            assert "may still apply this change, whole or not at all" in message, message
        if "was not written" in message:
            assert now == old


# ------------------------------------------------------------------ failures
class _Flaky:
    """An httpx transport failing ``failures`` times (an exception or an HTTP status) first."""

    def __init__(self, failures: list[Any]) -> None:
        self.failures = failures
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, int):
                return httpx.Response(failure, text="busy")
            raise failure
        return httpx.Response(200, json={"head": {}, "boolean": True},
                              headers={"Content-Type": "application/sparql-results+json"})


def _with_transport(db: RemoteStore, handler: Any) -> RemoteStore:
    db._client = httpx.Client(transport=httpx.MockTransport(handler), auth=db._client.auth)
    return db


@pytest.mark.parametrize("failures", [
    [httpx.ConnectError("Connection refused")], [503, 502], [504, httpx.ConnectError("refused")]])
def test_remote_transient_failures_are_retried_with_backoff(
        failures: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("kg.remote.time.sleep", waits.append)
    transport = _Flaky(list(failures))
    db = _with_transport(RemoteStore("http://127.0.0.1:9"), transport)
    db.ping()
    assert len(transport.seen) == len(failures) + 1
    assert waits == [0.25 * 2 ** i for i in range(len(failures))]


def test_remote_server_started_after_the_first_try(tmp_path: Path) -> None:
    """Connection refused at first: the retries wait for a server that is starting."""
    port = free_port()
    started: list[Server] = []
    starter = threading.Timer(0.3, lambda: started.append(
        start_oxigraph(tmp_path / "data", port=port)))
    starter.start()
    try:
        RemoteStore(f"http://127.0.0.1:{port}", retries=6).ping()
    finally:
        starter.join()
        for server in started:
            server.stop()


def test_remote_gives_up_after_the_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.remote.time.sleep", lambda _: None)
    transport = _Flaky([503] * 10)
    db = _with_transport(RemoteStore("http://127.0.0.1:9", retries=3), transport)
    with pytest.raises(StoreError, match="HTTP 503"):
        db.update("INSERT DATA { <http://a> <http://b> <http://c> }")
    assert len(transport.seen) == 4


def test_remote_rejected_query_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    transport = _Flaky([400])
    db = _with_transport(RemoteStore("http://127.0.0.1:9"), transport)
    with pytest.raises(QueryError, match="rejected the query"):
        db.query("ASK { ?s ?p ?o }")
    assert len(transport.seen) == 1


def test_remote_bad_sparql_is_caught_before_sending() -> None:
    transport = _Flaky([])
    db = _with_transport(RemoteStore("http://127.0.0.1:9"), transport)
    with pytest.raises(QueryError, match="bad SPARQL"):
        query(db, "SELECT ?x WHERE { ?x }")
    assert transport.seen == []


def test_remote_basic_credentials_answer_a_basic_challenge() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != httpx.BasicAuth("ann", "pw")._auth_header:
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="kg"'})
        return httpx.Response(200, json={"head": {}, "boolean": True})

    _with_transport(RemoteStore("http://127.0.0.1:9", user="ann", password="pw"), handler).ping()
    wrong = _with_transport(RemoteStore("http://127.0.0.1:9", user="ann", password="no"), handler)
    with pytest.raises(StoreError, match="refused the credentials"):
        wrong.ping()


def test_remote_digest_credentials_on_virtuoso(virtuoso_server: Server) -> None:
    db = remote(virtuoso_server)
    db.update("INSERT DATA { GRAPH <https://w3id.org/newskg/graph/t> { <http://a> <http://b> 1 } }")
    db.update("DROP SILENT GRAPH <https://w3id.org/newskg/graph/t>")
    wrong = remote(virtuoso_server, user="dba", password="not-the-password")
    with pytest.raises(StoreError, match="refused the credentials"):
        wrong.update("DROP SILENT GRAPH <https://w3id.org/newskg/graph/t>")
    anonymous = remote(virtuoso_server, user=None, password=None)
    with pytest.raises(StoreError,
                       match=r"asks for credentials \(HTTP 401, update\); set NEWSKG_STORE_USER"):
        anonymous.update("DROP SILENT GRAPH <https://w3id.org/newskg/graph/t>")


def test_remote_timeout_is_a_clear_error() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        db = RemoteStore(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.3)
        with pytest.raises(StoreError, match=r"no answer within 0.3 s"):
            db.ping()


def test_remote_credentials_in_the_url_are_refused_unshown() -> None:
    with pytest.raises(StoreError, match="NEWSKG_STORE_USER") as caught:
        RemoteStore("http://ann:secret@127.0.0.1:9")
    assert "secret" not in str(caught.value)


def test_remote_read_only_refuses_writes(oxigraph_server: Server) -> None:
    db = RemoteStore(oxigraph_server.url, read_only=True)
    with pytest.raises(OSError, match="read-only"):
        db.update("DROP SILENT GRAPH <https://w3id.org/newskg/graph/x>")


# ------------------------------------------------------------------ the commands
def test_remote_cli_unreachable_server_is_one_error_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run([str(KG), "query", url, "--named", "articles"],
                            capture_output=True, text=True, timeout=60, check=False,
                            env={**_clean_environ(), "NEWSKG_STORE_RETRIES": "1"})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert "cannot reach the SPARQL server" in result.stderr


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_STORE_")}


def test_remote_cli_refused_credentials_is_one_error_line(virtuoso_server: Server) -> None:
    env = environ(virtuoso_server, NEWSKG_STORE_PASSWORD="wrong")
    result = subprocess.run([str(KG), "remove", "some-article", "--store",
                             base_url(virtuoso_server)],
                            capture_output=True, text=True, timeout=60, check=False, env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert "the server refused the credentials" in result.stderr
    assert "wrong" not in result.stderr  # the password is never shown


def test_remote_cli_ingest_query_render_export_remove(tmp_path: Path,
                                                      example_build: Path) -> None:
    """The commands a user runs, against an Oxigraph server of its own."""
    server = start_oxigraph(tmp_path / "data")
    try:
        url = server.url
        result = run_kg("ingest", EXAMPLE, "--store", url)
        assert result.returncode == 0, result.stderr
        assert "added xinjiang-2018-10-16" in result.stderr
        csv = run_kg("query", url, "--named", "articles", "--format", "csv").stdout
        assert csv.splitlines()[1].startswith("xinjiang-2018-10-16,")
        runner = CliRunner()
        page = tmp_path / "view.html"
        assert runner.invoke(app, ["render", url, "-o", str(page)]).exit_code == 0
        assert "Shohrat Zakir" in page.read_text(encoding="utf-8")
        exported = tmp_path / "graph.json"
        assert runner.invoke(app, ["export", url, "-f", "json", "-o", str(exported)]).exit_code == 0
        assert "Shohrat Zakir" in exported.read_text(encoding="utf-8")
        dry = runner.invoke(app, ["ingest", str(EXAMPLE), "--store", url, "--dry-run"])
        assert dry.exit_code == 0 and "dry run: unchanged" in dry.stdout
        assert runner.invoke(app, ["remove", "xinjiang-2018-10-16", "--store", url]).exit_code == 0
        assert article_ids(RemoteStore(url)) == []
        merged = runner.invoke(app, ["merge", str(example_build), "--store", url])
        assert merged.exit_code == 0 and "added xinjiang-2018-10-16" in merged.stderr
        assert article_ids(RemoteStore(url)) == ["xinjiang-2018-10-16"]
    finally:
        server.stop()


def test_remote_binaries_installed() -> None:
    """``make test`` installs both servers (the dev extra and the Makefile's apt-get)."""
    from servers import oxigraph_binary

    assert Path(oxigraph_binary()).exists()
    assert shutil.which("virtuoso-t") is not None
