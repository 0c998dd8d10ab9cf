"""Article metadata from HTML pages: the page's structured data first, trafilatura second, our
text rules last, every value checked the same way, and each field's source in `provenance`
(exported as `metadata_sources`). Every page here is written for the test."""

from __future__ import annotations

import json

import pytest
import trafilatura

from storyline.extract import extract
from storyline.extract.cleaner import clean_text
from storyline.extract.text_meta import check_author, check_title, text_metadata
from storyline.model import Article, RawDocument
from storyline.settings import Settings

P1 = ("The ferry operators' union voted on Tuesday night to end a strike that had stranded island residents for "
      "eleven days, after the regional council offered to fund two extra crews through the winter.")
P2 = ("Crossings to the three northern islands will resume on Thursday morning, the operators said, although the "
      "first boats will carry only supplies and passengers with medical appointments.")
P3 = ("Shopkeepers on the largest island said shelves had been half empty since the second week of the dispute, "
      "and the council has promised to review how the service is funded before next summer.")
HEADLINE = "Ferry Strike Ends After Council Funds Extra Crews"


def page(head: str = "", header: str = "", after: str = "", footer: str = "") -> str:
    """A news page: navigation, an <article> with `header` above three paragraphs, `after` below it."""
    body = "".join(f"<p>{p}</p>" for p in (P1, P2, P3))
    return (f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>"
            "<header><nav><a href='/'>Home</a> <a href='/islands'>Islands</a> <a href='/sport'>Sport</a></nav>"
            f"</header><main><article>{header}{body}</article></main>{after}<footer>{footer}</footer></body></html>")


def ld(data: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def metadata(html: str) -> tuple[dict[str, str | None], dict[str, str]]:
    result = extract(RawDocument(source="ferry.html", kind="html", origin="ferry.html", html=html), Settings())
    assert isinstance(result, Article), result
    fields = {"title": result.title, "author": result.author, "outlet": result.outlet, "published": result.published}
    return fields, {k: v for k, v in result.provenance.items() if k in fields}


def test_jsonld_graph_with_an_author_list_and_a_reference() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": "#site", "name": "Island Herald Online"},
        {"@type": "Person", "@id": "#moss", "name": "Tobias Moss"},
        {"@type": ["ReportageNewsArticle"], "headline": HEADLINE, "datePublished": "2023-11-14T21:40:00+00:00",
         "author": [{"@type": "Person", "name": "Hanna Lind"}, {"@id": "#moss"}, "Rui Costa"],
         "publisher": {"@type": "NewsMediaOrganization", "name": "Island Herald"}},
    ]}
    fields, sources = metadata(page(f"<title>{HEADLINE}</title>{ld(graph)}", f"<h1>{HEADLINE}</h1>"))
    assert fields == {"title": HEADLINE, "author": "Hanna Lind, Tobias Moss and Rui Costa", "outlet": "Island Herald",
                      "published": "2023-11-14"}
    assert sources == dict.fromkeys(fields, "html:jsonld")


def test_opengraph_only_and_a_profile_url_is_not_a_name() -> None:
    head = ("<meta property='og:title' content='Ferry Strike Ends'>"
            "<meta property='og:site_name' content='Island Herald'>"
            "<meta property='article:author' content='https://www.facebook.com/hanna.lind.writes'>"
            "<meta property='article:author' content='Hanna Lind'>"
            "<meta property='article:published_time' content='2023-11-14T21:40:00Z'>")
    fields, sources = metadata(page(head, "<h1>Ferry strike is over</h1>"))
    assert fields == {"title": "Ferry Strike Ends", "author": "Hanna Lind", "outlet": "Island Herald",
                      "published": "2023-11-14"}
    assert sources == dict.fromkeys(fields, "html:opengraph")


def test_jsonld_wins_over_trafilatura_when_they_disagree() -> None:
    article = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE,
               "author": {"@type": "Person", "name": "Hanna Lind"}, "datePublished": "2023-11-14T21:40:00Z",
               "publisher": {"@type": "Organization", "name": "Island Herald"}}
    head = ("<meta property='og:title' content='Live: Ferry Strike Latest'><meta name='author' content='Paul Berg'>"
            f"<meta property='article:published_time' content='2023-11-20T08:00:00Z'>{ld(article)}")
    html = page(head, "<h1>Live: Ferry Strike Latest</h1>")
    seen = trafilatura.bare_extraction(html, with_metadata=True)
    assert (seen.title, seen.date) == ("Live: Ferry Strike Latest", "2023-11-20")  # the disagreement is real
    fields, sources = metadata(html)
    assert fields == {"title": HEADLINE, "author": "Hanna Lind", "outlet": "Island Herald", "published": "2023-11-14"}
    assert sources == dict.fromkeys(fields, "html:jsonld")


