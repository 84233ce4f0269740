"""Room templates (pure): what a case room looks like when the bot creates it.

Room version 12: the creator (the bot) has unlimited power and cannot be demoted; it
must not appear in ``users`` of the power levels. Only the bot may send state that
shapes the room; the regie may invite (the gate checks the invitee); members talk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from busbaan.consent.decide import PROTECTED_STATE
from busbaan.consent.state import ACCESS_EVENT, CASE_EVENT, CONSENT_EVENT

ROOM_VERSION = "12"
BOT_ONLY = 100
REGIE_LEVEL = 50


def power_levels(regie: str) -> dict[str, Any]:
    events = {t: BOT_ONLY for t in sorted(PROTECTED_STATE - {"m.room.create"})}
    events.update({CASE_EVENT: BOT_ONLY, CONSENT_EVENT: BOT_ONLY, ACCESS_EVENT: BOT_ONLY,
                   "m.room.avatar": BOT_ONLY, "m.room.pinned_events": REGIE_LEVEL,
                   "m.reaction": 0, "m.room.redaction": 0})
    return {
        "users": {regie: REGIE_LEVEL},
        "users_default": 0,
        "events_default": 0,
        "state_default": BOT_ONLY,
        "events": events,
        "invite": REGIE_LEVEL,
        "kick": BOT_ONLY,
        "ban": BOT_ONLY,
        "redact": BOT_ONLY,
        "notifications": {"room": REGIE_LEVEL},
    }


def acl_host(server_name: str) -> str:
    """A server name as ``m.room.server_acl`` matches it: the host, without the port
    (``zorg.localhost:8449`` → ``zorg.localhost``; an IPv6 literal keeps its brackets)."""
    if server_name.startswith("["):
        return server_name[: server_name.find("]") + 1] or server_name
    return server_name.partition(":")[0]


def server_acl(servers: Iterable[str]) -> dict[str, Any]:
    """The ACL that admits exactly ``servers``.

    Federation matches a server's host against the ACL, without the port (as the spec
    says), so each host is listed. Synapse 1.163 also refuses to *send* an ACL that does
    not match its own server name *with* the port (``EventValidator``), so a server name
    that carries a port is listed as given as well; that entry never matches anything
    else (no server's host contains a colon).
    """
    names = set(servers)
    return {"allow": sorted({acl_host(s) for s in names} | names), "deny": [],
            "allow_ip_literals": False}


def case_room_request(
    *, case_id: str, regie: str, case_state: Mapping[str, Any], acl_servers: Iterable[str],
) -> dict[str, Any]:
    """Keyword arguments for nio's ``room_create`` for a new case room."""
    return {
        "name": f"Casus {case_id}",
        "topic": f"Casuskamer {case_id} · busbaan · typ !help voor de commando's",
        "room_version": ROOM_VERSION,
        "invite": [regie],
        "initial_state": [
            {"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "invite"}},
            {"type": "m.room.history_visibility", "state_key": "",
             "content": {"history_visibility": "joined"}},
            {"type": "m.room.guest_access", "state_key": "",
             "content": {"guest_access": "forbidden"}},
            {"type": "m.room.server_acl", "state_key": "", "content": server_acl(acl_servers)},
            {"type": CASE_EVENT, "state_key": "", "content": dict(case_state)},
        ],
        "power_level_override": power_levels(regie),
    }
