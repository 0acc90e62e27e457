"""Entity resolution across articles: blocking keys, evidence scores and merge decisions.

How an entity of a new article finds its twin among the stored ones, without a scan:

1. ``describe`` reads the entities of one article graph as the article alone names them
   (the IRIs ``kg.resolve`` gives, here called *local* IRIs): kind, name, aliases, titles.
2. ``lookup_keys`` turns their names into blocking keys. Every stored entity is indexed under
   the keys of all the names any article gave it (``index_keys``), so the candidates are the
   union of a few exact key look-ups, whatever the size of the store:

   ============  =================================  ==========================================
   kind          key (examples)                      found by
   ============  =================================  ==========================================
   person        ``person/n:shohrat zakir`` (first   the same first name and surname ("Shohrat
                 name + surname)                     Zakir", "Governor Shohrat Zakir", "Mr.
                                                     Shohrat Zakir", "Shohrat A. Zakir")
   person        ``person/i:s zakir`` (initial +     a name with an initial ("S. Zakir"); and
                 surname), ``person/io:s zakir``     ``io:`` finds people stored only with an
                                                     initial from a full name
   person        ``person/s:zakir`` (surname)        a bare surname ("Zakir", "Mr Zakir")
   person        ``person/so:zakir``                 a full name, for people known so far only
                                                     by their surname
   organisation  ``org/n:congress states united``    the same words in any order ("US Congress",
                                                     "Congress of the United States")
   organisation  ``org/a:ccp``                       an acronym ("CCP", "Chinese Communist
                                                     Party")
   organisation  ``org/h:congress``                  a one-word name ("Congress")
   place, law    ``place/n:xinjiang``                the same words
   ============  =================================  ==========================================

3. ``score`` weighs the evidence for each candidate, from 0 to 1: the names (same full name
   0.9, compatible first names or initials 0.7, surname only 0.6, an acronym 0.75, the head word
   of an organisation 0.5; the same surname with different first names rules a candidate out),
   the same title (+0.15) or post (+0.1), different titles when only the surname matches
   (-0.2), and entities the candidate was mentioned with before (+0.1 each, at most +0.2;
   looked up only when the names leave a doubt: several candidates, or no exact name). Kinds
   never mix: keys carry the kind.
4. ``resolve_entities`` takes the best candidate scoring at least THRESHOLD and at least MARGIN
   above the runner-up; otherwise it mints a new IRI (the local one, numbered if taken). Names
   are resolved most specific first, so a bare "Zakir" is weighed with the people, places and
   organisations already recognised in the same article.

Stores keep what this module decides (see ``kg.store``); this module only reads through the
small ``Lookup`` interface and never writes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from kg.resolve import is_generic_law
from kg.vocab import KG, ORG, RDF, SDO

__all__ = ["THRESHOLD", "MARGIN", "LocalEntity", "Facts", "Candidate", "Link", "Lookup",
           "ArticleGraph", "MAX_BLOCK", "describe", "article_of", "person_tokens", "org_tokens",
           "index_keys", "lookup_keys", "normalize_title", "is_single_seat", "score",
           "resolve_entities"]

#: A candidate must score at least this much to be reused ...
THRESHOLD = 0.6
#: ... and this much more than the runner-up (otherwise the mention is ambiguous: kept apart).
MARGIN = 0.1
#: A blocking key shared by more entities than this is not used: a name that common ("Mr
#: Thompson") cannot pick one of them anyway, and reading the block would cost more as the
#: store grows.
MAX_BLOCK = 20
#: At most this many candidates are scored per entity.
MAX_CANDIDATES = 50
#: Co-mentions are checked against at most this many entities already resolved in the article.
MAX_ANCHORS = 8

KINDS = {SDO.Person: "Person", ORG.Organization: "Organization", SDO.Place: "Location",
         SDO.Legislation: "Legislation"}
_PREFIX = {"Person": "person", "Organization": "org", "Location": "place", "Legislation": "law"}

_HONORIFICS = frozenset("mr mrs ms miss mx dr prof professor sir dame rev reverend lord lady "
                        "madam mme m".split())
#: Words a reporter puts before a name that are not part of it ("Governor Shohrat Zakir").
_TITLE_WORDS = frozenset("""
    governor gov senator sen president pres chairman chairwoman chair secretary minister
    premier mayor judge justice general gen colonel col captain capt rep representative
    congressman congresswoman ambassador commissioner chancellor prince princess king queen
    sheikh pope bishop archbishop cardinal father imam deputy vice prime foreign home party
    chief spokesman spokeswoman inspector detective sergeant sgt lieutenant lt major maj
    admiral adm officer leader boss teacher lawyer activist professor economist analyst
    regional provincial former acting state the
