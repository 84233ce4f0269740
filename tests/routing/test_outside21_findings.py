"""outside21 (session 17): the wegwijzer as its users meet it (`make dev`, encrypted direct
chats with @wegwijzer from a plain encrypting nio client in its own process; five
professionals at once, each in a new direct chat, six questions each, twice; then single
chats with lanes, `!baan mens`, `!goed`/`!fout`, Element edits and replies, huge, empty and
other-script input, room state written into the chat, a third person in it). The 30
questions are in voices no outside check used before — a football referee, a school cook,
a night-shop owner, a mail sorter, a meter reader, a student doctor, a ferry skipper, a
fairground operator, an ice-cream parlour owner, a bike-rental clerk, a tow-truck driver,
a car-park manager, a bouncy-castle renter, a butcher, a roofer, a car-wash worker, a
cemetery keeper, a bingo host, a pawnshop clerk, a solar-panel installer, a site foreman,
a sailing instructor, an antiquarian bookseller, a harbour master, a bicycle-park keeper, a
gold buyer, a sports-club canteen keeper, a cheese seller, a bridge operator and a wine
merchant — written and committed before any answer was seen
(docs/notes/outside21-questions.jsonl, a38c391) and replayed here at router level on the
shipped demo map: the bot gave these same top 3s for all 25 questions it routed, in both
passes.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). The router, the safety file and the personal-data check are not mine to change:
reported, not fixed. See docs/notes/2026-12-15s17-outside21.md.
"""

from __future__ import annotations

import re

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

OUTSIDE = OutsideQuestions.of("outside21")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """30 questions: 10 dangers described, not named, over 10 of the 12 families; 15
    ordinary (3 of them near misses); 5 with personal data (a BSN, a name with a birth date
    twice, an address, a spaced BSN with an address and postcode); 30 voices; 5 in English;
    each with its answer key on the demo map and on the shared map."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 30
    assert (kinds.count("danger"), kinds.count("ordinary") + kinds.count("near"),
            kinds.count("near"), kinds.count("personal")) == (10, 15, 3, 5)
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 10
    assert len({row["voice"] for row in rows}) == 30
    assert sum(row["lang"] == "en" for row in rows) == 5
    assert all(row["first"] and row["expected"] and row["expected_shared"] for row in rows)
    assert [row["expect_refusal"] for row in rows if row.get("expect_refusal")] == [
        "bsn", "name", "address", "name", "bsn"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o21-01", "partner_violence", "veilig-thuis"),   # referee: throat, phone searched
    ("o21-03", "elder_abuse", "veilig-thuis"),        # night shop: grandson locks him in
    ("o21-04", "homeless_tonight", "opvang-toegang"),  # mail sorter: building locks tonight
    ("o21-05", "eviction_cutoff", "crisis-schulden"),  # meter reader: bailiff on Thursday
    ("o21-06", "suicide", "crisisdienst-113"),        # student doctor: pills saved, letters
    ("o21-07", "psychiatric_crisis", "crisisdienst-113"),  # ferry: satellites, a voice
    ("o21-09", "sexual_violence", "veilig-thuis"),    # ice-cream parlour: storage room
    ("o21-10", "unseen_person", "ggd-vangnet"),       # bike rental (en): a week unseen
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its ⚠ line, its service first, confident."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


def test_an_overdose_in_english_gets_its_warning_and_113_first(demo_router: Router) -> None:
    """o21-08, fairground operator: a lad who swallowed a strip of his mum's pills, now
    sweating, slurred, nodding off: the ⚠ (call 112) and 113 first (see the xfail below
    for the "not sure")."""
    answer = OUTSIDE.routed(demo_router, "o21-08")
    assert "overdose" in signals(answer)
    assert top(answer, 1) == ["crisisdienst-113"]


ORDINARY_WORKS = ["o21-11", "o21-12", "o21-13", "o21-14", "o21-15", "o21-16", "o21-17",
                  "o21-18", "o21-19", "o21-20", "o21-22", "o21-23", "o21-24"]


@pytest.mark.parametrize("qid", ORDINARY_WORKS)
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Tow-truck driver (arrears in Noord), car park (a mobility scooter), bouncy castles
    (letters she cannot read), butcher (an empty fridge), roofer (heating off for fear of
    the bill: no cut-off), car wash (a drop-out of 19), cemetery (a widow's post), bingo (a
    lonely widower), pawnshop (debts), solar panels (childcare allowance back), sailing
    (parenting advice), bookseller ("doodwerkt" at forms), harbour master (a mooring that
    ends in two months): a service of the answer key first, no ⚠, no caution."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer) and not caution(answer)


@pytest.mark.parametrize("qid", ["o21-15", "o21-23", "o21-24", "o21-25"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """Heating off by his own choice; "zich doodwerken" at forms; a home lost in two
    months, not tonight; party pills he wants to stop: no ⚠, no caution."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


@pytest.mark.parametrize(("qid", "kinds"), [
    ("o21-26", {"bsn"}), ("o21-27", {"name", "date"}), ("o21-28", {"address"}),
    ("o21-29", {"name", "date"}), ("o21-30", {"bsn", "address", "postcode"})])
def test_personal_data_is_found_before_routing(qid: str, kinds: set[str]) -> None:
    """Live: all five refused (the English one in English), each for its own kind, nothing
    searched; none of their needles was found afterwards in .busbaan/'s busbaan files, its
    databases or the console log."""
    found = set(OUTSIDE.found(qid))
    assert kinds <= found, found


# ------------------------------------------------------------------ what does not

