"""The DuckDB store: the only place in storyline with SQL.

Writers: the pipeline (one article per transaction, so a killed run loses at most the
article in flight) and the corpus stage (recomputes its tables whole). Readers: the views.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import duckdb

from storyline.model import AnalyzedArticle, Failed, Skipped

__all__ = ["Store", "StoreBusy", "open_store"]

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class StoreBusy(RuntimeError):
    """DuckDB lets one process write a database file at a time (and no other process read it
    meanwhile): a second run gets this one-line explanation instead of DuckDB's IO error."""


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def open_store(path: str | Path, read_only: bool = False) -> Store:
    return Store(Path(path), read_only=read_only)


class Store:
    def __init__(self, path: Path, read_only: bool = False) -> None:
        if read_only and not path.exists():
            raise FileNotFoundError(f"no storyline database at {path}")
        self.path = path
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            holder = _LOCK_HOLDER.search(str(exc))
            if not holder and "lock" not in str(exc).lower():
                raise
            who = f"process {holder.group(2)} ({Path(holder.group(1)).name})" if holder else "another process"
            raise StoreBusy(f"the store {path} is busy: {who} has it open (DuckDB allows one writer at a "
                            "time); wait for it to finish, or use another --db") from None
        if not read_only:
            self.con.execute(files("storyline.store").joinpath("schema.sql").read_text(encoding="utf-8"))

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- runs -------------------------------------------------------------------------------
    def start_run(self, inputs: list[str]) -> int:
        # DuckDB lets one process write at a time, so a run still marked running was killed
        self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        run_id = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM runs").fetchone()[0]
        self.con.execute("INSERT INTO runs (id, started, inputs, status) VALUES (?, ?, ?, 'running')",
                         [run_id, _now(), json.dumps(inputs)])
        return run_id

    def finish_run(self, run_id: int, duplicates: int | None, status: str = "done") -> None:
        self.con.execute("UPDATE runs SET finished = ?, status = ?, duplicates = coalesce(?, duplicates) "
                         "WHERE id = ?", [_now(), status, duplicates, run_id])

    def runs(self) -> list[dict]:
        return self._dicts("SELECT * FROM runs ORDER BY id")

    def skipped(self, run_id: int | None = None, last_runs: int | None = None) -> list[dict]:
        """Inputs not stored (skipped or failed) with their reasons: of one run, of the last
        `last_runs` runs, or of all."""
        columns = "SELECT run_id, source, reason, stage FROM skipped"
        if run_id is not None:
            return self._dicts(f"{columns} WHERE run_id = ? ORDER BY source", [run_id])
        if last_runs is not None:
            return self._dicts(f"{columns} WHERE run_id IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?) "
                               "ORDER BY run_id, source", [last_runs])
        return self._dicts(f"{columns} ORDER BY run_id, source")

    def failures(self) -> list[dict]:
        """Inputs remembered as failed (passed over by later runs unless retried)."""
        return self._dicts("SELECT source, stage, reason, run_id FROM failures ORDER BY run_id, source")

    def known_failure(self, source: str, raw_hash: str) -> str | None:
        row = self.con.execute("SELECT run_id, reason FROM failures WHERE source = ? AND raw_hash = ?",
                               [source, raw_hash]).fetchone()
        return f"run {row[0]}: {row[1]}" if row else None

    # ---- articles ---------------------------------------------------------------------------
    def known_source(self, source: str, raw_hash: str) -> bool:
        return self.con.execute("SELECT 1 FROM article_sources WHERE source = ? AND raw_hash = ?",
                                [source, raw_hash]).fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is not None

    def add_batch(self, run_id: int, analysed: list[tuple[AnalyzedArticle, bytes]],
                  skipped: list[Skipped], seen_before: int = 0) -> tuple[int, int]:
        """Store a worker batch in one transaction with the run's counters: its new articles,
        their sources, its skipped and failed inputs (and `seen_before` documents found already
        stored while reading). Returns (stored, already there) of `analysed`."""
        stored = seen = 0
        self.con.execute("BEGIN TRANSACTION")
        try:
            seq = self.con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
            for analyzed, minhash in analysed:
                a = analyzed.article
                if self.has_article(a.id):
                    seen += 1
                else:
                    seq += 1
                    stored += 1
                    self._insert_article(analyzed, minhash, seq, run_id)
                self.con.execute("INSERT INTO article_sources (source, raw_hash, article_id, run_id) "
                                 "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [a.source, a.raw_hash, a.id, run_id])
                self.con.execute("DELETE FROM failures WHERE source = ? AND raw_hash = ?", [a.source, a.raw_hash])
            failed = 0
            for item in skipped:
                stage = item.stage if isinstance(item, Failed) else None
                self.con.execute("INSERT INTO skipped (run_id, source, reason, stage) VALUES (?, ?, ?, ?)",
                                 [run_id, item.source, item.reason, stage])
                if isinstance(item, Failed):
                    failed += 1
                    self.con.execute("INSERT OR REPLACE INTO failures (source, raw_hash, stage, reason, run_id) "
                                     "VALUES (?, ?, ?, ?, ?)", [item.source, item.raw_hash, item.stage,
                                                                item.reason, run_id])
            self.con.execute("UPDATE runs SET stored = stored + ?, seen = seen + ?, skipped = skipped + ?, "
                             "failed = failed + ? WHERE id = ?",
                             [stored, seen + seen_before, len(skipped), failed, run_id])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return stored, seen

    def _insert_article(self, analyzed: AnalyzedArticle, minhash: bytes, seq: int, run_id: int) -> None:
        a = analyzed.article
        self.con.execute(
            "INSERT INTO articles (id, seq, source, kind, url, title, outlet, author, published, text, "
            "provenance, sentences, mentions, actors, quotes, minhash, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [a.id, seq, a.source, a.kind, a.url, a.title, a.outlet, a.author, a.published, a.text,
             json.dumps(a.provenance),
             json.dumps([[s.start, s.end] for s in analyzed.sentences]),
             json.dumps([[m.text, m.label, m.start, m.end, m.sentence, m.actor_key] for m in analyzed.mentions]),
             json.dumps([asdict(x) for x in analyzed.actors]),
             json.dumps([asdict(q) for q in analyzed.quotes]),
             minhash, run_id])

    def article_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]

    def articles(self) -> list[dict]:
        rows = self._dicts("SELECT id, source, kind, url, title, outlet, author, published, text, provenance, "
                           "duplicate_of, story_id FROM articles ORDER BY seq")
        for row in rows:
            row["provenance"] = json.loads(row["provenance"] or "{}")
        return rows

    def article_analysis(self) -> Iterator[tuple[str, list[dict], list[dict]]]:
        """(article id, its actors, its quotes) for the corpus stage, in arrival order."""
        for article_id, actors, quotes in self.con.execute(
                "SELECT id, actors, quotes FROM articles ORDER BY seq").fetchall():
            yield article_id, json.loads(actors or "[]"), json.loads(quotes or "[]")

    def signatures(self) -> list[tuple[str, str | None, bytes]]:
        """(id, published, minhash) in arrival order."""
        return self.con.execute("SELECT id, published, minhash FROM articles ORDER BY seq").fetchall()

    def other_sources(self) -> dict[str, list[str]]:
        """Every further source an article was seen at (exact copies), by article id."""
        out: dict[str, list[str]] = {}
        for article_id, source in self.con.execute(
                "SELECT s.article_id, s.source FROM article_sources s JOIN articles a ON a.id = s.article_id "
                "WHERE s.source <> a.source ORDER BY s.source").fetchall():
            out.setdefault(article_id, []).append(source)
        return out

    # ---- corpus results ---------------------------------------------------------------------
    def save_corpus(self, duplicates: dict[str, str], actors: Iterable[dict], quotes: Iterable[dict]) -> None:
        """Replace the cross-article results in one transaction (the corpus stage is rerunnable)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
            for article_id, original in duplicates.items():
                self.con.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [original, article_id])
            self.con.execute("DELETE FROM actors")
            for actor in actors:
                self.con.execute(
                    "INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [actor["id"], actor["name"], actor["kind"], json.dumps(actor["aliases"]),
                     json.dumps(actor.get("roles", [])), actor["mentions"], json.dumps(actor["articles"]),
                     json.dumps(actor["keys"])])
            self.con.execute("DELETE FROM quotes")
            for q in quotes:
                self.con.execute("INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 [q["id"], q["article_id"], q["text"], q["speaker"], q["speaker_id"], q["cue"],
                                  q["kind"], q["start"], q["end"], q["sentence"], json.dumps(q["mentions"])])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def duplicate_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]

    def actors(self) -> list[dict]:
        rows = self._dicts("SELECT id, name, kind, aliases, roles, mentions, articles FROM actors "
                           "ORDER BY mentions DESC, name")
        for row in rows:
            for key in ("aliases", "roles", "articles"):
                row[key] = json.loads(row[key] or "[]")
        return rows

    def quotes(self) -> list[dict]:
        rows = self._dicts("SELECT q.id, q.article_id, q.text, q.speaker, q.speaker_id, q.cue, q.kind, "
                           "q.start_char AS start, q.end_char AS \"end\", q.sentence, q.mentions FROM quotes q "
                           "JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start_char")
        for row in rows:
            row["mentions"] = json.loads(row["mentions"] or "[]")
        return rows

    def events(self) -> list[dict]:
        rows = self._dicts("SELECT * FROM events ORDER BY date, id")
        for row in rows:
            row["actors"] = json.loads(row["actors"] or "[]")
            row["sources"] = json.loads(row["sources"] or "[]")
        return rows

    def claims(self) -> list[dict]:
        rows = self._dicts("SELECT * FROM claims ORDER BY id")
        for row in rows:
            row["sources"] = json.loads(row["sources"] or "[]")
        return rows

    def stories(self) -> list[dict]:
        rows = self._dicts("SELECT * FROM stories ORDER BY id")
        for row in rows:
            row["articles"] = json.loads(row["articles"] or "[]")
            row["summary"] = json.loads(row["summary"] or "[]")
        return rows

    def stats(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "actors", "quotes", "events", "claims", "stories", "runs", "skipped", "failures"):
            out[table] = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["duplicates"] = self.duplicate_count()
        return out

    # ---- full-text search (store/search.py) ---------------------------------------------------
    def refresh_search(self) -> float:
        """Rebuild the full-text index (a snapshot in DuckDB): at the end of a run. Returns the
        seconds it took; raises search.SearchUnavailable without the fts extension."""
        from storyline.store import search

        return search.refresh(self.con)

    def search_is_stale(self) -> bool:
        from storyline.store import search

        return search.is_stale(self.con)

    def search(self, query: str, limit: int = 10, scope: str = "all") -> list[dict]:
        """BM25-ranked articles then quotes for `query` (scope: all, articles, quotes)."""
        from storyline.store import search

        return search.search(self.con, query, limit, scope)

    def _dicts(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
