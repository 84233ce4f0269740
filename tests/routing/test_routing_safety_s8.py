"""Safety answers that read right (session 7, safety8): one test per item."""

from __future__ import annotations

from typing import Any

import pytest

from busbaan.routing import Router
from busbaan.routing.safety import cue_words, detect


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """family id -> weak, for each signal."""
    return {s.family.id: s.weak for s in detect(signals, text, age)}


# ------------------------------- 1. overheard partner violence (outside7 finding 6)

OVERHEARD = ("mijn buurman drinkt veel en schreeuwt 's nachts tegen zijn vrouw, ik hoor "
             "haar huilen")


@pytest.mark.parametrize("text", [
    OVERHEARD,
    "mijn buurman drinkt veel en schreeuwt s nachts tegen zijn vrouw, ik hoor haar huilen",
    "Mijn man schreeuwt tegen me en ik huil elke avond.",
    "Haar vriend staat elke avond tegen haar te brullen en dan hoor ik haar snikken.",
    "My husband yells at me every night and I end up crying.",
])
def test_a_partner_shouting_and_the_other_crying_is_partner_violence(
        signals: Any, text: str) -> None:
    assert families(signals, text).get("partner_violence") is False, text


@pytest.mark.parametrize("text", [
    "Mijn vriend schreeuwt altijd tegen de tv bij het voetbal, ik moet huilen van het lachen.",
    "Mijn vrouw en ik maken alleen nog maar ruzie, wel elke dag geschreeuw om niks.",
    "Mijn vrouw huilt veel sinds haar moeder is overleden. Waar kan ze rouwbegeleiding krijgen?",
    "De baby van de buren huilt urenlang en ik hoor de vader schreeuwen.",
])
def test_shouting_or_crying_alone_or_without_a_partner_is_no_partner_signal(
        signals: Any, text: str) -> None:
    assert "partner_violence" not in families(signals, text), text


def test_overheard_partner_violence_gets_the_safety_line(router: Router) -> None:
    answer = router.route(OVERHEARD)
    assert answer.results[0].service_id == "vt-advies-melding"
    assert [h.signal for h in answer.safety] == ["partner_violence"]
    assert answer.results[0].why.startswith("Dit klinkt als geweld")


def test_overheard_partner_violence_on_the_demo_map(demo_router: Router) -> None:
    answer = demo_router.route(OVERHEARD.replace("'s", "s"))
    assert answer.results[0].service_id == "veilig-thuis"
    assert answer.safety and answer.safety[0].signal == "partner_violence"


# ------------------------------------- 2. the cue's words are spent (finding 8)


def test_cue_words_are_the_words_of_a_phrase_cue(signals: Any) -> None:
    words = cue_words(detect(signals, "mijn zoon wil niet meer leven"))
    assert "leven" in words and "niet" not in words  # negations are no topic words
    # a rule's words keep their own meaning ("slaat": the police may come next)
    assert not cue_words(detect(signals, "Mijn man slaat me en ik zoek een woning"))
    assert not cue_words(detect(signals, "zelfmoord"))  # one word: its own meaning


def test_a_suicide_answer_lists_no_service_that_matched_only_on_leven(
        router: Router, demo_router: Router) -> None:
    for r in (router, demo_router):
        answer = r.route("mijn zoon wil niet meer leven")
        assert answer.safety and answer.safety[0].signal == "suicide"
        first = {h.service_id for h in answer.safety}
        assert answer.results[0].service_id in first
        for result in answer.results[1:3]:
            if result.why.startswith("Dit kan om gedachten"):
                continue  # the family's second service
            assert result.matched != ("leven",), result
        ids = [x.service_id for x in answer.results[:3]]
        assert "wpi-bijstand" not in ids and "bijstand" not in ids, ids


def test_a_topical_cue_word_still_counts_for_ordinary_services(router: Router) -> None:
    """Only a service that rests on one word of a phrase cue steps back: threats and
    stalking by an ex (a rule) still bring the police next."""
    answer = router.route(
        "Moeder zegt dat haar ex haar bedreigt en achtervolgt sinds ze weg is, ze is bang "
        "dat hij de kinderen meeneemt")
    assert [x.service_id for x in answer.results[:2]] == [
        "vt-advies-melding", "politie-wijkagent"]


