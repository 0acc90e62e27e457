"""``kg serve`` as its users meet it: a subprocess on a free port, queried by real clients.

The store is made from the example articles by ``kg ingest``; the servers are started with
``--port 0`` (the URL is read from their first stdout line) and stopped by PID. Answers are
checked against ``kg.query.query`` on the same store opened read-only, so the rows are the
store's, not numbers copied into the test.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import KG, ROOT
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from kg.graph import graph_iri
from kg.query import format_result, query, saved_queries
from kg.store import connect

EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
SELECT = "SELECT ?e ?name WHERE { ?e a schema:Person ; schema:name ?name } ORDER BY ?name"
CONSTRUCT = "CONSTRUCT { ?e schema:name ?name } WHERE { ?e a schema:Person ; schema:name ?name }"
ASK = "ASK { ?e a schema:Person }"
#: Every triple of the store three times over: minutes of work, unless it is stopped.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
        code = self.process.wait(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


def start(store: Path | str, log: Path, *args: str, env: dict[str, str] | None = None,
          sigint_ignored: bool = False) -> Server:
    """``kg serve --store STORE --port 0 ARGS``, once it has printed its URL.

    ``sigint_ignored``: started as a shell's background job is, with SIGINT ignored.
    """
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    with log.open("w") as stderr:
        process = subprocess.Popen([str(KG), "serve", "--store", str(store), "--port", "0",
                                    *args], stdout=subprocess.PIPE, stderr=stderr, text=True,
                                   env=env, preexec_fn=ignore_sigint if sigint_ignored else None)
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("http://"):
        process.kill()
        process.wait()
        pytest.fail(f"kg serve did not start: {line!r} {log.read_text()}")
    return Server(process, line.strip(), log)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    result = subprocess.run([str(KG), "ingest", *map(str, EXAMPLES), "--store", str(path)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start(store, tmp_path_factory.mktemp("log") / "serve.log", "--timeout", "20")
    yield running
    assert running.stop() == 0, running.log.read_text()


@pytest.fixture
def copy(store: Path, tmp_path: Path) -> Path:
    """A copy of the store (the module's server holds the store's lock)."""
    target = tmp_path / "store"
    shutil.copytree(store, target)
    return target


def expected(store: Path, sparql: str) -> Any:
    return query(connect(store, read_only=True), sparql)


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get(server: Server, sparql: str, **params: str) -> tuple[int, dict[str, str], bytes]:
    accept = params.pop("accept", None)
    query_string = urllib.parse.urlencode({"query": sparql, **params})
    return http(f"{server.url}sparql?{query_string}",
                headers={"Accept": accept} if accept else None)


def names(rows: Any) -> list[str]:
    """The lexical values in the second column of ``kg.query`` rows."""
    return [row[1].value for row in rows]


# ------------------------------------------------------------------ real clients
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_serve_sparqlwrapper_select(server: Server, store: Path, fmt: str) -> None:
    from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("PREFIX schema: <https://schema.org/>\n" + SELECT)
    client.setReturnFormat({"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}[fmt])
    answer = client.query()
    want = [row[1].value for row in expected(store, SELECT).rows]
    assert want, "the example articles name people"
    if fmt == "json":
        got = [b["name"]["value"] for b in answer.convert()["results"]["bindings"]]
    elif fmt == "xml":
        got = [b.getElementsByTagName("literal")[0].firstChild.data
               for b in answer.convert().getElementsByTagName("binding")
               if b.getAttribute("name") == "name"]
    elif fmt == "csv":
        got = [row["name"] for row in csv.DictReader(io.StringIO(answer.convert().decode()))]
    else:
        lines = answer.convert().decode().splitlines()
        assert lines[0] == "?e\t?name"
        got = [line.split("\t")[1].rsplit("@", 1)[0].strip('"') for line in lines[1:]]
    assert answer.response.headers["Content-Type"].startswith(
        {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
         "csv": "text/csv", "tsv": "text/tab-separated-values"}[fmt])
    assert got == want


def test_serve_sparqlwrapper_ask_and_construct(server: Server, store: Path) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("PREFIX schema: <https://schema.org/>\n" + ASK)
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery("PREFIX schema: <https://schema.org/>\n" + CONSTRUCT)
    client.setReturnFormat(TURTLE)
    got = Graph().parse(data=client.query().convert(), format="turtle")
    want = expected(store, CONSTRUCT).to_graph()
    assert len(want) and isomorphic(got, want), graph_diff(got, want)


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_serve_rdflib_sparqlstore(server: Server, store: Path, method: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.url + "sparql", returnFormat="json", method=method))
    rows = list(graph.query("PREFIX schema: <https://schema.org/>\n" + SELECT))
    assert [str(row[1]) for row in rows] == names(expected(store, SELECT).rows)
    assert graph.query("PREFIX schema: <https://schema.org/>\n" + ASK).askAnswer is True


# ------------------------------------------------------------------ protocol
@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_serve_saved_queries_give_the_rows_of_kg_query(server: Server, store: Path,
                                                        name: str) -> None:
    sparql = saved_queries()[name][1]
    status, _, body = get(server, sparql, accept="application/sparql-results+json")
    assert status == 200, body
    got = json.loads(body)["results"]["bindings"]
    want = json.loads(format_result(expected(store, sparql), "json"))["results"]["bindings"]
    key = partial(json.dumps, sort_keys=True)
    assert sorted(map(key, got)) == sorted(map(key, want))


def test_serve_post_form_and_sparql_query(server: Server, store: Path) -> None:
    want = names(expected(store, SELECT).rows)
    form = urllib.parse.urlencode({"query": SELECT}).encode()
    for data, media_type in ((form, "application/x-www-form-urlencoded"),
                             (SELECT.encode(), "application/sparql-query")):
        status, headers, body = http(server.url + "sparql", data=data, headers={
            "Content-Type": media_type, "Accept": "application/sparql-results+json"})
        assert status == 200, body
        doc = json.loads(body)
        assert [b["name"]["value"] for b in doc["results"]["bindings"]] == want


_PARSE = {
    "application/sparql-results+json": lambda b: "head" in json.loads(b),
    "application/sparql-results+xml": lambda b: ET.fromstring(b).tag,
    "text/csv": lambda b: next(csv.reader(io.StringIO(b.decode()))),
    "text/tab-separated-values": lambda b: b.decode().splitlines()[0].split("\t"),
}


@pytest.mark.parametrize("media_type", list(_PARSE))
def test_serve_select_and_ask_content_types(server: Server, store: Path,
                                            media_type: str) -> None:
    rows = expected(store, SELECT).rows
    for sparql in (SELECT, ASK):
        status, headers, body = get(server, sparql, accept=f"{media_type}, */*;q=0.1")
        assert status == 200, body
        assert headers["Content-Type"].split(";")[0] == media_type
        assert _PARSE[media_type](body)  # parses as that type
    status, headers, body = get(server, SELECT, accept=media_type)
    text = body.decode()
    assert all(row[1].value in text for row in rows)
    if media_type == "text/csv":
        assert len(list(csv.reader(io.StringIO(text)))) == len(rows) + 1


@pytest.mark.parametrize(("media_type", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_serve_construct_content_types(server: Server, store: Path, media_type: str,
                                       rdflib_format: str) -> None:
    want = expected(store, CONSTRUCT).to_graph()
    for sparql in (CONSTRUCT, "DESCRIBE ?e WHERE { ?e a schema:Person }"):
        status, headers, body = get(server, sparql, accept=media_type)
        assert status == 200, body
        assert headers["Content-Type"].split(";")[0] == media_type
        if rdflib_format == "json-ld":  # rdflib's JSON-LD parser warns (ConjunctiveGraph)
            nt = ox.serialize(ox.parse(body, format=ox.RdfFormat.JSON_LD),
                              format=ox.RdfFormat.N_TRIPLES)
            got = Graph().parse(data=bytes(nt or b""), format="nt")
        else:
            got = Graph().parse(data=body, format=rdflib_format)
        if sparql == CONSTRUCT:
            assert isomorphic(got, want), graph_diff(got, want)
        else:
            assert len(got) > len(want)


@pytest.mark.parametrize(("sparql", "fmt", "media_type"), [
    (SELECT, "csv", "text/csv"), (SELECT, "xml", "application/sparql-results+xml"),
    (CONSTRUCT, "nt", "application/n-triples"), (CONSTRUCT, "jsonld", "application/ld+json")])
def test_serve_format_parameter_wins(server: Server, sparql: str, fmt: str,
                                     media_type: str) -> None:
    status, headers, _ = get(server, sparql, format=fmt, accept="application/json")
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize(("sparql", "accept"), [
    (SELECT, "text/turtle"), (ASK, "application/ld+json"), (CONSTRUCT, "text/csv"),
    (CONSTRUCT, "application/sparql-results+json"), (SELECT, "image/png, text/*;q=0")])
def test_serve_406_when_nothing_fits(server: Server, sparql: str, accept: str) -> None:
    status, _, body = get(server, sparql, accept=accept)
    assert status == 406, body


def test_serve_default_and_named_graph_uri(server: Server, store: Path) -> None:
    first, second = (graph_iri(p.stem) for p in EXAMPLES)
    sparql = "SELECT DISTINCT ?name WHERE { ?e a schema:Person ; schema:name ?name } ORDER BY ?name"
    want = [r[0].value for r in query(connect(store, read_only=True), sparql,
                                      default_graphs=[second]).rows]
    everyone = [r[0].value for r in expected(store, sparql).rows]
    assert want and set(want) < set(everyone), "the follow-up names fewer people"
    status, _, body = get(server, sparql, accept="application/json", **{
        "default-graph-uri": second})
    assert status == 200
    assert [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]] == want
    # the query's own FROM is the dataset too (pyoxigraph would ignore it under the union)
    from_second = sparql.replace(" WHERE", f" FROM <{second}> WHERE")
    status, _, body = get(server, from_second, accept="application/json")
    assert [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]] == want
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = get(server, graphs, accept="application/json",
                          **{"named-graph-uri": first})
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [str(first)]


# ------------------------------------------------------------------ errors
def test_serve_malformed_query_is_400_with_the_parsers_message(server: Server) -> None:
    status, headers, body = get(server, "SELECT ?x WHERE { ?x ?p }")
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("bad SPARQL: error at 1:")


@pytest.mark.parametrize(("url", "data", "headers", "status"), [
    ("sparql", None, {}, 400),  # no query
    ("sparql?query=ASK{}&query=ASK{}", None, {}, 400),  # two queries
    ("sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ("nowhere", None, {}, 404),
    ("view?depth=two", None, {}, 400),
    ("view?focus=Nobody%20Atall", None, {}, 404),
])
def test_serve_bad_requests(server: Server, url: str, data: bytes | None,
                            headers: dict[str, str], status: int) -> None:
    assert http(server.url + url, data=data, headers=headers)[0] == status


def test_serve_refuses_updates(server: Server, store: Path) -> None:
    update = 'INSERT DATA { <urn:x> <urn:y> "z" }'
    before = expected(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert http(server.url + "sparql", data=update.encode(),
                headers={"Content-Type": "application/sparql-update"})[0] == 403
    assert http(server.url + "sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    status, _, body = get(server, update)  # an update is not a query: the parser says so
    assert status == 400 and b"bad SPARQL" in body
    assert http(server.url + "sparql?" + urllib.parse.urlencode({"update": update}))[0] == 400
    assert http(server.url + "sparql", method="PUT", data=b"x")[0] == 405
    assert get(server, 'ASK { <urn:x> <urn:y> "z" }', accept="application/json")[2] == (
        b'{"head":{},"boolean":false}')
    assert expected(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows == (
        before)


def test_serve_refuses_a_foreign_host_header(server: Server) -> None:
    status, _, _ = http(server.url, headers={"Host": "attacker.example:80"})
    assert status == 403


# ------------------------------------------------------------------ pages
_EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:[a-z]+:)?//|url\(\s*["']?"""
                       r"""(?:[a-z]+:)?//|@import|fetch\(\s*["'](?:[a-z]+:)?//""", re.IGNORECASE)


