"""Claims and figures measured on the demo corpus gold (tests/gold/demo/story.json).

The demo corpus is run through `storyline.pipeline.run` into a store in a temp dir; each
stored article is parsed again with the spaCy pipeline, `article_actors` gives its mentions,
`extract_claims` its figures. SourcedClaims take their original from the store's
`duplicate_of` (a near-copy is not a second source); `group_claims` runs once per gold
storyline over that storyline's articles, as the corpus stage would run it per storyline.

Printed: each gold corroborated / single-source / contested fact, hit or miss, with the group
found for it; the number of groups by status (the spurious corroborated and contested groups
are the precision side); ms per article for extraction and for grouping; and what
../shared/eval/score.py counts as `facts`: a claim whose value equals the gold number and whose
sources include every gold source.

Gold file names map to articles as tests/gold/demo/README.md says: the file name for html/txt
inputs, the last URL path segment for JSONL/RSS/WARC records.

usage: python bench/eval_claims.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "demo" / "story.json"
CORPUS = ROOT / "src" / "storyline" / "demo" / "corpus"


def gold_name(row: dict) -> str:
    source = str(row.get("url") or row["source"]).rstrip("/")
    return source.rsplit("/", 1)[-1]


def load_articles(tmp: Path) -> list[dict]:
    from storyline.pipeline import run
    from storyline.settings import Settings
    from storyline.store import open_store

    path = tmp / "s.duckdb"
    run([str(CORPUS)], Settings(db_path=path, workers=0))
    with open_store(path, read_only=True) as st:
        return list(st.iter_articles())


def extract_all(rows: list[dict]) -> tuple[dict[str, list], float]:
    """article id -> SourcedClaims, and the seconds spent (parse excluded) per article."""
    from storyline.analyze.actors import article_actors
    from storyline.analyze.claims import extract_claims
    from storyline.analyze.nlp import load_pipeline
    from storyline.corpus.claims import SourcedClaim
    from storyline.settings import Settings

    nlp = load_pipeline(Settings().spacy_model)
    out: dict[str, list] = {}
    spent = 0.0
    for row in rows:
        doc = nlp(row["text"])
        sents = list(doc.sents)
        mentions, _ = article_actors(doc, [s.start for s in sents], exclude=(row.get("outlet"), row.get("author")))
        t0 = time.perf_counter()
        claims = extract_claims(doc, mentions)
        spent += time.perf_counter() - t0
        out[row["id"]] = [
            SourcedClaim(article_id=row["id"], original_id=row.get("duplicate_of") or row["id"],
                         outlet=row.get("outlet"), published=row.get("published"),
                         sentence=sents[c.sentence].text, claim=c, story_id=row.get("story_id"),
                         storyline_id=None)
            for c in claims]
    return out, spent / max(1, len(rows))


def main(argv: list[str] | None = None) -> int:
    from storyline.corpus.claims import group_claims

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", action="store_true", help="print every group")
    args = ap.parse_args(argv)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        rows = load_articles(Path(tmp))
    ids = {gold_name(r): r["id"] for r in rows}
    names = {v: k for k, v in ids.items()}
    claims, per_article = extract_all(rows)

    groups = []
    t0 = time.perf_counter()
    for n, story in enumerate(gold["stories"]):
        members = [c for name in story for c in claims.get(ids.get(name, ""), [])]
        for c in members:
            c.storyline_id = f"demo-{n}"
        groups += group_claims(members)
    group_ms = (time.perf_counter() - t0) * 1000

    def find(number: float, sources: list[str], status: str | None = None):
        want = {ids.get(s) for s in sources}
        hits = [g for g in groups if float(number) in g.values and want <= {a for a, _ in g.sources}]
        if status:
            exact = [g for g in hits if g.status == status and {a for a, _ in g.sources} == want]
            return exact[0] if exact else (hits[0] if hits else None), bool(exact)
        return (hits[0] if hits else None), bool(hits)

    def show(g) -> str:
        if g is None:
            return "-"
        src = ",".join(names.get(a, a)[:18] for a, _ in g.sources)
        return f"{g.status} {g.values} {g.unit} {g.text!r} [{g.subject}] <{src}>"

    total = right = 0
    for kind, status in (("corroborated_facts", "corroborated"), ("single_source_facts", "single-source"),
                         ("contested_facts", "contested")):
        print(f"\n== {kind}")
        for fact in gold[kind]:
            numbers = fact.get("numbers") or [fact["number"]]
            g, ok = find(numbers[0], fact["sources"], status)
            if ok and status == "contested":
                ok = all(float(x) in g.values for x in numbers)
            total += 1
            right += ok
            print(f"  {'HIT ' if ok else 'MISS'} {fact['fact'][:60]:60} {numbers} -> {show(g)}")

    # what ../shared/eval/score.py counts: value == number, sources include all gold sources
    facts = gold["corroborated_facts"] + gold["single_source_facts"]
    score_hits = 0
    for fact in facts:
        want = {ids.get(s) for s in fact["sources"]}
        if any(g.value == float(fact["number"]) and want <= {a for a, _ in g.sources} for g in groups):
            score_hits += 1

    by_status: dict[str, int] = {}
    for g in groups:
        by_status[g.status] = by_status.get(g.status, 0) + 1
    gold_hit = {(s, float(x)) for s in ("corroborated", "contested")
                for f in gold["corroborated_facts" if s == "corroborated" else "contested_facts"]
                for x in (f.get("numbers") or [f["number"]])}
    spurious = [g for g in groups if g.status in ("corroborated", "contested")
                and not any((g.status, v) in gold_hit for v in g.values)]
    print(f"\nfacts with the right status and exact sources: {right}/{total}")
    print(f"score.py facts (corroborated + single-source): {score_hits}/{len(facts)} = {score_hits / len(facts):.3f}")
    print(f"groups: {len(groups)} " + " ".join(f"{k}={v}" for k, v in sorted(by_status.items())))
    print(f"corroborated/contested groups matching no gold fact: {len(spurious)}")
    for g in spurious:
        print("   ", show(g))
    print(f"extract_claims: {per_article * 1000:.2f} ms/article (parse excluded); "
          f"group_claims: {group_ms:.1f} ms for {len(gold['stories'])} storylines")
    if args.verbose:
        print("\n== all groups")
        for g in groups:
            print("  ", show(g))
    return 0


if __name__ == "__main__":
    sys.exit(main())
