"""A lane member's device that logs in after the lane opened (issue 8, session 22,
lanekeys), against a real Synapse with two nio devices of one professional.

The bot (matrix-nio) shares a Megolm session once, with the devices it knows when it
sends: a device that appears later never got the key of the lane's question. Neither
nio nor Element asks the bot for it in a way the bot could answer: both accept an
``m.forwarded_room_key`` only from their own user's verified devices, and Element
(matrix-rust-sdk) sends no ``m.room_key_request`` to other users at all. What both do
accept is the sender's own ``m.room_key``, so the bot gives a current lane member's
new device the key its lane messages went out with.
"""

from __future__ import annotations

import asyncio
from typing import Any

import nio
import pytest

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.matrix.crypto import query_keys
from tests.e2e.conftest import E2EStack

pytestmark = pytest.mark.synapse

QUESTION = "man 50 heeft hulp nodig bij de thuisadministratie"


def _replied_to(content: dict[str, Any]) -> str:
    return str(content["m.relates_to"]["m.in_reply_to"]["event_id"])


async def _open_lane(e2e: E2EStack, question: str) -> tuple[Person, Person, str]:
    """An asker opens a lane from an encrypted direct chat to an intake room whose team
    member joins it and reads the question; (asker, member, lane room)."""
    from bots.wegwijzer.intake import ensure_intake_room

    assert e2e.service is not None
    bot = e2e.service.wegwijzer
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    member = await e2e.person("buurtteam", "buurtteammedewerker")
    service = bot.social_map.service("thuisadministratie")
    assert service is not None and service.matrix_room
    intake_room = await ensure_intake_room(bot.client, service.matrix_room, name="Intake",
                                           topic="test", invite=[member.user_id])
    assert isinstance(await member.join(intake_room), nio.JoinResponse)
    dm = await asker.dm(e2e.wegwijzer.user_id, encrypted=True)
    event_id = await asker.say(dm, question)
    await asker.wait_for(lambda rid, ev: rid == dm and NOTICE_KEY in ev.get("content", {})
                         and "m.relates_to" in ev["content"]
                         and _replied_to(ev["content"]) == event_id, timeout=30)
    reply = await asker.command(dm, "!baan 1", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    lane = str(reply[REPLY_KEY]["data"]["room_id"])
    await member.wait_for(lambda rid, ev: rid == lane
                          and ev.get("type") == "busbaan.test.invite", timeout=30)
    assert isinstance(await member.join(lane), nio.JoinResponse)
    assert question in (await _question_read(member, lane, timeout=15) or "")
    return asker, member, lane


async def _question_read(person: Person, room: str, timeout: float) -> str | None:
    """The lane question's text as ``person``'s device decrypts it (None: not within
    ``timeout`` seconds, e.g. no key)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        resp = await person.client.room_messages(room, start="", limit=50,
                                                 direction=nio.MessageDirection.back)
        if isinstance(resp, nio.RoomMessagesResponse):
            for ev in resp.chunk:
                if isinstance(ev, nio.MegolmEvent) and person.client.olm is not None:
                    with_key = person.client.decrypt_event(ev) if _has_key(person, ev) \
                        else None
                    ev = with_key or ev
                content = getattr(ev, "source", {}).get("content", {})
                if (isinstance(ev, nio.RoomMessageNotice)
                        and content.get(NOTICE_KEY, {}).get("kind") == "lane.question"):
                    return str(content["body"])
        if asyncio.get_running_loop().time() > deadline:
            return None
        await asyncio.sleep(0.5)


def _has_key(person: Person, ev: nio.MegolmEvent) -> bool:
    olm = person.client.olm
    return olm is not None and olm.inbound_group_store.get(
        ev.room_id, ev.sender_key, ev.session_id) is not None



async def test_a_members_new_device_reads_the_lane_question(e2e: E2EStack) -> None:
    """A lane member logs in a second device after the question was posted; that
    device decrypts the question (the bot gave it the lane's room key)."""
    _asker, member, lane = await _open_lane(e2e, QUESTION)
    second = await e2e.new_device(member)
    assert second.client.device_id != member.client.device_id
    assert QUESTION in (await _question_read(second, lane, timeout=30) or "")
    # keys are kept for lanes only, never for the asker's direct chat or other rooms
    assert e2e.service is not None
    bot = e2e.service.wegwijzer
    kept = bot.client.kept_room_keys
    assert lane in kept and all(bot.lanes.lane_in(room) is not None for room in kept)
    assert not e2e.service.runners["casus"].client.kept_room_keys
    # audited: who, which lane (keyed reference), how many devices; no text, no key
    entries = await _eventually(lambda: _entries_of(e2e, member.user_id,
                                                    "lane.room_key_shared"))
    assert entries
    details = entries[-1].details
    assert details["devices"] == "1" and "lane_ref" in details
    assert QUESTION not in str(details) and lane not in str(details)


async def test_a_late_joiner_reads_and_a_leavers_new_device_gets_nothing(
        e2e: E2EStack) -> None:
    """A team member who joins the intake room after the lane opened, and then the
    lane, reads the question; a member who left the lane gets no key for a device she
    logs in afterwards, also when the bot is asked for her directly."""
    from bots.wegwijzer.intake import ensure_intake_room

    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    _asker, member, lane = await _open_lane(e2e, QUESTION)
    bot = e2e.service.wegwijzer
    service = bot.social_map.service("thuisadministratie")
    assert service is not None and service.matrix_room
    late = await e2e.person("buurtteam", "buurtteammedewerker")
    intake_room = await ensure_intake_room(bot.client, service.matrix_room, name="Intake",
                                           topic="test", invite=[late.user_id])
    assert isinstance(await late.join(intake_room), nio.JoinResponse)
    assert isinstance(await late.join(lane), nio.JoinResponse)  # restricted to the intake
    assert QUESTION in (await _question_read(late, lane, timeout=30) or "")

    assert isinstance(await member.client.room_leave(lane), nio.RoomLeaveResponse)
    await _eventually(lambda: member.user_id not in runner.client.rooms[lane].users or None)
    second = await e2e.new_device(member)
    bot_olm = runner.client.olm
    assert bot_olm is not None
    # the bot learns her new device (nio queries only users of a shared encrypted
    # room: asked here, as a later shared room would) ...
    bot_olm.add_changed_users({member.user_id})
    async with runner._keys_lock:  # the query the next sync's key upkeep would make
        assert await query_keys(runner.client)
    assert await _eventually(lambda: any(
        d.id == second.client.device_id
        for d in bot_olm.device_store.active_user_devices(member.user_id)))
    # ... and gives it nothing, also when asked for her directly
    assert await runner.share_kept_keys(lane, member.user_id) == 0
    await asyncio.sleep(3)  # the bot's own path (device-list change) had time too
    await runner.drain()
    kept = runner.client.kept_room_keys[lane]
    assert kept and not any((member.user_id, second.client.device_id) in k.shared_with
                            for k in kept.values())
    olm = second.client.olm
    assert olm is not None
    assert not [s for s in olm.inbound_group_store if s.room_id == lane]


async def _eventually(fn: Any, timeout: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = fn()
        if asyncio.iscoroutine(value):
            value = await value
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.3)


async def _entries_of(e2e: E2EStack, user_id: str, code: str) -> list[Any]:
    from busbaan.audit.storage import AuditLog
    from busbaan.store import make_engine

    engine = make_engine(e2e.db_url)
    try:
        return [e.entry for e in await asyncio.to_thread(
            lambda: list(AuditLog(engine).query(user_id=user_id)))
            if e.entry.event_code == code]
    finally:
        engine.dispose()


async def test_a_new_device_after_a_bot_restart_reads_the_lane_question(
        e2e: E2EStack) -> None:
    """The kept lane keys survive a restart of the bot (encrypted file, mode 0600, no
    question in it): a member's device that logs in after the restart reads the
    question posted before it."""
    import stat

    _asker, member, lane = await _open_lane(e2e, QUESTION)
    assert e2e.service is not None
    kept_file = e2e.service.runners["wegwijzer"].keys.kept_file
    await e2e.stop()
    assert stat.S_IMODE(kept_file.stat().st_mode) == 0o600
    raw = kept_file.read_bytes()
    assert QUESTION.encode() not in raw and lane.encode() not in raw
    await e2e.start()
    second = await e2e.new_device(member)
    assert QUESTION in (await _question_read(second, lane, timeout=40) or "")
