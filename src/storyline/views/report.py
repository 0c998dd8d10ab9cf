"""report.html: one self-contained offline page (no CDN, no script), every value escaped."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


def _environment() -> Environment:
    return Environment(loader=PackageLoader("storyline.views", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def render_report(dossier: dict[str, Any]) -> str:
    actors_by_article: dict[str, list[dict]] = defaultdict(list)
    for actor in dossier["actors"]:
        for article_id in actor["articles"]:
            actors_by_article[article_id].append(actor)
    titles = {a["id"]: a["title"] or a["source"] for a in dossier["articles"]}
    articles = {a["id"]: a for a in dossier["articles"]}
    names = {a["id"]: a["name"] for a in dossier["actors"]}
    # who said what: speakers with the most quotes first, each speaker's quotes in article order
    by_speaker: dict[str, list[dict]] = defaultdict(list)
    for quote in dossier["quotes"]:
        if quote["speaker_id"]:
            by_speaker[quote["speaker_id"]].append(quote)
    speakers = sorted(by_speaker, key=lambda k: (-len(by_speaker[k]), names.get(k, "")))
    unattributed = [q for q in dossier["quotes"] if not q["speaker_id"]]
    return _environment().get_template("report.html").render(
        dossier=dossier, actors_by_article=actors_by_article, titles=titles, articles=articles, names=names,
        speakers=speakers, by_speaker=by_speaker, unattributed=unattributed,
        paragraphs=lambda text: [p for p in text.split("\n") if p.strip()])


def write_report(dossier: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(dossier), encoding="utf-8")
