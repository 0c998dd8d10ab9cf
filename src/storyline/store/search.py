"""Full-text search over articles (title, text) and quotes (text, speaker) with DuckDB's fts
extension, offline.

The extension is loaded from the file the `duckdb-extension-fts` wheel ships: never installed
into ~/.duckdb, never downloaded. DuckDB's FTS index is a snapshot (inserts do not update it), so
it is rebuilt whole at the end of each run (`Store.refresh_search`), and lazily by a search that
finds it older than the store. The row in `search_index` says what the index was built from
(last run id, article and quote counts); any difference means stale. Beside each index the rebuild
keeps a `postings` table (term, document, term frequency) sorted by term, which the search reads
instead of the extension's per-row `match_bm25` macro: same BM25 scores, but a query touches only
its own terms' rows, so a search costs about the same on a 100-article store and a 100k one.

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

from storyline.store.rows import as_dicts

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
INDEXES = {"articles": "fts_main_articles", "quotes": "fts_main_quotes"}  # the schema of each table's index
K, B = 1.2, 0.75  # BM25's parameters: the fts extension's defaults
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
    """Whether the store has an index this version can search (an index built before the
    postings tables, or before they held each term's document frequency and each document's
    length, counts as none, and is rebuilt as a stale one is)."""
    return con.execute("SELECT count(*) FILTER (WHERE schema_name = 'main' AND table_name = 'search_index' "
                       "AND column_name = 'last_run') = 1 "
                       "AND count(*) FILTER (WHERE schema_name IN ('fts_main_articles', 'fts_main_quotes') "
                       "AND table_name = 'postings' AND column_name = 'df') = 2 FROM duckdb_columns()").fetchone()[0]


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
        for index in INDEXES.values():
            # counted by term id before the join: grouping the joined term strings took minutes on 10k articles;
            # the term's document frequency and the document's length with each posting: scoring then
            # neither counts the term's postings again (a window) nor joins the docs table (590k quotes)
            con.execute(f"CREATE OR REPLACE TABLE {index}.postings AS SELECT d.term, p.docid, p.tf, s.len, d.df FROM ("
                        f"SELECT termid, docid, CAST(count(*) AS INTEGER) AS tf FROM {index}.terms "
                        f"GROUP BY termid, docid) p JOIN {index}.dict d ON d.termid = p.termid "
                        f"JOIN {index}.docs s ON s.docid = p.docid ORDER BY d.term, p.docid")
            # the top documents' names are looked up by docid: without an index that scanned all the docs
            # (587k quotes in the 100k store), half of a search's ranking time
            con.execute(f"CREATE UNIQUE INDEX docs_docid ON {index}.docs (docid)")
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
def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10, scope: str = "all", *, offset: int = 0,
           rebuild: bool = True, snippets: bool = True, checked: bool = False) -> list[dict[str, Any]]:
    """Articles and/or quotes for `query` by BM25: of each kind, the `limit` best from rank
    `offset` on; articles first, then quotes. The CLI, the Store and the web app all search here.

    `rebuild`: a writable store rebuilds a stale index first (a read-only one searches the index
    it has). The web server passes False: its ingest job rebuilds the index at the end of its
    run, and a rebuild inside a request would race the run's own. `snippets=False`: the hits
    without snippet and highlights, for a caller that wants the ranking alone (placing the
    snippets of 500 articles took most of a stories-list search). `checked`: the caller knows the
    index is there and the extension loaded in this database (the web server checks once per
    change of the store; the two catalog queries were a millisecond of each search)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if limit < 1 or offset < 0:
        raise ValueError(f"limit must be >= 1 and offset >= 0, not {limit} and {offset}")
    if rebuild and is_stale(con) and not _read_only(con):
        refresh(con)
    if not checked:
        if not has_index(con):
            raise SearchUnavailable("this store has no search index yet; open it writable (or run `storyline "
                                    "search` when no other process uses it) to build one")
        load_extension(con)
    terms = _terms(con, query)
    if not terms:  # only common words or punctuation: BM25 would score nothing anyway
        return []
    hits: list[dict[str, Any]] = []
    if scope in ("all", "articles"):
        hits += _article_hits(con, sorted(terms), limit, offset)
    if scope in ("all", "quotes"):
        hits += _quote_hits(con, sorted(terms), limit, offset)
    if snippets:
        _add_snippets(con, hits, terms)
    for hit in hits:
        hit["score"] = round(hit["score"], 4)
        if hit["type"] == "article":
            del hit["text"]  # the article's text is in the dossier; a hit carries its snippet
    return hits


def _terms(con: duckdb.DuckDBPyConnection, query: str) -> set[str]:
    """The query's stems as the index sees them (the index's own tokenizer and stopwords)."""
    rows = con.execute("SELECT DISTINCT stem(t, 'porter') FROM (SELECT unnest(fts_main_articles.tokenize(?)) AS t) "
                       "WHERE t <> '' AND t NOT IN (SELECT sw FROM fts_main_articles.stopwords)", [query]).fetchall()
    return {row[0] for row in rows}


def _scores(index: str, terms: list[str]) -> tuple[str, list[str]]:
    """SQL for (docid, score) of every document holding a term: the fts extension's BM25
    (`match_bm25`, its formula and defaults, so the scores are the same), read from the postings
    table `refresh` keeps beside the index. match_bm25 is a per-row macro that scanned every
    token of the corpus for every query (~100 ms on 10k articles, growing with the store);
    postings sorted by term let DuckDB skip, by its zone maps, all but the query's terms."""
    marks = ", ".join("?" * len(terms))
    return (f"WITH p AS (SELECT docid, tf, len, df FROM {index}.postings WHERE term IN ({marks})) "
            f"SELECT p.docid, sum(log(((st.num_docs - p.df) + 0.5) / (p.df + 0.5) + 1) * (p.tf * ({K} + 1)) "
            f"/ (p.tf + {K} * ((1 - {B}) + {B} * (p.len / st.avgdl)))) AS score "
            f"FROM p, {index}.stats st GROUP BY p.docid"), list(terms)


