"""Story pages in one read: each story's page rows kept as one JSON row per story.

A story page reads its story, articles, events, claims, quotes, its storyline's brief and actor
edges, and the names and article briefs these refer to: eight queries, most of them scans of a
whole table (no story id on quotes; events, claims, edges and actors have no index), so on the
100k store an uncached page cost about a hundred milliseconds and grew with the store. Kept
here per story, the page is one lookup whatever the store's size.

They are kept as the search index is, once at the end of a run (`Store.refresh_pages`, after
the corpus stage): the corpus stage notes in `story_pages_pending`, in its own transaction, what
it changed — the storylines it derived again (their stories' rows, events, claims, edges and
storyline brief), the stories it derived again or merged away, the articles that got another
original, the stories naming an actor whose name or kind changed — or that every page is to be
built (from scratch; a store of before version 6). `update` then writes those pages again and
clears the notes, in one transaction; until it has, the server reads those stories live
(`is_complete`), so a run interrupted between the two leaves nothing stale behind. A page is a
copy: tests/test_web_api.py and tests/test_incremental.py hold every story's page, after runs
that grew a store, to the live reads.

The rows are exactly what the live reads in store/web.py return: the same columns, orders and
limits, gathered for a batch of stories at a time with one query per table instead of one per
story.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import duckdb

from storyline.store import rows as bulk

__all__ = ["is_complete", "mark", "mark_all", "read", "update"]

STAMP = "story_pages"  # meta key, set while every story has its page (or a note in story_pages_pending)
BATCH_ARTICLES = 3000  # stories are gathered this many articles at a time (memory stays bounded)
# what a story page shows at most (store/web.py's live reads take the same)
MAX_QUOTES = 400  # its who-said-what: the first quotes in date order
MAX_EVENTS = 300
MAX_CLAIMS = 200


def is_complete(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every story's kept page shows the store as it is."""
    return con.execute("SELECT (SELECT count(*) FROM meta WHERE key = ?) > 0 "
                       "AND NOT EXISTS (SELECT 1 FROM story_pages_pending)", [STAMP]).fetchone()[0]


def read(con: duckdb.DuckDBPyConnection, story_id: str) -> dict[str, Any] | None:
    row = con.execute("SELECT page FROM story_pages WHERE story_id = ?", [story_id]).fetchone()
    return json.loads(zlib.decompress(row[0])) if row else None


def mark_all(con: duckdb.DuckDBPyConnection) -> None:
    """Every page is to be built again (the corpus stage derived everything)."""
    con.execute("DELETE FROM meta WHERE key = ?", [STAMP])
    con.execute("DELETE FROM story_pages_pending")


def mark(con: duckdb.DuckDBPyConnection, lines: Iterable[str], stories: Iterable[str], articles: Iterable[str]) -> None:
    """These storylines', stories' and articles' stories' pages are to be written again."""
    for kind, ids in (("storyline", lines), ("story", stories), ("article", articles)):
        noted = sorted(set(ids))
        bulk.write(con, "INSERT INTO story_pages_pending (kind, id) SELECT kind, id FROM {rows}",
                   kind=[kind] * len(noted), id=noted)


def update(con: duckdb.DuckDBPyConnection) -> int:
    """Write the pages the notes ask for (all of them on a store without its stamp), in one
    transaction; returns the pages written."""
    con.execute("BEGIN TRANSACTION")
    try:
        if con.execute("SELECT count(*) FROM meta WHERE key = ?", [STAMP]).fetchone()[0]:
            done = _refresh(con)
        else:
            con.execute("DELETE FROM story_pages")
            done = _write(con, [r[0] for r in con.execute("SELECT id FROM stories ORDER BY id").fetchall()])
            con.execute("INSERT INTO meta (key, value) VALUES (?, '1')", [STAMP])
        con.execute("DELETE FROM story_pages_pending")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return done


def _refresh(con: duckdb.DuckDBPyConnection) -> int:
    """The noted pages written again (a story no longer stored loses its page)."""
    wanted = con.execute(
        "SELECT s.id FROM stories s JOIN story_pages_pending n ON n.kind = 'storyline' AND n.id = s.storyline_id "
        "UNION SELECT s.id FROM stories s JOIN story_pages_pending n ON n.kind = 'story' AND n.id = s.id "
        "UNION SELECT a.story_id FROM articles a JOIN story_pages_pending n ON n.kind = 'article' AND n.id = a.id "
        "WHERE a.story_id IS NOT NULL").fetchall()
    ids = sorted(r[0] for r in wanted)
    con.execute("DELETE FROM story_pages USING story_pages_pending n "
                "WHERE n.kind = 'story' AND n.id = story_pages.story_id")
    bulk.write(con, "DELETE FROM story_pages USING {rows} r WHERE story_pages.story_id = r.id", id=ids)
    return _write(con, ids)


