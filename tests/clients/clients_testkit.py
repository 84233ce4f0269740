"""Shared by the bot-runner tests in this folder: a plain professional at a nio client
(no encryption, no stored sync token) and a matcher for the bot's reply to one event."""

from __future__ import annotations

import secrets
from typing import Any

import nio

from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import REPLY_KEY, Person


async def plain_person(homeserver: Homeserver, prefix: str) -> Person:
    """A newly registered person whose client is started (``@<prefix>-<random>``)."""
    creds = await homeserver.register(f"{prefix}-{secrets.token_hex(4)}", new_password())
    client = nio.AsyncClient(homeserver.url, creds.user_id,
                             config=nio.AsyncClientConfig(encryption_enabled=False,
                                                          store_sync_tokens=False))
    client.access_token = creds.access_token
    client.user_id = creds.user_id
    person = Person(creds.user_id, client)
    await person.start()
    return person


def reply_to(room: str, event_id: str) -> Any:
    """A ``Person.wait_for`` matcher: the bot's reply in ``room`` to ``event_id``."""
    def match(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room and REPLY_KEY in content and rel.get("event_id") == event_id
    return match
