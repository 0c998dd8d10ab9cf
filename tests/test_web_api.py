"""`storyline serve` through FastAPI's TestClient on a real store built from the demo corpus:
the JSON API and the HTML a user sees, the ingest job, the safety rules, the single-writer
rule."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

import storyline  # noqa: E402
from storyline.store import web as store_web  # noqa: E402
from storyline.store.web import reader  # noqa: E402
from storyline.views.export import dossier_sections, write_json  # noqa: E402
from storyline.views.web import WebConfig, create_app  # noqa: E402
from storyline.views.web.cache import ResponseCache  # noqa: E402

DEMO = Path(storyline.__file__).parent / "demo" / "corpus"

# our own words: a story the demo corpus does not have
LIGHTHOUSE = [
    "Engineers in the coastal town of Port Wexley finished restoring the Greymouth lighthouse on Tuesday, "
    "three years after a winter storm cracked its lantern room and left the tower dark.",
    "The restoration cost 4.2 million pounds and was paid for by the Wexley Harbour Trust, which bought "
    "the tower from the county council in 2021 for a single pound.",
    "“The light is back where it belongs,” said Marta Quill, the trust's chair, as the lamp turned for the "
    "first time in front of a crowd of several hundred residents.",
    "Fishing crews said the dark tower had made the approach to the harbour dangerous in bad weather.",
]
XSS_TITLE = "<script>alert(1)</script>"
XSS_TEXT = ("Officials in the river town of Calderford said on Monday that the old footbridge will be replaced "
            "next spring. <img src=x onerror=alert(1)> The council voted to spend two million pounds on the "
            "new crossing after inspectors found rust in the main girders. “<script>alert(2)</script> is not "
            "a safe bridge,” said Owen Pryce, the council's engineer, who led the inspection last winter. "
            "Residents will use a temporary ferry while the work goes on. <a href=\"javascript:alert(3)\">x</a>")


def lighthouse_page() -> str:
    body = "\n".join(f"<p>{p}</p>" for p in LIGHTHOUSE)
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Greymouth Lighthouse Shines Again</title>"
            "<meta property='og:site_name' content='Wexley Gazette'>"
            "<meta property='article:published_time' content='2024-03-05T09:00:00Z'></head><body><article>"
            f"<h1>Greymouth Lighthouse Shines Again</h1>{body}</article></body></html>")


def xss_line() -> str:
    return json.dumps({"url": "javascript:alert(4)", "title": XSS_TITLE, "author": "<img src=x onerror=alert(5)>",
                       "outlet": "<b>Evil</b> Outlet", "published": "2024-03-04", "text": XSS_TEXT})


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "demo.duckdb"
    storyline.run([DEMO], db=db, workers=0)
    return db


@pytest.fixture(scope="module")
def client(demo_db: Path):
    app = create_app(demo_db)
    with TestClient(app) as c:
        yield c


def api(client: TestClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


# ---- lists --------------------------------------------------------------------------------------
def test_stories_are_listed_latest_first_and_paginated(client: TestClient) -> None:
    first = api(client, "/api/stories?limit=5")
    assert first["total"] == 16 and len(first["items"]) == 5 and first["next"]
    ends = [s["end"] for s in api(client, "/api/stories?limit=100")["items"]]
    dated = [e for e in ends if e]
    assert dated == sorted(dated, reverse=True) and ends[:len(dated)] == dated  # undated last
    second = client.get(first["next"]).json()
    assert second["offset"] == 5 and {s["id"] for s in second["items"]}.isdisjoint(s["id"] for s in first["items"])
    story = first["items"][0]
    assert {"title", "start", "end", "size", "n_outlets", "actors"} <= set(story)
    assert all(a in first["actors"] for a in story["actors"])  # key actors come with their names


def test_filters_by_actor_outlet_and_dates(client: TestClient) -> None:
    kim = api(client, "/api/actors?q=Kim%20Jong%20Un")["items"][0]
    by_actor = api(client, "/api/stories?actor=kim%20jong%20un&limit=100")
    assert 0 < by_actor["total"] < 16
    for story in by_actor["items"]:  # each has an article naming him
        articles = api(client, f"/api/articles?story={story['id']}&actor={kim['id']}")
        assert articles["total"] >= 1
    by_outlet = api(client, "/api/stories?outlet=Pacific%20Wire&limit=100")
    assert by_outlet["total"] >= 1 and all("Pacific Wire" in api(client, f"/api/stories/{s['id']}")["story"]["outlets"]
                                           for s in by_outlet["items"])
    dated = api(client, "/api/stories?start=2019-01-01&end=2019-12-31&limit=100")["items"]
    assert dated and all(s["end"] >= "2019-01-01" and s["start"] <= "2019-12-31" for s in dated)
    assert client.get("/api/stories?start=yesterday").status_code == 422
    assert api(client, "/api/stories?actor=Nobody%20Atall")["total"] == 0
    lines = api(client, "/api/storylines?actor=kim%20jong%20un")
    assert lines["total"] >= 1 and all(line["articles"] >= line["n_stories"] for line in lines["items"])


def test_search_finds_articles_and_quotes_and_narrows_the_stories(client: TestClient) -> None:
    found = api(client, "/api/search?q=Notre-Dame%20spire")
    kinds = {h["type"] for h in found["hits"]}
    assert "article" in kinds and all(h["score"] > 0 for h in found["hits"])
    stories = api(client, "/api/stories?q=Notre-Dame%20spire")["items"]
    assert stories and all("Notre" in (s["title"] or "") or "Rooster" in (s["title"] or "") for s in stories[:2])
    html = client.get("/search?q=cave%20divers").text
    assert '<mark class="hl">' in html


def test_search_pages_are_the_library_search(client: TestClient, demo_db: Path) -> None:
    """The API pages each kind of hit and answers what store/search.py answers for the same page."""
    from storyline.store import search

    first = api(client, "/api/search?q=rescue%20divers&limit=3")["hits"]
    second = api(client, "/api/search?q=rescue%20divers&limit=3&offset=3")["hits"]
    for kind in ("article", "quote"):
        assert len([h for h in first if h["type"] == kind]) == 3
        assert not {h["id"] for h in first if h["type"] == kind} & {h["id"] for h in second if h["type"] == kind}
    reads = reader(client.app.state.web.store)
    try:
        assert second == search.search(reads.con, "rescue divers", 3, offset=3, rebuild=False)
    finally:
        reads.close()


# ---- one story, storyline, actor, article ---------------------------------------------------------
def test_story_page_has_timeline_claims_said_outlets_and_graph(client: TestClient) -> None:
    sid = api(client, "/api/stories?q=cave%20boys%20rescue&order=rank")["items"][0]["id"]
    data = api(client, f"/api/stories/{sid}")
    story = data["story"]
    assert "Cave" in story["title"] and story["size"] >= 4
    dates = [e["date"] for e in story["events"]]
    known = [d for d in dates if d]
    assert known == sorted(known) and dates[:len(known)] == known and None in dates  # undated at the end
    assert {c["status"] for c in story["claims"]} >= {"corroborated", "single-source"}
    for group in data["said"]:
        assert all(q["speaker_id"] == group["speaker_id"] for q in group["quotes"])
    speakers = [g["speaker"] for g in data["said"]]
    assert "Narongsak Osatanakorn" in speakers
    html = client.get(f"/stories/{sid}").text
    first = story["summary"][0]
    assert f'<a href="/articles/{first["article_id"]}" class="sentence">' in html
    assert 'class="status status-corroborated"' in html and "<svg" in html and "Narongsak Osatanakorn" in html
    timeline = html[html.index('<table class="timeline">'):]
    shown = re.findall(r'<td class="date">([^<]*)</td>', timeline[:timeline.index("</table>")])
    assert shown == [d or "undated" for d in dates]
    assert "Bayview Courier" in html and "No outlet labels were given" in html


def test_storyline_page_chains_its_stories(client: TestClient) -> None:
    line = api(client, "/api/storylines?order=size")["items"][0]
    data = api(client, f"/api/storylines/{line['id']}")
    assert len(data["storyline"]["stories"]) == line["n_stories"] >= 3
    html = client.get(f"/storylines/{line['id']}").text
    assert all(f'/stories/{s["id"]}' in html for s in data["storyline"]["stories"]) and "<svg" in html


def test_actor_page(client: TestClient) -> None:
    trump = api(client, "/api/actors?q=donald%20trump")["items"][0]
    data = api(client, f"/api/actors/{trump['id']}")["actor"]
    assert data["name"] == "Donald Trump" and "Trump" in data["aliases"]
    assert data["quotes"] and data["events"] and data["stories"]
    assert data["connected"][0]["weight"] >= data["connected"][-1]["weight"]
    html = client.get(f"/actors/{trump['id']}").text
    assert "Most connected" in html and "Kim Jong Un" in html
    assert client.get("/actors/a_nothing").status_code == 404


def test_article_page_highlights_quotes_and_mentions(client: TestClient) -> None:
    sid = api(client, "/api/stories?q=cave%20boys%20rescue&order=rank")["items"][0]["id"]
    aid = api(client, f"/api/stories/{sid}")["story"]["articles"][0]["id"]
    data = api(client, f"/api/articles/{aid}")
    article = data["article"]
    assert article["mentions"] and article["quotes"] and article["story"]["id"] == sid
    html = client.get(f"/articles/{aid}").text
    assert '<span class="q q-direct"' in html and '<a class="m" href="/actors/' in html
    mention = next(m for m in article["mentions"] if m["actor_id"])
    assert f'<a class="m" href="/actors/{mention["actor_id"]}">' in html
    dup = api(client, "/api/articles?limit=100")["items"]
    copy = next(a for a in dup if a["duplicate_of"])
    assert api(client, f"/api/articles/{copy['duplicate_of']}")["article"]["duplicates"][0]["id"] == copy["id"]


def test_dossier_streams_what_export_writes(client: TestClient) -> None:
    response = client.get("/api/dossier")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    reads = reader(client.app.state.web.store)
    try:
        out = io.StringIO()
        write_json(out, dossier_sections(reads.store))
    finally:
        reads.close()
    assert response.content == out.getvalue().encode("utf-8")
    assert len(json.loads(response.content)["articles"]) == 31


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = api(client, "/api/openapi.json")["paths"]
    for path in ("/api/stories", "/api/storylines", "/api/stories/{story_id}", "/api/actors", "/api/actors/{actor_id}",
                 "/api/articles", "/api/articles/{article_id}", "/api/search", "/api/match", "/api/ingest",
                 "/api/dossier"):
        assert path in paths
    assert client.get("/docs").status_code == 404  # FastAPI's docs page loads its scripts from a CDN


# ---- matching ------------------------------------------------------------------------------------
def test_match_names_the_story_a_text_would_join(client: TestClient) -> None:
    text = ("Rescue divers in northern Thailand said on Tuesday that the trapped football team could be brought "
            "out of the flooded Tham Luang cave within days, as pumps lowered the water. The boys and their coach "
            "were found alive on a ledge by two British divers.")
    before = api(client, "/api/stories?limit=1")["total"]
    found = client.post("/api/match", json={"text": text, "published": "2018-07-04"}).json()
    assert found["joins"] and "Cave" in found["results"][0]["title"] and found["results"][0]["score"] >= 0.2
    assert api(client, "/api/stories?limit=1")["total"] == before  # nothing stored
    unrelated = client.post("/api/match", json={"text": " ".join(LIGHTHOUSE)}).json()
    assert unrelated["joins"] is None
    html = client.post("/match", data={"text": text, "published": "2018-07-04"}).text
    assert "It would join" in html and "Cave" in html
    assert client.post("/api/match", json={"text": "  "}).status_code == 422


# ---- the single writer -----------------------------------------------------------------------------
def test_another_process_gets_store_busy(client: TestClient, demo_db: Path, tmp_path: Path) -> None:
    page = tmp_path / "one.html"
    page.write_text(lighthouse_page(), encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "storyline", "analyze", str(page), "--db", str(demo_db),
                           "--out", str(tmp_path / "out"), "--workers", "0", "--quiet"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "busy" in lines[0], done.stderr


# ---- adding coverage, safety -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def writable(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the store with an ingest root, for the tests that add to it."""
    base = tmp_path_factory.mktemp("ingest")
    db = base / "copy.duckdb"
    shutil.copy(demo_db, db)
    root = base / "root"
    (root / "pages").mkdir(parents=True)
    config = WebConfig(db=db, ingest_root=root.resolve(), upload_dir=base / "uploads", ingest_workers=0,
                       max_upload_bytes=64 * 1024)
    with TestClient(create_app(db, config=config)) as c:
        yield c, root


