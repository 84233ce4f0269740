"""Safety recall in the held-out writers' voices (issue 8, session 8, safety9): chat
shorthand, citizens' stories with detail that does not matter, young people's chat,
newcomers' simple Dutch, English. A sample of the s8 probes and near misses
(tests/data/socialmap/safety-probes-s8.jsonl, safety-near-misses-s8.jsonl, written
before the changes they measure), one test per mechanism, and floors on both sets."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_near_miss_is_silent, read_jsonl

from busbaan.routing import Router
from busbaan.routing.context import person
from busbaan.routing.safety import detect

PROBES = {q["id"]: q for q in read_jsonl("safety-probes-s8.jsonl")}
NEAR = {q["id"]: q for q in read_jsonl("safety-near-misses-s8.jsonl")}


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """Family id -> True for a strong signal, False for a weak one."""
    return {s.family.id: not s.weak for s in detect(signals, text, age)}


def top3(router: Router, q: dict[str, Any]) -> list[str]:
    return [r.service_id for r in router.route(q["question"], q["context"]).results[:3]]


# ------------------------------------------------------------------- the probe sample


@pytest.mark.parametrize("probe_id", [
    # partner violence: chat, youth, English, simple Dutch
    "probe8-001", "probe8-004", "probe8-009", "probe8-010", "probe8-005",
    # child maltreatment
    "probe8-013", "probe8-015", "probe8-018", "probe8-022",
    # elder abuse
    "probe8-025", "probe8-027", "probe8-032", "probe8-036",
    # nowhere to sleep tonight (adults, a young adult, a minor)
    "probe8-039", "probe8-042", "probe8-043", "probe8-047",
    # eviction or cut-off
    "probe8-052", "probe8-056", "probe8-058", "probe8-059",
    # suicide
    "probe8-062", "probe8-063", "probe8-066", "probe8-068", "probe8-071", "probe8-072",
    # psychiatric crisis
    "probe8-073", "probe8-074", "probe8-076", "probe8-080", "probe8-083",
])
def test_a_described_danger_fires_its_family_and_its_service_is_in_the_top_3(
        router: Router, probe_id: str) -> None:
    q = PROBES[probe_id]
    answer = router.route(q["question"], q["context"])
    fired = {h.signal for h in (*answer.safety, *answer.caution)}
    assert q["safety"] in fired, (probe_id, fired)
    assert any(r.service_id in q["expected"] for r in answer.results[:3]), (
        probe_id, [r.service_id for r in answer.results[:3]])


@pytest.mark.parametrize("near_id", [
    "near8-005",  # the meldcode as a job
    "near8-008",  # "homeless people" as a group, and sleeping rough years ago
    # gas and electricity off at the old address when moving (a dangerknn trade-off
    # until the examples' ⚠ was kept off the debt-crisis desk, session 17)
    "near8-016",
    "near8-023",  # the night shelter last year, now a home of one's own
    "near8-033",  # the scouts sleep outside in tents tonight
    "near8-042",  # savings spent on a care home, "no one stole anything"
    "near8-002", "near8-003", "near8-014", "near8-015", "near8-028", "near8-030",
])
def test_a_near_miss_in_the_same_voices_is_silent(router: Router, near_id: str) -> None:
    """No safety answer, and no weak-tier service in the top 3 that the question's answer
    key does not support."""
    assert_near_miss_is_silent(router, NEAR[near_id])


# ------------------------------------------------------------------------ floors


def test_the_s8_probes_floor(router: Router) -> None:
    """Measured once before any change: 78 of 84 with an expected service in the top 3
    and 47 with a (strong) safety signal; after session 8's safety file: 83 and 64."""
    probes = list(PROBES.values())
    assert len(probes) == 84
    assert {q["safety"] for q in probes} == {
        "partner_violence", "child_maltreatment", "elder_abuse", "homeless_tonight",
        "eviction_cutoff", "suicide", "psychiatric_crisis"}
    hits = signalled = 0
    for q in probes:
        answer = router.route(q["question"], q["context"])
        hits += any(r.service_id in q["expected"] for r in answer.results[:3])
        signalled += bool(answer.safety)
    assert hits >= 82
    assert signalled >= 60


def test_the_s8_near_misses_floor(router: Router) -> None:
    """Before: 6 strong alarms and 3 weak-tier ones of 44; after: at most 1 and 2."""
    strong = weak = 0
    for q in NEAR.values():
        answer = router.route(q["question"], q["context"])
        wanted = set(q["expected"]) | set(q["acceptable"])
        shown = {r.service_id for r in answer.results[:3]}
        strong += bool(answer.safety) and not any(h.service_id in wanted for h in answer.safety)
        weak += any(h.service_id in shown and h.service_id not in wanted for h in answer.caution)
    assert len(NEAR) == 44
    assert strong <= 1
    assert weak <= 2


# -------------------------------------------------------------------- mechanisms


@pytest.mark.parametrize(("text", "age"), [
    ("mn vriend is 16 en zn pa heeft zijn spullen op straat gegooid", 16),
    ("my friend is 17, her parents kicked her out", 17),
    ("mijn dochter is 15. Mijn man heeft haar uit huis gestuurd", 15),
    ("mijn huur is 650 euro per maand", None), ("mijn zoon is 3 maanden oud", None),
])
def test_an_age_said_with_a_possessive_and_a_noun(text: str, age: int | None) -> None:
    """'mn vriend is 16': a copula with a bare number is the age of the person named (as
    'ze is pas 15'); an amount or a duration is no age."""
    assert person(text, {}).leeftijd == age


