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

from busbaan.devstack.people import REPLY_KEY
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

    reply = await member.command(lane, "!baan sluit", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    assert lane not in runner.client.kept_room_keys
    device = runner.client.device_id
    assert device is not None and lane not in runner.keys.load_kept(device)
    raw = runner.keys.kept_file.read_bytes()
    assert not any(key.encode() in raw for key in keys)

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


async def test_an_open_lane_past_the_retention_drops_its_kept_keys(e2e: E2EStack) -> None:
    """A lane nobody closed keeps its room keys at most MATRIX_ID_DAYS from its opening:
    on the lane clock they go (why `retention`), once; a lane within the retention keeps
    them."""
    from busbaan.store import make_engine
    from busbaan.store.wegwijzer_models import LaneRow
    from busbaan.store.wegwijzer_repo import _store

    assert e2e.service is not None
    runner = e2e.service.runners["wegwijzer"]
    bot = e2e.service.wegwijzer
    _a, _m, old = await _open_lane(e2e, QUESTION)
    _a2, _m2, young = await _open_lane(e2e, QUESTION)
    record = bot.lanes.lane_in(old)
    assert record is not None and old in runner.client.kept_room_keys
    keys = [k.session_key for k in runner.client.kept_room_keys[old].values()]

    # the old lane was opened one day past the retention (the store is the truth)
    engine = make_engine(e2e.db_url)
    try:
        opened = record.opened_at - dt.timedelta(days=MATRIX_ID_DAYS + 1)
        with engine.begin() as conn:
            conn.execute(sa.update(LaneRow).where(sa.column("lane_id") == record.lane_id)
                         .values(opened_at=_store(opened)))
    finally:
        engine.dispose()
    await bot.lanes.reload()

    assert await bot.lanes.drop_lane_keys() == len(keys)
    assert old not in runner.client.kept_room_keys
    assert young in runner.client.kept_room_keys
    assert await bot.lanes.drop_lane_keys() == 0  # once
    refs = object_refs(bot.pseudonyms, record.lane_id)
    [entry] = await _eventually(lambda: _dropped_entries(e2e, refs["lane_ref"]))
    assert entry.details["why"] == "retention"
    _assert_no_key_material(entry, old, keys)
