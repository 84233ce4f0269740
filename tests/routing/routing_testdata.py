"""Paths and readers for the routing test data (tests/data/socialmap)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "socialmap"
#: Where outside checks from outside21 on keep their question files (docs/notes).
NOTES = Path(__file__).resolve().parents[2] / "docs" / "notes"
BENCHMARK_MAP = DATA / "amsterdam-demo.hsds.json"

#: The ``tuned`` fixture (conftest.py): ``tuned(frame_weight=1.0)`` → a router (Any: this
#: module imports nothing of busbaan).
Tuned = Callable[..., Any]


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """The JSON objects of one JSON Lines file in tests/data/socialmap."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def assert_near_miss_is_silent(router: Any, q: dict[str, Any]) -> None:
    """A near miss gets no safety answer, and no weak-tier service in its top 3 that the
    question's answer key does not support (the safety probe files' near misses)."""
    answer = router.route(q["question"], q["context"])
    wanted = set(q["expected"]) | set(q["acceptable"])
    assert not answer.safety, (q["id"], [(h.signal, h.cue) for h in answer.safety])
    shown = {r.service_id for r in answer.results[:3]}
    assert not any(h.service_id in shown and h.service_id not in wanted
                   for h in answer.caution), q["id"]


def families(router: Any, question: str, *, weak: bool = False) -> set[str]:
    """The safety families ``question`` raises as signals (with ``weak``, cautions too)."""
    from busbaan.routing.safety import detect

    return {s.family.id for s in detect(router.safety, question) if weak or not s.weak}


def assert_safety_probe(router: Any, row: dict[str, Any], *, weak_ok: bool = False) -> None:
    """A danger probe raises its family as a signal (a caution is enough with ``weak_ok``)
    with an expected service in the top 3; a near miss raises no signal (a caution may
    stay): the rule of the session-11 safety probe files."""
    if not row["safety"]:
        assert not families(router, row["question"]), row["id"]
        return
    assert row["safety"] in families(router, row["question"], weak=weak_ok), row["id"]
    answer = router.route(row["question"], row["context"])
    assert any(r.service_id in row["expected"] for r in answer.results[:3]), row["id"]


#: The well-known test BSN (11-proof) that outside checks' question files fill in for
#: "{bsn}" (the live runs made their own at run time).
TEST_BSN = "111222333"


class OutsideQuestions:
    """An outside check's question file (``outsideNN-questions.jsonl``, asked through
    `make dev` and replayed at router level on the demo map): the rows by id, a question's
    text with "{bsn}" filled in, and the route the bot takes (the personal-data check's
    parse first, with the demo map's names)."""

    def __init__(self, name: str) -> None:
        from busbaan.routing import demo_map_path, load_map
        from busbaan.wegwijzer import map_names

        self.rows = {row["id"]: row for row in read_jsonl(name)}
        self.known = map_names(load_map(demo_map_path()))

    @classmethod
    def of(cls, check: str) -> OutsideQuestions:
        """Outside check ``check``'s questions ("outside23" → ``outside23-questions.jsonl``,
        in tests/data/socialmap or, from outside21 on, docs/notes), read once per session:
        the one scaffold the outside20+ findings files share."""
        if check not in _OUTSIDE:
            name = f"{check}-questions.jsonl"
            path = DATA / name if (DATA / name).exists() else NOTES / name
            _OUTSIDE[check] = cls(str(path))  # an absolute path: DATA / path is path
        return _OUTSIDE[check]

    def text(self, qid: str) -> str:
        return str(self.rows[qid]["question"]).replace("{bsn}", TEST_BSN)

    def row(self, qid: str) -> dict[str, Any]:
        """Question ``qid``'s row with its text filled in (:meth:`text`)."""
        return {**self.rows[qid], "question": self.text(qid)}

    def fits(self, qid: str) -> list[str]:
        """What a good professional names first, or would also accept there."""
        row = self.rows[qid]
        return [*row["expected"], *row["acceptable"]]

    def route(self, router: Any, qid: str, *, clean: bool = False) -> Any:
        """The bot's route for question ``qid``; ``clean``: it must carry no personal data."""
        from busbaan.wegwijzer import parse_question

        question = parse_question(self.text(qid), self.known)
        if clean:
            assert question.findings == ()  # routed questions carry no personal data
        return router.route(question.text, question.context)

    def routed(self, router: Any, qid: str) -> Any:
        """The bot's route for question ``qid``, which carries no personal data (the
        questions an outside check saw answered)."""
        return self.route(router, qid, clean=True)

    def found(self, qid: str) -> list[str]:
        """The kinds of personal data the bot's check finds in question ``qid`` (with the
        demo map's names), in the order found."""
        from busbaan.wegwijzer import parse_question

        return [f.kind for f in parse_question(self.text(qid), self.known).findings]


#: :meth:`OutsideQuestions.of`'s files, by check (a file is read and the demo map's
#: names loaded once per session, not once per findings module).
_OUTSIDE: dict[str, OutsideQuestions] = {}


def assert_danger_first(answer: Any, signal: str, service: str) -> None:
    """Danger told in everyday words: its signal (the ⚠ line with what to do now), its
    service first, the answer confident: the rule of the outside checks' danger rows."""
    assert signal in signals(answer), (signals(answer), caution(answer), top(answer))
    assert top(answer, 1) == [service]
    assert answer.confident


def assert_ordinary_first(router: Any, row: dict[str, Any]) -> None:
    """An ordinary probe: no safety answer, and one of its expected services first."""
    answer = router.route(row["question"], row["context"])
    assert not answer.safety, row["id"]
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))


def top(answer: Any, n: int = 3) -> list[str]:
    """The first ``n`` service ids of an answer."""
    return [r.service_id for r in answer.results[:n]]


def signals(answer: Any) -> list[str]:
    """The safety families that put their service first."""
    return [h.signal for h in answer.safety]


def caution(answer: Any) -> list[str]:
    """The safety families of the weak tier (a caution, never first)."""
    return [h.signal for h in answer.caution]
