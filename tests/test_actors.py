"""Actors: one per real actor however the text spells or titles them. Real spaCy pipeline,
real corpus stage; each case is a hand-written pattern."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from storyline.analyze import analyze_articles
from storyline.corpus import consolidate
from storyline.model import Article
from storyline.settings import Settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(workers=1)


def actors_of(texts: list[str], settings: Settings, **meta: str) -> list[dict]:
    articles = [Article(source=f"a{i}", kind="text", text=t, **meta) for i, t in enumerate(texts)]
    analyzed = analyze_articles(articles, settings)
    return consolidate([(a.id, [asdict(x) for x in a.actors]) for a in analyzed])


def people(actors: list[dict]) -> dict[str, dict]:
    return {a["name"]: a for a in actors if a["kind"] == "person"}


def test_spellings_and_surnames_merge(settings: Settings) -> None:
    actors = actors_of([
        "North Korean leader Kim Jong-un met Donald Trump in Singapore. Kim smiled as Trump spoke.",
        "President Trump said Kim Jong Un had kept his word. Trump added that he trusted the North Korean leader.",
    ], settings)
    found = people(actors)
    kims = [n for n in found if n.startswith("Kim")]
    assert len(kims) == 1 and kims[0] in ("Kim Jong Un", "Kim Jong-un")
    assert {"Kim", "Kim Jong-un", "Kim Jong Un"} - {kims[0]} <= set(found[kims[0]]["aliases"]) | {kims[0]}
    assert "Donald Trump" in found and "Trump" not in found
    assert len(found["Donald Trump"]["articles"]) == 2


def test_titles_become_roles(settings: Settings) -> None:
    found = people(actors_of([
        "South Korean President Moon Jae-in flew to Washington on Monday. Jenny Town, director of the "
        "Stimson Center's 38 North program, said the visit mattered. Moon later met reporters."], settings))
    assert "Moon Jae-in" in found and any("President" in r for r in found["Moon Jae-in"]["roles"])
    assert "Jenny Town" in found and any("director" in r for r in found["Jenny Town"]["roles"])


def test_demonyms_are_countries(settings: Settings) -> None:
    actors = actors_of(["North Korean officials met American diplomats in Hanoi on Tuesday to talk."], settings)
    countries = {a["name"] for a in actors if a["kind"] == "country"}
    assert {"North Korea", "United States"} <= countries


def test_surname_tagged_as_organisation_is_the_person(settings: Settings) -> None:
    actors = actors_of(["Donald Trump arrived late. Speaking at a press conference on Friday, Trump told "
                        "reporters the talks would continue. Trump then left for the airport."], settings)
    assert "Donald Trump" in people(actors)
    assert not [a for a in actors if a["kind"] == "organization" and a["name"] == "Trump"]


def test_headline_fragment_is_not_a_person(settings: Settings) -> None:
    actors = actors_of(["Donald Trump wants talks.\n\nTrump Seeks New Meeting With Kim\n\n"
                        "Donald Trump said on Friday that he would like to meet Kim Jong Un again."], settings)
    assert "Trump Seeks" not in people(actors)


def test_same_surname_different_people_stay_apart(settings: Settings) -> None:
    found = people(actors_of([
        "Kim Jong Un watched the parade with his sister Kim Yo Jong. Kim Yo Jong later issued a statement.",
        "Kim Jong Un inspected a missile base. Kim Yo Jong travelled to Seoul for the Olympics."], settings))
    assert {"Kim Jong Un", "Kim Yo Jong"} <= set(found)


def test_byline_and_outlet_are_not_actors(settings: Settings) -> None:
    actors = actors_of(["Pacific Wire – Mina Park met no one. Donald Trump and Kim Jong Un talked in Hanoi about "
                        "sanctions for two hours on Thursday, officials said."], settings,
                       author="Mina Park", outlet="Pacific Wire")
    names = {a["name"] for a in actors}
    assert "Pacific Wire" not in names and "Mina Park" not in names and "Donald Trump" in names


def test_platform_and_places_are_not_people(settings: Settings) -> None:
    found = people(actors_of(["Donald Trump wrote on Twitter that he would travel. The boys were found "
                              "in Mae Sai district near the border, rescuers said."], settings))
    assert "Twitter" not in found and "Mae Sai" not in found
