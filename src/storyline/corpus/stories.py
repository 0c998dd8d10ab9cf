"""Stories: articles grouped by the happening they report, one article at a time.

Following Story Forest (Liu et al.) and production news clusterers, a story is kept as a
compact profile — its top key terms with TF-IDF weights (the sum of its articles' unit
vectors, so a cosine with it is the article's mean cosine with the members; figures and years
count double, as they are what two happenings of one kind differ in), its top actors,
its date span — and a new article is compared only with the profiles of the *active* stories:
those whose date span lies within `window` days of the article's date (or, without dates,
those that grew within the last `recent` arrivals). The article joins the story it is most
like when the likeness clears `join`; else it starts a story. A story that has just grown is
then compared with its active neighbours and absorbs any that became as alike as `merge`.

Why this gives the same stories in one run and in many: every decision for the article with
seq n reads only state built from articles with smaller seq (profiles, document frequencies,
the count of articles), candidate stories are picked by a pure rule (`is_candidate`) from
whatever profiles are held, and profiles are truncated to their top terms at every update, so
the profile written to the store is the very one the next run reads. Document frequencies
grow with each article taken in; the batch's increments are handed back (`df_changes`).

Work per article is bounded whatever the corpus size: the article is reduced to its
`probe_terms` heaviest terms, and candidate stories are found through an inverted index over
the held profiles' terms, so only stories sharing a distinctive term are ever scored.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import Any

__all__ = ["ArticleProfile", "StoryParams", "StoryProfile", "StoryClusterer", "is_candidate", "candidate_bounds",
           "story_id"]


@dataclass(frozen=True)
class StoryParams:
    # a dated article meets the stories whose [first, last] span comes within this many days:
    # the coverage of one development runs days to a few weeks
    window: int = 14
    # an undated article (or an undated story) meets the stories grown within the last this many
    # arrivals: without dates, arrival order is the only clock
    recent: int = 5000
    # cosine (article vs story centroid) at which an article joins a story: chosen as the point
    # where two reports share their distinctive names and words, not just the topic's words
    join: float = 0.2
    # cosine between two story centroids at which they are one story
    merge: float = 0.6
    # profile sizes: the article's heaviest terms, a story's kept terms and actors
    probe_terms: int = 40
    top_terms: int = 120
    top_actors: int = 24
    # share of the likeness that comes from shared key actors (the rest from key terms)
    actor_share: float = 0.2
    # a merge looks at this many nearest stories
    merge_candidates: int = 5
    # the distinctive-terms check: a report of the same happening shares some of the story's
    # `anchor_terms` heaviest terms, or the story some of the report's; when the shared share
    # of both is under `anchor_share`, the two are of the same kind but not the same happening
    # (two rehab stays, two earthquakes), and the likeness counts `anchor_penalty` times
    anchor_terms: int = 3
    anchor_share: float = 0.4
    anchor_penalty: float = 0.5
    # figures weigh more than words: a toll, a count of troops, a year tell two happenings of
    # one kind apart (2008's patch and 2013's, 28,500 troops) where the kind's words cannot, and
    # two reports of one happening repeat them exactly
    number_boost: float = 2.0


@dataclass
class ArticleProfile:
    article_id: str
    seq: int  # arrival order; processing is always in seq order
    published: date | None
    terms: dict[str, int]  # from analyze.terms.key_terms
    actors: dict[str, int]  # canonical actor id -> mentions in the article
    duplicate_of: str | None = None  # a near-duplicate joins its original's story
    # the original's story when the original was taken in by an earlier run (the store knows it)
    duplicate_story: str | None = None


@dataclass
class StoryProfile:
    """The compact profile persisted per story; plain types only."""

    id: str
    size: int
    terms: dict[str, float]  # top-K terms, weight = sum over members of their unit TF-IDF weight
    actors: dict[str, float]  # top-K actors, same weighting
    first: date | None
    last: date | None
    last_seq: int
    first_seq: int = 0  # seq of the article that started it: the older of two merging stories wins
    weight: float = 0.0  # members that shaped the profile (near-duplicates do not)
    title_article: str = ""  # the first article's id


def story_id(first_article_id: str) -> str:
    """Derived from the first article, so a rebuild names the story the same."""
    return "s_" + hashlib.sha1(first_article_id.encode("utf-8")).hexdigest()[:12]


def is_candidate(story: StoryProfile, article: ArticleProfile, params: StoryParams) -> bool:
    """The active-story rule: a dated article meets dated stories within `window` days of their
    span; otherwise arrival order decides (grown within the last `recent` articles)."""
    if article.published is not None and story.first is not None and story.last is not None:
        slack = timedelta(days=params.window)
        return story.first - slack <= article.published <= story.last + slack
    return 0 <= article.seq - story.last_seq <= params.recent


def candidate_bounds(articles: Iterable[ArticleProfile], params: StoryParams
                     ) -> tuple[date | None, date | None, int]:
    """What the store query needs for a batch: load every story with
    `first_date <= hi AND last_date >= lo` (dated batch articles) OR `last_seq >= min_seq`.
    That is a superset of `is_candidate` for every article of the batch."""
    articles = list(articles)
    dates = [a.published for a in articles if a.published is not None]
    seqs = [a.seq for a in articles]
    slack = timedelta(days=params.window)
    lo = min(dates) - slack if dates else None
    hi = max(dates) + slack if dates else None
    return lo, hi, (min(seqs) - params.recent if seqs else 0)


def _top(weights: dict[str, float], k: int) -> dict[str, float]:
    if len(weights) <= k:
        return weights
    kept = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return dict(kept)


def norm(weights: Mapping[str, float]) -> float:
    """Summed in sorted order, so that the float is the same however the weights were loaded."""
    return math.sqrt(sum(w * w for _, w in sorted(weights.items())))


def cosine(a: Mapping[str, float], na: float, b: Mapping[str, float], nb: float) -> float:
    """The cosine of two weight vectors whose norms (`norm`) are known already; 0 for an empty one."""
    return _sorted_dot(a, b) / (na * nb) if na and nb else 0.0


def _unit(weights: dict[str, float]) -> dict[str, float]:
    n = norm(weights)
    return {t: w / n for t, w in sorted(weights.items())} if n else {}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Summed in a's order: callers pass a vector built in sorted order first, so the float
    sum is the same however b was loaded."""
    return sum(w * b[t] for t, w in a.items() if t in b)


