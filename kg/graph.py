"""An article as an rdflib Dataset (``to_graph``), and reading and writing graph files.

The quads themselves are made in ``kg.quads`` and validated in ``kg.shacl``; both are
re-exported here, where the API has always had them.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError
from kg.model import Article
from kg.quads import SOFTWARE, article_iri, graph_iri, to_quads
from kg.shacl import _engine as _engine
from kg.shacl import _pyshacl_validate as _pyshacl_validate
from kg.shacl import _shapes as _shapes
from kg.shacl import (
    check_spans,
    to_rdflib,
    validate,
    validate_many,
    validate_quads,
)
from kg.vocab import PREFIXES

__all__ = ["FORMATS", "SOFTWARE", "article_iri", "graph_iri", "to_graph", "to_quads",
           "from_quads", "validate", "validate_quads", "validate_many", "check_spans",
           "read_graph", "write_graph", "quiet_rdflib", "GraphWriter", "to_oxigraph"]

#: --format name -> (rdflib format, file suffix)
FORMATS = {
    "trig": ("trig", ".trig"),
    "nquads": ("nquads", ".nq"),
    "turtle": ("turtle", ".ttl"),
    "json-ld": ("json-ld", ".jsonld"),
}


def to_graph(article: Article, *, model_version: str = "") -> Dataset:
    """Return a Dataset holding ``article`` as one named graph (see schemas/ontology.ttl).

    Made from ``kg.quads.to_quads`` (what ``kg build`` writes), so both hold the same triples.

    Args:
        article: an extracted and resolved article.
        model_version: recorded on the extraction activity, e.g. ``en_core_web_sm 3.8.0``.
    """
    return from_quads(to_quads(article, model_version=model_version))


def from_quads(quads: Sequence[ox.Quad], *, into: Dataset | None = None) -> Dataset:
    """A Dataset (newskg's prefixes bound) holding ``quads`` in their named graphs; with
    ``into``, the quads are added to that Dataset and it is returned."""
    ds = new_dataset() if into is None else into
    by_graph: dict[Any, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q)
    for name, group in by_graph.items():
        g = ds.graph(URIRef(name.value)) if isinstance(name, ox.NamedNode) else ds.default_graph
        g.addN((s, p, o, g) for s, p, o in to_rdflib(group))
    return ds


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence the deprecation warnings rdflib 7.5+ raises on its own Dataset API.

    Its serializers and parsers still call ``Dataset.contexts`` and ``ConjunctiveGraph``;
    the warnings are about rdflib's code, not ours, and would fail ``-W error`` runs.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        yield


def new_dataset() -> Dataset:
    """An empty Dataset with newskg's prefixes bound."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    return ds


def to_oxigraph(ds: Dataset) -> list[ox.Quad]:
    """The quads of ``ds`` as pyoxigraph terms, sorted (so output built from them is stable)."""
    out = [ox.Quad(ox_term(s), ox_term(p), ox_term(o),
                   ox_term(g) if isinstance(g, URIRef) else ox.DefaultGraph())
           for s, p, o, g in ds.quads()]
    out.sort(key=str)
    return out


def ox_term(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term (NamedNode, BlankNode or Literal)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


class GraphWriter:
    """Writes article graphs to one TriG or N-Quads file as they come, never all in memory.

    The file appears only when the writer closes without error (written to a temporary
    name, then renamed), so a failed build never leaves half a graph behind.
    """

    def __init__(self, path: str | Path, *, format: str = "trig") -> None:
        if format not in {"trig", "nquads"}:
            raise ValueError("GraphWriter streams trig or nquads")
        self.path = Path(path)
        self.format = format
        self._tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self._file = open(self._tmp, "wb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write ({exc.strerror}); "
                             "check the directory's permissions or choose another") from None
        if format == "trig":
            self._file.write("".join(f"@prefix {p}: <{ns}> .\n"
                                     for p, ns in PREFIXES.items()).encode())

    def add(self, graph: Dataset | Sequence[ox.Quad]) -> Sequence[ox.Quad]:
        """Append the graphs of ``graph``: a Dataset, or quads in the order ``to_quads``
        gives them (sorted). Return the quads as written (pyoxigraph terms), so that a
        caller can keep them without converting a Dataset a second time."""
        quads = to_oxigraph(graph) if isinstance(graph, Dataset) else graph
        if self.format == "nquads":
            self._file.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
            return quads
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
        self._file.write(b"\n" + b"\n".join(line for line in data.split(b"\n")
                                            if not line.startswith(b"@prefix ")))
        return quads

    def close(self, *, keep: bool = True) -> None:
        """Finish the file (or, with ``keep=False``, throw it away)."""
        self._file.close()
        if keep:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def write_graph(ds: Dataset, path: str | Path, *, format: str = "trig") -> Path:
    """Write ``ds`` to ``path`` in one of FORMATS; ``turtle`` writes the union of all graphs.

    The output is deterministic: the same dataset gives the same bytes.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    with quiet_rdflib():
        if format == "turtle":
            union = Graph()
            for prefix, ns in PREFIXES.items():
                union.bind(prefix, ns)
            for q in ds.quads():
                union.add(q[:3])
            data = union.serialize(format="turtle")
        elif format == "nquads":
            data = "".join(sorted(line + "\n" for line in ds.serialize(format="nquads").splitlines()
                                  if line.strip()))
        elif format == "json-ld":
            # rdflib orders nodes by hash, which changes between runs; JSON-LD arrays are sets
            doc = _sorted_arrays(json.loads(ds.serialize(format="json-ld")))
            data = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        else:
            data = ds.serialize(format="trig")
    return write_text(path, data, "graph")


def write_text(path: Path, text: str, what: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file, so a failure never leaves half a
    file behind; a StoreError naming ``what`` (graph, page) if it cannot."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write the {what} ({exc.strerror}); "
                         "check that the folder exists and is writable") from None
    return path


def _sorted_arrays(node: Any, *, ordered: bool = False) -> Any:
    """``node`` with every JSON-LD array sorted, except ``@list`` ones (their order matters)."""
    if isinstance(node, dict):
        return {k: _sorted_arrays(v, ordered=k == "@list") for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_arrays(v) for v in node]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return node


def read_graph(path: str | Path) -> Dataset:
    """Read a graph file (TriG, N-Quads, Turtle, N-Triples, JSON-LD) or build directory.

    Raises:
        StoreError: the file is missing or not valid RDF.
    """
    path = Path(path)
    if path.is_dir():
        found = [path / n for n in ("graph.trig", "graph.nq", "graph.jsonld", "graph.ttl")
                 if (path / n).is_file()]
        if not found:
            raise StoreError(f"{path}: no graph.trig (or .nq/.jsonld/.ttl) in this directory; "
                             "run 'kg build ARTICLE --out DIR' first")
        path = found[0]
    if not path.is_file():
        raise StoreError(f"{path}: no such graph file or directory")
    fmt = {".trig": "trig", ".nq": "nquads", ".ttl": "turtle", ".nt": "nt",
           ".jsonld": "json-ld", ".json": "json-ld"}.get(path.suffix.lower())
    if fmt is None:
        raise StoreError(f"{path}: unknown graph file type; use .trig, .nq, .ttl, .nt or .jsonld")
    ds = new_dataset()
    try:
        with quiet_rdflib():
            ds.parse(str(path), format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{path}: not valid RDF ({first})") from exc
    return ds

