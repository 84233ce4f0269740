"""What a question says about the person: stadsdeel and age (pure).

The context a professional gives (``{"stadsdeel": ..., "leeftijd": ...}``) wins; what
is missing is read from the question itself ("woont in de Bijlmer" -> Zuidoost,
"mevrouw (41)", "man van 58", "20jr"; an age written out in words, as dictation writes
it, is read as the number: "een man van achtentachtig", :mod:`busbaan.numerals`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from busbaan.errors import UsageError
from busbaan.numerals import spelled_numbers
from busbaan.routing import lexicon
from busbaan.routing.lexicon import fold
from busbaan.routing.text import TEXTS_KEPT, chat_written_out

Source = Literal["context", "question"]

MAX_PERSON_AGE = 120

#: The person a case note is about, as it abbreviates or names them (the Taalunie's
#: dhr., mw., mevr.; pt. patiënt and cl. cliënt of care notes; lln. leerling; mdw.
#: medewerker; :data:`.lexicon.SHORTHAND`), before the age: "Dhr. 77", "mw. 79", "pt. 45".
_NOTE_PERSON = (r"dhr|mw|mevr|meneer|mevrouw|pt|patient|patiente|cl|client|cliente|lln|mdw|"
                r"medewerker|medewerkster|werknemer|employee")

_AGE_PATTERNS = (
    # "(41)", "( 41 )"; not a call's argument glued to a word ("alert(1)" in pasted
    # markup; outside10 #10)
    re.compile(r"(?<!\w)\(\s*(\d{1,3})\s*(?:jaar|jr|j)?\s*\)"),
    # "58 jaar", "20jr", "20-jarige", "35 years old", "35-year-old"
    re.compile(
        r"(?<![\d.,])(\d{1,3})\s*-?\s*(?:jaar\b(?!\s+(?:geleden|lang|later|terug|in|na|hier|"
        r"getrouwd|samen))"
        r"|jr\b|jarige\b|year[s]?[ -]old\b|yo\b)"
    ),
    # "man van 69", "jongen van 20", "dame van 77", "a man of 40", "aged 35", "age 35";
    # session 13: an age said about ("een man van rond de 50", "een vrouw van ongeveer
    # 60", "a man of about 50": what a stranger guesses, as dictated and as typed)
    re.compile(
        r"\b(?:van|of|aged|age|leeftijd)\s+"
        r"(?:(?:rond\s+de|rond|ongeveer|circa|ca|zo'?n|around|about|roughly)\s+)?(\d{1,3})\b(?!\s*(?:euro|eur|%|procent|keer|maanden|"
        # a span of years is no age: "de toeslag van drie jaar terug", "van 3 jaar
        # lang" (session 13: x21-02 read a claim going back three years as a child of 3)
        r"weken|dagen|uur|kinderen|jaar\s+(?:geleden|terug|lang|later)))(?![.,]\d)"
        # a date is no age: "de brief van 3 dec", "the letter of 12 March" (router25)
        # (English "may" left out: "a man of 40 may qualify")
        r"(?!\s*(?:jan|januari|january|feb|februari|february|mrt|maart|march|apr|april|mei|"
        r"jun|juni|june|jul|juli|july|aug|augustus|august|sep|sept|september|okt|oktober|oct|"
        r"october|nov|november|dec|december)\b)"
        # a change or a range is no age: "van 4 naar 2 uur", "van 9 tot 5", "from 3 to 1"
        r"(?!\s*(?:naar|tot|to|[-–])\s*\d)"
        # a floor is no age: "de bewoonster van 3-hoog", "de buurman van 2 hoog achter"
        # (Amsterdam's way of saying the storey; session 15, the lead: a suicide plan of
        # "de bewoonster van 3-hoog" went to the youth team as if she were 3)
        r"(?!\s*-?\s*hoog\b)"
    ),
    # "Ik ben 45, ...", "ben 20 en ...", "I am 24", "I'm 52" (the speaker's own age; a
    # count or a duration after the number is no age); s6: the same said of a third
    # person with a pronoun ("ze is pas 15", "he's 91", "she is only 17"); s8 (safety9):
    # or with a possessive and a noun ("mn vriend is 16", "my friend is 17": a copula
    # with a bare number says the age of the person named)
    re.compile(
        r"\b(?:ik\s+ben|ben|i\s+am|i['’`]?m|(?:hij|zij|ze|he|she|meneer|mevrouw|mevr|mw|dhr|"
        r"client|cliente|patient|patiente|klant|(?:mijn|mn|m'n|my|onze|our)\s+[a-z]+)\s+is"
        r"(?:\s+(?:pas|nog\s+maar|"
        r"maar|only|just))?|(?:he|she)['’`]s(?:\s+(?:only|just))?)\s+(\d{1,3})\b"
        r"(?!\s*(?:euro|eur|%|procent|keer|x\b|"
        r"maanden|maand|weken|week|dagen|dag|uur|jaar|years?|months?|weeks?|days?|times|"
        r"kilo|kg|cm|minuten|van\b|of\b))(?![.,]\d)"
    ),
    # "jongen 20", "vrouw, 50," "Client in Noord, 35,"; session 15 (router32): the
    # person as a case note abbreviates it (:data:`_NOTE_PERSON`: "Dhr. 77,", "S/O: pt.
    # 31,", "Oud-lln. 18,", "pt. female 30:")
    re.compile(
        r"\b(?:man|vrouw|jongen|meisje|meid|jongeman|jongere|dame|heer|moeder|vader|"
        r"zoon|dochter|client|cliente|klant|leerling|woman|boy|girl|" + _NOTE_PERSON + r")\b"
        r"[^\d]{0,25}?[,\s]\s*(\d{1,3})\s*(?:,|\.(?!\d)|$|:(?!\d)|"
        r"jaar\b(?!\s+(?:geleden|terug|lang|later))|jr\b)"
    ),
    # "buurvrouw 79 valt vaak", "mijn schoonvader 84 woont alleen", "neighbour 80 lives
    # alone": a person noun (Dutch compounds on -vrouw/-man/-moeder/-vader included) right
    # before the number, a word after it that is no count or duration; session 15
    # (router32): or a case note's abbreviation ("mw. 79 baxterrol", "S: pt. 45 wil")
    re.compile(
        r"\b(?:\w*(?:vrouw|man|moeder|vader)|oma|opa|neighbou?r|mother|father|grandmother|"
        r"grandfather|grandma|grandpa|(?:" + _NOTE_PERSON + r")\.?)\s+(\d{1,3})\s+"
        r"(?!(?:euro|eur|procent|keer|x|kinderen|"
        r"kids|children|maanden|maand|weken|week|dagen|dag|uur|jaar|years?|months?|weeks?|"
        r"days?|times|kilo|kg|cm|minuten|huizen|deuren|verder|m2|m²|nummer)\b)[a-z]"
    ),
    # "A passenger, 23, told me", "een stagiair, 19, vertelde", "our lodger, 58, has":
    # a bare number set off by commas right after a noun phrase (an article or a
    # possessive, at most one word between) is an apposition that gives the person's
    # age, as a newspaper writes it (ANS 10.3, de bijstelling; English appositive), for
    # any noun, not only the person nouns above (session 16: outside17's taxi driver);
    # not a list of numbers ("kamer 4, 5, 6": no noun phrase before the number)
    re.compile(
        r"\b(?:a|an|the|my|our|his|her|their|een|de|het|mijn|mn|m'n|onze|ons|zijn|haar|hun)"
        r"\s+(?:[a-z]+\s+)?[a-z]{3,},\s*(\d{1,3})\s*,(?!\s*\d)"
    ),
)
#: Kinship words for a person's offspring (Dutch and English, with diminutives) after a
#: word that makes them someone else's: "moeder met een dochter van 8", "heeft een zoon
#: (6)", "haar kinderen van 3 en 5". The age is then the child's, not the person's; "kind
#: van 14 gaat niet naar school" or "mijn zoon van 6" is about the child itself.
_OFFSPRING = re.compile(
    r"\b(?:met|heb|hebt|heeft|hebben|haar|zijn|hun|with|has|have|her|his|their)\s+"
    r"(?:\w+\s+){0,2}?"
    r"(?:zoon|zoons|zonen|zoontje|dochter|dochters|dochtertje|kind|kindje|kinderen|"
    r"kleinzoon|kleindochter|kleinkind|stiefzoon|stiefdochter|baby|son|daughter|child|kid|"
    # the plurals of the words for a child's age group (router10: "mijn pubers van 13
    # en 15" are the person's children, as "haar kinderen van 3 en 5" are)
    r"children|kids|pubers|tieners|peuters|kleuters|babys|teenagers|toddlers)\b"
    r"[^\d.,;]{0,12}$"
)
#: Below this an offspring's age is a child's (an adult son or daughter is the client).
ADULT_AGE = 18
#: A service whose upper age is at most this is about children and young people (the
#: ouder- en kindteam works with parents of children up to 22): a parent may ask for it.
CHILD_SERVICE_MAX_AGE = 22
#: Words for a child of the person anywhere in the question (without an age), and for
#: bringing one up.
_CHILD_WORD = re.compile(
    r"\b(?:opvoeding|opvoeden|opvoedvragen|parenting|zoon|zoons|zonen|zoontje|dochter|dochters|dochtertje|kind|kindje|kinderen|"
    r"stiefzoon|stiefdochter|pleegkind|baby|peuter|kleuter|tiener|puber|son|sons|daughter|"
    r"daughters|child|children|kid|kids|toddler|teenager|"
    # router10: the plurals of the age-group words, and a primary-school grade ("groep
    # 8", Dutch schools' groups 1-8: whoever asks about one asks about a pupil)
    r"babys|peuters|kleuters|tieners|pubers|toddlers|teenagers|groep\s+[1-8])\b"
)
#: A person this much older than a child service's upper age cannot be the parent of a
#: child it serves (CBS: births to mothers of 50 and over are a handful a year in the
#: Netherlands), so "kinderen" of a person of 79 are grown up.
OLDEST_PARENT_AT_BIRTH = 50
#: Below this age a person is not taken for the parent of a child the question names
#: (CBS: mothers under 15 are a handful a year in the Netherlands).
YOUNGEST_PARENT = 15
#: "wordt over vijf maanden 18", "ze wordt in mei 18", "bijna 18", "turns 18 in June":
#: the age the person is about to reach (session 7: six writers of the retired sets
#: gave a 17-year-old who "wordt 18" and asked for the Wajong, which starts at 18).
_TURNING = re.compile(
    # (the words between may hold a number: "wordt over vijf maanden 18" is read with its
    # numbers in digits, "over 5 maanden 18")
    r"\b(?:wordt|word|turns?|turning|will\s+be|bijna|almost|nearly)\s+(?:[a-z0-9]+\s+){0,4}?"
    r"(\d{1,2})\b(?!\s*(?:euro|eur|%|procent|keer|x\b|maanden|maand|weken|week|dagen|dag|"
    r"uur|months?|weeks?|days?|hours?|times|kilo|kg))(?![.,]\d)"
)
#: A service whose lower age the person reaches within this many years stays open to
#: a question that says so: people prepare the step (a Wajong is asked before 18).
TURNING_AHEAD = 1
# A duration ("al 5 jaar", "sinds 3 jaar", "zeker vijf jaar", "5 jaar in de bijstand") is
# no age; nor is
# how long someone has lived or worked somewhere ("woon 2 jaar hier", "woont 4 jaar in
# Nederland", "werkt 12 jaar bij", "lived here 3 years"; outside9 finding 2).
_DURATION_BEFORE = re.compile(
    r"(?:\bal|\bsinds|\bruim|\bbijna|\bvoor|\bna|\bnog|\bper|\bzeker|\bminstens|"
    r"\bwoon|\bwoont|\bwonen|"
    r"\bwoonde|\bwoonden|\bwerk|\bwerkt|\bwerken|\bwerkte|\bleef|\bleeft|\bleefde|\bzit|"
    r"\bzat|\blive[sd]?|\bbeen|\bhere|\bhier)\s*$")
#: Dutch grammar (session 8, router10): an age is said with a copula ("ik ben 15 jaar",
#: "ze is 80"), after a person ("man van 58 jaar") or as an adjective ("58-jarige"); "N
#: jaar" right after a subject and another verb is how long something lasts ("ik woon
#: 15 jaar hier", "we werken 20 jaar bij ...", "hij zit 3 jaar thuis"). The subject
#: pronouns and copulas are grammar words, not domain words.
_DURATION_VERB = re.compile(
    r"\b(?:ik|je|jij|u|we|wij|hij|zij|ze)\s+"
    r"(?!(?:ben|bent|is|zijn|was|waren|word|wordt|werd|werden)\b)[a-z]+"
    r"(?:\s+(?:hier|daar|er|al|nu|nog|pas|ongeveer|zo'?n|bijna|ruim))?\s*$"
)


#: "al een jaar of vijf", "een week of drie": Dutch says "about N" as a unit, "of" and
#: the number (ANS: "of" after a measure as an approximation); no age, though "of" reads
#: as the English "a man of 40" (session 13: dictation writes the number out). After a
#: person it is one ("een meisje van een jaar of 16").
_ABOUT = re.compile(r"(?<!\bvan een )\b(?:jaar|jaren|maand|maanden|week|weken|dag|dagen|uur|keer)"
                    r"\s+of\s*$")
#: "moeder van twee", "a mother of two", "oma van twee kleintjes": after a parent or a
#: grandparent a number below :data:`YOUNGEST_PARENT` counts the children (session 13:
#: written out or not, "alleenstaande moeder van twee" is no person of 2).
_PARENT_OF = re.compile(
    r"\b(?:moeder|vader|ouder|oma|opa|mother|father|parent|mum|mom|dad|grandmother|"
    r"grandfather|grandma|grandpa)\s+(?:van|of)\s*$")


@dataclass(frozen=True, slots=True)
class Person:
    """What is known about the person the question is about."""

    stadsdeel: str | None = None
    stadsdeel_source: Source | None = None
    leeftijd: int | None = None
    leeftijd_source: Source | None = None
    place_words: tuple[str, ...] = ()
    #: The age of the person's child, when the question gives one ('zoon van 9').
    child_age: int | None = None
    #: The question speaks of a child ('haar dochter', 'the kids'), with or without age.
    has_child: bool = False
    #: The age the question says the person is about to reach ('wordt in mei 18').
    turning: int | None = None
    #: Ages the question gives for other people than the one of :attr:`leeftijd`
    #: ("mijn zoon van 19" when the context gives the parent's 50): the question may
    #: be about any of them (router10).
    other_ages: tuple[int, ...] = ()

    def admits(self, minimum: int | None, maximum: int | None, *, ahead: bool = False) -> bool:
        """True when a service for ages ``minimum``..``maximum`` is open to this person
        -- or to their child: a parent asks for the child's service ("vader (42) heeft
        een zoon van 9 die wil voetballen"), by the child's age when given, else for
        any service that ends before adulthood. ``ahead``: also a service the person
        is about to reach (:attr:`turning`, at most TURNING_AHEAD years on); not for
        safety services, where the age of tonight counts."""

        def fits(age: int) -> bool:
            return (minimum is None or age >= minimum) and (maximum is None or age <= maximum)

        if self.leeftijd is None or fits(self.leeftijd):
            return True
        if (ahead and self.turning is not None
                and self.leeftijd < self.turning <= self.leeftijd + TURNING_AHEAD
                and fits(self.turning)):
            return True
        if any(fits(age) for age in self.other_ages):
            return True
        if self.child_age is not None:
            return fits(self.child_age)
        # "buurvrouw 79 ..., kinderen komen nooit": her children are grown up; "kindje van
        # 2" is the child itself, no parent (outside8: Leerplicht for a toddler)
        could_be_parent = (self.leeftijd >= YOUNGEST_PARENT
                           and self.leeftijd - OLDEST_PARENT_AT_BIRTH <= CHILD_SERVICE_MAX_AGE)
        # a service for young adults only (18-22: the youth shelter, the RMC) serves them
        # as they ask themselves, not a parent who names "kinderen" without an age
        # (router10: the youth shelter first for a mother of 40 and her children)
        for_minors = minimum is None or minimum < ADULT_AGE
        return (self.has_child and could_be_parent and maximum is not None
                and maximum <= CHILD_SERVICE_MAX_AGE and for_minors)


def detect_age(text: str) -> int | None:
    """The first plausible age of a person mentioned in ``text``, or None; a child's
    age named after 'zoon', 'dochter', 'kind'... is not the person's (see
    :func:`detect_child_age`) unless it is the only person in the question."""
    found = _ages(_read(text))
    own = [(pos, value) for pos, value, child in found if not child]
    return min(own)[1] if own else None


#: An age with a half year ("jongen 17,5", "17.5 jaar", "17 en een half", "17 and a
#: half"): the person reaches the next age within half a year (session 15, router32: a
#: physio's "Jongen 17,5 ... welke uitkering vanaf 18" asked for the Wajong, which a
#: parent may prepare half a year before the 18th birthday).
_HALF_YEAR = re.compile(r"(?<![\d.,])(\d{1,2})(?:[,.]5|\s+en\s+een\s+half|\s+and\s+a\s+half)\b"
                        r"(?!\s*(?:\d|duizend|miljoen|euro|eur|%|procent|uur|km|kilo|kg|k\b))")


def detect_turning(text: str, age: int | None = None) -> int | None:
    """The age the question says someone is about to reach, or None; with ``age``
    known, also the next one when the question gives that age with a half year."""
    read = _read(text)
    match = _TURNING.search(read)
    if match:
        return int(match.group(1))
    if age is not None and any(int(m.group(1)) == age for m in _HALF_YEAR.finditer(read)):
        return age + 1
    return None


def detect_child_age(text: str) -> int | None:
    """The first age the question gives for a child of the person ('zoon van 9')."""
    found = [(pos, value) for pos, value, child in _ages(_read(text)) if child]
    return min(found)[1] if found else None


#: An age given as about a number ("mw. (ca. 35)", "pt. female ~30", "vrouw (circa
#: 40)"): the number (session 15, router32; "rond de 50" after "van" was read before).
_ABOUT_AGE = re.compile(r"(?:\bca\.?|\bcirca|~|\+/-)\s*(?=\d)")
#: An age given by its decade ("man (eind 40)", "vrouw begin dertig", "a man in his
#: late forties", "in her 50s"): Dutch says the start, middle or end of a decade with
#: begin, midden, eind (Van Dale: "eind veertig", in the late forties), English with
#: early, mid, late; the number read is the decade's 2, 5 or 8 ("eind 40": 48), a
#: decade alone its middle. Session 15, router32 (retired s30: "man (eind 40)" was
#: read as no age, and the youth shelter came first for him; "vrouw eind dertig" as 30).
_DECADES = (r"(?:(\d)0(?:s|'s|er)?|(twenties|thirties|forties|fifties|sixties|seventies|"
            r"eighties|nineties))")
_DECADE = re.compile(
    r"\b(?:in\s+(?:his|her|their)\s+)?(?:(begin|midden|eind|early|mid|late)[ -]?"
    + _DECADES + r"|in\s+(?:his|her|their)\s+" + _DECADES + r")\b")
_DECADE_PART = {"begin": 2, "early": 2, "midden": 5, "mid": 5, "eind": 8, "late": 8}
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}


def _decade_age(match: re.Match[str]) -> str:
    part, digit, word, digit_alone, word_alone = match.groups()
    digit, word = digit or digit_alone, word or word_alone
    tens = int(digit) if digit else _DECADE_WORDS[word]
    return str(tens * 10 + _DECADE_PART.get(part or "", 5))


#: A baby's or toddler's age in months ("de jongste van 14 maanden", "ons kindje van 9
#: maanden", "my son of 18 months", "a 10-month-old", "9 months old"): read as its age in
#: whole years (14 months: 1) of a child, so that the child's services admit the
#: household. Only after a word for a child, or with "oud"/"old": "een achterstand van 3
#: maanden" is a duration (session 17, router39: the retired s37's toddler who missed his
#: vaccinations had his age in months, and the parent's age, 30, excluded the youth
#: health service).
_MONTHS_AFTER_CHILD = re.compile(
    r"\b(baby|babytje|zoon|zoontje|dochter|dochtertje|kind|kindje|kleintje|jongste|"
    r"jongetje|meisje|son|daughter|child|youngest|little\s+one)\s+(van|of)\s+"
    r"(\d{1,2})\s*(?:maanden|maand|months?)\b(?!\s*(?:geleden|ago))")
_MONTHS_OLD = re.compile(r"\b(\d{1,2})\s*-?\s*(?:maanden|maand|months?)[ -](?:oud|old)\b")


def _months_as_years(text: str) -> str:
    """``text`` (folded) with a child's age in months (:data:`_MONTHS_AFTER_CHILD`) as
    whole years."""
    if "maand" not in text and "month" not in text:
        return text
    # written as a child's age (:data:`_OFFSPRING`): a baby is never the one who asks,
    # and the asker's own age, when the question gives none, stays unknown
    text = _MONTHS_AFTER_CHILD.sub(lambda m: f"met kind van {int(m.group(3)) // 12} jaar",
                                   text)
    return _MONTHS_OLD.sub(lambda m: f"met kind van {int(m.group(1)) // 12} jaar", text)


@functools.lru_cache(maxsize=TEXTS_KEPT)
def _read(text: str) -> str:
    """``text`` folded, with its numbers written out in words put in digits, so that one
    set of age patterns reads "man van 88" and "man van achtentachtig" alike; an age
    given as about a number or by its decade is read as a number (:data:`_ABOUT_AGE`,
    :data:`_DECADE`); with its chat, regional and spoken spellings written out as the
    ranker and the signals read them (:func:`.text.chat_written_out`; session 15: "van 3
    maande" is a duration, not an age of 3; Gronings "mien moeke is 77" an age)."""
    return _months_as_years(_DECADE.sub(_decade_age, _ABOUT_AGE.sub("", spelled_numbers(
        chat_written_out(fold(text))))))


def _ages(folded: str) -> list[tuple[int, int, bool]]:
    """(position, age, is a child's age) for each plausible age in ``folded``."""
    found: list[tuple[int, int, bool]] = []
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(folded):
            value = int(match.group(1))
            if not 0 <= value <= MAX_PERSON_AGE:
                continue
            if _DURATION_BEFORE.search(folded[: match.start(1)]):
                continue
            if pattern is _AGE_PATTERNS[1] and _DURATION_VERB.search(folded[: match.start(1)]):
                continue
            if _ABOUT.search(folded[: match.start(1)]):
                continue
            if value < YOUNGEST_PARENT and _PARENT_OF.search(folded[: match.start(1)]):
                continue
            before = folded[max(0, match.start(1) - 30) : match.start(1)]
            child = value < ADULT_AGE and bool(_OFFSPRING.search(before.rstrip(" (")))
            found.append((match.start(1), value, child))
    return found


_GROWN_CHILD = re.compile(_CHILD_WORD.pattern + r"[^\d.,;]{0,12}$")


def speaks_of_a_child(text: str) -> bool:
    """True when ``text`` names a child of the person ('haar dochter', 'the kids') that
    is not grown up: 'mijn dochter van 23' is about the daughter herself."""
    folded = _read(text)
    if not _CHILD_WORD.search(folded):
        return False
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(folded):
            before = folded[max(0, match.start(1) - 30) : match.start(1)].rstrip(" (")
            if int(match.group(1)) >= ADULT_AGE and _GROWN_CHILD.search(before):
                return False
    return True


_PLACE_KEYS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            *((fold(name).replace("-", " "), name) for name in lexicon.STADSDELEN),
            *((fold(k).replace("-", " "), v) for k, v in lexicon.PLACES.items()),
        ],
        key=lambda kv: -len(kv[0]),
    )
)
_TOWARDS = re.compile(r"(?:\bnaar|\bto|\bin|\buit\s+\w+\s+naar)\s*(?:de\s+|het\s+|the\s+)?$")


