"""The story layer over the store, incremental: stories, storylines and what is derived from them.

Runs inside the corpus stage's transaction, after near-duplicates and actors, on the same new
articles (`corpus_new`). Three steps:

1. Stories (corpus/stories.py): the new articles in seq order, a chunk at a time, each chunk
   against the stories active around its dates only (a superset read from the store and
   filtered by the clusterer's own pure rule) and the document frequencies of its terms.
2. Storylines (corpus/storylines.py): each story that grew is compared with the stories that
   share one of its key actors; links are kept in `story_links`, and a storyline is a connected
   set of linked stories, named after its first story.
3. Results, for the storylines touched only: timeline events merged across their articles,
   claims grouped with their status, summaries, per-story outlet comparison and the actor graph.
   Each is a pure function of the storyline's per-article records, so a touched storyline is
   derived again whole and an untouched one is never read.

   Except a large one (more than MERGED_ARTICLES articles: an archive's long-running arc, tens
   of thousands of reports). Its events and claims are merged within each story, its summary
   is picked among its stories' summaries, and only the stories that changed are derived again:
   merged whole, its mentions alone held gigabytes, and every new report in it re-read all of
   them. Its stories' results are then the same whichever way it grew, so an increment still
   equals a rebuild. The actor graph of every storyline is counted by DuckDB (write_graphs).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx

from storyline.corpus import memory
from storyline.corpus.claims import SourcedClaim, group_claims
from storyline.corpus.graph import ARTICLE_IDS_CAP
from storyline.corpus.outlets import compare_outlets
from storyline.corpus.stories import ArticleProfile, StoryClusterer, StoryParams, candidate_bounds
from storyline.corpus.storylines import StorylineParams, key_actors, linkable, linked
from storyline.corpus.summary import SentenceRef, summarize
from storyline.corpus.timeline import SourcedMention, merge_events
from storyline.model import ClaimMention, EventMention
from storyline.store.stories import StoryTables

__all__ = ["relabel", "update_stories"]

Tell = Callable[[str], None]
CHUNK = 2000  # new articles clustered per store round trip
# document-frequency increments held before they are written (a term held is about 100 bytes)
PENDING_TERMS = 500_000
SUMMARY_SENTENCES = 12  # of each article, for summaries (news puts what matters first)
EDGES_PER_STORYLINE = 400  # the actor graph keeps its strongest edges
# an article's most mentioned actors that make co-occurrence edges (60 made 1,770 pairs per article)
GRAPH_ACTORS = 12
# the actors a storyline's graph is drawn among: those named in most of its articles (a page
# draws 30 of them)
GRAPH_NODES = 60
# a storyline of more articles is derived story by story (see the module's docstring); Timeline17's
# 394-article H1N1 coverage, the largest real storyline we evaluate, stays whole
MERGED_ARTICLES = 1000
KEY_ACTORS = 8
LINKS = StorylineParams()
# the articles whose records are read at once to derive their storylines' results (a group's
# records are what the derive holds in memory)
ARTICLES_AT_ONCE = 3000


def update_stories(tables: StoryTables, from_scratch: bool, tell: Tell | None = None,
                   moved_keys: set[str] | None = None,
                   renamed: dict[str, str] | None = None) -> tuple[set[str], set[str]]:
    """`moved_keys`: actor keys the actor stage gave to another actor in this update;
    `renamed`: actors gone, each with the one that took it in. Stored profiles are made to name
    the actors of now, and the storylines whose articles hold a moved key are derived again.
    Returns what changed: the storylines derived again (as they were and as they are), and the
    stories derived again or merged away."""
    if from_scratch:
        tables.reset()
    stale: set[str] = set()
    if not from_scratch and (moved_keys or renamed):
        _rename(tables, renamed or {})
        stale = tables.stories_with_keys(moved_keys or set())
    if tell:
        tell("corpus: stories")
    memory.release()  # what the actor stage freed
    grown, gone = _cluster(tables)
    memory.release()
    if not grown and not gone and not stale:
        return set(), set()
    if tell:
        tell("corpus: storylines, timeline and claims")
    changed = grown | stale
    lines = _link(tables, grown)
    stale -= gone | set().union(*lines.values()) if lines else gone
    if stale:
        lines.update(_storylines(tables, stale))
    return _derive(tables, lines, gone, changed), set().union(*lines.values(), gone)


def _rename(tables: StoryTables, renamed: dict[str, str]) -> None:
    """Profiles and document frequencies name the actors of now: a gone actor's weight goes to
    the one that took it in."""
    if not renamed:
        return
    changed = []
    for profile in tables.profiles_naming(set(renamed)):
        actors: dict[str, float] = {}
        for actor, weight in profile.actors.items():
            target = renamed.get(actor, actor)
            actors[target] = actors.get(target, 0.0) + weight
        profile.actors = actors
        changed.append(profile)
    tables.save_profiles(changed, [], {p.id: list(key_actors(p, LINKS)) for p in changed})
    tables.rename_df(renamed)


def relabel(tables: StoryTables, labels: dict[str, dict[str, str]], tell: Tell | None = None) -> set[str]:
    """New outlet labels: every story's outlet comparison is derived again (nothing else
    depends on them). Unchanged labels change nothing. Returns the storylines derived again."""
    if labels == tables.outlet_labels():
        return set()
    tables.set_outlet_labels(labels)
    if tell:
        tell("corpus: outlet labels")
    return _derive(tables, tables.all_storylines(), set())


# ---- 1. stories ---------------------------------------------------------------------------

def _cluster(tables: StoryTables) -> tuple[set[str], set[str]]:
    """Assign the new articles; returns (stories that grew or were made, stories merged away).
    The run's document-frequency increments are held (`pending`) and written when they are many
    and at the end: updated chunk by chunk, term_df's rows carried a growing chain of versions
    in the run's transaction, and every later update and read scanned them (add_df 0.9 s at 10k
    articles, 15 s at 100k)."""
    params = StoryParams()
    n_docs = tables.n_docs()
    grown: set[str] = set()
    gone: set[str] = set()
    pending: Counter[str] = Counter()
    clusterer = StoryClusterer([], {}, n_docs, params)
    for chunk in tables.new_articles(CHUNK):
        profiles = [ArticleProfile(article_id=r["id"], seq=r["seq"], published=r["published"],
                                   terms=dict(zip(r["terms"], r["counts"], strict=True)),
                                   actors=_summed(r["actors"]), duplicate_of=r["duplicate_of"],
                                   duplicate_story=r["duplicate_story"]) for r in chunk]
        lo, hi, min_seq = candidate_bounds(profiles, params)
        clusterer.next_batch(lo, hi, min_seq)
        words = {t for p in profiles for t in p.terms} | {a for p in profiles for a in p.actors}
        stored = tables.df(words)
        df = {w: n for w in words if (n := stored.get(w, 0) + pending.get(w, 0))}
        clusterer.hold(tables.candidate_profiles(lo, hi, min_seq, held=clusterer.held.keys()), df, n_docs)
        for profile in profiles:
            clusterer.add(profile)
        story_of = {p.article_id: clusterer.story_of(p.article_id) or "" for p in profiles}
        tables.merge(clusterer.merged)
        tables.assign(story_of)
        changed = clusterer.changed()
        tables.save_profiles(changed, clusterer.merged, {p.id: list(key_actors(p, LINKS)) for p in changed})
        delta, added = clusterer.df_changes()
        pending.update(delta)
        if len(pending) > PENDING_TERMS:
            tables.add_df(pending)
            pending.clear()
        n_docs += added
        gone |= set(clusterer.merged)
        grown = {clusterer.merged.get(s, s) for s in grown} | set(story_of.values())
        grown -= gone
    tables.add_df(pending)
    tables.set_n_docs(n_docs)
    return grown, gone


def _summed(actors: list[dict[str, Any]]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for a in actors:
        out[a["k"]] += a["n"]
    return dict(out)


# ---- 2. storylines ------------------------------------------------------------------------

def _link(tables: StoryTables, grown: set[str]) -> dict[str, set[str]]:
    """Link the grown stories to the stories they continue; returns storyline id -> stories,
    for every storyline holding a grown story. A grown story's candidates are the stories sharing
    at least `min_shared` of its key actors (one join for all of them), those sharing most first,
    cut at `max_candidates`."""
    params = LINKS
    candidates = tables.link_candidates(grown, params.min_shared, params.max_candidates)
    profiles = {p.id: linkable(p, params)
                for p in tables.profiles(grown | {o for others in candidates.values() for o in others})}
    links: list[tuple[str, str]] = []
    for sid in sorted(grown):
        story = profiles.get(sid)
        if story is None:
            continue
        links += [(sid, o) for o in candidates.get(sid, []) if o in profiles and linked(story, profiles[o], params)]
    tables.add_links(links)
    return _storylines(tables, grown)


def _storylines(tables: StoryTables, story_ids: set[str]) -> dict[str, set[str]]:
    """The storylines holding these stories: the connected sets of their links, each named
    after its first story (the earliest started; ties by id)."""
    seen, links = tables.links_around(story_ids)
    graph = nx.Graph()
    graph.add_nodes_from(seen)
    graph.add_edges_from(links)
    components = [set(c) for c in nx.connected_components(graph)]
    first = tables.first_seqs(seen)
    return {min(c, key=lambda s: (first.get(s, 0), s)): c for c in components}


# ---- 3. results ---------------------------------------------------------------------------

def _derive(tables: StoryTables, lines: dict[str, set[str]], gone: set[str],
            changed: set[str] | None = None) -> set[str]:
    """The results of these storylines, derived again: a group of storylines at a time, each
    group's records read in one query per table. `changed`: the stories whose articles or actors
    changed (None: all); in a large storyline the others keep their results. Returns the
    storylines whose rows were dropped: these, and those the stories were in before."""
    every_story = set().union(*lines.values()) if lines else set()
    sizes = tables.line_sizes(lines)
    large = {line: stories for line, stories in lines.items() if sizes.get(line, 0) > MERGED_ARTICLES}
    kept = tables.kept_stories(large, MERGED_ARTICLES) - (every_story if changed is None else changed)
    dropped = set(lines) | tables.storylines_of(every_story | gone)
    tables.drop_results(every_story | gone, sorted(dropped), kept)
    labels = tables.outlet_labels()
    groups = list(_batches(sorted(set(lines) - set(large)), sizes))
    # every group's records read in one pass per table, and with several groups their
    # sentences cut out in one pass over the texts
    tables.gather_records({story: n for n, group in enumerate(groups) for line in group for story in lines[line]})
    if len(groups) > 1:
        tables.gather_sentences(SUMMARY_SENTENCES)
    for n, group in enumerate(groups):
        _derive_group(tables, {i: lines[i] for i in group}, labels, n, len(groups) > 1)
        memory.release()
    tables.drop_gathered()  # the records' tables are not held through the rest
    for line_id in sorted(large):
        _derive_large(tables, line_id, large[line_id] - kept, labels)
    graph_groups = list(_batches(sorted(lines), sizes))  # one statement for 4,334 storylines ran out of memory
    if len(graph_groups) > 1:  # what every group's graphs count, read in one pass
        tables.gather_graphs({line: n for n, group in enumerate(graph_groups) for line in group})
    for n, group in enumerate(graph_groups):
        tables.write_graphs(group, GRAPH_ACTORS, GRAPH_NODES, EDGES_PER_STORYLINE, ARTICLE_IDS_CAP,
                            n if len(graph_groups) > 1 else None)
    tables.drop_gathered()
    return dropped


def _batches(ids: list[str], sizes: dict[str, int]) -> Iterator[list[str]]:
    """`ids` in order, cut into runs of about ARTICLES_AT_ONCE articles."""
    group: list[str] = []
    size = 0
    for item in ids:
        group.append(item)
        size += sizes.get(item, 0)
        if size >= ARTICLES_AT_ONCE:
            yield group
            group, size = [], 0
    if group:
        yield group


def _read(tables: StoryTables, group: int, sentences_gathered: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The articles of a group of `StoryTables.gather_records` (seq order) and their records:
    event and claim mentions, quotes, actors, and the sentences the results may quote
    (`sentences_gathered`: `StoryTables.gather_sentences` cut them out already)."""
    articles = tables.members(group)
    records = {"events": _by_article(tables.event_mentions(group)), "claims": _by_article(tables.claim_mentions(group)),
               "quotes": _by_article(tables.quotes(group)), "actors": dict(tables.article_actor_ids(group))}
    wanted = {(a["id"], i) for a in articles for i in range(min(a["n_sentences"], SUMMARY_SENTENCES))}
    wanted |= {(m["article_id"], m["sentence"]) for key in ("events", "claims") for found in records[key].values()
               for m in found}
    records["sentences"] = tables.sentences(sorted(wanted), group if sentences_gathered else None)
    return articles, records


