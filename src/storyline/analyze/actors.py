"""Actors inside one article: spaCy's entity mentions merged into one name per real actor.

Within an article a bare surname ("Trump") means the full name used nearby ("Donald
Trump"); a surname the NER tagged ORG or GPE in one sentence is still that person; titles,
possessives and quoted nicknames are stripped ("President Trump's" -> "Trump"); an acronym
the article spells out ("the World Health Organization (WHO)") goes by the full name under the
acronym's key, and dotted acronyms are one ("U.N." is "UN"). Not actors: names in credits and
datelines ("(Reuters) -", "Photograph: Jane Doe/Reuters", "Reporting by ..."), and what the
small model takes for people in headings, debate titles and captions. Cross-article
consolidation is the corpus stage's job.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import cached_property

from spacy.tokens import Doc, Span

from storyline.analyze.gazetteer import body_acronyms, country_of, fold
from storyline.analyze.nlp import doc_text
from storyline.model import ArticleActor, Mention

LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place",
          "NORP": "country"}
TITLES = re.compile(
    r"^(?:(?:u\.?s\.?|former|then|late|acting|deputy|vice|prime|foreign|defense|defence|chief|supreme|"
    r"president|presidents|minister|secretary|senator|sen\.|rep\.|gov\.|governor|mr\.?|mrs\.?|ms\.?|dr\.?|"
    r"sir|dame|general|gen\.|admiral|adm\.|chairman|chairwoman|chair|leader|king|queen|prince|princess|"
    r"pope|captain|capt\.|coach|ambassador|envoy|spokesman|spokeswoman|spokesperson|director|professor|"
    r"prof\.|lt\.|col\.|sgt\.|justice|judge|mayor|premier|chancellor|councillor|councilman|councilwoman|"
    r"congressman|congresswoman|commissioner|inspector|detective|rabbi|bishop|archbishop|cardinal|sheikh|imam|"
    r"reverend|rev\.|state|the)\s+)+",
    re.IGNORECASE)
POSSESSIVE = re.compile(r"\s*['’]s?$")


def clean_name(text: str) -> str:
    text = " ".join(text.split())
    text = POSSESSIVE.sub("", text)
    text = LEADING_ARTICLE.sub("", text)  # "a World Health Organisation (spokesman)"
    return text.strip(" \"“”‘’'.,;:()[]―—–-")


LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+(?=[A-Z])")


def person_name(text: str) -> str:
    """The name without titles around it: "President Trump's" -> "Trump", a nickname glued on
    ('Jim "Mad Dog" Mattis' -> "Jim Mattis"), a title left at the end ("Novartis Chief" ->
    "Novartis") or inside ("Leeds Dr Baker", a reader's question run into its answer -> "Baker")."""
    text = NICKNAME.sub(" ", clean_name(text))
    text = TITLES.sub("", " ".join(text.split())).strip()
    words = text.split()
    while len(words) > 1 and words[-1].lower().rstrip(".") in TRAILING_TITLES:
        words.pop()
    inner = [i for i, w in enumerate(words) if i and w.lower().rstrip(".") in HONORIFICS]
    if inner and inner[-1] < len(words) - 1:
        words = words[inner[-1] + 1:]
    return " ".join(words).strip(" \"“”‘’'.,;:-")


# a quoted nickname inside a name, or one left open at its end
NICKNAME = re.compile(r"\s[\"“‘][^\"”’]*(?:[\"”’]|$)")
HONORIFICS = {"dr", "mr", "mrs", "ms", "prof", "professor", "sir", "dame"}
# titles that close a phrase the NER took for a name; not "Prince" or "King", which are surnames too
TRAILING_TITLES = HONORIFICS | {"chief", "president", "minister", "secretary", "spokesman", "spokeswoman",
                                "spokesperson", "chairman", "chairwoman", "governor", "senator"}


def acronym(name: str) -> str:
    """"U.N." and "U.N" are "UN": dotted initials are one way of writing an acronym."""
    return name.replace(".", "") if DOTTED.fullmatch(name) else name


DOTTED = re.compile(r"(?:[A-Z]\.){1,5}[A-Z]?\.?")


ORG_WORDS = re.compile(
    r"\b(ministry|party|agency|council|bank|inc|corp|company|committee|commission|authority|office|house|"
    r"department|university|institute|news|times|post|press|group|association|union|army|navy|forces|"
    r"command|court|congress|parliament|assembly|government|administration|foundation|center|centre)\b",
    re.IGNORECASE)
_POSSESSOR = re.compile(r"^([A-Z][\w .-]+?)['’]s\s+(.+)$")


def _split_possessor(text: str, label: str) -> tuple[str, str]:
    """"Ukraine's Volodymyr Zelenskyy" tagged ORG is a person whose country leads the phrase."""
    match = _POSSESSOR.match(" ".join(text.split()))
    if not match or not country_of(match.group(1)):
        return text, label
    rest = match.group(2)
    words = rest.split()
    if label in ("ORG", "PERSON") and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) \
            and not ORG_WORDS.search(rest):
        return rest, "PERSON"
    return rest, label


