"""Corpus: the work across articles (near-duplicates, actors; later stories, timeline and
corroboration). `actors` and `duplicates` are pure functions over per-key aggregates and
signatures; `stage` runs them over the store incrementally, for the articles a run brings."""

from storyline.corpus.actors import attribute_quotes, consolidate
from storyline.corpus.duplicates import find_duplicates, signature

__all__ = ["attribute_quotes", "consolidate", "find_duplicates", "signature"]
