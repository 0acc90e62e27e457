"""Who speaks: the speaker of a reporting verb, found through the parse and resolved to an
entity (names, pronouns, descriptions, spokespeople and documents of named bodies)."""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.extract.coref import Coref, np_title_head

SPOKES = {"spokesman", "spokeswoman", "spokesperson", "spokesmen", "statement"}
SPEAKER_KINDS = ("Person", "Organization")
_DOCUMENTS = {"report", "statement", "letter", "article", "book", "paper", "research", "study",
              "survey", "findings", "review", "submission", "manifesto", "memo", "blog",
              "figures", "analysis", "poll", "inquiry", "investigation"}
#: Prepositions whose gerund takes the clause's subject as its own ("after saying", "by
#: arguing"); not "without" (not said), nor "for" ("praised for saying": the praise's object).
_GERUND_PREPS = {"after", "by", "before", "while", "when", "in", "despite"}
#: Verbs whose object is shown or heard speaking ("the film showed X telling", "was heard
#: saying"), or quoted ("the paper quoted X as saying").
_SHOWING = {"show", "see", "hear", "film", "catch", "record", "capture", "quote"}
#: Honorifics that tell a person's gender (a title of the other one cannot describe them).
_MALE = {"lord", "sir", "mr"}
_FEMALE = {"lady", "baroness", "dame", "mrs", "ms"}
#: Letters after a name ("Ann Lee MSP"): the person's, never a speaker of their own.
_POSTNOMINALS = lex.POSTNOMINALS - {"Jr", "Sr"} | {"MLA"}
#: Words for people who are not named ("a spokesman", "an aide"): never a speaker by description.
_UNNAMED = {"spokesman", "spokeswoman", "spokesperson", "spokesmen", "official", "source",
            "aide", "man", "woman", "friend"}


def subject(verb: Token) -> Token | None:
    """The grammatical speaker of a reporting verb, following conjunctions and passives."""
    tok: Token | None = verb
    for step in range(4):
        assert tok is not None
        subjects = [c for c in tok.children
                    if c.dep_ in {"nsubj", "csubj"} or c.dep_ == "nsubjpass" and step > 0]
        if step == 0 and not subjects and any(c.dep_ in {"nsubjpass", "auxpass"}
                                              for c in tok.children) \
                and not any(c.dep_ == "agent" for c in tok.children):
            return None  # "officials were said to be wary", "it has been described as":
            # a passive without "by": nobody is named as speaking
        if subjects:  # "Mr X was heard saying ...": the passive subject above
            # "said co-ordinator Ann Lee": the parser may give the split title its own nsubj
            return next((c for c in subjects if c.pos_ == "PROPN"), subjects[-1]) \
                if len(subjects) > 1 else subjects[0]
        for child in tok.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        shown = _shown(tok)
        if shown is not None:
            return shown
        if tok.dep_ == "advcl" and tok.tag_ == "VBN" and not any(
                c.dep_ in {"aux", "auxpass"} for c in tok.children):
            return None  # "Asked about it, Ann Lee said": she was asked; she is not the asker
        if tok.dep_ == "xcomp" and any(c.dep_ == "auxpass" for c in tok.head.children) \
                and not any(c.dep_ == "agent" for c in tok.head.children):
            return None  # "X and Y are said to have promised a truce": hearsay, not X speaking
        if tok.dep_ in {"conj", "xcomp", "advcl"} and tok.head.i != tok.i:
            tok = tok.head
            continue
        if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.lower_ in _GERUND_PREPS \
                and tok.head.head.i != tok.head.i:
            tok = tok.head.head  # "X quit after suggesting ...": the subject of "quit"
            continue
        if tok.dep_ == "relcl":
            return tok.head
        break
    return None


