"""Session 9, safety17 (issue 8; safety file 2026-12-06.31): safety answers that are
confident and wrong. Each cause tested in our own words (not the retired questions).

- A danger placed in the past and said to be over ("woont nu veilig", "is afgewend",
  "geen contact meer") stays past, even when an after-effect is current ("heeft nog
  steeds nachtmerries"). A past danger said to come back ("staat weer voor de deur",
  "komt vrij") is read as now.
- A harmless cause the asker gives for an injury in the same sentence (a fall, an
  accident, a knock, a sport, blood thinners) explains the injury. A cause told by
  someone else or in doubt ("zegt dat ze gevallen is", "zou gevallen zijn") does not.
- ``Tuning.safety_confident_share`` gates a safety answer's confidence (session 10: the
  words must bear the signal out); the safety service stays first.
- The session 9c probe files, written before the change.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("safety-probes-session9c.jsonl")
NEAR = read_jsonl("safety-near-misses-session9c.jsonl")


def strong(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


# ----------------------------------------------------- past and settled vs. recurring

@pytest.mark.parametrize("text", [
    "Jaren terug heeft mijn man me geslagen; we zijn gescheiden en ik woon al lang veilig. "
    "Ik heb nog steeds last van angst en zoek een psycholoog.",
    "Vier jaar geleden mishandelde mijn vriend me, hij zit nu vast. Ik wil nu mijn "
    "schulden aanpakken.",
    "Vorig jaar stond er een ontruiming gepland, dat is afgewend met een regeling. Nu "
    "zoek ik nog steeds een manier om mijn post bij te houden.",
    "Vroeger sloeg haar ex haar, maar ze heeft geen contact meer en is veilig. Ze heeft "
    "vandaag vragen over toeslagen.",
])
def test_a_past_danger_said_to_be_over_gives_no_alarm(signals: Any, text: str) -> None:
    assert not strong(signals, text) & {"partner_violence", "eviction_cutoff"}


@pytest.mark.parametrize(("text", "family"), [
    ("Jaren geleden sloeg mijn ex me, ik was veilig, maar nu staat hij weer voor de deur en "
     "slaat hij tegen het raam.", "partner_violence"),
    ("Vorig jaar heeft mijn ex me mishandeld. Hij komt morgen vrij en ik ben bang.",
     "partner_violence"),
    ("Twee jaar geleden werd een ontruiming afgewend, nu ligt er opnieuw een "
     "ontruimingsvonnis.", "eviction_cutoff"),
])
def test_a_past_danger_that_comes_back_is_now(signals: Any, text: str, family: str) -> None:
    assert family in strong(signals, text)


def test_a_negated_settlement_does_not_settle(signals: Any) -> None:
    text = ("Vorig jaar sloeg hij me. Ik ben nog steeds niet veilig, hij belt me elke dag "
            "en dreigt me iets aan te doen.")
    assert "partner_violence" in strong(signals, text)


# ------------------------------------------------------------ harmless causes of marks

@pytest.mark.parametrize(("text", "age"), [
    ("Onze dochter van 9 viel bij het turnen en heeft een grote blauwe plek. Ze wil op "
     "zwemles; wie betaalt mee?", 41),
    ("Mijn vader van 86 is gestruikeld over de drempel en zit onder de blauwe plekken. Hij "
     "durft niet meer naar de wc boven.", None),
    ("Mijn moeder (90) krijgt snel blauwe plekken door de bloedverdunners en kan zichzelf "
     "niet meer wassen.", None),
    ("Mijn zoon (11) kreeg zaterdag een blauw oog bij voetbal en nu wil hij een bitje en "
     "scheenbeschermers; kan het jeugdfonds helpen?", 40),
    ("Mijn dochter (6) zit sinds een ongeluk met de fiets in een rolstoel; kan de badkamer "
     "aangepast worden?", 33),
])
def test_an_injury_with_a_harmless_cause_is_no_alarm(signals: Any, text: str,
                                                     age: int | None) -> None:
    assert not strong(signals, text, age)


@pytest.mark.parametrize(("text", "age"), [
    ("Mijn kleindochter (5) heeft blauwe plekken op haar buik en zegt dat ze gevallen is, "
     "maar ze is bang voor haar stiefvader.", 60),
    ("Hij zou van de trap gevallen zijn, zegt zijn moeder, maar de jongen (7) heeft "
     "blauwe plekken op zijn rug en wil niet naar huis.", None),
    ("Mijn buurvrouw heeft een blauw oog en is doodsbang voor haar man; ze zegt dat ze "
     "tegen de deur liep.", None),
])
def test_a_cover_story_still_signals(signals: Any, text: str, age: int | None) -> None:
    assert strong(signals, text, age)


# ------------------------------------------------------------- gating confidence by rule

def test_the_gate_keeps_the_safety_service_first(router: Router) -> None:
    """Gating a safety answer's confidence never moves its service from first place."""
    text = "mijn ex slaat me en ik durf niet naar huis"
    plain = router.route(text, {})
    # a router of its own: the shared fixtures keep per-router caches
    strict = Router(router.map,
                    tuning=dataclasses.replace(router.tuning, safety_confident_share=1.01))
    answer = strict.route(text, {})
    assert plain.confident and plain.safety
    assert not answer.confident
    assert answer.results[0].service_id == plain.results[0].service_id == \
        plain.safety[0].service_id
    assert answer.safety == plain.safety


def test_the_gate_asks_the_words_to_bear_the_signal_out(router: Router) -> None:
    """Session 10: the default gate reads the question's own words (0.6 of what they give
    their first service), not the calibrated confidence of answers without a signal."""
    assert router.tuning.safety_confident_share == 0.6


# -------------------------------------------------------------------------- the files

@pytest.mark.parametrize("q", PROBES, ids=lambda q: q["id"])
def test_probe_keeps_its_service_in_the_top3(router: Router, q: dict[str, Any]) -> None:
    answer = router.route(q["question"], q["context"])
    assert any(r.service_id in q["expected"] for r in answer.results[:3])


#: near17-016 ("trap", the stairs, read as a kick) was left open here; it is silent since
#: safety24 (session 11: "de trap" is the staircase, the safety file's ``things``), and
#: the imperative xfail hid that (session 12, xfail22).
STILL_ALARMED: set[str] = set()


@pytest.mark.parametrize("q", NEAR, ids=lambda q: q["id"])
def test_near_miss_raises_no_strong_alarm(router: Router, q: dict[str, Any]) -> None:
    if q["id"] in STILL_ALARMED:
        pytest.xfail("the noun 'trap' (stairs) is read as the verb 'trappen' (kick)")
    assert not router.route(q["question"], q["context"]).safety
