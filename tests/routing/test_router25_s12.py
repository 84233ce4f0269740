"""Session 12 (router25): long professional notes -- the ask said without a question
mark, a service already in place, a date that is no age.

See docs/notes/2026-12-10s12-router25.md. Probes in new voices:
tests/data/socialmap/probes-s12-router25.jsonl.

- :func:`busbaan.routing.text.asked_sentences` also reads a sentence that asks in other
  words ("hij vroeg of ...", "ze willen iemand die ...", "kunnen wij dat aanvragen",
  "she asked whether ..."): its words weigh ``Tuning.ask_weight`` as a question's do;
- :data:`busbaan.routing.lexicon.IN_PLACE`: what is already in place ("loopt via de
  Wmo", "er loopt een OTS", "is al aangemeld", "in behandeling bij") is read by
  :func:`busbaan.routing.safety.settled_parts` with the settled cues, one reading;
- "de brief van 3 dec" gives no age (:mod:`busbaan.routing.context`).
"""

from __future__ import annotations

import dataclasses

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router, lexicon
from busbaan.routing.context import detect_age
from busbaan.routing.safety import SafetySignals, settled_cues, settled_parts
from busbaan.routing.text import asked_sentences, settled_words, words

PROBES = {q["id"]: q for q in read_jsonl("probes-s12-router25.jsonl")}


def _asked(text: str) -> list[str]:
    w = words(text)
    return [w[i] for i in sorted(asked_sentences(text))]


def _over(signals: SafetySignals, text: str) -> list[str]:
    parts = settled_parts(signals, text, settled_cues(lexicon.SETTLED + lexicon.IN_PLACE),
                          lexicon.PAST_MARKERS + lexicon.IN_PLACE_AS_WRITTEN)
    return sorted(words(text)[i] for i in settled_words(text, parts))


# ------------------------------------------------------------------ the ask without "?"


@pytest.mark.parametrize(("text", "ask"), [
    ("Ze heeft een uitkering. De huur gaat automatisch. Ze vroeg of iemand haar meter "
     "kan bekijken.", "meter"),
    ("De moeder werkt. kunnen wij voor de zoon de contributie aanvragen", "contributie"),
    ("The bills are paid. He asked whether someone could check his letters.", "letters"),
    ("Hij woont alleen. Hij zou graag een maatje hebben om mee te wandelen.", "maatje"),
    ("Het geld is op orde. Mijn vraag is: hij wil vrijwilligerswerk doen.",
     "vrijwilligerswerk"),
    ("Ze zijn net verhuisd. Ze willen alleen iemand die de formulieren uitlegt.",
     "formulieren"),
])
def test_a_sentence_that_asks_in_other_words_is_the_ask(text: str, ask: str) -> None:
    """An indirect question, a request or a question's word order marks the sentence as
    the ask, and only that sentence."""
    asked = _asked(text)
    assert ask in asked
    assert len(asked) < len(words(text))


@pytest.mark.parametrize("text", [
    # "graag" without a form of "willen" is a liking, not a request
    "Ze gaat graag naar de buurtkamer. Sinds haar val komt ze de deur niet uit.",
    # "vroeg" as early
    "Hij staat vroeg op voor zijn werk. Zijn rug doet pijn.",
    # one sentence: no background to weigh the ask against
    "Hij vroeg of iemand kan langskomen voor zijn post",
])
def test_no_ask_read_where_none_is_said(text: str) -> None:
    assert _asked(text) == []


# ------------------------------------------------------------------ a service in place


@pytest.mark.parametrize(("text", "word"), [
    ("Huishoudelijke hulp loopt al via de Wmo, daar is ze blij mee.", "wmo"),
    ("Hij loopt bij het buurtteam voor zijn post, dat gaat goed.", "buurtteam"),
    ("Er loopt een schuldregeling en de bewindvoerder is goed betrokken.", "schuldregeling"),
    ("De vader is al aangemeld bij het Taalhuis.", "taalhuis"),
    ("Ze is in behandeling bij de POH voor haar angst.", "poh"),
    ("De dagbesteding is al geregeld en hij gaat er graag heen.", "dagbesteding"),
    ("She is already in touch with the debt team.", "debt"),
])
def test_a_service_in_place_is_read_as_settled(signals: SafetySignals, text: str,
                                               word: str) -> None:
    assert word in _over(signals, text)


