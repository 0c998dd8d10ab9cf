"""The store: idempotent re-runs, kill -9 and resume, exact copies, near-duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storyline
from storyline.store import open_store
from tests.conftest import BODY, file_size, page, scraped

PLACES = ["Singapore", "Hanoi", "Panmunjom", "Seoul", "Pyongyang", "Beijing", "Tokyo", "Vladivostok"]


def varied_corpus(folder: Path, count: int) -> Path:
    """`count` distinct articles: each has its own numbers and place, so none is a near-copy."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        place = PLACES[i % len(PLACES)]
        body = [f"Report {i}: officials in {place} counted {1000 + 37 * i} visitors on day {i % 28 + 1} of the "
                f"talks, a figure {i * 3} higher than the previous tally offered by the ministry.",
                f"Delegation {i} left {place} after {i % 5 + 2} rounds of meetings with no joint statement, "
                f"though aides described the mood as constructive on {i % 7 + 1} occasions.",
                *BODY]
        if i % 2:
            (folder / f"doc{i:03d}.txt").write_text(scraped(title=f"Talks Continue in {place} Round {i}", body=body),
                                                   encoding="utf-8")
        else:
            (folder / f"doc{i:03d}.html").write_text(page(title=f"Talks Continue in {place} Round {i}", body=body),
                                                    encoding="utf-8")
    return folder


def table_counts(db: Path) -> dict[str, int]:
    with open_store(db, read_only=True) as store:
        counts = store.stats()
        counts["sources"] = store.con.execute("SELECT count(*) FROM article_sources").fetchone()[0]
        counts["distinct_ids"] = store.con.execute("SELECT count(DISTINCT id) FROM articles").fetchone()[0]
        return counts


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    corpus = varied_corpus(tmp_path / "in", 6)
    db = tmp_path / "s.duckdb"
    first = storyline.run([corpus], db=db, workers=1)
    assert first.stored == 6
    before = storyline.dossier(db)
    second = storyline.run([corpus], db=db, workers=1)
    assert (second.stored, second.seen, len(second.skipped)) == (0, 6, 0)
    assert storyline.dossier(db) == before
    counts = table_counts(db)
    assert counts["articles"] == counts["distinct_ids"] == counts["sources"] == 6
    assert counts["runs"] == 2


def test_exact_copy_at_another_source_is_kept_as_a_sighting(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    (tmp_path / "b.html").write_text(page().replace("Harbor Ledger", "Meridian Daily"), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    report = storyline.run([tmp_path / "a.html", tmp_path / "b.html"], db=db, workers=1)
    assert (report.stored, report.seen) == (1, 1)
    (article,) = storyline.dossier(db)["articles"]
    assert article["also_seen_at"] == [str(tmp_path / "b.html")]


def test_syndicated_near_copy_points_to_the_original(tmp_path: Path) -> None:
    original = tmp_path / "original.html"
    original.write_text(page(published="2018-06-12"), encoding="utf-8")
    copy = tmp_path / "copy.html"
    edited = [BODY[0].replace("the first meeting", "in the first meeting"), *BODY[1:],
              "The text above first appeared in the Harbor Ledger and is republished with permission."]
    copy.write_text(page(outlet="Civic Observer", body=edited, published="2018-06-13"), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    storyline.run([copy, original], db=db, workers=1)  # the copy is read first on purpose
    articles = {Path(a["source"]).name: a for a in storyline.dossier(db)["articles"]}
    assert articles["copy.html"]["duplicate_of"] == articles["original.html"]["id"]
    assert articles["original.html"]["duplicate_of"] is None


@pytest.mark.slow
def test_kill_and_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    corpus = varied_corpus(tmp_path / "in", 120)
    db = tmp_path / "s.duckdb"
    wal = Path(str(db) + ".wal")
    command = [sys.executable, "-m", "storyline", "analyze", str(corpus), "--db", str(db),
               "--out", str(tmp_path / "out"), "--quiet", "--workers", "2"]
    partial = 0
    for _attempt in range(3):
        if db.exists():
            db.unlink()
        wal.unlink(missing_ok=True)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 120
        # wait until some articles are committed (the write-ahead log grows), then kill -9
        while time.time() < deadline and process.poll() is None:
            if file_size(wal) > 150_000:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        partial = table_counts(db)["articles"] if db.exists() else 0
        if 0 < partial < 120:
            break
    assert 0 < partial < 120, f"could not kill mid-run (had {partial} articles)"

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    counts = table_counts(db)
    assert counts["articles"] == counts["distinct_ids"] == counts["sources"] == 120
    with open_store(db, read_only=True) as store:
        statuses = [r["status"] for r in store.runs()]
        assert statuses[-1] == "done" and "interrupted" in statuses
        assert store.runs()[-1]["stored"] == 120 - partial

    clean_db = tmp_path / "clean.duckdb"
    storyline.run([corpus], db=clean_db, workers=1)
    assert {a["id"] for a in storyline.dossier(clean_db)["articles"]} == \
        {a["id"] for a in storyline.dossier(db)["articles"]}


def test_a_busy_store_is_one_line_not_a_stack_trace(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        page_file = tmp_path / "a.html"
        page_file.write_text(page(), encoding="utf-8")
        for command in (["analyze", str(page_file), "--db", str(db), "--out", str(tmp_path / "out")],
                        ["stats", "--db", str(db)]):
            result = subprocess.run([sys.executable, "-m", "storyline", *command], capture_output=True, text=True,
                                    timeout=120)
            assert result.returncode == 1
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "is busy" in lines[0] and f"process {holder.pid}" in lines[0], result.stderr
            assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
