"""Session 17 (router39): the ordinary misses of the retired s36-s38 (phone messages, many
things at once, people in a role outside the social domain).

See docs/notes/2026-12-15s17-router39.md. Probes in new words:
tests/data/socialmap/probes-s17-router39.jsonl.

- :func:`busbaan.routing.text.writer_intro` (``_scene_setter``): the writer's work said by
  what they do ("Ik rij regiotaxi.", "I coach a youth basketball team.") sets the scene
  for someone else's story, as "Ik ben buschauffeur." does;
- :func:`busbaan.routing.text.priority_words`: the need named as the real, the biggest or
  the most urgent one ("maar het echte probleem is dat ...", "het dringendst is ...",
  "the real issue is ...") weighs as the ask, as does what follows the turn from a joke
  to the ask in a chat ("lol. but fr ...", "maar serieus");
- :func:`busbaan.routing.context.person`: a child's age in months ("de jongste van 14
  maanden", "a 10-month-old") is a child's age, so the child's services admit the parent.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_ordinary_first, read_jsonl

from busbaan.routing.context import person
from busbaan.routing.text import priority_words, words, writer_intro

PROBES = read_jsonl("probes-s17-router39.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "r39-05": "the named priority is read, but the childcare allowance's words lead the "
              "recovery operation (uht-herstel), whose example questions are all about "
              "kinderopvangtoeslag: a neighbour desk's examples, not a rule of the ask",
    # r39-02 (a strict xfail since s47-s50 were retired, session 20) passes again since
    # s54's questions are examples (session 21: without asked-heldout54 it fails again):
    # the lonely's service first (856), the debt crisis intervention second (841)
}


def _picked(function: Any, text: str) -> list[str]:
    found = words(text)
    return [found[i] for i in sorted(function(text))]


# ------------------------------------------------------------------ the scene by an activity


@pytest.mark.parametrize(("text", "intro"), [
    ("Ik bezorg pakketten in Oost. Een meneer van 81 op de route kan zijn trap niet meer op.",
     ["ik", "bezorg", "pakketten", "in", "oost"]),
    ("I run a bakery. A customer, 68, says her husband died and she hardly talks to anyone.",
     ["i", "run", "a", "bakery"]),
    ("Ik geef pianoles. Een leerling van 16 zorgt elke dag voor zijn vader.",
     ["ik", "geef", "pianoles"]),
])
def test_an_opening_sentence_of_what_the_writer_does_sets_the_scene(
        text: str, intro: list[str]) -> None:
    """"Ik <verb> <object>." opening a text that then tells of someone else (a
    third-person pronoun, never "ik"/"mijn" again) says who writes, not the need."""
    assert _picked(writer_intro, text) == intro


@pytest.mark.parametrize("text", [
    # the writer's own need told on: no third person
    "Ik gok online. Het gaat om duizenden euro per maand en de schuld groeit elke week.",
    # the writer comes back in the story
    "Ik drink te veel. Mijn vrouw zegt dat ze weggaat als het zo doorgaat met het drinken.",
    # a family word or a first-person possessive: the writer's own household
    "Ik verzorg mijn moeder. Ze is 80 en kan niet meer alleen naar de winkel of de dokter.",
    # a verb of having, needing or wanting is the need
    "Ik heb schulden. Hij zegt dat hij het niet meer weet en zijn huur is al drie maanden "
    "niet betaald.",
    # too short to set a scene: the whole text
    "Ik rij taxi.",
    # not the text's first sentence
    "Hallo daar. Ik rij taxi. Een passagier van 45 zegt dat zijn rolstoel kapot is.",
])
def test_a_sentence_about_the_writer_that_is_the_need_sets_no_scene(text: str) -> None:
    assert _picked(writer_intro, text) == []


# ------------------------------------------------------------------ a named priority


@pytest.mark.parametrize(("text", "first"), [
    ("De buren zijn luidruchtig, maar het echte probleem is dat ik niet kan lezen.",
     ["het", "echte", "probleem", "is", "dat", "ik", "niet", "kan", "lezen"]),
    ("Er speelt veel, maar het dringendst is de huur.",
     ["het", "dringendst", "is", "de", "huur"]),
    ("My boss is grumpy, but the real issue is the childcare bill.",
     ["the", "real", "issue", "is", "the", "childcare", "bill"]),
    ("The biggest problem is the rent, the rest can wait.",
     ["the", "biggest", "problem", "is", "the", "rent"]),
])
def test_the_need_named_as_the_real_or_most_urgent_weighs_as_the_ask(
        text: str, first: list[str]) -> None:
    assert _picked(priority_words, text) == first


@pytest.mark.parametrize(("text", "first"), [
    ("my job is killing me lol. but fr i want to go back to school, never finished it",
     ["but", "fr", "i", "want", "to", "go", "back", "to", "school"]),
    ("Haha ik word gek van die buren. Maar serieus, wie helpt met de huurachterstand?",
     ["maar", "serieus"]),
])
def test_the_turn_from_a_joke_to_the_ask_marks_what_follows(
        text: str, first: list[str]) -> None:
    """"but fr" (for real), "maar serieus": the words after the turn are meant."""
    assert _picked(priority_words, text) == first


def test_a_real_problem_without_the_article_marks_nothing() -> None:
    """"een echt probleem" (a problem indeed) names no priority."""
    assert _picked(priority_words, "Dat is een echt probleem voor ons gezin.") == []


# ------------------------------------------------------------------ an age in months


@pytest.mark.parametrize("text", [
    "Maar het belangrijkste nu: de jongste van 14 maanden heeft zijn prikken gemist.",
    "Our son of 16 months has had no vaccinations yet.",
    "We have a 10-month-old who does not sleep.",
    "Ons kindje van 9 maanden huilt de hele avond.",
])
def test_a_childs_age_in_months_admits_the_childs_services_for_the_parent(text: str) -> None:
    who = person(text, {"leeftijd": 30})
    assert who.child_age is not None and who.child_age <= 1
    assert who.admits(0, 18)  # the youth health service (0-18)
    assert person(text, {}).leeftijd is None  # a baby is never the asker


@pytest.mark.parametrize("text", [
    "We hebben een huurachterstand van 3 maanden.",
    "Mijn zoon van 20 zit al 4 maanden zonder werk.",
    "The baby was born 3 months ago and I am 30.",
])
def test_months_that_are_a_duration_are_no_age(text: str) -> None:
    assert person(text, {"leeftijd": 30}).child_age is None


# ------------------------------------------------------------------ the probes


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(reason=OPEN[row["id"]], strict=True))
    assert_ordinary_first(router, row)
