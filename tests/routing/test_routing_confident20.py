"""Session 10, confident20 (issue 8): when an answer is confident.

- A safety answer with one desk is confident when the question's own words bear the
  signal out (they give one of the family's services at least
  ``Tuning.safety_confident_share`` of what they give their first service): clear
  crises stay confident, on the demo map too, whose crisis line has little text of its
  own; a signal the words do not bear out (a broken mobility scooter that "locks" an
  old man in) is not, and its service still comes first.
- The calibrated confidence reads six features, each 0..1 (eight since session 11,
  confident21: tests/routing/test_routing_confident21.py).

Our own words, not the retired questions.
"""

from __future__ import annotations

from typing import Any

import pytest

from busbaan.routing import Router

CLEAR_CRISES = [
    ("Mijn huisgenoot zegt al dagen dat hij er een eind aan wil maken en heeft een touw "
     "gekocht.", "suicide"),
    ("De buurvrouw loopt 's nachts gillend over straat, ze hoort stemmen die zeggen dat ze "
     "vergiftigd wordt.", "psychiatric_crisis"),
    ("mijn vriend slaat me als hij gedronken heeft en ik durf niet meer naar huis",
     "partner_violence"),
]

NOT_BORNE_OUT = [
    ("Mijn scootmobiel is stuk en nu zit ik al een week opgesloten in mijn flat. Wie "
     "repareert die?", {"leeftijd": 80}),
]


@pytest.mark.parametrize("name", ["router", "demo_router"])
@pytest.mark.parametrize(("question", "family"), CLEAR_CRISES)
def test_a_clear_crisis_stays_confident(request: pytest.FixtureRequest, name: str,
                                        question: str, family: str) -> None:
    """A crisis told in the words of its field: its service first, the answer confident."""
    router: Router = request.getfixturevalue(name)
    answer = router.route(question, {})
    assert [h.signal for h in answer.safety] == [family]
    assert answer.results[0].service_id == answer.safety[0].service_id
    assert answer.confident


@pytest.mark.parametrize("name", ["router", "demo_router"])
@pytest.mark.parametrize(("question", "context"), NOT_BORNE_OUT)
def test_a_signal_the_words_do_not_bear_out_is_not_confident(
        request: pytest.FixtureRequest, name: str, question: str,
        context: dict[str, Any]) -> None:
    """A signal whose field the question's words hardly touch keeps its service first,
    but the answer is not confident (the words are about something else)."""
    router: Router = request.getfixturevalue(name)
    answer = router.route(question, context)
    assert answer.safety
    assert answer.results[0].service_id == answer.safety[0].service_id
    assert not answer.confident


def test_the_confidence_reads_its_features_in_range(router: Router) -> None:
    """The calibrated confidence reads its features (best score, margin, words, title
    coverage, the map text's share, the question's words explained, and since session
    11 the words left unexplained and a weak signal), each 0..1, one weight each."""
    for text in ("energieschulden", "cliënt, 58, Zuidoost, energieschulden en een "
                 "huurachterstand; hij opent de post niet meer en de deurwaarder belt"):
        features = router.features_of(text)
        assert len(features) == len(router.tuning.calibration) - 1 == 8
        assert all(0.0 <= f <= 1.0 for f in features)
