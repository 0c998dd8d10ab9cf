"""Actor check on a real multi-outlet topic: is each recurring person or body one actor, with its
variants as aliases, and is no drug, heading or reader's signature a person?

Issue 11 asks for this check on `../shared/eval/t17-dev` (three outlets on one epidemic) and the
same on other topics. A check file (bench/checks/*.json, written by hand from reading the
topic's dossier: which names recur, how the outlets spell them) lists:

- "one": groups of spellings that name one actor; the group passes when one actor of the
  dossier holds every spelling it has as its name or an alias (case and accents as printed; a
  spelling the dossier lacks altogether is listed, not failed);
- "not_people": names that must not be a person actor (a drug, a comment-thread label).

usage: python bench/eval_actors.py DOSSIER.json bench/checks/t17_h1n1.json

To make the dossier: `storyline analyze ../shared/eval/t17-dev/H1N1/articles.jsonl --db /tmp/t17.duckdb
--out /tmp/t17` (about a minute and a half on 2 cores). Prints a line per group and per name,
and a JSON line last: {"groups", "one_actor", "split", "not_people", "junk_persons"}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def check(dossier: dict, checks: dict) -> dict:
    holders: dict[str, set[str]] = {}  # spelling -> the actors holding it
    kind_of = {}
    for actor in dossier["actors"]:
        kind_of[actor["id"]] = actor["kind"]
        for spelling in {actor["name"], *actor["aliases"]}:
            holders.setdefault(spelling, set()).add(actor["id"])
    names = {a["id"]: a["name"] for a in dossier["actors"]}
    split = []
    for group in checks["one"]:
        found = {s: holders[s] for s in group if s in holders}
        common = set.intersection(*found.values()) if found else set()
        ok = bool(common)
        gone = [s for s in group if s not in holders]  # cleaned away with a comment thread, say
        print(("ok    " if ok else "SPLIT ") + " / ".join(found)
              + (f"  (not in the dossier: {', '.join(gone)})" if gone else "")
              + ("" if ok else "  <- " + "; ".join(f"{s}: {sorted(names[i] for i in ids)}"
                                                  for s, ids in found.items())))
        if not ok:
            split.append(group)
    junk = []
    for name in checks["not_people"]:
        persons = [i for i in holders.get(name, set()) if kind_of[i] == "person"]
        print(("JUNK  " if persons else "ok    ") + f"{name} is not a person")
        if persons:
            junk.append(name)
    return {"groups": len(checks["one"]), "one_actor": len(checks["one"]) - len(split), "split": split,
            "not_people": len(checks["not_people"]), "junk_persons": junk}


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    dossier = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    checks = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    print(json.dumps(check(dossier, checks)))


if __name__ == "__main__":
    main()