def test_a_child_seen_every_morning_is_not_an_unseen_person(demo_router: Router) -> None:
    """o21-02 (school cook): a boy of 8 who comes to the kitchen every morning gets the
    child_maltreatment ⚠ alone, and a sure answer. Found as a strict xfail (unseen_person
    read 'niemand + zien + week + niemand thuis': "niemand" from the door sign "niemand
    thuis" and "zien" from "Vandaag zag ik" in another sentence); since session 18
    (outside21x) "niemand" and "gezien" are one cue, read in one clause."""
    answer = OUTSIDE.routed(demo_router, "o21-02")
    assert signals(answer) == ["child_maltreatment"]
    assert_danger_first(answer, "child_maltreatment", "veilig-thuis")


def test_an_old_man_locked_in_by_his_grandson_is_no_child_in_danger(
        demo_router: Router) -> None:
    """o21-03 (night shop): a man of 84 whose grandson 'de jongen' locks him in his room
    gets the elder_abuse ⚠ only: in 'dat de jongen hem ... opsluit' the boy is the one who
    locks (session 18, falsewarn: a noun right before an object pronoun is the subject of
    the cue's verb; it was a strict xfail)."""
    assert "child_maltreatment" not in signals(OUTSIDE.routed(demo_router, "o21-03"))


def test_the_why_never_says_an_age_fits_a_range_it_is_outside(demo_router: Router) -> None:
    """o21-02: no 'Waarom' says 'leeftijd 8 past (18+)'. Found as a strict xfail (GGD
    Vangnet, listed by a safety signal); since session 18 (outside21x) Router._why names
    the age only when the service admits it."""
    for result in OUTSIDE.routed(demo_router, "o21-02").results:
        for low, high in re.findall(r"leeftijd 8 past \((\d+)(?:–(\d+) jaar|\+)\)",
                                    result.why):
            assert int(low) <= 8 and (not high or int(high) >= 8), result.why


@pytest.mark.parametrize(("age", "lang", "shown"), [
    (8, "nl", ""), (8, "en", ""), (30, "nl", "leeftijd 30 past (18+)"),
    (30, "en", "age 30 fits (18+)")])
def test_the_why_names_an_age_only_when_the_service_admits_it(
        age: int, lang: str, shown: str) -> None:
    """Session 18 (outside21x): an adults' service listed for a child (by a safety
    signal) does not say the child's age fits; an age inside the range still does."""
    from busbaan.routing.context import Person
    from busbaan.routing.model import Service

    service = Service(id="s", organization_id="o", name="S", minimum_age=18)
    assert Router._why(service, [], Person(leeftijd=age), lang) == shown


@pytest.mark.xfail(strict=True, reason=(
    "o21-08 (en): the overdose ⚠ and 113 first, but 'not sure' (confidence 287): a "
    "one-desk safety answer is confident only when the question's own words give 113 "
    "enough (Tuning.safety_confident_share); they read 'keeps' for 113, and 'energy' "
    "(of 'energy drink') puts the energy coach second."))
def test_an_overdose_in_english_is_answered_sure(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o21-08")
    assert_danger_first(answer, "overdose", "crisisdienst-113")
    assert "energiecoach" not in top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "o21-25 (bicycle park): a student of 22 who takes pills at parties every weekend, no "
    "longer gets out of bed and wants to stop: Jongerenloket first on 'studie, stoppen, "
    "student', Budgetbeheer second on 'stoppen, beheer', Verslavingszorg third on 'slikt, "
    "pillen'. Ranking: 'stoppen' is read as leaving school, not as quitting the pills."))
def test_party_pills_he_wants_to_quit_go_to_addiction_care_first(
        demo_router: Router) -> None:
    assert top(OUTSIDE.routed(demo_router, "o21-25"), 1) == ["verslavingszorg"]


@pytest.mark.xfail(strict=True, reason=(
    "o21-21 (site foreman): a carpenter sick for ten months after a fall from scaffolding, "
    "facing a WIA assessment: Bijstand, Schuldhulp, and Veilig Thuis third on 'viel, "
    "vorig' (a fall read as violence); the demo map has no UWV service, and the Sociaal "
    "raadslieden, who explain such decisions, are not in the top 3."))
def test_a_fall_at_work_is_no_matter_for_veilig_thuis(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o21-21")
    assert "veilig-thuis" not in top(answer)
    assert any(s in OUTSIDE.fits("o21-21") for s in top(answer))


def test_a_danger_typed_with_cyrillic_look_alikes_gets_its_warning(
        demo_router: Router) -> None:
    """Another script (live, outside21 pass 2): 'Mijn cliënte wordt door hааr mаn
    geslаgen' with Cyrillic 'а' for the Latin 'a'. Found as a strict xfail (the router
    drops the Cyrillic letters, 'past bij: geslgen, niet nr huis', so no safety cue
    reads); passes since the merge of s17-dangerknn: the question's nearest examples are
    Veilig Thuis's partner-violence dangers, so the ⚠ is raised from them. Look-alike
    letters (Unicode confusables) are still not folded before reading."""
    answer = demo_router.route("Mijn cliënte wordt door h\u0430\u0430r m\u0430n "
                               "gesl\u0430gen en ze durft niet n\u0430\u0430r huis.")
    assert "partner_violence" in signals(answer)


# fixed in s17-bsnsep (busbaan.privacy._DIGIT_RUN: any short run of non-alphanumerics)
@pytest.mark.parametrize("sep", ["\t", "\n", "  ", "/", "_", "–"])
def test_a_bsn_with_other_separators_is_found(sep: str) -> None:
    text = f"Cliënt met bsn 839{sep}958{sep}912 heeft schulden, waar kan hij heen?"
    assert "bsn" in [f.kind for f in parse_question(text).findings]
