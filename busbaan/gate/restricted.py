"""Saying in the user's language why a ``restricted`` room refused their join (pure).

A lane (:mod:`bots.wegwijzer.lanes`) is no case room: its join rule is ``restricted`` to
the team's intake room, and Synapse, not busbaan, decides who gets in. Synapse refuses
someone outside the intake room with its fixed English "You do not belong to any of the
required rooms/spaces to join this room." (``EventAuthHandler.check_restricted_join_rules``,
synapse/handlers/event_auth.py, 1.163), raised in ``_should_perform_remote_join`` — after
the spam checker's ``user_may_join_room`` and before any event is made, so
``check_event_allowed`` never sees the attempt (outside26, finding 12).

The gate's ``user_may_join_room`` runs first, and its refusal's ``error`` replaces
Synapse's text (``cs_error``). So the gate says it in Dutch (or English) — but only when
Synapse would refuse the join anyway, by the same facts Synapse reads: the room's join
rule is ``restricted`` or ``knock_restricted``, every ``allow`` entry is an
``m.room_membership`` of a room id (an unknown kind: Synapse's own 400 stays), the user is
neither joined to nor invited into the room, and is joined to none of the allowed rooms.
Anything else, or anything that cannot be read, lets the join go on to Synapse's own
check (:func:`restricted_refusal` answers None). This replaces a message; it decides no
access: Synapse still refuses by its own rule, and a team member in the intake room is
never refused here (tests/wegwijzer/test_lanes23_join_refusal.py).

Which text: a room whose ``nl.busbaan.lane`` state was sent by one of busbaan's bots (the
gate's ``bot_user_id`` and ``language_readers``; anyone can write that state into a room
of their own) gets the lane's text, which says what to do (join the team's intake room
first, or open a lane of one's own); any other restricted room a plain one. Neither names
the team or the room: the person is not in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from busbaan.consent import Decision

__all__ = ["RESTRICTED_RULES", "allowed_rooms", "restricted_refusal", "state_content"]

#: The join rules whose ``allow`` list Synapse checks (room versions 8+ and 10+).
RESTRICTED_RULES = frozenset({"restricted", "knock_restricted"})

LANE_CODE = "refused.lane_not_in_team"
ROOM_CODE = "refused.not_in_allowed_room"


def allowed_rooms(join_rules: object) -> tuple[str, ...] | None:
    """The room ids a ``restricted`` join rule admits the members of, or None when the
    gate should leave the refusal to Synapse: not a restricted rule, no allow list, or an
    entry of a kind Synapse does not check by local membership."""
    if not isinstance(join_rules, Mapping) or join_rules.get("join_rule") not in RESTRICTED_RULES:
        return None
    allow = join_rules.get("allow")
    if not isinstance(allow, list) or not allow:
        return None
    rooms: list[str] = []
    for entry in allow:
        if not (isinstance(entry, Mapping) and entry.get("type") == "m.room_membership"
                and isinstance(entry.get("room_id"), str) and entry["room_id"]):
            return None
        rooms.append(entry["room_id"])
    return tuple(rooms)


def restricted_refusal(join_rules: object, membership: str | None,
                       allowed_memberships: Mapping[str, str | None], *,
                       is_lane: bool) -> Decision | None:
    """Why a local user's join is refused by the room's ``restricted`` rule, or None when
    Synapse would not refuse it for that reason (or the gate cannot tell).

    ``membership``: the user's membership of the room now (None: none);
    ``allowed_memberships``: their membership of each room :func:`allowed_rooms` names
    (a room missing from the mapping counts as unknown: None is returned)."""
    rooms = allowed_rooms(join_rules)
    if rooms is None or membership in ("join", "invite"):
        return None
    for room in rooms:
        if room not in allowed_memberships or allowed_memberships[room] == "join":
            return None
    return _LANE if is_lane else _ROOM


_LANE = Decision(
    False, LANE_CODE,
    "Je kunt deze baan niet in: alleen wie in de intakekamer van het team zit, kan er "
    "zonder uitnodiging in, en jij zit daar niet in. Hoor je bij dat team? Vraag een "
    "collega of de beheerder je in de intakekamer van het team uit te nodigen en probeer "
    "het daarna opnieuw. Wil je het team iets vragen? Stel je vraag aan de wegwijzer en "
    "open je eigen baan met !baan <nummer>.",
    "You cannot join this lane: only members of the team's intake room can join it "
    "without an invitation, and you are not in that room. Are you on that team? Ask a "
    "colleague or the administrator to invite you to the team's intake room, then try "
    "again. Want to ask the team something? Ask the wegwijzer and open a lane of your "
    "own with !lane <number>.",
    checks={"restricted_join": "fail"},
)

_ROOM = Decision(
    False, ROOM_CODE,
    "Je kunt deze kamer niet in: alleen wie in een bepaalde andere kamer zit, kan er "
    "zonder uitnodiging in, en jij zit daar niet in. Vraag iemand in deze kamer om een "
    "uitnodiging.",
    "You cannot join this room: only members of a particular other room can join it "
    "without an invitation, and you are not in it. Ask someone in this room to invite you.",
    checks={"restricted_join": "fail"},
)


def state_content(event: Any) -> object:
    """An event's content from ``ModuleApi.get_room_state`` (None when absent)."""
    return None if event is None else getattr(event, "content", None)
