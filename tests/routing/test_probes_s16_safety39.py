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
