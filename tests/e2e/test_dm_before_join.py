"""A question typed into a new encrypted direct chat before the wegwijzer has joined
(dmjoin18), on this package's homeserver.

Element sends the first message of a new direct chat once the invitee's membership is in
the room (element-web ``isRoomReady``) and encrypts for invited members unless the
history visibility is "joined" (matrix-js-sdk ``shouldEncryptForInvitedMembers``); the
test client here does the same (nio counts invited members too). A client that encrypted
before the invite was known gave the bot no key: the bot asks that device for it, and
failing that says — in its own voice, with the reason — to send the question again.
"""

from __future__ import annotations

import asyncio
from typing import Any

import nio
import pytest

from busbaan.devstack.people import NOTICE_KEY, Person
from busbaan.matrix.crypto import encryption_state
from busbaan.matrix.runner import BotRunner
from tests.e2e.conftest import E2EStack

pytestmark = pytest.mark.synapse


def _wegwijzer(e2e: E2EStack) -> BotRunner:
    assert e2e.service is not None
    return e2e.service.runners["wegwijzer"]


def _reply_to(room_id: str, event_id: str) -> Any:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        rel = ev.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room_id and NOTICE_KEY in ev.get("content", {}) \
            and rel.get("event_id") == event_id
    return match


async def _known(person: Person, room_id: str, invited: str | None = None) -> None:
    """Until the person's client knows ``room_id`` (and ``invited`` as invited there)."""
    for _ in range(300):
        room = person.client.rooms.get(room_id)
        if room is not None and room.encrypted and (invited is None
                                                    or invited in room.users):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(room_id)


async def test_a_question_sent_once_the_bot_is_invited_is_answered(e2e: E2EStack) -> None:
    """A professional opens a new encrypted direct chat and asks as soon as the bot's
    invite is in the room, as Element does, without waiting for the bot to join: her
    app encrypts for the invited bot, and she gets an answer, not a "cannot read"."""
    runner = _wegwijzer(e2e)
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    created = await asker.client.room_create(is_direct=True, invite=[runner.user_id],
                                             initial_state=[encryption_state()])
    assert isinstance(created, nio.RoomCreateResponse), created
    room_id = created.room_id
    await _known(asker, room_id, invited=runner.user_id)
    event_id = await asker.say(room_id, "Mijn cliënt heeft schulden, waar kan ze terecht?")

    _, reply = await asker.wait_for(_reply_to(room_id, event_id), timeout=30)
    assert reply["content"][NOTICE_KEY]["kind"] == "route.answer", reply["content"]["body"]


async def test_a_question_without_the_bots_key_asks_for_it_then_for_a_resend(
    e2e: E2EStack
) -> None:
    """Her app encrypted the question before the bot was in the chat (written, then the
    bot invited), so the bot never got its key: the bot asks her device for the key
    (m.room_key_request for that session), then replies once, in the wegwijzer's "je",
    that her app locked it before the bot was there and that she should send it again;
    her resend is answered."""
    runner = _wegwijzer(e2e)
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    requests: list[nio.RoomKeyRequest] = []

    olm = asker.client.olm
    assert olm is not None
    handle = olm._handle_key_requests  # nio drops other users' requests unseen: watch

    def seen(event: Any) -> None:
        requests.append(event)
        handle(event)

    olm._handle_key_requests = seen
    created = await asker.client.room_create(is_direct=True,
                                             initial_state=[encryption_state()])
    assert isinstance(created, nio.RoomCreateResponse), created
    room_id = created.room_id
    await _known(asker, room_id)
    question = "Een gezin kan de huur niet meer betalen, waar kunnen ze heen?"
    event_id = await asker.say(room_id, question)  # the key goes to her own device only
    invited = await asker.client.room_invite(room_id, runner.user_id)
    assert isinstance(invited, nio.RoomInviteResponse), invited

    _, notice = await asker.wait_for(_reply_to(room_id, event_id), timeout=40)
    content = notice["content"]
    assert content[NOTICE_KEY]["kind"] == "crypto.undecryptable", content["body"]
    assert content[NOTICE_KEY]["reason"] == "sent_before_join"
    assert content["body"].startswith(
        f"{asker.user_id}: ik kan je bericht niet lezen: je app versleutelde het voordat "
        "ik in dit gesprek was")
    assert "Stuur je vraag nog een keer" in content["body"]
    assert question not in content["body"]
    assert any(isinstance(r, nio.RoomKeyRequest) and r.sender == runner.user_id
               and r.requesting_device_id == runner.client.device_id
               and r.room_id == room_id for r in requests), requests

    again = await asker.say(room_id, question)
    _, reply = await asker.wait_for(_reply_to(room_id, again), timeout=30)
    assert reply["content"][NOTICE_KEY]["kind"] == "route.answer", reply["content"]["body"]
