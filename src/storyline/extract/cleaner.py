"""A text-level boilerplate cleaner for scraped pages (text copied off a page, menus and all).

trafilatura works on the DOM; scraped text has lost it, so we judge each line by its shape:
length, closing punctuation, capitalisation, link-list runs, UI vocabulary and position
relative to the body. The body is the span from the first to the last sentence-shaped line;
before it are header lines (headline, byline, dates, menus) that feed the metadata, after it
the trailer (related lists, comment forms, footers). Inside it we drop inserts ("Read more:"),
UI lines and runs of headlines, and keep every paragraph and every line with a quotation.
Nothing here knows any particular site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUOTE_CHARS = "\"“”„«»"
_TERMINAL = re.compile(r"""[.!?…:;]["'”’»)\]]*$""")
_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9][\w'’.\-]*")

# a line that begins with one of these and a separator is an insert pointing elsewhere
INSERT = re.compile(
    r"^\s*(read more|read also|also read|more to read|see also|related|related (?:article|story|news|coverage)s?"
    r"|recommended|watch|watch now|listen|more on this|more from \w+|don'?t miss|must read|trending|"
    r"click here|suggested|explore more|read next|next article|previous article)\s*[:\-–—>|»]",
    re.IGNORECASE)

# whole-line UI labels (compared after lower-casing and trimming punctuation)
UI_WHOLE = re.compile(
    r"^(share|share (?:this|the) (?:article|story|page|post)|share on \w+|tweet|email|e-mail|print|whatsapp|"
    r"facebook|twitter|x|linkedin|reddit|telegram|copy link|link copied|comments?|\d+ comments?|"
    r"view comments|show comments|menu|main menu|search|home|close|advertisement|advert|ad|sponsored"
    r"(?: content)?|loading|back to top|skip to (?:main )?content|log ?in|sign ?in|sign ?up|register|"
    r"subscribe(?: now)?|follow(?: us)?(?: on [\w ]+)?|related(?: articles| stories| news| posts| topics)?|"
    r"more (?:stories|news|articles|videos)|trending(?: now| stories)?|most (?:read|popular|viewed|shared)|"
    r"you (?:may|might) also like|recommended(?: for you| stories)?|latest(?: news| stories)?|"
    r"top stories|editor'?s picks?|newsletter|accept|reject|accept all|manage (?:cookies|preferences)|"
    r"leave a (?:comment|reply)|post comment|submit|cancel reply|next|previous|load more|"
    r"(?:tags?|topics?|filed under|categories|category)\s*:?.*)$",
    re.IGNORECASE)

# phrases that mark a short line as page furniture wherever they sit in it
UI_CONTAINS = re.compile(
    r"(cookie|privacy policy|terms of (?:use|service)|all rights reserved|©|\(c\) \d{4}|copyright \d{4}|"
    r"your email address|email address will not|required fields|leave a (?:comment|reply)|post a comment|"
    r"notify me|sign up for|subscribe to|newsletter|follow us|share this|share on|download (?:our|the) app|"
    r"click here|we use cookies|enable javascript|javascript (?:enabled|must be (?:turned on|enabled))|"
    r"flash (?:player )?installed|ad ?blocker|getty images|photo credit|image credit|"
    r"photograph:|file photo|join the (?:conversation|discussion)|log in to comment|"
    r"reproduction (?:in whole|without)|this story has been shared|min(?:ute)? read$|read the (?:rest|full)|"
    r"continue reading)",
    re.IGNORECASE)

# after the body has begun, these end it: comment sections and end-of-page lists
TERMINATOR = re.compile(
    r"^(\d+\s+)?(comments?|leave a (comment|reply)|post a comment|add a comment|join the (conversation|discussion)|"
    r"related( articles| stories| news| posts)?|more stories|more from|you (may|might) also like|read next|"
    r"most (read|popular|viewed)|trending( now)?|recommended( for you)?|about the author|tags?)\b",
    re.IGNORECASE)

# the comments under an article begin, however long the line: a reader's comment signed in its
# first line ("At 2:26 pm on 02 Jun 2009, reader wrote: ...", "On 5 May 2009 at 17:49, reader
# wrote:"), or the comment policy that heads them ("We welcome comments that ...")
COMMENTS_BEGIN = re.compile(r"^(?:(?:at|on)\s+.{3,45}?\b(?:19|20)\d{2}\b.{0,20}?,\s*\S{2,40}\s+wrote\s*:|"
                            r"we welcome (?:your )?comments|views expressed in (?:the|these) comments|"
                            r"comments (?:are|will be) moderated)", re.IGNORECASE)

# feed and wire footers, whatever their length
FOOTER = re.compile(r"^(?:the post .{3,300} appeared first on .{2,80}|\(?(?:additional )?(?:reporting|writing|editing|"
                    r"compiled) by .{2,200})$", re.IGNORECASE)

BYLINE = re.compile(r"^\s*(?:by|written by|posted by|words by|reporting by|author\s*:|authors\s*:)\s+(.{2,120})$",
                    re.IGNORECASE)
DATE_LABEL = re.compile(r"\b(published|posted|first published|publication date|date|updated|last updated|"
                        r"modified|last modified|edited)\b", re.IGNORECASE)


# "2018-06-12: Trump and Kim meet in Singapore" -- a timeline entry is article content
_DATED_ITEM = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{4}|(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})|"
                         r"(?:\d{1,2} [A-Z][a-z]{2,8} \d{4}))\s*[:–—-]\s+\S+(?:\s+\S+){2,}")


