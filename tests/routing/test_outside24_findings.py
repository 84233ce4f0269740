"""outside24 (session 20): the wegwijzer as its users meet it (`make dev`, encrypted direct
chats with @wegwijzer from a plain encrypting nio client in its own process; seven people
at once, each in a new direct chat; then one chat with `!baan mens`, `!goed`, `!fout` and
`!baan 1`; bursts of 12 and 32 messages; the stack stopped and started again between a
question and its answer). The 36 questions are in seven voices — a district nurse, a
day-care worker, a job coach, a community police officer, a dental hygienist, a library
desk clerk and a volunteer at a neighbourhood drop-in — written before any answer was seen
(docs/notes/outside24-questions.jsonl, b2d467e). The dangers are told the way people tell
them: buried in passing inside an ordinary question, as chat fragments typed in a hurry,
third hand, and hypothetically ("stel dat ..."); beside them near misses, English, and bad
input (emoji only, Arabic, a name with a BSN, 20,000 characters with the danger at
character 15,088). Replayed here at router level on the shipped demo map: the bot gave
these same top 3s live for all 32 questions it routed.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). The router and the safety file are not changed here. See
docs/notes/2026-12-18s20-outside24.md. Session 21 (cues, docs/notes/2026-12-19s21-cues.md)
fixed five of the xfails in the safety reader by their cause; they are plain tests now.
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

OUTSIDE = OutsideQuestions.of("outside24")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """36 questions in seven voices (six professionals and a volunteer who meets citizens):
    19 dangers over all 12 families (6 buried in passing, 4 as fragments, 4 third hand, 4
    hypothetical, one 20,000 characters long with the danger far in; the Arabic one is a
    fear told, not routed), 6 near misses, 8 ordinary, 5 in English, and bad input (emoji
    only, Arabic, a name with a BSN)."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 36
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "danger": 19, "near": 6, "ordinary": 8, "bad": 3}
    hows = [row["how"] for row in rows if row["kind"] == "danger"]
    assert {h: hows.count(h) for h in set(hows)} == {
        "buried": 6, "fragments": 4, "third-hand": 4, "hypothetical": 4, "long": 1}
    assert len({row["safety"] for row in rows if row["safety"]}) == 12
    assert len({row["voice"] for row in rows}) == 7
    assert sum(row["lang"] == "en" for row in rows) == 5
    assert len(OUTSIDE.text("o24-36")) == 20000
    assert [row["expect_refusal"] for row in rows if row["expect_refusal"]] == [
        "no_words", "no_words", "bsn"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o24-01", "elder_abuse", "veilig-thuis"),        # nurse: a walker; in passing, the PIN card
    ("o24-02", "unseen_person", "ggd-vangnet"),       # nurse, fragments: no answer for 4 days
    ("o24-05", "suicide", "crisisdienst-113"),        # nurse: "stel dat" he knows how
    ("o24-06", "child_maltreatment", "veilig-thuis"),  # day care: a discount; bruises in passing
    ("o24-10", "sexual_violence", "veilig-thuis"),    # day care: "stel dat" an uncle, a secret
    ("o24-12", "suicide", "crisisdienst-113"),        # job coach, fragments: on a bridge now
    ("o24-16", "honour_violence", "veilig-thuis"),    # police, third hand: the family's honour
    ("o24-17", "psychiatric_crisis", "crisisdienst-113"),  # police, fragments: poison, a knife
    ("o24-18", "overdose", "crisisdienst-113"),       # police (en): rent allowance; pills, vodka
    ("o24-21", "child_maltreatment", "veilig-thuis"),  # hygienist: dentist's bill; no food
    ("o24-26", "eviction_cutoff", "crisis-schulden"),  # library, third hand: bailiff on Friday
    ("o24-28", "homeless_tonight", "opvang-toegang"),  # library: "stel dat", freezing tonight
    ("o24-30", "suicide", "crisisdienst-113"),        # drop-in, third hand: gave his dog away
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_told_in_passing_in_fragments_third_hand_or_supposed_comes_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words, however it is told: its ⚠ line, its service first,
    confident."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o24-07", "partner_violence", "veilig-thuis"),   # day care, third hand: her throat
    ("o24-11", "homeless_tonight", "opvang-toegang"),  # job coach: clothes; slept in a shed
    ("o24-36", "partner_violence", "veilig-thuis"),   # 20,000 characters, the iron at 15,088
])
def test_a_danger_with_a_second_warning_still_comes_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Its own ⚠ and its service first (the second ⚠ each got is an xfail below). o24-36:
    the danger at character 15,088 of 20,000 is read (the bot reads the first 20,000 for
    danger and said live that it read only the first 2,000 for services, after the ⚠)."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert signals(answer)[0] == signal
    assert top(answer, 1) == [service]


