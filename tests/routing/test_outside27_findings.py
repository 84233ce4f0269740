"""outside27 (session 23): the wegwijzer as its users meet it (`make dev`, encryption on,
encrypted direct chats with @wegwijzer from plain matrix-nio clients in their own process,
six people at once). The 40 rows (35 questions and 5 bad inputs) were written in forms the
router has had trouble with — told in the past tense, told by a teenager, a professional's
note in jargon, a long rambling message with one danger sentence, several people in one
question — and committed before any answer was seen (docs/notes/outside27-questions.jsonl,
9094306). Replayed here at router level on the shipped demo map: the bot gave these same
top 3s live for every question it routed. What works is a passing test; what does not is
``xfail(strict=True)`` with the cause read from the router's own evidence. Fixed here: the
throat grabbed ("hij heeft haar bij haar keel gegrepen", o27-13) and a denied trouble shown
as a reason ("Waarom: past bij: geen achterstand", outside26 #13). See
docs/notes/2026-12-21s23-outside27.md.
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
from busbaan.routing.safety import detect

OUTSIDE = OutsideQuestions.of("outside27")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """35 questions — 17 dangers over all 12 families, 9 near misses, 9 ordinary, 8 in
    English — and 5 bad inputs; every expected service is on both maps."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "danger": 17, "near_miss": 9, "ordinary": 9, "bad": 5}
    assert len({row["safety"] for row in rows if row["safety"]}) == 12
    assert sum(row["lang"] == "en" for row in rows) == 8
    services = {s for row in rows for s in row["expected"] + row["acceptable"]}
    shipped = json.loads(demo_map_path().read_text(encoding="utf-8"))
    assert services <= {s["id"] for s in shipped["services"]}
    city = json.loads((DATA / "amsterdam-demo.hsds.json").read_text(encoding="utf-8"))
    assert {s for row in rows for s in row["expected_amsterdam"]} <= {
        s["id"] for s in city["services"]}


# ------------------------------------------------------------------ what works

@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o27-01", "partner_violence", "veilig-thuis"),      # past tense: pushed, back with him
    ("o27-03", "suicide", "crisisdienst-113"),           # jargon: plan and saved pills
    ("o27-05", "elder_abuse", "veilig-thuis"),           # four generations; opa locked in
    ("o27-06", "overdose", "crisisdienst-113"),          # (en) a flatmate, pills, drowsy
    ("o27-08", "homeless_tonight", "opvang-toegang"),    # past tense; -5 tonight
    ("o27-09", "psychiatric_crisis", "crisisdienst-113"),  # jargon: voices, the gas
    ("o27-11", "eviction_cutoff", "crisis-schulden"),    # (en) the bailiff's letter unopened
    ("o27-12", "unseen_person", "ggd-vangnet"),          # light day and night, a smell
    ("o27-15", "child_maltreatment", "veilig-thuis"),    # jargon: the shed at night
])
def test_danger_in_a_hard_form_comes_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in the past tense, in jargon, among several people, by a peer: its ⚠
    line, its service first, confident (live: the same)."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


def test_a_teenager_worried_about_a_brother_gets_113_first(demo_router: Router) -> None:
    """o27-14 (en, a teenager): 'nobody would notice if i was gone', the xbox given away:
    the suicide ⚠ and 113 first (unsure, as live)."""
    answer = OUTSIDE.routed(demo_router, "o27-14")
    assert "suicide" in signals(answer)
    assert top(answer, 1) == ["crisisdienst-113"]


def test_the_throat_grabbed_in_a_long_update_warns_even_when_a_name_is_refused(
        demo_router: Router) -> None:
    """o27-13: a budget coach's long update names the client (refused, as it must be) and
    says in passing "dat hij haar vorige week bij haar keel heeft gegrepen tot ze bijna
    flauwviel". Live the refusal came without the ⚠ (the refusal runs the same `detect`
    and no cue read the throat grabbed with "bij"); now partner_violence (fixed here)."""
    assert "name" in OUTSIDE.found("o27-13")
    found = {s.family.id for s in detect(demo_router.safety, OUTSIDE.text("o27-13"))
             if not s.weak}
    assert found == {"partner_violence"}


@pytest.mark.parametrize("question", [
    "Hij greep me bij de keel toen ik iets terugzei.",
    "Haar man heeft haar gisteren bij de keel gepakt.",
    "He grabbed her by the throat last night.",
])
def test_the_throat_grabbed_is_partner_violence(demo_router: Router, question: str) -> None:
    """The fix reads the throat grabbed with the person as object, in any tense."""
    assert "partner_violence" in signals(demo_router.route(question, {}))


