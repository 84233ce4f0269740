"""Load, scale and cost (issue 12): many professionals, many case rooms, a realistic mix
of commands at increasing rates, against a real Synapse with the gate.

Run: ``.venv/bin/python -m bench.load [--db sqlite|postgresql] [--professionals 2000]
[--rooms 1000] [--active 40] [--rates 2,5,10,15,20,30] [--step-seconds 30]``.

1. **Set-up** (timed): an embedded Synapse with the busbaan gate; ``--professionals``
   accounts through the shared-secret admin API, spread over the demo organisations and
   put in the directory; then ``--rooms`` case rooms **seeded through the casus bot's
   own command handlers** (``!casus nieuw`` and ``!toestemming geef`` called in-process,
   without the chat round trip — the client API round trip per command would make
   set-up take hours), each with its regie and a debt counsellor joined.
2. **Idle cost**: the service (casus + wegwijzer bots, web app) runs in its own process;
   CPU of each process over ``--idle-seconds`` with no traffic gives the cost of the
   casus bot's per-second reconciliation per room. Memory (RSS) of each process with
   0 rooms and with all rooms gives memory per 1,000 rooms.
3. **Steps**: ``--active`` regies at plain Matrix clients send, open-loop at each rate
   (commands/s), the mix below plus one plain message per command — with a typing
   notice before and a read receipt after each command, as Element sends; reply time is from
   sending until the reply arrives at the sender's sync. A step that has p95 > 300 ms or
   any error ends the run. Per step: p50/p95 per kind, CPU per process, CPU per event.
4. **Reference**: Synapse alone (no gate, no bots): the same number of clients send
   plain messages at the highest rate reached and time them until the room's other
   member sees them — same homeserver configuration, one run.

Mix of commands: ``!toestemming`` 30 %, ``!wie <vraag>`` (wegwijzer, in a DM) 20 %,
``!uitnodigen`` of a member 15 %, withdrawal / new grant (alternating per room) 15 %,
``!overdracht`` / ``!overdracht intrekken`` (alternating per room) 10 %, ``!regie`` 10 %.

5. **What Synapse did** (``--census``, session 4): per step, the requests Synapse
   answered by sender (load client, casus bot, wegwijzer bot) and endpoint with the CPU
   it spent inside each (its access log's ``ru=``), and what it wrote — events by type
   and sender, receipts, account data, presence — per command (``bench/census.py``).
   ``--variants`` repeats the steps on the same rooms with the bots' push rules as
   before (``loud-bots``) or Synapse restarted with presence off (``no-presence``);
   ``--reference-rates``/``--element-like-reference``/``--skip-load`` measure Synapse
   alone at several rates, with the load's typing notice and read receipt per message.

Never fails on a number (benchmarks are not tests); prints Markdown tables.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import random
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import nio
import sqlalchemy as sa

from busbaan.cli.dev import gate_module
from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password, start_homeserver
from busbaan.devstack.people import Person
from busbaan.log import configure
from busbaan.matrix.dispatch import CommandContext
from busbaan.matrix.runner import BotAccount
from busbaan.metrics import samples
from busbaan.policy import load_policy
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[1]
GOAL_P95 = 0.300
QUESTIONS = [
    "cliënt in Zuidoost, 58, kan de energierekening niet betalen",
    "jongere van 19 met schulden bij de zorgverzekeraar",
    "gezin in Nieuw-West dreigt uit huis gezet te worden door huurachterstand",
    "oudere in Noord heeft hulp nodig bij de administratie",
    "client needs help with debts and rent arrears",
]
MIX = [("toestemming", 30), ("wie", 20), ("uitnodigen", 15), ("intrekken/geef", 15),
       ("overdracht", 10), ("regie", 10)]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- processes ---------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


#: ``--variants`` that set the runner's switches (session 5): the bot's inbox path as
#: before (each sync waits for its inbox transaction; the worker and each room task
#: read every unanswered command), or one of the two changes alone.
RUNNER_VARIANTS: dict[str, dict[str, Any]] = {
    "old-inbox": {"SYNC_PIPELINE": False, "ROOM_HANDOFF": False},
    "no-pipeline": {"SYNC_PIPELINE": False},
    "no-handoff": {"ROOM_HANDOFF": False},
    "direct": {"ROOM_HANDOFF_DIRECT": True},
}


def _serve(config: ServiceConfig, ready: str, sync_filter: bool = True,
           room_concurrency: int | None = None, quiet_push: bool = True,
           runner: dict[str, Any] | None = None) -> None:
    """The service in a child process, until SIGTERM (multiprocessing target)."""
    configure("WARNING")
    import busbaan.matrix.runner as runner_module

    defaults = {name: getattr(runner_module, name)
                for name in {k for v in RUNNER_VARIANTS.values() for k in v}}

    def switch(settings: dict[str, Any]) -> None:
        for name, value in settings.items():
            setattr(runner_module, name, value)

    switch(runner or {})
    if not quiet_push:  # the bots keep Synapse's default push rules (before session 4)
        import busbaan.matrix.runner

        busbaan.matrix.runner.BOT_QUIET_PUSH = False
    if room_concurrency is not None:  # 1: one command at a time, as before issue 12
        import busbaan.matrix.runner

        busbaan.matrix.runner.ROOM_CONCURRENCY = room_concurrency
    if not sync_filter:  # the bots' sync as before issue 12: everything
        import busbaan.matrix.runner

        busbaan.matrix.runner.BOT_SYNC_FILTER = None  # type: ignore[assignment]

    async def run() -> None:
        service = Service(config)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        # --alternate: SIGUSR1 the inbox path as before session 5, SIGUSR2 as now.
        loop.add_signal_handler(signal.SIGUSR1, switch, RUNNER_VARIANTS["old-inbox"])
        loop.add_signal_handler(signal.SIGUSR2, switch, defaults)
        await service.start()
        assert service.web is not None
        Path(ready).write_text(service.web.url)
        try:
            await stop.wait()
        finally:
            await service.stop()

    asyncio.run(run())


@dataclass
class Child:
    process: Any
    url: str
    started_seconds: float

    @property
    def pid(self) -> int:
        return int(self.process.pid)


async def start_child(config: ServiceConfig, tmp: Path, sync_filter: bool = True,
                      room_concurrency: int | None = None, quiet_push: bool = True,
                      runner: dict[str, Any] | None = None) -> Child:
    ready = tmp / f"ready-{secrets.token_hex(3)}"
    ctx = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    proc = ctx.Process(target=_serve, args=(config, str(ready), sync_filter, room_concurrency,
                                            quiet_push, runner), daemon=True)
    proc.start()
    while not ready.exists():
        if not proc.is_alive():
            raise RuntimeError("the service process stopped during start-up")
        await asyncio.sleep(0.1)
    return Child(proc, ready.read_text(), time.perf_counter() - started)


async def stop_child(child: Child) -> None:
    child.process.terminate()
    await asyncio.to_thread(child.process.join, 30)


async def scrape(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/metrics") as resp:
        return await resp.text()


def metric_sum(text: str, name: str, **labels: str) -> float:
    return sum(v for n, lab, v in samples(text) if n == name
               and all(lab.get(k) == want for k, want in labels.items()))


# -- set-up ------------------------------------------------------------------------------


@dataclass
class Setup:
    hs: Homeserver
    db_url: str
    tmp: Path
    config: ServiceConfig
    tokens: dict[str, str]  # user_id -> access token
    regies: list[str]  # buurtteam professionals, regie of the rooms
    counsellors: list[str]  # schuldhulp professionals, members of the rooms
    rooms: dict[str, list[str]] = field(default_factory=dict)  # regie -> room ids
    member_of: dict[str, str] = field(default_factory=dict)  # room id -> counsellor
    timings: dict[str, float] = field(default_factory=dict)


def _roles(policy_dir: Path) -> list[tuple[str, str]]:
    policy = load_policy(policy_dir)
    return [(o.id, o.default_role or o.roles[0].id) for o in policy.organisations
            if o.id != "fg" and o.roles]


async def register_many(hs: Homeserver, localparts: list[str],
                        concurrency: int = 8) -> dict[str, str]:
    sem = asyncio.Semaphore(concurrency)
    out: dict[str, str] = {}

    async def one(lp: str) -> None:
        async with sem:
            creds = await hs.register(lp, new_password(), lift_ratelimit=True)
            out[creds.user_id] = creds.access_token or ""

    await asyncio.gather(*(one(lp) for lp in localparts))
    return out


async def set_master_rule(hs_url: str, token: str, enabled: bool) -> None:
    """Turn a user's master push rule (all notifications off) on or off."""
    async with aiohttp.ClientSession() as http, http.put(
            f"{hs_url}/_matrix/client/v3/pushrules/global/override/.m.rule.master/enabled",
            json={"enabled": enabled}, headers={"Authorization": f"Bearer {token}"}) as resp:
        if resp.status != 200:
            raise RuntimeError(f"push rule: {resp.status} {await resp.text()}")


