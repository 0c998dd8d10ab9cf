"""Full-text search: a real store built by the real pipeline, searched through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import storyline
from storyline.store import open_store
from storyline.store import search as search_module
from storyline.store.search import SearchUnavailable, search_store
from storyline.views.cli import app
from tests.conftest import page

FISHERIES = [
    "Fisheries ministers from six countries opened a two-day summit in Zürich on Tuesday, hoping to agree on "
    "new quotas for cod and herring in the North Atlantic.",
    "“The cables were singing in the wind before the talks even started,” Maria Lopez told reporters outside "
    "the conference hall, describing the mood of the delegations.",
    "Delegates said a draft text would circulate overnight and that a final vote could come on Wednesday.",
]
HARVEST = [
    "Farmers in the Drôme valley began the apricot harvest two weeks early this year after an unusually warm "
    "spring, the regional agriculture office said on Monday.",
    "Pickers worked through the weekend to bring in the fruit before a forecast hailstorm, and cooperatives "
    "reported yields close to the ten-year average.",
    "“We have never seen the orchards ripen this fast,” said Jean Dupont, who runs a cooperative near Valence.",
]
TRAIN = [
    "A freight train derailed near the river crossing late on Sunday, spilling grain across both tracks and "
    "halting services between the two cities for most of Monday.",
    "Rail officials said no one was injured and that engineers were inspecting the bridge before traffic "
    "could resume.",
    "Passengers were offered buses while crews cleared the line, the operator said in a statement.",
]
GLACIER = [
    "Scientists measuring the glacier above the village found it had retreated another forty metres since "
    "last autumn, the steepest loss in a decade of records.",
    "The survey team crossed the ice on foot and used drones to map crevasses that had opened during the "
    "summer heat, the university said.",
    "Residents were told the valley's water supply was not at risk this year, though planners urged caution.",
]


def write_articles(folder: Path, **articles: tuple[str, list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, body) in articles.items():
        (folder / f"{name}.html").write_text(page(title=title, body=body, outlet=f"{name.title()} Post"),
                                             encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    inputs = write_articles(root / "in", fisheries=("Fisheries Talks Open in Zürich", FISHERIES),
                            harvest=("Early Harvest in the Drôme", HARVEST),
                            train=("Freight Train Derails Near River Crossing", TRAIN))
    path = root / "s.duckdb"
    assert storyline.run([inputs], db=path, workers=0).stored == 3
    with open_store(path) as store:
        store.refresh_search()
    return path


def titles(hits: list[dict]) -> list[str]:
    return [h["title"] for h in hits if h["type"] == "article"]


def test_a_distinctive_word_finds_its_article_first(db: Path) -> None:
    result = search_store(db, "apricot orchards")
    assert titles(result.hits)[0] == "Early Harvest in the Drôme"
    assert result.note is None
    first = result.hits[0]
    assert (first["outlet"], first["published"]) == ("Harvest Post", "2018-06-12")
    marked = [first["snippet"][s:e] for s, e in first["highlights"]]
    assert "apricot" in marked
    assert titles(search_store(db, "freight trains").hits)[0] == "Freight Train Derails Near River Crossing"


def test_a_quote_is_found_by_its_words_and_by_its_speaker(db: Path) -> None:
    by_words = search_store(db, "cables singing", scope="quotes").hits
    assert by_words and all(h["type"] == "quote" for h in by_words)
    assert by_words[0]["speaker"] == "Maria Lopez"
    assert by_words[0]["text"].startswith("The cables were singing")
    assert by_words[0]["article_title"] == "Fisheries Talks Open in Zürich"
    by_speaker = search_store(db, "Dupont", scope="quotes").hits
    assert by_speaker[0]["speaker"] == "Jean Dupont"
    assert "orchards ripen" in by_speaker[0]["text"]


def test_word_forms_and_accents_match(db: Path) -> None:
    # the articles say "summit", "derailed", "Zürich": the query need not
    assert titles(search_store(db, "summits", scope="articles").hits) == ["Fisheries Talks Open in Zürich"]
    assert titles(search_store(db, "derailing", scope="articles").hits) == ["Freight Train Derails Near River Crossing"]
    assert titles(search_store(db, "zurich", scope="articles").hits) == ["Fisheries Talks Open in Zürich"]
    assert search_store(db, "the and of").hits == []  # common words only: nothing to rank


def test_sql_in_the_query_is_only_text(db: Path, cli) -> None:
    for query in ("'; DROP TABLE articles; --", '" OR 1=1 --', "x'); DELETE FROM quotes; --",
                  "fts_main_articles.match_bm25(id, 'a')"):
        search_store(db, query)
        result = cli.invoke(app, ["search", query, "--db", str(db)])
        assert result.exit_code == 0, result.output
    with open_store(db, read_only=True) as store:
        assert store.stats()["articles"] == 3 and store.stats()["quotes"] > 0


def test_a_later_run_makes_new_articles_findable(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    storyline.run([write_articles(tmp_path / "one", train=("Freight Train Derails", TRAIN))], db=path, workers=0)
    assert search_store(path, "glacier").hits == []
    storyline.run([write_articles(tmp_path / "two", glacier=("Glacier Retreats Again", GLACIER))], db=path,
                  workers=0)
    # whether or not the run refreshed it, the first search after a run sees the new article
    assert titles(search_store(path, "glaciers").hits) == ["Glacier Retreats Again"]
    with open_store(path, read_only=True) as store:
        assert not store.search_is_stale()
    with open_store(path) as store:
        assert store.refresh_search() >= 0
        assert titles(store.search("crevasses", scope="articles")) == ["Glacier Retreats Again"]


def test_a_stale_index_on_a_store_in_use_is_searched_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    storyline.run([write_articles(tmp_path / "in", harvest=("Early Harvest", HARVEST))], db=path, workers=0)
    with open_store(path) as store:
        store.refresh_search()
        store.con.execute("UPDATE search_index SET articles = articles - 1")  # as if a run added one since
    with open_store(path, read_only=True) as reader:  # holding it open: no writer may rebuild the index
        result = search_store(path, "apricot")
        assert reader.search_is_stale()
    assert titles(result.hits) == ["Early Harvest"]
    assert result.note and "predates the store's latest changes" in result.note


def test_scores_are_the_extensions_bm25(db: Path) -> None:
    """The postings-based ranking gives the scores of the fts extension's own match_bm25."""
    with open_store(db, read_only=True) as store:
        con = store.con
        search_module.load_extension(con)
        for query, scope, table in (("harvest orchards weekend", "articles", "articles"),
                                    ("the river crossing and the bridge", "articles", "articles"),
                                    ("singing orchards", "quotes", "quotes"), ("Dupont", "quotes", "quotes")):
            ours = {h["id"]: h["score"] for h in search_module.search(con, query, 10, scope)}
            theirs = {row[0]: round(row[1], 4) for row in con.execute(
                f"SELECT id, fts_main_{table}.match_bm25(id, ?) AS s FROM {table} WHERE s IS NOT NULL",
                [query]).fetchall()}
            assert ours and ours == theirs, query


