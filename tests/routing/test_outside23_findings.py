"""outside23 (session 19): the wegwijzer as its users meet it (`make dev`, encrypted direct
chats with @wegwijzer from a plain encrypting nio client in its own process; six
professionals at once, each in a new direct chat, five questions each; then one chat with
`!baan mens`, `!baan 1`, personal data, empty, emoji and enormous input; a burst of 40
messages; a case room's invite refused by the homeserver). The 30 questions are in six
voices outside22 did not use — a school attendance officer, a pharmacist, a collection
agency's call-centre worker, a housing corporation's caretaker, a food-bank volunteer and
a GP assistant on the phone — written from the shared map alone and committed before any
answer was seen (docs/notes/outside23-questions.jsonl, 5d6d98a), replayed here at router
level on the shipped demo map (the bot gave these same top 3s live) and, where said, on
the benchmark map.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). Built on this branch: a question the router cannot read ends with "Is er direct
gevaar? Bel 112." (busbaan.routing.router.UNREADABLE_DANGER; live in
tests/wegwijzer/test_wegwijzer_outside23.py). See docs/notes/2026-12-17s19-outside23.md.
"""

from __future__ import annotations

import pytest
from routing_testdata import (
    OutsideQuestions,
    assert_danger_first,
    assert_near_miss_is_silent,
    caution,
    signals,
    top,
)

from busbaan.errors import UsageError
from busbaan.routing import Router
from busbaan.routing.router import UNREADABLE_DANGER

OUTSIDE = OutsideQuestions.of("outside23")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """30 questions in six voices (five each): 10 dangers told in everyday words over 10
    families, 5 near misses, 8 ordinary, 5 with personal data (a BSN, a name, a phone
    number, an address, an English name with a birth date), one in Turkish and one wholly
    in Arabic script (both dangers); 5 in English; some with typos."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 30
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "danger": 10, "near": 5, "ordinary": 8, "personal": 5, "other-language": 2}
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 10
    assert sorted({row["voice"] for row in rows}) == sorted([
        "leerplichtambtenaar", "apotheker", "callcentermedewerker incassobureau",
        "huismeester woningcorporatie", "vrijwilliger voedselbank",
        "doktersassistente aan de telefoon"])
    assert sorted(row["lang"] for row in rows).count("en") == 5
    assert {row["lang"] for row in rows} == {"nl", "en", "tr", "ar"}
    assert sum("typos" in row["tags"] for row in rows) >= 5
    assert sorted(row["expect_refusal"] for row in rows if row.get("expect_refusal")) == [
        "address", "bsn", "name", "name", "phone"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o23-01", "child_maltreatment", "veilig-thuis"),  # attendance: round burns, startles
    ("o23-02", "honour_violence", "veilig-thuis"),     # attendance: taken abroad to marry
    ("o23-06", "overdose", "crisisdienst-113"),        # pharmacist (en): pills and vodka
    ("o23-07", "unseen_person", "ggd-vangnet"),        # pharmacist: insulin not collected
    ("o23-16", "psychiatric_crisis", "crisisdienst-113"),  # caretaker: foil, rays, a knife
    ("o23-17", "eviction_cutoff", "crisis-schulden"),  # caretaker: the bailiff on Thursday
    ("o23-26", "partner_violence", "veilig-thuis"),    # GP assistant: locked in, split lip
    ("o23-27", "sexual_violence", "veilig-thuis"),     # GP assistant (en): too drunk to move
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its ⚠ line, its service first, confident."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


def test_put_out_by_her_boyfriend_with_nowhere_to_sleep_gets_the_shelter_first(
        demo_router: Router) -> None:
    """o23-21 (food bank): a mother with two children, put out on the street this morning,
    a night in the station: the homeless_tonight ⚠ and the shelter's access first (see the
    xfail below for the second ⚠)."""
    answer = OUTSIDE.routed(demo_router, "o23-21")
    assert "homeless_tonight" in signals(answer)
    assert top(answer, 1) == ["opvang-toegang"]


#: Session 23: o23-28 (the exhausted carer of 80) fails since s61's questions are
#: examples (it passes with asked-heldout59..62 left out, and without asked-heldout61
#: alone: the elderly advisor 829, Veilig Thuis 827): Veilig Thuis first (835), GGD
#: Vangnet second (830), the elderly advisor third (827), no ⚠ and no caution.
DRIFT23 = {"o23-28": ("since s61's questions (those who care for someone) are examples "
                      "(session 23; it passes without asked-heldout61): the exhausted carer "
                      "of 80 who 'is op' gets Veilig Thuis first (835) with no signal, GGD "
                      "Vangnet second (830), the elderly advisor, the key's service, third "
                      "(827)")}
ORDINARY_WORKS = ["o23-04", "o23-08", "o23-12", "o23-18", "o23-22", "o23-28", "o23-29"]


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=DRIFT23[q]))
    if q in DRIFT23 else q for q in ORDINARY_WORKS])
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Attendance (17, left mbo without a diploma), pharmacist (86, forgets her pills),
    collection agency (many creditors, unopened post; typos), caretaker (a wheelchair and a
    bath; typos), food bank (a new residence permit, wants Dutch), GP assistant (an
    exhausted carer of 80; low mood after losing his job): a service of the answer key
    first, no ⚠, no caution."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer) and not caution(answer)


@pytest.mark.parametrize("qid", ["o23-03", "o23-09", "o23-14", "o23-25"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """"Ik spring nog liever van het dak dan dat ik naar wiskunde ga" (laughed, in class);
    "he'll take the whole box" of sleeping pills, said laughing; "jullie maken me nog
    helemaal kapot met die brieven", laughing; "we gaan dood van de honger hoor", laughing:
    no ⚠, no caution (o23-19 is an xfail below)."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


