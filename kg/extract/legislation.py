"""Laws and what is done to them: bills, acts, treaties, rulings and the actions on them."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.coref import Coref
from kg.model import Entity, LegislativeAction, Span, TimeRef

_CAP_HEADS = {"bill", "act", "treaty", "convention", "directive", "regulations", "constitution",
              "charter", "law", "code", "order", "amendment", "protocol", "accord", "statute"}
_NOT_PART = {"new", "controversial", "proposed", "planned", "current", "existing", "tough",
             "tougher", "fresh", "so-called", "draft", "latest", "original", "flagship",
             "government", "government's", "its", "his", "her", "their", "our", "this", "that",
             "the", "a", "an", "these", "those", "such", "same", "other", "any", "some", "which"}
_GENERIC = {"bill", "act", "law", "legislation", "treaty", "measure", "directive", "regulation",
            "regulations", "amendment", "constitution"}
_NOT_LAW_CONTEXT = {"lord", "lords", "firm", "firms", "enforcement", "school", "student",
                    "students", "society", "officer", "officers", "maker", "makers", "court"}
_WALK_UP = {"xcomp", "advcl", "pcomp", "conj", "prep", "acl", "ccomp", "relcl"}


@dataclass
class LawMention:
    """A law named (or referred back to) at tokens ``start:end`` with its head token."""

    start: int
    end: int
    head: int
    name: str


def _law_heads(ctx: Context) -> list[Token]:
    heads = []
    for tok in ctx.doc:
        low = tok.lower_
        if tok.lemma_.lower() not in lex.LAW_HEADS and low not in lex.LAW_HEADS:
            continue
        if tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ == "compound":
            continue
        if low in lex.LAW_HEADS_WEAK and not tok.text[:1].isupper():
            continue
        if any(c.lower_ in _NOT_LAW_CONTEXT for c in tok.children) or (
                tok.i + 1 < len(ctx.doc) and tok.nbor(1).lower_ in _NOT_LAW_CONTEXT):
            continue
        if low == "law" and any(c.dep_ == "det" for c in tok.children) is False \
                and not any(c.dep_ in {"compound", "amod"} for c in tok.children):
            continue  # "by law", "in law", "law and order"
        if low in {"order", "code", "rules", "amendment", "amendments"} \
                and not tok.text[:1].isupper():
            continue
        heads.append(tok)
    return heads


def _name_bounds(ctx: Context, head: Token) -> tuple[int, int]:
    """Tokens of the law's name: the modifiers before the head (and "of X" for capitalised)."""
    doc = ctx.doc
    start = head.i
    i = head.i - 1
    sent_start = head.sent.start
    while i >= sent_start:
        tok = doc[i]
        low = tok.lower_
        if low in _NOT_PART or tok.tag_ == "POS" or tok.is_punct and tok.text not in {"-"}:
            break
        if tok.text[:1].isupper() or tok.dep_ in {"compound", "amod", "nmod"} or (
                low in {"of", "and", "on", "for", "-"} and i > sent_start
                and doc[i - 1].text[:1].isupper()):
            if ctx.entity_of(tok) and ctx.kind[ctx.entity_of(tok) or ""] == "Person":
                break
            start = i
            i -= 1
            continue
        break
    while start < head.i and doc[start].lower_ in {"of", "and", "on", "for", "-"}:
        start += 1
    end = head.i + 1
    # "the Act of Union", "Prevention of Terrorism Act 2005"
    if end < len(doc) and doc[end].like_num and len(doc[end].text) == 4:
        end += 1
    return start, end


def find_laws(ctx: Context) -> list[LawMention]:
    """Named laws and the generic references ("the bill") that point back to one."""
    out: list[LawMention] = []
    for head in _law_heads(ctx):
        start, end = _name_bounds(ctx, head)
        words = ctx.doc[start:end]
        name = words.text
        named = start < head.i or head.text[:1].isupper() and not head.is_sent_start
        if not named or head.lower_ in _GENERIC and start == head.i:
            previous = [m for m in out if m.name.split()[-1].lower() == head.lower_
                        or head.lower_ in {"legislation", "law", "measure"}]
            if head.lower_ in _GENERIC and any(c.lower_ in {"the", "this"} for c in head.children) \
                    and previous:
                out.append(LawMention(head.i, head.i + 1, head.i, previous[-1].name))
            continue
        out.append(LawMention(start, end, head.i, name))
    return out


def _actor(ctx: Context, coref: Coref, verb: Token) -> tuple[str | None, Token | None]:
    """Who does it: the agent of a passive, else the subject up the verb chain."""
    tok = verb
    for _ in range(6):
        for child in tok.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    return _entity(ctx, coref, pobj), pobj
            if child.dep_ in {"nsubj"}:
                return _entity(ctx, coref, child), child
        if tok.dep_ in _WALK_UP and tok.head is not tok:
            tok = tok.head
            continue
        break
    return None, None


