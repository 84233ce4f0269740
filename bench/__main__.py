"""``python -m bench``: every benchmark, one after the other (see docs/benchmarks.md).

Each module also runs alone: ``python -m bench.<name>``.
"""

from __future__ import annotations

import runpy
import sys

MODULES = ("bench.decide", "bench.routing", "bench.audit", "bench.gate", "bench.gate_event",
           "bench.handover", "bench.casesvc", "bench.burst", "bench.wegwijzer",
           "bench.witness", "bench.citizen", "bench.labels", "bench.logins",
           "bench.federation", "bench.sync_filter", "bench.e2e")
# Not in the sequence (hours, or a fuzz volume run): bench.load, bench.fuzz; and
# bench.dm_first (new encrypted DMs at once, about 12 minutes; session 14, dmjoin18).

if __name__ == "__main__":
    for name in MODULES:
        print(f"\n=== {name} ===", flush=True)
        try:
            sys.argv = [name]
            runpy.run_module(name, run_name="__main__")
        except ModuleNotFoundError as exc:
            print(f"(skipped: {exc})")
