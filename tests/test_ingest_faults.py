"""Ingest faults: legacy-encoded JSONL, folders and links that cannot be read, undeclared imports.

Every input that is not read must come back as a Skipped with a reason a user can act on;
a silent gap in a dossier is worse than a loud one.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

import storyline
from storyline.ingest import find_files, iter_documents
from storyline.model import RawDocument, Skipped
from storyline.settings import Settings
from tests.conftest import page

ROOT = Path(__file__).resolve().parent.parent

# --- JSONL goes through the same decoder as every other file ------------------------------------

CP1252_TEXT = ("“We will rebuild the cathedral,” the president said outside the café on Tuesday, "
               "before the crowd — thousands of Parisians — fell silent.")


def test_cp1252_jsonl_keeps_smart_quotes_and_accents(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.jsonl"
    records = [{"url": "https://wire.example/a", "title": "Café “reopens”", "text": CP1252_TEXT},
               {"url": "https://wire.example/b", "title": "Plain", "text": "An ascii line of text, nothing more."}]
    # json.dumps(ensure_ascii=False) then cp1252: the way a Windows export tool writes it
    path.write_bytes(b"\n".join(json.dumps(r, ensure_ascii=False).encode("cp1252") for r in records) + b"\n")
    docs = [d for d in iter_documents([path], settings)]
    assert all(isinstance(d, RawDocument) for d in docs), docs
    assert docs[0].text == CP1252_TEXT
    assert docs[0].hints["title"] == "Café “reopens”"
    assert docs[1].text == "An ascii line of text, nothing more."


def test_utf8_jsonl_line_mislabelled_nowhere_still_reads_as_utf8(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps({"text": "It’s a café — “fine"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (doc,) = iter_documents([path], settings)
    assert isinstance(doc, RawDocument) and doc.text == "It’s a café — “fine"


def test_binary_jsonl_line_is_reported_with_its_number(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_bytes(json.dumps({"text": "A good line."}).encode() + b"\n\x00\x01\x02\x03\x00\x00\n")
    good, bad = iter_documents([path], settings)
    assert isinstance(good, RawDocument)
    assert isinstance(bad, Skipped) and bad.source == f"{path}:2" and "binary" in bad.reason


# --- folders and links that cannot be read are named -------------------------------------------


def skipped(results: list) -> dict[str, str]:
    return {r.source: r.reason for r in results if isinstance(r, Skipped)}


def read(results: list) -> list[str]:
    return [p.name for p, _ in (r for r in results if not isinstance(r, Skipped))]


def deny(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Make listing `locked` fail with EACCES, the way chmod 000 does for a normal user. Tests
    run as root here, and root lists a chmod-000 folder without complaint."""
    real = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_subfolder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "good.html").write_text(page(), encoding="utf-8")
    locked = tmp_path / "pages" / "locked"
    locked.mkdir()
    (locked / "hidden-from-us.html").write_text(page(), encoding="utf-8")
    deny(monkeypatch, locked)
    results = list(find_files([tmp_path / "pages"]))
    assert read(results) == ["good.html"]
    assert skipped(results) == {str(locked): "cannot read folder: Permission denied"}


def test_unreadable_folder_named_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    deny(monkeypatch, locked)
    assert skipped(list(find_files([locked]))) == {str(locked): "cannot read folder: Permission denied"}


