"""xfails (session 19): false ⚠ signals on retired s43-s46's near misses, by cause.

Retired s43-s46, each scored by a router without its session's example files, drew a
false ⚠ on 12 questions without a danger. Eight had a cause in the safety reader
(busbaan/routing/safety.py, safety_signals.yaml): a worry corrected in indirect speech
("maar zijn dochter zegt dat hij bij haar logeert"), or after only the asker's alarm ("Ik
schrok, maar ..."); the comma of an amount ("€ 5,000") that ended a part played; the school
theatre as a stage; a home regained with "weer" ("nu woont hij weer thuis"), which keeps
last winter's street in the past; the "now" of a home one has ("she has her own flat now")
read as the time of a danger. outside22's o22-10 ("het bedrijf heeft het uitgezet": the
power, not a family put out) has the same kind of cause. Each test is written in its own
words, with a twin whose danger is told beside it and is still read. See
docs/notes/2026-12-17s19-xfails.md.
"""

from __future__ import annotations

import pytest

from busbaan.routing.safety import SafetySignals, detect, distanced


def strong(signals: SafetySignals, text: str) -> list[str]:
    return [s.family.id for s in detect(signals, text) if not s.weak]


@pytest.mark.parametrize("text", [
    "Mijn overbuurvrouw had ik al dagen niet gezien en haar post stapelde zich op, maar haar "
    "zoon vertelde dat ze bij hem logeert. Ze wil nu hulp bij het schoonmaken.",
    "I hadn't seen the old man upstairs for a week and his curtains stayed shut, but his "
    "niece said that he is staying with her. Who helps him with shopping?",
])
def test_a_worry_corrected_in_indirect_speech_is_no_danger(signals: SafetySignals,
                                                             text: str) -> None:
    """An unfounded marker told as reported news ("maar X zegt dat ... logeert"): what
    came before it is not read, and the question is at a distance."""
    assert strong(signals, text) == []
    assert distanced(signals, text)


def test_a_turn_after_only_the_alarm_corrects_the_sentence_before(
        signals: SafetySignals) -> None:
    """"Ik schrok, maar ..." corrects what alarmed the asker, the sentence before; a
    report that the person still cannot be reached is no correction."""
    assert strong(signals, "Ik had de buurman een week niet gezien en de brievenbus puilde "
                           "uit. Ik schrok echt, maar zijn zus zegt dat hij bij haar "
                           "logeert.") == []
    assert "unseen_person" in strong(
        signals, "Ik had de buurman een week niet gezien en de brievenbus puilde uit. Ik "
                 "schrok, maar zijn zus zegt dat ze hem ook niet kan bereiken.")


def test_the_comma_of_an_amount_ends_no_part_played(signals: SafetySignals) -> None:
    """"plays a man who loses € 3,500 and hits his daughter": the part runs on past the
    amount's comma; a danger told in its own sentence is still read."""
    assert strong(signals, "At drama club my niece plays a mother who spends € 3,500 on "
                           "drink and hits her daughter. Can the club fee be covered?") == []
    assert "child_maltreatment" in strong(
        signals, "My niece plays a mother who spends € 3,500 on drink. At home her dad hits "
                 "her.")


def test_the_school_theatre_is_a_stage(signals: SafetySignals) -> None:
    """"in het schooltoneel" puts what is told in that part on a stage."""
    assert strong(signals, "In het schooltoneel slaapt een meisje drie nachten in een "
                           "fietsenstalling. Wie betaalt de kostuums?") == []


@pytest.mark.parametrize("text", [
    "Mijn dochter sliep vorige winter in haar auto, nu huurt ze weer een kamer. Hoe vindt ze "
    "een opleiding?",
    "Vorig jaar stond mijn broer op straat, nu woont hij weer thuis bij mijn ouders. Hij zoekt "
    "werk.",
])
def test_a_home_regained_keeps_the_street_in_the_past(signals: SafetySignals,
                                                      text: str) -> None:
    """A home regained said with "weer" is settled: the street of last winter stays past."""
    assert "homeless_tonight" not in strong(signals, text)


def test_the_street_again_now_is_read(signals: SafetySignals) -> None:
    """The street itself come back ("nu slaapt hij weer op straat") is read as now."""
    assert "homeless_tonight" in strong(
        signals, "Vorige winter sliep hij buiten, nu slaapt hij weer op straat.")


def test_the_now_of_a_home_one_has_is_no_time_of_a_danger(signals: SafetySignals) -> None:
    """"she has her own flat now ... no bed" (furniture lacking in the flat she has): the
    "now" dates the home, not a night without a bed."""
    assert "homeless_tonight" not in strong(
        signals, "Two years ago he slept in a shelter; that is behind him and he has his own "
                 "place now. The place is empty: no bed, no table. Who helps with furniture?")


def test_a_thing_switched_off_is_no_eviction(signals: SafetySignals) -> None:
    """"heeft het uitgezet" (het: a thing, the power) is switched off, no one put out; a
    family put out ("heeft het gezin uitgezet") is read."""
    text = ("Sinds vanochtend hebben ze geen gas meer, de leverancier heeft het uitgezet. Wat "
            "kunnen ze vandaag doen?")
    assert "homeless_tonight" not in strong(signals, text)
    assert "homeless_tonight" in strong(
        signals, "De verhuurder heeft het gezin vandaag uitgezet, ze weten niet waar ze "
                 "vannacht moeten slapen.")
