"""Laws named in an article: bills, acts, treaties, rulings, and the words that refer back to
them ("the bill", "it"); weak words for rules ("measures", "Protocol") are marked for the
legal context that makes them laws (kg.extract.lawcontext)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.lawcontext import is_activity_noun, is_money_bill
from kg.model import Entity, Span

_CAP_HEADS = {"bill", "act", "treaty", "convention", "directive", "regulations", "constitution",
              "charter", "law", "code", "order", "amendment", "protocol", "accord", "statute"}
_NOT_PART = {"new", "controversial", "bad", "good", "strict", "stricter", "tough", "harsh",
             "unfair", "fair", "important", "key", "major", "total", "outright", "comprehensive",
             "full", "partial", "out", "all", "wide-ranging", "landmark", "sweeping", "existing",
             "proposed", "planned", "current", "tougher", "fresh", "so-called", "draft", "latest",
             "original", "flagship", "stronger", "tighter", "stiffer", "greater", "extra",
             "wider", "more", "weaker", "looser",
             "government", "government's", "its", "his", "her", "their", "our", "this", "that",
             "the", "a", "an", "these", "those", "such", "same", "other", "any", "some", "which"}
_GENERIC = {"bill", "act", "law", "legislation", "treaty", "measure", "directive", "regulation",
            "regulations", "amendment", "constitution"}
_NOT_LAW_CONTEXT = {"lord", "lords", "firm", "firms", "enforcement", "school", "student",
                    "students", "society", "officer", "officers", "maker", "makers", "court"}


#: Nouns that take a part of something ("part of", "a raft of"): never the start of a name.
_PARTITIVE = {"part", "parts", "some", "all", "one", "series", "number", "range", "package",
              "raft", "set", "host", "batch", "lot", "lots", "array", "swathe", "bundle", "pair",
              "couple", "dozens", "hundreds", "thousands", "section", "sections", "chunk",
              "rest", "most", "much", "many", "none", "each", "any", "either", "neither"}


@dataclass
class LawMention:
    """A law named (or referred back to) at tokens ``start:end`` with its head token."""

    start: int
    end: int
    head: int
    name: str
    weak: bool = False


_RIGHT_PP = {"ban": {"on"}, "amendment": {"to"}, "amendments": {"to"}, "powers": {"to"},
             "laws": {"on", "to"}, "law": {"on"}, "legislation": {"on", "to"},
             "rules": {"on"}, "regulations": {"on"}}
_REFERRING = {"the", "this", "that", "a", "an", "his", "her", "its", "their", "our", "these"}


def _law_heads(ctx: Context) -> list[Token]:
    heads = []
    for i, low in enumerate(ctx.lower):
        lemma = ctx.lemma[i].lower()
        if lemma not in lex.LAW_HEADS and low not in lex.LAW_HEADS:
            continue
        tok = ctx.doc[i]  # a token object only at a candidate word
        if tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ == "compound":
            continue
        if is_money_bill(tok) or is_activity_noun(tok):
            continue  # "monthly phone bills", "the regulation of the industry"
        if any(c.lower_ in _NOT_LAW_CONTEXT for c in tok.children) or (
                tok.i + 1 < len(ctx.doc) and tok.nbor(1).lower_ in _NOT_LAW_CONTEXT):
            continue
        preps = {c.lower_ for c in tok.children if c.dep_ == "prep"}
        mods = any(c.dep_ in {"compound", "amod", "nmod"} for c in tok.children)
        if low == "law" and not mods and not any(c.dep_ == "det" for c in tok.children):
            continue  # "by law", "in law", "law and order", "become law"
        if lemma == "ban" and "on" not in preps:
            continue  # a player's three-match ban
        if low == "powers" and not mods:
            continue
        if low in {"amendment", "amendments"} and not tok.text[:1].isupper() \
                and "to" not in preps:
            continue
        heads.append(tok)
    return heads


def _is_weak(tok: Token) -> bool:
    """A word for rules that is a law only in legal context ("rules", "measures", "Protocol")."""
    return tok.lower_ in lex.LAW_HEADS_WEAK or tok.lemma_.lower() in lex.LAW_HEADS_WEAK


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
                and not doc[i - 1].text[:1].isupper() and doc[i - 1].lower_ not in _PARTITIVE:
            start = i - 1  # "road safety laws", not "part of austerity measures"
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
    # an "outright ban" on fireworks: the phrase after a closing quotation mark
    gap = 1 if end < len(doc) and doc[end].text in _QUOTES and ctx.is_quoted(head) else 0
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in wanted and child.i == end + gap:
            last = max(t.i for t in child.subtree)
            stop = next((t.i for t in doc[end + gap : last + 1] if t.is_punct or t.is_space
                         or "\n" in t.whitespace_ and t.i < last or t.lower_ in {
                             "which", "that", "who", "because"}), last + 1)
            if stop - end <= 10:
                end = stop
    return start, end


_QUOTES = {'"', "”", "’", "'"}


def _name(ctx: Context, start: int, end: int) -> str:
    """The words of a law's name without quotation marks inside it."""
    words: list[str] = []
    for t in ctx.doc[start:end]:
        if t.text in _QUOTES and start < t.i < end - 1:
            if words and t.whitespace_:
                words[-1] = words[-1].rstrip() + t.whitespace_
        else:
            words.append(t.text_with_ws)
    return "".join(words).strip()


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
    amendments: list[tuple[int, Token, Token]] = []
    for head in _law_heads(ctx):
        start, end = _name_bounds(ctx, head)
        if _is_named(ctx, head, start, end):
            named.append(LawMention(start, end, head.i, _name(ctx, start, end), _is_weak(head)))
            continue
        inner = _amended_ref(head)
        if inner is not None:
            amendments.append((start, head, inner))  # "an amendment to the bill"
        elif head.lower_ in _GENERIC and any(c.lower_ in _REFERRING for c in head.children) \
                or head.lower_ in _PLURAL_REFS and any(
                    c.lower_ in {"the", "these", "those"} for c in head.children):
            refs.append(head)
    out = list(named)
    resolved: dict[int, LawMention] = {}
    for head in refs:
        target = _referent(named, head)
        if target is not None:
            resolved[head.i] = LawMention(head.i, head.i + 1, head.i, target.name,
                                          target.weak or _is_weak(head))
            out.append(resolved[head.i])
        elif head.i > 0 and ctx.doc[head.i - 1].lower_ == "draft" and head.lower_ == "bill":
            # "unveiled a draft bill" and no bill named anywhere: the draft is the law
            out.append(LawMention(head.i - 1, head.i + 1, head.i, "draft bill"))
    for start, head, inner in amendments:
        target = resolved.get(inner.i)
        if target is not None:
            name = f"{ctx.doc[start : head.i + 1].text} to the {target.name}"
            out.append(LawMention(start, inner.i + 1, head.i, name))
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
                out.append(LawMention(tok.i, tok.i + 1, tok.i, before[-1].name, before[-1].weak))
            continue
        if tok.lower_ != "it" or tok.dep_ not in {"nsubjpass", "dobj", "nsubj", "pobj"}:
            continue
        verb = tok.head if tok.dep_ != "pobj" else tok.head.head
        if tok.dep_ == "pobj" and verb.lemma_ not in {"vote", "debate", "rule"}:
            continue
        if verb.lemma_ not in _IT_VERBS and verb.lemma_ not in {"come", "take", "go"}:
            continue  # "reviewing it", "it was well prepared": too loose for a pronoun
        before = [m for m in out if m.head < tok.i and tok.i - m.head < 60]
        if before:
            out.append(LawMention(tok.i, tok.i + 1, tok.i, before[-1].name, before[-1].weak))
    out.sort(key=lambda m: m.head)
    return out


