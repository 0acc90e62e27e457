"""A remote SPARQL 1.1 server as a store: the ``pyoxigraph.Store`` methods ``kg.store`` uses.

``kg ingest/remove/unmerge/query/render/export --store http://host:port`` work on any server
that speaks the SPARQL 1.1 Protocol (queries), SPARQL 1.1 Update and the Graph Store HTTP
Protocol (reading one named graph). The URLs default to Oxigraph server's layout under the
``--store`` URL (``/query``, ``/update``, ``/store?graph=``); environment variables override
each one (a value starting with ``/`` is taken relative to the ``--store`` URL)::

    NEWSKG_STORE_QUERY_URL    e.g. /sparql                               (Virtuoso)
    NEWSKG_STORE_UPDATE_URL   e.g. /sparql-auth                          (Virtuoso)
    NEWSKG_STORE_GRAPH_URL    e.g. /sparql-graph-crud-auth?graph-uri=   (ends with "=": the
                              graph IRI is appended; otherwise "?graph=IRI" is)
    NEWSKG_STORE_USER, NEWSKG_STORE_PASSWORD   credentials, answered to the server's Basic
                              or Digest challenge (never taken from the command line)
    NEWSKG_STORE_TIMEOUT      seconds per request (default 60)
    NEWSKG_STORE_RETRIES      retries of transient failures (default 4)

Every change of an article is one SPARQL Update request (``kg.store._write``: ``DROP SILENT
GRAPH``; ``DELETE DATA``; ``INSERT DATA`` with the index and decisions changes), which the
server applies as a whole or not at all. Transient failures (connection refused, reset, 502,
503, 504) are retried with exponential backoff; each request is idempotent, so a retry after
an ambiguous failure writes the same thing. Anything else is one ``StoreError`` line.

Reads are cached until the next write: an article graph is fetched whole (one Graph Store GET)
the first time a pattern names it, and the resolution look-ups (``RemoteIndex``) are exact
look-ups by blocking key in one query with ``VALUES``, never a scan.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.merge import MAX_BLOCK, Facts
from kg.store_index import _KEY, _KIND, _LABEL, _POST, _SEEN, _TITLE, INDEX
from kg.vocab import BASE, GRAPH

__all__ = ["ENV", "is_remote", "RemoteStore", "RemoteIndex"]

#: The environment variables a remote store reads (see the module docstring).
ENV = {"query": "NEWSKG_STORE_QUERY_URL", "update": "NEWSKG_STORE_UPDATE_URL",
       "graph": "NEWSKG_STORE_GRAPH_URL", "user": "NEWSKG_STORE_USER",
       "password": "NEWSKG_STORE_PASSWORD", "timeout": "NEWSKG_STORE_TIMEOUT",
       "retries": "NEWSKG_STORE_RETRIES"}
_TRANSIENT = frozenset({502, 503, 504})
_JSON = "application/sparql-results+json"
_RDF = "application/n-triples, text/turtle;q=0.9"
#: What a failed update adds to its message (a failed read changes nothing anyway).
_UNWRITTEN = {"update": "; this change was not written (earlier ones stay)"}
#: ... and one that may have reached the server: it applies a request whole or not at all.
_MAYBE = {"update": "; the server may still apply this change, whole or not at all: run the "
                    "command again to be sure it is done"}


def is_remote(location: object) -> bool:
    """Whether a ``--store`` value names a server (``http://`` or ``https://``)."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


class _ChallengeAuth(httpx.Auth):
    """Send no credentials until the server asks, then answer its Basic or Digest challenge."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._schemes = {"basic": httpx.BasicAuth(user, password),
                         "digest": httpx.DigestAuth(user, password)}
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is not None:
            yield from self._schemes[self._scheme].auth_flow(request)
            return
        response = yield request
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if response.status_code == 401 and scheme in self._schemes:
            self._scheme = scheme
            yield from self._schemes[scheme].auth_flow(request)


class RemoteStore:
    """A SPARQL 1.1 server offering the subset of ``pyoxigraph.Store`` that ``kg.store`` uses.

    Args:
        url: the server's base URL (the ``--store`` value).
        query_url, update_url, graph_url: the endpoints (default: Oxigraph's, under ``url``).
        user, password: credentials for the server's Basic or Digest challenge.
        timeout: seconds per request.
        retries: retries of transient failures, after 0.25, 0.5, 1, 2, ... s.
        read_only: refuse every write (``kg query``, ``kg render``).
    """

    def __init__(self, url: str, *, query_url: str | None = None, update_url: str | None = None,
                 graph_url: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = 60.0, retries: int = 4,
                 read_only: bool = False) -> None:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:  # never echo them
            raise StoreError(f"credentials in the store URL are not accepted (they would show in "
                             f"the process list); set {ENV['user']} and {ENV['password']}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"{url}: not a server URL; give http://HOST:PORT")
        self.url = url.rstrip("/")
        self.query_url = self._resolve(query_url, "/query")
        self.update_url = self._resolve(update_url, "/update")
        self.graph_url = self._resolve(graph_url, "/store?graph=")
        #: Oxigraph's own layout: its queries see the union of the graphs as the default graph
        self._oxigraph_layout = query_url is None
        self.read_only = read_only
        self.retries = retries
        self.timeout = timeout
        self._has_credentials = user is not None
        auth = _ChallengeAuth(user, password or "") if user is not None else None
        self._client = httpx.Client(auth=auth, timeout=timeout, follow_redirects=False)
        self._graphs: dict[str, ox.Store] = {}  # article graphs read since the last write
        self.dialect: str | None = None  # "virtuoso" or "" once a response has said

    @classmethod
    def from_env(cls, url: str, *, read_only: bool = False,
                 timeout: float | None = None) -> RemoteStore:
        """A remote store configured by the ``NEWSKG_STORE_*`` environment variables
        (``timeout``, when given, wins over ``NEWSKG_STORE_TIMEOUT``: ``kg serve --timeout``)."""
        env = {key: os.environ.get(name) or None for key, name in ENV.items()}
        try:
            timeout = timeout if timeout is not None else float(env["timeout"] or 60)
            retries = int(env["retries"] or 4)
        except ValueError:
            raise StoreError(f"{ENV['timeout']} and {ENV['retries']} must be numbers") from None
        if env["password"] is not None and env["user"] is None:
            raise StoreError(f"{ENV['password']} is set but {ENV['user']} is not; set both")
        return cls(url, query_url=env["query"], update_url=env["update"],
                   graph_url=env["graph"], user=env["user"], password=env["password"],
                   timeout=timeout, retries=retries, read_only=read_only)

    def _resolve(self, given: str | None, default: str) -> str:
        value = given if given is not None else default
        return self.url + value if value.startswith("/") else value

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a store is dropped like a pyoxigraph.Store: close its sockets
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()

    # ------------------------------------------------------------------ HTTP
    def _send(self, method: str, url: str, *, what: str,
              data: Mapping[str, str | list[str]] | None = None,
              params: dict[str, str] | None = None, accept: str | None = None,
              ok404: bool = False) -> httpx.Response:
        """One request, retried on transient failures; any other failure is a StoreError."""
        headers = {"Accept": accept} if accept else {}
        delay = 0.25
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._client.request(method, url, data=data, params=params,
                                                headers=headers)
            except httpx.TimeoutException:
                raise StoreError(f"{url}: no answer within {self.timeout:g} s ({what}); raise "
                                 f"{ENV['timeout']} or check the server"
                                 + _MAYBE.get(what, "")) from None
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                if last:
                    reason = " ".join(str(exc).split()) or type(exc).__name__
                    sent = not isinstance(exc, httpx.ConnectError)  # cut after sending?
                    raise StoreError(f"{url}: cannot reach the SPARQL server ({reason}) after "
                                     f"{attempt + 1} tries ({what}); is it running?"
                                     + (_MAYBE if sent else _UNWRITTEN).get(what, "")) from None
            except httpx.HTTPError as exc:
                raise StoreError(f"{url}: {what} failed ({exc})") from None
            else:
                if response.status_code not in _TRANSIENT or last:
                    return self._check(response, url, what=what, ok404=ok404)
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def _check(self, response: httpx.Response, url: str, *, what: str,
               ok404: bool) -> httpx.Response:
        if self.dialect is None:
            server = response.headers.get("server", "").lower()
            self.dialect = "virtuoso" if server.startswith("virtuoso") else ""
        status = response.status_code
        if status < 300 or (ok404 and status == 404):
            return response
        if status in (401, 403):
            if self._has_credentials:
                raise StoreError(f"{url}: the server refused the credentials in "
                                 f"{ENV['user']}/{ENV['password']} (HTTP {status}, {what})")
            raise StoreError(f"{url}: the server asks for credentials (HTTP {status}, {what}); "
                             f"set {ENV['user']} and {ENV['password']}")
        detail = " ".join(response.text.split())[:200] if response.text else response.reason_phrase
        if status == 400 and what == "query":
            raise QueryError(f"the server rejected the query: {detail}")
        raise StoreError(f"{url}: the server answered HTTP {status} to the {what} ({detail})"
                         + _UNWRITTEN.get(what, ""))

    def ping(self) -> None:
        """Check that the query endpoint answers (fail before any long work starts)."""
        self._send("POST", self.query_url, what="query", data={"query": "ASK {}"},
                   accept=_JSON)

    # ------------------------------------------------------------------ pyoxigraph.Store subset
    def query(self, sparql: str, *, prefixes: dict[str, str] | None = None,
              use_default_graph_as_union: bool = False,
              default_graph: Sequence[ox.NamedNode] = (),
              named_graphs: Sequence[ox.NamedNode] = (),
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query on the server; the answer as pyoxigraph's query results.

        The query is parsed here first (by pyoxigraph, on an empty store), so bad SPARQL gives
        the same message as on the embedded store, and the Accept header asks for exactly one
        format: SPARQL JSON results, or N-Triples for CONSTRUCT and DESCRIBE. ``default_graph``
        and ``named_graphs`` go to the server as the protocol's ``default-graph-uri`` and
        ``named-graph-uri``.
        """
        prefixes = prefixes or {}
        kind = ox.Store().query(sparql, prefixes=prefixes)  # raises SyntaxError as usual
        text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + sparql
        # Oxigraph server refuses union-default-graph with either protocol parameter: with
        # named-graph-uri alone, the default graph is then its own (empty), not the union
        params = {"union-default-graph": ""} if (use_default_graph_as_union and not default_graph
                                                 and not named_graphs
                                                 and self._oxigraph_layout) else None
        form: dict[str, str | list[str]] = {"query": text}
        if default_graph:
            form["default-graph-uri"] = [g.value for g in default_graph]
        if named_graphs:
            form["named-graph-uri"] = [g.value for g in named_graphs]
        graph = isinstance(kind, ox.QueryTriples)
        response = self._send("POST", self.query_url, what="query", data=form,
                              params=params, accept=_RDF if graph else _JSON)
        if graph:
            fmt = _rdf_format(response)
            triples = [q.triple for q in ox.parse(response.content, format=fmt)]
            answer = ox.Store()
            answer.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            result = answer.query("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(result, ox.QueryTriples)
            return result
        try:
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.query_url}: not SPARQL JSON results ({exc})") from None

    def update(self, sparql: str) -> None:
        """Run one SPARQL Update request (applied by the server as a whole)."""
        if self.read_only:
            raise OSError("the store is opened read-only")
        self._graphs.clear()
        if self.dialect is None:
            self.ping()
        if self.dialect == "virtuoso":
            # without it, Virtuoso compiles every constant of INSERT DATA into SQL text:
            # 1,000 triples took 9.6 s and 1,500 were refused ("SQL text has exceeded 10000
            # lines"); with it, 0.2 s, and 60,000 triples (in GRAPH blocks of 500) in 6 s
            sparql = "define sql:big-data-const 1\n" + sparql
        self._send("POST", self.update_url, what="update", data={"update": sparql},
                   accept=_JSON)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Insert quads in one request (``INSERT DATA``)."""
        from kg.store import _data

        quads = list(quads)
        if quads:
            self.update(f"INSERT DATA {{ {_data(quads)} }}")

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """Quads matching a pattern (``None`` matches anything; named graphs only)."""
        if isinstance(graph_name, ox.NamedNode) and graph_name.value.startswith(str(GRAPH)):
            return self._graph(graph_name).quads_for_pattern(subject, predicate, object,
                                                             graph_name)
        terms = [("s", subject), ("p", predicate), ("o", object), ("g", graph_name)]
        shown = {v: (str(t) if t is not None else f"?{v}") for v, t in terms}
        free = [f"?{v}" for v, t in terms if t is None]
        sparql = (f"SELECT {' '.join(free) or '*'} WHERE {{ GRAPH {shown['g']} {{ "
                  f"{shown['s']} {shown['p']} {shown['o']} }} }}")
        if not free:
            sparql = f"ASK {{ GRAPH {shown['g']} {{ {shown['s']} {shown['p']} {shown['o']} }} }}"
            found = self.query(sparql)
            return iter([ox.Quad(subject, predicate, object, graph_name)] if found else [])
        rows = self.query(sparql)
        assert isinstance(rows, ox.QuerySolutions)

        def pick(term: Any, var: str, row: ox.QuerySolution) -> Any:
            return term if term is not None else row[var]

        return iter([ox.Quad(pick(subject, "s", row), pick(predicate, "p", row),
                             pick(object, "o", row), pick(graph_name, "g", row))
                     for row in rows])

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """newskg's named graphs on the server (a server's own graphs are left out)."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                          f"FILTER(STRSTARTS(STR(?g), {ox.Literal(BASE)})) }}")
        assert isinstance(rows, ox.QuerySolutions)
        return iter([row["g"] for row in rows])

    def flush(self) -> None:
        """Nothing to do: the server makes each request durable."""

    # ------------------------------------------------------------------ newskg's own
    def _graph(self, g: ox.NamedNode) -> ox.Store:
        """One article graph, read whole with the Graph Store Protocol (cached until a write)."""
        if g.value not in self._graphs:
            url = self.graph_url + quote(g.value, safe="")
            if not self.graph_url.endswith("="):
                url = f"{self.graph_url}{'&' if '?' in self.graph_url else '?'}graph=" \
                      f"{quote(g.value, safe='')}"
            response = self._send("GET", url, what="graph read", accept=_RDF, ok404=True)
            scratch = ox.Store()
            if response.status_code != 404 and response.content.strip():
                scratch.extend(ox.Quad(q.subject, q.predicate, q.object, g)
                               for q in ox.parse(response.content, format=_rdf_format(response)))
            self._graphs[g.value] = scratch
        return self._graphs[g.value]

    def lookup(self) -> RemoteIndex:
        """The resolution look-up over the server's index graph."""
        return RemoteIndex(self)


