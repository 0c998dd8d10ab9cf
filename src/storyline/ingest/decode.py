"""Bytes to text without losing a character, or a clear reason why not.

News pages arrive in UTF-8, Windows-1252 and Latin-1, often mislabelled. We honour a BOM,
then a declared charset, then strict UTF-8, then Windows-1252 (a superset of Latin-1's
printable range, right for "smart quotes" from Windows tools), then Latin-1 which cannot fail.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# bytes that never occur in text: NUL and the C0 controls other than tab/newline/formfeed/CR/ESC
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


class BinaryContent(ValueError):
    """The bytes are not text (an image, an archive, a PDF...)."""


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if head.startswith((b"%PDF", b"\x89PNG", b"PK\x03\x04", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff")):
        return True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = sum(head.count(bytes([b])) for b in _BINARY_BYTES)
    return b"\x00" in head or controls / len(head) > 0.05


def declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data`; `declared` is a charset from a transport header, if any."""
    if looks_binary(data):
        raise BinaryContent("binary content, not text")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    candidates = [c for c in (declared, declared_charset(data)) if c]
    # a page that says latin-1 is almost always cp1252 in practice (the WHATWG rule)
    candidates = ["cp1252" if c in ("latin-1", "iso8859-1", "ascii") else c for c in candidates]
    for codec in [*candidates, "utf-8", "cp1252"]:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")