def _entity(ctx: Context, coref: Coref, tok: Token) -> str | None:
    key = ctx.entity_of(tok)
    if key and ctx.kind[key] in {"Person", "Organization", "Location"}:
        return key
    if tok.lower_ in {"he", "she"}:
        return coref.pronoun(tok)
    for child in tok.children:
        if child.dep_ in {"compound", "poss", "appos"}:
            key = ctx.entity_of(child)
            if key and ctx.kind[key] in {"Person", "Organization"}:
                return key
    if any(c.lower_ == "the" for c in tok.children):
        return coref.description(tok)
    return None


def _action_of(head: Token) -> tuple[str, Token, str] | None:
    """(action type, the word that says it, rule) for a law's head token."""
    tok = head
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    gov = tok.head
    if tok.dep_ in {"dobj", "nsubjpass", "attr"} and gov.pos_ in {"VERB", "AUX"}:
        lemma = gov.lemma_.lower()
        if lemma == "vote" or lemma == "throw" and any(c.lower_ == "out" for c in gov.children):
            return ("vote" if lemma == "vote" else "reject"), gov, "verb-object"
        if lemma in lex.ACTION_VERBS:
            return lex.ACTION_VERBS[lemma], gov, "verb-object"
    if tok.dep_ == "nsubj" and gov.pos_ in {"VERB", "AUX"}:
        preps = {c.lower_: c for c in gov.children if c.dep_ == "prep"}
        if gov.lemma_ in {"come", "enter", "take", "go"} and any(
                p in preps and any(g.lower_ in {"force", "effect", "operation"}
                                   for g in preps[p].children) for p in ("into", "in")):
            return "enter-into-force", gov, "comes-into-force"
        if gov.lemma_ == "take" and any(c.lower_ == "effect" for c in gov.children):
            return "enter-into-force", gov, "comes-into-force"
        if gov.lemma_ == "become" and any(c.lower_ == "law" for c in gov.children):
            return "enact", gov, "becomes-law"
    if tok.dep_ == "pobj" and gov.dep_ in {"prep", "agent"}:
        noun = gov.head
        lemma = noun.lemma_.lower()
        if noun.pos_ == "NOUN" and lemma in lex.ACTION_NOUNS and gov.lower_ in {
                "of", "on", "to", "for", "against", "over"}:
            return lex.ACTION_NOUNS[lemma], noun, "nominalisation"
        if noun.pos_ == "VERB":
            if noun.lemma_ == "vote" and gov.lower_ in {"on", "for", "against"}:
                return "vote", noun, "verb-prep"
            if noun.lemma_ in {"rule", "decide", "judge"} and gov.lower_ in {"on", "against"}:
                return "rule", noun, "verb-prep"
            if noun.lemma_ in {"debate", "discuss"} or gov.lower_ in {"on", "over"} and \
                    noun.lemma_ in {"debate", "argue"}:
                return "debate", noun, "verb-prep"
    return None


def find_actions(ctx: Context, coref: Coref, laws: list[LawMention], keys: dict[str, str],
                 times: dict[int, TimeRef]) -> list[LegislativeAction]:
    """The legislative actions of the article; ``keys`` maps law names to entity keys."""
    out: list[LegislativeAction] = []
    seen: set[tuple[int, str, str]] = set()
    for law in laws:
        head = ctx.doc[law.head]
        found = _action_of(head)
        if found is None:
            continue
        action, word, rule = found
        actor, actor_tok = _actor(ctx, coref, word)
        sent = head.sent
        marker = (sent.start, action, keys[law.name])
        if marker in seen:
            continue
        seen.add(marker)
        first = min(word.i, law.start, actor_tok.i if actor_tok is not None else word.i)
        last = max(word.i, law.end - 1)
        out.append(LegislativeAction(
            action=action, law=keys[law.name], actor=actor, when=times.get(sent.start),
            evidence=ctx.evidence(sent, first, last, rule, 0.8 if actor else 0.7),
        ))
    return out


def law_entities(ctx: Context, laws: list[LawMention], first_key: int) -> tuple[
        list[Entity], dict[str, str]]:
    """One Legislation entity per distinct law name, and the name -> key map."""
    entities: list[Entity] = []
    keys: dict[str, str] = {}
    mentions: dict[str, list[Span]] = {}
    for law in laws:
        span = ctx.token_span(law.start, law.end - 1)
        mentions.setdefault(law.name, []).append(span)
    for n, (name, spans) in enumerate(mentions.items(), first_key):
        key = f"law{n}"
        keys[name] = key
        aliases = tuple(sorted({s.text for s in spans} - {name}))
        entities.append(Entity(key=key, kind="Legislation", name=name, aliases=aliases,
                               mentions=tuple(spans)))
    return entities, keys
