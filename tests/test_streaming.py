"""dossier.json and report.html are written as they are read from the store: the same bytes as
building everything in memory first, never a half-written file, and never every text at once.

The reference here is the dossier assembled from the store's whole-list reads, as the writers
did before they streamed, so the paged reads, the item-by-item JSON and the page fed from a
spool of texts are each compared with what they replace.
"""

from __future__ import annotations

import io
import json
import random
import tracemalloc
from importlib.resources import files
from pathlib import Path
from typing import Any

import lxml.html
import numpy as np
import pytest

from storyline import pipeline
from storyline.model import AnalyzedArticle, Article, ArticleActor, Mention, Quote, Sentence
from storyline.settings import Settings
from storyline.store import Store, open_store
from storyline.views.export import ARTICLE_FIELDS, build_dossier, write_dossier, write_json
from storyline.views.report import ReportLimits, render_report, write_report, write_report_from_store


def whole_dossier(store: Store) -> dict[str, Any]:
    """The dossier from the whole-list reads, assembled as before streaming."""
    also_seen = store.other_sources()
    articles = []
    for row in store.articles():
        article = {key: row[key] for key in ARTICLE_FIELDS}
        article.update(url=row["url"], kind=row["kind"], metadata_sources=row["provenance"],
                       also_seen_at=also_seen.get(row["id"], []))
        articles.append(article)
    quotes, actors = store.quotes(), store.actors()
    said: dict[str, list[str]] = {}
    for quote in quotes:
        if quote["speaker_id"]:
            said.setdefault(quote["speaker_id"], []).append(quote["id"])
    for actor in actors:
        actor["quotes"] = said.get(actor["id"], [])
    return {"storyline": {"contract": "1.0"}, "articles": articles, "actors": actors, "quotes": quotes,
            "events": store.events(), "claims": store.claims(), "stories": store.stories(),
            "storylines": store.storylines(), "actor_edges": store.actor_edges_list(),
            "languages": store.languages()}


