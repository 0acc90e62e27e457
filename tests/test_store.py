"""Tests for the store and ``kg ingest/merge/remove/unmerge``: a story in four articles.

The example article (2018-10-16) and three follow-ups written for these tests go through the
real pipeline: the next day "Governor Shohrat Zakir" and "Mr. Shohrat Zakir" speak again and
Chen Quanguo is the Communist Party secretary; a teacher, Alim Zakir, shares the governor's
surname; the US Congress introduces a bill, and a bare "Zakir, the region's governor" is quoted.
A reader sees three people named Zakir/Chen there: Shohrat Zakir, Alim Zakir, Chen Quanguo.

The story is ingested once per session, in-process (the model loads once); tests that change
a store work on a copy. The crash and lock tests run ``kg`` in a subprocess, as users do.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import EXAMPLE, KG, run_kg
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import StoreError
from kg.pipeline import ingest_articles
from kg.query import query, saved_query
from kg.store import MARKER, article_ids, check, connect
from kg.vocab import ID

STORY = {
    "xinjiang-2018-10-17": """date 2018-10-17
title: Xinjiang governor says camps will shrink over time

Governor Shohrat Zakir told state television on Wednesday that the number of people in the \
vocational training centres would fall over time.

"The trainees will graduate and find jobs," Mr. Shohrat Zakir said, adding that the centres \
respected local customs.

Chen Quanguo, the Communist Party secretary of Xinjiang, visited a centre in Hotan on \
Wednesday, state media reported.

Rights groups said the interview did not answer questions about detention. The United States \
Congress has called for sanctions against officials in the region.
""",
    "hotan-2018-11-05": """date 2018-11-05
title: Teacher describes life near the camps

Teacher Alim Zakir said on Monday that three of his neighbours had been sent to the centres \
in Hotan.

"Nobody knows when they will come back," Mr Zakir said.
""",
    "us-congress-2018-11-14": """date 2018-11-14
title: US lawmakers propose sanctions over Xinjiang camps

A bipartisan group in the United States Congress introduced the Uyghur Human Rights Policy Act \
on Wednesday, calling for sanctions against Chinese officials responsible for the camps in \
Xinjiang.

Senator Marco Rubio said the bill would hold accountable officials such as Chen Quanguo, the \
region's Communist Party secretary.

"These camps are an affront to human dignity," Mr Rubio said.

The region's governor, Zakir, said last month that the centres were vocational schools. \
Beijing has rejected the criticism as interference in China's internal affairs.
""",
}
#: Reported on the example's date: a second chairman, and Zakir with another title.
RIVAL = """date 2018-10-16
title: Regional officials speak on camps

Erkin Tuniyaz, chairman of the government of Xinjiang Uygur autonomous region, said on \
Tuesday that the centres were temporary.

Shohrat Zakir, vice-chairman of the government of Xinjiang Uygur autonomous region, said the \
trainees were content.
"""
ZAKIR = str(ID["person/shohrat-zakir"])


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """Run ``kg ARGS`` in-process; return the exit code, stdout and stderr."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def fails(*args: str | Path) -> str:
    """Run ``kg ARGS`` in-process, expecting a StoreError; return its message.

    (``kg.cli.main`` turns it into one red line and exit code 1: the subprocess tests below
    check that once for each kind of problem.)
    """
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert isinstance(result.exception, StoreError), (result.exception, result.stderr)
    return str(result.exception)


def one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file of a directory with its content: to show nothing was changed."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


def quads(path: Path) -> set[ox.Quad]:
    return set(connect(path, read_only=True))


