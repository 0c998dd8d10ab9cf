"""Add coverage: uploaded files or a path under the configured root, analysed by the same
pipeline as `storyline analyze`, in a background thread of the server process.

The server holds the store's one read-write connection; `pipeline.run` opens the same file
read-write in the same process, which DuckDB serves from the same database instance, so the
run writes while the pages keep reading (each request on its own cursor sees each committed
batch). One job at a time: a second is refused until the first is done.

Inputs are hostile too: an upload keeps only a plain file name, must have a known suffix and
look like its type, and is capped in size; a path must lie under the root after resolving
every symbolic link, and a folder is expanded here (not by the pipeline) so that a link inside
it that points out of the root is refused rather than followed.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from storyline.ingest.files import SUFFIXES as _KINDS
from storyline.ingest.files import kind_of
from storyline.views.web.state import AppState, WebConfig, render, state

__all__ = ["IngestBusy", "IngestJob", "IngestManager", "PathRefused", "router", "resolve_under", "expand"]

router = APIRouter()

SUFFIXES = tuple(sorted(_KINDS))
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class IngestBusy(RuntimeError):
    pass


class PathRefused(ValueError):
    pass


@dataclass
class IngestJob:
    id: int
    inputs: list[str]
    status: str = "queued"  # queued | running | done | failed
    stage: str = "queued"
    done: int = 0
    total: int | None = None
    skipped: int = 0
    failed: int = 0
    stored: int = 0
    seen: int = 0
    articles: int = 0
    skipped_inputs: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # files left out before the run (links out of the root)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    started: str = ""
    finished: str | None = None
    seconds: float = 0.0

    @property
    def running(self) -> bool:
        return self.status in ("queued", "running")

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "running": self.running}


class IngestManager:
    """Runs one pipeline job at a time in a daemon thread and keeps the recent jobs."""

    def __init__(self, config: WebConfig, on_change: Any = None) -> None:
        self.config = config
        self.on_change = on_change  # called with the job as it starts and as it ends
        self._lock = threading.Lock()
        self._jobs: list[IngestJob] = []
        self._thread: threading.Thread | None = None

    def current(self) -> IngestJob | None:
        return self._jobs[-1] if self._jobs else None

    def jobs(self) -> list[IngestJob]:
        return list(reversed(self._jobs[-20:]))

    def get(self, job_id: int) -> IngestJob | None:
        return next((j for j in self._jobs if j.id == job_id), None)

    def start(self, inputs: list[str], refused: list[str] | None = None) -> IngestJob:
        """Run the pipeline over `inputs` (IngestBusy while another job runs)."""
        return self._start(IngestJob(id=0, inputs=inputs, refused=refused or []), self._pipeline)

    def start_task(self, stage: str, work: Callable[[], str]) -> IngestJob:
        """Run `work` as a job of its own (no inputs; the pages show `stage` as its progress):
        the server's own writes, such as rebuilding a stale search index at start, take the
        job slot, so no ingest writes beside them and no response is kept meanwhile. `work`
        returns a line saying what it did, kept as the job's warning."""
        return self._start(IngestJob(id=0, inputs=[], stage=stage), lambda job: job.warnings.append(work()))

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _start(self, job: IngestJob, work: Callable[[IngestJob], None]) -> IngestJob:
        with self._lock:
            if self._jobs and self._jobs[-1].running:
                raise IngestBusy(f"ingest job {self._jobs[-1].id} is still running")
            job.id = len(self._jobs) + 1
            job.started = datetime.now().replace(microsecond=0).isoformat(sep=" ")
            self._jobs.append(job)
            if self.on_change:
                self.on_change(job)
            self._thread = threading.Thread(target=self._run, args=(job, work), name=f"ingest-{job.id}", daemon=True)
            self._thread.start()
            return job

    def _run(self, job: IngestJob, work: Callable[[IngestJob], None]) -> None:
        started = time.perf_counter()
        job.status = "running"
        try:
            work(job)
            job.status, job.stage = "done", "done"
        except BaseException as exc:  # the thread must not die silently: the page says why
            job.status, job.stage = "failed", "failed"
            job.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        finally:
            job.seconds = round(time.perf_counter() - started, 2)
            job.finished = datetime.now().replace(microsecond=0).isoformat(sep=" ")
            if self.on_change:
                self.on_change(job)

    def _pipeline(self, job: IngestJob) -> None:
        from storyline.pipeline import Progress, run
        from storyline.settings import Settings

        def progress(p: Progress) -> None:
            job.stage, job.done, job.total, job.skipped, job.failed = p.stage, p.done, p.total, p.skipped, p.failed

        settings = Settings(db_path=self.config.db)
        if self.config.ingest_workers is not None:
            settings = settings.with_(workers=self.config.ingest_workers)
        report = run(job.inputs, settings, progress=progress)
        job.stored, job.seen, job.articles = report.stored, report.seen, report.articles
        job.skipped_inputs = [{"source": s.source, "reason": s.reason} for s in report.skipped]
        job.skipped, job.failed = len(report.skipped), len(report.failed)
        job.warnings = list(report.warnings)


