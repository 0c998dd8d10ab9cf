"""Outlet comparison: who carries which event and claim, whom each quotes, and blindspots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.corpus.outlets import UNKNOWN_OUTLET, compare_outlets, outlet_key, read_outlet_labels

LABELS = """\ufeffOutlet, Country ,Lean
Harbor Ledger,US,left
MERIDIAN   POST,UK,left

Northgate Times,US,right
Civic Daily,US,right
Unused Outlet,FR,
"""

ARTICLES = [
    {"id": "a1", "outlet": "Harbor Ledger", "duplicate_of": None},
    {"id": "a2", "outlet": "harbor  ledger ", "duplicate_of": None},
    {"id": "a3", "outlet": "Meridian Post", "duplicate_of": None},
    {"id": "a4", "outlet": "Northgate Times", "duplicate_of": None},
    {"id": "a5", "outlet": "Civic Daily", "duplicate_of": "a4"},  # runs Northgate's story
    {"id": "a6", "outlet": None, "duplicate_of": None},
]


def src(*ids: str) -> list[dict]:
    return [{"article_id": i, "sentence": 0} for i in ids]


EVENTS = [
    {"id": "e1", "sources": src("a1", "a3")},  # both left-leaning
    {"id": "e2", "sources": src("a4")},  # Northgate, and Civic Daily through its copy
    {"id": "e3", "sources": src("a1", "a2")},  # Harbor Ledger alone, twice
    {"id": "e4", "sources": src("a1", "a4")},  # left and right, all US
    {"id": "e5", "sources": src("a6")},
    {"id": "e6", "sources": src("zz")},  # an article of another story
]
CLAIMS = [
    {"id": "c1", "sources": src("a3")},
    {"id": "c2", "sources": src("a2", "a3")},
]
QUOTES = [
    {"id": "q1", "article_id": "a1", "speaker": "Kim Jong Un", "speaker_id": "k"},
    {"id": "q2", "article_id": "a2", "speaker": "Kim", "speaker_id": "k"},
    {"id": "q3", "article_id": "a1", "speaker": "Donald Trump", "speaker_id": "t"},
    {"id": "q4", "article_id": "a3", "speaker": None, "speaker_id": None},
    {"id": "q5", "article_id": "zz", "speaker": "Moon", "speaker_id": "m"},
]


@pytest.fixture
def labels(tmp_path: Path) -> dict[str, dict[str, str]]:
    path = tmp_path / "labels.csv"
    path.write_text(LABELS, encoding="utf-8")
    return read_outlet_labels(path)


def test_read_labels(labels: dict[str, dict[str, str]]) -> None:
    assert labels == {
        "harbor ledger": {"Country": "US", "Lean": "left"},
        "meridian post": {"Country": "UK", "Lean": "left"},
        "northgate times": {"Country": "US", "Lean": "right"},
        "civic daily": {"Country": "US", "Lean": "right"},
        "unused outlet": {"Country": "FR"},
    }
    assert outlet_key("  The\tHarbor  LEDGER ") == "the harbor ledger"


@pytest.mark.parametrize("text, message", [
    ("outlet,lean\nA,left\nB,right,extra\n", "line 3: 3 fields for 2 columns"),
    ("outlet,lean\nA,left\n ,right\n", "line 3: no outlet name"),
    ("outlet,lean\nA,left\n\nB,left\n a ,right\n", "line 5: outlet 'a' already labelled on line 2"),
    ("name,lean\nA,left\n", "line 1: no 'outlet' column"),
    ("outlet,lean,Lean\nA,left,right\n", "line 1: header columns must be named and distinct"),
    ("\n\n", "empty file"),
])
def test_read_labels_rejects_bad_rows(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_outlet_labels(path)


def test_compare_without_labels() -> None:
    result = compare_outlets(ARTICLES, EVENTS, QUOTES, CLAIMS)
    json.dumps(result)  # plain data all the way down
    by_name = {o["outlet"]: o for o in result["outlets"]}
    assert [o["outlet"] for o in result["outlets"]] == [
        "Harbor Ledger", UNKNOWN_OUTLET, "Civic Daily", "Meridian Post", "Northgate Times"]
    ledger = by_name["Harbor Ledger"]
    assert ledger["articles"] == ["a1", "a2"]
    assert ledger["events"] == ["e1", "e3", "e4"]
    assert ledger["exclusive_events"] == ["e3"]
    assert ledger["claims"] == ["c2"]
    assert ledger["quotes"] == 3
    assert ledger["speakers"] == [
        {"speaker": "Kim Jong Un", "speaker_id": "k", "quotes": ["q1", "q2"]},
        {"speaker": "Donald Trump", "speaker_id": "t", "quotes": ["q3"]},
    ]
    # syndication is coverage: Civic Daily's copy of Northgate's article carries its events
    assert by_name["Civic Daily"]["duplicates"] == ["a5"]
    assert by_name["Civic Daily"]["events"] == ["e2", "e4"]
    assert by_name["Northgate Times"]["exclusive_events"] == []
    assert by_name["Meridian Post"]["exclusive_claims"] == ["c1"]
    assert by_name["Meridian Post"]["speakers"] == [{"speaker": "(unattributed)", "speaker_id": None, "quotes": ["q4"]}]
    assert by_name[UNKNOWN_OUTLET]["exclusive_events"] == ["e5"]
    assert result["unmatched_sources"] == 1 and result["unmatched_quotes"] == 1
    assert result["labels"] == {} and result["blindspots"] == []


def test_compare_with_labels_finds_blindspots(labels: dict[str, dict[str, str]]) -> None:
    result = compare_outlets(ARTICLES, EVENTS, QUOTES, CLAIMS, labels)
    json.dumps(result)
    spots = {(b["item"], b["id"], b["column"], b["value"]): (b["reported_by"], b["missed_by"])
             for b in result["blindspots"]}
    assert spots == {
        ("event", "e1", "Lean", "left"): (["Harbor Ledger", "Meridian Post"], ["Civic Daily", "Northgate Times"]),
        ("event", "e2", "Lean", "right"): (["Civic Daily", "Northgate Times"], ["Harbor Ledger", "Meridian Post"]),
        ("event", "e2", "Country", "US"): (["Civic Daily", "Northgate Times"], ["Meridian Post"]),
        ("event", "e4", "Country", "US"): (["Civic Daily", "Harbor Ledger", "Northgate Times"], ["Meridian Post"]),
        ("claim", "c2", "Lean", "left"): (["Harbor Ledger", "Meridian Post"], ["Civic Daily", "Northgate Times"]),
    }
    # e3 is one outlet's alone: an exclusive, not a blindspot
    assert not any(b["id"] == "e3" for b in result["blindspots"])
    lean = result["labels"]["Lean"]
    assert list(lean) == ["left", "right", "(no label)"]
    assert lean["left"] == {"outlets": ["Harbor Ledger", "Meridian Post"], "articles": 3,
                            "events": ["e1", "e3", "e4"], "claims": ["c2", "c1"]}
    assert lean["right"]["events"] == ["e2", "e4"] and lean["right"]["claims"] == []
    assert lean["(no label)"]["outlets"] == [UNKNOWN_OUTLET]
    assert result["unlabelled"] == [UNKNOWN_OUTLET]
    by_name = {o["outlet"]: o for o in result["outlets"]}
    assert by_name["Meridian Post"]["labels"] == {"Country": "UK", "Lean": "left"}


def test_one_label_value_everywhere_is_no_blindspot() -> None:
    labels = {"Harbor Ledger": {"lean": "left"}, "meridian post": {"lean": "left"}}
    articles = ARTICLES[:3]
    result = compare_outlets(articles, EVENTS[:1], [], [], labels)
    assert result["blindspots"] == []
    assert result["labels"]["lean"]["left"]["events"] == ["e1"]
