"""report.html: one self-contained offline page (no CDN, no script), every value escaped.

The page has to stay readable whatever the corpus size: 63 real pages gave 4,514 actors, most of
them one-mention NER noise, and a table of all of them buried the articles. So every list that
grows with the corpus is ranked and capped here, the page says how many more there are, and
dossier.json stays the complete record.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

# places are settings, not actors a reader follows; they stay in dossier.json
TABLE_KINDS = ("person", "organization", "country")
TOP_ACTORS = 50
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
WEB_SCHEMES = ("http", "https", "ftp")


@dataclass(frozen=True)
class ReportLimits:
    """Caps for the lists that grow with the corpus, so the page size follows the article text
    and not the number of actors or quotes."""

    links_per_actor: int = 10
    actors_per_article: int = 20
    aliases: int = 6
    speakers: int = 20
    quotes_per_speaker: int = 10
    unattributed: int = 50
    overview: int = 10
    lead_chars: int = 280


def anchor(prefix: str, item_id: object) -> str:
    """A fragment must equal its target id exactly and stay inside its attribute: ids are hex or
    slugs today, anything else gets a stable hash rather than trusting it (the '.' cannot occur in a
    plain id, so the two forms never collide)."""
    text = str(item_id)
    if SAFE_ID.fullmatch(text):
        return f"{prefix}-{text}"
    return f"{prefix}.{hashlib.sha1(text.encode('utf-8')).hexdigest()[:16]}"


def source_label(source: str | None) -> str:
    """What a reader recognises an untitled article by: a full local path tells more about the
    crawler's disk than the article, while for a web page the host and path are the identity."""
    source = (source or "").strip()
    if not source:
        return "unknown source"
    parts = urlsplit(source)
    if parts.scheme.lower() in WEB_SCHEMES and parts.netloc:
        path = parts.path.rstrip("/")
        return parts.netloc + path + (f"?{parts.query}" if parts.query else "")
    # a path, a JSONL line ("/x/wire.jsonl#L3") or a feed item ("/x/feed.xml#item2"): keep the marker
    return re.split(r"[\\/]", source.rstrip("\\/"))[-1] or source


def display_title(article: dict[str, Any]) -> str:
    return (article.get("title") or "").strip() or source_label(article.get("source"))


def by_date(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest first, undated last: a developing story is read from its latest state, and an
    undated page cannot be placed in it. Ties go by title so the order is the same run to run."""
    ordered = sorted(articles, key=lambda a: (display_title(a).casefold(), a["id"]))
    dated = sorted((a for a in ordered if a.get("published")), key=lambda a: a["published"], reverse=True)
    return dated + [a for a in ordered if not a.get("published")]


def rank_actors(actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles before mentions: a name across many articles carries the story, one repeated in a
    single article less so, and the one-mention NER noise sinks to the bottom on its own."""
    return sorted(actors, key=lambda a: (-len(set(a["articles"])), -a["mentions"], a["name"].casefold(), a["id"]))


def lead(text: str, limit: int) -> str:
    """The opening of the article, shown above the collapsed full text so a reader can skim."""
    first = next((p.strip() for p in text.split("\n") if p.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut.rstrip(",;:") + "…"


def _speakers(dossier: dict[str, Any], order: dict[str, int]) -> tuple[list[str], dict[str, list[dict]]]:
    names = {a["id"]: a["name"] for a in dossier["actors"]}
    by_speaker: dict[str, list[dict]] = defaultdict(list)
    for quote in dossier["quotes"]:
        if quote["speaker_id"] and quote["article_id"] in order:
            by_speaker[quote["speaker_id"]].append(quote)
    for quotes in by_speaker.values():
        quotes.sort(key=lambda q: (order[q["article_id"]], q["start"] or 0))
    speakers = sorted(by_speaker, key=lambda k: (-len(by_speaker[k]), names.get(k, "").casefold(), k))
    return speakers, by_speaker


def _context(dossier: dict[str, Any], top_actors: int, limits: ReportLimits) -> dict[str, Any]:
    articles = by_date(dossier["articles"])
    order = {a["id"]: i for i, a in enumerate(articles)}
    ranked = rank_actors([a for a in dossier["actors"] if a["kind"] in TABLE_KINDS])
    shown = ranked[:max(top_actors, 0)]
    actors_by_article: dict[str, list[dict]] = defaultdict(list)
    for actor in ranked:  # so each article lists its actors in rank order
        for article_id in dict.fromkeys(actor["articles"]):
            actors_by_article[article_id].append(actor)
    articles_of = {a["id"]: sorted((i for i in set(a["articles"]) if i in order), key=order.__getitem__)
                   for a in shown}
    speakers, by_speaker = _speakers(dossier, order)
    dates = [a["published"] for a in articles if a.get("published")]
    return {
        "dossier": dossier, "limits": limits, "articles": articles, "ranked": ranked, "shown": shown,
        "shown_ids": {a["id"] for a in shown}, "actors_by_article": actors_by_article, "articles_of": articles_of,
        "by_id": {a["id"]: a for a in articles}, "titles": {a["id"]: display_title(a) for a in articles},
        "names": {a["id"]: a["name"] for a in dossier["actors"]},
        "speakers": speakers, "shown_speakers": set(speakers[:limits.speakers]), "by_speaker": by_speaker,
        "unattributed": [q for q in dossier["quotes"] if not q["speaker_id"] and q["article_id"] in order],
        "outlets": len({a["outlet"] for a in articles if a.get("outlet")}),
        "first_date": min(dates, default=None), "last_date": max(dates, default=None),
        "undated": len(articles) - len(dates),
    }


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("storyline.views", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = "{:,}".format
    env.globals.update(anchor=anchor, source_label=source_label, lead=lead,
                       paragraphs=lambda text: [p for p in text.split("\n") if p.strip()])
    return env


def render_report(dossier: dict[str, Any], top_actors: int = TOP_ACTORS, limits: ReportLimits | None = None) -> str:
    """`top_actors` rows of the actor table; the rest of the dossier's lists follow `limits`."""
    context = _context(dossier, top_actors, limits or ReportLimits())
    return _environment().get_template("report.html").render(**context)


def write_report(dossier: dict[str, Any], path: Path, top_actors: int = TOP_ACTORS,
                 limits: ReportLimits | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(dossier, top_actors, limits), encoding="utf-8")
