"""Writers of the per-article records, shared by a worker batch (Store.add_batch) and the
upgrade of a version-1 store (store/migrate.py): one bulk INSERT per table, named columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import duckdb

from storyline.store import rows


class ArticleRow(NamedTuple):
    id: str
    seq: int
    source: str
    kind: str
    url: str | None
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None  # YYYY-MM-DD
    text: str
    provenance: dict[str, str]
    sentences: list[tuple[int, int]]
    minhash: bytes | None
    run_id: int | None
    duplicate_of: str | None = None
    story_id: str | None = None


class MentionRow(NamedTuple):
    article_id: str
    n: int
    text: str
    label: str
    start: int
    end: int
    sentence: int
    actor_key: str


class ActorRow(NamedTuple):
    article_id: str
    n: int
    key: str
    name: str
    kind: str
    mentions: int
    aliases: list[str]
    roles: list[str]


class QuoteRow(NamedTuple):
    id: str
    article_id: str
    n: int
    text: str
    start: int
    end: int
    kind: str
    cue: str | None
    sentence: int | None
    speaker_key: str | None
    mentions: list[str]  # actor keys, in quote_mentions
    speaker: str | None = None
    speaker_id: str | None = None


def _columns(records: Sequence[NamedTuple], fields: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [getattr(r, name) for r in records] for name in fields}


def insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[ArticleRow]) -> None:
    columns = _columns(articles, ("id", "seq", "source", "kind", "url", "title", "outlet", "author", "published",
                                  "text", "minhash", "run_id", "duplicate_of", "story_id"))
    rows.write(
        con,
        "INSERT INTO articles (id, seq, source, kind, url, title, outlet, author, published, language, text, "
        "provenance, sentences, minhash, run_id, duplicate_of, story_id) "
        "SELECT id, seq, source, kind, CAST(url AS VARCHAR), CAST(title AS VARCHAR), CAST(outlet AS VARCHAR), "
        "CAST(author AS VARCHAR), CAST(CAST(published AS VARCHAR) AS DATE), NULL, text, "
        "map(CAST(prov_keys AS VARCHAR[]), CAST(prov_values AS VARCHAR[])), "
        "list_transform(list_zip(CAST(starts AS INTEGER[]), CAST(ends AS INTEGER[])), "
        "lambda s: {'start_char': s[1], 'end_char': s[2]}), CAST(minhash AS BLOB), CAST(run_id AS INTEGER), "
        "CAST(duplicate_of AS VARCHAR), CAST(story_id AS VARCHAR) FROM {rows}",
        **columns,
        prov_keys=[list(a.provenance) for a in articles], prov_values=[list(a.provenance.values()) for a in articles],
        starts=[[s for s, _ in a.sentences] for a in articles], ends=[[e for _, e in a.sentences] for a in articles])


def insert_mentions(con: duckdb.DuckDBPyConnection, mentions: Sequence[MentionRow]) -> None:
    rows.write(con, "INSERT INTO mentions (article_id, n, text, label, start_char, end_char, sentence, actor_key) "
                    "SELECT article_id, n, text, label, start, \"end\", sentence, actor_key FROM {rows}",
               **_columns(mentions, MentionRow._fields))


def insert_actors(con: duckdb.DuckDBPyConnection, actors: Sequence[ActorRow]) -> None:
    rows.write(con, "INSERT INTO article_actors (article_id, n, key, name, kind, mentions, aliases, roles) "
                    "SELECT article_id, n, key, name, kind, mentions, CAST(aliases AS VARCHAR[]), "
                    "CAST(roles AS VARCHAR[]) FROM {rows}",
               **_columns(actors, ActorRow._fields))


def insert_quotes(con: duckdb.DuckDBPyConnection, quotes: Sequence[QuoteRow]) -> None:
    fields = [f for f in QuoteRow._fields if f != "mentions"]
    rows.write(con, "INSERT INTO quotes (id, article_id, n, text, start_char, end_char, kind, cue, sentence, "
                    "speaker_key, speaker, speaker_id) SELECT id, article_id, n, text, start, \"end\", kind, "
                    "CAST(cue AS VARCHAR), CAST(sentence AS INTEGER), CAST(speaker_key AS VARCHAR), "
                    "CAST(speaker AS VARCHAR), CAST(speaker_id AS VARCHAR) FROM {rows}",
               **_columns(quotes, fields))
    mentioned = [(q.id, n, key) for q in quotes for n, key in enumerate(q.mentions)]
    rows.write(con, "INSERT INTO quote_mentions (quote_id, n, actor_key) SELECT quote_id, n, actor_key FROM {rows}",
               quote_id=[m[0] for m in mentioned], n=[m[1] for m in mentioned], actor_key=[m[2] for m in mentioned])
