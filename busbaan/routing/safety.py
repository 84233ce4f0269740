"""Safety signals: acute risk described in everyday words (pure once loaded).

The signal families, their cues and their services live in a reviewed data file
(``busbaan/routing/safety_signals.yaml`` by default; a municipality can give its own).
It is parsed once into frozen objects; :func:`detect` then reads a question and says
which families it signals. The router puts the family's safety service first and
explains why (:mod:`.router`); it never answers a signalled question with ordinary
services only.

Cue matching is deliberately simple and explainable: folded words in order, at most
:data:`MAX_GAP` other words between two cue words, cancelled by a negation shortly
before the cue in the same clause ("geen geweld", "niet dakloos").
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import simplemma
import snowballstemmer
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz.distance import OSA

from busbaan.numerals import spelled_numbers
from busbaan.privacy import MONTH_NUMBERS
from busbaan.routing import commonness
from busbaan.routing.lexicon import STOPWORDS, fold
from busbaan.routing.model import MapProblem, SocialMap
from busbaan.routing.text import (
    CLAUSE_OPENERS,
    TEXTS_KEPT,
    chat_written_out,
    may_be_misspelt,
    misspelling_of,
)
from busbaan.routing.yamltext import load_yaml

DEFAULT_FILE = "safety_signals.yaml"
#: Other words allowed between two words of a cue.
MAX_GAP = 2
#: A negation at most this many words before a cue (same clause) cancels it ("geen
#: echte slaapplek"); further away it usually belongs to another verb ("weet niet
#: waar hij vannacht moet slapen").
NEGATION_REACH = 2
#: At most this many safety services are put first.
MAX_SAFETY_SERVICES = 2

#: Negations (Dutch, English); from any grammar of either language.
NEGATIONS = frozenset(
    [
        "geen",
        "niet",
        "nooit",
        "zonder",
        "niks",
        "niets",
        "nergens",
        "no",
        "not",
        "never",
        "without",
        "none",
        "nothing",
        "nt",
    ]
)
#: Negations that can negate a cue from *after* it ("iets aandoen heeft ze niet
#: gezegd"): those of the verb. "geen", "no", "zonder" are determiners or prepositions
#: of the noun that follows them ("al drie dagen geen licht": the days are not
#: negated); "niks"/"niets" negate the verb ("heeft ze niks gezegd"). From any grammar.
NEGATIONS_AFTER = frozenset(["niet", "nooit", "niks", "niets", "not", "never", "nothing", "nt"])
#: Negations that are the determiner of the noun after them ("geen huis", "no home"): a
#: cue holding one keeps its word order and allows one word between ("geen eigen huis").
NOUN_NEGATIONS = frozenset(["geen", "no"])
#: Adverbs of time that say when (Dutch, English; as written, from any grammar): no
#: determiner governs them, so a noun negation before another word does not reach them
#: (see :func:`_negated`).
TIME_ADVERBS = frozenset(["vannacht", "vanavond", "vandaag", "vanmiddag", "vanochtend",
                          "vanmorgen", "straks", "morgen", "overmorgen", "nu", "tonight",
                          "today", "tomorrow", "now"])
#: The prepositions that open a span of time ("for days", "al weken", "sinds gisteren").
_DURATION_FRONT = frozenset(["for", "al", "sinds", "since"])
#: Words that open a new clause, ending a negation's reach.
CLAUSE_BREAKS = frozenset(["maar", "wel", "but", "however", "though", "alleen", "behalve"])
_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?()]")


class _Text(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _WeakList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    needs: tuple[str, ...] = ()


class _Weak(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    why: _Text
    lists: tuple[_WeakList, ...] = Field(min_length=1)


class _CueList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)


class _Past(BaseModel):
    """Danger placed in the past (session 7, outside8): its markers, the words that
    turn back to the present inside a sentence, and the markers of a danger that is
    current again (any of them reads the whole question as before)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    turns: tuple[str, ...] = ()
    current: tuple[str, ...] = ()
    #: Session 9 (safety17): the danger said to be over ("woont nu veilig", "is
    #: afgewend", "geen contact meer"), and the words of a danger that comes back ("weer
    #: voor de deur", "komt vrij"). See :func:`_past`.
    settled: tuple[str, ...] = ()
    #: Session 10 (safety22): a matter dealt with ("is opgelost", "al gemeld", "is
    #: afgewend"): a settled danger too, and the only settled cues that also say a
    #: service or need is done (:func:`settled_parts`). ``settled`` holds the rest, a
    #: danger over by the state of a person ("woont nu veilig", "is overleden").
    handled: tuple[str, ...] = ()
    #: Session 12 (safety30): a matter reported ("al gemeld", "melding ... gedaan"): a
    #: service done for the router (read with ``handled`` by :func:`settled_parts`), but
    #: no danger over: "ik heb al gemeld dat hij haar slaat" is still a danger. The
    #: ``handled`` cues (a matter averted, solved, called off) end the danger told in
    #: their own part of the sentence (:func:`_ended`); these do not.
    reported: tuple[str, ...] = ()
    recurs: tuple[str, ...] = ()
    #: Session 13 (safety33): the asker's own judgement that nothing is acute ("niet
    #: acuut", "niets acuuts", "hij is niet in gevaar"): the danger told before it is
    #: weighed, a tier lower (:func:`_assessed`).
    assessed: tuple[str, ...] = ()
    #: Session 18 (falsewarn): a worry the asker says was unfounded, after a turn
    #: ("maar ze bleek ...", "but it turned out ...", "maar nee"): what came before it in
    #: its sentence is not read (see :func:`_unfounded`).
    unfounded: tuple[str, ...] = ()
    #: Session 18 (falsewarn): a danger said to be over that is no service done for the
    #: router ("bleef aan", "stayed on", "sorted it out"): read by :func:`_ended` only.
    ended: tuple[str, ...] = ()


class _Jest(BaseModel):
    """A threat in quotation marks called a joke (session 10, safety22): ``cues`` say
    it is a joke ("grapje", "lachend", "just joking"), ``earnest`` that it is meant or
    feared ("meent het", "bang"). See :func:`_jest`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    earnest: tuple[str, ...] = ()
    #: A turn to seriousness ("maar even serieus", "but seriously"): what came before it
    #: was said in jest (session 12, safety31; see :func:`_joked_before`).
    serious: tuple[str, ...] = ()
    #: The asker's gloss of what was meant ("Aan mijn webwinkeltje bedoel ik", "the gym,
    #: I mean"): a fronted phrase before it gives the words before another object
    #: (session 12, safety31; see :func:`_glossed`).
    gloss: tuple[str, ...] = ()
    #: Chat laughter ("haha", every spelling of it read so first): a joke marker for a
    #: quoted threat that names no one but its speaker (session 14, router28; see
    #: :func:`_jest`).
    laughter: tuple[str, ...] = ()
    #: The asker's account of what a quoted child or speaker meant ("maar ze bedoelt dat
    #: papa de bal wegslaat", "it turns out she meant the surgeon"): it reaches the quote
    #: in its own sentence and in the sentence before (session 16, safety39; see
    #: :func:`_jest`).
    meant: tuple[str, ...] = ()


class _Causes(BaseModel):
    """A harmless cause of an injury told by the asker (session 9, safety17): a fall,
    an accident, a knock, a sport. ``cues`` are the cause (gaps as in figurative uses),
    ``marks`` the injuries it explains in the same sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    marks: tuple[str, ...] = Field(min_length=1)


class _Topic(BaseModel):
    """A text, a lesson or a programme about a danger (session 11, safety24): ``cues``
    are the kinds of text ("werkstuk", "artikel", "film", "essay"), ``about`` the words
    that introduce what it is about ("over", "about", "on"). See :func:`_topic`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    about: tuple[str, ...] = Field(min_length=1)
    #: Own writing ("verhaal", "gedicht", "story", "poem"): a text whose subject is
    #: read as a topic only when the question says it is made up (``fiction``), for
    #: 113 counts own writing as a warning sign (session 16, safety39).
    own: tuple[str, ...] = ()
    fiction: tuple[str, ...] = ()
    #: A part played ("on stage", "in de musical", "his character"): the part of the
    #: sentence that holds one is acted, not lived (session 16, safety39; see
    #: :func:`_staged`).
    stage: tuple[str, ...] = ()
    #: Session 18 (falsewarn): a role played said with the verb ("speelt een kind dat
    #: ...", "she plays a girl who ..."): the verbs of playing a part (``acting``) and the
    #: nouns of a person or a part (``roles``); see :func:`_played`.
    acting: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


class _Conditions(BaseModel):
    """A lasting condition named (session 12, xfail22): ``cues`` are the nouns of a
    diagnosis or a vulnerability ("stoornis", "aandoening", "disorder"), ``acute`` the
    words that still say the state is acute ("acute psychotische stoornis"). See
    :func:`_conditions`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    acute: tuple[str, ...] = ()


class _AdultKin(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1)
    when: tuple[str, ...] = Field(min_length=1)
    words: tuple[str, ...] = Field(min_length=1)


class _Family(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: _Text
    services: tuple[str, ...] = Field(min_length=1)
    why: _Text
    strong: tuple[str, ...] = ()
    all_of: tuple[tuple[tuple[str, ...], ...], ...] = ()
    minors_all_of: tuple[tuple[tuple[str, ...], ...], ...] = ()
    person_min_age: int | None = Field(default=None, ge=0, le=120)
    not_below_age: int | None = Field(default=None, ge=0, le=120)
    not_by: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    unexplained: tuple[str, ...] = ()
    minors: tuple[str, ...] = ()
    minors_why: _Text | None = None
    adult_kin: _AdultKin | None = None
    weak: _Weak | None = None
    within_days: int | None = Field(default=None, ge=0, le=366)
    yields_to: tuple[str, ...] = ()
    in_top: int = Field(default=1, ge=1, le=MAX_SAFETY_SERVICES)


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: str = Field(min_length=1)
    minor_words: _CueList | None = None
    figurative: _CueList | None = None
    rather: _CueList | None = None
    jest: _Jest | None = None
    past: _Past | None = None
    causes: _Causes | None = None
    topic: _Topic | None = None
    things: _CueList | None = None
    ways: _CueList | None = None
    conditions: _Conditions | None = None
    families: tuple[_Family, ...] = Field(min_length=1)
    desks: tuple[str, ...] = ()


def _words(text: str) -> tuple[str, ...]:
    surface = [t for t in _TOKEN.findall(_uncontracted(fold(str(text)))) if t[0].isalnum()]
    perfect = _english_perfect(surface)  # as a question reads it ("has been cut off")
    return tuple("be" if i in perfect else lemma(t) for i, t in enumerate(surface))


#: English negative contractions, with or without the apostrophe ("isn't", "doesnt",
#: "can't", "won't"): the auxiliary and "not" (any English grammar: the clitic n't is
#: "not"). Written out in questions and cues alike, so that "isn't being abused" is a
#: negation as "is not being abused" is, and a cue "can't go on" keeps its "not".
#: Only these auxiliaries: a word that merely ends in "nt" ("want", "went") is none.
_CONTRACTED = re.compile(
    r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should|must|need|might|"
    r"ca|wo|ai|can)(?:n'?t|not)\b")
_CONTRACTED_FULL: Mapping[str, str] = {"ca": "can", "wo": "will", "ai": "is"}


#: The Dutch plural in -'s after a long vowel ("camera's", "foto's", "baby's"; ANS 3.3.2,
#: the same letters as a possessive "oma's"): the word before the apostrophe is the
#: singular. Read as that singular, so that a cue's plural matches a singular a learner
#: of Dutch writes, and the other way round ("camera in de muur" is "camera's in de
#: muren"; session 14, router29, retired h28-018). Read as a word of its own, the "s"
#: was a word between the cue's words. Not after "e": English "he's", "she's".
_PLURAL_S = re.compile(r"(?<=[a-z][aiouy])'s\b")


def _uncontracted(folded: str) -> str:
    """``folded`` with English negative contractions written out ("isn't" -> "is
    not", "cant" -> "can not", "cannot" -> "can not"; see :data:`_CONTRACTED`) and a
    Dutch plural in -'s read as its singular (:data:`_PLURAL_S`)."""
    def out(match: re.Match[str]) -> str:
        aux = match.group(1)
        return f"{_CONTRACTED_FULL.get(aux, aux)} not"

    return _PLURAL_S.sub("", _CONTRACTED.sub(out, folded))


#: English words (not Dutch ones) are reduced by Snowball's English stemmer.
_ENGLISH = snowballstemmer.stemmer("english")
#: Articles are interchangeable in a cue ("tegen de deur" = "tegen een deur"); from
#: any grammar of Dutch and English.
ARTICLES: Mapping[str, str] = {"de": "de", "het": "de", "een": "de", "n": "de",
                               "the": "the", "a": "the", "an": "the"}


#: The generic "you" (s14, safety35; retired h29-057 "what to do when your husband
#: squeezes your throat"): a question put in the second person tells the asker's own
#: situation ("your" for "one's"; any English grammar, the generic pronoun), so "your"
#: reads as a cue's "my". No cue holds "your".
GENERIC_POSSESSIVES: Mapping[str, str] = {"your": "my"}


#: Personal pronouns stay as they are: a lemmatiser reads the English "he" as a form
#: of the Dutch "hebben", so that "heeft" stood for "he" in a cue (from any grammar of
#: Dutch and English).
PRONOUNS = frozenset(["he", "she", "me", "him", "her", "we", "us", "hij", "zij", "ze", "mij",
                      "hem", "haar", "wij", "jij"])


#: The southern diminutives in -ke/-ske of the child words (ANS, verkleinwoorden:
#: Brabants, Limburgs and Vlaams "jongske", "menneke", "dochterke", "kindeke"; Van Dale
#: 'jongske', 'menneke': een jongetje), read as the northern diminutive the cue lists
#: hold. The lemmatiser takes "jongske" for the adjective "jong" (session 15, safety38;
#: retired h31-060 "da jongske van de bovenburen").
SOUTHERN_DIMINUTIVES: Mapping[str, str] = {
    "jongske": "jongetje", "jongsken": "jongetje", "menneke": "jongetje",
    "dochterke": "dochtertje", "kindeke": "kindje", "zoonke": "zoontje", "meiske": "meisje",
}


@functools.lru_cache(maxsize=20_000)
def lemma(word: str) -> str:
    """The word's Dutch lemma (simplemma), so that a cue matches every form of its
    words: 'slaat', 'sloeg', 'geslagen' -> 'slaan'; 'is', 'ben', 'was' -> 'zijn' (a
    short word only when it is a form of a verb whose lemma is stable). Negations stay
    as they are; articles become one ("het", "een" -> "de")."""
    if word in ARTICLES:
        return ARTICLES[word]
    if word in GENERIC_POSSESSIVES:
        return GENERIC_POSSESSIVES[word]
    if word in SOUTHERN_DIMINUTIVES:
        return lemma(SOUTHERN_DIMINUTIVES[word])
    if word in NEGATIONS or word in PRONOUNS or not word.isalpha() or len(word) < 2:
        return word
    if word in _EN_PAST_BE:
        # s23 (xfails; outside25 o25-16 "power will be cut off next Tuesday"): the
        # English past "were" goes with "was" (which, a Dutch word too, takes the lemma
        # "zijn"), not with the infinitive "be" that follows a modal: "were cut" is done,
        # "will be cut" is to come
        return lemma("was")
    if len(word) >= 4 and not simplemma.is_known(word, lang="nl") and simplemma.is_known(
            word, lang="en"):
        return _english_stem(word)  # 'ending' -> 'end', 'kicked' -> 'kick', 'threw' -> 'throw'
    found = simplemma.lemmatize(word, lang="nl")
    found = fold(found) if found and found.isalpha() else word
    if len(word) < 4 and not (
        found != word and fold(simplemma.lemmatize(found, lang="nl")) == found
    ):
        return word
    return found


#: English past forms of "be" that the stemmer would bring to the infinitive ("be").
_EN_PAST_BE = frozenset(["were"])


def _english_stem(word: str) -> str:
    """An English word's Snowball stem; for an irregular form that the stemmer cannot
    reach ('threw', 'thrown' -> 'throw'; 'slept' -> 'sleep'; 'wrote' -> 'write';
    'told' -> 'tell'), the stem of its lemma (simplemma). A comparative in -er keeps
    its own ('older', 'elder', 'better' are no 'old', 'good'): an older person is no
    old one in the elder-abuse cues."""
    stem = str(_ENGLISH.stemWord(word))
    base = str(_ENGLISH.stemWord(simplemma.lemmatize(word, lang="en").lower()))
    if base == stem or word.endswith("er") or not base.isalpha():
        return stem
    return base


#: Verb prefixes and particles: a word that starts with one is a verb of its own
#: ("verslaan", "ontslagen", "uitslaan"), not a compound with a cue word as its head.
_NOT_COMPOUND = frozenset(["ver", "her", "ont", "mis", "be", "ge", "er", "on"])
#: Adverbs written as one word that end in a noun (Van Dale: buitenshuis, binnenshuis,
#: "outside / inside the home"; the genitive -s marks the old adverb): no compound, so
#: "nooit buitenshuis gewerkt" is no "geen huis" (session 13, safety33; retired s3-068,
#: h14-052).
_ADVERBS = frozenset(["buitenshuis", "binnenshuis"])
_MIN_PREFIX = 3
_MIN_HEAD = 4


def _undiminish(word: str) -> str:
    """'plekje' -> 'plek', 'zusje' -> 'zus' (a Dutch diminutive's base)."""
    for end in ("etje", "tje", "pje", "je"):
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


@functools.lru_cache(maxsize=20_000)
def heads(word: str) -> frozenset[str]:
    """The lemmas a compound ends in, when what precedes is a Dutch word of its own:
    'buurjongen' -> {'jongen', ...}, 'brandplekjes' -> {'plek', ...}; a word that starts
    with a verb prefix or particle has none ('verslaan'). Dutch compounds carry their
    meaning in their last part, so a cue word matches it."""
    if len(word) < _MIN_PREFIX + _MIN_HEAD or not word.isalpha() or word in _ADVERBS:
        return frozenset()
    out: set[str] = set()
    for cut in range(_MIN_PREFIX, len(word) - _MIN_HEAD + 1):
        prefix = word[:cut]
        if prefix in _NOT_COMPOUND or prefix in PARTICLES:
            continue
        if not (simplemma.is_known(prefix, lang="nl")
                or (prefix[-1] in "se" and simplemma.is_known(prefix[:-1], lang="nl"))):
            continue
        head = lemma(word[cut:])
        out.update((head, _undiminish(head)))
    return frozenset(out)


def same(token: str, word: str) -> bool:
    """True when a question's ``token`` is the cue ``word``: the same lemma, or a
    compound ending in it ('buurmeisje' is a 'meisje')."""
    return token == word or (
        len(word) >= _MIN_HEAD and word.isalpha() and word not in NEGATIONS
        and word in heads(token)
    )


#: A question needs this many distinct weak cues of one family (at different places,
#: each list's ``needs`` met) for the weak signal to count as a strong one: two
#: independent signs of the same danger are what the meldcode asks a professional to
#: act on ("signalen wegen"); one sign alone is a reason to ask, not to conclude.
WEAK_PROMOTE = 2


@dataclass(frozen=True, slots=True)
class WeakList:
    """One list of weak cues, with its public source and (optionally) words one of which
    must also occur (the person the danger is about: a child, a partner, an older
    person; for a family with ``person_min_age`` a person that old counts too)."""

    source: str
    cues: tuple[tuple[str, ...], ...]
    needs: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Family:
    """One signal family: its cues (as folded word tuples) and its services."""

    id: str
    name_nl: str
    name_en: str
    services: tuple[str, ...]
    why_nl: str
    why_en: str
    strong: tuple[tuple[str, ...], ...]
    all_of: tuple[tuple[tuple[tuple[str, ...], ...], ...], ...]
    person_min_age: int | None = None
    #: ``all_of`` rules read only for a person under 18 (by age, or a minor named in
    #: the question): parents who put their child out of the house is neglect for a
    #: minor (Meldcode, verstoting), a row or the shelter's matter for an adult.
    minors_all_of: tuple[tuple[tuple[tuple[str, ...], ...], ...], ...] = ()
    #: A person known to be younger than this is not signalled by the family's
    #: ``all_of`` rules or weak tier, only by its strong cues: a child of 6 with bruises
    #: who does not want to go home is child maltreatment, not partner violence.
    not_below_age: int | None = None
    #: People whose *own* act is no signal of this family ("zoon slaat andere
    #: kinderen" is a child who hits, not a child who is hit), as folded word tuples.
    not_by: tuple[tuple[str, ...], ...] = ()
    #: What the asker gives as the plain cause ("blauwe plekken van het struikelen"):
    #: present in the question, it cancels the family's ``all_of`` rules (not its
    #: strong cues).
    unless: tuple[tuple[str, ...], ...] = ()
    #: Acts of force done to the person (pushing, locking in, tying): no plain cause of
    #: ``unless`` explains them (a fall explains a bruise, a helper's role the bank card,
    #: neither explains a push), so where one is read the ``unless`` cancels nothing
    #: (session 14, safety36).
    unexplained: tuple[tuple[str, ...], ...] = ()
    #: Services for a person under 18 when none of ``services`` is open to their age
    #: (a 17-year-old with suicidal talk and adult mental-health services): the first
    #: ones on the map and open to them go first; without any, ``services`` all the same.
    minors: tuple[str, ...] = ()
    #: The recall tier: words that *may* describe the danger. A weak signal never takes
    #: first place; it puts the family's service in the top 3 with ``weak_why``.
    weak: tuple[WeakList, ...] = ()
    weak_why_nl: str = ""
    weak_why_en: str = ""
    #: The sentence for a person under 18 (``minors_why``); a family that has one serves
    #: adults only with ``services`` (a shelter's toegang), so a minor gets ``minors``
    #: first and this sentence (see :meth:`for_minor`).
    minors_why_nl: str = ""
    minors_why_en: str = ""
    #: Whose age (``adult_kin``): when the question speaks of an older person (one of
    #: ``adult_kin_when``, or an age of :data:`OLD_AGE` or more), kinship words ("zoon",
    #: "dochter") name their grown-up children, not a child: the family is read as
    #: ``grown`` (its rules' first group and weak lists' needs without those words).
    adult_kin_when: tuple[tuple[str, ...], ...] = ()
    grown: Family | None = None
    #: The family is acute only within this many days (``within_days``: an eviction or a
    #: cut-off "binnen enkele dagen"): when the day is known and every date the question
    #: names lies further ahead, its signal is a caution, not a warning (see
    #: :func:`later_than`).
    within_days: int | None = None
    #: Families that read the same words more precisely (session 14, safety37): when one
    #: of them is signalled and this family was read only from an ``all_of`` rule that
    #: shares a word with the cues of the rule (or strong cue) that signalled it, this
    #: family's reading is dropped: the parents who "cast her out" if she refuses a
    #: marriage are honour-based violence, not a child put out of the house; the shouting
    #: of a man who says he is being poisoned is his crisis, not a row between partners.
    #: A reading from a strong cue, or from other words, stays (see :func:`_yielded`).
    yields_to: tuple[str, ...] = ()
    #: How many of the family's open services a weak reading or one told from the
    #: example questions keeps in the top 3 (``in_top``; a strong cue puts up to
    #: :data:`MAX_SAFETY_SERVICES` first regardless). 1: its first. 2 where the family's
    #: services are each a right address for the danger, which one depending on what
    #: the question does not say (a suicide: the GGD Vangnet for the acute risk, the
    #: specialist GGZ for treatment; session 21, docs/notes/2026-12-19s21-top3.md).
    in_top: int = 1

    def for_minor(self) -> Family:
        """The family as it applies to a person under 18: with ``minors_why``, its
        services for minors first and the minors' sentence (also for the weak tier);
        without, unchanged."""
        if not self.minors_why_nl:
            return self
        services = tuple(dict.fromkeys(self.minors + self.services))
        return dataclasses.replace(
            self, services=services, why_nl=self.minors_why_nl, why_en=self.minors_why_en,
            weak_why_nl=self.minors_why_nl, weak_why_en=self.minors_why_en)

    def why(self, lang: str) -> str:
        return self.why_en if lang == "en" else self.why_nl

    def weak_why(self, lang: str) -> str:
        return self.weak_why_en if lang == "en" else self.weak_why_nl

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nl


@dataclass(frozen=True, slots=True)
class SafetySignals:
    """The parsed data file."""

    version: str
    source: str
    families: tuple[Family, ...]
    #: Words that say the person is under 18 without an age ("minderjarig", "minor").
    minor_words: tuple[tuple[str, ...], ...] = ()
    #: Figurative uses (idioms, hyperbole: "slaat alarm", "wil dood van het lawaai"):
    #: a cue whose words fall inside one is not read (see :func:`detect`).
    figurative: tuple[tuple[str, ...], ...] = ()
    #: Words of preference ("wil", "liever", "rather"): "wil niet naar huis maar bij
    #: vriendinnen zijn" says what the person would rather do (see :func:`_rather`).
    rather: tuple[tuple[str, ...], ...] = ()
    #: A quoted threat called a joke, and the words that say it is meant (:func:`_jest`).
    jest: tuple[tuple[str, ...], ...] = ()
    earnest: tuple[tuple[str, ...], ...] = ()
    #: A turn to seriousness and the asker's gloss (:func:`_joked_before`, :func:`_glossed`;
    #: the gloss as written: "bedoel ik", not the lemma "bedoelen").
    serious: tuple[tuple[str, ...], ...] = ()
    gloss: tuple[tuple[str, ...], ...] = ()
    laughter: tuple[tuple[str, ...], ...] = ()
    meant: tuple[tuple[str, ...], ...] = ()
    #: Danger placed in the past ("vroeger sloeg haar ex haar", "jaren geleden op straat
    #: geleefd"): a cue in the same part of a sentence as one of these is not read,
    #: unless the question says the danger is current (``current``); ``turns`` are
    #: the words that end that part ("maar", "nu"). See :func:`_past`.
    past: tuple[tuple[str, ...], ...] = ()
    turns: frozenset[str] = frozenset()
    current: tuple[tuple[str, ...], ...] = ()
    #: The one-word markers of ``past`` as written (folded): an adverb does not
    #: inflect, and by its lemma "vroeger" (formerly) would be "vroeg", which is also
    #: "asked" ("hij vroeg of ...") and "early".
    past_as_written: frozenset[str] = frozenset()
    #: A past danger said to be over, and one said to come back (see :func:`_past`).
    #: ``settled`` holds the file's ``settled`` and ``handled`` cues; ``handled`` the
    #: latter only: a matter dealt with, which :func:`settled_parts` reads.
    settled: tuple[tuple[str, ...], ...] = ()
    handled: tuple[tuple[str, ...], ...] = ()
    #: The file's ``handled`` cues without its ``reported`` ones: a danger averted,
    #: solved or called off in the same part of a sentence (:func:`_ended`).
    ended: tuple[tuple[str, ...], ...] = ()
    recurs: tuple[tuple[str, ...], ...] = ()
    #: The asker's judgement that nothing is acute (see :func:`_assessed`).
    assessed: tuple[tuple[str, ...], ...] = ()
    #: Harmless causes of an injury and the injuries they explain (see :func:`_caused`).
    causes: tuple[tuple[str, ...], ...] = ()
    marks: tuple[tuple[str, ...], ...] = ()
    #: Kinds of text, lesson or programme, and the words that say what one is about
    #: ("een werkstuk over zelfmoord"): see :func:`_topic`.
    topics: tuple[str, ...] = ()
    about: frozenset[str] = frozenset()
    #: Own writing, the words that say it is made up, and the words of a part played
    #: (session 16, safety39): see :func:`_topic` and :func:`_staged`.
    own: tuple[str, ...] = ()
    fiction: tuple[tuple[str, ...], ...] = ()
    stage: tuple[tuple[str, ...], ...] = ()
    #: Session 18 (falsewarn): verbs of playing a part and nouns of a role, folded as
    #: written (see :func:`_played`).
    acting: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    #: Session 18 (falsewarn): a worry said to be unfounded (see :func:`_unfounded`).
    unfounded: tuple[tuple[str, ...], ...] = ()
    #: Nouns that are a thing after a definite article and an act otherwise ("de trap"
    #: is the staircase, "een trap" the kick), folded as written: see :func:`_things`.
    things: frozenset[str] = frozenset()
    #: Session 22 (cues): nouns of a way one moves along ("trap", "straat", "gang"),
    #: folded as written: a particle right after one is a direction, no verb's
    #: particle (:func:`_ways`).
    ways: frozenset[str] = frozenset()
    #: Nouns of a lasting condition ("stoornis", "disorder"; lemmas) and the words that
    #: keep such a condition acute ("acute"; folded as written): see :func:`_conditions`.
    conditions: tuple[str, ...] = ()
    acute: frozenset[str] = frozenset()
    #: Per family, its cues that hold a negation ("niet gezien", "durft niet naar huis"):
    #: read for that family, such a negation is the cue's own (:func:`_owned`). Filled
    #: by :func:`parse_signals`.
    negative: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    #: Session 12 (safety29): the words of the families' cues as written (folded, long
    #: enough for the spelling tolerance), which a misspelt question word may stand for
    #: ("dinsdg" for "dinsdag", "ventillatie" for "ventilatie"): the ranker's tolerance
    #: (:func:`.text.may_be_misspelt`, :func:`.text.misspelling_of`). Only words that can
    #: raise a signal: a misspelling does not cancel one. Filled by :func:`parse_signals`.
    spelling: tuple[str, ...] = ()
    #: Session 20 (desk): the desks for dangers only, as the file declares them
    #: (``desks``): safety services that take no ordinary question, whose every example
    #: question is held back on a question that does not open them. Read by one function,
    #: :func:`busbaan.routing.router.danger_desks`.
    desks: frozenset[str] = frozenset()

    def family(self, family_id: str) -> Family | None:
        return next((f for f in self.families if f.id == family_id), None)


@dataclass(frozen=True, slots=True)
class Signal:
    """A family a question signals, and the cue that showed it (folded words).
    ``weak``: only the family's weak tier fired (its service goes in the top 3, not
    first); a strong cue, or :data:`WEAK_PROMOTE` weak ones, give ``weak=False``."""

    family: Family
    cue: str
    weak: bool = False
    #: The person in danger is a parent or grandparent of an asker who gave their own
    #: age ("mn moeder ... ik ben 14"): the asker's age does not say which services are
    #: open to that person (the router reads the family without it).
    elder: bool = False
    #: The person in danger is a child the question names with an age under 18 ("zoon
    #: van 17", "dochter 15"), not the asker whose own (adult) age the context gives: the
    #: services open to that child decide (the router reads the family at this age).
    minor_age: int | None = None


@dataclass(frozen=True, slots=True)
class SafetyProblem:
    """One thing wrong with a safety file: where (the field, with the family's id when
    known) and what, in Dutch and in English."""

    where: str
    nl: str
    en: str

    def message(self, lang: str = "nl") -> str:
        return f"{self.where}: {self.en if lang == 'en' else self.nl}"


class SafetyFileError(ValueError):
    """The safety file cannot be used. ``found`` names each problem in both languages;
    ``problems`` is the English ``where: what`` of each."""

    def __init__(self, source: str, found: Sequence[SafetyProblem]) -> None:
        self.source = source
        self.found = tuple(found)
        self.problems = tuple(p.message("en") for p in self.found)
        super().__init__(f"{source}: " + "; ".join(self.problems))

    def messages(self, lang: str = "nl") -> tuple[str, ...]:
        return tuple(p.message(lang) for p in self.found)


#: Dutch for pydantic's error types (the English comes from pydantic itself).
_DUTCH: Mapping[str, str] = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekend veld (een tikfout?); toegestaan zijn alleen de velden "
    "uit de uitleg bovenaan het bestand",
    "string_too_short": "mag niet leeg zijn",
    "too_short": "moet minstens {min_length} item(s) hebben",
    "string_pattern_mismatch": "alleen kleine letters, cijfers en _, beginnend met een letter",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "tuple_type": "moet een lijst zijn",
    "list_type": "moet een lijst zijn",
    "model_type": "moet een tabel zijn (sleutel: waarde)",
    "model_attributes_type": "moet een tabel zijn (sleutel: waarde)",
    "dict_type": "moet een tabel zijn (sleutel: waarde)",
}


