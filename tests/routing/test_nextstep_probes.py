"""Session 16 (nextstep): where the asker has been, read in its own clause, and in the
example questions as in the question.

See docs/notes/2026-12-14s16-nextstep.md. Probes in new words:
tests/data/socialmap/probes-s16-nextstep.jsonl.

- :func:`busbaan.routing.safety.settled_parts`: a settled cue in a subordinate clause
  ("sinds mijn WW is afgelopen", "nadat ...", "since ...") ends at its conjunction: the
  main clause ("ik heb geen inkomen meer") is the need, not what is over (r27-17);
- ``Router._named_as_tried`` / :attr:`busbaan.routing.router.Tuning.example_apart`: an
  example question's words that name another service as tried or over ("gesprekken
  gehad met de praktijkondersteuner", "mijn WW stopt volgende maand") match only a
  question that says so too, not a plain mention of that service (p26-05, "doorverwijzen
  naar de POH").
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_ordinary_first, read_jsonl

from busbaan.routing import lexicon
from busbaan.routing.safety import settled_cues, settled_parts

PROBES = read_jsonl("probes-s16-nextstep.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "ns-07": ("the specialist GGZ's examples name the POH as the one who says the "
              "complaint is too heavy for her ('de praktijkondersteuner zegt dat dit te "
              "zwaar is'): no cue of tried or over, so those words still vote for the "
              "step after the POH on a plain mention of her"),
}


def _settled(signals: Any, text: str) -> set[str]:
    return {w for _, w in settled_parts(signals, text, settled_cues(lexicon.SETTLED))}


@pytest.mark.parametrize(("text", "over", "need"), [
    ("Er is geen eten meer in huis nadat de uitkering is afgelopen.",
     {"uitkering", "afgelopen"}, {"eten", "huis"}),
    ("De kinderen slapen slecht sinds het traject bij de jeugdhulp is beeindigd.",
     {"traject", "jeugdhulp", "beeindigd"}, {"kinderen", "slapen", "slecht"}),
    ("She has no money for groceries since her benefit ran out.",
     {"benefit", "ran", "out"}, {"money", "groceries"}),
])
def test_a_settled_cue_in_a_subordinate_clause_ends_that_clause(
        signals: Any, text: str, over: set[str], need: set[str]) -> None:
    """What is over is the subordinate clause's; the main clause is the need."""
    settled = _settled(signals, text)
    assert over <= settled
    assert not need & settled


def test_a_settled_cue_in_a_main_clause_still_covers_it(signals: Any) -> None:
    """Without a conjunction the clause around the cue is over, as before."""
    assert {"schuldhulp", "afgewezen"} <= _settled(
        signals, "De schuldhulp is vorige maand afgewezen.")


def test_an_example_naming_a_service_as_tried_keeps_that_name_apart(router: Any) -> None:
    """The name of the service an example says was tried is kept apart; its own
    service's name and the example's other words are not."""
    said = "Wij hebben tien gesprekken gehad met de praktijkondersteuner, nu verder?"
    ids = [s.id for s in router.map.services if s.active]
    apart = router._named_as_tried(said, (ids.index("ggz-specialistisch"),))
    stems = router.analyzer.word_stems(said)
    assert [sorted(stems[i]) for i in sorted(apart)] == [["praktijkondersteun"]]
    assert router._named_as_tried(said, (ids.index("poh-ggz"),)) == frozenset()
    assert router._named_as_tried("Ik wil naar de praktijkondersteuner.",
                                  (ids.index("ggz-specialistisch"),)) == frozenset()


def test_a_plain_mention_of_a_service_is_no_vote_for_the_step_after_it(
        tuned: Any) -> None:
    """The WW named plainly: the Bijstand's next-step examples (the WW ran out) no
    longer pull it up; with them read as before it comes closer."""
    question = "Wat staat er in de brief van het UWV over mijn WW-uitkering?"

    def margin(router: Any) -> int:
        scores = {r.service_id: r.score for r in router.route(question, {}).results}
        return scores.get("uwv-ww", 0) - scores.get("wpi-bijstand", 0)

    assert margin(tuned()) > margin(tuned(example_apart=False))


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    """Each probe's first answer is one of its expected services."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    assert_ordinary_first(router, row)
