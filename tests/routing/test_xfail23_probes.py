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
from busbaan.routing.router import danger_desks

PROBES = read_jsonl("probes-s13-xfail23.jsonl")
#: Probes that still fail, with their cause (strict xfails).
KNOWN_GAPS: dict[str, str] = {}


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


def test_a_desk_for_dangers_only_is_told_by_its_examples(router: Router) -> None:
    """A safety service most of whose examples raise a family that sends to it is a desk
    for dangers only; one whose examples are mostly ordinary questions is not (whatever
    its family), and a service without examples is none."""
    examples = {
        "vt-advies-melding": [
            "Mijn man slaat me als hij gedronken heeft",
            "De buurjongen heeft elke week blauwe plekken op zijn armen",
            "Wij zoeken opvoedtips voor onze zoon van drie",
        ],
        "ggd-vangnet": [
            "De buurman laat zijn huis verloederen en weigert alle hulp",
            "Meneer woont tussen de rommel en de buren klagen over de stank",
            "Mijn man slaat me als hij gedronken heeft",
        ],
    }
    assert danger_desks(router.safety, examples, 0.6) == {"vt-advies-melding"}
    assert danger_desks(router.safety, examples, 0.9) == frozenset()
    assert "vt-advies-melding" in router.desks
    assert not {"ggd-vangnet", "politie-wijkagent"} & router.desks
