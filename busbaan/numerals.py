"""Numbers written out in words, Dutch and English, read as numbers (pure).

A dictated question writes numbers as a speech-to-text app does: out in words
("tweeëntachtig", "vijfenzestig jaar", "een en negentig", "seventy eight"). The words are
read by the grammar of the cardinal numbers, not from a list of forms: Dutch (ANS 6.4,
de hoofdtelwoorden; Taalunie, "Getallen in woorden": a unit, "en" ("ën" after an e) and a
ten written as one word; "honderd" and "duizend" in front) and English (a ten and a
unit, with a hyphen or a space). The split forms a dictation app makes ("negen en
zeventig", "twee en tachtig") are read as the one number they say.

One reader for the whole project: the privacy check (an age after a title is no surname:
"mevrouw van tweeëntachtig") and routing (an age in words is an age; a number is no topic)
share it. Tried first: text2num 3.1.0 (a maintained Rust reader for Dutch and English) reads
these forms but not the folded ones the router works with ("tweeentachtig": the diaeresis
is dropped by folding, and by many keyboards), and it would be a compiled dependency for
the few rules below.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: The Dutch and English cardinal words that make up every number up to 9999 (ANS 6.4;
#: any English grammar). Spellings with and without the accent of "één" fold alike.
_NL_UNITS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
             "acht": 8, "negen": 9}
_NL_TEENS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
             "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19}
_NL_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
            "zeventig": 70, "tachtig": 80, "negentig": 90}
_EN_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9}
_EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
             "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}

_UNITS = {**_NL_UNITS, **_EN_UNITS}
_TENS = {**_NL_TENS, **_EN_TENS}
_WORD = re.compile(r"[a-z]+")


def _fold(word: str) -> str:
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    return unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")


def _below_hundred(word: str) -> int | None:
    """1-99 in one Dutch word: a unit, a teen, a ten, or unit + "en" + ten
    ("tweeentachtig", folded from "tweeëntachtig")."""
    for table in (_NL_UNITS, _NL_TEENS, _NL_TENS):
        if word in table:
            return table[word]
    for unit, value in _NL_UNITS.items():
        if word.startswith(unit + "en") and word[len(unit) + 2:] in _NL_TENS:
            return value + _NL_TENS[word[len(unit) + 2:]]
    return None


def _below_thousand(word: str) -> int | None:
    """1-999 in one Dutch word: [unit]"honderd"["en"][1-99] or 1-99."""
    head, sep, rest = word.partition("honderd")
    if not sep:
        return _below_hundred(word)
    hundreds = 1 if not head else _NL_UNITS.get(head)
    if hundreds is None:
        return None
    if rest.startswith("en") and _below_hundred(rest[2:]) is not None:
        rest = rest[2:]  # "honderdentwee" (older spelling of "honderdtwee")
    tail = 0 if not rest else _below_hundred(rest)
    return None if tail is None else hundreds * 100 + tail


@functools.lru_cache(maxsize=4096)
def number_value(word: str) -> int | None:
    """The number one written-out word says, or None: Dutch "tweeëntachtig" 82,
    "vijfenzestig" 65, "honderdtwee" 102, "tweeduizend" 2000; English "seventy" 70,
    "twelve" 12. Folds case and accents first. Digits are no written-out number."""
    word = _fold(word)
    if not word.isalpha():
        return None
    for table in (_EN_UNITS, _EN_TEENS, _EN_TENS):
        if word in table:
            return table[word]
    if word in ("hundred", "thousand"):
        return {"hundred": 100, "thousand": 1000}[word]
    head, sep, rest = word.partition("duizend")
    if not sep:
        return _below_thousand(word)
    thousands = 1 if not head else _below_thousand(head)
    tail = 0 if not rest else _below_thousand(rest)
    if thousands is None or tail is None or thousands >= 10:
        return None
    return thousands * 1000 + tail


def is_number_word(word: str) -> bool:
    """True when ``word`` is a number written out in one word (:func:`number_value`)."""
    return number_value(word) is not None


#: Words left as written when they stand alone: the indefinite article and the pronoun
#: ("een man van ...", "no one"), as a speech-to-text app writes them.
_ALONE_AS_WRITTEN = frozenset(["een", "one"])


def spelled_numbers(folded: str) -> str:
    """``folded`` (lower case, no accents) with each number written out in words put in
    digits: "mijn vader van negen en zeventig" -> "mijn vader van 79", "she is eighty
    two" -> "she is 82", "vijfenzestig jaar" -> "65 jaar". A lone "een" or "one" stays
    as written (the article); so does every other word."""
    out: list[str] = []
    last = 0
    matches = list(_WORD.finditer(folded))
    i = 0
    while i < len(matches):
        match = matches[i]
        value = number_value(match.group(0))
        if value is None:
            i += 1
            continue
        end, used = match.end(), 1
        nxt = matches[i + 1:i + 3]
        # a unit, "en" and a ten said apart ("negen en zeventig", "een en negentig")
        if (match.group(0) in _NL_UNITS and len(nxt) == 2 and nxt[1].group(0) in _NL_TENS
                and folded[match.end():nxt[1].start()] == " en "):
            value += _NL_TENS[nxt[1].group(0)]
            end, used = nxt[1].end(), 3
        # an English ten and unit ("eighty two", "eighty-two")
        elif (match.group(0) in _EN_TENS and nxt and nxt[0].group(0) in _EN_UNITS
              and folded[match.end():nxt[0].start()] in (" ", "-")):
            value += _EN_UNITS[nxt[0].group(0)]
            end, used = nxt[0].end(), 2
        elif match.group(0) in _ALONE_AS_WRITTEN:
            i += 1
            continue
        out += [folded[last:match.start()], str(value)]
        last = end
        i += used
    return "".join(out) + folded[last:]
