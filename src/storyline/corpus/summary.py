"""Extractive summaries of a story or a storyline: a few of its own sentences, verbatim.

Extractive rather than generated, so every line of a summary can be traced to the article it was
written in (the dossier is source-attributed; a paraphrase would not be). A sentence is chosen for
being central (the rest of the coverage says the same thing in other words) and for adding
something the chosen ones do not say (maximal marginal relevance).

Centrality is degree centrality over TF-IDF cosine similarity, but the votes are counted per
*original*: a sentence's score is, for every group of near-copies other than its own, how close
the group's closest sentence comes to it. Ten syndicated copies of one wire story then weigh as
one article, while ten outlets writing the same fact in their own words weigh as ten. With a
single group (one article and its copies) there is no other coverage to vote, and the sentence's
mean similarity to the rest of its own article decides.

Bounded for a large storyline (tens of thousands of sentences): only the leading sentences of
each article are considered, position-major (every article's first usable sentence, then every
second...), up to MAX_CANDIDATES. News puts its substance first, so the lead bias this brings is
wanted, and it keeps the similarity matrix at a fixed size whatever the input.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_CANDIDATES = 1500  # the similarity matrix is this squared: 18 MB of float64 at the cap
MAX_CHECKED = 10_000  # fitness tests (~25 µs each) before giving up on finding more candidates
MIN_WORDS, MAX_WORDS = 7, 60
MIN_CHARS, MAX_CHARS = 40, 420
LAMBDA = 0.7  # MMR: centrality against novelty
SIMILARITY_CAP = 0.5  # a candidate this close to a chosen sentence says the same thing again
NEAR_SAME = 0.9  # ... and this close, it is the same sentence lightly edited: not even to reach k_min
LEAD_WEIGHT = 0.25  # a small bonus for early sentences, decaying with the index
WITHIN_WEIGHT = 0.25  # how much a sentence's own article counts next to the other coverage


@dataclass
class SentenceRef:
    """A sentence of one article, as the summary quotes it."""

    article_id: str
    original_id: str  # near-duplicate original (own id when none): near-copies count once
    index: int  # sentence index within its article
    text: str  # verbatim
    published: str | None


def article_sentences(article_id: str, text: str, spans: Sequence[tuple[int, int]], published: str | None = None,
                      original_id: str | None = None, limit: int | None = None) -> list[SentenceRef]:
    """The SentenceRefs of one article from its sentence offsets (`AnalyzedArticle.sentences` as
    (start, end) pairs); `limit` keeps the first ones only, which is all `summarize` reads of a
    long article anyway."""
    chosen = spans if limit is None else spans[:max(limit, 0)]
    return [SentenceRef(article_id, original_id or article_id, i, text[start:end], published)
            for i, (start, end) in enumerate(chosen)]


# words a sentence cannot open with and still make sense without the sentence before it
_NEEDS_CONTEXT = set(
    "he she it they we i you him her them us me his its their our my your hers theirs ours "
    "this that these those such and but or nor so yet also however meanwhile nevertheless nonetheless "
    "still then thus hence instead moreover furthermore besides otherwise accordingly consequently "
    "therefore anyway indeed later earlier afterwards here both either neither another".split())
# "This week ..." opens a news lead as often as "This is ..." leans on the sentence before
_TIME_NOUNS = set("week month year morning afternoon evening night weekend spring summer autumn fall winter "
                  "season decade century time".split())
_LINK = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.uk)\b|@\w|©")
# page furniture, matched as whole words on the sentence's words joined by single spaces: a
# regex of these alternatives cost 60 µs a sentence, most of a 20k-sentence run
_FURNITURE = tuple(f" {p} " for p in (
    "all rights reserved", "click here", "subscribe", "newsletter", "sign up", "read more", "follow us",
    "cookie", "cookies", "advertisement", "terms of use", "privacy policy", "contributed to this report",
    "this story has been updated", "this story was updated", "this article has been updated",
    "this article was updated", "this story has been corrected", "this article has been corrected"))
_CAPTION = ("photo:", "photograph:", "image:", "caption:", "file photo")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]")
_OPEN_QUOTES = "\"“‘'«„"
_END = re.compile(r"[.!][\"'”’»)\]]*$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_FIRST_WORDS = re.compile(r"[^\W\d_]+")

STOPWORDS = set(
    "a an the and or but nor so yet of in on at to for from by with without about against between into through "
    "during before after above below up down out off over under again further then once here there when where why "
    "how all any both each few more most other some such no not only own same than too very can will just should "
    "would could might must shall may is are was were be been being have has had having do does did doing said says "
    "say told also as if while because until that this these those it its he she they them his her their we our "
    "you your i me my who whom whose which what s t".split())


def fit_for_summary(text: str) -> bool:
    """Whether a sentence can stand alone in a summary: a complete statement of a readable
    length, not a question, not leaning on the sentence before it, not mostly a quotation, and
    not page furniture (links, bylines, newsletter pitches)."""
    line = text.strip()
    if not (MIN_CHARS <= len(line) <= MAX_CHARS) or "\n" in line:
        return False  # a newline inside a sentence glues a headline or caption to the text
    words = _WORD.findall(line)
    if not (MIN_WORDS <= len(words) <= MAX_WORDS):
        return False
    if line.rstrip("\"'”’»)] ").endswith("?") or not _END.search(line):
        return False
    if line[0] in _OPEN_QUOTES or not (line[0].isupper() or line[0].isdigit()):
        return False  # a quotation's own words, or a fragment cut mid-sentence
    first = [w.lower() for w in _FIRST_WORDS.findall(line[:60])[:2]]
    timely = len(first) == 2 and first[0] in ("this", "that") and first[1] in _TIME_NOUNS
    if first and first[0] in _NEEDS_CONTEXT and not timely:
        return False
    if line.count('"') % 2 or line.count("“") != line.count("”"):
        return False  # a quotation opened in another sentence
    quoted = sum(len(m) for m in _QUOTED.findall(line))
    if quoted > 0.6 * len(line):
        return False
    if sum(map(str.isupper, line)) > 0.5 * sum(map(str.isalpha, line)):
        return False  # SHOUTED headlines and tickers
    low = line.lower()
    spaced = " " + " ".join(words).lower() + " "
    return not (_LINK.search(low) or any(p in spaced for p in _FURNITURE) or any(c in low for c in _CAPTION))


def _terms(text: str) -> list[str]:
    """Content words, folded, with a plural -s cut so "talks" meets "talk"."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 2 or word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of the sentences' TF-IDF vectors. The norms are taken over every term,
    but only terms in two or more sentences get a column: a term in one sentence adds nothing to
    any dot product, and dropping it keeps the dense matrix narrow."""
    bags = [Counter(_terms(t)) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(texts)
    shared = {term: col for col, term in enumerate(sorted(t for t, c in df.items() if c >= 2))}
    matrix = np.zeros((n, max(len(shared), 1)), dtype=np.float64)
    for row, bag in enumerate(bags):
        weights = {t: (1.0 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1.0) for t, c in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if norm == 0:
            continue
        for term, weight in weights.items():
            col = shared.get(term)
            if col is not None:
                matrix[row, col] = weight / norm
    sim = matrix @ matrix.T
    np.fill_diagonal(sim, 0.0)
    return sim


def _chronological(sentences: list[SentenceRef]) -> list[int]:
    """Positions of `sentences` by date (undated last), then the order in which their article
    first appears in the input, then sentence index: the order a summary is read in."""
    article_order: dict[str, int] = {}
    for ref in sentences:
        article_order.setdefault(ref.article_id, len(article_order))
    return sorted(range(len(sentences)), key=lambda i: (
        sentences[i].published is None, sentences[i].published or "", article_order[sentences[i].article_id],
        sentences[i].index, i))


def _candidates(sentences: list[SentenceRef], order: list[int]) -> list[int]:
    """The sentences worth scoring, at most MAX_CANDIDATES, in reading order: round by round,
    each article's next fit sentence (its n-th fit one, not its n-th: a preamble of unfit lines
    does not push an article's substance out). Lazy, so a big storyline costs the fitness test
    of about MAX_CANDIDATES sentences, not of all of them, and never more than MAX_CHECKED (a
    storyline of mostly page furniture is cut short rather than scanned to the end). Each wording is scored once, as its
    earliest sentence met, so a copy's sentence is quoted from its original."""
    reading = {i: r for r, i in enumerate(order)}
    by_article: dict[str, list[int]] = {}
    for i in order:
        by_article.setdefault(sentences[i].article_id, []).append(i)
    queues = [(queue, [0]) for queue in by_article.values()]
    slot: dict[str, int] = {}
    fit: list[int] = []
    checked = 0
    while queues and len(fit) < MAX_CANDIDATES and checked < MAX_CHECKED:
        remaining = []
        for queue, at in queues:
            while at[0] < len(queue) and checked < MAX_CHECKED:
                i = queue[at[0]]
                at[0] += 1
                checked += 1
                if not fit_for_summary(sentences[i].text):
                    continue
                key = " ".join(sentences[i].text.split()).casefold()
                if key not in slot:
                    slot[key] = len(fit)
                    fit.append(i)
                    break
                if reading[i] < reading[fit[slot[key]]]:
                    fit[slot[key]] = i
            if at[0] < len(queue):
                remaining.append((queue, at))
            if len(fit) >= MAX_CANDIDATES:
                break
        queues = remaining
    return sorted(fit, key=reading.__getitem__)


