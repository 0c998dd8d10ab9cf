"""The actor graph as GraphML (`storyline export --graphml FILE`), from the store's edges.

The store keeps each storyline's strongest edges; the file joins them into one graph of the
whole store: an edge found in several storylines is one edge whose weight and articles add up,
so Gephi or yEd show the corpus-wide network."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from storyline.corpus.graph import write_graphml
from storyline.store import Store

__all__ = ["store_graph", "write_store_graphml"]


def store_graph(store: Store) -> nx.MultiDiGraph:
    weights: dict[tuple[str, str, str], int] = {}
    articles: dict[tuple[str, str, str], set[str]] = {}
    storylines: dict[tuple[str, str, str], set[str]] = {}
    for edge in store.iter_actor_edges():
        key = (edge["source"], edge["target"], edge["kind"])
        weights[key] = weights.get(key, 0) + edge["weight"]
        articles.setdefault(key, set()).update(edge["articles"] or [])
        storylines.setdefault(key, set()).add(edge["storyline_id"])
    nodes = {a for key in weights for a in key[:2]}
    graph = nx.MultiDiGraph()
    for actor in store.iter_actors():
        if actor["id"] in nodes:
            graph.add_node(actor["id"], name=actor["name"], kind=actor["kind"], mentions=actor["mentions"],
                           articles=len(set(actor["articles"])))
    for (source, target, kind), weight in sorted(weights.items()):
        ids = sorted(articles[(source, target, kind)])
        graph.add_edge(source, target, key=kind, kind=kind, directed=kind != "cooccurrence", weight=weight,
                       articles=" ".join(ids[:25]), article_count=len(ids),
                       storylines=" ".join(sorted(storylines[(source, target, kind)])))
    return graph


def write_store_graphml(store: Store, path: Path) -> None:
    write_graphml(store_graph(store), path)
