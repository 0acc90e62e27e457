"""``kg serve --store http://...``: the endpoint, query page and view over a remote store.

No worker processes here: the query runs on the remote server, and all ``kg serve`` does while
it runs is wait for an HTTP answer. That wait can be bounded (``--timeout`` becomes the
forwarded request's timeout), where a pyoxigraph query in our own process could not be
stopped. So each request is answered in its own server thread, through one shared
``RemoteStore`` (its HTTP client is thread-safe; nothing else of it changes between writes,
and nothing is written). At most ``--workers`` requests are forwarded at once.

On a timeout the client gets 503 as with a store directory, but only our wait stops: the
server may go on with the query until its own limits stop it (Oxigraph server has none;
Virtuoso has ``MaxQueryExecutionTime``).
"""

from __future__ import annotations

import threading
from typing import Any

import httpx

from kg.errors import StoreError
from kg.remote import RemoteStore
from kg.serve import Reply, Settings, _answer

__all__ = ["RemoteRunner"]

_QUEUE_TIMEOUT = 60.0  # seconds a request waits for a free slot


class RemoteRunner:
    """Runs the jobs of ``kg serve`` (queries, the view) on a remote store, in the caller."""

    def __init__(self, settings: Settings) -> None:
        """Connect to the server (retried on transient failures) and check that it answers.

        Raises:
            StoreError: the server is unreachable, asks for credentials, or the
                ``NEWSKG_STORE_*`` variables are wrong.
        """
        self.settings = settings
        self.url = str(settings.store)
        self.store = self._connect()
        self.store.ping()
        self._slots = threading.BoundedSemaphore(settings.workers)

    def _connect(self) -> RemoteStore:
        return RemoteStore.from_env(self.url, read_only=True, timeout=self.settings.timeout)

    def run(self, job: dict[str, Any]) -> Reply:
        """Forward one job to the server; the answer as ``kg serve`` sends it."""
        if not self._slots.acquire(timeout=_QUEUE_TIMEOUT):
            return Reply.text(503, f"{self.settings.workers} queries stayed in progress for "
                                   f"{_QUEUE_TIMEOUT:.0f} s; try again later")
        try:
            # the view reads whole article graphs, which a RemoteStore keeps until its next
            # write: a store of its own per view, so a view never shows graphs read earlier
            source = self._connect() if job["kind"] == "view" else self.store
            try:
                return _answer(source, job, self.settings.limit)
            finally:
                if source is not self.store:
                    source.close()
        except StoreError as exc:
            # RemoteStore raises from None: the httpx exception stays as the context
            if isinstance(exc.__context__, httpx.TimeoutException):
                return Reply.text(503, f"the SPARQL server did not answer within the timeout "
                                       f"of {self.settings.timeout:g} s; kg serve stopped "
                                       "waiting (the server may still be running the query); "
                                       "narrow it, or start kg serve with a longer --timeout")
            return Reply.text(502, f"the SPARQL server failed: {exc}")
        except Exception as exc:  # noqa: BLE001 - one bad answer must not end the server
            return Reply.text(500, f"the query failed: {type(exc).__name__}: {exc}")
        finally:
            self._slots.release()

    def close(self) -> None:
        self.store.close()
