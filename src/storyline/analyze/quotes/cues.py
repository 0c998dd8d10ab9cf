"""Cues of reported speech, decided by lemma and dependency structure from one lexicon.

The lexicon (`storyline/data/cues.tsv`) lists each cue's lemma, part of speech, class (speech,
belief, accusation, call) and frames: which constructions around it carry a statement ("X said
that ...", "accused X of ...", "called on X to ...", "his claim that ..."). One data file
instead of inflected word lists: a new cue is one line, and every rule below reads the same
entry. Lemmas come from spaCy's lemmatizer (on in `analyze.nlp.load_pipeline`); a Doc parsed
without it falls back to the word itself, which still finds the base forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from spacy.tokens import Doc, Token

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
# the clause a cue reports, around a quoted fragment
_CLAUSE_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "attr", "prep", "advcl", "acomp", "dative", "pobj"}
_OPENERS = "“„«\""
# prepositions that say what the object is said to be or do ("criticized X for", "hailed X as")
_OF_OBJECT = {"for", "as", "over", "about"}


@dataclass(frozen=True)
class Cue:
    lemma: str
    pos: str  # VERB | NOUN | ADP
    kind: str  # speech | belief | accusation | call
    frames: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> dict[tuple[str, str], Cue]:
    """(lemma, pos) -> Cue, read once from the package's data file."""
    out: dict[tuple[str, str], Cue] = {}
    path = files("storyline").joinpath("data/cues.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lemma, pos, kind, frames = line.split("\t")
        out[(lemma, pos)] = Cue(lemma, pos, kind, frozenset(frames.split(",")))
    return out


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


def cue_of(token: Token, frame: str | None = None) -> Cue | None:
    """The lexicon's entry for `token` as a cue (a verb used as a verb, a noun as a noun), with
    `frame` among its frames when one is asked for. A sentence-initial cue the tagger took for
    a proper noun still counts as the verb when its lemma is one."""
    if token.pos_ in ("VERB", "AUX") or token.is_sent_start and token.pos_ == "PROPN" or _verb_as_noun(token):
        cue = lexicon().get((_lemma(token), "VERB"))
    elif token.pos_ == "NOUN":
        cue = lexicon().get((_lemma(token), "NOUN"))
    else:
        return None
    return cue if cue is not None and (frame is None or frame in cue.frames) else None


def _verb_as_noun(token: Token) -> bool:
    """"But Trump claims that ...": a verb the tagger took for a plural noun, known by its subject
    (or the name the parser then hangs on it as a compound, when it heads the sentence and a
    that-clause) and its lemma being a speech verb's."""
    return token.pos_ == "NOUN" and token.tag_ == "NNS" and (_lemma(token), "VERB") in lexicon() \
        and (any(c.dep_ == "nsubj" for c in token.children) or _compound_subject(token) is not None)


def _compound_subject(token: Token) -> Token | None:
    """"Trump" in "But Trump claims that he ...", parsed as the compound of a noun "claims"."""
    if token.dep_ != "ROOT" or not any(c.dep_ == "ccomp" and any(m.lower_ == "that" and m.dep_ == "mark"
                                                                  for m in c.children) for c in token.children):
        return None
    return next((c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i == token.i - 1), None)


def is_cue_word(token: Token) -> bool:
    """A speech, naming or belief verb, whatever its tag: for the text between two parts of
    one quotation, where the parser often mistags the cue ("“A,” said Ellis, “B.”")."""
    return (_lemma(token), "VERB") in lexicon() and token.pos_ in ("VERB", "AUX", "PROPN", "NOUN")


def according_to(token: Token) -> bool:
    return token.lower_ == "according" and any(c.lower_ == "to" for c in token.children)


def cue_in(tokens: list[Token], content: list[tuple[int, int]] | None = None) -> Token | None:
    """The cue of a quotation's frame: one with a subject beats one without ("Speaking at a
    press conference, Trump told reporters" -> told); the main verb beats a subordinate one, and
    both beat a relative clause's."""
    found = [t for t in tokens if t.pos_ in ("VERB", "AUX") and cue_of(t, "quote") or according_to(t)]
    if not found:
        return None
    # a relative clause's cue describes someone else ("a player who said he had been dropped, ...")
    return min(found, key=lambda t: (subject(t, content) is None, t.dep_ == "relcl",
                                     t.dep_ in ("advcl", "xcomp", "pcomp"), _depth(t), t.i))


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def inside(idx: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= idx < e for s, e in spans)


def subject(cue: Token, content: list[tuple[int, int]] | None = None) -> Token | None:
    """The speaker's head word for a cue; never a word inside a quotation or a stray dash the
    parser took for a subject."""
    content = content or []
    if according_to(cue):
        to = next(c for c in cue.children if c.lower_ == "to")
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    if cue.pos_ == "NOUN" and not _verb_as_noun(cue):  # "his claim that", "Smith's statement": the possessor
        return next((c for c in cue.children if c.dep_ == "poss"), None)
    found = [_after_dateline(c) for c in cue.children if c.dep_ in SUBJECT_DEPS and any(ch.isalpha() for ch in c.text)
             and not inside(c.idx, content)]
    found = [c for c in found if c is not None]
    if not found and cue.pos_ == "NOUN" and _compound_subject(cue) is not None:
        found = [_compound_subject(cue)]
    if found:
        # "the medic Jana Vos asked", parsed with two subjects: the name
        return next((c for c in found if c.pos_ == "PROPN"), found[0])
    if cue.dep_ in ("relcl", "acl"):  # "..., who told reporters": the relative clause's antecedent
        return cue.head
    head = cue.head
    # "Said Ellis: ..." -- the parser hangs a sentence-initial cue on the name
    if cue.dep_ == "compound" and head.pos_ == "PROPN" and head.i > cue.i and cue_of(cue, "that") \
            and head.i + 1 < len(cue.doc) and cue.doc[head.i + 1].text in (":", ","):
        return head
    if cue.tag_ == "VBG" and cue.i > 0:
        before = cue.doc[cue.i - 1]
        # "footage of Hillary Clinton asking, “...”": the person the participle follows
        if before.pos_ == "PROPN" and before.ent_type_ == "PERSON" and not inside(before.idx, content):
            return before
        # "drew criticism for saying that ...", "criticized Lee for saying ...", "responded by
        # saying ...": the one the clause blames, named as its object, or else its subject
        if cue.dep_ == "pcomp" and head.lower_ in ("for", "by", "after", "before", "without", "despite", "while"):
            verb = next((a for a in cue.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if verb is not None:
                obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
                return obj if obj is not None and obj.pos_ in ("PROPN", "PRON") else subject(verb, content)
    # "..., saying ..." / "..., adding ...": a participle shares the main clause's subject; hung
    # on the clause a cue reports ("Sato said the bridge needed cables, arguing that ..."), the
    # cue's, since the reported clause does not argue
    if cue.dep_ == "advcl" and cue.tag_ == "VBG" and head.i != cue.i and head.i < cue.i:
        if head.dep_ == "ccomp" and cue_of(head.head) is not None:
            return subject(head.head, content)
        if head.dep_ == "relcl" and any(c.dep_ in SUBJECT_DEPS and c.tag_ in ("WP", "WDT") for c in head.children):
            # "... defensive when forced to defend not paying an architect who said he was stiffed,
            # saying, “...”": hung on a relative clause ("who ..."), it is the sentence's subject's
            return subject(cue.sent.root, content)
        return subject(head, content) if head.pos_ in ("VERB", "AUX") else None
    # "Berg said the team would keep its coach and warned that ...": the parser hangs the second
    # cue on the reported clause; it shares the first cue's subject
    if cue.dep_ == "conj" and head.dep_ in ("ccomp", "advcl") and cue_of(head.head) is not None:
        return subject(head.head, content)
    # "X, speaking to reporters, said" / conjoined verbs share the subject
    if cue.dep_ in ("conj", "advcl", "xcomp") and head.i != cue.i:
        if cue_of(head) or cue.dep_ == "conj":
            return subject(head, content)
        # "went on to say that ...": the subject of the verb it completes, unless that verb has
        # an object who might be the one speaking ("asked Lee to say") or is a copula ("the
        # tweet was only “to mock” her": the tweet does not mock)
        if cue.dep_ == "xcomp" and head.pos_ == "VERB" and not any(c.dep_ in ("dobj", "dative") for c in head.children):
            return subject(head, content)
    return None


def _after_dateline(token: Token) -> Token | None:
    """"WASHINGTON -- President Obama ... said": the parser sometimes makes the place a story was
    filed from the subject and the speaker its apposition; the speaker, then (None without one)."""
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if not (token.text.isupper() and len(token.text) > 1 and nxt is not None and nxt.text in ("--", "—", "–", "-")):
        return token
    return next((c for c in token.children if c.dep_ == "appos"), None)


def _so_called(token: Token) -> bool:
    return token.lower_ == "called" and token.i >= 2 and token.doc[token.i - 1].text == "-" \
        and token.doc[token.i - 2].lower_ == "so"


def fragment_cues(doc: Doc, start: int, end: int, words: int) -> list[Token]:
    """The cues a quoted fragment may be said under, the nearest first ("Obama said most people
    have come to believe “...”": believe, said), or none for a scare quote, a title or a label.
    A speech or naming verb must govern it: called Kim a “smart guy”; said the summit was “a
    turning point”. A title-case noun phrase (“The Art of the Deal”) needs its own verb to be a
    cue; a one- or two-word fragment needs a naming verb."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return []
    if span[-1].sent.start != span[0].sent.start:
        # a fragment running into a next sentence ("... much tougher. ... What they are doing is
        # ..."): its cue governs the part in the first
        span = doc[span.start:span[0].sent.end]
    root = span.root
    # "Mr. Obama said, a majority of Americans have come to believe “...”": a cue the parser hangs
    # on the sentence as an aside (parataxis) reports it too, outermost
    path = [root, *root.ancestors]
    path += [c for t in path for c in t.children if c.dep_ == "parataxis" and not start <= c.idx < end]
    verbs = [t for t in path if not _so_called(t) and (t.pos_ == "VERB" or cue_of(t) is not None)]
    speech = [t for t in verbs if cue_of(t) is not None]
    if not speech:
        # a parse that lost the verb ("Praised Trump as the “only person” ..."): a naming verb
        # shortly before the fragment in the same sentence
        before = [t for t in span[0].sent if span.start - 8 <= t.i < span.start and t.pos_ == "VERB"
                  and cue_of(t, "name") and not _so_called(t)]
        if not before:
            return []
        speech = verbs = before[-1:]
    nearest = verbs[0] if verbs and verbs[0] in speech else None
    if words <= 2:
        return [nearest] if nearest is not None and cue_of(nearest, "name") else []
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
    if not has_verb and all(w[:1].isupper() for w in re.findall(r"[A-Za-z][\w'’]*", span.text) if len(w) > 3):
        # a title named in a prepositional phrase is no quote: said "on CNN's “State of the Union”"
        path = [t for t in (root, *root.ancestors) if nearest is None or t.i != nearest.i and nearest in t.ancestors]
        if any(t.dep_ == "prep" and t.lower_ != "as" for t in path):
            return []
        return [nearest] if nearest is not None else []
    return speech


def subordinate(doc: Doc, start: int, end: int) -> bool:
    """The quotation is a clause the reporter's sentence subordinates: its verb has a
    subordinating word before the opening mark ("said that under Obama, “the generals have been
    reduced to rubble.”", "a problem because, “In the end, we vote for somebody.”"). Such a
    quotation is a mixed one, however it is punctuated."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    return any(c.dep_ == "mark" and c.idx < start - 1 for c in span.root.children)


def reported_clause(doc: Doc, text: str, cue: Token, start: int, end: int) -> tuple[int, int] | None:
    """The words the cue reports, around a quoted fragment: "Husted said the court's decision
    “will effectively force us ...”" -> the clause after "said"; "called Kim a “smart guy”" ->
    "Kim a “smart guy”". Quotation marks are kept so the quoted words stay visible."""
    covering = [c for c in cue.children if c.dep_ in _CLAUSE_DEPS | {"acl"}
                and c.left_edge.idx < end and start < c.right_edge.idx + len(c.right_edge)]
    if not covering:
        covering = _governed(doc, cue, start, end)
    if not covering and cue.dep_ == "parataxis" and cue.head.i != cue.i \
            and cue.head.left_edge.idx <= start < cue.head.right_edge.idx + len(cue.head.right_edge):
        # "But the weapons his country has, he added, are like “nuclear bombs ...”": the sentence
        # around its parenthetical cue (the caller cuts the cue out), from the statement's subject
        # on: "During his years in office, Mr. Obama said, a majority ... believe “...”" is what
        # the majority believe, not when
        subject_ = next((c for c in cue.head.children if c.dep_ in SUBJECT_DEPS), None)
        first = subject_.left_edge.i if subject_ is not None else cue.head.left_edge.i
        tokens = _trim([t for t in around_cue(cue) if t.i >= first])
        if tokens and len(tokens) <= 80:
            return _holding(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1]), start, end)
    if not covering:  # the parse lost the link: the rest of the cue's sentence
        tokens = _trim([t for t in cue.sent if t.i > cue.i])
        if not tokens or len(tokens) > 80:
            return None
        return _holding(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1]), start, end)
    first = min(c.left_edge.i for c in covering)
    if cue_of(cue, "of"):
        # "accused the North's leader, Kim Jong Un, of “fanatic recklessness”": whom it accuses
        # belongs to the cue, the statement is what of
        of = next((t for c in covering for t in c.subtree if t.lower_ == "of" and t.dep_ == "prep"
                   and t.idx < start and t.right_edge.idx >= start), None)
        if of is not None:
            return _holding(text, of.idx, of.right_edge.idx + len(of.right_edge), start, end)
    # "called Kim a “smart guy”": the object before the complement belongs to the statement of
    # a naming verb; of any other it is whom the cue addresses or accuses ("accused the North's
    # leader of “fanatic recklessness”", "told the caucus this weekend he would ...")
    objects = [c for c in cue.children if c.dep_ in ("dobj", "dative") and c.i > cue.i and c.left_edge.i < first] \
        if cue_of(cue, "name") else []
    if objects:
        first = min(o.left_edge.i for o in objects)
    last = max(c.right_edge.i for c in covering)
    if objects and cue_of(cue, "name"):
        # "blasted Clinton as a “disgrace” Wednesday on the radio": a label ends with its last
        # quotation ("called him a “nasty guy,” “unstable” and “sick.”")
        closes = [t.i for t in doc[first:last + 1] if t.text in ("”", '"') and t.idx >= end]
        last = max(closes) if closes else last
    if cue_of(cue, "that") and cue.i < first:
        # "Lynch said there remains a “significant difference,” when it comes to how many
        # lawyers ...", "Trump is claiming voting fraud is “a big problem” but “nobody has the
        # guts ...”": the parser hangs the rest of the statement on the cue. Not a cue there
        # (another statement), nor a clause about the speaker ("..., but he has also ...")
        rest = [c for c in cue.children if c.i > last and c.dep_ in ("advcl", "conj") and cue_of(c) is None
                and not any(x.dep_ in SUBJECT_DEPS and x.lower_ in ("he", "she", "they") for x in c.children)]
        if rest:
            last = max(c.right_edge.i for c in rest)
    # "condemned the test as “provocative” and a “grave threat” to ...": a second quoted label
    # the parser hung on the cue itself belongs to the statement
    labels = [c for c in cue.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "ADJ") and c.i > last
              and any(t.text in _OPENERS for t in c.subtree)]
    if labels:
        last = max(c.right_edge.i for c in labels)
    # a further cue of the speaker's after the fragment reports a statement of its own
    beyond = [i for c in covering for i in other_statements(c) if doc[i].idx >= end]
    if beyond:
        last = min(last, min(beyond) - 1)
    tokens = _trim(list(doc[first:last + 1]))
    if not tokens or len(tokens) > 80:
        return None
    return _holding(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1]), start, end)


