"""safety32 (session 13): dangers of the retired sets s3-s26 that raised no signal, by kind
of wording: an overdose told by body signs only (a medicine, hardly wakeable, slow
breathing; something snorted and blue lips; cannot stand, heart racing); an unseen
person told from a day with signs at the door; an eviction said with the dwelling's
noun or "put the family out", a cut-off letter, "closing off"; a farewell told calmly
(things given with "won't need them", a letter to a child, a pet handed over); standing
at a height and saying one will jump; a noun negation before a time adverb ("geen bed
vanavond"); chat words for a partner ("my bf"); a death threat quoted ("dan overleef je
het niet"), a name to be cleaned, a wedding "die van haarzelf"; someone in a child's bed at
night with a secret, "forced me to do things"; a phone switched off is no one put out of
the house. The probes (new words, written before the
fixes, with near misses for each new cue) are in
tests/data/socialmap/probes-s13-safety32.jsonl; see docs/notes/2026-12-11s13-safety32.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router
from busbaan.routing.text import chat_written_out

PROBES = read_jsonl("probes-s13-safety32.jsonl")

#: Probes this branch does not read yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe32-031": "a jump denied after its particle ('springt er niet af') is still read as "
                   "'van het dak springen': the negation after a separable verb is the near-miss "
                   "logic's (safety33's scope this session)",
    "probe32-042": "'slaapt al een week niet en zegt dat ...' is read as a denial of saying "
                   "(_denied_clause: 'niet' and 'zegt' before 'dat'), though 'en' opens a clause "
                   "of its own: the near-miss logic's (safety33's scope this session)",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s32(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


@pytest.mark.parametrize(("text", "family"), [
    ("hij heeft geen dak vanavond", "homeless_tonight"),
    ("no place to stay tonight, my landlord changed the locks", "homeless_tonight"),
])
def test_a_noun_negation_does_not_reach_a_time_adverb(router: Router, text: str,
                                                      family: str) -> None:
    """"geen"/"no" denies the noun after it, not the adverb of time after that noun."""
    assert family in families(router, text)


@pytest.mark.parametrize("text", [
    "hij is vanavond niet dakloos, hij slaapt bij zijn zus",
    "geen vannacht op straat, hij heeft een kamer",
])
def test_a_negation_of_the_danger_itself_still_cancels(router: Router, text: str) -> None:
    """A negation right before the danger (or the time itself) still denies it."""
    assert "homeless_tonight" not in families(router, text)


def test_chat_spellings_are_written_out_for_the_signals() -> None:
    """"bf"/"gf"/"nite" are read as the words they stand for; a word that only contains
    them is left as written."""
    assert chat_written_out("my bf hit me last nite") == "my boyfriend hit me last night"
    assert chat_written_out("bfk gift") == "bfk gift"


def test_a_weak_farewell_sign_alone_is_only_a_caution(router: Router) -> None:
    """"Won't need it any more" with something given is one weak sign: a caution, never
    the ⚠ signal; with a second sign (a letter to a child) it is a signal."""
    alone = "I gave my old pram away, we won't be needing it any more"
    assert "suicide" not in families(router, alone)
    assert "suicide" in families(router, alone, weak=True)
    both = alone + ". I wrote letters to my children last night."
    assert "suicide" in families(router, both)
