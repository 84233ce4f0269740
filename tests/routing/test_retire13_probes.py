"""retire13 (session 13): the words of an age expression are the age, not a need.

"a 22-year-old international student" with debts put the Ouder- en Kindteam first on
the "N-year-old" of its English examples about children (outside14 o14-39, after s24-s26
were retired into examples): "year" and "old" after a number matched every example that
gives an age the same way. :func:`busbaan.routing.text.age_words` leaves them out of the
question and of the example questions alike (the number is read as the age by
:mod:`busbaan.routing.context`). Probes in new voices: tests/data/socialmap/
probes-s13-retire13.jsonl."""

from __future__ import annotations

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.text import age_words, words

PROBES = read_jsonl("probes-s13-retire13.jsonl")


@pytest.mark.parametrize("row", PROBES, ids=[r["id"] for r in PROBES])
def test_an_age_is_no_word_of_need(router: Router, row: dict[str, object]) -> None:
    """A question that gives someone's age as "N-year-old" or "N-jarige": a service its
    key names or accepts first, an expected one in the top 3, and no service matched on
    the age's words ("year", "old", "jarige")."""
    answer = router.route(str(row["question"]), row["context"])  # type: ignore[arg-type]
    fits = set(row["expected"]) | set(row["acceptable"])  # type: ignore[arg-type]
    assert answer.results[0].service_id in fits
    assert set(row["expected"]) & {r.service_id for r in answer.results[:3]}  # type: ignore[arg-type]
    assert not any({"year", "old", "jarige"} & set(r.matched) for r in answer.results)


@pytest.mark.parametrize(("text", "expected"), [
    ("a 22-year-old student", {"year", "old"}),
    ("she is 81 years old and lonely", {"years", "old"}),
    ("een jongen van 15 jaar oud", {"jaar", "oud"}),
    ("een 15-jarige scholier", {"jarige"}),
    ("al 2 jaar schulden", set()),          # a duration, no age
    ("three years ago", set()),
    ("my old flat is 40 years older", set()),
])
def test_the_words_of_an_age(text: str, expected: set[str]) -> None:
    """After a number, "year(s)"/"jaar" with "old"/"oud", or "jarige", are the age; a
    duration or "old" elsewhere is a word like any other."""
    found = words(text)
    assert {found[i] for i in age_words(found)} == expected