@pytest.mark.parametrize("question", [
    "Hij werd door de stress bij de keel gegrepen en kon niets meer zeggen; hulp bij werk?",
    "Hij moet naar de keel-, neus- en oorarts maar kan de eigen bijdrage niet betalen.",
])
def test_a_throat_without_someone_grabbed_stays_silent(
        demo_router: Router, question: str) -> None:
    """Not "bij de keel" alone: a figure of speech and an ear-nose-throat doctor."""
    assert "partner_violence" not in signals(demo_router.route(question, {}))


@pytest.mark.parametrize("qid", [f"o27-{n}" for n in range(18, 27)])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """Violence ten years ago, "mn moeder vermoordt me", a closed Veilig Thuis report, a
    meldcode training, "not in danger" (en), "ik ga dood van de stress", "geen
    achterstand", an overdose two years ago, fights "not violent" (en): all silent, live
    too."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


@pytest.mark.parametrize("qid", ["o27-20", "o27-21", "o27-22", "o27-24", "o27-27",
                                 "o27-28", "o27-29", "o27-30", "o27-31", "o27-32",
                                 "o27-35"])
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Four near misses and seven ordinary questions (jargon 'Mogelijkheden BB?', the
    past tense, several people, English): a service of the answer key first, no ⚠."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer)


@pytest.mark.parametrize("qid", ["o27-24"])
def test_the_why_never_shows_a_trouble_the_question_denies(
        demo_router: Router, qid: str) -> None:
    """outside26 #13, still true at the base: "Waarom: past bij: budgetteren, geen
    achterstand, geen brief". A negated trouble (lexicon.TROUBLES) is no reason."""
    for question in (OUTSIDE.text(qid), OutsideQuestions.of("outside26").text("o26-19")):
        for result in demo_router.route(question, {}).results[:3]:
            assert "geen achterstand" not in result.why, result.why
            assert "geen brief" not in result.why, result.why


@pytest.mark.parametrize(("question", "shown"), [
    ("Ik heb geen geld voor eten en geen woning.", "geen geld"),
    ("We have no debts but no income either, can we get benefits?", "no income"),
])
def test_a_negated_lack_is_still_a_reason(
        demo_router: Router, question: str, shown: str) -> None:
    """A lack negated is the need ("geen geld", "no income"): still shown."""
    assert any(shown in r.why for r in demo_router.route(question, {}).results[:3])


def test_a_name_alone_is_refused_before_routing() -> None:
    """o27-33: a district nurse names "meneer Baltus Knoppersma (79)": refused live
    (no BSN needed); the name was not found afterwards in files, logs or /metrics."""
    assert OUTSIDE.found("o27-33") == ["name"]


def test_a_danger_with_a_name_and_a_bsn_is_refused_with_its_warning(
        demo_router: Router) -> None:
    """o27-39: refused (bsn, name) and, live, the ⚠ line with Veilig Thuis and 112 first."""
    assert {"bsn", "name"} <= set(OUTSIDE.found("o27-39"))
    assert "partner_violence" in {
        s.family.id for s in detect(demo_router.safety, OUTSIDE.text("o27-39"))}


@pytest.mark.parametrize(("qid", "errcode"), [
    ("o27-36", "BB_EMPTY_QUESTION"), ("o27-37", "BB_NO_WORDS"), ("o27-38", "BB_LANGUAGE")])
def test_bad_input_is_refused_in_words(demo_router: Router, qid: str, errcode: str) -> None:
    """Whitespace and newlines, punctuation only, Turkish (live: "Ik herken de taal van
    deze vraag niet: ik lees Nederlands en Engels …")."""
    with pytest.raises(UsageError) as err:
        demo_router.route(OUTSIDE.text(qid), {})
    assert err.value.errcode == errcode


# ------------------------------------------------------------------ what does not (yet)

@pytest.mark.xfail(strict=True, reason=(
    "o27-07 (a teenager): 'me vriendin (15) is na een feestje door een jongen van 19 mee "
    "naar huis genomen, ze wou niet maar hij deed het toch': no ⚠ at all, leerplicht first "
    "(on 'niet meer naar school'), Veilig Thuis third. No sexual_violence cue reads an act "
    "done against her will told as 'ze wou niet maar hij deed het toch' (the cues want "
    "'verkracht', 'dwingt tot seks', 'aanraakt waar ze niet wil')"))
def test_a_friend_taken_home_and_forced_is_sexual_violence(demo_router: Router) -> None:
    assert_danger_first(OUTSIDE.routed(demo_router, "o27-07"), "sexual_violence",
                        "veilig-thuis")


@pytest.mark.xfail(strict=True, reason=(
    "o27-02 (a teenager, 15): 'mn stiefvader gooit met dingen naar me als ie gedronken "
    "heeft, gister had ik een blauw oog, mn moeder zegt dat ik op school niks mag zeggen': "
    "a partner_violence ⚠ ('examples'; detect reads only the weak 'blauw oog'), Veilig "
    "Thuis first. No child_maltreatment cue reads a stepfather throwing things at the "
    "asker who is a child, nor a child told to keep quiet at school"))