def _dutch(error: Mapping[str, Any]) -> str:
    template = _DUTCH.get(str(error.get("type")))
    if template is None:
        return f"ongeldige waarde ({error.get('msg', '')})"
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def _where(loc: Sequence[object], raw: object) -> str:
    """A pydantic location as a dotted path, with the family's id when it has one:
    'families.2.services (familie/family 'suicide')'."""
    path = ".".join(str(p) for p in loc) or "(top)"
    if len(loc) >= 2 and loc[0] == "families" and isinstance(loc[1], int):
        families = raw.get("families") if isinstance(raw, Mapping) else None
        if isinstance(families, list) and 0 <= loc[1] < len(families):
            family = families[loc[1]]
            if isinstance(family, Mapping) and isinstance(family.get("id"), str):
                path += f" ({family['id']})"
    return path


def _cue_problems(raw: object) -> list[SafetyProblem]:
    """Cues without words and rules with fewer than two groups, read from the raw data
    (so that they are named even when other fields fail to parse)."""
    out: list[SafetyProblem] = []
    for field in ("minor_words", "figurative", "rather", "past", "causes", "conditions"):
        entry = raw.get(field) if isinstance(raw, Mapping) else None
        cues = entry.get("cues") if isinstance(entry, Mapping) else None
        for cue in cues if isinstance(cues, list) else ():
            if not _words(str(cue)):
                out.append(SafetyProblem(f"{field}.cues", f"signaal {cue!r} bevat geen woorden",
                                         f"cue {cue!r} has no words"))
    families = raw.get("families") if isinstance(raw, Mapping) else None
    if not isinstance(families, list):
        return out
    for f_no, family in enumerate(families):
        if not isinstance(family, Mapping):
            continue
        def at(field: str, f_no: int = f_no) -> str:
            return _where(("families", f_no, field), raw)

        for field in ("strong", "unless", "unexplained", "not_by"):
            cues = family.get(field)
            for cue in cues if isinstance(cues, list) else ():
                if isinstance(cue, str) and not _words(cue):
                    out.append(SafetyProblem(at(field), f"signaal {cue!r} bevat geen woorden",
                                             f"cue {cue!r} has no words"))
        weak = family.get("weak")
        lists = weak.get("lists") if isinstance(weak, Mapping) else None
        for l_no, entry in enumerate(lists if isinstance(lists, list) else ()):
            for field in ("cues", "needs"):
                cues = entry.get(field) if isinstance(entry, Mapping) else None
                for cue in cues if isinstance(cues, list) else ():
                    if not _words(str(cue)):
                        out.append(SafetyProblem(
                            at(f"weak.lists.{l_no}.{field}"),
                            f"zwak signaal {cue!r} bevat geen woorden",
                            f"weak cue {cue!r} has no words"))
        for rule_field in ("all_of", "minors_all_of"):
            rules = family.get(rule_field)
            for r_no, rule in enumerate(rules if isinstance(rules, list) else (), start=1):
                where = at(rule_field)
                if not isinstance(rule, list):
                    continue
                if len(rule) < 2:
                    out.append(SafetyProblem(
                        where, f"regel {r_no} heeft minstens twee groepen nodig (anders: 'strong')",
                        f"rule {r_no} needs at least two groups (else use 'strong')"))
                for group in rule:
                    if isinstance(group, list) and not group:
                        out.append(SafetyProblem(where, f"regel {r_no} heeft een lege groep",
                                                 f"rule {r_no} has an empty group"))
                    for cue in group if isinstance(group, list) else ():
                        if not _words(str(cue)):
                            out.append(SafetyProblem(
                                where, f"regel {r_no}: signaal {cue!r} bevat geen woorden",
                                f"rule {r_no}: cue {cue!r} has no words"))
    return out


def _desk_problems(parsed: _File) -> list[SafetyProblem]:
    """A ``desks`` entry that is empty, named twice, or no family's service: a desk for
    dangers only is opened by a signal of a family that sends to it (its ``services``);
    a service no family sends to would hold back its every example question for good."""
    out: list[SafetyProblem] = []
    sent_to = {s for f in parsed.families for s in f.services}
    seen: set[str] = set()
    for service_id in parsed.desks:
        if not service_id.strip():
            out.append(SafetyProblem("desks", "een dienst-id mag niet leeg zijn",
                                     "a service id must not be empty"))
        elif service_id in seen:
            out.append(SafetyProblem("desks", f"'{service_id}' komt twee keer voor",
                                     f"'{service_id}' appears twice"))
        elif service_id not in sent_to:
            out.append(SafetyProblem(
                "desks",
                f"'{service_id}' staat bij geen enkele familie onder 'services': een balie "
                "alleen voor gevaar gaat alleen open op een signaal van een familie die "
                "ernaar verwijst, dus zonder zo'n familie zou hij al zijn voorbeeldvragen "
                "voorgoed achterhouden. Zet de dienst eerst bij de 'services' van een "
                "familie, of haal hem uit 'desks' (een tikfout?)",
                f"'{service_id}' is in no family's 'services': a desk for dangers only is "
                "opened only by a signal of a family that sends to it, so without one it "
                "would hold back all its example questions for good. Add the service to a "
                "family's 'services' first, or take it out of 'desks' (a typo?)"))
        seen.add(service_id)
    return out


def default_path() -> Path:
    return Path(str(resources.files("busbaan.routing").joinpath(DEFAULT_FILE)))


def parse_signals(raw: object, source: str) -> SafetySignals:
    """Parse the file's YAML data; :class:`SafetyFileError` names every problem."""
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(err["loc"]) for err in errors]
        found = _cue_problems(raw) + [
            SafetyProblem(_where(loc, raw), _dutch(err), str(err["msg"]))
            for err, loc in zip(errors, locs, strict=True)
            # a list that is only "too short" because its items failed says nothing more
            if not (
                err["type"] == "too_short"
                and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs)
            )
        ]
        raise SafetyFileError(source, found) from None
    found = _cue_problems(raw)
    seen: set[str] = set()
    for family in parsed.families:
        if family.id in seen:
            found.append(SafetyProblem("families", f"'{family.id}' komt twee keer voor",
                                       f"'{family.id}' appears twice"))
        seen.add(family.id)
    for family in parsed.families:
        for other in family.yields_to:
            if other not in seen or other == family.id:
                found.append(SafetyProblem(
                    f"families.{family.id}.yields_to",
                    f"'{other}' is geen andere familie in dit bestand",
                    f"'{other}' is no other family in this file"))
    found += _desk_problems(parsed)
    if found:
        raise SafetyFileError(source, found)
    families = tuple(_with_grown(f, Family(
            id=f.id,
            name_nl=f.name.nl,
            name_en=f.name.en,
            services=f.services,
            why_nl=f.why.nl,
            why_en=f.why.en,
            strong=_with_joined(_words(c) for c in f.strong),
            all_of=tuple(
                tuple(_with_joined(_words(str(c)) for c in group) for group in rule)
                for rule in f.all_of
            ),
            minors_all_of=tuple(
                tuple(_with_joined(_words(str(c)) for c in group) for group in rule)
                for rule in f.minors_all_of
            ),
            person_min_age=f.person_min_age,
            not_below_age=f.not_below_age,
            not_by=tuple(_words(c) for c in f.not_by),
            unless=tuple(_words(c) for c in f.unless),
            unexplained=_with_joined(_words(c) for c in f.unexplained),
            minors=f.minors,
            weak=tuple(
                WeakList(w.source, _for_person(_with_joined(_words(c) for c in w.cues),
                                               tuple(_words(c) for c in w.needs)),
                         tuple(_words(c) for c in w.needs))
                for w in (f.weak.lists if f.weak else ())
            ),
            weak_why_nl=f.weak.why.nl if f.weak else "",
            weak_why_en=f.weak.why.en if f.weak else "",
            minors_why_nl=f.minors_why.nl if f.minors_why else "",
            minors_why_en=f.minors_why.en if f.minors_why else "",
            within_days=f.within_days,
            yields_to=f.yields_to,
            in_top=f.in_top,
        ))
        for f in parsed.families
    )

    def cues(entry: _CueList | None) -> tuple[tuple[str, ...], ...]:
        return tuple(_words(c) for c in entry.cues) if entry else ()

    negative = tuple((f.id, tuple(dict.fromkeys(
        cue for cue in (*f.strong, *(c for rule in (*f.all_of, *f.minors_all_of)
                                     for group in rule for c in group),
                        *(c for w in f.weak for c in w.cues))
        if len(cue) > 1 and any(w in NEGATIONS_AFTER for w in cue)))) for f in families)

    written = (c for f in parsed.families for c in (
        *f.strong, *(c for rule in (*f.all_of, *f.minors_all_of) for group in rule for c in group),
        *(c for w in (f.weak.lists if f.weak else ()) for c in (*w.cues, *w.needs))))
    spelling = tuple(sorted({w for c in written for w in _TOKEN.findall(fold(str(c)))
                             if w.isalpha() and len(w) >= _MIN_TYPO}))

    return SafetySignals(version=parsed.version, source=source, families=families,
                         negative=negative, spelling=spelling, desks=frozenset(parsed.desks),
                         minor_words=cues(parsed.minor_words),
                         figurative=tuple(_figurative_words(c) for c in parsed.figurative.cues)
                         if parsed.figurative else (),
                         rather=cues(parsed.rather),
                         jest=tuple(_figurative_words(c) for c in parsed.jest.cues)
                         if parsed.jest else (),
                         earnest=tuple(_figurative_words(c) for c in parsed.jest.earnest)
                         if parsed.jest else (),
                         serious=tuple(_figurative_words(c) for c in parsed.jest.serious)
                         if parsed.jest else (),
                         gloss=tuple(tuple(_TOKEN.findall(fold(c))) for c in parsed.jest.gloss)
                         if parsed.jest else (),
                         laughter=tuple(_figurative_words(c) for c in parsed.jest.laughter)
                         if parsed.jest else (),
                         meant=tuple(_figurative_words(c) for c in parsed.jest.meant)
                         if parsed.jest else (),
                         past=tuple(_figurative_words(c) for c in parsed.past.cues)
                         if parsed.past else (),
                         turns=frozenset(w for t in parsed.past.turns for w in _words(t))
                         if parsed.past else frozenset(),
                         current=tuple(_figurative_words(c) for c in parsed.past.current)
                         if parsed.past else (),
                         settled=tuple(_figurative_words(c) for c in (
                             *parsed.past.settled, *parsed.past.handled,
                             *parsed.past.reported))
                         if parsed.past else (),
                         handled=tuple(_figurative_words(c) for c in (
                             *parsed.past.handled, *parsed.past.reported))
                         if parsed.past else (),
                         ended=tuple(_figurative_words(c) for c in (
                             *parsed.past.handled, *parsed.past.ended))
                         if parsed.past else (),
                         unfounded=tuple(_figurative_words(c) for c in parsed.past.unfounded)
                         if parsed.past else (),
                         recurs=tuple(_figurative_words(c) for c in parsed.past.recurs)
                         if parsed.past else (),
                         assessed=tuple(_figurative_words(c) for c in parsed.past.assessed)
                         if parsed.past else (),
                         causes=tuple(_figurative_words(c) for c in parsed.causes.cues)
                         if parsed.causes else (),
                         marks=tuple(_figurative_words(c) for c in parsed.causes.marks)
                         if parsed.causes else (),
                         topics=tuple(w for c in parsed.topic.cues for w in _words(c))
                         if parsed.topic else (),
                         about=frozenset(fold(c) for c in parsed.topic.about)
                         if parsed.topic else frozenset(),
                         own=tuple(w for c in parsed.topic.own for w in _words(c))
                         if parsed.topic else (),
                         fiction=tuple(_figurative_words(c) for c in parsed.topic.fiction)
                         if parsed.topic else (),
                         stage=tuple(_figurative_words(c) for c in parsed.topic.stage)
                         if parsed.topic else (),
                         acting=frozenset(fold(c) for c in parsed.topic.acting)
                         if parsed.topic else frozenset(),
                         roles=frozenset(fold(c) for c in parsed.topic.roles)
                         if parsed.topic else frozenset(),
                         things=frozenset(fold(c) for c in parsed.things.cues)
                         if parsed.things else frozenset(),
                         ways=frozenset(fold(c) for c in parsed.ways.cues)
                         if parsed.ways else frozenset(),
                         conditions=tuple(w for c in parsed.conditions.cues for w in _words(c))
                         if parsed.conditions else (),
                         acute=frozenset(fold(c) for c in parsed.conditions.acute)
                         if parsed.conditions else frozenset(),
                         past_as_written=frozenset(
                             words[0] for words in (_TOKEN.findall(fold(str(c)))
                                                    for c in parsed.past.cues)
                             if len(words) == 1) if parsed.past else frozenset())


#: Object pronouns that a weak list's person may stand for ("mag van hem niet" is
#: also said "mag van haar man niet"); "haar" is left out, being a possessive too.
_PERSON_PRONOUNS = frozenset(["hem", "him"])


def _for_person(cues: tuple[tuple[str, ...], ...],
                needs: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The cues, each followed by its forms with the list's person (a one-word
    ``needs`` entry) where the cue has an object pronoun: in a list that needs a partner,
    "mag van hem niet" also reads "mag van haar man niet" and "moet van zijn vriendin"
    (a possessive before the noun fits the cue's gap)."""
    people = [n[0] for n in needs if len(n) == 1]
    if not people:
        return cues
    out: list[tuple[str, ...]] = []
    for cue in cues:
        out.append(cue)
        for n, word in enumerate(cue):
            if word in _PERSON_PRONOUNS:
                for person in people:
                    other = (*cue[:n], person, *cue[n + 1:])
                    if other not in out:
                        out.append(other)
                break
    return tuple(out)


def _with_grown(raw: _Family, family: Family) -> Family:
    """The family with its ``adult_kin`` view built (see :attr:`Family.grown`)."""
    if raw.adult_kin is None:
        return family
    kin = {_words(w) for w in raw.adult_kin.words}

    def keep(cues: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(c for c in cues if c not in kin)

    grown = dataclasses.replace(
        family,
        all_of=tuple(tuple(keep(group) if n == 0 else group for n, group in enumerate(rule))
                     for rule in family.all_of),
        weak=tuple(dataclasses.replace(w, needs=keep(w.needs)) for w in family.weak))
    return dataclasses.replace(
        family, adult_kin_when=tuple(_words(c) for c in raw.adult_kin.when), grown=grown)


def load_signals(path: str | Path | None = None) -> SafetySignals:
    """Read and parse a safety file (default: the one shipped with busbaan)."""
    file = Path(path) if path is not None else default_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SafetyFileError(
            str(file), [SafetyProblem("(file)", "bestand niet gevonden", "file not found")]
        ) from None
    except (OSError, ValueError) as exc:
        raise _unreadable(str(file), exc) from None
    return _parse_text(text, str(file))


def _unreadable(source: str, exc: BaseException) -> SafetyFileError:
    name = exc.__class__.__name__
    return SafetyFileError(
        source,
        [SafetyProblem("(file)", f"niet te lezen als YAML-tekst ({name})",
                       f"cannot read as YAML text ({name})")],
    )


@functools.lru_cache(maxsize=16)
def _parse_text(text: str, source: str) -> SafetySignals:
    """The file's text, parsed: a pure function of the text and its name, so kept (the
    result is immutable). Each :class:`~busbaan.routing.Router` built without
    ``safety=`` reads the shipped file (~0.4 s of YAML in pure Python), once per router
    in one process before. An edited file is new text: parsed again. A broken file
    raises each time (an exception is not kept)."""
    try:
        raw: Any = load_yaml(text)
    except (ValueError, OverflowError, RecursionError, yaml.YAMLError) as exc:
        raise _unreadable(source, exc) from None
    return parse_signals(raw, source)


def check_against_map(signals: SafetySignals, social_map: SocialMap) -> list[MapProblem]:
    """Problems of a safety file with one map: a family none of whose services is on it
    (an error: that signal would get no safety service); a family with ``minors`` none
    of which is on it (a warning: a minor would get the adult services)."""
    problems: list[MapProblem] = []
    known = {s.id for s in social_map.services if s.active}
    for family in signals.families:
        present = [s for s in family.services if s in known]
        where = f"{signals.source}: {family.id}"
        if not present:
            problems.append(
                MapProblem(
                    "error",
                    "safety-no-service",
                    where,
                    "geen van de diensten staat (actief) op de kaart: "
                    + ", ".join(family.services),
                    "none of the services is (active) on the map: " + ", ".join(family.services),
                )
            )
        if family.minors and not any(s in known for s in family.minors):
            problems.append(
                MapProblem(
                    "warning",
                    "safety-no-minor-service",
                    where,
                    "geen van de diensten voor minderjarigen (minors) staat (actief) op de "
                    "kaart: " + ", ".join(family.minors),
                    "none of the services for minors is (active) on the map: "
                    + ", ".join(family.minors),
                )
            )
    return problems


# --------------------------------------------------------------------------- detection


def tokens(text: str) -> list[str]:
    """Folded, lemmatised words and clause punctuation of ``text``."""
    return [lemma(t) if t[0].isalnum() else t for t in _TOKEN.findall(fold(text))]


#: Separable verb particles: in a Dutch main clause the particle goes to the end
#: ("sluit morgen de stroom af"), so a cue's last word that is one of these may stand
#: anywhere later in the same clause.
PARTICLES = frozenset(
    ["af", "op", "uit", "aan", "in", "mee", "weg", "terug", "door", "over", "dicht", "om",
     "toe", "na", "bij", "vast", "los", "eraf", "eruit", "binnen", "buiten"]
)


#: Everyday spellings of Dutch clitic pronouns ("z'n", "zn", "m'n", "d'r") and of
#: "'s nachts" without its apostrophe, written out before a question is read (from
#: any Dutch grammar: "z'n" is "zijn", "m'n" is "mijn", "d'r" is "haar").
_CLITICS = (
    (re.compile(r"\bz'?n\b"), "zijn"),
    (re.compile(r"\bm'?n\b"), "mijn"),
    (re.compile(r"\bd'r\b"), "haar"),
    # English "I'm" is "I am" (any English grammar: the clitic 'm is only "am"), so that
    # "I'm safe" is the settled "am safe" (session 15, safety38; retired h32-029)
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"'?\bs ?(nachts|avonds|ochtends|middags)\b"), r"\1"),
)
#: Possessive determiners stand where a cue has an article ("moet het huis uit" is
#: said as "moet haar huis uit"); Dutch and English grammar words.
#: Read from the words as written: the lemma of "is" and "was" is "zijn" too.
POSSESSIVES: Mapping[str, frozenset[str]] = {
    "de": frozenset(["mijn", "zijn", "haar", "hun", "ons", "onze", "jouw", "uw"]),
    "the": frozenset(["my", "his", "her", "their", "our", "your"]),
}


#: Words that deny what follows them, used as one class in a cue: a cue's "geen" (or
#: "no") also matches "zonder", "nooit", "niks", "without", "never", "nothing", and
#: "te weinig", "niet genoeg", "not enough" ("komt zonder ontbijt", "heeft nooit eten
#: bij zich", "krijgt niet genoeg te eten" are all "geen ontbijt/eten"). As articles
#: are one class ("de" = "het" = "een"), so are these determiners of lack; from any
#: grammar of Dutch and English. Session 12 (safety29 and xfail22, each on its own;
#: outside14 o14-10: "geeft hem nauwelijks eten"): the adverbs of "almost not", which deny
#: a need as surely as "te weinig" does ("krijgt amper te drinken", "gives him barely any
#: food"; ANS: nauwelijks, amper, haast niet; any English grammar: hardly, barely,
#: scarcely).
LACKS = frozenset(["geen", "zonder", "nooit", "niks", "niets", "no", "without", "never",
                   "nothing", "nauwelijks", "amper", "hardly", "barely", "scarcely"])
#: Quantifiers that deny only after their own word: "te weinig", "niet genoeg".
_LACK_AFTER: Mapping[str, frozenset[str]] = {
    "weinig": frozenset(["te"]), "genoeg": frozenset(["niet", "nooit"]),
    "enough": frozenset(["not", "never"]), "little": frozenset(["too"])}
#: Parts that a Dutch separable verb carries in front when it is written as one word
#: (in a subordinate clause, an infinitive or a participle: "dat hij haar opsluit",
#: "de rekening leeghaalt", "opgesloten"): the separable particles and the adjectives
#: used as one ("leeg", "kapot", "stuk", "open"); from any Dutch grammar. ("kwijt" is
#: left out: "kwijtschelden" is a verb of its own.)
SEPARABLE_FRONT = PARTICLES | frozenset(["leeg", "kapot", "stuk", "open"])
_MIN_VERB = 3


@functools.lru_cache(maxsize=20_000)
def split_separable(word: str) -> tuple[str, str] | None:
    """A separable verb written as one word, as (particle, joined lemma): 'opsluit' ->
    ('op', 'opsluiten'), 'leeghaalt' -> ('leeg', 'leeghalen'), 'opgesloten' -> ('op',
    'opsluiten'); None for any other word. The verb alone is not given: 'dichtslaat'
    is no 'slaan' (see :data:`_NOT_COMPOUND` for the same reason)."""
    if not word.isalpha():
        return None
    for front in sorted(SEPARABLE_FRONT, key=len, reverse=True):
        rest = word[len(front):]
        if not word.startswith(front) or len(rest) < _MIN_VERB:
            continue
        if not simplemma.is_known(rest, lang="nl"):
            continue
        verb = lemma(rest)
        if verb.endswith("en") and (verb != rest or rest.endswith("en")):
            return front, front + verb
    return None


def _joined(cue: tuple[str, ...]) -> tuple[str, ...] | None:
    """A cue with a verb and its separable particle last ("sluit haar op": 'sluiten',
    'haar', 'op') as written joined ('haar', 'opsluiten'), else None. The joined verb
    stands last, where a subordinate clause and an infinitive put it ("dat hij haar in
    de schuur opsluit", "haar opsluiten"; ANS, de bijzin: the verbs close it); session
    16 (xfail26): it stood first, so only a window of the cue's length found it."""
    if len(cue) < 2 or cue[-1] not in PARTICLES:
        return None
    verbs = [n for n, w in enumerate(cue[:-1]) if w.endswith("en") and w.isalpha()
             and w not in ARTICLES and w not in PRONOUNS and len(w) > _MIN_VERB]
    if not verbs:
        return None
    n = verbs[0]
    return (*cue[:n], *cue[n + 1:-1], cue[-1] + cue[n])


#: English verb particles, which stand after the object or right after the verb ("giving
#: things away" = "giving away things"); from any English grammar.
EN_PARTICLES = frozenset(["away", "up", "out", "off", "back", "down", "over"])


def _shifted(cue: tuple[str, ...]) -> tuple[str, ...] | None:
    """An English cue verb + object + particle ("giving things away") with the particle
    right after the verb ("giving away things"), else None (an English cue keeps its
    word order otherwise)."""
    if len(cue) < 3 or cue[-1] not in EN_PARTICLES or not english(cue):
        return None
    return (cue[0], cue[-1], *cue[1:-1])


def _with_joined(cues: Iterable[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """The cues, each followed by its joined form when it has one (:func:`_joined`) and
    by its English particle shift (:func:`_shifted`)."""
    out: list[tuple[str, ...]] = []
    for cue in cues:
        out.append(cue)
        for other in (_joined(cue), _shifted(cue)):
            if other is not None and other not in out:
                out.append(other)
    return tuple(out)


def _spelled_out(folded: str) -> str:
    folded = _uncontracted(folded)
    for pattern, full in _CLITICS:
        folded = pattern.sub(full, folded)
    # s13 (safety32): chat spellings as the ranker reads them ("my bf", "every1")
    return _TRUNCATED.sub("", chat_written_out(folded))


#: A compound's first part cut off with a hyphen before "en"/"of" ("ouder- en
#: kindteam", "voor- en naschoolse"; ANS, het weglatingsstreepje): it stands for a
#: compound ("ouderteam"), not for the word on its own ("ouder" read as "oud" made the
#: Ouder- en Kindteam an older person). It is not read.
_TRUNCATED = re.compile(r"\b[a-z]+-\s+(?=(?:en|of|and|or)\s)")


#: Curly quotation marks written straight before folding (folding drops them).
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                        "\u00bb": '"'})
#: A quoted stretch: a quotation mark that opens a word (not an apostrophe inside or at
#: the end of one: "camera's", "kids'", "it's"), up to the same mark closing a word.
_QUOTE = re.compile(r"(?<![a-z0-9])(['\"])(?=[a-z0-9])(.{1,120}?)(?<=[a-z0-9.,!?])\1(?![a-z0-9])")


