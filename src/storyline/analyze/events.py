"""Event mentions of one article: what happened, to whom, where and when, sentence by sentence.

A trigger is a verb or an event noun from one table (`KINDS`), checked against its part of
speech and, for the ambiguous words, its neighbours ("test" only with a weapon, "case" only
counted or confirmed, "released" a person, not a report). Each sentence gives at most one
mention per kind: "held talks" and "the talks" in one sentence are one happening. Words inside
quotation marks are the speaker's, not the reporter's account of what happened, and are left to
the quotes layer. The date is the sentence's date expression nearest to the trigger (preferring
one the parse attaches to the trigger's clause), anchored by the trigger's tense; a plain
past-tense main-clause event without one, in the lead, is dated to the publication day (news
leads report the day's events), but never a past perfect (background) or a planned one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Day

from spacy.tokens import Doc, Span, Token

from storyline.analyze.dates import DateMention, find_dates, has_date_cue
from storyline.analyze.nlp import doc_text
from storyline.model import EventMention, Mention

__all__ = ["KINDS", "extract_events", "verb_forms"]

_IRREGULAR = {
    "meet": "met", "hold": "held", "speak": "spoke spoken", "strike": "struck stricken", "shoot": "shot",
    "send": "sent", "sink": "sank sunk", "run": "ran", "break": "broke broken", "fall": "fell fallen",
    "flee": "fled", "win": "won", "quit": "quit", "write": "wrote written", "take": "took taken",
    "go": "went gone", "find": "found", "burn": "burned burnt",
    "blow": "blew blown", "tear": "tore torn", "fight": "fought", "lead": "led",
    "spread": "spread", "bring": "brought", "rise": "rose risen", "catch": "caught", "seek": "sought",
    "sell": "sold", "lose": "lost", "leave": "left", "draw": "drew drawn", "freeze": "froze frozen",
}
_DOUBLED = {"ban", "plan", "stop", "ship", "drop", "bar", "trap", "scrap", "rob", "admit", "commit", "submit",
            "occur", "shut", "cut", "put", "set", "hit", "sit", "quit"}


def verb_forms(base: str) -> set[str]:
    """The inflected forms of an English verb: the pipeline runs without a lemmatizer."""
    if base in _DOUBLED:
        stem = base + base[-1]
    elif base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        stem = base[:-1]
    else:
        stem = base
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        third, past = base[:-1] + "ies", base[:-1] + "ied"
    else:
        third = base + "es" if base.endswith(("s", "sh", "ch", "x", "z", "o")) else base + "s"
        past = base + "d" if base.endswith("e") else stem + "ed"
    pasts = set(_IRREGULAR[base].split()) if base in _IRREGULAR else {past}
    return {base, third, stem + "ing" if not base.endswith("ie") else base[:-2] + "ying"} | pasts


@dataclass(frozen=True)
class Kind:
    verbs: tuple[str, ...] = ()  # base forms
    nouns: tuple[str, ...] = ()  # one word as written, lower case (singular and plural)


# every event kind with its trigger words, in one place; order breaks ties (earlier wins)
KINDS: dict[str, Kind] = {
    "summit": Kind((), ("summit", "summits", "summitry")),
    "talks": Kind(("negotiate",), ("talks", "negotiations", "negotiation")),
    "meeting": Kind(("meet", "convene"), ("meeting", "meetings", "encounter", "handshake", "conference")),
    "visit": Kind(("visit", "tour"), ("visit", "visits", "trip")),
    "call": Kind(("phone", "telephone"), ("call", "calls")),
    "letter": Kind((), ("letter", "letters")),
    "threat": Kind(("threaten",), ("threat", "threats", "ultimatum")),
    "warning": Kind(("warn",), ("warning", "warnings")),
    "insult": Kind(("insult", "mock", "ridicule", "taunt", "deride"), ("insult", "insults", "taunt", "taunts")),
    "agreement": Kind(("sign", "agree"), ("agreement", "agreements", "deal", "accord", "treaty", "pact",
                                          "ceasefire", "truce", "declaration")),
    "test": Kind(("test-fire",), ("test", "tests", "launch", "launches")),
    "attack": Kind(("attack", "bomb", "shell", "invade", "raid", "assault", "ambush", "stab", "shoot"),
                   ("attack", "attacks", "bombing", "bombings", "airstrike", "airstrikes",
                    "invasion", "raid", "raids", "shelling", "shooting", "massacre", "assault", "blast")),
    "disaster": Kind(("collapse", "erupt", "crash", "sink", "flood", "derail", "explode", "capsize", "burn"),
                     ("fire", "blaze", "wildfire", "blockage", "earthquake", "quake", "flood", "floods", "flooding",
                      "tsunami",
                      "hurricane", "typhoon", "cyclone", "landslide", "eruption", "crash", "collapse",
                      "derailment", "explosion", "outbreak", "outbreaks", "epidemic", "pandemic", "grounding",
                      "disaster")),
    "travel": Kind(("arrive", "return", "fly", "depart", "land"), ("arrival", "return", "departure")),
    "rescue": Kind(("rescue", "evacuate", "refloat", "bring"), ("rescue", "evacuation", "airlift")),
    # people missing or trapped found ("the boys were found alive", "divers found the group")
    "discovery": Kind(("find",), ("discovery",)),
    "death": Kind(("die", "kill", "perish"), ("death", "deaths", "fatality", "fatalities")),
    "cases": Kind(("confirm", "record", "report", "diagnose", "infect", "hospitalise", "hospitalize", "isolate",
                   "admit", "identify", "detect"),
                  ("case", "cases", "infection", "infections")),
    "arrest": Kind(("arrest", "detain", "indict", "charge", "seize", "capture"), ("arrest", "arrests",
                                                                                    "detention", "indictment")),
    "release": Kind(("release", "free", "pardon"), ("release",)),
    "ruling": Kind(("rule", "convict", "sentence", "acquit", "overturn"), ("ruling", "verdict", "conviction")),
    "vote": Kind(("vote",), ("vote", "votes", "referendum", "ballot")),
    "election": Kind(("elect", "re-elect", "inaugurate"), ("election", "elections", "inauguration")),
    "resignation": Kind(("resign",), ("resignation",)),
    "dismissal": Kind(("sack", "oust", "dismiss", "fire"), ("dismissal", "ouster")),
    "sanction": Kind(("sanction", "embargo"), ("sanction", "sanctions", "embargo")),
    "restriction": Kind(("ban", "suspend", "close", "shut", "cancel", "quarantine", "postpone", "halt"),
                        ("ban", "bans", "closure", "closures", "quarantine", "lockdown", "curfew", "shutdown",
                         "suspension")),
    "reopening": Kind(("reopen", "resume"), ("reopening",)),
    "troop_move": Kind(("deploy", "withdraw", "mobilise", "mobilize", "station"),
                       ("deployment", "withdrawal", "mobilisation", "mobilization")),
    "protest": Kind(("protest", "demonstrate", "rally"), ("protest", "protests", "demonstration",
                                                          "demonstrations", "rally", "rallies")),
    "investigation": Kind(("investigate", "probe"), ("investigation", "inquiry", "probe")),
    "approval": Kind(("approve", "authorise", "authorize"), ("approval", "authorisation", "authorization")),
    "announcement": Kind(("announce", "declare", "unveil", "proclaim", "launch", "raise", "lift", "lower", "pledge",
                          "vow", "promise", "publish", "issue"),
                         ("announcement", "speech", "statement", "address")),
    "impeachment": Kind(("impeach",), ("impeachment",)),
    # a briefing or news/press conference ("conference" after news/press); kept only when dated
    "statement": Kind((), ("briefing",)),
}

_VERBS: dict[str, str] = {}
_NOUNS: dict[str, str] = {}
for _kind, _spec in KINDS.items():
    for _verb in _spec.verbs:
        for _form in verb_forms(_verb):
            _VERBS.setdefault(_form, _kind)
    for _noun in _spec.nouns:
        _NOUNS.setdefault(_noun, _kind)

# the more specific kind wins when two triggers name one happening ("held a summit", "announced sanctions")
_GENERIC = {"statement", "announcement", "meeting", "cases", "warning"}
_WEAPONS = {"missile", "missiles", "nuclear", "rocket", "rockets", "weapon", "weapons", "bomb", "icbm", "warhead",
            "ballistic", "hydrogen", "atomic", "satellite"}
_PERSON_WORDS = {"prisoner", "prisoners", "hostage", "hostages", "detainee", "detainees", "captive", "captives",
                 "journalist", "journalists", "students", "student", "sailors", "crew", "him", "her", "them",
                 "man", "woman", "men", "women", "boys", "girls", "children", "americans", "citizens"}
_FOUND_STATES = {"alive", "dead", "safe", "unharmed"}
_VESSELS = {"ship", "vessel", "boat", "tanker", "freighter", "ferry", "carrier", "barge"}
_CALL_WORDS = {"phone", "telephone", "conference", "video", "phone-call"}
_CASE_WORDS = {"confirmed", "suspected", "new", "first", "probable", "human", "fatal", "possible", "more",
               "additional", "reported", "known", "further"}
_ANNOUNCE_RAISE = {"alert", "level", "warning", "threat", "phase", "status", "alarm"}
_MODALS_HYPOTHETICAL = {"could", "might", "may", "should", "would", "can", "must", "ought"}
_FUTURE_AUX = {"will", "'ll", "shall", "wo"}
_PLANNING = {"plan", "plans", "planned", "planning", "expect", "expects", "expected", "schedule", "scheduled",
             "due", "set", "intend", "intends", "intended", "hope", "hopes", "aim", "aims", "prepare",
             "prepares", "preparing", "going", "agreed", "agree", "agrees", "want", "wants", "seek", "seeks",
             "propose", "proposed", "proposes", "vow", "vowed", "promise", "promised", "threatened", "threaten",
             "threatens", "decided", "urged", "asked", "called", "ready", "likely", "unlikely", "able", "try",
             "tried", "trying"}
_BACKGROUND_MARKS = {"after", "since", "before", "until", "once"}
_SPAN_ENDS = {"until", "till", "through", "by", "before", "after"}
_ACTOR_PREFIXES = ("person:", "organization:", "country:")
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_LOCATIVE = {"in", "at", "near", "inside", "outside", "off", "across", "throughout"}
_QUOTED = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")
# a lead is where the day's news is told; further down the past tense tells the background
LEAD_SENTENCES = 3


@dataclass
class _Trigger:
    token: Token
    kind: str
    start: int  # token span of the trigger words
    end: int


def extract_events(doc: Doc, mentions: list[Mention], published: str | None) -> list[EventMention]:
    """The event mentions of one parsed article (`published` is "YYYY-MM-DD" or None)."""
    text = doc_text(doc)
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    events: list[EventMention] = []
    dateline = None
    for index, sent in enumerate(doc.sents):
        if index == 0:
            dateline = _dateline(text[sent.start_char:sent.end_char])
        triggers = _sentence_triggers(sent, quoted)
        if not triggers:
            continue
        sent_text = text[sent.start_char:sent.end_char]
        cue = has_date_cue(sent_text)
        for trigger in triggers:
            event = _event(index, sent, sent_text, cue, trigger, by_sentence.get(index, []), published)
            if event is not None:
                if dateline and event.place is None and index < LEAD_SENTENCES and _news_of_the_day(event, published):
                    event.place = dateline
                events.append(event)
    return events


# "SINGAPORE —", "MAE SAI, Thailand —", "HANOI (Pacific Wire) -": where the reporter filed from
_DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z.'’-]*(?:\s+[A-Z][A-Z.'’-]*){0,3})(?:,\s*[A-Z][\w.]*(?:\s+[A-Z]\w*)?)?"
                       r"\s*(?:\([^)]{1,40}\)\s*)?[—–-]{1,2}\s")


def _dateline(first: str) -> str | None:
    """The dateline's place: the lead's news happened where the reporter filed from, unless the
    sentence names another place."""
    match = _DATELINE.match(first)
    if match is None or len(match.group("place")) < 4:
        return None
    return " ".join(w.capitalize() for w in match.group("place").split())


def _news_of_the_day(event: EventMention, published: str | None) -> bool:
    """Dated within two days of publication: the lead's own news, not background (an undated
    lead mention may be a reference to an earlier happening somewhere else)."""
    if event.date is None or published is None:
        return False
    if len(event.date) < 10:
        return False
    return abs((Day.fromisoformat(event.date) - Day.fromisoformat(published[:10])).days) <= 2


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < start < e for s, e in spans)


def _sentence_triggers(sent: Span, quoted: list[tuple[int, int]]) -> list[_Trigger]:
    found: list[_Trigger] = []
    for token in sent:
        if _inside(token.idx, quoted):
            continue
        trigger = _trigger(token)
        if trigger and not _negated_or_hypothetical(token) and not _first_person(token):
            found.append(trigger)
    return _one_per_happening(found)


def _trigger(token: Token) -> _Trigger | None:
    word = token.lower_
    if word == "aground" and token.head.lower_ in ("ran", "run", "runs", "running", "went", "gone"):
        return _Trigger(token, "disaster", token.head.i, token.i + 1)
    if token.tag_.startswith("VB") and word in _VERBS:
        kind = _verb_kind(token, _VERBS[word])
    elif token.pos_ in ("NOUN", "PROPN") and word in _NOUNS:
        kind = _noun_kind(token, _NOUNS[word])
    else:
        return None
    if kind is None:
        return None
    start, end = token.i, token.i + 1
    doc = token.doc
    if kind == "call" and token.i > 0 and doc[token.i - 1].lower_ in ("phone", "telephone"):
        start = token.i - 1
    if kind == "death" and word == "death" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "toll":
        end = token.i + 2
    for child in token.children:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    return _Trigger(token, kind, start, end)


def _objects(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]


def _words_near(token: Token) -> set[str]:
    """The object/subject words and their modifiers: what the verb acts on."""
    words = set()
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass", "nsubj", "attr", "pobj", "prep", "compound", "amod"):
            words |= {t.lower_ for t in child.subtree}
    return words


def _verb_kind(token: Token, kind: str) -> str | None:
    word = token.lower_
    children = {c.lower_ for c in token.children}
    near = _words_near(token)
    if kind == "ruling" and ("out" in children or word in ("ruling",)):
        return None  # "ruled out" is a refusal, "the ruling party" no verdict
    if kind == "ruling" and word.startswith("sentenc") and token.tag_ not in ("VBN", "VBD"):
        return None
    if kind == "cases":
        counted = near & {"case", "cases", "infection", "infections", "death", "deaths", "patient", "patients",
                          "virus", "flu", "strain", "outbreak", "infected", "ill", "sick", "illness"}
        if word.startswith(("infect", "hospitali", "diagnos")):
            return kind
        if word.startswith(("admit", "isolat")):
            return kind if near & {"hospital", "ward", "isolation", "quarantine"} else None
        return kind if counted else None
    if kind == "announcement" and word.startswith(("rais", "lift", "lower")):
        return kind if near & _ANNOUNCE_RAISE else None
    if kind == "announcement" and word.startswith("launch"):
        return "test" if near & _WEAPONS else kind
    if kind == "release" and word.startswith(("releas", "free")):
        objects = _objects(token)
        if not objects:
            return None
        person = any(o.ent_type_ in ("PERSON", "NORP") or o.lower_ in _PERSON_WORDS for o in objects)
        if not person and word.startswith("free") and near & _VESSELS and "up" not in children:
            return "rescue"  # "salvage teams freed the ship"
        return kind if person else ("announcement" if word.startswith("releas") else None)
    if kind == "discovery":
        # "were found alive", "divers found the group"; not "a study found that..."
        objects = _objects(token)
        if children & _FOUND_STATES:
            return kind  # "found the hikers alive" (a small clause the parse calls ccomp)
        if any(c.dep_ == "ccomp" for c in token.children) or not objects and "alive" not in near:
            return None
        found = {t.lower_ for o in objects for t in o.subtree}
        person = any(o.ent_type_ == "PERSON" for o in objects) or found & (_PERSON_WORDS | {"group", "team",
                                                                                          "survivors", "alive"})
        return kind if person or "alive" in near | children else None
    if kind == "disaster" and word.startswith("burn"):
        return kind if not _objects(token) or "down" in children else None
    if kind == "arrest" and word.startswith(("charg", "seiz", "captur")):
        return kind if any(o.ent_type_ == "PERSON" or o.lower_ in _PERSON_WORDS for o in _objects(token)) \
            or "with" in children else None
    if kind == "dismissal" and word.startswith("fir"):
        return "test" if near & _WEAPONS else None
    if kind == "restriction" and word.startswith(("clos", "shut")) and "down" not in children \
            and token.tag_ != "VBN" and not _objects(token):
        return None  # "markets closed higher"
    if kind == "travel":
        # "returned from Mexico", "flew home": a journey, not "a return to normal"
        places = {c.lower_ for c in token.children if c.dep_ in ("prep", "advmod")}
        if not places & {"from", "to", "home", "back", "in", "into"} or word.startswith("land") and "in" not in places:
            return None
        return kind if token.pos_ == "VERB" else None
    if kind == "visit" and word.startswith("tour") and not _objects(token):
        return None
    if kind == "agreement" and word.startswith("agre") and any(c.dep_ == "xcomp" for c in token.children):
        return None  # "agreed to meet": the meeting is the event, found on its own verb
    if kind == "attack" and word.startswith("shoot") and token.tag_ == "VBG" and token.dep_ == "amod":
        return None
    if kind == "rescue" and word.startswith("evacuat"):
        return kind
    if kind == "rescue" and word.startswith(("bring", "brought")):
        # "divers brought four boys out of the cave"; not "brought out a new model"
        out = any(c.lower_ == "out" for c in token.children)
        return kind if out and any(o.lower_ in _PERSON_WORDS or o.ent_type_ == "PERSON" or o.like_num
                                   for o in _objects(token) + [c for c in token.children if c.dep_ == "nsubjpass"]
                                   for o in o.subtree) else None
    if kind == "vote" and token.tag_ == "VBG" and token.dep_ == "amod":
        return None
    return kind


def _noun_kind(token: Token, kind: str) -> str | None:
    word = token.lower_
    modifiers = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod", "nmod", "nummod")}
    doc = token.doc
    prev = doc[token.i - 1].lower_ if token.i > 0 else ""
    if kind == "test":
        return kind if modifiers & _WEAPONS or prev in _WEAPONS else None
    if kind == "call":
        return kind if prev in _CALL_WORDS or modifiers & _CALL_WORDS else None
    if kind == "meeting" and word == "conference":
        return "statement" if prev in ("news", "press") else None
    if kind == "cases":
        counted = any(c.dep_ == "nummod" or c.like_num for c in token.children)
        head = token.head.lower_ if token.dep_ in ("dobj", "nsubjpass", "pobj", "nsubj") else ""
        if counted or modifiers & _CASE_WORDS or head in _VERBS and _VERBS[head] == "cases":
            return kind
        return None
    if kind == "agreement" and word == "deal" and prev in ("great", "good"):
        return None
    if kind == "disaster" and word == "fire" and (prev == "opened" or token.head.lower_ in ("opened", "open")):
        return "attack"
    if kind == "disaster" and word == "fire" and token.dep_ == "compound":
        return None  # "the fire brigade", "fire crews"
    if kind == "announcement" and word in ("statement", "address", "speech"):
        return kind if token.dep_ in ("dobj", "nsubjpass") and token.head.lower_ in (
            "issued", "released", "made", "gave", "delivered", "published") else None
    if kind == "release":
        return kind if any(c.lower_ == "of" for c in token.children) else None
    if kind == "travel":
        return kind if any(c.lower_ in ("from", "to") for c in token.children) and word != "return" else None
    if kind == "vote" and word == "vote" and prev in ("the", "a") and token.dep_ == "pobj":
        return kind
    if kind == "restriction" and word == "ban" and token.dep_ == "compound":
        return None
    if kind == "disaster" and token.dep_ == "compound" and token.head.lower_ in (
            "plan", "plans", "preparedness", "fears", "risk", "threat", "response", "level", "alert", "drill"):
        return None
    return kind


def _first_person(token: Token) -> bool:
    """"I met my friend", "my visit": outside quotation marks a first-person happening is a
    reader's comment or a columnist's anecdote, not news."""
    verb = _clause_verb(token)
    return any(c.dep_ in ("nsubj", "nsubjpass", "poss") and c.lower_ in ("i", "my", "me")
               for c in (*verb.children, *token.children))


def _negated_or_hypothetical(token: Token) -> bool:
    """"did not meet", "could meet", "if they meet": no happening to put on a timeline."""
    verb = token if token.pos_ in ("VERB", "AUX") else token.head
    for child in verb.children:
        if child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in _MODALS_HYPOTHETICAL):
            return True
        if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
            return True
    if token is not verb and any(c.dep_ == "neg" or c.lower_ in ("no", "without") for c in token.children):
        return True
    return token.dep_ == "pobj" and token.head.lower_ in ("without", "against")


def _one_per_happening(found: list[_Trigger]) -> list[_Trigger]:
    """One mention per happening: two triggers linked by the parse ("held talks", "the summit
    took place") are one, named by the more specific kind; a kind seen twice in a sentence once."""
    kept: list[_Trigger] = []
    for trigger in sorted(found, key=lambda t: (t.kind in _GENERIC, list(KINDS).index(t.kind), t.token.i)):
        linked = next((k for k in kept if k.kind == trigger.kind or _linked(k.token, trigger.token)), None)
        if linked is None:
            kept.append(trigger)
    return sorted(kept, key=lambda t: t.token.i)


def _linked(a: Token, b: Token) -> bool:
    return a.head == b or b.head == a or (a.head == b.head and a.dep_ != "conj" and b.dep_ != "conj"
                                          and a.head.pos_ != "VERB")


def _clause_verb(token: Token) -> Token:
    """The verb whose clause the trigger sits in (the trigger itself when it is one)."""
    current = token
    for _ in range(6):
        if current.pos_ in ("VERB", "AUX") or current.dep_ == "ROOT":
            return current
        current = current.head
    return current


def _tense(token: Token) -> str | None:
    """"past", "perfect" (past perfect: background), "future", "present", or None (no verb)."""
    verb = _clause_verb(token)
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX:
        return "future"
    if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) \
            and (verb.head.lower_ in _PLANNING or verb.dep_ == "xcomp" and verb.head.lower_ in ("is", "are", "was")):
        return "future"
    if "had" in words or "'d" in words:
        return "perfect"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and (words & {"has", "have", "was", "were", "'s", "'ve"})):
        return "past"
    if verb.tag_ == "VBN" and verb.dep_ in ("ROOT", "conj"):
        return "past"  # headline style: "Schools closed after..."
    if verb.tag_ in ("VBZ", "VBP") or words & {"is", "are", "am"}:
        return "present"
    return None


