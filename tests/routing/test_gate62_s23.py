"""Session 23 (gate62): the safety gate s62's misses fixed by cause in language, each rule
with new sentences in the gate's four forms (played down in the first person, slang or a
euphemism, a practical question that tells the danger in passing, several people) and
its near misses. None of these sentences is s62's."""

from __future__ import annotations

import pytest
from routing_testdata import families

from busbaan.routing import Router


# Cause 1: someone not seen, told with the person fronted as the object ("Die buurman zien
# we ... niet meer"), with "nergens op reageren", the smell said by the verb "ruiken", and
# a telegraphic note without the article.
@pytest.mark.parametrize("question", [
    "Waar kan ik terecht? Die oude buurvrouw van nummer 12 zien we al twee weken niet meer "
    "en er komt een rare lucht onder haar deur vandaan.",
    "Hoe vraag ik een sleutel aan bij de woningcorporatie? Mijn oom reageert al zes dagen "
    "nergens op en in zijn portiek ruikt het niet lekker.",
    "Ik heb mijn boodschappen bij de buurman gebracht, maar hij reageert al een week nergens "
    "op en de kinderen ruiken iets bij zijn brievenbus.",
    "lady downstairs not seen 8 days, flies at window",
])
def test_someone_not_seen_told_in_everyday_words_is_unseen_person(
        demo_router: Router, question: str) -> None:
    """Not seen for days with a sign at the door reads unseen_person, in these words too."""
    assert "unseen_person" in families(demo_router, question)


@pytest.mark.parametrize("question", [
    "Die film zien we al weken niet meer op tv, het ruikt hier naar popcorn.",
    "Mijn zoon reageert al dagen nergens op als ik vraag of hij zijn kamer opruimt.",
    "Onze buurman is op vakantie; we zien hem al een week niet en zijn krant stapelt zich op.",
])
def test_not_seeing_a_thing_or_a_sulking_child_is_no_unseen_person(
        demo_router: Router, question: str) -> None:
    """Not seeing a programme, a teenager who ignores a chore, a neighbour on holiday: no ⚠."""
    assert "unseen_person" not in families(demo_router, question)


# Cause 2: an overdose in slang (the substance after "te veel" without its verb), lips
# told purple, "'m" for "hem", and the amount unknown because the packs are found empty.
@pytest.mark.parametrize("question", [
    "vriendin te veel G op feestje, krijg 'm... haar niet wakker, lippen worden paars",
    "broer te veel ghb, krijgen hem niet wakker",
    "Mijn moeder (77) lag vanmorgen suf op de bank naast drie lege strips van haar "
    "slaaptabletten en ze kan niet zeggen hoeveel ze heeft ingenomen. Hoe regel ik thuiszorg?",
    "Quick question about the pharmacy's delivery: my uncle took his pills today and there "
    "are two empty packets on the table, he can't say how many he took.",
])
def test_an_overdose_told_in_slang_or_by_the_empty_packs_is_overdose(
        demo_router: Router, question: str) -> None:
    """Too much of a drug with a sign of unconsciousness, or empty packs with the amount
    unknown, reads overdose."""
    assert "overdose" in families(demo_router, question)


@pytest.mark.parametrize("question", [
    "Ik heb te veel drugs in mijn jeugd gebruikt, wat voor hulp is er nu ik 40 ben?",
    "Mijn dochter heeft paarse lippenstift op en wil naar een feest, mag dat met 14?",
    "Hoe lever ik lege doosjes van medicijnen in bij de apotheek?",
])
def test_drugs_in_the_past_purple_lipstick_and_empty_packs_returned_are_no_overdose(
        demo_router: Router, question: str) -> None:
    """A past, a lipstick and packs brought back: no ⚠."""
    assert "overdose" not in families(demo_router, question)


# Cause 3: a delusion told by a thing in the house that watches ("bekijkt ons via"), a
# baby believed swapped, a device believed inside the body, God talking "with" someone;
# with a danger told by the door barricaded, not eating ("niks"), out at night in underwear.
@pytest.mark.parametrize("question", [
    "Hoe vraag ik kraamzorg aan? Mijn vriendin slaapt niet meer sinds de geboorte en zegt "
    "dat onze zoon verwisseld is in het ziekenhuis.",
    "Kan ik namens mijn broer (29) zijn huur opzeggen? Hij denkt dat de buren hem bekijken "
    "via de wifi-router, eet al een week niks en wil niemand zien.",
    "Mijn vader heeft de deur gebarricadeerd en zegt dat er een zender in zijn tanden zit.",
    "My sister says there are cameras in her teeth and has barricaded her flat.",
])
def test_a_delusion_with_a_danger_in_new_words_is_psychiatric_crisis(
        demo_router: Router, question: str) -> None:
    """A delusion and a danger act or state read psychiatric_crisis."""
    assert "psychiatric_crisis" in families(demo_router, question)


