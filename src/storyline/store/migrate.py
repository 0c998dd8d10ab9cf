"""Upgrade a version-1 store (each article's analysis in JSON text columns) to version 2, in
place, inside the caller's transaction: a failure leaves the store as it was.

The JSON columns are read and written to the new tables. The corpus results are carried over
as they are (near-duplicate links, actors with their lists in their order, quote speakers), so
the dossier is the same before and after; the corpus state the incremental stage needs (LSH
bands, per-key aggregates, which actor each key belongs to, the last article taken in) is
derived from the per-article records and the actors' key lists. Articles stored after the
last run that finished (a killed run) had no corpus results yet: the next run takes them in.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from storyline.corpus.actors import actor_id, quote_id
from storyline.corpus.duplicates import Layout
from storyline.model import ANALYSIS_FULL
from storyline.store import records, rows

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = ["from_version_1", "from_version_2", "from_version_3", "from_version_4", "from_version_5"]

_TABLES = ("runs", "skipped", "failures", "articles", "article_sources", "actors", "quotes", "events", "claims",
           "stories")
_CHUNK = 2000  # articles converted at a time: the JSON of all of them need not fit in memory


def from_version_1(store: Store, schema: str, shape: Layout) -> None:
    con = store.con
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                         "AND database_name = current_database()").fetchall()}
    for table in _TABLES:
        if table in present:
            con.execute(f"CREATE TEMP TABLE v1_{table} AS SELECT * FROM main.{table}")
            con.execute(f"DROP TABLE main.{table}")
    # the search index was built over the old tables: unmarked, it is rebuilt by the next search or run
    con.execute("DROP TABLE IF EXISTS main.search_index")
    last_seq = _scalar(store, "SELECT coalesce(max(seq), 0) FROM v1_articles", "articles")
    last_run = _scalar(store, "SELECT coalesce(max(id), 0) FROM v1_runs", "runs")
    con.execute(f"CREATE SEQUENCE article_seq START {int(last_seq) + 1}")
    con.execute(f"CREATE SEQUENCE run_seq START {int(last_run) + 1}")
    con.execute(schema)
    store._set_meta("lsh", shape.encode())
    store._layout = shape
    # the story layer (schema 3) has to see every article: the next corpus update starts afresh
    store._set_meta("corpus_reset", "1")
    _mark_reanalysis(store, "v1_articles")

    if "runs" in present:
        failed = "coalesce(failed, 0)" if _has_column(store, "v1_runs", "failed") else "0"
        con.execute("INSERT INTO runs (id, started, finished, inputs, status, stored, seen, skipped, failed, "
                    "duplicates) SELECT id, started, finished, coalesce(from_json(inputs, '[\"VARCHAR\"]'), []), "
                    f"status, stored, seen, skipped, {failed}, duplicates FROM v1_runs")
    if "skipped" in present:
        stage = "stage" if _has_column(store, "v1_skipped", "stage") else "NULL"
        con.execute(f"INSERT INTO skipped (run_id, source, reason, stage) SELECT run_id, source, reason, {stage} "
                    "FROM v1_skipped")
    if "failures" in present:
        con.execute("INSERT INTO failures (source, raw_hash, stage, reason, run_id) "
                    "SELECT source, raw_hash, stage, reason, run_id FROM v1_failures")
    if "article_sources" in present:
        con.execute("INSERT INTO article_sources (source, raw_hash, article_id, run_id) "
                    "SELECT source, raw_hash, article_id, run_id FROM v1_article_sources")
    if "articles" in present:
        _articles(store)
        _language_columns(store)
    covered = _actors(store, _covered(store)) if {"articles", "actors"} <= present else 0
    store.corpus.set_watermark(covered)
    _story_layer(store, present)
    for table in _TABLES:
        con.execute(f"DROP TABLE IF EXISTS temp.v1_{table}")


def _articles(store: Store) -> None:
    """The per-article JSON into the relational tables, with the speakers the old corpus stage
    gave each quote."""
    con = store.con
    speakers = {}
    if _has_table(store, "v1_quotes"):
        speakers = {qid: (speaker, speaker_id) for qid, speaker, speaker_id in
                    con.execute("SELECT id, speaker, speaker_id FROM v1_quotes").fetchall()}
    after = -1
    while chunk := con.execute(
            "SELECT id, seq, source, kind, url, title, outlet, author, published, text, provenance, sentences, "
            "mentions, actors, quotes, minhash, run_id, duplicate_of, story_id FROM v1_articles WHERE seq > ? "
            f"ORDER BY seq LIMIT {_CHUNK}", [after]).fetchall():
        after = chunk[-1][1]
        articles, mentions, actors, quotes = [], [], [], {}
        for (article_id, seq, source, kind, url, title, outlet, author, published, text, provenance, sentences,
             mention_list, actor_list, quote_list, minhash, run_id, duplicate_of, story_id) in chunk:
            articles.append(records.ArticleRow(
                article_id, seq, source, kind, url, title, outlet, author, published, text,
                json.loads(provenance or "{}") or {}, [tuple(s) for s in json.loads(sentences or "[]") or []],
                minhash or None, run_id, duplicate_of, story_id))
            mentions += [records.MentionRow(article_id, n, m[0], m[1], m[2], m[3], m[4], m[5])
                         for n, m in enumerate(json.loads(mention_list or "[]"))]
            actors += [records.ActorRow(article_id, n, a["key"], a["name"], a["kind"], a["mentions"],
                                        a.get("aliases", []), a.get("roles", []))
                       for n, a in enumerate(json.loads(actor_list or "[]"))]
            for n, q in enumerate(json.loads(quote_list or "[]")):
                qid = quote_id(article_id, q["start"], q["end"], q["kind"])
                speaker, speaker_id = speakers.get(qid, (None, None))
                quotes.setdefault(qid, records.QuoteRow(
                    qid, article_id, n, q["text"], q["start"], q["end"], q["kind"], q.get("cue"),
                    q.get("sentence"), q.get("speaker_key") or None, q.get("mentions", []), speaker, speaker_id))
        records.insert_articles(con, articles)
        records.insert_mentions(con, mentions)
        records.insert_actors(con, actors)
        records.insert_quotes(con, list(quotes.values()))
        store.add_bands([(a.id, a.minhash) for a in articles])


def _covered(store: Store) -> int:
    """The last seq the old corpus stage took in. It ran at the end of each run that finished,
    over every article stored by then; a store without runs is taken as consolidated."""
    con = store.con
    if not con.execute("SELECT count(*) FROM runs").fetchone()[0]:
        return con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
    return con.execute("SELECT coalesce(max(seq), 0) FROM articles WHERE run_id <= "
                       "(SELECT coalesce(max(id), 0) FROM runs WHERE status = 'done')").fetchone()[0]


def _actors(store: Store, covered: int) -> int:
    """The old actors as they were, and the per-key state that agrees with them. Returns the
    last seq they cover: 0 when they do not agree with the articles (then everything is derived
    again by the next run)."""
    con = store.con
    tables = store.corpus
    owner: dict[str, str] = {}
    actors, aliases, links = [], [], []
    for aid, name, kind, alias_list, roles, mentions, articles, keys in con.execute(
            "SELECT id, name, kind, aliases, roles, mentions, articles, keys FROM v1_actors").fetchall():
        keys = json.loads(keys or "[]")
        for key in keys:
            owner[key] = aid
        group_key = next((k for k in keys if actor_id(k) == aid), keys[0] if keys else aid)
        actors.append((aid, group_key, name, kind, mentions, json.loads(roles or "[]")))
        aliases += [(aid, alias) for alias in json.loads(alias_list or "[]")]
        # the old list order is kept: positions, all below the seq of any article still to come
        links += [(aid, article_id, position) for position, article_id in enumerate(json.loads(articles or "[]"))]
    rows.write(con, "INSERT INTO actors (id, key, name, kind, mentions, roles) SELECT id, key, name, kind, mentions, "
                    "CAST(roles AS VARCHAR[]) FROM {rows}",
               id=[a[0] for a in actors], key=[a[1] for a in actors], name=[a[2] for a in actors],
               kind=[a[3] for a in actors], mentions=[a[4] for a in actors], roles=[a[5] for a in actors])
    rows.write(con, "INSERT INTO actor_aliases (actor_id, alias) SELECT actor_id, alias FROM {rows}",
               actor_id=[a[0] for a in aliases], alias=[a[1] for a in aliases])
    rows.write(con, "INSERT INTO actor_articles (actor_id, article_id, ord) SELECT actor_id, article_id, ord "
                    "FROM {rows}",
               actor_id=[x[0] for x in links], article_id=[x[1] for x in links], ord=[x[2] for x in links])
    tables.begin(0, until=covered)
    keys = tables.add_key_stats()
    if any(key not in owner for key in keys):
        # results that do not cover their own articles: derive everything again on the next run
        tables.reset(store.lsh_layout())
        return 0
    tables.set_actor_ids({key: owner[key] for key in keys})
    return covered


def _story_layer(store: Store, present: set[str]) -> None:
    """Version 1 never filled these; any rows a user put there are carried over all the same."""
    con = store.con
    if "stories" in present:
        for sid, title, articles, summary in con.execute(
                "SELECT id, title, articles, summary FROM v1_stories").fetchall():
            con.execute("INSERT INTO stories (id, title, summary) VALUES (?, ?, ?)",
                        [sid, title, json.loads(summary or "[]")])
            for article_id in json.loads(articles or "[]"):
                con.execute("UPDATE articles SET story_id = ? WHERE id = ?", [sid, article_id])
    if "events" in present:
        for eid, story_id, summary, kind, date, actors, place, sources in con.execute(
                "SELECT id, story_id, summary, kind, date, actors, place, sources FROM v1_events").fetchall():
            con.execute("INSERT INTO events (id, story_id, summary, kind, date, place, actors) "
                        "VALUES (?, ?, ?, ?, TRY_CAST(? AS DATE), ?, ?)",
                        [eid, story_id, summary, kind, date, place, json.loads(actors or "[]")])
            for n, source in enumerate(json.loads(sources or "[]")):
                con.execute("INSERT INTO event_sources (event_id, n, article_id, sentence) VALUES (?, ?, ?, ?)",
                            [eid, n, source.get("article_id"), source.get("sentence")])
    if "claims" in present:
        for cid, story_id, text, value, sources, status in con.execute(
                "SELECT id, story_id, text, value, sources, status FROM v1_claims").fetchall():
            con.execute("INSERT INTO claims (id, story_id, text, value, status) VALUES (?, ?, ?, ?, ?)",
                        [cid, story_id, text or "", value, status])
            for n, source in enumerate(json.loads(sources or "[]")):
                article_id, sentence = ((source.get("article_id"), source.get("sentence"))
                                        if isinstance(source, dict) else (source, None))
                con.execute("INSERT INTO claim_sources (claim_id, n, article_id, sentence) VALUES (?, ?, ?, ?)",
                            [cid, n, article_id, sentence])


def _has_table(store: Store, table: str) -> bool:
    return store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0] > 0


def _has_column(store: Store, table: str, column: str) -> bool:
    return store.con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                             [table, column]).fetchone()[0] > 0


def _scalar(store: Store, sql: str, needs: str) -> int:
    return store.con.execute(sql).fetchone()[0] if _has_table(store, f"v1_{needs}") else 0


# version 2 created the story layer's tables as placeholders that nothing wrote; version 3 gives
# them their real shape
_PLACEHOLDERS = ("stories", "storylines", "events", "event_sources", "claims", "claim_sources")


def from_version_2(store: Store, schema: str) -> None:
    """Give a version-2 store the story layer. Its placeholder tables (always empty) are
    replaced, and the corpus stage is set to take every article in again at the next run (a
    rebuild: the story layer has to see all of them). Articles analysed by version 2 have no
    key terms, event mentions or figures; `storyline rebuild --reanalyze` adds them."""
    con = store.con
    for table in _PLACEHOLDERS:
        con.execute(f"DROP TABLE IF EXISTS main.{table}")
    con.execute(schema)
    _quote_parts(store)
    _language_columns(store)
    _actor_key_columns(store)
    store._set_meta("corpus_seq", "0")
    store._set_meta("corpus_reset", "1")
    _mark_reanalysis(store, "articles")


def from_version_3(store: Store, schema: str) -> None:
    """Give a version-3 store's articles the `analysis` column (`language` was there, empty), its
    quotes their `parts`, its key terms their seq and its actor keys version 6's columns (`from_version_4`)."""
    store.con.execute(schema)
    _language_columns(store)
    _quote_parts(store)
    from_version_4(store, schema)


