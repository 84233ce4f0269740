"""Burst of 200 commands with a ``kill -9`` of the service in the middle (issue 9).

    .venv/bin/python -m bench.burst [--commands 200] [--kill-after 60] [--disrupt synapse]

Starts an embedded Synapse (test profile) and ``busbaan serve`` as a subprocess, sends
the burst without waiting, kills the service with SIGKILL after ``--kill-after``
replies, starts it again, and prints JSON: lost, doubled (goal 0 and 0), recovered
answers, grants / audit entries / state events against the grant commands, seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

from busbaan.devstack import start_homeserver
from busbaan.devstack.burst import run_burst

ROOT = Path(__file__).resolve().parents[1]


async def main(commands: int, kill_after: int, disrupt: str) -> None:
    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-burst-"))
    hs = await start_homeserver(base / "hs", [], profile="test")
    try:
        result = await run_burst(hs, base / "burst", ROOT / "policies", commands=commands,
                                 kill_after=kill_after, disrupt=disrupt)
    finally:
        await hs.stop()
    print(json.dumps(result.to_json(), indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--kill-after", type=int, default=60)
    parser.add_argument("--disrupt", choices=("kill", "synapse"), default="kill",
                        help="kill -9 the service, or restart Synapse under it")
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.kill_after, args.disrupt))
