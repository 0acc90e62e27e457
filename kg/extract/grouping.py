"""Group an article's entity mentions into entities and choose each one's kind and name.

Surnames and honorific forms join the full name they end ("Mr Okafor" -> "James Okafor"),
acronyms their expansion, shortened place names the full one; the kind is a vote over the
mentions, corrected by given names, honorifics and organisation or town word endings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract import lexicon as lex


@dataclass
class Mention:
    """One mention: tokens ``start:end`` of the doc, what kind it looks like and how sure."""

    start: int
    end: int
    kind: str
    text: str
    votes: float = 1.0
    canonical: str | None = None
    subkind: str | None = None
    nested: bool = False  # allowed to overlap other mentions ("government of <place>")
    place_votes: float = 0.0  # what the words around it say for a place ("from X, County")


@dataclass
class Cluster:
    """The mentions of one entity."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    kind: str = "Person"
    name: str = ""
    subkind: str | None = None


_SHORT_TAILS = {"region", "province", "prefecture"}


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    text = text.replace("’", "'")
    text = re.sub(r"'s$", "", text)
    return tuple(w for w in re.split(r"[^\w'-]+", text) if w)


def _core(m: Mention) -> tuple[str, ...]:
    """The name words without a leading plain honorific ("Mr Okafor" -> ("Okafor",))."""
    return _core_of(m.text)


@lru_cache(maxsize=8192)
def _core_of(text: str) -> tuple[str, ...]:
    words = _words(text)
    if len(words) > 1 and words[0].lower().rstrip(".") in {"mr", "mrs", "ms", "miss", "dr"}:
        words = words[1:]
    return words


@lru_cache(maxsize=8192)
def _low_core(text: str) -> tuple[str, ...]:
    """``_core`` in lower case (compared for every pair of mentions while clustering)."""
    return tuple(w.lower() for w in _core_of(text))