@pytest.mark.parametrize(("qid", "kinds"), [
    ("o23-05", {"name"}), ("o23-10", {"name", "date"}), ("o23-15", {"bsn"}),
    ("o23-20", {"address"}), ("o23-30", {"phone"})])
def test_personal_data_is_found_before_routing(qid: str, kinds: set[str]) -> None:
    """Live: all five refused, each for its own kind (the English one in English), and
    `!baan 1` after a refusal got BB_NO_ANSWER. None of the needles was found afterwards in
    .busbaan/ or the console logs."""
    found = set(OUTSIDE.found(qid))
    assert kinds <= found, found


@pytest.mark.parametrize(("qid", "errcode"), [("o23-23", "BB_LANGUAGE"),
                                              ("o23-24", "BB_NO_WORDS")])
def test_a_danger_the_router_cannot_read_points_to_112(
        demo_router: Router, qid: str, errcode: str) -> None:
    """o23-23 (Turkish: her son takes her pension and pushes her) and o23-24 (wholly
    Arabic: her husband beats her every night): the safety signals read only Dutch and
    English, so both are refused; each refusal ends, in both languages, with the one line
    the lead decided on (UNREADABLE_DANGER)."""
    with pytest.raises(UsageError) as err:
        demo_router.route(OUTSIDE.text(qid), {})
    assert err.value.errcode == errcode
    assert err.value.message("nl").endswith("\nIs er direct gevaar? Bel 112.")
    assert err.value.message("en").endswith("\nIn immediate danger? Call 112.")
    assert UNREADABLE_DANGER == ("Is er direct gevaar? Bel 112.",
                                 "In immediate danger? Call 112.")


# ------------------------------------------------------------------ what does not

@pytest.mark.xfail(strict=True, reason=(
    "o23-11 (collection agency's caller, high): 'hij heeft zijn spullen geregeld, brieven "
    "geschreven voor zijn kinderen, en \"vrijdag ben ik niemands probleem meer\"', then he "
    "hung up: no ⚠ on either map, unsure; Ouder- en Kindteam, WSNP, raadslieden first on "
    "'brieven, kinderen, geregeld, niemands' (benchmark map: eenzaamheid). No suicide cue "
    "reads letters written for his children (only 'afscheidsbrieven': live, the same caller "
    "with that word got the ⚠), affairs put in order, or 'niemands probleem meer' (being "
    "no one's burden after a day named)."))
