"""Session 15 (router34): the need is not where the asker looks (the retired s32's shapes).

See docs/notes/2026-12-13s15-router34.md. Probes in new words:
tests/data/socialmap/probes-s15-router34.jsonl.

- a guess is no ask (:func:`busbaan.routing.text.guessed_words`): a short yes/no question
  that names where the asker thinks to go ("GGD voor mijn vader?", "Is dit iets voor de
  jeugdbescherming?") weighs as background, so the story decides;
- a self-repair takes back what it repairs (:func:`busbaan.routing.text.corrected_words`:
  "voedselbank aanmelden, nee wacht, ik bedoel de stadspas", "schulden? nee, ...");
- a focus lead-in ends in a colon ("maar belangrijker:", "wat echt niet meer gaat:"): what
  follows weighs as the ask (:func:`~busbaan.routing.text.priority_words`), what it puts
  second as background (:func:`~busbaan.routing.text.second_words`);
- a service had, done or already in use ("klantmanager gehad", "SchuldHulpMaatje
  gedaan", "ik heb al een maatje", :data:`busbaan.routing.lexicon.TRIED_AS_WRITTEN`), a
  provision that runs out ("de WW loopt af", "als de WW op is",
  :func:`~busbaan.routing.text.ended_provisions`) and one out of reach by income ("verdien
  te veel voor kwijtschelding") are where the asker has been, not where to go next.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, top

from busbaan.routing.text import (
    corrected_words,
    denied_provisions,
    ended_provisions,
    guessed_words,
    priority_words,
    second_words,
    words,
)

PROBES = read_jsonl("probes-s15-router34.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
#: r34-10 passes since s43-s46 were retired into examples (session 19: without s43 it
#: fails again). r34-21 passes since s53's questions are examples (session 21: without
#: asked-heldout53 it fails again), on a tie: the Schuldhulpmaatje and Humanitas
#: Thuisadministratie score 882 each and the Schuldhulpmaatje is listed first (it was:
#: the priority lifts 'schulden' and 'overzicht' alike, and 'overzicht', 'vrijwilliger'
#: are Thuisadministratie's own words).
OPEN: dict[str, str] = {
    "r34-12": ("'Al geweest:' as a heading over a list: the tried reading covers its own "
               "clause, not the list after the colon"),
    "r34-27": ("the age-band boost (83, the ouderenadviseur is for 65+) over the asked "
               "service, after the guess is taken back (router31's cause)"),
}


def _read(function: Any, text: str) -> list[str]:
    said = words(text)
    return [said[i] for i in sorted(function(text))]


@pytest.mark.parametrize(("text", "guess"), [
    ("Consultatiebureau? Mijn dochter van 2 heeft een bult op haar hoofd.", ["consultatiebureau"]),
    ("Moet ik nu naar de huisarts? Ik slaap al weken slecht.",
     ["moet", "ik", "nu", "naar", "de", "huisarts"]),
    ("Mijn oom wil wandelen met iemand. Is dat iets voor het buurtteam?",
     ["is", "dat", "iets", "voor", "het", "buurtteam"]),
    ("Is this for the housing team? The heating has been broken for weeks.",
     ["is", "this", "for", "the", "housing", "team"]),
])
def test_a_guess_is_read_as_a_guess(text: str, guess: list[str]) -> None:
    """A short yes/no question that names a place to go, beside a story, is a guess."""
    assert _read(guessed_words, text) == guess


@pytest.mark.parametrize("text", [
    "Kan iemand uitleggen hoe de zorgtoeslag werkt? Ik ben net 18.",
    "Ik heb al maanden schulden. Heb ik recht op hulp van de gemeente?",
    "Waar kan ik heen? Mijn huis is te koud.",
    "Ik heb weinig geld. Is er een groep voor vrouwen?",
    "Schuldhulp: aanmelding in delen? Ik verdien te weinig.",
    "Consultatiebureau?",
])
def test_a_request_a_question_word_or_no_story_is_no_guess(text: str) -> None:
    """A request, a question of right, a question word, an existential question, a
    question after a heading or a question alone is no guess."""
    assert not guessed_words(text)


@pytest.mark.parametrize(("text", "taken_back"), [
    ("huurtoeslag aanvragen, nee wacht, ik bedoel kinderbijslag", ["huurtoeslag", "aanvragen",
                                                                   "nee", "wacht"]),
    ("werk? nee, ik heb een baan. wel veel stress", ["werk", "nee"]),
    ("Ik wil een advocaat... actually no, I need a form filled in.",
     ["ik", "wil", "een", "advocaat", "actually", "no"]),
    ("Ik zoek de energiecoach, of nee, de voedselbank.", ["ik", "zoek", "de", "energiecoach",
                                                         "of", "nee"]),
])
def test_a_repair_takes_back_its_clause(text: str, taken_back: list[str]) -> None:
    """A self-repair takes back the clause just before it and its own words."""
    assert _read(corrected_words, text) == taken_back


@pytest.mark.parametrize("text", [
    "De schuldhulp zei nee omdat mijn schulden te klein zijn.",
    "Die brief maakt me gek haha. Nee serieus: wat moet ik betalen?",
    "No money for food and no job.",
])
def test_a_refusal_a_tone_or_a_determiner_takes_nothing_back(text: str) -> None:
    """'zei nee' refuses, 'nee serieus' takes back a tone, English 'no' before a noun is a
    determiner."""
    assert not corrected_words(text)


def test_a_slip_in_a_dictated_message_takes_back_only_the_repair() -> None:
    """A dictated message without punctuation has no clause to take back: only the
    repair's own words are not read."""
    text = ("ik bel voor mijn moeder van tachtig want ze woont sinds kort alleen in Diemen "
            "no wait Zuidoost en heeft de huurtoeslag nooit aangevraagd")
    assert _read(corrected_words, text) == ["no", "wait"]


