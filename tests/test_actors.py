"""Actors: one per real actor however the text spells or titles them. Real spaCy pipeline,
real corpus stage; each case is a hand-written pattern."""

from __future__ import annotations

import random
from dataclasses import asdict

import pytest

from storyline.analyze import analyze_articles
from storyline.analyze.actors import clean_name
from storyline.analyze.gazetteer import skeleton
from storyline.corpus import consolidate
from storyline.corpus.actors import (
    KeyStats,
    Weight,
    build_actor,
    folded_name,
    key_stats,
    kind_of,
    resolve,
)
from storyline.model import Article
from storyline.settings import Settings
from tests.conftest import decide_again, take_in


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


# ---- one person, one actor, across outlets -----------------------------------------------------

def test_transliterated_spellings_are_one_person(settings: Settings) -> None:
    actors = actors_of([
        "Libyan leader Muammar Gaddafi vowed on Sunday to fight on. Gaddafi spoke on state television for an hour.",
        "Libyan leader Moammar Gadhafi said his forces would win. Gadhafi blamed foreign powers for the unrest.",
        "Rebels said Qaddafi had fled the capital. Arab League chief Amr Moussa called for a ceasefire.",
        "Amr Musa, who heads the Arab League, urged calm on Tuesday. Musa met envoys in Cairo.",
    ], settings)
    found = people(actors)
    gaddafis = [n for n in found if "dafi" in n.lower()]
    assert gaddafis == ["Muammar Gaddafi"]
    assert {"Moammar Gadhafi", "Gadhafi", "Qaddafi"} <= set(found["Muammar Gaddafi"]["aliases"])
    assert len(found["Muammar Gaddafi"]["articles"]) == 3
    musas = [n for n in found if n.lower().startswith("amr")]
    assert len(musas) == 1 and {"Amr Musa", "Amr Moussa"} - set(musas) <= set(found[musas[0]]["aliases"])
    assert "Musa" not in found and "Moussa" not in found


def test_names_one_vowel_apart_or_of_another_skeleton_stay_apart(settings: Settings) -> None:
    found = people(actors_of([
        "Coach Dan Brown praised the defence on Saturday. Dan Brown said the team had improved a lot.",
        "Referee Don Brown sent off two players on Sunday. Don Brown said he had no choice.",
        "Kim Jong Un watched the launch with Kim Yo Jong. Kim Yo Jong later praised the scientists.",
    ], settings))
    assert {"Dan Brown", "Don Brown", "Kim Jong Un", "Kim Yo Jong"} <= set(found)


def test_bare_surname_tagged_as_a_body_joins_the_person(settings: Settings) -> None:
    """A bare name the kind vote makes an organisation, but a person in a good share of its
    mentions, belongs to the full name the corpus uses."""
    found = people(actors_of([
        "Senator Harriet Okonkwo unveiled the bill on Monday. Okonkwo said it would pass within weeks.",
        "Okonkwo told reporters the votes were there. Okonkwo added that talks had gone well.",
        "Harriet Okonkwo spoke again on Friday about the bill and its many critics.",
    ], settings))
    assert "Harriet Okonkwo" in found and "Okonkwo" not in found
    assert len(found["Harriet Okonkwo"]["articles"]) == 3


def test_acronym_spellings_and_spelled_out_names_are_one_body(settings: Settings) -> None:
    actors = actors_of([
        "The U.N. Security Council met on Monday, and the U.N. said it was alarmed by the fighting.",
        "The UN sent observers to the border town on Tuesday, officials said.",
        "The U.N said aid convoys would resume on Wednesday after a pause.",
        "The World Health Organization (WHO) raised its alert level. The WHO said the virus was spreading.",
        "A spokesman for the WHO said on Thursday that vaccines would be ready by autumn.",
        "The World Health Organisation said the number of cases had doubled in a week.",
    ], settings)
    bodies = {a["name"]: a for a in actors if a["kind"] == "organization"}
    un = [a for a in actors if a["kind"] == "organization" and a["name"] in ("UN", "U.N", "U.N.")]
    assert len(un) == 1 and len(un[0]["articles"]) == 3
    assert "World Health Organization" in bodies and "WHO" not in bodies
    assert len(bodies["World Health Organization"]["articles"]) == 3
    assert {"WHO", "World Health Organisation"} <= set(bodies["World Health Organization"]["aliases"])


