"""safety33 (session 13): false alarms and near misses of the retired sets s3-s26, by
kind of wording, each rule beside a danger that must still be read: an offender
convicted and "ligt achter haar" keep a past danger past; a year before this one after
"in" is a past marker; the asker's judgement that nothing is acute ("niet acuut",
"Niets acuuts", "hij is niet in gevaar") lowers the danger told before it a tier; a
negation between a cue's words negates it; a particle closing a main clause of its own
is that clause's verb's ("ik kom de deur nauwelijks uit"); "buitenshuis" is no house;
idioms ("met de deuren slaan", "hit by the benefits scandal", "zo goed als leeg",
"relatie onder druk"); a supply shut for maintenance. The probes (written before the
fixes, in new words) are in tests/data/socialmap/probes-s13-safety33.jsonl; see
docs/notes/2026-12-11s13-safety33.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from routing_testdata import (
    assert_near_miss_is_silent,
    assert_safety_probe,
    families,
    read_jsonl,
)

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("probes-s13-safety33.jsonl")

#: Near misses that keep a caution by design: the asker's "niet acuut" lowers a strong
#: signal to its caution (the service stays in the top 3), it does not silence it.
CAUTION_KEPT = {"probe33-010"}


@pytest.mark.parametrize("row", PROBES, ids=lambda r: r["id"])
def test_probe_s33(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal, and no caution either unless kept by design."""
    assert_safety_probe(router, row)
    if not row["safety"] and row["id"] not in CAUTION_KEPT:
        assert_near_miss_is_silent(router, row)


def _weak(router: Router, text: str) -> set[str]:
    return {s.family.id for s in detect(router.safety, text) if s.weak}


def test_a_judgement_lowers_what_came_before_a_tier(router: Router) -> None:
    """"niet acuut" after a strong cue leaves a caution, after a weak one nothing; the
    danger told after it, or a judgement in someone's own mouth, is read as before."""
    assert "psychiatric_crisis" in _weak(router, "Hij is psychotisch, niet acuut.")
    assert "psychiatric_crisis" not in families(router, "Hij is psychotisch, niet acuut.")
    assert "psychiatric_crisis" in families(router, "Hij is psychotisch.")
    assert "partner_violence" in families(
        router, "Niet acuut volgens de wijkagent, maar vannacht heeft haar man haar geslagen.")
    assert "partner_violence" in families(
        router, "Haar man slaat haar. Ze zegt zelf dat ze niet in gevaar is.")
    assert "partner_violence" in families(
        router, "Haar man slaat haar. De kinderen zijn niet in gevaar.")


def test_a_past_year_is_past_and_this_year_is_not(router: Router) -> None:
    """"in 2019" before this year places the danger in the past; the same year as today
    does not, and a danger said to come back is read."""
    today = dt.date(2026, 12, 11)
    left = "Ze is in 2019 bij haar gewelddadige man weggegaan."
    assert not {s.family.id for s in detect(router.safety, left, today=today) if not s.weak}
    now = "Ze is in 2026 bij haar gewelddadige man weggegaan."
    assert "partner_violence" in {s.family.id for s in detect(router.safety, now, today=today)}
    back = "She left her violent husband back in 2019 but he hit her again last night."
    assert "partner_violence" in {s.family.id for s in detect(router.safety, back, today=today)}


def test_a_negation_between_the_cues_words_negates_it(router: Router) -> None:
    """"er wordt niks afgesloten" is no cut-off; "er wordt morgen het gas afgesloten" is,
    and a lack inside ("slaapt zonder jas buiten") stays the noun's."""
    assert "eviction_cutoff" not in families(
        router, "Er wordt niets afgesloten, ik wil een regeling.", weak=True)
    assert "eviction_cutoff" in families(router, "Er wordt morgen het gas afgesloten.")
    assert "homeless_tonight" in families(
        router, "Mijn broer slaapt vannacht zonder jas buiten in het park.")


def test_the_idioms_leave_the_act_read(router: Router) -> None:
    """An idiom hides only its own words: a blow beside slammed doors, a child hit by a
    parent in English, a person put under pressure stay read."""
    assert "partner_violence" in families(
        router, "Ik hoor hem met de deuren slaan en daarna slaat hij zijn vrouw.")
    assert "child_maltreatment" in families(
        router, "The boy (8) was hit by his father yesterday and is afraid to go home.")
    assert not families(router, "The boy's parents were hit by the benefits scandal.")


def test_a_particle_of_a_clause_of_its_own(router: Router) -> None:
    """A particle after a subject and a verb it makes a verb with is that verb's ("ik
    kom de deur niet uit"); an eviction said plainly is read."""
    assert "eviction_cutoff" not in families(
        router, "het huis is een zooi ik kom de deur niet meer uit al dagen")
    assert "eviction_cutoff" in families(router, "we moeten zaterdag ons huis uit")


@pytest.mark.parametrize(("text", "family", "danger"), [
    ("Ik moet toeslag terugbetalen omdat mijn vriend vaak bij mij sliep, kan dat in "
     "termijnen?", "homeless_tonight", False),
    ("Mijn neef slaapt al weken bij vrienden op de bank, hij heeft geen huis meer.",
     "homeless_tonight", True),
    ("Mijn zoon van 15 is doodsbang voor gym sinds hij daar werd uitgelachen.",
     "partner_violence", False),
    ("Mijn zus is doodsbang voor haar man, hij slaat haar.", "partner_violence", True),
])
def test_a_preposition_keeps_its_object_after_it(router: Router, text: str, family: str,
                                                 danger: bool) -> None:
    """"vriend bij mij sliep" is no "slapen bij een vriend", "doodsbang voor gym sinds hij"
    no fear of him (not even a caution); the cue in its own order is read."""
    assert (family in families(router, text, weak=True)) is danger


@pytest.mark.parametrize(("text", "danger"), [
    ("The eviction of a woman of 58 has been called off: the arrears are paid. She wants "
     "help with her budget.", False),
    ("The eviction of a woman of 58 is on Friday morning; it was not called off.", True),
])
def test_an_english_ending_is_not_cut_by_of(router: Router, text: str, danger: bool) -> None:
    """An English "has been called off" ends its clause across "of" (an English
    preposition, a Dutch conjunction); a negated one ends nothing."""
    assert ("eviction_cutoff" in families(router, text, weak=True)) is danger
