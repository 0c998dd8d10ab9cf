"""Ingest: find the inputs and read them into RawDocuments, reporting what cannot be read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.ingest.decode import BinaryContent, decode_bytes
from storyline.ingest.feeds import read_feed
from storyline.ingest.files import find_files
from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.warc import read_warc
from storyline.model import RawDocument, Skipped, content_hash
from storyline.settings import Settings

__all__ = ["iter_documents", "find_files"]


def iter_documents(paths: Iterable[str | Path], settings: Settings) -> Iterator[RawDocument | Skipped]:
    """Stream every document under `paths`; one bad file never stops the others."""
    for found in find_files(paths):
        if isinstance(found, Skipped):
            yield found
            continue
        path, kind = found
        try:
            yield from _read(path, kind, settings)
        except OSError as exc:
            yield Skipped(str(path), f"cannot read file: {exc.strerror or exc}")


def _read(path: Path, kind: str, settings: Settings) -> Iterator[RawDocument | Skipped]:
    if kind == "jsonl":
        yield from read_jsonl(path, settings)
        return
    if kind == "warc":
        yield from read_warc(path, settings)
        return
    size = path.stat().st_size
    if size > settings.max_bytes:
        yield Skipped(str(path), f"file is {size:,} bytes, over the {settings.max_bytes:,}-byte cap "
                                 "(raise it with --max-mb)")
        return
    if size == 0:
        yield Skipped(str(path), "empty file")
        return
    data = path.read_bytes()
    if kind == "rss":
        yield from read_feed(path, data)
        return
    try:
        decoded = decode_bytes(data)
    except BinaryContent as exc:
        yield Skipped(str(path), str(exc))
        return
    if not decoded.strip():
        yield Skipped(str(path), "file holds only whitespace")
        return
    if kind == "html":
        yield RawDocument(source=str(path), kind="html", origin=str(path), html=decoded,
                          raw_hash=content_hash(data))
    else:
        yield RawDocument(source=str(path), kind="text", origin=str(path), text=decoded,
                          raw_hash=content_hash(data))
