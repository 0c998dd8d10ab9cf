"""HTML pages: main text and metadata with trafilatura, the publication date with htmldate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import htmldate
import lxml.html
import trafilatura

from storyline.extract.dates import normalize_date

_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+$")


@dataclass
class HtmlResult:
    text: str = ""
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


def extract_html(html: str, url: str | None = None) -> HtmlResult:
    result = HtmlResult()
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=False, deduplicate=False,
        date_extraction_params={"extensive_search": True, "original_date": True},
    )
    if doc is not None:
        result.text = doc.text or ""
        author = doc.author
        if author and author.count("; ") == 1:
            author = author.replace("; ", " and ")  # trafilatura joins two bylines with "; "
        for name, value in (("title", doc.title), ("author", author), ("outlet", doc.sitename)):
            if value:
                setattr(result, name, value.strip())
                result.provenance[name] = "html:trafilatura"
        if doc.date:
            result.published, result.provenance["published"] = normalize_date(doc.date), "html:trafilatura"
    if not result.text:
        result.text = fragment_text(html)
        if result.text:
            result.provenance["text"] = "html:fragment"
    if not result.published:
        try:
            found = htmldate.find_date(html, extensive_search=True, original_date=True, url=url)
        except Exception:  # htmldate is best-effort; a broken page must not cost the article
            found = None
        if found:
            result.published, result.provenance["published"] = normalize_date(found), "html:htmldate"
    if result.outlet and _DOMAIN.match(result.outlet):
        result.provenance["outlet"] = "html:hostname"
    return result


def fragment_text(html: str) -> str:
    """Paragraph text of an HTML fragment (a feed item's content) when trafilatura finds no
    'main' block in something that is all main block."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    blocks = root.xpath("//p|//h2|//h3|//blockquote|//li")
    texts = [" ".join(b.text_content().split()) for b in blocks] if blocks else [" ".join(root.text_content().split())]
    return "\n".join(t for t in texts if t)
