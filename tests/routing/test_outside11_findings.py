"""outside11 (session 9): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client; 40 questions of my own,
written and committed before any answer was seen:
tests/data/socialmap/outside11-questions.jsonl), shown here at router level on the
shipped demo map. The router gave the bot's top 3 for every question answered, so these
are what a professional saw in Element.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause
(each checked with ``--runxfail`` to fail on its assertion). Ranking and the safety file
are other engineers' work this session: reported here, not fixed. The one small fix
(a danger told with a name gets its ⚠ line in the refusal) is tested at the end. See
docs/notes/2026-12-07s9-outside11.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from busbaan.routing import Router
from busbaan.routing.safety import detect
from busbaan.wegwijzer import map_names, parse_question, refuse_personal_data

DATA = Path(__file__).resolve().parents[1] / "data" / "socialmap"
QUESTIONS = {row["id"]: row for row in (
    json.loads(line) for line in
    (DATA / "outside11-questions.jsonl").read_text(encoding="utf-8").splitlines())}


def _q(qid: str) -> str:
    return str(QUESTIONS[qid]["question"])


def _top(answer: object, n: int = 3) -> list[str]:
    return [r.service_id for r in answer.results[:n]]  # type: ignore[attr-defined]


def _signals(answer: object) -> list[str]:
    return [h.signal for h in answer.safety]  # type: ignore[attr-defined]


def _caution(answer: object) -> list[str]:
    return [h.signal for h in answer.caution]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o11-01", "partner_violence", "veilig-thuis"),    # reads messages, no friends, pushed
    ("o11-02", "child_maltreatment", "veilig-thuis"),  # a child screaming at night, a bang
    ("o11-05", "child_maltreatment", "veilig-thuis"),  # weals, afraid to go home
    ("o11-06", "elder_abuse", "veilig-thuis"),         # a carer who scolds and grabs
    ("o11-09", "psychiatric_crisis", "crisisdienst-113"),  # voices, the gas tap left open
    ("o11-10", "suicide", "crisisdienst-113"),         # cuts herself, rather dead
    ("o11-13", "suicide", "crisisdienst-113"),         # pills saved up, "een eind aan maakt"
    ("o11-14", "eviction_cutoff", "crisis-schulden"),  # water cut off the day after tomorrow
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words, not named: its signal, its service first, the answer
    confident (the ⚠ line a professional sees in Element)."""
    answer = demo_router.route(_q(qid))
    assert signal in _signals(answer)
    assert _top(answer, 1) == [service]
    assert answer.confident


NEAR_MISSES_WORK = [
    ("o11-16", "poh-ggz"),      # English "not suicidal at all, just a bit down"
    ("o11-18", "raadslieden"),  # "dood- en doodmoe van al die brieven"
    # bullied, will not go to school: the key expects the Ouder- en Kindteam, leerplicht
    # is only acceptable. The test asked for leerplicht first, which held on a tie: a
    # strict xfail since s43-s46 (OKT 890 over leerplicht 889), passing since s47-s50
    # (session 20); since s55-s58 are examples (session 22) OKT 890, leerplicht 889 again
    # (without the four files a tie at 889, leerplicht listed first; without any one of
    # them OKT first). The first asked is now the key's expected service, on a one-point
    # margin that a retirement can flip back.
    ("o11-21", "okt"),
    ("o11-22", "jongerenloket"),  # "niet verslaafd ofzo", a phone-contract debt (schuldhulp 2nd)
]


@pytest.mark.parametrize(("qid", "first"), NEAR_MISSES_WORK)
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str, first: str) -> None:
    """Words that sound like danger but are not (negated, figurative, a debt "not an
    addiction"): no ⚠, no caution, the expected service in the top 3."""
    answer = demo_router.route(_q(qid))
    assert _signals(answer) == [] and _caution(answer) == []
    assert _top(answer, 1) == [first]
    row = QUESTIONS[qid]
    assert set(_top(answer)) & set(row["expected"] + row["acceptable"])


