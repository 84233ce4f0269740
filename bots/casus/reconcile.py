"""When the casus bot reconciles a case room (issue 12): when something changed, not
every room every second.

Reconciling a room means: every member and invitee is checked against the case's scope
(read from the store) with ``decide(STAY)``; whoever it no longer covers is removed
and the removal recorded (:meth:`bots.casus.bot.CasusBot.reconcile_room`). Until
issue 12 the bot did that for every populated room every second — ~160 µs of CPU per
room per pass, a full core at ~6,000 rooms. Now a room is reconciled when one of the
things that can change the answer happens:

- someone joins or is invited (the runner's member hook, at once — unchanged);
- its case changed in the store: the case service's ``on_commit`` names the cases
  (grants given or withdrawn, an access started or ended, a handover, a closing);
- a grant of its case runs out, or an access ends, between the last tick and now —
  no event at all: the store's expiry index (:meth:`CaseRepository.rooms_running_out`);
- the directory changed for one of its members (organisation, role, or gone);
- a hold on removals (a closing reply being read) ended;
- and, as a safety net for what nobody said (a write by another process, an event
  the bot missed), every populated room once per ``full_pass_seconds``, spread evenly
  over the ticks — and once in full at start, for what ran out while the bot was down.

One tick per ``tick_seconds`` (1 s): the clock's other work (:meth:`CasusBot.tick`)
first, then one batched scope read for the rooms due, then each room.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from busbaan.log import get_logger

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus")


@dataclass(slots=True)
class ReconcileStats:
    """What the loop did so far (benchmarks and tests read it)."""

    ticks: int = 0
    rooms: int = 0  # room reconciliations done by the loop (not by member events)
    full_passes: int = 0  # completed safety-net passes
    by_reason: dict[str, int] | None = None
    seconds: float = 0.0  # wall time spent in the loop's passes

    def count(self, reason: str, n: int) -> None:
        if self.by_reason is None:
            self.by_reason = {}
        self.by_reason[reason] = self.by_reason.get(reason, 0) + n


#: The safety-net pass takes a slice every this many ticks (one batched scope read per
#: slice: on PostgreSQL a read per tick cost more than the rooms it read).
SWEEP_EVERY = 10


def sweep_slice(total: int, tick_seconds: float, full_pass_seconds: float) -> int:
    """How many rooms the safety-net pass takes per tick so that ``total`` rooms are
    all visited once per ``full_pass_seconds`` (at least one while any are left)."""
    if total <= 0:
        return 0
    ticks = max(1.0, full_pass_seconds / max(tick_seconds, 1e-9))
    return max(1, math.ceil(total / ticks))


class Reconciler:
    """The casus bot's reconciliation schedule: dirty rooms and cases, the expiry
    index, and a slow spread pass over everything."""

    def __init__(self, bot: CasusBot, *, tick_seconds: float = 1.0,
                 full_pass_seconds: float = 600.0) -> None:
        self.bot = bot
        self.tick_seconds = tick_seconds
        self.full_pass_seconds = full_pass_seconds
        self.stats = ReconcileStats()
        self._dirty_rooms: set[str] = set()
        self._dirty_cases: set[str] = set()
        self._sweep: list[str] = []  # rooms left in the current safety-net pass
        self._sweep_total = 0
        self._last: dt.datetime | None = None  # the expiry index is read from here
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- what makes a room due --------------------------------------------------------

    def mark_rooms(self, room_ids: Iterable[str]) -> None:
        """Reconcile these rooms at the next tick (from the event loop)."""
        self._dirty_rooms.update(room_ids)

    def mark_cases(self, case_ids: Iterable[str]) -> None:
        """The case service committed a change to these cases; safe from any thread
        (``on_commit`` is called from the committing thread)."""
        ids = set(case_ids)
        loop = self._loop
        if loop is None or loop.is_closed():
            self._add_cases(ids)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._add_cases(ids)
        else:  # not the bound ``update`` of today's set: a tick may swap it meanwhile
            loop.call_soon_threadsafe(self._add_cases, ids)

    def _add_cases(self, ids: set[str]) -> None:
        self._dirty_cases.update(ids)

    def mark_users(self, user_ids: Iterable[str]) -> None:
        """Directory entries changed: every room these people are in or invited to."""
        users = set(user_ids)
        if not users:
            return
        for room_id, room in self.bot.runner.client.rooms.items():
            if users & (set(room.users) | set(room.invited_users)):
                self._dirty_rooms.add(room_id)

    def _populated(self) -> list[str]:
        """Rooms with someone besides the bot: only those can need a removal."""
        me = self.bot.user_id
        return [rid for rid, room in self.bot.runner.client.rooms.items()
                if (set(room.users) | set(room.invited_users)) - {me}]

    def _released_holds(self) -> set[str]:
        now = asyncio.get_running_loop().time()
        return {rid for rid, until in list(self.bot._hold.items()) if now >= until}

    # -- the loop ---------------------------------------------------------------------

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        # At start: every populated room once (grants may have run out while down).
        self._last = self.bot.clock.now()
        try:
            await self._reconcile(set(self._populated()), reason="start")
            self.stats.full_passes += 1
        except Exception:  # the store is away: the spread pass covers every room later
            log.exception("casus.reconcile_read_failed")
        while True:
            await asyncio.sleep(self.tick_seconds)
            await self.bot.tick()
            try:
                await self.pass_once()
            except Exception:
                log.exception("casus.reconcile_read_failed")

    async def pass_once(self) -> int:
        """One tick's reconciliation; returns how many rooms it reconciled."""
        self._loop = asyncio.get_running_loop()
        now = self.bot.clock.now()
        after = self._last if self._last is not None and self._last <= now else now
        rooms, self._dirty_rooms = self._dirty_rooms, set()
        cases, self._dirty_cases = self._dirty_cases, set()
        try:
            expiring, of_cases = await asyncio.to_thread(self._read_due, after, now, cases)
        except Exception:
            self._dirty_rooms |= rooms  # nothing lost: tried again next tick
            self._dirty_cases |= cases
            raise
        self._last = now
        self.stats.count("event", len(rooms))
        self.stats.count("case_changed", len(of_cases - rooms))
        self.stats.count("expiry", len(expiring - rooms - of_cases))
        due = rooms | of_cases | expiring | self._released_holds()
        swept: set[str] = set()
        if self.stats.ticks % SWEEP_EVERY == 0:
            if not self._sweep:
                if self.stats.ticks:  # a pass ended (the first one is at start)
                    self.stats.full_passes += 1
                self._sweep = self._populated()
                self._sweep_total = len(self._sweep)
            # The slice comes from the pass's size, not from what is left of it.
            take = sweep_slice(self._sweep_total, self.tick_seconds * SWEEP_EVERY,
                               self.full_pass_seconds)
            swept, self._sweep = set(self._sweep[:take]), self._sweep[take:]
        self.stats.count("sweep", len(swept - due))
        self.stats.ticks += 1
        return await self._reconcile(due | swept, reason="tick")

    def _read_due(self, after: dt.datetime, upto: dt.datetime,
                  cases: set[str]) -> tuple[set[str], set[str]]:
        repo = self.bot.cases
        expiring = repo.rooms_running_out(after, upto)
        return expiring, (repo.rooms_of(cases) if cases else set())

    async def _reconcile(self, room_ids: set[str], *, reason: str) -> int:
        known = self.bot.runner.client.rooms
        me = self.bot.user_id
        wanted = sorted(rid for rid in room_ids if rid in known
                        and (set(known[rid].users) | set(known[rid].invited_users)) - {me})
        if not wanted:
            return 0
        started = time.perf_counter()
        done = 0
        for start in range(0, len(wanted), 500):
            scopes = await asyncio.to_thread(self.bot.service.scopes_by_rooms,
                                             wanted[start:start + 500])
            for scope in scopes:
                try:
                    await self.bot.reconcile_room(scope.room_id, scope)
                    done += 1
                except Exception:
                    log.exception("casus.reconcile_failed", room_id=scope.room_id)
        self.stats.rooms += done
        self.stats.seconds += time.perf_counter() - started
        if reason == "start":
            log.info("casus.reconciled_at_start", rooms=done)
        return done
