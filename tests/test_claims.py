"""Figures per article (analyze/claims.py) and the same figure across articles (corpus/claims.py),
on our own sentences through the real spaCy pipeline."""

from __future__ import annotations

import random

import pytest

from storyline.analyze.actors import article_actors
from storyline.analyze.claims import extract_claims, parse_number
from storyline.analyze.nlp import load_pipeline
from storyline.corpus.claims import SourcedClaim, group_claims
from storyline.model import ClaimMention
from storyline.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(Settings().spacy_model)


def claims_of(nlp, text: str) -> list[ClaimMention]:
    doc = nlp(text)
    mentions, _ = article_actors(doc, [s.start for s in doc.sents])
    return extract_claims(doc, mentions)


def one(nlp, text: str) -> ClaimMention:
    found = claims_of(nlp, text)
    assert len(found) == 1, found
    return found[0]


def sourced(nlp, article: str, text: str, published: str, original: str | None = None) -> list[SourcedClaim]:
    doc = nlp(text)
    mentions, _ = article_actors(doc, [s.start for s in doc.sents])
    sents = list(doc.sents)
    return [SourcedClaim(article_id=article, original_id=original or article, outlet=None, published=published,
                         sentence=sents[c.sentence].text, claim=c, story_id="s1", storyline_id="l1")
            for c in extract_claims(doc, mentions)]


# ---- one article ------------------------------------------------------------------------------

@pytest.mark.parametrize("words, value", [
    (["28,500"], 28500), (["9.6", "billion"], 9.6e9), (["Nine", "hundred", "million"], 9e8),
    (["three", "and", "a", "half"], 3.5), (["a", "dozen"], 12), (["5bn"], 5e9), (["2018", "12"], None),
])
def test_parse_number(words, value):
    assert parse_number(words) == value


@pytest.mark.parametrize("text, value, unit, words", [
    ("About 28,500 US troops are stationed in South Korea, officials said.", 28500, "troops", "about 28,500 us troops"),
    ("Rescuers said twelve boys were trapped in the flooded mine.", 12, "boys", "twelve boys"),
    ("The insurer paid out 916 million dollars after the flood.", 916e6, "USD", "916 million dollars"),
    ("The charity raised nearly €1 billion for the hospital.", 1e9, "EUR", "nearly €1 billion"),
    ("Exports fell by 12% in the first quarter.", 12, "percent", "12%"),
    ("Exports fell by 12 percent in the first quarter.", 12, "percent", "12 percent"),
    ("The blast killed 23 people in the old town.", 23, "people", "23 people"),
    ("The landslide killed 17 and buried the road.", 17, "people", "17"),
    ("The lighthouse, a 96-metre tower, was repainted.", 96, "metres", "96-metre tower"),
    ("The team's 41-year-old captain retired.", 41, "age", "41-year-old captain"),
    ("The driver, aged 52, was unhurt.", 52, "age", "aged 52"),
    ("A dozen volunteers cleaned the beach.", 12, "volunteers", "a dozen volunteers"),
    ("The mayor knocked on the gate three times before it opened.", 3, "times", "three times"),
    ("The strike is costing the airline $40 million a day.", 40e6, "USD/day", "$40 million a day"),
    ("Inspectors dredged some 5,000 cubic metres of silt from the harbour.", 5000, "cubic metres",
     "some 5,000 cubic metres"),
    ("By Sunday more than 320 vessels were waiting outside the port.", 320, "ships", "more than 320 vessels"),
])
def test_figure(nlp, text, value, unit, words):
    c = one(nlp, text)
    assert c.value == value
    assert c.unit == unit
    assert c.text.lower() == words
    assert text[c.start:c.end] == c.text


def test_subject_names_what_is_counted(nlp):
    c = one(nlp, "About 28,500 US troops are stationed in South Korea, officials said.")
    words = set(c.subject.split())
    assert {"troop", "station"} <= words
    assert "south-korea" in words or {"south", "korea"} <= words


def test_age_after_a_name(nlp):
    c = one(nlp, "Ingrid Solberg, 38, was the last diver to leave the shaft.")
    assert (c.value, c.unit) == (38, "age")
    assert "ingrid-solberg" in c.subject


@pytest.mark.parametrize("text", [
    "The talks were held on June 12, 2018, in a hotel on the island.",
    "The ferry leaves at 9 a.m. and returns at 5 p.m. every day.",
    "The Apollo 11 crew and the G7 leaders met during the COVID-19 pandemic.",
    "Readers can call 555-123-4567 or read section 3 of the guide.",
    "It was their first meeting since 2015.",
    "The two leaders shook hands and both sides smiled.",
    "Hundreds of fans and tens of thousands of viewers watched.",
    "The children, aged 9 to 14, were playing in the park.",
    "Four months ago the talks fell apart.",
    "About 40 of them were local.",
])
def test_not_a_figure(nlp, text):
    assert claims_of(nlp, text) == []


# ---- across articles -------------------------------------------------------------------------

