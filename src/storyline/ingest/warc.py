"""WARC / WARC.gz: the HTML responses of a crawl, read as a stream (never whole)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from storyline.ingest.decode import BinaryContent, decode_bytes
from storyline.model import RawDocument, Skipped, content_hash
from storyline.settings import Settings


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


def read_warc(path: Path, settings: Settings) -> Iterator[RawDocument | Skipped]:
    count = 0
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}#record{count + 1}"
                content_type = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                if "html" not in content_type.lower():
                    continue
                count += 1
                data = record.content_stream().read(settings.max_bytes + 1)
                if len(data) > settings.max_bytes:
                    yield Skipped(uri, f"WARC record over the {settings.max_bytes:,}-byte cap")
                    continue
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:
                    # a cut .warc.gz decompresses without error up to the cut: the record's
                    # declared length is the only sign, and the archive ends here
                    raise EOFError(f"record {uri} is cut short ({missing:,} bytes missing)")
                try:
                    html = decode_bytes(data, _charset(content_type))
                except BinaryContent as exc:
                    yield Skipped(uri, str(exc))
                    continue
                yield RawDocument(source=uri, kind="warc", origin=str(path), html=html,
                                  hints={"url": uri}, raw_hash=content_hash(data))
    except Exception as exc:  # warcio raises several types on truncation/corruption
        yield Skipped(str(path), f"truncated or corrupt WARC after {count} HTML record(s): "
                                 f"{type(exc).__name__}: {exc}")