def around_cue(cue: Token) -> list[Token]:
    """The sentence a parenthetical cue is set in, without the cue and its speaker ("Lenox was a
    juggernaut, Mr. Clarke said, until ..." -> "Lenox was a juggernaut, ... until ...")."""
    own = {t.i for t in cue.subtree}
    return [t for t in cue.head.subtree if t.i not in own]


def _holding(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int] | None:
    """(s, e) when the clause holds the whole fragment; a clause the parser ended before the
    fragment's last punctuation (the mark hung on the main verb) runs to the closing mark."""
    if e < end and not text[e:end].strip(" .,;:!?"):
        e = end + 1 if end < len(text) and text[end] in "”\"»" else end
    return (s, e) if s <= start and e >= end else None


def _governed(doc: Doc, cue: Token, start: int, end: int) -> list[Token]:
    """The cue's child whose subtree holds the fragment, whatever its dependency label."""
    span = doc.char_span(start, end, alignment_mode="expand")
    node = span.root if span is not None and len(span) else None
    while node is not None and node.head.i != node.i and node.head.i != cue.i:
        node = node.head
    return [node] if node is not None and node.head.i == cue.i and node.i != cue.i else []


def _trim(tokens: list[Token]) -> list[Token]:
    """Without the punctuation around a clause (quotation marks stay) and its "that"."""
    while tokens and (tokens[0].is_punct and tokens[0].text not in _OPENERS
                      or tokens[0].dep_ == "mark" and tokens[0].lower_ == "that"):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ("”", '"'):
        tokens = tokens[:-1]
    return tokens


