"""Metadata from scraped text: title, outlet, author and publication date, with provenance.

Works on the header and trailer lines the cleaner set aside, and on the body's first line
(datelines such as "Outlet – ..." or "SEOUL (AP) — ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storyline.extract.cleaner import BYLINE, DATE_LABEL, Cleaned, is_menu_item, is_title_case, is_ui, words_of
from storyline.extract.dates import find_dates

_TITLE_SPLIT = re.compile(r"^(.{12,}?)\s+(?:\||–|—|-|::)\s+([^|–—]{2,40})$")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?:by\s+)?"
    r"([A-Z][\w&'’.\- ]{1,60}?)\s*(?:[.,|]|\s+all rights|\s+-|$)", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^(?:source|publisher|outlet|published by)\s*:\s*(.{2,60})$", re.IGNORECASE)
_DATELINE = re.compile(r"^\s*([^\s–—-][^–—\n]{0,48}?)\s+[–—-]{1,2}\s+(?=[A-Z“\"])")
_AGENCY = re.compile(r"\(([A-Z][A-Za-z .&]{1,30})\)")
_UPDATED = re.compile(r"\b(updated|last updated|modified|edited)\b", re.IGNORECASE)
_LEGAL = re.compile(r"\s*\b(all rights reserved|inc|ltd|llc|plc|group|media|corp|corporation|company|co)\b\.?$",
                    re.IGNORECASE)


@dataclass
class TextMeta:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


def text_metadata(cleaned: Cleaned) -> TextMeta:
    meta = TextMeta()
    header = [ln for ln in cleaned.header if ln.strip()]
    _title(header, meta, cleaned.title_line)
    _author(header + cleaned.trailer, meta, meta.title)
    _published(header, cleaned.trailer, meta, meta.title)
    _outlet(header, cleaned.trailer, cleaned.first_body_line, meta)
    return meta


def clean_author(value: str) -> str | None:
    """'Jane Doe | June 12, 2018' -> 'Jane Doe'; keeps 'Staff, Agencies' as printed."""
    value = re.split(r"\s+(?:\||–|—|-)\s+|\s{2,}|\b(?:published|posted|updated)\b|\bon\s+(?=\w+ \d)",
                     value, maxsplit=1, flags=re.IGNORECASE)[0]
    value = value.strip(" ,;:.|")
    if not value or len(words_of(value)) > 10 or find_dates(value):
        return None
    return value


def _title(header: list[str], meta: TextMeta, title_line: str | None = None) -> None:
    if title_line:
        title = re.sub(r"\.(?=['’\"”]?$)", "", title_line.strip())
        meta.title, meta.provenance["title"] = title, "text:first-line"
        return
    for line in header:
        match = re.match(r"^(?:title|headline)\s*:\s*(.+)$", line, re.IGNORECASE)
        if match:
            meta.title, meta.provenance["title"] = match.group(1).strip(), "text:title-label"
            return
    candidates = []
    for i, line in enumerate(header):
        n = len(words_of(line))
        if n < 3 or n > 30 or BYLINE.match(line) or is_ui(line) or is_menu_item(line) or _mostly_date(line) \
                or re.search(r"[.;]$", line):
            continue
        candidates.append((i, line))
    if not candidates:
        return
    titled = [c for c in candidates if is_title_case(c[1])]
    byline_at = next((i for i, ln in enumerate(header) if BYLINE.match(ln)), None)
    if titled and byline_at is not None:
        above = [c for c in titled if c[0] < byline_at]
        chosen = above[-1] if above else titled[0]
    elif titled:
        chosen = titled[-1]
    else:
        chosen = candidates[0]
    line = chosen[1]
    split = _TITLE_SPLIT.match(line)
    if split and len(words_of(split.group(2))) <= 4 and is_title_case(split.group(2)):
        meta.title = split.group(1).strip()
        meta.outlet, meta.provenance["outlet"] = split.group(2).strip(), "text:title-suffix"
    else:
        meta.title = line.strip()
    meta.provenance["title"] = "text:headline-line"


def _mostly_date(line: str) -> bool:
    """'February 28, 2019 at 4:12 pm', 'Published: 3 July 2018': a date with little else."""
    dates = find_dates(line)
    if not dates:
        return False
    rest = re.sub(r"\d{1,2}:\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?|\b\d{1,4}\b|\b[A-Za-z]{3,9}\.?\b", " ", line)
    return len(words_of(line)) <= 10 or not rest.strip(" ,|:-")


_NAME_LINE = re.compile(r"^[A-Z][a-zà-ÿ'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-zà-ÿ'’-]+|van|de|von|al|bin)){1,3}$")


def _author(lines: list[str], meta: TextMeta, title: str | None = None) -> None:
    for line in lines:
        match = BYLINE.match(line)
        if match:
            author = clean_author(match.group(1))
            if author:
                meta.author, meta.provenance["author"] = author, "text:byline"
                return
    # no "By": a bare personal name right under the headline, followed by the date, is the byline
    if title:
        for i, line in enumerate(lines[:-1]):
            if line.strip() == title or line.strip().startswith(title):
                name, following = lines[i + 1].strip(), lines[i + 2] if i + 2 < len(lines) else ""
                if _NAME_LINE.match(name) and not is_ui(name) and _mostly_date(following):
                    meta.author, meta.provenance["author"] = name, "text:name-under-headline"
                return


def _published(header: list[str], trailer: list[str], meta: TextMeta, title: str | None = None) -> None:
    """Prefer a date labelled published/posted, then an unlabelled header date, then the byline's,
    and only as a last resort an 'updated' date: the article's own date is what users want."""
    labelled, plain, updated = [], [], []
    # a date above the headline is usually the site's "today" banner, not the article's
    title_at = next((i for i, ln in enumerate(header) if title and ln.strip().startswith(title)), -1)
    header = header[title_at + 1:] + header[:title_at + 1] if title_at >= 0 else header
    for line in header + trailer[:5]:
        for segment in re.split(r"\s+\|\s+|\s{2,}|;\s+", line):
            dates = find_dates(segment)
            if not dates:
                continue
            if _UPDATED.search(segment):
                updated.append(dates[0][1])
            elif DATE_LABEL.search(segment):
                labelled.append(dates[0][1])
            elif line in header and len(words_of(segment)) <= 12:
                plain.append(dates[0][1])
    for source, found in (("text:published-label", labelled), ("text:header-date", plain),
                          ("text:updated-date", updated)):
        if found:
            meta.published, meta.provenance["published"] = found[0], source
            return


def _outlet(header: list[str], trailer: list[str], first_body: str, meta: TextMeta) -> None:
    if meta.outlet:
        return
    for line in header + trailer:
        match = _SOURCE_LINE.match(line.strip())
        if match:
            meta.outlet, meta.provenance["outlet"] = match.group(1).strip(" ."), "text:source-label"
            return
    for line in reversed(trailer + header):
        match = _COPYRIGHT.search(line)
        if match:
            name = match.group(1).strip(" .,")
            while _LEGAL.search(name):  # "Gazette Media Group Ltd." -> "Gazette"
                name = _LEGAL.sub("", name).strip(" .,")
            if name and not name[0].isdigit() and len(words_of(name)) <= 6:
                meta.outlet, meta.provenance["outlet"] = name, "text:copyright"
                return
    match = _DATELINE.match(first_body)
    if match:
        prefix = match.group(1).strip()
        agency = _AGENCY.search(prefix)
        if agency:
            meta.outlet, meta.provenance["outlet"] = agency.group(1).strip(), "text:dateline-agency"
        elif len(words_of(prefix)) <= 3 and not prefix.isupper() and "," not in prefix:
            meta.outlet, meta.provenance["outlet"] = prefix, "text:dateline"
