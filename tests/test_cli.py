"""Tests for the ``kg`` command: build, query, render, validate, as a user runs them.

Error paths run the installed script in a subprocess, because ``kg.cli.main`` is what turns a
KGError into one red line and exit code 1. Builds that need the model run in-process with
CliRunner, so the pipeline loads once; the example itself is built once per session.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, run_kg
from typer.testing import CliRunner

from kg import __version__
from kg.cli import app
from kg.errors import StoreError
from kg.query import query, saved_queries, saved_query


def invoke(*args: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
    """Run ``kg ARGS`` in-process; return the exit code, stdout and stderr."""
    result = CliRunner().invoke(app, [str(a) for a in args], input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]


# ------------------------------------------------------------------ build
def test_cli_build_writes_graph_and_html(example_build: Path) -> None:
    assert sorted(p.name for p in example_build.iterdir()) == ["graph.html", "graph.trig"]


def test_cli_build_prints_the_summary(example_run: tuple[Path, subprocess.CompletedProcess[str]],
                                      ) -> None:
    out, result = example_run
    assert result.stdout == ""  # messages go to stderr, stdout is for results
    summary = result.stderr
    assert "built 1 article(s): entities:" in summary
    for what in ("person", "organization", "location", "legislation", "roles", "statements",
                 "legislative actions"):
        assert what in summary
    assert f"graph: {out / 'graph.trig'}" in summary
    assert f"html:  {out / 'graph.html'}" in summary


@pytest.mark.parametrize(("fmt", "name"), [
    ("nquads", "graph.nq"), ("turtle", "graph.ttl"), ("json-ld", "graph.jsonld")])
def test_cli_build_format(tmp_path: Path, fmt: str, name: str) -> None:
    code, _, err = invoke("build", EXAMPLE, "--out", tmp_path, "--format", fmt, "--no-html")
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert len(query(tmp_path, saved_query("entities")).rows) > 0


def test_cli_build_is_deterministic(example_build: Path, tmp_path: Path) -> None:
    # in-process here, a subprocess for example_build: different str hashes, same bytes
    code, _, err = invoke("build", EXAMPLE, "--out", tmp_path)
    assert code == 0, err
    for name in ("graph.trig", "graph.html"):
        assert (tmp_path / name).read_bytes() == (example_build / name).read_bytes(), name


def test_cli_build_from_stdin(tmp_path: Path) -> None:
    article = json.dumps({"id": "piped", "text": "Shohrat Zakir said the centres work."})
    code, _, err = invoke("build", "-", "--out", tmp_path, "--no-html", stdin=article)
    assert code == 0, err
    assert query(tmp_path, "ASK { ?a schema:identifier 'piped' }").boolean is True


def test_cli_build_good_and_bad_input_builds_the_good_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = invoke("build", EXAMPLE, bad, "--out", out, "--no-html")
    assert code == 1
    assert f"error: {bad}: malformed JSON" in err
    assert "built 1 article(s)" in err
    assert "1 input(s) failed" in err
    assert (out / "graph.trig").is_file()


def test_cli_build_strict_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    out = tmp_path / "out"
    result = run_kg("build", EXAMPLE, bad, "--out", out, "--strict")
    assert_one_error_line(result, str(bad), "malformed JSON")
    assert not out.exists()


BAD_INPUTS = {
    # name: (file name, content, what the error line must say)
    "missing": ("gone.txt", None, "no such file"),
    "empty": ("empty.txt", b"", "the article text is empty"),
    "whitespace": ("blank.txt", b" \n\t\n", "the article text is empty"),
    "binary": ("image.txt", b"GIF89a\x00\x01\x00\x01", "binary content"),
    "latin-1": ("latin.txt", "café".encode("latin-1"), "not valid UTF-8"),
    "malformed-json": ("bad.json", b'{"text": ', "malformed JSON"),
    "json-without-text": ("notext.json", b'{"id": "x"}', "no 'text' field"),
    "unsupported": ("article.docx", b"PK\x03\x04", "unsupported file type"),
    "impossible-date": ("feb.txt", b"date 2018-02-30 The governor spoke.", "impossible date"),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_cli_build_bad_input_is_one_error_line(tmp_path: Path, kind: str) -> None:
    name, content, problem = BAD_INPUTS[kind]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out"
    assert_one_error_line(run_kg("build", path, "--out", out), str(path), problem)
    assert not out.exists()


def test_cli_build_unwritable_out_raises_store_error(tmp_path: Path) -> None:
    # in-process (the model is loaded already); main() turns it into one line like the others
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot create the output directory"):
        invoke("build", EXAMPLE, "--out", blocker / "out", "--no-html")


def test_cli_build_unknown_format_is_one_error_line(tmp_path: Path) -> None:
    result = run_kg("build", EXAMPLE, "--out", tmp_path / "out", "--format", "rdfxml")
    assert_one_error_line(result, "choose one of trig, nquads, turtle, json-ld")


# ------------------------------------------------------------------ query
def test_cli_query_named_json(example_build: Path) -> None:
    result = run_kg("query", example_build, "--named", "entities", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"][:4] == ["article", "entity", "kind", "label"]
    assert doc["results"]["bindings"]


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv"])
def test_cli_query_text_formats(example_build: Path, fmt: str) -> None:
    result = run_kg("query", example_build, "--named", "roles", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "person" in result.stdout.splitlines()[0 if fmt != "table" else 1]


def test_cli_query_list_shows_every_saved_query() -> None:
    result = run_kg("query", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(saved_queries())
    for line, (description, _) in zip(lines, saved_queries().values(), strict=True):
        assert line.endswith(description)


def test_cli_query_sparql_argument(example_build: Path) -> None:
    result = run_kg("query", example_build, "ASK { ?p a schema:Person }", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_cli_query_file(example_build: Path, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }", encoding="utf-8")
    result = run_kg("query", example_build, "--file", rq, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "1"]


@pytest.mark.parametrize(("args", "needles"), [
    (["SELEC"], ["bad SPARQL", "1:6"]),
    (["--named", "nope"], ["no saved query 'nope'", "entities, legislative-actions"]),
    (["--file", "gone.rq"], ["gone.rq", "cannot read the query"]),
    (["--named", "roles", "--format", "xml"], ["choose one of table, csv, tsv, json"]),
    (["ASK {}", "--named", "roles"], ["give exactly one of"]),
    ([], ["give exactly one of"]),
], ids=["bad-sparql", "unknown-saved", "missing-file", "unknown-format", "two-queries",
        "no-query"])
def test_cli_query_error_is_one_line(example_build: Path, args: list[str],
                                     needles: list[str]) -> None:
    assert_one_error_line(run_kg("query", example_build, *args), *needles)


def test_cli_query_without_source_is_one_line() -> None:
    assert_one_error_line(run_kg("query"), "give a graph file or directory")


def test_cli_query_missing_graph_is_one_line(tmp_path: Path) -> None:
    assert_one_error_line(run_kg("query", tmp_path, "--named", "roles"),
                          "run 'kg build ARTICLE --out DIR' first")


# ------------------------------------------------------------------ render, validate
def test_cli_render(example_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    result = run_kg("render", example_build, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert f"wrote {out}" in result.stderr


def test_cli_render_missing_graph_is_one_line(tmp_path: Path) -> None:
    result = run_kg("render", tmp_path / "gone.trig", "-o", tmp_path / "x.html")
    assert_one_error_line(result, "no such graph file")


def test_cli_validate(example_build: Path) -> None:
    result = run_kg("validate", example_build)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"{example_build}: valid"


def test_cli_validate_broken_graph_is_one_line(example_build: Path, tmp_path: Path) -> None:
    broken = tmp_path / "graph.trig"
    text = (example_build / "graph.trig").read_text(encoding="utf-8")
    broken.write_text(text.replace("org:member ", "org:memberX ", 1), encoding="utf-8")
    assert_one_error_line(run_kg("validate", broken), "org:member")


# ------------------------------------------------------------------ the command itself
def test_cli_version() -> None:
    result = run_kg("--version")
    assert (result.returncode, result.stdout) == (0, f"newskg {__version__}\n")


def test_cli_python_dash_m_kg_help() -> None:
    result = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    for command in ("build", "query", "render", "validate"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["build", "query", "render", "validate"])
def test_cli_every_command_has_help(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "Usage" in out
