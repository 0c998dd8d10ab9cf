"""The story layer on the demo corpus, end to end: stories and storylines as the two-level gold
has them, the timeline, claims with their status, summaries, outlet comparison with labels,
the actor graph, and the views (dossier.json, report.html, GraphML, CSV)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest

import storyline
from storyline.views.cli import app

DEMO = Path(storyline.__file__).parent / "demo" / "corpus"
GOLD = Path(__file__).parent / "gold" / "demo" / "story.json"
LABELS = ("outlet,country,lean\nThe Harbor Ledger,US,centre\nMeridian Daily,UK,left\nNorthgate Post,US,right\n"
          "Civic Observer,US,left\nPacific Wire,SG,centre\nBayview Courier,US,right\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("story-layer")
    labels = folder / "outlets.csv"
    labels.write_text(LABELS, encoding="utf-8")
    db = folder / "demo.duckdb"
    storyline.run([DEMO], db=db, workers=0, outlets=labels)
    return {"db": db, "folder": folder, "dossier": storyline.dossier(db), "labels": labels}


def gold_name(article: dict) -> str:
    """The gold's file name of an article (tests/gold/demo/README.md)."""
    source = article["source"].split("#")[0]
    if source.endswith((".jsonl", ".xml", ".gz")):
        return (article.get("url") or "").rstrip("/").split("/")[-1]
    return re.split(r"[\\/]", source)[-1]


def test_stories_and_storylines_come_out_as_the_two_level_gold(demo: dict) -> None:
    dossier = demo["dossier"]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    where = {a: (i, j) for i, line in enumerate(gold["storylines"]) for j, story in enumerate(line["stories"])
             for a in story["articles"]}
    story_of = {gold_name(a): a["story_id"] for a in dossier["articles"]}
    line_of = {s["id"]: s["storyline_id"] for s in dossier["stories"]}
    assert set(story_of) == set(where) and all(story_of.values())
    wrong = []
    for a, b in combinations(sorted(where), 2):
        if (story_of[a] == story_of[b]) != (where[a] == where[b]):
            wrong.append(("story", a, b))
        if (line_of[story_of[a]] == line_of[story_of[b]]) != (where[a][0] == where[b][0]):
            wrong.append(("storyline", a, b))
    assert not wrong
    assert len(dossier["stories"]) == 16 and len(dossier["storylines"]) == 4


def test_the_contract_gains_its_story_fields(demo: dict) -> None:
    dossier = demo["dossier"]
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    stories = {s["id"]: s for s in dossier["stories"]}
    for story in dossier["stories"]:
        assert {"id", "title", "articles", "summary", "storyline_id", "actors", "start", "end", "outlets"} <= set(story)
        assert story["storyline_id"] in {line["id"] for line in dossier["storylines"]}
        assert story["start"] <= story["end"] and story["outlets"] and story["actors"]
        assert 1 <= len(story["summary"]) <= 7
        for item in story["summary"]:  # verbatim, from one of the story's own articles
            assert item["article_id"] in story["articles"] and item["sentence"] in texts[item["article_id"]]
    for line in dossier["storylines"]:
        assert {"id", "title", "stories", "actors", "start", "end"} <= set(line)
        assert {stories[s]["storyline_id"] for s in line["stories"]} == {line["id"]}
        starts = [stories[s]["start"] for s in line["stories"]]
        assert starts == sorted(starts)
    trump_kim = max(dossier["storylines"], key=lambda line: len(line["stories"]))
    assert len(trump_kim["stories"]) == 9 and trump_kim["start"] == "2017-09-19" and trump_kim["end"] == "2019-06-30"
    names = {a["id"]: a["name"] for a in dossier["actors"]}
    assert {"Donald Trump", "Kim Jong Un"} <= {names[a] for a in trump_kim["actors"][:4]}
    kinds = {a["id"]: a["kind"] for a in dossier["actors"]}
    assert all(kinds[a] != "place" for line in dossier["storylines"] for a in line["actors"])


def test_events_are_dated_sorted_and_sourced(demo: dict) -> None:
    dossier = demo["dossier"]
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    events = dossier["events"]
    assert len(events) > 30
    dates = [e["date"] for e in events]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[:len(dated)] == dated  # by date, undated last
    lines = {line["id"] for line in dossier["storylines"]}
    originals = {a["id"]: a["duplicate_of"] or a["id"] for a in dossier["articles"]}
    for event in events:
        assert {"id", "story_id", "storyline_id", "summary", "kind", "date", "actors", "place", "weight",
                "sources"} <= set(event)
        assert event["storyline_id"] in lines
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"] or "0000")
        assert event["weight"] == len({originals[s["article_id"]] for s in event["sources"]})
        for source in event["sources"]:
            assert source["sentence"] in texts[source["article_id"]]
    singapore = [e for e in events if e["date"] == "2018-06-12" and (e["place"] or "").startswith("Singapore")]
    assert singapore and max(e["weight"] for e in singapore) >= 3


