"""A store written by storyline 0.1.0 (schema version 1: each article's analysis in JSON text
columns) opens with this version: upgraded in place, the same dossier, and it grows as a new
store does. The old store is written here as the old code wrote it: its schema.sql and its
INSERT statements, copied verbatim, fed with the real analyser's records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import duckdb
import pytest

import storyline
from storyline.analyze import analyze_articles
from storyline.corpus import attribute_quotes, consolidate, find_duplicates, signature
from storyline.corpus.stage import rebuild
from storyline.model import AnalyzedArticle, Article
from storyline.pipeline import reanalyze, run_corpus
from storyline.settings import Settings
from storyline.store import SCHEMA_VERSION, Store, StoreOutdated, open_store
from storyline.views.cli import app
from storyline.views.export import build_dossier
from tests.conftest import BODY, page

# src/storyline/store/schema.sql as storyline 0.1.0 shipped it
V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TIMESTAMP NOT NULL, finished TIMESTAMP, inputs VARCHAR NOT NULL,
    status VARCHAR NOT NULL, stored INTEGER DEFAULT 0, seen INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0,
    duplicates INTEGER DEFAULT 0
);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS failed INTEGER DEFAULT 0;
CREATE TABLE IF NOT EXISTS skipped (run_id INTEGER NOT NULL, source VARCHAR NOT NULL, reason VARCHAR NOT NULL);
ALTER TABLE skipped ADD COLUMN IF NOT EXISTS stage VARCHAR;
CREATE TABLE IF NOT EXISTS failures (
    source VARCHAR NOT NULL, raw_hash VARCHAR NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL,
    run_id INTEGER NOT NULL, PRIMARY KEY (source, raw_hash)
);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, source VARCHAR NOT NULL, kind VARCHAR NOT NULL, url VARCHAR,
    title VARCHAR, outlet VARCHAR, author VARCHAR, published VARCHAR, text VARCHAR NOT NULL, provenance VARCHAR,
    sentences VARCHAR, mentions VARCHAR, actors VARCHAR, quotes VARCHAR, minhash BLOB, run_id INTEGER,
    duplicate_of VARCHAR, story_id VARCHAR
);
CREATE TABLE IF NOT EXISTS article_sources (
    source VARCHAR NOT NULL, raw_hash VARCHAR NOT NULL, article_id VARCHAR NOT NULL, run_id INTEGER,
    PRIMARY KEY (source, raw_hash)
);
CREATE TABLE IF NOT EXISTS actors (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, aliases VARCHAR, roles VARCHAR,
    mentions INTEGER NOT NULL, articles VARCHAR, keys VARCHAR
);
CREATE TABLE IF NOT EXISTS quotes (
    id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, text VARCHAR NOT NULL, speaker VARCHAR,
    speaker_id VARCHAR, cue VARCHAR, kind VARCHAR, start_char INTEGER, end_char INTEGER,
    sentence INTEGER, mentions VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, story_id VARCHAR, summary VARCHAR, kind VARCHAR, date VARCHAR,
    actors VARCHAR, place VARCHAR, sources VARCHAR
);
CREATE TABLE IF NOT EXISTS claims (
    id VARCHAR PRIMARY KEY, story_id VARCHAR, text VARCHAR, value DOUBLE, sources VARCHAR, status VARCHAR
);
CREATE TABLE IF NOT EXISTS stories (id VARCHAR PRIMARY KEY, title VARCHAR, articles VARCHAR, summary VARCHAR);
"""

