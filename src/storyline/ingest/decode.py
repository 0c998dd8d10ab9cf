"""Bytes to text without losing a character, or a clear reason why not.

News pages arrive in UTF-8, Windows-1252 and Latin-1, often mislabelled, and a label is a
weaker sign than the bytes: text that is valid UTF-8 is almost never anything else, while a
page saying iso-8859-1 is often UTF-8 written by a CMS that never updated its template. So a
BOM decides first, then strict UTF-8. Only bytes that are not UTF-8 are a guess, and there a
statistical detector (charset_normalizer) judges between the labels and its own best guess.
The detector alone is not enough: on a short text or a western page with a handful of
accented letters it picks a neighbouring code page (cp1250 for English, big5 for "It’s
fine."), so a label, or else Windows-1252 (the web's default for undeclared western text),
stands unless the detector finds it clearly worse.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import CharsetMatch, from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# bytes that never occur in text: NUL and the C0 controls other than tab/newline/formfeed/CR/ESC
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))

# a page that says latin-1 or ascii means windows-1252 in practice (the WHATWG encoding rule)
_WHATWG = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}
# the default for text that declares nothing and is not UTF-8
_FALLBACK = "cp1252"
# how much less "mess" (charset_normalizer's chaos, 0..1) the detector's guess needs to
# overrule a label; its own threshold for calling a decoding plausible is 0.2
_CLEARLY_BETTER = 0.1


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
    return _codec(match.group(1).decode("ascii", "ignore"))


def _codec(label: str | None) -> str | None:
    """The Python codec a charset label means, with the WHATWG reading of Latin-1; None for a
    label that cannot help: unknown, or UTF-16/32 without a BOM (WHATWG reads that as UTF-8)."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip("\"' ").lower()).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None
    return _WHATWG.get(name, name)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data`; `declared` is a charset from a transport header, if any."""
    if looks_binary(data):
        raise BinaryContent("binary content, not text")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data).best()
    # the transport header outranks the page's own tag, as in a browser
    hints = dict.fromkeys(c for c in (_codec(declared), declared_charset(data), _FALLBACK) if c)
    for hint in hints:
        try:
            text = data.decode(hint)
        except (UnicodeDecodeError, LookupError):
            continue
        if guess is None or str(guess) == text or not _clearly_better(guess, data, hint):
            return text
        return str(guess)
    return str(guess) if guess is not None else data.decode("latin-1")


def _clearly_better(guess: CharsetMatch, data: bytes, hint: str) -> bool:
    """Whether the detector's guess reads as text so much better than the hint does that the
    hint must be wrong: a Greek or Cyrillic page labelled iso-8859-1 decodes in cp1252 without
    an error, as mojibake the detector measures as mess."""
    judged = from_bytes(data, cp_isolation=[hint])
    if not judged:  # the hint is past the detector's own limit of plausible text
        return True
    return judged[0].chaos - guess.chaos >= _CLEARLY_BETTER
