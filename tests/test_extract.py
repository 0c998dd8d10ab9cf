"""The text cleaner and text metadata, one hand-written case per pattern."""

from __future__ import annotations

import pytest

from storyline.extract.cleaner import clean_text
from storyline.extract.dates import find_dates, normalize_date
from storyline.extract.text_meta import text_metadata
from storyline.ingest.decode import BinaryContent, decode_bytes

P1 = ("Rescue divers reached the flooded chamber on Monday evening after nine days of searching, and found all "
      "thirteen members of the team alive on a muddy ledge.")
P2 = ("The boys, aged between 11 and 16, had entered the cave with their coach after football practice on "
      "June 23 and were cut off by rising water.")
P3 = "“We are very happy,” one of the parents told local television outside the cave entrance."

CASES = {
    "menu lines at the top": (["Home", "News", "World", "Sport", "Culture", "", P1, P2, P3], ["Culture"]),
    "menu flattened on one line": (["Home | News | World | Sport | Weather", P1, P2, P3], ["Weather"]),
    "read more insert mid-body": ([P1, "Read More: Floods Hit Northern Provinces", P2, P3], ["Floods Hit"]),
    "also read insert": ([P1, "ALSO READ - Monsoon Season Arrives Early", P2, P3], ["Monsoon Season"]),
    "share and follow lines": ([P1, "Share this article", "Follow us on Twitter", P2, P3],
                               ["Share this", "Follow us"]),
    "related list at the end": ([P1, P2, P3, "Related articles", "Floods Hit Northern Provinces",
                                 "Monsoon Season Arrives Early", "Dam Levels Rise Again"], ["Dam Levels"]),
    "comment form and copyright": ([P1, P2, P3, "Leave a Reply", "Your email address will not be published.",
                                    "Comment", "Name *", "© 2018 Valley Gazette. All rights reserved."],
                                   ["Leave a Reply", "email address", "All rights reserved"]),
    "comments section ends the article": ([P1, P2, P3, "3 comments",
                                           "Sam W. says: This was the best news we have had all year, truly.",
                                           "Ana P. says: Thank you to every one of the divers who went down there."],
                                          ["Sam W.", "Ana P."]),
    "comments signed in their first line, no heading": (
        [P1, P2, P3, "At 2:26 pm on 02 Jun 2009, rivermouth wrote: The divers deserve a medal each, and the "
                     "coach should never have taken the boys into that cave in the rainy season.",
         "At 13:18 26th Apr 2009, Jo_K wrote: This comment was removed because the moderators found it broke "
         "the House Rules.", "Thank you for the updates all week long, they kept the whole village informed."],
        ["rivermouth", "divers deserve", "House Rules", "Thank you for the updates"]),
    "comment policy heading the comments": (
        [P1, P2, P3, "We welcome comments that advance the story through relevant opinion, anecdotes and data.",
         "Views expressed in the comments do not represent those of the Valley Gazette.",
         "Before moving to the valley desk, the author covered the national parliament for ten years."],
        ["We welcome", "Views expressed", "Before moving"]),
    "cookie notice": (["We use cookies to give you the best experience. By using this site you agree.", P1, P2,
                       P3], ["cookies"]),
    "photo credit": ([P1, "Photo: Getty Images", P2, P3], ["Getty"]),
    "media player notices": ([P1, "To watch this clip you need to have Javascript enabled and Flash installed.", P2,
                              "To play this clip JavaScript must be turned on and the latest Flash player installed.",
                              P3], ["Flash"]),
    "a player notice run into a caption": ([P1, P2, "Here is the evening bulletin as viewers abroad saw it... In order "
                                            "to see this content you need to have both Javascript enabled and Flash "
                                            "installed.", P3], ["Flash"]),
}


@pytest.mark.parametrize("name", CASES)
def test_cleaner_drops_boilerplate_and_keeps_every_paragraph(name: str) -> None:
    lines, dropped = CASES[name]
    text = clean_text("\n".join(lines)).text
    for paragraph in (P1, P2, P3):
        assert paragraph in text, name
    for snippet in dropped:
        assert snippet not in text, (name, snippet)


