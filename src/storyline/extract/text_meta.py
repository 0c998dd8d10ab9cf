"""Metadata from scraped text: title, outlet, author and publication date, with provenance;
and the checks every metadata value passes, whatever its source (`check_*`).

The rules work on the header and trailer lines the cleaner set aside, and on the body's first
line (datelines such as "Outlet – ..." or "SEOUL (AP) — ..."). They are the last resort for an
HTML page too (after its structured data and trafilatura), so the checks live here, once: a
value that is a UI word ("Posted", "Share"), a cut-off fragment ("Author Bo"), a photo credit
("Photo: X", "X/AFP"), a title that is only the byline, or a name seen only after the article's
end is refused, and the next source is asked instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline.extract.cleaner import (
    BYLINE,
    DATE_LABEL,
    TERMINATOR,
    Cleaned,
    is_menu_item,
    is_title_case,
    is_ui,
    words_of,
)
from storyline.extract.dates import find_dates, normalize_date

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
    _author(header + _before_lists(cleaned.trailer), meta, meta.title)
    if meta.title and not check_title(meta.title, [meta.author] if meta.author else []):
        meta.title = None  # the byline repeated as a headline line
        meta.provenance.pop("title", None)
    _published(header, cleaned.trailer, meta, meta.title)
    _outlet(header, cleaned.trailer, cleaned.first_body_line, meta)
    return meta


def clean_author(value: str) -> str | None:
    """'Jane Doe | June 12, 2018' -> 'Jane Doe'; keeps 'Staff, Agencies' as printed."""
    value = re.split(r"\s+(?:\||–|—|-)\s+|\s{2,}|\b(?:published|posted|updated)\b|\bon\s+(?=\w+ \d)",
                     value, maxsplit=1, flags=re.IGNORECASE)[0]
    value = value.strip(" ,;:|")
    if value.endswith(".") and not re.search(r"\b(?:[A-Z]|Jr|Sr)\.$", value):  # "Okafor Jr." keeps its period
        value = value[:-1].rstrip(" ,;:|")
    if not value or len(words_of(value)) > 10 or find_dates(value):
        return None
    return value


# a whole author value that names no one
_NOT_A_NAME = {"posted", "by", "share", "admin", "administrator", "staff", "updated", "follow", "photo", "author",
               "getty images", "editor", "editors", "the editors", "anonymous", "unknown", "guest", "agencies",
               "news desk", "newsdesk", "web desk", "editorial", "editorial staff", "editorial team", "team", "home",
               "news", "more", "comments", "menu", "published"}
# ...but printed next to other names they are the byline: "Staff, Agencies", "Jane Roe and agencies"
_COLLECTIVE = {"staff", "agencies"}
# a word no personal name contains: UI labels, credit labels and job titles ("Jane Roe, Staff Writer")
_NOT_IN_A_NAME = {"posted", "published", "updated", "by", "share", "shared", "admin", "follow", "followers", "photo",
                  "photos", "photograph", "image", "images", "picture", "credit", "credits", "courtesy", "author",
                  "authors", "getty", "shutterstock", "subscribe", "login", "comments", "reporter",
                  "correspondent", "writer", "editor", "contributor", "columnist", "read", "more", "view", "profile"}
_NAME_LABEL = re.compile(r"^\s*(?:(?:posted|written|words|reporting|story)\s+by|by|authors?\s*:?)\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b)\s*", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]*")
_URLISH = re.compile(r"https?:|www\.|@|/|\\|\d")


def check_author(value: str | list[str] | None, text: str | None = None, region: str | None = None,
                 guessed: bool = True) -> str | None:
    """The author value with every name that fails `_is_name` left out, or None when none is left.

    `text` is the page's text, to catch a name cut mid-word ("Author Bo" of "Author Bob Hale")
    and, for a `guessed` value (trafilatura's, our rules', not the page's declared metadata), a
    name printed only in photo credits; `region` is the text up to the article's end: a guessed
    name found only after it (a related-articles list, a footer) wrote something else.
    Several names are joined as printed in a byline: "A and B", "A, B and C".
    """
    values = value if isinstance(value, list) else [value] if value else []
    values = [v for v in values if " ".join(_NAME_LABEL.sub("", v).lower().split()).strip(" .:") not in _NOT_A_NAME]
    names: list[str] = []
    dropped = False
    for one in values:
        for name in _NAME_SPLIT.split(clean_author(_NAME_LABEL.sub("", one)) or ""):
            name = name.strip(" ,;:|·•-–—")
            if not name:
                continue
            if _is_name(name, text, region if guessed else None, guessed) and name not in names:
                names.append(name)
            else:
                dropped = True
    if not names:
        return None
    if len(values) == 1 and not dropped and ";" not in values[0]:
        return clean_author(_NAME_LABEL.sub("", values[0]))  # as printed: "Jane Doe, Reuters" stays one value
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _is_name(name: str, text: str | None, region: str | None, guessed: bool) -> bool:
    tokens = _NAME_TOKEN.findall(name)
    lowered = " ".join(name.lower().split())
    if not tokens or len(tokens) > 5 or _URLISH.search(name) or lowered in _NOT_A_NAME - _COLLECTIVE:
        return False
    if any(t.lower().strip(".") in _NOT_IN_A_NAME for t in tokens) or not any(t[0].isupper() for t in tokens):
        return False
    last = tokens[-1]
    if (len(last) < 2 and not name.endswith(".")) or (len(tokens) == 1 and len(last) < 3):
        return False  # "Jane D", cut before the rest of the surname
    if text is not None and (_cut_in(name, text) or guessed and _credited_only(name, text)):
        return False
    return region is None or _key_in(name, region)


def _cut_in(name: str, text: str) -> bool:
    """The name occurs in the text, but only as the start of a longer word: a truncated value."""
    found = re.findall(rf"(?<!\w){re.escape(name)}(\w?)", text, re.IGNORECASE)
    return bool(found) and all(found)


_CREDIT = re.compile(r"^\W*(?:photo|photograph|image|picture|credit|courtesy|illustration|video|graphic)s?\b"
                     r"|\w\s*/\s*\w", re.IGNORECASE)


def _credited_only(name: str, text: str) -> bool:
    """Every line that names this person is a credit ("Photo: X", "X/AFP", "Reuters/X"):
    trafilatura reads "X/AFP" as two authors, "X; AFP"."""
    lines = [line for line in text.split("\n") if _key_in(name, line)]
    return bool(lines) and all(_CREDIT.search(line) and not _NAME_LABEL.match(line) for line in lines)


def _key_in(name: str, text: str) -> bool:
    return " ".join(name.lower().split()) in " ".join(text.lower().split())


def check_title(value: str | None, authors: Sequence[str] = (), outlets: Sequence[str] = ()) -> str | None:
    """The title without an outlet suffix or prefix ("Title | Outlet"), or None when what is left is
    page furniture, the byline, an author's name or the outlet's name: then the next source is asked."""
    if not value:
        return None
    title = " ".join(value.split())
    keys = {_key(o) for o in outlets if _key(o)}
    suffix = _OUTLET_SUFFIX.match(title)
    if suffix and _key(suffix.group(2)) in keys:
        title = suffix.group(1)
    prefix = _OUTLET_PREFIX.match(title)
    if prefix and _key(prefix.group(1)) in keys:
        title = prefix.group(2)
    title = title.strip()
    people = {_key(a) for author in authors for a in [author, *_NAME_SPLIT.split(author)] if _key(a)}
    if len(title) < 3 or _NOT_A_TITLE.match(title) or BYLINE.match(title) or _NAME_LABEL.match(title) \
            or _key(title) in keys:
        return None
    if _key(title) in people or _key(clean_author(title) or "") in people:
        return None
    return title


# a page title that names no article (whole-title labels only: a headline may mention cookies or newsletters)
_NOT_A_TITLE = re.compile(r"^\W*(?:home|home ?page|news|menu|search|share(?: this (?:article|story|page))?|comments?|"
                          r"advertisement|subscribe|sign in|log in|page not found|not found|404|access denied|"
                          r"just a moment|untitled(?: document)?|index|error)\W*$", re.IGNORECASE)
_OUTLET_SUFFIX = re.compile(r"^(.*\S)\s+(?:\||–|—|-|::|·|•)\s+([^|–—·•]{2,60})$")
_OUTLET_PREFIX = re.compile(r"^([^|–—·•]{2,60}?)\s+(?:\||–|—|::|·|•)\s+(\S.*)$")


def _key(name: str) -> str:
    """'The Harbor Ledger', 'harborledger.example', 'Harbor-Ledger' -> 'harborledger'."""
    name = name.lower().strip()
    if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", name):
        name = name.removeprefix("www.").split(".")[0]
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"[\W_]+", "", name)


def check_published(value: str | None, page: str | None = None) -> str | None:
    """The date as 'YYYY-MM-DD'; for a guessed date, `page` (the page's HTML or text) must show
    a 1 January in full: a bare year, such as a copyright line's, is read as one."""
    published = normalize_date(value)
    if published and page is not None and published.endswith("-01-01") \
            and published not in (found for _, found in find_dates(page)):
        return None
    return published


def check_outlet(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split()).strip(" |·•-–—")
    return None if not value or len(value) > 80 or is_ui(value) else value


def _before_lists(trailer: list[str]) -> list[str]:
    """The trailer up to its first list heading ("Related", "More stories", "Comments"): a byline
    below that belongs to another article."""
    end = next((i for i, line in enumerate(trailer) if TERMINATOR.match(line.strip())), len(trailer))
    return trailer[:end]


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
            author = check_author(match.group(1))
            if author:
                meta.author, meta.provenance["author"] = author, "text:byline"
                return
    # no "By": a bare personal name right under the headline, followed by the date, is the byline
    if title:
        for i, line in enumerate(lines[:-1]):
            if line.strip() == title or line.strip().startswith(title):
                name, following = lines[i + 1].strip(), lines[i + 2] if i + 2 < len(lines) else ""
                if _NAME_LINE.match(name) and check_author(name) == name and _mostly_date(following):
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
