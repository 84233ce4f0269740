"""Safety signals (issue 8): the data file, detection in everyday words with negation,
safety services first, and `socialmap check --safety`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from routing_testdata import BENCHMARK_MAP, read_jsonl

from busbaan.cli import main
from busbaan.routing import Router, demo_map_path, load_map
from busbaan.routing.safety import (
    SafetyFileError,
    _by_excluded,
    _done,
    _done_today,
    _elder_age,
    _figurative,
    _lasting,
    _matches,
    _minor_age,
    _minor_in_question,
    _owned,
    _Question,
    _rather,
    _read_words,
    _says_minor,
    _things,
    check_against_map,
    default_path,
    detect,
    grown_view,
    load_signals,
    parse_signals,
)


def families(signals: Any, text: str, age: int | None = None) -> set[str]:
    """The families signalled strongly (safety service first); weak ones: :func:`weak`."""
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


def weak(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if s.weak}


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("haar man slaat haar als hij gedronken heeft", "partner_violence"),
        ("Her boyfriend hits her and she is scared", "partner_violence"),
        ("leerling heeft striemen op zijn rug", "child_maltreatment"),
        ("kinderen worden dagen alleen gelaten", "child_maltreatment"),
        ("opa's kleinzoon heeft zijn pinpas", "elder_abuse"),
        ("de stroom wordt maandag afgesloten", "eviction_cutoff"),
        ("ze worden volgende week uit huis gezet", "eviction_cutoff"),
        ("hij moet vannacht op straat slapen", "homeless_tonight"),
        ("ze zegt dat ze niet meer wil leven", "suicide"),
        ("he says he wants to end his life", "suicide"),
    ],
)
def test_described_danger_is_recognised(signals: Any, text: str, family: str) -> None:
    """Danger described in everyday words (not named) is recognised as its family."""
    assert family in families(signals, text)


@pytest.mark.parametrize(
    "text",
    [
        "Geen geweld thuis, maar wel ruzie over de opvoeding",
        "niet dakloos, wel een huurachterstand",
        "geen afsluiting, wel hoge energierekening",
        "De buurman maakt herrie en bedreigt hem in het trappenhuis",
        "Gezin heeft aan het eind van de maand geen eten voor de kinderen",
        "waar meld ik iemand aan voor de voedselbank",
    ],
)
def test_negated_or_ordinary_words_are_no_signal(signals: Any, text: str) -> None:
    """A negated cue ('geen geweld') or an ordinary question raises no safety signal."""
    assert families(signals, text) == set()


#: Danger described as people describe it, written per family from general knowledge
#: (session 3), not from any question set.
DESCRIBED = [
    ("Mijn buurvrouw is doodsbang voor haar man", "partner_violence"),
    ("Haar partner pakt haar telefoon af en ze mag niet de deur uit", "partner_violence"),
    ("She is afraid of her husband and does not want to go home", "partner_violence"),
    ("Hij duwt haar tegen de muur als hij boos is", "partner_violence"),
    ("De baby is door elkaar geschud", "child_maltreatment"),
    ("Een meisje uit mijn klas heeft brandwonden op haar armen", "child_maltreatment"),
    ("Het kind is bang voor zijn vader en wil niet naar huis", "child_maltreatment"),
    ("Haar kleinzoon gebruikt haar bankpas en ze durft niks te zeggen", "elder_abuse"),
    ("My grandma's grandson empties her account", "elder_abuse"),
    ("Vrijdag wordt het gas eraf gehaald", "eviction_cutoff"),
    ("De deurwaarder komt dinsdag, dan moeten ze het huis uit", "eviction_cutoff"),
    ("Their power will be cut off on Monday", "eviction_cutoff"),
    ("Hij slaapt sinds gisteren in zijn auto", "homeless_tonight"),
    ("Zijn ouders hebben hem eruit gegooid, hij weet niet waar hij vannacht moet slapen",
     "homeless_tonight"),
    ("Hij zegt dat hij er niet meer wil zijn", "suicide"),
    ("Hij geeft zijn spullen weg en neemt afscheid", "suicide"),
    ("he says everyone would be better off if he was dead", "suicide"),
    ("my friend self-harms", "suicide"),
    ("Mijn buurvrouw heeft steeds een blauw oog en zegt dat ze tegen de kast is gelopen",
     "partner_violence"),
    ("Ik hoor de buren elke nacht ruzie maken, ze gilt en er wordt met spullen gegooid",
     "partner_violence"),
    ("Meisje van 12 vertelt dat haar oom aan haar zit", "child_maltreatment"),
    ("Moeder (79) heeft dementie en de thuiszorg laat haar de hele dag in een vieze luier "
     "liggen", "elder_abuse"),
    ("An elderly neighbour says her son takes her pension every month", "elder_abuse"),
    ("Het energiebedrijf sluit morgen de stroom af", "eviction_cutoff"),
    ("De woningcorporatie zet hen vrijdag uit huis", "eviction_cutoff"),
    ("Hij is vandaag uit huis gezet en heeft geen plek om te slapen", "homeless_tonight"),
    ("Ze slaapt al een week in het park", "homeless_tonight"),
    ("Hij zwerft op straat sinds zijn vriendin hem eruit heeft gezet", "homeless_tonight"),
    ("Mijn moeder zegt dat ze het leven niet meer ziet zitten", "suicide"),
    ("He talks about killing himself", "suicide"),
]


@pytest.mark.parametrize(("text", "family"), DESCRIBED)
def test_broadened_cues_recognise_described_danger(signals: Any, text: str, family: str) -> None:
    """The session-3 cue lists recognise control, fear, signs on a child, a grandchild
    taking money, gas cut off ('sluit ... af': a separable verb's particle at the end of
    the clause), sleeping in a car or a park and indirect suicide talk."""
    assert family in families(signals, text)


@pytest.mark.parametrize(
    "text",
    [
        "Hij wil een zorgverzekering afsluiten, kan dat deze week nog?",
        "Ze wil deze week een energiecontract met vaste prijs afsluiten",
        "Ze kan nergens terecht met haar vragen, wat nu?",
        "Mijn moeder met dementie is vaak bang en in de war",
        "Oudere buurvrouw is bang om te vallen in de douche",
        "Een man wordt bedreigd door zijn schuldeiser",
        "Moeder (70) wil een machtiging voor haar zoon regelen voor de bank",
        "Haar ex betaalt geen alimentatie meer",
        "Ze is bang dat ze haar huis kwijtraakt door de schulden",
        "Man (67) is zijn pinpas kwijt en kan niet bij zijn geld",
        "Kleinzoon wil opa helpen met zijn bankzaken",
        "Hij helpt haar met de administratie",
    ],
)
def test_near_misses_raise_no_signal(signals: Any, text: str) -> None:
    """Ordinary questions that share a word with a cue ('afsluiten' a contract, 'bang'
    to fall, 'nergens terecht' with questions, a man threatened by a creditor) raise
    no safety signal (the person's age read from the question, as the router does)."""
    from busbaan.routing.context import person

    assert families(signals, text, person(text, {}).leeftijd) == set()


def test_a_lost_bank_card_is_no_abuse_a_taken_one_is(signals: Any) -> None:
    """An older person's bank card in someone else's hands is elder abuse; one that is
    merely lost is not."""
    assert "elder_abuse" not in families(signals, "Man (67) is zijn pinpas kwijt", 67)
    assert "elder_abuse" in families(signals, "Opa's kleinzoon gebruikt zijn pinpas", None)
    assert "elder_abuse" in families(signals, "haar zoon pakt haar bankpas af", 81)


def test_check_speaks_dutch_about_a_broken_safety_file(tmp_path: Path) -> None:
    """`socialmap check --safety` names each problem of the file in Dutch by default
    (field, family id, what is wrong) and in English when asked."""
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    data["families"][1]["services"] = []
    data["families"][2]["kleur"] = "rood"
    data["families"][3]["all_of"][0] = [["morgen"]]
    broken = tmp_path / "safety.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    args = ["socialmap", "check", str(demo_map_path()), "--safety", str(broken)]
    nl = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "nl"})
    assert nl.exit_code == 1
    assert "families.1.services (child_maltreatment): moet minstens 1 item(s) hebben" in nl.output
    assert "families.2.kleur (elder_abuse): onbekend veld" in nl.output
    assert "regel 1 heeft minstens twee groepen nodig" in nl.output
    assert "Field required" not in nl.output and "Extra inputs" not in nl.output
    en = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "en"})
    assert "Extra inputs are not permitted" in en.output
    assert "rule 1 needs at least two groups" in en.output
    missing = CliRunner().invoke(main, ["socialmap", "check", str(demo_map_path()), "--safety",
                                        str(tmp_path / "nope.yaml")], env={"BUSBAAN_LANG": "nl"})
    assert missing.exit_code == 1 and "bestand niet gevonden" in missing.output


