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
from kg.model import Statement, TimeRef

_SPOKES = {"spokesman", "spokeswoman", "spokesperson", "spokesmen", "statement"}
_SPEAKER_KINDS = ("Person", "Organization")
#: Verbs plain enough to credit a whole group named just before ("They said").
_PLAIN_SPEECH = {"say", "tell", "add", "insist", "argue", "claim", "warn", "deny", "state",
                 "write", "conclude"}
_DOCUMENTS = {"report", "statement", "letter", "article", "book", "paper", "research", "study",
              "survey", "findings", "review", "submission", "manifesto", "memo", "blog",
              "figures", "analysis", "poll", "inquiry", "investigation"}


#: Prepositions whose gerund takes the clause's subject as its own ("after saying", "by
#: arguing"); not "without" (not said), nor "for" ("praised for saying": the praise's object).
_GERUND_PREPS = {"after", "by", "before", "while", "when", "in", "despite"}


def _subject(verb: Token) -> Token | None:
    """The grammatical speaker of a reporting verb, following conjunctions and passives."""
    tok: Token | None = verb
    for step in range(4):
        assert tok is not None
        subjects = [c for c in tok.children
                    if c.dep_ in {"nsubj", "csubj"} or c.dep_ == "nsubjpass" and step > 0]
        if subjects:  # "Mr X was heard saying ...": the passive subject above
            # "said co-ordinator Ann Lee": the parser may give the split title its own nsubj
            return next((c for c in subjects if c.pos_ == "PROPN"), subjects[-1]) \
                if len(subjects) > 1 else subjects[0]
        for child in tok.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        if tok.dep_ in {"conj", "xcomp", "advcl"} and tok.head is not tok:
            tok = tok.head
            continue
        if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.lower_ in _GERUND_PREPS \
                and tok.head.head is not tok.head:
            tok = tok.head.head  # "X quit after suggesting ...": the subject of "quit"
            continue
        if tok.dep_ == "relcl":
            return tok.head
        break
    return None


class _Speakers:
    def __init__(self, ctx: Context, coref: Coref) -> None:
        self.ctx = ctx
        self.coref = coref
        self.last: str | None = None
        self.rule: str | None = None  # set when a special rule found the speaker

    def of(self, tok: Token) -> str | None:
        ctx = self.ctx
        key = ctx.entity_of(tok)
        if key and ctx.kind[key] == "Organization":
            # "Commission for Rural Transport chairman Ian Dale said": the person
            for child in tok.subtree:
                other = ctx.tok_entity[child.i]
                if other and ctx.kind[other] == "Person" and child.i > tok.i \
                        and child.dep_ in {"appos", "compound", "nsubj"}:
                    return other
        if key and ctx.kind[key] in _SPEAKER_KINDS:
            return key
        low = tok.lower_
        if low in {"he", "she"}:
            return self.coref.pronoun(tok, prefer=self.last)
        if low in {"it", "they"}:
            return self.coref.organisation(tok)
        if low in {"who", "which", "that"} and tok.head.dep_ == "relcl":
            return self.of(tok.head.head)
        named = self._apposed_person(tok)
        if named is not None:  # "the party's health spokeswoman, Ann Cole, said"
            return named
        if low in {"headquarters", "hq", "leadership"}:
            self.rule = "headquarters"  # "Liberal Democrat headquarters said": the party
            return self._owner(tok)
        if low in _SPOKES:
            self.rule = "spokesperson"
            return self._owner(tok)
        if low in _DOCUMENTS:
            self.rule = "document"
            return self._owner(tok, people=True)
        head = np_title_head(tok)
        if head is not None:
            return self.coref.description(head) or self.coref.lede(head)
        if any(c.lower_ == "the" for c in tok.children):
            return self.coref.description(tok)
        return None

    def _apposed_person(self, tok: Token) -> str | None:
        """A title with the name in apposition: "the home secretary, Ruth Kemp, said"."""
        for child in tok.children:
            if child.dep_ in {"appos", "compound"}:
                key = self.ctx.entity_of(child)
                if key and self.ctx.kind[key] == "Person":
                    return key
        return None

    def _owner(self, tok: Token, *, people: bool = False) -> str | None:
        """Who speaks through ``tok``: a spokesperson's organisation ("a Home Office
        spokesman", "a spokesman for X"); with ``people``, a document's author too
        ("Lord Wren's report said", "research by the University of Leeds claims")."""
        ctx = self.ctx
        kinds = ("Organization", "Person") if people else ("Organization",)
        preps = {"for", "of", "at", "from", "by"} if people else {"for", "of", "at", "from"}
        for child in tok.children:
            if child.dep_ in {"poss", "compound", "nmod"}:
                key = ctx.entity_of(child)
                if key and ctx.kind[key] in kinds:
                    return key
            if child.dep_ == "prep" and child.lower_ in preps:
                for pobj in child.children:
                    key = ctx.entity_of(pobj)
                    if key and ctx.kind[key] in kinds:
                        return key
            if people and child.dep_ == "acl" and child.tag_ == "VBN":
                # "figures gathered by X", "a study carried out by X": the participle's agent
                for agent in (c for c in child.children if c.dep_ == "agent"):
                    for pobj in agent.children:
                        key = ctx.entity_of(pobj)
                        if key and ctx.kind[key] in kinds:
                            return key
        return None


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
_MAY_REPORT = _LIGHT_VERBS | lex.SPEECH_VERBS | {"find"}


