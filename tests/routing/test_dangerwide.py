"""dangerwide (session 18): the ⚠ read from the example questions, widened.

Session 17's rule (``Router._told_as_danger``) counted only the first service's own
danger examples, at half the score of the question's 10 nearest. Out of sample (every
retired set scored without its whole session's example files) a danger told in words no
cue reads often had its neighbours split between two desks of one family (a person no
one has seen: the police and the GGD Vangnet; a suicide: the GGD Vangnet and the
specialist GGZ; a night outside: the youth and the central shelter door), so neither
desk held half. Now the kin's danger examples count for the families they share
(``Tuning.danger_signal_kin``), the share is 0.4, and a safety service second is asked
too, at 0.5, when ``Tuning.danger_signal_second_share`` is set (off by default).
docs/notes/2026-12-16s18-dangerwide.md.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from routing_testdata import BENCHMARK_MAP, read_jsonl

from busbaan.routing import Router, Tuning, load_map
from busbaan.routing.router import EXAMPLES_CUE, _with_kin
from busbaan.routing.safety import SafetySignals

#: Dangers of session 17's sets (retired: example files now) that no cue reads and whose
#: ⚠ the widened rule tells, scored by a router without session 17's example files.
WIDENED = {"h40-028": "frozen-2026-12-15-s40.jsonl", "h41-058": "frozen-2026-12-15-s41.jsonl",
           "h41-078": "frozen-2026-12-15-s41.jsonl", "h42-083": "frozen-2026-12-15-s42.jsonl"}


def _told(signals: SafetySignals) -> tuple[Any, ...]:
    """The families the examples may tell (as ``Router._told_families``)."""
    dated = {s for f in signals.families if f.within_days is not None for s in f.services}
    return tuple(f for f in signals.families if not dated & set(f.services))


def test_kin_examples_count_for_the_families_they_share(signals: SafetySignals) -> None:
    """A danger example of the GGD Vangnet read as a person unseen counts for the police
    (both desks of that family); one read as a psychiatric crisis does not (the police
    is no desk of it). A service's own examples keep their own labels."""
    services = ["politie-wijkagent", "ggd-vangnet"]
    labels = {0: {1: ("unseen_person",)},
              1: {2: ("unseen_person",), 3: ("psychiatric_crisis",), 1: ("unseen_person",)}}
    kin = _with_kin(labels, _told(signals), services)
    assert kin[0] == {1: ("unseen_person",), 2: ("unseen_person",)}
    assert kin[1] == labels[1]


def test_no_kin_through_a_family_told_only_by_its_date(signals: SafetySignals) -> None:
    """Crisis intervention and the crisis debt desk share only families acute within days
    (an eviction, a cut-off), which the examples never tell: no kin between them."""
    services = ["shv-crisisinterventie", "crisis-schulden"]
    labels: dict[int, dict[int, tuple[str, ...]]] = {0: {1: ("eviction_cutoff",)},
                                                     1: {2: ("cutoff_now",)}}
    kin = _with_kin(labels, _told(signals), services)
    assert kin == {0: {1: ("eviction_cutoff",)}, 1: {2: ("cutoff_now",)}}


#: The same for the second service (``Tuning.danger_signal_second_share``): a danger
#: whose ranking put an ordinary service first (the GP's mental-health nurse, who asks)
#: and a safety service second, with its nearest examples that service's dangers.
SECOND = {"h24-072": "frozen-2026-12-10-s24.jsonl"}


