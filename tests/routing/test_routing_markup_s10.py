"""Pasted markup is read as the text it shows (outside11 finding 4, session 10): one
reading, :func:`busbaan.routing.text.plain_text`, used by the router (``route ask``,
``route batch``, the bot) and by the bot's personal-data check."""

from __future__ import annotations

import time

import pytest

from busbaan.routing import Router
from busbaan.routing.text import plain_text
from busbaan.wegwijzer import map_names, parse_question


def test_pasted_markup_is_answered_not_refused_as_a_language(demo_router: Router) -> None:
    """'<b>schulden</b> &amp; huur <img ... onerror=...>' was BB_LANGUAGE (the tags
    counted as foreign words); it is answered as 'schulden & huur' is."""
    pasted = demo_router.route("<b>schulden</b> &amp; huur <img src=x onerror=alert(1)>")
    typed = demo_router.route("schulden & huur")
    assert [r.service_id for r in pasted.results] == [r.service_id for r in typed.results]
    assert "<" not in pasted.question and "&amp;" not in pasted.question


@pytest.mark.parametrize(("raw", "read"), [
    ("<p>cliënt kan de <em>energierekening</em> niet betalen</p>",
     "cliënt kan de energierekening niet betalen"),
    ("schulden &amp; huur", "schulden & huur"),
    ("huur<br/>achterstand", "huur achterstand"),
    ("<script>alert('x')</script>voedselbank<style>p {}</style>", "voedselbank"),
    ("<!-- een opmerking -->voedselbank", "voedselbank"),
    ("Jan&nbsp;de&nbsp;Vries", "Jan de Vries"),
])
def test_markup_is_read_as_its_text(raw: str, read: str) -> None:
    """Tags, comments, script and style go; character references are unescaped."""
    assert " ".join(plain_text(raw).split()) == read


@pytest.mark.parametrize("text", [
    "inkomen < 1000 euro per maand",
    "kind <12 jaar, ouders > 65",
    "ik <3 dit team",
    "AT&T en R&D",
    "geen markup hier",
])
def test_ordinary_signs_are_text(text: str) -> None:
    """A '<' before a digit or a space, or a lone '&', is no markup: kept as typed."""
    assert plain_text(text) == text


def test_reading_markup_is_linear() -> None:
    """Adversarial input (many unclosed tags, comments or script openers) is read in
    linear time; the standard library's HTMLParser took a minute on 80,000 characters
    of 'a<b '."""
    for piece in ("a<b ", "<a b='", "<!--", "<script></script>", "&#"):
        text = piece * (80_000 // len(piece))
        start = time.perf_counter()
        plain_text(text)
        assert time.perf_counter() - start < 0.5, piece


def test_a_name_in_markup_is_found(demo_router: Router) -> None:
    """The personal-data check reads what the router reads: a name between tags or
    joined by '&nbsp;' is refused as the same name typed plainly is."""
    known = map_names(demo_router.map)
    for raw in ("<p>Mevrouw <i>Yilmaz</i> heeft schulden</p>",
                "Jan&nbsp;de&nbsp;Vries heeft schulden"):
        assert parse_question(raw, known).personal, raw
    assert not parse_question("<b>schulden</b> &amp; huur", known).personal
