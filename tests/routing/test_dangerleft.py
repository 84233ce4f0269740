"""dangerleft (session 19): the dangers of retired s43-s46 left without a ⚠, by cause.

Three causes fixed (docs/notes/2026-12-17s19-dangerleft.md):

- the dated families (an eviction or a cut-off, acute only within days, and the cut-off
  already made on the same desk) were never told from the examples, since a
  neighbourhood of arrears does not say whether the date is days or months away; the
  question's own words can (``safety.near_in_time``, ``Router._told_dated``);
- a weak cue whose family sends to the first (or second) service, with the examples'
  danger neighbours just short of the share: two readings agreeing on the desk
  (``Router._told_with_weak_cue``);
- a person thrown down the stairs ("gooide me van de trap") was no cue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from routing_testdata import BENCHMARK_MAP, read_jsonl

from busbaan.routing import Router, Tuning, load_map
from busbaan.routing.router import EXAMPLES_CUE
from busbaan.routing.safety import SafetySignals, detect, near_in_time

DAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(("text", "when"), [
    ("sinds gistermiddag zit de flat zonder stroom", "past"),
    ("de stroom is sinds gisteravond van het net gehaald", "past"),
    ("Power's been off since yesterday", "past"),
    ("afgesloten sinds 1 december", "past"),
    ("afgesloten op 1 december", None),
    ("The text said 'avoid disconnection', but I paid it yesterday.", None),
    ("gisteren kwam de brief van de energieleverancier", None),
    ("morgen komt de deurwaarder voor de sleutels", "ahead"),
    ("de ontruiming is op 10 december", "ahead"),
    ("ik moet er morgen vroeg uit", None),
    ("'s morgens is het koud", None),
    ("vanmorgen belde hij", None),
    ("de ontruiming is op 12-3-2027", None),
    ("gisteren kwam de brief: ontruiming op 12-3-2027", None),
    ("achterstand op de energierekening", None),
])
def test_near_in_time_places_a_day_just_past_or_ahead(text: str, when: str | None) -> None:
    """A state since a day just gone ("sinds gisteren", since a date last week) is the
    past, "morgen" or a date within the days is ahead; an event on a day just gone ("I
    paid it yesterday": retired h29-051, a near miss), "morgen vroeg" (getting up), a date
    months away (even with "gisteren" beside it) or no day at all is neither."""
    assert near_in_time(text, DAY, 14) == when


@pytest.mark.parametrize(("text", "family"), [
    ("mijn vriend gooide me van de trap", "partner_violence"),
    ("hij heeft haar van de trap gegooid", "partner_violence"),
    ("my boyfriend threw me down the stairs", "partner_violence"),
    ("mijn vriend gooit me eruit", None),
    ("hij gooide de tas van de trap", None),
    ("mijn vriend viel van de trap", None),
])
def test_a_person_thrown_down_the_stairs_is_partner_violence(
        signals: SafetySignals, text: str, family: str | None) -> None:
    """A partner (or "hij") who throws the asker or her down the stairs is a strong
    partner-violence cue; put out of the house, a bag thrown or a fall is not."""
    strong = [s.family.id for s in detect(signals, text, None, DAY) if not s.weak]
    assert ("partner_violence" in strong) == (family is not None), strong


#: Retired dangers of session 18's sets whose ⚠ the causes above tell, scored by a router
#: without session 18's example files: (set file, how).
TOLD = {
    "h43-092": ("frozen-2026-12-16-s43.jsonl", "dated"),
    "h46-042": ("frozen-2026-12-16-s46.jsonl", "dated"),
    "h43-050": ("frozen-2026-12-16-s43.jsonl", "weak"),
    "h45-088": ("frozen-2026-12-16-s45.jsonl", "weak"),
    "h44-055": ("frozen-2026-12-16-s44.jsonl", "weak"),
}


#: Session 20: with s47-s50 retired into examples (it passes without s48), session 18's
#: rule already gives h45-088 GGD Vangnet's psychiatric_crisis ⚠ from the examples, so
#: the contrast with it no longer shows there; the other four still show it.
DRIFT20 = {"h45-088": ("since s47-s50 are examples (s48's): session 18's rule gives the ⚠ "
                       "(psychiatric_crisis, GGD Vangnet, cue 'examples') too")}
# h44-055: a strict xfail in session 22 (with s55-s58 retired, session 18's rule gave the
# ⚠ too, so the contrast did not show); since s59-s62 are examples (session 23) the
# contrast shows again (it xfails with the four files left out): plain.
#: Session 23: since s59-s62 are examples (it passes with the four files left out), the
#: router without session 18's files no longer gives h43-050 (a weak cue, danger
#: neighbours just short of the share) the ⚠ (which of the four files, and which of its
#: nearest examples, not traced).
DRIFT23 = {"h43-050": ("since s59-s62 are examples (session 23; it passes with "
                       "asked-heldout59..62 left out): the rule no longer gives the suicide "
                       "⚠ from the examples (no ⚠ at all)")}
DRIFTS = DRIFT20 | DRIFT23


@pytest.fixture(scope="module")
def unseen() -> dict[str, Router]:
    """Routers without the example files of session 18's sets (s43-s46): the shipped
    rule with the weak-cue reading on at 0.25 ("now"; the switch is off by default, see
    ``Tuning.danger_signal_weak_share``) and session 18's ("s18": neither the dated nor
    the weak-cue reading)."""
    from bench.generalise import left_out
    from busbaan.routing.expansion import default_files, load_examples

    out = left_out("heldout43", by_session=True)
    examples = load_examples([f for f in default_files() if f.name not in out])
    social_map = load_map(BENCHMARK_MAP)
    s18 = dataclasses.replace(Tuning(), danger_signal_dated_share=None,
                              danger_signal_weak_share=None)
    weak = dataclasses.replace(Tuning(), danger_signal_weak_share=0.25)
    return {"now": Router(social_map, examples=examples, tuning=weak),
            "s18": Router(social_map, examples=examples, tuning=s18)}


def _row(qid: str, name: str) -> dict[str, Any]:
    return next(r for r in read_jsonl(name) if r["id"] == qid)


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=DRIFTS[q]))
    if q in DRIFTS else q for q in sorted(TOLD)])
def test_an_unseen_danger_left_without_a_warning_now_gets_it(
        qid: str, unseen: dict[str, Router]) -> None:
    """Out of sample: a danger session 18's rule left without a ⚠ (a cut-off since
    yesterday whose neighbours are crisis intervention's cut-offs; a weak cue and danger
    neighbours just short of the share) gets its family's ⚠ from the examples, on a
    service the row expects; the first service stays the first unless the ⚠ named the
    second."""
    name, how = TOLD[qid]
    row = _row(qid, name)
    now = unseen["now"].route(row["question"], row["context"], today=DAY)
    before = unseen["s18"].route(row["question"], row["context"], today=DAY)
    assert not before.safety, qid
    assert [(h.signal, h.cue) for h in now.safety] == [(row["safety"], EXAMPLES_CUE)], qid
    assert now.safety[0].service_id in set(row["expected"]) | set(row["acceptable"]), qid
    if how == "dated" or before.results[0].service_id == now.safety[0].service_id:
        assert [r.service_id for r in now.results] == [r.service_id for r in before.results]


def test_a_dated_neighbourhood_without_a_day_tells_nothing(unseen: dict[str, Router]) -> None:
    """The same cut-off with its day taken out (h43-092 without "sinds gistermiddag")
    gets no ⚠ from the examples: whether it is days or months away is the words' to say
    (session 17's cause for keeping the dated families off the examples' ⚠)."""
    row = _row("h43-092", "frozen-2026-12-16-s43.jsonl")
    text = row["question"].replace("sinds gistermiddag ", "")
    assert text != row["question"]
    answer = unseen["now"].route(text, row["context"], today=DAY)
    assert not answer.safety
