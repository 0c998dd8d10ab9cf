"""Extract: from a RawDocument to a cleaned Article with metadata, or a reason it has none."""

from __future__ import annotations

from urllib.parse import urlparse

from storyline.extract.cleaner import clean_text
from storyline.extract.dates import normalize_date
from storyline.extract.html import extract_html
from storyline.extract.language import detect_language
from storyline.extract.text_meta import clean_author, text_metadata
from storyline.model import Article, Failed, RawDocument, Skipped
from storyline.settings import Settings

__all__ = ["extract"]


def extract(doc: RawDocument, settings: Settings) -> Article | Skipped:
    try:
        article = _extract(doc)
    except Exception as exc:  # a page that breaks a parser fails alone, and is remembered as failed
        return Failed(doc.source, f"extract failed: could not extract text: {type(exc).__name__}: {exc}",
                      stage="extract", raw_hash=doc.raw_hash)
    if len(article.text) < settings.min_text_chars:
        return Skipped(doc.source, f"no article text found ({len(article.text)} characters after cleaning)")
    # told here, in the worker, so the analysis can pick the pipeline that reads the language
    article.language = detect_language(article.text, article.title)
    return article


def _extract(doc: RawDocument) -> Article:
    fields: dict[str, str | None] = {"title": None, "outlet": None, "author": None, "published": None}
    provenance: dict[str, str] = {}
    url = doc.hints.get("url") or (doc.source if doc.source.startswith(("http://", "https://")) else None)
    if doc.html is not None:
        found = extract_html(doc.html, url)
        text = found.text
        fields.update(title=found.title, outlet=found.outlet, author=found.author, published=found.published)
        provenance.update(found.provenance)
    else:
        cleaned = clean_text(doc.text or "")
        text = cleaned.text
        meta = text_metadata(cleaned)
        fields.update(title=meta.title, outlet=meta.outlet, author=meta.author, published=meta.published)
        provenance.update(meta.provenance)
    # what the container says (a JSONL field, a feed item) is the publisher's own word: it wins
    for key in fields:
        value = doc.hints.get(key)
        if key == "published":
            value = normalize_date(value)
        elif key == "author" and value:
            value = clean_author(value) or value
        if value:
            fields[key] = value.strip()
            provenance[key] = f"{doc.kind}:field"
    if not fields["outlet"] and url:
        host = urlparse(url).hostname or ""
        if host:
            fields["outlet"], provenance["outlet"] = host.removeprefix("www."), "url:hostname"
    return Article(source=doc.source, kind=doc.kind, text=text.strip(), url=url, provenance=provenance,
                   raw_hash=doc.raw_hash, **fields)
