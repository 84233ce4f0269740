"""outside26 (session 22): the wegwijzer as its users meet it (`make dev`, encryption on,
encrypted direct chats with @wegwijzer from a plain matrix-nio client in its own process;
six people at once, each in a new direct chat; then `!baan mens`, `!fout`, `!goed`,
`!baan 1`, `!lane human`, `!wrong`, bad input; a burst of 33; the stack stopped 0.15 s
after a question and started again; rooms of one's own dressed as a lane, a BSN in a room
name or topic, another team's lane). The 41 rows (36 questions and 5 bad inputs) are in
new voices — a pharmacy assistant, a football coach, a childminder (en), a volunteer at
the home-administration service, a librarian, a caretaker, a housing officer, a buddy, a
youth worker, a food-bank volunteer — written and committed before any answer was seen
(docs/notes/outside26-questions.jsonl, 374b88e). Dangers are described, not named (a
calm goodbye, cigarette burns "from the stove", a wedding she does not know of, gifts for
going along to hotel parties, the curtains shut and the papers piling up); near misses
carry the danger's words in negation, the past or an idiom.

Replayed here at router level on the shipped demo map: the bot gave these same top 3s
live for all 36 questions it routed. What works is a passing test; what does not is
``xfail(strict=True)`` with the cause read from the router's own evidence (the cue it
read). One cause is fixed here (the idiom "ik sla me er wel doorheen", o26-25). See
docs/notes/2026-12-20s22-outside26.md.
"""

from __future__ import annotations

import json

import pytest
from routing_testdata import (
    DATA,
    OutsideQuestions,
    assert_danger_first,
    assert_near_miss_is_silent,
    signals,
    top,
)

from busbaan.errors import UsageError
from busbaan.routing import Router, demo_map_path

OUTSIDE = OutsideQuestions.of("outside26")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """36 questions — 18 dangers over all 12 families, 8 near misses, 10 ordinary, some
    English — and 5 bad inputs (empty, only emoji, Arabic, a name with a BSN, 10,000
    characters)."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "danger": 18, "near_miss": 8, "ordinary": 10, "bad": 5}
    assert len({row["safety"] for row in rows if row["safety"]}) == 12
    assert sum(row["lang"] == "en" for row in rows) == 9
    assert [row["expect_refusal"] for row in rows if row["expect_refusal"]] == [
        "empty", "no_words", "no_words", "bsn"]
    # every expected service is on the demo map the bot serves
    services = {s for row in rows for s in row["expected"] + row["acceptable"]}
    shipped = json.loads(demo_map_path().read_text(encoding="utf-8"))
    assert services <= {s["id"] for s in shipped["services"]}
    # and on the city map the brief named (tests/data/socialmap/amsterdam-demo.hsds.json)
    city = json.loads((DATA / "amsterdam-demo.hsds.json").read_text(encoding="utf-8"))
    assert {s for row in rows for s in row["expected_amsterdam"]} <= {
        s["id"] for s in city["services"]}


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o26-01", "partner_violence", "veilig-thuis"),    # pharmacy: a fat lip, "he may not know"
    ("o26-02", "child_maltreatment", "veilig-thuis"),  # typos: round burns "from the stove"
    ("o26-04", "elder_abuse", "veilig-thuis"),         # grandson takes 500 a week with his card
    ("o26-05", "homeless_tonight", "opvang-toegang"),  # put out by his brother, no bed tonight
    ("o26-07", "eviction_cutoff", "crisis-schulden"),  # "aanzegging ontruiming" this Thursday
    ("o26-08", "cutoff_now", "crisis-schulden"),       # power off a week, a camping stove
    ("o26-11", "psychiatric_crisis", "crisisdienst-113"),  # the TV gives him orders
    ("o26-12", "overdose", "crisisdienst-113"),        # three empty strips, slurring
    pytest.param(
        "o26-13", "honour_violence", "veilig-thuis",     # a wedding abroad, she is the bride
        marks=pytest.mark.xfail(strict=True, reason=(
            "session 23's refit after the merges (a4a37b0): its ⚠ and Veilig Thuis first "
            "hold, but the confidence is 911, one under the shipped 912; a one-point "
            "margin that moves with each refit"))),
    ("o26-15", "sexual_violence", "veilig-thuis"),     # 14, sneakers, hotel parties
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_not_named_comes_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger described in a professional's own words: its ⚠ line, its service first,
    confident (live: the ⚠ line first, the service first)."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o26-10", "suicide", "crisisdienst-113"),          # (en) pills lined up, "tonight it stops"
    ("o26-18", "partner_violence", "veilig-thuis"),     # (en) "he doesn't hit her", a knife
    ("o26-06", "homeless_tonight", "opvang-toegang"),   # (en) locks changed today, a baby
    ("o26-14", "honour_violence", "veilig-thuis"),      # (en) brothers: "sort it out"
])
def test_english_danger_has_its_warning_and_its_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Its own ⚠ and its service first (unsure for o26-06, o26-10 and o26-18; the second
    ⚠ of o26-06 and the first ⚠ line of o26-14 are xfails below)."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert signal in signals(answer)
    assert top(answer, 1) == [service]


@pytest.mark.parametrize("qid", ["o26-20", "o26-21", "o26-22", "o26-23", "o26-24",
                                 "o26-25"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """A training on abuse signs (en), "de stroom is niet afgesloten", grief over a
    brother's suicide years ago with no thoughts of his own, the night shelter last year,
    an overdose last year (en), and "ik sla me er wel doorheen" (fixed here: the idiom in
    the first person gave a partner_violence ⚠ on 'hij + slaan + me' and Veilig Thuis
    first; `figurative` now has it)."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


