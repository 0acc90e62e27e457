"""Roles stated through a verb ("resigned as treasurer", "was named as", "while she was X")
or by a lede's description of someone named after it.

News English states offices not only beside a name ("Health Secretary Ann Lee") but as the
complement of a verb of taking or leaving office, or of "be": these rules read those, with
the holder given by the verb's subject (a name, or a pronoun that ``kg.extract.coref``
resolves) and whether the office is held now by the verb ("resigned as" leaves it). They
also read a lede's description that stands for a name: "A Tory MEP has said ..." before
the MEP is named.
"""

from __future__ import annotations

import dataclasses

from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.coref import Coref, np_title_head
from kg.extract.titles import DETS, org_after, role_of, title_before
from kg.model import Role

#: Nouns of a time in office: "in her first week as mayor".
_SPELL = {"day", "week", "month", "year"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_RELATIVE = {"who", "that"}


def tenure_roles(ctx: Context, coref: Coref) -> list[Role]:
    """Roles held or left through a verb ("X resigned as chairman", "when she was mayor").

    Args:
        ctx: the article's context.
        coref: resolves "he"/"she" to a person.
    """
    doc = ctx.doc
    out: list[Role] = []
    for i, dep in enumerate(ctx.dep):
        if dep == "prep" and ctx.lower[i] == "as":
            found = _after_as(ctx, doc[i], coref)
        elif dep == "attr" and (tok := doc[i]).head.lemma_ == "be" and (
                tok.pos_ == "NOUN" or tok.pos_ == "PROPN" and ctx.lower[i] in lex.TITLE_HEADS):
            # "when she was Foreign Secretary": a capitalised title is tagged a proper noun
            found = _copular(ctx, tok, coref)
        else:
            continue
        if found is not None:
            out.append(found)
    lede = _lede(ctx)
    if lede is not None:
        out.append(lede)
    return out


def _lede(ctx: Context) -> Role | None:
    """"A Tory MEP has said ..." opening an article (after its headline), nobody named yet:
    the description's title and organisation for the first person who is the subject of
    one of the next two sentences.

    Without a headline, descriptions that ``coref.np_title_head`` reads (no organisation
    inside) are left to the lede rule of the extract stage, which reads the first sentence.
    """
    title = ctx.article.title
    n = 1 if title and ctx.text.startswith(title) and ctx.sents[0].text.strip() == title else 0
    if len(ctx.sents) < n + 2:
        return None
    first = ctx.sents[n]
    doc = ctx.doc
    if any(ctx.kind[k] == "Person" for k in ctx.tok_entity[: first.end] if k is not None):
        return None  # someone is named already: the description may be them or another
    for i in range(first.start, first.end):
        if ctx.dep[i] not in {"nsubj", "nsubjpass"} or ctx.lower[i] not in lex.TITLE_HEADS:
            continue
        subj = doc[i]
        found = title_before(ctx, i + 1, stop=first.start)
        if found is None or n == 0 and (found[1] is None or np_title_head(subj) is not None) \
                or found[0] == first.start or ctx.lower[found[0] - 1] not in DETS:
            continue
        end = ctx.sents[min(n + 2, len(ctx.sents) - 1)].end
        subject = next((j for j in range(first.end, end)
                        if ctx.dep[j] in {"nsubj", "nsubjpass"} and ctx.tok_entity[j] is not None
                        and ctx.kind[ctx.tok_entity[j] or ""] == "Person"
                        and not ctx.is_quoted(doc[j])), None)  # who the next lines are about
        if subject is None or _reports_on_another(ctx, doc[subject]):
            return None
        person = ctx.tok_entity[subject]
        assert person is not None
        return role_of(ctx, person, found[0], i + 1, found[1], subj, "lede-description", 0.6,
                       found[0] - 1, i)
    return None


def _reports_on_another(ctx: Context, subj: Token) -> bool:
    """"The prosecutor X said Y had pleaded guilty": X speaks about another named person,
    who may be the one the lede described."""
    verb = subj.head
    if verb.lemma_ not in lex.SPEECH_VERBS:
        return False
    return any(t.dep_ in {"nsubj", "nsubjpass"} and t.i != subj.i
               and ctx.kind.get(ctx.tok_entity[t.i] or "") == "Person" for t in verb.subtree)


def _title_at(ctx: Context, j: int, stop: int) -> tuple[int, int, str | None] | None:
    """The longest title phrase starting at token ``j`` after its determiner: its first
    token, its end and its organisation ("deputy leader", "Tory deputy chairman")."""
    doc = ctx.doc
    while j < stop and doc[j].lower_ in DETS:
        j += 1
    best: tuple[int, int, str | None] | None = None
    for k in range(j + 1, min(j + 7, stop) + 1):
        found = title_before(ctx, k, stop=j)
        if found is not None and found[0] == j:
            best = (j, k, found[1])
    return best


def _unreal(verb: Token) -> bool:
    """"will quit", "plans to stand down", "did not resign": no office taken or left yet."""
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    if any(c.dep_ in {"aux", "auxpass"} and c.tag_ in {"MD", "TO"} for c in verb.children):
        return True
    return verb.tag_ in {"VB", "VBG"} and verb.dep_ in {"xcomp", "advcl", "ccomp"}


def _holder(ctx: Context, subj: Token | None, coref: Coref
            ) -> str | None:
    if subj is None or ctx.is_quoted(subj):
        return None
    if subj.lower_ in _RELATIVE and subj.head.dep_ == "relcl":
        subj = subj.head.head  # "Ann Lee, who quit as chairman,"
    key = ctx.entity_of(subj)
    if key is not None:
        return key if ctx.kind[key] == "Person" else None
    if subj.lower_ in _PERSON_PRONOUNS:
        # "Mr Lee said he had opposed it when he was mayor": the person named earlier in
        # the same sentence first, else whom the pronoun refers to across sentences
        doc = ctx.doc
        for i in range(subj.i - 1, subj.sent.start - 1, -1):
            key = ctx.tok_entity[i]
            if key and ctx.kind[key] == "Person" and not ctx.is_quoted(doc[i]):
                want = "f" if subj.lower_ in {"she", "her"} else "m"
                if coref.gender.get(key) in (None, want):
                    return key
        return coref.pronoun(subj)
    return None


def _child(tok: Token, *deps: str) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _subject(verb: Token) -> Token | None:
    """The verb's subject, through "and" and "to" ("was expected to be named as")."""
    while True:
        subj = _child(verb, "nsubj", "nsubjpass")
        if subj is not None or verb.dep_ not in {"conj", "xcomp"}:
            return subj
        verb = verb.head


def _after_as(ctx: Context, as_tok: Token, coref: Coref
              ) -> Role | None:
    sent = as_tok.sent
    title = _title_at(ctx, as_tok.i + 1, sent.end)
    if title is None:
        return None
    start, end, org = title
    head = as_tok.head
    lemma = head.lemma_.lower()
    particles = {c.lower_ for c in head.children if c.dep_ in {"prt", "advmod"}}
    if head.pos_ == "NOUN" and lemma in _SPELL:
        # "in her first week as mayor": the owner holds it
        if not any(c.lower_ == "first" for c in head.children):
            return None
        owner = _child(head, "poss")
        person = _holder(ctx, owner, coref)
        former = False
    elif head.pos_ in {"VERB", "AUX"} and lemma in lex.LEAVE_OFFICE | lex.TAKE_OFFICE:
        needs = (lex.LEAVE_OFFICE | lex.TAKE_OFFICE)[lemma]
        obj = _child(head, "dobj")
        if needs and needs not in particles and not (
                lemma == "take" and obj is not None and obj.lower_ == "office"):
            return None
        leaving = lemma in lex.LEAVE_OFFICE
        if _unreal(head) and lemma not in {"continue", "remain", "stay"}:
            return None
        if lemma in {"succeed", "replace"} or not leaving and obj is not None \
                and lemma != "take":
            # "Ann Lee replaced Tom Hay as leader": the subject takes it; "the party
            # named Tom Hay as leader": the object does
            person = _holder(ctx, _subject(head) if lemma in {"succeed", "replace"} else obj,
                             coref)
        else:
            person = _holder(ctx, _subject(head), coref)
        # "served as" in the past tense, with no "has": an office since left
        former = leaving or (lemma == "serve" and head.tag_ == "VBD")
    else:
        return None
    if person is None:
        return None
    of, of_end = org_after(ctx, end)
    role = role_of(ctx, person, start, end, org or of, as_tok, "verb-as-title", 0.6,
                   head.i if head.i < as_tok.i else as_tok.i, max(end, of_end) - 1)
    return _with_former(role, former)


def _copular(ctx: Context, attr: Token, coref: Coref
             ) -> Role | None:
    """"When he was home secretary", "Ms Lee is the council's leader": the subject's title."""
    be = attr.head
    if _child(be, "neg") is not None or be.tag_ not in {"VBD", "VBZ"}:
        return None  # "was not", "would be", "has been": no plain statement of an office
    start = attr.left_edge.i
    doc = ctx.doc
    while start < attr.i and doc[start].lower_ in DETS:
        start += 1
    found = title_before(ctx, attr.i + 1, stop=start)
    if found is None or found[0] != start:
        return None
    if any(t.pos_ == "ADJ" and t.text.islower() and t.lower_ not in lex.TITLE_MODIFIERS
           for t in doc[start : attr.i]):
        return None  # "he was a fine general for his side": praise, not an office
    if any(t.dep_ in {"relcl", "acl"} for t in attr.children):
        return None  # "he was the minister who ...": a description, read elsewhere
    person = _holder(ctx, _subject(be), coref)
    if person is None:
        return None
    of, of_end = org_after(ctx, attr.i + 1)
    role = role_of(ctx, person, start, attr.i + 1, found[1] or of, attr, "copular-title", 0.55,
                   min(be.i, start), max(attr.i + 1, of_end) - 1)
    return _with_former(role, be.tag_ == "VBD")


def _with_former(role: Role | None, former: bool) -> Role | None:
    if role is None or not former or role.former:
        return role
    return dataclasses.replace(role, title="former " + role.title, former=True)
