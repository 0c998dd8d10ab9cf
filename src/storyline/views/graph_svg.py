"""The actor graph as a static inline SVG for report.html: no script, no link, nothing fetched.

Actor names come from article text, which is hostile input, so nothing from the data reaches the
markup unescaped: names and titles go through markupsafe.escape into text content only, and
every attribute value is a number formatted here or a colour from the fixed palette (an
unknown kind is grey, never a class or style taken from the data). Ids from the data are not
written at all.

Deterministic: the layout is networkx's spring layout with a fixed seed over the nodes in a
fixed order (circular for three nodes or fewer), so the same graph draws the same picture and
the report stays byte-identical between runs.

A graph larger than DRAW_NODES is cut to its strongest part first (corpus.graph.top_subgraph):
the drawing has a bounded size whatever the story. An empty graph draws as a small SVG that
says "no actors", so the page keeps its shape; a caller that would rather drop the section
tests `len(graph)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

from storyline.corpus.graph import QUOTED_ABOUT, top_subgraph

DRAW_NODES = 30
DRAW_EDGES = 90
SEED = 7
LABEL_CHARS = 24
PALETTE = {
    "person": "#1f77b4",
    "organization": "#ff7f0e",
    "country": "#2ca02c",
    "place": "#9467bd",
}
OTHER = "#7f7f7f"
MARGIN_X, MARGIN_Y = 70, 28  # room for the labels beside the outer nodes


def _pairs(graph: nx.Graph) -> dict[tuple[str, str], dict[str, int]]:
    """The edges folded to one line per pair of nodes: co-occurrence articles, and quotes each
    way (a line can stand for up to three edges of the multigraph)."""
    pairs: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"together": 0, "ab": 0, "ba": 0})
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else \
        ((u, v, None, d) for u, v, d in graph.edges(data=True))
    for u, v, key, data in edges:
        if u == v:
            continue
        a, b = sorted((str(u), str(v)))
        kind = data.get("kind", key)
        weight = int(data.get("weight", 1) or 1)
        if kind == QUOTED_ABOUT:
            pairs[(a, b)]["ab" if str(u) == a else "ba"] += weight
        else:
            pairs[(a, b)]["together"] += weight
    return dict(pairs)


def _layout(nodes: list[str], pairs: dict[tuple[str, str], dict[str, int]]) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1]^2."""
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    plain = nx.Graph()
    plain.add_nodes_from(nodes)
    for (a, b), counts in sorted(pairs.items()):
        plain.add_edge(a, b, weight=counts["together"] + counts["ab"] + counts["ba"])
    if len(nodes) <= 3:
        raw = nx.circular_layout(plain)
    else:
        raw = nx.spring_layout(plain, seed=SEED, weight="weight", iterations=100)
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]

    def scale(value: float, low: float, high: float) -> float:
        return 0.5 if high - low < 1e-9 else (value - low) / (high - low)

    return {n: (scale(float(raw[n][0]), min(xs), max(xs)), scale(float(raw[n][1]), min(ys), max(ys))) for n in nodes}


