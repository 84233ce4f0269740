"""Session 14 (router28): how young people write in chat, read as the words they mean.

See docs/notes/2026-12-12s14-router28.md. Probes in new voices:
tests/data/socialmap/probes-s14-router28.jsonl.

- :func:`busbaan.routing.text.chat_written_out`: chat laughter in any spelling ("lol",
  "hahaha", "lmao", a laughing emoji via :func:`busbaan.routing.lexicon.fold`) is the
  one word "haha", a stop word; an amount in thousands ("9k") is written in full;
  "mnd", "wk", "ivm" are the words they abbreviate (:data:`.lexicon.CHAT`);
- :func:`busbaan.routing.text.down_sense`: "down" as the mood ("voel me zo down",
  "feeling down"), not the preposition ("down the stairs");
- :func:`busbaan.routing.text.contrasted_negations`: "alleen maar" is no contrast;
- the safety signals (``jest.laughter``): chat laughter in the sentence of a quoted
  threat that names no one but its speaker calls it a joke, as "grapje" does; a threat
  aimed at someone is read whatever the tone;
  :func:`busbaan.routing.safety.figurative_parts` gives the words said in jest to the
  ranker, which does not read them either.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, signals, top

from busbaan.routing.safety import figurative_parts
from busbaan.routing.text import (
    chat_written_out,
    contrasted_negations,
    down_sense,
    unchat,
    words,
)

PROBES = read_jsonl("probes-s14-router28.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "r28-01": ("no signal any more (the quoted threat is a joke), but the everyday words "
               "'zus', 'viel', 'telefoon', 'thuis' put Veilig Thuis before the Jongerenpunt; "
               "'zonder school of werk' weighs less than a family word"),
    "r28-02": ("no signal any more, but the English 'heart keeps racing' matches only the "
               "overdose examples (GGD Vangnet); the retired sets write a racing heart only "
               "in overdoses, so no lexicon entry 'heart racing' -> 'hartkloppingen' was added"),
}


# ------------------------------------------------------------------ chat spellings


@pytest.mark.parametrize("text", [
    "lol", "LOL", "loool", "haha", "hahaha", "ahahah", "hihihi", "hehe", "lmao", "lmfao",
    "xD", "rofl", "\U0001F602", "\U0001F923", "\U0001F480",
])
def test_chat_laughter_in_any_spelling_is_haha(text: str) -> None:
    """Every spelling of chat laughter, a laughing emoji too, is read as "haha"."""
    assert words(unchat(f"ik ga dood {text} maar serieus")) == [
        "ik", "ga", "dood", "haha", "maar", "serieus"]


@pytest.mark.parametrize("text", ["hallo", "lolly", "ha", "heel", "ahoi", "loonheffing", "hihaho"])
def test_words_that_only_look_like_laughter_stay(text: str) -> None:
    """A word that merely starts or ends like laughter is left as written."""
    assert "haha" not in words(unchat(text))


def test_laughter_is_no_term_of_the_need(router: Any) -> None:
    """"lol" names no need: it adds no term to a question (it matched the example
    questions that happen to laugh)."""
    analyzer = router.analyzer
    plain = [t.stem for t in analyzer.query("ik heb schulden, wie helpt")]
    assert [t.stem for t in analyzer.query("ik heb schulden lol 😂, wie helpt")] == plain


@pytest.mark.parametrize(("text", "read"), [
    ("9k schuld", "9000 schuld"),
    ("ik moet 6k terug", "ik moet 6000 terug"),
    ("ca 28k, 14 schuldeisers", "ca 28000, 14 schuldeisers"),
    ("2 mnd achter", "2 maand achter"),
    ("over 2 wk weg", "over 2 week weg"),
    ("terug ivm samenwonen", "terug in verband met samenwonen"),
])
def test_abbreviated_amounts_and_times_are_written_out(text: str, read: str) -> None:
    """An amount in thousands is a number written in full; "mnd", "wk" and "ivm" are
    the words they abbreviate."""
    assert chat_written_out(text) == read


@pytest.mark.parametrize("text", ["a4k", "1.5k", "k3", "vmbo-k", "5km"])
def test_a_k_that_is_no_thousand_stays(text: str) -> None:
    """A "k" inside a word, after a decimal or before more letters stays as written."""
    assert chat_written_out(text) == text


# ------------------------------------------------------------------ the mood "down"


@pytest.mark.parametrize("text", [
    "ik voel me zo down",
    "voel me de laatste tijd gewoon super down, echt",
    "ze is al weken down.",
    "ik ben echt down sinds de scheiding",
    "I've been feeling down for months",
    "she felt really down after the exam",
    "a bit down lately",
])
def test_down_as_a_predicate_is_the_mood(text: str) -> None:
    """"down" after a verb of feeling, "ben", or a degree or time word is the mood."""
    assert [words(text)[i] for i in down_sense(text)] == ["down"]


@pytest.mark.parametrize("text", [
    "he pushed her down the stairs",
    "can someone sit down with me",
    "she broke down at the desk",
    "it's wearing me down",
    "DigiD is down, hoe vraag ik het dan aan",
    "he shouted at him down the phone",
])
def test_down_as_a_preposition_or_outage_is_not_the_mood(text: str) -> None:
    """"down" as a preposition or particle, or "is down" (an outage), is no mood."""
    assert not down_sense(text)


def test_the_mood_down_reads_as_somber(router: Any) -> None:
    """"zo down" reads the map's "somber"; "down the stairs" reads nothing."""
    analyzer = router.analyzer
    mood = {t.stem for t in analyzer.query("ik voel me zo down")}
    stairs = {t.stem for t in analyzer.query("he pushed her down the stairs")}
    somber = analyzer.stem("somber")
    assert somber in mood
    assert somber not in stairs


