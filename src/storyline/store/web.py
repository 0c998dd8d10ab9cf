"""The web app's reads: lists with filters and pages, one story, actor or article by id.

Every read here is bounded by what a page shows (a LIMIT, one id, one story's articles), so a
page costs the same on a 100-article store and a 100k one; counts for the pager come from a
window function over the same filtered set, not a second query.

`WebReads` is built per request on its own cursor (`Store.con.cursor()`): the server holds the
store's one read-write connection, and a DuckDB connection object must not be used by two
threads at once, while cursors of one database share its data and see each commit at once.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from storyline.store.pages import MAX_CLAIMS, MAX_EVENTS, MAX_QUOTES  # what a story page shows at most
from storyline.store.rows import as_dicts

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = ["ListFilters", "Ready", "StoryPage", "WebReads", "ready", "reader", "set_threads", "skip_pandas_probe"]


@dataclass
class ListFilters:
    """What the stories and storylines lists can be narrowed by; None means no filter."""

    actor: str | None = None  # an actor id: stories with an article naming them
    outlet: str | None = None  # an outlet name as stored on the stories
    start: str | None = None  # YYYY-MM-DD: stories whose span reaches this day or later
    end: str | None = None  # YYYY-MM-DD: stories whose span starts this day or earlier
    story_ids: list[str] | None = None  # a search's stories, in rank order
    storyline: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = ["TRUE"], []
        if self.outlet:
            clauses.append("list_contains(s.outlets, ?)")
            params.append(self.outlet)
        if self.start:
            clauses.append("coalesce(s.last_date, s.first_date) >= CAST(? AS DATE)")
            params.append(self.start)
        if self.end:
            clauses.append("s.first_date <= CAST(? AS DATE)")
            params.append(self.end)
        if self.actor:
            clauses.append("s.id IN (SELECT a.story_id FROM actor_articles aa JOIN articles a ON a.id = aa.article_id "
                           "WHERE aa.actor_id = ? AND a.story_id IS NOT NULL)")
            params.append(self.actor)
        if self.story_ids is not None:
            clauses.append("s.id IN (SELECT unnest(CAST(? AS VARCHAR[])))")
            params.append(self.story_ids)
        if self.storyline:
            clauses.append("s.storyline_id = ?")
            params.append(self.storyline)
        return " AND ".join(clauses), params


def skip_pandas_probe() -> None:
    """Make DuckDB's probe for pandas free when pandas is not installed.

    Binding a parameter, DuckDB's Python module imports pandas to recognise its types, once per
    value (a list of 100 ids: some 200 imports). When pandas is absent each of those imports
    searches sys.path again and fails, about 0.1 ms a time: 27 ms of a 62 ms story page on the 10k
    store. Python skips the search for a module whose sys.modules entry is None; setting it only
    when pandas cannot be found changes nothing else (an `import pandas` fails either way)."""
    if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
        sys.modules["pandas"] = None  # type: ignore[assignment]


def set_threads(store: Store, threads: int | None) -> None:
    """DuckDB's worker threads for the whole database instance (a global setting); None: its
    default, one per core.

    A server's queries are small and many run at once, each on its request's thread (DuckDB
    runs a query on the thread that asked, helped by its workers): with one thread a query never
    waits for a worker to pick up its tasks, which on a busy 2-core machine halved a search's
    latency (45 -> 22 ms p50, 10k store). A pipeline run wants the workers back."""
    cursor = store.con.cursor()
    try:
        cursor.execute("RESET threads" if threads is None else f"SET threads = {int(threads)}")
    finally:
        cursor.close()


@dataclass(frozen=True)
class Ready:
    """What the store has ready, checked when the server starts and after each job (the
    server is the store's one writer) rather than by a query per request."""

    pages: bool = False  # every story's page kept (store/pages.py)
    search: bool = False  # a search index, and the fts extension loaded in this database


def ready(store: Store) -> Ready:
    from storyline.store import pages, search

    cursor = store.con.cursor()
    try:
        searchable = search.has_index(cursor)
        if searchable:
            try:
                search.load_extension(cursor)
            except search.SearchUnavailable:
                searchable = False
        return Ready(pages=pages.is_complete(cursor), search=searchable)
    finally:
        cursor.close()


def reader(store: Store, ready: Ready | None = None) -> WebReads:
    """Reads on a cursor of their own: for one request (close it after)."""
    view = copy.copy(store)
    view.con = store.con.cursor()
    return WebReads(view, ready or Ready())


class StoryPage:
    """One story's page rows as store/pages.py keeps them, answering the reads a story page
    makes (the same values WebReads would return for this story)."""

    def __init__(self, page: dict[str, Any]) -> None:
        self.page = page

    def story(self, story_id: str) -> dict[str, Any]:
        return self.page["story"]

    def storyline_brief(self, storyline_id: str) -> dict[str, Any] | None:
        return self.page["storyline"]

    def edges(self, storyline_id: str) -> list[dict[str, Any]]:
        return self.page["edges"]  # those seen in the story's articles: all the page draws

    def quotes_of_stories(self, story_ids: list[str], limit: int = MAX_QUOTES) -> list[dict[str, Any]]:
        return self.page["quotes"]

    def names(self, actor_ids: list[str] | set[str]) -> dict[str, tuple[str, str]]:
        known = self.page["names"]
        return {i: (known[i][0], known[i][1]) for i in actor_ids if i in known}

    def article_briefs(self, article_ids: list[str] | set[str]) -> dict[str, dict[str, Any]]:
        known = self.page["briefs"]
        return {i: known[i] for i in article_ids if i in known}


class WebReads:
    def __init__(self, store: Store, ready: Ready | None = None) -> None:
        self.store = store
        self.con = store.con
        self.ready = ready or Ready()

    def story_reads(self, story_id: str) -> WebReads | StoryPage:
        """What a story page reads from: its kept page (one lookup), else these live reads (a
        store whose pages are not built yet)."""
        if self.ready.pages:
            from storyline.store import pages

            page = pages.read(self.con, story_id)
            if page is not None:
                return StoryPage(page)
        return self

    def close(self) -> None:
        self.con.close()

    def _dicts(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        return as_dicts(self.con.execute(sql, params or []))

    def _one(self, sql: str, params: list) -> dict[str, Any] | None:
        found = self._dicts(sql, params)
        return found[0] if found else None

    # ---- lookups shared by the pages --------------------------------------------------------
    def names(self, actor_ids: list[str] | set[str]) -> dict[str, tuple[str, str]]:
        """actor id -> (name, kind), for the ids given (unknown ids are left out)."""
        ids = sorted({i for i in actor_ids if i})
        if not ids:
            return {}
        found = self.con.execute("SELECT id, name, kind FROM actors WHERE id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                                 [ids]).fetchall()
        return {r[0]: (r[1], r[2]) for r in found}

    def article_briefs(self, article_ids: list[str] | set[str]) -> dict[str, dict[str, Any]]:
        """id -> title, outlet, published, source, url of the articles given."""
        ids = sorted({i for i in article_ids if i})
        if not ids:
            return {}
        rows = self._dicts("SELECT id, title, outlet, CAST(published AS VARCHAR) AS published, source, url, story_id, "
                           "duplicate_of FROM articles WHERE id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [ids])
        return {r["id"]: r for r in rows}

    def outlets(self, limit: int = 500) -> list[dict[str, Any]]:
        return self._dicts("SELECT outlet, count(*) AS articles FROM articles WHERE outlet IS NOT NULL "
                           "GROUP BY outlet ORDER BY articles DESC, outlet LIMIT ?", [limit])

    def find_actor(self, text: str) -> dict[str, Any] | None:
        """An actor by id, or by name (exact, case-insensitive; else the most mentioned whose
        name contains it): what a filter box typed by a person resolves to."""
        text = text.strip()
        if not text:
            return None
        return self._one("SELECT id, name, kind FROM actors WHERE id = ? OR lower(name) = lower(?) "
                         "ORDER BY (id = ?) DESC, mentions DESC, id LIMIT 1", [text, text, text]) or \
            self._one("SELECT id, name, kind FROM actors WHERE name ILIKE ? ORDER BY mentions DESC, id LIMIT 1",
                      ["%" + text.replace("%", "").replace("_", "") + "%"])

    def counts(self) -> dict[str, int]:
        return self.store.stats()

    # ---- lists ------------------------------------------------------------------------------
    def stories(self, filters: ListFilters, offset: int = 0, limit: int = 25,
                order: str = "latest") -> tuple[list[dict[str, Any]], int]:
        """A page of stories and how many match. `order`: latest (last date, newest first;
        undated last), size, or rank (the order of filters.story_ids)."""
        where, params = filters.where()
        orders = {"latest": "s.last_date DESC NULLS LAST, s.size DESC, s.id",
                  "size": "s.size DESC, s.last_date DESC NULLS LAST, s.id",
                  "rank": "list_position(CAST(? AS VARCHAR[]), s.id), s.id"}
        by = orders.get(order, orders["latest"])
        if order == "rank":
            params = params + [filters.story_ids or []]
        rows = self._dicts(
            "SELECT s.id, s.storyline_id, s.title, CAST(s.first_date AS VARCHAR) AS start, "
            "CAST(s.last_date AS VARCHAR) AS \"end\", s.size, s.actors[1:5] AS actors, s.outlets[1:6] AS outlets, "
            "len(s.outlets) AS n_outlets, "
            f"count(*) OVER () AS total FROM stories s WHERE {where} ORDER BY {by} LIMIT ? OFFSET ?",
            params + [limit, offset])
        total = rows[0]["total"] if rows else (self._count("stories s", where, filters.where()[1]) if offset else 0)
        for row in rows:
            del row["total"]
        return rows, total

    def _count(self, table: str, where: str, params: list) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]

    def storylines(self, filters: ListFilters, offset: int = 0, limit: int = 25,
                   order: str = "latest") -> tuple[list[dict[str, Any]], int]:
        """A page of storylines having at least one story that passes the filters, with their
        article and outlet counts (over all their stories)."""
        where, params = filters.where()
        narrowed = where != "TRUE"
        restrict = f"WHERE l.id IN (SELECT s.storyline_id FROM stories s WHERE {where}) " if narrowed else ""
        by = "len(l.stories) DESC, l.last_date DESC NULLS LAST, l.id" if order == "size" else \
            "l.last_date DESC NULLS LAST, len(l.stories) DESC, l.id"
        rows = self._dicts(
            "WITH page AS (SELECT l.id, l.title, CAST(l.first_date AS VARCHAR) AS start, CAST(l.last_date AS VARCHAR) "
            "AS \"end\", len(l.stories) AS n_stories, l.actors[1:5] AS actors, "
            f"row_number() OVER (ORDER BY {by}) AS rn, count(*) OVER () AS total FROM storylines l {restrict}"
            f"ORDER BY {by} LIMIT ? OFFSET ?) "
            "SELECT p.*, coalesce(c.articles, 0) AS articles, coalesce(c.n_outlets, 0) AS n_outlets FROM page p "
            "LEFT JOIN (SELECT s.storyline_id, sum(s.size) AS articles, count(DISTINCT o.outlet) AS n_outlets "
            "FROM stories s LEFT JOIN (SELECT id, unnest(outlets) AS outlet FROM stories "
            "WHERE storyline_id IN (SELECT id FROM page)) o ON o.id = s.id "
            "WHERE s.storyline_id IN (SELECT id FROM page) GROUP BY s.storyline_id) c ON c.storyline_id = p.id "
            "ORDER BY p.rn",
            params + [limit, offset])
        total = rows[0]["total"] if rows else 0
        for row in rows:
            del row["total"], row["rn"]
            row["articles"] = int(row["articles"])
        return rows, total

    def actors(self, query: str | None = None, kind: str | None = None, offset: int = 0,
               limit: int = 50) -> tuple[list[dict[str, Any]], int]:
        """Actors by mentions (most first), narrowed by a name fragment and a kind."""
        clauses, params = ["TRUE"], []
        if query:
            clauses.append("(a.name ILIKE ? OR a.id IN (SELECT actor_id FROM actor_aliases WHERE alias ILIKE ?))")
            like = "%" + query.strip().replace("%", "").replace("_", "") + "%"
            params += [like, like]
        if kind:
            clauses.append("a.kind = ?")
            params.append(kind)
        rows = self._dicts(
            "WITH page AS (SELECT a.id, a.name, a.kind, a.mentions, a.roles[1:3] AS roles, count(*) OVER () AS total "
            f"FROM actors a WHERE {' AND '.join(clauses)} ORDER BY a.mentions DESC, a.name, a.id LIMIT ? OFFSET ?) "
            "SELECT p.*, coalesce(n.articles, 0) AS articles FROM page p LEFT JOIN (SELECT actor_id, count(*) AS "
            "articles FROM actor_articles WHERE actor_id IN (SELECT id FROM page) GROUP BY actor_id) n "
            "ON n.actor_id = p.id ORDER BY p.mentions DESC, p.name, p.id", params + [limit, offset])
        total = rows[0]["total"] if rows else 0
        for row in rows:
            del row["total"]
        return rows, total

    def articles(self, filters: ListFilters, story: str | None = None, offset: int = 0,
                 limit: int = 50, order: str = "published") -> tuple[list[dict[str, Any]], int]:
        """Articles, newest first (undated last; `order="added"`: the last stored first),
        narrowed by story, outlet, actor, dates."""
        clauses, params = ["TRUE"], []
        if story:
            clauses.append("a.story_id = ?")
            params.append(story)
        if filters.outlet:
            clauses.append("a.outlet = ?")
            params.append(filters.outlet)
        if filters.start:
            clauses.append("a.published >= CAST(? AS DATE)")
            params.append(filters.start)
        if filters.end:
            clauses.append("a.published <= CAST(? AS DATE)")
            params.append(filters.end)
        if filters.actor:
            clauses.append("a.id IN (SELECT article_id FROM actor_articles WHERE actor_id = ?)")
            params.append(filters.actor)
        rows = self._dicts(
            "SELECT a.id, a.title, a.outlet, a.author, CAST(a.published AS VARCHAR) AS published, a.source, a.url, "
            "a.story_id, a.duplicate_of, count(*) OVER () AS total FROM articles a "
            f"WHERE {' AND '.join(clauses)} ORDER BY "
            f"{'a.seq DESC' if order == 'added' else 'a.published DESC NULLS LAST, a.seq DESC'} LIMIT ? OFFSET ?",
            params + [limit, offset])
        total = rows[0]["total"] if rows else 0
        for row in rows:
            del row["total"]
        return rows, total

    # ---- one story or storyline ---------------------------------------------------------------
    def story(self, story_id: str) -> dict[str, Any] | None:
        import json

        row = self._one(
            "SELECT id, storyline_id, title, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS VARCHAR) AS "
            "\"end\", size, actors, outlets, summary, outlet_comparison FROM stories WHERE id = ?", [story_id])
        if row is None:
            return None
        row["outlet_comparison"] = json.loads(row["outlet_comparison"]) if row["outlet_comparison"] else {}
        row["articles"] = self._dicts(
            "SELECT id, title, outlet, author, CAST(published AS VARCHAR) AS published, source, url, duplicate_of "
            "FROM articles WHERE story_id = ? ORDER BY published NULLS LAST, seq", [story_id])
        row["events"] = self._dicts(
            "SELECT id, story_id, storyline_id, summary, kind, date, actors, place, weight, sources FROM events "
            "WHERE story_id = ? ORDER BY coalesce(date, '~'), id LIMIT ?", [story_id, MAX_EVENTS])
        row["claims"] = self._dicts(
            "SELECT id, story_id, storyline_id, text, value, \"values\", unit, subject, status, sources FROM claims "
            "WHERE story_id = ? ORDER BY len(sources) DESC, id LIMIT ?", [story_id, MAX_CLAIMS])
        return row

    def storyline(self, storyline_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT id, title, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS VARCHAR) AS "
                        "\"end\", stories, actors, summary FROM storylines WHERE id = ?", [storyline_id])
        if row is None:
            return None
        items = self.store.storyline_items(storyline_id)
        row["stories"] = items["stories"]
        row["events"] = items["events"][:MAX_EVENTS]
        row["events_total"] = len(items["events"])
        row["claims"] = items["claims"][:MAX_CLAIMS]
        row["claims_total"] = len(items["claims"])
        return row

    def quotes_of_stories(self, story_ids: list[str], limit: int = MAX_QUOTES) -> list[dict[str, Any]]:
        """The quotes of these stories' articles, oldest article first, with the article's
        outlet and date."""
        return self._dicts(
            "SELECT q.id, q.article_id, q.text, q.speaker, q.speaker_id, q.kind, q.cue, q.start_char AS start, "
            "q.end_char AS \"end\", a.title AS article_title, a.outlet, CAST(a.published AS VARCHAR) AS published "
            "FROM articles a JOIN quotes q ON q.article_id = a.id "
            "WHERE a.story_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
            "ORDER BY a.published NULLS LAST, a.seq, q.start_char, q.n LIMIT ?", [story_ids, limit])

    def edges(self, storyline_id: str) -> list[dict[str, Any]]:
        return self.store.actor_edges(storyline_id)

    # ---- one actor ----------------------------------------------------------------------------
    def actor(self, actor_id: str, limit: int = 50) -> dict[str, Any] | None:
        row = self._one("SELECT id, name, kind, mentions, roles FROM actors WHERE id = ?", [actor_id])
        if row is None:
            return None
        row["aliases"] = [r[0] for r in self.con.execute(
            "SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias", [actor_id]).fetchall()]
        row["articles"] = self.con.execute("SELECT count(*) FROM actor_articles WHERE actor_id = ?",
                                           [actor_id]).fetchone()[0]
        row["quotes_total"] = self.con.execute("SELECT count(*) FROM quotes WHERE speaker_id = ?",
                                               [actor_id]).fetchone()[0]
        row["quotes"] = self._dicts(
            "SELECT q.id, q.article_id, q.text, q.kind, q.cue, a.title AS article_title, a.outlet, "
            "CAST(a.published AS VARCHAR) AS published FROM quotes q JOIN articles a ON a.id = q.article_id "
            "WHERE q.speaker_id = ? ORDER BY a.published DESC NULLS LAST, a.seq DESC, q.start_char LIMIT ?",
            [actor_id, limit])
        row["events"] = self._dicts(
            "SELECT id, story_id, storyline_id, summary, kind, date, actors, place, weight, sources FROM events "
            "WHERE list_contains(actors, ?) ORDER BY coalesce(date, '~'), id LIMIT ?", [actor_id, limit])
        row["connected"] = self._dicts(
            "SELECT other AS id, sum(weight) AS weight, list(DISTINCT kind) AS kinds FROM ("
            "SELECT CASE WHEN source = ? THEN target ELSE source END AS other, weight, kind FROM actor_edges "
            "WHERE source = ? OR target = ?) GROUP BY other ORDER BY weight DESC, other LIMIT 15",
            [actor_id, actor_id, actor_id])
        row["stories"] = self._dicts(
            "SELECT s.id, s.title, CAST(s.first_date AS VARCHAR) AS start, CAST(s.last_date AS VARCHAR) AS \"end\", "
            "s.size, count(*) AS with_actor FROM actor_articles aa JOIN articles a ON a.id = aa.article_id "
            "JOIN stories s ON s.id = a.story_id WHERE aa.actor_id = ? "
            "GROUP BY s.id, s.title, s.first_date, s.last_date, s.size "
            "ORDER BY s.last_date DESC NULLS LAST, s.id LIMIT ?", [actor_id, limit])
        return row

    # ---- one article --------------------------------------------------------------------------
    def article(self, article_id: str) -> dict[str, Any] | None:
        row = self._one(
            "SELECT id, seq, source, kind, url, title, outlet, author, CAST(published AS VARCHAR) AS published, text, "
            "provenance, duplicate_of, story_id FROM articles WHERE id = ?", [article_id])
        if row is None:
            return None
        row["provenance"] = dict(row["provenance"] or {})
        row["mentions"] = self._dicts(
            "SELECT m.start_char AS start, m.end_char AS \"end\", m.text, m.label, k.actor_id FROM mentions m "
            "LEFT JOIN actor_keys k ON k.key = m.actor_key WHERE m.article_id = ? ORDER BY m.start_char, m.n",
            [article_id])
        row["quotes"] = self._dicts(
            "SELECT id, text, kind, cue, speaker, speaker_id, start_char AS start, end_char AS \"end\" FROM quotes "
            "WHERE article_id = ? ORDER BY start_char, n", [article_id])
        original = row["duplicate_of"] or article_id
        row["duplicates"] = self._dicts(
            "SELECT id, title, outlet, CAST(published AS VARCHAR) AS published, duplicate_of FROM articles "
            "WHERE (duplicate_of = ? OR id = ?) AND id <> ? ORDER BY seq", [original, original, article_id])
        row["also_seen_at"] = [r[0] for r in self.con.execute(
            "SELECT source FROM article_sources WHERE article_id = ? AND source <> ? ORDER BY source",
            [article_id, row["source"]]).fetchall()]
        row["story"] = self._one("SELECT id, title, storyline_id FROM stories WHERE id = ?",
                                 [row["story_id"]]) if row["story_id"] else None
        return row

    # ---- search and matching ------------------------------------------------------------------
    def search(self, query: str, limit: int = 20, offset: int = 0, scope: str = "all") -> list[dict[str, Any]]:
        """The store's BM25 search (store/search.py) without rebuilding a stale index: while an
        ingest runs the index lags behind (it is rebuilt at the end of the run), and a rebuild
        inside a request would race the run's own. Raises search.SearchUnavailable without an index."""
        from storyline.store import search as fts

        return fts.search(self.con, query, limit, scope, offset=offset, rebuild=False, checked=self.ready.search)

    def search_story_ids(self, query: str, limit: int = 500) -> list[str]:
        """The stories of the best-matching articles, best first."""
        from storyline.store import search as fts

        hits = fts.search(self.con, query, limit, "articles", rebuild=False, snippets=False,
                          checked=self.ready.search)
        briefs = self.article_briefs([h["id"] for h in hits])
        return list(dict.fromkeys(briefs[h["id"]]["story_id"] for h in hits
                                  if h["id"] in briefs and briefs[h["id"]]["story_id"]))

    def actor_ids(self, keys: list[str]) -> dict[str, str]:
        """Per-article actor key -> the canonical actor id it is consolidated into."""
        if not keys:
            return {}
        return dict(self.con.execute("SELECT key, actor_id FROM actor_keys WHERE actor_id IS NOT NULL AND key IN "
                                     "(SELECT unnest(CAST(? AS VARCHAR[])))", [sorted(set(keys))]).fetchall())

    def next_seq(self) -> int:
        return self.con.execute("SELECT coalesce(max(seq), 0) + 1 FROM articles").fetchone()[0]

    def band_neighbours(self, buckets: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Articles sharing an LSH band bucket with a text: its near-duplicate candidates."""
        if not buckets:
            return []
        return self._dicts(
            "SELECT DISTINCT a.id, a.minhash, a.story_id, CAST(a.published AS VARCHAR) AS published, a.seq, "
            "a.duplicate_of FROM lsh_bands b JOIN (SELECT unnest(CAST(? AS SMALLINT[])) AS band, "
            "unnest(CAST(? AS BIGINT[])) AS bucket) q ON q.band = b.band AND q.bucket = b.bucket "
            "JOIN articles a ON a.id = b.article_id", [[b for b, _ in buckets], [k for _, k in buckets]])

    def storyline_brief(self, storyline_id: str) -> dict[str, Any] | None:
        return self._one("SELECT id, title, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS VARCHAR) AS "
                         "\"end\", len(stories) AS n_stories FROM storylines WHERE id = ?", [storyline_id])

    def story_briefs(self, story_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not story_ids:
            return {}
        rows = self._dicts("SELECT id, storyline_id, title, CAST(first_date AS VARCHAR) AS start, "
                           "CAST(last_date AS VARCHAR) AS \"end\", size, outlets FROM stories "
                           "WHERE id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [sorted(set(story_ids))])
        return {r["id"]: r for r in rows}


def is_busy_error(exc: BaseException) -> bool:
    """A read that met a concurrent write's catalog change (the search index rebuilt at the
    end of an ingest): worth one retry."""
    return isinstance(exc, duckdb.TransactionException | duckdb.CatalogException)
