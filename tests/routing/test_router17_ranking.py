"""Session 9 (router17): the causes behind outside10's ranking findings, each tested in
words of our own (docs/notes/2026-12-07s9-router17.md).

- the make-dev map's specialist ggz borrowed the Amsterdam map's addiction questions
  (that map has addiction care inside ggz; this one has its own verslavingszorg);
- English function words counted in full where their Dutch counterparts are stop words
  (Snowball's English stop words);
- "wijn", "bier" said nothing of alcohol (the lexicon's related words);
- "heen" / "naartoe" counted as words of need, though "waarheen" is a stop word;
- a question that names no need had no answer of its own: the map's triage desk;
- a safety service's many example questions voted on everyday words in a question
  without any danger (Veilig Thuis as a filler): an option, measured, off.
"""

from __future__ import annotations

import pytest

from busbaan.routing import Router, demo_map_path, lexicon, load_map
from busbaan.routing.expansion import load_examples
from busbaan.routing.text import words

# ------------------------------------------------------------------ borrowing


def test_the_dev_maps_specialist_ggz_borrows_no_addiction_questions() -> None:
    """The make-dev map has its own verslavingszorg: the specialist ggz's borrowed
    examples name none of the kinds of use that service's text names."""
    ids = [s.id for s in load_map(demo_map_path()).services if s.active]
    found = load_examples().for_map(ids)
    use = ("alcohol", "drank", "drink", "wodka", "coke", "gok", "heroïne", "verslav")
    borrowed = found["ggz-specialistisch"]
    assert len(borrowed) > 50  # the rest is still borrowed
    assert not [t for t in borrowed if any(w.startswith(use) for w in words(t.casefold()))]


@pytest.mark.parametrize("question", [
    "mijn vrouw drinkt elke middag bier en krijgt het minderen niet voor elkaar",
    pytest.param(
        "onze vader zit elke dag aan de jenever en wil er vanaf, maar alleen lukt het hem niet",
        marks=pytest.mark.xfail(strict=True, reason=(
            "since s33-s35 were retired into example files (session 16): their overdose "
            "questions ('een halve fles jenever' beside sleeping pills, a mother who drinks a "
            "bottle of jenever with her oxazepam and lay on the floor) are danger examples "
            "of GGD Vangnet. Since dangerex they are held back on a question without a "
            "danger, but here they hold 12.6 % of the question's 20 nearest examples, "
            "which opens them (Tuning.danger_open_share 0.12): GGD Vangnet first (744 "
            "against 714). At 0.13 this passes, but two retired dangers the safety file "
            "does not read lose their service (h28-069, h35-056: shares 0.129, 0.140)"))),
])
def test_daily_drinking_reaches_addiction_care_first(demo_router: Router,
                                                     question: str) -> None:
    """Drinking every day and wanting to stop: verslavingszorg first, no ⚠ line."""
    answer = demo_router.route(question)
    assert answer.results[0].service_id == "verslavingszorg"
    assert not answer.safety


def test_a_named_drink_relates_to_alcohol(demo_router: Router) -> None:
    """"wijn", "bier", "jenever" bring "alcohol" (a related word, weighted lower)."""
    terms = demo_router.analyzer.query("twee flessen wijn per dag")
    assert any(t.stem == demo_router.analyzer.stem("alcohol") and t.kind == "related"
               for t in terms)


# -------------------------------------------------------- everyday English words


def test_english_function_words_are_stop_words() -> None:
    """Snowball's English stop words, as the analyzer reads them ("she's" -> "shes");
    folded contractions that are words of their own ("well", "hell") are not."""
    assert {"very", "shes", "once", "own", "doesnt"} <= lexicon.STOPWORDS
    assert not {"well", "hell", "ill", "shed"} & lexicon.STOPWORDS


def test_where_to_is_a_grammar_word(demo_router: Router) -> None:
    """"waar ... heen" is "waarheen" (a stop word) split in two: no term of its own."""
    terms = demo_router.analyzer.query("waar moet mijn broer heen met zijn huurschuld")
    assert "heen" not in {t.source for t in terms}
    assert "naartoe" not in {t.source for t in demo_router.analyzer.query(
        "waar moet zij naartoe met haar huurschuld")}


# ---------------------------------------------------------------- no need named


@pytest.mark.parametrize("question", [
    "ik heb een vraag, het is een beetje van alles",
    "wie kan mij helpen? ik heb een vraag",
])
def test_a_question_that_names_no_need_goes_to_the_triage_desk(demo_router: Router,
                                                               question: str) -> None:
    """No word of the question names a need: the Sociaal Loket (x_triage) first, and
    the answer is not confident."""
    answer = demo_router.route(question)
    assert answer.results[0].service_id == "triage-algemeen"
    assert not answer.confident


def test_a_named_need_is_not_sent_to_the_triage_desk(demo_router: Router) -> None:
    """One word that names a need keeps the ordinary ranking."""
    answer = demo_router.route("ik heb een vraag over mijn schulden")
    assert answer.results[0].service_id != "triage-algemeen"


def test_danger_goes_before_the_triage_desk(demo_router: Router) -> None:
    """A safety signal still puts its service first in a vague question."""
    answer = demo_router.route("ze wil er niet meer zijn, het is allemaal een beetje veel")
    assert answer.results[0].service_id == "crisisdienst-113"


def test_a_map_without_a_triage_desk_ranks_as_before(router: Router) -> None:
    """No x_triage service on the map: nothing is moved, and nothing fails."""
    assert router.triage_desk(None) is None
    answer = router.route("ik heb een vraag maar het is een beetje van alles")
    assert answer.results and not answer.confident


# ------------------------------------------------------- Veilig Thuis as a filler
# Tuning.balance_safety_unsignalled (router17, off) was removed in session 10: on s15-s17
# it helped nothing (docs/notes/2026-12-08s10-switches20.md). The filler itself is the
# strict xfail of test_outside10_findings.py (outside10 #8).


def test_a_signal_puts_veilig_thuis_first_and_confident(demo_router: Router) -> None:
    """A danger in the question: Veilig Thuis first, confident."""
    answer = demo_router.route("de jongen van 14 durft niet naar huis omdat zijn vader "
                               "hem slaat met een riem")
    assert answer.results[0].service_id == "veilig-thuis"
    assert answer.confident
