"""report.html: one self-contained offline page (no CDN, no script), every value escaped.

The page has to stay readable whatever the corpus size: 63 real pages gave 4,514 actors, most of
them one-mention NER noise, and a table of all of them buried the articles. So every list that
grows with the corpus is ranked and capped here, the page says how many more there are, and
dossier.json stays the complete record.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from storyline.store import Store
from storyline.views.export import replacing
from storyline.views.graph_svg import graph_from_edges, graph_svg

# places are settings, not actors a reader follows; they stay in dossier.json
TABLE_KINDS = ("person", "organization", "country")
TOP_ACTORS = 50
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
WEB_SCHEMES = ("http", "https", "ftp")
# what the page shows of an article besides its text: all it keeps of each while it is written
ARTICLE_FIELDS = ("id", "source", "title", "outlet", "author", "published", "duplicate_of", "language", "analysis")

Articles = list[dict[str, Any]]
# a storyline -> its stories, events and claims; a storyline id -> its graph's edges
ItemsOf = Callable[[dict[str, Any]], dict[str, list[dict[str, Any]]]]
EdgesOf = Callable[[str], list[dict[str, Any]]]
# the articles given, in that order, each with its text
InFull = Callable[[Articles], Iterable[dict[str, Any]]]


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
    storylines: int = 10
    stories_per_storyline: int = 12
    events: int = 30
    claims: int = 20
    outlets: int = 12


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


def _cap(limit: int) -> int | None:
    """How many of a list a `[:limit]` slice can show; None (all) for a negative limit, which
    counts from the end."""
    return limit if limit >= 0 else None


def _said(quotes: Callable[[], Iterable[dict[str, Any]]], order: dict[str, int], names: dict[str, str],
          limits: ReportLimits) -> dict[str, Any]:
    """Who said what, from two passes over the quotes that keep counts and only the quotes the
    page shows: the quotes can weigh more than the texts they come from (the demo's are 69 KB of
    JSON to 57 KB of article text), so holding them all would undo the streaming of the texts.
    The first pass counts and ranks the speakers, the second keeps the first quotes, newest
    article first, of the speakers shown."""
    total, said, per_actor = 0, Counter(), Counter()
    unattributed: list[dict[str, Any]] = []
    unattributed_count = 0
    keep_unattributed = _cap(limits.unattributed)
    for quote in quotes():
        total += 1
        if quote["speaker_id"]:
            per_actor[quote["speaker_id"]] += 1  # the dossier's actor.quotes, which counts every article
        if quote["article_id"] not in order:
            continue
        if quote["speaker_id"]:
            said[quote["speaker_id"]] += 1
        else:
            unattributed_count += 1
            if keep_unattributed is None or len(unattributed) < keep_unattributed:
                unattributed.append(quote)
    speakers = sorted(said, key=lambda k: (-said[k], names.get(k, "").casefold(), k))
    kept = set(speakers[:limits.speakers]) | set(speakers[:5])  # the section, and the overview's top five
    cap = _cap(limits.quotes_per_speaker)
    keep = None if cap is None else max(cap, 1)  # the overview names a speaker from its first quote

    def newest_first(quote: dict[str, Any]) -> tuple[int, int]:
        return order[quote["article_id"]], quote["start"] or 0

    by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for quote in quotes():
        if quote["speaker_id"] in kept and quote["article_id"] in order:
            first = by_speaker[quote["speaker_id"]]
            first.append(quote)
            if keep is not None and len(first) >= 2 * keep + 64:
                # a stable sort of the earlier survivors then the later quotes: the same first
                # `keep` as sorting them all
                first.sort(key=newest_first)
                del first[keep:]
    for first in by_speaker.values():
        first.sort(key=newest_first)
        if keep is not None:
            del first[keep:]
    return {"speakers": speakers, "said": said, "by_speaker": by_speaker, "quote_total": total,
            "per_actor": per_actor, "unattributed": unattributed, "unattributed_count": unattributed_count}


def _storylines(storylines: Iterable[dict[str, Any]], items_of: ItemsOf, edges_of: EdgesOf,
                names: dict[str, str], kinds: dict[str, str], limits: ReportLimits) -> list[dict[str, Any]]:
    """The report's lead: the largest storylines (as the store ranks them), each with its stories,
    timeline, claims and actor graph, capped by `limits`."""
    out = []
    for line in storylines:
        if len(out) >= max(limits.storylines, 0):
            break
        items = items_of(line)
        stories = items["stories"]
        edges = edges_of(line["id"])
        graph = graph_from_edges(edges, {a: (names.get(a, a), kinds.get(a, "unknown")) for e in edges
                                         for a in (e["source"], e["target"])})
        dated = [e for e in items["events"] if e["date"]]
        out.append({**line, "stories_shown": stories[:limits.stories_per_storyline], "stories_total": len(stories),
                    "events": (dated + [e for e in items["events"] if not e["date"]])[:limits.events],
                    "events_total": len(items["events"]), "claims": items["claims"][:limits.claims],
                    "claims_total": len(items["claims"]), "svg": graph_svg(graph) if edges else None})
    return out


def _context(articles: Articles, in_full: InFull, actors: Iterable[dict[str, Any]],
             quotes: Callable[[], Iterable[dict[str, Any]]], counts: dict[str, int], top_actors: int,
             limits: ReportLimits, actor_quotes: Callable[[dict[str, Any]], int] | None = None,
             storylines: Callable[[dict[str, str], dict[str, str]], list[dict[str, Any]]] | None = None
             ) -> dict[str, Any]:
    """What the template needs, from `articles` without their texts (`in_full` gives them back
    with their texts, in the order given, as the page is written), the actors and two passes
    over the quotes. `actor_quotes` counts an actor's quotes, by default from the quotes."""
    articles = by_date(articles)
    order = {a["id"]: i for i, a in enumerate(articles)}
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    table = []
    n_actors = 0
    for actor in actors:
        n_actors += 1
        names[actor["id"]] = actor["name"]
        kinds[actor["id"]] = actor["kind"]
        if actor["kind"] in TABLE_KINDS:
            table.append(actor)
    ranked = rank_actors(table)
    shown = ranked[:max(top_actors, 0)]
    actors_by_article: dict[str, list[dict]] = defaultdict(list)
    for actor in ranked:  # so each article lists its actors in rank order
        for article_id in dict.fromkeys(actor["articles"]):
            actors_by_article[article_id].append(actor)
    articles_of = {a["id"]: sorted((i for i in set(a["articles"]) if i in order), key=order.__getitem__)
                   for a in shown}
    said = _said(quotes, order, names, limits)
    per_actor = said.pop("per_actor")
    dates = [a["published"] for a in articles if a.get("published")]
    return {
        **said, "limits": limits, "articles": articles, "articles_in_full": in_full(articles),
        "counts": {"articles": len(articles), "actors": n_actors, "quotes": said["quote_total"], **counts},
        "ranked": ranked, "shown": shown, "shown_ids": {a["id"] for a in shown},
        "actors_by_article": actors_by_article, "articles_of": articles_of,
        "by_id": {a["id"]: a for a in articles}, "titles": {a["id"]: display_title(a) for a in articles},
        "names": names, "shown_speakers": set(said["speakers"][:limits.speakers]),
        "quotes_of": actor_quotes or (lambda actor: per_actor[actor["id"]]),
        "outlets": len({a["outlet"] for a in articles if a.get("outlet")}),
        "first_date": min(dates, default=None), "last_date": max(dates, default=None),
        "undated": len(articles) - len(dates),
        "languages": languages_seen(articles),
        "storylines": storylines(names, kinds) if storylines else [],
    }


