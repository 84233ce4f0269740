"""Session 13 (router26): questions that were spoken, not typed -- dictated voice messages.

See docs/notes/2026-12-11s13-router26.md. Probes in new voices:
tests/data/socialmap/probes-s13-router26.jsonl.

- :mod:`busbaan.numerals` reads a number written out in words ("tweeëntachtig", "negen en
  zeventig", "eighty four"); privacy's "an age is no surname" and routing's age reading
  share it;
- an age in words is an age (:mod:`busbaan.routing.context`, the safety signals' elder
  and child ages); "een jaar of vijf", "moeder van twee" and "twee jaar geleden" are not;
- a number in words is no topic, as digits are not; fillers and greetings ("eh",
  "hallo") and the particles "hoor" and "zeg maar" say nothing; an abbreviation
  spelled letter by letter ("a o w") is one word;
- in a message without sentence punctuation the ask is where the speaker starts to ask
  (:func:`busbaan.routing.text.asked_sentences`).
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.numerals import number_value, spelled_numbers
from busbaan.privacy import find_personal_data
from busbaan.routing import Router
from busbaan.routing.context import detect_age
from busbaan.routing.safety import _elder_age, _minor_age
from busbaan.routing.text import asked_sentences, words

PROBES = {q["id"]: q for q in read_jsonl("probes-s13-router26.jsonl")}

# ------------------------------------------------------------------ the number reader


@pytest.mark.parametrize(("word", "value"), [
    ("tweeëntachtig", 82), ("tweeentachtig", 82), ("Vijfenzestig", 65), ("elf", 11),
    ("negentien", 19), ("honderdtwee", 102), ("tweeduizend", 2000), ("seventy", 70),
    ("eighteen", 18),
])
def test_a_number_word_is_read_by_its_grammar(word: str, value: int) -> None:
    """Dutch unit-"en"-ten compounds (with or without the diaeresis), teens, hundreds and
    thousands, and English numbers, are read as the number they say."""
    assert number_value(word) == value


@pytest.mark.parametrize("word", ["driehoog", "achter", "eentje", "tachtigste", "tween",
                                  "zeventiger", "42"])
def test_a_word_that_only_starts_like_a_number_is_none(word: str) -> None:
    """A word built on a number ("driehoog"), an ordinal, a word that begins like one, or
    digits, is no written-out number."""
    assert number_value(word) is None


@pytest.mark.parametrize(("text", "read"), [
    ("mijn overbuurman van negen en zeventig", "mijn overbuurman van 79"),
    ("ze is een en negentig", "ze is 91"),
    ("she is eighty-two", "she is 82"),
    ("een man van achtentachtig", "een man van 88"),
])
def test_numbers_said_apart_are_one_number(text: str, read: str) -> None:
    """A unit, "en" and a ten said apart, and an English ten and unit, are one number; a
    lone "een" stays the article."""
    assert spelled_numbers(text) == read


@pytest.mark.parametrize("text", [
    "ik woon naast een meneer van negen en zeventig",
    "mevrouw van vierentachtig wil hulp bij het poetsen",
])
def test_an_age_in_words_after_a_title_is_no_name(text: str) -> None:
    """Privacy reads the same numbers: an age written out after a title is no surname."""
    assert find_personal_data(text) == []


# ------------------------------------------------------------------ an age in words


@pytest.mark.parametrize(("text", "age"), [
    ("ja goedendag ik ben de dochter van een man van achtentachtig", 88),
    ("hi my grandma is eighty four and lives alone", 84),
    ("er staat een man van rond de vijfenvijftig bij de deur", 55),
    ("een man van rond de 50 slaapt in ons portiek", 50),
    # the asker's own age with "zelf" is background: the neighbour is the person
    ("ik ben zelf ook al drieëntachtig hoor maar mijn overbuurman van negen en zeventig "
     "zie ik niet meer", 79),
])
def test_an_age_in_words_is_an_age(text: str, age: int) -> None:
    """An age written out, or guessed ("rond de"), is read as the person's age."""
    assert detect_age(text) == age


@pytest.mark.parametrize("text", [
    "ik kom al een jaar of vijf rond van het minimum",
    "alleenstaande moeder van twee, drie aanmaningen",
    "a mother of two, the bailiff comes on Friday",
    "mijn zoon heeft twee jaar geleden bij vrienden geslapen",
    # session 13 (x21-02): a claim going back years is no child of that age
    "nu wil de Belastingdienst de kinderopvangtoeslag van drie jaar terug",
    "de huur van 2 jaar lang niet verhoogd",
])
def test_a_count_or_a_duration_in_words_is_no_age(text: str) -> None:
    """"een jaar of vijf" (about five years), "moeder van twee" (two children) and "twee
    jaar geleden" are no age, written out or in digits."""
    assert detect_age(text) is None
    assert detect_age(spelled_numbers(text)) is None


