"""Quotations in one article, attributed to a speaker with the dependency parse.

Kinds: `direct` (a whole statement in quotation marks, also across sentences, paragraphs and
around a mid-quote cue), `partial` (a quoted fragment inside the reporter's sentence, kept when
someone says or writes it), `indirect` (reported speech: a speech verb's clausal complement, or
"according to X, ..."). The speaker is found, in order, from: the cue verb's subject in the
quote's own sentence ("X said", "said X", "X told reporters", "according to X"); a colon
introduction or a cue in the sentence before; the speaker of the quote just before (a quote
running on); a pronoun resolved to the most recent person in subject position; a title ("the
president") resolved to the person holding it in this article. When none applies the speaker is
None: we never guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

import numpy
from spacy.symbols import VERB
from spacy.tokens import Doc, Span, Token

from storyline.analyze.gazetteer import fold
from storyline.analyze.nlp import doc_text
from storyline.model import Mention, Quote

OPENERS = {"“": "”", "„": "“", "«": "»"}
_SPEECH = (
    "say says said saying tell tells told telling add adds added adding write writes wrote written writing "
    "ask asks asked asking claim claims claimed claiming state states stated note notes noted noting "
    "explain explains explained insist insists insisted warn warns warned warning declare declares declared "
    "announce announces announced reply replies replied respond responds responded tweet tweets tweeted "
    "post posts posted recall recalls recalled continue continues continued argue argues argued arguing "
    "acknowledge acknowledged admit admits admitted predict predicted suggest suggests suggested suggesting "
    "emphasize emphasized emphasised stress stressed stressing comment commented remark remarked "
    "observe observed concede conceded confirm confirmed confirms deny denied denies report reports reported "
    "tells urged urge urges vow vowed vows promise promised promises pledge pledged predicted "
    "complain complained complains boast boasted joke joked quip quipped scoff scoffed shout shouted "
    "describe described describes call calls called calling label labeled labelled labels dub dubbed "
    "brand branded refer referred praise praised praises threaten threatened threatens criticize criticized "
    "criticised blast blasted slam slammed mock mocked hail hailed accuse accused accuses "
    "conclude concluded agree agreed believe believes believed think thinks thought expect expected "
    "hope hoped hopes reiterate reiterated assert asserted maintain maintained maintains allege alleged "
    "estimate estimated estimates testify testified reckon reckoned muse mused wonder wondered "
    "reflect reflected reflecting recount recounted express expressed expressing speak speaks spoke speaking"
)
SPEECH_VERBS = frozenset(_SPEECH.split())
# verbs that make a one- or two-word quotation a quote rather than a scare quote
NAMING_VERBS = frozenset((
    "call calls called calling label labeled labelled labels dub dubbed brand branded refer referred "
    "describe described describes praise praised threaten threatened threatens promise promised vow vowed "
    "say says said saying write wrote tweet tweeted warn warned term termed "
).split())
# reported speech is taken only from plain reporting verbs in finite form: "emphasized that",
# "noted that", "claiming" are as often the reporter's paraphrase as the speaker's statement
REPORTING_VERBS = frozenset((
    "say says said tell tells told add adds added claim claims claimed state states stated announce announces "
    "announced insist insists insisted warn warns warned write writes wrote explain explains explained argue "
    "argues argued report reports reported acknowledge acknowledges acknowledged admit admits admitted deny "
    "denies denied confirm confirms confirmed predict predicts predicted promise promises promised vow vows "
    "vowed pledge pledges pledged reply replies replied respond responds responded tweet tweets tweeted "
    "declare declares declared concede concedes conceded"
).split())
PRONOUNS = {"he", "she", "him", "her"}
# “...” ― Esther Tapia: a signature after a dash at the end of the quote
_DASH_SPEAKER = re.compile(r"[ \u00a0]*[―—–-]{1,2}[ \u00a0]*([A-Z][\w.’'-]*(?:[ \u00a0]+[A-Z][\w.’'-]*){0,4})")
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}


@dataclass
class QuoteSpan:
    start: int  # first character of the content (after the opening mark)
    end: int  # one past the last content character
    parts: list[tuple[int, int]] = field(default_factory=list)


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Quoted stretches of `text`: curly or straight double quotes, balanced per paragraph; a
    quote left open at a paragraph's end runs on when the next paragraph opens with a mark."""
    spans: list[QuoteSpan] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    carry: int | None = None
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        i = p_start
        open_at: int | None = None
        closer = ""
        if carry is not None:
            stripped = text[p_start:p_end].lstrip()
            lead = p_end - p_start - len(stripped)
            if stripped[:1] in OPENERS or stripped[:1] == '"':
                open_at, closer = carry, OPENERS.get(stripped[:1], '"')
                i = p_start + lead + 1
            else:
                carry = None
        while i < p_end:
            ch = text[i]
            if open_at is None:
                if ch in OPENERS:
                    open_at, closer = i + 1, OPENERS[ch]
                elif ch == '"':
                    open_at, closer = i + 1, '"'
                elif ch == "”" and (i == p_start or text[i - 1] in " \t(—–-:\u00a0") and i + 1 < p_end \
                        and text[i + 1].isalnum():
                    open_at, closer = i + 1, "”"  # a typo'd opening mark: ”Fear. I am truly afraid...”
            elif ch == closer or (closer == "”" and ch == '"' and text[open_at - 1] != "“") or \
                    (closer == "”" and ch == "“" and not text[i - 1].isspace()
                     and (i + 1 == p_end or text[i + 1] in " ,.;:!?)—―\u00a0")):
                if i > open_at:
                    spans.append(QuoteSpan(open_at, i))
                open_at, carry = None, None
            i += 1
        if open_at is not None:
            # open at the paragraph's end: a multi-paragraph quote if the next paragraph opens one
            nxt = text[paragraphs[p_index + 1][0]:paragraphs[p_index + 1][1]].lstrip()[:1] \
                if p_index + 1 < len(paragraphs) else ""
            if nxt in OPENERS or nxt == '"':
                carry = open_at if carry is None else carry
            else:
                end = p_end
                if end - open_at > 1:
                    spans.append(QuoteSpan(open_at, end))
                carry = None
    for span in spans:
        span.parts = [(span.start, span.end)]
    return spans