def test_what_the_question_says_besides_the_danger_still_counts(router: Router) -> None:
    """The cue's words are spent, the rest of the question is not: a woman who is hit
    and looks for a home gets Veilig Thuis first and urgent housing next."""
    answer = router.route("Mijn man slaat me en ik zoek een woning")
    ids = [x.service_id for x in answer.results[:3]]
    assert ids[0] == "vt-advies-melding"
    assert "wonen-woonurgentie" in ids, ids


# ------------------------------------------------------- 3. two families at once


def test_two_families_with_different_desks_keep_both_first_but_are_not_confident(
        router: Router) -> None:
    answer = router.route(
        # "wordt vandaag ... gezet": the eviction still to come today. "is vandaag uit zijn
        # huis gezet" (done) is no eviction to come since session 23 (xfails; outside24-26
        # asked for it): that question reads homeless_tonight alone.
        "Meneer (45) wordt vandaag uit zijn huis gezet en heeft geen idee waar hij vannacht "
        "moet slapen.")
    assert {h.signal for h in answer.safety} == {"homeless_tonight", "eviction_cutoff"}
    assert {x.service_id for x in answer.results[:2]} == {
        "mo-centrale-toegang", "shv-crisisinterventie"}
    assert not answer.confident
    assert "not_confident" in answer.notes


def test_two_families_that_send_to_the_same_desk_stay_confident(router: Router) -> None:
    answer = router.route(
        "My husband hit me again last night and I don't know where to go with the kids.")
    assert len({h.signal for h in answer.safety}) == 2
    assert {h.service_id for h in answer.safety} == {"vt-advies-melding"}
    assert answer.results[0].service_id == "vt-advies-melding"
    assert answer.confident


def test_one_family_stays_confident(router: Router) -> None:
    answer = router.route("Mijn man slaat me en ik zoek een woning")
    assert answer.confident


# ------------------------------------------------- 4. permission is not control


@pytest.mark.parametrize("text", [
    "ik mag van mijn man een cursus doen",
    "Ik mag van mijn vriend gewoon werken, maar ik zoek kinderopvang.",
])
def test_permission_given_by_a_partner_is_no_signal(
        signals: Any, router: Router, text: str) -> None:
    assert "partner_violence" not in families(signals, text)
    answer = router.route(text)
    assert not answer.safety and not answer.caution


@pytest.mark.parametrize("text", [
    # session 8 to 13 a strict xfail: Veilig Thuis third as a filler on 'man, mag'; passes
    # since s27-s29 were retired into examples (session 14: more examples of courses and
    # language classes), no rule changed
    "ik mag van mijn man een cursus doen",
    "Ik mag van mijn vriend gewoon werken, maar ik zoek kinderopvang.",
])
def test_permission_given_by_a_partner_lists_no_safety_service(
        router: Router, text: str) -> None:
    answer = router.route(text)
    assert "vt-advies-melding" not in [x.service_id for x in answer.results[:3]]


@pytest.mark.parametrize("text", [
    "Ze mag van haar man niet werken.",
    "Mijn vriendin mag van haar vriend alleen met hem de deur uit.",
    "Ze zegt dat ze niks mag van haar man.",
    "Cliënte mag van haar man nergens heen zonder hem.",
])
def test_a_restriction_by_the_partner_is_still_a_weak_signal(signals: Any, text: str) -> None:
    assert "partner_violence" in families(signals, text), text


# -------------------------------- a neighbour is no partner (noticed on the way)


@pytest.mark.parametrize("text", [
    "Mijn buurvrouw slaat haar hond.",
    "Mijn buurvrouw schreeuwt de hele dag tegen haar kinderen en ik hoor ze vaak huilen.",
])
def test_a_compound_after_a_possessive_is_not_the_partner(signals: Any, text: str) -> None:
    """'mijn buurvrouw' is no 'mijn vrouw': after a possessive the cue's noun is the
    person itself, not a compound that ends in it."""
    assert "partner_violence" not in families(signals, text), text


def test_a_possessive_and_the_partner_still_match(signals: Any) -> None:
    assert "partner_violence" in families(signals, "Mijn buurman slaat zijn vrouw.")
    assert "partner_violence" in families(signals, "Haar man slaat haar.")
