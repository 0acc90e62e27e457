"""Find the named people, organisations and places of an article and group their mentions.

The small spaCy model makes news-typical mistakes; this module repairs them (determiners and
titles inside names, names cut short, nationalities tagged as places), adds what it misses
(party and institution names, "government of X", capitalised names headed by Committee,
Court, Ministry, ...), then groups mentions into entities (surnames, honorifics, acronyms,
shortened place names) and chooses each entity's kind by voting over its mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.extract import lexicon as lex

_KIND = {"PERSON": "Person", "ORG": "Organization", "GPE": "Location", "LOC": "Location",
         "FAC": "Location", "NORP": "Organization"}
_STRIP_LEAD = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their",
               "our", "former", "ex"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december", "monday", "tuesday", "wednesday",
           "thursday", "friday", "saturday", "sunday"}
_POSTNOMINALS = {"QC", "MP", "MEP", "MSP", "KC", "OBE", "MBE", "CBE", "Jr", "Sr", "AM"}
_NOT_NAMES = _MONTHS | {"god", "internet", "web", "christmas", "easter", "the", "mps", "meps",
                        "qc", "mp", "mep", "if", "but", "and", "or", "when", "while"}


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


@dataclass
class Cluster:
    """The mentions of one entity."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    kind: str = "Person"
    name: str = ""
    subkind: str | None = None


def _clean(tokens: Span) -> tuple[int, int]:
    """Token bounds of ``tokens`` without determiners, possessives and punctuation."""
    start, end = tokens.start, tokens.end
    doc = tokens.doc
    while start < end and (doc[start].lower_ in _STRIP_LEAD or doc[start].is_punct
                           or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct
                           or doc[end - 1].lower_ in {"'s", "’s", "and", "of", "&", "the"}
                           or doc[end - 1].is_space):
        end -= 1
    return start, end


