"""Extraction in N worker processes or on a Dask cluster, results back in input order.

The per-article work (spaCy parse, rules, resolve, ``to_graph``, SHACL) runs where the
articles are sent; one writer (the calling process) consumes the results in input order, so
the output is the same whatever the number of workers:

- ``kg build`` parses articles in ``nlp.pipe`` batches of ``BUILD_CHUNK``; a worker gets
  exactly one such batch, so every article is parsed with the same neighbours as in one
  process (spaCy's parse can depend on its batch);
- ``kg ingest`` parses one article at a time anyway; a worker gets ``INGEST_CHUNK`` of them.

Results travel as the article and its graph's quads as N-Quads bytes (making and parsing them
costs a fifth of pickling the pyoxigraph terms), failures as
``Failure`` records
turned back into ``KGError``s by the writer; an article that fails, or a worker process that
dies, is reported through ``on_error`` and the others are still written.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from kg import errors
from kg.errors import KGError, ModelNotFoundError, WorkerError
from kg.model import Article

#: Articles per task for ``kg build``: the build's ``nlp.pipe`` batch (see module docstring).
BUILD_CHUNK = 16
#: Articles per task for ``kg ingest`` (each parsed alone): small, for balance and progress.
INGEST_CHUNK = 2
#: Seconds to wait for a cluster's scheduler before giving up.
CONNECT_TIMEOUT = 5.0

OnError = Callable[[KGError], None]


class Progress(Protocol):
    """What the writer tells a progress display (``kg.cli`` draws it with rich)."""

    def start(self, total: int) -> None: ...

    def advance(self, *, ok: bool) -> None: ...


@dataclass(frozen=True)
class Failure:
    """An article that failed in a worker: the ``KGError`` subclass name and its message."""

    kind: str
    message: str

    def to_error(self) -> KGError:
        cls = getattr(errors, self.kind, None)
        if not (isinstance(cls, type) and issubclass(cls, KGError)):
            cls = WorkerError
        return cls(self.message)


Result = tuple[Article, bytes] | Failure  # bytes: the article's quads as N-Quads
#: What a worker runs: ``extract_chunk`` or a function like it (importable by the workers).
Task = Callable[[Sequence[Article], bool], list[Result]]


# ------------------------------------------------------------------ the worker side
def extract_chunk(chunk: Sequence[Article], one_by_one: bool) -> list[Result]:
    """Build the graphs of ``chunk`` in this process: one entry per article, in order.

    Runs in a worker (a process of the pool, or a Dask worker); the spaCy model loads once
    per process (``load_model`` is cached). Any error of one article is returned as its
    ``Failure``; the others are still built.
    """
    from kg.pipeline import build_quads

    if one_by_one and len(chunk) > 1:
        return [r for a in chunk for r in extract_chunk([a], True)]
    fails: list[KGError] = []
    try:
        built = iter(list(build_quads(chunk, on_error=fails.append)))
    except ModelNotFoundError:
        raise  # not the article's fault: the writer reports it once and stops
    except Exception as exc:  # noqa: BLE001 - a bug in one article must not stop the rest
        if len(chunk) > 1:  # find which article it is: build them one at a time
            return [r for a in chunk for r in extract_chunk([a], True)]
        return [Failure("WorkerError", f"{chunk[0].id}: extraction failed "
                                       f"({type(exc).__name__}: {exc})")]
    out: list[Result] = []
    pair = next(built, None)
    for article in chunk:  # build_quads yields the articles that build, in input order
        if pair is not None and pair[0].id == article.id:
            out.append((pair[0], ox.serialize(pair[1], format=ox.RdfFormat.N_QUADS) or b""))
            pair = next(built, None)
            continue
        # build_quads prefixes each message with the article's id
        found = next((e for e in fails if str(e).startswith(f"{article.id}: ")), None)
        if found is not None:
            fails.remove(found)
        out.append(Failure(type(found).__name__, str(found)) if found is not None
                   else Failure("WorkerError", f"{article.id}: not built"))
    return out


# ------------------------------------------------------------------ the writer side
def extracted(articles: Sequence[Article], *, on_error: OnError | None, one_by_one: bool,
              workers: int = 1, cluster: str | None = None,
              progress: Progress | None = None, task: Task | None = None,
              ) -> Iterator[tuple[Article, list[ox.Quad]]]:
    """Yield each article that builds with its graph's quads, in input order; report the
    others.

    With ``workers`` 1 and no ``cluster`` this is ``build_quads`` in this process (one
    article per parse when ``one_by_one``). Otherwise the articles are built in ``workers``
    processes, or on the Dask cluster at ``cluster`` (a scheduler address), and only the
    writing happens here, with ``task`` (default ``extract_chunk``) run on each chunk.

    Raises:
        ValueError: ``workers`` is below 1, or both ``workers`` > 1 and ``cluster`` are given.
        WorkerError: the cluster cannot be reached or is lost during the run.
    """
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    if cluster is not None and workers > 1:
        raise ValueError("give workers or cluster, not both")

    def report(exc: KGError) -> None:
        if progress is not None:
            progress.advance(ok=False)
        if on_error is None:
            raise exc
        on_error(exc)

    if progress is not None:
        progress.start(len(articles))
    if workers == 1 and cluster is None:
        from kg.pipeline import build_quads

        groups = [[a] for a in articles] if one_by_one else [list(articles)]
        for group in groups:
            for pair in build_quads(group, on_error=report):
                if progress is not None:
                    progress.advance(ok=True)
                yield pair
        return
    size = INGEST_CHUNK if one_by_one else BUILD_CHUNK
    chunks = [list(articles[i:i + size]) for i in range(0, len(articles), size)]
    task = task or extract_chunk
    run = (_on_cluster(cluster, chunks, one_by_one, task) if cluster is not None
           else _on_pool(workers, chunks, one_by_one, task))
    for result in run:
        if isinstance(result, Failure):
            report(result.to_error())
            continue
        article, nquads = result
        if progress is not None:
            progress.advance(ok=True)
        # in the order they were written: to_quads's, which the output follows
        yield article, list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


class _Crashed(Exception):
    """A task's worker died (the pool broke, or Dask gave the task up as ``KilledWorker``)."""