def article_actors(doc: Doc, sentence_starts: list[int], exclude: tuple[str | None, ...] = ()
                   ) -> tuple[list[Mention], list[ArticleActor]]:
    """Mentions (with actor keys) and the article's actors, from one parsed Doc. Names in
    `exclude` (the article's outlet and byline) are metadata, not actors."""
    text = doc_text(doc)
    excluded = {fold(x) for x in exclude if x}
    raw: list[tuple[str, str, int, int, str]] = []  # (name, kind, start, end, label)
    role_at: dict[int, list[str]] = {}
    defined: dict[str, str] = {}  # acronym -> the full name the article spells out with it
    words = _Capitals(doc)
    for ent in doc.ents:
        label = ent.label_
        if label == "PERSON":
            ent = _without_trailing_verb(ent)
            if ent is None:
                continue
            employer = _employer(ent)
            if employer is not None:
                ent, label = employer, "ORG"
        ent_text = _with_hyphen_tail(ent, text)
        if label == "PERSON":
            ent_text = _with_name_after_nickname(ent, ent_text, text)
        ent_text, label = _split_possessor(ent_text, label) if "s " in ent_text else (ent_text, label)
        kind = LABELS.get(label)
        if kind is None:
            continue
        if kind in ("person", "organization") and _common_word_at_sentence_start(ent, words):
            continue
        if kind == "organization" and _speaking_name(ent, ent_text):
            kind, label = "person", "PERSON"
        if fold(clean_name(ent_text)).strip(" -–—") in excluded and _credit_position(ent, text) \
                or kind in ("person", "organization") and _credit(ent, text):
            continue
        if kind == "person":
            name = person_name(ent_text)
            kind = _person_label_check(ent, name)
            if kind is None:
                continue
        if kind == "person":
            role_at[ent.start_char] = roles_of(ent)
        else:
            name = clean_name(ent_text)
            if name.lower().startswith("the "):
                name = name[4:]
            name, short = _spelled_out(name, text[ent.end_char:ent.end_char + 12])
            if short:
                defined.setdefault(short, name)
        if not name or not any(c.isalpha() for c in name):
            continue
        if kind in ("place", "country"):
            country = country_of(name)
            if country and _us_state(name, ent, text):
                kind = "place"  # Georgia the state: a place of its own, never the country
            elif country:
                kind, name = "country", country
            elif kind == "country":
                continue  # a NORP that is no nationality ("Democrats") is not an actor here
        raw.append((name, kind, ent.start_char, ent.end_char, label))
    # the article's acronyms go by the name it spells out ("the World Health Organization (WHO)")
    # under the acronym's key, which other articles use alone
    short_of = {fold(full): short for short, full in defined.items()}

    titles = {ent.start_char: _title_words(ent.text) | _title_words(doc[max(0, ent.start - 2):ent.start].text)
              for ent in doc.ents if ent.label_ == "PERSON"}
    persons = _person_resolver([(n, s) for n, k, s, _, _ in raw if k == "person"], titles)
    groups: dict[str, dict] = {}
    mentions: list[Mention] = []
    for name, kind, start, end, label in raw:
        resolved = persons(name, start) if kind == "person" else None
        if kind != "person":
            # the NER's classic slip: a person's surname tagged ORG/GPE in one sentence
            as_person = persons(name, start, strict=True)
            if as_person:
                kind, resolved = "person", as_person
        canonical = resolved or defined.get(acronym(name)) or name
        # the acronym the article defined this name as, or the one a well-known body goes by
        filed = short_of.get(fold(canonical))
        if filed is None and kind == "organization":
            filed = body_acronyms().get(fold(canonical))
        key = f"{kind}:{fold(filed or acronym(canonical))}"
        group = groups.setdefault(key, {"name": canonical, "kind": kind, "aliases": Counter(), "count": 0,
                                        "roles": []})
        for role in role_at.get(start, []):
            if role not in group["roles"]:
                group["roles"].append(role)
        group["aliases"][name] += 1
        group["count"] += 1
        mentions.append(Mention(text=text[start:end], label=label, start=start, end=end,
                                sentence=max(0, bisect_right(sentence_starts, start) - 1), actor_key=key))
    actors = [ArticleActor(key=k, name=g["name"], kind=g["kind"],
                           aliases=sorted(a for a in g["aliases"] if a != g["name"]), mentions=g["count"],
                           roles=g["roles"])
              for k, g in groups.items()]
    actors.sort(key=lambda a: (-a.mentions, a.name))
    return mentions, actors


