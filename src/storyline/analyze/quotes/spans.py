"""Quotation-mark spans in an article's text, and a quotation interrupted by its cue joined
into one quote with its parts.

Curly or straight double quotes, balanced per paragraph; a quotation across paragraphs is a
quote per paragraph. “A,” she said, “B.” is one quote in two parts; “A,” she said, adding,
“B.” is two: the second part has a cue of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storyline.analyze.quotes.cues import SUBJECT_DEPS, is_cue_word

OPENERS = {"“": "”", "„": "“", "«": "»"}
JOINER = " … "  # between the parts of an interrupted quotation


@dataclass
class QuoteSpan:
    start: int  # first character of the content (after the opening mark)
    end: int  # one past the last content character
    parts: list[tuple[int, int]] = field(default_factory=list)


_TWO_APOSTROPHES = re.compile(r"''")


def normalise_marks(text: str) -> str:
    """The text with '' (two apostrophes, the quotation mark of some news archives) as a double
    quotation mark, at the same offsets: an opening ''X reads ` "X`, a closing X,'' reads `X," `,
    so the content offsets are those of the original text."""
    if "''" not in text:
        return text

    def mark(m: re.Match[str]) -> str:
        i = m.start()
        opening = (i == 0 or text[i - 1] in " \t\n(—–-") and i + 2 < len(text) and not text[i + 2].isspace()
        return ' "' if opening else '" '

    return _TWO_APOSTROPHES.sub(mark, text)


def _closes(text: str, i: int, open_at: int, closer: str, p_end: int) -> bool:
    ch = text[i]
    if ch == closer:
        return True
    if closer == '"' and ch == "”":  # "work-related” -- a straight opening, a curly close
        return True
    if closer == "”" and ch == '"' and text[open_at - 1] != "“":
        return True
    # a typo'd closing mark: “... said it“ followed by a space or punctuation
    return closer == "”" and ch == "“" and not text[i - 1].isspace() \
        and (i + 1 == p_end or text[i + 1] in " ,.;:!?)—―\u00a0")


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Quoted stretches of `text`, each with one part. A quotation never runs past its paragraph:
    one left open at a paragraph's end (the press convention when the next paragraph goes on
    quoting, or a mark the writer forgot) ends there, and the next paragraph's quotation is
    another quote, of the same speaker when nothing says otherwise."""
    spans: list[QuoteSpan] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        p_start, p_end = paragraph.start(), paragraph.end()
        open_at: int | None = None
        closer = ""
        nested = False  # a curly quotation inside a straight one: "... an episode of “Shark Tank.” But ..."
        inner = False  # a straight quotation inside a curly one: “He called it "fake," she said”
        depth = 0  # curly quotations open inside a curly one: “I'd rather live in what he calls “hell” than ...”
        for i in range(p_start, p_end):
            ch = text[i]
            if open_at is not None and closer == "”" and ch == "“" and text[i - 1] in " (" and i + 1 < p_end \
                    and text[i + 1].isalnum() and text.count("”", i, p_end) - text.count("“", i + 1, p_end) >= 2:
                depth += 1  # the paragraph closes this one and the outer one after it
                continue
            if depth and ch == "”":
                depth -= 1
                continue
            if open_at is not None and closer == '"' and ch in "“”" and (nested or ch == "“"):
                nested = ch == "“"
                continue
            if open_at is not None and closer == "”" and ch == '"' and text[open_at - 1] == "“":
                if inner or (text[i - 1].isspace() or text[i - 1] in "(—–") and i + 1 < p_end and text[i + 1].isalnum():
                    inner = not inner
                    continue
                if not text[i - 1].isspace():  # “Immunity deals should not be a requirement ...," Chaffetz said
                    spans.append(QuoteSpan(open_at, i))
                    open_at = None
                continue
            if open_at is None:
                if ch in OPENERS:
                    open_at, closer = i + 1, OPENERS[ch]
                elif ch == '"':
                    open_at, closer = i + 1, '"'
                elif ch == "”" and (i == p_start or text[i - 1] in " \t(—–-:\u00a0") and i + 1 < p_end \
                        and text[i + 1].isalnum():
                    open_at, closer = i + 1, "”"  # a typo'd opening mark: ”Fear. I am truly afraid...”
            elif _closes(text, i, open_at, closer, p_end):
                if i > open_at:
                    spans.append(QuoteSpan(open_at, i))
                open_at = None
        if open_at is not None:
            end = open_at + len(text[open_at:p_end].rstrip())
            if end - open_at > 1:
                spans.append(QuoteSpan(open_at, end))
    for span in spans:
        span.parts = [(span.start, span.end)]
    return spans