def test_a_posted_label_is_not_the_author() -> None:
    header = (f"<h1>{HEADLINE}</h1><div class='meta'><span class='author'>Posted</span> by "
              "<a href='/people/hanna-lind'>Hanna Lind</a> on November 14, 2023</div>")
    html = page(f"<title>{HEADLINE}</title>", header)
    assert trafilatura.bare_extraction(html, with_metadata=True).author == "Posted"
    fields, sources = metadata(html)
    assert (fields["author"], sources["author"]) == ("Hanna Lind", "html:rules")
    assert (fields["title"], fields["published"]) == (HEADLINE, "2023-11-14")


def test_a_photo_credit_is_not_the_author() -> None:
    header = (f"<h1>{HEADLINE}</h1><div class='photo'><img src='/ferry.jpg' alt=''>"
              "<p class='author'>Photo: Marta Ruiz/AFP</p></div><p class='byline'>By Hanna Lind</p>")
    html = page(f"<title>{HEADLINE}</title>", header)
    assert "Marta Ruiz" in trafilatura.bare_extraction(html, with_metadata=True).author
    fields, sources = metadata(html)
    assert (fields["author"], sources["author"]) == ("Hanna Lind", "html:rules")


def test_a_name_in_the_related_list_after_the_article_is_not_its_author() -> None:
    related = ("<aside class='related'><h3>Related</h3><ul><li><a href='/b'>Harbour Dredging Delayed Again</a> "
               "<span class='author'>Paul Berg</span></li></ul></aside>")
    html = page(f"<title>{HEADLINE}</title>", f"<h1>{HEADLINE}</h1>", after=related)
    assert trafilatura.bare_extraction(html, with_metadata=True).author == "Paul Berg"
    fields, sources = metadata(html)
    assert fields["author"] is None and "author" not in sources
    # the same without an <article> or <main> element: the region ends with the last paragraph
    bare = html.replace("<main><article>", "<div>").replace("</article></main>", "</div>")
    assert trafilatura.bare_extraction(bare, with_metadata=True).author == "Paul Berg"
    assert metadata(bare)[0]["author"] is None
    # ... while the article's own byline is found by the rules
    fields, sources = metadata(page(f"<title>{HEADLINE}</title>", f"<h1>{HEADLINE}</h1><p>By Hanna Lind</p>",
                                    after=related))
    assert (fields["author"], sources["author"]) == ("Hanna Lind", "html:rules")


def test_a_teaser_article_above_the_story_does_not_hide_its_byline() -> None:
    body = "".join(f"<p>{p}</p>" for p in (P1, P2, P3))
    html = (f"<!doctype html><html><head><title>{HEADLINE}</title></head><body>"
            "<aside><article><h3><a href='/b'>Harbour Dredging Delayed Again</a></h3><p>By Paul Berg</p></article>"
            f"</aside><div class='story'><h1>{HEADLINE}</h1><p class='meta'><span class='author'>Hanna Lind</span>"
            f"</p>{body}</div></body></html>")
    fields, sources = metadata(html)
    assert (fields["author"], sources["author"]) == ("Hanna Lind", "html:trafilatura")


def test_a_byline_repeated_as_the_title_falls_back_to_the_next_source() -> None:
    head = (f"<title>{HEADLINE} | Island Herald</title><meta property='og:site_name' content='Island Herald'>"
            "<meta name='author' content='Hanna Lind'>")
    header = "<div class='byline'><h1>Hanna Lind</h1></div><h2>Ferry strike ends after council funds crews</h2>"
    html = page(head, header)
    assert trafilatura.bare_extraction(html, with_metadata=True).title == "Hanna Lind"
    fields, sources = metadata(html)
    assert fields == {"title": HEADLINE, "author": "Hanna Lind", "outlet": "Island Herald", "published": None}
    assert sources == {"title": "html:rules", "author": "html:meta", "outlet": "html:opengraph"}


def test_the_outlet_suffix_is_stripped_from_the_title_only_when_it_is_the_outlet() -> None:
    article = {"@type": "NewsArticle", "headline": f"{HEADLINE} | Island Herald",
               "publisher": {"name": "Island Herald"}}
    fields, sources = metadata(page(ld(article), f"<h1>{HEADLINE}</h1>"))
    assert (fields["title"], sources["title"]) == (HEADLINE, "html:jsonld")
    article["headline"] = "Ferry Strike: Day Eleven - The Long Wait"
    assert metadata(page(ld(article), f"<h1>{HEADLINE}</h1>"))[0]["title"] == article["headline"]