def _derive_group(tables: StoryTables, lines: dict[str, set[str]], labels: dict, group: int,
                  sentences_gathered: bool) -> None:
    articles, records = _read(tables, group, sentences_gathered)
    line_of = {story: line for line, stories in lines.items() for story in stories}
    members: dict[str, list[dict[str, Any]]] = {line: [] for line in lines}
    for article in articles:
        members[line_of[article["story_id"]]].append(article)
    out: dict[str, list[dict[str, Any]]] = {"stories": [], "storylines": [], "events": [], "claims": []}
    for line_id in sorted(lines):
        line = _storyline(line_id, lines[line_id], members[line_id], records, labels)
        out["storylines"].append(line.pop("storyline"))
        for key, items in line.items():
            out[key] += items
    _write(tables, out)


def _write(tables: StoryTables, out: dict[str, list[dict[str, Any]]]) -> None:
    tables.write_stories(out["stories"])
    tables.write_storylines(out["storylines"])
    tables.write_events(out["events"])
    tables.write_claims(out["claims"])


def _derive_large(tables: StoryTables, line_id: str, stories: set[str], labels: dict) -> None:
    """A large storyline: these stories of it derived each on its own (a group at a time), then
    the storyline itself from all its stories as written."""
    for group in _batches(sorted(stories), tables.line_sizes({sid: {sid} for sid in stories})):
        tables.gather_records({sid: 0 for sid in group})
        articles, records = _read(tables, 0, False)
        members: dict[str, list[dict[str, Any]]] = {sid: [] for sid in group}
        for article in articles:
            members[article["story_id"]].append(article)
        out: dict[str, list[dict[str, Any]]] = {"stories": [], "storylines": [], "events": [], "claims": []}
        for sid in group:
            part = _storyline(line_id, {sid}, members[sid], records, labels)
            out["stories"] += part["stories"]
            for key in ("events", "claims"):
                # ids come from content within the storyline; two stories of it can hold events
                # alike (one kind, day and cast), and each story's are its own
                for item in part[key]:
                    item["id"] = hashlib.sha1(f"{item['id']}|{sid}".encode()).hexdigest()[:16]
                out[key] += part[key]
        _write(tables, out)
    tables.drop_gathered()
    rows = tables.storyline_stories(line_id)
    meta = tables.article_dates({item["article_id"] for row in rows for item in row["summary"]})
    tables.write_storylines([_large_storyline(line_id, rows, meta)])


