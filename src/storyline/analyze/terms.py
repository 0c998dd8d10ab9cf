"""Key terms of one article: what the story clusterer sees of its text besides its actors.

A term is a content word folded to lower case and to a base form ("earthquakes" ->
"earthquake", "checked" -> "check", "struck" -> "strike"), a multiword name of an actor the
article mentions ("tara reid", "betty ford center"), or a number that identifies a happening
(a year, a magnitude, a toll: "2008", "6.1", "15"). The pipeline has no lemmatizer, so the fold
is a small suffix stripper in the spirit of Porter's step 1, guided by the tagger's tag, plus a
table of irregular verbs common in news. It needs to make two reports of one event meet on
the same strings, not to be a linguist: a rare wrong base form costs nothing when every
article folds the same way.

Words that say nothing about which happening is reported (reporting verbs, weekdays, "said",
"year") are left out: they are in every article and only blur the profiles.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from storyline.analyze.gazetteer import fold
from storyline.model import Mention

__all__ = ["key_terms", "fold_word"]

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# words of every news report, whatever it is about
NEWS_STOP = set("""
say said says saying tell told tells telling add added adds report reported reports reporting according
accord ask asked comment statement statements spokesman spokeswoman spokesperson official officials source
sources news year years day days week weeks month months time times today yesterday tomorrow tonight
monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night
mr mrs ms dr st jr sr also just like including include includes way thing things lot lots people
want wanted wants know knew known think thought go going goes went gone come came comes coming
make made makes making get got gets getting take took taken takes give gave given see saw seen
look looked use used uses new old good great big little long last first second next early late
many much more most other another such own same able likely
""".split())
_WORD = re.compile(r"^[a-z][a-z'\-.&]*[a-z]$|^[a-z]$")
_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
IRREGULAR = {
    "struck": "strike", "strikes": "strike", "hit": "hit", "shot": "shoot", "shoots": "shoot",
    "fled": "flee", "caught": "catch", "bought": "buy", "sold": "sell", "won": "win", "lost": "lose",
    "left": "leave", "led": "lead", "held": "hold", "met": "meet", "kept": "keep", "sent": "send",
    "spent": "spend", "built": "build", "fell": "fall", "fallen": "fall", "began": "begin", "begun": "begin",
    "broke": "break", "broken": "break", "chose": "choose", "chosen": "choose", "drove": "drive",
    "driven": "drive", "flew": "fly", "flown": "fly", "froze": "freeze", "frozen": "freeze", "grew": "grow",
    "grown": "grow", "ran": "run", "rose": "rise", "risen": "rise", "sank": "sink", "sunk": "sink",
    "spoke": "speak", "spoken": "speak", "stole": "steal", "stolen": "steal", "swore": "swear",
    "sworn": "swear", "threw": "throw", "thrown": "throw", "woke": "wake", "wrote": "write",
    "written": "write", "bore": "bear", "borne": "bear", "born": "bear", "beat": "beat", "beaten": "beat",
    "bit": "bite", "bitten": "bite", "blew": "blow", "blown": "blow", "drew": "draw", "drawn": "draw",
    "forgave": "forgive", "forgiven": "forgive", "hid": "hide", "hidden": "hide", "rode": "ride",
    "ridden": "ride", "shook": "shake", "shaken": "shake", "slew": "slay", "slain": "slay", "stood": "stand",
    "understood": "understand", "withdrew": "withdraw", "withdrawn": "withdraw", "overtook": "overtake",
    "sought": "seek", "fought": "fight", "brought": "bring", "taught": "teach", "dealt": "deal",
    "meant": "mean", "paid": "pay", "laid": "lay", "sat": "sit", "slid": "slide", "spun": "spin",
    "swam": "swim", "swum": "swim", "tore": "tear", "torn": "tear", "wore": "wear", "worn": "wear",
    "wound": "wind", "hung": "hang", "fed": "feed", "bled": "bleed", "lit": "light", "dug": "dig",
    "stuck": "stick", "shut": "shut", "quit": "quit", "set": "set",
    "died": "die", "dies": "die", "dying": "die", "lied": "lie", "lying": "lie", "tied": "tie",
    "children": "child", "men": "man", "women": "woman", "people": "people", "police": "police",
    "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
    "knives": "knife", "thieves": "thief", "leaves": "leave", "data": "data", "media": "media",
    "news": "news", "series": "series", "species": "species", "crises": "crisis", "analyses": "analysis",
}
_VOWELS = set("aeiou")


def _cvc(stem: str) -> bool:
    """Ends consonant-vowel-consonant (not w, x, y): 'hop', 'rag', 'clos' take back their e."""
    if len(stem) < 3:
        return False
    a, b, c = stem[-3], stem[-2], stem[-1]
    return a not in _VOWELS and b in _VOWELS and c not in _VOWELS and c not in "wxy"


def _one_syllable(stem: str) -> bool:
    groups = re.findall(r"[aeiouy]+", stem[1:]) + (["x"] if stem[:1] in _VOWELS else [])
    return len(groups) <= 1


# endings after which English verbs drop a silent e before -ed/-ing (rated, caused, forced,
# judged, arrived, collapsed, secured, induced, decided, exploded)
E_ENDINGS = ("at", "bl", "iz", "us", "rc", "nc", "uc", "dg", "rg", "ng", "v", "ps", "ns", "rs", "ur", "id", "od")
KEEP_ENDINGS = ("our", "oid", "ang", "ing", "ong", "ung", "eng")


def _restore(stem: str) -> str:
    """The base of a word whose -ed/-ing was cut: undouble, or give back a dropped e."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz" and stem[-1] not in _VOWELS:
        return stem[:-1]  # stopped -> stop
    if stem.endswith("u") or stem.endswith(E_ENDINGS) and not stem.endswith(KEEP_ENDINGS):
        return stem + "e"
    if _cvc(stem) and _one_syllable(stem):
        return stem + "e"  # hoped, closed, filed
    return stem


