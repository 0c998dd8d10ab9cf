"""Bytes to text: UTF-8 beats a wrong label, legacy pages still decode, short inputs too."""

from __future__ import annotations

import codecs

import pytest

from storyline.ingest.decode import BinaryContent, decode_bytes

# every byte of its UTF-8 form is also valid cp1252 (no closing ” whose 0x9D cp1252 lacks), so
# a decoder that trusts the label turns it into "Itâ€™s a cafÃ© â€” â€œfine"
TRICKY = "It’s a café — “fine by us,” she said. Prices rose 5 €."
TRICKY_NO_CLOSING = "It’s a café — “fine"


def html(body: str, charset: str) -> str:
    return f'<html><head><meta charset="{charset}"><title>T</title></head><body><p>{body}</p></body></html>'


@pytest.mark.parametrize("label", ["iso-8859-1", "latin-1", "windows-1252", "us-ascii"])
@pytest.mark.parametrize("body", [TRICKY_NO_CLOSING, TRICKY])
def test_utf8_page_mislabelled_in_its_meta_tag_decodes_as_utf8(label: str, body: str) -> None:
    page = html(body, label)
    assert decode_bytes(page.encode("utf-8")) == page


def test_utf8_page_mislabelled_in_its_xml_declaration_decodes_as_utf8() -> None:
    feed = f'<?xml version="1.0" encoding="ISO-8859-1"?><rss><item><title>{TRICKY_NO_CLOSING}</title></item></rss>'
    assert decode_bytes(feed.encode("utf-8")) == feed


def test_utf8_body_mislabelled_by_the_transport_header_decodes_as_utf8() -> None:
    page = f"<html><body><p>{TRICKY_NO_CLOSING}</p></body></html>"
    assert decode_bytes(page.encode("utf-8"), "iso-8859-1") == page


SHORT_LEGACY = [
    # (text, codec): short enough that a statistical detector alone guesses wrong
    ("She said “we’ll be there by noon” and left — fine, she said.", "cp1252"),  # 60 bytes
    ("Le café est fermé depuis lundi matin.", "latin-1"),
    ("It’s fine.", "cp1252"),
    ("He said “voilà” and left.", "cp1252"),
    ("café", "latin-1"),
    ("Grüße aus München, sagte er „heute“.", "cp1252"),
    ("Le président a déclaré que les négociations reprendraient vendredi à Genève. « C’est un pas en "
     "avant », a-t-il ajouté, voilà déjà trois mois que les délégations s’étaient séparées.", "cp1252"),
]


@pytest.mark.parametrize(("text", "codec"), SHORT_LEGACY)
def test_short_legacy_text_decodes_right(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert len(data) < 200
    assert decode_bytes(data) == text


def test_the_60_byte_sample_really_is_60_bytes() -> None:
    assert len(SHORT_LEGACY[0][0].encode("cp1252")) == 60


@pytest.mark.parametrize("label", ["iso-8859-1", "latin-1", "ascii"])
def test_declared_latin1_is_read_as_cp1252(label: str) -> None:
    """WHATWG: a page labelled Latin-1 is decoded as windows-1252, so 0x93/0x94 are quotes."""
    data = b'<meta charset="' + label.encode() + b'"><p>\x93Yes,\x94 said the caf\xe9 owner.</p>'
    assert "“Yes,” said the café owner." in decode_bytes(data)


def test_cp1252_page_that_claims_utf8_decodes_as_cp1252() -> None:
    page = html("Le café “Procope” a rouvert, dit-il.", "utf-8")
    assert decode_bytes(page.encode("cp1252")) == page


def test_undeclared_cyrillic_is_left_to_the_detector() -> None:
    text = ("Президент заявил журналистам, что переговоры продолжатся в пятницу утром в Москве, "
            "а делегации обменяются документами.")
    assert decode_bytes(text.encode("cp1251")) == text


def test_declared_charset_is_honoured_for_non_latin_pages() -> None:
    page = html("Президент заявил журналистам, что переговоры продолжатся.", "windows-1251")
    assert decode_bytes(page.encode("cp1251")) == page
    koi8 = html("Президент заявил журналистам, что переговоры продолжатся.", "koi8-r")
    assert decode_bytes(koi8.encode("koi8_r")) == koi8


def test_a_declared_charset_that_cannot_be_right_is_overruled() -> None:
    """A Greek cp1253 page labelled iso-8859-1 decodes in cp1252 without an error, as mojibake."""
    text = "Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις θα συνεχιστούν την Παρασκευή στην Αθήνα."
    page = html(text, "iso-8859-1")
    assert decode_bytes(page.encode("cp1253")) == page


def test_boms_come_first() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + TRICKY.encode("utf-8")) == TRICKY
    assert decode_bytes(codecs.BOM_UTF16_LE + TRICKY.encode("utf-16-le")) == TRICKY
    assert decode_bytes(codecs.BOM_UTF16_BE + TRICKY.encode("utf-16-be")) == TRICKY


def test_plain_utf8_and_ascii() -> None:
    assert decode_bytes(TRICKY.encode("utf-8")) == TRICKY
    assert decode_bytes(b"plain ascii text") == "plain ascii text"


@pytest.mark.parametrize("data", [b"%PDF-1.7\n\x00\x01", b"\x89PNG\r\n\x1a\n\x00\x00", b"\x00\x01\x02binary\x00",
                                  bytes(range(256)) * 4])
def test_binary_is_still_refused(data: bytes) -> None:
    with pytest.raises(BinaryContent):
        decode_bytes(data)
