"""The story page and the storyline page: summary (each sentence linked to its article), the
timeline (date order, undated last), claims with their status, who said what by speaker, the
outlet comparison and the actor graph, as HTML and as JSON."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, HTTPException, Request

from storyline.corpus.graph import top_subgraph
from storyline.store.web import WebReads
from storyline.views.graph_svg import graph_from_edges, graph_svg
from storyline.views.web.state import get_reads, render

__all__ = ["router", "story_context", "storyline_context"]

router = APIRouter()
Reads = Annotated[WebReads, Depends(get_reads)]
UNATTRIBUTED = "(unattributed)"
DRAW_NODES, DRAW_EDGES = 20, 45


def said_by_speaker(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotes grouped by speaker, the most quoted first, unattributed ones last."""
    groups: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for quote in quotes:
        groups[quote["speaker_id"]].append(quote)
    out = [{"speaker_id": sid, "speaker": items[0]["speaker"] or UNATTRIBUTED, "quotes": items}
           for sid, items in groups.items() if sid is not None]
    out.sort(key=lambda g: (-len(g["quotes"]), str(g["speaker"]).casefold(), g["speaker_id"]))
    if None in groups:
        out.append({"speaker_id": None, "speaker": UNATTRIBUTED, "quotes": groups[None]})
    return out


def story_edges(edges: list[dict[str, Any]], articles: set[str]) -> list[dict[str, Any]]:
    """A storyline's graph cut to one story: the edges seen in its articles, weighed by them."""
    out = []
    for edge in edges:
        inside = [a for a in edge["articles"] if a in articles]
        if inside:
            weight = len(inside) if edge["kind"] == "cooccurrence" else min(edge["weight"], len(inside))
            out.append({**edge, "articles": inside, "weight": weight})
    return out


def _sources(items: list[dict[str, Any]]) -> set[str]:
    found = set()
    for item in items:
        found.update(src["article_id"] for src in item.get("sources") or [])
    return found


def _names(reads: WebReads, ids: set[str]) -> dict[str, dict[str, str]]:
    return {i: {"name": n, "kind": k} for i, (n, k) in reads.names(ids).items()}


def _common(reads: WebReads, item: dict[str, Any], story_ids: list[str], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """What both pages show besides their own head: quotes, names and article briefs."""
    quotes = reads.quotes_of_stories(story_ids)
    actor_ids = set(item["actors"]) | {a for e in item["events"] for a in e["actors"]} | \
        {e["source"] for e in edges} | {e["target"] for e in edges}
    article_ids = {s["article_id"] for s in item["summary"]} | _sources(item["events"]) | _sources(item["claims"])
    return {"said": said_by_speaker(quotes), "quotes_shown": len(quotes), "edges": edges,
            "names": _names(reads, actor_ids), "sources": reads.article_briefs(article_ids)}


def story_context(reads: WebReads, story_id: str) -> dict[str, Any]:
    reads = reads.story_reads(story_id)  # type: ignore[assignment]  # the kept page answers the same reads
    story = reads.story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    edges = story_edges(reads.edges(story["storyline_id"]), {a["id"] for a in story["articles"]})
    return {"story": story, "storyline": reads.storyline_brief(story["storyline_id"]),
            **_common(reads, story, [story_id], edges)}


def storyline_context(reads: WebReads, storyline_id: str) -> dict[str, Any]:
    line = reads.storyline(storyline_id)
    if line is None:
        raise HTTPException(404, f"no storyline {storyline_id}")
    return {"storyline": line, **_common(reads, line, [s["id"] for s in line["stories"]], reads.edges(storyline_id))}


def drawable(graph: nx.MultiDiGraph, nodes: int = DRAW_NODES, edges: int = DRAW_EDGES) -> nx.MultiDiGraph:
    """The strongest part of the graph, and of it the largest connected piece: the spring
    layout scales the picture to its outermost nodes, so one stray pair of actors apart from
    the rest squeezed the whole story into a corner."""
    sub = top_subgraph(graph, nodes, edges)
    if len(sub) == 0:
        return sub
    biggest = max(nx.weakly_connected_components(sub), key=lambda c: (len(c), sorted(c)))
    return sub.subgraph(biggest).copy()


def _svg(context: dict[str, Any]):
    names = {i: (v["name"], v["kind"]) for i, v in context["names"].items()}
    return graph_svg(drawable(graph_from_edges(context["edges"], names)), width=900, height=520)


@router.get("/stories/{story_id}", include_in_schema=False)
def story_page(request: Request, story_id: str, reads: Reads):
    context = story_context(reads, story_id)
    return render(request, "story.html", svg=_svg(context), **context)


@router.get("/storylines/{storyline_id}", include_in_schema=False)
def storyline_page(request: Request, storyline_id: str, reads: Reads):
    context = storyline_context(reads, storyline_id)
    return render(request, "storyline.html", svg=_svg(context), **context)


@router.get("/api/stories/{story_id}", tags=["stories"])
def story_api(story_id: str, reads: Reads) -> dict[str, Any]:
    """One story: its articles, summary, events (date order, undated last), claims, outlet
    comparison, quotes by speaker, the actor graph's edges seen in its articles, and the names
    of the actors and the articles they refer to."""
    return story_context(reads, story_id)


@router.get("/api/storylines/{storyline_id}", tags=["stories"])
def storyline_api(storyline_id: str, reads: Reads) -> dict[str, Any]:
    """One storyline: its stories, summary, timeline, claims, quotes by speaker and graph."""
    return storyline_context(reads, storyline_id)
