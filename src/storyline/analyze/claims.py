"""Figures stated in one article: "28,500 US troops", "$9.6 billion a day", "aged 25".

A figure is a number together with what it counts or measures. A number alone never makes a
claim: 400 metres (a ship's length) and 400 ships are two facts, so each figure carries a
normalised unit (a currency, a measure, a duration, "age", "times", or the counted noun in
plural lower case) and a subject: folded key words saying what is counted or measured, taken
from the parse (the counted noun, its modifiers, the verb it hangs on and that verb's
subject). The corpus stage compares claims across articles by unit, value and subject.

Left out on purpose: dates, years and times of day (they place a fact, they are not one),
ordinals, numbers inside names ("Apollo 11", "Group of 20", "COVID-19"), ranges ("aged 11 to
16", "two or three weeks"), vague plurals ("hundreds", "tens of thousands"), bare numbers with
nothing counted ("13 of them", "the other nine"), "one", and definite pairs ("the two leaders",
"both sides"), which refer to a known set rather than report a count.

spaCy runs without its lemmatizer here, so nouns and verbs are folded with small rule tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyline.analyze.gazetteer import fold
from storyline.analyze.nlp import doc_text
from storyline.model import ClaimMention, Mention

__all__ = ["extract_claims", "parse_number", "singular", "plural", "fold_word"]

# ---- number words ---------------------------------------------------------------------------

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "bn": 1e9, "mn": 1e6, "m": 1e6, "tn": 1e12, "k": 1e3}
# a plural scale word with no digits is no figure ("hundreds", "tens of thousands", "millions")
VAGUE = {"dozens", "hundreds", "thousands", "millions", "billions", "tens", "scores"}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)(bn|mn|m|tn|k)$", re.IGNORECASE)

CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "a$": "AUD", "c$": "CAD",
                    "hk$": "HKD", "s$": "SGD", "₹": "INR"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY",
                  "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "rupee": "INR", "pesos": "MXN",
                  "francs": "CHF", "roubles": "RUB", "rubles": "RUB", "sterling": "GBP"}
PERCENT = {"percent", "%", "pct"}
MEASURES = {
    "metre": "metres", "metres": "metres", "meter": "metres", "meters": "metres", "m": "metres",
    "kilometre": "kilometres", "kilometres": "kilometres", "kilometer": "kilometres",
    "kilometers": "kilometres", "km": "kilometres", "mile": "miles", "miles": "miles", "foot": "feet",
    "feet": "feet", "ft": "feet", "centimetre": "centimetres", "centimetres": "centimetres", "cm": "centimetres",
    "kilogram": "kilograms", "kilograms": "kilograms", "kg": "kilograms", "tonne": "tonnes", "tonnes": "tonnes",
    "ton": "tonnes", "tons": "tonnes", "pound": "pounds", "pounds": "pounds", "lb": "pounds", "lbs": "pounds",
    "litre": "litres", "litres": "litres", "liter": "litres", "liters": "litres", "gallon": "gallons",
    "gallons": "gallons", "barrel": "barrels", "barrels": "barrels", "hectare": "hectares", "hectares": "hectares",
    "acre": "acres", "acres": "acres", "degree": "degrees", "degrees": "degrees", "knot": "knots", "knots": "knots",
    "mph": "mph", "kph": "km/h", "km/h": "km/h",
}
AREA = {"cubic": "cubic", "square": "square", "sq": "square"}
DURATIONS = {"second": "seconds", "seconds": "seconds", "minute": "minutes", "minutes": "minutes",
             "hour": "hours", "hours": "hours", "day": "days", "days": "days", "week": "weeks", "weeks": "weeks",
             "month": "months", "months": "months", "year": "years", "years": "years", "decade": "decades",
             "decades": "decades", "century": "centuries", "centuries": "centuries"}
PER = {"day": "day", "week": "week", "month": "month", "year": "year", "hour": "hour", "minute": "minute",
       "annually": "year", "daily": "day", "weekly": "week", "monthly": "month", "hourly": "hour",
       "annual": "year", "yearly": "year"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
          "dec"}
# verbs whose bare object is a number of people ("killed 160,000")
CASUALTY_VERBS = {"kill", "injur", "wound", "infect", "evacuat", "arrest", "displac", "rescu", "hospitalis",
                  "hospitaliz", "detain", "execut", "sicken"}
# capitalised words a number labels rather than counts ("Section 3", "Phase 2")
NAME_WORDS = {"no", "no.", "number", "section", "article", "chapter", "page", "line", "room", "flight", "route",
              "platform", "gate", "row", "seat", "phase", "level", "grade", "category", "stage", "act"}
# words in front of a number that qualify it; part of the figure's text, not of its value
HEDGES = ("about", "around", "roughly", "some", "nearly", "almost", "approximately", "over", "just", "under",
          "only", "estimated", "an estimated", "more than", "less than", "fewer than", "at least", "up to",
          "as many as", "as much as", "close to", "exactly", "precisely", "barely", "above", "below")
# a measure that is a maximum, not an amount: "able to carry 20,000 containers" is no count
CAPACITY = {"able", "capable", "capacity", "can", "could", "designed", "built"}
# nouns that stand for the thing they are "of": "the number of ships" counts ships
OF_NOUNS = {"number", "total", "tally", "count", "group", "worth", "value", "sum", "amount", "figure",
            "estimate", "toll", "crowd", "fleet", "team", "queue", "line", "backlog", "majority", "share",
            "proportion", "percentage", "rest", "most"}
# words that say nothing about what is counted
STOP = {"be", "have", "do", "say", "tell", "according", "the", "a", "an", "this", "that", "these", "those",
        "it", "its", "they", "them", "their", "he", "she", "his", "her", "we", "our", "i", "you", "who",
        "which", "what", "some", "all", "other", "more", "most", "less", "many", "much", "about", "also",
        "there", "here", "now", "then", "still", "only", "just", "very", "such", "same", "own", "each",
        "every", "per", "than", "further", "new", "old", "get", "make", "put", "take", "give", "come", "go",
        "estimate", "estimated", "roughly", "nearly", "around", "total", "number", "figure", "amount",
        "value", "worth", "sum", "year", "day", "week", "month", "hour", "time", "people", "person",
        "almost", "reportedly", "least", "whole", "entire", "ag", "age", "aged"}
PERSON_SUFFIX = re.compile(r"(?:er|or|ist|ian|man|men|people|person|mason|smith|wright|ant|ee)s?$")
PEOPLE_NOUNS = {"people", "persons", "individuals", "residents", "civilians"}
UNIT_SYNONYMS = {"vessels": "ships", "boats": "ships", "persons": "people", "individuals": "people",
                 "kids": "children", "soldiers": "troops"}
DEFINITE = {"the", "these", "those", "both", "their", "his", "her", "its", "our", "my", "your", "whose"}

IRREGULAR_PLURAL = {"people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
                    "teeth": "tooth", "mice": "mouse", "geese": "goose", "craftspeople": "craftsperson",
                    "police": "police", "troops": "troop", "series": "series", "species": "species",
                    "news": "news", "data": "data", "media": "media", "crises": "crisis", "analyses": "analysis"}
IRREGULAR_SINGULAR = {v: k for k, v in IRREGULAR_PLURAL.items() if k != v}
IRREGULAR_VERBS = {
    "held": "hold", "holding": "hold", "holds": "hold", "found": "find", "left": "leave", "kept": "keep",
    "brought": "bring", "took": "take", "taken": "take", "gave": "give", "given": "give", "made": "make",
    "paid": "pay", "sent": "send", "spent": "spend", "built": "build", "rose": "rise", "risen": "rise",
    "fell": "fall", "fallen": "fall", "lost": "lose", "won": "win", "sold": "sell", "bought": "buy",
    "stuck": "stick", "struck": "strike", "drew": "draw", "drawn": "draw", "ran": "run", "went": "go",
    "gone": "go", "began": "begin", "begun": "begin", "grew": "grow", "grown": "grow", "saw": "see",
    "seen": "see", "led": "lead", "fled": "flee", "flew": "fly", "flown": "fly", "hit": "hit", "put": "put",
    "set": "set", "cut": "cut", "met": "meet", "told": "tell", "said": "say", "wrote": "write",
    "written": "write", "killed": "kill", "died": "die", "dying": "die", "stationed": "station",
    "based": "base", "pledged": "pledge", "donated": "donate", "trapped": "trap", "rescued": "rescue",
    "queuing": "queue", "queueing": "queue", "queued": "queue", "waiting": "wait", "worked": "work",
    "working": "work", "offered": "offer", "reached": "reach", "raised": "raise", "was": "be", "were": "be",
    "is": "be", "are": "be", "been": "be", "being": "be", "has": "have", "had": "have", "did": "do",
    "does": "do", "freed": "free", "owed": "owe", "caused": "cause", "injured": "injure", "wounded": "wound",
    "arrested": "arrest", "evacuated": "evacuate", "displaced": "displace", "carrying": "carry",
    "carried": "carry", "dredged": "dredge", "removed": "remove", "demanded": "demand",
    "estimated": "estimate", "climbed": "climb", "contributed": "contribute", "involved": "involve",
    "rebuilt": "rebuild", "tried": "try", "lay": "lie", "laid": "lay", "fought": "fight", "caught": "catch",
    "thought": "think", "lent": "lend", "aged": "age", "bore": "bear", "borne": "bear", "wore": "wear",
    "swept": "sweep", "dug": "dig",
}
# words for the same thing, folded to one so subjects compare
WORD_SYNONYMS = {"vessel": "ship", "boat": "ship", "kid": "child", "soldier": "troop", "american": "united-states",
                 "us": "united-states", "u.s.": "united-states", "america": "united-states"}


def singular(word: str) -> str:
    """Nouns to the singular, by rule: the key we compare counted things by."""
    w = word.lower()
    if w in IRREGULAR_PLURAL:
        return IRREGULAR_PLURAL[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def plural(word: str) -> str:
    """A counted noun's unit form: the plural, lower case ("troop" -> "troops")."""
    w = word.lower()
    if w in IRREGULAR_SINGULAR:
        return IRREGULAR_SINGULAR[w]
    if w in IRREGULAR_PLURAL or w.endswith("people"):
        return w
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    if w.endswith("s") and not w.endswith("ss"):
        return w  # already plural ("rbis", "tugboats")
    if w.endswith(("ss", "sh", "ch", "x", "z")):
        return w + "es"
    return w + "s"


