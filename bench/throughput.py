"""Throughput: storyline analyze against the bare minimum any tool must do.

Builds a corpus of N articles from the demo corpus (HTML pages and scraped text, each copy
made distinct by one added sentence), then in one run measures
  (a) the baseline: trafilatura.extract (HTML) or the text cleaner (.txt), then spaCy
      nlp.pipe over the texts, in this one process;
  (b) `storyline analyze` on the same files, as a user runs it (a fresh process: imports,
      model load, workers, store, corpus stage all included).
Prints docs/s for both, peak RSS, and as its last line a JSON object.

usage: python bench/throughput.py [--docs N] [--workers W] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path


def build_corpus(target: Path, docs: int) -> list[Path]:
    corpus = Path(str(files("storyline").joinpath("demo/corpus")))
    templates = sorted(p for p in corpus.rglob("*") if p.suffix in (".html", ".txt"))
    if not templates:
        sys.exit(f"no demo corpus under {corpus}")
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(docs):
        template = templates[i % len(templates)]
        data = template.read_bytes()
        note = f"Archive note {i}: this copy number {i} was made for the throughput benchmark."
        if template.suffix == ".html":
            data = re.sub(rb"(</p>)", rb"\1<p>" + note.encode() + rb"</p>", data, count=1)
        else:
            text = data.decode("utf-8", errors="surrogateescape")
            lines = text.split("\n")
            longest = max(range(len(lines)), key=lambda k: len(lines[k]))
            lines.insert(longest + 1, "\n" + note)
            data = "\n".join(lines).encode("utf-8", errors="surrogateescape")
        path = target / f"{i:05d}-{template.name}"
        path.write_bytes(data)
        out.append(path)
    return out


def baseline(paths: list[Path], model: str, batch_size: int) -> float:
    import spacy
    import trafilatura

    from storyline.extract.cleaner import clean_text
    from storyline.ingest.decode import decode_bytes

    nlp = spacy.load(model)
    started = time.perf_counter()

    def texts():
        for path in paths:
            raw = decode_bytes(path.read_bytes())
            if path.suffix == ".html":
                yield trafilatura.extract(raw) or ""
            else:
                yield clean_text(raw).text

    count = sum(1 for _ in nlp.pipe(texts(), batch_size=batch_size))
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus and store here")
    args = parser.parse_args()

    from storyline.settings import Settings

    settings = Settings()
    work = args.keep or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    paths = build_corpus(work / "corpus", args.docs)
    print(f"corpus: {len(paths)} documents in {work / 'corpus'}")

    base = baseline(paths, settings.spacy_model, settings.batch_size)
    print(f"baseline (extract + nlp.pipe, 1 process): {base:.1f} docs/s")

    db = work / "bench.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "storyline", "analyze", str(work / "corpus"), "--db", str(db),
               "--out", str(work / "out"), "--quiet"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    elapsed = time.perf_counter() - started
    ours = len(paths) / elapsed
    # ru_maxrss of children: the largest single process among storyline and its workers
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"storyline analyze (end to end, {settings.workers if not args.workers else args.workers} workers): "
          f"{ours:.1f} docs/s ({elapsed:.1f}s)")
    print(f"peak RSS: storyline {peak_children:.0f} MB per process (this bench process {peak_self:.0f} MB)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"docs": len(paths), "docs_per_s": round(ours, 2), "baseline_docs_per_s": round(base, 2),
                      "ratio": round(ours / base, 3), "peak_rss_mb": round(peak_children, 1),
                      "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
