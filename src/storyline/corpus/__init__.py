"""Corpus: the work that needs every article at once (duplicates, actors; later stories,
timeline and corroboration). Pure functions over records the pipeline loads from the store."""

from storyline.corpus.actors import attribute_quotes, consolidate
from storyline.corpus.duplicates import find_duplicates, signature

__all__ = ["attribute_quotes", "consolidate", "find_duplicates", "signature"]
