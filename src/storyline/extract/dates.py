"""Find and normalise publication dates written the many ways pages write them."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import dateparser

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_PATTERNS = [
    re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"),
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b"),
]
_DATEPARSER_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
                        "RETURN_AS_TIMEZONE_AWARE": False}


def find_dates(text: str) -> list[tuple[int, str]]:
    """Every absolute date in `text` as (offset, 'YYYY-MM-DD'), in reading order."""
    found: dict[int, str] = {}
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            value = normalize_date(match.group(0), pattern)
            if value:
                found[match.start()] = value
                taken.append((match.start(), match.end()))
    return sorted(found.items())


def normalize_date(value: str | None, _pattern: re.Pattern[str] | None = None) -> str | None:
    """'June 12, 2018', '12 June 2018', '2018-06-12T10:00Z', RFC 822... -> '2018-06-12'."""
    if not value:
        return None
    value = value.strip()
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if iso:
        return _checked(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    if dotted:  # 12.06.2018 is day-first wherever it is written
        return _checked(int(dotted.group(3)), int(dotted.group(2)), int(dotted.group(1)))
    return _parse(value)


@lru_cache(maxsize=4096)
def _parse(value: str) -> str | None:
    parsed = dateparser.parse(value, languages=["en"], settings=_DATEPARSER_SETTINGS)
    if not isinstance(parsed, datetime):
        return None
    return _checked(parsed.year, parsed.month, parsed.day)


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if not 1900 <= value.year <= date.today().year + 1:
        return None
    return value.isoformat()
