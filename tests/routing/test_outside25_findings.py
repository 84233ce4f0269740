"""outside25 (session 21): the wegwijzer as its users meet it (`make dev`, encryption on,
encrypted direct chats with @wegwijzer from a plain matrix-nio client in its own process;
five people at once, each in a new direct chat; then `!baan mens`, `!goed`, `!fout`,
`!baan 2`, `!lane human`, `!wrong`; a voice note, a photo and a PDF; bursts of 33; the
stack stopped 0.15 s after a question and started again). The 36 questions are in five
voices — a wijkteam worker, a GP's assistant, a teacher, a debt counsellor and an
English-speaking colleague — written before any answer was seen
(docs/notes/outside25-questions.jsonl, 2212fde). New ways to tell a danger: as **one
item in a list** (an intake list, a status list, a home-visit checklist, a to-do list),
in a child's words, as a counter question about handing over medication, in
professional shorthand, a quoted text message, after 112 was already called, and very
short; beside them near misses (a guest lesson on domestic violence, a bailiff but "geen
ontruiming of afsluiting", a planned gas-meter swap), English, Ukrainian, a made-up name
with a BSN that passes the elfproef, and a name alone. Replayed here at router level on
the shipped demo map: the bot gave these same top 3s live for all 33 questions it routed
(o25-05 with the day it was asked, 2026-12-07, as the bot passes it).

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). The router and the safety file are not changed here. See
docs/notes/2026-12-19s21-outside25.md.
"""

from __future__ import annotations

import datetime as dt

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

OUTSIDE = OutsideQuestions.of("outside25")
ASKED = dt.date(2026, 12, 7)  # the day the questions were asked live (the bot's clock)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """36 questions in five voices: 19 dangers over all 12 families (4 of them one item in
    a list), 7 near misses, 7 ordinary, 10 in English, and bad input (Ukrainian, a name
    with a BSN, a name)."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 36
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "danger": 19, "near": 7, "ordinary": 7, "bad": 3}
    assert len({row["safety"] for row in rows if row["safety"]}) == 12
    assert sum(row["how"] == "list" for row in rows) == 4
    assert len({row["voice"] for row in rows}) == 5
    assert sum(row["lang"] == "en" for row in rows) == 10
    assert [row["expect_refusal"] for row in rows if row["expect_refusal"]] == [
        "no_words", "bsn", "name"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o25-01", "partner_violence", "veilig-thuis"),   # debt intake list, item 3: pushed
    ("o25-03", "elder_abuse", "veilig-thuis"),        # GP counter: the daughter locks her in
    ("o25-07", "suicide", "crisisdienst-113"),        # status list, item 3: a rope, a letter
    ("o25-09", "overdose", "crisisdienst-113"),       # (en) a strip of sleeping pills
    ("o25-10", "honour_violence", "veilig-thuis"),    # (en) married off in Morocco
    ("o25-13", "partner_violence", "veilig-thuis"),   # (en) a quoted text: "he choked me"
    ("o25-14", "child_maltreatment", "veilig-thuis"),  # checklist: toddlers home alone
    ("o25-15", "suicide", "crisisdienst-113"),        # (en) very short: cut her arms
    ("o25-18", "overdose", "crisisdienst-113"),       # fragments, 112 already called
    ("o25-19", "honour_violence", "veilig-thuis"),    # "de prijs zal betalen"
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_told_in_a_list_in_shorthand_or_quoted_comes_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told as one item of a list, in a quoted text, very short or in English: its
    ⚠ line, its service first, confident (live: the ⚠ line first, the service first)."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o25-04", "homeless_tonight", "opvang-toegang"),  # (en) 19yo evicted this morning
    ("o25-06", "cutoff_now", "crisis-schulden"),       # the water cut off three days ago
    ("o25-16", "eviction_cutoff", "crisis-schulden"),  # (en) power cut next Tuesday, oxygen
])
def test_a_danger_with_a_second_warning_still_has_its_own_and_its_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Its own ⚠ and its service first (the second ⚠ each got is an xfail below)."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert signal in signals(answer)
    assert top(answer, 1) == [service]


@pytest.mark.parametrize("qid", ["o25-07", "o25-09", "o25-15", "o25-18"])
def test_the_112_line_stands_where_life_is_at_stake(demo_router: Router, qid: str) -> None:
    """A rope and a farewell letter, a strip of sleeping pills, cut arms, blue lips with a
    syringe: the ⚠ line itself names 112."""
    assert "112" in OUTSIDE.routed(demo_router, qid).safety[0].why


