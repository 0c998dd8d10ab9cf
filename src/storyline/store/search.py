"""Full-text search over articles (title, text) and quotes (text, speaker) with DuckDB's fts
extension, offline.

The extension is loaded from the file the `duckdb-extension-fts` wheel ships: never installed
into ~/.duckdb, never downloaded. DuckDB's FTS index is a snapshot (inserts do not update it), so
it is rebuilt whole at the end of each run (`Store.refresh_search`), and lazily by a search that
finds it older than the store. The row in `search_index` says what the index was built from
(last run id, article and quote counts); any difference means stale.

A search opens the store read-only. When the index is stale it reopens the store read-write to
rebuild it; when that is refused (another process has the store open) it searches the old index
and says so, rather than wait or fail.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = ["SCOPES", "SearchResult", "SearchUnavailable", "extension_file", "has_index", "is_stale", "load_extension",
           "refresh", "search", "search_store"]

SCOPES = ("all", "articles", "quotes")
# Words are runs of letters or digits in any script; everything else separates them. The fts
# default keeps curly quotes and dashes inside words (“We, Jong-un) and drops digits, which
# would lose half of a news quote's words and every year.
_OPTIONS = (r"stemmer='porter', stopwords='english', ignore='[^\p{L}\p{N}]+', strip_accents=1, lower=1, "
            "overwrite=1")
_WORD = re.compile(r"[^\W_]+")  # the same split, on the Python side, to place snippets
_MARKER = ("CREATE TABLE IF NOT EXISTS search_index (last_run INTEGER, articles BIGINT, quotes BIGINT, "
           "built TIMESTAMP, seconds DOUBLE)")


class SearchUnavailable(RuntimeError):
    """Search cannot run here (extension, busy store, no index); the message is one line for a user."""


@dataclass
class SearchResult:
    query: str
    hits: list[dict[str, Any]]  # articles first (by score), then quotes (by score)
    note: str | None = None  # why the results may be incomplete (stale index on a busy store)


def extension_file() -> Path | None:
    """The fts extension built for the installed duckdb, as shipped by `duckdb-extension-fts`."""
    try:
        import duckdb_extension_fts
    except ImportError:
        return None
    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    exact = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if exact.is_file():
        return exact
    # another build still gets its chance, so that DuckDB itself names the version mismatch
    found = sorted(root.glob("v*/fts.duckdb_extension"))
    return found[-1] if found else None


def load_extension(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD (not INSTALL) by path: nothing is written to ~/.duckdb and nothing is fetched."""
    loaded = con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'").fetchone()
    if loaded and loaded[0]:
        return
    path = extension_file()
    try:
        # without the wheel, an fts the user INSTALLed themselves; a plain LOAD never downloads
        con.execute("LOAD '{}'".format(str(path).replace("'", "''")) if path else "LOAD fts")
    except duckdb.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SearchUnavailable(f"full-text search is unavailable: DuckDB's fts extension could not be loaded "
                                f"({reason}); reinstall it with `pip install "
                                f"duckdb-extension-fts=={duckdb.__version__}`") from None


# ---- the index ----------------------------------------------------------------------------
def _fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    # counts as well as the run id: a killed run leaves articles behind, a test may save a corpus
    return con.execute("SELECT (SELECT coalesce(max(id), 0) FROM runs), (SELECT count(*) FROM articles), "
                       "(SELECT count(*) FROM quotes)").fetchone()


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                       "AND table_name = 'search_index'").fetchone()[0] > 0


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    if not has_index(con):
        return True
    built = con.execute("SELECT last_run, articles, quotes FROM search_index").fetchone()
    return built != _fingerprint(con)


def refresh(con: duckdb.DuckDBPyConnection) -> float:
    """Rebuild both indexes in one transaction, so a search never sees half an index; returns
    the seconds it took."""
    load_extension(con)
    started = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"PRAGMA create_fts_index('articles', 'id', 'title', 'text', {_OPTIONS})")
        con.execute(f"PRAGMA create_fts_index('quotes', 'id', 'text', 'speaker', {_OPTIONS})")
        con.execute(_MARKER)
        con.execute("DELETE FROM search_index")
        seconds = time.perf_counter() - started
        con.execute("INSERT INTO search_index (last_run, articles, quotes, built, seconds) VALUES (?, ?, ?, ?, ?)",
                    [*_fingerprint(con), datetime.now().replace(microsecond=0), seconds])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return seconds


def _read_only(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchone()[0])


