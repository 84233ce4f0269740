"""Leave-one-set-out misses and figures for work on generalising: ``python -m bench.generalise``.

Each retired set (s3-s62, the first frozen set, the tuning set s4) is scored by a router
built without its own example file (bench.routing ``routers()``). Printed per set: top-1,
top-3, safety questions with an expected service in the top 3; pooled over the retired
held-out sets and over all; the safety probes (s4, s5, s6, s8: the expected safety
service in the top 3); dev and our own two sets.

``--misses`` lists every question whose first answer is wrong, with the expected and the
answered services. Question text is printed only for sets that may be looked at per
question (s3-s8, s12-s38, frozen, tuning4, dev, own); for s9-s11 the id and service ids
only. The current held-out sets (s63-s66, ``frozen-2026-12-21-*``) are never read.

``--by-session`` leaves out, instead of a set's own file, the files of every held-out set
written in the same session (s6-s8, then each session's three from session 7 on): sibling
sets were written the same day on themes a session's writers shared, so leaving one set
out lets its siblings vote for it. ``--sessions`` runs both ways and prints, per session
from session 7 on, both in-sample figures beside what its held-out sets scored when they
were unseen (``SESSION*_END`` in bench.routing): how well each predicts the unseen one.

Every question is read on ``--today`` (default bench.routing's ``BENCH_DAY``), as in
bench.routing: the figures do not depend on the clock.

``--json PATH`` writes the figures, so that two checkouts can be compared
(``--compare A.json B.json`` prints them side by side).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.asked_examples import ASKED, file_name
from bench.routing import (
    BENCH_DAY,
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
    SESSION7_FIRST,
    SESSION7_HELDOUT,
    SESSION8_END,
    SESSION8_HELDOUT,
    SESSION9_END,
    SESSION9_HELDOUT,
    SESSION10_END,
    SESSION10_HELDOUT,
    SESSION11_END,
    SESSION11_HELDOUT,
    SESSION12_END,
    SESSION12_HELDOUT,
    SESSION13_END,
    SESSION13_HELDOUT,
    SESSION14_END,
    SESSION14_HELDOUT,
    SESSION15_END,
    SESSION15_HELDOUT,
    SESSION16_END,
    SESSION16_HELDOUT,
    SESSION17_END,
    SESSION17_HELDOUT,
    SESSION18_END,
    SESSION18_HELDOUT,
    SESSION19_END,
    SESSION19_HELDOUT,
    SESSION20_END,
    SESSION20_HELDOUT,
    SESSION21_END,
    SESSION21_HELDOUT,
    SESSION22_END,
    SESSION22_HELDOUT,
    TUNING4,
    answer_of,
    bench_day,
    data_file,
    false_alarms,
    read_jsonl,
    routers,
)
from busbaan.routing import Router, SocialMap, load_map

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
    **{key: (name, True) for key, name in SESSION14_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION15_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION16_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION17_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION18_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION19_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION20_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION21_HELDOUT.items()},
    **{key: (name, True) for key, name in SESSION22_HELDOUT.items()},
    "frozen": (FROZEN, True), "tuning4": (TUNING4, True),
}
RETIRED = [k for k in LOSO if k.startswith("heldout")]
OTHER: dict[str, str] = {"own": "heldout-own.jsonl", "fresh": "heldout-own-fresh.jsonl"}
PROBE_SETS = {"probes4": PROBES, "probes5": PROBES5, "probes6": PROBES6, "probes8": PROBES8}
NEAR_SETS = {"near3": "safety-near-misses.jsonl", "near4": NEAR4, "near5": NEAR5,
             "near6": NEAR6, "near8": NEAR8}
#: The retired held-out sets by the session they were held out in (sessions 3-5 had one
#: set each; session 6 three, written the same evening; from session 7 on three per
#: session, frozen together at its start).
SESSIONS: dict[str, tuple[str, ...]] = {
    "session 3": ("heldout",), "session 4": ("heldout4",), "session 5": ("heldout5",),
    "session 6": ("heldout6", "heldout7", "heldout8"),
    **{f"session {n}": tuple(held) for n, held in (
        (7, SESSION7_HELDOUT), (8, SESSION8_HELDOUT), (9, SESSION9_HELDOUT),
        (10, SESSION10_HELDOUT), (11, SESSION11_HELDOUT), (12, SESSION12_HELDOUT),
        (13, SESSION13_HELDOUT), (14, SESSION14_HELDOUT), (15, SESSION15_HELDOUT),
        (16, SESSION16_HELDOUT), (17, SESSION17_HELDOUT),
        (18, SESSION18_HELDOUT), (19, SESSION19_HELDOUT),
        (20, SESSION20_HELDOUT), (21, SESSION21_HELDOUT),
        (22, SESSION22_HELDOUT))},
}
#: What each session's held-out sets scored when they were unseen: their one measurement
#: at the end of the session (top-1, top-3, safety in top 3, coverage, right when
#: confident), by the router of that day.
UNSEEN: dict[str, tuple[str, ...]] = {
    **SESSION7_FIRST, **SESSION8_END, **SESSION9_END, **SESSION10_END, **SESSION11_END,
    **SESSION12_END, **SESSION13_END, **SESSION14_END, **SESSION15_END,
    **SESSION16_END, **SESSION17_END, **SESSION18_END,
    **SESSION19_END, **SESSION20_END, **SESSION21_END, **SESSION22_END}
FIELDS = ("n", "top1", "top3", "safety_n", "safety_top3", "confident", "right")


def session_of(key: str) -> tuple[str, ...]:
    """The sets held out in the same session as ``key`` (``key`` alone for a set of no
    session: the tuning sets)."""
    return next((keys for keys in SESSIONS.values() if key in keys), (key,))


def left_out(key: str, by_session: bool = False) -> frozenset[str]:
    """The example files a router must not have to score set ``key``: its own (none for
    a set that is no example file), or (``by_session``) those of its whole session."""
    keys = session_of(key) if by_session else (key,)
    return frozenset(file_name(k) for k in keys if k in ASKED)


def routers_without(social_map: SocialMap, by_session: bool = False) -> Any:
    """The router to score set ``key`` with: built without :func:`left_out`'s files."""
    from busbaan.routing.expansion import default_files, load_examples

    cache: dict[frozenset[str], Router] = {}

    def router_for(key: str) -> Router:
        files_out = left_out(key, by_session)
        if files_out not in cache:
            files = [f for f in default_files() if f.name not in files_out]
            cache[files_out] = Router(social_map, examples=load_examples(files))
        return cache[files_out]

    return router_for