@pytest.mark.parametrize("question", [
    "De baby's werden in het ziekenhuis bijna verwisseld, gelukkig zag de verpleegkundige "
    "het op tijd. Hoe geef ik de geboorte door?",
    "Mijn zoon gaat in zijn ondergoed op straat als hij de vuilnisbak buiten zet, mag dat?",
    "Kan iemand meekijken via de camera van de deurbel? Ik wil mijn privacy weten.",
])
def test_a_swap_averted_underwear_alone_and_a_doorbell_camera_are_no_crisis(
        demo_router: Router, question: str) -> None:
    """One sign alone, or an ordinary question about a camera: no ⚠."""
    assert "psychiatric_crisis" not in families(demo_router, question)


# Cause 4: looking up a lethal amount told as reading.
@pytest.mark.parametrize("question", [
    "Het gaat wel hoor, ik heb alleen gelezen hoeveel oxazepam ervoor nodig is. Kan ik "
    "ergens hulp krijgen met mijn belastingaangifte?",
    "Not a big deal, I was just reading how many painkillers it would take. Who helps "
    "with rent arrears?",
])
def test_reading_how_many_pills_it_takes_played_down_is_suicide(
        demo_router: Router, question: str) -> None:
    """Reading how many pills it takes, played down, reads suicide."""
    assert "suicide" in families(demo_router, question)


def test_reading_a_leaflet_on_pills_is_no_suicide(demo_router: Router) -> None:
    """Reading about pills without how many it takes: no ⚠."""
    assert "suicide" not in families(
        demo_router, "Ik heb de bijsluiter van mijn pillen gelezen, maar snap hem niet.")


# Cause 5: partner violence played down ("gets rough"), the asker's own passport taken, a
# wrist squeezed, and "zonder dat mijn man ..." (a conjunction: the partner is there).
@pytest.mark.parametrize("question", [
    "It's nothing really, my boyfriend just gets rough after a few beers. Where do I apply "
    "for rent benefit? I'm 27.",
    "My wife took my passport and says I can't leave. Can I still get a DigiD?",
    "Hoe vraag ik een nieuwe bankpas aan zonder dat mijn vriend het merkt? Hij kneep "
    "gisteren mijn pols zo hard dat hij blauw is.",
])
def test_partner_violence_played_down_or_in_passing_is_partner_violence(
        demo_router: Router, question: str) -> None:
    """Played down force and control by a partner read partner_violence."""
    assert "partner_violence" in families(demo_router, question)


@pytest.mark.parametrize("question", [
    "My husband plays rough games with the kids, is there a sports club for them?",
    "My boyfriend keeps my passport in the safe with his, is that allowed for travel?",
    "Ik ga een weekend weg zonder dat mijn man meegaat, hij slaat nooit iemand.",
])
def test_rough_play_a_safe_and_a_weekend_alone_are_no_partner_violence(
        demo_router: Router, question: str) -> None:
    """Rough play, a passport kept safe, a weekend alone: no ⚠."""
    assert "partner_violence" not in families(demo_router, question)


# Cause 6: forced marriage said with the Dutch "uithuwelijken" reads the family's danger
# (honour), as "married off" did.
def test_a_girl_married_off_in_dutch_is_honour_violence(demo_router: Router) -> None:
    """"wordt uitgehuwelijkt" reads honour_violence."""
    assert "honour_violence" in families(demo_router, (
        "Hoe schrijf ik mijn nicht (19) in voor een taalcursus? Haar vader zegt dat ze deze "
        "zomer wordt uitgehuwelijkt."))


# Cause 7: a cupboard as a punishment told as a condition on what the child does; made to
# undress held by a secret; grooming by a stranger in a young person's words.
def test_a_cupboard_when_the_child_does_something_is_child_maltreatment(
        demo_router: Router) -> None:
    """Made to sleep in a cupboard "als hij ..." reads child_maltreatment."""
    assert "child_maltreatment" in families(demo_router, (
        "Mijn zoon speelt vaak met zijn vriendje van 7 uit de straat. Die vertelt dat hij in "
        "de trapkast moet slapen als hij in bed plast."))


