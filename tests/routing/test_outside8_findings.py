"""outside8 (session 7): problems found by using the wegwijzer the way its users meet it
(`make dev`, a plain nio client in direct chats with @wegwijzer, 40 questions of my own
written before any answer was seen), shown here at router level on the shipped demo map.

Each test is ``xfail(strict=True)`` with the reason; when the lead fixes one, remove its
marker. See docs/notes/2026-12-05s7-outside8.md for what the professional saw.
"""

from __future__ import annotations

import re

import pytest

from busbaan.routing import Router

# ---------------------------------------------------------------- 1. past danger


# Fixed in session 7 (safety file 2026-12-05.4, `past`): danger placed in the past
# ('vroeger', 'tien jaar geleden', 'toen ze klein was, nu is ze 45') fired the family as
# acute: the safety service first with the 'bel 112 / vannacht' sentence, confident.
@pytest.mark.parametrize("question", [
    "Vroeger sloeg haar ex haar, dat is tien jaar geleden, nu zoekt ze werk",
    "Haar vader sloeg haar toen ze klein was, nu is ze 45 en zit ze in de schulden",
    "Ze heeft vroeger op straat geslapen maar heeft nu een woning, alleen er staat nog niks in",
    "Hij heeft jaren geleden op straat geleefd, nu woont hij zelfstandig en zoekt werk",
])
def test_danger_in_the_past_is_not_acute(demo_router: Router, question: str) -> None:
    answer = demo_router.route(question)
    assert not answer.safety, [h.signal for h in answer.safety]


# Fixed in session 7 with the `past` markers: 'vroeger op straat geslapen maar heeft nu
# een woning' was answered confidently with the night shelter.
def test_a_former_rough_sleeper_with_an_empty_home_gets_furnishing_help(
        demo_router: Router) -> None:
    answer = demo_router.route("Ze heeft vroeger op straat geslapen maar heeft nu een "
                               "woning, alleen er staat nog niks in")
    assert answer.results[0].service_id == "bijzondere-bijstand" or not answer.confident


# ------------------------------------------------------- 2. a toddler as a parent


# Fixed in session 7: could_be_parent has a lower bound (context.YOUNGEST_PARENT); before,
# a child of 2 or 3 was read as the person, then as a possible parent, so Leerplicht
# (5-17) was admitted, ranked first, and the answer said 'leeftijd 2 past (5–17 jaar)'.
@pytest.mark.parametrize(("question", "age"), [
    ("kindje van 2 heeft geen plek op de kinderopvang, moeder moet werken", 2),
    ("dochter van 3 heeft geen plek op de kinderopvang", 3),
    ("kind van 2 wordt gepest", 2),
])
def test_a_toddler_is_not_admitted_to_a_school_age_service(
        demo_router: Router, question: str, age: int) -> None:
    answer = demo_router.route(question)
    services = {s.id: s for s in demo_router.map.services}
    for result in answer.results:
        claimed = re.search(rf"leeftijd {age} past", result.why or "")
        if claimed:
            assert services[result.service_id].admits_age(age), (result.service_id,
                                                                  result.why)
    assert "leerplicht" not in [r.service_id for r in answer.results]


# ------------------------------------- 3. Veilig Thuis as a filler, without a signal


@pytest.mark.xfail(strict=True, reason="no safety signal and no caution, yet Veilig Thuis "
                   "is first on 'baby', 'huilt', 'nacht', 'moeder': 59 of its 207 examples "
                   "share a word (OKT: 20 of 84), and its best ones describe crying babies "
                   "and children at night; of the balancing variants (session 8, "
                   "docs/benchmarks.md) only the strongest, (median/count)^0.5, moves it, at "
                   "2.8 points of top-1; session 9: those examples carry no signal, so the "
                   "danger-example gate leaves it (only gating all VT examples moves it)")
@pytest.mark.parametrize("question", [
    "baby van 8 maanden huilt de hele nacht, de moeder is uitgeput",
])
def test_no_signal_no_veilig_thuis_first(demo_router: Router, question: str) -> None:
    answer = demo_router.route(question)
    assert not answer.safety and not answer.caution
    assert answer.results[0].service_id != "veilig-thuis"


