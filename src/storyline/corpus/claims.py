"""The same figure across the articles of one storyline: corroborated, single-source or contested.

Rules (all generic; each says why):

* A claim is identified by its unit and what it is about, never by its number alone: "400
  metres" and "400 ships" are two claims. Units are compared exactly (the extractor already
  folded "vessels" to "ships", "dollars" to USD, "a day" to "/day").
* Reports agree when their values are equal and their subjects are compatible: they share a
  subject word, or one says nothing about what is counted, or (outside money) the value is 20 or
  more, where the same unit and the same number by chance is unlikely ("850-year-old
  cathedral" and "850-year-old Gothic landmark"). Values must be equal: "about $10 billion"
  and "$9.6 billion" are two figures, not one rounded.
* Independence: a near-copy (same `original_id`) is the same source. Corroborated = agreeing
  reports from two or more independent sources; single-source = one.
* Contested = independent sources give different values for the same thing. "The same thing"
  needs more than the unit: the subjects must overlap strongly (for money, percentages and
  measures half of the shorter subject; for counts of a noun half of both, because counts of
  one noun often differ legitimately as part and whole: "four boys rescued" of "12 boys"),
  neither may describe a capacity where the other does not ("able to carry 20,000 containers"
  vs "carrying 18,300"), and the values must be within a factor of two of each other.
* A figure that changes over time is not contested. Reports whose values never fall as their
  publication dates rise, at least one of which pins its figure to a time in the sentence ("by
  Saturday", "on Friday", "so far", "at its peak"), are read as one running count (a queue of
  200 ships on Friday, 320 by Saturday, 400 by the weekend after) and are kept as separate
  figures, each with its own status.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from storyline.analyze.claims import DURATIONS, MEASURES, singular
from storyline.model import ClaimMention

__all__ = ["SourcedClaim", "ClaimGroup", "group_claims"]

CORROBORATED = "corroborated"
SINGLE = "single-source"
CONTESTED = "contested"

MEASURE_UNITS = {"percent", "age", "times"}
MAX_RATIO = 2.0
DISTINCTIVE = 20.0
_ANCHOR = re.compile(
    r"\b(?:(?:on|by|since|until|as of|through|last|this|early|late|on the)\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?:by|as of|on|since)\s+(?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)\s+\d{1,2}\b"
    r"|\b(?:so far|to date|at (?:its|the) (?:peak|height)|at the height of|yesterday|today|tonight)\b",
    re.IGNORECASE)


@dataclass
class SourcedClaim:
    article_id: str
    original_id: str  # near-duplicate original, own id when none: a near-copy is not an independent source
    outlet: str | None
    published: str | None
    sentence: str  # the sentence's text, verbatim
    claim: ClaimMention
    story_id: str | None = None
    storyline_id: str | None = None


@dataclass
class ClaimGroup:
    id: str  # derived from content, stable across runs and arrival order
    story_id: str | None
    storyline_id: str | None
    text: str  # the figure with its words as one source wrote it (verbatim span)
    value: float | None  # the agreed value; for contested the most reported (ties: earliest source)
    values: list[float]  # every distinct value reported (one for agreed claims)
    unit: str | None
    subject: str | None
    status: str  # corroborated | single-source | contested
    sources: list[tuple[str, str]] = field(default_factory=list)  # (article_id, sentence)


def _order(c: SourcedClaim) -> tuple[str, str, int, int]:
    """Earliest published first; undated last; then by id and position, so the result does not
    depend on the order claims arrive in."""
    return (c.published or "9999-99-99", c.article_id, c.claim.start, c.claim.end)


def _words(c: SourcedClaim) -> frozenset[str]:
    unit = (c.claim.unit or "").split("/")[0]
    drop = {singular(unit), unit, "capacity"}
    return frozenset(w for w in (c.claim.subject or "").split() if w not in drop)


def _capacity(c: SourcedClaim) -> bool:
    return "capacity" in (c.claim.subject or "").split()


def _is_money(unit: str | None) -> bool:
    base = (unit or "").split("/")[0]
    return base.isupper() and len(base) == 3


def _is_count(unit: str | None) -> bool:
    """A counted noun, as opposed to money, a share, an age or a measure."""
    base = (unit or "").split("/")[0]
    return not (_is_money(unit) or base in MEASURE_UNITS or base in MEASURES.values()
                or base in DURATIONS.values() or " " in base)


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def _agree(a: SourcedClaim, b: SourcedClaim) -> bool:
    if not _same_value(a.claim.value, b.claim.value) or _capacity(a) != _capacity(b):
        return False
    wa, wb = _words(a), _words(b)
    if not wa or not wb or wa & wb:
        return True
    return not _is_money(a.claim.unit) and a.claim.value >= DISTINCTIVE


def _same_quantity(a: SourcedClaim, b: SourcedClaim) -> bool:
    """Different values for the same thing (a contest candidate)."""
    va, vb = a.claim.value, b.claim.value
    if _same_value(va, vb) or _capacity(a) != _capacity(b) or min(va, vb) <= 0:
        return False
    if max(va, vb) / min(va, vb) > MAX_RATIO:
        return False
    wa, wb = _words(a), _words(b)
    shared = len(wa & wb)
    if not shared:
        return False
    if _is_count(a.claim.unit):
        return shared / len(wa | wb) >= 0.5
    return shared / min(len(wa), len(wb)) >= 0.5


class _Sets:
    """Union-find over indices; the smaller index is the root, so the result is order-free."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return [out[k] for k in sorted(out)]


