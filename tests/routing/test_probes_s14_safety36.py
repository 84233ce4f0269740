"""safety36 (session 14): the grammar of the safety signal. A negation after a cue stops
at a subject pronoun that opens a main clause of its own (a run-on sentence: "... walked
into a door I don't want to make it worse", "slaat haar ik weet niet ..."); "als"/"as"
with a determiner opens a clause or a comparison, not the past marker "als kind" ("slaat
me als de kinderen op bed liggen", a threat "als de kinderen ... niet"); an act of force
against an older person (pushing) is not explained by a plain cause of elder_abuse's
`unless` (the helper who does the shopping). Each kind has near misses: a negation that
does deny the act, a childhood that is past, a fall and a helper without force. The
probes are in tests/data/socialmap/probes-s14-safety36.jsonl; see
docs/notes/2026-12-12s14-safety36.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s14-safety36.jsonl")


@pytest.mark.parametrize("row", PROBES, ids=lambda r: r["id"])
def test_probe_s36(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def test_a_negation_in_the_next_clause_does_not_reach_back(router: Router) -> None:
    """A negation after a new subject and its verb is that clause's; one right after the
    act, or after an inverted subject, still denies it."""
    run_on = ["haar vriend slaat haar ik weet niet wat ik moet doen",
              "her husband hits her I do not know what to do"]
    denied = ["Gelukkig slaat hij haar niet, ze hebben alleen ruzie.",
              "Haar man slaat haar niet, hij schreeuwt alleen."]
    assert all("partner_violence" in families(router, q) for q in run_on)
    assert not any("partner_violence" in families(router, q) for q in denied)


def test_als_with_a_determiner_is_no_childhood(router: Router) -> None:
    """"als kind" (as a child) places a danger in the past; "als de kinderen ..." is a
    clause (if, when) and places nothing."""
    assert "partner_violence" in families(router, "Mijn man slaat me als de kinderen slapen.")
    childhood = "Als kind werd ik door mijn vader geslagen, nu gaat het goed."
    assert not families(router, childhood)


def test_an_act_of_force_is_not_explained_by_a_helpers_role(router: Router) -> None:
    """The shopping helper's role cancels the elder rules for a bank card, not for a push;
    without the push the helper is no signal."""
    helper = ("Mijn oma van 84 heeft haar pinpas aan haar kleinzoon gegeven, hij doet de "
              "boodschappen")
    assert "elder_abuse" not in families(router, helper + ".")
    assert "elder_abuse" in families(router, helper + ", maar hij duwt haar als ze te traag is.")
