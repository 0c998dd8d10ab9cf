"""Stories and storylines from short reports of our own, parsed by the real spaCy pipeline."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from storyline.analyze.actors import article_actors
from storyline.analyze.nlp import load_pipeline
from storyline.analyze.terms import fold_word, key_terms
from storyline.corpus.stories import ArticleProfile, StoryClusterer, StoryParams, candidate_bounds, is_candidate
from storyline.corpus.storylines import StorylineLinker, should_link
from storyline.settings import Settings

QUAKE_A1 = ("A magnitude 6.8 earthquake struck the mountains of Tarvonia on Tuesday, killing 41 people in the "
            "town of Ostrel. Rescuers from the Tarvonian Red Crescent dug through collapsed houses in Ostrel "
            "overnight. Governor Lena Markov said the quake had flattened the old market.")
QUAKE_A2 = ("Rescue teams in Ostrel pulled survivors from the rubble after the 6.8 magnitude earthquake that "
            "killed 41 people in Tarvonia. Governor Lena Markov said aid had reached the town and that the "
            "Tarvonian Red Crescent was running shelters for families whose houses collapsed.")
QUAKE_B = ("A magnitude 7.2 earthquake shook the coast of Veskaria on Sunday, killing 112 people in the port "
           "city of Dumari. Rescuers searched collapsed buildings in Dumari through the night. Prime Minister "
           "Tomas Ferro said the quake was the worst the country had seen.")
SUMMIT_1 = ("President Alma Reyes and Chancellor Piet Vogel met in Lisbon for their first summit and agreed to "
            "talks on a border treaty. Reyes said the Lisbon summit opened a new chapter with Vogel.")
SUMMIT_2 = ("A year after their first meeting in Lisbon, President Alma Reyes and Chancellor Piet Vogel held a "
            "second summit in Oslo, where talks on the border treaty collapsed. Vogel said Reyes had walked out.")
REHAB_1 = ("Singer Dara Quill checked into the Silverpine rehab clinic in Malibu, her spokesman Owen Hale said. "
           "Quill entered treatment after a difficult tour, Hale said.")
REHAB_2 = ("Actor Bruno Kessel entered the Lakeshore rehab center in Arizona, his agent Nora Finch said. "
           "Kessel checked into treatment after his arrest, Finch said.")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(Settings().spacy_model)


def profile(nlp, text: str, seq: int, published: date | None = None, duplicate_of: str | None = None,
            article_id: str | None = None) -> ArticleProfile:
    doc = nlp(text)
    mentions, actors = article_actors(doc, [s.start for s in doc.sents])
    return ArticleProfile(article_id=article_id or f"a{seq}", seq=seq, published=published,
                          terms=key_terms(doc, mentions), actors={a.key: a.mentions for a in actors},
                          duplicate_of=duplicate_of)


def cluster(profiles: list[ArticleProfile]) -> dict[str, str]:
    clusterer = StoryClusterer([], {}, 0)
    for p in profiles:
        clusterer.add(p)
    return {p.article_id: clusterer.story_of(p.article_id) for p in profiles}


def take_batch(clusterer: StoryClusterer, batch: list[ArticleProfile], store: dict, story_of: dict[str, str],
               df: Counter[str]) -> dict[str, str]:
    """A batch through the clusterer, its results written back as the corpus stage writes them
    (`store`: the stored profiles; `df`: stored document frequencies); returns story_of."""
    for a in batch:
        clusterer.add(a)
    for gone in clusterer.merged:
        store.pop(gone, None)
    story_of = {k: clusterer.merged.get(v, v) for k, v in story_of.items()}
    story_of.update({a.article_id: clusterer.story_of(a.article_id) for a in batch})
    store.update({p.id: p for p in clusterer.changed()})
    df.update(clusterer.df_changes()[0])
    return story_of


def test_fold_word_gives_base_forms():
    assert [fold_word(w, t) for w, t in [("earthquakes", "NNS"), ("checked", "VBD"), ("struck", "VBD"),
                                         ("collapsed", "VBN"), ("rescued", "VBD"), ("stopping", "VBG"),
                                         ("countries", "NNS")]] == \
        ["earthquake", "check", "strike", "collapse", "rescue", "stop", "country"]


def test_key_terms_keep_names_and_figures(nlp):
    doc = nlp(QUAKE_A1)
    mentions, _ = article_actors(doc, [s.start for s in doc.sents])
    terms = key_terms(doc, mentions)
    assert terms["earthquake"] == 1 and terms["quake"] == 1
    assert terms["6.8"] == 1 and terms["41"] == 1
    assert "lena markov" in terms and terms["ostrel"] == 2
    assert not {"said", "say", "tuesday", "the"} & terms.keys()


def test_two_reports_of_one_earthquake_are_one_story(nlp):
    stories = cluster([profile(nlp, QUAKE_A1, 1, date(2023, 3, 7)), profile(nlp, QUAKE_A2, 2, date(2023, 3, 8))])
    assert stories["a1"] == stories["a2"]


def test_two_earthquakes_are_two_stories(nlp):
    # dated years apart: never even compared
    dated = cluster([profile(nlp, QUAKE_A1, 1, date(2019, 3, 7)), profile(nlp, QUAKE_B, 2, date(2023, 9, 3))])
    assert dated["a1"] != dated["a2"]
    # undated: told apart by what each names (places, people, figures), not by the shared words
    undated = cluster([profile(nlp, QUAKE_A1, 1), profile(nlp, QUAKE_A2, 2), profile(nlp, QUAKE_B, 3)])
    assert undated["a1"] == undated["a2"] != undated["a3"]


def test_near_duplicate_joins_its_originals_story(nlp):
    arts = [profile(nlp, QUAKE_A1, 1, date(2023, 3, 7)), profile(nlp, QUAKE_B, 2, date(2023, 3, 7)),
            profile(nlp, QUAKE_B + " Aid groups appealed for blankets.", 3, date(2023, 3, 7), duplicate_of="a1")]
    stories = cluster(arts)
    assert stories["a3"] == stories["a1"] != stories["a2"]


def test_batches_give_the_same_stories(nlp):
    texts = [QUAKE_A1, QUAKE_B, QUAKE_A2, REHAB_1, SUMMIT_1, REHAB_2, SUMMIT_2]
    arts = [profile(nlp, t, i + 1, date(2023, 3, 7 + i)) for i, t in enumerate(texts)]
    whole = cluster(arts)
    store: dict = {}
    df: Counter[str] = Counter()
    n_docs = 0
    story_of: dict[str, str] = {}
    for batch in (arts[:2], arts[2:5], arts[5:]):
        lo, hi, min_seq = candidate_bounds(batch, StoryParams())
        loaded = [p for p in store.values() if p.last_seq >= min_seq or (p.first <= hi and p.last >= lo)]
        assert all(p in loaded for p in store.values() if any(is_candidate(p, a, StoryParams()) for a in batch))
        clusterer = StoryClusterer(loaded, dict(df), n_docs)
        story_of = take_batch(clusterer, batch, store, story_of, df)
        n_docs += clusterer.df_changes()[1]
    assert story_of == whole
    # quake A (a1, a3), quake B, two rehab stays; the summits, dated days apart here, are one story
    assert len(set(whole.values())) == 5


def test_one_clusterer_kept_across_batches_equals_one_per_batch(nlp):
    """The corpus stage keeps one clusterer for a run's batches: it forgets the stories the store
    would not load for the next batch and reads only those it does not hold. Dated months apart
    and out of order, so stories are forgotten and read back (quake A's story after quake B)."""
    texts = [QUAKE_A1, QUAKE_B, REHAB_1, SUMMIT_1, REHAB_2, SUMMIT_2, QUAKE_A2]
    days = [date(2023, 3, 7), date(2023, 9, 1), date(2023, 9, 20), date(2024, 2, 1), date(2023, 9, 25),
            date(2024, 2, 3), date(2023, 3, 9)]
    arts = [profile(nlp, t, i + 1, d) for i, (t, d) in enumerate(zip(texts, days, strict=True))]
    params = StoryParams(recent=1)
    results = []
    for keep in (False, True):
        store: dict = {}
        df: Counter[str] = Counter()
        n_docs, read = 0, []
        story_of: dict[str, str] = {}
        kept = StoryClusterer([], {}, 0, params)
        for batch in (arts[:2], arts[2:4], arts[4:6], arts[6:]):
            lo, hi, min_seq = candidate_bounds(batch, params)
            wanted = [p for p in store.values() if p.last_seq >= min_seq or (p.first <= hi and p.last >= lo)]
            if keep:
                clusterer = kept
                clusterer.next_batch(lo, hi, min_seq)
                loaded = [p for p in wanted if p.id not in clusterer.held]
                clusterer.hold(loaded, dict(df), n_docs)
                assert set(clusterer.held) == {p.id for p in wanted}
            else:
                clusterer, loaded = StoryClusterer(wanted, dict(df), n_docs, params), wanted
            read.append(sorted(p.id for p in loaded))
            story_of = take_batch(clusterer, batch, store, story_of, df)
            n_docs += clusterer.df_changes()[1]
        results.append((story_of, store, dict(df), n_docs, read))
    (fresh, fresh_store, fresh_df, fresh_n, fresh_read), (kept_of, kept_store, kept_df, kept_n, kept_read) = results
    assert kept_of == fresh
    assert kept_store == fresh_store and kept_df == fresh_df and kept_n == fresh_n
    assert fresh["a1"] == fresh["a7"] and fresh["a4"] == fresh["a6"] and fresh["a3"] != fresh["a5"]
    # quake A's story was forgotten after batch 1 and read back for the last one; the first rehab
    # stay and the summit stayed held from batch 2 to batch 3 and were not read again
    assert fresh["a1"] not in kept_read[1] + kept_read[2] and fresh["a1"] in kept_read[3]
    assert {fresh["a3"], fresh["a4"]} <= set(fresh_read[2]) and not {fresh["a3"], fresh["a4"]} & set(kept_read[2])


def test_storylines_link_summits_not_rehab_stays(nlp):
    arts = [profile(nlp, SUMMIT_1, 1, date(2018, 6, 12)), profile(nlp, SUMMIT_2, 2, date(2019, 6, 20)),
            profile(nlp, REHAB_1, 3, date(2018, 5, 1)), profile(nlp, REHAB_2, 4, date(2019, 5, 1))]
    clusterer = StoryClusterer([], {}, 0)
    stories = [clusterer.add(a) for a in arts]
    assert len(set(stories)) == 4
    profiles = {p.id: p for p in clusterer.changed()}
    summit_1, summit_2, rehab_1, rehab_2 = (profiles[s] for s in stories)
    assert should_link(summit_2, summit_1)
    assert not should_link(rehab_2, rehab_1)
    linker = StorylineLinker()
    for p in sorted(profiles.values(), key=lambda p: p.first_seq):
        linker.add(p)
    lines = linker.storylines()
    assert lines[summit_1.id] == [summit_1.id, summit_2.id]
    assert lines[rehab_1.id] == [rehab_1.id] and lines[rehab_2.id] == [rehab_2.id]


STRIKE_1 = ("Dockworkers at the port of Varnholt walked out on Monday, and 3,700 members of the Harbour Union "
            "began an open-ended strike over pay. Union leader Ilse Brandt said the stoppage would last until "
            "the port authority raised wages.")
STRIKE_2 = ("Container ships queued off Varnholt as the walkout by 3,700 port workers entered its second day. "
            "Shipping firms warned of shortages, and the port authority said talks with Brandt's union had "
            "stalled.")


def test_figures_weigh_twice_a_word_of_equal_rarity():
    clusterer = StoryClusterer([], {}, 0)
    vec = clusterer.vector(ArticleProfile("x", 1, None, {"strike": 1, "3700": 1}, {}))
    assert vec.terms["3700"] == pytest.approx(2 * vec.terms["strike"])
    plain = StoryClusterer([], {}, 0, StoryParams(number_boost=1.0)).vector(
        ArticleProfile("x", 1, None, {"strike": 1, "3700": 1}, {}))
    assert plain.terms["3700"] == pytest.approx(plain.terms["strike"])


def test_a_shared_figure_holds_a_happening_s_reports_together(nlp):
    arts = [profile(nlp, STRIKE_1, 1, date(2024, 2, 5)), profile(nlp, STRIKE_2, 2, date(2024, 2, 6))]
    assert arts[0].terms["3700"] == 1 and arts[1].terms["3700"] == 1
    stories = cluster(arts)
    assert stories["a1"] == stories["a2"]
    # the figure counts: weighed as a word, the second day's report scores lower against the story
    with_figures = StoryClusterer([], {}, 0)
    without = StoryClusterer([], {}, 0, StoryParams(number_boost=1.0))
    for c in (with_figures, without):
        for a in arts:
            c.add(a)
    assert with_figures.last_score > without.last_score
