"""Generate seeded, varied news articles about a recurring cast: text, and what they state.

Each article is written from sentence patterns news uses (a title before a name, an apposition,
a quotation with "Mr Surname said", a legislature acting on a named bill, a former office
holder, a one-off witness), about a world drawn once from the seed: a few hundred recurring
officials (chosen with a Zipf law, so some appear in many articles), institutions, parties,
regions and bills, plus people who appear once. Surnames repeat across different people, as
they do in the news.

``article(i)`` returns the text as a JSON-ready dict (``kg ingest`` reads it) and the same
article as a ``kg.model.Article`` whose entities, roles, statements and legislative actions
are the ground truth, with exact character offsets, so graphs can be made without spaCy
(``kg.resolve.resolve`` then ``kg.graph.to_graph``).

usage: python benchmarks/generate.py N [--seed S] [--start I] --out DIR   (writes N .json files)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.model import (  # noqa: E402 - the checkout's kg, not an installed one
    Article,
    Entity,
    Evidence,
    LegislativeAction,
    Role,
    Span,
    Statement,
)

SURNAMES = """
Zakir Chen Wang Li Zhang Liu Smith Jones Taylor Brown Williams Wilson Davies Evans Thomas
Johnson Roberts Walker Wright Robinson Thompson White Hughes Edwards Green Hall Wood Harris
Martin Jackson Clarke Clark Lewis Patel Khan Ahmed Ali Hussain Singh Kumar Sharma Gupta Das
Nguyen Tran Kim Park Lee Choi Tanaka Suzuki Sato Yamamoto Muller Schmidt Schneider Fischer
Weber Meyer Wagner Becker Dubois Martin Bernard Moreau Laurent Rossi Russo Bianchi Romano
Garcia Fernandez Lopez Martinez Sanchez Perez Gonzalez Rodriguez Silva Santos Oliveira Costa
Novak Kowalski Nowak Ivanov Petrov Popescu Horvat Jensen Hansen Nielsen Larsen Andersson
Johansson Karlsson Virtanen Murphy Kelly Byrne Ryan Walsh O'Brien Campbell Stewart Macdonald
Reid Murray Morrison Mensah Okafor Adeyemi Mwangi Otieno Kariuki Abdullah Rahman Hassan
Haddad Cohen Levi Friedman Erdogan Yilmaz Demir Kaya Sahin Celik Ozturk Aydin Rahimi Karimi
Hosseini Tahir Bekri Quanguo Rubio Menendez Blair Clarke Howard Prentis Falconer Kennedy
""".split()

REGIONS = """Xinjiang Tibet Sichuan Yunnan Guangdong Bavaria Saxony Catalonia Andalusia Lombardy
Scotland Wales Ontario Quebec Queensland Punjab Kerala Gujarat Bihar Texas California Florida
Flanders Wallonia Silesia Tuscany Brittany Normandy Anatolia Sindh""".split()
CITIES = """Urumqi Kashgar Hotan Lhasa Chengdu Munich Dresden Barcelona Seville Milan Glasgow
Cardiff Toronto Montreal Brisbane Lahore Kochi Patna Houston Miami Antwerp Krakow Florence
Rennes Izmir Karachi Manchester Leeds Bristol Lyon""".split()
MINISTRIES = ["Ministry of Finance", "Ministry of Health", "Ministry of Defence",
              "Ministry of Education", "Ministry of Justice", "Ministry of Trade",
              "Ministry of Foreign Affairs", "Ministry of Energy", "Home Office", "Treasury"]
LEGISLATURES = ["Parliament", "the Senate", "the House of Commons", "the House of Lords",
                "the National Assembly", "the United States Congress", "the European Parliament"]
PARTIES = ["Labour Party", "Conservative Party", "Liberal Democrats", "Green Party",
           "Democratic Party", "Republican Party", "Communist Party", "Scottish National Party"]
COMPANIES = ["Northwind Energy", "Harbour Bank", "Atlas Telecom", "Meridian Airlines",
             "Crown Steel", "Blue River Mining", "Granite Holdings", "Silverline Rail",
             "Orchid Pharmaceuticals", "Eastgate Shipping"]
COURTS = ["Supreme Court", "High Court", "Court of Appeal", "Constitutional Court"]
AGENCIES = ["Xinhua", "Reuters", "the Associated Press", "the BBC"]
TOPICS = """Data Protection|Climate Change|Housing|Immigration|Online Safety|Trade|Energy
Security|National Security|Counter-Terrorism|Education Reform|Health and Social Care|Water
Quality|Financial Services|Digital Markets|Public Order|Police Powers|Child Poverty|Rail
Reform|Fisheries|Agriculture|Pensions|Minimum Wage|Employment Rights|Renewable Energy|
Nuclear Safety|Electoral Reform|Press Freedom|Human Rights|Anti-Corruption|Border Control|
Tobacco Control|Gambling|Mental Health|Space Industry|Artificial Intelligence|Airport
Expansion|Drug Pricing|Consumer Protection|Animal Welfare|Building Safety""".replace(
    "\n", " ").split("|")
ONE_OFF_JOBS = ["teacher", "shopkeeper", "nurse", "farmer", "student", "taxi driver",
                "economist", "lawyer", "activist", "analyst", "researcher", "engineer"]
CLAUSES = [
    "the plan would protect jobs in the region", "the measures were necessary and lawful",
    "the government had acted too slowly", "costs would rise for ordinary families",
    "the decision was a serious mistake", "talks would continue next week",
    "the centres were for vocational training", "the money would be spent on hospitals",
    "the law would be reviewed within a year", "officials had ignored repeated warnings",
    "the economy would recover by the end of the year", "the reforms went too far",
    "more funding was needed for schools", "the inquiry should be independent",
]
QUOTES = [
    "We will not be intimidated by threats", "This is a dark day for democracy",
    "The people deserve better than this", "Nobody knows what will happen next",
    "We have listened carefully and we will act", "These measures are an affront to dignity",
    "I am confident we will reach an agreement", "The evidence speaks for itself",
    "We cannot allow this to continue", "Our priority is the safety of every citizen",
]
ACTIONS = [  # (action type, past-tense verb phrase before the law)
    ("pass", "passed"), ("amend", "voted to amend"), ("reject", "rejected"),
    ("introduce", "introduced"), ("debate", "debated"), ("delay", "delayed a vote on"),
    ("repeal", "repealed"), ("block", "blocked"), ("vote", "voted on"),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SINGLE_POSTS = {"governor", "chairman", "chief executive", "leader", "speaker", "president"}


GIVEN = """
Aaron Abdul Adam Adrian Ahmed Aisha Alan Alexander Alice Alim Amanda Amir Ana Andrew Angela
Anna Anne Anthony Antonio Arjun Ayesha Barbara Ben Bernard Bilal Bob Boris Brian Bruno Carlos
Caroline Catherine Charles Chen Chloe Chris Christine Claire Daniel David Deborah Diana Dmitri
Elena Elif Elizabeth Emily Emma Erkin Eric Fatima Felipe Fiona Francesca Frank Gareth George
Giulia Grace Hannah Hans Harriet Helen Henry Hiroshi Hugo Ian Ibrahim Ingrid Isabel Ivan Jack
Jacob James Jane Javier Jean Jennifer Jessica John Jonathan Jose Joseph Julia Karen Katarzyna
Kate Kenji Kevin Khalid Laura Leila Lena Liam Linda Lucy Luis Marco Maria Mark Martin Mary
Matthew Mei Michael Miguel Mohammed Nadia Naomi Natalia Nicholas Nicola Nina Nur Olga Oliver
Omar Patricia Paul Pedro Peter Priya Rachel Rahul Rajesh Rebecca Richard Robert Rosa Ruth
Samuel Sandra Sara Sarah Sergei Shohrat Simon Sofia Sophie Stefan Stephen Susan Tariq Thomas
Timothy Tom Valentina Victor Wei Wendy William Yasmin Yusuf Zainab Zhang Zoe
""".split()


@dataclass(frozen=True)
class Person:
    given: str
    surname: str
    title: str
    org: str
    female: bool

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"

    @property
    def honorific(self) -> str:
        return f"{'Ms' if self.female else 'Mr'} {self.surname}"


@dataclass
class World:
    """The recurring cast, institutions and bills, drawn once from the seed."""

    people: list[Person]
    laws: list[str]
    given: list[str]

    @classmethod
    def make(cls, seed: int, *, cast: int = 400, bills: int = 150) -> World:
        rnd = random.Random(seed)
        given = GIVEN
        people = []
        for _ in range(cast):
            kind = rnd.random()
            if kind < 0.3:
                title, org = "minister", rnd.choice(MINISTRIES)
            elif kind < 0.45:
                title, org = rnd.choice(["governor", "chairman"]), \
                    f"government of {rnd.choice(REGIONS)}"
            elif kind < 0.65:
                title, org = rnd.choice(["leader", "spokesman", "chairman", "deputy leader"]), \
                    rnd.choice(PARTIES)
            elif kind < 0.8:
                title, org = rnd.choice(["chief executive", "chairman", "spokeswoman"]), \
                    rnd.choice(COMPANIES)
            elif kind < 0.9:
                title, org = "judge", rnd.choice(COURTS)
            else:
                title, org = rnd.choice(["senator", "MP", "speaker"]), \
                    rnd.choice(LEGISLATURES).removeprefix("the ")
            people.append(Person(rnd.choice(given), rnd.choice(SURNAMES), title, org,
                                 rnd.random() < 0.4))
        laws = []
        for i in range(bills):
            topic = rnd.choice(TOPICS).strip()
            laws.append(rnd.choice([f"{topic} Bill", f"{topic} Act",
                                    f"{topic} (Amendment) Bill", f"{topic} Act {2010 + i % 12}"]))
        return cls(people, sorted(set(laws)), given)


@dataclass
class _Writer:
    """Builds an article's text piece by piece, recording where each entity and fact is."""

    text: str = ""
    entities: dict[str, Entity] = field(default_factory=dict)
    sentences: list[Span] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    actions: list[LegislativeAction] = field(default_factory=list)
    _sentence_start: int = 0

    def put(self, text: str) -> Span:
        start = len(self.text)
        self.text += text
        return Span(start, len(self.text), text)

    def ent(self, key: str, kind: str, name: str, written: str | None = None,
            subkind: str | None = None) -> str:
        span = self.put(written or name)
        old = self.entities.get(key)
        if old is None:
            aliases: tuple[str, ...] = () if span.text == name else (span.text,)
            self.entities[key] = Entity(key, kind, name, aliases, (span,),  # type: ignore[arg-type]
                                        subkind)
        else:
            aliases = old.aliases + ((span.text,) if span.text not in (name, *old.aliases)
                                     else ())
            self.entities[key] = Entity(key, old.kind, old.name, aliases,
                                        (*old.mentions, span), old.subkind)
        return key

    def begin(self) -> None:
        self._sentence_start = len(self.text)

    def end(self, text: str = ".") -> Span:
        self.put(text)
        sentence = Span(self._sentence_start, len(self.text),
                        self.text[self._sentence_start:])
        self.sentences.append(sentence)
        return sentence

    def paragraph(self) -> None:
        self.put("\n\n")


