"""Check the example questions per service (doc2query-style expansion, issue 8).

Usage::

    .venv/bin/python tools/check_examples.py [FILE ...] [--map MAP] [-v]

Without FILE it checks every ``busbaan/routing/examples/*.yaml``. Each file looks like::

    services:
      wpi-bijstand:
        - "Ik heb geen werk en mijn geld is op, ..."
      "bt-*-geldzaken":        # a glob: the same examples for every stadsdeel's team
        - "..."

What it checks (an error makes the exit status 1):

- the YAML parses and has a mapping ``services`` of key -> list of strings;
- every key (an fnmatch glob) matches at least one service id of the map;
- each key has 25 examples, or 40 for a buurtteam glob (``bt-*-...``);
- no example appears twice (case and spacing ignored), within or across files;
- every example has 6 to 45 words;
- ``busbaan.privacy.find_personal_data`` finds nothing in any example.

With ``-v`` it also prints, per key, a rough count of English examples (a word-list
guess, for the author to see the mix of voices; never an error).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from busbaan.privacy import find_personal_data  # noqa: E402

DEFAULT_MAP = Path("/work/shared/socialmap/amsterdam-demo.hsds.json")
EXAMPLES_DIR = ROOT / "busbaan" / "routing" / "examples"
PER_SERVICE = 25
PER_BUURTTEAM_GLOB = 40
MIN_WORDS, MAX_WORDS = 6, 45

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ENGLISH = frozenset(
    {
        "the", "a", "an", "and", "is", "are", "my", "our", "i", "i'm", "me", "you", "your",
        "what", "how", "can", "can't", "do", "does", "don't", "for", "with", "not", "have",
        "has", "who", "where", "there", "should", "need", "get", "will", "of", "to", "it",
        "this", "that",
    }
)  # fmt: skip


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits; "zzp'er", "e-mail" count as one)."""
    return _WORD.findall(text)


def looks_english(text: str) -> bool:
    """A rough guess: at least three common English function words (not "we", "in")."""
    return sum(w.lower() in _ENGLISH for w in words(text)) >= 3


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def expected_count(key: str) -> int:
    """40 for a buurtteam glob, 25 for everything else."""
    is_glob = any(c in key for c in "*?[")
    return PER_BUURTTEAM_GLOB if is_glob and key.startswith("bt-") else PER_SERVICE


def service_ids(map_path: Path) -> list[str]:
    with map_path.open(encoding="utf-8") as f:
        data = json.load(f)
    return [str(s["id"]) for s in data["services"]]


def check_file(
    path: Path, ids: Sequence[str], seen: dict[str, str], verbose: bool = False
) -> list[str]:
    """Every problem in ``path`` as a readable line; ``seen`` carries examples across files."""
    problems: list[str] = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [f"{path}: YAML does not parse: {exc}"]
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        return [f"{path}: no mapping 'services' at the top"]
    services: dict[object, object] = data["services"]
    for key, examples in services.items():
        where = f"{path.name}: {key}"
        if not isinstance(key, str):
            problems.append(f"{where}: the key is not a string")
            continue
        matched = fnmatch.filter(ids, key)
        if not matched:
            problems.append(f"{where}: matches no service id of the map")
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            problems.append(f"{where}: not a list of strings")
            continue
        want = expected_count(key)
        if len(examples) != want:
            problems.append(f"{where}: {len(examples)} examples, expected {want}")
        for i, example in enumerate(examples, 1):
            n = len(words(example))
            if not MIN_WORDS <= n <= MAX_WORDS:
                problems.append(f"{where} #{i}: {n} words (want {MIN_WORDS}-{MAX_WORDS})")
            found = find_personal_data(example)
            if found:
                kinds = ", ".join(f.kind for f in found)
                problems.append(f"{where} #{i}: personal data? ({kinds}): {example}")
            norm = _normalise(example)
            if norm in seen:
                problems.append(f"{where} #{i}: duplicate of {seen[norm]}: {example}")
            else:
                seen[norm] = f"{where} #{i}"
        if verbose:
            english = sum(looks_english(e) for e in examples)
            print(f"{where}: {len(examples)} examples, ~{english} English, matches {len(matched)}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="YAML files (default: all)")
    parser.add_argument("--map", type=Path, default=DEFAULT_MAP, help="HSDS JSON of the map")
    parser.add_argument("-v", "--verbose", action="store_true", help="print counts per key")
    args = parser.parse_args(argv)
    files: list[Path] = args.files or sorted(EXAMPLES_DIR.glob("*.yaml"))
    if not files:
        print(f"no example files given or found in {EXAMPLES_DIR}")
        return 1
    ids = service_ids(args.map)
    seen: dict[str, str] = {}
    problems: list[str] = []
    total = 0
    for path in files:
        problems += check_file(path, ids, seen, args.verbose)
    total = len(seen)
    for line in problems:
        print(line)
    print(f"{len(files)} file(s), {total} distinct examples, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
