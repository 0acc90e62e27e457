"""Roles: who holds which title, from titles before names, appositions and relative clauses."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.model import Role

DETS = {"the", "a", "an"}
_LEAD_VERBS = {"lead": "leader", "chair": "chair", "head": "head", "run": "head"}


def _word_at(doc: Doc, i: int) -> tuple[str, int]:
    """The word ending at token ``i``, joining hyphenated parts ("co-ordinator"); its start."""
    start = i
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_:
        start -= 2
    return "".join(t.text for t in doc[start : i + 1]).lower(), start


_NOT_OCCUPATIONS = {
    "father", "mother", "brother", "sister", "daughter", "son", "wife", "husband", "partner",
    "other", "number", "matter", "order", "paper", "letter", "supporter", "voter", "user",
    "customer", "citizen", "resident", "patient", "parent", "friend", "fan", "winner",
    "loser", "newcomer", "man", "woman", "person", "people", "member", "owner", "holder",
    "power", "water", "corner", "border", "summer", "winter", "quarter", "chapter", "career",
    "computer", "manner", "murder", "monster", "minister", "former", "banner", "dinner",
}
_OCCUPATION_SUFFIXES = ("er", "or", "ist", "man", "woman", "ian", "eer", "ant", "ent", "ess")


def is_occupation(word: str) -> bool:
    """A noun that names what someone does ("auctioneer", "huntsman", "economist").

    Examples:
        >>> is_occupation("auctioneer"), is_occupation("father")
        (True, False)
    """
    word = word.lower()
    if word in lex.TITLE_HEADS:
        return True
    return word.endswith(_OCCUPATION_SUFFIXES) and word not in _NOT_OCCUPATIONS and len(word) > 4


def _is_head(doc: Doc, i: int) -> bool:
    word, _ = _word_at(doc, i)
    return word in lex.TITLE_HEADS or doc[i].lower_ in lex.TITLE_HEADS


def title_before(ctx: Context, end: int, *, stop: int = 0) -> tuple[int, str | None] | None:
    """Find a title phrase ending just before token ``end`` ("Tory leader", "home secretary").

    Returns:
        The first token of the title and the organisation named inside it, or None.
    """
    doc = ctx.doc
    i = end - 1
    if i < stop or not _is_head(doc, i):
        return None
    org: str | None = None
    first = i
    while i >= stop:
        tok = doc[i]
        key = ctx.entity_of(tok)
        word, wstart = _word_at(doc, i)
        if key is not None:
            if ctx.kind[key] != "Organization" or org not in (None, key):
                break
            org = key
            s, _ = ctx.mention_bounds(tok)
            first = i = s
            i -= 1
            continue
        low = tok.lower_
        if word in lex.TITLE_HEADS or low in lex.TITLE_HEADS or low in lex.TITLE_MODIFIERS \
                or word in lex.TITLE_MODIFIERS:
            first = i = wstart
            i -= 1
            continue
        if low in {"and", "&"} and i > stop and i + 1 < end and doc[i - 1].text[:1].isupper() \
                and doc[i + 1].text[:1].isupper():
            i -= 1
            continue
        if tok.is_alpha and (tok.text[:1].isupper() or tok.pos_ in {"NOUN", "ADJ"}) \
                and tok.dep_ in {"compound", "amod", "nmod", "conj"} and not tok.is_sent_start \
                and low not in DETS and tok.pos_ != "PRON":
            first = i
            i -= 1
            continue
        break
    if i >= stop and doc[i].tag_ == "POS" and i >= 1:
        owner = ctx.entity_of(doc[i - 1])
        if owner and ctx.kind[owner] == "Organization":
            org = owner  # "Labour's Senate leader": the owner's, not the chamber's
    return first, org


def _title_text(ctx: Context, first: int, end: int) -> str:
    words = []
    in_phrase = False
    for tok in ctx.doc[first:end]:
        key = ctx.entity_of(tok)
        in_phrase = in_phrase or tok.lower_ == "for" and not (
            key is not None and ctx.kind[key] == "Organization")  # "Commission for X chairman"
        if key is not None and ctx.kind[key] == "Organization" and not in_phrase:
            continue
        words.append(tok.text_with_ws)
    title = "".join(words).strip().lower().replace("’", "'")
    title = " ".join(title.split()).replace(" - ", "-")
    if title.startswith(("ex-", "ex ")):
        title = "former " + title[3:]  # "ex-minister" is a former minister
    return title


def role_of(ctx: Context, person: str, first: int, end: int, org: str | None, sent_tok: Token,
          rule: str, confidence: float, a: int, b: int, *, any_noun: bool = False) -> Role | None:
    title = _title_text(ctx, first, end)
    if not title or title in lex.HONORIFICS or title in {"former", "mr", "ms", "mrs"}:
        return None
    last = title.split(" for ")[0].split()[-1]
    if last not in lex.TITLE_HEADS and not is_occupation(last) and not any_noun:
        return None
    former = title.startswith(("former ", "ex-", "ex "))
    return Role(person=person, title=title, organization=org, former=former,
                evidence=ctx.evidence(sent_tok.sent, a, b, rule, confidence))


def _people(ctx: Context) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of every person mention."""
    for c in ctx.clusters:
        if c.kind != "Person":
            continue
        for m in c.mentions:
            yield m.start, m.end, c.key


