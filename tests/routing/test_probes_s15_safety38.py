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
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s38(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)