async def join(http: aiohttp.ClientSession, hs_url: str, token: str, room_id: str) -> None:
    async with http.post(f"{hs_url}/_matrix/client/v3/join/{room_id}", json={},
                         headers={"Authorization": f"Bearer {token}"}) as resp:
        if resp.status != 200:
            raise RuntimeError(f"join failed: {resp.status} {await resp.text()}")


async def create_room(http: aiohttp.ClientSession, hs_url: str, token: str,
                      request: dict[str, Any]) -> str:
    """``createRoom`` with nio's keyword arguments, sent once (nio retries a request
    that times out, which for createRoom makes a second room)."""
    body = {"visibility": "private", "creation_content": {"m.federate": True},
            "is_direct": False, "name": request["name"], "topic": request["topic"],
            "room_version": request["room_version"], "invite": request["invite"],
            "initial_state": request["initial_state"],
            "power_level_content_override": request["power_level_override"]}
    async with http.post(f"{hs_url}/_matrix/client/v3/createRoom", json=body,
                         headers={"Authorization": f"Bearer {token}"},
                         timeout=aiohttp.ClientTimeout(total=600)) as resp:
        if resp.status != 200:
            raise RuntimeError(f"createRoom failed: {resp.status} {await resp.text()}")
        return str((await resp.json())["room_id"])


def ctx(room_id: str, sender: str, command: str, args: str = "") -> CommandContext:
    return CommandContext(room_id=room_id, event_id=f"$seed{secrets.token_hex(6)}",
                          sender=sender, command=command, args=args, lang="nl",
                          is_direct=False)


async def seed_rooms(service: Service, setup: Setup, n_rooms: int, first: int = 0) -> None:
    """Case rooms through the casus bot's handlers; regie and a counsellor joined."""
    casus = service.casus
    until = (dt.date.today() + dt.timedelta(days=300)).isoformat()
    sem = asyncio.Semaphore(4)
    async with aiohttp.ClientSession() as http:
        async def one(i: int) -> None:
            regie = setup.regies[i % len(setup.regies)]
            counsellor = setup.counsellors[i % len(setup.counsellors)]
            async with sem:
                reply = await casus.cmd_new_case(ctx("!dm", regie, "casus nieuw"))
                room = reply.data["room_id"]
                await join(http, setup.hs.url, setup.tokens[regie], room)
                granted = await casus.cmd_grant(ctx(
                    room, regie, "toestemming geef",
                    f"schuldhulp contact,schulden grondslag=wgs tot={until}"))
                assert granted.ok, granted.body
                invited = await casus.cmd_invite(ctx(room, regie, "uitnodigen", counsellor))
                assert invited.ok, invited.body
                await join(http, setup.hs.url, setup.tokens[counsellor], room)
            setup.rooms.setdefault(regie, []).append(room)
            setup.member_of[room] = counsellor

        done = 0
        batch = 50
        for start in range(first, first + n_rooms, batch):
            await asyncio.gather(*(one(i) for i in range(start, min(start + batch,
                                                                    first + n_rooms))))
            done += min(batch, first + n_rooms - start)
            if done % 250 == 0 or done == n_rooms:
                print(f"  seeded {done}/{n_rooms} rooms", flush=True)
    await casus.settle()


async def seed_rooms_fast(service: Service, setup: Setup, n_rooms: int, first: int = 0,
                          concurrency: int = 8) -> None:
    """The same case rooms, the fast way (issue 12): one ``createRoom`` per room that
    already carries the grant in its initial state and invites the regie and the
    counsellor (the gate checks both invitations against that state), the store rows
    written through the case service's own functions in the order the commands write
    them (``open_case`` → ``attach_room`` → ``give_grants`` → ``record_invite``), and
    both joins at once, ``concurrency`` rooms in flight. Room state and store rows are
    those of the handler path (``--seed handlers``; ``--check-seeding`` compares one
    room of each); what differs is the number of round trips: 1 createRoom + 2 joins
    instead of createRoom, join, grant state, invite, join, each awaited in turn."""
    from busbaan.cases.mirrors import CaseFacts, acl_servers, desired_state
    from busbaan.consent import Action, Grant, decide
    from busbaan.consent.state import CONSENT_EVENT, case_content, grant_content
    from busbaan.matrix.rooms import case_room_request
    from busbaan.store.repositories import new_id

    casus = service.casus
    cases = casus.service
    token = str(casus.runner.client.access_token)
    bot = casus.user_id
    until = dt.datetime.combine(dt.date.today() + dt.timedelta(days=300),
                                dt.time(23, 59, 59), dt.UTC)
    sem = asyncio.Semaphore(concurrency)
    directory = await casus.refresh_directory(force=True)
    async with aiohttp.ClientSession() as http:
        async def one(i: int) -> None:
            regie = setup.regies[i % len(setup.regies)]
            counsellor = setup.counsellors[i % len(setup.counsellors)]
            async with sem:
                home = directory(regie)
                assert home is not None
                row = await asyncio.to_thread(cases.open_case, regie=regie,
                                              organisation=home.organisation, label="")
                now = casus.clock.now()
                grant = Grant(grant_id=new_id("G"), organisation="schuldhulp",
                              categories=("contact", "schulden"), legal_bases=("wgs",),
                              valid_from=now, valid_until=until, given_by=regie)
                facts = CaseFacts(case_id=row.case_id, room_id="",
                                  home_organisation=home.organisation, regie=regie,
                                  regie_since=now, closed=False, grants=(grant,),
                                  running=(), access_users=())
                request = case_room_request(
                    case_id=row.case_id, regie=regie,
                    case_state=case_content(row.case_id, home.organisation, regie,
                                            regie_since=now,
                                            policy_version=casus.policy.version),
                    acl_servers=acl_servers(facts, casus.policy, directory, bot, now))
                request["initial_state"].append({"type": CONSENT_EVENT,
                                                 "state_key": grant.grant_id,
                                                 "content": grant_content(grant)})
                request["initial_state"].append(casus.citizen.panel_state(row.case_id))
                request["invite"] = [regie, counsellor]
                room = await create_room(http, setup.hs.url, token, request)
                # The counsellor is invited before the store has the grant (the next
                # call): no removal in between (the handler path invites after it).
                casus.hold_removals(room, 120.0)
                initial = [(e["type"], e["state_key"], e["content"])
                           for e in request["initial_state"]]
                initial += [("m.room.power_levels", "", request["power_level_override"]),
                            ("m.room.name", "", {"name": request["name"]})]
                want = desired_state(facts, policy=casus.policy, directory=directory,
                                     bot_user_id=bot, now=now)
                assert {(t, k) for t, k, _ in initial} >= set(want), "state differs"
                await asyncio.to_thread(cases.attach_room, row.case_id, room,
                                        initial_state=initial)
                await asyncio.to_thread(cases.give_grants, row.case_id, [grant], by=regie)
                scope = await asyncio.to_thread(cases.scope, row.case_id)
                assert scope is not None
                decision = decide(casus.policy, scope, directory, Action.INVITE,
                                  actor=regie, subject=counsellor, now=now, bot_user_id=bot)
                assert decision.allowed, decision.code
                await asyncio.to_thread(cases.record_invite, row.case_id, decision,
                                        actor=regie, subject=counsellor, room_id=room)
                await asyncio.gather(join(http, setup.hs.url, setup.tokens[regie], room),
                                     join(http, setup.hs.url, setup.tokens[counsellor], room))
            setup.rooms.setdefault(regie, []).append(room)
            setup.member_of[room] = counsellor

        done = 0
        batch = 250
        for start in range(first, first + n_rooms, batch):
            stop = min(start + batch, first + n_rooms)
            await asyncio.gather(*(one(i) for i in range(start, stop)))
            done += stop - start
            print(f"  seeded {done}/{n_rooms} rooms", flush=True)
    await casus.settle()


