"""outside12: where the casus bot meets the wegwijzer. The wegwijzer refuses a question
with a name and says "open een casuskamer met de casus-bot: !casus nieuw"; in that case
room (``!wie …``) and in the casus bot's direct chat ("waar kan ik heen met …") the
professional's next question — which service? — met only "Ik ben de casus-bot …", no way
back to the wegwijzer. Now the pointer names it when it runs alongside (the service
passes its Matrix ID). See docs/notes/2026-12-08s10-outside12.md.
"""

from __future__ import annotations

import pytest

from bots.casus.guide import pointer

WAYFINDER = "@wegwijzer:example.org"


def test_the_pointer_answers_in_the_users_language() -> None:
    """Free text gets the short Dutch pointer; an English question the English one."""
    assert pointer("waar kan ik heen met een cliënt met schulden?")[0] == "nl"
    assert pointer("where can I go with a client in debt?")[0] == "en"


@pytest.mark.parametrize("text", [
    "!wie cliënt kan koelkast niet betalen, laag inkomen",  # in a case room
    "waar kan ik heen met een cliënt met schulden?",  # in the direct chat
])
def test_a_wegwijzer_question_to_the_casus_bot_points_to_the_wegwijzer(text: str) -> None:
    """The pointer names the wegwijzer by its Matrix ID, and says: without a name."""
    lang, body, html = pointer(text, (), WAYFINDER)
    assert lang == "nl"
    assert f"vraag het de wegwijzer ({WAYFINDER})" in body and "zonder naam of BSN" in body
    assert WAYFINDER in html


def test_in_english_too() -> None:
    """An English question gets the English sentence."""
    _, body, _ = pointer("where can I go with a client in debt?", (), WAYFINDER)
    assert f"ask the wayfinder ({WAYFINDER})" in body and "without a name or BSN" in body


def test_without_a_wegwijzer_the_pointer_does_not_name_one() -> None:
    """A service that runs the casus bot alone never points to a bot that is not there."""
    for text in ("!wie schulden", "waar kan ik heen?", "where can I go?"):
        assert "wegwijzer" not in pointer(text)[1] and "wayfinder" not in pointer(text)[1]
