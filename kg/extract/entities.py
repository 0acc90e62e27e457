"""Find the named people, organisations and places of an article (grouping: grouping.py).

The small spaCy model makes news-typical mistakes; this module repairs them (determiners and
titles inside names, names cut short, nationalities tagged as places), adds what it misses
(party and institution names, "government of X", capitalised names headed by Committee,
Court, Ministry, ...); grouping.py then groups mentions into entities (surnames, honorifics,
acronyms, shortened place names) and chooses each kind by voting over its mentions.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from kg.extract import lexicon as lex
from kg.extract.grouping import _SHORT_TAILS, Cluster, Mention, cluster

__all__ = ["Cluster", "Mention", "Words", "cluster", "find_mentions"]

_KIND = {"PERSON": "Person", "ORG": "Organization", "GPE": "Location", "LOC": "Location",
         "FAC": "Location", "NORP": "Organization"}
_STRIP_LEAD = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their",
               "our", "former", "ex"}
_MONTH_NAMES = frozenset(lex.MONTHS)
_MONTHS = _MONTH_NAMES | frozenset(lex.WEEKDAYS)
_POSTNOMINALS = lex.POSTNOMINALS
_NOT_NAMES = _MONTHS | {"god", "internet", "web", "christmas", "easter", "the", "mps", "meps",
                        "qc", "mp", "mep", "if", "but", "and", "or", "when", "while"}


class Words:
    """Each token's text, lower case, lemma and dependency, read once per document: rules
    look for rare words (titles, honorifics, organisation heads, law heads, reporting verbs)
    and make spaCy token objects only where one stands, instead of one per token per rule."""

    def __init__(self, doc: Doc) -> None:
        tokens = list(doc)
        self.text = [t.text for t in tokens]
        self.lower = [t.lower_ for t in tokens]
        self.lemma = [t.lemma_ for t in tokens]
        self.dep = [t.dep_ for t in tokens]

    def where(self, vocabulary: set[str] | frozenset[str]) -> list[int]:
        """Indices of the tokens whose lower case is in ``vocabulary``, in order."""
        return [i for i, w in enumerate(self.lower) if w in vocabulary]


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
    """Grow a name over hyphens written without spaces ("Fane-Tait", "Ashby-Lowe")."""
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
            # keep a plain honorific only when it is the whole first name part ("Mr Okafor")
            if tok.lower_.rstrip(".") in {"mr", "mrs", "ms", "miss", "dr"}:
                break
            start += 1
            continue
        break
    return start


def _lexicon_mentions(doc: Doc, texts: list[str]) -> Iterable[Mention]:
    """Widely used party and institution names ("Tories", "the Commons", "Lib Dems")."""
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
            if key == "lords" and i + 2 < n and doc[i + 2].lower_ in {",", "and"}:
                break  # "Lords Ashby, Kerr and Vane": peers, not the chamber
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
        votes = 1.0
        if kind != "Person" and _person_by_context(doc, start, end):
            kind, votes = "Person", 1.5  # "Ann Cole QC", "Ann Cole, chief executive of X"
        if kind == "Person":
            if doc[start].text in {"Lords", "Ladies"} and end - start > 1:
                start += 1  # "Lords Ashby, Kerr and Vane": each listed name is a peer
            start = _strip_person_titles(doc, start, end)
            while end - start > 1 and doc[end - 1].text in _POSTNOMINALS:
                end -= 1
        elif kind == "Location":
            while end - start > 1 and (doc[start].text.islower() or doc[start].text == "-"):
                start += 1  # "north-west London"
        else:
            while end - start > 1 and (doc[end - 1].lower_ in lex.TITLE_HEADS
                                       or doc[end - 1].lower_ in _NOT_ORG_TAILS):
                end -= 1  # "UKIP MEP", "Department of Energy Review"
            if doc[end - 1].lower_ in _NOT_ORG_TAILS or end < len(doc) and doc[
                    end].text[:1].isupper() and doc[end].lower_ in _NOT_ORG_TAILS or any(
                    t.lower_ in _LAW_NAME_HEADS and t.text[:1].isupper() for t in doc[start:end]):
                continue  # "General Election", "the Geneva Convention"
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
            continue  # "Home" of "Home Secretary Ruth Kemp" is part of a title
        if kind == "Location":
            end = _extend_place(doc, end)
        # A title right after "the X" where X is tagged ORG: "Culture and Heritage" Secretary
        if kind == "Organization" and end < len(doc) and doc[end].text[:1].isupper() \
                and doc[end].lower_ in lex.TITLE_HEADS:
            continue
        yield Mention(start, end, kind, doc[start:end].text, votes=votes)


def _person_by_context(doc: Doc, start: int, end: int) -> bool:
    """Two or three plain capitalised words the model called an organisation or place, that
    the text shows to be a person: a post-nominal after them ("QC", "MP"), or a title in
    apposition ("Ann Cole, chief executive of ...", "Ann Cole, the party's leader")."""
    if end - start >= 3 and doc[end - 1].text in _POSTNOMINALS - {"AM"}:
        end -= 1
        if end - start <= 3 and all(t.is_alpha and t.text[:1].isupper() for t in doc[start:end]):
            return True
    words = doc[start:end]
    if not 2 <= len(words) <= 3 or any(
            not t.is_alpha or not t.text[:1].isupper() or t.text.isupper()
            or t.lower_ in lex.ORG_HEADS or t.lower_ in lex.TITLE_HEADS
            or t.lower_ in lex.COUNTRIES or t.lower_ in _NOT_NAMES
            or t.lower_ in lex.PLACE_TAILS for t in words):
        return False
    n = len(doc)
    if end < n and doc[end].text in _POSTNOMINALS - {"AM"} and (
            end + 1 >= n or not doc[end + 1].text[:1].isupper()):
        return True
    if start >= 2 and doc[start - 1].text == "," and doc[start - 2].lower_ in lex.TITLE_HEADS \
            and doc[start - 2].lower_ not in _ORGISH_TITLES and end < n and doc[end].text == ",":
        return True  # "the party's Senate leader, Ann Cole, said"
    if end + 1 >= n or doc[end].text != ",":
        return False
    j = end + 1
    if doc[j].lower_ in {"the", "a", "its", "his", "her", "their"}:
        j += 1
    while j < n and j <= end + 6:
        low = doc[j].lower_
        if low in lex.TITLE_HEADS and low not in _ORGISH_TITLES and (
                j + 1 >= n or doc[j + 1].lower_ in {",", "of", "for", "at", ".", "and", "to"}):
            return True
        if not (low in lex.TITLE_MODIFIERS or low in lex.TITLE_HEADS or doc[j].tag_ == "POS"
                or doc[j].pos_ == "PROPN"):
            return False
        j += 1
    return False


_ORGISH_TITLES = {"member", "head", "host", "owner", "partner", "manager", "director"}


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


def _pattern_orgs(doc: Doc, words: Words) -> Iterable[Mention]:
    """Capitalised names headed by Committee, Court, Ministry, ... that the model missed."""
    n = len(doc)
    for h in words.where(lex.ORG_HEADS):
        head = doc[h]
        if not head.text[:1].isupper():
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
                             and (doc[j].lower_ not in lex.ORG_HEADS
                                  or j + 1 < n and _name_word(doc[j + 1])
                                  and doc[j + 1].lower_ not in lex.ORG_HEADS)
                             or doc[j].lower_ in {"and", "&"} and j + 1 < n
                             and _name_word(doc[j + 1])):
                j += 1
            while j > k and doc[j - 1].lower_ in {"and", "&"}:
                j -= 1
            if j > k:
                end = j
        if end < n and doc[end].lower_ in _LAW_WORDS:
            continue  # "Companies Act" is a law, "General Election" an event
        if end - start >= 2 or doc[h].lower_ in {"parliament", "cabinet", "congress", "senate"}:
            yield Mention(start, end, "Organization", doc[start:end].text, votes=2.0)
    # "the Civil and Public Workers union": a lower-case head after a capitalised name
    for h in words.where({"union", "party", "council", "association"}):
        head = doc[h]
        if h == 0 or head.text[:1].isupper() or not _name_word(doc[h - 1]):
            continue
        start = h - 1
        while start - 1 >= head.sent.start and (_name_word(doc[start - 1]) or doc[
                start - 1].lower_ in {"and", "&"} and _name_word(doc[start - 2])):
            start -= 1
        yield Mention(start, h + 1, "Organization", doc[start : h + 1].text, votes=1.5)


_HONOR = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "baroness", "dame"}
_HONORIFICS = _HONOR | lex.ROYAL


def _listed_peers(doc: Doc, words: Words) -> Iterable[Mention]:
    """"Lords Ashby, Kerr and Vane": each name of the list is a peer (a person)."""
    n = len(doc)
    for i in words.where({"lords", "ladies"}):
        if i >= n - 3 or words.text[i] not in {"Lords", "Ladies"} or not _peer_name(doc[i + 1]) \
                or words.lower[i + 2] not in {",", "and"}:
            continue
        j = i + 1
        names = []
        while j < n and _peer_name(doc[j]):
            names.append(j)
            if j + 2 < n and doc[j + 1].lower_ in {",", "and"} and _peer_name(doc[j + 2]):
                j += 2
            elif j + 3 < n and doc[j + 1].text == "," and doc[j + 2].lower_ == "and" \
                    and _peer_name(doc[j + 3]):
                j += 3
            else:
                break
        if len(names) >= 2:
            for k in names:
                yield Mention(k, k + 1, "Person", doc[k].text, votes=3.0)


def _peer_name(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.is_alpha and tok.text[:1].isupper() \
        and tok.lower_ not in lex.ORG_HEADS and tok.lower_ not in lex.TITLE_HEADS \
        and tok.lower_ not in _NOT_NAMES


def _honorific_people(doc: Doc, words: Words) -> Iterable[Mention]:
    """"Mr Okoro", "Lord Wren of Hale", "Prince Edward": always people."""
    yield from _listed_peers(doc, words)
    n = len(doc)
    for i, low in enumerate(words.lower):
        low = low.rstrip(".")
        if low not in _HONORIFICS or not words.text[i][:1].isupper():
            continue
        j = i + 1
        if j < n and (doc[j].lower_ in lex.TITLE_HEADS or doc[j].lower_ in lex.TITLE_MODIFIERS):
            # "Lord Justice Pell", "Mr Justice Hearn" are people; "Lord Chancellor" a title
            if j + 1 < n and doc[j].lower_ == "justice" and doc[j + 1].pos_ == "PROPN" \
                    and doc[j + 1].text[:1].isupper():
                yield Mention(i, j + 2, "Person", doc[i : j + 2].text, votes=3.0)
            continue
        if low in lex.ROYAL and j + 1 < n and doc[j].lower_ == "of" \
                and doc[j + 1].text[:1].isupper():
            yield Mention(i, j + 2, "Person", doc[i : j + 2].text, votes=3.0)  # Prince of Wales
            continue
        while j < n and doc[j].text[:1].isupper() and doc[j].is_alpha and j - i <= 3 \
                and doc[j].lower_ not in _NOT_NAMES:
            j += 1
        if j == i + 1:
            continue
        # peers: "Lord Wren of Hale"
        if low in lex.PEERAGE and j + 1 < n and doc[j].lower_ == "of" \
                and doc[j + 1].text[:1].isupper() and doc[j + 1].pos_ == "PROPN":
            j += 2
        j = _join_hyphens(doc, i + 1, j)[1]  # "Mr Fane-Tait"
        yield Mention(i, j, "Person", doc[i:j].text, votes=3.0 if low in _HONOR else 2.0)


def _title_people(doc: Doc, words: Words) -> Iterable[Mention]:
    """Two capitalised words right after a title ("spokesman John Smith") are a person."""
    n = len(doc)
    for i in words.where(lex.TITLE_HEADS):
        if i >= n - 2:
            break
        j = i + 1
        while j < n and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() \
                and doc[j].is_alpha and doc[j].lower_ not in lex.TITLE_HEADS and j - i <= 3:
            j += 1
        if j - i < 3 or (j < n and (doc[j].lower_ in lex.ORG_HEADS
                                     or doc[j].lower_ in lex.TITLE_HEADS)):
            continue  # "Deputy High Court Judge X": the words name the next title's body
        if any(doc[k].lower_ in lex.ORG_HEADS for k in range(i + 1, j)):
            continue  # a person's name holds no "Court", "Council", "Party"
        yield Mention(i + 1, j, "Person", doc[i + 1 : j].text, votes=1.5)


def _month_surnames(doc: Doc, words: Words) -> Iterable[Mention]:
    """"Ann May said", "the minister, Ann May, said", "Ann May, the Tory whip": a surname that
    is also a month, which the model leaves untagged. Only after a capitalised given name, and
    where the text shows a person: a reporting verb right after, or a title in apposition."""
    n = len(doc)
    for i in words.where(_MONTH_NAMES):
        first, after = i - 1, i + 1
        given = words.text[first] if first >= 0 else ""
        if not (words.text[i][:1].isupper() and given[:1].isupper() and given[1:].islower()
                and given.isalpha() and doc[first].pos_ == "PROPN") \
                or words.lower[first] in _NOT_NAMES or words.lower[first] in lex.TITLE_HEADS \
                or words.lower[first] in lex.HONORIFICS or words.lower[first] in lex.COUNTRIES:
            continue
        speaks = after < n and words.lemma[after] in lex.SPEECH_VERBS \
            and doc[after].pos_ in {"VERB", "AUX"}
        apposed = first >= 2 and words.text[first - 1] == "," and after + 1 < n \
            and words.text[after] == "," and (words.lemma[after + 1] in lex.SPEECH_VERBS or any(
                words.lower[k] in lex.TITLE_HEADS for k in range(max(0, first - 8), first - 1)))
        titled = after + 2 < n and words.text[after] == "," and any(
            words.lower[k] in lex.TITLE_HEADS or words.lower[k] in lex.TITLE_MODIFIERS
            or words.lower[k] in lex.PARTY_ADJECTIVES for k in (after + 1, after + 2))
        if speaks or apposed or titled:
            yield Mention(first, after, "Person", doc[first:after].text, votes=2.0)


def _bare_surnames(doc: Doc, words: Words, chosen: list[Mention],
                   taken: list[bool]) -> Iterable[Mention]:
    """A surname on its own ("Okafor smiled") that the model left untagged."""
    surnames = {doc[m.end - 1].text for m in chosen
                if m.kind == "Person" and m.end - m.start >= 2 and doc[m.end - 1].is_alpha}
    for i in words.where({w.lower() for w in surnames}):
        tok = doc[i]
        if tok.text in surnames and not taken[i] and tok.pos_ == "PROPN":
            taken[tok.i] = True
            yield Mention(tok.i, tok.i + 1, "Person", tok.text, votes=1.0)


def find_mentions(doc: Doc, words: Words | None = None) -> list[Mention]:
    """Every entity mention in ``doc``, non-overlapping except for nested organisations."""
    words = words or Words(doc)
    ner = list(_ner_mentions(doc))
    candidates = (
        [(m, 0) for m in _lexicon_mentions(doc, words.text)]
        + [(m, 1) for m in _honorific_people(doc, words)]
        + [(m, 2) for m in _title_people(doc, words)]
        + [(m, 2) for m in _month_surnames(doc, words)]
        + [(m, 3) for m in ner]
        + [(m, 4) for m in _pattern_orgs(doc, words)]
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
    chosen.extend(_bare_surnames(doc, words, chosen, taken))
    for m in chosen:
        m.place_votes = _place_context(doc, m)
    places = [m for m in chosen if m.kind == "Location"]
    chosen.extend(_government_of(doc, places))
    chosen.sort(key=lambda m: (m.start, m.end))
    return chosen


def _place_context(doc: Doc, m: Mention) -> float:
    """How strongly the words around a mention say it is a place: "from Ashby, Leics"
    (a town and its county) says so strongly, "in Ashby" or "near Ashby" weakly."""
    if m.start == 0 or m.end >= len(doc) or doc[m.end].tag_ == "POS":
        return 0.0
    prev = doc[m.start - 1].lower_
    if prev in {"from", "in", "near", "outside"} and doc[m.end].text == "," \
            and m.end + 1 < len(doc) and doc[m.end + 1].ent_type_ in {"GPE", "LOC"}:
        return 1.5
    return 0.6 if prev in {"in", "near"} else 0.0