def _straight_quotes(text: str) -> str:
    return text.translate(_CURLY)


def _quoted(text: str) -> frozenset[int]:
    """Token positions (as :data:`_TOKEN` finds them in ``text``) inside quotation marks:
    words the asker quotes ("ze zegt dat ze 'gevallen' is") are someone else's, often
    doubted, account (ANS: aanhalingstekens for reported words and for distance)."""
    spans = [(m.start(2), m.end(2)) for m in _QUOTE.finditer(text)]
    if not spans:
        return frozenset()
    return frozenset(i for i, m in enumerate(_TOKEN.finditer(text))
                     if any(a <= m.start() < b for a, b in spans))


#: English "have" as the perfect's auxiliary and the words that may stand between it
#: and its participle ("has not been", "have already been"): English grammar.
#: Session 18 (falsewarn; retired h42-089 "it's been back on for months" read "cut + been",
#: a leg): "s" is the contracted "has" before "been" ("it's been", "he's been"): "is
#: been" is no English, so "'s been" is always the perfect (Oxford Learner's, 's = has).
_EN_HAVE = frozenset(["has", "have", "had", "having", "ve", "d", "s"])
_EN_BETWEEN = frozenset(["not", "never", "already", "just", "always", "since", "ever",
                         "also", "really", "only", "recently", "all"])


def _english_perfect(surface: Sequence[str]) -> list[int]:
    """Positions of "been" as the English participle of "be" ("has been cut off",
    "have not been"): after a form of "have" it is no Dutch "been" (a leg, the lemma of
    "benen"), which a self-harm rule reads (session 10, safety22: "the water has been
    cut off" was "cut + been")."""
    out = []
    for i, word in enumerate(surface):
        if word != "been":
            continue
        j = i - 1
        while j >= 0 and surface[j] in _EN_BETWEEN:
            j -= 1
        if j >= 0 and surface[j] in _EN_HAVE:
            out.append(i)
    return out


@dataclass(frozen=True, slots=True)
class _Words:
    """A text's words as :class:`_Question` reads them, computed once per text and
    spelling (:func:`_words_of`) and shared by every reading of it: read-only. ``where``
    memoises :meth:`_Question.where` (a pure function of the rest)."""

    surface: list[str]
    quoted: frozenset[int]
    toks: list[str]
    clause: list[int]
    exact: dict[str, list[int]]
    heads: dict[str, list[int]]
    extra: dict[str, list[int]]
    lacks: list[int]
    owners: dict[str, list[int]]
    present: frozenset[str]
    where: dict[str, tuple[int, ...]]


@functools.lru_cache(maxsize=TEXTS_KEPT)
def _words_of(question: str, spelling: tuple[str, ...]) -> _Words:
    """The words of ``question`` (see :class:`_Question`); ``spelling``: the cue words
    a misspelt word may stand for (:func:`_misspelt`). Session 16 (speed): the router
    read each question's words four or five times (:func:`detect`, its assessment,
    :func:`settled_parts` twice, :func:`figurative_parts`), a tenth of its time; kept
    for :data:`.text.TEXTS_KEPT` texts."""
    text = _spelled_out(fold(_straight_quotes(question)))
    surface = _TOKEN.findall(text)
    toks = [lemma(t) if t[0].isalnum() else t for t in surface]
    for i in _english_perfect(surface):
        toks[i] = "be"
    clause: list[int] = []
    number = 0
    exact: dict[str, list[int]] = {}
    heads_of: dict[str, list[int]] = {}
    # words a position also stands for: a joined separable verb's particle and joined
    # lemma (:func:`split_separable`)
    extra: dict[str, list[int]] = {}
    lacks: list[int] = []  # positions of words of lack (:data:`LACKS`)
    for i, tok in enumerate(toks):
        if not tok[0].isalnum():
            number += 1
            clause.append(-1)
            continue
        clause.append(number)
        exact.setdefault(tok, []).append(i)
        word = surface[i]
        if word in LACKS or (i > 0 and surface[i - 1] in _LACK_AFTER.get(word, ())):
            lacks.append(i)
        split = split_separable(word)
        if split is not None:
            for part in split:
                if part != tok:
                    extra.setdefault(part, []).append(i)
        meant = _misspelt(word, tok, spelling)
        if meant is not None:
            extra.setdefault(meant, []).append(i)
        for head in heads(tok):
            if head != tok:
                heads_of.setdefault(head, []).append(i)
    for at in range(1, len(surface)):
        # s15 (safety38; retired h31-031 "gas en licht af gesloten"): a separable
        # verb's participle written apart from its particle, right after it ("af
        # gesloten", "uit gezet"): the most written-apart compound of phone Dutch
        # (Taalunie, Woordenlijst: scheidbare werkwoorden aaneen, "afgesloten") reads
        # as the joined verb; only a participle ("ge-"), so "gaat uit eten" stays two
        particle, participle = surface[at - 1], surface[at]
        if particle in PARTICLES and participle.startswith("ge"):
            split = split_separable(particle + participle)
            if split is not None:
                for verb in {split[1], lemma(particle + participle)} - {toks[at]}:
                    extra.setdefault(verb, []).append(at)
    for at, word in enumerate(surface[:-1]):
        # s21 (cues; retired h31-031 "af gesloten sins vanochtend"): "sins" before a
        # time is "sinds" as spoken Dutch says it (the d of -nds is not heard); the
        # spelling tolerance keeps it, an English word. Only before a time.
        if word == "sins" and (surface[at + 1] in _TIMES_AFTER_SINCE
                               or surface[at + 1].isdigit()):
            extra.setdefault("sinds", []).append(at)
    for at, word in enumerate(surface):
        # "er ... uit" is "eruit" split (ANS, gesplitst voornaamwoordelijk bijwoord:
        # "ze moet er met de kinderen uit" = "moet eruit"), in one clause
        joined = _SPLIT_ER.get(word)
        if joined is None:
            continue
        before = at - 1
        while before >= 0 and toks[before][0].isalnum() and (
                surface[before] not in _CLAUSE_END):
            if surface[before] == "er":
                extra.setdefault(joined, []).append(at)
                break
            before -= 1
    # positions of possessives by the article they may stand for
    owners = {article: [i for i, word in enumerate(surface) if word in possessives]
              for article, possessives in POSSESSIVES.items()}
    # every word that occurs, as itself or as a compound's head (a quick test)
    present = frozenset(exact) | frozenset(heads_of) | frozenset(
        article for article, places in owners.items() if places) | frozenset(
        extra) | (NOUN_NEGATIONS if lacks else frozenset())
    if any(_participle(w) for w in surface):
        # a participle may stand for "is" + participle in a verbless note
        # (:func:`_telegraphic`, which reads the sentence): the cue is tried
        present |= {"zijn", _TELEGRAPHIC}
    return _Words(surface=surface, quoted=_quoted(text), toks=toks, clause=clause,
                  exact=exact, heads=heads_of, extra=extra, lacks=lacks, owners=owners,
                  present=present, where={})


class _Question:
    """A question's folded words (``surface``), their lemmas (``toks``), the clause of
    each position, and where each cue word occurs (computed once per word: detection
    reads hundreds of cues). The words are read once per text (:func:`_words_of`) and
    shared: read-only; what :func:`detect` sets is this reading's own."""

    __slots__ = ("_covered", "_exact", "_extra", "_heads", "_lacks", "_owners", "_where",
                 "blocked", "clause", "covers", "idioms", "owned", "present", "quoted",
                 "reading", "surface", "things", "toks", "ways")

    def __init__(self, question: str, spelling: Sequence[str] = ()) -> None:
        words = _words_of(question, tuple(spelling))
        self.surface = words.surface
        #: Positions of words inside quotation marks (:func:`_quoted`).
        self.quoted = words.quoted
        self.toks = words.toks
        self.clause = words.clause
        self._exact = words.exact
        self._heads = words.heads
        #: Words a position also stands for (a joined separable verb's particle and
        #: joined lemma, a misspelt cue word, "eruit" split).
        self._extra = words.extra
        #: Positions of words of lack (:data:`LACKS`).
        self._lacks = words.lacks
        #: Positions of possessives by the article they may stand for.
        self._owners = words.owners
        #: Every word that occurs, as itself or as a compound's head (a quick test).
        self.present = words.present
        self._where = words.where
        #: Positions inside a figurative use (set by :func:`detect`).
        self.blocked: frozenset[int] = frozenset()
        #: Positions inside an idiom (``signals.figurative``), set by :func:`detect`: an
        #: adverbial idiom stands for one word ("pakt af en toe geld" = "pakt soms geld").
        self.idioms: frozenset[int] = frozenset()
        #: Positions of a noun that is a thing here, not an act (:func:`_things`), set by
        #: :func:`detect`: no one-word cue reads it.
        self.things: frozenset[int] = frozenset()
        #: Positions of a particle that is a direction after a way (:func:`_ways`), set
        #: by :func:`detect`: it makes no separable verb.
        self.ways: frozenset[int] = frozenset()
        #: Positions of a negation inside a cue that holds it (:func:`_owned`), set by
        #: :func:`detect`: it is that cue's, and negates nothing before it.
        self.owned: frozenset[int] = frozenset()
        #: The file's phrasal cues by word (:func:`_phrasal_index`) and the family being
        #: read (set by :func:`detect`), for :func:`_covered`; its answers, memoised.
        self.covers: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}  # _PhrasalIndex
        self.reading: str | None = None
        self._covered: dict[tuple[str | None, tuple[str, ...], int], bool] = {}

    def where(self, word: str) -> tuple[int, ...]:
        """Positions whose word is ``word`` (see :func:`same`), in order; none for a
        word not in ``present`` (every word found here is in it)."""
        found = self._where.get(word)
        if found is None:
            exact = self._exact.get(word, [])
            if len(word) >= _MIN_HEAD and word.isalpha() and word not in NEGATIONS:
                found = tuple(sorted(set(exact) | set(self._heads.get(word, []))))
            elif word in self._owners:
                found = tuple(sorted(set(exact) | set(self._owners[word])))
            elif word in NOUN_NEGATIONS:
                found = tuple(sorted(set(exact) | set(self._lacks)))
            else:
                found = tuple(exact)
            if word in self._extra:
                found = tuple(sorted(set(found) | set(self._extra[word])))
            self._where[word] = found
        return found


#: Words that open a time after "sinds" (folded): a day, a part of it, a date, a
#: stretch ("sinds vorige week", "sinds de 3e", "sinds een week").
_TIMES_AFTER_SINCE = frozenset([
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "gisteren", "gister", "gisteravond", "gistermiddag", "gisterochtend", "gistermorgen",
    "eergisteren", "eergister", "vanochtend", "vanmorgen", "vannacht", "vanmiddag",
    "vorige", "afgelopen", "de", "een", "twee", "drie", "kort", "begin", "half",
    *MONTH_NUMBERS])


#: Possessive determiners (Dutch, English; from any grammar), as cue words.
_OWNERS = frozenset(["mijn", "zijn", "haar", "hun", "my", "his", "her", "their"])
#: The pronominal adverbs of :data:`PARTICLES` split in a clause ("er ... uit", "er ...
#: af"; ANS, gesplitst voornaamwoordelijk bijwoord): the preposition stands for the
#: whole word when "er" comes before it in its clause ("moet er met de kinderen uit",
#: "het gas gaat er morgen af").
_SPLIT_ER: Mapping[str, str] = {"uit": "eruit", "af": "eraf"}


#: The shortest word the spelling tolerance reads (the ranker's: :mod:`.text`).
_MIN_TYPO = 6
#: At most this many edits (optimal string alignment: a letter left out, added, changed,
#: or two neighbours swapped) between a misspelt question word and its cue word.
_TYPO_EDITS = 1


def _dropped_n(word: str, spelling: Sequence[str]) -> str | None:
    """The lemma of the cue word that ``word`` is with its final -n dropped, or None
    (session 12, safety31; retired h21-017 "stemme die zegge", h21-031 "afgeslote"):
    spoken Dutch drops the -n of the ending -en (ANS 'Uitspraak': the n-deletion, "lope",
    "geslote"), and phone writers write it as said. Read only where the word with -n is a
    cue word as written (``spelling``, sorted) and the word as it stands is no word of
    its own (not common Dutch: "jonge" stays "jonge"; not English)."""
    if not word.endswith("e") or word.endswith("ee"):
        return None
    full = word + "n"
    at = bisect.bisect_left(spelling, full)
    if at == len(spelling) or spelling[at] != full:
        return None
    if commonness.zipf(word, "nl") > 0 or simplemma.is_known(word, lang="en"):
        return None
    return lemma(full)


def _misspelt(word: str, tok: str, spelling: Sequence[str]) -> str | None:
    """The lemma of the cue word that the question's ``word`` (folded, its lemma ``tok``)
    misspells, or None (session 12, safety29; retired h13-024 "dinsdg", h19-013
    "ventillatie"): the ranker's spelling tolerance (:func:`.text.may_be_misspelt`,
    :func:`.text.misspelling_of`) over the cue words as written. A word that is a cue
    word is read as it stands; one that also reads as a compound of Dutch words needs
    the ranker's surer match (its :data:`.text._SURE_FUZZY`).

    Two guards the ranker does not need, measured over every question file: the cue
    words are a small vocabulary, without the words a question word is closer to, so
    the ranker's tolerance alone read "scouting" as "shouting", "slipped" as "slapped",
    "aangebrande" as "aangerand" and "achteraf" as "achterna". A word of the English
    dictionary (simplemma) or a common Dutch word (:mod:`.commonness`: "slechts") is no
    misspelling, and a misspelling is one edit away
    (:data:`_TYPO_EDITS`: a letter left out, added, changed or two swapped: "dinsdg",
    "zelfmoort", "angtsig")."""
    if not spelling or not word.isalpha():
        return None
    dropped = _dropped_n(word, spelling)
    if dropped is not None:
        return None if dropped == tok else dropped
    if not may_be_misspelt(word):
        return None
    if simplemma.is_known(word, lang="en") or commonness.zipf(word, "nl") > 0:
        return None  # "scouting" is no "shouting", "slipped" no "slapped", "slechts" no "slecht"
    compound = any(simplemma.is_known(head, lang="nl") for head in heads(tok))
    meant = misspelling_of(word, spelling, sure=compound)
    if meant is None or OSA.distance(word, meant) > _TYPO_EDITS:
        return None
    found = lemma(meant)
    return None if found == tok else found


def _find(cue: tuple[str, ...], q: _Question) -> Iterable[int]:
    """Start positions where ``cue`` occurs in the question (words in order, small gaps,
    one clause; a separable particle that ends the cue anywhere later in the clause);
    failing that, the cue's words in any order within one clause and a window of the
    cue's length plus :data:`MAX_GAP` (Dutch puts the verb last in a subordinate
    clause: "dat ze het niet meer ziet zitten", "haar telefoon controleert")."""
    if not all(w in q.present for w in cue):
        return
    clause = q.clause
    found = False
    if len(cue) == 2 and cue[0] == "zijn" and _TELEGRAPHIC in q.present:
        for start in _telegraphic(cue[1], q):
            found = True
            yield start
    # s12 (safety30): a Dutch cue that ends in a verb ("spullen geven") also reads the
    # verb as a participle that closes its clause ("dat hij al zijn spullen aan de buren
    # heeft gegeven"): the participle stands last in the Dutch verbal bracket (ANS,
    # tangconstructie), as far from its object as a separable particle
    verb_last = (len(cue) > 1 and cue[-1].endswith("en") and cue[-1].isalpha()
                 and cue[-1] not in ARTICLES and not english(cue)
                 and not any(w in NEGATIONS for w in cue)
                 and (cue[-2] not in STOPWORDS
                      # s16 (xfail26; outside19 o19-03 "die ... hem in zijn kamer
                      # opsluit"): a joined separable verb after its pronoun object, the
                      # form :func:`_joined` gives "sluit hem op" for a subordinate clause
                      or (cue[-2] in _OBJECTS and split_separable(cue[-1]) is not None)))
    # (the word before the verb is its object, a content word: a cue with an auxiliary
    # is the verb cluster itself, "is dichtgedraaid" read as "zijn gas ...
    # dichtgedraaid" took the possessive for the verb; "er uitgegooid" is no object and
    # verb, "er net de oude tegels uitgegooid" throws out the tiles)
    for start in q.where(cue[0]):
        pos, ok = start, True
        for n, word in enumerate(cue[1:], start=2):
            far = n == len(cue) and word in PARTICLES
            closing = n == len(cue) and verb_last
            # s10 (safety21): a particle far from its verb ends the verb's clause, so
            # not after a conjunction and another inflected verb, which open a clause of
            # their own ("slapen met jassen aan en het vriest buiten": "buiten" is the
            # weather's; "zetten ze gas en stroom uit" stays one clause)
            # after "geen"/"no" at most one word (an adjective: "geen eigen huis"):
            # "geen eten in huis" denies the food, not the house
            gap = 1 if cue[n - 2] in NOUN_NEGATIONS else MAX_GAP
            # after a possessive the noun is the person itself, not a compound that
            # ends in it: "mijn buurvrouw" is no "mijn vrouw", "haar buurman" no "haar
            # man" (s7, safety8: a neighbour who hits her dog is no partner signal)
            owned = cue[n - 2] in _OWNERS
            # a verb particle right after "her"/"haar" makes it the verb's object, not a
            # possessive ("threw her out last night" is no "her last night"; English
            # phrasal verbs, ANS scheidbare werkwoorden): a possessive's gap holds none
            nxt = next((p for p in q.where(word) if p > pos and clause[p] == clause[start]
                        and ((far and not _new_clause(q, pos, p)
                              and not _particle_claimed(q, pos, p))
                             or (closing and _closing_participle(q, p)
                                 and not _new_clause(q, pos, p)
                                 and not _CLAUSE_END.intersection(q.surface[pos + 1:p]))
                             or p - pos - _idiom_words(q, pos, p) <= gap + 1)
                        # a particle inside an idiom is none ("pakt af en toe geld")
                        and not (word in _VERB_PARTICLES and p in q.idioms)
                        and not (owned and q.toks[p] != word and word in heads(q.toks[p]))
                        # (before a closing verb "haar" is that verb's object, no
                        # possessive: "dat hij haar in de schuur opsluit"; s16, xfail26)
                        and not (owned and not closing and _VERB_PARTICLES.intersection(
                            q.surface[pos + 1:p]))
                        # s13 (safety33): a pronoun as a preposition's object stands
                        # right after it ("bang voor hem"; "bang voor school sinds hij"
                        # is afraid of school)
                        and not (cue[n - 2] in PREPOSITIONS and word in _OBJECTS
                                 and p != pos + 1)),
                       None)
            if nxt is None:
                ok = False
                break
            pos = nxt
        if ok:
            found = True
            yield start
    if (found or len(cue) < 2 or any(w in NOUN_NEGATIONS for w in cue) or english(cue)
            or cue[0] == "niet"):
        # a cue with "geen"/"no", or an English one, holds its word order; so does one
        # that opens with "niet" before its verb ("niet meer leven"): "niet" stands
        # before what it negates except the finite verb of a main clause (ANS), and a
        # finite verb before it is another sentence ("haar man leeft niet meer": he is
        # dead; "wil niet meer leven": a wish) (session 10, safety22)
        return
    window = len(cue) + MAX_GAP
    places = [tuple(p for p in q.where(w) if not (
        n and cue[n - 1] in _OWNERS and q.toks[p] != w and w in heads(q.toks[p]))
        and not (w in _VERB_PARTICLES and p in q.idioms))
        for n, w in enumerate(cue)]  # after a possessive no compound (see above)
    if not all(places):
        return
    for start in sorted({p for ps in places for p in ps}):
        taken: list[int] = []
        for ps in places:
            hit = next((p for p in ps if start <= p < start + window
                        and clause[p] == clause[start] and p not in taken), None)
            if hit is None:
                break
            taken.append(hit)
        else:
            if not _preposition_after(cue, q, taken):
                yield start
                return


#: Finite forms that a verbless note leaves out, and the other finite verbs of a
#: sentence it reads as one with its verb (:func:`_telegraphic`): the finite forms of
#: the carriers (:data:`_CARRIERS`) as written, plural ones included (their lemma is the
#: word itself, so :func:`_inflected` does not see them).
_FINITE_FORMS = frozenset([
    "is", "was", "zijn", "waren", "wordt", "word", "werd", "werden", "worden", "heeft",
    "heb", "hebt", "hebben", "had", "hadden", "gaat", "ga", "gaan", "ging", "gingen",
    "kan", "kun", "kunt", "kunnen", "kon", "konden", "moet", "moeten", "moest", "moesten",
    "wil", "wilt", "willen", "wou", "wilde", "wilden", "zal", "zullen", "zou", "zouden",
    "mag", "mogen", "mocht", "mochten", "komt", "komen", "kwam", "kwamen", "blijft",
    "bleef", "laat", "liet", "doet", "deed", "dreigt", "dreigen"])
