"""Extract + analyze as Dask tasks, for a corpus that outgrows one machine.

`settings.dask` names the cluster: "local:N" starts a LocalCluster of N worker processes here
(one thread each), anything else is a scheduler address ("tcp://host:8786") whose `dask worker`
processes may run on other machines. Only the work of workers.process_stream moves out; the
parent still reads the inputs and alone writes the store, exactly as with the local Supervisor,
whose contract (`map`, `replaced`, `close`) DaskRunner keeps so the pipeline can use either.

How the Supervisor's guarantees carry over:

- the model is loaded once per worker process: load_pipeline is lru_cached per process, and it
  is warmed on every worker at start, so a worker without storyline or its spaCy pipeline stops
  the run with one line instead of failing every document;
- memory stays flat: at most BATCHES_PER_THREAD input batches per worker thread are in flight;
- results come back per input batch, in input order, so the store fills in the same order as a
  local run and the dossier is identical;
- each task reports every stage it begins as a Dask event (the Supervisor's pipe messages), so
  the parent knows which tasks were running, and on which document, when something goes wrong;
- a worker that dies: the scheduler runs its tasks again elsewhere, up to its allowed-failures
  (0 in a LocalCluster we start: the parent decides better), then reports KilledWorker. A task
  that was only queued on the dead worker goes again as it was; a batch that was running goes
  again one document per task; a lone document that was running is recorded as
  Failed(stage="worker"), as the Supervisor does;
- a hang: a task silent for doc_timeout is cancelled and its worker restarted through its nanny
  (a thread cannot be killed); the document it was on fails (or, inside the batch's nlp.pipe,
  where the culprit is unknown, each document goes again alone) and the rest goes again.

Not covered: a hung worker started with `--no-nanny` cannot be restarted (its thread stays busy;
the documents go elsewhere); a scheduler that goes away stops the run (marked interrupted; the
next run picks up where it stopped); on a worker with several threads, a restart for a hang
also interrupts its other tasks (they go again), and a death is blamed on every task that was
running there, so a good batch may be split and a good lone document failed beside a bad one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyline.model import Failed, RawDocument
from storyline.settings import Settings
from storyline.workers import _PER_DOCUMENT_STAGES, Batch, Result, WorkerStartError, in_order, process_stream

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

__all__ = ["DaskError", "DaskRunner", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'storyline[dask]' (from a checkout: pip install '.[dask]')"
# input batches in flight per worker thread: enough to keep every worker busy while the parent
# writes, few enough that memory stays flat
BATCHES_PER_THREAD = 3
# a worker that has not loaded its pipeline in this long is taken for stuck (as in the Supervisor)
START_TIMEOUT = 300.0
# how many times a LocalCluster we start runs a task again after its worker died: none, since
# the parent does it better (it knows whether the task was running or only queued there)
LOCAL_ALLOWED_FAILURES = 0
# the Dask event topic of the tasks' stage reports: one name for every run, so a long-lived
# scheduler keeps one bounded log of them (distributed.admin.low-level-log-length events)
TOPIC = "storyline-stage"
# how long a suspect task waits after saying it began (its worker's event stream flushes every few ms)
SUSPECT_PAUSE = 0.1
# a task whose worker died while it was not proven to be running there (it was queued behind
# the culprit) is sent again as it was, at most this often
SUSPECT_TRIES = 3

log = logging.getLogger(__name__)


class DaskError(WorkerStartError):
    """The Dask cluster cannot be used (not installed, unreachable, no workers, storyline missing
    on a worker, scheduler lost): one line, like local workers that cannot start."""


class _SetupFailed(Exception):
    """Raised by a task whose worker cannot load the spaCy pipeline: every task there would fail
    the same way, so the run stops instead of recording each document as failed."""


class _TaskFailed(Exception):
    """Raised by a task when process_stream itself raised (it catches each document's errors, so
    this is a bug): it tells such a failure, which is the documents', from Dask's own errors
    (a scheduler or worker that cannot unpickle storyline's tasks), which stop the run."""


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise DaskError(f"Dask is not installed: {INSTALL_HINT}", kind="ImportError") from exc
    return distributed


# ---- on the worker -----------------------------------------------------------------------------

def _warm(model: str | None) -> int:
    """Load the pipeline before the first task, on every worker at once (None: only prove that
    storyline imports there); returns the pid so a caller can see which processes hold it."""
    if model is not None:
        from storyline.analyze import load_pipeline

        load_pipeline(model)
    return os.getpid()


def _reporter(run: str, unit: int) -> Callable[[str, int], None]:
    """Tells the parent which stage of which document the task is in, so it can tell a hang from
    a long batch and name the document that hung."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):  # called outside a Dask worker
        return lambda stage, i: None
    address = worker.address

    def report(stage: str, i: int) -> None:
        worker.log_event(TOPIC, {"run": run, "unit": unit, "i": i, "stage": stage, "worker": address})

    return report


def _analyse_batch(run: str, unit: int, docs: list[RawDocument], settings: Settings,
                   suspect: bool = False) -> list[Result]:
    """The Dask task: one batch through extract + analyze, results in batch order."""
    report = _reporter(run, unit)
    report("start", -1)
    if suspect:
        # a document that may kill its worker: let the parent hear that it began before a crash
        # that may follow at once, so a death is blamed on the task that ran, not on one queued
        time.sleep(SUSPECT_PAUSE)
    try:
        from storyline.analyze import load_pipeline

        load_pipeline(settings.spacy_model)  # lru_cached: loaded once per worker process
    except Exception as exc:
        raise _SetupFailed(type(exc).__name__, str(exc)) from None
    try:
        found = dict(process_stream(docs, settings, on_stage=report))
    except Exception as exc:
        raise _TaskFailed(f"{type(exc).__name__}: {exc}") from None
    return [found[i] for i in range(len(docs))]


# ---- in the parent -----------------------------------------------------------------------------

@dataclass
class _Unit:
    """Documents of one input batch sent as one task: (index in the batch, document)."""

    id: int
    batch: int
    items: list[tuple[int, RawDocument]]
    future: Future | None = None
    tries: int = 1  # times sent as it is (again after a worker died while it waited there)


def _local_workers(spec: str, settings: Settings) -> int | None:
    """Worker processes for "local:N" ("local" alone: settings.workers); None for an address."""
    if spec != "local" and not spec.startswith("local:"):
        return None
    count = spec.partition(":")[2] or str(max(1, settings.workers))
    if not count.isdigit() or int(count) < 1:
        raise DaskError(f"dask={spec!r}: expected local:N (N worker processes here) or a scheduler "
                        "address such as tcp://host:8786")
    return int(count)


class DaskRunner:
    """Runs batches as Dask tasks; results per input batch, in input order, whatever happens to
    the workers (see the module docstring for what is and is not covered)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.dask:
            raise ValueError("DaskRunner needs settings.dask")
        self.settings = settings
        self.spec = settings.dask.strip()
        self.client: Client | None = None
        self.cluster: LocalCluster | None = None
        self.run = uuid.uuid4().hex  # tells this run's events from another's on a shared scheduler
        self.units: dict[int, _Unit] = {}  # in flight, by id
        self.batches: dict[int, Batch] = {}
        self.heard: dict[int, tuple[float, int, str, str]] = {}  # unit -> (when, index, stage, worker)
        self.starts: dict[int, int] = {}  # unit -> attempts that began running
        self.next_unit = 0
        self.replaced = 0  # workers restarted for a hang or killed by a task that ran there
        self.pids: dict[str, int] = {}  # worker address -> pid, of every worker checked for storyline
        self._threads = (0.0, 1)  # (when counted, worker threads)

    # -- lifecycle --
    def start(self) -> DaskRunner:
        try:
            self._connect()
        except BaseException:
            self.close()
            raise
        return self

    def _connect(self) -> None:
        distributed = _import_distributed()
        workers = _local_workers(self.spec, self.settings)
        if workers is not None:
            self.cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.CRITICAL,  # failures are reported by the run, not logged over its progress bar
                scheduler_kwargs={"allowed_failures": LOCAL_ALLOWED_FAILURES})
            self.client = distributed.Client(self.cluster)
        else:
            try:
                self.client = distributed.Client(self.spec)
            except (OSError, TimeoutError, ValueError) as exc:
                raise DaskError(f"cannot reach the Dask scheduler at {self.spec}: {exc}") from exc
        try:
            self.client.wait_for_workers(1, timeout=START_TIMEOUT)
        except TimeoutError as exc:
            raise DaskError(f"no Dask worker joined the scheduler at {self.spec} in {START_TIMEOUT:g} s "
                            f"(start one with `dask worker {self.spec}`)") from exc
        self.client.subscribe_topic(TOPIC, self._hear)
        self._warm(list(self.client.nthreads()), self.settings.spacy_model)
        self._threads = (time.monotonic(), max(1, sum(self.client.nthreads().values())))

    def _warm(self, workers: list[str], model: str | None) -> None:
        """Stop at once, with one line, on a worker that lacks storyline or its pipeline: a task
        sent there would otherwise fail every document, or (storyline missing) wait forever."""
        assert self.client is not None
        outcomes = self.client.run(_warm, model, workers=workers, on_error="return")
        gone = {a for a, o in outcomes.items() if isinstance(o, BaseException)} - set(self.client.nthreads())
        for address, outcome in outcomes.items():
            if not isinstance(outcome, BaseException):
                self.pids[address] = outcome
            elif address in gone:
                continue  # left (or died) in the meantime: nothing to say about it
            elif type(outcome).__name__ == "ModelNotInstalled":
                raise DaskError(f"on Dask worker {address}: {outcome}", kind="ModelNotInstalled")
            else:
                raise DaskError(f"Dask worker {address} cannot run storyline ({outcome}); storyline must be "
                                "installed on the scheduler and every worker", kind=type(outcome).__name__)

    def close(self) -> None:
        """Shut down a LocalCluster we started; only disconnect from a scheduler we were given."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            pending = [u.future for u in self.units.values() if u.future is not None]
            for step in (lambda: client.cancel(pending), lambda: client.unsubscribe_topic(TOPIC), client.close):
                try:
                    step()
                except Exception as exc:  # closing must not hide the error that brought us here
                    log.debug("closing the Dask client: %s", exc)
        if cluster is not None:
            try:
                cluster.close()
            except Exception as exc:
                log.debug("closing the LocalCluster: %s", exc)
        self.units.clear()

    def __enter__(self) -> DaskRunner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the run --
    def map(self, batches: Iterable[list[RawDocument]]) -> Iterator[list[Result]]:
        return in_order(batches, self.batches, limit=lambda: BATCHES_PER_THREAD * self._worker_threads(),
                        submit=lambda batch, docs: self._submit(batch, list(enumerate(docs))), step=self._wait)

    def _worker_threads(self) -> int:
        """Worker threads now, looked at every 5 s at most: workers may join (each is checked for
        storyline before it gets much work) or leave mid-run."""
        when, threads = self._threads
        if time.monotonic() - when > 5 and self.client is not None:
            nthreads = self.client.nthreads()
            if joined := [address for address in nthreads if address not in self.pids]:
                self._warm(joined, None)  # the pipeline loads with the first task: no wait here
            threads = max(1, sum(nthreads.values()))
            self._threads = (time.monotonic(), threads)
        return threads

    def _submit(self, batch: int, items: list[tuple[int, RawDocument]], suspect: bool = False,
                tries: int = 1) -> None:
        """`suspect`: sent again after a worker died, so it may be what kills workers."""
        assert self.client is not None
        self.next_unit += 1
        unit = _Unit(id=self.next_unit, batch=batch, items=items, tries=tries)
        # pure=False: a batch sent again after a failure must be a new task, not the failed one
        unit.future = self.client.submit(_analyse_batch, self.run, unit.id, [doc for _, doc in items],
                                         self.settings, suspect, pure=False)
        self.units[unit.id] = unit

    def _hear(self, event: tuple[float, dict[str, Any]]) -> None:
        """Called on the client's event-loop thread for each stage a task begins."""
        message = event[1]
        unit = message.get("unit")
        if message.get("run") == self.run and unit in self.units:
            self.heard[unit] = (time.monotonic(), message["i"], message["stage"], message["worker"])
            if message["stage"] == "start":
                self.starts[unit] = self.starts.get(unit, 0) + 1

    def _wait(self) -> None:
        from distributed import wait

        futures = [u.future for u in self.units.values()]
        if futures:
            with contextlib.suppress(TimeoutError):  # a second without news: look for hangs
                wait(futures, timeout=1.0, return_when="FIRST_COMPLETED")
        for unit in list(self.units.values()):
            if unit.future is not None and unit.future.done():
                self._collect(unit)
        self._check_hangs()

    def _collect(self, unit: _Unit) -> None:
        from distributed import KilledWorker

        future = unit.future
        assert future is not None
        del self.units[unit.id]
        self.heard.pop(unit.id, None)
        started = self.starts.pop(unit.id, 0)
        if future.status == "finished":
            for (batch_index, _), result in zip(unit.items, future.result(), strict=True):
                self.batches[unit.batch].results[batch_index] = result
            future.release()
            return
        if future.status == "cancelled":
            raise DaskError(f"the Dask scheduler at {self.spec} cancelled a task (did it restart or go away?)")
        exc = future.exception()
        future.release()
        if isinstance(exc, _SetupFailed):
            raise DaskError(str(exc.args[1]) if len(exc.args) > 1 else str(exc),
                            kind=str(exc.args[0]) if exc.args else "")
        if not isinstance(exc, (KilledWorker, _TaskFailed)):
            raise DaskError(f"Dask could not run storyline's task ({type(exc).__name__}: {exc}); storyline must be "
                            "installed on the scheduler and every worker")
        if isinstance(exc, KilledWorker):
            deaths = exc.allowed_failures + 1
            self.replaced += min(started, deaths)  # the deaths while it ran (one task runs per thread)
            if started < deaths and unit.tries < SUSPECT_TRIES:
                # a worker died while this task waited beside the one that killed it: not proven
                # guilty, so it goes again as it was
                self._submit(unit.batch, unit.items, suspect=True, tries=unit.tries + 1)
                return
            who = "its Dask worker" if deaths == 1 else f"{deaths} Dask workers"
            why = f"{who} died running it (a crash, a kill or out of memory)"
        else:
            why = f"worker failed: {exc}"
        self._again(unit, why, "worker")

    def _again(self, unit: _Unit, why: str, stage: str, culprit: int | None = None) -> None:
        """Fail the culprit (the only document, or the one named); send the rest again, each
        document alone when the culprit is unknown."""
        if culprit is None and len(unit.items) == 1:
            culprit = 0
        if culprit is None:
            for item in unit.items:
                self._submit(unit.batch, [item], suspect=True)
            return
        batch_index, doc = unit.items[culprit]
        self.batches[unit.batch].results[batch_index] = Failed(doc.source, why, stage=stage, raw_hash=doc.raw_hash)
        rest = [item for pos, item in enumerate(unit.items) if pos != culprit]
        if rest:
            self._submit(unit.batch, rest)

    def _check_hangs(self) -> None:
        now = time.monotonic()
        late = []
        for unit in list(self.units.values()):
            heard = self.heard.get(unit.id)
            if heard is None:
                continue  # not started yet: a task waiting its turn is not hung
            when, _, stage, _ = heard
            if now - when > (START_TIMEOUT if stage == "start" else self.settings.doc_timeout):
                late.append(unit)
        if not late:
            return
        assert self.client is not None
        alive = set(self.client.nthreads())
        for unit in late:
            when, index, stage, worker = self.heard[unit.id]
            if worker not in alive:
                # its worker died: the scheduler runs the task again elsewhere (or reports
                # KilledWorker), and the clock restarts with the new attempt's first stage
                del self.heard[unit.id]
                continue
            if unit.future is not None and unit.future.done():
                continue  # finished while we looked: collected on the next round
            self._hung(unit, index, stage, worker)

    def _hung(self, unit: _Unit, index: int, stage: str, worker: str) -> None:
        assert self.client is not None and unit.future is not None
        self.client.cancel([unit.future], force=True)
        del self.units[unit.id]
        del self.heard[unit.id]
        self.starts.pop(unit.id, None)
        self._restart(worker)
        if stage == "start":
            raise DaskError(f"Dask worker {worker} did not load the spaCy pipeline in {START_TIMEOUT:g} s")
        why = f"timed out after {self.settings.doc_timeout:g} s"
        known = index >= 0 and (len(unit.items) == 1 or stage in _PER_DOCUMENT_STAGES)
        # a thread cannot be killed: only a restart (through the worker's nanny) frees the worker
        self._again(unit, f"{why} in {stage if known else 'worker'}; the Dask worker was restarted",
                    stage if known else "worker", culprit=index if known else None)

    def _restart(self, worker: str) -> None:
        assert self.client is not None
        try:
            self.client.restart_workers([worker], timeout=START_TIMEOUT)
            self.replaced += 1
        except Exception as exc:  # no nanny (dask worker --no-nanny), or it did not come back
            log.warning("could not restart the hung Dask worker %s (%s); its thread stays busy", worker, exc)
