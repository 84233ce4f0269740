"""cues (session 22): the safety cue reader on the gaps session 21 left (a push down the
stairs, a sealed meter, a farewell said with a rope) and on outside25's routing findings,
each fixed by its cause and read here at the level of the safety reader (``detect``), the
way each rule reads any question, with its near misses. The outside25 questions
themselves are in tests/routing/test_outside25_findings.py (router level). See
docs/notes/2026-12-20s22-cues.md.
"""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.routing.safety import SafetySignals, detect, load_signals

DAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def shipped() -> SafetySignals:
    return load_signals()


def families(signals: SafetySignals, text: str, age: int | None = None) -> list[str]:
    return [s.family.id for s in detect(signals, text, age, DAY) if not s.weak]


def weak(signals: SafetySignals, text: str) -> list[str]:
    return [s.family.id for s in detect(signals, text, None, DAY) if s.weak]


def test_the_shipped_file_is_this_sessions() -> None:
    """A change to the safety file bumps its version (the lead's rule): this session's
    changes carry 2026-12-20 or later (a later merge or session bumps it again)."""
    assert load_signals().version >= "2026-12-20."


# ------------------------------------------------------- a way and its direction


@pytest.mark.parametrize("text", [
    "Mijn vriend duwde me vannacht de trap af. Wat nu?",   # retired h42-050
    "mijn vriend duwt me de trap af",
    "hij duwde haar de trap af",
    "mijn vriend gooide me de trap af",
    "hij gooide haar de trap af",
])
def test_a_push_down_the_stairs_told_with_the_direction_after_the_way_is_violence(
        shipped: SafetySignals, text: str) -> None:
    """"de trap af" is a postposition of direction (ANS, achterzetsel): the verb before it
    is "duwen", as in "duwde me van de trap", not the separable "afduwen"; so in every
    tense."""
    assert "partner_violence" in families(shipped, text)


@pytest.mark.parametrize("text", [
    "mijn vriend stompte me gisteren",
    "mijn vriend smeet me tegen de muur",
    "mijn vriend gooide me tegen de kast",
])
def test_a_punch_or_a_throw_with_the_person_as_object_is_violence_in_any_tense(
        shipped: SafetySignals, text: str) -> None:
    """Punching and throwing the person (Meldcode, fysiek geweld), read by their lemma in
    the past as in the present."""
    assert "partner_violence" in families(shipped, text)


@pytest.mark.parametrize("text", [
    "mijn vriend liep de trap af en ging weg",      # a way, no act against a person
    "hij gooit de tas de trap af",                  # a thing thrown
    "mijn vriend slaat de deur dicht en gaat weg",  # a particle after another noun
    "mijn man stompt op de deur",                   # knocking, no person hit
    "mijn vriend gooide de bal tegen de muur",      # a ball thrown
])
def test_a_direction_after_a_way_makes_no_act_of_violence_by_itself(
        shipped: SafetySignals, text: str) -> None:
    """Only the verb counts: walking down, a bag thrown, a door slammed shut stay silent."""
    assert "partner_violence" not in families(shipped, text)


# ---------------------------------------------------------------- a sealed meter


@pytest.mark.parametrize("text", [
    "Sinds eergisteren zitten we zonder stroom en gas, de monteur heeft de meter "
    "verzegeld. Mijn zoontje van vier vindt het een avontuur.",   # retired h40-027
    "gasmeter verzegeld, kinderen thuis",
    "meter verzegeld. baby 4 mnd.",
    "the meter was sealed yesterday",
])
def test_a_sealed_meter_is_a_cut_off(shipped: SafetySignals, text: str) -> None:
    """The grid operator seals the meter to cut a supply off; a verbless note's
    participle with an unstressed prefix ("verzegeld", no "ge-") is read as "is
    verzegeld"."""
    assert "cutoff_now" in families(shipped, text)