@dataclass
class Line:
    index: int
    text: str
    words: int
    kind: str = "other"  # body | short | headline | menu | insert | ui | byline | blank | other

    @property
    def has_quote(self) -> bool:
        return any(c in self.text for c in QUOTE_CHARS)


@dataclass
class Cleaned:
    text: str
    header: list[str] = field(default_factory=list)  # lines before the body, for metadata
    trailer: list[str] = field(default_factory=list)  # lines after it, for metadata
    first_body_line: str = ""
    title_line: str | None = None  # a headline the body detector would have taken for a sentence
    dropped: list[str] = field(default_factory=list)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def is_title_case(text: str) -> bool:
    """Headline capitalisation: most words, skipping short function words, start upper-case."""
    words = [w for w in words_of(text) if len(w) > 3 or w[0].isupper()]
    if not words:
        return False
    upper = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return upper / len(words) >= 0.7


def is_sentence(text: str) -> bool:
    n = len(words_of(text))
    return bool(_TERMINAL.search(text.strip())) and n >= 5 or n >= 30


def is_menu_item(text: str) -> bool:
    words = words_of(text)
    return 0 < len(words) <= 3 and not _TERMINAL.search(text) and not any(c in text for c in QUOTE_CHARS) \
        and all(w[0].isupper() or w[0].isdigit() or w.lower() in ("and", "&", "of") for w in words)


def is_link_list(text: str) -> bool:
    """A menu flattened onto one line: several short capitalised items split by separators."""
    parts = [p.strip() for p in re.split(r"\s*(?:\||•|·|»|›|\t|\s{3,}| / )\s*", text) if p.strip()]
    return len(parts) >= 4 and all(is_menu_item(p) for p in parts)


def is_ui(text: str) -> bool:
    stripped = text.strip().strip(".:!|-–—•·>»[]()").strip().lower()
    if UI_WHOLE.match(stripped) and len(words_of(stripped)) <= 6:
        return True
    return len(words_of(text)) <= 18 and bool(UI_CONTAINS.search(text))


def classify(index: int, raw: str) -> Line:
    text = raw.strip()
    line = Line(index, text, len(words_of(text)))
    if not text:
        line.kind = "blank"
    elif INSERT.match(text) or FOOTER.match(text):
        line.kind = "insert"
    elif BYLINE.match(text) and line.words <= 14:
        line.kind = "byline"
    elif is_ui(text) and not (line.has_quote and line.words > 6):
        line.kind = "ui"
    elif is_link_list(text):
        line.kind = "menu"
    elif is_sentence(text) or (line.has_quote and line.words >= 4) or _DATED_ITEM.match(text):
        line.kind = "body"
    elif line.words >= 2 and _TERMINAL.search(text) and text[0].isupper():
        line.kind = "short"  # "Only one stayed home." is article text once the body has begun
    elif is_menu_item(text):
        line.kind = "menu"
    elif 3 <= line.words <= 25:
        line.kind = "headline"
    return line


# a media player's notice, also where a page runs it into the line of the clip's caption
PLAYER_NOTICE = re.compile(r"[ \t]*(?:in order to|to) (?:see|watch|play|view) this (?:content|clip|video|media)\b"
                           r"[^.!?\n]{0,100}?\b(?:installed|enabled|turned on)\.", re.IGNORECASE)