def _join_hyphens(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Grow a name over hyphens written without spaces ("Kilroy-Silk", "Scott-Joynt")."""
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].text[:1].isupper():
        end += 2
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
            and not doc[start - 1].whitespace_ and doc[start - 2].text[:1].isupper():
        start -= 2
    return start, end


def _is_title_word(tok: Token) -> bool:
    low = tok.lower_
    return low in lex.TITLE_HEADS or low in lex.TITLE_MODIFIERS or low in lex.PARTY_ADJECTIVES \
        or low in {"lib", "dem", "fellow", "tory", "labour"}


def _strip_person_titles(doc: Doc, start: int, end: int) -> int:
    """Move ``start`` past titles and party words glued to a person's name."""
    while end - start > 1:
        tok = doc[start]
        if tok.lower_ in lex.PEERAGE:
            break
        if _is_title_word(tok) or tok.lower_ in lex.HONORIFICS - lex.PEERAGE:
            # keep a plain honorific only when it is the whole first name part ("Mr Blair")
            if tok.lower_.rstrip(".") in {"mr", "mrs", "ms", "miss", "dr"}:
                break
            start += 1
            continue
        break
    return start


def _lexicon_mentions(doc: Doc) -> Iterable[Mention]:
    """Widely used party and institution names ("Tories", "the Commons", "Lib Dems")."""
    texts = [t.text for t in doc]
    lows = [t.lower().replace(".", "") for t in texts]
    n = len(texts)
    i = 0
    while i < n:
        if not texts[i][:1].isupper():
            i += 1
            continue
        for size in (4, 3, 2, 1):
            if i + size > n:
                continue
            key = " ".join(lows[i : i + size])
            found = lex.KNOWN_ORGS.get(key)
            if found is None:
                continue
            if size == 1 and len(key) <= 3 and texts[i] != texts[i].upper():
                continue  # "Un" or "Eu" are not the UN or the EU
            if not all(t[:1].isupper() or t.isdigit() for t in texts[i : i + size]):
                continue
            canonical, subkind = found
            yield Mention(i, i + size, "Organization", doc[i : i + size].text, votes=3.0,
                          canonical=canonical, subkind=subkind)
            i += size - 1
            break
        i += 1


def _ner_mentions(doc: Doc) -> Iterable[Mention]:
    for ent in doc.ents:
        kind = _KIND.get(ent.label_)
        if kind is None:
            continue
        start, end = _clean(ent)
        if start >= end:
            continue
        start, end = _join_hyphens(doc, start, end)
        if kind == "Person":
            start = _strip_person_titles(doc, start, end)
            while end - start > 1 and doc[end - 1].text in _POSTNOMINALS:
                end -= 1
        elif kind == "Location":
            while end - start > 1 and (doc[start].text.islower() or doc[start].text == "-"):
                start += 1  # "north-west London"
        else:
            while end - start > 1 and (doc[end - 1].lower_ in lex.TITLE_HEADS
                                       or doc[end - 1].lower_ in _NOT_ORG_TAILS):
                end -= 1  # "UKIP MEP", "Department of Transport Document"
            if doc[end - 1].lower_ in _NOT_ORG_TAILS or any(
                    t.lower_ in _LAW_NAME_HEADS and t.text[:1].isupper() for t in doc[start:end]):
                continue  # "General Election", "the European Convention on Human Rights"
        span = doc[start:end]
        low = span.text.lower()
        if ent.label_ == "NORP" and low not in lex.KNOWN_ORGS:
            if _extend_place(doc, end) == end:
                continue  # nationalities and groups ("Chinese", "Muslims") are not entities
            kind = "Location"  # "Punjab province": a place whatever the model said
        if low in _NOT_NAMES or not any(c.isalpha() for c in span.text):
            continue
        if kind == "Location" and _is_group_word(span):
            continue
        if kind != "Person" and end < len(doc) and doc[end].lower_ in lex.TITLE_HEADS \
                and all(_is_title_word(t) or t.lower_ == "and" or t.pos_ == "PROPN" for t in span) \
                and end < len(doc) - 1 and doc[end + 1].pos_ == "PROPN":
            continue  # "Home" of "Home Secretary Charles Clarke" is part of a title
        if kind == "Location":
            end = _extend_place(doc, end)
        # A title right after "the X" where X is tagged ORG: "Trade and Industry" Secretary
        if kind == "Organization" and end < len(doc) and doc[end].text[:1].isupper() \
                and doc[end].lower_ in lex.TITLE_HEADS:
            continue
        yield Mention(start, end, kind, doc[start:end].text)


def _is_group_word(span: Span) -> bool:
    """Demonyms and ethnic groups that the model tags as places ("Uygurs")."""
    if len(span) != 1:
        return False
    tok = span[0]
    low = tok.lower_
    if low in lex.COUNTRIES:
        return False
    return tok.tag_ == "NNPS" or (low.endswith("s") and low.endswith(lex.GROUP_SUFFIXES))


def _extend_place(doc: Doc, end: int) -> int:
    """Extend "Xinjiang Uygur" to "Xinjiang Uygur autonomous region"."""
    rest = doc[end : end + 3]
    words = [t.lower_ for t in rest]
    for tail in lex.PLACE_TAILS:
        parts = tail.split()
        if words[: len(parts)] == parts and (len(parts) > 1 or tail in _SHORT_TAILS) \
                and rest[0].text.islower():
            return end + len(parts)
    return end


_SHORT_TAILS = {"region", "province", "prefecture"}
_NOT_ORG_TAILS = {"document", "review", "report", "scheme", "budget", "election", "paper",
                  "programme", "strategy", "plan", "policy", "bills", "state", "service"}
_LAW_NAME_HEADS = {"act", "bill", "treaty", "convention", "directive", "charter", "constitution"}


def _government_of(doc: Doc, places: list[Mention]) -> Iterable[Mention]:
    """"government of X" names an organisation when X is a named place."""
    for place in places:
        i = place.start
        if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in {
            "government", "parliament", "assembly", "people's government"
        }:
            start = i - 2
            yield Mention(start, place.end, "Organization", doc[start : place.end].text,
                          votes=3.0, subkind="GovernmentOrganization", nested=True)


_CONNECT = {"of", "for", "on", "and", "&"}
_LAW_WORDS = {"act", "bill", "treaty", "convention", "directive", "charter", "scheme", "election",
              "review", "report", "document", "paper", "order"}


def _name_word(tok: Token) -> bool:
    """A capitalised word that can be part of an organisation's name."""
    return (tok.text[:1].isupper() and (tok.is_alpha or "-" in tok.text or "'" in tok.text)
            and tok.pos_ in {"PROPN", "NOUN", "ADJ", "VERB"} and tok.lower_ not in _NOT_NAMES
            and tok.lower_ not in lex.TITLE_HEADS)


def _pattern_orgs(doc: Doc) -> Iterable[Mention]:
    """Capitalised names headed by Committee, Court, Ministry, ... that the model missed."""
    n = len(doc)
    for h, head in enumerate(doc):
        if head.lower_ not in lex.ORG_HEADS or not head.text[:1].isupper():
            continue
        sent_start = head.sent.start
        start = h
        while start - 1 >= sent_start:
            prev = doc[start - 1]
            if _name_word(prev) and prev.lower_ not in lex.ORG_HEADS | {"deputy", "former"}:
                start -= 1
            elif prev.lower_ in {"and", "&"} and start - 2 >= sent_start \
                    and _name_word(doc[start - 2]) and doc[start - 2].lower_ not in lex.ORG_HEADS:
                start -= 1
            else:
                break
        while start < h and doc[start].lower_ in {"and", "&"}:
            start += 1
        end = h + 1
        # "Court of Appeal", "Department of Trade and Industry"
        if end + 1 < n and doc[end].lower_ in {"of", "for", "on"}:
            k = end + 1
            if k < n and doc[k].lower_ == "the":
                k += 1
            j = k
            while j < n and ((_name_word(doc[j]) or doc[j].text[:1].isupper() and doc[j].lower_
                              in lex.TITLE_HEADS and j + 1 < n and doc[j + 1].text[:1].isupper())
                             and doc[j].lower_ not in lex.ORG_HEADS
                             or doc[j].lower_ in {"and", "&"} and j + 1 < n
                             and _name_word(doc[j + 1])):
                j += 1
            while j > k and doc[j - 1].lower_ in {"and", "&"}:
                j -= 1
            if j > k:
                end = j
        if end < n and doc[end].lower_ in _LAW_WORDS:
            continue  # "Parliament Act" is a law, "General Election" an event
        if end - start >= 2 or doc[h].lower_ in {"parliament", "cabinet", "congress", "senate"}:
            yield Mention(start, end, "Organization", doc[start:end].text, votes=2.0)
    # "the Public and Commercial Services union": a lower-case head after a capitalised name
    for h, head in enumerate(doc):
        if head.lower_ not in {"union", "party", "council", "association"} or h == 0 \
                or head.text[:1].isupper() or not _name_word(doc[h - 1]):
            continue
        start = h - 1
        while start - 1 >= head.sent.start and (_name_word(doc[start - 1]) or doc[
                start - 1].lower_ in {"and", "&"} and _name_word(doc[start - 2])):
            start -= 1
        yield Mention(start, h + 1, "Organization", doc[start : h + 1].text, votes=1.5)


_ROYAL = {"prince", "princess", "king", "queen", "duke", "duchess", "earl", "countess"}
_HONOR = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "baroness", "dame"}