TEXTS = {
    # a bare "Trump" first, the full name later: the old corpus stage listed the full name's article first
    "bare": ("Trump Speaks on Trade", "2018-06-10", [
        "Trump said on Sunday that the trade talks with Beijing were going well and that a deal was close.",
        "“We are very close to something big,” Trump told reporters at the White House before leaving for "
        "the summit in Singapore.",
        "Officials in Beijing did not comment on the remarks, which came as markets waited for news."]),
    "original": ("Leaders Meet in Singapore", "2018-06-12", BODY),
    "copy": ("Leaders Meet in Singapore", "2018-06-13", [
        BODY[0].replace("the first meeting", "in the first meeting"), *BODY[1:],
        "The text above first appeared in the Harbor Ledger and is republished with permission."]),
    "fisheries": ("Fisheries Talks Open", "2018-07-02", [
        "Fisheries ministers from six countries opened a two-day summit in Zürich on Tuesday, hoping to agree on "
        "new quotas for cod and herring in the North Atlantic.",
        "“The cables were singing in the wind before the talks even started,” Maria Lopez told reporters "
        "outside the conference hall, describing the mood of the delegations."]),
}


@pytest.fixture(scope="module")
def analysed() -> list[tuple[AnalyzedArticle, bytes]]:
    settings = Settings(workers=0)
    articles = [Article(source=f"/news/{name}.html", kind="html", text="\n\n".join(body), title=title,
                        outlet="Harbor Ledger", published=published, url=f"https://example.org/{name}",
                        provenance={"title": "html:trafilatura", "published": "html:htmldate"},
                        raw_hash=f"raw-{name}")
                for name, (title, published, body) in TEXTS.items()]
    done = analyze_articles(articles, settings)
    assert all(isinstance(a, AnalyzedArticle) for a in done)
    return [(a, signature(a.article.text, settings.minhash_perms, settings.shingle_words)) for a in done]


def write_v1(path: Path, analysed: list[tuple[AnalyzedArticle, bytes]], consolidated: int | None = None,
             runs: tuple[str, ...] = ("done",), reverse_lists: bool = False) -> None:
    """A version-1 store as storyline 0.1.0 wrote it: run 1 stores the articles (the last one in
    run 2 when `runs` has two), and the corpus results cover the first `consolidated` articles."""
    consolidated = len(analysed) if consolidated is None else consolidated
    con = duckdb.connect(str(path))
    con.execute(V1_SCHEMA)
    for run_id, status in enumerate(runs, start=1):
        con.execute("INSERT INTO runs (id, started, inputs, status) VALUES (?, now()::TIMESTAMP, ?, ?)",
                    [run_id, json.dumps([f"/news/run{run_id}"]), status])
    for seq, (analyzed, minhash) in enumerate(analysed, start=1):
        a = analyzed.article
        run_id = len(runs) if seq == len(analysed) else 1
        con.execute(  # Store._insert_article of 0.1.0
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
        con.execute("INSERT INTO article_sources (source, raw_hash, article_id, run_id) VALUES (?, ?, ?, ?)",
                    [a.source, a.raw_hash, a.id, run_id])
    con.execute("INSERT INTO article_sources (source, raw_hash, article_id, run_id) VALUES (?, ?, ?, 1)",
                ["/mirror/original.html", "raw-mirror", analysed[1][0].article.id])
    con.execute("INSERT INTO skipped (run_id, source, reason, stage) VALUES (1, '/news/broken.html', "
                "'nlp failed: ValueError: boom', 'nlp')")
    con.execute("INSERT INTO failures (source, raw_hash, stage, reason, run_id) VALUES "
                "('/news/broken.html', 'raw-broken', 'nlp', 'nlp failed: ValueError: boom', 1)")

    covered = analysed[:consolidated]
    duplicates = find_duplicates([(a.article.id, a.article.published, sig) for a, sig in covered], 128, 0.6)
    actors = consolidate([(a.article.id, [asdict(x) for x in a.actors]) for a, _ in covered])
    quotes = attribute_quotes([(a.article.id, [asdict(q) for q in a.quotes]) for a, _ in covered], actors)
    if reverse_lists:  # 0.1.0 listed a merged actor's articles winner first: whatever order, it is kept
        for actor in actors:
            actor["articles"].reverse()
    # Store.save_corpus of 0.1.0
    for article_id, original in duplicates.items():
        con.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [original, article_id])
    for actor in actors:
        con.execute("INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [actor["id"], actor["name"], actor["kind"], json.dumps(actor["aliases"]),
                     json.dumps(actor.get("roles", [])), actor["mentions"], json.dumps(actor["articles"]),
                     json.dumps(actor["keys"])])
    for q in quotes:
        con.execute("INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [q["id"], q["article_id"], q["text"], q["speaker"], q["speaker_id"], q["cue"],
                     q["kind"], q["start"], q["end"], q["sentence"], json.dumps(q["mentions"])])
    con.close()


