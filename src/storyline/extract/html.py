"""HTML pages: main text and metadata with trafilatura, the publication date with htmldate.

trafilatura judges the DOM, and its main text is what we keep: no line rules afterwards,
since a line read on its own cannot tell "By Friday, the talks..." from a byline. What it
leaves in are a few inserts that live inside the article element; they are pruned by their
markup before extraction (see PRUNE_XPATH), never by the words of a paragraph alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import htmldate
import lxml.html
import trafilatura

from storyline.extract.dates import normalize_date

_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+$")

_TEXT = "normalize-space(string(.))"
_LOWER = f"translate({_TEXT}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _starts(*labels: str) -> str:
    return " or ".join(f"starts-with({_LOWER}, '{label}')" for label in labels)


# Inserts that sit inside the article element, matched by their whole shape so that a
# sentence using the same words is never touched:
PRUNE_XPATH = [
    # "Read more: <a>Another headline</a>": a label, a colon, and nothing but the link
    "//*[self::p or self::div or self::aside or self::li][.//a]"
    f"[{_starts('read more', 'read also', 'also read', 'see also', 'related', 'more on this')}]"
    "[normalize-space(substring-after(string(.), ':')) = normalize-space(string(.//a[1]))]",
    # WordPress's feed footer: "The post <a>Headline</a> appeared first on <a>Site</a>."
    f"//p[.//a][starts-with({_TEXT}, 'The post ')][contains({_TEXT}, ' appeared first on ')]",
    # a wire credit, the whole paragraph in parentheses: "(Reporting by X; Editing by Y)"
    f"//p[{_starts('(reporting by', '(additional reporting by', '(writing by', '(editing by', '(compiled by')}]"
    f"[substring({_TEXT}, string-length({_TEXT})) = ')']",
]


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
        favor_precision=False, deduplicate=False, prune_xpath=PRUNE_XPATH,
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
    result.text = paragraphs(result.text)
    return result


def paragraphs(text: str) -> str:
    """One blank line between paragraphs, as the scraped-text cleaner writes them: the article
    id hashes the text, so its layout must not depend on which extractor produced it."""
    return "\n\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def fragment_text(html: str) -> str:
    """Paragraph text of an HTML fragment (a feed item's content) when trafilatura finds no
    'main' block in something that is all main block."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for expression in PRUNE_XPATH:
        for bad in root.xpath(expression):
            if bad is not root:
                bad.drop_tree()
    blocks = root.xpath("//p|//h2|//h3|//blockquote|//li")
    texts = [" ".join(b.text_content().split()) for b in blocks] if blocks else [" ".join(root.text_content().split())]
    return "\n".join(t for t in texts if t)
