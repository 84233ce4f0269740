"""outside19 (session 15), the bot's own texts as a professional read them in Element
(`make dev`, encrypted direct chats, a plain nio client):

- a forwarded mail of 2,784 characters with the question after its first 2000 was
  answered from the mail's first lines ("collega, stuur, woningcorporatie"); "ik heb
  alleen de eerste 2000 tekens gelezen" came near the end, under a tip asking for an age
  and a stadsdeel that the unread part gave. The same with "ze maakt er vannacht een eind
  aan" after 2000 characters: no ⚠, and nothing said that the rest was not read until
  the end. Now the cut is said first, with what to do, and replaces the tip.
- a long, concrete story answered unsure (a man of 84 locked in by his grandson; farewell
  letters and a question about a balcony) was told "Beschrijf het probleem concreter: wat
  speelt er (bijvoorbeeld schulden, huur, …)". Now a question of 25 words or more is asked
  only for what it lacks (age, place), and for nothing when it lacks nothing.
- a birth date was refused as "Je vraag lijkt een datum die een geboortedatum kan zijn
  te bevatten": now "een mogelijke geboortedatum".

See docs/notes/2026-12-13s15-outside19.md."""

from __future__ import annotations

import dataclasses

import pytest

from bots.wegwijzer.render import TOLD_WORDS, answer_texts
from busbaan.routing import MAX_QUESTION_CHARS, Router
from busbaan.wegwijzer import parse_question
from busbaan.wegwijzer.question import refuse_personal_data

MAIL = ("Beste collega, hierbij stuur ik je de mail door die ik vanochtend kreeg van de "
        "woningcorporatie over de gang van zaken in het complex, met daaronder het verslag "
        "van de bewonersavond en de planning van het schilderwerk. ")
#: live: the question after the first 2000 characters of a forwarded mail
CUT = (MAIL * 12 + "\n\nMijn eigenlijke vraag: een bewoner van 61 in Zuidoost heeft vier "
       "maanden huurachterstand en de corporatie dreigt met een rechtszaak.")
#: o19-03 and o19-07, answered unsure live
STORY_NL = ("Audicien. Een meneer van 84 komt altijd met zijn kleinzoon, die alles voor hem "
            "beslist. Vandaag was de kleinzoon even weg en vertelde meneer dat die elke maand "
            "zijn pensioen van de rekening haalt, hem in zijn kamer opsluit als hij 'lastig' "
            "is en dat hij soms een hele dag niets te eten krijgt.")
STORY_EN = ("I do nails in a salon in Oost. A regular client, 26, told me today she has "
            "written letters to her sisters and her mum 'for afterwards', and asked whether "
            "jumping from her balcony on the 9th floor would be quick. She laughed it off but "
            "I can't stop thinking about it.")


#: Session 22: since s56's questions are examples (without asked-heldout56 the mail gets
#: no ⚠ again), the cut mail gets a false ⚠ read from the examples, so the answer opens
#: with the warning and the cut comes under it.
DRIFT22 = ("since s56's questions are examples (session 22; it passes without "
           "asked-heldout56): a false ⚠ read from the examples (suicide, GGD Vangnet 836, cue "
           "'examples') on the forwarded mail about a housing complex, so the answer's "
           "first line is the warning, not the cut")


def _unsure(router: Router, question: str) -> object:
    """The router's answer to ``question``, taken as unsure (the texts are under test,
    not whether the router is sure)."""
    return dataclasses.replace(router.route(question), confident=False)