@pytest.mark.parametrize("text", [
    "meter morgen verzegeld. baby 4 mnd.",          # ahead: announced
    "de meter wordt volgende week verzegeld",
    "de envelop was verzegeld, kinderen blij",      # no supply
])
def test_a_seal_ahead_or_on_no_supply_is_no_cut_off_now(
        shipped: SafetySignals, text: str) -> None:
    """An announced seal, or a sealed envelope, is no cut-off that happened."""
    assert "cutoff_now" not in families(shipped, text)


# ------------------------------------------------------- a farewell with the means


@pytest.mark.parametrize("text", [
    "Vannacht stuurde hij een klasgenoot een foto van een touw met 'het is klaar'.",
    "Ze appte een foto van een strop: 'dit is het'",
    "ze stuurde een foto van pillen met 'dag allemaal'",
    "He posted a picture of a rope: it's done.",
])
def test_a_farewell_said_with_the_means_is_suicidal_talk(
        shipped: SafetySignals, text: str) -> None:
    """A rope sent as a photo with the words that close a life, or pills with a goodbye
    to all (113: afscheid nemen, een middel laten zien), is a ⚠ (retired h43-039)."""
    assert "suicide" in families(shipped, text)


def test_a_photo_of_a_rope_alone_is_a_caution(shipped: SafetySignals) -> None:
    """The means shown without a farewell is a weak sign: a caution, not a ⚠."""
    text = "He sent me a photo of a rope, no text."
    assert "suicide" not in families(shipped, text)
    assert "suicide" in weak(shipped, text)


@pytest.mark.parametrize("text", [
    "het recept voor de pillen is klaar",
    "het touw voor de schommel is klaar",
    "ze stuurde een foto van haar pillen naar de apotheek",
    "Zijn dochter nam afscheid van de slaappillen, ze bouwt af.",
])
def test_the_words_or_the_means_alone_are_no_farewell(
        shipped: SafetySignals, text: str) -> None:
    """"het is klaar" is a meal or a prescription ready; a photo of pills for the
    pharmacy and stopping sleeping pills are no farewell."""
    assert "suicide" not in families(shipped, text)


# ------------------------------------------------ a particle before "te", and "of"


def test_a_particle_before_te_makes_the_infinitive_another_verb(
        shipped: SafetySignals) -> None:
    """"dreigt de ruiten in te slaan" is "inslaan" (windows smashed), no blows; the
    delusion of rays through the wall with the threat is a psychiatric crisis
    (outside25 o25-08)."""
    text = ("Patiënt aan de balie schreeuwt dat de buren stralen door de muur sturen en "
            "dreigt de ruiten in te slaan. Nu.")
    assert families(shipped, text) == ["psychiatric_crisis"]


@pytest.mark.parametrize("text", [
    "de buren schreeuwen en ik hoor hem haar slaan",
    "buren schreeuwen, hij dreigt haar te slaan",
])
def test_the_infinitive_without_a_particle_still_hits(
        shipped: SafetySignals, text: str) -> None:
    """Without a particle before "te" the infinitive is the verb itself."""
    assert "partner_violence" in families(shipped, text)


@pytest.mark.parametrize("text", [
    "Brief van de deurwaarder over een oude boete. Geen ontruiming of afsluiting.",
    "Bailiff letter about an old fine: no eviction or cut-off, just a payment plan.",
])
def test_one_negation_denies_each_noun_of_a_disjunction(
        shipped: SafetySignals, text: str) -> None:
    """"geen X of Y", "no X or Y": neither (outside25 o25-21)."""
    assert "eviction_cutoff" not in families(shipped, text) + weak(shipped, text)


def test_the_deurwaarder_with_a_cut_off_not_denied_is_still_read(
        shipped: SafetySignals) -> None:
    """"geen geld en afsluiting dreigt": "en" joins clauses too, so it denies nothing
    after it; the announced cut-off is still a sign."""
    text = "Geen geld meer, en afsluiting dreigt volgende week, de deurwaarder was er."
    assert "eviction_cutoff" in families(shipped, text) + weak(shipped, text)