def test_serve_query_page_is_offline_with_saved_queries(server: Server) -> None:
    status, headers, body = http(server.url)
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert not _EXTERNAL.search(page), _EXTERNAL.search(page)
    assert "default-src 'none'" in page and "connect-src 'self'" in page
    data = re.search(r'<script type="application/json" id="kg-saved-data">(.*?)</script>', page,
                     re.DOTALL)
    assert data is not None
    assert set(json.loads(data.group(1))) == set(saved_queries())


def test_serve_view_and_focus(server: Server) -> None:
    status, headers, body = http(server.url + "view")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    whole = body.decode()
    assert not _EXTERNAL.search(whole), _EXTERNAL.search(whole)
    assert "default-src 'none'" in whole
    status, _, body = http(server.url + "view?" + urllib.parse.urlencode(
        {"focus": "Shohrat Zakir", "depth": "1"}))
    focused = body.decode()
    assert status == 200 and "1 hops around" in focused
    count = re.compile(r"(\d+) nodes")
    assert int(count.findall(focused)[0]) < int(count.findall(whole)[0])


# ------------------------------------------------------------------ limits, signals, start-up
def test_serve_limit_cuts_rows_and_says_so(copy: Path, tmp_path: Path) -> None:
    running = start(copy, tmp_path / "serve.log", "--limit", "3")
    try:
        assert len(expected(copy, SELECT).rows) > 3
        status, headers, body = get(running, SELECT, accept="text/csv")
        assert status == 200 and headers["X-KG-Truncated"] == "true"
        assert len(body.decode().splitlines()) == 1 + 3
        everything = "CONSTRUCT WHERE { ?s ?p ?o }"
        status, headers, body = get(running, everything, accept="application/n-triples")
        assert len(body.decode().splitlines()) == 3 and headers["X-KG-Truncated"] == "true"
        status, headers, body = get(running, SELECT + " LIMIT 2", accept="text/csv")
        assert "X-KG-Truncated" not in headers and len(body.decode().splitlines()) == 3
    finally:
        assert running.stop() == 0