def _looks_like_person(m: Mention) -> bool:
    """Two or three capitalised words starting with a known given name ("Maria Lund")."""
    words = _core(m)
    return 2 <= len(words) <= 3 and words[0] in lex.given_names() and all(
        w[:1].isupper() and w.lower() not in lex.ORG_HEADS for w in words) and m.votes <= 1.0


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def cluster(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    """Group mentions into entities and choose each entity's kind and name."""
    clusters: list[Cluster] = []
    by_norm: dict[str, Cluster] = {}

    def new(m: Mention, norm: str) -> None:
        c = Cluster(key=f"e{len(clusters) + 1}", mentions=[m])
        clusters.append(c)
        by_norm[norm] = c

    # longer names first, so that "Zakir" finds "Shohrat Zakir" wherever it appears
    order = sorted(mentions, key=lambda m: (-len(_core(m)), m.start))
    for m in order:
        core = _core(m)
        norm = (m.canonical or " ".join(core)).lower()
        if norm in by_norm:
            by_norm[norm].mentions.append(m)
            continue
        target = _match_existing(m, core, clusters)
        if target is None:
            target = _given_name_match(m, core, clusters)
            if target is not None:  # "Nigel" is not the "Mr Nigel" of another man
                target.mentions.append(m)
                continue
        if target is not None:
            target.mentions.append(m)
            by_norm.setdefault(norm, target)
        else:
            new(m, norm)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
        _decide(c)
    clusters.sort(key=lambda c: c.mentions[0].start)
    for n, c in enumerate(clusters, 1):
        c.key = f"e{n}"
    return clusters


def _match_existing(m: Mention, core: tuple[str, ...], clusters: list[Cluster]) -> Cluster | None:
    low = tuple(w.lower() for w in core)
    best: Cluster | None = None
    for c in clusters:
        for other in c.mentions:
            if other.nested != m.nested:
                continue
            ocore = _low_core(other.text)
            if len(ocore) <= len(low):
                continue
            if (m.kind == "Organization" and core[0].isupper() and len(core[0]) >= 2
                    or m.votes <= 1.0 and len(core[0]) >= 3 and core[0][1:].islower()) \
                    and len(low) == 1 and other.kind == "Organization" \
                    and _acronym(_core(other)).lower() == low[0]:
                best = c  # "TUC" -> "Trades Union Congress", "Acas" written as a word
                m.kind = "Organization"
            elif m.kind == "Person" or other.kind == "Person" or _looks_like_person(other):
                # a surname (or "Mr Surname") refers to the full name ending with it
                if len(low) == 1 and ocore[-1] == low[0] and (
                        other.kind == "Person" or _looks_like_person(other)) \
                        and (m.kind == "Person" or m.votes <= 1.0):
                    best = c
                elif m.text.split()[0].lower() in lex.PEERAGE and ocore[-len(low):] == low:
                    best = c
            elif m.kind == other.kind == "Location" and (
                    ocore[: len(low)] == low or len(low) > 1 and low[-1] in _SHORT_TAILS
                    and ocore[: len(low) - 1] == low[:-1]):
                best = c  # "Xinjiang", "Xinjiang region" -> "Xinjiang Uygur autonomous region"
            if best is c:
                break
        if best is not None:
            return best
    return None


def _given_name_match(m: Mention, core: tuple[str, ...], clusters: list[Cluster]) -> Cluster | None:
    """A given name alone ("Nigel") refers to the one full name it opens ("Nigel Hart")."""
    low = tuple(w.lower() for w in core)
    if m.kind != "Person" or len(low) != 1 or m.votes > 1.0:
        return None
    found = {id(c): c for c in clusters for o in c.mentions
             if o.kind == "Person" and 2 <= len(_core(o)) <= 3 and not o.nested
             and _core(o)[0].lower() == low[0]}
    return next(iter(found.values())) if len(found) == 1 else None


_TOWN_SUFFIXES = ("shire", "ham", "bury", "ford", "field", "borough", "mouth", "chester",
                  "caster", "wick", "minster", "stead", "sea", "by", "ton", "pool", "burgh")
_PLACE_PREPS = {"in", "from", "near", "at", "outside", "across", "to", "of"}


def _looks_like_place(c: Cluster) -> bool:
    """A one-word name the model called a person or organisation, that reads as a town:
    a town-like ending ("Fordham", "Kingsbury") or always after "in"/"from"/"near"."""
    if any(m.votes > 1.0 or m.end - m.start != 1 for m in c.mentions):
        return False
    word = c.mentions[0].text
    if word in lex.given_names() or not word.isalpha() or word.isupper():
        return False
    if c.kind == "Person" and word.lower().endswith(_TOWN_SUFFIXES) and len(word) > 5:
        return True
    return False


_FACILITY_TAILS = {"station", "airport", "prison", "road", "street", "avenue", "lane", "square",
                   "bridge"}


def _decide(c: Cluster) -> None:
    votes: dict[str, float] = {}
    for m in c.mentions:
        votes[m.kind] = votes.get(m.kind, 0.0) + m.votes
        if m.place_votes and len(_words(m.text)) == 1 and m.votes <= 1.0:
            votes["Location"] = votes.get("Location", 0.0) + m.place_votes
    canonical = [m.canonical for m in c.mentions if m.canonical]
    if canonical:
        c.kind = "Organization"
        c.name = Counter(canonical).most_common(1)[0][0]
        c.subkind = next((m.subkind for m in c.mentions if m.subkind), None)
        return
    c.kind = max(votes, key=votes.__getitem__)  # the first of equals, as Counter.most_common
    if any(_core(m) != _words(m.text) for m in c.mentions):
        c.kind = "Person"  # "Mr X" is a person whatever the model tagged
    elif c.kind != "Person" and votes[c.kind] <= 1.0 * len(c.mentions) and any(
            _looks_like_person(m) for m in c.mentions):
        c.kind = "Person"  # the model's ORG/GPE for "Maria Lund": a given name decides
    words = _words(c.mentions[0].text)
    if c.kind == "Person" and not any(m.votes > 1.0 for m in c.mentions) and words \
            and words[-1].lower() in lex.ORG_HEADS | {"fellowship", "lords"}:
        c.kind = "Organization"  # "High Court", "Open Source Fellowship"
    if c.kind != "Location" and _looks_like_place(c):
        c.kind = "Location"
    if c.kind != "Location" and not any(m.votes > 1.0 for m in c.mentions) and words \
            and words[-1].lower() in _FACILITY_TAILS and len(words) >= 2:
        c.kind = "Location"  # "Waterloo Station", "Holloway Prison", "Acton Road"
    names = [" ".join(_core(m)) if c.kind == "Person" else m.text for m in c.mentions]
    peer = [m.text for m in c.mentions if m.text.split()[0].lower() in lex.PEERAGE]
    # the fullest form: most words, then the most frequent, then the first
    counts = Counter(names)
    c.name = max(names, key=lambda s: (len(s.split()), counts[s], -names.index(s)))
    if peer and len(c.name.split()) < 2:
        c.name = peer[0]
    c.subkind = next((m.subkind for m in c.mentions if m.subkind), None)
    if c.kind == "Location" and c.name.lower() in lex.COUNTRIES:
        c.subkind = "Country"
