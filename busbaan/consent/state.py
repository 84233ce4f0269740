"""Case and grant state events <-> frozen objects (pure).

Grants live as ``nl.busbaan.consent`` state keyed by grant id; the case itself as
``nl.busbaan.case`` with an empty state key; temporary accesses (break-glass,
sideline) as ``nl.busbaan.access`` keyed by ``access:<localpart>:<server>`` (a state
key must not start with ``@``). Parsing fails closed: a malformed event admits nobody.
Event content is canonical JSON: strings and integers only, no floats.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from busbaan.consent.model import Access, CaseScope, Grant

#: The only form a case id has: generated (``C-`` + 8 of A–Z and 2–9 without I, O, 0,
#: 1), never typed. A name, an address or a BSN never matches it.
CASE_ID = re.compile(r"^C-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$")

CASE_EVENT = "nl.busbaan.case"
CONSENT_EVENT = "nl.busbaan.consent"
ACCESS_EVENT = "nl.busbaan.access"


def iso(when: dt.datetime) -> str:
    """UTC ISO 8601 with a Z, seconds precision."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _strs(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def access_state_key(user_id: str) -> str:
    return "access:" + user_id.removeprefix("@")


def grant_content(grant: Grant) -> dict[str, Any]:
    content: dict[str, Any] = {
        "grant_id": grant.grant_id,
        "organisation": grant.organisation,
        "roles": list(grant.roles),
        "categories": list(grant.categories),
        "legal_bases": list(grant.legal_bases),
        "valid_from": iso(grant.valid_from),
        "valid_until": iso(grant.valid_until),
        "given_by": grant.given_by,
    }
    if grant.template:
        content["template"] = grant.template
    if grant.withdrawn_at is not None:
        content["withdrawn_at"] = iso(grant.withdrawn_at)
    return content


def grant_from_content(state_key: str, content: Mapping[str, Any]) -> Grant | None:
    """The grant in a state event, or None when it is malformed (admits nobody)."""
    if not isinstance(content, Mapping) or content.get("grant_id") != state_key:
        return None
    org = content.get("organisation")
    roles = _strs(content.get("roles", []))
    cats = _strs(content.get("categories"))
    bases = _strs(content.get("legal_bases"))
    start, until = parse_iso(content.get("valid_from")), parse_iso(content.get("valid_until"))
    given_by = content.get("given_by")
    if not (isinstance(org, str) and roles is not None and cats and bases and start and until
            and isinstance(given_by, str)):
        return None
    withdrawn = content.get("withdrawn_at")
    withdrawn_at = parse_iso(withdrawn) if withdrawn is not None else None
    if withdrawn is not None and withdrawn_at is None:
        return None
    template = content.get("template")
    return Grant(
        grant_id=state_key, organisation=org, roles=roles, categories=cats, legal_bases=bases,
        valid_from=start, valid_until=until, given_by=given_by, withdrawn_at=withdrawn_at,
        template=template if isinstance(template, str) else None,
    )


def case_content(case_id: str, home_organisation: str, regie: str, *,
                 regie_since: dt.datetime, closed: bool = False,
                 policy_version: str = "") -> dict[str, Any]:
    return {
        "case_id": case_id,
        "home_organisation": home_organisation,
        "regie": regie,
        "regie_since": iso(regie_since),
        "status": "closed" if closed else "open",
        "policy_version": policy_version,
    }


def access_content(access: Access) -> dict[str, Any]:
    return {"user_id": access.user_id, "kind": access.kind, "until": iso(access.until),
            "reason_code": access.reason_code}


def access_from_content(content: Mapping[str, Any]) -> Access | None:
    """The access in a state event, or None when it is malformed (admits nobody)."""
    if not isinstance(content, Mapping):
        return None
    reason = content.get("reason_code", "")
    if not isinstance(reason, str):
        return None
    user, kind, until = content.get("user_id"), content.get("kind"), parse_iso(content.get("until"))
    if not (isinstance(user, str) and kind in ("break_glass", "sideline") and until):
        return None
    return Access(user_id=user, kind=str(kind), until=until, reason_code=reason)


def scope_from_state(
    room_id: str,
    case: Mapping[str, Any] | None,
    grants: Iterable[tuple[str, Mapping[str, Any]]] = (),
    accesses: Iterable[Mapping[str, Any]] = (),
) -> CaseScope | None:
    """The case scope from a room's state; None when the room is no (valid) case room."""
    if not case or not isinstance(case, Mapping):
        return None
    case_id, home, regie = case.get("case_id"), case.get("home_organisation"), case.get("regie")
    if not (isinstance(case_id, str) and isinstance(home, str) and isinstance(regie, str)):
        return None
    status = case.get("status")
    if status not in ("open", "closed"):
        return None  # an unreadable status must not open a closed case
    parsed = tuple(g for key, c in grants if c and (g := grant_from_content(key, c)) is not None)
    acc = tuple(a for c in accesses if c and (a := access_from_content(c)) is not None)
    return CaseScope(
        case_id=case_id, room_id=room_id, home_organisation=home, regie=regie,
        grants=parsed, accesses=acc, closed=status == "closed",
    )


def is_case_id(value: object) -> bool:
    """Whether ``value`` has the generated form of a case id."""
    return isinstance(value, str) and CASE_ID.match(value) is not None


class NotOurs(ValueError):
    """Room state that claims a case but was not written by the busbaan bot."""


def scope_from_room_state(
    room_id: str,
    events: Iterable[tuple[str, str, str, Mapping[str, Any]]],
    bot_user_id: str,
) -> CaseScope | None:
    """The case scope of a room, from its state events ``(type, state_key, sender,
    content)``, trusting only what the busbaan bot wrote (pure).

    A room is a case room only when the bot created it (``m.room.create`` sent by the
    bot: in room version 12 its creator) *and* the bot sent its ``nl.busbaan.case``
    state with a generated case id. Anything else — a room someone else created, case
    state sent by someone else, a case id that is a name — is an ordinary room: None.
    ``nl.busbaan.consent`` and ``.access`` state from anyone but the bot is ignored.
    A bot-sent case event that does not parse raises ``ValueError`` (fail closed).
    """
    created_by_bot = False
    case: Mapping[str, Any] | None = None
    grants: list[tuple[str, Mapping[str, Any]]] = []
    accesses: list[Mapping[str, Any]] = []
    for event_type, key, sender, content in events:
        if event_type == "m.room.create" and key == "":
            created_by_bot = sender == bot_user_id
        elif sender != bot_user_id:
            continue
        elif event_type == CASE_EVENT and key == "":
            case = content
        elif event_type == CONSENT_EVENT:
            grants.append((key, content))
        elif event_type == ACCESS_EVENT:
            accesses.append(content)
    if case is None or not created_by_bot:
        return None
    if not is_case_id(case.get("case_id")):
        return None  # not a case: nothing about it may reach the audit log
    scope = scope_from_state(room_id, case, grants, accesses)
    if scope is None:
        raise ValueError("malformed nl.busbaan.case state")
    return scope