def _is_reporting(tok: Token) -> bool:
    """A verb that reports speech (its lemma is always in ``_MAY_REPORT``)."""
    if tok.pos_ == "VERB" and tok.lemma_ in _LIGHT_VERBS:
        # "launched an attack on", "made the comments", "issued a warning"
        return any(c.dep_ == "dobj" and c.lemma_ in _SPEECH_NOUNS for c in tok.children)
    if tok.pos_ == "VERB" and tok.lemma_ == "find":
        # "the study found that ...", "the inquiry found the rules were ...": a
        # finding published (who may publish one: find_statements); not "found the keys"
        return any(c.dep_ == "ccomp" for c in tok.children)
    if tok.pos_ not in {"VERB"} or tok.lemma_ not in lex.SPEECH_VERBS:
        return False
    if tok.lemma_ in lex.SPEECH_VERBS_WEAK:
        deps = {c.dep_ for c in tok.children}
        preps = {c.lower_ for c in tok.children if c.dep_ in {"prep", "prt"}}
        if tok.lemma_ in {"call", "brand", "label", "dub"}:
            # "called for", "called on", "called the plans 'dangerous'", "calling it a joke"
            return bool(preps & {"for", "on"}) or "dobj" in deps and bool(
                deps & {"oprd", "xcomp", "ccomp", "attr", "npadvmod"}) or (
                "dobj" in deps and any(t.text in "\"“‘'" for t in tok.doc[tok.i : tok.i + 12]))
        if tok.lemma_ == "point":
            return "out" in preps
        return bool(deps & {"ccomp", "dobj", "prep", "oprd"})
    return True


def _embedded(verb: Token) -> bool:
    """True if ``verb`` sits in the reported clause of another reporting verb."""
    tok = verb
    seen_clause = False
    for _ in range(6):
        if tok.head is tok:
            return False
        if tok.dep_ in {"ccomp", "xcomp", "advcl", "relcl"}:
            seen_clause = True
        tok = tok.head
        if seen_clause and _is_reporting(tok):
            return True
    return False


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


def find_statements(ctx: Context, coref: Coref,
                    times: dict[int, TimeRef] | None = None) -> list[Statement]:
    """All statements of the article, one per sentence and speaker."""
    times = times or {}
    speakers = _Speakers(ctx, coref)
    out: list[Statement] = []
    prev_attributed: tuple[str, str] | None = None
    prev_open = False
    opened = 0  # the sentence where the quotation still open at its end began
    for n, sent in enumerate(ctx.sents):
        found: dict[str, Statement] = {}
        for i in range(sent.start, sent.end):
            if ctx.lemma[i] not in _MAY_REPORT and ctx.lower[i] != "according":
                continue  # the test below on the words alone, without a token object
            tok = ctx.doc[i]
            verb: str | None = None
            subj: Token | None = None
            if _is_reporting(tok) and not ctx.is_quoted(tok):
                verb, subj = tok.lemma_, _subject(tok)
            elif tok.lower_ == "according" and tok.i + 1 < sent.end \
                    and tok.nbor(1).lower_ == "to":
                verb = "according to"
                subj = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
            if verb is None or subj is None:
                continue
            if verb != "according to" and _embedded(tok):
                continue  # "X said the Tories would announce ...": reported, not reporting
            speakers.rule = None
            key = speakers.of(subj)
            if verb == "find" and key is not None and speakers.rule != "document" \
                    and ctx.kind[key] != "Organization":
                continue  # a person who "found that" discovered it; a body published it
            if key is None:
                # "Mr A and Mr B ruled ... They said" / "the judges said": each of the group
                for member in coref.group(subj) if verb in _PLAIN_SPEECH else []:
                    if member not in found:
                        found[member] = Statement(
                            speaker=member, verb=verb, quote=_quote_text(ctx, sent),
                            when=times.get(sent.start),
                            evidence=ctx.evidence(sent, min(subj.i, tok.i), max(subj.i, tok.i),
                                                  "plural-speakers", 0.6))
                continue
            if key in found:
                continue
            # "Mr Lund and Mr Okoro deny ...": each named conjunct speaks
            for conj in subj.conjuncts:
                other = ctx.entity_of(conj)
                if other and other != key and ctx.kind.get(other) == "Person" \
                        and other not in found:
                    found[other] = Statement(
                        speaker=other, verb=verb, quote=_quote_text(ctx, sent),
                        when=times.get(sent.start),
                        evidence=ctx.evidence(sent, min(conj.i, tok.i), max(conj.i, tok.i),
                                              "coordinated-speakers", 0.8))
            a, b = sorted((subj.i, tok.i))
            a = min(a, ctx.mention_bounds(subj)[0])
            rule = "according-to" if verb == "according to" else speakers.rule or (
                "pronoun-speaker" if subj.pos_ == "PRON" else "reporting-verb")
            found[key] = Statement(
                speaker=key, verb=verb, quote=_quote_text(ctx, sent),
                when=times.get(sent.start),
                evidence=ctx.evidence(sent, a, b, rule, 0.9 if rule == "reporting-verb" else 0.75),
            )
        if found and prev_open:
            found = _one_per_quotation(ctx, found, out, ctx.sents[opened], sent)
        if found:
            out.extend(found.values())
            first = next(iter(found.values()))
            prev_attributed = (first.speaker, first.verb)
            speakers.last = first.speaker
        elif prev_attributed and starts_with_quote(sent) and not prev_open \
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
