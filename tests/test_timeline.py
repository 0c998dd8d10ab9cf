"""The timeline merge: one real event from many articles' mentions, deterministic in any order."""

from __future__ import annotations

import random
import time

from storyline.corpus.timeline import SourcedMention, merge_events, trim_sentence
from storyline.model import EventMention


def sm(article: str, sentence: str, kind: str, date: str | None, actors: list[str], place: str | None = None,
       trigger: str = "met", index: int = 0, original: str | None = None, date_text: str | None = None
       ) -> SourcedMention:
    at = sentence.find(trigger)
    event = EventMention(sentence=index, kind=kind, trigger=trigger, start=max(0, at), end=max(0, at) + len(trigger),
                         actors=actors, place=place, date=date, date_text=date_text)
    return SourcedMention(article_id=article, original_id=original or article, published="2018-06-20",
                          outlet=None, sentence=sentence, mention=event, actor_ids=list(actors),
                          story_id="s1", storyline_id="l1")


TK = ["person:donald trump", "person:kim jong un"]
SINGAPORE = [
    sm("a1", "Donald Trump and Kim Jong Un met in Singapore on June 12, 2018.", "meeting", "2018-06-12", TK,
       "Singapore", date_text="June 12, 2018"),
    sm("a2", "The Singapore summit on Tuesday produced a short statement.", "summit", "2018-06-12", [],
       "Singapore", trigger="summit", date_text="on Tuesday"),
    sm("a3", "Their first meeting in June 2018 was cordial.", "meeting", "2018-06", TK, trigger="meeting",
       date_text="June 2018"),
    sm("a4", "Kim Jong Un and Donald Trump held talks in Singapore.", "talks", "2018-06-12", TK, "Singapore",
       trigger="talks", original="a1"),  # a syndicated copy of a1
]


def test_meeting_summit_and_talks_are_one_event_at_the_most_specific_date() -> None:
    [event] = merge_events(SINGAPORE)
    assert event.date == "2018-06-12"
    assert event.kind in ("summit", "meeting", "talks")
    assert event.place == "Singapore"
    assert set(event.actors) == set(TK)
    assert event.weight == 3  # a4 is a copy of a1
    assert {a for a, _ in event.sources} == {"a1", "a2", "a3", "a4"}
    assert (event.story_id, event.storyline_id) == ("s1", "l1")


def test_summary_uses_only_the_sources_words() -> None:
    [event] = merge_events(SINGAPORE)
    words = {w for m in SINGAPORE for w in m.sentence.split()}
    assert event.summary and all(w in words for w in event.summary.split())


def test_different_days_or_kinds_or_actors_stay_apart() -> None:
    events = merge_events([
        sm("a1", "Trump and Kim met in Singapore on June 12.", "meeting", "2018-06-12", TK, "Singapore"),
        sm("a2", "Trump and Kim met in Hanoi on February 27.", "meeting", "2019-02-27", TK, "Hanoi"),
        sm("a3", "North Korea fired a missile on June 12.", "test", "2018-06-12", ["country:north korea"],
           trigger="fired"),
        sm("a4", "Macron met Merkel in Paris on June 12.", "meeting", "2018-06-12",
           ["person:emmanuel macron", "person:angela merkel"], "Paris"),
    ])
    assert len(events) == 4
    assert [e.date for e in events] == sorted(e.date for e in events)


def test_same_mentions_in_any_order_give_the_same_events() -> None:
    mentions = SINGAPORE + [
        sm("b1", "Trump and Kim met in Hanoi on February 27, 2019.", "meeting", "2019-02-27", TK, "Hanoi"),
        sm("b2", "The Hanoi summit ended without a deal last year.", "summit", "2019", [], "Hanoi",
           trigger="summit"),
        sm("b3", "Kim visited Beijing.", "visit", None, ["person:kim jong un"], "Beijing", trigger="visited"),
    ]
    expected = [(e.id, e.date, e.kind, e.sources, e.summary) for e in merge_events(mentions)]
    for seed in range(5):
        shuffled = mentions[:]
        random.Random(seed).shuffle(shuffled)
        assert [(e.id, e.date, e.kind, e.sources, e.summary) for e in merge_events(shuffled)] == expected
    assert len({e[0] for e in expected}) == len(expected)
    dates = [e[1] for e in expected]
    assert dates == ["2018-06-12", "2019-02-27", None]  # by date, undated last; "2019" joined its day


