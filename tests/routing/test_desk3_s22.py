"""desk3 (session 22): a held-back safety service may take third place; hair pulling.

Issue 8 asks that every danger have its safety service in the top 3. Of the 23 retired
dangers (s3-s58, each scored without its session's example files) without their expected
service in the top 3 at the base (07e3ade), six had it there with the desk gate off: its
examples were held back on a question no signal was read in. Now a held service whose
held examples hold at least ``Tuning.held_third_share`` (0.10) of the question's nearest,
and with them would score as the third answer does, takes the third place, never a
higher one, and raises no ⚠ (:meth:`Router._held_in_third`). Two more were cue gaps:
hair pulling. See docs/notes/2026-12-20s22-desk3.md.

The lead turned the third-place rule off before the session ended (``held_third_share``
None): the clean-clone run of the merged tree showed it putting Veilig Thuis third on
ordinary questions that earlier outside checks had fixed for exactly that (outside8's
language course, outside9's football knees, vtfiller's vtf-12 and vtf-14) and taking a
neighbouring desk's place on h41-078. The rule stays, measured with the field set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from routing_testdata import BENCHMARK_MAP, read_jsonl

from busbaan.routing import Router, Tuning, load_map
from busbaan.routing.safety import detect, load_signals

DAY = dt.date(2026, 12, 6)

#: Retired dangers the gate alone kept out of the top 3 at 07e3ade, by session:
#: id -> (set file, session key for ``left_out``).
HELD = {
    "h50-001": ("frozen-2026-12-17-s50.jsonl", "heldout50"),
    "h50-081": ("frozen-2026-12-17-s50.jsonl", "heldout50"),
}


@pytest.fixture(scope="module")
def unseen() -> tuple[Router, Router]:
    """Routers without the example files of s47-s50 (as ``bench.measure retired
    --by-session`` scores s50): with ``held_third_share`` 0.10, and off (as shipped)."""
    from bench.generalise import left_out
    from busbaan.routing.expansion import default_files, load_examples

    social_map = load_map(BENCHMARK_MAP)
    names = left_out("heldout50", by_session=True)
    examples = load_examples([f for f in default_files() if f.name not in names])
    on = dataclasses.replace(Tuning(), held_third_share=0.10)
    return (Router(social_map, examples=examples, tuning=on),
            Router(social_map, examples=examples))


def _row(qid: str) -> dict[str, Any]:
    return next(r for r in read_jsonl(HELD[qid][0]) if r["id"] == qid)


@pytest.mark.parametrize("qid", sorted(HELD))
def test_a_held_desk_takes_third_place_only(qid: str, unseen: tuple[Router, Router]) -> None:
    """Out of sample: a danger told in words the safety file does not read, like Veilig
    Thuis's questions but under the share that opens it, has Veilig Thuis third, the
    question's own two best answers first; without the rule it is out of the top 3."""
    shipped, off = unseen
    row = _row(qid)
    answer = shipped.route(row["question"], row["context"], today=DAY)
    before = off.route(row["question"], row["context"], today=DAY)
    top = [r.service_id for r in answer.results[:3]]
    old = [r.service_id for r in before.results[:3]]
    assert top[2] in row["expected"], (qid, top)
    assert top[:2] == old[:2], (qid, top, old)
    assert not set(row["expected"]) & set(old), (qid, old)
    assert not answer.safety and not answer.caution, qid


def test_an_ordinary_question_keeps_its_top_3() -> None:
    """A question whose nearest examples are ordinary ones holds back no danger example
    near enough: nothing takes the third place."""
    router = Router(load_map(BENCHMARK_MAP),
                    tuning=dataclasses.replace(Tuning(), held_third_share=0.10))
    off = Router(load_map(BENCHMARK_MAP))
    question = "Mijn moeder van 80 kan de trap niet meer op, kan ze een traplift krijgen?"
    top = [r.service_id for r in router.route(question, {}, today=DAY).results[:3]]
    assert top == [r.service_id for r in off.route(question, {}, today=DAY).results[:3]]


def test_the_rule_is_off_as_shipped() -> None:
    """Off (None) as shipped: on, it lists Veilig Thuis as a filler on ordinary questions
    (tests/routing/test_probes_s15_vtfiller.py, test_outside8_findings.py)."""
    assert Tuning().held_third_share is None


def _read(text: str, age: int | None = None) -> list[tuple[str, bool]]:
    return [(s.family.id, s.weak) for s in detect(load_signals(), text, age, DAY)]


def test_dragged_by_her_hair_is_partner_violence() -> None:
    assert ("partner_violence", False) in _read(
        "her ex still has a key and on Sunday he came in and dragged her by her hair "
        "through the hallway")


def test_an_older_mother_pulled_by_her_hair_is_a_weak_elder_abuse_sign() -> None:
    assert ("elder_abuse", True) in _read(
        "Mijn broer woont bij mijn moeder van 79 en ze vertelt dat hij haar soms aan haar "
        "haren de trap op trekt als ze niet snel genoeg loopt.", 79)


@pytest.mark.parametrize("text", [
    "leerling vertelde dat haar stiefvader aan haar zit als moeder naar haar werk is",
    "mijn moeder van 82 zit de hele dag aan haar haren te plukken, is dat dementie?",
    "niemand doet hem of haar iets aan, ze is alleen zo moe, waar kan mijn moeder heen",
])
def test_her_hair_alone_is_no_elder_abuse(text: str) -> None:
    assert "elder_abuse" not in {family for family, _ in _read(text)}