@pytest.mark.parametrize("question", [
    "Ze vertelt: hij slaat me elke avond, maar ik sla me er wel doorheen.",
    "Hij slaat me als ik iets zeg. Sla je er maar doorheen, zegt mijn moeder.",
])
def test_the_idiom_beside_a_real_hit_still_warns(demo_router: Router, question: str) -> None:
    """The fix for o26-25 reads only the idiom's own words: a hit told beside it keeps
    its partner_violence ⚠ and Veilig Thuis first."""
    answer = demo_router.route(question, {})
    assert "partner_violence" in signals(answer)
    assert top(answer, 1) == ["veilig-thuis"]


ORDINARY_WORKS = ["o26-20", "o26-21", "o26-22", "o26-23", "o26-24", "o26-25",
                  "o26-27", "o26-28", "o26-29", "o26-30", "o26-31", "o26-32", "o26-33",
                  "o26-35", "o26-36"]


@pytest.mark.parametrize("qid", ORDINARY_WORKS)
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """The six silent near misses and nine ordinary questions (reading and writing, winter
    coats in Zuidoost with typos, a stairlift (en), 19 and out of school, swimming
    lessons, post without debts, welfare (en), remission in four words, six weeks out of
    school): a service of the answer key first, no ⚠."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer)


@pytest.mark.parametrize(("text", "errcode"), [
    ("   ", "BB_EMPTY_QUESTION"),
    ("😢🙏🏠", "BB_NO_WORDS"),
])
def test_an_empty_question_or_only_emoji_is_refused(
        demo_router: Router, text: str, errcode: str) -> None:
    """Live: "De vraag is leeg …" and "Ik lees geen woorden in je vraag … Is er direct
    gevaar? Bel 112." (a body of "" got the same empty-question reply)."""
    with pytest.raises(UsageError) as err:
        demo_router.route(text, {})
    assert err.value.errcode == errcode


def test_arabic_is_refused_with_the_112_line(demo_router: Router) -> None:
    """o26-39, a neighbour not seen for a week, in Arabic: no words read; live the
    refusal offered `!baan mens` ("je vraag gaat niet mee") and ended with the 112 line."""
    with pytest.raises(UsageError) as err:
        demo_router.route(OUTSIDE.text("o26-39"), {})
    assert err.value.errcode == "BB_NO_WORDS"
    assert err.value.message("nl").endswith("\nIs er direct gevaar? Bel 112.")


def test_a_name_with_a_bsn_is_found_before_routing() -> None:
    """o26-40 ("Mw. Griseldis Vennekoorn, BSN …", elfproef-valid live): refused live;
    neither name nor BSN was found afterwards in .busbaan/, the console logs or /metrics."""
    assert {"bsn", "name"} <= set(OUTSIDE.found("o26-40"))


# ------------------------------------------------------------------ what does not (yet)


def test_a_calm_goodbye_with_affairs_in_order_and_the_cat_placed_is_suicide(
        demo_router: Router) -> None:
    """o26-09: affairs in order, the cat with his sister and 'niet meer hoeven te zien':
    three signs of a farewell together (113), a suicide ⚠ (session 22, cues2)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o26-09"), "suicide",
                        "crisisdienst-113")


def test_a_driver_who_touches_her_where_she_does_not_want_is_sexual_violence(
        demo_router: Router) -> None:
    """o26-16: 'aanraakt op plekken waar ze dat niet wil', the body's places unnamed and
    unwanted, is a strong sexual_violence cue (session 22, cues2)."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o26-16"), "sexual_violence",
                        "veilig-thuis")


