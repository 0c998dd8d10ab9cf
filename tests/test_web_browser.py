"""`storyline serve` in a real Chromium (Playwright, Debian's `chromium` package) against a real
uvicorn server on a free loopback port: what a user clicks through, and that hostile article
text never runs. Screenshots of the story and actor pages go to tests/artifacts/."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

import storyline

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
uvicorn = pytest.importorskip("uvicorn")

from storyline.views.web import WebConfig, create_app  # noqa: E402

DEMO = Path(storyline.__file__).parent / "demo" / "corpus"
ARTIFACTS = Path(__file__).parent / "artifacts"

# our own words
HARBOUR = ["Divers in the port of Saltmere raised a sunken tugboat from the harbour floor on Thursday, forty years "
           "after it went down in a December gale with its crew of three.",
           "The salvage, paid for by the Saltmere Maritime Society, took eleven days and two floating cranes.",
           "“We owed it to the families to bring her home,” said Ines Varga, the society's president."]
PASTED = ("Boys from a football team trapped in a flooded cave in northern Thailand were found alive by British "
          "divers, and rescuers pumped water from the Tham Luang cave as the governor planned how to bring "
          "them out.")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("browser")
    db = base / "demo.duckdb"
    storyline.run([DEMO], db=db, workers=0)
    root = base / "root"
    root.mkdir()
    config = WebConfig(db=db, ingest_root=root.resolve(), upload_dir=base / "uploads", ingest_workers=0)
    server = uvicorn.Server(uvicorn.Config(create_app(db, config=config), host="127.0.0.1", port=_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}", root
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.dialogs = []  # every alert/confirm/prompt a page opens: hostile text must open none
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.set_default_timeout(15000)
    yield pg
    assert pg.dialogs == []
    context.close()


def test_browse_search_story_and_article(site, page) -> None:
    base, _ = site
    page.goto(base + "/")
    assert page.locator("article.story-item").count() == 16
    page.fill("form.filters input[name=q]", "cave rescue divers")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?q=*")
    first = page.locator("article.story-item h3 a").first
    assert "Cave" in first.inner_text()
    first.click()
    page.wait_for_url("**/stories/*")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)
    dates = page.locator("table.timeline td.date").all_inner_texts()
    dated = [d for d in dates if d != "undated"]
    assert dated == sorted(dated) and dates[:len(dated)] == dated and len(dated) < len(dates)
    speaker = page.locator(".speaker", has=page.locator("h3", has_text="Narongsak Osatanakorn"))
    assert speaker.locator("blockquote.quote").count() >= 1
    assert page.locator("svg.actor-graph circle").count() >= 3
    assert page.locator("span.status-corroborated").count() >= 1
    sentence = page.locator("ol.summary a.sentence").first
    text = sentence.inner_text()
    sentence.click()
    page.wait_for_url("**/articles/*")
    assert text[:40] in page.locator("div.text").inner_text()
    assert page.locator("div.text span.q").count() >= 1 and page.locator("div.text a.m").count() >= 1
    page.locator("div.text a.m").first.click()
    page.wait_for_url("**/actors/*")
    assert page.locator("h1").inner_text()


def test_actor_page_screenshot(site, page) -> None:
    base, _ = site
    page.goto(base + "/actors?q=Kim%20Jong%20Un")
    page.locator("table.actors a", has_text="Kim Jong Un").first.click()
    page.wait_for_url("**/actors/*")
    assert page.locator("h1").inner_text() == "Kim Jong Un"
    assert page.locator("table.connected tr").count() > 3 and page.locator("ul.stories li").count() >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "actor.png"), full_page=True)


def test_match_a_pasted_text(site, page) -> None:
    base, _ = site
    page.goto(base + "/match")
    page.fill("textarea[name=text]", PASTED)
    page.fill("input[name=published]", "2018-07-04")
    page.click("form.match button[type=submit]")
    verdict = page.locator("p.verdict")
    assert "It would join" in verdict.inner_text() and "Cave" in verdict.inner_text()
    verdict.locator("a").click()
    page.wait_for_url("**/stories/*")
    assert "Cave" in page.locator("h1").inner_text()


def test_ingest_a_page_and_see_it(site, page) -> None:
    base, root = site
    body = "".join(f"<p>{p}</p>" for p in HARBOUR)
    (root / "today").mkdir()
    (root / "today" / "tug.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Saltmere Raises Its Lost Tugboat</title>"
        "<meta property='og:site_name' content='Saltmere Herald'>"
        "<meta property='article:published_time' content='2023-05-11T07:00:00Z'></head><body><article>"
        f"<h1>Saltmere Raises Its Lost Tugboat</h1>{body}</article></body></html>", encoding="utf-8")
    page.goto(base + "/ingest")
    page.fill("input[name=path]", "today")
    page.locator("form.card", has=page.locator("input[name=path]")).locator("button").click()
    page.wait_for_url("**/ingest?job=*")
    # the page refreshes itself while the job runs
    page.wait_for_selector(".job-status:text('done')", timeout=90000)
    assert "1 new article stored" in page.locator(".job-result").inner_text()
    page.click("a.added")
    page.locator("table.articles a", has_text="Saltmere Raises Its Lost Tugboat").click()
    assert "Ines Varga" in page.locator("div.text").inner_text()
    page.goto(base + "/search?q=Saltmere%20tugboat")
    assert page.locator("article.hit h3", has_text="Saltmere Raises Its Lost Tugboat").count() == 1


def test_hostile_article_does_not_run(site, page) -> None:
    base, root = site
    text = ("Officials in the river town of Calderford said on Monday that the old footbridge will be replaced "
            "next spring. <img src=x onerror=alert(1)> The council voted to spend two million pounds on a new "
            "crossing after inspectors found rust. “<script>alert(2)</script> is not a safe bridge,” said Owen "
            "Pryce, the council's engineer. <a href=\"javascript:alert(3)\">click</a> Residents will use a ferry.")
    (root / "evil.jsonl").write_text(json.dumps({
        "url": "javascript:alert(4)", "title": "<script>alert(1)</script>", "author": "<img src=x onerror=alert(5)>",
        "outlet": "<b onmouseover=alert(6)>Evil</b>", "published": "2024-03-04", "text": text}) + "\n",
        encoding="utf-8")
    page.goto(base + "/ingest")
    page.fill("input[name=path]", "evil.jsonl")
    page.locator("form.card", has=page.locator("input[name=path]")).locator("button").click()
    page.wait_for_selector(".job-status:text('done')", timeout=90000)
    page.goto(base + "/articles?order=added")
    link = page.locator("table.articles a", has_text="<script>alert(1)</script>")
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text() == "<script>alert(1)</script>"
    body = page.locator("div.text").inner_text()
    assert "<img src=x onerror=alert(1)>" in body and "<script>alert(2)</script>" in body
    assert page.locator("main img").count() == 0 and page.locator("main script").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert "javascript:alert(4)" in page.locator("dl.facts").inner_text()
    story = page.locator("p.meta a.story-link")
    for url in [base + "/", base + "/search?q=Calderford%20footbridge", base + "/articles"] + \
            ([base + story.get_attribute("href")] if story.count() else []):
        page.goto(url)
        page.mouse.move(200, 300)
        assert page.locator("main script").count() == 0 and page.locator("main img").count() == 0, url