def _label(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _empty(width: int) -> Markup:
    return Markup(
        f'<svg class="actor-graph graph" width="{width}" height="40" '
        f'viewBox="0 0 {width} 40" role="img" aria-label="no actors"><title>Actor graph: no actors</title>'
        f'<text x="{width / 2:.1f}" y="24" text-anchor="middle" font-size="13" fill="#666">no actors</text></svg>')


def graph_svg(graph: nx.Graph, width: int = 640, height: int = 420) -> Markup:
    """The graph as an <svg> element, safe to put into a page as it is. Node area follows the
    actor's weighted degree (its articles when it has no edges), its colour the actor's kind;
    line width follows the pair's weight (co-occurring articles plus quotes either way), and a
    pair with quotes is drawn darker. Every node and line has a <title> for hover text."""
    width, height = max(int(width), 160), max(int(height), 120)
    if len(graph) > DRAW_NODES or graph.number_of_edges() > DRAW_EDGES:
        graph = top_subgraph(graph, DRAW_NODES, DRAW_EDGES)
    if len(graph) == 0:
        return _empty(width)
    nodes = sorted(str(n) for n in graph.nodes)
    attrs = {str(n): graph.nodes[n] for n in graph.nodes}
    pairs = _pairs(graph)
    pos = _layout(nodes, pairs)
    names = {n: str(attrs[n].get("name") or n) for n in nodes}
    degree: dict[str, int] = defaultdict(int)
    for (a, b), counts in pairs.items():
        total = counts["together"] + counts["ab"] + counts["ba"]
        degree[a] += total
        degree[b] += total
    size = {n: degree[n] or int(attrs[n].get("articles", 0) or 0) for n in nodes}
    biggest = max(size.values()) or 1
    heaviest = max((c["together"] + c["ab"] + c["ba"] for c in pairs.values()), default=1) or 1

    def xy(node: str) -> tuple[float, float]:
        x, y = pos[node]
        return MARGIN_X + x * (width - 2 * MARGIN_X), MARGIN_Y + y * (height - 2 * MARGIN_Y)

    out = [f'<svg class="actor-graph graph" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="actor graph" font-family="sans-serif">',
           f"<title>Actor graph: {_plural(len(nodes), 'actor')}, {_plural(len(pairs), 'link')}</title>",
           '<g class="edges" stroke-linecap="round">']
    for (a, b), counts in sorted(pairs.items()):
        (x1, y1), (x2, y2) = xy(a), xy(b)
        total = counts["together"] + counts["ab"] + counts["ba"]
        parts = []
        if counts["together"]:
            parts.append(f"together in {_plural(counts['together'], 'article')}")
        if counts["ab"]:
            parts.append(f"{names[a]} quoted about {names[b]} {_plural(counts['ab'], 'time')}")
        if counts["ba"]:
            parts.append(f"{names[b]} quoted about {names[a]} {_plural(counts['ba'], 'time')}")
        title = f"{names[a]} — {names[b]}: " + "; ".join(parts)
        stroke = "#555" if counts["ab"] or counts["ba"] else "#aaa"
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
                   f'stroke-opacity="0.7" stroke-width="{1 + 5 * total / heaviest:.1f}">'
                   f"<title>{escape(title)}</title></line>")
    out.append('</g><g class="nodes" stroke="#fff" stroke-width="1">')
    for node in nodes:
        x, y = xy(node)
        radius = 4 + 12 * (size[node] / biggest) ** 0.5
        kind = str(attrs[node].get("kind") or "")
        colour = PALETTE.get(kind, OTHER)
        facts = [kind or "unknown kind", _plural(int(attrs[node].get("articles", 0) or 0), "article")]
        if attrs[node].get("quotes"):
            facts.append(f"{_plural(int(attrs[node]['quotes']), 'quote')} spoken")
        if attrs[node].get(QUOTED_ABOUT):
            facts.append(f"quoted about {_plural(int(attrs[node][QUOTED_ABOUT]), 'time')}")
        title = f"{names[node]} ({', '.join(facts)})"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}">'
                   f"<title>{escape(title)}</title></circle>")
    out.append('</g><g class="labels" font-size="11" fill="#222" text-anchor="middle">')
    for node in nodes:
        x, y = xy(node)
        radius = 4 + 12 * (size[node] / biggest) ** 0.5
        out.append(f'<text x="{x:.1f}" y="{y + radius + 11:.1f}">{escape(_label(names[node]))}</text>')
    out.append("</g></svg>")
    return Markup("".join(out))



def graph_from_edges(edges: Iterable[dict[str, Any]], names: Mapping[str, tuple[str, str]]) -> nx.MultiDiGraph:
    """The graph of stored edge rows (source, target, kind, weight, articles), for drawing:
    nodes named from `names` (actor id -> (name, kind)), sized by the articles they are in."""
    graph = nx.MultiDiGraph()
    seen: dict[str, set[str]] = {}
    edges = list(edges)
    for edge in edges:
        for node in (edge["source"], edge["target"]):
            seen.setdefault(node, set()).update(edge.get("articles") or [])
    for node in sorted(seen):
        name, kind = names.get(node, (node, "unknown"))
        graph.add_node(node, name=name, kind=kind, articles=len(seen[node]))
    for edge in edges:
        graph.add_edge(edge["source"], edge["target"], key=edge["kind"], kind=edge["kind"],
                       weight=int(edge["weight"]), directed=edge["kind"] != "cooccurrence")
    return graph
