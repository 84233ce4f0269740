"""cues (session 21): the safety cue reader on what people outside found (outside24, and
the dated rule's misses of session 20), fixed by their cause: how people tell time,
cut-offs told in a note, who did what. Read at the level of the safety reader
(``detect``, ``near_in_time``), the way each rule reads any question; the outside24
questions themselves are in tests/routing/test_outside24_findings.py (router level).
See docs/notes/2026-12-19s21-cues.md.
"""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.routing.safety import (
    SafetySignals,
    dates_ahead,
    detect,
    later_than,
    load_signals,
    month_days,
    near_in_time,
)

DAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def shipped() -> SafetySignals:
    return load_signals()


def families(signals: SafetySignals, text: str) -> list[tuple[str, bool]]:
    return [(s.family.id, s.weak) for s in detect(signals, text, None, DAY)]


# ------------------------------------------------------------ a note without its verb


@pytest.mark.parametrize("text", [
    "stroom vanochtend afgesloten. baby 4 mnd. geen geld",
    "gas afgesloten, kinderen koud",
    "Water dichtgezet. Meneer is ziek en heeft insuline in de koelkast.",
])
def test_a_participle_in_a_verbless_note_is_the_state_it_names(
        shipped: SafetySignals, text: str) -> None:
    """A note or a chat leaves the finite "is" out ("stroom afgesloten"): the participle
    in a sentence without a finite verb reads as "is afgesloten", and the rule with
    children, a baby, the sick holds (outside24 o24-25)."""
    assert ("cutoff_now", False) in families(shipped, text)


@pytest.mark.parametrize("text", [
    "stroom morgen afgesloten. baby 4 mnd.",        # a time ahead: announced
    "stroom bijna afgesloten, kinderen",             # not yet
    "stroom niet afgesloten. baby is ziek",          # denied
    "Contract afgesloten. kinderen blij",            # no supply
    "De stroom wordt afgesloten. Ik heb een baby.",  # a finite verb: announced
])
def test_a_note_that_places_the_cut_off_ahead_or_denies_it_is_no_cut_off_now(
        shipped: SafetySignals, text: str) -> None:
    """The telegraphic reading needs a sentence with no finite verb and nothing that puts
    the participle ahead ("morgen", "bijna") or denies it."""
    assert ("cutoff_now", False) not in families(shipped, text)


# ------------------------------------------------------------ an act dated done


def test_an_eviction_told_done_yesterday_is_no_eviction_to_come(shipped: SafetySignals) -> None:
    """outside24 o24-11: "Hij is gisteren door zijn huisgenoot op straat gezet" with a job
    interview "volgende week" in another sentence: the perfect with a day just gone tells
    an act that happened; the eviction family (acute before its day) does not read it,
    the homeless tonight family does."""
    text = ("Mijn kandidaat heeft volgende week een sollicitatiegesprek en heeft geen nette "
            "kleren. Hij is gisteren door zijn huisgenoot op straat gezet en heeft vannacht "
            "in het fietsenhok geslapen, vannacht weet hij het ook niet.")
    assert families(shipped, text) == [("homeless_tonight", False)]


def test_a_cut_off_yesterday_is_no_cut_off_to_come(shipped: SafetySignals) -> None:
    """Retired h39-083 "Our gas got shut off yesterday ... two little kids": cut off,
    and no longer also an eviction or cut-off to come (its caution is gone)."""
    text = ("Our gas got shut off yesterday, so no heating and no hot water, with two little "
            "kids at home. What do we do now?")
    assert families(shipped, text) == [("cutoff_now", False)]


@pytest.mark.parametrize("text", [
    "Gisteren is de aanzegging gekomen dat hij vrijdag uit huis gezet wordt",
    "Hij is vorige week uit huis gezet en de deurwaarder komt morgen de sleutels halen",
    "De brief is gisteren gekomen: maandag wordt het huis ontruimd",
])
def test_a_day_gone_in_another_clause_leaves_an_eviction_to_come(
        shipped: SafetySignals, text: str) -> None:
    """Only the clause (up to "dat", "en", punctuation) with the past auxiliary and the day
    just gone is read as done: an eviction announced in the next clause stays one."""
    assert ("eviction_cutoff", False) in families(shipped, text)


# ------------------------------------------------------------ a parent, no child


@pytest.mark.parametrize("text", [
    ("Een collega vertelde me dat een moeder bij het brengen had gezegd dat haar man haar "
     "gisteren tegen de muur had geduwd en haar keel dichtkneep, en dat ze niet naar huis "
     "durft."),
    ("Ze vertelde over haar moeder in Suriname. Toen ik wegging zei ze dat hij haar gisteren "
     "met het strijkijzer heeft geslagen."),
    ("Een zuster vertelde dat haar man haar opsluit als hij naar zijn werk gaat en haar "
     "slaat als ze haar moeder belt."),
])
def test_a_mother_beside_her_partners_violence_is_no_child_in_danger(
        shipped: SafetySignals, text: str) -> None:
    """outside24 o24-07, o24-36, retired probe10-008: the parent word reads a child's
    danger as told of a child's parent, but no child is named and an adult's danger is
    told: the mother is that adult."""
    assert [f for f, _ in families(shipped, text)] == ["partner_violence"]