def statement(cue: Token) -> list[Token] | None:
    """The tokens a cue reports, by its frames: "said (that) CLAUSE", "accused X of CLAUSE",
    "called for X", "urged X to CLAUSE", "his claim that CLAUSE", "criticized X for Y"."""
    entry = cue_of(cue)
    if entry is None:
        return None
    if "that" in entry.frames and cue.dep_ == "parataxis" and cue.head.i != cue.i \
            and any(c.dep_ in SUBJECT_DEPS for c in cue.children):
        # "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt": the sentence around
        # the cue and its speaker
        return around_cue(cue)
    if "that" in entry.frames:
        clauses = [c for c in cue.children if c.dep_ == "ccomp"]
        # "While he acknowledged funding was short, Ham noted several “intangibles” left him
        # disillusioned": with a clause after the cue, one before it is the parser's misreading
        # of an adverbial clause, not what was said
        clauses = [c for c in clauses if c.i > cue.i] or clauses
        clause = next(iter(clauses), None) or _told_that(cue) or _bare_clause(cue)
        if clause is None and entry.pos == "NOUN":
            clause = next((c for c in cue.children if c.dep_ in ("acl", "ccomp") and
                           any(t.lower_ == "that" and t.dep_ == "mark" for t in c.children)), None)
        if clause is not None:
            # "Obama noted China had resisted such agreements, but the air pollution had become so
            # bad that ...": a second clause the parser hung on the cue goes with the first
            more = [c for c in clauses if c.i > clause.i]
            return [t for c in (clause, *more) for t in _own_part(c)]
    for prep in ("of", "for"):
        if prep in entry.frames:
            p = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == prep), None)
            obj = next((c for c in p.children if c.dep_ in ("pobj", "pcomp")), None) if p is not None else None
            if obj is not None:
                return list(obj.subtree)
    if "to" in entry.frames:
        clause = next((c for c in cue.children if c.dep_ in ("xcomp", "ccomp")
                       and any(t.lower_ == "to" and t.dep_ == "aux" for t in c.children)), None)
        if clause is not None:
            # "urged voters to stay home", "called on the council to act": whom it asks belongs to it
            asked = [c for c in cue.children if c.dep_ in ("dobj", "dative") and c.i < clause.i] + \
                [p for c in cue.children if c.dep_ == "prep" and c.lower_ == "on" and c.i < clause.i
                 for p in c.children if p.dep_ == "pobj"]
            first = min([clause.left_edge.i, *(a.left_edge.i for a in asked)])
            return list(cue.doc[first:clause.right_edge.i + 1])
    if "obj" in entry.frames:
        obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
        # not a participle after a comma: "praised the students, going on to say ..." is the
        # speaker's next act, not something said of the students
        # nor a purpose or a reason ("called an emergency meeting to discuss the test", "called the
        # hearing because ...")
        after = [c for c in cue.children if obj is not None and c.i > obj.i
                 and (c.dep_ in ("advcl", "oprd", "xcomp", "ccomp") or c.dep_ == "prep" and c.lower_ in _OF_OBJECT)
                 and not (c.tag_ == "VBG" and c.i > 0 and cue.doc[c.left_edge.i - 1].text == ",")
                 and not any(x.dep_ == "mark" or x.dep_ == "aux" and x.lower_ == "to" for x in c.children)]
        if obj is not None and after:
            # the object and what is said of it: "criticized the officer for shooting ...", not a
            # bare object ("praised the talks"), which is no statement
            last = max([obj.right_edge.i, *(c.right_edge.i for c in after)])
            return list(cue.doc[obj.left_edge.i:last + 1])
    if "what" in entry.frames:
        # "cited problems in the Middle East", "stressed the need to bolster cybersecurity": for
        # these verbs the object is what was said (a pronoun names nothing said, and "did not
        # cite it" says nothing)
        obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ != "PRON" and not any(c.dep_ == "neg" for c in cue.children):
            return list(obj.subtree)
    return None


