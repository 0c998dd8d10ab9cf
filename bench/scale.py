"""Scale: the corpus stage on stores of 10k and 100k synthetic articles, and one article added.

Why this shape. The corpus stage (near-duplicates, actor consolidation, quote speakers) is the
part of storyline whose cost could grow with the corpus rather than with a run's new articles;
issue 8 asks it to stay near-linear from scratch and bounded per increment. What is measured:

- The stores hold analysed records written straight through `Store.add_batch`, as the workers'
  batches are, without spaCy: analysing 100k real pages would take hours and would measure
  spaCy, not the corpus stage. The records are what the analysers produce: real-length text
  (600-1200 words in sentences and paragraphs: English function words, a Zipf-distributed
  vocabulary and each story's own topic words), sentence offsets, mentions at their real
  offsets, per-article actors with keys folded as the analyser folds them (`gazetteer.fold`),
  spelling variants of one name (accents, hyphens, upper-case surnames), bare surnames that
  the surname merge must place, organisations sometimes voted a place, roles and aliases,
  direct and indirect quotes with speakers and the actors they mention, and the MinHash
  signature from `storyline.corpus.signature` of the text itself.
- Many stories: each article opens a new story (about 1 in 25) or joins one of the recently
  active ones, most often a recent one; a story has its own topic words, cast of people
  (drawn from a pool of 40k with Zipf popularity, so heads of state recur everywhere; and
  each article names 0-3 people of its own, witnesses and local officials, never seen again,
  so the 100k store holds some 150k distinct people as a newsroom archive does),
  countries, organisations and dates. About 3% of articles are near-duplicates: an earlier
  article regenerated with a few sentences rewritten or left out, another outlet and an update
  line (Jaccard mostly above the 0.6 bar, some below it: candidates the check rejects), some
  dated before their original.
- Dates follow the stream (`--dates stream`, the default): a story opens some days after the
  one before it, so the archive grows in time as a newsroom's does and a week holds about as
  many running stories in the 10k store as in the 100k one; the articles still arrive out of
  date order within that (a story's reports run over 90 days, near copies come late).
  `--dates random` puts each story anywhere in six years, as the stores were built before
  2026-12-03: the 100k store then runs ten times the stories of the 10k one in every week, and
  the growth it shows mixes the archive's size with a week's coverage growing tenfold.
- The stores are grown once, in order: the 10k store is a snapshot of the 100k one before its
  corpus stage, so the two differ only in size.
- Each store's corpus stage runs in a fresh subprocess (`pipeline.run_corpus`, from scratch on
  a store that never had one), so its time and peak RSS belong to the stage and the store
  reads alone, not to the generator (peak RSS: VmHWM, i.e. ru_maxrss without what Linux
  carries over from the parent through exec; `rss_mb`). In the largest store's subprocess, after its
  corpus stage, single articles are then added as a run adds them: `add_batch` of the one
  article and `run_corpus` for it, timed together, in-process (no process start, model load
  or search refresh). Three are added (two ordinary, one near copy of a stored article);
  add_one_s is the slowest of them. The kept story pages (store/pages.py) are written after
  each corpus stage as a run writes them, apart from it as the search index is, and timed apart:
  pages_s_* from scratch, pages_add_one_s after each added article (the slowest). Peak RSS
  covers them.

Targets (issue 8): growth = corpus_s(largest) / corpus_s(smallest) <= 12 for 10k -> 100k,
add_one_s <= 2, peak RSS <= 1.5 GB (the measuring subprocesses'; the builder's is reported
apart as build_rss_mb). Issue 9 asks the same of the story layer alone (the part of the corpus
stage from its "corpus: stories" mark on: clustering, storylines, and the timeline, claims,
summaries, outlet comparison and graph of the storylines touched): story_growth <= 12 and
story_add_one_s <= 2. The records carry the story layer's inputs as the analyser gives them: key
terms (the non-function words, the headline's, multiword names), event mentions in some
sentences (the story's kinds, the sentence's actors, its places, dates near the article's day
or none) and figures (the story's own, sometimes another value). The last line printed is a
JSON object.

With `--keep DIR` the stores are built once and kept there as they were before any corpus
stage; a later run with the same DIR, sizes and seed measures copies of them without building
again (the build of 100k takes a quarter of an hour).

usage: python bench/scale.py [--sizes 10000,100000] [--keep DIR] [--seed S] [--dates stream|random]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import pickle
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from bisect import bisect
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from storyline.analyze.gazetteer import fold
from storyline.corpus import signature
from storyline.model import AnalyzedArticle, Article, ArticleActor, ClaimMention, EventMention, Mention, Quote, Sentence
from storyline.settings import Settings

BATCH = 256  # articles per add_batch, a large worker batch
ADDED = 3  # single articles added to the largest store
# one story opens every 25 articles or so: 0.56 days apart, the 100k store's stories span 2018-2023
DAYS_PER_STORY = 0.56
GENERATORS = 2  # processes generating articles while the main one writes them
AHEAD = 6  # batches generated ahead of the writes, at most
WRITE_S = [0.0]  # seconds the builder spent in add_batch
TARGETS = {"growth": 12.0, "add_one_s": 2.0, "peak_rss_mb": 1536.0, "story_growth": 12.0, "story_add_one_s": 2.0}

COMMON = ("the of and to in a that for on is was with by as at from it his her an be have has are were "
          "not but this which will after their more about who they had been would its also over than "
          "new one two year people government while when into could last other some before under "
          "week officials country local there said".split())
ROLES = ["President", "Prime Minister", "Foreign Minister", "spokesperson", "chief executive", "Chair",
         "Envoy", "Governor", "Mayor", "Secretary-General", "analyst", "General"]
FIRSTS = ("José Jean-Luc François Zoë Renée Jong-un Moon-jae Ali Mohammed Anna Maria John Peter Li Wei "
          "Olga Ivan Ahmed Fatima Carlos Ana Hiroshi Yuki Kwame Amara Sven Ingrid Raúl Chloé Noël Björn "
          "Émile Dmitri Sofía Mateo Priya Arjun Chen Mei Abdel-Fattah Hyun-woo Ji-hoon Nadia Omar "
          "Leila Pablo Lucía Tomás Agnès Hélène Jürgen Søren Ayşe Mehmet").split()
COUNTRIES = {  # canonical -> spellings seen in text
    "United States": ["United States", "U.S.", "US", "the United States"], "China": ["China"],
    "France": ["France"], "North Korea": ["North Korea", "DPRK"], "South Korea": ["South Korea"],
    "Egypt": ["Egypt"], "Japan": ["Japan"], "Germany": ["Germany"], "Russia": ["Russia"],
    "United Kingdom": ["United Kingdom", "Britain", "UK"], "India": ["India"], "Brazil": ["Brazil"],
    "Türkiye": ["Türkiye", "Turkey"], "Mexico": ["Mexico"], "Nigeria": ["Nigeria"], "Iran": ["Iran"],
    "Israel": ["Israel"], "Ukraine": ["Ukraine"], "Canada": ["Canada"], "Australia": ["Australia"],
    "Spain": ["Spain"], "Italy": ["Italy"], "Kenya": ["Kenya"], "Indonesia": ["Indonesia"],
    "Pakistan": ["Pakistan"], "Argentina": ["Argentina"], "Côte d'Ivoire": ["Côte d'Ivoire", "Ivory Coast"],
    "Saudi Arabia": ["Saudi Arabia"], "Vietnam": ["Vietnam", "Viet Nam"], "Poland": ["Poland"],
}
ORG_SUFFIXES = ["Ministry", "Authority", "Council", "Bank", "Group", "Party", "Agency", "Corporation",
                "University", "Institute", "Commission", "Front", "Union", "Fund"]
LABELS = {"person": "PERSON", "organization": "ORG", "country": "GPE", "place": "LOC"}
UNITS = ["people", "troops", "ships", "USD", "EUR", "percent", "metres", "times"]
EVENT_KINDS = ["meeting", "summit", "talks", "visit", "call", "agreement", "threat", "attack", "disaster", "rescue",
               "death", "arrest", "ruling", "vote", "resignation", "sanction", "announcement", "election"]


# ---------------------------------------------------------------- the synthetic world

def pseudo_word(rng: random.Random) -> str:
    onsets = "b c d f g h k l m n p r s t v w z br tr st ch sh th pl gr".split()
    vowels, codas = "a e i o u ai ea ou".split(), ["", "", "n", "r", "s", "t", "l", "m"]
    return "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(rng.choice((1, 2, 2, 3))))


class World:
    """Everything that does not change from article to article: vocabulary, people, organisations,
    places, outlets, with their popularity."""

    def __init__(self, seed: int, dates: str = "stream") -> None:
        rng = random.Random(seed)
        self.dates = dates
        words = {pseudo_word(rng) for _ in range(40_000)} - set(COMMON)
        self.vocab = sorted(words)
        rng.shuffle(self.vocab)
        self.vocab_cum = list(accumulate(1 / (r + 10) for r in range(len(self.vocab))))
        lasts = sorted({pseudo_word(rng).title() for _ in range(6000)})
        rng.shuffle(lasts)
        self.people = [(rng.choice(FIRSTS), rng.choice(lasts), rng.choice(ROLES) if rng.random() < 0.4 else None)
                       for _ in range(40_000)]
        self.people_cum = list(accumulate(1 / (r + 3) for r in range(len(self.people))))
        self.orgs = []
        for _ in range(5000):
            name = f"{pseudo_word(rng).title()} {rng.choice(ORG_SUFFIXES)}"
            acronym = "".join(w[0] for w in name.split()).upper() + rng.choice(["", "", "A", "C"])
            self.orgs.append((name, acronym))
        self.orgs_cum = list(accumulate(1 / (r + 5) for r in range(len(self.orgs))))
        self.places = [pseudo_word(rng).title() + rng.choice(["", "", " City", "ville", "abad", " Port"])
                       for _ in range(3000)]
        self.outlets = [f"The {pseudo_word(rng).title()} {rng.choice(['Times', 'Herald', 'Post', 'Ledger', 'Wire'])}"
                        for _ in range(300)]
        self.seed = seed
        self.stories: dict[int, Story] = {}

    def pick(self, rng: random.Random, items: list, cum: list[float]):
        return items[bisect(cum, rng.random() * cum[-1])]


@dataclass
class Story:
    topic: list[str]
    people: list[tuple[str, str, str | None]]
    countries: list[str]
    orgs: list[tuple[str, str]]
    places: list[str]
    start: date
    figures: tuple[tuple[float, str, str], ...] = ()  # (value, unit, subject) the story's reports repeat


def story(world: World, sid: int) -> Story:
    if sid in world.stories:
        return world.stories[sid]
    rng = random.Random(world.seed * 1_000_003 + sid)
    cast = {world.pick(rng, world.people, world.people_cum) for _ in range(rng.randint(2, 7))}
    world.stories[sid] = made = Story(topic=rng.sample(world.vocab[1500:], 40), people=sorted(cast),
                 countries=rng.sample(sorted(COUNTRIES), rng.randint(1, 3)),
                 orgs=sorted({world.pick(rng, world.orgs, world.orgs_cum) for _ in range(rng.randint(1, 3))}),
                 places=rng.sample(world.places, rng.randint(0, 2)),
                 start=_start(world, sid, rng))
    # drawn last, so the rest of the story is what it was before figures existed
    made.figures = tuple((float(rng.choice((3, 12, 25, 400, 28_500, 9_600_000_000))), rng.choice(UNITS),
                     " ".join(rng.sample(made.topic, 2))) for _ in range(rng.randint(2, 6)))
    return made


def _start(world: World, sid: int, rng: random.Random) -> date:
    """A story's first day. "stream": stories open as the stream goes on (DAYS_PER_STORY apart,
    give or take two weeks), as a newsroom's archive grows: the 10k store covers its first months
    and the 100k store six years, with as many stories running at once in both. "random": any day
    of 2018-2023 whatever the story's place in the stream (how the stores were built before), so
    the 100k store runs ten times as many stories in any week as the 10k one: a measure of the
    clustering's cost as a week's coverage grows, not as the archive does."""
    if world.dates == "random":
        return date(2018, 1, 1) + timedelta(days=rng.randrange(6 * 365))
    return date(2018, 1, 1) + timedelta(days=int(sid * DAYS_PER_STORY) + rng.randrange(28))


# ---------------------------------------------------------------- one article

@dataclass(frozen=True)
class Plan:
    """What makes an article: regenerating a plan gives the same article; a plan with an edit
    seed gives a near copy of it."""

    seed: int
    sid: int
    day: int  # days after the story's start
    outlet: int
    number: int  # this document's number (its source name)
    edit: int | None = None


class Text:
    """The text with offsets: mentions, sentences and quotes where they really are."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos


def spell_person(rng: random.Random, person: tuple[str, str, str | None]) -> tuple[str, str]:
    """(key, spelling): variants of one name fold to one key, as the analyser's keys do."""
    first, last, _ = person
    canonical = f"{first} {last}"
    r = rng.random()
    if r < 0.15:
        spelled = fold(canonical).title()  # accents dropped, hyphens as spaces
    elif r < 0.22:
        spelled = f"{first} {last.upper()}"
    else:
        spelled = canonical
    return f"person:{fold(canonical)}", spelled


Entry = tuple[str, str, list[str], list[str]]  # an article's actor: key, kind, its spellings, roles


def make_article(world: World, plan: Plan) -> tuple[AnalyzedArticle, bytes]:
    """The analysed record and signature of the article `plan` stands for."""
    rng = random.Random(plan.seed)
    st = story(world, plan.sid)
    entries = _cast(world, st, rng)
    sentences = _draft(world, st, rng, entries)
    outlet, day = plan.outlet, plan.day
    if plan.edit is not None:  # a near copy: a few sentences rewritten or left out
        ed = random.Random(plan.edit)
        share = ed.choice((0.02, 0.04, 0.06, 0.08, 0.3))
        for i in range(len(sentences)):
            r = ed.random()
            if r < share / 2:
                sentences[i] = ("plain", ed.choices(world.vocab, cum_weights=world.vocab_cum, k=ed.randint(9, 28)))
            elif r < share:
                sentences[i] = ("plain", [])
        outlet = ed.randrange(len(world.outlets))
        day = max(0, day + ed.randint(-2, 3))
    title = " ".join(rng.sample(st.topic, 5)).capitalize()
    trailer = f"This story was updated by {world.outlets[outlet]}." if plan.edit is not None else None
    body_text, sents, mentions, quotes, counts, names_in = _render(sentences, entries, rng, trailer)
    actors = []
    for i, (key, kind, spellings, roles) in enumerate(entries):
        if not counts[i]:
            continue
        used = names_in.get(i, spellings[0])
        aliases = [s for s in spellings if s != used and s in body_text]
        actors.append(ArticleActor(key, used, kind, aliases, counts[i], roles))
    author = None if rng.random() < 0.2 else " ".join(world.pick(rng, world.people, world.people_cum)[:2])
    article = Article(source=f"/synthetic/{world.seed}/{plan.number}.html", kind="html", text=body_text,
                      title=title, outlet=world.outlets[outlet], author=author,
                      published=(st.start + timedelta(days=day)).isoformat(),
                      url=f"https://news.example/{plan.number}", provenance={"title": "html:meta"},
                      raw_hash=f"raw-{world.seed}-{plan.number}")
    sig = signature(body_text, _SETTINGS.minhash_perms, _SETTINGS.shingle_words)
    events, claims, terms = _story_inputs(st, rng, sentences, sents, mentions, body_text, day, title)
    return AnalyzedArticle(article, sents, mentions, actors, quotes, events, claims, terms), sig


