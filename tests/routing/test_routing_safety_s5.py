"""Safety recall in everyday words and honest confidence (issue 8, session 5): one test
per mechanism, on small examples, plus the s5 tuning probes as a floor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.router import CONFIDENT_AT
from busbaan.routing.safety import _matches, _Question, _words, detect, lemma

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.routing import _threshold, calibrate, calibration_sets, routers, wilson_lower


def strong(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


def weak(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if s.weak}


# ---------------------------------------------------------------- language mechanisms


def test_geen_after_a_cue_negates_the_next_noun_not_the_cue(signals: Any) -> None:
    """'al drie dagen geen licht': 'geen' belongs to 'licht', so 'dagen' still counts;
    'niet' after a cue still cancels it. (Read as eviction_cutoff until session 23; since
    the xfails engineer's rule "al"/"sinds" + days is how long it has lasted, not a
    deadline, it is the cut-off that is now, cutoff_now: the same mechanism either way.)"""
    assert "cutoff_now" in strong(
        signals, "Ze hebben thuis al drie dagen geen licht en geen warm water.")
    assert _matches(_words("dagen"), _Question("al drie dagen geen licht"))
    assert not _matches(_words("iets aandoen"), _Question("iets aandoen heeft ze niet gezegd"))


def test_clitic_spellings_are_read_as_the_full_pronoun(signals: Any) -> None:
    """'zn vrouw', "z'n vrouw" and 'zijn vrouw' are the same words."""
    for spelling in ("zn", "z'n", "zijn"):
        text = f"buurman schreeuwt tegen {spelling} vrouw en ik hoorde haar om hulp roepen"
        assert "partner_violence" in strong(signals, text), spelling


def test_a_possessive_stands_where_a_cue_has_an_article() -> None:
    """'moet haar huis uit' matches the cue 'moet het huis uit'; a cue word other than
    the article still has to be there."""
    cue = _words("moet het huis uit")
    assert _matches(cue, _Question("ze moet haar huis uit"))
    assert _matches(cue, _Question("ze moet het huis uit"))
    assert not _matches(cue, _Question("ze moet haar werk uit"))
    # read from the word as written: "is" has the lemma "zijn" but is no possessive
    assert not _matches(cue, _Question("ze moet is huis uit"))


def test_personal_pronouns_are_not_lemmatised(signals: Any) -> None:
    """'he' is not a form of 'hebben': 'heeft' no longer stands for 'he' in a cue."""
    assert lemma("he") == "he" and lemma("heeft") == "hebben"
    assert "partner_violence" in strong(signals, "He pushed me down the stairs last week.")
    assert "partner_violence" not in strong(signals, "Mijn baas heeft me geduwd op het werk.")


def test_a_plain_cause_in_reported_speech_is_a_cover_story(signals: Any) -> None:
    """The asker's own cause cancels the rule; the child's account ('hij zei dat ...')
    does not."""
    assert "child_maltreatment" not in strong(
        signals, "De jongen heeft striemen op zijn rug, van de fiets gevallen.")
    assert "child_maltreatment" in strong(
        signals, "De jongen heeft striemen op zijn rug. Hij zei dat hij van de fiets was "
        "gevallen, maar het zijn rechte strepen.")


def test_a_reflexive_object_later_in_the_clause_makes_the_verb_reflexive(signals: Any) -> None:
    """'slaat 's nachts om zich heen' (flails in his sleep) harms nobody."""
    assert "partner_violence" not in strong(
        signals, "Mijn man slaat 's nachts om zich heen in zijn slaap door zijn parkinson.")
    assert "partner_violence" in strong(signals, "Mijn man slaat me 's nachts als hij dronken is.")


def test_a_coordinated_verb_takes_the_subject_of_the_clause_before(signals: Any) -> None:
    """'Kind bijt andere kinderen en slaat': the child acts; 'vader drinkt en slaat': the
    father does."""
    assert "child_maltreatment" not in strong(
        signals, "Kind van 4 bijt andere kinderen en slaat als hij zijn zin niet krijgt.")
    assert "child_maltreatment" in strong(
        signals, "De vader van het kind drinkt en slaat als hij boos is.")


