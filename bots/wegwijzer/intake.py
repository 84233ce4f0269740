"""Team intake rooms on Matrix: find one, read its team, create one (demo and tests).

A team's intake room is named in the social map (``x_matrix_room``: an alias such as
``#intake-bt-zuidoost:localhost``, or a room id). Its members (joined or invited) are
the team that lanes are opened to.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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


async def join_intake(client: nio.AsyncClient, room: str) -> str | None:
    """The intake room's id, joined (the bot must be in it to read its team and announce
    lanes); None when the alias does not resolve or the bot cannot join."""
    room_id = await resolve_room(client, room)
    if room_id is None:
        log.warning("lane.intake_unresolved", room=room)
        return None
    if room_id not in client.rooms:
        joined = await client.join(room_id)
        if not isinstance(joined, nio.JoinResponse):
            log.warning("lane.intake_join_failed", room_id=room_id,
                        status=getattr(joined, "status_code", None))
            return None
    return room_id


#: Why ``!baan <n>`` cannot open a lane to a service: the errcode it would give.
NO_INTAKE_ROOM = "BB_NO_INTAKE_ROOM"
INTAKE_UNREACHABLE = "BB_INTAKE_UNREACHABLE"
INTAKE_EMPTY = "BB_INTAKE_EMPTY"


@dataclass(frozen=True, slots=True)
class Reach:
    """What the bot last learned of one intake room: its id (None: the alias does not
    resolve or the bot cannot join) and its team (joined or invited, without the bot)."""

    room_id: str | None
    team: frozenset[str]
    at: float  # monotonic seconds

    def block(self, asker: str) -> str | None:
        """The errcode a lane for ``asker`` would get now, or None when it can open."""
        if self.room_id is None:
            return INTAKE_UNREACHABLE
        if not self.team - {asker}:
            return INTAKE_EMPTY
        return None


class IntakeReach:
    """Which intake rooms can take a lane now (lanes8, outside8 finding 2): learned from
    Matrix when an answer names a service, and kept, so that an answer offers
    ``!baan <n>`` only where a lane opens and shows the phone or e-mail elsewhere.

    A room the bot is in: its team is read once (one request) and kept until a
    membership event in that room arrives (someone joins, is invited or leaves) or
    ``ttl`` seconds pass. A room the bot cannot join is asked again after ``retry``
    seconds. An alias that does not resolve is asked again after ``absent`` seconds, or
    sooner when the bot sees a membership event in a room with that alias (aliascache:
    before, it was asked on every answer, 25-49 ms under load on a map without intake
    rooms; so a room made a moment ago is offered at most ``absent`` seconds late, and
    ``!baan <n>`` opens it at once all the same). What cannot be learned in ``timeout``
    seconds, or fails, counts as open: the answer then offers the lane as before, and
    ``!baan`` says what went wrong.

    This is only what an answer *offers*. Opening a lane (``Lanes.open``) resolves the
    alias and reads the team afresh, so a moved alias or a room the bot left never sends
    a lane to a room this cache remembers. At most ``limit`` rooms are kept (the map's
    aliases; the oldest learned goes first)."""

    def __init__(self, client: Callable[[], nio.AsyncClient], bot_user_id: Callable[[], str],
                 *, ttl: float = 300.0, retry: float = 60.0, absent: float = 60.0,
                 timeout: float = 2.0, limit: int = 4096,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._bot_user_id = bot_user_id
        self.ttl = ttl
        self.retry = retry
        self.absent = absent
        self.timeout = timeout
        self.limit = limit
        self.clock = clock
        self._known: dict[str, Reach] = {}  # alias (or room id) -> what was learned
        self._alias_of: dict[str, str] = {}  # room id -> alias
        self._unresolved: set[str] = set()  # aliases in _known that did not resolve
        #: One read of a room at a time: answers asking for a room being read wait for
        #: that read instead of sending their own (botlane, session 20).
        self._reading: dict[str, asyncio.Future[Reach | None]] = {}
        #: Bumped by :meth:`forget`: a read that began before a membership change is not
        #: kept (it may predate the change).
        self._generation: dict[str, int] = {}
        #: Rooms an answer asked for since they were last read: only these are read
        #: again ahead of their expiry (:meth:`refresh_due`).
        self._used: set[str] = set()
        self._background: set[asyncio.Future[Any]] = set()
        #: Background reads at a time (a refresh of many rooms due together, as after
        #: the warm-up, must not flood the homeserver the answers wait on).
        self._background_reads = asyncio.Semaphore(4)
        #: How often an answer had to wait for a read of Synapse (benchmarks, tests).
        self.waited = 0

    def note(self, room: str, room_id: str | None, team: Iterable[str]) -> None:
        """Keep what was learned elsewhere (opening a lane, making the demo rooms)."""
        members = frozenset(team) - {self._bot_user_id()}
        self._store(room, Reach(room_id, members, self.clock()))
        if room_id is not None:
            self._alias_of[room_id] = room

    def _store(self, room: str, reach: Reach, *, unresolved: bool = False) -> None:
        self._known.pop(room, None)  # re-inserted last: the dict's order is the age
        self._known[room] = reach
        if unresolved:
            self._unresolved.add(room)
        else:
            self._unresolved.discard(room)
        while len(self._known) > self.limit:
            oldest = next(iter(self._known))
            del self._known[oldest]
            self._unresolved.discard(oldest)
        if len(self._alias_of) > self.limit:  # room ids of rooms no longer kept
            kept = set(self._known)
            self._alias_of = {rid: a for rid, a in self._alias_of.items() if a in kept}

    def forget(self, room_id: str, alias: str | None = None) -> list[str]:
        """A membership change in ``room_id`` (whose canonical alias is ``alias``): its
        team is read again next time, and an alias of it that did not resolve is asked
        again (the room may just have been made)."""
        forgotten = []
        for room in (self._alias_of.get(room_id), alias):
            # (or being read now: that read may predate the change; botlane)
            if room is not None and (room == self._alias_of.get(room_id)
                                     or room in self._unresolved or room in self._reading):
                self._known.pop(room, None)
                self._unresolved.discard(room)
                self._generation[room] = self._generation.get(room, 0) + 1
                self._reading.pop(room, None)  # begun before the change: not waited for
                forgotten.append(room)
        return forgotten

    async def on_member(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        """nio callback for ``m.room.member`` events (every room the bot is in): the
        room's team is forgotten and, when an answer had asked for it, read again at
        once off the answer's path, so that the next answer finds it (botlane: the
        change is never served from before it; only the read moves)."""
        for forgotten in self.forget(room.room_id, room.canonical_alias):
            if forgotten in self._used:
                self._in_background(forgotten)

    def _in_background(self, room: str) -> None:
        async def read() -> None:
            async with self._background_reads:
                await self._read_once(room)

        task = asyncio.ensure_future(read())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def warm(self, rooms: Iterable[str], *, at_once: int = 4) -> asyncio.Task[None]:
        """Learn ``rooms`` (the map's intake aliases) in the background, ``at_once`` at a
        time: done at start, so that no answer pays for a room's first read (botlane:
        on the benchmark map, whose services name aliases that do not exist, each answer
        asked Synapse up to three times for services not seen before)."""
        wanted = list(dict.fromkeys(rooms))[:self.limit]
        limit = asyncio.Semaphore(at_once)

        async def one(room: str) -> None:
            async with limit:
                if self._fresh(room) is None:
                    await self._read_once(room)

        async def all_of() -> None:
            await asyncio.gather(*(one(r) for r in wanted), return_exceptions=True)
            log.info("intake.warmed", rooms=len(wanted), known=len(self._known))

        task = asyncio.ensure_future(all_of())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def refresh_due(self, *, ahead: float = 0.8) -> int:
        """Read again, in the background, the rooms an answer asked for since their last
        read and whose keep time is ``ahead`` spent (the lanes' clock calls this): their
        next answer finds them fresh instead of reading them on its path. A room no
        answer asked for is left to expire (no reads for nothing). How many began."""
        now = self.clock()
        began = 0
        for room in list(self._used):
            known = self._known.get(room)
            if known is None:
                self._used.discard(room)
                continue
            if room not in self._reading and now - known.at >= ahead * self._keep(room, known):
                self._used.discard(room)
                self._in_background(room)
                began += 1
        return began

    async def run(self, every: float = 5.0) -> None:
        """:meth:`refresh_due` every ``every`` seconds (until cancelled)."""
        while True:
            await asyncio.sleep(every)
            try:
                self.refresh_due()
            except Exception:
                log.exception("intake.refresh_failed")

    async def close(self) -> None:
        """Stop the background reads (the bot stops)."""
        for task in list(self._background):
            task.cancel()
        for task in list(self._background):
            with contextlib.suppress(BaseException):
                await task

    def _keep(self, room: str, known: Reach) -> float:
        if room in self._unresolved:
            return self.absent
        return self.retry if known.room_id is None else self.ttl

    def _fresh(self, room: str) -> Reach | None:
        known = self._known.get(room)
        if known is None:
            return None
        age = self.clock() - known.at
        return known if age < self._keep(room, known) else None

    async def reach(self, room: str) -> Reach | None:
        """What can be said of ``room`` now (from memory, else from Matrix); None when
        it could not be learned (an error). A room being read already (another answer,
        the warm-up, a read after a membership change) is not read twice."""
        self._used.add(room)
        known = self._fresh(room)
        if known is not None:
            return known
        self.waited += 1
        reading = self._read_once(room)
        # shielded: an answer that stops waiting (``timeout``) does not stop the read
        return await asyncio.shield(reading)

    def _read_once(self, room: str) -> asyncio.Future[Reach | None]:
        """The read of ``room`` in progress, or a new one (kept only when no membership
        change in the room came while it ran)."""
        reading = self._reading.get(room)
        if reading is not None:
            return reading
        generation = self._generation.get(room, 0)

        async def read() -> Reach | None:
            try:
                return await self._read(room, generation)
            finally:
                if self._reading.get(room) is task:
                    del self._reading[room]

        task = asyncio.ensure_future(read())
        self._reading[room] = task
        return task

    async def _read(self, room: str, generation: int) -> Reach | None:
        """Ask Matrix about ``room``: its id, join, its team (up to three requests)."""
        def current() -> bool:
            return self._generation.get(room, 0) == generation

        client = self._client()
        try:
            room_id = await resolve_room(client, room)
            if room_id is None:  # kept `absent` seconds: a room made later counts soon
                missing = Reach(None, frozenset(), self.clock())
                if current():
                    self._store(room, missing, unresolved=True)
                return missing
            joined = await join_intake(client, room_id)
            if joined is None:  # asked again after `retry`, or when the bot is let in
                closed = Reach(None, frozenset(), self.clock())
                if current():
                    self._store(room, closed)
                    self._alias_of[room_id] = room
                return closed
            team = await team_members(client, joined, exclude=(self._bot_user_id(),))
        except Exception:  # a network or server error: unknown, not "closed"
            log.warning("intake.reach_unknown", room=room, exc_info=True)
            return None
        found = Reach(joined, frozenset(team) - {self._bot_user_id()}, self.clock())
        if current():
            self.note(room, joined, team)
        return found

    async def blocks(self, services: Iterable[Any], asker: str) -> dict[str, str]:
        """Service id → the errcode ``!baan`` would give ``asker`` now, for each of
        ``services`` whose lane cannot open (the others are left out)."""
        out: dict[str, str] = {}
        rooms: dict[str, list[str]] = {}
        for service in services:
            if not service.matrix_room:
                out[service.id] = NO_INTAKE_ROOM
            else:
                rooms.setdefault(service.matrix_room, []).append(service.id)
        if not rooms:
            return out
        tasks = {room: asyncio.ensure_future(self.reach(room)) for room in rooms}
        done, pending = await asyncio.wait(tasks.values(), timeout=self.timeout)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("intake.reach_slow", rooms=len(pending))
        for room, task in tasks.items():
            if task not in done or task.cancelled() or task.exception() is not None:
                continue
            reach = task.result()
            errcode = reach.block(asker) if reach is not None else None
            if errcode is not None:
                for service_id in rooms[room]:
                    out[service_id] = errcode
        return out


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
