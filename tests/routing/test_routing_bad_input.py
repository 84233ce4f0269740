"""Bad input to the wegwijzer's pure path (issue 8): whatever the text, a clear answer
or a clear refusal, never a crash; a property test over random text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from busbaan.errors import BusbaanError, UsageError
from busbaan.routing import MAX_QUESTION_CHARS, Router
from busbaan.wegwijzer import parse_question, refuse_personal_data


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


@pytest.mark.parametrize("question", [
    "Kocam beni dövüyor ve eve gitmeye korkuyorum, ne yapmalıyım?",
    "Annemin parası yok, kira ödeyemiyor, ne yapabiliriz?",
    "Mój mąż mnie bije i boję się wracać do domu",
    "Ich habe Schulden und kann die Miete nicht bezahlen",
    "J'ai des dettes et je ne peux pas payer mon loyer",
])
def test_a_question_in_another_language_is_refused_clearly(demo_router: Router,
                                                           question: str) -> None:
    """Turkish, Polish, German, French in Latin letters: not random services but a
    clear refusal (ask in Dutch or English, or a colleague who speaks the language)."""
    with pytest.raises(UsageError) as caught:
        demo_router.route(question)
    assert caught.value.errcode == "BB_LANGUAGE"
    assert "Nederlands en Engels" in caught.value.nl and "Dutch and English" in caught.value.en


@pytest.mark.parametrize("question", [
    "ik heb shulden en huur acterstand wie kan helpe",
    "Ik woon Nieuw-West. Veel rekening, ik begrijp niet. Wie kan helpen?",
    "my landlord wants me out and I have nowhere to go tonight",
    "Mevr. 81 jr, valt vaak, woont alleen, wil hulp in huis",
])
def test_plain_dutch_with_typos_and_english_are_read(demo_router: Router,
                                                     question: str) -> None:
    """Broken Dutch, typos, telegram style and English are answered, not refused."""
    assert demo_router.route(question).results


def test_enormous_questions_are_cut(demo_router: Router) -> None:
    """A huge text is cut to MAX_QUESTION_CHARS and the answer says so."""
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
