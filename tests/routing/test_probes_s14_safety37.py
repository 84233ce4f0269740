"""safety37 (session 14): outside17's wrong ⚠ families and false alarms, fixed by cause,
probed in new words (tests/data/socialmap/probes-s14-safety37.jsonl): a family that gives
way to one that reads the same words more precisely (``yields_to``: a girl cast out if
she refuses a marriage is honour-based violence, not a child put out; the shouting of a
man who says he is irradiated is his crisis, not a row between partners); sextortion
told with a film on which she undresses and a threat or its spreading; a forced marriage
refused "als ze weigert"; cousins who "nakijken" her phone; strangulation with "he"; the
shutter that no longer goes up with the papers and a pet. Near misses: someone else's
house ("naar zijn huis"), the heating switched off at home, a flat cleared for works, food
gone at the end of the month, a black eye from sparring, neighbours away on holiday, a
film a girl sent herself, a marriage she wants, hands around a neck to fix a necklace.
See docs/notes/2026-12-12s14-safety37.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s14-safety37.jsonl")

#: Probes this branch does not read right yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe37-016": "the month's end is read with '...' inside one clause, and 'mijn kinderen "
                   "en ik' has 'en', which ends a figurative use's reach (_figurative_at reads "
                   "every conjunction as a clause end); child_maltreatment's neglect rule reads "
                   "'kind + geen eten + steeds' ('steeds krap' is about money)",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s37(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


@pytest.mark.parametrize(("qid", "family", "gives_way"), [
    ("probe37-004", "honour_violence", "child_maltreatment"),
    ("probe37-011", "psychiatric_crisis", "partner_violence"),
])
def test_the_precise_family_is_the_only_warning(
        router: Router, qid: str, family: str, gives_way: str) -> None:
    """Where two families read the same words, the one that gives way raises no signal
    of its own: one ⚠ line, the right one."""
    question = next(r["question"] for r in PROBES if r["id"] == qid)
    found = families(router, question)
    assert family in found
    assert gives_way not in found


def test_a_family_read_from_other_words_does_not_give_way(router: Router) -> None:
    """A partner who hits her is partner violence even when his shouting is a psychosis:
    the two readings share no word, so both warnings stay."""
    question = ("Mijn man schreeuwt sinds gisteren dat de buren hem vergiftigen, en "
                "vannacht sloeg hij mij met een stoel.")
    assert {"psychiatric_crisis", "partner_violence"} <= families(router, question)


def test_a_child_cast_out_without_a_marriage_is_still_neglect(router: Router) -> None:
    """With no forced marriage or honour read, parents who put a girl of 15 out of the
    house stay child_maltreatment's (the precedence needs the other family signalled);
    cast out for refusing a marriage, it is honour_violence's alone."""
    from busbaan.routing.safety import detect

    def read(question: str) -> set[str]:
        return {s.family.id for s in detect(router.safety, question, 15) if not s.weak}

    assert read("Mijn leerlinge is door haar ouders verstoten en slaapt bij vriendinnen.") == {
        "child_maltreatment"}
    assert read("Als ze weigert met haar neef te trouwen, verstoot haar vader haar.") == {
        "honour_violence"}


def test_the_heating_cut_off_by_the_supplier_is_still_a_cut_off(router: Router) -> None:
    """Only the switching verbs left "verwarming": a heating cut off (afgesloten) for
    days is still a cut-off."""
    question = "Bij ons is de stadsverwarming al vijf dagen afgesloten en de baby heeft het koud."
    assert "cutoff_now" in families(router, question)


def test_an_unknown_family_in_yields_to_is_a_file_error() -> None:
    """A ``yields_to`` that names no other family of the file fails at load time with
    the family named."""
    from busbaan.routing.safety import SafetyFileError, parse_signals

    raw = {"version": "t", "families": [{
        "id": "a", "name": {"nl": "a", "en": "a"}, "services": ["x"],
        "why": {"nl": "a", "en": "a"}, "strong": ["iets"], "yields_to": ["b"]}]}
    with pytest.raises(SafetyFileError, match="yields_to"):
        parse_signals(raw, "test.yaml")
