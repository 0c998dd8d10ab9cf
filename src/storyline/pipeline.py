"""The run: ingest -> extract -> analyze (in supervised worker processes) -> store -> corpus.

Documents stream through in batches; a bounded number of batches is in flight, so memory
stays flat however large the input. The parent process alone reads inputs and writes the
store; each worker batch is committed in one transaction with the run's counters, so a run
killed half-way (even with kill -9) has lost only what was in flight and says truthfully what
it stored. A source whose bytes are already stored, or that failed before, is not read again.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.corpus import stage as corpus_stage
from storyline.ingest import iter_documents
from storyline.ingest.count import count_documents
from storyline.model import Failed, RawDocument, Skipped
from storyline.settings import Settings
from storyline.store import Store, open_store
from storyline.store.search import SearchUnavailable
from storyline.workers import Supervisor, WorkerStartError, results

if TYPE_CHECKING:
    from storyline.distributed import DaskRunner

__all__ = ["Progress", "RunReport", "reanalyze", "run", "run_corpus", "WorkerStartError"]


@dataclass
class RunReport:
    run_id: int
    stored: int = 0  # new articles
    seen: int = 0  # documents whose content was already stored
    skipped: list[Skipped] = field(default_factory=list)  # every input not stored, failures included
    duplicates: int = 0  # near-duplicates in the whole store after the run
    articles: int = 0  # articles in the store after the run
    seconds: float = 0.0
    documents: int = 0  # documents processed in this run (stored + seen)
    workers_replaced: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Failed]:
        return [s for s in self.skipped if isinstance(s, Failed)]

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


@dataclass
class Progress:
    """What a progress display needs: the stage by name, and for the document stage the count
    done out of the total (None while the inputs are still being counted)."""

    stage: str  # starting workers | analysing | corpus: ... | story pages | search index
    done: int = 0
    total: int | None = None
    skipped: int = 0
    failed: int = 0


ProgressFn = Callable[[Progress], None]


def _batches(docs: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Counter:
    """Counts the input documents in a background thread, so the bar gets a total (and an
    ETA) without the run waiting for the count."""

    def __init__(self, paths: list[str], settings: Settings) -> None:
        self.total: int | None = None
        self._thread = threading.Thread(target=self._count, args=(paths, settings), daemon=True)
        self._thread.start()

    def _count(self, paths: list[str], settings: Settings) -> None:
        try:
            self.total = count_documents(paths, settings)
        except Exception:  # the count only feeds the display
            self.total = None


def _pool_size(paths: list[str], settings: Settings) -> int:
    """Workers worth starting: no more than there will be batches for a few small files."""
    if settings.workers <= 0:
        return 0
    quick = count_documents(paths, settings, containers=False)
    if quick is None:
        return settings.workers
    return max(1, min(settings.workers, math.ceil(quick / settings.batch_size)))


def run(paths: Iterable[str | Path], settings: Settings | None = None,
        progress: ProgressFn | None = None) -> RunReport:
    """Analyse `paths` into the store at settings.db_path."""
    settings = settings or Settings()
    paths = [str(p) for p in paths]
    started = time.perf_counter()
    counter = _Counter(paths, settings)
    state = Progress(stage="starting workers")

    def tell(stage: str | None = None) -> None:
        if stage:
            state.stage = stage
        state.total = counter.total
        if progress:
            progress(state)

    tell()
    if settings.outlets is not None:  # a bad labels file is said before any work is done
        from storyline.corpus.outlets import read_outlet_labels

        read_outlet_labels(settings.outlets)
    open_store(settings.db_path).close()  # a busy store is said before any worker is started
    supervisor: Supervisor | DaskRunner | None
    if settings.dask:  # imported only when asked for: Dask is an optional extra
        from storyline.distributed import DaskRunner

        supervisor = DaskRunner(settings).start()
    else:
        size = _pool_size(paths, settings)
        supervisor = Supervisor(settings, size).start() if size else None
    try:
        # the store is opened only once the workers are up: nothing of it is shared with them
        with open_store(settings.db_path) as store:
            report = RunReport(run_id=store.start_run(paths))
            try:
                _analyse(paths, settings, store, report, supervisor, state, tell)
                if supervisor is not None:
                    report.workers_replaced = supervisor.replaced
                    supervisor.close()
                    supervisor = None
                run_corpus(store, settings, tell)
                tell("story pages")
                store.refresh_pages()  # once per run, as the search index
                tell("search index")
                try:
                    store.refresh_search()  # once per run: DuckDB's FTS index is a snapshot
                except SearchUnavailable as exc:
                    report.warnings.append(f"search index not refreshed: {exc}")
                report.duplicates = store.duplicate_count()
                report.articles = store.article_count()
                if pending := store.reanalysis_pending():
                    report.warnings.append(
                        f"{pending} articles were analysed by an older storyline and have no key terms, events "
                        f"or figures, so the stories, timeline and claims leave them out; run `storyline rebuild "
                        f"--reanalyze --db {settings.db_path}` once")
                store.finish_run(report.run_id, report.duplicates)
            except BaseException:
                store.finish_run(report.run_id, None, status="interrupted")
                raise
    finally:
        if supervisor is not None:
            supervisor.close()
    report.seconds = time.perf_counter() - started
    return report


def _analyse(paths: list[str], settings: Settings, store: Store, report: RunReport,
             supervisor: Supervisor | DaskRunner | None, state: Progress, tell: Callable[..., None]) -> None:
    pending_skips: list[Skipped] = []  # read-time skips, recorded with the next batch
    pending_seen = [0]  # sources found already stored while reading, counted with the next batch

    def note_skip(item: Skipped, pending: bool) -> None:
        report.skipped.append(item)
        state.skipped = len(report.skipped)
        state.failed = len(report.failed)
        if pending:
            pending_skips.append(item)
            state.done += 1
            tell()

    def fresh_documents() -> Iterator[RawDocument]:
        for item in iter_documents(paths, settings):
            if isinstance(item, Skipped):
                note_skip(item, pending=True)
            elif store.known_source(item.source, item.raw_hash):
                report.seen += 1
                report.documents += 1
                pending_seen[0] += 1
                state.done += 1
                tell()
            elif not settings.retry_failed and (earlier := store.known_failure(item.source, item.raw_hash)):
                note_skip(Skipped(item.source, f"failed in an earlier run ({earlier}); not retried "
                                               "(use --retry-failed)"), pending=True)
            else:
                yield item

    per_document = [False]

    def document_done() -> None:
        per_document[0] = True
        state.done += 1
        tell()

    if isinstance(supervisor, Supervisor) and not supervisor.ready:
        supervisor.on_ready = lambda: tell("analysing")  # until then: "starting workers"
    else:
        tell("analysing")
    for batch in results(_batches(fresh_documents(), settings.batch_size), settings, supervisor,
                         on_document=document_done):
        done = [r for r in batch if not isinstance(r, Skipped)]
        skipped = [r for r in batch if isinstance(r, Skipped)]
        for item in skipped:
            note_skip(item, pending=False)
        stored, seen = store.add_batch(report.run_id, done, pending_skips + skipped, pending_seen[0])
        pending_skips.clear()
        pending_seen[0] = 0
        report.stored += stored
        report.seen += seen
        report.documents += stored + seen
        if not per_document[0]:  # an executor that reports whole batches only (Dask)
            state.done += len(batch)
        tell()
    if pending_skips or pending_seen[0]:
        store.add_batch(report.run_id, [], pending_skips, pending_seen[0])


def run_corpus(store: Store, settings: Settings, tell: Callable[..., None] | None = None) -> int:
    """Take the articles stored since the last corpus update into the cross-article results
    (near-duplicates, actors, quote speakers), incrementally: on an empty state this is the
    from-scratch derivation, which `storyline rebuild` runs on purpose. Returns the number of
    articles taken in; idempotent."""
    return corpus_stage.update(store, settings, tell)


def reanalyze(store: Store, settings: Settings, tell: Callable[[str], None] | None = None) -> int:
    """Give the articles a store upgraded from an older schema holds the story layer's per-article
    inputs (key terms, event mentions, figures): their stored text analysed again, in this
    process, a page at a time (each page one transaction, so an interrupted pass resumes where
    it stopped: a page already done is done again at worst). Returns how many articles."""
    from storyline.analyze.stages import analyze_stream
    from storyline.model import AnalyzedArticle, Article

    done = 0
    for page in store.iter_reanalysis():
        articles = [Article(source=r["source"], kind=r["kind"], text=r["text"], title=r["title"], outlet=r["outlet"],
                            author=r["author"], published=r["published"], url=r["url"]) for r in page]
        analysed = [a for a in analyze_stream(articles, settings) if isinstance(a, AnalyzedArticle)]
        store.replace_story_inputs(analysed)
        done += len(page)
        if tell:
            tell(f"analysed again: {done}")
    store.reanalysis_done()
    return done