def _sorted_dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in sorted(a.items()) if t in b)


def _heaviest(a: Mapping[str, float], k: int) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(a.items(), key=lambda kv: (-kv[1], kv[0]))[:k])


def _anchored(top: tuple[tuple[str, float], ...], b: Mapping[str, float]) -> float:
    """Share of the weight of the heaviest terms `top` that b holds too."""
    total = sum(w for _, w in top)
    return sum(w for t, w in top if t in b) / total if total else 0.0


def _add(into: dict[str, float], vec: Mapping[str, float], k: int) -> dict[str, float]:
    out = dict(into)
    for t, w in sorted(vec.items()):
        out[t] = out.get(t, 0.0) + w
    return _top(out, k)


def _discard(holders_by: dict[Any, set[str]], sid: str, keys: Iterable[Any]) -> None:
    """Take a held story out of an index (term or week -> stories), dropping emptied entries."""
    for key in keys:
        holders = holders_by[key]
        holders.discard(sid)
        if not holders:
            del holders_by[key]


@dataclass
class _Held:
    """A story in memory: its profile plus cached norms."""

    profile: StoryProfile
    tnorm: float = 0.0
    anorm: float = 0.0
    anchors: tuple[tuple[str, float], ...] = ()

    def refresh(self, k: int) -> None:
        self.tnorm = norm(self.profile.terms)
        self.anorm = norm(self.profile.actors)
        self.anchors = _heaviest(self.profile.terms, k)


@dataclass
class _Vector:
    terms: dict[str, float] = field(default_factory=dict)  # unit vector over the probe terms
    actors: dict[str, float] = field(default_factory=dict)  # unit vector over the actors
    anchors: tuple[tuple[str, float], ...] = ()  # the heaviest terms