def _for_phrase(ctx: Context, k: int, stop: int) -> int:
    """End of a "for X" phrase that belongs to a title ("spokesman for women")."""
    doc = ctx.doc
    if k >= stop or doc[k].lower_ != "for" or k + 1 >= stop:
        return k
    key = ctx.entity_of(doc[k + 1])
    if doc[k - 1].lower_ not in _PORTFOLIO_TITLES and (doc[k + 1].lower_ in DETS or (
            key is not None and ctx.kind[key] in {"Organization", "Person"})):
        return k  # "counsel for the claimants", "agent for the Tories": not the title
    j = k + 1
    while j < stop and not doc[j].is_punct and doc[j].pos_ not in {"VERB", "AUX"} \
            and doc[j].lower_ not in {"who", "which", "that", "said", "says"} and j - k <= 7:
        j += 1
    return j if j > k + 1 else k


def org_after(ctx: Context, i: int) -> tuple[str | None, int]:
    """An organisation in "of/for/at [the] ORG" starting at token ``i``; and the end token."""
    doc = ctx.doc
    if i < len(doc) and doc[i].lower_ in {"of", "for", "at"}:
        j = i + 1
        while j < len(doc) and doc[j].lower_ in DETS:
            j += 1
        if j < len(doc):
            key = ctx.entity_of(doc[j])
            if key and ctx.kind[key] == "Organization":
                m_end = j
                while m_end < len(doc) and ctx.entity_of(doc[m_end]) == key:
                    m_end += 1
                return key, m_end
            if key and ctx.kind[key] == "Location":
                return None, j
    return None, i


_POSS_PRON = {"his", "her", "their", "its", "our"}
#: Titles whose "for X" names a portfolio ("spokesman for the Treasury").
_PORTFOLIO_TITLES = {"spokesman", "spokeswoman", "spokesperson", "minister", "secretary",
                     "commissioner", "envoy", "ambassador", "tsar", "czar", "champion"}
_POSTNOMINAL_ROLES = {"QC", "KC", "MP", "MEP", "MSP"}


def _owner_before(ctx: Context, i: int, stop: int) -> tuple[int, str | None] | None:
    """Token ``i`` ends "ORG's" or "his"/"her": the owner's first token and organisation."""
    doc = ctx.doc
    if i < stop:
        return None
    if doc[i].lower_ in _POSS_PRON:
        return i, None
    if doc[i].tag_ == "POS" and i - 1 >= stop:
        key = ctx.entity_of(doc[i - 1])
        if key is not None:
            s, _ = ctx.mention_bounds(doc[i - 1])
            return s, key if ctx.kind[key] == "Organization" else None
        if doc[i - 1].pos_ in {"NOUN", "PROPN"}:
            j = i - 1
            while j - 1 >= stop and doc[j - 1].lower_ in DETS | {"magazine", "newspaper"}:
                j -= 1
            return j, None
    return None


