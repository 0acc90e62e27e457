"""What is done to laws: the action, who acts and when, for each law found by kg.extract.laws."""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.coref import Coref
from kg.extract.dates import time_of
from kg.extract.lawcontext import intended, judge, lawmaker_keys
from kg.extract.laws import LawMention, find_laws, law_entities
from kg.model import LegislativeAction, TimeRef

__all__ = ["LawMention", "find_actions", "find_laws", "law_entities"]

_WALK_UP = {"xcomp", "advcl", "pcomp", "conj", "prep", "acl", "ccomp", "relcl"}

def _actor(ctx: Context, coref: Coref, verb: Token,
           law: Token | None = None) -> tuple[str | None, Token | None]:
    """Who does it: the agent of a passive, else the subject up the verb chain (not the
    subject that holds the ``law`` itself)."""
    if verb.pos_ == "NOUN":
        found = _noun_agent(ctx, coref, verb)
        if found[0] is not None:
            return found
    tok = verb
    for _ in range(6):
        for child in tok.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    key = _entity(ctx, coref, pobj)
                    if key is not None or any(c.dep_ == "auxpass" for c in tok.children):
                        return key, pobj  # not "ruled by a majority of eight to one"
            if child.dep_ == "nsubj" and not (
                    law is not None and child.left_edge.i <= law.i <= child.right_edge.i):
                return _entity(ctx, coref, child), child
        if tok.pos_ in {"NOUN", "PROPN"}:
            # "The Greens plan to introduce ...": the owner of the plan
            for child in tok.children:
                if child.dep_ in {"compound", "poss"}:
                    key = _entity(ctx, coref, child)
                    if key is not None:
                        return key, child
                    if child.lower_ in {"its", "their"} and tok.dep_ in {"dobj", "attr"}:
                        # "the union made its call for ...": the subject owns the call
                        subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
                        key = _entity(ctx, coref, subj) if subj is not None else None
                        if key is not None:
                            return key, subj
        if tok.dep_ in _WALK_UP and tok.head is not tok:
            tok = tok.head
            continue
        break
    return None, None


_GOVERNMENT_NOUNS = {"government", "administration", "leadership", "premiership", "presidency"}


def _noun_agent(ctx: Context, coref: Coref, noun: Token) -> tuple[str | None, Token | None]:
    """"the passage of the bill by the Senate", "the signing of the treaty under X's
    government": who acts in a nominalisation."""
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in {"by", "under"}:
            continue
        for pobj in prep.children:
            if prep.lower_ == "by":
                return _entity(ctx, coref, pobj), pobj
            if pobj.lower_ in _GOVERNMENT_NOUNS:
                for owner in pobj.children:
                    if owner.dep_ == "poss":
                        return _entity(ctx, coref, owner), owner
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
    if tok.pos_ == "NOUN":
        key = _org_by_head(ctx, tok)
        if key is not None:
            return key
    if any(c.lower_ == "the" for c in tok.children):
        return coref.description(tok)
    return None


