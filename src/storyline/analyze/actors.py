"""Actors inside one article: spaCy's entity mentions merged into one name per real actor.

Within an article a bare surname ("Trump") means the full name used nearby ("Donald
Trump"); a surname the NER tagged ORG or GPE in one sentence is still that person; titles
and possessives are stripped ("President Trump's" -> "Trump"). Cross-article consolidation
is the corpus stage's job.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc

from storyline.analyze.gazetteer import country_of, fold
from storyline.model import ArticleActor, Mention

LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place",
          "NORP": "country"}
TITLES = re.compile(
    r"^(?:(?:u\.?s\.?|former|then|late|acting|deputy|vice|prime|foreign|defense|defence|chief|supreme|"
    r"president|presidents|minister|secretary|senator|sen\.|rep\.|gov\.|governor|mr\.?|mrs\.?|ms\.?|dr\.?|"
    r"sir|dame|general|gen\.|admiral|adm\.|chairman|chairwoman|chair|leader|king|queen|prince|princess|"
    r"pope|captain|capt\.|coach|ambassador|envoy|spokesman|spokeswoman|spokesperson|director|professor|"
    r"prof\.|lt\.|col\.|sgt\.|justice|judge|mayor|premier|chancellor|state|the)\s+)+",
    re.IGNORECASE)
POSSESSIVE = re.compile(r"\s*['’]s?$")


def clean_name(text: str) -> str:
    text = " ".join(text.split())
    text = POSSESSIVE.sub("", text)
    return text.strip(" \"“”‘’'.,;:()[]")


def person_name(text: str) -> str:
    return TITLES.sub("", clean_name(text)).strip()


def article_actors(doc: Doc, sentence_of: list[int]) -> tuple[list[Mention], list[ArticleActor]]:
    """Mentions (with actor keys) and the article's actors, from one parsed Doc."""
    raw: list[tuple[str, str, int, int, str]] = []  # (name, kind, start, end, label)
    for ent in doc.ents:
        kind = LABELS.get(ent.label_)
        if kind is None:
            continue
        if kind == "person":
            name = person_name(ent.text)
        else:
            name = clean_name(ent.text)
            if name.lower().startswith("the "):
                name = name[4:]
        if not name or not any(c.isalpha() for c in name):
            continue
        if kind in ("place", "country"):
            country = country_of(name)
            if country:
                kind, name = "country", country
            elif kind == "country":
                continue  # a NORP that is no nationality ("Democrats") is not an actor here
        raw.append((name, kind, ent.start_char, ent.end_char, ent.label_))

    persons = _person_resolver([(n, s) for n, k, s, _, _ in raw if k == "person"])
    groups: dict[str, dict] = {}
    mentions: list[Mention] = []
    for name, kind, start, end, label in raw:
        resolved = persons(name, start) if kind == "person" else None
        if kind != "person":
            # the NER's classic slip: a person's surname tagged ORG/GPE in one sentence
            as_person = persons(name, start, strict=True)
            if as_person:
                kind, resolved = "person", as_person
        canonical = resolved or name
        key = f"{kind}:{fold(canonical)}"
        group = groups.setdefault(key, {"name": canonical, "kind": kind, "aliases": Counter(), "count": 0})
        group["aliases"][name] += 1
        group["count"] += 1
        mentions.append(Mention(text=doc.text[start:end], label=label, start=start, end=end,
                                sentence=sentence_of[start] if start < len(sentence_of) else 0, actor_key=key))
    actors = [ArticleActor(key=k, name=g["name"], kind=g["kind"],
                           aliases=sorted(a for a in g["aliases"] if a != g["name"]), mentions=g["count"])
              for k, g in groups.items()]
    actors.sort(key=lambda a: (-a.mentions, a.name))
    return mentions, actors


def _person_resolver(found: list[tuple[str, int]]):
    """Map a person mention to the fullest name in the article that contains it."""
    full: dict[str, list[int]] = defaultdict(list)
    for name, start in found:
        if len(name.split()) >= 2:
            full[name].append(start)
    by_token: dict[str, list[str]] = defaultdict(list)
    for name in full:
        tokens = fold(name).split()
        for token in {tokens[0], tokens[-1]}:
            by_token[token].append(name)
    # variants of one name ("Kim Jong-un"/"Kim Jong Un") collapse onto the most frequent spelling
    spelled: dict[str, str] = {}
    for name in sorted(full, key=lambda n: -len(full[n])):
        spelled.setdefault(fold(name), name)

    def resolve(name: str, start: int, strict: bool = False) -> str | None:
        folded = fold(name)
        if folded in spelled:
            return spelled[folded]
        if strict and len(folded.split()) != 1:
            return None
        candidates = [n for n in by_token.get(folded, [])] if len(folded.split()) == 1 else \
            [n for n in full if folded in fold(n) and len(fold(n)) > len(folded)]
        if not candidates:
            return None if strict else name
        # the nearest full name mentioned before this one; else the first after it
        def distance(candidate: str) -> tuple[int, int]:
            before = [start - s for s in full[candidate] if s <= start]
            after = [s - start for s in full[candidate] if s > start]
            return (0, min(before)) if before else (1, min(after))
        return spelled[fold(min(candidates, key=distance))]

    return resolve