def languages_seen(articles: Iterable[dict[str, Any]]) -> list[tuple[str | None, int, list[tuple[str, int]]]]:
    """(language, articles, [(what was analysed, articles)]) per language, the most common first;
    language None: stored before languages were detected."""
    counts: Counter[str | None] = Counter()
    analysed: dict[str | None, Counter[str]] = defaultdict(Counter)
    for article in articles:
        language = article.get("language")
        counts[language] += 1
        analysed[language][article.get("analysis") or "unknown"] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [(language, n, analysed[language].most_common()) for language, n in ranked]


def _template() -> Template:
    return _environment().get_template("report.html")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("storyline.views", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = "{:,}".format
    env.globals.update(anchor=anchor, source_label=source_label, lead=lead,
                       paragraphs=lambda text: [p for p in text.split("\n") if p.strip()])
    return env


def _dossier_context(dossier: dict[str, Any], top_actors: int, limits: ReportLimits | None) -> dict[str, Any]:
    limits = limits or ReportLimits()
    stories = {s["id"]: s for s in dossier.get("stories", [])}
    by_line: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"events": [], "claims": []})
    for key in ("events", "claims"):
        for item in dossier.get(key, []):
            by_line[item.get("storyline_id")][key].append(item)
    edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for edge in dossier.get("actor_edges", []):
        edges[edge["storyline_id"]].append(edge)

    def items_of(line: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        return {"stories": [stories[s] for s in line["stories"] if s in stories], **by_line[line["id"]]}

    def storylines(names: dict[str, str], kinds: dict[str, str]) -> list[dict[str, Any]]:
        return _storylines(dossier.get("storylines", []), items_of, lambda i: edges[i], names, kinds, limits)

    return _context(dossier["articles"], lambda ordered: ordered, dossier["actors"], lambda: dossier["quotes"],
                    {key: len(dossier.get(key, [])) for key in ("events", "claims", "stories", "storylines")},
                    top_actors, limits, actor_quotes=lambda actor: len(actor.get("quotes") or []),
                    storylines=storylines)


def render_report(dossier: dict[str, Any], top_actors: int = TOP_ACTORS, limits: ReportLimits | None = None) -> str:
    """`top_actors` rows of the actor table; the rest of the dossier's lists follow `limits`."""
    return _template().render(**_dossier_context(dossier, top_actors, limits))


def write_report(dossier: dict[str, Any], path: Path, top_actors: int = TOP_ACTORS,
                 limits: ReportLimits | None = None) -> None:
    """The report of a dossier already in memory (see write_report_from_store for a store)."""
    with replacing(path) as out:
        _template().stream(**_dossier_context(dossier, top_actors, limits)).dump(out)


def write_report_from_store(store: Store, path: Path, top_actors: int = TOP_ACTORS,
                            limits: ReportLimits | None = None) -> None:
    """The report of the store, written as it is rendered, holding no more than one article's
    text at a time (the same page as `write_report` of the store's dossier).

    The page lists articles by date and title, an order the store cannot give (the titles of
    untitled articles are made here), and reading pages of articles by id from DuckDB scans the
    whole text column again for each page: 2 s for 8,000 articles (77 MB of text) in pages of
    200, against 0.3 s in one pass, and growing with the square of the store. So the texts are
    read once, in store order, into an unnamed temporary file beside the report, and read back
    from it one at a time in the page's order; everything else on the page comes from the
    article metadata, the actors and two passes over the quotes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=path.parent) as spool:
        articles, in_full = _spool_texts(store, spool)
        stats = store.stats()
        counts = {key: stats[key] for key in ("events", "claims", "stories", "storylines")}
        limits = limits or ReportLimits()

        def storylines(names: dict[str, str], kinds: dict[str, str]) -> list[dict[str, Any]]:
            return _storylines(store.iter_storylines(), lambda line: store.storyline_items(line["id"]),
                               store.actor_edges, names, kinds, limits)

        context = _context(articles, in_full, store.iter_actors(), store.iter_quotes, counts, top_actors, limits,
                           storylines=storylines)
        with replacing(path) as out:
            _template().stream(**context).dump(out)


def _spool_texts(store: Store, spool: IO[bytes]) -> tuple[Articles, InFull]:
    """The store's articles without their texts, and a reader giving them back with their texts
    from `spool`, where they are written here."""
    where: dict[str, tuple[int, int]] = {}
    articles = []
    for row in store.iter_articles():
        text = row["text"].encode("utf-8")
        where[row["id"]] = (spool.tell(), len(text))
        spool.write(text)
        articles.append({key: row[key] for key in ARTICLE_FIELDS})

    def in_full(ordered: Articles) -> Iterator[dict[str, Any]]:
        for article in ordered:
            offset, size = where[article["id"]]
            spool.seek(offset)
            yield {**article, "text": spool.read(size).decode("utf-8")}

    return articles, in_full