def _org_by_head(ctx: Context, tok: Token) -> str | None:
    """"considered by parliament", "the law lords ruled": the one organisation of the article
    whose name ends with these words ("Scottish Parliament", "Law Lords")."""
    words = [c.lower_ for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
    phrase = " ".join([*words, tok.lower_])
    found = {c.key for c in ctx.clusters if c.kind == "Organization" and (
        c.name.lower() == phrase or c.name.lower().endswith(" " + phrase))}
    return found.pop() if len(found) == 1 else None


def _action_of(head: Token) -> tuple[str, Token, str] | None:
    """(action type, the word that says it, rule) for a law's head token."""
    tok = head
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    gov = tok.head
    if tok.dep_ in {"dobj", "nsubjpass", "attr"} and gov.pos_ in {"VERB", "AUX"}:
        lemma = gov.lemma_.lower()
        particle = {c.lower_ for c in gov.children if c.dep_ in {"prt", "prep", "advmod"}}
        if lemma == "bring" and "line" in {g.lower_ for c in gov.children for g in c.children}:
            return None  # "bring the laws in line with": nothing is done to the law
        if lemma in {"bring", "phase", "introduce"} and tok.dep_ == "nsubjpass" and _when_only(
                gov, particle):
            return "enter-into-force", gov, "phased-in"  # "will be brought in next year"
        if lemma in {"move", "put"} and tok.lemma_ == "amendment":
            return "propose", gov, "verb-object"  # "move an amendment to the bill"
        if lemma == "vote" and particle & {"through", "down"}:
            return ("pass" if "through" in particle else "reject"), gov, "verb-object"
        if lemma == "vote" or lemma == "throw" and any(c.lower_ == "out" for c in gov.children):
            return ("vote" if lemma == "vote" else "reject"), gov, "verb-object"
        if lemma in lex.ACTION_VERBS:
            action = lex.ACTION_VERBS[lemma]
            if action in {"pass", "other", "authorise", "propose", "enact"} and _refused(gov):
                return "reject", gov, "refused-verb"
            if any(c.dep_ == "neg" for c in gov.children):
                return None  # "it does not change the law": nothing is done to it
            if action == "introduce" and intended(gov):
                return "propose", gov, "intended-introduction"  # "plans to introduce X"
            return action, gov, "verb-object"
    if tok.dep_ in {"nsubj", "nsubjpass"} and gov.pos_ in {"VERB", "AUX"}:
        # "the act will take years to come into full effect", "is due to come into force",
        # "is expected to take effect"
        for x in gov.children:
            if x.dep_ in {"xcomp", "advcl", "pcomp", "acomp"}:
                found = _takes_effect(x)
                if found:
                    return found
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
        if gov.lemma_ in {"receive", "get", "gain", "win", "be"} and any(
                c.lower_ == "assent" for c in gov.children if c.dep_ in {"dobj", "attr"}):
            return "enact", gov, "royal-assent"  # "the Bill received Royal Assent"
        if gov.lemma_ == "clear" and any(c.dep_ == "dobj" and c.lower_ in {
                "commons", "lords", "senate", "house", "parliament", "congress", "assembly"}
                for c in gov.children):
            return "pass", gov, "clears-chamber"  # "the Bill cleared the Commons"
        # "the Bill gets its second reading", "will go to a third reading"
        for child in gov.children:
            objs = [child] if child.dep_ == "dobj" else [
                g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" else []
            if gov.lemma_ in _STAGE_VERBS and any(
                    o.lemma_ in {"reading", "debate", "vote", "scrutiny"} for o in objs):
                kind = next(o.lemma_ for o in objs)
                return ("vote" if kind == "vote" else "debate"), gov, "gets-reading"
        if gov.lemma_ in lex.ACTION_VERBS and lex.ACTION_VERBS[gov.lemma_] in {
                "enter-into-force"}:
            return "enter-into-force", gov, "comes-into-force"
    if tok.dep_ == "poss" and tok.lower_ == "its" and gov.lemma_ in lex.ACTION_NOUNS:
        return _nominal(gov)  # "its second reading"
    if tok.dep_ == "pobj" and gov.dep_ in {"prep", "agent"}:
        noun = gov.head
        lemma = noun.lemma_.lower()
        if noun.pos_ == "NOUN" and lemma in lex.ACTION_NOUNS and gov.lower_ in {
                "of", "on", "to", "for", "against", "over"}:
            return _nominal(noun)
        if noun.pos_ == "VERB":
            lemma = noun.lemma_.lower()
            if lemma in {"withdraw", "pull", "opt"} and gov.lower_ in {"from", "out"}:
                return "withdraw", noun, "verb-prep"
            if lemma == "vote" and gov.lower_ in {"on", "for", "against", "down"}:
                return ("reject" if gov.lower_ == "down" else "vote"), noun, "verb-prep"
            if noun.lemma_ in {"rule", "decide", "judge"} and gov.lower_ in {"on", "against"}:
                return "rule", noun, "verb-prep"
            if noun.lemma_ in {"debate", "discuss"} or gov.lower_ in {"on", "over"} and \
                    noun.lemma_ in {"debate", "argue"}:
                return "debate", noun, "verb-prep"
    # "new laws coming into force on Monday"; "a law established by the last government"
    for child in tok.children:
        if child.dep_ == "amod" and child.lower_ == "due":
            found = _takes_effect(child)  # "the Act, due to come into force next month"
            if found:
                return found
        if child.dep_ == "acl" and child.pos_ == "VERB":
            found = _in_force(child)
            if found:
                return found
            lemma = child.lemma_.lower()
            if child.tag_ == "VBN" and lemma in lex.ACTION_VERBS and lex.ACTION_VERBS[
                    lemma] != "other" and child.i > tok.i and not (lemma == "bring" and not any(
                        c.lower_ in {"in", "forward"} for c in child.children)):
                return lex.ACTION_VERBS[lemma], child, "reduced-relative"
    # "the Coastal Paths Bill, which gets its second reading on Tuesday"
    for child in tok.children:
        if child.dep_ == "relcl" and any(c.lower_ in {"which", "that"} and c.dep_ in {
                "nsubj", "nsubjpass", "dobj"} for c in child.children):
            lemma = child.lemma_.lower()
            acts = any(c.lower_ in {"which", "that"} and c.dep_ == "nsubj" for c in child.children)
            if acts and lemma in lex.ACTION_VERBS and not _goes_through(child):
                continue  # "the constitution, which permits ...": the law does it
            if lemma in lex.ACTION_VERBS and lex.ACTION_VERBS[lemma] != "other":
                return lex.ACTION_VERBS[lemma], child, "relative-clause"
            for g in child.children:
                if g.dep_ == "dobj" and g.lemma_ in {"reading", "debate"}:
                    return "debate", child, "relative-clause"
    return _ruling(head)


def _when_only(verb: Token, particle: set[str]) -> bool:
    """A passive "brought in"/"phased in" with no agent, or "introduced by <a time>": the
    law takes effect (who brings it in is not the point)."""
    agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children]
    if verb.lemma_ in {"bring", "phase"}:
        return "in" in particle and not agents
    return any(a.ent_type_ in {"DATE", "TIME"} or a.lower_ in _SEASONS for a in agents)


_SEASONS = {"spring", "summer", "autumn", "winter", "end", "start", "beginning", "middle",
            "time", "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"}


#: Verbs by which a bill meets a stage ("gets its second reading", "goes to a vote"), not
#: those by which it starts a public argument ("has ignited angry debate").
_STAGE_VERBS = {"get", "go", "have", "receive", "face", "undergo", "come", "return", "begin",
                "start", "continue", "move", "pass", "clear", "survive", "need", "require",
                "enter", "await", "complete", "finish", "be"}


def _goes_through(verb: Token) -> bool:
    """"which passes through the Commons next week": a bill's own progress."""
    return verb.lemma_ == "pass" and any(c.lower_ == "through" for c in verb.children)


_REJECTING = {"reject": "reject", "oppose": "reject", "defeat": "reject", "block": "block",
              "veto": "block", "thwart": "block", "delay": "delay", "postpone": "delay"}


def _nominal(noun: Token) -> tuple[str, Token, str]:
    """A nominalisation's action ("the passage of"); one that is rejected, blocked or
    delayed ("rejected its adoption", "blocked the passage of") takes that verb's action."""
    verb = noun.head
    if noun.dep_ in {"dobj", "nsubjpass"} and verb.lemma_ in _REJECTING and noun.lemma_ in {
            "adoption", "passage", "approval", "ratification", "introduction", "implementation",
            "enactment", "signing"}:
        return _REJECTING[verb.lemma_], verb, "verb-object"
    return lex.ACTION_NOUNS[noun.lemma_.lower()], noun, "nominalisation"


def _takes_effect(tok: Token, depth: int = 2) -> tuple[str, Token, str] | None:
    """"come into force" or "take effect" at ``tok`` or down its chain of "to" complements
    ("due to come into force", "expected to be phased in")."""
    if tok.lemma_ in {"come", "enter", "become"}:
        found = _in_force(tok)
        if found:
            return found
    if tok.lemma_ == "take" and any(c.dep_ == "dobj" and c.lower_ == "effect"
                                    for c in tok.children):
        return "enter-into-force", tok, "comes-into-force"
    if tok.lemma_ == "phase" and any(c.lower_ == "in" for c in tok.children):
        return "enter-into-force", tok, "phased-in"
    if depth:
        for child in tok.children:
            if child.dep_ in {"xcomp", "acomp"}:
                found = _takes_effect(child, depth - 1)
                if found:
                    return found
    return None


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
            # "X's rules were unfair, the court has ruled": the parser may make both
            # the law and the court subjects of "ruled"
            words = {t.lower_ for c in tok.children if c.dep_ == "nsubj"
                     and not c.left_edge.i <= head.i <= c.right_edge.i for t in c.subtree}
            if words & _COURT_WORDS:
                return "rule", tok, "court-ruling"
            return None
    return None


def _refused(verb: Token) -> bool:
    """"declined to back", "did not approve": a negated approval is a rejection."""
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    head = verb.head
    if verb.dep_ == "xcomp" and head.lemma_ in {"refuse", "decline", "fail", "reject"}:
        return True
    if verb.dep_ in {"acl", "xcomp"} and head.lemma_ in _REFUSAL_NOUNS:
        return True  # "its refusal to sign", "their unwillingness to ratify"
    # "rejected plans to adopt it", "blocked attempts to pass the bill"
    return verb.dep_ in {"acl", "xcomp"} and head.lemma_ in {"plan", "attempt", "bid", "move",
                                                             "proposal", "effort"} \
        and head.head.lemma_ in {"reject", "block", "defeat", "oppose", "thwart", "veto"}


_REFUSAL_NOUNS = {"refusal", "unwillingness", "reluctance", "failure", "inability"}


def find_actions(ctx: Context, coref: Coref, laws: list[LawMention], keys: dict[str, str],
                 times: dict[int, TimeRef], all_times: dict[int, TimeRef],
                 ) -> list[LegislativeAction]:
    """The legislative actions of the article; ``keys`` maps law names to entity keys,
    ``times`` gives each sentence's first time and ``all_times`` every time by root token."""
    out: list[LegislativeAction] = []
    seen: set[tuple[int, str, str]] = set()
    seen_extra: set[tuple[int, str, str, str | None]] = set()
    lawmakers = lawmaker_keys(ctx, coref.titles)
    by_head = {m.head: m for m in laws}
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
        if rule == "nominalisation" and word.i in by_head:
            continue  # "an amendment to the bill" is itself the law acted on
        actor, actor_tok = _actor(ctx, coref, word, head if rule == "court-ruling" else None)
        if rule == "clears-chamber":  # the chamber the bill cleared passed it
            actor_tok = next(c for c in word.children if c.dep_ == "dobj")
            actor = ctx.entity_of(actor_tok)
        if actor is None:
            venue = _venue(ctx, word)
            if venue[0] is not None:
                actor, actor_tok = venue
        judged = judge(ctx, ctx.doc[law.head], law.weak, action, word, rule, actor, actor_tok,
                       lawmakers)
        if judged is None:
            continue
        action = judged
        part = _part_of(word, by_head)  # "introduced as part of the X Bill"
        if part is not None and part is not law:
            law = part
        sent = head.sent
        marker = (sent.start, action, keys[law.name])
        extras = _later_law(ctx, word, law, keys[law.name]) + _conjoined(
            ctx, word, law, keys[law.name])
        if marker not in seen:
            seen.add(marker)
            first = min(word.i, law.start, actor_tok.i if actor is not None and actor_tok
                        is not None else word.i)
            last = max(word.i, law.end - 1)
            out.append(LegislativeAction(
                action=action, law=keys[law.name], actor=actor,
                when=time_of(word, all_times) or times.get(sent.start),
                evidence=ctx.evidence(sent, first, last, rule, 0.8 if actor else 0.7),
            ))
        for extra in extras:  # a second action on the law in the same sentence
            if (sent.start, extra.action, extra.law, extra.actor) not in seen_extra:
                seen_extra.add((sent.start, extra.action, extra.law, extra.actor))
                out.append(extra)
    return out


def _part_of(verb: Token, by_head: dict[int, LawMention]) -> LawMention | None:
    """"introduced as part of the X Bill": the law that carries the measure."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "as":
            for part in prep.children:
                if part.lower_ == "part":
                    for of in part.children:
                        for pobj in of.children:
                            if of.lower_ == "of" and pobj.i in by_head:
                                return by_head[pobj.i]
    return None


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