# ---- searching ----------------------------------------------------------------------------
def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10, scope: str = "all") -> list[dict[str, Any]]:
    """Best `limit` articles and/or quotes for `query` by BM25. A writable store rebuilds a
    stale index first; a read-only one searches the index it has."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if is_stale(con) and not _read_only(con):
        refresh(con)
    if not has_index(con):
        raise SearchUnavailable("this store has no search index yet; open it writable (or run `storyline "
                                "search` when no other process uses it) to build one")
    load_extension(con)
    terms = _terms(con, query)
    if not terms:  # only common words or punctuation: BM25 would score nothing anyway
        return []
    hits: list[dict[str, Any]] = []
    if scope in ("all", "articles"):
        hits += _article_hits(con, query, limit)
    if scope in ("all", "quotes"):
        hits += _quote_hits(con, query, limit)
    _add_snippets(con, hits, terms)
    return hits


def _terms(con: duckdb.DuckDBPyConnection, query: str) -> set[str]:
    """The query's stems as the index sees them (the index's own tokenizer and stopwords)."""
    rows = con.execute("SELECT DISTINCT stem(t, 'porter') FROM (SELECT unnest(fts_main_articles.tokenize(?)) AS t) "
                       "WHERE t <> '' AND t NOT IN (SELECT sw FROM fts_main_articles.stopwords)", [query]).fetchall()
    return {row[0] for row in rows}


def _article_hits(con: duckdb.DuckDBPyConnection, query: str, limit: int) -> list[dict[str, Any]]:
    rows = _dicts(con, "SELECT id, score, title, outlet, CAST(published AS VARCHAR) AS published, source, url, "
                       "duplicate_of, text FROM ("
                       "SELECT *, fts_main_articles.match_bm25(id, ?) AS score FROM articles) "
                       "WHERE score IS NOT NULL ORDER BY score DESC, seq LIMIT ?", [query, limit])
    return [{"type": "article", **row} for row in rows]


def _quote_hits(con: duckdb.DuckDBPyConnection, query: str, limit: int) -> list[dict[str, Any]]:
    rows = _dicts(con, "SELECT q.id, q.score, q.speaker, q.text, q.kind, q.article_id, a.title AS article_title, "
                       "a.outlet, CAST(a.published AS VARCHAR) AS published FROM ("
                       "SELECT *, fts_main_quotes.match_bm25(id, ?) AS score FROM quotes) q "
                       "JOIN articles a ON a.id = q.article_id "
                       "WHERE q.score IS NOT NULL ORDER BY q.score DESC, a.seq, q.start_char LIMIT ?", [query, limit])
    return [{"type": "quote", **row} for row in rows]


def _add_snippets(con: duckdb.DuckDBPyConnection, hits: list[dict[str, Any]], terms: set[str]) -> None:
    """A window of text around the first word that matched, with the matching words' spans; an
    article matched by its title alone gets its opening lines."""
    words = {m.group() for hit in hits for m in _WORD.finditer(hit["text"] or "")}
    # the stemmer is the extension's, so a snippet marks exactly what BM25 counted
    # one space-joined string: binding a Python list of strings costs ~0.1 ms a word
    stems = dict(con.execute("SELECT w, stem(lower(strip_accents(w)), 'porter') "
                             "FROM (SELECT unnest(string_split(?, ' ')) AS w)", [" ".join(words)]).fetchall())
    for hit in hits:
        text = hit["text"] or ""
        first = next((m.start() for m in _WORD.finditer(text) if stems.get(m.group()) in terms), 0)
        hit["snippet"] = _window(text, first, 220 if hit["type"] == "article" else 320)
        hit["highlights"] = [[m.start(), m.end()] for m in _WORD.finditer(hit["snippet"])
                             if stems.get(m.group()) in terms]
        hit["score"] = round(hit["score"], 4)
        if hit["type"] == "article":
            del hit["text"]  # the article's text is in the dossier; a hit carries its snippet


def _window(text: str, at: int, width: int) -> str:
    """About `width` characters around position `at`, a third of them before it, cut at spaces,
    on one line."""
    start = 0
    if at > width // 3:
        start = text.rfind(" ", 0, at - width // 3) + 1
    end = len(text)
    if start + width < len(text):
        cut = text.rfind(" ", at + 1, start + width)
        end = cut if cut > at else start + width
    snippet = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---- from a path, as the CLI does ---------------------------------------------------------
def search_store(path: str | Path, query: str, limit: int = 10, scope: str = "all") -> SearchResult:
    """Search the store at `path`, rebuilding a stale index when the store can be opened
    writable, else searching the old index with a note."""
    with _opened(path, read_only=True) as store:
        if not store.search_is_stale():
            return SearchResult(query, store.search(query, limit, scope))
    try:
        writable = _opened(path, read_only=False)
    except SearchUnavailable as exc:
        refused = str(exc)
    else:
        with writable as store:  # search() rebuilds the stale index first
            return SearchResult(query, store.search(query, limit, scope))
    with _opened(path, read_only=True) as store:
        if not has_index(store.con):
            raise SearchUnavailable(f"this store has no search index yet and it cannot be built now: {refused}")
        return SearchResult(query, store.search(query, limit, scope),
                            note=f"the search index predates the store's latest changes and was not rebuilt "
                                 f"({refused}); newer articles and quotes may be missing")


def _opened(path: str | Path, read_only: bool) -> Store:
    from storyline.store import StoreBusy, open_store  # the Store delegates to this module: import at call time

    try:
        return open_store(path, read_only=read_only)
    except StoreBusy as exc:  # another process has it open (a writer excludes all, a reader excludes writers)
        raise SearchUnavailable(str(exc)) from None
    except duckdb.ConnectionException:  # this process has it open with the other read_only flag
        raise SearchUnavailable(f"the store {path} is open in this process in another mode") from None
    except duckdb.IOException as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SearchUnavailable(f"cannot open {path}: {message}") from None
