"""RSS and Atom feeds: each item's content (or summary) with its date, author and link."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import feedparser

from storyline.model import RawDocument, Skipped, content_hash


def _date(entry: feedparser.FeedParserDict) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%d", value)
    return None


def read_feed(path: Path, data: bytes) -> Iterator[RawDocument | Skipped]:
    feed = feedparser.parse(data)
    if not feed.entries:
        reason = "not an RSS/Atom feed (no items)"
        if feed.get("bozo") and feed.get("bozo_exception") is not None:
            reason += f": {feed.bozo_exception}"
        yield Skipped(str(path), reason)
        return
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        if len(body) < len(entry.get("summary", "") or ""):
            body = entry.summary
        link = entry.get("link")
        source = link or f"{path}#item{number}"
        if not body.strip():
            yield Skipped(source, f"feed item {number} has no content or summary")
            continue
        hints = {"title": entry.get("title"), "author": entry.get("author"), "outlet": outlet,
                 "published": _date(entry), "url": link}
        yield RawDocument(source=source, kind="rss", origin=str(path), html=body, hints=hints,
                          raw_hash=content_hash(body))