def _write(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> int:
    """Each table is read once for all these stories into a temporary table in page order
    (storyline, story); a batch then reads its range of each, which DuckDB finds by the row
    groups' min/max alone. Selecting a batch by a list of ids instead scanned every table once
    per batch: 45 s for the 100k store's 5,971 pages, quadratic in the store."""
    _gather(con, story_ids)
    done = 0
    try:
        for lo, hi in _batches(con):
            made = [(sid, zlib.compress(json.dumps(page, ensure_ascii=False).encode(), 1))
                    for sid, page in _pages(con, lo, hi)]
            if made:  # a few rows of large values: executemany binds each as it is (rows.write
                # would carry them hex-coded inside one JSON document)
                con.executemany("INSERT INTO story_pages (story_id, page) VALUES (?, ?)", made)
            done += len(made)
    finally:
        for table in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return done


_TEMP = ("page_stories", "page_articles", "page_events", "page_claims", "page_quotes", "page_edges", "page_lines")


def _gather(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> None:
    """The page rows of these stories, numbered `o` in page order: the queries of
    WebReads.story, .quotes_of_stories, .edges and .storyline_brief, for all of them at once."""
    con.execute("CREATE OR REPLACE TEMP TABLE page_ids (id VARCHAR)")
    bulk.write(con, "INSERT INTO page_ids SELECT id FROM {rows}", id=story_ids)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE page_stories AS SELECT row_number() OVER (ORDER BY s.storyline_id, s.id) AS o, "
        "1 AS rn, s.id, s.storyline_id, s.title, CAST(s.first_date AS VARCHAR) AS start, "
        "CAST(s.last_date AS VARCHAR) AS \"end\", s.size, s.actors, s.outlets, s.summary, s.outlet_comparison "
        "FROM stories s "
        "SEMI JOIN page_ids p ON p.id = s.id ORDER BY o")
    con.execute("DROP TABLE page_ids")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE page_articles AS SELECT p.o, row_number() OVER (PARTITION BY p.o "
        "ORDER BY a.published NULLS LAST, a.seq) AS rn, a.id, a.title, a.outlet, a.author, "
        "CAST(a.published AS VARCHAR) AS published, a.source, a.url, a.duplicate_of FROM articles a "
        "JOIN page_stories p ON p.id = a.story_id ORDER BY p.o, rn")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE page_events AS SELECT o, rn, id, story_id, storyline_id, summary, kind, date, "
        "actors, place, weight, sources FROM (SELECT p.o, e.*, row_number() OVER (PARTITION BY e.story_id "
        "ORDER BY coalesce(e.date, '~'), e.id) AS rn FROM events e JOIN page_stories p ON p.id = e.story_id) "
        f"WHERE rn <= {MAX_EVENTS} ORDER BY o, rn")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE page_claims AS SELECT o, rn, id, story_id, storyline_id, text, value, "
        "\"values\", unit, subject, status, sources FROM (SELECT p.o, c.*, row_number() OVER (PARTITION BY c.story_id "
        "ORDER BY len(c.sources) DESC, c.id) AS rn FROM claims c JOIN page_stories p ON p.id = c.story_id) "
        f"WHERE rn <= {MAX_CLAIMS} ORDER BY o, rn")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE page_quotes AS SELECT o, rn, id, article_id, text, speaker, speaker_id, kind, "
        "cue, start, \"end\", article_title, outlet, published FROM (SELECT p.o, q.id, q.article_id, q.text, "
        "q.speaker, q.speaker_id, q.kind, q.cue, q.start_char AS start, q.end_char AS \"end\", "
        "a.title AS article_title, a.outlet, CAST(a.published AS VARCHAR) AS published, "
        "row_number() OVER (PARTITION BY a.story_id ORDER BY a.published NULLS LAST, a.seq, q.start_char, q.n) AS rn "
        "FROM articles a JOIN page_stories p ON p.id = a.story_id JOIN quotes q ON q.article_id = a.id) "
        f"WHERE rn <= {MAX_QUOTES} ORDER BY o, rn")
    # a storyline's stories are consecutive in page order: its rows go with its first story
    con.execute("CREATE OR REPLACE TEMP TABLE page_lines AS SELECT min(p.o) AS o, 1 AS rn, l.id, l.title, "
                "CAST(l.first_date AS VARCHAR) AS start, CAST(l.last_date AS VARCHAR) AS \"end\", "
                "len(l.stories) AS n_stories FROM storylines l JOIN page_stories p ON p.storyline_id = l.id "
                "GROUP BY l.id, l.title, l.first_date, l.last_date, l.stories ORDER BY o")
    con.execute("CREATE OR REPLACE TEMP TABLE page_edges AS SELECT l.o, row_number() OVER (PARTITION BY l.o "
                "ORDER BY e.weight DESC, e.source, e.target, e.kind) AS rn, e.storyline_id, e.source, e.target, "
                "e.kind, e.weight, e.articles FROM actor_edges e JOIN (SELECT storyline_id, min(o) AS o "
                "FROM page_stories GROUP BY storyline_id) l ON l.storyline_id = e.storyline_id "
                "ORDER BY l.o, rn")


