"""Handover figures (docs/benchmarks.md, "Handovers (issue 3)").

1. Command → bot reply through Synapse, p50/p95 in milliseconds, for ``!overdracht``
   and ``!accepteer`` side by side with ``!help`` (no store, no Matrix work: the
   echo-like baseline) and ``!regie`` (one store read), interleaved in one run. An
   embedded Synapse with the busbaan gate, the casus bot, two professionals ping-pong
   the regie of one case (A proposes to B, B accepts, B proposes to A, ...). Latency is
   from sending the command to the reply arriving through the sender's sync.
   **Goal: p50 of !overdracht and !accepteer ≤ 1.5 × p50 of !help.**
2. 1,000 open cases with a pending proposal each (400 due for a reminder, 300 past
   their deadline, 300 not due): one reminder/expiry sweep, pure + store (read the open
   proposals, ``plan_sweep``, store reminders and expiries, append the records to the
   audit log). Fresh copy of the store per round. **Goal: ≤ 1 s.**

    .venv/bin/python -m bench.handover [--rounds 60] [--sweep-rounds 5] [--pg] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nio
import sqlalchemy as sa

from bots.casus.handover import HandoverSweep
from busbaan.audit.storage import AuditLog
from busbaan.cases import AuditMirror, CaseService
from busbaan.consent import Professional
from busbaan.handover import Handover, HandoverRules, add_working_days, plan_sweep
from busbaan.policy import load_policy
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import HandoverRepository

ROOT = Path(__file__).resolve().parents[1]
POLICY_DIR = ROOT / "policies"
GOAL_RATIO = 1.5
GOAL_SWEEP_S = 1.0
CASES = 1000
REASON = "schulden lopen op, budgetbeheer nodig"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# -- 1. command latency through Synapse ----------------------------------------------


@dataclass
class Client:
    """A professional's client: send a command, wait for the bot's reply to it."""

    user_id: str
    client: nio.AsyncClient
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.client.sync(timeout=0, full_state=True)
        self.task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            resp = await self.client.sync(timeout=30_000)
            if isinstance(resp, nio.SyncResponse):
                for room in resp.rooms.join.values():
                    for ev in room.timeline.events:
                        content = ev.source.get("content", {})
                        rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
                        if "nl.busbaan.reply" in content and rel.get("event_id"):
                            self.replies[rel["event_id"]] = content
                self.arrived.set()

    async def command(self, room_id: str, text: str) -> tuple[float, dict[str, Any]]:
        t0 = time.perf_counter()
        resp = await self.client.room_send(room_id, "m.room.message",
                                           {"msgtype": "m.text", "body": text})
        assert isinstance(resp, nio.RoomSendResponse), resp
        while resp.event_id not in self.replies:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 30)
        return (time.perf_counter() - t0) * 1000, self.replies.pop(resp.event_id)

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
        await self.client.close()


async def command_latency(rounds: int, warmup: int = 5) -> dict[str, Any]:
    from busbaan.cli.dev import gate_module
    from busbaan.devstack import new_password, start_homeserver
    from busbaan.matrix.runner import BotAccount
    from busbaan.service import Service, ServiceConfig
    from busbaan.store.repositories import DirectoryRepository

    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-handover-"))
    url = f"sqlite:///{base / 'busbaan.db'}"
    migrate(url)
    bot_id = "@casus:localhost"
    hs = await start_homeserver(base / "hs", [gate_module(POLICY_DIR, url, bot_id)],
                                profile="test")
    service: Service | None = None
    clients: list[Client] = []
    try:
        password = new_password()
        creds = await hs.register("casus", password, lift_ratelimit=True)
        service = Service(ServiceConfig(
            encryption=False,  # plain nio clients here; ON by default (issue 11)
            homeserver=hs.url, policy_dir=POLICY_DIR, database_url=url,
            bots={"casus": BotAccount("casus", hs.url, creds.user_id, password=password)},
            state_dir=base / "state", web_port=-1, audit_key_init=True))
        await service.start()
        engine = make_engine(url)
        for name in ("a", "b"):
            c = await hs.register(f"bench-{name}", new_password())
            DirectoryRepository(engine).upsert(
                [Professional(c.user_id, "buurtteam", "buurtteammedewerker")], source="bench",
                now=dt.datetime.now(dt.UTC))
            client = nio.AsyncClient(hs.url, c.user_id, config=nio.AsyncClientConfig(
                encryption_enabled=False, store_sync_tokens=False))
            client.access_token, client.user_id = c.access_token, c.user_id
            clients.append(Client(c.user_id, client))
            await clients[-1].start()
        engine.dispose()
        await service.casus.refresh_directory(force=True)
        a, b = clients
        dm = await a.client.room_create(is_direct=True, invite=[bot_id])
        assert isinstance(dm, nio.RoomCreateResponse)
        await asyncio.sleep(1.0)  # the bot joins the direct room
        _, reply = await a.command(dm.room_id, "!casus nieuw bench")
        room = reply["nl.busbaan.reply"]["data"]["room_id"]
        await a.client.join(room)
        _, reply = await a.command(room, f"!uitnodigen {b.user_id}")
        assert reply["nl.busbaan.reply"]["ok"], reply["body"]
        await b.client.join(room)
        await asyncio.sleep(0.5)

        times: dict[str, list[float]] = {"!help": [], "!regie": [], "!overdracht": [],
                                         "!accepteer": []}
        settled: dict[str, list[float]] = {name: [] for name in times}
        casus = service.casus
        lead, other = a, b
        for i in range(warmup + rounds):
            steps = [
                (lead, "!help", "!help"),
                (lead, "!overdracht", f"!overdracht {other.user_id} {REASON}"),
                (other, "!regie", "!regie"),
                (other, "!accepteer", "!accepteer"),
            ]
            for who, name, text in steps:
                # Each command starts on a quiet bot: the previous one's follow-ups
                # (room state, notices) are done, so no command pays for another.
                await casus.settle()
                await asyncio.sleep(0.05)
                t0 = time.perf_counter()
                ms, content = await who.command(room, text)
                assert content["nl.busbaan.reply"]["ok"], (name, content["body"])
                await casus.settle()
                done_ms = (time.perf_counter() - t0) * 1000
                if i >= warmup:
                    times[name].append(ms)
                    settled[name].append(max(done_ms, ms))
            lead, other = other, lead
        rows = {name: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95),
                       "mean_ms": statistics.fmean(v),
                       "settled_p50_ms": percentile(settled[name], 50)}
                for name, v in times.items()}
        base_p50 = rows["!help"]["p50_ms"]
        for row in rows.values():
            row["ratio_p50"] = row["p50_ms"] / base_p50
        return {"rounds": rounds, "warmup": warmup, "rows": rows,
                "synapse_startup_s": hs.startup_seconds}
    finally:
        for c in clients:
            await c.stop()
        if service is not None:
            await service.stop()
        await hs.stop()
        shutil.rmtree(base, ignore_errors=True)


# -- 2. the sweep -------------------------------------------------------------------------


NOW = dt.datetime(2026, 3, 5, 11, 0, tzinfo=dt.UTC)  # a Thursday


def _seed(url: str) -> list[Professional]:
    """1,000 open cases with one open proposal each: 400 due for a reminder, 300 past
    their deadline, 300 not yet due."""
    rules = HandoverRules()
    engine = make_engine(url)
    cases, proposals, people = [], [], []
    for i in range(CASES):
        case_id = f"C-B{i:07d}"
        regie, addressee = f"@r{i}:buurtteam.example", f"@s{i}:schuldhulp.example"
        people += [Professional(regie, "buurtteam", "buurtteammedewerker"),
                   Professional(addressee, "schuldhulp", "schuldhulpverlener")]
        if i < 400:
            proposed = NOW - dt.timedelta(days=2)  # past the reminder, not the deadline
        elif i < 700:
            proposed = NOW - dt.timedelta(days=10)  # past the deadline
        else:
            proposed = NOW - dt.timedelta(hours=2)  # nothing due
        naive = proposed.replace(tzinfo=None)
        cases.append({"case_id": case_id, "room_id": f"!room{i}:localhost", "label": "",
                      "home_organisation": "buurtteam", "regie": regie,
                      "regie_since": naive, "status": "open", "created_by": regie,
                      "created_at": naive})
        proposals.append({
            "handover_id": f"H-B{i:07d}", "case_id": case_id, "proposer": regie,
            "addressee": addressee, "from_organisation": "buurtteam",
            "to_organisation": "schuldhulp", "reason": REASON, "status": "proposed",
            "proposed_at": naive,
            "remind_at": add_working_days(proposed, rules.remind_after_working_days)
            .replace(tzinfo=None),
            "expires_at": add_working_days(proposed, rules.expire_after_working_days)
            .replace(tzinfo=None),
        })
    meta = sa.MetaData()
    meta.reflect(engine, only=["case_record", "handover"])
    with engine.begin() as conn:
        conn.execute(meta.tables["case_record"].insert(), cases)
        conn.execute(meta.tables["handover"].insert(), proposals)
    engine.dispose()
    return people


def _one_sweep(url: str, people: list[Professional]) -> dict[str, Any]:
    policy = load_policy(POLICY_DIR)
    engine = make_engine(url)
    repo = HandoverRepository(engine)
    log = AuditLog(engine)
    sweeper = HandoverSweep(CaseService(engine, policy=policy))
    mirror = AuditMirror(engine, log, bot_user_id="@casus:localhost")
    del people  # the actors' roles come from the store's directory now
    t0 = time.perf_counter()
    result = sweeper.run(NOW)
    mirror.drain()  # the records reach the audit log through the outbox: count it in
    total = time.perf_counter() - t0
    # The parts, measured again on their own (the store is swept already: read + pure).
    t1 = time.perf_counter()
    open_now = repo.open_all()
    read = time.perf_counter() - t1
    t2 = time.perf_counter()
    plan_sweep(open_now, NOW)
    pure = time.perf_counter() - t2
    t3 = time.perf_counter()
    again = sweeper.run(NOW)
    idle = time.perf_counter() - t3
    kinds = [d.kind for d, _ in result.steps]
    engine.dispose()
    return {"sweep_s": total, "reminded": kinds.count("remind"),
            "expired": kinds.count("expire"), "left_open": len(open_now),
            "read_open_s": read, "pure_s": pure, "idle_sweep_s": idle,
            "second_sweep_steps": len(again.steps),
            "audit_entries": log.size()}


def _pure_only(people: list[Professional]) -> float:
    rules = HandoverRules()
    proposals = []
    for i in range(CASES):
        proposed = NOW - dt.timedelta(days=(2, 10, 0)[0 if i < 400 else 1 if i < 700 else 2])
        proposals.append(Handover(
            f"H-{i}", f"C-{i}", people[2 * i].user_id, people[2 * i + 1].user_id, "buurtteam",
            "schuldhulp", REASON, proposed, add_working_days(proposed, 1),
            add_working_days(proposed, rules.expire_after_working_days)))
    t0 = time.perf_counter()
    plan_sweep(proposals, NOW)
    return time.perf_counter() - t0


def sweep_figures(rounds: int, pg: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-sweep-"))
    try:
        template = base / "template.db"
        url = f"sqlite:///{template}"
        migrate(url)
        people = _seed(url)
        runs = []
        for i in range(rounds):
            copy = base / f"round{i}.db"
            shutil.copy(template, copy)
            runs.append(_one_sweep(f"sqlite:///{copy}", people))
        out["sqlite"] = runs
        out["pure_only_s"] = _pure_only(people)
        if pg:
            out["postgresql"] = _pg_sweeps(rounds, people)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return out


def _pg_sweeps(rounds: int, people: list[Professional]) -> list[dict[str, Any]]:
    address = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432")
    host, _, port = address.partition(":")
    admin_url = f"postgresql+psycopg://postgres@{host}:{port or 5432}/postgres"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    runs = []
    try:
        for _ in range(rounds):
            name = f"busbaan_bench_{secrets.token_hex(4)}"
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            url = admin_url.rsplit("/", 1)[0] + f"/{name}"
            try:
                migrate(url)
                _seed(url)
                runs.append(_one_sweep(url, people))
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except sa.exc.OperationalError as exc:
        print(f"(PostgreSQL skipped: {type(exc.orig).__name__})", file=sys.stderr)
    finally:
        admin.dispose()
    return runs


# -- report -------------------------------------------------------------------------------


def render(result: dict[str, Any]) -> str:
    lines = [f"handover figures — Python {result['python']}, {result['cpus']} CPUs, load "
             f"average {result['load_average']}, {result['date']}"]
    lat = result.get("latency")
    if lat:
        lines += ["", f"Command → reply through Synapse ({lat['rounds']} rounds after "
                      f"{lat['warmup']} warm-up rounds, interleaved):", "",
                  "| command       | n   | p50 ms | p95 ms | mean ms | p50 / !help | "
                  "all work done p50 ms |",
                  "|---------------|----:|-------:|-------:|--------:|------------:|"
                  "---------------------:|"]
        for name, row in lat["rows"].items():
            lines.append(f"| {name:<13} | {row['n']:>3} | {row['p50_ms']:>6.1f} | "
                         f"{row['p95_ms']:>6.1f} | {row['mean_ms']:>7.1f} | "
                         f"{row['ratio_p50']:>11.2f} | {row['settled_p50_ms']:>20.1f} |")
        worst = max(lat["rows"]["!overdracht"]["ratio_p50"],
                    lat["rows"]["!accepteer"]["ratio_p50"])
        verdict = "met" if worst <= GOAL_RATIO else "MISSED"
        lines.append(f"goal p50 ratio ≤ {GOAL_RATIO}: {verdict} (worst {worst:.2f})")
    sw = result.get("sweep")
    if sw:
        lines += ["", f"Sweep over {CASES:,} open proposals (pure + store), per round:", "",
                  "| store      | round | sweep s | reminded | expired | read s | idle sweep s |",
                  "|------------|------:|--------:|---------:|--------:|-------:|-------------:|"]
        for store in ("sqlite", "postgresql"):
            for i, r in enumerate(sw.get(store, [])):
                lines.append(f"| {store:<10} | {i + 1:>5} | {r['sweep_s']:>7.3f} | "
                             f"{r['reminded']:>8} | {r['expired']:>7} | {r['read_open_s']:>6.3f} | "
                             f"{r['idle_sweep_s']:>12.3f} |")
        every = [r["sweep_s"] for s in ("sqlite", "postgresql") for r in sw.get(s, [])]
        lines.append(f"pure plan_sweep over {CASES:,} proposals: "
                     f"{sw['pure_only_s'] * 1000:.1f} ms")
        verdict = "met" if max(every) <= GOAL_SWEEP_S else "MISSED"
        lines.append(f"goal sweep ≤ {GOAL_SWEEP_S} s: {verdict} (max {max(every):.3f} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.handover", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=60, help="latency rounds")
    parser.add_argument("--sweep-rounds", type=int, default=5)
    parser.add_argument("--pg", action="store_true", help="also sweep on PostgreSQL")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from busbaan.log import configure

    configure(level="WARNING")
    result: dict[str, Any] = {
        "date": dt.date.today().isoformat(), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    result["sweep"] = sweep_figures(args.sweep_rounds, args.pg)
    if not args.skip_latency:
        result["latency"] = asyncio.run(command_latency(args.rounds))
    print(json.dumps(result, indent=2) if args.json else render(result))
    ok = max(r["sweep_s"] for s in ("sqlite", "postgresql")
             for r in result["sweep"].get(s, [])) <= GOAL_SWEEP_S
    if "latency" in result:
        rows = result["latency"]["rows"]
        ok = ok and max(rows["!overdracht"]["ratio_p50"], rows["!accepteer"]["ratio_p50"]) <= (
            GOAL_RATIO)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
