"""Which story is this? A pasted text matched against the stories (storyline.match), nothing
stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from pydantic import BaseModel, Field

from storyline.views.web.state import AppState, render, state

__all__ = ["router"]

router = APIRouter()
Web = Annotated[AppState, Depends(state)]
MAX_CHARS = 200_000


class MatchRequest(BaseModel):
    text: str = Field(..., max_length=MAX_CHARS)
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, max_length=64)
    limit: int = Field(5, ge=1, le=50)


def _match(web: AppState, body: MatchRequest) -> list[dict[str, Any]]:
    from storyline.match import match
    from storyline.store.web import reader

    reads = reader(web.store)
    try:
        return match(body.text, reads.store, title=body.title, published=body.published, limit=body.limit)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    finally:
        reads.close()


@router.get("/match", include_in_schema=False)
def match_page(request: Request):
    return render(request, "match.html", form={}, results=None)


@router.post("/match", include_in_schema=False)
def match_form(request: Request, web: Web, text: Annotated[str, Form(max_length=MAX_CHARS)] = "",
               title: Annotated[str, Form(max_length=1000)] = "", published: Annotated[str, Form(max_length=64)] = ""):
    form = {"text": text, "title": title, "published": published}
    if not text.strip():
        return render(request, "match.html", form=form, results=None, error="Paste the text of an article first.",
                      status_code=422)
    results = _match(web, MatchRequest(text=text, title=title or None, published=published or None))
    return render(request, "match.html", form=form, results=results)


@router.post("/api/match", tags=["match"])
def match_api(body: MatchRequest, web: Web) -> dict[str, Any]:
    """The stories a text would join, best first, scored as the incremental clustering scores a
    new article; `joins` marks the one it would join (none: it would start a story)."""
    results = _match(web, body)
    return {"results": results, "joins": next((r["story_id"] for r in results if r["joins"]), None)}
