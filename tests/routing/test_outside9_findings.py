"""outside9 (session 8): problems found by using the wegwijzer the way its users meet it
(`make dev ARGS=--no-encryption`, a plain nio client in direct chats with @wegwijzer, 40
questions of my own written before any answer was seen:
tests/data/socialmap/outside9-questions.jsonl), shown here at router level on the
shipped demo map (and, for the tip, at the bot's wording).

Each test is ``xfail(strict=True)`` with the reason, checked with ``--runxfail`` to fail
for that reason; when the lead fixes one, remove its marker. See
docs/notes/2026-12-06s8-outside9.md for what the professional saw.
"""

from __future__ import annotations

import pytest

from bots.wegwijzer.render import answer_texts
from busbaan.routing import Router
from busbaan.routing.learning import learning_terms


def _signals(answer: object) -> list[str]:
    return [h.signal for h in answer.safety]  # type: ignore[attr-defined]


def _top(answer: object, n: int = 3) -> list[str]:
    return [r.service_id for r in answer.results[:n]]  # type: ignore[attr-defined]


# ------------------------------------------- 1. an adult gets the child-abuse sentence


def test_an_adult_put_out_by_his_parents_is_no_child_abuse(demo_router: Router) -> None:
    """Fixed in session 8 (safety file 2026-12-05.9): "kicked out" is the shelter's
    phrasal verb, not a kick (a longer cue with a verb particle wins)."""
    answer = demo_router.route("Young man, 24, was kicked out by his parents this morning "
                               "and has nowhere to sleep tonight")
    assert answer.leeftijd == 24
    assert _signals(answer) == ["homeless_tonight"]
    assert answer.results[0].service_id == "opvang-toegang"


def test_kicked_out_is_not_kicking(demo_router: Router) -> None:
    """Fixed in session 8 (safety file 2026-12-05.9): see above."""
    answer = demo_router.route("Her son is 30 and his parents kicked him out, he has "
                               "nowhere to sleep tonight")
    assert "partner_violence" not in _signals(answer)
    assert "child_maltreatment" not in _signals(answer)


def test_an_old_man_locked_in_by_his_son_is_elder_abuse(demo_router: Router) -> None:
    """Fixed in session 8: 'meneer is 80' is read as his age."""
    answer = demo_router.route("meneer is 80 en wordt door zijn zoon opgesloten en krijgt "
                               "te weinig eten")
    assert _signals(answer) == ["elder_abuse"]
    assert answer.leeftijd == 80


# ------------------------------------------------ 2. how long someone lives here = age


@pytest.mark.parametrize("question", [
    "wil nederlans leren lezen en schrijven, kom uit eritrea, woon 2 jaar hier",
    "vrouw woont 4 jaar in Nederland en wil Nederlands leren lezen en schrijven",
])
def test_years_of_living_here_are_no_age(demo_router: Router, question: str) -> None:
    """Fixed in session 8: how long someone has lived here is a duration."""
    answer = demo_router.route(question)
    assert answer.leeftijd is None, answer.leeftijd
    assert answer.results[0].service_id == "taalhuis"


# ------------------------------------------- 3. an eviction described, not named


def test_a_bailiff_coming_for_the_keys_is_an_eviction(demo_router: Router) -> None:
    """Fixed in session 8 (safety file 2026-12-05.9): "er ... uit" split reads as
    "eruit", and the bailiff who comes for the keys is the eviction."""
    answer = demo_router.route("de deurwaarder komt donderdag de sleutels halen, ze moet "
                               "er met de kinderen uit en heeft nog niks geregeld")
    assert _signals(answer) == ["eviction_cutoff"]


# ---------------------------- 4. physical elder abuse gets the bank, not the 112 line


def test_physical_elder_abuse_names_112(demo_router: Router) -> None:
    """Fixed in session 8 (safety file 2026-12-05.8): the sentence names 112."""
    answer = demo_router.route("wijkverpleging ziet dat mevrouw van 88 vastgebonden in bed "
                               "ligt als haar zoon de deur uit gaat, en ze krijgt te weinig "
                               "te drinken")
    assert _signals(answer) == ["elder_abuse"]
    assert "112" in answer.safety[0].why


# ---------------------------------------------------- 5. everyday words for cannabis


def test_parents_worried_about_a_son_who_smokes_weed(demo_router: Router) -> None:
    """Fixed in session 8: cannabis words in the lexicon (router11), the stemmer keeps
    'ouderen' apart from 'ouders', and verslavingszorg's own worried-parent examples."""
    answer = demo_router.route("ouders maken zich zorgen over hun zoon van 16 die veel blowt")
    assert "verslavingszorg" in _top(answer)
    assert "ouderenadvies" not in _top(answer)


def test_a_mother_worried_about_daily_weed_is_not_confidently_sent_to_okt(
        demo_router: Router) -> None:
    """Fixed in session 8 (as above)."""
    answer = demo_router.route("moeder maakt zich zorgen over haar zoon van 19 die elke dag "
                               "blowt")
    assert answer.results[0].service_id == "verslavingszorg" or not answer.confident


# ------------------------------------------------------ 6. other everyday questions


