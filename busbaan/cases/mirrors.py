"""Mirrors: they drain the case service's outbox, idempotently, until they hold.

- :class:`AuditMirror` appends each outbox event to the audit log exactly once: the
  append and the outbox row's ``audit_index`` are one transaction, and the update
  only succeeds for a row not yet appended (so two drainers never append twice).
- :class:`RoomStateMirror` makes a case room's state what the store says it should
  be (:func:`desired_state`, pure), writing only what differs from what it last wrote
  (``room_state_written``), and retries a failed write with back-off until it holds
  (a withdrawal whose state write fails *is* retried; the gate never keeps admitting
  a withdrawn organisation for long).

A payload that does not parse is quarantined (``failure`` on its row, logged without
content) and never blocks the events behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from busbaan.audit.storage import AuditLog
from busbaan.consent import Access, Grant
from busbaan.consent.state import (
    ACCESS_EVENT,
    CASE_EVENT,
    CONSENT_EVENT,
    access_content,
    access_state_key,
    case_content,
    grant_content,
)
from busbaan.directory import Directory
from busbaan.events import Event, MalformedEvent, event_from_dict
from busbaan.log import get_logger
from busbaan.matrix.rooms import power_levels, server_acl
from busbaan.policy import Policy
from busbaan.store.models import AccessRow, CaseRow, GrantRow
from busbaan.store.repositories import _aware, _grant
from busbaan.store.service_tables import outbox_table, room_state_table

__all__ = ["AuditMirror", "RoomStateMirror", "StateWriter", "desired_state", "digest"]

log = get_logger("busbaan.cases.mirrors")

StateKey = tuple[str, str]  # (event type, state key)

#: State written one at a time, in :func:`desired_state`'s order, before the rest: an
#: access before the case that moves the regie, the case before the power levels.
ORDERED = frozenset({ACCESS_EVENT, CASE_EVENT, "m.room.power_levels"})


def digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a state event's content."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def _naive_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# -- the audit mirror ------------------------------------------------------------------


class AuditMirror:
    """Appends outbox events to the audit log, each exactly once (sync: run in a thread)."""

    #: Events kept from the committing process at most (beyond: read back as usual).
    REMEMBER_AT_MOST = 50_000

    def __init__(self, engine: Engine, log_: AuditLog, *, bot_user_id: str) -> None:
        self.engine = engine
        self.log = log_
        self.bot_user_id = bot_user_id
        # event id -> the event as committed by this process (CaseService.on_events):
        # the same event its payload holds, so the drain skips decoding and parsing it.
        self._known: dict[str, Event] = {}

    def remember(self, events: Iterable[Event]) -> None:
        """Keep committed events for the next drain (thread-safe: single dict
        operations). What is not kept is read back from the outbox."""
        known = self._known
        for event in events:
            if len(known) >= self.REMEMBER_AT_MOST:
                return
            known[event.event_id] = event

    def pending(self) -> int:
        t = outbox_table
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(
                t.c.audit_index.is_(None), t.c.failure.is_(None))).scalar_one())

    def drain(self, batch: int = 2000) -> int:
        """Append what is pending (in batches, oldest first); returns how many."""
        total = 0
        while True:
            n, raced = self._drain_once(batch)
            total += n
            if n < batch and not raced:  # a raced batch is read again at once
                return total

    def drain_once(self, batch: int = 2000) -> int:
        """One batch: read it, parse it, append it in one transaction (the log
        hash-chains the entries in memory from its head) and mark the rows appended in
        that same transaction; returns how many rows were taken (appended, set aside,
        or found appended by another drainer)."""
        return self._drain_once(batch)[0]

    def _drain_once(self, batch: int) -> tuple[int, bool]:
        t = outbox_table
        known = self._known
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.c.seq, t.c.event_id)
                                .where(t.c.audit_index.is_(None), t.c.failure.is_(None))
                                .order_by(t.c.seq).limit(batch)).all()
            unknown = [str(r[1]) for r in rows if r[1] not in known]
            payloads: dict[str, Any] = {}
            for start in range(0, len(unknown), 500):
                payloads.update(conn.execute(
                    sa.select(t.c.event_id, t.c.payload)
                    .where(t.c.event_id.in_(unknown[start:start + 500]))).tuples().all())
        if not rows:
            return 0, False
        items = []
        seqs: list[int] = []
        bad: list[tuple[str, str]] = []
        for seq, event_id in rows:
            try:
                event = known.pop(event_id, None) or event_from_dict(payloads[event_id])
                items.append((event.audit_entry(bot_user_id=self.bot_user_id),
                              dict(event.personal) or None))
                seqs.append(int(seq))
            except Exception as exc:  # MalformedEvent, or an entry the log refuses
                code = exc.errcode if isinstance(exc, MalformedEvent) else type(exc).__name__
                bad.append((event_id, str(code)[:255]))
        if bad:
            self._quarantine(bad)
        if items:
            def mark(conn: Connection, indexes: list[int]) -> None:
                # Inside the log's write lock (one appender at a time). One UPDATE per
                # run of consecutive seqs, only of rows not yet appended: if another
                # drainer appended any of them meanwhile, fewer rows match and this
                # batch is appended not at all (the transaction rolls back).
                for s0, s1, first in seq_runs(seqs, indexes[0]):
                    hit = conn.execute(_MARK_RUN, {"s0": s0, "s1": s1,
                                                   "off": first - s0}).rowcount
                    if hit != s1 - s0 + 1:
                        raise _AlreadyAppended(s0)

            try:
                self.log.append_many(items, then=mark)
            except _AlreadyAppended:
                log.info("audit_mirror.raced")
                return len(rows), True
        return len(rows), False

    def _quarantine(self, bad: Iterable[tuple[str, str]]) -> None:
        t = outbox_table
        with self.engine.begin() as conn:
            for event_id, why in bad:
                conn.execute(t.update().where(t.c.event_id == event_id)
                             .values(failure=why, state_done_at=_naive_now()))
                log.error("outbox.malformed_event", event_id=event_id, problem=why)


class _AlreadyAppended(Exception):
    pass


_MARK_RUN = sa.text(
    "UPDATE outbox_event SET audit_index = seq + :off "
    "WHERE seq >= :s0 AND seq <= :s1 AND audit_index IS NULL")


def seq_runs(seqs: list[int], first_index: int) -> list[tuple[int, int, int]]:
    """``(first seq, last seq, log index of the first)`` for each run of consecutive
    seqs in ``seqs`` (ascending), appended from ``first_index`` on (pure)."""
    runs: list[tuple[int, int, int]] = []
    index = first_index
    start = prev = seqs[0]
    start_index = index
    for seq in seqs[1:]:
        index += 1
        if seq != prev + 1:
            runs.append((start, prev, start_index))
            start, start_index = seq, index
        prev = seq
    runs.append((start, prev, start_index))
    return runs


# -- the room-state mirror -------------------------------------------------------------


class StateWriter(Protocol):
    """The edge that writes one state event into a room (the bot's Matrix client)."""

    async def __call__(self, room_id: str, event_type: str, content: dict[str, Any],
                       state_key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the store says about one case: the input of :func:`desired_state`."""

    case_id: str
    room_id: str
    home_organisation: str
    regie: str
    regie_since: dt.datetime
    closed: bool
    grants: tuple[Grant, ...]
    running: tuple[Access, ...]  # accesses not ended
    access_users: tuple[str, ...]  # everyone who ever had an access (to clear)


def acl_servers(facts: CaseFacts, policy: Policy, directory: Directory, bot_user_id: str,
                now: dt.datetime) -> set[str]:
    """The homeservers a case room's ACL admits: the bot's, the regie's, those of the
    organisations in scope (policy and directory), and of temporary accesses."""
    servers = {bot_user_id.partition(":")[2], facts.regie.partition(":")[2]}
    orgs = {facts.home_organisation} | {g.organisation for g in facts.grants
                                        if g.active_at(now)}
    for org_id in orgs:
        org = policy.organisation(org_id)
        if org is not None:
            servers.update(org.homeservers)
    for who in directory.entries.values():
        if who.organisation in orgs:
            servers.add(who.user_id.partition(":")[2])
    servers.update(a.user_id.partition(":")[2] for a in facts.running if now < a.until)
    return servers


def desired_state(facts: CaseFacts, *, policy: Policy, directory: Directory,
                  bot_user_id: str, now: dt.datetime) -> dict[StateKey, dict[str, Any]]:
    """The state a case room should have, from the store alone (pure). Ordered as it
    must be written: accesses first (the previous regie is never uncovered), then the
    case and power levels (:data:`ORDERED`, one after the other); then the grants, the
    ACL and the name, which do not depend on each other (written concurrently)."""
    out: dict[StateKey, dict[str, Any]] = {}
    longest: dict[str, Access] = {}
    for a in facts.running:
        if a.user_id not in longest or a.until > longest[a.user_id].until:
            longest[a.user_id] = a
    for user in sorted(set(facts.access_users) | set(longest)):
        running = longest.get(user)
        out[(ACCESS_EVENT, access_state_key(user))] = (access_content(running) if running
                                                       else {})
    out[(CASE_EVENT, "")] = case_content(facts.case_id, facts.home_organisation, facts.regie,
                                         regie_since=facts.regie_since, closed=facts.closed,
                                         policy_version=policy.version)
    out[("m.room.power_levels", "")] = power_levels(facts.regie)
    for g in facts.grants:
        out[(CONSENT_EVENT, g.grant_id)] = grant_content(g)
    out[("m.room.server_acl", "")] = server_acl(
        acl_servers(facts, policy, directory, bot_user_id, now))
    out[("m.room.name", "")] = {"name": f"Casus {facts.case_id}"
                                + (" (gesloten)" if facts.closed else "")}
    return out


def read_facts(engine: Engine, case_id: str) -> CaseFacts | None:
    with engine.connect() as conn:
        c = CaseRow.__table__  # type: ignore[attr-defined]
        row = conn.execute(sa.select(c).where(c.c.case_id == case_id)).first()
        if row is None or row.room_id is None or row.status == "opening":
            return None
        g = GrantRow.__table__  # type: ignore[attr-defined]
        grants = tuple(_grant(GrantRow(**dict(r._mapping))) for r in conn.execute(
            sa.select(g).where(g.c.case_id == case_id).order_by(g.c.valid_from)))
        a = AccessRow.__table__  # type: ignore[attr-defined]
        access_rows = conn.execute(sa.select(a).where(a.c.case_id == case_id)
                                   .order_by(a.c.started_at)).all()
    running = tuple(Access(user_id=r.user_id, kind=r.kind, until=_aware(r.until),  # type: ignore[arg-type]
                           reason_code=r.reason_code)
                    for r in access_rows if r.ended_at is None)
    return CaseFacts(case_id=row.case_id, room_id=row.room_id,
                     home_organisation=row.home_organisation, regie=row.regie,
                     regie_since=_aware(row.regie_since),  # type: ignore[arg-type]
                     closed=row.status == "closed", grants=grants, running=running,
                     access_users=tuple(sorted({r.user_id for r in access_rows})))


class RoomStateMirror:
    """Keeps case rooms' state equal to the store; woken by the case service's commits,
    retrying failed cases with back-off (``retry_seconds`` doubling up to
    ``max_retry_seconds``)."""

    def __init__(self, engine: Engine, *, policy: Policy, writer: StateWriter,
                 directory: Callable[[], Directory], bot_user_id: str,
                 now: Callable[[], dt.datetime],
                 before_write: Callable[[], Awaitable[None]] | None = None,
                 retry_seconds: float = 0.25, max_retry_seconds: float = 5.0) -> None:
        self.engine = engine
        self.policy = policy
        self.writer = writer
        self.directory = directory
        self.bot_user_id = bot_user_id
        self.now = now
        self.before_write = before_write
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retry_at: dict[str, tuple[float, float]] = {}  # case -> (loop time, delay)
        self.failures = 0  # writes that failed (tests, metrics)
        self._locks: dict[str, asyncio.Lock] = {}

    def wake(self, _cases: Iterable[str] = ()) -> None:
        """Thread-safe: there is new work in the outbox."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        while True:
            try:
                await self.pass_once()
            except Exception:
                log.exception("state_mirror.pass_failed")
            timeout = self._next_retry_in()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()

    def _next_retry_in(self) -> float:
        if not self._retry_at:
            return 30.0  # level-triggered: look again now and then anyway
        soonest = min(at for at, _ in self._retry_at.values())
        return max(0.0, soonest - asyncio.get_running_loop().time())

    async def pass_once(self) -> int:
        """Reconcile every case with events not yet mirrored; returns how many held."""
        t = outbox_table

        def pending() -> list[tuple[str, int]]:
            with self.engine.connect() as conn:
                return [(r[0], int(r[1])) for r in conn.execute(
                    sa.select(t.c.case_id, sa.func.max(t.c.seq))
                    .where(t.c.state_done_at.is_(None), t.c.case_id != "")
                    .group_by(t.c.case_id)).all()]

        work = await asyncio.to_thread(pending)
        if work and self.before_write is not None:
            await self.before_write()
        now_loop = asyncio.get_running_loop().time()
        held = 0
        for case_id, upto in work:
            retry = self._retry_at.get(case_id)
            if retry is not None and retry[0] > now_loop:
                continue
            if await self._settle(case_id, upto):
                held += 1
        return held

    async def settle_case(self, case_id: str) -> bool:
        """Make one case room hold now (a command calls this before its reply, so the
        gate knows a grant or a withdrawal at once). A failure is left to the loop,
        which retries it with back-off; False then."""
        return await self._settle(case_id, None)

    async def _settle(self, case_id: str, upto: int | None) -> bool:
        lock = self._locks.setdefault(case_id, asyncio.Lock())
        async with lock:
            if await self.reconcile(case_id, upto):
                self._retry_at.pop(case_id, None)
                return True
        retry = self._retry_at.get(case_id)
        delay = min((retry[1] * 2) if retry else self.retry_seconds, self.max_retry_seconds)
        self._retry_at[case_id] = (asyncio.get_running_loop().time() + delay, delay)
        self.wake()
        return False

    def _load(self, case_id: str, upto: int | None
              ) -> tuple[int, CaseFacts | None, dict[StateKey, str]]:
        """(newest outbox seq of the case, its facts, what was last written): one read."""
        t = outbox_table
        if upto is None:
            with self.engine.connect() as conn:
                upto = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.seq), 0))
                                        .where(t.c.case_id == case_id)).scalar_one())
        facts = read_facts(self.engine, case_id)
        return upto, facts, self._written(facts.room_id) if facts else {}

    def _save(self, case_id: str, upto: int, room_id: str | None,
              wrote: list[tuple[str, str, str]], done: bool) -> None:
        """Remember what was written and, when the room holds, the events mirrored."""
        t, w = outbox_table, room_state_table
        now = _naive_now()
        with self.engine.begin() as conn:
            for event_type, key, d in wrote:
                if not conn.execute(w.update().where(
                        w.c.room_id == room_id, w.c.event_type == event_type,
                        w.c.state_key == key).values(digest=d, written_at=now)).rowcount:
                    conn.execute(w.insert().values(room_id=room_id, event_type=event_type,
                                                   state_key=key, digest=d, written_at=now))
            if done:
                conn.execute(t.update().where(t.c.case_id == case_id, t.c.seq <= upto,
                                              t.c.state_done_at.is_(None))
                             .values(state_done_at=now))

    async def reconcile(self, case_id: str, upto: int | None = None) -> bool:
        """Write what differs between the desired and the last written state of one case
        room; True when the room now holds the desired state (its outbox events up to
        ``upto`` are then marked mirrored)."""
        seq, facts, written = await asyncio.to_thread(self._load, case_id, upto)
        wrote: list[tuple[str, str, str]] = []
        ok = True
        if facts is not None:  # None: no room (yet, or any more), nothing to mirror
            want = desired_state(facts, policy=self.policy, directory=self.directory(),
                                 bot_user_id=self.bot_user_id, now=self.now())
            todo = [(event_type, key, content, digest(content))
                    for (event_type, key), content in want.items()]
            todo = [w for w in todo if written.get((w[0], w[1])) != w[3]]
            ordered = [w for w in todo if w[0] in ORDERED]
            rest = [w for w in todo if w[0] not in ORDERED]
            for item in ordered:
                if not await self._write_one(case_id, facts.room_id, item):
                    ok = False
                    break
                wrote.append((item[0], item[1], item[3]))
            if ok and rest:
                done = await asyncio.gather(*(self._write_one(case_id, facts.room_id, w)
                                              for w in rest))
                wrote += [(w[0], w[1], w[3]) for w, held in zip(rest, done, strict=True)
                          if held]
                ok = all(done)
        if wrote or ok:
            await asyncio.to_thread(self._save, case_id, seq,
                                    facts.room_id if facts else None, wrote, ok)
        return ok

    async def _write_one(self, case_id: str, room_id: str,
                         item: tuple[str, str, dict[str, Any], str]) -> bool:
        event_type, key, content, _ = item
        try:
            await self.writer(room_id, event_type, content, key)
        except Exception as exc:
            self.failures += 1
            log.warning("state_mirror.write_failed", case_id=case_id, event_type=event_type,
                        status=getattr(exc, "status", type(exc).__name__))
            return False
        return True

    def _written(self, room_id: str) -> dict[StateKey, str]:
        t = room_state_table
        with self.engine.connect() as conn:
            return {(r[0], r[1]): r[2] for r in conn.execute(
                sa.select(t.c.event_type, t.c.state_key, t.c.digest)
                .where(t.c.room_id == room_id))}

def parse_outbox(rows: Iterable[Mapping[str, Any]]) -> list[Event]:
    """The events in outbox rows (tests, reports); malformed ones raise."""
    return [event_from_dict(r["payload"]) for r in rows]
