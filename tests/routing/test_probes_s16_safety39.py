"""safety39 (session 16): the dangers of the retired sets s33-s35 without their service or
their ⚠, and their false alarms (fiction, a child's words explained), fixed by cause and
probed in new words (tests/data/socialmap/probes-s16-safety39.jsonl, written before the
fixes). See docs/notes/2026-12-14s16-safety39.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s16-safety39.jsonl")

#: Probes this branch does not read right yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe39-018": "'sinds zaterdag': the day's name after 'sinds' is read by no cue "
                   "(safety._since, so that 'is sinds maandag afgesloten' is no cut-off to come), "
                   "so the lacking supply has no recent time; 'sinds gisteren' is read",
    "probe39-019": "'they cut it this morning': an English cue takes up to two words between "
                   "its own, so 'they cut it' / 'cut our gas' would also read an announced "
                   "'they will cut off our gas next Tuesday' (retired h7-055); 'this morning' "
                   "dates a call as often as a cut-off (safety38); 'It was cut' is read",
    "probe39-030": "a harmless cause told by someone else ('volgens de juf komt dat van het "
                   "klimrek') explains nothing by design (safety._caused: the Meldcode counts an "
                   "explanation that does not fit as a signal); and elder_abuse reads the "
                   "grandmother's age (66) with the grandchild's bruises",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s39(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def _read(router: Router, question: str, age: int | None = None) -> set[str]:
    """The families ``question`` raises as signals (not cautions)."""
    from busbaan.routing.safety import detect

    return {s.family.id for s in detect(router.safety, question, age) if not s.weak}


def test_an_account_of_what_quoted_words_meant_reaches_the_sentence_before(
        router: Router) -> None:
    """"'opa slaat'. Maar hij bedoelt dat opa de tennisbal slaat" explains the quote; the
    same quote with fear said is read."""
    assert not _read(router, "Mijn zoon van 5 zegt op school 'opa slaat'. Maar hij bedoelt "
                             "dat opa de tennisbal wegslaat.")
    assert "child_maltreatment" in _read(
        router, "Mijn zoon van 5 zegt op school 'opa slaat'. Hij is bang om naar opa te gaan.")


def test_own_writing_is_a_subject_only_when_said_to_be_made_up(router: Router) -> None:
    """A poem about a girl who wants to die is a warning sign (113) unless the asker says
    it is made up."""
    made_up = ("My daughter (15) wrote a poem about a girl who wants to die. It's fiction, "
               "she says, for her writing class.")
    own = "My daughter (15) wrote a poem about a girl who wants to die, and she cried after."
    assert "suicide" not in _read(router, made_up)
    assert "suicide" in _read(router, own)


def test_a_part_played_on_stage_is_acted_and_a_danger_beside_it_is_read(router: Router) -> None:
    """"has to kill himself on stage" is a role; ", but at home his father hits him" is read."""
    assert not _read(router, "In the school play my son (13) has to kill himself on stage.")
    assert "child_maltreatment" in _read(
        router, "In the school play my son (13) has to kill himself on stage, "
                "but at home his father hits him every night.")


def test_a_sibling_named_by_an_age_under_18_is_a_minor(router: Router) -> None:
    """"mijn zus van 16" is a minor as "mijn nichtje van 16" is; "mijn zus van 30" not."""
    from busbaan.routing.safety import _minor_age

    assert _minor_age("Mijn zus van 16 wordt door haar chef betast.") == 16
    assert _minor_age("My classmate (16) is scared.") == 16
    assert _minor_age("Mijn zus van 30 wordt door haar chef betast.") is None


def test_a_possessive_before_the_cue_tells_whose_danger_it_is(router: Router) -> None:
    """"mijn dochter van 15 ... vond ik in haar dagboek een afscheidsbrief" is the
    daughter's danger (the services for a minor); the asker's own letter is not."""
    from busbaan.routing.safety import detect

    daughter = ("Mijn dochter van 15 spijbelt. Gisteren vond ik in haar dagboek een "
                "afscheidsbrief.")
    found = {s.family.id: s for s in detect(router.safety, daughter, 44)}
    assert found["suicide"].minor_age == 15
    mine = "Mijn dochter van 15 spijbelt. Ik heb zelf een afscheidsbrief geschreven."
    found = {s.family.id: s for s in detect(router.safety, mine, 44)}
    assert found["suicide"].minor_age is None