def test_claims_match_the_gold_figures_with_their_status(demo: dict) -> None:
    dossier = demo["dossier"]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    ids = {gold_name(a): a["id"] for a in dossier["articles"]}
    claims = dossier["claims"]

    def found(numbers: list[float], sources: list[str], status: str) -> bool:
        want = {ids[s] for s in sources}
        return any(c["status"] == status and set(numbers) <= set(c["values"]) and
                   {s["article_id"] for s in c["sources"]} == want for c in claims)

    missing = [f["fact"] for f in gold["corroborated_facts"] if not found([f["number"]], f["sources"], "corroborated")]
    missing += [f["fact"] for f in gold["single_source_facts"] if not found([f["number"]], f["sources"],
                                                                              "single-source")]
    missing += [f["fact"] for f in gold["contested_facts"] if not found(f["numbers"], f["sources"], "contested")]
    assert not missing
    gold_statuses = len(gold["corroborated_facts"]) + len(gold["contested_facts"])
    assert sum(c["status"] != "single-source" for c in claims) == gold_statuses  # nothing spurious agreed or disputed


def test_outlet_comparison_with_labels_and_a_relabel_run(demo: dict, tmp_path: Path) -> None:
    dossier = demo["dossier"]
    suez = next(s for s in dossier["stories"] if s["title"].startswith("Giant Container Ship"))
    comparison = suez["outlet_comparison"]
    outlets = {row["outlet"]: row for row in comparison["outlets"]}
    assert set(outlets) == set(suez["outlets"])
    assert outlets["Northgate Post"]["labels"] == {"country": "US", "lean": "right"}
    assert set(comparison["labels"]) == {"country", "lean"}
    assert all(set(row["exclusive_events"]) <= set(row["events"]) for row in outlets.values())

    # other labels, no new article: only the comparisons change
    db = tmp_path / "relabel.duckdb"
    db.write_bytes(demo["db"].read_bytes())
    relabelled = tmp_path / "labels.csv"
    relabelled.write_text("outlet,owner\nNorthgate Post,Holloway Media\n", encoding="utf-8")
    storyline.run([DEMO], db=db, workers=0, outlets=relabelled)
    after = storyline.dossier(db)
    story = next(s for s in after["stories"] if s["id"] == suez["id"])
    rows = {row["outlet"]: row for row in story["outlet_comparison"]["outlets"]}
    assert rows["Northgate Post"]["labels"] == {"owner": "Holloway Media"}
    assert {k: v for k, v in after.items() if k != "stories"} == {k: v for k, v in dossier.items() if k != "stories"}