# ------------------------------------------------------------------ "alleen maar"


@pytest.mark.parametrize(("text", "out"), [
    ("ze heeft geen werk of opleiding, ze zit alleen maar thuis.", []),
    ("hij heeft geen geld en doet nog maar weinig", []),
    ("geen schulden, maar wel eenzaam", ["schulden"]),
])
def test_alleen_maar_is_no_contrast(text: str, out: list[str]) -> None:
    """"maar" after "alleen", "nog", "ook" is an adverb: it rules out nothing; the
    contrast "maar" still does."""
    assert [words(text)[i] for i in sorted(contrasted_negations(text))] == out


# ------------------------------------------------------------------ jest


def test_laughter_calls_a_quoted_threat_a_joke(router: Any) -> None:
    """A quoted threat with chat laughter in its sentence raises no signal, and its
    danger words are given to the ranker as figurative."""
    question = ("mn neef schreeuwde 'ik spring van het dak' toen zn club verloor lol. hij is "
                "18 en zoekt een bijbaan")
    assert not signals(router.route(question, {"stadsdeel": None, "leeftijd": 18}))
    assert {w for _, w in figurative_parts(router.safety, question)} >= {"spring"}


def test_laughter_without_quotes_is_read(router: Any) -> None:
    """Laughter beside a danger told without quotes calls nothing a joke."""
    answer = router.route("mn vader slaat mn moeder elke dag lol ik weet niet wat ik moet doen",
                          {"stadsdeel": None, "leeftijd": 16})
    assert signals(answer)
    assert top(answer, 1) == ["vt-advies-melding"]


@pytest.mark.parametrize("question", [
    "mn ex zei 'ik maak je af' lol",
    "my ex texted 'I will kill you' lmao",
    "mn vader zei 'ik sla jou nog eens helemaal bont en blauw' haha",
])
def test_laughter_does_not_make_a_joke_of_a_threat_to_someone(router: Any, question: str) -> None:
    """Laughter is the asker's tone: a quoted threat aimed at someone (a second or
    third person in the quote) is read whatever the tone."""
    assert signals(router.route(question, {"stadsdeel": None, "leeftijd": 19}))


def test_laughter_with_fear_said_is_read(router: Any) -> None:
    """A quoted threat with laughter is read when the asker says it frightens."""
    answer = router.route("hij appte 'ik maak je af' haha maar ik ben echt bang",
                          {"stadsdeel": None, "leeftijd": 19})
    assert signals(answer)


# ------------------------------------------------------------------ the probes


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    """Each probe's first answer is its expected service; a safety probe raises its
    signal and an ordinary one none."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    assert bool(answer.safety) == bool(row["safety"]), (row["id"], signals(answer))
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))