async def room_shape(service: Service, room_id: str) -> dict[str, Any]:
    """What a seeded room is, without its ids: the store's outbox codes and grants,
    the state the mirror recorded, and the room's state at Synapse (types, state keys
    by kind, memberships)."""
    import busbaan.store.service_tables as st

    casus = service.casus
    row = casus.cases.by_room(room_id)
    assert row is not None
    with casus.engine.connect() as conn:
        codes = [r.code for r in conn.execute(
            sa.select(st.outbox_table.c.code).where(st.outbox_table.c.case_id == row.case_id))]
        mirrored = [r.event_type for r in conn.execute(
            sa.select(st.room_state_table.c.event_type)
            .where(st.room_state_table.c.room_id == room_id))]
    grants = [(g.organisation, g.categories, g.legal_bases, g.valid_until.date().isoformat(),
               g.withdrawn_at is None) for g in casus.cases.grants(row.case_id)]
    state = await casus.runner.client.room_get_state(room_id)
    events = getattr(state, "events", [])

    def kind(ev: dict[str, Any]) -> tuple[str, str, str]:
        key = ev.get("state_key", "")
        who = ("bot" if key == casus.user_id else "regie" if key == row.regie
               else "G" if key.startswith("G-") else "other" if key else "")
        return (ev["type"], who, ev["content"].get("membership", ""))

    return {"status": row.status, "outbox": sorted(codes), "grants": grants,
            "mirrored_state": sorted(mirrored), "state": sorted(kind(e) for e in events)}


def store_url(kind: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'busbaan.db'}", lambda: None
    host, _, port = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432").partition(":")
    admin_url = f"postgresql+psycopg://postgres@{host}:{port or 5432}/postgres"
    name = f"busbaan_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return f"postgresql+psycopg://postgres@{host}:{port or 5432}/{name}", drop


def synapse_database(kind: str, jit: bool = False
                     ) -> tuple[dict[str, Any] | None, Callable[[], float], Callable[[], None]]:
    """Synapse's ``database:`` setting (None: the devstack's SQLite file), its size in
    MB, and how to drop it. PostgreSQL: a fresh database on the shared server, as
    Synapse wants it (UTF8, C collation), dropped afterwards; PostgreSQL's JIT off for
    Synapse's connections unless ``jit`` (``--synapse-pg-jit``, to measure the
    difference)."""
    if kind == "sqlite":
        return None, lambda: float("nan"), lambda: None
    host, _, port = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432").partition(":")
    name = f"synapse_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(f"postgresql+psycopg://postgres@{host}:{port or 5432}/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C' "
                             "LC_CTYPE 'C' TEMPLATE template0")

    def size() -> float:
        with admin.connect() as conn:
            return float(conn.exec_driver_sql(
                f"SELECT pg_database_size('{name}')").scalar() or 0) / 2**20

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    setting = {"database": {"name": "psycopg2", "args": {
        "user": "postgres", "host": host, "port": int(port or 5432), "database": name,
        "cp_min": 5, "cp_max": 10,
        # PostgreSQL's JIT compiled Synapse's recursive auth-chain query once stale
        # statistics (this server runs without autovacuum) put its cost estimate over the
        # threshold (~2,500 rooms here): 0.5-1.2 s per join instead of 0.04-0.14 s;
        # deploy/synapse/homeserver.yaml turns it off the same way (docs/scaling.md).
        "options": f"-c jit={'on' if jit else 'off'}"}}}
    return setting, size, drop


def synapse_db_mb(tmp: Path, extra: dict[str, Any] | None, size: Callable[[], float]
                  ) -> float:
    if extra is not None:
        return size()
    return sum(p.stat().st_size for p in (tmp / "hs").rglob("homeserver.db*")) / 2**20


def db_size_mb(url: str) -> float:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    engine.dispose()
    return float(size or 0) / 2**20


# -- the load ----------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool
    #: ``--trace`` (session 5): the reply time in parts, from the events' server
    #: timestamps (same machine, same clock): ``typing`` (the typing notice sent
    #: first), ``send`` (→ the command's server timestamp), ``bot`` (→ the reply's
    #: server timestamp), ``deliver`` (→ the sender's sync brought the reply).
    parts: dict[str, float] = field(default_factory=dict)
    #: ``--alternate``: the inbox path in force for the whole command (None: it
    #: changed while the command was on its way; such a command is left out).
    mode: str | None = None


async def traced_command(person: Person, room: str, text: str,
                         timeout: float = 30.0) -> tuple[dict[str, Any], dict[str, float]]:
    """:meth:`Person.command`, with the parts of its time (see :class:`Sample`)."""
    before = time.time()
    event_id = await person.say(room, text)

    def is_reply(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room and "nl.busbaan.reply" in content and rel.get("event_id") == event_id

    _, ev = await person.wait_for(is_reply, timeout)
    seen = time.time()
    sent_ts = next((e.get("origin_server_ts") for _, e in reversed(person.events)
                    if e.get("event_id") == event_id), None)
    reply_ts = ev.get("origin_server_ts")
    parts: dict[str, float] = {}
    if isinstance(sent_ts, int) and isinstance(reply_ts, int):
        parts = {"send": sent_ts / 1000 - before, "bot": (reply_ts - sent_ts) / 1000,
                 "deliver": seen - reply_ts / 1000}
    return ev["content"], parts


@dataclass
class Driver:
    """The active regies at plain clients, and what each room's next stateful step is."""

    people: dict[str, Person]
    rooms: dict[str, list[str]]
    member_of: dict[str, str]
    dms: dict[str, str]  # regie -> direct room with the wegwijzer
    colleagues: list[str]
    granted: dict[str, bool] = field(default_factory=dict)
    proposed: dict[str, bool] = field(default_factory=dict)
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(12))
    mix: list[tuple[str, int]] = field(default_factory=lambda: list(MIX))
    mode: str | None = None  # --alternate: the inbox path now in force
    flips: int = 0

    def pick(self) -> str:
        r = self.rng.uniform(0, sum(w for _, w in self.mix))
        for kind, weight in self.mix:
            r -= weight
            if r <= 0:
                return kind
        return self.mix[-1][0]

    async def command(self, kind: str) -> Sample:
        regie = self.rng.choice(list(self.people))
        person = self.people[regie]
        room = self.rng.choice(self.rooms[regie])
        until = (dt.date.today() + dt.timedelta(days=200)).isoformat()
        lock = self.locks.setdefault(room, asyncio.Lock())
        if kind == "toestemming":
            text = "!toestemming"
        elif kind == "regie":
            text = "!regie"
        elif kind == "uitnodigen":
            text = f"!uitnodigen {self.member_of[room]}"
        elif kind == "wie":
            room = self.dms[regie]
            text = "!wie " + self.rng.choice(QUESTIONS)
        elif kind == "intrekken/geef":
            text = ""
        else:
            text = ""
        start = time.perf_counter()
        mode, flips = self.mode, self.flips
        # As Element does: "typing…" before sending, a read receipt after reading.
        await person.client.room_typing(room, True, timeout=3000)
        typing = time.perf_counter() - start
        parts: dict[str, float] = {}
        try:
            if kind == "intrekken/geef":
                async with lock:
                    if self.granted.get(room, True):
                        text = "!toestemming intrekken schuldhulp"
                    else:
                        text = (f"!toestemming geef schuldhulp contact,schulden "
                                f"grondslag=wgs tot={until}")
                    start = time.perf_counter()
                    reply, parts = await traced_command(person, room, text, timeout=30)
                    if reply["nl.busbaan.reply"]["ok"]:
                        self.granted[room] = not self.granted.get(room, True)
            elif kind == "overdracht":
                async with lock:
                    if self.proposed.get(room, False):
                        text = "!overdracht intrekken"
                    else:
                        other = self.rng.choice([c for c in self.colleagues if c != regie])
                        text = f"!overdracht {other} loadtest: schulden vragen om budgetbeheer"
                    start = time.perf_counter()
                    reply, parts = await traced_command(person, room, text, timeout=30)
                    if reply["nl.busbaan.reply"]["ok"]:
                        self.proposed[room] = not self.proposed.get(room, False)
            else:
                reply, parts = await traced_command(person, room, text, timeout=30)
                parts["typing"] = typing
            elapsed = time.perf_counter() - start
            data = reply["nl.busbaan.reply"]
            last = person.events[-1][1].get("event_id") if person.events else None
            if last:
                await person.client.room_read_markers(room, last, last)
            return Sample(kind, elapsed, data.get("errcode") != "BB_INTERNAL", parts,
                          mode if self.flips == flips else None)
        except (TimeoutError, AssertionError):
            return Sample(kind, time.perf_counter() - start, False)

    async def message(self) -> Sample:
        regie = self.rng.choice(list(self.people))
        room = self.rng.choice(self.rooms[regie])
        start = time.perf_counter()
        resp = await self.people[regie].client.room_send(
            room, "m.room.message", {"msgtype": "m.text", "body": "overleg loadtest"})
        return Sample("bericht", time.perf_counter() - start,
                      isinstance(resp, nio.RoomSendResponse))


