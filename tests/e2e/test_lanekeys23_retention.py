"""The kept lane keys' retention (issue 8, session 23), against a real Synapse with
encryption on: the room keys the wegwijzer keeps for a lane's later devices
(``<state>/bots/wegwijzer.lane-keys``, session 22) go when the lane closes, or when it
is past the retention (busbaan.wegwijzer.retention.keeps_lane_keys) without being
closed; each drop is audited without key material, and nothing is given afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from busbaan.devstack.people import REPLY_KEY, Person
from busbaan.wegwijzer.audit_refs import object_refs
from busbaan.wegwijzer.retention import MATRIX_ID_DAYS
from tests.e2e.conftest import E2EStack
from tests.e2e.test_lanekeys22_new_device import QUESTION, _eventually, _open_lane

pytestmark = pytest.mark.synapse


async def _dropped_entries(e2e: E2EStack, lane_ref: str) -> list[Any]:
    from busbaan.audit.storage import AuditLog
    from busbaan.store import make_engine

    engine = make_engine(e2e.db_url)
    try:
        return [e.entry for e in await asyncio.to_thread(
            lambda: list(AuditLog(engine).query(event_prefix="lane.room_keys_dropped")))
            if e.entry.details.get("lane_ref") == lane_ref]
    finally:
        engine.dispose()


def _assert_no_key_material(entry: Any, lane: str, kept_keys: list[str]) -> None:
    text = str(entry.details)
    assert lane not in text and QUESTION not in text
    assert not any(key in text for key in kept_keys)
    assert set(entry.details) == {"keys", "why", "team", "lane_ref", "pseudonym_key"}


def _keys_in_file(runner: Any, device: str) -> set[str]:
    """Every session key in the bot's kept-keys file, as its own reader decrypts it."""
    return {k.session_key for room in runner.keys.load_kept(device).values()
            for k in room.values()}


def _age(e2e: E2EStack, lane_id: str, opened: dt.datetime) -> None:
    """Write ``opened`` as the lane's opening in the store (the store is the truth)."""
    from busbaan.store import make_engine
    from busbaan.store.wegwijzer_models import LaneRow
    from busbaan.store.wegwijzer_repo import _store

    engine = make_engine(e2e.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(LaneRow).where(sa.column("lane_id") == lane_id)
                         .values(opened_at=_store(opened)))
    finally:
        engine.dispose()