def _shown(tok: Token) -> Token | None:
    """The object of a verb that shows or quotes someone speaking: "the film showed Ann Lee
    telling ...", "the paper quoted Ann Lee as saying ..." (passive: "Lee was quoted as
    saying": the passive subject)."""
    if tok.tag_ != "VBG":
        return None
    head = tok.head
    if tok.dep_ == "pcomp" and head.lower_ == "as":
        head = head.head
    elif tok.dep_ not in {"advcl", "xcomp", "acl", "ccomp", "oprd"}:
        return None
    if head.lemma_ not in _SHOWING or head.i == tok.i:
        return None
    for child in head.children:
        if child.dep_ in {"dobj", "nsubjpass"}:
            return child
    return None


def _postnominal(tok: Token) -> bool:
    """True for letters after a name ("Ann Lee MSP"), not a title ("the MP said")."""
    return tok.text in _POSTNOMINALS and any(c.dep_ == "compound" and c.pos_ == "PROPN"
                                             for c in tok.lefts)


def entity(ctx: Context, tok: Token) -> str | None:
    """The entity of ``tok``, where a post-nominal ("Ann Lee MSP", "Ben Marsh QC") stands
    for the person it follows (None if no person does), never for an entity of its own."""
    if _postnominal(tok):
        for child in tok.lefts:
            key = ctx.tok_entity[child.i]
            if child.dep_ == "compound" and key and ctx.kind[key] == "Person":
                return key
        return None
    return ctx.entity_of(tok)


def preverbal(ctx: Context, verb: Token) -> Token | None:
    """The named speaker right before a reporting verb the parser left without a subject:
    "Welcoming the ruling, Ann Lee, head of X, said" (the name parsed inside the participle
    clause), "In an article, Ms Lee, who chairs X, says" (inside the prepositional phrase).

    Walks up from the word before the verb to the verb; the highest named person or
    organisation on that path speaks, unless the path crosses another finite verb. A name
    the parser hung in apposition on another name ("When asked if X would sue Y, its boss
    Ann Lee said") is not that other one's.
    """
    doc = ctx.doc
    i = verb.i - 1
    start = verb.sent.start
    while i >= start and (doc[i].is_punct or doc[i].is_space):
        i -= 1
    if i < start:
        return None
    tok = doc[i]
    best: Token | None = None
    apposed = False
    for _ in range(12):
        if tok.i == verb.i:
            return best
        if tok.tag_ in {"VBD", "VBZ", "VBP", "MD"} and tok.dep_ != "relcl":
            return None
        key = entity(ctx, tok)
        if key and ctx.kind[key] in SPEAKER_KINDS and not ctx.is_quoted(tok):
            if best is not None and apposed and entity(ctx, best) != key:
                return best  # "from Y, its chief executive Ann Lee said": not Y
            best, apposed = tok, True
        if tok.head.i == tok.i or tok.head.i > verb.i:
            return None
        apposed = apposed and tok.dep_ == "appos"  # still inside best's apposition
        tok = tok.head
    return None


def by_agent(ctx: Context, verb: Token) -> Token | None:
    """The "by X" of a passive labelling participle the parser attached elsewhere in its
    phrase: "the cuts, branded 'reckless' by the Greens"."""
    for tok in verb.subtree:
        if tok.i > verb.i and tok.lower_ == "by" and tok.dep_ in {"agent", "prep"}:
            for pobj in tok.children:
                key = ctx.entity_of(pobj)
                if pobj.dep_ == "pobj" and key and ctx.kind[key] in SPEAKER_KINDS:
                    return pobj
            return None
    return None


