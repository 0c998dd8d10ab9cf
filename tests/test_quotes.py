"""Quotations and their speakers: one short hand-written case per pattern, through the real
spaCy pipeline and the real corpus stage (so speakers come out as canonical full names)."""

from __future__ import annotations

import pytest

from storyline.analyze import analyze_articles
from storyline.corpus import attribute_quotes, consolidate
from storyline.model import Article
from storyline.settings import Settings

INTRO = "Donald Trump met Moon Jae-in at the White House on Tuesday. "

# (name, text, expected [(kind, words the quote contains, speaker)])
CASES = [
    ("speaker after", INTRO + "“We are going to have a great relationship,” Trump said.",
     [("direct", "great relationship", "Donald Trump")]),
    ("inverted cue", INTRO + "“It was a very productive meeting,” said Moon Jae-in.",
     [("direct", "very productive meeting", "Moon Jae-in")]),
    ("speaker before with comma", INTRO + "Trump told reporters, “We will meet again very soon.”",
     [("direct", "meet again very soon", "Donald Trump")]),
    ("colon introduction", INTRO + "Moon said: “Peace on the peninsula is within reach.”",
     [("direct", "within reach", "Moon Jae-in")]),
    ("cue in the middle", INTRO + "“We will,” Trump said, “meet again in the summer.”",
     [("direct", "We will", "Donald Trump")]),
    ("multi-sentence quote", INTRO + "“I like him. He likes me. We get along,” Trump said.",
     [("direct", "He likes me", "Donald Trump")]),
    ("previous sentence names the speaker",
     INTRO + "Moon spoke to reporters after the lunch.\n\n“The door to dialogue is open.”",
     [("direct", "door to dialogue", "Moon Jae-in")]),
    ("pronoun", INTRO + "Moon thanked his host. “This meeting gives us hope,” he said.",
     [("direct", "gives us hope", "Moon Jae-in")]),
    ("pronoun after an intervening person",
     INTRO + "Trump praised the talks with Moon. “It went very well,” he said.",
     [("direct", "went very well", "Donald Trump")]),
    ("title", "South Korean President Moon Jae-in arrived in Washington on Tuesday for talks with Donald Trump. "
     "“We share one goal,” the president said.",
     [("direct", "share one goal", "Moon Jae-in")]),
    ("pronoun in a relative clause", "President Donald Trump met Moon Jae-in on Tuesday. The president "
     "then announced a halt to the drills, which he described as “very provocative and expensive.”",
     [("partial", "very provocative and expensive", "Donald Trump")]),
    ("plain title among two presidents", "President Donald Trump hosted South Korean President Moon Jae-in on "
     "Tuesday.\n\n“We are making great progress,” the president said.",
     [("direct", "great progress", "Donald Trump")]),
    ("apposition speaker", "Jenny Town, director of 38 North, said the talks were a step forward. "
     "“Nothing is agreed until everything is agreed,” Town said.",
     [("direct", "Nothing is agreed", "Jenny Town"), ("indirect", "the talks were a step forward", "Jenny Town")]),
    ("told reporters", INTRO + "Trump told reporters that he would like to meet Kim Jong Un this year.",
     [("indirect", "he would like to meet Kim Jong Un", "Donald Trump")]),
    ("told an audience that", INTRO + "Trump told a news conference in Hanoi that North Korea had wanted all "
     "sanctions lifted.", [("indirect", "North Korea had wanted all sanctions lifted", "Donald Trump")]),
    ("according to", INTRO + "According to Moon Jae-in, the two leaders agreed to keep talking.",
     [("indirect", "the two leaders agreed to keep talking", "Moon Jae-in")]),
    ("wrote on a platform", INTRO + "Trump wrote on Twitter: “A great day for the world!”",
     [("direct", "great day for the world", "Donald Trump")]),
    ("partial quote with a naming verb", INTRO + "Trump called Kim Jong Un a “smart guy” on Friday.",
     [("partial", "smart guy", "Donald Trump")]),
    ("partial quote in reported speech",
     INTRO + "Moon said the summit had been “a turning point for the Korean Peninsula” in every way.",
     [("partial", "a turning point for the Korean Peninsula", "Moon Jae-in")]),
    ("quote across paragraphs", INTRO + "Moon spoke first. “We came a long way to be here.\n\n"
     "“And we will go further still,” he said.",
     [("direct", "long way to be here", "Moon Jae-in")]),
    ("dash signature", "Readers wrote in after the summit.\n\n“It gives me hope for my grandchildren.” ― Eun-ji Park",
     [("direct", "hope for my grandchildren", "Eun-ji Park")]),
    ("two speakers in a paragraph", INTRO + "“Let us be friends,” said Trump. “Friends need trust,” Moon replied.",
     [("direct", "Let us be friends", "Donald Trump"), ("direct", "Friends need trust", "Moon Jae-in")]),
    ("nested quotes", INTRO + "“He told me, ‘Call me any time,’ and I believe him,” Moon said.",
     [("direct", "Call me any time", "Moon Jae-in")]),
    ("participle shares the subject",
     INTRO + "Trump attacked the plan on Monday, saying, “It is a very bad deal for our country.”",
     [("direct", "very bad deal", "Donald Trump")]),
    ("inverted capitalised cue",
     INTRO + "Moon was asked about the plan.\n\nSaid Moon: “We are ready to talk at any time.”",
     [("direct", "ready to talk", "Moon Jae-in")]),
    ("setup sentence", INTRO + "Moon looked tired after the flight. “It has been a long week,” he admitted later.",
     [("direct", "long week", "Moon Jae-in")]),
    ("straight quotes", INTRO + "\"We made a lot of progress,\" Trump said.",
     [("direct", "lot of progress", "Donald Trump")]),
]

