"""render20 (session 10): how an answer reads to a professional (outside12's findings).
Each instruction once: the ⚠ sentence stood at the top and again in the "Waarom" of
results 1 and 2; what to do now comes before the services; a negated word is shown
with its negation, not as a plain match."""

from __future__ import annotations

import pytest

from bots.wegwijzer.render import answer_texts
from busbaan.cli.route import render
from busbaan.routing import Router
from busbaan.routing.text import before_closing, negated, words

#: outside12 o12-03 (police): suicide told in a noise complaint; crisis service and
#: specialist ggz both carry the family's sentence
JUMP = ("Bij een melding van geluidsoverlast zei een man tegen mij dat hij vannacht van "
        "de brug springt als niemand hem helpt")
#: outside12 o12-07 (GP assistant, English): an acute psychiatric crisis
PSYCHOSIS = ("A patient's wife called: he hasn't slept in four days, thinks the neighbours "
             "are poisoning the tap water and has barricaded the front door")
#: a weak signal (test_wegwijzer_core): its sentence without ⚠
JEALOUS = "Cliënte vertelt dat haar man erg jaloers is. Ze zoekt een cursus Nederlands."


@pytest.fixture(scope="module")
def router(demo_router: Router) -> Router:
    return demo_router


@pytest.mark.parametrize(("question", "lang"), [(JUMP, "nl"), (PSYCHOSIS, "en")])
def test_the_safety_sentence_stands_once_at_the_top(router: Router, question: str,
                                                     lang: str) -> None:
    """The ⚠ sentence is the answer's first line and is not repeated under the services
    it put first; these point to it ("⚠ zie boven") and keep their own reasons."""
    answer = router.route(question, limit=3, lang=lang)
    assert answer.safety
    sentence = answer.safety[0].why
    assert sum(r.signal_why == sentence for r in answer.results[:3]) >= 1
    body, html = answer_texts(answer, lang, "Sociaal Loket")
    assert body.startswith(f"⚠ {sentence}")
    assert body.count(sentence) == 1 and html.count(sentence.split(";")[0]) == 1
    pointer = "⚠ see above" if lang == "en" else "⚠ zie boven"
    assert body.count(pointer) == sum(r.signal_why == sentence for r in answer.results[:3])


def test_a_result_keeps_the_sentence_in_its_data(router: Router) -> None:
    """``why`` (the JSON, the web) still starts with the sentence; ``own_why`` is the
    rest: the words matched."""
    answer = router.route(JUMP, limit=3)
    first = answer.results[0]
    assert first.why.startswith(first.signal_why) and first.signal_why
    assert first.own_why.startswith("past bij: ") and first.signal_why not in first.own_why


def test_a_weak_signal_stands_once_before_the_services(router: Router) -> None:
    """The caution sentence ("Als er sprake is van gevaar: ...") comes before the
    services, once, without ⚠; its service points to it."""
    answer = router.route(JEALOUS, limit=3)
    assert answer.caution and not answer.safety
    sentence = answer.caution[0].why
    body, html = answer_texts(answer, "nl", "Sociaal Loket")
    lines = body.splitlines()
    assert lines[0] == sentence and body.count(sentence) == 1 and "⚠" not in body
    assert "zie de waarschuwing boven" in body
    assert html.index(sentence.split(";")[0]) < html.index("<ol>")


def test_route_ask_says_the_safety_sentence_once(router: Router) -> None:
    """`busbaan route ask` (readable): the VEILIGHEID line, and the services point to it."""
    answer = router.route(JUMP, limit=3)
    text = render(answer)
    assert text.count(answer.safety[0].why) == 1 and "⚠ zie boven" in text


def test_a_negated_word_is_shown_with_its_negation(router: Router) -> None:
    """"not suicidal at all" is shown as "not suicidal", "hasn't slept" as itself, "geen
    geld" as "geen geld"; what is matched (and counted) is unchanged.
    The crisis question is read over the whole answer, not its top 3 (session 13,
    retire13): "hasn't slept" was shown by the third service, a debt-crisis team that
    matched "water, hasn't slept", until the retired set s24-s26 put Veilig Thuis third
    ("neighbours, days"); which service fills third place under the two crisis desks
    says nothing of how a negated word is shown. So is the near miss, over its first ten
    (session 16: with a safety service's danger examples held back on a question that
    opens no danger, dangerex, the specialist GGZ that shows "not suicidal" is sixth;
    session 17, s36-s38 retired: the services that show it are 21st and 23rd of the demo
    map's 26, so over all of them)."""
    en = router.route("Patient jokes she'd kill for a decent night's sleep, not suicidal at "
                      "all, just exhausted and anxious since the divorce", limit=40, lang="en")
    whys = " | ".join(r.why for r in en.results)
    assert "not suicidal" in whys and "suicidal" not in whys.replace("not suicidal", "")
    assert any("suicidal" in r.matched for r in en.results)
    crisis = router.route(PSYCHOSIS, lang="en")
    whys = " | ".join(r.why for r in crisis.results)
    assert "hasn't slept" in whys and "slept" not in whys.replace("hasn't slept", "")
    assert any("slept" in r.matched for r in crisis.results)