_SIGNATURE = re.compile(r"[”\"][ \u00a0]*[―—–]{1,2}[ \u00a0]*"
                        r"([A-Z][\w.’'-]*(?:[ \u00a0]+[A-Z][\w.’'-]*){1,4})[. \u00a0]*$", re.MULTILINE)


def tag_signatures(doc: Doc) -> None:
    """“...” ― Esther Tapia: the name signing a quote is a person even when the NER missed it."""
    spans = []
    for match in _SIGNATURE.finditer(doc_text(doc)):
        span = doc.char_span(match.start(1), match.end(1), label="PERSON", alignment_mode="contract")
        if span is not None and len(span) >= 2:
            spans.append(span)
    if spans:
        kept = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in spans)]
        doc.ents = sorted(kept + spans, key=lambda e: e.start)


def tag_speaking_names(doc: Doc) -> None:
    """A proper noun the NER missed that says something ("In a statement, Peabody said:") is an
    actor: a person when it is a two- or three-word name, an organisation otherwise."""
    spans = []
    # only the verbs are looked at: a Token object for every word costs more than the checks
    for i in numpy.flatnonzero(doc.to_array("POS") == VERB).tolist():
        token = doc[i]
        if token.text.lower() not in SPEECH_VERBS:
            continue
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.pos_ != "PROPN" or subject.ent_type_:
            continue
        words = [c for c in subject.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [subject]
        start, end = min(w.i for w in words), max(w.i for w in words) + 1
        if any(t.ent_type_ for t in doc[start:end]) or not all(t.is_title for t in doc[start:end]):
            continue
        label = "PERSON" if 2 <= end - start <= 3 else "ORG"
        spans.append(Span(doc, start, end, label=label))
    if spans:
        doc.ents = sorted(list(doc.ents) + spans, key=lambda e: e.start)


class Resolver:
    """Turns a speaker token into an actor key: named mention, pronoun or title."""

    def __init__(self, doc: Doc, mentions: list[Mention], roles: dict[str, list[str]], text: str | None = None) -> None:
        self.doc = doc
        self.text = doc_text(doc) if text is None else text
        self.sentences = list(doc.sents)
        self.sentence_starts = [sent.start_char for sent in self.sentences]
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        # actor key -> the words of its roles, and the bare titles it bears ("President Trump")
        self.roles = {key: {w.lower() for r in rs for w in r.replace(",", " ").split()} for key, rs in roles.items()}
        self.bare_titles = {key: {r.lower() for r in rs if len(r.split()) == 1} for key, rs in roles.items()}
        # every word of every person's names, to catch a name the NER left untagged here
        self.person_words: dict[str, set[str]] = {}
        for m in mentions:
            if m.actor_key.startswith("person:"):
                for word in fold(m.actor_key.split(":", 1)[1]).split() + fold(m.text).split():
                    self.person_words.setdefault(word.strip("'’"), set()).add(m.actor_key)

    def mention_at(self, start: int, end: int) -> Mention | None:
        i = bisect_right(self.starts, end) - 1
        while i >= 0 and self.mentions[i].end > start - 200:
            m = self.mentions[i]
            if m.start < end and m.end > start:
                return m
            i -= 1
        return None

    def resolve(self, token: Token, quote_spans: list[tuple[int, int]], depth: int = 0) -> str | None:
        """The actor key for the speaker whose syntactic head is `token`."""
        head = self.mention_at(token.idx, token.idx + len(token))
        if head is not None:  # "the UK P&I Club said": the head's own name, not its modifier's
            return head.actor_key
        # a named actor anywhere in the subject phrase (not inside a quotation), persons first
        phrase = [t for t in _phrase(token) if not _inside(t.idx, quote_spans)]
        found = [self.mention_at(t.idx, t.idx + len(t)) for t in phrase]
        found = [m for m in found if m is not None]
        # "France's civil security agency said" is the agency speaking, not France: an organisation
        # or a country in the phrase counts only when the head itself is a name
        groups = (("person",), ("organization",), ("country",)) if token.pos_ == "PROPN" else (("person",),)
        for kinds in groups:
            for m in found:
                if m.actor_key.split(":", 1)[0] in kinds:
                    return m.actor_key
        lower = token.text.lower()
        if lower in PRONOUNS:
            return self.recent_person(token.idx, quote_spans, depth)
        if token.pos_ == "PROPN":
            names = [t for t in phrase if t.pos_ == "PROPN"]
            keys = [self.person_words.get(fold(t.text).strip("'’"), set()) for t in names]
            common = set.intersection(*keys) if keys and all(keys) else set()
            if len(common) == 1:
                return next(iter(common))
        if token.pos_ in ("NOUN", "PROPN"):
            return self.by_role(token)
        return None

    def recent_person(self, before: int, quote_spans: list[tuple[int, int]], depth: int = 0) -> str | None:
        """Who "he"/"she" is: going back sentence by sentence, the subject of the nearest sentence
        whose subject is a person; a subject that is itself "he"/"she" passes the question back
        (He said X. "...," he said. -> whoever the first "he" is). Failing that, the person in
        the nearest sentence that names only one."""
        sentences = self.sentences
        index = bisect_right(self.sentence_starts, before) - 1
        fallback: str | None = None
        # in the pronoun's own sentence only the main clause's subject can be "he" ("the president
        # announced the halt, which he described as ..."); a subordinate subject cannot ("after
        # Mayor Hidalgo had thanked them, he said")
        if depth == 0 and 0 <= index < len(sentences):
            root = sentences[index].root
            main = next((t for t in root.children if t.dep_ in SUBJECT_DEPS and t.idx < before - 1
                         and not _inside(t.idx, quote_spans)), None)
            if main is not None and main.text.lower() not in PRONOUNS:
                key = self._person_in(main) or (self.by_role(main) if main.pos_ == "NOUN" else None)
                if key:
                    return key
        for j in range(index - 1 if depth == 0 else index, max(-1, index - 6), -1):
            sentence = sentences[j]
            subjects = [t for t in sentence if t.dep_ in SUBJECT_DEPS and t.idx < before
                        and not _inside(t.idx, quote_spans)]
            for subject in sorted(subjects, key=lambda t: t.i):
                if subject.text.lower() in PRONOUNS and subject.idx < before and depth < 4:
                    if j == index and subject.idx >= before - 1:
                        continue
                    key = self.recent_person(subject.idx, quote_spans, depth + 1)
                    if key:
                        return key
                mention = self._person_in(subject)
                if mention:
                    return mention
            persons = {m.actor_key for m in self.mentions
                       if m.actor_key.startswith("person:") and sentence.start_char <= m.start < min(sentence.end_char,
                                                                                                     before)}
            if fallback is None and len(persons) == 1:
                fallback = next(iter(persons))
        return fallback

    def _person_in(self, subject: Token) -> str | None:
        for t in _phrase(subject):
            m = self.mention_at(t.idx, t.idx + len(t))
            if m is not None and m.actor_key.startswith("person:"):
                return m.actor_key
        return None

    def by_role(self, token: Token) -> str | None:
        """'the president', 'the North Korean leader', 'the authority's chairman' -> the one
        person in this article described so (the one whose role shares the most words)."""
        words = {t.text.lower() for t in token.subtree if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i <= token.i}
        head = token.text.lower()
        if token.pos_ == "PROPN" or not words:
            return None
        scored = [(len(words & role), key) for key, role in self.roles.items() if head in role]
        if not scored:
            return None
        scored.sort(reverse=True)
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            # a plain "the president" is the one called just "President" here, not the one called
            # "South Korean President"; otherwise two people hold that title: not ours to pick
            tied = [key for score, key in scored if score == scored[0][0]]
            plain = [key for key in tied if head in self.bare_titles.get(key, set())]
            return plain[0] if len(words) == 1 and len(plain) == 1 else None
        return scored[0][1]


def _phrase(token: Token) -> list[Token]:
    """The subject's own words: its compounds, appositions and possessors, not its clauses."""
    out = [token]
    for child in token.children:
        if child.dep_ in ("compound", "appos", "poss", "amod", "nmod", "prep", "pobj", "flat", "conj"):
            out.extend(t for t in child.subtree if t.dep_ not in ("relcl", "acl"))
    return sorted(set(out), key=lambda t: t.i)


def _cue_in(tokens: list[Token], content: list[tuple[int, int]] | None = None) -> Token | None:
    """The speech verb of a frame: one with a subject beats one without ("Speaking at a press
    conference, Trump told reporters" -> told); the main verb beats a subordinate one."""
    found = []
    for t in tokens:
        if t.text.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX") or \
                t.text.lower() == "according" and any(c.text.lower() == "to" for c in t.children):
            found.append(t)
    if not found:
        return None
    return min(found, key=lambda t: (_subject(t, content) is None, t.dep_ in ("advcl", "xcomp", "pcomp"),
                                     _depth(t), t.i))


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def _subject(cue: Token, content: list[tuple[int, int]] | None = None) -> Token | None:
    """The speaker's head word for a cue verb; never a word inside a quotation or a stray dash
    the parser took for a subject."""
    content = content or []
    if cue.text.lower() == "according":
        for child in cue.children:
            if child.text.lower() == "to":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        return None
    for child in cue.children:
        if child.dep_ in SUBJECT_DEPS and any(c.isalpha() for c in child.text) and not _inside(child.idx, content):
            return child
    # "..., who told reporters": the relative clause's antecedent
    if cue.dep_ in ("relcl", "acl"):
        return cue.head
    # "Said Ellis: ..." -- the parser hangs a sentence-initial cue on the name
    head = cue.head
    if cue.dep_ == "compound" and head.pos_ == "PROPN" and head.i > cue.i and cue.text.lower() in REPORTING_VERBS \
            and head.i + 1 < len(cue.doc) and cue.doc[head.i + 1].text in (":", ","):
        return head
    # "..., saying ..." / "..., adding ...": a participle shares the main clause's subject
    if cue.dep_ == "advcl" and cue.tag_ == "VBG" and cue.head.i != cue.i and cue.head.i < cue.i:
        return _subject(cue.head, content) if cue.head.pos_ in ("VERB", "AUX") else None
    # "X, speaking to reporters, said" / conjoined verbs share the subject
    if cue.dep_ in ("conj", "advcl", "xcomp") and cue.head.i != cue.i:
        return _subject(cue.head, content) if cue.head.text.lower() in SPEECH_VERBS or cue.dep_ == "conj" else None
    return None


def _inside(idx: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= idx < e for s, e in spans)


def _inside_any(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    """`_inside` for many positions against one span list (every token of a frame): a bisect
    over the spans by start, with the furthest end reached so far, instead of a scan per token."""
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach = list(accumulate((e for _, e in ordered), max))

    def inside(idx: int) -> bool:
        i = bisect_right(starts, idx)
        return i > 0 and reach[i - 1] > idx

    return inside


def extract_quotes(doc: Doc, mentions: list[Mention], roles: dict[str, list[str]]) -> list[Quote]:
    text = doc_text(doc)
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
    merged = _merge_interrupted(raw, text)
    last_speaker: tuple[int, str | None] = (-10, None)  # (sentence index, key) of the latest direct quote

    for span in merged:
        q_start, q_end = span.start, span.end
        words = len(re.findall(r"\w+", text[q_start:q_end]))
        s_first, s_last = sentence_index(q_start), sentence_index(max(q_start, q_end - 1))
        frame = frame_tokens(s_first, s_last)
        before = text[sentences[s_first].start_char:q_start - 1]
        kind = _kind(text, span, before, words)
        cue = _cue_in(frame, content)
        # “...?” Vitter demanded. -- the parser often starts a new sentence after the closing
        # mark; the cue is then the next sentence's, when it follows on the same line
        after = text[q_end + 1:q_end + 3]
        if kind == "direct" and s_last + 1 < len(sentences) and after[:1] == " " and after[1:2] not in ("“", '"') \
                and (cue is None or _subject(cue, content) is None):
            following = [t for t in sentences[s_last + 1] if not quoted(t.idx) and not t.is_punct]
            trailing = _cue_in(following[:12], content)
            if trailing is not None and _subject(trailing, content) is not None:
                cue = trailing
        key: str | None = None
        cue_text = cue.text if cue is not None else None
        dash = _DASH_SPEAKER.match(text, q_end + 1)
        if dash and kind == "direct":
            found = resolver.mention_at(dash.start(1), dash.end(1))
            if found is not None and found.actor_key.startswith("person:"):
                key, cue_text, cue = found.actor_key, "―", None
        if cue is not None:
            subject = _subject(cue, content)
            if subject is not None and not _inside(subject.idx, content):
                key = resolver.resolve(subject, content)
        if kind == "partial" and not _said_fragment(doc, q_start, q_end, words):
            continue  # a scare quote, a title or a label: not something anyone said
        if key is None and kind == "direct" and cue is None:
            key, cue_text = _from_context(sentences, s_first, resolver, content, last_speaker)
        elif key is None and cue is not None and _subject(cue, content) is None and cue.i == sentences[s_first].start:
            # a sentence that opens on its verb ("Praised Trump as ...") lost its subject to a
            # stray full stop: the subject is the previous sentence's
            key, _ = _from_context(sentences, s_first, resolver, content, last_speaker)
        if kind == "direct":
            last_speaker = (s_last, key)
        quote_text, t_start, t_end = _joined(text, span), q_start, q_end
        if kind == "partial" and cue is not None:
            # a mixed quotation: the statement is the reported clause the fragment sits in
            clause = _reported_span(doc, text, cue, q_start, q_end)
            if clause is not None:
                if any(c[0] < clause[1] and clause[0] < c[1] for c in partial_spans):
                    continue  # the same clause, already taken with its first fragment
                t_start, t_end, quote_text = clause
                partial_spans.append((t_start, t_end))
        quotes.append(Quote(text=quote_text, start=t_start, end=t_end, kind=kind, cue=cue_text,
                            speaker_key=key, sentence=s_first,
                            mentions=_mentioned(resolver, t_start, t_end, key)))

    taken = [(q.start, q.end) for q in quotes if q.kind == "partial"]
    direct_starts = {q.start for q in quotes if q.kind == "direct"}
    quotes.extend(q for q in _indirect(doc, sentences, resolver, content, direct_starts)
                  if not any(s < q.end and q.start < e for s, e in taken))
    quotes.sort(key=lambda q: q.start)
    return quotes


_CLAUSE_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "attr", "prep", "advcl", "acomp", "dative", "pobj"}


def _reported_span(doc: Doc, text: str, cue: Token, start: int, end: int) -> tuple[int, int, str] | None:
    """The words the cue reports, around a quoted fragment: "Husted said the court's decision
    “will effectively force us ...”" -> the clause after "said"; "called Kim a “smart guy”" ->
    "Kim a “smart guy”". Inner quotation marks are kept so the quoted words stay visible."""
    covering = [c for c in cue.children if c.dep_ in _CLAUSE_DEPS
                and c.left_edge.idx < end and start < c.right_edge.idx + len(c.right_edge)]
    if not covering:
        return None
    first = min(c.left_edge.i for c in covering)
    # "called Kim a “smart guy”": the object before the complement belongs to the statement
    objects = [c for c in cue.children if c.dep_ in ("dobj", "dative") and c.i > cue.i and c.left_edge.i < first]
    if objects:
        first = min(o.left_edge.i for o in objects)
    last = max(c.right_edge.i for c in covering)
    tokens = [t for t in doc[first:last + 1]]
    while tokens and (tokens[0].is_punct and tokens[0].text not in OPENERS and tokens[0].text != '"'
                      or tokens[0].dep_ == "mark" and tokens[0].text.lower() == "that"):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ("”", '"'):
        tokens = tokens[:-1]
    if not tokens or len(tokens) > 70:
        return None
    s, e = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    if s > start or e < end:  # the clause must hold the whole fragment
        return None
    return s, e, " ".join(text[s:e].split())


def _said_fragment(doc: Doc, start: int, end: int, words: int) -> bool:
    """A quoted fragment is a partial quote when a speech or naming verb governs it: called Kim a
    “smart guy”; said the summit was “a turning point”. A title-case noun phrase (“The Art of the
    Deal”) needs its own verb to be one of those; a one- or two-word fragment needs a naming verb."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    ancestors = [root, *root.ancestors]
    verbs = [t for t in ancestors if (t.pos_ == "VERB" or t.is_sent_start and t.text.lower() in SPEECH_VERBS)
             and not _so_called(t)]
    speech = [t for t in verbs if t.text.lower() in SPEECH_VERBS | NAMING_VERBS]
    if not speech:
        # a parse that lost the verb ("Praised Trump as the “only person” ..."): a speech or
        # naming verb shortly before the fragment in the same sentence
        sentence = span[0].sent
        before = [t for t in sentence if span.start - 8 <= t.i < span.start and t.pos_ == "VERB"
                  and t.text.lower() in NAMING_VERBS and not _so_called(t)]
        if not before:
            return False
        speech = verbs = before[-1:]
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
    nearest_is_speech = bool(verbs) and verbs[0] in speech
    if words <= 2:
        return nearest_is_speech and verbs[0].text.lower() in NAMING_VERBS | {"said", "says", "say", "wrote"}
    if not has_verb and all(w[:1].isupper() for w in re.findall(r"[A-Za-z][\w'’]*", span.text) if len(w) > 3):
        return nearest_is_speech
    return True


def _so_called(token: Token) -> bool:
    return token.text.lower() == "called" and token.i >= 2 and token.doc[token.i - 1].text == "-" \
        and token.doc[token.i - 2].text.lower() == "so"


def _kind(text: str, span: QuoteSpan, before: str, words: int) -> str:
    inner = text[span.start:span.end].strip()
    lead = before.rstrip()
    standalone = not lead or lead.endswith((",", ":", "—", "–", ".", "?", "!")) or len(span.parts) > 1
    ends_like_speech = bool(re.search(r"[.,!?…—-]$", inner))
    if standalone and (ends_like_speech or words >= 6):
        return "direct"
    if words >= 8 and ends_like_speech and inner[:1].isupper():
        return "direct"
    return "partial"


def _merge_interrupted(spans: list[QuoteSpan], text: str) -> list[QuoteSpan]:
    """“We will,” he said, “meet again.” is one quotation around its cue, however long the
    speaker's description between the two parts, as long as they share a paragraph."""
    out: list[QuoteSpan] = []
    for span in spans:
        if out:
            prev = out[-1]
            between = text[prev.end:span.start]
            first = text[prev.parts[-1][0]:prev.parts[-1][1]].rstrip()
            words = re.findall(r"[A-Za-z’']+", between)
            if "\n" not in between and first.endswith(",") and len(words) <= 45 \
                    and any(w.lower() in SPEECH_VERBS for w in words) and _starts_statement(text, span) \
                    and not _own_cue(text, span):
                prev.parts.append((span.start, span.end))
                prev.end = span.end
                continue
        out.append(span)
    return out


def _own_cue(text: str, span: QuoteSpan) -> bool:
    """“Friends need trust,” Moon replied: a second part with a cue of its own is another quote."""
    after = text[span.end + 1:span.end + 60].split("\n")[0]
    if not re.match(r"^\s*[,—–-]", after) and not re.match(r"^\s+[A-Za-z]", after):
        return False
    words = re.findall(r"[A-Za-z’']+", after)[:5]
    return any(w.lower() in SPEECH_VERBS for w in words)


def _starts_statement(text: str, span: QuoteSpan) -> bool:
    """The second part continues the statement: it opens the sentence after the cue, not a
    fragment the reporter embeds ("..., he said, calling it a “hoax”")."""
    before = text[:span.start - 1].rstrip()
    return before.endswith((",", ".", ":", "—", "–")) and not re.search(r"\b(?:as|a|an|the|called|calling)$", before)


def _joined(text: str, span: QuoteSpan) -> str:
    parts = [" ".join(text[s:e].split()) for s, e in span.parts]
    joined = " ".join(p.rstrip(",") if i < len(parts) - 1 else p for i, p in enumerate(parts))
    return joined.strip()


def _from_context(sentences: list[Span], s_first: int, resolver: Resolver, content: list[tuple[int, int]],
                  last_speaker: tuple[int, str | None]) -> tuple[str | None, str | None]:
    """A quote with no cue of its own. In order: a cue in the sentence before ("Trump noted that
    ... . “...”", "Moon said:"); the speaker of the quote just before (a quote running on); the
    person the sentence before is about, when it sets the quote up in the same paragraph
    ("Marchal struggled to find words. “...”"). Anything further back is a guess, and we don't."""
    j = s_first - 1
    if j < 0:
        return None, None
    sentence = sentences[j]
    tokens = [t for t in sentence if not _inside(t.idx, content)]
    cue = _cue_in(tokens, content)
    if cue is not None:
        subject = _subject(cue, content)
        if subject is not None:
            key = resolver.resolve(subject, content)
            if key:
                return key, cue.text
    if last_speaker[1] and last_speaker[0] == j:
        return last_speaker[1], None
    text = resolver.text
    same_paragraph = "\n" not in text[sentence.end_char:sentences[s_first].start_char]
    if same_paragraph or text[sentence.start_char:sentence.end_char].rstrip().endswith(":"):
        root = sentence.root
        subject = next((t for t in root.children if t.dep_ in SUBJECT_DEPS and not _inside(t.idx, content)), None)
        if subject is not None:
            key = resolver.resolve(subject, content)
            if key and key.startswith("person:"):
                return key, None
    return None, None


def _indirect(doc: Doc, sentences: list[Span], resolver: Resolver, content: list[tuple[int, int]],
              direct_starts: set[int]) -> list[Quote]:
    """Reported speech: 'X said (that) CLAUSE', 'according to X, CLAUSE'. Sentences that hold a
    quotation are left to the direct/partial rules."""
    out = []
    text = resolver.text
    for index, sentence in enumerate(sentences):
        # a sentence inside a quotation is the quoted speaker's, not the reporter's; a sentence
        # that carries a direct quotation has its statement already
        if any(s <= sentence.start_char and sentence.end_char - 1 <= e + 1 for s, e in content) or \
                any(sentence.start_char <= s < sentence.end_char for s in direct_starts):
            continue
        for token in sentence:
            lower = token.text.lower()
            if lower == "according" and token.i + 1 < len(doc) and doc[token.i + 1].text.lower() == "to":
                subject = _subject(token, content)
                phrase = [t for t in token.subtree]
                rest = [t for t in sentence if t not in phrase and not (t.is_punct and t.i == phrase[-1].i + 1)]
                body = _span_text(text, rest)
                if subject is None or body is None:
                    continue
                key = resolver.resolve(subject, content)
                out.append(Quote(text=body[2], start=body[0], end=body[1], kind="indirect", cue="according to",
                                 speaker_key=key, sentence=index,
                                 mentions=_mentioned(resolver, body[0], body[1], key)))
                break
            if lower not in REPORTING_VERBS or token.pos_ != "VERB" or token.tag_ == "VBG":
                continue
            clause = next((c for c in token.children if c.dep_ == "ccomp"), None) or _told_that(token)
            if clause is None:
                continue
            subject = _subject(token, content)
            if subject is None:
                continue
            tokens = [t for t in clause.subtree]
            while tokens and (tokens[0].text.lower() == "that" and (tokens[0].dep_ == "mark" or clause.dep_ == "relcl")
                              or tokens[0].is_punct):
                tokens = tokens[1:]
            tokens = _until_quotation(tokens, direct_starts)
            body = _span_text(text, tokens)
            if body is None or len(tokens) < 4:
                continue
            # a clause that starts inside a quotation is a direct quote's business
            if _inside(body[0], content) or (body[0] > 0 and text[body[0] - 1] in "“\"") \
                    or any(s <= body[0] and body[1] <= e + 1 for s, e in content):
                continue
            key = resolver.resolve(subject, content)
            out.append(Quote(text=body[2], start=body[0], end=body[1], kind="indirect", cue=token.text,
                             speaker_key=key, sentence=index, mentions=_mentioned(resolver, body[0], body[1], key)))
            break
    return out


def _told_that(verb: Token) -> Token | None:
    """"Trump told a news conference that North Korea had wanted ...": the parser reads the
    that-clause as a relative clause of the audience; after "tell" it is what was told."""
    if verb.text.lower() not in ("tell", "tells", "told", "telling"):
        return None
    for obj in verb.children:
        if obj.dep_ in ("dobj", "dative"):
            for t in obj.subtree:
                if t.dep_ == "relcl" and t.left_edge.text.lower() == "that" and \
                        any(c.dep_ in SUBJECT_DEPS and c.i > t.left_edge.i for c in t.children):
                    return t
    return None


def _until_quotation(tokens: list[Token], direct_starts: set[int]) -> list[Token]:
    """The reported clause stops where a direct quotation takes over ("..., adding, “...”");
    a quoted fragment inside the clause stays (a mixed quotation)."""
    out: list[Token] = []
    for t in tokens:
        if (t.text in OPENERS or t.text == '"') and t.idx + 1 in direct_starts:
            break
        out.append(t)
    while out and (out[-1].is_punct or out[-1].text.lower() in SPEECH_VERBS):
        out.pop()
    return out


def _span_text(text: str, tokens: list[Token]) -> tuple[int, int, str] | None:
    tokens = [t for t in tokens]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    while tokens and tokens[0].is_punct:
        tokens = tokens[1:]
    if len(tokens) < 3:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
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
