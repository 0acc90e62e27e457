"""Faults for tests/test_parallel.py, run inside worker processes (which import this module).

Each task wraps ``kg.parallel.extract_chunk`` and breaks the articles whose text holds a
marker, the way a real fault would: a KGError from a stage, a bug, or the process dying.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import kg.pipeline
from kg.errors import ValidationError
from kg.model import Article
from kg.parallel import Result, extract_chunk

INVALID = "MARK-INVALID"  # the article's graph is rejected (a KGError in the worker)
BUG = "MARK-BUG"  # the code crashes on the article (an exception that is not a KGError)
CRASH = "MARK-CRASH"  # the worker process dies on the article


def faulty_chunk(chunk: Sequence[Article], one_by_one: bool) -> list[Result]:
    """``extract_chunk`` with ``resolve`` broken for the marked articles."""
    real = kg.pipeline.resolve

    def resolve(article: Article) -> Article:
        if INVALID in article.text:
            raise ValidationError("graph breaks the shapes: deliberately")
        if BUG in article.text:
            raise RuntimeError("deliberate bug")
        if CRASH in article.text:
            os._exit(3)
        return real(article)

    kg.pipeline.resolve = resolve  # type: ignore[assignment]
    try:
        return extract_chunk(chunk, one_by_one)
    finally:
        kg.pipeline.resolve = real  # type: ignore[assignment]
