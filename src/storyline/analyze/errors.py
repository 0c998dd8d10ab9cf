"""Errors a user acts on, importable without loading spaCy (the CLI catches them)."""

from __future__ import annotations


class ModelNotInstalled(RuntimeError):
    pass
