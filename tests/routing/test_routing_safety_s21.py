"""safety21 (session 10): dangers the safety signal did not read (outside12's findings),
by cause, each with near misses in the same words. The probes are in
tests/data/socialmap/probes-s10-safety21.jsonl (written before the fix, new voices);
see docs/notes/2026-12-08s10-safety21.md."""

from __future__ import annotations

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import SafetySignals, detect

PROBES = read_jsonl("probes-s10-safety21.jsonl")


def _families(signals: SafetySignals, question: str) -> list[str]:
    return [s.family.id for s in detect(signals, question) if not s.weak]


def _any(signals: SafetySignals, question: str) -> list[str]:
    return [s.family.id for s in detect(signals, question)]


#: probe21-029: "mag van haar vader en broers niet meer naar buiten ... ze houden haar
#: binnen" (kept in since she wants a divorce) read only as elder_abuse's caution: a
#: brother who locks someone in is also told of an old mother (elder_abuse), and the
#: lemma of "broers" is "broer", so the brothers were no cue of honour_violence's rule.
#: Passes since session 12 (xfail22): the rule of the brothers' control reads keeping
#: her in, with a divorce she wants as what is at stake (Movisie, LKHA).
KNOWN_GAPS: set[str] = set()


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r
    for r in PROBES if r.get("safety")], ids=lambda r: r["id"])
def test_every_danger_probe_has_its_signal_and_service_first(row: dict, router: Router) -> None:
    """Each danger of the probe file raises its family (not only a caution) and puts an
    expected service first on the benchmark map."""
    assert row["safety"] in _families(router.safety, row["question"])
    answer = router.route(row["question"], row["context"])
    assert answer.results[0].service_id in row["expected"]


@pytest.mark.parametrize("row", [r for r in PROBES if not r.get("safety")], ids=lambda r: r["id"])
def test_no_near_miss_probe_raises_anything(row: dict, signals: SafetySignals) -> None:
    """The near misses in the same words raise no signal and no caution."""
    assert _any(signals, row["question"]) == []


@pytest.mark.parametrize(("question", "family"), [
    ("Ze heeft vanmiddag een heel potje slaappillen geslikt", "overdose"),
    ("He swallowed a handful of her sleeping pills last night", "overdose"),
    ("Buurman zegt dat hij vanavond al zijn opgespaarde pillen gaat innemen", "overdose"),
])
def test_an_overdose_taken_or_planned_is_a_medical_emergency(
        signals: SafetySignals, question: str, family: str) -> None:
    """Too much at once + a medicine + taken + when: the overdose family (its sentence:
    call 112 or the GP first)."""
    assert family in _families(signals, question)


@pytest.mark.parametrize("question", [
    "Ik neem elke avond een slaappil, is er hulp als je slecht slaapt?",
    "Mijn vader slikt elke dag een hele strip pillen en de eigen bijdrage is te hoog",
    "Ik heb een paracetamol genomen tegen de koorts",
])
def test_a_dose_or_a_single_pill_is_no_overdose(signals: SafetySignals, question: str) -> None:
    assert "overdose" not in _any(signals, question)


def test_the_person_who_forbids_is_not_negated(signals: SafetySignals) -> None:
    """"mag van haar schoonfamilie niet ...": the "niet" after the in-laws denies the
    permission (ANS, "van iemand mogen"), so the in-laws still count."""
    q = "Ze mag van haar schoonfamilie niet naar buiten en ze hebben haar paspoort afgepakt"
    assert _families(signals, q)[:1] == ["honour_violence"]
    # without "mogen" a negation after the word still denies it
    assert "honour_violence" not in _any(
        signals, "Haar schoonfamilie niet, maar haar buurvrouw heeft haar paspoort afgepakt")


def test_a_particle_does_not_cross_into_another_clause(signals: SafetySignals) -> None:
    """"slapen ... en het vriest buiten": "buiten" is the weather's, no sleeping outside;
    in one clause it still is ("ze slapen al drie nachten buiten")."""
    assert _any(signals, "De kinderen slapen met jassen aan en het vriest buiten") == []
    assert "homeless_tonight" in _any(signals, "Ze slapen al drie nachten buiten")


def test_a_cut_off_that_happened_is_not_one_announced(demo_router: Router) -> None:
    """Gas off for weeks: its own family (crisis intervention first, no shelter); the
    eviction/cut-off family keeps reading a date to come."""
    answer = demo_router.route("Het gas is al weken afgesloten en we hebben een baby")
    assert [h.signal for h in answer.safety][:1] == ["cutoff_now"]
    assert answer.results[0].service_id == "crisis-schulden"
    assert not answer.caution
    back_on = "Ons gas was afgesloten maar is sinds gisteren weer aangesloten"
    assert "cutoff_now" not in _any(demo_router.safety, back_on)
