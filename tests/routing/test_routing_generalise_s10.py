"""Causes of wrong answers that are about language or the router's logic, not about single
questions (issue 8 item 3; session 8, router10, docs/notes/2026-12-06s8-router10.md).

Found by leaving one retired set out at a time (``python -m bench.generalise --misses``)
and grouping the misses by cause. Every question here is written for this file, in the
pattern of the cause, not copied from a set; each failed on main at 3d9c9a1.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from busbaan.routing import Router
from busbaan.routing.context import person
from busbaan.routing.text import place_context, words

CHILD_SERVICES = {"wpi-scholierenvergoeding", "leergeld-schoolspullen", "jeugdfonds-sport-cultuur",
                  "ow-leerplicht", "okt-opvoedondersteuning", "ggd-jeugdgezondheidszorg",
                  "jb-jeugdbescherming"}


def ids(router: Router, question: str, context: dict[str, object] | None = None,
        n: int = 3) -> list[str]:
    return [r.service_id for r in router.route(question, context or {}).results[:n]]


def excluded(router: Router, question: str, context: dict[str, object] | None = None
             ) -> set[str]:
    return {e.service_id for e in router.route(question, context or {}).excluded}


# ------------------------------------------------- an age that is no age, or not the person's


@pytest.mark.parametrize("question", [
    "Ik woon 12 jaar hier en wil beter Nederlands leren lezen en schrijven",
    "We wonen 15 jaar in Nederland",
    "hij werkt 20 jaar bij dezelfde baas",
])
def test_a_duration_after_a_verb_is_no_age(question: str) -> None:
    assert person(question, {}).leeftijd is None


@pytest.mark.parametrize("question, age", [
    ("Ik ben 15 jaar", 15), ("meneer, 80 jaar, woont alleen", 80), ("ze is 80 jaar", 80),
])
def test_an_age_with_a_copula_or_after_a_person_is_still_an_age(question: str,
                                                                 age: int) -> None:
    assert person(question, {}).leeftijd == age


def test_a_newcomer_who_lived_here_for_years_reaches_the_language_desk(router: Router) -> None:
    question = "Ik woon 12 jaar hier en wil beter Nederlands leren lezen en schrijven"
    assert "oba-taalhuis" not in excluded(router, question)
    assert ids(router, question)[0] == "oba-taalhuis"


def test_ik_heb_makes_the_children_s_ages_theirs(router: Router) -> None:
    question = ("ik heb twee kinderen van 3 en 5 en de huur van drie maanden is niet "
                "betaald, de corporatie belt")
    assert person(question, {}).leeftijd is None
    assert ids(router, question)[0] == "corp-huurachterstanden"


def test_plural_age_group_words_are_the_person_s_children(router: Router) -> None:
    question = ("Mijn pubers van 13 en 15 maken elke avond ruzie en schelden, hoe pak ik "
                "dat aan als ouder?")
    context = {"leeftijd": 44}
    assert person(question, context).has_child
    assert "okt-opvoedondersteuning" not in excluded(router, question, context)
    assert ids(router, question, context)[0] == "okt-opvoedondersteuning"


def test_a_school_grade_names_a_pupil(router: Router) -> None:
    question = "Het schoolkamp van groep 7 kost 90 euro en dat kan ik niet betalen"
    context = {"leeftijd": 38}
    assert not {"wpi-scholierenvergoeding", "leergeld-schoolspullen"} & excluded(
        router, question, context)
    assert set(ids(router, question, context, 2)) == {"wpi-scholierenvergoeding",
                                                       "leergeld-schoolspullen"}


def test_another_person_s_age_in_the_question_admits_their_services(router: Router) -> None:
    question = "Mijn zoon van 19 is gestopt met zijn opleiding en heeft geen werk en geen inkomen"
    context = {"leeftijd": 50}
    assert person(question, context).other_ages == (19,)
    assert not {"wpi-jongerenpunt", "ow-rmc"} & excluded(router, question, context)
    assert ids(router, question, context, 2) == ["wpi-jongerenpunt", "ow-rmc"]


def test_a_parent_without_a_child_s_age_is_no_client_of_a_young_adults_service(
        router: Router) -> None:
    who = person("Ik ben 40 en mijn kinderen en ik moeten uit ons huis", {})
    assert who.has_child
    assert not who.admits(18, 22)  # the youth shelter, the RMC
    assert who.admits(0, 22)  # the ouder- en kindteam
    answer = router.route("Ik ben 40 en mijn kinderen en ik moeten uit ons huis, we hebben "
                          "geen slaapplek", {})
    assert answer.results[0].service_id != "mo-jongeren-toegang"


# --------------------------------------------------------------------- the age-band boost


AGE_42 = ("Ik ben 42, alleenstaande moeder van twee kinderen, en ben mijn baan kwijt. "
          "Waar vraag ik een uitkering aan?")


def test_the_parent_s_own_need_comes_first(router: Router) -> None:
    """42, a single mother who lost her job, asks where to apply for a benefit: WW or
    bijstand first (split from the age-band test below in session 16). A strict xfail from
    session 16 to 22 (a retired s35 question about the same life voted the work
    klantmanager first); it passes since s59-s62 are examples (session 23: WW 856, the work
    klantmanager 847); without the four files, or without asked-heldout61 alone, the
    klantmanager is first again (847, WW 839)."""
    assert ids(router, AGE_42)[0] in {"uwv-ww", "wpi-bijstand"}


def test_the_age_band_boost_is_for_the_person_s_own_band(
        router: Router, tuned: Callable[..., Router]) -> None:
    """42 admits the child services as a parent, but they are not made for 42: the
    parent's own need (work, income) comes first, and no child service is boosted for
    the parent's age (each scores as without the boost). Until session 11 this asserted
    that no child service was in the top 3; with s21-s23 retired as examples Leergeld
    stands 3rd, a point above the toeslagen, on its own words (a single mother of two
    who lost her job: school costs), not by the boost, which is what this test is about."""
    question = AGE_42

    def scores(r: Router) -> dict[str, int]:
        return {x.service_id: x.score for x in r.route(question, {}, limit=10).results}

    shipped, flat = scores(router), scores(tuned(targeted_age_factor=1.0))
    assert CHILD_SERVICES & shipped.keys()  # some are ranked: the contrast means something
    for service in CHILD_SERVICES & shipped.keys():
        assert shipped[service] == flat.get(service), service


# ---------------------------------------------------------- "op" after a modal: the need


@pytest.mark.parametrize("text, places", [
    ("mijn dochter wil op zwemles", []),
    ("kan mijn zoontje van 7 via de gemeente goedkoper op zwemles?", []),
    ("hij wordt gepest op school", ["school"]),
    ("ik kan niet slapen omdat hij op school gepest wordt", ["school"]),
    ("ze bijt op de opvang", ["opvang"]),
])
def test_op_after_a_modal_verb_is_where_someone_wants_to_go(text: str,
                                                            places: list[str]) -> None:
    found = words(text)
    assert [found[i] for i in sorted(place_context(text))] == places


def test_a_child_who_wants_to_join_a_sport_gets_the_sports_fund(router: Router) -> None:
    top = ids(router, "mijn dochter van 8 wil op zwemles maar wij hebben weinig geld")
    assert top[0] == "jeugdfonds-sport-cultuur"
    assert "wpi-stadspas" in top


# ------------------------------------------------------------ English: "behind on" = arrears


def test_fallen_behind_on_payments_reads_as_arrears(router: Router) -> None:
    terms = {t.stem for t in router.analyzer.query("I have fallen behind on my bills")}
    assert router.analyzer.stem("betalingsachterstand") in terms


# session 9 (router16): "health insurance" counted as two rare English words in the
# collective insurance's examples and as zorgverzekering in the others'; in the example
# vote a translated phrase now counts once (text.phrase_alternatives).
def test_arrears_on_several_bills_go_to_early_warning_first(router: Router) -> None:
    assert ids(router, "I have fallen behind on my health insurance and two web shops"
               )[0] == "shv-vroegsignalering"
