"""The timeline of one storyline: event mentions of many articles merged into events.

Mentions are one real event when they are of one kind (the meeting kinds summit, meeting and
talks count as one), on compatible dates and in no different place. Days come first: the
mentions of one kind dated to one day are grouped unless they name different places or (for
the kinds people take part in) different people. A month or year mention ("their first meeting
in June 2018", "the grounding in March") then joins the best-supported day event inside it
that shares an actor or the place, or, naming neither, the best-supported one; if none fits it
stands at its own granularity. An undated mention joins an event of its own article first;
else, in a later article, the earlier event it refers to: one in the place it names ("the
Singapore summit", "in Hanoi"), or, when it is worded as a reference ("the fire", "after it ran
aground", "the 12 boys rescued from the cave"), the best-supported earlier event of its kind.
Anything else stays apart: "Trump and Kim met again" is news, not a reference. Everything is
decided on sorted keys, so the same mentions in any order give the same events and ids.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from storyline.model import EventMention

__all__ = ["SourcedMention", "TimelineEvent", "merge_events", "FAMILY"]

# kinds that name one happening from different sides
FAMILY = {"summit": "meeting", "talks": "meeting", "meeting": "meeting", "call": "meeting"}
# when the family's mentions disagree, the most telling name wins
_KIND_RANK = ("summit", "talks", "meeting", "call")
SUMMARY_WORDS = 30
# a month or year mention joins the best-supported day event inside it that shares an actor or the
# place ("their first meeting in June 2018" -> the Singapore summit of 2018-06-12)
COARSE_EVIDENCE = 1
# kinds whose sentences name people around the happening rather than taking part in it: on one
# day in one storyline only the place tells two of them apart
BYSTANDERS = {"death", "rescue", "discovery"}


@dataclass
class SourcedMention:
    """One event mention, with where it came from."""

    article_id: str
    original_id: str  # the article's near-duplicate original (its own id when none)
    published: str | None
    outlet: str | None
    sentence: str  # the sentence's text, verbatim
    mention: EventMention
    actor_ids: list[str] = field(default_factory=list)  # canonical actor ids
    story_id: str | None = None
    storyline_id: str | None = None


@dataclass
class TimelineEvent:
    id: str  # derived from content: stable across runs and arrival order
    story_id: str | None
    storyline_id: str | None
    summary: str  # one short sentence from the sources' own words
    kind: str
    date: str | None  # YYYY | YYYY-MM | YYYY-MM-DD
    actors: list[str]
    place: str | None
    weight: int  # distinct non-duplicate articles among sources
    sources: list[tuple[str, str]]  # (article_id, sentence)


def _family(kind: str) -> str:
    return FAMILY.get(kind, kind)


def _fold(place: str | None) -> str | None:
    return " ".join(re.sub(r"[^\w\s]", " ", place.lower()).split()) if place else None


def _order(m: SourcedMention) -> tuple:
    e = m.mention
    return (m.article_id, e.sentence, e.start, e.kind, e.date or "", m.sentence)


def _place_match(a: str, b: str) -> bool:
    """One place named two ways: "Suez" and "Suez Canal", "Notre-Dame" and "Notre Dame de Paris"."""
    if a == b:
        return True
    x, y = set(a.split()), set(b.split())
    return x <= y or y <= x


class _Group:
    """Mentions taken as one event while merging."""

    def __init__(self, first: SourcedMention) -> None:
        self.members = [first]
        self.actors: Counter[str] = Counter(first.actor_ids)
        self.places: Counter[str] = Counter()
        self.articles = {first.article_id}
        self.originals = {first.original_id}
        self.date = first.mention.date
        self._add_place(first)

    def _add_place(self, m: SourcedMention) -> None:
        place = _fold(m.mention.place)
        if place:
            self.places[place] += 1

    def add(self, m: SourcedMention) -> None:
        self.members.append(m)
        self.actors.update(m.actor_ids)
        self.articles.add(m.article_id)
        self.originals.add(m.original_id)
        self._add_place(m)

    def place_of(self, m: SourcedMention) -> int:
        """1 when the mention's place is one of the group's, -1 when both name places and none
        agrees (Singapore is not Hanoi), 0 when either names none."""
        place = _fold(m.mention.place)
        if not place or not self.places:
            return 0
        return 1 if any(_place_match(place, p) for p in self.places) else -1

    def affinity(self, m: SourcedMention) -> int:
        """How strongly a mention belongs here: shared actors and place; 0 is no evidence."""
        shared = sum(1 for a in set(m.actor_ids) if a in self.actors)
        return shared + (2 if self.place_of(m) > 0 else 0)

    def bare(self) -> bool:
        return not self.actors and not self.places

    def weight(self) -> int:
        return len(self.originals)


def _bare(m: SourcedMention) -> bool:
    return not m.actor_ids and not m.mention.place


def _within(coarse: str, day: str) -> bool:
    return day.startswith(coarse + "-") or day == coarse


def _best(groups: list[_Group], m: SourcedMention, require: bool, least: int = 1) -> _Group | None:
    """The group the mention fits best (shared actors and place, then support); with `require`
    only one with at least `least` evidence. A group in another place is never taken."""
    scored = [(g.affinity(m), g.weight(), -i, g) for i, g in enumerate(groups) if g.place_of(m) >= 0]
    scored = [s for s in scored if s[0] >= least or not require]
    if not scored:
        return None
    return max(scored, key=lambda s: s[:3])[3]


def _same_day(groups: list[_Group], m: SourcedMention) -> _Group | None:
    """Mentions of one kind on one day in one storyline are one happening unless they name
    different places or, for the kinds people take part in (a meeting, a call), different
    people; a mention with no actors or place ("the grounding, which began on March 23") joins
    whichever fits best. Around a death or a rescue the actors a sentence names are often
    bystanders, so there they only choose between groups."""
    if _family(m.mention.kind) not in BYSTANDERS:
        groups = [g for g in groups if g.place_of(m) >= 0 and (g.affinity(m) > 0 or _bare(m) or g.bare())]
    return _best(groups, m, require=False)


def merge_events(mentions: list[SourcedMention]) -> list[TimelineEvent]:
    """The storyline's timeline events, sorted by date (None last), then weight (heaviest first)."""
    ordered = sorted(mentions, key=_order)
    by_family: dict[str, list[SourcedMention]] = defaultdict(list)
    for m in ordered:
        by_family[_family(m.mention.kind)].append(m)
    events: list[TimelineEvent] = []
    for family in sorted(by_family):
        for group in _merge_family(by_family[family]):
            events.append(_event(group))
    _unique_ids(events)
    events.sort(key=lambda e: (e.date is None, e.date or "", -e.weight, e.id))
    return events