def test_letters_for_his_children_and_no_ones_problem_by_friday_is_suicide(
        demo_router: Router, router: Router) -> None:
    for each in (demo_router, router):
        assert "suicide" in signals(OUTSIDE.routed(each, "o23-11"))


@pytest.mark.xfail(strict=True, reason=(
    "o23-19 (caretaker, near miss): an old woman's 'ik vermoord mijn man nog eens, hij zet "
    "de verwarming elke dag op 23 graden', of a husband of 50 happy years ('gelukkig "
    "getrouwd hoor'), asking for an energy coach: partner_violence ⚠ (cue 'mijn man + "
    "vermoorden'), Veilig Thuis first on both maps. The jest reader needs a joke cue "
    "(grap, lachend, bij wijze van spreken); hyperbole told by 'nog eens' and a trivial "
    "reason (the thermostat) reads as a threat."))
def test_i_will_kill_my_husband_over_the_thermostat_is_no_partner_violence(
        demo_router: Router, router: Router) -> None:
    for each in (demo_router, router):
        assert not signals(OUTSIDE.routed(each, "o23-19"))


@pytest.mark.xfail(strict=True, reason=(
    "o23-21 (food bank): 'haar vriend heeft vanochtend haar spullen op straat gezet en de "
    "sleutel afgepakt' gets, beside the right homeless_tonight ⚠, an eviction_cutoff one "
    "('een ontruiming of afsluiting dreigt binnen enkele dagen', cue 'sleutel af + "
    "vandaag'): the key taken by a partner read as a landlord changing the locks. Two "
    "desks, so the answer is 'not sure' (as outside22's o22-10, 'uitzetten' read as an "
    "eviction)."))
def test_a_key_taken_by_her_boyfriend_is_no_eviction(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o23-21")
    assert "eviction_cutoff" not in signals(answer)
    assert answer.confident


@pytest.mark.xfail(strict=True, reason=(
    "o23-13 (collection agency's caller, en): a self-employed painter with almost no work "
    "since the winter who cannot pay his living costs, asking for support for freelancers: "
    "on the demo map Wmo begeleiding thuis first on 'self employed, freelancers, support' "
    "(the demo map has no Bbz; bijstand is second). English 'self-employed' reaches a "
    "service for adults with a psychiatric condition at home."))
def test_a_self_employed_painter_without_work_is_no_case_for_support_at_home(
        demo_router: Router) -> None:
    assert top(OUTSIDE.routed(demo_router, "o23-13"), 1) == ["bijstand"]


@pytest.mark.xfail(strict=True, reason=(
    "o23-14 (collection agency's caller, near miss): arrears with the health insurer, a "
    "payment arrangement wanted, short every month: Thuisadministratie, Budgetbeheer, "
    "Kwijtschelding on 'zorgverzekering, brieven, achterstand, betalingsregeling'; "
    "Schuldhulpverlening is not in the top 3 on either map (benchmark map: Vroeg Eropaf, "
    "betalingsregeling gemeentelijke belastingen, toeslagen)."))
def test_arrears_and_short_every_month_find_debt_counselling(demo_router: Router) -> None:
    assert "schuldhulp" in top(OUTSIDE.routed(demo_router, "o23-14"))


@pytest.mark.xfail(strict=True, reason=(
    "o23-25 (food-bank volunteer, near miss): a father at the food bank whose money runs "
    "out in the third week and who leaves bills unpaid, asking how to budget: the Voedselbank "
    "first on 'honger, eten, geld' (the very place the asker stands in; 'dood van de honger' "
    "said laughing); on the benchmark map no budgeting or debt service in the top 3 "
    "(voedselbank, scholierenvergoeding, beschermingsbewind)."))
def test_a_father_at_the_food_bank_who_cannot_budget_finds_money_help(
        demo_router: Router, router: Router) -> None:
    assert top(OUTSIDE.routed(demo_router, "o23-25"), 1)[0] != "voedselbank"
    assert set(top(OUTSIDE.routed(router, "o23-25"))) & {
        "shm-schuldhulpmaatje", "shv-schuldhulpverlening", "shv-budgetbeheer"}
