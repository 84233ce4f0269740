"""Session 17 (tradeoffs): a regional variety's words that are standard words too.

outside20 found Twents "zien hoes" (zijn huis) read as the verb to see and a cover, and
Limburgs "heur hoes ... sjoen" read as nothing. Such a spelling is read as the regional
word only in a text written in a regional variety (two distinct regional spellings or
more, :data:`busbaan.routing.lexicon.REGIONAL_IN_CONTEXT`); in standard Dutch it stays
what it is. Probes in new words (tests/data/socialmap/probes-s17-tradeoffs.jsonl).
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.text import unchat

PROBES = read_jsonl("probes-s17-tradeoffs.jsonl")


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_a_regional_question_gets_its_service_first(
        demo_router: Router, row: dict[str, Any]) -> None:
    answer = demo_router.route(row["question"], row["context"])
    first = answer.results[0].service_id
    assert first in row["expected"] + row["acceptable"], (row["id"], first)
    assert set(row["expected"]) & {r.service_id for r in answer.results[:3]}
    assert not answer.safety


@pytest.mark.parametrize(("text", "read"), [
    ("mien va kan zien hoes nich meer schoonmaken", "mijn vader kan zijn huis niet meer"),
    ("ich wil heur hoes weer sjoen hauwe, allein kin ich dat neet",
     "ik wil haar huis weer schoon houden"),
    ("wel kan um helpen? hae weunt allein", "wie kan hem helpen"),
])
def test_a_regional_text_reads_its_homographs(text: str, read: str) -> None:
    assert read in unchat(text)


@pytest.mark.parametrize(("text", "kept"), [
    # standard Dutch: one spoken spelling ("effe") is no regional text
    ("ik wil mijn kinderen wel vaker zien, kan ie effe bellen", "wel vaker zien"),
    ("het dekbed zit in een hoes, wel kan ik um wassen?", "in een hoes, wel kan ik um"),
    # a regional text, but "zien" at its clause's end is the verb to see
    ("mien buurvrouw heb ik al n week nich zien, heur gerdienen bin dicht", "niet zien,"),
    ("ich wil mien kinder zien en mit heur prote", "kinder zien en"),
])
def test_a_standard_word_stays_what_it_is(text: str, kept: str) -> None:
    assert kept in unchat(text)