def _apposition_after(ctx: Context, person: str, start: int, end: int) -> Role | None:
    """"Shohrat Zakir, chairman of the government of X,", "Dan Frost, the party's deputy
    leader,", "Ken Ames, 37, a farmer from Fordham"."""
    doc = ctx.doc
    sent = doc[start].sent
    j = end + 1
    if j + 1 < sent.end and doc[j].like_num and doc[j + 1].text == ",":
        j += 2  # an age: "Ken Ames, 37, ..."
    org: str | None = None
    while j < sent.end and doc[j].lower_ in DETS:
        j += 1
    owner = None
    for k in range(j, min(j + 6, sent.end)):
        found = _owner_before(ctx, k, j)
        if found and found[0] == j:
            owner = k
            org = found[1]
    if owner is not None:
        j = owner + 1
    k = j
    while k < sent.end and not (doc[k].is_punct and doc[k].text != "-") \
            and doc[k].pos_ not in {"VERB", "AUX", "PRON", "DET", "ADP"} \
            and doc[k].lower_ not in {"who", "which", "and"}:
        k += 1
        # "transport and environment spokesman"
        if k + 1 < sent.end and doc[k].lower_ == "and" and not _is_head(doc, k - 1):
            k += 1
    if k <= j:
        return None
    head_word, _ = _word_at(doc, k - 1)
    if not (_is_head(doc, k - 1) or is_occupation(head_word) and doc[k - 1].pos_ == "NOUN"):
        return None
    first_key = ctx.entity_of(doc[j])
    if first_key is not None and ctx.kind[first_key] != "Organization":
        return None
    if _is_head(doc, k - 1):
        found = title_before(ctx, k, stop=j)
        if not found or found[0] != j:
            return None
        org = org or found[1]
        confidence = 0.85
    else:
        if k - j > 3 or any(t.text[:1].isupper() for t in doc[j:k]):
            return None
        confidence = 0.6
    of_org, of_end = org_after(ctx, k)
    if of_org is None or doc[k].lower_ == "for":
        k = _for_phrase(ctx, k, sent.end)
    return role_of(ctx, person, j, k, org or of_org, doc[start], "apposition-after", confidence,
                 start, max(k, of_end) - 1)


def singular_title(word: str) -> str | None:
    """The title a plural names ("councillors" -> "councillor", "MPs" -> "mp"), else None.

    Examples:
        >>> singular_title("secretaries"), singular_title("judges"), singular_title("judge")
        ('secretary', 'judge', None)
    """
    word = word.lower()
    if word.endswith("ies") and word[:-3] + "y" in lex.TITLE_HEADS:
        return word[:-3] + "y"
    if len(word) > 2 and word.endswith("s") and word[:-1] in lex.TITLE_HEADS:
        return word[:-1]
    return None


def _listed(ctx: Context, start: int, stop: int) -> Role | None:
    """A title in the plural before a list of names gives each of them the title:
    "Labour councillors Ann Cole and Tom Reid", "two Tory ministers, Ann Cole and Tom Reid"."""
    doc = ctx.doc
    i = start - 1
    while i >= stop:  # back over the names listed before this one, and their commas
        key = ctx.tok_entity[i]
        if doc[i].text == "," or doc[i].lower_ == "and":
            i -= 1
        elif key is not None and ctx.kind[key] == "Person":
            i = ctx.mention_bounds(doc[i])[0] - 1
        else:
            break
    if i < stop or (title := singular_title(doc[i].text)) is None or title in lex.ROYAL:
        return None  # "princes Edward and Harald": part of their names, as "Prince Edward"
    after = i + 2 if doc[i + 1].text == "," else i + 1
    if ctx.tok_entity[after] is None or ctx.kind[ctx.tok_entity[after] or ""] != "Person":
        return None  # the list starts right after the title: not "between ministers and X"
    first, org = i, None
    while first - 1 >= stop:  # "Labour", "Tory", "junior", "shadow" before it
        key = ctx.entity_of(doc[first - 1])
        if key is not None and ctx.kind[key] == "Organization":
            org = org or key
            first = ctx.mention_bounds(doc[first - 1])[0]
        elif doc[first - 1].lower_ in lex.TITLE_MODIFIERS:
            first -= 1
        else:
            break
    words = _title_text(ctx, first, i)
    person = ctx.tok_entity[start]
    assert person is not None
    title = f"{words} {title}".strip()
    return Role(person=person, title=title, organization=org, former=title.startswith(
        "former "), evidence=ctx.evidence(doc[start].sent, first, start, "plural-title-list",
                                          0.75))