PLATFORMS = {"twitter", "x", "facebook", "instagram", "truth social", "youtube", "tiktok", "weibo", "telegram",
             "whatsapp", "threads", "bluesky", "linkedin", "reddit", "snapchat", "wechat"}
PLACE_WORDS = re.compile(r"\b(province|city|village|island|islands|county|river|region|district|mountains?|valley|"
                         r"greater|falls|bay|sea|ocean|gulf|peninsula|strait|canal|airport|square|street|avenue|border|zone)\b",
                         re.IGNORECASE)
# US states that share their name with a country: the country unless the words around the
# mention, or else the article's, say the state
STATES_NAMED_AS_COUNTRIES = {"georgia"}
STATE_WORDS = re.compile(
    r"\b(state of|statewide|state's|governor|gov\.|lt\. gov|secretary of state|county|counties|atlanta|savannah|"
    r"augusta|macon|columbus|peach state|state senate|state house|legislature|runoff|primary|senators?|"
    r"congressman|congresswoman|republicans?|democrats?|gop|electoral|ballots?|ga\.|u\.s\.|american)\b",
    re.IGNORECASE)
COUNTRY_WORDS = re.compile(
    r"\b(tbilisi|batumi|caucasus|abkhazia|ossetia|soviet|kremlin|moscow|russia|russian|armenia|azerbaijan|"
    r"black sea|saakashvili|georgian dream|nato|european union|eu)\b", re.IGNORECASE)


def _us_state(name: str, ent, text: str) -> bool:
    """Whether a country's name that is also a US state's ("Georgia") means the state here: the
    state's words outnumber the country's in the mention's sentence, or, where the sentence has
    neither, in the article."""
    if fold(name) not in STATES_NAMED_AS_COUNTRIES:
        return False
    for span in (ent.sent.text, text):
        state, country = len(STATE_WORDS.findall(span)), len(COUNTRY_WORDS.findall(span))
        if state != country:
            return state > country
    return False


LOCATIVE = {"in", "at", "near", "into", "across", "outside", "inside", "around", "throughout", "toward", "towards",
            "via", "on"}


_SPEECH_HEADS = {"said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "asked", "explained",
                 "recalled", "warned", "insisted", "noted", "argued", "replied", "stated", "announced"}