def test_a_minor_named_by_a_possessive_age_gets_the_minors_services(router: Router) -> None:
    answer = router.route("mn vriend is 16 en zn pa heeft z'n spullen op straat gegooid, hij "
                          "slaapt nu al twee nachten in een trappenhuis. wat kan hij doen")
    assert answer.results[0].service_id == "vt-advies-melding"
    assert not any(r.service_id.startswith("mo-") for r in answer.results[:3])


def test_put_out_with_a_split_er_uit(signals: Any) -> None:
    """ANS: the adverbial pronoun split from its preposition ('heeft me er net
    uitgegooid') is 'eruit gegooid'; with tonight it is a night without a bed."""
    assert families(signals, "ik ben 18 en mn moeder heeft me er net uitgegooid, waar moet ik "
                             "vannacht heen").get("homeless_tonight") is True
    assert "homeless_tonight" not in families(
        signals, "Ik heb er net de oude tegels uitgegooid, wie betaalt een nieuwe vloer?")


def test_a_cut_off_at_the_old_address_is_no_signal(signals: Any) -> None:
    """Besluit kleinverbruik: the supply ends with the move; the same words for the
    asker's own home are a cut-off."""
    assert "eviction_cutoff" not in families(
        signals, "we're moving and the gas and electricity will be cut off at the old address "
                 "on friday")
    assert families(signals, "the gas and electricity will be cut off on friday, we can't pay"
                    ).get("eviction_cutoff") is True


def test_the_meldcode_as_a_job_or_a_course_is_no_signal(signals: Any) -> None:
    assert families(signals, "Als aandachtsfunctionaris meldcode zoek ik een training.") == {}
    assert families(signals, "Ik volg de e-learning meldcode, waar vind ik die?") == {}
    assert families(signals, "Volgens de meldcode moet ik hier iets mee: het kind heeft "
                             "striemen op zijn rug.").get("child_maltreatment") is True


def test_last_year_is_past(signals: Any) -> None:
    assert families(signals, "cl heeft vorig jaar in de nachtopvang gezeten, nu eigen woning, "
                             "vraagt inrichtingskosten") == {}
    assert "homeless_tonight" in families(
        signals, "cl zit sinds gisteren in de nachtopvang en moet er morgen weer uit")


def test_a_denial_of_theft_by_the_asker_cancels_the_money_rules(signals: Any) -> None:
    assert "elder_abuse" not in families(
        signals, "My grandma's savings are all gone because she paid for her care home, no "
                 "one stole anything.")
    assert families(signals, "My grandma's savings are all gone since her carer got her bank "
                             "card.").get("elder_abuse") is True


def test_a_threat_said_with_an_object_pronoun_is_partner_violence(signals: Any) -> None:
    """Meldcode, bedreiging: 'dat ie me wat aandoet'; the reflexive 'zichzelf iets
    aandoen' is suicide's, not the partner's."""
    assert families(signals, "mijn vriend zegt dat ie me wat aandoet als ik het uitmaak"
                    ).get("partner_violence") is True
    fired = families(signals, "Mijn vriend zegt dat hij zichzelf iets aandoet als ik weg ga.")
    assert "partner_violence" not in fired and fired.get("suicide") is True
    assert families(signals, "her boyfriend threw a chair at her again"
                    ).get("partner_violence") is True


def test_a_burden_said_with_a_comparative(signals: Any) -> None:
    """113: 'jullie hebben het makkelijker zonder mij'; 'beter' (read as 'goed') only with
    'iedereen' as a weak cue, and never for work."""
    assert families(signals, "sorry voor alles, jullie hebben het straks makkelijker zonder mij"
                    ).get("suicide") is True
    assert "suicide" not in families(signals, "het gaat beter zonder mij op het werk")
    assert "suicide" not in families(signals, "Mijn vriend is er klaar mee, hij wil een andere "
                                              "baan.")


def test_delusions_said_plainly_with_danger(signals: Any) -> None:
    """Schakelteam: achterdocht en wanen (radiation, things in the walls, poison) with a
    danger (fire, not eating)."""
    assert families(signals, "huurder steekt spullen in brand op balkon, zegt dat er iets in de "
                             "muren zit").get("psychiatric_crisis") is True
    assert families(signals, "he keeps shouting that his food is poisoned and he has barely "
                             "eaten in a week").get("psychiatric_crisis") is True
    assert "psychiatric_crisis" not in families(
        signals, "De muren zijn vochtig en er zit schimmel in de muren, wie helpt?")


def test_a_date_with_a_month_for_leaving_the_home(signals: Any) -> None:
    assert families(signals, "De woningbouw zegt: u moet op 20 december weg uit het huis. Ik "
                             "heb huurschuld.").get("eviction_cutoff") is True
    # a street off gas from March: at most the weak tier, as before (no month in the
    # cut-off rule)
    assert families(signals, "Ons blok gaat van het gas af, vanaf maart wordt het gas "
                             "afgesloten.").get("eviction_cutoff") is not True