# ---- the inputs -------------------------------------------------------------------------------
def resolve_under(root: Path, given: str) -> Path:
    """`given` (relative to the root, or absolute) as a real path inside the root; refuses
    `..`, a missing path and anything whose real path (links resolved) leaves the root."""
    text = given.strip()
    if not text:
        raise PathRefused("no path given")
    if "\x00" in text or any(part == ".." for part in PurePosixPath(text.replace("\\", "/")).parts):
        raise PathRefused("a path with '..' is not accepted")
    real_root = root.resolve(strict=True)
    candidate = Path(text)
    candidate = candidate if candidate.is_absolute() else real_root / candidate
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise PathRefused(f"no such file or folder under the root: {given}") from None
    if not real.is_relative_to(real_root):
        raise PathRefused("the path leads out of the ingest root")
    return real


def expand(root: Path, path: Path) -> tuple[list[str], list[str]]:
    """The files to analyse under `path` (a file or a folder, already inside the root), and
    those refused because their real path leaves the root. Folders are walked without
    following links; a linked file is kept only if it resolves inside the root."""
    real_root = root.resolve()
    if path.is_file():
        return [str(path)], []
    keep, refused = [], []
    for folder, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in sorted(files):
            file = Path(folder) / name
            if name.startswith(".") or kind_of(file) is None:  # as the pipeline's own folder walk
                continue
            try:
                real = file.resolve(strict=True)
            except (OSError, RuntimeError):
                refused.append(str(file))
                continue
            (keep if real.is_relative_to(real_root) and real.is_file() else refused).append(str(file))
        for name in list(dirs):
            if (Path(folder) / name).is_symlink():  # os.walk lists links to folders but does not enter them
                refused.append(str(Path(folder) / name))
    return keep, refused


def safe_name(name: str) -> str:
    base = PurePosixPath((name or "").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".") or "upload"
    return cleaned[:120]


def _suffix_ok(name: str) -> bool:
    return kind_of(Path(name)) is not None


def _looks_like(name: str, head: bytes) -> bool:
    """A cheap check that the bytes are of the kind the name says: gzip for .gz, a WARC record
    for .warc, text (no NUL byte) for the rest."""
    lower = name.lower()
    if lower.endswith(".gz"):  # .warc.gz, .arc.gz
        return head[:2] == b"\x1f\x8b"
    if lower.endswith(".warc"):
        return head.lstrip()[:5] == b"WARC/"
    return b"\x00" not in head[:8192]


