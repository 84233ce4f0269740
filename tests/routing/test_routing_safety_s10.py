"""Safety recall in the voices of people outside the social domain (issue 8, session 8,
second round, safety10): bus drivers, pharmacists, employers, caretakers and
rent-arrears staff, coaches, church and mosque volunteers, shopkeepers, district nurses
and school staff who meet danger at work; short phone messages; long case notes with
the danger in one sentence among other needs. A sample of the s10 probes and near
misses (tests/data/socialmap/safety-probes-s10.jsonl, safety-near-misses-s10.jsonl,
written before the changes they measure), one test per mechanism, and floors."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_near_miss_is_silent, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = {q["id"]: q for q in read_jsonl("safety-probes-s10.jsonl")}
NEAR = {q["id"]: q for q in read_jsonl("safety-near-misses-s10.jsonl")}
S8 = {q["id"]: q for q in read_jsonl("safety-probes-s8.jsonl")}
NEAR8 = {q["id"]: q for q in read_jsonl("safety-near-misses-s8.jsonl")}
FRESH = {q["id"]: q for q in read_jsonl("safety-probes-s10-fresh.jsonl")}


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """Family id -> True for a strong signal, False for a weak one."""
    return {s.family.id: not s.weak for s in detect(signals, text, age)}


def top3(router: Router, text: str) -> list[str]:
    return [r.service_id for r in router.route(text).results[:3]]


# ------------------------------------------------------------------- the probe sample


@pytest.mark.parametrize("probe_id", [
    # partner violence: bus driver, pharmacist, short message, case note, mosque, nurse
    "probe10-001", "probe10-002", "probe10-006", "probe10-007", "probe10-008", "probe10-010",
    # child maltreatment: school, coach, pharmacist, short, case note, bakery, caretaker
    "probe10-013", "probe10-014", "probe10-016", "probe10-018", "probe10-020",
    "probe10-021", "probe10-022", "probe10-023",
    # elder abuse: shop, nurse, rent arrears, short, case note, taxi
    "probe10-025", "probe10-026", "probe10-029", "probe10-031", "probe10-032", "probe10-033",
    # eviction or cut-off: rent arrears, caretaker, short, case note, English
    "probe10-035", "probe10-036", "probe10-038", "probe10-041", "probe10-044",
    # nowhere to sleep tonight: night bus, shop (19), school (15), English, boxing (17)
    "probe10-046", "probe10-048", "probe10-049", "probe10-054", "probe10-055",
    # psychiatric crisis: caretaker, bus driver, gas tap, short, case note
    "probe10-057", "probe10-058", "probe10-060", "probe10-062", "probe10-064",
    # suicide: pharmacist, HR, coach (16), case note, school (13), English
    "probe10-067", "probe10-069", "probe10-070", "probe10-074", "probe10-076", "probe10-077",
])
def test_a_danger_met_at_work_fires_its_family_and_its_service_is_in_the_top_3(
        router: Router, probe_id: str) -> None:
    q = PROBES[probe_id]
    answer = router.route(q["question"], q["context"])
    fired = {h.signal for h in (*answer.safety, *answer.caution)}
    assert q["safety"] in fired, (probe_id, fired)
    assert any(r.service_id in q["expected"] for r in answer.results[:3]), (
        probe_id, [r.service_id for r in answer.results[:3]])


@pytest.mark.parametrize("near_id", [
    "near10-006",  # a kick and a bruise in a match
    "near10-019",  # not sleeping from worry
    "near10-024",  # the Ouder- en Kindteam, a toddler's tantrums
    "near10-034",  # a son of 8 who slams doors
    "near10-001", "near10-005", "near10-012", "near10-018", "near10-026", "near10-028",
    "near10-029", "near10-038",
])
def test_a_near_miss_in_the_same_voices_is_silent(router: Router, near_id: str) -> None:
    """No safety answer, and no weak-tier service in the top 3 that the question's answer
    key does not support."""
    assert_near_miss_is_silent(router, NEAR[near_id])


# ------------------------------------------------------------------------ floors


def test_the_s10_probes_floor(router: Router) -> None:
    """Measured once before any change: 71 of 77 with an expected service in the top 3,
    53 with a (strong) safety signal, 16 with no signal at all; after safety file
    2026-12-05.7: 77, 67 and 2."""
    probes = list(PROBES.values())
    assert len(probes) == 77
    per_family: dict[str, int] = {}
    for q in probes:
        per_family[q["safety"]] = per_family.get(q["safety"], 0) + 1
    assert len(per_family) == 7 and min(per_family.values()) >= 10
    hits = signalled = 0
    for q in probes:
        answer = router.route(q["question"], q["context"])
        hits += any(r.service_id in q["expected"] for r in answer.results[:3])
        signalled += bool(answer.safety)
    assert hits >= 76
    assert signalled >= 64


def test_the_s10_fresh_probes_floor(router: Router) -> None:
    """14 probes (2 per family) written after the changes: at their first measurement 14
    in the top 3, 6 with a strong signal, 4 with none; after the last changes 14, 9, 1."""
    assert len(FRESH) == 14
    hits = signalled = 0
    for q in FRESH.values():
        answer = router.route(q["question"], q["context"])
        hits += any(r.service_id in q["expected"] for r in answer.results[:3])
        signalled += bool(answer.safety)
    assert hits == 14
    assert signalled >= 8


def test_the_s10_near_misses_floor(router: Router) -> None:
    """Before: 3 strong alarms and 1 weak-tier one of 40; after: none."""
    strong = weak = 0
    for q in NEAR.values():
        answer = router.route(q["question"], q["context"])
        wanted = set(q["expected"]) | set(q["acceptable"])
        shown = {r.service_id for r in answer.results[:3]}
        strong += bool(answer.safety) and not any(h.service_id in wanted for h in answer.safety)
        weak += any(h.service_id in shown and h.service_id not in wanted for h in answer.caution)
    assert len(NEAR) == 40
    assert strong <= 1
    assert weak <= 1


# -------------------------------------------------------------------- mechanisms


def test_a_truncated_compound_part_is_not_read(signals: Any) -> None:
    """ANS, het weglatingsstreepje: "ouder- en kindteam" is the Ouder- en Kindteam, not
    an older person ("ouder" read as "oud") whose daughter hits."""
    text = ("Kan het ouder- en kindteam met mij praten over de driftbuien van mijn dochter "
            "van 4? Ze schopt en slaat als ze haar zin niet krijgt.")
    assert "elder_abuse" not in families(signals, text, 4)
    assert "child_maltreatment" not in families(signals, text, 4)
    # the older person named on their own is read as before
    assert families(signals, "mijn oudere buurman wordt door zijn zoon geslagen en "
                             "bestolen").get("elder_abuse")


@pytest.mark.parametrize(("text", "signalled"), [
    # the subject of the nearest clause before: the child acts
    ("driftbuien van zoon (3), slaat en schopt, wie helpt met opvoeden?", False),
    ("een vader vraagt hulp bij de opvoeding, zijn zoon van 8 heeft woedeaanvallen en "
     "slaat en schopt", False),
    # a parent is that subject: a signal, after a comma as after "en"
    ("vader slaat de kinderen, schopt ze", True),
    ("de vader drinkt en slaat de kinderen", True),
    ("de buurvrouw zegt dat haar zoon bang is, vader slaat hem en schopt hem", True),
])
def test_an_elided_subject_is_that_of_the_nearest_clause_before(
        signals: Any, text: str, signalled: bool) -> None:
    assert ("child_maltreatment" in families(signals, text)) is signalled


def test_the_s8_tantrum_near_miss_is_silent_now(router: Router) -> None:
    """safety9's open point (near8-027): "driftbuien van zoon (3), slaat en schopt"."""
    q = NEAR8["near8-027"]
    assert not router.route(q["question"], q["context"]).safety