def test_pages_of_hits_follow_each_other(db: Path) -> None:
    with open_store(db, read_only=True) as store:
        everything = [h["id"] for h in search_module.search(store.con, "Monday Tuesday", 10, "articles")]
        assert len(everything) == 3  # each article names one of the days
        pages = [[h["id"] for h in search_module.search(store.con, "Monday Tuesday", 1, "articles", offset=n)]
                 for n in range(4)]
    assert pages == [[everything[0]], [everything[1]], [everything[2]], []]
    assert [h["id"] for h in search_store(db, "Monday Tuesday", 2, "articles", offset=1).hits] == everything[1:]
    with pytest.raises(ValueError, match="offset"):
        search_store(db, "Monday Tuesday", 2, "articles", offset=-1)


def test_an_index_without_postings_is_rebuilt(tmp_path: Path) -> None:
    """A store indexed by an older storyline (no postings tables) is rebuilt, not misread."""
    path = tmp_path / "old.duckdb"
    storyline.run([write_articles(tmp_path / "in", glacier=("Glacier Retreats Again", GLACIER))], db=path, workers=0)
    with open_store(path) as store:
        store.refresh_search()
        store.con.execute("DROP TABLE fts_main_quotes.postings")
        assert store.search_is_stale()
    assert titles(search_store(path, "crevasses").hits) == ["Glacier Retreats Again"]
    with open_store(path, read_only=True) as store:
        assert not store.search_is_stale()


