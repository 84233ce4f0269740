"""Session 14 (router30): what the asker has at hand -- a quoted text, a story at two
removes, a half-remembered name (the retired set s29's shapes).

See docs/notes/2026-12-12s14-router30.md. Probes in new words:
tests/data/socialmap/probes-s14-router30.jsonl.

- safety_signals.yaml: a threat to the asker's people ("ik weet waar je ouders wonen",
  "you know what I'll do"); "too much" taken of a drug by its everyday name with a racing
  heart or limbs without feeling; a sexual act with being cornered ("klemgezet") or a
  threat if she speaks; someone not out "for ages", "komt niet meer buiten", nobody home
  at a visit repeated, "voor een dichte deur";
- :meth:`busbaan.routing.text.CompoundSplitter.modifier`: a compound whose end the map
  does not know is read by its known beginning ("schuldhulpbrigade" -> "schuldhulp");
- :meth:`busbaan.routing.text.Analyzer._cognate`: an English word of Latin origin is read
  as its Dutch spelling when the map knows that ("participation" -> "participatie");
- :data:`busbaan.routing.lexicon.WEAK_WORDS`: "heten" asks for a name ("hoe heet het").
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import (
    assert_near_miss_is_silent,
    assert_ordinary_first,
    families,
    read_jsonl,
    top,
)

PROBES = read_jsonl("probes-s14-router30.jsonl")
SAFETY = [row for row in PROBES if row["safety"]]
ORDINARY = [row for row in PROBES if not row["safety"] and "near-miss" not in row["tags"]]
NEAR_MISSES = [row for row in PROBES if "near-miss" in row["tags"]]
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "r30-13": ("the known beginning of an unknown compound counts as a part (half a word): "
               "'thuisadministratie' lifts the Humanitas service to third, 'volunteers' "
               "keeps the volunteer point first"),
    "r30-14": ("the same: 'mantelzorg' from 'mantelzorgbonus' lifts the steunpunt to "
               "third; 'dementie' keeps day care first"),
    "r30-16": ("'activity' reads as 'activiteit', which the volunteer point's text holds "
               "as much as the participation coach's; 'on benefits' does not outweigh "
               "'volunteering'"),
}


@pytest.mark.parametrize("row", SAFETY, ids=[row["id"] for row in SAFETY])
def test_a_danger_at_hand_is_signalled_with_its_service_first(
        router: Any, row: dict[str, Any]) -> None:
    """Each safety probe raises its family, and its expected service comes first."""
    assert row["safety"] in families(router, row["question"]), row["id"]
    answer = router.route(row["question"], row["context"])
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))


@pytest.mark.parametrize("row", NEAR_MISSES, ids=[row["id"] for row in NEAR_MISSES])
def test_a_near_miss_raises_no_signal(router: Any, row: dict[str, Any]) -> None:
    """A threat told as a joke, money "taken" with a pounding heart, a neighbour away on
    holiday: no safety answer."""
    assert_near_miss_is_silent(router, row)


@pytest.mark.parametrize("row", ORDINARY, ids=[row["id"] for row in ORDINARY])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    """Each ordinary probe (not a near miss) has its expected service first."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    assert_ordinary_first(router, row)


@pytest.mark.parametrize(("word", "parts"), [
    ("schuldhulpbrigade", ("schuldhulp",)),
    # session 19: 'bonus' is a word of the map since s43's examples ("een bonus eens per
    # jaar"), so "mantelzorgbonus" no longer has an unknown end; "mantelzorgbeloning" has
    ("mantelzorgbeloning", ("mantelzorg",)),
    ("belastingbrigade", ("belasting",)),
])
def test_a_compound_with_an_end_the_map_does_not_know_keeps_its_beginning(
        router: Any, word: str, parts: tuple[str, ...]) -> None:
    """A half-remembered name keeps its topic in its known first part."""
    assert router.analyzer._splitter.modifier(word) == parts


@pytest.mark.parametrize("word", [
    "schuldhulpverlening",  # splits into known parts: no modifier
    "bewindvoerder",  # a word of the map itself
    "mantelzorgxqzt",  # the end is no word
    "geldloketje",  # the beginning is shorter than a word the rule reads
])
def test_no_modifier_for_a_split_word_or_an_end_that_is_no_word(
        router: Any, word: str) -> None:
    assert router.analyzer._splitter.modifier(word) == ()


@pytest.mark.parametrize(("english", "dutch"), [
    ("participation", "participatie"),
    ("activity", "activiteit"),
    ("situation", "situatie"),
])
def test_an_english_latin_word_reads_as_its_dutch_spelling(
        router: Any, english: str, dutch: str) -> None:
    assert router.analyzer._cognate(english) == dutch


def test_no_cognate_where_the_map_has_no_such_word_or_the_table_translates(
        router: Any) -> None:
    assert router.analyzer._cognate("nation") is None  # "natie" is no word of the map
    assert router.analyzer._cognate("administration") is None  # lexicon.ENGLISH has it