def _batches(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[int, int]]:
    """Ranges of page order of about BATCH_ARTICLES articles, each ending with a storyline."""
    lo = size = 0
    rows = con.execute("SELECT o, size, storyline_id <> lead(storyline_id, 1, '') OVER (ORDER BY o) "
                       "FROM page_stories ORDER BY o").fetchall()
    for o, articles, last_of_line in rows:
        lo = lo or o
        size += int(articles or 0)
        if size >= BATCH_ARTICLES and last_of_line:
            yield lo, o
            lo = size = 0
    if lo:
        yield lo, rows[-1][0]


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row.pop(key)].append(row)
    return out


def _pages(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """The pages of the stories numbered lo..hi."""
    def part(table: str) -> list[dict[str, Any]]:
        found = _dicts(con, f"SELECT * FROM {table} WHERE o BETWEEN ? AND ? ORDER BY o, rn", [lo, hi])
        for row in found:
            del row["rn"]
        return found

    stories = part("page_stories")
    articles, events, claims, quotes = (_grouped(part(t), "o") for t in
                                        ("page_articles", "page_events", "page_claims", "page_quotes"))
    edges = _grouped(part("page_edges"), "o")
    line_rows = part("page_lines")
    first_of = {r["id"]: r.pop("o") for r in line_rows}
    line_briefs = {r["id"]: r for r in line_rows}
    for story in stories:
        o = story.pop("o")
        story["outlet_comparison"] = json.loads(story["outlet_comparison"]) if story["outlet_comparison"] else {}
        story["articles"] = articles.get(o, [])
        story["events"] = events.get(o, [])
        story["claims"] = claims.get(o, [])
        story["quotes"] = quotes.get(o, [])
    seen = {s["id"]: _edges_seen(s, edges.get(first_of.get(s["storyline_id"]), [])) for s in stories}
    names = _names(con, {a for s in stories for a in _actor_ids(s, seen[s["id"]])})
    briefs = _briefs(con, {a for s in stories for a in _article_ids(s)})
    for story in stories:
        sid = story["id"]
        said = story.pop("quotes")
        yield sid, {"story": story, "storyline": line_briefs.get(story["storyline_id"]), "edges": seen[sid],
                    "quotes": said,
                    "names": {i: names[i] for i in sorted(_actor_ids(story, seen[sid])) if i in names},
                    "briefs": {i: briefs[i] for i in sorted(_article_ids(story)) if i in briefs}}


def _edges_seen(story: dict[str, Any], edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The storyline's edges seen in this story's articles: all its page draws."""
    inside = {a["id"] for a in story["articles"]}
    return [e for e in edges if any(a in inside for a in e["articles"])]


def _actor_ids(story: dict[str, Any], edges: list[dict[str, Any]]) -> set[str]:
    return set(story["actors"]) | {a for e in story["events"] for a in e["actors"]} | \
        {e["source"] for e in edges} | {e["target"] for e in edges}


def _article_ids(story: dict[str, Any]) -> set[str]:
    return {s["article_id"] for s in story["summary"]} | \
        {src["article_id"] for item in story["events"] + story["claims"] for src in item["sources"] or []}


def _names(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, list[str]]:
    return {r[0]: [r[1], r[2]] for r in bulk.read(
        con, "SELECT a.id, a.name, a.kind FROM actors a JOIN {rows} r ON r.id = a.id", id=sorted(ids))}


def _briefs(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, dict[str, Any]]:
    found = bulk.read(con, "SELECT a.id, a.title, a.outlet, CAST(a.published AS VARCHAR), a.source, a.url, "
                           "a.story_id, a.duplicate_of FROM articles a JOIN {rows} r ON r.id = a.id", id=sorted(ids))
    keys = ("id", "title", "outlet", "published", "source", "url", "story_id", "duplicate_of")
    return {row[0]: dict(zip(keys, row, strict=True)) for row in found}


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    return bulk.as_dicts(con.execute(sql, params or []))
