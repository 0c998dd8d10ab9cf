"""Worker processes for extract + analyze, supervised so that no document can stop a run.

Why not multiprocessing.Pool or concurrent.futures: neither can take back one task from a
worker that hangs, and a worker that dies takes the pool (or the task's whole batch) with it.
Here each worker is a process with its own pipe; it reports each stage it begins and each
result as it is ready, so the supervisor always knows which document a worker is on. A worker
that is silent for `doc_timeout` seconds is killed, one that dies is noticed at once, and in
both cases a fresh worker replaces it: the document it was on is reported as failed, and the
rest of its batch is handed out again.

Workers are started with `spawn` (a clean interpreter: nothing of the parent's open store,
threads or locks is inherited) and die with their parent: on Linux the kernel kills them when
the parent dies (PR_SET_PDEATHSIG), elsewhere a watch thread notices within half a second.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from storyline.model import AnalyzedArticle, Failed, RawDocument, Skipped
from storyline.settings import Settings

Result = tuple[AnalyzedArticle, bytes] | Skipped
StageHook = Callable[[str, int], None]

# stages that run one document at a time: a hang there is that document's alone
_PER_DOCUMENT_STAGES = ("extract", "actors", "quotes", "terms", "events", "claims", "signature")


class WorkerStartError(RuntimeError):
    """A worker could not start (the spaCy pipeline is missing, say); every worker would fail
    the same way, so the run stops with this one message."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


def process_stream(docs: list[RawDocument], settings: Settings,
                   on_stage: StageHook | None = None) -> Iterator[tuple[int, Result]]:
    """Extract and analyse one batch, yielding (index in the batch, result) as each is done."""
    from storyline.analyze import analyze_stream
    from storyline.corpus import signature
    from storyline.extract import extract
    from storyline.faults import inject

    articles = []
    position: dict[int, int] = {}  # id(article) -> index in the batch
    for i, doc in enumerate(docs):
        if on_stage:
            on_stage("extract", i)
        try:
            inject(settings.faults, "extract", doc.html or doc.text)
            found = extract(doc, settings)
        except Exception as exc:
            found = Failed(doc.source, f"extract failed: {type(exc).__name__}: {exc}", stage="extract",
                           raw_hash=doc.raw_hash)
        if isinstance(found, Skipped):
            yield i, found
        else:
            position[id(found)] = i
            articles.append(found)
    hook = (lambda stage, article: on_stage(stage, position[id(article)])) if on_stage else None
    for article, result in zip(articles, analyze_stream(articles, settings, on_stage=hook), strict=True):
        i = position[id(article)]
        if isinstance(result, Skipped):
            yield i, result
            continue
        if on_stage:
            on_stage("signature", i)
        try:
            sig = signature(article.text, settings.minhash_perms, settings.shingle_words)
        except Exception as exc:
            yield i, Failed(article.source, f"signature failed: {type(exc).__name__}: {exc}", stage="signature",
                            raw_hash=article.raw_hash)
            continue
        yield i, (result, sig)


# ---- the worker process ------------------------------------------------------------------------