def _speaking_name(ent, text: str) -> bool:
    """An ORG-tagged "Somchai Rattanakul" that says something, or is described by an apposition,
    is a person: organisations rarely carry two or three plain capitalised names."""
    words = text.split()
    if not 2 <= len(words) <= 3 or ORG_WORDS.search(text) or not all(w[:1].isupper() for w in words) \
            or any(w.isupper() and len(w) > 1 for w in words):
        return False
    root = ent.root
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.text.lower() in _SPEECH_HEADS:
        return True
    return any(child.dep_ == "appos" and child.pos_ == "NOUN" for child in root.children)


def _without_trailing_verb(ent):
    """A headline fragment tagged as a person ("Trump Seeks") is the name without the verb; a
    reader's signature run into the next comment's greeting ("..., Guadalajara, Mexico Hey, what
    do you know?") the name without the interjection."""
    for i, token in enumerate(ent):
        if i > 0 and token.tag_ in ("VBZ", "VBD", "VBP", "VB", "VBG") and token.text[:1].isupper():
            return ent[:i] if i else None
    doc = ent.doc
    if len(ent) > 1 and ent[-1].lower_ in INTERJECTIONS and ent.end < len(doc) and doc[ent.end].text in (",", "!"):
        return ent[:-1]
    return ent


INTERJECTIONS = {"hey", "hi", "hello", "oh", "wow", "yes", "no", "well", "thanks", "please", "sorry", "ok", "okay",
                 "yeah", "ah", "alas"}


def _with_name_after_nickname(ent, ent_text: str, text: str) -> str:
    """'Jim "Mad Dog"' + "Mattis": the NER stops a name at its quoted nickname; take the
    surname after it (the nickname itself is dropped by `person_name`)."""
    doc = ent.doc
    if ent_text[-1:] not in "\"”’" or ent.end >= len(doc) or not NICKNAME.search(ent_text):
        return ent_text
    after = doc[ent.end]
    if after.pos_ == "PROPN" and after.text[:1].isupper() and after.is_alpha:
        return text[ent.start_char:after.idx + len(after)]
    return ent_text


def _credit_position(ent, text: str) -> bool:
    """Where the article's own outlet or byline is metadata: a dateline at the start of the
    text, or any credit (`_credit`). Elsewhere the text is about them."""
    return ent.start_char < 80 or _credit(ent, text)


def _with_hyphen_tail(ent, text: str) -> str:
    """"Moon Jae" + "-in": the NER sometimes stops a name at a hyphen; take the whole word."""
    doc, end = ent.doc, ent.end
    while end + 1 < len(doc) and doc[end].text in ("-", "‐") and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].is_alpha:
        end += 2
    return text[ent.start_char:doc[end - 1].idx + len(doc[end - 1])] if end != ent.end else ent.text


def _person_label_check(ent, name: str) -> str | None:
    """The small model tags places, platforms, firms, drugs and headline phrases as people
    ("wrote on Twitter", "in Mae Sai", "Health Protection Scotland", "Avian Flu H5N1", a
    "Smith v Jones" debate title, a show segment's title-case heading): the kind the name
    really has, or None for no actor at all."""
    folded = fold(name)
    if folded in PLATFORMS:
        return "organization"
    if TITLES.fullmatch(name + " ") or len(ent) == 1 and ent[0].tag_ not in ("NNP", "NNPS"):
        return None  # a title alone ("Minister"), a word tagged a name ("Stung")
    if country_of(name):
        return "country"
    if any(c.isdigit() for c in name):
        return None
    if PLACE_WORDS.search(name):
        return "place"
    if PERSON_ORG_WORDS.search(name) or CAMEL_CASE.search(name):
        return "organization"
    if NOT_ACTORS.search(name) or "/" in name or "\\" in name:
        return None
    if ent.start and PERSON_ORG_WORDS.fullmatch(ent.doc[ent.start - 1].text):
        return "organization"  # "Health" + "Protection Scotland": the NER cut a body's name
    if _debate_title(ent) or _heading(ent) or _work_title(ent):
        return None
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.text.lower() in LOCATIVE and head.i < ent.start:
        return "place"
    if len(name.split()) == 1:  # "Relenza", "Sanofi-Aventis"
        return _by_the_company_it_keeps(ent.root)
    return "person"