def wait_for_job(client: TestClient, job_id: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api(client, f"/api/ingest/{job_id}")
        if not job["running"]:
            return job
        time.sleep(0.2)
    raise AssertionError("ingest job did not finish")


def test_upload_ingest_adds_the_article_and_search_finds_it(writable) -> None:
    client, _ = writable
    before = api(client, "/api/articles?limit=1")["total"]
    response = client.post("/api/ingest", files=[("files", ("lighthouse.html", lighthouse_page(), "text/html"))])
    assert response.status_code == 202, response.text
    job = wait_for_job(client, response.json()["id"])
    assert job["status"] == "done" and job["stored"] == 1, job
    assert api(client, "/api/articles?limit=1")["total"] == before + 1  # the kept answer was dropped
    newest = api(client, "/api/articles?limit=1&order=added")
    assert newest["total"] == before + 1 and newest["items"][0]["title"] == "Greymouth Lighthouse Shines Again"
    hits = api(client, "/api/search?q=Greymouth%20lighthouse&scope=articles")["hits"]
    assert hits and hits[0]["title"] == "Greymouth Lighthouse Shines Again"
    story = api(client, f"/api/stories/{newest['items'][0]['story_id']}")["story"]
    assert story["size"] == 1
    assert "Marta Quill" in client.get(f"/articles/{newest['items'][0]['id']}").text
    # the job had DuckDB's worker threads; the requests have one each again
    store = client.app.state.web.store
    assert store.con.execute("SELECT current_setting('threads')").fetchone()[0] == 1


def test_the_pandas_probe_is_skipped_only_without_pandas(monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    monkeypatch.setattr(store_web.importlib.util, "find_spec", lambda name: object())  # installed
    store_web.skip_pandas_probe()
    assert "pandas" not in sys.modules
    monkeypatch.setattr(store_web.importlib.util, "find_spec", lambda name: None)  # absent
    store_web.skip_pandas_probe()
    assert sys.modules["pandas"] is None
    with pytest.raises(ImportError):
        import pandas  # noqa: F401


def test_kept_responses_are_bounded_by_count_and_bytes() -> None:
    cache = ResponseCache(entries=3, max_bytes=100)
    for n in range(3):
        cache.put(f"/p{n}", (200, [], b"x" * 40), cache.generation)
    assert cache.get("/p0") is None and cache.size == 80  # 120 bytes > 100: the oldest went
    assert cache.get("/p1") is not None  # now the most recently used
    cache.put("/p3", (200, [], b"y" * 50), cache.generation)
    assert cache.get("/p2") is None and cache.get("/p1") is not None and cache.size == 90
    cache.put("/big", (200, [], b"z" * 101), cache.generation)  # larger than the whole budget: not kept
    assert cache.get("/big") is None and cache.size == 90
    before = cache.generation
    cache.clear()
    cache.put("/p4", (200, [], b"w"), before)  # read before the store changed: not kept
    assert cache.get("/p4") is None and cache.size == 0


def test_hostile_article_shows_as_text(writable) -> None:
    client, root = writable
    (root / "pages" / "evil.jsonl").write_text(xss_line() + "\n", encoding="utf-8")
    response = client.post("/api/ingest", data={"path": "pages/evil.jsonl"})
    assert response.status_code == 202, response.text
    assert wait_for_job(client, response.json()["id"])["stored"] == 1
    article = api(client, "/api/articles?limit=1&order=added")["items"][0]
    assert article["title"] == XSS_TITLE
    html = client.get(f"/articles/{article['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert 'href="javascript:' not in html and "javascript:alert(4)" in html  # shown, not linked
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in html and "<b>" not in html
    assert "default-src 'none'" in client.get(f"/articles/{article['id']}").headers["content-security-policy"]
    for url in ("/", f"/stories/{article['story_id']}", "/articles", "/search?q=Calderford%20footbridge"):
        page = client.get(url).text
        assert "<script" not in page and "<img" not in page and 'href="javascript:' not in page, url


def test_uploads_and_paths_are_checked(writable, tmp_path: Path) -> None:
    client, root = writable
    cases = [
        ({"files": [("files", ("notes.exe", b"MZ\x90\x00", "application/octet-stream"))]}, 400),
        ({"files": [("files", ("page.html", b"\x00\x01binary\x00", "text/html"))]}, 400),
        ({"files": [("files", ("big.txt", b"word " * 20000, "text/plain"))]}, 413),
        ({"data": {"path": "../outside"}}, 400),
        ({"data": {"path": "pages/../../etc"}}, 400),
        ({"data": {"path": "/etc/hostname"}}, 400),
        ({"data": {"path": "missing.html"}}, 400),
    ]
    outside = tmp_path / "secret.html"
    outside.write_text(lighthouse_page(), encoding="utf-8")
    (root / "link.html").symlink_to(outside)
    (root / "linked").mkdir()
    (root / "linked" / "inside-link.html").symlink_to(outside)
    cases.append(({"data": {"path": "link.html"}}, 400))
    cases.append(({"data": {"path": "linked"}}, 400))  # its one file links out: nothing left to ingest
    for kwargs, status in cases:
        response = client.post("/api/ingest", **kwargs)
        assert response.status_code == status, (kwargs, response.text)
    assert not list((root.parent / "uploads").glob("*/big.txt"))  # a refused upload is not kept


def test_cross_site_posts_and_foreign_hosts_are_refused(client: TestClient) -> None:
    evil = client.post("/api/match", json={"text": "x"}, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    same = client.post("/match", data={"text": ""}, headers={"Origin": "http://testserver"})
    assert same.status_code == 422


def test_a_stale_search_index_is_rebuilt_in_the_background_and_said(demo_db: Path, tmp_path: Path, monkeypatch,
                                                                      capsys) -> None:
    """The server says at start that it rebuilds the index, answers pages meanwhile (search
    from the previous index), refuses an ingest beside the rebuild, and says when it is done."""
    import threading

    from storyline.store import search

    db = tmp_path / "stale.duckdb"
    shutil.copy(demo_db, db)
    with storyline.store.open_store(db) as store:
        store.con.execute("UPDATE search_index SET articles = articles - 1")  # as a run cut short leaves it
    gate, real = threading.Event(), search.refresh
    monkeypatch.setattr(search, "refresh", lambda con: gate.wait(30) and real(con))
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "one.html").write_text(lighthouse_page(), encoding="utf-8")
    config = WebConfig(db=db, ingest_root=tmp_path, ingest_workers=0)
    with TestClient(create_app(db, config=config)) as c:
        assert c.app.state.web.ready == store_web.Ready()  # nothing is taken as ready while the job writes
        said = capsys.readouterr().err
        assert "rebuilding it in the background" in said and "can take minutes" in said
        status = api(c, "/api/ingest")["current"]
        assert status["running"] and status["stage"] == "rebuilding the search index" and status["inputs"] == []
        assert api(c, "/api/stories?limit=1")["total"] == 16  # the pages answer meanwhile
        assert "<p class=\"notice\">rebuilding the search index — " in c.get("/").text  # and say what runs
        assert api(c, "/api/search?q=Notre-Dame%20spire&scope=articles")["hits"]  # from the previous index
        assert c.post("/api/ingest", data={"path": "pages"}).status_code == 409  # one writer at a time
        gate.set()
        job = wait_for_job(c, status["id"])
        assert job["status"] == "done" and job["warnings"][0].startswith("search index rebuilt in "), job
        assert not c.app.state.web.store.search_is_stale() and c.app.state.web.ready.search
        assert "search index rebuilt in" in capsys.readouterr().err


def test_kept_story_pages_answer_as_the_live_reads(client: TestClient, demo_db: Path, tmp_path: Path) -> None:
    """The corpus stage keeps every story's page (store/pages.py, one lookup): each shows what the
    live reads show, the server answers the same with or without them, and new outlet labels
    (every outlet comparison derived again) leave them current."""
    from storyline.store import pages
    from tests.conftest import assert_story_pages_current

    assert client.app.state.web.ready.pages
    db = tmp_path / "paged.duckdb"
    shutil.copy(demo_db, db)
    assert assert_story_pages_current(db) == 16
    with storyline.store.open_store(db, read_only=True) as store:
        ids = [r[0] for r in store.con.execute("SELECT id FROM stories ORDER BY id").fetchall()]
        before = {story_id: pages.read(store.con, story_id) for story_id in ids}
    labels = tmp_path / "labels.csv"
    labels.write_text("outlet,lean\nPacific Wire,centre\nHarbor Ledger,left\n", encoding="utf-8")
    storyline.run([DEMO], db=db, workers=0, outlets=labels)  # nothing new: the labels only
    assert assert_story_pages_current(db) == 16
    with storyline.store.open_store(db) as store:
        assert sum(pages.read(store.con, story_id) != before[story_id] for story_id in ids) > 0
        store.con.execute("DELETE FROM meta WHERE key = ?", [pages.STAMP])  # as a store of before the pages
    storyline.run([DEMO], db=db, workers=0, outlets=labels)  # a run builds what is missing
    assert assert_story_pages_current(db) == 16
    plain = tmp_path / "live.duckdb"
    shutil.copy(demo_db, plain)
    with storyline.store.open_store(plain) as store:
        store.con.execute("DELETE FROM meta WHERE key = ?", [pages.STAMP])
    with TestClient(create_app(plain)) as live:  # the live reads answer as the kept pages do
        assert not live.app.state.web.ready.pages
        for story_id in ids[:4]:
            assert api(live, f"/api/stories/{story_id}") == api(client, f"/api/stories/{story_id}")
            assert live.get(f"/stories/{story_id}").text == client.get(f"/stories/{story_id}").text
