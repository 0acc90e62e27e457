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
_NOT_PART = {"new", "controversial", "bad", "good", "strict", "stricter", "tough", "harsh",
             "unfair", "fair", "important", "key", "major", "total", "comprehensive", "full",
             "partial", "out", "all", "wide-ranging", "landmark", "sweeping", "existing",
             "proposed", "planned", "current", "tougher", "fresh", "so-called", "draft", "latest",
             "original", "flagship",
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


_RIGHT_PP = {"ban": {"on"}, "amendment": {"to"}, "amendments": {"to"}, "powers": {"to"},
             "laws": {"on", "to"}, "law": {"on"}, "legislation": {"on", "to"}}
_REFERRING = {"the", "this", "that", "a", "an", "his", "her", "its", "their", "our", "these"}


def _law_heads(ctx: Context) -> list[Token]:
    heads = []
    for i, low in enumerate(ctx.lower):
        if low not in lex.LAW_HEADS and ctx.lemma[i].lower() not in lex.LAW_HEADS:
            continue
        tok = ctx.doc[i]
        if tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ == "compound":
            continue
        if low in lex.LAW_HEADS_WEAK and not tok.text[:1].isupper():
            continue
        if any(c.lower_ in _NOT_LAW_CONTEXT for c in tok.children) or (
                tok.i + 1 < len(ctx.doc) and tok.nbor(1).lower_ in _NOT_LAW_CONTEXT):
            continue
        preps = {c.lower_ for c in tok.children if c.dep_ == "prep"}
        mods = any(c.dep_ in {"compound", "amod", "nmod"} for c in tok.children)
        if low == "law" and not mods and not any(c.dep_ == "det" for c in tok.children):
            continue  # "by law", "in law", "law and order", "become law"
        if low == "ban" and "on" not in preps:
            continue
        if low == "powers" and not mods:
            continue
        if low in {"order", "code", "rules", "amendment", "amendments"} \
                and not tok.text[:1].isupper() and not preps & {"to"}:
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
        if tok.pos_ in {"VERB", "AUX"}:
            break  # "Introduce laws to ..." opening a sentence (a manifesto list)
        if low == "the" and i > sent_start and doc[i - 1].lower_ in {"to", "of", "on"} \
                and doc[i + 1].text[:1].isupper() and doc[i - 2].text[:1].isupper():
            start = i
            i -= 1
            continue
        if low in _NOT_PART or tok.tag_ == "POS" or tok.is_punct and tok.text not in {
                "-", "(", ")"} or tok.is_space or "\n" in tok.whitespace_:
            break
        if low == "of" and i > sent_start and doc[i - 1].pos_ == "NOUN" and doc[i + 1].dep_ == \
                "compound" and doc[i + 1].pos_ == "NOUN" and doc[i + 1].head.i == head.i \
                and not doc[i - 1].text[:1].isupper():
            start = i - 1  # "data protection laws"
            i -= 2
            continue
        if tok.text[:1].isupper() or tok.dep_ in {"compound", "amod", "nmod"} and tok.pos_ in {
                "NOUN", "ADJ", "PROPN", "NUM"} and tok.tag_ != "VBZ" or (
                low in {"of", "and", "on", "for", "-", "to", "(", ")"} and i > sent_start
                and doc[i - 1].text[:1].isupper()) or (
                low == "the" and i > sent_start and doc[i - 1].lower_ in {"to", "of", "on"}
                and doc[i + 1].text[:1].isupper()):
            if ctx.entity_of(tok) and ctx.kind[ctx.entity_of(tok) or ""] == "Person":
                break
            start = i
            i -= 1
            continue
        break
    while start < head.i and doc[start].lower_ in {"of", "and", "on", "for", "-", "to"}:
        start += 1
    end = head.i + 1
    # "Clean Air Act 1956"
    if end < len(doc) and doc[end].like_num and len(doc[end].text) == 4:
        end += 1
    # "Convention on the Rights of the Child", "Treaty of Rome": a capitalised head's "of X"
    if head.text[:1].isupper() and end + 1 < len(doc) and doc[end].lower_ in {"of", "on", "for"}:
        j = end + 1
        while j < len(doc) and (doc[j].text[:1].isupper() and doc[j].is_alpha
                                and doc[j].ent_type_ not in {"DATE", "TIME"}
                                or doc[j].lower_ == "and" and j + 1 < len(doc)
                                and doc[j + 1].text[:1].isupper()):
            j += 1
        if j > end + 1:
            end = j
    # "Water Industry (Special Measures) Bill" is caught by the capitalised run;
    # "ban on fishing in coastal waters", "amendment to the X Bill": the phrase after the head
    # "laws to allow the early release of ...": a purpose clause names generic laws
    if head.lower_ in {"laws", "powers", "rules", "legislation", "measures", "law"} and \
            start == head.i and end < len(doc) and doc[end].lower_ == "to":
        for child in (*head.children, *head.head.children):
            if child.dep_ in {"acl", "relcl", "advcl"} and child.i == end + 1 \
                    and child.pos_ == "VERB":
                last = max(t.i for t in child.subtree)
                stop = next((t.i for t in doc[end : last + 1] if t.is_punct or t.lower_ in {
                    "which", "that", "who", "whose", "where", "when", "if", "because", "but"}),
                    last + 1)
                end = min(stop, end + 12)  # a long purpose is cut to its first words
    wanted = _RIGHT_PP.get(head.lower_, set())
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in wanted and child.i == end:
            last = max(t.i for t in child.subtree)
            stop = next((t.i for t in doc[end : last + 1] if t.is_punct or t.is_space
                         or "\n" in t.whitespace_ and t.i < last or t.lower_ in {
                             "which", "that", "who", "because"}), last + 1)
            if stop - end <= 10:
                end = stop
    return start, end


def _is_named(ctx: Context, head: Token, start: int, end: int) -> bool:
    if end > head.i + 1 and head.lower_ in {"laws", "powers", "rules", "legislation",
                                             "measures", "law"}:
        return True  # named by a purpose clause
    if start == head.i and end == head.i + 1 and (
            head.lower_ in _GENERIC or head.lower_ in {"bills", "acts", "laws"}) \
            and head.i + 1 < len(ctx.doc) and not ctx.doc[head.i + 1].like_num:
        return False  # a bare "the Bill" refers back to a named one; "bad Bills" names none
    if head.text[:1].isupper() and not head.is_sent_start:
        return True
    return start < head.i or head.lower_ in {"ban", "powers"} \
        or any(t.text[:1].isupper() for t in ctx.doc[head.i + 1 : head.i + 4]
               if head.lower_ in _RIGHT_PP)


def find_laws(ctx: Context) -> list[LawMention]:
    """Named laws, and the references ("the bill", "his bill") that point to one."""
    named: list[LawMention] = []
    refs: list[Token] = []
    for head in _law_heads(ctx):
        start, end = _name_bounds(ctx, head)
        if _is_named(ctx, head, start, end):
            named.append(LawMention(start, end, head.i, ctx.doc[start:end].text))
        elif head.lower_ in _GENERIC and any(c.lower_ in _REFERRING for c in head.children):
            refs.append(head)
    out = list(named)
    for head in refs:
        before = [m for m in named if m.head < head.i]
        same = [m for m in before if m.name.split()[-1].lower() == head.lower_]
        after = [m for m in named if m.head > head.i]
        same_after = [m for m in after if m.name.split()[-1].lower() == head.lower_]
        # "a bill" is the Bill named before, else the one named next, else the last law named
        target = same[-1] if same else same_after[0] if same_after else (
            before[-1] if before else after[0] if after else None)
        if target is not None:
            out.append(LawMention(head.i, head.i + 1, head.i, target.name))
    # "it is debated next week": "it" right after a law was named, as the object of an action;
    # "its second reading": "its" owning an action noun
    for i, low in enumerate(ctx.lower):
        if low not in {"it", "its"}:
            continue
        tok = ctx.doc[i]
        if tok.lower_ == "its" and tok.dep_ == "poss" and tok.head.lemma_ in lex.ACTION_NOUNS \
                and tok.head.lemma_ not in {"use", "support", "call", "plan", "bid", "push"}:
            before = [m for m in out if m.head < tok.i and tok.i - m.head < 40]
            if before:
                out.append(LawMention(tok.i, tok.i + 1, tok.i, before[-1].name))
            continue
        if tok.lower_ != "it" or tok.dep_ not in {"nsubjpass", "dobj", "nsubj", "pobj"}:
            continue
        verb = tok.head if tok.dep_ != "pobj" else tok.head.head
        if tok.dep_ == "pobj" and verb.lemma_ not in {"vote", "debate", "rule"}:
            continue
        if verb.lemma_ not in lex.ACTION_VERBS and verb.lemma_ not in {"come", "take", "go"}:
            continue
        before = [m for m in out if m.head < tok.i and tok.i - m.head < 60]
        if before:
            out.append(LawMention(tok.i, tok.i + 1, tok.i, before[-1].name))
    out.sort(key=lambda m: m.head)
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
        if tok.pos_ in {"NOUN", "PROPN"}:
            # "The Greens plan to introduce ...": the owner of the plan
            for child in tok.children:
                if child.dep_ in {"compound", "poss"}:
                    key = _entity(ctx, coref, child)
                    if key is not None:
                        return key, child
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
            action = lex.ACTION_VERBS[lemma]
            if action in {"pass", "other", "authorise", "propose"} and _refused(gov):
                return "reject", gov, "refused-verb"
            if any(c.dep_ == "neg" for c in gov.children):
                return None  # "it does not change the law": nothing is done to it
            if action == "introduce" and _intended(gov):
                return "propose", gov, "intended-introduction"  # "plans to introduce X"
            return action, gov, "verb-object"
    if tok.dep_ == "nsubj" and gov.pos_ in {"VERB", "AUX"}:
        # "the act will take years to come into full effect"
        for x in gov.children:
            if x.dep_ in {"xcomp", "advcl", "pcomp"} and x.lemma_ in {"come", "enter", "become"}:
                found = _in_force(x)
                if found:
                    return found
        preps = {c.lower_: c for c in gov.children if c.dep_ == "prep"}
        if gov.lemma_ in {"come", "enter", "take", "go"} and any(
                p in preps and any(g.lower_ in {"force", "effect", "operation"}
                                   for g in preps[p].children) for p in ("into", "in")):
            return "enter-into-force", gov, "comes-into-force"
        if gov.lemma_ == "take" and any(c.lower_ == "effect" for c in gov.children):
            return "enter-into-force", gov, "comes-into-force"
        if gov.lemma_ == "become" and any(c.lower_ == "law" for c in gov.children):
            return "enact", gov, "becomes-law"
        # "the Bill gets its second reading", "will go to a third reading"
        for child in gov.children:
            objs = [child] if child.dep_ == "dobj" else [
                g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" else []
            if any(o.lemma_ in {"reading", "debate", "vote", "scrutiny"} for o in objs):
                kind = next(o.lemma_ for o in objs)
                return ("vote" if kind == "vote" else "debate"), gov, "gets-reading"
        if gov.lemma_ in lex.ACTION_VERBS and lex.ACTION_VERBS[gov.lemma_] in {
                "enter-into-force"}:
            return "enter-into-force", gov, "comes-into-force"
    if tok.dep_ == "poss" and tok.lower_ == "its" and gov.lemma_ in lex.ACTION_NOUNS:
        return lex.ACTION_NOUNS[gov.lemma_], gov, "nominalisation"  # "its second reading"
    if tok.dep_ == "pobj" and gov.dep_ in {"prep", "agent"}:
        noun = gov.head
        lemma = noun.lemma_.lower()
        if noun.pos_ == "NOUN" and lemma in lex.ACTION_NOUNS and gov.lower_ in {
                "of", "on", "to", "for", "against", "over"}:
            return lex.ACTION_NOUNS[lemma], noun, "nominalisation"
        if noun.pos_ == "VERB":
            lemma = noun.lemma_.lower()
            if lemma in {"withdraw", "pull", "opt"} and gov.lower_ in {"from", "out"}:
                return "withdraw", noun, "verb-prep"
            if lemma == "vote" and gov.lower_ in {"on", "for", "against"}:
                return "vote", noun, "verb-prep"
            if noun.lemma_ in {"rule", "decide", "judge"} and gov.lower_ in {"on", "against"}:
                return "rule", noun, "verb-prep"
            if noun.lemma_ in {"debate", "discuss"} or gov.lower_ in {"on", "over"} and \
                    noun.lemma_ in {"debate", "argue"}:
                return "debate", noun, "verb-prep"
    # "new laws coming into force on Monday"
    for child in tok.children:
        if child.dep_ == "acl" and child.pos_ == "VERB":
            found = _in_force(child)
            if found:
                return found
    # "the Coastal Paths Bill, which gets its second reading on Tuesday"
    for child in tok.children:
        if child.dep_ == "relcl" and any(c.lower_ in {"which", "that"} and c.dep_ in {
                "nsubj", "nsubjpass", "dobj"} for c in child.children):
            lemma = child.lemma_.lower()
            if lemma in lex.ACTION_VERBS and lex.ACTION_VERBS[lemma] != "other":
                return lex.ACTION_VERBS[lemma], child, "relative-clause"
            for g in child.children:
                if g.dep_ == "dobj" and g.lemma_ in {"reading", "debate"}:
                    return "debate", child, "relative-clause"
    return _ruling(head)


_INTENT = {"plan", "propose", "want", "intend", "agree", "aim", "hope", "expect", "seek",
           "promise", "pledge", "vow", "decide", "prepare"}


def _intended(verb: Token) -> bool:
    """"plans to introduce", "agreed to introduce": a future introduction is a proposal."""
    head = verb.head
    return verb.dep_ in {"xcomp", "acl"} and head.lemma_ in _INTENT


def _in_force(verb: Token) -> tuple[str, Token, str] | None:
    """"come into (full) force/effect", "become law" said of a law."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in {"into", "in"} and any(
                g.lemma_ in {"force", "effect", "operation"} for g in prep.children):
            return "enter-into-force", verb, "comes-into-force"
    if verb.lemma_ == "become" and any(c.lower_ == "law" for c in verb.children):
        return "enact", verb, "becomes-law"
    return None


_COURT_WORDS = {"court", "lords", "judge", "judges", "tribunal", "commission", "justice"}


def _ruling(head: Token) -> tuple[str, Token, str] | None:
    """"The Supreme Court ruled that the laws breach ...": a court's ruling on a law it names."""
    tok = head
    for _ in range(8):
        if tok.head is tok:
            break
        tok = tok.head
        if tok.pos_ == "VERB" and tok.lemma_ in {"rule", "find", "declare", "judge"}:
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            words = {t.lower_ for t in subj.subtree} if subj is not None else set()
            if words & _COURT_WORDS:
                return "rule", tok, "court-ruling"
            return None
    return None


def _refused(verb: Token) -> bool:
    """"refused to back", "did not approve": a negated approval is a rejection."""
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ in {"refuse", "decline", "fail", "reject"}


def find_actions(ctx: Context, coref: Coref, laws: list[LawMention], keys: dict[str, str],
                 times: dict[int, TimeRef]) -> list[LegislativeAction]:
    """The legislative actions of the article; ``keys`` maps law names to entity keys."""
    out: list[LegislativeAction] = []
    seen: set[tuple[int, str, str]] = set()
    seen_extra: set[tuple[int, str, str, str | None]] = set()
    for law in laws:
        head = ctx.doc[law.head]
        found = _action_of(head)
        for tok in ctx.doc[law.start : law.end]:
            if found is not None:
                break
            if tok.i != head.i and not law.start <= tok.head.i < law.end:
                found = _action_of(tok)  # the parser put the name's head elsewhere
        if found is None:
            continue
        action, word, rule = found
        actor, actor_tok = _actor(ctx, coref, word)
        if actor is None:
            actor, actor_tok = _venue(ctx, word)
        sent = head.sent
        marker = (sent.start, action, keys[law.name])
        extras = _later_law(ctx, word, law, keys[law.name]) + _conjoined(
            ctx, word, law, keys[law.name])
        if marker not in seen:
            seen.add(marker)
            first = min(word.i, law.start, actor_tok.i if actor_tok is not None else word.i)
            last = max(word.i, law.end - 1)
            out.append(LegislativeAction(
                action=action, law=keys[law.name], actor=actor, when=times.get(sent.start),
                evidence=ctx.evidence(sent, first, last, rule, 0.8 if actor else 0.7),
            ))
        for extra in extras:  # a second action on the law in the same sentence
            if (sent.start, extra.action, extra.law, extra.actor) not in seen_extra:
                seen_extra.add((sent.start, extra.action, extra.law, extra.actor))
                out.append(extra)
    return out


def _venue(ctx: Context, verb: Token) -> tuple[str | None, Token | None]:
    """"debated in the Lords", "passed in the Senate": the chamber acts in a passive."""
    if verb.pos_ != "NOUN" and (verb.pos_ != "VERB" or not any(
            c.dep_ == "auxpass" for c in verb.children)):
        return None, None  # a passive verb, or a noun ("its second reading in the Lords")
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "in":
            for pobj in prep.children:
                key = ctx.entity_of(pobj)
                if pobj.dep_ == "pobj" and key and ctx.kind[key] == "Organization":
                    return key, pobj
    return None, None


def _later_law(ctx: Context, verb: Token, law: LawMention, key: str) -> list[LegislativeAction]:
    """"... debated in the Lords before becoming law": the law is also enacted."""
    out = []
    clauses = [c for c in verb.children if c.dep_ in {"advcl", "conj", "xcomp"}] + [
        g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pcomp"]
    for child in clauses:
        if child.lemma_ == "become" and not any(
                c.dep_ in {"nsubj", "nsubjpass"} for c in child.children):
            found = _in_force(child)
            if found is not None:
                action, word, rule = found
                out.append(LegislativeAction(
                    action=action, law=key, actor=None, when=None,
                    evidence=ctx.evidence(word.sent, min(law.start, word.i),
                                          max(law.end - 1, word.i + 1), rule, 0.6)))
    return out


def _conjoined(ctx: Context, verb: Token, law: LawMention, key: str) -> list[LegislativeAction]:
    """"The Bill will be debated in the Lords next month": a passive verb
    joined to the first, with no subject of its own, acts on the same law."""
    if ctx.doc[law.head].dep_ not in {"nsubj", "nsubjpass"}:
        return []
    out = []
    for conj in verb.conjuncts:
        if conj.i < verb.i or conj.pos_ != "VERB" or conj.lemma_ not in lex.ACTION_VERBS \
                or not any(c.dep_ == "auxpass" for c in conj.children) \
                or any(c.dep_ in {"nsubj", "nsubjpass"} for c in conj.children):
            continue
        action = lex.ACTION_VERBS[conj.lemma_]
        agent = next((g for c in conj.children if c.dep_ == "agent" for g in c.children), None)
        actor_tok = agent if agent is not None else _venue(ctx, conj)[1]
        actor = ctx.entity_of(actor_tok) if actor_tok is not None else None
        out.append(LegislativeAction(
            action=action, law=key, actor=actor, when=None,
            evidence=ctx.evidence(conj.sent, min(law.start, conj.i),
                                  max(conj.i, actor_tok.i if actor_tok is not None else conj.i),
                                  "conjoined-passive", 0.6)))
        out += _later_law(ctx, conj, law, key)
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
        aliases = tuple(sorted({s.text for s in spans} - {name, "it", "its", "It", "Its"}))
        entities.append(Entity(key=key, kind="Legislation", name=name, aliases=aliases,
                               mentions=tuple(spans)))
    return entities, keys