def _honorific_people(doc: Doc) -> Iterable[Mention]:
    """"Mr Prentis", "Lord Falconer of Thoroton", "Prince Charles": always people."""
    n = len(doc)
    for i, tok in enumerate(doc):
        low = tok.lower_.rstrip(".")
        if low not in _HONOR | _ROYAL or not tok.text[:1].isupper():
            continue
        j = i + 1
        if j < n and (doc[j].lower_ in lex.TITLE_HEADS or doc[j].lower_ in lex.TITLE_MODIFIERS):
            # "Lord Justice Rix", "Mr Justice Forbes" are people; "Lord Chancellor" a title
            if j + 1 < n and doc[j].lower_ == "justice" and doc[j + 1].pos_ == "PROPN" \
                    and doc[j + 1].text[:1].isupper():
                yield Mention(i, j + 2, "Person", doc[i : j + 2].text, votes=3.0)
            continue
        if low in _ROYAL and j + 1 < n and doc[j].lower_ == "of" and doc[j + 1].text[:1].isupper():
            yield Mention(i, j + 2, "Person", doc[i : j + 2].text, votes=3.0)  # Prince of Wales
            continue
        while j < n and doc[j].text[:1].isupper() and doc[j].is_alpha and j - i <= 3 \
                and doc[j].lower_ not in _NOT_NAMES:
            j += 1
        if j == i + 1:
            continue
        # peers: "Lord Campbell of Alloway"
        if low in lex.PEERAGE and j + 1 < n and doc[j].lower_ == "of" \
                and doc[j + 1].text[:1].isupper() and doc[j + 1].pos_ == "PROPN":
            j += 2
        yield Mention(i, j, "Person", doc[i:j].text, votes=3.0 if low in _HONOR else 2.0)