async def test_closing_a_lane_drops_its_kept_keys_and_audits_it(e2e: E2EStack) -> None:
    """`!baan sluit` drops the lane's kept room keys (memory and file), audited as
    `lane.room_keys_dropped` (why `closed`, how many; no key, no room id, no text); a
    member's device that logs in afterwards is given nothing, and the bot keeps no new
    key for the closed lane."""
    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    _asker, member, lane = await _open_lane(e2e, QUESTION)
    kept = runner.client.kept_room_keys[lane]
    keys = [k.session_key for k in kept.values()]
    assert keys

    device = runner.client.device_id
    assert device is not None
    # the file (decrypted with the bot's own reader) holds the lane's keys before ...
    assert set(keys) <= _keys_in_file(runner, device)

    reply = await member.command(lane, "!baan sluit", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    assert lane not in runner.client.kept_room_keys
    # ... and none of them after, under no room
    assert lane not in runner.keys.load_kept(device)
    assert not set(keys) & _keys_in_file(runner, device)

    record = bot.lanes.lane_in(lane)
    assert record is not None
    refs = object_refs(bot.pseudonyms, record.lane_id)
    [entry] = await _eventually(lambda: _dropped_entries(e2e, refs["lane_ref"]))
    assert entry.action == "D" and entry.user_id is None
    assert entry.details["why"] == "closed" and entry.details["keys"] == str(len(keys))
    _assert_no_key_material(entry, lane, keys)

    second = await e2e.new_device(member)
    assert await runner.share_kept_keys(lane, member.user_id) == 0
    await member.say(lane, "nog een bericht na het sluiten")  # the room lives on
    await asyncio.sleep(1)
    assert lane not in runner.client.kept_room_keys
    olm = second.client.olm
    assert olm is not None and not [s for s in olm.inbound_group_store
                                    if s.room_id == lane and s.sender_key
                                    == runner.client.olm.account.identity_keys["curve25519"]]


async def test_an_open_lane_past_the_retention_drops_its_kept_keys_on_the_lane_clock(
        e2e: E2EStack) -> None:
    """A lane nobody closed keeps its room keys at most MATRIX_ID_DAYS from its opening:
    the lane clock (LaneDesk's own loop, not a direct call) drops them (why
    `retention`), once, from memory and file; a lane within the retention keeps them."""
    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    _a, _m, old = await _open_lane(e2e, QUESTION)
    _a2, _m2, young = await _open_lane(e2e, QUESTION)
    record = bot.lanes.lane_in(old)
    assert record is not None and old in runner.client.kept_room_keys
    keys = [k.session_key for k in runner.client.kept_room_keys[old].values()]
    device = runner.client.device_id
    assert device is not None and set(keys) <= _keys_in_file(runner, device)

    _age(e2e, record.lane_id, record.opened_at - dt.timedelta(days=MATRIX_ID_DAYS + 1))
    await bot.lanes.reload()
    # the clock ticks fast for a moment (its loop restarted with a short interval)
    lanes, interval = bot.lanes, bot.lanes.check_seconds
    assert lanes._task is not None
    lanes._task.cancel()
    lanes.check_seconds = 0.2
    lanes._task = asyncio.create_task(lanes._loop(), name="wegwijzer-lanes")
    try:
        assert await _eventually(lambda: old not in runner.client.kept_room_keys)
        await asyncio.sleep(1.0)  # several more ticks
    finally:
        lanes.check_seconds = interval  # the next sleep is the usual one again
    assert young in runner.client.kept_room_keys
    assert not set(keys) & _keys_in_file(runner, device)
    refs = object_refs(bot.pseudonyms, record.lane_id)
    [entry] = await _eventually(lambda: _dropped_entries(e2e, refs["lane_ref"]))
    assert entry.details["why"] == "retention"
    assert entry.details["keys"] == str(len(keys))
    _assert_no_key_material(entry, old, keys)


async def test_a_lane_past_the_retention_is_dropped_at_start_before_any_share(
        e2e: E2EStack, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lane that passed the retention while the bot was away: at start its kept keys
    are dropped (audited, file rewritten) before the hooks that give keys out exist."""
    from bots.wegwijzer.lanes import LaneDesk

    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    _a, _m, lane = await _open_lane(e2e, QUESTION)
    record = bot.lanes.lane_in(lane)
    assert record is not None and lane in runner.client.kept_room_keys
    keys = [k.session_key for k in runner.client.kept_room_keys[lane].values()]
    await e2e.stop()
    _age(e2e, record.lane_id, record.opened_at - dt.timedelta(days=MATRIX_ID_DAYS + 1))

    at_hooks: list[bool] = []
    install = LaneDesk._keep_lane_keys

    def spy(desk: LaneDesk) -> None:
        at_hooks.append(lane in desk.bot.client.kept_room_keys)
        install(desk)

    monkeypatch.setattr(LaneDesk, "_keep_lane_keys", spy)
    service = await e2e.start()
    runner = service.runners["wegwijzer"]
    assert at_hooks == [False]  # already dropped when the sharing hooks went in
    assert lane not in runner.client.kept_room_keys
    device = runner.client.device_id
    assert device is not None and not set(keys) & _keys_in_file(runner, device)
    refs = object_refs(service.wegwijzer.pseudonyms, record.lane_id)
    [entry] = await _eventually(lambda: _dropped_entries(e2e, refs["lane_ref"]))
    assert entry.details["why"] == "retention"
    _assert_no_key_material(entry, lane, keys)


async def _bot_knows_device(runner: Any, person: Person) -> bool:
    olm = runner.client.olm
    return person.client.device_id in {
        d.id for d in olm.device_store.active_user_devices(person.user_id)}


def _bot_key_of(person: Person, runner: Any, lane: str) -> list[Any]:
    olm = person.client.olm
    assert olm is not None
    bot_key = runner.client.olm.account.identity_keys["curve25519"]
    return [s for s in olm.inbound_group_store
            if s.room_id == lane and s.sender_key == bot_key]


async def test_a_lane_past_the_retention_gives_no_key_before_its_drop(
        e2e: E2EStack) -> None:
    """Between the end of the retention and the lane clock's drop the keys are still in
    memory, but nothing gives them out: neither the device-change path (LaneDesk's key
    queue) nor a direct share."""
    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    lanes = bot.lanes
    assert lanes._task is not None
    lanes._task.cancel()  # no clock tick (no drop) during this test
    try:
        _a, member, lane = await _open_lane(e2e, QUESTION)
        record = lanes.lane_in(lane)
        assert record is not None and runner.client.kept_room_keys.get(lane)
        _age(e2e, record.lane_id, record.opened_at - dt.timedelta(days=MATRIX_ID_DAYS + 1))
        await lanes.reload()

        second = await e2e.new_device(member)
        assert await _eventually(lambda: _bot_knows_device(runner, second), timeout=30)
        await asyncio.sleep(2.0)
        await lanes._key_queue.join()
        assert runner.client.kept_room_keys.get(lane)  # not dropped yet ...
        assert await runner.share_kept_keys(lane, member.user_id) == 0  # ... not given
        await asyncio.sleep(1.0)
        assert not _bot_key_of(second, runner, lane)
    finally:
        lanes._task = asyncio.create_task(lanes._loop(), name="wegwijzer-lanes")


async def test_a_drop_while_a_share_is_in_flight_sends_nothing(e2e: E2EStack) -> None:
    """A share that started before a drop (it read the members from the homeserver, and
    waits for the key lock) finds the keys gone and sends nothing."""
    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    _a, member, lane = await _open_lane(e2e, QUESTION)
    assert runner.client.kept_room_keys.get(lane)
    # the device-change path stays out of it: this test starts the share itself
    runner.client.devices_changed.remove(bot.lanes._devices_changed)
    try:
        second = await e2e.new_device(member)
        assert await _eventually(lambda: _bot_knows_device(runner, second), timeout=30)
        async with runner._keys_lock:
            share = asyncio.create_task(runner.share_kept_keys(lane, member.user_id))
            await asyncio.sleep(2.0)  # its member read is done; it waits for the lock
            assert not share.done()
            assert runner.client.drop_kept_keys(lane) > 0  # the drop (lock held)
        assert await share == 0
        await asyncio.sleep(1.0)
        assert not _bot_key_of(second, runner, lane)
    finally:
        runner.client.devices_changed.append(bot.lanes._devices_changed)


@pytest.mark.parametrize("reread", ["none", "error"])
async def test_a_close_drops_the_keys_when_reading_the_lane_back_fails(
        e2e: E2EStack, monkeypatch: pytest.MonkeyPatch, reread: str) -> None:
    """`!baan sluit` closes the lane in the store; if reading it back gives nothing or
    fails, the lane is still closed for the bot (no key kept, none given) and its keys
    go at once, audited `closed` — not at a restart or after MATRIX_ID_DAYS."""
    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    _asker, member, lane = await _open_lane(e2e, QUESTION)
    record = bot.lanes.lane_in(lane)
    assert record is not None and runner.client.kept_room_keys.get(lane)

    def get(lane_id: str) -> Any:
        if reread == "error":
            raise RuntimeError("database gone")
        return None

    monkeypatch.setattr(bot.lanes.repo, "get", get)
    reply = await member.command(lane, "!baan sluit", timeout=30)
    monkeypatch.undo()
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    assert lane not in runner.client.kept_room_keys
    now = bot.lanes.lane_in(lane)
    assert now is not None and now.closed_at is not None
    refs = object_refs(bot.pseudonyms, record.lane_id)
    [entry] = await _eventually(lambda: _dropped_entries(e2e, refs["lane_ref"]))
    assert entry.details["why"] == "closed"