def test_an_eviction_five_weeks_ahead_is_a_caution_with_its_service_first(
        demo_router: Router) -> None:
    """o25-05 (debt counsellor, shorthand): "Vonnis is binnen, ontruiming gepland op 14
    januari", asked on 7 December: live a caution ("Als er sprake is van gevaar …"), not
    a ⚠, with crisis-schulden first and unsure. By design: an eviction 38 days ahead is
    no eviction within days (safety.later_than). Without the day the cue that fires is
    'ontruiming + binnen', where "binnen" is "the verdict is in", not "within" (noted)."""
    from busbaan.wegwijzer import parse_question

    question = parse_question(OUTSIDE.text("o25-05"), OUTSIDE.known)
    answer = demo_router.route(question.text, question.context, today=ASKED)
    assert not signals(answer)
    assert "eviction_cutoff" in caution(answer)
    assert top(answer, 1) == ["crisis-schulden"]


NEAR_MISSES = ["o25-22", "o25-23", "o25-24", "o25-26"]


@pytest.mark.parametrize("qid", NEAR_MISSES)
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """Sleeping pills and grief, homeless for years but housed since spring (en), siblings
    who quarrel, three weeks sick at home and reported: no ⚠, no caution."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


ORDINARY_WORKS = ["o25-22", "o25-23", "o25-24", "o25-26", "o25-27", "o25-28", "o25-30",
                  "o25-31", "o25-32", "o25-33"]


@pytest.mark.parametrize("qid", ORDINARY_WORKS)
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """The four silent near misses and six ordinary questions (a self-employed debtor,
    welfare (en), reading and writing, post and bills in Oost, a stairlift (en), and the
    one word "voedselpakket?"): a service of the answer key first, no ⚠."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer)


def test_ukrainian_is_refused_with_the_112_line(demo_router: Router) -> None:
    """o25-34, a neighbour not seen for a week, in Ukrainian: no words read; live the
    refusal offered `!baan mens` ("je vraag gaat niet mee") and ended with the 112 line,
    and `!baan mens` then opened a lane to the triage desk without the question."""
    with pytest.raises(UsageError) as err:
        demo_router.route(OUTSIDE.text("o25-34"), {})
    assert err.value.errcode == "BB_NO_WORDS"
    assert err.value.message("nl").endswith("\nIs er direct gevaar? Bel 112.")


def test_a_name_with_a_bsn_and_a_name_alone_are_found_before_routing() -> None:
    """o25-35 ("Mw. Ravenna Kloppenburg, BSN 730461282", elfproef-valid) and o25-36
    ("meneer Ottokar Wijnberghe"): refused live ("Je vraag lijkt een BSN en een naam / een
    naam te bevatten … niets bewaard"); neither the names nor the BSN were found afterwards
    in .busbaan/, the console logs or /metrics."""
    assert {"bsn", "name"} <= set(OUTSIDE.found("o25-35"))
    assert "name" in OUTSIDE.found("o25-36")


# ------------------------------------------------------------------ what does not (yet)


def test_a_patient_who_hears_rays_through_the_wall_is_a_psychiatric_crisis(
        demo_router: Router) -> None:
    """o25-08: rays sent through the wall (a delusion, as gas or poison through the wall)
    with a threat is a psychiatric crisis, and "dreigt de ruiten in te slaan" is smashing
    windows ("inslaan": the particle before "te"), no partner's blows (session 22, cues;
    a strict xfail before)."""
    assert signals(OUTSIDE.routed(demo_router, "o25-08")) == ["psychiatric_crisis"]
    assert_danger_first(OUTSIDE.routed(demo_router, "o25-08"), "psychiatric_crisis",
                        "crisisdienst-113")


def test_a_toddler_who_must_sleep_in_a_locked_cupboard_is_child_maltreatment(
        demo_router: Router) -> None:
    """o25-02: a child who must sleep in a cupboard with a lock when she cries is shut in
    as a punishment (NJi signal list), told without "opgesloten" (session 22, cues; a
    strict xfail before)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o25-02"), "child_maltreatment",
                        "veilig-thuis")


def test_a_boy_of_16_paid_in_weed_for_things_in_a_car_is_child_exploitation(
        demo_router: Router) -> None:
    """o25-11: a minor given drugs by an older man for unnamed acts is the grooming the
    safety file reads as child_maltreatment (a minor, a much older man, gifts: money,
    presents, and now in kind, Sr 248a), with Veilig Thuis first. The row's label says
    sexual_violence; both families send to Veilig Thuis, and for an exploited minor the
    Meldcode's route (Veilig Thuis, child protection) is what a professional expects,
    not the Centrum Seksueel Geweld's 7 days (session 22, cues; a strict xfail before)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o25-11"), "child_maltreatment",
                        "veilig-thuis")