async def open_loop(rate: float, seconds: float,
                    op: Callable[[], Coroutine[Any, Any, list[Sample]]]
                    ) -> tuple[list[Sample], float]:
    """Start ``op`` at ``rate`` per second for ``seconds`` (Poisson arrivals)."""
    rng = random.Random(7)
    tasks: list[asyncio.Task[list[Sample]]] = []
    start = time.perf_counter()
    next_at = start
    while next_at - start < seconds:
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(op()))
        next_at += rng.expovariate(rate)
    results = await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    return [s for group in results for s in group], wall


@dataclass
class Step:
    rate: float
    commands: list[Sample]
    messages: list[Sample]
    wall: float
    cpu: dict[str, float]  # process -> CPU seconds in the step
    rss: dict[str, float]
    events: float  # events the bots received in the step (from /metrics)
    load: float
    variant: str = "now"
    #: ``--trace``: (bot, stage) → (commands, mean seconds) from /metrics.
    stages: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)

    @property
    def p95(self) -> float:
        return pct([s.seconds for s in self.commands], 0.95)

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.commands + self.messages)


def stage_means(before: str, after: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(bot, stage) → (commands, mean seconds) of ``busbaan_command_stage_seconds``
    between two scrapes."""
    def sums(text: str) -> dict[tuple[str, str, str], float]:
        out: dict[tuple[str, str, str], float] = {}
        for name, lab, value in samples(text):
            if name in ("busbaan_command_stage_seconds_sum",
                        "busbaan_command_stage_seconds_count"):
                out[(name, lab.get("bot", ""), lab.get("stage", ""))] = value
        return out

    a, b = sums(before), sums(after)
    result = {}
    for (name, bot, stage), value in b.items():
        if name.endswith("_count"):
            n = value - a.get((name, bot, stage), 0.0)
            total = (b.get(("busbaan_command_stage_seconds_sum", bot, stage), 0.0)
                     - a.get(("busbaan_command_stage_seconds_sum", bot, stage), 0.0))
            if n:
                result[(bot, stage)] = (n, total / n)
    return result


ALTERNATE_MODES = (("now", signal.SIGUSR2), ("old-inbox", signal.SIGUSR1))


async def alternate_modes(driver: Driver, service_pid: int, every: float,
                          metrics_url: str) -> dict[str, dict[tuple[str, str],
                                                              tuple[float, float]]]:
    """``--alternate``: switch the service's inbox path between now and as before
    session 5 every ``every`` seconds (signals to the service process, whose runner
    reads its switches at run time), and sum the stage times of each mode's windows.
    Runs until cancelled; returns (via the cancellation) mode → (bot, stage) →
    (commands, mean seconds)."""
    totals: dict[str, dict[tuple[str, str], list[float]]] = {}
    turn = 0
    rng = random.Random(5)
    before = await scrape(metrics_url)

    def close_window(mode: str, after: str) -> None:
        for key, (n, mean) in stage_means(before, after).items():
            acc = totals.setdefault(mode, {}).setdefault(key, [0.0, 0.0])
            acc[0] += n
            acc[1] += n * mean

    def result() -> dict[str, dict[tuple[str, str], tuple[float, float]]]:
        return {m: {k: (n, total / n) for k, (n, total) in by.items() if n}
                for m, by in totals.items()}

    try:
        while True:
            mode, sig = ALTERNATE_MODES[turn % 2]
            os.kill(service_pid, sig)
            driver.mode, driver.flips = mode, driver.flips + 1
            # Windows of random length (0.5–1.5 × ``every``): a fixed period could beat
            # in step with something periodic elsewhere on a shared machine.
            await asyncio.sleep(every * rng.uniform(0.5, 1.5))
            after = await scrape(metrics_url)
            close_window(mode, after)
            before = after
            turn += 1
    except asyncio.CancelledError:
        return result()


def print_alternation(step: Step, windows: dict[str, dict[tuple[str, str],
                                                          tuple[float, float]]]) -> None:
    """The two inbox paths side by side within one step (``--alternate``)."""
    from busbaan.metrics import COMMAND_STAGES
    print(f"\n  alternating at {step.rate:g}/s: p50 / p95 ms per mode (commands that "
          "straddled a switch left out)")
    for mode, _ in ALTERNATE_MODES:
        cmds = [c for c in step.commands if c.mode == mode and c.ok]
        if not cmds:
            continue
        secs = [c.seconds for c in cmds]
        kinds = ", ".join(f"{k} {statistics.median(v) * 1000:.0f}"
                          for k, v in sorted(_by_kind(cmds).items()))
        print(f"  - {mode}: n {len(cmds)}, p50 {statistics.median(secs) * 1000:.0f}, p95 "
              f"{pct(secs, 0.95) * 1000:.0f}; p50 per kind: {kinds}")
        for bot in sorted({b for b, _ in windows.get(mode, {})}):
            cells = [f"{st} {windows[mode][(bot, st)][1] * 1000:.0f}" for st in COMMAND_STAGES
                     if (bot, st) in windows[mode]]
            print(f"    bot {bot}, mean ms: " + ", ".join(cells))
    print(flush=True)


def print_trace(step: Step) -> None:
    """``--trace``: the reply time in parts, per command kind (client side, from the
    events' server timestamps) and per bot (the bot's stages, means from /metrics)."""
    parts = ("typing", "send", "bot", "deliver")
    print(f"\n  trace at {step.rate:g}/s: medians in ms, client side")
    print("  | kind | n | total | " + " | ".join(parts) + " |")
    print("  |---|---|---|" + "---|" * len(parts))
    kinds = sorted({s.kind for s in step.commands})
    for kind in kinds:
        got = [s for s in step.commands if s.kind == kind and s.ok and s.parts]
        if not got:
            continue
        cells = [f"{statistics.median([s.parts[p] for s in got if p in s.parts]) * 1000:.0f}"
                 if any(p in s.parts for s in got) else "–" for p in parts]
        print(f"  | {kind} | {len(got)} | "
              f"{statistics.median([s.seconds for s in got]) * 1000:.0f} | "
              + " | ".join(cells) + " |")
    means = step.stages
    from busbaan.metrics import COMMAND_STAGES
    for bot in sorted({b for b, _ in means}):
        cells = [f"{stage} {means[(bot, stage)][1] * 1000:.0f}" for stage in COMMAND_STAGES
                 if (bot, stage) in means]
        n = max(means[(bot, st)][0] for st in COMMAND_STAGES if (bot, st) in means)
        print(f"  bot {bot} ({n:.0f} commands), mean ms: " + ", ".join(cells))
    print(flush=True)


async def profile_start(pids: dict[str, int], seconds: float, out: Path | None,
                        tag: str) -> list[tuple[str, Path, asyncio.subprocess.Process]]:
    """py-spy (a dev tool: ``pip install py-spy``) on each process for ``seconds``."""
    if out is None:
        return []
    out.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).parent / "py-spy"
    running = []
    for name, pid in pids.items():
        raw = out / f"{name}-{tag}.raw"
        proc = await asyncio.create_subprocess_exec(
            str(spy), "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "50",
            "-f", "raw", "-o", str(raw), "--nonblocking",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        running.append((name, raw, proc))
    return running


async def profile_report(running: list[tuple[str, Path, asyncio.subprocess.Process]],
                         top: int = 14) -> None:
    """Where each process spent its samples (inclusive, by function), printed."""
    for name, raw, proc in running:
        await proc.wait()
        if not raw.exists():
            print(f"  profile {name}: none (py-spy missing or not permitted)")
            continue
        total, incl = 0, dict[str, int]()
        for line in raw.read_text().splitlines():
            stack, _, n = line.rpartition(" ")
            if not stack or not n.isdigit():
                continue
            total += int(n)
            for frame in {f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0] + ")"
                          if " (" in f else f for f in stack.split(";")}:
                incl[frame] = incl.get(frame, 0) + int(n)
        skip = ("threading.py", "twisted/", "asyncio/", "<frozen", "runpy", "_base.py",
                "homeserver.py", "multiprocessing/", "context.py", "defer.py")
        rows = sorted(((v, k) for k, v in incl.items() if not any(x in k for x in skip)),
                      reverse=True)[:top]
        print(f"  profile {name} ({total} samples, {raw}):")
        for v, k in rows:
            print(f"    {v / max(total, 1) * 100:5.1f} % {k[:110]}")


@dataclass
class CensusProbe:
    """What ``--census`` needs: Synapse's log directory and database, who is who."""

    log_dir: Path
    db: Any  # bench.census.SynapseDB
    classify: Callable[[str], str]

    def start(self) -> tuple[dt.datetime, Any]:
        return dt.datetime.now(), self.db.marks()

    async def finish(self, started: tuple[dt.datetime, Any], cpu: float, units: int,
                     title: str) -> Any:
        from bench.census import Census, read_log

        await asyncio.sleep(2.0)  # follow-ups (state writes, notices) and their log lines
        since, mark = started
        upto = self.db.marks()
        requests = [r for r in await asyncio.to_thread(read_log, self.log_dir, since,
                                                       dt.datetime.now())]
        for r in requests:
            r.who = self.classify(r.who)
        census = Census(requests, self.db.events_since(mark, upto, self.classify),
                        {k: upto.streams[k] - mark.streams.get(k, 0) for k in upto.streams},
                        cpu, units)
        print(census.table(title), flush=True)
        return census


async def run_steps(driver: Driver, rates: list[float], seconds: float,
                    pids: dict[str, int], metrics_url: str | None,
                    profile: Path | None = None,
                    census: CensusProbe | None = None,
                    stop_p95: float = GOAL_P95, trace: bool = False,
                    alternate: float = 0.0) -> list[Step]:
    steps: list[Step] = []

    async def op() -> list[Sample]:
        kind = driver.pick()
        command, message = await asyncio.gather(driver.command(kind), driver.message())
        return [command, message]

    for rate in rates:
        before = {k: cpu_seconds(p) for k, p in pids.items()}
        events0 = metric_sum(await scrape(metrics_url), "busbaan_sync_lag_seconds_count") \
            if metrics_url else 0.0
        stages0 = await scrape(metrics_url) if metrics_url and trace else ""
        spies = await profile_start(pids, seconds, profile, f"{rate:g}")
        counted = census.start() if census is not None else None
        flipper = (asyncio.create_task(alternate_modes(driver, pids["service"], alternate,
                                                       metrics_url))
                   if alternate and metrics_url else None)
        got, wall = await open_loop(rate, seconds, op)
        windows: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}
        if flipper is not None:
            flipper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                windows = await flipper
        cpu = {k: cpu_seconds(p) - before[k] for k, p in pids.items()}
        events1 = metric_sum(await scrape(metrics_url), "busbaan_sync_lag_seconds_count") \
            if metrics_url else 0.0
        step = Step(rate, [s for s in got if s.kind != "bericht"],
                    [s for s in got if s.kind == "bericht"], wall, cpu,
                    {k: rss_mb(p) for k, p in pids.items()}, events1 - events0,
                    load_average())
        steps.append(step)
        print(f"  rate {rate:g}/s: commands p50 "
              f"{statistics.median([s.seconds for s in step.commands]) * 1000:.0f} ms, p95 "
              f"{step.p95 * 1000:.0f} ms, errors {step.errors}, cpu "
              + ", ".join(f"{k} {v / wall * 100:.0f}%" for k, v in cpu.items())
              + f", load {step.load:.1f}", flush=True)
        await profile_report(spies)
        if windows:
            print_alternation(step, windows)
        if trace:
            step.stages = stage_means(stages0, await scrape(metrics_url) if metrics_url
                                      else "")
            print_trace(step)
        if census is not None and counted is not None:
            await census.finish(counted, cpu["synapse"], len(step.commands),
                                f"census at {rate:g} commands/s (unit: one command with "
                                "its plain message, typing notice and read receipt)")
        if step.p95 > stop_p95 or step.errors:
            break
    return steps