CAPITALISED_NOT_NAMES = [
    _q("o11-23"), _q("o11-24"), _q("o11-26"), _q("o11-27"), _q("o11-35"), _q("o11-37"),
    "Heeft Humanitas ook vrijwilligers die helpen met de administratie in Oost?",
    "Kan het Sociaal Loket meedenken over een ingewikkelde situatie met geld en wonen?",
    "Can the Voedselbank deliver at home for someone in a wheelchair?",
    "Ziggo en KPN sturen allebei aanmaningen, ze is het overzicht kwijt",
    "Mijn cliënt werkt bij PostNL maar verdient te weinig om rond te komen",
    "Na de verhuizing naar Nieuw-West weet hij niet waar hij moet beginnen met zijn post",
    "Lidl en Jumbo worden te duur, is een voedselpakket mogelijk?",
    "Does the Ouder- en Kindteam help with a toddler who won't sleep?",
    "Essent stuurt een aanmaning voor de jaarafrekening en ze kan die niet betalen",
    "The CAK keeps sending bills for the eigen bijdrage and he can't pay them",
    "Sinds Kerst Zit Hij Thuis Zonder Werk En Heeft Hij Schulden",
    "Buurtteam Zuidoost of Veilig Thuis: wie gaat over zorgen om een kind dat vaak alleen "
    "thuis is?",
    "Volgens de Belastingdienst moet ze Toeslagen terugbetalen, kan ze bezwaar maken?",
    "Welke hulp biedt Stichting Leergeld of de Stadspas voor een schoolreis?",
]


@pytest.mark.parametrize("question", CAPITALISED_NOT_NAMES)
def test_capitalised_words_that_are_no_name_are_not_refused(
        demo_router: Router, question: str) -> None:
    """Brands (Eneco, Vattenfall, Albert Heijn, Ziggo, KPN, PostNL, Lidl, Essent), bodies
    (UWV, CAK, Belastingdienst), places, services and Title Case are answered: 20/20 live."""
    assert not parse_question(question, map_names(demo_router.map)).personal


NAMES = [
    "Pieter de Vries kan zijn huur niet betalen",
    "Mohamed Bouzid zoekt werk en heeft schulden",
    "mijn cliënt Sanne Jansen is heel eenzaam",
    "Kevin Tan, 34, heeft een gokschuld",
    "Ayse Yilmaz wordt door haar man geslagen",
    "Gisteren belde Johan Bakker over zijn energierekening",
    "Can you help Emma Visser with her debts?",
    "Dhr. Willem Smit, 81, kan niet meer zelf douchen",
]


@pytest.mark.parametrize("question", NAMES)
def test_names_with_and_without_title_are_refused(demo_router: Router, question: str) -> None:
    """Synthetic first name + surname (also mid-sentence, in English, after "Dhr.") is
    refused with BB_PERSONAL_DATA: 8/8 live."""
    assert parse_question(question, map_names(demo_router.map)).personal


# ------------------------------------------------------------------ the small fix


def test_a_danger_told_with_a_name_still_gets_what_to_do_now(demo_router: Router) -> None:
    """A name and a danger ("<naam> wordt door haar man geslagen"): refused and not
    searched, as before, but the refusal now starts with the ⚠ line (Veilig Thuis
    0800-2000, 112) and says which family in ``data.safety``. Before: only the refusal."""
    question = "Ayse Yilmaz wordt door haar man geslagen"
    parsed = parse_question(question, map_names(demo_router.map))
    refusal = refuse_personal_data(parsed.findings, detect(demo_router.safety, question))
    assert refusal.nl.startswith("⚠ ") and "0800-2000" in refusal.nl and "112" in refusal.nl
    assert refusal.en.startswith("⚠ ") and "Yilmaz" not in refusal.nl + refusal.en
    assert refusal.data["safety"] == ["partner_violence"]
    assert "Je vraag lijkt een naam te bevatten" in refusal.nl


def test_a_refusal_without_danger_is_unchanged(demo_router: Router) -> None:
    """No signal: no ⚠, no safety keys in the data (the refusal as before)."""
    question = "Pieter de Vries kan zijn huur niet betalen"
    parsed = parse_question(question, map_names(demo_router.map))
    refusal = refuse_personal_data(parsed.findings, detect(demo_router.safety, question))
    assert refusal.nl.startswith("Je vraag lijkt een naam")
    assert set(refusal.data) == {"kinds", "suggest"}


