"""safety28 (session 12): the kinds of wording behind s21-s23's dangers without a signal of
their own and their false alarms -- an overdose told by the drug and a body that hardly
responds, sexual violence told in everyday words, honour told as shame and a threat, a
cut-off told with everyday verbs, a farewell with a person out of reach, a plan and
affairs put in order, delusions told plainly; and, as no danger, a parent's hyperbole,
a danger said to be behind someone, the asker's own gloss. The probes are in
tests/data/socialmap/probes-s12-safety28.jsonl (written before the fixes, new voices, with
near misses); see docs/notes/2026-12-10s12-safety28.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s12-safety28.jsonl")

#: Probes no reading holds yet, each with its cause (see the note).
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s28(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family with an expected service in the top 3; a near
    miss raises no signal."""
    assert_safety_probe(router, row)
