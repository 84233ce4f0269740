"""A wish that names help is an ask (session 14): the sentence that says what help is
wanted names the need, the story before it the background."""
from __future__ import annotations

import pytest

from busbaan.routing import Router
from busbaan.routing.text import asked_sentences, words

STORY = "Vorig jaar is haar man overleden en de kinderen wonen ver weg. "


@pytest.mark.parametrize("ask", [
    "Ze wil nu vooral hulp bij het invullen van formulieren.",
    "Meneer wil ondersteuning om zijn administratie bij te houden.",
    "She wants help with the forms now.",
    "He needs support to keep up with his paperwork.",
])
def test_a_wish_for_help_is_the_ask(ask: str) -> None:
    asked = asked_sentences(STORY + ask)
    said = words(STORY + ask)
    assert asked, "no sentence read as the ask"
    assert min(asked) >= len(words(STORY)), [said[i] for i in sorted(asked)]


@pytest.mark.parametrize("ask", [
    "Ze wil geen hulp van de gemeente.",
    "He doesn't want help from anyone.",
    "Ze wil niet dat iemand hulp regelt.",
])
def test_a_refused_help_is_no_ask(ask: str) -> None:
    assert asked_sentences(STORY + ask) == frozenset()


def test_the_wanted_help_outweighs_a_settled_past(demo_router: Router) -> None:
    """outside14 o14-16's shape in other words: violence long past and settled, the
    help wanted now is with the post."""
    answer = demo_router.route(
        "Drie jaar terug speelde er huiselijk geweld, de ex-partner is vertrokken en er is "
        "geen contact meer. Mevrouw wil nu vooral hulp om haar post en rekeningen bij te "
        "houden.")
    assert answer.results[0].service_id == "thuisadministratie"
    assert not answer.safety
