"""Analyze: one article at a time, with spaCy (sentences, entities, actors).

Pure with respect to the corpus: nothing here looks at other articles, so batches can be
analysed in any process in any order.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.analyze.actors import article_actors
from storyline.analyze.nlp import load_pipeline
from storyline.analyze.quotes import extract_quotes, tag_signatures, tag_speaking_names
from storyline.model import AnalyzedArticle, Article, Sentence
from storyline.settings import Settings

__all__ = ["analyze_articles", "load_pipeline"]


def analyze_articles(articles: Sequence[Article], settings: Settings) -> list[AnalyzedArticle]:
    nlp = load_pipeline(settings.spacy_model)
    results = []
    for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=settings.batch_size),
                            strict=True):
        sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents]
        tag_signatures(doc)
        tag_speaking_names(doc)
        mentions, actors = article_actors(doc, [s.start for s in sentences], exclude=(article.outlet, article.author))
        roles = {a.key: list(a.roles) for a in actors if a.kind == "person"}
        quotes = extract_quotes(doc, mentions, roles)
        results.append(AnalyzedArticle(article=article, sentences=sentences, mentions=mentions, actors=actors,
                                       quotes=quotes))
    return results
