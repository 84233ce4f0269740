"""xfail22 (session 12): general reading faults behind open strict xfails of the routing
tests, each fixed in the grammar or the word lists, not for the words of the miss. Probes
in new voices, written before each fix: tests/data/socialmap/probes-s12-xfail22.jsonl;
see docs/notes/2026-12-10s12-xfail22.md.

- A diagnosis named ("een psychotische stoornis", "a psychotic illness", "een paranoïde
  persoonlijkheidsstoornis") is a lasting condition, not the acute state the adjective
  alone says ("is psychotisch"): the safety reader does not read a cue's adjective that
  is the attribute of a condition noun (``conditions`` in the safety file); the ranker
  keeps the word (the GGZ services' need). probe23-016, x21-27..29.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("probes-s12-xfail22.jsonl")


def _cause(cause: str) -> list[dict[str, Any]]:
    return [r for r in PROBES if f"cause:{cause}" in r["tags"]]


@pytest.mark.parametrize("row", _cause("diagnosis"), ids=lambda r: r["id"])
def test_a_diagnosis_named_is_no_crisis(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises psychiatric_crisis (a diagnosis beside it changes nothing);
    a diagnosis alone raises no family, not even a caution; either way an expected
    service is in the top 3."""
    found = {s.family.id for s in detect(router.safety, row["question"])}
    if row["safety"]:
        assert row["safety"] in found
    else:
        assert not found
    answer = router.route(row["question"], row["context"])
    wanted = set(row["expected"]) | set(row["acceptable"])
    assert wanted & {r.service_id for r in answer.results[:3]}
