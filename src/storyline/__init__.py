"""storyline: news coverage in, a structured, source-attributed dossier per story out.

Library use mirrors the CLI:

    import storyline
    report = storyline.run(["pages/"], db="storyline.duckdb")
    dossier = storyline.dossier("storyline.duckdb")
    stories = storyline.match("pasted article text", db="storyline.duckdb")   # the stories it would join
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storyline.match import match
from storyline.settings import Settings

__version__ = "0.1.0"
__all__ = ["Settings", "run", "dossier", "match", "__version__"]


def run(paths: Iterable[str | Path], db: str | Path = "storyline.duckdb", **settings: Any):
    """Analyse `paths` into the store `db`; returns a RunReport."""
    from storyline.pipeline import run as _run

    return _run(paths, Settings(db_path=Path(db), **settings))


def dossier(db: str | Path = "storyline.duckdb") -> dict[str, Any]:
    """The dossier (the dossier.json contract) read from the store."""
    from storyline.store import open_store
    from storyline.views.export import build_dossier

    with open_store(db, read_only=True) as store:
        return build_dossier(store)
