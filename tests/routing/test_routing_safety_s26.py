"""safety26 (session 11): signals of their own for three kinds of danger that reached the
top 3 of the retired sets only through example questions: a seizure that takes the whole
income, a place to stay that ends tonight with no other, and a relative who takes over an
older person's money; and a fourth, smaller: a delusion (thoughts broadcast, people taken
for demons) with a weapon in the hand. The probes are in
tests/data/socialmap/probes-s11-safety26.jsonl (written before the fixes, new voices;
probe26-035/036 after reading, tagged `after-reading`); see docs/notes/2026-12-09s11-safety26.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s11-safety26.jsonl")

#: probe26-021: a household moving out ("we verhuizen vandaag, de oude woning moet vanavond
#: leeg zijn") reads as an eviction: eviction_cutoff's `unless` has "oude adres" but not
#: "oude woning" (dropped in session 9: read in any order it took "een benedenwoning aan een
#: oudere man" for the old address). Not this branch's kind.
#: probe26-041: thoughts "via de lampen worden uitgezonden": the verb at the end of a long
#: Dutch clause is more than two words from "gedachten", out of a cue's window.
KNOWN_GAPS = {"probe26-021", "probe26-041"}



@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s26(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def test_a_seizure_is_a_signal_only_when_it_leaves_nothing_for_the_rent(router: Router) -> None:
    """A seizure of the whole wage with the rent due is eviction_cutoff's signal; a seizure
    of part of it, or nothing left without a seizure, is not."""
    assert "eviction_cutoff" in families(
        router, "Er is beslag gelegd op zijn hele loon, hij kan de huur niet betalen")
    assert "eviction_cutoff" not in families(
        router, "Er is beslag gelegd op een deel van zijn loon, de huur lukt nog")
    assert "eviction_cutoff" not in families(
        router, "Na de huur hou ik niks over van mijn loon, hoe maak ik een budget")


def test_a_bed_that_ends_needs_no_other_place_and_a_time(router: Router) -> None:
    """Having to leave where one stays, with no other place, tonight: homeless_tonight.
    Leaving alone, or not knowing where to go alone, is no signal."""
    assert "homeless_tonight" in families(
        router, "Hij mag vanavond niet meer blijven bij zijn oom en heeft geen ander adres")
    assert "homeless_tonight" not in families(
        router, "Hij mag vanavond niet meer blijven op het feest, zegt de gastheer")
    assert "homeless_tonight" not in families(
        router, "Ik weet niet waar ik vanavond heen moet voor de bingo")


def test_a_relative_takes_the_money_but_not_the_older_person_herself(router: Router) -> None:
    """A son who lives off his mother's pension is elder_abuse's signal; a mother who
    lives off her own pension is not."""
    assert "elder_abuse" in families(
        router, "Mijn moeder (80): mijn broer leeft van haar aow en ze durft niks te zeggen")
    assert "elder_abuse" not in families(
        router, "My mother (80) lives off her pension and wants a cheaper phone plan")


def test_the_age_said_as_a_predicate_is_read(router: Router) -> None:
    """"my dad is 85" gives the age as "my dad (85)" does (person_min_age)."""
    question = "My dad is 85 and my brother took over his account; dad can't pay for food"
    assert "elder_abuse" in families(router, question)
    assert "elder_abuse" not in families(
        router, "My dad is 45 and my brother took over his account; dad can't pay for food")


def test_a_delusion_with_a_weapon_but_not_a_games_demons(router: Router) -> None:
    """Thoughts broadcast or people taken for demons, with a weapon held, is
    psychiatric_crisis's signal; a game's demons and a scream at a screen are not."""
    assert "psychiatric_crisis" in families(
        router, "Hij roept dat de buren zijn gedachten uitzenden en loopt rond met een hamer")
    assert "psychiatric_crisis" not in families(
        router, "Mijn zoon speelt een spel met demonen en schreeuwt tegen zijn scherm")