def _title_people(doc: Doc) -> Iterable[Mention]:
    """Two capitalised words right after a title ("spokesman John Smith") are a person."""
    n = len(doc)
    for i, tok in enumerate(doc[:-2]):
        if tok.lower_ not in lex.TITLE_HEADS:
            continue
        j = i + 1
        while j < n and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() \
                and doc[j].is_alpha and doc[j].lower_ not in lex.TITLE_HEADS and j - i <= 3:
            j += 1
        if j - i >= 3 and (j >= n or doc[j].lower_ not in lex.ORG_HEADS):
            yield Mention(i + 1, j, "Person", doc[i + 1 : j].text, votes=1.5)


def _bare_surnames(doc: Doc, chosen: list[Mention], taken: list[bool]) -> Iterable[Mention]:
    """A surname on its own ("Okafor smiled") that the model left untagged."""
    surnames = {doc[m.end - 1].text for m in chosen
                if m.kind == "Person" and m.end - m.start >= 2 and doc[m.end - 1].is_alpha}
    for tok in doc:
        if tok.text in surnames and not taken[tok.i] and tok.pos_ == "PROPN":
            taken[tok.i] = True
            yield Mention(tok.i, tok.i + 1, "Person", tok.text, votes=1.0)


def find_mentions(doc: Doc) -> list[Mention]:
    """Every entity mention in ``doc``, non-overlapping except for nested organisations."""
    ner = list(_ner_mentions(doc))
    candidates = (
        [(m, 0) for m in _lexicon_mentions(doc)]
        + [(m, 1) for m in _honorific_people(doc)]
        + [(m, 2) for m in _title_people(doc)]
        + [(m, 3) for m in ner]
        + [(m, 4) for m in _pattern_orgs(doc)]
    )
    # the longest candidate wins an overlap; ties go to the more trusted source
    candidates.sort(key=lambda c: (-(c[0].end - c[0].start), c[1], c[0].start))
    taken = [False] * len(doc)
    chosen: list[Mention] = []
    for m, source in candidates:
        if any(taken[m.start : m.end]):
            continue
        last = doc[m.end - 1]
        if last.lower_ in _LAW_NAME_HEADS and last.text[:1].isupper() and m.end - m.start > 1:
            continue  # "the Data Protection Act" is a law, not an organisation
        if source == 3 and m.kind == "Person" and m.end - m.start == 1:
            low = doc[m.start].lower_
            if low in lex.TITLE_HEADS or low in _NOT_NAMES or low in {"bill", "act"}:
                continue
        for k in range(m.start, m.end):
            taken[k] = True
        chosen.append(m)
    chosen.extend(_bare_surnames(doc, chosen, taken))
    places = [m for m in chosen if m.kind == "Location"]
    chosen.extend(_government_of(doc, places))
    chosen.sort(key=lambda m: (m.start, m.end))
    return chosen


