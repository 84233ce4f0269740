"""safety25 (session 11): the kinds of wording behind the retired s18-s20 danger misses
and the retired false alarms. The probes are in
tests/data/socialmap/probes-s11-safety25.jsonl (written before the fixes, new voices;
probe25-037/038 after reading h19-001's cause); see docs/notes/2026-12-09s11-safety25.md."""

from __future__ import annotations

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("probes-s11-safety25.jsonl")

#: probe25-004/005: a farewell with its plain cause ("want ik ga met pensioen", "because
#: I'm on holiday") still reads as suicide: a family's `unless` would cancel all its
#: rules (retirement is also a risk factor), and there is no per-rule cause yet.
#: (probe25-024, "... and now I want to find work again", passes since session 15:
#: safety38 left the bare "again" to `current`, which a settled past outweighs.)
KNOWN_GAPS = {"probe25-004", "probe25-005"}
#: A plan's place said alone is a weak cue on purpose (the same words are a wedding
#: photographer's): a caution with the family's service in the top 3 is the answer.
WEAK_OK = {"probe25-007"}




@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s25(row: dict, router: Router) -> None:
    """A danger probe raises its family (a caution only where WEAK_OK says so) with an
    expected service in the top 3; a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row, weak_ok=row["id"] in WEAK_OK)


def test_a_farewell_needs_an_absence_to_come(router: Router) -> None:
    """Thanks "for everything" with not being there after a time to come is suicide's
    signal; either alone is not (a caution at most)."""
    assert "suicide" in families(
        router, "Hij appte: bedankt voor alles, na vanavond ben ik er niet meer")
    assert "suicide" not in families(router, "Bedankt voor alles, de cursus was geweldig")
    assert "suicide" not in families(router, "Opa is er niet meer, we willen iedereen bedanken")


def test_a_plan_is_weak_alone_and_strong_with_a_second_sign(router: Router) -> None:
    """The day already known is a weak cue; with a rope bought it is a signal."""
    alone = detect(router.safety, "Hij zegt dat hij al weet welke dag hij het gaat doen")
    assert all(s.weak for s in alone if s.family.id == "suicide")
    assert "suicide" in families(
        router, "Ze heeft een touw gekocht en weet al welke dag ze het doet")


def test_signs_of_sleeping_rough_need_luggage_nights_and_late_hours(router: Router) -> None:
    """Luggage, night after night and still there late at night read as no bed tonight;
    an arrival at midnight with a suitcase does not."""
    danger = "Er zit al drie nachten een man met een slaapzak in de hal, ook om middernacht nog"
    assert "homeless_tonight" in families(router, danger)
    arrival = "Mijn broer komt om middernacht met zijn koffer aan, wie haalt hem op?"
    assert "homeless_tonight" not in families(router, arrival)


def test_locked_from_outside_is_read_and_a_visits_reason_explains_nothing(router: Router) -> None:
    """An older person in a room locked from outside is elder abuse, also when the asker
    came for a leak; a bed wet through the leak is a housing matter; a door the older
    person locks himself is no sign."""
    assert "elder_abuse" in families(
        router,
        "Ik moest voor een lekkage komen. Een man van 83 zat in een kamer"
        " die van buiten op slot zat.")
    assert "elder_abuse" not in families(router, "Oma (90) ligt in een nat bed door de lekkage")
    assert "elder_abuse" not in families(router, "Opa (88) doet 's avonds zelf de deur op slot")


def test_shoes_worn_are_no_blow(router: Router) -> None:
    """"met haar schoenen aan" is clothing; "slaat hem met de schoen" is read."""
    assert not families(router, "Mijn dochter van 5 wil met haar schoenen aan naar bed")
    assert "child_maltreatment" in families(
        router, "Mijn zoon (7) zegt dat mama hem met de schoen slaat")


def test_hurt_as_a_feeling_or_by_an_event(router: Router) -> None:
    """"it hurts" and "hurt by the ... scandal" are no person hurting a child; "hurt him"
    with a belt is."""
    assert not families(router, "My son (20) moved out and it hurts, the house is empty")
    assert not families(router, "Parents hurt by the benefits scandal, my kids and I need help")
    assert "child_maltreatment" in families(
        router, "My daughter (6) says her dad hurt her with a belt")


def test_a_quoted_phrase_glossed_as_meant_otherwise(router: Router) -> None:
    """A quote the asker glosses after "maar hij bedoelt" is not read; "letterlijk" says it
    is meant as said."""
    glossed = "Hij zei 'ik sta op straat', maar hij bedoelt zonder werk. Welke uitkering?"
    assert "homeless_tonight" not in families(router, glossed)
    meant = "Hij zei 'ik sta vannacht op straat', maar hij bedoelt het letterlijk"
    assert "homeless_tonight" in families(router, meant)


def test_a_toddler_learning_to_walk_explains_bruises(router: Router) -> None:
    """Bruises of a child who is learning to walk, explained by the asker, are no sign;
    the same bruises explained by someone else's words are read."""
    assert not families(
        router, "Onze zoon van 1 heeft blauwe plekken op zijn benen, hij leert net lopen")
    told = "Onze peuter heeft blauwe plekken op zijn rug, de oppas zegt dat hij veel valt"
    assert "child_maltreatment" in families(router, told)


def test_a_denial_of_saying_with_over(router: Router) -> None:
    """"nooit iets gezegd over ..." denies what follows; what is said after "maar" is read."""
    assert "suicide" not in families(
        router, "Hij heeft nooit iets gezegd over zichzelf iets aandoen")
    assert "suicide" in families(
        router, "Hij heeft nooit iets gezegd over school, maar wil zichzelf iets aandoen")


def test_a_home_of_ones_own_ends_past_homelessness(router: Router) -> None:
    """Years on the street with a room of one's own now are past, also when the question
    says the asker wants to work again; a night outside again now is read."""
    housed = "Ik heb drie jaar op straat geleefd, nu heb ik een eigen kamer en wil ik weer werken"
    assert "homeless_tonight" not in families(router, housed)
    again = "Ik heb jaren op straat geleefd en nu slaap ik weer buiten, vannacht weet ik niet waar"
    assert "homeless_tonight" in families(router, again)