def test_an_older_person_counts_for_elder_abuse(signals: Any) -> None:
    """Money taken by a son is elder abuse when the person is 65 or older, not at 40."""
    text = "haar zoon haalt geld van haar rekening en zet haar onder druk"
    assert "elder_abuse" in families(signals, text, age=78)
    assert "elder_abuse" not in families(signals, text, age=40)


def test_safety_service_first_with_why_and_never_only_ordinary(router: Router) -> None:
    """A signalled question gets the safety service first, with the family's sentence."""
    answer = router.route("cliënt durft niet meer naar huis omdat haar vriend haar slaat")
    assert answer.results[0].service_id == "vt-advies-melding"
    assert answer.safety[0].signal == "partner_violence"
    assert "Veilig Thuis" in answer.results[0].why and "112" in answer.results[0].why
    young = router.route("jongen van 19 moet vanavond op straat slapen")
    assert young.results[0].service_id == "mo-jongeren-toegang"
    older = router.route("man van 45 moet vanavond op straat slapen")
    assert older.results[0].service_id == "mo-centrale-toegang"


def test_every_frozen_safety_question_has_its_safety_service_in_the_top_3(
        router: Router) -> None:
    """All safety questions of the frozen set have an expected safety service in the top 3."""
    for q in read_jsonl("frozen-2026-12-03.jsonl"):
        if q.get("safety"):
            top = [r.service_id for r in router.route(q["question"], q["context"]).results[:3]]
            assert set(top) & set(q["expected"]), (q["id"], top)


