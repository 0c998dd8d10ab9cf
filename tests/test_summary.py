"""Extractive summaries: central, non-redundant sentences, verbatim, in reading order."""

from __future__ import annotations

import random
import time

import pytest

from storyline.corpus.summary import SentenceRef, article_sentences, fit_for_summary, summarize, summary_size

A = [
    "The Harlow River bridge in Castleton collapsed on Monday morning after days of heavy rain, officials said.",
    "He added that the repair work would take many weeks to complete.",
    "County engineers inspected the Harlow River bridge last year and reported no structural problems.",
    "Was the collapse of the old bridge preventable at all?",
    "Read more about the Castleton bridge collapse at https://example.com/bridge for updates.",
]
B = [
    "Heavy rain brought down the Harlow River bridge in Castleton on Monday morning, county officials said.",
    "Mayor Lena Ortiz ordered an inquiry into the county inspection of the collapsed Harlow River bridge.",
    "“We will rebuild it, and we will rebuild it better,” she said.",
    "The town bakery celebrated its fiftieth anniversary with free cakes for local children.",
]
D = [
    "Drivers between Castleton and the northern villages face a long detour after the Harlow River bridge collapse.",
    "Mayor Lena Ortiz said the inquiry into the bridge inspection would report within a month.",
]


def refs(article_id: str, sentences: list[str], published: str | None, original_id: str | None = None
         ) -> list[SentenceRef]:
    return [SentenceRef(article_id, original_id or article_id, i, text, published) for i, text in enumerate(sentences)]


def story() -> list[SentenceRef]:
    # given out of date order; C is a syndicated copy of A, published a day later
    return (refs("d", D, "2021-03-03") + refs("c", A, "2021-03-02", original_id="a") + refs("b", B, "2021-03-02")
            + refs("a", A, "2021-03-01"))


def test_summary_is_central_non_redundant_verbatim_and_chronological() -> None:
    sentences = story()
    summary = summarize(sentences)
    assert 3 <= len(summary) <= 7
    # the very objects given, text untouched
    assert all(any(s is r for r in sentences) for s in summary)
    texts = [s.text for s in summary]
    # the collapse itself is the most repeated fact, told once (A's wording or B's, not both)
    assert (A[0] in texts) != (B[0] in texts)
    assert "Mayor Lena Ortiz" in " ".join(texts)
    # off-topic, questions, pronoun openers, quotations, links stay out
    for unfit in (B[3], A[1], A[3], A[4], B[2]):
        assert unfit not in texts
    # a copied wording is quoted from its original, not from the copy
    assert all(s.article_id != "c" for s in summary)
    # reading order: date, then the article's place in the input, then the sentence index
    keys = [(s.published, ["d", "c", "b", "a"].index(s.article_id), s.index) for s in summary]
    assert keys == sorted(keys)
    assert summary[0].published == "2021-03-01"


def test_summary_expected_picks() -> None:
    summary = summarize(story())
    # D1 repeats B1's inquiry, so the detour is the fourth sentence
    assert [(s.article_id, s.index) for s in summary] == [("a", 0), ("a", 2), ("b", 1), ("d", 0)]


def test_deterministic_and_order_independent_of_input_copies() -> None:
    first = [(s.article_id, s.index) for s in summarize(story())]
    again = [(s.article_id, s.index) for s in summarize(story())]
    assert first == again


def test_size_follows_independent_coverage() -> None:
    assert summary_size(1) == 3
    assert summary_size(3) == 4
    assert summary_size(8) == 6
    assert summary_size(500) == 7
    assert summary_size(500, k_min=2, k_max=5) == 5
    # one article: k_min; twenty independent articles: k_max
    topics = ["harbour cranes", "grain silos", "rail freight", "ferry crews", "customs checks", "port fees",
              "fuel depots", "cargo insurance", "pilot boats", "dock workers"]
    single = [f"Officials in Portmere reviewed the {t} during the annual harbour inspection on Tuesday."
              for t in topics]
    assert len(summarize(refs("x", single, "2020-01-01"))) == 3
    many: list[SentenceRef] = []
    for n in range(20):
        many += refs(f"s{n}", [f"Officials in Portmere reviewed the {topics[n % 10]} and the {topics[(n * 3 + 1) % 10]}"
                               f" during inspection number {n} of the harbour on Tuesday."], f"2020-01-{n + 1:02d}")
    assert 3 <= len(summarize(many)) <= 7


def test_fewer_usable_sentences_than_k_min() -> None:
    sentences = refs("a", [A[0], A[1], A[3]], "2021-03-01")
    assert [s.text for s in summarize(sentences)] == [A[0]]
    assert summarize([]) == []
    assert summarize(refs("a", [A[1], A[3], A[4]], None)) == []


@pytest.mark.parametrize("text, fit", [
    (A[0], True),
    ("This week the council approved a new budget for the repair of the Harlow River bridge.", True),
    ("This is the worst flood the valley has seen in living memory, residents said.", False),
    ("But the county said it had no money left for repairs to the bridge this year.", False),
    ("However, the inquiry will not look into the county budget for road repairs.", False),
    ("“The bridge was old and everyone knew it was in danger of falling,” Ortiz said.", False),
    ("Ortiz said the bridge had been “old and tired” before the storm arrived in the valley.", True),
    ("BREAKING: HARLOW RIVER BRIDGE COLLAPSES IN CASTLETON AFTER RAIN.", False),
    ("Sign up for our newsletter to get the latest Castleton news every morning.", False),
    ("Bridge collapse", False),
    ("the bridge collapsed after days of heavy rain in the valley, officials said.", False),
    ("Castleton bridge collapse: what we know so far about the Harlow River disaster", False),
    ("Officials said the bridge\nHarlow River collapse photos from the scene on Monday.", False),
])
def test_fit_for_summary(text: str, fit: bool) -> None:
    assert fit_for_summary(text) is fit


def test_article_sentences_slices_verbatim() -> None:
    text = "First sentence here.  Second one follows!"
    got = article_sentences("x", text, [(0, 20), (22, 41)], "2020-02-02", limit=5)
    assert [(r.article_id, r.original_id, r.index, r.text) for r in got] == [
        ("x", "x", 0, "First sentence here."), ("x", "x", 1, "Second one follows!")]
    assert article_sentences("y", text, [(0, 20), (22, 41)], original_id="x", limit=1)[0].original_id == "x"


def test_twenty_thousand_sentences_are_bounded() -> None:
    rng = random.Random(5)
    words = ("talks summit envoy ship canal rescue cave divers statement leaders agreement pledge sanctions missile "
             "border reporters minister spokesman officials harbour crew police court bank market prices oil export "
             "election vote judge trial government president city").split()
    sentences = []
    for a in range(800):
        for i in range(25):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))).capitalize() + "."
            sentences.append(SentenceRef(f"a{a}", f"a{a - a % 4}", i, text, f"2020-{a % 12 + 1:02d}-01"))
    started = time.perf_counter()
    summary = summarize(sentences)
    assert time.perf_counter() - started < 4  # 0.4 s measured; slack for a shared machine
    assert len(summary) == 7
