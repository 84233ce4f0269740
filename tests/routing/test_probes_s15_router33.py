"""Session 15 (router33): regional and phonetic Dutch is read, never refused as another
language; a question read only in part is answered, not confidently, and says so.

See docs/notes/2026-12-13s15-router33.md. Probes in new words of our own, in six
regional varieties, phonetic and dictated Dutch and formal letters, and foreign-language
controls: tests/data/socialmap/probes-s15-router33.jsonl.

- :data:`busbaan.routing.lexicon.REGIONAL`: the frequent words of Limburgs, Gronings,
  Frysk, Brabants, Zeeuws, Twents and of Dutch written as it is said ("ich", "nait",
  "jild", "unne", "'uus", "bienoa", "hep"), written out as the standard words, as chat
  spellings are (:data:`busbaan.routing.text.SPELLINGS`), and read as Dutch by the
  language check (:meth:`busbaan.routing.text.Analyzer.readable`);
- :func:`busbaan.routing.text.as_spelt`: an "-en" written without its "n" ("maande",
  "pille") and one sound spelt the other way ("slegt", "polisie") read as spelt;
- :func:`busbaan.routing.text.after_salutation` and the formal closings of
  :func:`busbaan.routing.text.before_closing`: a letter's "Geachte heer/mevrouw," and
  "Hoogachtend," are not read as the need;
- :func:`busbaan.routing.text.dutch_frame`: the Dutch function words that frame a
  sentence in every variety; :func:`busbaan.routing.router.language_of`: a question
  under the share read as Dutch but framed by them is Dutch read in part
  (``RouteAnswer.partly_read``, note ``partly_read``), answered, never confident, with
  one sentence saying some words were not understood.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import simplemma
from routing_testdata import BENCHMARK_MAP, read_jsonl

from bots.wegwijzer.render import answer_texts
from busbaan.cli.route import batch_line, render
from busbaan.errors import UsageError
from busbaan.routing import commonness, lexicon, load_map
from busbaan.routing.index import vocabulary_texts
from busbaan.routing.router import language_of
from busbaan.routing.text import (
    Analyzer,
    Reading,
    after_salutation,
    before_closing,
    dutch_frame,
    unchat,
    words,
)

PROBES = read_jsonl("probes-s15-router33.jsonl")
DUTCH = [p for p in PROBES if "foreign" not in p["tags"]]
FOREIGN = [p for p in PROBES if "foreign" in p["tags"]]
#: The retired set s31 (older people, phonetic, regional, dictated): two of its
#: Limburgish questions were refused as another language by the router that had not
#: seen them (session 14's held-out measurement).
S31 = {row["id"]: row for row in read_jsonl("frozen-2026-12-12-s31.jsonl")}
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    # session 21: s51-s54 retired into examples
    "r33-12": ("since s54's questions are examples (session 21; it passes without "
               "asked-heldout54): a mother of 71 who cannot pay her "
               "medicines since her AOW went down gets the AOW (892), GGD Vangnet (815) and "
               "the collective health insurance (798); Bijzondere bijstand is fourth (795)"),
    "r33-09": ("the service is first ('stroom', 'betaald'), but no cut-off signal: Zeeuws "
               "'afsluten' (afsluiten) is not read, 'u' for 'ui' being no regular spelling "
               "of one Dutch sound"),
    "r33-25": ("read in part on purpose (deep Zeeuws-Vlaams): 'uure' (huur, the h dropped "
               "and 'uu'), 'vermieter' and 'uut' are not read; 'geld' and 'd'r ... zetten' "
               "alone put the night shelter first, the rent arrears team is not in the top 3"),
}


@pytest.fixture(scope="module")
def map_only() -> Analyzer:
    """An analyzer that knows the map's own texts and the lexicon, no example question:
    what reads as Dutch must not rest on a retired question's words."""
    return Analyzer(vocabulary_texts(load_map(BENCHMARK_MAP)))


# ------------------------------------------------------------------ the lexicon


def test_regional_spellings_are_no_dutch_or_everyday_english_words() -> None:
    """Every regional spelling written out is no word of its own in Dutch (simplemma's
    dictionary) nor an everyday English word, and is no chat spelling or stop word; but
    the named homographs ("neet", "mie", "hedde", "ie")."""
    clashes = [k for k in lexicon.REGIONAL
               if simplemma.is_known(k, lang="nl") or commonness.zipf(k, "en") >= 4.0
               or commonness.zipf(k, "nl") >= 4.0 or k in lexicon.STOPWORDS
               or k in lexicon.CHAT]
    assert set(clashes) == set(lexicon.REGIONAL_HOMOGRAPHS)


