"""Shared fixtures: the example article built once per session, a hand-built article, `kg`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from kg.model import Article, Entity, Evidence, LegislativeAction, Role, Span, Statement, TimeRef
from kg.resolve import resolve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "xinjiang-2018-10-16.txt"
#: The console script installed next to the interpreter running the tests (.venv/bin/kg).
KG = Path(sys.executable).with_name("kg")

TEXT = (
    "Shohrat Zakir, chairman of the government of Xinjiang, said on Tuesday that the "
    "centres help people. Lawmakers amended the Regulation on De-extremification last week."
)


def span(phrase: str, *, after: int = 0) -> Span:
    """The first occurrence of ``phrase`` in TEXT at or after ``after``."""
    start = TEXT.index(phrase, after)
    return Span(start, start + len(phrase), phrase)


def make_article(article_id: str = "a1") -> Article:
    """One article with a role, a dated statement and a dated legislative action, by hand."""
    first = span(TEXT[: TEXT.index(".") + 1])
    second = span(TEXT[first.end + 1 :])
    law = "Regulation on De-extremification"
    return Article(
        id=article_id,
        text=TEXT,
        title="Xinjiang governor speaks",
        date=dt.date(2018, 10, 16),
        url="https://example.org/news/1",
        entities=(
            Entity("zakir", "Person", "Shohrat Zakir", (), (span("Shohrat Zakir"),)),
            Entity("gov", "Organization", "government of Xinjiang", (),
                   (span("government of Xinjiang"),), subkind="GovernmentOrganization"),
            Entity("xj", "Location", "Xinjiang", (), (span("Xinjiang"),)),
            Entity("law", "Legislation", law, (), (span(law),)),
        ),
        roles=(Role("zakir", "chairman", Evidence(first, span("chairman"), "apposition", 0.9),
                    organization="gov"),),
        statements=(Statement(
            "zakir", "said", Evidence(first, span("said"), "said-that", 0.8),
            quote="the centres help people",
            when=TimeRef(span("on Tuesday"), dt.date(2018, 10, 16), dt.date(2018, 10, 16)),
        ),),
        actions=(LegislativeAction(
            "amend", "law", Evidence(second, span("amended"), "verb-law", 0.7),
            when=TimeRef(span("last week"), dt.date(2018, 10, 8), dt.date(2018, 10, 14)),
        ),),
    )


@pytest.fixture
def article() -> Article:
    """The hand-built article, resolved (every entity has an IRI)."""
    return resolve(make_article())


def run_kg(*args: str | Path, stdin: str | None = None, cwd: Path | None = None,
           ) -> subprocess.CompletedProcess[str]:
    """Run the installed ``kg`` command as a user would."""
    return subprocess.run([str(KG), *map(str, args)], input=stdin,
                          capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory,
                ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``kg build`` of the example article, once per session (the model takes ~3 s)."""
    out = tmp_path_factory.mktemp("example") / "out"
    result = run_kg("build", EXAMPLE, "--out", out)
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="session")
def example_build(example_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    """The directory the example article was built into (graph.trig, graph.html)."""
    return example_run[0]
