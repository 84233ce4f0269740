"""Safety services as fillers in ordinary answers (session 9, filler15; outside8 finding 4,
outside9 findings 6b and 7).

A safety service's example questions describe a danger *and* the everyday life around it
("mijn man slaat mij ... ik spreek niet goed Nederlands"). Without a danger in the
question, such an example matched on the everyday words alone and put Veilig Thuis in
the top 3 of a language course or a sports club. Since session 9 an example of a safety
service in which the safety file reads a signal votes for that service only when the
question carries a signal too (strong or weak); the weak tier and the strong signal put
the safety services in as before. The questions here are our own words."""

from __future__ import annotations

import dataclasses

import pytest

from busbaan.routing import Router, Tuning
from busbaan.routing.expansion import ExampleIndex
from busbaan.routing.text import Analyzer

SAFETY = {"veilig-thuis", "vt-advies-melding"}


def _top(answer: object, n: int = 3) -> list[str]:
    return [r.service_id for r in answer.results[:n]]  # type: ignore[attr-defined]


def test_a_gated_example_gives_its_service_no_vote_while_the_gate_is_closed() -> None:
    """A gated example votes for its service only with ``gate_open``; the same text as
    an example of a service where it is not gated votes for that one either way."""
    text = "mijn man slaat mij en ik spreek slecht nederlands"
    analyzer = Analyzer([text, "taalles cursus"])
    index = ExampleIndex([[text], [text, "ik wil op taalles"]], analyzer,
                         gated=[[text], []])
    query = {analyzer.stem("nederlands"): 1.0}
    open_scores, _ = index.scores(query)
    closed, _ = index.scores(query, gate_open=False)
    assert 0 in open_scores and 1 in open_scores
    assert 0 not in closed
    assert closed[1] == pytest.approx(open_scores[1])


@pytest.mark.parametrize("question", [
    "buurvrouw uit Syrië wil beter Nederlands leren spreken, waar kan ze een cursus doen?",
    "zoon van 9 heeft een blauw oog van een bal op het schoolplein, "
    "kan hij goedkoop op judo?",
    "moeder met een huilende peuter en weinig slaap zoekt hulp bij de opvoeding",
])
def test_an_ordinary_question_gets_no_veilig_thuis_from_everyday_words(
        demo_router: Router, question: str) -> None:
    """No signal, no caution: Veilig Thuis is not among the first three answers."""
    answer = demo_router.route(question)
    assert not answer.safety and not answer.caution
    assert not SAFETY & set(_top(answer))


@pytest.mark.parametrize("question", [
    "mijn man slaat mij en ik spreek slecht Nederlands, waar kan ik heen?",
    "zoon van 9 heeft steeds blauwe plekken en zegt dat papa hem slaat",
    "de baby huilt en vader schudt hem hard door elkaar als hij boos is",
])
def test_a_danger_in_the_same_everyday_words_keeps_veilig_thuis_first(
        demo_router: Router, question: str) -> None:
    """With a danger in the question the signal puts Veilig Thuis first, as before."""
    answer = demo_router.route(question)
    assert answer.safety
    assert answer.results[0].service_id in SAFETY


def test_the_gate_can_be_switched_off(demo_router: Router) -> None:
    """``Tuning.gate_safety_examples="none"`` gives every example its vote (before
    session 9): the language course lists Veilig Thuis again, from one example."""
    question = "vrouw spreekt nauwelijks Nederlands en wil graag op taalles"
    before = Router(demo_router.map,
                    tuning=dataclasses.replace(Tuning(), gate_safety_examples="none"))
    assert SAFETY & set(_top(before.route(question)))
    assert not SAFETY & set(_top(demo_router.route(question)))