# nouns naming a product, which a one-word name after them is ("the antiviral drug Relenza")
PRODUCT_NOUNS = {"drug", "drugs", "medicine", "medication", "antiviral", "antivirals", "vaccine", "pill", "tablet",
                 "inhaler", "brand", "product", "treatment"}
# verbs whose object, or whose participle's noun, is a product ("which makes Relenza", "made by")
MAKING = {"make", "produce", "manufacture", "sell", "market"}
# a post a body gives: "Novartis Chief Executive Daniel Vasella", "Roche spokesman Daniel Grotzky"
POSTS = {"chief", "executive", "ceo", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman",
         "president", "head", "director", "founder", "boss", "analyst", "economist", "researcher", "scientist"}


def _employer(ent) -> Span | None:
    """A one-word name, then a post, then a person ("Novartis Chief Executive Daniel Vasella", the
    NER taking "Novartis Chief" for a person): the name is the body the person works for."""
    doc, j = ent.doc, ent.start + 1
    while j < len(doc) and j - ent.start <= 3 and doc[j].lower_ in POSTS:
        j += 1
    if j > ent.start + 1 and j >= ent.end and j < len(doc) and doc[j].ent_type_ == "PERSON" and doc[j].ent_iob_ == "B":
        return Span(doc, ent.start, ent.start + 1, label="ORG")
    return None


def _by_the_company_it_keeps(token) -> str | None:
    """A one-word "person" among firms or products is one of them: "GlaxoSmithKline, Sanofi-Aventis,
    Novartis and Baxter International" (a firm), "Tamiflu and Relenza", "the drug Relenza",
    "GlaxoSmithKline's Relenza", "zanamivir (Relenza)", "which makes Relenza", "Relenza, made by
    GlaxoSmithKline" (a product: no actor). The small model tags such names PERSON; a person's
    name keeps people's company, or none."""
    if any(c.dep_ in ("compound", "amod") and c.lower_ in PRODUCT_NOUNS
           or c.dep_ == "det" and c.lower_ in ("the", "a", "an")
           or c.dep_ == "appos" and c.lemma_.lower() in PRODUCT_NOUNS for c in token.children):
        return None  # "the drug Relenza", "doses of the Relenza", "Relenza, GlaxoSmithKline's inhaled drug"
    if token.dep_ == "appos" and token.head.text.islower() and token.head.is_alpha:
        return None  # "zanamivir (Relenza)"
    if any(c.dep_ == "prep" and c.lower_ == "by" and any(_firm(o) for o in c.children) for c in token.children):
        return None  # "Relenza by GlaxoSmithKline"
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    if owner is not None and _firm(owner):
        return None
    # "GlaxoSmithKline, which makes Relenza", "Relenza, made by GlaxoSmithKline": something made
    if token.dep_ == "dobj" and token.head.lemma_ in MAKING \
            or any(c.dep_ == "acl" and c.lemma_ in MAKING and c.tag_ == "VBN" for c in token.children):
        return None
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    members, todo = [], [first]
    while todo:
        member = todo.pop()
        members.append(member)
        todo.extend(c for c in member.children if c.dep_ == "conj")
    others = [m for m in members if m.i != token.i]
    if any(m.ent_type_ == "PRODUCT" for m in others):
        return None
    if any(_firm(m) for m in others):
        return "organization"
    return "person"


def _firm(token) -> bool:
    """A firm's name word: tagged ORG, or a name no person has ("GlaxoSmithKline", "... International")."""
    return token.ent_type_ == "ORG" or bool(CAMEL_CASE.search(token.text)) \
        or token.text[:1].isupper() and bool(PERSON_ORG_WORDS.fullmatch(token.text))


