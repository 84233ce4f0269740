"""dangerknn (session 17): the ⚠ read from the example questions.

Session 16's unseen sets had the ⚠ on 70 of 106 dangers while the right safety service
was in the top 3 for 102: the 1,200+ danger example questions know danger in words the
safety file's cues do not. A question without a strong signal whose first service is a
safety service, and whose nearest example questions are for the most part that
service's danger examples (``Tuning.danger_signal_share`` of the
``Tuning.danger_signal_neighbours`` nearest), gets the ⚠ of the family those examples
are read as, unless the safety reader finds part of it kept at a distance
(:func:`busbaan.routing.safety.distanced`). Probes in new words:
tests/data/socialmap/probes-s17-dangerknn.jsonl (dangers that no cue reads, near misses
that must stay quiet). See docs/notes/2026-12-15s17-dangerknn.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from routing_testdata import assert_near_miss_is_silent, families, read_jsonl, top

from busbaan.routing import Router
from busbaan.routing.router import EXAMPLES_CUE
from busbaan.routing.safety import SafetySignals, distanced

PROBES = read_jsonl("probes-s17-dangerknn.jsonl")
#: Probes that still fail, with their cause (strict xfails).
KNOWN_GAPS: dict[str, str] = {
    # session 21: s51-s54 retired into examples
    "dk-12": ("since s51-s54 are examples (session 21; it passes without asked-heldout51 "
              "or without asked-heldout54): an ex at the school gate every morning who follows her "
              "home, yesterday with a baseball bat by her car: Veilig Thuis first (816, "
              "the shelter access 809) but no ⚠: its danger examples hold 0.395 of the "
              "nearest, under Tuning.danger_signal_share (0.4)"),
    "dk-06": ("ranking: a baby of five weeks puts youth health care (GGD JGZ) first, "
              "crisis intervention second; the rule speaks only for a first safety service"),
    "dk-07": ("the nearest examples are no dangers: a transmitter in the ceiling and a "
              "screwdriver are words no psychosis example uses (11 % of the nearest)"),
    # dk-11 (the friend who woke up undressed in a strange house): a strict xfail until
    # session 23 ("its nearest examples share two words ('wakker', 'huis') more often than
    # three"); it passes since s59-s62 are examples: the ⚠ (sexual_violence, Veilig Thuis
    # 858) from the examples; without the four files, or without asked-heldout62 (the
    # safety gate s62) alone, no ⚠ again (Veilig Thuis 851): plain.
    "dk-n01": ("the safety reader, not this rule: 'een avond over huiselijk geweld' "
               "raises partner violence ('avond' is no text or lesson word of _topic)"),
    "dk-n09": ("the safety reader, not this rule: 'dat is van tafel' ends only its own "
               "clause, not the cut-off told in the sentence before (_ended has no "
               "anaphor rule as _past has)"),
}


def _mark(rows: list[dict[str, Any]]) -> list[Any]:
    return [pytest.param(r, id=r["id"], marks=pytest.mark.xfail(
        strict=True, reason=KNOWN_GAPS[r["id"]])) if r["id"] in KNOWN_GAPS
        else pytest.param(r, id=r["id"]) for r in rows]


@pytest.mark.parametrize("row", _mark([r for r in PROBES if r["safety"]]))
def test_a_danger_no_cue_reads_gets_the_warning_of_its_examples(
        row: dict[str, Any], router: Router) -> None:
    """A danger told in words the safety file does not read (no signal, strong or weak),
    whose nearest examples are dangers of its service: the ⚠ of its family, with the
    family's sentence, its service first."""
    assert not families(router, row["question"], weak=True), row["id"]  # no cue reads it
    answer = router.route(row["question"], row["context"])
    assert [(h.signal, h.cue) for h in answer.safety] == [(row["safety"], EXAMPLES_CUE)], (
        row["id"], [(h.signal, h.cue) for h in answer.safety])
    assert top(answer)[0] in row["expected"], (row["id"], top(answer))
    family = router.safety.family(row["safety"])
    assert family is not None and answer.safety[0].why == family.why("nl")


@pytest.mark.parametrize("row", _mark([r for r in PROBES if not r["safety"]]))
def test_a_near_miss_stays_quiet(row: dict[str, Any], router: Router) -> None:
    """A lesson, a story, a part played, a danger past or dealt with, or an everyday
    worry told near the dangers' words: no ⚠."""
    assert_near_miss_is_silent(router, row)


def test_without_the_rule_the_dangers_get_no_warning(tuned: Callable[..., Router]) -> None:
    """The mechanism: with ``danger_signal_share=None`` (before session 17) none of the
    danger probes gets a ⚠; the service may be first all the same."""
    off = tuned(danger_signal_share=None)
    for row in PROBES:
        if row["safety"]:
            assert not off.route(row["question"], row["context"]).safety, row["id"]


@pytest.mark.parametrize(("text", "kept"), [
    ("In het toneelstuk speelt hij een vader die zijn kinderen opsluit.", True),
    ("Mijn dochter schrijft een werkstuk over zelfmoord in de Tweede Wereldoorlog.", True),
    ("Vroeger sliep ik op straat, dat is jaren geleden. Nu zoek ik werk.", True),
    ("Mijn buurjongen van zes staat elke avond tot middernacht op de galerij.", False),
    ("my sister has not eaten for days and talks to people who are not there", False),
])
def test_distanced_is_the_readers_distance(text: str, kept: bool,
                                           signals: SafetySignals) -> None:
    """:func:`distanced`: the readers the cues are blocked by (a part played, a school
    text about a subject, the past), asked of the whole text; a danger told now is not
    kept at a distance."""
    assert distanced(signals, text) is kept
