"""Session 22 (cues2): outside26's findings fixed by cause, each rule with its near misses."""

from __future__ import annotations

import pytest
from routing_testdata import families

from busbaan.routing import Router


@pytest.mark.parametrize("question", [
    "Ze is bang dat ze later uit huis gezet wordt; er is nu geen achterstand.",
    "Hij wordt misschien ooit uit huis gezet, maar er is nu nog geen brief.",
])
def test_a_time_before_an_absence_no_cue_reads_dates_that_absence(
        demo_router: Router, question: str) -> None:
    assert "homeless_tonight" not in families(demo_router, question)


@pytest.mark.parametrize("question", [
    "Hij is uit huis gezet en heeft nu geen slaapplek.",
    "They put him out of the house and now he has no place to stay.",
])
def test_a_time_before_an_absence_a_cue_reads_is_still_its_time(
        demo_router: Router, question: str) -> None:
    assert "homeless_tonight" in families(demo_router, question)


def test_a_calm_goodbye_in_english_is_suicide(demo_router: Router) -> None:
    assert "suicide" in families(demo_router, (
        "He said calmly his affairs are in order, he gave his cat to his sister and that "
        "we won't need to see each other again."))


@pytest.mark.parametrize("question", [
    "Zijn zaken zijn op orde, dus we hoeven elkaar niet meer te zien.",
    "Na deze laatste afspraak hoeven we elkaar niet meer te zien, de schuld is afbetaald.",
])
def test_the_end_of_a_counselling_is_no_goodbye(demo_router: Router, question: str) -> None:
    assert "suicide" not in families(demo_router, question, weak=True)


@pytest.mark.parametrize("question", [
    "De chauffeur raakt haar aan op plekken waar ze dat niet wil.",
    "The driver touches her in places she doesn't want.",
])
def test_a_touch_in_places_she_does_not_want_is_sexual_violence(
        demo_router: Router, question: str) -> None:
    assert "sexual_violence" in families(demo_router, question)


def test_a_physiotherapist_touching_where_it_hurts_is_no_alarm(demo_router: Router) -> None:
    assert "sexual_violence" not in families(
        demo_router, "De fysiotherapeut raakt haar aan op plekken waar het pijn doet.")


def test_hitting_named_as_a_noun_after_dat_is_no_one_hitting(demo_router: Router) -> None:
    assert not families(demo_router, (
        "Hoe leer ik mijn zoon dat slaan op het schoolplein niet kan? Hij vecht vaak met "
        "klasgenoten."))


@pytest.mark.parametrize(("question", "family"), [
    ("Ik weet dat hij haar slaat.", "partner_violence"),
    ("Hij dreigt dat hij haar gaat slaan.", "partner_violence"),
    ("Hij vertelt dat zijn vrouw hem krabt en slaat als hij laat thuiskomt.",
     "partner_violence"),
    ("Ze zegt dat slaan bij de opvoeding hoort en slaat haar zoon met een riem.",
     "child_maltreatment"),
])
def test_a_hit_told_after_dat_is_still_read(demo_router: Router, question: str,
                                           family: str) -> None:
    assert family in families(demo_router, question)
