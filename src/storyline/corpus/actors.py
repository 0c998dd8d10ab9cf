"""Actors across the corpus: each article's actors consolidated into one record per real actor.

Per-article keys are "kind:folded name". Across articles we merge (a) identical keys,
(b) a bare surname or given name with the one full name in the corpus that ends or starts
with it, and (c) a name tagged ORG/place somewhere that is a person's name elsewhere.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from storyline.analyze.gazetteer import fold


def actor_id(key: str) -> str:
    return "a_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def consolidate(per_article: list[tuple[str, list[dict]]]) -> list[dict]:
    """per_article: (article id, that article's actors as dicts) -> corpus actors."""
    groups: dict[str, dict] = {}
    for article_id, actors in per_article:
        for actor in actors:
            group = groups.setdefault(actor["key"], {"kind": actor["kind"], "names": Counter(), "aliases": Counter(),
                                                     "mentions": 0, "articles": [], "keys": {actor["key"]},
                                                     "roles": []})
            for role in actor.get("roles", []):
                if role not in group["roles"]:
                    group["roles"].append(role)
            group["names"][actor["name"]] += actor["mentions"]
            for alias in actor.get("aliases", []):
                group["aliases"][alias] += 1
            group["mentions"] += actor["mentions"]
            if article_id not in group["articles"]:
                group["articles"].append(article_id)

    _vote_kinds(groups)
    persons_by_token: dict[str, set[str]] = defaultdict(set)
    for key, group in groups.items():
        if group["kind"] == "person":
            tokens = key.split(":", 1)[1].split()
            if len(tokens) >= 2:
                persons_by_token[tokens[-1]].add(key)
                persons_by_token[tokens[0]].add(key)

    def target(key: str) -> str | None:
        folded = key.split(":", 1)[1]
        if len(folded.split()) != 1:
            return None
        candidates = persons_by_token.get(folded, set())
        if len(candidates) == 1:
            return next(iter(candidates))
        # a bare "Trump" in a corpus with Donald, Melania and Ivanka Trump is the one the corpus
        # is about: merge only when one full name holds most of the mentions
        ranked = sorted(candidates, key=lambda k: -groups[k]["mentions"])
        total = sum(groups[k]["mentions"] for k in ranked)
        if ranked and groups[ranked[0]]["mentions"] >= 0.7 * total:
            return ranked[0]
        return None

    for key in list(groups):
        into = target(key)
        if into and into != key and (groups[key]["kind"] == "person" or groups[key]["kind"] == "organization" and
                                     groups[key]["mentions"] < groups[into]["mentions"]):
            _merge(groups, key, into)

    out = []
    for key, group in groups.items():
        names = group["names"]
        # the canonical name is the fullest spelling, the commonest among equally full ones
        name = max(names, key=lambda n: (len(fold(n).split()), names[n], n))
        aliases = sorted((set(names) | set(group["aliases"])) - {name})
        out.append({"id": actor_id(key), "name": name, "kind": group["kind"], "aliases": aliases,
                    "roles": group["roles"], "mentions": group["mentions"], "articles": group["articles"],
                    "keys": sorted(group["keys"])})
    out.sort(key=lambda a: (-a["mentions"], a["name"]))
    return out


def _vote_kinds(groups: dict[str, dict]) -> None:
    """One name, one kind: "Panmunjom" tagged a person in one article and a place in three is a
    place. The kind with the most mentions wins; a person keeps a tie (names are what the small
    model most often gets right)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for key in groups:
        by_name[key.split(":", 1)[1]].append(key)
    for keys in by_name.values():
        if len(keys) < 2:
            continue
        def weight(key: str) -> tuple[int, bool]:
            return groups[key]["mentions"], groups[key]["kind"] == "person"
        winner = max(keys, key=weight)
        for key in keys:
            if key != winner and key in groups:
                _merge(groups, key, winner)


def _merge(groups: dict[str, dict], source: str, into: str) -> None:
    a, b = groups.pop(source), groups[into]
    b["names"].update(a["names"])
    b["aliases"].update(a["aliases"])
    b["mentions"] += a["mentions"]
    b["keys"] |= a["keys"]
    b["roles"].extend(r for r in a["roles"] if r not in b["roles"])
    b["articles"].extend(x for x in a["articles"] if x not in b["articles"])


def attribute_quotes(per_article: list[tuple[str, list[dict]]], actors: list[dict]) -> list[dict]:
    """Each article's quotes with their speaker key replaced by the canonical actor (name and id)."""
    by_key = {key: actor for actor in actors for key in actor["keys"]}
    out = []
    for article_id, quotes in per_article:
        for q in quotes:
            speaker = by_key.get(q.get("speaker_key") or "")
            where = f"{article_id}:{q['start']}:{q['end']}:{q['kind']}"
            quote_id = "q_" + hashlib.sha1(where.encode()).hexdigest()[:12]
            mentioned = []
            for key in q.get("mentions", []):
                actor = by_key.get(key)
                if actor and actor["id"] not in mentioned and actor is not speaker:
                    mentioned.append(actor["id"])
            out.append({"id": quote_id, "article_id": article_id, "text": q["text"],
                        "speaker": speaker["name"] if speaker else None,
                        "speaker_id": speaker["id"] if speaker else None,
                        "cue": q.get("cue"), "kind": q["kind"], "start": q["start"], "end": q["end"],
                        "sentence": q.get("sentence"), "mentions": mentioned})
    return out