def _die_with_parent() -> None:
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_main(conn: multiprocessing.connection.Connection, settings: Settings) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        from storyline.analyze import load_pipeline

        load_pipeline(settings.spacy_model)
    except Exception as exc:
        conn.send(("fatal", type(exc).__name__, str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        unit_id, docs = message

        def on_stage(stage: str, i: int, unit_id: int = unit_id) -> None:
            conn.send(("stage", unit_id, i, stage))

        for i, result in process_stream(docs, settings, on_stage=on_stage):
            conn.send(("result", unit_id, i, result))
        conn.send(("done", unit_id))


# ---- the supervisor ----------------------------------------------------------------------------

@dataclass
class _Unit:
    """Documents of one input batch handed to one worker: (index in the batch, document)."""

    id: int
    batch: int
    items: list[tuple[int, RawDocument]]


@dataclass
class Batch:
    """An input batch in flight: results arrive by index, in any order, from any executor."""

    size: int
    results: dict[int, Result] = field(default_factory=dict)


def in_order(batches: Iterable[list[RawDocument]], pending: dict[int, Batch], limit: Callable[[], int],
             submit: Callable[[int, list[RawDocument]], None], step: Callable[[], None]) -> Iterator[list[Result]]:
    """Results per input batch in input order, with at most `limit()` batches in flight, for any
    executor: `submit(batch number, documents)` hands a batch out, `step()` waits for progress
    (results land in `pending[batch].results`). One place for the ordering, so the store's
    arrival order is the same whichever executor ran the documents."""
    source = iter(batches)
    exhausted = False
    next_out = 0
    received = 0
    while True:
        while not exhausted and received - next_out < limit():
            try:
                docs = next(source)
            except StopIteration:
                exhausted = True
                break
            pending[received] = Batch(size=len(docs))
            if docs:
                submit(received, docs)
            received += 1
        while next_out in pending and len(pending[next_out].results) == pending[next_out].size:
            done = pending.pop(next_out)
            yield [done.results[i] for i in range(done.size)]
            next_out += 1
        if exhausted and next_out == received:
            return
        step()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    ready: bool = False
    unit: _Unit | None = None
    delivered: set[int] = field(default_factory=set)
    stage: tuple[int, str] | None = None  # (index in batch, stage) last begun
    last_heard: float = 0.0
    started: float = 0.0


class Supervisor:
    """Runs batches through `n` supervised worker processes; results come back per input
    batch, in input order, whatever happens to the workers."""

    # a worker that has not loaded its pipeline in this long is taken for stuck
    START_TIMEOUT = 300.0

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.size = max(1, workers)
        self.context = multiprocessing.get_context(settings.start_method)
        self.workers: list[_Worker] = []
        self.queue: deque[_Unit] = deque()
        self.batches: dict[int, Batch] = {}
        self.units = 0
        self.replaced = 0
        # called as each document is done (progress), and once when the first worker is ready
        self.on_document: Callable[[], None] | None = None
        self.on_ready: Callable[[], None] | None = None

    # -- lifecycle --
    def start(self) -> Supervisor:
        while len(self.workers) < self.size:
            self._spawn()
        return self

    def _spawn(self) -> None:
        parent_conn, child_conn = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker_main, args=(child_conn, self.settings), daemon=True,
                                       name="storyline-worker")
        process.start()
        child_conn.close()
        now = time.monotonic()
        self.workers.append(_Worker(process=process, conn=parent_conn, last_heard=now, started=now))

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.conn.close()
        self.workers.clear()

    def __enter__(self) -> Supervisor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ready(self) -> bool:
        return any(w.ready for w in self.workers)

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process.pid]

    # -- the run --
    def map(self, batches: Iterable[list[RawDocument]]) -> Iterator[list[Result]]:
        return in_order(batches, self.batches, limit=lambda: 3 * self.size,  # memory stays flat
                        submit=self._split, step=self._step)

    def _split(self, batch: int, docs: list[RawDocument]) -> None:
        """A batch goes out in `size` parts: with whole batches the last one of a run is
        analysed by one worker while the others wait."""
        items = list(enumerate(docs))
        part = max(1, math.ceil(len(items) / self.size))
        for start in range(0, len(items), part):
            self._enqueue(batch, items[start:start + part])

    def _step(self) -> None:
        self._assign()
        self._wait()

    def _enqueue(self, batch: int, items: list[tuple[int, RawDocument]], front: bool = False) -> None:
        self.units += 1
        unit = _Unit(id=self.units, batch=batch, items=items)
        if front:
            self.queue.appendleft(unit)
        else:
            self.queue.append(unit)

    def _assign(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.unit is None and self.queue:
                unit = self.queue.popleft()
                worker.unit, worker.delivered, worker.stage = unit, set(), None
                worker.last_heard = time.monotonic()
                worker.conn.send((unit.id, [doc for _, doc in unit.items]))

    def _wait(self) -> None:
        now = time.monotonic()
        deadlines = [self._deadline(w) for w in self.workers]
        timeout = max(0.01, min([d - now for d in deadlines] + [1.0]))
        handles: list = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
        multiprocessing.connection.wait(handles, timeout=timeout)
        for worker in list(self.workers):
            self._drain(worker)
        now = time.monotonic()
        for worker in list(self.workers):
            if worker not in self.workers:
                continue
            if not worker.process.is_alive():
                self._drain(worker)
                code = worker.process.exitcode
                self._lost(worker, _death_reason(code))
            elif now > self._deadline(worker):
                if worker.ready:
                    self._lost(worker, f"timed out after {self.settings.doc_timeout:g} s")
                else:
                    self._lost(worker, "worker did not start in time")

    def _deadline(self, worker: _Worker) -> float:
        if not worker.ready:
            return worker.started + self.START_TIMEOUT
        if worker.unit is None:
            return float("inf")
        return worker.last_heard + self.settings.doc_timeout

    def _drain(self, worker: _Worker) -> None:
        while True:
            try:
                if not worker.conn.poll():
                    return
                message = worker.conn.recv()
            except (EOFError, OSError):
                return
            worker.last_heard = time.monotonic()
            kind = message[0]
            if kind == "ready":
                worker.ready = True
                if self.on_ready is not None:
                    self.on_ready()
                    self.on_ready = None
            elif kind == "fatal":
                raise WorkerStartError(message[2], kind=message[1])
            elif worker.unit is None or message[1] != worker.unit.id:
                continue  # a late word about a unit already taken back
            elif kind == "stage":
                worker.stage = (message[2], message[3])
            elif kind == "result":
                index_in_unit = message[2]
                batch_index = worker.unit.items[index_in_unit][0]
                worker.delivered.add(index_in_unit)
                self.batches[worker.unit.batch].results[batch_index] = message[3]
                if self.on_document is not None:
                    self.on_document()
            elif kind == "done":
                worker.unit, worker.stage = None, None

    def _lost(self, worker: _Worker, why: str) -> None:
        """Kill and replace `worker`; fail the document it was on, hand the rest out again."""
        unit, stage = worker.unit, worker.stage
        with contextlib.suppress(Exception):
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        self.workers.remove(worker)
        self.replaced += 1
        if not worker.ready and unit is None:
            if self.replaced > 3 * self.size:
                raise WorkerStartError(f"worker processes keep failing to start ({why})")
            self._spawn()
            return
        self._spawn()
        if unit is None:
            return
        left = [(pos, item) for pos, item in enumerate(unit.items) if pos not in worker.delivered]
        if not left:
            return
        culprit: int | None = None
        if len(left) == 1:
            culprit = left[0][0]
        elif stage is not None and stage[1] in _PER_DOCUMENT_STAGES:
            culprit = stage[0]
        if culprit is None:
            # the batch was inside spaCy's nlp.pipe: which document is to blame is unknown, so
            # each goes again alone and the guilty one fails by itself
            for _pos, item in reversed(left):
                self._enqueue(unit.batch, [item], front=True)
            return
        where = stage[1] if stage is not None and stage[0] == culprit else "worker"
        batch_index, doc = unit.items[culprit]
        self.batches[unit.batch].results[batch_index] = Failed(
            doc.source, f"{why} in {where}; the worker was replaced", stage=where, raw_hash=doc.raw_hash)
        if self.on_document is not None:
            self.on_document()
        rest = [item for pos, item in left if pos != culprit]
        if rest:
            self._enqueue(unit.batch, rest, front=True)


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGKILL":
            return "worker was killed (SIGKILL, e.g. out of memory)"
        return f"worker crashed ({name})"
    return f"worker exited unexpectedly (code {code})"


def results(batches: Iterable[list[RawDocument]], settings: Settings, supervisor: Supervisor | None,
            on_document: Callable[[], None] | None = None) -> Iterator[list[Result]]:
    """Results per input batch, in input order: through `supervisor`, or in this process.
    `on_document()` is called as each document is done, before its batch is complete, so a
    progress display moves with the documents rather than in batch-sized jumps."""
    if supervisor is not None:
        if on_document is not None and hasattr(supervisor, "on_document"):
            supervisor.on_document = on_document
        yield from supervisor.map(batches)
        return
    for docs in batches:
        found = {}
        for i, result in process_stream(docs, settings):
            found[i] = result
            if on_document is not None:
                on_document()
        yield [found[i] for i in range(len(docs))]