# words no person's name holds but bodies' names do ("Health Protection Agency", "Baxter International")
PERSON_ORG_WORDS = re.compile(
    r"\b(ministry|party|agency|council|inc|corp|company|committee|commission|authority|department|university|"
    r"institute|association|foundation|organi[sz]ation|protection|international|board|trust|hospital|school|"
    r"college|clinic|group|government|administration|health|laboratories|pharmaceuticals?|kaisha|shipping|"
    r"holdings|airlines|airways|motors|bank)\b", re.IGNORECASE)
# "GlaxoSmithKline": a firm's name run together; "McDonald" and "DeSantis" are names
CAMEL_CASE = re.compile(r"[a-z]{3}[A-Z]")
# what the model tags as a person in health and science news: diseases, drugs, campaigns
NOT_ACTORS = re.compile(r"\b(flu|influenza|virus|vaccines?|disease|fever|syndrome|pandemic|epidemic|outbreak)\b",
                        re.IGNORECASE)
_VERSUS = re.compile(r"^\s+(?:v|vs)\.?\s+[A-Z]")
_VERSUS_BEFORE = re.compile(r"[A-Za-z]\s+(?:v|vs)\.?\s+$")


def _debate_title(ent) -> bool:
    """"Smith v Jones", "Brown vs. Cameron": a debate or case title, not a mention of either."""
    text = doc_text(ent.doc)
    return bool(re.search(r"\s(?:v|vs)\.?\s", ent.text) or _VERSUS.match(text[ent.end_char:ent.end_char + 8])
                or _VERSUS_BEFORE.search(text[max(0, ent.start_char - 8):ent.start_char]))


_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "v", "vs"}
# what a name set right after it titles: "under the headline, Sick Mexico, he says", "a column
# titled Grace Under Fire" (not "in her column, Maureen Dowd wrote": only words that always
# introduce a title)
_WORK_BEFORE = re.compile(r"\b(?:headlines?|headlined|titled|entitled)[,:]?\s*[\"“‘']?\s*$", re.IGNORECASE)


def _work_title(ent) -> bool:
    """A title-case name right after "the headline" or "titled": a work's title, not a person."""
    text = doc_text(ent.doc)
    return bool(_WORK_BEFORE.search(text[max(0, ent.start_char - 30):ent.start_char]))


def _heading(ent) -> bool:
    """A name inside a short title-case line that is no sentence (a sub-heading, a show
    segment's title: "The Week With Anna Cole") names the segment, not a person in the story.
    A line that is the name alone is a byline or a caption credit."""
    text = doc_text(ent.doc)
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    line = text[start:end if end >= 0 else len(text)].strip()
    words = [w.strip("\"“”‘’'()[],:;-–—") for w in line.split()]
    words = [w for w in words if w]
    if not words or len(words) > 8 or line[-1:] in ".!?\"”’:;," or start == 0 and end < 0:
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS for w in words)


_CREDIT_LINE = re.compile(r"^\s*(?:photo(?:graph)?s?|pictures?|images?|credit|illustration|video)\s*:", re.IGNORECASE)
_CREDIT_SENTENCE = re.compile(r"reporting by|editing by|writing by|compiled by|additional reporting|contributed "
                              r"(?:to )?(?:this )?(?:report|reporting|story)|©|copyright|all rights reserved",
                              re.IGNORECASE)