def test_a_well_known_body_named_in_full_is_its_acronym(settings: Settings) -> None:
    actors = actors_of([
        "The United Nations called for a ceasefire in the port city on Monday, diplomats said.",
        "The UN said on Tuesday that food convoys had reached the port city.",
        "Officials at the International Monetary Fund said the loan would be approved in March.",
        "The IMF said inflation would fall to 9 percent by the end of the year.",
        "The Ruritanian Rail Board said trains would run again on Friday.",
    ], settings)
    bodies = {a["name"]: a for a in actors if a["kind"] == "organization"}
    un = [a for name, a in bodies.items() if name in ("UN", "United Nations")]
    imf = [a for name, a in bodies.items() if name in ("IMF", "International Monetary Fund")]
    assert len(un) == 1 and len(un[0]["articles"]) == 2, bodies.keys()
    assert len(imf) == 1 and len(imf[0]["articles"]) == 2, bodies.keys()
    assert len(bodies["Ruritanian Rail Board"]["articles"]) == 1


def test_a_common_word_opening_a_sentence_is_not_a_name(settings: Settings) -> None:
    actors = actors_of([
        "Health officials in the province said on Monday that the virus had reached two more towns. "
        "Health experts warned that schools could close. The health ministry said clinics would stay open.",
        "Critics said the views of farmers had been ignored by Harwell Mills, and Harwell said on Friday it would "
        "meet them.\n\nViews expressed in the comments are the readers' own.",
    ], settings)
    names = {a["name"] for a in actors}
    assert not {"Health", "Views"} & names, names
    assert any(a["name"].startswith("Harwell") for a in actors), names


def test_a_lower_case_article_the_ner_took_in_is_not_part_of_the_name() -> None:
    assert clean_name("a World Health Organisation") == "World Health Organisation"
    assert clean_name("the Harbour Authority's") == "Harbour Authority"
    assert clean_name("The Hague") == "The Hague" and clean_name("An Post") == "An Post"


def test_credits_and_datelines_are_not_actors(settings: Settings) -> None:
    actors = actors_of([
        "CAIRO (Reuters) - Egypt's health minister Hossam Fayed said on Sunday that schools would stay open.\n\n"
        "Reporting by Lotte Brandvik; Editing by Piers Wendham",
        "Photograph: Ines Caldeira/Reuters\n\nHealth minister Hossam Fayed visited a clinic in Giza on Monday.",
        "By Tomasz Wierzbicki\n\nHossam Fayed said the number of cases had fallen for a third week.",
    ], settings)
    names = {a["name"] for a in actors}
    assert "Hossam Fayed" in names
    assert not names & {"Reuters", "Lotte Brandvik", "Piers Wendham", "Ines Caldeira", "Tomasz Wierzbicki"}
    assert all("/" not in role for a in actors for role in a["roles"])


def test_headings_debate_titles_and_nicknames_are_not_people(settings: Settings) -> None:
    found = people(actors_of([
        "The mayor opened the new bridge on Monday, officials said.\n\nMorning Briefing With Tessa Ravenwood\n\n"
        "The council voted to raise taxes. Councillor Hugo Brandt said the vote was fair.",
        "Hugo Brandt v Marta Ilves drew a large crowd to the town hall.\n\nMarta Ilves said she enjoyed the debate. "
        "Brandt disagreed.",
        "General Jim \"Mad Dog\" Mattis spoke to troops. Jim \"Mad Dog\" Mattis said the mission was over.",
        "The Avian Flu H5N1 strain differs from the new virus, Health Protection Scotland said.",
        "Nobody here is sick and the shops are open. Carlos Ruiz, Guadalajara, Mexico Hey, what do you know?",
    ], settings))
    assert {"Hugo Brandt", "Marta Ilves", "Jim Mattis"} <= set(found)
    assert not [n for n in found if " v " in n or "Tessa" in n or '"' in n or "H5N1" in n or "Scotland" in n
                or "Hey" in n]


