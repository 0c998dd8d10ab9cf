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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from storyline.corpus.claims import SourcedClaim, group_claims
from storyline.corpus.graph import actor_graph
from storyline.corpus.outlets import compare_outlets
from storyline.corpus.stories import ArticleProfile, StoryClusterer, StoryParams, candidate_bounds
from storyline.corpus.storylines import StorylineParams, link_scores, should_link
from storyline.corpus.summary import article_sentences, summarize
from storyline.corpus.timeline import SourcedMention, merge_events
from storyline.model import ClaimMention, EventMention
from storyline.store.stories import StoryTables

__all__ = ["relabel", "update_stories"]

Tell = Callable[[str], None]
CHUNK = 2000  # new articles clustered per store round trip
SUMMARY_SENTENCES = 12  # of each article, for summaries (news puts what matters first)
EDGES_PER_STORYLINE = 400  # the actor graph keeps its strongest edges
KEY_ACTORS = 8


def update_stories(tables: StoryTables, from_scratch: bool, tell: Tell | None = None) -> None:
    if from_scratch:
        tables.reset()
    if tell:
        tell("corpus: stories")
    grown, gone = _cluster(tables)
    if not grown and not gone:
        return
    if tell:
        tell("corpus: storylines, timeline and claims")
    lines = _link(tables, grown)
    _derive(tables, lines, gone)


def relabel(tables: StoryTables, labels: dict[str, dict[str, str]], tell: Tell | None = None) -> None:
    """New outlet labels: every story's outlet comparison is derived again (nothing else
    depends on them). Unchanged labels change nothing."""
    if labels == tables.outlet_labels():
        return
    tables.set_outlet_labels(labels)
    if tell:
        tell("corpus: outlet labels")
    _derive(tables, tables.all_storylines(), set())


# ---- 1. stories ---------------------------------------------------------------------------

