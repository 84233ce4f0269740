"""outside6 (session 6): problems found by using the wegwijzer the way its users meet it,
on the map that `make dev` and `busbaan serve` use by default (the shipped demo map).

Each test showed a bug (written as ``xfail(strict=True)`` by outside6); the lead fixed
them in the same session and removed the markers. See docs/notes/2026-12-04s6-outside6.md
for how each was found (through the bot).
"""

from __future__ import annotations

import pytest

from busbaan.errors import UsageError
from busbaan.privacy import find_personal_data
from busbaan.routing import Router, demo_map_path, load_map
from busbaan.routing.expansion import check_against_map, load_examples
from busbaan.routing.learning import learning_terms


@pytest.mark.parametrize("question", [
    "Mijn zoon van 16 zei gisteravond dat hij zich wil doodmaken",
    "ik wil mezelf doodmaken",
    "hij wil zich ophangen",
    "hij dreigt van het dak te springen",
])
def test_suicide_in_everyday_words_puts_the_crisis_service_first(
    demo_router: Router, question: str
) -> None:
    answer = demo_router.route(question)
    assert [h.signal for h in answer.safety] == ["suicide"]
    assert answer.results[0].service_id == "crisisdienst-113"


@pytest.mark.parametrize("question", [
    "meneer in Noord snapt zijn post niet meer",
    "mevrouw in Zuidoost heeft schulden",
    "meneer op Noord heeft schulden",
])
def test_a_title_and_a_stadsdeel_is_no_name(question: str) -> None:
    assert find_personal_data(question) == []


def test_a_child_with_bruises_is_not_called_partner_violence(demo_router: Router) -> None:
    answer = demo_router.route(
        "Een kind van 6 uit mijn klas heeft vaak blauwe plekken op zijn armen en wil na "
        "school niet naar huis")
    assert [h.signal for h in answer.safety] == ["child_maltreatment"]


def test_the_shipped_examples_apply_to_the_shipped_demo_map() -> None:
    problems = check_against_map(load_examples(), load_map(demo_map_path()))
    assert problems == []


def test_home_help_after_surgery_is_no_confident_bemoeizorg(demo_router: Router) -> None:
    answer = demo_router.route("Geen geldprobleem, wel hulp nodig in huis na een heupoperatie")
    assert not (answer.confident and answer.results[0].service_id == "ggd-vangnet")


def test_a_french_question_gets_the_language_answer(demo_router: Router) -> None:
    with pytest.raises(UsageError) as caught:
        demo_router.route("Ma voisine n'a plus d'argent pour manger, où peut-elle aller?")
    assert caught.value.errcode == "BB_LANGUAGE"


def test_a_lower_case_first_name_is_not_learned(demo_router: Router) -> None:
    terms = learning_terms(demo_router.analyzer,
                           "mijn cliënt mohammed heeft schulden en opent zijn post niet")
    assert "mohammed" not in terms


def test_a_child_too_young_for_a_partner_still_gets_strong_partner_cues(
    demo_router: Router,
) -> None:
    """`not_below_age` (partner violence: 12) mutes the rules and the weak tier for a
    young child, not the strong cues; at 30 the same bruises-and-fear rule fires."""
    adult = demo_router.route("Mijn buurvrouw van 30 heeft vaak blauwe plekken en durft niet "
                              "naar huis")
    assert "partner_violence" in [h.signal for h in adult.safety]
    child = demo_router.route("Een kind van 6 heeft vaak blauwe plekken en durft niet naar huis")
    assert "partner_violence" not in [h.signal for h in child.safety + child.caution]


def test_a_threat_to_someone_else_is_no_suicide_cue(demo_router: Router) -> None:
    """The new reflexive cues ("zich doodmaken") do not read "ik maak hem dood"."""
    answer = demo_router.route("ik maak hem dood als hij nog een keer aan mijn fiets komt")
    assert "suicide" not in [h.signal for h in answer.safety]
