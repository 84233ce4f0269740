"""outside17 (session 14): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client; each of 40 questions the
first message of a NEW direct chat, ten professionals at once; then bursts, commands with
wrong input, feedback clicks and rooms of my own). The 40 questions are in voices no
outside check used before — a dental hygienist, a swimming teacher, a pedicure, a
night-shelter volunteer, a locksmith, a personal trainer, a dance teacher, a window
cleaner, an au pair, an internship supervisor, a PE teacher, a meal deliverer, a
newspaper deliverer, a food-delivery rider, a petting-zoo worker, a cooking-club
volunteer, a tenant of 80, a job coach, a lactation consultant, a boxing trainer, an
occupational therapist, a school's internal supervisor, a young father, a care-home
receptionist, a sexton, a dentist, an optician, a stay-at-home dad, an imam, an estate
agent, a neighbourhood mediator, a taxi driver, a cashier, a thrift-shop worker, a
notary's clerk, a yoga teacher, a company doctor, a music teacher, a house painter, a
launderette worker — written and committed before any answer was seen
(tests/data/socialmap/outside17-questions.jsonl, 2976ae6) and replayed here at router
level on the shipped demo map: the bot gave these same top 3s for all 35 questions it
routed.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). Ranking and the safety file are not mine to change: reported, not fixed. See
docs/notes/2026-12-12s14-outside17.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import (
    OutsideQuestions,
    assert_danger_first,
    assert_near_miss_is_silent,
    caution,
    signals,
    top,
)

from busbaan.routing import Router
from busbaan.wegwijzer import parse_question

OUTSIDE = OutsideQuestions("outside17-questions.jsonl")
QUESTIONS = OUTSIDE.rows
_q, _fits = OUTSIDE.text, OUTSIDE.fits


def _route(router: Router, qid: str) -> Any:
    return OUTSIDE.route(router, qid, clean=True)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 14 dangers told in everyday words over all 12 families, 6 near
    misses, 5 with personal data (a name with a BSN, a birth date, an e-mail address with
    a name, a phone number, an address with a postcode), 7 in English; each with its
    answer key and what a professional names first."""
    rows = list(QUESTIONS.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 40
    assert (kinds.count("danger"), kinds.count("near"), kinds.count("personal")) == (14, 6, 5)
    assert sum(row["lang"] == "en" for row in rows) == 7
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 12
    assert all(row["first"] and row["expected"] for row in rows)
    assert [row["expect_refusal"] for row in rows if row.get("expect_refusal")] == [
        "bsn", "date", "email", "phone", "address"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o17-01", "partner_violence", "veilig-thuis"),   # dental hygienist: pushed, afraid of tonight
    ("o17-02", "child_maltreatment", "veilig-thuis"),  # swimming teacher: belt marks
    ("o17-04", "homeless_tonight", "opvang-toegang"),  # night shelter: put out, freezing
    ("o17-05", "eviction_cutoff", "crisis-schulden"),  # locksmith: locks changed with the bailiff
    ("o17-06", "suicide", "crisisdienst-113"),         # English trainer: gives things away
    ("o17-09", "overdose", "crisisdienst-113"),        # English au pair: pills + whisky
    ("o17-12", "cutoff_now", "crisis-schulden"),       # meals: power off, oxygen on a battery
    # pedicure: son-in-law holds the bank card; unsure live (a second, false cut-off ⚠),
    # confident since safety37 read the heating he switched off as no cut-off
    ("o17-03", "elder_abuse", "veilig-thuis"),
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its ⚠ line, its service first, confident."""
    assert_danger_first(_route(demo_router, qid), signal, service)


@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o17-07", "suicide", "crisisdienst-113"),   # dance teacher: saved pills, Saturday
])
def test_danger_first_but_unsure_offers_a_person(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """The ⚠ line and the safety service first, but not confident: live, the body said
    "Of er nog iets anders speelt, weet ik niet zeker" and offered `!baan mens`."""
    answer = _route(demo_router, qid)
    assert signal in signals(answer)
    assert top(answer, 1) == [service]
    assert not answer.confident


@pytest.mark.parametrize(("qid", "service"), [
    ("o17-10", "veilig-thuis"),  # internship: married off to a cousin this summer
    ("o17-11", "veilig-thuis"),  # PE teacher: a film of her undressing, come on Friday
    ("o17-13", "ggd-vangnet"),   # newspapers piling up, shutter down, cat at the window
    ("o17-14", "veilig-thuis"),  # English rider: squeezed her throat
])
def test_the_safety_service_comes_first(demo_router: Router, qid: str, service: str) -> None:
    """The right service first for these four; what the ⚠ line says is below."""
    assert top(_route(demo_router, qid), 1) == [service]


@pytest.mark.parametrize("qid", ["o17-15", "o17-16", "o17-18", "o17-19"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """Bruises from skating (explained), "ik schiet me nog eens voor mijn kop" over a
    bill (laughing), a few weeks on a friend's couch with a room next month, a tired
    mother after birth who sleeps well: no ⚠ and no caution, a fitting service first."""
    row = dict(QUESTIONS[qid])
    row["question"] = _q(qid)
    assert_near_miss_is_silent(demo_router, row)
    assert top(_route(demo_router, qid), 1)[0] in _fits(qid)


EVERYDAY_WORKS = [f"o17-{n}" for n in range(26, 41) if n not in (33, 38)]
#: Known misses, with their cause (strict: they must fail until fixed).
#: o17-32 (session 14, router29: bijstand over the jongerenloket for "A passenger, 23,")
#: passes since session 16 (ageband): the appositive "23" is read as his age, which
#: bijstand (27+) does not admit.
EVERYDAY_OPEN: dict[str, str] = {}


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=EVERYDAY_OPEN[q]))
    if q in EVERYDAY_OPEN else q for q in EVERYDAY_WORKS])
def test_everyday_questions_put_a_fitting_service_first(demo_router: Router, qid: str) -> None:
    """Dentist, optician (bt-zuidoost-geld first, Thuisadministratie second), English
    stay-at-home dad, imam (Thuisadministratie first, Schuldhulp third), estate agent,
    mediator, English taxi driver, thrift shop, notary's clerk, English yoga teacher,
    company doctor, house painter, launderette (stadsdeel Oost): a fitting service first,
    no ⚠ and no caution."""
    answer = _route(demo_router, qid)
    assert top(answer, 1)[0] in _fits(qid), top(answer)
    assert not signals(answer) and not caution(answer)


@pytest.mark.parametrize(("qid", "kind"), [
    ("o17-21", "bsn"), ("o17-22", "date"), ("o17-23", "email"), ("o17-24", "phone"),
    ("o17-25", "address")])
def test_personal_data_is_found_before_routing(qid: str, kind: str) -> None:
    """Live: all five refused (Dutch; the English one in English), nothing searched, and
    none of the needles in them was found afterwards in .busbaan/, the databases or the
    logs."""
    findings = parse_question(_q(qid), OUTSIDE.known).findings
    assert kind in [f.kind for f in findings]


# ---------------------------------------------- fixed by safety37 (session 14)
# Each was a strict xfail here; the causes and the fixes are in
# docs/notes/2026-12-12s14-safety37.md (probes in new words:
# tests/routing/test_probes_s14_safety37.py).

def test_a_delusion_with_danger_to_others_puts_the_crisis_service_first(
        demo_router: Router) -> None:
    """o17-08, window cleaner: tin foil on the windows, neighbours poisoning him through
    the socket, a flower pot thrown at people. Live: two ⚠ lines (partner violence and
    psychiatric crisis), Veilig Thuis first, the crisis service second, unsure. Now
    partner_violence gives way to the crisis that reads the same shouting (``yields_to``):
    one ⚠ line, the crisis service first."""
    answer = _route(demo_router, "o17-08")
    assert "partner_violence" not in signals(answer)
    assert top(answer, 1) == ["crisisdienst-113"]


def test_a_forced_marriage_abroad_is_read_as_honour_violence(demo_router: Router) -> None:
    """o17-10, internship supervisor: a trainee of 17 must go to her parents' village
    this summer to marry a cousin she has never seen; refuse and the family casts her
    out. Live: Veilig Thuis first (right), the child-abuse ⚠ line. Now her refusal "als
    ze weigert" is read with "moet ... trouwen", and the child-abuse reading of the same
    "verstoot" gives way: the forced-marriage line, not the child-abuse one."""
    answer = _route(demo_router, "o17-10")
    assert signals(answer) == ["honour_violence"]
    assert top(answer, 1) == ["veilig-thuis"]


def test_sextortion_of_a_minor_is_read_as_sexual_violence(demo_router: Router) -> None:
    """o17-11, PE teacher: a boy has a film of a girl of 14 undressing and sends it to
    the class unless she comes to his house on Friday. Live: Veilig Thuis first, the
    child-abuse line ("niet naar zijn huis" read as a child who will not go home). Now
    the film, the undressing and the threat are sexual violence, and "naar zijn huis" is
    someone's house."""
    answer = _route(demo_router, "o17-11")
    assert signals(answer) == ["sexual_violence"]
    assert top(answer, 1) == ["veilig-thuis"]


def test_an_unseen_neighbour_gets_the_warning(demo_router: Router) -> None:
    """o17-13, newspaper deliverer: four days of papers in the letterbox of an older
    lady, her shutter has not gone up, her cat cries behind the window. Live: "Ik weet
    het niet zeker", Vangnet first, no ⚠ (the first thing to do is 112). Now the shutter
    that no longer goes up, with the papers and the time, is the signal."""
    answer = _route(demo_router, "o17-13")
    assert signals(answer) == ["unseen_person"]
    assert top(answer, 1) == ["ggd-vangnet"]


def test_strangulation_in_english_gets_the_warning(demo_router: Router) -> None:
    """o17-14, food-delivery rider: bloody nose, red marks on her neck, 'he squeezed my
    throat, please send someone', a man shouting inside."""
    assert_danger_first(_route(demo_router, "o17-14"), "partner_violence", "veilig-thuis")


def test_heating_turned_off_by_a_relative_is_no_supplier_cut_off(demo_router: Router) -> None:
    """o17-03, pedicure: elder abuse (right, first), plus a cut-off that is not one: the
    heating switched off at home is no supplier's cut-off."""
    answer = _route(demo_router, "o17-03")
    assert signals(answer) == ["elder_abuse"]
    assert top(answer, 1) == ["veilig-thuis"]


@pytest.mark.xfail(strict=True, reason=(
    "since s43-s46 are examples (session 19; no single set's removal fixes it): the nearest "
    "examples are Veilig Thuis's child-maltreatment dangers, so the ⚠ child_maltreatment "
    "comes from the examples (cue 'examples') on Veilig Thuis, first already (856)"))
def test_a_black_eye_from_sparring_raises_no_alarm(demo_router: Router) -> None:
    """o17-20, boxing trainer: a black eye from a sparring match he watched; the mother
    cannot pay the club fee. Sparring is now a sport that explains the injury. (Veilig
    Thuis still ranks first on its words "oog, blauw, jongen, moeder, thuis": ranking,
    not the safety file.)"""
    row = dict(QUESTIONS["o17-20"])
    row["question"] = _q("o17-20")
    assert_near_miss_is_silent(demo_router, row)


def test_a_temporary_move_for_renovation_raises_no_caution(demo_router: Router) -> None:
    """o17-17, a tenant of 80: six weeks out of the house for a renovation, "ze noemen
    het een tijdelijke ontruiming". Ouderenadviseur first (right)."""
    assert not caution(_route(demo_router, "o17-17"))


def test_no_food_at_the_end_of_the_month_is_no_neglect(demo_router: Router) -> None:
    """o17-33, supermarket cashier: a regular customer with three children puts
    groceries back; at the end of the month there is no food in the house."""
    answer = _route(demo_router, "o17-33")
    assert not signals(answer)
    assert top(answer, 1) == ["voedselbank"]


@pytest.mark.xfail(strict=True, reason=(
    "no signal and no caution, yet Veilig Thuis comes first (824, 'partner, advies, vertelde')"
    " with confidence 439; Verslavingszorg (819, 'stoppen, avond, advies, partner, wijn') second:"
    " the ranker's evidence (the asker's role 'partner' and 'advies' are Veilig Thuis's"
    " words), not the safety file; safety37 left it to the ranking"))
def test_a_partner_asking_about_a_drinker_gets_addiction_care_first(
        demo_router: Router) -> None:
    """o17-38, music teacher: a pupil's mother says her husband empties a bottle of wine
    every evening and cannot stop; where can she get advice as his partner?"""
    assert top(_route(demo_router, "o17-38"), 1) == ["verslavingszorg"]
