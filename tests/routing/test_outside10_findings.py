"""outside10 (session 9): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client, 40 questions of my own
written before any answer was seen: tests/data/socialmap/outside10-questions.jsonl),
shown here at router level on the shipped demo map. The router gave the bot's top 3
for all 40 questions, so these are what a professional saw in Element.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause
(checked with ``--runxfail`` to fail for that reason). The ranking and the safety file
are other engineers' work this session: these are reported, not fixed here. See
docs/notes/2026-12-07s9-outside10.md.
"""

from __future__ import annotations

import pytest

from busbaan.routing import Router


def _signals(answer: object) -> list[str]:
    return [h.signal for h in answer.safety]  # type: ignore[attr-defined]


def _top(answer: object, n: int = 3) -> list[str]:
    return [r.service_id for r in answer.results[:n]]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ what works

DANGER_DESCRIBED = [
    ("collega vertelt dat haar man haar telefoon controleert, haar geld afpakt en dreigt "
     "de kinderen mee te nemen als ze weggaat", "partner_violence", "veilig-thuis"),
    ("meisje van 7 uit mijn klas heeft al dagen dezelfde vieze kleren aan, heeft nooit eten "
     "bij zich en zegt dat mama de hele dag slaapt", "child_maltreatment", "veilig-thuis"),
    ("mevrouw van 83 zegt dat haar neef elke maand haar pinpas meeneemt en dat er nu niks "
     "meer op staat", "elder_abuse", "veilig-thuis"),
    ("hij zegt dat iedereen beter af is zonder hem en heeft al zijn spullen weggegeven",
     "suicide", "crisisdienst-113"),
    ("vader met 2 kinderen staat op straat, huisbaas heeft de sloten vervangen, ze weten "
     "niet waar ze vannacht moeten slapen", "homeless_tonight", "opvang-toegang"),
    ("Vattenfall heeft een brief gestuurd dat ze vrijdag de stroom eraf halen, er woont een "
     "baby in huis", "eviction_cutoff", "crisis-schulden"),
    ("me zus heeft weer een blauw oog van der vriend, ze zegt dat ze gevallen is maar das "
     "de 3e keer", "partner_violence", "veilig-thuis"),
    ("jongen van 12 vertelt dat zijn stiefvader hem met een riem slaat als hij slechte "
     "cijfers haalt", "child_maltreatment", "veilig-thuis"),
    ("opa van 90 heeft overal blauwe plekken en zijn dochter die voor hem zorgt laat hem de "
     "hele dag in zijn stoel zitten zonder eten", "elder_abuse", "veilig-thuis"),
    ("ik zie het echt niet meer zitten, wil gewoon niet meer wakker worden", "suicide",
     "crisisdienst-113"),
]


@pytest.mark.parametrize(("question", "signal", "service"), DANGER_DESCRIBED)
def test_danger_described_in_everyday_words_puts_the_safety_service_first(
        demo_router: Router, question: str, signal: str, service: str) -> None:
    """Danger described, not named (coercive control, neglect, a bank card taken, giving
    things away, a lock-out, a cut-off date, a cover story, a belt, bruises and no food,
    not wanting to wake up): one signal, its service first, the answer confident."""
    answer = demo_router.route(question)
    assert _signals(answer) == [signal]
    assert answer.results[0].service_id == service
    assert answer.confident


NEAR_MISSES = [
    ("ze hebben thuis vaak ruzie over geld, maar er is geen sprake van geweld, ze willen "
     "hulp bij het budget", "budgetbeheer"),
    ("mijn zoon van 15 vecht steeds met zijn broertje om de playstation, hoe krijg ik rust "
     "in huis", "okt"),
    ("die energierekening slaat echt alles, we kunnen de jaarafrekening niet betalen",
     "energiecoach"),
    ("ik heb een moordhonger maar de koelkast is leeg tot het eind van de maand",
     "voedselbank"),
    ("meneer van 70 is gevallen en kan niet meer goed de trap op, hij wil een traplift",
     "wmo-hulpmiddelen"),
    ("er is geen sprake van mishandeling, het meisje wil gewoon niet naar school sinds de "
     "zomer", "leerplicht"),
]