def _scores(refs: list[SentenceRef], sim: np.ndarray) -> np.ndarray:
    """Centrality per sentence: the other near-copy groups' votes (each the group's best
    match), plus a smaller share of the sentence's own article, plus a decaying lead bonus."""
    n = len(refs)
    groups = sorted({r.original_id for r in refs})
    number = {g: k for k, g in enumerate(groups)}
    group_of = np.array([number[r.original_id] for r in refs])
    cross = np.zeros(n)
    if len(groups) > 1:
        perm = np.argsort(group_of, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(group_of[perm]) != 0])
        best = np.maximum.reduceat(sim[:, perm], starts, axis=1)  # n x groups
        best[np.arange(n), group_of] = 0.0
        cross = best.sum(axis=1) / (len(groups) - 1)
    articles = np.array([r.article_id for r in refs])
    within = np.zeros(n)
    for article in dict.fromkeys(articles.tolist()):
        rows = np.flatnonzero(articles == article)
        if len(rows) > 1:
            within[rows] = sim[np.ix_(rows, rows)].sum(axis=1) / (len(rows) - 1)
    lead = np.array([1.0 + LEAD_WEIGHT / (1.0 + r.index) for r in refs])
    # rounded so BLAS summation order cannot flip a tie between two runs
    return np.round((cross + WITHIN_WEIGHT * within) * lead, 9)


