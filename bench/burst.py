"""Burst of 200 commands with a ``kill -9`` of the service in the middle (issue 9).

    .venv/bin/python -m bench.burst [--commands 200] [--kill-after 60]
                                    [--disrupt kill|synapse|postgres] [--store postgresql]

Starts an embedded Synapse (test profile) and ``busbaan serve`` as a subprocess, sends
the burst without waiting, kills the service with SIGKILL after ``--kill-after``
replies, starts it again, and prints JSON: lost, doubled (goal 0 and 0), recovered
answers, grants / audit entries / state events against the grant commands, seconds.
``--disrupt synapse`` restarts the homeserver instead; ``--disrupt postgres`` runs the
service on a PostgreSQL database of its own (BUSBAAN_TEST_PG, default 127.0.0.1:5432)
and takes that database away for ``--outage`` seconds (every connection ended, new ones
refused: ``pg_terminate_backend`` and ``ALLOW_CONNECTIONS``), never the shared server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
from pathlib import Path

from busbaan.devstack import start_homeserver
from busbaan.devstack.burst import run_burst

ROOT = Path(__file__).resolve().parents[1]


async def main(commands: int, kill_after: int, disrupt: str, store: str,
               outage: float) -> None:
    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-burst-"))
    hs = await start_homeserver(base / "hs", [], profile="test")
    try:
        result = await run_burst(hs, base / "burst", ROOT / "policies", commands=commands,
                                 kill_after=kill_after, disrupt=disrupt, store=store,
                                 pg_address=os.environ.get("BUSBAAN_TEST_PG",
                                                           "127.0.0.1:5432"),
                                 outage_seconds=outage)
    finally:
        await hs.stop()
    print(json.dumps(result.to_json(), indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--kill-after", type=int, default=60)
    parser.add_argument("--disrupt", choices=("kill", "synapse", "postgres"), default="kill",
                        help="kill -9 the service, restart Synapse under it, or take its "
                             "PostgreSQL database away for a while")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--outage", type=float, default=3.0,
                        help="seconds the database is away (--disrupt postgres)")
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.kill_after, args.disrupt, args.store, args.outage))
