"""Guards the public API: ``kg.__all__`` is complete and every name in it imports (httpx)."""

from __future__ import annotations

import inspect
import types

import pytest

import kg
from kg import errors, model

#: What the README promises notebooks: build, read, query, render.
OPERATIONS = {"build", "build_graphs", "read_articles", "read_graph", "write_graph", "to_graph",
              "validate", "resolve", "query", "format_result", "saved_queries", "render_html",
              "to_networkx"}


@pytest.mark.parametrize("name", kg.__all__)
def test_api_every_exported_name_imports(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from kg import {name}", namespace)  # noqa: S102 - the statement users write
    assert namespace[name] is not None


def test_api_all_has_no_duplicates() -> None:
    assert len(kg.__all__) == len(set(kg.__all__))


def test_api_all_lists_every_public_name() -> None:
    public = {n for n, v in vars(kg).items()
              if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    public -= {"annotations", "TYPE_CHECKING", "Any"}  # typing helpers of __init__ itself
    assert public <= set(kg.__all__)


def test_api_exports_the_operations() -> None:
    assert set(kg.__all__) >= OPERATIONS


def test_api_exports_every_error() -> None:
    classes = {n for n, c in inspect.getmembers(errors, inspect.isclass)
               if issubclass(c, errors.KGError)}
    assert classes <= set(kg.__all__)


def test_api_errors_share_one_base() -> None:
    for name in kg.__all__:
        obj = getattr(kg, name)
        if inspect.isclass(obj) and issubclass(obj, Exception):
            assert issubclass(obj, kg.KGError), name


def test_api_exports_the_model() -> None:
    classes = {n for n, c in inspect.getmembers(model, inspect.isclass)
               if c.__module__ == model.__name__}
    assert classes <= set(kg.__all__)


def test_api_version_matches_the_distribution() -> None:
    from importlib.metadata import version

    assert kg.__version__ == version("newskg")


def test_api_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kg.nope  # noqa: B018
