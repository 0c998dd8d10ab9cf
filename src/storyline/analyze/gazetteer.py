"""Names as we compare them: `fold` (the key of a name), country names, aliases and demonyms
(CLDR's territory names via Babel, plus our alias file), and `skeleton`, what transliterations
of one name share."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes and hyphens: the key we compare names by.
    Cached: the same few hundred names of an article are folded again and again."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\u2010-\u2015-]", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@lru_cache(maxsize=1)
def country_table() -> dict[str, str]:
    """folded alias -> canonical country name."""
    from babel import Locale

    table: dict[str, str] = {}
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"):
            name = re.sub(r"\s*\(.*?\)", "", name).replace(" & ", " and ")
            table[fold(name)] = name
    for line in files("storyline").joinpath("data/places.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *aliases = line.split("|")
        for alias in [canonical, *aliases]:
            table[fold(alias)] = canonical
            table[fold("the " + alias)] = canonical
    return table


@lru_cache(maxsize=1)
def body_acronyms() -> dict[str, str]:
    """folded full name -> acronym, for the well-known bodies of data/bodies.txt."""
    table: dict[str, str] = {}
    for line in files("storyline").joinpath("data/bodies.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, *names = line.split("|")
        for name in names:
            table[fold(name)] = short
    return table


def country_of(text: str) -> str | None:
    return country_table().get(fold(text))


_SOUNDS = [("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("g", "k"), ("w", "v"), ("x", "ks"), ("z", "s")]


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """A word's transliteration skeleton: what "Gaddafi", "Gadhafi" and "Qaddafi", or "Musa"
    and "Moussa", share. The consonants in order with h, w-like glides and doubling dropped and
    the sounds one alphabet spells several ways made one (q/k/c/g, ph/f, z/s, a soft c/s, -re/-er); whether the word
    starts and ends with a vowel is kept ("Ali" and "Li" differ). Names are compared on this
    only with further evidence (corpus/actors.py): "Moon" and "Man" share a skeleton too."""
    word = "".join(c for c in fold(word) if c.isalpha())
    if not word:
        return ""
    vowels = "aeiouy"
    out = "_" if word[0] in vowels else "h" if word[0] == "h" else ""
    word = re.sub(r"(?<=[^aeiouy])re$", "er", word)  # "centre", "center"
    body = re.sub(r"c(?=[eiy])", "s", word)  # "defence", "defense"
    for spelled, sound in _SOUNDS:
        body = body.replace(spelled, sound)
    last = ""
    for c in body:
        if c in vowels or c == "h":
            continue
        if c != last:
            out += c
        last = c
    return out + ("_" if word[-1] in vowels else "")