def summary_size(groups: int, k_min: int = 3, k_max: int = 7) -> int:
    """More independent coverage, a longer summary: k_min for one article, one more sentence
    each time the number of near-copy groups doubles, up to k_max."""
    return max(k_min, min(k_max, k_min + int(math.log2(max(groups, 1)))))


def summarize(sentences: list[SentenceRef], k_min: int = 3, k_max: int = 7) -> list[SentenceRef]:
    """The summary: between k_min and k_max of the given SentenceRef objects themselves (text
    untouched), chronological (published, undated last; then article order; then index).
    Fewer when fewer are fit to stand alone; the same input gives the same output."""
    if not sentences or k_max <= 0:
        return []
    order = _chronological(sentences)
    reading = {i: r for r, i in enumerate(order)}
    picks = _candidates(sentences, order)
    if not picks:
        return []
    refs = [sentences[i] for i in picks]
    k = min(summary_size(len({r.original_id for r in refs}), k_min, k_max), len(refs))
    sim = _similarity([r.text for r in refs])
    score = _scores(refs, sim)
    top = score.max()
    relevance = score / top if top > 0 else np.zeros(len(refs))
    selected: list[int] = []
    closest = np.zeros(len(refs))  # each candidate's highest similarity to a selected sentence
    unchosen = np.ones(len(refs), dtype=bool)
    for cap, upto in ((SIMILARITY_CAP, k), (NEAR_SAME, min(k_min, k))):
        # the cap is eased only to reach k_min: a story told in one vocabulary still gets its
        # k_min sentences, the least alike of them
        while len(selected) < upto:
            available = unchosen & (closest < cap)
            if not available.any():
                break
            mmr = np.where(available, LAMBDA * relevance - (1 - LAMBDA) * closest, -np.inf)
            best = int(np.argmax(mmr))  # the first of equals: candidates are in reading order
            selected.append(best)
            unchosen[best] = False
            closest = np.maximum(closest, sim[best])
    return [refs[j] for j in sorted(selected, key=lambda j: reading[picks[j]])]