def test_a_bad_labels_file_is_named_with_its_line(tmp_path: Path, cli) -> None:
    bad = tmp_path / "outlets.csv"
    bad.write_text("outlet,lean\nNorthgate Post,right\nNorthgate Post,left\n", encoding="utf-8")
    result = cli.invoke(app, ["analyze", str(DEMO / "txt"), "--db", str(tmp_path / "s.duckdb"), "--workers", "0",
                              "--outlets", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "line 3" in result.output and "Traceback" not in result.output


def test_export_writes_graphml_and_csv(demo: dict, tmp_path: Path, cli) -> None:
    result = cli.invoke(app, ["export", "--db", str(demo["db"]), "--out", str(tmp_path / "d.json"),
                              "--graphml", str(tmp_path / "g.graphml"), "--csv", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    names = {data["name"] for _, data in graph.nodes(data=True)}
    assert {"Donald Trump", "Kim Jong Un"} <= names
    trump = next(n for n, d in graph.nodes(data=True) if d["name"] == "Donald Trump")
    kim = next(n for n, d in graph.nodes(data=True) if d["name"] == "Kim Jong Un")
    assert graph.has_edge(trump, kim) or graph.has_edge(kim, trump)
    kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert kinds == {"cooccurrence", "quoted_about"}
    tables = {p.stem for p in (tmp_path / "csv").glob("*.csv")}
    assert {"articles", "actors", "quotes", "events", "claims", "stories", "storylines"} <= tables
    with (tmp_path / "csv" / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(demo["dossier"]["claims"]) and {"status", "value", "sources"} <= set(rows[0])


def test_the_report_leads_with_storylines(demo: dict, tmp_path: Path) -> None:
    from storyline.store import open_store
    from storyline.views.report import write_report_from_store

    with open_store(demo["db"], read_only=True) as store:
        write_report_from_store(store, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.index('id="storylines"') < html.index('id="articles"')
    assert html.count('class="storyline"') == 4 and html.count('class="story"') == 16
    assert "status-corroborated" in html and "status-contested" in html and "<svg" in html
    assert 'class="timeline"' in html and "<script" not in html
    assert "Outlet comparison" in html


def test_the_timeline_holds_the_gold_events_with_their_sources(demo: dict) -> None:
    """As ../shared/eval/score.py judges it: one event of the gold's year whose words hold a keyword
    and whose sources include every article the gold lists. 10 of the 12 today: the 2017 threats
    (two articles refer to them only as "branded" and "mocked") and Hanoi as the DMZ articles recall
    it (inside a quote; "Their second, in Hanoi" with no event word) are missed."""
    dossier = demo["dossier"]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    ids = {gold_name(a): a["id"] for a in dossier["articles"]}

    def found(event: dict) -> bool:
        for e in dossier["events"]:
            if not str(e["date"] or "").startswith(str(event["year"])):
                continue
            words = " ".join([e["summary"], e["place"] or ""] + [s["sentence"] for s in e["sources"]]).lower()
            if any(k.lower() in words for k in event["keywords"]) and \
                    {ids[s] for s in event["sources"]} <= {s["article_id"] for s in e["sources"]}:
                return True
        return False

    hits = [event["name"] for event in gold["events"] if found(event)]
    assert len(hits) >= 10, hits
    assert "Singapore summit" in hits and "Fire destroys the roof and spire of Notre-Dame de Paris" in hits


def test_the_actor_graph_counts_articles_and_quotes(demo: dict) -> None:
    """The store's edges (counted by DuckDB) against the rule done by hand from the same rows: the
    pairs among each article's most mentioned actors (places left out), the quotes' speaker ->
    mentioned, both among the storyline's most present actors, the heaviest kept."""
    from storyline.corpus.graph import ARTICLE_IDS_CAP
    from storyline.corpus.story_stage import EDGES_PER_STORYLINE, GRAPH_ACTORS, GRAPH_NODES
    from storyline.store import open_store

    dossier = demo["dossier"]
    line_of_story = {s["id"]: s["storyline_id"] for s in dossier["stories"]}
    line_of = {a["id"]: line_of_story[a["story_id"]] for a in dossier["articles"]}
    with open_store(demo["db"], read_only=True) as store:
        named = store.con.execute(
            "SELECT aa.article_id, k.actor_id, sum(aa.mentions) FROM article_actors aa JOIN actor_keys k "
            "ON k.key = aa.key JOIN actors a ON a.id = k.actor_id WHERE a.kind <> 'place' "
            "GROUP BY aa.article_id, k.actor_id").fetchall()
        said = store.con.execute(
            "SELECT DISTINCT q.id, q.article_id, q.speaker_id, k.actor_id FROM quotes q JOIN quote_mentions m "
            "ON m.quote_id = q.id JOIN actor_keys k ON k.key = m.actor_key WHERE q.speaker_id IS NOT NULL "
            "AND k.actor_id IS NOT NULL AND k.actor_id <> q.speaker_id").fetchall()
    in_article: dict[str, dict[str, int]] = {}
    for article, actor, mentions in named:
        in_article.setdefault(article, {})[actor] = mentions
    expected: dict[str, list[tuple]] = {}
    for line in {s["storyline_id"] for s in dossier["stories"]}:
        articles = sorted(a for a in in_article if line_of[a] == line)
        present = Counter(actor for a in articles for actor in in_article[a])
        nodes = set(sorted(present, key=lambda x: (-present[x], x))[:GRAPH_NODES])
        edges: dict[tuple[str, str, str], set] = {}
        for a in articles:
            top = sorted(in_article[a], key=lambda x: (-in_article[a][x], x))[:GRAPH_ACTORS]
            for u, v in combinations(sorted(x for x in top if x in nodes), 2):
                edges.setdefault((u, v, "cooccurrence"), set()).add(a)
        quotes: dict[tuple[str, str, str], set] = {}
        for quote, article, speaker, target in said:
            if line_of[article] == line and speaker in nodes and target in nodes:
                quotes.setdefault((speaker, target, "quoted_about"), set()).add((quote, article))
        rows = [(u, v, k, len(arts), sorted(arts)[:ARTICLE_IDS_CAP]) for (u, v, k), arts in edges.items()]
        rows += [(u, v, k, len(qs), sorted({a for _, a in qs})[:ARTICLE_IDS_CAP]) for (u, v, k), qs in quotes.items()]
        expected[line] = sorted(rows, key=lambda r: (-r[3], r[0], r[1], r[2]))[:EDGES_PER_STORYLINE]
    stored: dict[str, list[tuple]] = {}
    for e in dossier["actor_edges"]:
        stored.setdefault(e["storyline_id"], []).append((e["source"], e["target"], e["kind"], e["weight"],
                                                         e["articles"]))
    assert {line: sorted(rows, key=lambda r: (-r[3], r[0], r[1], r[2])) for line, rows in stored.items()} == \
        {line: rows for line, rows in expected.items() if rows}
    assert any(r[3] > 2 and r[2] == "cooccurrence" for rows in expected.values() for r in rows)
    assert any(r[2] == "quoted_about" for rows in expected.values() for r in rows)
