"""Throughput: `storyline analyze` against the same work done by hand in one process.

Why this shape. A throughput figure means something only on input like a user's and against a
baseline that does the same work:

- The corpus is real-length news, each article used once: the Timeline17 and PolNeAR
  development texts (read from --eval-dir at run time, never copied into the project) wrapped
  into plausible pages (several HTML templates with navigation, cookie banners, related links,
  comments and footers, metadata in meta tags, JSON-LD or the page text, some pages with no
  date at all), about a quarter as scraped-text .txt files with menu lines, plus the demo
  corpus's HTML pages and scraped text. It is generated into a temporary folder at each run.
  Beyond the distinct articles available, an article is used again with one paragraph left
  out and another template (a near-duplicate, still a distinct document). The few live blogs
  among the sources are cut after MAX_WORDS words.
- The baseline, in one fresh process, does what storyline does per document and nothing more:
  trafilatura.bare_extraction with metadata (the parameters of storyline's extract/html.py)
  and htmldate when trafilatura has no date; storyline's text cleaner and text metadata for
  .txt; then the very spaCy pipeline storyline runs (load_pipeline: same model, same excluded
  components, the paragraph component) through nlp.pipe at storyline's batch size. Its time
  excludes its imports and model load, which are reported apart as its start-up.
- storyline runs as a user runs it: a fresh process per run and a fresh store, `--quiet`, so
  its figure includes start-up, workers, store writes, the corpus stage and the dossier. Its
  start-up alone (import + model load in a fresh interpreter) is reported too.

Ratios: ratio_1w = storyline --workers 1 docs/s / baseline docs/s, ratio_2w likewise for 2
workers. Peak RSS is ru_maxrss of each run's process tree, i.e. the largest single process
(with workers, per process); the peak total PSS of the tree is sampled once a second from
/proc where it exists. The last line printed is a JSON object.

usage: python bench/throughput.py [--docs N] [--eval-dir DIR] [--keep DIR] [--workers-list 1,2] [--repeat R]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
# an article shorter than this is a caption or a stub, not the real-length text we want
MIN_SOURCE_CHARS = 1000
# a few sources are live blogs of up to 18,000 words; they are cut at a paragraph boundary past
# this, so that a handful of them do not decide the corpus's mean (~950 tokens with the cut)
MAX_WORDS = 3000


# ---------------------------------------------------------------------------- the corpus

@dataclass
class Source:
    """One article to wrap: its text (paragraphs split by blank lines) and metadata."""

    key: str
    title: str
    text: str
    outlet: str
    author: str
    published: str  # YYYY-MM-DD


OUTLETS = {"bbc": "BBC News", "guardian": "The Guardian", "reuters": "Reuters"}
# invented outlets and bylines for texts that come without them
HOUSE_OUTLETS = ["Capitol Ledger", "Union Herald", "Prairie Post", "Harbor Daily", "Lakeside Tribune",
                 "Granite State Courier", "Bay City Monitor"]
REPORTERS = ["Mina Park", "Daniel Okafor", "Laura Fischer", "Tomás Herrera", "Priya Nair", "Ellen Brooks",
             "Samuel Reid", "Hannah Kowalski", "Marcus Lee", "Ines Duarte", "Owen Gallagher", "Ruth Adeyemi"]
SECTIONS = ["World", "Politics", "Business", "Health", "Science", "Technology", "Opinion", "Sport", "Culture",
            "Climate", "Video", "Podcasts", "Newsletters", "Local", "Education", "Travel"]
RELATED = ["Markets slip as investors weigh rate outlook", "City council approves new transit budget",
           "Storm season arrives early on the coast", "Five things to know before the weekend",
           "Review: a quiet film about a noisy family", "School board delays vote on new calendar",
           "Ferry service resumes after strike ends", "How the housing shortage reshaped one town"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _plausible(text: str) -> bool:
    """Real-length English prose: long enough, and mostly words (a few source texts are
    accent-stripped Vietnamese, which no English pipeline is for)."""
    words = text.split()
    return len(text) >= MIN_SOURCE_CHARS and len(re.findall(r"[A-Za-z]{3,}", text)) >= 0.6 * len(words)


def _short_title(title: str, words: int = 14) -> str:
    parts = title.split()
    return " ".join(parts[:words]).rstrip(",;:") if parts else "Untitled"


def eval_sources(eval_dir: Path) -> list[Source]:
    """The evaluation texts as article sources, in a fixed order; exact repeats left out."""
    polnear = sorted((eval_dir / "polnear-dev" / "text").glob("*.txt"))
    t17_file = eval_dir / "t17-dev" / "H1N1" / "articles.jsonl"
    if not polnear or not t17_file.is_file():
        raise FileNotFoundError(
            f"evaluation data not found under {eval_dir}: need polnear-dev/text/*.txt and "
            f"t17-dev/H1N1/articles.jsonl (point --eval-dir at the shared eval folder)")
    rng = random.Random(17)
    out: list[Source] = []
    for i, path in enumerate(polnear):
        head, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        if not _plausible(body):
            continue
        out.append(Source(key=f"polnear-{path.stem}", title=head.strip().rstrip("."), text=body.strip(),
                          outlet=HOUSE_OUTLETS[i % len(HOUSE_OUTLETS)], author=rng.choice(REPORTERS),
                          published=f"2016-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}"))
    for line in t17_file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = (row.get("text") or "").strip()
        if not _plausible(text):
            continue
        outlet = OUTLETS.get(str(row.get("outlet")), str(row.get("outlet") or "Wire"))
        out.append(Source(key=f"t17-{row['url'].rsplit('/', 2)[-2]}-{row['url'].rsplit('/', 1)[-1]}",
                          title=_short_title(row.get("title") or text), text=text, outlet=outlet,
                          author=rng.choice(REPORTERS), published=(row.get("published") or "2009-05-01")[:10]))
    seen: set[str] = set()
    unique = []
    for source in out:
        norm = " ".join(source.text.split()).lower()
        if norm not in seen:
            seen.add(norm)
            unique.append(source)
    return unique


def _paragraphs(text: str) -> list[str]:
    out, words = [], 0
    for paragraph in re.split(r"\n\s*\n|\n", text):
        if paragraph.strip() and words < MAX_WORDS:
            out.append(" ".join(paragraph.split()))
            words += len(out[-1].split())
    return out


def _date_words(iso: str, style: int) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    if style == 0:
        return f"{day} {MONTHS[month - 1]} {year}"
    if style == 1:
        return f"{MONTHS[month - 1]} {day}, {year}"
    return f"{MONTHS[month - 1][:3]}. {day}, {year}"


_SCRIPT = ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
           "gtag('js',new Date());gtag('config','UA-000000-1');" * 12)
_STYLE = ("body{font-family:Georgia,serif;margin:0}.nav a{padding:4px 8px;color:#222}"
          ".story p{line-height:1.6;max-width:42em}.footer{font-size:12px;color:#666}" * 10)


def _nav(rng: random.Random) -> str:
    items = rng.sample(SECTIONS, k=rng.randint(9, len(SECTIONS)))
    links = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in items)
    return f'<nav class="nav"><ul><li><a href="/">Home</a></li>{links}</ul></nav>'


def _related(rng: random.Random, heading: str = "Related") -> str:
    links = "".join(f'<li><a href="/story/{rng.randint(1000, 99999)}">{t}</a></li>'
                    for t in rng.sample(RELATED, k=4))
    return f'<aside class="related"><h3>{heading}</h3><ul>{links}</ul></aside>'


def _footer(outlet: str, year: str, rng: random.Random) -> str:
    links = "".join(f'<a href="/{w.lower()}">{w}</a> ' for w in
                    ["About", "Contact", "Careers", "Advertise", "Privacy", "Terms", "Cookies", "Accessibility"])
    return (f'<footer class="footer"><div>{links}</div><p>© {year} {html.escape(outlet)}. All rights reserved. '
            f'Reg. no. {rng.randint(100000, 999999)}.</p></footer>')


def html_page(src: Source, paragraphs: list[str], template: int, rng: random.Random) -> str:
    """An article page in one of four layouts; the metadata is where real pages put it, and
    the fourth layout carries no machine-readable date (htmldate has to search the page)."""
    title, outlet, author = html.escape(src.title), html.escape(src.outlet), html.escape(src.author)
    body = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if len(body) > 4:
        body.insert(3, f'<p class="inline-link"><strong>Read more:</strong> <a href="/story/{rng.randint(1, 9999)}">'
                       f"{rng.choice(RELATED)}</a></p>")
    story = "\n".join(body)
    year = src.published[:4]
    head_common = (f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
                   f"<style>{_STYLE}</style><script>{_SCRIPT}</script>")
    cookie = ('<div class="cookie-banner">We use cookies to improve your experience on our site. By continuing '
              'to browse, you accept our use of cookies. <button>Accept all</button></div>')
    share = ('<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
             '<a href="#">Email</a></div>')
    if template == 0:  # Open Graph meta tags, a classic article element
        return f"""<!doctype html><html lang="en"><head>{head_common}