def test_year_mention_joins_the_day_event_inside_it_by_place() -> None:
    events = merge_events([
        sm("b1", "Trump and Kim met in Hanoi on February 27, 2019.", "meeting", "2019-02-27", TK, "Hanoi"),
        sm("b2", "The Hanoi summit ended without a deal last year.", "summit", "2019", [], "Hanoi",
           trigger="summit"),
    ])
    assert [(e.date, e.weight) for e in events] == [("2019-02-27", 2)]


def test_undated_mentions_join_only_their_own_articles_event() -> None:
    events = merge_events([
        sm("a1", "Trump and Kim met in Singapore on June 12.", "meeting", "2018-06-12", TK, "Singapore"),
        sm("a1", "The meeting lasted five hours.", "meeting", None, TK, trigger="meeting", index=3),
        sm("a2", "Trump and Kim met again.", "meeting", None, TK, index=5),
    ])
    assert [(e.date, sorted(a for a, _ in e.sources)) for e in events] == [("2018-06-12", ["a1", "a1"]),
                                                                          (None, ["a2"])]


def test_trim_keeps_the_trigger_clause() -> None:
    long = ("After months of insults and threats that had worried allies across Asia, and after a summer of "
            "missile tests, the two leaders met in Singapore, where they signed a short statement, "
            "according to officials who briefed reporters late at night in the hotel lobby downtown.")
    short = trim_sentence(long, "met", limit=12)
    assert "met in Singapore" in short and len(short.replace("…", "").split()) <= 12
    assert short.startswith("…")
    assert trim_sentence("They met.", "met") == "They met."


def test_five_thousand_mentions_in_a_few_seconds() -> None:
    rng = random.Random(7)
    countries = [f"country:c{i}" for i in range(40)]
    mentions = [sm(f"art{i // 5}", f"Sentence {i} about a meeting.", rng.choice(["meeting", "death", "visit"]),
                   rng.choice([None, f"2020-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", f"2020-0{rng.randint(1, 9)}"]),
                   rng.sample(countries, 2), rng.choice([None, "Paris", "Rome"]), trigger="meeting", index=i % 5)
                for i in range(5000)]
    start = time.perf_counter()
    events = merge_events(mentions)
    assert time.perf_counter() - start < 5
    assert sum(len(e.sources) for e in events) <= 5000 and events


def _later(article: str, sentence: str, kind: str, trigger: str, place: str | None = None,
           actors: list[str] | None = None, published: str = "2019-07-01") -> SourcedMention:
    m = sm(article, sentence, kind, None, actors or [], place, trigger=trigger, index=4)
    m.published = published
    return m


def test_later_articles_references_join_the_earlier_event() -> None:
    events = merge_events([
        sm("f1", "Flames tore through the theatre roof in Lyon on Monday.", "disaster", "2018-06-18", [],
           "Lyon", trigger="Flames"),
        sm("h1", "Trump and Kim met in Hanoi on February 27, 2019.", "meeting", "2019-02-27", TK, "Hanoi"),
        *SINGAPORE,
        _later("r1", "Since the Singapore summit, little has changed.", "summit", "summit", "Singapore"),
        _later("r2", "The theatre was rebuilt after the blaze.", "disaster", "blaze"),
        _later("r3", "Trump and Kim met again.", "meeting", "met", actors=TK),
        _later("r4", "The talks in Geneva were short.", "talks", "talks", "Geneva"),
    ])
    where = {a: e.date for e in events for a, _ in e.sources}
    assert where["r1"] == "2018-06-12"  # the summit in the place it names, not Hanoi
    assert where["r2"] == "2018-06-18"  # a reference to the one earlier fire
    assert where["r3"] is None  # news, not a reference
    assert where["r4"] is None  # no earlier event in Geneva


def test_references_never_reach_forward_or_across_places() -> None:
    events = merge_events([
        sm("a1", "The ship ran aground in the Suez Canal on March 23.", "disaster", "2021-03-23", [], "Suez Canal",
           trigger="ran aground"),
        _later("b1", "The grounding in Panama delayed dozens of ships.", "disaster", "grounding", "Panama",
               published="2021-04-01"),
        _later("b2", "After the grounding, insurers raised premiums.", "disaster", "grounding",
               published="2021-03-01"),
        sm("b3", "The grounding in March cost billions.", "disaster", "2021-03", [], trigger="grounding"),
    ])
    where = {a: e.date for e in events for a, _ in e.sources}
    assert where["b1"] is None and where["b2"] is None
    assert where["b3"] == "2021-03-23"  # a month mention naming nothing joins the day inside it
