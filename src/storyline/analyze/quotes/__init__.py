"""Quotations in one article, attributed to a speaker with the dependency parse.

Kinds: `direct` (a whole statement in quotation marks, also across sentences and around a
mid-quote cue; one per paragraph of a quotation running over several), `partial` (a quoted
fragment inside the reporter's sentence, kept when someone says or writes it; its text is the
clause it is reported in, that of the outermost speaker who reports it), `indirect` (reported
speech: a cue's clause, object or infinitive by the lexicon's frames, or "according to X, ...";
in two parts when its cue interrupts it).

The three jobs live apart: `spans` finds the quotation marks and joins a quotation around its
cue, `cues` decides what is a cue (one lexicon, by lemma and dependency), `speakers` turns the
cue's subject into an actor. The speaker is found, in order, from: a transcript's speaker label
("PENCE: ..."); a signature after a dash; the cue's subject in the quote's own sentence; a colon
introduction or a cue in the sentence before; the speaker of the quote just before (a quote
running on); a pronoun or title. When none applies it is None.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

from spacy.tokens import Doc, Span, Token

from storyline.analyze.nlp import doc_text
from storyline.analyze.quotes.cues import (
    SUBJECT_DEPS,
    according_to,
    cue_in,
    cue_of,
    fragment_cues,
    further_cue,
    inside,
    is_cue_word,
    reported_clause,
    says_clause,
    statement,
    subject,
    subordinate,
)
from storyline.analyze.quotes.spans import (
    JOINER,
    OPENERS,
    find_quote_spans,
    joined,
    kind,
    lead_in,
    merge_interrupted,
    normalise_marks,
    title_case,
)
from storyline.analyze.quotes.speakers import Resolver, from_context
from storyline.model import Mention, Quote

__all__ = ["extract_quotes", "find_quote_spans"]

# a fragment's closing mark, with the punctuation before it: ... "like candy."
_CLOSING = re.compile(r"[.,!?]?[\"”]")
# “...” ― Esther Tapia: a signature after a dash at the end of the quote
_DASH_SPEAKER = re.compile(r"[ \u00a0]*[―—–-]{1,2}[ \u00a0]*([A-Z][\w.’'-]*(?:[ \u00a0]+[A-Z][\w.’'-]*){0,4})")


def _inside_any(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    """`inside` for many positions against one span list (every token of a frame): a bisect
    over the spans by start, with the furthest end reached so far, instead of a scan per token."""
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach = list(accumulate((e for _, e in ordered), max))

    def inside_(idx: int) -> bool:
        i = bisect_right(starts, idx)
        return i > 0 and reach[i - 1] > idx

    return inside_


def extract_quotes(doc: Doc, mentions: list[Mention], roles: dict[str, list[str]]) -> list[Quote]:
    text = normalise_marks(doc_text(doc))
    resolver = Resolver(doc, mentions, roles, text)
    raw = find_quote_spans(text)
    content = [(s.start, s.end) for s in raw]
    quoted = _inside_any(content)
    sentences = resolver.sentences

    def sentence_index(pos: int) -> int:
        return max(0, bisect_right(resolver.sentence_starts, pos) - 1)

    def frame_tokens(first: int, last: int) -> list[Token]:
        tokens = [t for s in sentences[first:last + 1] for t in s]
        return [t for t in tokens if not quoted(t.idx) and not t.is_punct]

    quotes: list[Quote] = []
    partial_spans: list[tuple[int, int]] = []
    labels: list[tuple[int, int]] = []  # quoted words nobody said (scare quotes, titles)
    last_speaker: tuple[int, str | None] = (-10, None)  # (sentence index, key) of the latest direct quote

    for span in merge_interrupted(raw, doc, text):
        label = lead_in(text, span)
        label_key = resolver.by_label(label[0], label[1]) if label is not None else None
        if label is not None and label_key is not None:
            # "WALLACE: Let's start ...": the transcript's label is the speaker, not their words
            span.start, span.parts[0] = label[2], (label[2], span.parts[0][1])
        q_start, q_end = span.start, span.end
        words = len(re.findall(r"\w+", text[q_start:q_end]))
        s_first, s_last = sentence_index(q_start), sentence_index(max(q_start, q_end - 1))
        before = text[sentences[s_first].start_char:q_start - 1]
        q_kind = kind(text, span, before, words)
        if q_kind == "direct" and len(span.parts) == 1 and s_first == s_last and subordinate(doc, q_start, q_end):
            q_kind = "partial"
        if q_kind == "partial":
            cues = fragment_cues(doc, q_start, q_end, words)
            if not cues:
                labels.append((q_start, q_end))
                continue  # a scare quote, a title or a label: not something anyone said
            cue = _reporting_cue(cues, resolver, content, q_start)
        else:
            cue = _direct_cue(sentences, s_first, s_last, frame_tokens(s_first, s_last), text, q_end, content, quoted)
        key: str | None = None
        cue_text = cue.text if cue is not None else None
        dash = _DASH_SPEAKER.match(text, q_end + 1)
        if dash and q_kind == "direct":
            found = resolver.mention_at(dash.start(1), dash.end(1))
            if found is not None and found.actor_key.startswith("person:"):
                key, cue_text, cue = found.actor_key, "―", None
        if label_key is not None and q_kind == "direct":
            key, cue_text, cue = label_key, ":", None
        if q_kind == "direct" and words <= 2 and len(span.parts) == 1 and key is None \
                and (cue is None or not sentences[s_first].start <= cue.i < sentences[s_last].end):
            # “Politicking.” after "on his show,": a name or a title that no signature, label or cue
            # of its sentence gives a speaker
            labels.append((q_start, q_end))
            continue
        if cue is not None:
            key = _speaker(resolver, cue, content)
        if key is None and q_kind == "direct" and cue is None:
            key, cue_text = from_context(sentences, s_first, resolver, content, last_speaker)
        elif key is None and cue is not None and subject(cue, content) is None and cue.i == sentences[s_first].start:
            # a sentence that opens on its verb ("Praised Trump as ...") lost its subject to a
            # stray full stop: the subject is the previous sentence's
            key, _ = from_context(sentences, s_first, resolver, content, last_speaker)
        if q_kind == "direct":
            last_speaker = (s_last, key)
        quote_text, t_start, t_end, parts = joined(text, span), q_start, q_end, list(span.parts)
        if q_kind == "partial" and cue is not None:
            # a mixed quotation: the statement is the reported clause the fragment sits in
            clause = reported_clause(doc, text, cue, q_start, q_end)
            if clause is not None:
                if any(c[0] < clause[1] and clause[0] < c[1] for c in partial_spans):
                    continue  # the same clause, already taken with its first fragment
                t_start, t_end = clause
                parts = _around(text, clause, cue)
                quote_text = JOINER.join(" ".join(text[s:e].split()) for s, e in parts)
                partial_spans.append(clause)
        quotes.append(Quote(text=quote_text, start=t_start, end=t_end, kind=q_kind, cue=cue_text,
                            speaker_key=key, sentence=s_first, parts=parts,
                            mentions=_mentioned(resolver, t_start, t_end, key)))

    taken = [(q.start, q.end) for q in quotes if q.kind == "partial"]
    direct_starts = {q.start: q.end for q in quotes if q.kind == "direct"}
    # in a reported clause a quoted fragment is the speaker's words, unless it is a title ("The Art of the Deal")
    said = [c for c in content if c not in labels or not title_case(text[c[0]:c[1]])]
    quotes.extend(q for q in _indirect(doc, sentences, resolver, content, direct_starts, said)
                  if not any(s < q.end and q.start < e for s, e in taken))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _around(text: str, clause: tuple[int, int], cue: Token) -> list[tuple[int, int]]:
    """The clause's parts: one, or two around a cue set off inside it ("the weapons his country
    has, he added, are like “...”" -> "the weapons his country has … are like “...”")."""
    s, e = clause
    own = list(cue.subtree)
    left, right = own[0].idx, own[-1].idx + len(own[-1])
    if not s < left < right < e:
        return [clause]
    before = text[s:left].rstrip(" ,—–-\u00a0")
    after_start = right + len(text[right:e]) - len(text[right:e].lstrip(" ,—–-\u00a0"))
    if not before or after_start >= e:
        return [clause]
    return [(s, s + len(before)), (after_start, e)]


