"""safetycause (session 17): the ⚠ written as concepts, not sentences. s36-s38's dangers
without a ⚠ were grouped by the concept they use (too much of something taken with a body
that fails; a supply off with the bills unpaid; the whole wage taken by the bailiff; a touch
not wanted with a secret; an adult asking a minor for pictures; the family's shame with a
threat; a threat if she leaves; a child locked in or marked by a belt; an older person kept
from her children; absent with the phone off; a rope bought; a command with a dangerous
act), each concept written as word classes and measured on the retired sets it was not
written from. The probes (tests/data/socialmap/probes-s17-safetycause.jsonl) were written in
new words before the rules, with near misses that share their words. See
docs/notes/2026-12-15s17-safetycause.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s17-safetycause.jsonl")

#: Probes this branch does not read right, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe-sc-009": "'My niece is 14': an age told with 'is' is not read as a minor's "
                    "(safety._minor_age reads 'van 14', '(14)', 'of 14'), so the rules for "
                    "a minor (an adult asking for pictures in underwear) are not read; "
                    "the router's person() reads the age, this test's detect() without it not",
    "probe-sc-021": "no rule: savings moved into a carer's account is also a parent's own "
                    "choice ('naar mijn rekening overgemaakt omdat ze niet meer kan "
                    "internetbankieren', probe-sc-042 raises elder_abuse already); the rule "
                    "written for it fired on that near miss and was dropped",
    "probe-sc-026": "the ⚠ (suicide) is read, but the top 3 is the asker's (OKT, Veilig Thuis, "
                    "a pupils' allowance): the asker's own age ('I'm 16') picks the services "
                    "though the danger is the father's (Signal.elder reads 'mn moeder ... ik "
                    "ben 14', not 'My dad told me ... I'm 16'); a router matter, not a cue",
    "probe-sc-040": "child_maltreatment reads 'sloot zichzelf ... op in de badkamer': the "
                    "reflexive object of a separable verb written apart is not seen "
                    "(a false alarm of the base file, not of this branch)",
    "probe-sc-042": "elder_abuse reads an older parent's savings moved to her child's account "
                    "as abuse with no sign of force or fear (a false alarm of the base file)",
    "probe-sc-046": "psychiatric_crisis reads 'God geeft hem de opdracht' alone as a delusion "
                    "(safety34's strong cue), also for a wish to volunteer (a false alarm of the "
                    "base file)",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_safetycause(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def _read(router: Router, question: str, age: int | None = None) -> set[str]:
    """The families ``question`` raises as signals (not cautions)."""
    from busbaan.routing.safety import detect

    return {s.family.id for s in detect(router.safety, question, age) if not s.weak}


def test_too_much_needs_a_substance_and_not_responding_needs_an_intake(router: Router) -> None:
    """"te veel" of worries and "reageert niet" to letters are no overdose; too much of
    something with a body that fails is."""
    assert "overdose" not in _read(
        router, "Ik heb te veel aan mijn hoofd en mijn zoon reageert niet op mijn appjes.")
    assert "overdose" not in _read(
        router, "De huurder reageert niet op brieven, ik wil niet dat het uit de hand loopt.")
    assert "overdose" in _read(
        router, "Hij heeft een handvol pillen geslikt en reageert niet meer.")


def test_a_cut_off_announced_is_no_cut_off_now(router: Router) -> None:
    """The supply to be cut on a day ahead is eviction_cutoff's; cut this morning for
    arrears is cutoff_now's."""
    ahead = "Het waterbedrijf komt vrijdag het water dichtdraaien, ik heb al maanden niet betaald."
    assert "cutoff_now" not in _read(router, ahead)
    assert "cutoff_now" in _read(
        router, "De netbeheerder heeft vanochtend de stroom eraf gehaald wegens achterstand.")


def test_a_story_with_a_main_character_is_fiction(router: Router) -> None:
    """outside20 o20-15: a pupil's story in which the main character wants to jump is a
    subject; a pupil who writes that she herself wants to jump is read."""
    assert "suicide" not in _read(
        router, "Een meisje van 14 schreef een verhaal waarin haar hoofdpersoon van het dak "
                "wil springen.")
    assert "suicide" in _read(
        router, "Een meisje van 14 schreef in haar dagboek dat ze van het dak wil springen.")