""".split())
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "at", "a", "an", "&"})
_EXPAND = {"us": ("united", "states"), "usa": ("united", "states"),
           "uk": ("united", "kingdom"), "eu": ("european", "union"),
           "un": ("united", "nations"), "govt": ("government",), "dept": ("department",)}
#: Title modifiers that do not change the post ("regional governor" is a governor).
_TITLE_MODIFIERS = frozenset({"former", "acting", "interim", "then", "regional", "local",
                              "provincial", "national", "state", "senior", "top", "new",
                              "current", "outgoing", "incoming", "the", "region's"})
#: Posts one person holds at a time in an organisation.
_SINGLE_SEAT = frozenset({"chairman", "chairwoman", "chair", "chairperson", "governor",
                          "president", "premier", "mayor", "chancellor", "speaker", "boss",
                          "leader", "head", "chief", "ceo", "secretary-general",
                          "director-general", "king", "queen", "governor-general", "editor",
                          "prime minister", "general secretary", "party secretary",
                          "secretary", "chief executive", "commissioner"})
_NOT_SINGLE = ("deputy", "vice", "assistant", "associate", "co-", "former")


# ------------------------------------------------------------------ what an article says
@dataclass(frozen=True)
class LocalEntity:
    """One entity of one article graph, as that article alone names it.

    ``titles`` holds (title as written, organisation's local IRI or None) for the roles the
    article reports as held (not former ones); ``scoped`` entities (laws named generically,
    "the regional legislation") belong to their article and are never merged.
    """

    iri: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    titles: tuple[tuple[str, str | None], ...] = ()
    scoped: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Facts:
    """What the store knows of one entity: its kind, names, titles and posts (``title|org``)."""

    kind: str
    labels: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    posts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A stored entity weighed for a local one: its IRI, score and the evidence, in words."""

    iri: str
    score: float
    evidence: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class Link:
    """What resolution decided for one local entity.

    ``outcome`` is ``"merged"`` (an existing entity is reused: a merge decision), ``"new"``
    (a new IRI), ``"ambiguous"`` (new, because two candidates were too close), or
    ``"separated"`` (new, because a user undid this merge before).
    """

    entity: LocalEntity
    iri: str
    outcome: str
    candidates: tuple[Candidate, ...] = field(default=())

    @property
    def chosen(self) -> Candidate | None:
        """The candidate that was reused, if any."""
        return self.candidates[0] if self.outcome == "merged" else None


class Lookup(Protocol):
    """Read access to the stored entities (``kg.store`` implements it over its index)."""

    def candidates(self, keys: Iterable[str]) -> list[str]:
        """IRIs of the entities indexed under any of ``keys``, sorted; a key shared by more
        than ``MAX_BLOCK`` entities is skipped."""

    def facts(self, iri: str) -> Facts | None:
        """What is known of ``iri``, or None if no such entity is stored."""

    def seen_with(self, a: str, b: str) -> bool:
        """Whether some stored article mentions both ``a`` and ``b``."""


class ArticleGraph:
    """The quads of one article graph, indexed for reading (plain dicts: no rdflib, no store).

    Examples:
        >>> import pyoxigraph as ox
        >>> g = ArticleGraph([ox.Quad(ox.NamedNode("http://a"), ox.NamedNode(str(SDO.name)),
        ...                           ox.Literal("A"))])
        >>> g.value("http://a", SDO.name)
        'A'
    """

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.quads = list(quads)
        self._out: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        self._in: dict[tuple[str, str], list[str]] = {}
        for q in self.quads:
            s, p, o = str(getattr(q.subject, "value", q.subject)), q.predicate.value, q.object
            self._out.setdefault((s, p), []).append(o)  # type: ignore[arg-type]
            self._in.setdefault((p, o.value), []).append(s)  # type: ignore[union-attr]

    def values(self, subject: str, predicate: str) -> list[str]:
        """Lexical values (IRIs, literals) of ``subject``'s ``predicate``, sorted."""
        return sorted(o.value for o in self._out.get((subject, str(predicate)), ()))

    def value(self, subject: str | None, predicate: str) -> str | None:
        """One value of ``subject``'s ``predicate`` (the least, for determinism), or None."""
        if subject is None:
            return None
        found = self.values(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str) -> list[str]:
        """Subjects with ``predicate`` ``obj`` (an IRI or a literal's value), sorted."""
        return sorted(set(self._in.get((str(predicate), str(obj)), ())))


def article_of(graph: ArticleGraph) -> tuple[str, str]:
    """The article IRI of one article graph and the article's id.

    Raises:
        ValueError: the graph holds no ``schema:NewsArticle`` with a ``schema:identifier``.
    """
    for art in graph.subjects(RDF.type, SDO.NewsArticle):
        ident = graph.value(art, SDO.identifier)
        if ident is not None:
            return art, ident
    raise ValueError("no schema:NewsArticle with a schema:identifier in the graph")


def describe(graph: ArticleGraph) -> list[LocalEntity]:
    """The entities of one article graph, sorted by IRI."""
    found: dict[str, LocalEntity] = {}
    for cls, kind in KINDS.items():
        for node in graph.subjects(RDF.type, cls):
            name = graph.value(node, SDO.name)
            if node in found or name is None:
                continue
            aliases = tuple(x for x in graph.values(node, SDO.alternateName) if x != name)
            titles = set()
            for membership in graph.subjects(ORG.member, node):
                title = graph.value(membership, KG.title)
                if title is None or graph.value(membership, KG.former) is not None:
                    continue
                titles.add((title, graph.value(membership, ORG.organization)))
            found[node] = LocalEntity(
                iri=node, kind=kind, name=name, aliases=aliases,
                titles=tuple(sorted(titles, key=lambda t: (t[0], t[1] or ""))),
                scoped=kind == "Legislation" and is_generic_law(name))
    return [found[k] for k in sorted(found)]


# ------------------------------------------------------------------ names and keys
def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]s\b", "", ascii_text) if ascii_text else ascii_text
    return ascii_text.lower()