def _main_clause(token: Token) -> bool:
    """The trigger tells the sentence's own news: its verb is the root, a conjunct of it, or the
    clause reported by the root's speech verb ("Mexico said it closed schools")."""
    verb = _clause_verb(token)
    if verb.dep_ == "ROOT":
        return True
    if verb.dep_ == "conj" and verb.head.dep_ == "ROOT":
        return True
    return verb.dep_ == "ccomp" and verb.head.dep_ == "ROOT" and verb.head.lower_ in _SPEECH


_SPEECH = {"said", "says", "say", "told", "announced", "reported", "confirmed", "added", "stated", "announces",
           "reports", "confirms"}


def _event(index: int, sent: Span, sent_text: str, cue: bool, trigger: _Trigger, mentions: list[Mention],
           published: str | None) -> EventMention | None:
    doc = sent.doc
    tense = _tense(trigger.token)
    start_char = doc[trigger.start].idx
    end_char = doc[trigger.end - 1].idx + len(doc[trigger.end - 1])
    date, date_text = None, None
    if cue:
        # "closed until May 6": the end of a span is not when the happening happened
        dates = [d for d in find_dates(sent_text, published, "past") if d.bound not in _SPAN_ENDS]
        chosen = _nearest_date(dates, trigger, sent)
        if chosen is not None:
            date, date_text = _in_tense(chosen, sent, sent_text, published, tense), chosen.text
    if date is None and date_text is None and published and tense == "past" and index < LEAD_SENTENCES \
            and _main_clause(trigger.token) and not _background(trigger.token):
        date = published[:10]
    if trigger.kind == "statement" and date is None:
        return None
    return EventMention(
        sentence=index, kind=trigger.kind, trigger=doc[trigger.start:trigger.end].text,
        start=start_char, end=end_char, actors=_actors(trigger, mentions, doc),
        place=_place(trigger, mentions, doc), date=date, date_text=date_text)


