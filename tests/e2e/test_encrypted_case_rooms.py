"""End-to-end encrypted case rooms (issue 11 part 3), against a real Synapse with the
gate: professionals at encrypting nio clients (vodozemac) send commands the bot
decrypts and read its encrypted replies; the homeserver holds only ciphertext; a bot
restart keeps its device and keys; an undecryptable message gets a resend notice; a
client without encryption gets a clear answer; lost bot keys cost at most one resend."""

from __future__ import annotations

import asyncio
import json
import shutil
import stat
from typing import Any

import aiohttp
import nio
import pytest
import sqlalchemy as sa

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.matrix.credentials import read_login
from busbaan.store import make_engine
from busbaan.store.service_tables import bot_command_table
from tests.e2e.conftest import E2EStack

pytestmark = pytest.mark.synapse


async def open_encrypted_case(e2e: E2EStack, regie: Person) -> tuple[str, str]:
    """The regie opens a case from an encrypted direct chat (as Element makes them)
    and joins the case room; (dm, case room)."""
    dm = await regie.dm(e2e.account.user_id, encrypted=True)
    reply = await regie.command(dm, "!casus nieuw", timeout=30)
    data = reply[REPLY_KEY]
    assert data["ok"] is True, reply["body"]
    room = str(data["data"]["room_id"])
    assert isinstance(await regie.join(room), nio.JoinResponse)
    return dm, room


async def server_view(e2e: E2EStack, person: Person, room: str) -> list[dict[str, Any]]:
    """The room's events as the homeserver stores them (raw /messages, no decryption)."""
    async with aiohttp.ClientSession() as http:
        resp = await http.get(
            f"{e2e.hs.url}/_matrix/client/v3/rooms/{room}/messages",
            params={"dir": "b", "limit": "200"},
            headers={"Authorization": f"Bearer {person.client.access_token}"})
        body = await resp.json()
    assert resp.status == 200, body
    return list(body["chunk"])


def _replied_to(content: dict[str, Any]) -> str:
    return str(content["m.relates_to"]["m.in_reply_to"]["event_id"])