def detect_stadsdeel(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The stadsdeel a question names (and the words that named it), or None.

    When several stadsdelen are named ("verhuisd van Oost naar Zuidoost"), the one
    after "naar" wins; if that does not decide, the question is ambiguous: None.
    """
    folded = " " + re.sub(r"[^a-z0-9]+", " ", fold(text)) + " "
    mentions: list[tuple[int, str, str]] = []
    taken = [False] * len(folded)
    for key, stadsdeel in _PLACE_KEYS:
        start = 0
        needle = f" {key} "
        while (pos := folded.find(needle, start)) >= 0:
            span = range(pos + 1, pos + 1 + len(key))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                mentions.append((pos, stadsdeel, key))
            start = pos + 1
    if not mentions:
        return None, ()
    names = {m[1] for m in mentions}
    place_words = tuple(w for m in mentions for w in m[2].split())
    if len(names) == 1:
        return names.pop(), place_words
    towards = {m[1] for m in mentions if _TOWARDS.search(folded[: m[0] + 1].rstrip() + " ")}
    if len(towards) == 1:
        return towards.pop(), place_words
    return None, place_words


def known_stadsdeel(value: str) -> str:
    """The canonical stadsdeel for a context value; :class:`UsageError` when unknown."""
    stadsdeel = lexicon.canonical_stadsdeel(value)
    if stadsdeel is None:
        known = ", ".join(lexicon.STADSDELEN)
        raise UsageError(
            f"Onbekend stadsdeel '{value}'. Kies uit: {known}.",
            f"Unknown stadsdeel '{value}'. Choose from: {known}.",
            errcode="BB_UNKNOWN_STADSDEEL",
            data={"stadsdeel": value, "known": list(lexicon.STADSDELEN)},
        )
    return stadsdeel


def known_age(value: object) -> int:
    """A context age as an int; :class:`UsageError` when it is not a plausible age."""
    age: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        age = value
    elif isinstance(value, str) and value.strip().isdigit():
        age = int(value.strip())
    if age is None or not 0 <= age <= MAX_PERSON_AGE:
        raise UsageError(
            f"Leeftijd {value!r} is geen geldige leeftijd (een heel getal van 0 tot "
            f"{MAX_PERSON_AGE}).",
            f"Age {value!r} is not a valid age (a whole number from 0 to {MAX_PERSON_AGE}).",
            errcode="BB_BAD_AGE",
        )
    return age


def person(question: str, context: Mapping[str, object] | None) -> Person:
    """Combine the given context with what the question itself says."""
    context = context or {}
    stadsdeel: str | None = None
    stadsdeel_source: Source | None = None
    raw_stadsdeel = context.get("stadsdeel")
    if raw_stadsdeel not in (None, ""):
        stadsdeel = known_stadsdeel(str(raw_stadsdeel))
        stadsdeel_source = "context"
    detected, place_words = detect_stadsdeel(question)
    if stadsdeel is None and detected is not None:
        stadsdeel, stadsdeel_source = detected, "question"
    leeftijd: int | None = None
    leeftijd_source: Source | None = None
    raw_age = context.get("leeftijd")
    if raw_age not in (None, ""):
        leeftijd, leeftijd_source = known_age(raw_age), "context"
    else:
        leeftijd = detect_age(question)
        leeftijd_source = "question" if leeftijd is not None else None
    return Person(
        stadsdeel,
        stadsdeel_source,
        leeftijd,
        leeftijd_source,
        place_words,
        detect_child_age(question),
        speaks_of_a_child(question),
        detect_turning(question, leeftijd),
        tuple(sorted({age for _, age, _ in _ages(_read(question)) if age != leeftijd})),
    )
