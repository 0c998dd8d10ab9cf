"""The actor graph as drawn and exported: GraphML round trip, the strongest part, a bounded, escaped SVG.
(How the store counts the edges: tests/test_story_layer.py.)"""

from __future__ import annotations

import random
import re
import time
from itertools import combinations
from pathlib import Path

import lxml.etree
import networkx as nx

from storyline.corpus.graph import top_subgraph, write_graphml
from storyline.views.graph_svg import graph_from_edges, graph_svg

HOSTILE = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="x'
NAMES = {
    "person:kim": ("Kim Jong Un", "person"),
    "person:trump": ("Donald Trump", "person"),
    "person:moon": ("Moon Jae-in", "person"),
    "country:nk": ("North Korea", "country"),
    "org:un": ("United Nations", "organization"),
    "person:x": (HOSTILE, "person"),
    "person:y": (ATTRIBUTE, '"><script>bad()</script>'),
}


def edge(source: str, target: str, kind: str, articles: list[str], weight: int | None = None) -> dict:
    return {"source": source, "target": target, "kind": kind, "articles": articles,
            "weight": len(articles) if weight is None else weight}


def story_graph() -> nx.MultiDiGraph:
    """Four articles' edges as the store holds them: a1 names Kim, Trump and North Korea, a2 Trump
    and Kim, a3 Moon, Kim, the UN and a hostile name, a4 another hostile name and the UN; Trump
    speaks of Kim twice, Moon once, and someone not among the names of the UN."""
    together = [("country:nk", "person:kim", ["a1"]), ("country:nk", "person:trump", ["a1"]),
                ("person:kim", "person:trump", ["a1", "a2"])]
    a3 = sorted(["person:moon", "person:kim", "org:un", "person:x"])
    together += [(a, b, ["a3"]) for a, b in combinations(a3, 2)]
    together += [("org:un", "person:y", ["a4"])]
    about = [("person:trump", "person:kim", ["a1", "a2"]), ("person:trump", "country:nk", ["a1"]),
             ("person:moon", "person:kim", ["a3"]), ("person:ghost", "org:un", ["a3"])]
    edges = [edge(a, b, "cooccurrence", arts) for a, b, arts in together]
    edges += [edge(a, b, "quoted_about", arts) for a, b, arts in about]
    return graph_from_edges(edges, NAMES)


def test_graphml_reads_back(tmp_path: Path) -> None:
    graph = story_graph()
    graph.nodes["person:moon"]["name"] = "Moon\x00 Jae\x1b-in"  # XML cannot hold these: dropped, not fatal
    path = tmp_path / "out" / "actors.graphml"
    write_graphml(story_graph(), path)
    # without parallel edges of one direction networkx would read a DiGraph and drop the keys
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.is_directed() and back.is_multigraph()
    assert back.nodes["person:x"]["name"] == HOSTILE
    edge = back.edges["person:kim", "person:trump", "cooccurrence"]
    assert (edge["weight"], edge["kind"]) == (2, "cooccurrence")
    assert back.number_of_edges() == story_graph().number_of_edges()
    write_graphml(graph, path)
    assert nx.read_graphml(path, force_multigraph=True).nodes["person:moon"]["name"] == "Moon Jae-in"


def test_top_subgraph_keeps_the_strongest() -> None:
    graph = story_graph()
    top = top_subgraph(graph, max_nodes=3, max_edges=2)
    # strength: Kim 9, Trump 6, the UN 5 (four co-occurrences, one quote about it), North Korea 3
    assert set(top.nodes) == {"person:kim", "person:trump", "org:un"}
    assert top.number_of_edges() == 2
    assert top.edges["person:kim", "person:trump", "cooccurrence"]["weight"] == 2
    assert top.edges["person:trump", "person:kim", "quoted_about"]["weight"] == 2
    assert graph.number_of_edges() == 14  # untouched


def test_svg_escapes_hostile_names() -> None:
    svg = str(graph_svg(story_graph()))
    assert HOSTILE not in svg and "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'onmouseover="' not in svg and "&#34; onmouseover=&#34;x" in svg
    assert "href" not in svg and "url(" not in svg
    assert "bad()" not in svg.split("<title>")[0]  # a kind from the data never reaches an attribute
    root = lxml.etree.fromstring(svg.encode())  # well-formed XML
    assert root.tag == "svg"
    texts = [t.text for t in root.iter("text")]
    assert "<script>alert(1)</scrip…" in texts and "Kim Jong Un" in texts  # labels are cut at 24 characters
    titles = [t.text for t in root.iter("title")]
    assert any(t.startswith(HOSTILE + " (person") for t in titles)
    # every attribute value is a number, a colour or one of ours
    values = {v for el in root.iter() for v in el.attrib.values()}
    assert all(re.fullmatch(r"[-\w .#/:]+", v) for v in values), values
    assert len(root.findall(".//circle")) == 8
    assert svg == str(graph_svg(story_graph()))  # same graph, same picture


def test_svg_of_empty_and_tiny_graphs() -> None:
    empty = str(graph_svg(nx.MultiDiGraph()))
    assert empty.startswith("<svg") and "no actors" in empty
    lone = nx.MultiDiGraph()
    lone.add_node("person:kim", name="Kim Jong Un", kind="person", articles=1)
    svg = str(graph_svg(lone))
    assert svg.count("<circle") == 1 and "<line" not in svg


def test_two_hundred_actors_draw_bounded() -> None:
    rng = random.Random(1)
    actors = [f"person:a{i}" for i in range(200)]
    names = {a: (f"Name {i}", rng.choice(["person", "organization", "country"])) for i, a in enumerate(actors)}
    article_actors = [(f"art{i}", rng.sample(actors, rng.randint(3, 30))) for i in range(200)]
    article_actors.append(("roll-call", actors))  # one article naming all 200
    pairs: dict[tuple[str, str], list[str]] = {}
    for article, present in article_actors:
        for pair in combinations(sorted(present), 2):
            pairs.setdefault(pair, []).append(article)
    edges = [edge(a, b, "cooccurrence", arts) for (a, b), arts in pairs.items()]
    edges += [edge(rng.choice(actors), rng.choice(actors), "quoted_about", [f"art{rng.randrange(200)}"])
              for _ in range(300)]
    graph = graph_from_edges(edges, names)
    assert graph.number_of_edges() > 19_900
    started = time.perf_counter()
    svg = str(graph_svg(graph))
    assert time.perf_counter() - started < 3  # 0.07 s measured
    assert svg.count("<circle") == 30
    assert svg.count("<line") <= 90