# ------------------------------------------------------------------ grouping
def _words(text: str) -> list[str]:
    text = text.replace("’", "'")
    text = re.sub(r"'s$", "", text)
    return [w for w in re.split(r"[^\w'-]+", text) if w]


def _core(m: Mention) -> list[str]:
    """The name words without a leading plain honorific ("Mr Blair" -> ["Blair"])."""
    words = _words(m.text)
    if len(words) > 1 and words[0].lower().rstrip(".") in {"mr", "mrs", "ms", "miss", "dr"}:
        words = words[1:]
    return words


def _looks_like_person(m: Mention) -> bool:
    """Two or three capitalised words starting with a known given name ("Nicola Sturgeon")."""
    words = _core(m)
    return 2 <= len(words) <= 3 and words[0] in lex.given_names() and all(
        w[:1].isupper() and w.lower() not in lex.ORG_HEADS for w in words) and m.votes <= 1.0


def _acronym(words: list[str]) -> str:
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


def _match_existing(m: Mention, core: list[str], clusters: list[Cluster]) -> Cluster | None:
    low = [w.lower() for w in core]
    best: Cluster | None = None
    for c in clusters:
        for other in c.mentions:
            if other.nested != m.nested:
                continue
            ocore = [w.lower() for w in _core(other)]
            if len(ocore) <= len(low):
                continue
            if m.kind == "Person" or other.kind == "Person" or _looks_like_person(other):
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
            elif m.kind == "Organization" and len(low) == 1 and core[0].isupper() \
                    and len(core[0]) >= 2 and _acronym(_core(other)).lower() == low[0]:
                best = c  # "TUC" -> "Trades Union Congress"
            if best is c:
                break
        if best is not None:
            return best
    return None


_TOWN_SUFFIXES = ("shire", "ham", "bury", "ford", "field", "borough", "mouth", "chester",
                  "caster", "wick", "minster", "stead", "sea", "by", "ton", "pool", "burgh")
_PLACE_PREPS = {"in", "from", "near", "at", "outside", "across", "to", "of"}


def _looks_like_place(c: Cluster) -> bool:
    """A one-word name the model called a person or organisation, that reads as a town:
    a town-like ending ("Horsham", "Ledbury") or always after "in"/"from"/"near"."""
    if any(m.votes > 1.0 or m.end - m.start != 1 for m in c.mentions):
        return False
    word = c.mentions[0].text
    if word in lex.given_names() or not word.isalpha() or word.isupper():
        return False
    if c.kind == "Person" and word.lower().endswith(_TOWN_SUFFIXES) and len(word) > 5:
        return True
    return False


def _decide(c: Cluster) -> None:
    votes: dict[str, float] = {}
    for m in c.mentions:
        votes[m.kind] = votes.get(m.kind, 0.0) + m.votes
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
        c.kind = "Person"  # the model's ORG/GPE for "Nicola Sturgeon": a given name decides
    words = _words(c.mentions[0].text)
    if c.kind == "Person" and not any(m.votes > 1.0 for m in c.mentions) and words \
            and words[-1].lower() in lex.ORG_HEADS | {"fellowship", "lords"}:
        c.kind = "Organization"  # "High Court", "Christian Medical Fellowship"
    if c.kind != "Location" and _looks_like_place(c):
        c.kind = "Location"
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