<title>{title} | {outlet}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{src.published}T{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}:00Z">
</head><body>{cookie}<header><a class="logo" href="/">{outlet}</a>{_nav(rng)}</header>
<main><article class="story"><h1>{title}</h1><p class="byline">By {author}</p>{share}
{story}
</article>{_related(rng)}
<section class="comments"><h3>Comments</h3><form><textarea placeholder="Join the discussion"></textarea>
<button>Post comment</button></form></section></main>
{_footer(src.outlet, year, rng)}</body></html>"""
    if template == 1:  # JSON-LD NewsArticle, div soup
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": src.title,
                         "datePublished": f"{src.published}T09:00:00+00:00",
                         "author": {"@type": "Person", "name": src.author},
                         "publisher": {"@type": "Organization", "name": src.outlet}}, ensure_ascii=False)
        return f"""<!DOCTYPE html><html><head>{head_common}<title>{title} - {outlet}</title>
<script type="application/ld+json">{ld}</script></head>
<body><div id="top">{_nav(rng)}</div>{cookie}
<div class="page"><div class="story-body"><h1 class="story-headline">{title}</h1>
<div class="story-meta"><span class="author">{author}</span></div>
<div class="story-text">
{story}
</div></div>
<div class="sidebar">{_related(rng, "Most read")}<div class="newsletter"><h3>Sign up for our newsletter</h3>
<input type="email" placeholder="Your email"><button>Subscribe</button></div></div></div>
{_footer(src.outlet, year, rng)}</body></html>"""
    if template == 2:  # a blog/CMS layout, the date in the page text
        return f"""<html><head>{head_common}<title>{title}</title>