def _cluster(tables: StoryTables) -> tuple[set[str], set[str]]:
    """Assign the new articles; returns (stories that grew or were made, stories merged away)."""
    params = StoryParams()
    n_docs = tables.n_docs()
    grown: set[str] = set()
    gone: set[str] = set()
    for chunk in tables.new_articles(CHUNK):
        profiles = [ArticleProfile(article_id=r["id"], seq=r["seq"], published=r["published"],
                                   terms={t["k"]: t["n"] for t in r["terms"]},
                                   actors=_summed(r["actors"]), duplicate_of=r["duplicate_of"],
                                   duplicate_story=r["duplicate_story"]) for r in chunk]
        lo, hi, min_seq = candidate_bounds(profiles, params)
        held = tables.candidate_profiles(lo, hi, min_seq)
        words = {t for p in profiles for t in p.terms} | {a for p in profiles for a in p.actors}
        clusterer = StoryClusterer(held, tables.df(words), n_docs, params)
        for profile in profiles:
            clusterer.add(profile)
        story_of = {p.article_id: clusterer.story_of(p.article_id) or "" for p in profiles}
        tables.merge(clusterer.merged)
        tables.assign(story_of)
        tables.save_profiles(clusterer.changed(), clusterer.merged)
        delta, added = clusterer.df_changes()
        tables.add_df(delta)
        n_docs += added
        gone |= set(clusterer.merged)
        grown = {clusterer.merged.get(s, s) for s in grown} | set(story_of.values())
        grown -= gone
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
    for every storyline holding a grown story."""
    params = StorylineParams()
    stories = {p.id: p for p in tables.profiles(grown)}
    links: list[tuple[str, str]] = []
    for sid in sorted(stories):
        story = stories[sid]
        key = sorted(story.actors, key=lambda a: (-story.actors[a], a))[:params.key_actors]
        candidates = tables.stories_sharing_actors(key, exclude=[sid])
        candidates.sort(key=lambda other: (-link_scores(story, other, params)[1], other.id))
        for other in candidates[:params.max_candidates]:
            if should_link(story, other, params):
                links.append((sid, other.id))
    tables.add_links(links)
    lines: dict[str, set[str]] = {}
    done: set[str] = set()
    for sid in sorted(stories):
        if sid in done:
            continue
        members = tables.component([sid])
        done |= members
        first = min(tables.profiles(members), key=lambda p: (p.first_seq, p.id))
        lines[first.id] = members
    return lines


# ---- 3. results ---------------------------------------------------------------------------

def _derive(tables: StoryTables, lines: dict[str, set[str]], gone: set[str]) -> None:
    every_story = set().union(*lines.values()) if lines else set()
    tables.drop_results(every_story | gone, list(lines) + sorted(tables.storylines_of(every_story | gone)))
    labels = tables.outlet_labels()
    stories_out, lines_out, events_out, claims_out, edges_out = [], [], [], [], []
    for line_id in sorted(lines):
        line = _storyline(tables, line_id, lines[line_id], labels)
        stories_out += line["stories"]
        lines_out.append(line["storyline"])
        events_out += line["events"]
        claims_out += line["claims"]
        edges_out += line["edges"]
    tables.write_stories(stories_out)
    tables.write_storylines(lines_out)
    tables.write_events(events_out)
    tables.write_claims(claims_out)
    tables.write_edges(edges_out)


def _storyline(tables: StoryTables, line_id: str, story_ids: set[str], labels: dict) -> dict[str, Any]:
    articles = tables.members(story_ids)
    ids = [a["id"] for a in articles]
    by_id = {a["id"]: a for a in articles}
    original = {a["id"]: a["duplicate_of"] or a["id"] for a in articles}
    sentences = {a["id"]: [(s["start_char"], s["end_char"]) for s in a["sentences"] or []] for a in articles}

    def sentence(article_id: str, index: int) -> str:
        spans = sentences[article_id]
        if 0 <= index < len(spans):
            start, end = spans[index]
            return by_id[article_id]["text"][start:end].strip()
        return ""

    mentions = [SourcedMention(
        article_id=m["article_id"], original_id=original[m["article_id"]],
        published=by_id[m["article_id"]]["published"], outlet=by_id[m["article_id"]]["outlet"],
        sentence=sentence(m["article_id"], m["sentence"]),
        mention=EventMention(m["sentence"], m["kind"], m["trigger"], m["start_char"], m["end_char"], list(m["actors"]),
                             m["place"], m["date"], m["date_text"]),
        actor_ids=list(dict.fromkeys(m["actor_ids"])), story_id=by_id[m["article_id"]]["story_id"],
        storyline_id=line_id) for m in tables.event_mentions(ids)]
    events = [_plain(e) for e in merge_events(mentions)]

    claims_in = [SourcedClaim(
        article_id=c["article_id"], original_id=original[c["article_id"]], outlet=by_id[c["article_id"]]["outlet"],
        published=by_id[c["article_id"]]["published"], sentence=sentence(c["article_id"], c["sentence"]),
        claim=ClaimMention(c["sentence"], c["text"], c["start_char"], c["end_char"], c["value"], c["unit"],
                           c["subject"]),
        story_id=by_id[c["article_id"]]["story_id"], storyline_id=line_id) for c in tables.claim_mentions(ids)]
    claims = [_plain(c) for c in group_claims(claims_in)]
    _majority_story(events, by_id)
    _majority_story(claims, by_id)

    quotes = tables.quotes(ids)
    actor_lists = tables.article_actor_ids(ids)
    graph = actor_graph(actor_lists, [(q["article_id"], q["speaker_id"], q["mentions"]) for q in quotes], {})
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (-e[3]["weight"], e[0], e[1], e[2]))
    edges_out = [{"storyline_id": line_id, "source": u, "target": v, "kind": d["kind"], "weight": d["weight"],
                  "articles": str(d.get("articles", "")).split()} for u, v, _, d in edges[:EDGES_PER_STORYLINE]]

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
            "summary": _summary(members, sentences), "outlet_comparison": comparison})
    stories_out.sort(key=lambda s: (s["start"] or "9999", s["id"]))
    # a storyline is called after its largest story (ties: the latest), the one most read about
    largest = max(stories_out, key=lambda s: (s["size"], s["end"] or "", s["id"]), default=None)
    storyline = {
        "id": line_id, "title": largest["title"] if largest else _title(articles),
        "start": _span(articles)[0], "end": _span(articles)[1],
        "stories": [s["id"] for s in stories_out],
        "actors": _key_actors([actors_of.get(a["id"], []) for a in articles]),
        "summary": _summary(articles, sentences)}
    return {"stories": stories_out, "storyline": storyline, "events": events, "claims": claims, "edges": edges_out}


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


def _summary(articles: list[dict[str, Any]], sentences: dict[str, list[tuple[int, int]]]) -> list[dict[str, str]]:
    refs = []
    for a in articles:
        refs += article_sentences(a["id"], a["text"], sentences[a["id"]], a["published"],
                                  original_id=a["duplicate_of"] or a["id"], limit=SUMMARY_SENTENCES)
    return [{"article_id": r.article_id, "sentence": r.text.strip()} for r in summarize(refs)]
