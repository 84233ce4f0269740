"""A new encrypted direct chat with a bot (latency16): what makes the first answer as
quick as the later ones, as behaviour, on this package's homeserver (no new Synapse).

- The bot joins an invite at once, also while its worker is busy with something else
  (before, the join waited in the worker's queue, and a new chat's first question
  waited behind the joins of the other new chats).
- Right after joining, before anyone asks anything, the bot has shared its room key
  with the person's device (members, device keys, Olm session, Megolm session: before,
  all inside its first answer); the first answer goes out with that same key.
- The key backup is written in the format nio reads back, with nio's PBKDF2 rounds.
- (e2efirst) While the bot is still joining a new encrypted direct chat, the inviter's
  app already holds the bot's room key and an Olm session with the bot's device, and
  the first answer uses that key; a clear room gets no room key at the invite.

Timings are measured by ``bench/wegwijzer.py`` (benchmarks are not timed tests).
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import nio
import pytest
from nio.crypto.key_export import decrypt_and_read

from busbaan.devstack.people import NOTICE_KEY
from busbaan.matrix.crypto import BACKUP_KDF_ROUNDS, BotKeys
from busbaan.matrix.runner import BotRunner
from tests.e2e.conftest import E2EStack

pytestmark = pytest.mark.synapse


def _wegwijzer(e2e: E2EStack) -> BotRunner:
    assert e2e.service is not None
    return e2e.service.runners["wegwijzer"]


async def test_an_invite_is_joined_while_the_worker_is_busy(e2e: E2EStack) -> None:
    """The bot's worker is held up by a slow event; a professional's new encrypted
    direct chat is joined anyway, and its room key shared, before the worker is free."""
    runner = _wegwijzer(e2e)
    release = asyncio.Event()
    held = asyncio.Event()

    async def slow_hook(room: nio.MatrixRoom, event: Any) -> None:
        held.set()
        await release.wait()

    runner.member_hooks.append(slow_hook)
    try:
        runner._queue.put_nowait(("member", nio.MatrixRoom("!held:localhost", runner.user_id),
                                  None))
        await asyncio.wait_for(held.wait(), 10)
        asker = await e2e.person("buurtteam", "buurtteammedewerker")
        dm = await asker.dm(runner.user_id, encrypted=True, timeout=20)
        assert not release.is_set()  # the worker is still held
        session = await _shared_session(runner, dm, asker)
        assert session is not None
    finally:
        release.set()
        runner.member_hooks.remove(slow_hook)
    await runner.drain()


async def _shared_session(runner: BotRunner, room_id: str, person: Any,
                          timeout: float = 15.0) -> Any:
    """The bot's outbound Megolm session of ``room_id`` once it went to ``person``'s
    device (None after ``timeout``)."""
    olm = runner.client.olm
    assert olm is not None
    wanted = (person.user_id, str(person.client.device_id))
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        session = olm.outbound_group_sessions.get(room_id)
        if session is not None and wanted in session.users_shared_with:
            return session
        await asyncio.sleep(0.1)
    return None


async def test_the_room_key_is_shared_before_the_first_question(e2e: E2EStack) -> None:
    """Right after the bot joined a new encrypted direct chat, before the professional
    sent anything: the bot's room key went to her device (she holds it), and her app
    has an Olm session with the bot's device. Her first question is answered with that
    same key (no new key share inside the answer), readable to her."""
    runner = _wegwijzer(e2e)
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    dm = await asker.dm(runner.user_id, encrypted=True)
    session = await _shared_session(runner, dm, asker)
    assert session is not None, "no room key shared after the join"
    bot_key = runner.client.olm.account.identity_keys["curve25519"]

    async def holds_key() -> bool:
        olm = asker.client.olm
        return olm is not None and olm.inbound_group_store.get(dm, bot_key, session.id) \
            is not None

    deadline = asyncio.get_running_loop().time() + 15
    while not await holds_key():
        assert asyncio.get_running_loop().time() < deadline, "the key never reached her"
        await asyncio.sleep(0.1)
    assert asker.client.olm.session_store.get(bot_key), "no Olm session with the bot"

    event_id = await asker.say(dm, "jongere van 19 zoekt werk en heeft geen startkwalificatie")
    _, answer = await asker.wait_for(
        lambda rid, ev: rid == dm and NOTICE_KEY in ev.get("content", {})
        and ev["content"].get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
        == event_id, timeout=30)
    assert answer["content"][NOTICE_KEY]["kind"] == "route.answer", answer["content"]
    assert runner.client.olm.outbound_group_sessions[dm].id == session.id


def test_the_key_backup_is_read_by_nio_with_its_rounds(tmp_path: Path) -> None:
    """The backup (written with hashlib's PBKDF2) is the Megolm key export nio reads:
    the room keys come back, and the file records nio's round count, not fewer."""
    keys = BotKeys(tmp_path, "wegwijzer", "@wegwijzer:localhost")
    keys.store_dir.mkdir(parents=True)
    client = nio.AsyncClient("http://127.0.0.1:9", "@wegwijzer:localhost", device_id="DEV",
                             store_path=str(keys.store_dir),
                             config=nio.AsyncClientConfig(encryption_enabled=True,
                                                          store_sync_tokens=False,
                                                          pickle_key=keys.secret()))
    client.restore_login("@wegwijzer:localhost", "DEV", "token")
    assert client.olm is not None
    for room in ("!a:localhost", "!b:localhost", "!c:localhost"):
        client.olm.create_outbound_group_session(room)
    assert keys.backup(client.olm) == 3
    exported = json.loads(decrypt_and_read(str(keys.backup_file), keys.secret()))
    assert {k["session_id"] for k in exported} == {s.id for s in client.olm.inbound_group_store}
    text = keys.backup_file.read_text(encoding="ascii").splitlines()
    raw = base64.b64decode(text[1] + "=" * (-len(text[1]) % 4))
    assert int.from_bytes(raw[33:37], "big") == BACKUP_KDF_ROUNDS >= 10_000


async def _holds_room_key(person: Any, room_id: str, sender_key: str,
                          timeout: float = 15.0) -> Any:
    """The inbound Megolm session of ``room_id`` from the device ``sender_key`` that
    ``person``'s app holds, once it does (None after ``timeout``)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        olm = person.client.olm
        sessions = [s for s in olm.inbound_group_store if s.room_id == room_id
                    and s.sender_key == sender_key] if olm is not None else []
        if sessions:
            return sessions[0]
        await asyncio.sleep(0.05)
    return None


async def test_the_room_key_reaches_the_inviter_while_the_bot_joins(e2e: E2EStack) -> None:
    """e2efirst: a professional opens an encrypted direct chat with the bot; while the
    bot's join has not come back yet, her app already holds the bot's room key of that
    chat and an Olm session with the bot's device (so her first question needs no key
    claim of her own). After the join, her first question is answered with that same
    key, readable to her."""
    runner = _wegwijzer(e2e)
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    release = asyncio.Event()
    join = runner.client.join

    async def held_join(room_id: str, *args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return await join(room_id, *args, **kwargs)

    runner.client.join = held_join
    try:
        resp = await asker.client.room_create(
            is_direct=True, invite=[runner.user_id],
            initial_state=[{"type": "m.room.encryption", "state_key": "",
                            "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        assert isinstance(resp, nio.RoomCreateResponse), resp
        dm = resp.room_id
        bot_key = runner.client.olm.account.identity_keys["curve25519"]
        early = await _holds_room_key(asker, dm, bot_key)
        assert early is not None, "no room key at the inviter before the bot's join"
        assert not release.is_set() and dm not in runner.client.rooms  # not joined yet
        assert asker.client.olm.session_store.get(bot_key), "no Olm session with the bot"
    finally:
        release.set()
        runner.client.join = join

    def joined(rid: str, ev: dict[str, Any]) -> bool:
        return (rid == dm and ev.get("type") == "m.room.member"
                and ev.get("state_key") == runner.user_id
                and ev.get("content", {}).get("membership") == "join")

    await asker.wait_for(joined, timeout=20)
    while dm not in asker.client.rooms or runner.user_id not in asker.client.rooms[dm].users:
        await asyncio.sleep(0.05)
    event_id = await asker.say(dm, "jongere van 19 zoekt werk en heeft geen startkwalificatie")
    _, answer = await asker.wait_for(
        lambda rid, ev: rid == dm and NOTICE_KEY in ev.get("content", {})
        and ev["content"].get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
        == event_id, timeout=30)
    assert answer["content"][NOTICE_KEY]["kind"] == "route.answer", answer["content"]
    assert runner.client.olm.outbound_group_sessions[dm].id == early.id


async def test_a_clear_room_gets_no_room_key_at_the_invite(e2e: E2EStack) -> None:
    """An invite into a room that is not encrypted: the bot sends no room key (it has
    no Megolm session for that room), joins and answers in clear as before."""
    runner = _wegwijzer(e2e)
    asker = await e2e.person("buurtteam", "buurtteammedewerker", encrypted=False)
    dm = await asker.dm(runner.user_id, encrypted=False, timeout=20)
    await runner.drain()
    assert dm not in runner.client.olm.outbound_group_sessions
    event_id = await asker.say(dm, "jongere van 19 zoekt werk en heeft geen startkwalificatie")
    _, answer = await asker.wait_for(
        lambda rid, ev: rid == dm and NOTICE_KEY in ev.get("content", {})
        and ev["content"].get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
        == event_id, timeout=30)
    assert answer["type"] == "m.room.message"  # in clear