@pytest.mark.parametrize("text", [
    "Het loopt al maanden mis met mijn geld.",  # "loopt al" alone: the need
    "Mijn kapperszaak loopt al een jaar slecht.",
    "Er loopt nog niks voor mijn moeder.",  # nothing in place
    "Het is nog niet geregeld en ze wacht al weken.",  # negated
    "De ouders zitten midden in een scheiding.",  # "zit in" is left out
    "Ze heeft al twee aanmaningen van de energie.",  # "heeft al" is left out
])
def test_no_service_in_place_where_none_is(signals: SafetySignals, text: str) -> None:
    assert _over(signals, text) == []


# ------------------------------------------------------------------ a date is no age


@pytest.mark.parametrize(("text", "age"), [
    ("De deurwaarder heeft de datum van 3 dec ingetrokken.", None),
    ("Hij kreeg een brief van 12 maart over zijn huur.", None),
    ("Een man van 40 may qualify for it.", 40),  # English "may": a modal, not May
    ("Een meisje van 3 met koorts.", 3),
])
def test_a_date_is_no_age(text: str, age: int | None) -> None:
    assert detect_age(text) == age


# ------------------------------------------------------------------ the probes


@pytest.mark.parametrize("key", [
    pytest.param("p25-01", marks=pytest.mark.xfail(strict=True, reason=(
        "since s43-s46 are examples (session 19; it passes without s45 or without s46): "
        "'stroom', 'gas', 'sinds', 'huur' put debt crisis intervention first (862) for an "
        "energy coach at home, tied with the energy coach (862)"))),
    "p25-02", "p25-03", "p25-04", "p25-06", "p25-07", "p25-08", "p25-10",
    pytest.param("p25-11", marks=pytest.mark.xfail(strict=True, reason=(
        "since s43-s46 are examples (session 19; it passes without s43 or without s45): "
        "'kapperszaak', 'ondernemer' put the municipal tax payment arrangement first (876) "
        "for a self-employed hairdresser under the minimum; the Bbz second (875)"))),
    "p25-12", "p25-13", "p25-14", "p25-15",
])
def test_probe_first(router: Router, key: str) -> None:
    """The need the note asks for first (controls included: "loopt al maanden mis",
    "zitten midden in een scheiding", "gaat graag naar" keep their need)."""
    q = PROBES[key]
    assert router.route(q["question"], q["context"]).results[0].service_id in q["expected"]


@pytest.mark.parametrize("key", ["p25-05", "p25-09", "p25-16"])
def test_probe_in_top_three(router: Router, key: str) -> None:
    q = PROBES[key]
    top = [r.service_id for r in router.route(q["question"], q["context"]).results[:3]]
    assert set(top) & set(q["expected"] + q["acceptable"])


def test_a_pupil_not_in_class_reaches_the_attendance_officer_first(router: Router) -> None:
    """p25-05: the attendance officer (leerplicht) first for a 16-year-old who games at
    night and does not show up in class, in a family whose debts are already in hand. A
    strict xfail until session 23 ('niet in de klas verschijnt' was not related to school
    absence); it passes since s59-s62 are examples, and xfails again with the four files
    left out."""
    q = PROBES["p25-05"]
    assert router.route(q["question"], q["context"]).results[0].service_id in q["expected"]


def test_unpaid_work_reaches_the_volunteer_desk_first(router: Router) -> None:
    """p25-09: the volunteer desk first. A strict xfail until s55-s58 were retired into
    example files (session 22: 'zonder loon' was not related to volunteering and 'die
    pakken we zelf op', the writer handles it, is not read); it passes since s55's
    questions are examples (without asked-heldout55 Thuisadministratie is first again,
    852 before 849): the volunteer desk 866, Thuisadministratie second (852)."""
    q = PROBES["p25-09"]
    assert router.route(q["question"], q["context"]).results[0].service_id in q["expected"]


def test_the_carer_support_first_when_the_day_care_is_in_place(router: Router) -> None:
    """p25-16: the day care is in place and the exhausted daughter wants someone to talk
    to: the carers' support point comes first, not the day care that shares its example
    words. A strict xfail (a near tie) until s43-s46 were retired into example files
    (session 19)."""
    q = PROBES["p25-16"]
    assert router.route(q["question"], q["context"]).results[0].service_id in q["expected"]


def test_a_service_in_place_leaves_the_first_place(router: Router) -> None:
    """p25-08: treatment at the POH is in place, the lost job is the ask: the WW first;
    without the settled weight the POH comes first."""
    q = PROBES["p25-08"]
    assert router.route(q["question"], q["context"]).results[0].service_id == "uwv-ww"
    off = Router(router.map, tuning=dataclasses.replace(router.tuning, settled_weight=1.0),
                 safety=router.safety)
    assert off.route(q["question"], q["context"]).results[0].service_id == "poh-ggz"