def _story_inputs(st: Story, rng: random.Random, drafted: list, sents: list[Sentence], mentions: list[Mention],
                  text: str, day: int, title: str) -> tuple[list[EventMention], list[ClaimMention], dict[str, int]]:
    """What the analyser gives the story layer: key terms (the words that are not function
    words, the headline's again, multiword names), event mentions in some sentences (the
    story's own kinds, actors named in the sentence, its places, dates around the article's
    day or none) and figures (the story's own, now and then another value)."""
    common = set(COMMON)
    terms: dict[str, int] = {}
    for _, words in drafted:
        for w in words:
            if isinstance(w, str) and w not in common:
                terms[w] = terms.get(w, 0) + 1
    for w in title.lower().split():
        terms[w] = terms.get(w, 0) + 1
    for m in mentions:
        name = m.actor_key.split(":", 1)[1]
        if " " in name:
            terms[name] = terms.get(name, 0) + 1
    by_sentence: dict[int, list[str]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m.actor_key)
    kinds = [EVENT_KINDS[zlib.crc32(w.encode()) % len(EVENT_KINDS)] for w in st.topic[:3]]
    events = []
    for i in sorted(rng.sample(range(len(sents)), min(len(sents), rng.randint(3, 10)))):
        when = st.start + timedelta(days=max(0, day - rng.choice((0, 0, 1, 2, 7, 30))))
        r = rng.random()
        stamp = None if r < 0.5 else when.isoformat() if r < 0.85 else when.isoformat()[:7]
        start = sents[i].start
        events.append(EventMention(i, rng.choice(kinds), text[start:start + 5], start, start + 5,
                                   sorted(set(by_sentence.get(i, [])))[:3],
                                   rng.choice(st.places) if st.places and rng.random() < 0.5 else None, stamp,
                                   "on Friday" if stamp else None))
    claims = []
    for i in sorted(rng.sample(range(len(sents)), min(len(sents), rng.randint(1, 5)))):
        value, unit, subject = rng.choice(st.figures)
        if rng.random() < 0.1:
            value = round(value * rng.choice((0.8, 1.25)))
        start = sents[i].start
        claims.append(ClaimMention(i, text[start:start + 8], start, start + 8, float(value), unit, subject))
    return events, claims, terms


