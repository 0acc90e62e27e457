"""newskg: turn news articles into an RDF knowledge graph you can query, explore and grow.

Examples:
    >>> import kg
    >>> {"entities", "roles", "statements", "legislative-actions"} <= set(kg.saved_queries())
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from kg.errors import (
    IngestError,
    KGError,
    ModelNotFoundError,
    QueryError,
    ServeError,
    StoreError,
    ValidationError,
    WorkerError,
)
from kg.graph import read_graph, to_graph, validate, write_graph
from kg.ingest import read_articles
from kg.model import Article, Entity, Evidence, LegislativeAction, Role, Span, Statement, TimeRef
from kg.pipeline import (
    BuildReport,
    IngestReport,
    build,
    build_graphs,
    ingest_articles,
    merge_graphs,
)
from kg.query import Result, format_result, query, query_saved, saved_queries, select_articles
from kg.resolve import resolve
from kg.scope import ArticlePage, Scope
from kg.store import (
    ArticleChange,
    add_article,
    connect,
    diff_article,
    remove_article,
    to_dataset,
    unmerge,
)

if TYPE_CHECKING:
    from kg.export import export_graph
    from kg.render import render_html, show, to_networkx

__all__ = [
    "Article", "BuildReport", "Entity", "Evidence", "IngestError", "KGError",
    "LegislativeAction", "ModelNotFoundError", "QueryError", "Result", "Role", "Span",
    "ServeError", "Statement", "StoreError", "TimeRef", "ValidationError", "WorkerError",
    "__version__", "build",
    "build_graphs", "export_graph", "format_result", "query", "read_articles", "read_graph",
    "render_html", "resolve", "saved_queries", "show", "to_graph", "to_networkx", "validate",
    "write_graph",
    # stores: cross-article entity resolution, safe updates (kg.store, kg.merge)
    "ArticleChange", "IngestReport", "add_article", "connect", "diff_article", "ingest_articles",
    "merge_graphs", "remove_article", "to_dataset", "unmerge",
    # saved queries over a scope of articles, a page at a time (kg.scope)
    "ArticlePage", "Scope", "query_saved", "select_articles",
]


def __getattr__(name: str) -> Any:
    # kg.render imports pyvis and networkx (~0.4 s): load it on first use, not on `import kg`
    if name in ("render_html", "show", "to_networkx"):
        from kg import render

        return getattr(render, name)
    if name == "export_graph":
        from kg import export

        return export.export_graph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
