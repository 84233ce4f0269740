"""The router's speed, before and after a change that must not change any answer (perf17).

Standalone (imports only ``busbaan``), so that it can run against another checkout:
``PYTHONPATH=<checkout> python bench/route_speed.py <command>``.

- ``dump OUT``: route every retired question (the frozen sets of 2026-12-03 .. 2026-12-13:
  never a held-out set) and write each full answer (services, scores, why, safety,
  caution, confidence, notes; the calibration features) to OUT, keyed by question id;
  no question text is written.
- ``compare A B``: exit 1 and name the question ids where two dumps differ.
- ``time``: one JSON line: index build (s), CPU per question (ms), p50/p95 wall (ms).
- ``ab BEFORE AFTER [--rounds N]``: ``time`` for two checkouts, interleaved (BEFORE,
  AFTER, BEFORE, ...) in fresh processes, and the medians and ratios side by side: the
  machine is shared, so only figures taken in one run are compared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "socialmap"
#: The retired question sets (held-out sets s3-s62, retired by session 23): the sets of
#: 2026-12-21 (s63-s65 and the safety gate s66) are held out and never read here.
RETIRED = ("frozen-2026-12-0[3-9]*.jsonl", "frozen-2026-12-1[0-9]-*.jsonl",
           "frozen-2026-12-20-*.jsonl")
HELD_OUT = "2026-12-21"


def retired() -> list[dict]:
    rows = []
    for pattern in RETIRED:
        for path in sorted(DATA.glob(pattern)):
            if HELD_OUT in path.name:  # never a held-out set
                continue
            with path.open(encoding="utf-8") as handle:
                for n, line in enumerate(handle, start=1):
                    if line.strip():
                        q = json.loads(line)
                        q.setdefault("id", f"{path.stem}-{n}")
                        q["id"] = f"{path.stem}:{q['id']}"
                        q.setdefault("context", {})
                        rows.append(q)
    return rows


def router():
    from busbaan.routing import Router, load_map

    return Router(load_map(DATA / "amsterdam-demo.hsds.json"))


def answer_of(r, q: dict) -> dict:
    answer = dataclasses.asdict(r.route(q["question"], q["context"]))
    answer.pop("question")  # the dump keeps no question text
    en = dataclasses.asdict(r.route(q["question"], q["context"], lang="en"))
    en.pop("question")
    return {"nl": answer, "en": en, "features": list(r.features_of(q["question"], q["context"]))}


def dump(out: Path) -> None:
    r = router()
    answers = {q["id"]: answer_of(r, q) for q in retired()}
    out.write_text(json.dumps(answers, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    print(f"{len(answers)} answers -> {out}")


def compare(a: Path, b: Path) -> int:
    left = json.loads(a.read_text(encoding="utf-8"))
    right = json.loads(b.read_text(encoding="utf-8"))
    differ = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
    if differ:
        print(f"{len(differ)} of {len(left)} answers differ: {', '.join(differ[:20])}")
        return 1
    print(f"identical: {len(left)} answers (nl and en: services, scores, why, safety, "
          "caution, confidence, notes; the calibration features)")
    return 0


def measure(passes: int, every: int = 1) -> dict:
    questions = retired()[::every]
    start = time.perf_counter()
    cpu = time.process_time()
    r = router()
    build_s = time.perf_counter() - start
    build_cpu = time.process_time() - cpu
    for q in questions[:50]:  # warm-up: the first use of lazily loaded resources
        r.route(q["question"], q["context"])
    cpu = time.process_time()
    for q in questions:
        r.route(q["question"], q["context"])
    cpu_ms = (time.process_time() - cpu) * 1000.0 / len(questions)
    times = []
    for _ in range(passes):
        for q in questions:
            t = time.perf_counter()
            r.route(q["question"], q["context"])
            times.append((time.perf_counter() - t) * 1000.0)
    times.sort()
    return {"build_s": build_s, "build_cpu_s": build_cpu, "cpu_ms": cpu_ms,
            "p50": times[len(times) // 2], "p95": times[round(0.95 * (len(times) - 1))],
            "n": len(questions)}


def ab(before: str, after: str, rounds: int, passes: int, every: int = 1) -> None:
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(rounds):
        for name, path in (("before", before), ("after", after)):
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "time", "--passes", str(passes),
                 "--every", str(every)],
                env={**os.environ, "PYTHONPATH": path}, capture_output=True, text=True,
                check=True)
            runs[name].append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(name, runs[name][-1], file=sys.stderr)
    print(f"{rounds} rounds, interleaved; medians over rounds (n={runs['after'][0]['n']} "
          f"questions, every {every}th of the retired sets, {passes} timed passes each)")
    print(f"{'':14}{'before':>10}{'after':>10}{'after/before':>14}{'min before':>12}"
          f"{'min after':>11}")
    for key, unit in (("cpu_ms", "ms"), ("p50", "ms"), ("p95", "ms"), ("build_s", "s"),
                      ("build_cpu_s", "s")):
        b = statistics.median(x[key] for x in runs["before"])
        a = statistics.median(x[key] for x in runs["after"])
        ratios = [y[key] / x[key] for x, y in zip(runs["before"], runs["after"], strict=True)]
        print(f"{key + ' (' + unit + ')':14}{b:10.2f}{a:10.2f}{statistics.median(ratios):14.2f}"
              f"{min(x[key] for x in runs['before']):12.2f}"
              f"{min(x[key] for x in runs['after']):11.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump").add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    t = sub.add_parser("time")
    t.add_argument("--passes", type=int, default=1)
    t.add_argument("--every", type=int, default=1, help="every n-th question only")
    x = sub.add_parser("ab")
    x.add_argument("before")
    x.add_argument("after")
    x.add_argument("--rounds", type=int, default=3)
    x.add_argument("--passes", type=int, default=1)
    x.add_argument("--every", type=int, default=1, help="every n-th question only")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out)
    elif args.command == "compare":
        return compare(args.a, args.b)
    elif args.command == "time":
        print(json.dumps(measure(args.passes, args.every)))
    else:
        ab(args.before, args.after, args.rounds, args.passes, args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