#: Words that put a verbless note's participle ahead of now ("stroom morgen
#: afgesloten", "bijna afgesloten"): a time to come, or the days of the week (said
#: alone, the next one or the last).
_NOT_YET = frozenset([
    "morgen", "overmorgen", "straks", "binnenkort", "bijna", "volgende", "komende",
    "over", "per", "vanaf", "anders", "als", "indien", "dreiging", "dreigt",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"])


#: A mark in ``present`` (no word has it): the question holds a participle that a
#: verbless note may use for "is" + participle (:func:`_telegraphic`).
_TELEGRAPHIC = " telegraphic"


def _participle(word: str) -> bool:
    """True when ``word`` (folded) has the form of a Dutch past participle: "ge-" with
    a stem, or a separable particle before it ("afgesloten", "dichtgezet"; ANS, het
    voltooid deelwoord)."""
    if word.startswith("ge") and len(word) > 4:
        return True
    if any(word.startswith(p + "ge") and len(word) > len(p) + 4 for p in PARTICLES):
        return True
    # s22 (cues; retired h40-027 "meter verzegeld"): a verb with an unstressed prefix
    # takes no "ge-" (ANS, voltooid deelwoord: "verzegeld", "ontkoppeld", "betaald"); a
    # weak verb's participle ends in -d, or in -t after a voiceless stem ('t kofschip:
    # "verstopt"), where a present in -t ends a voiced stem ("vertelt" is none)
    prefix = next((p for p in _UNSTRESSED if word.startswith(p)), None)
    if prefix is None or len(word) < len(prefix) + 4:
        return False
    return word.endswith("d") or (word.endswith("t") and word[-2] in "tkfschp")


#: The unstressed verb prefixes that take no "ge-" in the participle (ANS).
_UNSTRESSED = ("ver", "ont", "be", "her", "er")


def _telegraphic(participle: str, q: _Question) -> Iterable[int]:
    """Positions of ``participle`` (a cue's "zijn" + participle, "is afgesloten") in a
    sentence without a finite verb (session 21, cues; outside24 o24-25 "stroom
    vanochtend afgesloten. baby 4 mnd."): a note or a chat leaves the finite
    auxiliary out (ANS, ellips; the telegram style of "stroom afgesloten", "gas
    dichtgezet"), and the participle alone then says the state the cue says with "is".
    Dutch only, not negated here (:func:`_matches` asks), and not where the sentence
    places it ahead (:data:`_NOT_YET`: "stroom morgen afgesloten") or holds a finite
    verb (:data:`_FINITE_FORMS`, :func:`_inflected` other than a participle)."""
    for at in q.where(participle):
        word = q.surface[at]
        if not _participle(word) or english((word,)):
            continue
        sentence = _sentence_span(q, at)
        first, last = sentence.start, sentence.stop - 1
        if not any(q.surface[i] in _FINITE_FORMS or q.surface[i] in _NOT_YET
                   or (q.surface[i].isdigit() and i + 1 <= last and q.toks[i + 1] in (
                       "dag", "week", "maand"))
                   or (_inflected(q, i) and not _participle(q.surface[i]))
                   for i in range(first, last + 1) if i != at):
            yield at


def _preposition_after(cue: tuple[str, ...], q: _Question, taken: Sequence[int]) -> bool:
    """True when, in a cue read in any order, a preposition of the cue stands after the
    cue word it governs, or apart from its pronoun (session 13, safety33; retired h7-045
    "mijn vriend vaak bij mij sliep" is no "slapen bij vriend", h20-100 "doodsbang voor
    school sinds hij" no "bang voor hem"): a Dutch or English preposition comes before
    its object (ANS, voorzetselgroep), a pronoun right after it; the verb may move, the
    preposition group does not. A relative "bij wie" keeps its order ("een vriend bij
    wie ze slaapt")."""
    for n in range(len(cue) - 1):
        if cue[n] not in PREPOSITIONS:
            continue
        at, obj = taken[n], taken[n + 1]
        if at + 1 < len(q.surface) and q.surface[at + 1] in _RELATIVES:
            continue
        if obj < at or (cue[n + 1] in _OBJECTS and obj != at + 1):
            return True
    return False


#: Prepositions that stand before their object and are no verb particle at a clause's
#: end (Dutch, English; from any grammar); "op", "uit", "aan", "af" are left out.
PREPOSITIONS = frozenset(["bij", "voor", "met", "naar", "zonder", "with", "at", "for",
                          "without"])
#: Pronouns as a preposition's object, as lemmas ("hem" -> "hij").
_OBJECTS = frozenset(["hij", "zij", "ze", "hem", "haar", "mij", "me", "ons", "hen", "hun",
                      "him", "her", "them", "us"])
#: Relative pronouns after a preposition ("bij wie", "with whom").
_RELATIVES = frozenset(["wie", "welke", "whom", "which"])


def _closing_participle(q: _Question, at: int) -> bool:
    """True when the word at ``at`` is a Dutch past participle as written ("gegeven",
    "uitgedeeld", "weggegeven") that ends its clause: punctuation, a conjunction or the
    end of the question after it (ANS: the participle closes the middle field). Session
    16 (xfail26; outside19 o19-03): so does a separable verb written as one word, which
    is the finite verb of a subordinate clause and stands last in it ("dat die hem in
    zijn kamer opsluit als ..."; ANS, scheidbare werkwoorden in de bijzin)."""
    word = q.surface[at]
    split = split_separable(word)
    stem = word[len(split[0]):] if split else word
    joined = split is not None and not stem.startswith("ge")
    if not ((stem.startswith("ge") or joined) and q.toks[at] != word) or english((word,)):
        return False
    after = at + 1
    return after >= len(q.surface) or not q.toks[after][0].isalnum() or (
        q.surface[after] in _CLAUSE_END or q.surface[after] in _SUBORDINATORS)


#: Subordinating conjunctions that open a clause after a verb-final one ("... opsluit
#: zodat ze niet stoort"; ANS, onderschikkende voegwoorden), beside :data:`_CLAUSE_END`
#: (session 16, xfail26). Only to see where a clause's verbs end.
_SUBORDINATORS = frozenset(["zodat", "doordat", "voordat", "nadat", "totdat", "zodra",
                            "hoewel", "ofschoon", "indien", "tenzij", "alsof"])


def _idiom_words(q: _Question, after: int, before: int) -> int:
    """How many words strictly between two positions are inside an idiom (s10,
    safety20): "af en toe" between "pakt" and "geld" counts as one word, not three."""
    inside = sum(1 for i in range(after + 1, before) if i in q.idioms)
    return max(0, inside - 1)


@functools.lru_cache(maxsize=20_000)
def english(cue: tuple[str, ...]) -> bool:
    """True when a cue has a word that is English and not Dutch ("her last night"):
    English keeps its word order in a clause, so such a cue is read in order only (the
    any-order reading is for the Dutch verb at the end of a clause)."""
    return any(len(w) >= _MIN_VERB and w.isalpha() and not simplemma.is_known(w, lang="nl")
               and simplemma.is_known(w, lang="en") for w in cue)


def _negated(cue: tuple[str, ...], q: _Question, start: int) -> bool:
    """A negation shortly before the cue in its clause ("geen geweld"), or right after
    it ("iets aandoen heeft ze niet gezegd", "blauwe plekken heeft hij niet") cancels
    it, unless the cue holds a negation itself."""
    if _denied_clause(q, start):
        return True  # also a cue that holds a negation ("nooit gezegd dat ze niet meer ...")
    if any(w in NEGATIONS for w in cue):
        return False
    toks = q.toks
    # s12 (safety30): a negation before a question word negates the verb that asks
    # ("weet niet waar hij vannacht moet slapen"), not the indirect question it opens
    for i in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        tok = toks[i]
        if q.surface[start] in WH_WORDS:
            break
        if not tok[0].isalnum() or tok in CLAUSE_BREAKS or _finite_verb(q, i):
            break
        if tok == "dat" and i >= 1 and toks[i - 1] == "zonder":
            # s23 (gate62; retired s62 h62-016 "zonder dat mijn man het ziet"): "zonder
            # dat" is a conjunction (ANS, 'zonder dat' as onderschikkend voegwoord) that
            # opens a clause of its own; its subject is there, not lacking
            break
        if i in q.owned:
            # s14 (safety35; retired h28-016 "ik zie hem niet vijf dagen"): a negation a
            # cue holding it reads as its own negates that cue's verb, also when the time
            # comes after it (a learner's word order), as after "niet" (below)
            break
        if (tok in _DISJUNCTIONS and i == start - 1 and start >= 3
                and any(toks[j] in NOUN_NEGATIONS for j in range(max(0, start - 4), start - 2))):
            # s22 (cues; outside25 o25-21 "Geen ontruiming of afsluiting"): "geen"/"no"
            # before nouns joined by "of"/"or" denies each of them (ANS: nevenschikking
            # onder één ontkenning; "no eviction or cut-off" is neither); "en"/"and" is
            # left out ("geen werk en ontruiming dreigt" joins clauses as well as nouns)
            return True
        if tok in NEGATIONS:
            # s13 (safety32; retired h13-026 "geen slaapplek vanacht"): "geen"/"no" is the
            # determiner of the noun after it (ANS, 'geen' als lidwoord); with a word between,
            # an adverb of time is outside its noun phrase ("geen bed vanavond", "no place
            # to stay tonight" deny the bed, not the evening); the cue's word stands for a
            # misspelt one ("vanacht")
            # s20 (dangerfirst; retired h49-100 "has had no electricity for three days"):
            # so is a span of time said with its preposition ("no power for days", "geen
            # stroom al dagen"; ANS and any English grammar: a duration adjunct), which
            # lies outside the noun phrase "no"/"geen" determines
            return not (tok in NOUN_NEGATIONS and i < start - 1
                        and (TIME_ADVERBS.intersection((q.surface[start], cue[0]))
                             or (len(cue) > 1 and cue[0] in _DURATION_FRONT)))
        if q.surface[i] in WH_WORDS:
            break
    if _risk_denied(q, start):
        return True
    # s18 (falsewarn; retired h42-100 "Nobody was hurt"): a negative pronoun as the
    # subject of a passive or a copula right before the cue ("niemand raakte gewond",
    # "nobody was hurt") denies it for everyone (ANS: 'niemand' als onderwerp)
    if (start >= 2 and q.surface[start - 1] in _PASSIVE_BE
            and q.surface[start - 2] in _NOBODY):
        return True
    # s13 (safety33; retired h20-031 "er wordt niks afgesloten"): a negation of the verb
    # between the cue's own words ("wordt niet afgesloten", "slaapt nooit buiten")
    # negates it, as one before or after it does (ANS: "niet" before what it negates, in
    # the middle field); a lack ("zonder", "geen") there belongs to a noun of its own
    # ("slaapt zonder jas buiten")
    if any(q.toks[i] in NEGATIONS_AFTER and i not in q.owned and q.toks[i - 1] not in _ABLE
           for i in _between(cue, q, start)):
        return True
    # s10 (safety21): a cue that is the person after "van" with "mogen" in its clause
    # ("mag van haar schoonfamilie niet naar buiten", "van haar vader en broers niet
    # meer naar buiten mag") names whose permission it is (ANS: "van iemand mogen"); a
    # negation after it denies the permission, not the person
    if _permission_of(q, start):
        return False
    end = start + 1
    for word in cue[1:]:  # where the cue ends (in order; else its first word)
        nxt = next((p for p in q.where(word) if end <= p < end + MAX_GAP + 2), None)
        if nxt is None:
            end = start + 1
            break
        end = nxt + 1
    for i in range(end, min(len(toks), end + NEGATION_REACH + 1)):
        tok = toks[i]
        if not tok[0].isalnum() or tok in CLAUSE_BREAKS or q.surface[i] in _CLAUSE_END:
            return False
        if _opens_main_clause(q, i):
            return False
        if tok in _ABLE:
            # s12 (safety31; retired h21-078 "SINDS GISTER KAN NIET douchen"): a negation
            # after a verb of ability is that verb's ("kan niet douchen": cannot shower,
            # a lack), not a denial of the words before it (ANS: 'niet' negates the
            # predicate of the modal)
            return False
        if tok in NEGATIONS_AFTER:
            # s11 (safety24): a negation that a cue holding it reads as its own ("al een
            # week niet gezien", "wordt nooit gehaald", "doet al dagen niet open") negates
            # that cue's verb, not the words before it
            return i not in q.owned
    return False


#: Conjunctions of a disjunction ("geen X of Y", "no X or Y"): one negation before the
#: first noun denies both (ANS; any English grammar).
_DISJUNCTIONS = frozenset(["of", "noch", "or", "nor"])


#: English subject pronouns: English puts no subject after a lexical verb, so one after
#: a cue opens a clause of its own (a run-on sentence, "she walked into a door I don't
#: want ..."). From any English grammar.
_EN_SUBJECTS = frozenset(["i", "he", "she", "we", "they"])
#: Dutch subject pronouns that are never an object or a possessive ("ze" and "zij" are
#: also "them"/"her" in speech, but not after a cue's verb and before another verb).
_NL_SUBJECTS = frozenset(["ik", "jij", "hij", "zij", "ze", "we", "wij"])


def _opens_main_clause(q: _Question, at: int) -> bool:
    """True when the word at ``at``, after a cue, is a subject
    pronoun that opens a main clause of its own, so a negation after it negates that
    clause's verb, not the cue (session 14, safety36; retired h25-081, dictated without
    punctuation: "she said she walked into a door I don't want to make it worse", and
    "haar vriend slaat haar ik weet niet wat ..."). ANS and any English grammar: a main
    clause opens with its subject and then its finite verb; Dutch may put the subject
    right after the finite verb (inversion: "slaat hij haar niet", "iets aandoen heeft
    ze niet gezegd"), so a Dutch pronoun counts only with a finite verb right after it
    (its lemma ends in -n and differs from the word as written: "ik weet", "ze durft").
    An English subject pronoun never follows a lexical verb in a statement."""
    word = q.surface[at]
    if word in _EN_SUBJECTS and word not in _NL_SUBJECTS:
        return True
    nxt = at + 1
    return (word in _NL_SUBJECTS and nxt < len(q.toks) and q.toks[nxt].isalpha()
            and q.toks[nxt].endswith("n") and q.toks[nxt] != q.surface[nxt]
            and q.toks[nxt] not in NEGATIONS)


def _between(cue: tuple[str, ...], q: _Question, start: int) -> list[int]:
    """The positions between a cue's words read in order from ``start`` (each next word
    at most :data:`MAX_GAP` words on), or none when it is not read in order: "wordt niks
    afgesloten" holds "niks"; "water is dichtgezet omdat ... niet betaald is" ends at
    "dichtgezet"."""
    inside: list[int] = []
    pos = start
    for word in cue[1:]:
        nxt = next((p for p in q.where(word) if pos < p <= pos + MAX_GAP + 1
                    and q.clause[p] == q.clause[start]), None)
        if nxt is None:
            return []
        inside.extend(range(pos + 1, nxt))
        pos = nxt
    return inside


#: Question words (Dutch, English; from any grammar): they open an indirect question
#: ("weet niet waar ...", "doesn't know where ..."), a clause of its own for a negation.
WH_WORDS = frozenset(["waar", "waarheen", "wat", "wie", "hoe", "wanneer", "waarom", "welke",
                      "welk", "where", "what", "who", "whom", "how", "when", "why", "which"])
#: Nouns of risk (Dutch, English; as lemmas): what follows them ("risico op ontruiming",
#: "at risk of sleeping rough", "gevaar dat het gas wordt afgesloten") is the danger
#: they weigh, so a negation of the noun denies that danger (session 12, safety30;
#: outside15 o15-19: "not at risk of sleeping rough"). "kans"/"chance" is left out: it
#: also takes a good thing ("geen kans op een slaapplek" is a danger).
RISKS = frozenset(["risico", "gevaar", "dreiging", "risk", "danger", "threat", "peril"])
#: Words between a risk noun and the cue it weighs ("gevaar dat het gas", "risk he
#: will be"): its preposition or "dat"/"that", a subject and an auxiliary.
RISK_REACH = 4
#: Conjunctions that link a risk noun to what it weighs: "dat"/"that" open its
#: complement; "of" is the English preposition ("risk of", "danger of").
_RISK_LINKS = frozenset(["dat", "that", "of"])


def _risk_denied(q: _Question, start: int) -> bool:
    """True when the cue at ``start`` is what a negated risk noun weighs: a noun of
    :data:`RISKS` at most :data:`RISK_REACH` words before it in its clause (no clause
    break or conjunction between, "dat"/"that" aside, which opens its complement), and a
    negation at most :data:`NEGATION_REACH` words before that noun ("geen (enkel)
    risico op", "niet in gevaar om", "not at risk of", "in no danger of", "no risk
    he will be"). "Geen gevaar, want hij slaat haar" is a conjunction away: read."""
    clause = q.clause[start]
    for r in range(start - 1, max(-1, start - 2 - RISK_REACH), -1):
        if q.clause[r] != clause or q.toks[r] in CLAUSE_BREAKS or (
                q.surface[r] in _CLAUSE_END and q.surface[r] not in _RISK_LINKS):
            return False
        if q.toks[r] in RISKS or q.surface[r] in RISKS:
            return any(q.toks[i] in NEGATIONS for i in range(max(0, r - NEGATION_REACH), r)
                       if q.clause[i] == clause)
    return False


#: Verbs of ability (lemmas; Dutch, English): "kan niet", "can not" (see :func:`_negated`).
_ABLE = frozenset(["kunnen", "can", "could"])
#: Session 18 (falsewarn): "nobody"/"niemand" and the forms of be/become/get after it
#: in a passive ("nobody was hurt", "niemand werd geslagen"): from any grammar.
_NOBODY = frozenset(["niemand", "nobody", "noone"])
_PASSIVE_BE = frozenset(["was", "is", "werd", "wordt", "raakte", "raakt", "got", "gets",
                         "were", "are", "zijn", "waren", "werden"])


#: Verbs of saying (lemmas; Dutch, English): "heeft nooit gezegd dat ..." denies what the
#: clause after "dat" says.
_SAYING = frozenset(lemma(w) for w in ["zeggen", "gezegd", "vertellen", "verteld", "beweren",
                                       "beweerd", "aangeven", "aangegeven", "say", "said",
                                       "tell", "told", "mention", "mentioned"])
#: How far before "dat"/"that" a denial of saying may start ("ze heeft nooit gezegd dat").
_DENIAL_REACH = 4
#: The words that open what a denial of saying governs: a complement clause ("dat",
#: "that") or its matter ("over", "about": "nooit iets gezegd over ...").
_DENIED_OPENERS = frozenset(["dat", "that", "over", "about"])


def _denied_clause(q: _Question, start: int) -> bool:
    """True when the cue at ``start`` is in a clause after "dat"/"that" that a denial
    governs (ANS: a negated main clause with a complement clause): "Niet dat ik er een
    eind aan wil maken" (the clause opens with "niet dat": a denial, Van Dale 'niet dat
    ...'), "ze heeft nooit gezegd dat ze niet meer wil leven", "he never said that he
    hits her" (a negation with a verb of saying). A denial reaches its own clause only:
    what comes after a comma or "maar" is read ("niet dat ik iets ga doen, maar de pillen
    liggen klaar").

    Session 11 (safety25; retired h20-074): the matter denied may also follow "over" /
    "about" after a negated verb of saying ("ze heeft nooit iets gezegd over zichzelf
    iets aandoen", "never said anything about hurting herself"); "niet over ..." alone
    denies nothing ("praat niet over school, maar ...")."""
    at = start - 1
    while at >= 0 and q.clause[at] == q.clause[start] and q.toks[at] not in CLAUSE_BREAKS:
        if q.surface[at] in _DENIED_OPENERS:
            break
        at -= 1
    else:
        return False
    if at < 0 or q.clause[at] != q.clause[start] or q.surface[at] not in _DENIED_OPENERS:
        return False
    if q.surface[at] in ("dat", "that") and at > 0 and q.surface[at - 1] in ("niet", "not") and (
            at == 1 or q.clause[at - 2] != q.clause[at]):
        return True  # "Niet dat ...", "Not that ..." opening a clause
    window = [i for i in range(max(0, at - _DENIAL_REACH), at) if q.clause[i] == q.clause[at]]
    return (any(q.surface[i] in NEGATIONS_AFTER for i in window)
            and any(q.toks[i] in _SAYING for i in window))


#: How far back "van" may stand before the person who gives a permission ("van haar
#: vader en broers"): a possessive, a person and "en" between.
_PERMISSION_REACH = 4


def _permission_of(q: _Question, start: int) -> bool:
    """True when the word at ``start`` is the person of "van iemand mogen" (ANS: the
    one who allows or forbids): "van" shortly before it, no punctuation between, and a
    form of "mogen" in the same clause."""
    clause = q.clause[start]
    for i in range(start - 1, max(-1, start - 1 - _PERMISSION_REACH), -1):
        if q.clause[i] != clause or q.surface[i] in _CLAUSE_END - {"en"}:
            return False
        if q.surface[i] == "van":
            return any(q.toks[p] == "mogen" for p, c in enumerate(q.clause) if c == clause)
    return False


#: Verbs that carry another verb (auxiliaries and modals, as lemmas): a negation before
#: one negates the verb it carries ("dat hij haar niet wil slaan"); from any Dutch and
#: English grammar.
_CARRIERS = frozenset(["willen", "kunnen", "mogen", "moeten", "zullen", "gaan", "hebben",
                       "zijn", "worden", "laten", "blijven", "durven", "hoeven", "komen",
                       "doen"])


def _inflected(q: _Question, at: int) -> bool:
    """A Dutch verb in the present or the weak past as written ("vriest", "staat",
    "slaapte"): its lemma ends in -en and the word in -t, -te or -de. A noun the
    lemmatiser also reads as a verb's stem ("stroom" -> "stromen") is none."""
    surface, tok = q.surface[at], q.toks[at]
    return (surface != tok and tok.endswith("en") and tok.isalpha()
            and surface.endswith(("t", "te", "de")))


def _new_clause(q: _Question, after: int, before: int) -> bool:
    """True when a conjunction (:data:`_CLAUSE_END`) and, after it, an inflected verb
    (:func:`_inflected`) stand between the positions ``after`` and ``before``: a clause
    of its own ("en het vriest"), not words coordinated ("gas en stroom"). From any
    Dutch grammar: a clause has its own finite verb."""
    for k in range(after + 1, before):
        if q.surface[k] in _CLAUSE_END:
            return any(_inflected(q, j) for j in range(k + 1, before))
    return False


def _particle_claimed(q: _Question, after: int, at: int) -> bool:
    """True when a subject pronoun and, right after it, an inflected verb that makes a
    verb of its own with the particle at ``at`` stand between the positions ``after``
    and ``at`` (session 13, safety33; retired h25-071, dictated without punctuation:
    "het huis is een bende ik kom de deur nauwelijks uit" is "de deur uitkomen", no
    "huis uit"): a main clause of its own puts its finite verb second, after its
    subject (ANS), and its particle closes that clause. "We moeten vrijdag ons huis
    uit" has no verb between; a verb the particle makes no verb with is not counted."""
    particle = q.surface[at]
    return any(q.surface[k - 1] in _CLAUSE_SUBJECTS and q.surface[k] != q.toks[k]
               and q.toks[k].endswith("en") and q.toks[k].isalpha()
               and simplemma.is_known(particle + q.toks[k], lang="nl")
               for k in range(after + 2, at))


def _finite_verb(q: _Question, at: int) -> bool:
    """True when the word at ``at`` is an inflected Dutch verb that carries no other verb
    ("lukt" in "als dit niet lukt stap ik eruit"): a negation before it negates that
    verb, in its own (here conditional) clause, not a cue after it (s8, safety9). A
    verb's lemma ends in -en and differs from the word as written."""
    surface, tok = q.surface[at], q.toks[at]
    return (surface != tok and tok.endswith("en") and tok not in _CARRIERS
            and tok.isalpha() and not english((surface,)))


def _span(cue: tuple[str, ...], q: _Question, start: int) -> set[int]:
    """The positions the cue's words take from ``start`` (in its clause, within the
    reach of :func:`_find`)."""
    reach = start + len(cue) * (MAX_GAP + 1)
    return {p for w in cue for p in q.where(w)
            if start <= p <= reach and q.clause[p] == q.clause[start]}


def _figurative(q: _Question, cues: tuple[tuple[str, ...], ...]) -> frozenset[int]:
    """Positions inside a figurative use ("slaat 's nachts alarm", "wil dood van het
    lawaai"): its words in order, at most :data:`MAX_GAP` words apart, in one clause and
    with no conjunction between (in "wil dood omdat ze van school ..." the "van" starts
    another clause)."""
    out: set[int] = set()
    present = q.present  # a word not in it is nowhere (perf17: no call for it)
    for cue in cues:
        for start in q.where(cue[0]) if cue and cue[0] in present else ():
            out.update(_figurative_at(q, cue, start))
    return frozenset(out)


#: In a figurative use, "..." stands for any number of words in the same clause (no
#: conjunction between): "springen ... in het zwembad" is a jump into the pool from
#: wherever ("van het dak van de schuur"), which is play.
ANY_GAP = "..."


def _figurative_words(text: str) -> tuple[str, ...]:
    """A figurative use's words, with :data:`ANY_GAP` where it holds "..."."""
    parts = [_words(part) for part in str(text).split(ANY_GAP)]
    out: list[str] = []
    for n, part in enumerate(parts):
        if n and out and part:
            out.append(ANY_GAP)
        out.extend(part)
    return tuple(out)


#: Particles that make a verb another verb (Dutch separable particles and pronominal
#: adverbs, English phrasal-verb particles): see :func:`_covered`.
_VERB_PARTICLES = PARTICLES | EN_PARTICLES


def _content(cue: tuple[str, ...]) -> frozenset[str]:
    """A cue's words less articles, pronouns and possessives (its object's grammar)."""
    return frozenset(cue) - frozenset(ARTICLES.values()) - PRONOUNS - _OWNERS


#: A file's phrasal cues by word: word -> ((family id, cue), ...).
_PhrasalIndex = Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]
#: Per signals file (by identity, the file kept): its phrasal cues by word.
_PHRASAL: dict[int, tuple[SafetySignals, _PhrasalIndex]] = {}


def _phrasal_index(signals: SafetySignals) -> _PhrasalIndex:
    """The file's cues (strong, rules, weak lists; every family) that hold a verb
    particle and another word ("kicked out", "eruit gegooid", "thrown out"), by each of
    their other words: (family id, cue)."""
    entry = _PHRASAL.get(id(signals))
    if entry is not None and entry[0] is signals:
        return entry[1]
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for family in signals.families:
        lists = [family.strong, *(g for rule in family.all_of for g in rule),
                 *(w.cues for w in family.weak)]
        seen: set[tuple[str, ...]] = set()
        for cues in lists:
            for cue in cues:
                content = _content(cue)
                if cue in seen or len(content) < 2 or not content & _VERB_PARTICLES:
                    continue
                seen.add(cue)
                for word in content - _VERB_PARTICLES:
                    index.setdefault(word, []).append((family.id, cue))
    frozen = {word: tuple(found) for word, found in index.items()}
    _PHRASAL[id(signals)] = (signals, frozen)
    return frozen


def _content_at(cue: tuple[str, ...], q: _Question, start: int) -> set[int]:
    """The positions of a cue's content words (:func:`_content`) as found from
    ``start``: each word at its first place after the one before (as :func:`_find`
    reads in order), else at its first place in the any-order window."""
    if len(cue) == 1:
        return {start}
    content = _content(cue)
    clause = q.clause[start]
    taken = [start]
    if start in q.where(cue[0]):
        for word in cue[1:]:
            at = next((p for p in q.where(word) if p > taken[-1] and q.clause[p] == clause),
                      None)
            if at is None:
                break
            taken.append(at)
        else:
            return {p for p, w in zip(taken, cue, strict=True) if w in content}
    window = start + len(cue) + MAX_GAP
    out: set[int] = set()
    for word in cue:
        at = next((p for p in q.where(word) if start <= p < window and q.clause[p] == clause
                   and p not in out), None)
        if at is not None and word in content:
            out.add(at)
    return out


def _covered(cue: tuple[str, ...], q: _Question, start: int) -> bool:
    """True when a longer cue of another family reads the words of ``cue`` found at
    ``start`` together with a verb particle: the verb with its particle is another verb
    (ANS, scheidbaar samengestelde werkwoorden; English phrasal verbs: "kick somebody
    out" is to make them leave, not to kick them), so the longer reading wins: "his
    parents kicked him out" is no "kick", "hij heeft haar eruit gegooid" no "gooit
    haar". The file's own cues are the lexicon of such verbs (for an inflected verb in
    a rule, :func:`_separable` also asks the lemmatiser's). Only a longer cue whose
    further words are all particles counts ("bang voor hem" does not cover "bang"),
    and only when the words it covers hold a verb for the particle to go with."""
    if not q.covers or q.reading is None:
        return False
    key = (q.reading, cue, start)
    found = q._covered.get(key)
    if found is not None:
        return found
    found = False
    content = _content(cue)
    mine = _content_at(cue, q, start) if content and not content & _VERB_PARTICLES else set()
    # the particle goes with a verb: one of the cue's words is one (a Dutch verb's lemma
    # ends in -n; an English word may be one): "pakt haar bankpas af" is "afpakken",
    # which leaves the card a card
    # s11 (safety24): a word right after a definite article is a noun, not the verb
    # ("de stroom eraf": the lemmatiser reads "stroom" as "stromen"); s14 (safety35;
    # retired h27-018): so is a bare stem right before "is"/"wordt", as a chat note
    # drops the article ("yo stroom is eraf": the subject before the finite verb)
    if any((q.toks[p].endswith("n") and not (p and q.surface[p - 1] in DEFINITE)
            and not _before_finite(q, p))
           or english((q.surface[p],)) for p in mine):
        for word in content:
            for family_id, longer in q.covers.get(word, ()):
                extra = _content(longer) - content
                if family_id == q.reading or not extra or not extra <= _VERB_PARTICLES \
                        or not content < _content(longer):
                    continue
                if any(mine <= _content_at(longer, q, t) for t in _find(longer, q)
                       if not _negated(longer, q, t)):
                    found = True
                    break
            if found:
                break
    q._covered[key] = found
    return found


#: Finite forms of "zijn" and "worden" (as written): the word right before one of them
#: is no finite verb itself (one finite verb per clause), and when it is a verb's bare
#: stem it is no participle either ("afgesloten is", "gezet werd" end in -n, -t, -d):
#: a noun, the clause's subject ("stroom is eraf").
_FINITE_AUX = frozenset(["is", "was", "wordt", "werd"])


def _before_finite(q: _Question, at: int) -> bool:
    """True when the word at ``at`` is a bare stem (no -n, -t, -d ending) right before a
    finite form of "zijn"/"worden" ("yo stroom is eraf", "gas werd afgesloten")."""
    return (at + 1 < len(q.surface) and q.surface[at + 1] in _FINITE_AUX
            and q.surface[at][-1] not in "ntd")


def _matches(
    cue: tuple[str, ...], q: _Question, skip: Callable[[], Mapping[int, str]] | None = None,
    literal: bool = True,
) -> bool:
    """True when ``cue`` occurs, not negated, and not at a position ``skip()`` rules out
    (position -> the separable particle that makes it another verb, or "" for a verb
    whose subject the family does not count); a cue that holds that particle itself
    ("sluit af") stands. ``skip`` is called only once the cue is found (it is costly).
    A cue whose words a longer phrasal cue of another family reads is not read
    (:func:`_covered`)."""
    for start in _find(cue, q):
        if _negated(cue, q, start) or (len(cue) == 1 and start in q.things) or (
                literal and q.blocked and _span(cue, q, start) & q.blocked) or (
                literal and _covered(cue, q, start)) or _inside_joined(cue, q, start):
            continue
        if skip is None:
            return True
        ruled = skip()
        # s18 (falsewarn; outside21 o21-03 "dat de jongen hem op zijn kamer opsluit": the
        # boy is the one who locks, 'jongen + hem opsluiten' read him as the child in
        # danger): a verb inside the cue whose subject the family does not count rules
        # the cue out, as its first word does (ANS: the subject before the object in the
        # subordinate clause); a cue that holds a reflexive is the reflexive act itself
        if _subject_before_object(cue, q, start, ruled):
            continue
        if start not in ruled or (ruled[start] != "" and ruled[start] in cue) or (
                _EN_REFLEXIVE.intersection(cue)):
            return True  # (a cue that holds the reflexive is the reflexive act itself)
    return False


def _inside_joined(cue: tuple[str, ...], q: _Question, start: int) -> bool:
    """True when a one-word cue that is a separable particle ("dicht") is found only as
    the front of a separable verb written as one word (:func:`split_separable`): session
    20 (dangerfirst; retired h46-088 "had hij alle ramen thuis dichtgeplakt", a delusion
    of gas blown in, read as a cut-off's "gas ... dicht"). The particle alone says the
    state ("het water is dicht"); joined, it makes a verb of its own (ANS: scheidbare
    werkwoorden; "dichtplakken" is to tape shut, not to shut a supply), and the joined
    verbs a rule means are cues of their own ("dichtgedraaid", "dichtgezet")."""
    if len(cue) != 1 or cue[0] not in PARTICLES or q.surface[start] == cue[0]:
        return False
    split = split_separable(q.surface[start])
    return split is not None and split[0] == cue[0]


#: Object pronouns (Dutch, English; from any grammar): "de jongen hem ... opsluit".
_OBJECT_PRONOUNS = frozenset(["hem", "haar", "me", "mij", "ons", "hen", "him", "her", "us",
                              "them"])


def _subject_before_object(cue: tuple[str, ...], q: _Question, start: int,
                           ruled: Mapping[int, str]) -> bool:
    """True when the cue holds an object pronoun with a person's noun right before it and
    a verb after it whose subject the family does not count (``ruled`` ""): "dat de
    jongen hem op zijn kamer opsluit" (session 18, falsewarn; outside21 o21-03, a man
    of 84 locked in by his grandson read as a child locked in): a noun right before an
    object pronoun is the subject of the clause's verb (ANS: in the subordinate clause
    the subject comes before the object, a pronoun object right after it), the one who
    acts, not the one in danger. A noun object ("dat haar vriend de baby ... schudt") is
    not read so: the nearest person there may be the object."""
    span = sorted(_span(cue, q, start))
    for obj in (p for p in span if q.surface[p] in _OBJECT_PRONOUNS):
        if obj == 0 or not q.toks[obj - 1][0].isalnum() or q.surface[obj - 1] in (
                _OBJECT_PRONOUNS | _SUBJECTS | _NL_SUBJECTS | _EN_SUBJECTS):
            continue
        for verb in (p for p in span if p > obj and ruled.get(p) == ""):
            if not any(q.surface[i] in _REFLEXIVE | _EN_REFLEXIVE
                       for i in range(verb + 1, min(len(q.surface), verb + 1 + _REFLEXIVE_REACH))):
                return True
    return False


#: Per cue list (by identity; the list is kept so that its id stays its own): the
#: positions of its cues by first word, those of empty cues (always tried), the first
#: words, and each cue's words as a set (:func:`_candidates`).
_CUE_TABLES: dict[int, tuple[tuple[tuple[str, ...], ...], dict[str, list[int]], list[int],
                             frozenset[str], tuple[frozenset[str], ...]]] = {}


def _candidates(cues: tuple[tuple[str, ...], ...], q: _Question) -> list[int]:
    """The positions (in order) of the cues of ``cues`` whose words are all in the
    question (``q.present``): the only ones :func:`_find` can find (it reads no other).
    The table by first word is built once per cue list (perf17: the words of the
    question met with the table's, and a cue with a missing word skipped, in C loops)."""
    entry = _CUE_TABLES.get(id(cues))
    if entry is None or entry[0] is not cues:
        table: dict[str, list[int]] = {}
        empty: list[int] = []
        for n, cue in enumerate(cues):
            if cue:
                table.setdefault(cue[0], []).append(n)
            else:
                empty.append(n)
        entry = _CUE_TABLES[id(cues)] = (cues, table, empty, frozenset(table),
                                         tuple(frozenset(cue) for cue in cues))
    _, table, empty, first, words = entry
    present = q.present
    opening = first & present
    if not opening and not empty:
        return []  # most cue lists: none of their first words occurs (session 16)
    tried = set(empty)
    for word in opening:
        tried.update(table[word])
    return [n for n in sorted(tried) if words[n] <= present]


def _first_match(
    cues: tuple[tuple[str, ...], ...],
    q: _Question,
    skip: Callable[[], Mapping[int, str]] | None = None,
    literal: bool = True,
) -> tuple[str, ...] | None:
    """The first of ``cues`` (in their order) that :func:`_matches`, else None. Only cues
    whose words are all in the question are tried (:func:`_candidates`): the same
    answer as trying them all, for a fraction of the cost."""
    for n in _candidates(cues, q):
        if _matches(cues[n], q, skip, literal):
            return cues[n]
    return None


#: Words that end a clause for a separable particle (conjunctions; Dutch and English).
#: s14 (safety35; retired h27-052): the English relative pronouns too ("9 days which
#: NEVER happens": the relative clause's negation is its own; any English grammar).
_CLAUSE_END = frozenset(["en", "of", "als", "omdat", "want", "dat", "die", "terwijl",
                         "wanneer", "and", "or", "because", "when", "but", "maar",
                         "which", "who", "whom", "whose"])
#: Reflexive objects: "ik sla mezelf voor mijn kop" harms nobody else.
_REFLEXIVE = frozenset(["mezelf", "mijzelf", "jezelf", "zichzelf", "zich", "myself",
                        "yourself", "himself", "herself"])
#: The English reflexive objects (any English grammar), read right after their verb
#: (:func:`_by_excluded`).
_EN_REFLEXIVE = frozenset(["myself", "yourself", "himself", "herself", "themselves",
                           "ourselves"])
#: A reflexive object this many words after the verb, in its clause, still makes it
#: reflexive ("slaat 's nachts om zich heen": flails, harms nobody).
_REFLEXIVE_REACH = 4
#: Subject pronouns (a pronoun stands for the person named last before it).
_SUBJECTS = frozenset(["hij", "zij", "ze", "he", "she"])
#: Auxiliaries of the Dutch and English passive ("wordt geslagen", "is hit").
_PASSIVE = frozenset(["worden", "wordt", "werd", "werden", "geworden", "is", "was", "were",
                      "been", "being", "get", "gets", "got"])


def _separable(q: _Question, at: int) -> str:
    """The separable particle at the end of the verb's clause that makes it another
    verb ('slaat de deuren dicht' is 'dichtslaan', not 'slaan'), else ""."""
    toks, surface = q.toks, q.surface
    end = at + 1
    while end < len(toks) and toks[end][0].isalnum() and surface[end] not in _CLAUSE_END:
        end += 1
    last = (surface[end - 1] if end - 1 > at and end - 1 not in q.idioms | q.ways
            else "")
    # (s22, cues: a particle after a way is a direction, "duwde me de trap af")
    # (a word inside an idiom is no particle: "pakt af en toe geld"; s10, safety20)
    if last in PARTICLES and simplemma.is_known(last + toks[at], lang="nl"):
        return last
    # s12 (safety31; probe29-021 "krijgt amper eten binnen door zijn gebit"): a phrase
    # with a preposition may follow the particle (ANS 'uitloop': a prepositional phrase
    # after the end of the verb's cluster), so the particle is the last word before it
    for i in range(at + 2, end - 1):
        if (surface[i] in PARTICLES and surface[i + 1] in _EXTRAPOSED
                and i not in q.idioms | q.ways
                and simplemma.is_known(surface[i] + toks[at], lang="nl")):
            return str(surface[i])
    return ""


#: Prepositions that open a phrase after the end of the verb's cluster (ANS 'uitloop':
#: "krijgt geen eten binnen door zijn gebit"); Dutch.
_EXTRAPOSED = frozenset(["door", "met", "na", "sinds", "vanwege", "zonder", "tijdens", "wegens",
                         "dankzij", "omwille"])


def _english_here(surface: Sequence[str], at: int) -> bool:
    """True when the word at ``at`` is English here: an English word that is no Dutch
    one ("alone", whose stem ends in -n like a Dutch verb's lemma), or a word of both
    languages between two English words ("alone at home": Dutch "at" is "ate"). Session
    16 (xfail26; probe xf26-10): such words were read as inflected Dutch verbs with the
    children before them as their subject."""
    if english((surface[at],)):
        return True
    return (0 < at < len(surface) - 1 and english((surface[at - 1],))
            and english((surface[at + 1],)))


def _by_excluded(family: Family, q: _Question) -> dict[int, str]:
    """Positions of inflected verbs that do not count for the family's ``all_of``
    rules: another (separable) verb (position -> its particle), a reflexive object, or
    a subject that is one of ``family.not_by`` (the nearest person before the verb in
    its clause; a pronoun stands for the person named last before it) (-> "")."""
    toks, surface = q.toks, q.surface
    by = {p for cue in family.not_by for w in cue for p in q.where(w)}
    people = by | {p for rule in family.all_of for cue in rule[0] for w in cue
                   for p in q.where(w)}
    out: dict[int, str] = dict.fromkeys(_done_by(q, by, people), "") if by else {}
    for at, tok in enumerate(toks):
        if (tok[0].isalnum() and at + 1 < len(surface)
                and surface[at + 1] in _EN_REFLEXIVE):
            # s15 (safety38; retired h31-034 "she has locked herself in the bathroom"):
            # an English reflexive object stands right after its verb (any English
            # grammar), and the verb then harms no one else
            out[at] = ""
            continue
        if (surface[at] == tok and at >= 2 and surface[at - 1] == "te"
                and surface[at - 2] in PARTICLES and at - 2 not in q.idioms | q.ways
                and tok.endswith("n") and simplemma.is_known(surface[at - 2] + tok, lang="nl")):
            # s22 (cues; outside25 o25-08 "dreigt de ruiten in te slaan"): "te" stands
            # between a separable verb's particle and its infinitive (ANS: "in te slaan"
            # is "inslaan"), so the infinitive is that other verb, as an inflected one
            # with its particle at the end of the clause is ("slaat de ruiten in")
            out[at] = str(surface[at - 2])
            continue
        if not tok[0].isalnum() or surface[at] == tok or not tok.endswith("n"):
            continue  # not an inflected verb (a Dutch verb's lemma ends in -n)
        if _english_here(surface, at):
            continue  # s16 (xfail26): "alone at home" holds no Dutch verb
        particle = _separable(q, at)
        if particle:
            out[at] = particle
            continue
        reach = range(at + 1, min(len(surface), at + 1 + _REFLEXIVE_REACH))
        if any(surface[i] in _REFLEXIVE for i in reach
               if all(toks[j][0].isalnum() and surface[j] not in _CLAUSE_END
                      for j in range(at + 1, i + 1))):
            out[at] = ""
            continue
        if not by or surface[at].startswith("ge"):
            continue
        clause_start = at
        while clause_start > 0 and toks[clause_start - 1][0].isalnum() and surface[
                clause_start - 1] not in _CLAUSE_END:
            clause_start -= 1
        if any(t in _PASSIVE for t in surface[clause_start:at + 4]):
            continue
        agent: int | None = None
        for i in range(at - 1, max(clause_start, at - 5) - 1, -1):
            if surface[i] in _SUBJECTS:
                agent = max((p for p in people if p < i), default=None)
                break
            if i in people:
                agent = i
                break
        if agent is None and clause_start > 0 and (
                surface[clause_start - 1] in ("en", "and")
                or (surface[clause_start - 1] == "," and at == clause_start)):
            # a verb coordinated with an elided subject ("kind bijt andere kinderen en
            # slaat"), or one that opens a clause after a comma ("driftbuien van zoon
            # (3), slaat en schopt"; "vader slaat de kinderen, schopt ze"): its subject is
            # that of the nearest clause before it that names someone, its first person
            # (a pronoun there stands for the person named last before it)
            agent = _elided_subject(q, clause_start - 1, people)
        if agent is not None and agent in by:
            out[at] = ""
    return out


#: The words that open a passive's agent ("wordt door haar zoon geslagen", "is hit by").
_AGENT = frozenset(["door", "by"])


def _done_by(q: _Question, by: set[int], people: set[int]) -> set[int]:
    """Positions of the passive clauses whose doer is one of ``by`` (a family's
    ``not_by``): the person within three words after "door"/"by" in a clause with a
    passive auxiliary (ANS: de door-bepaling van de lijdende vorm). "Mijn oom wordt door
    zijn stiefzoon opgesloten" is the stepson acting, as "zoon slaat andere kinderen"
    is (session 11, xfail21); the clause's words then count for no ``all_of`` rule.
    A clause ends at punctuation or a conjunction."""
    toks, surface = q.toks, q.surface
    out: set[int] = set()
    start = 0
    while start < len(surface):
        end = start + 1
        while end < len(surface) and toks[end][0].isalnum() and surface[end] not in _CLAUSE_END:
            end += 1
        clause = range(start, end)
        if any(surface[i] in _PASSIVE for i in clause):
            agent = next((i for d in clause if surface[d] in _AGENT
                          for i in range(d + 1, min(d + 4, end)) if i in people), None)
            if agent is not None and agent in by:
                out.update(clause)
        start = end
    return out


def _elided_subject(q: _Question, before: int, people: set[int]) -> int | None:
    """The subject a clause without one takes over (see :func:`_by_excluded`): walking
    back from ``before`` clause by clause (at punctuation and conjunctions) within the
    sentence, the first person or subject pronoun of the nearest clause that has one;
    a pronoun stands for the person named last before it. None when there is none."""
    toks, surface = q.toks, q.surface
    end = before
    while end > 0 and toks[end - 1] not in _SENTENCE_END:
        start = end
        while start > 0 and toks[start - 1][0].isalnum() and surface[start - 1] not in _CLAUSE_END:
            start -= 1
        for i in range(start, end):
            if surface[i] in _SUBJECTS:
                return max((p for p in people if p < i), default=None)
            if i in people:
                return i
        end = start - 1
    return None


#: Verbs and words that report what someone else says (lemmas; Dutch and English):
#: a plain cause in reported speech is the person's own account, which the meldcode
#: treats as a signal when it does not fit the injury ("hij zei dat hij van de fiets
#: was gevallen"), not as the asker's explanation.
_SPEECH = frozenset(lemma(w) for w in ["zegt", "zei", "vertelt", "vertelde", "beweert",
                                       "verklaart", "volgens", "says", "said", "told",
                                       "tells", "claims", "according"])
_SENTENCE_END = frozenset([".", "!", "?"])


def _plain_cause(cues: tuple[tuple[str, ...], ...], q: _Question) -> bool:
    """True when one of ``cues`` (a family's ``unless``) occurs, not negated, in the
    asker's own words: a cause that stands in reported speech (a speech verb earlier
    in its sentence) or in quotation marks is a cover story to weigh, not an
    explanation. s12 (safety28): "maar"/"but" after the speech verb opens the asker's own
    clause again ("zei dat ze stemmen hoort, maar het bleek de radio van de buren"; ANS:
    'maar' as a contrasting coordinator, a new main clause)."""
    if _first_match(cues, q) is None:
        return False
    for cue in cues:
        for start in _find(cue, q):
            if _negated(cue, q, start) or start in q.quoted:
                continue  # a quoted cause is the person's account ("'gevallen'")
            at = start - 1
            while (at >= 0 and q.toks[at] not in _SENTENCE_END and q.toks[at] not in _SPEECH
                   and q.toks[at] not in _OWN_AGAIN):
                at -= 1
            if at < 0 or q.toks[at] in _SENTENCE_END or q.toks[at] in _OWN_AGAIN:
                return True
    return False


#: Coordinators that open a new main clause in the asker's own words after reported
#: speech ("zei dat ..., maar het bleek ..."; ANS, nevenschikking met 'maar').
_OWN_AGAIN = frozenset(["maar", "but"])


def detect(signals: SafetySignals, question: str, age: int | None = None,
           today: dt.date | None = None) -> tuple[Signal, ...]:
    """The families ``question`` signals, in the file's order (pure; a family read
    only from a ``minors_all_of`` rule comes after the others). ``age`` is the
    person's age when known (see ``person_min_age``). For a person under 18 (by
    ``age``, or when the question calls them a minor) each signal carries the family
    as it applies to a minor (:meth:`Family.for_minor`). A cue inside a figurative use
    (``signals.figurative``) is not read.

    Session 13 (safety33): where the asker judges that nothing is acute ("niet acuut",
    "niets acuuts", "hij is niet in gevaar"; :func:`_assessed`), a family read only
    from the words before that judgement is one tier lower: a signal becomes its
    caution, a caution is dropped. A danger told after it ("..., maar vanmorgen stond
    hij met een mes") is read as before."""
    found = _detect(signals, question, age, today)
    if not found or not signals.assessed:
        return found
    weighed = _assessed(signals, _Question(question, signals.spelling))
    if not weighed:
        return found
    after = {s.family.id: s for s in _detect(signals, question, age, today, weighed)}
    out: list[Signal] = []
    for s in found:
        kept = after.get(s.family.id)
        if kept is not None and kept.weak <= s.weak:
            out.append(s)
        elif not s.weak:
            out.append(dataclasses.replace(s, weak=True))
    return tuple(out)


def _detect(signals: SafetySignals, question: str, age: int | None,
            today: dt.date | None, unread: frozenset[int] = frozenset()) -> tuple[Signal, ...]:
    """:func:`detect` with the positions ``unread`` not read (:func:`_assessed`)."""
    q = _Question(question, signals.spelling)
    q.idioms = _figurative(q, signals.figurative)
    q.blocked = (_at_a_distance(signals, q, today) | _rather(signals, q) | _caused(signals, q)
                 | _conditions(signals, q) | _since(q) | _settled_now(signals, q)
                 | _denied_now(signals, q) | _act_named(q)
                 | _thing_switched_off(q) | unread)
    q.things = _things(signals, q)
    q.ways = _ways(signals, q)
    q.covers = _phrasal_index(signals)
    minor = ((age < ADULT_AGE) if age is not None else _says_minor(signals, q)) or (
        _minor_in_question(question))
    # the age is the asker's own ("ik ben 14"): a parent's crisis is an adult's
    asker = age is not None and age < ADULT_AGE and not _minor_in_question(question) and any(
        int(m.group(1)) == age for m in _ASKER_AGE.finditer(" ".join(q.surface)))
    # an adult asker (or none given) who names a child under 18 by age: the child's age
    # counts for a danger told of that child ("zoon 17 ... denkt dat hij gevolgd wordt")
    named = _minor_age(question) if age is None or age >= ADULT_AGE else None
    # an older person the question names with an age ("mw 84", "oom 78", "Mevrouw (79,")
    elder_named = _elder_age(question)

    def child_age(cues: Sequence[tuple[str, ...]]) -> int | None:
        return named if named is not None and _a_childs_danger(q, cues) else None

    found: list[Signal] = []
    #: per family that gives way or makes another give way: read from a strong cue, and
    #: the words it read (one that gives way: its hit's cues; one that makes another
    #: give way: any cue of the rule or strong cue that signalled it), for :func:`_yielded`
    read: dict[str, tuple[bool, frozenset[int]]] = {}
    precise = {other for f in signals.families for other in f.yields_to}
    plain: list[bool] = []
    minors_rule: set[str] = set()
    negative = dict(signals.negative)  # families read from a ``minors_all_of`` rule

    def explained() -> bool:
        """A plain cause the asker gives ("blauwe plekken van het struikelen"), named in
        any family's ``unless``, explains a weak sign away (computed once)."""
        if not plain:
            plain.append(any(_plain_cause(f.unless, q) for f in signals.families))
        return plain[0]

    parents_only: set[str] = set()
    blocked = q.blocked
    done = (_done(q) | _done_today(q) | _lasting(q)) if any(
        f.within_days is not None for f in signals.families) else frozenset()
    for family in signals.families:
        q.reading = family.id
        # s21 (cues): an act dated done in its own clause is no danger to come
        q.blocked = blocked | done if family.within_days is not None else blocked
        q.owned = _owned(negative.get(family.id, ()), q)
        family = grown_view(family, q, question, age, named, minor)
        cue = _first_match(family.strong, q)
        old = family.person_min_age is not None and any(
            a is not None and a >= family.person_min_age for a in (age, elder_named))
        too_young = (family.not_below_age is not None and age is not None
                     and age < family.not_below_age)
        if too_young:
            if cue is not None:
                found.append(Signal(family.for_minor() if minor else family, " ".join(cue)))
            continue
        strong = cue
        fired: tuple[tuple[tuple[str, ...], ...], ...] = ((cue,),) if cue is not None else ()
        rules = family.all_of + (family.minors_all_of if minor else ())
        # s14 (safety36; retired h20-075): a plain cause explains a sign, never an act
        # of force ("ze doet de boodschappen" does not explain "duwt me")
        if cue is None and rules and not (_plain_cause(family.unless, q) and _first_match(
                family.unexplained, q) is None):
            ruled: list[Mapping[int, str]] = []

            def skip(family: Family = family,
                     ruled: list[Mapping[int, str]] = ruled) -> Mapping[int, str]:
                if not ruled:
                    ruled.append(_by_excluded(family, q))
                return ruled[0]

            for r_no, rule in enumerate(rules):
                hits: list[tuple[str, ...]] = []
                for n, group in enumerate(rule):
                    hit = ((f"age>={family.person_min_age}",) if n == 0 and old
                           else _first_match(group, q, skip if n else None))
                    if hit is None:
                        break
                    hits.append(hit)
                else:
                    cue = tuple(w for h in hits for w in (*h, "+"))[:-1]
                    fired = tuple((h,) for h in hits) if family.yields_to else rule
                    if r_no >= len(family.all_of):
                        minors_rule.add(family.id)
                    if family.id in precise and not family.yields_to:
                        # s23 (xfails; outside26 o26-14): a family others give way to
                        # reads the words of each of its rules that holds, not only the
                        # first's (shame and threat, and her boyfriend as the cause)
                        fired = fired + tuple(g for later in rules[r_no + 1:] if all(
                            _first_match(group, q, skip if n else None) is not None
                            for n, group in enumerate(later)) for g in later)
                    break
        shown = family.for_minor() if minor else family
        if cue is not None and strong is None and _no_child_for_parent(family, q, named, minor):
            parents_only.add(family.id)
        if cue is not None and (family.yields_to or family.id in precise):
            read[family.id] = (strong is not None, _read_words(fired, q))
        if cue is not None:
            elder = asker and _an_elders_danger(q, _groups(cue))
            found.append(Signal(family if elder else shown, " ".join(cue), elder=elder,
                                minor_age=child_age(_groups(cue))))
        elif family.weak and not explained():
            weak = _weak_hits(family, q, old)
            if weak:
                elder = asker and _an_elders_danger(q, weak[:WEAK_PROMOTE])
                text = " + ".join(" ".join(c) for c in weak[:WEAK_PROMOTE])
                found.append(Signal(family if elder else shown, "weak:" + text,
                                    weak=len(weak) < WEAK_PROMOTE, elder=elder,
                                    minor_age=child_age(weak[:WEAK_PROMOTE])))
    q.blocked = blocked
    found = _yielded(found, read)
    if parents_only and any(not s.weak and s.family.id not in parents_only for s in found):
        # s21 (cues): a parent named with no child, beside an adult's danger told
        # (her husband's blows): the parent is that adult, no child's parent who harms
        found = [s for s in found if s.family.id not in parents_only]
    # A signal read only from a minors' rule (a child put out of the house) comes after
    # the families read from the danger itself: where the child also has no place to
    # sleep tonight, that sentence and its service lead, and the neglect comes next.
    found.sort(key=lambda s: s.family.id in minors_rule)
    if today is not None and any(s.family.within_days is not None and not s.weak
                                 for s in found):
        # s12 (safety30; outside15 o15-05): a date months away is no eviction "binnen
        # enkele dagen": the family's signal becomes its caution
        found = [dataclasses.replace(s, weak=True)
                 if s.family.within_days is not None and not s.weak
                 and later_than(question, today, s.family.within_days) else s
                 for s in found]
    return tuple(found)


#: A day just gone, said with an act (ANS, tijdsbepalingen van het verleden): Dutch and
#: English, folded. Not "vannacht"/"vanavond" (tonight as well as last night).
_DAY_GONE = frozenset(["gisteren", "gister", "gisteravond", "gistermiddag", "gisterochtend",
                       "gistermorgen", "eergisteren", "eergister", "yesterday"])
#: Two-word times just gone ("vorige week", "last night").
_DAYS_GONE = frozenset([("vorige", "week"), ("vorige", "maand"), ("afgelopen", "week"),
                        ("afgelopen", "nacht"), ("last", "night"), ("last", "week"),
                        ("last", "month")])
#: The auxiliaries of the Dutch and English perfect and passive as written (a finite
#: form): "is ... gezet", "werd ... ontruimd", "heeft ... gezet", "was evicted".
_PERFECT = frozenset(["is", "was", "zijn", "waren", "werd", "werden", "heeft", "hebben",
                      "had", "hadden", "has", "have", "were", "got", "been"])
#: Words that place something in the same part still to come ("... en moet morgen ...").
_AHEAD_WORDS = frozenset(["morgen", "overmorgen", "volgende", "komende", "straks",
                          "binnenkort", "tomorrow", "next", "tonight", "vanavond"])


def _done(q: _Question) -> frozenset[int]:
    """Positions of an act told as done on a day just gone (session 21, cues; outside24
    o24-11 "Hij is gisteren door zijn huisgenoot op straat gezet"): the part of a
    clause, up to a conjunction (:data:`_CLAUSE_END`), that holds a finite auxiliary of
    the perfect or the passive (:data:`_PERFECT`) and a day just gone (:data:`_DAY_GONE`,
    "vorige week", "last night"): the act it tells has happened (ANS, voltooide tijd met
    een tijdsbepaling van het verleden). A family acute only before the day
    (:attr:`Family.within_days`: an eviction or a cut-off to come) does not read it
    there; "volgende week" in another sentence (a job interview) then dates nothing it
    reads. A part that also names a time ahead ("is gisteren aangezegd voor morgen")
    is read as before."""
    out: set[int] = set()
    for start, end in _clause_parts(q):
        words = q.surface[start:end]
        pairs = set(itertools.pairwise(words))
        if (_PERFECT.intersection(words) and (_DAY_GONE.intersection(words)
                                              or pairs & _DAYS_GONE)
                and not _AHEAD_WORDS.intersection(words)):
            out.update(range(start, end))
    return frozenset(out)


def _clause_parts(q: _Question) -> Iterator[tuple[int, int]]:
    """The parts of a question as ``(start, end)`` surface positions: a run of words up
    to a conjunction (:data:`_CLAUSE_END`) or a sign; the walk :func:`_done` and
    :func:`_done_today` share."""
    n = len(q.surface)
    start = 0
    while start < n:
        end = start
        while end < n and q.toks[end][0].isalnum() and (
                end == start or q.surface[end] not in _CLAUSE_END):
            end += 1
        yield start, end
        start = end + 1 if end < n and not q.toks[end][0].isalnum() else max(end, start + 1)


#: Times of the day of the question that are mostly already gone when it is told (ANS,
#: tijdsbepalingen): "vanochtend", "vanmorgen", "this morning", and the day itself
#: ("vandaag", "today", "earlier today"), folded.
_TODAY = frozenset(["vanochtend", "vanmorgen", "vandaag", "today"])
_TODAY_PAIRS = frozenset([("this", "morning")])
#: English words that put a participle ahead or in the present ("will be evicted today",
#: "is being evicted", "gets evicted", "to be evicted", "going to"): no act done.
_EN_NOT_DONE = frozenset(["will", "shall", "be", "being", "is", "are", "am", "get", "gets",
                          "getting", "to", "going", "gonna", "ll", "may", "might", "must",
                          "could", "would", "should", "can"])
#: Dutch auxiliaries of the perfect and the state passive (not "wordt": the present
#: passive, "wordt vandaag ontruimd", is the act to come).
_NL_DONE_AUX = frozenset(["is", "zijn", "was", "waren", "werd", "werden", "heeft", "hebben",
                          "heb", "hebt", "had", "hadden"])


def _done_today(q: _Question) -> frozenset[int]:
    """Positions of an act told in a past form with a time of the same day (session 23,
    xfails; outside26 o26-06 "landlord changed the locks today", outside25 o25-04 "19yo
    evicted this morning"): in the part of a clause that holds "today", "this morning",
    "vanochtend", "vandaag" (:data:`_TODAY`) and an English verb in -ed with nothing
    that keeps it ahead (:data:`_EN_NOT_DONE`: "will be evicted today") or a Dutch
    participle with an auxiliary of the perfect or none at all ("is vanochtend
    ontruimd", "vanochtend uit huis gezet"), the act has happened today (ANS, voltooide
    tijd; English simple past). A family acute only before the day
    (:attr:`Family.within_days`) does not read the verb or the time word there; the
    part's other words are read as before ("received an eviction notice this morning"
    keeps the notice). A part that also names a time or a day ahead is read as before."""
    out: set[int] = set()
    for start, end in _clause_parts(q):
        words = q.surface[start:end]
        times = [start + i for i, w in enumerate(words) if w in _TODAY]
        times += [start + i + j for i, pair in enumerate(itertools.pairwise(words))
                  if pair in _TODAY_PAIRS for j in (0, 1)]
        if times and not (_AHEAD_WORDS | _NOT_YET).intersection(words):
            finite = _FINITE_FORMS.intersection(words)
            past = [start + i for i, w in enumerate(words)
                    if len(w) > 4 and ((w.endswith("ed") and english((w,))
                                        and not _EN_NOT_DONE.intersection(words))
                                       or (_participle(w) and not english((w,))
                                           and finite <= _NL_DONE_AUX))]
            if past:
                out.update(times)
                out.update(past)
    return frozenset(out)


#: Nouns of a stretch of time (lemmas): a count of them after "al"/"for" is how long.
_SPANS = frozenset(["dag", "nacht", "week", "maand", "day", "night", "month"])
#: Small counts said in words, as in "al drie dagen", "for three days" (ANS, hoofdtelwoorden).
_COUNTS = frozenset(["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
                     "tien", "paar", "enkele", "a", "two", "three", "four", "five", "six",
                     "seven", "eight", "nine", "ten", "few", "couple"])
#: Words that say a stretch of time lasts up to now: Dutch "al" (already), English
#: "for" ("for three days"), "sinds"/"since" with a count ("sinds twee dagen").
_LASTING = frozenset(["al", "for", "sinds", "since"])


def _lasting(q: _Question) -> frozenset[int]:
    """Positions of a stretch of time said as how long something has lasted (session
    23, xfails; outside25 o25-06 "al drie dagen geen water"): "al"/"for"/"sinds" and a
    count (a digit or :data:`_COUNTS`, at most two words: "al een paar dagen", "for a
    couple of days") before a noun of time (:data:`_SPANS`) say a duration up to now
    (ANS, "al" + duur; Oxford Learner's 'for' 9), not a time the act is still to come
    ("binnen drie dagen", "over twee dagen"). A family acute only before the day
    (:attr:`Family.within_days`) does not read those words there. The bare "al dagen"
    (no count) is left to the families that read it ("al dagen geen gas")."""
    out: set[int] = set()
    for at, lemma_ in enumerate(q.toks):
        if lemma_ not in _SPANS:
            continue
        back = at - 1
        counted = False
        while back >= 0 and at - back <= 3 and (
                q.surface[back].isdigit() or q.surface[back] in _COUNTS
                or q.surface[back] == "of"):
            counted = counted or q.surface[back] != "of"
            back -= 1
        if counted and back >= 0 and q.surface[back] in _LASTING:
            out.update(range(back, at + 1))
    return frozenset(out)


def _at_a_distance(signals: SafetySignals, q: _Question,
                   today: dt.date | None) -> frozenset[int]:
    """Positions of what the question keeps at a distance from a danger now: a figure
    of speech (``q.idioms``, :func:`_figurative`), the past (:func:`_past`), a danger
    said to be dealt with (:func:`_ended`), a jest (:func:`_jest`), a text, a story or a
    part played (:func:`_topic`, :func:`_staged`). :func:`_detect` reads no cue there;
    :func:`distanced` asks whether there is any (one reading for both)."""
    return (q.idioms | _past(signals, q, today) | _ended(signals, q) | _jest(signals, q)
            | _topic(signals, q) | _unfounded(signals, q))


def distanced(signals: SafetySignals, question: str, today: dt.date | None = None) -> bool:
    """True when the safety reader finds anything in ``question`` kept at a distance
    from a danger now (:func:`_at_a_distance`: figurative, past, dealt with, a jest,
    fiction, a stage part) or judged not acute by the asker (:func:`_assessed`). For a
    danger read without a cue (the router's reading from the example questions,
    :attr:`.router.Tuning.danger_signal_share`), which has no words to place: the
    whole question is then no sign of a danger now. Pure."""
    q = _Question(question, signals.spelling)
    q.idioms = _figurative(q, signals.figurative)
    return bool(_at_a_distance(signals, q, today) or (
        signals.assessed and _assessed(signals, q)))


def _read_words(groups: Sequence[tuple[tuple[str, ...], ...]], q: _Question) -> frozenset[int]:
    """The positions of the question's words that any cue of ``groups`` reads (not
    negated, not blocked), as the family being read (``q.reading``) reads them."""
    out: set[int] = set()
    for cues in groups:
        for n in _candidates(cues, q):
            cue = cues[n]
            for start in _find(cue, q):
                span = _span(cue, q, start)
                if not (_negated(cue, q, start) or (q.blocked and span & q.blocked)):
                    out.update(span)
    return frozenset(out)


def _yielded(found: list[Signal],
             read: Mapping[str, tuple[bool, frozenset[int]]]) -> list[Signal]:
    """``found`` without the signals that give way (:attr:`Family.yields_to`): a family
    read from a rule whose words another signalled family of its ``yields_to`` also read
    with the rule (or strong cue) that signalled it. Weak readings neither give way nor
    make another give way."""
    strong = {s.family.id for s in found if not s.weak}
    out = []
    for s in found:
        own = read.get(s.family.id)
        if own is not None and not own[0] and not s.weak and any(
                other in strong and other in read and own[1] & read[other][1]
                for other in s.family.yields_to):
            continue
        out.append(s)
    return out


_MONTH = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
#: A date with numbers, day first as Dutch writes it ("12-3-2027", "12/03/27").
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b")
#: A day and a month name, with or without a year ("12 maart 2027", "3 dec", "12th of
#: March"), and the English month first ("March 12, 2027").
_NAMED_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|e)?\s+(?:of\s+)?({_MONTH})\b\.?(?:\s+(\d{{4}}))?")
_NAMED_DATE_EN = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?(?:\s+(\d{{4}}))?")
#: A time ahead in weeks or months ("over drie maanden", "in 6 weeks").
_NUMBERS: Mapping[str, int] = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
                               "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                               "six": 6, "anderhalve": 1, "paar": 2, "few": 2}