def v1_dossier(path: Path) -> dict:
    """views/export.build_dossier of 0.1.0 over Store's reads of 0.1.0."""
    con = duckdb.connect(str(path), read_only=True)

    def dicts(sql: str) -> list[dict]:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    also_seen: dict[str, list[str]] = {}
    for article_id, source in con.execute(
            "SELECT s.article_id, s.source FROM article_sources s JOIN articles a ON a.id = s.article_id "
            "WHERE s.source <> a.source ORDER BY s.source").fetchall():
        also_seen.setdefault(article_id, []).append(source)
    articles = []
    for row in dicts("SELECT id, source, kind, url, title, outlet, author, published, text, provenance, "
                     "duplicate_of, story_id FROM articles ORDER BY seq"):
        article = {key: row[key] for key in ("id", "source", "title", "outlet", "author", "published", "text",
                                             "story_id", "duplicate_of")}
        # schema 4 adds each article's language (never detected in a 0.1.0 store) and what ran on it
        article.update(language=None, analysis="full")
        article.update(url=row["url"], kind=row["kind"], metadata_sources=json.loads(row["provenance"] or "{}"),
                       also_seen_at=also_seen.get(row["id"], []))
        articles.append(article)
    quotes = dicts("SELECT q.id, q.article_id, q.text, q.speaker, q.speaker_id, q.cue, q.kind, "
                   "q.start_char AS start, q.end_char AS \"end\", q.sentence, q.mentions FROM quotes q "
                   "JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start_char")
    for quote in quotes:
        quote["mentions"] = json.loads(quote["mentions"] or "[]")
        quote["parts"] = [[quote["start"], quote["end"]]]  # a quote stored before parts is one part
    actors = dicts("SELECT id, name, kind, aliases, roles, mentions, articles FROM actors ORDER BY mentions DESC, name")
    for actor in actors:
        for key in ("aliases", "roles", "articles"):
            actor[key] = json.loads(actor[key] or "[]")
        actor["quotes"] = [q["id"] for q in quotes if q["speaker_id"] == actor["id"]]
    con.close()
    return {"storyline": {"contract": "1.0"}, "articles": articles, "actors": actors, "quotes": quotes,
            "events": [], "claims": [], "stories": [], "storylines": [], "actor_edges": [],
            # what version 4 says of articles stored before languages were detected
            "languages": [{"language": None, "analysis": "full", "articles": len(articles)}]}


def text(dossier: dict) -> str:
    return json.dumps(dossier, ensure_ascii=False, indent=1)


def test_an_old_store_opens_upgraded_with_the_same_dossier(tmp_path: Path, analysed: list) -> None:
    db = tmp_path / "old.duckdb"
    write_v1(db, analysed, reverse_lists=True)
    before = v1_dossier(db)
    assert len(before["actors"]) > 5 and before["quotes"] and sum(bool(a["duplicate_of"]) for a in before["articles"])
    assert any(len(a["articles"]) > 1 for a in before["actors"])

    after = storyline.dossier(db)  # a reader: the store is upgraded first
    assert text(after) == text(before)
    with open_store(db, read_only=True) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.corpus.watermark() == len(analysed)
        (run,) = store.runs()
        assert run["inputs"] == ["/news/run1"] and run["status"] == "done"
        assert store.skipped(1)[0]["stage"] == "nlp" and store.failures()[0]["source"] == "/news/broken.html"
        assert store.known_source("/mirror/original.html", "raw-mirror")
        # every key the old actors list belongs to its actor
        assert store.con.execute("SELECT count(*) FROM actor_keys WHERE actor_id IS NULL").fetchone()[0] == 0
    with open_store(db) as store:  # opening again changes nothing
        assert text(build_dossier(store)) == text(before)


