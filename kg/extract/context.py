"""What the extraction rules share about one parsed article: its entities and their mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import InitVar, dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract.entities import Cluster, Mention, Words
from kg.model import Article, Evidence, Span

PRONOUNS_PERSON = {"he", "she", "him", "her"}
QUOTE_OPEN = "\"“«‘'"
QUOTE_CLOSE = "\"”»’'"


@dataclass
class Context:
    """A parsed article with its entities indexed by token."""

    doc: Doc
    article: Article
    clusters: list[Cluster]
    tok_entity: list[str | None] = field(default_factory=list)
    nested: dict[int, str] = field(default_factory=dict)
    mention_of: dict[int, Mention] = field(default_factory=dict)
    in_quote: list[bool] = field(default_factory=list)
    words: InitVar[Words | None] = None  # read from ``doc`` if not given

    def __post_init__(self, words: Words | None) -> None:
        self.tok_entity = [None] * len(self.doc)
        self.kind = {c.key: c.kind for c in self.clusters}
        self.name = {c.key: c.name for c in self.clusters}
        for c in self.clusters:
            for m in c.mentions:
                for i in range(m.start, m.end):
                    if m.nested:
                        self.nested[i] = c.key
                    else:
                        self.tok_entity[i] = c.key
                        self.mention_of[i] = m
        self.text = self.article.text  # == doc.text, which spaCy rebuilds on every access
        self.in_quote = _quoted_chars(self.text)
        self.sents = list(self.doc.sents)
        # each token's lower case, lemma and dependency: rules scan these for the rare words
        # they start from and make spaCy token objects only there
        words = words or Words(self.doc)
        self.lower, self.lemma, self.dep = words.lower, words.lemma, words.dep

    # ------------------------------------------------------------ entities
    def entity_of(self, tok: Token) -> str | None:
        """The entity a token belongs to (the outer organisation for "government of X")."""
        return self.nested.get(tok.i) or self.tok_entity[tok.i]

    def entity_in(self, tokens: Iterable[Token], kinds: tuple[str, ...] = ()) -> str | None:
        """The first entity of one of ``kinds`` among ``tokens``."""
        for tok in tokens:
            key = self.entity_of(tok) or self.tok_entity[tok.i]
            if key and (not kinds or self.kind[key] in kinds):
                return key
        return None

    def mention_bounds(self, tok: Token) -> tuple[int, int]:
        """Token bounds of the mention that holds ``tok`` (itself if none)."""
        m = self.mention_of.get(tok.i)
        return (m.start, m.end) if m else (tok.i, tok.i + 1)

    def is_quoted(self, tok: Token) -> bool:
        """True if the token stands inside quotation marks."""
        return self.in_quote[tok.idx] if tok.idx < len(self.in_quote) else False

    # ------------------------------------------------------------ spans
    def span(self, start: int, end: int) -> Span:
        """A model Span for characters ``start:end`` of the text."""
        return Span(start, end, self.text[start:end])

    def token_span(self, first: int, last: int) -> Span:
        """The characters from token ``first`` through token ``last`` (inclusive)."""
        a, b = self.doc[min(first, last)], self.doc[max(first, last)]
        return self.span(a.idx, b.idx + len(b.text))

    def sentence(self, sent: SpacySpan) -> Span:
        """The sentence without surrounding white space."""
        text = self.text[sent.start_char : sent.end_char]
        lead = len(text) - len(text.lstrip())
        return self.span(sent.start_char + lead, sent.start_char + len(text.rstrip()))

    def evidence(self, sent: SpacySpan, first: int, last: int, rule: str,
                 confidence: float) -> Evidence:
        """Evidence: ``sent`` and the phrase from token ``first`` to ``last``."""
        return Evidence(self.sentence(sent), self.token_span(first, last), rule, confidence)


def _quoted_chars(text: str) -> list[bool]:
    """For each character, whether it stands inside a quotation (paragraphs reset it)."""
    inside: list[bool] = []
    state = False
    done = 0
    for found in _QUOTE_MARKS.finditer(text):  # the characters between marks keep the state
        i = found.start()
        inside.extend([state] * (i - done))
        ch = text[i]
        if ch == "\n":
            state = False
        elif ch in "“«":
            state = True
        elif ch in "”»":
            state = False
        else:
            # a straight quote opens after space or start, closes otherwise
            prev = text[i - 1] if i else " "
            state = prev.isspace() or prev in "([—-–:" if not state else False
        inside.append(ch != "\n")  # a quotation mark belongs to its quotation
        done = i + 1
    inside.extend([state] * (len(text) - done))
    return inside


_QUOTE_MARKS = re.compile('[\n“«”»"]')


def starts_with_quote(sent: SpacySpan) -> bool:
    """True if the sentence opens with a quotation mark."""
    text = sent.text.lstrip()
    return bool(text) and text[0] in "\"“«"
