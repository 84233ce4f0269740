"""Leave-one-set-out misses and figures for work on generalising: ``python -m bench.generalise``.

Each retired set (s3-s29, the first frozen set, the tuning set s4) is scored by a router
built without its own example file (bench.routing ``routers()``). Printed per set: top-1,
top-3, safety questions with an expected service in the top 3; pooled over the retired
held-out sets and over all; the safety probes (s4, s5, s6, s8: the expected safety
service in the top 3); dev and our own two sets.

``--misses`` lists every question whose first answer is wrong, with the expected and the
answered services. Question text is printed only for sets that may be looked at per
question (s3-s8, s12-s29, frozen, tuning4, dev, own); for s9-s11 the id and service ids
only. The current held-out sets (s30-s32, ``frozen-2026-12-12-*``) are never read.

``--json PATH`` writes the figures, so that two checkouts can be compared
(``--compare A.json B.json`` prints them side by side).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.routing import (
    FROZEN,
    HELDOUT,
    HELDOUT4,
    HELDOUT5,
    HELDOUT6,
    HELDOUT7,
    HELDOUT8,
    LOCAL,
    NEAR4,
    NEAR5,
    NEAR6,
    NEAR8,
    PROBES,
    PROBES5,
    PROBES6,
    PROBES8,
    SESSION7_HELDOUT,
    SESSION8_HELDOUT,
    SESSION9_HELDOUT,
    SESSION10_HELDOUT,
    SESSION11_HELDOUT,
    SESSION12_HELDOUT,
    SESSION13_HELDOUT,
    TUNING4,
    data_file,
    false_alarms,
    read_jsonl,
    routers,
)
from busbaan.routing import load_map

#: Sets scored leaving their own example file out, and whether their text may be printed.
LOSO: dict[str, tuple[str, bool]] = {
    "heldout": (HELDOUT, True), "heldout4": (HELDOUT4, True), "heldout5": (HELDOUT5, True),
    "heldout6": (HELDOUT6, True), "heldout7": (HELDOUT7, True), "heldout8": (HELDOUT8, True),
    **{key: (name, False) for key, name in SESSION7_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION8_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION9_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION10_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION11_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION12_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION13_HELDOUT.items()},
    "frozen": (FROZEN, True), "tuning4": (TUNING4, True),
}
RETIRED = [k for k in LOSO if k.startswith("heldout")]
OTHER: dict[str, str] = {"own": "heldout-own.jsonl", "fresh": "heldout-own-fresh.jsonl"}
PROBE_SETS = {"probes4": PROBES, "probes5": PROBES5, "probes6": PROBES6, "probes8": PROBES8}
NEAR_SETS = {"near3": "safety-near-misses.jsonl", "near4": NEAR4, "near5": NEAR5,
             "near6": NEAR6, "near8": NEAR8}


def sets() -> dict[str, tuple[list[dict[str, Any]], bool]]:
    out = {key: (read_jsonl(LOCAL / name), show) for key, (name, show) in LOSO.items()}
    out["dev"] = (read_jsonl(data_file("dev-questions.jsonl")), True)
    out |= {key: (read_jsonl(LOCAL / name), True) for key, name in OTHER.items()}
    out |= {key: (read_jsonl(LOCAL / name), True) for key, name in PROBE_SETS.items()}
    return out


def measure(misses: bool = False) -> dict[str, Any]:
    social_map = load_map(data_file("amsterdam-demo.hsds.json"))
    router_for = routers(social_map)
    figures: dict[str, Any] = {}
    for key, (questions, show) in sets().items():
        router = router_for(key)
        n = top1 = top3 = s_n = s_top3 = 0
        for q in questions:
            answer = router.route(q["question"], q["context"])
            found = [r.service_id for r in answer.results]
            wanted = set(q["expected"]) | set(q["acceptable"])
            if q.get("safety"):
                s_n += 1
                s_top3 += any(s in q["expected"] for s in found[:3])
            if not q["expected"] or key in PROBE_SETS:
                continue
            n += 1
            ok1 = bool(found) and found[0] in q["expected"]
            ok3 = any(s in wanted for s in found[:3])
            top1 += ok1
            top3 += ok3
            if misses and not ok1:
                mark = "   " if ok3 else "!3 "
                text = q["question"] if show else "(held out once: text not shown)"
                ctx = f" ctx={q['context']}" if show and q["context"] else ""
                print(f"{mark}{key:9} {q['id']}: {text}{ctx}\n      expected "
                      f"{q['expected']}{' +' + str(q['acceptable']) if q['acceptable'] else ''}"
                      f" got {found[:3]}{' SAFETY' if answer.safety else ''}")
        figures[key] = {"n": n, "top1": top1, "top3": top3, "safety_n": s_n,
                        "safety_top3": s_top3}
    alarms = n_near = 0
    for name in NEAR_SETS.values():
        asked, raised = false_alarms(router_for(""), read_jsonl(LOCAL / name))
        n_near += asked
        alarms += raised
    figures["near misses"] = {"n": 0, "top1": 0, "top3": 0, "safety_n": n_near,
                              "safety_top3": alarms}
    for name, keys in (("pooled retired s3-s17", RETIRED), ("pooled all", list(LOSO)),
                       ("probes", list(PROBE_SETS)), ("dev+own", ["dev", *OTHER])):
        figures[name] = {f: sum(figures[k][f] for k in keys)
                         for f in ("n", "top1", "top3", "safety_n", "safety_top3")}
    return figures


def line(key: str, f: dict[str, Any]) -> str:
    if key == "near misses":
        return f"{key:14} false alarms {f['safety_top3']}/{f['safety_n']}"
    if not f["n"]:
        return f"{key:14} safety top3 {f['safety_top3']}/{f['safety_n']}"
    return (f"{key:14} n={f['n']:4} top1 {f['top1'] / f['n']:.3f} ({f['top1']}) "
            f"top3 {f['top3'] / f['n']:.3f} ({f['top3']}) safety {f['safety_top3']}/"
            f"{f['safety_n']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--json")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in args.compare)
        for key in b:
            fa, fb = a[key], b[key]
            def cell(f: dict[str, Any]) -> str:
                if not f["n"]:
                    return f"safety {f['safety_top3']}/{f['safety_n']}"
                return (f"{f['top1'] / f['n']:.3f} / {f['top3'] / f['n']:.3f} "
                        f"safety {f['safety_top3']}/{f['safety_n']}")
            print(f"| {key} | {cell(fa)} | {cell(fb)} |")
        return 0
    figures = measure(args.misses)
    for key, f in figures.items():
        print(line(key, f))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
