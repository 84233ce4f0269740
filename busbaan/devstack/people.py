"""A professional at a plain Matrix client (nio), as a person would use Element: send a
command, wait for the bot's reply to *that* command. Used by the tests and bench/."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import nio

from busbaan.matrix.crypto import encryption_state, exchange_keys

REPLY_KEY = "nl.busbaan.reply"
NOTICE_KEY = "nl.busbaan.notice"


@dataclass
class Person:
    """A logged-in user whose client keeps syncing in the background."""

    user_id: str
    client: nio.AsyncClient
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        first = await self.client.sync(timeout=0, full_state=True)
        assert isinstance(first, nio.SyncResponse), first
        await exchange_keys(self.client)  # an encrypting client: keys up before use
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            resp = await self.client.sync(timeout=5_000)
            await exchange_keys(self.client)
            if isinstance(resp, nio.SyncResponse):
                for room_id, room in resp.rooms.join.items():
                    for ev in room.timeline.events:
                        self.events.append((room_id, ev.source))
                for room_id in resp.rooms.invite:
                    self.events.append((room_id, {"type": "busbaan.test.invite"}))
                for room_id in resp.rooms.leave:
                    self.events.append((room_id, {"type": "busbaan.test.left"}))
                self._changed.set()
            else:
                await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def wait_for(self, predicate: Any, timeout: float = 15.0) -> tuple[str, dict[str, Any]]:
        """The first event (room_id, source) for which predicate(room_id, source) holds."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for item in self.events[seen:]:
                if predicate(*item):
                    return item
            seen = len(self.events)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.user_id}: no matching event within {timeout} s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def say(self, room_id: str, text: str) -> str:
        # An encrypting client encrypts to every device of the room's members, as
        # Element does by default (no device is verified in tests).
        resp = await self.client.room_send(room_id, "m.room.message",
                                           {"msgtype": "m.text", "body": text},
                                           ignore_unverified_devices=True)
        assert isinstance(resp, nio.RoomSendResponse), resp
        return str(resp.event_id)

    async def command(self, room_id: str, text: str, timeout: float = 15.0) -> dict[str, Any]:
        """Send a command and return the bot's reply content (the reply to this event)."""
        event_id = await self.say(room_id, text)

        def is_reply(rid: str, ev: dict[str, Any]) -> bool:
            content = ev.get("content", {})
            rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
            return rid == room_id and REPLY_KEY in content and rel.get("event_id") == event_id

        _, ev = await self.wait_for(is_reply, timeout)
        content: dict[str, Any] = ev["content"]
        return content

    async def join(self, room_id: str) -> nio.Response:
        resp = await self.client.join(room_id)
        if self.client.olm is not None and isinstance(resp, nio.JoinResponse):
            # An encrypting client sends into a room only once its sync knows the room
            # (members, m.room.encryption), as Element does.
            deadline = time.monotonic() + 15.0
            while room_id not in self.client.rooms and time.monotonic() < deadline:
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 1.0)
        return resp

    async def dm(self, other: str, *, encrypted: bool = False, timeout: float = 15.0) -> str:
        """A direct room with ``other`` (e.g. the bot), once it has joined (within
        ``timeout`` seconds); with ``encrypted``, an end-to-end encrypted one (as Element
        makes them)."""
        resp = await self.client.room_create(
            is_direct=True, invite=[other],
            initial_state=[encryption_state()] if encrypted else [])
        assert isinstance(resp, nio.RoomCreateResponse), resp

        def joined(rid: str, ev: dict[str, Any]) -> bool:
            return (rid == resp.room_id and ev.get("type") == "m.room.member"
                    and ev.get("state_key") == other
                    and ev.get("content", {}).get("membership") == "join")

        await self.wait_for(joined, timeout)
        return str(resp.room_id)


async def members(client: nio.AsyncClient, room_id: str) -> dict[str, str]:
    """user_id → membership, read fresh from the server."""
    resp = await client.room_get_state(room_id)
    assert isinstance(resp, nio.RoomGetStateResponse), resp
    return {e["state_key"]: e["content"].get("membership", "")
            for e in resp.events if e["type"] == "m.room.member"}


async def eventually(fn: Any, timeout: float = 10.0, interval: float = 0.2) -> Any:
    """Poll ``await fn()`` until it returns a truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s (last: {value!r})")
        await asyncio.sleep(interval)
