"""outside17 (session 14), the bot's own messages: a casus-bot command sent to the
wegwijzer (live: `!casus nieuw schulden`, `!toestemming` and `!label geheim` in a direct
chat with @wegwijzer got "Dat commando ken ik niet." and the wegwijzer's help, which does
not say that the casus bot takes them). Now the reply says whose command it is; the help
follows as before, with the same errcode. See docs/notes/2026-12-12s14-outside17.md."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bots.wegwijzer.bot import WegwijzerBot, is_casus_command


async def _no_choice(user_id: str) -> None:
    return None  # the person chose no language (session 20: the bot asks the gate)


async def _reply(text: str) -> dict[str, Any]:
    fake = SimpleNamespace(_usages=lambda lang: [], _asked=lambda *a: None, _spoken={},
                           languages=SimpleNamespace(of=_no_choice))
    content, _ = await WegwijzerBot._direct_answer(fake, "!r:localhost", "$q", "@a:localhost", text)  # type: ignore[arg-type]
    return content


@pytest.mark.parametrize("text", [
    "!casus nieuw schulden", "!toestemming", "!label geheim", "!uitnodigen @esra:localhost",
    "!overdracht @esra:localhost reden", "!status", "!burgerlink", "!mijn-casussen",
])
async def test_a_casus_command_sent_to_the_wegwijzer_names_the_casus_bot(text: str) -> None:
    content = await _reply(text)
    assert content["body"].startswith("Dat is een commando van de casus-bot, niet van mij")
    assert content["nl.busbaan.notice"]["kind"] == "wegwijzer.help"
    assert content["nl.busbaan.notice"]["errcode"] == "BB_UNKNOWN_COMMAND"


async def test_in_english_too() -> None:
    content = await _reply("!case new debts")
    assert content["body"].startswith("That is a command of the casus bot, not mine")


@pytest.mark.parametrize("text", ["!foo", "!goed!!", "!", "!!wie hulp bij schulden"])
async def test_an_unknown_command_is_still_unknown(text: str) -> None:
    content = await _reply(text)
    assert content["body"].startswith("Dat commando ken ik niet.")


@pytest.mark.parametrize("text", ["!wie", "!baan status", "!goed", "!fout", "!wegwijzer",
                                  "!who", "!lane status", "!good", "!wrong", "!wayfinder"])
def test_no_wegwijzer_command_is_taken_for_a_casus_command(text: str) -> None:
    assert not is_casus_command(text)
