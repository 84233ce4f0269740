"""Session 23 (xfails): the causes behind outside25's and outside26's strict xfails, each
read on sentences of our own, so that a fix is seen to hold beyond the question that
showed it. See docs/notes/2026-12-21s23-xfails.md."""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.routing.safety import SafetySignals, detect, load_signals

TODAY = dt.date(2026, 12, 21)


@pytest.fixture(scope="module")
def safety() -> SafetySignals:
    return load_signals()


def families(safety: SafetySignals, question: str) -> list[str]:
    return [s.family.id for s in detect(safety, question, None, TODAY)]


@pytest.mark.parametrize("question", [
    "My neighbour was evicted this morning and has nowhere to sleep tonight.",
    "De verhuurder heeft vanochtend de sloten veranderd, ze kan vannacht nergens heen.",
    "Hij is vanochtend uit zijn huis gezet en heeft geen slaapplek.",
])
def test_an_eviction_told_done_today_is_no_eviction_to_come(
        safety: SafetySignals, question: str) -> None:
    """An act told in a past form with a time of the same day ("this morning",
    "vanochtend", "today") has happened: no eviction_cutoff (an eviction days away)."""
    assert "eviction_cutoff" not in families(safety, question)


@pytest.mark.parametrize("question", [
    "The landlord will change the locks today and she has nowhere to go tonight.",
    "Ze wordt vandaag uit huis gezet en weet niet waar ze vannacht moet slapen.",
    "I received an eviction notice this morning, the bailiff comes on Friday.",
])
def test_an_eviction_still_to_come_today_keeps_its_warning(
        safety: SafetySignals, question: str) -> None:
    """The future ("will change"), the Dutch present passive ("wordt ... gezet") and a
    notice received today for an eviction later keep eviction_cutoff."""
    assert "eviction_cutoff" in families(safety, question)


def strong(safety: SafetySignals, question: str) -> list[str]:
    return [s.family.id for s in detect(safety, question, None, TODAY) if not s.weak]


@pytest.mark.parametrize("question", [
    "Ze hebben al drie dagen geen stroom omdat de rekening niet betaald is.",
    "They have had no water for three days, it was cut off.",
    "Al een paar dagen geen gas, het is afgesloten.",
])
def test_how_long_a_supply_has_been_off_is_no_deadline(
        safety: SafetySignals, question: str) -> None:
    """"al drie dagen", "for three days", "al een paar dagen": a count of days after
    "al"/"for" is how long the supply has been off (cutoff_now), not a cut-off days away."""
    assert "eviction_cutoff" not in strong(safety, question)
    assert "cutoff_now" in strong(safety, question)


@pytest.mark.parametrize("question", [
    "Binnen drie dagen wordt het gas afgesloten.",
    "Over twee dagen wordt de stroom afgesloten, er is een baby.",
    "The power will be cut off in three days.",
])
def test_a_cut_off_days_away_keeps_its_warning(safety: SafetySignals, question: str) -> None:
    """"binnen"/"over"/"in" with a count of days still dates a cut-off to come."""
    assert "eviction_cutoff" in strong(safety, question)


@pytest.mark.parametrize("question", [
    "Patient on oxygen: the electricity could be cut off next week.",
    "Her electricity will be cut tomorrow and she needs a breathing machine.",
])
def test_a_supply_that_will_be_cut_is_not_cut_already(
        safety: SafetySignals, question: str) -> None:
    """"will be cut", "could be cut": the infinitive "be" after a modal is a cut-off to
    come, not the past "were cut" (cutoff_now)."""
    assert "cutoff_now" not in families(safety, question)
    assert "eviction_cutoff" in strong(safety, question)


def test_a_supply_that_were_cut_is_cut_already(safety: SafetySignals) -> None:
    """The English past "were cut" still reads as done, as "was cut" does."""
    assert "cutoff_now" in strong(
        safety, "The power and gas were cut off yesterday, there is a baby in the cold.")


@pytest.mark.parametrize("question", [
    "Her father learned she has a boyfriend and said her uncles will deal with it; she is "
    "scared to go home.",
    "Her brothers know she has a boyfriend; they say she shamed the family and will deal "
    "with it. She is scared to go home.",
    "Haar broers weten dat ze een vriend heeft. Ze zeggen dat ze het zullen oplossen en ze "
    "durft niet naar huis.",
])
def test_a_boyfriend_as_the_familys_reason_is_honour_violence_only(
        safety: SafetySignals, question: str) -> None:
    """Her boyfriend named as the reason the men of her family will "deal with it" is that
    family's threat: honour_violence, and partner_violence gives way, also where the
    shame is told beside it."""
    assert families(safety, question) == ["honour_violence"]


def test_a_boyfriend_who_hits_her_is_still_partner_violence(safety: SafetySignals) -> None:
    """The boyfriend as the one who hits keeps partner_violence."""
    assert families(safety, "Her boyfriend hits her and she is scared to go home.") == [
        "partner_violence"]