@pytest.mark.parametrize(("question", "service"), NEAR_MISSES)
def test_near_misses_raise_no_alarm(demo_router: Router, question: str, service: str
                                    ) -> None:
    """Idioms ("slaat alles", "moordhonger"), siblings fighting, a fall and a Dutch
    negation of abuse: no ⚠ line, the everyday service first."""
    answer = demo_router.route(question)
    assert _signals(answer) == []
    assert answer.results[0].service_id == service


# ------------------------------------------- 1. danger in English, not recognised


def test_an_english_suicide_plan_is_signalled(demo_router: Router) -> None:
    """A client researching a lethal dose and writing goodbye letters: 113 first.
    Fixed in session 9 (safety18): the goodbye letter in English and looking up how many
    pills "it takes" are suicide cues (113, Samaritans); each alone signals too."""
    answer = demo_router.route("my client told me she has been looking up how many pills "
                               "it takes and wrote goodbye letters")
    assert _signals(answer) == ["suicide"]
    assert answer.results[0].service_id == "crisisdienst-113"
    assert _signals(demo_router.route("my client told me she has been looking up how many "
                                      "pills it takes")) == ["suicide"]


def test_an_english_young_adult_put_out_is_homeless_tonight(demo_router: Router) -> None:
    """A 19-year-old put out by her mother who slept in the station: the shelter first.
    Fixed in session 9 (safety18): "threw" is read as "throw" (English irregular verbs
    by their lemma), sleeping in a station is a shelter cue, and "threw her out last
    night" is no "her last night" (a particle after "her" makes it an object): no
    suicide caution."""
    answer = demo_router.route("19 year old girl, mum threw her out last night after a "
                               "fight, she slept in the train station")
    assert "homeless_tonight" in _signals(answer)
    assert answer.results[0].service_id == "opvang-toegang"
    assert not answer.caution


def test_an_english_negation_of_abuse_raises_no_alarm(demo_router: Router) -> None:
    """'The kid isn't being abused, she refuses to go to school': no ⚠, Veilig Thuis not
    first. Fixed in session 9 (safety18): an English negative contraction ("isn't",
    "doesnt", "can't") is read as "not", by the safety reader and by the ranker's
    negation (with the hedge "or anything" it denies the words)."""
    answer = demo_router.route("The kid isn't being abused or anything, she just refuses "
                               "to go to school since the summer")
    assert _signals(answer) == []
    assert answer.results[0].service_id != "veilig-thuis"


def test_an_english_school_refusal_reaches_leerplicht(demo_router: Router) -> None:
    """'The kid isn't being abused, she refuses to go to school': Leerplicht first.

    Was a strict xfail (outside10 #3, the ranking half, left after safety18 fixed the
    alarm): "an English school refusal ('refuses to go to school') puts the Jongerenloket
    ('go, school') and Veilig Thuis ('summer, go' from its English examples) before
    Leerplicht, which matches only 'school'". Passes since session 12 (xfail22): English
    everyday words weigh as their Dutch translations ("go" is a stop word as "gaan" is)."""
    answer = demo_router.route("The kid isn't being abused or anything, she just refuses "
                               "to go to school since the summer")
    assert answer.results[0].service_id == "leerplicht"


# ---------------------------------------- 2. an eviction described, only a caution


def test_an_eviction_with_a_judgment_and_a_bailiff_is_signalled(demo_router: Router) -> None:
    """A judgment and the bailiff with the police next week: the eviction signal.
    Fixed in session 9 (safety18): the eviction told by its legal steps (the bailiff
    with the police, soon; a landlord's judgment and the bailiff) is a rule of its own;
    before, the rules needed the eviction or the cut-off named."""
    answer = demo_router.route("de woningcorporatie heeft een vonnis, volgende week staat "
                               "de deurwaarder met de politie voor de deur")
    assert _signals(answer) == ["eviction_cutoff"]


# ------------------------------------------------ 3. everyday questions, wrong first


WIDOW = "My neighbour is very lonely since her husband died, she's 81 and rarely leaves the house"


def test_a_lonely_english_widow_is_no_case_for_veilig_thuis(demo_router: Router) -> None:
    """Loneliness of an 81-year-old after her husband died: Veilig Thuis not first.
    outside10 #5 (Veilig Thuis first on its English examples' 'neighbour', 'house',
    'husband'), fixed in session 12."""
    assert demo_router.route(WIDOW).results[0].service_id != "veilig-thuis"


