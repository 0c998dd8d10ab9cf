"""The corpus stage over the store, incremental: a run takes in only its new articles.

Near-duplicates: a new article's candidates are the articles sharing one of its LSH band
buckets (one join against `lsh_bands`); each pair is confirmed on the Jaccard estimate of the
stored signatures; the groups the confirmed pairs touch are merged and get their original
again (earliest published, then first stored). Actors: the new articles' actors are added to
per-key aggregates, the merges are decided again for the keys whose support they changed, read
from a neighbourhood of a fixed number of lookups (`actors.neighbourhood`), and only the actors
whose keys or aggregates changed are written again. Quotes: the new articles' quotes get their speaker, and so do the
quotes whose speaker key now belongs to another actor or to one renamed. Then the story layer
(corpus/story_stage.py): stories, storylines and what is derived from the storylines touched.

Each decision depends on aggregates and on arrival order (seq), never on which run brought an
article, so the result equals deriving everything from scratch, which is this same code run
on an empty state (`rebuild`). Nothing here reads the whole corpus except that rebuild.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Callable

from storyline.corpus.actors import KeyStats, actor_id, build_actor, neighbourhood, resolve
from storyline.corpus.duplicates import jaccard, layout, regroup
from storyline.corpus.outlets import read_outlet_labels
from storyline.corpus.story_stage import relabel, update_stories
from storyline.settings import Settings
from storyline.store import Store, pages
from storyline.store.corpus import CorpusTables
from storyline.store.stories import StoryTables

__all__ = ["rebuild", "update"]

Tell = Callable[[str], None]
# actor records built and written at a time: a rebuild holds only these members' aggregates
ACTORS_AT_ONCE = 20_000


def update(store: Store, settings: Settings, tell: Tell | None = None) -> int:
    """Take the articles stored since the last update into the corpus results, in one
    transaction. Returns how many articles were new."""
    return _run(store, settings, tell, from_scratch=False)


def rebuild(store: Store, settings: Settings, tell: Tell | None = None) -> int:
    """Derive every corpus result again from the per-article records alone."""
    return _run(store, settings, tell, from_scratch=True)


def _run(store: Store, settings: Settings, tell: Tell | None, from_scratch: bool) -> int:
    tables = store.corpus
    shape = layout(settings.minhash_perms, settings.duplicate_threshold)
    store.con.execute("BEGIN TRANSACTION")
    try:
        # bands cut or judged another way are no use to the new ones: start again
        if from_scratch or tables.layout() != shape or tables.reset_pending():
            tables.reset(shape)
            from_scratch = True
        count, last = tables.begin(tables.watermark())
        lines: set[str] = set()  # what the kept story pages show changed in: these storylines'
        stories: set[str] = set()  # stories, these stories, the stories of these articles
        articles: set[str] = set()
        if count:
            if tell:
                tell("corpus: near-duplicates")
            articles = _duplicates(tables, shape.threshold)
            if tell:
                tell("corpus: actors and quotes")
            moved, renamed = _actors(tables, from_scratch)
            renamed_keys = set() if from_scratch else tables.renamed_keys()
            lines, stories = update_stories(StoryTables(store), from_scratch, tell, moved, renamed)
            if renamed_keys:
                stories |= StoryTables(store).stories_with_keys(renamed_keys)
            tables.set_watermark(last)
        if settings.outlets is not None:
            lines |= relabel(StoryTables(store), read_outlet_labels(settings.outlets), tell)
        if from_scratch:
            pages.mark_all(store.con)
        else:
            pages.mark(store.con, lines, stories, articles)
        store.con.execute("COMMIT")
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
    finally:
        give_back_memory()
    return count


def give_back_memory() -> None:
    """Return the memory the stage freed to the system, as Dask's workers do (`malloc_trim`):
    glibc keeps freed blocks in the middle of its heap, so a from-scratch 100k stage left its
    process some 400 MB larger for the story pages and the search index written after it. A
    no-op where the C library has no such call."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _duplicates(tables: CorpusTables, threshold: float) -> set[str]:
    """Returns the stored articles that got another original (or none)."""
    pairs = tables.candidate_pairs()
    signatures = tables.signatures({article_id for pair in pairs for article_id in pair})
    confirmed = []
    for a, b in sorted(pairs):
        estimate = jaccard(signatures[a], signatures[b])
        if estimate is not None and estimate >= threshold:
            confirmed.append((a, b))
    if not confirmed:
        return set()
    groups = tables.duplicate_groups({article_id for pair in confirmed for article_id in pair})
    grouped = regroup(confirmed, {article_id: (original, rank) for article_id, (original, rank, _) in groups.items()})
    changed = {article_id: original for article_id, original in grouped.items() if original != groups[article_id][2]}
    tables.set_duplicates(changed)
    return set(changed)


def _actors(tables: CorpusTables, from_scratch: bool) -> tuple[set[str], dict[str, str]]:
    """Returns the keys that moved to another actor, and the actors that no longer exist with
    the one that took their place (the story layer's profiles and results name actors by id).
    From scratch every key is new: all of them are decided, with no lookups."""
    changed = tables.add_key_stats()
    moved: dict[str, str] = {}
    loaded_owner: dict[str, str | None] = {}
    if changed:
        affected, support = (set(changed), set(changed)) if from_scratch else neighbourhood(changed, tables)
        loaded = tables.weights(support)
        # exact for the affected keys only: the others' own support was not all loaded
        decided = resolve({k: w for k, (w, _, _) in loaded.items()}, {k: sk for k, (_, _, sk) in loaded.items()})
        group_of = {key: group for key, group in decided.items() if key in affected}
        ids = {group: actor_id(group) for group in set(group_of.values())}
        moved = {key: ids[group] for key, group in group_of.items() if ids[group] != loaded[key][1]}
        tables.set_actor_ids(moved)
        # actors whose keys changed, and those whose keys' aggregates changed
        reshaped = set(moved.values()) | {owner for key in moved if (owner := loaded[key][1])}
        touched = reshaped | {ids[group_of[key]] for key in changed}
        group_keys = {actor: group for group, actor in ids.items()}
        loaded_owner = {key: loaded[key][1] for key in moved}
        del loaded, decided, group_of, ids
        tables.drop_actors(touched)
        ordered = sorted(touched)
        for start in range(0, len(ordered), ACTORS_AT_ONCE):
            owners = tables.owners(ordered[start:start + ACTORS_AT_ONCE])
            stats = tables.key_stats(key for key, _ in owners)
            members: dict[str, list[KeyStats]] = {}
            for key, owner in owners:
                members.setdefault(owner, []).append(stats[key])
            tables.write_actors([build_actor(group_keys.get(owner) or _group_key(owner, keys), keys)
                                 for owner, keys in members.items()])
        tables.link_actors(relink=reshaped, extend=touched - reshaped)
    tables.attribute_quotes(set(moved))
    if not moved:
        return set(), {}
    old = {key: owner for key in moved if (owner := loaded_owner[key])}
    alive = tables.existing_actors(set(old.values()))
    renamed: dict[str, str] = {}
    for key in sorted(old):
        if old[key] not in alive:
            renamed.setdefault(old[key], moved[key])
    return set(moved), renamed


def _group_key(owner: str, members: list[KeyStats]) -> str:
    """The member an actor is named after (its id is that key's hash)."""
    return next(s.key for s in members if actor_id(s.key) == owner)
