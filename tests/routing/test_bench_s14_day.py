"""The routing benchmark reads every question on one fixed day (session 14, bench14):
its ranking (through ``route batch``), its safety and confidence tables and its
calibration see the same answer, and no figure depends on the clock. And the
leave-one-session-out option of bench.generalise leaves a session's sets out together."""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from busbaan.cli.route import batch_line
from busbaan.routing import Router

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.generalise import UNSEEN, left_out, session_of, unseen_counts
from bench.routing import BENCH_DAY, calibration_answers, main, set_figures

#: Written for this test (no set's words): an eviction on a date, months after the
#: benchmark day and a few days after NEAR.
EVICTION: dict[str, Any] = {
    "id": "day-1", "context": {},
    "question": "Onze huurder moet op 3 maart 2027 zijn woning uit, de ontruiming is "
                "aangezegd wegens huurschuld.",
    "expected": ["shv-crisisinterventie"], "acceptable": [], "safety": "eviction_cutoff"}
NEAR = dt.date(2027, 2, 25)


def _batch(router: Router, q: dict[str, Any], today: dt.date) -> dict[str, Any]:
    line = json.dumps({k: q[k] for k in ("id", "question", "context")})
    return batch_line(router, line, today=today)


@pytest.mark.parametrize("today", [BENCH_DAY, NEAR])
def test_ranking_and_tables_read_the_question_on_one_day(router: Router,
                                                         today: dt.date) -> None:
    """For a question whose date decides the eviction warning, the benchmark's tables
    (safety signal, confident) are those of the answer ``route batch`` gives on the same
    day: on the benchmark day the eviction is months away (no warning), a few days
    before it the warning is there."""
    figures = set_figures(router, [EVICTION], today)
    line = _batch(router, EVICTION, today)
    signalled = bool(line["safety"])
    assert signalled == (today == NEAR)
    assert figures["safety"] == (1, 1, int(signalled))
    assert figures["conf"]["confident"] == int(line["confident"])
    right = line["results"][0]["service_id"] in EVICTION["expected"]
    assert figures[""][0] == float(right)
    assert figures["conf"]["right"] == int(line["confident"] and right)


def test_calibration_reads_the_question_on_the_benchmark_day(router: Router) -> None:
    """The calibration takes the same answer as the tables: a safety answer (kept out of
    the fit) a few days before the eviction, a plain one on the benchmark day."""
    for today in (BENCH_DAY, NEAR):
        answers = calibration_answers(lambda _: router, [("day", [EVICTION])], today)
        route = router.route(EVICTION["question"], EVICTION["context"], today=today)
        assert answers["safety"].tolist() == [bool(route.safety)]
        assert answers["confident"].tolist() == [route.confident]
        assert answers["x"][0].tolist() == list(
            router.features_of(EVICTION["question"], EVICTION["context"], today=today))
    assert calibration_answers(lambda _: router, [("day", [EVICTION])])["safety"].tolist() \
        == [False]


def test_the_figures_do_not_read_the_clock(router: Router,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """With every clock the routing could read made to fail, the benchmark's figures
    (default day) are computed, and are those of the benchmark day."""
    expected = set_figures(router, [EVICTION], BENCH_DAY)

    class NoToday(dt.date):
        @classmethod
        def today(cls) -> NoToday:
            raise AssertionError("the benchmark read the clock")

    def no_clock() -> dt.date:
        raise AssertionError("the benchmark read the clock")

    import busbaan.cli.route
    import busbaan.routing.safety

    monkeypatch.setattr(busbaan.cli.route, "utc_today", no_clock)
    monkeypatch.setattr(busbaan.routing.safety, "dt",
                        types.SimpleNamespace(date=NoToday, timedelta=dt.timedelta))
    assert set_figures(router, [EVICTION]) == expected
    # the probe works: a route without a day reads the clock
    with pytest.raises(AssertionError, match="clock"):
        batch_line(router, json.dumps({"id": "x", "question": "ontruiming in 2019 gehad"}))


def test_today_option_takes_a_day_and_refuses_anything_else(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``--today`` is a YYYY-MM-DD day; anything else stops before any measuring."""
    with pytest.raises(SystemExit) as stop:
        main(["--today", "vrijdag", "--no-write"])
    assert stop.value.code == 2
    assert "--today" in capsys.readouterr().err


def test_leave_one_session_out_leaves_the_sibling_sets_out() -> None:
    """A held-out set is scored without its own file, or without its whole session's;
    a tuning set (no session) only without its own."""
    assert left_out("heldout28") == {"asked-heldout28.yaml"}
    assert left_out("heldout28", by_session=True) == {
        "asked-heldout27.yaml", "asked-heldout28.yaml", "asked-heldout29.yaml"}
    assert left_out("heldout7", by_session=True) == {
        "asked-heldout6.yaml", "asked-heldout7.yaml", "asked-heldout8.yaml"}
    assert left_out("heldout4", by_session=True) == {"asked-heldout4.yaml"}
    assert left_out("tuning4", by_session=True) == {"asked-tuning4.yaml"}
    assert left_out("dev", by_session=True) == frozenset()
    assert session_of("heldout13") == ("heldout12", "heldout13", "heldout14")


def test_unseen_figures_pool_as_counts() -> None:
    """The unseen end-of-session figures are pooled from their counts (s27, s28)."""
    assert UNSEEN["heldout27"][0] == "0.820"
    pooled = unseen_counts(["heldout27", "heldout28"])
    assert pooled == {"n": 200, "top1": 163, "top3": 192, "safety_n": 70,
                      "safety_top3": 67, "confident": 120, "right": 111}


def test_a_set_right_thirty_times_in_thirty_one_no_longer_blocks_the_threshold() -> None:
    """The per-set check (30+ confident answers) is a one-sided 80 % bound since session
    14: a small set right 30 of 31 times (96.8 %) passes beside an easy pool, one right
    28 of 31 times (90.3 %, too close to the goal to tell) still blocks the threshold."""
    from bench.routing import _threshold

    def pool(small_right: int) -> tuple[Any, Any, Any]:
        import numpy as np

        prob = np.array([0.95] * 31 + [0.95] * 200 + [0.6] * 100)
        right = np.array([1.0] * small_right + [0.0] * (31 - small_right)
                         + [1.0] * 200 + [1.0, 0.0] * 50)
        sets = np.array(["small"] * 31 + ["easy"] * 300)
        return prob, right, sets

    t, bound, certified = _threshold(*pool(30))
    assert t == pytest.approx(0.95) and certified and bound >= 0.9
    t, bound, certified = _threshold(*pool(28))
    assert not certified
