-- storyline's store. Per-article analysis lives in the article's row (JSON columns) so an
-- article is written and committed in one statement; cross-article results live in their
-- own tables and are recomputed whole by the corpus stage.
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started     TIMESTAMP NOT NULL,
    finished    TIMESTAMP,
    inputs      VARCHAR NOT NULL,      -- JSON list of the paths as given
    status      VARCHAR NOT NULL,      -- running | done
    stored      INTEGER DEFAULT 0,     -- articles added by this run
    seen        INTEGER DEFAULT 0,     -- documents already in the store
    skipped     INTEGER DEFAULT 0,
    duplicates  INTEGER DEFAULT 0      -- near-duplicates in the store after this run
);
-- counters are updated with each committed batch, so a killed run's row tells the truth
ALTER TABLE runs ADD COLUMN IF NOT EXISTS failed INTEGER DEFAULT 0;
CREATE TABLE IF NOT EXISTS skipped (
    run_id  INTEGER NOT NULL,
    source  VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL
);
ALTER TABLE skipped ADD COLUMN IF NOT EXISTS stage VARCHAR;   -- set when a stage failed on it
-- inputs that broke a stage, by (source, raw bytes): re-runs pass over them unless asked to retry
CREATE TABLE IF NOT EXISTS failures (
    source   VARCHAR NOT NULL,
    raw_hash VARCHAR NOT NULL,
    stage    VARCHAR NOT NULL,
    reason   VARCHAR NOT NULL,
    run_id   INTEGER NOT NULL,
    PRIMARY KEY (source, raw_hash)
);
CREATE TABLE IF NOT EXISTS articles (
    id           VARCHAR PRIMARY KEY,  -- hash of the cleaned text
    seq          BIGINT NOT NULL,      -- order of arrival, for stable output
    source       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    url          VARCHAR,
    title        VARCHAR,
    outlet       VARCHAR,
    author       VARCHAR,
    published    VARCHAR,
    text         VARCHAR NOT NULL,
    provenance   VARCHAR,              -- JSON: field -> where its value came from
    sentences    VARCHAR,              -- JSON: [[start, end], ...]
    mentions     VARCHAR,              -- JSON: [[text, label, start, end, sentence, actor_key], ...]
    actors       VARCHAR,              -- JSON: [{key, name, kind, aliases, mentions, roles}, ...]
    quotes       VARCHAR,              -- JSON: [{text, start, end, kind, cue, speaker_key, sentence, mentions}]
    minhash      BLOB,
    run_id       INTEGER,
    duplicate_of VARCHAR,
    story_id     VARCHAR
);
CREATE TABLE IF NOT EXISTS article_sources (
    source     VARCHAR NOT NULL,
    raw_hash   VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    run_id     INTEGER,
    PRIMARY KEY (source, raw_hash)
);
CREATE TABLE IF NOT EXISTS actors (
    id        VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    aliases   VARCHAR,                 -- JSON list
    roles     VARCHAR,                 -- JSON list
    mentions  INTEGER NOT NULL,
    articles  VARCHAR,                 -- JSON list of article ids
    keys      VARCHAR                  -- JSON list of the per-article actor keys merged here
);
CREATE TABLE IF NOT EXISTS quotes (
    id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, text VARCHAR NOT NULL, speaker VARCHAR,
    speaker_id VARCHAR, cue VARCHAR, kind VARCHAR, start_char INTEGER, end_char INTEGER,
    sentence INTEGER, mentions VARCHAR    -- JSON list of the actor ids the quote speaks of
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, story_id VARCHAR, summary VARCHAR, kind VARCHAR, date VARCHAR,
    actors VARCHAR, place VARCHAR, sources VARCHAR
);
CREATE TABLE IF NOT EXISTS claims (
    id VARCHAR PRIMARY KEY, story_id VARCHAR, text VARCHAR, value DOUBLE, sources VARCHAR, status VARCHAR
);
CREATE TABLE IF NOT EXISTS stories (
    id VARCHAR PRIMARY KEY, title VARCHAR, articles VARCHAR, summary VARCHAR
);