def _cast(world: World, st: Story, rng: random.Random) -> list[Entry]:
    """The article's actors: most of its story's cast, sometimes a bare surname, now and then
    an organisation or place of the other kind, and a passer-by."""
    people = [p for p in st.people if rng.random() < 0.8] or st.people[:1]
    bare = {p for p in people if rng.random() < 0.06}  # only the surname appears: a bare-name key
    entries: list[Entry] = []
    for p in people:
        if p in bare:
            entries.append((f"person:{fold(p[1])}", "person", [p[1]], []))
        else:
            spellings = sorted({spell_person(rng, p)[1] for _ in range(3)})
            roles = [p[2]] if p[2] and rng.random() < 0.5 else []
            entries.append((spell_person(rng, p)[0], "person", spellings, roles))
    for c in st.countries:
        entries.append((f"country:{fold(c)}", "country", COUNTRIES[c], []))
    for name, acronym in st.orgs:
        kind = "place" if rng.random() < 0.05 else "organization"  # the kind vote has work to do
        entries.append((f"{kind}:{fold(name)}", kind, [name] + ([acronym] if rng.random() < 0.3 else []), []))
    for place in st.places:
        kind = "organization" if rng.random() < 0.05 else "place"
        entries.append((f"{kind}:{fold(place)}", kind, [place], []))
    if rng.random() < 0.3:  # a passer-by from the pool
        p = world.pick(rng, world.people, world.people_cum)
        key, spelled = spell_person(rng, p)
        if key not in {e[0] for e in entries}:
            entries.append((key, "person", [spelled], []))
    for _ in range(rng.choice((0, 1, 1, 2, 3))):  # witnesses, local officials: named once, never again
        p = (rng.choice(FIRSTS), pseudo_word(rng).title() + pseudo_word(rng), None)
        key, spelled = spell_person(rng, p)
        entries.append((key, "person", [spelled], []))
    seen_keys: set[str] = set()
    return [e for e in entries if not (e[0] in seen_keys or seen_keys.add(e[0]))]


