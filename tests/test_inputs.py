"""Every input kind, end to end through the real pipeline into a real store."""

from __future__ import annotations

from pathlib import Path

import storyline
from storyline.settings import Settings
from tests.conftest import BODY, page, rss, scraped, warc_bytes, write_jsonl

BODY_B = [
    "The Ever Given, a container ship longer than the Eiffel Tower is tall, ran aground in the Suez Canal "
    "on March 23, 2021, and blocked one of the busiest trade routes in the world.",
    "Salvage crews and a fleet of tugboats worked for six days before the vessel floated free on March 29.",
    "Osama Rabie, chairman of the Suez Canal Authority, said strong winds had pushed the ship off course.",
    "Hundreds of vessels waited at both ends of the canal while insurers tallied the cost of the delay.",
]


def analyze(paths: list[Path], settings: Settings) -> dict:
    report = storyline.run(paths, db=settings.db_path, workers=0)
    assert report.documents > 0, report.skipped
    return storyline.dossier(settings.db_path)


def test_html_page_gives_text_and_metadata(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "singapore.html"
    path.write_text(page(), encoding="utf-8")
    (article,) = analyze([path], settings)["articles"]
    assert article["source"] == str(path)
    assert article["title"] == "Leaders Meet in Singapore"
    assert article["outlet"] == "Harbor Ledger"
    assert article["author"] == "Mina Park"
    assert article["published"] == "2018-06-12"
    assert "We have developed a very special bond" in article["text"]
    for noise in ("We use cookies", "Markets Rally on Trade Hopes", "All rights reserved", "Politics"):
        assert noise not in article["text"]


def test_html_without_date_metadata_uses_visible_date(tmp_path: Path, settings: Settings) -> None:
    html = page().replace('<meta property="article:published_time" content="2018-06-12T08:00:00Z">', "")
    html = html.replace('<p class="byline">', '<p class="date">June 13, 2018</p><p class="byline">')
    path = tmp_path / "nodate.html"
    path.write_text(html, encoding="utf-8")
    (article,) = analyze([path], settings)["articles"]
    assert article["published"] == "2018-06-13"


def test_scraped_text_is_cleaned(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scraped.txt"
    path.write_text(scraped(), encoding="utf-8")
    (article,) = analyze([path], settings)["articles"]
    assert article["title"] == "Leaders Meet in Singapore"
    assert article["author"] == "Mina Park"
    assert article["published"] == "2018-06-12"  # the published date, not the updated one
    assert article["outlet"] == "Harbor Ledger"
    for paragraph in BODY:
        assert paragraph in article["text"]
    for noise in ("Read More", "Share this article", "Related stories", "Storm Season", "Leave a comment",
                  "Required fields", "All rights reserved", "By Mina Park", "Politics"):
        assert noise not in article["text"], noise


def test_jsonl_lines_become_articles(tmp_path: Path, settings: Settings) -> None:
    path = write_jsonl(tmp_path / "wire.jsonl", [
        {"url": "https://pacificwire.example/2021/03/29/ship-freed", "title": "Ship Freed", "text": "\n\n".join(BODY_B),
         "author": "Omar Haddad", "outlet": "Pacific Wire", "published": "2021-03-29T10:00:00Z"},
        {"title": "Leaders Meet", "html": "".join(f"<p>{p}</p>" for p in BODY), "outlet": "Meridian Daily",
         "published": "June 12, 2018"},
    ])
    articles = analyze([path], settings)["articles"]
    by_title = {a["title"]: a for a in articles}
    ship = by_title["Ship Freed"]
    assert ship["source"] == "https://pacificwire.example/2021/03/29/ship-freed"
    assert (ship["outlet"], ship["author"], ship["published"]) == ("Pacific Wire", "Omar Haddad", "2021-03-29")
    meet = by_title["Leaders Meet"]
    assert meet["source"] == f"{path}#L2"
    assert meet["published"] == "2018-06-12"
    assert BODY[2] in meet["text"]


def test_warc_responses_become_articles(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes({
        "https://harborledger.example/2018/06/12/leaders-meet": page(),
        "https://harborledger.example/2021/03/29/ship-freed": page(title="Ship Freed at Last", body=BODY_B,
                                                                    published="2021-03-29"),
    }))
    articles = analyze([path], settings)["articles"]
    assert sorted(a["source"] for a in articles) == [
        "https://harborledger.example/2018/06/12/leaders-meet", "https://harborledger.example/2021/03/29/ship-freed"]
    assert {a["published"] for a in articles} == {"2018-06-12", "2021-03-29"}


def test_rss_items_become_articles(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(rss([
        {"title": "Ship Freed", "link": "https://pacificwire.example/ship-freed",
         "date": "Mon, 29 Mar 2021 10:00:00 GMT",
         "author": "omar@pacificwire.example (Omar Haddad)", "body": BODY_B, "summary": "The ship is free."},
        {"title": "Leaders Meet", "link": "https://pacificwire.example/leaders-meet",
         "date": "Tue, 12 Jun 2018 09:00:00 GMT",
         "author": "Mina Park", "body": BODY},
    ]), encoding="utf-8")
    articles = {a["title"]: a for a in analyze([path], settings)["articles"]}
    assert articles["Ship Freed"]["published"] == "2021-03-29"
    assert articles["Ship Freed"]["outlet"] == "Pacific Wire"
    assert articles["Leaders Meet"]["author"] == "Mina Park"
    assert BODY_B[2] in articles["Ship Freed"]["text"]


def test_directories_and_globs_mix(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.html").write_text(page(), encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("ignored inside a directory", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(scraped(body=BODY_B, title="Ship Freed at Last"), encoding="utf-8")
    report = storyline.run([tmp_path / "a", str(tmp_path / "b" / "*.txt")], db=settings.db_path, workers=0)
    assert report.stored == 2 and not report.skipped
