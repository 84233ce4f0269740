"""Finding a case among 200, and reply latency with labels (issue 13), side by side in
one run.

    .venv/bin/python -m bench.labels [--rounds 20] [--cases 200]

Through a real Synapse with the gate and the casus bot: one professional with
``--cases`` open cases (made through the case service, ``busbaan.devstack.seed``) and a
label for each in their own account data (80 characters, non-ASCII). Per round, each
on a quiet bot: ``!help`` (the reference), ``!toestemming`` (a command issue 13 did not
touch), ``!mijn-casussen`` (page 1 of all cases), ``!mijn-casussen dossier 137`` (find
one by a word of its label) and ``!label C-… <tekst>`` (a label through the gate).
Reports p50/p95 and each one's ratio to ``!help``; the goal for finding a case is
≤ 1 s, and no command issue 13 did not touch may get slower relative to ``!help``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

import nio

from bench.casesvc import _stack
from bench.handover import percentile
from busbaan.devstack.seed import seed_cases
from busbaan.labels import LABELS_EVENT


async def run(rounds: int, cases: int, warmup: int = 3) -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix="busbaan-bench-labels-"))
    hs, service, clients, room = await _stack(base)
    a = clients[0]
    casus = service.casus
    bot = service.runners["casus"].user_id
    try:
        seeded = await asyncio.to_thread(
            seed_cases, casus.service, casus.directory, bot_user_id=bot, regie=a.user_id,
            organisation="buurtteam", n=cases)
        book = {"v": 1, "rooms": {r: {"case_id": c, "label": f"dossier {i:03d} ✓ " + "é" * 66}
                                  for i, (c, r) in enumerate(seeded)}}
        resp = await a.client.send(
            "PUT", f"/_matrix/client/v3/user/{a.user_id}/account_data/{LABELS_EVENT}",
            json.dumps(book), headers={"Authorization": f"Bearer {a.client.access_token}"})
        assert resp.status == 200, resp.status
        dm = await a.client.room_create(is_direct=True, invite=[bot])
        assert isinstance(dm, nio.RoomCreateResponse)
        await asyncio.sleep(1.0)
        case_of_room = (await asyncio.to_thread(casus.cases.by_room, room))
        assert case_of_room is not None
        texts = {"!help": (dm.room_id, "!help"),
                 "!toestemming": (room, "!toestemming"),
                 "!mijn-casussen": (dm.room_id, "!mijn-casussen"),
                 "!mijn-casussen <zoekwoord>": (dm.room_id, "!mijn-casussen dossier 137"),
                 "!label": (dm.room_id, f"!label {case_of_room.case_id} schulden {{i}}")}
        times: dict[str, list[float]] = {name: [] for name in texts}
        pages = 0
        for i in range(warmup + rounds):
            for name, (where, text) in texts.items():
                await casus.settle()  # each command starts on a quiet bot
                await asyncio.sleep(0.05)
                ms, content = await a.command(where, text.format(i=i))
                r = content["nl.busbaan.reply"]
                assert r["ok"], (name, content["body"])
                if name == "!mijn-casussen":
                    assert r["data"]["total"] >= cases
                    pages = r["data"]["pages"]
                if i >= warmup:
                    times[name].append(ms)
        rows = {n: {"n": len(v), "p50_ms": round(percentile(v, 50), 1),
                    "p95_ms": round(percentile(v, 95), 1),
                    "mean_ms": round(statistics.fmean(v), 1)} for n, v in times.items()}
        for row in rows.values():
            row["ratio_p50"] = round(row["p50_ms"] / rows["!help"]["p50_ms"], 2)
            row["ratio_p95"] = round(row["p95_ms"] / rows["!help"]["p95_ms"], 2)
        return {"rounds": rounds, "cases": cases, "pages": pages, "rows": rows}
    finally:
        for c in clients:
            await c.stop()
        await service.stop()
        await hs.stop()
        shutil.rmtree(base, ignore_errors=True)


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['cases']} cases, {result['pages']} pages, {result['rounds']} rounds",
             "| command | p50 ms | p95 ms | p50 / !help | p95 / !help |",
             "|---|---|---|---|---|"]
    for name, row in result["rows"].items():
        lines.append(f"| `{name}` | {row['p50_ms']} | {row['p95_ms']} | {row['ratio_p50']} "
                     f"| {row['ratio_p95']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.labels")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.rounds, args.cases))
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
