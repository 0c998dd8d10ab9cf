"""The actor graph of a storyline: who appears with whom, and who speaks about whom.

The edges are counted by DuckDB where the rows are (store/stories.py, `write_graphs`), since a
storyline can hold tens of thousands of articles; what is here works on the edges as stored.
One networkx.MultiDiGraph, so the two relations between a pair can both be kept and GraphML can
carry them (a plain Graph allows one edge per pair). Edges are keyed by their kind:

- "cooccurrence": the two actors are among the most mentioned of one article. Symmetric, so
  stored once, from the smaller actor id to the larger; weight = the number of articles.
- "quoted_about": a quote by the source actor mentions the target. Directed (speaker ->
  mentioned); weight = the number of quotes.

Each edge keeps its first ARTICLE_IDS_CAP article ids. Text is cleared of characters XML 1.0
cannot hold, so an odd name cannot make a GraphML file unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

COOCCURRENCE = "cooccurrence"
QUOTED_ABOUT = "quoted_about"
ARTICLE_IDS_CAP = 25
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return _NOT_XML.sub("", value)


def _scalar(value: object) -> object:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple | set | frozenset):
        return xml_text(" ".join(map(str, value)))
    return value


def _graphml_safe(graph: nx.Graph) -> nx.Graph:
    """A copy GraphML can hold: text without XML-forbidden characters, lists joined with spaces,
    None attributes left out (GraphML has no null)."""
    def attrs(data: Mapping) -> dict:
        return {str(k): _scalar(v) for k, v in data.items() if v is not None}

    def node(n: object) -> object:
        return xml_text(n) if isinstance(n, str) else n

    safe = graph.__class__()
    safe.graph.update(attrs(graph.graph))
    safe.add_nodes_from((node(n), attrs(d)) for n, d in graph.nodes(data=True))
    if graph.is_multigraph():
        safe.add_edges_from((node(u), node(v), k, attrs(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    else:
        safe.add_edges_from((node(u), node(v), attrs(d)) for u, v, d in graph.edges(data=True))
    return safe


def write_graphml(graph: nx.Graph, path: Path) -> None:
    """The graph as GraphML (Gephi, yEd, Cytoscape read it). `networkx.read_graphml(path,
    force_multigraph=True)` gives it back with the same nodes, edges, keys and attributes
    (without force_multigraph networkx reads a graph with no parallel edges as a DiGraph)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(_graphml_safe(graph), str(path), encoding="utf-8")


def strength(graph: nx.Graph) -> dict[str, float]:
    """Each node's total edge weight, both kinds, both directions."""
    total: dict[str, float] = dict.fromkeys(graph.nodes, 0.0)
    for u, v, weight in graph.edges(data="weight", default=1):
        total[u] += weight
        total[v] += weight
    return total


def top_subgraph(graph: nx.Graph, max_nodes: int = 30, max_edges: int | None = None) -> nx.Graph:
    """The strongest part of the graph, for drawing: the `max_nodes` nodes of highest strength
    (then most articles, then id), and of the edges among them the `max_edges` heaviest (default
    three per node), so a story with hundreds of actors draws as a readable picture rather than
    tens of thousands of lines. A copy; the given graph is untouched."""
    if max_edges is None:
        max_edges = 3 * max_nodes
    weight = strength(graph)
    ranked = sorted(graph.nodes, key=lambda n: (-weight[n], -graph.nodes[n].get("articles", 0), str(n)))
    keep = set(ranked[:max(max_nodes, 0)])
    sub = graph.__class__()
    sub.add_nodes_from((n, graph.nodes[n]) for n in ranked if n in keep)
    if graph.is_multigraph():
        edges = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True) if u in keep and v in keep]
    else:
        edges = [(u, v, None, d) for u, v, d in graph.edges(data=True) if u in keep and v in keep]
    edges.sort(key=lambda e: (-e[3].get("weight", 1), str(e[0]), str(e[1]), str(e[2])))
    for u, v, key, data in edges[:max(max_edges, 0)]:
        if key is None:
            sub.add_edge(u, v, **data)
        else:
            sub.add_edge(u, v, key=key, **data)
    return sub
