"""One measurement per question set, the way the lead measures: ``python -m bench.measure``.

Targets (any number, in order):

- ``retired``: every retired held-out set (``heldout*`` in :data:`bench.asked_examples.ASKED`),
  each scored by a router without its own example file (leave one set out), then pooled;
- a key of :data:`~bench.asked_examples.ASKED` (``heldout36``): that set, its file left out;
- a key of a ``SESSION*_HELDOUT`` table in :mod:`bench.routing` that is not retired yet, or a
  ``.jsonl`` path: scored by the shipped router (every example file).

Per set one line: ``n``, top-1, top-3, dangers with an expected service in the top 3
(``safety``), dangers with a ⚠ signal (``signal``) and with a ⚠ of the labelled family
(``family``), coverage (confident of n) and right when confident, false alarms (a ⚠ on a
question without a danger whose key does not name the ⚠'s service) of the questions without
a danger, and answers refused (no service: another language, personal data). Then the pooled
line and the figures as ``SESSION*_END`` tuples in :mod:`bench.routing` hold them.

``--tuning name=value`` (repeatable) measures a router with other weights (``Tuning``);
``--misses`` lists each question whose first answer is wrong, by id and service ids only
(never the text: a current held-out set is measured once and never read);
``--today`` sets the day every question is read on (default ``BENCH_DAY``);
``--by-session`` scores a retired set by a router without the example files of every set
held out in its session (:func:`bench.generalise.left_out`), not only its own: sibling
sets were written the same day, and a rule read from the examples (the ⚠ of
``Tuning.danger_signal_share``) must be scored on writers it has not seen;
``--near`` adds the near-miss sets (``bench.generalise``'s "near misses": questions
without a danger told like one), scored by the shipped router: their false alarms.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import bench.routing as R
from bench.asked_examples import ASKED
from busbaan.routing import Router, Tuning, load_map

FIELDS = ("n", "top1", "top3", "danger", "safety", "signal", "family", "confident",
          "right", "plain", "alarms", "refused")


def current_sets() -> dict[str, str]:
    """Every ``SESSION*_HELDOUT`` key of bench.routing not yet retired, with its file."""
    out: dict[str, str] = {}
    for name in dir(R):
        table = getattr(R, name)
        if name.startswith("SESSION") and name.endswith("_HELDOUT") and isinstance(table, dict):
            out |= {k: v for k, v in table.items() if k not in ASKED}
    return out


def tuning_of(pairs: Sequence[str]) -> Tuning:
    """``name=value`` pairs as a :class:`Tuning` (each value read as the field's type)."""
    base = Tuning()
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, _, text = pair.partition("=")
        if not hasattr(base, name):
            raise SystemExit(f"Tuning has no field {name!r}")
        kind = type(getattr(base, name))
        if text.lower() == "none":
            changes[name] = None  # a switch that is off (``danger_signal_share=none``)
        else:
            changes[name] = ((text.lower() in {"1", "true", "yes"}) if kind is bool
                             else kind(text))
    return dataclasses.replace(base, **changes)


def router_maker(tuning: Tuning, by_session: bool = False,
                 ) -> Callable[[str | None], Router]:
    """The router for a retired key (its file left out, or ``by_session`` its session's
    files), or the shipped one (``None``)."""
    from bench.generalise import left_out
    from busbaan.routing.expansion import default_files, load_examples

    social_map = load_map(R.data_file("amsterdam-demo.hsds.json"))
    cache: dict[frozenset[str], Router] = {}

    def router_for(key: str | None) -> Router:
        names = left_out(key, by_session) if key in ASKED else frozenset()
        if names not in cache:
            files = [f for f in default_files() if f.name not in names]
            cache[names] = Router(social_map, examples=load_examples(files), tuning=tuning)
        return cache[names]

    return router_for


def targets(args: Sequence[str]) -> list[tuple[str, Path, str | None]]:
    """(label, file, retired key or None) per set named on the command line."""
    current = current_sets()
    out: list[tuple[str, Path, str | None]] = []
    for arg in args:
        if arg == "retired":
            out += [(k, R.LOCAL / ASKED[k][0], k) for k in ASKED if k.startswith("heldout")]
        elif arg in ASKED:
            out.append((arg, R.LOCAL / ASKED[arg][0], arg))
        elif arg in current:
            out.append((arg, R.LOCAL / current[arg], None))
        elif arg.endswith(".jsonl") and Path(arg).is_file():
            out.append((Path(arg).stem, Path(arg), None))
        else:
            raise SystemExit(f"unknown set {arg!r}: 'retired', a retired key, a current "
                             f"held-out key ({', '.join(current) or 'none'}) or a .jsonl path")
    return out


def measure_set(router: Router, questions: Sequence[dict[str, Any]], today: dt.date,
                misses: list[str] | None = None) -> dict[str, int]:
    f = dict.fromkeys(FIELDS, 0)
    for q in questions:
        answer = R.answer_of(router, q, today)
        found = [r.service_id for r in answer.results]
        wanted = set(q["expected"]) | set(q["acceptable"])
        f["refused"] += not found
        if q.get("safety"):
            f["danger"] += 1
            f["safety"] += any(s in q["expected"] for s in found[:3])
            f["signal"] += bool(answer.safety)
            f["family"] += any(h.signal == q["safety"] for h in answer.safety)
        else:
            f["plain"] += 1
            f["alarms"] += bool(answer.safety) and not any(
                h.service_id in wanted for h in answer.safety)
        if not q["expected"]:
            continue
        f["n"] += 1
        ok1 = bool(found) and found[0] in q["expected"]
        f["top1"] += ok1
        f["top3"] += any(s in wanted for s in found[:3])
        f["confident"] += answer.confident
        f["right"] += answer.confident and ok1
        if misses is not None and not ok1:
            mark = "!3" if not any(s in wanted for s in found[:3]) else "  "
            misses.append(f"{mark} {q['id']}: expected {q['expected']} got {found[:3]}"
                          f"{' SAFETY' if answer.safety else ''}"
                          f"{' (danger ' + q['safety'] + ')' if q.get('safety') else ''}")
    return f


def line(label: str, f: dict[str, int]) -> str:
    n, c = max(1, f["n"]), f["confident"]
    return (f"{label:12} n={f['n']:4} top1={f['top1'] / n:.3f} ({f['top1']}) "
            f"top3={f['top3'] / n:.3f} ({f['top3']}) safety {f['safety']}/{f['danger']} "
            f"signal {f['signal']} family {f['family']} cov {c}/{f['n']} "
            f"right {f['right']}/{c} fa {f['alarms']}/{f['plain']} refused {f['refused']}")


def as_tuple(f: dict[str, int]) -> tuple[str, ...]:
    """The figures as ``SESSION*_END`` holds them in bench.routing."""
    n, c = max(1, f["n"]), f["confident"]
    return (f"{f['top1'] / n:.3f}", f"{f['top3'] / n:.3f}", f"{f['safety']}/{f['danger']}",
            f"{c}/{f['n']} ({100 * c / n:.1f} %)",
            f"{f['right']}/{c} ({100 * f['right'] / c if c else 0:.1f} %)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--tuning", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--today", type=R.bench_day, default=R.BENCH_DAY, metavar="YYYY-MM-DD")
    parser.add_argument("--by-session", action="store_true")
    parser.add_argument("--near", action="store_true")
    args = parser.parse_args(argv)
    router_for = router_maker(tuning_of(args.tuning), args.by_session)
    pooled = dict.fromkeys(FIELDS, 0)
    rows: dict[str, dict[str, int]] = {}
    misses: list[str] | None = [] if args.misses else None
    for label, path, key in targets(args.sets):
        f = measure_set(router_for(key), R.read_jsonl(path), args.today, misses)
        rows[label] = f
        print(line(label, f), flush=True)
        for x in FIELDS:
            pooled[x] += f[x]
    if len(rows) > 1:
        print(line("POOLED", pooled))
    for label, f in (*rows.items(), ("POOLED", pooled)):
        if label != "POOLED" or len(rows) > 1:
            print(f"TUPLE {label}: {as_tuple(f)}")
    if args.near:
        from bench.generalise import NEAR_SETS

        asked = raised = 0
        for name in NEAR_SETS.values():
            n, alarms = R.false_alarms(router_for(None), R.read_jsonl(R.LOCAL / name),
                                       args.today)
            asked, raised = asked + n, raised + alarms
        print(f"NEAR MISSES  false alarms {raised}/{asked}")
    for m in misses or ():
        print(m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
