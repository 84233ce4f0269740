"""A homeserver that ignores the gate, for the federation tests and the benchmark.

Synapse shows a module no membership event that arrives over federation (only
knocks), so a server in a case room that does not run the busbaan gate — misconfigured,
outdated or hostile — can invite or join past the gate of every other server. This
module *is* such a server: with a homeserver's signing key it speaks the federation API
directly (requests signed with the ``X-Matrix`` scheme, PDUs hashed and signed as the
room version demands) and sends membership events that its own gate would never have
let through. The receiving server is real and applies the Matrix auth rules; what
busbaan must do about the rest is the bot's job (reconciliation).

Also used to show that a server outside the closed federation is refused before its
signature is even checked (``federation_domain_whitelist``).

Development and test use only; it never runs in the service.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from signedjson.key import read_signing_keys
from signedjson.sign import sign_json
from signedjson.types import SigningKey
from yarl import URL


def load_signing_key(path: Path) -> SigningKey:
    """The (first) signing key in a Synapse ``*.signing.key`` file."""
    with path.open(encoding="utf-8") as handle:
        keys = read_signing_keys(handle)
    return keys[0]


@dataclass(frozen=True, slots=True)
class FederationReply:
    status: int
    body: dict[str, Any]


class RogueServer:
    """Speaks the federation API as ``server_name`` with ``key``, to one destination."""

    def __init__(self, server_name: str, key: SigningKey, *, destination: str,
                 destination_url: str, ssl_context: ssl.SSLContext) -> None:
        self.server_name = server_name
        self.key = key
        self.destination = destination
        self.destination_url = destination_url.rstrip("/")
        self._ssl = ssl_context

    def _authorization(self, method: str, uri: str, content: Any | None) -> str:
        request: dict[str, Any] = {"method": method, "uri": uri,
                                   "origin": self.server_name,
                                   "destination": self.destination}
        if content is not None:
            request["content"] = content
        signed = sign_json(request, self.server_name, self.key)
        key_id = f"{self.key.alg}:{self.key.version}"
        sig = signed["signatures"][self.server_name][key_id]
        return (f'X-Matrix origin="{self.server_name}",destination="{self.destination}",'
                f'key="{key_id}",sig="{sig}"')

    async def request(self, method: str, uri: str,
                      content: Any | None = None) -> FederationReply:
        """One signed federation request; ``uri`` is the path with its query string.

        The destination's name is sent as the ``Host`` header; the connection goes to
        ``destination_url`` (loopback) and its certificate is checked for that name.
        """
        host = self.destination.partition(":")[0]
        headers = {"Authorization": self._authorization(method, uri, content),
                   "Host": self.destination}
        data = None if content is None else json.dumps(content).encode("utf-8")
        if data is not None:
            headers["Content-Type"] = "application/json"
        connector = aiohttp.TCPConnector(ssl=self._ssl)
        async with aiohttp.ClientSession(connector=connector) as http, http.request(
                method, URL(self.destination_url + uri, encoded=True), data=data,
                headers=headers,
                server_hostname=host) as resp:
            body = await resp.json(content_type=None)
            return FederationReply(resp.status, body if isinstance(body, dict) else {})

    async def make_join(self, room_id: str, user_id: str,
                        room_version: str = "12") -> FederationReply:
        return await self.request(
            "GET", f"/_matrix/federation/v1/make_join/{quote(room_id)}/{quote(user_id)}"
                   f"?ver={room_version}")

    def sign_event(self, event: dict[str, Any], room_version: str = "12") -> dict[str, Any]:
        """Hash and sign ``event`` as this server; returns it with its event id set aside
        in ``unsigned`` (never sent)."""
        from synapse.api.room_versions import KNOWN_ROOM_VERSIONS
        from synapse.crypto.event_signing import add_hashes_and_signatures

        version = KNOWN_ROOM_VERSIONS[room_version]
        event = {k: v for k, v in event.items() if k not in ("hashes", "signatures",
                                                               "unsigned", "event_id")}
        add_hashes_and_signatures(version, event, self.server_name, self.key)
        return event

    @staticmethod
    def event_id(event: dict[str, Any], room_version: str = "12") -> str:
        from synapse.api.room_versions import KNOWN_ROOM_VERSIONS
        from synapse.events import make_event_from_dict

        return str(make_event_from_dict(dict(event), KNOWN_ROOM_VERSIONS[room_version]).event_id)

    async def event_type(self, event_id: str) -> str:
        """The type of an event the destination has (federation ``/event``)."""
        reply = await self.request("GET", f"/_matrix/federation/v1/event/{quote(event_id)}")
        pdus = reply.body.get("pdus") or [{}]
        return str(pdus[0].get("type", ""))

    async def send_pdus(self, pdus: list[dict[str, Any]]) -> FederationReply:
        """One ``/send`` transaction with ``pdus``; Synapse answers per PDU.

        Synapse takes one transaction per origin at a time and answers 429 to a second;
        the real server of the same name may be sending one, so wait and try again."""
        txn = uuid.uuid4().hex
        content = {"origin": self.server_name, "origin_server_ts": int(time.time() * 1000),
                   "pdus": pdus, "edus": []}
        for _ in range(100):
            reply = await self.request("PUT", f"/_matrix/federation/v1/send/{txn}", content)
            if reply.status != 429:
                return reply
            await asyncio.sleep(0.05)
        return reply

    async def invite_and_join(self, room_id: str, *, inviter: str, invitee: str,
                              join: bool = True) -> list[str]:
        """Send, past any gate, ``inviter``'s invite of ``invitee`` (both on this server)
        and, with ``join``, ``invitee``'s join: the events a server without the busbaan
        gate would send. ``inviter`` needs the power to invite (the room's auth rules
        still hold at the receiving server). Returns the event ids."""
        pdus = await self.prepare_invite_and_join(room_id, inviter=inviter, invitee=invitee,
                                                  join=join)
        _raise_unless_accepted(await self.send_pdus(pdus))
        return [self.event_id(p) for p in pdus]

    async def prepare_invite_and_join(self, room_id: str, *, inviter: str, invitee: str,
                                      join: bool = True) -> list[dict[str, Any]]:
        """The signed PDUs of :meth:`invite_and_join`, not sent yet (so that a benchmark
        can time the sending alone)."""
        template = await self.make_join(room_id, inviter)
        if template.status != 200:
            raise RuntimeError(f"make_join refused: {template.status} {template.body}")
        base = template.body["event"]
        now = int(time.time() * 1000)
        invite = self.sign_event({**base, "state_key": invitee, "origin_server_ts": now,
                                  "content": {"membership": "invite"}})
        pdus = [invite]
        if join:
            # The join's auth events: power levels and join rules (from the template,
            # not the inviter's own membership) and the invite; one transaction, so
            # that the join arrives before anyone can remove the invite.
            kept = [e for e in base["auth_events"]
                    if (await self.event_type(e)) in ("m.room.power_levels",
                                                      "m.room.join_rules")]
            invite_id = self.event_id(invite)
            pdus.append(self.sign_event({
                **base, "sender": invitee, "state_key": invitee, "origin_server_ts": now + 1,
                "content": {"membership": "join"}, "prev_events": [invite_id],
                "depth": int(base["depth"]) + 1, "auth_events": [*kept, invite_id]}))
        return pdus


def _raise_unless_accepted(reply: FederationReply) -> None:
    errors = {k: v for k, v in reply.body.get("pdus", {}).items() if v}
    if reply.status != 200 or errors:
        raise RuntimeError(f"send refused: {reply.status} {reply.body}")


__all__ = ["FederationReply", "RogueServer", "load_signing_key"]