# ------------------------------------------------------------ outside25's dangers


def test_a_child_made_to_sleep_in_a_locked_cupboard_is_shut_in(
        shipped: SafetySignals) -> None:
    """A child + a small closed place + a lock + made to sleep there (NJi: opsluiten als
    straf), told without "opgesloten" (outside25 o25-02)."""
    text = ("Een kleuter uit mijn groep tekent zichzelf steeds in een kast met een slot "
            "erop. Ze zegt dat ze daar moet slapen als ze huilt.")
    assert "child_maltreatment" in families(shipped, text, 5)


def test_a_medicine_cabinet_with_a_lock_is_advice_not_a_danger(
        shipped: SafetySignals) -> None:
    """A lock on a cupboard for a toddler's safety has no stay in it."""
    text = "Moet de medicijnkast een slot als er een peuter in huis is?"
    assert "child_maltreatment" not in families(shipped, text)


def test_a_minor_given_drugs_by_an_older_man_is_groomed(shipped: SafetySignals) -> None:
    """A gift in kind (weed) from a much older man to a minor is the grooming rule's
    gift (outside25 o25-11)."""
    text = ("Jongen van 16 die bij ons langskomt vertelt dat een oudere man hem met wiet "
            "betaalt voor 'dingen' in zijn auto.")
    assert "child_maltreatment" in families(shipped, text, 16)


def test_an_adult_given_drink_by_an_older_man_is_no_grooming(
        shipped: SafetySignals) -> None:
    """The grooming rule is a minor's: an adult's older friend who buys a drink is none."""
    text = "Mijn dochter van 24 heeft een oudere vriend die haar drank geeft."
    assert "child_maltreatment" not in families(shipped, text, 24)


def test_a_phone_off_with_a_broken_routine_is_someone_unseen(
        shipped: SafetySignals) -> None:
    """The phone switched off is not answering, and with "komt altijd" and the weeks it
    is a person possibly helpless at home (outside25 o25-12)."""
    text = ("Vaste cliënt komt altijd op dinsdag, nu twee weken niet. Telefoon staat uit, "
            "de post puilt uit de brievenbus. Hij woont alleen en heeft suikerziekte.")
    assert "unseen_person" in families(shipped, text)


def test_a_phone_off_alone_is_nobody_unseen(shipped: SafetySignals) -> None:
    """Without the routine that stopped, a phone off is a phone off."""
    assert "unseen_person" not in families(
        shipped, "Zijn telefoon staat uit sinds hij op reis is, al twee weken.")


@pytest.mark.parametrize("text", [
    "We hebben een projectweek over huiselijk geweld in groep 8. Wie geeft een gastles?",
    "Volgende maand is er een themaweek over huiselijk geweld op school.",
])
def test_a_week_of_lessons_about_a_danger_is_a_topic(
        shipped: SafetySignals, text: str) -> None:
    """A project or theme week is a topic word as a lesson is (outside25 o25-20)."""
    assert families(shipped, text) == []


def test_weeks_before_over_are_no_topic(shipped: SafetySignals) -> None:
    """A topic cue is read word by word, so no topic is "week": "al weken nadenkt over
    hoe hij een einde aan zijn leven kan maken" is a plan, not a text (probe-042; the
    first try with "theme week" lost it)."""
    text = ("Patiënt vertelt dat hij al weken nadenkt over hoe hij een einde aan zijn leven "
            "kan maken.")
    assert "suicide" in families(shipped, text)


@pytest.mark.parametrize("text", [
    "The network company is replacing the gas meter next week, so my client will be "
    "without gas for a day.",
    "Volgende week wordt de meter vervangen, dan zit ze een dag zonder gas.",
])
def test_a_meter_replaced_is_planned_work_no_cut_off(
        shipped: SafetySignals, text: str) -> None:
    """Planned work on the meter is no cut-off for arrears (outside25 o25-25)."""
    assert not {"eviction_cutoff", "cutoff_now"} & set(families(shipped, text))
