"""Who said it: a speaker's head word turned into an actor key.

A named mention (a person, or an organisation or country when it is the head of the subject:
"the Foreign Ministry said", "Germany said"); a pronoun resolved to the most recent person in
subject position; a title ("the president", "the defense minister") resolved to the one person
holding that very title in this article; a body named by its head noun ("the ministry", "police")
resolved to the one organisation of this article whose name holds it; else a bare plural or a
people ("Republicans said", "Police say") is a group speaker, named by its words as written. When
none applies the speaker is None: we never guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

from storyline.analyze.gazetteer import fold
from storyline.analyze.nlp import doc_text
from storyline.analyze.quotes.cues import SUBJECT_DEPS, cue_in, inside
from storyline.analyze.quotes.cues import subject as cue_subject
from storyline.model import GROUP_SPEAKER, Mention

PRONOUNS = {"he", "she", "him", "her"}
# words that make a role another office than its head noun alone
OTHER_OFFICE = {"vice", "deputy", "former", "assistant", "acting", "under", "lieutenant", "associate", "ex",
                "interim", "co", "late", "then", "elect"}


def _title_words(role: str) -> list[str]:
    """A role's words up to its head noun: "chairman of the Suez Canal Authority" -> [chairman];
    "South Korean President" -> [south, korean, president]."""
    head = re.split(r",|\b(?:of|for|at|in|to|from|with)\b", role, maxsplit=1)[0]
    return [w.lower() for w in re.findall(r"[\w]+", head)]


class Resolver:
    """Turns a speaker token into an actor key: named mention, pronoun or title."""

    def __init__(self, doc: Doc, mentions: list[Mention], roles: dict[str, list[str]], text: str | None = None) -> None:
        self.doc = doc
        self.text = doc_text(doc) if text is None else text
        self.sentences = list(doc.sents)
        self.sentence_starts = [sent.start_char for sent in self.sentences]
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        # actor key -> the words of its roles, and the bare titles it bears ("President Trump")
        self.role_phrases = {key: [_title_words(r) for r in rs] for key, rs in roles.items()}
        self.bare_titles = {key: {r.lower() for r in rs if len(r.split()) == 1} for key, rs in roles.items()}
        # every word of every person's names, to catch a name the NER left untagged here
        self.person_words: dict[str, set[str]] = {}
        for m in mentions:
            if m.actor_key.startswith("person:"):
                for word in fold(m.actor_key.split(":", 1)[1]).split() + fold(m.text).split():
                    self.person_words.setdefault(word.strip("'’"), set()).add(m.actor_key)

    def mention_at(self, start: int, end: int) -> Mention | None:
        i = bisect_right(self.starts, end) - 1
        while i >= 0 and self.mentions[i].end > start - 200:
            m = self.mentions[i]
            if m.start < end and m.end > start:
                return m
            i -= 1
        return None

    def resolve(self, token: Token, quote_spans: list[tuple[int, int]], depth: int = 0) -> str | None:
        """The actor key for the speaker whose syntactic head is `token`."""
        head = self.mention_at(token.idx, token.idx + len(token))
        if head is not None and head.label == "NORP":
            # "Mexicans often say", "Senate Democrats said": a people or a party, not a country's government
            return group(token, people=True)
        if head is not None:  # "the UK P&I Club said": the head's own name, not its modifier's
            return head.actor_key
        # a named actor anywhere in the subject phrase (not inside a quotation), persons first
        phrase = [t for t in subject_phrase(token) if not inside(t.idx, quote_spans)]
        if token.pos_ == "NOUN":
            # "Scott's wife, Ana Price, said", "Trump's lawyer said": the possessor of a common
            # noun is someone else, never the speaker
            owned = {t.i for c in token.children if c.dep_ == "poss" for t in c.subtree}
            phrase = [t for t in phrase if t.i not in owned]
        found = [self.mention_at(t.idx, t.idx + len(t)) for t in phrase]
        found = [m for m in found if m is not None]
        # "France's civil security agency said" is the agency speaking, not France: an organisation
        # or a country in the phrase counts only when the head itself is a name
        groups = (("person",), ("organization",), ("country",)) if token.pos_ == "PROPN" else (("person",),)
        for kinds in groups:
            for m in found:
                if m.actor_key.split(":", 1)[0] in kinds:
                    return m.actor_key
        if token.pos_ == "NOUN" and depth < 2:
            # "Scott's wife, Ana Price, said": the name in apposition, however the NER read it
            for c in token.children:
                if c.dep_ == "appos" and c.pos_ == "PROPN" and not inside(c.idx, quote_spans):
                    key = self.resolve(c, quote_spans, depth + 1)
                    if key is not None:
                        return key
        # "Its insurer, the UK P&I Club, said": a common noun named by its apposition
        named = [self.mention_at(t.idx, t.idx + len(t)) for c in token.children if c.dep_ == "appos"
                 for t in c.subtree if not inside(t.idx, quote_spans)]
        for kind in ("organization", "country"):
            for m in named:
                if m is not None and m.actor_key.startswith(kind + ":"):
                    return m.actor_key
        lower = token.text.lower()
        if lower in PRONOUNS:
            return self.recent_person(token.idx, quote_spans, depth)
        if token.pos_ == "PROPN" or _capitalised_noun(token):
            # a name the NER left untagged here; "Sanders said", tagged a plural noun, too
            # every word that is a name here must agree; a title ("Mr. King, 82") is no name
            names = [fold(t.text).strip("'’") for t in phrase if t.pos_ == "PROPN" or _capitalised_noun(t)]
            keys = [self.person_words[w] for w in names if w in self.person_words]
            if fold(token.text).strip("'’") in self.person_words:
                found = one_person(set.intersection(*keys))
                if found is not None:
                    return found
        if token.pos_ in ("NOUN", "PROPN"):
            # a party the NER tags NORP but no actor stands for ("Republicans said")
            return self.by_role(token) or self.by_body(token) or group(token, people=token.ent_type_ == "NORP")
        return None

    def by_label(self, start: int, end: int) -> str | None:
        """A transcript's speaker label ("PENCE", "Gov. Mike Pence") -> the one person of this
        article it names: the mention there, or the person whose names hold the label's last
        word and every other word of it that is a name; None for a label that names no one
        ("Two questions:") or two people."""
        found = self.mention_at(start, end)
        if found is not None and found.actor_key.startswith("person:"):
            return found.actor_key
        words = [w.strip(".'’") for w in fold(self.text[start:end]).split()]
        if not words or words[-1] not in self.person_words:
            return None
        keys = set(self.person_words[words[-1]])
        for word in words[:-1]:
            keys &= self.person_words.get(word, keys)
        return one_person(keys)

    def recent_person(self, before: int, quote_spans: list[tuple[int, int]], depth: int = 0) -> str | None:
        """Who "he"/"she" is: going back sentence by sentence, the subject of the nearest sentence
        whose subject is a person; a subject that is itself "he"/"she" passes the question back
        (He said X. "...," he said. -> whoever the first "he" is). Failing that, the person in
        the nearest sentence that names only one."""
        sentences = self.sentences
        index = bisect_right(self.sentence_starts, before) - 1
        fallback: str | None = None
        # in the pronoun's own sentence only the main clause's subject can be "he" ("the president
        # announced the halt, which he described as ..."); a subordinate subject cannot ("after
        # Mayor Hidalgo had thanked them, he said")
        if depth == 0 and 0 <= index < len(sentences):
            root = sentences[index].root
            main = next((t for t in root.children if t.dep_ in SUBJECT_DEPS and t.idx < before - 1
                         and not inside(t.idx, quote_spans)), None)
            if main is not None and main.text.lower() not in PRONOUNS:
                key = self._person_in(main) or (self.by_role(main) if main.pos_ == "NOUN" else None)
                if key:
                    return key
        for j in range(index - 1 if depth == 0 else index, max(-1, index - 6), -1):
            sentence = sentences[j]
            subjects = [t for t in sentence if t.dep_ in SUBJECT_DEPS and t.idx < before
                        and not inside(t.idx, quote_spans)]
            for subject in sorted(subjects, key=lambda t: t.i):
                if subject.text.lower() in PRONOUNS and subject.idx < before and depth < 4:
                    if j == index and subject.idx >= before - 1:
                        continue
                    key = self.recent_person(subject.idx, quote_spans, depth + 1)
                    if key:
                        return key
                mention = self._person_in(subject)
                if mention:
                    return mention
            persons = {m.actor_key for m in self.mentions
                       if m.actor_key.startswith("person:") and sentence.start_char <= m.start < min(sentence.end_char,
                                                                                                     before)}
            if fallback is None and len(persons) == 1:
                fallback = next(iter(persons))
        return fallback

    def _person_in(self, subject: Token) -> str | None:
        for t in subject_phrase(subject):
            m = self.mention_at(t.idx, t.idx + len(t))
            if m is not None and m.actor_key.startswith("person:"):
                return m.actor_key
        return None

    def by_body(self, token: Token) -> str | None:
        """'the ministry', 'police', 'the foreign ministry' -> the one organisation of this article
        whose name holds the subject's head noun and every word naming it ("Ministry of Foreign
        Affairs", "Charlotte-Mecklenburg Police Department"); None for two such organisations
        or none, and for a plural that counts members ("officials"), which no body's name holds."""
        words = _body_words(token)
        keys = {m.actor_key for m in self.mentions if m.actor_key.startswith("organization:")
                and set(words) <= _name_words(m.text)}
        return next(iter(keys)) if len(keys) == 1 else None

    def by_role(self, token: Token) -> str | None:
        """'the president', 'the defense minister', 'the authority's chairman' -> the one person
        in this article who holds that very title: the role's head noun is the title's, every
        word of the title is in the role, and the role has no word that makes it another office
        (a vice president is not "the president", a former minister not "the minister")."""
        head = token.text.lower()
        if token.pos_ == "PROPN" and not token.text.islower():  # a name, not a title ("the defense minister")
            return None
        words = {t.text.lower() for t in token.subtree if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i <= token.i}
        held = []
        for key, roles in self.role_phrases.items():
            for role in roles:
                if role and role[-1] == head and words <= set(role) and not (set(role) & OTHER_OFFICE) - words:
                    held.append((len(role), key))
                    break
        keys = {key for _, key in held}
        if len(keys) == 1:
            return next(iter(keys))
        if len(keys) > 1 and len(words) == 1:
            # a plain "the president" is the one called just "President" here, not the one called
            # "South Korean President"; otherwise two people hold that title: not ours to pick
            plain = [key for key in keys if head in self.bare_titles.get(key, set())]
            return plain[0] if len(plain) == 1 else None
        return None


