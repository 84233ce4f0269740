"""Names without a title (names10, session 9; outside10 finding 0): "Fatima el Amrani
heeft schulden" is personal data, "Veilig Thuis", "Sociaal Loket", "Nieuw-West" and
"Mijn Buurvrouw" are not. Recall on 48 questions written before the detector
(tests/data/privacy/untitled-names-names10.jsonl); false alarms over every question of
the readable sets in tests/data/socialmap/ (the held-out sets are not opened here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from busbaan.privacy import find_personal_data, redact, untitled_names
from busbaan.routing import demo_map_path, load_map
from busbaan.wegwijzer import map_names, parse_question, refuse_personal_data

DATA = Path(__file__).resolve().parents[1] / "data"
#: held out for the lead's measurement: never read by a helper's test
_HELD_OUT = re.compile(r"(?i)frozen|s15|s16|s17")


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


NAMED = _jsonl(DATA / "privacy" / "untitled-names-names10.jsonl")


@pytest.mark.parametrize("case", NAMED, ids=[str(c["id"]) for c in NAMED])
def test_an_untitled_name_is_found(case: dict[str, object]) -> None:
    """Dutch, Moroccan, Turkish, Surinamese, Polish and English names, with and without
    particles, at the start and inside: each is a name (and nothing else)."""
    assert [f.kind for f in find_personal_data(str(case["question"]))] == ["name"]


def test_no_question_of_the_readable_sets_holds_a_name() -> None:
    """The question sets contain no names by construction: none is flagged (1034
    questions in 25 files at names10). A row marked ``expect_refusal`` holds personal
    data on purpose (outside12's four probes): it must be refused instead."""
    files = [p for p in sorted((DATA / "socialmap").glob("*.jsonl"))
             if not _HELD_OUT.search(p.name)]
    rows = [q for p in files for q in _jsonl(p)]
    questions = [str(q["question"]) for q in rows if not q.get("expect_refusal")]
    assert len(questions) > 1000
    flagged = [q for q in questions if untitled_names(q)]
    assert flagged == []
    probes = [str(q["question"]) for q in rows if q.get("expect_refusal")]
    assert probes
    assert all(find_personal_data(q.replace("{bsn}", "111222333")) for q in probes)


@pytest.mark.parametrize("text", [
    "Veilig Thuis belde terug, wat nu?",
    "Kan het Sociaal Loket helpen?",
    "Mijn Buurvrouw heeft schulden",  # sentence case gone wrong, dictionary words
    "cliënt woont in Nieuw-West en heeft schulden",
    "Gezin in De Pijp zoekt opvang",
    "ze woont in de Indische Buurt",
    "Humanitas Thuisadministratie voor haar post?",
    "Brief van Eneco over afsluiting",
    "Maandag Ochtend kwam de deurwaarder",
    "UWV en SVB betalen niet uit, DigiD werkt niet",
    "Leger des Heils of HVO Querido voor de nacht?",
    "Wmo Huishoudelijke hulp aanvragen",
    "Can Veilig Thuis help her?",  # "Can" is a Turkish first name, not on the list
    "Fatima uit Zuidoost",  # a first name alone is not a first name and a surname
    # a building or organisation named by its kind (session 11: a retired s19 question)
    "Bibliotheek Oosterdok: een vaste bezoeker snapt zijn brieven niet",
    "vanuit Wijkcentrum Oosterdok gebeld",
    "Basisschool Zonnehoek maakt zich zorgen",
])
def test_not_a_name(text: str) -> None:
    """Services, organisations, places, months and days, acronyms and dictionary words."""
    assert untitled_names(text) == []


def test_a_word_after_a_place_kind_is_still_a_surname_after_a_first_name() -> None:
    assert untitled_names("Jan Oosterdok belt over zijn huur")
    assert untitled_names("Buurthuis Oosterdok belt over de huur") == []


def test_the_map_knows_its_own_names() -> None:
    """A service name the dictionary does not know is no name when the map has it."""
    demo = load_map(demo_map_path())
    assert untitled_names("Kledingruil bij Buurthuis De Ster?", map_names(demo)) == []
    assert parse_question("Fatima Amrani bij Buurthuis De Ster", map_names(demo)).personal


@pytest.mark.parametrize("text", [
    "mijn cliënt heet Mijn Buurman",  # after "heet", dictionary words count too
    "a man named Green Leaf needs help",
])
def test_a_name_frame_makes_any_pair_a_name(text: str) -> None:
    assert untitled_names(text)


def test_the_refusal_and_redaction_are_those_of_a_titled_name() -> None:
    """The user sees the titled-name refusal (Dutch, English); logs get a marker."""
    question = parse_question("Kees de Vries (54) is dakloos")
    assert question.personal
    refusal = refuse_personal_data(question.findings)
    assert refusal.errcode == "BB_PERSONAL_DATA" and refusal.data["kinds"] == ["name"]
    assert "een naam" in refusal.nl and "a name" in refusal.en
    assert "Kees" not in refusal.nl + refusal.en
    assert redact("gesprek met Fatima el Amrani over schulden") == \
        "gesprek met [name] over schulden"


def test_a_long_question_is_checked_in_linear_time() -> None:
    """The frame before a name ("heet", "named") was searched in the whole text before
    each capitalised pair: 2,400 capitalised words took 2.6 s on CI (quadratic; the
    check also runs on gate reasons inside Synapse). Now four times the text costs
    about four times the CPU, not sixteen; measured in CPU time after a warm-up (the
    dictionaries load once), so a loaded machine does not decide."""
    import time

    untitled_names("Mijn Buurvrouw Heeft Schulden")  # load the dictionaries
    unit = "Mijn Buurvrouw Heeft Schulden En Woont In Noord "

    def cpu(n: int) -> float:
        start = time.process_time()
        untitled_names(unit * n)
        return time.process_time() - start

    small, large = min(cpu(250) for _ in range(3)), min(cpu(1000) for _ in range(3))
    assert large < 8 * small + 0.05


@pytest.mark.parametrize("text", [
    "Familie Hendriks uit Noord heeft geen eten meer",
    "het gezin Yilmaz heeft een huurachterstand",
    "fam. De Vries zoekt hulp bij de post",
    "de familie El Amrani kan de huur niet betalen",
    "familie van der Meer heeft schulden",
])
def test_a_household_named_by_its_surname_is_a_name(text: str) -> None:
    """A capitalised surname after 'familie', 'fam.' or 'gezin' names a household."""
    assert [f.kind for f in find_personal_data(text)] == ["name"]
    assert "[" in redact(text)


@pytest.mark.parametrize("text", [
    "familie van de cliënt wil wel helpen met de boodschappen",
    "gezin met drie kinderen zit in de opvang",
    "geen familie in Nederland, wel in Marokko",
    "Gezin in Noord: huur te hoog",
    "Familie Heeft Geen Eten Meer",  # Title Case: a verb, not a surname
    "familie UWV-uitkering stopt",
])
def test_familie_and_gezin_as_ordinary_words_are_no_name(text: str) -> None:
    """'familie' and 'gezin' are everyday nouns: followed by a preposition, a place,
    an acronym or a word of Title Case they name nobody."""
    assert find_personal_data(text) == []


def test_a_course_or_a_landmark_is_no_name_but_a_first_name_still_is() -> None:
    """Session 12 (retiring s21-s23): a course after its kind ("de opleiding Sociaal
    Werk") and a place by the kind it ends on ("de Magere Brug") are no names, for the
    error and for the example files' warning alike; with a first name before the kind
    ("Anna Brug") the pair stays a name."""
    from busbaan.privacy import possible_names

    for text in ("Voor mijn mbo-opleiding Sociaal Werk schrijf ik een verslag",
                 "ik spring nog eens van de Magere Brug af van al die brieven"):
        assert untitled_names(text) == [] and possible_names(text) == [], text
    assert untitled_names("mijn buurvrouw Anna Brug heeft geen geld")
    assert possible_names("mijn buurvrouw Roos Visser heeft geen geld")
    assert not untitled_names("mijn buurvrouw Roos Visser heeft geen geld")


def test_a_city_of_two_words_or_a_government_portal_is_no_name() -> None:
    """Session 13 (retiring s24-s26): a Dutch city of two words ("Den Haag") and a
    government portal ("Mijn Toeslagen") are no names for the example files' warning;
    a first name and surname in the same place still are."""
    from busbaan.privacy import possible_names

    for text in ("mijn zus woont in Den Haag en kan niet vaak komen",
                 "ik kan niet inloggen op Mijn Toeslagen met mijn telefoon"):
        assert untitled_names(text) == [] and possible_names(text) == [], text
    assert possible_names("mijn zus Roos Visser woont ver weg")


@pytest.mark.parametrize("text", [
    "In Oekraïne hij had invalide-geld. In Holland wat is het geld voor hem?",
    "In Turkije ik was leraar, hier ik heb geen werk.",
    "Naar Syrië kan zij niet terug.",
    "In Somalië was hij boer.",
    "Uit Marokko gekomen vorig jaar, nu geen huis.",
    "My stairs have become Mount Everest.",
])
def test_a_country_at_a_sentence_start_is_no_name(text: str) -> None:
    """A newcomer names the country they came from at a sentence's start ("In Oekraïne
    hij had ...", session 18: a retired held-out question was refused as a name): a
    country (ISO 3166-1 in Dutch and English, from pycountry) beside a common word is a
    place."""
    assert find_personal_data(text) == []


def test_a_country_beside_a_surname_is_still_a_name() -> None:
    """Only beside a common word is a country a place: "Marokko Jansen" after "buurman"
    stays a name."""
    assert [f.kind for f in find_personal_data("Mijn buurman Marokko Jansen belt")] == ["name"]