def test_shipped_file_fits_both_maps() -> None:
    """Every family has a service on the demo map and on the Amsterdam benchmark map."""
    shipped = load_signals()
    assert check_against_map(shipped, load_map(demo_map_path())) == []
    assert check_against_map(shipped, load_map(BENCHMARK_MAP)) == []


def test_bad_file_names_every_problem(tmp_path: Path) -> None:
    """A malformed safety file names each problem by field; nothing half-loaded."""
    raw = {"version": "x", "families": [{"id": "Bad", "name": {"nl": "a"}, "services": [],
                                          "why": {"nl": "a", "en": "b"}, "strong": [" "],
                                          "colour": "red"}]}
    with pytest.raises(SafetyFileError) as caught:
        parse_signals(raw, "s.yaml")
    text = " | ".join(caught.value.problems)
    for field in ("families.0.id", "families.0.name.en", "families.0.services",
                  "families.0.strong", "families.0.colour"):
        assert field in text
    with pytest.raises(SafetyFileError):
        load_signals(tmp_path / "missing.yaml")


def test_socialmap_check_validates_the_safety_file(tmp_path: Path) -> None:
    """`busbaan socialmap check --safety` exits 1 on a broken file and on a family whose
    services are all missing from the map; 0 with the shipped file."""
    runner = CliRunner()
    ok = runner.invoke(main, ["socialmap", "check", str(demo_map_path())],
                       env={"BUSBAAN_LANG": "nl"})
    assert ok.exit_code == 0, ok.output
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    data["families"][0]["services"] = ["bestaat-niet"]
    broken = tmp_path / "safety.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    bad = runner.invoke(main, ["socialmap", "check", str(demo_map_path()), "--safety",
                               str(broken)], env={"BUSBAAN_LANG": "en"})
    assert bad.exit_code == 1
    assert "partner_violence" in bad.output and "bestaat-niet" in bad.output


