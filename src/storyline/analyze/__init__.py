"""Analyze: one article at a time, with spaCy (sentences, entities, actors, quotes).

The names below load on first use (PEP 562): the parent process of a run, `storyline stats`
or `storyline search` never parse text, and importing spaCy costs them ~0.75 s and ~150 MB.
The worker processes, which do parse, import `storyline.analyze.stages` through these names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.analyze.nlp import load_pipeline
    from storyline.analyze.stages import STAGES, analyze_articles, analyze_stream

__all__ = ["analyze_articles", "analyze_stream", "load_pipeline", "STAGES"]


def __getattr__(name: str) -> Any:
    if name == "load_pipeline":
        from storyline.analyze.nlp import load_pipeline

        return load_pipeline
    if name in ("analyze_articles", "analyze_stream", "STAGES"):
        from storyline.analyze import stages

        return getattr(stages, name)
    raise AttributeError(f"module 'storyline.analyze' has no attribute {name!r}")
