"""Witness figures (issue 9, part 5), side by side in one run.

- checkpoint cost: sign only (marker + checkpoint) vs sign and get a witness's
  cosignature over loopback HTTP, p50/p95 per checkpoint, and their ratio;
- verification of a log with many witnessed checkpoints: the plain recomputation
  (``AuditLog.verify``) vs the full trusted verification (pinned key, cosignatures,
  markers, state, the witness's own copy), and their ratio.

SQLite, durable commits, a witness on 127.0.0.1 (its memory fsynced per cosignature).

    .venv/bin/python -m bench.witness [--checkpoints N] [--entries-per N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.audit import entries, percentile
from busbaan.audit import AuditLog
from busbaan.audit.assurance import fetch_witness_checkpoints, verify_trusted
from busbaan.audit.keys import load_or_create_signer
from busbaan.audit.signing import CheckpointService
from busbaan.audit.trust import load_trust_config, write_trust_config
from busbaan.devstack.witness import start_dev_witness
from busbaan.log import configure
from busbaan.store import make_engine, migrate


class _Clock:
    """Five minutes per checkpoint, so the markers read like a real service's."""

    def __init__(self) -> None:
        self.t = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.t


async def run(checkpoints: int, per: int) -> dict[str, float]:
    rng = random.Random(9)
    with tempfile.TemporaryDirectory(prefix="bench-witness-") as tmp:
        base = Path(tmp)
        url = f"sqlite:///{base / 'busbaan.db'}"
        migrate(url)
        engine = make_engine(url)
        key = base / "audit-signing.key"
        signer, _ = load_or_create_signer(key, "bench.busbaan.example/audit")
        witness = await start_dev_witness(base / "witness", [signer.verifier])
        trust_path = base / "audit-verify.json"
        write_trust_config(trust_path, {"log_key": signer.verifier.vkey, "witnesses": [
            {"key": witness.cosigner.verifier.vkey, "url": witness.url}]})
        clock = _Clock()
        service = await CheckpointService.open(engine, key_path=key, trust_path=trust_path,
                                               clock=clock)
        sign_only: list[float] = []
        round_trip: list[float] = []
        try:
            for i in range(checkpoints):
                service.log.append_many(entries(i * per, per, rng))
                clock.t += dt.timedelta(minutes=5)
                # The same checkpoint call, once without and once with the witness: the
                # sender is switched off for the first, then the pending one is sent.
                sender, service.sender = service.sender, None
                t0 = time.perf_counter()
                await service.checkpoint("start" if i == 0 else "periodic")
                t1 = time.perf_counter()
                service.sender = sender
                outcomes = await service.send_pending()
                t2 = time.perf_counter()
                assert [o.state for o in outcomes] == ["cosigned"], outcomes
                sign_only.append(t1 - t0)
                round_trip.append(t2 - t1)
            trust = load_trust_config(trust_path)
            log = AuditLog(engine, verifiers=(trust.log_verifier,), origin=trust.origin)
            t0 = time.perf_counter()
            plain = log.verify()
            t1 = time.perf_counter()
            remote = await fetch_witness_checkpoints(trust.witnesses, trust.origin)
            report, _ = verify_trusted(log, trust, remote=remote)
            t2 = time.perf_counter()
            assert plain.ok and report.ok and not report.unwitnessed, report.problems
        finally:
            await service.close()
            await witness.stop()
            engine.dispose()
        return {
            "checkpoints": checkpoints, "entries": plain.size,
            "sign_p50_ms": percentile(sign_only, 0.5) * 1000,
            "sign_p95_ms": percentile(sign_only, 0.95) * 1000,
            "witness_p50_ms": percentile(round_trip, 0.5) * 1000,
            "witness_p95_ms": percentile(round_trip, 0.95) * 1000,
            "witness_mean_ms": statistics.fmean(round_trip) * 1000,
            "verify_plain_s": t1 - t0, "verify_trusted_s": t2 - t1,
            "verify_ratio": (t2 - t1) / (t1 - t0),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--checkpoints", type=int, default=500)
    parser.add_argument("--entries-per", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="50 checkpoints of 100 entries")
    args = parser.parse_args()
    configure("WARNING")
    n, per = (50, 100) if args.quick else (args.checkpoints, args.entries_per)
    result = asyncio.run(run(n, per))
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v
                      for k, v in result.items()}, indent=1))
    print(f"checkpoint: sign p50 {result['sign_p50_ms']:.1f} ms, p95 "
          f"{result['sign_p95_ms']:.1f} ms; witness round trip p50 "
          f"{result['witness_p50_ms']:.1f} ms, p95 {result['witness_p95_ms']:.1f} ms")
    print(f"verify {result['entries']} entries, {result['checkpoints']} witnessed checkpoints: "
          f"plain {result['verify_plain_s']:.2f} s, trusted {result['verify_trusted_s']:.2f} s "
          f"(ratio {result['verify_ratio']:.2f})")


if __name__ == "__main__":
    main()