#: Plural law words that refer back to a law named just before ("the new laws").
_PLURAL_REFS = {"laws", "measures", "regulations"}
#: Verbs that take a law as "it" only when they are unmistakably legislative.
_IT_VERBS = {lemma for lemma, action in lex.ACTION_VERBS.items() if action not in {
    "other", "propose", "authorise"}} - {"review", "consider", "examine", "back", "accept",
                                         "support", "clear", "find", "judge", "change", "extend",
                                         "update", "launch", "present", "stop", "use"}


def _referent(named: list[LawMention], head: Token) -> LawMention | None:
    """The named law a reference means: for "the bill", the Bill named before, else the one
    named next, else the last law named; for "the new laws", a law named shortly before."""
    before = [m for m in named if m.head < head.i]
    if head.lower_ in _PLURAL_REFS:
        near = [m for m in before if head.i - m.head < 100 and not m.weak]
        return near[-1] if near else None
    same = [m for m in before if m.name.split()[-1].lower() == head.lower_]
    after = [m for m in named if m.head > head.i]
    same_after = [m for m in after if m.name.split()[-1].lower() == head.lower_]
    # a weak law word ("the rules") is the referent only when no clear law is named
    before = [m for m in before if not m.weak] or before
    after = [m for m in after if not m.weak] or after
    return same[-1] if same else same_after[0] if same_after else (
        before[-1] if before else after[0] if after else None)


def _amended_ref(head: Token) -> Token | None:
    """"an amendment to the bill": the referring law word the amendment is to."""
    if head.lemma_.lower() != "amendment":
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "to":
            for pobj in prep.children:
                if pobj.lower_ in _GENERIC and any(c.lower_ in _REFERRING for c in pobj.children):
                    return pobj
    return None


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
