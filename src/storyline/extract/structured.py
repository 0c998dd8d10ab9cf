"""Structured page metadata: what the publisher declares for machines (JSON-LD, OpenGraph, meta tags).

It is read before trafilatura's answer and our text rules because it is the page's own statement
about the article, not an inference from its layout: a byline block, a photo credit or a
related-articles list cannot leak into it. Every value keeps the name of the block it came from,
for the article's provenance, and the values are only collected here; which one wins, and whether
it is acceptable at all, is decided once for every source (see `html.py` and `text_meta.check_*`).

A block that does not parse (broken JSON, a profile URL where a name belongs) is skipped: a
page's metadata is best-effort, its article text must never be lost over it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

JSONLD = "html:jsonld"
OPENGRAPH = "html:opengraph"
META = "html:meta"

# schema.org types whose node describes the article itself (a WebPage or an Organization does not)
ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                 "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
                 "socialmediaposting", "report", "scholarlyarticle", "techarticle"}

# <meta> keys (property= or name=, lower-cased) for each field, by source, most specific first
META_KEYS: dict[str, list[tuple[str, str]]] = {
    "title": [("og:title", OPENGRAPH), ("parsely-title", META), ("sailthru.title", META)],
    "outlet": [("og:site_name", OPENGRAPH)],
    "author": [("article:author", OPENGRAPH), ("author", META), ("parsely-author", META), ("sailthru.author", META)],
    "published": [("article:published_time", OPENGRAPH), ("parsely-pub-date", META), ("sailthru.date", META)],
}

_URL = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|org|net)/", re.IGNORECASE)


@dataclass
class Candidate:
    """One source's value for a field; an author is a list of names, joined only once checked."""

    value: str | list[str]
    source: str


@dataclass
class Structured:
    title: list[Candidate] = field(default_factory=list)
    outlet: list[Candidate] = field(default_factory=list)
    author: list[Candidate] = field(default_factory=list)
    published: list[Candidate] = field(default_factory=list)


def structured_metadata(root: HtmlElement) -> Structured:
    """Every declared title, outlet, author and date of the page, JSON-LD first, then OpenGraph, then meta tags."""
    found = Structured()
    _from_jsonld(root, found)
    _from_meta(root, found)
    return found


def _from_jsonld(root: HtmlElement, found: Structured) -> None:
    nodes: list[dict] = []
    for script in root.xpath("//script[contains(translate(@type, 'JSON+LD', 'json+ld'), 'ld+json')]"):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^<!--|-->$", "", raw).strip()
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue  # a broken block costs its own metadata only
        nodes.extend(_nodes(data))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    articles = [node for node in nodes if _types(node) & ARTICLE_TYPES]
    if not articles:
        return
    article = next((a for a in articles if a.get("headline")), articles[0])
    headline = _text(article.get("headline") or article.get("name"))
    if headline:
        found.title.append(Candidate(headline, JSONLD))
    authors = [name for author in _as_list(article.get("author")) if (name := _name(author, by_id))]
    if authors:
        found.author.append(Candidate(authors, JSONLD))
    published = _text(article.get("datePublished") or article.get("dateCreated"))
    if published:
        found.published.append(Candidate(published, JSONLD))
    publisher = _as_list(article.get("publisher"))
    outlet = _name(publisher[0], by_id) if publisher else None
    if outlet:
        found.outlet.append(Candidate(outlet, JSONLD))


def _nodes(data: object) -> list[dict]:
    """Top-level nodes, the nodes of an `@graph`, and a WebPage's `mainEntity`."""
    if isinstance(data, list):
        return [node for item in data for node in _nodes(item)]
    if not isinstance(data, dict):
        return []
    nodes = [data]
    for key in ("@graph", "mainEntity"):
        if isinstance(data.get(key), (dict, list)):
            nodes.extend(_nodes(data[key]))
    return nodes


def _types(node: dict) -> set[str]:
    return {t.lower().rsplit("/", 1)[-1] for t in _as_list(node.get("@type")) if isinstance(t, str)}


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _name(value: object, by_id: dict[str, dict]) -> str | None:
    """A Person or Organization as a string, an object with a name, or a reference to a node by `@id`."""
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        value = value.get("name")
    name = _text(value)
    return None if not name or _URL.search(name) else name


def _from_meta(root: HtmlElement, found: Structured) -> None:
    metas: dict[str, list[str]] = {}
    for meta in root.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        if key and value:
            metas.setdefault(key, []).append(value)
    for name, keys in META_KEYS.items():
        candidates: list[Candidate] = getattr(found, name)
        for key, source in keys:
            values = metas.get(key, [])
            if name == "author":
                # article:author is often the author's profile page; only a name says who wrote it
                names = list(dict.fromkeys(v for v in values if not _URL.search(v)))
                if names:
                    candidates.append(Candidate(names, source))
            elif values:
                candidates.append(Candidate(values[0], source))
