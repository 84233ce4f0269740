"""Session 14 (router31): what the asker asks versus the story around it.

See docs/notes/2026-12-12s14-router31.md. Probes in new words:
tests/data/socialmap/probes-s14-router31.jsonl.

- :func:`busbaan.routing.text.priority_words`: the need the asker says matters most
  ("het belangrijkste is", "vooral", "most of all") weighs as an ask, to the end of its
  clause;
- a dictated message's ask starts where the speaker wishes in the words a sentence's
  ask is read by ("hij wil zelf graag dat iemand ...", "ze wil graag hulp"):
  :func:`busbaan.routing.text._run_on_ask`;
- a service the question says was tried, refused or is over (:data:`.lexicon.SETTLED`,
  with "zegt nee", "said no", "is afgewezen" added) is denied as a denied provision is,
  outside the asking sentences (``tried`` in :meth:`.text.Analyzer.query`): the asker has
  been there and asks where to go next.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, top

from busbaan.routing import lexicon
from busbaan.routing.router import settled_cues
from busbaan.routing.safety import load_signals, settled_parts
from busbaan.routing.text import asked_sentences, priority_words, words

PROBES = read_jsonl("probes-s14-router31.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
#: r31-03 passed since s51's questions are examples (session 21: without asked-heldout51
#: it fails again), on a tie: Wmo transport and Veilig Thuis score 845 each and Wmo
#: transport is listed first (it was: Veilig Thuis first without a safety signal on an
#: old woman who wants to visit her sister, the safety desk's examples as a filler).
#: Session 22: a strict xfail again (below), by s57's examples.
OPEN: dict[str, str] = {
    # session 22: s55-s58 retired into examples
    "r31-03": ("since s57's questions are examples (session 22; it passes without "
               "asked-heldout57, on the tie above): a false ⚠ read from the examples "
               "(elder_abuse, Veilig Thuis 845, cue 'examples') on an old woman who wants "
               "to visit her sister, Wmo transport second (844)"),
    # session 17: since s36-s38 were retired into examples, the age band (70, 79) and the
    # new AOW examples outweigh the stated priority ("het belangrijkste is ..."): the
    # priority lifts its clause's words, the examples of svb-aow-aio vote for the age
    # session 18 (outside21x): the evidence is "past bij: belangrijkste, achterstand" for
    # svb-aow-aio: the priority's own word matches retired examples that rank their
    # needs so. Read as grammar (lexicon.FILLERS) r31-06 passed, but that could not be
    # measured on the retired pool in the session's time and was left out (note)
    "r31-06": ("the age (70) and the retired s36-s38 AOW examples put svb-aow-aio before "
               "the stated priority (alone on his room, no friends: welzijn-eenzaamheid); "
               "'belangrijkste' itself matches the AOW examples"),
    "r31-17": ("the age (79) and the retired s36-s38 AOW examples put svb-aow-aio before "
               "the stated priority (weekly help with post and bills: Humanitas)"),
    "r31-15": ("a settled past the settled reading does not know ('is zijn huurschuld met "
               "de corporatie geregeld', 'dat loopt nu goed'): the rent-arrears team keeps "
               "the story's full weight, the wish's ask weight (1.2) does not outweigh it"),
    "r31-16": ("the stated priority ('maar vooral is ze zelf somber') weighs as an ask "
               "(1.2), the rent arrears before it keep their full weight and their "
               "specific word wins; lowering what a priority contrasts with is not "
               "measurable on the retired sets (no miss there has a stated priority)"),
}


def _marked(text: str) -> list[str]:
    said = words(text)
    return [said[i] for i in sorted(priority_words(text))]


@pytest.mark.parametrize(("text", "marked"), [
    ("Hij heeft schulden, maar het belangrijkste is dat hij mensen ziet. Wie helpt?",
     ["het", "belangrijkste", "is", "dat", "hij", "mensen", "ziet"]),
    ("Money is tight, but most of all he can't sleep.",
     ["most", "of", "all", "he", "cant", "sleep"]),
    ("Ze zoekt vooral werk; de rest komt later.", ["vooral", "werk"]),
    ("Ze heeft schulden en is eenzaam. Wie helpt?", []),
])
def test_a_stated_priority_marks_its_clause(text: str, marked: list[str]) -> None:
    assert _marked(text) == marked


@pytest.mark.parametrize(("text", "first"), [
    ("ja hallo ik bel voor mijn buurvrouw die is negentig en woont alleen ze wil graag "
     "hulp bij het koken", "ze"),
    ("eh ik bel over mijn broer hij had schulden maar dat is opgelost nu wil hij zelf "
     "graag dat iemand zijn geld beheert", "wil"),
])
def test_a_dictated_wish_starts_the_ask(text: str, first: str) -> None:
    said = words(text)
    asked = sorted(asked_sentences(text))
    assert asked and said[asked[0]] == first and asked[-1] == len(said) - 1


def test_a_dictated_negated_wish_is_no_ask() -> None:
    assert not asked_sentences("ik heb een vriend die al jaren thuis zit en ik wil niet "
                               "dat hij alleen blijft")


def _settled(text: str) -> set[str]:
    return {word for _, word in settled_parts(load_signals(), text,
                                              settled_cues(lexicon.SETTLED))}


@pytest.mark.parametrize(("text", "service"), [
    ("De schuldhulp zegt nee omdat hij een auto heeft.", "schuldhulp"),
    ("The food bank said no to us.", "food"),
    ("Haar aanvraag voor bijstand is vorige week afgewezen.", "bijstand"),
])
def test_a_refusal_settles_the_service_it_names(text: str, service: str) -> None:
    assert service in _settled(text)


def test_a_negated_refusal_settles_nothing() -> None:
    assert not _settled("Mijn aanvraag is niet afgewezen, hij ligt nog bij de gemeente.")


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe(router: Any, row: dict[str, Any], request: Any) -> None:
    """An ordinary question's first answer is its expected service."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    assert not answer.safety, row["id"]
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))
