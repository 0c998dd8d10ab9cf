"""The actor graph of a story: who appears with whom, and who speaks about whom.

One networkx.MultiDiGraph, so the two relations between a pair can both be kept and GraphML can
carry them (a plain Graph allows one edge per pair). Edges are keyed by their kind:

- "cooccurrence": the two actors appear in the same article. Symmetric, so stored once, from the
  smaller actor id to the larger, with `directed=False`; weight = the number of articles.
- "quoted_about": a quote by the source actor mentions the target. Directed (speaker ->
  mentioned, `directed=True`); weight = the number of quotes.

Every attribute is a GraphML scalar: the article ids of an edge are joined with spaces (ids hold
no spaces) and capped at ARTICLE_IDS_CAP, with `article_count` giving the full number. Text is
cleared of characters XML 1.0 cannot hold, so an odd name cannot make the file unreadable.

Nodes: id = actor id; name, kind, articles (how many articles name the actor), quotes (how many
it speaks), quoted_about (in how many quotes others mention it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path

import networkx as nx

COOCCURRENCE = "cooccurrence"
QUOTED_ABOUT = "quoted_about"
ARTICLE_IDS_CAP = 25
# an article naming hundreds of actors (a list, a results table) would add their square of
# pairs; its first ones (the caller's order: most mentioned first) stand for it
ACTORS_PER_ARTICLE = 60
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return _NOT_XML.sub("", value)


def _articles(ids: set[str]) -> dict[str, object]:
    ordered = sorted(ids)
    return {"articles": " ".join(ordered[:ARTICLE_IDS_CAP]), "article_count": len(ordered)}


def actor_graph(article_actors: Iterable[tuple[str, list[str]]], quotes: Iterable[tuple[str, str, list[str]]],
                names: Mapping[str, tuple[str, str]], actors_per_article: int = ACTORS_PER_ARTICLE) -> nx.MultiDiGraph:
    """The graph of one story (or any set of articles).

    article_actors: (article_id, actor ids in it), an article's ids best in mention order, as
    only its first `actors_per_article` make co-occurrence edges (all become nodes); quotes:
    (article_id, speaker_id, actor ids the quote mentions), a falsy speaker skipped; names:
    actor id -> (name, kind), an id missing from it drawn under its id, kind "unknown"."""
    in_articles: dict[str, set[str]] = defaultdict(set)
    together: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article_id, actor_ids in article_actors:
        present = list(dict.fromkeys(a for a in actor_ids if a))
        for actor in present:
            in_articles[actor].add(article_id)
        for pair in combinations(sorted(present[:max(actors_per_article, 0)]), 2):
            together[pair].add(article_id)
    spoken: dict[str, int] = defaultdict(int)
    about: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article_id, speaker, mentioned in quotes:
        if not speaker:
            continue
        spoken[speaker] += 1
        for target in dict.fromkeys(m for m in mentioned if m and m != speaker):
            about[(speaker, target)].append(article_id)

    graph = nx.MultiDiGraph()
    mentioned_in: dict[str, int] = defaultdict(int)
    for (_, target), quoted in about.items():
        mentioned_in[target] += len(quoted)
    for actor in sorted(set(in_articles) | set(spoken) | {t for pair in about for t in pair}):
        name, kind = names.get(actor, (actor, "unknown"))
        graph.add_node(actor, name=xml_text(name or actor), kind=xml_text(kind or "unknown"),
                       articles=len(in_articles.get(actor, ())), quotes=spoken.get(actor, 0),
                       quoted_about=mentioned_in.get(actor, 0))
    for (a, b), article_ids in sorted(together.items()):
        graph.add_edge(a, b, key=COOCCURRENCE, kind=COOCCURRENCE, directed=False, weight=len(article_ids),
                       **_articles(article_ids))
    for (speaker, target), quoted in sorted(about.items()):
        graph.add_edge(speaker, target, key=QUOTED_ABOUT, kind=QUOTED_ABOUT, directed=True, weight=len(quoted),
                       **_articles(set(quoted)))
    return graph


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