def test_chmod_000_folder_is_named(tmp_path: Path) -> None:
    """The real thing, no mock: a chmod-000 folder, listed by a process that the permission
    bits bind. Root ignores them, so as root the listing runs under setpriv with every
    capability dropped (CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH among them)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.html").write_text(page(), encoding="utf-8")
    (tmp_path / "b.html").write_text(page(), encoding="utf-8")
    code = ("import json, sys\n"
            "from storyline.ingest.files import find_files\n"
            "print(json.dumps([[r.source, r.reason] if hasattr(r, 'reason') else r[0].name"
            " for r in find_files([sys.argv[1]])]))")
    command = [sys.executable, "-c", code, str(tmp_path)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a chmod-000 folder cannot be made unreadable")
        command = [setpriv, "--inh-caps=-all", "--bounding-set=-all", *command]
    locked.chmod(0)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        locked.chmod(0o755)
    if done.returncode != 0 and "setpriv" in done.stderr:
        pytest.skip(f"setpriv cannot drop capabilities here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["b.html", [str(locked), "cannot read folder: Permission denied"]]


def test_symlink_loops_are_named_and_not_followed(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    (pages / "sub" / "story.html").write_text(page(), encoding="utf-8")
    (pages / "a.html").symlink_to(pages / "b.html")  # a -> b -> a
    (pages / "b.html").symlink_to(pages / "a.html")
    (pages / "self.txt").symlink_to(pages / "self.txt")
    (pages / "sub" / "up").symlink_to(pages)  # a folder link back to an ancestor
    results = list(find_files([pages]))
    assert read(results) == ["story.html"]
    assert skipped(results) == {
        str(pages / "a.html"): "symbolic link loop",
        str(pages / "b.html"): "symbolic link loop",
        str(pages / "self.txt"): "symbolic link loop",
        str(pages / "sub" / "up"): "symbolic link loop (points back to a folder that contains it)",
    }


def test_dangling_symlink_is_named(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    gone = tmp_path / "pages" / "moved.html"
    gone.symlink_to(tmp_path / "nowhere.html")
    reason = f"broken symbolic link (points to {tmp_path / 'nowhere.html'})"
    assert skipped(list(find_files([tmp_path / "pages"]))) == {str(gone): reason}
    assert skipped(list(find_files([gone]))) == {str(gone): reason}


def test_symlinked_folder_is_read_once(tmp_path: Path) -> None:
    """A link to a folder outside the tree is followed (its pages are the user's input); a
    second link to the same folder adds nothing and is no loop."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "story.html").write_text(page(), encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "link1").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "pages" / "link2").symlink_to(tmp_path / "elsewhere")
    results = list(find_files([tmp_path / "pages"]))
    assert read(results) == ["story.html"] and not skipped(results)


def test_hidden_and_unknown_files_inside_a_folder_stay_silent(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.html").write_text(page(), encoding="utf-8")
    (tmp_path / "crawl.log").write_text("log", encoding="utf-8")
    (tmp_path / "one.html").write_text(page(), encoding="utf-8")
    results = list(find_files([tmp_path]))
    assert read(results) == ["one.html"] and not skipped(results)


def test_glob_through_a_symlink_loop_ends(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "one.html").write_text(page(), encoding="utf-8")
    (tmp_path / "pages" / "again").symlink_to(tmp_path / "pages")
    results = list(find_files([str(tmp_path / "**" / "*.html")]))
    assert read(results) == ["one.html"]


def test_the_run_report_names_what_was_not_read(tmp_path: Path, settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_text(page(), encoding="utf-8")
    (pages / "loop.html").symlink_to(pages / "loop.html")
    locked = pages / "locked"
    locked.mkdir()
    deny(monkeypatch, locked)
    report = storyline.run([pages], db=settings.db_path, workers=1)
    assert report.stored == 1
    assert {s.source: s.reason for s in report.skipped} == {
        str(pages / "loop.html"): "symbolic link loop",
        str(locked): "cannot read folder: Permission denied",
    }


# --- every third-party import is a declared dependency ------------------------------------------


def imported_modules(root: Path) -> dict[str, set[str]]:
    """Top-level module -> files importing it, for absolute imports anywhere in the code
    (inside functions too: a lazy import is still a dependency)."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(root)))
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_dependencies() -> set[str]:
    """The dependencies, and those of the extras (an extra's module is imported lazily, where the
    feature is asked for: storyline.distributed imports distributed only for --dask)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [*project["dependencies"], *(s for extra in project.get("optional-dependencies", {}).values()
                                         for s in extra)]
    return {canonical(re.match(r"[A-Za-z0-9._-]+", spec).group(0)) for spec in specs}


def undeclared(modules: dict[str, set[str]], declared: set[str]) -> list[str]:
    providers = packages_distributions()
    problems = []
    for module, files in sorted(modules.items()):
        if module in sys.stdlib_module_names or module == "storyline":
            continue
        dists = {canonical(d) for d in providers.get(module, [])}
        if not dists:
            problems.append(f"{module} (imported in {', '.join(sorted(files))}) is not installed")
        elif not dists & declared:
            problems.append(f"{module} (imported in {', '.join(sorted(files))}) comes from "
                            f"{', '.join(sorted(dists))}, not in [project].dependencies")
    return problems


def test_imports_are_declared() -> None:
    assert undeclared(imported_modules(ROOT / "src" / "storyline"), declared_dependencies()) == []


def test_the_import_check_catches_an_undeclared_package(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("import json\nimport numpy as np\n\ndef f():\n    from lxml import etree\n",
                                     encoding="utf-8")
    modules = imported_modules(tmp_path)
    assert set(modules) == {"json", "numpy", "lxml"}
    problems = undeclared(modules, {"numpy"})
    assert len(problems) == 1 and problems[0].startswith("lxml ")
