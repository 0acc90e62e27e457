"""Reading law words and actions in context: the legal context weak law words need, the
readings of law words that are never laws (a phone bill, the regulation of an industry), and
the judgement of an action found (support, use, hopes, questions, intentions)."""

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
    for i in range(sent.start, sent.end):  # the word lists, no token objects
        if ctx.lower[i] in lex.LEGAL_CUES or ctx.lemma[i].lower() in lex.LEGAL_CUES:
            return True
        key = ctx.nested.get(i) or ctx.tok_entity[i]
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


_INTENT = {"plan", "propose", "want", "intend", "agree", "aim", "hope", "expect", "seek",
           "promise", "pledge", "vow", "decide", "prepare"}


def intended(verb: Token) -> bool:
    """"plans to introduce", "agreed to introduce": a future introduction is a proposal."""
    head = verb.head
    return verb.dep_ in {"xcomp", "acl"} and head.lemma_ in _INTENT


#: Verbs of support: a chamber that backs a bill passes it, a party or government supports it
#: ("other"), anyone else (a firm, a lobby, a poll) does nothing to the law.
_SUPPORT = {"back", "support", "endorse", "accept", "welcome"}
_CHAMBER_WORDS = {"parliament", "commons", "lords", "senate", "congress", "assembly", "house",
                  "mps", "peers", "senators", "meps", "msps", "ams", "lawmakers", "legislators",
                  "chamber", "council", "committee"}
_USE = {"use", "invoke", "apply"}
_GOVERNMENT_WORDS = {"government", "ministers", "minister", "cabinet", "executive",
                     "administration", "party", "opposition"}


def judge(ctx: Context, law: Token, weak: bool, action: str, word: Token, rule: str,
          actor: str | None, actor_tok: Token | None,
          lawmakers: frozenset[str]) -> str | None:
    """The action type as read in context, or None when it is no action on a law."""
    if word.sent.text.rstrip().rstrip('"”’\'').endswith("?"):
        return None  # a question asks, it does not report ("Should the UK approve ...?")
    if _hoped(word):
        return None  # "I hope the government will scrap this law": a wish, no event
    if weak and not is_legal(ctx, law, word, rule, actor, lawmakers):
        return None  # "using the Internet Protocol", "ASCII codes are used"
    lemma = word.lemma_.lower()
    if (lemma in _SUPPORT or word.pos_ == "NOUN" and lemma in {"support", "opposition"}) \
            and rule != "refused-verb":
        words = {t.lower_ for t in actor_tok.subtree} if actor_tok is not None else set()
        if actor_tok is None:  # "the bill was backed": a passage; "support for X": nobody's
            return None if word.pos_ == "NOUN" else action
        if words & _CHAMBER_WORDS:
            return action if lemma != "support" else "pass"
        if actor is not None and actor in lawmakers or words & _GOVERNMENT_WORDS:
            return "other" if action == "pass" else action
        return None  # "the BMA backs the bill", "support for a ban has fallen, a poll says"
    if lemma in _USE and (_negated(word) or intended(word) or (
            not law.text[:1].isupper() and actor not in lawmakers)):
        return None  # "does not intend to use the powers", "hoping to use the law"; a use
        # of unnamed laws counts when a law-maker uses them ("Labour used the new laws")
    if action == "introduce" and law.lemma_.lower() == "amendment":
        return "propose"  # an amendment is tabled or moved: proposed to the bill
    return action


def _hoped(verb: Token) -> bool:
    """An action inside what someone hopes or wishes for."""
    tok = verb
    for _ in range(3):
        if tok.dep_ not in {"ccomp", "xcomp", "conj"} or tok.head is tok:
            return False
        tok = tok.head
        if tok.lemma_ in {"hope", "wish", "pray", "dream"}:
            return True
    return False


def _negated(verb: Token) -> bool:
    """A negation on the verb or on the verb it depends on ("does not intend to use")."""
    return any(c.dep_ == "neg" for c in verb.children) or verb.dep_ in {"xcomp", "ccomp"} and any(
        c.dep_ == "neg" for c in verb.head.children)
