"""HTML extraction keeps every paragraph of the article, however much a line of it looks like
page furniture when read on its own, and still leaves the page's own furniture out."""

from __future__ import annotations

import html as htmllib

import pytest

from storyline.extract import extract
from storyline.model import Article, RawDocument
from storyline.settings import Settings

LEDE = ("Negotiators from the two provinces met for a third day on Thursday in a converted school gymnasium "
        "on the edge of the river town, trying to settle a dispute over water rights that has simmered since "
        "the drought of 2019.")
CLOSER = ("Both sides said they expected to sign the agreement before the end of the month, although neither "
          "would say what would happen to the farmers who had already lost a season's harvest.")

# one-line paragraphs of the article that a line classifier takes for a byline, a UI label, a
# credit or a footer
ONE_LINERS = [
    "By Friday, the two delegations had agreed on a venue.",
    "By then, the water had reached the second pumping station.",
    "The ministry said it would publish the findings in its weekly newsletter.",
    "A photo credit dispute delayed the exhibition's opening by a week.",
    "Share prices fell 4 percent after the announcement.",
    "Residents can sign up for the evacuation buses at the town hall.",
    "The town's biscuit and cookie factory closed in 2009.",
    "Investigators said the email asked staff to click here to reset their passwords.",
    "Getty Images withdrew the photograph on Monday.",
    "Reporting by the Valley Gazette first revealed the payments in March.",
    "Comments from the governor came late on Tuesday.",
    "All rights reserved, the label's lawyer wrote in the letter.",
]

BODY = [LEDE, *ONE_LINERS, CLOSER]
TITLE = "Water Talks Near a Deal"  # the page's <h1>, which trafilatura keeps as the first line

# furniture that must not reach the article text
FURNITURE = ["Home", "Politics", "We use cookies", "Sign up for our newsletter", "Enter your email",
             "Floods Hit Northern Provinces", "Dam Levels Rise Again", "All rights reserved. Valley",
             "Photo: Getty Images", "Share on Facebook", "Follow us on Twitter"]


def article_page(body: list[str]) -> str:
    paragraphs = "\n".join(f"<p>{htmllib.escape(p, quote=False)}</p>" for p in body)
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Water Talks Near a Deal | Valley Gazette</title>
<meta property="og:site_name" content="Valley Gazette">
<meta property="og:title" content="Water Talks Near a Deal">
<meta name="author" content="Ines Moreau">
<meta property="article:published_time" content="2024-05-17T08:00:00Z">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main><article>
<h1>Water Talks Near a Deal</h1>
<p class="byline">By Ines Moreau</p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
<figure><img src="/talks.jpg" alt=""><figcaption>Photo: Getty Images</figcaption></figure>
{paragraphs}
</article></main>
<aside class="newsletter"><h3>Sign up for our newsletter</h3><form><input placeholder="Enter your email">
<button>Subscribe</button></form></aside>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Floods Hit Northern Provinces</a></li>
<li><a href="/b">Dam Levels Rise Again</a></li></ul></aside>
<footer><p>Follow us on Twitter</p><p>© 2024 Valley Gazette. All rights reserved. Valley Gazette Ltd.</p></footer>
</body></html>"""


def extracted(doc: RawDocument) -> Article:
    result = extract(doc, Settings())
    assert isinstance(result, Article), result
    return result


def test_one_line_paragraphs_survive_a_full_page() -> None:
    article = extracted(RawDocument(source="water.html", kind="html", origin="water.html",
                                    html=article_page(BODY)))
    lost = [p for p in BODY if p not in article.text]
    assert lost == []
    left = [f for f in FURNITURE if f in article.text]
    assert left == []
    assert article.title == "Water Talks Near a Deal" and article.author == "Ines Moreau"


def test_one_line_paragraphs_survive_a_feed_item() -> None:
    """A feed item's content is a bare fragment, read by the fallback when trafilatura finds
    no main block: the same paragraphs must survive there."""
    fragment = "".join(f"<p>{htmllib.escape(p, quote=False)}</p>" for p in BODY)
    article = extracted(RawDocument(source="https://valley.example/water", kind="rss", origin="feed.xml",
                                    html=fragment, hints={"title": "Water Talks Near a Deal"}))
    assert [p for p in BODY if p not in article.text] == []


@pytest.mark.parametrize("paragraph", ONE_LINERS)
def test_each_one_liner_alone_between_two_paragraphs(paragraph: str) -> None:
    article = extracted(RawDocument(source="water.html", kind="html", origin="water.html",
                                    html=article_page([LEDE, paragraph, CLOSER])))
    assert paragraph in article.text


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    """The text is hashed into the article id: its layout must not change under stored articles."""
    article = extracted(RawDocument(source="water.html", kind="html", origin="water.html",
                                    html=article_page(BODY)))
    assert article.text == "\n\n".join([TITLE, *BODY])


INSERTS = {
    "read more link": '<p><strong>Read more:</strong> <a href="/x">Floods Hit Northern Provinces</a></p>',
    "read more aside": '<aside class="inline"><p><b>READ MORE:</b> <a href="/y">Dam Levels Rise Again</a></p></aside>',
    "wordpress feed footer": '<p>The post <a href="/z">Water Talks Near a Deal</a> appeared first on '
                             '<a href="/">Valley Gazette</a>.</p>',
    "wire credit": "<p><em>(Reporting by Ines Moreau; Editing by Tom Hale)</em></p>",
}


@pytest.mark.parametrize("name", INSERTS)
def test_inserts_and_credits_inside_the_article_are_dropped(name: str) -> None:
    """Boilerplate that sits inside the article element, where trafilatura keeps it, goes by
    its markup: a label and nothing but a link, a WordPress feed footer, a wire credit in
    parentheses."""
    middle = "Share prices fell 4 percent after the announcement."
    page = article_page([LEDE, middle, CLOSER]).replace(f"<p>{middle}</p>", f"<p>{middle}</p>\n{INSERTS[name]}")
    text = extracted(RawDocument(source="water.html", kind="html", origin="water.html", html=page)).text
    assert text == "\n\n".join([TITLE, LEDE, middle, CLOSER])


@pytest.mark.parametrize("paragraph", [
    'Read more: the council\'s <a href="/r">full report</a> runs to 400 pages and was released on Friday.',
    "Read more about the plan at the library, the mayor said.",
    "The post office in the town has been closed since the floods appeared first on the river's edge.",
    "(Reporting by the Gazette, the mayor said, had been unfair to the farmers.) Talks resume on Monday.",
])
def test_sentences_that_only_look_like_inserts_are_kept(paragraph: str) -> None:
    page = article_page([LEDE, "PLACEHOLDER", CLOSER]).replace("<p>PLACEHOLDER</p>", f"<p>{paragraph}</p>")
    text = extracted(RawDocument(source="water.html", kind="html", origin="water.html", html=page)).text
    plain = paragraph.replace('<a href="/r">', "").replace("</a>", "")
    assert plain in text
