"""What every route shares: the configuration, the one read-write store connection, the
templates and the ingest job; and the per-request dependencies built on them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from storyline.store import Store
from storyline.store.web import Ready, WebReads, reader

__all__ = ["AppState", "WebConfig", "Paged", "get_reads", "page_params", "render", "state"]

MAX_PAGE = 100


@dataclass(frozen=True)
class WebConfig:
    db: Path
    ingest_root: Path | None = None  # the folder a path to ingest must lie in; None: no path ingest
    upload_dir: Path | None = None  # where uploads are kept (default: beside the store)
    max_upload_bytes: int = 20 * 1024 * 1024  # per file
    max_upload_total: int = 100 * 1024 * 1024  # per request
    ingest_workers: int | None = None  # None: the pipeline's default; 0 analyses in the server process
    page_size: int = 25
    cache_entries: int = 2048  # responses kept between ingest jobs (0: none)
    cache_bytes: int = 256 * 1024 * 1024  # and their bodies' total size at most
    query_threads: int | None = 1  # DuckDB threads between ingest jobs (None: one per core); a job gets all

    @property
    def uploads(self) -> Path:
        return self.upload_dir or self.db.parent / f"{self.db.stem}-uploads"


@dataclass
class AppState:
    config: WebConfig
    store: Store
    templates: Environment
    ingest: Any  # ingest.IngestManager (imported there: it pulls in the pipeline)
    extra: dict[str, Any] = field(default_factory=dict)
    ready: Ready = field(default_factory=Ready)  # what the store has ready (store/web.py), checked as it changes


@dataclass
class Paged:
    """A page of a list, as the API returns it."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int

    def as_json(self, request: Request) -> dict[str, Any]:
        more = self.offset + len(self.items) < self.total
        nxt = str(request.url.include_query_params(offset=self.offset + self.limit)) if more else None
        return {"items": self.items, "total": self.total, "offset": self.offset, "limit": self.limit, "next": nxt}


def state(request: Request) -> AppState:
    return request.app.state.web


def get_reads(request: Request) -> Iterator[WebReads]:
    """Reads on a cursor of this request's own (see store/web.py)."""
    web = state(request)
    reads = reader(web.store, web.ready)
    try:
        yield reads
    finally:
        reads.close()


def page_params(offset: int = 0, limit: int | None = None, default: int = 25) -> tuple[int, int]:
    if offset < 0 or (limit is not None and limit < 1):
        raise HTTPException(422, "offset must be >= 0 and limit >= 1")
    return offset, min(limit or default, MAX_PAGE)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    web = state(request)
    job = web.ingest.current()
    html = web.templates.get_template(template).render(
        request_path=request.url.path, params=dict(request.query_params), ingest_job=job, **context)
    return HTMLResponse(html, status_code=status_code)