def _reporting_cue(cues: list[Token], resolver: Resolver, content: list[tuple[int, int]], start: int) -> Token:
    """Of a fragment's cues (the nearest first), the outermost whose speaker is known: the fragment
    is reported in that speaker's clause ("Obama said most people believe “...”", "Trump said
    Clinton once described the pact as “the gold standard”" are Obama's and Trump's statements).
    The search stops at a cue that reports a statement of its own: a speaker's further cue
    ("..., adding that “...”", "... and urged X to “...”"), a cue in a relative clause ("a halt to
    the drills, which he described as “...”"), and a speech verb whose clause holds the fragment
    ("Kim said Moon replied that the two sides should “create the conditions”" is Moon's)."""
    chosen = None
    for cue in cues:
        if _speaker(resolver, cue, content):
            chosen = cue
            if further_cue(cue) or cue.dep_ in ("relcl", "acl") or says_clause(cue, start):
                break
    return chosen if chosen is not None else cues[0]


def _speaker(resolver: Resolver, cue: Token, content: list[tuple[int, int]]) -> str | None:
    who = subject(cue, content)
    return resolver.resolve(who, content) if who is not None and not inside(who.idx, content) else None


def _direct_cue(sentences: list[Span], s_first: int, s_last: int, frame: list[Token], text: str, q_end: int,
                content: list[tuple[int, int]], quoted: Callable[[int], bool]) -> Token | None:
    """The cue of a whole quotation: in its own sentences, or -- “...?” Vitter demanded. -- in
    the next sentence on the same line, where the parser often starts one after the closing mark."""
    cue = cue_in(frame, content)
    after = text[q_end + 1:q_end + 3]
    if s_last + 1 < len(sentences) and after[:1] == " " and after[1:2] not in ("“", '"') \
            and (cue is None or subject(cue, content) is None):
        following = [t for t in sentences[s_last + 1] if not quoted(t.idx) and not t.is_punct]
        trailing = cue_in(following[:12], content)
        if trailing is not None and subject(trailing, content) is not None:
            return trailing
    return cue


