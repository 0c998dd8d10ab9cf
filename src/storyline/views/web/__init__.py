"""`storyline serve`: a local web app and JSON API over the store.

The app factory is small; each page type has its module with its HTML and JSON routes
(lists, stories, actors, articles, which, ingest, dossier), one template per page, and every
read goes through store/web.py. The server process holds the store's one read-write DuckDB
connection for as long as it runs: another process (`storyline analyze`) gets the one-line
"store busy" message, and the ingest job's pipeline run, in this process, shares the
connection's database instance.
"""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from storyline.store import open_store
from storyline.views.web.render import environment
from storyline.views.web.state import AppState, WebConfig, render

__all__ = ["WebConfig", "create_app", "serve"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")


def create_app(db: Path, ingest_root: Path | None = None, *, host: str = "127.0.0.1",
               config: WebConfig | None = None, refresh_search: bool = True) -> FastAPI:
    """The app over the store at `db`, opened read-write now (StoreBusy when another process
    has it). `ingest_root`: the folder a path to ingest must lie in (None: uploads only)."""
    from storyline.views.web import actors, articles, dossier, ingest, lists, stories, which

    config = config or WebConfig(db=Path(db), ingest_root=Path(ingest_root).resolve() if ingest_root else None)
    store = open_store(config.db)
    if refresh_search and store.search_is_stale():
        try:  # the server is the one writer: a stale index (a run cut short) is rebuilt once, here
            store.refresh_search()
        except Exception as exc:  # search says it is unavailable; the rest works
            print(f"storyline serve: search index not rebuilt: {exc}", file=sys.stderr)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        web.ingest.wait(timeout=5)
        store.close()

    app = FastAPI(title="storyline", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Stories, storylines, actors, articles and quotes of a storyline store.")
    web = AppState(config=config, store=store, templates=environment(), ingest=ingest.IngestManager(config))
    app.state.web = web
    for module in (lists, stories, actors, articles, which, ingest, dossier):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("storyline.views.web", "static")]), name="static")
    _guard(app, host)
    return app


def _version() -> str:
    from storyline import __version__

    return __version__


def _guard(app: FastAPI, host: str) -> None:
    """Headers on every page, a Host check (a DNS-rebinding page cannot talk to the loopback
    server under its own name) and a same-origin check on POSTs (another site's form cannot
    start an ingest)."""
    hosts = ["*"] if host in ("0.0.0.0", "::") else sorted({host, *LOOPBACK, "testserver"})
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        if request.method == "POST":
            origin = request.headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
                return JSONResponse({"detail": "cross-origin request refused"}, status_code=403)
            if origin == "null":
                return JSONResponse({"detail": "cross-origin request refused"}, status_code=403)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", status_code=exc.status_code, status=exc.status_code, detail=exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.errors() and detail}, status_code=422)
        return render(request, "error.html", status_code=422, status=422, detail=detail)


def serve(db: Path, host: str = "127.0.0.1", port: int = 8000, ingest_root: Path | None = None) -> None:
    """Run the app with uvicorn until interrupted; prints the URL first."""
    import uvicorn

    app = create_app(Path(db), ingest_root, host=host)
    shown = f"[{host}]" if ":" in host else host
    print(f"storyline serve: {db} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