_AHEAD = re.compile(r"\b(?:over|in)\s+(\d{1,2}|" + "|".join(_NUMBERS) +
                    r")\s+(weken|week|weeks|maanden|maand|months|month)\b"
                    # s21 (cues): days after "over" ("over 10 dagen"; "dage", the -n
                    # dropped as spoken Dutch drops it: :func:`_dropped_n`). Not "in
                    # four days" (English: also how long, "hasn't slept in four days")
                    # nor "binnen een week" (how fast: "binnen een week is alles op")
                    r"|\bover\s+(\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(dagen|dage|dag)\b")
#: A day of the month without its month ("op de 14e", "on the 14th", "sinds de 3e"):
#: the nearest such day ahead, or after "sinds"/"since" the last one (session 21, cues).
_MONTH_DAY = re.compile(
    r"\b(op|on|per|tot|voor|vanaf|uiterlijk|by|before|until|sinds|sins|since)\s+(?:de|the)\s+"
    r"(\d{1,2})(?:e|ste|de|st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:" + _MONTH + r")\b)")


_HALF_YEAR = 183


def _date(year: int | None, month: int, day: int, today: dt.date) -> dt.date | None:
    """The date, a year without century read as 20xx; without a year the nearest one
    (this year's, unless it is more than half a year past: then next year's, "op 3
    maart" said in December); None for no such date."""
    try:
        if year is None:
            found = dt.date(today.year, month, day)
            if found >= today or (today - found).days <= _HALF_YEAR:
                return found
            return dt.date(today.year + 1, month, day)
        return dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None