def take_run(store: Store, batch: list, settings: Settings) -> None:
    """One run of `batch` as `storyline.run` makes it: stored, then the corpus stage."""
    run_id = store.start_run(["/news"])
    store.add_batch(run_id, batch, [])
    run_corpus(store, settings)
    store.finish_run(run_id, store.duplicate_count())


def grow(db: Path, batches: list[list], settings: Settings) -> None:
    """The store at `db` grown by one run per batch."""
    with open_store(db) as store:
        for batch in batches:
            take_run(store, batch, settings.with_(db_path=db))


def test_an_upgraded_store_grows_as_a_new_one(tmp_path: Path, analysed: list) -> None:
    db = tmp_path / "old.duckdb"
    write_v1(db, analysed[:3])
    fresh = tmp_path / "fresh.duckdb"
    settings = Settings(workers=0)
    grow(db, [analysed[3:]], settings)
    grow(fresh, [analysed[:3], analysed[3:]], settings)
    grown = storyline.dossier(db)
    assert len(grown["articles"]) == 4 and grown["articles"][-1]["title"] == "Fisheries Talks Open"
    expected = storyline.dossier(fresh)
    expected["articles"] = [{**a, "also_seen_at": []} for a in expected["articles"]]
    # articles stored by 0.1.0 have no key terms, events or figures (the story layer's inputs), so
    # the story layer can differ from a fresh store's; everything before it matches
    assert [{**a, "also_seen_at": [], "story_id": None} for a in grown["articles"]] == [
        {**a, "story_id": None} for a in expected["articles"]]
    assert all(a["story_id"] for a in grown["articles"])
    assert grown["actors"] == expected["actors"] and grown["quotes"] == expected["quotes"]
    with open_store(db) as store:
        rebuild(store, settings.with_(db_path=db))
    assert storyline.dossier(db) == grown

    # analysed again, the old articles have the story layer's inputs: the store equals a new one
    with open_store(db) as store:
        assert store.reanalysis_pending() == 3
        assert reanalyze(store, settings.with_(db_path=db)) == 3
        assert store.reanalysis_pending() == 0
        rebuild(store, settings.with_(db_path=db))
    upgraded = storyline.dossier(db)
    upgraded["articles"] = [{**a, "also_seen_at": []} for a in upgraded["articles"]]
    assert upgraded == expected


def test_articles_of_a_killed_run_are_taken_in_by_the_next(tmp_path: Path, analysed: list) -> None:
    """0.1.0 had no corpus results for what a killed run stored: the upgrade leaves those
    articles to the next corpus update, which ends where a rebuild ends."""
    db = tmp_path / "old.duckdb"
    write_v1(db, analysed, consolidated=len(analysed) - 1, runs=("done", "interrupted"))
    before = v1_dossier(db)
    assert text(storyline.dossier(db)) == text(before)
    with open_store(db) as store:
        assert store.corpus.watermark() == len(analysed) - 1
        # the first update after an upgrade takes every article in again: the story layer has to see them all
        assert store.corpus.reset_pending()
        assert run_corpus(store, Settings(db_path=db)) == len(analysed)
        assert not store.corpus.reset_pending()
    grown = storyline.dossier(db)
    assert any(q["speaker"] == "Maria Lopez" for q in grown["quotes"])
    with open_store(db) as store:
        rebuild(store, Settings(db_path=db))
    assert storyline.dossier(db) == grown


