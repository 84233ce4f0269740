"""Session 9, safety16 (issue 8; safety file 2026-12-06.21): the safety signal's own
recall, so that the safety services' example votes are not the net for dangers the
signal file misses. Each cause tested in our own words (not the retired questions).

- A cause in quotation marks ("ze zegt dat ze 'gevallen' is") is the person's account,
  not the asker's explanation: it does not cancel the signs.
- An older person named by a title or kin word with an age ("mw 84", "oom 78",
  "Mevrouw (79, ...)") is the family's older person.
- Threats said as a consequence, the ex who waits at the door, being locked in, the
  swollen face with a cover story; control told in the first person.
- An infant's neglect (nappy, bottle, no weight gained, nobody comes), night visits to a
  child's room, a child kept out of the house at night.
- Money of an older person: the card or PIN taken, the pension emptied; a wet bed and
  sores; "doet boodschappen" is the person's own shopping unless a helper does it.
- Suicide: better if I were not here, a pet given away, affairs put in order.
- The s16 probe files (safety-probes-session9b.jsonl, safety-near-misses-session9b.jsonl),
  written before the change and measured before and after.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import _elder_age, detect

PROBES = read_jsonl("safety-probes-session9b.jsonl")
NEAR = read_jsonl("safety-near-misses-session9b.jsonl")


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """Family id -> True for a strong signal, False for a weak one."""
    return {s.family.id: not s.weak for s in detect(signals, text, age)}


@pytest.mark.parametrize(("text", "family"), [
    # a quoted cause does not explain the signs away
    ("Mijn collega heeft al weken een dik oog en striemen in haar nek; ze zegt dat ze "
     "'van de trap gevallen' is. Haar man haalt haar elke dag op.", "partner_violence"),
    # threats as a consequence, waiting at the door
    ("Mijn ex-vriend appt dat ik 'wel zie wat er gebeurt' als ik verhuis en staat elke "
     "avond voor mijn deur.", "partner_violence"),
    ("mijn vriend sluit me op als hij gaat werken", "partner_violence"),
    ("hij neemt mijn mobiel in en ik ben als de dood voor hem", "partner_violence"),
    # infants and children
    ("Het babytje van de overburen ligt vaak in een doorweekte luier en de flesjes staan "
     "zuur op het aanrecht.", "child_maltreatment"),
    ("Een meisje van 10 zei dat de buurman 's nachts op haar kamer komt en dat het ons "
     "geheim is.", "child_maltreatment"),
    ("Het jongetje van 5 van hiernaast mocht gisteravond niet naar binnen en moeder deed "
     "niet open.", "child_maltreatment"),
    # older people
    ("dhr 88, kleinzoon heeft zijn bankcard en zijn aow is elke maand al weg",
     "elder_abuse"),
    ("Mevrouw (91, slechtziend) ligt steeds in een nat bed en heeft open plekken; haar "
     "neef woont bij haar in.", "elder_abuse"),
    # suicide
    ("Mijn broer zei dat het beter was als hij er niet meer was en hij heeft zijn hond "
     "weggegeven.", "suicide"),
])
def test_described_dangers_carry_a_signal(signals: Any, text: str, family: str) -> None:
    assert family in families(signals, text)


@pytest.mark.parametrize(("text", "age"), [
    # a helper who does the shopping is no exploitation
    ("Oma (86) heeft haar pinpas aan haar kleindochter gegeven; haar kleindochter doet de "
     "boodschappen voor haar.", None),
    ("Mijn opa van 78 doet zelf nog boodschappen bij de supermarkt; is er een "
     "boodschappendienst als hij dat niet meer kan?", None),
    # a baby in a playpen is not a boxing match, and a playpen alone is no danger
    ("Onze baby van 8 maanden speelt graag in de box; waar vind ik een tweedehands box?",
     35),
    # an ex who texts about the holidays
    ("Mijn ex appt me over de vakantieregeling van de kinderen; kan een mediator helpen?",
     40),
])
def test_near_misses_carry_no_strong_signal(signals: Any, text: str, age: int | None) -> None:
    assert True not in families(signals, text, age).values()


def test_elder_age_after_a_title_or_kin_word() -> None:
    assert _elder_age("mw 84, woont alleen") == 84
    assert _elder_age("oom 78, dement.") == 78
    assert _elder_age("Mevrouw (79, erg vergeetachtig)") == 79
    assert _elder_age("mijn moeder 70 euro") is None
    assert _elder_age("de buurman heeft 3 kinderen") is None


def test_a_quoted_cause_is_read_but_does_not_explain(signals: Any) -> None:
    quoted = "Een cliënte heeft een gebroken pols, 'gevallen' zegt ze, haar man praat voor haar."
    plain = "Een cliënte heeft een gebroken pols, ze is gevallen."
    assert "partner_violence" in families(signals, quoted)
    assert "partner_violence" not in families(signals, plain)


def test_the_s16_probes_floor(router: Router) -> None:
    """24 probes written before the change: 22 in the top 3 and 6 with a strong
    signal at the branch point (d5b1e8b); after safety file 2026-12-06.21: 23 and 17."""
    # session 19: since s43-s46 were examples probe16-011 (a man of 90 at the bank counter
    # with a younger man who does all the talking) had Veilig Thuis out of the top 3 and
    # was asserted apart (floor 22 of the other 23); session 20: since s47-s50 are
    # examples it is back (it is out again without the four files), so the floor was 23.
    # Session 22: since s58's questions are examples it is out again (the AOW 829, the
    # elderly advisor 807, the police 761; back in without asked-heldout58), so it is asserted
    # apart again (a strict xfail below) and the floor is 22 of the other 23.
    assert len(PROBES) == 24
    hits = signalled = 0
    for q in PROBES:
        answer = router.route(q["question"], q["context"])
        signalled += bool(answer.safety)
        if q["id"] != "probe16-011":
            hits += any(r.service_id in q["expected"] for r in answer.results[:3])
    assert hits >= 22
    assert signalled >= 17


def test_the_man_at_the_bank_counter_has_veilig_thuis_in_the_top_3(router: Router) -> None:
    """probe16-011, apart from the floor above. A strict xfail in session 22 (since s58's
    questions were examples, Veilig Thuis was out of the top 3); Veilig Thuis is in the top
    3 again since s59-s62 are examples (session 23: the AOW 829, the elderly advisor 808,
    Veilig Thuis 787; out again with the four files left out, or without asked-heldout60
    alone, 759): plain."""
    q = next(p for p in PROBES if p["id"] == "probe16-011")
    answer = router.route(q["question"], q["context"])
    assert any(r.service_id in q["expected"] for r in answer.results[:3])


def test_the_s16_near_misses_ceiling(router: Router) -> None:
    """12 near misses: 1 strong and 1 weak alarm at the branch point, and after."""
    assert len(NEAR) == 12
    strong = weak = 0
    for q in NEAR:
        answer = router.route(q["question"], q["context"])
        strong += bool(answer.safety)
        weak += bool(answer.caution) and not answer.safety
    assert strong <= 1
    assert weak <= 1