def _descendants(pid: int) -> set[int]:
    """PIDs of every process below ``pid``, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    out, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def test_serve_timeout_kills_a_runaway_query(copy: Path, tmp_path: Path) -> None:
    running = start(copy, tmp_path / "serve.log", "--timeout", "1", "--workers", "1")
    try:
        before = _descendants(running.process.pid)
        status, _, body = get(running, RUNAWAY)  # urlopen waits 60 s: the server must answer
        assert status == 503 and b"timeout" in body
        status, _, body = get(running, ASK, accept="application/json")
        assert status == 200 and json.loads(body)["boolean"] is True
        after = _descendants(running.process.pid)
        gone = before - after
        assert gone and _all_gone(gone), (before, after)
    finally:
        assert running.stop() == 0


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to read its status does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _all_gone(pids: set[int]) -> bool:
    """Whether ``pids`` have all exited, waiting up to 10 s (the fork server exits once it
    sees that the server has gone)."""
    for _ in range(100):
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def snapshot(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_and_leaves_the_store_untouched(copy: Path, tmp_path: Path,
                                                            sig: int) -> None:
    before = snapshot(copy)
    running = start(copy, tmp_path / "serve.log")
    assert get(running, SELECT)[0] == 200
    children = _descendants(running.process.pid)
    assert children, "the workers run in processes of their own"
    assert running.stop(sig) == 0
    assert "stopped" in running.log.read_text()
    assert _all_gone(children)
    assert snapshot(copy) == before
    connect(copy).flush()  # the lock is released: a writer can open it


def test_serve_stops_on_sigint_even_when_started_with_it_ignored(copy: Path,
                                                                  tmp_path: Path) -> None:
    # a background job of a shell script (or a bench started with nohup ... &) inherits
    # SIGINT ignored; "Ctrl-C stops it" must still hold when SIGINT is sent to it
    running = start(copy, tmp_path / "serve.log", sigint_ignored=True)
    assert get(running, SELECT)[0] == 200
    assert running.stop(signal.SIGINT) == 0
    assert "stopped" in running.log.read_text()


def test_serve_killed_takes_its_running_query_along(copy: Path, tmp_path: Path) -> None:
    running = start(copy, tmp_path / "serve.log", "--timeout", "600", "--workers", "1")
    children = _descendants(running.process.pid)
    def runaway() -> None:
        with contextlib.suppress(OSError):  # the server dies under it
            get(running, RUNAWAY)

    client = threading.Thread(target=runaway, daemon=True)
    client.start()
    time.sleep(1)  # the worker is deep in the cross join by now
    assert running.stop(signal.SIGKILL) == -signal.SIGKILL
    assert _all_gone(children)
    connect(copy).flush()  # nothing holds the store any more
    client.join(60)


def one_error(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(KG), "serve", *args], capture_output=True, text=True,
                            timeout=60, check=False, env=env)
    assert result.returncode == 1 and not result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_serve_port_in_use(copy: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert "in use" in one_error(["--store", str(copy), "--port", str(port)])


def test_serve_store_held_by_another(server: Server, store: Path) -> None:
    assert "in use by another writer" in one_error(["--store", str(store), "--port", "0"])


def test_serve_store_held_by_a_writer(copy: Path) -> None:
    writer = connect(copy)  # this process holds the store for writing
    try:
        assert "in use by another writer" in one_error(["--store", str(copy), "--port", "0"])
    finally:
        del writer


@pytest.mark.parametrize("what", ["missing", "not a store", "a file"])
def test_serve_needs_a_store(tmp_path: Path, what: str) -> None:
    path = tmp_path / "x"
    if what == "not a store":
        path.mkdir()
        (path / "notes.txt").write_text("mine\n")
    elif what == "a file":
        path.write_text("x\n")
    line = one_error(["--store", str(path), "--port", "0"])
    assert str(path) in line
    assert {"missing": "no such store", "not a store": "not a newskg store",
            "a file": "not a store directory"}[what] in line


# ------------------------------------------------------------------ in a real browser
def test_serve_query_page_runs_a_saved_query_in_chromium(server: Server, store: Path) -> None:
    """The page as a reader uses it: pick a saved query, run it, read the table; no request
    leaves the server and the console stays clean."""
    from test_browser import ARGS, CHROMIUM, _missing

    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run on CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    rows = len(query(connect(store, read_only=True), _saved("roles")).rows)
    requests: list[str] = []
    console: list[str] = []
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = chromium.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"error: {e}"))
            page.goto(server.url)
            page.select_option("#kg-saved", "roles")
            assert page.input_value("#kg-query") == _saved("roles")
            page.click("button[type=submit]")
            page.wait_for_selector("#kg-out table", timeout=30_000)
            shown = page.locator("#kg-out table tbody tr").count()
            status = page.inner_text("#kg-status")
        finally:
            chromium.close()
    assert shown == rows and status.startswith(f"{rows} rows")
    assert requests and all(url.startswith(server.url) for url in requests), requests
    assert not [line for line in console if line.startswith("error")], console


def _saved(name: str) -> str:
    from kg.query import saved_query

    return saved_query(name)
