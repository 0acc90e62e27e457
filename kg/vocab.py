"""Namespaces: newskg's own terms (strict, declared in schemas/ontology.ttl) and the W3C ones."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD, DefinedNamespace

__all__ = [
    "BASE", "ACTION", "ARTICLE", "ELI", "GRAPH", "ID", "KG", "OA", "ORG", "PROV", "RDF", "RDFS",
    "ROLE", "SDO", "SKOS", "TIME", "XSD", "PREFIXES",
]

BASE = "https://w3id.org/newskg/"


class KG(DefinedNamespace):
    """newskg ontology terms; a misspelt term raises AttributeError."""

    _NS = Namespace(BASE + "ns#")
    _fail = True

    LegislativeAction: URIRef
    ActionType: URIRef
    ActionTypes: URIRef
    actionType: URIRef
    reportingVerb: URIRef
    rule: URIRef
    confidence: URIRef
    former: URIRef
    title: URIRef
    textOffset: URIRef
    bodyStart: URIRef
    sentence: URIRef


OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ID = Namespace(BASE + "id/")  # entities: id/person/..., id/org/..., id/place/..., id/law/...
ROLE = Namespace(BASE + "role/")
ACTION = Namespace(BASE + "action/")
ARTICLE = Namespace(BASE + "article/")  # articles, and their facts and spans below them
GRAPH = Namespace(BASE + "graph/")  # one named graph per article

#: Prefixes bound in every graph newskg writes and every query it runs.
PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "schema": str(SDO),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "time": str(TIME),
    "skos": str(SKOS),
    "eli": str(ELI),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "id": str(ID),
    "role": str(ROLE),
    "action": str(ACTION),
    "article": str(ARTICLE),
    "graph": str(GRAPH),
}