def merge_interrupted(spans: list[QuoteSpan], doc: Doc, text: str) -> list[QuoteSpan]:
    """“We will,” he said, “meet again.” is one quotation around its cue, however long the
    speaker's description between the two parts, as long as they share a paragraph, the first
    part ends on a comma (or a question or exclamation mark) and a cue stands between them; “A,”
    he said, adding, “B.” and “A,” he said, and added: “B.” are two quotes, the second with its
    own cue."""
    out: list[QuoteSpan] = []
    for span in spans:
        if out:
            prev = out[-1]
            between = text[prev.end:span.start]
            first = text[prev.parts[-1][0]:prev.parts[-1][1]].rstrip().rstrip("’'")
            words = doc.char_span(prev.end + 1, span.start - 1, alignment_mode="contract")
            cues = [t for t in words if is_cue_word(t)] if words is not None else []
            if "\n" not in between and first.endswith((",", "?", "!")) and cues and len(words) <= 50 \
                    and not _second_cue(cues, words) and _starts_statement(text, span) \
                    and not _reported_before(doc, text, prev) and not _own_cue(doc, text, span):
                prev.parts.append((span.start, span.end))
                prev.end = span.end
                continue
        out.append(span)
    return out


def _second_cue(cues: list[Token], words: Span) -> bool:
    """“A,” he said, adding (later), “B.”: a cue after the first that introduces the second part
    itself, with at most an adverb between it and the quotation, not one with an object of its
    own ("said Ellis, referring to the plan, “B.”")."""
    last = cues[-1]
    if last.pos_ != "VERB" or last.i == cues[0].i and last.tag_ != "VBG":
        # a name, not a verb ("said Ines Ford, an analyst at the Harbour Report. “B.”"), or the
        # first part's own cue ("“A,” he said, “B.”"); a lone participle introduces the second
        # part ("“A,” Blom sings before asking them, “B?”")
        return False
    if last.dep_ in ("relcl", "acl", "advcl") and any(c.dep_ in SUBJECT_DEPS for c in last.children):
        return False  # someone else's verb in the description: "..., where the author Lisa Kent also spoke."
    rest = [t for t in words if t.i > last.i and not t.is_punct]
    # at most an adverb, or whom it is said to: "before asking her, “B”", "telling reporters, “B”"
    return len(rest) <= 2 and all(t.pos_ == "ADV" or t.head.i == last.i and t.dep_ in ("dobj", "dative")
                                  and t.pos_ in ("PRON", "PROPN") for t in rest)


_SENTENCE_END = re.compile(r"[.!?][\"”’]?\s+(?=[\"“A-Z])")


def _reported_before(doc: Doc, text: str, span: QuoteSpan) -> bool:
    """“Moreno said she felt the law was worth examining because “most people do not know,” she
    said. “We have no context.”: a first part embedded in a clause an earlier cue of its sentence
    reports is a mixed quotation of its own, and the next part is another quote. An embedded first
    part with no cue before it ("Both parties “saw Burma as reeling,” said Cha. “B.”") still opens
    the statement its cue interrupts."""
    if _starts_statement(text, span):
        return False
    # the sentence so far, by its punctuation: the parser's sentences break at "the 13th Amendment"
    paragraph = text.rfind("\n", 0, span.start) + 1
    opening = max([paragraph, *(m.end() for m in _SENTENCE_END.finditer(text, paragraph, span.start))])
    words = doc.char_span(opening, span.start - 1, alignment_mode="contract")
    return words is not None and any(is_cue_word(t) and t.pos_ == "VERB" for t in words)


def _own_cue(doc: Doc, text: str, span: QuoteSpan) -> bool:
    """“Friends need trust,” Moon replied: a second part with a cue of its own is another quote,
    also when the cue comes later in its sentence, after the reporter's words (“We pushed every
    crew” to finish the walls, she said)."""
    after = text[span.end + 1:span.end + 60].split("\n")[0]
    if not re.match(r"^\s*[,—–-]", after) and not re.match(r"^\s+[A-Za-z]", after):
        return False
    rest = _rest_of_sentence(doc, text, span)
    if any(is_cue_word(t) for t in rest[:6]):
        return True
    return any(is_cue_word(t) and t.pos_ == "VERB" and any(
        c.dep_ == "nsubj" and c.pos_ in ("PRON", "PROPN") and c.idx > span.end for c in t.children) for t in rest)


