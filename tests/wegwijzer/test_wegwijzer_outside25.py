"""outside25 (session 21), against the real Synapse harness: a command the wegwijzer does
not know is answered in the language of the conversation.

Live in `make dev`, an English-speaking colleague asked in English (answered in English),
then, after seeing `!wrong`, guessed `!right` (the alias is `!good`): "Dat commando ken ik
niet …" came in Dutch. One word after "!" says little of a language; the person's last
answered question in the chat does. Her own choice (``nl.busbaan.language``) still comes
first, and without a question before it the default stays Dutch.
"""

from __future__ import annotations

from typing import Any

import nio

from busbaan.devstack.people import NOTICE_KEY
from tests.wegwijzer.conftest import MakePerson, in_reply_to


async def _asked(person: Any, room_id: str, body: str) -> dict[str, Any]:
    resp = await person.client.room_send(room_id, "m.room.message",
                                         {"msgtype": "m.text", "body": body},
                                         ignore_unverified_devices=True)
    assert isinstance(resp, nio.RoomSendResponse), resp
    event_id = str(resp.event_id)

    def match(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        return rid == room_id and NOTICE_KEY in content and in_reply_to(content) == event_id

    _, ev = await person.wait_for(match, 15.0)
    return dict(ev["content"])


async def test_an_unknown_command_follows_the_language_of_the_conversation(
        make_person: MakePerson, bot_id: str) -> None:
    english = await make_person()
    dm = await english.dm(bot_id)
    unknown = await _asked(english, dm, "!right")  # nothing asked yet: the default
    assert unknown["body"].startswith("Dat commando ken ik niet."), unknown["body"]
    answered = await _asked(english, dm, "Where can a client apply for welfare benefit?")
    assert answered["body"].startswith("Where to go"), answered["body"]
    unknown = await _asked(english, dm, "!right")
    assert unknown["body"].startswith("I do not know that command."), unknown["body"]
    assert unknown[NOTICE_KEY]["errcode"] == "BB_UNKNOWN_COMMAND"

    dutch = await make_person()
    dm = await dutch.dm(bot_id)
    await _asked(dutch, dm, "cliënt van 58 kan de energierekening niet betalen")
    unknown = await _asked(dutch, dm, "!klopt")
    assert unknown["body"].startswith("Dat commando ken ik niet."), unknown["body"]
