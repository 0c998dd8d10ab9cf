"""The app's one middleware, plain ASGI (Starlette's @app.middleware costs a task and a stream
per request, most of a cached answer's time): the Host and same-origin checks, the security
headers, and rendered pages kept until the store changes.

The server is the store's one writer, and it changes only through its ingest job: between two
jobs every read gives the same answer, so a response can be kept (per URL) and served again
without touching DuckDB or Jinja. The cache is emptied when a job starts and when it ends, and
bypassed while one runs (pages then show the job's progress banner, and the data changes batch
by batch); a response read under an earlier generation is never kept. Only GETs of the
read-only pages are kept; never the ingest pages, the dossier stream or anything that failed.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Guard", "ResponseCache"]

UNCACHED = ("/ingest", "/api/ingest", "/api/dossier", "/static", "/match", "/api/match", "/api/openapi.json")
MAX_BODY = 2 * 1024 * 1024
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
Entry = tuple[int, list[tuple[bytes, bytes]], bytes]


class ResponseCache:
    """The last `entries` responses (least recently used out first), their bodies `max_bytes`
    in all at most: a 100k store's story pages run to a few hundred kB each."""

    def __init__(self, entries: int, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.entries = max(int(entries), 0)
        self.max_bytes = max(int(max_bytes), 0)
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self.hits = self.misses = 0
        self.generation = 0
        self.size = 0  # bytes of the bodies kept

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._items.clear()
            self.size = 0

    def get(self, key: str) -> Entry | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return found

    def put(self, key: str, value: Entry, generation: int) -> None:
        with self._lock:
            if generation != self.generation or self.entries == 0:  # the store changed while it was read
                return
            if len(value[2]) > self.max_bytes:
                return
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old[2])
            self._items[key] = value
            self.size += len(value[2])
            while len(self._items) > self.entries or self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped[2])


def _cacheable(scope: dict[str, Any]) -> bool:
    path = scope["path"]
    return scope["method"] == "GET" and not any(path == p or path.startswith(p + "/") for p in UNCACHED)


class Guard:
    """`hosts`: the Host names served (None: any; a DNS-rebinding page cannot reach the loopback
    server under its own name); a POST whose Origin is another site, or "null", is refused (a
    form on another site cannot start an ingest). `busy()`: whether an ingest job runs now."""

    def __init__(self, app: Any, cache: ResponseCache, busy: Callable[[], bool], hosts: set[str] | None) -> None:
        self.app, self.cache, self.busy, self.hosts = app, cache, busy, hosts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if self.hosts is not None and _hostname(host) not in self.hosts:
            await _plain(send, 400, "invalid host header")
            return
        if scope["method"] == "POST" and "origin" in headers:
            origin = headers["origin"]
            if origin == "null" or urlsplit(origin).netloc != host:
                await _plain(send, 403, "cross-origin request refused")
                return
        cacheable = _cacheable(scope) and self.cache.entries > 0 and not self.busy()
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        if cacheable and (found := self.cache.get(key)) is not None:
            status, response_headers, body = found
            await send({"type": "http.response.start", "status": status, "headers": response_headers})
            await send({"type": "http.response.body", "body": body})
            return
        generation = self.cache.generation
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secured(list(message.get("headers", [])))
                if cacheable and message["status"] == 200:
                    start.update(message)
            elif message["type"] == "http.response.body" and start:
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(parts)
                    if len(body) <= MAX_BODY and not self.busy():
                        self.cache.put(key, (start["status"], start["headers"], body), generation)
            await send(message)

        await self.app(scope, receive, sending)


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _secured(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {k.lower() for k, _ in headers}
    out = list(headers)
    out.append((b"x-content-type-options", b"nosniff"))
    # "no-referrer" would make a same-origin form POST say Origin: null
    out.append((b"referrer-policy", b"same-origin"))
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    if content_type.startswith(b"text/html") and b"content-security-policy" not in names:
        out.append((b"content-security-policy", CSP.encode()))
        out.append((b"x-frame-options", b"DENY"))
    return out


async def _plain(send: Any, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
