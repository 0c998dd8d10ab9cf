-- storyline's store, schema version 4 (store/__init__.py SCHEMA_VERSION; store/migrate.py
-- upgrades version 1, which kept each article's analysis in JSON text columns, version 2,
-- whose story-layer tables were placeholders and whose articles had no terms, events or figures,
-- and version 3, whose articles had no language or analysis).
--
-- Three layers, each written by one party:
--   per-article records   written once, with the worker batch that analysed the article
--   corpus state          written by the corpus stage for the articles it has not seen yet
--                         (meta 'corpus_seq'); everything in it can be derived again from the
--                         per-article records (`storyline rebuild`)
--   corpus results        what the dossier shows, kept equal to a from-scratch derivation
-- Primary keys only where an upsert or a one-row lookup needs them: an index costs every insert
-- and memory, and DuckDB makes a DELETE followed by an INSERT of the same keys in one
-- transaction very slow on an indexed table (what the corpus stage does to the actors it
-- writes again). The others are read in sets, by hash joins.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,             -- schema_version | corpus_seq | lsh
    value VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS article_seq START 1;
CREATE SEQUENCE IF NOT EXISTS run_seq START 1;

CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started     TIMESTAMP NOT NULL,
    finished    TIMESTAMP,
    inputs      VARCHAR[] NOT NULL,        -- the paths as given
    status      VARCHAR NOT NULL,          -- running | done | interrupted
    stored      INTEGER DEFAULT 0,         -- articles added by this run
    seen        INTEGER DEFAULT 0,         -- documents already in the store
    skipped     INTEGER DEFAULT 0,
    failed      INTEGER DEFAULT 0,         -- counted with each committed batch: a killed run's row tells the truth
    duplicates  INTEGER DEFAULT 0          -- near-duplicates in the store after this run
);
CREATE TABLE IF NOT EXISTS skipped (
    run_id  INTEGER NOT NULL,
    source  VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    stage   VARCHAR                        -- set when a stage failed on it
);
-- inputs that broke a stage, by (source, raw bytes): re-runs pass over them unless asked to retry
CREATE TABLE IF NOT EXISTS failures (
    source   VARCHAR NOT NULL,
    raw_hash VARCHAR NOT NULL,
    stage    VARCHAR NOT NULL,
    reason   VARCHAR NOT NULL,
    run_id   INTEGER NOT NULL,
    PRIMARY KEY (source, raw_hash)
);

