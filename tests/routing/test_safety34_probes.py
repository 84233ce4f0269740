"""safety34 (session 13): dangers that raised no ⚠ signal, by kind of language: a
psychosis told by a relative (the TV that sends messages, God who told him, being
followed, a chip in the head; barefoot in the street, an axe, a screwdriver); elder abuse
at the bank counter (a relative who has her withdraw or sign, with fear, a whisper, a
look at him first), restraint (shut in, tied to a chair, welts) and blows heard with a
wound; a partner's repeated fractures with a cover story, "finish what he started"; a
child left alone said "kindjes"/"little ones", food withheld as a punishment, a Turkish
kin word; an adult paying a minor for underwear photos; flies behind the window with
the curtains closed; a judgment with "huis uit"; waking undressed with words between; a
way to die looked up with "better off without me". Each new cue has a near miss: a notary
with an anxious grandfather, a walk at night, bare feet in the grass, tools for a shed,
a son who moves out, a judgment on an inheritance, flies in summer, a husband's own
fracture from keeping goal, a boy rough at football, a hotel job, waking without a duvet,
ending a lease. The probes are in tests/data/socialmap/probes-s13-safety34.jsonl; see
docs/notes/2026-12-11s13-safety34.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s13-safety34.jsonl")

#: Probes this branch does not read right yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe34-102": "an older woman who withdraws her own money for her grandson's birthday "
                   "and fears forgetting her PIN: elder_abuse's bank-card rule (older person "
                   "+ 'pincode' + a relative word) reads the grandson as the one who uses the "
                   "card (false alarm from before this branch; the rule has no actor)",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s34(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def test_a_single_weak_suicide_sign_stays_a_caution(router: Router) -> None:
    """"Het is beter zonder mij" alone is one weak sign (a caution, never the signal);
    with a way looked up it is a signal."""
    alone = "Soms denk ik dat het beter is zonder mij."
    assert "suicide" not in families(router, alone)
    assert "suicide" in families(router, alone, weak=True)
    looked_up = " Gisteren zocht ik op internet naar ways to end it."
    assert "suicide" in families(router, alone + looked_up)


def test_the_bank_rule_wants_the_relatives_act_and_the_fear(router: Router) -> None:
    """An older person, a relative and a withdrawal he has her make are not enough
    alone; with her fear of him (or a whisper, a look at him first) they are a signal."""
    act = ("Mijn oma van 87 komt met haar kleinzoon, die elke week 400 euro van haar "
           "rekening laat opnemen")
    assert "elder_abuse" not in families(router, act + ".")
    assert "elder_abuse" in families(router, act + ", en ze is bang voor hem.")


def test_a_psychosis_sign_needs_a_danger_and_a_danger_needs_a_sign(router: Router) -> None:
    """The TV that sends messages with a night on the street barefoot is a signal; the
    barefoot walk alone, or the belief alone, is not."""
    sign = "My brother is sure the TV is sending him messages"
    danger = "he walked outside barefoot at 3am"
    assert "psychiatric_crisis" in families(router, f"{sign} and {danger}.")
    assert "psychiatric_crisis" not in families(router, f"My brother {danger[3:]}.")
    assert "psychiatric_crisis" not in families(router, sign + ".")
