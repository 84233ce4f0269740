"""Accuracy floors over the development questions and our own paraphrases (not timed)."""

from __future__ import annotations

from routing_testdata import read_jsonl

from busbaan.routing import Router


def accuracy(router: Router, name: str) -> tuple[float, float]:
    questions = read_jsonl(name)
    top1 = top3 = 0
    for q in questions:
        found = [r.service_id for r in router.route(q["question"], q["context"]).results]
        top1 += bool(found) and found[0] in q["expected"]
        top3 += any(s in q["expected"] + q["acceptable"] for s in found[:3])
    return top1 / len(questions), top3 / len(questions)


def test_dev_questions_accuracy_floor(router: Router) -> None:
    """Over the 80 development questions top-3 stays at least 0.9 and top-1 at least 0.75."""
    top1, top3 = accuracy(router, "dev-questions.jsonl")
    assert top3 >= 0.9, top3
    assert top1 >= 0.75, top1


def test_own_paraphrases_accuracy_floor(router: Router) -> None:
    """Our own rewordings of dev questions (incl. English) keep top-1 at least 0.85."""
    top1, top3 = accuracy(router, "heldout-own.jsonl")
    assert top1 >= 0.85, top1
    assert top3 >= 0.9, top3


def test_own_new_questions_accuracy_floor(router: Router) -> None:
    """New questions we wrote late in development keep top-1 at least 0.8."""
    top1, top3 = accuracy(router, "heldout-own-fresh.jsonl")
    assert top1 >= 0.8, top1
    assert top3 >= 0.9, top3