def _ranked(con: duckdb.DuckDBPyConnection, table: str, terms: list[str], limit: int,
            offset: int) -> dict[str, float]:
    """id -> score of the `offset + limit` best documents, and of any tied with the last of them
    (the tie-break needs columns of the table: the caller orders them)."""
    index = INDEXES[table]
    scores, params = _scores(index, terms)
    rows = con.execute(f"WITH s AS ({scores}), top AS (SELECT docid, score FROM s WHERE score >= (SELECT "
                       "min(score) FROM (SELECT score FROM s ORDER BY score DESC LIMIT ?))) "
                       f"SELECT d.name, top.score FROM top JOIN {index}.docs d ON d.docid = top.docid",
                       params + [offset + limit]).fetchall()
    return dict(rows)


def _by_id(con: duckdb.DuckDBPyConnection, table: str, columns: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Rows of `table` by id: a lookup in its primary key's index. Joining `articles` instead
    scanned the whole table (~10 ms on 10k articles, growing with the store)."""
    if not ids:
        return {}
    rows = _dicts(con, f"SELECT {columns} FROM {table} WHERE id IN ({', '.join('?' * len(ids))})", list(ids))
    return {row["id"]: row for row in rows}


def _article_hits(con: duckdb.DuckDBPyConnection, terms: list[str], limit: int, offset: int) -> list[dict[str, Any]]:
    scores = _ranked(con, "articles", terms, limit, offset)
    rows = _by_id(con, "articles", "id, seq, title, outlet, CAST(published AS VARCHAR) AS published, source, url, "
                  "duplicate_of, text", list(scores))
    ranked = sorted(rows.values(), key=lambda r: (-scores[r["id"]], r["seq"]))[offset:offset + limit]
    return [{"type": "article", "id": r["id"], "score": scores[r["id"]],
             **{k: v for k, v in r.items() if k not in ("id", "seq")}} for r in ranked]


def _quote_hits(con: duckdb.DuckDBPyConnection, terms: list[str], limit: int, offset: int) -> list[dict[str, Any]]:
    scores = _ranked(con, "quotes", terms, limit, offset)
    quotes = _by_id(con, "quotes", "id, speaker, text, kind, article_id, start_char", list(scores))
    articles = _by_id(con, "articles", "id, seq, title, outlet, CAST(published AS VARCHAR) AS published",
                      sorted({q["article_id"] for q in quotes.values()}))
    ranked = sorted(quotes.values(), key=lambda q: (-scores[q["id"]], articles[q["article_id"]]["seq"],
                                                    q["start_char"]))[offset:offset + limit]
    return [{"type": "quote", "id": q["id"], "score": scores[q["id"]], "speaker": q["speaker"], "text": q["text"],
             "kind": q["kind"], "article_id": q["article_id"], "article_title": articles[q["article_id"]]["title"],
             "outlet": articles[q["article_id"]]["outlet"], "published": articles[q["article_id"]]["published"]}
            for q in ranked]


def _add_snippets(con: duckdb.DuckDBPyConnection, hits: list[dict[str, Any]], terms: set[str]) -> None:
    """A window of text around the first word that matched, with the matching words' spans; an
    article matched by its title alone gets its opening lines."""
    # a Porter stem keeps its word's first letter (lowercased, accents stripped), so only a word
    # starting with a term's first letter (or with a letter outside ASCII) can match: the stems of
    # every word of ten articles were a third of a search's time
    initials = {term[0] for term in terms if term}
    words = {w for w in set().union(*(_WORD.findall(hit["text"] or "") for hit in hits))
             if w[0].lower() in initials or not w[0].isascii()}
    # the stemmer is the extension's, so a snippet marks exactly what BM25 counted
    # one space-joined string: one bound value, not one per word (see store/web.py skip_pandas_probe)
    stems = dict(con.execute("SELECT w, stem(lower(strip_accents(w)), 'porter') "
                             "FROM (SELECT unnest(string_split(?, ' ')) AS w)", [" ".join(words)]).fetchall())
    for hit in hits:
        text = hit["text"] or ""
        first = next((m.start() for m in _WORD.finditer(text) if stems.get(m.group()) in terms), 0)
        hit["snippet"] = _window(text, first, 220 if hit["type"] == "article" else 320)
        hit["highlights"] = [[m.start(), m.end()] for m in _WORD.finditer(hit["snippet"])
                             if stems.get(m.group()) in terms]


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
    return as_dicts(con.execute(sql, params))


# ---- from a path, as the CLI does ---------------------------------------------------------
def search_store(path: str | Path, query: str, limit: int = 10, scope: str = "all", offset: int = 0) -> SearchResult:
    """Search the store at `path` (what `storyline search` does), rebuilding a stale index when
    the store can be opened writable, else searching the old index with a note."""
    with _opened(path, read_only=True) as store:
        if not is_stale(store.con):
            return SearchResult(query, search(store.con, query, limit, scope, offset=offset))
    try:
        writable = _opened(path, read_only=False)
    except SearchUnavailable as exc:
        refused = str(exc)
    else:
        with writable as store:  # search() rebuilds the stale index first
            return SearchResult(query, search(store.con, query, limit, scope, offset=offset))
    with _opened(path, read_only=True) as store:
        if not has_index(store.con):
            raise SearchUnavailable(f"this store has no search index yet and it cannot be built now: {refused}")
        return SearchResult(query, search(store.con, query, limit, scope, offset=offset),
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
