"""Quote attribution: storyline against textacy's direct_quotations, on the same gold.

Runs `storyline analyze` on a corpus, then scores (a) storyline's attributed quotes and
(b) textacy.extract.triples.direct_quotations run on the very same cleaned texts with the
same spaCy pipeline, against hand-made gold in the shared/eval format (one JSON per article
with "quotes": [{"text", "speaker"}]). A predicted quote matches a gold one when either text
contains the other (the shorter at least half the gold's length) and the speaker is the gold's
full name (case, accents, hyphens and possessives ignored). textacy names speakers as written
("Trump", "he"); to be fair it gets the fullest PERSON name in the article that contains its
speaker's words. Prints precision, recall and F1 for both, and a JSON line last.

usage: python bench/quotes.py [--corpus DIR] [--gold DIR]
       (defaults: the bundled demo corpus and tests/gold/demo; textacy's side needs `pip install textacy`)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", re.sub(r"'s\b", "", norm(name))) if t]


def same_name(pred: str, gold: str) -> bool:
    p, g = name_tokens(pred), name_tokens(gold)
    if not p:
        return False
    return p == g or set(p) == set(g) or (len(p) >= 2 and set(p) <= set(g) and len(g) > 2)


def text_match(pred: str, gold: str) -> bool:
    p, g = norm(pred).strip(" \"'.,"), norm(gold).strip(" \"'.,")
    return bool(p and g) and (g in p or (p in g and len(p) >= 0.5 * len(g)))


def score(predicted: dict[str, list[tuple[str, str]]], gold: dict[str, list[dict]]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for name, wanted in gold.items():
        mine = [q for q in predicted.get(name, []) if q[1]]
        n_pred += len(mine)
        n_gold += len(wanted)
        used: set[int] = set()
        for g in wanted:
            for i, (text, speaker) in enumerate(mine):
                if i not in used and text_match(text, g["text"]) and same_name(speaker, g["speaker"]):
                    used.add(i)
                    tp += 1
                    break
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "predicted": n_pred, "gold": n_gold}


def article_key(source: str) -> str:
    return re.split(r"[\\/]", source)[-1].rsplit(".", 1)[0]


def textacy_quotes(texts: dict[str, str], model: str) -> tuple[dict[str, list[tuple[str, str]]], int]:
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(model)  # the full pipeline: textacy finds cue verbs by their lemma
    out: dict[str, list[tuple[str, str]]] = {}
    failures = 0
    for name, text in texts.items():
        doc = nlp(text)
        persons = [e.text for e in doc.ents if e.label_ == "PERSON"]
        found = []
        try:
            triples = list(direct_quotations(doc))
        except Exception:  # textacy raises on unbalanced quotation marks
            failures += 1
            triples = []
        for triple in triples:
            speaker = " ".join(t.text for t in triple.speaker)
            fuller = [p for p in persons if set(name_tokens(speaker)) <= set(name_tokens(p))]
            if fuller:
                speaker = max(fuller, key=len)
            content = " ".join(t.text for t in triple.content).strip("\"“” ")
            found.append((content, speaker))
        out[name] = found
    return out, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(str(files("storyline").joinpath("demo/corpus"))))
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold" / "demo")
    args = parser.parse_args()

    import storyline
    from storyline.settings import Settings

    gold = {}
    for path in sorted(args.gold.glob("*.json")):
        if path.name != "story.json":
            data = json.loads(path.read_text(encoding="utf-8"))
            gold[data["file"].rsplit(".", 1)[0]] = data.get("quotes", [])

    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        storyline.run([args.corpus], db=Path(work) / "q.duckdb")
        dossier = storyline.dossier(Path(work) / "q.duckdb")
        ours_seconds = time.perf_counter() - started
    names = {a["id"]: article_key(a["source"]) for a in dossier["articles"]}
    texts = {article_key(a["source"]): a["text"] for a in dossier["articles"] if article_key(a["source"]) in gold}
    ours: dict[str, list[tuple[str, str]]] = {}
    for q in dossier["quotes"]:
        ours.setdefault(names[q["article_id"]], []).append((q["text"], q["speaker"] or ""))
    ours = {k: v for k, v in ours.items() if k in gold}

    try:
        started = time.perf_counter()
        theirs, failures = textacy_quotes(texts, Settings().spacy_model)
        textacy_seconds = time.perf_counter() - started
    except ImportError:  # storyline's own figures still mean something
        print("textacy is not installed (pip install textacy): storyline's scores only", file=sys.stderr)
        theirs, failures, textacy_seconds = {}, 0, 0.0

    direct_gold = {k: [g for g in v if g.get("kind", "direct") == "direct"] for k, v in gold.items()}
    ours_direct = {}
    kinds = {(names[q["article_id"]], q["text"]): q["kind"] for q in dossier["quotes"]}
    for k, v in ours.items():
        ours_direct[k] = [q for q in v if kinds.get((k, q[0])) == "direct"]
    result = {
        "articles": len(texts),
        "storyline_all": score(ours, gold),
        "storyline_direct": score(ours_direct, direct_gold),
        "textacy_all": score(theirs, gold),
        "textacy_direct": score(theirs, direct_gold),
        "textacy_failed_articles": failures,
        "storyline_seconds": round(ours_seconds, 1),
        "textacy_seconds": round(textacy_seconds, 1),
    }
    for name in ("storyline_all", "textacy_all", "storyline_direct", "textacy_direct") if theirs else \
            ("storyline_all", "storyline_direct"):
        s = result[name]
        print(f"{name:17s} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}  ({s['tp']}/{s['gold']} gold, "
              f"{s['predicted']} attributed)")
    if theirs:
        print(f"textacy raised on {failures} of {len(texts)} articles")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
