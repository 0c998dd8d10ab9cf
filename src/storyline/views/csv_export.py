"""The dossier's lists as CSV files, one per section, for spreadsheets and dataframes.

Streaming like dossier.json: each section is an iterator over store pages and is read once, a
row at a time. A CSV needs its header before its first row, and the rows of one section need not
all have the same keys (an addition to the contract shows up on new rows only, a hand-made
record may lack a field), so the header cannot come from the first row alone without dropping
data. Each section is therefore spooled first, one JSON line per row, into a temporary file
beside the output, while the keys are collected; the CSV is then written from the spool with a
stable header: the first row's keys in their order, then any key first seen later, in the order
first seen. A row lacking a key has an empty cell there. Memory stays one row; disk holds the
section twice while it is written.

Cells: None is empty; true/false for booleans; numbers as Python prints them; lists and dicts
as JSON (ensure_ascii off). A text cell that a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return, after any leading spaces, or their full-width forms) gets a
leading apostrophe: article text is hostile input, and "=HYPERLINK(...)" in a title must stay
text. Numbers are left alone: -3.5 is a number, not a formula.

Each file appears complete or not at all (written under a temporary name, renamed at the end).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def cell(value: Any) -> str:
    """One value as its CSV cell text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple | Iterator)


def _spool(rows: Iterable[Any], spool: Any) -> list[str]:
    """Write each row as a JSON line; return the header (keys in first-seen order)."""
    keys: dict[str, None] = {}
    for row in rows:
        record = row if isinstance(row, dict) else {"value": row}
        keys.update(dict.fromkeys(str(k) for k in record))
        spool.write(json.dumps({str(k): v for k, v in record.items()}, ensure_ascii=False, default=str) + "\n")
    return list(keys)


def write_section(name: str, rows: Iterable[Any], folder: Path) -> Path:
    """`rows` (dicts; anything else becomes a one-column "value" row) as folder/<name>.csv. An
    empty section gives an empty file, so a folder always has the same files."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_UNSAFE_NAME.sub('_', name) or 'section'}.csv"
    tmp = path.with_suffix(".csv.tmp")
    try:
        with tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder) as spool:
            header = _spool(rows, spool)
            spool.seek(0)
            with tmp.open("w", encoding="utf-8", newline="") as out:
                if header:
                    writer = csv.writer(out)
                    writer.writerow([cell(k) for k in header])
                    for line in spool:
                        record = json.loads(line)
                        writer.writerow([cell(record.get(k)) for k in header])
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_csv(sections: Iterable[tuple[str, Any]], folder: Path) -> list[Path]:
    """One CSV per list section of the dossier (articles, actors, quotes, events, claims,
    stories, storylines, ...), in section order; sections that are not lists (the "storyline"
    header) are skipped. Sections are consumed in order, each once, so `dossier_sections(store)`
    can be passed as it is. Returns the files written."""
    folder = Path(folder)
    written = []
    for name, value in sections:
        if _is_list(value):
            written.append(write_section(str(name), value, folder))
    return written
