"""Session 7: false alarms the retired held-out sets showed once they were tuning sets.
Each was a confident safety answer where a person would name an ordinary service; the
safety file (version 2026-12-05.2) now reads these words as what they mean. The
questions are our own rewordings; the safety probes keep their recall (206/225 before
and after) and the near misses stay without a strong alarm."""

from __future__ import annotations

import pytest

from busbaan.routing import Router


@pytest.mark.parametrize(
    "question",
    [
        # an older person's parent is no child's parent
        "Mijn moeder van 84 is gevallen in de badkamer en heeft overal blauwe plekken, we "
        "zoeken een douchestoel",
        "Mijn vader (79) wordt vergeetachtig en zit de hele dag alleen, is er dagbesteding?",
        # a burn-out is no burn
        "Mijn vader heeft een burn-out en zit thuis, wie kan het gezin helpen met de post?",
        # a parent alone with the children
        "Ik ben een moeder van 35 en zit de hele dag alleen thuis met de kinderen, ik wil "
        "andere vrouwen leren kennen, 's avonds of overdag",
        # an idiom
        "mijn zoon is 19, zit thuis, doet niks, hij heeft een schop onder zijn kont nodig",
        # a distance walked
        "Mijn moeder kan niet meer ver lopen en wil een scootmobiel",
        # a sport with blows
        "Mijn dochter van 11 wil op kickboksen, daar mag ze slaan en schoppen, maar het "
        "kost te veel",
        # the asker denies the sign
        "Mijn opa van 80 geeft zijn kleinkinderen geld; niemand dwingt hem, maar nu kan hij "
        "de huur niet betalen",
    ],
)
def test_no_safety_answer_where_the_words_mean_something_else(
        router: Router, question: str) -> None:
    assert router.route(question).safety == ()


@pytest.mark.parametrize(
    ("question", "family"),
    [
        ("Mijn dochter van 7 zit onder de blauwe plekken en is bang voor haar vader",
         "child_maltreatment"),
        ("De moeder slaat haar zoontje van 4, ik zie striemen op zijn armen",
         "child_maltreatment"),
        ("Mijn oma van 82 is bang voor haar kleinzoon, hij haalt geld van haar rekening",
         "elder_abuse"),
        ("Kind van 6 is 's nachts vaak alleen thuis, de moeder gaat stappen",
         "child_maltreatment"),
        ("Mijn oma van 84 heeft blauwe plekken, ze zegt dat ze is gevallen maar ze is bang "
         "voor mijn oom", "elder_abuse"),
    ],
)
def test_the_same_signs_still_count_where_they_mean_danger(
        router: Router, question: str, family: str) -> None:
    assert family in {h.signal for h in router.route(question).safety}


@pytest.mark.parametrize(
    "question",
    [
        "Vroeger was alles goed maar nu slaat hij haar elke dag",
        "Hij sloeg haar vroeger en gisteren weer",
        "Mijn ex sloeg me jaren geleden en nu staat hij weer elke dag voor de deur en "
        "bedreigt me",
        "my dad used to hit me and he still does",
    ],
)
def test_a_past_that_comes_back_is_read_as_now(router: Router, question: str) -> None:
    """The `past` markers (safety file 2026-12-05.4) hold only for their own part of
    the sentence, and not at all when the question says the danger is current."""
    assert router.route(question).safety
