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
    return _environment().get_template("report.html").render(
        dossier=dossier, actors_by_article=actors_by_article, titles=titles,
        paragraphs=lambda text: [p for p in text.split("\n") if p.strip()])


def write_report(dossier: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(dossier), encoding="utf-8")
