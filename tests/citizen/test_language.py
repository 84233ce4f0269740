"""The citizen pages' catalogues: complete in every language, Dutch at B1 level."""

from __future__ import annotations

import json
import string

import pytest

from busbaan.citizen.i18n import LANGS, LOCALES, catalogue, pick
from busbaan.citizen.readability import flesch_douma, syllables

_SKIP = ("month.", "cat.", "role.", "lang.", "and")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalogue_has_the_dutch_keys_and_placeholders(lang: str) -> None:
    """Each language has exactly the Dutch keys, and each text the same placeholders."""
    nl = catalogue("nl").texts
    other = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    assert set(other) == set(nl)
    for key, text in nl.items():
        assert _fields(other[key]) == _fields(text), (lang, key)


def test_arabic_is_right_to_left_and_the_others_left_to_right() -> None:
    """Only Arabic is written right to left."""
    assert catalogue("ar").dir == "rtl"
    assert {catalogue(x).dir for x in ("nl", "en", "tr")} == {"ltr"}


def test_the_language_comes_from_the_query_then_the_cookie_then_the_browser() -> None:
    """?lang= wins, then the cookie, then Accept-Language, else Dutch."""
    assert pick("ar", "en", "tr") == "ar"
    assert pick(None, "tr", "en") == "tr"
    assert pick("xx", None, "fr-FR, tr;q=0.8") == "tr"
    assert pick(None, None, "de") == "nl"


def test_dutch_syllables_count_diphthongs_once() -> None:
    """'huis' and 'tijd' have one syllable, 'gegevens' three, 'toestemming' three."""
    assert syllables("huis") == 1 and syllables("tijd") == 1
    assert syllables("gegevens") == 3 and syllables("toestemming") == 3


def test_the_dutch_texts_are_easy_to_read() -> None:
    """All Dutch texts together score at least 70 on Flesch-Douma (easy, B1 or
    simpler), and no single text of five words or more scores below 40."""
    nl = catalogue("nl").texts
    texts = [v for k, v in nl.items() if not k.startswith(_SKIP)]
    whole = flesch_douma(" ".join(t if t.rstrip()[-1:] in ".?!" else t + "." for t in texts))
    assert whole.score >= 70, whole
    for key, text in nl.items():
        if key.startswith(_SKIP) or len(text.split()) < 5:
            continue
        assert flesch_douma(text).score >= 40, (key, flesch_douma(text).score)


def test_a_hard_text_scores_low() -> None:
    """The formula tells hard from easy: officialese scores far below B1 text."""
    hard = ("Conform de toepasselijke wettelijke bepalingen inzake gegevensverwerking "
            "wordt uw toestemming geregistreerd ten behoeve van de gemeentelijke "
            "dienstverlening en de daarmee samenhangende administratieve verplichtingen.")
    easy = "U kiest zelf. Zegt u nee? Dan krijgt u dezelfde hulp."
    assert flesch_douma(hard).score < 30 < 70 < flesch_douma(easy).score


def test_every_role_in_the_policy_has_a_name_in_every_language() -> None:
    """The page names the regie's role in the citizen's language: each role of
    policies/organisations.yaml has a ``role.<id>`` text in every catalogue."""
    from pathlib import Path

    from busbaan.policy import load_policy

    policy = load_policy(Path(__file__).resolve().parents[2] / "policies")
    roles = {r.id for o in policy.organisations for r in o.roles}
    assert roles
    for lang in LANGS:
        assert {f"role.{r}" for r in roles} <= set(catalogue(lang).texts), lang