def person_tokens(name: str) -> tuple[str, ...]:
    """The words of a person's name without honorifics, titles before it and suffixes.

    Examples:
        >>> person_tokens("Governor Shohrat Zakir")
        ('shohrat', 'zakir')
        >>> person_tokens("Mr. Zakir")
        ('zakir',)
        >>> person_tokens("Chen Quanguo's")
        ('chen', 'quanguo')
    """
    words = [w.strip(".,;:()\"") for w in re.split(r"\s+", _fold(name).replace("'", ""))]
    words = [w for w in words if w and w != "-"]
    while len(words) > 1 and (words[0] in _HONORIFICS or words[0] in _TITLE_WORDS):
        words.pop(0)
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return tuple(words)


def org_tokens(name: str) -> tuple[str, ...]:
    """The significant words of an organisation, place or law name, abbreviations expanded.

    Examples:
        >>> org_tokens("the U.S. Congress")
        ('united', 'states', 'congress')
    """
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?|&", _fold(name)):
        word = word.replace(".", "")
        if word in _STOPWORDS or not word:
            continue
        words.extend(_EXPAND.get(word, (word,)))
    return tuple(words)


def _acronym(name: str) -> str | None:
    """The acronym a name is, or the one it gives ("Chinese Communist Party" -> "ccp")."""
    compact = name.replace(".", "").strip()
    if re.fullmatch(r"[A-Z]{2,6}", compact):
        return compact.lower()
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", name) if w.lower() not in _STOPWORDS]
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        return "".join(w[0] for w in words).lower()
    return None


def _person_parts(labels: Iterable[str]) -> tuple[set[tuple[str, ...]], set[str]]:
    """Full names (2+ words) and bare surnames among ``labels``."""
    full, bare = set(), set()
    for label in labels:
        words = person_tokens(label)
        if len(words) >= 2:
            full.add(words)
        elif words:
            bare.add(words[0])
    return full, bare