async def people_for(hs: Homeserver, tokens: dict[str, str],
                     users: list[str]) -> dict[str, Person]:
    out: dict[str, Person] = {}
    for user in users:
        client = nio.AsyncClient(hs.url, user, config=nio.AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False))
        client.access_token = tokens[user]
        client.user_id = user
        person = Person(user, client)
        await person.start()
        out[user] = person
    return out


async def close_people(people: dict[str, Person]) -> None:
    for p in people.values():
        await p.stop()
        await p.client.close()


# -- the reference: Synapse alone ------------------------------------------------------------


def census_probe(hs: Homeserver, extra: dict[str, Any] | None, bots: dict[str, str],
                 clients: list[str]) -> CensusProbe:
    from bench.census import SynapseDB, who_classifier

    if extra is None:
        db = SynapseDB(sqlite_path=hs.config.database_path)
    else:
        a = extra["database"]["args"]
        db = SynapseDB(url=f"postgresql+psycopg://{a['user']}@{a['host']}:{a['port']}/"
                           f"{a['database']}")
    return CensusProbe(hs.config.directory, db, who_classifier(bots, clients))


@dataclass
class RefStep:
    rate: float
    samples: list[Sample]
    cpu: dict[str, float]

    @property
    def p95(self) -> float:
        return pct([x.seconds for x in self.samples], 0.95)


