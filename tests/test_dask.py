"""Extract + analyze as Dask tasks: the same dossier as a local run, a bad document still fails
alone, a scheduler we were given is left running, and without the extra a one-line error."""

from __future__ import annotations

import builtins
import importlib.util
import logging
import time
from pathlib import Path

import psutil
import pytest

import storyline
from storyline.distributed import INSTALL_HINT, DaskError
from storyline.pipeline import run
from storyline.settings import Settings
from tests.conftest import BODY, page

DEMO = Path(storyline.__file__).parent / "demo" / "corpus"
needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="Dask is not installed (pip install '.[dask]')")


def corpus(folder: Path, good: int, markers: tuple[str, ...]) -> dict[str, Path]:
    """`good` ordinary pages plus one page per fault marker, each distinct."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for i in range(good):
        files[f"good{i}"] = folder / f"good{i:03d}.html"
        body = [*BODY, f"Archive note {i}: page {i} of the Dask corpus was filed on day {i}."]
        files[f"good{i}"].write_text(page(title=f"Leaders Meet, Part {i}", body=body), encoding="utf-8")
    for marker in markers:
        files[marker] = folder / f"bad-{marker}.html"
        body = [*BODY, f"The delegation's code word that week was {marker}, an archivist later recalled."]
        files[marker].write_text(page(title=f"Leaders Meet, {marker}", body=body), encoding="utf-8")
    return files


def _children() -> set[int]:
    """Our child processes, but multiprocessing's resource tracker, which lives as long as we do."""
    return {p.pid for p in psutil.Process().children(recursive=True)
            if "resource_tracker" not in " ".join(p.cmdline())}


def _gone(pids: set[int], within: float = 10.0) -> set[int]:
    """Those of `pids` still alive after `within` seconds."""
    deadline = time.monotonic() + within
    alive = {pid for pid in pids if psutil.pid_exists(pid)}
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = {pid for pid in alive if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"}
    return alive


@pytest.mark.slow
@needs_dask
def test_the_demo_through_a_local_dask_cluster_gives_the_local_dossier(tmp_path: Path) -> None:
    local = run([DEMO], Settings(db_path=tmp_path / "local.duckdb", workers=0))
    before = _children()
    # batches of 4: several in flight on each of the 2 workers, finishing out of order
    report = run([DEMO], Settings(db_path=tmp_path / "dask.duckdb", dask="local:2", batch_size=4))
    assert (report.stored, report.skipped, report.workers_replaced) == (local.stored, [], 0)
    assert storyline.dossier(tmp_path / "dask.duckdb") == storyline.dossier(tmp_path / "local.duckdb")
    assert not _gone(_children() - before), "the LocalCluster left processes behind"


@pytest.fixture
def cluster():
    """A scheduler and 2 workers started outside the run, as `dask scheduler` + `dask worker` would
    be; allowed_failures=0 as the README suggests for storyline's own scheduler."""
    from distributed import Client, LocalCluster

    with (LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                       silence_logs=logging.CRITICAL, scheduler_kwargs={"allowed_failures": 0}) as cluster,
          Client(cluster) as client):
        yield cluster, client


def _pipeline_loads() -> int:
    from storyline.analyze.nlp import load_pipeline

    return load_pipeline.cache_info().misses


@pytest.mark.slow
@needs_dask
def test_a_scheduler_address_is_used_a_bad_document_fails_alone_and_the_cluster_stays(
        tmp_path: Path, cluster: tuple) -> None:
    dask_cluster, client = cluster
    address = dask_cluster.scheduler_address
    good = corpus(tmp_path / "good", 8, ())
    settings = Settings(db_path=tmp_path / "s.duckdb", dask=address, batch_size=2)
    assert run([tmp_path / "good"], settings).stored == len(good)
    # each worker loaded the pipeline once, whatever number of batches it ran
    assert set(client.run(_pipeline_loads).values()) == {1}

    files = corpus(tmp_path / "bad", 4, ("Zxoom", "Zahang"))
    report = run([tmp_path / "bad"], settings.with_(faults="extract:oom:Zxoom,actors:sleep:Zahang", doc_timeout=3))
    failed = {Path(f.source).name: f for f in report.failed}
    assert set(failed) == {files["Zxoom"].name, files["Zahang"].name}
    assert failed[files["Zxoom"].name].stage == "worker" and "died" in failed[files["Zxoom"].name].reason
    assert failed[files["Zahang"].name].stage == "actors"
    assert "timed out after 3 s" in failed[files["Zahang"].name].reason
    assert report.documents == 4 and report.workers_replaced >= 2  # the good pages were stored above
    # the scheduler we were given is only disconnected from: it still runs, with its 2 workers
    client.wait_for_workers(2, timeout=30)
    assert client.submit(sum, [1, 2]).result(timeout=30) == 3


@needs_dask
def test_a_bad_cluster_spec_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DaskError, match="expected local:N"):
        run([DEMO], Settings(db_path=tmp_path / "s.duckdb", dask="local:zero"))


def test_without_the_dask_extra_the_run_stops_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_dask(name: str, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(DaskError) as caught:
        run([DEMO], Settings(db_path=tmp_path / "s.duckdb", dask="local:2"))
    message = str(caught.value)
    assert "\n" not in message and INSTALL_HINT in message
    assert "pip install 'storyline[dask]'" in message and "pip install '.[dask]'" in message
