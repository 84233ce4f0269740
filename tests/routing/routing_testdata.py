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


def assert_near_miss_is_silent(router: Any, q: dict[str, Any]) -> None:
    """A near miss gets no safety answer, and no weak-tier service in its top 3 that the
    question's answer key does not support (the safety probe files' near misses)."""
    answer = router.route(q["question"], q["context"])
    wanted = set(q["expected"]) | set(q["acceptable"])
    assert not answer.safety, (q["id"], [(h.signal, h.cue) for h in answer.safety])
    shown = {r.service_id for r in answer.results[:3]}
    assert not any(h.service_id in shown and h.service_id not in wanted
                   for h in answer.caution), q["id"]
