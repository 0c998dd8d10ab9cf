"""One bad article never stops a run: a stage that raises, a page that hangs, a worker that
crashes or is killed, each named in the report and remembered so re-runs pass over it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

import storyline
from storyline.pipeline import Progress
from storyline.settings import Settings
from storyline.store import open_store
from storyline.views.cli import app
from tests.conftest import BODY, file_size, page

FAULTS = ("quotes:raise:Zqraise,actors:sleep:Zahang,nlp:crash:Zncrash,extract:raise:Zxraise,"
          "extract:oom:Zxoom")


def corpus(folder: Path, good: int, markers: tuple[str, ...]) -> dict[str, Path]:
    """`good` ordinary pages plus one page per marker, each distinct."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for i in range(good):
        body = [*BODY, f"Archive note {i}: page {i} of the fault-isolation corpus was filed on day {i}."]
        files[f"good{i}"] = folder / f"good{i:03d}.html"
        files[f"good{i}"].write_text(page(title=f"Leaders Meet, Part {i}", body=body), encoding="utf-8")
    for marker in markers:
        body = [*BODY, f"The delegation's code word that week was {marker}, an archivist later recalled."]
        files[marker] = folder / f"bad-{marker}.html"
        files[marker].write_text(page(title=f"Leaders Meet, {marker}", body=body), encoding="utf-8")
    return files


@pytest.mark.slow
def test_a_raise_a_hang_and_dead_workers_are_each_named_and_the_run_completes(tmp_path: Path) -> None:
    markers = ("Zqraise", "Zahang", "Zncrash", "Zxraise", "Zxoom")
    files = corpus(tmp_path / "in", 6, markers)
    settings = Settings(db_path=tmp_path / "s.duckdb", workers=2, doc_timeout=4, faults=FAULTS, batch_size=4)
    started = time.monotonic()
    report = storyline.pipeline.run([tmp_path / "in"], settings)
    elapsed = time.monotonic() - started
    failed = {Path(f.source).name: f for f in report.failed}
    assert set(failed) == {files[m].name for m in markers}
    assert report.stored == 6 and report.articles == 6
    assert failed[files["Zqraise"].name].stage == "quotes"
    assert "InjectedFault" in failed[files["Zqraise"].name].reason
    assert failed[files["Zahang"].name].stage == "actors"
    assert "timed out after 4 s" in failed[files["Zahang"].name].reason
    assert "SIGSEGV" in failed[files["Zncrash"].name].reason
    assert failed[files["Zxraise"].name].stage == "extract"
    assert "SIGKILL" in failed[files["Zxoom"].name].reason
    assert report.workers_replaced >= 3  # the hang, the crash, the kill
    assert elapsed < 90
    with open_store(settings.db_path, read_only=True) as store:
        stored = {Path(a["source"]).name for a in store.articles()}
        assert not stored & set(failed)  # a failed article's text is not stored
        (run,) = store.runs()
        assert (run["status"], run["stored"], run["failed"]) == ("done", 6, 5)
        assert {Path(f["source"]).name for f in store.failures()} == set(failed)

    # a re-run passes over the failures at once (none of them hangs or crashes again) ...
    again = storyline.pipeline.run([tmp_path / "in"], settings)
    assert again.stored == 0 and again.seen == 6 and again.workers_replaced == 0
    assert {Path(s.source).name for s in again.skipped} == set(failed)
    assert all("failed in an earlier run" in s.reason and "--retry-failed" in s.reason for s in again.skipped)
    # ... and --retry-failed tries again: with the faults gone they are stored
    retried = storyline.pipeline.run([tmp_path / "in"], settings.with_(faults=None, retry_failed=True))
    assert retried.stored == 5 and not retried.skipped
    with open_store(settings.db_path, read_only=True) as store:
        assert store.failures() == []


def test_in_process_an_article_that_raises_fails_alone(tmp_path: Path) -> None:
    files = corpus(tmp_path / "in", 2, ("Zqraise", "Zxraise"))
    settings = Settings(db_path=tmp_path / "s.duckdb", workers=0, faults="quotes:raise:Zqraise,"
                                                                         "actors:raise:Zxraise")
    report = storyline.pipeline.run([tmp_path / "in"], settings)
    assert report.stored == 2
    assert {(Path(f.source).name, f.stage) for f in report.failed} == {(files["Zqraise"].name, "quotes"),
                                                                      (files["Zxraise"].name, "actors")}