def _indirect(doc: Doc, sentences: list[Span], resolver: Resolver, content: list[tuple[int, int]],
              direct_starts: dict[int, int], said: list[tuple[int, int]]) -> list[Quote]:
    """Reported speech: 'according to X, CLAUSE' (the sentence's one statement), or each cue's clause,
    object or infinitive by its frames ('X said (that) ...', 'X accused Y of ...', 'X urged Y to
    ...', 'X's claim that ...'). A sentence holding a direct quotation (`direct_starts`: start ->
    end) has its statement already, up to the quotation's end: after it only a further cue's
    statement counts (“...,” Tilden said, adding that the deals were handed out "like candy.").
    A clause holding a quoted fragment someone said (`said`) is a mixed quotation, kind `partial`."""
    out = []
    text = resolver.text
    for index, sentence in enumerate(sentences):
        # a sentence inside a quotation is the quoted speaker's, not the reporter's
        if any(s <= sentence.start_char and sentence.end_char - 1 <= e + 1 for s, e in content):
            continue
        held = [e for s, e in direct_starts.items() if sentence.start_char <= s < sentence.end_char]
        floor = max(held) + 1 if held else sentence.start_char
        taken: list[tuple[int, int]] = []  # the sentence's statements: a cue's clause, and a conjoined cue's
        # a belief or intention is a statement of its own only where no speech cue reports it:
        # "Nordwind plans to cut jobs, its chief Jonas Berg said" is what Berg said
        for token in sorted(sentence, key=_believed):
            # after the sentence's direct quotation, unless set apart before it
            least = sentence.start_char if _set_apart(token) else floor
            if token.idx < least:
                continue
            if according_to(token) and not held:
                who = subject(token, content)
                phrase = list(token.subtree)
                rest = [t for t in sentence if t not in phrase and not (t.is_punct and t.i == phrase[-1].i + 1)]
                body = _span_text(text, rest)
                if who is None or body is None:
                    continue
                key = resolver.resolve(who, content)
                out.append(Quote(text=body[2], start=body[0], end=body[1], kind="indirect", cue="according to",
                                 speaker_key=key, sentence=index, parts=[body[:2]],
                                 mentions=_mentioned(resolver, body[0], body[1], key)))
                break
            if token.pos_ not in ("VERB", "NOUN") or inside(token.idx, content):
                continue
            tokens = statement(token)
            if tokens is None:
                continue
            who = subject(token, content)
            if who is None:
                continue
            while tokens and (tokens[0].lower_ == "that" and tokens[0].dep_ in ("mark", "nsubj")
                              or tokens[0].is_punct):
                tokens = tokens[1:]
            tokens = _without_asides(_until_quotation(tokens, direct_starts))
            body = _span_text(text, tokens)
            if body is None or len(tokens) < 4 or body[0] < least:
                continue
            # a clause that starts inside a quotation is a direct quote's business
            if inside(body[0], content) or (body[0] > 0 and text[body[0] - 1] in "“\"") \
                    or any(s <= body[0] and body[1] <= e + 1 for s, e in content):
                continue
            if any(s < body[1] and body[0] < e for s, e in taken):
                continue  # a cue inside a statement already taken ("he said she believes ...")
            taken.append(body[:2])
            key = resolver.resolve(who, content)
            # a reported clause holding a quoted fragment is a mixed quotation
            mixed = any(s < body[1] and body[0] < e for s, e in said)
            parts = _runs(text, tokens, token)
            if len(parts) > 1:  # "Lenox was a juggernaut, Mr. Clarke said, until ...": around its cue
                body = (parts[0][0], parts[-1][1], JOINER.join(" ".join(text[s:e].split()) for s, e in parts))
            out.append(Quote(text=body[2], start=body[0], end=body[1], kind="partial" if mixed else "indirect",
                             cue=token.text, speaker_key=key, sentence=index, parts=parts or [body[:2]],
                             mentions=_mentioned(resolver, body[0], body[1], key)))
    return out


