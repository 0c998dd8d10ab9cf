"""The stories and storylines lists (search box, filters by actor, outlet and dates, latest
activity first, paginated) and the search page, as HTML and as JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from storyline.store.search import SearchUnavailable
from storyline.store.web import ListFilters, WebReads
from storyline.views.web.state import Paged, get_reads, page_params, render

__all__ = ["router", "list_filters"]

router = APIRouter()
Reads = Annotated[WebReads, Depends(get_reads)]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ORDERS = ("latest", "size", "rank")


@dataclass
class Narrowed:
    filters: ListFilters
    actor: dict[str, Any] | None  # the actor the filter box resolved to
    notes: list[str]
    order: str


def list_filters(reads: WebReads, q: str | None, actor: str | None, outlet: str | None, start: str | None,
                 end: str | None, order: str | None) -> Narrowed:
    """The filters as typed, checked and resolved: an actor by id or name, a search query to
    the stories of its best articles (ranked by the search unless another order is asked)."""
    notes: list[str] = []
    for name, value in (("start", start), ("end", end)):
        if value and not _DAY.fullmatch(value):
            raise HTTPException(422, f"{name} must be a date YYYY-MM-DD, not {value!r}")
    filters = ListFilters(outlet=(outlet or "").strip() or None, start=start or None, end=end or None)
    found = None
    if actor and actor.strip():
        found = reads.find_actor(actor)
        if found is None:
            notes.append(f"no actor named {actor.strip()!r}")
            filters.story_ids = []
        else:
            filters.actor = found["id"]
    if q and q.strip():
        try:
            ids = reads.search_story_ids(q.strip())
        except SearchUnavailable as exc:
            notes.append(str(exc))
            ids = []
        filters.story_ids = ids if filters.story_ids is None else [i for i in ids if i in set(filters.story_ids)]
    if order not in ORDERS:
        order = "rank" if q and q.strip() else "latest"
    if order == "rank" and filters.story_ids is None:
        order = "latest"
    return Narrowed(filters, found, notes, order)


def _with_names(reads: WebReads, rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    names = reads.names({a for row in rows for a in row["actors"]})
    return {i: {"name": n, "kind": k} for i, (n, k) in names.items()}


Q = str | None


@router.get("/", include_in_schema=False)
def stories_page(request: Request, reads: Reads, q: Q = None, actor: Q = None, outlet: Q = None, start: Q = None,
                 end: Q = None, order: Q = None, offset: int = 0, limit: int | None = None):
    narrowed = list_filters(reads, q, actor, outlet, start, end, order)
    offset, limit = page_params(offset, limit)
    rows, total = reads.stories(narrowed.filters, offset, limit, narrowed.order)
    return render(request, "stories.html", stories=rows, total=total, offset=offset, limit=limit,
                  names=_with_names(reads, rows), narrowed=narrowed, outlets=reads.outlets(), counts=reads.counts())


@router.get("/storylines", include_in_schema=False)
def storylines_page(request: Request, reads: Reads, q: Q = None, actor: Q = None, outlet: Q = None,
                    start: Q = None, end: Q = None, order: Q = None, offset: int = 0, limit: int | None = None):
    narrowed = list_filters(reads, q, actor, outlet, start, end, order)
    offset, limit = page_params(offset, limit)
    rows, total = reads.storylines(narrowed.filters, offset, limit, narrowed.order)
    return render(request, "storylines.html", storylines=rows, total=total, offset=offset, limit=limit,
                  names=_with_names(reads, rows), narrowed=narrowed, outlets=reads.outlets(), counts=reads.counts())


@router.get("/api/stories", tags=["stories"])
def stories_api(request: Request, reads: Reads, q: Q = None, actor: Q = None, outlet: Q = None, start: Q = None,
                end: Q = None, order: Q = None, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Stories, latest activity first (or `order=size`; with `q`, by search rank), filtered by a
    full-text query, an actor (id or name), an outlet and a date range (YYYY-MM-DD)."""
    narrowed = list_filters(reads, q, actor, outlet, start, end, order)
    offset, limit = page_params(offset, limit)
    rows, total = reads.stories(narrowed.filters, offset, limit, narrowed.order)
    return {**Paged(rows, total, offset, limit).as_json(request), "actors": _with_names(reads, rows),
            "notes": narrowed.notes}


@router.get("/api/storylines", tags=["stories"])
def storylines_api(request: Request, reads: Reads, q: Q = None, actor: Q = None, outlet: Q = None, start: Q = None,
                   end: Q = None, order: Q = None, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Storylines with a story passing the same filters as /api/stories."""
    narrowed = list_filters(reads, q, actor, outlet, start, end, order)
    offset, limit = page_params(offset, limit)
    rows, total = reads.storylines(narrowed.filters, offset, limit, narrowed.order)
    return {**Paged(rows, total, offset, limit).as_json(request), "actors": _with_names(reads, rows),
            "notes": narrowed.notes}


def _search(reads: WebReads, q: str, scope: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    if scope not in ("all", "articles", "quotes"):
        raise HTTPException(422, "scope must be all, articles or quotes")
    if not q.strip():
        return [], None
    try:
        return reads.search(q, limit=limit, offset=offset, scope=scope), None
    except SearchUnavailable as exc:
        return [], str(exc)


@router.get("/search", include_in_schema=False)
def search_page(request: Request, reads: Reads, q: str = "", scope: str = "all", offset: int = 0,
                limit: int | None = None):
    offset, limit = page_params(offset, limit, default=20)
    hits, note = _search(reads, q, scope, offset, limit)
    return render(request, "search.html", q=q, scope=scope, hits=hits, note=note, offset=offset, limit=limit)


@router.get("/api/search", tags=["search"])
def search_api(reads: Reads, q: str, scope: str = "all", offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """BM25 full-text search: articles (title, text), then quotes (text, speaker); `limit`
    counts each kind, `offset` pages both."""
    offset, limit = page_params(offset, limit, default=20)
    hits, note = _search(reads, q, scope, offset, limit)
    return {"query": q, "scope": scope, "offset": offset, "limit": limit, "hits": hits, "note": note}
