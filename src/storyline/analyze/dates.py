"""Date expressions of one sentence, anchored to the article's publication date.

dateparser does the parsing, but only of spans found here: its own `search_dates` splits
"12 June 2018" into "June" (2008) and "2018", reads "march on the capital" and "it may rise"
as dates, and runs "earlier this month, yesterday" together. So a cheap regex finds the
candidate spans (and a sentence without a date-ish word never reaches dateparser), each span is
parsed alone with the publication day as the relative base, and the written parts decide the
granularity: a bare year gives "2019", a month without a day "2018-06". What the news reader
means by a bare weekday or a year-less day ("on Friday", "April 24") depends on the tense: a
past-tense sentence means the latest such day on or before publication, a future one the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

__all__ = ["DateMention", "find_dates", "has_date_cue", "parse_published"]

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

# month names are matched capitalised only: "may", "march" and "june" are also ordinary words
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT = r"(?:\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_NO_NUM = r"(?<![\d,.$£€])"
_END_NUM = r"(?![\d,]\d|\.\d|\s*%|\s*per\s*cent)"
_MOD = r"(?:early|late|mid-?|the\s+end\s+of|the\s+beginning\s+of|the\s+middle\s+of)\s*"

# (kind, pattern) in priority order: a span taken by an earlier pattern is not matched again
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(kind, re.compile(p)) for kind, p in [
    ("iso", rf"{_NO_NUM}\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b"),
    ("mdy", rf"\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?{_END_NUM}"),
    ("dmy", rf"{_NO_NUM}\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>{_YEAR})\b)?"),
    ("my", rf"\b(?:(?P<mod>{_MOD}))?(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})\b{_END_NUM}"),
    ("month", rf"(?i:\b(?P<pre>in|on|since|by|until|till|during|through|throughout|from|of|before|after|"
              rf"last|next|this|early|late|mid|end|since\s+early|since\s+late)[\s-]+)"
              rf"(?P<mod>{_MOD})?(?P<mon>{_MONTH})\b(?!\s*\d)"),
    ("weekday", rf"(?i:\b(?P<rel>last|next|this|on|late|early|since|by|until|from)\s+)?"
                rf"(?P<wd>{_WEEKDAY})(?:['’]s)?{_PART}\b"),
    ("relative", r"(?i:\b(?:the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|"
                 r"(?:earlier|later)\s+(?:this|last)\s+(?:week|month|year)|"
                 r"(?:this|last|next|past)\s+(?:morning|afternoon|evening|week|month|year)|"
                 rf"{_COUNT}\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|before)|"
                 rf"(?:in|within)\s+{_COUNT}\s+(?:days?|weeks?|months?)(?:['’]\s+time)?)\b(?!\s+of\b))"),
    ("year", rf"{_NO_NUM}\b(?P<y>{_YEAR})\b{_END_NUM}"),
]]

# a sentence without one of these has no date expression: the cheap gate before the regexes
_CUE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|[Mm]onday|[Tt]uesday|[Ww]ednesday|[Tt]hursday|"
    r"[Ff]riday|[Ss]aturday|[Ss]unday|yesterday|[Tt]oday|[Tt]onight|week|month|year|days|ago|night)")

# a bare year as a count ("2000 people") is no date: the next word is a lowercase plural noun
_COUNTED = re.compile(r"\s+(?:more\s+|other\s+|new\s+)?(?:[a-z]+s|people|men|women|children|police|staff|feet)\b")
_YEAR_LEAD = re.compile(r"(?i)\b(?:in|since|by|until|till|of|from|during|early|late|mid|before|after|through|"
                        r"year|summer|winter|spring|autumn|fall|between|around|circa|c\.)[\s-]*$")


_BOUND = re.compile(r"(?i)\b(until|till|through|by|starting|from|since|before|after)\s+(?:the\s+)?$")
# a reader comment's time stamp ("At 9:24 pm on 05 May 2009, jsmith wrote:") dates no event
_STAMP = re.compile(r",?\s*\S+\s+wrote\s*:")


@dataclass(frozen=True)
class DateMention:
    """One date expression as written in a sentence, with its normalised value."""

    text: str  # as written ("last June", "on Friday")
    start: int  # offsets in the text given to find_dates
    end: int
    value: str | None  # YYYY | YYYY-MM | YYYY-MM-DD; None when it cannot be anchored
    relative: bool  # needs the publication date to resolve ("on Friday", "last year")
    bound: str | None = None  # "until", "by", "since", "from"...: the date ends or starts a span


def parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def has_date_cue(text: str) -> bool:
    return _CUE.search(text) is not None


def find_dates(text: str, published: str | None, tense: str | None = "past") -> list[DateMention]:
    """The date expressions of one sentence in order, each normalised against `published`
    ("YYYY-MM-DD" or None). `tense` ("past", "future" or None) says which way a bare weekday
    or a year-less day points; without a publication date the relative ones stay None."""
    if not has_date_cue(text):
        return []
    pub = parse_published(published)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if kind == "year" and not _plausible_year(text, start, end):
                continue
            taken.append((start, end))
            if _STAMP.match(text, end):
                continue
            bound = _BOUND.search(text[max(0, start - 16):start]) or _BOUND.search(match.group(0).split()[0] + " ")
            word = bound.group(1).lower() if bound else None
            # "closed until May 10": the end of a span points forward whatever the verb's tense
            ahead = word in ("until", "till", "through", "by", "starting", "from")
            value, relative = _resolve(kind, match, pub, None if ahead and tense == "past" else tense)
            found.append(DateMention(match.group(0), start, end, value, relative, word))
    found.sort(key=lambda d: d.start)
    return found


def _plausible_year(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 20):start]
    return bool(_YEAR_LEAD.search(before)) or not _COUNTED.match(text, end)


def _resolve(kind: str, match: re.Match[str], pub: date | None, tense: str | None) -> tuple[str | None, bool]:
    groups = match.groupdict()
    if kind in ("iso", "mdy", "dmy", "my", "month"):
        year = int(groups["y"]) if groups.get("y") else None
        if kind == "iso":
            month, day = int(groups["m"]), int(groups["d"])
        else:
            month, day = _MONTHS[groups["mon"].lower().rstrip(".")], _day(groups.get("d"))
        if year is not None:
            parsed = _parse(f"{year}-{month:02d}-{day or 1:02d}")
            if parsed is None:
                return None, False
            return (parsed.strftime("%Y-%m-%d") if day else parsed.strftime("%Y-%m")), False
        if pub is None:
            return None, True
        pre = (groups.get("pre") or "").lower()
        return _anchor_month_day(month, day, pub, tense, pre), True
    if kind == "weekday":
        if pub is None:
            return None, True
        rel = (groups.get("rel") or "").lower()
        return _anchor_weekday(_WEEKDAYS[groups["wd"].lower()], pub, tense, rel).isoformat(), True
    if kind == "relative":
        return (_relative(match.group(0), pub) if pub else None), True
    if kind == "year":
        return groups["y"], False
    return None, False


def _day(text: str | None) -> int | None:
    return int(re.sub(r"\D", "", text)) if text else None


def _anchor_month_day(month: int, day: int | None, pub: date, tense: str | None, pre: str) -> str | None:
    """The year of "April 24" / "last June": past tense (and "last", "since") looks back from
    publication, future tense (and "next") forward, anything else takes the nearest."""
    def candidate(year: int) -> date | None:
        try:
            return date(year, month, day or 1)
        except ValueError:
            return None

    options = [d for d in (candidate(pub.year - 1), candidate(pub.year), candidate(pub.year + 1)) if d]
    if not options:
        return None
    if day is None:
        current = date(pub.year, pub.month, 1)
        if pre == "last":
            chosen = max(d for d in options if d < current)
        elif pre == "next":
            chosen = min(d for d in options if d > current)
        elif pre == "this":
            chosen = date(pub.year, month, 1)
        elif tense == "future":
            chosen = min(d for d in options if d >= current)
        elif tense == "past":
            chosen = max(d for d in options if d <= current)
        else:
            chosen = min(options, key=lambda d: (abs((d - current).days), d))
        return chosen.strftime("%Y-%m")
    # a day a day or two after publication is still "past": datelines lag the events
    if tense == "future":
        chosen = min((d for d in options if d >= pub - timedelta(days=1)), default=options[-1])
    elif tense == "past" or pre in ("since", "last"):
        chosen = max((d for d in options if d <= pub + timedelta(days=1)), default=options[0])
    else:
        chosen = min(options, key=lambda d: (abs((d - pub).days), d))
    return chosen.isoformat()


def _anchor_weekday(weekday: int, pub: date, tense: str | None, rel: str) -> date:
    """"on Friday" in a past-tense sentence is the latest Friday on or before publication (the
    same day included: a Friday paper reports Friday's news); "last Friday" is strictly before;
    "next Friday", future and present tense ("the Fed meets on Thursday") point forward;
    without a tense the nearer one wins."""
    back = (pub.weekday() - weekday) % 7
    ahead = (weekday - pub.weekday()) % 7
    if rel == "next":
        return pub + timedelta(days=ahead or 7)
    if rel == "last":
        return pub - timedelta(days=back or 7)
    if rel == "since" or tense == "past":
        return pub - timedelta(days=back)
    if tense in ("future", "present") or ahead < back:
        return pub + timedelta(days=ahead)
    return pub - timedelta(days=back)


_GRANULARITY = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _relative(text: str, pub: date) -> str | None:
    phrase = " ".join(text.lower().split())
    if phrase in ("today", "tonight") or phrase.startswith("this ") and phrase.split()[1] in (
            "morning", "afternoon", "evening"):
        return pub.isoformat()
    if phrase == "last night":
        return (pub - timedelta(days=1)).isoformat()
    if phrase == "the day before yesterday":
        return (pub - timedelta(days=2)).isoformat()
    match = re.fullmatch(r"(?:earlier|later) (this|last) (week|month|year)", phrase)
    if match:
        phrase = f"{match.group(1)} {match.group(2)}"
    match = re.fullmatch(r"(\S+) (day|week|month|year)s? (?:earlier|before)", phrase)
    if match:
        phrase = f"{match.group(1)} {match.group(2)}s ago"
    match = re.fullmatch(r"(?:in|within) (\S+) (day|week|month)s?(?:['’] time)?", phrase)
    if match:
        phrase = f"in {_NUMBER_WORDS.get(match.group(1), match.group(1))} {match.group(2)}s"
    match = re.fullmatch(r"(\S+) (days?|weeks?|months?|years?) ago", phrase)
    if match and match.group(1) in _NUMBER_WORDS:
        phrase = f"{_NUMBER_WORDS[match.group(1)]} {match.group(2)} ago"
    if phrase == "past week":
        phrase = "last week"
    parsed = _parse_relative(phrase, pub.isoformat())
    if parsed is None:
        return None
    value, period = parsed
    if period == "week":
        return _week_month(value)
    fmt = _GRANULARITY.get(period)
    return value.strftime(fmt) if fmt else None


def _week_month(day: date) -> str | None:
    """A week is no day; it is a month when the whole week lies in one."""
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    return monday.strftime("%Y-%m") if monday.month == sunday.month else None


@lru_cache(maxsize=4096)
def _parse_relative(phrase: str, base: str) -> tuple[date, str] | None:
    data = _parser(base).get_date_data(phrase)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


def _parse(text: str) -> date | None:
    """An explicit date through dateparser, which also rejects impossible ones (31 June)."""
    parsed = _parse_relative(text, "2000-01-01")
    return parsed[0] if parsed else None


@lru_cache(maxsize=64)
def _parser(base: str):
    from dateparser.date import DateDataParser  # imported on first use: it loads slowly

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime.fromisoformat(base).replace(hour=12), "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False})