@pytest.mark.parametrize("qid", ["o24-02", "o24-05", "o24-12", "o24-18", "o24-30"])
def test_the_112_line_stands_where_life_is_at_stake(demo_router: Router, qid: str) -> None:
    """Someone unseen behind a door, a suicide told (supposed, on a bridge now, a farewell)
    and an overdose: the ⚠ line itself says to call 112 (live: first, in bold)."""
    assert "112" in OUTSIDE.routed(demo_router, qid).safety[0].why


NEAR_MISSES = ["o24-04", "o24-09", "o24-15", "o24-20", "o24-23", "o24-32"]


@pytest.mark.parametrize("qid", NEAR_MISSES)
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """"ik ga nog dood aan al die pillen" (laughing), a toddler "killing her" and "murder a
    coffee", a mother-in-law who "vermoordt" him (a joke), "ik sla je hersens in" over a
    parking place (settled), a dentist who wants to "vermoorden" him with the bill, "mijn
    vrouw slaat me nog eens dood" (laughed at): no ⚠, no caution, so no 112 line."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


ORDINARY_WORKS = ["o24-03", "o24-04", "o24-08", "o24-09", "o24-13", "o24-15", "o24-19",
                  "o24-23", "o24-24", "o24-27", "o24-31", "o24-32"]
#: Session 21: moved by retiring s51-s54 into examples (strict xfails, with the set).
DRIFT21 = {"o24-32": ("since s52's questions are examples (session 21; it passes without "
                      "asked-heldout52): the Sociaal raadslieden tie the Ouderenadvies on "
                      "the card club for the elderly (798 each) and are listed first")}


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=DRIFT21[q]))
    if q in DRIFT21 else q for q in ORDINARY_WORKS])
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Housework after a hip operation, twelve pills a day mixed up, a father who shouts
    since the divorce, a tired mother (en), 24 and out of school, Dutch for a cv, a lonely
    man of 45 in West, a dentist's bill, the post of a widow of 81, reading and writing,
    tax-office letters (en), a card club for the elderly: a service of the answer key
    first and no ⚠."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer)


@pytest.mark.parametrize("qid", ["o24-33", "o24-34"])
def test_emoji_only_and_arabic_are_refused_with_the_112_line(
        demo_router: Router, qid: str) -> None:
    """😢🙏🏠❓ and an Arabic mother's fear (her son of 14 not home for three days): the
    router reads no words; the refusal ends with "Is er direct gevaar? Bel 112." (live,
    on its own line). `!baan mens` after it answers BB_NO_ANSWER (outside23 #7, open)."""
    with pytest.raises(UsageError) as err:
        demo_router.route(OUTSIDE.text(qid), {})
    assert err.value.errcode == "BB_NO_WORDS"
    assert err.value.message("nl").endswith("\nIs er direct gevaar? Bel 112.")


def test_a_name_with_a_bsn_is_found_before_routing() -> None:
    """o24-35: "Fatima el Amrani, BSN …" is refused as a BSN and a name (live: "Je vraag
    lijkt een BSN en een naam te bevatten", nothing searched or kept; neither the name nor
    the BSN was found afterwards in .busbaan/, the console logs or /metrics)."""
    assert {"bsn", "name"} <= set(OUTSIDE.found("o24-35"))


# ------------------------------------------------------------------ fixed in session 21 (cues)


def test_power_cut_off_this_morning_with_a_baby_typed_in_fragments_is_a_danger(
        demo_router: Router) -> None:
    """o24-25 (library desk, fragments): "stroom vanochtend afgesloten. baby 4 mnd.":
    a note leaves out the finite "is", and the participle in a sentence without a
    finite verb reads as the state (session 21, cues: ``safety._telegraphic``), so the
    rule with a baby holds. Was a strict xfail (session 20)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o24-25"), "cutoff_now", "crisis-schulden")


def test_forced_to_sleep_with_his_friends_told_in_passing_is_sexual_violence(
        demo_router: Router) -> None:
    """o24-29 (drop-in volunteer, buried in a Stadspas question): "dwingt haar om met
    zijn vrienden naar bed te gaan, anders moet ze eruit": made to go to bed with others
    than him, and the threat of losing the bed (session 21, cues: the safety file).
    Was a strict xfail (session 20)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o24-29"), "sexual_violence", "veilig-thuis")


def test_a_broken_tooth_her_husband_did_is_partner_violence(demo_router: Router) -> None:
    """o24-22 (dental hygienist, en, hypothetical): 'a patient turns up with a broken tooth
    and tells me her husband did it but begs me not to tell anyone'. Was a strict xfail
    (session 20: Veilig Thuis first, no ⚠). Session 21: since s53's questions are examples
    the ⚠ read from the examples gives partner_violence (drifts), and the cue reader now
    reads the partner named as the one who caused the injury (cues: the safety file)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o24-22"), "partner_violence", "veilig-thuis")


def test_a_mother_who_dares_not_go_home_is_no_child_in_danger(demo_router: Router) -> None:
    """o24-07 (day care, third hand): "een moeder ... dat haar man haar ... en dat ze
    niet naar huis durft": a parent named with no child, beside an adult's danger told,
    is that adult (session 21, cues: ``safety._no_child_for_parent``). Was a strict
    xfail (session 20)."""
    assert signals(OUTSIDE.routed(demo_router, "o24-07")) == ["partner_violence"]


def test_her_mother_in_suriname_and_his_blow_are_no_child_in_danger(
        demo_router: Router) -> None:
    """o24-36 (20,000 characters): "haar moeder in Suriname" in the notes and "hij heeft
    haar met het strijkijzer geslagen": one ⚠, partner violence (session 21, cues, as
    o24-07). Was part of a strict xfail (session 20); its confidence still is, below."""
    assert signals(OUTSIDE.routed(demo_router, "o24-36")) == ["partner_violence"]


@pytest.mark.xfail(strict=True, reason=(
    "o24-36 (20,000 characters): one ⚠ now (partner_violence, session 21), but the "
    "answer is still not confident: the danger stands at character 15,088, past the "
    "2,000 the ranking reads (note 'truncated'), so the ranking's own words do not bear "
    "the family's field out (Router._borne_out: Veilig Thuis and the triage desk tie "
    "on 'vrijwilliger, koffie, moeder' at 884), and a one-desk ⚠ needs that to be "
    "confident. A reading question (how much of a long text the ranking reads), not a "
    "cue"))
def test_a_danger_far_into_a_long_text_is_answered_confidently(demo_router: Router) -> None:
    assert OUTSIDE.routed(demo_router, "o24-36").confident


def test_put_out_by_a_housemate_yesterday_is_no_eviction_next_week(
        demo_router: Router) -> None:
    """o24-11 (job coach, buried): "Hij is gisteren door zijn huisgenoot op straat
    gezet": an act told done on a day just gone, in its own clause, is no eviction to
    come, so the interview's "volgende week" dates nothing (session 21, cues:
    ``safety._done``). Was a strict xfail (session 20)."""
    answer = OUTSIDE.routed(demo_router, "o24-11")
    assert signals(answer) == ["homeless_tonight"]
    assert answer.confident


# ------------------------------------------------------------------ what does not (yet)


@pytest.mark.xfail(strict=True, reason=(
    "o24-14 (job coach, en): lost his job, benefit ends, behind on rent and the energy "
    "bill, 'where can he get help sorting out his debts?': Energiecoach first on 'energy "
    "bill', Bijstand second, Schuldhulpverlening third, unsure: the ask ('sorting out his "
    "debts') weighs less than the story's 'energy bill'"))
def test_help_sorting_out_debts_finds_debt_counselling_first(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o24-14")
    assert top(answer, 1)[0] in OUTSIDE.fits("o24-14"), top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "o24-20 (police, near miss): a settled quarrel over a parking place, 'is er iets van "
    "buurtbemiddeling?': GGD Vangnet (bemoeizorg) first, confident, on 'riep, niemand, "
    "burenruzie, buurtbemiddeling'; the demo map has no neighbour mediation, and its "
    "triage desk is not in the top 3"))
def test_a_settled_neighbour_quarrel_is_no_case_for_bemoeizorg(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o24-20")
    assert top(answer, 1)[0] in OUTSIDE.fits("o24-20"), top(answer)
    assert not caution(answer)