def test_a_focus_lead_in_marks_what_follows_and_what_it_puts_second() -> None:
    """After 'maar wat echt niet meer gaat:' the words to the end of the sentence weigh
    as the ask; the words before the lead-in are put second."""
    text = "Ze is wat eenzaam, maar wat echt niet meer gaat: de trap naar boven. Wie helpt?"
    assert _read(priority_words, text) == ["de", "trap", "naar", "boven"]
    assert _read(second_words, text) == ["ze", "is", "wat", "eenzaam", "maar"]


def test_a_heading_is_no_focus_lead_in() -> None:
    """A heading at the start of a case note ends in a colon but comes before nothing."""
    text = "Nu eerst dit: mevrouw zoekt een dagbesteding voor haar man."
    assert not priority_words(text) and not second_words(text)


@pytest.mark.parametrize(("text", "ended"), [
    ("Mijn bijstand loopt volgende maand af.", ["mijn", "bijstand", "volgende", "maand"]),
    ("Wat als de WW op is?", ["de", "ww"]),
    ("When my benefit runs out, what then?", ["my", "benefit"]),
])
def test_a_provision_that_runs_out_is_ended(text: str, ended: list[str]) -> None:
    """A clause that says a provision runs out is read as ended."""
    assert _read(ended_provisions, text) == ended


@pytest.mark.parametrize("text", [
    "De WW loopt niet af.", "Mijn huurtoeslag stopt nu mijn vriend bij me woont.",
    "Hij krijgt een aanvulling op zijn AOW.", "Mijn Stadspas is verlopen.",
])
def test_a_stop_a_negation_or_a_possessive_is_no_ending(text: str) -> None:
    """'stopt' (what the asker wants back), a negated clause, 'op zijn AOW' and an expired
    pass are no provision running out."""
    assert not ended_provisions(text)


def test_a_provision_out_of_reach_by_income_is_denied() -> None:
    """'ik verdien te veel voor X' denies X; paying too much for the rent denies nothing."""
    assert _read(denied_provisions, "Ik verdien net te veel voor de kwijtschelding.") == [
        "de", "kwijtschelding"]
    assert not denied_provisions("Ik betaal te veel voor de huur.")


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe(router: Any, row: dict[str, Any], request: Any) -> None:
    """An ordinary question's first answer is its expected service."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    assert not answer.safety, row["id"]
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))
