"""Statements: who is reported to have said or written what.

Reporting verbs with their speaker (subject, inverted subject, passive "by", "according to"),
speakers resolved through pronouns, descriptions and spokespeople of named organisations, and
quotation runs: a sentence that opens a new quotation right after an attributed sentence
belongs to the same speaker (news leaves multi-paragraph quotes open).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context, starts_with_quote
from kg.extract.coref import Coref, np_title_head
from kg.extract.speakers import SPOKES, Speakers, by_agent, preverbal, subject
from kg.model import Statement, TimeRef

#: Verbs plain enough to credit a whole group named just before ("They said").
_PLAIN_SPEECH = {"say", "tell", "add", "insist", "argue", "claim", "warn", "deny", "state",
                 "write", "conclude"}
#: Subordinators of a clause that sets another speaker against the first ("X dismissed it,
#: while Y said ..."): that clause is not reported by the first.
_CONTRAST = {"while", "whereas", "although", "though"}
#: Labelling verbs whose passive names the speaker with "by" ("plans branded 'reckless' by
#: the Greens"), which the parser often hangs on the label instead of the verb.
_LABELS = {"brand", "label", "dub", "call", "describe"}
#: Nouns for organisations besides those of ``lex.ORG_HEADS`` ("the firm said").
_ORG_WORDS = {"firm", "club", "airline", "carmaker", "retailer", "charity", "paper",
              "newspaper", "broadcaster", "studio", "label", "team"}
_ORG_NOUNS = lex.ORG_HEADS | _ORG_WORDS
#: Verbs whose infinitive says nothing was said ("declined to comment").
_NOT_SAYING = {"decline", "refuse", "fail"}


def _quote_text(ctx: Context, sent: SpacySpan) -> str | None:
    text = ctx.text
    parts, cur = [], []
    for i in range(sent.start_char, sent.end_char):
        if ctx.in_quote[i] and text[i] not in "\"“”«»":
            cur.append(text[i])
        elif cur:
            parts.append("".join(cur).strip())
            cur = []
    if cur:
        parts.append("".join(cur).strip())
    quote = " ".join(p for p in parts if len(p.split()) >= 2)
    return quote or None


_SPEECH_NOUNS = {"attack", "call", "claim", "statement", "speech", "warning", "appeal", "plea",
                 "criticism", "comment", "comments", "remark", "remarks", "pledge", "promise",
                 "case", "announcement", "accusation", "threat", "demand", "apology"}
_LIGHT_VERBS = {"launch", "make", "issue", "deliver", "mount", "give", "renew", "repeat", "step"}
#: What a body issues that is its speech in itself ("issued a statement").
_ISSUED = {"statement", "apology", "appeal", "plea", "announcement", "call"}
_MAY_REPORT = _LIGHT_VERBS | lex.SPEECH_VERBS | {"find"}


def _quoted_before(tok: Token) -> bool:
    """True if ``tok`` follows an opening quotation mark in its sentence (a quoted object)."""
    return any(t.text in "\"“‘'" for t in tok.doc[tok.sent.start : tok.i])


def _is_reporting(tok: Token) -> bool:
    """A verb that reports speech (its lemma is always in ``_MAY_REPORT``)."""
    if tok.pos_ == "VERB" and tok.lemma_ in _LIGHT_VERBS:
        # "launched an attack on", "made the comments", "issued a statement"
        objs = [c for c in tok.children if c.dep_ == "dobj" and c.lemma_ in _SPEECH_NOUNS]
        if tok.lemma_ == "issue":
            # a body "issues a warning" to someone as a sanction or an alert; it speaks
            # only through a statement, or a warning with its words ("... that", "saying")
            return any(o.lemma_ in _ISSUED or any(c.dep_ in {"acl", "ccomp", "relcl"}
                                                  and c.tag_ != "VBN" for c in o.children)
                       for o in objs)
        return bool(objs)
    if tok.pos_ == "VERB" and tok.lemma_ == "find":
        # "the study found that ...", "the inquiry found the rules were ...": a
        # finding published (who may publish one: find_statements); not "found the keys"
        return any(c.dep_ == "ccomp" for c in tok.children)
    if tok.pos_ not in {"VERB"} or tok.lemma_ not in lex.SPEECH_VERBS:
        return False
    if tok.dep_ == "xcomp" and tok.head.lemma_ in _NOT_SAYING:
        return False  # "declined to comment", "refused to say"
    if tok.lemma_ == "comment" and any(c.dep_ == "neg" or c.lower_ in {"neither", "nor"}
                                       for c in tok.subtree if c.i < tok.i):
        return False  # "would not comment", "neither X nor Y would comment"
    if tok.lemma_ == "tell" and any(c.dep_ == "dobj" and c.lemma_ in {"story", "tale"}
                                    for c in tok.children):
        return False  # "the film tells the story of": a narrative, not a report
    if tok.lemma_ == "agree":
        # "agreed that ...", "agreed with"; "agreed to introduce a ban", "agreed plans to
        # merge", "agreed on the text" are decisions
        return any(c.dep_ == "ccomp" or c.dep_ == "prep" and c.lower_ == "with"
                   for c in tok.children)
    if tok.lemma_ == "add" and any(c.dep_ == "dobj" and c.lemma_ not in _SPEECH_NOUNS
                                   and not _quoted_before(c) for c in tok.children):
        return False  # "added two tries", "added 2% to its value"; not "added a warning"
    if tok.lemma_ in {"maintain", "threaten", "speak"}:
        # "maintained that", "threatened to quit", "spoke to"; not "maintained their start",
        # "threatened further scores", "speaks volumes"
        deps = {c.dep_ for c in tok.children}
        return "ccomp" in deps or (tok.lemma_ == "threaten" and "xcomp" in deps) or (
            tok.lemma_ == "speak" and "dobj" not in deps and "prep" in deps)
    if tok.lemma_ == "hit":
        # "hit out at", "hit back"; not "hit the beach"
        return any(c.lower_ in {"out", "back"} and c.dep_ in {"prt", "advmod", "prep"}
                   for c in tok.children)
    if tok.lemma_ in lex.SPEECH_VERBS_WEAK:
        deps = {c.dep_ for c in tok.children}
        preps = {c.lower_ for c in tok.children if c.dep_ in {"prep", "prt"}}
        if tok.lemma_ in {"call", "brand", "label", "dub"}:
            # "called for", "called on", "called the plans 'dangerous'", "calling it a joke"
            quoted = any(t.text in "\"“‘'" for t in tok.doc[tok.i : tok.i + 12])
            by = "agent" in deps or any(t.lower_ == "by" and t.i > tok.i for t in tok.subtree)
            if by and (quoted or deps & {"oprd", "attr", "acomp"}):
                return True  # "plans branded 'reckless' by the Greens" (passive label)
            return bool(preps & {"for", "on"}) or "dobj" in deps and bool(
                deps & {"oprd", "xcomp", "ccomp", "attr", "npadvmod"}) or (
                "dobj" in deps and quoted)
        if tok.lemma_ == "point":
            return "out" in preps
        return bool(deps & {"ccomp", "dobj", "prep", "oprd"})
    return True


def _embedded(ctx: Context, verb: Token) -> bool:
    """True if ``verb`` sits in the reported clause of another reporting verb.

    A reported clause is a complement ("X said [Y had warned ...]") or a condition ("X will
    say so if [Y asks]"); not a relative clause ("X praised Y, [who says ...]"), nor an
    adverbial one with a speaker of its own ("X dismissed it, [while Y said ...]"). The other
    verb must itself report someone: not one inside a quotation, nor one the parser left
    without a subject (it took the real reporting verb for its complement).
    """
    tok = verb
    seen_clause = False
    for _ in range(6):
        if tok.head.i == tok.i:
            return False
        if tok.dep_ in {"ccomp", "xcomp"}:
            seen_clause = True
        elif tok.dep_ == "advcl":
            marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
            if marks & {"if", "unless", "whether"}:
                seen_clause = True
            elif marks & _CONTRAST and any(c.dep_ == "nsubj" for c in tok.children):
                return False
        tok = tok.head
        if seen_clause and _is_reporting(tok) and not ctx.is_quoted(tok) \
                and subject(tok) is not None:
            return True
    return False


def _depth(verb: Token) -> int:
    """How deep ``verb`` sits below its sentence's root: of two reporting verbs with one
    speaker, the shallower is the clause's own ("Speaking in Leeds, Ann Lee said": 'say')."""
    depth = 0
    while verb.head.i != verb.i and depth < 20:
        verb = verb.head
        depth += 1
    return depth


def _conditional(verb: Token) -> bool:
    """True for a verb in a condition ("If they do not respond, they will be banned"):
    nothing was said yet."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in {"if", "unless"}
                                        for c in verb.children)


def _ends_in_open_quote(ctx: Context, sent: SpacySpan) -> bool:
    """True if a quotation is still open at the end of ``sent`` (it goes on in the next)."""
    text = ctx.text
    last = sent.end_char - 1
    while last > sent.start_char and text[last].isspace():
        last -= 1
    return ctx.in_quote[last] and text[last] not in "\"”»"


def _one_per_quotation(ctx: Context, found: dict[str, Statement], out: list[Statement],
                       first: SpacySpan, sent: SpacySpan) -> dict[str, Statement]:
    """Statements of a sentence that closes a quotation opened in an earlier one ("The plan
    is sound. It will help," she said.): one quotation is one statement, so a speaker already
    credited since its first sentence is not credited again, and a new one's sentence spans
    the quotation from its first sentence."""
    start = ctx.sentence(first).start
    credited = {st.speaker for st in out if st.evidence.sentence.start >= start}
    passage = ctx.span(start, ctx.sentence(sent).end)
    return {key: replace(st, evidence=replace(st.evidence, sentence=passage))
            for key, st in found.items() if key not in credited}


def _other_speaker(ctx: Context, coref: Coref, subj: Token,
                   prev: tuple[str, str] | None) -> bool:
    """True if the unresolved subject ``subj`` cannot be the previous statement's speaker
    ``prev`` because it is of another kind: a person ("he", "the MP") after an
    organisation spoke, an organisation ("the firm") after a person, "she" after a man."""
    if prev is None:
        return False
    kind = ctx.kind.get(prev[0])
    low = subj.lower_
    if low in SPOKES:
        return kind != "Organization"  # "the spokesman said" after the body he speaks for
    if low in {"he", "she"}:
        want = "m" if low == "he" else "f"
        return kind != "Person" or coref.gender.get(prev[0], want) != want
    if low in lex.TITLE_HEADS or np_title_head(subj) is not None:
        return kind != "Person"
    if low in _ORG_NOUNS:
        return kind != "Organization"
    return False  # "said the American": may well be the one who just spoke


def _statement(ctx: Context, sent: SpacySpan, key: str, verb: str, first: int, last: int,
               rule: str, confidence: float, times: dict[int, TimeRef]) -> Statement:
    return Statement(speaker=key, verb=verb, quote=_quote_text(ctx, sent),
                     when=times.get(sent.start),
                     evidence=ctx.evidence(sent, min(first, last), max(first, last), rule,
                                           confidence))


def _speaker_token(ctx: Context, speakers: Speakers, tok: Token) -> tuple[Token | None, str | None]:
    """The subject of reporting verb ``tok``, with the rule that found it when the parse did
    not give it directly (the name right before the verb)."""
    if tok.lemma_ in _LABELS and tok.tag_ in {"VBN", "VBD"} and tok.dep_ != "conj" \
            and not any(c.dep_ in {"nsubj", "agent"} for c in tok.children):
        agent = by_agent(ctx, tok)  # "branded 'reckless' by X", "by X" hung on the label
        if agent is not None:
            return agent, "passive-label"
    subj = subject(tok)
    if subj is None or subj.dep_ == "csubj" and speakers.of(subj) is None:
        before = preverbal(ctx, tok)
        if before is not None:
            return before, "preverbal-speaker"
    return subj, None


def find_statements(ctx: Context, coref: Coref,
                    times: dict[int, TimeRef] | None = None) -> list[Statement]:
    """All statements of the article, one per sentence and speaker."""
    times = times or {}
    speakers = Speakers(ctx, coref)
    out: list[Statement] = []
    prev_attributed: tuple[str, str] | None = None
    prev_open = False
    opened = 0  # the sentence where the quotation still open at its end began
    for n, sent in enumerate(ctx.sents):
        speakers.sent = n
        found: dict[str, Statement] = {}
        at: dict[str, Token] = {}  # the reporting verb of each speaker's statement
        # the sentence credits someone unnamed ("..., a spokesman said") or, unresolved,
        # someone other than the last speaker ("the MP said" after an organisation spoke)
        unnamed = False
        for i in range(sent.start, sent.end):
            if ctx.lemma[i] not in _MAY_REPORT and ctx.lower[i] != "according":
                continue  # the test below on the words alone, without a token object
            tok = ctx.doc[i]
            verb: str | None = None
            subj: Token | None = None
            found_by: str | None = None
            if _is_reporting(tok) and not ctx.is_quoted(tok):
                verb = tok.lemma_
                subj, found_by = _speaker_token(ctx, speakers, tok)
            elif tok.lower_ == "according" and tok.i + 1 < sent.end \
                    and tok.nbor(1).lower_ == "to":
                verb = "according to"
                subj = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
            if verb is None or subj is None:
                continue
            if verb != "according to" and (_embedded(ctx, tok) or _conditional(tok)):
                continue  # "X said the Tories would announce ...": reported, not reporting
            speakers.rule = found_by
            key = speakers.of(subj)
            if verb == "find" and key is not None and speakers.rule != "document" \
                    and ctx.kind[key] != "Organization":
                continue  # a person who "found that" discovered it; a body published it
            # "Mr Lund and the Farmers' Union deny ...", "critics, including Ann Lee, say":
            # each named one speaks
            modal = any(c.tag_ == "MD" for c in tok.children)  # "X and Y will unveil"
            for other in [] if modal else speakers.members(subj):
                if other != key and other not in found:
                    found[other] = _statement(ctx, sent, other, verb, subj.i, tok.i,
                                              "coordinated-speakers", 0.8, times)
            if key is None:
                # "Mr A and Mr B ruled ... They said" / "the judges said": each of the group
                group = coref.group(subj) if verb in _PLAIN_SPEECH else []
                for member in group:
                    if member not in found:
                        found[member] = _statement(ctx, sent, member, verb, subj.i, tok.i,
                                                   "plural-speakers", 0.6, times)
                # "..., a spokesman said", "critics say": someone else; "the organisation
                # said" may well be the speaker named before
                unnamed = unnamed or not group and (subj.tag_ in {"NNS", "NNPS"} or any(
                    c.dep_ == "det" and c.lower_ in {"a", "an"} for c in subj.children)
                    or _other_speaker(ctx, coref, subj, prev_attributed))
                if subj.tag_ == "NN" and subj.lower_ in lex.TITLE_HEADS:
                    speakers.last = None  # "The minister's spokesman said ... He added"
                continue
            if key in found and (key not in at or _depth(tok) >= _depth(at[key])):
                continue  # one statement per speaker, with the verb of the main clause
            at[key] = tok
            a, b = sorted((subj.i, tok.i))
            a = min(a, ctx.mention_bounds(subj)[0])
            rule = "according-to" if verb == "according to" else speakers.rule or (
                "pronoun-speaker" if subj.pos_ == "PRON" else "reporting-verb")
            found[key] = _statement(ctx, sent, key, verb, a, b, rule,
                                    0.9 if rule == "reporting-verb" else 0.75, times)
        if found and prev_open:
            found = _one_per_quotation(ctx, found, out, ctx.sents[opened], sent)
        if found:
            out.extend(found.values())
            first = next(iter(found.values()))
            prev_attributed = (first.speaker, first.verb)
            speakers.last = first.speaker
            speakers.last_sent = n
        elif prev_attributed and starts_with_quote(sent) and not prev_open and not unnamed \
                and len(sent.text.split()) >= 3:
            speaker, verb = prev_attributed
            out.append(Statement(
                speaker=speaker, verb=verb, quote=_quote_text(ctx, sent),
                evidence=ctx.evidence(sent, sent.start, sent.end - 1, "quote-continuation", 0.7),
            ))
            prev_attributed = None
        else:
            prev_attributed = None
        if not prev_open:
            opened = n
        prev_open = _ends_in_open_quote(ctx, sent)
    return out
