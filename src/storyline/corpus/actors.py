"""Actors across the corpus: each article's actors consolidated into one record per real actor.

Per-article keys are "kind:folded name". Across articles we merge (a) identical keys,
(b) keys of one folded name under the kind most of their mentions carry (the kind vote), and
(c) a bare surname or given name with the one full name in the corpus that ends or starts
with it (or the one holding most mentions among several).

Everything here is a function of per-key aggregates (`KeyStats`), and each decision looks only
at a key's neighbourhood: the keys of its folded name (the vote) and, for a one-word name, the
full names whose first or last word it is (the surname merge). So the corpus stage can keep the
aggregates in the store and, when new articles arrive, decide again only for the names they
bring (`neighbourhood`), with a result equal to consolidating everything from scratch. For that
the decisions use no running state: the surname merge ranks full names by their mentions after
the kind vote (not after earlier surname merges), ties break on where a key was first seen, and
an actor's lists are in order of arrival (articles by seq, roles by first appearance).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from storyline.analyze.gazetteer import fold

# a bare surname joins the dominant full name when it holds this share of their mentions
DOMINANT_SHARE = 0.7


def actor_id(key: str) -> str:
    return "a_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def quote_id(article_id: str, start: int, end: int, kind: str) -> str:
    return "q_" + hashlib.sha1(f"{article_id}:{start}:{end}:{kind}".encode()).hexdigest()[:12]


def kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def folded_name(key: str) -> str:
    return key.split(":", 1)[1]


def name_tokens(key: str) -> tuple[str, str] | None:
    """(first, last) word of a name of two words or more: what a bare name can join."""
    words = folded_name(key).split()
    return (words[0], words[-1]) if len(words) >= 2 else None


def single_word(key: str) -> str | None:
    words = folded_name(key).split()
    return words[0] if len(words) == 1 else None


class Weight(NamedTuple):
    """What the merge decisions look at: a key's mentions, and where it was first seen (article
    seq, position in its actor list) to break ties."""

    mentions: int
    first: tuple[int, int]


@dataclass(slots=True)
class KeyStats:
    """One per-article key summed over the corpus: what an actor record is built from."""

    key: str
    mentions: int = 0
    first: tuple[int, int] = (0, 0)  # (article seq, position in its actor list) where first seen
    names: dict[str, int] = field(default_factory=dict)  # spelling -> mentions
    aliases: set[str] = field(default_factory=set)
    roles: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # role -> (seq, position, index)


def key_stats(per_article: Iterable[tuple[int, list[dict]]]) -> dict[str, KeyStats]:
    """(article seq, its actors as dicts) -> aggregates, as the store keeps them."""
    stats: dict[str, KeyStats] = {}
    for seq, actors in per_article:
        for pos, actor in enumerate(actors):
            s = stats.get(actor["key"])
            if s is None:
                s = stats[actor["key"]] = KeyStats(actor["key"], first=(seq, pos))
            s.mentions += actor["mentions"]
            s.first = min(s.first, (seq, pos))
            s.names[actor["name"]] = s.names.get(actor["name"], 0) + actor["mentions"]
            s.aliases.update(actor.get("aliases", []))
            for idx, role in enumerate(actor.get("roles", [])):
                s.roles[role] = min(s.roles.get(role, (seq, pos, idx)), (seq, pos, idx))
    return stats


def neighbourhood(changed: Iterable[str]) -> tuple[set[str], set[str]]:
    """What must be decided again when the aggregates of `changed` keys moved: (folded names
    whose kind vote to redo and whose keys to load, words whose bare name's surname merge to
    redo). Load every key with a folded name in either set, or a first or last word among the
    words: `resolve` over those keys is then exact for all of them."""
    names: set[str] = set()
    words: set[str] = set()
    for key in changed:
        names.add(folded_name(key))
        tokens = name_tokens(key)
        if tokens:
            words.update(tokens)  # its vote total ranks it for the bare first and last names
        else:
            words.add(folded_name(key))
    return names, words


def resolve(stats: Mapping[str, Weight | KeyStats]) -> dict[str, str]:
    """key -> the key of the actor it is consolidated into. Exact for every key of `stats` when
    `stats` holds, for each of them, all keys of the same folded name and, for a one-word name,
    all keys whose first or last word it is (`neighbourhood` loads just that)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for key in stats:
        by_name[folded_name(key)].append(key)
    # the kind vote: one name, one kind. "Panmunjom" tagged a person in one article and a place
    # in three is a place. Most mentions wins; a person keeps a tie (names are what the small
    # model most often gets right); then the key seen first.
    winner: dict[str, str] = {}
    total: dict[str, int] = {}
    for keys in by_name.values():
        best = min(keys, key=lambda k: (-stats[k].mentions, kind_of(k) != "person", stats[k].first))
        total[best] = sum(stats[k].mentions for k in keys)
        for key in keys:
            winner[key] = best
    persons_by_word: dict[str, list[str]] = defaultdict(list)
    for key in total:
        tokens = name_tokens(key) if kind_of(key) == "person" else None
        if tokens:
            for word in set(tokens):
                persons_by_word[word].append(key)
    into: dict[str, str] = {}
    for key in total:
        word = single_word(key)
        candidates = persons_by_word.get(word, []) if word else []
        if not candidates:
            continue
        # a bare "Trump" in a corpus with Donald, Melania and Ivanka Trump is the one the corpus
        # is about: merge only when one full name holds most of the mentions
        best = min(candidates, key=lambda k: (-total[k], stats[k].first))
        if len(candidates) > 1 and total[best] < DOMINANT_SHARE * sum(total[k] for k in candidates):
            continue
        if kind_of(key) == "person" or kind_of(key) == "organization" and total[key] < total[best]:
            into[key] = best
    return {key: into.get(winner[key], winner[key]) for key in stats}