def test_a_client_who_stopped_coming_with_his_post_piling_up_is_unseen(
        demo_router: Router) -> None:
    """o25-12: a phone switched off is not answering (as voicemail is), and with the
    routine that stopped ("komt altijd") and two weeks it is someone possibly helpless at
    home (session 22, cues; a strict xfail before)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o25-12"), "unseen_person",
                        "ggd-vangnet")


@pytest.mark.xfail(strict=True, reason=(
    "o25-17 (wijkteam, to-do list): 'zij en haar zoontje van 6 slapen vannacht in de auto, "
    "haar ex heeft haar eruit gezet' gets the homeless_tonight ⚠ in its minors form ('Een "
    "minderjarige zonder slaapplek hoort niet in de opvang voor volwassenen') and Veilig "
    "Thuis first: the son's age (6) is read as the person's age, though his mother is with "
    "him; and a second ⚠, eviction_cutoff, on 'eruit zetten + morgen' ('Drie dingen voor "
    "morgen' dates an eviction that already happened)"))
def test_a_mother_and_her_son_sleeping_in_the_car_go_to_shelter_access(
        demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o25-17")
    assert signals(answer) == ["homeless_tonight"]
    assert top(answer, 1) == ["opvang-toegang"]


def test_an_eviction_this_morning_is_no_eviction_days_away(demo_router: Router) -> None:
    """o25-04 (en, very short): '19yo evicted this morning, nowhere to sleep tonight' is
    homeless_tonight only: the eviction told with "this morning" has happened (session
    23, xfails; a strict xfail before)."""
    assert signals(OUTSIDE.routed(demo_router, "o25-04")) == ["homeless_tonight"]


def test_water_off_for_three_days_is_a_cut_off_now_only(demo_router: Router) -> None:
    """o25-06 (teacher, at the gate): 'al drie dagen geen water … omdat het is afgesloten'
    is cutoff_now only: "al drie dagen" says how long, not when (session 23, xfails; a
    strict xfail before)."""
    assert signals(OUTSIDE.routed(demo_router, "o25-06")) == ["cutoff_now"]


def test_power_to_be_cut_next_tuesday_is_not_cut_already(demo_router: Router) -> None:
    """o25-16 (en, oxygen at home): 'power will be cut off next Tuesday' is eviction_cutoff
    only: "will be cut" is to come; the past "were cut" no longer shares the lemma of the
    infinitive "be" (session 23, xfails; a strict xfail before)."""
    assert signals(OUTSIDE.routed(demo_router, "o25-16")) == ["eviction_cutoff"]


def test_a_project_week_about_domestic_violence_raises_no_alarm(demo_router: Router) -> None:
    """o25-20: a project week is a topic word as a lesson is (session 22, cues)."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o25-20"))


def test_no_eviction_or_cut_off_is_said_and_heard(demo_router: Router) -> None:
    """o25-21: "geen" before nouns joined by "of" denies each (session 22, cues)."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o25-21"))


def test_a_gas_meter_swap_is_no_cut_off(demo_router: Router) -> None:
    """o25-25: the meter replaced is planned work on the connection, no cut-off for
    arrears (session 22, cues)."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o25-25"))


@pytest.mark.xfail(strict=True, reason=(
    "o25-29 (teacher, ordinary): 'Ouders kunnen de schoolreis van 85 euro niet betalen. Is "
    "daar een potje voor?' gets Veilig Thuis first (no ⚠, unsure) on 'schoolreis, ouders, "
    "niet betalen': a retired example of Veilig Thuis (asked-heldout32, vt-advies-melding) "
    "is a school trip a mother cannot pay with welts on her son told in passing; bijzondere "
    "bijstand second, the Stadspas not in the top 3"))
def test_a_school_trip_parents_cannot_pay_goes_to_the_stadspas_or_special_assistance(
        demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o25-29")
    assert top(answer, 1)[0] in OUTSIDE.fits("o25-29"), top(answer)
