"""Turn what the user typed (files, directories, globs) into the files to read."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.model import Skipped

SUFFIXES = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".warc": "warc", ".warc.gz": "warc", ".arc.gz": "warc",
    ".rss": "rss", ".atom": "rss", ".xml": "rss",
}


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


def find_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str] | Skipped]:
    """Yield (file, kind) in a stable order, or Skipped for what cannot be read.

    Directories are walked recursively; hidden files and files of unknown type found inside a
    directory are passed over silently (a crawl folder holds logs and such), but a file the
    user named explicitly is always either read or reported.
    """
    seen: set[Path] = set()
    for given in paths:
        text = str(given)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                yield Skipped(text, "no file matches this pattern")
            for match in matches:
                yield from _one(Path(match), seen, explicit=False)
            continue
        path = Path(text)
        if not path.exists():
            yield Skipped(text, "no such file or directory")
            continue
        yield from _one(path, seen, explicit=True)


def _one(path: Path, seen: set[Path], explicit: bool) -> Iterator[tuple[Path, str] | Skipped]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                yield from _one(child, seen, explicit=False)
        return
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    kind = kind_of(path)
    if kind is None:
        if explicit:
            yield Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
        return
    yield path, kind