def test_batch_reports_the_safety_signal() -> None:
    """`route batch` adds `safety` with the signal and service (not the cue words)."""
    line = json.dumps({"id": 1, "question": "mijn zus wil niet meer leven", "context": {}})
    result = CliRunner().invoke(main, ["route", "batch", "--map", str(BENCHMARK_MAP)],
                                input=line + "\n", env={"BUSBAAN_LANG": "nl"})
    out = json.loads(result.stdout)
    assert out["safety"][0]["signal"] == "suicide"
    assert out["results"][0]["service_id"] == out["safety"][0]["service_id"]
    assert out["confident"] is True


def test_cue_words_match_in_every_form(signals: Any) -> None:
    """Cues match other forms of their words through Dutch lemmas ('mishandelde' ->
    'mishandelen'), not only the forms written in the file."""
    assert "partner_violence" in families(signals, "haar man mishandelde haar jarenlang")
    assert "partner_violence" in families(signals, "hij bedreigde zijn vrouw")


# --------------------------------------------------------------------- session 4


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # a compound ends in the cue word: a 'buurjongen' is a 'jongen'
        ("de buurjongen komt steeds met blauwe plekken op school", "child_maltreatment"),
        ("het tienermeisje heeft striemen op haar rug", "child_maltreatment"),
        # Dutch puts the verb last in a subordinate clause
        ("ze zegt dat ze het allemaal niet meer ziet zitten", "suicide"),
        # articles are interchangeable ('tegen een deur' for 'tegen de deur')
        ("ze had een blauw oog en zei dat ze tegen een deur was gelopen", "partner_violence"),
        # English words by their English stem ('ending' -> 'end')
        ("I keep thinking about ending it all", "suicide"),
        # a cue that holds its own separable particle stands
        ("Waternet sluit over drie dagen het water af", "eviction_cutoff"),
    ],
)
def test_forms_of_language_match_a_cue(signals: Any, text: str, family: str) -> None:
    """Compounds, Dutch word order, articles and English forms do not hide a cue."""
    assert family in families(signals, text)


@pytest.mark.parametrize(
    "text",
    [
        # the child is the one who hits: no signal that the child is hit
        "Mijn zoon van 6 slaat andere kinderen op school",
        "Onze peuter slaat en bijt andere kinderen op de opvang",
        "Mijn zoon van 12 wil op boksles, hij slaat graag tegen de zak",
        # a separable particle makes another verb ('dichtslaan')
        "tiener slaat deuren dicht als hij zijn zin niet krijgt",
        # a reflexive object harms nobody else
        "Ik sla mezelf voor mijn kop: ik heb de kinderbijslag voor mijn kind nooit aangevraagd",
        # a negation right after the cue
        "onze dochter is somber; over zichzelf iets aandoen heeft ze niks gezegd",
        # the asker gives the plain cause of the bruises
        "Mijn vader (81) zit onder de blauwe plekken van het struikelen over de drempels",
        # said of someone who died, not of wanting to die
        "Mijn vader doet nergens meer aan mee sinds mam er niet meer is",
        # no desire for school is not suicidal talk
        "Mijn zoon (14) heeft geen zin meer in school",
    ],
)
def test_who_does_what_and_plain_causes_are_no_signal(signals: Any, text: str) -> None:
    """A child's own act, another verb, a self-directed or negated cue, or a cause the
    asker explains raises no safety signal."""
    assert families(signals, text, None) == set()


def test_a_parent_who_hits_still_counts(signals: Any) -> None:
    """The agent rule excludes only the child's own act: a parent hitting still counts,
    in a main and in a subordinate clause, and a child who is hit (passive) too."""
    assert "child_maltreatment" in families(signals, "De vader slaat zijn zoon")
    assert "child_maltreatment" in families(
        signals, "Tienermeisje durft niet naar huis omdat haar vader haar slaat")
    assert "child_maltreatment" in families(signals, "kleuter wordt thuis met een riem geslagen")