def _own_part(clause: Token) -> list[Token]:
    """The clause without the statements of the speaker's other cues inside it (`other_statements`)."""
    dropped = other_statements(clause)
    return [t for t in clause.subtree if t.i not in dropped]


# a cue's own forms: said, says, say (with "they"), saying; not the base form a modal governs
# ("the company would cut jobs and attack costs" reports nothing of its own)
_SPEAKER_FORMS = {"VBD", "VBZ", "VBP", "VBG"}


def further_cue(token: Token) -> bool:
    """A cue conjoined to another or a participle, in a form of its own ("... and encouraged
    Americans to", "..., arguing that"): the speaker's next statement, not part of the last. A
    belief or intention is not ("police said he posed a threat and refused to drop the gun": the
    refusal is part of what police said)."""
    cue = cue_of(token)
    return token.dep_ in ("conj", "advcl") and token.tag_ in _SPEAKER_FORMS \
        and not (token.dep_ == "advcl" and token.tag_ != "VBG") and cue is not None and cue.kind != "belief"


def says_clause(cue: Token, start: int) -> bool:
    """A speech verb reporting, in its that-clause, the text at `start` ("Moon replied that the two
    sides should “create the conditions”"); not a naming verb ("described X as “...”") nor a
    belief ("most people believe “...”")."""
    entry = cue_of(cue, "that")
    return entry is not None and entry.kind == "speech" and any(
        c.dep_ == "ccomp" and c.left_edge.idx <= start <= c.right_edge.idx + len(c.right_edge) for c in cue.children)


