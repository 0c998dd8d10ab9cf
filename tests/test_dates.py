"""Date expressions anchored to the publication day: explicit, relative, tense, false friends."""

from __future__ import annotations

import time

import pytest

from storyline.analyze.dates import find_dates, has_date_cue

SAT = "2018-06-16"  # a Saturday
FRI = "2018-06-15"


def values(text: str, published: str | None = SAT, tense: str | None = "past") -> list[tuple[str, str | None]]:
    return [(d.text, d.value) for d in find_dates(text, published, tense)]


@pytest.mark.parametrize("text, expected", [
    ("The leaders shook hands on June 12, 2018, in front of cameras.", [("June 12, 2018", "2018-06-12")]),
    ("The accord was signed on 12 June 2018.", [("12 June 2018", "2018-06-12")]),
    ("The filing is dated 2018-06-12.", [("2018-06-12", "2018-06-12")]),
    ("Elections were held in 2019.", [("2019", "2019")]),
    ("The plant opened in March 2015.", [("March 2015", "2015-03")]),
    ("A ceasefire was agreed on Sept. 3, 2017.", [("Sept. 3, 2017", "2017-09-03")]),
])
def test_explicit_dates(text: str, expected: list) -> None:
    assert values(text) == expected


@pytest.mark.parametrize("text, published, expected", [
    ("The Hanoi summit ended without a deal last year.", "2020-03-01", "2019"),
    ("The strike began last June.", "2018-09-01", "2018-06"),
    ("The strike began last June.", "2018-05-01", "2017-06"),
    ("The minister resigned on Friday.", SAT, "2018-06-15"),
    ("The minister resigned on Friday.", FRI, "2018-06-15"),  # a Friday paper reports Friday's news
    ("The minister resigned last Friday.", FRI, "2018-06-08"),
    ("Talks collapsed on Tuesday.", SAT, "2018-06-12"),
    ("The envoy arrived yesterday.", SAT, "2018-06-15"),
    ("The dam failed two days ago.", SAT, "2018-06-14"),
    ("Prices rose earlier this month.", SAT, "2018-06"),
    ("Tariffs rise next month.", SAT, "2018-07"),
    ("The virus was identified on April 24.", "2018-05-02", "2018-04-24"),
])
def test_relative_dates(text: str, published: str, expected: str) -> None:
    found = find_dates(text, published, "past")
    assert [d.value for d in found] == [expected]
    assert found[0].relative


def test_tense_decides_the_direction() -> None:
    assert values("They will meet on Friday.", SAT, "future") == [("on Friday", "2018-06-22")]
    assert values("They met on Friday.", SAT, "past") == [("on Friday", "2018-06-15")]
    assert values("The court sits on Monday.", SAT, "present") == [("on Monday", "2018-06-18")]
    assert values("The vote is set for next Tuesday.", SAT, None) == [("next Tuesday", "2018-06-19")]
    assert values("The vote will be held on December 2.", "2018-11-20", "future") == [("December 2", "2018-12-02")]
    assert values("The vote was held on December 2.", "2019-01-10", "past") == [("December 2", "2018-12-02")]


def test_false_friends_are_not_dates() -> None:
    assert values("The U.S. keeps 28,500 troops there and 12 boys were found.") == []
    assert values("Protesters march on the capital. Prices may rise. June Carter sang.") == []
    assert values("Some 2000 people died and 1500 homes burned.") == []
    assert values("It is over now.") == []
    assert values("Turnout was 2019 votes short, 45% of 2,018 voters.") == []


def test_without_publication_date_only_explicit_dates_resolve() -> None:
    found = find_dates("The treaty of 12 June 2018 was broken on Friday and last year.", None)
    assert [(d.text, d.value) for d in found] == [("12 June 2018", "2018-06-12"), ("on Friday", None),
                                                   ("last year", None)]


def test_span_ends_and_comment_stamps() -> None:
    found = find_dates("Schools were closed until May 6.", "2009-04-28", "past")
    assert [(d.value, d.bound) for d in found] == [("2009-05-06", "until")]
    assert values("At 9:24 pm on 05 May 2009, jsmith wrote: nice piece.") == []
    assert values("Flights resume on 31 June 2018.") == [("31 June 2018", None)]  # no such day


def test_cheap_gate_and_speed() -> None:
    assert not has_date_cue("The committee approved the budget after a long debate.")
    find_dates("warm up on June 1, 2018", SAT)
    start = time.perf_counter()
    for _ in range(200):
        find_dates("The committee approved the budget on Tuesday after a long debate in March 2018.", SAT)
    assert (time.perf_counter() - start) / 200 < 0.005


def test_within_days_of_an_event_is_no_date() -> None:
    from storyline.analyze.dates import find_dates as fd
    assert fd("Within three days of the flood, donations had doubled.", "2020-02-10") == []
    assert [d.value for d in fd("The rest will follow within two weeks.", "2020-02-10", "future")] == [None]
