"""kg build / kg ingest with --workers N and --cluster ADDRESS: the same output as one process.

The articles are the two examples and short texts written here; there are more of them than
one build batch (16), so two workers really share the work. Faults are injected in the
workers by ``parallel_faults.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import KG, ROOT, run_kg
from parallel_faults import BUG, CRASH, INVALID, faulty_chunk

from kg.errors import KGError, ValidationError, WorkerError
from kg.ingest import read_articles
from kg.parallel import BUILD_CHUNK, extracted

EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))

PEOPLE = ["Marta Olsen", "Tomas Brandt", "Ines Calloway", "Ruben Okafor", "Helga Marsh",
          "Victor Lindqvist", "Amara Tembe", "Oskar Pell", "Delia Fontaine", "Piet Vandermeer"]
BODIES = ["the Ministry of Fisheries", "the Harbour Authority", "the National Rail Board",
          "the Coastal Party", "the Water Commission"]
LAWS = ["Fisheries Quota Bill", "Harbour Safety Act", "Rail Fares Bill", "Coastal Zoning Act"]


def _text(i: int) -> str:
    person, other = PEOPLE[i % len(PEOPLE)], PEOPLE[(i * 3 + 1) % len(PEOPLE)]
    body, law = BODIES[i % len(BODIES)], LAWS[i % len(LAWS)]
    surname = person.split()[-1]
    return (f"{person}, the chairman of {body}, said on Tuesday that the {law} would be "
            f"debated next month.\n\n"
            f"\"We have waited {i + 2} years for this,\" Mr {surname} told reporters.\n\n"
            f"Parliament passed the {law} last week, and {other}, a spokesman for "
            f"{BODIES[(i + 2) % len(BODIES)]}, warned that costs would rise.")


def write_articles(folder: Path, n: int, *, marks: dict[int, str] | None = None) -> Path:
    """``n`` articles written here (JSON lines), some marked with a fault; returns the file."""
    path = folder / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            text = _text(i) + (f" {marks[i]}" if marks and i in marks else "")
            out.write(json.dumps({"id": f"t{i:02d}", "title": f"Story {i}", "text": text,
                                  "date": (dt.date(2021, 3, 1) + dt.timedelta(i)).isoformat()})
                      + "\n")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The examples and 20 texts: 22 articles, more than one batch of BUILD_CHUNK."""
    folder = tmp_path_factory.mktemp("parallel-in")
    paths = [*EXAMPLES, write_articles(folder, 20)]
    assert 2 + 20 > BUILD_CHUNK
    return paths


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]) -> Path:
    """``kg build`` of the inputs in one process (the reference)."""
    out = tmp_path_factory.mktemp("parallel-w1")
    result = run_kg("build", *inputs, "--out", out, "--workers", "1")
    assert result.returncode == 0, result.stderr
    return out