Waiting = tuple[Callable[[], list[Result]], Callable[[], object]]  # (wait, cancel) a task


def _in_order(submit: Callable[[list[Article], bool], Waiting],
              chunks: list[list[Article]], one_by_one: bool, *, limit: int, why: str,
              ) -> Iterator[Result]:
    """Run ``chunks`` through ``submit`` (at most ``limit`` in flight) and yield the results
    in input order, finding the article that kills its worker.

    ``submit`` starts a task and returns a function that waits for its results (raising
    ``_Crashed`` if the task's worker died) and one that cancels it. Which task killed a
    worker is not known when several run at once, so after a crash the tasks in flight run
    again one at a time; a chunk that kills its worker then is split into single articles,
    and a single article that does is reported as failed (``why``). The others are built.
    """
    todo: deque[tuple[list[Article], bool]] = deque((c, one_by_one) for c in chunks)
    flight: deque[tuple[list[Article], bool, Waiting]] = deque()
    careful = 0  # tasks still to run one at a time after a crash
    while todo or flight:
        while todo and len(flight) < (1 if careful else limit):
            chunk, by_one = todo.popleft()
            flight.append((chunk, by_one, submit(chunk, by_one)))
        chunk, by_one, (wait, _) = flight.popleft()
        try:
            results = wait()
        except _Crashed:
            again = [(c, b) for c, b, _ in flight]
            for _, _, (_, cancel) in flight:
                cancel()  # and run again below
            flight.clear()
            head: list[tuple[list[Article], bool]] = []
            if not careful:  # any task in flight may have done it
                head, careful = [(chunk, by_one)], 1 + len(again)
            elif len(chunk) > 1:  # this chunk did it: find the article
                head = [([a], True) for a in chunk]
                careful += len(chunk) - 1
            else:
                yield Failure("WorkerError", f"{chunk[0].id}: {why}")
                careful -= 1
            todo.extendleft(reversed(head + again))
            continue
        careful = max(0, careful - 1)
        yield from results


