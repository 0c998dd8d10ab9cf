"""dossier.json: the public contract. Field names are stable; new fields are added, never renamed.

Built from the store alone, so `storyline export` gives the same file as `storyline analyze`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storyline.store import Store

CONTRACT_VERSION = "1.0"

ARTICLE_FIELDS = ("id", "source", "title", "outlet", "author", "published", "text", "story_id", "duplicate_of")


def build_dossier(store: Store) -> dict[str, Any]:
    also_seen = store.other_sources()
    articles = []
    for row in store.articles():
        article = {key: row[key] for key in ARTICLE_FIELDS}
        # additions to the contract: where each metadata value came from, the URL, exact copies
        article["url"] = row["url"]
        article["kind"] = row["kind"]
        article["metadata_sources"] = row["provenance"]
        article["also_seen_at"] = also_seen.get(row["id"], [])
        articles.append(article)
    quotes = store.quotes()
    actors = store.actors()
    # who said what: each actor's own quotes (an addition to the contract)
    said: dict[str, list[str]] = {}
    for quote in quotes:
        if quote["speaker_id"]:
            said.setdefault(quote["speaker_id"], []).append(quote["id"])
    for actor in actors:
        actor["quotes"] = said.get(actor["id"], [])
    return {
        "storyline": {"contract": CONTRACT_VERSION},
        "articles": articles,
        "actors": actors,
        "quotes": quotes,
        "events": store.events(),
        "claims": store.claims(),
        "stories": store.stories(),
    }


def write_dossier(store: Store, path: Path) -> dict[str, Any]:
    dossier = build_dossier(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(dossier, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return dossier
