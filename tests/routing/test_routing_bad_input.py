"""Bad input to the wegwijzer's pure path (issue 8): whatever the text, a clear answer
or a clear refusal, never a crash; a property test over random text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from busbaan.errors import BusbaanError
from busbaan.routing import MAX_QUESTION_CHARS, Router, demo_map_path, load_map
from busbaan.wegwijzer import parse_question, refuse_personal_data


@pytest.fixture(scope="module")
def demo_router() -> Router:
    return Router(load_map(demo_map_path()))


def answer_or_refusal(router: Router, raw: str) -> tuple[str, object]:
    """What the bot does with a chat text before anything is stored: ('refused', errcode)
    or ('answer', RouteAnswer)."""
    try:
        question = parse_question(raw)
        if question.personal:
            raise refuse_personal_data(question.findings)
        return "answer", router.route(question.text, question.context, limit=3)
    except BusbaanError as exc:
        assert exc.message("nl") and exc.message("en")
        return "refused", exc.errcode


@pytest.mark.parametrize(
    ("raw", "errcode"),
    [
        ("", "BB_EMPTY_QUESTION"),
        ("   \n\t ", "BB_EMPTY_QUESTION"),
        ("😀🙏🏽💸", "BB_NO_WORDS"),
        ("مرحبا، أحتاج مساعدة في الديون", "BB_NO_WORDS"),
        ("Jan de Vries 111222333", "BB_PERSONAL_DATA"),
        ("mevrouw Jansen, BSN 111222333", "BB_PERSONAL_DATA"),
    ],
)
def test_bad_input_is_refused_clearly(demo_router: Router, raw: str, errcode: str) -> None:
    """Empty, emoji-only, another script, a name and a BSN: refused with a clear errcode."""
    assert answer_or_refusal(demo_router, raw) == ("refused", errcode)


def test_turkish_and_enormous_questions_get_an_honest_answer(demo_router: Router) -> None:
    """Turkish in Latin letters is answered but not confidently; a huge text is cut."""
    kind, answer = answer_or_refusal(demo_router, "borcumu ödeyemiyorum, yardım lazım")
    assert kind == "answer" and not answer.confident  # type: ignore[attr-defined]
    kind, answer = answer_or_refusal(demo_router, "schulden " * 5000)
    assert kind == "answer" and answer.truncated  # type: ignore[attr-defined]
    assert len(answer.question) <= MAX_QUESTION_CHARS  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_gets_an_answer_or_a_clear_refusal(demo_router: Router, raw: str) -> None:
    """Random text never crashes: an answer with at most three integer-scored results and
    a confidence per mille, or a refusal with an errcode."""
    kind, value = answer_or_refusal(demo_router, raw)
    if kind == "refused":
        assert isinstance(value, str) and value.startswith("BB_")
        return
    results = value.results  # type: ignore[attr-defined]
    assert len(results) <= 3
    assert all(isinstance(r.score, int) and 0 <= r.score <= 1000 for r in results)
    assert 0 <= value.confidence <= 1000  # type: ignore[attr-defined]