def from_version_4(store: Store, schema: str) -> None:
    """Give each stored key term its article's seq (see schema.sql): the table is written again
    in seq order, which is what lets DuckDB skip the row groups of other articles."""
    con = store.con
    if not _has_column(store, "article_terms", "seq"):
        con.execute("ALTER TABLE article_terms RENAME TO article_terms_v4")
        con.execute(schema)
        con.execute("INSERT INTO article_terms (article_id, term, n, seq) SELECT t.article_id, t.term, t.n, a.seq "
                    "FROM article_terms_v4 t JOIN articles a ON a.id = t.article_id ORDER BY a.seq, t.term")
        con.execute("DROP TABLE article_terms_v4")
    from_version_5(store, schema)


def from_version_5(store: Store, schema: str) -> None:
    """Give the actor keys their `skeleton` and `initials` columns (the actor neighbourhood's
    lookups) and take the corpus stage again from scratch on the next run: the token columns
    now hold transliteration skeletons (corpus/actors.py), and the keys' columns are filled as
    the aggregates are written again."""
    store.con.execute(schema)
    _actor_key_columns(store)
    store._set_meta("corpus_reset", "1")


def _actor_key_columns(store: Store) -> None:
    store.con.execute("ALTER TABLE actor_keys ADD COLUMN IF NOT EXISTS skeleton VARCHAR")
    store.con.execute("ALTER TABLE actor_keys ADD COLUMN IF NOT EXISTS initials VARCHAR")


def _language_columns(store: Store) -> None:
    """The analysis column, and what it says of the articles already stored: every stage they
    had ran with the English pipeline, whatever their language (nothing was detected, so their
    language stays NULL). Those of versions 1 and 2 lack the story layer's inputs until
    `storyline rebuild --reanalyze`; that is `reanalyze_upto`'s to say, not this column's."""
    store.con.execute("ALTER TABLE articles ADD COLUMN IF NOT EXISTS analysis VARCHAR")
    store.con.execute("UPDATE articles SET analysis = ? WHERE analysis IS NULL", [ANALYSIS_FULL])


def _quote_parts(store: Store) -> None:
    """The quotes' parts column (a quote stored before it reads as one part, its own span)."""
    store.con.execute("ALTER TABLE quotes ADD COLUMN IF NOT EXISTS parts INTEGER[][]")


def _mark_reanalysis(store: Store, table: str) -> None:
    """Articles up to this seq were analysed before schema 3: without key terms, event mentions
    and figures until `storyline rebuild --reanalyze` adds them (pipeline.reanalyze)."""
    top = store.con.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
    if top:
        store._set_meta("reanalyze_upto", str(int(top)))
