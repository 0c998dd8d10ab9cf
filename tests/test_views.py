"""What a user gets: the dossier contract, the report, the CLI commands."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from storyline.views.cli import app
from tests.conftest import BODY, page

CONTRACT = {
    "articles": {"id", "source", "title", "outlet", "author", "published", "text", "story_id", "duplicate_of"},
    "actors": {"id", "name", "kind", "aliases", "mentions", "articles"},
    "quotes": {"id", "article_id", "text", "speaker", "speaker_id", "cue", "kind", "start", "end"},
    "events": {"id", "story_id", "summary", "kind", "date", "actors", "place", "sources"},
    "claims": {"id", "story_id", "text", "value", "sources", "status"},
    "stories": {"id", "title", "articles", "summary"},
}

HOSTILE = [
    "The envoy wrote <script>alert('owned')</script> in a message that reporters were later shown by aides.",
    "A second paragraph mentions <img src=x onerror=alert(1)> and Donald Trump and Kim Jong Un in Hanoi.",
    *BODY,
]


def analyze(cli, tmp_path: Path, *paths: Path) -> Path:
    out = tmp_path / "out"
    result = cli.invoke(app, ["analyze", *map(str, paths), "--out", str(out), "--db", str(tmp_path / "s.duckdb"),
                              "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_dossier_contract_fields(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    dossier = json.loads((analyze(cli, tmp_path, tmp_path / "a.html") / "dossier.json").read_text())
    for section, fields in CONTRACT.items():
        assert isinstance(dossier[section], list), section
        for item in dossier[section]:
            assert fields <= set(item), (section, fields - set(item))
    (article,) = dossier["articles"]
    assert article["published"] == "2018-06-12"
    kinds = {a["name"]: a["kind"] for a in dossier["actors"]}
    assert kinds["Donald Trump"] == "person"
    assert kinds["North Korea"] == "country"
    assert kinds["Singapore"] == "country"
    trump = next(a for a in dossier["actors"] if a["name"] == "Donald Trump")
    assert trump["mentions"] >= 2 and "Trump" in trump["aliases"]  # "Trump told reporters" merged in
    assert trump["articles"] == [article["id"]]


def test_export_from_the_store_equals_the_analyze_dossier(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    out = analyze(cli, tmp_path, tmp_path / "a.html")
    result = cli.invoke(app, ["export", "--db", str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "again.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "again.json").read_text()) == json.loads((out / "dossier.json").read_text())


def test_report_escapes_article_content_and_is_offline(cli, tmp_path: Path) -> None:
    # escaped in the page source, so the article's *text* holds the markup, as hostile text would
    (tmp_path / "evil.html").write_text(page(title=escape("Talks <b onmouseover=alert(2)>Resume</b>"),
                                             body=[escape(p) for p in HOSTILE]), encoding="utf-8")
    out = analyze(cli, tmp_path, tmp_path / "evil.html")
    (article,) = json.loads((out / "dossier.json").read_text())["articles"]
    assert "<script>alert('owned')</script>" in article["text"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html.replace("https://harborledger", "")
    assert "Donald Trump" in html


def test_stats_command(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    analyze(cli, tmp_path, tmp_path / "a.html")
    result = cli.invoke(app, ["stats", "--db", str(tmp_path / "s.duckdb"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["counts"]["articles"] == 1 and data["runs"][0]["status"] == "done"


def test_summary_names_skipped_files(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = cli.invoke(app, ["analyze", str(tmp_path / "a.html"), str(tmp_path / "empty.txt"),
                              "--out", str(tmp_path / "out"), "--db", str(tmp_path / "s.duckdb"), "--workers", "1"])
    assert result.exit_code == 0
    assert "1 new" in result.output
    assert f"skipped {tmp_path / 'empty.txt'}: empty file" in result.output


def test_quiet_prints_nothing(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    result = cli.invoke(app, ["analyze", str(tmp_path / "a.html"), "--out", str(tmp_path / "out"),
                              "--db", str(tmp_path / "s.duckdb"), "--quiet"])
    assert result.exit_code == 0 and result.output == ""


def test_report_who_said_what(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    out = analyze(cli, tmp_path, tmp_path / "a.html")
    dossier = json.loads((out / "dossier.json").read_text())
    trump = next(a for a in dossier["actors"] if a["name"] == "Donald Trump")
    (quote,) = [q for q in dossier["quotes"] if q["speaker"] == "Donald Trump" and q["kind"] == "direct"]
    assert trump["quotes"] == [quote["id"]] and quote["speaker_id"] == trump["id"]
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index(f'id="said-{trump["id"]}"'):]
    section = section[:section.index("</section>")]
    assert "We have developed a very special bond" in section
    assert "Harbor Ledger, 2018-06-12" in section and f'href="#article-{quote["article_id"]}"' in section
