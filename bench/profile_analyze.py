"""Profile the analyze stage alone, and pin its output so a speed-up cannot change a result.

The end-to-end bench mixes extraction, the store and the corpus stage into one figure; this
one feeds ready-made articles straight to `analyze_articles`, so the profile shows only spaCy
and storyline's own per-article work (actors, quotes). The texts are real-length news: the
PolNeAR and Timeline17 development sets (read from --eval-dir at run time, never copied) and
the bundled demo corpus. `--dump` writes every mention, actor and quote as JSON and `--check`
compares against such a file, so an optimisation is proven output-neutral on ~150 articles.
The dump holds evaluation text: keep it outside the repository (the default is /tmp).

usage: python bench/profile_analyze.py [--eval-dir DIR] [--t17 N] [--profile [--pstats FILE]] [--top N]
                                       [--dump FILE | --check FILE] [--repeat N]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from dataclasses import asdict
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fixed_articles(eval_dir: Path, t17: int) -> list:
    """A fixed, ordered article set: every PolNeAR text, `t17` Timeline17 articles spread over
    the file (all three outlets), and the demo corpus's HTML pages, scraped text and JSONL."""
    import trafilatura

    from storyline.model import Article

    polnear = sorted((eval_dir / "polnear-dev" / "text").glob("*.txt"))
    t17_file = eval_dir / "t17-dev" / "H1N1" / "articles.jsonl"
    if not polnear or not t17_file.is_file():
        sys.exit(f"evaluation data not found under {eval_dir} (need polnear-dev/text and t17-dev/H1N1)")
    articles = [Article(source=p.name, kind="text", text=p.read_text(encoding="utf-8").strip()) for p in polnear]
    rows = [json.loads(line) for line in t17_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    step = max(1, len(rows) // max(1, t17))
    articles += [Article(source=r["url"], kind="jsonl", text=r["text"].strip(), outlet=r.get("outlet"))
                 for r in rows[::step][:t17]]
    corpus = Path(str(files("storyline").joinpath("demo/corpus")))
    for path in sorted((corpus / "html").glob("*.html")):
        doc = trafilatura.bare_extraction(_read(path), with_metadata=True)
        if doc is not None and doc.text:
            articles.append(Article(source=path.name, kind="html", text=doc.text.strip(), outlet=doc.sitename,
                                    author=doc.author))
    for path in sorted((corpus / "txt").glob("*.txt")):
        articles.append(Article(source=path.name, kind="text", text=_read(path).strip()))
    for line in (corpus / "jsonl" / "wire.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row.get("text"):
            continue  # an HTML-only line
        articles.append(Article(source=row["url"], kind="jsonl", text=row["text"].strip(), outlet=row.get("outlet"),
                                author=row.get("author")))
    return articles


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # the demo holds Windows-1252 pages on purpose


def own_work(article, doc) -> None:
    """What analyze does after spaCy's parse (storyline.analyze's per-article steps), timed alone."""
    from storyline.analyze.actors import article_actors
    from storyline.analyze.quotes import extract_quotes

    starts = [s.start_char for s in doc.sents]
    mentions, actors = article_actors(doc, starts, exclude=(article.outlet, article.author))
    extract_quotes(doc, mentions, {a.key: list(a.roles) for a in actors if a.kind == "person"})


def snapshot(analyzed: list) -> list[dict]:
    return [{"source": a.article.source, "sentences": [asdict(s) for s in a.sentences],
             "mentions": [asdict(m) for m in a.mentions], "actors": [asdict(x) for x in a.actors],
             "quotes": [asdict(q) for q in a.quotes]} for a in analyzed]


def compare(expected: list[dict], got: list[dict]) -> int:
    """Number of articles whose analysis differs; the first few differences are printed."""
    if len(expected) != len(got):
        print(f"article count differs: {len(expected)} expected, {len(got)} now")
    bad = 0
    for old, new in zip(expected, got, strict=False):
        if old == new:
            continue
        bad += 1
        if bad <= 5:
            for key in ("sentences", "mentions", "actors", "quotes"):
                if old[key] != new[key]:
                    pairs = [(o, n) for o, n in zip(old[key], new[key], strict=False) if o != n]
                    first = pairs[0] if pairs else (len(old[key]), len(new[key]))
                    print(f"DIFF {old['source']} {key}: {first}")
    return bad + abs(len(expected) - len(got))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--t17", type=int, default=45, help="Timeline17 articles to include")
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print the top functions")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pstats", type=Path, help="with --profile: also save the raw profile here")
    parser.add_argument("--repeat", type=int, default=1, help="analyse the set this many times (timing only)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--dump", type=Path, help="write the analysis as JSON here")
    group.add_argument("--check", type=Path, help="compare the analysis with this JSON dump")
    args = parser.parse_args()

    from storyline.analyze import analyze_articles, load_pipeline
    from storyline.settings import Settings

    settings = Settings()
    articles = fixed_articles(args.eval_dir, args.t17)
    tokens = sum(len(a.text.split()) for a in articles)
    print(f"articles: {len(articles)}, mean {tokens / len(articles):.0f} words")
    nlp = load_pipeline(settings.spacy_model)
    list(nlp.pipe(["Warm-up: the model's first call allocates its buffers."]))

    # timings are the best of --repeat runs: the machine is shared, and noise only adds time
    parse = own = total = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        docs = list(nlp.pipe((a.text for a in articles), batch_size=settings.batch_size))
        parse = min(parse, time.perf_counter() - started)
        started = time.perf_counter()
        for article, doc in zip(articles, docs, strict=True):
            own_work(article, doc)
        own = min(own, time.perf_counter() - started)
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.repeat):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        analyzed = analyze_articles(articles, settings)
        if profiler:
            profiler.disable()
        total = min(total, time.perf_counter() - started)
    n = len(articles)
    print(f"analyze_articles: {n / total:.2f} docs/s ({total:.2f}s{' under cProfile' if profiler else ''}); "
          f"nlp.pipe alone {n / parse:.2f} docs/s ({parse:.2f}s); storyline's own work after the parse "
          f"{1000 * own / n:.1f} ms/doc ({own:.2f}s)")
    if profiler:
        if args.pstats:
            profiler.dump_stats(args.pstats)
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            print(f"--- top {args.top} by {order} ---")
            print(out.getvalue().split("\n\n", 1)[-1].strip())

    result = snapshot(analyzed)
    if args.dump:
        args.dump.write_text(json.dumps(result, ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"wrote {args.dump}")
    if args.check:
        bad = compare(json.loads(args.check.read_text(encoding="utf-8")), result)
        print("identical" if not bad else f"{bad} articles differ")
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
