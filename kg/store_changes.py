"""What one change of a store does: the change report, and the conflicts a dry run finds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.merge import ArticleGraph, Link, is_single_seat, normalize_title
from kg.store_index import Backend, _article_id_of, _n, _stored_facts, _v
from kg.vocab import KG, ORG, PREFIXES, RDF, SDO

__all__ = ["ArticleChange"]


@dataclass(frozen=True)
class ArticleChange:
    """What adding (or, in a dry run, would add) or removing one article changes.

    ``status`` is ``added``, ``replaced`` (same id, new content), ``unchanged`` (the same
    graph is already stored) or ``removed``. ``links`` are the resolution decisions, one per
    entity; ``conflicts`` are only computed by ``diff_article``.
    """

    article_id: str
    status: str
    links: tuple[Link, ...] = ()
    roles: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()

    @property
    def new_entities(self) -> list[Link]:
        """Entities the store did not know."""
        return [x for x in self.links if x.outcome != "merged"]

    @property
    def merged(self) -> list[Link]:
        """Entities resolved to stored ones."""
        return [x for x in self.links if x.outcome == "merged"]

    def summary(self) -> str:
        """One line for the terminal."""
        if self.status in ("unchanged", "removed"):
            return f"{self.status} {self.article_id}"
        return (f"{self.status} {self.article_id}: {len(self.links)} entities "
                f"({len(self.new_entities)} new, {len(self.merged)} linked), "
                f"{len(self.roles)} roles, {len(self.statements)} statements, "
                f"{len(self.actions)} legislative actions")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (``kg ingest --dry-run --format json``)."""
        return {
            "article": self.article_id, "status": self.status,
            "new_entities": [{"iri": x.iri, "kind": x.entity.kind, "name": x.entity.name,
                              "outcome": x.outcome} for x in self.new_entities],
            "links": [{"name": x.entity.name, "kind": x.entity.kind, "iri": x.iri,
                       "stored_name": x.candidates[0].name, "score": x.candidates[0].score,
                       "evidence": list(x.candidates[0].evidence)} for x in self.merged],
            "roles": list(self.roles), "statements": list(self.statements),
            "legislative_actions": list(self.actions), "conflicts": list(self.conflicts),
            "decisions": list(self.decisions),
        }


@dataclass
class _Plan:
    change: ArticleChange
    graph: ox.NamedNode
    quads: list[ox.Quad] = field(default_factory=list)
    drop: list[ox.NamedNode] = field(default_factory=list)
    delete: set[ox.Quad] = field(default_factory=set)
    insert: set[ox.Quad] = field(default_factory=set)


def _name(graph: ArticleGraph, node: str | None) -> str:
    return graph.value(node, SDO.name) or "?"


def _facts_of(graph: ArticleGraph) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Roles, statements and legislative actions of an article graph, one line each."""
    roles = []
    for m in graph.subjects(RDF.type, ORG.Membership):
        org = graph.value(m, ORG.organization)
        roles.append(f"{_name(graph, graph.value(m, ORG.member))}: {graph.value(m, KG.title)}"
                     + (f" of {_name(graph, org)}" if org is not None else ""))
    statements = []
    for s in graph.subjects(RDF.type, SDO.Quotation):
        quote_ = graph.value(s, SDO.text)
        statements.append(f"{_name(graph, graph.value(s, SDO.spokenByCharacter))} "
                          f"({graph.value(s, KG.reportingVerb)})"
                          + (f": {quote_[:80]}" if quote_ is not None else ""))
    actions = []
    for a in graph.subjects(RDF.type, KG.LegislativeAction):
        kind = (graph.value(a, KG.actionType) or "").rsplit("/", 1)[-1]
        agent = graph.value(a, SDO.agent)
        actions.append(f"{kind} {_name(graph, graph.value(a, SDO.object))}"
                       + (f" by {_name(graph, agent)}" if agent is not None else ""))
    return tuple(sorted(roles)), tuple(sorted(statements)), tuple(sorted(actions))


_ROLES_HELD = """
SELECT ?g ?org ?day ?person ?title WHERE { GRAPH ?g {
  ?m org:organization ?org ; org:member ?person ; kg:title ?title ; org:memberDuring ?during .
  ?during time:inside/time:inXSDDate ?day .
  FILTER NOT EXISTS { ?m kg:former ?former }
} }"""


def _held_at(org: ox.NamedNode, day: ox.Literal) -> str:
    """The roles held in ``org`` on ``day``: looked up from the organisation, not scanned."""
    return (_ROLES_HELD.replace("?m org:organization ?org", f"?m org:organization {org}")
            .replace("time:inXSDDate ?day", f"time:inXSDDate {day}"))


def _conflicts(store: Backend, plan: _Plan) -> Iterator[str]:
    """Single-seat posts held by two people, and people with two titles, on the same date."""
    scratch = ox.Store()
    scratch.extend(plan.quads)
    names: dict[str, str] = {}

    def name(iri: str) -> str:
        if iri not in names:
            here = [_v(q.object) for q in
                    scratch.quads_for_pattern(_n(iri), _n(SDO.name), None, None)]
            facts = _stored_facts(store, iri)
            names[iri] = (here[0] if here else max(sorted(facts.labels), key=len)
                          if facts is not None and facts.labels else iri)
        return names[iri]

    def rows(db: Backend, sparql: str) -> ox.QuerySolutions:
        solutions = db.query(sparql, prefixes=PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    seen = set()
    for row in rows(scratch, _ROLES_HELD):
        org, day = row["org"], row["day"]
        person, title = _v(row["person"]), normalize_title(_v(row["title"]))
        query = _held_at(org, day)
        others = [(r["g"], _v(r["person"]), normalize_title(_v(r["title"])))
                  for r in rows(store, query) if r["g"] != plan.graph]
        others += [(plan.graph, _v(r["person"]), normalize_title(_v(r["title"])))
                   for r in rows(scratch, query)]
        for g, other, other_title in others:
            where = "this article" if g == plan.graph else _article_id_of(g)
            if other != person and other_title == title and is_single_seat(title):
                key: tuple[str, ...] = ("seat", title, org.value, day.value,
                                        *sorted((person, other)))
                message = (f"{title} of {name(org.value)} on {day.value}: {name(person)} "
                           f"(this article) and {name(other)} ({where})")
            elif other == person and other_title != title:
                key = ("titles", person, org.value, day.value, *sorted((title, other_title)))
                message = (f"{name(person)} in {name(org.value)} on {day.value}: {title} "
                           f"(this article) and {other_title} ({where})")
            else:
                continue
            if key not in seen:
                seen.add(key)
                yield message