def sets() -> dict[str, tuple[list[dict[str, Any]], bool]]:
    out = {key: (read_jsonl(LOCAL / name), show) for key, (name, show) in LOSO.items()}
    out["dev"] = (read_jsonl(data_file("dev-questions.jsonl")), True)
    out |= {key: (read_jsonl(LOCAL / name), True) for key, name in OTHER.items()}
    out |= {key: (read_jsonl(LOCAL / name), True) for key, name in PROBE_SETS.items()}
    return out


def measure(misses: bool = False, by_session: bool = False,
            today: dt.date = BENCH_DAY) -> dict[str, Any]:
    """Figures per set and pooled; each set scored by a router without its own example
    file, or (``by_session``) without its whole session's; every question read on
    ``today``."""
    social_map = load_map(data_file("amsterdam-demo.hsds.json"))
    router_for = routers_without(social_map, by_session) if by_session else routers(social_map)
    figures: dict[str, Any] = {}
    for key, (questions, show) in sets().items():
        router = router_for(key)
        n = top1 = top3 = s_n = s_top3 = confident = right = 0
        for q in questions:
            answer = answer_of(router, q, today)
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
            confident += answer.confident
            right += answer.confident and ok1
            if misses and not ok1:
                mark = "   " if ok3 else "!3 "
                text = q["question"] if show else "(held out once: text not shown)"
                ctx = f" ctx={q['context']}" if show and q["context"] else ""
                print(f"{mark}{key:9} {q['id']}: {text}{ctx}\n      expected "
                      f"{q['expected']}{' +' + str(q['acceptable']) if q['acceptable'] else ''}"
                      f" got {found[:3]}{' SAFETY' if answer.safety else ''}")
        figures[key] = {"n": n, "top1": top1, "top3": top3, "safety_n": s_n,
                        "safety_top3": s_top3, "confident": confident, "right": right}
    alarms = n_near = 0
    for name in NEAR_SETS.values():
        asked, raised = false_alarms(router_for(""), read_jsonl(LOCAL / name), today)
        n_near += asked
        alarms += raised
    figures["near misses"] = {"n": 0, "top1": 0, "top3": 0, "safety_n": n_near,
                              "safety_top3": alarms, "confident": 0, "right": 0}
    unseen = [k for keys in SESSIONS.values() for k in keys if k in UNSEEN]
    for name, keys in (("pooled retired s3-s29", RETIRED), ("pooled s9-s29", unseen),
                       ("pooled all", list(LOSO)), ("probes", list(PROBE_SETS)),
                       ("dev+own", ["dev", *OTHER])):
        figures[name] = {f: sum(figures[k][f] for k in keys) for f in FIELDS}
    return figures


def unseen_counts(keys: Sequence[str]) -> dict[str, int]:
    """The unseen measurements of ``keys`` (``UNSEEN``) as counts, to pool them."""
    out = dict.fromkeys(FIELDS, 0)
    for key in keys:
        top1, top3, safety, coverage, right = UNSEEN[key]
        n = int(coverage.split("/")[1].split()[0])
        out["n"] += n
        out["top1"] += round(float(top1) * n)
        out["top3"] += round(float(top3) * n)
        out["safety_top3"] += int(safety.split("/")[0])
        out["safety_n"] += int(safety.split("/")[1])
        out["confident"] += int(coverage.split("/")[0])
        out["right"] += int(right.split("/")[0])
    return out


