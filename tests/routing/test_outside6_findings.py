"""outside6 (session 6): problems found by using the wegwijzer the way its users meet it,
on the map that `make dev` and `busbaan serve` use by default (the shipped demo map).

Every test here shows a bug that is still open: each is ``xfail(strict=True)``, so the
suite stays green and a fix turns it into an XPASS that says "remove the marker".
See docs/notes/2026-12-04s6-outside6.md for how each was found (through the bot).
"""

from __future__ import annotations

import pytest

from busbaan.errors import UsageError
from busbaan.privacy import find_personal_data
from busbaan.routing import Router, demo_map_path, load_map
from busbaan.routing.expansion import check_against_map, load_examples
from busbaan.routing.learning import learning_terms


@pytest.fixture(scope="module")
def demo_router() -> Router:
    """The router the wegwijzer bot builds in `make dev` (shipped map, shipped examples)."""
    return Router(load_map(demo_map_path()))


@pytest.mark.xfail(strict=True, reason="outside6: everyday suicide wording is not a safety "
                   "signal; crisisdienst not first (one answer even confident on eviction)")
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


@pytest.mark.xfail(strict=True, reason="outside6: 'meneer in Noord' is read as a titled "
                   "name ('in' as tussenvoegsel), so the bot refuses the question")
@pytest.mark.parametrize("question", [
    "meneer in Noord snapt zijn post niet meer",
    "mevrouw in Zuidoost heeft schulden",
    "meneer op Noord heeft schulden",
])
def test_a_title_and_a_stadsdeel_is_no_name(question: str) -> None:
    assert find_personal_data(question) == []


@pytest.mark.xfail(strict=True, reason="outside6: a child with bruises also gets the "
                   "partner-violence line ('geweld door een (ex-)partner') first")
def test_a_child_with_bruises_is_not_called_partner_violence(demo_router: Router) -> None:
    answer = demo_router.route(
        "Een kind van 6 uit mijn klas heeft vaak blauwe plekken op zijn armen en wil na "
        "school niet naar huis")
    assert [h.signal for h in answer.safety] == ["child_maltreatment"]


@pytest.mark.xfail(strict=True, reason="outside6: the shipped examples are keyed for the "
                   "Amsterdam test map; on the shipped demo map 65 of 67 entries apply to "
                   "nothing and only ggd-vangnet and poh-ggz get examples")
def test_the_shipped_examples_apply_to_the_shipped_demo_map() -> None:
    problems = check_against_map(load_examples(), load_map(demo_map_path()))
    assert problems == []


@pytest.mark.xfail(strict=True, reason="outside6: with examples for only two services, "
                   "ggd-vangnet wins a home-help question and the answer is confident (822)")
def test_home_help_after_surgery_is_no_confident_bemoeizorg(demo_router: Router) -> None:
    answer = demo_router.route("Geen geldprobleem, wel hulp nodig in huis na een heupoperatie")
    assert not (answer.confident and answer.results[0].service_id == "ggd-vangnet")


@pytest.mark.xfail(strict=True, reason="outside6: a plain French question is routed to "
                   "random services instead of BB_LANGUAGE")
def test_a_french_question_gets_the_language_answer(demo_router: Router) -> None:
    with pytest.raises(UsageError) as caught:
        demo_router.route("Ma voisine n'a plus d'argent pour manger, où peut-elle aller?")
    assert caught.value.errcode == "BB_LANGUAGE"


@pytest.mark.xfail(strict=True, reason="outside6: a first name written in lower case is "
                   "kept as a learned term (route_learned held 'mohammed' -> schuldhulp)")
def test_a_lower_case_first_name_is_not_learned(demo_router: Router) -> None:
    terms = learning_terms(demo_router.analyzer,
                           "mijn cliënt mohammed heeft schulden en opent zijn post niet")
    assert "mohammed" not in terms
