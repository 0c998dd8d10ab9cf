"""The DuckDB store: the only place in storyline with SQL.

Writers: the pipeline (one transaction per worker batch: its articles with all their
per-article records, its skipped inputs and the run's counters, so a killed run loses at most
the batches in flight) and the corpus stage (store/corpus.py: one transaction for the articles
it has not seen yet). Readers: the views. Tables and what writes them: schema.sql.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from storyline.model import AnalyzedArticle, Failed, Skipped
from storyline.settings import Settings
from storyline.store import records, rows

if TYPE_CHECKING:
    from storyline.corpus.duplicates import Layout
    from storyline.store.corpus import CorpusTables

# storyline.corpus is imported where it is used: through storyline.analyze it loads spaCy,
# which a reader of the store (export, search, stats) does not need

__all__ = ["SCHEMA_VERSION", "Store", "StoreBusy", "StoreOutdated", "open_store"]

# rows per page of the iter_* reads (Store.page_rows): a page's texts are what they hold at once
PAGE_ROWS = 256
_PAGED = itertools.count()  # names of the temporary tables Store._ordered pages through

# 1: each article's analysis in JSON text columns, corpus results recomputed whole (until 0.1.0)
# 2: relational per-article records, an incremental corpus stage with its state in the store
# 3: the story layer: per-article key terms, event mentions and figures; stories, storylines,
#    timeline events, claims and the actor graph
# 4: articles.language (detected in extract) and articles.analysis (what ran on each article)
# 5: article_terms.seq, the table kept in seq order (the clustering reads a chunk's row groups)
# 6: actor_keys.skeleton and .initials (the actor neighbourhood's lookups; token columns hold
#    transliteration skeletons); story_pages (each story's web page, kept by the corpus stage)
SCHEMA_VERSION = 6

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class StoreBusy(RuntimeError):
    """DuckDB lets one process write a database file at a time (and no other process read it
    meanwhile): a second run gets this one-line explanation instead of DuckDB's IO error."""


class StoreOutdated(RuntimeError):
    """A store this version cannot open as it is; the message (one line) says what to do."""


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def open_store(path: str | Path, read_only: bool = False) -> Store:
    return Store(Path(path), read_only=read_only)


def default_layout() -> Layout:
    from storyline.corpus.duplicates import layout

    settings = Settings()
    return layout(settings.minhash_perms, settings.duplicate_threshold)