def test_a_lonely_english_widow_reaches_the_ouderenadviseur(demo_router: Router) -> None:
    """Loneliness of an 81-year-old after her husband died: the ouderenadviseur in the
    top 3. outside10 #5, open from session 9 to 11 (the ouderenadviseur 5th); passed in
    session 12 when s21-s23 became examples (no rule changed); a strict xfail from session
    13 (s25's dictated suicide question put the specialist GGZ third on 'died, house,
    since'); passes again since session 16, whose dangerex holds a safety service's
    danger examples back on a question that opens no danger."""
    assert "ouderenadvies" in _top(demo_router.route(WIDOW))


def test_not_knowing_where_to_go_reaches_the_triage_desk(demo_router: Router) -> None:
    """Someone who says they do not know where the question belongs: the triage desk.
    outside10 #6, fixed in session 9 (router17): "heen" counted as a word of need
    ("waarheen" is a stop word), and a question that names no need now goes to the
    map's triage desk."""
    answer = demo_router.route("ik weet niet goed waar ik met deze vraag heen moet, het is "
                               "een beetje van alles")
    assert answer.results[0].service_id != "opvang-toegang"
    assert "triage-algemeen" in _top(answer)


def test_a_bottle_of_wine_every_night_reaches_addiction_care(demo_router: Router) -> None:
    """Drinking a bottle of wine every night and not managing to stop: Verslavingszorg.
    outside10 #7, fixed in session 9 (router17): the specialist ggz borrowed the
    Amsterdam map's addiction questions (addiction care is inside ggz there)."""
    answer = demo_router.route("hij drinkt elke avond een fles wijn en wil daarmee stoppen "
                               "maar het lukt niet")
    assert answer.results[0].service_id == "verslavingszorg"


@pytest.mark.parametrize("question", [
    # fixed in session 11 (xfail21): the idiom ("dat slaat alles", Van Dale) is in the
    # safety file's figurative list, which the ranker now reads too
    # (safety.figurative_parts): "slaat" is not counted for Veilig Thuis
    "die energierekening slaat echt alles, we kunnen de jaarafrekening niet betalen",
    # outside10 #8 (Veilig Thuis 2nd as a filler in a confident answer without danger),
    # open from session 9 to 11: passes since session 12, when
    # the retired sets s21-s23 became examples (no rule changed)
    "jongen van 20 zonder diploma, geen werk en geen uitkering",
])
def test_veilig_thuis_is_no_filler_in_a_confident_answer(demo_router: Router,
                                                         question: str) -> None:
    """No danger in the question: Veilig Thuis not in the top 3."""
    answer = demo_router.route(question)
    assert "veilig-thuis" not in _top(answer)


def test_a_negated_word_does_not_match(demo_router: Router) -> None:
    """outside10 #9, fixed in session 9: 'geen sprake van geweld' does not count
    'geweld' for a service (a finding that something is absent). The Ouder- en Kindteam
    may still come third on 'ruzie ... thuis', a family quarrel, which is its field."""
    answer = demo_router.route("ze hebben thuis vaak ruzie over geld, maar er is geen "
                               "sprake van geweld, ze willen hulp bij het budget")
    assert answer.results[0].service_id == "budgetbeheer"
    assert all("geweld" not in r.matched for r in answer.results)
    assert not answer.safety


def test_a_number_in_pasted_markup_is_no_age(demo_router: Router) -> None:
    """outside10 #10, fixed in session 9: a number in brackets glued to a word
    ('alert(1)' in pasted markup) is not an age; 'Vader (42)' still is."""
    answer = demo_router.route("<b>schulden</b> <script>alert(1)</script> huur")
    assert answer.leeftijd is None
    assert demo_router.route("Vader (42) heeft schulden en een huurachterstand").leeftijd == 42


# ------------------------------------------ 4. a name without a title reaches a lane
# outside10 #11 (finding 0), fixed by names10 (session 9): busbaan.privacy.untitled_names.


@pytest.mark.parametrize("question", [
    "Jan de Vries kan de huur niet betalen en heeft schulden",
    "Fatma Yilmaz heeft schulden bij de belastingdienst",
])
def test_an_untitled_full_name_is_personal_data(question: str) -> None:
    """A first name and surname in the question: refused as personal data."""
    from busbaan.privacy import find_personal_data

    assert [f.kind for f in find_personal_data(question)] == ["name"]