async def reference(tmp: Path, rates: list[float], seconds: float, n_clients: int,
                    synapse_db: str = "sqlite", census: bool = False,
                    element_like: bool = False, stop_p95: float = GOAL_P95,
                    jit: bool = False) -> list[RefStep]:
    """Plain messages on a Synapse without gate or bots, timed to the other member's
    sync, at each rate in turn until p95 exceeds 300 ms or a message is lost. With
    ``element_like`` each message comes with a typing notice before and a read receipt
    after it, as the load's commands do."""
    extra, _, drop = synapse_database(synapse_db, jit)
    hs = await start_homeserver(tmp / "plain", [], profile="test", extra=extra)
    try:
        tokens = await register_many(hs, [f"ref{i}" for i in range(2 * n_clients)])
        users = sorted(tokens)
        people = await people_for(hs, tokens, users)
        pairs: list[tuple[Person, Person, str]] = []
        for a, b in zip(users[::2], users[1::2], strict=True):
            resp = await people[a].client.room_create(invite=[b])
            assert isinstance(resp, nio.RoomCreateResponse), resp
            await people[b].join(resp.room_id)
            pairs.append((people[a], people[b], resp.room_id))
        rng = random.Random(3)

        async def op() -> list[Sample]:
            sender, receiver, room = rng.choice(pairs)
            marker = secrets.token_hex(6)
            start = time.perf_counter()
            if element_like:
                await sender.client.room_typing(room, True, timeout=3000)
            event_id = await sender.say(room, f"overleg {marker}")
            try:
                await receiver.wait_for(lambda rid, ev: rid == room and ev.get(
                    "content", {}).get("body", "").endswith(marker), timeout=30)
                ok = True
            except TimeoutError:
                ok = False
            took = time.perf_counter() - start
            if element_like and ok:
                await receiver.client.room_read_markers(room, event_id, event_id)
            return [Sample("bericht (alleen Synapse)", took, ok)]

        pid = hs.process.pid
        assert pid is not None
        probe = census_probe(hs, extra, {}, users) if census else None
        out: list[RefStep] = []
        for rate in rates:
            before = cpu_seconds(pid)
            counted = probe.start() if probe is not None else None
            got, wall = await open_loop(rate, seconds, op)
            step = RefStep(rate, got, {"synapse": cpu_seconds(pid) - before, "wall": wall})
            out.append(step)
            print(f"  Synapse alone at {rate:g} messages/s ({len(got) / wall:.1f}): p50 "
                  f"{statistics.median([x.seconds for x in got]) * 1000:.0f} ms, p95 "
                  f"{step.p95 * 1000:.0f} ms, errors {sum(not x.ok for x in got)}, synapse "
                  f"{step.cpu['synapse'] / wall * 100:.0f} % "
                  f"({step.cpu['synapse'] / max(len(got), 1) * 1000:.1f} ms per message), "
                  f"load {load_average():.1f}", flush=True)
            if probe is not None and counted is not None:
                await probe.finish(counted, step.cpu["synapse"], len(got),
                                   f"census, Synapse alone at {rate:g} messages/s (unit: one "
                                   "message" + (" with typing and read receipt" if element_like
                                                else "") + ")")
            if step.p95 > stop_p95 or any(not x.ok for x in got):
                break
        if probe is not None:
            probe.db.dispose()
        await close_people(people)
        return out
    finally:
        await hs.stop()
        drop()


# -- main ----------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    configure("WARNING")
    tmp = Path(tempfile.mkdtemp(prefix="busbaan-load-"))
    if args.skip_load:  # Synapse alone only: its ceiling at --reference-rates
        await reference(tmp, args.reference_rates or args.rates, args.step_seconds,
                        args.active, args.synapse_db, census=args.census,
                        element_like=args.element_like_reference, stop_p95=args.stop_p95,
                        jit=args.synapse_pg_jit)
        return
    db_url, drop = store_url(args.db, tmp)
    try:
        await _main(args, tmp, db_url)
    finally:
        drop()


async def _main(args: argparse.Namespace, tmp: Path, db_url: str) -> None:
    migrate(db_url)
    policy_dir = ROOT / "policies"
    report: dict[str, Any] = {"db": args.db, "professionals": args.professionals,
                              "rooms": args.rooms, "active": args.active}
    t0 = time.perf_counter()
    synapse_extra, synapse_size, synapse_drop = synapse_database(args.synapse_db,
                                                                   args.synapse_pg_jit)
    hs = await start_homeserver(tmp / "hs", [gate_module(policy_dir, db_url,
                                                         "@casus:localhost")],
                                profile="test", extra=synapse_extra)
    try:
        bots = {}
        bot_tokens = {}
        for name in ("casus", "wegwijzer"):
            pw = new_password()
            creds = await hs.register(name, pw, lift_ratelimit=True)
            bots[name] = BotAccount(name, hs.url, creds.user_id, password=pw)
            bot_tokens[name] = creds.access_token or ""
        config = ServiceConfig(homeserver=hs.url, bots=bots, policy_dir=policy_dir,
                               database_url=db_url, state_dir=tmp / "state", web_port=0,
                               reconcile_seconds=1.0, audit_key_init=True,
                               pseudonym_key_init=True,
                               encryption=False)  # plain clients; ON by default (issue 11)
        roles = _roles(policy_dir)
        t = time.perf_counter()
        localparts = [f"p{i:05d}-{roles[i % len(roles)][0]}" for i in range(args.professionals)]
        tokens = await register_many(hs, localparts)
        org_of = {u: u.split("-")[1].split(":")[0] for u in tokens}
        role_of = dict(roles)
        DirectoryRepository(make_engine(db_url)).upsert(
            [Professional(u, org_of[u], role_of[org_of[u]]) for u in tokens],
            source="bench", now=dt.datetime.now(dt.UTC))
        report["register_seconds"] = time.perf_counter() - t
        print(f"registered {len(tokens)} professionals in {report['register_seconds']:.1f} s",
              flush=True)
        regies = sorted(u for u in tokens if org_of[u] == "buurtteam")
        counsellors = sorted(u for u in tokens if org_of[u] == "schuldhulp")
        setup = Setup(hs, db_url, tmp, config, tokens, regies, counsellors)
        synapse_pid = hs.process.pid
        assert synapse_pid is not None

        # Memory with no case rooms: the service alone, after its first sync.
        child = await start_child(config, tmp)
        await asyncio.sleep(3)
        report["rss_empty"] = {"service": rss_mb(child.pid), "synapse": rss_mb(synapse_pid)}
        empty_cpu = cpu_seconds(child.pid)
        await asyncio.sleep(args.idle_seconds)
        report["idle_empty"] = (cpu_seconds(child.pid) - empty_cpu) / args.idle_seconds
        await stop_child(child)

        t = time.perf_counter()
        service = Service(config)
        await service.start()
        try:
            first = 0
            if args.check_seeding:  # one room each way, compared without their ids
                await seed_rooms(service, setup, 1, first=0)
                await seed_rooms_fast(service, setup, 1, first=1)
                slow_room, fast_room = list(setup.member_of)[:2]
                await service.casus.settle()
                shapes = [await room_shape(service, r) for r in (slow_room, fast_room)]
                same = shapes[0] == shapes[1]
                report["seeding_check"] = "same" if same else shapes
                print(f"seeding check (handlers vs fast, one room each): "
                      f"{'same rows, outbox and room state' if same else shapes}", flush=True)
                first = 2
            if args.seed_compare:  # the same number of rooms each way, timed
                for name, fn in (("handlers", seed_rooms), ("fast", seed_rooms_fast)):
                    t, cpu0 = time.perf_counter(), cpu_seconds(synapse_pid)
                    own0 = time.process_time()
                    await fn(service, setup, args.seed_compare, first=first)
                    wall = time.perf_counter() - t
                    report.setdefault("seed_compare", {})[name] = {
                        "ms_per_room": wall / args.seed_compare * 1000,
                        "synapse_cpu_ms_per_room":
                            (cpu_seconds(synapse_pid) - cpu0) / args.seed_compare * 1000,
                        "bench_cpu_ms_per_room":
                            (time.process_time() - own0) / args.seed_compare * 1000}
                    first += args.seed_compare
                print(f"seeding compared ({args.seed_compare} rooms each): "
                      f"{report['seed_compare']}", flush=True)
            t, cpu0, own0 = time.perf_counter(), cpu_seconds(synapse_pid), time.process_time()
            seed = seed_rooms_fast if args.seed == "fast" else seed_rooms
            await seed(service, setup, args.rooms - first, first=first)
            report["seed_cpu"] = {"synapse": cpu_seconds(synapse_pid) - cpu0,
                                  "bench (service in-process)": time.process_time() - own0}
        finally:
            await service.stop()
        report["seed_seconds"] = time.perf_counter() - t
        report["seed_rooms"] = args.rooms - first
        print(f"seeded {args.rooms - first} rooms ({args.seed}) in "
              f"{report['seed_seconds']:.1f} s", flush=True)
        report["setup_seconds"] = time.perf_counter() - t0

        # Idle cost: the casus bot's reconciliation with nothing happening. With
        # --idle-compare first the old schedule (every populated room every tick: the
        # safety pass set to one tick), then the event-driven one, in one run.
        schedules = ([("every room every tick", config.reconcile_seconds)]
                     if args.idle_compare else [])
        schedules.append(("event-driven", config.reconcile_full_pass_seconds))
        report["idle"] = {}
        for label, full_pass in schedules:
            child_config = dataclasses.replace(config, reconcile_full_pass_seconds=full_pass)
            child = await start_child(child_config, tmp, sync_filter=not args.no_sync_filter,
                                      room_concurrency=args.room_concurrency)
            report["service_start_seconds"] = child.started_seconds
            pids = {"synapse": synapse_pid, "service": child.pid}
            await asyncio.sleep(5)  # the start pass over every room is done by then
            report["rss_full"] = {k: rss_mb(p) for k, p in pids.items()}
            before = {k: cpu_seconds(p) for k, p in pids.items()}
            await asyncio.sleep(args.idle_seconds)
            idle = {k: (cpu_seconds(p) - before[k]) / args.idle_seconds
                    for k, p in pids.items()}
            report["idle"][label] = idle
            report["idle_cpu"] = idle
            per_room = (idle["service"] - report["idle_empty"]) / max(args.rooms, 1)
            print(f"idle ({label}): service {idle['service'] * 100:.2f} % of a core (0 rooms:"
                  f" {report['idle_empty'] * 100:.2f} %) = {per_room * 1e6:.1f} µs per room "
                  "per second; "
                  f"synapse {idle['synapse'] * 100:.1f} %; rss {report['rss_full']}; "
                  f"start {child.started_seconds:.1f} s", flush=True)
            if label != schedules[-1][0]:
                await stop_child(child)
        if args.seed_only:
            await stop_child(child)
            report["db_mb"] = db_size_mb(db_url)
            report["synapse_db_mb"] = synapse_db_mb(tmp, synapse_extra, synapse_size)
            print("\n" + json.dumps(report, default=str))
            return

        active = [r for r in regies if r in setup.rooms][: args.active]
        people = await people_for(hs, tokens, active)
        wegwijzer = bots["wegwijzer"].user_id
        dms = {}
        for user in active:
            dms[user] = await people[user].dm(wegwijzer)
        driver = Driver(people, {u: setup.rooms[u] for u in active}, setup.member_of, dms,
                        colleagues=regies[: max(10, args.active)])
        bot_ids = {k: b.user_id for k, b in bots.items()}
        steps = []
        for n_variant, variant in enumerate(args.variants or ["now"]):
            if n_variant or variant != "now":  # each on a fresh service (and Synapse)
                await stop_child(child)
                if variant == "no-presence":
                    await hs.stop()
                    hs = await start_homeserver(
                        tmp / "hs", [gate_module(policy_dir, db_url, "@casus:localhost")],
                        profile="test",
                        extra={**(synapse_extra or {}), "presence": {"enabled": False}})
                    synapse_pid = hs.process.pid
                    assert synapse_pid is not None
                child = await start_child(config, tmp, sync_filter=not args.no_sync_filter,
                                          room_concurrency=args.room_concurrency,
                                          quiet_push=variant != "loud-bots",
                                          runner=RUNNER_VARIANTS.get(variant))
                pids = {"synapse": synapse_pid, "service": child.pid}
            if variant == "loud-bots":  # as before session 4: the default push rules
                for token in bot_tokens.values():
                    await set_master_rule(hs.url, token, False)
            print(f"variant {variant}", flush=True)
            # Warm-up: every kind once per active regie is too much; a few rounds suffice.
            for kind, _ in MIX:
                await driver.command(kind)
            probe = (census_probe(hs, synapse_extra, bot_ids, active)
                     if args.census else None)
            for kinds in ([[k] for k in args.kinds] if args.kinds and args.each_kind
                          else [args.kinds or []]):
                if kinds:  # one command kind (or a few) at a time, equal weights
                    driver.mix = [(k, 1) for k in kinds]
                    print(f"  kinds: {', '.join(kinds)}", flush=True)
                got = await run_steps(driver, args.rates, args.step_seconds, pids, child.url,
                                      profile=args.profile, census=probe,
                                      stop_p95=args.stop_p95, trace=args.trace,
                                      alternate=args.alternate)
                for step in got:
                    step.variant = variant + (f" ({','.join(kinds)})" if args.each_kind
                                              else "")
                steps += got
            if probe is not None:
                probe.db.dispose()
        metrics_text = await scrape(child.url)
        await close_people(people)
        await stop_child(child)
        report["db_mb"] = db_size_mb(db_url)
        report["synapse_db_mb"] = synapse_db_mb(tmp, synapse_extra, synapse_size)
        report["sync_lag_p95_bucket"] = _hist_p95(metrics_text, "busbaan_sync_lag_seconds")
    finally:
        await hs.stop()
        synapse_drop()
    sustained = [s for s in steps if s.p95 <= GOAL_P95 and not s.errors]
    ref_rate = sustained[-1].rate if sustained else steps[0].rate
    ref_rates = args.reference_rates or [ref_rate]
    refs = await reference(tmp, ref_rates, args.step_seconds, args.active, args.synapse_db,
                           census=args.census, element_like=args.element_like_reference,
                           stop_p95=args.stop_p95, jit=args.synapse_pg_jit)
    print_report(report, steps, refs, ref_rate, args)