def test_same_figure_from_two_outlets_is_corroborated(nlp):
    a = sourced(nlp, "a", "About 28,500 US troops are stationed in South Korea, officials said.", "2020-01-02")
    b = sourced(nlp, "b", "The 28,500 American troops based in South Korea will stay, the minister said.",
                "2020-01-03")
    groups = group_claims(a + b)
    assert len(groups) == 1
    g = groups[0]
    assert (g.status, g.value, g.values, g.unit) == ("corroborated", 28500, [28500], "troops")
    assert [s for s, _ in g.sources] == ["a", "b"]
    assert g.text == "About 28,500 US troops"


def test_near_copy_is_one_source(nlp):
    text = "About 28,500 US troops are stationed in South Korea, officials said."
    a = sourced(nlp, "a", text, "2020-01-02")
    b = sourced(nlp, "b", "Officials spoke on Monday. " + text, "2020-01-02", original="a")
    groups = group_claims(a + b)
    assert len(groups) == 1
    assert groups[0].status == "single-source"
    assert {s for s, _ in groups[0].sources} == {"a", "b"}


def test_different_values_for_the_same_thing_are_contested(nlp):
    a = sourced(nlp, "a", "The strike is holding up an estimated $9.6 billion worth of freight each day, "
                          "a shipping journal said.", "2021-05-01")
    b = sourced(nlp, "b", "One analyst put the value of freight held up at about $10 billion a day.", "2021-05-02")
    groups = group_claims(a + b)
    assert len(groups) == 1
    g = groups[0]
    assert g.status == "contested"
    assert sorted(g.values) == [9.6e9, 10e9]
    assert g.unit == "USD/day"
    assert {s for s, _ in g.sources} == {"a", "b"}


def test_number_alone_is_not_a_claim(nlp):
    a = sourced(nlp, "a", "The 400-metre tanker ran aground near the port.", "2021-05-01")
    b = sourced(nlp, "b", "The 400-metre tanker has blocked the channel, and some 400 ships are waiting.",
                "2021-05-02")
    c = sourced(nlp, "c", "About 400 ships were waiting at both ends, the authority said.", "2021-05-03")
    groups = group_claims(a + b + c)
    by_unit = {g.unit: g for g in groups}
    assert set(by_unit) == {"metres", "ships"}
    assert by_unit["metres"].status == by_unit["ships"].status == "corroborated"
    assert [s for s, _ in by_unit["metres"].sources] == ["a", "b"]
    assert [s for s, _ in by_unit["ships"].sources] == ["b", "c"]


def test_a_growing_count_is_not_contested(nlp):
    a = sourced(nlp, "a", "On Friday more than 200 ships were waiting to enter the canal.", "2021-05-01")
    b = sourced(nlp, "b", "By Saturday more than 320 ships were waiting to enter the canal.", "2021-05-02")
    c = sourced(nlp, "c", "About 400 ships were waiting to enter the canal, the authority said.", "2021-05-04")
    groups = group_claims(a + b + c)
    assert sorted(g.value for g in groups) == [200, 320, 400]
    assert all(g.status == "single-source" for g in groups)


def test_same_day_totals_that_differ_are_contested(nlp):
    a = sourced(nlp, "a", "Pledges for the museum have reached nearly €1 billion, a tally shows.", "2019-04-17")
    b = sourced(nlp, "b", "Within two days pledges for the museum had reached about €850 million.", "2019-04-17")
    c = sourced(nlp, "c", "Anna Weber, the banker, offered €100 million on Monday.", "2019-04-17")
    groups = group_claims(a + b + c)
    eur = [g for g in groups if g.unit == "EUR"]
    contested = [g for g in eur if g.status == "contested"]
    assert len(contested) == 1
    assert sorted(contested[0].values) == [850e6, 1e9]
    assert any(g.values == [100e6] and g.status == "single-source" for g in eur)


def test_grouping_is_order_free(nlp):
    claims = (sourced(nlp, "a", "About 28,500 US troops are stationed in South Korea.", "2020-01-02")
              + sourced(nlp, "b", "The 28,500 American troops in South Korea stay; the 96-metre spire fell.",
                        "2020-01-03")
              + sourced(nlp, "c", "The spire, 96 metres tall, fell on Monday as 500 firefighters worked.",
                        "2020-01-01"))
    first = group_claims(claims)
    for seed in range(3):
        shuffled = claims[:]
        random.Random(seed).shuffle(shuffled)
        again = group_claims(shuffled)
        assert [(g.id, g.status, g.values, g.sources) for g in again] == \
               [(g.id, g.status, g.values, g.sources) for g in first]
    assert len({g.id for g in first}) == len(first)


def test_a_count_of_meetings_after_a_name(nlp):
    """A spelled number after a name is a count, not part of the name ("Apollo 11" has digits), and
    "three times" stays a figure though the NER takes it for a date beside "last year"."""
    claim = one(nlp, "Smith met Jones three times last year.")
    assert (claim.value, claim.unit, claim.text) == (3.0, "times", "three times")
    assert claims_of(nlp, "The Apollo 11 crew landed on the Moon.") == []