def clean_text(text: str) -> Cleaned:
    text = PLAYER_NOTICE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [classify(i, raw) for i, raw in enumerate(text.split("\n"))]
    content = [ln for ln in lines if ln.kind != "blank"]
    _mark_menu_runs(content)
    body_idx = [i for i, ln in enumerate(content) if ln.kind == "body"]
    if not body_idx:
        return Cleaned(text="", header=[ln.text for ln in content])
    start = _body_start(content, body_idx)
    title_line = None
    if start == 0 and _headline_with_period(content):
        title_line = content[0].text
        content[0].kind = "headline"
        start = next((i for i in body_idx if i > 0), 0)
    end = _body_end(content, start, body_idx)
    kept: list[str] = []
    dropped: list[str] = []
    in_related = False
    for i in range(start, end + 1):
        ln = content[i]
        if ln.kind in ("insert", "ui", "menu", "byline"):
            in_related = ln.kind == "ui" and bool(TERMINATOR.match(ln.text.strip()))
            dropped.append(ln.text)
            continue
        if ln.kind == "headline":
            prev_ok = i > start and content[i - 1].kind in ("body", "short", "headline")
            next_ok = i < end and content[i + 1].kind in ("body", "short", "headline")
            # a title-case line between paragraphs is a subheading; a run of them is a list of
            # links; sentence-case lines in a run are the article's own bullet list
            run = (i > start and content[i - 1].kind == "headline") or (i < end and content[i + 1].kind == "headline")
            if in_related or not (prev_ok and next_ok) or (run and is_title_case(ln.text)):
                dropped.append(ln.text)
                continue
        if ln.kind == "body":
            in_related = False
        kept.append(ln.text)
    return Cleaned(
        text="\n\n".join(kept),
        header=[ln.text for ln in content[:start]],
        trailer=[ln.text for ln in content[end + 1:]],
        first_body_line=content[start].text,
        title_line=title_line,
        dropped=dropped + [ln.text for ln in content[:start]] + [ln.text for ln in content[end + 1:]],
    )


def _headline_with_period(content: list[Line]) -> bool:
    """Some scrapes end the headline with a full stop ("Visa Program Up for Renewal."). The first
    line is a headline, not the lede, when it is one short sentence, title-case or at most 16
    words, and a longer paragraph follows it."""
    if len(content) < 3 or content[1].kind in ("menu", "ui", "insert"):
        return False
    first = content[0]
    following = next((ln for ln in content[1:] if ln.kind == "body"), None)
    text = _ABBREVIATION.sub("", first.text.rstrip(".'’\"” ")).strip()
    if following is None or re.search(r"[.!?]\s+[A-Z]", text) or first.words > 25 \
            or following.words <= first.words:
        return False
    return is_title_case(text) or first.words <= 16


_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Jr|Sr|vs|No)\.")


def _mark_menu_runs(content: list[Line]) -> None:
    """Three or more short capitalised lines in a row are a menu, even if one looks like a title."""
    run: list[Line] = []
    for ln in [*content, Line(-1, "", 0, "body")]:
        if ln.kind in ("menu", "ui") or (ln.kind == "headline" and ln.words <= 3):
            run.append(ln)
            continue
        if sum(1 for r in run if r.kind != "ui") >= 3:
            for r in run:
                r.kind = "menu" if r.kind != "ui" else "ui"
        run = []


def _body_start(content: list[Line], body_idx: list[int]) -> int:
    """The first body line that starts a run of article text, not a stray sentence in a header
    (a cookie notice was already classed as UI; an isolated teaser followed by menus is not)."""
    for i in body_idx:
        following = [ln for ln in content[i + 1:i + 4]]
        if not following or any(ln.kind == "body" for ln in following) or content[i].words >= 40:
            return i
    return body_idx[0]


def _body_end(content: list[Line], start: int, body_idx: list[int]) -> int:
    body_seen = 0
    last_body = start
    for i in range(start, len(content)):
        ln = content[i]
        if body_seen >= 2 and COMMENTS_BEGIN.match(ln.text.strip()):
            break
        if ln.kind == "body":
            body_seen += 1
            last_body = i
        elif body_seen >= 2 and ln.kind == "ui" and TERMINATOR.match(ln.text.strip()) \
                and not _more_body_follows(content, i):
            break
    # short closing sentences directly after the last paragraph still belong to the article
    while last_body + 1 < len(content) and content[last_body + 1].kind == "short":
        last_body += 1
    return last_body


def _more_body_follows(content: list[Line], i: int) -> bool:
    """A "Related" box in mid-article is followed by more article paragraphs; one at the end is
    followed by headlines, comments and the footer. Look at the next few lines to tell."""
    window = [ln for ln in content[i + 1:i + 8]]
    if any(TERMINATOR.match(ln.text.strip()) and "comment" in ln.text.lower() for ln in window):
        return False
    bodies = [ln for ln in window if ln.kind == "body"]
    return len(bodies) >= 2 and "comment" not in content[i].text.lower()

