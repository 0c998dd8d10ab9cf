"""Turn what the user typed (files, directories, globs) into the files to read.

Whatever is not read is named with its reason: a folder that cannot be listed, a symbolic
link that points nowhere or round in a circle. A dossier that silently lacks a folder of
pages looks complete and is not.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
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

LOOP = "symbolic link loop"
FOLDER_LOOP = "symbolic link loop (points back to a folder that contains it)"


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


def find_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str] | Skipped]:
    """Yield (file, kind) in a stable order, or Skipped for what cannot be read.

    Directories are walked recursively, following links to folders but never round a loop;
    hidden files and files of unknown type found inside a directory are passed over silently
    (a crawl folder holds logs and such), but a file the user named explicitly is always
    either read or reported.
    """
    seen: set[Path] = set()
    for given in paths:
        text = str(given)
        if any(ch in text for ch in "*?[") and not os.path.lexists(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                yield Skipped(text, "no file matches this pattern")
            for match in matches:
                yield from _one(Path(match), seen, explicit=False)
            continue
        yield from _one(Path(text), seen, explicit=True)


def _one(path: Path, seen: set[Path], explicit: bool) -> Iterator[tuple[Path, str] | Skipped]:
    try:
        info = path.stat()
    except OSError as exc:
        yield Skipped(str(path), _stat_failure(path, exc))
        return
    if stat.S_ISDIR(info.st_mode):
        walked = {(info.st_dev, info.st_ino)}
        for found in _walk(path, frozenset(walked), walked):
            if isinstance(found, Skipped):
                yield found
            else:
                yield from _file(found, seen, explicit=False)
        return
    yield from _file(path, seen, explicit)


def _file(path: Path, seen: set[Path], explicit: bool) -> Iterator[tuple[Path, str] | Skipped]:
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


def _walk(folder: Path, ancestors: frozenset[tuple[int, int]],
          walked: set[tuple[int, int]]) -> Iterator[Path | Skipped]:
    """The regular files under `folder`, depth first in name order (the order of sorting the
    full paths). `ancestors` are the folders on the way down, by (device, inode): a link to
    one of them is a loop. `walked` are all folders listed so far: a second link to a folder
    already read adds nothing."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield Skipped(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            info = os.stat(entry.path)  # follows links
        except OSError as exc:
            yield Skipped(str(path), _stat_failure(path, exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                yield Skipped(str(path), FOLDER_LOOP if entry.is_symlink() else "folder loop")
            elif key not in walked:
                walked.add(key)
                yield from _walk(path, ancestors | {key}, walked)
        elif stat.S_ISREG(info.st_mode):
            yield path


def _stat_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return LOOP
    if exc.errno == errno.ENOENT and path.is_symlink():
        return f"broken symbolic link (points to {os.readlink(path)})"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file or directory"
    return f"cannot read: {exc.strerror or exc}"