# ------------------------------------------------------------------ what does not work


def test_asking_how_high_the_flat_is_signals_suicide(demo_router: Router) -> None:
    """o11-03: 'hoe hoog die flat is en of je dan meteen dood bent' is suicide, 113 first."""
    answer = demo_router.route(_q("o11-03"))
    assert "suicide" in _signals(answer) and _top(answer, 1) == ["crisisdienst-113"]


def test_english_rope_and_nobody_would_miss_him_is_strong(demo_router: Router) -> None:
    """o11-04: a rope and 'nobody would miss him' is a suicide signal, 113 first."""
    answer = demo_router.route(_q("o11-04"))
    assert "suicide" in _signals(answer) and _top(answer, 1) == ["crisisdienst-113"]


def test_english_children_locked_up_without_food_is_child_maltreatment(
        demo_router: Router) -> None:
    """o11-11: children locked in for weekends with barely any food is maltreatment."""
    answer = demo_router.route(_q("o11-11"))
    assert "child_maltreatment" in _signals(answer)
    assert _top(answer, 1) == ["veilig-thuis"]


def test_grooming_by_an_older_friend_is_signalled(demo_router: Router) -> None:
    """o11-08: the loverboy pattern described is a safety signal with Veilig Thuis."""
    answer = demo_router.route(_q("o11-08"))
    assert _signals(answer) and _top(answer, 1) == ["veilig-thuis"]


def test_a_toddler_alone_while_mother_is_passed_out_is_child_maltreatment(
        demo_router: Router) -> None:
    """o11-12: neglect of a toddler told plainly puts Veilig Thuis first with ⚠."""
    answer = demo_router.route(_q("o11-12"))
    assert "child_maltreatment" in _signals(answer) and _top(answer, 1) == ["veilig-thuis"]


def test_a_family_sleeping_in_the_car_tonight_is_homeless_tonight(demo_router: Router) -> None:
    """o11-07: no place to sleep tonight for a family is the shelter with ⚠."""
    answer = demo_router.route(_q("o11-07"))
    assert "homeless_tonight" in _signals(answer)


def test_cutting_oneself_on_the_kitchen_counter_is_no_suicide(demo_router: Router) -> None:
    """o11-19: a poor-sighted grandmother who cuts herself on the counter is a home
    adaptation, not self-harm."""
    answer = demo_router.route(_q("o11-19"))
    assert _signals(answer) == [] and _top(answer, 1) == ["wmo-hulpmiddelen"]


def test_siblings_fighting_while_playing_goes_to_the_parent_team(demo_router: Router) -> None:
    """o11-17: 'hoe leer ik ze ruzie op te lossen' is the Ouder- en Kindteam's.
    (outside11 found Veilig Thuis first, OKT 2nd; it passes since router17's merge.) A
    strict xfail since s43-s46 were retired (session 19: Veilig Thuis first, 821, no ⚠,
    by one point over OKT); plain again since s56's questions are examples (session 22:
    OKT 826, Veilig Thuis 821; without asked-heldout56 they tie at 822, Veilig Thuis
    listed first)."""
    assert _top(demo_router.route(_q("o11-17")), 1) == ["okt"]


def test_not_knowing_where_to_go_puts_the_social_desk_in_the_top_3(demo_router: Router) -> None:
    """o11-39: a question that says it does not know where it belongs names the desk
    (fixed in session 10, xfail20: Router._triage_in_top)."""
    assert "triage-algemeen" in _top(demo_router.route(_q("o11-39")))


def test_a_family_name_after_familie_is_refused(demo_router: Router) -> None:
    """'Familie Hendriks uit Noord heeft geen eten meer' names a household (fixed in
    session 10, xfail20: a capitalised surname after 'familie', 'fam.' or 'gezin')."""
    question = "Familie Hendriks uit Noord heeft geen eten meer"
    assert parse_question(question, map_names(demo_router.map)).personal


def test_asking_for_bijstand_by_name_puts_bijstand_first(demo_router: Router) -> None:
    """o11-37: a self-employed cleaner without income who asks for bijstand by name."""
    assert _top(demo_router.route(_q("o11-37")), 1) == ["bijstand"]