def cells(f: dict[str, Any]) -> str:
    """top-1 | top-3 | safety in top 3 | coverage | right when confident."""
    n, c = f["n"], f["confident"]
    return (f"{f['top1'] / n:.3f} | {f['top3'] / n:.3f} | {f['safety_top3']}/{f['safety_n']} | "
            f"{100 * c / n:.1f} % | {100 * f['right'] / c if c else 0:.1f} %")


def sessions_table(by_set: dict[str, Any], by_session: dict[str, Any]) -> list[str]:
    """Per session with an unseen measurement (7-13) and pooled: what its held-out sets
    scored unseen, leaving one set out, and leaving the session out; then each in-sample
    figure's mean absolute gap to the unseen one over the sessions, per measure."""
    rows = ["| session | sets | scored | top-1 | top-3 | safety in top 3 | coverage | "
            "right when confident |", "|---|---|---|---|---|---|---|---|"]
    gaps: dict[str, list[list[float]]] = {"leave one set out": [], "leave the session out": []}
    pooled: dict[str, dict[str, int]] = {}
    for session, keys in SESSIONS.items():
        if not all(k in UNSEEN for k in keys):
            continue
        sets_ = f"s{keys[0].removeprefix('heldout')}-s{keys[-1].removeprefix('heldout')}"
        unseen = unseen_counts(keys)
        scored = {"unseen, end of the session": unseen,
                  "leave one set out": {x: sum(by_set[k][x] for k in keys) for x in FIELDS},
                  "leave the session out": {x: sum(by_session[k][x] for k in keys)
                                            for x in FIELDS}}
        for label, here in scored.items():
            rows.append(f"| {session} | {sets_} | {label} | {cells(here)} |")
            total = pooled.setdefault(label, dict.fromkeys(FIELDS, 0))
            for x in FIELDS:
                total[x] += here[x]
            if here is not unseen:
                gaps[label].append([
                    here["top1"] / here["n"] - unseen["top1"] / unseen["n"],
                    here["top3"] / here["n"] - unseen["top3"] / unseen["n"],
                    here["confident"] / here["n"] - unseen["confident"] / unseen["n"],
                    here["right"] / max(1, here["confident"])
                    - unseen["right"] / max(1, unseen["confident"])])
    for label, total in pooled.items():
        rows.append(f"| pooled s9-s29 | 21 sets | {label} | {cells(total)} |")
    rows += ["", "| in-sample figure | mean gap to unseen, top-1 | top-3 | coverage | "
             "right when confident | (mean absolute gap, points: top-1, top-3, coverage, "
             "right) |", "|---|---|---|---|---|---|"]
    for label, per in gaps.items():
        mean = [100 * sum(g[i] for g in per) / len(per) for i in range(4)]
        mad = [100 * sum(abs(g[i]) for g in per) / len(per) for i in range(4)]
        rows.append(f"| {label} | {mean[0]:+.1f} | {mean[1]:+.1f} | {mean[2]:+.1f} | "
                    f"{mean[3]:+.1f} | {', '.join(f'{m:.1f}' for m in mad)} |")
    return rows


def line(key: str, f: dict[str, Any]) -> str:
    if key == "near misses":
        return f"{key:14} false alarms {f['safety_top3']}/{f['safety_n']}"
    if not f["n"]:
        return f"{key:14} safety top3 {f['safety_top3']}/{f['safety_n']}"
    right = f"{100 * f['right'] / f['confident']:.1f} %" if f["confident"] else "–"
    return (f"{key:14} n={f['n']:4} top1 {f['top1'] / f['n']:.3f} ({f['top1']}) "
            f"top3 {f['top3'] / f['n']:.3f} ({f['top3']}) safety {f['safety_top3']}/"
            f"{f['safety_n']} coverage {100 * f['confident'] / f['n']:.1f} % right {right}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--json")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--by-session", action="store_true",
                        help="leave out the whole session of each held-out set, not only "
                        "its own file")
    parser.add_argument("--sessions", action="store_true",
                        help="both ways, and a table per session beside its unseen figures")
    parser.add_argument("--today", type=bench_day, default=BENCH_DAY, metavar="YYYY-MM-DD",
                        help=f"the day the questions are read on (default "
                        f"{BENCH_DAY.isoformat()})")
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
    if args.sessions:
        by_set = measure(today=args.today)
        by_session = measure(by_session=True, today=args.today)
        for key in ("pooled retired s3-s29", "pooled s9-s29"):
            print(line(key + ", leave one set out", by_set[key]))
            print(line(key + ", leave the session out", by_session[key]))
        print("\n".join(sessions_table(by_set, by_session)))
        if args.json:
            Path(args.json).write_text(json.dumps({"set": by_set, "session": by_session},
                                                  indent=1), encoding="utf-8")
        return 0
    figures = measure(args.misses, args.by_session, args.today)
    for key, f in figures.items():
        print(line(key, f))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