def _key(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def _org_kind(org: str) -> tuple[str, str | None]:
    if org.startswith(("Ministry", "government of", "Home Office", "Treasury")):
        return "Organization", "GovernmentOrganization"
    if org in PARTIES:
        return "Organization", "PoliticalParty"
    return "Organization", None


def article(world: World, i: int, seed: int = 0) -> tuple[dict[str, str], Article]:
    """Article number ``i`` of the world: the JSON ``kg ingest`` reads, and the ground truth."""
    rnd = random.Random(f"{seed}-{i}")
    day = dt.date(2018, 1, 1) + dt.timedelta(days=i // 8)
    weights = [1 / (k + 1) for k in range(len(world.people))]
    cast: list[Any] = []
    while len(cast) < 4:
        p = rnd.choices(world.people, weights)[0]
        if p not in cast and all(p.surname != q.surname for q in cast):
            cast.append(p)
    law = rnd.choices(world.laws, [1 / (k + 1) ** 0.8 for k in range(len(world.laws))])[0]
    lead, second, third, former = cast
    w = _Writer()
    headline = rnd.choice([
        f"{lead.surname} defends {law}", f"Row over {law} deepens",
        f"{lead.org.removeprefix('government of ')} under pressure over {law}",
        f"Critics attack {law} as vote nears"])
    w.put(headline)
    w.paragraph()
    body_start = len(w.text)

    def person(p: Person, written: str | None = None) -> str:
        return w.ent(_key(p.name), "Person", p.name, written)

    def org(name: str, written: str | None = None) -> str:
        kind, sub = _org_kind(name)
        return w.ent(_key(name), kind, name, written, sub)

    # 1. title before the name
    w.begin()
    title_span = w.put(lead.title.capitalize() if lead.title != "MP" else "MP")
    w.put(" ")
    lead_key = person(lead)
    w.put(f" on {rnd.choice(WEEKDAYS)} ")
    verb = w.put("defended")
    w.put(" the ")
    law_key = w.ent(_key(law), "Legislation", law)
    w.put(f", saying {rnd.choice(CLAUSES)}")
    sentence = w.end()
    w.roles.append(Role(lead_key, lead.title.lower(),
                        Evidence(sentence, title_span, "generated", 0.9)))
    w.statements.append(Statement(lead_key, "defend", Evidence(sentence, verb, "generated", 0.9)))
    w.paragraph()

    # 2. apposition with the organisation
    w.begin()
    person(lead, lead.honorific)
    w.put(", the ")
    title_span = w.put(lead.title.lower())
    w.put(" of the " if lead.org.startswith("government") else " of ")
    org_key = org(lead.org)
    w.put(", ")
    verb = w.put("said")
    agency = rnd.choice(AGENCIES)
    w.put(" in an interview with the " if agency.startswith("the ") else " in an interview with ")
    org(agency.removeprefix("the "))
    w.put(f" that {rnd.choice(CLAUSES)}")
    sentence = w.end()
    w.roles.append(Role(lead_key, lead.title.lower(),
                        Evidence(sentence, title_span, "generated", 0.9), organization=org_key))
    w.statements.append(Statement(lead_key, "say", Evidence(sentence, verb, "generated", 0.9)))
    w.paragraph()

    # 3. a quotation, attributed after it
    w.begin()
    quote = rnd.choice(QUOTES)
    w.put(f"\u201c{quote},\u201d ")
    person(lead, lead.honorific)
    w.put(" ")
    verb = w.put("said")
    sentence = w.end()
    w.statements.append(Statement(lead_key, "say", Evidence(sentence, verb, "generated", 0.9),
                                  quote=quote))
    w.paragraph()

    # 4. the legislature acts on the bill
    w.begin()
    action, phrase = rnd.choice(ACTIONS)
    legislature = rnd.choice(LEGISLATURES)
    if legislature.startswith("the "):
        w.put("The ")
        actor = org(legislature[4:])
    else:
        actor = org(legislature)
    w.put(" ")
    verb = w.put(phrase)
    w.put(" the ")
    w.ent(law_key, "Legislation", law)
    w.put(f" {rnd.choice(['last week', 'on ' + rnd.choice(WEEKDAYS), 'earlier this month'])}")
    sentence = w.end()
    w.actions.append(LegislativeAction(action, law_key,
                                       Evidence(sentence, verb, "generated", 0.9), actor=actor))
    w.paragraph()

    # 5. someone in the same organisation or an opponent, with a title after the name
    w.begin()
    second_key = person(second)
    w.put(", ")
    title_span = w.put(second.title.lower())
    w.put(" of the " if second.org.startswith("government") else " of ")
    second_org = org(second.org)
    w.put(", ")
    said, lemma = rnd.choice([("warned", "warn"), ("said", "say"), ("insisted", "insist")])
    verb = w.put(said)
    w.put(f" that {rnd.choice(CLAUSES)}")
    sentence = w.end()
    w.roles.append(Role(second_key, second.title.lower(),
                        Evidence(sentence, title_span, "generated", 0.9),
                        organization=second_org))
    w.statements.append(Statement(second_key, lemma, Evidence(sentence, verb, "generated", 0.9)))
    w.paragraph()

    # 6. a former office holder: the role ended before the article's date
    w.begin()
    title_span = w.put(f"Former {former.title.lower()}")
    w.put(" ")
    former_key = person(former)
    w.put(" ")
    verb = w.put("criticised")
    w.put(f" the plan, saying {rnd.choice(CLAUSES)}")
    sentence = w.end()
    w.roles.append(Role(former_key, f"former {former.title.lower()}",
                        Evidence(sentence, title_span, "generated", 0.8), former=True))
    w.statements.append(Statement(former_key, "criticise",
                                  Evidence(sentence, verb, "generated", 0.8)))
    w.paragraph()

    # 7. a one-off witness somewhere, sometimes sharing a surname with the cast
    w.begin()
    surname = third.surname if rnd.random() < 0.2 else rnd.choice(SURNAMES)
    witness = Person(rnd.choice(world.given), surname, rnd.choice(ONE_OFF_JOBS), "", False)
    if witness.name in {p.name for p in cast}:
        witness = Person(witness.given + "a", surname, witness.title, "", False)
    w.put(f"{witness.title.capitalize()} ")
    witness_key = person(witness)
    w.put(" from ")
    city = rnd.choice(CITIES)
    w.ent(_key(city), "Location", city)
    w.put(" ")
    verb = w.put("said")
    w.put(f" {rnd.choice(CLAUSES)}")
    sentence = w.end()
    w.statements.append(Statement(witness_key, "say",
                                  Evidence(sentence, verb, "generated", 0.7)))
    w.paragraph()

    # 8. a third official who did not comment
    w.begin()
    person(third)
    w.put(f" was not available for comment, and the {rnd.choice(['ministry', 'party', 'company'])}"
          f" said it would respond {rnd.choice(['in due course', 'next week', 'shortly'])}")
    w.end()

    text = w.text.rstrip()
    body = text[body_start:]
    ident = f"gen-{seed}-{i:06d}"
    record = {"id": ident, "title": headline, "date": day.isoformat(), "text": body}
    truth = Article(
        id=ident, text=text, title=headline, date=day, body_start=body_start,
        entities=tuple(sorted(w.entities.values(), key=lambda e: e.key)),
        roles=tuple(w.roles), statements=tuple(w.statements), actions=tuple(w.actions),
        sentences=tuple(w.sentences),
    )
    return record, truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="number of the first article")
    parser.add_argument("--out", type=Path, required=True, help="directory for the .json files")
    args = parser.parse_args(argv)
    world = World.make(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(args.start, args.start + args.n):
        record, _ = article(world, i, args.seed)
        (args.out / f"{record['id']}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# ------------------------------------------------------------------ graphs without rdflib
def graph_quads(article: Article, *, model_version: str = "") -> list[ox.Quad]:
    """The quads ``kg.graph.to_graph`` holds for a resolved article: ``kg.quads.to_quads``,
    the build's own RDF step (a faster copy of ``to_graph`` lived here before it existed)."""
    from kg.quads import to_quads

    return to_quads(article, model_version=model_version)


def quads_maker(world: World, seed: int) -> Callable[[Article], list[ox.Quad]]:
    """How to turn a generated article of ``world``/``seed`` into its graph's quads."""
    return graph_quads


def articles_jsonl(out: Path, n: int, corpus: str | None = None) -> Path:
    """The first ``n`` articles of ``corpus`` (a JSON-lines file), or ``n`` generated ones
    (seed 0), written to ``out`` as JSON lines for ``kg build``."""
    if corpus and Path(corpus).is_file():
        with open(corpus, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
            for k, line in enumerate(src):
                if k >= n:
                    break
                dst.write(line)
        return out
    world = World.make(0)
    with open(out, "w", encoding="utf-8") as dst:
        for i in range(n):
            doc, _ = article(world, i, 0)
            dst.write(json.dumps(doc) + "\n")
    return out