def test_unless_and_not_by_are_checked_in_the_file(tmp_path: Path) -> None:
    """'unless' and 'not_by' are lists of cues; an empty cue is named in the check."""
    raw = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    raw["families"][0]["unless"] = ["..."]
    with pytest.raises(SafetyFileError):
        parse_signals(raw, "x.yaml")


def test_each_signalled_family_gets_its_first_service(router: Router) -> None:
    """Someone being put out of their home today with no bed tonight signals two
    families: the shelter comes first (tonight is the most urgent) and crisis
    intervention second, rather than two shelter desks. (Session 23, xfails: "wordt
    vandaag uit zijn huis gezet"; "is vandaag ... gezet", told done, is no eviction to
    come and signals the shelter alone, as outside24-26 asked.)"""
    answer = router.route(
        "Meneer (45) wordt vandaag uit zijn huis gezet en heeft geen idee waar hij vannacht "
        "moet slapen."
    )
    assert {h.signal for h in answer.safety} == {"homeless_tonight", "eviction_cutoff"}
    assert [r.service_id for r in answer.results[:2]] == [
        "mo-centrale-toegang", "shv-crisisinterventie"]


def test_own_safety_probes_have_their_safety_service_in_the_top_3(router: Router) -> None:
    """Our own session-4 probes (danger described in everyday words, a tuning set): at
    least 39 of 44 have the family's safety service in the top 3 (measured 39)."""
    probes = read_jsonl("safety-probes-s4.jsonl")
    found = sum(
        any(r.service_id in q["expected"] for r in router.route(q["question"]).results[:3])
        for q in probes
    )
    assert found >= 39


def test_a_minor_with_a_safety_signal_still_gets_a_safety_service(router: Router) -> None:
    """When none of the family's services is open to the person's age (a 17-year-old,
    adult mental-health services), the safety service still comes first: a signalled
    question is never answered with ordinary services only."""
    answer = router.route("mijn zoon (17) snijdt in zijn armen en zegt dat het leven geen "
                          "zin heeft")
    assert answer.safety and answer.safety[0].service_id is not None
    # the family's service for minors (the Ouder- en Kindteam, the access to youth
    # mental-health care), not the adult ones
    assert answer.results[0].service_id == "okt-opvoedondersteuning"


def test_minors_get_the_familys_service_for_minors_adults_the_family_services(
        router: Router) -> None:
    """The file's optional ``minors`` field: a 15-year-old with suicidal talk gets the
    Ouder- en Kindteam first, a 40-year-old the adult services, and a family without
    ``minors`` on the map still answers a minor with its own services."""
    young = router.route("hij wil niet meer leven", {"leeftijd": 15})
    adult = router.route("hij wil niet meer leven", {"leeftijd": 40})
    assert young.safety[0].service_id == young.results[0].service_id == "okt-opvoedondersteuning"
    # the suicide family's first adult service (session 23, online60: the GGD Vangnet
    # before the specialist GGZ, safety file 2026-12-21.online60)
    assert adult.safety[0].service_id == adult.results[0].service_id == "ggd-vangnet"
    without = dataclasses.replace(
        router.safety,
        families=tuple(dataclasses.replace(f, minors=("not-on-the-map",))
                       for f in router.safety.families))
    plain = Router(router.map, safety=without).route("hij wil niet meer leven", {"leeftijd": 15})
    assert plain.results[0].service_id in {"ggz-specialistisch", "ggd-vangnet"}