def _large_storyline(line_id: str, stories: list[dict[str, Any]],
                     meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A large storyline's own row from its stories' rows: called after its largest story, its
    key actors those in the key actors of most of its articles' stories (weighted by their
    size), its summary picked among its stories' summaries."""
    stories = sorted(stories, key=lambda s: (s["start"] or "9999", s["id"]))
    largest = max(stories, key=lambda s: (s["size"], s["end"] or "", s["id"]))
    weight: Counter[str] = Counter()
    for story in stories:
        for actor in story["actors"]:
            weight[actor] += story["size"]
    starts = [s["start"] for s in stories if s["start"]]
    ends = [s["end"] for s in stories if s["end"]]
    original = {a: m["duplicate_of"] or a for a, m in meta.items()}
    return {"id": line_id, "title": largest["title"], "start": min(starts, default=None),
            "end": max(ends, default=None), "stories": [s["id"] for s in stories],
            "actors": sorted(weight, key=lambda a: (-weight[a], a))[:KEY_ACTORS],
            "summary": _summary_of(stories, meta, original)}


def _by_article(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(item["article_id"], []).append(item)
    return out


def _storyline(line_id: str, story_ids: set[str], articles: list[dict[str, Any]], records: dict[str, Any],
               labels: dict) -> dict[str, Any]:
    """One storyline's results from its articles (seq order) and their records."""
    ids = [a["id"] for a in articles]
    by_id = {a["id"]: a for a in articles}
    original = {a["id"]: a["duplicate_of"] or a["id"] for a in articles}
    texts = records["sentences"]

    def sentence(article_id: str, index: int) -> str:
        return texts.get((article_id, index), "")

    mentions = [SourcedMention(
        article_id=m["article_id"], original_id=original[m["article_id"]],
        published=by_id[m["article_id"]]["published"], outlet=by_id[m["article_id"]]["outlet"],
        sentence=sentence(m["article_id"], m["sentence"]),
        mention=EventMention(m["sentence"], m["kind"], m["trigger"], m["start_char"], m["end_char"], list(m["actors"]),
                             m["place"], m["date"], m["date_text"]),
        actor_ids=list(dict.fromkeys(m["actor_ids"])), story_id=by_id[m["article_id"]]["story_id"],
        storyline_id=line_id) for i in ids for m in records["events"].get(i, [])]
    events = [_plain(e) for e in merge_events(mentions)]

    claims_in = [SourcedClaim(
        article_id=c["article_id"], original_id=original[c["article_id"]], outlet=by_id[c["article_id"]]["outlet"],
        published=by_id[c["article_id"]]["published"], sentence=sentence(c["article_id"], c["sentence"]),
        claim=ClaimMention(c["sentence"], c["text"], c["start_char"], c["end_char"], c["value"], c["unit"],
                           c["subject"]),
        story_id=by_id[c["article_id"]]["story_id"], storyline_id=line_id)
        for i in ids for c in records["claims"].get(i, [])]
    claims = [_plain(c) for c in group_claims(claims_in)]
    _majority_story(events, by_id)
    _majority_story(claims, by_id)

    quotes = [q for i in ids for q in records["quotes"].get(i, [])]
    actor_lists = [(i, records["actors"][i]) for i in ids if i in records["actors"]]

    actors_of = dict(actor_lists)
    stories_out = []
    for sid in sorted(story_ids):
        members = [a for a in articles if a["story_id"] == sid]
        if not members:
            continue
        member_ids = {a["id"] for a in members}
        story_events = [e for e in events if any(s["article_id"] in member_ids for s in e["sources"])]
        story_claims = [c for c in claims if any(s["article_id"] in member_ids for s in c["sources"])]
        story_quotes = [q for q in quotes if q["article_id"] in member_ids]
        comparison = compare_outlets(
            [{"id": a["id"], "outlet": a["outlet"], "duplicate_of": a["duplicate_of"]} for a in members],
            story_events, story_quotes, story_claims, labels or None)
        stories_out.append({
            "id": sid, "storyline_id": line_id, "title": _title(members), "size": len(members),
            "start": _span(members)[0], "end": _span(members)[1],
            "actors": _key_actors([actors_of.get(a["id"], []) for a in members]),
            "outlets": sorted({a["outlet"] for a in members if a["outlet"]}),
            "summary": _summary(members, texts), "outlet_comparison": comparison})
    stories_out.sort(key=lambda s: (s["start"] or "9999", s["id"]))
    # a storyline is called after its largest story (ties: the latest), the one most read about
    largest = max(stories_out, key=lambda s: (s["size"], s["end"] or "", s["id"]), default=None)
    storyline = {
        "id": line_id, "title": largest["title"] if largest else _title(articles),
        "start": _span(articles)[0], "end": _span(articles)[1],
        "stories": [s["id"] for s in stories_out],
        "actors": _key_actors([actors_of.get(a["id"], []) for a in articles]),
        # summarised from its stories' summaries: bounded however long the storyline, and a
        # storyline of one story says what its story says
        "summary": stories_out[0]["summary"] if len(stories_out) == 1 else _summary_of(stories_out, by_id,
                                                                                       original)}
    return {"stories": stories_out, "storyline": storyline, "events": events, "claims": claims}


def _plain(item: Any) -> dict[str, Any]:
    """A result dataclass as the row the store writes (sources as article_id/sentence pairs)."""
    row = dict(vars(item))
    row["sources"] = [{"article_id": a, "sentence": s} for a, s in row["sources"]]
    return row


def _majority_story(items: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> None:
    """An item spanning several stories of its storyline belongs to the one most of its sources
    are in (ties: the earliest story)."""
    for item in items:
        counts = Counter(by_id[s["article_id"]]["story_id"] for s in item["sources"] if s["article_id"] in by_id)
        if counts:
            item["story_id"] = min(counts, key=lambda s: (-counts[s], s))


def _title(articles: list[dict[str, Any]]) -> str | None:
    """The headline of the earliest report that has one, as written: the first report names the
    happening itself, later ones its aftermath (arrival order breaks ties)."""
    titled = [a for a in articles if a["title"]]
    if not titled:
        return None
    return min(titled, key=lambda a: (a["published"] or "9999", a["seq"]))["title"]


def _span(articles: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    dates = sorted(a["published"] for a in articles if a["published"])
    return (dates[0], dates[-1]) if dates else (None, None)


def _key_actors(lists: list[list[str]]) -> list[str]:
    """The actors in most of the articles (ties: mentioned earlier in more articles)."""
    count: Counter[str] = Counter()
    rank: Counter[str] = Counter()
    for actor_ids in lists:
        for position, actor in enumerate(dict.fromkeys(actor_ids)):
            count[actor] += 1
            rank[actor] += position
    return sorted(count, key=lambda a: (-count[a], rank[a] / count[a], a))[:KEY_ACTORS]


def _summary(articles: list[dict[str, Any]], texts: dict[tuple[str, int], str]) -> list[dict[str, str]]:
    refs = [SentenceRef(a["id"], a["duplicate_of"] or a["id"], i, texts[(a["id"], i)], a["published"])
            for a in articles for i in range(min(a["n_sentences"], SUMMARY_SENTENCES)) if (a["id"], i) in texts]
    return [{"article_id": r.article_id, "sentence": r.text} for r in summarize(refs)]


def _summary_of(stories: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
                original: dict[str, str]) -> list[dict[str, str]]:
    """A storyline's summary, picked among its stories' summary sentences."""
    refs = [SentenceRef(item["article_id"], original.get(item["article_id"], item["article_id"]), n, item["sentence"],
                        by_id.get(item["article_id"], {}).get("published"))
            for story in stories for n, item in enumerate(story["summary"])]
    return [{"article_id": r.article_id, "sentence": r.text} for r in summarize(refs)]