@pytest.mark.parametrize(("text", "read"), [
    ("ich woen allein", "ik woon alleen"),
    ("mien moder weunt nao", "mijn moeder woont naar"),
    ("ik heb gjin jild foar de skuld", "ik heb geen geld voor de schuld"),
    ("ze kin t nait betoalen", "ze kin t niet betalen"),
    ("ik wil 'ulp", "ik wil hulp"),
    ("hij is bienoa deud", "hij is bijna dood"),
    ("ich wil neet mie", "ik wil niet meer"),
    ("da ie nie kan", "da hij niet kan"),
])
def test_regional_spellings_are_read_as_the_standard_words(text: str, read: str) -> None:
    """Limburgish, Gronings, Frisian, Zeeuws, Twents and Amsterdam spellings are written
    out as the standard Dutch words before a question is read (ranker and signals)."""
    assert words(unchat(text)) == words(read)


@pytest.mark.parametrize(("text", "read"), [
    ("van 3 maande", "van 3 maanden"),
    ("te veel pille", "te veel pillen"),
    ("ik mot de rekeninge betale", "ik mot de rekeningen betalen"),
    ("ik hep slegt geslape", "ik heb slecht geslapen"),
    ("ik wil nie na de polisie", "ik wil niet na de politie"),
    ("ik bleif bij me vrauw", "ik blijf bij me vrouw"),
    # everyday words as they are: Dutch "vrije", "lage", "ware"; English "make", "wage"
    ("de vrije dagen met een lage huur", "de vrije dagen met een lage huur"),
    ("i make a minimum wage", "i make a minimum wage"),
    # a feminine noun in "-e" is no plural said without its "n"
    ("studente van 17, patiënte van 80", "studente van 17, patiente van 80"),
])
def test_words_spelt_as_they_are_said_are_read_as_spelt(text: str, read: str) -> None:
    """An "-en" without its "n" and one sound spelt the other way ("g"/"ch", "sie"/"tie",
    "ei"/"ij", "au"/"ou", a final "p" for "b") are read in their standard spelling when
    that is a Dutch word and the word as written is none; everyday words and feminine
    nouns ("studente") stay."""
    assert words(unchat(text)) == words(read)


@pytest.mark.parametrize(("text", "read"), [
    ("Geachte heer/mevrouw, Mijn vader van 88 valt vaak.", "Mijn vader van 88 valt vaak."),
    ("Zeer geachte dames en heren,\nIk schrijf u omdat", "Ik schrijf u omdat"),
    ("Mijne heren, wie helpt mij?", "wie helpt mij?"),
    ("Dear Sir or Madam, my husband is 91.", "my husband is 91."),
    # informal openings and a salutation alone stay
    ("Beste manier om schulden af te lossen, wat is dat?",
     "Beste manier om schulden af te lossen, wat is dat?"),
    ("Geachte heer,", "Geachte heer,"),
])
def test_a_formal_salutation_is_no_part_of_the_question(text: str, read: str) -> None:
    """A formal letter's opening salutation ("Geachte heer/mevrouw,", "Mijne heren,",
    "Dear Sir or Madam,") names who is written to, not the need: it is not read."""
    assert after_salutation(text) == read


@pytest.mark.parametrize("closing", ["Hoogachtend,", "Met de meeste hoogachting,",
                                     "Met beleefde groet,", "Yours faithfully,"])
def test_a_formal_closing_ends_the_question(closing: str) -> None:
    """The formal closings of older people's letters end the question, as "Met
    vriendelijke groet," does: the signature after them is not read."""
    text = f"Mijn man van 84 kan de trap niet meer op. Wie helpt ons?\n{closing}\nJ. Bakker"
    assert before_closing(text) == "Mijn man van 84 kan de trap niet meer op. Wie helpt ons?"


@pytest.mark.parametrize(("text", "read"), [
    ("1 x in het jaar", "1 keer in het jaar"),
    ("2x per week", "2 keer per week"),
    ("een kamer van 3x4 meter", "een kamer van 3x4 meter"),
    ("mijn buurman x", "mijn buurman x"),
])
def test_a_count_of_times_is_read_as_keer(text: str, read: str) -> None:
    """"1x", "2 x per week": the sign is the word "keer", not a word "x"; a size ("3x4")
    and a letter on its own stay."""
    assert words(unchat(text)) == words(read)


# ------------------------------------------------------------------ the language check


@pytest.mark.parametrize("probe", DUTCH, ids=[p["id"] for p in DUTCH])
def test_regional_and_phonetic_dutch_is_never_another_language(
        map_only: Analyzer, probe: dict[str, Any]) -> None:
    """Every regional, phonetic, dictated and formal probe reads as Dutch with the map's
    words and the lexicon alone, or in part where its own words are unknown."""
    verdict = language_of(map_only.readable(probe["question"]))
    assert verdict == ("partly" if "partly-read" in probe["tags"] else "read")


