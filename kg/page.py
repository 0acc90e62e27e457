"""The query page of ``kg serve``: a form, saved queries as examples, and a little script.

Offline like the graph view: no CDN, no font, no request but to the server itself
(``connect-src 'self'``); the script runs by its hash and fills the page with ``textContent``.
"""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

from kg.query import saved_queries
from kg.render import _asset, _script_json, _sha256

__all__ = ["query_page"]

_FIRST = "entities"  # the saved query shown when the page opens


def query_page(*, store: str | Path = "", timeout: float = 30.0, limit: int = 10_000) -> str:
    """The page at ``/`` of ``kg serve``.

    Examples:
        >>> page = query_page(store="store")
        >>> "connect-src 'self'" in page and "<select id=\\"kg-saved\\">" in page
        True
    """
    script = _asset("kg", "query.js")
    csp = (f"default-src 'none'; script-src {_sha256(script)}; style-src 'unsafe-inline'; "
           "connect-src 'self'; form-action 'self'; base-uri 'none'; img-src data:")
    queries = saved_queries()
    first = queries.get(_FIRST, next(iter(queries.values()), ("", "")))[1]
    return Template(_asset("kg", "query.html")).substitute(
        csp=csp, store=html.escape(str(store)), timeout=f"{timeout:g}", limit=f"{limit:,}",
        query=html.escape(first), saved=_script_json(queries), script=script)
