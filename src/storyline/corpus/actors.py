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
                                                     "mentions": 0, "articles": [], "keys": {actor["key"]}})
            group["names"][actor["name"]] += actor["mentions"]
            for alias in actor.get("aliases", []):
                group["aliases"][alias] += 1
            group["mentions"] += actor["mentions"]
            if article_id not in group["articles"]:
                group["articles"].append(article_id)

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
        return next(iter(candidates)) if len(candidates) == 1 else None

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
                    "roles": [], "mentions": group["mentions"], "articles": group["articles"],
                    "keys": sorted(group["keys"])})
    out.sort(key=lambda a: (-a["mentions"], a["name"]))
    return out


def _merge(groups: dict[str, dict], source: str, into: str) -> None:
    a, b = groups.pop(source), groups[into]
    b["names"].update(a["names"])
    b["aliases"].update(a["aliases"])
    b["mentions"] += a["mentions"]
    b["keys"] |= a["keys"]
    b["articles"].extend(x for x in a["articles"] if x not in b["articles"])