<meta name="description" content="{html.escape(paragraphs[0][:150])}"></head>
<body class="single-post"><div id="header"><h2 class="site-title">{outlet}</h2>{_nav(rng)}</div>
<div id="content"><div class="post"><h1 class="entry-title">{title}</h1>
<div class="entry-meta">Posted on
<time datetime="{src.published}">{_date_words(src.published, rng.randint(0, 2))}</time>
by <a rel="author" href="/author/{rng.randint(1, 99)}">{author}</a></div>
<div class="entry-content">
{story}
</div><div class="tags">Tags: <a href="/tag/news">news</a>, <a href="/tag/{rng.choice(SECTIONS).lower()}">more</a></div>
</div>{_related(rng, "You may also like")}</div>
<div id="sidebar"><h3>Archives</h3><ul><li>{MONTHS[rng.randint(0, 11)]} {year}</li><li>Older posts</li></ul></div>
{_footer(src.outlet, year, rng)}</body></html>"""
    # template 3: no machine-readable date and no author meta (htmldate searches the page)
    return f"""<html><head>{head_common}<title>{title} :: {outlet}</title></head>
<body>{_nav(rng)}<div class="wrap"><div class="main"><h1>{title}</h1>
<p class="dateline">{html.escape(src.author)} | {_date_words(src.published, rng.randint(0, 2))}</p>
{story}
<p class="tip">Got a story? Email our newsroom.</p></div>{_related(rng)}</div>
{_footer(src.outlet, year, rng)}</body></html>"""


def scraped_text(src: Source, paragraphs: list[str], rng: random.Random) -> str:
    """Page text as a scraper saves it: outlet and menu lines, cookie notice, headline,
    byline and dateline, share prompts, a "Read more" insert, related links, copyright."""
    menu = ["Home", *rng.sample(SECTIONS, k=rng.randint(5, 9))]
    date_line = rng.choice([f"Published: {_date_words(src.published, 0)}",
                            f"{_date_words(src.published, 1)}",
                            f"Updated {_date_words(src.published, 2)}"])
    body = list(paragraphs)
    if len(body) > 4:
        body.insert(3, f"Read more: {rng.choice(RELATED)}")
    lines = [src.outlet, *menu,
             "We use cookies to improve your experience on our site. By continuing to browse, you accept "
             "our use of cookies. Find out more",
             src.title, f"By {src.author}", date_line, "Share this article", ""]
    lines += [p + "\n" for p in body]
    lines += ["Related", *rng.sample(RELATED, k=3), "Follow us on Twitter", "Leave a comment",
              f"© {src.published[:4]} {src.outlet}. All rights reserved."]
    return "\n".join(lines) + "\n"


def build_corpus(target: Path, docs: int, eval_dir: Path) -> list[Path]:
    """`docs` distinct documents under `target`: the demo pages, then the evaluation articles
    wrapped, then (only if more are asked for) variants; written in a shuffled order."""
    sources = eval_sources(eval_dir)
    demo = Path(str(files("storyline").joinpath("demo/corpus")))
    demo_files = sorted([*(demo / "html").glob("*.html"), *(demo / "txt").glob("*.txt")])
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    plan: list[tuple[str, bytes]] = [(f"demo-{p.name}", p.read_bytes()) for p in demo_files][:docs]
    round_no = 0
    while len(plan) < docs:
        for i, src in enumerate(sources):
            if len(plan) >= docs:
                break
            paragraphs = _paragraphs(src.text)
            if round_no and len(paragraphs) > 2:
                del paragraphs[(i + round_no) % len(paragraphs)]  # a variant: one paragraph left out
            shape = (i + round_no) % 8
            name = f"{src.key}{f'-v{round_no}' if round_no else ''}"
            if shape in (3, 7):
                plan.append((f"{name}.txt", scraped_text(src, paragraphs, rng).encode("utf-8")))
            else:
                plan.append((f"{name}.html", html_page(src, paragraphs, shape % 4, rng).encode("utf-8")))
        round_no += 1
    rng.shuffle(plan)
    paths = []
    for n, (name, data) in enumerate(plan):
        path = target / f"{n:05d}-{name}"
        path.write_bytes(data)
        paths.append(path)
    return sorted(paths)


# ---------------------------------------------------------------------------- the baseline

def run_baseline(corpus: Path) -> dict:
    """The baseline's work, in this (fresh) process: imports and model load timed apart, then
    extraction with metadata and nlp.pipe over every document, in storyline's file order."""
    started = time.perf_counter()
    import htmldate
    import trafilatura

    import storyline.extract.html
    from storyline.analyze.nlp import load_pipeline
    from storyline.extract.cleaner import clean_text
    from storyline.extract.text_meta import text_metadata
    from storyline.settings import Settings

    settings = Settings()
    nlp = load_pipeline(settings.spacy_model)
    # the very trafilatura call of storyline's extract/html.py, its markup pruning rules included
    prune = getattr(storyline.extract.html, "PRUNE_XPATH", None)
    startup = time.perf_counter() - started
    paths = sorted(p for p in corpus.iterdir() if p.suffix in (".html", ".txt"))

    def texts():
        for path in paths:
            data = path.read_bytes()
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError:
                raw = data.decode("cp1252", errors="replace")
            if path.suffix == ".html":
                doc = trafilatura.bare_extraction(
                    raw, url=None, with_metadata=True, include_comments=False, include_tables=False,
                    favor_precision=False, deduplicate=False, prune_xpath=prune,
                    date_extraction_params={"extensive_search": True, "original_date": True})
                if doc is None or not doc.date:
                    htmldate.find_date(raw, extensive_search=True, original_date=True)
                yield (doc.text or "") if doc is not None else ""
            else:
                cleaned = clean_text(raw)
                text_metadata(cleaned)
                yield cleaned.text

    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    tokens = [len(doc) for doc in nlp.pipe(texts(), batch_size=settings.batch_size)]
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"docs": len(tokens), "seconds": seconds, "tokens": tokens, "startup_in_process_s": startup,
            "rss_mb": after.ru_maxrss / 1024, "cpu_s": cpu}