def dates_ahead(question: str, today: dt.date) -> list[int]:
    """The days from ``today`` to each date or time ahead that ``question`` names (a
    date in numbers, day first; a day with a month name; "over drie maanden", "in 6
    weeks"); a date in the past gives a negative number. Pure."""
    folded = fold(question)
    found: list[dt.date | None] = []
    for m in _NUMERIC_DATE.finditer(folded):
        found.append(_date(int(m.group(3)), int(m.group(2)), int(m.group(1)), today))
    for m in _NAMED_DATE.finditer(folded):
        found.append(_date(int(m.group(3)) if m.group(3) else None, MONTH_NUMBERS[m.group(2)],
                           int(m.group(1)), today))
    for m in _NAMED_DATE_EN.finditer(folded):
        found.append(_date(int(m.group(3)) if m.group(3) else None, MONTH_NUMBERS[m.group(1)],
                           int(m.group(2)), today))
    days = [(d - today).days for d in found if d is not None]
    for m in _AHEAD.finditer(folded):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        count = int(number) if number.isdigit() else _NUMBERS[number]
        days.append(count * (7 if unit.startswith("week") else 1 if unit.startswith("da")
                             else 30))
    return days


def month_days(question: str, today: dt.date) -> list[int]:
    """The days from ``today`` to each day of the month the question names without its
    month ("op de 14e", "on the 14th", "sinds de 3e": :data:`_MONTH_DAY`), read as the
    nearest such day ahead, or after "sinds"/"since" the last one (session 21, cues;
    the dated rule's miss "op de 14e"). Not in :func:`dates_ahead`: the writer's month
    is not the reader's, so such a day never makes a date "further off" (retired
    h14-077 "salary only comes in on the 25th", h29-038 "on the 3rd, that's next
    week"). Pure."""
    out: list[int] = []
    for m in _MONTH_DAY.finditer(fold(question)):
        found = _month_day(int(m.group(2)), m.group(1) in _SINCE_WORDS, today)
        if found is not None:
            out.append((found - today).days)
    return out


def _month_day(day: int, since: bool, today: dt.date) -> dt.date | None:
    """The date of day ``day`` of a month, the month unsaid ("op de 14e"): the first
    one from ``today`` on, or with ``since`` the last one up to ``today`` (session 21,
    cues). None for no such day in either of the two months tried."""
    months = [(today.year, today.month)]
    if since:
        months.append((today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1))
    else:
        months.append((today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1))
    for year, month in months:
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        if (found <= today) if since else (found >= today):
            return found
    return None


def later_than(question: str, today: dt.date, within_days: int) -> bool:
    """True when ``question`` names a date or a time ahead and every one of them lies
    more than ``within_days`` days after ``today`` (session 12, safety30): "de
    ontruiming op 12-3-2027" read on 10 December 2026 is three months away, no eviction
    within days. A date within that time or in the past, or none, gives False."""
    days = dates_ahead(question, today)
    return bool(days) and all(d > within_days for d in days)


#: A state since a day just past ("sinds gisteren(avond)", "since yesterday", "sinds
#: vannacht"; folded words): a supply off since then is off now. Not the bare day ("I paid
#: it yesterday", "gisteren kwam de brief"): an event that day says nothing of now.
#: Session 19 (dangerleft): see :func:`near_in_time`.
_SINCE_WORD = r"\b(?:sinds|sins|since|vanaf)\s+"
#: The words for "since" (folded): "sins" is "sinds" as spoken Dutch says it (the d of
#: -nds is not heard; retired h31-031 "af gesloten sins vanochtend"), read only before
#: a time (session 21, cues).
_SINCE_WORDS = frozenset(["sinds", "sins", "since", "vanaf"])
_WEEKDAYS = (r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
             r"monday|tuesday|wednesday|thursday|friday|saturday|sunday")
_DAY_PAST = re.compile(_SINCE_WORD + r"(?:(?:eer)?gister(?:en|avond|middag|ochtend|morgen|nacht)?|"
                       r"yesterday|last night|vannacht|vanochtend|vanmorgen|this morning|"
                       # s21 (cues): a day's name after "sinds" is the last one (_since)
                       + _WEEKDAYS + r")\b")
#: s21 (cues; the dated rule's miss "shut off this morning"): a supply's cut-off verb
#: as a participle with a time of today or yesterday just gone, beside it: the state
#: that began then ("stroom vanochtend afgesloten", "power was shut off this morning").
#: Not a bare time with any verb ("I paid it yesterday", "vanmorgen belde hij"), and not
#: a date ("afgesloten op 1 december" may be the letter's announced day).
_CUT = (r"(?:cut|shut|switched|turned)\s+off|disconnected|afgesloten|afgekoppeld|"
        r"dichtgezet|dichtgedraaid|dichtgedaan|uitgezet|eraf\s+gehaald|van\s+het\s+net\s+gehaald")
_JUST_GONE = (r"this\s+morning|last\s+night|yesterday|vanochtend|vanmorgen|vannacht|"
              r"(?:eer)?gister(?:en|avond|middag|ochtend|morgen)?")
_CUT_AT = re.compile(r"\b(?:(?:" + _CUT + r")\s+(?:[a-z]+\s+)?(?:" + _JUST_GONE + r")|(?:"
                     + _JUST_GONE + r")\s+(?:[a-z]+\s+)?(?:" + _CUT + r"))\b")
#: "Since" before a date in numbers or with a month name ("sinds 1 december").
_SINCE_DATE = re.compile(_SINCE_WORD + r"(?:de\s+|the\s+)?(?:\d|" + _MONTH + r")")
#: A day just ahead: "morgen" (not "morgens", not "vanmorgen"), "overmorgen", "tomorrow".
_DAY_AHEAD = re.compile(r"(?<![a-z])(?:over)?morgen\b(?!\s+(?:vroeg|ochtend))|\btomorrow\b")


def near_in_time(question: str, today: dt.date | None, within_days: int) -> str | None:
    """Where the question places its danger in time when that is within ``within_days``
    days of ``today``: ``"past"`` for a state since a day just gone ("sinds gisteren",
    "since yesterday", "sinds 1 december" within ``within_days`` days; a bare "yesterday"
    is an event, as "I paid it yesterday"), ``"ahead"`` for a day to come ("morgen",
    "tomorrow", a date within ``within_days`` days), None when it names no such day (or
    names both). Session 19 (dangerleft): the examples' ⚠ of a family acute only within
    days (:attr:`Family.within_days`) asks this of the question's own words, which the
    neighbours cannot tell (:meth:`.router.Router._told_dated`). A date further off is
    :func:`later_than`'s. Pure."""
    folded = fold(question)
    past = bool(_DAY_PAST.search(folded)) or bool(_CUT_AT.search(folded))
    ahead = bool(_DAY_AHEAD.search(folded))
    if today is not None:
        days = dates_ahead(question, today)
        # s21 (cues): a day of the month without its month ("op de 14e") places the
        # danger when it falls within the days; one further off says nothing (the
        # writer's month is not the reader's), so it never rules the rest out
        near = [d for d in month_days(question, today) if abs(d) <= within_days]
        past = past or (bool(_SINCE_DATE.search(folded))
                        and any(-within_days <= d < 0 for d in days + near))
        ahead = ahead or any(0 <= d <= within_days for d in days + near)
        if days and not near and all(abs(d) > within_days for d in days):
            return None  # only dates further off: not within days, whatever else it says
    if past == ahead:
        return None
    return "past" if past else "ahead"


#: The asker's own age said in the first person ("ik ben 14", "ben pas 15", "I am 14",
#: "I'm 14"; folded words joined by spaces).
_ASKER_AGE = re.compile(
    r"\b(?:ik ben|ben|i am|i m|im)\s+(?:pas\s+|net\s+|nog\s+maar\s+|nog\s+)?(\d{1,2})\b")
#: The asker's parents and grandparents (Dutch, English; lemmas): grown-ups whose own
#: crisis is an adult's, whatever the asker's age.
_ELDERS = frozenset(lemma(w) for w in [
    "moeder", "vader", "mama", "papa", "mam", "pap", "ouders", "stiefvader", "stiefmoeder",
    "oma", "opa", "mother", "father", "mum", "mom", "dad", "parents", "stepfather",
    "stepmother", "grandma", "grandpa", "grandmother", "grandfather"])
#: The asker as a person (first person singular, subject or object; not "mijn").
_ASKER = frozenset(["ik", "me", "mij", "i"])


def _groups(cue: tuple[str, ...]) -> list[tuple[str, ...]]:
    """An ``all_of`` cue ("moeder + slaan") split back into its groups' cues."""
    out: list[list[str]] = [[]]
    for w in cue:
        if w == "+":
            out.append([])
        else:
            out[-1].append(w)
    return [tuple(g) for g in out if g and not g[0].startswith("age>=")]


def _an_elders_danger(q: _Question, cues: Sequence[tuple[str, ...]]) -> bool:
    """True when the person a signal is about is a parent or grandparent of the asker
    ("mn moeder zegt dat de duivel in ons huis zit ... ik ben 14"), not the asker: for
    the last cue found (the act or state of the rule), the nearest person before it in
    its clause is an elder word, or a subject pronoun whose person named last before it
    is one; with the asker there ("mn moeder heeft me eruit gegooid") it is the asker's."""
    for cue in reversed(cues):
        start = next(iter(_find(cue, q)), None)
        if start is None:
            continue
        at = start - 1
        while at >= 0 and q.clause[at] == q.clause[start]:
            if q.surface[at] in _ASKER:
                return False
            if q.toks[at] in _ELDERS:
                return True
            if q.surface[at] in _SUBJECTS:
                for back in range(at - 1, -1, -1):
                    if q.surface[back] in _ASKER:
                        return False
                    if q.toks[back] in _ELDERS:
                        return True
                return False
            at -= 1
        return False
    return False


#: A child of someone (Dutch, English; lemmas): the words :data:`_MINOR_CHILD` names
#: with an age, and the plain ones for a young person.
_CHILD_KIN = frozenset(lemma(w) for w in [
    "zoon", "zoontje", "dochter", "dochtertje", "stiefzoon", "stiefdochter", "pleegkind",
    "pleegzoon", "pleegdochter", "kind", "kindje", "neef", "nicht", "neefje", "nichtje",
    "broertje", "zusje", "jongen", "meisje", "tiener", "puber", "son", "daughter",
    "stepson", "stepdaughter", "child", "kid", "nephew", "niece", "boy", "girl",
    "teenager", "teen",
    # s10 (safety20): a pupil or a student named by an age (see :data:`_MINOR_CHILD`)
    "leerling", "scholier", "student", "studente", "pupil"])
#: Other people a danger may be told of (Dutch, English; lemmas): the asker's parents
#: and grandparents (:data:`_ELDERS`) and partners, neighbours, clients.
_OTHER_PEOPLE = _ELDERS | frozenset(lemma(w) for w in [
    "man", "vrouw", "partner", "vriend", "vriendin", "ex", "buurman", "buurvrouw", "buren",
    "cliënt", "client", "husband", "wife", "boyfriend", "girlfriend", "neighbour",
    "neighbor"])


def _a_childs_danger(q: _Question, cues: Sequence[tuple[str, ...]]) -> bool:
    """True when a danger is told of the child the question names (not of the asker or
    another grown-up): going back from the first cue found, the nearest person word is
    a child word (:data:`_CHILD_KIN`), not the asker ("ik", "me") nor another person
    (:data:`_OTHER_PEOPLE`). Pronouns ("hij", "ze") are passed by: they point back to
    the person named before them ("zoon 17 ..., denkt dat hij gevolgd wordt"), and so
    is a person just after "dat"/"that" (:data:`_REPORTED`: "zoon, 16, beweert dat de
    buren zijn gedachten lezen" is the son's belief). Session 15 (safety38; retired
    h32-015 "mijn dochter van 15 ... maak ik me zorgen omdat ze ... schrijft dat ze niet
    meer wil leven"): once a third-person subject pronoun is passed, the danger is told
    of that person, and the asker's own words before it ("maak ik me zorgen") are the
    asker's worry, not the danger's subject: they no longer stop the search. Session 16
    (safety39; retired h34-057 "mijn dochter van 15 ... vond ik in haar schrift een
    afscheidsbrief"): a third-person possessive just before the cue ("in haar schrift",
    "in her diary") says whose the danger is, as a subject pronoun does."""
    starts = [s for s in (next(iter(_find(c, q)), None) for c in cues) if s is not None]
    if not starts:
        return False
    third = False
    first = min(starts)
    for at in range(first - 1, -1, -1):
        third = third or q.surface[at] in _SUBJECTS or (
            first - at <= _OWNER_REACH and q.surface[at] in _THIRD_OWNERS)
        if q.surface[at] in _ASKER and not third:
            return False
        if q.toks[at] in _CHILD_KIN or q.surface[at] in _CHILD_KIN:
            return True
        if q.toks[at] in _OTHER_PEOPLE and not _REPORTED.intersection(
                q.surface[max(0, at - 3):at]):
            return False
    return False


#: Third-person possessives (not Dutch "zijn", also the verb "to be") and how many words
#: before a danger's cue one says whose it is (:func:`_a_childs_danger`; Dutch, English).
_THIRD_OWNERS = frozenset(["haar", "her", "his"])
_OWNER_REACH = 3


#: Complementisers of reported speech and belief ("beweert dat de buren ...", "says
#: that the neighbours ..."): a person named in the reported clause is its content's
#: subject, not the one who believes or says it (ANS: bijzin met "dat"; English "that").
_REPORTED = frozenset(["dat", "that"])


#: Under this age a person is a minor (Jeugdwet, BW 1:233).
ADULT_AGE = 18
#: From this age a person's sons and daughters are grown up (see ``adult_kin``): a
#: parent of 65 has a child under 18 only in very rare cases (CBS, births by age of the
#: mother); the same bound as elder abuse's ``person_min_age`` in the shipped file.
OLD_AGE = 65
#: Words before a minor word that make it someone else's ("met twee minderjarige
#: kinderen": the person has children): accompaniment and having (Dutch, English).
_WITH = frozenset(["met", "with", "heeft", "hebben", "has", "have"])


#: "niet X maar Y" (Dutch, English): "maar"/"but" after a negation opens the
#: alternative (corrective coordination; from any grammar of either language).
_BUT = frozenset(["maar", "but"])
_DENY = frozenset(["niet", "not", "nt", "never", "nooit", "geen", "no"])


#: The earliest year read as a year ("in 1999"); smaller numbers are amounts.
_FIRST_YEAR = 1900
#: The prepositions that place an event in a year ("in 2019", "back in 2019", "anno
#: 2018"): "sinds 2019" (since) is a start that may last, "tot 2019" an end to come.
_IN_YEAR = frozenset(["in", "anno"])


def _years_past(q: _Question, today: dt.date | None) -> set[int]:
    """Positions of a year before this one after "in" ("is in 2018 weggegaan", "left
    back in 2019"): the ANS's tijdsbepaling van het verleden said by its year (session
    13, safety33; retired h22-020). This year and later ones are not past."""
    this_year = (today or dt.date.today()).year
    return {at for at in range(1, len(q.surface))
            if q.surface[at].isdigit() and len(q.surface[at]) == 4
            and _FIRST_YEAR <= int(q.surface[at]) < this_year
            and q.surface[at - 1] in _IN_YEAR}


