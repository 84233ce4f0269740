"""Safety services as fillers in ordinary answers (session 9, filler15; outside8 finding 4,
outside9 findings 6b and 7).

A safety service's example questions describe a danger *and* the everyday life around it
("mijn man slaat mij ... ik spreek niet goed Nederlands"). Without a danger in the
question, such an example matched on the everyday words alone and put Veilig Thuis in
the top 3 of a language course or a sports club. Since session 9 an example of a safety
service in which the safety file reads a signal votes for that service only when the
question carries a signal too (strong or weak), *when switched on*
(``Tuning.gate_safety_examples="danger"``); the weak tier and the strong signal put the
safety services in as before. It is off: leaving one set out over s3-s14 it removes
three quarters of the filler but costs 20 of 335 safety questions their service in the
top 3 (those examples are also the net for dangers the safety file misses; see
docs/notes/2026-12-07s9-filler15.md). The questions here are our own words."""

from __future__ import annotations

import dataclasses

import pytest

from busbaan.routing import Router, Tuning
from busbaan.routing.expansion import ExampleIndex
from busbaan.routing.text import Analyzer

SAFETY = {"veilig-thuis", "vt-advies-melding"}


@pytest.fixture(scope="module")
def gated_router(demo_router: Router) -> Router:
    """The `make dev` router with the danger examples of safety services gated."""
    return Router(demo_router.map,
                  tuning=dataclasses.replace(Tuning(), gate_safety_examples="danger"))


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
])
def test_an_ordinary_question_gets_no_veilig_thuis_from_everyday_words(
        gated_router: Router, question: str) -> None:
    """With the gate on, no signal and no caution: Veilig Thuis is not among the first
    three answers."""
    answer = gated_router.route(question)
    assert not answer.safety and not answer.caution
    assert not SAFETY & set(_top(answer))


@pytest.mark.parametrize("question", [
    "mijn man slaat mij en ik spreek slecht Nederlands, waar kan ik heen?",
    "zoon van 9 heeft steeds blauwe plekken en zegt dat papa hem slaat",
    "de baby huilt en vader schudt hem hard door elkaar als hij boos is",
])
def test_a_danger_in_the_same_everyday_words_keeps_veilig_thuis_first(
        gated_router: Router, question: str) -> None:
    """With the gate on and a danger in the question, the signal puts Veilig Thuis
    first, as before."""
    answer = gated_router.route(question)
    assert answer.safety
    assert answer.results[0].service_id in SAFETY


def test_the_gate_takes_veilig_thuis_off_the_language_course(
        demo_router: Router, gated_router: Router) -> None:
    """outside8 finding 3, in the finding's own words: shipped (gate off) the language
    course lists Veilig Thuis from one example ("Mijn man slaat mij ... Ik spreek niet
    goed Nederlands"); with the gate on it does not, and the Taalhuis stays first."""
    question = "vrouw spreekt nauwelijks Nederlands en wil graag op taalles"
    assert SAFETY & set(_top(demo_router.route(question)))
    gated = gated_router.route(question)
    assert gated.results[0].service_id == "taalhuis"
    assert not SAFETY & set(_top(gated))
