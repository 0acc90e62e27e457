"""``kg serve``: a local read-only SPARQL 1.1 endpoint over a store, a query page, the view.

    GET  /                  the query page (offline: our own form and script, saved queries)
    GET  /sparql?query=...  SPARQL 1.1 Protocol query (also POST, form-encoded or
                            application/sparql-query; default-graph-uri, named-graph-uri)
    GET  /view              the HTML graph view of kg.render (?focus=NAME&depth=N)

Why worker processes: pyoxigraph cannot interrupt a query (no cancellation in its API, and a
Python thread cannot be stopped inside Rust code), so every query runs in one of ``workers``
processes, each holding its own read-only open of the store. One that overruns ``timeout`` is
killed and replaced, and the client gets 503; the server keeps answering meanwhile.

Why a lock without opening: the server holds the RocksDB ``LOCK`` file of the store (a POSIX
lock, as a writer takes it) for as long as it runs, so no ``kg ingest`` can change the store
under its readers (pyoxigraph calls that undefined behaviour), and a store already held by a
writer is refused at start. Read-only opens write nothing: the store's files stay byte for byte
as they were. The queries see the union of the graphs as the default graph, as ``kg query``
does: both call ``kg.query.query`` on an opened source.

A server's URL as the store (``--store http://...``) needs neither: ``kg.serve_remote``
forwards each query to it from the request's thread (see there).
"""

from __future__ import annotations

import errno
import fcntl
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import KGError, ServeError

if TYPE_CHECKING:
    from kg.serve_remote import RemoteRunner

__all__ = ["DEFAULT_PORT", "Settings", "serve"]

#: Next to Oxigraph server's 7878, so both can run side by side.
DEFAULT_PORT = 7879
_MAX_BODY = 1 << 20  # bytes of a POSTed query
_START_TIMEOUT = 60.0  # seconds a new worker may take to open the store
_QUEUE_TIMEOUT = 60.0  # seconds a request waits for an idle worker


@dataclass(frozen=True)
class Settings:
    """What ``kg serve`` was asked for (the CLI options); ``store`` may be a server's URL."""

    store: Path | str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    timeout: float = 30.0
    limit: int = 10_000
    workers: int = 2


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers and body."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, (message.rstrip("\n") + "\n").encode(),
                   {"Content-Type": "text/plain; charset=utf-8"})


# ------------------------------------------------------------------ worker processes
def _answer(source: Any, job: dict[str, Any], limit: int) -> Reply:
    """Run one job on an opened source: a protocol query or the view."""
    from kg.errors import QueryError
    from kg.protocol import content_type, kind_of, negotiate, serialize
    from kg.query import query

    try:
        if job["kind"] == "view":
            from kg.render import to_html
            from kg.store import to_dataset

            page = to_html(to_dataset(source), focus=job["focus"], depth=job["depth"])
            return Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
        result = query(source, job["query"], limit=limit,
                       default_graphs=job["default_graphs"], named_graphs=job["named_graphs"])
    except QueryError as exc:
        return Reply.text(404 if job["kind"] == "view" else 400, str(exc))
    # SPARQLWrapper sends format= twice (a name, then a media type): the first that fits wins
    kind = kind_of(result)
    choices = [negotiate(kind, format=name) for name in job["formats"]] or [
        negotiate(kind, accept=job["accept"])]
    media_type = next((m for m in choices if m is not None), None)
    if media_type is None:
        wanted = ", ".join(job["formats"]) or job["accept"]
        return Reply.text(406, f"cannot answer this {kind_of(result)} query as {wanted!r}")
    headers = {"Content-Type": content_type(media_type), "X-KG-Result-Limit": str(limit)}
    if result.truncated:
        headers["X-KG-Truncated"] = "true"
    return Reply(200, serialize(result, media_type), headers)