def test_the_extension_loads_offline(db: Path, tmp_path: Path) -> None:
    """Nothing may be fetched or installed: autoinstall and autoload are off and the extension
    directory stays empty."""
    extensions = tmp_path / "extensions"
    extensions.mkdir()
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
              "extension_directory": str(extensions)}
    con = duckdb.connect(str(db), read_only=True, config=config)
    try:
        assert search_module.extension_file() is not None
        search_module.load_extension(con)
        assert con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'").fetchone()[0]
        hits = search_module.search(con, "hailstorm", scope="articles")
        assert titles(hits) == ["Early Harvest in the Drôme"]
    finally:
        con.close()
    assert list(extensions.iterdir()) == []


def test_a_missing_extension_is_one_clear_line(db: Path, cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search_module, "extension_file", lambda: tmp_path / "gone" / "fts.duckdb_extension")
    with open_store(db, read_only=True) as store, pytest.raises(SearchUnavailable, match="fts extension"):
        store.search("apricot")
    result = cli.invoke(app, ["search", "apricot", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith("error: full-text search is unavailable")
    assert "Traceback" not in result.output


# ---- the command ----------------------------------------------------------------------------
def test_cli_lists_articles_and_quotes(db: Path, cli) -> None:
    result = cli.invoke(app, ["search", "harvest orchards", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Early Harvest in the Drôme" in result.output
    assert "Harvest Post · 2018-06-12 · " in result.output
    assert "Jean Dupont: We have never seen the orchards ripen this fast" in result.output
    assert "quote" in result.output


def test_cli_json_is_a_list_of_hits(db: Path, cli) -> None:
    result = cli.invoke(app, ["search", "singing cables", "--db", str(db), "--json", "--in", "quotes",
                              "--limit", "1"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert isinstance(hits, list) and len(hits) == 1
    assert hits[0]["type"] == "quote" and hits[0]["speaker"] == "Maria Lopez"
    assert {"id", "score", "text", "article_id", "article_title", "snippet", "highlights"} <= set(hits[0])
    articles = json.loads(cli.invoke(app, ["search", "herring", "--db", str(db), "--json", "--in", "articles"]).output)
    assert [h["title"] for h in articles] == ["Fisheries Talks Open in Zürich"]
    assert {"id", "score", "title", "outlet", "published", "snippet"} <= set(articles[0])


def test_cli_pages_with_offset(db: Path, cli) -> None:
    args = ["search", "Monday Tuesday", "--db", str(db), "--json", "--in", "articles"]
    every = [h["id"] for h in json.loads(cli.invoke(app, args).output)]
    second = json.loads(cli.invoke(app, [*args, "-n", "1", "--offset", "1"]).output)
    assert len(every) == 3 and [h["id"] for h in second] == every[1:2]


def test_cli_says_when_nothing_matches(db: Path, cli) -> None:
    result = cli.invoke(app, ["search", "zeppelin", "--db", str(db)])
    assert result.exit_code == 0
    assert result.output.strip() == "no articles or quotes match 'zeppelin'"
    assert json.loads(cli.invoke(app, ["search", "zeppelin", "--db", str(db), "--json"]).output) == []


def test_cli_without_a_store_fails_in_one_line(cli, tmp_path: Path) -> None:
    result = cli.invoke(app, ["search", "apricot", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "no storyline database" in result.output
    assert cli.invoke(app, ["search", "apricot", "--db", str(tmp_path / "none.duckdb"), "--in", "x"]).exit_code == 1