def lemmatizer_cost(eval_dir: Path, rounds: int = 2) -> dict:
    """What the lemmatizer (on since quote cues are decided by lemma) costs: docs/s of the
    pipeline storyline loads over the PolNeAR development texts, with it and with it disabled,
    the two alternated `rounds` times so a busy machine weighs on both alike."""
    from storyline.analyze.nlp import load_pipeline
    from storyline.settings import Settings

    settings = Settings()
    nlp = load_pipeline(settings.spacy_model)
    texts = [p.read_text(encoding="utf-8") for p in sorted((eval_dir / "polnear-dev" / "text").glob("*.txt"))]
    seconds = {"with": 0.0, "without": 0.0}
    for _ in range(rounds):
        for name in ("with", "without"):
            disabled = ["lemmatizer"] if name == "without" else []
            with nlp.select_pipes(disable=disabled):
                started = time.perf_counter()
                for _doc in nlp.pipe(texts, batch_size=settings.batch_size):
                    pass
                seconds[name] += time.perf_counter() - started
    rate = {name: round(rounds * len(texts) / s, 2) for name, s in seconds.items()}
    return {"docs": len(texts), "docs_per_s_with_lemmatizer": rate["with"],
            "docs_per_s_without_lemmatizer": rate["without"],
            "lemmatizer_cost_pct": round(100 * (1 - rate["with"] / rate["without"]), 1)}