class Store:
    def __init__(self, path: Path, read_only: bool = False) -> None:
        if read_only and not path.exists():
            raise FileNotFoundError(f"no storyline database at {path}")
        self.path = path
        self.page_rows = PAGE_ROWS
        self._layout: Layout | None = None
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.con = self._connect(read_only)
        version = self._version()
        if version is not None and version > SCHEMA_VERSION:
            self.con.close()
            raise StoreOutdated(f"the store {path} has schema version {version}, newer than this storyline "
                                f"understands ({SCHEMA_VERSION}); upgrade storyline to read it")
        if read_only and version is not None and version < SCHEMA_VERSION:
            self.con.close()
            self._upgrade_for_reading(version)
            self.con = self._connect(read_only)
        elif not read_only:
            self._prepare(version)

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), read_only=read_only, config={"memory_limit": Settings().db_memory})
        except duckdb.IOException as exc:
            holder = _LOCK_HOLDER.search(str(exc))
            if not holder and "lock" not in str(exc).lower():
                raise
            who = f"process {holder.group(2)} ({Path(holder.group(1)).name})" if holder else "another process"
            raise StoreBusy(f"the store {self.path} is busy: {who} has it open (DuckDB allows one writer at a "
                            "time); wait for it to finish, or use another --db") from None

    def _version(self) -> int | None:
        """None for an empty database; 1 for the layout without a meta table."""
        tables = {row[0] for row in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        ).fetchall()}
        if "meta" in tables:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            return int(row[0]) if row else None
        return 1 if "articles" in tables else None

    def _prepare(self, version: int | None) -> None:
        """Create a new store's tables, or bring an older store's up to date, in one transaction."""
        from storyline.store import migrate

        self.con.execute("BEGIN TRANSACTION")
        try:
            if version == 1:
                migrate.from_version_1(self, self._schema(), default_layout())
            elif version == 2:
                migrate.from_version_2(self, self._schema())
            elif version == 3:
                migrate.from_version_3(self, self._schema())
            elif version == 4:
                migrate.from_version_4(self, self._schema())
            elif version == 5:
                migrate.from_version_5(self, self._schema())
            else:
                self.con.execute(self._schema())  # IF NOT EXISTS throughout: new tables of a later release
            if version != SCHEMA_VERSION:
                self._set_meta("schema_version", str(SCHEMA_VERSION))
            if self._meta("lsh") is None:
                self._set_meta("lsh", default_layout().encode())
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _upgrade_for_reading(self, version: int) -> None:
        """A reader of an older store upgrades it first (in place, in one transaction), so that
        `storyline export` or `storyline.dossier()` works on it as on any other."""
        try:
            Store(self.path).close()
        except (duckdb.IOException, PermissionError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreOutdated(f"the store {self.path} has schema version {version} and must be upgraded to "
                                f"{SCHEMA_VERSION}, which needs write access ({reason}); run `storyline rebuild "
                                f"--db {self.path}` where it is writable") from None

    @staticmethod
    def _schema() -> str:
        return files("storyline.store").joinpath("schema.sql").read_text(encoding="utf-8")

    def _meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])

    @property
    def schema_version(self) -> int:
        return int(self._meta("schema_version") or 0)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def corpus(self) -> CorpusTables:
        """The corpus stage's tables: its state and its results (store/corpus.py)."""
        from storyline.store.corpus import CorpusTables

        return CorpusTables(self)

    # ---- runs -------------------------------------------------------------------------------
    def start_run(self, inputs: list[str]) -> int:
        # DuckDB lets one process write at a time, so a run still marked running was killed
        self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        # nextval in the transaction that uses it: DuckDB logs a sequence's advance only with a
        # transaction that writes, so an autocommitted nextval is lost to a kill -9
        self.con.execute("BEGIN TRANSACTION")
        try:
            run_id = self.con.execute("SELECT nextval('run_seq')").fetchone()[0]
            self.con.execute("INSERT INTO runs (id, started, inputs, status) VALUES (?, ?, ?, 'running')",
                             [run_id, _now(), inputs])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return run_id

    def finish_run(self, run_id: int, duplicates: int | None, status: str = "done") -> None:
        self.con.execute("UPDATE runs SET finished = ?, status = ?, duplicates = coalesce(?, duplicates) "
                         "WHERE id = ?", [_now(), status, duplicates, run_id])

    def runs(self) -> list[dict]:
        return self._dicts("SELECT id, started, finished, inputs, status, stored, seen, skipped, duplicates, failed "
                           "FROM runs ORDER BY id")

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

    def lsh_layout(self) -> Layout:
        from storyline.corpus.duplicates import Layout

        if self._layout is None:
            stored = self._meta("lsh")
            self._layout = Layout.decode(stored) if stored else default_layout()
        return self._layout

    def add_batch(self, run_id: int, analysed: list[tuple[AnalyzedArticle, bytes]],
                  skipped: list[Skipped], seen_before: int = 0) -> tuple[int, int]:
        """Store a worker batch in one transaction with the run's counters: its new articles
        with their per-article records and LSH bands, their sources, its skipped and failed
        inputs (and `seen_before` documents found already stored while reading). Returns
        (stored, already there) of `analysed`."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            ids = [analyzed.article.id for analyzed, _ in analysed]  # a hash of the text: computed once
            present = self._present(ids)
            new: list[tuple[str, AnalyzedArticle, bytes]] = []
            for article_id, (analyzed, minhash) in zip(ids, analysed, strict=True):
                if article_id not in present:
                    present.add(article_id)
                    new.append((article_id, analyzed, minhash))
            if new:
                self._insert_articles(new, run_id)
            sources = {(analyzed.article.source, analyzed.article.raw_hash): article_id
                       for article_id, (analyzed, _) in zip(ids, analysed, strict=True)}
            rows.write(self.con, "INSERT OR IGNORE INTO article_sources (source, raw_hash, article_id, run_id) "
                                 "SELECT source, raw_hash, article_id, CAST(run_id AS INTEGER) FROM {rows}",
                       source=[s for s, _ in sources], raw_hash=[h for _, h in sources],
                       article_id=list(sources.values()), run_id=[run_id] * len(sources))
            rows.write(self.con, "DELETE FROM failures USING {rows} r "
                                 "WHERE failures.source = r.source AND failures.raw_hash = r.raw_hash",
                       source=[s for s, _ in sources], raw_hash=[h for _, h in sources])
            rows.write(self.con, "INSERT INTO skipped (run_id, source, reason, stage) "
                                 "SELECT CAST(run_id AS INTEGER), source, reason, CAST(stage AS VARCHAR) FROM {rows}",
                       run_id=[run_id] * len(skipped), source=[s.source for s in skipped],
                       reason=[s.reason for s in skipped],
                       stage=[s.stage if isinstance(s, Failed) else None for s in skipped])
            failed = {(f.source, f.raw_hash): f for f in skipped if isinstance(f, Failed)}
            rows.write(self.con, "INSERT OR REPLACE INTO failures (source, raw_hash, stage, reason, run_id) "
                                 "SELECT source, raw_hash, stage, reason, CAST(run_id AS INTEGER) FROM {rows}",
                       source=[f.source for f in failed.values()], raw_hash=[f.raw_hash for f in failed.values()],
                       stage=[f.stage for f in failed.values()], reason=[f.reason for f in failed.values()],
                       run_id=[run_id] * len(failed))
            stored, seen = len(new), len(analysed) - len(new)
            self.con.execute("UPDATE runs SET stored = stored + ?, seen = seen + ?, skipped = skipped + ?, "
                             "failed = failed + ? WHERE id = ?",
                             [stored, seen + seen_before, len(skipped),
                              sum(isinstance(s, Failed) for s in skipped), run_id])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return stored, seen

    def _present(self, ids: list[str]) -> set[str]:
        return {r[0] for r in rows.read(self.con, "SELECT a.id FROM articles a JOIN {rows} b ON a.id = b.id", id=ids)}

    def _insert_articles(self, new: list[tuple[str, AnalyzedArticle, bytes]], run_id: int) -> None:
        from storyline.corpus.actors import quote_id

        seqs = self._next_seqs(len(new))
        articles, mentions, actors, quotes = [], [], [], {}
        terms: list[tuple[str, str, int, int]] = []
        events: list[tuple[str, int, Any]] = []
        claims: list[tuple[str, int, Any]] = []
        for (article_id, analyzed, minhash), seq in zip(new, seqs, strict=True):
            a = analyzed.article
            articles.append(records.ArticleRow(
                article_id, seq, a.source, a.kind, a.url, a.title, a.outlet, a.author, a.published, a.text,
                a.provenance, [(s.start, s.end) for s in analyzed.sentences], minhash or None, run_id,
                language=a.language, analysis=analyzed.analysis))
            mentions += [records.MentionRow(article_id, n, m.text, m.label, m.start, m.end, m.sentence, m.actor_key)
                         for n, m in enumerate(analyzed.mentions)]
            actors += [records.ActorRow(article_id, n, x.key, x.name, x.kind, x.mentions, list(x.aliases),
                                        list(x.roles)) for n, x in enumerate(analyzed.actors)]
            for n, q in enumerate(analyzed.quotes):
                # one quote per span and kind: its id is made of them
                qid = quote_id(article_id, q.start, q.end, q.kind)
                quotes.setdefault(qid, records.QuoteRow(qid, article_id, n, q.text, q.start, q.end, q.kind, q.cue,
                                                        q.sentence, q.speaker_key or None, list(q.mentions),
                                                        parts=[list(p) for p in q.parts] or None))
            terms += [(article_id, term, count, seq) for term, count in analyzed.terms.items()]
            events += [(article_id, n, e) for n, e in enumerate(analyzed.events)]
            claims += [(article_id, n, c) for n, c in enumerate(analyzed.claims)]
        records.insert_articles(self.con, articles)
        records.insert_mentions(self.con, mentions)
        records.insert_actors(self.con, actors)
        records.insert_quotes(self.con, list(quotes.values()))
        records.insert_terms(self.con, terms)
        records.insert_event_mentions(self.con, events)
        records.insert_claim_mentions(self.con, claims)
        self.add_bands([(a.id, a.minhash) for a in articles])

    def _next_seqs(self, count: int) -> list[int]:
        """`count` seqs from the sequence, in order, each above every stored one: the corpus
        stage takes in the articles above its last seq, so a seq must never go back (it would
        if the sequence lost an advance, as an autocommitted nextval does when killed)."""
        draw = "SELECT nextval('article_seq') FROM range(?)"
        # sorted: a SELECT of nextval over rows does not promise an order
        seqs = sorted(r[0] for r in self.con.execute(draw, [count]).fetchall())
        top = self.con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
        if seqs[0] <= top:
            self.con.execute(draw, [top - seqs[0] + 1]).fetchall()
            seqs = sorted(r[0] for r in self.con.execute(draw, [count]).fetchall())
        return seqs

    def add_bands(self, signatures: list[tuple[str, bytes | None]]) -> None:
        """The LSH band buckets of these articles, under the store's layout."""
        from storyline.corpus.duplicates import band_buckets, banded

        shape = self.lsh_layout()
        kept = [(article_id, sig) for article_id, sig in signatures if banded(sig, shape)]
        if not kept:
            return
        buckets = band_buckets([sig for _, sig in kept], shape)
        rows.write(self.con, "INSERT INTO lsh_bands (band, bucket, article_id) "
                             "SELECT CAST(band AS SMALLINT), bucket, article_id FROM {rows}",
                   band=[band for _ in kept for band in range(shape.bands)], bucket=buckets.reshape(-1),
                   article_id=[article_id for article_id, _ in kept for _ in range(shape.bands)])

    # ---- articles analysed before schema 3 (store/migrate.py) --------------------------------
    def reanalysis_pending(self) -> int:
        """How many articles were analysed by a storyline without the story layer's inputs."""
        upto = self._meta("reanalyze_upto")
        if not upto:
            return 0
        return self.con.execute("SELECT count(*) FROM articles WHERE seq <= ?", [int(upto)]).fetchone()[0]

    def iter_reanalysis(self, page_rows: int = 64) -> Iterator[list[dict[str, Any]]]:
        """Those articles a page at a time (what analysing them again needs)."""
        upto = int(self._meta("reanalyze_upto") or 0)
        for first, last in self._seq_pages(page_rows, upto):
            yield self._dicts("SELECT id, source, kind, url, title, outlet, author, CAST(published AS VARCHAR) AS "
                              "published, text FROM articles WHERE seq BETWEEN ? AND ? ORDER BY seq", [first, last])

    def replace_story_inputs(self, analysed: list[AnalyzedArticle]) -> None:
        """The key terms, event mentions and figures of articles analysed again, in one
        transaction (whatever they had is replaced)."""
        ids = [a.article.id for a in analysed]
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in ("article_terms", "event_mentions", "claim_mentions"):
                rows.write(self.con, f"DELETE FROM {table} USING {{rows}} r WHERE {table}.article_id = r.id", id=ids)
            seqs = dict(rows.read(self.con, "SELECT a.id, a.seq FROM articles a JOIN {rows} r ON r.id = a.id", id=ids))
            records.insert_terms(self.con, [(i, t, n, seqs[i]) for i, a in zip(ids, analysed, strict=True)
                                            for t, n in a.terms.items()])
            records.insert_event_mentions(self.con, [(i, n, e) for i, a in zip(ids, analysed, strict=True)
                                                     for n, e in enumerate(a.events)])
            records.insert_claim_mentions(self.con, [(i, n, c) for i, a in zip(ids, analysed, strict=True)
                                                     for n, c in enumerate(a.claims)])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def reanalysis_done(self) -> None:
        self.con.execute("DELETE FROM meta WHERE key = 'reanalyze_upto'")

    def article_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]

    def articles(self) -> list[dict]:
        rows_ = self._dicts("SELECT id, source, kind, url, title, outlet, author, CAST(published AS VARCHAR) AS "
                            "published, text, provenance, duplicate_of, story_id, language, analysis FROM articles "
                            "ORDER BY seq")
        for row in rows_:
            row["provenance"] = row["provenance"] or {}
        return rows_

    def iter_articles(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """`articles()` a page at a time, for a writer that must not hold every text at once.

        DuckDB's `execute` materialises the whole result before the first `fetchmany` returns
        (a 77 MB text column took RSS from 51 to 290 MB, and failed under a 50 MB memory limit),
        so each page is a query of its own: the page's seqs come from the narrow seq column,
        then its rows are read by that seq range, which the zone maps on seq (rising with
        arrival) confine to the row groups holding it. A page is complete when it is yielded,
        so other queries may run on the store in between."""
        for first, last in self._seq_pages(page_rows or self.page_rows):
            page = self._dicts("SELECT id, source, kind, url, title, outlet, author, CAST(published AS VARCHAR) AS "
                               "published, text, provenance, duplicate_of, story_id, language, analysis FROM articles "
                               "WHERE seq BETWEEN ? AND ? ORDER BY seq", [first, last])
            for row in page:
                row["provenance"] = row["provenance"] or {}
            yield from page

    def _seq_pages(self, page_rows: int, upto: int | None = None) -> Iterator[tuple[int, int]]:
        """(first, last) article seq of each page of `page_rows` articles, in seq order (up to
        `upto` when given)."""
        bound = "" if upto is None else " AND seq <= ?"
        last = -(2 ** 63)
        while True:
            seqs = self.con.execute(f"SELECT seq FROM articles WHERE seq > ?{bound} ORDER BY seq LIMIT ?",
                                    [last] + ([] if upto is None else [upto]) + [max(page_rows, 1)]).fetchall()
            if not seqs:
                return
            yield seqs[0][0], seqs[-1][0]
            last = seqs[-1][0]

    def other_sources(self) -> dict[str, list[str]]:
        """Every further source an article was seen at (exact copies), by article id."""
        out: dict[str, list[str]] = {}
        for article_id, source in self.con.execute(
                "SELECT s.article_id, s.source FROM article_sources s JOIN articles a ON a.id = s.article_id "
                "WHERE s.source <> a.source ORDER BY s.source").fetchall():
            out.setdefault(article_id, []).append(source)
        return out

    # ---- corpus results ---------------------------------------------------------------------
    def duplicate_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]

    def actors(self) -> list[dict]:
        return self._dicts(f"{self._ACTORS} ORDER BY {self._ACTOR_ORDER}")

    # every actor with its aliases and articles; in the dossier's order by _ACTOR_ORDER
    _ACTORS = ("SELECT a.id, a.name, a.kind, coalesce(al.aliases, []) AS aliases, a.roles, a.mentions, "
               "coalesce(ar.articles, []) AS articles FROM actors a "
               "LEFT JOIN (SELECT actor_id, list(alias ORDER BY alias) AS aliases FROM actor_aliases "
               "GROUP BY actor_id) al ON al.actor_id = a.id "
               "LEFT JOIN (SELECT actor_id, list(article_id ORDER BY ord) AS articles FROM actor_articles "
               "GROUP BY actor_id) ar ON ar.actor_id = a.id")
    _ACTOR_ORDER = "mentions DESC, name, id"

    def quotes(self) -> list[dict]:
        """The quotes of the articles the corpus stage has taken in (the others have no speaker
        yet: a run killed before its corpus stage leaves them for the next)."""
        return list(self._quote_rows(self._dicts(f"{self._QUOTES} ORDER BY {self._QUOTE_ORDER}")))

    # the quotes the corpus stage has taken in, with the actors they mention; the dossier's order
    # is their article's arrival, then their place in it (_QUOTE_ORDER); _seq and _n are dropped
    _QUOTES = ("SELECT q.id, q.article_id, q.text, q.speaker, q.speaker_id, q.cue, q.kind, q.start_char AS start, "
               "q.end_char AS \"end\", q.sentence, coalesce(m.ids, []) AS mentions, "
               "coalesce(q.parts, [[q.start_char, q.end_char]]) AS parts, a.seq AS _seq, q.n AS _n FROM quotes q "
               "JOIN articles a ON a.id = q.article_id "
               "LEFT JOIN (SELECT qm.quote_id, list(k.actor_id ORDER BY qm.n) AS ids FROM quote_mentions qm "
               "JOIN actor_keys k ON k.key = qm.actor_key WHERE k.actor_id IS NOT NULL GROUP BY qm.quote_id) m "
               "ON m.quote_id = q.id WHERE a.seq <= (SELECT coalesce(max(CAST(value AS BIGINT)), 0) FROM meta "
               "WHERE key = 'corpus_seq')")
    _QUOTE_ORDER = "_seq, start, _n"

    @staticmethod
    def _quote_rows(rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for quote in rows:
            del quote["_seq"], quote["_n"]
            # the actors a quote speaks of, each once, in order, without its speaker
            quote["mentions"] = [x for x in dict.fromkeys(quote["mentions"]) if x != quote["speaker_id"]]
            yield quote

    def iter_actors(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """`actors()` a page at a time (see _ordered)."""
        yield from self._ordered(self._ACTORS, self._ACTOR_ORDER, page_rows)

    def iter_quotes(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """`quotes()` a page at a time, in the same order (see _ordered)."""
        yield from self._quote_rows(self._ordered(self._QUOTES, self._QUOTE_ORDER, page_rows))

    def events(self) -> list[dict]:
        return list(self.iter_events())

    def iter_events(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """Timeline events in date order (undated last), a page at a time (keyset on the order)."""
        yield from self._keyset(
            "SELECT id, story_id, storyline_id, summary, kind, date, actors, place, weight, sources, "
            "coalesce(date, '~') AS k1 FROM events", "k1", page_rows)

    def claims(self) -> list[dict]:
        return list(self.iter_claims())

    def iter_claims(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """Claims by storyline, then the most sources first."""
        yield from self._keyset(
            "SELECT id, story_id, storyline_id, text, value, \"values\", unit, subject, status, sources, "
            "storyline_id || lpad(CAST(99999 - len(sources) AS VARCHAR), 5, '0') AS k1 FROM claims", "k1", page_rows)

    def stories(self) -> list[dict]:
        return list(self.iter_stories())

    def iter_stories(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """Stories, largest first (ties: latest first), each with its articles in arrival order."""
        import json

        for row in self._keyset(
                "WITH s AS (SELECT *, lpad(CAST(999999999 - size AS VARCHAR), 9, '0') || "
                "CAST(9999999 - coalesce(CAST(last_date AS DATE) - DATE '2000-01-01', 0) AS VARCHAR) AS k1 FROM "
                "stories) SELECT s.id, s.storyline_id, s.title, CAST(s.first_date AS VARCHAR) AS start, "
                "CAST(s.last_date AS VARCHAR) AS \"end\", s.size, s.actors, s.outlets, s.summary, "
                "s.outlet_comparison, coalesce(a.articles, []) AS articles, s.k1 FROM s LEFT JOIN (SELECT story_id, "
                "list(id ORDER BY seq) AS articles FROM articles WHERE story_id IS NOT NULL GROUP BY story_id) a "
                "ON a.story_id = s.id", "k1", page_rows):
            row["outlet_comparison"] = json.loads(row["outlet_comparison"]) if row["outlet_comparison"] else {}
            yield row

    def storylines(self) -> list[dict]:
        return list(self.iter_storylines())

    def iter_storylines(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        """Storylines, most stories first (ties: latest first)."""
        yield from self._keyset(
            "SELECT id, title, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS VARCHAR) AS \"end\", "
            "stories, actors, summary, lpad(CAST(999999999 - len(stories) AS VARCHAR), 9, '0') || "
            "CAST(9999999 - coalesce(last_date - DATE '2000-01-01', 0) AS VARCHAR) AS k1 FROM storylines",
            "k1", page_rows)

    def storyline_items(self, storyline_id: str) -> dict[str, list[dict]]:
        """One storyline's stories (date order), events (date order) and claims (most sources
        first): what its page or report section shows."""
        import json

        stories = self._dicts(
            "SELECT s.id, s.storyline_id, s.title, CAST(s.first_date AS VARCHAR) AS start, CAST(s.last_date AS "
            "VARCHAR) AS \"end\", s.size, s.actors, s.outlets, s.summary, s.outlet_comparison, "
            "coalesce(a.articles, []) AS articles FROM stories s LEFT JOIN (SELECT story_id, list(id ORDER BY seq) "
            "AS articles FROM articles WHERE story_id IN (SELECT id FROM stories WHERE storyline_id = ?) "
            "GROUP BY story_id) a ON a.story_id = s.id WHERE s.storyline_id = ? ORDER BY s.first_date NULLS LAST, s.id",
            [storyline_id, storyline_id])
        for story in stories:
            story["outlet_comparison"] = json.loads(story["outlet_comparison"]) if story["outlet_comparison"] else {}
        events = self._dicts("SELECT id, story_id, storyline_id, summary, kind, date, actors, place, weight, sources "
                             "FROM events WHERE storyline_id = ? ORDER BY coalesce(date, '~'), id", [storyline_id])
        claims = self._dicts("SELECT id, story_id, storyline_id, text, value, \"values\", unit, subject, status, "
                             "sources FROM claims WHERE storyline_id = ? ORDER BY len(sources) DESC, id",
                             [storyline_id])
        return {"stories": stories, "events": events, "claims": claims}

    def actor_edges(self, storyline_id: str | None = None) -> list[dict]:
        """The actor graph's edges (of one storyline), strongest first."""
        where = "" if storyline_id is None else "WHERE storyline_id = ? "
        return self._dicts(f"SELECT storyline_id, source, target, kind, weight, articles FROM actor_edges {where}"
                           "ORDER BY storyline_id, weight DESC, source, target, kind",
                           [] if storyline_id is None else [storyline_id])

    def actor_edges_list(self) -> list[dict]:
        """Every edge, in the dossier's order (what iter_actor_edges pages)."""
        return list(self.iter_actor_edges())

    def iter_actor_edges(self, page_rows: int | None = None) -> Iterator[dict[str, Any]]:
        yield from self._keyset(
            "SELECT storyline_id, source, target, kind, weight, articles, storyline_id || '|' || "
            "lpad(CAST(999999999 - weight AS VARCHAR), 9, '0') || '|' || source || '|' || target || '|' || kind "
            "AS k1 FROM actor_edges", "k1", page_rows, has_id=False)

    def _keyset(self, select: str, key: str, page_rows: int | None, has_id: bool = True) -> Iterator[dict[str, Any]]:
        """Rows of `select` in order of its text column `key`, then its `id` column (unique) unless
        `has_id` is False (then `key` alone is unique), a page per query; `key` is not yielded."""
        order = f"{key}, id" if has_id else key
        for row in self._ordered(select, order, page_rows):
            del row[key]
            yield row

    def _ordered(self, select: str, order: str, page_rows: int | None) -> Iterator[dict[str, Any]]:
        """Rows of `select` in `order` (a total order), a page per query.

        The rows are numbered in that order once, into a temporary table written in number
        order (DuckDB keeps it within its memory limit, spilling to disk); each page is then a
        range of numbers, which the table's zone maps confine to the row groups holding it. A
        keyset page (`WHERE key > last ORDER BY key LIMIT n`) evaluated and sorted the whole
        select for every page: the dossier was quadratic (10k store: 146k actor edges in 50 s,
        36k events in 43 s; the 100k store's was still streaming after 7 minutes)."""
        limit = max(page_rows or self.page_rows, 1)
        table = f"pages_{next(_PAGED)}"  # one per iteration: two may be open at once on a connection
        total = self.con.execute(f"CREATE TEMP TABLE {table} AS SELECT row_number() OVER (ORDER BY {order}) "
                                 f"AS _rn, * FROM ({select}) ORDER BY _rn").fetchone()[0]
        try:
            for first in range(1, total + 1, limit):
                page = self._dicts(f"SELECT * EXCLUDE (_rn) FROM {table} WHERE _rn BETWEEN ? AND ? ORDER BY _rn",
                                   [first, first + limit - 1])
                yield from page
        finally:
            with contextlib.suppress(duckdb.Error):  # a reader closed before its last page (a client went away)
                self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def stats(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "actors", "quotes", "events", "claims", "stories", "storylines", "runs", "skipped",
                      "failures"):
            out[table] = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["duplicates"] = self.duplicate_count()
        return out

    def languages(self) -> list[dict[str, Any]]:
        """Articles per language and what was analysed of them (language None: stored before
        languages were detected), the most common first."""
        return self._dicts("SELECT language, analysis, count(*) AS articles FROM articles GROUP BY ALL "
                           "ORDER BY articles DESC, language NULLS LAST, analysis NULLS LAST")

    # ---- full-text search (store/search.py) ---------------------------------------------------
    def refresh_search(self) -> float:
        """Rebuild the full-text index (a snapshot in DuckDB): at the end of a run. Returns the
        seconds it took; raises search.SearchUnavailable without the fts extension."""
        from storyline.store import search

        return search.refresh(self.con)

    def refresh_pages(self) -> int:
        """Write again the kept story pages the last corpus stages changed (all of them on a store
        that has none yet): at the end of a run, as the search index. Returns the pages written."""
        from storyline.store import pages

        return pages.update(self.con)

    def search_is_stale(self) -> bool:
        from storyline.store import search

        return search.is_stale(self.con)

    def search(self, query: str, limit: int = 10, scope: str = "all") -> list[dict]:
        """BM25-ranked articles then quotes for `query` (scope: all, articles, quotes)."""
        from storyline.store import search

        return search.search(self.con, query, limit, scope)

    def _dicts(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        return rows.as_dicts(self.con.execute(sql, params or []))
