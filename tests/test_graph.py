"""The actor graph: weights and articles per edge, GraphML round trip, a bounded, escaped SVG."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import lxml.etree
import networkx as nx

from storyline.corpus.graph import ARTICLE_IDS_CAP, actor_graph, top_subgraph, write_graphml
from storyline.views.graph_svg import graph_svg

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


def story_graph() -> nx.MultiDiGraph:
    article_actors = [
        ("a1", ["person:kim", "person:trump", "country:nk", "person:kim"]),
        ("a2", ["person:trump", "person:kim"]),
        ("a3", ["person:moon", "person:kim", "org:un", "person:x"]),
        ("a4", ["person:y", "org:un"]),
    ]
    quotes = [
        ("a1", "person:trump", ["person:kim", "country:nk"]),
        ("a2", "person:trump", ["person:kim", "person:trump"]),  # speaking of oneself is no edge
        ("a3", "person:moon", ["person:kim"]),
        ("a3", None, ["person:kim"]),  # unattributed: no speaker, no edge
        ("a3", "person:ghost", ["org:un"]),  # a speaker not among the names
    ]
    return actor_graph(article_actors, quotes, NAMES)


def test_edges_weights_and_articles() -> None:
    graph = story_graph()
    together = graph.edges["person:kim", "person:trump", "cooccurrence"]
    assert together["weight"] == 2 and together["articles"] == "a1 a2" and together["article_count"] == 2
    assert together["directed"] is False
    assert not graph.has_edge("person:trump", "person:kim", "cooccurrence")  # stored once, smaller id first
    assert graph.edges["country:nk", "person:trump", "cooccurrence"]["weight"] == 1
    said = graph.edges["person:trump", "person:kim", "quoted_about"]
    assert (said["weight"], said["articles"], said["directed"]) == (2, "a1 a2", True)
    assert graph.edges["person:trump", "country:nk", "quoted_about"]["weight"] == 1
    assert not graph.has_edge("person:trump", "person:trump")
    assert graph.edges["person:moon", "person:kim", "quoted_about"]["articles"] == "a3"
    assert graph.nodes["person:kim"] == {"name": "Kim Jong Un", "kind": "person", "articles": 3, "quotes": 0,
                                         "quoted_about": 3}
    assert graph.nodes["person:trump"]["quotes"] == 2
    assert graph.nodes["person:ghost"] == {"name": "person:ghost", "kind": "unknown", "articles": 0, "quotes": 1,
                                           "quoted_about": 0}
    assert graph.number_of_edges() == 3 + 6 + 1 + 4  # a1: 3 pairs, a2: none new, a3: 6, a4: 1; 4 quote edges


def test_article_ids_are_capped_with_a_count() -> None:
    article_actors = [(f"art{i:03d}", ["person:kim", "person:trump"]) for i in range(ARTICLE_IDS_CAP + 10)]
    edge = actor_graph(article_actors, [], NAMES).edges["person:kim", "person:trump", "cooccurrence"]
    assert edge["weight"] == edge["article_count"] == ARTICLE_IDS_CAP + 10
    assert edge["articles"].split() == [f"art{i:03d}" for i in range(ARTICLE_IDS_CAP)]


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
    assert (edge["weight"], edge["articles"], edge["kind"]) == (2, "a1 a2", "cooccurrence")
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
    lone = actor_graph([("a1", ["person:kim"])], [], NAMES)
    svg = str(graph_svg(lone))
    assert svg.count("<circle") == 1 and "<line" not in svg


def test_two_hundred_actors_draw_bounded() -> None:
    rng = random.Random(1)
    actors = [f"person:a{i}" for i in range(200)]
    names = {a: (f"Name {i}", rng.choice(["person", "organization", "country"])) for i, a in enumerate(actors)}
    article_actors = [(f"art{i}", rng.sample(actors, rng.randint(3, 30))) for i in range(200)]
    article_actors.append(("roll-call", actors))  # one article naming all 200
    quotes = [(f"art{rng.randrange(200)}", rng.choice(actors), rng.sample(actors, 2)) for _ in range(300)]
    graph = actor_graph(article_actors, quotes, names, actors_per_article=200)
    assert graph.number_of_edges() > 19_900
    started = time.perf_counter()
    svg = str(graph_svg(graph))
    assert time.perf_counter() - started < 3  # 0.07 s measured
    assert svg.count("<circle") == 30
    assert svg.count("<line") <= 90
    # the default cap keeps one article's roll call from making 20k pairs
    assert actor_graph(article_actors[-1:], [], names).number_of_edges() == 60 * 59 // 2
