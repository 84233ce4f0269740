"""safety28 (session 12): the kinds of wording behind s21-s23's dangers without a signal of
their own and their false alarms -- an overdose told by the drug and a body that hardly
responds, sexual violence told in everyday words, honour told as shame and a threat, a
cut-off told with everyday verbs, a farewell with a person out of reach, a plan and
affairs put in order, delusions told plainly; and, as no danger, a parent's hyperbole,
a danger said to be behind someone, the asker's own gloss. The probes are in
tests/data/socialmap/probes-s12-safety28.jsonl (written before the fixes, new voices, with
near misses); see docs/notes/2026-12-10s12-safety28.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s12-safety28.jsonl")

#: Probes no reading holds yet, each with its cause (see the note). probe28-054/055 (a
#: gloss, "maar even serieus") are read since safety31 (safety._glossed, _joked_before).
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s28(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family with an expected service in the top 3; a near
    miss raises no signal."""
    assert_safety_probe(router, row)


def test_a_drug_needs_a_body_that_hardly_responds(router: Router) -> None:
    """G or heroin with slow breathing or grey lips is an overdose; the drug alone, or
    the sign alone, is not."""
    assert "overdose" in families(router, "hij heeft g genomen en ademt heel langzaam")
    assert "overdose" not in families(router, "hij heeft vroeger g gebruikt en zoekt nu werk")
    assert "overdose" not in families(router, "mijn vader snurkt heel raar, kan dat apneu zijn")


def test_overdose_puts_outreach_first(router: Router) -> None:
    """After 112, an overdose is followed up by GGD Vangnet (first on the map)."""
    answer = router.route("mijn broer heeft ghb genomen en ik krijg hem niet wakker",
                          {"stadsdeel": None, "leeftijd": None})
    assert answer.safety and answer.safety[0].signal == "overdose"
    assert answer.results[0].service_id == "ggd-vangnet"


def test_a_touch_needs_what_makes_it_abuse(router: Router) -> None:
    """A touch with the night room or a secret is sexual violence; a touch alone is not."""
    assert "sexual_violence" in families(
        router, "haar stiefvader zit aan haar en zegt dat niemand haar zal geloven")
    assert "sexual_violence" not in families(
        router, "de kapper zit aan haar haar en knipt te kort")


def test_honour_said_as_shame_with_a_threat(router: Router) -> None:
    """The family shamed with a threat is honour violence; outrage ("een schande") is not."""
    assert "honour_violence" in families(
        router, "haar broers zeggen dat ze de familie te schande heeft gemaakt en komen haar halen")
    assert "honour_violence" not in families(
        router, "het is een schande dat ze ons laten boeten voor die rekening")


def test_a_parents_anger_is_hyperbole_but_a_partners_threat_is_read(router: Router) -> None:
    """"mijn vader vermoordt me als hij hoort dat ..." is anger; a partner's is read."""
    assert "partner_violence" not in families(
        router, "mijn vader vermoordt me als hij hoort dat ik gezakt ben")
    assert "partner_violence" in families(
        router, "mijn vriend vermoordt me als hij hoort dat ik hier ben geweest")


def test_a_farewell_then_out_of_reach(router: Router) -> None:
    """Thanks for everything and then not picking up is suicide's; either alone is not."""
    assert "suicide" in families(
        router, "hij appte 'bedankt voor alles' en neemt zijn telefoon niet op")
    assert "suicide" not in families(router, "hij neemt zijn telefoon niet op, hij is op reis")


def test_a_cause_after_maar_is_the_askers_own(router: Router) -> None:
    """A real source found after "maar" explains a perception told in reported speech."""
    q = "Mijn oma zei dat ze stemmen hoort, maar het bleek de radio van de buren"
    assert not families(router, q, weak=True)
