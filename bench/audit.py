"""Audit log figures (issue 4).

- durable, batched appends per second on SQLite and on PostgreSQL, side by side (goal
  on SQLite: ≥ 10,000/s), plus one-entry transactions for scale;
- full verification of a 1,000,000-entry log (goal: ≥ 100,000 entries/s);
- inclusion-proof latency at 1,000,000 entries, p50/p95 (goal: ≤ 5 ms), and
  consistency-proof latency.

Durable means committed: ``synchronous=FULL`` in WAL mode on SQLite (an fsync per
commit), the default ``synchronous_commit=on`` on PostgreSQL. Entries are built before
the clock starts; their construction cost is reported separately.

    .venv/bin/python -m bench.audit [--quick] [--size N] [--appends N] [--batch B]
                                    [--proofs P] [--pg URL | --no-pg] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import sqlalchemy as sa

from busbaan.audit import AuditEntry, AuditLog
from busbaan.audit.keys import load_or_create_signer
from busbaan.audit.merkle import verify_consistency, verify_inclusion
from busbaan.log import configure
from busbaan.store import make_engine, migrate

T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
EVENTS = [
    ("case.created", "C"), ("consent.granted", "C"), ("membership.invite", "C"),
    ("membership.join", "C"), ("workbench.viewed", "R"), ("gate.refused", "E"),
    ("handover.proposed", "C"), ("consent.withdrawn", "U"), ("membership.removed", "D"),
    ("breakglass.started", "E"),
]
ORGS = ["inkomen", "schuldhulp", "wmo", "buurtteam", "ggd", "huisartsen", "humanitas"]
Item = tuple[AuditEntry, Mapping[str, str] | None]


def entries(start: int, count: int, rng: random.Random) -> list[Item]:
    """A realistic mix: 10,000 cases, 500 professionals, 1 in 20 with sealed details."""
    out: list[Item] = []
    for i in range(start, start + count):
        code, action = EVENTS[rng.randrange(len(EVENTS))]
        case = f"c{rng.randrange(10_000):05d}"
        refused = code == "gate.refused"
        entry = AuditEntry(
            event_code=code,
            action=action,
            occurred_at=T0 + dt.timedelta(seconds=i),
            outcome="refused" if refused else "done",
            source="gate" if refused else "casus-bot",
            user_id=f"@p{rng.randrange(500)}:{ORGS[i % len(ORGS)]}.busbaan.example",
            user_role="consulent",
            organisation=ORGS[i % len(ORGS)],
            case_id=case,
            subject_user=f"@p{rng.randrange(500)}:x.example" if code.startswith("member")
            else None,
            data_categories=("contact", "schulden"),
            legal_bases=("wgs",),
            grant_id=f"g{rng.randrange(100_000)}",
            checks={"authorised": "fail" if refused else "pass", "consent": "pass",
                    "emergency": "yes" if code.startswith("breakglass") else "no"},
            reason_code="BB_FORBIDDEN" if refused else None,
            details={"room_id": f"!{case}:busbaan.example", "policy_version": "3f2a9c"},
        )
        out.append((entry, {"naam": "Voorbeeld", "notitie": "x" * 40} if i % 20 == 0 else None))
    return out


def fill(log: AuditLog, start: int, total: int, batch: int, rng: random.Random,
         label: str) -> tuple[int, float, float]:
    """Append ``start..total`` in batches; returns (count, wall seconds and CPU seconds
    inside append_many). On a shared machine the CPU time says what the work costs
    when the process is not waiting for a core."""
    spent, cpu, done, next_report = 0.0, 0.0, 0, time.perf_counter() + 10
    for first in range(start, total, batch):
        items = entries(first, min(batch, total - first), rng)
        t, c = time.perf_counter(), time.process_time()
        log.append_many(items)
        spent += time.perf_counter() - t
        cpu += time.process_time() - c
        done += len(items)
        if time.perf_counter() > next_report:
            print(f"  {label}: {first + len(items):,} entries, "
                  f"{done / spent:,.0f}/s so far", file=sys.stderr)
            next_report = time.perf_counter() + 10
    return done, spent, cpu


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def pg_database(base: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of ``base``, dropped afterwards."""
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"busbaan_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def bench_appends(url: str, n: int, batch: int, label: str) -> dict[str, float]:
    """Batched durable appends on a fresh log at ``url``, then one-entry transactions
    and a full verification of what was written."""
    migrate(url)
    engine = make_engine(url)
    try:
        log = AuditLog(engine)
        rng = random.Random(1)
        done, spent, cpu = fill(log, 0, n, batch, rng, f"{label}, batches of {batch}")
        singles = entries(n, 200, rng)
        t = time.perf_counter()
        for entry, personal in singles:
            log.append(entry, personal)
        single_rate = len(singles) / (time.perf_counter() - t)
        t, c = time.perf_counter(), time.process_time()
        report = log.verify()
        verify_rate = log.size() / (time.perf_counter() - t)
        verify_cpu = log.size() / (time.process_time() - c)
        assert report.ok, report.problems
        return {"batched": done / spent, "batched_cpu": done / cpu, "single": single_rate,
                "verify": verify_rate, "verify_cpu": verify_cpu}
    finally:
        engine.dispose()


