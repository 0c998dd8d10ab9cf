"""Story pages in one read: each story's page rows kept as one JSON row per story.

A story page reads its story, articles, events, claims, quotes, its storyline's brief and actor
edges, and the names and article briefs these refer to: eight queries, most of them scans of a
whole table (no story id on quotes; events, claims, edges and actors have no index), so on the
100k store an uncached page cost about a hundred milliseconds and grew with the store. Kept
here per story, the page is one primary-key lookup whatever the store's size.

PROTOTYPE (issue 10): the table is not in schema.sql. `build` creates it on a store by hand (a
bench copy) and fills it for every story; the web reads it only while its stamp equals the
store's state (`is_current`), and reads live otherwise, so a store without it, or with one
older than its last corpus update, shows the same pages. What it needs to become a part of the
store: the DDL below in schema.sql, and `build` (or a version restricted to the storylines it
re-derived, plus those whose actor names or quote speakers it changed) at the end of the corpus
stage.

The rows are exactly what the live reads in store/web.py return (tests/test_web_pages.py holds
every demo story's page to them): the same columns, orders and limits, gathered for a batch of
storylines at a time with one query per table instead of one per story.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import duckdb

__all__ = ["DDL", "build", "is_current", "read"]

DDL = "CREATE TABLE story_pages (story_id VARCHAR PRIMARY KEY, page VARCHAR NOT NULL)"
STAMP = "story_pages"  # meta key: the store's state the pages were built from
BATCH_ARTICLES = 3000  # storylines are gathered this many articles at a time (memory stays bounded)


def _state(con: duckdb.DuckDBPyConnection) -> str:
    """What the pages derive from: the last corpus update and the counts it covered."""
    row = con.execute("SELECT (SELECT coalesce(max(id), 0) FROM runs), (SELECT count(*) FROM articles), "
                      "(SELECT count(*) FROM quotes), (SELECT max(value) FROM meta WHERE key = 'corpus_seq'), "
                      "(SELECT count(*) FROM outlet_labels)").fetchone()
    return json.dumps(list(row))


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has story pages built from its present state."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                         "AND table_name = 'story_pages'").fetchone()[0]
    if not exists:
        return False
    stamp = con.execute("SELECT value FROM meta WHERE key = ?", [STAMP]).fetchone()
    return stamp is not None and stamp[0] == _state(con)


def read(con: duckdb.DuckDBPyConnection, story_id: str) -> dict[str, Any] | None:
    row = con.execute("SELECT page FROM story_pages WHERE story_id = ?", [story_id]).fetchone()
    return json.loads(row[0]) if row else None


def build(con: duckdb.DuckDBPyConnection, max_events: int, max_claims: int, max_quotes: int) -> int:
    """(Re)create the table with every story's page, in one transaction; returns the stories."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DROP TABLE IF EXISTS story_pages")
        con.execute(DDL)
        names = {r[0]: [r[1], r[2]] for r in con.execute("SELECT id, name, kind FROM actors").fetchall()}
        briefs = {r["id"]: r for r in _dicts(con, "SELECT id, title, outlet, CAST(published AS VARCHAR) AS published, "
                                                  "source, url, story_id, duplicate_of FROM articles")}
        done = 0
        for lines in _batches(con):
            rows = [(sid, json.dumps(page, ensure_ascii=False))
                    for sid, page in _pages(con, lines, names, briefs, max_events, max_claims, max_quotes)]
            if rows:
                con.executemany("INSERT INTO story_pages VALUES (?, ?)", rows)
            done += len(rows)
        con.execute("DELETE FROM meta WHERE key = ?", [STAMP])
        con.execute("INSERT INTO meta VALUES (?, ?)", [STAMP, _state(con)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return done


def _batches(con: duckdb.DuckDBPyConnection) -> Iterator[list[str]]:
    """Storyline ids, about BATCH_ARTICLES articles' worth at a time."""
    batch: list[str] = []
    size = 0
    for line_id, articles in con.execute("SELECT storyline_id, sum(size) FROM stories GROUP BY storyline_id "
                                         "ORDER BY storyline_id").fetchall():
        batch.append(line_id)
        size += int(articles or 0)
        if size >= BATCH_ARTICLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row.pop(key)].append(row)
    return out


def _pages(con: duckdb.DuckDBPyConnection, lines: list[str], names: dict[str, list[str]],
           briefs: dict[str, dict[str, Any]], max_events: int, max_claims: int,
           max_quotes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """The pages of the stories of these storylines: the queries of WebReads.story, .edges,
    .quotes_of_stories and .storyline_brief, for all of them at once."""
    these = "storyline_id IN (SELECT unnest(CAST(? AS VARCHAR[])))"
    stories = _dicts(con, "SELECT id, storyline_id, title, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS "
                          f"VARCHAR) AS \"end\", size, actors, outlets, summary, outlet_comparison FROM stories "
                          f"WHERE {these}", [lines])
    ids = [s["id"] for s in stories]
    of_story = "story_id IN (SELECT unnest(CAST(? AS VARCHAR[])))"
    articles = _grouped(_dicts(
        con, "SELECT story_id AS _key, id, title, outlet, author, CAST(published AS VARCHAR) AS published, source, "
             f"url, duplicate_of FROM articles WHERE {of_story} ORDER BY story_id, published NULLS LAST, seq",
        [ids]), "_key")
    events = _grouped(_dicts(
        con, "SELECT story_id AS _key, id, story_id, storyline_id, summary, kind, date, actors, place, weight, sources "
             "FROM (SELECT *, row_number() OVER (PARTITION BY story_id ORDER BY coalesce(date, '~'), id) AS rn "
             f"FROM events WHERE {of_story}) WHERE rn <= ? ORDER BY story_id, rn", [ids, max_events]), "_key")
    claims = _grouped(_dicts(
        con, "SELECT story_id AS _key, id, story_id, storyline_id, text, value, \"values\", unit, subject, status, "
             "sources FROM (SELECT *, row_number() OVER (PARTITION BY story_id ORDER BY len(sources) DESC, id) AS rn "
             f"FROM claims WHERE {of_story}) WHERE rn <= ? ORDER BY story_id, rn", [ids, max_claims]), "_key")
    quotes = _grouped(_dicts(
        con, "SELECT _key, id, article_id, text, speaker, speaker_id, kind, cue, start, \"end\", article_title, "
             "outlet, published FROM (SELECT a.story_id AS _key, q.id, q.article_id, q.text, q.speaker, q.speaker_id, "
             "q.kind, q.cue, q.start_char AS start, q.end_char AS \"end\", a.title AS article_title, a.outlet, "
             "CAST(a.published AS VARCHAR) AS published, row_number() OVER (PARTITION BY a.story_id "
             "ORDER BY a.published NULLS LAST, a.seq, q.start_char, q.n) AS rn FROM articles a "
             f"JOIN quotes q ON q.article_id = a.id WHERE a.{of_story}) WHERE rn <= ? ORDER BY _key, rn",
        [ids, max_quotes]), "_key")
    edges = _grouped(_dicts(
        con, "SELECT storyline_id AS _key, storyline_id, source, target, kind, weight, articles FROM actor_edges "
             f"WHERE {these} ORDER BY storyline_id, weight DESC, source, target, kind", [lines]), "_key")
    line_briefs = {r["id"]: r for r in _dicts(
        con, "SELECT id, title, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS VARCHAR) AS \"end\", "
             "len(stories) AS n_stories FROM storylines WHERE id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [lines])}
    for story in stories:
        sid = story["id"]
        story["outlet_comparison"] = json.loads(story["outlet_comparison"]) if story["outlet_comparison"] else {}
        story["articles"] = articles.get(sid, [])
        story["events"] = events.get(sid, [])
        story["claims"] = claims.get(sid, [])
        inside = {a["id"] for a in story["articles"]}
        seen = [e for e in edges.get(story["storyline_id"], []) if any(a in inside for a in e["articles"])]
        actor_ids = set(story["actors"]) | {a for e in story["events"] for a in e["actors"]} | \
            {e["source"] for e in seen} | {e["target"] for e in seen}
        article_ids = {s["article_id"] for s in story["summary"]} | \
            {src["article_id"] for item in story["events"] + story["claims"] for src in item["sources"] or []}
        yield sid, {"story": story, "storyline": line_briefs.get(story["storyline_id"]), "edges": seen,
                    "quotes": quotes.get(sid, []),
                    "names": {i: names[i] for i in sorted(actor_ids) if i in names},
                    "briefs": {i: briefs[i] for i in sorted(article_ids) if i in briefs}}


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