def test_minors_field_is_checked_in_the_file_and_against_the_map(tmp_path: Path) -> None:
    """'minors' is a list of service ids (a wrong type is an error of the file); a family
    whose ``minors`` are all missing from the map gets a warning in ``socialmap check``."""
    raw = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    raw["families"][0]["minors"] = "okt"
    with pytest.raises(SafetyFileError) as caught:
        parse_signals(raw, "x.yaml")
    assert "minors" in str(caught.value)
    raw["families"][0]["minors"] = ["nergens-te-vinden"]
    problems = check_against_map(parse_signals(raw, "x.yaml"), load_map(BENCHMARK_MAP))
    assert [(p.severity, p.code) for p in problems] == [("warning", "safety-no-minor-service")]
    assert "nergens-te-vinden" in problems[0].message("nl")
    shipped = load_signals()
    assert shipped.family("suicide") is not None
    assert shipped.family("suicide").minors  # type: ignore[union-attr]
    broken = tmp_path / "safety.yaml"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = CliRunner().invoke(main, ["socialmap", "check", str(BENCHMARK_MAP), "--safety",
                                    str(broken)], env={"BUSBAAN_LANG": "nl"})
    assert "diensten voor minderjarigen" in out.output and "nergens-te-vinden" in out.output


def _detect_trying_every_cue(signals: Any, text: str, age: int | None = None) -> list[str]:
    """Detection as it was before the cue tables: every cue of every list tried in order,
    the verb-exclusion map always built (the reference for the fast path); figurative
    uses and preferences ("niet X maar Y") are ruled out as in :func:`detect`."""
    q = _Question(text)
    q.blocked = _figurative(q, signals.figurative) | _rather(signals, q)
    q.things = _things(signals, q)  # s11 (safety24): "de trap" is a thing
    found: list[str] = []
    minor = ((age < 18) if age is not None else _says_minor(signals, q)) or (
        _minor_in_question(text))
    # s11 (safety24): a child named with an age under 18 stays a child beside "opa"
    child = _minor_age(text) if age is None or age >= 18 else None
    late: list[str] = []
    # s20 (dangerfirst): the families' precedence (``yields_to``, session 14) as detect
    # applies it (safety._yielded): the words each precise family's cue read
    precise = {other for f in signals.families for other in f.yields_to}
    read: dict[str, tuple[bool, frozenset[int]]] = {}
    yields: dict[str, tuple[str, ...]] = {}
    # s21 (cues) and s23 (xfails): an act told done, or how long, is no danger to come
    # for a family acute only before the day (as detect blocks it)
    base = q.blocked
    done = _done(q) | _done_today(q) | _lasting(q)
    for family in signals.families:
        q.blocked = base | done if family.within_days is not None else base
        # s11 (safety24): a negation a cue of this family holds is that cue's own
        q.owned = _owned(dict(signals.negative).get(family.id, ()), q)
        # the grown view as detect reads it (session 16, xfail26: one function)
        family = grown_view(family, q, text, age, child, minor)
        cue = next((c for c in family.strong if _matches(c, q)), None)
        fired: tuple[tuple[tuple[str, ...], ...], ...] = ((cue,),) if cue is not None else ()
        strong = cue is not None
        # s9 (safety16): an older person named with an age ("buurman van 84") counts too
        named = _elder_age(text)
        old = family.person_min_age is not None and any(
            a is not None and a >= family.person_min_age for a in (age, named))
        rules = family.all_of + (family.minors_all_of if minor else ())
        if cue is None and rules and not any(_matches(c, q) for c in family.unless):
            ruled = _by_excluded(family, q)
            for r_no, rule in enumerate(rules):
                hits = [
                    (f"age>={family.person_min_age}",) if n == 0 and old
                    else next((c for c in group
                               if _matches(c, q, (lambda r=ruled: r) if n else None)), None)
                    for n, group in enumerate(rule)
                ]
                if all(h is not None for h in hits):
                    cue = tuple(w for h in hits if h is not None for w in (*h, "+"))[:-1]
                    fired = (tuple((h,) for h in hits if h is not None) if family.yields_to
                             else rule)
                    late += [family.id] if r_no >= len(family.all_of) else []
                    if family.id in precise and not family.yields_to:
                        # s23 (xfails): the words of each of its rules that holds
                        fired = fired + tuple(g for later in rules[r_no + 1:] if all(
                            any(_matches(c, q, (lambda r=ruled: r) if n else None)
                                for c in group) for n, group in enumerate(later))
                            for g in later)
                    break
        if cue is not None and (family.yields_to or family.id in precise):
            q.reading = family.id
            read[family.id] = (strong, _read_words(fired, q))
            q.reading = None
        if cue is not None:
            yields[family.id] = family.yields_to
            found.append(f"{family.id}: {' '.join(cue)}")
    signalled = {f.split(":")[0] for f in found}
    found = [f for f in found if not (
        (own := read.get(f.split(":")[0])) is not None and not own[0] and any(
            other in signalled and other in read and own[1] & read[other][1]
            for other in yields[f.split(":")[0]]))]
    return sorted(found, key=lambda f: f.split(":")[0] in late)  # minors' rules last