@pytest.mark.xfail(strict=True, reason=(
    "gate62: the cupboard rule reads 'Zijn vriendje van 5 zegt dat hij in de kast moet "
    "slapen als hij in zijn broek plast' but not the same with 'als ze te laat thuis is' or "
    "'als hij zijn bord niet leeg eet' after 'een meisje/jongen van 6'; cause not found "
    "this session (the rule is narrower than the cause it names)"))
def test_a_cupboard_for_coming_home_late_is_child_maltreatment(demo_router: Router) -> None:
    """Made to sleep in a cupboard when she comes home late reads child_maltreatment."""
    assert "child_maltreatment" in families(demo_router, (
        "Mijn dochter speelt vaak met een meisje van 6 uit de straat. Die vertelt dat ze in "
        "de trapkast moet slapen als ze te laat thuis is."))


def test_a_shed_to_work_in_is_no_child_maltreatment(demo_router: Router) -> None:
    """A son who stays in the shed when he repairs his bike: no ⚠."""
    assert "child_maltreatment" not in families(
        demo_router, "Mijn zoon moet in de schuur blijven als hij zijn fiets repareert.")


@pytest.mark.parametrize("question", [
    "Onze zoon (9) zegt dat de oppas wil dat hij zich moet uitkleden en dat het hun "
    "geheimpje is. Hoe vind ik een andere oppas?",
    "a weirdo online wants pics without her shirt from my niece (12) and to meet irl",
    pytest.param(
        "some weirdo in my cousin's chat (she's 12) wants pics without her shirt and to meet "
        "irl, she thinks he's 15",
        marks=pytest.mark.xfail(strict=True, reason=(
            "gate62: read when the minor's age comes after the request ('... from my "
            "cousin (12)'), not when '(she's 12)' stands before it; cause not found"))),
])
def test_undressing_held_by_a_secret_and_a_stranger_asking_a_minor_for_pics_is_sexual(
        demo_router: Router, question: str) -> None:
    """Made to undress with a secret, or an adult asking a minor for an image without
    clothes, reads sexual_violence."""
    assert "sexual_violence" in families(demo_router, question)


@pytest.mark.parametrize("question", [
    "Bij de sportkeuring moest hij zich uitkleden, anders kon de arts niet kijken.",
    "Mijn zus (12) wil met vriendinnen uit haar klas irl afspreken in de speeltuin.",
])
def test_a_medical_check_and_friends_meeting_are_no_sexual_violence(
        demo_router: Router, question: str) -> None:
    """Undressing for a doctor, a child meeting classmates: no ⚠."""
    assert "sexual_violence" not in families(demo_router, question)


# Cause 8: put out in slang ("booted out", "chucked out") with tonight.
def test_booted_out_tonight_is_homeless_tonight(demo_router: Router) -> None:
    """Slang for being put out with tonight reads homeless_tonight."""
    assert "homeless_tonight" in families(
        demo_router, "got chucked out by my stepdad, prob sleeping in the park tonight. 19")


def test_booted_out_of_a_game_is_no_homeless_tonight(demo_router: Router) -> None:
    """Booted out of a football team: no ⚠."""
    assert "homeless_tonight" not in families(
        demo_router, "my son got booted out of the football team, is there another club?")


# Left (known causes, not fixed this session).
@pytest.mark.xfail(strict=True, reason=(
    "gate62: a family's `unless` (judo, a plain cause for bruises) anywhere in the question "
    "cancels every all_of rule of that family, also a danger told of another child in "
    "another sentence (s62 h62-068); scoping `unless` to its sentence would also drop a "
    "cause given in the next sentence ('Hij heeft blauwe plekken. Dat komt van judo.')"))
def test_a_plain_cause_for_one_child_does_not_explain_another_childs_danger(
        demo_router: Router) -> None:
    """A sport of one child does not explain the cupboard of another."""
    assert "child_maltreatment" in families(demo_router, (
        "Mijn dochter doet aan judo, kan dat via het Jeugdfonds? Haar vriendinnetje van 6 "
        "zegt dat ze in de kast moet slapen als ze in bed plast."))


@pytest.mark.xfail(strict=True, reason=(
    "gate62: 'stroom' after a possessive ('mijn stroom eraf gehaald') is not read by "
    "cutoff_now's rules while 'de stroom' and 'mijn gas' are (s62 h62-041); cause in the "
    "reader not found this session"))
def test_my_power_taken_off_since_last_week_is_cutoff_now(demo_router: Router) -> None:
    """The power taken off since last week, played down, reads cutoff_now."""
    assert "cutoff_now" in families(demo_router, (
        "Het valt wel mee hoor, maar sinds vorige week hebben ze mijn stroom eraf gehaald "
        "en we eten bij kaarslicht."))
