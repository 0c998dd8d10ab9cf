"""HTML pages: main text with trafilatura; metadata from the page's structured data, then
trafilatura, then htmldate (the date), then our text rules, each value checked the same way.

trafilatura judges the DOM, and its main text is what we keep: no line rules afterwards,
since a line read on its own cannot tell "By Friday, the talks..." from a byline. What it
leaves in are a few inserts that live inside the article element; they are pruned by their
markup before extraction (see PRUNE_XPATH), never by the words of a paragraph alone.

Metadata is asked of each source in turn and the first value that passes `text_meta.check_*`
wins, its source recorded in `provenance` ("html:jsonld", "html:opengraph", "html:meta",
"html:trafilatura", "html:htmldate", "html:rules"). Guessed authors (trafilatura's, our rules')
must also appear before the end of the article element: trafilatura will take a name from a
related-articles list below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlparse

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Document

from storyline.extract.cleaner import clean_text
from storyline.extract.structured import Candidate, Structured, structured_metadata
from storyline.extract.text_meta import check_author, check_outlet, check_published, check_title, text_metadata

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
    if not result.text:
        result.text = fragment_text(html)
        if result.text:
            result.provenance["text"] = "html:fragment"
    result.text = paragraphs(result.text)
    _metadata(result, html, url, doc)
    return result


def _metadata(result: HtmlResult, html: str, url: str | None, doc: Document | None) -> None:
    """Each field from the first source whose value passes the checks: the page's structured data,
    then trafilatura, then htmldate (dates), then our text rules on the page's lines."""
    root = _parse(html)
    page = _Page(root, result.text)
    declared = structured_metadata(root) if root is not None else Structured()
    said = Structured()  # trafilatura's answer
    if doc is not None:
        for name, value in (("title", doc.title), ("author", doc.author), ("outlet", doc.sitename),
                            ("published", doc.date)):
            if value:
                value = value.split("; ") if name == "author" else value  # trafilatura joins bylines with "; "
                getattr(said, name).append(Candidate(value, TRAFILATURA))

    def ordered(name: str) -> Iterator[Candidate]:
        yield from getattr(declared, name)
        yield from getattr(said, name)
        if name == "published":
            yield from _htmldate(html, url)
        yield from getattr(page.rules, name)  # worked out only when no earlier source will do

    def first(name: str, check: Callable[[Candidate], str | None]) -> None:
        for candidate in ordered(name):
            if value := check(candidate):
                source = candidate.source
                if name == "outlet" and source == TRAFILATURA and _DOMAIN.match(value):
                    source = "html:hostname"
                setattr(result, name, value)
                result.provenance[name] = source
                return

    guessed = {TRAFILATURA, HTMLDATE, RULES}  # what the layout suggests, not what the page declares
    first("outlet", lambda c: check_outlet(str(c.value)))
    first("author", lambda c: check_author(c.value, page.text, page.region, guessed=c.source in guessed))
    outlets = [str(c.value) for c in declared.outlet + said.outlet] + [result.outlet or ""] \
        + ([urlparse(url).hostname or ""] if url else [])
    first("title", lambda c: check_title(str(c.value), [result.author] if result.author else [], outlets))
    first("published", lambda c: check_published(str(c.value), html if c.source in guessed - {RULES} else None))


def _parse(html: str) -> HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html.encode("utf-8"), parser=_PARSER)
    except Exception:  # an empty or unparsable page has no metadata to read, and keeps its text
        return None


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def _htmldate(html: str, url: str | None) -> list[Candidate]:
    """htmldate's guess, asked only when no earlier source had a date (an extensive search is slow)."""
    try:
        found = htmldate.find_date(html, extensive_search=True, original_date=True, url=url)
    except Exception:  # htmldate is best-effort; a broken page must not cost the article
        return []
    return [Candidate(found, HTMLDATE)] if found else []


class _Page:
    """The page as lines of visible text, for the text rules and the checks: `text` is all of it,
    `region` the part up to the end of the article element that holds `body` (the extracted text),
    else up to the body's last paragraph; None when neither is found."""

    def __init__(self, root: HtmlElement | None, body: str) -> None:
        self.text, self.region, self.lines, self.title = "", None, [], None
        if root is None:
            return
        self.title = root.findtext(".//title")
        # the tightest article element around the extracted text's opening (a teaser in an <article>
        # of its own, in a sidebar above the story, must not end the region early)
        opening = next((" ".join(line.split())[:80] for line in body.split("\n") if len(line.split()) >= 8), "")
        holders = [el for el in root.xpath("//article|//main|//*[@itemprop='articleBody']")
                   if opening and opening in " ".join(el.text_content().split())]
        container = min(holders, key=lambda el: len(el.text_content()), default=None)
        pieces: list[str] = []
        region_end = None
        walk = etree.iterwalk(root, events=("start", "end"))
        for event, el in walk:
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            if event == "start":
                if tag in _HIDDEN:
                    walk.skip_subtree()
                    continue
                pieces.append("\n" if tag in _BLOCKS else "")
                pieces.append(el.text or "")
            else:
                pieces.append("\n" if tag in _BLOCKS or tag in _HIDDEN else "")
                if el is container:
                    region_end = len(pieces)
                pieces.append(el.tail or "")
        self.lines = [" ".join(line.split()) for line in "".join(pieces).split("\n") if line.strip()]
        self.text = "\n".join(self.lines)
        if region_end is not None:
            self.region = "".join(pieces[:region_end])
        else:  # no article element: the region ends with the extracted text's last paragraph
            closing = next((" ".join(ln.split())[:80] for ln in reversed(body.split("\n")) if len(ln.split()) >= 8), "")
            at = self.text.rfind(closing) if closing else -1
            if at >= 0:
                end = self.text.find("\n", at)
                self.region = self.text if end < 0 else self.text[:end]

    @cached_property
    def rules(self) -> Structured:
        """Our text rules on the page's lines (the headline, a "By ..." line, a dated line, a
        copyright line), and the <title> element for the title."""
        found = Structured()
        if self.title and self.title.strip():
            found.title.append(Candidate(" ".join(self.title.split()), RULES))
        if not self.lines:
            return found
        meta = text_metadata(clean_text(self.text))
        for name in ("title", "author", "published", "outlet"):
            value = getattr(meta, name)
            if value and (name != "outlet" or meta.provenance[name] in _RULE_OUTLETS):
                getattr(found, name).append(Candidate(value, RULES))
        return found


TRAFILATURA = "html:trafilatura"
HTMLDATE = "html:htmldate"
RULES = "html:rules"
_RULE_OUTLETS = {"text:source-label", "text:copyright"}  # a dateline's first words name no outlet on a page
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "header", "footer", "section",
           "article", "aside", "nav", "main", "figure", "figcaption", "blockquote", "br", "tr", "td", "th",
           "table", "address", "dd", "dt", "title", "body", "form", "pre", "hr"}
_HIDDEN = {"script", "style", "noscript", "template", "svg", "head", "iframe", "select", "option"}


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