def _rdf_format(response: httpx.Response) -> ox.RdfFormat:
    media = response.headers.get("content-type", "application/n-triples").split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(f"{response.url}: the server sent {media!r}, not RDF")
    return fmt


class RemoteIndex:
    """``kg.merge.Lookup`` over a server: one ``VALUES`` query per look-up, answers cached."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        self._facts: dict[str, Facts | None] = {}

    def _rows(self, sparql: str) -> ox.QuerySolutions:
        rows = self.store.query(sparql)
        assert isinstance(rows, ox.QuerySolutions)
        return rows

    def candidates(self, keys: Iterable[str]) -> list[str]:
        keys = sorted(set(keys))
        if not keys:
            return []
        values = " ".join(str(ox.Literal(k)) for k in keys)
        blocks: dict[str, set[str]] = defaultdict(set)
        for row in self._rows(f"SELECT ?key ?e WHERE {{ VALUES ?key {{ {values} }} "
                              f"GRAPH {INDEX} {{ ?e {_KEY} ?key }} }}"):
            blocks[row["key"].value].add(row["e"].value)
        found = sorted({iri for block in blocks.values() if len(block) <= MAX_BLOCK
                        for iri in block})
        self._prefetch(found)
        return found

    def _prefetch(self, iris: list[str]) -> None:
        """The facts of several entities in one query."""
        todo = [iri for iri in iris if iri not in self._facts]
        if not todo:
            return
        values = " ".join(f"<{iri}>" for iri in todo)
        found: dict[str, dict[str, set[str]]] = {iri: defaultdict(set) for iri in todo}
        for row in self._rows(f"SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {values} }} VALUES ?p "
                              f"{{ {_KIND} {_LABEL} {_TITLE} {_POST} }} "
                              f"GRAPH {INDEX} {{ ?e ?p ?o }} }}"):
            found[row["e"].value][row["p"].value].add(row["o"].value)
        for iri, values_of in found.items():
            kinds = sorted(values_of[_KIND.value])
            self._facts[iri] = None if not kinds else Facts(
                kinds[0], frozenset(values_of[_LABEL.value]), frozenset(values_of[_TITLE.value]),
                frozenset(values_of[_POST.value]))

    def facts(self, iri: str) -> Facts | None:
        if iri not in self._facts:
            self._prefetch([iri])
        return self._facts[iri]

    def seen_with(self, a: str, b: str) -> bool:
        a, b = sorted((a, b))
        return bool(self.store.query(f"ASK {{ GRAPH {INDEX} {{ <{a}> {_SEEN} <{b}> }} }}"))

