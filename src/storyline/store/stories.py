"""The story layer's SQL: its state (document frequencies, story profiles, storyline links) and
its results (stories, storylines, events, claims, the actor graph).

Like store/corpus.py, every statement works on a set that the new articles determine: their
own rows (the temporary table `corpus_new`), the stories active around their dates, the
stories and storylines they touched. `reset` alone (the from-scratch path) reads everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from storyline.store import rows

if TYPE_CHECKING:
    from storyline.corpus.stories import StoryProfile
    from storyline.store import Store

__all__ = ["StoryTables"]

_STATE = ("term_df", "story_profiles", "story_key_actors", "story_links")
_RESULTS = ("stories", "storylines", "events", "claims", "actor_edges")
SOURCES = "STRUCT(article_id VARCHAR, sentence VARCHAR)[]"
# what an actor graph counts, for the storylines whose ids `{lines}` selects: each article's
# actors (not places) with their mentions, and each quote's speaker with the actors it mentions
_GRAPH_ARTICLES = ("SELECT a.id AS article_id, s.storyline_id FROM articles a JOIN stories s ON s.id = a.story_id "
                   "WHERE s.storyline_id IN ({lines})")
_GRAPH_PER = ("SELECT la.storyline_id, aa.article_id, k.actor_id, sum(aa.mentions) AS mentions "
              f"FROM article_actors aa JOIN ({_GRAPH_ARTICLES}) la ON la.article_id = aa.article_id "
              "JOIN actor_keys k ON k.key = aa.key JOIN actors ac ON ac.id = k.actor_id "
              "WHERE ac.kind <> 'place' GROUP BY ALL")
_GRAPH_SAID = ("SELECT DISTINCT la.storyline_id, q.id AS quote_id, q.article_id, q.speaker_id AS source, "
               f"k.actor_id AS target FROM quotes q JOIN ({_GRAPH_ARTICLES}) la ON la.article_id = q.article_id "
               "JOIN quote_mentions qm ON qm.quote_id = q.id JOIN actor_keys k ON k.key = qm.actor_key "
               "WHERE q.speaker_id IS NOT NULL AND k.actor_id IS NOT NULL AND k.actor_id <> q.speaker_id")
TEXTS_AT_ONCE = 500  # articles whose sentences one statement cuts out (`StoryTables.sentences`)
DF_SLICE = 100_000  # document-frequency increments written per statement (`StoryTables.add_df`)
# sentence i of article a (0-based; NULL past its last)
_CUT = ("substring(a.text, a.sentences[i + 1].start_char + 1, "
        "a.sentences[i + 1].end_char - a.sentences[i + 1].start_char)")


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class StoryTables:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.con = store.con

    # ---- bookkeeping ------------------------------------------------------------------------
    def n_docs(self) -> int:
        return int(self.store._meta("story_docs") or 0)

    def set_n_docs(self, n: int) -> None:
        self.store._set_meta("story_docs", str(n))

    def reset(self) -> None:
        """Forget the story layer's state and results (dropped and created again: DuckDB
        deletes many rows slowly)."""
        for table in _STATE + _RESULTS:
            self.con.execute(f"DROP TABLE {table}")
        self.con.execute(self.store._schema())
        self.con.execute("UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL")
        self.set_n_docs(0)

    # ---- the clusterer's inputs -------------------------------------------------------------
    def new_articles(self, chunk: int) -> Iterator[list[dict[str, Any]]]:
        """The new articles in seq order, `chunk` at a time, each with its key terms, its
        actors (canonical ids and mentions) and its near-duplicate original's story so far."""
        last = -(2 ** 63)
        while True:
            page = self.con.execute("SELECT seq FROM corpus_new WHERE seq > ? ORDER BY seq LIMIT ?",
                                    [last, chunk]).fetchall()
            if not page:
                return
            first, last = page[0][0], page[-1][0]
            found = self.store._dicts(
                "WITH n AS (SELECT id, seq FROM corpus_new WHERE seq BETWEEN ? AND ?) "
                "SELECT a.id, a.seq, a.published, a.duplicate_of, o.story_id AS duplicate_story, "
                "coalesce(t.terms, []) AS terms, coalesce(t.counts, []) AS counts, coalesce(x.actors, []) AS actors "
                "FROM n JOIN articles a ON a.id = n.id "
                "LEFT JOIN articles o ON o.id = a.duplicate_of "
                # two plain lists, not a list of structs: a struct per term became a Python dict, and a
                # chunk's 700,000 of them were most of the clustering's memory
                "LEFT JOIN (SELECT t.article_id, list(t.term ORDER BY t.term) AS terms, list(t.n ORDER BY t.term) "
                "AS counts FROM article_terms t JOIN n ON n.id = t.article_id "
                # the seq bounds are what prunes: the join alone scanned every stored term (35M rows
                # at 100k articles) for each chunk
                "WHERE t.seq BETWEEN ? AND ? GROUP BY t.article_id) t "
                "ON t.article_id = a.id "
                "LEFT JOIN (SELECT aa.article_id, list({'k': k.actor_id, 'n': aa.mentions}) AS actors FROM "
                "article_actors aa JOIN n ON n.id = aa.article_id JOIN actor_keys k ON k.key = aa.key "
                "WHERE k.actor_id IS NOT NULL GROUP BY aa.article_id) x ON x.article_id = a.id "
                "ORDER BY a.seq", [first, last, first, last])
            yield found

    def df(self, terms: Iterable[str]) -> dict[str, int]:
        return dict(rows.read(self.con, "SELECT d.term, d.df FROM term_df d JOIN {rows} r ON r.term = d.term",
                              term=sorted(set(terms))))

    def add_df(self, delta: dict[str, int]) -> None:
        """Add document-frequency increments (an update, then an insert, per slice of terms: the
        run's held increments, some 500,000 terms at 100k articles, bound as one document cost
        150 MB at the 100k bench store's peak)."""
        terms = list(delta)
        for start in range(0, len(terms), DF_SLICE):
            part = terms[start:start + DF_SLICE]
            counts = [delta[t] for t in part]
            rows.write(self.con, "UPDATE term_df SET df = term_df.df + r.n FROM {rows} r WHERE term_df.term = r.term",
                       term=part, n=counts)
            rows.write(self.con, "INSERT INTO term_df (term, df) SELECT r.term, r.n FROM {rows} r "
                                 "ANTI JOIN term_df d ON d.term = r.term", term=part, n=counts)

    def candidate_profiles(self, lo: date | None, hi: date | None, min_seq: int,
                           held: Iterable[str] = ()) -> list[StoryProfile]:
        """A superset of the stories active for a batch (see stories.candidate_bounds), less
        those `held` already. The ids first (no term lists read), the profiles of the ones not
        held after: the held ids bound as a query parameter list cost 0.3 s per 5,000 (the
        binding converts each element), 8.5 s of the 100k stage (py-spy)."""
        where = "last_seq >= ?"
        params: list[Any] = [min_seq]
        if lo is not None and hi is not None:
            where += " OR (first_date <= ? AND last_date >= ?)"
            params += [hi, lo]
        found = self.con.execute(f"SELECT story_id FROM story_profiles WHERE {where}", params).fetchall()
        return self.profiles({r[0] for r in found} - set(held))

    def profiles(self, ids: Iterable[str]) -> list[StoryProfile]:
        return self._profiles("JOIN {rows} r ON r.id = story_id", id=sorted(set(ids)))

    def _profiles(self, join: str, **columns: Sequence[Any]) -> list[StoryProfile]:
        from storyline.corpus.stories import StoryProfile

        found = rows.read(
            self.con, "SELECT story_id, size, first_date, last_date, last_seq, terms, actors, first_seq, weight, "
                      f"title_article FROM story_profiles {join} ORDER BY story_id", **columns)
        return [StoryProfile(id=r[0], size=r[1], first=_day(r[2]), last=_day(r[3]), last_seq=r[4],
                             terms={x["k"]: x["w"] for x in r[5]}, actors={x["k"]: x["w"] for x in r[6]},
                             first_seq=r[7], weight=r[8], title_article=r[9]) for r in found]

    def save_profiles(self, changed: Sequence[StoryProfile], gone: Iterable[str],
                      key_actors: dict[str, list[str]]) -> None:
        """Write the changed profiles (with each one's key actors) and forget the merged ones."""
        drop = sorted({p.id for p in changed} | set(gone))
        rows.write(self.con, "DELETE FROM story_profiles USING {rows} r WHERE story_profiles.story_id = r.id", id=drop)
        rows.write(self.con, "DELETE FROM story_key_actors USING {rows} r WHERE story_key_actors.story_id = r.id",
                   id=drop)
        pairs = [(story, actor) for story in sorted(key_actors) for actor in key_actors[story]]
        rows.write(self.con, "INSERT INTO story_key_actors (story_id, actor_id) SELECT story_id, actor_id FROM {rows}",
                   story_id=[p[0] for p in pairs], actor_id=[p[1] for p in pairs])
        rows.write(
            self.con,
            "INSERT INTO story_profiles (story_id, size, first_date, last_date, last_seq, terms, actors, first_seq, "
            "weight, title_article) SELECT id, CAST(size AS INTEGER), CAST(CAST(first AS VARCHAR) AS DATE), "
            "CAST(CAST(last AS VARCHAR) AS DATE), last_seq, "
            "list_transform(list_zip(CAST(tk AS VARCHAR[]), CAST(tw AS DOUBLE[])), lambda x: {'k': x[1], 'w': x[2]}), "
            "list_transform(list_zip(CAST(ak AS VARCHAR[]), CAST(aw AS DOUBLE[])), lambda x: {'k': x[1], 'w': x[2]}), "
            "first_seq, CAST(weight AS DOUBLE), title_article FROM {rows}",
            id=[p.id for p in changed], size=[p.size for p in changed],
            first=[p.first.isoformat() if p.first else None for p in changed],
            last=[p.last.isoformat() if p.last else None for p in changed],
            last_seq=[p.last_seq for p in changed], tk=[list(p.terms) for p in changed],
            tw=[[float(w) for w in p.terms.values()] for p in changed], ak=[list(p.actors) for p in changed],
            aw=[[float(w) for w in p.actors.values()] for p in changed], first_seq=[p.first_seq for p in changed],
            weight=[float(p.weight) for p in changed], title_article=[p.title_article for p in changed])

    def profiles_naming(self, actor_ids: set[str]) -> list[StoryProfile]:
        return self._profiles("WHERE story_id IN (SELECT DISTINCT p.story_id FROM story_profiles p, "
                              "unnest(p.actors) AS u(x) WHERE x.k IN (SELECT id FROM {rows}))", id=sorted(actor_ids))

    def rename_df(self, renamed: dict[str, str]) -> None:
        """Document frequencies of gone actors added to those that took them in."""
        gone = list(renamed)
        found = dict(rows.read(self.con, "SELECT d.term, d.df FROM term_df d JOIN {rows} r ON r.term = d.term",
                               term=gone))
        delta: dict[str, int] = {}
        for old, new in renamed.items():
            if found.get(old):
                delta[new] = delta.get(new, 0) + found[old]
        rows.write(self.con, "DELETE FROM term_df USING {rows} r WHERE term_df.term = r.term", term=gone)
        self.add_df(delta)

    def stories_with_keys(self, keys: set[str]) -> set[str]:
        """The stories of the articles that name any of these actor keys."""
        return {r[0] for r in rows.read(
            self.con, "SELECT DISTINCT a.story_id FROM article_actors aa JOIN {rows} r ON r.key = aa.key "
                      "JOIN articles a ON a.id = aa.article_id WHERE a.story_id IS NOT NULL",
            key=sorted(keys))}

    def assign(self, story_of: dict[str, str]) -> None:
        rows.write(self.con, "UPDATE articles SET story_id = r.story FROM {rows} r WHERE articles.id = r.id",
                   id=list(story_of), story=list(story_of.values()))

    def merge(self, merged: dict[str, str]) -> None:
        """Stories absorbed into others: their articles and links move to the survivor."""
        rows.write(self.con, "UPDATE articles SET story_id = r.into FROM {rows} r WHERE articles.story_id = r.gone",
                   gone=list(merged), into=list(merged.values()))
        for column in ("story_id", "other_id"):
            rows.write(self.con, f"UPDATE story_links SET {column} = r.into FROM {{rows}} r "
                                 f"WHERE story_links.{column} = r.gone", gone=list(merged), into=list(merged.values()))
        self.con.execute("DELETE FROM story_links WHERE story_id = other_id")

    # ---- storylines -----------------------------------------------------------------------
    def link_candidates(self, story_ids: Iterable[str], min_shared: int, limit: int) -> dict[str, list[str]]:
        """For each of these stories, the other stories sharing at least `min_shared` of its key
        actors, the `limit` sharing most (ties: the latest) first: one join over story_key_actors."""
        found = self._candidates(sorted(set(story_ids)), min_shared, limit)
        out: dict[str, list[str]] = {}
        for story, other in found:
            out.setdefault(story, []).append(other)
        return out

    def _candidates(self, ids: list[str], min_shared: int, limit: int) -> list[tuple]:
        if not ids:
            return []
        subquery, document = rows._source({"id": ids})
        return self.con.execute(
            "WITH shared AS (SELECT g.story_id AS story, o.story_id AS other, count(*) AS n FROM story_key_actors g "
            "JOIN " + subquery + " r ON r.id = g.story_id JOIN story_key_actors o ON o.actor_id = g.actor_id "
            "AND o.story_id <> g.story_id GROUP BY g.story_id, o.story_id HAVING count(*) >= $min) "
            "SELECT s.story, s.other FROM shared s JOIN story_profiles p ON p.story_id = s.other "
            "QUALIFY row_number() OVER (PARTITION BY s.story ORDER BY s.n DESC, p.last_seq DESC, s.other) <= $limit "
            "ORDER BY 1, 2", {"rows": document, "min": min_shared, "limit": limit}).fetchall()

    def first_seqs(self, story_ids: Iterable[str]) -> dict[str, int]:
        return dict(rows.read(self.con, "SELECT p.story_id, p.first_seq FROM story_profiles p JOIN {rows} r "
                                        "ON r.id = p.story_id", id=sorted(set(story_ids))))

    def add_links(self, links: Iterable[tuple[str, str]]) -> None:
        pairs = sorted({(a, b) if a < b else (b, a) for a, b in links if a != b})
        rows.write(self.con, "INSERT INTO story_links (story_id, other_id) SELECT r.a, r.b FROM {rows} r "
                             "ANTI JOIN story_links l ON l.story_id = r.a AND l.other_id = r.b",
                   a=[p[0] for p in pairs], b=[p[1] for p in pairs])

    def links_around(self, story_ids: Iterable[str]) -> tuple[set[str], list[tuple[str, str]]]:
        """The stories linked to these, transitively, and the links among them: read a ring at a
        time, one query per ring (a storyline is a connected set; corpus/story_stage groups them)."""
        seen = set(story_ids)
        frontier = sorted(seen)
        links: list[tuple[str, str]] = []
        while frontier:
            found = rows.read(self.con, "SELECT l.story_id, l.other_id FROM story_links l JOIN {rows} r "
                                        "ON r.id = l.story_id OR r.id = l.other_id", id=frontier)
            links += found
            fresh = {x for pair in found for x in pair} - seen
            seen |= fresh
            frontier = sorted(fresh)
        return seen, links

    # ---- what a storyline's results are made of -----------------------------------------------
    def gather_records(self, group_of: dict[str, int]) -> None:
        """Read, in one pass per table, the records the results of these stories are derived
        from (`group_of`: story id -> its group's number): their articles, event and figure
        mentions, quotes and actors, each kept in group order, so that `members(group)` and the
        other reads below take their group's rows alone (DuckDB's zone maps skip the rest).
        Read group by group, each group's join scanned the whole of every table: 2.3 s of the
        10k bench store's stage, 34.5 s of the 100k one's (py-spy), the same square growth the
        sentences and graphs had."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE derive_groups (story_id VARCHAR, grp INTEGER)")
        rows.write(self.con, "INSERT INTO derive_groups SELECT story_id, grp FROM {rows}",
                   story_id=list(group_of), grp=list(group_of.values()))
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE derive_members AS SELECT g.grp, a.id, a.seq, a.story_id, a.title, a.outlet, "
            "CAST(a.published AS VARCHAR) AS published, a.duplicate_of, len(a.sentences) AS n_sentences "
            "FROM articles a JOIN derive_groups g ON g.story_id = a.story_id ORDER BY g.grp, a.seq")
        for table, select in _RECORDS.items():
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {select}")

    def members(self, group: int) -> list[dict[str, Any]]:
        """The articles of a group of `gather_records` (seq order): metadata, the near-duplicate
        original and how many sentences each has; their texts stay in the store (see
        `sentences`)."""
        return rows.as_dicts(self.con.execute(
            "SELECT id, seq, story_id, title, outlet, published, duplicate_of, n_sentences FROM derive_members "
            "WHERE grp = ? ORDER BY seq", [group]))

    def gather_sentences(self, first: int) -> None:
        """Cut out, in one pass over the texts, the sentences the results of the stories of
        `gather_records` may quote (each article's `first` sentences and those of its event and
        figure mentions), kept in group order, so that `sentences(..., group)` reads its group's
        rows alone. Read group by group, a join of each group's articles with the texts read
        every text once per group: 0.63 s per 3,000 articles at 100k against 0.12 s at 10k."""
        wanted = ("SELECT article_id, list(DISTINCT idx) AS idxs FROM ("
                  "SELECT id AS article_id, unnest(range(least(n_sentences, ?))) AS idx FROM derive_members "
                  "UNION ALL SELECT article_id, sentence FROM derive_events "
                  "UNION ALL SELECT article_id, sentence FROM derive_claims) GROUP BY article_id")
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE derive_sentences AS SELECT grp, article_id, unnest(idxs) AS idx, "
            "unnest(texts) AS text FROM (SELECT m.grp, a.id AS article_id, w.idxs, "
            f"list_transform(w.idxs, i -> {_CUT}) AS texts FROM articles a "
            f"JOIN derive_members m ON m.id = a.id JOIN ({wanted}) w ON w.article_id = a.id) "
            "ORDER BY grp", [first])

    def drop_gathered(self) -> None:
        """The temporary tables of `gather_records`, `gather_sentences` and `gather_graphs`, once a derive is done."""
        for table in ("derive_groups", "derive_members", *_RECORDS, "derive_sentences", "graph_groups", "graph_per",
                      "graph_said"):
            self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def sentences(self, wanted: Sequence[tuple[str, int]], group: int | None = None) -> dict[tuple[str, int], str]:
        """The text of these (article id, sentence index) pairs, cut out by DuckDB: a storyline's
        results quote a few sentences of each article, and reading whole texts into Python for them
        held a large storyline's every text at once. `group`: the pairs are in that group of
        `gather_sentences`."""
        if group is not None:
            asked = set(wanted)
            return {(article_id, idx): text.strip() for article_id, idx, text in self.con.execute(
                "SELECT article_id, idx, text FROM derive_sentences WHERE grp = ?", [group]).fetchall()
                if text is not None and (article_id, idx) in asked}
        # the articles' ids written into the statement, TEXTS_AT_ONCE at a time: DuckDB filters
        # its scan by them and reads the texts of their rows alone; joined with a list of pairs it
        # read every text (2.4 s of the 5.1 s of adding one article to the 100k store, cold)
        asked = set(wanted)
        ids = sorted({article_id for article_id, _ in asked})
        out: dict[tuple[str, int], str] = {}
        for start in range(0, len(ids), TEXTS_AT_ONCE):
            part = ids[start:start + TEXTS_AT_ONCE]
            these = set(part)
            indexes = sorted({idx for article_id, idx in asked if article_id in these})
            literal = ", ".join("'" + i.replace("'", "''") + "'" for i in part)
            for article_id, texts in self.con.execute(
                    f"SELECT a.id, list_transform({[int(i) for i in indexes]}, i -> {_CUT}) FROM articles a "
                    f"WHERE a.id IN ({literal})").fetchall():
                out.update({(article_id, idx): text.strip() for idx, text in zip(indexes, texts, strict=True)
                            if text is not None and (article_id, idx) in asked})
        return out

    def event_mentions(self, group: int) -> list[dict[str, Any]]:
        """A group's event mentions (`gather_records`), each with `actor_ids`: its actor keys
        resolved to the canonical actors they belong to now."""
        found = rows.as_dicts(self.con.execute(
            "SELECT article_id, n, sentence, kind, trigger, start_char, end_char, place, date, date_text, actors "
            "FROM derive_events WHERE grp = ? ORDER BY article_id, n", [group]))
        keys = sorted({key for m in found for key in m["actors"]})
        owner = dict(rows.read(self.con, "SELECT k.key, k.actor_id FROM actor_keys k JOIN {rows} r ON r.key = k.key "
                                         "WHERE k.actor_id IS NOT NULL", key=keys))
        for m in found:
            m["actor_ids"] = [owner[key] for key in m["actors"] if key in owner]
        return found

    def claim_mentions(self, group: int) -> list[dict[str, Any]]:
        return rows.as_dicts(self.con.execute(
            "SELECT article_id, n, sentence, text, start_char, end_char, value, unit, subject FROM derive_claims "
            "WHERE grp = ? ORDER BY article_id, n", [group]))

    def quotes(self, group: int) -> list[dict[str, Any]]:
        return rows.as_dicts(self.con.execute(
            "SELECT id, article_id, speaker, speaker_id, mentions FROM derive_quotes WHERE grp = ? "
            "ORDER BY article_id, n", [group]))

    def article_actor_ids(self, group: int) -> list[tuple[str, list[str]]]:
        """(article id, its actor ids, most mentioned first): people, organisations and countries
        (places are where things happen, not who does them)."""
        return [(r[0], r[1]) for r in self.con.execute(
            "SELECT article_id, ids FROM derive_actors WHERE grp = ? ORDER BY article_id", [group]).fetchall()]

    def actor_names(self, actor_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        return {r[0]: (r[1], r[2]) for r in rows.read(
            self.con, "SELECT a.id, a.name, a.kind FROM actors a JOIN {rows} r ON r.id = a.id",
            id=sorted(set(actor_ids)))}

    def outlet_labels(self) -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = {}
        for outlet, label, value in self.con.execute("SELECT outlet, label, value FROM outlet_labels").fetchall():
            labels.setdefault(outlet, {})[label] = value
        return labels

    def set_outlet_labels(self, labels: dict[str, dict[str, str]]) -> None:
        self.con.execute("DELETE FROM outlet_labels")
        flat = [(o, k, v) for o, cols in labels.items() for k, v in cols.items()]
        rows.write(self.con, "INSERT INTO outlet_labels (outlet, label, value) SELECT outlet, label, value FROM {rows}",
                   outlet=[f[0] for f in flat], label=[f[1] for f in flat], value=[f[2] for f in flat])

    def storylines_of(self, story_ids: Iterable[str]) -> set[str]:
        """The storylines these stories are in as last written."""
        return {r[0] for r in rows.read(self.con, "SELECT DISTINCT s.storyline_id FROM stories s JOIN {rows} r "
                                                  "ON r.id = s.id", id=sorted(set(story_ids)))}

    def all_storylines(self) -> dict[str, set[str]]:
        """Every storyline with its stories, as last written."""
        return {line: set(ids) for line, ids in self.con.execute(
            "SELECT storyline_id, list(id) FROM stories GROUP BY storyline_id").fetchall()}

    # ---- results --------------------------------------------------------------------------
    def line_sizes(self, lines: dict[str, set[str]]) -> dict[str, int]:
        """How many articles each of these sets of stories (a storyline, or a story alone) holds now."""
        return dict(rows.read(self.con, "SELECT r.line, count(*) FROM articles a JOIN {rows} r ON r.id = a.story_id "
                                        "GROUP BY r.line", **_story_lines(lines)))

    def kept_stories(self, lines: dict[str, set[str]], limit: int) -> set[str]:
        """The stories of these (large) storylines whose results were written story by story under
        the same storyline: the storyline held more than `limit` articles when last written."""
        found = rows.read(self.con, "SELECT s.id, sum(s.size) OVER (PARTITION BY s.storyline_id) FROM stories s "
                                    "JOIN {rows} r ON r.id = s.id AND r.line = s.storyline_id", **_story_lines(lines))
        return {story for story, size in found if size > limit}

    def drop_results(self, story_ids: Iterable[str], storyline_ids: Iterable[str],
                     kept: set[str] | frozenset[str] = frozenset()) -> None:
        """The results of these stories and storylines, but the rows, events and claims of the
        `kept` stories (of large storylines, derived story by story and unchanged)."""
        stories, lines = sorted(set(story_ids) - kept), sorted(set(storyline_ids))
        rows.write(self.con, "DELETE FROM stories USING {rows} r WHERE stories.id = r.id", id=stories)
        rows.write(self.con, "DELETE FROM storylines USING {rows} r WHERE storylines.id = r.id", id=lines)
        rows.write(self.con, "DELETE FROM actor_edges USING {rows} r WHERE actor_edges.storyline_id = r.id", id=lines)
        self.con.execute("CREATE OR REPLACE TEMP TABLE kept_stories (id VARCHAR)")
        rows.write(self.con, "INSERT INTO kept_stories SELECT id FROM {rows}", id=sorted(kept))
        for table in ("events", "claims"):
            rows.write(self.con, f"DELETE FROM {table} USING {{rows}} r WHERE {table}.storyline_id = r.id AND "
                                 f"({table}.story_id IS NULL OR {table}.story_id NOT IN (SELECT id FROM kept_stories))",
                       id=lines)
        # a storyline is named after its first story: one whose first story moved is renamed
        rows.write(self.con, "DELETE FROM storylines USING {rows} r WHERE list_contains(storylines.stories, r.id)",
                   id=stories)

    def storyline_stories(self, storyline_id: str) -> list[dict[str, Any]]:
        """A storyline's stories as written: what its own row is made of."""
        return self.store._dicts(
            "SELECT id, title, size, CAST(first_date AS VARCHAR) AS start, CAST(last_date AS VARCHAR) AS \"end\", "
            "actors, summary FROM stories WHERE storyline_id = ? ORDER BY id", [storyline_id])

    def article_dates(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Publication date and near-duplicate original of these articles."""
        return {r["id"]: r for r in self._dicts_rows(
            "SELECT a.id, CAST(a.published AS VARCHAR) AS published, a.duplicate_of FROM articles a "
            "JOIN {rows} r ON r.id = a.id", id=sorted(set(article_ids)))}

    def write_stories(self, stories: Sequence[dict[str, Any]]) -> None:
        rows.write(
            self.con,
            "INSERT INTO stories (id, storyline_id, title, first_date, last_date, size, actors, outlets, summary, "
            "outlet_comparison) SELECT id, storyline_id, CAST(title AS VARCHAR), CAST(CAST(first AS VARCHAR) AS DATE), "
            "CAST(CAST(last AS VARCHAR) AS DATE), CAST(size AS INTEGER), CAST(actors AS VARCHAR[]), "
            f"CAST(outlets AS VARCHAR[]), {_pairs('sum_ids', 'sum_texts')}, comparison FROM {{rows}}",
            id=[s["id"] for s in stories], storyline_id=[s["storyline_id"] for s in stories],
            title=[s["title"] for s in stories], first=[s["start"] for s in stories],
            last=[s["end"] for s in stories], size=[s["size"] for s in stories],
            actors=[s["actors"] for s in stories], outlets=[s["outlets"] for s in stories],
            sum_ids=[[x["article_id"] for x in s["summary"]] for s in stories],
            sum_texts=[[x["sentence"] for x in s["summary"]] for s in stories],
            comparison=[json.dumps(s["outlet_comparison"], ensure_ascii=False) for s in stories])

    def write_storylines(self, lines: Sequence[dict[str, Any]]) -> None:
        rows.write(
            self.con,
            "INSERT INTO storylines (id, title, first_date, last_date, stories, actors, summary) "
            "SELECT id, CAST(title AS VARCHAR), CAST(CAST(first AS VARCHAR) AS DATE), "
            "CAST(CAST(last AS VARCHAR) AS DATE), CAST(stories AS VARCHAR[]), CAST(actors AS VARCHAR[]), "
            f"{_pairs('sum_ids', 'sum_texts')} FROM {{rows}}",
            id=[s["id"] for s in lines], title=[s["title"] for s in lines], first=[s["start"] for s in lines],
            last=[s["end"] for s in lines], stories=[s["stories"] for s in lines],
            actors=[s["actors"] for s in lines],
            sum_ids=[[x["article_id"] for x in s["summary"]] for s in lines],
            sum_texts=[[x["sentence"] for x in s["summary"]] for s in lines])

    def write_events(self, events: Sequence[dict[str, Any]]) -> None:
        rows.write(
            self.con,
            "INSERT INTO events (id, story_id, storyline_id, summary, kind, date, place, actors, weight, sources) "
            "SELECT id, CAST(story_id AS VARCHAR), storyline_id, summary, kind, CAST(date AS VARCHAR), "
            "CAST(place AS VARCHAR), CAST(actors AS VARCHAR[]), CAST(weight AS INTEGER), "
            f"{_pairs('src_ids', 'src_texts')} FROM {{rows}}",
            id=[e["id"] for e in events], story_id=[e["story_id"] for e in events],
            storyline_id=[e["storyline_id"] for e in events], summary=[e["summary"] for e in events],
            kind=[e["kind"] for e in events], date=[e["date"] for e in events], place=[e["place"] for e in events],
            actors=[e["actors"] for e in events], weight=[e["weight"] for e in events],
            src_ids=[[s["article_id"] for s in e["sources"]] for e in events],
            src_texts=[[s["sentence"] for s in e["sources"]] for e in events])

    def write_claims(self, claims: Sequence[dict[str, Any]]) -> None:
        rows.write(
            self.con,
            "INSERT INTO claims (id, story_id, storyline_id, text, value, \"values\", unit, subject, status, sources) "
            "SELECT id, CAST(story_id AS VARCHAR), storyline_id, text, CAST(value AS DOUBLE), "
            "CAST(vals AS DOUBLE[]), CAST(unit AS VARCHAR), CAST(subject AS VARCHAR), status, "
            f"{_pairs('src_ids', 'src_texts')} FROM {{rows}}",
            id=[c["id"] for c in claims], story_id=[c["story_id"] for c in claims],
            storyline_id=[c["storyline_id"] for c in claims], text=[c["text"] for c in claims],
            value=[None if c["value"] is None else float(c["value"]) for c in claims],
            vals=[[float(v) for v in c["values"]] for c in claims], unit=[c["unit"] for c in claims],
            subject=[c["subject"] for c in claims], status=[c["status"] for c in claims],
            src_ids=[[s["article_id"] for s in c["sources"]] for c in claims],
            src_texts=[[s["sentence"] for s in c["sources"]] for c in claims])

    def write_graphs(self, storyline_ids: Iterable[str], per_article: int, nodes: int, edges: int,
                     article_ids: int, group: int | None = None) -> None:
        """The actor graph of each of these storylines (as their stories are written now), made
        where the rows are: a large storyline's graph counted in Python held its pairs and their
        article sets in memory, and read every actor list of its articles on each increment.

        Co-occurrence: the pairs among each article's `per_article` most mentioned actors (not
        places), weight = articles; quoted-about: a quote's speaker to each other actor it
        mentions, weight = quotes. Both among the storyline's `nodes` actors named in most of its
        articles; the `edges` heaviest kept (ties by source, target, kind), each with its first
        `article_ids` article ids. `group`: these storylines are that group of `gather_graphs`,
        which read their rows already."""
        if group is None:
            lines = "SELECT id FROM {rows}"
            per, said = _GRAPH_PER.format(lines=lines), _GRAPH_SAID.format(lines=lines)
        else:
            per = f"SELECT storyline_id, article_id, actor_id, mentions FROM graph_per WHERE grp = {int(group)}"
            said = f"SELECT storyline_id, quote_id, article_id, source, target FROM graph_said WHERE grp = {int(group)}"
        sql = f"""
            INSERT INTO actor_edges (storyline_id, source, target, kind, weight, articles)
            WITH per AS ({per}),
            nodes AS (
                SELECT storyline_id, actor_id FROM per GROUP BY storyline_id, actor_id
                QUALIFY row_number() OVER (PARTITION BY storyline_id ORDER BY count(*) DESC, actor_id) <= {nodes}),
            ranked AS (
                SELECT p.* FROM per p
                QUALIFY row_number() OVER (PARTITION BY p.article_id ORDER BY p.mentions DESC, p.actor_id)
                    <= {per_article}),
            kept AS (SELECT r.* FROM ranked r SEMI JOIN nodes n ON n.storyline_id = r.storyline_id
                     AND n.actor_id = r.actor_id),
            together AS (
                SELECT a.storyline_id, a.actor_id AS source, b.actor_id AS target, 'cooccurrence' AS kind,
                       count(*) AS weight, list(a.article_id ORDER BY a.article_id) AS articles
                FROM kept a JOIN kept b ON b.article_id = a.article_id AND a.actor_id < b.actor_id
                GROUP BY a.storyline_id, a.actor_id, b.actor_id),
            said AS ({said}),
            about AS (
                SELECT s.storyline_id, s.source, s.target, 'quoted_about' AS kind, count(*) AS weight,
                       list(DISTINCT s.article_id ORDER BY s.article_id) AS articles
                FROM said s SEMI JOIN nodes n ON n.storyline_id = s.storyline_id AND n.actor_id = s.source
                SEMI JOIN nodes m ON m.storyline_id = s.storyline_id AND m.actor_id = s.target
                GROUP BY s.storyline_id, s.source, s.target)
            SELECT storyline_id, source, target, kind, CAST(weight AS INTEGER), articles[1:{article_ids}]
            FROM (SELECT * FROM together UNION ALL SELECT * FROM about)
            QUALIFY row_number() OVER (PARTITION BY storyline_id ORDER BY weight DESC, source, target, kind)
                <= {edges}"""
        if group is None:
            rows.write(self.con, sql, id=sorted(set(storyline_ids)))
        else:
            self.con.execute(sql)

    def gather_graphs(self, group_of: dict[str, int]) -> None:
        """The rows the actor graphs of these storylines count (`group_of`: storyline id -> its
        group's number), read in one pass for all groups and kept in group order, so that
        `write_graphs(..., group)` reads its group's rows alone. Read group by group, each
        group's statement scanned article_actors, quotes and their mentions whole: 0.1 s of the
        10k bench store's stage, 12 s of the 100k one's (py-spy)."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE graph_groups (id VARCHAR, grp INTEGER)")
        rows.write(self.con, "INSERT INTO graph_groups SELECT id, grp FROM {rows}",
                   id=list(group_of), grp=list(group_of.values()))
        lines = "SELECT id FROM graph_groups"
        for table, select in (("graph_per", _GRAPH_PER), ("graph_said", _GRAPH_SAID)):
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT g.grp, p.* FROM "
                             f"({select.format(lines=lines)}) p JOIN graph_groups g ON g.id = p.storyline_id "
                             "ORDER BY g.grp")

    def _dicts_rows(self, sql: str, **columns: Sequence[Any]) -> list[dict[str, Any]]:
        if not len(next(iter(columns.values()))):
            return []
        subquery, document = rows._source(dict(columns))
        return rows.as_dicts(self.con.execute(sql.replace("{rows}", subquery), {"rows": document}))


