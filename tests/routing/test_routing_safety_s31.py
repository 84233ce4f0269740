"""safety31 (session 12): false alarms and the last unraised dangers of the retired sets,
by kind of wording. The probes (written before the fixes, new voices, with near misses)
are in tests/data/socialmap/probes-s12-safety31.jsonl; see
docs/notes/2026-12-10s12-safety31.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s12-safety31.jsonl")

#: Probes this branch does not read yet (strict: a fix must move them here).
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s31(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)
