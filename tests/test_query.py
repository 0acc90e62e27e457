"""Tests for kg.query: SPARQL over graph files and datasets, saved queries, result formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.errors import QueryError, StoreError
from kg.graph import FORMATS, to_graph, write_graph
from kg.model import Article
from kg.query import RESULT_FORMATS, Result, format_result, query, saved_queries, saved_query

#: The columns the evaluation reads (DESIGN.md §7); the queries may return more.
EVALUATION_COLUMNS = {
    "entities": {"article", "entity", "kind", "label", "alias"},
    "roles": {"article", "person", "title", "organization", "sentence"},
    "statements": {"article", "speaker", "sentence", "quote"},
    "legislative-actions": {"article", "actor", "action", "law", "lawLabel", "sentence"},
}
PERSONS = "SELECT ?person ?name WHERE { ?person a schema:Person ; schema:name ?name }"


@pytest.fixture
def ds(article: Article) -> Dataset:
    return to_graph(article)


@pytest.fixture
def trig(ds: Dataset, tmp_path: Path) -> Path:
    return write_graph(ds, tmp_path / "graph.trig")


def test_query_saved_queries_include_the_required_ones() -> None:
    assert {"entities", "roles", "statements", "legislative-actions", "officials"} <= set(
        saved_queries())


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_query_saved_query_has_a_one_line_description(name: str) -> None:
    description, text = saved_queries()[name]
    assert description and "\n" not in description
    assert not description.startswith("#")
    assert "SELECT" in text


@pytest.mark.parametrize("name", sorted(EVALUATION_COLUMNS))
def test_query_evaluation_columns_on_the_example(example_build: Path, name: str) -> None:
    # which facts the example yields is tested with extraction; here only the contract
    assert EVALUATION_COLUMNS[name] <= set(query(example_build, saved_query(name)).variables)


def test_query_officials_columns(example_build: Path) -> None:
    result = query(example_build, saved_query("officials"))
    assert {"person", "title", "organization", "date"} <= set(result.variables)


@pytest.mark.parametrize("name", sorted(EVALUATION_COLUMNS))
def test_query_evaluation_columns_on_a_hand_built_graph(trig: Path, name: str) -> None:
    result = query(trig, saved_query(name))
    assert EVALUATION_COLUMNS[name] <= set(result.variables)
    assert len(result.rows) >= 1


def test_query_entities_kinds(trig: Path) -> None:
    rows = query(trig, saved_query("entities")).records()
    assert {(r["label"], r["kind"]) for r in rows} == {
        ("Shohrat Zakir", "Person"), ("government of Xinjiang", "Organization"),
        ("Xinjiang", "Location"), ("Regulation on De-extremification", "Legislation")}


def test_query_legislative_action_label_and_date(trig: Path) -> None:
    (row,) = query(trig, saved_query("legislative-actions")).records()
    assert (row["action"], row["lawLabel"], row["date"]) == (
        "amend", "Regulation on De-extremification", "2018-10-14")


@pytest.mark.parametrize("fmt", FORMATS)
def test_query_saved_queries_read_every_graph_format(ds: Dataset, tmp_path: Path,
                                                     fmt: str) -> None:
    path = write_graph(ds, tmp_path / f"graph{FORMATS[fmt][1]}", format=fmt)
    assert len(query(path, saved_query("roles")).rows) == 1


@pytest.mark.parametrize("source", ["dataset", "graph"])
def test_query_accepts_rdflib_graphs(ds: Dataset, source: str) -> None:
    target: Dataset | Graph = ds
    if source == "graph":
        target = Graph()
        for quad in ds.quads((None, None, None, None)):
            target.add(quad[:3])
    assert len(query(target, saved_query("statements")).rows) == 1


@pytest.mark.parametrize(("sparql", "where"), [
    ("SELEC", "1:6"),
    ("SELECT ?x WHERE { ?x ?y }", "1:"),
    ("SELECT * WHERE { ?s nope:x ?o }", "1:27"),
])
def test_query_bad_sparql_says_where(trig: Path, sparql: str, where: str) -> None:
    with pytest.raises(QueryError, match="^bad SPARQL: ") as info:
        query(trig, sparql)
    assert where in str(info.value)
    assert "\n" not in str(info.value)


def test_query_unknown_saved_query_lists_the_available_ones() -> None:
    with pytest.raises(QueryError) as info:
        saved_query("entity")
    assert "no saved query 'entity'" in str(info.value)
    for name in saved_queries():
        assert name in str(info.value)


@pytest.mark.parametrize(("source", "problem"), [
    ("gone.trig", "no such graph file"),
    ("notes.txt", "unknown graph file type"),
    ("", "run 'kg build ARTICLE --out DIR' first"),
])
def test_query_bad_source_raises_store_error(tmp_path: Path, source: str, problem: str) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match=problem):
        query(tmp_path / source, "ASK {}")


def test_query_malformed_graph_file_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "graph.trig"
    path.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(StoreError, match="not valid RDF"):
        query(path, "ASK {}")


def test_query_format_json_is_sparql_results_json(trig: Path) -> None:
    doc = json.loads(format_result(query(trig, PERSONS), "json"))
    assert doc["head"]["vars"] == ["person", "name"]
    (binding,) = doc["results"]["bindings"]
    assert binding["person"] == {"type": "uri",
                                 "value": "https://w3id.org/newskg/id/person/shohrat-zakir"}
    assert binding["name"] == {"type": "literal", "value": "Shohrat Zakir", "xml:lang": "en"}


def test_query_format_json_types_and_unbound(trig: Path) -> None:
    sparql = ("SELECT ?c ?missing WHERE { ?x kg:confidence ?c . OPTIONAL { ?x schema:nope "
              "?missing } } ORDER BY ?c LIMIT 1")
    doc = json.loads(format_result(query(trig, sparql), "json"))
    (binding,) = doc["results"]["bindings"]
    assert binding == {"c": {"type": "literal", "value": "0.7",
                             "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}}


def test_query_format_csv(trig: Path) -> None:
    rows = list(csv.reader(io.StringIO(format_result(query(trig, PERSONS), "csv"))))
    assert rows == [["person", "name"],
                    ["https://w3id.org/newskg/id/person/shohrat-zakir", "Shohrat Zakir"]]


def test_query_format_tsv(trig: Path) -> None:
    lines = format_result(query(trig, PERSONS), "tsv").splitlines()
    assert lines == ["?person\t?name",
                     '<https://w3id.org/newskg/id/person/shohrat-zakir>\t"Shohrat Zakir"@en']


def test_query_format_table(trig: Path) -> None:
    table = format_result(query(trig, PERSONS), "table")
    assert "id:person/shohrat-zakir" in table
    assert "Shohrat Zakir" in table
    assert table.rstrip().endswith("1 row")


def test_query_format_unknown_raises() -> None:
    with pytest.raises(QueryError, match="choose one of table, csv, tsv, json"):
        format_result(Result(), "xml")


def test_query_ask(trig: Path) -> None:
    result = query(trig, "ASK { ?p a schema:Person }")
    assert result.boolean is True
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_query_ask_false_in_every_format(trig: Path, fmt: str) -> None:
    result = query(trig, "ASK { ?p a schema:Movie }")
    assert result.boolean is False
    assert "false" in format_result(result, fmt)


def test_query_construct(trig: Path) -> None:
    result = query(trig, "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; "
                          "schema:name ?n }")
    assert result.triples is not None and len(result.triples) == 1
    assert len(result.to_graph()) == 1
    assert "Shohrat Zakir" in format_result(result, "table")
    assert json.loads(format_result(result, "json"))


def test_query_records_are_plain_strings(trig: Path) -> None:
    assert query(trig, PERSONS).records() == [
        {"person": "https://w3id.org/newskg/id/person/shohrat-zakir", "name": "Shohrat Zakir"}]
