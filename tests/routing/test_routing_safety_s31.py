"""safety31 (session 12): false alarms and the last unraised dangers of the retired sets,
by kind of wording: a turn to seriousness after a joke ("maar even serieus") and the
asker's gloss ("Aan mijn webwinkeltje bedoel ik") keep the joked words unread; a child
heard through the wall; an unexplained injury with stories that differ; phone Dutch that
drops the final -n ("stemme", "afgeslote"); a negation after "kan" is the ability's
("sinds gister kan niet douchen"); the supply said as lacking ("geen stroom, meter dicht
gedaan"); a particle before an extraposed phrase ("krijgt amper eten binnen door zijn
gebit"); neglect of an older person needs the one who neglects. The probes (written
before the fixes, new voices, with near misses) are in
tests/data/socialmap/probes-s12-safety31.jsonl; see docs/notes/2026-12-10s12-safety31.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import _dropped_n, load_signals

PROBES = read_jsonl("probes-s12-safety31.jsonl")

#: Probes this branch does not read yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe31-016": "a child named only by an age ('a 6-year-old') is no word of the child "
                   "weak list's `needs`, so two weak signs of an injury raise nothing",
    "probe31-030": "a placement's end months away ('moet in november weg uit de woning') reads "
                   "as eviction (moeten + woning uit + a month): the eviction date months away "
                   "is safety30's kind in this session",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s31(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


@pytest.mark.parametrize(("text", "family"), [
    ("ik spring van het dak lol maar serieus nu: ik wil niet meer leven", "suicide"),
    ("Ik wil er een eind aan maken. Dat bedoel ik echt.", "suicide"),
    ("I want to end it all. I mean, nobody would even notice.", "suicide"),
    ("haha ik wil dood, maar even serieus, ik meen het", "suicide"),
])
def test_the_danger_after_or_meant_is_read(router: Router, text: str, family: str) -> None:
    """Words after the turn, a gloss by a pronoun ("Dat bedoel ik"), "I mean" opening a
    clause, and a joke said to be meant are all read."""
    assert family in families(router, text)


@pytest.mark.parametrize("text", [
    "ik spring van het dak haha, maar even serieus: wie helpt met de huurtoeslag",
    "Ik wil er een eind aan maken. Aan mijn lidmaatschap van de bieb bedoel ik.",
])
def test_the_joked_or_glossed_words_are_not_read(router: Router, text: str) -> None:
    """The words before a turn to seriousness or before a glossed phrase are not read."""
    assert "suicide" not in families(router, text)


def test_phone_dutch_without_final_n_is_read_as_the_cue_word() -> None:
    """"stemme" is "stemmen" and "afgeslote" "afgesloten" where the full word is a cue
    word; a common word ("jonge") or a word with no cue behind it stays itself."""
    spelling = load_signals().spelling
    assert _dropped_n("stemme", spelling) is not None
    assert _dropped_n("afgeslote", spelling) is not None
    assert _dropped_n("jonge", spelling) is None
    assert _dropped_n("hebbe", spelling) is None


def test_a_negation_after_kan_is_the_abilitys(router: Router) -> None:
    """"sinds gisteren kan niet douchen": the time word stays read; "niet afgesloten" is
    still a denial."""
    assert "cutoff_now" in families(router, "water dicht gedaan sinds gisteren kan niet koken")
    assert "cutoff_now" not in families(router, "het water is niet afgesloten, ik kan koken")