def _work(conn: Connection, store: str, limit: int) -> None:
    """A worker's life: open the store read-only, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    from kg.store import connect

    try:
        source = connect(store, read_only=True)
    except KGError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server has gone
        try:
            reply = _answer(source, job, limit)
        except Exception as exc:  # noqa: BLE001 - one bad query must not end the worker
            reply = Reply.text(500, f"the query failed: {type(exc).__name__}: {exc}")
        conn.send(reply)


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the fork server goes, and let the fork server go with
    ``kg serve``, so that a query does not outlive a server killed with ``kill -9``.

    Every process the fork server forks inherits the write end of its "alive" pipe, and the
    fork server runs until every copy is closed: the worker closes its own (it forks nothing).
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        os.close(fd)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the worker ends at its next read from the closed pipe


class _Worker:
    def __init__(self, ctx: Any, settings: Settings) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_work, args=(child, str(settings.store),
                                                       settings.limit), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(_START_TIMEOUT):
            self.stop()
            raise ServeError(f"{settings.store}: a query worker did not start within "
                             f"{_START_TIMEOUT:.0f} s")
        status, message = self.conn.recv()
        if status != "ready":
            self.stop()
            raise ServeError(message)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Pool:
    """Worker processes taken one per job; a worker past the timeout is killed and replaced."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # forkserver: workers fork from a clean, single-threaded process that has imported
        # kg already (a spawned worker would import it again: ~0.4 s), never from the
        # threaded server
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["kg.serve", "kg.query", "kg.store", "kg.protocol"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(settings.workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._ctx, self.settings)
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        try:
            self._add()
        except ServeError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)

    def run(self, job: dict[str, Any]) -> Reply:
        """Run ``job`` on the next idle worker; it may run for the timeout."""
        try:
            worker = self._idle.get(timeout=_QUEUE_TIMEOUT)
        except queue.Empty:
            return Reply.text(503, f"every query worker stayed busy for {_QUEUE_TIMEOUT:.0f} s; "
                                   "try again later")
        deadline = time.monotonic() + self.settings.timeout
        try:
            worker.conn.send(job)
            if worker.conn.poll(max(deadline - time.monotonic(), 0)):
                reply: Reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError):
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            return Reply.text(500, "the query worker died (out of memory?); it was restarted")
        # kill now, so the runaway query stops using CPU; start the new worker off this thread
        worker.process.kill()
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
        return Reply.text(503, f"the query ran past the timeout of {self.settings.timeout:g} s "
                               "and was stopped; narrow it, or start kg serve with a longer "
                               "--timeout")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()