@pytest.mark.parametrize("question_id", ["h31-054", "h31-077"])
def test_the_refused_limburgish_questions_of_s31_are_read(
        map_only: Analyzer, question_id: str) -> None:
    """The two Limburgish questions of s31 that were refused (11 of 27 and 12 of 25
    words read) now read as Dutch without any example question."""
    reading = map_only.readable(S31[question_id]["question"])
    assert language_of(reading) == "read" and reading.read >= 0.9 * reading.counted


@pytest.mark.parametrize("probe", FOREIGN, ids=[p["id"] for p in FOREIGN])
def test_a_foreign_language_is_still_refused(router: Any, probe: dict[str, Any]) -> None:
    """Turkish, Polish, German, French, Spanish, Italian and Portuguese in Latin letters
    are still refused with BB_LANGUAGE, German with its "ich", "mit" and "allein" too."""
    with pytest.raises(UsageError) as caught:
        router.route(probe["question"])
    assert caught.value.errcode == "BB_LANGUAGE"


@pytest.mark.parametrize(("text", "framed"), [
    ("d'r is gein cent mie euver veur de huur of 't ete", True),
    ("ik è gin gèèld mî vò de uure", True),
    ("is dao get in de buurt", True),
    ("No tengo dinero para el alquiler de mi casa en Amsterdam", False),
    ("İş yok, para yok, iş bulamıyorum", False),
    ("Ich habe Schulden und kann die Miete in Amsterdam nicht bezahlen", False),
])
def test_a_dutch_frame_is_two_function_words_one_of_them_dutch_alone(
        text: str, framed: bool) -> None:
    """Two different Dutch function words, one that no other language writes ("is",
    "'t", "ik"), frame a Dutch sentence; Spanish "de ... en", a Turkish "iş" said twice
    or German "in" do not."""
    assert dutch_frame(text) is framed


@pytest.mark.parametrize(("reading", "verdict"), [
    (Reading(3, 3, False), "read"),       # too short to judge
    (Reading(6, 10, False), "read"),      # 60 % read
    (Reading(5, 10, True), "partly"),     # under 60 %, framed by Dutch
    (Reading(5, 10, False), "other"),     # under 60 %, no Dutch frame
    (Reading(0, 10, True), "partly"),
])
def test_language_of(reading: Reading, verdict: str) -> None:
    """Read at 60 % or more, or too short to judge; under it Dutch in part when framed
    by Dutch function words, else another language."""
    assert language_of(reading) == verdict


# ------------------------------------------------------------------ answers


def _answer(router: Any, probe: dict[str, Any]) -> Any:
    return router.route(probe["question"], probe["context"], limit=3)


def _open(probe: dict[str, Any]) -> Any:
    reason = OPEN.get(probe["id"])
    return pytest.param(probe, id=probe["id"], marks=pytest.mark.xfail(strict=True,
                                                                      reason=reason)
                        ) if reason else pytest.param(probe, id=probe["id"])


@pytest.mark.parametrize("probe", [_open(p) for p in DUTCH])
def test_regional_probes_find_their_service(router: Any, probe: dict[str, Any]) -> None:
    """Each regional, phonetic, dictated and formal probe has an expected service in
    the top 3, and its safety family among the signals when it has one."""
    answer = _answer(router, probe)
    got = [r.service_id for r in answer.results]
    assert set(got) & set(probe["expected"]), got
    if probe["safety"]:
        assert probe["safety"] in {h.signal for h in (*answer.safety, *answer.caution)}


def test_a_question_read_in_part_is_answered_not_confidently(router: Any) -> None:
    """A question of which under 60 % of the words read as Dutch, framed by Dutch
    function words (deep Zeeuws-Vlaams), is answered: never confident, note
    ``partly_read``, and the bot's and the CLI's answer say in one sentence that some
    words were not understood, in Dutch and in English."""
    [probe] = [p for p in DUTCH if "partly-read" in p["tags"]]
    answer = _answer(router, probe)
    assert answer.results and answer.partly_read and not answer.confident
    assert "partly_read" in answer.notes and "not_confident" in answer.notes
    nl, html = answer_texts(answer, "nl")
    en, _ = answer_texts(answer, "en")
    assert "niet begrepen" in nl and "niet begrepen" in html
    assert "did not understand" in en
    assert "niet begrepen" in render(answer, lang_="nl")
    assert "did not understand" in render(answer, lang_="en")


def test_a_batch_line_says_partly_read_only_when_it_is(router: Any) -> None:
    """`route batch` adds ``"partly_read": true`` to the line of a question read in
    part; every other line keeps its shape."""
    [probe] = [p for p in DUTCH if "partly-read" in p["tags"]]
    partly = batch_line(router, json.dumps({"id": 1, "question": probe["question"]}))
    plain = batch_line(router, json.dumps({"id": 2, "question": DUTCH[0]["question"]}))
    assert partly["partly_read"] is True
    assert "partly_read" not in plain
    answer = router.route(DUTCH[0]["question"])
    assert not answer.partly_read and "partly_read" not in answer.notes
