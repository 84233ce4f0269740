"""False refusals as personal data over the question sets: ``python -m bench.refusals``.

Every question set in ``tests/data/socialmap/`` that an engineer may read (the retired
held-out sets, the dev, own, tuning, probe, near-miss and off-topic sets, the outside
checks' questions there and under ``docs/notes/``) and the probe sets without names in
``tests/data/privacy/`` hold no personal data by construction: each refusal there is a
false one. Each question is read as the wegwijzer reads it
(:func:`busbaan.wegwijzer.question.parse_question` with the demo map's names as
``known``, on the benchmark day), and the refusals are counted per set and by kind of
finding. ``--names`` reads the named-person sets instead (``tests/data/privacy/*names*``):
there every question must be refused for a name (recall). ``--list`` prints the refused
questions' ids and kinds (``--text`` their text too: these are test sets without
personal data, never the held-out sets of the running session).

Never read: ``frozen-2026-12-21-*`` and ``FROZEN-s63.md``..``FROZEN-s66.md`` (session
23's held-out sets and its safety gate, measured once by the lead): the glob below names
the dates of the retired sets only. Session 18, engineer ``refusals``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bench.routing import BENCH_DAY

ROOT = Path(__file__).resolve().parent.parent
SOCIALMAP = ROOT / "tests" / "data" / "socialmap"
PRIVACY = ROOT / "tests" / "data" / "privacy"
#: The session 23 held-out sets: never opened here.
_CURRENT = re.compile(r"frozen-2026-12-21|FROZEN-s6[3-6]")


def question_sets(names: bool = False) -> Iterator[Path]:
    """The .jsonl sets to read: without names (default), or the named-person sets (and
    the outside checks' rows written with personal data, :func:`personal`)."""
    if names:
        yield from sorted(p for p in PRIVACY.glob("*.jsonl") if "names" in p.name
                          and not p.name.startswith("no-names"))
    found = sorted(SOCIALMAP.glob("*.jsonl")) + sorted((ROOT / "docs" / "notes").glob(
        "outside*-questions.jsonl")) + (
            [] if names else sorted(PRIVACY.glob("no-names*.jsonl")))
    for path in found:
        if _CURRENT.search(path.name):
            continue
        yield path


def personal(row: dict[str, object]) -> bool:
    """A row an outside check wrote with personal data on purpose (``"kind":
    "personal"`` or ``expect_refusal``): a refusal there is right."""
    return row.get("kind") == "personal" or bool(row.get("expect_refusal"))


def read(path: Path) -> list[dict[str, object]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if isinstance(row, dict) and isinstance(row.get("question"), str):
                rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", action="store_true", help="recall on the named sets")
    parser.add_argument("--list", action="store_true", help="ids and kinds refused")
    parser.add_argument("--text", action="store_true", help="with --list: the text too")
    args = parser.parse_args(argv)

    from busbaan.routing.hsds import load_map
    from busbaan.wegwijzer.question import map_names, parse_question

    known = map_names(load_map())
    total, refused, kinds = 0, 0, Counter[str]()
    for path in question_sets(args.names):
        rows = read(path)
        if path.parent == SOCIALMAP or path.parent.name == "notes":
            rows = [r for r in rows if personal(r) == args.names]
        if not rows:
            continue
        hits = []
        for row in rows:
            # the outside checks write a BSN as "{bsn}" (their tests fill in a valid one)
            text = str(row["question"]).replace("{bsn}", "111222333")
            q = parse_question(text, known, today=BENCH_DAY)
            found = [f.kind for f in q.findings]
            if args.names:
                expected = row.get("expect_refusal")
                # an outside check's row: the kind it names, else any finding
                must = ((expected if isinstance(expected, str) else "")
                        if personal(row) else "name")
                if (must and must not in found) or not found:
                    hits.append((row, found))
            elif found:
                hits.append((row, found))
                kinds.update(found)
        total += len(rows)
        refused += len(hits)
        if hits or args.names:
            print(f"{path.name:45} {len(hits):3} of {len(rows):4}"
                  + ("  (missed)" if args.names else ""))
        if args.list:
            for row, found in hits:
                text = f"  {row['question']}" if args.text else ""
                print(f"    {row.get('id', '?')}: {','.join(found) or '-'}{text}")
    what = "personal data missed" if args.names else "false refusals"
    print(f"TOTAL {what}: {refused} of {total}" + (
        "  by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        if kinds else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