def test_worker_processes_are_spawned_and_never_hold_the_store(tmp_path: Path) -> None:
    corpus(tmp_path / "in", 3, ())
    db = tmp_path / "s.duckdb"
    seen: list[tuple[str, list[str]]] = []

    def watch(state: Progress) -> None:
        if state.stage == "analysing" and not seen:
            for child in psutil.Process().children(recursive=True):
                seen.append((" ".join(child.cmdline()), [f.path for f in child.open_files()]))

    storyline.pipeline.run([tmp_path / "in"], Settings(db_path=db, workers=1), progress=watch)
    # a fresh interpreter (multiprocessing's spawn_main), not a fork of the process with the store open
    workers = [paths for cmd, paths in seen if "multiprocessing.spawn" in cmd]
    assert len(workers) == 1, seen
    assert not any(p.startswith(str(db)) for paths in workers for p in paths)


@pytest.mark.slow
def test_kill_9_of_the_parent_takes_its_workers_and_the_run_tells_what_it_stored(tmp_path: Path) -> None:
    corpus(tmp_path / "in", 150, ())
    db = tmp_path / "s.duckdb"
    command = [sys.executable, "-m", "storyline", "analyze", str(tmp_path / "in"), "--db", str(db),
               "--out", str(tmp_path / "out"), "--quiet", "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(process.pid)
    wal = Path(f"{db}.wal")
    deadline = time.time() + 180
    while time.time() < deadline and process.poll() is None:
        if file_size(wal) > 100_000:
            break
        time.sleep(0.05)
    workers = [c for c in parent.children(recursive=True) if "multiprocessing.spawn" in " ".join(c.cmdline())]
    assert workers, "no worker processes seen"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    _, alive = psutil.wait_procs(workers, timeout=3)
    assert not alive, f"workers outlived their parent: {[w.pid for w in alive]}"
    with open_store(db, read_only=True) as store:
        stored = store.article_count()
        (run,) = store.runs()
        assert 0 < stored < 150
        assert run["stored"] == stored  # not "0 stored": counters are committed with each batch
    result = subprocess.run([sys.executable, "-m", "storyline", "stats", "--db", str(db)], capture_output=True,
                            text=True, timeout=60)
    assert f"{stored} stored" in result.stdout
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    with open_store(db, read_only=True) as store:
        assert store.article_count() == 150
        first, second = store.runs()
        assert first["status"] == "interrupted" and first["stored"] == stored
        assert second["status"] == "done" and second["stored"] == 150 - stored


def test_stats_lists_what_recent_runs_skipped_and_why(tmp_path: Path, cli) -> None:
    corpus(tmp_path / "in", 1, ("Zqraise",))
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    storyline.pipeline.run([tmp_path / "in", tmp_path / "missing.html"],
                           Settings(db_path=db, workers=0, faults="quotes:raise:Zqraise"))
    result = cli.invoke(app, ["stats", "--db", str(db)])
    assert result.exit_code == 0 and "3 skipped (1 failed)" in result.output
    assert "stats --skipped" in result.output
    listed = cli.invoke(app, ["stats", "--db", str(db), "--skipped"])
    assert listed.exit_code == 0
    out = " ".join(listed.output.split())
    assert "empty.txt: empty file" in out
    assert "missing.html: no such file or directory" in out
    assert "failed in quotes" in out and "bad-Zqraise.html: quotes failed: InjectedFault" in out


def test_progress_has_a_total_and_names_each_stage(tmp_path: Path) -> None:
    corpus(tmp_path / "in", 3, ())
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    states: list[tuple[str, int, int | None]] = []
    storyline.pipeline.run([tmp_path / "in"], Settings(db_path=tmp_path / "s.duckdb", workers=0),
                           progress=lambda s: states.append((s.stage, s.done, s.total)))
    stages = list(dict.fromkeys(stage for stage, _, _ in states))
    assert stages == ["starting workers", "analysing", "corpus: near-duplicates", "corpus: actors and quotes",
                      "corpus: stories", "corpus: storylines, timeline and claims", "story pages", "search index"]
    analysing = [(done, total) for stage, done, total in states if stage == "analysing"]
    assert analysing[-1] == (4, 4)
    assert all(total in (None, 4) for _, total in analysing)


def test_help_shows_plain_value_hints_and_version(cli) -> None:
    for command in (["analyze", "--help"], ["stats", "--help"], ["demo", "--help"], ["--help"]):
        result = cli.invoke(app, command, terminal_width=120)
        assert result.exit_code == 0
        assert "<bool>" not in result.output and "list[str]" not in result.output, result.output
    assert "PATH..." in cli.invoke(app, ["analyze", "--help"]).output
    version = cli.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"storyline {storyline.__version__}"