def test_fast_detection_finds_what_trying_every_cue_finds(signals: Any) -> None:
    """Detection tries only the cues whose first word occurs in the question and builds
    the verb-exclusion map only when needed: the same families and cues as trying them
    all, over the tuning sets' questions (probes, near misses, dev, tuning set s4), with
    and without an age."""
    texts = [q["question"] for name in (
        "safety-probes-s4.jsonl", "safety-near-misses.jsonl", "safety-near-misses-s4.jsonl",
        "dev-questions.jsonl", "tuning-2026-12-03-s4.jsonl") for q in read_jsonl(name)]
    assert len(texts) > 300
    signalled = 0
    for text in texts:
        for age in (None, 15, 80):
            fast = [f"{s.family.id}: {s.cue}" for s in detect(signals, text, age)
                    if not s.cue.startswith("weak:")]  # the weak tier is tested below
            assert fast == _detect_trying_every_cue(signals, text, age), text
            signalled += bool(fast)
    assert signalled > 100  # the comparison covers signalled questions, not only silence


# ------------------------------------------------------------ the weak tier (route3)


def test_a_weak_cue_puts_the_safety_service_in_the_top_3_but_not_first(router: Router) -> None:
    """One weak sign (a jealous husband, in a question about a language course) keeps
    the ordinary answer first, puts Veilig Thuis in the top 3 with the plain 'Als er
    sprake is van gevaar' sentence, marks it as `caution` (not `safety`) and does not
    make the answer confident by rule."""
    question = "Cliënte vertelt dat haar man erg jaloers is. Ze zoekt een cursus Nederlands."
    answer = router.route(question)
    top = [r.service_id for r in answer.results[:3]]
    assert top[0] != "vt-advies-melding" and "vt-advies-melding" in top
    assert answer.safety == ()
    assert [(h.signal, h.service_id) for h in answer.caution] == [
        ("partner_violence", "vt-advies-melding")]
    assert answer.caution[0].why.startswith("Als er sprake is van gevaar:")
    shown = next(r for r in answer.results if r.service_id == "vt-advies-melding")
    assert shown.why.startswith("Als er sprake is van gevaar:")
    scores = [r.score for r in answer.results]
    assert scores == sorted(scores, reverse=True)
    plain = Router(router.map, safety=dataclasses.replace(router.safety, families=tuple(
        dataclasses.replace(f, weak=()) for f in router.safety.families)))
    without = plain.route(question)
    assert "vt-advies-melding" not in [r.service_id for r in without.results[:3]]
    assert answer.confident == without.confident  # no confidence by rule
    assert [r.service_id for r in answer.results[:1]] == [r.service_id for r in without.results[:1]]


def test_two_weak_cues_of_one_family_put_its_service_first(router: Router) -> None:
    """Two distinct weak signs of one family (jealousy and not being allowed to work)
    are read as a signal: the safety service first, as for a strong cue."""
    answer = router.route("Haar man is erg jaloers en ze mag niet werken van hem.")
    assert answer.results[0].service_id == "vt-advies-melding"
    assert answer.safety[0].signal == "partner_violence" and answer.caution == ()
    assert answer.confident