@pytest.fixture(scope="module")
def without_session() -> Any:
    """``without_session(key)``: routers without the example files of set ``key``'s
    whole session, the shipped rule with the second service asked at 0.5 ("now", that
    switch is off by default: see ``Tuning.danger_signal_second_share``) and session
    17's ("s17": share 0.5, the first service's own danger examples only), built once
    per session."""
    from bench.generalise import left_out
    from busbaan.routing.expansion import default_files, load_examples

    social_map = load_map(BENCHMARK_MAP)
    built: dict[frozenset[str], dict[str, Router]] = {}

    def make(key: str) -> dict[str, Router]:
        out = left_out(key, by_session=True)
        if out not in built:
            examples = load_examples([f for f in default_files() if f.name not in out])
            built[out] = {"now": Router(social_map, examples=examples, tuning=dataclasses.replace(
                              Tuning(), danger_signal_second_share=0.5)),
                          "s17": Router(social_map, examples=examples,
                                        tuning=dataclasses.replace(
                                            Tuning(), danger_signal_share=0.5,
                                            danger_signal_kin=False,
                                            danger_signal_second_share=None))}
        return built[out]

    return make


def _row(qid: str, name: str) -> dict[str, Any]:
    return next(r for r in read_jsonl(name) if r["id"] == qid)


#: Session 19: with s43-s46 retired into examples (it passes without s44), session 17's
#: rule already gives h40-028 the police's unseen_person ⚠ from the examples, so the
#: contrast with it no longer shows there; the other three still show it.
DRIFT19 = {"h40-028": ("since s43-s46 are examples (s44's unseen-neighbour dangers): "
                       "session 17's rule gives the ⚠ (unseen_person, police) too")}
# h41-058: a strict xfail in session 22 (with s55-s58 retired, session 17's rule gave the
# ⚠ too, so the contrast did not show); since s59-s62 are examples (session 23) the
# contrast shows again (it xfails with the four files left out): plain.
#: Session 22 (cues): since the cue reader reads h43-039's rope sent as a photo with "het
#: is klaar" as suicide, its example (asked-heldout43, ggd-vangnet) is a suicide danger
#: example, and session 17's rule too gives h42-083 (a man asking for a rope that holds
#: his weight) the ⚠ from its nearest examples: the contrast no longer shows there.
DRIFT22 = {"h42-083": ("since the cue reader reads s43's rope-and-farewell example as "
                       "suicide (session 22, cues): session 17's rule gives the ⚠ "
                       "(suicide, GGD Vangnet) from the examples too")}
DRIFTS = DRIFT19 | DRIFT22


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=DRIFTS[q]))
    if q in DRIFTS else q for q in sorted(WIDENED)])
def test_an_unseen_danger_split_between_kin_desks_gets_its_warning(
        qid: str, without_session: Any) -> None:
    """Out of sample: a danger no cue reads, whose nearest examples are dangers of its
    family spread over two of its desks (or just under half of them), gets the ⚠ of
    its family from the examples, on the service that was first already; session 17's
    rule left it without one."""
    row = _row(qid, WIDENED[qid])
    routers = without_session("heldout" + qid[1:3])
    now = routers["now"].route(row["question"], row["context"])
    before = routers["s17"].route(row["question"], row["context"])
    assert not before.safety, qid
    assert [(h.signal, h.cue) for h in now.safety] == [(row["safety"], EXAMPLES_CUE)], qid
    assert now.safety[0].service_id in set(row["expected"]) | set(row["acceptable"]), qid
    assert [r.service_id for r in now.results] == [r.service_id for r in before.results]


@pytest.mark.parametrize("qid", sorted(SECOND))
def test_a_safety_service_second_with_danger_neighbours_gets_the_warning_first(
        qid: str, without_session: Any) -> None:
    """Out of sample: the second service, a safety service whose danger examples hold
    half the question's nearest, gets the ⚠ of their family and comes first."""
    row = _row(qid, SECOND[qid])
    routers = without_session("heldout" + qid[1:3])
    now = routers["now"].route(row["question"], row["context"])
    before = routers["s17"].route(row["question"], row["context"])
    assert not before.safety, qid
    assert [(h.signal, h.cue) for h in now.safety] == [(row["safety"], EXAMPLES_CUE)], qid
    first = before.results[1].service_id
    assert now.safety[0].service_id == first == now.results[0].service_id, qid
    assert before.results[0].service_id not in row["expected"], qid