def test_drinking_without_danger_goes_to_addiction_care(demo_router: Router) -> None:
    """Fixed in session 7 by the make-dev map's addiction service (devmap): before,
    Veilig Thuis came first without a signal."""
    answer = demo_router.route("man drinkt elke dag veel alcohol en wil daarmee stoppen")
    assert not answer.safety and not answer.caution
    assert answer.results[0].service_id != "veilig-thuis"
    assert "verslavingszorg" in [r.service_id for r in answer.results[:3]]


@pytest.mark.xfail(strict=True, reason=(
    "since the safety gate s62 is examples (session 23; it passes without "
    "asked-heldout62, and with asked-heldout59..62 left out): Veilig Thuis second again "
    "(the Taalhuis 866, Veilig Thuis 810, the Ouder- en Kindteam 756; confident, 944), no "
    "signal: the desk for dangers is opened by the share of its examples among the "
    "question's nearest (vtfiller), and the gate's danger examples raise that share"))
def test_a_language_course_does_not_list_veilig_thuis(demo_router: Router) -> None:
    """A strict xfail until session 15: a confident language-course answer listed Veilig
    Thuis second, 'past bij: spreekt, nederlands, taalles': one example ('Mijn man slaat
    mij ... Ik spreek niet goed Nederlands') matched the clause in passing. Fixed by
    vtfiller: a desk for dangers only votes with its examples only when a signal, its
    share of the question's nearest examples or its name opens it."""
    answer = demo_router.route("vrouw spreekt nauwelijks Nederlands en wil graag op taalles")
    assert answer.results[0].service_id == "taalhuis"
    assert "veilig-thuis" not in [r.service_id for r in answer.results[:3]]


# ------------------------------------------ 4. services with the most examples win


# Wmo hulpmiddelen (137 examples on this map) comes first on one example that mentions
# loneliness in passing. The balanced example vote of session 8 (balance9) fixed it, but
# cost safety recall on the retired sets and top-1 on unseen ones; removed in session 10
# (docs/notes/2026-12-08s10-switches20.md).
@pytest.mark.xfail(strict=True, reason="the biggest services win on an everyday word; "
                   "fixed only by the balanced example vote, removed in session 10")
def test_a_lonely_older_woman_gets_the_older_persons_adviser_first(
        demo_router: Router) -> None:
    answer = demo_router.route("geen schulden, wel eenzaam: mevrouw van 78 in Zuid zit de "
                               "hele dag alleen thuis")
    assert answer.results[0].service_id == "ouderenadvies"


@pytest.mark.xfail(strict=True, reason="debts named as the need, age 23: Jongerenloket "
                   "first on 'duo, jonge' and the age prior (18-26, x1.4); not the example "
                   "count (session 8: unchanged by every balancing variant)")
def test_a_young_man_with_debts_gets_debt_help_first(demo_router: Router) -> None:
    answer = demo_router.route("jonge man van 23 heeft een huurachterstand en een DUO-schuld "
                               "en wil hulp met zijn schulden")
    assert answer.results[0].service_id == "schuldhulp"


# ------------------------------------- 5. two phone numbers for one safety service


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# Fixed (lanes8): the demo map's Veilig Thuis and 113 carry the public national numbers
# their safety sentences name, so a lane that cannot open never shows a placeholder
# under a ⚠ line naming the real number.
def test_a_safety_service_on_the_demo_map_has_the_number_its_safety_sentence_names(
        demo_router: Router) -> None:
    services = {s.id: s for s in demo_router.map.services}
    wrong = []
    for family in demo_router.safety.families:
        first = next((sid for sid in family.services if sid in services), None)
        named = {_digits(n) for n in re.findall(r"\d[\d -]{2,}\d", family.why_nl)}
        if first is None or not named:
            continue
        phones = {_digits(str(getattr(p, "number", p))) for p in services[first].phones}
        if not named & phones:
            wrong.append((family.id, first, sorted(named), sorted(phones)))
    assert wrong == []
