"""When a word for a rule is a law: the legal context weak law words need, and the readings
of law words (a phone bill, the regulation of an industry) that are never laws."""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context

#: Action types whose verbs say by themselves that the thing acted on is a law.
_LEGAL_VERBS = frozenset({
    "repeal", "enact", "ratify", "veto", "promulgate", "annul", "revoke", "amend", "vote",
    "legislate", "abolish", "overturn", "quash", "uphold", "rule",
})
_LEGAL_RULES = frozenset({"comes-into-force", "becomes-law", "gets-reading", "court-ruling"})
#: Organisation name words of bodies that make, apply or judge laws.
_LAWMAKER_WORDS = frozenset({
    "parliament", "commons", "lords", "senate", "congress", "assembly", "council", "court",
    "government", "executive", "ministry", "department", "office", "committee", "commission",
    "cabinet", "treasury", "party", "tribunal", "union", "downing", "whitehall", "house",
})
_LAWMAKER_SUBKINDS = frozenset({"GovernmentOrganization", "PoliticalParty", "Country"})


#: Title words of people who make laws ("home secretary", "Tory MP", "senator").
_LAWMAKER_TITLES = frozenset({
    "minister", "secretary", "chancellor", "mp", "msp", "mep", "am", "senator", "congressman",
    "congresswoman", "president", "premier", "governor", "mayor", "leader", "peer", "whip",
    "attorney", "solicitor", "judge", "justice", "councillor", "spokesman", "spokeswoman",
})


def lawmaker_keys(ctx: Context, titles: dict[str, list[str]]) -> frozenset[str]:
    """Entities that make, apply or judge laws: parties, governments, chambers, courts, places
    (a country acts through its government), and people with a political title (``titles``
    maps a person to the titles the article gives them)."""
    out = {person for person, held in titles.items()
           if any(set(t.split()) & _LAWMAKER_TITLES for t in held)}
    for c in ctx.clusters:
        if c.kind == "Location" or c.subkind in _LAWMAKER_SUBKINDS or (
                c.kind == "Organization"
                and set(c.name.lower().split()) & _LAWMAKER_WORDS):
            out.add(c.key)
    return frozenset(out)


def has_legal_cue(ctx: Context, sent: SpacySpan, lawmakers: frozenset[str]) -> bool:
    """A word of law-making in the sentence ("bill", "MPs", "legislation", "court") or a
    law-making body named in it."""
    for tok in sent:
        if tok.lower_ in lex.LEGAL_CUES or tok.lemma_.lower() in lex.LEGAL_CUES:
            return True
        key = ctx.entity_of(tok)
        if key is not None and key in lawmakers and ctx.kind[key] == "Organization":
            return True
    return False


def is_legal(ctx: Context, law: Token, word: Token, rule: str, actor: str | None,
             lawmakers: frozenset[str]) -> bool:
    """Whether an action found on a weak law word ("rules", "measures", "code", "Protocol")
    stands in legal context: a verb only laws take, a law-making actor, or a legal cue word
    in its sentence or the one before."""
    if word.lemma_.lower() in _LEGAL_VERBS or rule in _LEGAL_RULES:
        return True
    if actor is not None and actor in lawmakers:
        return True
    if law.lemma_.lower() == "reform" and not law.text[:1].isupper():
        return False  # "structural reforms" are policies unless a law-maker or law verb acts
    sent = word.sent
    if has_legal_cue(ctx, sent, lawmakers):
        return True
    # "The Act comes into effect in May. Similar measures are brought in in Wales."
    return sent.start > 0 and has_legal_cue(ctx, ctx.doc[sent.start - 1].sent, lawmakers)


#: Nouns before "bill(s)" that make it something to pay ("phone bills", "the energy bill").
_MONEY_BILLS = frozenset("""
    phone telephone mobile energy gas electricity electric fuel water heating food grocery
    household utility medical hospital hotel restaurant bar drinks tax council wage wages pay
    pension insurance legal monthly annual quarterly unpaid final hefty huge big large
    £ $ €
    """.split())
_PAY_VERBS = frozenset({"pay", "foot", "settle", "receive", "send", "run", "cut", "face"})


def is_money_bill(tok: Token) -> bool:
    """"monthly phone bills", "foot the bill", "a £2m bill": a bill to pay, not a law."""
    if tok.lemma_.lower() != "bill" or tok.text[:1].isupper():
        return False
    if any(c.lower_ in _MONEY_BILLS or c.ent_type_ == "MONEY" or c.tag_ == "$"
           or c.text[:1] in "£$€"
           for c in tok.children if c.dep_ in {"compound", "amod", "nmod", "nummod", "poss"}):
        return True
    i = tok.i - 1
    while i >= 0 and i >= tok.i - 3 and tok.doc[i].dep_ in {"compound", "amod", "nummod",
                                                             "quantmod", "det"}:
        if tok.doc[i].lower_ in _MONEY_BILLS or tok.doc[i].text[:1] in "£$€":
            return True
        i -= 1
    return tok.dep_ == "dobj" and tok.head.lemma_ in _PAY_VERBS and not any(
        c.lower_ == "through" for c in tok.head.children)


def is_activity_noun(tok: Token) -> bool:
    """"the regulation of the industry": regulating, not a regulation."""
    return tok.lower_ == "regulation" and tok.i + 1 < len(tok.doc) \
        and tok.nbor(1).lower_ == "of"