def test_the_safety_signals_read_an_age_in_words() -> None:
    """The elder and child ages of the safety signals are read written out too."""
    assert _elder_age("ik bel over mijn vader van eenentachtig") == 81
    assert _minor_age("mijn broertje van acht krijgt klappen") == 8


# ------------------------------------------------------------------ what says nothing


def _sources(router: Router, text: str) -> set[str]:
    return {t.source for t in router.analyzer.query(text)}


def test_numbers_fillers_and_particles_give_no_terms(router: Router) -> None:
    """A number in words, a filler, a greeting, "zeg maar" and the particle "hoor" give
    no term; the words that carry the message do (a lone letter is left as it was:
    measured, see :func:`busbaan.routing.text.spoken_particles`)."""
    sources = _sources(router, "eh hallo nou ik ben zeventig hoor en s nachts zeg maar "
                               "slaap ik slecht zo n tweeëntachtig nachten")
    assert sources - {"s", "n"} == {"nachts", "slaap", "slecht", "nachten"}


def test_hoor_beside_its_subject_is_the_verb(router: Router) -> None:
    """"hoor ik", "ik hoor": the verb, which names what the asker hears."""
    assert "hoor" in _sources(router, "elke nacht hoor ik hem schreeuwen")


def test_an_abbreviation_spelled_letter_by_letter_is_one_word(router: Router) -> None:
    """"a o w", "u w v": the letters a dictation app writes are joined when the map or
    the lexicon knows the word; other letters stay apart."""
    assert {"aow", "uwv"} <= _sources(router, "mijn vader heeft a o w en het u w v belde")
    assert not _sources(router, "x q z") & {"xqz"}


# ------------------------------------------------------------------ the ask of a run-on


def _asked(text: str) -> list[str]:
    w = words(text)
    return [w[i] for i in sorted(asked_sentences(text))]


@pytest.mark.parametrize(("text", "first"), [
    ("mijn moeder woont op drie hoog en haar knie is op sinds de operatie en de huisarts "
     "zegt dat ze beneden moet wonen hoe kan zij sneller aan een woning komen", "hoe"),
    ("mijn opa woont alleen en zijn post stapelt zich op in de gang en kan er iemand "
     "langskomen om hem te helpen", "kan"),
    ("my uncle is on his own since his wife died and he does not open his letters "
     "anymore who can help him with the bills", "who"),
])
def test_a_dictated_message_asks_from_where_it_starts_asking(text: str, first: str) -> None:
    """In a message without sentence punctuation, the words from the question word (or
    the request) to the end are the ask; the story before it is background."""
    asked = _asked(text)
    assert asked[0] == first
    assert len(asked) < len(words(text))


@pytest.mark.parametrize("text", [
    # the ask opens the message: no background to weigh it against
    "kan iemand mij helpen want mijn vader van tachtig snapt zijn post niet meer",
    # "waar ik woon" is a relative clause, no ask
    "in de flat waar ik woon is de lift al weken kapot en mijn buurvrouw komt er niet uit",
    # V2 after a fronted clause ("toen hij viel kon hij"): no question
    "sinds mijn vader in het voorjaar viel en zijn heup brak kon hij de trap niet meer op",
])
def test_no_ask_read_in_a_run_on_that_does_not_ask(text: str) -> None:
    assert _asked(text) == []


# ------------------------------------------------------------------ the probes

#: Probes that still fail, with their cause (strict: they must fail until fixed).
OPEN = {
    "p26-11": "a gas stop for maintenance in the whole block, said to be fine, still "
              "raises the cut-off signal (safety: an explained cut-off)",
    # p26-18 (both old people's ages read, the ouderenadviseur's age-band boost over the
    # mantelzorgsteunpunt the carer asks for) passes since session 15's merges
}


@pytest.mark.parametrize("qid", [
    pytest.param(qid, marks=pytest.mark.xfail(strict=True, reason=OPEN[qid]))
    if qid in OPEN else qid
    for qid in PROBES
])
def test_dictated_probe(qid: str, router: Router) -> None:
    """Each dictated probe: its expected service first, its danger (if any) raised as a
    signal or a caution with a service of its answer key in the top 3; no signal on an
    ordinary question."""
    row: dict[str, Any] = PROBES[qid]
    answer = router.route(row["question"], row["context"])
    got = [r.service_id for r in answer.results[:3]]
    assert got[0] in row["expected"], got
    raised = {h.signal for h in (*answer.safety, *answer.caution)}
    if row["safety"]:
        assert row["safety"] in raised, (raised, got)
    else:
        assert not answer.safety, [h.signal for h in answer.safety]
