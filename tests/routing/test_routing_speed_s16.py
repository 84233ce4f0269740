"""Session 16 (speed): the router reads a question's text once where it read it four or
five times, with the same answers.

See docs/notes/2026-12-14s16-speed.md. The readings of a whole text that the ranker,
the safety reader and the person's age and place each made again are kept for a few
texts (:data:`busbaan.routing.text.TEXTS_KEPT`): the safety reader's words
(``safety._words_of``), the chat spellings written out (``text.chat_written_out``),
the ranker's ruled-out words (``contrasted_negations``, ``corrected_words``,
``idiom_words``) and the age reader's text (``context._read``). The routing YAML is read
by libyaml where PyYAML has it (:func:`busbaan.routing.yamltext.load_yaml`). That no
answer changed is shown by ``bench/route_speed.py dump``/``compare`` over every retired
question; these tests keep the properties that make it so.
"""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from busbaan.routing import Router, context, safety, text
from busbaan.routing.expansion import default_files
from busbaan.routing.yamltext import load_yaml

#: New words of our own: a danger, an everyday need with a chat spelling and a repair,
#: a need with an age and a place.
QUESTIONS = (
    "mn buurvrouw zegt dat d'r vriend haar elke avond opsluit en slaat, wat nu?",
    "Hoe kom ik aan een goedkope fiets voor mn zoon van 12? nee wacht, een laptop bedoel ik",
    "Meneer (81) in Noord kan de trap niet meer op en wil hulp in huis.",
)
#: Every reading of a whole text that is kept.
KEPT = (safety._words_of, text.chat_written_out, text.contrasted_negations,
        text.corrected_words, text.idiom_words, context._read)


def _answer(router: Router, question: str) -> dict[str, object]:
    return dataclasses.asdict(router.route(question, {}))


def test_a_question_s_words_are_read_once_per_spelling_while_it_is_routed(
        router: Router) -> None:
    """The safety reader reads a routed question's words once for its cue spelling and
    once without (detect and its assessment, the settled and figurative parts share
    them), not once per reading."""
    router.route("eerste vraag om alles te laden", {})
    safety._words_of.cache_clear()
    router.route(QUESTIONS[0], {})
    assert safety._words_of.cache_info().misses <= 2


def test_every_kept_reading_is_bounded() -> None:
    """Each kept reading holds at most :data:`.text.TEXTS_KEPT` texts: a long-running
    bot does not keep its questions."""
    for reading in KEPT:
        assert reading.cache_info().maxsize == text.TEXTS_KEPT, reading


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_answer_is_the_same_whether_its_readings_were_kept_or_not(
        router: Router, question: str) -> None:
    """Routing a question with nothing kept, again right after (everything kept), and
    after other questions have pushed it out gives the same answer each time: what is
    kept is pure and what the safety reader sets on a question is its own."""
    for reading in KEPT:
        reading.cache_clear()
    fresh = _answer(router, question)
    assert _answer(router, question) == fresh
    for n in range(text.TEXTS_KEPT + 2):
        router.route(f"vraag {n} over schulden en huur", {})
    assert _answer(router, question) == fresh


def test_detect_leaves_the_shared_words_as_they_were(router: Router) -> None:
    """What :func:`.safety.detect` sets on a question (blocked, owned, idioms, things)
    is not seen by the next reading of the same text."""
    question = "hij slaat nergens op, maar ze slaat de kinderen wel"
    safety.detect(router.safety, question)
    q = safety._Question(question, router.safety.spelling)
    assert (q.blocked, q.owned, q.idioms, q.things) == (frozenset(),) * 4
    assert q.covers == {} and q.reading is None


def test_the_shipped_yaml_files_read_as_the_safe_loader_reads_them() -> None:
    """:func:`.yamltext.load_yaml` gives the shipped example and safety files the data
    ``yaml.safe_load`` gives them, and a broken file raises a ``yaml.YAMLError``."""
    for path in (*default_files(), safety.default_path()):
        written = path.read_text(encoding="utf-8")
        assert load_yaml(written) == yaml.safe_load(written), path.name
    with pytest.raises(yaml.YAMLError):
        load_yaml("families: [a, b\n  - c: {")
