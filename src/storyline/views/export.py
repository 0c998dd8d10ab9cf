"""dossier.json: the public contract. Field names are stable; new fields are added, never renamed.

Built from the store alone, so `storyline export` gives the same file as `storyline analyze`.
The file is written as it is read, a page of articles (and of actors, and of quotes) at a time:
the texts are most of a dossier, and building it whole to `json.dumps` it held every text three
times (the rows, the JSON string, its bytes): 206 MB of Python heap at the peak for 3,100
articles with 19 MB of text, against 6.5 MB written this way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from storyline.store import Store

CONTRACT_VERSION = "1.0"

# additions to the contract at the end: the article's language (ISO 639-1, "und" when it cannot be
# told, null when stored before languages were detected) and what was analysed of it ("full",
# "actors, quotes, terms" with another language's pipeline, "terms only" without one)
ARTICLE_FIELDS = ("id", "source", "title", "outlet", "author", "published", "text", "story_id", "duplicate_of",
                  "language", "analysis")


def _article(row: dict[str, Any], also_seen: dict[str, list[str]]) -> dict[str, Any]:
    article = {key: row[key] for key in ARTICLE_FIELDS}
    # additions to the contract: where each metadata value came from, the URL, exact copies
    article["url"] = row["url"]
    article["kind"] = row["kind"]
    article["metadata_sources"] = row["provenance"]
    article["also_seen_at"] = also_seen.get(row["id"], [])
    return article


def quotes_by_speaker(store: Store) -> dict[str, list[str]]:
    """Who said what: each speaker's quote ids, in the dossier's quote order (an addition to the
    contract). Ids only, so the actors can be written before the quotes are read again."""
    said: dict[str, list[str]] = {}
    for quote in store.iter_quotes():
        if quote["speaker_id"]:
            said.setdefault(quote["speaker_id"], []).append(quote["id"])
    return said


def dossier_sections(store: Store) -> Iterator[tuple[str, Any]]:
    """The dossier's top-level keys in contract order, each list as a lazy iterator over store
    pages. Lazy throughout: a section is read from the store only once the one before it has been
    consumed, which both `build_dossier` and `write_dossier` do in order."""
    yield "storyline", {"contract": CONTRACT_VERSION}
    also_seen = store.other_sources()  # copies only: one short list per article seen twice
    yield "articles", (_article(row, also_seen) for row in store.iter_articles())
    said = quotes_by_speaker(store)
    yield "actors", ({**actor, "quotes": said.get(actor["id"], [])} for actor in store.iter_actors())
    yield "quotes", store.iter_quotes()
    yield "events", store.iter_events()
    yield "claims", store.iter_claims()
    yield "stories", store.iter_stories()
    # additions to the contract: the arcs of stories, and the actor graph's edges
    yield "storylines", store.iter_storylines()
    yield "actor_edges", store.iter_actor_edges()
    # an addition to the contract: the languages seen, each with what was analysed of its
    # articles and how many there are (each article says its own too)
    yield "languages", store.languages()


def build_dossier(store: Store) -> dict[str, Any]:
    """The whole dossier in memory, for library callers (`storyline.dossier()`); the file is
    written by `write_dossier` without building it."""
    return {key: list(value) if isinstance(value, Iterator) else value for key, value in dossier_sections(store)}


def _json(value: Any, depth: int) -> str:
    """`value` as it appears `depth` levels deep in `json.dumps(whole, ensure_ascii=False,
    indent=1)`: the only newlines in that output are its indentation (a newline inside a string
    is escaped), so re-indenting every line gives the same bytes as dumping the whole."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


def write_json(out: IO[str], sections: Iterable[tuple[str, Any]]) -> None:
    """A JSON object byte for byte as `json.dumps(dict(sections), ensure_ascii=False, indent=1)`
    writes it; a value that is a list or an iterator is written item by item, as a list."""
    out.write("{")
    empty = True
    for key, value in sections:
        out.write(("\n " if empty else ",\n ") + json.dumps(key, ensure_ascii=False) + ": ")
        empty = False
        if not isinstance(value, list | tuple | Iterator):
            out.write(_json(value, 1))
            continue
        out.write("[")
        first = True
        for item in value:
            out.write(("\n  " if first else ",\n  ") + _json(item, 2))
            first = False
        out.write("]" if first else "\n ]")
    out.write("}" if empty else "\n}")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[IO[str]]:
    """A text file that becomes `path` only once it is complete: a reader never sees half a
    dossier or report, and a failed write leaves the earlier one (or none) in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            yield out
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_dossier(store: Store, path: Path) -> None:
    """Write dossier.json from the store a page at a time. Returns nothing: handing back the
    dossier would mean holding it; `build_dossier` gives it to whoever needs it whole."""
    with replacing(path) as out:
        write_json(out, dossier_sections(store))
