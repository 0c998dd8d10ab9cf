"""Actors across the corpus: each article's actors consolidated into one record per real actor.

Per-article keys are "kind:folded name". Across articles we merge (a) identical keys,
(b) keys of one folded name under the kind most of their mentions carry (the kind vote; a
person and a country of one name stay two), (c) spellings of one full name that transliterate
one another ("Muammar Gaddafi", "Moammar Gadhafi": every word of one skeleton, one word
respelled beyond a vowel) into the commonest, and (d) a bare surname or given name with the
one full name in the corpus that ends or starts with it, or whose surname respells it when no
full name has the word itself (or the one holding most mentions among several), (e) a
body's full name with its acronym where some article spells the acronym out, and (f) a body's
full name with the acronym some article defined it as, whatever its initials.

Everything here is a function of per-key aggregates (`KeyStats`), and each decision reads a
fixed support: the keys of its name's skeleton (`name_skeleton`: the vote and the spellings),
for a bare name the full names of that first or last skeleton (`name_tokens`) with theirs, for
a body its acronym's and the acronyms it was defined as. So the corpus stage keeps the
aggregates in the store, with those skeletons and initials as columns, and when new articles
arrive decides again only the keys whose support they changed (`neighbourhood`: six lookups at
most, no closure over the store), with a result equal to consolidating everything from scratch.
For that the decisions use no running state: the merges rank full names by their mentions
after the kind vote (not after earlier merges), ties break on where a key was first seen, and
an actor's lists are in order of arrival (articles by seq, roles by first appearance).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from storyline.analyze.gazetteer import fold, skeleton
from storyline.model import group_name

# a bare surname joins the dominant full name when it holds this share of their mentions
DOMINANT_SHARE = 0.7
# a bare surname the kind vote made a body ("Obama" tagged ORG more often than PERSON) is still
# the person's when this share of its mentions were tagged a person
PERSON_SHARE = 0.25


def actor_id(key: str) -> str:
    return "a_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def quote_id(article_id: str, start: int, end: int, kind: str) -> str:
    return "q_" + hashlib.sha1(f"{article_id}:{start}:{end}:{kind}".encode()).hexdigest()[:12]


def kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def folded_name(key: str) -> str:
    return key.split(":", 1)[1]


def name_skeleton(key: str) -> str:
    """The skeletons of every word of a name, space-separated: a key's vote group and its
    respellings share it (the store keeps it as `skeleton`)."""
    return " ".join(skeleton(w) for w in folded_name(key).split())


def name_tokens(key: str) -> tuple[str, str]:
    """The transliteration skeletons (`gazetteer.skeleton`) of a name's first and last word
    (the same word for a one-word name): the keys a bare name and a full name, or two spellings
    of one full name, meet on. The store keeps them as `first_token` and `last_token`."""
    words = folded_name(key).split() or [""]
    return skeleton(words[0]), skeleton(words[-1])


# words an acronym skips ("Centers for Disease Control" is CDC)
SMALL_WORDS = ("of", "for", "and", "the", "on", "in", "at", "to", "de", "des", "du", "la", "le", "et", "und")


def initials(folded: str) -> str | None:
    """The acronym of a folded name of two words or more: "world health organization" -> "who".
    The store computes the same in SQL (store/corpus.py `_INITIALS`) to find a key's full names."""
    words = [w for w in folded.split() if w not in SMALL_WORDS]
    if len(words) < 2:
        return None
    return "".join(re.sub("[^a-z]", "", w)[:1] for w in words) or None


def acronym_spelled_out(folded: str, names: Iterable[str]) -> bool:
    """A one-word body some article spells out ("World Health Organization (WHO)" gives the key
    "organization:who" that spelling): evidence that the full name and the acronym are one."""
    return any(" " in name and initials(fold(name)) == folded for name in names)


def defined_spellings(names: Iterable[str]) -> set[str]:
    """The folded spellings of two words or more among a one-word body's names: "U.S. Centers for
    Disease Control and Prevention (CDC)" gives the key "organization:cdc" that spelling, the
    analyser having checked that the letters fit (`analyze.actors._initials_fit`)."""
    return {fold(name) for name in names if " " in name}


def _shares_a_word(folded: str, names: Iterable[str]) -> bool:
    words = set(folded.split()) - set(SMALL_WORDS)
    return any(words & set(fold(name).split()) for name in names if " " in name)


