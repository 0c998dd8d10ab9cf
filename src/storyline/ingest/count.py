"""Count the input documents cheaply, so progress has a total and an ETA.

A count is an estimate by design: it looks at bytes, not records (a JSONL line, a feed item
tag, a WARC response header), and never parses. It only feeds the display and the choice of
how many workers to start; what is actually read is decided by the readers.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from storyline.ingest.files import find_files
from storyline.model import Skipped
from storyline.settings import Settings

_FEED_ITEM = re.compile(rb"<(?:item|entry)[\s>]")
_WARC_RESPONSE = re.compile(rb"WARC-Type:\s*response")
_CHUNK = 1 << 20


def count_documents(paths: Iterable[str | Path], settings: Settings, containers: bool = True) -> int | None:
    """Documents under `paths`, every skipped input counting as one. With containers=False a
    JSONL, WARC or feed file is not opened and the answer is None if there is one."""
    total = 0
    for found in find_files(paths):
        if isinstance(found, Skipped):
            total += 1
            continue
        path, kind = found
        if kind in ("jsonl", "warc", "rss"):
            if not containers:
                return None
            total += max(1, _count_items(path, kind))
        else:
            total += 1
    return total


def _count_items(path: Path, kind: str) -> int:
    try:
        if kind == "jsonl":
            count, last = 0, b"\n"
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    count += chunk.count(b"\n")
                    last = chunk[-1:]
            return count + (last != b"\n")
        pattern = _FEED_ITEM if kind == "rss" else _WARC_RESPONSE
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        count, tail = 0, b""
        with opener(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                data = tail + chunk
                count += len(pattern.findall(data))
                tail = data[-32:] if not pattern.search(data[-32:]) else b""
        return count
    except (OSError, EOFError, ValueError):
        return 1