# what `StoryTables.gather_records` keeps of each table, for the articles of derive_members
_RECORDS = {
    "derive_events": (
        "SELECT m.grp, e.article_id, e.n, e.sentence, e.kind, e.trigger, e.start_char, e.end_char, e.place, e.date, "
        "e.date_text, e.actors FROM event_mentions e JOIN derive_members m ON m.id = e.article_id "
        "ORDER BY m.grp, e.article_id, e.n"),
    "derive_claims": (
        "SELECT m.grp, c.article_id, c.n, c.sentence, c.text, c.start_char, c.end_char, c.value, c.unit, c.subject "
        "FROM claim_mentions c JOIN derive_members m ON m.id = c.article_id ORDER BY m.grp, c.article_id, c.n"),
    "derive_quotes": (
        "SELECT m.grp, q.id, q.article_id, q.n, q.speaker, q.speaker_id, coalesce(x.ids, []) AS mentions "
        "FROM quotes q JOIN derive_members m ON m.id = q.article_id LEFT JOIN (SELECT qm.quote_id, "
        "list(k.actor_id ORDER BY qm.n) AS ids FROM quote_mentions qm JOIN quotes q2 ON q2.id = qm.quote_id "
        "JOIN derive_members m2 ON m2.id = q2.article_id JOIN actor_keys k ON k.key = qm.actor_key "
        "WHERE k.actor_id IS NOT NULL GROUP BY qm.quote_id) x ON x.quote_id = q.id ORDER BY m.grp, q.article_id, q.n"),
    "derive_actors": (
        "SELECT grp, article_id, list(actor_id ORDER BY mentions DESC, actor_id) AS ids FROM "
        "(SELECT m.grp, aa.article_id, k.actor_id, sum(aa.mentions) AS mentions FROM article_actors aa "
        "JOIN derive_members m ON m.id = aa.article_id JOIN actor_keys k ON k.key = aa.key "
        "JOIN actors a ON a.id = k.actor_id WHERE a.kind <> 'place' GROUP BY m.grp, aa.article_id, k.actor_id) "
        "GROUP BY grp, article_id ORDER BY grp, article_id"),
}


def _story_lines(lines: dict[str, set[str]]) -> dict[str, list[str]]:
    """The columns (id: a story, line: its storyline) of `{rows}` for a storyline -> stories map."""
    pairs = [(story, line) for line, stories in lines.items() for story in stories]
    return {"id": [p[0] for p in pairs], "line": [p[1] for p in pairs]}


def _pairs(ids: str, texts: str) -> str:
    """SQL turning two parallel list columns into the (article_id, sentence) struct list."""
    return (f"CAST(list_transform(list_zip(CAST({ids} AS VARCHAR[]), CAST({texts} AS VARCHAR[])), "
            f"lambda x: {{'article_id': x[1], 'sentence': x[2]}}) AS {SOURCES})")
