"""Session 16 (ageband): the age band lifts the service the question asks for.

See docs/notes/2026-12-14s16-ageband.md. Probes in new words:
tests/data/socialmap/probes-s16-ageband.jsonl.

- a service made for the person's age band (the ouderenadviseur, the AOW, the
  jongerenpunt) is lifted (:attr:`busbaan.routing.Tuning.targeted_age_factor`) only
  when the question's ask reaches it (:meth:`busbaan.routing.Router._asked_for`,
  :attr:`busbaan.routing.Tuning.age_band_by_ask`): "Ik ben 67 en heb sinds kort AOW ...
  Waar meld ik me aan als vrijwilliger?" asks for volunteer work, and the person's age
  does not make the AOW more likely; a question that does not tell its ask apart (one
  statement, only questions, an ask without a word that scores) lifts the band as before;
- an age set off by commas after a noun phrase is the person's ("A passenger, 23, told
  me", "Mijn schoonzus, 25, is", :data:`busbaan.routing.context._AGE_PATTERNS`): the
  apposition, for any noun;
- an ask that points back at the needs told before it ("Waar kan zij met beide terecht?",
  :data:`busbaan.routing.lexicon.BACK_REFERENCE`) asks for the story: no word is the
  ask's own;
- "graag" that ends its sentence ("hij wil het gewoon graag") is a liking of what was
  told, no wish that asks (:func:`busbaan.routing.text._asks`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from routing_testdata import read_jsonl, top

from busbaan.routing import Router
from busbaan.routing.context import detect_age
from busbaan.routing.text import asked_sentences, words

PROBES = read_jsonl("probes-s16-ageband.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    # session 21: s51-s54 retired into examples
    "ab-04": ("since s52's questions are examples (session 21; it passes without "
              "asked-heldout52): UWV WW first (899) for a neighbour of 24 who lost her job at "
              "the café and asks where to apply for benefits, the Jongerenpunt second (878)"),
    "ab-05": ("'krijgt AOW' says what the person already gets (a provision in place), "
              "read at full weight: the AOW first on its own word, not by the age band "
              "(the ask 'langs wil komen voor een praatje' reaches the lonely's service)"),
    "ab-06": ("'gets a state pension' is a provision in place, read at full weight as "
              "the AOW: first on its own words; the age band no longer lifts it"),
}


def _probe(qid: str) -> dict[str, Any]:
    return next(row for row in PROBES if row["id"] == qid)


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe(router: Router, row: dict[str, Any], request: Any) -> None:
    """An ordinary question's first answer is its expected service."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    assert not answer.safety, row["id"]
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))


@pytest.mark.parametrize("qid", ["ab-01", "ab-02"])
def test_the_band_of_a_service_the_ask_does_not_reach_lifts_nothing(
        router: Router, tuned: Callable[..., Router], qid: str) -> None:
    """With the band lifting every service that admits the age (before session 16), the
    AOW comes first on a question that asks for something else."""
    row = _probe(qid)
    before = tuned(age_band_by_ask=False).route(row["question"], row["context"], limit=10)
    after = router.route(row["question"], row["context"], limit=10)

    def lead(answer: Any) -> int:  # the asked service's lead over the AOW
        scores = {r.service_id: r.score for r in answer.results}
        return scores[row["expected"][0]] - scores.get("svb-aow-aio", 0)

    # session 18: with s39-s42 retired the asked service already leads the AOW for ab-01
    # without the band by ask (856 to 845), so the mechanism is the lead, not the place
    assert "svb-aow-aio" in top(before)
    assert lead(before) < lead(after)
    assert top(after, 1) == row["expected"][:1]


@pytest.mark.parametrize("question", [
    # one statement: no ask told apart
    "Mijn vader van 83 vergeet steeds meer en durft de deur niet meer uit",
    # an ask without a word that scores
    "Mijn vader van 83 vergeet steeds meer en durft de deur niet meer uit. Wat nu?",
])
def test_a_question_without_a_distinct_ask_lifts_the_band(
        router: Router, tuned: Callable[..., Router], question: str) -> None:
    """The whole question is the ask: the band lifts as before (the same scores)."""
    def scores(r: Router) -> dict[str, int]:
        return {x.service_id: x.score for x in r.route(question, {}, limit=10).results}

    assert scores(router) == scores(tuned(age_band_by_ask=False))


def test_the_asked_words_are_marked(router: Router) -> None:
    """:attr:`.text.Term.asked`: the words of the sentence that asks, not the story's."""
    terms = router.analyzer.query("Mijn tante is 70 en krijgt AOW. Waar vindt zij "
                                  "vrijwilligerswerk?")
    asked = {t.source for t in terms if t.asked}
    assert "vrijwilligerswerk" in asked
    assert "aow" not in {s.lower() for s in asked}


@pytest.mark.parametrize("question", [
    "Opa is 80 en vereenzaamt, oma heeft schulden. Waar kunnen ze met beide terecht?",
    "Grandad is 80 and lonely, grandma has debts. Who can help with both?",
])
def test_an_ask_that_points_back_at_the_story_marks_nothing(router: Router,
                                                            question: str) -> None:
    """"met beide", "allebei", "both" ask for what is told (:data:`.lexicon.BACK_REFERENCE`):
    no word is the ask's own, so the band lifts as for a question without an ask."""
    assert not any(t.asked for t in router.analyzer.query(question))


@pytest.mark.parametrize(("text", "asked"), [
    # a liking of what was told: "graag" ends the sentence
    ("Hij leent zijn buurman elke week geld. Niemand vraagt het, hij doet het gewoon "
     "graag. Hij wil het echt graag.", []),
    # a wish that names what is wished after "graag" asks
    ("Ze is 81. Ze wil graag een cursus koken.", ["ze", "wil", "graag", "een", "cursus",
                                                  "koken"]),
])
def test_graag_at_the_end_of_a_sentence_asks_nothing(text: str, asked: list[str]) -> None:
    said = words(text)
    assert [said[i] for i in sorted(asked_sentences(text))] == asked


@pytest.mark.parametrize(("text", "age"), [
    ("A passenger, 23, told me he has no job", 23),
    ("Een cursist, 34, vroeg mij om raad", 34),
    ("Our lodger, 58, has lost his job", 58),
    ("mijn oude buurvrouw, 84, vergeet haar pillen", 84),
    # not an apposition: a list of numbers, a year and a count
    ("kamer 4, 5, 6 zijn vrij", None),
    ("in 2019, 23 mensen", None),
    ("de kinderen, 4, 6 en 9, gaan naar school", None),
])
def test_an_appositive_number_is_the_person_s_age(text: str, age: int | None) -> None:
    assert detect_age(text) == age
