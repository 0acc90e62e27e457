"""Title phrases: the words of a title before a token, its organisation and its text.

Shared by the rules that find roles (``roles``, ``tenure``): "Tory leader", "shadow home
secretary", "spokeswoman for pensions", "the party's deputy leader".
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.model import Role

DETS = {"the", "a", "an"}
_DETS_OR_PRESS = DETS | {"magazine", "newspaper"}

def word_at(doc: Doc, i: int) -> tuple[str, int]:
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
    # what someone is or did, not a position: "robber Ann Hill", "teenager Tom Reid"
    "teenager", "youngster", "pensioner", "prisoner", "robber", "murderer", "killer",
    "survivor", "visitor", "protester", "demonstrator", "passenger", "commuter", "shopper",
    "taxpayer", "opponent", "defendant", "claimant", "applicant", "migrant", "immigrant",
    "sufferer", "giant", "character", "thriller", "replacement", "qualifier", "rival",
    "neighbour", "neighbor", "relative", "student", "pupil", "client", "victim", "consumer",
    "listener", "viewer", "reader", "follower", "admirer", "lover", "boyfriend",
    "girlfriend", "fiancee", "fiance", "widow", "widower", "grandmother", "grandfather",
    "business", "process", "access", "success", "address", "progress", "congress", "witness",
    "department", "restaurant", "plant", "event", "talent", "accident", "defector",
}
_OCCUPATION_SUFFIXES = ("er", "or", "ist", "man", "woman", "ian", "eer", "ant", "ent", "ess")


def is_occupation(word: str) -> bool:
    """A noun that names what someone does ("auctioneer", "huntsman", "economist").

    Examples:
        >>> is_occupation("auctioneer"), is_occupation("father")
        (True, False)
    """
    word = word.lower()
    if word in lex.TITLE_HEADS or word in lex.OCCUPATIONS:
        return True
    if "-" in word:  # "singer-songwriter", "film-maker": by the last part
        word = word.rsplit("-", 1)[1]
    return word.endswith(_OCCUPATION_SUFFIXES) and not word.endswith(("ment", "ness")) \
        and word not in _NOT_OCCUPATIONS and len(word) > 4


def is_head(doc: Doc, i: int) -> bool:
    """True if token ``i`` ends a title head ("minister", "co-ordinator", "law lord")."""
    word, _ = word_at(doc, i)
    return word in lex.TITLE_HEADS or doc[i].lower_ in lex.TITLE_HEADS or (
        word == "lord" and i > 0 and doc[i - 1].lower_ == "law" and doc[i].is_lower)


#: Capitalised words that may open an occupation's title ("Former royal cook X").
_RANK_WORDS = {"former", "ex", "acting", "deputy", "assistant", "senior", "junior", "chief",
               "principal", "interim", "joint"}
#: Named-entity types of words that never belong to a title ("on Friday Scottish law lord").
_NOT_TITLE_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}


def title_before(ctx: Context, end: int, *, stop: int = 0, occupation: bool = False
                 ) -> tuple[int, str | None] | None:
    """Find a title phrase ending just before token ``end`` ("Tory leader", "home secretary").

    Args:
        occupation: also take a noun that names an occupation as the head ("palace cook").

    Returns:
        The first token of the title and the organisation named inside it, or None.
    """
    doc = ctx.doc
    i = end - 1
    if i < stop or not (is_head(doc, i) or occupation and is_occupation(word_at(doc, i)[0])):
        return None
    org: str | None = None
    first = i
    while i >= stop:
        tok = doc[i]
        key = ctx.entity_of(tok)
        word, wstart = word_at(doc, i)
        if key is not None:
            if ctx.kind[key] != "Organization" or org not in (None, key):
                break
            org = key
            s, _ = ctx.mention_bounds(tok)
            first = i = s
            i -= 1
            continue
        low = tok.lower_
        if i == end - 1:  # the head, checked above: all of it ("scrum-half"), and "law lord"
            first = i = wstart - 1 if word == "lord" else wstart
            i -= 1
            continue
        if word in lex.DESCRIPTIVE_ADJECTIVES:
            first = i = wstart  # "the veteran comedian": in the phrase, not in the title text
            i -= 1
            continue
        if occupation and not (doc[wstart].is_lower or low in _RANK_WORDS):
            break  # "German composer", "Wales fly-half", "Final Wars producer": not the title
        if word in lex.TITLE_HEADS or low in lex.TITLE_HEADS or low in lex.TITLE_MODIFIERS \
                or word in lex.TITLE_MODIFIERS:
            first = i = wstart
            i -= 1
            continue
        if low in {"and", "&"} and i > stop and i + 1 < end and doc[i - 1].text[:1].isupper() \
                and doc[i + 1].text[:1].isupper():
            i -= 1
            continue
        if low == "and" and i > stop and i + 1 < end and doc[i + 1].is_lower \
                and doc[i - 1].is_lower and doc[i - 1].lower_ in lex.TITLE_MODIFIERS:
            i -= 1  # "health and education spokesman": two words of one portfolio
            continue
        if wstart < i and (word.startswith("ex-") or not word.endswith(("ing", "ed")) and all(
                t.is_lower or t.text == "-" for t in doc[wstart : i + 1])):
            first = i = wstart  # "long-distance lorry driver", "long-serving MP"
            i -= 1
            continue
        if tok.is_alpha and (tok.text[:1].isupper() or tok.pos_ in {"NOUN", "ADJ"}) \
                and tok.ent_type_ not in _NOT_TITLE_ENTS \
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



def portfolio_before(ctx: Context, end: int, *, stop: int = 0) -> tuple[int, str | None] | None:
    """A portfolio title with its "for" phrase ending just before token ``end``:
    "Lib Dem spokeswoman for pensions Ann Hill", "minister for Europe Tom Reid"."""
    doc = ctx.doc
    for f in range(end - 1, max(stop, end - 6) - 1, -1):
        tok = doc[f]
        if tok.lower_ == "for" and f < end - 1:
            if word_at(doc, f - 1)[0] not in PORTFOLIO_TITLES or doc[f + 1].lower_ in DETS \
                    and f + 2 == end:
                return None  # "a spokesman for the Kemp Trust" where the model saw a person
            return title_before(ctx, f, stop=stop)
        key = ctx.entity_of(tok)
        if not tok.is_alpha or tok.pos_ in {"VERB", "AUX", "PRON"} \
                or key is not None and ctx.kind[key] == "Person" \
                or tok.dep_ == "compound" and tok.head.i >= end and not tok.is_lower:
            return None  # a first name the model left out of the person: not a portfolio
    return None

def title_text(ctx: Context, first: int, end: int) -> str:
    words = []
    in_phrase = False
    for tok in ctx.doc[first:end]:
        key = ctx.entity_of(tok)
        in_phrase = in_phrase or tok.lower_ == "for" and not (
            key is not None and ctx.kind[key] == "Organization")  # "Commission for X chairman"
        if key is not None and ctx.kind[key] == "Organization" and not in_phrase:
            continue
        if tok.ent_type_ == "NORP" and not tok.is_lower and tok.lower_ not in lex.TITLE_MODIFIERS \
                or tok.lower_ in lex.DESCRIPTIVE_ADJECTIVES:
            continue  # "former British commander", "veteran comedian": not part of the title
        words.append(tok.text_with_ws)
    title = "".join(words).strip().lower().replace("’", "'")
    title = " ".join(title.split()).replace(" - ", "-")
    if title.startswith(("ex-", "ex ")):
        title = "former " + title[3:]  # "ex-minister" is a former minister
    return member_title(title)


#: Words kept before "member": the rest names the body ("senior party board member").
_MEMBER_KEEPS = {"former", "senior", "junior", "founding", "founder", "leading", "honorary",
                 "life", "associate", "full", "longest-serving", "long-standing"}


def member_title(title: str) -> str:
    """A member's title without the body it names, which is the organisation's part.

    Examples:
        >>> member_title("senior party board member"), member_title("board member")
        ('senior member', 'member')
    """
    words = title.split()
    if len(words) < 2 or words[-1] != "member":
        return title
    return " ".join([w for w in words[:-1] if w in _MEMBER_KEEPS] + ["member"])


def role_of(ctx: Context, person: str, first: int, end: int, org: str | None, sent_tok: Token,
          rule: str, confidence: float, a: int, b: int, *, any_noun: bool = False) -> Role | None:
    title = title_text(ctx, first, end)
    if not title or title in lex.HONORIFICS and title not in lex.RANKS \
            or title in {"former", "mr", "ms", "mrs"}:
        return None
    last = title.split(" for ")[0].split(" of ")[0].split()[-1]
    if last not in lex.TITLE_HEADS and not is_occupation(last) and not any_noun \
            and not title.endswith("law lord"):
        return None
    former = title.startswith(("former ", "ex-", "ex "))
    return Role(person=person, title=title, organization=org, former=former,
                evidence=ctx.evidence(sent_tok.sent, a, b, rule, confidence))


#: Titles whose "for PLACE" names the seat they represent.
_REPRESENTATIVES = {"mp", "mep", "msp", "am", "member", "councillor", "senator",
                    "congressman", "congresswoman", "representative", "candidate"}


def for_phrase(ctx: Context, k: int, stop: int) -> int:
    """End of a "for X" phrase that belongs to a title ("spokesman for women")."""
    doc = ctx.doc
    if k >= stop or doc[k].lower_ != "for" or k + 1 >= stop:
        return k
    key = ctx.entity_of(doc[k + 1])
    if doc[k - 1].lower_ not in PORTFOLIO_TITLES and (doc[k + 1].lower_ in DETS or (
            key is not None and ctx.kind[key] in {"Organization", "Person"})):
        return k  # "counsel for the claimants", "agent for the Tories": not the title
    if doc[k - 1].lower_ in _REPRESENTATIVES and key is not None and ctx.kind[key] == "Location":
        return k  # "the MP for Dunmore": the seat, not part of the title
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
        k = j
        while k < min(j + 4, len(doc)) and doc[k].is_lower and doc[k].is_alpha \
                and doc[k].pos_ in {"NOUN", "ADJ"}:
            k += 1
        if j < k < len(doc) and (doc[k - 1].lower_ in lex.ORG_HEADS
                                 or doc[k - 1].lower_ in lex.ORG_DESCRIPTIONS):
            j = k  # "director of the campaign group Kestrel": the organisation named after
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
PORTFOLIO_TITLES = {"spokesman", "spokeswoman", "spokesperson", "minister", "secretary",
                     "commissioner", "envoy", "ambassador", "tsar", "czar", "champion"}


def owner_before(ctx: Context, i: int, stop: int) -> tuple[int, str | None] | None:
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
            while j - 1 >= stop and doc[j - 1].lower_ in _DETS_OR_PRESS:
                j -= 1
            return j, None
    return None


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