def _hist_p95(text: str, name: str) -> float:
    buckets = sorted(((float(lab["le"]), v) for n, lab, v in samples(text)
                      if n == f"{name}_bucket"), key=lambda x: x[0])
    merged: dict[float, float] = {}
    for le, v in buckets:
        merged[le] = merged.get(le, 0.0) + v
    total = max(merged.values(), default=0.0)
    for le, v in sorted(merged.items()):
        if total and v >= 0.95 * total:
            return le
    return float("nan")


def print_report(report: dict[str, Any], steps: list[Step], refs: list[RefStep],
                 ref_rate: float, args: argparse.Namespace) -> None:
    rooms = args.rooms
    print(f"\n## bench.load — store {args.db}, Synapse on {args.synapse_db}, "
          f"{args.professionals} professionals, "
          f"{rooms} case rooms, {args.active} active regies, steps of {args.step_seconds:g} s"
          f"{', bots sync everything' if args.no_sync_filter else ''}\n")
    seeded = report["seed_rooms"]
    print(f"- set-up: registration {report['register_seconds']:.0f} s, seeding ({args.seed}) "
          f"{report['seed_seconds']:.0f} s ({report['seed_seconds'] / max(seeded, 1) * 1000:.0f}"
          f" ms per room, {seeded / max(report['seed_seconds'], 1e-9):.1f} rooms/s), service "
          f"start with all rooms {report['service_start_seconds']:.1f} s")
    for proc in ("service", "synapse"):
        full = report["rss_full"][proc]
        empty = report["rss_empty"][proc]
        print(f"- memory {proc}: {empty:.0f} MB with 0 rooms, {full:.0f} MB with {rooms} "
              f"→ {(full - empty) / max(rooms, 1) * 1000:.0f} MB per 1,000 rooms")
    for label, idle in report["idle"].items():
        per_room = (idle["service"] - report["idle_empty"]) / max(rooms, 1)
        print(f"- idle CPU ({label}, {rooms} rooms): service "
              f"{idle['service'] * 100:.2f} % of a core (0 rooms: "
              f"{report['idle_empty'] * 100:.2f} %) → "
              f"{per_room * 1e6:.1f} µs per room per second; synapse "
              f"{idle['synapse'] * 100:.1f} %")
    print(f"- store {report['db_mb']:.1f} MB, Synapse database {report['synapse_db_mb']:.1f} MB;"
          f" bots' sync lag p95 ≤ {report['sync_lag_p95_bucket'] * 1000:.0f} ms (bucket)")
    print("\n| variant | commands/s | n | p50 ms | p95 ms | max ms | errors | msg p95 ms | "
          "synapse CPU | service CPU | synapse ms/cmd | service ms/event | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in steps:
        secs = [x.seconds for x in s.commands]
        msgs = [x.seconds for x in s.messages]
        n = len(s.commands)
        print(f"| {s.variant} | {s.rate:g} ({n / s.wall:.1f}) | {n} | "
              f"{statistics.median(secs) * 1000:.0f} | "
              f"{s.p95 * 1000:.0f} | {max(secs) * 1000:.0f} | {s.errors} | "
              f"{pct(msgs, 0.95) * 1000:.0f} | {s.cpu['synapse'] / s.wall * 100:.0f} % | "
              f"{s.cpu['service'] / s.wall * 100:.0f} % | "
              f"{s.cpu['synapse'] / max(n, 1) * 1000:.1f} | "
              f"{s.cpu['service'] / max(s.events, 1) * 1000:.2f} | {s.load:.1f} |")
    pooled: dict[tuple[str, float], list[Step]] = {}
    for s in steps:
        pooled.setdefault((s.variant, s.rate), []).append(s)
    if any(len(v) > 1 for v in pooled.values()):  # a variant run more than once (A/B/A/B)
        print("\npooled over the repeats of each variant (all its commands at that rate):")
        print("| variant | rate | repeats | n | p50 ms | p95 ms | p50 per kind ms |")
        print("|---|---|---|---|---|---|---|")
        for (variant, rate), group in pooled.items():
            cmds = [c for g in group for c in g.commands]
            secs = [c.seconds for c in cmds]
            kinds = ", ".join(f"{k} {statistics.median(v) * 1000:.0f}"
                              for k, v in sorted(_by_kind(cmds).items()))
            print(f"| {variant} | {rate:g} | {len(group)} | {len(cmds)} | "
                  f"{statistics.median(secs) * 1000:.0f} | {pct(secs, 0.95) * 1000:.0f} | "
                  f"{kinds} |")
        from busbaan.metrics import COMMAND_STAGES
        for (variant, rate), group in pooled.items():
            for bot in sorted({b for g in group for b, _ in g.stages}):
                cells = []
                for stage in COMMAND_STAGES:
                    got = [g.stages[(bot, stage)] for g in group if (bot, stage) in g.stages]
                    count = sum(c for c, _ in got)
                    if count:
                        cells.append(f"{stage} "
                                     f"{sum(c * m for c, m in got) / count * 1000:.0f}")
                if cells:
                    print(f"- {variant} at {rate:g}/s, bot {bot}, mean ms: " + ", ".join(cells))
    last = steps[-1]
    print("\nper kind at the last step (p50 / p95 ms): " + ", ".join(
        f"{k} {statistics.median(v) * 1000:.0f} / {pct(v, 0.95) * 1000:.0f}"
        for k, v in _by_kind(last.commands).items()))
    sustained = [s for s in steps if s.p95 <= GOAL_P95 and not s.errors]
    print(f"\nsustained: {sustained[-1].rate:g} commands/s at p95 ≤ 300 ms" if sustained
          else "\nsustained: none of the steps held p95 ≤ 300 ms")
    for r in refs:
        ref = r.samples
        ref_secs = [x.seconds for x in ref]
        print(f"reference, Synapse alone at {r.rate:g} messages/s: n {len(ref)}, p50 "
              f"{statistics.median(ref_secs) * 1000:.0f} ms, p95 {r.p95 * 1000:.0f} ms,"
              f" errors {sum(not x.ok for x in ref)}, synapse CPU "
              f"{r.cpu['synapse'] / r.cpu['wall'] * 100:.0f} % "
              f"({r.cpu['synapse'] / max(len(ref), 1) * 1000:.1f} ms per message)")
    held = [r for r in refs if r.p95 <= GOAL_P95 and all(x.ok for x in r.samples)]
    print("Synapse alone sustained: " + (f"{held[-1].rate:g} messages/s at p95 ≤ 300 ms"
                                         if held else "none of its steps held p95 ≤ 300 ms"))
    same = next((r for r in refs if r.rate == ref_rate), refs[0])
    busbaan = next((s for s in steps if s.rate == same.rate), steps[0])
    b = [x.seconds for x in busbaan.commands]
    ref_secs = [x.seconds for x in same.samples]
    print(f"ratio busbaan command → reply / Synapse alone message → seen at {same.rate:g}/s: "
          f"p50 {statistics.median(b) / statistics.median(ref_secs):.2f}, p95 "
          f"{pct(b, 0.95) / pct(ref_secs, 0.95):.2f}")
    print("\n" + json.dumps({k: v for k, v in report.items()}, default=str))


def _by_kind(samples_: list[Sample]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for s in samples_:
        out.setdefault(s.kind, []).append(s.seconds)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--professionals", type=int, default=2000)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--active", type=int, default=40)
    parser.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")],
                        default=[2, 5, 10, 15, 20, 30])
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--synapse-db", choices=["sqlite", "postgresql"], default="sqlite",
                        help="Synapse's own database (production: PostgreSQL); needs "
                        "psycopg2 (the dev extra)")
    parser.add_argument("--synapse-pg-jit", action="store_true",
                        help="leave PostgreSQL's JIT on for Synapse's connections (the "
                        "server's default; off otherwise, as deploy/ does)")
    parser.add_argument("--seed", choices=["fast", "handlers"], default="fast",
                        help="fast: one createRoom with the grant and both invitations, "
                        "store rows through the case service; handlers: the casus bot's "
                        "command handlers, one step after another (before issue 12's fix)")
    parser.add_argument("--seed-compare", type=int, default=0, metavar="N",
                        help="first seed N rooms through the handlers and N the fast way, "
                        "timed side by side")
    parser.add_argument("--check-seeding", action="store_true",
                        help="seed one room each way first and compare them")
    parser.add_argument("--idle-compare", action="store_true",
                        help="measure the idle cost with the old schedule (every room every "
                        "tick) first, then the event-driven one")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="py-spy each process during each step (raw files in DIR, "
                        "top functions printed)")
    parser.add_argument("--seed-only", action="store_true",
                        help="stop after seeding, service start and idle cost")
    parser.add_argument("--room-concurrency", type=int, default=None, metavar="N",
                        help="rooms whose commands a bot handles at once (default "
                        "busbaan.matrix.runner.ROOM_CONCURRENCY; 1: one at a time, as "
                        "before issue 12)")
    parser.add_argument("--variants", type=lambda s: s.split(","), default=None,
                        metavar="V1,V2,…",
                        help="run the steps once per variant, in this order, on the same "
                        "seeded rooms: now (this code), loud-bots (the bots keep Synapse's "
                        "default push rules, as before session 4), no-presence (now, with "
                        "Synapse restarted with presence off), old-inbox (each sync waits "
                        "for its inbox write; every unanswered command read twice per sync, "
                        "as before session 5), no-pipeline, no-handoff (one of the two "
                        "session-5 changes off), direct (room tasks started by the inbox "
                        "writer, not through the worker's queue; off by default)")
    parser.add_argument("--census", action="store_true",
                        help="per step: Synapse's requests by sender and endpoint with the "
                        "CPU inside each (its access log), and what it wrote (events by "
                        "type, receipts, account data, presence) per command")
    parser.add_argument("--reference-rates", type=lambda s: [float(x) for x in s.split(",")],
                        default=None, metavar="R1,R2,…",
                        help="Synapse alone at these rates in turn (default: the busbaan "
                        "run's last sustained rate, or its first)")
    parser.add_argument("--element-like-reference", action="store_true",
                        help="Synapse alone: a typing notice before and a read receipt "
                        "after each message, as the load's commands have")
    parser.add_argument("--stop-p95", type=float, default=GOAL_P95, metavar="SECONDS",
                        help="end the busbaan steps at the first whose p95 exceeds this "
                        "(default 0.3: the goal)")
    parser.add_argument("--skip-load", action="store_true",
                        help="only the reference (Synapse alone) at --reference-rates")
    parser.add_argument("--alternate", type=float, default=0.0, metavar="SECONDS",
                        help="within each step, switch the service's inbox path between "
                        "now and as before session 5 (old-inbox) every SECONDS, and "
                        "report the two side by side")
    parser.add_argument("--trace", action="store_true",
                        help="per step, the reply time in parts: per kind from the events' "
                        "server timestamps, per bot from busbaan_command_stage_seconds")
    parser.add_argument("--kinds", type=lambda s: s.split(","), default=None,
                        metavar="K1,K2", help="only these command kinds (equal weights), "
                        "from: " + ", ".join(k for k, _ in MIX))
    parser.add_argument("--each-kind", action="store_true",
                        help="with --kinds: the steps once per kind, one kind at a time")
    parser.add_argument("--no-sync-filter", action="store_true",
                        help="the bots sync everything (as before issue 12)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parser.parse_args()))
