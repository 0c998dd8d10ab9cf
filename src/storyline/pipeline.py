"""The run: ingest -> extract -> analyze (in worker processes) -> store -> corpus.

Documents stream through in batches; at most a few batches are in flight, so memory stays
flat however large the input. Each analysed article is committed on its own, and a source
whose bytes are already in the store is not read again, so a re-run adds nothing and a run
killed half-way resumes where it stopped.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.analyze import analyze_articles, load_pipeline
from storyline.corpus import attribute_quotes, consolidate, find_duplicates, signature
from storyline.extract import extract
from storyline.ingest import iter_documents
from storyline.model import AnalyzedArticle, Article, RawDocument, Skipped
from storyline.settings import Settings
from storyline.store import Store, open_store

Result = tuple[AnalyzedArticle, bytes] | Skipped


@dataclass
class RunReport:
    run_id: int
    stored: int = 0  # new articles
    seen: int = 0  # documents whose content was already stored
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: int = 0  # near-duplicates in the whole store after the run
    articles: int = 0  # articles in the store after the run
    seconds: float = 0.0
    documents: int = 0  # documents processed in this run (stored + seen)

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def process_batch(docs: list[RawDocument], settings: Settings) -> list[Result]:
    """Extract and analyse one batch; runs in a worker process (or inline)."""
    results: list[Result] = []
    articles: list[Article] = []
    for doc in docs:
        found = extract(doc, settings)
        if isinstance(found, Skipped):
            results.append(found)
        else:
            articles.append(found)
    for analyzed in analyze_articles(articles, settings):
        sig = signature(analyzed.article.text, settings.minhash_perms, settings.shingle_words)
        results.append((analyzed, sig))
    return results


_WORKER_SETTINGS: Settings | None = None


def _worker_init(settings: Settings) -> None:
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = settings
    load_pipeline(settings.spacy_model)


def _worker_batch(docs: list[RawDocument]) -> list[Result]:
    assert _WORKER_SETTINGS is not None
    return process_batch(docs, _WORKER_SETTINGS)


def _batches(docs: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(paths: Iterable[str | Path], settings: Settings | None = None,
        progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Analyse `paths` into the store at settings.db_path; `progress(done, skipped)` is called
    as documents finish."""
    settings = settings or Settings()
    paths = [str(p) for p in paths]
    started = time.perf_counter()
    # load the pipeline before any worker is forked, so the workers share its memory pages
    load_pipeline(settings.spacy_model)
    with open_store(settings.db_path) as store:
        report = RunReport(run_id=store.start_run(paths))

        def skip(item: Skipped) -> None:
            report.skipped.append(item)
            store.record_skip(report.run_id, item.source, item.reason)
            if progress:
                progress(report.documents, len(report.skipped))

        def fresh_documents() -> Iterator[RawDocument]:
            for item in iter_documents(paths, settings):
                if isinstance(item, Skipped):
                    skip(item)
                elif store.known_source(item.source, item.raw_hash):
                    report.seen += 1
                    report.documents += 1
                    if progress:
                        progress(report.documents, len(report.skipped))
                else:
                    yield item

        for results in _results(_batches(fresh_documents(), settings.batch_size), settings):
            for result in results:
                if isinstance(result, Skipped):
                    skip(result)
                    continue
                analyzed, sig = result
                if store.add_article(analyzed, sig, report.run_id):
                    report.stored += 1
                else:
                    report.seen += 1
                report.documents += 1
                if progress:
                    progress(report.documents, len(report.skipped))

        run_corpus(store, settings)
        report.duplicates = store.duplicate_count()
        report.articles = store.article_count()
        store.finish_run(report.run_id, report.stored, report.seen, len(report.skipped), report.duplicates)
    report.seconds = time.perf_counter() - started
    return report


def _results(batches: Iterator[list[RawDocument]], settings: Settings) -> Iterator[list[Result]]:
    """Results per batch, in input order. Small runs stay in-process; larger ones fan out to
    `settings.workers` processes with a bounded number of batches in flight."""
    first: list[list[RawDocument]] = []
    for batch in batches:
        first.append(batch)
        if sum(len(b) for b in first) >= settings.min_docs_for_workers:
            break
    small = sum(len(b) for b in first) < settings.min_docs_for_workers
    if settings.workers <= 1 or small:
        for batch in itertools.chain(first, batches):
            yield process_batch(batch, settings)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(settings.workers, initializer=_worker_init, initargs=(settings,)) as pool:
        pending: deque = deque()
        for batch in itertools.chain(first, batches):
            pending.append(pool.apply_async(_worker_batch, (batch,)))
            if len(pending) >= 2 * settings.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def run_corpus(store: Store, settings: Settings) -> None:
    """Recompute the cross-article results from everything in the store (idempotent)."""
    duplicates = find_duplicates(store.signatures(), settings.minhash_perms, settings.duplicate_threshold)
    analysis = list(store.article_analysis())
    actors = consolidate([(article_id, actors) for article_id, actors, _ in analysis])
    quotes = attribute_quotes([(article_id, quotes) for article_id, _, quotes in analysis], actors)
    store.save_corpus(duplicates, actors, quotes)
