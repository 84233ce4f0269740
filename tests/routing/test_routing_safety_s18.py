"""Session 9, safety18 (issue 8; safety file 2026-12-06.41): English danger that the
safety reader missed or misread (outside10 findings 1, 2, 4), each cause tested in our
own words (not the findings' questions).

- An English negative contraction is a negation: "isn't", "doesnt", "can't", "won't"
  are read as "is not", "does not", "can not", "will not", in questions and in cues.
- An English irregular verb is read by its lemma: "threw", "thrown" and "throws" are one
  verb, as are "slept" and "sleeps"; a comparative in -er is not ("older" is no "old").
- A verb particle right after "her" makes it the verb's object ("threw her out last
  night"), not a possessive ("her last night").
- Cues (113 Zelfmoordpreventie, Samaritans; Straatconsulaat; Rv, ontruiming): an English
  goodbye letter, looking up how many pills "it takes", sleeping in a station, an
  eviction told by its legal steps (a landlord's judgment, the bailiff with the police).
- The session 9d probe files, written before the change.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect, lemma

PROBES = read_jsonl("safety-probes-session9d.jsonl")
NEAR = read_jsonl("safety-near-misses-session9d.jsonl")


def strong(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


def weak(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if s.weak}


# ------------------------------------------------------------ English contractions

@pytest.mark.parametrize("text", [
    "The boy isn't being hit at home, he just skips school a lot",
    "She hasn't been abused or anything, she only wants a quieter room to study",
    "He doesnt hit his kids, he just cant manage their school forms",
    "Her husband wasn't violent, she wants help with the divorce papers",
])
def test_an_english_contracted_negation_cancels_the_cue(signals: Any, text: str) -> None:
    """'isn't being hit', 'hasn't been abused', 'doesnt hit': no strong signal."""
    assert not strong(signals, text) & {"child_maltreatment", "partner_violence"}


@pytest.mark.parametrize(("text", "family"), [
    ("The girl (7) says her stepdad hits her with a belt and she doesn't want to go home",
     "child_maltreatment"),
    ("my brother says he can't go on anymore and has given his guitar away", "suicide"),
    ("she cannot go on like this, she says she wants to die", "suicide"),
])
def test_a_contraction_elsewhere_keeps_the_signal(signals: Any, text: str,
                                                   family: str) -> None:
    """A negation of another verb leaves the danger read; a cue written with a
    contraction ('can't go on', a weak cue) matches the written-out question."""
    assert family in strong(signals, text) | weak(signals, text)


# ----------------------------------------------------------------- irregular verbs

def test_an_irregular_english_verb_is_one_word() -> None:
    """'threw', 'thrown', 'throws' one lemma; 'slept', 'sleeps' one; 'wrote', 'writes'
    one; a comparative keeps its own ('older' is no 'old')."""
    assert lemma("threw") == lemma("thrown") == lemma("throws")
    assert lemma("slept") == lemma("sleeps")
    assert lemma("wrote") == lemma("writes")
    assert lemma("older") != lemma("old")


def test_put_out_in_the_past_tense_is_read(signals: Any) -> None:
    """'her dad threw her out tonight' is being put out, now."""
    assert "homeless_tonight" in strong(signals, "her dad threw her out tonight, she is 24")


def test_things_thrown_out_are_no_person_put_out(signals: Any) -> None:
    """'threw out all the old furniture' is a clear-out, not a person put out."""
    text = "We threw out all the old furniture today and need help paying for a new bed"
    assert "homeless_tonight" not in strong(signals, text) | weak(signals, text)


# ---------------------------------------------------------- 'her' object or possessive

def test_her_as_an_object_is_no_possessive(signals: Any) -> None:
    """'threw her out last night': 'last night' is a time, not her final night."""
    text = "her aunt threw her out last night after a row about money"
    assert "suicide" not in strong(signals, text) | weak(signals, text)


def test_her_last_night_as_a_possessive_is_still_read(signals: Any) -> None:
    """'this would be her last night' is still the 113 warning sign (weak tier)."""
    text = "she texted me that this would be her last night"
    assert "suicide" in strong(signals, text) | weak(signals, text)


# --------------------------------------------------------------------------- cues

@pytest.mark.parametrize("text", [
    "my cousin left farewell notes for his parents on the table",
    "a client has been googling how many tablets it would take",
    "hij heeft opgezocht hoeveel pillen ervoor nodig zijn",
])
def test_an_english_goodbye_letter_or_method_research_is_suicide(signals: Any,
                                                                 text: str) -> None:
    """113 / Samaritans warning signs: a goodbye note, looking up how many pills it takes."""
    assert "suicide" in strong(signals, text)


@pytest.mark.parametrize("text", [
    "she looked up how many pills she should take for her migraine",
    "my dad keeps forgetting how many tablets he has to take, who can help",
    "she wrote a goodbye card for her teacher who is retiring",
])
def test_a_dose_or_a_card_is_no_suicide_signal(signals: Any, text: str) -> None:
    """A dose looked up, pills forgotten, a goodbye card for a colleague: no strong signal."""
    assert "suicide" not in strong(signals, text)


@pytest.mark.parametrize("text", [
    "a man of 50 has slept at the station for a week",
    "hij slaapt al dagen op het Centraal Station",
])
def test_sleeping_in_a_station_is_homeless(signals: Any, text: str) -> None:
    """A station as the place of the night (Straatconsulaat)."""
    assert "homeless_tonight" in strong(signals, text)


@pytest.mark.parametrize("text", [
    "de verhuurder heeft een vonnis en de deurwaarder komt donderdag met de politie",
    "the landlord got a court order and the bailiff comes with the police next week",
])
def test_an_eviction_told_by_its_steps_is_signalled(signals: Any, text: str) -> None:
    """A landlord's judgment executed by the bailiff with the police: eviction."""
    assert "eviction_cutoff" in strong(signals, text)


@pytest.mark.parametrize("text", [
    "de deurwaarder heeft een vonnis voor een oude telefoonrekening, ik wil een regeling",
    "de deurwaarder komt volgende week beslag leggen op de auto",
])
def test_a_bailiff_for_a_debt_is_no_eviction(signals: Any, text: str) -> None:
    """A judgment for a debt, a seizure of a car: debt collection, no strong eviction."""
    assert "eviction_cutoff" not in strong(signals, text)


# -------------------------------------------------------------------------- the files

@pytest.mark.parametrize("q", PROBES, ids=lambda q: q["id"])
def test_probe_is_signalled_with_its_service_in_the_top3(router: Router,
                                                        q: dict[str, Any]) -> None:
    """Each probe: a safety signal, and an expected service in the top 3."""
    answer = router.route(q["question"], q["context"])
    assert answer.safety
    assert any(r.service_id in q["expected"] for r in answer.results[:3])


#: Near misses that draw a false ⚠ (strict xfails, with the cause).
NEAR_OPEN = {
    "near18-006": ("session 17, the ⚠ from the examples (dangerknn): 'pills she has to take "
                   "each day' sits among the specialist GGZ's overdose and suicide examples, "
                   "which are more than half of its nearest; no figure, past or story keeps "
                   "the rule quiet"),
}


@pytest.mark.parametrize("q", [pytest.param(q, id=q["id"], marks=pytest.mark.xfail(
    strict=True, reason=NEAR_OPEN[q["id"]])) if q["id"] in NEAR_OPEN else q for q in NEAR],
    ids=lambda q: q["id"])
def test_near_miss_raises_no_strong_alarm(router: Router, q: dict[str, Any]) -> None:
    """Each near miss: no strong safety signal."""
    assert not router.route(q["question"], q["context"]).safety
