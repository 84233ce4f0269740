"""Context words do not make a question in a caseless script one "in Latin letters"
(session 21, restart; botlane s20's rough edge): "جاري يضرب stadsdeel=Zuidoost" was
refused as a name, while the Arabic alone was read as a question the wegwijzer cannot
read, and the way to a person after it (``!baan mens``) was lost. A name beside Latin
words of a question stays a name, with or without context words."""

from __future__ import annotations

import pytest

from busbaan.privacy import CONTEXT_WORDS, find_personal_data
from busbaan.wegwijzer import parse_question


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


@pytest.mark.parametrize("text", [
    "جاري يضرب stadsdeel=Zuidoost",
    "ابني عمره 14 سنة ولم يعد إلى البيت منذ ثلاثة أيام stadsdeel=Zuidoost",
    "جاري يضرب زوجته district: Noord",
    "stadsdeel=Zuidoost leeftijd=14 ابني لم يعد إلى البيت",
    "زوجها يضربها age=40, stadsdeel=West",
])
def test_a_question_in_a_caseless_script_with_context_words_is_no_name(text: str) -> None:
    """Arabic with only context words in Latin letters: no name found, and the question
    reaches the router as its Arabic text alone (which reads no words in it)."""
    assert kinds(text) == [], text
    question = parse_question(text)
    assert not question.personal
    assert not CONTEXT_WORDS.search(question.text)


@pytest.mark.parametrize(("text", "name"), [
    ("klant محمد الحسن stadsdeel=Noord", "محمد الحسن"),
    ("stadsdeel=Noord Mijn klant محمد الحسن heeft schulden", "محمد الحسن"),
    ("Mijn cliënte زهرا احمدی zoekt een taalcursus, leeftijd=34", "زهرا احمدی"),
    ("A client named 王小明 lost his job district=Zuidoost", "王小明"),
    ("محمد الحسن heeft schulden stadsdeel=Oost", "محمد الحسن"),
])
def test_a_caseless_name_beside_latin_words_stays_a_name(text: str, name: str) -> None:
    """A name in a caseless script inside a question with Latin words of its own is still
    refused when context words are added (nothing that was refused before is let through)."""
    assert kinds(text) == ["name"], text
    assert parse_question(text).personal