# the plural nouns that name a body acting as one, as "the ministry" names an organisation; an
# anonymous crowd ("experts", "officials", "critics") is no speaker anyone could look up
BODIES = {"police", "authorities", "prosecutors", "investigators", "regulators", "lawmakers", "legislators",
          "protesters", "demonstrators", "delegates", "troops", "firefighters", "rescuers"}
# words that pick some members out of a group: "many Democrats", "other E.U. leaders"
QUANTIFIERS = {"many", "several", "other", "others", "few", "some", "most", "all", "both", "various", "numerous",
               "multiple", "certain", "top", "fellow"}


def group(token: Token, people: bool = False) -> str | None:
    """A group speaker's key: a people or a party (`people`, a NORP name: "Republicans said",
    "Senate Democrats say") or a body's bare plural ("Police say", "Authorities said"), named by
    its words as written; None for a group a determiner, number, possessor or quantifier picks out
    ("the three judges", "his aides", "many Democrats"), for a crowd that is no body ("experts
    say"), and for anything in the singular."""
    if token.tag_ not in ("NNS", "NNPS") or not (people or token.lower_ in BODIES):
        return None
    if any(c.dep_ in ("det", "poss", "nummod", "quantmod", "predet") or c.lower_ in QUANTIFIERS
           for c in token.children):
        return None
    words = [t for t in token.subtree if t.i <= token.i and (t.i == token.i or t.head == token
                                                            and t.dep_ in ("compound", "amod"))]
    if words[0].i != token.i - len(words) + 1:
        return None  # modifiers with words between them: not one name
    return GROUP_SPEAKER + " ".join(t.text for t in words)