@pytest.mark.xfail(strict=True, reason=(
    "o26-03 (childminder, en): a 4-year-old picked up later every day, last night nobody "
    "came, mum's phone on voicemail, no food at home: a ⚠ of the wrong family, "
    "sexual_violence ('examples': told from the nearest example questions), whose line "
    "sends a childminder to the Centrum Seksueel Geweld; Veilig Thuis first but unsure. No "
    "child_maltreatment cue reads a child not collected / no food at home in English "
    "('nobody came', 'no food at home')"))
def test_a_toddler_not_collected_with_no_food_at_home_is_neglect(
        demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o26-03")
    assert signals(answer) == ["child_maltreatment"]
    assert top(answer, 1) == ["veilig-thuis"]


@pytest.mark.xfail(strict=True, reason=(
    "o26-17 (food-bank volunteer): a regular client of 78 living alone missed three "
    "distributions, curtains shut, newspapers piling up at the door, the phone rings "
    "but nobody answers: a ⚠ of the wrong family, suicide ('examples'), instead of "
    "unseen_person (GGD Vangnet first, which fits): unseen_person's cues want 'niemand "
    "doet open' or days not seen; 'gordijnen dicht' + 'kranten' + 'neemt niemand op' is "
    "not read (post alone is left out on purpose, outside25 #4)"))
def test_curtains_shut_and_papers_piling_up_is_an_unseen_person(
        demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o26-17")
    assert signals(answer) == ["unseen_person"]


def test_a_boyfriend_as_the_reason_the_brothers_threaten_her_is_no_partner_violence(
        demo_router: Router) -> None:
    """o26-14 (en): brothers who will "sort it out" because she has a boyfriend is
    honour_violence only: the family's threat read with her relationship as its cause
    makes partner_violence give way (session 23, xfails; a strict xfail before)."""
    assert signals(OUTSIDE.routed(demo_router, "o26-14")) == ["honour_violence"]


def test_locks_changed_today_is_no_eviction_to_come(demo_router: Router) -> None:
    """o26-06 (en, very short): 'landlord changed the locks today, they have nowhere to go
    tonigth' is homeless_tonight only: a lock-out told in the past with "today" is done,
    no eviction days away (session 23, xfails; a strict xfail before)."""
    assert signals(OUTSIDE.routed(demo_router, "o26-06")) == ["homeless_tonight"]


def test_a_fear_of_eviction_later_with_no_arrears_gets_no_warning(
        demo_router: Router) -> None:
    """o26-19 (near miss): 'er is nu geen achterstand' dates the absence of arrears,
    not the eviction feared later (session 22, cues2: a time word right before
    "geen" whose noun no cue reads is no cue's time)."""
    row = OUTSIDE.row("o26-19")
    answer = demo_router.route(row["question"], row["context"])
    assert not answer.safety, [(h.signal, h.cue) for h in answer.safety]


@pytest.mark.xfail(strict=True, reason=(
    "o26-19 (near miss): with the ⚠ gone (cues2), 'uit huis gezet' alone is still the "
    "weak homeless_tonight cue, and its caution puts a shelter service in the top 3: "
    "'bang dat ... later ... als haar contract afloopt' (a fear of a possible eviction "
    "later) does not lower a weak cue"))
def test_a_fear_of_eviction_later_with_no_arrears_raises_no_alarm(
        demo_router: Router) -> None:
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o26-19"))


def test_a_son_who_hits_classmates_is_a_parenting_question(demo_router: Router) -> None:
    """o26-26: 'leren dat slaan ... niet kan', the infinitive after "dat" is the act named
    as a noun, hit by no one named (session 22, cues2)."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o26-26"))


@pytest.mark.xfail(strict=True, reason=(
    "o26-34 (ordinary): household help for a carer of her husband with dementia ('een "
    "paar uur per week het huishouden komen doen') gets Sociaal raadslieden first "
    "('huishouden, uur'), Wmo huishoudelijke hulp second, unsure: the ranker weighs "
    "'huishouden' in raadslieden's text as much as in the Wmo service's"))
def test_household_help_for_a_carer_puts_wmo_household_help_first(
        demo_router: Router) -> None:
    assert top(OUTSIDE.routed(demo_router, "o26-34"), 1) == ["wmo-huishouden"]
