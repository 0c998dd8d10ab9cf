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
    language: str | None = None  # None: stored before languages were detected
    analysis: str | None = None


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
    parts: list[list[int]] | None = None  # [start, end] of each part of the quotation


def _columns(records: Sequence[NamedTuple], fields: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [getattr(r, name) for r in records] for name in fields}


def insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[ArticleRow]) -> None:
    columns = _columns(articles, ("id", "seq", "source", "kind", "url", "title", "outlet", "author", "published",
                                  "text", "minhash", "run_id", "duplicate_of", "story_id", "language", "analysis"))
    rows.write(
        con,
        "INSERT INTO articles (id, seq, source, kind, url, title, outlet, author, published, language, analysis, "
        "text, provenance, sentences, minhash, run_id, duplicate_of, story_id) "
        "SELECT id, seq, source, kind, CAST(url AS VARCHAR), CAST(title AS VARCHAR), CAST(outlet AS VARCHAR), "
        "CAST(author AS VARCHAR), CAST(CAST(published AS VARCHAR) AS DATE), CAST(language AS VARCHAR), "
        "CAST(analysis AS VARCHAR), text, "
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
                    "speaker_key, speaker, speaker_id, parts) SELECT id, article_id, n, text, start, \"end\", kind, "
                    "CAST(cue AS VARCHAR), CAST(sentence AS INTEGER), CAST(speaker_key AS VARCHAR), "
                    "CAST(speaker AS VARCHAR), CAST(speaker_id AS VARCHAR), CAST(parts AS INTEGER[][]) FROM {rows}",
               **_columns(quotes, fields))
    mentioned = [(q.id, n, key) for q in quotes for n, key in enumerate(q.mentions)]
    rows.write(con, "INSERT INTO quote_mentions (quote_id, n, actor_key) SELECT quote_id, n, actor_key FROM {rows}",
               quote_id=[m[0] for m in mentioned], n=[m[1] for m in mentioned], actor_key=[m[2] for m in mentioned])


def insert_terms(con: duckdb.DuckDBPyConnection, terms: Sequence[tuple[str, str, int, int]]) -> None:
    """(article id, term, count, article seq) rows."""
    rows.write(con, "INSERT INTO article_terms (article_id, term, n, seq) SELECT article_id, term, "
                    "CAST(n AS INTEGER), seq FROM {rows}",
               article_id=[t[0] for t in terms], term=[t[1] for t in terms], n=[t[2] for t in terms],
               seq=[t[3] for t in terms])


def insert_event_mentions(con: duckdb.DuckDBPyConnection, events: Sequence[tuple[str, int, Any]]) -> None:
    """(article id, position, EventMention) rows."""
    rows.write(con, "INSERT INTO event_mentions (article_id, n, sentence, kind, trigger, start_char, end_char, "
                    "actors, place, date, date_text) SELECT article_id, n, sentence, kind, trigger, start_char, "
                    "end_char, CAST(actors AS VARCHAR[]), CAST(place AS VARCHAR), CAST(date AS VARCHAR), "
                    "CAST(date_text AS VARCHAR) FROM {rows}",
               article_id=[e[0] for e in events], n=[e[1] for e in events],
               sentence=[e[2].sentence for e in events], kind=[e[2].kind for e in events],
               trigger=[e[2].trigger for e in events], start_char=[e[2].start for e in events],
               end_char=[e[2].end for e in events], actors=[list(e[2].actors) for e in events],
               place=[e[2].place for e in events], date=[e[2].date for e in events],
               date_text=[e[2].date_text for e in events])


def insert_claim_mentions(con: duckdb.DuckDBPyConnection, claims: Sequence[tuple[str, int, Any]]) -> None:
    """(article id, position, ClaimMention) rows."""
    rows.write(con, "INSERT INTO claim_mentions (article_id, n, sentence, text, start_char, end_char, value, unit, "
                    "subject) SELECT article_id, n, sentence, text, start_char, end_char, CAST(value AS DOUBLE), "
                    "CAST(unit AS VARCHAR), CAST(subject AS VARCHAR) FROM {rows}",
               article_id=[c[0] for c in claims], n=[c[1] for c in claims],
               sentence=[c[2].sentence for c in claims], text=[c[2].text for c in claims],
               start_char=[c[2].start for c in claims], end_char=[c[2].end for c in claims],
               value=[float(c[2].value) for c in claims], unit=[c[2].unit for c in claims],
               subject=[c[2].subject for c in claims])
