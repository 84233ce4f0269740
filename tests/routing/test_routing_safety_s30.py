"""safety30 (session 12): the causes behind outside15's safety findings, read generally
in Dutch and English -- not being there any more said in the first person of a time to
come, with things given away (and the participle that closes a Dutch clause); an adult
who sends a minor sexual images or wants to meet in secret; a negated risk noun ("not at
risk of", "geen gevaar dat"); a negation before a question word ("weet niet waar"); no
one opening the door; "moet slapen" only as the question where; a danger called off in
its own part of a sentence; unopened post as no elder abuse; a date months away as no
eviction within days. The probes are in tests/data/socialmap/probes-s12-safety30.jsonl
(written before the fixes, new voices, with near misses); see
docs/notes/2026-12-10s12-safety30.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from routing_testdata import assert_near_miss_is_silent, assert_safety_probe, families, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import dates_ahead, later_than

PROBES = read_jsonl("probes-s12-safety30.jsonl")

#: probe30-021: a girl made to sleep in the attic as a punishment and sent to bed without
#: food raises no child_maltreatment rule ("zonder eten naar bed" and a punishment place
#: are no cue; the neglect rules need a time such as "al weken"): a known gap. The
#: shelter's false signal it also carried is fixed (test below).
KNOWN_GAPS = {"probe30-021"}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s30(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family with an expected service in the top 3; a near
    miss raises no signal."""
    assert_safety_probe(router, row)


#: Session 18 (dangerwide), a trade-off: the examples' ⚠ at 0.4 of the nearest
#: (Tuning.danger_signal_share; out of sample +18 ⚠ of 1,378, no false alarm more on
#: 2,662 ordinary questions and 148 near misses) tells this one: Veilig Thuis first by the
#: ranking, and its sexual-violence danger examples hold 0.4 to 0.5 of
#: its nearest; no reading keeps it quiet.
TRADE_OFFS = {"probe30-011": ("dangerwide trade-off (Tuning.danger_signal_share 0.4): a "
                              "football coach's team photos near the sexual-violence "
                              "examples; Veilig Thuis first by the ranking")}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=TRADE_OFFS[r["id"]]))
    if r["id"] in TRADE_OFFS else r for r in PROBES if not r["safety"]],
                         ids=lambda r: r["id"])
def test_near_miss_s30_shows_no_caution_service(row: dict[str, Any], router: Router) -> None:
    """The near misses also put no caution service in the top 3 that their key does not
    support (a negated risk, a danger called off, post piling up after a death)."""
    assert_near_miss_is_silent(router, row)


def test_not_being_there_any_more_needs_the_first_person_and_a_second_sign(
        router: Router) -> None:
    """First person, time to come, with things given away: suicide. Alone, or said of
    someone who died, it is none."""
    assert "suicide" in families(
        router, "Hij heeft al zijn spullen aan zijn broer gegeven en zei: straks ben ik er "
                "niet meer.")
    assert "suicide" not in families(
        router, "Straks ben ik er niet meer, ik ga om vijf uur naar huis. Wie neemt de balie?",
        weak=True)
    assert "suicide" not in families(
        router, "Haar vader is er niet meer en ze heeft zijn spullen aan de kringloop gegeven.")


def test_a_participle_closes_the_clause_but_an_auxiliary_cue_is_no_object(
        router: Router) -> None:
    """'al zijn spullen aan de buren heeft gegeven' reads the cue 'spullen gegeven'; the
    cue 'is dichtgedraaid' is not read from the possessive 'zijn gas ... dichtgedraaid'."""
    assert "suicide" in families(
        router, "Ze vertelde dat ze al haar spullen aan de buurvrouw heeft gegeven.", weak=True)
    assert "suicide" not in families(
        router, "De buurvrouw heeft ons spullen gegeven voor de baby, waar vind ik meer?",
        weak=True)  # a gift, not all one's things
    assert "suicide" not in families(
        router, "Wie helpt bij het verdelen van de spullen na de scheiding?", weak=True)
    assert "cutoff_now" not in families(
        router, "Mijn vader kreeg een brief dat zijn gas vrijdag wordt dichtgedraaid. "
                "Het is koud in huis.")