def test_a_teenager_hurt_by_a_stepfather_is_child_maltreatment(demo_router: Router) -> None:
    assert signals(OUTSIDE.routed(demo_router, "o27-02"))[:1] == ["child_maltreatment"]


@pytest.mark.xfail(strict=True, reason=(
    "o27-10 (several people): the uncles will send the elder sister 'naar het dorp' unless "
    "she drops her Dutch boyfriend; the younger one must report on her: partner_violence "
    "('vriend + terugsturen naar'), no honour_violence. The honour rule does not read "
    "uncles ('ooms') with a threat to send her back, and the boyfriend named as the "
    "reason makes the threat his (cf. outside26 #5 in English)"))
def test_uncles_threatening_to_send_her_back_over_a_boyfriend_is_honour_violence(
        demo_router: Router) -> None:
    assert signals(OUTSIDE.routed(demo_router, "o27-10")) == ["honour_violence"]


@pytest.mark.xfail(strict=True, reason=(
    "o27-16 (district nurse, en): 'pt 81, lives alone, son is her carer. He shouts at her, "
    "has taken her bank card, bruises on both wrists, scared to say more': elder_abuse is "
    "read, but the first ⚠ line is partner_violence ('bruis + scare'): the injuries-and-"
    "fear rule names no partner and does not yield to elder_abuse when the person is 65+ "
    "and the one who hurts is a son or carer"))
def test_an_old_woman_bruised_by_her_son_reads_elder_abuse_first(demo_router: Router) -> None:
    assert signals(OUTSIDE.routed(demo_router, "o27-16"))[:1] == ["elder_abuse"]


@pytest.mark.xfail(strict=True, reason=(
    "o27-17 (several people, a desk): 'De huisbaas heeft vandaag de sloten vervangen … "
    "ze hebben alleen wat ze aan hebben en familie heeft geen plek': eviction_cutoff "
    "('slot vervangen + vandaag': 'an eviction is days away'), crisis-schulden first, the "
    "shelter second. Locks already changed with nowhere to go is no bed tonight (as "
    "outside26 #8 in English)"))
def test_locked_out_today_with_children_is_no_bed_tonight(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o27-17")
    assert signals(answer)[:1] == ["homeless_tonight"]


# o27-04 (a long rambling message): 'Sinds vanochtend is de stroom afgesloten … de baby'
# read eviction_cutoff first ('days away', the time word taken from another sentence) on
# outside27's base; plain since the xfails engineer's rule of the same session (an act told
# in a past form with a time of the same day is no eviction to come).
def test_power_cut_this_morning_reads_cut_off_now_first(demo_router: Router) -> None:
    assert signals(OUTSIDE.routed(demo_router, "o27-04"))[:1] == ["cutoff_now"]


@pytest.mark.xfail(strict=True, reason=(
    "near misses that fit badly: o27-18 (violence ten years ago, now the debts) puts "
    "POH-GGZ first on 'ex, geen contact, sloeg'; o27-19 ('mn moeder vermoordt me' over 300 "
    "euro on games) leerplicht on 'vermoordt, moeder'; o27-23 ('ik ga dood van de stress "
    "van al die rekeningen') POH-GGZ on 'stress, dood' with schuldhulp not in the top 3: "
    "the words of a silenced danger or an idiom still carry the ranking"))
@pytest.mark.parametrize("qid", ["o27-18", "o27-19", "o27-23"])
def test_a_near_miss_ranks_what_it_asks(demo_router: Router, qid: str) -> None:
    assert top(OUTSIDE.routed(demo_router, qid), 1)[0] in OUTSIDE.fits(qid)


@pytest.mark.xfail(strict=True, reason=(
    "o27-25: a brother who had an overdose two years ago wants someone to talk to about "
    "not relapsing ('niet terugvalt'): verslavingszorg is not in the top 3 (jongerenloket, "
    "Veilig Thuis, Wmo begeleiding on 'broer, opgenomen'): 'terugvallen' is not read as "
    "addiction's relapse"))
def test_a_relapse_is_addiction_care(demo_router: Router) -> None:
    assert "verslavingszorg" in top(OUTSIDE.routed(demo_router, "o27-25"))


@pytest.mark.xfail(strict=True, reason=(
    "o27-34: 'Mijn zoon van 7 wil op voetbal maar de contributie kunnen we niet betalen': "
    "OKT first on 'voetbal, niet betalen' and the age, the Stadspas second (unsure): the "
    "age fits OKT's 0-22 as well, and 'contributie' weighs less than 'niet betalen'"))
def test_a_sports_club_fee_for_a_child_is_the_stadspas(demo_router: Router) -> None:
    assert top(OUTSIDE.routed(demo_router, "o27-34"), 1) == ["stadspas"]
