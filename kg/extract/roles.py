"""Roles: who holds which title, from titles before names, appositions and relative clauses."""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.titles import (
    DETS,
    for_phrase,
    is_head,
    is_occupation,
    org_after,
    owner_before,
    role_of,
    singular_title,
    title_before,
    title_text,
    word_at,
)
from kg.model import Role

__all__ = ["find_roles", "title_before"]

_POSTNOMINAL_ROLES = {"QC", "KC", "MP", "MEP", "MSP"}
_LEAD_VERBS = {"lead": "leader", "chair": "chair", "head": "head", "run": "head"}


def _people(ctx: Context) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of every person mention."""
    for c in ctx.clusters:
        if c.kind != "Person":
            continue
        for m in c.mentions:
            yield m.start, m.end, c.key


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
        found = owner_before(ctx, k, j)
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
        if k + 1 < sent.end and doc[k].lower_ == "and" and not is_head(doc, k - 1):
            k += 1
    if k <= j:
        return None
    head_word, _ = word_at(doc, k - 1)
    if not (is_head(doc, k - 1) or is_occupation(head_word) and doc[k - 1].pos_ == "NOUN"):
        return None
    first_key = ctx.entity_of(doc[j])
    if first_key is not None and ctx.kind[first_key] != "Organization":
        return None
    if is_head(doc, k - 1):
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
        k = for_phrase(ctx, k, sent.end)
    return role_of(ctx, person, j, k, org or of_org, doc[start], "apposition-after", confidence,
                 start, max(k, of_end) - 1)


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
    words = title_text(ctx, first, i)
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
        elif start - 1 >= sent.start and doc[start - 1].pos_ in {"NOUN", "VERB", "PROPN"} \
                and doc[start - 1].text.islower() and doc[start - 1].dep_ == "compound" \
                and (found := title_before(ctx, start, stop=sent.start, occupation=True)):
            # "auctioneer Jo Marsh" (the model may tag it a verb), "former royal chef Leo
            # Hart", "point-to-point jockey Ann Bell"
            first, org = found
            role = role_of(ctx, person, first, start, org, doc[start], "descriptor-before",
                         0.6, first, end - 1, any_noun=True)
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
                owner = owner_before(ctx, first - 1, sent.start)
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