def test_malformed_jsonld_falls_back_and_keeps_the_article() -> None:
    broken = ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Wrong Headline\", "
              "\"author\": {\"name\": \"Paul Berg\"},}</script>")
    head = (f"{broken}<meta property='og:title' content='{HEADLINE}'><meta property='og:site_name' "
            "content='Island Herald'><meta property='article:published_time' content='2023-11-14T21:40:00Z'>")
    result = extract(RawDocument(source="ferry.html", kind="html", origin="ferry.html",
                                 html=page(head, f"<h1>{HEADLINE}</h1><p class='byline'>By Hanna Lind</p>")),
                     Settings())
    assert isinstance(result, Article) and P3 in result.text
    assert (result.title, result.outlet, result.published) == (HEADLINE, "Island Herald", "2023-11-14")
    assert result.author == "Hanna Lind"
    assert {k: result.provenance[k] for k in ("title", "outlet", "published")} == \
        {"title": "html:opengraph", "outlet": "html:opengraph", "published": "html:opengraph"}


def test_a_copyright_year_is_not_a_publication_date() -> None:
    html = page(f"<title>{HEADLINE}</title>", f"<h1>{HEADLINE}</h1>", footer="<p>© 2023 Island Herald</p>")
    assert trafilatura.bare_extraction(html, with_metadata=True).date == "2023-01-01"
    assert metadata(html)[0]["published"] is None


@pytest.mark.parametrize("value, text, expected", [
    ("Posted", None, None),
    ("By", None, None),
    ("Admin", None, None),
    ("Staff", None, None),
    ("Getty Images", None, None),
    ("Author Bo", "Author Bob Hale reports from the islands.", None),  # cut mid-word
    ("Hanna L", None, None),
    ("Photo: Marta Ruiz", None, None),
    ("Marta Ruiz/AFP", None, None),
    ("Reuters/Marta Ruiz", None, None),
    ("https://www.facebook.com/hanna.lind.writes", None, None),
    ("Marta Ruiz", "The ferry at dawn.\nMarta Ruiz/AFP\nMore text.", None),  # named only in a credit line
    ("Posted by Hanna Lind", None, "Hanna Lind"),
    ("Author: Hanna Lind", None, "Hanna Lind"),
    ("Hanna Lind | November 14, 2023", None, "Hanna Lind"),
    ("Hanna Lind, Staff Writer", None, "Hanna Lind"),
    ("Staff, Agencies", None, "Staff, Agencies"),
    ("Hanna Lind and Tobias Moss", None, "Hanna Lind and Tobias Moss"),
    ("Hanna Lind; Tobias Moss", None, "Hanna Lind and Tobias Moss"),
    ("P. J. Okafor Jr.", None, "P. J. Okafor Jr."),
])
def test_check_author(value: str, text: str | None, expected: str | None) -> None:
    assert check_author(value, text) == expected


def test_a_declared_author_is_trusted_even_when_the_page_credits_a_photo_to_them() -> None:
    text = "Ferry Strike Ends\nPhoto: Hanna Lind\nThe union voted."
    assert check_author("Hanna Lind", text, guessed=False) == "Hanna Lind"
    assert check_author("Hanna Lind", text) is None


def test_check_author_needs_guessed_names_before_the_article_end() -> None:
    assert check_author("Paul Berg", region="Ferry Strike Ends\nBy Hanna Lind\nThe union voted.") is None
    assert check_author("Hanna Lind", region="Ferry Strike Ends\nBy Hanna Lind\nThe union voted.") == "Hanna Lind"


@pytest.mark.parametrize("value, authors, outlets, expected", [
    (f"{HEADLINE} | Island Herald", [], ["Island Herald"], HEADLINE),
    (f"{HEADLINE} - islandherald.example", [], ["islandherald.example"], HEADLINE),
    (f"The Island Herald :: {HEADLINE}", [], ["Island Herald"], HEADLINE),
    ("Hanna Lind", ["Hanna Lind"], [], None),
    ("By Hanna Lind", [], [], None),
    ("Share this article", [], [], None),
    ("Island Herald", [], ["Island Herald"], None),
    ("Ferry Strike - Day Eleven", [], ["Island Herald"], "Ferry Strike - Day Eleven"),
    ("Page not found", [], [], None),
    ("Cookie Bakery Fined Over Its Newsletter Sign-Ups", [], [], "Cookie Bakery Fined Over Its Newsletter Sign-Ups"),
])
def test_check_title(value: str, authors: list[str], outlets: list[str], expected: str | None) -> None:
    assert check_title(value, authors, outlets) == expected


def test_scraped_text_posted_by_and_a_byline_in_the_related_list() -> None:
    lines = ["Island Herald", "Home", "Islands", "", HEADLINE, "Posted by Hanna Lind on November 14, 2023", "",
             P1, P2, P3, "Related articles", "Harbour Dredging Delayed Again", "By Paul Berg"]
    meta = text_metadata(clean_text("\n".join(lines)))
    assert (meta.title, meta.author, meta.published) == (HEADLINE, "Hanna Lind", "2023-11-14")
    meta = text_metadata(clean_text("\n".join(lines[:5] + ["", P1, P2, P3] + lines[-3:])))
    assert meta.author is None