def append_figures(make_url: Callable[[], AbstractContextManager[str]], label: str,
                   plan: list[tuple[int, int]]) -> dict[int, dict[str, float]]:
    """``bench_appends`` for each (batch size, entries) on a fresh database each."""
    out = {}
    for batch, n in plan:
        with make_url() as url:
            out[batch] = bench_appends(url, n, batch, label)
    return out


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="busbaan-bench-") as tmp:
        yield f"sqlite:///{tmp}/appends.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (100,000-entry log, 20,000 appends)")
    parser.add_argument("--size", type=int, default=None, help="log size for verify/proofs")
    parser.add_argument("--appends", type=int, default=None,
                        help="entries for the side-by-side append figure")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server (a database is created and dropped)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--skip-appends", action="store_true",
                        help="only the big-log figures (verification, proofs)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the SQLite log in this directory (reused when present)")
    args = parser.parse_args()
    configure("WARNING")
    size = args.size or (100_000 if args.quick else 1_000_000)
    n_appends = args.appends or (20_000 if args.quick else 100_000)

    print(f"# busbaan audit benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()}), load average "
          f"{os.getloadavg()[0]:.1f} at start")

    rng = random.Random(7)
    t = time.perf_counter()
    sample = entries(0, 20_000, rng)
    build_us = (time.perf_counter() - t) / len(sample) * 1e6
    del sample
    print(f"building an AuditEntry (not in the figures below): {build_us:.1f} µs each")

    # ---------------------------------------------------------------- appends
    scale = 5 if args.quick else 1
    plan = [(100, 20_000 // scale), (args.batch, n_appends), (10_000, n_appends)]
    results: dict[str, dict[int, dict[str, float]]] = {}
    if not args.skip_appends:
        results["SQLite (WAL, synchronous=FULL)"] = append_figures(sqlite_url, "sqlite", plan)
    if results and not args.no_pg:
        try:
            results["PostgreSQL 15"] = append_figures(lambda: pg_database(args.pg),
                                                      "postgresql", plan)
        except sa.exc.OperationalError as exc:
            print(f"PostgreSQL skipped: {type(exc.orig).__name__}", file=sys.stderr)
    stores = list(results)
    if stores:
        print()
        print("## Durable appends per second (fresh log each; entries built beforehand)")
        print("Each cell: measured per wall-clock second (per CPU-second of this process).")
        print("| batch size | entries | " + " | ".join(stores) + " |")
        print("|---:|---:|" + "---:|" * len(stores))
        for batch, n in plan:
            print(f"| {batch:,} | {n:,} | " + " | ".join(
                f"{results[s][batch]['batched']:,.0f} ({results[s][batch]['batched_cpu']:,.0f})"
                for s in stores) + " |")
        print("| 1 (one transaction each) | 200 | " + " | ".join(
            f"{results[s][args.batch]['single']:,.0f}" for s in stores) + " |")
        print("| verify, entries/s | | " + " | ".join(
            f"{results[s][args.batch]['verify']:,.0f} ({results[s][args.batch]['verify_cpu']:,.0f})"
            for s in stores) + " |")

    # ---------------------------------------------------------------- big log
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="busbaan-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir}/audit-{size}.db"
    migrate(url)
    engine = make_engine(url)
    # In the work directory, so that a kept log is checked with the key that signed it.
    signer, _ = load_or_create_signer(workdir / "bench-signing.key", "bench.busbaan.example/audit")
    log = AuditLog(engine, signer, origin="bench.busbaan.example/audit")
    have = log.size()
    if have < size:
        done, spent, cpu = fill(log, have, size, 5000, random.Random(11), "growing")
        print(f"\nGrew the log to {size:,} entries: {done / spent:,.0f} appends/s "
              f"({done / cpu:,.0f} per CPU-second; batches of 5,000, in append_many)")
    t = time.perf_counter()
    log.checkpoint()
    sign_ms = (time.perf_counter() - t) * 1000
    log = AuditLog(engine, signer, origin="bench.busbaan.example/audit")
    print(f"\n## Full verification of {size:,} entries (SQLite), entries/s")
    print(f"checkpoint signing at that size: {sign_ms:.1f} ms")
    print("| run | one process | per CPU-second | with 2 worker processes |")
    print("|---:|---:|---:|---:|")
    for run in range(1, 4):
        t, c = time.perf_counter(), time.process_time()
        report = log.verify()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        assert report.ok, report.problems
        t = time.perf_counter()
        report = log.verify(workers=2)
        parallel = time.perf_counter() - t
        assert report.ok, report.problems
        print(f"| {run} | {size / wall:,.0f} | {size / cpu:,.0f} | {size / parallel:,.0f} |")

    prng = random.Random(3)
    root = log.root_at(size)
    latencies, latencies_cpu = [], []
    for _ in range(args.proofs):
        index = prng.randrange(size)
        t, c = time.perf_counter(), time.thread_time()
        proof = log.inclusion_proof(index, size)
        latencies.append((time.perf_counter() - t) * 1000)
        latencies_cpu.append((time.thread_time() - c) * 1000)
        assert proof.root == root and verify_inclusion(
            proof.leaf_hash, index, size, proof.hashes, root)
    cons = []
    for _ in range(max(1, args.proofs // 5)):
        old = prng.randrange(1, size)
        t = time.perf_counter()
        proof_c = log.consistency_proof(old, size)
        cons.append((time.perf_counter() - t) * 1000)
        assert verify_consistency(old, size, proof_c.old_root, root, proof_c.hashes)
    print(f"\n## Proofs at {size:,} entries (SQLite), milliseconds")
    print("| proof | n | p50 | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    for name, values in (("inclusion", latencies), ("inclusion, CPU time only", latencies_cpu),
                         ("consistency", cons)):
        print(f"| {name} | {len(values)} | {statistics.median(values):.2f} | "
              f"{percentile(values, 0.95):.2f} | {max(values):.2f} |")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    engine.dispose()
    if args.keep is None:
        for file in workdir.iterdir():
            file.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