def _draft(world: World, st: Story, rng: random.Random, entries: list[Entry]) -> list[tuple[str, list]]:
    """Sentences as (plain | direct | indirect, tokens): words, entry indexes for names, and a
    last ("speaker", entry index or None) for a quote."""
    total = rng.randint(600, 1200)
    n_common, n_topic = int(total * 0.45), int(total * 0.15)
    tokens = (rng.choices(COMMON, k=n_common) + rng.choices(st.topic, k=n_topic)
              + rng.choices(world.vocab, cum_weights=world.vocab_cum, k=total - n_common - n_topic))
    rng.shuffle(tokens)
    sentences: list[tuple[str, list]] = []  # (kind: plain|direct|indirect, tokens with ints for names)
    people_idx = [i for i, e in enumerate(entries) if e[1] == "person"]
    at = 0
    while at < len(tokens):
        length = rng.randint(9, 28)
        words: list = tokens[at:at + length]
        at += length
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            words.insert(rng.randrange(len(words) + 1), rng.randrange(len(entries)))
        r = rng.random()
        kind = "plain"
        if people_idx and r < 0.12:
            kind = "direct" if r < 0.08 else "indirect"
            words.append(("speaker", rng.choice(people_idx) if rng.random() < 0.9 else None))
        sentences.append((kind, words))
    return sentences


def _render(sentences: list[tuple[str, list]], entries: list[Entry], rng: random.Random, trailer: str | None):
    """The text, with sentences, mentions and quotes at their offsets, and each entry's mention
    count and first spelling."""
    text = Text()
    sents: list[Sentence] = []
    mentions: list[Mention] = []
    quotes: list[Quote] = []
    counts = [0] * len(entries)
    names_in: dict[int, str] = {}
    n_sent = 0
    for kind, words in sentences:
        if not words:
            continue
        if n_sent and n_sent % 4 == 0:
            text.add("\n\n")
        elif n_sent:
            text.add(" ")
        s_start = text.pos
        speaker = words[-1][1] if words and isinstance(words[-1], tuple) else None
        body = [w for w in words if not isinstance(w, tuple)]
        if kind == "indirect" and speaker is not None:
            _name(text, entries, speaker, rng, n_sent, mentions, counts, names_in)
            text.add(" said that ")
        elif kind == "direct":
            text.add("\u201c")
        elif speaker is None and kind == "indirect":
            text.add("Officials said that ")
        q_start = text.pos
        quoted: list[str] = []
        run: list[str] = []  # plain words are joined at once, names are added at their offsets
        for i, w in enumerate(body):
            if isinstance(w, int):
                if run or i:
                    text.add(" ".join(run) + " " if run else " ")
                    run = []
                _name(text, entries, w, rng, n_sent, mentions, counts, names_in)
                quoted.append(entries[w][0])
            elif i == 0 and kind != "indirect":
                run.append(w.capitalize())
            else:
                run.append(w if run or not i else " " + w)
        if run:
            text.add(" ".join(run))
        q_end = text.pos
        if kind == "direct":
            text.add(",\u201d ")
            if speaker is not None:
                _name(text, entries, speaker, rng, n_sent, mentions, counts, names_in)
                text.add(" said.")
            else:
                text.add("an official said.")
        else:
            text.add(".")
        if kind != "plain":
            quotes.append(Quote("", q_start, q_end, kind, "said",
                                entries[speaker][0] if speaker is not None else None, n_sent,
                                sorted(set(quoted))))
        sents.append(Sentence(s_start, text.pos))
        n_sent += 1
    if trailer:
        text.add("\n\n")
        sents.append(Sentence(*text.add(trailer)))
    body_text = "".join(text.parts)
    for q in quotes:
        q.text = body_text[q.start:q.end]
    return body_text, sents, mentions, quotes, counts, names_in


