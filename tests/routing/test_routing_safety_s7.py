"""Safety weak spots left by session 6 (safety7): one test per mechanism."""

from __future__ import annotations

from typing import Any

import pytest

from busbaan.routing import Router
from busbaan.routing.safety import (
    _figurative,
    _figurative_words,
    _for_person,
    _Question,
    _words,
    detect,
)


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """family id -> weak, for each signal."""
    return {s.family.id: s.weak for s in detect(signals, text, age)}


# ------------------------------------------------- 1. control by the partner (Movisie)


@pytest.mark.parametrize("text", [
    "Ze mag van haar man niet werken.",
    "Mijn vriendin mag van haar vriend alleen met hem de deur uit.",
    "Ze moet van haar man toestemming vragen als ze iets wil kopen.",
    "Mijn partner bepaalt wat ik aantrek en met wie ik praat.",
    "Haar man beheert al het geld en neemt haar telefoon af als ze belt.",
    "Her husband decides who she can see and keeps her bank card.",
])
def test_permission_and_control_by_a_named_partner_is_a_partner_signal(
        signals: Any, text: str) -> None:
    assert "partner_violence" in families(signals, text), text


@pytest.mark.parametrize("text", [
    "Ze mag van de gemeente alleen een uitkering als ze solliciteert.",
    "Mag ik van de huisarts een verwijzing naar de fysiotherapeut?",
    "Hij bepaalt wat ik aantrek, zegt mijn dochter over haar trainer.",
])
def test_permission_without_a_partner_is_no_partner_signal(signals: Any, text: str) -> None:
    assert "partner_violence" not in families(signals, text), text


def test_a_weak_lists_person_stands_for_its_pronoun() -> None:
    """'mag van hem niet' in a list that needs a partner also reads 'mag van haar man
    niet' (the possessive fits the cue's gap); a cue without a pronoun is unchanged."""
    cues = (_words("mag van hem niet"), _words("jaloers"))
    out = _for_person(cues, (("man",), ("haar", "man")))
    assert ("mogen", "van", "man", "niet") in out
    assert _words("jaloers") in out and len(out) == 3


def test_a_negation_after_the_person_does_not_cancel_the_person(signals: Any) -> None:
    """'haar man niet' denies what follows ('niet werken'), not the husband: the list's
    person is still there (the old rule cancelled it)."""
    assert families(signals, "Haar vriend bedoelt het niet zo, maar hij is erg jaloers.") == {
        "partner_violence": True}


# ------------------------------------------------- 2. a child's own age in the question


def test_a_child_under_18_put_out_reads_as_a_minor_despite_the_parents_age(
        signals: Any, router: Router) -> None:
    """Context age 42 is the parent's; 'haar zoon van 16 is eruit gezet' is about the
    son: the minors' services and sentence."""
    question = "Haar zoon van 16 is eruit gezet, waar kan hij vannacht slapen?"
    found = next(s for s in detect(signals, question, 42) if s.family.id == "homeless_tonight")
    assert found.family.services[0] == "vt-advies-melding"
    answer = router.route(question, {"leeftijd": 42})
    assert answer.results[0].service_id == "vt-advies-melding"
    assert "opvang voor volwassenen" in answer.results[0].why


@pytest.mark.parametrize("question", [
    "Ze is met haar zoon van 16 uit huis gezet en slaapt vannacht op straat.",
    "Ik ben uit huis gezet en slaap vannacht op straat.",
])
def test_a_parent_put_out_with_a_child_keeps_the_shelter(signals: Any, question: str) -> None:
    found = next(s for s in detect(signals, question, 42) if s.family.id == "homeless_tonight")
    assert found.family.services[0].startswith("mo-"), question


# ------------------------------------------------- 3. "niet X maar Y": a preference


def test_a_preference_with_a_plain_alternative_does_not_alarm(
        signals: Any, router: Router) -> None:
    question = ("Mijn dochter van 15 wil na school niet naar huis maar bij vriendinnen "
                "zijn, hoe maak ik daar afspraken over?")
    assert families(signals, question) == {}
    assert not router.route(question).safety


@pytest.mark.parametrize("question", [
    "Mijn dochter van 15 wil na school niet naar huis maar is bang voor haar vader.",
    "Mijn zoon van 14 wil niet naar huis want hij is bang voor zijn vader.",
    "Mijn zoon van 14 wil niet naar huis.",
])
def test_an_avoidance_is_still_read(signals: Any, question: str) -> None:
    assert families(signals, question).get("child_maltreatment") is False, question


# ------------------------------------------------- 4. play is no signal


def test_a_jump_into_the_pool_is_play(signals: Any) -> None:
    question = "De kinderen springen van het dak van de schuur in het zwembad, is dat gevaarlijk?"
    assert "suicide" not in families(signals, question)
    assert families(signals, "Hij zegt dat hij van het dak wil springen.").get("suicide") is False


def test_a_figurative_gap_spans_any_words_in_one_clause_only() -> None:
    cue = _figurative_words("springen ... in het zwembad")
    assert cue == ("springen", "...", "in", "de", "zwembad")
    assert _figurative(_Question("ze springen van het hoge dak in het zwembad"), (cue,))
    assert not _figurative(
        _Question("hij wil springen, en daarna in het zwembad zwemmen"), (cue,))
