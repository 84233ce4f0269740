"""The bots' sync filter (issue 12): a bot gets the room timeline it works from, and
none of the typing notices, read receipts and presence it never reads."""

from __future__ import annotations

import nio
import pytest

from busbaan.matrix.runner import BOT_SYNC_FILTER
from busbaan.service import Service
from tests.casus.conftest import MakePerson

pytestmark = pytest.mark.synapse


async def test_bot_sync_brings_commands_but_no_typing_or_receipts(
    service: Service, make_person: MakePerson
) -> None:
    """A professional types, reads and sends commands in a DM with the casus bot: the
    bot answers both commands, and its sync has brought no ephemeral event at all."""
    runner = service.runners["casus"]
    assert runner.sync_filter == BOT_SYNC_FILTER
    ephemeral: list[object] = []

    async def seen(room: nio.MatrixRoom, event: object) -> None:
        ephemeral.append(event)

    runner.client.add_ephemeral_callback(seen, (nio.TypingNoticeEvent, nio.ReceiptEvent))
    person = await make_person("buurtteam", "buurtteammedewerker")
    dm = await person.dm(runner.user_id)
    await person.client.room_typing(dm, True, timeout=5000)
    first = await person.command(dm, "!help")
    assert first["nl.busbaan.reply"]["ok"] is True
    await person.client.room_read_markers(dm, first["m.relates_to"]["m.in_reply_to"][
        "event_id"], first["m.relates_to"]["m.in_reply_to"]["event_id"])
    await person.client.room_typing(dm, True, timeout=5000)
    second = await person.command(dm, "!help")  # the bot synced past the typing and receipt
    assert second["nl.busbaan.reply"]["ok"] is True
    assert ephemeral == []