def _name(text: Text, entries, i: int, rng: random.Random, sentence: int, mentions: list, counts: list,
          names_in: dict) -> None:
    key, kind, spellings, _ = entries[i]
    spelled = rng.choice(spellings)
    start, end = text.add(spelled)
    names_in.setdefault(i, spelled)
    mentions.append(Mention(spelled, LABELS[kind], start, end, sentence, key))
    counts[i] += 1


_SETTINGS = Settings()


class Stream:
    """Articles in arrival order: stories open and go cold, near copies of earlier articles."""

    def __init__(self, world: World, seed: int) -> None:
        self.world, self.rng = world, random.Random(seed)
        self.active: list[int] = []
        self.next_story = 0
        self.plans: list[Plan] = []

    def next_plan(self, copy: bool | None = None) -> Plan:
        rng, number = self.rng, len(self.plans)
        if copy is None:
            copy = bool(self.plans) and rng.random() < 0.03
        if copy:
            original = self.plans[rng.randrange(len(self.plans))]
            plan = Plan(original.seed, original.sid, original.day, original.outlet, number, edit=rng.getrandbits(48))
        else:
            if not self.active or rng.random() < 0.04:
                self.active.append(self.next_story)
                self.next_story += 1
                self.active = self.active[-200:]
            sid = self.active[-1 - min(int(rng.expovariate(1 / 25)), len(self.active) - 1)]
            plan = Plan(rng.getrandbits(48), sid, rng.randint(0, 90), rng.randrange(len(self.world.outlets)), number)
        self.plans.append(plan)
        return plan


# ---------------------------------------------------------------- building and measuring

def rss_mb() -> float:
    """Peak RSS of this process in MB: VmHWM where /proc has it, else ru_maxrss. They are the
    same figure, except that Linux carries ru_maxrss over exec, so a subprocess started by the
    builder would report the builder's peak as its own; VmHWM starts again with the new image."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_WORLD: World | None = None


def _start_generator(seed: int, dates: str) -> None:
    global _WORLD
    _WORLD = World(seed, dates)


def _generate(plans: list[Plan]) -> list[tuple[AnalyzedArticle, bytes]]:
    assert _WORLD is not None
    return [make_article(_WORLD, plan) for plan in plans]


def build(folder: Path, sizes: list[int], seed: int, dates: str) -> tuple[dict[int, Path], float, Path]:
    """Grow one store to each size in turn, snapshotting it (before any corpus stage) at each.
    Articles are generated by a pool of processes (pure functions of their plans, taken in
    order, so the stores do not depend on the pool) while this process writes them. Also
    pickles the articles to add afterwards. Returns ({size: store}, seconds, that pickle)."""
    from storyline.store import open_store

    world = World(seed, dates)
    stream = Stream(world, seed + 1)
    growing = folder / "growing.duckdb"
    growing.unlink(missing_ok=True)
    stores: dict[int, Path] = {}
    started = time.perf_counter()
    made = 0
    with multiprocessing.get_context("fork").Pool(GENERATORS, _start_generator, (seed, dates)) as pool:
        for size in sizes:
            batches = []
            while made + sum(map(len, batches)) < size:
                count = min(BATCH, size - made - sum(map(len, batches)))
                batches.append([stream.next_plan() for _ in range(count)])
            pending: deque = deque()
            with open_store(growing) as store:
                run_id = store.start_run(["bench/scale.py"])
                for batch in batches:
                    pending.append(pool.apply_async(_generate, (batch,)))
                    if len(pending) > AHEAD:
                        made += _write(store, run_id, pending.popleft().get(), made, started)
                while pending:
                    made += _write(store, run_id, pending.popleft().get(), made, started)
                store.finish_run(run_id, None)
            target = folder / f"store-{size}.duckdb"
            target.unlink(missing_ok=True)
            if size == sizes[-1]:
                growing.rename(target)
            else:
                shutil.copyfile(growing, target)
            stores[size] = target
    extra = folder / "added.pickle"
    plans = [stream.next_plan(copy=False), stream.next_plan(copy=False), stream.next_plan(copy=True)][:ADDED]
    with extra.open("wb") as f:
        pickle.dump([make_article(world, plan) for plan in plans], f)
    return stores, time.perf_counter() - started, extra


def _write(store, run_id: int, batch: list, made: int, started: float) -> int:
    t = time.perf_counter()
    store.add_batch(run_id, batch, [])
    WRITE_S[0] += time.perf_counter() - t
    if (made + len(batch)) // (BATCH * 8) > made // (BATCH * 8):
        print(f"  built {made + len(batch)} articles, {time.perf_counter() - started:.0f}s "
              f"(of which writing {WRITE_S[0]:.0f}s)", flush=True)
    return len(batch)


def _story_seconds(marks: list[tuple[str, float]], end: float) -> float:
    """The story layer's share of a corpus stage: from its first progress mark to the end."""
    begun = next((at for stage, at in marks if stage == "corpus: stories"), None)
    return 0.0 if begun is None else end - begun


