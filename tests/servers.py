"""SPARQL servers on loopback: Oxigraph server and Virtuoso, for the tests and the benchmarks.

Each runs in a temporary directory, on free ports bound to 127.0.0.1, and is stopped by the
PID it was started with (never by name). ``make test`` installs both: the ``oxigraph``
binary comes with the ``dev`` extra, Virtuoso from Debian (the Makefile's ``$(VIRTUOSO)``).
``tests/test_remote.py`` imports this module, and so does ``benchmarks/bench_engines.py``
(through ``sys.path``): this file is the one place that knows how to start and stop them.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

VIRTUOSO_BIN = "virtuoso-t"
VIRTUOSO_ISQL = ("isql-vt", "isql")  # Debian names Virtuoso's isql isql-vt
#: Debian's Virtuoso keeps its VAD packages and plugins here; the tests need none of them.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server: its process, the URLs and the environment ``kg`` needs for it."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    #: what the tests left in it ("story": the story, unchanged)
    state: str = ""
    probe: str = ""
    sql_port: int = 0  # Virtuoso's SQL port (isql), 0 for Oxigraph

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut would stop it."""
        self.process.kill()
        self.process.wait(timeout=15)

    def restart(self) -> None:
        """Start the same server again (same data, same ports) after it stopped."""
        args = self.process.args
        self.process = subprocess.Popen(  # noqa: S603 (the command it was started with)
            args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        _wait(self, self.probe, timeout=60)

    def stop(self) -> None:
        """Stop the server by its PID and wait for it (SIGTERM, then SIGKILL)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL this server when its parent dies (Linux prctl).

    A benchmark killed by its runner (SIGKILL of its process group) cannot run its own
    clean-up; the kernel then stops the servers it started.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _spawn(args: list[str], *, cwd: Path | None = None, new_session: bool = False,
           die_with_parent: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 (our own binaries, fixed arguments)
        args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=new_session, preexec_fn=_die_with_parent if die_with_parent else None)


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI of this environment (the dev extra installs it next to python)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed: pip install -e '.[dev]'")
    return found


def start_oxigraph(location: Path, *, port: int | None = None, timeout_s: int | None = None,
                   die_with_parent: bool = False) -> Server:
    """``oxigraph serve`` on ``location`` (made if missing), bound to 127.0.0.1.

    ``timeout_s``: the server stops a query after that many seconds (``--timeout-s``).
    ``die_with_parent``: the kernel kills the server if this process dies first.
    """
    port = port or free_port()
    location.mkdir(parents=True, exist_ok=True)
    args = [oxigraph_binary(), "serve", "--location", str(location), "--bind",
            f"127.0.0.1:{port}"]
    if timeout_s is not None:
        args += ["--timeout-s", str(timeout_s)]
    process = _spawn(args, die_with_parent=die_with_parent)
    server = Server("oxigraph", process, f"http://127.0.0.1:{port}", {}, location,
                    probe=f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
    _wait(server, server.probe, timeout=20)
    return server


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 5
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 1
MaxQueryMem = 200M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 5
ServerThreads = 5
Charset = UTF-8
EnabledDavVSP = 0
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_timeout}
MaxQueryCostEstimationTime = {cost_limit}
DefaultGraph = http://localhost:{http_port}/dataspace
"""


def start_virtuoso(workdir: Path, *, buffers: int = 10000, query_timeout: int = 60,
                   cost_limit: int = 400, die_with_parent: bool = False) -> Server:
    """``virtuoso-t -f`` with a generated ini: every port on 127.0.0.1, data in ``workdir``.

    Updates go to ``/sparql-auth`` (HTTP Digest, the ``dba`` account) and whole graphs to
    ``/sparql-graph-crud-auth?graph-uri=``; queries to ``/sparql``. ``buffers``: 8 KB pages
    of cache (Virtuoso advises ~85,000 per GB of RAM given to it). ``query_timeout``: seconds
    after which ``/sparql`` stops a query and answers what it found so far (Virtuoso's
    "anytime" queries: a partial answer, status 200). ``cost_limit``: queries whose
    estimated cost is over that many seconds are refused (0: none).
    """
    binary = shutil.which(VIRTUOSO_BIN)
    if binary is None:
        raise RuntimeError("Virtuoso is not installed: make test installs "
                           "virtuoso-opensource (apt-get)")
    workdir.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(
        d=workdir, sql_port=sql_port, http_port=http_port, buffers=buffers,
        dirty=buffers * 3 // 4, query_timeout=query_timeout, cost_limit=cost_limit),
        encoding="utf-8")
    process = _spawn([binary, "-f", "-c", str(ini)], cwd=workdir, new_session=True,
                     die_with_parent=die_with_parent)
    base = f"http://127.0.0.1:{http_port}"
    env = {
        "NEWSKG_STORE_QUERY_URL": f"{base}/sparql",
        "NEWSKG_STORE_UPDATE_URL": f"{base}/sparql-auth",
        "NEWSKG_STORE_GRAPH_URL": f"{base}/sparql-graph-crud-auth?graph-uri=",
        "NEWSKG_STORE_USER": VIRTUOSO_USER,
        "NEWSKG_STORE_PASSWORD": VIRTUOSO_PASSWORD,
    }
    server = Server("virtuoso", process, f"{base}/sparql", env, workdir,
                    probe=f"{base}/sparql?query=ASK%7B%7D", sql_port=sql_port)
    _wait(server, server.probe, timeout=60)
    return server


def virtuoso_isql(server: Server, sql: str, *, timeout: float = 3600) -> str:
    """Run SQL statements on ``server`` with Virtuoso's ``isql``; its output.

    Raises RuntimeError when isql fails or reports an error (``*** Error``).
    """
    binary = next((found for name in VIRTUOSO_ISQL if (found := shutil.which(name))), None)
    if binary is None:
        raise RuntimeError("Virtuoso's isql is not installed (virtuoso-opensource)")
    done = subprocess.run(  # noqa: S603 (our own SQL, on loopback)
        [binary, f"127.0.0.1:{server.sql_port}", VIRTUOSO_USER, VIRTUOSO_PASSWORD],
        input=sql, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql: {(done.stdout + done.stderr).strip()[-500:]}")
    return done.stdout


def virtuoso_bulk_load(server: Server, nquads: Path, *, timeout: float = 3600) -> None:
    """Load an N-Quads file into ``server`` with Virtuoso's bulk loader, then checkpoint.

    The loader reads files only from ``DirsAllowed`` (the server's folder): the file is
    hard-linked there (copied across file systems). Its quads keep their own graphs.
    """
    assert server.workdir is not None
    folder = server.workdir / "load"
    folder.mkdir(exist_ok=True)
    target = folder / (nquads.stem + ".nq")
    target.unlink(missing_ok=True)
    try:
        os.link(nquads, target)
    except OSError:
        shutil.copyfile(nquads, target)
    try:
        virtuoso_isql(server, f"ld_dir('{folder}', '{target.name}', 'urn:newskg:unused');\n"
                              "rdf_loader_run();\ncheckpoint;\n", timeout=timeout)
        failed = virtuoso_isql(server, "SELECT ll_file, ll_error FROM DB.DBA.load_list "
                                       "WHERE ll_error IS NOT NULL;\n")
    finally:
        target.unlink(missing_ok=True)
    if "0 Rows." not in failed:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {failed.strip()[-500:]}")


def _wait(server: Server, probe: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.process.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {timeout} s")


def environ(server: Server, **extra: str) -> dict[str, str]:
    """``os.environ`` with the server's variables (and ``extra``), for a ``kg`` subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_STORE_")}
    env.update(server.env)
    env.update(extra)
    return env
