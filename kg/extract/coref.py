"""Coreference inside one article: speakers' pronouns and definite descriptions
("the chancellor")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.extract import lexicon as lex
from kg.extract.context import Context
from kg.model import Role

_FEMALE = {"mrs", "ms", "miss", "lady", "baroness", "dame", "she", "her"}
_MALE = {"mr", "sir", "lord", "baron", "he", "him", "his"}
#: Heads of a description that stands for an organisation ("the campaign", "the firm").
_ORG_DESCRIPTION_HEADS = lex.ORG_HEADS | {"alliance", "campaign", "group", "charity", "firm",
                                          "company"}


def _before(tok: Token, sentences: int) -> Iterator[int]:
    """Indices of the tokens before ``tok``, nearest first, back to the start of the
    ``sentences``-th sentence before the one ``tok`` is in."""
    doc = tok.doc
    starts = 0
    for i in range(tok.i - 1, -1, -1):
        if doc[i].is_sent_start:
            starts += 1
            if starts > sentences:
                return
        yield i


def _reported_before(tok: Token) -> frozenset[int]:
    """Tokens of the words reported before a pronoun speaker ("Mr Lund's plan would fail,
    he said"): a speaker does not name himself there, so those names are not his."""
    if tok.dep_ != "nsubj":
        return frozenset()
    return frozenset(t.i for c in tok.head.children if c.dep_ == "ccomp" and c.i < tok.i
                     for t in c.subtree)


def _after_but(subj: Token) -> bool:
    """True if the subject ``subj`` opens a clause after "but" ("X said so, but Y rejected
    it"): a main clause of its own, wherever the parser hangs it."""
    k = subj.left_edge.i - 1
    while k > 0 and subj.doc[k].is_punct:
        k -= 1
    return k >= 0 and subj.doc[k].lower_ == "but"


def np_title_head(tok: Token) -> Token | None:
    """The title word opening the noun phrase of ``tok`` ("The governor of X's region").

    The small model often attaches "The governor of China's ... region" to "region"; the
    phrase still starts with the determiner and the title.
    """
    doc = tok.doc
    i = tok.left_edge.i
    if doc[i].lower_ not in {"the", "a", "an"}:
        return None
    j = i + 1
    while j <= tok.i and j < len(doc) and doc[j].lower_ in lex.TITLE_MODIFIERS:
        j += 1
    if j <= tok.i and doc[j].lower_ in lex.TITLE_HEADS:
        return doc[j]
    return None


_UNNAMED_PEOPLE = {"spokesman", "spokeswoman", "spokesperson", "man", "woman", "official",
                   "source", "lawyer", "aide", "friend", "colleague", "father", "mother", "son",
                   "daughter", "husband", "wife", "brother", "sister", "officer", "witness"}


_PLURAL_PEOPLE = {"man", "woman", "pair", "couple", "brother", "sister", "judge", "peer", "men",
                  "women"}


class Coref:
    """Resolves pronouns and role descriptions to person entities, left to right."""

    def __init__(self, ctx: Context, roles: list[Role]) -> None:
        self.ctx = ctx
        self.gender: dict[str, str] = {}
        for c in ctx.clusters:
            for m in c.mentions:
                first = m.text.split()[0].lower().rstrip(".")
                if first in _FEMALE:
                    self.gender[c.key] = "f"
                elif first in _MALE:
                    self.gender[c.key] = "m"
        self.described: list[tuple[str, Token]] = []  # (person, title word) found by salience
        self.titles: dict[str, list[str]] = {}
        for role in roles:
            self.titles.setdefault(role.person, []).append(role.title)

    def pronoun(self, tok: Token, *, prefer: str | None = None, since: int = -1) -> str | None:
        """The person a "he"/"she" refers to: the last person named before it (3 sentences).

        ``prefer`` is the speaker of the previous statement, chosen when the gender allows
        and nobody else was named after ``since`` (the token ending that statement's sentence,
        which may name others below its speaker).
        People named where they cannot be the referent are passed over (``_passed_over``).
        """
        low = tok.lower_
        want = "f" if low in {"she", "her"} else "m" if low in {"he", "him", "his"} else None
        if want is None:
            return None
        reported = _reported_before(tok)
        if prefer and self.ctx.kind.get(prefer) == "Person" and self.gender.get(prefer) in (
                None, want):
            if self._recent(prefer, tok, want, reported, since):
                return prefer
        by_subject = self._subject_antecedent(tok, want)
        if by_subject is not None:
            return by_subject or None
        doc = self.ctx.doc
        for i in _before(tok, 3):
            key = self.ctx.tok_entity[i]
            if key and self.ctx.kind[key] == "Person" and self.gender.get(key) in (None, want):
                if not self.ctx.is_quoted(doc[i]) and i not in reported:
                    return key
        return None

    def _passed_over(self, i: int, want: str) -> bool:
        """True if the person named at token ``i`` is not a candidate referent for a later
        pronoun of gender ``want``: a possessor inside a prepositional phrase ("under Ann
        Lee's government"), or someone named below a same-gender pronoun subject ("She doubts
        Ms Vane will sign": "she" is not Ms Vane, and is the referent carried on)."""
        doc = self.ctx.doc
        m = self.ctx.mention_of.get(i)
        root = doc[i]
        if m is not None:
            while m.start <= root.head.i < m.end and root.head.i != root.i:
                root = root.head
        if root.dep_ == "poss" and root.head.dep_ == "pobj":
            return True
        if root.dep_ in {"nsubj", "nsubjpass"} and root.head.dep_ == "conj":
            return False  # "he was tired of it, but Mr Lund denied that": a clause of its own
        pronouns = {"she"} if want == "f" else {"he"}
        node = root
        for _ in range(8):
            if node.head.i == node.i:
                break
            node = node.head
            if any(c.dep_ == "nsubj" and c.lower_ in pronouns and c.i < i
                   for c in node.children):
                return True
        return False

    def _subject_antecedent(self, tok: Token, want: str) -> str | None:
        """The antecedent found through the subjects of the sentences before ``tok``.

        Returns the person, "" when the nearest person subject is unnamed ("James Okafor's
        spokesman declined to comment. He said ..."), or None when subjects do not decide.
        """
        doc = self.ctx.doc
        for i in _before(tok, 2):
            t = doc[i]
            if t.dep_ not in {"nsubj", "nsubjpass"} or self.ctx.is_quoted(t) \
                    or t.head.dep_ not in {"ROOT", "conj"} and not _after_but(t):
                continue
            key = self.ctx.tok_entity[t.i]
            if key is not None:
                if self.ctx.kind[key] == "Person" and self.gender.get(key) in (None, want):
                    return key
                continue
            low = t.lower_
            if low in {"he", "she"}:
                continue  # the same referent: look further back
            if low in _UNNAMED_PEOPLE or (low in lex.TITLE_HEADS and not self.description(t)):
                # "A spokesman said ... . He ...": the unnamed one, unless a person was
                # named in a later sentence ("... showed tensions with Mr Lund. He denied")
                named = any(self.ctx.tok_entity[j] and self.ctx.kind[self.ctx.tok_entity[j] or ""]
                            == "Person" and not self.ctx.is_quoted(doc[j])
                            for j in range(t.sent.end, tok.i))
                return None if named else ""
        return None

    def _recent(self, key: str, tok: Token, want: str, reported: frozenset[int],
                since: int) -> bool:
        """True unless another person of the same gender was named since ``key`` (or since
        token ``since``); names in the reported words before the pronoun and passed-over ones
        do not count. Before ``since``, in the statement's own sentence, only the subject
        of a clause set beside the speaker's counts ("X said so, but Y rejected it")."""
        doc = self.ctx.doc
        sent_start = tok.sent.start
        i = tok.i - 1
        while i >= 0 and tok.i - i < 120:
            if i < since:
                return not self._rebutted(key, i, want)
            if i >= sent_start and self.ctx.dep[i] in {"nsubj", "nsubjpass"} \
                    and self.ctx.lower[i] in lex.TITLE_HEADS \
                    and doc[i].tag_ == "NN" and not self.ctx.tok_entity[i] \
                    and not self.ctx.is_quoted(doc[i]) and self.description(doc[i]) != key:
                # "..., the prime minister ended a visit, during which he" (in the
                # pronoun's sentence; one sentence back, the title may be the speaker's)
                return False
            other = self.ctx.tok_entity[i]
            if other == key:
                return True
            if other and other != key and self.ctx.kind[other] == "Person" \
                    and not self.ctx.is_quoted(doc[i]) and i not in reported \
                    and not self._passed_over(i, want) \
                    and not self._subject_before(key, i):
                return False
            i -= 1
        return True

    def _rebutted(self, key: str, end: int, want: str) -> bool:
        """True if, in the sentence ending at token ``end``, another person of its own
        coordinate clause follows ``key``: "Ann Lee said it was slow, but Tom Hart rejected
        her comments" (a pronoun after it is Tom Hart's more than Ann Lee's)."""
        doc = self.ctx.doc
        for j in range(end, doc[end].sent.start - 1, -1):
            other = self.ctx.tok_entity[j]
            if other == key:
                return False
            if not other or self.ctx.kind[other] != "Person" or self.ctx.dep[j] != "nsubj" \
                    or self.gender.get(other) not in (None, want) or self.ctx.is_quoted(doc[j]):
                continue
            if _after_but(doc[j]):
                return True
        return False

    def _subject_before(self, key: str, i: int) -> bool:
        """True if ``key`` is a subject earlier in the sentence of token ``i`` ("Mr Lund
        denied Mr Okoro said so. He added ...": the subject, not the object, carries on).
        Not when ``i`` is the subject of a main clause of its own ("Mr Lund said so, but Mr
        Okoro rejected it"): that one is the latest subject."""
        tok = self.ctx.doc[i]
        if tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.dep_ in {"conj", "ROOT"}:
            return False
        start = tok.sent.start
        return any(self.ctx.tok_entity[j] == key and self.ctx.dep[j] in {"nsubj", "nsubjpass"}
                   for j in range(start, i))

    def description(self, tok: Token) -> str | None:
        """The entity a definite description refers to: "the chancellor", "the Tory leader"
        (a person with that title), "the committee", "the alliance" (an organisation so named).
        """
        head = tok.lower_
        mods = {c.lower_ for c in tok.children if c.dep_ in {"compound", "amod"}
                and c.lower_ not in lex.PARTY_ADJECTIVES and not self.ctx.entity_of(c)}
        if head in _ORG_DESCRIPTION_HEADS:
            return self._org_named(tok)
        if head not in lex.TITLE_HEADS:
            return None
        former = "former" in mods
        mods.discard("former")
        matches: list[str] = []
        for person, titles in self.titles.items():
            for title in titles:
                parts = title.replace("-", " ").split()
                words = set(parts)
                if parts[-1] == head and mods <= words and former == title.startswith("former") \
                        and ("shadow" in words) == ("shadow" in mods):
                    matches.append(person)
                    break
        if len(set(matches)) == 1:
            return matches[0]
        if matches:
            return self._latest(set(matches), tok)
        salient = self._salient(tok)
        if salient is not None:
            self.described.append((salient, tok))
        return salient

    def _salient(self, tok: Token) -> str | None:
        """Elegant variation: "Simon Ash has denied ... The Tory leader said ...".

        A definite title description that opens a sentence names the person who was the
        subject of the previous sentence, if nobody else was named in between.
        """
        doc = self.ctx.doc
        sent = tok.sent
        if tok.i - sent.start > 3 or sent.start == 0:
            return None
        prev = doc[sent.start - 1].sent
        found: str | None = None
        for t in doc[prev.start : tok.i]:
            key = self.ctx.tok_entity[t.i]
            if key and self.ctx.kind[key] == "Person" and not self.ctx.is_quoted(t):
                if found not in (None, key):
                    return None
                found = key
        if found is None:
            return None
        subj = next((t for t in prev if t.dep_ == "nsubj" and t.head.dep_ == "ROOT"), None)
        if subj is None or self.ctx.tok_entity[subj.i] != found:
            return None
        words = {t.lower_ for t in tok.lefts}
        if words & (_MALE if self.gender.get(found) == "f" else _FEMALE if self.gender.get(
                found) == "m" else set()):
            return None  # "the lord chancellor" is not the baroness named before
        return found

    def _latest(self, keys: set[str], tok: Token) -> str | None:
        for i in range(tok.i - 1, -1, -1):
            if self.ctx.tok_entity[i] in keys:
                return self.ctx.tok_entity[i]
        return None

    def _org_named(self, tok: Token) -> str | None:
        """"the committee" -> the last organisation whose name has the word "Committee"."""
        head = tok.lower_
        for i in range(tok.i - 1, -1, -1):
            key = self.ctx.tok_entity[i] or self.ctx.nested.get(i)
            if key and self.ctx.kind[key] == "Organization" and head in self.ctx.name[
                    key].lower().split():
                return key
        return None

    def group(self, tok: Token) -> list[str]:
        """The people a plural subject refers to: "They" or "the judges" right after a
        sentence that named them together ("Judge A and Judge B ruled ... They said")."""
        low = tok.lower_
        if low != "they" and not (tok.tag_ == "NNS" and (
                tok.lemma_ in lex.TITLE_HEADS or tok.lemma_ in _PLURAL_PEOPLE)
                and any(c.lower_ in {"the", "both"} for c in tok.children)):
            return []
        doc = self.ctx.doc
        for i in _before(tok, 3):
            t = doc[i]
            key = self.ctx.tok_entity[i]
            if low == "they" and key and self.ctx.kind[key] == "Organization" \
                    and t.dep_ in {"nsubj", "nsubjpass"}:
                return []  # "they" is the organisation named nearer
            if key is None or self.ctx.kind[key] != "Person" or t.dep_ != "conj" \
                    or self.ctx.is_quoted(t):
                continue
            head = t.head
            while head.dep_ == "conj" and head.head is not head:
                head = head.head
            keys = [self.ctx.tok_entity[c.i] for c in (head, *head.conjuncts)]
            people = [k for k in dict.fromkeys(keys) if k and self.ctx.kind[k] == "Person"]
            if len(people) >= 2 and head.dep_ in {"nsubj", "nsubjpass"}:
                return people
            return []
        return []

    def organisation(self, tok: Token) -> str | None:
        """"it"/"they" as a speaker: the organisation that was the last subject (3 sentences)."""
        doc = self.ctx.doc
        for i in _before(tok, 2):
            key = self.ctx.tok_entity[i]
            if key and doc[i].dep_ in {"nsubj", "nsubjpass", "pobj"} and not self.ctx.is_quoted(
                    doc[i]):
                return key if self.ctx.kind[key] == "Organization" else None
        return None

    def lede(self, tok: Token) -> str | None:
        """A title description opening the article names the first person of what follows.

        News ledes describe before they name: "The governor of X has defended ...", then
        "Shohrat Zakir, chairman of ..., said". Only the first sentence qualifies.
        """
        first = self.ctx.sents[0]
        if not (first.start <= tok.i < first.end) or tok.lower_ not in lex.TITLE_HEADS:
            return None
        if any(self.ctx.kind.get(self.ctx.tok_entity[t.i] or "") == "Person" for t in first):
            return None
        sents = self.ctx.sents[1:3]
        for sent in sents:
            for t in sent:
                key = self.ctx.tok_entity[t.i]
                if key and self.ctx.kind[key] == "Person":
                    return key
        return None