def measure(db: Path, extra: Path | None) -> dict:
    """In a fresh process: the corpus stage from scratch on the store, then single articles
    added one at a time (add_batch + the corpus stage for it)."""
    from storyline.pipeline import run_corpus
    from storyline.store import open_store

    out: dict = {"open_rss_mb": 0.0}
    settings = Settings(db_path=db)
    with open_store(db) as store:
        out["articles"] = store.article_count()
        out["open_rss_mb"] = rss_mb()
        t, cpu = time.perf_counter(), time.process_time()
        marks: list[tuple[str, float]] = []
        taken = run_corpus(store, settings, lambda stage: marks.append((stage, time.perf_counter())))
        out["corpus_s"] = time.perf_counter() - t
        out["story_s"] = _story_seconds(marks, t + out["corpus_s"])
        out["corpus_cpu_s"] = time.process_time() - cpu  # DuckDB's threads included
        out["taken"] = taken
        out["corpus_rss_mb"] = rss_mb()
        t = time.perf_counter()
        out["pages"] = store.refresh_pages()  # as a run does after its corpus stage, apart from it
        out["pages_s"] = time.perf_counter() - t
        t = time.perf_counter()
        run_corpus(store, settings)
        out["nothing_new_s"] = time.perf_counter() - t
        if extra:
            added = [_with_defaults(record) for record in pickle.loads(extra.read_bytes())]
            run_id = store.start_run(["bench/scale.py add one"])
            times, story_times, page_times = [], [], []
            for record in added:
                t = time.perf_counter()
                store.add_batch(run_id, [record], [])
                seen: list[tuple[str, float]] = []
                run_corpus(store, settings, lambda stage, seen=seen: seen.append((stage, time.perf_counter())))
                times.append(time.perf_counter() - t)
                story_times.append(_story_seconds(seen, t + times[-1]))
                t = time.perf_counter()
                store.refresh_pages()
                page_times.append(time.perf_counter() - t)
            store.finish_run(run_id, None)
            out["add_one_each_s"] = [round(x, 4) for x in times]
            out["add_one_story_each_s"] = [round(x, 4) for x in story_times]
            out["add_one_pages_each_s"] = [round(x, 4) for x in page_times]
        stats = store.stats()
        out["actors"], out["duplicates"], out["quotes"] = stats["actors"], stats["duplicates"], stats["quotes"]
        out.update({key: stats[key] for key in ("stories", "storylines", "events", "claims")})
    out["peak_rss_mb"] = rss_mb()
    return out


def _kept(folder: Path, sizes: list[int], seed: int, dates: str) -> tuple[dict[int, Path], Path] | None:
    """The stores an earlier `--keep` run built here for these sizes, seed and dates, if complete
    (a marker without dates is from before "stream" existed: "random")."""
    marker = folder / "built.json"
    if not marker.exists() or {"dates": "random", **json.loads(marker.read_text())} != \
            {"sizes": sizes, "seed": seed, "dates": dates}:
        return None
    stores = {size: folder / f"store-{size}.duckdb" for size in sizes}
    extra = folder / "added.pickle"
    if not extra.exists() or not all(p.exists() for p in stores.values()):
        return None
    return stores, extra