def _merge_family(mentions: list[SourcedMention]) -> list[_Group]:
    by_date: dict[str | None, list[SourcedMention]] = defaultdict(list)
    for m in mentions:
        by_date[m.mention.date].append(m)
    dated: dict[str, list[_Group]] = {}
    # days first, then months, then years: each coarser mention looks for a finer event to join
    for date in sorted((d for d in by_date if d), key=lambda d: (-len(d), d)):
        finer = [g for d, gs in sorted(dated.items()) if len(d) > len(date) and _within(date, d) for g in gs]
        groups: list[_Group] = []
        for m in by_date[date]:
            if len(date) == 10:
                target = _same_day(groups, m)
            else:
                target = _best(finer, m, require=True, least=COARSE_EVIDENCE) \
                    or (_heaviest(finer, m) if _bare(m) else None) \
                    or _best(groups, m, require=not _bare(m))
            if target is None:
                groups.append(_Group(m))
            else:
                target.add(m)
        dated[date] = groups
    result = [g for d in sorted(dated) for g in dated[d]]
    by_article: dict[str, list[_Group]] = defaultdict(list)
    for g in result:
        for article in sorted(g.articles):
            by_article[article].append(g)
    # the storyline's dated events, earliest first, for the references of later articles
    known = sorted(result, key=lambda g: (g.date or "", len(g.date or "")))
    undated: list[_Group] = []
    for m in by_date.get(None, []):
        target = _best(by_article.get(m.article_id, []), m, require=not _bare(m)) or _referent(known, m)
        target = target or _best([g for g in undated if _same_scene(g, m)], m, require=True)
        if target is None:
            undated.append(_Group(m))
        else:
            target.add(m)
    return result + undated


def _heaviest(groups: list[_Group], m: SourcedMention) -> _Group | None:
    """The best-supported group not in another place (ties: the earlier)."""
    fits = [(g.weight(), -i, g) for i, g in enumerate(groups) if g.place_of(m) >= 0]
    return max(fits, key=lambda s: s[:2])[2] if fits else None


# words before a trigger that make it a reference to a known happening: "the fire", "its
# grounding", "after it ran aground", "who died during the rescue"
_REFERENCE = re.compile(r"(?i)\b(?:the|its|their|this|that|his|her|after|since|when|where|who|which|during|"
                        r"before)\s+(?:[\w'’-]+\s+){0,3}$|['’]s\s+(?:[\w-]+\s+)?$")
_CLAUSE_BREAK = re.compile(r"[,;:—–()\"“”]")


def _reference(m: SourcedMention) -> bool:
    """The mention names a happening the reader is supposed to know (a definite noun phrase or
    a background clause), not a new one ("Trump and Kim met again")."""
    at = m.sentence.find(m.mention.trigger)
    if at < 0:
        return False
    before = _CLAUSE_BREAK.split(m.sentence[:at])[-1]
    return bool(_REFERENCE.search(before))


def _referent(known: list[_Group], m: SourcedMention) -> _Group | None:
    """The earlier event of the storyline an undated mention of a later article refers to: one
    in the place it names ("the Singapore summit", "their second, in Hanoi"), else, for a
    reference ("the fire", "after it ran aground"), the best-supported one that fits."""
    published = (m.published or "")[:10]
    before = [g for g in known if not published or (g.date or "") <= published]
    if not before:
        return None
    placed = [g for g in before if g.place_of(m) > 0]
    if placed:
        return _best(placed, m, require=False)
    if not _reference(m):
        return None
    fits = [g for g in before if g.place_of(m) >= 0]
    return max(fits, key=lambda g: (g.affinity(m), g.weight(), g.date or "")) if fits else None