def index_keys(kind: str, labels: Iterable[str]) -> set[str]:
    """Keys an entity with these names is stored under.

    Examples:
        >>> sorted(index_keys("Person", ["Shohrat Zakir", "Mr Zakir"]))
        ['person/i:s zakir', 'person/n:shohrat zakir', 'person/s:zakir']
        >>> sorted(index_keys("Organization", ["United States Congress"]))
        ['org/a:usc', 'org/h:congress', 'org/n:congress states united']
    """
    labels = list(labels)
    prefix = _PREFIX[kind]
    keys: set[str] = set()
    if kind == "Person":
        full, bare = _person_parts(labels)
        for words in full:
            first, surname = words[0], words[-1]
            keys.add(f"{prefix}/i:{first[0]} {surname}")
            keys.add(f"{prefix}/s:{surname}")
            # a first name is looked up whole; a bare initial ("S. Zakir") by the initial
            keys.add(f"{prefix}/n:{first} {surname}" if len(first) > 1
                     else f"{prefix}/io:{first} {surname}")
        for surname in bare:
            keys.add(f"{prefix}/s:{surname}")
            if not full:
                keys.add(f"{prefix}/so:{surname}")
        return keys
    for label in labels:
        if kind == "Legislation" and is_generic_law(label):
            continue
        words = org_tokens(label)
        if not words:
            continue
        keys.add(f"{prefix}/n:{' '.join(sorted(words))}")
        if kind == "Organization":
            acronym = _acronym(label)
            if acronym:
                keys.add(f"{prefix}/a:{acronym}")
            keys.add(f"{prefix}/h:{words[-1]}")
    return keys


def lookup_keys(entity: LocalEntity) -> set[str]:
    """Keys under which the stored twins of ``entity`` may be found.

    Examples:
        >>> sorted(lookup_keys(LocalEntity("x", "Person", "Zakir")))
        ['person/s:zakir']
        >>> sorted(lookup_keys(LocalEntity("x", "Person", "Alim Zakir", ("Mr Zakir",))))
        ['person/io:a zakir', 'person/n:alim zakir', 'person/so:zakir']
    """
    prefix = _PREFIX[entity.kind]
    if entity.kind == "Person":
        full, bare = _person_parts(entity.labels)
        if not full:
            return {f"{prefix}/s:{s}" for s in bare}
        keys = set()
        for words in full:
            first, surname = words[0], words[-1]
            if len(first) > 1:  # the same first name, or stored only with its initial
                keys |= {f"{prefix}/n:{first} {surname}", f"{prefix}/io:{first[0]} {surname}"}
            else:  # an initial: any first name starting with it
                keys.add(f"{prefix}/i:{first} {surname}")
            keys.add(f"{prefix}/so:{surname}")  # people known so far by their surname only
        return keys
    keys = {k for k in index_keys(entity.kind, entity.labels) if "/h:" not in k}
    if entity.kind == "Organization":
        for label in entity.labels:
            words = org_tokens(label)
            if len(words) == 1:
                keys.add(f"{prefix}/h:{words[0]}")
    return keys


# ------------------------------------------------------------------ titles
def normalize_title(title: str) -> str:
    """A title without modifiers that do not change the post.

    Examples:
        >>> normalize_title("former regional Governor")
        'governor'
    """
    words = title.lower().split()
    while len(words) > 1 and words[0] in _TITLE_MODIFIERS:
        words.pop(0)
    return " ".join(words)


def _title_head(title: str) -> str:
    words = normalize_title(title).split()
    return words[-1] if words else ""


def is_single_seat(title: str) -> bool:
    """Whether one person at a time holds this post in an organisation.

    Examples:
        >>> is_single_seat("chairman"), is_single_seat("vice-chairman"), is_single_seat("senator")
        (True, False, False)
    """
    norm = normalize_title(title)
    if norm.startswith(_NOT_SINGLE) or "vice-" in norm or "deputy" in norm:
        return False
    return norm in _SINGLE_SEAT or _title_head(norm) in _SINGLE_SEAT


