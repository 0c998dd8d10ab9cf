"""Who reported what: one story's coverage compared outlet by outlet.

For each outlet of a story: its articles, the events and claims it carries, whom it quotes, and
what it alone reports. With outlet labels (a CSV the user writes: country, lean, owner, ...),
the same per label value, and the blindspots: events or claims that only outlets sharing one
label value carry, while the story has outlets with other values that did not.

A near-duplicate counts for its own outlet: syndication is coverage. A paper that runs the wire's
story has told its readers what the wire said, so an event found in any article of a near-copy
group (an original and its copies, `duplicate_of`) is credited to the outlets of every article in
that group. This is also why an outlet's article list includes its copies, marked in
`duplicates`.

Outlet names are matched case-insensitively with whitespace collapsed ("The  Harbor Ledger" is
"the harbor ledger"), both between articles and against the labels; an article without an
outlet is counted under "(unknown outlet)", which carries no labels.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

UNKNOWN_OUTLET = "(unknown outlet)"
UNATTRIBUTED = "(unattributed)"
NO_LABEL = "(no label)"


def outlet_key(name: str | None) -> str:
    """The form outlet names are compared in: case and runs of whitespace do not tell two
    outlets apart."""
    return " ".join((name or "").split()).casefold()


def read_outlet_labels(path: Path) -> dict[str, dict[str, str]]:
    """Outlet labels from a CSV with a header: a column "outlet" and any label columns.

    Returns {outlet_key(outlet): {column: value}}, empty values left out (an unknown label is
    not a label). Header names are trimmed; "outlet" is found case-insensitively. Blank lines are
    skipped. A row with more fields than the header, without an outlet name, or naming an outlet
    a second time raises ValueError with its line number: a silently dropped or overridden row
    would misplace that outlet in every comparison."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise ValueError(f"{path}: empty file, expected a header with an 'outlet' column")
        columns = [cell.strip() for cell in header]
        where = reader.line_num
        folded = [c.casefold() for c in columns]
        if "outlet" not in folded:
            raise ValueError(f"{path}, line {where}: no 'outlet' column in the header {columns}")
        if len(set(folded)) != len(folded) or "" in folded:
            raise ValueError(f"{path}, line {where}: header columns must be named and distinct: {columns}")
        outlet_at = folded.index("outlet")
        labels: dict[str, dict[str, str]] = {}
        first_seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                raise ValueError(f"{path}, line {line}: {len(row)} fields for {len(columns)} columns")
            cells = row + [""] * (len(columns) - len(row))
            key = outlet_key(cells[outlet_at])
            if not key:
                raise ValueError(f"{path}, line {line}: no outlet name")
            if key in labels:
                raise ValueError(f"{path}, line {line}: outlet {cells[outlet_at].strip()!r} already "
                                 f"labelled on line {first_seen[key]}")
            first_seen[key] = line
            labels[key] = {column: cell.strip() for i, (column, cell) in enumerate(zip(columns, cells, strict=True))
                           if i != outlet_at and cell.strip()}
    return labels