def test_a_parents_crisis_told_by_a_minor_is_an_adults_crisis(router: Router) -> None:
    """safety9's open point (probe8-081): the asker's own age ("ik ben 14") says nothing
    about the mother's; the services are those open to an adult."""
    q = S8["probe8-081"]
    answer = router.route(q["question"], q["context"])
    assert answer.leeftijd == 14
    assert {h.service_id for h in answer.caution} == {"ggd-vangnet"}
    assert "ggd-vangnet" in [r.service_id for r in answer.results[:3]]
    father = router.route("ik ben 14, mijn vader zegt dat hij er een eind aan wil maken")
    assert father.safety[0].service_id in {"ggz-specialistisch", "ggd-vangnet"}


@pytest.mark.parametrize(("text", "first"), [
    # the asker is the one in danger: the minors' services, as before
    ("ik ben 14 en ik wil dood, mn moeder snapt het niet", "okt-opvoedondersteuning"),
    ("ik ben 15 en mn moeder heeft me eruit gegooid, waar moet ik vannacht slapen",
     "vt-advies-melding"),
])
def test_a_minor_in_danger_keeps_the_minors_services(
        router: Router, text: str, first: str) -> None:
    assert router.route(text).results[0].service_id == first


def test_a_match_or_slamming_doors_is_no_violence(signals: Any) -> None:
    """The asker's plain cause (a kick in a match) and Van Dale's 'met de deuren slaan'."""
    assert not families(signals, "een jongen van 12 kreeg een harde trap tegen zijn been in "
                                 "de wedstrijd en heeft een flinke blauwe plek")
    assert not families(signals, "mijn zoon van 8 heeft woedeaanvallen en slaat met de deuren")
    # without the match, a kick and a bruise on a child are read as before
    assert "child_maltreatment" in families(signals, "de jongen van 12 heeft een blauwe plek, "
                                                     "zijn vader schopt hem")


def test_not_sleeping_from_worry_is_no_crisis(signals: Any) -> None:
    assert "psychiatric_crisis" not in families(
        signals, "kan niet slapen van het piekeren, huisarts noemde poh")
    assert "psychiatric_crisis" in families(
        signals, "mijn broer slaapt niet meer en hoort stemmen die zeggen dat hij moet springen")


@pytest.mark.parametrize(("text", "family"), [
    ("vriend knijpt me keel dicht als hij dronken is", "partner_violence"),
    ("de peuter heeft plekken in de vorm van vingers op zijn armen", "child_maltreatment"),
    ("de moeder geeft haar baby slaapmiddelen om hem stil te krijgen", "child_maltreatment"),
    ("vader laat zijn kinderen van 4 en 6 regelmatig urenlang alleen", "child_maltreatment"),
    ("a man told me he will sleep under the bridge tonight", "homeless_tonight"),
    ("hij zegt dat zijn kinderen beter af zijn met de levensverzekering", "suicide"),
    ("hij vroeg of hij al zijn slaappillen in een keer kon ophalen", "suicide"),
    ("ze roept dat ze haar volgen met camera's en sprong voor een bus", "psychiatric_crisis"),
    ("broer denkt dat hij jezus is, rende snelweg op", "psychiatric_crisis"),
])
def test_the_work_voices_cues(signals: Any, text: str, family: str) -> None:
    assert families(signals, text).get(family), (text, families(signals, text))
