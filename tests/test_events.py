"""Event mentions of one article, through the real spaCy pipeline and actor analysis."""

from __future__ import annotations

import pytest

from storyline.analyze.actors import article_actors
from storyline.analyze.events import KINDS, extract_events, verb_forms
from storyline.analyze.nlp import load_pipeline
from storyline.model import EventMention
from storyline.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(Settings().spacy_model)


def events(nlp, text: str, published: str | None = "2018-06-16") -> list[EventMention]:
    doc = nlp(text)
    mentions, _ = article_actors(doc, [s.start_char for s in doc.sents])
    return extract_events(doc, mentions, published)


def test_meeting_with_place_date_and_both_actors(nlp) -> None:
    [event] = events(nlp, "Trump and Kim met in Singapore on June 12, 2018.", "2018-06-13")
    assert event.kind in ("meeting", "summit")
    assert (event.trigger, event.date, event.date_text, event.place) == ("met", "2018-06-12", "June 12, 2018",
                                                                         "Singapore")
    assert set(event.actors) == {"person:trump", "person:kim"}


def test_named_summit_with_relative_year(nlp) -> None:
    [event] = events(nlp, "The Hanoi summit ended without a deal last year.", "2020-03-01")
    assert (event.kind, event.date, event.place) == ("summit", "2019", "Hanoi")


def test_one_mention_per_happening(nlp) -> None:
    found = events(nlp, "Moon Jae-in held talks with the delegation in Seoul on Tuesday.")
    assert [(e.kind, e.date, e.place) for e in found] == [("talks", "2018-06-12", "Seoul")]


@pytest.mark.parametrize("text, kind, trigger", [
    ("The container ship ran aground in the canal on Tuesday.", "disaster", "ran aground"),
    ("North Korea launched a ballistic missile on Friday.", "test", "launched"),
    ("Divers rescued twelve boys from the cave on Tuesday.", "rescue", "rescued"),
    ("Police arrested the captain in Cairo on Monday.", "arrest", "arrested"),
    ("The prime minister resigned on Monday.", "resignation", "resigned"),
    ("The spire of the cathedral collapsed on Monday evening.", "disaster", "collapsed"),
    ("Parliament voted on Thursday to leave the union.", "vote", "voted"),
])
def test_kinds(nlp, text: str, kind: str, trigger: str) -> None:
    found = events(nlp, text)
    assert (found[0].kind, found[0].trigger) == (kind, trigger)
    assert found[0].date is not None and found[0].date.startswith("2018-06-1")


def test_every_kind_has_triggers() -> None:
    assert all(k.verbs or k.nouns for k in KINDS.values())
    assert {"met", "meets", "meeting"} <= verb_forms("meet")
    assert {"banned", "agreed", "died", "rallies"} <= verb_forms("ban") | verb_forms("agree") | verb_forms(
        "die") | verb_forms("rally")


def test_ambiguous_words_need_their_context(nlp) -> None:
    assert events(nlp, "Doctors ran a blood test on the patient.") == []
    assert [e.kind for e in events(nlp, "The agency released a report on Tuesday.")] == ["announcement"]
    assert [e.kind for e in events(nlp, "The rebels released three hostages on Tuesday.")] == ["release"]
    assert events(nlp, "The judge ruled out an appeal.") == []


def test_negated_hypothetical_quoted_and_first_person_are_skipped(nlp) -> None:
    assert events(nlp, "The two leaders did not meet on Friday.") == []
    assert events(nlp, "The two leaders could meet in Geneva.") == []
    assert events(nlp, "“We will attack the city,” the commander said.") == []
    assert events(nlp, "I met my brother at the market on Friday.") == []


def test_publication_day_only_for_news_in_the_lead(nlp) -> None:
    text = ("The foreign minister resigned. "
            "He had visited Moscow. "
            "The cabinet will meet to choose a successor. "
            "Officials said the talks collapsed. "
            "The minister arrested in the scandal was freed.")
    found = {e.kind: e.date for e in events(nlp, text, "2018-06-16")}
    assert found["resignation"] == "2018-06-16"
    assert found["visit"] is None  # past perfect: background
    assert found["meeting"] is None  # planned, no date given


def test_future_events_keep_their_own_date(nlp) -> None:
    [event] = events(nlp, "The two leaders will meet in Vienna next Tuesday.", "2018-06-16")
    assert (event.kind, event.date, event.place) == ("meeting", "2018-06-19", "Vienna")


def test_without_publication_date(nlp) -> None:
    found = events(nlp, "The ministers met on Friday. The treaty was signed on 12 June 2018.", None)
    assert [(e.kind, e.date) for e in found] == [("meeting", None), ("agreement", "2018-06-12")]


def test_date_attached_to_its_own_verb(nlp) -> None:
    found = events(nlp, "The ministry said on Friday that the inspectors will visit the plant on Tuesday.",
                   "2018-06-16")
    assert [(e.kind, e.date) for e in found] == [("visit", "2018-06-19")]


def test_a_date_of_another_clause_does_not_date_the_background(nlp) -> None:
    found = events(nlp, "The museum reopened on Saturday, two years after a flood wrecked its basement.",
                   "2024-05-04")
    by_kind = {e.kind: e for e in found}
    assert by_kind["reopening"].date == "2024-05-04"
    assert by_kind["disaster"].date is None  # not Saturday, and no publication-day fallback
    [rescue] = [e for e in events(nlp, "Tugs freed the stranded tanker on Monday, days after it ran aground.",
                                  "2021-05-04") if e.kind == "disaster"]
    assert rescue.date is None


def test_dateline_is_the_place_of_the_days_news(nlp) -> None:
    [event] = events(nlp, "LIMA, Peru — Protesters rallied outside the congress on Tuesday.", "2022-03-09")
    assert (event.kind, event.date, event.place) == ("protest", "2022-03-08", "Lima")


def test_found_brought_out_and_burned(nlp) -> None:
    assert [e.kind for e in events(nlp, "Rescuers found the missing hikers alive on Monday.")] == ["discovery"]
    assert events(nlp, "A study found that the bridge was unsafe.") == []
    assert "rescue" in [e.kind for e in events(nlp, "Divers brought three men out of the mine on Sunday.")]
    assert [e.kind for e in events(nlp, "The old warehouse burned on Friday night.")] == ["disaster"]
    assert all(e.kind != "disaster" for e in events(nlp, "The chief of the fire brigade spoke on Monday."))


def test_a_relative_clause_takes_the_date_of_its_noun_and_an_after_phrase_keeps_its_own(nlp) -> None:
    found = events(nlp, "After an initial period of high tension in 2017, during which Smith referred to Jones as "
                        "\u201cLittle Tyrant\u201d and threatened \u201cfire and ruin\u201d if the North continued its "
                        "weapons plans, the two men later opened a dialogue.", "2025-10-25")
    assert [(e.kind, e.date) for e in found if e.kind == "threat"] == [("threat", "2017")]
    [met] = events(nlp, "After a tense stretch in 2017, the two leaders met in Hanoi.", "2019-02-28")
    assert met.date != "2017"
