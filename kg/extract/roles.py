"""Roles: who holds which title, from titles before names, appositions and relative clauses."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.model import Role

_DETS = {"the", "a", "an"}
_LEAD_VERBS = {"lead": "leader", "chair": "chairman", "head": "head", "run": "head"}


def _word_at(doc: Doc, i: int) -> tuple[str, int]:
    """The word ending at token ``i``, joining hyphenated parts ("co-ordinator"); its start."""
    start = i
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_:
        start -= 2
    return "".join(t.text for t in doc[start : i + 1]).lower(), start


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
                and low not in _DETS and tok.pos_ != "PRON":
            first = i
            i -= 1
            continue
        break
    if i >= stop and doc[i].tag_ == "POS" and i >= 1 and org is None:
        owner = ctx.entity_of(doc[i - 1])
        if owner and ctx.kind[owner] == "Organization":
            org = owner
    return first, org


def _title_text(ctx: Context, first: int, end: int) -> str:
    words = []
    for tok in ctx.doc[first:end]:
        key = ctx.entity_of(tok)
        if key is not None and ctx.kind[key] == "Organization":
            continue
        words.append(tok.text_with_ws)
    title = "".join(words).strip().lower().replace("’", "'")
    return " ".join(title.split()).replace(" - ", "-")


def _role(ctx: Context, person: str, first: int, end: int, org: str | None, sent_tok: Token,
          rule: str, confidence: float, a: int, b: int) -> Role | None:
    title = _title_text(ctx, first, end)
    if not title or title in lex.HONORIFICS or title in {"former", "mr", "ms", "mrs"}:
        return None
    if title.split()[-1] not in lex.TITLE_HEADS and not any(
            w in lex.TITLE_HEADS for w in title.replace("-", " ").split()):
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


def _of_org(ctx: Context, i: int) -> tuple[str | None, int]:
    """An organisation in "of/for/at [the] ORG" starting at token ``i``; and the end token."""
    doc = ctx.doc
    if i < len(doc) and doc[i].lower_ in {"of", "for", "at"}:
        j = i + 1
        while j < len(doc) and doc[j].lower_ in _DETS:
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


def find_roles(ctx: Context) -> list[Role]:
    """All roles stated in the article."""
    doc = ctx.doc
    roles: list[Role] = []
    for start, end, person in _people(ctx):
        sent = doc[start].sent
        # 1. title before the name: "Tory leader Michael Howard", "the region's ... boss Chen"
        found = title_before(ctx, start, stop=sent.start)
        if found:
            first, org = found
            role = _role(ctx, person, first, start, org, doc[start], "title-before-name", 0.9,
                         first, end - 1)
            if role:
                roles.append(role)
        # 2. apposition after the name: "Shohrat Zakir, chairman of the government of X,"
        if end + 1 < sent.end and doc[end].text == ",":
            j = end + 1
            while j < sent.end and doc[j].lower_ in _DETS:
                j += 1
            k = j
            while k < sent.end and not (doc[k].is_punct and doc[k].text != "-") \
                    and doc[k].pos_ not in {"VERB", "AUX", "PRON"} and doc[k].lower_ not in {
                        "of", "for", "at", "who", "which", "and"}:
                k += 1
            if k > j and _is_head(doc, k - 1) and ctx.entity_of(doc[j]) is None or (
                    k > j and _is_head(doc, k - 1) and ctx.kind.get(
                        ctx.entity_of(doc[j]) or "", "") == "Organization"):
                found = title_before(ctx, k, stop=j)
                if found and found[0] == j or found and all(
                        t.lower_ in _DETS for t in doc[j:found[0]]):
                    org = found[1] if found else None
                    of_org, of_end = _of_org(ctx, k)
                    org = org or of_org
                    role = _role(ctx, person, found[0], k, org, doc[start], "apposition-after",
                                 0.85, start, max(k, of_end) - 1)
                    if role:
                        roles.append(role)
        # 3. apposition before the name: "the home secretary, Charles Clarke,"
        if start >= 2 and doc[start - 1].text == "," and not doc[start - 2].is_punct:
            found = title_before(ctx, start - 1, stop=sent.start)
            if found:
                first, org = found
                if first == sent.start or doc[first - 1].lower_ in _DETS | {","} | {"by", "to"}:
                    role = _role(ctx, person, first, start - 1, org, doc[start],
                                 "apposition-before", 0.8, first, end - 1)
                    if role:
                        roles.append(role)
        # 4. relative clause: "Mr Kennedy, who leads the Liberal Democrats"
        if end + 2 < sent.end and doc[end].text == "," and doc[end + 1].lower_ == "who":
            verb = doc[end + 2]
            if verb.lemma_ in _LEAD_VERBS:
                org_key, org_end = _of_org(ctx, end + 2)
                j = end + 3
                while j < sent.end and doc[j].lower_ in _DETS:
                    j += 1
                key = ctx.entity_of(doc[j]) if j < sent.end else None
                if key and ctx.kind[key] == "Organization":
                    m_end = j
                    while m_end < sent.end and ctx.entity_of(doc[m_end]) == key:
                        m_end += 1
                    roles.append(Role(person=person, title=_LEAD_VERBS[verb.lemma_],
                                      organization=key, evidence=ctx.evidence(
                                          sent, start, m_end - 1, "relative-clause", 0.75)))
            elif verb.lemma_ == "be":
                j = end + 3
                while j < sent.end and doc[j].lower_ in _DETS:
                    j += 1
                k = j
                while k < sent.end and doc[k].is_alpha and doc[k].pos_ not in {"VERB", "AUX"} \
                        and doc[k].lower_ not in {"of", "for", "at", "who", "and"}:
                    k += 1
                found = title_before(ctx, k, stop=j) if k > j else None
                if found and found[0] == j:
                    of_org, of_end = _of_org(ctx, k)
                    role = _role(ctx, person, j, k, found[1] or of_org, doc[start],
                                 "relative-clause", 0.75, start, max(k, of_end) - 1)
                    if role:
                        roles.append(role)
    return _dedupe(roles)


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