def _assessed(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """The positions before the asker's judgement that nothing is acute (session 13,
    safety33; retired h13-038 "psychotisch maar rustig, niet acuut", h19-065 "Hij is
    niet in gevaar, alleen verdrietig", h24-073 "Niets acuuts."): a professional who
    has weighed what they told says so after it (the Meldcode's step 4, "weeg het
    geweld": acute or not). Not when a verb of saying stands in the judgement's clause:
    "ze zegt dat ze niet in gevaar is" is the person's own word, which the Meldcode
    does not take as an all-clear. Nothing when no judgement is found."""
    for start in sorted(_figurative(q, signals.assessed)):
        clause = q.clause[start]
        if any(q.toks[i] in _SAYING for i, c in enumerate(q.clause) if c == clause):
            continue
        return frozenset(range(start))
    return frozenset()


def _past(signals: SafetySignals, q: _Question,
          today: dt.date | None = None) -> frozenset[int]:
    """Positions of danger placed in the past: the part of the clause around a marker
    of ``signals.past`` ("vroeger", "jaren geleden", "toen ze klein was"), from the
    previous turn word ("maar", "nu") to the next. Nothing when the question says the
    danger is current (``signals.current``: "nog steeds", "gisteren", "weer begonnen"):
    a past that comes back is read as now."""
    if not signals.past:
        return frozenset()
    # A past said to be over ("woont nu veilig", "is afgewend") stays past whatever
    # else is current ("heb nog steeds nachtmerries": the after-effect, not the
    # danger); a danger said to come back ("staat weer voor de deur") is read as now.
    if _said(q, signals.recurs) or (
            _current(signals, q) and not _said(q, signals.settled)):
        return frozenset()
    out: set[int] = set()
    phrases = tuple(c for c in signals.past if len(c) > 1 or not signals.past_as_written)
    words = {i for i, w in enumerate(q.surface) if w in signals.past_as_written}
    words |= _years_past(q, today)
    for start in sorted(_figurative(q, phrases) | words):
        if start not in out:
            part = _clause_part(q, start, signals.turns)
            out.update(part)
            out.update(_referred_to(q, part.start))
    return frozenset(out)


#: Session 18 (falsewarn): the negations of time ("nooit", "never"): a repetition after
#: one in its clause is wished away ("I just want it never to happen again", "dat het
#: nooit meer gebeurt"), not said (ANS: 'nooit meer'; Oxford Learner's 'never again').
_NEVER = frozenset(["nooit", "never"])
#: How far before the marker the negation stands ("never want that to happen again").
_NEVER_REACH = 5


def _current(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of the markers that make a danger current (``signals.current``: "nog
    steeds", "gisteren", "again"), less those after "nooit"/"never" in their clause
    (session 18, falsewarn; retired h42-089 "Last winter our power was cut for two
    days, ... I just want it never to happen again")."""
    return frozenset(at for at in _figurative(q, signals.current)
                     if not any(q.surface[i] in _NEVER for i in range(max(0, at - _NEVER_REACH), at)
                                if q.clause[i] == q.clause[at]))


#: Demonstratives that, as a clause's subject, stand for what was told just before
#: ("dat is twee jaar geleden", "that was years ago"; ANS: the anaphoric 'dat'/'dit',
#: Oxford Learner's 'that' as a pronoun). From any grammar of Dutch and English.
_ANAPHORS = frozenset(["dat", "dit", "het", "that", "this", "it"])
#: Finite forms of "zijn"/"be" that the anaphor is the subject of.
_BE_FORMS = frozenset(["is", "was", "zijn", "waren", "were", "s"])


def _referred_to(q: _Question, left: int) -> range:
    """The words before ``left`` in its sentence when the part that opens at ``left``
    is an anaphor and a form of "zijn"/"be" ("maar dat is twee jaar geleden", "but that
    was years ago"): the past marker in it dates what the anaphor stands for, the words
    told just before it (session 14, safety36; retired h27-003 "duwde me soms, maar dat
    is 2 jaar geleden"). Nothing for a part that opens otherwise ("... maar jaren
    geleden sloeg hij ook al" dates its own clause only)."""
    opens = left
    while opens < len(q.surface) and (q.surface[opens] in CLAUSE_BREAKS
                                      or q.surface[opens] in ("en", "and")):
        opens += 1  # the turn word itself ("but that was ...")
    if (opens + 1 >= len(q.surface) or q.surface[opens] not in _ANAPHORS
            or q.surface[opens + 1] not in _BE_FORMS):
        return range(0)
    return range(_sentence_span(q, left).start, left)


def _clause_part(q: _Question, start: int, turns: Iterable[str]) -> range:
    """The part of ``start``'s clause around it, from the previous turn word (one of
    ``turns``: "maar", "nu") to the next, the turn words left out. Words in brackets are
    an insertion in that clause (:func:`_outer_clauses`)."""
    clause = _outer_clauses(q)
    left = start
    while (left > 0 and clause[left - 1] == clause[start]
           and q.surface[left - 1] not in turns):
        left -= 1
    right = start
    while (right + 1 < len(q.surface) and clause[right + 1] == clause[start]
           and q.surface[right + 1] not in turns):
        right += 1
    return range(left, right + 1)


def _outer_clauses(q: _Question) -> list[int]:
    """Per position the clause it belongs to when a bracketed insertion is read as part
    of the clause around it (ANS, haakjes: "woorden tussen haakjes zijn een inlassing";
    the sentence goes on after the closing bracket): "Zaak van vorig jaar (bedreiging
    door ex) is afgerond" dates and ends the threat in brackets (session 15, safety38;
    retired h30-038). Other punctuation still ends a clause, as in ``q.clause``; the
    brackets themselves belong to the clause they stand in."""
    out: list[int] = []
    number = 0
    for tok in q.toks:
        if tok[0].isalnum() or tok in _BRACKETS:
            out.append(number)
        else:
            number += 1
            out.append(-1)
    return out


_BRACKETS = frozenset(["(", ")"])


@functools.lru_cache(maxsize=256)
def settled_cues(texts: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Cues written as in the signals file ("is ... opgelost") in the form
    :func:`settled_parts` reads."""
    return tuple(_figurative_words(t) for t in texts)


#: The conjunctions of :data:`_CLAUSE_END` and the router's clause openers
#: (:data:`.text.CLAUSE_OPENERS`: the subordinating "sinds", "nadat", "toen", "zodat",
#: "since", "while" too) less "die", "dat" and "that", which are as often demonstratives
#: ("bij die organisatie", "dat is achter de rug"). Session 16 (nextstep): a settled cue
#: in a subordinate clause of time or cause ends that clause, not the main one: in "ik
#: heb geen inkomen meer sinds mijn WW is afgelopen" the WW is over, the lack of income
#: is the need (ANS 10.3: the subordinating conjunction opens its own clause; r27-17
#: put Kwijtschelding over the Bijstand when "geen inkomen" was read as settled too).
_CONJUNCTIONS = (_CLAUSE_END | CLAUSE_OPENERS) - frozenset(["die", "dat", "that"])


def settled_parts(signals: SafetySignals, question: str,
                  more: tuple[tuple[str, ...], ...] = (),
                  exact: tuple[str, ...] = ()) -> frozenset[tuple[int, str]]:
    """What ``question`` says is over, tried or already done: the parts of clauses
    around a plain (not negated) settled cue -- ``signals.handled`` ("is opgelost", "al
    gemeld", "is afgewend") and ``more`` (the router's: "geprobeerd", "achter de
    rug", "niet meer aan de orde") -- from the previous turn word or conjunction
    ("maar", "nu", "en") to the next. As (clause number, folded word) pairs, the clause
    counted by punctuation, so that a reader with its own tokens can find them. The
    same reading as safety's settled past danger (:func:`_past`, :func:`_said`): one
    grammar of "it is over" for both (session 10, router21). The file's other settled
    cues ("is overleden", "woont nu veilig") end a danger, not a service (session 10,
    safety22): "sinds zijn moeder is overleden" says why help is asked.

    ``exact``: cues matched as written, word for word in one clause, not by their
    lemmas (session 11, router23: the past markers "vroeger", "jaren geleden", "years
    ago"; by lemma "vroeger" is also "hij vroeg", asked, and "jaren geleden" is "twee
    jaar geleden", which dates the need)."""
    q = _Question(question)
    turns = signals.turns | _CONJUNCTIONS
    out: set[int] = set()
    for marker in exact:
        for at in _matched_as_written(q, tuple(_TOKEN.findall(fold(marker)))):
            if at not in out:
                out.update(_clause_part(q, at, turns))
    for cue in (*signals.handled, *more):
        if all(w in STOPWORDS or w == ANY_GAP for w in cue):
            # grammar words only: English "is over" read by its lemmas is Dutch "er
            # zijn schulden over" (there are debts left), which is no ending
            continue
        for at in sorted(_matched_plainly(q, cue)):
            if at not in out:
                out.update(_clause_part(q, at, turns))
    clause, pairs = 0, set()
    for i, word in enumerate(q.surface):
        if not word[0].isalnum():
            clause += 1
        elif i in out:
            pairs.add((clause, word))
    return frozenset(pairs)


def _ended(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of a danger said to be dealt with in its own part of a sentence
    (session 12, safety30; outside15 o15-17): around a plain (not negated) cue of
    ``signals.ended`` ("is afgewend", "is van tafel", "afgeblazen", "called off"), from
    the previous turn word or conjunction to the next, as :func:`settled_parts` reads
    it for the router (one grammar of "it is over" for both). "De ontruiming is van
    tafel" names the eviction that no longer comes; "... maar het gas gaat morgen
    eraf" is another part and is read; "niet van de baan" is a negation, not an end."""
    if not signals.ended:
        return frozenset()
    turns = signals.turns | _CONJUNCTIONS
    # s13 (safety33; retired h19-046 "The cut-off for a man of 63 has been cancelled"):
    # an English ending is bounded by English conjunctions; Dutch "of" (or, whether) is
    # the English preposition "of"
    english_turns = turns - _DUTCH_ONLY
    out: set[int] = set()
    for cue in signals.ended:
        if not cue or cue[0] not in q.present or all(
                w in STOPWORDS or w == ANY_GAP for w in cue):
            continue  # grammar words only: see settled_parts
        for at in sorted(_matched_plainly(q, cue)):
            if at not in out:
                out.update(_clause_part(q, at, english_turns if english(cue) else turns))
    return frozenset(out)


#: Conjunctions of :data:`_CONJUNCTIONS` that are Dutch only and an English
#: preposition ("of"): not a clause's end in English (see :func:`_ended`).
_DUTCH_ONLY = frozenset(["of"])


def figurative_parts(signals: SafetySignals, question: str) -> frozenset[tuple[int, str]]:
    """The danger words ``question`` uses in a figurative sense: the words of a family's
    cue (strong, rule or weak) that stand inside a figurative use (``signals.figurative``:
    "dat slaat nergens op", "slaat zich erdoorheen", "slaat de bal", "kan de trap niet
    op"), as (clause number, folded word) pairs like :func:`settled_parts`. The safety
    reader does not read them (:func:`detect`); the ranker, reading the same list, does
    not count them for the safety services either (``Router._figures_are_no_danger``;
    session 11, xfail21: "die energierekening slaat echt
    alles" listed Veilig Thuis on "slaat"). The idiom's other words are not given ("op
    straat gezet door mijn werkgever" still names the employer). Words said in jest
    (:func:`_jest`: a quoted threat called a joke, by "grapje" or by chat laughter, "zei
    'ik spring van de brug' ... lol"; what came before "maar serieus") are given too:
    the safety reader does not read them either (session 14, router28; retired h27-046:
    "brug" put specialist mental-health care first)."""
    q = _Question(question)
    # only the uses whose first word occurs (``q.where`` finds nothing else): the same
    # positions as reading them all, for a fraction of the cost
    idioms = _figurative(q, tuple(c for c in signals.figurative if c and c[0] in q.present))
    jest = _jest(signals, q)
    if not idioms and not jest:
        return frozenset()
    q.idioms = idioms
    by_word = _cue_words(signals)
    danger: set[int] = set()
    for at in idioms | jest:
        for cue in by_word.get(q.toks[at], ()):
            if any(at in _span(cue, q, start) for start in _find(cue, q)):
                danger.add(at)
                break
    clause, pairs = 0, set()
    for i, word in enumerate(q.surface):
        if not word[0].isalnum():
            clause += 1
        elif i in danger:
            pairs.add((clause, word))
    return frozenset(pairs)


#: Per signals file (by identity, the file kept): its cues by each of their words.
_CUE_WORDS: dict[int, tuple[SafetySignals, Mapping[str, tuple[tuple[str, ...], ...]]]] = {}


def _cue_words(signals: SafetySignals) -> Mapping[str, tuple[tuple[str, ...], ...]]:
    """Every family's cues (strong, rules, weak lists) by each of their words that is
    no stop word, for :func:`figurative_parts`."""
    entry = _CUE_WORDS.get(id(signals))
    if entry is not None and entry[0] is signals:
        return entry[1]
    index: dict[str, set[tuple[str, ...]]] = {}
    for family in signals.families:
        lists = [family.strong, *(g for rule in family.all_of for g in rule),
                 *(w.cues for w in family.weak)]
        for cues in lists:
            for cue in cues:
                for word in set(cue) - STOPWORDS:
                    index.setdefault(word, set()).add(cue)
    frozen = {word: tuple(sorted(cues)) for word, cues in index.items()}
    _CUE_WORDS[id(signals)] = (signals, frozen)
    return frozen


def _said(q: _Question, cues: tuple[tuple[str, ...], ...]) -> bool:
    """True when one of ``cues`` (gaps as in figurative uses) occurs in ``q`` with no
    negation in it or just before it ("ben veilig", not "ben niet veilig")."""
    return any(_matched_plainly(q, cue) for cue in cues)


def _matched_as_written(q: _Question, cue: tuple[str, ...]) -> tuple[int, ...]:
    """The first positions of ``cue``'s occurrences word for word as written (folded),
    not negated just before it in its clause ("niet jaren geleden")."""
    n = len(cue)
    out: list[int] = []
    if n and cue[0] not in q.surface:
        return ()  # most cues: their first word is not in the question (session 16)
    for start in range(len(q.surface) - n + 1):
        if tuple(q.surface[start:start + n]) != cue:
            continue
        if any(q.surface[i] in _DENY for i in range(max(start - 2, 0), start)
               if q.clause[i] == q.clause[start]):
            continue
        out.append(start)
    return tuple(out)


def _matched_plainly(q: _Question, cue: tuple[str, ...]) -> frozenset[int]:
    """The positions of ``cue``'s plain occurrences (as :func:`_said`), or nothing."""
    out: set[int] = set()
    for start in q.where(cue[0]) if cue and cue[0] in q.present else ():
        span = _figurative_at(q, cue, start)
        if not span:
            continue
        lo, hi = min(span), max(span)
        if any(q.surface[i] in _DENY for i in range(max(lo - 2, 0), hi + 1)
               if q.clause[i] == q.clause[lo] and i not in span):
            continue
        out.update(span)
    return frozenset(out)


def _figurative_at(q: _Question, cue: tuple[str, ...], start: int) -> list[int]:
    """The positions of ``cue`` matched from ``start`` as :func:`_figurative` matches."""
    taken, pos, far = [start], start, False
    for word in cue[1:]:
        if word == ANY_GAP:
            far = True
            continue
        pos = next((p for p in q.where(word) if pos < p
                    and (far or p <= pos + MAX_GAP + 1)
                    and q.clause[p] == q.clause[start]
                    and not any(q.surface[i] in _CLAUSE_END for i in range(pos + 1, p))
                    and (far or not _opens_clause(q, pos, p))),
                   -1)
        far = False
        if pos < 0:
            return []
        taken.append(pos)
    return taken


#: Words that are a preposition or a conjunction by what follows: "als kind", "as a
#: child" (in the role of) against "als ik de kinderen meeneem", "as I left" (if, when).
_ROLE_OR_CONJUNCTION = _CLAUSE_END | frozenset(["as", "if"])
#: Subject pronouns (and "je", also possessive): after "als" they open a clause.
_CLAUSE_SUBJECTS = frozenset(["ik", "je", "jij", "hij", "zij", "ze", "we", "wij", "jullie",
                              "u", "i", "you", "he", "she", "they"])


#: Determiners that open a noun phrase with its own article or possessive (Dutch,
#: English; from any grammar): after "als"/"as" such a phrase is a clause's subject or
#: a comparison, not a role ("als de kinderen niet komen", "as the children left",
#: "huilt als een kind"). English "a" is left out: "as a child" is the role.
_DETERMINERS = frozenset(["de", "het", "een", "mijn", "zijn", "haar", "hun", "ons", "onze",
                          "jouw", "uw", "die", "deze", "dit", "dat", "the", "my", "his",
                          "her", "their", "our", "your", "these", "those", "this", "that"])


def _opens_clause(q: _Question, at: int, before: int) -> bool:
    """True when the cue word at ``at`` is a conjunction that opens a clause whose
    subject stands in the words up to ``before`` (ANS: "als" + onderwerp is the
    conjunction, "als" + a bare noun the preposition of a role): the past marker "als
    kind" is not read in "als ik de kinderen meeneem" (session 11, xfail21).

    Session 14 (safety36; retired h20-064 "als de kinderen dit weekend niet bij hem
    zijn"): a subject or a comparison may also open with a determiner (ANS: the role's
    noun is bare, "als kind", "als moeder"; "als de kinderen" is their clause)."""
    return q.surface[at] in _ROLE_OR_CONJUNCTION and any(
        q.surface[i] in _CLAUSE_SUBJECTS or (i == at + 1 and q.surface[i] in _DETERMINERS)
        for i in range(at + 1, before))


#: Words that put a cause in someone's mouth or in doubt ("zou gevallen zijn",
#: "zogenaamd gevallen"): a cover story to weigh, not the asker's explanation.
_HEARSAY = _SPEECH | frozenset(["zou", "zogenaamd", "zogezegd", "supposedly", "allegedly"])


def _caused(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of injuries explained by a harmless cause the asker gives in the same
    sentence ("viel bij het skaten en heeft een blauwe plek", "blauwe plekken door de
    bloedverdunners", "zit sinds een ongeluk in een rolstoel"), with the cause's own
    words. A cause told by someone else ("zegt dat hij gevallen is") or in doubt ("zou
    gevallen zijn") explains nothing (Meldcode: an explanation that does not fit the
    injury is itself a signal)."""
    if not signals.causes:
        return frozenset()
    out: set[int] = set()
    sentences: set[int] = set()
    for cue in signals.causes:
        span = _matched_plainly(q, cue)
        if not span:
            continue
        first = min(span)
        if len(cue) == 1 and _separable(q, first):
            # s11 (safety24): a particle that makes the verb another verb is no cause
            # ("valt steeds weg" is "wegvallen", drifting off, not a fall)
            continue
        at = first - 1
        while at >= 0 and q.toks[at] not in _SENTENCE_END and (
                q.toks[at] not in _HEARSAY and q.surface[at] not in _HEARSAY):
            at -= 1
        if at >= 0 and q.toks[at] not in _SENTENCE_END:
            continue
        out.update(span)
        sentences.add(_sentence(q, first))
    if not sentences:
        return frozenset()
    marks = _figurative(q, signals.marks)
    out.update(i for i in marks if _sentence(q, i) in sentences)
    return frozenset(out)


def _jest(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of words in quotation marks in a sentence that calls them a joke
    (``signals.jest``: "zei lachend dat ze hem 'vermoordt' ..., grapje"): the quotes
    keep the word at a distance (ANS: aanhalingstekens for distance or irony) and the
    joke word says how it was meant. Nothing when the question says it is meant or
    feared (``signals.earnest``), or without quotes ("zegt dat hij me vermoordt, hij
    lacht erbij" is read). Session 14 (safety36; retired h27-046, h27-051): a chat
    laugh ("lol", "lmao", "haha") after the quote is the asker's joke word too; a joke
    word inside the quotes is the speaker's and makes nothing a joke."""
    out = _joked_before(signals, q) | _glossed(signals, q)
    if not q.quoted or not signals.jest or _said(q, signals.earnest):
        return out
    # s14 (safety36): a joke word is the asker's, outside the quotes: inside them it is
    # the speaker's own ("'ik maak je af lol'" is still a threat)
    jokes = {_sentence(q, at) for at in _figurative(q, signals.jest) if at not in q.quoted}
    # chat laughter is the asker's tone: it makes a joke only of hyperbole about the
    # speaker ("'ik spring van de brug' lol"), not of a threat to someone ("'ik maak je
    # af' lol"; session 14, router28)
    laughs = {_sentence(q, at) for at in _figurative(q, signals.laughter)
              if at not in q.quoted} - jokes
    aimed = {_sentence(q, at) for at in q.quoted if q.surface[at] in _OTHER_PERSONS}
    jokes |= laughs - aimed
    # s16 (safety39; retired h35-038 "'papa slaat'? ... maar ze bedoelt dat papa de bal
    # wegslaat", h34-073 "a man who 'hurts mommy'. It turns out she meant the surgeon"):
    # the asker's account of what the quoted words meant is told after them, in their
    # sentence or the next (ANS 'bedoelen': an explanation of what was said)
    for at in _figurative(q, signals.meant):
        if at not in q.quoted:
            jokes |= {_sentence(q, at), _sentence(q, at) - 1}
    return out | frozenset(at for at in q.quoted if _sentence(q, at) in jokes)


#: Personal pronouns other than the speaker's own (Dutch and English grammar words): a
#: quoted threat that holds one is aimed at someone (:func:`_jest`).
_OTHER_PERSONS = frozenset([
    "je", "jij", "jou", "jouw", "u", "jullie", "hij", "hem", "zij", "ze", "haar", "hun",
    "hen", "you", "your", "youre", "he", "him", "she", "her", "they", "them", "their",
])


def _earnest_outside(signals: SafetySignals, q: _Question, marks: frozenset[int]) -> bool:
    """True when an earnest word ("meen het", "bang", "serious") is said outside the
    positions ``marks`` (a turn word holds "serieus" itself)."""
    return any(_matched_plainly(q, cue) - marks for cue in signals.earnest)


def _joked_before(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions said in jest before a turn to seriousness (``signals.serious``: "maar
    even serieus", "alle gekheid op een stokje", "but seriously", "joking aside";
    session 12, safety31, retired h23-097): the turn says that what came before it in
    its sentence and the sentence before was not meant (Van Dale 'serieus': "even
    serieus", in earnest now, after a joke). The words after the turn are read as
    ever ("haha maar serieus, ik wil niet meer leven"). Nothing when the question says
    anywhere else that it is meant or feared (``signals.earnest``: "meen het", "bang")."""
    if not signals.serious:
        return frozenset()
    marks = _figurative(q, signals.serious)
    if not marks or _earnest_outside(signals, q, marks):
        return frozenset()
    turn = min(marks)
    sentence = _sentence(q, turn)
    return frozenset(at for at in range(turn)
                     if sentence - 1 <= _sentence(q, at) <= sentence)


#: Words that open no glossed phrase before "bedoel ik"/"I mean": "dat bedoel ik echt",
#: "zo bedoel ik het", "echt, I mean it" restate the words before, they give them no
#: other object (ANS: voorgeplaatst aanwijzend voornaamwoord; Dutch, English).
_NO_GLOSS = frozenset(["dat", "het", "dit", "zo", "echt", "wat", "ik", "nee", "ja",
                       "that", "it", "this", "so", "what", "really", "no", "yes", "i"])
#: The longest phrase a gloss fronts ("aan dat abonnement op de krant": 6 words).
_GLOSS_REACH = 7


def _unfounded(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of a worry the asker says was unfounded (session 18, falsewarn; retired
    h41-004 "was de hele kerstvakantie niet te zien en haar brievenbus puilde uit, maar
    ze bleek bij haar dochter ... te logeren", h42-029 "een week niet gezien ..., maar
    hij was gewoon bij zijn broer", h42-091 "Ik dacht eerst dat hij eruit gezet was,
    maar nee"): a marker of ``signals.unfounded`` that opens with the turn "maar"/"but"
    (ANS: 'maar' corrigerend, the second part replaces the first; Van Dale 'blijken',
    'gewoon'; Oxford Learner's 'turn out') says that what came before it in its
    sentence was not so. The words after the marker are read as ever ("..., maar het
    bleek dat hij haar slaat"). Nothing when the question says the danger is current
    or feared (``signals.current``, ``signals.earnest``)."""
    if not signals.unfounded:
        return frozenset()
    # a marker without a gap is read word for word ("maar nee", not "maar durft geen nee")
    marks = frozenset(
        at for cue in signals.unfounded for at in (
            _figurative(q, (cue,)) if ANY_GAP in cue else {
                p for start in _matched_as_written(q, cue)
                for p in range(start, start + len(cue))}))
    marks |= _told_unfounded(signals, q)
    if not marks or _current(signals, q) or _earnest_outside(signals, q, marks):
        return frozenset()
    out: set[int] = set()
    for turn in sorted(marks):
        if q.surface[turn] not in ("maar", "but") or turn in out:
            continue
        sentence = _sentence(q, turn)
        before = [at for at in range(turn) if _sentence(q, at) == sentence]
        if not any(q.surface[at][0].isalnum() for at in before) or _alarm_only(q, before):
            # the turn opens its sentence ("... 'mama doet pijn!', maar mama bleek ..."),
            # or only the asker's alarm stands before it ("Ik schrok, maar ..."): it
            # corrects the sentence before
            before += [at for at in range(turn) if _sentence(q, at) == sentence - 1]
        out.update(before)
    return frozenset(out)


#: "uitzetten" as written, the participle and the finite forms whose particle follows
#: the object ("zet het uit").
_UITGEZET = frozenset(["uitgezet", "uitzetten"])
_ZET = frozenset(["zet", "zette", "zetten"])


def _thing_switched_off(q: _Question) -> frozenset[int]:
    """Positions of "uitzetten" whose object is the pronoun "het" ("het bedrijf heeft
    het uitgezet", "zette het uit"): "het" stands for a thing, and a thing put "uit" is
    switched off (Van Dale 'uitzetten' 1: een apparaat uitschakelen), no person put out
    of a home (session 19, xfails; outside22 o22-10 "geen stroom meer in huis, het
    bedrijf heeft het uitgezet" was read as an eviction tonight). "het" right before the
    participle is the pronoun (an article stands before its noun: "het gezin
    uitgezet"). The verb, not the sentence: the cut-off it tells is read by its own
    words ("geen stroom meer")."""
    out: set[int] = set()
    for at in range(1, len(q.surface)):
        word = q.surface[at]
        if word in _UITGEZET and q.surface[at - 1] == "het":
            out.add(at)
        elif (word == "uit" and at >= 2 and q.surface[at - 1] == "het"
              and q.surface[at - 2] in _ZET):
            out.update((at - 2, at))
    return frozenset(out)


#: Words ending in -n that are read as their own lemma but are no infinitive (a
#: possessive, a determiner, a pronoun, an adverb): "dat zijn vrouw hem slaat".
_NOT_INFINITIVES = frozenset(["zijn", "mijn", "hun", "geen", "een", "men", "iemand",
                              "niemand", "alleen", "toen", "even", "misschien", "eigen",
                              "binnen", "buiten", "boven", "beneden", "tegen", "sinds"])


def _act_named(q: _Question) -> frozenset[int]:
    """Positions of a Dutch infinitive used as a noun right after the conjunction or
    demonstrative "dat" ("leren dat slaan op het schoolplein niet kan"; ANS, 'het
    infinitief als zelfstandig naamwoord'): a clause after "dat" needs its subject
    before the verb, so an infinitive standing first is itself the subject and names
    the act in general, done by no one named to no one named (session 22, cues2;
    outside26 o26-26, a mother asking how to teach her son that hitting is not done,
    was read as "hij + slaan + haar" and "zoon + slaan"). Not when a pronoun follows
    ("dat slaan ze": an inverted clause) or "van" (the act's object: "dat slaan van
    zijn vrouw")."""
    out: set[int] = set()
    for at in range(1, len(q.surface)):
        word = q.surface[at]
        if (q.surface[at - 1] == "dat" and word.endswith("n") and len(word) > 3
                and q.toks[at] == word and word not in _NOT_INFINITIVES
                and (at + 1 >= len(q.surface)
                     or q.surface[at + 1] not in PRONOUNS | {"van", "het", "ze"})):
            out.add(at)
    return frozenset(out)


#: Words that place a state in the present ("nu", "now"; from any grammar).
_NOW = frozenset(["nu", "now", "inmiddels", "tegenwoordig", "nowadays"])


def _settled_now(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of "nu"/"now" in the part of a sentence that says a danger is over by
    the state of a person (``signals.settled``: "she has her own flat now", "nu woont
    hij weer thuis"): the word dates that state, so no cue reads it as the time of a
    danger (session 19, xfails; retired h44-036 "... that is behind her and she has her
    own flat now. ... the flat is empty: no bed": the cue "geen bed + now" took its
    "now" from the home she has). Only the time word: a danger told in that part is
    read as before. Not in :func:`_at_a_distance` (the question as a whole is not kept
    at a distance by it)."""
    if not signals.settled:
        return frozenset()
    out: set[int] = set()
    for cue in signals.settled:
        for at in _matched_plainly(q, cue):
            part = _clause_part(q, at, ())
            out.update(p for p in part if q.surface[p] in _NOW)
    return frozenset(out)


#: Words that may stand between a time word and the "geen"/"no" it dates ("nu nog
#: geen", "now still no").
_BEFORE_DENIAL = frozenset(["er", "nog", "al", "helemaal", "still", "there"])
_DENIED_STARTS: dict[int, tuple[SafetySignals, frozenset[str]]] = {}


def _denied_starts(signals: SafetySignals) -> frozenset[str]:
    """The words that follow "geen"/"no" at the start of one of the file's cues (strong,
    rules, weak lists; every family): "geen slaapplek", "no place to stay"."""
    entry = _DENIED_STARTS.get(id(signals))
    if entry is not None and entry[0] is signals:
        return entry[1]
    out: set[str] = set()
    for family in signals.families:
        for cues in (family.strong, *(g for rule in family.all_of for g in rule),
                     *(w.cues for w in family.weak)):
            out.update(cue[1] for cue in cues if len(cue) > 1 and cue[0] in NOUN_NEGATIONS)
    frozen = frozenset(out)
    _DENIED_STARTS[id(signals)] = (signals, frozen)
    return frozen


def _denied_now(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of "nu"/"now" that date an absence no cue reads (session 22, cues2;
    outside26 o26-19 "bang dat ze later uit huis gezet wordt ...; er is nu geen
    achterstand"): a time word right before "geen"/"no" (ANS: "geen" denies its noun)
    says when that thing is absent, here that there are no arrears now, so no cue reads
    it as the time of a danger told elsewhere. Kept when the denied noun is itself a
    cue's ("hij heeft nu geen slaapplek": the cue "geen slaapplek + nu")."""
    cued = _denied_starts(signals)
    out: set[int] = set()
    n = len(q.surface)
    for p in range(n):
        if q.surface[p] not in _NOW:
            continue
        k = p + 1
        while k < n and q.surface[k] in _BEFORE_DENIAL:
            k += 1
        if k + 1 < n and q.surface[k] in NOUN_NEGATIONS and not (
                {q.surface[k + 1], q.toks[k + 1]} & cued):
            out.add(p)
    return frozenset(out)


#: Verbs of telling that open indirect speech ("zegt dat", "appte dat", "said that";
#: ANS 'indirecte rede'; Oxford Learner's 'reported speech'), as written.
_TELLING = frozenset(["zegt", "zei", "zeggen", "zeiden", "vertelt", "vertelde", "vertelden",
                      "appt", "appte", "belde", "mailde", "meldde", "says", "said", "tells",
                      "told", "texted", "messaged", "called", "rang"])
#: How many words after the turn the verb of telling may stand ("maar zijn dochter zegt").
_TELLING_REACH = 4


def _told_unfounded(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of an unfounded marker told in indirect speech (session 19, xfails;
    retired h44-083 "maar zijn dochter zegt dat hij bij haar logeert", h46-082 "maar ze
    appte net dat ze bij haar dochter logeert"): a marker "maar ... X" / "but ... X"
    whose X stands in the clause that a verb of telling right after the turn opens (the
    same news, reported: ANS 'indirecte rede'). :func:`_figurative` reads "..." in one
    clause only, and "dat"/"that" opens another. The turn and X, as the markers'."""
    out: set[int] = set()
    for cue in signals.unfounded:
        if len(cue) != 3 or cue[1] != ANY_GAP or cue[0] not in ("maar", "but"):
            continue
        for turn in q.where(cue[0]):
            told = next((p for p in range(turn + 1, min(len(q.surface),
                                                        turn + 2 + _TELLING_REACH))
                         if q.surface[p] in _TELLING), None)
            if told is None or any(q.toks[i] in _SENTENCE_END for i in range(turn, told)):
                continue
            said = next((p for p in q.where(cue[2]) if p > told and _sentence(q, p)
                         == _sentence(q, told)), None)
            if said is not None:
                out.update((turn, said))
    return frozenset(out)


#: The asker's alarm at what was just told ("ik schrok", "I panicked"; Van Dale
#: 'schrikken', 'ongerust'; Oxford Learner's 'panic', 'worried'): a reaction, not news.
_ALARM = frozenset(["schrok", "schrokken", "geschrokken", "ongerust", "bezorgd",
                    "panicked", "worried", "alarmed", "scared", "frightened"])
#: At most this many words stand before the turn when they only tell the alarm ("ik
#: schrok echt", "I was really worried").
_ALARM_WORDS = 4


def _alarm_only(q: _Question, before: Sequence[int]) -> bool:
    """True when the words of ``before`` (the part of a sentence before an unfounded
    marker's "maar"/"but") only tell the asker's alarm: what alarmed them is the
    sentence before, and that is what the turn corrects (session 19, xfails; retired
    h44-083 "... had ik vijf dagen niet gezien en de brievenbus puilde uit. Ik schrok,
    maar zijn dochter zegt dat hij bij haar logeert", probe38-057's form)."""
    words = [q.surface[at] for at in before if q.surface[at][0].isalnum()]
    return (0 < len(words) <= _ALARM_WORDS and any(w in _ALARM for w in words))


def _glossed(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions the asker glosses with another object: a phrase fronted before
    "bedoel ik" (Dutch inversion: the phrase is what is meant) or standing before "I
    mean" at the end of its clause ("Ik wil er een eind aan maken. Aan mijn
    webwinkeltje bedoel ik"; "I want to end it all. The gym, I mean"; session 12,
    safety31, retired h23-056; ANS 'bedoelen': an explanation of what was said). The
    words before the phrase, in its sentence and the sentence before, are not read.
    Not when the phrase is a pronoun or an adverb ("Dat bedoel ik echt"), is longer
    than a phrase, holds an earnest word, or when "I mean" opens a clause ("I mean,
    nobody would care")."""
    if not signals.gloss:
        return frozenset()
    out: set[int] = set()
    for cue in signals.gloss:
        for at in _matched_as_written(q, cue):
            end = at + len(cue)
            if q.surface[at] == "i" and end < len(q.surface) and q.surface[end][0].isalnum():
                continue  # "I mean" goes on as a clause: no gloss
            first = at - 1
            while first >= 0 and q.surface[first][0].isalnum():
                first -= 1
            if first == at - 1 and first >= 0 and q.surface[first] == ",":
                first -= 1  # "the gym, I mean": the phrase is the clause before
                while first >= 0 and q.surface[first][0].isalnum():
                    first -= 1
            phrase = [i for i in range(first + 1, at) if q.surface[i][0].isalnum()]
            if (not phrase or len(phrase) > _GLOSS_REACH or q.surface[phrase[0]] in _NO_GLOSS
                    or _earnest_outside(signals, q, frozenset())):
                continue
            sentence = _sentence(q, phrase[0])
            out.update(i for i in range(phrase[0])
                       if sentence - 1 <= _sentence(q, i) <= sentence)
    return frozenset(out)


#: Definite articles (Dutch, English; from any grammar): the word after one is a noun.
DEFINITE = frozenset(["de", "het", "the"])
#: Conjunctions that open another clause after a text's subject ("omdat", "want",
#: "because"); "en"/"and" and "die"/"who" go on with the subject ("over de bezetting en
#: de zelfmoorden", "about a girl who ..."). "dat"/"that" with a subject after it is a
#: clause of its own ("werkstuk over de oorlog dat ze zelf niet meer wil leven").
_TOPIC_ENDS = frozenset(["omdat", "want", "terwijl", "wanneer", "als", "because", "when",
                         "while", "since"])
_TOPIC_SUBJECTS = frozenset(["ik", "je", "jij", "hij", "ze", "zij", "we", "wij", "i", "you",
                             "he", "she", "we", "they"])
#: Words between a text's noun and what it is about ("een werkstuk voor school over").
_TOPIC_REACH = 3
#: Auxiliaries and copulas that follow a question word in a direct question ("where can
#: I", "waar kan ik"): from any grammar of Dutch and English.
_QUESTION_AUX = frozenset(["can", "could", "do", "does", "did", "is", "are", "should",
                           "would", "will", "shall", "kan", "kun", "kunt", "kunnen", "moet",
                           "moeten", "mag", "mogen", "is", "zijn", "ga", "gaat", "gaan"])


def _asks(q: _Question, at: int) -> bool:
    """True when the question word at ``at`` opens a direct question (an auxiliary right
    after it: "an essay, where can I ..."), not the relative clause of a text's content
    ("a short film where an 18-year-old runs away"; session 14, safety36, retired h29-063:
    "where"/"waarin" after a text's noun tells what happens in it, as "over"/"about" do)."""
    return (q.surface[at] in WH_WORDS and at + 1 < len(q.surface)
            and q.surface[at + 1] in _QUESTION_AUX)


def _topic(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of what a text, a lesson or a programme is about (session 11,
    safety24): after one of ``signals.topics`` ("werkstuk", "krantenartikel", "film",
    "essay") and, within a few words in its clause, one of ``signals.about`` ("over",
    "about", "on"), the rest of that part of the sentence (up to a punctuation mark or
    a clause break such as "maar"). "Een werkstuk over zelfmoord in de oorlog" names a
    subject, not a danger to anyone (ANS: "over" + onderwerp); a danger told beside it
    in its own clause is read ("schreef in haar werkstuk dat ze zelf niet meer wil
    leven": no "over")."""
    if not signals.topics:
        return frozenset()
    out: set[int] = set(_staged(signals, q))
    # s16 (safety39; retired h34-084 "wrote a story for school about a boy who ... sleeps
    # in a park ... It's fiction, he's fine"): own writing is a text about a subject when
    # the asker says it is made up; otherwise 113 reads it as a warning sign
    made_up = bool(signals.fiction) and _said(q, signals.fiction)
    for word in signals.topics + (signals.own if made_up else ()):
        for at in q.where(word):
            end = min(len(q.surface), at + _TOPIC_REACH + 1)
            about = next((p for p in range(at + 1, end) if q.clause[p] == q.clause[at]
                          and q.surface[p] in signals.about and not _asks(q, p)), None)
            if about is None:
                continue
            p = about
            while (p + 1 < len(q.surface) and q.clause[p + 1] == q.clause[at]
                   and q.surface[p + 1] not in CLAUSE_BREAKS
                   and q.surface[p + 1] not in _TOPIC_ENDS
                   and not (q.surface[p + 1] in _REPORTED and p + 2 < len(q.surface)
                            and q.surface[p + 2] in _TOPIC_SUBJECTS)):
                p += 1
            out.update(range(about, p + 1))
    return frozenset(out)


def _staged(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of the part of a sentence that holds a part played (session 16,
    safety39; retired h35-085 "my son's character in the school play has to end his own
    life on stage"): ``signals.stage`` ("on stage", "in de musical", "his character")
    says that what the part tells is acted. The part runs both ways up to a punctuation
    mark or a clause break ("maar", "but"), so a danger told beside it in its own part
    ("..., but at home his father hits him") is read."""
    out: set[int] = set()
    stops = CLAUSE_BREAKS | {",", ";", ":", ".", "!", "?"}
    for cue in signals.stage:
        for at in _figurative(q, (cue,)):
            out.update(_between_stops(q.surface, at, stops))
    return frozenset(out | _played(signals, q))


#: Prepositions right after a verb of playing that make it play, not acting ("speelt
#: met een jongen die ...", "plays with a boy who ..."): from any grammar.
_PLAY_WITH = frozenset(["met", "with", "tegen", "against", "bij", "samen", "together",
                        "buiten", "outside"])
#: Indefinite articles (a role is "een kind dat ...", "a girl who ..."), relative
#: pronouns that open what the role does (ANS: betrekkelijk voornaamwoord; English
#: grammar), and how far after the role's noun one may stand ("een jongen van 10 die").
_INDEFINITE = frozenset(["een", "a", "an"])
_RELATIVES = frozenset(["dat", "die", "who", "that", "which", "wiens", "wier", "whose"])
_ROLE_REACH = 3


#: The marks that stand inside a number written with a thousands or a decimal separator
#: ("€ 5,000", "2.500 euro", "€ 2,50"; Taalunie, Woordenlijst 'getallen'; Oxford Learner's
#: 'comma', 'decimal point').
_NUMBER_MARKS = frozenset([",", "."])


def _in_number(q: _Question, at: int) -> bool:
    """True when the mark at ``at`` separates the digits of one number ("5,000": the
    tokens "5", ",", "000"), so it ends no part of a sentence (session 19, xfails;
    retired h45-082 "one boy plays a father who gambles away € 5,000 and beats his son":
    the comma of the amount ended the part played before the beating)."""
    return (q.surface[at] in _NUMBER_MARKS and 0 < at < len(q.surface) - 1
            and q.surface[at - 1].isdigit() and q.surface[at + 1].isdigit())


def _played(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of a role played said with its verb (session 18, falsewarn; retired
    h39-018 "she plays a girl who runs away and sleeps on the street", h41-007 "speelt
    een jongen van 10 een kind dat op straat moet slapen", h42-070 "speelt een meisje
    ... een kind dat door haar stiefmoeder ... wordt opgesloten"): a verb of playing a
    part (``signals.acting``) followed in its part of the sentence by an indefinite
    article, a noun of a person or a part (``signals.roles``) and, within a few words,
    a relative pronoun: what the relative clause tells is the part (Van Dale 'spelen':
    een rol vertolken, "een oude vrouw spelen"; Oxford Learner's 'play' 6: to act the
    role of). From the verb to the end of its part (a punctuation mark or "maar"/"but"),
    so a danger told beside it is read. Not "speelt met een jongen die ..." (play)."""
    if not signals.acting or not signals.roles:
        return frozenset()
    stops = CLAUSE_BREAKS | {",", ";", ":", ".", "!", "?"}
    out: set[int] = set()
    for verb in range(len(q.surface)):
        if q.surface[verb] not in signals.acting or (
                verb + 1 < len(q.surface) and q.surface[verb + 1] in _PLAY_WITH):
            continue
        end = verb
        while end + 1 < len(q.surface) and (q.surface[end + 1] not in stops
                                            or _in_number(q, end + 1)):
            end += 1
        role = any(
            q.surface[at] in _INDEFINITE and q.surface[at + 1] in signals.roles
            and any(q.surface[r] in _RELATIVES
                    for r in range(at + 2, min(end, at + 2 + _ROLE_REACH) + 1))
            for at in range(verb + 1, end))
        if role:
            out.update(range(verb, end + 1))
    return frozenset(out)


#: "sinds"/"since" + a point in time says when a state began, in the past (ANS: "sinds"
#: + tijdstip in het verleden; Oxford Learner's: "since" + a past time); from any
#: grammar of Dutch and English.
_SINCE = frozenset(["sinds", "sedert", "since", "sins"])
#: The days of the week (folded as written): said alone they may be the next one
#: ("maandag wordt het gas afgesloten") or the last; after "sinds" only the last.
_DAYS = frozenset(["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
                   "zondag", "monday", "tuesday", "wednesday", "thursday", "friday",
                   "saturday", "sunday"])


def _since(q: _Question) -> frozenset[int]:
    """Positions of a day's name right after "sinds"/"since" (session 12, xfail22;
    probe22-001, probe23-011): "is sinds maandag afgesloten", "back on since Monday"
    name the day a state began, not a day to come, so no cue reads it (the eviction
    rules' "soon": "maandag", "monday"). The state itself is read as before
    (cutoff_now's "sinds": a cut-off that lasts)."""
    return frozenset(at for at in range(1, len(q.surface))
                     if q.surface[at] in _DAYS and q.surface[at - 1] in _SINCE)


def _conditions(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of the attribute of a condition noun (session 12, xfail22): the word
    right before one of ``signals.conditions`` ("een psychotische stoornis", "a
    psychotic illness", "een paranoïde persoonlijkheidsstoornis": a compound ending in
    one counts) says which lasting condition it is, a diagnosis, not the state the
    adjective alone says ("hij is psychotisch"). No cue reads it. An ``acute`` word
    before it keeps it ("een acute psychotische stoornis"). A danger told beside the
    diagnosis is read as before ("heeft een psychotische stoornis en is nu psychotisch",
    "... en hoort stemmen die zeggen dat hij iemand iets moet aandoen")."""
    if not signals.conditions:
        return frozenset()
    out: set[int] = set()
    for noun in signals.conditions:
        for at in q.where(noun):
            before = at - 1
            if before < 0 or not q.toks[before][0].isalnum():
                continue
            if before > 0 and q.surface[before - 1] in signals.acute:
                continue
            out.add(before)
    return frozenset(out)


def _owned(negative: tuple[tuple[str, ...], ...], q: _Question) -> frozenset[int]:
    """Positions of the negations of the ``negative`` cues (those of the family being
    read that hold a negation: "niet gezien", "nooit gehaald", "doet niet open") found
    in the question: such a negation is the cue's own and negates its verb (ANS:
    "niet" before the participle or the particle it negates), so for that family it
    does not cancel a cue before it ("al een week niet gezien": the week is not
    denied). Read for one family only: another family's time word stays negated ("op
    straat ... slaapt al vijf nachten niet" is no night on the street)."""
    out: set[int] = set()
    for n in _candidates(negative, q):  # the cues whose words are all in the question
        cue = negative[n]
        for start in _find(cue, q):
            out.update(p for p in _span(cue, q, start) if q.toks[p] in NEGATIONS_AFTER)
    return frozenset(out)


def _things(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of a noun of ``signals.things`` right after a definite article, or
    after one and an adjective ("de trap", "de steile trap", "the stairs"): there it
    is a thing (Van Dale: "de trap" is the staircase, "een trap" the kick), and no
    one-word cue reads it; a cue of more words still does ("van de trap gevallen")."""
    out: set[int] = set()
    for at, word in enumerate(q.surface):
        if word not in signals.things or not at:
            continue
        if q.surface[at - 1] in DEFINITE or (
                at > 1 and q.surface[at - 2] in DEFINITE and q.surface[at - 1].endswith("e")):
            out.add(at)
    return frozenset(out)


#: The particles that also follow a noun as a postposition of direction (ANS,
#: achterzetsels: "de trap af", "de berg op", "de straat uit", "de gang door").
_POSTPOSITIONS = frozenset(["af", "op", "uit", "in", "door", "over", "langs", "rond", "om"])


def _ways(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of a particle that is a direction (session 22, cues; retired h42-050
    "Mijn vriend duwde me vannacht de trap af"): a postposition (:data:`_POSTPOSITIONS`)
    right after a noun of ``signals.ways`` with an article or a possessive before it
    ("de trap af", "zijn trap op") tells where the act moves its object (ANS,
    achterzetsels), so it makes no separable verb of the verb before it: "duwde ... de
    trap af" is "duwen", as "duwde me van de trap" is, not "afduwen". A particle after
    another noun is read as before ("slaat de deur dicht", "zet de stroom af")."""
    out: set[int] = set()
    for at, word in enumerate(q.surface):
        if word not in _POSTPOSITIONS or at < 2 or q.surface[at - 1] not in signals.ways:
            continue
        before = q.surface[at - 2]
        if before in DEFINITE or before in POSSESSIVES["de"]:
            out.add(at)
    return frozenset(out)


def _between_stops(tokens: Sequence[str], at: int, stops: Collection[str]) -> range:
    """The positions around ``at`` up to, not over, the nearest ``stops`` on each side."""
    first = at
    while first > 0 and tokens[first - 1] not in stops:
        first -= 1
    last = at
    while last + 1 < len(tokens) and tokens[last + 1] not in stops:
        last += 1
    return range(first, last + 1)


def _sentence_span(q: _Question, at: int) -> range:
    """The positions of the sentence that position ``at`` is in (up to, not over, the
    sentence ends around it)."""
    return _between_stops(q.toks, at, _SENTENCE_END)


def _sentence(q: _Question, at: int) -> int:
    """The number of the sentence that position ``at`` is in."""
    return sum(1 for i in range(at) if q.toks[i] in _SENTENCE_END)


def _rather(signals: SafetySignals, q: _Question) -> frozenset[int]:
    """Positions of a preference that is not an avoidance: "wil na school niet naar
    huis maar bij vriendinnen zijn" says where the person would rather be. A
    preference word (``signals.rather``) before a negation, then "maar"/"but" and an
    alternative that holds no cue of any family (strong or weak): the words from the
    negation to "maar" are not read. "wil niet naar huis maar is bang voor zijn vader"
    and "wil niet naar huis want ..." are read as before."""
    if not signals.rather:
        return frozenset()
    wanted = {p for cue in signals.rather for p in q.where(cue[0]) if len(cue) == 1}
    out: set[int] = set()
    for m, word in enumerate(q.surface):
        if word not in _BUT:
            continue
        start = m
        while start > 0 and q.toks[start - 1][0].isalnum() and (
                q.surface[start - 1] not in _CLAUSE_END):
            start -= 1
        deny = next((i for i in range(start, m) if q.surface[i] in _DENY), None)
        if deny is None or not any(start <= w < deny for w in wanted):
            continue
        end = m + 1
        while end < len(q.toks) and q.toks[end] not in _SENTENCE_END:
            end += 1
        rest = _Question(" ".join(q.surface[m + 1:end]))
        if any(_first_match(f.strong, rest) is not None
               or any(_first_match(w.cues, rest) is not None for w in f.weak)
               for f in signals.families):
            continue
        out.update(range(deny, m))
    return frozenset(out)


#: A child named with an age under 18 ("haar zoon van 16", "dochter (15)"), not after
#: "met"/"with" or "heeft" (then it is the person's child who comes along): the
#: question is about that child, whatever the asker's or the parent's age in the
#: context (a minor put out of the house).
_MINOR_CHILD = re.compile(
    r"\b(?:(?:haar|zijn|hun|mijn|her|his|their|my|de|het|een|a|the)\s+)?"
    r"(?:zoon|zoontje|dochter|dochtertje|stiefzoon|stiefdochter|pleegkind|kind|neef|nicht|"
    r"broertje|zusje|son|daughter|stepson|stepdaughter|child|kid|nephew|niece|"
    # s9 (safety19): a boy, a girl, a niece or a teenager named by an age ("een jongen
    # van 15", "mijn nichtje van 14") is as much a minor as a son or a daughter
    r"jongen|jongetje|meisje|nichtje|neefje|tiener|puber|boy|girl|teenager|"
    # s10 (safety20; retired miss): a pupil or a student named by an age ("studente 17")
    r"leerling|scholier|student|studente|pupil|"
    # s16 (safety39; retired h35-061's shape, probes probe39-010, -039: "mijn zus van 16",
    # "my classmate (16)"): a sister, a brother, a cousin or a classmate named by an age
    # under 18 is a minor as a niece is (not a friend: "mijn vriend van 17 jaar" is also
    # a relationship of 17 years)
    r"zus|zuster|broer|sister|brother|cousin|klasgenoot|klasgenote|classmate)"
    r"\s*(?:van\s+|of\s+|\(\s*|,\s*|\s)(\d{1,2})\b(?!\s*(?:euro|maanden|weken|dagen|months|"
    r"weeks|days|keer|x|uur|minuten|jaar geleden|times|hours|minutes|years ago|cm|kg|%|procent))")


#: An adult named by a title, a kin or a neighbour word followed by an age, in the
#: shorthand of case notes and messages ("mw 84", "dhr. 91", "oom 78", "Mevrouw (79,
#: erg vergeetachtig)", "buurman, 82"): the age of the person the question is about,
#: where the context gives none or the asker's own. Not before a unit ("man 70 euro").
#: Session 11 (safety25): also "man", "vrouw" ("een vrouw van 85", "a woman of 90"): the
#: plain words for a person, as a caretaker or a mechanic names someone they do not know.
#: Session 11 (safety26): the age said as a predicate ("my dad is 80", "onze buurvrouw is
#: 86"; ANS: naamwoordelijk gezegde), the English parents ("father", "mum", "dad") and a
#: customer named by age at a counter ("klant van 84").
#: Session 12 (safety29; retired h15-011, h15-056, h12-022, h18-002, h16-002): the period
#: of an abbreviated title ("dhr. 88", "Mw. 82": the shorthand of case notes, which the
#: pattern meant and missed), a widow or widower ("een weduwe van 79"), and the parents
#: and grandparents as Amsterdam's other home languages say them, with the possessive
#: in the word (Turkish "annem", "babam", "anneannem", "babaannem", "dedem", "ninem":
#: my mother, father, grandmothers, grandfather; Darija/Arabic "baba", "yemma"), and
#: Papiamentu's verb of age ("mi mama tin 72 aña": has 72 years).
_ELDER_NAMED = re.compile(
    r"\b(?:mw|mevr|mevrouw|dhr|meneer|heer|dame|oom|tante|buurman|buurvrouw|opa|oma|man|vrouw|"
    r"woman|lady|gentleman|weduwe|weduwnaar|widow|widower|"
    r"moeder|vader|schoonmoeder|schoonvader|client|cliente|patient|patiente|bewoner|"
    r"bewoonster|mr|mrs|ms|uncle|aunt|neighbour|neighbor|grandma|grandpa|grandmother|"
    r"grandfather|resident|mother|father|mum|mom|dad|mama|papa|klant|klante|customer|"
    r"annem|babam|anneannem|babaannem|dedem|ninem|baba|yemma)"
    r"\.?\s*(?:van\s+|of\s+|is\s+|tin\s+|\(\s*|,\s*|\s)(\d{2,3})\b(?!\s*(?:euro|maanden|weken|dagen|months|"
    r"weeks|days|keer|x|uur|minuten|jaar geleden|times|hours|minutes|years ago|cm|kg|kilo|%|"
    r"procent))")


#: An age said before the person as an adjective ("een 15-jarige", "haar 14-jarige
#: dochter", "a 15-year-old girl"; ANS: the -jarig adjective; English compound
#: adjective): session 12 (safety30), a minor named that way was read as no minor.
_MINOR_BEFORE = re.compile(r"\b(\d{1,2})\s*-?\s*(?:jarige?|years?[ -]old)\b")


def _elder_age(question: str) -> int | None:
    """The first adult age (18-110) the question gives right after a title, kin or
    neighbour word (:data:`_ELDER_NAMED`), in digits or written out ("mijn vader van
    eenentachtig", as dictation writes it; :mod:`busbaan.numerals`); None without one."""
    folded = spelled_numbers(_spelled_out(fold(question)))
    for match in _ELDER_NAMED.finditer(folded):
        if ADULT_AGE <= int(match.group(1)) <= 110:
            return int(match.group(1))
    return None


def grown_view(family: Family, q: _Question, question: str, age: int | None,
               named: int | None, minor: bool) -> Family:
    """``family`` as read for this question: its grown view (``adult_kin``: kinship words
    name grown-up children) where the person is old by the context's age, an older
    person is named (``adult_kin_when``, or with an age of :data:`OLD_AGE` or more:
    "Buurvrouw van 85"; session 16, xfail26, probe22-014), or a child or pupil word is
    named with an adult age (:func:`_grown_named`); never when the question names a
    child under 18 by age (``named``; s11, safety24: "dochtertje van 7 zegt dat opa ...")
    or the person is a minor. The one reading, for :func:`detect` and its tests."""
    if family.grown is None:
        return family
    elder = _elder_age(question)
    if ((age is not None and age >= OLD_AGE)
            or (named is None and (
                _first_match(family.adult_kin_when, q, literal=False) is not None
                or (elder is not None and elder >= OLD_AGE)))
            or (_grown_named(question) and not minor)):
        return family.grown
    return family


#: Parents as a child names them (Dutch, English): said so, the speaker is the child.
_CHILDS_WORDS = frozenset(["mama", "papa", "mam", "pap", "mammie", "pappie", "daddy",
                           "mummy", "mommy"])
#: Anyone named with an age ("een speelster van 14", "(14)", "14 jaar"; folded words):
#: under 18, a child is named, whatever the noun (:func:`_no_child_for_parent`).
_ANY_AGE = re.compile(r"\b(?:van|aged|age|is)\s+(\d{1,2})\b|\( (\d{1,2}) \)"
                      r"|\b(\d{1,2})\s+(?:jaar|jr|years?)\b")
#: The asker's own (first person) possessives: "mijn moeder" is the asker's parent.
_MY = frozenset(["mijn", "my", "onze", "ons", "our"])


def _no_child_for_parent(family: Family, q: _Question, named: int | None,
                         minor: bool) -> bool:
    """True when the question names a parent but no child (session 21, cues; outside24
    o24-07 "een moeder ... dat haar man haar ... en dat ze niet naar huis durft", o24-36
    "haar moeder in Suriname" in a woman's notes): a parent word of ``adult_kin``
    ("moeder", "vader") reads a child's danger as told of the parent of a child, whom
    the question does not name -- no child or pupil word (the family's ``not_by``), no
    minor by age or by word, not the asker's own parent ("mijn moeder", :data:`_MY`),
    no child's word for a parent (:data:`_CHILDS_WORDS`). :func:`_detect` then lets
    such a reading give way to an adult's danger the question tells ("zijn vader slaat
    hem" with nothing else stays a child's)."""
    if minor or named is not None or family.grown is None:
        return False
    if any(int(next(g for g in m.groups() if g)) < ADULT_AGE
           for m in _ANY_AGE.finditer(" ".join(q.surface))):
        return False  # someone named with a child's age ("een speelster van 14")
    if _CHILDS_WORDS.intersection(q.surface):
        return False
    if any(q.where(w[0]) for w in family.not_by if len(w) == 1):
        return False
    kin = {c for rule in family.all_of for c in rule[0]} - {
        c for rule in family.grown.all_of for c in rule[0]}
    places = [at for cue in kin if len(cue) == 1 for at in q.where(cue[0])]
    return bool(places) and not any(at > 0 and q.surface[at - 1] in _MY for at in places)


def _grown_named(question: str) -> bool:
    """True when the first child or pupil word the question names with an age
    (:data:`_MINOR_CHILD`'s words) is given an adult age ("een studente van 22", "haar
    zoon van 30"): that person is grown up, so the kinship and student words of a family
    with ``adult_kin`` name an adult, as they do beside an older person (session 16,
    xfail26; outside19 o19-11: a student of 22 whose landlord comes in at night was read
    as a child)."""
    folded = spelled_numbers(_spelled_out(fold(question)))
    match = _MINOR_CHILD.search(folded)
    return match is not None and int(match.group(1)) >= ADULT_AGE


def _minor_in_question(question: str) -> bool:
    """True when the question names a child under 18 by its age (see
    :data:`_MINOR_CHILD`), not as someone who comes along."""
    return _minor_age(question) is not None


def _minor_age(question: str) -> int | None:
    """The age of the first child under 18 the question names by its age (see
    :data:`_MINOR_CHILD`), not as someone who comes along; None without one."""
    folded = spelled_numbers(_spelled_out(fold(question)))
    matches = sorted([*_MINOR_CHILD.finditer(folded), *_MINOR_BEFORE.finditer(folded)],
                     key=lambda m: m.start())
    for match in matches:
        before = folded[max(0, match.start() - 12):match.start()].split()
        if int(match.group(1)) < ADULT_AGE and not _WITH.intersection(before[-2:]):
            return int(match.group(1))
    return None


def _says_minor(signals: SafetySignals, q: _Question) -> bool:
    """True when the question calls the person a minor without giving an age
    ("een minderjarige jongen", "a minor"): one of ``signals.minor_words``, not negated,
    and not after "met"/"with" (two words at most, in its clause: another person's
    children)."""
    for cue in signals.minor_words:
        for start in _find(cue, q):
            if _negated(cue, q, start):
                continue
            before = [q.surface[i] for i in range(max(0, start - 2), start)
                      if q.clause[i] == q.clause[start]]
            if not _WITH.intersection(before):
                return True
    return False


def _all_matches(
    cues: tuple[tuple[str, ...], ...], q: _Question
) -> list[tuple[tuple[str, ...], int, int]]:
    """Every cue of ``cues`` that occurs, not negated: (cue, first start, its end)."""
    out = []
    for n in _candidates(cues, q):
        cue = cues[n]
        start = next((p for p in _find(cue, q) if not _negated(cue, q, p)
                      and not (len(cue) == 1 and p in q.things)
                      and not (q.blocked and _span(cue, q, p) & q.blocked)
                      and not _covered(cue, q, p)), None)
        if start is not None:
            out.append((cue, start, start + len(cue) - 1))
    return out


def _weak_hits(family: Family, q: _Question, old: bool) -> list[tuple[str, ...]]:
    """The family's weak cues in the question that do not overlap (in the order they
    occur), from the lists whose ``needs`` are met (a person of ``person_min_age`` or
    older meets them too)."""
    found: list[tuple[tuple[str, ...], int, int]] = []
    for weak in family.weak:
        # the person a list needs is read even inside an idiom ("sinds de dood van"),
        # and a negation after it denies what follows, not the person ("mag van haar
        # man niet werken", "haar vriend bedoelt het niet zo")
        if weak.needs and not old and not any(
                next(iter(_find(person, q)), None) is not None for person in weak.needs):
            continue
        found.extend(_all_matches(weak.cues, q))
    found.sort(key=lambda hit: (hit[1], -hit[2]))
    out: list[tuple[str, ...]] = []
    end = -1
    for cue, start, stop in found:
        if start > end:
            out.append(cue)
            end = stop
    return out




def cue_words(signals: Iterable[Signal]) -> frozenset[str]:
    """The words (lemmas) of the ``signals``' phrase cues: a strong cue of two or more
    words, whose meaning is the phrase and not its words ("niet meer leven" ->
    {"leven", "veel"}: "leven" alone is no danger). A rule's words ("mijn man +
    slaan") each keep their own meaning, as does a one-word cue ("zelfmoord"), and
    are not returned. Negations, articles and pronouns are never returned."""
    out: set[str] = set()
    for signal in signals:
        if "+" in signal.cue.split() or signal.cue.startswith("weak:"):
            continue
        words = signal.cue.split()
        if len(words) >= 2:
            out.update(words)
    return frozenset(out - NEGATIONS - PRONOUNS - frozenset(ARTICLES.values()))


def signal_json(signal: Signal, service_id: str | None, lang: str) -> Mapping[str, object]:
    """A signal as the contract's ``safety`` item."""
    return {"signal": signal.family.id, "service_id": service_id, "why": signal.family.why(lang)}


def plain_cause(signals: SafetySignals, question: str) -> bool:
    """True when the asker gives a plain cause that one of the file's families lists in
    its ``unless`` ("blauwe knieen van het voetballen", "blauwe plekken van het
    struikelen"), in their own words (not in reported speech). For the ranker: words an
    injury is named with ("blauwe") are then no support for a safety service (outside9
    finding 6b: Veilig Thuis second on "blauwe, kinderen" from the example vote, with no
    signal). Pure; the same reading as :func:`detect` uses for the weak tier."""
    q = _Question(question)
    q.blocked = _figurative(q, signals.figurative)
    return any(_plain_cause(f.unless, q) for f in signals.families)


__all__ = [
    "WEAK_PROMOTE",
    "Family",
    "SafetyFileError",
    "SafetyProblem",
    "SafetySignals",
    "Signal",
    "WeakList",
    "check_against_map",
    "cue_words",
    "default_path",
    "detect",
    "distanced",
    "load_signals",
    "parse_signals",
    "plain_cause",
    "signal_json",
]