def _in_tense(chosen: DateMention, sent: Span, sent_text: str, published: str | None,
              trigger_tense: str | None) -> str | None:
    """The date read in the tense of the verb it hangs from: in "said on Friday the ministers
    will meet on Tuesday" Friday is past and Tuesday ahead."""
    if not chosen.relative:
        return chosen.value
    span = sent.doc.char_span(sent.start_char + chosen.start, sent.start_char + chosen.end, alignment_mode="expand")
    tense = (_tense(span.root) if span is not None else None) or trigger_tense
    if tense is None and any(t.tag_ in ("VBD", "VBN") for t in sent):
        tense = "past"  # a verbless or misparsed clause in a past-tense report
    tense = {"perfect": "past"}.get(tense or "", tense)
    if tense == "past":
        return chosen.value
    again = [d for d in find_dates(sent_text, published, tense) if d.start == chosen.start]
    return again[0].value if again else chosen.value


def _nearest_date(dates: list[DateMention], trigger: _Trigger, sent: Span) -> DateMention | None:
    """The date attached to the trigger's clause if the parse says so, else the nearest one;
    a date that modifies another noun ("the 1918 pandemic") is only taken when it is the trigger's."""
    if not dates:
        return None
    doc = sent.doc
    verb = _clause_verb(trigger.token)
    anchor = doc[trigger.start].idx - sent.start_char

    def score(d: DateMention) -> tuple[int, int, int] | None:
        span = doc.char_span(sent.start_char + d.start, sent.start_char + d.end, alignment_mode="expand")
        attached = 1
        if span is not None:
            root = span.root
            ancestors = {t.i for t in root.ancestors}
            if verb.i in ancestors and any(t.dep_ == "prep" and t.lower_ in _BACKGROUND_MARKS
                                           for t in _between(root, verb)):
                return None  # "After a tense stretch in 2017, the two met": 2017 is the stretch's
            own = trigger.token.i in ancestors or root.head.i == trigger.token.i
            if own or verb.i in ancestors and not any(a.pos_ == "NOUN" and a.i != trigger.token.i
                                                      for a in _between(root, verb)):
                attached = 0
            elif _other_clause(root, verb, span):
                return None
        distance = min(abs(d.start - anchor), abs(d.end - anchor))
        return (attached, 0 if d.value else 1, distance)

    scored = [(s, d) for d in dates if (s := score(d)) is not None]
    return min(scored, key=lambda x: x[0])[1] if scored else None


