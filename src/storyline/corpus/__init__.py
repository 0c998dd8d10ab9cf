"""Corpus: the work that needs every article at once (duplicates, actors; later stories,
timeline and corroboration). Pure functions over records the pipeline loads from the store."""

from storyline.corpus.actors import consolidate
from storyline.corpus.duplicates import find_duplicates, signature

__all__ = ["consolidate", "find_duplicates", "signature"]
