"""safety38 (session 15): the dangers of the retired sets s30-s32 without their service,
their ⚠ or their family, and their false alarms, fixed by cause and probed in new words
(tests/data/socialmap/probes-s15-safety38.jsonl, written before the fixes). See
docs/notes/2026-12-13s15-safety38.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s15-safety38.jsonl")

#: Probes this branch does not read right yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe38-004": "phone Dutch 'wort' for 'wordt' (the d/t error) is a word of its own ('wort'), "
                   "so the spelling tolerance does not read it, and 'wordt niet wakker' is no "
                   "drowsy cue anyway: with 'wil' it is the wish never to wake (retired h11-033)",
    "probe38-036": "'niet op de dagbesteding verschenen': a rule cue holds at most two words "
                   "between its own, and a cue that holds 'niet' keeps its order (no window)",
    "probe38-041": "'this morning' dates the supplier's call as often as the cut-off ('vanochtend "
                   "belde de leverancier: dinsdag gaat het gas eraf', retired s4-119), so it is no "
                   "time of the cut-off rule; 'cut us off' is no state with a finite verb",
    "probe38-057": "where the absent neighbour is ('logeert bij haar') is said by her son in "
                   "reported speech, which a family's `unless` does not read (a cover story to "
                   "weigh, safety._plain_cause), and an `unless` would also explain away every "
                   "family's weak signs",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s38(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)
