"""Shared fixtures: real files on disk, a real DuckDB store, the real spaCy pipeline."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.corpus.actors import (
    KeyStats,
    Weight,
    defined_spellings,
    folded_name,
    initials,
    kind_of,
    name_skeleton,
    name_tokens,
    neighbourhood,
    resolve,
)
from storyline.settings import Settings

# Four paragraphs of our own words: long enough to pass the "no article text" floor.
BODY = [
    "Donald Trump met Kim Jong Un in Singapore on June 12, 2018, the first meeting between a sitting "
    "American president and a leader of North Korea.",
    "The two men signed a short statement that committed Pyongyang to work toward the complete "
    "denuclearization of the Korean Peninsula, without a timetable.",
    "“We have developed a very special bond,” Trump told reporters after the signing ceremony.",
    "Kim said the two sides had decided to leave the past behind, according to a translation "
    "provided by the White House.",
]


def file_size(path: Path) -> int:
    """A file's size, 0 when it is not there: DuckDB removes its write-ahead log at each
    checkpoint, so it can vanish between a look and a stat (the kill -9 tests poll it)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def page(title: str = "Leaders Meet in Singapore", body: list[str] | None = None, outlet: str = "Harbor Ledger",
         author: str = "Mina Park", published: str = "2018-06-12") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in (body or BODY))
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="og:title" content="{title}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{published}T08:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/politics">Politics</a></li></ul></nav>
<div class="cookie">We use cookies to improve your experience. Accept all</div>
<article><h1>{title}</h1><p class="byline">By {author}</p>
{paragraphs}
</article>
<aside><h3>Related</h3><ul><li><a href="/a">Markets Rally on Trade Hopes</a></li>
<li><a href="/b">Storm Season Begins Early</a></li></ul></aside>
<footer>© 2018 {outlet}. All rights reserved.</footer>
</body></html>"""


def scraped(title: str = "Leaders Meet in Singapore", author: str = "Mina Park",
            body: list[str] | None = None, dateline: str = "Published: 12 June 2018 | Updated: 14 June 2018") -> str:
    lines = ["Home", "World", "Politics", "Business", "Sport", "", title, "", f"By {author}", dateline, "",
             "Share this article", ""]
    paragraphs = list(body or BODY)
    lines += [paragraphs[0], "", "Read More: Markets Rally on Trade Hopes", ""]
    for p in paragraphs[1:]:
        lines += [p, ""]
    lines += ["Related stories", "Markets Rally on Trade Hopes", "Storm Season Begins Early",
              "Leave a comment", "Your email address will not be published. Required fields are marked *",
              "© 2018 Harbor Ledger. All rights reserved."]
    return "\n".join(lines)


def warc_bytes(pages: dict[str, str]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, html in pages.items():
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                                      http_headers=headers))
    return buffer.getvalue()


def rss(items: list[dict]) -> str:
    from html import escape

    entries = "".join(
        f"""<item><title>{escape(i['title'])}</title><link>{i['link']}</link>
<pubDate>{i['date']}</pubDate><author>{i['author']}</author>
<description>{escape(i.get('summary', ''))}</description>
<content:encoded>{escape(''.join(f'<p>{p}</p>' for p in i['body']))}</content:encoded></item>"""
        for i in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Pacific Wire</title><link>https://pacificwire.example/</link>
<description>News</description>{entries}</channel></rss>"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # in-process (workers=0): these tests are about what is read and stored; the worker
    # processes and their isolation are tested in test_faults.py, the CLI tests use them too
    return Settings(db_path=tmp_path / "store" / "storyline.duckdb", workers=0)


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def gz(data: bytes) -> bytes:
    return gzip.compress(data)


class KeysInMemory:
    """`actors.KeyIndex` over keys held in memory, answering as the store's columns do."""

    def __init__(self, stats) -> None:
        self.keys = list(stats)
        self.names = {k: getattr(s, "names", {}) for k, s in stats.items()}
        self.asked: list[set[str]] = []  # what each lookup returned, to check the neighbourhood's size

    def _found(self, found: set[str]) -> set[str]:
        self.asked.append(found)
        return found

    def by_skeleton(self, skeletons: set[str]) -> set[str]:
        return self._found({k for k in self.keys if name_skeleton(k) in skeletons})

    def groups_by_token(self, tokens: set[str]) -> set[str]:
        full = {name_skeleton(k) for k in self.keys if kind_of(k) == "person" and " " in name_skeleton(k)
                and set(name_tokens(k)) & tokens}
        return self._found({k for k in self.keys if name_skeleton(k) in full})

    def groups_by_initials(self, acronyms: set[str]) -> set[str]:
        bodies = {name_skeleton(k) for k in self.keys if kind_of(k) == "organization"
                  and (initials(folded_name(k)) or "") in acronyms}
        return self._found({k for k in self.keys if name_skeleton(k) in bodies})

    def spelled_out(self, acronyms: set[str]) -> set[str]:
        return {name for k in acronyms if k in self.names for name in defined_spellings(self.names[k])}

    def acronyms_spelling(self, folded: set[str]) -> set[str]:
        return self._found({k for k in self.keys if kind_of(k) == "organization" and " " not in folded_name(k)
                            and defined_spellings(self.names[k]) & folded})


def decide_again(stats: dict[str, Weight], changed, owner: dict[str, str]) -> tuple[set[str], set[str]]:
    """What the corpus stage does for a batch (corpus/stage.py `_actors`), in memory: decide the
    keys `neighbourhood` says may change, over the keys it says they read; (affected, support)."""
    affected, support = neighbourhood(changed, KeysInMemory(stats))
    group = resolve({k: stats[k] for k in support})
    owner.update({k: group[k] for k in affected})
    return affected, support


def take_in(stats: dict[str, KeyStats], owner: dict[str, str], delta: dict[str, KeyStats], label: str = "") -> None:
    """A batch's aggregates added to `stats` as the store adds them, decided again over their
    neighbourhood (`decide_again`), and checked against deciding over everything so far."""
    for key, d in delta.items():
        s = stats.setdefault(key, KeyStats(key, first=d.first))
        s.mentions += d.mentions
        for name, count in d.names.items():
            s.names[name] = s.names.get(name, 0) + count
    decide_again(stats, delta, owner)
    assert owner == resolve(stats), label


def assert_story_pages_current(db: Path) -> int:
    """Every story of the store has its kept page (store/pages.py), and each page shows what
    the live reads show for that story; returns the stories checked."""
    from storyline.store import open_store, pages
    from storyline.store.web import Ready, reader
    from storyline.views.web.stories import story_context

    with open_store(db, read_only=True) as store:
        assert pages.is_complete(store.con)
        ids = [r[0] for r in store.con.execute("SELECT id FROM stories ORDER BY id").fetchall()]
        kept_ids = [r[0] for r in store.con.execute("SELECT story_id FROM story_pages ORDER BY story_id").fetchall()]
        assert kept_ids == ids  # one page per story, none for a story merged away
        live, kept = reader(store), reader(store, Ready(pages=True))
        try:
            for story_id in ids:
                assert kept.story_reads(story_id) is not kept
                assert story_context(kept, story_id) == story_context(live, story_id), story_id
        finally:
            live.close()
            kept.close()
    return len(ids)