def single_word(key: str) -> str | None:
    words = folded_name(key).split()
    return words[0] if len(words) == 1 else None


def _respelled(a: str, b: str) -> bool:
    """Two words of one skeleton that one alphabet spells two ways ("Gaddafi"/"Gadhafi",
    "Musa"/"Moussa"), not two names one vowel apart ("Dan"/"Don"): a swapped vowel alone,
    at equal length, is no transliteration evidence."""
    if a == b or len(a) != len(b):
        return True
    return any(x != y and not (x in "aeiouy" and y in "aeiouy") for x, y in zip(a, b, strict=True))


def _variant_of(a: str, b: str) -> bool:
    """Two full names of one skeleton (as many words, each word of one skeleton: `resolve`
    compares only those) in two spellings of one person: at least one word respelled beyond a
    vowel (so "Dan Brown" and "Don Brown" stay two)."""
    return any(p != q and _respelled(p, q) for p, q in zip(a.split(), b.split(), strict=True))


class Weight(NamedTuple):
    """What the merge decisions look at: a key's mentions, where it was first seen (article
    seq, position in its actor list) to break ties, and, for a one-word body, its spellings
    (an acronym spelled out in some article: `acronym_spelled_out`)."""

    mentions: int
    first: tuple[int, int]
    names: Mapping[str, int] = {}


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


class KeyIndex(Protocol):
    """Lookups over every stored key by what `resolve` groups keys on, each computed once when
    the key is first written (the store keeps them as columns of `actor_keys`)."""

    def by_skeleton(self, skeletons: set[str]) -> set[str]:
        """Keys whose `name_skeleton` is one of `skeletons`."""
        ...

    def groups_by_token(self, tokens: set[str]) -> set[str]:
        """The keys of the skeletons of every person key of two words or more whose first or
        last word's skeleton (`name_tokens`) is one of `tokens`: a bare name's candidates with
        their vote groups and spellings."""
        ...

    def groups_by_initials(self, acronyms: set[str]) -> set[str]:
        """The keys of the skeletons of every organization key of two words or more whose
        `initials` are one of `acronyms`: the bodies an acronym may take in."""
        ...

    def spelled_out(self, acronyms: set[str]) -> set[str]:
        """The spellings of two words or more (`defined_spellings`) that the one-word keys
        `acronyms` hold, folded: the full names an article printed as their definition."""
        ...

    def acronyms_spelling(self, folded: set[str]) -> set[str]:
        """The one-word organization keys holding a spelling of two words or more that folds to
        one of `folded`: the acronyms a full name was defined as."""
        ...


def neighbourhood(changed: Iterable[str], index: KeyIndex) -> tuple[set[str], set[str]]:
    """(the keys whose actor may change when the aggregates of `changed` keys moved, the keys
    `resolve` needs to decide exactly for those), in six lookups at most whatever the store holds: no
    repeating until nothing new loads, which at 100k articles took in most of the store.

    What a key's decision reads (its support): a key of two words or more, the keys of its
    `name_skeleton` (its kind vote and its spellings) and, for a body, its acronym's support and
    that of the acronyms it was defined as; a one-word key, the keys of its skeleton (its vote,
    its respellings) and every full name of that first or last skeleton with the keys of their
    skeletons (the candidates, their heads and their groups' mentions). So a change reaches: the
    keys of its skeleton; the one-word keys whose skeleton is a first or last word of a changed
    full name; and the bodies whose acronym is one of those one-word keys or who were defined as
    one (whether the acronym merged into a person decides whether it takes them in). Only the
    first set of the pair is decided again; the second is read. What grows with the corpus is
    only the full names that share a first or last skeleton with an affected one-word key (a
    bare "Kim" weighs every Kim's group to decide whether one holds most of them); the names
    merely mentioned beside a recurring one are never read."""
    changed = set(changed)
    tokens = {t for key in changed if not single_word(key) for t in name_tokens(key)}
    affected = index.by_skeleton({name_skeleton(key) for key in changed} | tokens)
    acronyms = {word for key in affected if (word := single_word(key))}
    if acronyms:
        affected |= index.groups_by_initials(acronyms)
        bodies = {key for key in affected if kind_of(key) == "organization" and single_word(key)}
        if bodies and (spelled := index.spelled_out(bodies)):
            affected |= index.by_skeleton({name_skeleton(f"organization:{name}") for name in spelled})
    words = {name_skeleton(key) for key in affected if single_word(key)}
    full = {key for key in affected if kind_of(key) == "organization" and not single_word(key)}
    words |= {skeleton(short) for key in full if (short := initials(folded_name(key)))}
    if full:
        words |= {name_skeleton(key) for key in index.acronyms_spelling({folded_name(key) for key in full})}
    loaded = set(affected)
    if words:
        loaded |= index.by_skeleton(words) | index.groups_by_token(words)
    return affected, loaded