def build_actor(group_key: str, members: Iterable[KeyStats]) -> dict:
    """The actor record of one group (without its articles, which the store links)."""
    members = sorted(members, key=lambda s: s.key)
    names: dict[str, int] = {}
    aliases: set[str] = set()
    roles: dict[str, tuple[int, int, int]] = {}
    for s in members:
        for name, count in s.names.items():
            names[name] = names.get(name, 0) + count
        aliases |= s.aliases
        for role, at in s.roles.items():
            roles[role] = min(roles.get(role, at), at)
    # the canonical name is the fullest spelling, the commonest among equally full ones (most
    # actors have one spelling: folding hundreds of thousands of names costs seconds)
    name = next(iter(names)) if len(names) == 1 else max(names, key=lambda n: (len(fold(n).split()), names[n], n))
    return {"id": actor_id(group_key), "key": group_key, "name": name, "kind": kind_of(group_key),
            "aliases": sorted((set(names) | aliases) - {name}), "roles": sorted(roles, key=roles.__getitem__),
            "mentions": sum(s.mentions for s in members), "keys": [s.key for s in members]}


def consolidate(per_article: list[tuple[str, list[dict]]]) -> list[dict]:
    """per_article: (article id, that article's actors as dicts) in arrival order -> corpus
    actors, all in memory: the reference the store's incremental path must equal."""
    stats = key_stats((seq, actors) for seq, (_, actors) in enumerate(per_article, start=1))
    groups: dict[str, list[KeyStats]] = defaultdict(list)
    for key, group_key in resolve(stats).items():
        groups[group_key].append(stats[key])
    order = {article_id: seq for seq, (article_id, _) in enumerate(per_article)}
    articles: dict[str, list[str]] = defaultdict(list)
    for article_id, actors in per_article:
        for actor in actors:
            articles[actor["key"]].append(article_id)
    out = []
    for group_key, members in groups.items():
        actor = build_actor(group_key, members)
        linked = {article_id for key in actor["keys"] for article_id in articles[key]}
        actor["articles"] = sorted(linked, key=order.__getitem__)
        del actor["key"]
        out.append(actor)
    out.sort(key=lambda a: (-a["mentions"], a["name"], a["id"]))
    return out


def attribute_quotes(per_article: list[tuple[str, list[dict]]], actors: list[dict]) -> list[dict]:
    """Each article's quotes with their speaker key replaced by the canonical actor (name and id)."""
    by_key = {key: actor for actor in actors for key in actor["keys"]}
    out = []
    for article_id, quotes in per_article:
        for q in quotes:
            speaker = by_key.get(q.get("speaker_key") or "")
            mentioned = []
            for key in q.get("mentions", []):
                actor = by_key.get(key)
                if actor and actor["id"] not in mentioned and actor is not speaker:
                    mentioned.append(actor["id"])
            out.append({"id": quote_id(article_id, q["start"], q["end"], q["kind"]), "article_id": article_id,
                        "text": q["text"], "speaker": speaker["name"] if speaker else None,
                        "speaker_id": speaker["id"] if speaker else None,
                        "cue": q.get("cue"), "kind": q["kind"], "start": q["start"], "end": q["end"],
                        "sentence": q.get("sentence"), "mentions": mentioned})
    return out