def test_firms_and_products_the_ner_took_for_people(settings: Settings) -> None:
    """A one-word name among firms is a firm; after "drug", or a firm's possession, a product."""
    found = actors_of([
        "Pharmacies ran short of flu medicine in the spring.\n\nDoctors in Leeds gave the inhaled drug Relenza "
        "to children.",
        "Vaccine makers including GlaxoSmithKline, Sanofi-Aventis, Novartis and Baxter International expect "
        "orders soon.",
        "Hospitals bought GlaxoSmithKline's Relenza in bulk, nurses said. Anna Berg, a nurse, said supplies were "
        "fine.",
        "Ministers asked GlaxoSmithKline, which makes Relenza, to double its output. Two antiviral drugs -- "
        "Relenza, made by GlaxoSmithKline, and Tamiflu -- work against the strain.",
        "Flu drugs were stockpiled.\n\nAn additional 880,000 doses of the Relenza are to be bought. The flu can be "
        "treated with oseltamivir (Tamiflu) and zanamivir (Relenza). It may work less well than Relenza, "
        "GlaxoSmithKline's inhaled drug, some doctors fear.",
        "The paper quoted Novartis Chief Executive Daniel Vasella as saying the vaccine would be ready.",
    ], settings)
    kinds = {a["name"]: a["kind"] for a in found}
    assert kinds["Novartis"] == kinds["Sanofi-Aventis"] == "organization" and kinds["Daniel Vasella"] == "person"
    assert "Novartis Chief Executive" not in kinds  # the post between a body and its officer
    assert "Relenza" not in kinds and kinds["Anna Berg"] == "person"


def test_titles_of_works_are_not_people(settings: Settings) -> None:
    found = people(actors_of([
        "Under the headline, Quiet Harbour, columnist Ines Marlow says the port town has been neglected for years.",
        "A report titled Bitter Winter described the shortages. Doctor Paul Okafor said supplies ran out in March.",
    ], settings))
    assert {"Ines Marlow", "Paul Okafor"} <= set(found)
    assert "Quiet Harbour" not in found and "Bitter Winter" not in found


def test_jordan_the_person_is_not_jordan_the_country(settings: Settings) -> None:
    actors = actors_of([
        "Basketball star Michael Jordan visited the school. Jordan said the pupils impressed him.",
        "King Abdullah of Jordan met officials in Amman. Jordan has taken in many refugees, the minister said.",
    ], settings)
    by_kind = {(a["kind"], a["name"]) for a in actors}
    assert ("person", "Michael Jordan") in by_kind and ("country", "Jordan") in by_kind
    person = next(a for a in actors if a["name"] == "Michael Jordan")
    assert len(person["articles"]) == 1


def test_georgia_the_state_is_not_georgia_the_country(settings: Settings) -> None:
    actors = actors_of([
        "Voters in Georgia lined up for the Senate runoff in Atlanta. Georgia's governor urged patience as "
        "county officials counted ballots.",
        "Protesters filled the streets of Tbilisi. Georgia asked the European Union for help as Russian troops "
        "massed near South Ossetia.",
        "Ms. Lana Ortez drove from Savannah, Georgia, to the state capitol to file her candidacy.",
    ], settings)
    georgias = sorted((a["kind"], a["name"], len(a["articles"])) for a in actors if a["name"] == "Georgia")
    assert georgias == [("country", "Georgia", 1), ("place", "Georgia", 2)]


