"""The articles list and the article page: metadata, the cleaned text with its quotes and actor
mentions marked, the source (a link only for http(s)), near-duplicates and its story."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from storyline.store.web import WebReads
from storyline.views.web.lists import list_filters
from storyline.views.web.render import highlighted
from storyline.views.web.state import Paged, get_reads, page_params, render

__all__ = ["router", "article_context"]

router = APIRouter()
Reads = Annotated[WebReads, Depends(get_reads)]
Q = str | None


def article_context(reads: WebReads, article_id: str) -> dict[str, Any]:
    article = reads.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    ids = {m["actor_id"] for m in article["mentions"] if m["actor_id"]}
    names = {i: {"name": n, "kind": k} for i, (n, k) in reads.names(ids).items()}
    return {"article": article, "names": names}


def _articles(reads: WebReads, story: Q, actor: Q, outlet: Q, start: Q, end: Q, offset: int, limit: int | None,
              order: Q = None):
    narrowed = list_filters(reads, None, actor, outlet, start, end, None)
    offset, limit = page_params(offset, limit, default=50)
    if narrowed.filters.story_ids == []:  # an actor that is not there
        return narrowed, [], 0, offset, limit
    rows, total = reads.articles(narrowed.filters, story, offset, limit, "added" if order == "added" else "published")
    return narrowed, rows, total, offset, limit


@router.get("/articles", include_in_schema=False)
def articles_page(request: Request, reads: Reads, story: Q = None, actor: Q = None, outlet: Q = None, start: Q = None,
                  end: Q = None, order: Q = None, offset: int = 0, limit: int | None = None):
    narrowed, rows, total, offset, limit = _articles(reads, story, actor, outlet, start, end, offset, limit, order)
    return render(request, "articles.html", articles=rows, total=total, offset=offset, limit=limit,
                  narrowed=narrowed, outlets=reads.outlets())


@router.get("/articles/{article_id}", include_in_schema=False)
def article_page(request: Request, article_id: str, reads: Reads):
    context = article_context(reads, article_id)
    article = context["article"]
    return render(request, "article.html", body=highlighted(article["text"], article["mentions"], article["quotes"]),
                  **context)


@router.get("/api/articles", tags=["articles"])
def articles_api(request: Request, reads: Reads, story: Q = None, actor: Q = None, outlet: Q = None, start: Q = None,
                 end: Q = None, order: Q = None, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Articles, newest first (undated last; `order=added`: the last stored first), narrowed by
    story id, actor, outlet and dates."""
    _, rows, total, offset, limit = _articles(reads, story, actor, outlet, start, end, offset, limit, order)
    return Paged(rows, total, offset, limit).as_json(request)


@router.get("/api/articles/{article_id}", tags=["articles"])
def article_api(article_id: str, reads: Reads) -> dict[str, Any]:
    """One article with its text, mentions (character offsets, actor ids), quotes (offsets,
    speakers), near-duplicates and story."""
    return article_context(reads, article_id)
