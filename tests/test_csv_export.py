"""CSV export: one file per list section, streamed, formulas defused, round trip with DictReader."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.views.csv_export import cell, write_csv


def articles() -> Iterator[dict[str, Any]]:
    yield {"id": "a1", "title": "=HYPERLINK(\"http://evil.example\",\"click\")", "outlet": "Harbor Ledger",
           "published": None, "text": "Line one,\nline \"two\"; naïve café", "also_seen_at": []}
    yield {"id": "a2", "title": "+1 to the budget", "outlet": "@handle", "published": "2021-03-01",
           "text": "-5 degrees overnight", "also_seen_at": ["x.html", "y.html"], "extra": {"k": [1, 2]}}
    yield {"id": "a3", "title": "\tTabbed", "outlet": "  =1+1", "text": "\rcarriage", "published": "2021-03-02"}


class Once:
    """An iterator that fails if it is read twice or listed: the export must stream."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows, self.used = iter(rows), False

    def __iter__(self) -> Once:
        assert not self.used, "read twice"
        self.used = True
        return self

    def __next__(self) -> dict[str, Any]:
        return next(self.rows)

    def __len__(self) -> int:
        raise AssertionError("materialised")



def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sections_become_files(tmp_path: Path) -> None:
    sections = [
        ("storyline", {"contract": "1.0"}),  # not a list: skipped
        ("articles", articles()),
        ("quotes", Once([{"id": "q1", "speaker": "Kim", "mentions": ["k", "t"], "start": 3, "score": -0.5,
                          "direct": True}])),
        ("events", []),
        ("../stories", [{"id": "s1", "summary": None}]),
    ]
    paths = write_csv(sections, tmp_path / "csv")
    assert [p.name for p in paths] == ["articles.csv", "quotes.csv", "events.csv", "_stories.csv"]
    assert all(p.parent == tmp_path / "csv" for p in paths)
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(p.name for p in paths)  # no temp left
    assert paths[2].read_text(encoding="utf-8") == ""

    rows = read(paths[0])
    # header: the first row's keys, then the later ones in first-seen order
    assert list(rows[0]) == ["id", "title", "outlet", "published", "text", "also_seen_at", "extra"]
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows[0]["published"] == "" and rows[0]["extra"] == ""
    assert rows[0]["text"] == "Line one,\nline \"two\"; naïve café"  # newlines and quotes survive
    assert rows[0]["also_seen_at"] == "[]"
    assert rows[1]["title"] == "'+1 to the budget" and rows[1]["outlet"] == "'@handle"
    assert rows[1]["text"] == "'-5 degrees overnight"
    assert json.loads(rows[1]["also_seen_at"]) == ["x.html", "y.html"]
    assert json.loads(rows[1]["extra"]) == {"k": [1, 2]}
    assert rows[2]["title"] == "'\tTabbed" and rows[2]["outlet"] == "'  =1+1" and rows[2]["also_seen_at"] == ""
    assert rows[2]["text"] == "'\rcarriage"

    (quote,) = read(paths[1])
    assert quote == {"id": "q1", "speaker": "Kim", "mentions": '["k", "t"]', "start": "3", "score": "-0.5",
                     "direct": "true"}
    assert read(paths[3]) == [{"id": "s1", "summary": ""}]


@pytest.mark.parametrize("value, text", [
    (None, ""), (True, "true"), (0, "0"), (-2, "-2"), (1.5, "1.5"), ("plain", "plain"), ("=1", "'=1"),
    ("＝1", "'＝1"), ("a=b", "a=b"), (["=x"], '["=x"]'), ({"a": None}, '{"a": null}'),
])
def test_cell(value: Any, text: str) -> None:
    assert cell(value) == text


def test_rewrite_replaces_the_file(tmp_path: Path) -> None:
    write_csv([("actors", [{"id": "x", "name": "Old"}])], tmp_path)
    write_csv([("actors", iter([{"id": "y", "name": "New"}]))], tmp_path)
    assert read(tmp_path / "actors.csv") == [{"id": "y", "name": "New"}]


def test_failed_section_leaves_no_partial_file(tmp_path: Path) -> None:
    def broken() -> Iterator[dict[str, str]]:
        yield {"id": "1"}
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        write_csv([("claims", broken())], tmp_path)
    assert list(tmp_path.iterdir()) == []