class StoryClusterer:
    """Takes articles in seq order and says which story each joins.

    `stories`: the profiles held by the store that may be candidates for this batch (any
    superset of `is_candidate`; passing every story gives the same result). `df`: document
    frequencies of terms over the articles taken in so far (at least the batch's terms;
    missing terms count 0), `n_docs`: how many articles that is."""

    def __init__(self, stories: Iterable[StoryProfile], df: Mapping[str, int], n_docs: int,
                 params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        self.df = df
        self.n_docs = n_docs
        self._df_delta: dict[str, int] = defaultdict(int)
        self._n_delta = 0
        self.held: dict[str, _Held] = {}
        self._index: dict[str, set[str]] = defaultdict(set)  # term -> story ids holding it
        # week -> dated stories an article of that week may meet; the undated ones apart. An
        # archive taken in out of date order holds every story for each batch, and scoring each
        # against every article made clustering quadratic (100k articles: 870 s)
        self._weeks: dict[int, set[str]] = defaultdict(set)
        self._undated: set[str] = set()
        self._changed: set[str] = set()
        self.merged: dict[str, str] = {}
        self.assigned: dict[str, str] = {}  # article id -> story id, this session
        self.last_score: float = 0.0
        for profile in stories:
            self._hold(profile)

    # ---- document frequencies ------------------------------------------------------------
    def _df(self, term: str) -> int:
        return self.df.get(term, 0) + self._df_delta.get(term, 0)

    def df_changes(self) -> tuple[dict[str, int], int]:
        """(term -> df increment, n_docs increment) taken in during this session: add them to
        the stored document frequencies and article count."""
        return dict(self._df_delta), self._n_delta

    def _idf(self, term: str, n: int) -> float:
        return math.log((n + 1) / (self._df(term) + 1)) + 1.0

    def vector(self, article: ArticleProfile) -> _Vector:
        """The article's unit TF-IDF vector over its heaviest terms, and its unit actor vector.
        Uses the frequencies as they stand (the article itself already counted)."""
        n = self.n_docs + self._n_delta
        # _idf and _boost written out: this runs for every term of every article (350 a report),
        # and the calls were most of the clustering's time; the arithmetic is the same
        df, delta, log, boost = self.df, self._df_delta, math.log, self.params.number_boost
        weights = {t: (1.0 + log(c)) * (log((n + 1) / (df.get(t, 0) + delta.get(t, 0) + 1)) + 1.0)
                   * (boost if t[:1].isdigit() else 1.0) for t, c in article.terms.items() if c > 0}
        probe = _top(weights, self.params.probe_terms)
        actors = {a: (1.0 + math.log(c)) * self._idf(a, n) for a, c in article.actors.items() if c > 0}
        terms = _unit(probe)
        return _Vector(terms, _unit(_top(actors, self.params.top_actors)), _heaviest(terms, self.params.anchor_terms))

    # ---- one clusterer for a run's chunks ---------------------------------------------------
    def next_batch(self, lo: date | None, hi: date | None, min_seq: int) -> None:
        """Go on to another batch of a run after the last one's changes were written to the
        store: forget the held stories the store would not load for it (`candidate_bounds`'s
        rule), and this batch's bookkeeping. What stays held is what the store holds for those
        stories, so a run need read only the candidates it does not hold yet (re-reading every
        held profile per batch was 12% of the 100k stage, py-spy) and `hold` them."""
        def wanted(profile: StoryProfile) -> bool:
            if profile.last_seq >= min_seq:
                return True
            return (lo is not None and hi is not None and profile.first is not None and profile.last is not None
                    and profile.first <= hi and profile.last >= lo)

        for sid in [sid for sid, held in self.held.items() if not wanted(held.profile)]:
            self._drop(sid)
        self._changed.clear()
        self.merged.clear()
        self.assigned.clear()

    def hold(self, stories: Iterable[StoryProfile], df: Mapping[str, int], n_docs: int) -> None:
        """Add stored profiles, and the document frequencies of the batch's terms as stored now
        (after the last batch's `df_changes` were added)."""
        for profile in stories:
            self._hold(profile)
        self.df, self.n_docs = df, n_docs
        self._df_delta.clear()
        self._n_delta = 0

    def _boost(self, term: str) -> float:
        return self.params.number_boost if term[:1].isdigit() else 1.0

    # ---- the held stories ------------------------------------------------------------------
    def _hold(self, profile: StoryProfile) -> None:
        """Hold a profile, in place of the story's earlier one if held: the index and the
        weeks change by what differs (a story grows by one article at a time, and taking a long
        story's every term and week out and in again per article was 6% of the 100k stage)."""
        sid = profile.id
        old = self.held.get(sid)
        held = self.held[sid] = _Held(profile)
        held.refresh(self.params.anchor_terms)
        before = old.profile.terms.keys() if old else set()
        for t in profile.terms.keys() - before:
            self._index[t].add(sid)
        _discard(self._index, sid, before - profile.terms.keys())
        was, now = self._weeks_of(old.profile) if old else range(0), self._weeks_of(profile)
        for week in chain(range(now.start, min(now.stop, was.start)), range(max(now.start, was.stop), now.stop)):
            self._weeks[week].add(sid)
        _discard(self._weeks, sid,
                 chain(range(was.start, min(was.stop, now.start)), range(max(was.start, now.stop), was.stop)))
        if profile.first is None or profile.last is None:
            self._undated.add(sid)
        else:
            self._undated.discard(sid)

    def _drop(self, sid: str) -> None:
        held = self.held.pop(sid)
        _discard(self._index, sid, held.profile.terms)
        _discard(self._weeks, sid, self._weeks_of(held.profile))
        self._undated.discard(sid)

    def _weeks_of(self, story: StoryProfile) -> range:
        """The weeks of the dates an article can have to meet the story (is_candidate)."""
        if story.first is None or story.last is None:
            return range(0)
        slack = self.params.window
        return range((story.first.toordinal() - slack) // 7, (story.last.toordinal() + slack) // 7 + 1)

    def _active(self, article: ArticleProfile) -> set[str] | None:
        """A superset of the held stories `is_candidate` admits for the article; None: any."""
        if article.published is None:
            return None
        return self._weeks.get(article.published.toordinal() // 7, set()) | self._undated

    def _resolve(self, sid: str) -> str:
        while sid in self.merged:
            sid = self.merged[sid]
        return sid

    def similarity(self, vec: _Vector, held: _Held) -> float:
        """Cosine of the article with the story centroid (terms, and actors for a share), less
        when neither shares the other's most distinctive terms."""
        p = self.params
        terms = _dot(vec.terms, held.profile.terms) / held.tnorm if held.tnorm else 0.0
        score = terms
        if vec.actors and held.anorm:
            actors = _dot(vec.actors, held.profile.actors) / held.anorm
            score = (1 - p.actor_share) * terms + p.actor_share * actors
        if max(_anchored(vec.anchors, held.profile.terms), _anchored(held.anchors, vec.terms)) < p.anchor_share:
            score *= p.anchor_penalty
        return score

    def _nearby(self, terms: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for t in terms:
            found |= self._index.get(t, set())
        return found

    # ---- the one public step ----------------------------------------------------------------
    def add(self, article: ArticleProfile) -> str:
        """Take one article in (seq order); return the id of the story it joined or started."""
        p = self.params
        original = None
        if article.duplicate_of:
            original = self.assigned.get(article.duplicate_of) or article.duplicate_story
        if original is not None:
            sid = self._resolve(original)
            if sid in self.held and is_candidate(self.held[sid].profile, article, p):
                self._grow(sid, article, None)
                self.assigned[article.article_id] = sid
                self.last_score = 1.0
                return sid
        for t in article.terms:
            self._df_delta[t] += 1
        for a in article.actors:
            self._df_delta[a] += 1
        self._n_delta += 1
        vec = self.vector(article)
        scored = []
        active = self._active(article)
        if active is None:
            pool = self._nearby(vec.terms)
        else:  # the same stories as nearby & active, from the (much smaller) active side
            pool = {sid for sid in active if not self.held[sid].profile.terms.keys().isdisjoint(vec.terms)}
        for sid in sorted(pool):
            held = self.held[sid]
            if is_candidate(held.profile, article, p):
                scored.append((self.similarity(vec, held), sid))
        scored.sort(key=lambda x: (-x[0], x[1]))
        best, best_score = (scored[0][1], scored[0][0]) if scored else (None, 0.0)
        self.last_score = best_score
        if best is None or best_score < p.join:
            sid = story_id(article.article_id)
            profile = StoryProfile(id=sid, size=0, terms={}, actors={}, first=None, last=None,
                                   last_seq=article.seq, first_seq=article.seq, title_article=article.article_id)
            self._hold(profile)
            best = sid
        self._grow(best, article, vec)
        # the stories the article was nearly as like as the one it joined may now be one with it
        near = [sid for score, sid in scored[1:p.merge_candidates + 1] if score >= p.join]
        best = self._merge_around(best, near)
        self.assigned[article.article_id] = best
        return best

    def _grow(self, sid: str, article: ArticleProfile, vec: _Vector | None) -> None:
        prof = self.held[sid].profile
        p = self.params
        terms, actors, weight = prof.terms, prof.actors, prof.weight
        if vec is not None:  # a near-duplicate adds no evidence of its own
            terms = _add(terms, vec.terms, p.top_terms)
            actors = _add(actors, vec.actors, p.top_actors)
            weight += 1.0
        dates = [d for d in (prof.first, prof.last, article.published) if d is not None]
        new = StoryProfile(id=sid, size=prof.size + 1, terms=terms, actors=actors,
                           first=min(dates) if dates else None, last=max(dates) if dates else None,
                           last_seq=max(prof.last_seq, article.seq), first_seq=prof.first_seq, weight=weight,
                           title_article=prof.title_article)
        self._hold(new)
        self._changed.add(sid)

    def _merge_around(self, sid: str, near: list[str]) -> str:
        """Stories that grew alike become one: the grown story absorbs those of `near` (the
        other stories the article was like) whose centroid is now as like as `merge`."""
        for other in near:
            other = self._resolve(other)
            if other != sid and other in self.held and \
                    self._story_similarity(self.held[sid], self.held[other]) >= self.params.merge:
                sid = self._combine(sid, other)
        return sid

    def _story_similarity(self, a: _Held, b: _Held) -> float:
        p = self.params
        terms = cosine(a.profile.terms, a.tnorm, b.profile.terms, b.tnorm)
        if not a.anorm or not b.anorm:
            return terms
        actors = cosine(a.profile.actors, a.anorm, b.profile.actors, b.anorm)
        return (1 - p.actor_share) * terms + p.actor_share * actors

    def _combine(self, a: str, b: str) -> str:
        pa, pb = self.held[a].profile, self.held[b].profile
        keep, gone = (pa, pb) if (pa.first_seq, pa.id) <= (pb.first_seq, pb.id) else (pb, pa)
        p = self.params
        dates = [d for d in (keep.first, keep.last, gone.first, gone.last) if d is not None]
        new = StoryProfile(id=keep.id, size=keep.size + gone.size, terms=_add(keep.terms, gone.terms, p.top_terms),
                           actors=_add(keep.actors, gone.actors, p.top_actors),
                           first=min(dates) if dates else None, last=max(dates) if dates else None,
                           last_seq=max(keep.last_seq, gone.last_seq), first_seq=keep.first_seq,
                           weight=keep.weight + gone.weight, title_article=keep.title_article)
        self._drop(gone.id)
        self._hold(new)
        self.merged[gone.id] = keep.id
        for merged_from, into in list(self.merged.items()):
            if into == gone.id:
                self.merged[merged_from] = keep.id
        self._changed.discard(gone.id)
        self._changed.add(keep.id)
        return keep.id

    def changed(self) -> list[StoryProfile]:
        """Profiles created or updated in this session (write them back; delete `merged` keys)."""
        return [self.held[sid].profile for sid in sorted(self._changed) if sid in self.held]

    def story_of(self, article_id: str) -> str | None:
        """The story an article of this session is in now (after later merges)."""
        sid = self.assigned.get(article_id)
        return self._resolve(sid) if sid else None