def _body_words(token: Token) -> list[str]:
    """A subject's head noun and the words that name it: "the foreign ministry" -> [foreign, ministry]."""
    return [t.lower_ for t in token.subtree
            if t.i <= token.i and t.dep_ in ("compound", "amod") and t.head == token] + [token.lower_]


def _name_words(name: str) -> set[str]:
    """The capitalised words of a name, folded: the words that name a body ("Police" in
    "Charlotte-Mecklenburg Police Department"), not a stray "percent" the NER took in."""
    return {fold(w) for w in re.findall(r"\w+", name) if w[:1].isupper()}


def _capitalised_noun(token: Token) -> bool:
    """A common noun written as a name: the tagger's reading of some surnames ("Sanders said").
    Only a word of a person's name in this article makes it someone."""
    return token.pos_ == "NOUN" and token.text[:1].isupper() and not token.text.isupper()


def one_person(keys: set[str]) -> str | None:
    """The one person among article actor keys, where a bare surname's key ("person:pence") is
    the same person as the full name holding it ("person:mike pence"); None for two people."""
    if not keys:
        return None
    longest = max(keys, key=lambda k: (len(k.split()), k))
    names = set(longest.split(":", 1)[1].split())
    return longest if all(set(k.split(":", 1)[1].split()) <= names for k in keys) else None


