"""/api/dossier: the same JSON as `storyline export`, streamed as it is read from the store."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from storyline.store.web import reader
from storyline.views.export import dossier_sections, write_json
from storyline.views.web.state import AppState, state

__all__ = ["router"]

router = APIRouter()
CHUNK = 64 * 1024
_END = object()


class _Stopped(Exception):
    """The client went away."""


class _Pipe:
    """A text file whose writes go to a bounded queue in chunks: write_json runs in its own
    thread, and the response reads the queue, so the dossier is never held whole."""

    def __init__(self, out: queue.Queue, stop: threading.Event) -> None:
        self.out = out
        self.stop = stop
        self.buffer: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.buffer.append(text)
        self.size += len(text)
        if self.size >= CHUNK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.stop.is_set():
            raise _Stopped
        if self.buffer:
            self.out.put("".join(self.buffer).encode("utf-8"))
            self.buffer, self.size = [], 0


def dossier_chunks(web: AppState) -> Iterator[bytes]:
    out: queue.Queue = queue.Queue(maxsize=16)
    stop = threading.Event()
    failure: list[BaseException] = []

    def produce() -> None:
        reads = reader(web.store)
        try:
            pipe = _Pipe(out, stop)
            write_json(pipe, dossier_sections(reads.store))
            pipe.flush()
        except _Stopped:
            pass
        except BaseException as exc:
            failure.append(exc)
        finally:
            reads.close()
            out.put(_END)

    thread = threading.Thread(target=produce, name="dossier", daemon=True)
    thread.start()
    try:
        while (chunk := out.get()) is not _END:
            yield chunk
    finally:
        stop.set()  # a client that went away: the producer stops at its next section
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                out.get(timeout=0.1)
    if failure:
        raise failure[0]


@router.get("/api/dossier", tags=["dossier"])
def dossier(web: Annotated[AppState, Depends(state)]) -> StreamingResponse:
    """dossier.json as `storyline export` writes it (the same bytes), streamed."""
    return StreamingResponse(dossier_chunks(web), media_type="application/json",
                             headers={"Content-Disposition": 'inline; filename="dossier.json"'})