def test_a_country_keeps_its_own_key_beside_a_place_of_its_name() -> None:
    stats = {"country:georgia": KeyStats("country:georgia", 9, (1, 0), {"Georgia": 9}),
             "place:georgia": KeyStats("place:georgia", 3, (2, 0), {"Georgia": 3}),
             "organization:georgia": KeyStats("organization:georgia", 1, (3, 0), {"Georgia": 1})}
    group = resolve(stats)
    assert group["country:georgia"] == "country:georgia" and group["place:georgia"] == "place:georgia"
    assert group["organization:georgia"] == "country:georgia"  # an ORG slip still joins the winner


# ---- the merge rules as functions of aggregates: exact over a neighbourhood ---------------------

def test_skeletons_of_transliterations() -> None:
    assert skeleton("Gaddafi") == skeleton("Gadhafi") == skeleton("Qaddafi") == skeleton("Kadafi")
    assert skeleton("Musa") == skeleton("Moussa") and skeleton("Muhammad") == skeleton("Mohammed")
    assert skeleton("Zelensky") == skeleton("Zelenskyy")
    assert skeleton("Ali") != skeleton("Li") and skeleton("Jong") != skeleton("Yo")


def test_resolve_merges_spellings_and_bare_respellings() -> None:
    stats = {key: Weight(mentions, (seq, 0)) for seq, (key, mentions) in enumerate([
        ("person:muammar gaddafi", 9), ("person:moammar gadhafi", 4), ("person:gadhafi", 5), ("person:qaddafi", 2),
        ("person:dan brown", 3), ("person:don brown", 3), ("person:kim jong un", 6), ("person:kim yo jong", 5),
        ("organization:world health organisation", 2), ("organization:world health organization", 7),
        ("country:jordan", 8), ("person:jordan", 3), ("person:michael jordan", 4),
        ("organization:okonkwo", 5), ("person:okonkwo", 2), ("person:harriet okonkwo", 3), ("organization:who", 6),
        ("organization:nsa", 2), ("organization:new south apparel", 1), ("person:marcia", 2),
        ("person:mauricio fraga-rosenfeld", 1),
        ("organization:defence research centre", 1), ("organization:defense research center", 3)], start=1)}
    # "organization:who" is spelled out as the World Health Organization somewhere, and so is the NSA
    stats["organization:who"] = stats["organization:who"]._replace(names={"WHO": 4, "World Health Organization": 2})
    stats["organization:nsa"] = stats["organization:nsa"]._replace(names={"National Security Agency": 2})
    group = resolve(stats)
    for key in ("person:moammar gadhafi", "person:gadhafi", "person:qaddafi"):
        assert group[key] == "person:muammar gaddafi"
    assert group["person:dan brown"] != group["person:don brown"]
    # a bare given name is not merged by a respelling alone ("Marcia", "Mauricio" share a skeleton)
    assert group["person:marcia"] == "person:marcia"
    assert group["person:kim jong un"] != group["person:kim yo jong"]
    assert group["country:jordan"] == "country:jordan"
    assert group["person:jordan"] == "person:michael jordan"
    assert group["organization:world health organisation"] == group["organization:world health organization"] \
        == group["organization:who"] == "organization:who"
    assert group["organization:defence research centre"] == "organization:defense research center"
    assert group["organization:nsa"] == "organization:nsa"
    assert group["organization:new south apparel"] == "organization:new south apparel"  # initials alone
    # tagged a body more often than a person, but a person often enough: still Harriet Okonkwo
    assert group["organization:okonkwo"] == group["person:okonkwo"] == "person:harriet okonkwo"


