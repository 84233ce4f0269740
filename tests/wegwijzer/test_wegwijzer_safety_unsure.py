"""Session 10, confident20: a safety answer that is not confident. The warning ("⚠ ...")
stays the first and clearest instruction; the head after it says what is unsure (what
else may be going on), never that the warning is."""

from __future__ import annotations

import pytest

from bots.wegwijzer.render import answer_texts
from busbaan.routing import Router

#: a signal the words hardly bear out (an old man "locked in" by a broken scooter)
QUESTION = ("Mijn scootmobiel is stuk en nu zit ik al een week opgesloten in mijn flat. "
            "Wie repareert die?")


@pytest.mark.parametrize(("lang", "serious", "unsure"), [
    ("nl", "Neem het signaal hierboven serieus", "Ik weet het niet zeker"),
    ("en", "Take the warning above seriously", "I am not sure"),
])
def test_an_unsure_safety_answer_keeps_the_warning_first(demo_router: Router, lang: str,
                                                         serious: str, unsure: str) -> None:
    """Not confident, with a safety signal: the ⚠ line first, then a head that tells to
    take it seriously; it does not open with "not sure" (plain text and HTML)."""
    answer = demo_router.route(QUESTION, {"leeftijd": 80}, lang=lang)
    assert answer.safety and not answer.confident
    body, html = answer_texts(answer, lang)
    first, head = body.splitlines()[:2]
    assert first.startswith("⚠ ")
    assert head.startswith(serious) and not head.startswith(unsure)
    assert html.startswith("<p><b>⚠ ") and html.index(serious) > html.index("⚠")


def test_an_unsure_plain_answer_still_says_so(demo_router: Router) -> None:
    """Without a safety signal, an answer that is not confident still opens with
    "Ik weet het niet zeker"."""
    answer = demo_router.route("Ik werk me dood in de bouw en hou aan het eind "
                               "van de maand niks over, is er een toeslag?", {})
    assert not answer.safety and not answer.confident
    body, _ = answer_texts(answer, "nl")
    assert body.startswith("Ik weet het niet zeker")
