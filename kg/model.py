"""The data that flows through the pipeline: a frozen Article and what extraction finds in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

EntityKind = Literal["Person", "Organization", "Location", "Legislation"]

#: The 16 legislative action types of the annotation guideline (a SKOS scheme in schemas/).
ACTION_TYPES: tuple[str, ...] = (
    "propose", "introduce", "debate", "vote", "pass", "amend", "reject", "block", "delay",
    "repeal", "enact", "enter-into-force", "rule", "authorise", "withdraw", "other",
)


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of the article text: ``article.text[start:end] == text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: the sentence that states it and the phrase inside it."""

    sentence: Span
    phrase: Span
    rule: str
    confidence: float


@dataclass(frozen=True)
class TimeRef:
    """A time expression resolved against the article date (``begin == end`` for one day)."""

    span: Span
    begin: dt.date
    end: dt.date


@dataclass(frozen=True)
class Entity:
    """A named thing in one article, with every mention of it.

    ``key`` is unique within the article; ``iri`` is set by the resolve stage.
    """

    key: str
    kind: EntityKind
    name: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    subkind: str | None = None  # e.g. GovernmentOrganization, Country, PoliticalParty
    iri: str | None = None


@dataclass(frozen=True)
class Role:
    """A person reported to hold a title (optionally in an organisation)."""

    person: str
    title: str
    evidence: Evidence
    organization: str | None = None
    former: bool = False


@dataclass(frozen=True)
class Statement:
    """Someone reported to speak or write."""

    speaker: str
    verb: str
    evidence: Evidence
    quote: str | None = None
    when: TimeRef | None = None


@dataclass(frozen=True)
class LegislativeAction:
    """Something done to a law, bill, act or ruling."""

    action: str
    law: str
    evidence: Evidence
    actor: str | None = None
    when: TimeRef | None = None


@dataclass(frozen=True)
class Article:
    """One news article; extraction and resolution return new copies with more filled in.

    ``text`` is exactly what is analysed (the headline, a blank line, the body): every
    character offset in the graph is an index into it; ``body_start`` is where the body
    starts (see ``kg.ingest`` for how offsets relate to the file).
    """

    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    text_offset: int = 0
    body_start: int = 0
    entities: tuple[Entity, ...] = ()
    roles: tuple[Role, ...] = ()
    statements: tuple[Statement, ...] = ()
    actions: tuple[LegislativeAction, ...] = ()
    sentences: tuple[Span, ...] = field(default=(), repr=False)

    def with_(self, **changes: object) -> Article:
        """Return a copy with ``changes`` applied (the article itself never changes)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def entity(self, key: str) -> Entity:
        """Return the entity with ``key``."""
        for ent in self.entities:
            if ent.key == key:
                return ent
        raise KeyError(key)
