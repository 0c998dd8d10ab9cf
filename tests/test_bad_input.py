"""Bad input: each is reported by name with its reason and skipped; the rest of the run completes."""

from __future__ import annotations

from pathlib import Path

import pytest

import storyline
from storyline.settings import Settings
from tests.conftest import BODY, page, scraped, warc_bytes, write_jsonl


def run_with_good(tmp_path: Path, settings: Settings, bad: list[Path | str], **kwargs):
    good = tmp_path / "good.html"
    good.write_text(page(), encoding="utf-8")
    report = storyline.run([good, *bad], db=settings.db_path, workers=0, **kwargs)
    assert report.stored == 1, "the good file must still be stored"
    return {s.source: s.reason for s in report.skipped}


def test_binary_file_named_html(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "photo.html"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    skipped = run_with_good(tmp_path, settings, [bad])
    assert "binary" in skipped[str(bad)]


def test_empty_file(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert "empty" in run_with_good(tmp_path, settings, [bad])[str(bad)]


def test_page_without_article_text(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "menu-only.html"
    bad.write_text("<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
                   "<footer>© 2020 Example</footer></body></html>", encoding="utf-8")
    assert "no article text" in run_with_good(tmp_path, settings, [bad])[str(bad)]


def test_broken_html_still_yields_its_text(tmp_path: Path, settings: Settings) -> None:
    broken = tmp_path / "broken.html"
    body = "".join(f"<p>{p}" for p in BODY)  # unclosed tags everywhere, no </body></html>
    broken.write_text(f"<html><head><title>Leaders Meet</title><body><div><article>{body}<div><span>",
                      encoding="utf-8")
    report = storyline.run([broken], db=settings.db_path, workers=0)
    assert report.stored == 1 and not report.skipped
    (article,) = storyline.dossier(settings.db_path)["articles"]
    assert "special bond" in article["text"]


def test_garbage_markup_is_reported_not_fatal(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "garbage.html"
    bad.write_text("<<<>>><html<<<" * 50, encoding="utf-8")
    skipped = run_with_good(tmp_path, settings, [bad])
    assert str(bad) in skipped


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_legacy_encodings_are_decoded_not_skipped(tmp_path: Path, settings: Settings, codec: str) -> None:
    body = ["The café owner in Séoul said the summit “changed the mood” overnight, and the résumé of talks "
            "was longer than expected by every account we heard."] + BODY[:2]
    if codec == "latin-1":
        body[0] = body[0].replace("“", '"').replace("”", '"')
    path = tmp_path / f"legacy-{codec}.txt"
    path.write_bytes(scraped(body=body).encode(codec))
    report = storyline.run([path], db=settings.db_path, workers=0)
    assert report.stored == 1, report.skipped
    (article,) = storyline.dossier(settings.db_path)["articles"]
    assert "café owner in Séoul" in article["text"]
    if codec == "cp1252":
        assert "“changed the mood”" in article["text"]


def test_malformed_jsonl_line_is_reported_with_its_number(tmp_path: Path, settings: Settings) -> None:
    path = write_jsonl(tmp_path / "wire.jsonl", [
        {"title": "Leaders Meet", "text": "\n\n".join(BODY)},
        '{"title": "broken", "text": ',
        {"title": "No body"},
    ])
    report = storyline.run([path], db=settings.db_path, workers=0)
    assert report.stored == 1
    skipped = {s.source: s.reason for s in report.skipped}
    assert "line 2" in skipped[f"{path}:2"] and "malformed JSON" in skipped[f"{path}:2"]
    assert "neither text nor html" in skipped[f"{path}:3"]


def test_truncated_warc_keeps_the_records_before_the_break(tmp_path: Path, settings: Settings) -> None:
    data = warc_bytes({"https://harborledger.example/a/leaders-meet": page(),
                       "https://harborledger.example/b/other": page(title="Another Meeting Entirely",
                                                                     body=[p.replace("Singapore", "Hanoi") + " Again."
                                                                           for p in BODY])})
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * 0.75)])
    report = storyline.run([path], db=settings.db_path, workers=0)
    assert report.stored == 1
    (skip,) = report.skipped
    assert skip.source == str(path) and "truncated or corrupt WARC" in skip.reason


def test_file_over_the_size_cap(tmp_path: Path, settings: Settings) -> None:
    big = tmp_path / "huge.txt"
    with big.open("w", encoding="utf-8") as handle:
        line = " ".join(BODY) + "\n"
        while handle.tell() < 3 * 1024 * 1024:
            handle.write(line)
    skipped = run_with_good(tmp_path, settings, [big], max_bytes=2 * 1024 * 1024)
    assert "over the" in skipped[str(big)] and "cap" in skipped[str(big)]


def test_missing_path(tmp_path: Path, settings: Settings) -> None:
    missing = tmp_path / "nowhere" / "page.html"
    assert "no such file" in run_with_good(tmp_path, settings, [missing])[str(missing)]


def test_skips_are_recorded_in_the_run(tmp_path: Path, settings: Settings) -> None:
    missing = tmp_path / "gone.html"
    run_with_good(tmp_path, settings, [missing])
    from storyline.store import open_store

    with open_store(settings.db_path, read_only=True) as store:
        (run,) = store.runs()
        assert run["status"] == "done" and run["stored"] == 1 and run["skipped"] == 1
        (row,) = store.skipped(run["id"])
        assert row["source"] == str(missing)


def test_nothing_processed_is_a_clear_error(tmp_path: Path, cli) -> None:
    from storyline.views.cli import app

    result = cli.invoke(app, ["analyze", str(tmp_path / "missing.html"), "--out", str(tmp_path / "out"),
                              "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "nothing was processed" in result.output and "no such file" in result.output