def _anchored(c: SourcedClaim) -> bool:
    """The sentence pins the figure to a time ("by Saturday", "so far"), the rate excepted."""
    sentence = c.sentence.replace(c.claim.text, " ")
    return bool(_ANCHOR.search(sentence))


def _running_count(clusters: list[list[SourcedClaim]]) -> bool:
    """Values that only rise as the reports get later, one of them tied to a time in its
    sentence: a count that grew, not a disagreement."""
    if not any(_anchored(c) for cluster in clusters for c in cluster):
        return False
    reports = sorted(((c.published, c.claim.value) for cluster in clusters for c in cluster),
                     key=lambda x: (x[0] or "9999-99-99", x[1]))
    if any(p is None for p, _ in reports):
        return False
    by_date: dict[str, set[float]] = defaultdict(set)
    for p, v in reports:
        by_date[p].add(v)  # type: ignore[index]
    if any(len(vs) > 1 for vs in by_date.values()):
        return False  # two values on one day: not explained by time
    values = [v for _, v in reports]
    return all(x <= y for x, y in zip(values, values[1:], strict=False))


def _group_id(scope: str | None, unit: str | None, first: SourcedClaim) -> str:
    key = f"{scope or ''}|{unit or ''}|{first.article_id}|{first.claim.start}|{first.claim.end}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _sources(members: list[SourcedClaim]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for c in sorted(members, key=_order):
        if c.article_id not in seen:
            seen.add(c.article_id)
            out.append((c.article_id, c.sentence))
    return out


def _build(members: list[SourcedClaim], status: str | None = None) -> ClaimGroup:
    members = sorted(members, key=_order)
    first = members[0]
    support: dict[float, set[str]] = defaultdict(set)
    earliest: dict[float, tuple] = {}
    for c in members:
        support[c.claim.value].add(c.original_id)
        earliest.setdefault(c.claim.value, _order(c))
    ranked = sorted(support, key=lambda v: (-len(support[v]), earliest[v]))
    value = ranked[0]
    rep = next(c for c in members if c.claim.value == value)
    if status is None:
        status = CORROBORATED if len(support[value]) >= 2 else SINGLE
    return ClaimGroup(
        id=_group_id(first.storyline_id or first.story_id, first.claim.unit, first),
        story_id=rep.story_id, storyline_id=rep.storyline_id, text=rep.claim.text, value=value,
        values=ranked, unit=rep.claim.unit, subject=rep.claim.subject, status=status,
        sources=_sources(members))


def _unit_groups(claims: list[SourcedClaim]) -> list[tuple[tuple, ClaimGroup]]:
    """(order key, group) for the claims of one unit, sorted by `_order`."""
    n = len(claims)
    agree = _Sets(n)
    for i in range(n):
        for j in range(i + 1, n):
            if _agree(claims[i], claims[j]):
                agree.union(i, j)
    clusters = agree.groups()
    # clusters giving different values for the same thing
    k = len(clusters)
    same = _Sets(k)
    for x in range(k):
        for y in range(x + 1, k):
            if any(_same_quantity(claims[i], claims[j]) for i in clusters[x] for j in clusters[y]):
                same.union(x, y)
    out: list[tuple[tuple, ClaimGroup]] = []
    for family in same.groups():
        parts = [[claims[i] for i in clusters[x]] for x in family]
        if len(parts) > 1 and _independent_disagreement(parts) and not _running_count(parts):
            parts = [[c for part in parts for c in part]]
            status: str | None = CONTESTED
        else:
            status = None
        out.extend((_order(min(part, key=_order)), _build(part, status)) for part in parts)
    return out


def _independent_disagreement(parts: list[list[SourcedClaim]]) -> bool:
    """Two different values from two different sources; one source changing its figure, or a
    copy of it, contests nothing."""
    by_value: dict[float, set[str]] = defaultdict(set)
    for part in parts:
        for c in part:
            by_value[c.claim.value].add(c.original_id)
    values = sorted(by_value)
    return any(oa != ob for i, a in enumerate(values) for b in values[i + 1:]
               for oa in by_value[a] for ob in by_value[b])


def group_claims(claims: list[SourcedClaim]) -> list[ClaimGroup]:
    """Group the claims of one storyline (a bounded set: the pairwise comparisons are
    quadratic in the claims sharing a unit). The result is the same for any input order."""
    by_unit: dict[str, list[SourcedClaim]] = defaultdict(list)
    for c in sorted(claims, key=_order):
        if c.claim.unit:
            by_unit[c.claim.unit].append(c)
    groups: list[tuple[tuple, ClaimGroup]] = []
    for unit in sorted(by_unit):
        groups.extend(_unit_groups(by_unit[unit]))
    return [g for _, g in sorted(groups, key=lambda x: (x[0], x[1].id))]
