"""Exceptions raised by newskg.

    KGError                  base: the CLI prints its message on one line and exits 1
    ├── IngestError          an article file cannot be read (missing, empty, binary, bad JSON, ...)
    ├── ModelNotFoundError   the pinned spaCy pipeline is not installed
    ├── ValidationError      a built graph breaks the SHACL shapes
    ├── QueryError           bad SPARQL, unknown saved query, unreadable graph
    ├── StoreError           a graph file or store cannot be read or written
    └── WorkerError          an article failed in a worker process or on a cluster, or the
                             cluster cannot be reached
"""

from __future__ import annotations


class KGError(Exception):
    """Base of every error newskg reports to its users."""


class IngestError(KGError):
    """An article cannot be read; the message names the file and the problem."""


class ModelNotFoundError(KGError):
    """The pinned English spaCy pipeline is missing."""


class ValidationError(KGError):
    """A graph does not conform to the shapes in ``schemas/shapes.ttl``."""


class QueryError(KGError):
    """A SPARQL query cannot be parsed or run."""


class StoreError(KGError):
    """A graph or store cannot be read or written."""


class WorkerError(KGError):
    """Parallel extraction failed: a worker died on an article, or no cluster answers."""


class ServeError(KGError):
    """``kg serve`` cannot start: its port is taken, or a writer holds the store."""