# ---------------------------------------------------------------------------- measuring

def _tree_pss_kb(root: int) -> int:
    """Total PSS of a process and its descendants (Linux /proc; 0 where it is missing)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
        except OSError:
            pass
    return total


def machine_busy(seconds: float = 2.0) -> float:
    """CPUs kept busy by anything at all over `seconds` (from /proc/stat; 0.0 where missing).
    Measured before each run: other work on the machine slows the side measured with it."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
        return sum(values), values[3] + (values[4] if len(values) > 4 else 0)  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return 0.0
    return (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(1, total1 - total0))


def timed_run(command: list[str]) -> tuple[float, float, float, int, float]:
    """(wall seconds, peak RSS MB of the largest process in the tree, peak total PSS MB of the
    tree sampled every second, exit code, CPU seconds of the tree) for one fresh process."""
    peak_pss = 0
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(command)

    def sample() -> None:
        nonlocal peak_pss
        while not done.wait(1.0):
            peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    # wait4, not wait: its rusage is this child's tree alone, so each run gets its own peak
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    return elapsed, usage.ru_maxrss / 1024, peak_pss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def startup_seconds(code: str, tries: int = 3) -> float:
    """Best wall time of `python -c code` in a fresh interpreter (warm file cache)."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def storyline_run(corpus: Path, work: Path, workers: int, docs: int) -> dict:
    """One `storyline analyze` as a user runs it: fresh process, fresh store, --quiet."""
    db = work / f"bench-{workers}w.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    out_dir = work / f"out-{workers}w"
    shutil.rmtree(out_dir, ignore_errors=True)
    command = [sys.executable, "-m", "storyline", "analyze", str(corpus), "--db", str(db),
               "--out", str(out_dir), "--quiet", "--workers", str(workers)]
    busy = machine_busy()
    elapsed, rss, pss, code, cpu = timed_run(command)
    if code != 0:
        print(f"error: storyline analyze --workers {workers} exited with {code}", file=sys.stderr)
        sys.exit(1)
    dossier = out_dir / "dossier.json"
    stored = len(json.loads(dossier.read_text(encoding="utf-8"))["articles"]) if dossier.exists() else -1
    rate = docs / elapsed
    print(f"  storyline analyze --workers {workers} (end to end, fresh process and store): {rate:.2f} docs/s "
          f"({elapsed:.1f}s; {stored} articles in the dossier); peak RSS {rss:.0f} MB"
          f"{' per process' if workers > 1 else ''}{f', peak total PSS {pss:.0f} MB' if pss else ''}; "
          f"CPU {cpu:.0f}s = {cpu / elapsed:.2f} cores busy{_busy_note(busy)}")
    if stored not in (-1, docs):
        print(f"  note: {docs - stored} documents did not become articles (see `storyline stats --db {db}`)")
    return {"docs_per_s": rate, "seconds": elapsed, "rss": rss, "pss": pss, "stored": stored, "cpu": cpu,
            "busy_before": busy}


def _busy_note(busy: float) -> str:
    return f" (WARNING: {busy:.1f} CPUs were busy with other work just before)" if busy > 0.2 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL,
                        help=f"the shared evaluation folder (default {DEFAULT_EVAL})")
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus and stores here and keep them")
    parser.add_argument("--workers-list", default="1,2", help="storyline runs, by --workers value (default 1,2)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each side this many times, in turns, and keep the best (a shared machine's "
                             "noise only ever adds time)")
    parser.add_argument("--baseline-only", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lemmatizer-cost", action="store_true",
                        help="only measure the lemmatizer's cost (docs/s with and without it) and exit")
    args = parser.parse_args()

    if args.lemmatizer_cost:
        print(json.dumps(lemmatizer_cost(args.eval_dir)))
        return
    if args.baseline_only:  # the baseline's own fresh process (see run_baseline)
        print(json.dumps(run_baseline(args.baseline_only)))
        return

    from storyline.settings import Settings

    settings = Settings()
    workers_list = [int(w) for w in args.workers_list.split(",") if w.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    try:
        paths = build_corpus(corpus, args.docs, args.eval_dir)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    kinds = {s: sum(1 for p in paths if p.suffix == s) for s in (".html", ".txt")}
    size_kb = statistics.mean(p.stat().st_size for p in paths) / 1024
    print(f"corpus: {len(paths)} documents ({kinds['.html']} HTML, {kinds['.txt']} scraped text; "
          f"mean {size_kb:.1f} KB) in {corpus}")
    print(f"model {settings.spacy_model}, batch size {settings.batch_size}, {os.cpu_count()} CPUs")

    model = settings.spacy_model
    base_startup = startup_seconds(
        "import htmldate, trafilatura; from storyline.extract.cleaner import clean_text; "
        "from storyline.extract.text_meta import text_metadata; "
        f"from storyline.analyze.nlp import load_pipeline; load_pipeline({model!r})")
    ours_startup = startup_seconds(
        "import storyline.pipeline, storyline.views.cli; "
        f"from storyline.analyze.nlp import load_pipeline; load_pipeline({model!r})")
    print(f"start-up (fresh interpreter, import + model load): baseline {base_startup:.2f}s, "
          f"storyline {ours_startup:.2f}s")

    base: dict | None = None
    figures: dict[int, dict] = {}
    for round_no in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"round {round_no} of {args.repeat}")
        # the baseline in its own fresh process, so that its start-up stays out of its time
        busy = machine_busy()
        out = subprocess.run([sys.executable, __file__, "--baseline-only", str(corpus)], check=True,
                             capture_output=True, text=True).stdout
        found = json.loads(out.strip().splitlines()[-1])
        print(f"  baseline (extract with metadata + nlp.pipe, 1 process, start-up excluded): "
              f"{found['docs'] / found['seconds']:.2f} docs/s ({found['seconds']:.1f}s), "
              f"peak RSS {found['rss_mb']:.0f} MB; CPU {found['cpu_s']:.0f}s{_busy_note(busy)}")
        found["busy_before"] = busy
        if base is None or found["seconds"] < base["seconds"]:
            base = found
        for workers in workers_list:
            run = storyline_run(corpus, work, workers, len(paths))
            if workers not in figures or run["seconds"] < figures[workers]["seconds"]:
                figures[workers] = run
    assert base is not None
    base_rate = base["docs"] / base["seconds"]
    mean_tokens = statistics.mean(base["tokens"])
    print(f"corpus tokens (spaCy, of the extracted text): mean {mean_tokens:.0f}, "
          f"median {statistics.median(base['tokens']):.0f}, total {sum(base['tokens'])}")
    best = " (best of each)" if args.repeat > 1 else ""
    print(f"baseline{best}: {base_rate:.2f} docs/s ({base['seconds']:.1f}s for {base['docs']} documents), "
          f"peak RSS {base['rss_mb']:.0f} MB")
    for workers, run in figures.items():
        print(f"storyline analyze --workers {workers}{best}: {run['docs_per_s']:.2f} docs/s ({run['seconds']:.1f}s), "
              f"{run['docs_per_s'] / base_rate:.2f}x baseline")

    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)

    def rate(workers: int) -> float | None:
        return round(figures[workers]["docs_per_s"], 2) if workers in figures else None

    def ratio(workers: int) -> float | None:
        return round(figures[workers]["docs_per_s"] / base_rate, 3) if workers in figures else None

    first = workers_list[0] if workers_list else None
    summary = {
        "docs": len(paths), "mean_tokens": round(mean_tokens, 1),
        "baseline_docs_per_s": round(base_rate, 2), "baseline_startup_s": round(base_startup, 2),
        "baseline_peak_rss_mb": round(base["rss_mb"], 1), "repeat": args.repeat,
        "storyline_startup_s": round(ours_startup, 2),
        "docs_per_s_1w": rate(1), "docs_per_s_2w": rate(2), "ratio_1w": ratio(1), "ratio_2w": ratio(2),
        "peak_rss_mb": round(max((f["rss"] for f in figures.values()), default=0.0), 1),
        "peak_rss_mb_by_workers": {str(w): round(f["rss"], 1) for w, f in figures.items()},
        "peak_pss_total_mb_by_workers": {str(w): round(f["pss"], 1) for w, f in figures.items()},
        "cpus": os.cpu_count(),
        # CPUs other work kept busy just before a measured run (the worst seen): above ~0.2, rerun
        "machine_busy_max": round(max([base.get("busy_before", 0.0)] + [f["busy_before"] for f in figures.values()]),
                                  2),
        # the old keys, equal to the first (1-worker) run's figures
        "docs_per_s": rate(1) if 1 in figures else (rate(first) if first is not None else None),
        "ratio": ratio(1) if 1 in figures else (ratio(first) if first is not None else None),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