def _on_pool(workers: int, chunks: list[list[Article]], one_by_one: bool, task: Task,
             ) -> Iterator[Result]:
    """Results of ``chunks`` built by a pool of ``workers`` local processes, in order.

    At most two tasks per worker are in flight, so memory stays bounded on long inputs. A
    process that dies (killed, out of memory, a crash in native code) breaks the pool: a new
    one takes over and ``_in_order`` finds the article.
    """
    methods = multiprocessing.get_all_start_methods()
    # forkserver: workers fork from a clean server, not from this process and its threads
    # (an open store, rdflib state); spawn where it is missing
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # the server imports spaCy and loads the model once, and workers fork from it with
        # the model loaded (this also hands sys.path to the server)
        ctx.set_forkserver_preload(["kg.parallel", "kg.pipeline", "kg._forkserver"])

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_ignore_sigint)

    pool = new_pool()

    def submit(chunk: list[Article], by_one: bool) -> Waiting:
        future = pool.submit(task, chunk, by_one)

        def wait() -> list[Result]:
            nonlocal pool
            try:
                return future.result()
            except BrokenProcessPool:  # every task of the pool is lost: start a new one
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                raise _Crashed() from None

        return wait, future.cancel

    try:
        yield from _in_order(submit, chunks, one_by_one, limit=2 * workers,
                             why="a worker process died while building it")
    except BaseException:  # Ctrl-C, or the writer stopped (--strict): stop the workers now
        for process in dict(pool._processes or {}).values():  # no public way to stop them
            if process.is_alive():
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _ignore_sigint() -> None:
    """Ctrl-C reaches the whole process group; the writer alone handles it (and stops us)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def connect_cluster(address: str) -> Any:
    """A Dask ``Client`` connected to the scheduler at ``address``.

    Raises:
        WorkerError: Dask distributed is not installed, or nothing answers at ``address``.
    """
    try:
        from distributed import Client
    except ImportError:
        raise WorkerError("--cluster needs Dask distributed: pip install 'newskg[cluster]'"
                          ) from None
    for name in ("distributed", "distributed.client", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # our error line says it all
    try:
        return Client(address, timeout=CONNECT_TIMEOUT,  # type: ignore[no-untyped-call]
                      set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise WorkerError(f"cannot reach a Dask scheduler at {address} ({exc}); start one "
                          "with 'dask scheduler' or check the address") from None


def _on_cluster(address: str, chunks: list[list[Article]], one_by_one: bool, task: Task,
                ) -> Iterator[Result]:
    """Results of ``chunks`` built on the Dask cluster at ``address``, in order.

    The scheduler retries a task whose worker died (``distributed.scheduler.allowed-failures``)
    and then gives it up as ``KilledWorker``; ``_in_order`` then finds the article.
    """
    from distributed import CancelledError, KilledWorker

    client = connect_cluster(address)
    workers = max(1, len(client.scheduler_info().get("workers", {})))

    def submit(chunk: list[Article], by_one: bool) -> Waiting:
        future = client.submit(task, chunk, by_one, pure=False)

        def wait() -> list[Result]:
            try:
                return future.result()  # type: ignore[no-any-return]
            except KilledWorker:
                raise _Crashed() from None
            except (CancelledError, OSError, TimeoutError) as exc:
                raise WorkerError(f"lost the Dask cluster at {address} ({exc or type(exc)})"
                                  ) from None
            finally:
                future.release()

        return wait, future.cancel

    try:
        yield from _in_order(submit, chunks, one_by_one, limit=2 * workers,
                             why="its Dask worker died while building it")
    finally:
        client.close()
