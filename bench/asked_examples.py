"""Turn retired question sets into example files: ``python -m bench.asked_examples``.

A question set that has been measured (a held-out set after its measurements, or a
tuning set) is labelled data in everyday words, written by someone who saw only the
map. From session 7 on such sets are used the way the written example questions are
(document expansion, :mod:`busbaan.routing.expansion`): each question is indexed as an
example of its expected services. One file per set, ``busbaan/routing/examples/
asked-<set>.yaml``, so that the benchmark can measure every set with its own file left
out (leave one set out); the sets it still reports are then never scored by a router
that has seen them.

``--check`` exits 1 when a file differs from what its set gives (a test runs it), so a
file never drifts from its set and a set is never edited through its file.

Not used: the development questions and our own paraphrases of them (the learning
replay needs a router that gets some of them wrong), the safety probes and near misses
(they measure the safety signals, which examples do not touch), and every set that is
still held out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "tests" / "data" / "socialmap"
OUT = ROOT / "busbaan" / "routing" / "examples"

#: Retired set -> (its file, who wrote it and when it was frozen or written).
ASKED: dict[str, tuple[str, str]] = {
    "frozen": ("frozen-2026-12-03.jsonl",
               "the first frozen set (session 2; a tuning set from session 3 on)"),
    "tuning4": ("tuning-2026-12-03-s4.jsonl",
                "the everyday-words tuning set of session 4, written by an engineer from "
                "the map alone"),
    "heldout": ("frozen-2026-12-03-s3.jsonl",
                "held-out set s3 (session 3), an independent writer who saw only the map"),
    "heldout4": ("frozen-2026-12-03-s4.jsonl",
                 "held-out set s4 (session 4), an independent writer who saw only the map"),
    "heldout5": ("frozen-2026-12-04-s5.jsonl",
                 "held-out set s5 (session 5), an independent writer who saw only the map"),
    "heldout6": ("frozen-2026-12-04-s6.jsonl",
                 "held-out set s6 (session 6), an independent writer who saw only the map"),
    "heldout7": ("frozen-2026-12-04-s7.jsonl",
                 "held-out set s7 (session 6), an independent writer who saw only the map"),
    "heldout8": ("frozen-2026-12-04-s8.jsonl",
                 "held-out set s8 (session 6), an independent writer who saw only the map"),
    "heldout9": ("frozen-2026-12-05-s9.jsonl",
                 "held-out set s9 (session 7), an independent writer who saw only the map"),
    "heldout10": ("frozen-2026-12-05-s10.jsonl",
                  "held-out set s10 (session 7), an independent writer who saw only the map"),
    "heldout11": ("frozen-2026-12-05-s11.jsonl",
                  "held-out set s11 (session 7), an independent writer who saw only the map"),
    "heldout12": ("frozen-2026-12-06-s12.jsonl",
                  "held-out set s12 (session 8), an independent writer who saw only the map"),
    "heldout13": ("frozen-2026-12-06-s13.jsonl",
                  "held-out set s13 (session 8), an independent writer who saw only the map"),
    "heldout14": ("frozen-2026-12-06-s14.jsonl",
                  "held-out set s14 (session 8), an independent writer who saw only the map"),
    "heldout15": ("frozen-2026-12-07-s15.jsonl",
                  "held-out set s15 (session 9), an independent writer who saw only the map"),
    "heldout16": ("frozen-2026-12-07-s16.jsonl",
                  "held-out set s16 (session 9), an independent writer who saw only the map"),
    "heldout17": ("frozen-2026-12-07-s17.jsonl",
                  "held-out set s17 (session 9), an independent writer who saw only the map"),
    "heldout18": ("frozen-2026-12-08-s18.jsonl",
                  "held-out set s18 (session 10), an independent writer who saw only the map"),
    "heldout19": ("frozen-2026-12-08-s19.jsonl",
                  "held-out set s19 (session 10), an independent writer who saw only the map"),
    "heldout20": ("frozen-2026-12-08-s20.jsonl",
                  "held-out set s20 (session 10), an independent writer who saw only the map"),
    "heldout21": ("frozen-2026-12-09-s21.jsonl",
                  "held-out set s21 (session 11), an independent writer who saw only the map"),
    "heldout22": ("frozen-2026-12-09-s22.jsonl",
                  "held-out set s22 (session 11), an independent writer who saw only the map"),
    "heldout23": ("frozen-2026-12-09-s23.jsonl",
                  "held-out set s23 (session 11), an independent writer who saw only the map"),
    "heldout24": ("frozen-2026-12-10-s24.jsonl",
                  "held-out set s24 (session 12), an independent writer who saw only the map"),
    "heldout25": ("frozen-2026-12-10-s25.jsonl",
                  "held-out set s25 (session 12), an independent writer who saw only the map"),
    "heldout26": ("frozen-2026-12-10-s26.jsonl",
                  "held-out set s26 (session 12), an independent writer who saw only the map"),
    "heldout27": ("frozen-2026-12-11-s27.jsonl",
                  "held-out set s27 (session 13), an independent writer who saw only the map"),
    "heldout28": ("frozen-2026-12-11-s28.jsonl",
                  "held-out set s28 (session 13), an independent writer who saw only the map"),
    "heldout29": ("frozen-2026-12-11-s29.jsonl",
                  "held-out set s29 (session 13), an independent writer who saw only the map"),
    "heldout30": ("frozen-2026-12-12-s30.jsonl",
                  "held-out set s30 (session 14), an independent writer who saw only the map"),
    "heldout31": ("frozen-2026-12-12-s31.jsonl",
                  "held-out set s31 (session 14), an independent writer who saw only the map"),
    "heldout32": ("frozen-2026-12-12-s32.jsonl",
                  "held-out set s32 (session 14), an independent writer who saw only the map"),
    "heldout33": ("frozen-2026-12-13-s33.jsonl",
                  "held-out set s33 (session 15), an independent writer who saw only the map"),
    "heldout34": ("frozen-2026-12-13-s34.jsonl",
                  "held-out set s34 (session 15), an independent writer who saw only the map"),
    "heldout35": ("frozen-2026-12-13-s35.jsonl",
                  "held-out set s35 (session 15), an independent writer who saw only the map"),
    "heldout36": ("frozen-2026-12-14-s36.jsonl",
                  "held-out set s36 (session 16), an independent writer who saw only the map"),
    "heldout37": ("frozen-2026-12-14-s37.jsonl",
                  "held-out set s37 (session 16), an independent writer who saw only the map"),
    "heldout38": ("frozen-2026-12-14-s38.jsonl",
                  "held-out set s38 (session 16), an independent writer who saw only the map"),
    "heldout39": ("frozen-2026-12-15-s39.jsonl",
                  "held-out set s39 (session 17), an independent writer who saw only the map"),
    "heldout40": ("frozen-2026-12-15-s40.jsonl",
                  "held-out set s40 (session 17), an independent writer who saw only the map"),
    "heldout41": ("frozen-2026-12-15-s41.jsonl",
                  "held-out set s41 (session 17), an independent writer who saw only the map"),
    "heldout42": ("frozen-2026-12-15-s42.jsonl",
                  "the safety gate s42 (session 17: 70 dangers, 30 near misses), an independent "
                  "writer who saw only the map"),
    "heldout43": ("frozen-2026-12-16-s43.jsonl",
                  "held-out set s43 (session 18), an independent writer who saw only the map"),
    "heldout44": ("frozen-2026-12-16-s44.jsonl",
                  "held-out set s44 (session 18), an independent writer who saw only the map"),
    "heldout45": ("frozen-2026-12-16-s45.jsonl",
                  "held-out set s45 (session 18), an independent writer who saw only the map"),
    "heldout46": ("frozen-2026-12-16-s46.jsonl",
                  "the safety gate s46 (session 18: 70 dangers, 30 near misses), an independent "
                  "writer who saw only the map"),
    "heldout47": ("frozen-2026-12-17-s47.jsonl",
                  "held-out set s47 (session 19), an independent writer who saw only the map"),
    "heldout48": ("frozen-2026-12-17-s48.jsonl",
                  "held-out set s48 (session 19), an independent writer who saw only the map"),
    "heldout49": ("frozen-2026-12-17-s49.jsonl",
                  "held-out set s49 (session 19), an independent writer who saw only the map"),
    "heldout50": ("frozen-2026-12-17-s50.jsonl",
                  "the safety gate s50 (session 19: 70 dangers, 30 near misses), an independent "
                  "writer who saw only the map"),
    "heldout51": ("frozen-2026-12-18-s51.jsonl",
                  "held-out set s51 (session 20), an independent writer who saw only the map"),
    "heldout52": ("frozen-2026-12-18-s52.jsonl",
                  "held-out set s52 (session 20), an independent writer who saw only the map"),
    "heldout53": ("frozen-2026-12-18-s53.jsonl",
                  "held-out set s53 (session 20), an independent writer who saw only the map"),
    "heldout54": ("frozen-2026-12-18-s54.jsonl",
                  "the safety gate s54 (session 20: 70 dangers, 30 near misses), an independent "
                  "writer who saw only the map"),
    "heldout55": ("frozen-2026-12-19-s55.jsonl",
                  "held-out set s55 (session 21), an independent writer who saw only the map"),
    "heldout56": ("frozen-2026-12-19-s56.jsonl",
                  "held-out set s56 (session 21), an independent writer who saw only the map"),
    "heldout57": ("frozen-2026-12-19-s57.jsonl",
                  "held-out set s57 (session 21), an independent writer who saw only the map"),
    "heldout58": ("frozen-2026-12-19-s58.jsonl",
                  "the safety gate s58 (session 21: 70 dangers, 30 near misses), an independent "
                  "writer who saw only the map"),
    "heldout59": ("frozen-2026-12-20-s59.jsonl",
                  "held-out set s59 (session 22), an independent writer who saw only the map"),
    "heldout60": ("frozen-2026-12-20-s60.jsonl",
                  "held-out set s60 (session 22), an independent writer who saw only the map"),
    "heldout61": ("frozen-2026-12-20-s61.jsonl",
                  "held-out set s61 (session 22), an independent writer who saw only the map"),
    "heldout62": ("frozen-2026-12-20-s62.jsonl",
                  "the safety gate s62 (session 22: 70 dangers, 30 near misses), an independent "
                  "writer who saw only the map"),
}


def file_name(key: str) -> str:
    return f"asked-{key}.yaml"


def render(key: str) -> str:
    """The example file of set ``key``: each question under each of its expected
    services, in the set's order (a two-needs question serves both)."""
    source, origin = ASKED[key]
    per_service: dict[str, list[str]] = {}
    with (LOCAL / source).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            q = json.loads(line)
            expected = q.get("expected") or []
            for service_id in [expected] if isinstance(expected, str) else expected:
                per_service.setdefault(service_id, []).append(" ".join(q["question"].split()))
    lines = [
        f"# Questions of {origin}: tests/data/socialmap/{source}.",
        "# Measured, then retired as a test set (sessions 7 to 23): each question is an",
        "# example of its expected services. Generated by `python -m bench.asked_examples`;",
        "# do not edit by hand (edit nothing: the set is frozen). The benchmark measures this",
        "# set with this file left out.",
        "services:",
    ]
    for service_id in sorted(per_service):
        lines.append(f"  {service_id}:")
        lines += [f"    - {json.dumps(text, ensure_ascii=False)}" for text in
                  per_service[service_id]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a file differs from its set (write nothing)")
    args = parser.parse_args(argv)
    stale = []
    for key in ASKED:
        path = OUT / file_name(key)
        text = render(key)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python -m bench.asked_examples): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