def test_neighbourhood_decisions_equal_deciding_everything_with_respellings() -> None:
    """As tests/test_incremental.py checks for plain names, over a vocabulary of respellings and
    acronyms: batch by batch over the neighbourhood of what each batch changed equals deciding
    at once, after every batch."""
    rng = random.Random(11)
    words = ["gaddafi", "gadhafi", "qaddafi", "muammar", "moammar", "musa", "moussa", "amr", "dan", "don", "brown",
             "jordan", "who", "un", "world", "health", "organization", "organisation", "united", "nations"]
    spelled = ["World Health Organization", "World Health Organisation", "United Nations", "Amr Musa"]
    kinds = ["person", "person", "person", "organization", "organization", "country"]
    merged = 0
    for _ in range(25):
        per_article = []
        for _ in range(50):
            actors = {}
            for _ in range(rng.randint(1, 3)):
                name = " ".join(rng.sample(words, rng.choice([1, 1, 2, 2, 3])))
                if rng.random() < 0.2:
                    name = rng.choice(spelled).lower()
                key = f"{rng.choice(kinds)}:{name}"
                shown = rng.choice(spelled) if " " not in name and rng.random() < 0.4 else name.title()
                actors[key] = {"key": key, "name": shown, "kind": kind_of(key), "mentions": rng.randint(1, 5),
                               "aliases": [], "roles": []}
            per_article.append(list(actors.values()))
        stats: dict[str, KeyStats] = {}
        owner: dict[str, str] = {}
        seq = 0
        while seq < len(per_article):
            batch = per_article[seq:seq + rng.randint(1, 3)]
            delta = key_stats(enumerate(batch, start=seq + 1))
            seq += len(batch)
            take_in(stats, owner, delta)  # checked after every batch, not only the last
        whole = resolve(key_stats(enumerate(per_article, start=1)))
        assert owner == whole
        merged += sum(1 for k, g in whole.items() if " " in folded_name(k) and " " not in folded_name(g))
    assert merged  # full names did join acronyms


def grow(batches: list[list[tuple[str, str, int]]]) -> dict[str, str]:
    """Batches of (key, spelling, mentions) taken in one at a time as the corpus stage does,
    each checked against deciding over everything so far; the owners at the end."""
    stats: dict[str, KeyStats] = {}
    owner: dict[str, str] = {}
    for seq, batch in enumerate(batches, start=1):
        delta = key_stats([(seq, [{"key": k, "name": n, "mentions": m} for k, n, m in batch])])
        take_in(stats, owner, delta, f"after batch {seq}")
    return owner


def test_transliterations_arriving_in_different_batches_are_one_person() -> None:
    owner = grow([[("person:muammar gaddafi", "Muammar Gaddafi", 5)],
                  [("person:moammar gadhafi", "Moammar Gadhafi", 2), ("person:kim jong un", "Kim Jong Un", 3)],
                  [("person:qaddafi", "Qaddafi", 1), ("person:kim yo jong", "Kim Yo Jong", 3)],
                  [("person:gadhafi", "Gadhafi", 2), ("person:kim", "Kim", 2)]])
    assert {owner[k] for k in ("person:moammar gadhafi", "person:qaddafi", "person:gadhafi")} \
        == {"person:muammar gaddafi"}
    assert owner["person:kim yo jong"] == "person:kim yo jong" and owner["person:kim"] == "person:kim"
    # the bare respelling came first, the full name later: it joins then
    owner = grow([[("person:gadhafi", "Gadhafi", 4)], [("person:muammar gaddafi", "Muammar Gaddafi", 1)]])
    assert owner["person:gadhafi"] == "person:muammar gaddafi"


