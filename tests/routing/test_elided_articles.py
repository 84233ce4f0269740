"""render20 (session 10): the Dutch elided articles "'s", "'t" and "'n" are grammar, not a
word of the need (outside12: "'s nachts" was read as the words 's' and 'nachts', and 's'
matched every service whose text says "'s avonds": "past bij: s, nachts")."""

from __future__ import annotations

import pytest

from busbaan.routing import Router
from busbaan.routing.text import contrasted_negations, words


@pytest.mark.parametrize(("text", "expected"), [
    ("Oudere man loopt 's nachts over straat", ["oudere", "man", "loopt", "nachts", "over",
                                                 "straat"]),
    ("’s Avonds en ‘t weekend", ["avonds", "en", "weekend"]),  # curly apostrophes
    ("'S MORGENS", ["morgens"]),
    ("zo'n gedoe met 'n brief", ["zon", "gedoe", "met", "brief"]),
])
def test_an_elided_article_is_no_word(text: str, expected: list[str]) -> None:
    """"'s nachts", "’s avonds", "'t", "'n" give the words after them, not 's', 't', 'n'."""
    assert words(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Zzp'er (38)", ["zzper", "38"]),
    ("her mum's boyfriend", ["her", "mums", "boyfriend"]),
    ("she isn't eating", ["she", "isnt", "eating"]),
    ("ze zei 'tja' en 'stop'", ["ze", "zei", "tja", "en", "stop"]),
])
def test_an_apostrophe_inside_or_quoting_a_word_is_left_as_it_was(
        text: str, expected: list[str]) -> None:
    """Only a lone 's/'t/'n is dropped: "zzp'er", "mum's", "isn't", a quoted 'tja' stay."""
    assert words(text) == expected


def test_negations_are_indexed_as_words_are() -> None:
    """The rule-out indices still point at the words of :func:`words` after an elided
    article: in "'s avonds geen schulden, maar eenzaam" 'schulden' is ruled out."""
    text = "'s avonds geen schulden, maar eenzaam"
    ruled = contrasted_negations(text)
    assert [w for i, w in enumerate(words(text)) if i in ruled] == ["schulden"]


def test_no_result_shows_s_as_a_reason(demo_router: Router) -> None:
    """"'s nachts in de war op straat": no result's reasons list the letter 's'."""
    answer = demo_router.route("Oudere man loopt 's nachts verward over straat", {})
    assert answer.results
    assert all("s" not in r.matched and "past bij: s," not in r.why for r in answer.results)