def _rest_of_sentence(doc: Doc, text: str, span: QuoteSpan) -> list[Token]:
    """The reporter's words after a quotation, up to its sentence's end, its line's end or the
    next quotation mark, at most 30 tokens."""
    line_end = text.find("\n", span.end)
    words = doc.char_span(span.end + 1, line_end if line_end != -1 else len(text), alignment_mode="contract")
    out: list[Token] = []
    for t in words if words is not None else []:
        if t.text in OPENERS or t.text in ('"', "”") or t.is_sent_start or len(out) == 30:
            break
        out.append(t)
    return out


def _starts_statement(text: str, span: QuoteSpan) -> bool:
    """The part opens a statement: the sentence, the words after a comma or a colon, or after
    the cue's ", but" (the speaker going on); not a fragment the reporter embeds ("..., he
    said, calling it a “hoax”", "worth examining because “most people don't know,” she said"),
    which is a quote of its own."""
    before = text[:span.start - 1].rstrip(" \t\u00a0")
    if re.search(r",[ \u00a0]+(?:but|and)$", before):
        return True  # “I love Larry,” he said, but “when it comes to energy, ...”
    return (not before or before.endswith((",", ".", ":", "—", "–", "?", "!", "\n"))) \
        and not re.search(r"\b(?:as|a|an|the|called|calling)$", before)


# "PENCE: Well, look, ..." -- a transcript's speaker label opening a quoted paragraph: one to four
# capitalised words (a title may end with a full stop) and a colon
_LEAD_IN = re.compile(r"([A-Z][\w.’'-]*(?:[ \u00a0][A-Z][\w.’'-]*){0,3}):[ \u00a0]+(?=\S)")


def lead_in(text: str, span: QuoteSpan) -> tuple[int, int, int] | None:
    """(start, end) of the speaker label a quotation opens with, as in a transcript ("WALLACE:
    Let's start ...", "Gov. Pence: Well, ..."), and where the speaker's words begin; None when
    the quotation opens otherwise. Whether the label names someone is the speakers' business."""
    m = _LEAD_IN.match(text, span.start)
    if m is None or m.end() >= span.end:
        return None
    return m.start(1), m.end(1), m.end()


def joined(text: str, span: QuoteSpan) -> str:
    """The quote's words as printed: each part verbatim (whitespace folded), the parts of an
    interrupted quotation joined by an ellipsis; the comma that closed a part before its cue
    is the reporter's punctuation, not the speaker's, and goes."""
    parts = [" ".join(text[s:e].split()) for s, e in span.parts]
    return JOINER.join(p.rstrip(",") if i < len(parts) - 1 else p for i, p in enumerate(parts)).strip()


def title_case(words: str) -> bool:
    """“The Art of the Deal”, “Subscribe”: every longer word capitalised, as in a title or a label."""
    return all(w[:1].isupper() for w in re.findall(r"[A-Za-z][\w'’]*", words) if len(w) > 3)


def kind(text: str, span: QuoteSpan, before: str, words: int) -> str:
    """`direct` for a whole statement in quotation marks, `partial` for a fragment inside the
    reporter's sentence (and for a title, “Make Your Kid a Millionaire,”, which is no statement)."""
    inner = text[span.start:span.end].strip()
    if words <= 8 and len(span.parts) == 1 and title_case(inner) and len(re.findall(r"[A-Za-z]{4,}", inner)) >= 3:
        return "partial"  # not “Brilliant.” or “Today is D-Day,”: a title has three capitalised words or more
    lead = before.rstrip()
    if re.search(r"\bthat,?$", lead):
        return "partial"  # "said that, “Of course ...”": a quotation inside the reported clause
    standalone = not lead or lead.endswith((",", ":", "—", "–", ".", "?", "!")) or len(span.parts) > 1
    ends_like_speech = bool(re.search(r"[.,!?…—-]$", inner))
    if not ends_like_speech and re.match(r"[’'\"”]*\s+(?:to|for|in|of|on|at|from|with|as|and|but|because)\b",
                                         text[span.end + 1:span.end + 30]):
        return "partial"  # “We pushed every crew to the limit” to finish the walls: the sentence goes on
    if standalone and (ends_like_speech or words >= 6):
        return "direct"
    if words >= 8 and ends_like_speech and inner[:1].isupper():
        return "direct"
    return "partial"
