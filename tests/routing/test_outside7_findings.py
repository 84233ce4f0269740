"""outside7 (session 6): problems found by using the wegwijzer the way its users meet it
(`make dev`, a plain nio client in a direct chat, the CLI), on the shipped demo map.

Each test showed a bug and was ``xfail(strict=True)``; the lead fixed three in the same
session (a title and a verb, one inactive service, Veilig Thuis declined by name) and
removed their markers. The others are still open.
See docs/notes/2026-12-04s6-outside7.md for how each was found through the bot.
"""

from __future__ import annotations

import dataclasses

import pytest

from busbaan.privacy import find_personal_data
from busbaan.routing import Router, demo_map_path, load_map
from busbaan.routing.expansion import load_examples


@pytest.mark.parametrize("question", [
    "meneer snapt de brieven van de belastingdienst niet, heeft geen schulden",
    "meneer begrijpt zijn post niet meer en opent niks",
    "mevrouw valt vaak en heeft een douchestoel nodig",
    "meneer drinkt te veel en verwaarloost zichzelf",
    "mevrouw eet niet meer goed sinds haar man overleed",
])
def test_a_title_and_a_verb_is_no_name(question: str) -> None:
    assert find_personal_data(question) == []


def test_one_inactive_service_does_not_drop_every_example() -> None:
    social_map = load_map(demo_map_path())
    closed = tuple(dataclasses.replace(s, status="inactive") if s.id == "kledingruil-zuidoost"
                   else s for s in social_map.services)
    active = [s.id for s in closed if s.status == "active"]
    assert len(load_examples().for_map(active)) >= 30


@pytest.mark.xfail(strict=True, reason="'huurachterstand' is in no schuldhulp example and not "
                   "in the map text: schuldhulp is not in the top 3")
def test_rent_arrears_offers_debt_help(demo_router: Router) -> None:
    answer = demo_router.route("ik heb een huurachterstand van drie maanden")
    assert "schuldhulp" in [r.service_id for r in answer.results[:3]]


# fixed in session 7 (safety8): a partner, shouting and crying together are a rule
def test_a_neighbour_hearing_violence_gets_the_safety_line(demo_router: Router) -> None:
    answer = demo_router.route("mijn buurman drinkt veel en schreeuwt s nachts tegen zijn "
                               "vrouw, ik hoor haar huilen")
    assert "partner_violence" in [h.signal for h in answer.safety + answer.caution]


def test_declining_veilig_thuis_by_name_is_no_danger_cue(demo_router: Router) -> None:
    answer = demo_router.route("niet naar veilig thuis maar ik wil wel advies over opvoeding "
                               "van mijn puber")
    assert not answer.caution and not answer.safety
    assert answer.results[0].service_id == "okt"