_TIME_OR_REASON = {"when", "after", "as", "while", "before", "since", "because", "although", "though"}


def _set_apart(token: Token) -> bool:
    """"When Clinton noted that ..., Trump boasted, “...”": a cue with its own subject in a
    clause of time or reason is a statement of its own beside the sentence's direct quotation."""
    return token.dep_ == "advcl" and any(c.dep_ in SUBJECT_DEPS for c in token.children) \
        and any(c.dep_ in ("mark", "advmod") and c.lower_ in _TIME_OR_REASON and c.i < token.i for c in token.children)


def _believed(token: Token) -> bool:
    """A belief or intention cue ("believes", "wants to"): taken after a sentence's other cues."""
    cue = cue_of(token)
    return cue is not None and cue.kind == "belief"


def _until_quotation(tokens: list[Token], direct_starts: dict[int, int]) -> list[Token]:
    """The reported clause stops where a direct quotation takes over ("..., adding, “...”");
    a quoted fragment inside the clause stays (a mixed quotation), with its closing mark."""
    out: list[Token] = []
    for t in tokens:
        if (t.text in OPENERS or t.text == '"') and t.idx + 1 in direct_starts:
            break
        out.append(t)
    opened = any(t.text in OPENERS or t.text == '"' for t in out[:-1])
    while out and (out[-1].is_punct and not (opened and out[-1].text in ("”", '"'))
                   or out[-1].pos_ == "VERB" and is_cue_word(out[-1]) or out[-1].dep_ == "cc"):
        out.pop()
    return out



_RELATIVE = {"who", "which", "whom", "whose"}


def _without_asides(tokens: list[Token]) -> list[Token]:
    """The reported clause without the reporter's asides at its end: what follows a semicolon
    ("the timing was not intentional; they only learned on Friday ...") and a relative clause set
    off by a comma ("he expects Clinton to recover from pneumonia, which forced her to leave ..."),
    unless it holds a quotation ("a halt to the drills, which he described as “...”")."""
    for k, t in enumerate(tokens):
        if t.text == ";" and k >= 3:
            tokens = tokens[:k]
            break
    positions = {t.i: k for k, t in enumerate(tokens)}
    for t in tokens:
        start = positions.get(t.left_edge.i)
        if t.dep_ == "relcl" and t.right_edge.i >= tokens[-1].i and t.left_edge.lower_ in _RELATIVE \
                and start is not None and start >= 4 and tokens[start - 1].text == "," \
                and not any(x.text in OPENERS or x.text == '"' for x in tokens[start:]):
            return tokens[:start - 1]
    return tokens


def _runs(text: str, tokens: list[Token], cue: Token) -> list[tuple[int, int]]:
    """The statement's offsets, without the punctuation at its ends: one stretch for a clause,
    two for a statement its cue interrupts ("Lenox was a juggernaut, Mr. Clarke said, until ...")."""
    runs: list[list[Token]] = []
    for t in tokens:
        if runs and not runs[-1][-1].i < cue.i < t.i:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        body = _span_text(text, run, least=1)
        if body is not None:
            out.append(body[:2])
    return out


def _span_text(text: str, tokens: list[Token], least: int = 3) -> tuple[int, int, str] | None:
    """The tokens' stretch of text without the punctuation around it; a closing quotation mark
    whose opening one is inside stays (“more learning.”)."""
    opened = any(t.text in OPENERS or t.text == '"' for t in tokens[:-1])
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space) and not (opened and tokens[-1].text in ("”", '"')):
        tokens = tokens[:-1]
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    if len(tokens) < least:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    marks = sum(text.count(m, start, end) for m in ('"', "“", "”"))
    if marks % 2:  # a fragment's closing mark the parser hung elsewhere: “handed out "like candy."”
        closing = _CLOSING.match(text, end)
        end = closing.end() if closing else end
    return start, end, " ".join(text[start:end].split())



def _mentioned(resolver: Resolver, start: int, end: int, speaker: str | None) -> list[str]:
    keys: list[str] = []
    i = bisect_right(resolver.starts, start) - 1
    for m in resolver.mentions[max(0, i):]:
        if m.start >= end:
            break
        if m.start >= start and m.actor_key != speaker and m.actor_key not in keys:
            keys.append(m.actor_key)
    return keys

