"""JSON Lines: one article per line, any of url, title, text, html, author, outlet, published.

Each line is decoded on its own, by the same rules as a file: exports from Windows tools
arrive in cp1252, and files concatenated from several sources mix encodings line by line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from storyline.ingest.decode import BinaryContent, decode_bytes
from storyline.model import RawDocument, Skipped, content_hash
from storyline.settings import Settings

_HINT_KEYS = {
    "title": ("title", "headline"),
    "author": ("author", "authors", "byline"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher"),
    "published": ("published", "date", "pubdate", "published_at", "publication_date"),
    "url": ("url", "link"),
}


def _first(record: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value:
            return str(value)
    return None


def read_jsonl(path: Path, settings: Settings) -> Iterator[RawDocument | Skipped]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            where = f"{path}:{number}"
            if not line.strip():
                continue
            if len(line) > settings.max_bytes:
                yield Skipped(where, f"line {number} is {len(line):,} bytes, over the "
                                     f"{settings.max_bytes:,}-byte cap")
                continue
            try:
                decoded = decode_bytes(line)
            except BinaryContent as exc:
                yield Skipped(where, f"line {number}: {exc}")
                continue
            try:
                record = json.loads(decoded)
            except json.JSONDecodeError as exc:
                yield Skipped(where, f"malformed JSON on line {number}: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(record, dict):
                yield Skipped(where, f"line {number} is not a JSON object")
                continue
            text, html = record.get("text"), record.get("html")
            if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
                yield Skipped(where, f"line {number} has neither text nor html")
                continue
            hints = {key: _first(record, keys) for key, keys in _HINT_KEYS.items()}
            source = hints.get("url") or f"{path}#L{number}"
            yield RawDocument(
                source=source, kind="jsonl", origin=str(path),
                html=html if isinstance(html, str) and html.strip() else None,
                text=text if isinstance(text, str) and text.strip() else None,
                hints=hints, raw_hash=content_hash(line),
            )
