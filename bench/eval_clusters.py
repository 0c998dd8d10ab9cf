"""Story clustering measured on ECB+ (and the demo corpus printed for a two-level gold).

ECB+ (../shared/eval/ecbplus-dev) pairs, per topic, two happenings of one kind years apart, so
it tests "two earthquakes are two stories". Each article goes the way storyline takes it:
the JSONL reader and `extract` make the Article (title from the `title` field, body from
`text`), spaCy parses what is analysed, `article_actors` gives mentions and actor keys,
`corpus.actors.resolve` merges keys across articles as the corpus stage does, and the terms
are those of analyze/stages.py `_terms`: `key_terms` of the body plus `key_terms` of the
headline parsed on its own. ArticleProfiles go through StoryClusterer in file order (there are
no dates).

Printed: B-cubed and pairwise P/R/F1 (../shared/eval/cluster_score.py) for the pipeline's
features (also, with --variant all, for title + body parsed as one text and for the body
alone); the agreement between one batch and three batches (a fresh
clusterer per batch fed only the stories the store query would return, profiles and document
frequencies round-tripped through JSON); time per `add` with 4,000 candidate stories held;
the demo corpus's stories and storylines.

usage: python bench/eval_clusters.py [--variant pipeline|titled|body|all] [--no-demo] [--no-timing]
       [--errors] [--set join=0.25 ...]
Parsed docs are cached in /tmp/storyline-eval-clusters (DocBin) to iterate fast.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, replace
from datetime import date
from itertools import combinations
from pathlib import Path

from spacy.tokens import DocBin

from storyline.analyze.actors import article_actors
from storyline.analyze.nlp import load_pipeline
from storyline.analyze.terms import key_terms
from storyline.corpus.actors import actor_id, key_stats, resolve
from storyline.corpus.stories import (
    ArticleProfile,
    StoryClusterer,
    StoryParams,
    StoryProfile,
    candidate_bounds,
)
from storyline.corpus.storylines import StorylineLinker
from storyline.extract import extract
from storyline.ingest.jsonl import read_jsonl
from storyline.model import Article
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
ECB = EVAL / "ecbplus-dev"
CACHE = Path("/tmp/storyline-eval-clusters")


def _scorer():
    spec = importlib.util.spec_from_file_location("cluster_score", EVAL / "cluster_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ecb_articles(settings: Settings) -> list[Article]:
    out = []
    for raw in read_jsonl(ECB / "articles.jsonl", settings):
        article = extract(raw, settings)
        if isinstance(article, Article):
            out.append(article)
    return out


def parse(texts: list[str], name: str, settings: Settings) -> list:
    nlp = load_pipeline(settings.spacy_model)
    path = CACHE / f"{name}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    docs = list(nlp.pipe(texts, batch_size=settings.batch_size))
    CACHE.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs).to_disk(path)
    return docs


def parse_titles(articles: list[Article], name: str, settings: Settings) -> list:
    """Each headline parsed on its own (None for an article without one), as the pipeline does."""
    titled = [a.title.strip() for a in articles if a.title and a.title.strip()]
    docs = iter(parse(titled, name, settings))
    return [next(docs) if a.title and a.title.strip() else None for a in articles]


def profiles(articles: list[Article], docs: list, dates: list[date | None] | None = None,
             duplicates: dict[str, str] | None = None, titles: list | None = None) -> list[ArticleProfile]:
    """ArticleProfiles as the corpus stage would build them (actor keys resolved corpus-wide).
    `titles`: the headlines parsed on their own, whose terms are added to the body's, as
    analyze/stages.py `_terms` does (None: the body's terms alone)."""
    per_article = []
    for article, doc in zip(articles, docs, strict=True):
        mentions, actors = article_actors(doc, [s.start for s in doc.sents], exclude=(article.outlet, article.author))
        per_article.append((mentions, actors))
    stats = key_stats((seq, [{"key": a.key, "name": a.name, "mentions": a.mentions} for a in actors])
                      for seq, (_, actors) in enumerate(per_article, start=1))
    into = resolve(stats)
    out = []
    for seq, (article, doc, (mentions, actors)) in enumerate(zip(articles, docs, per_article, strict=True), start=1):
        counts: dict[str, int] = {}
        for a in actors:
            aid = actor_id(into[a.key])
            counts[aid] = counts.get(aid, 0) + a.mentions
        published = dates[seq - 1] if dates else (date.fromisoformat(article.published) if article.published else None)
        terms = key_terms(doc, mentions)
        title = titles[seq - 1] if titles else None
        if title is not None:
            for term, count in key_terms(title, []).items():
                terms[term] = terms.get(term, 0) + count
        out.append(ArticleProfile(article_id=article.id, seq=seq, published=published,
                                  terms=terms, actors=counts,
                                  duplicate_of=(duplicates or {}).get(article.id)))
    return out


def cluster_once(arts: list[ArticleProfile], params: StoryParams) -> dict[str, str]:
    clusterer = StoryClusterer([], {}, 0, params)
    for a in arts:
        clusterer.add(a)
    return {a.article_id: clusterer.story_of(a.article_id) for a in arts}


def _roundtrip(profile: StoryProfile) -> StoryProfile:
    """What the store gives back: plain JSON types (dates as ISO strings)."""
    data = json.loads(json.dumps(asdict(profile), default=str))
    for key in ("first", "last"):
        data[key] = date.fromisoformat(data[key]) if data[key] else None
    return StoryProfile(**data)


def cluster_batches(arts: list[ArticleProfile], params: StoryParams, batches: int) -> tuple[dict[str, str], int]:
    """Several runs, each a fresh clusterer given only what the store query returns."""
    store: dict[str, StoryProfile] = {}
    df: dict[str, int] = {}
    n_docs = 0
    story_of: dict[str, str] = {}
    size = -(-len(arts) // batches)
    loaded_max = 0
    for start in range(0, len(arts), size):
        batch = arts[start:start + size]
        lo, hi, min_seq = candidate_bounds(batch, params)
        loaded = [p for p in store.values()
                  if p.last_seq >= min_seq or (lo and p.first and p.last and p.first <= hi and p.last >= lo)]
        loaded_max = max(loaded_max, len(loaded))
        terms = {t for a in batch for t in a.terms} | {k for a in batch for k in a.actors}  # as story_stage
        clusterer = StoryClusterer([_roundtrip(p) for p in loaded], {t: df[t] for t in terms if t in df}, n_docs,
                                   params)
        for a in batch:
            if a.duplicate_of and a.duplicate_of in story_of:
                a = replace(a, duplicate_story=story_of[a.duplicate_of])
            story_of[a.article_id] = clusterer.add(a)
        for gone, into in clusterer.merged.items():
            store.pop(gone, None)
            for aid, sid in story_of.items():
                if sid == gone:
                    story_of[aid] = into
        for a in batch:
            story_of[a.article_id] = clusterer.story_of(a.article_id)
        for p in clusterer.changed():
            store[p.id] = p
        delta, n = clusterer.df_changes()
        for t, d in delta.items():
            df[t] = df.get(t, 0) + d
        n_docs += n
    return story_of, loaded_max


def agreement(a: dict[str, str], b: dict[str, str]) -> float:
    """Share of article pairs on which two clusterings agree (together in both or apart in both)."""
    keys = sorted(a)
    same = total = 0
    for x, y in combinations(keys, 2):
        total += 1
        same += (a[x] == a[y]) == (b[x] == b[y])
    return same / total if total else 1.0


def score(articles: list[Article], assigned: dict[str, str]) -> dict:
    dossier = {"articles": [{"id": a.id, "url": a.url, "source": a.source, "story_id": assigned[a.id],
                             "duplicate_of": None} for a in articles]}
    gold = json.loads((ECB / "gold.json").read_text())["stories"]
    return _scorer().score(dossier, gold)


def errors(articles: list[Article], assigned: dict[str, str]) -> None:
    """The gold stories split over several predicted ones, and the predicted stories mixing gold ones."""
    gold = json.loads((ECB / "gold.json").read_text())["stories"]
    by_gold: dict[str, list[str]] = {}
    by_pred: dict[str, list[str]] = {}
    for a in articles:
        by_gold.setdefault(gold[a.url], []).append(assigned[a.id])
        by_pred.setdefault(assigned[a.id], []).append(gold[a.url])
    for g, preds in sorted(by_gold.items()):
        sizes = sorted(Counter(preds).values(), reverse=True)
        if len(sizes) > 1:
            print(f"  split {g}: {sizes}")
    for pid, golds in sorted(by_pred.items(), key=lambda kv: -len(kv[1])):
        counts = Counter(golds)
        if len(counts) > 1:
            print(f"  mixed {pid}: {dict(counts.most_common())}")


def timing(arts: list[ArticleProfile], params: StoryParams, n_stories: int = 4000) -> float:
    """ms per add with `n_stories` candidate stories held: profiles made from the measured
    articles with most of their terms renamed per copy (so copies share only common words)."""
    rng = random.Random(7)
    base = StoryClusterer([], {}, 0, params)
    vectors = []
    for a in arts:
        for t in a.terms:
            base._df_delta[t] += 1
        base._n_delta += 1
    for a in arts:
        vectors.append(base.vector(a))
    stories = []
    scale = max(1, n_stories * 10 // len(arts))
    for i in range(n_stories):
        v = vectors[rng.randrange(len(vectors))]
        terms = {}
        for t, w in v.terms.items():
            terms[t if rng.random() < 0.3 else f"{t}#{i}"] = w * 3
        actors = {f"{k}#{i}" if rng.random() < 0.7 else k: w * 3 for k, w in v.actors.items()}
        stories.append(StoryProfile(id=f"s{i}", size=3, terms=terms, actors=actors, first=None, last=None,
                                    last_seq=10 ** 6 - 1 - i % 1000, first_seq=i, weight=3.0))
    df = {t: c * scale for t, c in base._df_delta.items()}
    clusterer = StoryClusterer(stories, df, len(arts) * scale, params)
    probe = [replace(a, seq=10 ** 6 + k, article_id=f"t{k}") for k, a in enumerate(arts[:300])]
    started = time.perf_counter()
    for a in probe:
        clusterer.add(a)
    return (time.perf_counter() - started) * 1000 / len(probe)


def demo(settings: Settings, params: StoryParams, db: Path) -> None:
    from storyline.store import open_store

    if not db.exists():
        from storyline.pipeline import run

        run([str(ROOT / "src/storyline/demo/corpus")], settings.with_(db_path=db, workers=0))
    with open_store(db, read_only=True) as store:
        rows = list(store.iter_articles())
    articles = [Article(source=r["source"], kind=r["kind"], text=r["text"], title=r["title"], outlet=r["outlet"],
                        author=r["author"], published=r["published"], url=r["url"]) for r in rows]
    docs = parse([a.text for a in articles], "demo-body", settings)
    titles = parse_titles(articles, "demo-titles", settings)
    dates = [date.fromisoformat(r["published"]) if r["published"] else None for r in rows]
    dups = {r["id"]: r["duplicate_of"] for r in rows if r["duplicate_of"]}
    arts = profiles(articles, docs, dates, dups, titles)
    for a, r in zip(arts, rows, strict=True):
        a.article_id = r["id"]
    clusterer = StoryClusterer([], {}, 0, params)
    for a in arts:
        clusterer.add(a)
    name = {r["id"]: (r["source"].rstrip("/").split("/")[-1], r["published"]) for r in rows}
    linker = StorylineLinker()
    stories = sorted(clusterer.held.values(), key=lambda h: (h.profile.first or date.max, h.profile.id))
    for h in stories:
        linker.add(h.profile)
    lines = linker.storylines()
    print("\n== demo: stories (by storyline) ==")
    for line_id, members in sorted(lines.items(), key=lambda kv: kv[0]):
        print(f"storyline {line_id}")
        for sid in members:
            prof = clusterer.held[sid].profile
            top = ", ".join(t for t, _ in sorted(prof.terms.items(), key=lambda kv: -kv[1])[:6])
            print(f"  story {sid} {prof.first}..{prof.last} size {prof.size}: {top}")
            for a in arts:
                if clusterer.story_of(a.article_id) == sid:
                    print(f"      {name[a.article_id][1]}  {name[a.article_id][0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", choices=("pipeline", "titled", "body", "all"), default="pipeline")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--errors", action="store_true", help="print the gold stories split or mixed")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                        help="override a StoryParams field, e.g. --set join=0.25")
    args = parser.parse_args()
    settings = Settings()
    params = StoryParams()
    for item in args.set:
        key, value = item.split("=", 1)
        params = replace(params, **{key: type(getattr(params, key))(value)})
    articles = ecb_articles(settings)
    print(f"ECB+ dev: {len(articles)} articles; params {params}", file=sys.stderr)
    main_arts = None
    variants = ("pipeline", "titled", "body") if args.variant == "all" else (args.variant,)
    for variant in variants:
        if variant == "pipeline":  # body parsed alone, headline parsed alone and its terms added
            docs = parse([a.text for a in articles], "ecb-body", settings)
            arts = profiles(articles, docs, titles=parse_titles(articles, "ecb-titles", settings))
        else:
            texts = [f"{a.title}\n\n{a.text}" if variant == "titled" and a.title else a.text for a in articles]
            arts = profiles(articles, parse(texts, f"ecb-{variant}", settings))
        assigned = cluster_once(arts, params)
        print(f"{variant}: {json.dumps(score(articles, assigned))}")
        if args.errors:
            errors(articles, assigned)
        if main_arts is None:
            main_arts = (arts, assigned)
    arts, assigned = main_arts
    batched, loaded = cluster_batches(arts, params, 3)
    print(f"agreement one batch vs 3 batches: {agreement(assigned, batched):.4f} "
          f"(identical: {assigned == batched}; most stories loaded for a batch: {loaded})")
    if not args.no_timing:
        print(f"add(): {timing(arts, params):.2f} ms per article with 4,000 candidate stories held")
    if not args.no_demo:
        demo(settings, params, Path("/tmp/storyline-eval-clusters/demo.duckdb"))


if __name__ == "__main__":
    main()
