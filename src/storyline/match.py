"""Which story is this? The stories a text would join, scored as the incremental clustering
scores a new article, and nothing stored.

The text goes through the per-article analysis the pipeline runs (`analyze_doc`: actors, key
terms with the headline's), its actor keys are mapped to the store's actors as the corpus
stage maps them, and a `StoryClusterer` is built exactly as the story stage builds one for a
batch holding this article alone: the candidate profiles of its date window, the document
frequencies of its words counting the article itself, the next arrival number. Each active
story that shares one of the article's probe terms is then scored with the clusterer's own
`similarity`; the best one at or above `join` is the story it would join (a near-duplicate of a
stored article joins its original's story, as in the pipeline).

What cannot be the same without storing: actor consolidation of names the store has never
seen (they count as new actors, as most would be), and the merges a join could trigger.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from storyline.store import Store

__all__ = ["match"]

PASTED = "(pasted text)"
_NLP_LOCK = threading.Lock()  # one spaCy pipeline per process, not made for concurrent calls


@contextmanager
def _opened(db: str | Path | Store) -> Iterator[Store]:
    from storyline.store import Store, open_store

    if isinstance(db, Store):
        yield db
        return
    with open_store(db, read_only=True) as store:
        yield store


def match(text: str, db: str | Path | Store, title: str | None = None, published: str | None = None,
          limit: int = 5) -> list[dict[str, Any]]:
    """The stories `text` would join, best first: each a dict with story_id, title, storyline_id,
    start, end, size, score, and `joins` (True for the one story the pipeline would put it
    in; none when it would start a story of its own), `reason` (similarity | near-duplicate).

    `db` is a store path (opened read-only) or an open Store (a process that holds the store
    read-write, like `storyline serve`, passes its own: DuckDB refuses a second, read-only
    connection to the same file in one process). `published` is any date form the pipeline
    reads ("12 June 2018", "2018-06-12"); without it the text is compared as an undated
    article is, with the most recent arrivals."""
    from storyline.analyze.stages import analyze_doc
    from storyline.extract.dates import normalize_date
    from storyline.model import Article, Failed
    from storyline.settings import Settings

    text = (text or "").strip()
    if not text:
        raise ValueError("no text to match")
    settings = Settings()
    article = Article(source=PASTED, kind="text", text=text, title=(title or "").strip() or None,
                      published=normalize_date(published) if published else None)
    with _NLP_LOCK:
        from storyline.analyze.nlp import load_pipeline

        doc = load_pipeline(settings.spacy_model)(text)
        analyzed = analyze_doc(article, doc, settings)
    if isinstance(analyzed, Failed):
        raise ValueError(f"the text could not be analysed: {analyzed.reason}")
    with _opened(db) as store:
        return _scored(store, analyzed, settings, max(int(limit), 1))


def _scored(store: Store, analyzed: Any, settings: Any, limit: int) -> list[dict[str, Any]]:
    from datetime import date

    from storyline.corpus.actors import actor_id
    from storyline.corpus.stories import ArticleProfile, StoryClusterer, StoryParams, candidate_bounds, is_candidate
    from storyline.store.stories import StoryTables
    from storyline.store.web import WebReads

    reads = WebReads(store)
    tables = StoryTables(store)
    ids = reads.actor_ids([a.key for a in analyzed.actors])
    actors: Counter[str] = Counter()
    for actor in analyzed.actors:
        if actor.mentions > 0:
            # a name the store has never seen becomes an actor of its own: in no profile, but
            # part of the article's actor vector (its norm), as in the pipeline
            actors[ids.get(actor.key) or actor_id(actor.key)] += actor.mentions
    published = date.fromisoformat(analyzed.article.published) if analyzed.article.published else None
    profile = ArticleProfile(article_id=analyzed.article.id, seq=reads.next_seq(), published=published,
                             terms=dict(analyzed.terms), actors=dict(actors))
    params = StoryParams()
    lo, hi, min_seq = candidate_bounds([profile], params)
    held = tables.candidate_profiles(lo, hi, min_seq)
    words = set(profile.terms) | set(profile.actors)
    known = tables.df(words)
    # the clusterer counts the article in before scoring it: its words' frequencies and n + 1
    df = {w: known.get(w, 0) + 1 for w in words}
    clusterer = StoryClusterer(held, df, tables.n_docs() + 1, params)
    vec = clusterer.vector(profile)
    scored: list[tuple[float, str, str]] = []
    for sid, story in sorted(clusterer.held.items()):
        if is_candidate(story.profile, profile, params) and any(t in story.profile.terms for t in vec.terms):
            scored.append((clusterer.similarity(vec, story), sid, "similarity"))
    scored.sort(key=lambda x: (-x[0], x[1]))
    duplicate = _duplicate_story(reads, store, analyzed.article.text, settings)
    if duplicate and duplicate in clusterer.held and is_candidate(clusterer.held[duplicate].profile, profile, params):
        scored = [(1.0, duplicate, "near-duplicate")] + [s for s in scored if s[1] != duplicate]
    scored = scored[:limit]
    briefs = reads.story_briefs([sid for _, sid, _ in scored])
    out = []
    for rank, (score, sid, reason) in enumerate(scored):
        brief = briefs.get(sid, {"id": sid, "title": None, "storyline_id": None, "start": None, "end": None,
                                 "size": 0, "outlets": []})
        out.append({"story_id": sid, "title": brief["title"], "storyline_id": brief["storyline_id"],
                    "start": brief["start"], "end": brief["end"], "size": brief["size"],
                    "outlets": brief["outlets"], "score": round(float(score), 4),
                    "joins": rank == 0 and (reason == "near-duplicate" or score >= params.join),
                    "reason": reason})
    return out


def _duplicate_story(reads: Any, store: Store, text: str, settings: Any) -> str | None:
    """The story of the stored article this text is a near-copy of (the earliest such)."""
    from storyline.corpus.duplicates import band_buckets, jaccard, rank, signature

    shape = store.lsh_layout()
    sig = signature(text, settings.minhash_perms, settings.shingle_words)
    buckets = band_buckets([sig], shape)[0]
    found = reads.band_neighbours([(band, int(bucket)) for band, bucket in enumerate(buckets)])
    close = [row for row in found if row["minhash"] and (jaccard(sig, bytes(row["minhash"])) or 0) >= shape.threshold]
    if not close:
        return None
    best = min(close, key=lambda row: rank(row["published"], row["seq"]))
    return best["story_id"]