def fold_word(token: Token) -> str:
    """A content word's comparison form: nouns singular, verbs to a base form by rule."""
    w = fold(token.text).replace(" ", "-")
    if token.pos_ in ("NOUN", "PROPN") and token.tag_ in ("NNS", "NNPS"):
        return singular(w)
    if token.pos_ in ("VERB", "AUX"):
        return _verb_base(w)
    return w


def _verb_base(w: str) -> str:
    """A crude stem, the same for every form of a verb ("completed", "completing", "complete" ->
    "complet"): the subject is compared, not read, so consistency beats spelling."""
    if w in IRREGULAR_VERBS:
        w = IRREGULAR_VERBS[w]
    else:
        for suffix, repl in (("ied", "y"), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
            if not w.endswith(suffix) or w.endswith("ss"):
                continue
            stem = w[: len(w) - len(suffix)] + repl
            if len(stem) < 3 or not re.search(r"[aeiouy]", stem):
                break  # "bring", "sing": the ending is part of the word
            if suffix in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "ls":
                stem = stem[:-1]  # "stopped" -> "stop"
            w = stem
            break
    if len(w) > 3 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    return w


def parse_number(words: list[str]) -> float | None:
    """The value of a run of number words: "28,500", "9.6 billion", "Nine hundred million",
    "three and a half", "a dozen". None when it is not one number."""
    total = 0.0
    current: float | None = None
    half = False
    for raw in words:
        w = raw.lower().replace("\u2009", "")
        if w in ("a", "an", "and"):
            continue
        if w == "half":
            half = True
            continue
        if _DIGITS.match(w):
            if current is not None:
                return None  # two numbers side by side ("2018 12")
            current = float(w.replace(",", ""))
            continue
        m = _SUFFIXED.match(w)
        if m:
            if current is not None:
                return None
            total += float(m.group(1)) * SCALES[m.group(2).lower()]
            current = None
            continue
        if w in SMALL:
            current = (current or 1.0) * 12 if w == "dozen" else (current or 0.0) + SMALL[w]
            continue
        if w in SCALES and (w not in ("m", "k") or current is not None):
            if w == "hundred":
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * SCALES[w]
                current = None
            continue
        return None
    value = total + (current or 0.0)
    if half:
        value += 0.5
    return value if (value or current is not None) else None


# ---- finding the figures ------------------------------------------------------------------


@dataclass
class _Figure:
    tokens: list[Token]  # the number words
    value: float
    start: int  # token index of the figure's text
    end: int  # token index past its text
    unit: str
    anchor: Token | None  # the word the figure describes (counted noun, currency token, measured noun)
    words: list[str]
    capacity: bool = False


def _is_number_token(t: Token) -> bool:
    low = t.lower_
    if low in VAGUE:
        return False
    if t.tag_ == "CD" or low in SMALL or _SUFFIXED.match(low):
        return bool(_DIGITS.match(low.replace(",", "")) or low in SMALL or low in SCALES or _SUFFIXED.match(low)
                    or _DIGITS.match(low))
    return low in SCALES and low not in ("m", "k") and t.i > 0 and _is_number_token_prev(t)


def _is_number_token_prev(t: Token) -> bool:
    p = t.nbor(-1)
    return p.tag_ == "CD" or p.lower_ in SMALL


def _number_runs(sent: Span) -> list[list[Token]]:
    runs: list[list[Token]] = []
    i = sent.start
    doc = sent.doc
    while i < sent.end:
        t = doc[i]
        if not _is_number_token(t) and not (t.lower_ == "a" and i + 1 < sent.end and doc[i + 1].lower_ == "dozen"):
            i += 1
            continue
        run = [t]
        j = i + 1
        money = t.i > 0 and doc[t.i - 1].lower_ in CURRENCY_SYMBOLS
        while j < sent.end:
            u = doc[j]
            if u.lower_ in ("m", "k") and not money:
                break  # "400 m" is metres; "€40 m" is millions
            if _is_number_token(u) or u.lower_ == "dozen":
                run.append(u)
                j += 1
            elif u.lower_ == "and" and j + 2 < sent.end and doc[j + 1].lower_ == "a" and doc[j + 2].lower_ == "half":
                run.extend([u, doc[j + 1], doc[j + 2]])
                j += 3
            else:
                break
        runs.append(run)
        i = j
    return runs


def _in_name(run: list[Token]) -> bool:
    """Numbers that are part of a name: "Apollo 11", "Group of 20", "COVID-19", "Article 5"."""
    first = run[0]
    for t in run:
        if t.ent_type_ and t.ent_type_ not in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE", "TIME"):
            return True
    if first.i == 0:
        return False
    prev = first.nbor(-1)
    if prev.text in ("-", "‑") and prev.i > 0 and not prev.whitespace_ and prev.nbor(-1).is_alpha \
            and not prev.nbor(-1).whitespace_:
        return True  # COVID-19, Hwasong-15, F-35
    if prev.is_alpha and prev.text[0].isupper() and prev.pos_ == "PROPN" and prev.lower_ not in MONTHS \
            and not prev.is_sent_start and not first.is_alpha:
        return True  # Apollo 11, Boeing 737 (a name's number is in digits: "met Jones three times" is a count)
    if prev.lower_ == "of" and prev.i > 0 and prev.nbor(-1).pos_ == "PROPN" and prev.nbor(-1).text[:1].isupper() \
            and not prev.nbor(-1).is_sent_start:
        return True  # Group of 20
    return prev.text == "#" or (prev.text[:1].isupper() and prev.lower_ in NAME_WORDS)


def _date_like(run: list[Token], sent: Span) -> bool:
    """Years, days of the month, ISO dates and clock times: they place a fact, they are not one."""
    doc = sent.doc
    first, last = run[0], run[-1]
    text = " ".join(t.text for t in run)
    if first.ent_type_ == "TIME" and any(x in first.sent.text.lower() for x in ("a.m", "p.m", "o'clock", ":")):
        span_text = " ".join(t.text.lower() for t in doc[max(sent.start, first.i - 2): min(sent.end, last.i + 3)])
        if re.search(r"\d\s*(?:a\.?m\.?|p\.?m\.?|o'clock)|\d:\d\d", span_text):
            return True
    for t in run:
        if re.fullmatch(r"\d{4}", t.text) and 1000 <= int(t.text) <= 2100:
            nxt = doc[t.i + 1] if t.i + 1 < sent.end else None
            if t.ent_type_ == "DATE" or nxt is None or nxt.pos_ not in ("NOUN",) or nxt.ent_type_ == "DATE":
                return True
    if re.fullmatch(r"\d{1,2}", text):
        near = [doc[k] for k in (first.i - 1, first.i - 2, last.i + 1, last.i + 2) if sent.start <= k < sent.end]
        if any(t.lower_ in MONTHS and t.text[:1].isupper() for t in near):
            return True
    # ISO dates and slashed dates (2018-06-12, 12/06/2018), phone numbers
    window = "".join(t.text_with_ws for t in doc[max(sent.start, first.i - 4): min(sent.end, last.i + 5)])
    return bool(re.search(r"\d{4}-\d{2}-\d{2}|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
                          r"|\d{3}[-. ]\d{3,4}[-. ]\d{4}|\+\d{1,3}\s?\d", window))


def _is_range(run: list[Token], sent: Span) -> bool:
    doc = sent.doc
    last, first = run[-1], run[0]
    after = [doc[k] for k in range(last.i + 1, min(sent.end, last.i + 3))]
    before = [doc[k] for k in range(max(sent.start, first.i - 2), first.i)]
    if after and after[0].lower_ in ("to", "or", "-", "–", "and") and len(after) > 1 and _is_number_token(after[1]):
        return True
    if before and before[-1].lower_ in ("to", "or", "-", "–", "and") and len(before) > 1 \
            and _is_number_token(before[-2]):
        return True
    return any(t.lower_ == "between" for t in before)


def _next(doc: Doc, i: int, end: int) -> Token | None:
    return doc[i] if i < end else None


def _rate(token: Token | None) -> str | None:
    """"a day", "each day", "per year", "an hour", "annually" right after a figure."""
    if token is None:
        return None
    doc = token.doc
    if token.lower_ in ("a", "an", "each", "per", "every") and token.i + 1 < len(doc):
        nxt = doc[token.i + 1]
        if nxt.lower_ in PER and nxt.lower_ not in ("annual", "daily", "weekly", "monthly", "hourly", "yearly",
                                                     "annually"):
            return PER[nxt.lower_]
    if token.lower_ in ("annually", "daily", "weekly", "monthly", "hourly", "yearly"):
        return PER[token.lower_]
    return None


def _rate_nearby(doc: Doc, i: int, end: int) -> int | None:
    """Where a rate starts a few words on, in the same phrase: "$9.6 billion worth of goods
    each day"."""
    for k in range(i, min(end, i + 5)):
        if doc[k].is_punct or doc[k].pos_ == "VERB":
            return None
        if _rate(doc[k]):
            return k
    return None


def _rate_end(token: Token | None) -> int:
    if token is None:
        return 0
    return token.i + (1 if token.lower_ in PER else 2)


def _currency_before(run: list[Token]) -> tuple[str | None, int]:
    first = run[0]
    if first.i == 0:
        return None, first.i
    prev = first.nbor(-1)
    code = CURRENCY_SYMBOLS.get(prev.lower_)
    if code and prev.i > 0 and prev.nbor(-1).lower_ in ("us", "u.s.") and not prev.nbor(-1).whitespace_:
        return "USD", prev.i - 1
    if code:
        if code == "USD" and prev.i > 0 and prev.nbor(-1).text in ("A", "C", "HK", "S", "NZ") \
                and not prev.nbor(-1).whitespace_:
            return {"A": "AUD", "C": "CAD", "HK": "HKD", "S": "SGD", "NZ": "NZD"}[prev.nbor(-1).text], prev.i - 1
        return code, prev.i
    return None, first.i


def _figure(run: list[Token], sent: Span) -> _Figure | None:
    doc = sent.doc
    end_limit = sent.end
    words = [t.text for t in run]
    # a lone article starts "a dozen": drop nothing, parse_number ignores it
    value = parse_number(words)
    if value is None:
        return None
    start = run[0].i
    last = run[-1]
    after = _next(doc, last.i + 1, end_limit)
    currency, cur_start = _currency_before(run)
    top = _top(run)
    if currency:
        start = cur_start
        rate = _rate(after)
        unit = currency + (f"/{rate}" if rate else "")
        end = _rate_end(after) if rate else last.i + 1
        if not rate:
            at = _rate_nearby(doc, last.i + 1, end_limit)
            if at is not None:
                rate = _rate(doc[at])
                unit = f"{currency}/{rate}"
                end = _rate_end(doc[at])
        return _Figure(run, value, start, end, unit, top, [])
    if after is not None and after.lower_ in CURRENCY_WORDS:
        rate = _rate(_next(doc, after.i + 1, end_limit))
        unit = CURRENCY_WORDS[after.lower_] + (f"/{rate}" if rate else "")
        end = _rate_end(doc[after.i + 1]) if rate else after.i + 1
        return _Figure(run, value, start, end, unit, after, [])
    if after is not None and after.lower_ == "pounds" and value >= 1e6:
        return _Figure(run, value, start, after.i + 1, "GBP", after, [])
    if after is not None and (after.lower_ in PERCENT or (after.lower_ == "per" and
                                                            _next(doc, after.i + 1, end_limit) is not None
                                                            and doc[after.i + 1].lower_ == "cent")):
        end = after.i + (2 if after.lower_ == "per" else 1)
        return _Figure(run, value, start, end, "percent", doc[end - 1], [])
    # hyphenated compounds: 400-metre vessel, 25-year-old coach, five-year plan
    if after is not None and after.text in ("-", "‑") and not after.whitespace_ and after.i + 1 < end_limit:
        unit_tok = doc[after.i + 1]
        low = unit_tok.lower_
        if low in ("year", "years") and unit_tok.i + 2 < end_limit and doc[unit_tok.i + 2].lower_ == "old":
            noun = _modified_noun(doc[unit_tok.i + 2])
            end = (noun.i + 1) if noun is not None and noun.i > unit_tok.i else unit_tok.i + 3
            return _Figure(run, value, start, end, "age", noun, [])
        if low in MEASURES or low in DURATIONS:
            unit = MEASURES.get(low) or DURATIONS[low]
            noun = _modified_noun(unit_tok)
            end = (noun.i + 1) if noun is not None and noun.i > unit_tok.i and noun.i - unit_tok.i <= 3 \
                else unit_tok.i + 1
            return _Figure(run, value, start, end, unit, noun, [])
        return None
    if after is not None and after.lower_ in AREA and after.i + 1 < end_limit and doc[after.i + 1].lower_ in MEASURES:
        unit = f"{AREA[after.lower_]} {MEASURES[doc[after.i + 1].lower_]}"
        return _Figure(run, value, start, after.i + 2, unit, doc[after.i + 1], [])
    if after is not None and (after.lower_ in MEASURES and after.lower_ not in ("m",) or
                              (after.lower_ == "m" and after.nbor(-1).tag_ == "CD")) and top.dep_ != "nummod" \
            or (after is not None and after.lower_ in MEASURES and top.head == after):
        if after.lower_ in ("pound", "pounds", "degree", "degrees", "foot") and top.head != after:
            return None
        return _Figure(run, value, start, after.i + 1, MEASURES[after.lower_], after, [])
    if after is not None and after.lower_ in DURATIONS and (top.head == after or after.head == top):
        end = after.i + 1
        if end < end_limit and doc[end].lower_ in ("ago", "later", "earlier", "after", "before", "since", "from"):
            return None  # "four months ago", "two days after the fire": a point in time
        rest = doc[end: min(end_limit, end + 3)]
        if len(rest) == 3 and rest[0].lower_ == "and" and _is_number_token(rest[1]) and rest[2].lower_ in DURATIONS:
            return None  # "five years and eight months": one span of time, left out
        return _Figure(run, value, start, end, DURATIONS[after.lower_], after, [])
    if after is not None and after.lower_ in ("times", "fold") and (top.head == after or after.head == top):
        return _Figure(run, value, start, after.i + 1, "times", after, [])
    # "aged 25"
    if start > sent.start and doc[start - 1].lower_ == "aged":
        return _Figure(run, value, start - 1, last.i + 1, "age", _age_owner(doc[start - 1]), [])
    # "Saman Kunan, 38," : a bare number in apposition to a person
    if top.dep_ in ("appos", "npadvmod", "amod") and top.head.ent_type_ == "PERSON" \
            and start > sent.start and doc[start - 1].text == "," and (after is None or after.is_punct):
        return _Figure(run, value, start, last.i + 1, "age", top.head, [])
    # a count: the number modifies a noun
    noun = _counted_noun(top, run)
    if noun is None:
        return _bare_count(run, value, start, top)
    return _count(run, value, start, noun, sent)


def _bare_count(run: list[Token], value: float, start: int, top: Token) -> _Figure | None:
    """A number with no noun that a verb still makes a count of people ("killed 160,000") or of
    its subject ("protesters numbered 10,000")."""
    verb = top.head
    if value <= 1 or verb.pos_ != "VERB" or top.dep_ not in ("dobj", "npadvmod", "attr"):
        return None
    base = _verb_base(verb.lower_)
    if base in CASUALTY_VERBS and top.dep_ == "dobj":
        return _Figure(run, value, start, run[-1].i + 1, "people", verb, [])
    if base in ("number", "total"):
        subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"), None)
        if subj is not None:
            unit = plural(singular(fold(subj.text)))
            return _Figure(run, value, start, run[-1].i + 1, UNIT_SYNONYMS.get(unit, unit), subj, [])
    return None


def _top(run: list[Token]) -> Token:
    ids = {t.i for t in run}
    for t in reversed(run):
        if t.head.i not in ids or t.head == t:
            return t
    return run[-1]


def _modified_noun(token: Token) -> Token | None:
    """The noun a compound adjective ("400-metre", "25-year-old") describes."""
    t = token
    for _ in range(3):
        if t.pos_ in ("NOUN", "PROPN") and t != token and t.dep_ != "npadvmod":
            return t
        if t.head == t:
            break
        t = t.head
    return t if t.pos_ in ("NOUN", "PROPN") and t != token else None


def _age_owner(aged: Token) -> Token | None:
    t = aged.head
    return t if t.pos_ in ("NOUN", "PROPN") else None


def _counted_noun(top: Token, run: list[Token]) -> Token | None:
    head = top.head
    ids = {t.i for t in run}
    for c in top.children:
        if c.dep_ == "prep" and c.lower_ == "of" and any(g.pos_ in ("PRON", "DET") for g in c.children):
            return None  # "40 of them": part of a count given elsewhere
    if top.dep_ in ("nummod", "quantmod", "compound", "amod") and head.pos_ in ("NOUN", "PROPN") \
            and head.i not in ids and 0 < head.i - top.i <= 4:
        return head
    # the number stands for a noun whose "number of X" governs the verb: "the number of ships
    # climbed above 200"
    if top.dep_ in ("pobj", "dobj", "attr") and not any(c.dep_ == "prep" and c.lower_ == "of" for c in top.children):
        verb = head.head if top.dep_ == "pobj" and head.pos_ == "ADP" else head
        if verb.pos_ in ("VERB", "AUX"):
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lower_ in ("number", "total", "tally", "count"):
                of = _of_object(subj)
                if of is not None:
                    return of
            if subj is not None and subj.lower_ == "toll":
                return subj
    return None


def _of_object(noun: Token) -> Token | None:
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN"):
                    return g
    return None


def _count(run: list[Token], value: float, start: int, noun: Token, sent: Span) -> _Figure | None:
    doc = sent.doc
    if value == 1 or noun.ent_type_ in ("DATE", "TIME") and noun.lower_ not in DURATIONS:
        return None
    if value <= 2 and any(c.lower_ in DEFINITE and c.dep_ in ("det", "poss", "predet") for c in noun.children):
        return None
    if value <= 2 and start > sent.start and doc[start - 1].lower_ in DEFINITE:
        return None
    conj_nouns = [c for c in noun.children if c.dep_ == "conj" and c.pos_ == "NOUN" and c.tag_ == "NNS"]
    if noun.lower_ == "toll":
        unit = "deaths"
    elif conj_nouns and sum(bool(PERSON_SUFFIX.search(n.lower_)) for n in [noun, *conj_nouns]) >= 2:
        unit = "people"  # "2,000 stonemasons, carpenters and roofers": a count of people
    else:
        unit = plural(singular(fold(noun.text)) if noun.tag_ in ("NNS", "NNPS") else fold(noun.text))
        unit = UNIT_SYNONYMS.get(unit, unit)
    end = noun.i + 1 if noun.i >= run[-1].i else run[-1].i + 1
    rate = _rate(doc[noun.i + 1] if noun.i + 1 < sent.end else None)
    if rate and noun.i > run[-1].i:
        unit = f"{unit}/{rate}"
        end = _rate_end(doc[noun.i + 1])
    return _Figure(run, value, start, end, unit, noun, [])


# ---- what the figure is about ---------------------------------------------------------------


def _phrase_words(token: Token, actor_of: dict[int, str], skip: set[int]) -> list[str]:
    """A noun and its name: a PERSON/GPE token gives the whole folded actor name."""
    if token.i in actor_of:
        return [actor_of[token.i]]
    if token.i in skip or token.is_stop or token.is_punct or token.like_num or token.pos_ in ("PRON", "DET", "NUM"):
        return []
    if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
        return []
    w = fold_word(token)
    w = WORD_SYNONYMS.get(w, w)
    return [] if w in STOP or len(w) < 2 or not any(ch.isalpha() for ch in w) else [w]


def _noun_words(noun: Token, actor_of: dict[int, str], skip: set[int], depth: int = 0) -> list[str]:
    """A noun with its compounds, adjectives, possessors, "of/in/from" objects and the verbs of
    clauses attached to it ("troops stationed in South Korea")."""
    out = _phrase_words(noun, actor_of, skip)
    for c in noun.children:
        if c.i in skip:
            continue
        if c.dep_ in ("compound", "amod", "poss", "nmod") and c.pos_ in ("NOUN", "PROPN", "ADJ", "VERB"):
            out += _phrase_words(c, actor_of, skip)
        elif c.dep_ == "prep" and depth < 2 and c.lower_ in ("of", "in", "from", "on", "aboard", "at", "for",
                                                               "inside", "near", "across", "to"):
            for g in c.children:
                if g.dep_ == "pobj":
                    out += _noun_words(g, actor_of, skip, depth + 1)
        elif c.dep_ in ("acl", "relcl") and depth < 1 and c.pos_ == "VERB":
            out += _phrase_words(c, actor_of, skip)
            for g in c.children:
                if g.dep_ == "prep" and g.lower_ in ("in", "on", "at", "inside", "from", "to", "through"):
                    for h in g.children:
                        if h.dep_ == "pobj":
                            out += _phrase_words(h, actor_of, skip)
                elif g.dep_ in ("dobj",):
                    out += _phrase_words(g, actor_of, skip)
        elif c.dep_ == "appos" and c.ent_type_ == "PERSON":
            out += _phrase_words(c, actor_of, skip)
    return out


def _context_words(anchor: Token, actor_of: dict[int, str], skip: set[int]) -> tuple[list[str], bool]:
    """The verb a figure hangs on and that verb's other arguments: "Pinault offered €100
    million" -> offer, pinault; "pledges reached nearly €1 billion" -> reach, pledge."""
    words: list[str] = []
    capacity = False
    t = anchor
    # climb through "of"/"at"/"to" attachments and "worth of"-style nouns to the clause
    hops = 0
    while t.dep_ in ("pobj", "prep", "nummod", "compound", "quantmod", "npadvmod", "amod", "appos", "conj") \
            and t.head != t and hops < 4:
        if t.dep_ == "pobj" and t.head.head.pos_ in ("NOUN", "PROPN") and t.head.lower_ == "of":
            break
        if t.dep_ == "conj":
            t = t.head
            hops += 1
            continue
        if t.dep_ == "appos" and t.head.pos_ in ("NOUN", "PROPN"):
            words += _noun_words(t.head, actor_of, skip)
            break
        t = t.head
        hops += 1
        if t.pos_ in ("VERB", "AUX"):
            break
    verb = t if t.pos_ in ("VERB", "AUX") else (t.head if t.head.pos_ in ("VERB", "AUX") else None)
    if t.pos_ in ("NOUN", "PROPN") and t != anchor and verb is None:
        words += _noun_words(t, actor_of, skip)
    if verb is None:
        return words, capacity
    words += _phrase_words(verb, actor_of, skip)
    cursor = verb
    for _ in range(3):
        if cursor.lower_ in CAPACITY or any(c.lower_ in CAPACITY for c in cursor.children
                                            if c.dep_ in ("aux", "acomp", "advmod")):
            capacity = True
        # a clause hanging on a noun ("the value of trade held up at $10 billion") is about that noun
        if cursor.dep_ in ("acl", "relcl", "xcomp") and cursor.head.pos_ in ("NOUN", "PROPN", "ADJ"):
            if cursor.head.lower_ in CAPACITY:
                capacity = True
            words += _noun_words(cursor.head, actor_of, skip) if cursor.head.pos_ != "ADJ" else []
            cursor = cursor.head
            continue
        break
    for c in verb.children:
        if c.i in skip or c == anchor or c.i == anchor.i:
            continue
        if c.dep_ in ("nsubj", "nsubjpass", "agent", "dobj"):
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        words += _core_words(g, actor_of, skip)
            elif not _contains(c, anchor):
                words += _core_words(c, actor_of, skip)
        elif c.dep_ == "prep" and c.lower_ in ("in", "at", "on", "inside", "aboard", "near", "from", "to"):
            # where: only named places and bodies ("stationed in South Korea"), not every object
            words += [actor_of[g.i] for g in c.children if g.dep_ == "pobj" and g.i in actor_of]
    return words, capacity


def _of_subtree_words(anchor: Token, actor_of: dict[int, str], skip: set[int]) -> list[str]:
    """The words of "of ..." after a share: "12 percent of global trade passes through"."""
    out: list[str] = []
    for c in anchor.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for t in c.subtree:
                if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and t.i != c.i and len(out) < 5:
                    out += _phrase_words(t, actor_of, skip)
    return out


def _contains(node: Token, token: Token) -> bool:
    return node.left_edge.i <= token.i <= node.right_edge.i


def _core_words(noun: Token, actor_of: dict[int, str], skip: set[int]) -> list[str]:
    """A verb's argument as the head noun, the names in it and the object of "of": enough to
    tell whose pledge it is, not every adjective of it."""
    if noun.pos_ == "PRON":
        return []
    out = _phrase_words(noun, actor_of, skip)
    if noun.lower_ in OF_NOUNS or noun.ent_type_ == "" and noun.pos_ == "NOUN":
        of = _of_object(noun)
        if of is not None:
            out += _phrase_words(of, actor_of, skip)
            for c in of.children:
                if c.dep_ == "compound" or c.i in actor_of:
                    out += _phrase_words(c, actor_of, skip)
    for c in noun.subtree:
        if c.i in actor_of and c != noun:
            out += _phrase_words(c, actor_of, skip)
    return out


def _actor_names(doc: Doc, mentions: list[Mention]) -> dict[int, str]:
    """token index -> folded actor name (the part after "person:"), for every token of a mention."""
    out: dict[int, str] = {}
    if not mentions:
        return out
    for m in mentions:
        name = m.actor_key.split(":", 1)[-1] if m.actor_key else fold(m.text)
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            out[t.i] = name.replace(" ", "-")
    return out


def _dedupe(words: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for w in words:
        if w and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def extract_claims(doc: Doc, mentions: list[Mention]) -> list[ClaimMention]:
    """The figures of one parsed article, in text order, each with its unit and subject.

    `mentions` are the article's entity mentions (`article_actors`); they let the subject name
    actors by their actor key ("pinault", "south-korea") instead of by whatever words the
    sentence used."""
    text = doc_text(doc)
    actor_of = _actor_names(doc, mentions)
    claims: list[ClaimMention] = []
    for index, sent in enumerate(doc.sents):
        for run in _number_runs(sent):
            if _in_name(run) or _date_like(run, sent) or _is_range(run, sent):
                continue
            if any(t.ent_type_ in ("DATE", "TIME") for t in run) and not _duration_or_age(run, sent) \
                    and not _how_often(run):
                continue
            fig = _figure(run, sent)
            if fig is None:
                continue
            claim = _claim(fig, sent, index, text, actor_of)
            if claim is not None:
                claims.append(claim)
    return claims


def _how_often(run: list[Token]) -> bool:
    """"three times", "five-fold": a count of occurrences, which the NER often tags DATE along
    with a date beside it ("three times last year")."""
    after = run[-1].nbor(1) if run[-1].i + 1 < len(run[-1].doc) else None
    return after is not None and after.lower_ in ("times", "fold")


def _duration_or_age(run: list[Token], sent: Span) -> bool:
    """A number inside a DATE/TIME entity is kept only as an age or a length of time."""
    doc = sent.doc
    last = run[-1]
    nxt = [doc[k].lower_ for k in range(last.i + 1, min(sent.end, last.i + 4))]
    if nxt and nxt[0] in DURATIONS:
        return True
    if len(nxt) >= 2 and nxt[0] in ("-", "‑") and nxt[1] in DURATIONS:
        return True
    top = _top(run)
    return bool(top.head.ent_type_ == "PERSON" or run[0].i > sent.start and doc[run[0].i - 1].lower_ == "aged")


def _hedged_start(doc: Doc, start: int, floor: int) -> int:
    moved = True
    while moved:
        moved = False
        for hedge in sorted(HEDGES, key=lambda h: -len(h.split())):
            words = hedge.split()
            k = start - len(words)
            if k < floor:
                continue
            if k >= floor and [t.lower_ for t in doc[k:start]] == words:
                start, moved = k, True
                break
    return start


def _claim(fig: _Figure, sent: Span, index: int, text: str, actor_of: dict[int, str]) -> ClaimMention | None:
    doc = sent.doc
    # hedges in front of the number belong to the figure's text ("about 28,500", "more than 320")
    start = _hedged_start(doc, fig.start, sent.start)
    skip = {t.i for t in fig.tokens}
    anchor = fig.anchor
    words: list[str] = []
    capacity = False
    unit_base = fig.unit.split("/")[0]
    if anchor is not None:
        if anchor.pos_ in ("NOUN", "PROPN") and fig.unit not in ("percent",) and not unit_base.isupper() \
                and fig.unit not in MEASURES.values() and fig.unit not in DURATIONS.values() \
                and " " not in fig.unit:
            words = _noun_words(anchor, actor_of, skip) if anchor.i not in actor_of else [actor_of[anchor.i]]
        elif fig.unit == "percent":
            words = _of_subtree_words(anchor, actor_of, skip)
        elif anchor.pos_ in ("NOUN", "PROPN") and anchor.i not in skip and not unit_base.isupper() \
                and anchor.lower_ not in MEASURES and anchor.lower_ not in DURATIONS:
            words = _noun_words(anchor, actor_of, skip)
        else:
            of = _of_object(anchor) or (_of_object(anchor.head) if anchor.head.lower_ in OF_NOUNS else None)
            if of is not None:
                words += _noun_words(of, actor_of, skip)
        if anchor.pos_ == "VERB":
            words += _phrase_words(anchor, actor_of, skip)
        more, capacity = _context_words(anchor, actor_of, skip | {anchor.i} if anchor.lower_ in MEASURES else skip)
        words += more
    if fig.unit not in ("age",) and not unit_base.isupper() and fig.anchor is not None \
            and fig.anchor.pos_ in ("NOUN", "PROPN") and words:
        head = singular(fig.unit.split("/")[0]) if " " not in fig.unit else None
        if head and head not in words and fig.unit not in MEASURES.values() and fig.unit not in DURATIONS.values() \
                and fig.unit not in ("percent", "times"):
            words.insert(0, head)
    words = [w for w in _dedupe(words) if w not in STOP]
    if capacity:
        words.append("capacity")
    start_char = doc[start].idx
    end_tok = doc[fig.end - 1]
    end_char = end_tok.idx + len(end_tok.text)
    return ClaimMention(sentence=index, text=text[start_char:end_char], start=start_char, end=end_char,
                        value=fig.value, unit=fig.unit, subject=" ".join(words) or None)
