"""router22: the writer's own role ("Ik ben een particuliere verhuurder.", "I work at a
housing association.") says who writes, as a case note's heading does; a state that is
the need ("ik ben zzp'er zonder opdrachten", "ik ben op") or a family word is no role."""

from __future__ import annotations

import pytest
from routing_testdata import Tuned

from busbaan.routing import Router
from busbaan.routing.text import words, writer_intro


def _read(text: str) -> list[str]:
    w = words(text)
    return [w[i] for i in sorted(writer_intro(text))]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Ik ben een particuliere verhuurder. Mijn huurder betaalt niet.",
         ["ik", "ben", "een", "particuliere", "verhuurder"]),
        ("I work at a housing association. One tenant is behind on rent.",
         ["i", "work", "at", "a", "housing", "association"]),
        ("Ik ben zijn mentor op school. Hij vertelt dat er aanmaningen liggen.",
         ["ik", "ben", "zijn", "mentor", "op", "school"]),
        ("Ik ben alleen de verhuurder, dus waar kan hij heen?",
         ["ik", "ben", "alleen", "de", "verhuurder"]),
        ("Ik werk bij een thuiszorgorganisatie. Een cliente kan niet douchen.",
         ["ik", "werk", "bij", "een", "thuiszorgorganisatie"]),
    ],
)
def test_a_role_clause_is_read(text: str, role: list[str]) -> None:
    assert _read(text) == role


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben een zzp'er zonder opdrachten en heb geen inkomen meer.",  # the need
        "Ik ben op. Wat kan ik doen?",  # a state, no determiner
        "Ik ben de moeder, wie helpt ons?",  # the household (person words)
        "Ik ben een huurder en mijn verhuurder wil de huur verhogen.",  # clause goes on
        "Ik ben een particuliere verhuurder.",  # the whole text: nothing else to weigh
    ],
)
def test_no_role_where_the_clause_is_the_need_or_the_whole_text(text: str) -> None:
    assert _read(text) == []


def test_the_role_words_weigh_as_a_heading(router: Router) -> None:
    text = "Ik ben een particuliere verhuurder. Mijn huurster betaalt al drie maanden niet."
    stem = router.analyzer.stem("verhuurder")
    weight = max(t.weight for t in router.analyzer.query(text)
                 if t.stem == stem and t.kind == "word")
    plain = "Een particuliere verhuurder. Mijn huurster betaalt al drie maanden niet."
    full = max(t.weight for t in router.analyzer.query(plain)
               if t.stem == stem and t.kind == "word")
    assert router.tuning.frame_weight < 1.0
    assert weight == pytest.approx(full * router.tuning.frame_weight)


def test_a_landlord_s_tenant_is_not_sent_to_tenant_advice(router: Router, tuned: Tuned
                                                           ) -> None:
    """The writer is the landlord; the tenant's need is the money: housing advice (the
    tenant's rights against a landlord) is not among the first three."""
    text = ("Ik ben een particuliere verhuurder. Mijn huurster in Noord betaalt al drie "
            "maanden niet en zegt dat ze haar post niet meer openmaakt. Waar kan zij terecht "
            "voor hulp met haar schulden?")
    top = [r.service_id for r in router.route(text).results[:3]]
    assert "wonen-woonadvies" not in top
    off = tuned(frame_weight=1.0)
    assert "wonen-woonadvies" in [r.service_id for r in off.route(text).results[:3]]