def fold_word(word: str, tag: str = "") -> str:
    """A word's base form by its Penn tag (plural nouns, verb inflections); other words as
    they are. Deterministic and context-free, so every article folds a word the same way."""
    w = word.lower().replace("’", "'")
    if w in IRREGULAR:
        return IRREGULAR[w]
    if w.endswith("'s"):
        w = w[:-2]
    if tag in ("NNS", "NNPS", "VBZ") and len(w) > 3:
        if w.endswith("ies") and len(w) > 4:
            return w[:-3] + "y"
        if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
            return w[:-2]
        if w.endswith("s") and not w.endswith(("ss", "us", "is")):
            return w[:-1]
        return w
    if tag in ("VBD", "VBN", "JJ") and w.endswith("ed") and len(w) > 4:
        if w.endswith("ied"):
            return w[:-3] + "y"
        if w.endswith("eed"):
            return w[:-1]  # freed, agreed, guaranteed
        return _restore(w[:-2])
    if tag == "VBG" and w.endswith("ing") and len(w) > 5:
        return _restore(w[:-3])
    return w


def _number(text: str) -> str | None:
    """A figure worth matching across reports: a year, a decimal (a magnitude), a count of at
    least 10 (a toll). Small whole numbers are in every story."""
    if not _NUMBER.match(text):
        return None
    plain = text.replace(",", "")
    if "." in plain:
        whole, frac = plain.split(".", 1)
        frac = frac.rstrip("0")
        return f"{int(whole)}.{frac}" if frac else (whole if int(whole) >= 10 else None)
    return plain if int(plain) >= 10 else None


def key_terms(doc: Doc, mentions: list[Mention]) -> dict[str, int]:
    """The article's key terms and how often each occurs.

    Names count twice over on purpose: each word of a name is a term (so "Reid" alone in one
    report meets "Tara Reid" in another), and the whole name is one more ("tara reid"), so two
    articles naming the same people weigh more alike than two sharing one first name."""
    counts: Counter[str] = Counter()
    for token in doc:
        if token.is_space or token.is_punct:
            continue
        text = token.text
        if token.like_num or _NUMBER.match(text):
            number = _number(text)
            if number:
                counts[number] += 1
            continue
        if token.pos_ not in CONTENT_POS:
            continue
        lower = fold(text)
        if lower in STOP_WORDS or lower in NEWS_STOP or not _WORD.match(lower):
            continue
        term = fold_word(lower, token.tag_)
        if term in STOP_WORDS or term in NEWS_STOP or len(term) < 2:
            continue
        counts[term] += 1
    for mention in mentions:
        key = mention.actor_key
        name = key.split(":", 1)[1] if ":" in key else fold(mention.text)
        if " " in name:
            counts[name] += 1
    return dict(counts)
