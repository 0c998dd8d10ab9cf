"""The actors list and the actor page: names and aliases, roles, their quotes, the events they
take part in, the actors most connected to them, the stories they appear in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from storyline.store.web import WebReads
from storyline.views.web.state import Paged, get_reads, page_params, render

__all__ = ["router", "actor_context"]

router = APIRouter()
Reads = Annotated[WebReads, Depends(get_reads)]
KINDS = ("person", "organization", "country", "place")


def actor_context(reads: WebReads, actor_id: str) -> dict[str, Any]:
    actor = reads.actor(actor_id)
    if actor is None:
        raise HTTPException(404, f"no actor {actor_id}")
    ids = {c["id"] for c in actor["connected"]} | {a for e in actor["events"] for a in e["actors"]}
    names = {i: {"name": n, "kind": k} for i, (n, k) in reads.names(ids).items()}
    sources = reads.article_briefs({s["article_id"] for e in actor["events"] for s in e["sources"]})
    return {"actor": actor, "names": names, "sources": sources}


def _kind(kind: str | None) -> str | None:
    if kind and kind not in KINDS:
        raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")
    return kind or None


@router.get("/actors", include_in_schema=False)
def actors_page(request: Request, reads: Reads, q: str | None = None, kind: str | None = None, offset: int = 0,
                limit: int | None = None):
    offset, limit = page_params(offset, limit, default=50)
    rows, total = reads.actors(q, _kind(kind), offset, limit)
    return render(request, "actors.html", actors=rows, total=total, offset=offset, limit=limit, q=q or "",
                  kind=kind or "", kinds=KINDS)


@router.get("/actors/{actor_id}", include_in_schema=False)
def actor_page(request: Request, actor_id: str, reads: Reads):
    return render(request, "actor.html", **actor_context(reads, actor_id))


@router.get("/api/actors", tags=["actors"])
def actors_api(request: Request, reads: Reads, q: str | None = None, kind: str | None = None, offset: int = 0,
               limit: int | None = None) -> dict[str, Any]:
    """Actors, most mentioned first, narrowed by a name or alias fragment and a kind."""
    offset, limit = page_params(offset, limit, default=50)
    rows, total = reads.actors(q, _kind(kind), offset, limit)
    return Paged(rows, total, offset, limit).as_json(request)


@router.get("/api/actors/{actor_id}", tags=["actors"])
def actor_api(actor_id: str, reads: Reads) -> dict[str, Any]:
    return actor_context(reads, actor_id)
