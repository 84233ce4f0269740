"""Safety services as fillers in ordinary answers (session 9, filler15; outside8 finding 4,
outside9 findings 6b and 7).

A safety service's example questions describe a danger *and* the everyday life around it
("mijn man slaat mij ... ik spreek niet goed Nederlands"). Without a danger in the
question, such an example can match on the everyday words alone and put Veilig Thuis in
the top 3 of a language course or a sports club (still open: the strict xfails of
test_outside8/9/10_findings.py). Session 9 gated those examples on a signal
(``Tuning.gate_safety_examples``, off); session 10 removed the switch: on s15-s17, unseen
when it was built, it cost 11 of 105 safety questions their service in the top 3
(docs/notes/2026-12-08s10-switches20.md). What stays: a danger told in the same everyday
words puts Veilig Thuis first. The questions here are our own words."""

from __future__ import annotations

import pytest

from busbaan.routing import Router

SAFETY = {"veilig-thuis", "vt-advies-melding"}


@pytest.mark.parametrize("question", [
    "mijn man slaat mij en ik spreek slecht Nederlands, waar kan ik heen?",
    "zoon van 9 heeft steeds blauwe plekken en zegt dat papa hem slaat",
    "de baby huilt en vader schudt hem hard door elkaar als hij boos is",
])
def test_a_danger_in_the_same_everyday_words_keeps_veilig_thuis_first(
        demo_router: Router, question: str) -> None:
    """A danger in the question: the signal puts Veilig Thuis first."""
    answer = demo_router.route(question)
    assert answer.safety
    assert answer.results[0].service_id in SAFETY