async def save_uploads(files: list[UploadFile], config: WebConfig) -> Path:
    """Write the uploads into a fresh folder; refuses (HTTP 400/413) before the job starts."""
    if not files or all(not f.filename for f in files):
        raise HTTPException(400, "no file uploaded")
    folder = config.uploads / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True, exist_ok=False)
    total = 0
    try:
        for upload in files:
            name = safe_name(upload.filename or "")
            if not _suffix_ok(name):
                raise HTTPException(400, f"{name}: not a type storyline reads ({', '.join(SUFFIXES)})")
            target = folder / name
            stem, n = target.stem, 1
            while target.exists():
                target, n = folder / f"{stem}-{n}{''.join(Path(name).suffixes)}", n + 1
            size, head = 0, b""
            with target.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    size += len(chunk)
                    total += len(chunk)
                    if size > config.max_upload_bytes or total > config.max_upload_total:
                        raise HTTPException(413, f"{name}: upload larger than the cap "
                                                 f"({config.max_upload_bytes // (1024 * 1024)} MB per file, "
                                                 f"{config.max_upload_total // (1024 * 1024)} MB in all)")
                    if len(head) < 8192:
                        head += chunk[:8192 - len(head)]
                    out.write(chunk)
            if size == 0 or not _looks_like(name, head):
                raise HTTPException(400, f"{name}: the content does not look like a {Path(name).suffix} file")
    except BaseException:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
        raise
    return folder


def _start(web: AppState, inputs: list[str], refused: list[str]) -> IngestJob:
    if not inputs:
        raise HTTPException(400, "nothing to ingest under that path" + (" (links out of the root were refused)"
                                                                         if refused else ""))
    try:
        return web.ingest.start(inputs, refused)
    except IngestBusy as exc:
        raise HTTPException(409, str(exc)) from None


def _from_path(web: AppState, path: str) -> IngestJob:
    root = web.config.ingest_root
    if root is None:
        raise HTTPException(403, "path ingest is off: start the server with --root DIR")
    try:
        real = resolve_under(root, path)
    except PathRefused as exc:
        raise HTTPException(400, str(exc)) from None
    keep, refused = expand(root, real)
    return _start(web, keep, refused)


# ---- routes -----------------------------------------------------------------------------------
Web = Annotated[AppState, Depends(state)]


@router.get("/ingest", include_in_schema=False)
def ingest_page(request: Request, web: Web):
    return render(request, "ingest.html", jobs=web.ingest.jobs(), root=web.config.ingest_root,
                  max_mb=web.config.max_upload_bytes // (1024 * 1024), suffixes=SUFFIXES)


@router.post("/ingest", include_in_schema=False)
async def ingest_form(request: Request, web: Web, path: Annotated[str, Form()] = "",
                      files: Annotated[list[UploadFile] | None, File()] = None):
    uploaded = [f for f in files or [] if f.filename]
    if uploaded:
        folder = await save_uploads(uploaded, web.config)
        job = _start(web, [str(folder)], [])
    else:
        job = _from_path(web, path)
    return RedirectResponse(f"/ingest?job={job.id}", status_code=303)


@router.get("/api/ingest", tags=["ingest"])
def ingest_status(web: Web) -> dict[str, Any]:
    """The current (latest) job and the recent ones."""
    job = web.ingest.current()
    return {"current": job.as_json() if job else None, "jobs": [j.as_json() for j in web.ingest.jobs()],
            "root": str(web.config.ingest_root) if web.config.ingest_root else None}


@router.post("/api/ingest", tags=["ingest"], status_code=202)
async def ingest_api(web: Web, path: Annotated[str, Form()] = "",
                     files: Annotated[list[UploadFile] | None, File()] = None) -> dict[str, Any]:
    """Start a job: multipart `files`, or a form field `path` under the server's root."""
    uploaded = [f for f in files or [] if f.filename]
    if uploaded:
        folder = await save_uploads(uploaded, web.config)
        return _start(web, [str(folder)], []).as_json()
    return _from_path(web, path).as_json()


@router.get("/api/ingest/{job_id}", tags=["ingest"])
def ingest_job(job_id: int, web: Web) -> dict[str, Any]:
    job = web.ingest.get(job_id)
    if job is None:
        raise HTTPException(404, f"no ingest job {job_id}")
    return job.as_json()