# ---------------------------------------------------------------- data mechanisms


def test_where_the_bruises_are_is_a_plain_cause_for_a_child(signals: Any) -> None:
    assert "child_maltreatment" not in strong(
        signals, "Een jongen van 8 heeft blauwe plekken op de knieën, hij doet aan judo.")
    assert "child_maltreatment" in strong(signals, "Een jongen van 8 heeft blauwe plekken.")


def test_a_camp_is_no_night_outside_but_tonight_on_the_street_is(signals: Any) -> None:
    assert "homeless_tonight" not in strong(
        signals, "Wij gaan met groep 8 op kamp en slapen twee nachten buiten in tenten.")
    assert "homeless_tonight" in strong(signals, "Hij slaapt vannacht buiten, hij heeft niks.")


def test_naming_the_shelter_is_a_weak_sign_only(signals: Any) -> None:
    text = "Ik zit nu negen maanden in de vrouwenopvang en wil weer zelf wonen."
    assert "partner_violence" not in strong(signals, text)
    assert "partner_violence" in weak(signals, text)


def test_a_helpers_plain_role_is_no_financial_abuse(signals: Any) -> None:
    helped = ("Buurman (72) heeft zijn pinpas aan zijn dochter gegeven omdat hij slecht "
              "ziet, ze doet de boodschappen voor hem.")
    assert "elder_abuse" not in strong(signals, helped, 72)
    assert "elder_abuse" in strong(signals, "opa's kleinzoon heeft zijn pinpas")


def test_an_acute_psychiatric_crisis_is_its_own_family(signals: Any, router: Router) -> None:
    """Psychotic signs with danger signal the crisis family (GGD Vangnet first on the
    benchmark map); a diagnosis said in passing signals nothing."""
    text = "Patiënt zegt dat stemmen hem opdragen iets met zijn buurman te doen."
    assert "psychiatric_crisis" in strong(signals, text)
    answer = router.route(text)
    assert answer.results[0].service_id == "ggd-vangnet" and answer.confident
    calm = "Mijn broer is manisch-depressief en zoekt vrijwilligerswerk."
    assert not detect(signals, calm)


def test_two_weak_signs_of_a_crisis_count_as_one_signal(signals: Any) -> None:
    text = ("Mijn moeder is sinds een paar dagen heel achterdochtig en denkt dat wij haar "
            "vergiftigen.")
    assert "psychiatric_crisis" in strong(signals, text)
    assert "psychiatric_crisis" in weak(signals, "Mijn moeder is de laatste tijd achterdochtig.")


# ---------------------------------------------------------------- tuning-set floors


def test_s5_safety_probes_have_their_safety_service_in_the_top_3(router: Router) -> None:
    """Session 5's probes (written before measuring; a tuning set since): 38 of 66
    before this session's changes, 64 after; the two left are minors, answered with the
    Ouder- en Kindteam (the family's `minors`), which the probes list as acceptable."""
    probes = read_jsonl("safety-probes-s5.jsonl")
    found = sum(
        any(r.service_id in q["expected"]
            for r in router.route(q["question"], q["context"]).results[:3])
        for q in probes
    )
    assert found >= 64


def test_s5b_partner_and_elder_probes_have_their_safety_service_in_the_top_3(
        router: Router) -> None:
    """The second batch (partner violence and elder abuse, the weakest families on the
    fresh probes): 12 of 20 before its cue entries, 20 after; its near misses raise no
    strong signal."""
    rows = read_jsonl("safety-probes-s5b.jsonl")
    answers = [(q, router.route(q["question"], q["context"])) for q in rows]
    found = sum(any(r.service_id in q["expected"] for r in a.results[:3])
                for q, a in answers if q["safety"])
    assert found >= 20
    assert [q["id"] for q, a in answers if not q["safety"] and a.safety
            and q["id"] not in S5B_OPEN] == []


