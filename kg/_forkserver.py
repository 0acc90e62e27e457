"""Imported by the forkserver of ``--workers`` (``kg.parallel``), never by anything else.

Importing it loads the spaCy model once in the server, so every worker forked from it starts
with the model in memory (shared copy-on-write) instead of loading its own. A module, because
``multiprocessing.set_forkserver_preload`` takes module names only.
"""

from __future__ import annotations

from kg.errors import ModelNotFoundError
from kg.extract import load_model

try:
    load_model()
except ModelNotFoundError:
    pass  # each worker raises it again on its first article, and the writer reports it