def test_weak_cues_need_their_person(signals: Any) -> None:
    """A list with `needs` fires only with its person: 'zonder ontbijt' about a child is a
    weak sign of neglect, about an adult it is nothing; an older person (age) counts as
    the person for elder abuse. (Said as happening again and again, "komt vaak zonder
    ontbijt", it is a strong signal since session 6: see test_routing_safety_s6.py.)"""
    assert weak(signals, "Mijn zoon van 9 kwam vandaag zonder ontbijt op school") == {
        "child_maltreatment"}
    assert weak(signals, "Ik ga vaak zonder ontbijt naar mijn werk") == set()
    assert "elder_abuse" in weak(signals, "op haar afschriften staan grote bedragen", 84)
    assert "elder_abuse" not in weak(signals, "op haar afschriften staan grote bedragen", 40)


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben wanhopig op zoek naar een betaalbare woning",
        "Ik schrok me dood van de energierekening",
        "Hij is jaloers op zijn broer die wel een baan heeft",
        "Ik ben hopeloos met computers, wie helpt met DigiD?",
        "Mijn vader (81) heeft blauwe plekken van het struikelen over de drempels",
        "Hij heeft schulden en de deurwaarder belt steeds",
        "Sinds mijn moeder er niet meer is, is mijn vader erg eenzaam",
    ],
)
def test_everyday_idioms_raise_no_weak_signal(router: Router, text: str) -> None:
    """Near misses of everyday idioms ('wanhopig op zoek', 'schrok me dood', 'jaloers op
    zijn broer', 'hopeloos met computers'), a plain cause ('van het struikelen'), a
    bailiff who collects a debt, and the dead ('er niet meer is') raise no signal at all:
    no safety service first and none added to the top 3."""
    answer = router.route(text)
    assert answer.safety == () and answer.caution == (), text


def test_check_rejects_a_malformed_weak_list_in_dutch(tmp_path: Path) -> None:
    """`socialmap check --safety` names a weak tier without a source, an empty cue list,
    a cue without words and an unknown field, in Dutch (English when asked)."""
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    data["families"][0]["weak"]["lists"][0]["source"] = ""
    data["families"][0]["weak"]["lists"][1]["cues"] = []
    data["families"][1]["weak"]["lists"][0]["cues"].append("?!")
    data["families"][2]["weak"]["lists"][0]["bron"] = "x"
    broken = tmp_path / "safety.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    args = ["socialmap", "check", str(demo_map_path()), "--safety", str(broken)]
    nl = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "nl"})
    assert nl.exit_code == 1, nl.output
    assert "families.0.weak.lists.0.source (partner_violence): mag niet leeg zijn" in nl.output
    assert "families.0.weak.lists.1.cues (partner_violence): moet minstens 1 item(s)" in nl.output
    assert "weak.lists.0.cues (child_maltreatment): zwak signaal '?!' bevat geen woorden" in (
        nl.output)
    assert "families.2.weak.lists.0.bron (elder_abuse): onbekend veld" in nl.output
    assert "Traceback" not in nl.output and "Field required" not in nl.output
    en = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "en"})
    assert en.exit_code == 1 and "weak cue '?!' has no words" in en.output


def test_every_weak_list_names_its_source() -> None:
    """The shipped file gives each weak list a public source, and every family a weak
    tier with its 'Als er sprake is van gevaar' sentence in Dutch and English."""
    for family in load_signals().families:
        assert family.weak, family.id
        assert all(len(w.source) > 10 for w in family.weak), family.id
        assert family.weak_why("nl").startswith("Als er sprake is van gevaar:")
        assert family.weak_why("en").startswith("If there is danger:")


def test_batch_marks_a_weak_signal_as_caution() -> None:
    """`route batch` adds `caution` (weak signals) beside `safety`, which stays empty."""
    line = json.dumps({"id": 1, "question": "Cliënte vertelt dat haar man erg jaloers is. "
                       "Ze zoekt een cursus Nederlands.", "context": {}})
    result = CliRunner().invoke(main, ["route", "batch", "--map", str(BENCHMARK_MAP)],
                                input=line + "\n", env={"BUSBAAN_LANG": "nl"})
    out = json.loads(result.stdout)
    assert out["safety"] == []
    assert out["caution"] == [{"signal": "partner_violence", "service_id": "vt-advies-melding"}]
    assert "vt-advies-melding" in [r["service_id"] for r in out["results"][:3]]