# ------------------------------------------------------------------ HTTP
class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "newskg"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _host_ok(self) -> bool:
        # a web page elsewhere must not reach the server through DNS rebinding
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("127.0.0.1", "localhost", "::1", self.server.settings.host)

    def do_GET(self) -> None:  # noqa: N802 - the base class's naming
        self._route(self.path, None)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(self.path, None)

    def do_POST(self) -> None:  # noqa: N802
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(Reply.text(400, "give the body's length as Content-Length"))
            return
        if length > _MAX_BODY:
            self._send(Reply.text(413, f"the request body is over {_MAX_BODY} bytes"))
            return
        self._route(self.path, self.rfile.read(length))

    def _refuse_method(self) -> None:
        reply = Reply.text(405, f"{self.command} is not allowed: the endpoint is read-only; "
                                "use GET or POST")
        reply.headers["Allow"] = "GET, HEAD, POST"
        self._send(reply)

    do_PUT = do_DELETE = do_PATCH = _refuse_method  # noqa: N815

    def _route(self, target: str, body: bytes | None) -> None:
        if not self._host_ok():
            self._send(Reply.text(403, "requests must name a loopback host"))
            return
        url = urlsplit(target)
        params = parse_qs(url.query, keep_blank_values=True)
        try:
            if url.path == "/sparql":
                reply = self._sparql(params, body)
            elif body is not None:
                reply = Reply.text(405, f"POST goes to /sparql, not {url.path}")
            elif url.path in ("/", "/index.html"):
                reply = Reply(200, self.server.page, _PAGE_HEADERS)
            elif url.path == "/view":
                reply = self._view(params)
            else:
                reply = Reply.text(404, f"nothing at {url.path}; try / or /sparql or /view")
        except _BadRequest as exc:
            reply = Reply.text(exc.status, str(exc))
        self._send(reply)

    def _view(self, params: dict[str, list[str]]) -> Reply:
        focus = _one(params, "focus")
        depth_text = _one(params, "depth") or "2"
        if not depth_text.isdigit():
            raise _BadRequest(f"depth must be a whole number of hops, not {depth_text!r}")
        return self.server.pool.run({"kind": "view", "focus": focus or None,
                                     "depth": int(depth_text)})

    def _sparql(self, params: dict[str, list[str]], body: bytes | None) -> Reply:
        if body is not None:
            media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media_type == "application/x-www-form-urlencoded":
                form = parse_qs(_decode(body), keep_blank_values=True)
                for name, values in form.items():
                    params.setdefault(name, []).extend(values)
            elif media_type == "application/sparql-query":
                if "query" in params:
                    raise _BadRequest("a query in the body and in the URL; send one")
                params["query"] = [_decode(body)]
            elif media_type == "application/sparql-update":
                params["update"] = [_decode(body)]
            else:
                raise _BadRequest(f"unsupported Content-Type {media_type!r}: send "
                                  "application/x-www-form-urlencoded or application/sparql-query",
                                  415)
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            if body is None:
                raise _BadRequest("updates are sent with POST (SPARQL 1.1 Protocol 2.2)")
            raise _BadRequest("this endpoint is read-only: updates are refused; change the "
                              "store with 'kg ingest' or 'kg remove' while kg serve is stopped",
                              403)
        text = _one(params, "query")
        if text is None:
            raise _BadRequest("give a SPARQL query: GET /sparql?query=... or POST it")
        return self.server.pool.run({
            "kind": "query", "query": text, "accept": self.headers.get("Accept"),
            "formats": [f for f in params.get("format", []) if f.strip()],
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", [])})


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise _BadRequest(f"{name} is given {len(values)} times; give it once")
    return values[0] if values else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadRequest("the request body is not UTF-8") from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a request still running never holds up the stop

    pool: _Pool | RemoteRunner  # set by serve() before serve_forever

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        from kg.page import query_page

        self.page: bytes = query_page(store=settings.store, timeout=settings.timeout,
                                      limit=settings.limit).encode()
        super().__init__((settings.host, settings.port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that went away
            super().handle_error(request, client_address)


_PAGE_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


# ------------------------------------------------------------------ start and stop
def _hold_lock(store: Path) -> int | None:
    """Take the store's write lock (as a writer would), so nothing changes it while serving."""
    lock = store / "LOCK"
    if not lock.exists():
        return None  # never opened for writing: nothing in it yet to protect
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise ServeError(f"{store}: the store is in use by another writer (a running "
                         "'kg ingest', 'kg merge' or 'oxigraph serve'); wait for it to finish "
                         "and start kg serve again") from None
    return fd


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does


def serve(settings: Settings, *, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``settings.store`` until SIGINT or SIGTERM; returns after a clean stop.

    Args:
        settings: the store (a directory, or a SPARQL server's URL), address and limits.
        on_ready: called with the base URL once the server answers.

    Raises:
        StoreError: no store there, not a store, or a corrupt one; an unreachable server.
        ServeError: the store is held by a writer, or the port is taken.
    """
    from kg.remote import is_remote
    from kg.store import connect

    remote = None
    if is_remote(settings.store):
        from kg.serve_remote import RemoteRunner

        remote = RemoteRunner(settings)  # checks that the server answers
    else:
        connect(settings.store, read_only=True)  # the store's own checks, with their messages
    previous = signal.signal(signal.SIGTERM, _stop)
    # Ctrl-C stops the server even when it was started with SIGINT ignored (a shell's
    # background job, nohup'd scripts): Python then leaves SIGINT ignored
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    fd = server = None
    pool: _Pool | RemoteRunner | None = None
    try:
        if remote is None:
            fd = _hold_lock(Path(settings.store))
        try:
            server = _Server(settings)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"port {settings.port} on {settings.host} is in use; choose "
                                 "another with --port, or --port 0 for a free one") from None
            raise ServeError(f"cannot listen on {settings.host}:{settings.port} "
                             f"({exc.strerror})") from None
        pool = server.pool = remote or _Pool(settings)
        if on_ready is not None:
            on_ready(f"http://{settings.host}:{server.server_address[1]}/")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.server_close()
        if pool is not None:
            pool.close()
        elif remote is not None:
            remote.close()
        if fd is not None:
            os.close(fd)
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