@pytest.mark.xfail(strict=True, reason=DRIFT22)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_cut_question_says_so_first_and_what_to_do(demo_router: Router, lang: str) -> None:
    """A question over the router's cap: the note comes before the services (under the
    warnings), says that what follows the first 2000 characters was not read and to send
    the question or anything urgent apart, and replaces the tip (the unread part may
    hold the age and the place it would ask for)."""
    answer = demo_router.route(CUT)
    assert answer.truncated and len(CUT) > MAX_QUESTION_CHARS
    body, html = answer_texts(answer, lang, "Sociaal Loket")
    first = body.split("\n")[0]
    if lang == "nl":
        assert first.startswith("Je bericht was erg lang: ik heb alleen de eerste 2000 tekens")
        assert "Stuur dat dan apart" in first and "dringend" in first
        assert "Beschrijf het probleem" not in body and "voor wie (leeftijd)" not in body
    else:
        assert first.startswith("Your message was very long: I read only its first 2000")
        assert "send that separately" in first and "urgent" in first
        assert "Describe the problem" not in body and "for whom (age)" not in body
    assert html.index("2000") < html.index("<ol>")


@pytest.mark.xfail(strict=True, reason=DRIFT22)
def test_a_cut_question_with_no_service_says_so_too(demo_router: Router) -> None:
    """Also when nothing fits: the cut first, no tip."""
    answer = dataclasses.replace(demo_router.route(CUT), results=())
    body, _ = answer_texts(answer, "nl")
    assert body.startswith("Je bericht was erg lang") and "Beschrijf" not in body


def test_a_long_story_is_not_asked_to_be_more_concrete(demo_router: Router) -> None:
    """An unsure answer to a story of 25 words or more asks only for what it lacks: here
    the place (the age, 84, it gave)."""
    answer = _unsure(demo_router, STORY_NL)
    assert len(STORY_NL.split()) >= TOLD_WORDS
    body, _ = answer_texts(answer, "nl", "Sociaal Loket")
    assert "Beschrijf het probleem concreter" not in body
    assert "Noem ook waar (het stadsdeel, of stadsdeel=Zuidoost), als je dat weet." in body
    assert "voor wie (leeftijd)" not in body
    assert "!baan mens" in body  # the way to a person stays


def test_a_long_story_that_lacks_nothing_gets_no_tip(demo_router: Router) -> None:
    """Age and district given (26, Oost): no tip at all, in English too."""
    answer = _unsure(demo_router, STORY_EN)
    body, _ = answer_texts(answer, "en", "Buurtteam Oost")
    assert "Describe the problem" not in body and "Also say" not in body
    assert "!lane human" in body


@pytest.mark.parametrize("question", ["fiets", "cliënt heeft problemen met alles"])
def test_a_short_vague_question_still_gets_the_tip(demo_router: Router, question: str) -> None:
    """Few words: the tip asks what is going on and for whom, as before (the place too,
    or the stadsdeel tip does)."""
    body, _ = answer_texts(_unsure(demo_router, question), "nl")  # type: ignore[arg-type]
    assert ("Beschrijf het probleem concreter: wat speelt er (bijvoorbeeld schulden, huur, "
            "zorg thuis, eenzaamheid)") in body and "voor wie (leeftijd)" in body
    assert "Noem ook" not in body


@pytest.mark.parametrize(("text", "nl", "en"), [
    ("Meneer is geboren op 4 februari 1951 en woont alleen; hij wil huishoudelijke hulp.",
     "Je vraag lijkt een mogelijke geboortedatum te bevatten.",
     "Your question seems to contain a possible birth date."),
    ("meneer De Graaf-Ampofo (geb 4-2-1951) wil huishoudelijke hulp",
     "Je vraag lijkt een mogelijke geboortedatum en een naam te bevatten.",
     "Your question seems to contain a possible birth date and a name."),
])
def test_a_birth_date_is_named_in_one_plain_phrase(text: str, nl: str, en: str) -> None:
    """The refusal names the date as "een mogelijke geboortedatum" (it read "een datum
    die een geboortedatum kan zijn te bevatten"), and still says which dates may stay."""
    question = parse_question(text)
    refusal = refuse_personal_data(question.findings)
    assert refusal.message("nl").startswith(nl)
    assert refusal.message("en").startswith(en)
    assert "afsluiting per 1-2-2027" in refusal.message("nl")
