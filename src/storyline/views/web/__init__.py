"""`storyline serve`: a local web app and JSON API over the store.

The app factory is small; each page type has its module with its HTML and JSON routes
(lists, stories, actors, articles, which, ingest, dossier), one template per page, and every
read goes through store/web.py. The server process holds the store's one read-write DuckDB
connection for as long as it runs: another process (`storyline analyze`) gets the one-line
"store busy" message, and the ingest job's pipeline run, in this process, shares the
connection's database instance.
"""

from __future__ import annotations

import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.store import Store, open_store, search
from storyline.store.web import Ready, ready, set_threads, skip_pandas_probe
from storyline.views.web import ingest
from storyline.views.web.cache import Guard, ResponseCache
from storyline.views.web.render import environment
from storyline.views.web.state import AppState, WebConfig, render

__all__ = ["WebConfig", "create_app", "serve"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_app(db: Path, ingest_root: Path | None = None, *, host: str = "127.0.0.1",
               config: WebConfig | None = None, refresh_search: bool = True) -> FastAPI:
    """The app over the store at `db`, opened read-write now (StoreBusy when another process
    has it). `ingest_root`: the folder a path to ingest must lie in (None: uploads only)."""
    from storyline.views.web import actors, articles, dossier, lists, stories, which

    config = config or WebConfig(db=Path(db), ingest_root=Path(ingest_root).resolve() if ingest_root else None,
                                 cache_entries=int(os.environ.get("STORYLINE_WEB_CACHE", "2048")))
    skip_pandas_probe()  # a third of a story page's time went to DuckDB looking for pandas
    store = open_store(config.db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        web.ingest.wait(timeout=5)
        store.close()

    app = FastAPI(title="storyline", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Stories, storylines, actors, articles and quotes of a storyline store.")
    responses = ResponseCache(config.cache_entries, config.cache_bytes)

    def changed(job: ingest.IngestJob) -> None:
        """A job starts or ends: the kept responses are stale, what the store has ready is
        checked again (nothing is taken as ready while the job writes), and DuckDB's threads go
        to the pipeline while it runs, back to the requests after (store/web.py set_threads)."""
        responses.clear()
        web.ready = Ready() if job.running else ready(store)
        set_threads(store, None if job.running else config.query_threads)

    set_threads(store, config.query_threads)
    manager = ingest.IngestManager(config, on_change=changed)
    web = AppState(config=config, store=store, templates=environment(), ingest=manager, extra={"cache": responses},
                   ready=ready(store))
    if refresh_search and store.search_is_stale():
        _rebuild_search(store, manager)
    app.state.web = web
    for module in (lists, stories, actors, articles, which, ingest, dossier):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("storyline.views.web", "static")]), name="static")
    hosts = None if host in ("0.0.0.0", "::") else {host, *LOOPBACK, "testserver"}
    app.add_middleware(Guard, cache=responses, busy=lambda: bool((job := manager.current()) and job.running),
                       hosts=hosts)
    _errors(app)
    return app


def _rebuild_search(store: Store, manager: ingest.IngestManager) -> None:
    """A stale index (a run cut short, a store written by another tool) rebuilt by the server,
    the store's one writer, in the background: it takes minutes on a 100k store, and the pages
    answer meanwhile (search from the previous index while the new one is built in its own
    transaction; "no search index yet" when there is none). It runs as a job, so the pages
    show it as their progress banner, no ingest writes beside it and no response is kept."""
    say("the search index is older than the store: rebuilding it in the background "
        "(it can take minutes on a large store; the pages answer meanwhile)")

    def rebuild() -> str:
        cursor = store.con.cursor()
        try:
            seconds = search.refresh(cursor)
        except Exception as exc:  # search says it is unavailable; the rest works
            say(f"search index not rebuilt: {exc}")
            raise
        finally:
            cursor.close()
        say(f"search index rebuilt in {seconds:.0f} s")
        return f"search index rebuilt in {seconds:.1f} s"

    manager.start_task("rebuilding the search index", rebuild)


def say(line: str) -> None:
    print(f"storyline serve: {line}", file=sys.stderr, flush=True)


def _version() -> str:
    from storyline import __version__

    return __version__


def _errors(app: FastAPI) -> None:
    """HTML error pages for the pages, JSON for the API."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", status_code=exc.status_code, status=exc.status_code, detail=exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": detail}, status_code=422)
        return render(request, "error.html", status_code=422, status=422, detail=detail)


def serve(db: Path, host: str = "127.0.0.1", port: int = 8000, ingest_root: Path | None = None) -> None:
    """Run the app with uvicorn until interrupted; prints the URL first."""
    import uvicorn

    app = create_app(Path(db), ingest_root, host=host)
    shown = f"[{host}]" if ":" in host else host
    print(f"storyline serve: {db} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