def _background(token: Token) -> bool:
    """The trigger's clause tells what came before the news ("after a fire ripped through")."""
    return any(c.dep_ == "mark" and c.lower_ in _BACKGROUND_MARKS for c in _clause_verb(token).children)


def _other_clause(root: Token, verb: Token, span: Span) -> bool:
    """The date belongs to another verb than the trigger's: in "reopened on Saturday, five years
    after a fire ripped through its roof" or "freed the ship on Monday, a week after it ran
    aground" Saturday and Monday are not when the fire or the grounding happened. A clause the
    date itself heads ("in 2017, when he warned...") and the clause a speech verb reports ("said
    on Friday it closed schools") keep the date."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    inside = {t.i for t in span}
    if _background(verb) and not inside & {t.i for t in verb.subtree}:
        return True  # "..., a week after it ran aground": whatever the parse hangs the clause from
    governor = next((t for t in (root, *root.ancestors) if t.pos_ in ("VERB", "AUX")), None)
    if governor is None or governor.i == verb.i:
        return False
    if verb.dep_ == "relcl" and verb.head.i in {t.i for t in root.ancestors}:
        return False  # "a stretch in 2017, during which he threatened...": the clause tells of the dated noun
    if any(t.i in inside for t in verb.ancestors):
        return False  # the clause modifies the date
    if verb.dep_ in ("ccomp", "conj") and verb.head.i == governor.i:
        return False
    return governor.i in {t.i for t in verb.ancestors}


def _between(token: Token, top: Token) -> list[Token]:
    path = []
    current = token.head
    while current.i != top.i and current.head.i != current.i:
        path.append(current)
        current = current.head
    return path


def _mention_token(mention: Mention, doc: Doc) -> Token | None:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span.root if span is not None else None


def _actors(trigger: _Trigger, mentions: list[Mention], doc: Doc) -> list[str]:
    """Who takes part: the actors the parse attaches to the trigger (subject, object, "with X",
    "between X and Y"), else every person, organisation and country of the sentence; a country
    named as the place ("met in Singapore") is where, not who."""
    verb = _clause_verb(trigger.token)
    heads = {trigger.token.i, verb.i}
    attached, present = [], []
    for mention in mentions:
        if not mention.actor_key.startswith(_ACTOR_PREFIXES):
            continue
        token = _mention_token(mention, doc)
        if token is None:
            continue
        if token.dep_ == "pobj" and token.head.lower_ in _LOCATIVE | {"from", "to", "into"}:
            continue
        present.append(mention)
        path = [token] + list(token.ancestors)[:4]
        if any(t.i in heads for t in path):
            attached.append(mention)
    keys: list[str] = []
    for mention in attached or present:
        if mention.actor_key not in keys:
            keys.append(mention.actor_key)
    return keys


def _place(trigger: _Trigger, mentions: list[Mention], doc: Doc) -> str | None:
    """Where: a place after "in/at/near", or the place naming the event ("the Singapore summit")."""
    candidates = []
    for mention in mentions:
        if mention.label not in _PLACE_LABELS and not mention.actor_key.startswith("place:"):
            continue
        token = _mention_token(mention, doc)
        if token is None:
            continue
        if token.head.i == trigger.token.i and token.dep_ in ("compound", "nmod", "amod"):
            return _place_name(mention)
        if trigger.kind in ("visit", "travel") and token.head.i == trigger.token.i and token.dep_ == "dobj":
            return _place_name(mention)  # "visited Beijing"
        if token.dep_ == "pobj" and token.head.lower_ in _LOCATIVE:
            distance = abs(token.i - trigger.token.i)
            candidates.append((0 if trigger.token.i in {t.i for t in token.ancestors} else 1, distance, mention))
    if not candidates:
        return None
    return _place_name(min(candidates, key=lambda c: (c[0], c[1]))[2])


def _place_name(mention: Mention) -> str:
    name = " ".join(mention.text.split())
    name = re.sub(r"['’]s$", "", name)
    return name[4:] if name.lower().startswith("the ") else name
