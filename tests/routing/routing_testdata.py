"""Paths and readers for the routing test data (tests/data/socialmap)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "socialmap"
BENCHMARK_MAP = DATA / "amsterdam-demo.hsds.json"


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """The JSON objects of one JSON Lines file in tests/data/socialmap."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