def test_cleaner_keeps_subheadings_short_lines_and_bullets() -> None:
    lines = [P1, "Divers Race the Monsoon", P2, "Nobody slept.", P3, "the oxygen levels in the chamber",
             "the depth of the flooded passages", P1.replace("Monday", "Tuesday"), "It was over."]
    text = clean_text("\n".join(lines)).text
    for line in lines:
        assert line in text, line


def test_cleaner_keeps_short_quote_lines() -> None:
    text = clean_text("\n".join([P1, "“Not yet,” he said.", P2, P3])).text
    assert "“Not yet,” he said." in text


def test_header_metadata() -> None:
    cleaned = clean_text("\n".join(["Valley Gazette", "Home", "World", "Asia", "",
                                    "Divers Find Missing Boys Alive in Flooded Cave", "",
                                    "By Ploy Siriwan and Tom Baker", "Published: 3 July 2018 | Updated: 5 July 2018",
                                    "", P1, P2, P3, "© 2018 Valley Gazette Media Group. All rights reserved."]))
    meta = text_metadata(cleaned)
    assert meta.title == "Divers Find Missing Boys Alive in Flooded Cave"
    assert meta.author == "Ploy Siriwan and Tom Baker"
    assert meta.published == "2018-07-03"
    assert meta.outlet == "Valley Gazette"
    assert meta.provenance["published"] == "text:published-label"


@pytest.mark.parametrize("first, outlet", [
    ("pressline – " + P1, "pressline"),
    ("CHIANG RAI, Thailand (Reuters) — " + P1, "Reuters"),
    ("CHIANG RAI — " + P1, None),
])
def test_dateline_outlets(first: str, outlet: str | None) -> None:
    assert text_metadata(clean_text("\n".join([first, P2, P3]))).outlet == outlet


def test_title_with_outlet_suffix() -> None:
    meta = text_metadata(clean_text("\n".join(["Divers Find Missing Boys Alive | Valley Gazette", "", P1, P2])))
    assert (meta.title, meta.outlet) == ("Divers Find Missing Boys Alive", "Valley Gazette")


def test_headline_ending_with_full_stop() -> None:
    cleaned = clean_text("\n".join(["Divers Find Missing Boys Alive in Flooded Cave.", "", P1, P2, P3]))
    assert text_metadata(cleaned).title == "Divers Find Missing Boys Alive in Flooded Cave"
    assert not cleaned.text.startswith("Divers Find")


@pytest.mark.parametrize("raw, expected", [
    ("June 12, 2018", "2018-06-12"), ("12 June 2018", "2018-06-12"), ("2018-06-12T09:30:00+08:00", "2018-06-12"),
    ("Tue, 12 Jun 2018 09:00:00 GMT", "2018-06-12"), ("12.06.2018", "2018-06-12"), ("Jun. 12th, 2018", "2018-06-12"),
    ("not a date", None), ("2018-02-30", None),
])
def test_normalize_date(raw: str, expected: str | None) -> None:
    assert normalize_date(raw) == expected


def test_find_dates_in_a_line() -> None:
    assert [d for _, d in find_dates("Posted on July 3, 2018 at 10:00, updated 2018-07-05")] == \
        ["2018-07-03", "2018-07-05"]


def test_decoding() -> None:
    assert decode_bytes("café “quoted”".encode("cp1252")) == "café “quoted”"
    assert decode_bytes("café".encode()) == "café"
    assert decode_bytes(b'<meta charset="iso-8859-1"><p>caf\xe9</p>') == '<meta charset="iso-8859-1"><p>café</p>'
    with pytest.raises(BinaryContent):
        decode_bytes(b"\x00\x01\x02binary\x00")


def test_article_date_beats_the_site_banner_date() -> None:
    cleaned = clean_text("\n".join(["Valley Gazette", "Monday, 9 July 2018", "Home", "World", "Asia", "",
                                    "Divers Find Missing Boys Alive in Flooded Cave", "By Ploy Siriwan",
                                    "3 July 2018", "", P1, P2, P3]))
    assert text_metadata(cleaned).published == "2018-07-03"