-- ---- per-article records -------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS articles (
    id           VARCHAR PRIMARY KEY,      -- hash of the cleaned text
    seq          BIGINT NOT NULL,          -- order of arrival (article_seq), for stable output
    source       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    url          VARCHAR,
    title        VARCHAR,
    outlet       VARCHAR,
    author       VARCHAR,
    published    DATE,
    language     VARCHAR,                  -- ISO 639-1 code, "und" when undetermined (extract/language.py)
    analysis     VARCHAR,                  -- what ran on it: full | actors, quotes, terms | terms only
    text         VARCHAR NOT NULL,
    provenance   MAP(VARCHAR, VARCHAR),    -- field -> where its value came from
    sentences    STRUCT(start_char INTEGER, end_char INTEGER)[],
    minhash      BLOB,                     -- the MinHash signature (uint32 values)
    run_id       INTEGER,
    duplicate_of VARCHAR,                  -- corpus result: the original of its near-duplicate group
    story_id     VARCHAR                   -- corpus result (story layer)
);
CREATE TABLE IF NOT EXISTS article_sources (
    source     VARCHAR NOT NULL,
    raw_hash   VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    run_id     INTEGER,
    PRIMARY KEY (source, raw_hash)
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR NOT NULL,
    n          INTEGER NOT NULL,           -- position in the article's list
    text       VARCHAR NOT NULL,
    label      VARCHAR NOT NULL,           -- spaCy label
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    sentence   INTEGER NOT NULL,
    actor_key  VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS article_actors (
    article_id VARCHAR NOT NULL,
    n          INTEGER NOT NULL,           -- position in the article's list
    key        VARCHAR NOT NULL,           -- "kind:folded name", unique within an article
    name       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    mentions   INTEGER NOT NULL,
    aliases    VARCHAR[] NOT NULL,
    roles      VARCHAR[] NOT NULL
);
-- a quote is written with its article; the corpus stage fills speaker and speaker_id
CREATE TABLE IF NOT EXISTS quotes (
    id          VARCHAR PRIMARY KEY,       -- hash of (article id, start, end, kind)
    article_id  VARCHAR NOT NULL,
    n           INTEGER NOT NULL,          -- position in the article's list
    text        VARCHAR NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    kind        VARCHAR NOT NULL,          -- direct | partial | indirect
    cue         VARCHAR,
    sentence    INTEGER,
    speaker_key VARCHAR,                   -- the article actor's key
    speaker     VARCHAR,                   -- corpus result: the canonical actor's name
    speaker_id  VARCHAR,                   -- corpus result: the canonical actor's id
    parts       INTEGER[][]                -- [start, end] of each part (two for “A,” she said, “B.”)
);
CREATE TABLE IF NOT EXISTS quote_mentions (
    quote_id  VARCHAR NOT NULL,
    n         INTEGER NOT NULL,
    actor_key VARCHAR NOT NULL             -- resolved to actor ids through actor_keys when read
);
-- MinHash LSH bands (datasketch's layout, meta 'lsh'): written with the article, so a new
-- article's near-duplicate candidates are one join and the corpus is never re-read
CREATE TABLE IF NOT EXISTS lsh_bands (
    band       SMALLINT NOT NULL,
    bucket     BIGINT NOT NULL,            -- hash of the band's values
    article_id VARCHAR NOT NULL
);

-- the story layer's per-article inputs, written with the article like the others
CREATE TABLE IF NOT EXISTS article_terms (
    article_id VARCHAR NOT NULL,
    term       VARCHAR NOT NULL,
    n          INTEGER NOT NULL,           -- occurrences in the article
    -- the article's seq: rows arrive in seq order, so DuckDB's zone maps let the corpus stage
    -- read a run's chunk of articles without scanning every stored article's terms
    seq        BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_mentions (
    article_id VARCHAR NOT NULL,
    n          INTEGER NOT NULL,           -- position in the article's list
    sentence   INTEGER NOT NULL,
    kind       VARCHAR NOT NULL,
    trigger    VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    actors     VARCHAR[] NOT NULL,         -- article actor keys, resolved through actor_keys when read
    place      VARCHAR,
    date       VARCHAR,                    -- YYYY | YYYY-MM | YYYY-MM-DD
    date_text  VARCHAR
);
CREATE TABLE IF NOT EXISTS claim_mentions (
    article_id VARCHAR NOT NULL,
    n          INTEGER NOT NULL,
    sentence   INTEGER NOT NULL,
    text       VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    value      DOUBLE NOT NULL,
    unit       VARCHAR,
    subject    VARCHAR
);

-- ---- corpus state: per-key aggregates of article_actors --------------------------------------
CREATE TABLE IF NOT EXISTS actor_keys (
    key         VARCHAR NOT NULL,
    folded      VARCHAR NOT NULL,          -- the name part of the key: the kind vote's group
    first_token VARCHAR,                   -- skeletons of its first and last word: the surname
    last_token  VARCHAR,                   --   merge's neighbours
    skeleton    VARCHAR,                   -- every word's skeleton: its vote group and respellings
    initials    VARCHAR,                   -- its acronym, of two words or more (`actors.initials`)
    kind        VARCHAR NOT NULL,
    mentions    BIGINT NOT NULL,
    first_seq   BIGINT NOT NULL,           -- where the key was first seen (article seq, position
    first_pos   INTEGER NOT NULL,          --   in its list): the kind vote's tie-break
    actor_id    VARCHAR                    -- the actor it is consolidated into
);                                         -- one row per key
CREATE TABLE IF NOT EXISTS actor_key_names (
    key      VARCHAR NOT NULL,
    name     VARCHAR NOT NULL,
    mentions BIGINT NOT NULL               -- one row per (key, name)
);
CREATE TABLE IF NOT EXISTS actor_key_aliases (
    key   VARCHAR NOT NULL,
    alias VARCHAR NOT NULL                 -- one row per (key, alias)
);
CREATE TABLE IF NOT EXISTS actor_key_roles (
    key  VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    seq  BIGINT NOT NULL,                  -- first seen: article seq, actor position, role position
    pos  INTEGER NOT NULL,
    idx  INTEGER NOT NULL                  -- one row per (key, role)
);

-- ---- corpus results ------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS actors (
    id       VARCHAR NOT NULL,             -- hash of `key`; one row per id
    key      VARCHAR NOT NULL,             -- the per-article key the others merged into
    name     VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    mentions INTEGER NOT NULL,
    roles    VARCHAR[] NOT NULL            -- in order of first appearance
);
CREATE TABLE IF NOT EXISTS actor_aliases (
    actor_id VARCHAR NOT NULL,
    alias    VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS actor_articles (
    actor_id   VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    ord        BIGINT NOT NULL             -- the article's seq (a store migrated from version 1
                                           -- keeps its list order: positions, all below any seq)
);

-- ---- the story layer ----------------------------------------------------------------------
-- state: document frequencies of key terms over the articles taken in (in seq order), and each
-- story's compact profile, which is all a new article is compared with
CREATE TABLE IF NOT EXISTS term_df (
    term VARCHAR NOT NULL,
    df   BIGINT NOT NULL                   -- one row per term
);
CREATE TABLE IF NOT EXISTS story_profiles (
    story_id  VARCHAR NOT NULL,            -- one row per live story (merged ones are deleted)
    size      INTEGER NOT NULL,
    first_date DATE,
    last_date  DATE,
    last_seq  BIGINT NOT NULL,
    terms     STRUCT(k VARCHAR, w DOUBLE)[] NOT NULL,
    actors    STRUCT(k VARCHAR, w DOUBLE)[] NOT NULL,
    first_seq BIGINT NOT NULL,             -- the seq of the article that started it
    weight    DOUBLE NOT NULL,             -- members that shaped the profile
    title_article VARCHAR NOT NULL         -- its first article's id
);
CREATE TABLE IF NOT EXISTS story_key_actors ( -- each live story's key actors: a storyline's candidates
    story_id VARCHAR NOT NULL,               --   are the stories sharing enough of them (one join)
    actor_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS story_links (    -- storyline links between stories, as decided
    story_id VARCHAR NOT NULL,
    other_id VARCHAR NOT NULL
);
-- results
CREATE TABLE IF NOT EXISTS stories (
    id           VARCHAR PRIMARY KEY,      -- hash of its first article's id
    storyline_id VARCHAR NOT NULL,
    title        VARCHAR,                  -- a member article's title, as written
    first_date   DATE,
    last_date    DATE,
    size         INTEGER NOT NULL,         -- articles
    actors       VARCHAR[] NOT NULL,       -- key actor ids, most central first
    outlets      VARCHAR[] NOT NULL,
    summary      STRUCT(article_id VARCHAR, sentence VARCHAR)[] NOT NULL,
    outlet_comparison VARCHAR              -- JSON (corpus/outlets.compare_outlets)
);
CREATE TABLE IF NOT EXISTS storylines (
    id         VARCHAR PRIMARY KEY,        -- its first story's id
    title      VARCHAR,
    first_date DATE,
    last_date  DATE,
    stories    VARCHAR[] NOT NULL,         -- in date order
    actors     VARCHAR[] NOT NULL,
    summary    STRUCT(article_id VARCHAR, sentence VARCHAR)[] NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id           VARCHAR NOT NULL,
    story_id     VARCHAR,
    storyline_id VARCHAR NOT NULL,
    summary      VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    date         VARCHAR,                  -- YYYY | YYYY-MM | YYYY-MM-DD
    place        VARCHAR,
    actors       VARCHAR[] NOT NULL,       -- actor ids
    weight       INTEGER NOT NULL,         -- distinct non-duplicate articles among the sources
    sources      STRUCT(article_id VARCHAR, sentence VARCHAR)[] NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    id           VARCHAR NOT NULL,
    story_id     VARCHAR,
    storyline_id VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    value        DOUBLE,
    "values"     DOUBLE[] NOT NULL,
    unit         VARCHAR,
    subject      VARCHAR,
    status       VARCHAR NOT NULL,         -- corroborated | single-source | contested
    sources      STRUCT(article_id VARCHAR, sentence VARCHAR)[] NOT NULL
);
CREATE TABLE IF NOT EXISTS actor_edges (    -- the actor graph, per storyline
    storyline_id VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,         -- actor ids; for co-occurrence source < target
    target       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,         -- cooccurrence | quoted_about (source spoke of target)
    weight       INTEGER NOT NULL,
    articles     VARCHAR[] NOT NULL
);
CREATE TABLE IF NOT EXISTS story_pages (    -- what a story's web page shows, kept (store/pages.py)
    story_id VARCHAR PRIMARY KEY,          -- a page is a key lookup (a scan took 35 ms at 100k)
    page     BLOB NOT NULL                 -- JSON, zlib-compressed (a 100k store's pages are 1 GB of JSON)
);
CREATE TABLE IF NOT EXISTS story_pages_pending (  -- what the corpus stage changed since (store/pages.py)
    kind VARCHAR NOT NULL,                 -- storyline | story | article
    id   VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS outlet_labels (  -- from `analyze --outlets FILE`
    outlet VARCHAR NOT NULL,
    label  VARCHAR NOT NULL,               -- the CSV column: country, lean, owner, ...
    value  VARCHAR NOT NULL
);
