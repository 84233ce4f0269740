"""Session 9, safety15 (issue 8; safety file 2026-12-06.11): causes of the safety misses
of the retired sets s9-s14, each tested in our own words (not the retired questions).

- Whose age: a parent (adult age in the context) tells of a child named with an age
  under 18, also written bare ("zoon 17", "dochter, 15"): the danger is the child's, so
  the services open to the child decide (Ouder- en Kindteam, not adult mental-health
  care). The asker's own danger keeps the asker's age.
- "wil nergens heen" is a refusal, not having no place to sleep.
- Delusions of reference (the tv or radio sending messages).
- A baby or toddler alone in the home, named by its kind ("bovenwoning", "flat"),
  without a time (NJi signalenlijst 0-4: toezicht); "ik woon alleen in een flat met mijn
  baby" is the asker's way of living.
- A sleeping medicine prescribed for someone else given to a young child.
- The s15 probe files (tests/data/socialmap/safety-probes-session9.jsonl and
  safety-near-misses-session9.jsonl), written before the change and measured before and after.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import _minor_age, detect

PROBES = read_jsonl("safety-probes-session9.jsonl")
NEAR = read_jsonl("safety-near-misses-session9.jsonl")


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """Family id -> True for a strong signal, False for a weak one."""
    return {s.family.id: not s.weak for s in detect(signals, text, age)}


def top3(router: Router, text: str, age: int | None) -> list[str]:
    answer = router.route(text, {"leeftijd": age})
    return [r.service_id for r in answer.results[:3]]


# ------------------------------------------------------- whose age: a named minor


@pytest.mark.parametrize(("text", "age"), [
    ("zoon 16 praat sinds dinsdag tegen mensen die er niet zijn en denkt dat hij wordt "
     "afgeluisterd, slaapt amper", 47),
    ("Onze dochter, 15, hoort stemmen en zegt dat er gif in haar eten zit. Ze eet niets.", 44),
    ("my daughter (16) says she doesn't want to be here anymore and has been cutting", 45),
])
def test_a_minors_danger_told_by_an_adult_goes_to_the_youth_service(
        router: Router, text: str, age: int) -> None:
    answer = router.route(text, {"leeftijd": age})
    assert answer.safety or answer.caution
    shown = [r.service_id for r in answer.results[:3]]
    assert "okt-opvoedondersteuning" in shown
    assert "ggd-vangnet" not in shown[:1]


def test_the_askers_own_danger_keeps_the_askers_age(router: Router) -> None:
    answer = router.route("ik hoor stemmen en ben erg achterdochtig, mijn zoon van 9 is "
                          "bang voor me", {"leeftijd": 38})
    assert answer.safety and answer.safety[0].service_id == "ggd-vangnet"


def test_another_adults_danger_is_not_the_childs(router: Router) -> None:
    answer = router.route("mijn man is psychotisch en hoort stemmen; onze zoon van 12 is "
                          "bang", {"leeftijd": 50})
    assert answer.safety and answer.safety[0].service_id == "ggd-vangnet"


@pytest.mark.parametrize(("text", "age"), [
    ("zoon 17 is in de war", 17), ("dochter, 15, slaapt niet", 15),
    ("mijn zoon van 9 wil voetballen", 9), ("son (14) is scared", 14),
])
def test_a_child_named_with_an_age(text: str, age: int) -> None:
    assert _minor_age(text) == age


@pytest.mark.parametrize("text", [
    "zoon 2 keer per week naar voetbal", "mijn dochter 3 uur per dag op school",
    "ik ga met mijn zoon van 12 naar de tandarts",  # comes along
    "zoon van 19 zoekt werk",
])
def test_no_child_under_18_named(text: str) -> None:
    assert _minor_age(text) is None


# ------------------------------------------------------------- refusal, not homeless


@pytest.mark.parametrize("text", [
    "mijn vader wil nergens heen sinds mijn moeder is overleden, is er een maatje?",
    "ze hoeft nergens heen, ze wil alleen hulp bij haar post",
])
def test_wanting_to_go_nowhere_is_no_homelessness(signals: Any, text: str) -> None:
    assert "homeless_tonight" not in families(signals, text)


def test_having_nowhere_to_go_still_reads(signals: Any) -> None:
    assert "homeless_tonight" in families(signals, "ik kan nergens heen vannacht")


# ------------------------------------------------------------ delusions of reference


@pytest.mark.parametrize("text", [
    "mijn broer denkt dat de tv hem berichten stuurt en is sinds vorige week erg verward",
    "my aunt is convinced there are messages from the tv meant for her",
])
def test_the_tv_sending_messages_is_a_psychiatric_sign(signals: Any, text: str) -> None:
    assert "psychiatric_crisis" in families(signals, text)


# ----------------------------------------------- a baby or toddler alone in the home


@pytest.mark.parametrize("text", [
    "het dreumesje van de benedenburen zit alleen in de woning, de ouders zijn weg",
    "de baby van de overburen is alleen in het appartement, niemand doet open",
    "their toddler was left alone in the flat again",
])
def test_a_very_young_child_alone_in_the_home_signals(signals: Any, text: str) -> None:
    assert families(signals, text).get("child_maltreatment") is True


@pytest.mark.parametrize("text", [
    "ik woon alleen in een flat met mijn baby, kan ik een grotere woning krijgen?",
    "onze peuter speelt graag alleen in de woonkamer, is dat normaal?",
])
def test_living_or_playing_alone_is_no_signal(signals: Any, text: str) -> None:
    assert "child_maltreatment" not in families(signals, text)


# ------------------------------------------- a medicine prescribed for someone else


def test_a_medicine_prescribed_for_someone_else_given_to_a_child(signals: Any) -> None:
    text = ("de moeder geeft haar zoontje een slaapmiddel dat van iemand anders is, hij "
            "is overdag heel suf")
    assert families(signals, text).get("child_maltreatment") is True


def test_a_sleeping_medicine_for_an_adult_is_no_child_signal(signals: Any) -> None:
    text = "mag de mantelzorger een slaapmiddel ophalen dat voor iemand anders is voorgeschreven?"
    assert "child_maltreatment" not in families(signals, text)


# ------------------------------------------------------------------------ floors


def test_the_s15_probes_floor(router: Router) -> None:
    """28 probes written before the change: 24 in the top 3 and 16 with a strong
    signal at the branch point (f9dfcff); after safety file 2026-12-06.11: 26 and 22."""
    assert len(PROBES) == 28
    hits = signalled = 0
    for q in PROBES:
        answer = router.route(q["question"], q["context"])
        hits += any(r.service_id in q["expected"] for r in answer.results[:3])
        signalled += bool(answer.safety)
    assert hits >= 26
    assert signalled >= 21


def test_the_s15_near_misses_floor(router: Router) -> None:
    """17 near misses: at the branch point 1 strong alarm (a bruise got at football)
    and 3 with a weak signal; after: 1 strong, 0 weak-tier alarms."""
    strong = weak = 0
    for q in NEAR:
        answer = router.route(q["question"], q["context"])
        wanted = set(q["expected"]) | set(q["acceptable"])
        shown = {r.service_id for r in answer.results[:3]}
        strong += bool(answer.safety) and not any(h.service_id in wanted for h in answer.safety)
        weak += any(h.service_id in shown and h.service_id not in wanted for h in answer.caution)
    assert len(NEAR) == 17
    assert strong <= 1
    assert weak == 0


def test_a_person_in_the_childs_reported_belief_is_not_the_one_in_danger(
        router: Router) -> None:
    """"dochter 15 zegt dat de buurman haar gedachten leest": the belief is the
    daughter's; the neighbour is only its content (ANS: bijzin met "dat")."""
    answer = router.route("dochter 15 zegt dat de buurman haar gedachten leest en ze "
                          "zwaait met een mes", {"leeftijd": 45})
    assert "okt-opvoedondersteuning" in [r.service_id for r in answer.results[:1]]