def other_statements(clause: Token) -> set[int]:
    """Token indices, within `clause`'s subtree, of the speaker's further cues with what they
    report, which are statements of their own: "Machado promised to keep campaigning and said she
    would stand up to the attacks", "he did not believe it, arguing that the party was divided",
    "Machado was “disgusting” and encouraged Americans to ...", "... and on Saturday he wrote that
    ...". Such a cue is conjoined or a participle, in a form of its own (a verb a modal governs is
    the reported clause's: "voters would complain"); its "and" goes with it."""
    dropped: set[int] = set()
    for t in clause.subtree:
        if t.i == clause.i or t.i in dropped or not further_cue(t):
            continue
        dropped.update(x.i for x in t.subtree)
        joins = [c.i for c in t.head.children if c.dep_ == "cc" and c.i < t.i]
        if joins:  # its own "and", not an earlier one ("“disgusting” and “a con” and encouraged")
            dropped.add(max(joins))
    return dropped


def _bare_clause(verb: Token) -> Token | None:
    """"Trump said after the convention he would not accept ...": a clause with its own subject and
    no subordinating word after a speech verb, which the parser hung on it as an adverbial
    clause (one opening on "if", "because" or "when" is not what was said)."""
    if verb.pos_ != "VERB":
        return None
    return next((c for c in verb.children if c.dep_ == "advcl" and c.i > verb.i
                 and any(x.dep_ in SUBJECT_DEPS for x in c.children) and c.left_edge.tag_ != "WRB"
                 and not any(x.dep_ == "mark" for x in c.children)), None)


def _told_that(verb: Token) -> Token | None:
    """"Trump told a news conference that North Korea had wanted ...": the parser reads the
    that-clause as a relative clause of the audience; after "tell" it is what was told."""
    if _lemma(verb) != "tell":
        return None
    for obj in verb.children:
        if obj.dep_ in ("dobj", "dative"):
            for t in obj.subtree:
                if t.dep_ == "relcl" and t.left_edge.lower_ == "that" and \
                        any(c.dep_ in SUBJECT_DEPS and c.i > t.left_edge.i for c in t.children):
                    return t
    return None
