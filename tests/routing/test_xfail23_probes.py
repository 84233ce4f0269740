"""xfail23 (session 13): a safety service as a filler from its own example questions.

Veilig Thuis has the biggest and most varied pool of example questions (the most
expected service of every retired set), so an ordinary question in family words
(a crying baby, a toddler's tantrums, a carer of a wife with dementia, a brother at home
without work) found one of its examples close enough to list it, with no danger read.
Probes in new voices, written before the fix:
tests/data/socialmap/probes-s13-xfail23.jsonl; see docs/notes/2026-12-11s13-xfail23.md.
Danger rows are controls: a danger told in everyday words keeps its service.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl, top

from busbaan.routing import Router

PROBES = read_jsonl("probes-s13-xfail23.jsonl")
#: Session 15 (vtfiller): a desk for dangers only votes with its examples only when a
#: signal of its families, its share of the question's nearest examples or its name
#: opens it (Tuning.safety_desk_share); xf23-01, 02, 06, 14 and 16 pass since.
_FILLER = ("Veilig Thuis listed (no signal, no caution) through its own example "
           "questions, which hold 15 % or more of the question's 20 nearest examples "
           "(crying babies at night, a toddler's tantrums, a wife with dementia: its "
           "neglect and elder-abuse examples tell the same household), so the desk stays "
           "open (Tuning.desk_open_share; a higher share, or the signal alone, loses "
           "retired dangers the safety file does not read; session 15, vtfiller note)")
#: Probes that still fail, with their cause (strict xfails). xf23-10 passes since the
#: merges of session 15 (safety38's and router33's readings beside vtfiller's desk).
KNOWN_GAPS: dict[str, str] = {
    i: _FILLER for i in ("xf23-03", "xf23-08", "xf23-13", "xf23-15")}
KNOWN_GAPS["xf23-10"] = (
    "since s55's and s56's questions are examples (session 22; it passes without "
    "asked-heldout55, and without asked-heldout56): Veilig Thuis second (810, no signal) "
    "after the Ouder- en Kindteam (891), by the same cause as above")
#: xf23-10 (a son of 8 who throws things, parents at their wits' end) failed again when
#: s36-s38 were retired (session 17): Veilig Thuis third, by the same cause. It passed
#: again since s43-s46 were retired into example files (session 19: their parenting
#: questions outweigh Veilig Thuis's share of the nearest; without s45 it fails). It fails
#: again since s47-s50 were retired (session 20: seen at c11c6bd, the four files retired
#: before the refit and the session's merges; Veilig Thuis second, by the same cause;
#: which of the four files moved it was not traced). It passes again since s51-s54 were
#: retired (session 21; it fails without asked-heldout54.yaml, traced by leaving each of
#: the four files out): a plain test again. A strict xfail again since s55-s58 were
#: retired (session 22; KNOWN_GAPS above, traced the same way).


def _mark(rows: list[dict[str, Any]]) -> list[Any]:
    return [pytest.param(r, id=r["id"], marks=pytest.mark.xfail(
        strict=True, reason=KNOWN_GAPS[r["id"]])) if r["id"] in KNOWN_GAPS
        else pytest.param(r, id=r["id"]) for r in rows]


def _router(row: dict[str, Any], router: Router, demo_router: Router) -> Router:
    return demo_router if row["map"] == "demo" else router


@pytest.mark.parametrize("row", _mark([r for r in PROBES if not r["safety"]]))
def test_an_ordinary_question_lists_no_safety_filler(
        row: dict[str, Any], router: Router, demo_router: Router) -> None:
    """An ordinary question in family words gets a service that fits in its top 3 and
    no safety service there that no danger in it asks for."""
    answer = _router(row, router, demo_router).route(row["question"], row["context"])
    shown = top(answer)
    assert not answer.safety, row["id"]
    assert set(row["expected"] + row["acceptable"]) & set(shown), (row["id"], shown)
    assert not set(row["not_top3"]) & set(shown), (row["id"], shown)


@pytest.mark.parametrize("row", _mark([r for r in PROBES if r["safety"]]))
def test_a_danger_in_family_words_keeps_its_service(
        row: dict[str, Any], router: Router, demo_router: Router) -> None:
    """A danger told in everyday words raises its family with its service in the top 3."""
    assert_safety_probe(_router(row, router, demo_router), row)