def find_roles(ctx: Context) -> list[Role]:
    """All roles stated in the article."""
    doc = ctx.doc
    roles: list[Role] = []
    for start, end, person in _people(ctx):
        sent = doc[start].sent
        # 1. title before the name: "Tory leader Simon Ash", "the region's ... boss Chen";
        # a plural one before a list of names: "Labour councillors Ann Cole and Tom Reid"
        listed = _listed(ctx, start, sent.start)
        found = None if listed is not None else title_before(ctx, start, stop=sent.start)
        if listed is not None:
            roles.append(listed)
        elif found:
            first, org = found
            role = role_of(ctx, person, first, start, org, doc[start], "title-before-name", 0.9,
                         first, end - 1)
            if role:
                roles.append(role)
        elif start - 1 >= sent.start and doc[start - 1].pos_ == "NOUN" \
                and doc[start - 1].text.islower() and doc[start - 1].dep_ == "compound":
            # "auctioneer Jo Marsh", "amateur jockey Leo Hart"
            word, wstart = _word_at(doc, start - 1)
            if is_occupation(word) or wstart < start - 1:
                role = role_of(ctx, person, wstart, start, None, doc[start], "descriptor-before",
                             0.6, wstart, end - 1, any_noun=True)
                if role:
                    roles.append(role)
        # 2. apposition after the name
        if end + 1 < sent.end and doc[end].text == ",":
            role = _apposition_after(ctx, person, start, end)
            if role:
                roles.append(role)
        # 3. apposition before the name: "the home secretary, Ruth Kemp,"
        if start >= 2 and doc[start - 1].text == "," and not doc[start - 2].is_punct:
            head_end, of_org = start - 1, None
            key = ctx.entity_of(doc[start - 2])
            if key is not None and ctx.kind[key] == "Organization":
                # "the chairman of Coastal Watch UK, Sir Ian Pryce,"
                m_start, _ = ctx.mention_bounds(doc[start - 2])
                m_start = min(m_start, min((i for i in range(sent.start, start - 1)
                                            if ctx.nested.get(i) == key), default=m_start))
                i = m_start - 1
                while i > sent.start and doc[i].lower_ in DETS:
                    i -= 1
                if i > sent.start and doc[i].lower_ in {"of", "at", "for"}:
                    head_end, of_org = i, key
            found = title_before(ctx, head_end, stop=sent.start)
            if found:
                first, org = found
                owner = _owner_before(ctx, first - 1, sent.start)
                if owner is not None:
                    org = org or owner[1]
                if first == sent.start or doc[first - 1].lower_ in DETS | {",", "by", "to"} \
                        or owner is not None:
                    org = org or of_org
                    role = role_of(ctx, person, first, head_end, org, doc[start],
                                 "apposition-before", 0.8, first, end - 1)
                    if role:
                        roles.append(role)
        # 5. post-nominals and judicial styles: "Ben Marsh QC", "Lord Justice Hale"
        if end < sent.end and doc[end].text in _POSTNOMINAL_ROLES:
            roles.append(Role(person=person, title=doc[end].text.lower(), evidence=ctx.evidence(
                sent, start, end, "post-nominal", 0.8)))
        words = [t.lower_ for t in doc[start:end]]
        if len(words) >= 3 and words[1] == "justice" and words[0] in {"lord", "mr", "mrs", "lady"}:
            title = "lord justice" if words[0] in {"lord", "lady"} else "justice"
            roles.append(Role(person=person, title=title, evidence=ctx.evidence(
                sent, start, end - 1, "judicial-style", 0.8)))
        # 4. relative clause: "Mr Okoro, who leads the Liberal Democrats"
        if end + 2 < sent.end and doc[end].text == "," and doc[end + 1].lower_ == "who":
            role = _relative(ctx, person, start, end)
            if role:
                roles.append(role)
    return _dedupe(roles)


def _relative(ctx: Context, person: str, start: int, end: int) -> Role | None:
    doc = ctx.doc
    sent = doc[start].sent
    verb = doc[end + 2]
    if verb.lemma_ in _LEAD_VERBS:
        j = end + 3
        while j < sent.end and doc[j].lower_ in DETS:
            j += 1
        key = ctx.entity_of(doc[j]) if j < sent.end else None
        if key and ctx.kind[key] == "Organization":
            m_end = j
            while m_end < sent.end and ctx.entity_of(doc[m_end]) == key:
                m_end += 1
            return Role(person=person, title=_LEAD_VERBS[verb.lemma_], organization=key,
                        evidence=ctx.evidence(sent, start, m_end - 1, "relative-clause", 0.75))
    elif verb.lemma_ == "be":
        j = end + 3
        while j < sent.end and doc[j].lower_ in DETS:
            j += 1
        k = j
        while k < sent.end and doc[k].is_alpha and doc[k].pos_ not in {"VERB", "AUX"} \
                and doc[k].lower_ not in {"of", "for", "at", "who", "and"}:
            k += 1
        found = title_before(ctx, k, stop=j) if k > j else None
        if found and found[0] == j:
            of_org, of_end = org_after(ctx, k)
            return role_of(ctx, person, j, k, found[1] or of_org, doc[start],
                         "relative-clause", 0.75, start, max(k, of_end) - 1)
    return None


def _dedupe(roles: list[Role]) -> list[Role]:
    seen: set[tuple[str, str, str | None]] = set()
    out = []
    for role in sorted(roles, key=lambda r: (r.evidence.phrase.start, -len(r.title))):
        key = (role.person, role.title, role.organization)
        if key in seen:
            continue
        seen.add(key)
        out.append(role)
    return out