def test_images_to_a_minor_need_an_adult_and_a_minor(router: Router) -> None:
    """An adult who sends a minor sexual images is sexual_violence; the same between
    adults, or a peer's message, is not read by this rule."""
    assert "sexual_violence" in families(
        router, "De oppas stuurt mijn zoon van 13 naaktfoto's van zichzelf.")
    assert "sexual_violence" not in families(
        router, "Mijn vriend van 30 stuurt me naaktfoto's van zichzelf, is dat normaal?")
    assert "sexual_violence" not in families(
        router, "Mijn dochter van 15 stuurt naaktfoto's naar haar vriendje uit de klas.")


def test_a_negated_risk_denies_its_danger_but_not_across_a_conjunction(
        router: Router) -> None:
    """'geen risico op ontruiming' denies the eviction; 'geen gevaar, want ...' and a
    risk not negated do not."""
    assert "eviction_cutoff" not in families(
        router, "Er is geen risico op een ontruiming morgen, de huur is betaald.", weak=True)
    assert "eviction_cutoff" in families(
        router, "Er is een groot risico op een ontruiming morgen, de deurwaarder komt.")
    assert "partner_violence" in families(
        router, "Ze zegt dat er geen gevaar is want hij slaat haar alleen als hij drinkt.")


def test_a_negation_before_a_question_word_is_the_askers_verb(router: Router) -> None:
    """'weet niet waar ze vannacht heen moet' is no denial of the night out."""
    assert "homeless_tonight" in families(
        router, "Mijn buurjongen van 20 is vanavond buitengezet en weet niet waar hij "
                "vannacht heen moet.")


def test_moet_slapen_is_the_question_where(router: Router) -> None:
    """A place named where a child is made to sleep is no night without a bed; the
    question where to sleep tonight is."""
    assert "homeless_tonight" not in families(
        router, "Een meisje uit groep 5 vertelde dat ze vandaag op zolder moet slapen "
                "als straf.")
    assert "homeless_tonight" in families(
        router, "Hij is vanmiddag zijn kamer kwijtgeraakt en weet niet waar hij vannacht "
                "moet slapen.")


def test_a_danger_called_off_ends_only_its_own_part(router: Router) -> None:
    """'de ontruiming is van tafel' is not read; another part of the sentence is, and a
    report ('al gemeld') ends no danger."""
    assert "eviction_cutoff" not in families(
        router, "De ontruiming is van tafel nu hij een regeling heeft.", weak=True)
    assert "cutoff_now" in families(
        router, "De ontruiming is van tafel, maar het gas is al twee weken afgesloten.")
    assert "partner_violence" in families(
        router, "Ik heb al gemeld dat haar man haar slaat, maar er gebeurt niets.")


def test_dates_ahead_are_read_in_dutch_and_english() -> None:
    today = dt.date(2026, 12, 10)
    assert dates_ahead("ontruiming op 12-3-2027", today) == [92]
    assert dates_ahead("de afsluiting is op 15 december", today) == [5]
    assert dates_ahead("the eviction is on March 12, 2027", today) == [92]
    assert dates_ahead("de ontruiming was op 3 dec", today) == [-7]
    assert dates_ahead("over drie maanden moet hij eruit", today) == [90]
    assert later_than("ontruiming op 12-3-2027", today, 14)
    assert not later_than("ontruiming op 15-12-2026", today, 14)
    assert not later_than("ontruiming morgen", today, 14)  # no date: as before


def test_an_eviction_date_within_days_keeps_the_warning(router: Router) -> None:
    """With the day known, a date a few days ahead is the warning; one months ahead the
    caution, with the crisis desk still in the top 3; without the day, as before."""
    question = ("Huurder heeft een brief van de deurwaarder: de ontruiming is op 14-12-2026 "
                "en hij reageert nergens op.")
    context = {"stadsdeel": None, "leeftijd": None}
    near = router.route(question, context, today=dt.date(2026, 12, 10))
    assert [h.signal for h in near.safety] == ["eviction_cutoff"]
    far = router.route(question, context, today=dt.date(2026, 9, 1))
    assert "eviction_cutoff" not in [h.signal for h in far.safety]
    assert "eviction_cutoff" in [h.signal for h in far.caution]
    assert "shv-crisisinterventie" in [r.service_id for r in far.results[:3]]
    assert [h.signal for h in router.route(question, context).safety] == ["eviction_cutoff"]