def _with_defaults(obj):
    """A record pickled by an earlier build, given the fields the model gained since (their
    defaults): unpickling restores an object's attributes without running its __init__."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name not in vars(obj):
                default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
                setattr(obj, f.name, default)
            else:
                _with_defaults(getattr(obj, f.name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            _with_defaults(item)
    return obj


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="store sizes, ascending (default 10000,100000)")
    parser.add_argument("--keep", type=Path, help="build the stores here and keep them (or reuse those built here)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--dates", choices=("stream", "random"), default="stream",
                        help="stories' dates follow the stream (default) or fall anywhere in six years")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the subprocess
    parser.add_argument("--extra", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.extra)))
        return

    sizes = sorted({int(s) for s in args.sizes.split(",")})
    began = time.perf_counter()
    tmp = None
    if args.keep:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="storyline-scale-")
        folder = Path(tmp.name)
    try:
        built = _kept(folder, sizes, args.seed, args.dates) if args.keep else None
        if built:
            pristine, extra = built
            build_s, build_rss = 0.0, 0
            print(f"measuring copies of the stores kept in {folder} (built before, seed {args.seed})", flush=True)
        else:
            print(f"building stores of {', '.join(map(str, sizes))} synthetic articles in {folder}", flush=True)
            pristine, build_s, extra = build(folder, sizes, args.seed, args.dates)
            build_rss = rss_mb()
            (folder / "built.json").write_text(json.dumps({"sizes": sizes, "seed": args.seed, "dates": args.dates}))
            print(f"built in {build_s:.1f}s (writing {WRITE_S[0]:.1f}s of it), builder peak RSS {build_rss:.0f} MB",
                  flush=True)
        stores = dict(pristine)
        if args.keep:  # the kept stores stay as built; each measurement gets a copy
            for size, path in pristine.items():
                stores[size] = folder / f"measured-{size}.duckdb"
                Path(f"{stores[size]}.wal").unlink(missing_ok=True)  # an interrupted measurement's log
                shutil.copyfile(path, stores[size])
        results = {}
        for size in sizes:
            cmd = [sys.executable, __file__, "--measure", str(stores[size])]
            if size == sizes[-1]:
                cmd += ["--extra", str(extra)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"measuring the {label(size)} store failed:\n{done.stderr}")
            results[size] = r = json.loads(done.stdout.strip().splitlines()[-1])
            size_mb = stores[size].stat().st_size / 2**20
            print(f"{label(size)} store ({r['articles']} articles, {size_mb:.0f} MB file): corpus stage "
                  f"{r['corpus_s']:.2f}s (CPU {r['corpus_cpu_s']:.2f}s) -> {r['actors']} actors, "
                  f"{r['duplicates']} near-duplicates, "
                  f"{r['quotes']} quotes; again with nothing new {r['nothing_new_s']:.3f}s; "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB (after opening {r['open_rss_mb']:.0f} MB)", flush=True)
            print(f"  of which the story layer {r['story_s']:.2f}s -> {r['stories']} stories, "
                  f"{r['storylines']} storylines, {r['events']} events, {r['claims']} claims; then the story "
                  f"pages (apart, as the search index) {r['pages_s']:.2f}s", flush=True)
            if "add_one_each_s" in r:
                print(f"  one article added to it (add_batch + corpus stage), each: "
                      f"{', '.join(f'{x:.3f}s' for x in r['add_one_each_s'])}; the story layer's part: "
                      f"{', '.join(f'{x:.3f}s' for x in r['add_one_story_each_s'])}; its story pages after: "
                      f"{', '.join(f'{x:.3f}s' for x in r['add_one_pages_each_s'])}", flush=True)
    finally:
        if tmp:
            tmp.cleanup()
    small, large = sizes[0], sizes[-1]
    summary = {f"corpus_s_{label(s)}": round(results[s]["corpus_s"], 3) for s in sizes}
    summary["growth"] = round(results[large]["corpus_s"] / results[small]["corpus_s"], 2)
    summary["add_one_s"] = max(results[large]["add_one_each_s"])
    summary["peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in results.values()))
    # issue 9: the story layer alone, on the same stores
    summary.update({f"story_s_{label(s)}": round(results[s]["story_s"], 3) for s in sizes})
    summary["story_growth"] = round(results[large]["story_s"] / max(results[small]["story_s"], 1e-9), 2)
    summary["story_add_one_s"] = max(results[large]["add_one_story_each_s"])
    summary.update({f"corpus_cpu_s_{label(s)}": round(results[s]["corpus_cpu_s"], 2) for s in sizes})
    summary.update({f"pages_s_{label(s)}": round(results[s]["pages_s"], 3) for s in sizes})
    summary["pages_add_one_s"] = max(results[large]["add_one_pages_each_s"])
    summary.update(sizes=sizes, dates=args.dates, size_ratio=large / small, build_s=round(build_s, 1),
                   build_rss_mb=round(build_rss), add_one_each_s=results[large]["add_one_each_s"],
                   duplicates=results[large]["duplicates"], actors=results[large]["actors"],
                   total_s=round(time.perf_counter() - began, 1))
    for key, bar in TARGETS.items():
        met = summary[key] <= bar
        summary[f"{key}_ok"] = met
        print(f"target {key} <= {bar:g}: {summary[key]} {'met' if met else 'NOT met'}")
    if (large, small) != (100_000, 10_000):
        print(f"(growth is over a size ratio of {large / small:g}, not 10: the target speaks of 10k -> 100k)")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
