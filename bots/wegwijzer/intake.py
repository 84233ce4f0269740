"""Team intake rooms on Matrix: find one, read its team, create one (demo and tests).

A team's intake room is named in the social map (``x_matrix_room``: an alias such as
``#intake-bt-zuidoost:localhost``, or a room id). Its members (joined or invited) are
the team that lanes are opened to.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterable, Sequence
from typing import Any

import nio

from busbaan.errors import UsageError
from busbaan.log import get_logger
from busbaan.matrix.errors import check

log = get_logger("busbaan.wegwijzer.intake")


async def resolve_room(client: nio.AsyncClient, room: str) -> str | None:
    """The room id behind an alias (or the id itself); None when it does not exist."""
    if room.startswith("!"):
        return room
    resp = await client.room_resolve_alias(room)
    if isinstance(resp, nio.RoomResolveAliasResponse):
        return str(resp.room_id)
    return None


async def team_members(client: nio.AsyncClient, room_id: str,
                       exclude: Iterable[str] = ()) -> list[str]:
    """Everyone joined or invited in ``room_id``, read fresh from the server."""
    skip = set(exclude)
    resp = check(await client.room_get_state(room_id), "roomState")
    members = [
        str(e["state_key"]) for e in resp.events
        if e.get("type") == "m.room.member"
        and e.get("content", {}).get("membership") in ("join", "invite")
        and e.get("state_key") not in skip
    ]
    return sorted(members)


def _localpart(alias: str) -> tuple[str, str]:
    name, _, server = alias.removeprefix("#").partition(":")
    return name, server


async def ensure_intake_room(client: nio.AsyncClient, alias: str, *, name: str, topic: str,
                             invite: Sequence[str]) -> str:
    """Make sure the intake room ``alias`` exists with ``client`` in it and ``invite``
    invited (idempotent); the room id. ``client`` must be on the alias's server."""
    localpart, server = _localpart(alias)
    own_server = client.user_id.partition(":")[2]
    if not alias.startswith("#") or server != own_server:
        raise UsageError(
            f"Intakekamer {alias}: alleen een alias op {own_server} kan ik aanmaken.",
            f"Intake room {alias}: I can only create an alias on {own_server}.",
            errcode="BB_INTAKE_ALIAS",
        )
    room_id = await resolve_room(client, alias)  # usually it exists (a restart)
    if room_id is not None:
        return await _join_and_invite(client, room_id, invite)
    request: dict[str, Any] = {
        "alias": localpart, "name": name, "topic": topic,
        "preset": nio.RoomPreset.private_chat, "invite": list(invite),
        "initial_state": [{"type": "m.room.history_visibility", "state_key": "",
                           "content": {"history_visibility": "shared"}}],
    }
    created = await client.room_create(**request)
    if isinstance(created, nio.RoomCreateResponse):
        log.info("intake.created", alias=alias, room_id=created.room_id, invited=len(invite))
        return str(created.room_id)
    if getattr(created, "status_code", None) != "M_ROOM_IN_USE":
        check(created, "createRoom")
    room_id = await resolve_room(client, alias)  # created meanwhile by someone else
    if room_id is None:
        raise UsageError(f"Intakekamer {alias} bestaat maar is niet te vinden.",
                         f"Intake room {alias} exists but cannot be resolved.",
                         errcode="BB_INTAKE_ALIAS")
    return await _join_and_invite(client, room_id, invite)


async def _join_and_invite(client: nio.AsyncClient, room_id: str,
                           invite: Sequence[str]) -> str:
    check(await client.join(room_id), "join")
    present = set(await team_members(client, room_id))
    for user_id in invite:
        if user_id not in present:
            check(await client.room_invite(room_id, user_id), "invite")
    return room_id


def parse_intake_csv(text: str, source: str) -> dict[str, tuple[str, ...]]:
    """``service_id,team`` rows (the demo's intake teams) → service id → teams.
    A malformed row raises :class:`UsageError` naming the file, line and field."""
    reader = csv.DictReader(text.splitlines())
    if not {"service_id", "team"} <= set(reader.fieldnames or ()):
        raise UsageError(f"{source}:1: kolommen 'service_id' en 'team' ontbreken",
                         f"{source}:1: columns 'service_id' and 'team' are missing",
                         errcode="BB_DEMO_DATA")
    teams: dict[str, list[str]] = {}
    for line, row in enumerate(reader, start=2):
        service_id = (row.get("service_id") or "").strip()
        team = (row.get("team") or "").strip()
        for name, value in (("service_id", service_id), ("team", team)):
            if not value:
                raise UsageError(f"{source}:{line}: veld '{name}' is leeg",
                                 f"{source}:{line}: field '{name}' is empty",
                                 errcode="BB_DEMO_DATA")
        teams.setdefault(service_id, []).append(team)
    return {k: tuple(v) for k, v in teams.items()}


async def provision_intake_rooms(client: nio.AsyncClient, services: Iterable[Any],
                                 teams_of: dict[str, tuple[str, ...]],
                                 members_of_team: dict[str, list[str]]) -> dict[str, str]:
    """For each service with an intake alias on ``client``'s server and a team with
    members, make sure its intake room exists with those members invited (demo, tests).
    Returns alias → room id; services without members get no room (the bot then says
    how to reach them otherwise)."""
    own_server = client.user_id.partition(":")[2]
    wanted: dict[str, tuple[str, list[str]]] = {}
    for service in services:
        alias = service.matrix_room
        if not alias or not alias.startswith("#") or alias in wanted:
            continue
        members = sorted({m for team in teams_of.get(service.id, ())
                          for m in members_of_team.get(team, [])})
        if members and alias.partition(":")[2] == own_server:
            wanted[alias] = (service.name, members)
    limit = asyncio.Semaphore(4)  # a few at a time: Synapse creates rooms slowly

    async def one(alias: str, name: str, members: list[str]) -> tuple[str, str]:
        async with limit:
            return alias, await ensure_intake_room(
                client, alias, name=f"Intake · {name}",
                topic=f"Intakekamer van {name}: hier komen banen van de wegwijzer binnen.",
                invite=members)

    rooms = dict(await asyncio.gather(*(one(a, n, m) for a, (n, m) in wanted.items())))
    log.info("intake.provisioned", rooms=len(rooms))
    return rooms
