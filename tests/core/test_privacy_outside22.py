"""outside22 (session 18): personal data the wegwijzer answered live, and a cut-off date it
refused as a phone number.

Live (`make dev`, encrypted direct chats from a plain nio client):

- "Haar nummer is +31 (0)6 4827 1953" was answered, and `!baan 1` opened a lane "met je
  vraag als eerste bericht": the number went to a team's intake room. So did
  "06.48.27.19.53", "(020) 612 34 56" and a newcomer's "+48 601 234 567" (answered).
- "Mijn klant محمد الحسن heeft grote schulden" was answered; the same name in Latin or
  Cyrillic letters is refused.
- "De stroom wordt afgesloten op 09-12-2026 10:00, het gezin heeft twee kinderen" was
  refused as "een telefoonnummer" (a day, month, year and hour are a 0 and nine digits),
  so the cut-off got no answer, only the weak caution.
"""

from __future__ import annotations

import pytest

from busbaan.privacy import find_personal_data, redact
from busbaan.routing import Router
from busbaan.wegwijzer import parse_question


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


@pytest.mark.parametrize("number", [
    "+31 (0)6 4827 1953",   # business cards, e-mail signatures (live: answered and laned)
    "+31(0)648271953",
    "+31 (0)20 612 34 56",
    "06.48.27.19.53",
    "(020) 612 34 56",
    "020 - 612 34 56",
    "06/48271953",
    "06 – 48 27 19 53",
    "+48 601 234 567",      # Poland (live: answered)
    "+32 470 12 34 56",     # Belgium
    "0048 601 234 567",
    "+90 532 123 45 67",    # Turkey
    "+963 944 123 456",     # Syria
    # what was read before, still read
    "06-12345678", "+31 6 12345678", "0031648271953", "06 48 27 19 53", "020 123 4567",
])
def test_a_phone_number_in_any_common_shape_is_refused(number: str) -> None:
    text = f"Mevrouw redt het huishouden niet meer, bel haar op {number} over hulp."
    assert kinds(text) == ["phone"], text
    assert number not in redact(text)


@pytest.mark.parametrize("text", [
    "De stroom wordt afgesloten op 09-12-2026 10:00, het gezin heeft twee kinderen.",
    "De deurwaarder komt 14-12-2026 om 09:30 voor de ontruiming.",
    "ontruiming op 6.1.2027 10 uur",
    "huur 650 euro, schuld 1.200 euro, kinderen van 2, 5 en 8",
    "hij verdient 1.850,00 per maand en heeft 12.000 schuld",
    "bel 0800-2000 of 0800-0113",  # the numbers the bot itself gives
    "+1.000.000 euro schuld bij de Belastingdienst",
])
def test_a_date_with_a_time_or_an_amount_is_no_phone_number(text: str) -> None:
    assert "phone" not in kinds(text), text


def test_a_cut_off_date_with_its_hour_is_routed_with_its_danger(demo_router: Router) -> None:
    """Live: refused as a phone number; now routed: the cut-off service first, with the
    cut-off's caution (the router's own reading of the words, as without the date)."""
    question = parse_question(
        "De stroom wordt afgesloten op 09-12-2026 10:00, het gezin heeft twee kinderen. "
        "Wat nu?")
    assert not question.personal
    answer = demo_router.route(question.text, question.context)
    assert "eviction_cutoff" in [hit.signal for hit in (*answer.safety, *answer.caution)]
    assert answer.results[0].service_id == "crisis-schulden"


@pytest.mark.parametrize(("text", "name"), [
    ("Mijn klant محمد الحسن heeft grote schulden en wil schuldhulp.", "محمد الحسن"),
    ("Mijn cliënte زهرا احمدی uit Iran zoekt een taalcursus.", "زهرا احمدی"),
    ("De vader, ተስፋይ ገብረ, komt uit Eritrea en heeft geen inkomen.", "ተስፋይ ገብረ"),
    ("A client named 王小明 lost his job, where can he go?", "王小明"),
    ("Haar buurvrouw 김민수 heeft geen eten meer.", "김민수"),
    ("Mijn klant משה כהן heeft schulden.", "משה כהן"),
])
def test_a_name_in_a_script_without_capitals_is_refused(text: str, name: str) -> None:
    assert kinds(text) == ["name"], text
    assert name not in redact(text)
    assert parse_question(text).personal


@pytest.mark.parametrize("text", [
    "زوجها يضربها كل ليلة وهي خائفة من العودة إلى البيت",  # wholly Arabic: no words read
    "Моя сусідка не має їжі для дітей",
    "Mijn klant محمد heeft schulden",  # one given name, as "Mohammed" alone is none
    "cliënt, 58, Zuidoost, energieschulden",
])
def test_no_name_without_two_caseless_words_in_a_latin_question(text: str) -> None:
    assert "name" not in kinds(text), text