def _outlet_names(articles: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """Each article's outlet key, and each key's display name: the spelling most articles use
    (the first seen among equals)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    of_article: dict[str, str] = {}
    for article in articles:
        raw = " ".join((article.get("outlet") or "").split())
        key = outlet_key(raw) or UNKNOWN_OUTLET
        of_article[article["id"]] = key
        spellings[key][raw or UNKNOWN_OUTLET] += 1
    names = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    return of_article, names


def _credited(items: list[dict], of_article: dict[str, str], group: dict[str, list[str]],
              group_of: dict[str, str]) -> tuple[dict[str, list[str]], int]:
    """For each item id, the outlet keys credited with it (sorted), following near-copy groups;
    and how many sources named an article outside the story (ignored)."""
    credited: dict[str, list[str]] = {}
    unmatched = 0
    for item in items:
        outlets: set[str] = set()
        for source in item.get("sources") or []:
            article_id = source.get("article_id")
            if article_id not in of_article:
                unmatched += 1
                continue
            outlets.update(of_article[a] for a in group[group_of[article_id]])
        credited[item["id"]] = sorted(outlets)
    return credited, unmatched


def _speakers(quotes: Iterable[dict]) -> dict[str, dict[str, Any]]:
    """Each outlet's quotes grouped by speaker id (the name as the first quote gives it)."""
    by_outlet: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for quote in quotes:
        outlet = quote["_outlet"]
        speaker_id = quote.get("speaker_id") or ""
        name = quote.get("speaker") or (speaker_id if speaker_id else UNATTRIBUTED)
        entry = by_outlet[outlet].setdefault(speaker_id or f"\0{name}", {
            "speaker": name, "speaker_id": speaker_id or None, "quotes": []})
        entry["quotes"].append(quote["id"])
    return {outlet: entries for outlet, entries in by_outlet.items()}


def compare_outlets(articles: list[dict], events: list[dict], quotes: list[dict], claims: list[dict],
                    labels: dict[str, dict[str, str]] | None = None, min_outlets: int = 2) -> dict:
    """The outlet comparison of one story, from its dossier records.

    Inputs: articles {id, outlet, duplicate_of}; events and claims {id, sources: [{article_id,
    ...}]}; quotes {id, article_id, speaker, speaker_id}. Sources and quotes naming an article not
    among `articles` are ignored (counted in "unmatched_sources"/"unmatched_quotes"). `labels` as
    read_outlet_labels returns them (keys are folded here again, so a hand-made dict works too).

    Returns (lists of ids keep the input order; outlets by articles, then name):
    {
      "outlets": [{
          "outlet": display name, "key": folded name, "labels": {column: value},
          "articles": [ids], "duplicates": [ids of those that are near-copies],
          "events": [ids], "claims": [ids],        # credited, near-copy groups followed
          "exclusive_events": [ids], "exclusive_claims": [ids],  # credited to this outlet only
          "quotes": count, "speakers": [{"speaker", "speaker_id", "quotes": [ids]}]  # most quoted first
      }],
      "labels": {column: {value: {"outlets": [names], "articles": n, "events": [ids], "claims": [ids]}}},
      "blindspots": [{"item": "event" | "claim", "id", "column", "value", "reported_by": [names],
                      "missed_by": [names]}],
      "unlabelled": [names of outlets without any label],
      "unmatched_sources": n, "unmatched_quotes": n,
    }
    "labels", "blindspots" and "unlabelled" are empty without labels. In "labels" an outlet
    lacking a column is listed under the value "(no label)". A blindspot is an item carried by at
    least `min_outlets` outlets (one outlet alone is already its "exclusive"), all of which share
    one value of a column, in a story where outlets with another value of that column exist and
    did not carry it; an outlet without that column makes the item no blindspot for it (unknown
    is not agreement)."""
    of_article, names = _outlet_names(articles)
    known = {article["id"] for article in articles}
    group_of = {a["id"]: (a.get("duplicate_of") if a.get("duplicate_of") in known else a["id"]) for a in articles}
    group: dict[str, list[str]] = defaultdict(list)
    for article_id, original in group_of.items():
        group[original].append(article_id)
    event_outlets, unmatched_events = _credited(events, of_article, group, group_of)
    claim_outlets, unmatched_claims = _credited(claims, of_article, group, group_of)
    matched_quotes = [{**q, "_outlet": of_article[q["article_id"]]} for q in quotes if q.get("article_id") in known]
    speakers = _speakers(matched_quotes)
    folded = {outlet_key(name): dict(values) for name, values in (labels or {}).items()}

    outlets: dict[str, dict[str, Any]] = {}
    for article in articles:
        key = of_article[article["id"]]
        entry = outlets.setdefault(key, {
            "outlet": names[key], "key": key, "labels": {} if key == UNKNOWN_OUTLET else folded.get(key, {}),
            "articles": [], "duplicates": [], "events": [], "claims": [], "exclusive_events": [],
            "exclusive_claims": [], "quotes": 0, "speakers": []})
        entry["articles"].append(article["id"])
        if group_of[article["id"]] != article["id"]:
            entry["duplicates"].append(article["id"])
    for kind, credited in (("events", event_outlets), ("claims", claim_outlets)):
        for item_id, keys in credited.items():
            for key in keys:
                outlets[key][kind].append(item_id)
            if len(keys) == 1:
                outlets[keys[0]]["exclusive_" + kind].append(item_id)
    for key, entries in speakers.items():
        ranked = sorted(entries.values(), key=lambda e: (-len(e["quotes"]), e["speaker"].casefold(),
                                                         e["speaker_id"] or ""))
        outlets[key]["speakers"] = ranked
        outlets[key]["quotes"] = sum(len(e["quotes"]) for e in ranked)
    ordered = sorted(outlets.values(), key=lambda e: (-len(e["articles"]), e["outlet"].casefold(), e["key"]))

    result: dict[str, Any] = {
        "outlets": ordered, "labels": {}, "blindspots": [], "unlabelled": [],
        "unmatched_sources": unmatched_events + unmatched_claims,
        "unmatched_quotes": len(quotes) - len(matched_quotes),
    }
    if labels is not None:
        result["labels"] = _label_coverage(ordered)
        result["blindspots"] = _blindspots(ordered, event_outlets, claim_outlets, min_outlets)
        result["unlabelled"] = [e["outlet"] for e in ordered if not e["labels"]]
    return result


def _columns(outlets: list[dict[str, Any]]) -> list[str]:
    return sorted({column for entry in outlets for column in entry["labels"]}, key=str.casefold)


def _label_coverage(outlets: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per column and value: its outlets, their articles, and the events and claims any of them
    carries (ids in first-credited order)."""
    coverage: dict[str, dict[str, dict[str, Any]]] = {}
    for column in _columns(outlets):
        values: dict[str, dict[str, Any]] = {}
        for entry in outlets:
            value = entry["labels"].get(column, NO_LABEL)
            slot = values.setdefault(value, {"outlets": [], "articles": 0, "events": {}, "claims": {}})
            slot["outlets"].append(entry["outlet"])
            slot["articles"] += len(entry["articles"])
            for kind in ("events", "claims"):
                slot[kind].update(dict.fromkeys(entry[kind]))  # a dict keeps first-seen order, once each
        for slot in values.values():
            slot["events"], slot["claims"] = list(slot["events"]), list(slot["claims"])
        coverage[column] = dict(sorted(values.items(), key=lambda kv: (kv[0] == NO_LABEL, kv[0].casefold())))
    return coverage


def _blindspots(outlets: list[dict[str, Any]], event_outlets: dict[str, list[str]],
                claim_outlets: dict[str, list[str]], min_outlets: int) -> list[dict[str, Any]]:
    by_key = {entry["key"]: entry for entry in outlets}
    found = []
    for column in _columns(outlets):
        present = {entry["labels"][column] for entry in outlets if column in entry["labels"]}
        if len(present) < 2:
            continue  # every labelled outlet of the story agrees: nobody to have missed anything
        for kind, credited in (("event", event_outlets), ("claim", claim_outlets)):
            for item_id, keys in credited.items():
                if len(keys) < max(min_outlets, 1):
                    continue
                values = {by_key[k]["labels"].get(column) for k in keys}
                if len(values) != 1 or None in values:
                    continue
                (value,) = values
                missed = [e["outlet"] for e in outlets
                          if e["key"] not in keys and e["labels"].get(column) not in (None, value)]
                if missed:
                    found.append({"item": kind, "id": item_id, "column": column, "value": value,
                                  "reported_by": [by_key[k]["outlet"] for k in keys], "missed_by": missed})
    return found
