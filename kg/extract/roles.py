"""Roles: who holds which title, from titles before names, appositions and relative clauses."""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Iterator

from spacy.tokens import Span

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.titles import (
    DETS,
    PORTFOLIO_TITLES,
    for_phrase,
    is_head,
    is_occupation,
    member_title,
    org_after,
    owner_before,
    portfolio_before,
    role_of,
    singular_title,
    title_before,
    title_text,
    word_at,
)
from kg.model import Role

__all__ = ["find_roles"]

_POSTNOMINAL_ROLES = {"QC", "KC", "MP", "MEP", "MSP"}
#: Marks that open a clause after a name: "Ann Hill, who ...", "Ann Hill - who ...".
_CLAUSE_OPENERS = {",", "-", "–", "—", "("}
_LEAD_VERBS = {"lead": "leader", "chair": "chair", "head": "head", "run": "head"}
#: What may stand right before a title in apposition ("..., the party's leader, X").
_BEFORE_APPOSITION = DETS | {",", "by", "to"}


def _people(ctx: Context) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of every person mention."""
    for c in ctx.clusters:
        if c.kind != "Person":
            continue
        for m in c.mentions:
            yield m.start, m.end, c.key


def _apposition_after(ctx: Context, person: str, start: int, end: int, sent: Span
                      ) -> list[Role]:
    """"Shohrat Zakir, chairman of the government of X,", "Dan Frost, the party's deputy
    leader,", "Ken Ames, 37, a farmer from Fordham", "Ann Hill, a former pupil and joint
    head of the Dale Trust,", "Tom Reid, a Tory councillor and former mayor,"."""
    role, k = _appositive(ctx, person, start, end + 1, sent)
    if role is None:
        return []
    if k + 1 < sent.end and ctx.doc[k].lower_ == "and":
        # a second title in the same apposition: "a Tory councillor and former mayor"
        second, _ = _appositive(ctx, person, start, k + 1, sent, titles_only=True)
        if second is not None:
            return [role, second]
    return [role]


def _appositive(ctx: Context, person: str, start: int, j: int, sent: Span, *,
                titles_only: bool = False) -> tuple[Role | None, int]:
    """The description starting at token ``j`` in apposition to the name at ``start``; and
    the token after its title."""
    doc = ctx.doc
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
    if k <= j or doc[k - 1].tag_ in {"NNS", "NNPS"}:
        return None, k  # a plural is a list of others: "Ann Hill, bank officials and ..."
    head_word, _ = word_at(doc, k - 1)
    if not (is_head(doc, k - 1) or is_occupation(head_word) and doc[k - 1].pos_ == "NOUN"
            and not titles_only):
        return None, k
    first_key = ctx.entity_of(doc[j])
    if first_key is not None and ctx.kind[first_key] != "Organization":
        return None, k
    if is_head(doc, k - 1):
        found = title_before(ctx, k, stop=j)
        if found and found[0] - 1 > j and doc[found[0] - 1].lower_ == "and" and all(
                t.is_alpha and t.pos_ not in {"VERB", "AUX"} for t in doc[j : found[0] - 1]):
            j = found[0]  # "a former pupil and joint head of ...": the title is the second
        if not found or found[0] != j:
            return None, k
        org = org or found[1]
        confidence = 0.85
    else:
        if k - j > 3 or any(t.text[:1].isupper() for t in doc[j:k]):
            return None, k
        confidence = 0.6
    title_end = k
    of_org, of_end = org_after(ctx, k)
    described = of_org is not None and any(t.is_lower and t.lower_ not in DETS
                                           for t in doc[k + 1 : ctx.mention_bounds(
                                               doc[of_end - 1])[0]])
    if (of_org is None or doc[k].lower_ == "for") and not described:
        # "spokesman for women"; not "spokesman for the campaign group Kestrel"
        k = for_phrase(ctx, k, sent.end)
    return role_of(ctx, person, j, k, org or of_org, doc[start], "apposition-after", confidence,
                   start, max(k, of_end) - 1), max(title_end, k, of_end)


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
    title = member_title(f"{words} {title}".strip())
    return Role(person=person, title=title, organization=org, former=title.startswith(
        "former "), evidence=ctx.evidence(doc[start].sent, first, start, "plural-title-list",
                                          0.75))


