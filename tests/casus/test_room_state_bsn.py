"""bsnsep (session 17): no BSN in any room's name or topic on this homeserver.

outside21 #12: a direct chat's topic with a client's name and BSN, written by the chat's
owner, was stored in clear by Synapse (``event_json``, ``room_stats_state``): only
messages are encrypted. The gate checked display names and reasons only in case rooms,
and nothing of rooms without a case. DESIGN.md says no BSN in room names or topics,
and this is a professional homeserver: the gate now refuses a BSN in every room's name
or topic (:func:`busbaan.gate.module.state_text_refusal`, the one rule for BSNs in room
state, which the display name in a case room uses too).
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote

import aiohttp
import nio
import pytest

from busbaan.devstack import Homeserver
from busbaan.devstack.people import Person
from busbaan.gate.module import create_room_refusal, displayname_refusal, state_text_refusal
from busbaan.privacy import is_valid_bsn
from busbaan.service import Service
from tests.casus.conftest import MakePerson


def _fresh_bsn() -> str:
    """A BSN that passes the 11-check and appears in no file of this run but where the
    test puts it (the logs are searched for it below)."""
    rnd = random.Random()
    while True:
        digits = f"{rnd.randint(100_000_000, 999_999_999)}"
        if is_valid_bsn(digits):
            return digits


@pytest.mark.parametrize(("event_type", "content"), [
    ("m.room.name", {"name": "Overleg cliënt 839958912"}),
    ("m.room.name", {"name": "Overleg 839\t958\t912"}),
    ("m.room.topic", {"topic": "bsn 839/958/912, Wingerdweg"}),
    ("m.room.topic", {"topic": "overleg",
                      "m.topic": [{"mimetype": "text/html", "body": "<b>839 958 912</b>"}]}),
])
def test_a_bsn_in_a_rooms_name_or_topic_is_refused(event_type: str,
                                                   content: dict[str, Any]) -> None:
    refusal = state_text_refusal(event_type, content)
    assert refusal is not None and not refusal.allowed
    assert refusal.code == "refused.personal_data_in_room_state"
    assert "BSN" in refusal.nl and "BSN" in refusal.en
    assert "839" not in refusal.nl + refusal.en


@pytest.mark.parametrize(("event_type", "content"), [
    ("m.room.name", {"name": "Overleg schulden Noord"}),
    ("m.room.name", {"name": "Anouk (buurtteam)"}),  # a professional's own name: fine
    ("m.room.topic", {"topic": "Bel 020 123 4567, ma-vr 9-17 uur, vanaf 1-12-2026"}),
    ("m.room.topic", {"topic": "Casus C-23456789"}),
    ("m.room.topic", {}),
    ("m.room.topic", {"topic": None}),
    ("m.room.member", {"displayname": "Anouk"}),
    ("m.room.power_levels", {"users": {"@a:x": 839958912}}),  # not a text of a room
])
def test_a_rooms_name_or_topic_without_a_bsn_passes(event_type: str,
                                                    content: dict[str, Any]) -> None:
    assert state_text_refusal(event_type, content) is None


def test_the_display_name_keeps_its_own_refusal() -> None:
    refusal = displayname_refusal("cliënt 839_958_912")
    assert refusal is not None and refusal.code == "refused.personal_data_in_displayname"
    assert displayname_refusal("Anouk") is None


@pytest.mark.parametrize("config", [
    {"name": "Overleg cliënt 839958912"},
    {"topic": "bsn 839 958 912"},
    {"initial_state": [{"type": "m.room.topic", "state_key": "",
                        "content": {"topic": "cliënt 839.95.89.12"}}]},
    {"name": "Overleg", "initial_state": [
        {"type": "m.room.name", "state_key": "", "content": {"name": "839/958/912"}}]},
])
def test_a_create_room_request_with_a_bsn_in_its_name_or_topic_is_refused(
        config: dict[str, Any]) -> None:
    refusal = create_room_refusal(config)
    assert refusal is not None and refusal.code == "refused.personal_data_in_room_state"
    assert "839" not in refusal.nl + refusal.en


@pytest.mark.parametrize("config", [
    {}, {"name": "Overleg schulden Noord", "topic": "ma-vr 9-17 uur"},
    {"name": None, "topic": 839958912},  # not text: Synapse refuses the body itself
    {"initial_state": [{"type": "m.room.member", "state_key": "@a:x",
                        "content": {"displayname": "839958912"}},  # not a room's text
                       {"type": "m.room.topic"}, "garbage", {"content": {}}]},
    {"initial_state": "m.room.name"}, [], "createRoom",
])
def test_a_create_room_request_without_a_bsn_passes(config: Any) -> None:
    assert create_room_refusal(config) is None


async def _put(homeserver: Homeserver, person: Person, path: str,
               body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.put(
        f"{homeserver.url}/_matrix/client/v3/{path}", json=body,
        headers={"Authorization": f"Bearer {person.client.access_token}"},
    ) as response:
        return response.status, await response.json(content_type=None)


async def _state_texts(person: Person, room_id: str) -> str:
    state = await person.client.room_get_state(room_id)
    assert isinstance(state, nio.RoomGetStateResponse), state
    return repr([e["content"] for e in state.events
                 if e["type"] in ("m.room.name", "m.room.topic")])


async def test_a_bsn_in_a_direct_chats_topic_or_name_is_refused_live(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """Live, through the gate in the test Synapse: in a direct chat with the casus bot
    (no case), the owner cannot write a BSN into its topic or name, nor create a room
    named with one; the client gets the reason (Dutch by default), the number is not in
    it, and the state keeps no trace of it. A topic and a name without one are written
    as usual. Neither Synapse's log nor its console holds the number afterwards."""
    bsn = _fresh_bsn()
    spaced = f"{bsn[:3]}\t{bsn[3:6]}\t{bsn[6:]}"
    bot = service.runners["casus"].user_id
    owner = await make_person("buurtteam", "buurtteammedewerker")
    dm = await owner.dm(bot)
    topic = f"rooms/{quote(dm)}/state/m.room.topic/"
    name = f"rooms/{quote(dm)}/state/m.room.name/"
    for path, body in ((topic, {"topic": f"Hermelijn Vossebelt, bsn {spaced}"}),
                       (name, {"name": f"Overleg {bsn}"}),
                       (topic, {"topic": "overleg", "m.topic": [
                           {"mimetype": "text/plain", "body": f"bsn {bsn[:3]}/{bsn[3:6]}"
                                                              f"/{bsn[6:]}"}]})):
        status, refused = await _put(homeserver, owner, path, body)
        assert status == 403, refused
        assert refused["nl.busbaan.code"] == "refused.personal_data_in_room_state", refused
        assert "BSN" in refused["error"] and bsn[:3] not in refused["error"]
        assert refused["error"].startswith(("De naam", "Het onderwerp")), refused
    status, ok = await _put(homeserver, owner, topic, {"topic": "Overleg schulden Noord"})
    assert status == 200, ok
    status, ok = await _put(homeserver, owner, name, {"name": "Wegwijzer"})
    assert status == 200, ok
    texts = await _state_texts(owner, dm)
    assert "Overleg schulden Noord" in texts and bsn[:3] not in texts

    before = await owner.client.joined_rooms()
    assert isinstance(before, nio.JoinedRoomsResponse), before
    created = await owner.client.room_create(name=f"Cliënt {bsn[:4]}.{bsn[4:6]}.{bsn[6:]}")
    assert isinstance(created, nio.RoomCreateError), created
    assert "BSN" in created.message and bsn[:3] not in created.message
    assert created.message.startswith("De naam"), created.message  # Dutch, not Synapse's
    created = await owner.client.room_create(
        name="Overleg", initial_state=[{"type": "m.room.topic", "state_key": "",
                                        "content": {"topic": f"bsn {bsn}"}}])
    assert isinstance(created, nio.RoomCreateError), created
    assert created.message.startswith("Het onderwerp"), created.message
    # refused before the room was made: no half-made room is left to the owner
    after = await owner.client.joined_rooms()
    assert isinstance(after, nio.JoinedRoomsResponse), after
    assert sorted(after.rooms) == sorted(before.rooms)

    logs = "".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in (homeserver.config.log_path, homeserver.config.console_path)
                   if path.exists())
    assert logs and bsn not in logs and f"{bsn[:3]}/{bsn[3:6]}" not in logs