def _same_files(a: Path, b: Path) -> None:
    for name in ("graph.trig", "graph.html"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


def test_parallel_build_two_workers_byte_identical(tmp_path: Path, inputs: list[Path],
                                                   one_process: Path) -> None:
    result = run_kg("build", *inputs, "--out", tmp_path, "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "built 22 article(s)" in result.stderr
    assert "articles/s" not in result.stderr  # no progress bar when stderr is not a terminal
    _same_files(one_process, tmp_path)


def test_parallel_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    path = write_articles(tmp_path, 4)
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120"}  # rich: stderr is a terminal
    result = subprocess.run([str(KG), "build", str(path), "--out", str(tmp_path / "out"),
                             "--no-html"], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", result.stderr)
    assert re.search(r"extracting .* 4/4 [\d.]+ articles/s", plain), plain


def _store_quads(store: Path) -> list[str]:
    db = ox.Store.read_only(str(store))
    return sorted(str(q) for q in db)


def test_parallel_ingest_two_workers_same_store(tmp_path: Path) -> None:
    articles = [*EXAMPLES, write_articles(tmp_path, 5)]
    stores = []
    for workers in ("1", "2"):
        store = tmp_path / f"store{workers}"
        result = run_kg("ingest", *articles, "--store", store, "--workers", workers)
        assert result.returncode == 0, result.stderr
        stores.append(store)
        # the writer reports each article in input order, whatever the number of workers
        ids = [line.split(":")[0].split()[-1] for line in result.stderr.splitlines()
               if line.strip()]
        assert len(ids) == 7
    assert _store_quads(stores[0]) == _store_quads(stores[1])


def _run(articles: list, **options: object) -> tuple[list[str], list[KGError]]:  # type: ignore[type-arg]
    errors: list[KGError] = []
    built = [a.id for a, _ in extracted(articles, on_error=errors.append, **options)]  # type: ignore[arg-type]
    return built, errors


@pytest.mark.parametrize("one_by_one", [False, True], ids=["build", "ingest"])
def test_parallel_failing_article_reported_others_built(tmp_path: Path, one_by_one: bool,
                                                        ) -> None:
    path = write_articles(tmp_path, 18, marks={3: INVALID, 12: BUG})
    articles = list(read_articles([path]))
    built, errors = _run(articles, one_by_one=one_by_one, workers=2, task=faulty_chunk)
    assert built == [a.id for a in articles if a.id not in {"t03", "t12"}]  # input order
    assert [type(e) for e in errors] == [ValidationError, WorkerError]
    assert str(errors[0]).startswith("t03: graph breaks the shapes")
    assert str(errors[1]).startswith("t12: extraction failed (RuntimeError: deliberate bug)")


def test_parallel_worker_crash_reported_others_built(tmp_path: Path) -> None:
    path = write_articles(tmp_path, 6, marks={2: CRASH})
    articles = list(read_articles([path]))
    built, errors = _run(articles, one_by_one=True, workers=2, task=faulty_chunk)
    assert built == ["t00", "t01", "t03", "t04", "t05"]
    assert [str(e) for e in errors] == ["t02: a worker process died while building it"]


@pytest.mark.parametrize("value", ["0", "-1", "100000"])
def test_parallel_bad_workers_value(tmp_path: Path, value: str) -> None:
    result = run_kg("build", EXAMPLES[0], "--out", tmp_path / "out", "--workers", value)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: --workers must be between 1 and")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_parallel_workers_not_a_number(tmp_path: Path) -> None:
    result = run_kg("ingest", EXAMPLES[0], "--store", tmp_path / "s", "--workers", "two")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: --workers takes a whole number or 'auto', not 'two'"
    assert not (tmp_path / "s").exists()


def test_parallel_workers_and_cluster_exclusive(tmp_path: Path) -> None:
    result = run_kg("build", EXAMPLES[0], "--out", tmp_path / "out", "--workers", "2",
                    "--cluster", "tcp://127.0.0.1:1")
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: give --workers or --cluster, not both "
                                     "(the cluster has its own workers)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_parallel_cluster_unreachable(tmp_path: Path) -> None:
    # checked before anything is opened: no store is created (kg build shares the check)
    result = run_kg("ingest", EXAMPLES[0], "--store", tmp_path / "out", "--cluster",
                    f"tcp://127.0.0.1:{_free_port()}")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach a Dask scheduler at")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ a real Dask cluster
@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local Dask cluster (scheduler and two one-thread worker processes on 127.0.0.1)."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    # a task whose worker dies is given up at once (default: tried on 3 more workers)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address=None) as local:
        yield local.scheduler_address


def test_parallel_cluster_build_byte_identical(tmp_path: Path, inputs: list[Path],
                                               one_process: Path, cluster: str) -> None:
    result = run_kg("build", *inputs, "--out", tmp_path, "--cluster", cluster)
    assert result.returncode == 0, result.stderr
    _same_files(one_process, tmp_path)


def test_parallel_cluster_crash_and_failure_reported(tmp_path: Path, cluster: str) -> None:
    path = write_articles(tmp_path, 6, marks={1: INVALID, 4: CRASH})
    articles = list(read_articles([path]))
    built, errors = _run(articles, one_by_one=True, cluster=cluster, task=faulty_chunk)
    assert built == ["t00", "t02", "t03", "t05"]
    assert [str(e).split(":")[0] for e in errors] == ["t01", "t04"]
    assert isinstance(errors[1], WorkerError)
    assert "its Dask worker died" in str(errors[1])