def _same_scene(group: _Group, m: SourcedMention) -> bool:
    """Undated mentions of different articles are one event only when they share the place and
    an actor: one shared country alone would chain every undated mention of a story together."""
    if m.article_id in group.articles:
        return True
    return group.place_of(m) > 0 and any(a in group.actors for a in m.actor_ids)


def _date(group: _Group) -> str | None:
    """The most specific date the sources support: the day most of them give."""
    dates = Counter(m.mention.date for m in group.members if m.mention.date)
    if not dates:
        return None
    return max(dates, key=lambda d: (len(d), dates[d], d))


def _kind(group: _Group) -> str:
    kinds = Counter(m.mention.kind for m in group.members)
    return max(kinds, key=lambda k: (kinds[k], -_KIND_RANK.index(k) if k in _KIND_RANK else 0, k))


def _event(group: _Group) -> TimelineEvent:
    members = sorted(group.members, key=_order)
    kind, date = _kind(group), _date(group)
    actors = sorted(group.actors, key=lambda a: (-group.actors[a], a))
    places = Counter(m.mention.place for m in members if m.mention.place)
    place = max(places, key=lambda p: (places[p], p)) if places else None
    sources = sorted({(m.article_id, m.sentence) for m in members})
    first = members[0]
    key = "|".join([first.storyline_id or first.story_id or "", _family(kind), date or "", ",".join(sorted(actors)[:4]),
                    _fold(place) or ""])
    return TimelineEvent(
        id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16], story_id=first.story_id,
        storyline_id=first.storyline_id, summary=_summary(members, date), kind=kind, date=date, actors=actors,
        place=place, weight=group.weight(), sources=sources)


def _unique_ids(events: list[TimelineEvent]) -> None:
    """Two events with the same content key (no actors, no place, one day) get distinct ids,
    numbered in the order of their sources, which does not depend on arrival order."""
    seen: dict[str, list[TimelineEvent]] = defaultdict(list)
    for event in events:
        seen[event.id].append(event)
    for same in seen.values():
        if len(same) > 1:
            for n, event in enumerate(sorted(same, key=lambda e: e.sources)):
                if n:
                    event.id = hashlib.sha1(f"{event.id}|{n}".encode()).hexdigest()[:16]


def _summary(members: list[SourcedMention], date: str | None) -> str:
    """One source sentence, the one that best tells the event: it names the trigger and the
    chosen date, and is short; a long one is cut to the clauses around the trigger."""
    def rank(m: SourcedMention) -> tuple:
        words = len(m.sentence.split())
        return (m.mention.date != date, not m.mention.date_text, words > SUMMARY_WORDS,
                abs(words - 18), m.article_id, m.sentence)

    best = min(members, key=rank)
    return trim_sentence(best.sentence, best.mention.trigger, best.mention.date_text)


_CLAUSE = re.compile(r"(?<=[,;:—–])\s+|\s+(?=[—–]\s)")


def trim_sentence(sentence: str, trigger: str, keep: str | None = None, limit: int = SUMMARY_WORDS) -> str:
    """The sentence as written if short; else the comma-separated clauses around the trigger
    (and the date words), with "…" where words were left out."""
    text = " ".join(sentence.split())
    if len(text.split()) <= limit:
        return text
    parts = _CLAUSE.split(text)
    centre = next((i for i, p in enumerate(parts) if trigger and trigger in p), 0)
    lo = hi = centre
    wanted = {i for i, p in enumerate(parts) if keep and keep in p}

    def size(a: int, b: int) -> int:
        return sum(len(p.split()) for p in parts[a:b + 1])

    while True:
        grown = False
        for a, b in ((lo - 1, hi), (lo, hi + 1)):
            if a >= 0 and b < len(parts) and (a, b) != (lo, hi) and size(a, b) <= limit:
                lo, hi, grown = a, b, True
                break
        if not grown:
            break
    for i in sorted(wanted):
        if not lo <= i <= hi and size(min(lo, i), max(hi, i)) <= limit:
            lo, hi = min(lo, i), max(hi, i)
    piece = " ".join(parts[lo:hi + 1])
    cut_left, cut_right = lo > 0, hi < len(parts) - 1
    if size(lo, hi) > limit:
        words = piece.split()
        at = next((i for i, w in enumerate(words) if trigger and trigger.split()[0] in w), 0)
        start = max(0, min(at - limit // 2, len(words) - limit))
        piece = " ".join(words[start:start + limit])
        cut_left = cut_left or start > 0
        cut_right = cut_right or start + limit < len(words)
    piece = piece.rstrip(",;:—– ")
    return ("… " if cut_left else "") + piece + (" …" if cut_right else "")
