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