def subject_phrase(token: Token) -> list[Token]:
    """The subject's own words: its compounds, appositions and possessors, not its clauses."""
    out = [token]
    for child in token.children:
        if child.dep_ in ("compound", "appos", "poss", "amod", "nmod", "prep", "pobj", "flat", "conj"):
            out.extend(t for t in child.subtree if t.dep_ not in ("relcl", "acl"))
    return sorted(set(out), key=lambda t: t.i)


def from_context(sentences: list[Span], s_first: int, resolver: Resolver, content: list[tuple[int, int]],
                  last_speaker: tuple[int, str | None]) -> tuple[str | None, str | None]:
    """A quote with no cue of its own. In order: a cue in the sentence before ("Trump noted that
    ... . “...”", "Moon said:"); the speaker of the quote just before (a quote running on); the
    person the sentence before is about, when it sets the quote up in the same paragraph
    ("Marchal struggled to find words. “...”"). Anything further back is a guess, and we don't."""
    j = s_first - 1
    if j < 0:
        return None, None
    sentence = sentences[j]
    tokens = [t for t in sentence if not inside(t.idx, content)]
    cue = cue_in(tokens, content)
    if cue is not None:
        subject = cue_subject(cue, content)
        if subject is not None:
            key = resolver.resolve(subject, content)
            if key:
                return key, cue.text
    if last_speaker[1] and last_speaker[0] == j:
        return last_speaker[1], None
    text = resolver.text
    same_paragraph = "\n" not in text[sentence.end_char:sentences[s_first].start_char]
    if same_paragraph or text[sentence.start_char:sentence.end_char].rstrip().endswith(":"):
        root = sentence.root
        subject = next((t for t in root.children if t.dep_ in SUBJECT_DEPS and not inside(t.idx, content)), None)
        if subject is not None:
            key = resolver.resolve(subject, content)
            if key and key.startswith("person:"):
                return key, None
    return None, None


