"""A question that says its writer does not know where to go offers the human triage
desk in the top 3 (outside11 o11-39, session 10 xfail20); probes in new voices:
tests/data/socialmap/probes-s10-xfail20.jsonl."""

from __future__ import annotations

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.text import says_lost

PROBES = read_jsonl("probes-s10-xfail20.jsonl")


@pytest.mark.parametrize("text", [
    "weet eigenlijk niet bij wie ik moet zijn",
    "heb geen idee waar ik heen moet",
    "she doesn't know who to ask",
    "not sure who to talk to",
])
def test_not_knowing_where_to_go_is_read(text: str) -> None:
    """A negated verb of knowing before a question word of place or person."""
    assert says_lost(text)


@pytest.mark.parametrize("text", [
    "ik weet niet welke rekening betaald is",
    "hij weet precies waar hij heen moet",
    "weet u wie dit betaalt? niet de gemeente",
])
def test_knowing_or_not_knowing_something_else_is_not(text: str) -> None:
    """Not knowing which bill, or knowing where: no lost writer."""
    assert not says_lost(text)


@pytest.mark.parametrize("row", PROBES, ids=[r["id"] for r in PROBES])
def test_a_lost_writer_gets_the_desk_without_losing_the_need(demo_router: Router,
                                                             row: dict) -> None:
    """The desk is in the top 3 (a diffuse question: only there, the rest is no
    one's); a need named beside it keeps first place; a danger keeps its safety
    service first (the desk is not added to a safety answer)."""
    answer = demo_router.route(row["question"])
    top = [r.service_id for r in answer.results[:3]]
    if row.get("safety"):
        assert top[0] == row["expected"][0] and "triage-algemeen" not in top
    else:
        assert "triage-algemeen" in top
    if row["kind"] == "lost-with-need":
        assert top[0] == row["expected"][0]