# ------------------------------------------------------------------ evidence
def _compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same surname and first names that may be the same ("S Zakir" ~ "Shohrat Zakir")."""
    if a[-1] != b[-1]:
        return False
    fa, fb = a[0], b[0]
    return fa == fb or (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb))


def _name_evidence(entity: LocalEntity, facts: Facts) -> tuple[float, list[str]]:
    if entity.kind == "Person":
        m_full, m_bare = _person_parts(entity.labels)
        c_full, c_bare = _person_parts(facts.labels)
        if m_full & c_full:
            shared = sorted(m_full & c_full)[0]
            written = sorted(x for x in facts.labels if person_tokens(x) == shared)
            return 0.9, [f"same name: {written[0] if written else ' '.join(shared)}"]
        if m_full and c_full:
            same_surname = [(a, b) for a in m_full for b in c_full if a[-1] == b[-1]]
            good = [(a, b) for a, b in same_surname if _compatible(a, b)]
            if good:
                a, b = sorted(good)[0]
                return 0.7, [f"compatible names: {' '.join(a)} ~ {' '.join(b)}"]
            if same_surname:
                a, b = sorted(same_surname)[0]
                return 0.0, [f"different first names: {' '.join(a)} / {' '.join(b)}"]
            return 0.0, []
        m_surnames = {w[-1] for w in m_full} | m_bare
        c_surnames = {w[-1] for w in c_full} | c_bare
        shared_surnames = sorted(m_surnames & c_surnames)
        if shared_surnames:
            return 0.6, [f"surname only: {shared_surnames[0]}"]
        return 0.0, []
    # stored labels are a frozenset: in sorted order, the first label of each key wins, so
    # the evidence (and the acronym test) never depend on the process's string hashes
    stored = sorted(facts.labels, reverse=True)  # later ones overwrite: the first wins
    m_sets = {frozenset(org_tokens(x)): x for x in entity.labels if org_tokens(x)}
    c_sets = {frozenset(org_tokens(x)): x for x in stored if org_tokens(x)}
    same = sorted(m_sets.keys() & c_sets.keys(), key=sorted)
    if same:
        return 0.9, [f"same name: {c_sets[same[0]]}"]
    if entity.kind == "Organization":
        m_acr = {_acronym(x): x for x in entity.labels}
        c_acr = {_acronym(x): x for x in stored}
        for acr in sorted(k for k in m_acr.keys() & c_acr.keys() if k):
            mine, theirs = m_acr[acr], c_acr[acr]
            if mine.replace(".", "").isupper() or theirs.replace(".", "").isupper():
                return 0.75, [f"acronym: {mine} / {theirs}"]
        for m_label in entity.labels:
            words = org_tokens(m_label)
            if len(words) != 1:
                continue
            for c_label in sorted(facts.labels):
                c_words = org_tokens(c_label)
                if len(c_words) > 1 and c_words[-1] == words[0]:
                    return 0.5, [f"short name: {m_label} / {c_label}"]
    return 0.0, []


def score(entity: LocalEntity, facts: Facts, *, posts: Iterable[str] = (),
          co_mentioned: Iterable[str] = ()) -> tuple[float, tuple[str, ...]]:
    """How likely ``entity`` is the stored entity described by ``facts`` (0 to 1), and why.

    Args:
        entity: the entity of the new article.
        facts: what the store knows of the candidate.
        posts: the entity's posts as ``title|org IRI`` with the organisations already resolved.
        co_mentioned: names of entities of the new article that earlier articles mention
            together with the candidate.

    Examples:
        >>> stored = Facts("Person", frozenset({"Shohrat Zakir", "Zakir"}),
        ...                frozenset({"governor"}))
        >>> score(LocalEntity("x", "Person", "Zakir", titles=(("governor", None),)), stored)
        (0.75, ('surname only: zakir', 'same title: governor'))
        >>> score(LocalEntity("x", "Person", "Alim Zakir"), stored)[0]
        0.0
    """
    if entity.kind != facts.kind:
        return 0.0, ("different kinds",)
    value, evidence = _name_evidence(entity, facts)
    if value <= 0:
        return 0.0, tuple(evidence)
    if entity.kind == "Person":
        mine = {normalize_title(t) for t, _ in entity.titles}
        heads = {_title_head(t) for t in mine}
        theirs = {_title_head(t) for t in facts.titles}
        shared = sorted(heads & theirs)
        if shared:
            value += 0.15
            evidence.append(f"same title: {shared[0]}")
        elif heads and theirs and value < 0.9:
            value -= 0.2
            evidence.append(f"different titles: {', '.join(sorted(heads))} / "
                            f"{', '.join(sorted(theirs))}")
        same_posts = sorted(set(posts) & facts.posts)
        if same_posts:
            value += 0.1
            title, org = same_posts[0].split("|", 1)
            evidence.append(f"same post: {title} in {org.rsplit('/id/', 1)[-1]}")
    together = sorted(co_mentioned)
    if together:
        value += 0.1 * min(2, len(together))
        evidence.append(f"mentioned before with: {', '.join(together[:5])}")
    return round(max(0.0, min(1.0, value)), 2), tuple(evidence)


def _specificity(entity: LocalEntity) -> tuple[int, str]:
    """Resolve the most specific names first; bare surnames and one-word names last."""
    if entity.kind == "Person":
        full, _ = _person_parts(entity.labels)
        rank = 3 if full else 5
    else:
        rank = {"Legislation": 0, "Location": 1, "Organization": 2}[entity.kind]
        if all(len(org_tokens(x)) <= 1 for x in entity.labels):
            rank = 4
    return rank, entity.iri


def _mint(entity: LocalEntity, taken: set[str], lookup: Lookup) -> str:
    """The local IRI, numbered if this article or a stored entity already uses it."""
    iri, n = entity.iri, 2
    while iri in taken or lookup.facts(iri) is not None:
        iri = f"{entity.iri}-{n}"
        n += 1
    return iri


def resolve_entities(entities: Iterable[LocalEntity], lookup: Lookup, *,
                     separated: dict[str, str] | None = None,
                     vetoed: dict[str, set[str]] | None = None) -> list[Link]:
    """Decide, for each entity of one article, which stored entity it is, or that it is new.

    Args:
        entities: the article's entities (``describe``).
        lookup: the store's index.
        separated: local IRI -> IRI a user gave it by undoing a merge (kept on re-ingest).
        vetoed: local IRI -> stored IRIs it must not be merged with.

    Returns:
        One Link per entity, in the order given, each with its scored candidates.
    """
    entities = list(entities)
    separated = separated or {}
    vetoed = vetoed or {}
    taken: set[str] = set()  # IRIs given to this article's entities
    decided: dict[str, Link] = {}
    anchors: dict[str, str] = {}  # stored IRI -> its name in this article, for co-mentions
    orgs: dict[str, str] = {}  # local IRI -> resolved IRI, for posts
    for entity in sorted(entities, key=_specificity):
        if entity.scoped:
            decided[entity.iri] = Link(entity, entity.iri, "new")
            taken.add(entity.iri)
            continue
        if entity.iri in separated:
            iri = separated[entity.iri]
            decided[entity.iri] = Link(entity, iri, "separated")
            taken.add(iri)
            continue
        posts = [f"{normalize_title(t)}|{orgs[o]}" for t, o in entity.titles if o in orgs]
        found = lookup.candidates(sorted(lookup_keys(entity)))
        weighed = []  # (candidate, its facts, score from names, titles and posts)
        for iri in found[:MAX_CANDIDATES]:
            if iri in taken or iri in vetoed.get(entity.iri, ()):
                continue
            facts = lookup.facts(iri)
            if facts is None:
                continue
            value = score(entity, facts, posts=posts)[0]
            if value > 0:  # otherwise ruled out by its names: no need to look further
                weighed.append((iri, facts, value))
        # co-mentions only matter when the names leave a doubt: one exact name is enough
        doubt = len(weighed) > 1 or any(value < 0.9 for _, _, value in weighed)
        scored = []
        for iri, facts, _ in weighed:
            with_ = [name for other, name in sorted(anchors.items())[:MAX_ANCHORS]
                     if doubt and lookup.seen_with(iri, other)]
            value, evidence = score(entity, facts, posts=posts, co_mentioned=with_)
            scored.append(Candidate(iri, value, evidence, _display(facts)))
        scored.sort(key=lambda c: (-c.score, c.iri))
        best = scored[0] if scored else None
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if best is not None and best.score >= THRESHOLD and best.score - runner_up >= MARGIN:
            link = Link(entity, best.iri, "merged", tuple(scored))
            anchors[best.iri] = entity.name
        else:
            outcome = "ambiguous" if best is not None and best.score >= THRESHOLD else "new"
            link = Link(entity, _mint(entity, taken, lookup), outcome, tuple(scored))
        taken.add(link.iri)
        decided[entity.iri] = link
        if entity.kind == "Organization":
            orgs[entity.iri] = link.iri
    return [decided[e.iri] for e in entities]


def _display(facts: Facts) -> str:
    """The fullest of the stored names, for reports."""
    return max(sorted(facts.labels), key=len) if facts.labels else ""
