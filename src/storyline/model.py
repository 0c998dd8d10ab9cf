"""The plain records that flow from one pipeline stage to the next.

ingest -> RawDocument; extract -> Article; analyze -> AnalyzedArticle; corpus works on
those; store persists them; views read the store. Records are dataclasses so they pickle
across worker processes and serialise to the dossier without a mapping layer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field


@dataclass
class RawDocument:
    """One document as found: the bytes decoded, plus whatever metadata the container gave."""

    source: str  # the path or URL as given; the dossier's `source`
    kind: str  # html | text | jsonl | warc | rss
    origin: str  # the file it was read from (differs from source for JSONL/WARC/RSS items)
    html: str | None = None
    text: str | None = None
    hints: dict[str, str | None] = field(default_factory=dict)  # title/author/outlet/published/url
    raw_hash: str = ""  # hash of the decoded input, to skip unchanged sources on re-runs


@dataclass
class Skipped:
    """An input that could not become an article, with the reason a user can act on."""

    source: str
    reason: str


@dataclass
class Failed(Skipped):
    """An input that broke a stage (an exception, a hang, a crashed worker).

    Unlike a plain skip it is remembered by (source, raw_hash) in the store, so a re-run passes
    over it at once instead of hanging or crashing on it again (`--retry-failed` tries again).
    """

    stage: str = ""  # ingest | extract | nlp | actors | quotes | signature | worker
    raw_hash: str = ""


@dataclass
class Article:
    """A cleaned article with its metadata; `provenance` says where each field came from."""

    source: str
    kind: str
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    raw_hash: str = ""
    # ISO 639-1 code from extract/language.py, "und" when it cannot be told; None: never detected
    language: str | None = None

    @property
    def id(self) -> str:
        return article_id(self.text)


@dataclass
class Mention:
    """One entity mention in an article, tied to the sentence it sits in."""

    text: str
    label: str  # spaCy label (PERSON, ORG, GPE, LOC, NORP, FAC)
    start: int
    end: int
    sentence: int
    actor_key: str = ""


@dataclass
class ArticleActor:
    """An actor as seen inside one article: its mentions merged to one name."""

    key: str  # normalized canonical name, the join key across articles
    name: str
    kind: str  # person | organization | country | place
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    roles: list[str] = field(default_factory=list)  # "US President", "chairman of the Suez Canal Authority"


# a speaker that is a group no actor stands for ("Republicans", "Police"): its key is this prefix
# and the words as written, and the corpus stage names the speaker by those words, with no actor id
GROUP_SPEAKER = "group:"


def group_name(key: str | None) -> str | None:
    """The words a group speaker's key holds ("group:Senate Democrats" -> "Senate Democrats")."""
    return key[len(GROUP_SPEAKER):] if key and key.startswith(GROUP_SPEAKER) else None


@dataclass
class Quote:
    """A quotation or reported statement in one article; offsets index the article's text."""

    text: str
    start: int
    end: int
    kind: str  # direct | partial | indirect
    cue: str | None
    # the article actor's key (or a GROUP_SPEAKER key); the corpus stage maps it to the canonical actor
    speaker_key: str | None
    sentence: int
    mentions: list[str] = field(default_factory=list)  # actor keys the quote speaks of
    # (start, end) of each part: two for “A,” she said, “B.” and for "A, he said, B." (text joins
    # them with " … "), else one
    parts: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Sentence:
    start: int
    end: int


@dataclass
class EventMention:
    """A happening named in one sentence of one article: what kind, who, where and when.

    The corpus stage merges the mentions of one real event across sentences and articles into
    one timeline event; here nothing is known beyond this article."""

    sentence: int  # index into the article's sentences
    kind: str  # meeting | summit | talks | visit | call | letter | threat | insult | agreement | test | attack | ...
    trigger: str  # the words that name the happening, as written ("met", "the Singapore summit")
    start: int  # the trigger's offsets in the article's text
    end: int
    actors: list[str] = field(default_factory=list)  # article actor keys (Mention.actor_key)
    place: str | None = None  # as written in the sentence ("Singapore")
    date: str | None = None  # normalised: YYYY | YYYY-MM | YYYY-MM-DD; None when unresolvable
    date_text: str | None = None  # the words the date came from ("last June", "on Friday")


@dataclass
class ClaimMention:
    """A figure stated in one sentence of one article ("28,500 troops", "$9.6 billion a day")."""

    sentence: int
    text: str  # the figure as written, with its unit words
    start: int  # offsets of `text` in the article's text
    end: int
    value: float  # the number itself: "28,500" -> 28500, "$9.6 billion" -> 9600000000, "three times" -> 3
    unit: str | None = None  # normalised: USD | EUR | GBP | percent | metres | people | troops | times | ...
    subject: str | None = None  # folded words saying what is counted ("us troops south korea")


# AnalyzedArticle.analysis (articles.analysis): what analyze/stages.py ran on an article
ANALYSIS_FULL = "full"  # every stage, with the English pipeline
ANALYSIS_NO_EVENTS = "actors, quotes, terms"  # another language's pipeline: the event and figure rules are English
ANALYSIS_TERMS = "terms only"  # a language without a pipeline: clustered and searchable, no actors or quotes


@dataclass
class AnalyzedArticle:
    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    actors: list[ArticleActor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
    claims: list[ClaimMention] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)  # key terms and their counts: the story profile's input
    analysis: str | None = None  # ANALYSIS_*: every stage, or fewer for a language without the English pipeline

    @property
    def id(self) -> str:
        return self.article.id


def normalize_for_hash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def article_id(text: str) -> str:
    """Stable id from the cleaned content, so the same article from a re-run is recognised."""
    return hashlib.sha1(normalize_for_hash(text).encode("utf-8")).hexdigest()[:16]


def content_hash(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha1(data).hexdigest()
