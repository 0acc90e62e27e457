"""Give every entity of an article an IRI, deterministically from its kind and name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from urllib.parse import quote

from kg.model import Article, Entity
from kg.vocab import ID

_FOLDER = {"Person": "person", "Organization": "org", "Location": "place", "Legislation": "law"}


def slug(text: str) -> str:
    """Return a readable, IRI-safe key for ``text``.

    Examples:
        >>> slug("Shohrat Zakir")
        'shohrat-zakir'
        >>> slug("Chen Quanguo's")
        'chen-quanguo-s'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return key or quote(text.strip().lower().replace(" ", "-"), safe="")


def is_generic_law(name: str) -> bool:
    """A law named without a capitalised word ("regional legislation", "the bill")."""
    return not any(word[:1].isupper() for word in name.split())


def entity_iri(entity: Entity, article_id: str) -> str:
    """The IRI of ``entity``: shared across articles, except for laws named generically."""
    folder = _FOLDER[entity.kind]
    if entity.kind == "Legislation" and is_generic_law(entity.name):
        return str(ID[f"{folder}/{slug(article_id)}/{slug(entity.name)}"])
    return str(ID[f"{folder}/{slug(entity.name)}"])


def resolve(article: Article) -> Article:
    """Return ``article`` with an IRI on every entity.

    Two entities of one article never share an IRI: if their names slug alike, the later
    one gets a numbered suffix.
    """
    taken: set[str] = set()
    entities = []
    for entity in article.entities:
        iri = base = entity_iri(entity, article.id)
        n = 2
        while iri in taken:
            iri = f"{base}-{n}"
            n += 1
        taken.add(iri)
        entities.append(replace(entity, iri=iri))
    return article.with_(entities=tuple(entities))