def dumped(dossier: dict[str, Any]) -> bytes:
    return json.dumps(dossier, ensure_ascii=False, indent=1).encode("utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "storyline.duckdb"
    corpus = Path(str(files("storyline").joinpath("demo/corpus")))
    report = pipeline.run([str(corpus)], Settings(db_path=db, workers=0))
    assert report.stored > 20 and not report.failed
    return db


WORDS = ("talks summit envoy ship canal rescue cave divers statement leaders agreement pledge sanctions "
         "missile border reporters minister spokesman officials week day night city harbour crew").split()
NAMES = ("Mina Park", "Kim Jong Un", "Suez Canal Authority", "North Korea", "Lee Jae", "Thai Navy")


def synthetic(count: int, paragraphs: int, seed: int = 5) -> list[tuple[AnalyzedArticle, bytes]]:
    """Analysed records without spaCy, with long texts (`paragraphs` of about 460 characters):
    actors with aliases and roles, quotes with and without a speaker, some undated and untitled
    articles, every seventh a near copy of an earlier one."""
    rng = random.Random(seed)
    out: list[tuple[AnalyzedArticle, bytes]] = []
    signatures: list[np.ndarray] = []
    for i in range(count):
        text = f"Report {i}: “a quoted pledge” — " + "\n".join(
            " ".join(rng.choices(WORDS, k=70)).capitalize() + "." for _ in range(paragraphs))
        article = Article(source=f"/crawl/{i}.txt" if i % 2 else f"https://news.example/{i}", kind="text", text=text,
                          title=None if i % 9 == 4 else f"Story {rng.randint(0, 50)} <b>&</b>",
                          outlet=f"Outlet {i % 6}", author=f"Reporter {i % 11}",
                          published=None if i % 8 == 3 else f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{i % 10}",
                          provenance={"title": "text:header"}, raw_hash=f"raw-{i}")
        names = rng.sample(NAMES, 3)
        kinds = {"Suez Canal Authority": "organization", "North Korea": "country", "Thai Navy": "organization"}
        actors = [ArticleActor(f"{kinds.get(n, 'person')}:{n.lower()}", n, kinds.get(n, "person"), aliases=[n.upper()],
                               mentions=rng.randint(1, 5), roles=["Envoy"] if n == "Lee Jae" else [])
                  for n in names]
        mentions = [Mention(a.name, "PERSON", 10 * n, 10 * n + 5, 0, a.key) for n, a in enumerate(actors)]
        quotes = [Quote(f"words {n} of {i}", 10 + 40 * n, 30 + 40 * n, rng.choice(["direct", "indirect", "partial"]),
                        "said", rng.choice([actors[0].key, actors[1].key, None]), 0, [actors[2].key])
                  for n in range(rng.randint(0, 4))]
        if signatures and i % 7 == 0:
            sig = signatures[rng.randrange(len(signatures))].copy()
            sig[rng.sample(range(128), 10)] = rng.getrandbits(32)
        else:
            sig = np.array([rng.getrandbits(32) for _ in range(128)], dtype=np.uint32)
        signatures.append(sig)
        out.append((AnalyzedArticle(article, [Sentence(0, len(text))], mentions, actors, quotes), sig.tobytes()))
    return out


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A store of 300 articles of about 28 KB each: the texts are most of its dossier."""
    db = tmp_path_factory.mktemp("big") / "storyline.duckdb"
    records = synthetic(300, paragraphs=60)
    with open_store(db) as store:
        run_id = store.start_run(["synthetic"])
        store.add_batch(run_id, records, [])
        pipeline.run_corpus(store, Settings(db_path=db))
        store.finish_run(run_id, store.duplicate_count())
    return db, sum(len(a.article.text.encode("utf-8")) for a, _ in records)


# ---- the same output ------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["demo", "big"])
def test_paged_reads_equal_the_list_reads(which: str, demo_db: Path, big_db: tuple[Path, int]) -> None:
    with open_store(demo_db if which == "demo" else big_db[0], read_only=True) as store:
        for rows in (1, 7, None) if which == "demo" else (13, None):
            assert list(store.iter_articles(rows)) == store.articles()
            assert list(store.iter_actors(rows)) == store.actors()
            assert list(store.iter_quotes(rows)) == store.quotes()
            # the story layer's lists page by keyset: ties in the order must neither drop nor repeat rows
            for reader in (store.iter_stories, store.iter_storylines, store.iter_events, store.iter_claims,
                           store.iter_actor_edges):
                assert list(reader(rows)) == list(reader(10 ** 6))


@pytest.mark.parametrize("which", ["demo", "big"])
def test_dossier_file_is_the_whole_dump(which: str, demo_db: Path, big_db: tuple[Path, int], tmp_path: Path) -> None:
    with open_store(demo_db if which == "demo" else big_db[0], read_only=True) as store:
        store.page_rows = 5 if which == "demo" else 40  # many pages: their boundaries are crossed everywhere
        whole = whole_dossier(store)
        assert whole["articles"] and whole["actors"] and any(q["speaker_id"] for q in whole["quotes"])
        assert build_dossier(store) == whole  # the library call keeps returning the same dict
        write_dossier(store, tmp_path / "out" / "dossier.json")
    assert (tmp_path / "out" / "dossier.json").read_bytes() == dumped(whole)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dossier.json"]


@pytest.mark.parametrize("value", [
    {}, {"a": []}, {"a": {}}, {"a": "text"}, {"a": None, "b": 1.5, "c": True},
    {"lists": [[], [1, [2, {}]], {"x": ["y\nz", "é\u2028\"", None]}], "obj": {"k": [1, 2]}, "t": (1, 2)},
])
def test_json_items_written_one_by_one_equal_one_dump(value: dict[str, Any]) -> None:
    for lazy in (False, True):
        out = io.StringIO()
        write_json(out, ((k, iter(v) if lazy and isinstance(v, list) else v) for k, v in value.items()))
        assert out.getvalue() == json.dumps(value, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("which", ["demo", "big"])
@pytest.mark.parametrize("options", [
    {}, {"top_actors": 3, "limits": ReportLimits(speakers=1, quotes_per_speaker=2, unattributed=3, overview=2)},
    {"top_actors": 0, "limits": ReportLimits(speakers=0, quotes_per_speaker=0, unattributed=0, actors_per_article=1)},
])
def test_report_from_store_is_the_report_of_the_whole_dossier(which: str, options: dict, demo_db: Path,
                                                              big_db: tuple[Path, int], tmp_path: Path) -> None:
    with open_store(demo_db if which == "demo" else big_db[0], read_only=True) as store:
        store.page_rows = 5 if which == "demo" else 40
        whole = whole_dossier(store)
        write_report_from_store(store, tmp_path / "report.html", **options)
    html = render_report(whole, **options)
    assert (tmp_path / "report.html").read_bytes() == html.encode("utf-8")
    write_report(whole, tmp_path / "again.html", **options)  # a dossier in memory, streamed to the file
    assert (tmp_path / "again.html").read_bytes() == html.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.html", "report.html"]


def test_report_of_the_demo_shows_every_section(demo_db: Path, tmp_path: Path) -> None:
    """The identical-output tests would pass on two empty pages: this one says the page is full."""
    with open_store(demo_db, read_only=True) as store:
        write_report_from_store(store, tmp_path / "report.html")
        texts = {a["id"]: a["text"] for a in store.articles()}
    tree = lxml.html.fromstring((tmp_path / "report.html").read_text(encoding="utf-8"))
    articles = tree.xpath("//article")
    assert len(articles) == len(texts)
    for article in articles:
        folded = " ".join(article.xpath(".//details/p//text()"))
        assert folded.split() == texts[article.get("id").removeprefix("article-")].split()
    assert tree.xpath("//section[@class='speaker']") and len(tree.xpath("//table/tbody/tr")) > 10


# ---- no half-written file -------------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def failing_after(items: Any, count: int) -> Any:
    for n, item in enumerate(items):
        if n == count:
            raise Boom("the store went away")
        yield item


@pytest.mark.parametrize("writer", ["dossier", "report"])
def test_a_failed_write_leaves_the_earlier_file_and_no_partial_one(writer: str, big_db: tuple[Path, int],
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / ("dossier.json" if writer == "dossier" else "report.html")
    target.write_text("the earlier one", encoding="utf-8")
    with open_store(big_db[0], read_only=True) as store:
        store.page_rows = 5
        write = (lambda: write_dossier(store, target)) if writer == "dossier" else \
            (lambda: write_report_from_store(store, target))
        # quotes come after the articles in both: the file is well under way when this fails
        quotes = store.iter_quotes
        monkeypatch.setattr(store, "iter_quotes", lambda *a: failing_after(quotes(*a), 40))
        with pytest.raises(Boom):
            write()
        assert target.read_text(encoding="utf-8") == "the earlier one"
        assert [p.name for p in tmp_path.iterdir()] == [target.name]
        target.unlink()
        with pytest.raises(Boom):
            write()
        assert not list(tmp_path.iterdir())


def test_a_report_failing_in_its_article_section_leaves_nothing(big_db: tuple[Path, int], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = []

    class Byline(str):
        """An author the page cannot print: it fails once the section has written 100 articles."""

        def __html__(self) -> str:
            rendered.append(self)
            if len(rendered) == 100:
                raise Boom("a broken article")
            return str(self)

    with open_store(big_db[0], read_only=True) as store:
        rows = store.iter_articles
        monkeypatch.setattr(store, "iter_articles", lambda *a: ({**row, "author": Byline(row["author"])}
                                                                for row in rows(*a)))
        with pytest.raises(Boom):
            write_report_from_store(store, tmp_path / "report.html")
    assert len(rendered) == 100 and not list(tmp_path.iterdir())


# ---- not every text at once -----------------------------------------------------------------------

def peak_python_bytes(write: Any) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("writer", ["dossier", "report"])
def test_writers_hold_a_page_of_texts_not_all_of_them(writer: str, big_db: tuple[Path, int], tmp_path: Path) -> None:
    """What Python holds while writing, beyond what writing an empty store costs (compiling the
    template is most of that), stays a small part of the texts' size (9 MB here, twice that as
    Python strings, since they are not ASCII). Building the dossier first held them three times
    over: 67 MB at the peak, for either file."""
    write_file = write_dossier if writer == "dossier" else write_report_from_store
    with open_store(tmp_path / "empty.duckdb") as empty:
        fixed = peak_python_bytes(lambda: write_file(empty, tmp_path / "empty"))
    db, text_bytes = big_db
    with open_store(db, read_only=True) as store:
        assert peak_python_bytes(store.articles) > 1.5 * text_bytes  # the measure sees texts when they are held
        store.page_rows = 5  # about 140 KB of text a page
        peak = peak_python_bytes(lambda: write_file(store, tmp_path / "out"))
    assert peak - fixed < text_bytes / 5, (peak, fixed, text_bytes)