#: s5b near misses that draw a false ⚠ (strict xfails below, with the cause).
S5B_OPEN = {
    "probe5b-n02": ("session 17, the ⚠ from the examples (dangerknn): 'my husband took my "
                    "bank card' is the words of the elder and partner financial-abuse "
                    "examples; 'by mistake' is no figure, past or story the rule stops at"),
}


@pytest.mark.parametrize("qid", list(S5B_OPEN))
@pytest.mark.xfail(strict=True, reason="see S5B_OPEN")
def test_s5b_near_misses_with_a_known_false_alarm(router: Router, qid: str) -> None:
    q = next(q for q in read_jsonl("safety-probes-s5b.jsonl") if q["id"] == qid)
    assert not router.route(q["question"], q["context"]).safety


#: Near misses that raise the strong tier, with the cause (asserted exactly: one that
#: stops, or another that starts, fails the test).
DRIFT19 = {
    "near5-034": ("since s43-s46 are examples (session 19; it passes without s44): a "
                  "neighbour of 72 who gave his bank card to his daughter for the shopping "
                  "gets the ⚠ elder_abuse from the examples (Veilig Thuis first, 844; "
                  "the aids he asks for second, 832)"),
}


def test_s5_near_misses_never_raise_the_strong_tier(router: Router) -> None:
    near = read_jsonl("safety-near-misses-s5.jsonl")
    alarms = [q["id"] for q in near if router.route(q["question"], q["context"]).safety]
    assert alarms == sorted(DRIFT19)


# ---------------------------------------------------------------- calibration


def test_wilson_lower_bound_is_below_the_share_and_grows_with_n() -> None:
    assert wilson_lower(0, 0) == 0.0
    assert 0.70 < wilson_lower(9, 10) < 0.9
    assert wilson_lower(90, 100) > wilson_lower(9, 10)
    assert wilson_lower(100, 100) < 1.0


def test_threshold_is_certified_only_when_the_bound_reaches_nine_in_ten() -> None:
    """Forty answers at 0.95 all right and forty at 0.6 half right: the threshold lands
    between them, certified. With the high ones 90 % right (36/40) the bound stays
    below 0.9: the fallback takes a point estimate and says it is not certified."""
    prob = np.array([0.95] * 40 + [0.6] * 40)
    sets = np.array(["a"] * 80)
    good = np.array([1.0] * 40 + [1.0, 0.0] * 20)
    t, bound, certified = _threshold(prob, good, sets)
    assert t == pytest.approx(0.95) and certified and bound >= 0.9
    fair = np.array([1.0] * 36 + [0.0] * 4 + [1.0, 0.0] * 20)
    t, bound, certified = _threshold(prob, fair, sets)
    assert t == pytest.approx(0.95) and not certified and bound < 0.9


def test_shipped_calibration_is_what_the_tuning_sets_give(router: Router) -> None:
    """The shipped weights and threshold are what `python -m bench.routing --calibrate`
    fits on today's router and tuning sets (a change to the router or the example
    questions that moves them must refit them), and the threshold is certified. Each
    retired set is scored without its own example file, as the benchmark does."""
    fitted = calibrate(routers(router.map), calibration_sets())
    assert router.tuning.confident_at == CONFIDENT_AT == fitted["confident_at"]
    assert router.tuning.calibration == pytest.approx(fitted["weights"], abs=0.002)
    assert fitted["certified"] and fitted["wilson_lower"] >= 0.90


def test_a_noun_negation_in_a_cue_keeps_its_noun(router: Router) -> None:
    """'geen huis' (homeless) is a house that is missing; in "heeft geen eten in huis" the
    food is missing, not the house (make dev, session 5): a cue with "geen" keeps its word
    order and allows one word between ("geen eigen huis")."""
    fridge = router.route("Mijn buurman van 82 woont alleen, valt steeds en heeft geen eten "
                          "in huis. Wie kan er langsgaan?")
    assert not fridge.caution and not fridge.safety
    own = router.route("ze heeft geen eigen huis meer sinds gisteren")
    assert any(c.signal == "homeless_tonight" for c in own.caution)
