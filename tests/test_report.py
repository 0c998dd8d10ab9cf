"""report.html at corpus scale: what a reader sees when there are thousands of actors.

The dossier here is built by hand in the shape `build_dossier` returns, so the page can be tested
at a size the spaCy pipeline would take minutes to produce.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from storyline.views.cli import app
from storyline.views.report import ReportLimits, anchor, render_report, source_label, write_report

HOSTILE = "<script>alert(1)</script>"
WORDS = ("talks summit envoy ship canal rescue cave divers statement leaders agreement pledge sanctions "
         "missile border reporters minister spokesman officials week day night city harbour crew").split()


def hexid(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:16]


def make_dossier(n_articles: int = 300, n_actors: int = 3000, n_speakers: int = 80, seed: int = 7) -> dict[str, Any]:
    """A long-tailed corpus like a real crawl: a few actors in most articles, thousands in one."""
    rng = random.Random(seed)
    articles = []
    for i in range(n_articles):
        source = (f"/home/user/crawl/2019/page-{i}.html" if i % 3 == 0 else
                  f"/data/feeds/wire.jsonl#L{i}" if i % 3 == 1 else f"https://news.example/world/story-{i}")
        date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        published = None if i % 17 == 5 else date
        text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(8))
        articles.append({
            "id": hexid("article", i), "source": source, "title": None if i % 10 == 3 else f"Story number {i}",
            "outlet": f"Outlet {i % 12}", "author": f"Reporter {i % 40}", "published": published, "text": text,
            "story_id": None, "duplicate_of": None, "url": source if source.startswith("https") else None,
            "kind": "html", "metadata_sources": {"title": "html:trafilatura"}, "also_seen_at": []})
    for i in range(10, n_articles, 50):
        articles[i]["duplicate_of"] = articles[i - 1]["id"]
    ids = [a["id"] for a in articles]
    actors = []
    for i in range(n_actors):
        # actor i is in ~n/(i+1) articles: a handful everywhere, a long tail of one-article names
        spread = max(1, n_articles // (i + 1)) if i < 200 else 1
        actors.append({
            "id": hexid("actor", i), "name": f"Actor {i:04d}",
            "kind": ("person", "organization", "country", "place")[i % 4] if i else "person",
            "aliases": [f"A{i}", f"Actor{i}"] if i < 50 else [], "roles": ["envoy"] if i % 5 == 0 else [],
            "mentions": spread * 2 + rng.randint(0, 3), "articles": rng.sample(ids, spread), "quotes": []})
    # loud noise: many mentions in one article must not outrank a name spread over several
    actors.append({"id": hexid("actor", "loud"), "name": "Loud Single", "kind": "person", "aliases": [],
                   "roles": [], "mentions": 999, "articles": [ids[0]], "quotes": []})
    rng.shuffle(actors)  # the store's order is not the ranking
    speakers = [a for a in actors if a["kind"] == "person"][:n_speakers]
    quotes = []
    for q in range(2000):
        speaker = speakers[q % len(speakers)] if q % 7 else None
        article_id = rng.choice(speaker["articles"] if speaker else ids)
        quote = {"id": hexid("quote", q), "article_id": article_id, "text": f"quoted words number {q}",
                 "speaker": speaker["name"] if speaker else None, "speaker_id": speaker["id"] if speaker else None,
                 "cue": "said", "kind": ("direct", "partial", "indirect")[q % 3], "start": q, "end": q + 20,
                 "sentence": f"quoted words number {q}, she said.", "mentions": [actors[q % n_actors]["id"]]}
        quotes.append(quote)
        if speaker:
            speaker["quotes"].append(quote["id"])
    return {"storyline": {"contract": "1.0"}, "articles": articles, "actors": actors, "quotes": quotes,
            "events": [], "claims": [], "stories": []}


def ranking(dossier: dict[str, Any]) -> list[dict[str, Any]]:
    table = [a for a in dossier["actors"] if a["kind"] != "place"]
    return sorted(table, key=lambda a: (-len(set(a["articles"])), -a["mentions"], a["name"]))


@pytest.fixture(scope="module")
def dossier() -> dict[str, Any]:
    return make_dossier()


@pytest.fixture(scope="module")
def html(dossier: dict[str, Any]) -> str:
    return render_report(dossier)


@pytest.fixture(scope="module")
def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


def actor_rows(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    (table,) = tree.xpath("//h2[@id='actors']/following-sibling::table[1]")
    return table.xpath("./tbody/tr")


def test_actor_table_is_capped_ranked_and_says_how_many_more(dossier: dict, tree: lxml.html.HtmlElement) -> None:
    rows = actor_rows(tree)
    ranked = ranking(dossier)
    assert len(rows) == 50
    assert [r.xpath("string(./td[2]/strong)") for r in rows] == [a["name"] for a in ranked[:50]]
    assert "Loud Single" not in [r.xpath("string(./td[2]/strong)") for r in rows]
    assert f"and {len(ranked) - 50:,} more actors — see dossier.json" in tree.text_content()
    assert len(actor_rows(lxml.html.fromstring(render_report(dossier, top_actors=5)))) == 5


def test_the_top_actor_and_the_articles_come_before_the_actor_table(dossier: dict, html: str) -> None:
    top = ranking(dossier)[0]
    first_article = html.index("<article ")
    assert html.index(top["name"]) < first_article
    assert html.index(f'href="#actor-{top["id"]}"') < first_article
    assert first_article < html.index('id="actors"')


def test_articles_newest_first_undated_last(dossier: dict, tree: lxml.html.HtmlElement) -> None:
    published = {a["id"]: a["published"] for a in dossier["articles"]}
    order = [published[el.get("id").removeprefix("article-")] for el in tree.xpath("//article")]
    assert len(order) == len(dossier["articles"])
    dated = [d for d in order if d]
    assert dated == sorted(dated, reverse=True)
    assert order == dated + [None] * (len(order) - len(dated))
    assert "Newest first by publication date; undated articles come last" in tree.text_content()


def test_every_internal_link_has_a_target(html: str, tree: lxml.html.HtmlElement) -> None:
    ids = set(tree.xpath("//@id"))
    hrefs = tree.xpath("//a/@href")
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert not [h for h in hrefs if h[1:] not in ids]
    assert len(re.findall(r'\sid="([^"]+)"', html)) == len(ids)  # no id used twice


def test_actors_and_articles_link_to_each_other(dossier: dict, tree: lxml.html.HtmlElement) -> None:
    actors = {a["id"]: a for a in dossier["actors"]}
    for row in actor_rows(tree):
        actor = actors[row.get("id").removeprefix("actor-")]
        links = [h.removeprefix("#article-") for h in row.xpath(".//td[@class='links']/a/@href")]
        assert 1 <= len(links) <= 10 and set(links) <= set(actor["articles"])
        if len(set(actor["articles"])) > 10:
            assert f"+{len(set(actor['articles'])) - 10} more" in row.text_content()
    linked = 0
    for section in tree.xpath("//article"):
        article_id = section.get("id").removeprefix("article-")
        for href in section.xpath(".//p[@class='chips']/a/@href"):
            assert article_id in actors[href.removeprefix("#actor-")]["articles"]
            linked += 1
        assert len(section.xpath(".//p[@class='chips']/*[self::a or self::span[@class='chip']]")) <= 20
    assert linked > 300


def test_who_said_what_is_capped(dossier: dict, tree: lxml.html.HtmlElement) -> None:
    sections = tree.xpath("//section[@class='speaker']")
    assert len(sections) == 20
    assert all(len(s.xpath("./ul/li")) <= 10 for s in sections)
    assert "more quotations — see dossier.json" in tree.text_content()
    assert "more speakers — see dossier.json" in tree.text_content()
    (unattributed,) = tree.xpath("//details[summary[contains(., 'no identifiable speaker')]]")
    assert len(unattributed.xpath(".//li")) == 50


@pytest.mark.parametrize(("source", "label"), [
    ("/home/user/crawl/2019/page.html", "page.html"),
    ("C:\\crawl\\2019\\page.htm", "page.htm"),
    ("file:///home/user/crawl/page.html", "page.html"),
    ("/x/wire.jsonl#L3", "wire.jsonl#L3"),
    ("/x/feeds/world.xml#item2", "world.xml#item2"),
    ("https://news.example/world/2019/story/", "news.example/world/2019/story"),
    ("http://news.example/a.php?id=5#top", "news.example/a.php?id=5"),
    ("", "unknown source"),
])
def test_source_label(source: str, label: str) -> None:
    assert source_label(source) == label


def test_untitled_article_shows_its_file_name_not_its_directory(dossier: dict, tree: lxml.html.HtmlElement) -> None:
    headings = {el.get("id").removeprefix("article-"): el.xpath("string(./h3)") for el in tree.xpath("//article")}
    untitled = [a for a in dossier["articles"] if not a["title"]]
    shown = {a["source"][:8]: headings[a["id"]] for a in untitled}
    assert shown["/home/us"].startswith("page-") and "/home/user" not in shown["/home/us"]
    assert shown["/data/fe"].startswith("wire.jsonl#L") and "/data" not in shown["/data/fe"]
    assert shown["https://"].startswith("news.example/world/story-")
    assert all("(untitled)" in h for h in shown.values())
    titles = tree.xpath("//td[@class='links']/a/text() | //ol[@class='latest']/li/a/text()")
    assert not [t for t in titles if "/home/user" in t]


def test_hostile_content_is_escaped_and_the_page_has_no_script(dossier: dict) -> None:
    evil = json.loads(json.dumps(dossier))
    evil["articles"][0].update(title=HOSTILE, text=f"Opening {HOSTILE} line.\n<img src=x onerror=alert(2)> more.",
                               author='"><b onmouseover=alert(3)>', id='x" onmouseover="alert(4)')
    evil["actors"][0]["name"] = HOSTILE
    evil["actors"][0]["articles"].append('x" onmouseover="alert(4)')
    evil["quotes"][0]["text"] = HOSTILE
    html = render_report(evil, top_actors=len(evil["actors"]))
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//script | //img | //iframe | //link | //object | //*[@onmouseover or @onerror]")
    assert "<script" not in html.lower() and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (section,) = tree.xpath("//article[starts-with(@id, 'article.')]")
    assert section.xpath("string(./h3)") == HOSTILE and HOSTILE in section.text_content()
    ids = set(tree.xpath("//@id"))
    assert all(h[1:] in ids for h in tree.xpath("//a/@href"))
    assert anchor("article", 'x" onmouseover="alert(4)').startswith("article.")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", anchor("article", 'x" onmouseover="alert(4)'))


def test_page_is_offline(html: str, tree: lxml.html.HtmlElement) -> None:
    # a source URL may be shown as text; nothing may be fetched or linked off the page
    assert not tree.xpath("//@src | //link | //a[not(starts-with(@href, '#'))]")
    assert "url(" not in html and "@import" not in html
    assert "default-src 'none'" in html


def test_page_size_follows_the_text_not_the_actor_count(dossier: dict, html: str) -> None:
    text = sum(len(a["text"].encode()) for a in dossier["articles"])
    assert len(html.encode()) < 1.6 * text + 300_000
    tenfold = render_report(make_dossier(n_actors=30_000, n_speakers=800))
    assert len(tenfold.encode()) < 1.1 * len(html.encode())


def test_write_report_takes_the_cap(dossier: dict, tmp_path: Path) -> None:
    write_report(dossier, tmp_path / "r" / "report.html", top_actors=7, limits=ReportLimits(speakers=3))
    tree = lxml.html.fromstring((tmp_path / "r" / "report.html").read_text(encoding="utf-8"))
    assert len(actor_rows(tree)) == 7 and len(tree.xpath("//section[@class='speaker']")) == 3


def test_demo_report_links_resolve(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    dossier = json.loads((tmp_path / "dossier.json").read_text(encoding="utf-8"))
    tree = lxml.html.fromstring((tmp_path / "report.html").read_text(encoding="utf-8"))
    ids = set(tree.xpath("//@id"))
    assert all(h[1:] in ids for h in tree.xpath("//a/@href"))
    assert len(tree.xpath("//article")) == len(dossier["articles"])
    assert not tree.xpath("//script")
    untitled = [a for a in dossier["articles"] if not a["title"]]
    for article in untitled:
        heading = tree.xpath(f"string(//article[@id='article-{article['id']}']/h3)")
        assert heading.startswith(Path(article["source"]).name) and "/" not in heading.split(" ")[0]