@pytest.fixture(scope="session")
def story(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The example and the three follow-ups, as article files, in the order of the story."""
    folder = tmp_path_factory.mktemp("story")
    paths = [EXAMPLE]
    for name, text in STORY.items():
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture(scope="session")
def story_store(story: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the story, ingested once (do not change it: copy it)."""
    path = tmp_path_factory.mktemp("stores") / "story"
    report = ingest_articles(story, path)
    assert not report.errors
    assert [c.status for c in report.changes] == ["added"] * 4
    return path


@pytest.fixture
def store(story_store: Path, tmp_path: Path) -> Path:
    """A copy of the story's store that a test may change."""
    return Path(shutil.copytree(story_store, tmp_path / "store"))


def entity_iris(path: Path) -> dict[str, set[tuple[str, str]]]:
    """Label or alias -> (article, entity IRI) pairs."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in query(connect(path, read_only=True), saved_query("entities")).records():
        for label in (row["label"], row["alias"]):
            if label:
                found[label].add((row["article"], row["entity"]))
    return found


# ------------------------------------------------------------------ one entity per person
def test_store_one_entity_per_real_person(story_store: Path) -> None:
    names = entity_iris(story_store)
    zakir = names["Shohrat Zakir"] | names["Mr. Shohrat Zakir"] | names["Zakir"]
    assert {iri for _, iri in zakir} == {ZAKIR}
    assert {article for article, _ in zakir} == {
        "xinjiang-2018-10-16", "xinjiang-2018-10-17", "us-congress-2018-11-14"}
    assert {iri for _, iri in names["Alim Zakir"]} == {str(ID["person/alim-zakir"])}
    for name, count in (("Chen Quanguo", 3), ("United States Congress", 3)):
        assert len({iri for _, iri in names[name]}) == 1, name
        assert len(names[name]) == count, name


def test_store_bare_surname_merge_is_a_recorded_decision(story_store: Path) -> None:
    rows = query(connect(story_store, read_only=True), saved_query("merge-decisions")).records()
    (row,) = [r for r in rows if r["localName"] == "Zakir"]
    assert row["decision"].endswith("/decision/us-congress-2018-11-14/person/zakir")
    assert row["mergedInto"] == ZAKIR and row["status"] == "active"
    assert "surname only: zakir" in row["evidence"] and "same title: governor" in row["evidence"]
    assert float(row["score"]) >= 0.6


def test_store_is_consistent(story_store: Path) -> None:
    assert check(connect(story_store, read_only=True)) == []
    assert article_ids(connect(story_store, read_only=True)) == sorted(
        ["xinjiang-2018-10-16", *STORY])


# ------------------------------------------------------------------ saved queries on a store
def test_store_posts_on_a_date(story_store: Path) -> None:
    rows = query(story_store.as_posix() and connect(story_store, read_only=True),
                 saved_query("posts-on-date")).records()
    on_16 = {(r["personName"], r["title"]) for r in rows if r["date"] == "2018-10-16"}
    assert {("Shohrat Zakir", "chairman"), ("Chen Quanguo", "boss")} <= on_16


def test_store_timeline_of_a_person(story_store: Path) -> None:
    rows = [r for r in query(connect(story_store, read_only=True),
                             saved_query("timeline")).records() if r["person"] == ZAKIR]
    assert {r["article"] for r in rows} == {
        "xinjiang-2018-10-16", "xinjiang-2018-10-17", "us-congress-2018-11-14"}
    assert {"role", "statement"} <= {r["what"] for r in rows}
    assert all(r["sentence"] and r["date"] for r in rows)


def test_store_ranking_and_co_mentions(story_store: Path) -> None:
    db = connect(story_store, read_only=True)
    ranked = {r["entity"]: int(r["articles"])
              for r in query(db, saved_query("mentions-ranked")).records()}
    assert ranked[ZAKIR] == 3 and ranked[str(ID["person/alim-zakir"])] == 1
    pairs = {(r["personName"], r["otherName"]): int(r["articles"])
             for r in query(db, saved_query("co-mentions")).records()}
    assert pairs[("Chen Quanguo", "Shohrat Zakir")] == 3


def test_store_query_and_render_accept_a_store(story_store: Path, tmp_path: Path) -> None:
    code, out, err = invoke("query", story_store, "--named", "articles", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["results"]["bindings"]) == 4
    code, _, err = invoke("render", story_store, "-o", tmp_path / "story.html")
    assert code == 0, err
    assert "Shohrat Zakir" in (tmp_path / "story.html").read_text(encoding="utf-8")
    assert kg.query(kg.connect(story_store, read_only=True), "ASK { ?s ?p ?o }").boolean


# ------------------------------------------------------------------ updates and retraction
def test_store_reingest_changes_nothing(store: Path, story: list[Path]) -> None:
    before = quads(store)
    code, _, err = invoke("ingest", *story, "--store", store)
    assert code == 0, err
    assert err.splitlines() == [f"unchanged {p.stem}" for p in story]
    assert quads(store) == before


def test_store_same_id_new_text_replaces_the_article(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "hotan-2018-11-05.txt"
    path.write_text(STORY["hotan-2018-11-05"].replace("three of his neighbours",
                                                       "four of his neighbours"),
                    encoding="utf-8")
    code, _, err = invoke("ingest", path, "--store", store)
    assert code == 0, err
    assert err.startswith("replaced hotan-2018-11-05")
    db = connect(store, read_only=True)
    bodies = query(db, "SELECT ?b WHERE { GRAPH ?g { ?a schema:identifier 'hotan-2018-11-05' ;"
                       " schema:articleBody ?b } }").records()
    assert [("four" in r["b"], "three" in r["b"]) for r in bodies] == [(True, False)]
    assert check(db) == []


def test_store_remove_an_article(store: Path) -> None:
    before = {r["article"]: r for r in query(connect(store, read_only=True),
                                             saved_query("roles")).records()}
    code, _, err = invoke("remove", "hotan-2018-11-05", "--store", store)
    assert (code, err.strip()) == (0, "removed hotan-2018-11-05")
    names = entity_iris(store)
    assert "Alim Zakir" not in names  # mentioned by the removed article only
    assert {iri for _, iri in names["Hotan"]} == {str(ID["place/hotan"])}  # also in 10-17
    after = {r["article"]: r for r in query(connect(store, read_only=True),
                                            saved_query("roles")).records()}
    assert after == before  # the teacher had no role: every other fact is kept
    assert check(connect(store, read_only=True)) == []


def test_store_remove_unknown_article_is_an_error(store: Path) -> None:
    assert "no article 'nope'" in fails("remove", "nope", "--store", store)


def test_store_unmerge_restores_a_separate_iri(store: Path, story: list[Path]) -> None:
    code, out, err = invoke("unmerge", "us-congress-2018-11-14/person/zakir", "--store", store)
    assert code == 0, err
    separate = out.strip()
    assert separate == str(ID["person/zakir"])
    names = entity_iris(store)
    assert names["Zakir"] == {("us-congress-2018-11-14", separate),
                              ("xinjiang-2018-10-16", ZAKIR)}  # there an alias of the full name
    assert check(connect(store, read_only=True)) == []
    code, _, err = invoke("ingest", story[3], "--store", store)  # no re-extraction needed
    assert (code, err.strip()) == (0, "unchanged us-congress-2018-11-14")
    assert entity_iris(store)["Zakir"] == names["Zakir"]


# ------------------------------------------------------------------ dry run
def test_store_dry_run_reports_and_writes_nothing(store: Path, tmp_path: Path) -> None:
    rival = tmp_path / "rival-2018-10-16.txt"
    rival.write_text(RIVAL, encoding="utf-8")
    before = snapshot(store)
    code, out, err = invoke("ingest", rival, "--store", store, "--dry-run", "--format", "json")
    assert code == 0, err
    (report,) = json.loads(out)["articles"]
    assert report["status"] == "added"
    assert [e["name"] for e in report["new_entities"]] == ["Erkin Tuniyaz"]
    links = {x["name"]: x["iri"] for x in report["links"]}
    assert links["Shohrat Zakir"] == ZAKIR
    assert {"Erkin Tuniyaz: chairman of government of Xinjiang Uygur autonomous region",
            "Shohrat Zakir: vice-chairman of government of Xinjiang Uygur autonomous region",
            } <= set(report["roles"])
    conflicts = report["conflicts"]
    assert len(conflicts) == 2
    assert any("Erkin Tuniyaz (this article) and Shohrat Zakir (xinjiang-2018-10-16)" in c
               for c in conflicts)
    assert any("vice-chairman (this article) and chairman (xinjiang-2018-10-16)" in c
               for c in conflicts)
    code, text, _ = invoke("ingest", rival, "--store", store, "--dry-run")
    assert "conflicts:" in text and "links to stored entities:" in text
    assert snapshot(store) == before


# ------------------------------------------------------------------ crash in the middle
def test_store_survives_kill_in_the_middle_of_an_ingest(story: list[Path], story_store: Path,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "store"
    with subprocess.Popen([str(KG), "ingest", *map(str, story), "--store", str(path)],
                          stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:  # kill -9 once the first article is committed
            if line.startswith("added "):
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    db = connect(path)  # opens: the lock went with the process
    stored = article_ids(db)
    assert 1 <= len(stored) <= 4 and set(stored) <= {p.stem for p in story}
    assert check(db) == []  # whole articles only
    del db
    report = ingest_articles(story, path)  # running it again completes the work
    assert [c.status for c in report.changes].count("unchanged") == len(stored)
    assert quads(path) == quads(story_store)


# ------------------------------------------------------------------ bad stores and inputs
def test_store_locked_by_a_writer(store: Path) -> None:
    writer = connect(store)
    try:
        with pytest.raises(StoreError, match="in use by another writer"):
            connect(store)
        one_error_line(run_kg("ingest", EXAMPLE, "--store", store), "in use by another writer")
        reading = run_kg("query", store, "--named", "articles", "--format", "csv")
        assert reading.returncode == 0, reading.stderr  # queries read a snapshot meanwhile
        assert len(reading.stdout.splitlines()) == 5
    finally:
        del writer


def test_store_foreign_directory_is_left_untouched(example_build: Path, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8 not a store")
    before = snapshot(folder)
    assert "not a newskg store" in fails("ingest", EXAMPLE, "--store", folder)
    assert "not a newskg store" in fails("merge", example_build, "--store", folder)
    with pytest.raises(StoreError, match="not a newskg store"):
        connect(folder, create=True)
    assert snapshot(folder) == before


@pytest.mark.parametrize("damage", ["sst", "current", "marker", "version"])
def test_store_corrupt_store_is_an_error_and_left_untouched(store: Path, damage: str) -> None:
    if damage == "sst":
        for sst in store.glob("*.sst"):
            sst.write_bytes(sst.read_bytes()[:100])
    elif damage == "current":
        (store / "CURRENT").unlink()
    elif damage == "marker":
        (store / MARKER).write_text("{not json", encoding="utf-8")
    else:
        (store / MARKER).write_text('{"format": "newskg-store", "version": 99}',
                                    encoding="utf-8")
    before = snapshot(store)
    for read_only in (False, True):
        with pytest.raises(StoreError) as info:
            connect(store, read_only=read_only)
        assert str(store) in str(info.value)
    if damage == "sst":  # as users see it: one line
        one_error_line(run_kg("query", store, "--named", "articles"), "corrupt")
    else:
        assert str(store) in fails("query", store, "--named", "articles")
    assert snapshot(store) == before


def test_store_missing_store(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    one_error_line(run_kg("remove", "x", "--store", gone), "no such store")
    assert "no such store" in fails("unmerge", "x/person/y", "--store", gone)
    assert not gone.exists()


def test_store_merge_rejects_invalid_rdf_and_keeps_the_store(example_build: Path, store: Path,
                                                             tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("@prefix : <http://x/> . :a :b ", encoding="utf-8")
    before = snapshot(store)
    one_error_line(run_kg("merge", bad, "--store", store), "not valid RDF")
    assert "not valid RDF" in fails("merge", example_build, bad, "--store", store)
    assert snapshot(store) == before


def test_store_merge_graphs_built_by_kg_build(example_build: Path, store: Path,
                                              tmp_path: Path) -> None:
    code, _, err = invoke("merge", example_build, "--store", store)
    assert (code, err.strip()) == (0, "unchanged xinjiang-2018-10-16")  # same graph as ingested
    fresh = tmp_path / "fresh"
    code, _, err = invoke("merge", example_build, "--store", fresh)
    assert code == 0 and err.startswith("added xinjiang-2018-10-16"), err
    code, _, err = invoke("merge", example_build, "-o", tmp_path / "merged.trig")
    assert code == 0, err
    assert len(query(tmp_path / "merged.trig", saved_query("entities")).rows) > 0
