"""top3 (session 21): a family read keeps its services in the top 3.

Issue 8 asks that every danger have its safety service in the top 3. Of the 28 retired
dangers (s3-s54, each scored without its session's example files) without their
expected service in the top 3 at the base (f791e77), six had their family read (a weak
cue, or told from the example questions) and only one service of it placed: five are
suicides, where the bench map's family sends to the specialist GGZ first and then the
GGD Vangnet, and the writers expect the GGD Vangnet (82 retired suicide dangers) about
as often as the specialist GGZ (69). Now :meth:`Router._read_in_top` is the one rule for
what a read family puts in the top 3 (its first open services, as many as the safety
file's ``in_top`` declares: suicide 2, every other family 1), and never all three
places. See docs/notes/2026-12-19s21-top3.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from routing_testdata import BENCHMARK_MAP, read_jsonl

from busbaan.routing import Router, load_map
from busbaan.routing.router import EXAMPLES_CUE

DAY = dt.date(2026, 12, 6)

#: Retired dangers whose family was read but whose expected service was not in the top 3
#: before (session 21's base f791e77), scored without their session's example files:
#: id -> (set file, session key for ``left_out``, how the family was read).
READ = {
    "h48-088": ("frozen-2026-12-17-s48.jsonl", "heldout48", "examples"),
    "h51-080": ("frozen-2026-12-18-s51.jsonl", "heldout51", "weak"),
    "h54-076": ("frozen-2026-12-18-s54.jsonl", "heldout54", "weak"),
    "h54-081": ("frozen-2026-12-18-s54.jsonl", "heldout54", "weak"),
}


@pytest.fixture(scope="module")
def unseen() -> dict[str, Router]:
    """Routers without the example files of a session's sets (as ``bench.measure retired
    --by-session`` scores them), by session key."""
    from bench.generalise import left_out
    from busbaan.routing.expansion import default_files, load_examples

    social_map = load_map(BENCHMARK_MAP)
    out: dict[str, Router] = {}
    for key in ("heldout48", "heldout51"):
        names = left_out(key, by_session=True)
        examples = load_examples([f for f in default_files() if f.name not in names])
        out[key] = Router(social_map, examples=examples)
    out["heldout54"] = out["heldout51"]  # one session, s51-s54
    return out

#: Session 22: moved by retiring s55-s58 into examples (strict xfails, with the cause;
#: each passes without the four files, and fails the same with the old calibration).
DRIFT22 = {
    "h48-088": ("since s55-s58 are examples (session 22; together: it passes without the "
                "four files, fails without any one): the suicide ⚠ is no longer told from "
                "the examples (no ⚠)"),
    "h54-076": ("since s55-s58 are examples (session 22; together: it passes without the "
                "four files, fails without any one): on the weak reading GGD Vangnet is "
                "first (the specialist GGZ third), not the ordinary answer"),
}


def _row(qid: str) -> dict[str, Any]:
    name = READ[qid][0]
    return next(r for r in read_jsonl(name) if r["id"] == qid)


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=DRIFT22[q]))
    if q in DRIFT22 else q for q in sorted(READ)])
def test_a_read_suicide_keeps_both_its_services_in_the_top_3(
        qid: str, unseen: dict[str, Router]) -> None:
    """Out of sample: a suicide read from a weak cue ("het touw al heeft gekocht",
    "afscheid nam", "won't need anything anymore") or told from the examples has the
    GGD Vangnet, the service the row expects, in the top 3 beside the specialist GGZ;
    a weak reading leaves the first place to an ordinary answer, as before."""
    _, key, how = READ[qid]
    row = _row(qid)
    answer = unseen[key].route(row["question"], row["context"], today=DAY)
    top = [r.service_id for r in answer.results[:3]]
    assert set(row["expected"]) & set(top), (qid, top)
    assert {"ggd-vangnet", "ggz-specialistisch"} <= set(top), (qid, top)
    if how == "weak":
        assert [h.signal for h in answer.caution] == ["suicide"], qid
        assert not answer.safety, qid
        assert top[0] not in {"ggd-vangnet", "ggz-specialistisch"}, (qid, top)
    else:
        assert [(h.signal, h.cue) for h in answer.safety] == [("suicide", EXAMPLES_CUE)]
        assert top[0] == answer.safety[0].service_id, (qid, top)


@pytest.mark.parametrize("text", [
    "Mijn buurman zegt dat hij het touw al heeft gekocht. Kan hij hulp krijgen met zijn "
    "toeslagen?",
    "Mijn cliënt geeft al zijn meubels weg en zegt dat hij afscheid wil nemen. Hoe vraag "
    "ik bijzondere bijstand aan?",
])
def test_a_weak_suicide_cue_puts_both_services_beside_the_ordinary_answer(
        router: Router, text: str) -> None:
    """The shipped router: a weak suicide cue in an ordinary question puts both of the
    family's open services in the top 3, and keeps one place for an ordinary answer."""
    answer = router.route(text, today=DAY)
    assert [h.signal for h in answer.caution] == ["suicide"], answer.caution
    top = [r.service_id for r in answer.results[:3]]
    assert {"ggd-vangnet", "ggz-specialistisch"} <= set(top), top
    assert sum(s not in router.protected for s in top) == 1, top


def test_a_weak_cue_of_a_one_service_family_places_that_service_only(
        router: Router) -> None:
    """A family with one service on the map (partner violence: Veilig Thuis) puts that
    one in the top 3 as before; two ordinary answers keep their places."""
    text = "Mijn zus durft niet naar huis. Waar kan ze een uitkering aanvragen?"
    answer = router.route(text, today=DAY)
    assert [h.signal for h in answer.caution] == ["partner_violence"], answer.caution
    assert not answer.safety, answer.safety
    top = [r.service_id for r in answer.results[:3]]
    assert "vt-advies-melding" in top, top
    assert sum(s not in router.protected for s in top) == 2, top


def _shipped() -> dict[str, Any]:
    import yaml

    from busbaan.routing.safety import default_path

    data: dict[str, Any] = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    return data


def test_in_top_is_declared_for_suicide_only(signals: Any) -> None:
    """The shipped file: a suicide keeps two services in the top 3, every other family
    its first (a psychiatric crisis: retired dangers expect the GGD Vangnet 148 times,
    the specialist GGZ never)."""
    assert {f.id: f.in_top for f in signals.families if f.in_top != 1} == {"suicide": 2}
    suicide = next(f for f in signals.families if f.id == "suicide")
    assert suicide.for_minor().in_top == 2


@pytest.mark.parametrize("value", [0, 3, "twee"])
def test_an_in_top_outside_one_or_two_is_refused(value: object) -> None:
    """``in_top`` is 1 or 2 (at most the services a strong reading puts first); another
    value is a wrong file, not a silent default."""
    from busbaan.routing.safety import SafetyFileError, parse_signals

    data = _shipped()
    data["families"][0]["in_top"] = value
    with pytest.raises(SafetyFileError):
        parse_signals(data, "x.yaml")
    del data["families"][0]["in_top"]
    assert parse_signals(data, "x.yaml").families[0].in_top == 1