def find_roles(ctx: Context) -> list[Role]:
    """All roles stated in the article."""
    doc = ctx.doc
    roles: list[Role] = []
    starts = [s.start for s in ctx.sents]
    for start, end, person in _people(ctx):
        sent = ctx.sents[bisect_right(starts, start) - 1]
        # 1. title before the name: "Tory leader Simon Ash", "the region's ... boss Chen";
        # a plural one before a list of names: "Labour councillors Ann Cole and Tom Reid"
        before, lead = _before_name(ctx, person, start, end, sent)
        roles += before
        # 2. apposition after the name
        if end + 1 < sent.end and doc[end].text == ",":
            roles += _apposition_after(ctx, person, start, end, sent)
        # 3. apposition before the name (or before its title): "the home secretary, Ruth
        # Kemp,", "the paper's editor, Tory MP Ann Hill"
        role = _apposition_before(ctx, person, lead, start, end, sent)
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
        if end + 2 < sent.end and doc[end].text in _CLAUSE_OPENERS \
                and doc[end + 1].lower_ == "who":
            role = _relative(ctx, person, start, end)
            if role:
                roles.append(role)
    return _dedupe(roles)



def _before_name(ctx: Context, person: str, start: int, end: int, sent: Span
                 ) -> tuple[list[Role], int]:
    """Titles right before a name, and the first token of what they cover (``start`` if none).

    "Tory leader Simon Ash", "Labour councillors Ann Cole and Tom Reid", "auctioneer Jo
    Marsh", "Lib Dem spokeswoman for pensions Ann Hill", "former army officer Captain Ann Hill"
    (two titles: a rank stands on its own).
    """
    doc = ctx.doc
    listed = _listed(ctx, start, sent.start)
    if listed is not None:
        return [listed], start
    found = title_before(ctx, start, stop=sent.start)
    rule, confidence, any_noun = "title-before-name", 0.9, False
    if found is None and start - 1 >= sent.start and doc[start - 1].text.islower() \
            and doc[start - 1].pos_ in {"NOUN", "VERB", "PROPN"} \
            and doc[start - 1].dep_ == "compound":
        # "auctioneer Jo Marsh" (the model may tag it a verb), "former palace cook Leo Hart"
        found = title_before(ctx, start, stop=sent.start, occupation=True)
        rule, confidence, any_noun = "descriptor-before", 0.6, True
    if found is None:
        found = portfolio_before(ctx, start, stop=sent.start)
        rule, confidence = "title-before-name", 0.8
    if found is None:
        return [], start
    first, org = found
    out = []
    rank = start - 1
    before = doc[rank - 1] if first < rank else None
    if before is not None and doc[rank].lower_ in lex.RANKS \
            and before.lower_ not in lex.RANK_PREFIXES and before.pos_ in {"NOUN", "PROPN"} \
            and ctx.entity_of(before) is None \
            and (before.is_lower or is_head(doc, rank - 1) or is_occupation(before.text)):
        # another description, not a team or place ("Former England captain X" is one title)
        # "climate expert professor Ann Hill", "former army officer Captain Ann Hill"
        found = title_before(ctx, rank, stop=sent.start)
        role = None if found is None else role_of(
            ctx, person, found[0], rank, found[1], doc[start], rule, confidence, found[0],
            end - 1, any_noun=any_noun)
        former = False
        if role is None:  # "Former England rugby captain X": "former" is the rank's
            k = rank - 1
            while k > sent.start and k > rank - 6 and not doc[k - 1].is_punct \
                    and doc[k].lower_ not in {"former", "ex"}:
                k -= 1
            former = doc[k].lower_ in {"former", "ex"}
        out.append(Role(person=person, title=("former " if former else "") + doc[rank].lower_,
                        former=former, evidence=ctx.evidence(sent, rank, end - 1,
                                                             "rank-before-name", 0.8)))
        first = found[0] if found is not None else first
    else:
        role = role_of(ctx, person, first, start, org, doc[start], rule, confidence, first,
                       end - 1, any_noun=any_noun)
    if role:
        out.append(role)
    return out, first


