"""Session 11, confident21 (issue 8): two more things the calibrated confidence reads.

- ``unexplained`` (the seventh feature): the question's full-weight words that earned
  the first service nothing, up to ten. A long note with a second need leaves that
  need's words unexplained; a question that names one need leaves none.
- ``caution`` (the eighth): 1.0 when a weak safety signal is shown, a possible danger
  the router does not put first; 0.0 otherwise.

Our own words, not the retired questions.
"""

from __future__ import annotations

from busbaan.routing import Router
from busbaan.routing.router import UNEXPLAINED_FULL

ONE_NEED = "huurachterstand"
TWO_NEEDS = (
    "Wijkcoach hier: mevrouw (52) loopt twee maanden achter met de huur. Daarnaast "
    "vertelt ze dat haar zoon van 16 al maanden niet naar school gaat en de hele dag "
    "op zijn kamer zit."
)
WEAK_SIGN = (
    "Mijn collega draagt ook in de zomer altijd lange mouwen en zoekt een cursus "
    "Nederlands. Waar kan ze terecht?"
)


def test_the_confidence_reads_eight_features_in_range(router: Router) -> None:
    """The calibrated confidence reads eight features, each 0..1, one weight each."""
    for text in (ONE_NEED, TWO_NEEDS, WEAK_SIGN):
        features = router.features_of(text)
        assert len(features) == len(router.tuning.calibration) - 1 == 8
        assert all(0.0 <= f <= 1.0 for f in features)


def test_a_second_need_leaves_words_unexplained(router: Router) -> None:
    """A note with a second need leaves words the first service does not account for;
    a question that names one need leaves none."""
    assert router.features_of(ONE_NEED)[6] == 0.0
    two = router.features_of(TWO_NEEDS)[6]
    assert two >= 2 / UNEXPLAINED_FULL
    assert not router.route(TWO_NEEDS, {}).safety  # a plain answer: the model reads it


def test_a_weak_safety_signal_is_read_as_caution(router: Router) -> None:
    """A weak danger sign in a plain question is shown as caution and read as such; a
    question without one reads 0. (A strict xfail from session 21 to 22: with s53's
    questions as examples the colleague in long sleeves got a partner_violence ⚠ read from
    the examples; it passes again since s59-s62 are examples, session 23: a caution, Veilig
    Thuis 832, the Taalhuis 811; without the four files, or without asked-heldout61 alone,
    the ⚠ from the examples is back.)"""
    answer = router.route(WEAK_SIGN, {})
    assert answer.caution and not answer.safety
    assert router.features_of(WEAK_SIGN)[7] == 1.0
    assert not router.route(ONE_NEED, {}).caution
    assert router.features_of(ONE_NEED)[7] == 0.0
