"""Session 9, safety19 (issue 8; safety file 2026-12-06.51): danger described, not named,
that the safety reader missed, and one false alarm (outside11 findings 1 and 2), each
cause tested in our own words (not the findings' questions).

- Asking how high a building or which bridge, with dying or not surviving, is asking
  for a way (113 Zelfmoordpreventie: praten over of zoeken naar een manier of plek).
- A rope kept in a shed or bought is a weak sign (113: middelen); with a second sign
  ("nobody would miss him") the two are strong.
- English locking in told with the room ("locks the kids in their bedroom") and a
  toddler walking about the house alone (NJi signalenlijst: opsluiten, toezicht).
- A minor with a much older "friend" or man who gives money, presents or a phone
  (CKM/Movisie: signalen loverboys, seksuele uitbuiting); read only for a minor. A boy,
  a girl, a niece or a teenager named with an age is a minor.
- "nergens een bed" tonight is no place to sleep; a night in the car on a journey
  ("on the way to Spain") is travel.
- Cutting oneself ON something or WHILE doing something is an accident (Van Dale 'zich
  snijden aan'), not self-harm.
- The session 9e probe files, written before the change.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_near_miss_is_silent, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("safety-probes-session9e.jsonl")
NEAR = read_jsonl("safety-near-misses-session9e.jsonl")
#: Probes the reader still misses, with the cause.
MISSED = {
    # the age gap said only by two ages ("een man van 30" with a girl of 14): no cue
    # reads a difference of ages
    "probe19-008",
}
#: Probes read right whose first service is not the answer key's: a family with a baby
#: or children and no age given gets the youth shelter access first (the family's first
#: service in the safety file; not changed here).
MISRANKED = {"probe19-010", "probe19-011"}


def strong(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


def weak(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if s.weak}


@pytest.mark.parametrize("text", [
    "Mijn broer vraagt steeds van welke flat je moet springen om dood te zijn",
    "she asked me how high the bridge is and whether you would die straight away",
])
def test_asking_for_a_height_with_dying_is_suicide(signals: Any, text: str) -> None:
    assert "suicide" in strong(signals, text)


@pytest.mark.parametrize("text", [
    "Hoe hoog is de eigen bijdrage voor huishoudelijke hulp?",
    "How high is the rent for a flat on the ninth floor?",
    "Hoe hoog is de flat, en is er een lift voor mijn vader met een rollator?",
])
def test_a_height_alone_is_no_signal(signals: Any, text: str) -> None:
    assert not strong(signals, text) and not weak(signals, text)


def test_a_rope_alone_is_a_caution_and_with_a_second_sign_strong(signals: Any) -> None:
    assert "suicide" in weak(signals, "my son bought a rope, he says it's for the garden")
    assert "suicide" in strong(
        signals, "there's a rope in the garage and he keeps saying no one would miss him")


@pytest.mark.parametrize("text", [
    "Their mother locks the children in their room all day when she has visitors",
    "De peuter van de buren loopt 's middags alleen door het huis, vader ligt dan dronken op bed",
])
def test_locking_in_and_a_toddler_alone_are_child_maltreatment(signals: Any, text: str) -> None:
    assert "child_maltreatment" in strong(signals, text)


def test_a_door_locked_in_the_evening_is_no_signal(signals: Any) -> None:
    assert not strong(signals, "The kids' school locks the gate in the evening, "
                               "where can they play football?")


def test_grooming_of_a_minor_is_signalled_and_of_an_adult_not(signals: Any) -> None:
    assert "child_maltreatment" in strong(
        signals, "Een meisje van 15 uit de klas krijgt dure kleren van een veel oudere man")
    assert "child_maltreatment" not in strong(
        signals, "Mijn dochter van 31 heeft een veel oudere vriend die haar geld leent")


def test_nowhere_a_bed_tonight_and_a_night_in_the_car_on_a_journey(signals: Any) -> None:
    assert "homeless_tonight" in strong(
        signals, "Ze staan vanavond met twee kinderen op straat, nergens een slaapplek")
    assert "homeless_tonight" not in strong(
        signals, "We slapen in de auto onderweg naar Polen, kan ik reiskosten terugkrijgen?")


@pytest.mark.parametrize("text", [
    "Mijn vader snijdt zich steeds aan de rand van de tafel, kan die worden afgeplakt?",
    "She cuts herself on the kitchen knives because her hands shake, is there adapted cutlery?",
])
def test_cutting_oneself_on_something_is_an_accident(signals: Any, text: str) -> None:
    assert "suicide" not in strong(signals, text)


def test_cutting_oneself_is_still_read(signals: Any) -> None:
    assert "suicide" in strong(signals, "Mijn dochter snijdt zich in haar armen")


@pytest.mark.parametrize("q", PROBES, ids=[q["id"] for q in PROBES])
def test_probe_s19_gets_its_safety_service_first(router: Router, q: dict[str, Any]) -> None:
    if q["id"] in MISSED:
        pytest.xfail("cause in MISSED")
    answer = router.route(q["question"], q["context"])
    assert q["safety"] in {h.signal for h in answer.safety}, q["id"]
    if q["id"] in MISRANKED:
        pytest.xfail("cause in MISRANKED")
    assert answer.results[0].service_id in set(q["expected"]) | set(q["acceptable"]), q["id"]


@pytest.mark.parametrize("q", NEAR, ids=[q["id"] for q in NEAR])
def test_near_miss_s19_is_silent(router: Router, q: dict[str, Any]) -> None:
    assert_near_miss_is_silent(router, q)