@pytest.mark.parametrize(("text", "expected"), [
    ("geen geld voor eten", {"geld": "geen", "voor": "geen geld", "eten": "geen"}),
    ("wil niet meer leven", {"meer": "niet", "leven": "niet meer"}),
    ("geen schulden, wel eenzaam", {"schulden": "geen"}),
    ("niet omdat hij slaat", {}),
    ("isn't eating", {"eating": "isn't"}),
])
def test_what_a_negation_stands_before(text: str, expected: dict[str, str]) -> None:
    """A negation covers the next words of its clause (a comma, a contrast or a
    conjunction ends it); one word between is shown with it ("niet meer leven")."""
    found = words(text)
    assert {found[i]: n for i, n in negated(text).items()} == expected


#: an e-mail pasted with its closing, signature and disclaimer (outside12 o12-27's shape)
DISCLAIMER = ("Dit bericht is uitsluitend bestemd voor de geadresseerde. Het kan vertrouwelijke "
              "informatie bevatten. Indien u dit bericht ten onrechte heeft ontvangen, wordt u "
              "verzocht de afzender onmiddellijk te informeren en het bericht te verwijderen. ")
LETTER = ("Beste collega, meneer is 61, woont alleen in Noord en zijn energierekening is enorm "
          "gestegen; hij moet 1.250 euro bijbetalen. Wie kan bij hem langs om te kijken wat hij "
          "kan besparen?\n\nMet vriendelijke groet,\nTeam Werk en Inkomen\n\n" + DISCLAIMER * 20)


@pytest.mark.parametrize("joined", [False, True])
def test_a_pasted_emails_disclaimer_is_not_read_as_the_question(router: Router,
                                                                joined: bool) -> None:
    """The words after an e-mail's closing ("Met vriendelijke groet,") are a signature
    and a disclaimer: no result matches "indien" or "verzocht", and the answer does not
    say the question was cut; also when the chat sent the lines joined."""
    letter = " ".join(LETTER.split()) if joined else LETTER
    answer = router.route(letter, limit=10)
    assert not answer.truncated
    assert all(not {"indien", "verzocht", "vertrouwelijke"} & set(r.matched)
               for r in answer.results)
    assert answer.results[0].service_id == "energiecoach"


@pytest.mark.parametrize(("text", "kept"), [
    ("Hij heeft schulden en geen werk meer.\nGroeten\nAnna\nIndien u dit", 37),
    ("She has debts and lost her job last week.\nKind regards,\nJ.", 41),
    ("Ik groet hem altijd, hij heeft schulden en geen werk.", 53),  # no closing
    ("Groeten, heeft iemand tips voor schulden bij een man van 40?", 60),  # a greeting first
])
def test_where_a_question_ends(text: str, kept: int) -> None:
    """A closing opening a line or sentence ends the question; "groet" in a sentence, or
    a greeting before the question, does not."""
    assert len(before_closing(text)) == kept


def test_the_safety_signals_read_past_the_closing(router: Router) -> None:
    """A danger told after the closing (a "PS") still raises its signal."""
    answer = router.route("Meneer heeft schulden bij de energieleverancier en de "
                          "zorgverzekeraar.\nGroeten,\nAnna\nPS hij zei gisteren dat hij "
                          "niet meer wil leven", limit=3)
    assert answer.safety and answer.results[0].service_id == answer.safety[0].service_id


def test_a_reason_is_shown_once(router: Router) -> None:
    """A matched word inside a longer matched phrase is not listed again: "cannot pay
    rent", not "cannot pay, cannot pay rent"."""
    answer = router.route("my client has debts and cannot pay rent, age 40, Zuidoost",
                          limit=3, lang="en")
    for result in answer.results:
        shown = result.own_why.removeprefix("matches: ").split(";")[0].split(", ")
        assert not any(a != b and f" {a} " in f" {b} " for a in shown for b in shown)
