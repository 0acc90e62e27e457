"""Tests for kg.merge and the store's bookkeeping, on hand-built articles (no model needed).

The articles are built with ``kg.model`` and turned into graphs with ``resolve`` and
``to_graph``, as ``kg build`` does after extraction; stores are in memory (``pyoxigraph.Store()``)
unless a test needs a directory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.errors import StoreError, ValidationError
from kg.graph import graph_iri, to_graph, write_graph
from kg.merge import (
    Facts,
    LocalEntity,
    index_keys,
    is_single_seat,
    lookup_keys,
    normalize_title,
    person_tokens,
    score,
)
from kg.model import Article, Entity, Evidence, Role, Span, Statement
from kg.pipeline import merge_graphs
from kg.query import query, saved_query
from kg.resolve import resolve
from kg.store import (
    DECISIONS,
    add_article,
    check,
    connect,
    decisions,
    diff_article,
    remove_article,
    unmerge,
)
from kg.vocab import ID

DAY = dt.date(2018, 10, 16)


def person_iri(slug: str) -> str:
    return str(ID[f"person/{slug}"])


def make(article_id: str, sentences: list[tuple[str, list[tuple[str, str, str]], list[tuple]]],
         *, day: dt.date = DAY, title: str = "", names: dict[str, str] | None = None,
         ) -> Article:
    """An article from sentences, each with its entities (key, kind, text as written) and its
    facts: ("role", person, title, org, former) or ("said", speaker).

    An entity's name is its longest mention unless ``names`` gives it (as the extractor
    cuts titles and honorifics off); the other mentions become aliases.
    """
    text = ""
    mentions: dict[str, list[Span]] = {}
    kinds: dict[str, str] = {}
    roles, statements = [], []
    for sentence, ents, facts in sentences:
        start = len(text) + (1 if text else 0)
        text += (" " if text else "") + sentence
        sent = Span(start, start + len(sentence), sentence)
        for key, kind, written in ents:
            at = text.index(written, start)
            mentions.setdefault(key, []).append(Span(at, at + len(written), written))
            kinds[key] = kind
        for fact in facts:
            phrase = Span(sent.start, sent.start + 1, sentence[0])
            ev = Evidence(sent, phrase, "hand", 0.9)
            if fact[0] == "role":
                _, who, what, org, former = fact
                roles.append(Role(who, what, ev, organization=org, former=former))
            else:
                statements.append(Statement(fact[1], "say", ev))
    entities = []
    for key, spans in mentions.items():
        name = (names or {}).get(key) or max((s.text for s in spans), key=len)
        aliases = tuple(sorted({s.text for s in spans} - {name}))
        entities.append(Entity(key, kinds[key], name, aliases, tuple(spans)))  # type: ignore[arg-type]
    return resolve(Article(id=article_id, text=text, title=title, date=day,
                           entities=tuple(entities), roles=tuple(roles),
                           statements=tuple(statements)))


def graph(article: Article) -> Graph:
    return to_graph(article).graph(graph_iri(article.id))


GOV = ("gov", "Organization", "government of Xinjiang")
ZAKIR_A = make("a", [
    ("Shohrat Zakir, chairman of the government of Xinjiang, said the centres help.",
     [("zakir", "Person", "Shohrat Zakir"), GOV],
     [("role", "zakir", "chairman", "gov", False), ("said", "zakir")]),
    ("Chen Quanguo was there.", [("chen", "Person", "Chen Quanguo")], []),
])
ZAKIR_B = make("b", [
    ("Governor Shohrat Zakir spoke.", [("zakir", "Person", "Governor Shohrat Zakir")],
     [("role", "zakir", "governor", None, False)]),
    ("Mr. Shohrat Zakir said it again.", [("zakir", "Person", "Mr. Shohrat Zakir")],
     [("said", "zakir")]),
], day=dt.date(2018, 10, 17), names={"zakir": "Shohrat Zakir"})
ALIM = make("c", [
    ("Teacher Alim Zakir said his neighbours were taken.",
     [("alim", "Person", "Alim Zakir")], [("said", "alim")]),
], day=dt.date(2018, 11, 5))
BARE = make("d", [
    ("The governor, Zakir, said the centres were schools. Chen Quanguo agreed.",
     [("zakir", "Person", "Zakir"), ("chen", "Person", "Chen Quanguo")],
     [("role", "zakir", "governor", None, False), ("said", "zakir")]),
], day=dt.date(2018, 11, 14))


@pytest.fixture
def store() -> ox.Store:
    db = ox.Store()
    for article in (ZAKIR_A, ZAKIR_B, ALIM):
        add_article(db, graph(article))
    return db


def iris_named(db: ox.Store, *names: str) -> set[str]:
    rows = query(db, saved_query("entities")).records()
    return {r["entity"] for r in rows if r["label"] in names or r["alias"] in names}


# ------------------------------------------------------------------ names, keys, scores
@pytest.mark.parametrize("written", [
    "Shohrat Zakir", "Mr. Shohrat Zakir", "Mr Shohrat Zakir", "Governor Shohrat Zakir",
    "Shohrat Zakir's"])
def test_merge_person_tokens_drop_honorifics_and_titles(written: str) -> None:
    assert person_tokens(written) == ("shohrat", "zakir")


def test_merge_keys_of_name_variants_meet() -> None:
    stored = index_keys("Person", ["Shohrat Zakir"])
    for variant in ("Governor Shohrat Zakir", "Mr. Shohrat Zakir", "S. Zakir", "Zakir"):
        assert lookup_keys(LocalEntity("x", "Person", variant)) & stored, variant


def test_merge_keys_carry_the_kind() -> None:
    assert not lookup_keys(LocalEntity("x", "Location", "Hotan")) & index_keys(
        "Organization", ["Hotan"])


@pytest.mark.parametrize(("stored", "new", "least", "most"), [
    (["Shohrat Zakir"], ("Governor Shohrat Zakir",), 0.9, 1.0),
    (["Shohrat Zakir"], ("S. Zakir",), 0.7, 0.7),
    (["Shohrat Zakir", "Zakir"], ("Zakir",), 0.6, 0.6),
    (["Shohrat Zakir"], ("Alim Zakir", "Mr Zakir"), 0.0, 0.0),
])
def test_merge_person_name_scores(stored: list[str], new: tuple[str, ...], least: float,
                                  most: float) -> None:
    value, evidence = score(LocalEntity("x", "Person", new[0], new[1:]),
                            Facts("Person", frozenset(stored)))
    assert least <= value <= most, evidence


@pytest.mark.parametrize(("stored", "new"), [
    (["Conservative Party", "Tories"], "Conservative Party"),
    (["United States Congress"], "US Congress"),
    (["Chinese Communist Party"], "CCP"),
])
def test_merge_organisation_names_match(stored: list[str], new: str) -> None:
    entity = LocalEntity("x", "Organization", new)
    assert lookup_keys(entity) & index_keys("Organization", stored)
    assert score(entity, Facts("Organization", frozenset(stored)))[0] >= 0.6


def test_merge_same_surname_different_titles_is_below_the_threshold() -> None:
    value, evidence = score(LocalEntity("x", "Person", "Zakir", titles=(("teacher", None),)),
                            Facts("Person", frozenset({"Shohrat Zakir"}),
                                  frozenset({"governor"})))
    assert value < 0.6
    assert any(e.startswith("different titles") for e in evidence)


@pytest.mark.parametrize(("title", "single"), [
    ("chairman", True), ("regional governor", True), ("party secretary", True),
    ("vice-chairman", False), ("deputy governor", False), ("senator", False),
    ("spokesman", False)])
def test_merge_single_seat_posts(title: str, single: bool) -> None:
    assert is_single_seat(title) is single


def test_merge_normalize_title_keeps_the_post() -> None:
    assert normalize_title("Former Regional Governor") == "governor"


# ------------------------------------------------------------------ resolution in a store
def test_merge_name_variants_become_one_person(store: ox.Store) -> None:
    assert iris_named(store, "Shohrat Zakir", "Mr. Shohrat Zakir",
                      "Governor Shohrat Zakir") == {person_iri("shohrat-zakir")}


def test_merge_different_first_names_stay_apart(store: ox.Store) -> None:
    assert iris_named(store, "Alim Zakir") == {person_iri("alim-zakir")}


def test_merge_bare_surname_with_evidence_joins_the_right_person(store: ox.Store) -> None:
    change = add_article(store, graph(BARE))
    (link,) = [x for x in change.links if x.entity.name == "Zakir"]
    assert (link.outcome, link.iri) == ("merged", person_iri("shohrat-zakir"))
    evidence = " ".join(link.candidates[0].evidence)
    assert "same title: governor" in evidence and "Chen Quanguo" in evidence
    assert link.candidates[1].iri == person_iri("alim-zakir")  # weighed, and lower


def test_merge_bare_surname_without_evidence_is_ambiguous(store: ox.Store) -> None:
    lone = make("e", [("Zakir declined to comment.", [("z", "Person", "Zakir")], [])])
    (link,) = add_article(store, graph(lone)).links
    assert link.outcome == "ambiguous"
    assert link.iri == person_iri("zakir")
    assert check(store) == []


def test_merge_bare_surname_alone_in_its_block_is_merged() -> None:
    db = ox.Store()
    add_article(db, graph(ZAKIR_A))
    lone = make("e", [("Zakir declined to comment.", [("z", "Person", "Zakir")], [])])
    (link,) = add_article(db, graph(lone)).links
    assert (link.outcome, link.iri) == ("merged", person_iri("shohrat-zakir"))


def test_merge_tories_and_conservative_party_are_one_party() -> None:
    db = ox.Store()
    add_article(db, graph(make("t1", [("The Tories, the Conservative Party, won.",
                                       [("c", "Organization", "Conservative Party"),
                                        ("c", "Organization", "Tories")], [])])))
    change = add_article(db, graph(make("t2", [("The Conservative Party lost.",
                                                [("c", "Organization", "Conservative Party")],
                                                [])])))
    assert [x.outcome for x in change.links] == ["merged"]
    assert iris_named(db, "Tories", "Conservative Party") == {str(ID["org/conservative-party"])}


def test_merge_taken_iri_is_numbered_for_a_new_entity() -> None:
    db = ox.Store()
    add_article(db, graph(ZAKIR_A))
    other = make("x", [("Shohrat Zakir, a teacher, and Shohrat Zakir, the chairman, met.",
                        [("t", "Person", "Shohrat Zakir")], [])])
    add_article(db, graph(other))  # merged: an exact name
    two = make("y", [("Zakir and Zakir.", [("z1", "Person", "Zakir")], [])])
    links = add_article(db, graph(two)).links
    assert {x.iri for x in links} == {person_iri("shohrat-zakir")}


# ------------------------------------------------------------------ decisions, unmerge
def test_merge_decision_is_recorded_as_rdf(store: ox.Store) -> None:
    (row,) = [d for d in decisions(store) if d["article"] == "b"]
    assert row["decision"].endswith("/decision/b/person/shohrat-zakir")
    assert row["mergedInto"] == person_iri("shohrat-zakir")
    assert row["status"] == "active" and float(row["score"]) >= 0.9
    assert row["evidence"]
    listed = query(store, saved_query("merge-decisions")).records()
    assert {r["decision"] for r in listed} == {d["decision"] for d in decisions(store)}
    assert all(q.graph_name == DECISIONS for q in store.quads_for_pattern(
        ox.NamedNode(row["decision"]), None, None, None))


def test_merge_unmerge_restores_separate_iris(store: ox.Store) -> None:
    new = unmerge(store, "b/person/shohrat-zakir")
    assert new == person_iri("shohrat-zakir-2")
    rows = query(store, saved_query("roles")).records()
    assert {(r["article"], r["person"]) for r in rows} == {
        ("a", person_iri("shohrat-zakir")), ("b", new)}
    assert check(store) == []
    (row,) = [d for d in decisions(store) if d["article"] == "b"]
    assert (row["status"], row["separatedAs"]) == ("undone", new)


def test_merge_unmerge_survives_reingest_and_replacement(store: ox.Store) -> None:
    new = unmerge(store, "b/person/shohrat-zakir")
    assert add_article(store, graph(ZAKIR_B)).status == "unchanged"
    longer = make("b", [
        ("Governor Shohrat Zakir spoke again.", [("zakir", "Person", "Governor Shohrat Zakir")],
         [("role", "zakir", "governor", None, False)])], day=dt.date(2018, 10, 17),
        names={"zakir": "Shohrat Zakir"})
    change = add_article(store, graph(longer))
    assert change.status == "replaced"
    (link,) = change.links
    assert (link.outcome, link.iri) == ("separated", new)
    assert check(store) == []


def test_merge_unmerge_twice_or_unknown_is_an_error(store: ox.Store) -> None:
    unmerge(store, "b/person/shohrat-zakir")
    with pytest.raises(StoreError, match="already undone"):
        unmerge(store, "b/person/shohrat-zakir")
    with pytest.raises(StoreError, match="no merge decision"):
        unmerge(store, "b/person/nobody")


# ------------------------------------------------------------------ updates, retraction
def test_merge_readding_changes_nothing(store: ox.Store) -> None:
    before = set(store)
    assert add_article(store, graph(ZAKIR_B)).status == "unchanged"
    assert set(store) == before


def test_merge_same_id_new_text_replaces_the_graph(store: ox.Store) -> None:
    new = make("c", [("Teacher Alim Zakir left Hotan.",
                      [("alim", "Person", "Alim Zakir"), ("h", "Location", "Hotan")], [])],
               day=dt.date(2018, 11, 5))
    assert add_article(store, graph(new)).status == "replaced"
    rows = [r for r in query(store, saved_query("entities")).records() if r["article"] == "c"]
    assert {r["label"] for r in rows} == {"Alim Zakir", "Hotan"}
    assert not query(store, "ASK { GRAPH ?g { ?s kg:reportingVerb ?v . "
                            "?s schema:spokenByCharacter id:person\\/alim-zakir } }").boolean
    assert check(store) == []


def test_merge_remove_drops_what_only_that_article_supports(store: ox.Store) -> None:
    remove_article(store, "c")
    assert not iris_named(store, "Alim Zakir")
    assert not any(store.quads_for_pattern(ox.NamedNode(person_iri("alim-zakir")), None, None,
                                           None))
    remove_article(store, "b")
    # Shohrat Zakir keeps what article a says of him, and loses what only b said
    rows = query(store, saved_query("roles")).records()
    assert [(r["article"], r["title"]) for r in rows] == [("a", "chairman")]
    assert check(store) == []
    assert decisions(store) == []


def test_merge_remove_unknown_article_is_an_error(store: ox.Store) -> None:
    with pytest.raises(StoreError, match="no article 'nope'"):
        remove_article(store, "nope")


def test_merge_former_role_ends_before_the_article_date() -> None:
    db = ox.Store()
    add_article(db, graph(make("f", [("Former governor Nur Bekri spoke.",
                                      [("nur", "Person", "Nur Bekri")],
                                      [("role", "nur", "former governor", None, True)])])))
    assert query(db, """ASK { GRAPH ?g { ?m kg:former true ; org:memberDuring ?i .
        ?i time:before/time:inXSDDate "2018-10-16"^^xsd:date } }""").boolean


# ------------------------------------------------------------------ dry run: conflicts
def test_merge_diff_reports_conflicts_and_writes_nothing(store: ox.Store) -> None:
    rival = make("r", [
        ("Erkin Tuniyaz, chairman of the government of Xinjiang, spoke.",
         [("erkin", "Person", "Erkin Tuniyaz"), GOV],
         [("role", "erkin", "chairman", "gov", False)]),
        ("Shohrat Zakir, vice-chairman of the government of Xinjiang, spoke.",
         [("zakir", "Person", "Shohrat Zakir"), GOV],
         [("role", "zakir", "vice-chairman", "gov", False)]),
    ])
    before = set(store)
    change = diff_article(store, graph(rival))
    assert set(store) == before
    assert [x.entity.name for x in change.new_entities] == ["Erkin Tuniyaz"]
    assert {x.entity.name for x in change.merged} == {"Shohrat Zakir", "government of Xinjiang"}
    assert len(change.conflicts) == 2
    titles, seat = sorted(change.conflicts)  # "Shohrat Zakir in ..." < "chairman of ..."
    assert "chairman of government of Xinjiang on 2018-10-16" in seat
    assert "Erkin Tuniyaz (this article)" in seat and "Shohrat Zakir (a)" in seat
    assert "vice-chairman (this article) and chairman (a)" in titles
    assert change.to_json()["conflicts"] == list(change.conflicts)


def test_merge_diff_of_a_stored_article_is_unchanged(store: ox.Store) -> None:
    assert diff_article(store, graph(ZAKIR_A)).status == "unchanged"


# ------------------------------------------------------------------ merging graph files
@pytest.fixture
def built(tmp_path: Path) -> list[Path]:
    """Graph files as ``kg build`` writes them, one per article."""
    paths = []
    for article in (ZAKIR_A, ZAKIR_B, ALIM, BARE):
        path = tmp_path / f"{article.id}.trig"
        write_graph(to_graph(article), path)
        paths.append(path)
    return paths


def test_merge_graph_files_into_a_store(built: list[Path], tmp_path: Path) -> None:
    changes = merge_graphs(built, store=tmp_path / "store")
    assert [c.status for c in changes] == ["added"] * 4
    db = connect(tmp_path / "store", read_only=True)
    assert iris_named(db, "Shohrat Zakir", "Zakir") == {person_iri("shohrat-zakir")}
    assert check(db) == []


def test_merge_graph_files_into_one_file(built: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "merged.trig"
    merge_graphs(built, out=out)
    assert iris_named(ox_store(out), "Zakir") == {person_iri("shohrat-zakir")}
    assert len(query(out, saved_query("merge-decisions")).rows) >= 2


def ox_store(path: Path) -> ox.Store:
    from kg.query import open_store

    return open_store(path)


def test_merge_graph_files_twice_changes_nothing(built: list[Path], tmp_path: Path) -> None:
    merge_graphs(built, store=tmp_path / "store")
    changes = merge_graphs(built, store=tmp_path / "store")
    assert [c.status for c in changes] == ["unchanged"] * 4


def test_merge_invalid_rdf_changes_nothing(built: list[Path], tmp_path: Path) -> None:
    merge_graphs(built[:2], store=tmp_path / "store")
    before = set(connect(tmp_path / "store", read_only=True))
    bad = tmp_path / "bad.trig"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(StoreError, match="not valid RDF"):
        merge_graphs([built[2], bad], store=tmp_path / "store")
    assert set(connect(tmp_path / "store", read_only=True)) == before


def test_merge_graph_without_article_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "g.ttl"
    path.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    with pytest.raises(StoreError, match="no article graph"):
        merge_graphs([path], store=tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_merge_graph_breaking_the_shapes_is_an_error(built: list[Path],
                                                     tmp_path: Path) -> None:
    broken = built[0].read_text(encoding="utf-8").replace("kg:title", "kg:rule", 1)
    path = tmp_path / "broken.trig"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ValidationError):
        merge_graphs([path], store=tmp_path / "store")
    assert not (tmp_path / "store").exists()


SAME_NAME = """
from kg.merge import Facts, LocalEntity, score
print(score(LocalEntity("x", "Organization", "European Union", ("the EU",)),
            Facts("Organization", frozenset({{"European Union", "EU", "the EU",
                                              "the European Union"}})))[1])
"""


def test_merge_evidence_does_not_depend_on_string_hashes() -> None:
    # the stored labels are a frozenset, whose order follows each process's string hashes
    import os
    import subprocess
    import sys

    seen = {subprocess.run([sys.executable, "-c", SAME_NAME.format()], check=True, timeout=60,
                           capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in range(12)}
    assert len(seen) == 1, seen
    assert "same name: EU" in seen.pop()
