"""safety29 (session 12): danger questions of the retired sets that reached their safety
service only through example questions, now read by a signal of their own: the older
person's age after an abbreviated title ("dhr. 88"), a widow, or a parent named in
Turkish, Darija or Papiamentu ("Annem is 71"); a typo in the danger word, read with the
ranker's spelling tolerance over the cue words ("dinsdg", "ventillatie"); a need given
"hardly" ("geeft hem nauwelijks eten"); "niemand gaat me missen"; a seizure said as the
income going to a creditor; English "cut" and Dutch "zet ... af" for a cut-off. The probes
(written before the fixes, new voices, with near misses) are in
tests/data/socialmap/probes-s12-safety29.jsonl; see docs/notes/2026-12-10s12-safety29.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import _elder_age, _misspelt, lemma, load_signals

PROBES = read_jsonl("probes-s12-safety29.jsonl")

#: probe29-021 (near miss, "Opa (79) krijgt amper eten binnen door zijn nieuwe gebit") is
#: read since safety31: a particle before an extraposed phrase still makes the verb
#: "binnenkrijgen" (safety._separable).
KNOWN_GAPS: set[str] = set()


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s29(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


@pytest.mark.parametrize(("text", "age"), [
    ("HH meldt: dhr. 88, dochter schreeuwt", 88),
    ("Mw. 82, dementie, zoon ingetrokken", 82),
    ("ik bezoek een weduwe van 79", 79),
    ("a widower of 90 next door", 90),
    ("Annem is 71, mijn broer", 71),
    ("babam 80 yasinda", 80),
    ("mi mama tin 72 aña", 72),
    ("mijn man. 70 euro per maand", None),
    ("de weduwe van 5 jaar geleden", None),
])
def test_the_older_persons_age_is_read(text: str, age: int | None) -> None:
    """An abbreviated title with its period, a widow(er), a parent in another home
    language give the age as "mw 84" does; a unit after the number gives none."""
    assert _elder_age(text) == age


def test_a_typo_in_a_danger_word_is_read_as_the_word(router: Router) -> None:
    """One edit from a cue word, not a dictionary word: read as the cue word."""
    assert "eviction_cutoff" in families(
        router, "de deurwaarder komt donderdg de woning ontruimmen, huurachterstand")
    assert "eviction_cutoff" not in families(
        router, "de deurwaarder komt ooit de woning bekijken, huurachterstand")
    spelling = load_signals().spelling
    assert _misspelt("dinsdg", lemma("dinsdg"), spelling) == "dinsdag"
    assert _misspelt("zelfmoort", lemma("zelfmoort"), spelling) == "zelfmoord"


@pytest.mark.parametrize("word", ["scouting", "slipped", "aangebrande", "achteraf", "slechts",
                                  "gister", "aangebrand", "opgehaalde"])
def test_a_word_near_a_cue_word_is_no_typo(word: str) -> None:
    """English words, common Dutch words and words two edits away stay themselves: the cue
    words are a small vocabulary, and the ranker's tolerance alone read "scouting" as
    "shouting", "aangebrande" as "aangerand"."""
    assert _misspelt(word, lemma(word), load_signals().spelling) is None


def test_hardly_denies_a_need_as_no_does(router: Router) -> None:
    """"nauwelijks/amper/barely" + a need is "geen" + the need in a cue."""
    assert "elder_abuse" in families(
        router, "Oma (84) woont bij haar kleinzoon, hij geeft haar nauwelijks eten")
    assert "elder_abuse" not in families(
        router, "Oma (84) woont bij haar kleinzoon, hij kookt elke dag voor haar")


def test_nobody_will_miss_me_said_with_gaan(router: Router) -> None:
    """"niemand gaat me missen" is a caution alone, a signal with a goodbye."""
    alone = "Hij zegt dat niemand hem gaat missen op zijn werk"
    assert "suicide" not in families(router, alone)
    assert "suicide" in families(router, alone, weak=True)
    assert "suicide" in families(
        router, "Hij appte: niemand gaat me missen, bedankt voor alles")


def test_a_seizure_said_as_where_the_income_goes(router: Router) -> None:
    """All of the income to the tax office or CJIB with the rent due is a seizure that
    leaves nothing; part of it, or all of it to ordinary costs, is not."""
    assert "eviction_cutoff" in families(
        router, "Mijn hele loon gaat naar de belastingdienst, ik kan de huur niet betalen")
    assert "eviction_cutoff" not in families(
        router, "Een deel van mijn loon gaat naar de belastingdienst, de huur lukt nog")


def test_burnt_food_is_no_assault(router: Router) -> None:
    """outside15's o15-20 after the merge of safety28/29 (lead, session 12): "aangebrand"
    (a participle of "aanbranden" that simplemma does not list) was one edit from the cue
    "aangerand" and raised child_maltreatment for a fire brigade's home visit; a regular
    participle of a known verb is a dictionary word (text.dictionary_word). A d/t error is
    still corrected by the ranker ("gebelt" -> "gebeld")."""
    assert not families(router, "Het rookalarm ging af door aangebrand eten, meneer (83) "
                                "redt het koken niet meer")
    assert router.analyzer._correct("gebelt") == "gebeld"
