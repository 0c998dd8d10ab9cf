"""Storylines: stories chained by what their coverage shares.

A storyline links stories that the coverage itself connects: the same key actors, and the
same thread of terms (the 2019 Hanoi summit's reports name Singapore and "summit",
"denuclearization", "sanctions" as the 2018 Singapore summit's did). Two happenings of one
kind with different people (two celebrities' rehab stays) share words but not key actors, so
they stay apart; one happening's aftermath months later (a cathedral reopening after its
fire) shares both and is linked.

A link is decided on two profiles alone (`should_link`), so it never changes when other stories
arrive; storylines are the connected components of the links (networkx), named after their
earliest story. Per new or changed story the work is bounded: its candidates are the stories
sharing one of its key actors (the store finds them by actor id), ranked by actor likeness and
cut at `max_candidates`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import networkx as nx

from storyline.corpus.stories import StoryProfile, cosine, norm

__all__ = ["Linkable", "StorylineParams", "StorylineLinker", "key_actors", "linkable", "linked", "should_link"]


@dataclass(frozen=True)
class StorylineParams:
    # a story's key actors: its heaviest actors (weights are TF-IDF, so an actor in every
    # story, like a country named in passing, weighs little; ten, because a one-article story's
    # weights cannot yet tell its protagonists from the people it quotes once)
    key_actors: int = 10
    # key actors two stories must share: one shared name is a coincidence (the same president
    # in two unrelated stories), two are a thread
    min_shared: int = 2
    # cosine of the two stories' key-actor weights, and of their term centroids, to link
    actor_link: float = 0.25
    term_link: float = 0.1
    # stories compared per new or changed story
    max_candidates: int = 50


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return cosine(a, norm(a), b, norm(b))


def key_actors(story: StoryProfile, params: StorylineParams) -> dict[str, float]:
    top = sorted(story.actors.items(), key=lambda kv: (-kv[1], kv[0]))[:params.key_actors]
    return dict(top)


def should_link(a: StoryProfile, b: StoryProfile, params: StorylineParams | None = None) -> bool:
    """Does the coverage connect these two stories? A pure function of the two profiles."""
    params = params or StorylineParams()
    return linked(linkable(a, params), linkable(b, params), params)


@dataclass(frozen=True)
class Linkable:
    """What `should_link` reads of a story, worked out once: a stage compares each grown story
    with up to `max_candidates` others, and sorting each one's actors and summing its term
    weights again for every pair was 11 s of the 100k bench store's stage (py-spy; 0.3 s at 10k)."""

    key: dict[str, float]
    key_norm: float
    terms: Mapping[str, float]
    terms_norm: float


def linkable(story: StoryProfile, params: StorylineParams) -> Linkable:
    key = key_actors(story, params)
    return Linkable(key, norm(key), story.terms, norm(story.terms))


def linked(a: Linkable, b: Linkable, params: StorylineParams) -> bool:
    """`should_link` on prepared stories (the cheaper tests first; the same answer)."""
    return (len(a.key.keys() & b.key.keys()) >= params.min_shared
            and cosine(a.key, a.key_norm, b.key, b.key_norm) >= params.actor_link
            and cosine(a.terms, a.terms_norm, b.terms, b.terms_norm) >= params.term_link)


def _order(story: StoryProfile) -> tuple:
    return (story.first or date.max, story.first_seq, story.id)


class StorylineLinker:
    """Links and storylines over the stories it is shown.

    `links`: the links decided earlier (the store's story_links), `stories`: profiles of the
    stories those links touch (for naming storylines by their earliest story)."""

    def __init__(self, links: Iterable[tuple[str, str]] = (), stories: Iterable[StoryProfile] = (),
                 params: StorylineParams | None = None) -> None:
        self.params = params or StorylineParams()
        self.stories: dict[str, StoryProfile] = {s.id: s for s in stories}
        self._graph = nx.Graph()  # stories and their links; storylines are its connected sets
        self.links: set[tuple[str, str]] = set()
        for a, b in links:
            self._link(a, b)

    def _link(self, a: str, b: str) -> None:
        self.links.add((min(a, b), max(a, b)))
        self._graph.add_edge(a, b)

    def add(self, story: StoryProfile, candidates: Iterable[StoryProfile] | None = None) -> list[tuple[str, str]]:
        """Take in a new or changed story; compare it with `candidates` (stories sharing one of
        its key actors; by default every story held) and return the links it gained."""
        p = self.params
        self.stories[story.id] = story
        self._graph.add_node(story.id)
        pool = [c for c in (self.stories.values() if candidates is None else candidates) if c.id != story.id]
        mine = key_actors(story, p)
        pool = [c for c in pool if mine.keys() & key_actors(c, p).keys()]
        pool.sort(key=lambda c: (-_cos(mine, key_actors(c, p)), c.id))
        gained = []
        for other in pool[:p.max_candidates]:
            self.stories.setdefault(other.id, other)
            if should_link(story, other, p):
                pair = (min(story.id, other.id), max(story.id, other.id))
                if pair not in self.links:
                    gained.append(pair)
                self._link(story.id, other.id)
        return gained

    def storylines(self) -> dict[str, list[str]]:
        """storyline id (its earliest story's id) -> its stories, earliest first."""
        out = {}
        for members in nx.connected_components(self._graph):
            known = [self.stories[s] for s in members if s in self.stories]
            ordered = [s.id for s in sorted(known, key=_order)] + sorted(s for s in members if s not in self.stories)
            out[ordered[0]] = ordered
        return out

    def storyline_of(self, story_id: str) -> str:
        for line_id, members in self.storylines().items():
            if story_id in members:
                return line_id
        return story_id
