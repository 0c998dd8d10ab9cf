"""The corpus stage's SQL: its state (LSH bands, per-key actor aggregates, the last article it
has seen) and its results (near-duplicate links, actors, quote speakers).

Every statement works on a set the new articles determine (the articles themselves in the
temporary table `corpus_new`, the candidates their bands join to, the keys of their actors'
neighbourhood, the actors those keys belong to) joined to the stored tables: at most a scan
of a table per update, never a pass per article, and only those sets travel to Python. The
exception is `reset`, which the from-scratch path (`storyline rebuild`) calls on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from storyline.corpus.actors import (
    KeyStats,
    Weight,
    defined_spellings,
    folded_name,
    initials,
    kind_of,
    name_skeleton,
    name_tokens,
)
from storyline.corpus.duplicates import Layout, rank
from storyline.model import GROUP_SPEAKER
from storyline.store import rows

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = ["CorpusTables"]

_STATE = ("actor_keys", "actor_key_names", "actor_key_aliases", "actor_key_roles", "actors", "actor_aliases",
          "actor_articles", "lsh_bands")


class CorpusTables:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.con = store.con

    # ---- bookkeeping ------------------------------------------------------------------------
    def watermark(self) -> int:
        """The seq of the last article the corpus stage took in (articles arrive in seq order)."""
        return int(self.store._meta("corpus_seq") or 0)

    def set_watermark(self, seq: int) -> None:
        self.store._set_meta("corpus_seq", str(seq))

    def reset_pending(self) -> bool:
        """An upgrade asked for every article to be taken in again (store/migrate.py)."""
        return self.store._meta("corpus_reset") == "1"

    def existing_actors(self, ids: Iterable[str]) -> set[str]:
        return {r[0] for r in rows.read(self.con, "SELECT a.id FROM actors a JOIN {rows} r ON r.id = a.id",
                                        id=sorted(set(ids)))}

    def layout(self) -> Layout:
        return self.store.lsh_layout()

    def reset(self, shape: Layout) -> None:
        """Forget every corpus result and all corpus state, and band every article again under
        `shape`: the next `begin` then sees the whole store as new (the from-scratch path)."""
        # dropped and created again, not emptied: DuckDB deletes many rows slowly
        for table in _STATE:
            self.con.execute(f"DROP TABLE {table}")
        self.con.execute(self.store._schema())
        self.con.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
        self.con.execute("UPDATE quotes SET speaker = NULL, speaker_id = NULL "
                         "WHERE speaker IS NOT NULL OR speaker_id IS NOT NULL")
        self.store._set_meta("lsh", shape.encode())
        self.store._layout = shape
        after = 0
        while chunk := self.con.execute("SELECT seq, id, minhash FROM articles WHERE seq > ? ORDER BY seq LIMIT 5000",
                                        [after]).fetchall():
            self.store.add_bands([(article_id, minhash) for _, article_id, minhash in chunk])
            after = chunk[-1][0]
        self.set_watermark(0)
        self.con.execute("DELETE FROM meta WHERE key = 'corpus_reset'")

    def begin(self, since: int, until: int | None = None) -> tuple[int, int]:
        """Mark the articles after `since` (up to `until`) as this update's new ones; returns
        (how many, last seq)."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE corpus_new AS SELECT id, seq FROM articles "
                         "WHERE seq > ? AND seq <= coalesce(?, seq)", [since, until])
        self.con.execute("CREATE OR REPLACE TEMP TABLE corpus_dropped (id VARCHAR, name VARCHAR, kind VARCHAR)")
        count, top = self.con.execute("SELECT count(*), coalesce(max(seq), 0) FROM corpus_new").fetchone()
        return count, top

    # ---- near-duplicates ----------------------------------------------------------------------
    def candidate_pairs(self) -> set[tuple[str, str]]:
        """Pairs (sorted) of a new article and any other sharing one of its band buckets."""
        found = self.con.execute(
            "SELECT DISTINCT n.article_id, o.article_id FROM lsh_bands n JOIN corpus_new c ON c.id = n.article_id "
            "JOIN lsh_bands o ON o.band = n.band AND o.bucket = n.bucket AND o.article_id <> n.article_id").fetchall()
        return {(a, b) if a < b else (b, a) for a, b in found}

    def signatures(self, ids: Iterable[str]) -> dict[str, bytes]:
        return dict(rows.read(self.con, "SELECT a.id, a.minhash FROM articles a JOIN {rows} r ON r.id = a.id",
                              id=list(ids)))

    def duplicate_groups(self, ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, int], str | None]]:
        """Every article of the groups of `ids`: id -> (its group's original, its rank, its
        duplicate_of now)."""
        found = rows.read(
            self.con,
            "SELECT a.id, coalesce(a.duplicate_of, a.id), CAST(a.published AS VARCHAR), a.seq, a.duplicate_of "
            "FROM articles a JOIN (SELECT DISTINCT coalesce(x.duplicate_of, x.id) AS original FROM articles x "
            "JOIN {rows} r ON r.id = x.id) g ON g.original = coalesce(a.duplicate_of, a.id)", id=list(ids))
        return {article_id: (original, rank(published, seq), now)
                for article_id, original, published, seq, now in found}

    def set_duplicates(self, originals: dict[str, str | None]) -> None:
        rows.write(self.con, "UPDATE articles SET duplicate_of = CAST(r.original AS VARCHAR) FROM {rows} r "
                             "WHERE articles.id = r.id",
                   id=list(originals), original=list(originals.values()))

    # ---- actors -------------------------------------------------------------------------------
    def add_key_stats(self) -> list[str]:
        """Add the new articles' actors to the per-key aggregates; returns the keys they touched.
        Later articles never come first (seq only grows), so a first sighting, a role's first
        appearance and a known alias stay as they are: existing rows only add mentions."""
        new = "FROM article_actors aa JOIN corpus_new c ON c.id = aa.article_id"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE corpus_delta AS SELECT aa.key, sum(aa.mentions) AS mentions, "
                         f"min(c.seq) AS first_seq, arg_min(aa.n, c.seq) AS first_pos {new} GROUP BY aa.key")
        self.con.execute("UPDATE actor_keys SET mentions = actor_keys.mentions + d.mentions FROM corpus_delta d "
                         "WHERE actor_keys.key = d.key")
        fresh = [r[0] for r in self.con.execute("SELECT d.key FROM corpus_delta d ANTI JOIN actor_keys k "
                                                "ON k.key = d.key ORDER BY d.key").fetchall()]
        for start in range(0, len(fresh), 50_000):  # the words of a name are Python's split, as `resolve` reads them
            keys = fresh[start:start + 50_000]
            tokens = [name_tokens(key) for key in keys]
            rows.write(self.con,
                       "INSERT INTO actor_keys (key, folded, skeleton, first_token, last_token, initials, kind, "
                       "mentions, first_seq, first_pos) SELECT r.key, r.folded, r.skeleton, "
                       "CAST(r.first_token AS VARCHAR), CAST(r.last_token AS VARCHAR), "
                       "CAST(r.initials AS VARCHAR), r.kind, d.mentions, d.first_seq, d.first_pos "
                       "FROM {rows} r JOIN corpus_delta d ON d.key = r.key",
                       key=keys, folded=[folded_name(k) for k in keys], kind=[kind_of(k) for k in keys],
                       skeleton=[name_skeleton(k) for k in keys],
                       first_token=[t[0] for t in tokens], last_token=[t[1] for t in tokens],
                       initials=[initials(folded_name(k)) for k in keys])
        changed = [r[0] for r in self.con.execute("SELECT key FROM corpus_delta ORDER BY key").fetchall()]
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE corpus_delta AS SELECT aa.key, aa.name, "
                         f"sum(aa.mentions) AS mentions {new} GROUP BY aa.key, aa.name")
        self.con.execute("UPDATE actor_key_names SET mentions = actor_key_names.mentions + d.mentions "
                         "FROM corpus_delta d WHERE actor_key_names.key = d.key AND actor_key_names.name = d.name")
        self.con.execute("INSERT INTO actor_key_names (key, name, mentions) SELECT d.key, d.name, d.mentions "
                         "FROM corpus_delta d ANTI JOIN actor_key_names n ON n.key = d.key AND n.name = d.name")
        self.con.execute("INSERT INTO actor_key_aliases (key, alias) SELECT DISTINCT d.key, d.alias FROM "
                         f"(SELECT aa.key, unnest(aa.aliases) AS alias {new}) d "
                         "ANTI JOIN actor_key_aliases a ON a.key = d.key AND a.alias = d.alias")
        self.con.execute("INSERT INTO actor_key_roles (key, role, seq, pos, idx) "
                         "SELECT d.key, d.role, min(d.seq), arg_min(d.pos, (d.seq, d.pos, d.idx)), "
                         "arg_min(d.idx, (d.seq, d.pos, d.idx)) "
                         f"FROM (SELECT aa.key, c.seq, aa.n AS pos, unnest(aa.roles) AS role, "
                         f"unnest(range(len(aa.roles))) AS idx {new}) d "
                         "ANTI JOIN actor_key_roles r ON r.key = d.key AND r.role = d.role GROUP BY d.key, d.role")
        self.con.execute("DROP TABLE corpus_delta")
        return changed

    # ---- `actors.KeyIndex`: the neighbourhood's lookups, over columns written with each key ----
    def by_skeleton(self, skeletons: set[str]) -> set[str]:
        return self._keys("SELECT k.key FROM actor_keys k JOIN {rows} r ON r.v = k.skeleton", skeletons)

    def groups_by_token(self, tokens: set[str]) -> set[str]:
        return self._keys("SELECT k.key FROM actor_keys k SEMI JOIN (SELECT p.skeleton FROM actor_keys p "
                          "WHERE p.kind = 'person' AND contains(p.skeleton, ' ') AND (p.first_token IN "
                          "(SELECT v FROM {rows}) OR p.last_token IN (SELECT v FROM {rows}))) g "
                          "ON g.skeleton = k.skeleton", tokens)

    def groups_by_initials(self, acronyms: set[str]) -> set[str]:
        return self._keys("SELECT k.key FROM actor_keys k SEMI JOIN (SELECT b.skeleton FROM actor_keys b "
                          "JOIN {rows} r ON r.v = b.initials WHERE b.kind = 'organization') g "
                          "ON g.skeleton = k.skeleton", acronyms)

    def spelled_out(self, acronyms: set[str]) -> set[str]:
        return defined_spellings(r[0] for r in rows.read(
            self.con, "SELECT n.name FROM actor_key_names n JOIN {rows} r ON r.key = n.key "
                      "WHERE contains(n.name, ' ')", key=sorted(acronyms)))

    def acronyms_spelling(self, folded: set[str]) -> set[str]:
        # the few spellings one-word bodies hold with a space in them, folded here as `resolve` folds
        found = self.con.execute("SELECT n.key, n.name FROM actor_key_names n WHERE starts_with(n.key, "
                                 "'organization:') AND NOT contains(n.key, ' ') AND contains(n.name, ' ')").fetchall()
        return {key for key, name in found if defined_spellings([name]) & folded}

    def _keys(self, sql: str, values: set[str]) -> set[str]:
        return {r[0] for r in rows.read(self.con, sql, v=sorted(values))}

    def weights(self, keys: set[str]) -> dict[str, tuple[Weight, str | None, str]]:
        """key -> (what `resolve` reads of it, the actor it belongs to now, its skeleton). One-word
        keys carry their spellings (the acronym merge's evidence)."""
        found = rows.read(self.con, "SELECT k.key, k.mentions, k.first_seq, k.first_pos, k.actor_id, k.skeleton "
                                    "FROM actor_keys k JOIN {rows} r ON r.key = k.key", key=sorted(keys))
        spelled: dict[str, dict[str, int]] = {}
        for key, name, mentions in rows.read(
                self.con, "SELECT n.key, n.name, n.mentions FROM actor_key_names n JOIN {rows} r ON r.key = n.key",
                key=sorted(k for k in keys if " " not in folded_name(k))):
            spelled.setdefault(key, {})[name] = mentions
        return {key: (Weight(mentions, (first_seq, first_pos), spelled.get(key, {})), owner, sk)
                for key, mentions, first_seq, first_pos, owner, sk in found}

    def owners(self, actor_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(key, actor id) of every key that belongs to one of `actor_ids`."""
        return rows.read(self.con, "SELECT k.key, k.actor_id FROM actor_keys k JOIN {rows} r ON r.id = k.actor_id",
                         id=list(actor_ids))

    def key_stats(self, keys: Iterable[str]) -> dict[str, KeyStats]:
        """The whole aggregates of `keys`: what their actors' records are built from."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE corpus_keys (key VARCHAR)")
        rows.write(self.con, "INSERT INTO corpus_keys (key) SELECT key FROM {rows}", key=list(keys))
        out: dict[str, KeyStats] = {}
        for key, mentions, first_seq, first_pos in self.con.execute(
                "SELECT k.key, k.mentions, k.first_seq, k.first_pos FROM actor_keys k "
                "JOIN corpus_keys USING (key)").fetchall():
            out[key] = KeyStats(key, mentions=mentions, first=(first_seq, first_pos))
        for key, name, mentions in self.con.execute(
                "SELECT n.key, n.name, n.mentions FROM actor_key_names n JOIN corpus_keys USING (key)").fetchall():
            out[key].names[name] = mentions
        for key, alias in self.con.execute(
                "SELECT a.key, a.alias FROM actor_key_aliases a JOIN corpus_keys USING (key)").fetchall():
            out[key].aliases.add(alias)
        for key, role, seq, pos, idx in self.con.execute(
                "SELECT r.key, r.role, r.seq, r.pos, r.idx FROM actor_key_roles r JOIN corpus_keys USING (key)"
        ).fetchall():
            out[key].roles[role] = (seq, pos, idx)
        self.con.execute("DROP TABLE corpus_keys")
        return out

    def set_actor_ids(self, owners: dict[str, str]) -> None:
        rows.write(self.con, "UPDATE actor_keys SET actor_id = r.actor_id FROM {rows} r WHERE actor_keys.key = r.key",
                   key=list(owners), actor_id=list(owners.values()))

    def drop_actors(self, actor_ids: set[str]) -> None:
        """Remove the records of `actor_ids` (to be written again), remembering their names:
        a quote whose speaker was renamed is named again (`attribute_quotes`)."""
        rows.write(self.con, "INSERT INTO corpus_dropped (id, name, kind) SELECT a.id, a.name, a.kind FROM actors a "
                             "JOIN {rows} r ON r.id = a.id", id=sorted(actor_ids))
        self.con.execute("DELETE FROM actors USING corpus_dropped d WHERE actors.id = d.id")
        self.con.execute("DELETE FROM actor_aliases USING corpus_dropped d WHERE actor_aliases.actor_id = d.id")

    def renamed_keys(self) -> set[str]:
        """The keys of the actors written again with another name or kind than they had
        (`drop_actors`): what the pages naming them show changed."""
        return {r[0] for r in self.con.execute(
            "SELECT k.key FROM actor_keys k JOIN actors a ON a.id = k.actor_id JOIN corpus_dropped d ON d.id = a.id "
            "WHERE d.name <> a.name OR d.kind <> a.kind").fetchall()}

    def write_actors(self, actors: list[dict]) -> None:
        rows.write(self.con, "INSERT INTO actors (id, key, name, kind, mentions, roles) "
                             "SELECT id, key, name, kind, mentions, CAST(roles AS VARCHAR[]) FROM {rows}",
                   id=[a["id"] for a in actors], key=[a["key"] for a in actors], name=[a["name"] for a in actors],
                   kind=[a["kind"] for a in actors], mentions=[a["mentions"] for a in actors],
                   roles=[a["roles"] for a in actors])
        aliases = [(a["id"], alias) for a in actors for alias in a["aliases"]]
        rows.write(self.con, "INSERT INTO actor_aliases (actor_id, alias) SELECT actor_id, alias FROM {rows}",
                   actor_id=[x[0] for x in aliases], alias=[x[1] for x in aliases])

    def link_actors(self, relink: set[str], extend: set[str]) -> None:
        """Article links: derived again for the actors in `relink` (their keys changed); for
        those in `extend` (the same keys, more articles) the new articles' links are added after
        the ones they have."""
        rows.write(self.con, "DELETE FROM actor_articles USING {rows} r WHERE actor_articles.actor_id = r.id",
                   id=sorted(relink))
        links = ("INSERT INTO actor_articles (actor_id, article_id, ord) SELECT k.actor_id, aa.article_id, min(a.seq) "
                 "FROM article_actors aa JOIN actor_keys k ON k.key = aa.key JOIN articles a ON a.id = aa.article_id "
                 "JOIN {rows} r ON r.id = k.actor_id ")
        rows.write(self.con, links + "GROUP BY k.actor_id, aa.article_id", id=sorted(relink))
        rows.write(self.con, links + "JOIN corpus_new c ON c.id = aa.article_id GROUP BY k.actor_id, aa.article_id",
                   id=sorted(extend))

    def attribute_quotes(self, moved: set[str]) -> None:
        """Name the speaker of the new articles' quotes (an actor, or a group by its words), and
        again of every quote whose speaker key is among the `moved` (now another actor's) or whose
        actor was written with another name than the one it had (`drop_actors`)."""
        speakers = "(SELECT k.key, a.name, a.id FROM actor_keys k JOIN actors a ON a.id = k.actor_id) s"
        self.con.execute(f"UPDATE quotes SET speaker = s.name, speaker_id = s.id FROM {speakers} "
                         "WHERE quotes.speaker_key = s.key AND quotes.article_id IN (SELECT id FROM corpus_new)")
        # a group speaker ("Republicans") has no actor: it is named by the words its key holds
        self.con.execute("UPDATE quotes SET speaker = substr(speaker_key, ?) WHERE starts_with(speaker_key, ?) "
                         "AND article_id IN (SELECT id FROM corpus_new)", [len(GROUP_SPEAKER) + 1, GROUP_SPEAKER])
        self.con.execute("CREATE OR REPLACE TEMP TABLE corpus_requote (key VARCHAR)")
        rows.write(self.con, "INSERT INTO corpus_requote (key) SELECT key FROM {rows}", key=sorted(moved))
        self.con.execute("INSERT INTO corpus_requote (key) SELECT k.key FROM actor_keys k JOIN actors a "
                         "ON a.id = k.actor_id JOIN corpus_dropped d ON d.id = a.id WHERE d.name <> a.name")
        self.con.execute(f"UPDATE quotes SET speaker = s.name, speaker_id = s.id FROM {speakers}, "
                         "(SELECT DISTINCT key FROM corpus_requote) r "
                         "WHERE quotes.speaker_key = s.key AND s.key = r.key")
        self.con.execute("DROP TABLE corpus_requote")