def _credit(ent, text: str) -> bool:
    """A name in a credit, whoever it names: a dateline's "(Reuters) -", a photo credit
    ("Photograph: Jane Doe/Reuters"), a byline ("By Jane Doe") or a credit line ("Reporting by
    Jane Doe; Editing by John Roe"). Any outlet or reporter there is metadata, not an actor."""
    before, after = text[max(0, ent.start_char - 2):ent.start_char], text[ent.end_char:ent.end_char + 4]
    if before.endswith("(") and re.match(r"\)\s*[-–—]", after):
        return True
    if after[:1] and after[0] in "/\\" or before[-1:] and before[-1] in "/\\":
        return True
    line_start = text.rfind("\n", 0, ent.start_char) + 1
    line = text[line_start:ent.start_char]
    if _CREDIT_LINE.match(line) or re.fullmatch(r"\s*by\s+", line, re.IGNORECASE):
        return True
    sent = ent.sent
    return bool(_CREDIT_SENTENCE.search(text[sent.start_char:sent.end_char]))


class _Capitals:
    """An article's lower-case words and the capitalised words it writes inside sentences, read
    once and only for an article that needs them."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc

    @cached_property
    def lower(self) -> set[str]:
        return {t.text for t in self.doc if t.is_lower}

    @cached_property
    def inside(self) -> set[str]:
        return {t.text for t in self.doc if not t.is_sent_start and t.text[:1].isupper()}


def _common_word_at_sentence_start(ent, words: _Capitals) -> bool:
    """One word the NER took for a name only because a sentence begins with it ("Health experts
    warned", "Views expressed"): the article writes the word in lower case elsewhere and never
    capitalised inside a sentence. An acronym, or a name the article capitalises mid-sentence
    too ("Apple said ... shares of Apple"), stays."""
    if len(ent) != 1 or not ent[0].is_sent_start:
        return False
    word = ent[0].text
    if not word[:1].isupper() or word.isupper():
        return False
    return word.lower() in words.lower and word not in words.inside


_SPELLED_OUT = re.compile(r"^(.*?\S)\s*\(\s*([A-Z][A-Z.]{1,7})\)?$")


def _spelled_out(name: str, after: str) -> tuple[str, str | None]:
    """A body's full name and the acronym the article gives it: "World Health Organization
    (WHO" as the NER cuts it, or the name followed by "(WHO)"."""
    match = _SPELLED_OUT.match(name)
    if match and _initials_fit(match.group(1), acronym(match.group(2))):
        return match.group(1), acronym(match.group(2))
    follow = re.match(r"\s*\(\s*([A-Z][A-Z.]{1,7})\s*\)", after)
    if follow and _initials_fit(name, acronym(follow.group(1))):
        return name, acronym(follow.group(1))
    return name, None


def _initials_fit(full: str, short: str) -> bool:
    """"CDC" fits "U.S. Centers for Disease Control and Prevention": its letters are initials of
    the name's words, in order; "(AP)" after "the National Guard" is a credit, not its acronym."""
    initials = "".join(w[0] for w in full.split() if w[:1].isupper())
    at = 0
    for letter in short:
        at = initials.find(letter, at) + 1
        if not at:
            return False
    return len(full.split()) >= 2


_ROLE_DEPS = {"compound", "amod", "nmod", "npadvmod", "nummod"}


def roles_of(ent) -> list[str]:
    """Titles and descriptions attached to a person mention: the modifiers in front of the name
    ("South Korean President") and an apposition ("chairman of the Suez Canal Authority",
    "Kim's sister")."""
    doc = ent.doc
    roles = []
    inside = set(range(ent.start, ent.end))
    # the entity text may itself carry the title ("President Trump"): keep it as a role too
    title = TITLES.match(clean_name(ent.text) + " ")
    left = ent.start
    while left - 1 >= 0 and doc[left - 1].dep_ in _ROLE_DEPS and doc[left - 1].pos_ in ("NOUN", "PROPN", "ADJ") \
            and (doc[left - 1].head.i in inside or doc[left - 1].head.i >= left - 1):
        left -= 1
        inside.add(left)
    phrase = doc[left:ent.start].text.strip()
    if title:
        phrase = (phrase + " " + title.group(0).strip()).strip()
    if phrase and any(c.isalpha() for c in phrase):
        roles.append(" ".join(phrase.split()))
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= ent.end and child.pos_ in ("NOUN", "PROPN"):
            words = [t for t in child.subtree if t.dep_ not in ("relcl",)]
            text = doc[words[0].i:words[-1].i + 1].text.strip(" ,")
            finite = any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in words)
            if 0 < len(text.split()) <= 12 and not finite and not any(c in text for c in "“”\""):
                roles.append(text)
    if root.dep_ == "appos" and root.head.i < ent.start and root.head.pos_ == "NOUN":
        head = root.head
        words = [t for t in head.subtree if t.i < ent.start and t.i >= head.left_edge.i]
        text = doc[words[0].i:head.i + 1].text.strip(" ,") if words else ""
        if 0 < len(text.split()) <= 8:
            roles.append(text)
    return [role for role in roles if _is_role(role)]


def _is_role(text: str) -> bool:
    """A section heading run into the name ("HEALTH NEWS"), a photo credit ("Jane Doe/Reuters")
    or a phrase across a line break is no description of the person."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(c in text for c in "/\\\n") and not (len(letters) > 3 and all(
        c.isupper() for c in letters))


def _title_words(text: str) -> set[str]:
    """The titles in front of a name: "President Trump", "U.S. President" + "Donald Trump"."""
    text = clean_name(text) + " "
    match = TITLES.match(text) or TITLES.search(text)
    if not match:
        return set()
    return {w.lower().rstrip(".") for w in match.group(0).split()} - {"the", "former", "then", "late"}


def _person_resolver(found: list[tuple[str, int]], titles: dict[int, set[str]] | None = None):
    """Map a person mention to the fullest name in the article that contains it. A bare surname
    with a title ("President Trump") goes to a full name only if that person bears the title
    somewhere here: "Melania Trump" in the article does not make "President Trump" her."""
    titles = titles or {}
    full: dict[str, list[int]] = defaultdict(list)
    bare_titled: dict[str, set[str]] = defaultdict(set)
    for name, start in found:
        if len(name.split()) == 1 and titles.get(start):
            bare_titled[fold(name)] |= titles[start]
    titled: dict[str, set[str]] = defaultdict(set)
    for name, start in found:
        if len(name.split()) >= 2:
            full[name].append(start)
            titled[fold(name)] |= titles.get(start, set())
    by_token: dict[str, list[str]] = defaultdict(list)
    for name in full:
        tokens = fold(name).split()
        for token in {tokens[0], tokens[-1]}:
            by_token[token].append(name)
    # variants of one name ("Kim Jong-un"/"Kim Jong Un") collapse onto the most frequent spelling
    spelled: dict[str, str] = {}
    for name in sorted(full, key=lambda n: -len(full[n])):
        spelled.setdefault(fold(name), name)

    bare = {fold(name) for name, _ in found if len(name.split()) == 1}

    def resolve(name: str, start: int, strict: bool = False) -> str | None:
        folded = fold(name)
        if folded in spelled:
            return spelled[folded]
        if strict and folded in bare and folded in bare_titled:
            return name  # "Trump" tagged ORG where "President Trump" is a person in this article
        if strict and len(folded.split()) != 1:
            return None
        candidates = [n for n in by_token.get(folded, [])] if len(folded.split()) == 1 else \
            [n for n in full if folded in fold(n) and len(fold(n)) > len(folded)]
        own_title = titles.get(start, set()) or bare_titled.get(folded, set())
        if own_title and len(folded.split()) == 1:
            # "President Trump" here and only "Melania Trump" in full: the bare name is not hers,
            # and neither is any untitled "Trump" in the same article
            candidates = [n for n in candidates if own_title & titled[fold(n)]]
        if not candidates:
            return None if strict else name
        # the nearest full name mentioned before this one; else the first after it
        def distance(candidate: str) -> tuple[int, int]:
            before = [start - s for s in full[candidate] if s <= start]
            after = [s - start for s in full[candidate] if s > start]
            return (0, min(before)) if before else (1, min(after))
        return spelled[fold(min(candidates, key=distance))]

    return resolve
