"""Which language an article is written in, so the analysis runs a pipeline that reads it.

Most of a real crawl is not English, and the English model run over German or Spanish text
makes junk actors ("Menschen", "das") and quotations out of narration. The language is
detected here, once per article, with py3langid (the maintained fork of langid.py that
trafilatura also uses): a naive Bayes model over byte n-grams, about a millisecond per article.

The rule for text that cannot be told: the result is "und" (ISO 639-2 "undetermined") when the
text has fewer than `MIN_LETTERS` letters, or when the model's normalised probability for its
best language is below `MIN_CONFIDENCE` (a name list or a table of figures: "Trump Kim
Singapore" comes out as Malay at 8%). "und" has no pipeline, so such an article gets key terms
only. `None` is kept for "never detected": an Article built by a library caller or stored
before detection existed, which the analysis treats as before (the English pipeline).
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["UNDETERMINED", "detect_language"]

UNDETERMINED = "und"
# fewer letters than this (a headline alone, a caption) is too little to tell a language by
MIN_LETTERS = 20
# below this the model is guessing between languages (names, figures, a mix)
MIN_CONFIDENCE = 0.5
# the first characters are enough to tell the language, and keep the cost flat on long texts
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """Loaded once per process (about 0.9 s); normalised probabilities give a confidence."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, title: str | None = None) -> str:
    """The ISO 639-1 code of the language of `text` (with its `title`), or "und"."""
    sample = f"{title.strip()}\n{text[:SAMPLE_CHARS]}" if title and title.strip() else text[:SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return UNDETERMINED
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else UNDETERMINED
