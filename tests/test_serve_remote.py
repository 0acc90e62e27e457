"""``kg serve --store http://...``: the endpoint and the view over a remote SPARQL server.

The servers (Oxigraph server, Virtuoso) run on loopback and are stopped by PID
(``tests/servers.py``). ``kg ingest`` puts the example articles in a store directory, the
reference, and its quads (articles, index, decisions) are copied to each server in one update
(``kg ingest`` on a server is tested in test_remote.py; this saves a spaCy run per server):
what ``kg serve`` forwards must give the reference's rows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import KG
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic
from servers import Server as Remote
from servers import environ, free_port, start_oxigraph, start_virtuoso
from test_serve import (
    ASK,
    CONSTRUCT,
    EXAMPLES,
    SELECT,
    Server,
    expected,
    get,
    http,
    names,
    one_error,
    start,
)

from kg.graph import graph_iri
from kg.remote import RemoteStore
from kg.store import connect

PREFIX = "PREFIX schema: <https://schema.org/>\n"
DISTINCT = ("SELECT DISTINCT ?name WHERE { ?e a schema:Person ; schema:name ?name } "
            "ORDER BY ?name")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example articles in a store directory."""
    path = tmp_path_factory.mktemp("reference") / "store"
    result = subprocess.run([str(KG), "ingest", *map(str, EXAMPLES), "--store", str(path)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return path


def load(server: Remote, reference: Path) -> None:
    """Every quad of the reference store onto ``server``, in one update request."""
    env = server.env
    db = RemoteStore(_base(server), query_url=env.get("NEWSKG_STORE_QUERY_URL"),
                     update_url=env.get("NEWSKG_STORE_UPDATE_URL"),
                     user=env.get("NEWSKG_STORE_USER"),
                     password=env.get("NEWSKG_STORE_PASSWORD"))
    quads = list(connect(reference, read_only=True).quads_for_pattern(None, None, None))
    assert len(quads) > 100
    db.extend(quads)
    db.close()


@pytest.fixture(scope="module")
def oxigraph(reference: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    """An Oxigraph server holding the example articles."""
    server = start_oxigraph(tmp_path_factory.mktemp("serve-oxigraph") / "data")
    try:
        load(server, reference)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def served(oxigraph: Remote, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve`` over the Oxigraph server."""
    running = start(oxigraph.url, tmp_path_factory.mktemp("log") / "serve.log",
                    env=environ(oxigraph))
    yield running
    assert running.stop() == 0, running.log.read_text()  # Ctrl-C stops it cleanly


# ------------------------------------------------------------------ real clients
def test_serve_remote_sparqlwrapper_select(served: Server, reference: Path) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(served.url + "sparql")
    client.setQuery(PREFIX + SELECT)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    got = [b["name"]["value"] for b in answer["results"]["bindings"]]
    want = names(expected(reference, SELECT).rows)
    assert want and got == want


def test_serve_remote_sparqlwrapper_construct(served: Server, reference: Path) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(served.url + "sparql")
    client.setQuery(PREFIX + CONSTRUCT)
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert isinstance(turtle, bytes)
    got = Graph().parse(data=turtle, format="turtle")
    want = expected(reference, CONSTRUCT).to_graph()
    assert len(want) and isomorphic(got, want), graph_diff(got, want)


def test_serve_remote_protocol_dataset_and_errors(served: Server, reference: Path) -> None:
    status, _, body = get(served, ASK, accept="application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e a schema:Person } } ORDER BY ?g"
    first = expected(reference, graphs).rows[0][0].value
    status, _, body = get(served, graphs, accept="text/csv", **{"named-graph-uri": first})
    assert status == 200 and body.decode().split() == ["g", first]
    status, _, body = get(served, "SELECT ?x WHERE {", accept="text/csv")
    assert status == 400 and body.startswith(b"bad SPARQL")


def test_serve_remote_view_draws_the_servers_entities(served: Server, reference: Path) -> None:
    status, headers, body = http(served.url + "view")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    people = sorted(set(names(expected(reference, SELECT).rows)))
    assert people and all(name in page for name in people)
    count = re.compile(r"(\d+) nodes")
    status, _, body = http(served.url + "view?" + urllib.parse.urlencode(
        {"focus": people[0], "depth": "1"}))
    assert status == 200 and people[0] in body.decode()
    assert int(count.findall(body.decode())[0]) < int(count.findall(page)[0])
    status, _, body = http(served.url + "view?focus=nobody-at-all")
    assert status == 404 and b"nobody-at-all" in body


def test_serve_remote_view_sees_changes_made_while_it_runs(reference: Path,
                                                          tmp_path: Path) -> None:
    """Nothing read for one view is kept for the next: a removed article leaves the view, a
    changed article graph is drawn as it is now."""
    server = start_oxigraph(tmp_path / "data")
    try:
        load(server, reference)
        running = start(server.url, tmp_path / "serve.log", env=environ(server))
        try:
            count = re.compile(r"(\d+) nodes")
            before = int(count.findall(http(running.url + "view")[2].decode())[0])
            gone = "xinjiang-follow-up-2018-10-20"
            result = subprocess.run([str(KG), "remove", gone, "--store", server.url],
                                    capture_output=True, text=True, timeout=60, check=False,
                                    env=environ(server))
            assert result.returncode == 0, result.stderr
            kept = graph_iri("xinjiang-2018-10-16")
            added = (f"INSERT DATA {{ GRAPH <{kept}> {{ <urn:x:ada> a <https://schema.org/Person> "
                     '; <https://schema.org/name> "Ada Remoteview"@en } }')
            httpx.post(f"{server.url}/update", data={"update": added},
                       timeout=30).raise_for_status()
            status, _, body = http(running.url + "view")
            assert status == 200 and int(count.findall(body.decode())[0]) < before
            assert "Ada Remoteview" in body.decode()  # the kept article's graph, read again
            articles = "SELECT ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle } }"
            status, _, body = get(running, articles, accept="text/csv")
            assert status == 200 and gone not in body.decode() and "xinjiang-2018" in body.decode()
        finally:
            assert running.stop() == 0, running.log.read_text()
    finally:
        server.stop()


def test_serve_remote_query_page(served: Server, oxigraph: Remote) -> None:
    status, _, body = http(served.url)
    assert status == 200 and oxigraph.url.encode() in body


# ------------------------------------------------------------------ Virtuoso, with Digest
@pytest.fixture(scope="module")
def virtuoso(reference: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    """Virtuoso holding the example articles; kg serve asks ``/sparql-auth`` (Digest)."""
    server = start_virtuoso(tmp_path_factory.mktemp("serve-virtuoso"))
    try:
        server.env["NEWSKG_STORE_QUERY_URL"] = server.url + "-auth"
        load(server, reference)
        yield server
    finally:
        server.stop()


def _base(server: Remote) -> str:
    return server.url.rsplit("/sparql", 1)[0]


def test_serve_remote_virtuoso_select(virtuoso: Remote, reference: Path,
                                      tmp_path: Path) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    running = start(_base(virtuoso), tmp_path / "serve.log", env=environ(virtuoso))
    try:
        client = SPARQLWrapper(running.url + "sparql")
        client.setQuery(PREFIX + DISTINCT)
        client.setReturnFormat(JSON)
        answer = client.query().convert()
        assert isinstance(answer, dict)
        got = [b["name"]["value"] for b in answer["results"]["bindings"]]
        want = [row[0].value for row in expected(reference, DISTINCT).rows]
        assert want and got == want
    finally:
        assert running.stop() == 0, running.log.read_text()


def test_serve_remote_refused_credentials_at_start(virtuoso: Remote) -> None:
    line = one_error(["--store", _base(virtuoso), "--port", "0"],
                     env=environ(virtuoso, NEWSKG_STORE_PASSWORD="wrong"))
    assert "refused the credentials" in line and "wrong" not in line


# ------------------------------------------------------------------ limits and start-up
def test_serve_remote_limit_and_timeout(tmp_path: Path) -> None:
    """--limit cuts the forwarded answer; --timeout stops the wait for a runaway query.

    The Oxigraph server goes on with that query after kg serve has answered 503: it has a
    server of its own here, killed by PID at the end.
    """
    server = start_oxigraph(tmp_path / "data")
    try:
        triples = " ".join(f"<urn:x:{i}> <urn:x:p> {i} ." for i in range(300))
        httpx.post(f"{server.url}/update", data={"update": f"INSERT DATA {{ {triples} }}"},
                   timeout=30).raise_for_status()
        running = start(server.url, tmp_path / "serve.log", "--limit", "3", "--timeout", "1",
                        env=environ(server))
        try:
            status, headers, body = get(running, "SELECT ?s WHERE { ?s ?p ?o }",
                                        accept="text/csv")
            assert status == 200 and headers["X-KG-Truncated"] == "true"
            assert len(body.decode().splitlines()) == 1 + 3
            status, headers, body = get(running, "CONSTRUCT WHERE { ?s ?p ?o }",
                                        accept="application/n-triples")
            assert len(body.decode().splitlines()) == 3 and headers["X-KG-Truncated"] == "true"
            runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
            began = time.monotonic()
            status, _, body = get(running, runaway)
            assert status == 503 and b"timeout of 1 s" in body, body
            assert time.monotonic() - began < 20  # not the 300^4 rows' minutes
            status, _, body = get(running, "ASK { ?s ?p 7 }", accept="application/json")
            assert status == 200 and json.loads(body)["boolean"] is True
        finally:
            assert running.stop() == 0, running.log.read_text()
    finally:
        server.kill()  # busy with the runaway query: SIGKILL by its PID


def test_serve_remote_unreachable_server_is_one_error_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_STORE_")}
    env["NEWSKG_STORE_RETRIES"] = "1"
    line = one_error(["--store", url, "--port", "0"], env=env)
    assert "cannot reach the SPARQL server" in line and url in line
