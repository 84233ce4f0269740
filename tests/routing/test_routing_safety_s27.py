"""safety27 (session 11): the kinds of wording behind outside14's missed dangers -- a
medical emergency now (something swallowed, a body that seizes or does not respond), a
marriage the family arranged that she refuses, sexual acts without consent told in
everyday English, and a cut-off or eviction told with everyday verbs ("het gas zit
dicht", "de sloten ... vervangen"). The probes are in
tests/data/socialmap/probes-s11-safety27.jsonl (written before the fixes, new voices,
with near misses); see docs/notes/2026-12-09s11-safety27.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s11-safety27.jsonl")

#: probe27-021: "wouldn't stop when she said no and held her down" names no sexual act;
#: the same words tell a fight or a tickle, so no rule reads it (a known gap).
KNOWN_GAPS = {"probe27-021"}



@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s27(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family with an expected service in the top 3; a near
    miss raises no signal."""
    assert_safety_probe(router, row)


def test_something_swallowed_needs_a_body_that_does_not_respond(router: Router) -> None:
    """Something swallowed with a seizure or no response is the overdose family's, first,
    with 112 in its sentence; either alone is not."""
    q = "Mijn dochter heeft iets geslikt uit de kast en ligt nu te schokken"
    assert "overdose" in families(router, q)
    answer = router.route(q, {"stadsdeel": None, "leeftijd": None})
    assert answer.safety and "112" in answer.safety[0].why
    assert "overdose" not in families(router, "Mijn dochter heeft iets geslikt, moet ik bellen?")
    assert "overdose" not in families(
        router, "Mijn zoon heeft epilepsie en ligt soms te schokken; wie past op?")


def test_a_marriage_is_forced_only_when_she_refuses(router: Router) -> None:
    """A wedding the family arranged is honour_violence only with her refusal."""
    assert "honour_violence" in families(
        router, "Haar ouders hebben een huwelijk met een neef geregeld en ze weigert")
    assert "honour_violence" not in families(
        router, "Haar ouders hebben de bruiloft geregeld, ze is er heel blij mee")


def test_locks_changed_need_an_agent_and_a_day(router: Router) -> None:
    """The locks changed by the bailiff on a day to come are an eviction; the asker's
    own lock change after a break-in is not."""
    assert "eviction_cutoff" in families(
        router, "De verhuurder laat maandag het slot van haar kamer vervangen, ze woont er nog")
    assert "eviction_cutoff" not in families(
        router, "Na een inbraak maandag wil de verhuurder het slot vervangen; wie betaalt?")
