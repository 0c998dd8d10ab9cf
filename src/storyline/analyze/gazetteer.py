"""Country names, aliases and demonyms: CLDR's territory names (via Babel) plus our alias file."""

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


def country_of(text: str) -> str | None:
    return country_table().get(fold(text))
