"""The bundled demo corpus, end to end through `storyline demo`, checked against its gold."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from storyline.views.cli import app

GOLD = Path(__file__).parent / "gold" / "demo"


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def golds() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json")) if p.name != "story.json"]


def find(dossier: dict, name: str) -> dict | None:
    stem = name.rsplit(".", 1)[0]
    for article in dossier["articles"]:
        base = re.split(r"[\\/]", article["source"])[-1]
        if base in (name, stem) or base.rsplit(".", 1)[0] == stem:
            return article
    return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("demo")
    here = os.getcwd()
    os.chdir(out)  # the store's one rule: ./storyline.duckdb unless --db says otherwise
    try:
        result = CliRunner().invoke(app, ["demo", "--out", "results"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "results" / "dossier.json").read_text(encoding="utf-8"))


def test_demo_reads_every_format_and_skips_nothing(demo: tuple[Path, dict]) -> None:
    out, dossier = demo
    assert (out / "results" / "report.html").exists() and (out / "storyline.duckdb").exists()
    kinds = {a["kind"] for a in dossier["articles"]}
    assert kinds == {"html", "text", "jsonl", "rss", "warc"}
    missing = [g["file"] for g in golds() if find(dossier, g["file"]) is None]
    assert not missing


def test_demo_cleaning_matches_gold(demo: tuple[Path, dict]) -> None:
    _, dossier = demo
    scores, failures = [], []
    for gold in golds():
        text = norm(find(dossier, gold["file"])["text"])
        checks = [(s, norm(s) in text) for s in gold["must_keep"]] + \
                 [(s, norm(s) not in text) for s in gold["must_drop"]]
        scores.append(sum(ok for _, ok in checks) / len(checks))
        failures += [(gold["file"], s) for s, ok in checks if not ok]
    assert sum(scores) / len(scores) >= 0.95, failures


def test_demo_metadata_matches_gold(demo: tuple[Path, dict]) -> None:
    _, dossier = demo
    scores, failures = [], []
    for gold in golds():
        article = find(dossier, gold["file"])
        fields = {k: v for k, v in gold["metadata"].items() if v is not None}
        hits = 0
        for key, want in fields.items():
            got = article["published" if key == "date" else key]
            ok = bool(got) and (got[:10] == want if key == "date" else norm(got) == norm(want))
            hits += ok
            if not ok:
                failures.append((gold["file"], key, want, got))
        scores.append(hits / len(fields) if fields else 1.0)
    assert sum(scores) / len(scores) >= 0.9, failures
    dates = sum(1 for g in golds() if g["metadata"].get("date")
                and (find(dossier, g["file"])["published"] or "")[:10] == g["metadata"]["date"])
    assert dates / sum(1 for g in golds() if g["metadata"].get("date")) >= 0.9


def test_demo_syndicated_copy_is_marked(demo: tuple[Path, dict]) -> None:
    _, dossier = demo
    story = json.loads((GOLD / "story.json").read_text(encoding="utf-8"))
    for original, copy in story["duplicates"]:
        assert find(dossier, copy)["duplicate_of"] == find(dossier, original)["id"], (original, copy)
    assert sum(1 for a in dossier["articles"] if a["duplicate_of"]) == len(story["duplicates"])


def test_demo_rerun_adds_nothing(demo: tuple[Path, dict]) -> None:
    from typer.testing import CliRunner

    out, dossier = demo
    result = CliRunner().invoke(app, ["demo", "--out", str(out / "again"), "--db", str(out / "storyline.duckdb"),
                                      "--quiet"])
    assert result.exit_code == 0
    assert json.loads((out / "again" / "dossier.json").read_text(encoding="utf-8")) == dossier
