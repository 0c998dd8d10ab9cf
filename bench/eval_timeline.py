"""Timeline17 measurement: event mentions and the timeline merge against journalists' timelines.

Reads a Timeline17 topic (articles.jsonl: url, title, text, outlet, published), runs the spaCy
pipeline, `article_actors` and `extract_events` on each article (parsed docs are cached with
DocBin in /tmp, keyed by the input file and the model, so a second run skips the parse), merges
all mentions as one storyline with `merge_events`, writes a dossier-like JSON
({"articles": [{"id", "duplicate_of"}], "events": [...]}) and scores it with the shared
timeline scorer (date F1 of the k most reported days). Prints the score, ms per article for
extract_events, ms for the merge and the number of events; a JSON line last.

usage: python bench/eval_timeline.py [--topic ../shared/eval/t17-dev/H1N1] [--out /tmp/t17-dossier.json]
                                     [--lead N]   (pub-date fallback for the first N sentences; 0 = none)
                                     [--dedup]    (near-duplicates by the project's MinHash detection)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

from spacy.tokens import DocBin

from storyline.analyze import events as events_module
from storyline.analyze.actors import article_actors
from storyline.analyze.events import extract_events
from storyline.analyze.nlp import load_pipeline
from storyline.corpus.duplicates import find_duplicates, signature
from storyline.corpus.timeline import SourcedMention, merge_events
from storyline.model import article_id
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def parsed_docs(path: Path, texts: list[str], model: str):
    """The articles' Docs, parsed once and kept in /tmp (DocBin) for the next run."""
    nlp = load_pipeline(model)
    key = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
    cache = Path("/tmp") / f"storyline-t17-{path.parent.name}-{model}-{key}.spacy"
    if cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab)), 0.0
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - start
    bin_ = DocBin(store_user_data=False)
    for doc in docs:
        bin_.add(doc)
    bin_.to_disk(cache)
    return docs, parse


def duplicates(articles: list[dict], settings: Settings) -> dict[str, str]:
    """{copy id: original id} by the project's own near-duplicate detection (MinHash LSH)."""
    items = [(article_id(a["text"]), a.get("published"),
              signature(a["text"], settings.minhash_perms, settings.shingle_words)) for a in articles]
    return find_duplicates(items, settings.minhash_perms, settings.duplicate_threshold)


def run(topic: Path, out: Path, dedup: bool = False) -> dict:
    path = topic / "articles.jsonl"
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = Settings()
    docs, parse = parsed_docs(path, [a["text"] for a in articles], settings.spacy_model)
    copies = duplicates(articles, settings) if dedup else {}
    mentions: list[SourcedMention] = []
    spent = 0.0
    for article, doc in zip(articles, docs, strict=True):
        aid = article_id(article["text"])
        published = (article.get("published") or "")[:10] or None
        sentences = list(doc.sents)
        found, _ = article_actors(doc, [s.start_char for s in sentences], exclude=(article.get("outlet"),))
        start = time.perf_counter()
        events = extract_events(doc, found, published)
        spent += time.perf_counter() - start
        for event in events:
            sent = sentences[event.sentence]
            mentions.append(SourcedMention(
                article_id=aid, original_id=copies.get(aid, aid), published=published, outlet=article.get("outlet"),
                sentence=sent.text.strip(), mention=event, actor_ids=list(event.actors), story_id="t17",
                storyline_id="t17"))
    start = time.perf_counter()
    timeline = merge_events(mentions)
    merge = time.perf_counter() - start
    dossier = {
        "articles": [{"id": article_id(a["text"]), "duplicate_of": copies.get(article_id(a["text"]))}
                     for a in articles],
        "events": [{"id": e.id, "date": e.date, "kind": e.kind, "summary": e.summary, "actors": e.actors,
                    "place": e.place, "weight": e.weight,
                    "sources": [{"article_id": a, "sentence": s} for a, s in e.sources]} for e in timeline],
    }
    out.write_text(json.dumps(dossier, indent=1, ensure_ascii=False), encoding="utf-8")
    scorer = EVAL / "timeline_score.py"
    result = json.loads(subprocess.run([sys.executable, str(scorer), str(out), str(topic / "gold.json")],
                                       capture_output=True, text=True, check=True).stdout)
    dated = sum(1 for m in mentions if m.mention.date)
    return {"topic": topic.name, "date_f1": result["date_f1"], "timelines": result["timelines"],
            "articles": len(articles), "duplicates": len(copies), "mentions": len(mentions), "dated_mentions": dated,
            "events": len(timeline), "day_events": sum(1 for e in timeline if e.date and len(e.date) == 10),
            "extract_ms_per_article": round(1000 * spent / max(1, len(articles)), 2),
            "merge_ms": round(1000 * merge, 1), "parse_s": round(parse, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", type=Path, default=EVAL / "t17-dev" / "H1N1")
    parser.add_argument("--out", type=Path, default=Path("/tmp/t17-dossier.json"))
    parser.add_argument("--lead", type=int, default=None, help="publication-date fallback for the first N sentences")
    parser.add_argument("--dedup", action="store_true",
                        help="mark near-duplicates with the project's MinHash detection (default: none, as given)")
    args = parser.parse_args()
    if args.lead is not None:
        events_module.LEAD_SENTENCES = args.lead
    report = run(args.topic, args.out, args.dedup)
    for row in report["timelines"]:
        print(f"{row['collection']:<16} k={row['k']:<3} date_f1={row['date_f1']}")
    print(f"date_f1 {report['date_f1']}  events {report['events']} ({report['day_events']} dated to a day) "
          f"from {report['mentions']} mentions ({report['dated_mentions']} dated)  "
          f"extract_events {report['extract_ms_per_article']} ms/article  merge {report['merge_ms']} ms")
    print(json.dumps({k: v for k, v in report.items() if k != "timelines"}))


if __name__ == "__main__":
    main()