class Speakers:
    """Resolves the subject of a reporting verb to an entity, left to right through the
    article: ``last`` and ``last_sent`` are the previous statement's speaker and sentence."""

    def __init__(self, ctx: Context, coref: Coref) -> None:
        self.ctx = ctx
        self.coref = coref
        self.last: str | None = None
        self.last_sent = -10
        self.sent = 0  # index of the sentence being read
        self.rule: str | None = None  # set when a special rule found the speaker
        self._names: dict[str, str | None] | None = None

    def of(self, tok: Token) -> str | None:
        """The entity that speaks as ``tok`` (None if unnamed or unresolved)."""
        ctx = self.ctx
        if _postnominal(tok):
            return entity(ctx, tok)  # "Ann Lee MSP said": the person, or nobody named
        key = ctx.entity_of(tok)
        if key and ctx.kind[key] == "Organization":
            # "Commission for Rural Transport chairman Ian Dale said": the person
            for child in tok.subtree:
                other = ctx.tok_entity[child.i]
                if other and ctx.kind[other] == "Person" and child.i > tok.i \
                        and child.dep_ in {"appos", "compound", "nsubj"}:
                    return other
        if key and ctx.kind[key] in SPEAKER_KINDS:
            return key
        low = tok.lower_
        if low in {"he", "she"}:
            since = self.ctx.sents[self.last_sent].end if self.last_sent >= 0 else -1
            return self.coref.pronoun(tok, prefer=self.last, since=since)
        if low in {"it", "they"}:
            return self._organisation(tok)
        if low in {"who", "which", "that"} and tok.head.dep_ == "relcl":
            return self.of(tok.head.head)
        named = self._apposed(tok)
        if named is not None:  # "the party's health spokeswoman, Ann Cole, said"
            return named
        if tok.pos_ == "PROPN":
            found = self._named(tok)
            if found is not None:
                return found
        if low in {"headquarters", "hq", "leadership"}:
            self.rule = "headquarters"  # "Green Party headquarters said": the party
            return self._owner(tok)
        if low in SPOKES:
            self.rule = "spokesperson"
            return self._owner(tok)
        if low in _DOCUMENTS:
            self.rule = "document"
            return self._owner(tok, people=True)
        head = np_title_head(tok)
        if head is not None:
            found = self.coref.description(head) or self.coref.lede(head) \
                or self._last_speaker(head)
        elif any(c.lower_ == "the" for c in tok.children):
            found = self.coref.description(tok) or self._last_speaker(tok)
        else:
            return None
        if found and self.ctx.kind[found] == "Person" and self._named_after(found, tok):
            return None
        return found

    def _named_after(self, key: str, tok: Token) -> bool:
        """True if ``key`` is named after ``tok`` in its sentence, outside quotations: a
        description does not speak of itself by name ("the minister said Ms Lee was
        never there" is not Ms Lee)."""
        ctx = self.ctx
        return any(ctx.tok_entity[i] == key and not ctx.in_quote[ctx.doc[i].idx]
                   for i in range(tok.i + 1, tok.sent.end))

    def members(self, tok: Token) -> list[str]:
        """Other named speakers of the same subject: conjuncts ("Mr Lund and the Farmers'
        Union say") and the named ones of a group ("critics, including Ann Lee, said")."""
        ctx = self.ctx
        heads = list(tok.conjuncts)
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in {"including", "among"}:
                heads += [c for c in child.children if c.dep_ == "pobj"]
        out: list[str] = []
        for head in heads:
            for t in (head, *head.conjuncts, *(c for c in head.children if c.dep_ == "appos")):
                key = entity(ctx, t)
                if key and ctx.kind[key] in SPEAKER_KINDS and key not in out \
                        and not ctx.is_quoted(t):
                    out.append(key)
        return out

    def _named(self, tok: Token) -> str | None:
        """A proper-noun subject the entity rules did not mark but whose words are a name
        the article gives elsewhere ("Liberty said", with "Liberty" found in another place)."""
        if self._names is None:
            names: dict[str, str | None] = {}
            for c in self.ctx.clusters:
                if c.kind not in SPEAKER_KINDS:
                    continue
                for m in c.mentions:
                    text = self.ctx.doc[m.start : m.end].text.lower()
                    names[text] = c.key if names.get(text, c.key) == c.key else None
            self._names = names
        words = [t for t in self.ctx.doc[tok.left_edge.i : tok.i + 1] if t.lower_ != "the"]
        if not words or any(t.pos_ != "PROPN" for t in words):
            return None
        return self._names.get(" ".join(t.lower_ for t in words))

    def _organisation(self, tok: Token) -> str | None:
        """"it"/"they": the organisation that spoke in the previous sentence ("The Greens
        said ... They also promised ..."), else the organisation that was the last subject."""
        last = self.last
        if last and self.ctx.kind.get(last) == "Organization" and self.sent - self.last_sent == 1 \
                and (tok.lower_ == "it" or self._plural_name(last, tok)):
            return last
        return self.coref.organisation(tok)

    def _plural_name(self, key: str, tok: Token) -> bool:
        """True if the last mention of ``key`` before ``tok`` is a plural name ("the
        Tories", "the Greens"), which "they" may stand for; "they" after "the Agency
        said" is more often the people it spoke about."""
        for i in range(tok.i - 1, -1, -1):
            if self.ctx.tok_entity[i] == key:
                return self.ctx.doc[i].tag_ in {"NNPS", "NNS"} or self.ctx.lower[i].endswith("s")
        return False

    def _last_speaker(self, tok: Token) -> str | None:
        """A title description no stated role matches ("..., the chancellor said"; "The
        former minister added") is the person who spoke last, if that was within three
        sentences and nobody else was named since."""
        if tok.lower_ not in lex.TITLE_HEADS or tok.lower_ in _UNNAMED or tok.tag_ == "NNS":
            return None
        last = self.last
        if last is None or self.ctx.kind.get(last) != "Person" \
                or not 0 <= self.sent - self.last_sent <= 3:
            return None
        if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in tok.children):
            return None  # "The shadow minister, Ann Lee, said": a name, if not a known one
        gender = self.coref.gender.get(last)
        words = {t.lower_ for t in tok.lefts}
        if gender == "f" and words & _MALE or gender == "m" and words & _FEMALE:
            return None  # "the lord chancellor" is not the baroness who spoke
        shadow = any(t.lower_ == "shadow" for t in tok.lefts)
        titles = [t.replace("-", " ").split() for t in self.coref.titles.get(last, [])]
        if titles and not any(t[-1] == tok.lower_ and ("shadow" in t) == shadow for t in titles):
            return None  # the last speaker's stated titles are other ones
        start = self.ctx.sents[self.last_sent].end
        for i in range(start, tok.i):
            key = self.ctx.tok_entity[i]
            if key and key != last and self.ctx.kind[key] == "Person" \
                    and not self.ctx.in_quote[self.ctx.doc[i].idx]:
                return None
        self.rule = "description-last-speaker"
        return last

    def _apposed(self, tok: Token) -> str | None:
        """A description with the name in apposition: "the home secretary, Ruth Kemp, said",
        "the campaign group Fair Votes said"."""
        # the apposed name before compounds ("the EU's Aid Commissioner, Ann Lee")
        for child in sorted(tok.children, key=lambda c: c.dep_ != "appos"):
            if child.dep_ in {"appos", "compound"}:
                key = entity(self.ctx, child)
                if key and (self.ctx.kind[key] == "Person" or self.ctx.kind[key] == (
                        "Organization") and tok.pos_ == "NOUN" and child.dep_ == "appos"):
                    return key
        return None

    def _owner(self, tok: Token, *, people: bool = False) -> str | None:
        """Who speaks through ``tok``: a spokesperson's organisation ("a Treasury
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
                key = ctx.entity_in(child.children, kinds)
                if key:
                    return key
            if people and child.dep_ == "acl" and child.tag_ == "VBN":
                # "figures gathered by X", "a study carried out by X": the participle's agent
                for agent in (c for c in child.children if c.dep_ == "agent"):
                    key = ctx.entity_in(agent.children, kinds)
                    if key:
                        return key
        return None
