"""Questions without personal data that were refused as such, by cause (session 18,
engineer refusals), and the names that look like them, which must still be found.

The probe sets were written before the change: ``tests/data/privacy/no-names-refusals18.jsonl``
(98 questions in newcomers' and professionals' words, without personal data: places abroad,
feasts, brands, organisations, titles, English and chat openings, dates, amounts) and
``tests/data/privacy/names-like-non-names18.jsonl`` (26 questions with a person's name that
looks like one of those words).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from busbaan.privacy import find_personal_data, untitled_names

DATA = Path(__file__).resolve().parent.parent / "data" / "privacy"
#: The day the sets were written for (bench.routing.BENCH_DAY): a date is read on it.
DAY = dt.date(2026, 12, 6)


def _rows(name: str) -> dict[str, str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return {row["id"]: row["question"] for row in map(json.loads, filter(None, lines))}


NO_NAMES = _rows("no-names-refusals18.jsonl")
NAMES = _rows("names-like-non-names18.jsonl")

#: Refused, and rightly: the probe's writer put a person's given name in it.
RIGHTLY_REFUSED = {
    "nr18-39": "a teacher's given name after a title ('Meester Ahmed') is a name",
    "nr18-50": "the writer signs with her own given name ('Groetjes Mirjam')",
}
#: Still refused, a trade-off kept on purpose (privacy first) or a cause left open.
STILL_REFUSED = {
    "nr18-48": "simplemma does not know 'spoed': 'Spoed Vraag!!' reads as two name-like "
               "words (a dictionary gap, not fixed by a word list of one)",
    "nr18-52": "a date of a change more than ten years back ('sinds 12-08-2015') stays a "
               "possible birth date, as for every event word (_EVENT_DATE_AGE)",
    "nr18-75": "a capitalised tussenvoegsel before an unknown word ('Van Kasjmir') is how "
               "a surname is written without a given name",
}
#: Names still missed: two dictionary words, no frame (an open limit of untitled names).
STILL_MISSED = {
    "nl18-08": "'Meester' is no title to the name reader, and 'Meester de Graaf' is a "
               "dictionary word, a particle and a dictionary word",
    "nl18-13": "'Israel' and 'Cohen' are both words to simplemma's English, and Israel "
               "a country",
    "nl18-14": "'Chad' and 'Williams' are both words to simplemma's English, and Chad "
               "a country",
}


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=STILL_REFUSED[q]))
    if q in STILL_REFUSED else q
    for q in sorted(NO_NAMES) if q not in RIGHTLY_REFUSED])
def test_a_question_without_personal_data_is_not_refused(qid: str) -> None:
    """A fresh question without personal data (a place abroad, a feast, a brand, an
    opening in English or chat, a date of a change, an amount) is routed, not refused."""
    assert find_personal_data(NO_NAMES[qid], today=DAY) == []


@pytest.mark.parametrize("qid", sorted(RIGHTLY_REFUSED))
def test_a_probe_with_a_given_name_is_still_refused(qid: str) -> None:
    """A probe whose writer put a given name in it is refused for a name."""
    assert [f.kind for f in find_personal_data(NO_NAMES[qid], today=DAY)] == ["name"]


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=STILL_MISSED[q]))
    if q in STILL_MISSED else q
    for q in sorted(NAMES)])
def test_a_name_that_looks_like_a_place_or_feast_is_still_a_name(qid: str) -> None:
    """A person named like a place, a feast or a month ("Kabul Ahmadi", "Ramadan
    Berisha", "Paris Hilton", "Jordan Peters") is refused for a name."""
    assert "name" in [f.kind for f in find_personal_data(NAMES[qid], today=DAY)]


@pytest.mark.parametrize("text", [
    "In Koerdistan hij had eigen winkel.",
    "Uit Herat gekomen via Griekenland.",
    "Tijdens Hanukkah is de dagbesteding dicht.",
    "Zijn Ziggo abonnement is afgesloten.",
    "Op Funda ziet hij niets betaalbaars.",
])
def test_a_sentence_opened_by_a_stop_word_is_no_name(text: str) -> None:
    """A preposition, pronoun or article that opens a sentence (Snowball's stop words)
    is no given name: with the capitalised word after it, it is no name."""
    assert untitled_names(text) == []


@pytest.mark.parametrize("text", [
    "Met Fatima gaat het slecht, ze heeft schulden.",  # a given name after it
    "Bij Jan Jansen thuis ligt de post op de mat.",
    "Dan Jansen heeft schulden.",  # a stop word that is a given name
    "mijn cliënt heet Mijn Buurman",  # a name's frame
])
def test_a_name_after_a_stop_word_is_still_a_name(text: str) -> None:
    """A given name after an opening stop word, a stop word that is a given name and a
    name after "heet" are still names."""
    assert untitled_names(text)


@pytest.mark.parametrize("text", [
    "Uit Tigray gevlucht, familie is daar nog.",
    "Gezin uit Noord-Brabant verhuisd naar Zuidoost.",
    "Keti Koti viering in de buurt.",
    "Eid Mubarak iedereen! Vraagje over een fiets.",
    "Met Holi Phagwa is er een feest.",
    "Zij werkt bij Uber Eats als bezorger.",
    "Lening bij Credit Agricole, nu belt een incassobureau.",
    "Ff Checken: mag iemand met WW vrijwilligerswerk doen?",
])
def test_regions_feasts_brands_and_chat_are_no_names(text: str) -> None:
    """A region abroad (ISO 3166-2), a feast or its greeting, a brand and chat
    shorthand are no names."""
    assert find_personal_data(text, today=DAY) == []


@pytest.mark.parametrize("text", [
    "Kabul Ahmadi slaapt bij vrienden",  # two places: a surname often is one
    "Paris Hilton uit Zuidoost heeft een brief",  # a place beside a surname
    "Adam Kabul woont in Nieuw-West",
    "Ramadan Berisha kan de rekening niet betalen",  # a feast that is a given name
    "Eid Mansour zoekt werk",
    "Jordan Peters heeft huurachterstand",  # a country that is a given name
    "Familie Ramadan heeft schulden",
])
def test_a_place_or_feast_beside_a_surname_stays_a_name(text: str) -> None:
    """A place or a feast beside a surname, or a given name that is a country, is a
    name."""
    assert "name" in [f.kind for f in find_personal_data(text, today=DAY)]


@pytest.mark.parametrize("text, kinds", [
    ("Totale schuld is € 111.222.333? Nee, 11.222 euro.", []),
    ("Schuld is 123456782 cent volgens de brief.", []),
    ("BSN 111222333, 500 euro schuld", ["bsn"]),
    ("€ 500 schuld en bsn 111222333", ["bsn"]),
])
def test_an_amount_is_no_bsn(text: str, kinds: list[str]) -> None:
    """Nine digits written against a currency are an amount, not a BSN; a BSN beside an
    amount is still found."""
    assert [f.kind for f in find_personal_data(text, today=DAY)] == kinds


@pytest.mark.parametrize("text, kinds", [
    ("Huurachterstand sinds 1 januari 2025, verhuurder dreigt.", []),
    ("Uitkering gestopt op 01-03-2025, sinds dan geen inkomen.", []),
    ("Verblijfsvergunning verlopen op 15 mei 2025.", []),
    ("Zijn vrouw is overleden op 3 juni 2025.", []),
    ("ons kindje is er sinds 3-3-2026", ["date"]),  # a newborn: a birth date
    ("Sinds 12-03-1965 woont hij hier", ["date"]),  # more than ten years back
    ("uitkering gestopt voor dochter 3-3-2019", ["date"]),  # right after a person
])
def test_the_date_of_a_change_is_no_birth_date(text: str, kinds: list[str]) -> None:
    """A date told as since when or as the end of a benefit, a permit or a life in the
    family is no birth date, unless a newborn or a person is its subject or it lies more
    than ten years back."""
    assert [f.kind for f in find_personal_data(text, today=DAY)] == kinds


def test_a_neighbour_by_house_number_is_no_name() -> None:
    """"de meneer van nummer 12" points at a neighbour, as "van driehoog" does
    (probe32-009 was refused as a name)."""
    assert find_personal_data("Niemand heeft meneer van nummer 12 gezien.", today=DAY) == []


@pytest.mark.parametrize("text", [
    "Moeder woont nog in Addis Ababa, zij wil gezinshereniging.",
    "Hij werkte in Abu Dhabi als chauffeur.",
    "Zij woonde in Kharkivska Oblast tot de oorlog.",
    "Hij komt van Nuevo León en zoekt werk.",
])
def test_a_region_abroad_of_two_words_is_no_name(text: str) -> None:
    """A province, region or city-state abroad written in two capitalised words (ISO
    3166-2 as pycountry ships it, in its own spelling or in Dutch) is a place."""
    assert untitled_names(text) == []


@pytest.mark.parametrize("text", [
    "Mein Mann schlägt mich und ich habe Angst, nach Hause zu gehen",
    "Meine Mutter ist 80 und kann nicht mehr allein wohnen",
])
def test_a_german_opening_is_no_name(text: str) -> None:
    """A German article or pronoun that opens a question is no given name (r33-c06/07,
    one of them a danger, were refused as a name); "Mein Freund Jan Jansen" still is."""
    assert untitled_names(text) == []
    assert untitled_names("Mein Freund Jan Jansen hat Schulden")