def test_an_acronym_and_its_full_name_in_different_batches() -> None:
    full = "organization:pacific fisheries council"
    spelled = ("organization:pfc", "Pacific Fisheries Council", 1)
    # the acronym spelled out after the full name: the full name joins it, and stays with it when
    # only the full name comes again
    owner = grow([[(full, "Pacific Fisheries Council", 3)], [spelled, ("organization:pfc", "PFC", 2)],
                  [(full, "Pacific Fisheries Council", 4)]])
    assert owner[full] == "organization:pfc"
    # a person of that one word holding most of its mentions takes the acronym, and the full name
    # is its own body again
    owner = grow([[(full, "Pacific Fisheries Council", 3)], [spelled],
                  [("person:pfc", "Pfc", 6), ("person:ana pfc", "Ana Pfc", 9)],
                  [(full, "Pacific Fisheries Council", 1)]])
    assert owner["organization:pfc"] == "person:ana pfc" and owner[full] == full


def test_a_full_name_defined_as_an_acronym_joins_it_whatever_its_initials() -> None:
    """"Federal Aviation Authority of Ruritania (FAA)": initials "faar", not "faa"; the article
    put that spelling under the acronym, and every article naming the body in full follows it,
    with the full name's respellings; a full name no article defined stays itself."""
    full = "organization:federal aviation authority of ruritania"
    respelt = "organization:federal aviation authorty of ruritania"
    defined = ("organization:faa", "Federal Aviation Authority of Ruritania", 1)
    other = "organization:ruritanian rail board"
    for batches in ([[(full, "Federal Aviation Authority of Ruritania", 4), (respelt, "Federal Aviation "
                       "Authorty of Ruritania", 1), (other, "Ruritanian Rail Board", 2)],
                     [defined, ("organization:faa", "FAA", 3)], [(full, "Federal Aviation Authority of Ruritania", 2)]],
                    [[defined], [(full, "Federal Aviation Authority of Ruritania", 4)],
                     [(respelt, "Federal Aviation Authorty of Ruritania", 1), (other, "Ruritanian Rail Board", 2)]]):
        owner = grow(batches)
        assert owner[full] == owner[respelt] == "organization:faa"
        assert owner[other] == other
    # defined as two acronyms: the one with more mentions takes it
    owner = grow([[("organization:faa", "Federal Aviation Authority of Ruritania", 1)],
                  [("organization:far", "Federal Aviation Authority of Ruritania", 2), (full, "Federal Aviation "
                    "Authority of Ruritania", 1)]])
    assert owner[full] == "organization:far"


def test_an_actor_is_named_by_its_full_capitalised_commonest_spelling() -> None:
    congress = build_actor("organization:congress", [KeyStats("organization:congress", 9, names={"congress": 6,
                                                                                                "Congress": 3})])
    assert congress["name"] == "Congress" and congress["aliases"] == ["congress"]
    obama = build_actor("person:barack obama", [KeyStats("person:barack obama", 4, names={"Barack Obama": 4}),
                                                KeyStats("person:obama", 9, names={"Obama": 9})])
    assert obama["name"] == "Barack Obama"
    who = build_actor("organization:who", [KeyStats("organization:who", 9, names={
        "World Health Organisation": 2, "World Health Organization": 3, "WHO": 4})])
    assert who["name"] == "World Health Organization"


def test_a_recurring_name_does_not_bring_in_the_store() -> None:
    """A new mention of a head of state reads the names that share a word with it, not the
    hundreds of others mentioned beside it over the corpus."""
    others = [(f"person:{a} {b}", f"{a} {b}".title(), 1) for a in ("ilse", "omar", "rhea", "tove")
              for b in ("brandt", "okafor", "lindqvist", "moreau", "sato", "varga", "quispe", "nakamura")]
    stats = {k: KeyStats(k, mentions=m, first=(i, 0)) for i, (k, _, m) in enumerate(others, start=1)}
    for key, mentions in (("person:joe biden", 40), ("person:biden", 30), ("person:hunter biden", 3),
                          ("organization:biden", 1)):
        stats[key] = KeyStats(key, mentions=mentions, first=(len(stats) + 1, 0))
    affected, support = decide_again(stats, ["person:joe biden", "person:biden"], {})
    assert affected == {"person:joe biden", "person:biden", "organization:biden"}
    assert support == affected | {"person:hunter biden"}
