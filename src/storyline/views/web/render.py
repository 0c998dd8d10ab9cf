"""Templates and the helpers they need: every value from the store is hostile text.

Jinja2 autoescapes every page; the only markup built in Python (the highlighted article text,
the actor graph) escapes each piece it takes from the data with markupsafe and writes
attributes only from ids quoted here. A URL becomes a link only when it is http(s): a
`javascript:` or `data:` address in an article stays text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

__all__ = ["environment", "highlighted", "safe_url", "seg"]

WEB_SCHEMES = ("http", "https")


def safe_url(value: object) -> str | None:
    """The URL when it is an http(s) address with a host, else None (shown as text)."""
    text = str(value or "").strip()
    if not text or any(ord(c) < 32 for c in text):
        return None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else None


def seg(value: object) -> str:
    """One path segment: an id from the data can hold nothing that leaves it."""
    return quote(str(value), safe="")


def num(value: object) -> str:
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)


def title_of(article: dict[str, Any] | None) -> str:
    if not article:
        return "article"
    title = (article.get("title") or "").strip()
    if title:
        return title
    source = str(article.get("source") or "").rstrip("/\\")
    return source.rsplit("/", 1)[-1] or "untitled article"


def span(start: str | None, end: str | None) -> str:
    if not start and not end:
        return "undated"
    if not end or start == end:
        return str(start or end)
    return f"{start} – {end}"


def query(params: dict[str, Any], **changes: Any) -> str:
    """The query string of this page with some parameters changed (None drops one)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else "?"


def highlighted(text: str, mentions: Iterable[dict[str, Any]], quotes: Iterable[dict[str, Any]]) -> Markup:
    """The article text with its quotes and actor mentions marked, escaped piece by piece.

    Spans may nest (a name inside a quote) or overlap (a partial quote); the text is cut at
    every span boundary and each piece says which quote and which mention it lies in, so the
    markup is always well nested whatever the offsets."""
    size = len(text)
    marks = [m for m in mentions if 0 <= m["start"] < m["end"] <= size]
    said = [q for q in quotes if q["start"] is not None and q["end"] is not None and 0 <= q["start"] < q["end"] <= size]
    cuts = sorted({0, size, *(m["start"] for m in marks), *(m["end"] for m in marks),
                   *(q["start"] for q in said), *(q["end"] for q in said)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        mention = next((m for m in marks if m["start"] <= a and b <= m["end"]), None)
        if mention is not None:
            if mention.get("actor_id"):
                piece = Markup('<a class="m" href="/actors/{}">{}</a>').format(seg(mention["actor_id"]), piece)
            else:
                piece = Markup('<span class="m">{}</span>').format(piece)
        quote_ = next((q for q in said if q["start"] <= a and b <= q["end"]), None)
        if quote_ is not None:
            who = quote_.get("speaker") or "speaker unknown"
            piece = Markup('<span class="q q-{}" title="{}">{}</span>').format(
                "direct" if quote_.get("kind") == "direct" else "other", f"{quote_.get('kind')} quote: {who}", piece)
        out.append(str(piece))
    return Markup("".join(out))


def environment() -> Environment:
    env = Environment(loader=PackageLoader("storyline.views.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(num=num, safe_url=safe_url, seg=seg, title_of=title_of, marked=marked)
    env.globals.update(span=span, query=query)
    return env


def marked(snippet: str, spans: Iterable[Iterable[int]]) -> Markup:
    """A search snippet with its matching words marked, escaped piece by piece."""
    out, at = [], 0
    for start, end in sorted((int(a), int(b)) for a, b in spans):
        if start < at or end > len(snippet):
            continue
        out.append(str(escape(snippet[at:start])))
        out.append(str(Markup('<mark class="hl">{}</mark>').format(snippet[start:end])))
        at = end
    out.append(str(escape(snippet[at:])))
    return Markup("".join(out))