def test_a_newer_store_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with open_store(db) as store:
        store.con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreOutdated, match="schema version 99, newer than this storyline"):
        open_store(db, read_only=True)
    result = subprocess.run([sys.executable, "-m", "storyline", "stats", "--db", str(db)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "upgrade storyline" in lines[0], result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes read-only files")
def test_an_old_store_that_cannot_be_written_says_what_to_do(tmp_path: Path, analysed: list) -> None:
    db = tmp_path / "ro" / "old.duckdb"
    db.parent.mkdir()
    write_v1(db, analysed[:2])
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        with pytest.raises(StoreOutdated, match="storyline rebuild"):
            open_store(db, read_only=True)
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


def test_html_pages_still_round_trip(tmp_path: Path) -> None:
    """A new store through the real pipeline: the typed columns give back what was read."""
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    storyline.run([tmp_path / "a.html"], db=db, workers=0)
    (article,) = storyline.dossier(db)["articles"]
    assert article["published"] == "2018-06-12" and isinstance(article["metadata_sources"], dict)
    with open_store(db, read_only=True) as store:
        types = dict(store.con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                       "WHERE table_name = 'articles'").fetchall())
        assert types["published"] == "DATE" and types["provenance"].startswith("MAP")
        assert types["sentences"].startswith("STRUCT") and types["language"] == "VARCHAR"


def downgrade_to_version_2(db: Path) -> None:
    """A store as storyline 0.2 (schema 2) left it: no story layer, its tables placeholders."""
    con = duckdb.connect(str(db))
    for table in ("article_terms", "event_mentions", "claim_mentions", "term_df", "story_profiles",
                  "story_key_actors", "story_links", "stories", "storylines", "events", "claims", "actor_edges",
                  "outlet_labels"):
        con.execute(f"DROP TABLE {table}")
    con.execute("CREATE TABLE stories (id VARCHAR PRIMARY KEY, title VARCHAR, summary VARCHAR[], first_date DATE, "
                "last_date DATE, status VARCHAR, key_terms VARCHAR[], key_actors VARCHAR[], centroid FLOAT[], "
                "updated_run INTEGER)")
    con.execute("CREATE TABLE storylines (id VARCHAR PRIMARY KEY, story_id VARCHAR NOT NULL, title VARCHAR, "
                "first_date DATE, last_date DATE)")
    con.execute("CREATE TABLE events (id VARCHAR PRIMARY KEY, story_id VARCHAR, storyline_id VARCHAR, summary "
                "VARCHAR, kind VARCHAR, date DATE, place VARCHAR, actors VARCHAR[])")
    con.execute("CREATE TABLE event_sources (event_id VARCHAR NOT NULL, n INTEGER NOT NULL, article_id VARCHAR "
                "NOT NULL, sentence INTEGER)")
    con.execute("CREATE TABLE claims (id VARCHAR PRIMARY KEY, story_id VARCHAR, text VARCHAR NOT NULL, value "
                "DOUBLE, unit VARCHAR, status VARCHAR)")
    con.execute("CREATE TABLE claim_sources (claim_id VARCHAR NOT NULL, n INTEGER NOT NULL, article_id VARCHAR "
                "NOT NULL, sentence INTEGER)")
    con.execute("UPDATE articles SET story_id = NULL")
    con.execute("DELETE FROM meta WHERE key IN ('story_docs', 'corpus_reset', 'reanalyze_upto')")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


def two_summit_pages(tmp_path: Path) -> Path:
    """Two reports of one summit, as pages in tmp_path/pages."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(page(), encoding="utf-8")
    (folder / "b.html").write_text(page(title="Summit Ends With a Pledge", outlet="Meridian Daily",
                                        body=BODY[1:] + ["Both leaders left Singapore on the evening of June 12."]),
                                   encoding="utf-8")
    return folder


def test_a_version_2_store_gains_the_story_layer(tmp_path: Path, cli) -> None:
    folder = two_summit_pages(tmp_path)
    db = tmp_path / "s.duckdb"
    storyline.run([folder], db=db, workers=0)
    expected = storyline.dossier(db)
    assert expected["stories"] and expected["events"] and all(a["story_id"] for a in expected["articles"])

    downgrade_to_version_2(db)
    with open_store(db) as store:  # upgraded on opening
        assert store.schema_version == SCHEMA_VERSION and store.reanalysis_pending() == 2
    # a run says what to do; the articles it had are taken in again without their inputs
    result = cli.invoke(app, ["analyze", str(folder), "--db", str(db), "--workers", "0", "--out",
                              str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "storyline rebuild --reanalyze" in " ".join(result.output.split())
    result = cli.invoke(app, ["rebuild", "--db", str(db), "--reanalyze"])
    assert result.exit_code == 0, result.output
    assert "analysed 2 articles again" in result.output
    after = storyline.dossier(db)
    assert after == expected


def test_a_version_4_store_gives_its_key_terms_their_seq(tmp_path: Path) -> None:
    """Schema 5 stores each key term with its article's seq (what prunes the corpus stage's reads
    at scale); a version-4 store's terms get theirs on opening, in seq order, and the store then
    grows as a new one does."""
    folder = two_summit_pages(tmp_path)
    db = tmp_path / "s.duckdb"
    storyline.run([folder / "a.html"], db=db, workers=0)
    storyline.run([folder / "b.html"], db=db, workers=0)
    expected = storyline.dossier(db)
    con = duckdb.connect(str(db))
    terms = con.execute("SELECT article_id, term, n, seq FROM article_terms ORDER BY seq, term").fetchall()
    assert len({t[3] for t in terms}) == 2
    # version 4's table: no seq, and rows in no particular order
    con.execute("CREATE TABLE old AS SELECT article_id, term, n FROM article_terms ORDER BY term DESC")
    con.execute("DROP TABLE article_terms")
    con.execute("ALTER TABLE old RENAME TO article_terms")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()

    with open_store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        stored = store.con.execute("SELECT article_id, term, n, seq FROM article_terms").fetchall()
        assert stored == terms  # every term with its article's seq, stored in seq order
        nullable = store.con.execute("SELECT is_nullable FROM duckdb_columns() WHERE table_name = 'article_terms' "
                                     "AND column_name = 'seq'").fetchone()[0]
        assert nullable is False
    assert storyline.dossier(db) == expected
    # a third article joins as in a store that was always version 5
    (folder / "c.html").write_text(page(title="Talks Resume in Hanoi", outlet="Harbour Times",
                                        body=BODY[:3]), encoding="utf-8")
    storyline.run([folder / "c.html"], db=db, workers=0)
    fresh = tmp_path / "fresh.duckdb"
    for name in ("a.html", "b.html", "c.html"):
        storyline.run([folder / name], db=fresh, workers=0)
    assert storyline.dossier(db)["stories"] == storyline.dossier(fresh)["stories"]


def test_a_version_5_store_decides_its_actors_again(tmp_path: Path, analysed: list) -> None:
    """Version 5's actor keys lack the neighbourhood's columns (skeleton, initials) and hold
    words, not skeletons, as tokens: the upgrade adds the columns and the next run takes the
    corpus stage from scratch, so the store then grows as a new one does."""
    db, fresh = tmp_path / "old.duckdb", tmp_path / "fresh.duckdb"
    settings = Settings(workers=0)
    grow(db, [analysed[:3]], settings)
    grow(fresh, [analysed[:3], analysed[3:]], settings)
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE actor_keys DROP COLUMN skeleton")
        con.execute("ALTER TABLE actor_keys DROP COLUMN initials")
        con.execute("UPDATE actor_keys SET first_token = NULL, last_token = NULL")
        con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with open_store(db) as store:
        assert store.schema_version == SCHEMA_VERSION and store.corpus.reset_pending()
        take_run(store, analysed[3:], settings.with_(db_path=db))
        assert not store.corpus.reset_pending()
        assert store.con.execute("SELECT count(*) FROM actor_keys WHERE skeleton IS NULL").fetchone()[0] == 0
    assert storyline.dossier(db) == storyline.dossier(fresh)
