"""Opening a store: a pyoxigraph directory recognised by its marker file, or a server's URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import overload

import pyoxigraph as ox

from kg.errors import StoreError
from kg.remote import RemoteStore, is_remote
from kg.store_index import Backend

__all__ = ["MARKER", "FORMAT_VERSION", "is_store", "connect"]

MARKER = "newskg-store.json"
FORMAT_VERSION = 1


# ------------------------------------------------------------------ opening
def is_store(path: str | Path) -> bool:
    """Whether ``path`` is a store: a directory holding the marker file, or a server URL."""
    return is_remote(path) or (Path(path) / MARKER).is_file()


@overload
def connect(path: Path, *, create: bool = False, read_only: bool = False) -> ox.Store: ...
@overload
def connect(path: str | Path, *, create: bool = False, read_only: bool = False) -> Backend: ...
def connect(path: str | Path, *, create: bool = False, read_only: bool = False) -> Backend:
    """Open the store in directory ``path``, or on the SPARQL server at URL ``path``.

    A URL (``http://HOST:PORT``) gives a ``kg.remote.RemoteStore`` configured by the
    ``NEWSKG_STORE_*`` environment variables, checked to answer before it is returned.

    Only one process may open a store for writing; ``read_only`` opens a snapshot that other
    processes may read while one writes (pyoxigraph calls concurrent writing "undefined" for
    readers: a reader sees the store as it was when opened, or fails with a StoreError).

    Args:
        path: the store directory.
        create: make the store if ``path`` does not exist or is an empty directory.
        read_only: open for queries only.

    Raises:
        StoreError: no store there, a directory that is not a store (left untouched), a
            marker of another format version, a corrupt store, or a store another process
            holds for writing.
    """
    if is_remote(path):
        remote = RemoteStore.from_env(str(path), read_only=read_only)
        remote.ping()
        return remote
    path = Path(path)
    marker = path / MARKER
    if not path.exists():
        if not create or read_only:
            raise StoreError(f"{path}: no such store; create one with "
                             f"'kg ingest ARTICLE --store {path}'")
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None
        _write_marker(path)
    elif not path.is_dir():
        raise StoreError(f"{path}: not a store directory (it is a file); "
                         "give a directory made by 'kg ingest --store'")
    elif not marker.is_file():
        if create and not read_only and not any(path.iterdir()):
            _write_marker(path)
        else:
            raise StoreError(f"{path}: not a newskg store (no {MARKER}); nothing in it was "
                             "changed; choose a new or empty directory")
    _check_marker(marker)
    fresh = not (path / "CURRENT").exists()
    if fresh:
        if any(p.name.endswith(".sst") or p.name.startswith("MANIFEST") for p in path.iterdir()):
            raise StoreError(f"{path}: the store is corrupt (its CURRENT file is missing); "
                             "restore it from a backup or ingest the articles again")
        if read_only:
            return ox.Store()  # created, then stopped before the first write: empty
    if not read_only and not fresh:
        # a read-only open checks the files without writing anything; a writable open of a
        # damaged store would start a new RocksDB log in it first
        _open(path, read_only=True)
    return _open(path, read_only=read_only)


def _open(path: Path, *, read_only: bool) -> ox.Store:
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        message = " ".join(str(exc).split())
        if "lock" in message.lower():
            raise StoreError(f"{path}: the store is in use by another writer (a running "
                             "'kg ingest', 'kg merge' or 'oxigraph serve'); wait for it to "
                             "finish; 'kg query' can read the store meanwhile") from None
        if "No such file" in message:
            raise StoreError(f"{path}: the store is corrupt or incomplete ({message}); "
                             "restore it from a backup or ingest the articles again") from None
        raise StoreError(f"{path}: cannot open the store ({message})") from None
    except RuntimeError as exc:  # RocksDB reports damaged files as RuntimeError
        message = " ".join(str(exc).split())[:200]
        raise StoreError(f"{path}: the store is corrupt ({message}); nothing was changed; "
                         "restore it from a backup or ingest the articles again") from None


def _write_marker(path: Path) -> None:
    tmp = path / (MARKER + ".tmp")
    try:
        tmp.write_text(json.dumps({"format": "newskg-store", "version": FORMAT_VERSION}) + "\n",
                       encoding="utf-8")
        tmp.replace(path / MARKER)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None


def _check_marker(marker: Path) -> None:
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        info = None
    if not isinstance(info, dict) or info.get("format") != "newskg-store":
        raise StoreError(f"{marker}: not a newskg store marker; the store is damaged or "
                         "not a newskg store; nothing was changed")
    version = info.get("version")
    if version != FORMAT_VERSION:
        raise StoreError(f"{marker.parent}: store format version {version}, this newskg "
                         f"reads version {FORMAT_VERSION}; use the newskg that made it")
