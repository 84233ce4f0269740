"""The case service's figures (issue 9), side by side in one run.

    .venv/bin/python -m bench.casesvc [--rounds 20] [--quick] [--part latency,withdrawal,audit]

1. **latency** — command → reply through a real Synapse with the gate, p50/p95 for
   ``!help``, ``!toestemming geef``, ``!toestemming intrekken`` and ``!toestemming``,
   and each one's ratio to ``!help`` (goal ≤ 1.5). Uses only the service's public
   start-up, so the same file measures an older checkout ("before") when run with
   ``PYTHONPATH=<that checkout>:<dir with a copy of this file>`` and
   ``BUSBAAN_ROOT=<that checkout>``.
2. **withdrawal** — ``!toestemming intrekken`` → the member removed (seen by the
   member's client), p50/p95, normally and when the first state write of the
   withdrawal is refused (goal p95 ≤ 2 s both).
3. **audit** — audit appends/s through the outbox (events stored by the case service's
   unit, appended by the audit mirror, batches of 10,000) next to direct batched
   appends of the same entries, SQLite and PostgreSQL (``--stores``; a database of its
   own on BUSBAAN_TEST_PG), 20,000 events (5,000 with ``--quick``), three rounds of
   (direct, outbox, kept) on fresh databases, medians (goal ≥ 10,000/s on SQLite).
   "kept": the events the committing process handed the mirror (``CaseService.
   on_events``), so it reads no payload back — the bot's normal case.

``--before REV`` runs the same parts against the library of git REV (``git archive``
into a temporary directory, this file run there in a subprocess): latency and
withdrawal once before, once after; the audit part alternates before, after, before,
after. One command, e.g. ``python -m bench.casesvc --before 7be52ca``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import nio

from bench.handover import Client, percentile
from busbaan.consent import Professional
from busbaan.store import make_engine, migrate

#: The checkout whose policies are used ("before" runs point it at the older checkout).
ROOT = Path(os.environ.get("BUSBAAN_ROOT", Path(__file__).resolve().parents[1]))
POLICY_DIR = ROOT / "policies"


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


async def _stack(base: Path) -> tuple[Any, Any, list[Client], str]:
    from busbaan.cli.dev import gate_module
    from busbaan.devstack import new_password, start_homeserver
    from busbaan.matrix.runner import BotAccount
    from busbaan.service import Service, ServiceConfig
    from busbaan.store.repositories import DirectoryRepository

    url = f"sqlite:///{base / 'busbaan.db'}"
    migrate(url)
    bot_id = "@casus:localhost"
    hs = await start_homeserver(base / "hs", [gate_module(POLICY_DIR, url, bot_id)],
                                profile="test")
    password = new_password()
    creds = await hs.register("casus", password, lift_ratelimit=True)
    service = Service(ServiceConfig(
        encryption=False,  # plain nio clients here; ON by default (issue 11)
        homeserver=hs.url, policy_dir=POLICY_DIR, database_url=url,
        bots={"casus": BotAccount("casus", hs.url, creds.user_id, password=password)},
        state_dir=base / "state", web_port=-1, reconcile_seconds=0.5, audit_key_init=True))
    await service.start()
    engine = make_engine(url)
    clients = []
    for name, org, role in (("a", "buurtteam", "buurtteammedewerker"),
                            ("b", "schuldhulp", "schuldhulpverlener")):
        c = await hs.register(f"bench-{name}", new_password(), lift_ratelimit=True)
        DirectoryRepository(engine).upsert([Professional(c.user_id, org, role)],
                                           source="bench", now=dt.datetime.now(dt.UTC))
        client = nio.AsyncClient(hs.url, c.user_id, config=nio.AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False))
        client.access_token, client.user_id = c.access_token, c.user_id
        clients.append(Client(c.user_id, client))
        await clients[-1].start()
    engine.dispose()
    await service.casus.refresh_directory(force=True)
    a = clients[0]
    dm = await a.client.room_create(is_direct=True, invite=[bot_id])
    assert isinstance(dm, nio.RoomCreateResponse)
    await asyncio.sleep(1.0)
    _, reply = await a.command(dm.room_id, "!casus nieuw bench")
    room = reply["nl.busbaan.reply"]["data"]["room_id"]
    await a.client.join(room)
    return hs, service, clients, room


async def latency(rounds: int, warmup: int = 3) -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-casesvc-"))
    hs, service, clients, room = await _stack(base)
    a = clients[0]
    try:
        times: dict[str, list[float]] = {"!help": [], "!toestemming geef": [],
                                         "!toestemming intrekken": [], "!toestemming": []}
        for i in range(warmup + rounds):
            grant_id = ""
            for name in times:
                text = {"!help": "!help",
                        "!toestemming geef": "!toestemming geef schuldhulp schulden "
                                             f"grondslag=wgs tot={_until(30 + i)}",
                        "!toestemming intrekken": "!toestemming intrekken {g}",
                        "!toestemming": "!toestemming"}[name].format(g=grant_id)
                await service.casus.settle()  # each command starts on a quiet bot
                await asyncio.sleep(0.05)
                ms, content = await a.command(room, text)
                r = content["nl.busbaan.reply"]
                assert r["ok"], (name, content["body"])
                if name == "!toestemming geef":
                    grant_id = r["data"]["grants"][0]["grant_id"]
                if i >= warmup:
                    times[name].append(ms)
        rows = {n: {"n": len(v), "p50_ms": round(percentile(v, 50), 1),
                    "p95_ms": round(percentile(v, 95), 1),
                    "mean_ms": round(statistics.fmean(v), 1)} for n, v in times.items()}
        for row in rows.values():
            row["ratio_p50"] = round(row["p50_ms"] / rows["!help"]["p50_ms"], 2)
            row["ratio_p95"] = round(row["p95_ms"] / rows["!help"]["p95_ms"], 2)
        return {"rounds": rounds, "rows": rows}
    finally:
        for c in clients:
            await c.stop()
        await service.stop()
        await hs.stop()
        shutil.rmtree(base, ignore_errors=True)


async def withdrawal(rounds: int) -> dict[str, Any]:
    """Withdrawal → member removed, normally and with the first state write refused."""
    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-withdraw-"))
    hs, service, clients, room = await _stack(base)
    a, b = clients
    mirror = service.casus.state_mirror
    real_writer = mirror.writer
    refuse = {"armed": False}

    async def flaky(room_id: str, event_type: str, content: dict[str, Any],
                    state_key: str) -> None:
        if refuse["armed"] and event_type == "nl.busbaan.consent":
            refuse["armed"] = False
            raise RuntimeError("state write refused (injected at the edge)")
        await real_writer(room_id, event_type, content, state_key)

    mirror.writer = flaky
    out: dict[str, Any] = {}
    try:
        for mode in ("normal", "first_state_write_refused"):
            removed: list[float] = []
            state_held: list[float] = []
            for i in range(rounds):
                _, r = await a.command(room, "!toestemming geef schuldhulp schulden "
                                             f"grondslag=wgs tot={_until(30 + i)}")
                grant = r["nl.busbaan.reply"]["data"]["grants"][0]["grant_id"]
                _, r = await a.command(room, f"!uitnodigen {b.user_id}")
                assert r["nl.busbaan.reply"]["ok"], r["body"]
                assert isinstance(await b.client.join(room), nio.JoinResponse)
                await service.casus.settle()
                await asyncio.sleep(0.2)
                refuse["armed"] = mode != "normal"
                t0 = time.perf_counter()
                await a.client.room_send(room, "m.room.message", {
                    "msgtype": "m.text", "body": f"!toestemming intrekken {grant}"})
                gone = held = None
                while gone is None or held is None:
                    if gone is None:
                        st = await a.client.room_get_state_event(room, "m.room.member",
                                                                 b.user_id)
                        if getattr(st, "content", {}).get("membership") == "leave":
                            gone = time.perf_counter() - t0
                    if held is None:
                        st = await a.client.room_get_state_event(room, "nl.busbaan.consent",
                                                                 grant)
                        if "withdrawn_at" in getattr(st, "content", {}):
                            held = time.perf_counter() - t0
                    if time.perf_counter() - t0 > 30:
                        raise TimeoutError("no removal within 30 s")
                    await asyncio.sleep(0.02)
                removed.append(gone * 1000)
                state_held.append(held * 1000)
                await service.casus.settle()
            out[mode] = {"n": rounds, "removed_p50_ms": round(percentile(removed, 50), 1),
                         "removed_p95_ms": round(percentile(removed, 95), 1),
                         "state_withdrawn_p50_ms": round(percentile(state_held, 50), 1),
                         "state_withdrawn_p95_ms": round(percentile(state_held, 95), 1)}
        out["state_write_failures"] = mirror.failures
        return out
    finally:
        for c in clients:
            await c.stop()
        await service.stop()
        await hs.stop()
        shutil.rmtree(base, ignore_errors=True)


def _store(kind: str, base: Path, name: str) -> tuple[str, Any]:
    """A fresh store: a SQLite file, or a dedicated PostgreSQL database (dropped after)."""
    if kind == "sqlite":
        return f"sqlite:///{base / name}.db", lambda: None
    import secrets

    import sqlalchemy as sa

    host, _, port = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432").partition(":")
    server = f"postgresql+psycopg://postgres@{host}:{port or 5432}"
    db = f"busbaan_bench_outbox_{secrets.token_hex(4)}"
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{db}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.dispose()

    return f"{server}/{db}", drop


def _pg_reachable() -> bool:
    import sqlalchemy as sa

    address = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432")
    engine = sa.create_engine(f"postgresql+psycopg://postgres@{address}/postgres",
                              connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def audit_rate(n: int, batch: int = 10_000, stores: tuple[str, ...] = ("sqlite",),
               pairs: int = 3) -> dict[str, Any]:
    """Appends/s: outbox → audit mirror, next to direct batched appends, per store."""
    from busbaan.audit.storage import AuditLog
    from busbaan.cases import AuditMirror
    from busbaan.events import ConsentGranted, new_event_id
    from busbaan.store.service_tables import outbox_table

    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-outbox-"))
    try:
        now = dt.datetime.now(dt.UTC)
        events = [ConsentGranted(event_id=new_event_id(), case_id="C-7KQ2MX4A",
                                 occurred_at=now, actor="@regie:localhost",
                                 actor_role="buurtteammedewerker",
                                 actor_organisation="buurtteam", grant_id=f"G-{i:08d}",
                                 organisation="schuldhulp", categories=("schulden",),
                                 legal_bases=("wgs",), valid_from=now, valid_until=now)
                  for i in range(n)]
        out: dict[str, Any] = {"n": n, "batch": batch, "pairs": pairs}
        for store in stores:
            if store == "postgresql" and not _pg_reachable():
                out[store] = {"skipped": "PostgreSQL not reachable (BUSBAAN_TEST_PG)"}
                continue
            variants = ("direct", "outbox") + (
                ("kept",) if hasattr(AuditMirror, "remember") else ())
            rates: dict[str, list[float]] = {v: [] for v in variants}
            cpu: dict[str, list[float]] = {v: [] for v in variants}
            fills: list[float] = []
            # Pairs of (direct, outbox), each on a fresh database, one right after the
            # other: the per-pair ratio holds up when the machine's load changes.
            for pair in range(pairs):
                for variant in variants:
                    url, drop = _store(store, base, f"{variant}-{pair}")
                    try:
                        migrate(url)
                        engine = make_engine(url)
                        log = AuditLog(engine)
                        if variant == "direct":
                            # Writers build their entries too: timed on both sides.
                            t0, c0 = time.perf_counter(), time.process_time()
                            for start in range(0, n, batch):
                                log.append_many([e.audit_entry(bot_user_id="@casus:localhost")
                                                 for e in events[start:start + batch]])
                            seconds = time.perf_counter() - t0
                            cpu_s = time.process_time() - c0
                        else:
                            t_fill = time.perf_counter()
                            with engine.begin() as conn:
                                conn.execute(outbox_table.insert(), [
                                    {"event_id": e.event_id, "case_id": e.case_id,
                                     "code": e.CODE, "version": e.VERSION,
                                     "payload": e.to_dict(),
                                     "created_at": now.replace(tzinfo=None)} for e in events])
                            fills.append(time.perf_counter() - t_fill)
                            mirror = AuditMirror(engine, log, bot_user_id="@casus:localhost")
                            if variant == "kept":  # as CaseService.on_events hands them
                                mirror.remember(events)
                            t0, c0 = time.perf_counter(), time.process_time()
                            done = mirror.drain(batch=batch)
                            seconds = time.perf_counter() - t0
                            cpu_s = time.process_time() - c0
                            assert done == n and log.size() == n and mirror.pending() == 0
                        rates[variant].append(n / seconds)
                        cpu[variant].append(n / cpu_s)
                        engine.dispose()
                    finally:
                        drop()
            out[store] = {
                "direct_per_s": round(statistics.median(rates["direct"])),
                "outbox_per_s": round(statistics.median(rates["outbox"])),
                "outbox_fill_s": round(statistics.median(fills), 2),
                # This process's CPU only (the PostgreSQL server's is not in it): the
                # figure to compare on a loaded machine.
                "direct_per_cpu_s": round(statistics.median(cpu["direct"])),
                "outbox_per_cpu_s": round(statistics.median(cpu["outbox"])),
                "ratio_outbox_to_direct": round(statistics.median(
                    o / d for d, o in zip(rates["direct"], rates["outbox"], strict=True)), 2),
            }
            if "kept" in rates:  # events the committing process kept (this process)
                out[store].update({
                    "kept_per_s": round(statistics.median(rates["kept"])),
                    "kept_per_cpu_s": round(statistics.median(cpu["kept"])),
                    "ratio_kept_to_direct": round(statistics.median(
                        k / d for d, k in zip(rates["direct"], rates["kept"], strict=True)), 2),
                })
        return out
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _before(rev: str, argv: list[str]) -> dict[str, Any]:
    """This benchmark run against the library of an older commit (``git archive``),
    in a subprocess: the "before" column of the same run."""
    import subprocess
    import sys

    here = Path(__file__).resolve()
    repo = here.parents[1]
    tmp = Path(tempfile.mkdtemp(prefix="busbaan-bench-before-"))
    try:
        tree = tmp / "checkout"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(repo), "archive", rev],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        shim = tmp / "shim"
        shim.mkdir()
        shutil.copy(here, shim / "casesvc_now.py")
        env = dict(os.environ, BUSBAAN_ROOT=str(tree),
                   PYTHONPATH=os.pathsep.join([str(tree), str(shim)]))
        done = subprocess.run([sys.executable, "-m", "casesvc_now", *argv, "--json-only"],
                              capture_output=True, text=True, env=env, cwd=str(tmp))
        if done.returncode != 0:
            raise RuntimeError(f"the run against {rev} failed:\n{done.stderr[-3000:]}")
        text = done.stdout
        at = 0 if text.startswith("{") else text.rfind("\n{\n") + 1  # after any log lines
        return dict(json.loads(text[at:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--part", default="latency,withdrawal,audit")
    parser.add_argument("--stores", default="sqlite,postgresql",
                        help="stores for the audit part (sqlite, postgresql)")
    parser.add_argument("--before", metavar="REV",
                        help="also run the same parts against the library at git REV")
    parser.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds
    parts = set(args.part.split(","))
    stores = tuple(s for s in args.stores.split(",") if s)
    import busbaan

    out: dict[str, Any] = {"library": str(Path(busbaan.__file__).resolve().parents[1])}
    n_audit = 5_000 if args.quick else 20_000
    if "audit" in parts:
        # With --before: before and after alternate, twice each (load drifts).
        runs: list[dict[str, Any]] = []
        for _ in range(2 if args.before else 1):
            if args.before:
                runs.append(_before(args.before, ["--part", "audit", "--stores", args.stores]
                                    + ["--quick"] * args.quick)["audit"])
            runs.append(audit_rate(n_audit, stores=stores))
        out["audit"] = runs[-1] if not args.before else {
            "alternating": [("before", "after")[i % 2] for i in range(len(runs))],
            "runs": runs}
    rest = ",".join(p for p in args.part.split(",") if p != "audit")
    if args.before and rest:
        argv = ["--rounds", str(args.rounds), "--part", rest, "--stores", args.stores]
        out["before"] = {"rev": args.before, **_before(args.before,
                                                       argv + ["--quick"] * args.quick)}
    if "latency" in parts:
        out["latency"] = asyncio.run(latency(rounds))
    if "withdrawal" in parts:
        out["withdrawal"] = asyncio.run(withdrawal(rounds))
    if args.before and rest:
        out = {"before": out.pop("before"), "after": out}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