# quotation marks that are not anybody's statement
NOT_QUOTES = [
    ("scare quotes", INTRO + "The so-called “summit diplomacy” has its critics in Seoul."),
    ("title of a work", INTRO + "Moon has read “The Art of the Deal” twice, aides said of his reading habits."),
    ("ui label", INTRO + "Readers can press “Subscribe” to follow the talks."),
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(workers=1)


def quotes_of(text: str, settings: Settings) -> list[dict]:
    (analyzed,) = analyze_articles([Article(source="case", kind="text", text=text)], settings)
    actors = consolidate([(analyzed.id, [a.__dict__ for a in analyzed.actors])])
    return attribute_quotes([(analyzed.id, [q.__dict__ for q in analyzed.quotes])], actors)


@pytest.mark.parametrize("name, text, expected", CASES, ids=[c[0] for c in CASES])
def test_quote_patterns(name: str, text: str, expected: list[tuple[str, str, str]], settings: Settings) -> None:
    found = quotes_of(text, settings)
    for kind, words, speaker in expected:
        matches = [q for q in found if words in q["text"] and q["kind"] == kind]
        assert matches, f"{name}: no {kind} quote containing {words!r} in {found}"
        assert matches[0]["speaker"] == speaker, f"{name}: {matches[0]}"
        start, end = matches[0]["start"], matches[0]["end"]
        assert words in text[start:end], "offsets point into the article text"


@pytest.mark.parametrize("name, text", NOT_QUOTES, ids=[c[0] for c in NOT_QUOTES])
def test_not_quotes(name: str, text: str, settings: Settings) -> None:
    found = [q for q in quotes_of(text, settings) if q["kind"] != "indirect"]
    assert found == [], name


def test_unknown_speaker_is_none_not_a_guess(settings: Settings) -> None:
    found = quotes_of("The talks ended late.\n\n“Nobody expected this,” a passer-by remarked.", settings)
    assert found and all(q["speaker"] is None for q in found)


def test_quote_lists_the_actors_it_mentions(settings: Settings) -> None:
    (quote,) = [q for q in quotes_of(INTRO + "“Kim Jong Un wants peace,” Trump said.", settings)
                if q["kind"] == "direct"]
    assert quote["speaker"] == "Donald Trump" and len(quote["mentions"]) == 1
