"""The benchmark scores a question the router refuses (a language it does not read) as
a miss, in its tables as in its ranking through ``route batch``, and does not stop."""
from __future__ import annotations

from bench.routing import answer_of, confidence_rows, safety_figures
from busbaan.routing import Router

REFUSED = {"id": "x-1", "question": "مرحبا، أحتاج مساعدة في دفع الإيجار",
           "context": {}, "expected": ["bel-kwijtschelding"], "acceptable": [],
           "safety": "eviction_cutoff"}


def test_a_refused_question_is_an_answer_without_services(router: Router) -> None:
    answer = answer_of(router, REFUSED)
    assert answer.results == () and not answer.confident and not answer.safety


def test_the_tables_count_it_as_a_miss(router: Router) -> None:
    assert confidence_rows(router, [REFUSED]) == [(0, False, False, False)]
    assert safety_figures(router, [REFUSED]) == (1, 0, 0)
