"""vtfiller (session 15): Veilig Thuis in the top 3 when a danger to a person is told,
and not otherwise.

Veilig Thuis came into the top 3 of ordinary questions in family words (a baby that
does not sleep, a shy daughter, a divorce) as a filler, the largest cause of the
strict-xfail backlog (docs/notes/2026-12-12s14-xfail24.md). Probes in new words, written
before any change: tests/data/socialmap/probes-s15-vtfiller.jsonl, 14 ordinary questions
of families and 10 dangers to a person told in plain words; see
docs/notes/2026-12-13s15-vtfiller.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import Tuned, families, read_jsonl, top

from busbaan.routing import Router
from busbaan.routing.expansion import ExampleIndex
from busbaan.routing.router import EXAMPLES_CUE
from busbaan.routing.text import Analyzer

PROBES = read_jsonl("probes-s15-vtfiller.jsonl")
#: Probes that still fail, with their cause (strict xfails).
#: vtf-02 (a baby's nights) was a strict xfail: Veilig Thuis in the top 3 with no signal,
#: its own example questions holding 15 % or more of the question's 20 nearest (its
#: neglect examples tell the same), so the desk stayed open. It passes since s55-s58 are
#: examples (session 22; together: without the four files Veilig Thuis is third again,
#: 814, without any one of them it stays out): GGD JGZ 862, GGD Vangnet 837, the Stadspas
#: third (819).
KNOWN_GAPS: dict[str, str] = {
    "vtf-09": ("since session 16's age band by the ask (ageband): 'where can we as parents "
               "get some advice' reaches no school-age service, so leerplicht, Leergeld and "
               "the scholierenvergoeding lose the band's lift and Veilig Thuis comes third "
               "on its own name ('Advies en melding': 'advice' is the ask's only word); a "
               "desk no signal opens is still lifted by a generic word of its name"),
    # vtf-01 (a strict xfail since s47-s50 were retired, session 20) passes again since
    # s54's questions are examples (session 21: without asked-heldout54 it fails again):
    # Leergeld 887, the youth sport and culture fund 846, the Ouder- en Kindteam third (772)
    # session 23: s59-s62 retired into examples (it passes with the four files left out,
    # and without asked-heldout62 alone: the Ouder- en Kindteam third, leerplicht out)
    "vtf-01": ("since the safety gate s62 is examples (session 23): a daughter of 14 who quits her "
               "sports club and stays in her room with the laptop gets Leergeld, the youth "
               "sport and culture fund and leerplicht (887, 846, 777); the Ouder- en "
               "Kindteam fourth (772), GGD JGZ not in the top 3 (no Veilig Thuis either)"),
    "vtf-13": ("ranking, not the filler: grandparents who want to see the grandchildren "
               "(omgangsrecht) put Jeugdbescherming first on 'kleinkinderen, afdwingen'; "
               "the Juridisch Loket is not in the top 3"),
}


def _mark(rows: list[dict[str, Any]]) -> list[Any]:
    return [pytest.param(r, id=r["id"], marks=pytest.mark.xfail(
        strict=True, reason=KNOWN_GAPS[r["id"]])) if r["id"] in KNOWN_GAPS
        else pytest.param(r, id=r["id"]) for r in rows]


@pytest.mark.parametrize("row", _mark([r for r in PROBES if not r["safety"]]))
def test_a_family_question_without_danger_lists_no_veilig_thuis(
        row: dict[str, Any], router: Router) -> None:
    """An ordinary question in family words gets a fitting service in its top 3 and no
    Veilig Thuis there."""
    answer = router.route(row["question"], row["context"])
    shown = top(answer)
    assert set(row["expected"] + row["acceptable"]) & set(shown), (row["id"], shown)
    assert not set(row["not_top3"]) & set(shown), (row["id"], shown)


@pytest.mark.parametrize("row", _mark([r for r in PROBES if r["safety"]]))
def test_a_danger_to_a_person_puts_veilig_thuis_in_the_top_3(
        row: dict[str, Any], router: Router) -> None:
    """A danger to a person told in plain words has Veilig Thuis in the top 3."""
    answer = router.route(row["question"], row["context"])
    assert set(row["expected"]) & set(top(answer)), (row["id"], top(answer))


# ------------------------------------------------------------------ the mechanism


def test_the_desks_for_dangers_only_are_the_declared_ones(router: Router) -> None:
    """Veilig Thuis, crisis intervention for debts and the shelter access are desks for
    dangers only (the safety file declares them: they take no ordinary question); GGD
    Vangnet, specialist GGZ and the police take ordinary questions too, however many of
    their example questions are dangers (session 19: 0.753 of GGD Vangnet's made it a
    desk under the old share rule; session 20: declared, it is none)."""
    assert router.desks == {"vt-advies-melding", "shv-crisisinterventie",
                            "mo-centrale-toegang"}


def test_without_the_desk_gate_veilig_thuis_is_a_filler(tuned: Tuned) -> None:
    """The contrast: with every service's examples voting (before session 15) a family
    question lists Veilig Thuis on 'opa, hulp'; with the desk closed it does not."""
    question = next(r for r in PROBES if r["id"] == "vtf-04")["question"]
    assert "vt-advies-melding" in top(tuned(desk_gate=False).route(question))
    assert "vt-advies-melding" not in top(tuned().route(question))


def test_a_danger_the_file_does_not_read_keeps_its_desk_through_its_neighbours(
        tuned: Tuned) -> None:
    """A danger told in words the safety file does not read (no cue, no caution):
    its nearest example questions are Veilig Thuis's, which opens the desk; with the
    signal alone opening it (session 13's gate) Veilig Thuis left the top 3. Since
    session 18 (dangerwide: the examples' ⚠ at 0.4 of the nearest) those neighbours
    also tell its ⚠."""
    row = next(r for r in PROBES if r["id"] == "vtf-24")
    answer = tuned().route(row["question"], row["context"])
    assert not families(tuned(), row["question"], weak=True) and not answer.caution
    assert [(h.signal, h.service_id, h.cue) for h in answer.safety] == [
        ("child_maltreatment", "vt-advies-melding", EXAMPLES_CUE)]
    assert "vt-advies-melding" in top(answer)
    gate_only = tuned(desk_open_share=2.0).route(row["question"], row["context"])
    assert "vt-advies-melding" not in top(gate_only)


def test_a_question_that_names_the_desk_opens_it(router: Router) -> None:
    """A professional asking about Veilig Thuis itself, with no danger told, gets it."""
    answer = router.route("Wanneer verwijs ik een gezin door naar Veilig Thuis en wanneer "
                          "los ik het zelf op?")
    assert not answer.safety
    assert top(answer, 1) == ["vt-advies-melding"]


def test_examples_share_of_the_nearest_examples() -> None:
    """``votes`` gives ``scores`` and each service's share of the summed score of the
    question's nearest examples over all services."""
    analyzer = Analyzer(["baby huilt nacht", "fiets kapot"])
    index = ExampleIndex([["de baby huilt de hele nacht", "de baby huilt weer"],
                          ["mijn fiets is kapot", "de baby slaapt en de fiets is kapot"]],
                         analyzer)
    query = {analyzer.stem("baby"): 1.0, analyzer.stem("huilt"): 1.0}
    scores, evidence, near = index.votes(query, neighbours=20)
    assert (scores, evidence) == index.scores(query)
    assert near[0] > 0.5 > near[1] > 0.0
    assert near[0] + near[1] == pytest.approx(1.0)
    assert index.votes(query, neighbours=0)[2] == {}