# session 9 (router16): fixed in grammar, not by making "leren" weak everywhere (that
# cost confident coverage in session 8): "leren" next to an infinitive carries that verb
# (text.carrying_learn) and counts as a weak word there; "Nederlands leren" keeps it.
def test_learning_to_budget_is_no_language_course(demo_router: Router) -> None:
    answer = demo_router.route("meneer wil leren budgetteren")
    assert "taalhuis" not in _top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "since the safety gate s62 is examples (session 23; it passes without "
    "asked-heldout62, and with asked-heldout59..62 left out): Veilig Thuis second again "
    "(the Stadspas 844, Veilig Thuis 812, the Ouder- en Kindteam 775), no signal or "
    "caution: the gate's danger examples open the desk (vtfiller's share)"))
def test_bruised_knees_from_football_and_a_sports_club(demo_router: Router) -> None:
    """Bruises explained ('van het voetballen') and a sports club to pay for: no signal or
    caution, the Stadspas in the top 3, Veilig Thuis not. Was a strict xfail from session
    9 to 20 (Veilig Thuis second on 'voetballen, moeder, kinderen', the Stadspas fourth;
    'blauwe' from VT examples that carry a danger; gating them on a signal cost 20 of 335
    safety questions their service in the top 3, removed in session 10); since s51-s54 are
    examples (session 21; together: it fails again without the four files, passes
    without any one of them) the Stadspas is first (838), the Ouder- en Kindteam second
    (775), Wmo hulpmiddelen third (772)."""
    answer = demo_router.route("kinderen van 6 en 8 hebben blauwe knieën van het voetballen, "
                               "moeder zoekt een sportclub die ze kan betalen met weinig "
                               "inkomen")
    assert not answer.safety and not answer.caution
    assert "stadspas" in _top(answer)
    assert "veilig-thuis" not in _top(answer)


@pytest.mark.xfail(strict=True, reason="naming the stadsdeel flips a letter about repaying "
                   "a toeslag from the raadslieden (first without it) to the buurtteam's "
                   "money team, confidently (912; 941 on session 12's calibration)")
# router16 (session 9): the flip is the area prior (local team x1.5 once the stadsdeel is
# known, x0.6 while unknown). Lowering it costs top-1 over s3-s14 (1.5 -> 1.3: 1,134 ->
# 1,126; 1.15: 1,116), so the prior stays. The confident part is for the lead's refit:
# plain confident answers whose first place only the prior decides (the first service's
# own score below another eligible one's) were right 17 of 21, the others 672 of 683.
def test_the_stadsdeel_does_not_outweigh_what_is_asked(demo_router: Router) -> None:
    answer = demo_router.route("cliënt (41) in Noord heeft een brief van de Belastingdienst "
                               "dat ze toeslag moet terugbetalen en snapt er niks van")
    assert answer.results[0].service_id == "raadslieden"


# -------------------------- 7. Veilig Thuis listed in confident answers without a signal


_FILLER_9 = ("Veilig Thuis as a filler (outside8 finding 4, still open: the balanced "
             "example vote is off): second or third in confident answers with no signal "
             "and no caution, with 'past bij' everyday words; session 9 (filler15): the "
             "danger-example gate fixes 2 of these 3 but is off (safety 330 -> 310 of 335, "
             "LOSO s3-s14)")


@pytest.mark.parametrize("question", [
    # fixed in session 11 (xfail21): "zich erdoorheen slaan" (Van Dale) is in the safety
    # file's figurative list, which the ranker now reads too (safety.figurative_parts)
    "mijn cliënt slaat zich er wel doorheen, maar heeft hulp nodig bij bezwaar tegen het "
    "terugbetalen van de huurtoeslag",
    # strict xfails (_FILLER_9) until session 15: fixed by vtfiller (a desk for dangers
    # only votes with its examples only when opened, Tuning.safety_desk_share)
    "kind van 4 heeft veel driftbuien en de ouders weten het niet meer",
    "mijn zus is 20, gestopt met school en zit de hele dag thuis zonder inkomen",
])
def test_a_confident_answer_without_a_signal_lists_no_veilig_thuis(
        demo_router: Router, question: str) -> None:
    answer = demo_router.route(question)
    assert answer.confident and not answer.safety and not answer.caution
    assert "veilig-thuis" not in _top(answer)


# -------------------------------------------------------------- 8. the tip, twice


def test_an_unsure_answer_asks_for_the_stadsdeel_once(demo_router: Router) -> None:
    """Fixed in session 8: the tip under an unsure answer leaves the stadsdeel to the
    buurtteam tip when that one is there. (Session 9: the finding's own question is
    confident since the refit at 893; an unsure one of the same kind stands in.)"""
    answer = demo_router.route("ik krijg steeds aanmaningen en durf de post niet meer open "
                               "te maken")
    assert not answer.confident and "stadsdeel_unknown" in answer.notes
    body, _ = answer_texts(answer, "nl", desk="Sociaal Loket")
    asks = [line for line in body.split("\n") if "stadsdeel=" in line]
    assert len(asks) == 1, asks


# --------------------------------------------------- 9. a place learned as a term


@pytest.mark.parametrize(("question", "place"), [
    ("Where can my client in Oost get help with her debts? She is 52.", "ost"),
    ("cliënt in Zuidoost heeft schulden en wil hulp", "zuidost"),
])
def test_the_stadsdeel_is_not_learned(demo_router: Router, question: str, place: str) -> None:
    """Fixed in session 8: places are context, not learning terms."""
    assert place not in learning_terms(demo_router.analyzer, question)