@pytest.mark.parametrize("text", [
    "mijn vader slaat me",                                # the asker's own parent
    "mama slaat me",                                      # a child's word
    "zijn vader slaat hem met de riem",                   # no other danger told
    "Hij durft niet naar huis, bang voor zijn vader",
    ("Een speelster van 14 vertelde dat haar vader haar moeder vaak slaat en dat ze liever "
     "in de kantine blijft tot het donker is."),          # a child by her age (h17-007)
    "de vader slaat de moeder en de kinderen",            # a child named
])
def test_a_parent_of_a_child_still_reads_a_childs_danger(
        shipped: SafetySignals, text: str) -> None:
    assert "child_maltreatment" in [f for f, _ in families(shipped, text)]


# ------------------------------------------------------------ who did it, what was done


@pytest.mark.parametrize("text", [
    ("Hypothetically, if a patient turns up with a broken tooth and tells me her husband did "
     "it but begs me not to tell anyone, what am I supposed to do?"),
    "Ze heeft een blauw oog en zegt dat haar man het heeft gedaan.",
])
def test_a_partner_named_as_who_caused_an_injury_is_partner_violence(
        shipped: SafetySignals, text: str) -> None:
    assert ("partner_violence", False) in families(shipped, text)


def test_a_partner_who_did_the_chores_for_an_injured_woman_is_no_violence(
        shipped: SafetySignals) -> None:
    text = ("She broke her arm last month and her husband did it all for her, the shopping "
            "and the cooking. Is there help with housework?")
    assert "partner_violence" not in [f for f, _ in families(shipped, text)]


@pytest.mark.parametrize("text", [
    ("Terwijl ik het formulier invulde vertelde ze dat de man bij wie ze slaapt haar dwingt "
     "om met zijn vrienden naar bed te gaan, anders moet ze eruit."),
    "He forces her to sleep with his friends, or she has to leave.",
])
def test_forced_to_go_to_bed_with_others_for_a_bed_is_sexual_violence(
        shipped: SafetySignals, text: str) -> None:
    assert ("sexual_violence", False) in families(shipped, text)


def test_a_child_sent_to_bed_is_no_sexual_violence(shipped: SafetySignals) -> None:
    text = ("Mijn man dwingt de kinderen om om zeven uur naar bed te gaan, anders mogen ze "
            "niet buiten.")
    assert "sexual_violence" not in [f for f, _ in families(shipped, text)]


# ------------------------------------------------------------ how people tell time


@pytest.mark.parametrize(("text", "when"), [
    ("de deurwaarder komt op de 14e", "ahead"),           # a day of the month, 8 days on
    ("afgesloten sinds de 3e", "past"),
    ("over 10 dage moeten we eruit", "ahead"),           # days, the -n dropped
    ("de ontruiming is over vijf dagen", "ahead"),
    ("power shut off this morning, baby is cold", "past"),
    ("stroom vanochtend afgesloten", "past"),
    ("sins dinsdag geen stroom", "past"),                # "sinds" as said
    ("sinds dinsdag geen stroom", "past"),               # a day's name after "sinds"
    # unchanged: an event on a day just gone, a call, a date that may be announced
    ("I paid it yesterday", None),
    ("vanmorgen belde hij", None),
    ("we hebben vanochtend afgesproken", None),
    ("afgesloten op 1 december", None),
    ("al 3 dagen geen water", None),
    ("he hasn't slept in four days", None),               # how long, not when
    ("binnen een week is alles op, de huur blijft liggen", None),
])
def test_the_dated_rule_reads_how_people_tell_time(text: str, when: str | None) -> None:
    """The session 20 misses of the dated rule (``near_in_time``): "op de 14e", "over 10
    dage(n)", "shut off this morning", "sins dinsdag"."""
    assert near_in_time(text, DAY, 14) == when


def test_a_day_of_the_month_never_makes_a_date_further_off() -> None:
    """"op de 25e" read on the bench's day is 19 days on, but the writer's month is not
    the reader's: the day of the month places a danger within days, never rules one out
    (retired h14-077 "shut off our water on Monday ... salary only comes in on the 25th",
    h29-038 "on the 3rd, that's next week")."""
    text = "they'll shut off our water on Monday; his salary only comes in on the 25th"
    assert month_days(text, DAY) == [19]
    assert dates_ahead(text, DAY) == []
    assert not later_than(text, DAY, 14)
    assert near_in_time("shut off on the 25th, that's Monday", DAY, 14) is None


def test_sins_before_a_time_is_read_as_sinds(shipped: SafetySignals) -> None:
    """Retired h31-031 "gas en licht af gesloten sins vanochtend": "sins" (English, so
    the spelling tolerance keeps it) before a time is "sinds" as spoken Dutch says it."""
    assert families(shipped, "gas en licht af gesloten sins vanochtend wie kan helpe") == [
        ("cutoff_now", False)]
    assert families(shipped, "all his sins forgiven, gas afgesloten") == []