def _vote(keys: list[str], stats: Mapping[str, Weight | KeyStats]) -> dict[str, str]:
    """The kind vote of one folded name: one name, one kind. "Panmunjom" tagged a person in one
    article and a place in three is a place. Most mentions wins; a person loses a tie (the small
    model takes firms and foreign places for people, "Boskalis", "Mae Sai", far more often than
    the reverse); then the key seen first. A country and a person or a place of one name are two
    actors, though: Jordan the player is not Jordan the kingdom, nor Georgia the state the country
    (the country comes from the gazetteer, not from a slip of the NER, and a place keeps a
    country's name only where the analyser read the state, `analyze.actors._us_state`)."""
    def best(among: list[str]) -> str:
        return min(among, key=lambda k: (-stats[k].mentions, kind_of(k) == "person", stats[k].first))

    winner = best(keys)
    out = {key: winner for key in keys}
    for apart in _APART.get(kind_of(winner), ()):
        own = [k for k in keys if kind_of(k) == apart]
        if own:
            out.update(dict.fromkeys(own, best(own)))
    return out


# the kinds whose keys stay apart from a winner of this kind in the vote of one name
_APART = {"country": ("person", "place"), "person": ("country",), "place": ("country",)}


def resolve(stats: Mapping[str, Weight | KeyStats], skeletons: Mapping[str, str] | None = None) -> dict[str, str]:
    """key -> the key of the actor it is consolidated into. Exact for every key of `stats` when
    `stats` holds its support (`neighbourhood` says which keys those are). `skeletons`: the
    keys' `name_skeleton`s where the caller has them (the store keeps them), so that an
    increment does not take thousands of words' skeletons again."""
    skeletons = skeletons or {}

    def word_skeletons(key: str) -> list[str]:
        return (skeletons.get(key) or name_skeleton(key)).split(" ")

    by_name: dict[str, list[str]] = defaultdict(list)
    for key in stats:
        by_name[folded_name(key)].append(key)
    winner: dict[str, str] = {}
    for keys in by_name.values():
        winner.update(_vote(keys, stats))
    total: dict[str, int] = defaultdict(int)
    as_person: dict[str, int] = defaultdict(int)  # folded name -> its mentions tagged as a person
    for key, best in winner.items():
        total[best] += stats[key].mentions
        if kind_of(key) == "person":
            as_person[folded_name(key)] += stats[key].mentions

    def rank(k: str) -> tuple[int, tuple[int, int]]:
        return -total[k], stats[k].first

    # spellings of one full name ("Muammar Gaddafi", "Moammar Gadhafi"; "World Health
    # Organisation", "World Health Organization"): the one with most mentions takes in the
    # others of its skeleton that are respellings of it
    by_skeleton: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in total:
        if kind_of(key) in ("person", "organization") and len(folded_name(key).split()) >= 2:
            by_skeleton[(kind_of(key), *word_skeletons(key))].append(key)
    spelling: dict[str, str] = {}
    for keys in by_skeleton.values():
        keys.sort(key=rank)
        for key in keys:
            head = next((h for h in keys if spelling.get(h, h) == h and _variant_of(folded_name(h), folded_name(key))
                         and rank(h) < rank(key)), key)
            spelling[key] = head
    group_total: dict[str, int] = defaultdict(int)
    for key, head in spelling.items():
        group_total[head] += total[key]

    persons_by_word: dict[str, list[str]] = defaultdict(list)
    persons_by_sound: dict[str, list[str]] = defaultdict(list)
    for key in spelling:
        if kind_of(key) != "person":
            continue
        words, sounds = folded_name(key).split(), word_skeletons(key)
        for word, sound in {(words[0], sounds[0]), (words[-1], sounds[-1])}:
            persons_by_word[word].append(key)
            persons_by_sound[sound].append(key)
    into: dict[str, str] = dict(spelling)
    for key in total:
        word = single_word(key)
        if not word:
            continue
        candidates = persons_by_word.get(word, [])
        respelled = False
        sound = word_skeletons(key)[0]
        if not candidates and kind_of(key) == "person" and len(sound.strip("_")) >= 2:
            # "Gadhafi" alone where the corpus spells the full name "Muammar Gaddafi": by the
            # surname only, since a given name respelled is most often another person's ("Marcia"
            # is not "Mauricio Fraga-Rosenfeld", whose skeletons meet)
            candidates = [k for k in persons_by_sound.get(sound, [])
                          if word_skeletons(k)[-1] == sound and _respelled(folded_name(k).split()[-1], word)]
            respelled = True
        heads = sorted({spelling[k] for k in candidates}, key=lambda h: (-group_total[h], stats[h].first))
        if not heads:
            continue
        # a bare "Trump" in a corpus with Donald, Melania and Ivanka Trump is the one the corpus
        # is about: merge only when one full name holds most of the mentions
        best = heads[0]
        if len(heads) > 1 and group_total[best] < DOMINANT_SHARE * sum(group_total[h] for h in heads):
            continue
        if kind_of(key) == "person" or kind_of(key) == "organization" and not respelled \
                and (total[key] < group_total[best] or as_person[folded_name(key)] >= PERSON_SHARE * total[key]):
            into[key] = best
    # a body's full name joins its acronym where some article spells the acronym out, and the
    # acronym stays itself: "World Health Organisation" goes where "WHO" goes
    # and shares a word with a spelling it has there: initials alone make "Novartis, Sanofi-Aventis"
    # the National Security Agency
    acronyms = {folded_name(key): key for key in total if kind_of(key) == "organization" and single_word(key)
                and key not in into and acronym_spelled_out(folded_name(key), stats[key].names)}
    if acronyms:
        for key, head in spelling.items():
            short = acronyms.get(initials(folded_name(head)) or "") if kind_of(head) == "organization" else None
            if short and "," not in folded_name(head) and _shares_a_word(folded_name(head), stats[short].names):
                into[key] = short
    # a body's full name that some article printed as an acronym's definition joins that acronym
    # wherever it is written alone, with its respellings: "U.S. Centers for Disease Control and
    # Prevention" spelled out as CDC once is the CDC in every article (whose initials, "ucdcp",
    # are not the acronym's). Of two acronyms defined as one name, the one with most mentions
    defined: dict[str, str] = {}
    for key in sorted((k for k in total if kind_of(k) == "organization" and single_word(k) and k not in into),
                      key=rank):
        for name in defined_spellings(stats[key].names):
            defined.setdefault(name, key)
    short_of: dict[str, str] = {}
    for key, head in spelling.items():
        short = defined.get(folded_name(key)) if kind_of(key) == "organization" else None
        if short and (head not in short_of or rank(short) < rank(short_of[head])):
            short_of[head] = short
    for key, head in spelling.items():
        if head in short_of:
            into[key] = short_of[head]
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
    # the canonical name is a full name before a bare one ("Barack Obama", not "Obama"; "World
    # Health Organization", not "WHO"), a capitalised one before one in lower case ("Congress",
    # not the "congress" a sentence wrote more often), then the commonest spelling, then the
    # fullest (most actors have one spelling: folding hundreds of thousands of names costs seconds)
    name = next(iter(names)) if len(names) == 1 else max(
        names, key=lambda n: (len(words := fold(n).split()) > 1, n != n.lower(), names[n], len(words), n))
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
    """Each article's quotes with their speaker key replaced by the canonical actor (name and id);
    a group speaker ("Republicans") is named by its words, with no id."""
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
                        "text": q["text"],
                        "speaker": speaker["name"] if speaker else group_name(q.get("speaker_key")),
                        "speaker_id": speaker["id"] if speaker else None,
                        "cue": q.get("cue"), "kind": q["kind"], "start": q["start"], "end": q["end"],
                        "sentence": q.get("sentence"), "mentions": mentioned})
    return out
