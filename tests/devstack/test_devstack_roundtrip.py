"""A real Matrix round trip through the embedded homeserver with nio clients."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from nio import (
    AsyncClient,
    JoinResponse,
    RoomCreateResponse,
    RoomGetStateEventResponse,
    RoomInviteResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

pytestmark = pytest.mark.synapse

MakeUser = Callable[..., Awaitable[tuple[str, str]]]
NioClient = Callable[[str, str], Awaitable[AsyncClient]]


async def _sync_until_message(client: AsyncClient, room_id: str, event_id: str) -> RoomMessageText:
    """Sync until ``event_id`` shows up in ``room_id``'s timeline (at most 10 s)."""
    async with asyncio.timeout(10):
        while True:
            response = await client.sync(timeout=1000)
            assert isinstance(response, SyncResponse), response
            room = response.rooms.join.get(room_id)
            for event in room.timeline.events if room else []:
                if event.event_id == event_id:
                    assert isinstance(event, RoomMessageText)
                    return event


async def test_invite_join_and_message_arrive(make_user: MakeUser, nio_client: NioClient) -> None:
    """One user creates a v12 room and invites another, who joins and receives a message."""
    alice = await nio_client(*await make_user())
    bob = await nio_client(*await make_user())

    created = await alice.room_create(name="round trip", room_version="12")
    assert isinstance(created, RoomCreateResponse), created
    room_id = created.room_id
    create_event = await alice.room_get_state_event(room_id, "m.room.create")
    assert isinstance(create_event, RoomGetStateEventResponse), create_event
    assert create_event.content["room_version"] == "12"

    invited = await alice.room_invite(room_id, bob.user_id)
    assert isinstance(invited, RoomInviteResponse), invited
    joined = await bob.join(room_id)
    assert isinstance(joined, JoinResponse), joined
    assert joined.room_id == room_id

    sent = await alice.room_send(
        room_id, "m.room.message", {"msgtype": "m.text", "body": "goedemorgen"}
    )
    assert isinstance(sent, RoomSendResponse), sent

    received = await _sync_until_message(bob, room_id, sent.event_id)
    assert received.sender == alice.user_id
    assert received.body == "goedemorgen"
