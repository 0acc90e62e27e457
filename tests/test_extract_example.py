"""The example article end to end: the facts a reader sees in it, each with a true span."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import EXAMPLE

from kg.extract import extract
from kg.ingest import read_articles
from kg.model import Article, Span
from kg.query import query, saved_query


@pytest.fixture(scope="module")
def art() -> Article:
    return extract(next(read_articles([EXAMPLE])))


def _name(art: Article, key: str | None) -> str | None:
    return art.entity(key).name if key else None


def _entity(art: Article, name: str):  # type: ignore[no-untyped-def]
    return next(e for e in art.entities if e.name == name)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Shohrat Zakir", "Person"),
        ("Chen Quanguo", "Person"),
        ("Xinhua", "Organization"),
        ("United States Congress", "Organization"),
        ("Communist Party", "Organization"),
        ("government of Xinjiang Uygur autonomous region", "Organization"),
        ("China", "Location"),
        ("Xinjiang Uygur autonomous region", "Location"),
    ],
)
def test_extract_example_entities(art: Article, name: str, kind: str) -> None:
    assert _entity(art, name).kind == kind


def test_extract_example_aliases_are_one_entity(art: Article) -> None:
    assert "Zakir" in _entity(art, "Shohrat Zakir").aliases
    assert {"Xinjiang", "Xinjiang region"} <= set(
        _entity(art, "Xinjiang Uygur autonomous region").aliases)
    assert sorted(e.name for e in art.entities if e.kind == "Location") == [
        "China", "Xinjiang Uygur autonomous region"]
    people = [e.name for e in art.entities if e.kind == "Person"]
    assert sorted(people) == ["Chen Quanguo", "Shohrat Zakir"]


def test_extract_example_no_groups_as_places(art: Article) -> None:
    names = {e.name for e in art.entities}
    assert not names & {"Uygurs", "Muslims", "Chinese", "The United States Congress"}


def test_extract_example_xinhua_is_news_agency(art: Article) -> None:
    assert _entity(art, "Xinhua").subkind == "NewsMediaOrganization"


@pytest.mark.parametrize(
    ("person", "title", "organization"),
    [
        ("Shohrat Zakir", "chairman", "government of Xinjiang Uygur autonomous region"),
        ("Shohrat Zakir", "governor", None),
        ("Chen Quanguo", "boss", "Communist Party"),
    ],
)
def test_extract_example_roles(art: Article, person: str, title: str,
                               organization: str | None) -> None:
    found = {(_name(art, r.person), r.title, _name(art, r.organization)) for r in art.roles}
    assert (person, title, organization) in found


@pytest.mark.parametrize(
    "evidence",
    [
        "has acknowledged and defended its sprawling network",  # "the governor" of the lede
        "said in a lengthy interview with state news agency Xinhua",
        "Zakir said, without disclosing how many people",
        "but he said the institutions provided",
    ],
)
def test_extract_example_statements_by_zakir(art: Article, evidence: str) -> None:
    speakers = {_name(art, s.speaker) for s in art.statements
                if evidence in s.evidence.sentence.text}
    assert speakers == {"Shohrat Zakir"}


def test_extract_example_statement_keeps_quote_and_verb(art: Article) -> None:
    st = next(s for s in art.statements if "Zakir said, without" in s.evidence.sentence.text)
    assert st.verb == "say"
    assert st.quote and st.quote.startswith("people influenced by terrorism")


def test_extract_example_interview_on_tuesday(art: Article) -> None:
    st = next(s for s in art.statements if "lengthy interview" in s.evidence.sentence.text)
    assert st.when is not None
    assert st.when.span.text == "Tuesday"
    assert (st.when.begin, st.when.end) == (dt.date(2018, 10, 16), dt.date(2018, 10, 16))


def test_extract_example_revision_last_week(art: Article) -> None:
    (act,) = art.actions
    assert act.action == "amend"
    assert _name(art, act.law) == "regional legislation"
    assert _name(art, act.actor) == "Xinjiang Uygur autonomous region"
    assert act.when is not None and act.when.span.text == "last week"
    assert (act.when.begin, act.when.end) == (dt.date(2018, 10, 8), dt.date(2018, 10, 14))


def _spans(art: Article) -> list[Span]:
    out = [m for e in art.entities for m in e.mentions]
    for fact in (*art.roles, *art.statements, *art.actions):
        out += [fact.evidence.sentence, fact.evidence.phrase]
        when = getattr(fact, "when", None)
        if when is not None:
            out.append(when.span)
    return out


def test_extract_example_every_span_matches_the_text(art: Article) -> None:
    spans = _spans(art)
    assert len(spans) > 30
    for span in spans:
        assert art.text[span.start : span.end] == span.text


def test_extract_example_every_fact_has_rule_and_confidence(art: Article) -> None:
    for fact in (*art.roles, *art.statements, *art.actions):
        assert fact.evidence.rule
        assert 0 < fact.evidence.confidence <= 1


def test_extract_example_graph_spans_match_article_body(example_build) -> None:  # type: ignore[no-untyped-def]
    rows = query(example_build, """
        SELECT ?body ?start ?end ?exact WHERE {
          ?a schema:articleBody ?body .
          ?s oa:hasSource ?a ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }""").records()
    assert len(rows) > 30
    for r in rows:
        assert r["body"][int(r["start"] or 0) : int(r["end"] or 0)] == r["exact"]


def test_extract_example_saved_queries_give_the_facts(example_build) -> None:  # type: ignore[no-untyped-def]
    roles = query(example_build, saved_query("roles")).records()
    assert {(r["personName"], r["title"]) for r in roles} >= {
        ("Shohrat Zakir", "chairman"), ("Shohrat Zakir", "governor"), ("Chen Quanguo", "boss")}
    acts = query(example_build, saved_query("legislative-actions")).records()
    assert [(a["action"], a["lawLabel"], a["date"]) for a in acts] == [
        ("amend", "regional legislation", "2018-10-14")]
