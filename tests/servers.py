"""SPARQL servers for the remote-store tests: Oxigraph server and Virtuoso, on loopback.

Each runs in a temporary directory, on free ports bound to 127.0.0.1, and is stopped by the
PID it was started with (never by name). ``make test`` installs both: the ``oxigraph``
binary comes with the ``dev`` extra, Virtuoso from Debian (the Makefile's ``$(VIRTUOSO)``).
"""

from __future__ import annotations

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


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI of this environment (the dev extra installs it next to python)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed: pip install -e '.[dev]'")
    return found


def start_oxigraph(location: Path, *, port: int | None = None) -> Server:
    """``oxigraph serve`` on ``location`` (made if missing), bound to 127.0.0.1."""
    port = port or free_port()
    location.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 (our own binary, fixed arguments)
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
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
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
DefaultGraph = http://localhost:{http_port}/dataspace
"""


def start_virtuoso(workdir: Path) -> Server:
    """``virtuoso-t -f`` with a generated ini: every port on 127.0.0.1, data in ``workdir``.

    Updates go to ``/sparql-auth`` (HTTP Digest, the ``dba`` account) and whole graphs to
    ``/sparql-graph-crud-auth?graph-uri=``; queries to ``/sparql``.
    """
    binary = shutil.which(VIRTUOSO_BIN)
    if binary is None:
        raise RuntimeError("Virtuoso is not installed: make test installs "
                           "virtuoso-opensource (apt-get)")
    workdir.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=workdir, sql_port=sql_port, http_port=http_port),
                   encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603 (our own ini, fixed arguments)
        [binary, "-f", "-c", str(ini)], cwd=workdir,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    env = {
        "NEWSKG_STORE_QUERY_URL": f"{base}/sparql",
        "NEWSKG_STORE_UPDATE_URL": f"{base}/sparql-auth",
        "NEWSKG_STORE_GRAPH_URL": f"{base}/sparql-graph-crud-auth?graph-uri=",
        "NEWSKG_STORE_USER": VIRTUOSO_USER,
        "NEWSKG_STORE_PASSWORD": VIRTUOSO_PASSWORD,
    }
    server = Server("virtuoso", process, f"{base}/sparql", env, workdir,
                    probe=f"{base}/sparql?query=ASK%7B%7D")
    _wait(server, server.probe, timeout=60)
    return server


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