def _apposition_before(ctx: Context, person: str, lead: int, start: int, end: int, sent: Span
                       ) -> Role | None:
    """A title in apposition before the name or before the name's own title: "the home
    secretary, Ruth Kemp,", "the chairman of Coastal Watch UK, Sir Ian Pryce,", "the Bishop
    of Dunmore, the Rt Rev Ann Hill", "his predecessor as treasurer, Tom Reid"."""
    doc = ctx.doc
    titled = lead < start
    if lead == start and lead - 1 > sent.start and doc[lead - 1].lower_ == "the" \
            and doc[start].lower_ in _CLERICAL_STYLES:
        lead -= 1  # "the Bishop of Dunmore, the Rt Rev Ann Hill"
    if lead < 2 or doc[lead - 1].text != "," or doc[lead - 2].is_punct:
        return None
    head_end, of_org = lead - 1, None
    key = ctx.entity_of(doc[lead - 2])
    if key is not None and ctx.kind[key] == "Organization":
        # "the chairman of Coastal Watch UK, Sir Ian Pryce,"
        m_start, _ = ctx.mention_bounds(doc[lead - 2])
        m_start = min(m_start, min((i for i in range(sent.start, lead - 1)
                                    if ctx.nested.get(i) == key), default=m_start))
        i = m_start - 1
        while i > sent.start and doc[i].lower_ in DETS:
            i -= 1
        if i > sent.start and doc[i].lower_ in {"of", "at", "for"}:
            head_end, of_org = i, key
    found = title_before(ctx, head_end, stop=sent.start)
    title_end = head_end
    if found is None and of_org is None:
        # "the Secretary of State for Health, Ann Hill": the title runs to the comma
        phrase = _of_phrase_title(ctx, lead - 1, sent.start)
        found, title_end = (phrase[:2], phrase[2]) if phrase else (None, lead - 1)
    if found is None:
        return None
    first, org = found
    root = next((t for t in doc[first:title_end] if not first <= t.head.i < title_end), None)
    if root is None or root.dep_ == "attr":
        return None  # "Asked if she was a member of the board, Ms Hill said"
    # "his predecessor as treasurer, Tom Reid": a former office
    succession = first - 2 >= sent.start and doc[first - 1].lower_ == "as" \
        and doc[first - 2].lemma_ in {"predecessor", "successor"}
    if titled and not succession \
            and not any(t.dep_ == "appos" and t.head == root for t in doc[start:end]) \
            and not (root.dep_ == "appos" and start <= root.head.i < end):
        return None  # "his remark to a reporter, Tory MP Ann Hill said": two people
    former = succession and doc[first - 2].lemma_ == "predecessor"
    owner = owner_before(ctx, first - 1, sent.start)
    if owner is not None:
        org = org or owner[1]
    elif not (succession or first == sent.start
              or doc[first - 1].lower_ in _BEFORE_APPOSITION):
        return None
    role = role_of(ctx, person, first, title_end, org or of_org, doc[start], "apposition-before",
                   0.8, first, end - 1)
    if role is not None and former and not role.former:
        role = dataclasses.replace(role, title="former " + role.title, former=True)
    return role


_CLERICAL_STYLES = {"rt", "right", "rev", "revd", "reverend", "very", "most", "hon"}


def _of_phrase_title(ctx: Context, comma: int, stop: int
                     ) -> tuple[int, str | None, int] | None:
    """A title whose "of"/"for" phrase ends at ``comma``: the leftmost such phrase within
    eight tokens ("Secretary of State for Health", "Bishop of Dunmore"); its first token,
    organisation and end ("a lawyer for the victims," ends before "for": a client)."""
    doc = ctx.doc
    best = None
    for k in range(comma - 2, max(stop, comma - 9), -1):
        tok = doc[k]
        key = ctx.entity_of(tok)
        if not (tok.is_alpha or tok.text == "-") or tok.pos_ in {"VERB", "AUX", "PRON"} \
                or key is not None and ctx.kind[key] == "Person":
            break
        if tok.lower_ in {"of", "for"}:
            found = title_before(ctx, k, stop=stop)
            if found is not None:
                client = tok.lower_ == "for" and doc[k + 1].lower_ in DETS \
                    and word_at(doc, k - 1)[0] not in PORTFOLIO_TITLES
                best = (found[0], found[1], k if client else comma)
    return best


def _relative(ctx: Context, person: str, start: int, end: int) -> Role | None:
    doc = ctx.doc
    sent = doc[start].sent
    verb = doc[end + 2]
    if verb.lemma_ in _LEAD_VERBS:
        past = "former " if verb.tag_ == "VBD" else ""  # "who led the party until 1992"
        j = end + 3
        while j < sent.end and doc[j].lower_ in DETS:
            j += 1
        key = ctx.entity_of(doc[j]) if j < sent.end else None
        if key and ctx.kind[key] == "Organization":
            m_end = j
            while m_end < sent.end and ctx.entity_of(doc[m_end]) == key:
                m_end += 1
            return Role(person=person, title=past + _LEAD_VERBS[verb.lemma_], organization=key,
                        former=bool(past), evidence=ctx.evidence(sent, start, m_end - 1,
                                                                 "relative-clause", 0.75))
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if key is None and obj is not None and obj.lower_ in lex.ORG_HEADS and obj.is_lower \
                and end + 3 < sent.end and doc[end + 3].lower_ == "the":
            # "Ann Hill, who chairs the health committee": a body the text does not name
            return Role(person=person, title=past + _LEAD_VERBS[verb.lemma_], former=bool(past),
                        evidence=ctx.evidence(sent, start, obj.i, "relative-clause", 0.65))
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