async def test_commands_in_an_encrypted_case_room_are_answered_encrypted(
    e2e: E2EStack
) -> None:
    """The case room is created with Megolm in its initial state; the regie's command
    is decrypted by the bot and its reply decrypted by the regie; the homeserver holds
    only m.room.encrypted events (no command or reply text); the inbox drops the
    command's text once answered."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    dm, room = await open_encrypted_case(e2e, regie)

    state = await regie.client.room_get_state_event(room, "m.room.encryption")
    assert getattr(state, "content", {}).get("algorithm") == "m.megolm.v1.aes-sha2", state

    reply = await regie.command(room, "!regie", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    assert reply[REPLY_KEY]["data"]["regie"] == regie.user_id
    # Nobody verified anybody: the bot trusts the regie's device on first use, and
    # the regie's client encrypted to the bot's unverified device.
    assert e2e.service is not None
    bot_client = e2e.service.runners["casus"].client
    assert bot_client.olm is not None and regie.client.olm is not None
    seen = list(bot_client.device_store.active_user_devices(regie.user_id))
    assert seen and not any(bot_client.olm.is_device_verified(d) for d in seen)
    bots = list(regie.client.device_store.active_user_devices(e2e.account.user_id))
    assert bots and not any(regie.client.olm.is_device_verified(d) for d in bots)

    for rid in (dm, room):
        raw = await server_view(e2e, regie, rid)
        kinds = {ev["type"] for ev in raw if "state_key" not in ev}
        assert kinds == {"m.room.encrypted"}, (rid, kinds)
        text = json.dumps(raw)
        assert "!regie" not in text and "!casus nieuw" not in text
        assert REPLY_KEY not in text  # the bot's replies are ciphertext too

    command_id = _replied_to(reply)
    engine = make_engine(e2e.db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.select(bot_command_table.c.status, bot_command_table.c.event)
                               .where(bot_command_table.c.event_id == command_id)).one()
    finally:
        engine.dispose()
    assert row[0] == "replied" and "text" not in dict(row[1]), row


async def test_a_bot_restart_keeps_its_device_and_keys(e2e: E2EStack) -> None:
    """After a restart the bot has the same device and still decrypts the regie's
    commands in the same room (same Megolm session); its key backup and secret are
    files of mode 0600."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    _, room = await open_encrypted_case(e2e, regie)
    assert (await regie.command(room, "!regie", timeout=30))[REPLY_KEY]["ok"] is True
    creds = e2e.state_dir / "bots" / "casus.credentials.json"
    before = read_login(creds)

    await e2e.stop()
    await e2e.start()

    after = read_login(creds)
    assert before is not None and after is not None and after.device_id == before.device_id
    reply = await regie.command(room, "!regie", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    for name in ("casus.megolm-keys", "casus.e2e-secret"):
        path = e2e.state_dir / "bots" / name
        assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600, path


async def test_an_undecryptable_command_gets_a_resend_notice_and_nothing_runs(
    e2e: E2EStack
) -> None:
    """A command encrypted with a key the bot never got is not run: the bot replies
    to it with a notice (Dutch first) asking for a resend, naming the sender; the
    resend, with the key shared, is answered."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    _, room = await open_encrypted_case(e2e, regie)
    bot = e2e.account.user_id
    bot_devices = list(regie.client.device_store.active_user_devices(bot))
    assert bot_devices
    for device in bot_devices:  # the regie's app withholds the room key from the bot
        regie.client.blacklist_device(device)

    event_id = await regie.say(room, "!regie")
    _, notice = await regie.wait_for(
        lambda rid, ev: rid == room
        and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == "crypto.undecryptable",
        timeout=30)
    content = notice["content"]
    assert _replied_to(content) == event_id
    assert content[NOTICE_KEY]["sender"] == regie.user_id
    assert content["body"].startswith(f"{regie.user_id}: ik kan uw bericht niet lezen")
    assert "Stuur het bericht of commando alstublieft opnieuw" in content["body"]
    assert not any(REPLY_KEY in ev.get("content", {}) and _replied_to(ev["content"]) == event_id
                   for rid, ev in regie.events if rid == room)

    for device in bot_devices:
        regie.client.unblacklist_device(device)
    reply = await regie.command(room, "!regie", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]


async def test_a_client_without_encryption_gets_a_clear_answer(e2e: E2EStack) -> None:
    """A colleague at a client without encryption, invited into the encrypted case
    room, sends a command in clear: it is not run, and the answer (errcode
    BB_NOT_ENCRYPTED, Dutch first) is readable without encryption."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    colleague = await e2e.person("buurtteam", "buurtteammedewerker", encrypted=False)
    _, room = await open_encrypted_case(e2e, regie)
    invited = await regie.command(room, f"!uitnodigen {colleague.user_id}", timeout=30)
    assert invited[REPLY_KEY]["ok"] is True, invited["body"]
    assert isinstance(await colleague.join(room), nio.JoinResponse)

    reply = await colleague.command(room, "!regie", timeout=30)
    assert reply[REPLY_KEY]["ok"] is False
    assert reply[REPLY_KEY]["errcode"] == "BB_NOT_ENCRYPTED"
    assert reply["body"].startswith("Deze kamer is versleuteld, maar uw bericht was dat niet")


async def test_lost_bot_keys_cost_at_most_one_resend(e2e: E2EStack) -> None:
    """The bot's crypto store is lost: it comes back as a new device (the old one is
    deleted), restores the room keys from its backup, and the regie's next command is
    answered — at once, or after the bot asked for one resend."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    _, room = await open_encrypted_case(e2e, regie)
    assert (await regie.command(room, "!regie", timeout=30))[REPLY_KEY]["ok"] is True
    creds = e2e.state_dir / "bots" / "casus.credentials.json"
    before = read_login(creds)
    assert before is not None

    await e2e.stop()
    shutil.rmtree(e2e.state_dir / "bots" / "casus-nio")
    service = await e2e.start()

    after = read_login(creds)
    assert after is not None and after.device_id != before.device_id
    runner = service.runners["casus"]
    assert runner.client.olm is not None
    assert len(list(runner.client.olm.inbound_group_store)) > 0  # from the key backup
    devices = await runner.client.devices()
    assert isinstance(devices, nio.DevicesResponse)
    assert before.device_id not in {d.id for d in devices.devices}

    event_id = await regie.say(room, "!regie")

    def answered_or_asked(rid: str, ev: dict[str, Any]) -> bool:
        c = ev.get("content", {})
        return (rid == room and (REPLY_KEY in c or NOTICE_KEY in c)
                and "m.relates_to" in c and _replied_to(c) == event_id)

    _, first = await regie.wait_for(answered_or_asked, timeout=30)
    if REPLY_KEY not in first["content"]:
        assert first["content"][NOTICE_KEY]["kind"] == "crypto.undecryptable", first
        reply = await regie.command(room, "!regie", timeout=30)
    else:
        reply = first["content"]
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]


async def test_the_gate_decides_on_membership_in_an_encrypted_room(e2e: E2EStack) -> None:
    """Encryption changes nothing for the gate (it reads membership and state, never
    content): in an encrypted case room an outsider's join is refused with the Dutch
    reason, and the room's timeline on the server is still only ciphertext apart from
    the gate's own refusal notice (the homeserver holds no room keys)."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    outsider = await e2e.person("ggd", "arts")
    _, room = await open_encrypted_case(e2e, regie)
    resp = await outsider.client.join(room)
    assert isinstance(resp, nio.JoinError), resp
    assert resp.status_code == "M_FORBIDDEN"
    assert "(ggd) valt buiten de toestemming" in resp.message, resp.message
    raw = await server_view(e2e, regie, room)
    clear = [ev for ev in raw if "state_key" not in ev and ev["type"] != "m.room.encrypted"]
    assert [ev["content"].get(NOTICE_KEY, {}).get("kind") for ev in clear] in (
        [], ["gate.refused"]), clear


async def test_the_wegwijzer_answers_in_an_encrypted_direct_chat(e2e: E2EStack) -> None:
    """A professional asks the wegwijzer in an encrypted direct chat (as Element makes
    them): the bot decrypts the question and its routing answer, a reply to it, is
    readable to her and ciphertext on the server."""
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    dm = await asker.dm(e2e.wegwijzer.user_id, encrypted=True)
    question = "cliënt, 58, Zuidoost, kan de energierekening niet betalen en heeft schulden"
    event_id = await asker.say(dm, question)
    _, answer = await asker.wait_for(
        lambda rid, ev: rid == dm and NOTICE_KEY in ev.get("content", {})
        and "m.relates_to" in ev["content"] and _replied_to(ev["content"]) == event_id,
        timeout=30)
    content = answer["content"]
    assert content[NOTICE_KEY]["kind"] == "route.answer", content[NOTICE_KEY]
    assert content["nl.busbaan.route"]["results"], content["nl.busbaan.route"]
    raw = json.dumps(await server_view(e2e, asker, dm))
    assert "energierekening" not in raw and "nl.busbaan.route" not in raw


async def test_a_lane_is_encrypted_and_its_question_readable_to_the_team(
    e2e: E2EStack
) -> None:
    """`!baan 1` from an encrypted direct chat opens an encrypted lane; the intake team
    member invited at opening reads the carried question (the bot waits until its sync
    knows the invitees, so the room key reaches them); the server holds ciphertext."""
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
    question = "vrouw 40 heeft hulp nodig bij de thuisadministratie"
    event_id = await asker.say(dm, question)
    await asker.wait_for(lambda rid, ev: rid == dm and NOTICE_KEY in ev.get("content", {})
                         and "m.relates_to" in ev["content"]
                         and _replied_to(ev["content"]) == event_id, timeout=30)
    reply = await asker.command(dm, "!baan 1", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    lane = str(reply[REPLY_KEY]["data"]["room_id"])

    await member.wait_for(lambda rid, ev: rid == lane and ev.get("type") == "busbaan.test.invite",
                          timeout=30)
    assert isinstance(await member.join(lane), nio.JoinResponse)
    state = await member.client.room_get_state_event(lane, "m.room.encryption")
    assert getattr(state, "content", {}).get("algorithm") == "m.megolm.v1.aes-sha2", state
    # The lane's history is shared: the member reads what was sent before joining.
    sync = await member.client.room_messages(lane, start="", limit=50,
                                             direction=nio.MessageDirection.back)
    assert isinstance(sync, nio.RoomMessagesResponse), sync
    notices = [ev.source["content"] for ev in sync.chunk
               if isinstance(ev, nio.RoomMessageNotice)]
    kinds = {c.get(NOTICE_KEY, {}).get("kind") for c in notices}
    assert "lane.question" in kinds, (kinds, [type(ev).__name__ for ev in sync.chunk])
    [carried] = [c for c in notices if c.get(NOTICE_KEY, {}).get("kind") == "lane.question"]
    assert question in carried["body"]
    assert question not in json.dumps(await server_view(e2e, member, lane))


async def test_a_command_whose_key_comes_late_is_still_run(e2e: E2EStack) -> None:
    """The room key reaches the bot a moment after the command it unlocks (as over
    federation): the bot looks again before asking for a resend, runs the command and
    answers it; no undecryptable notice."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    _, room = await open_encrypted_case(e2e, regie)
    client, olm = regie.client, regie.client.olm
    assert olm is not None
    bot_devices = list(client.device_store.active_user_devices(e2e.account.user_id))
    for device in bot_devices:
        client.blacklist_device(device)  # a new Megolm session, not shared with the bot
    await client.share_group_session(room, ignore_unverified_devices=True)
    session = olm.outbound_group_sessions[room]
    room_key = {"algorithm": "m.megolm.v1.aes-sha2", "room_id": room,
                "session_id": session.id, "session_key": session.session_key}  # index 0

    event_id = await regie.say(room, "!regie")
    await asyncio.sleep(1.0)  # the bot has seen the command it cannot read yet
    for device in bot_devices:  # now the key, Olm-encrypted, as a client sends it
        olm_session = olm.session_store.get(device.curve25519)
        assert olm_session is not None
        content = olm._olm_encrypt(olm_session, device, "m.room_key", room_key)
        sent = await client.to_device(nio.ToDeviceMessage(
            "m.room.encrypted", device.user_id, device.id, content))
        assert isinstance(sent, nio.ToDeviceResponse), sent

    _, answer = await regie.wait_for(
        lambda rid, ev: rid == room and "m.relates_to" in ev.get("content", {})
        and _replied_to(ev["content"]) == event_id, timeout=30)
    assert answer["content"][REPLY_KEY]["ok"] is True, answer["content"]
    assert not any(ev.get("content", {}).get(NOTICE_KEY, {}).get("event_id") == event_id
                   for rid, ev in regie.events if rid == room)


async def test_a_lost_secret_makes_a_new_device_not_a_dead_bot(e2e: E2EStack) -> None:
    """The bot's secret is lost (its crypto store can no longer be opened): the bot
    still starts, sets the unreadable store aside, comes back as a new device and
    answers the regie's next command (at once or after one resend)."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    _, room = await open_encrypted_case(e2e, regie)
    assert (await regie.command(room, "!regie", timeout=30))[REPLY_KEY]["ok"] is True
    bots = e2e.state_dir / "bots"
    before = read_login(bots / "casus.credentials.json")
    assert before is not None

    await e2e.stop()
    (bots / "casus.e2e-secret").unlink()
    await e2e.start()

    after = read_login(bots / "casus.credentials.json")
    assert after is not None and after.device_id != before.device_id
    assert [p.name for p in bots.iterdir() if p.name.startswith("casus-nio.unreadable-")]
    event_id = await regie.say(room, "!regie")

    def answered_or_asked(rid: str, ev: dict[str, Any]) -> bool:
        c = ev.get("content", {})
        return (rid == room and (REPLY_KEY in c or NOTICE_KEY in c)
                and "m.relates_to" in c and _replied_to(c) == event_id)

    _, first = await regie.wait_for(answered_or_asked, timeout=30)
    if REPLY_KEY not in first["content"]:
        assert first["content"][NOTICE_KEY]["kind"] == "crypto.undecryptable", first
        reply = await regie.command(room, "!regie", timeout=30)
    else:
        reply = first["content"]
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]


async def test_a_label_with_a_name_is_refused_in_an_unencrypted_direct_chat(
        e2e: E2EStack) -> None:
    """A plain client's own direct chat with the bot, without encryption while busbaan
    runs with it: ``!casus nieuw mevrouw Yilmaz huurschuld`` opens nothing and keeps no
    label (the homeserver can read that chat; the policy's "private" promise does not
    hold there) and says why in Dutch; a neutral label still works (outside check s5)."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker", encrypted=False)
    dm = await regie.dm(e2e.account.user_id)
    assert not regie.client.rooms[dm].encrypted
    reply = await regie.command(dm, "!casus nieuw mevrouw Yilmaz huurschuld", timeout=30)
    assert reply[REPLY_KEY]["ok"] is False, reply["body"]
    assert reply[REPLY_KEY]["errcode"] == "BB_PERSONAL_DATA"
    assert reply[REPLY_KEY]["data"] == {"kinds": ["name"], "room_encrypted": False}
    assert "niet versleuteld" in reply["body"] and "Yilmaz" not in reply["body"]
    assert "case_id" not in reply[REPLY_KEY].get("data", {})
    opened = await regie.command(dm, "!casus nieuw schulden en huur", timeout=30)
    assert opened[REPLY_KEY]["ok"] is True, opened["body"]
    assert opened[REPLY_KEY]["data"]["label_saved"] is True
