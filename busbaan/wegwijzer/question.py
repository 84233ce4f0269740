"""A question to the wegwijzer as it arrives in chat (pure).

A professional types free text. Before it is routed, busbaan

- reads the optional context words ``stadsdeel=<naam>`` and ``leeftijd=<n>``
  (English: ``district=``, ``age=``) and takes them out of the question;
- looks for identifying data (:func:`busbaan.privacy.find_personal_data`): a question
  that carries a BSN, a name, an address or a birth date is not routed and never goes
  into a lane; the professional is pointed to a case room instead;
- guesses whether the question is English, so that the answer is too;
- hashes the question under the deployment's pseudonym key (:func:`question_hash`),
  so that feedback and lanes can refer to it without keeping the text, and nobody with
  only the database can find it by hashing guesses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from busbaan.clock import utc_today
from busbaan.errors import PersonalData, UsageError
from busbaan.privacy import CONTEXT_WORDS, Finding, find_personal_data, name_kinds
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing import MAX_QUESTION_CHARS, SocialMap
from busbaan.routing.context import detect_age, detect_stadsdeel
from busbaan.routing.safety import Signal
from busbaan.routing.text import plain_text

__all__ = [
    "MAX_QUESTION_CHARS",
    "Question",
    "follow_up",
    "guess_lang",
    "map_names",
    "parse_question",
    "question_hash",
    "refuse_personal_data",
]

_CONTEXT = CONTEXT_WORDS
_CONTEXT_KEY = {"stadsdeel": "stadsdeel", "district": "stadsdeel", "leeftijd": "leeftijd",
                "age": "leeftijd"}
_WORD = re.compile(r"[a-zà-ÿ']+")
_ENGLISH = frozenset({
    "the", "a", "an", "and", "with", "is", "are", "has", "have", "who", "where", "can",
    "cannot", "can't", "does", "do", "for", "to", "of", "her", "his", "she", "he", "they",
    "their", "needs", "need", "help", "someone", "client", "lives", "living", "pay", "bill",
    "bills", "debt", "debts", "rent", "what", "which", "how", "my", "our", "get", "unable",
    "wants", "want"
})
_DUTCH = frozenset({
    "de", "het", "een", "en", "met", "is", "zijn", "heeft", "hebben", "wie", "waar", "kan",
    "kunnen", "niet", "voor", "naar", "van", "haar", "zij", "hij", "ze", "hun", "nodig", "hulp",
    "iemand", "cliënt", "client", "cliënte", "woont", "betalen", "rekening", "schulden", "huur",
    "wat", "welke", "hoe", "mijn", "onze", "krijgen", "wil", "willen", "ik", "bij", "op", "aan",
    "er", "geen"
})


@dataclass(frozen=True, slots=True)
class Question:
    """A chat question, ready for the router (which reads at most
    :data:`MAX_QUESTION_CHARS` of ``text``; ``truncated`` says it will cut)."""

    text: str
    context: dict[str, str] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    truncated: bool = False

    @property
    def personal(self) -> bool:
        """True when the question seems to carry identifying data."""
        return bool(self.findings)


def parse_question(raw: str, known: str = "", *, today: dt.date | None = None) -> Question:
    """Split ``raw`` into the question and its context words; check it (pure).

    An empty question raises :class:`UsageError` (``BB_EMPTY_QUESTION``); personal data
    is reported in ``findings`` (checked over the whole text, also beyond the cap).
    ``known`` is the social map's service and organisation names (:func:`map_names`):
    their capitalised words are no person's name. Pasted markup is read as the text it
    shows (:func:`busbaan.routing.text.plain_text`, as the router reads it: a name
    between tags or joined by '&nbsp;' is found like any other); personal data is
    looked for in the markup too (an e-mail address can hide in a link's ``href``).
    ``today``: the day the question is asked, the one the router gets too (a date is read
    on it; default: the clock's UTC day, read once here).
    """
    plain = plain_text(raw)
    today = today or utc_today()
    findings = tuple(find_personal_data(plain, known, today=today))
    if plain != raw:
        found = {f.kind for f in findings}
        findings += tuple(f for f in find_personal_data(raw, known, today=today)
                          if f.kind not in found)
    raw = plain
    context: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        context[_CONTEXT_KEY[match.group(1).lower()]] = match.group(2)
        return " "

    text = " ".join(_CONTEXT.sub(take, raw).split())
    if not text:
        raise UsageError(
            "De vraag is leeg. Beschrijf in een paar woorden waar iemand hulp bij zoekt, "
            "bijvoorbeeld 'cliënt, 58, Zuidoost, kan de energierekening niet betalen'.",
            "The question is empty. Describe in a few words what someone needs help with, "
            "for example 'client, 58, Zuidoost, cannot pay the energy bill'.",
            errcode="BB_EMPTY_QUESTION",
        )
    return Question(text=text, context=context, findings=findings,
                    truncated=len(text) > MAX_QUESTION_CHARS)


def follow_up(earlier: str, reply: Question) -> Question:
    """A reply to one of the wegwijzer's answers, read with the question that answer was
    for (pure; outside19 #15: "en als hij in Noord woont?", sent as a reply, was routed
    alone and lost the question it asks about). The earlier question's words come
    first, then the reply's; the earlier part gives way where both would not fit in
    what the router reads (:data:`MAX_QUESTION_CHARS`). A stadsdeel or an age the reply
    names itself counts over the earlier question's (the reply changes it: "and if he
    lives in Noord?"), so it is passed as context. ``earlier`` was checked when it was
    asked; ``reply`` keeps its own findings (a reply with personal data is refused)."""
    context = dict(reply.context)
    if "stadsdeel" not in context:
        place, _ = detect_stadsdeel(reply.text)
        if place is not None:
            context["stadsdeel"] = place
    if "leeftijd" not in context:
        age = detect_age(reply.text)
        if age is not None:
            context["leeftijd"] = str(age)
    room = max(0, MAX_QUESTION_CHARS - len(reply.text) - 1)
    text = f"{earlier[:room].strip()} {reply.text}".strip()
    return Question(text=text, context=context, findings=reply.findings,
                    truncated=len(text) > MAX_QUESTION_CHARS)


def map_names(social_map: SocialMap) -> str:
    """The names a social map gives its services and organisations, as one text, for
    :func:`parse_question`'s ``known`` ("Buurthuis De Ster" is a place, not a person)."""
    return " | ".join(
        [f"{s.name} | {s.alternate_name}" for s in social_map.services]
        + [o.name for o in social_map.organizations.values()])


def refuse_personal_data(findings: tuple[Finding, ...],
                         signals: Sequence[Signal] = ()) -> PersonalData:
    """The refusal for a question with identifying data: say what was found (never the
    value), that nothing was routed or kept, and offer the two ways forward.

    ``signals`` are the safety signals the question gives (``detect`` on it, in memory;
    outside11): a danger told with a name ("<naam> wordt door haar man geslagen") is not
    searched either, but the refusal starts with the same "what to do now" lines an
    answer would (⚠ for a strong signal, the caution sentence for a weak one), so the
    professional is not left without 112 or Veilig Thuis while rephrasing."""
    kinds_nl = name_kinds(findings)
    kinds_en = name_kinds(findings, "en")
    strong = {s.family.id: s.family for s in signals if not s.weak}
    weak = {s.family.id: s.family for s in signals if s.weak and s.family.id not in strong}

    def first(lang: str) -> str:
        lines = [f"⚠ {f.why(lang)}" for f in strong.values()]
        lines += [f.weak_why(lang) for f in weak.values() if f.weak_why(lang)]
        return "".join(f"{line}\n" for line in lines)

    # a date is refused only when it may be a birth date (busbaan.privacy): say which
    # dates may stay, so that the professional does not drop an eviction's date too;
    # the example in digits echoes no month of the refused date (outside14's test)
    dates = any(f.kind == "date" for f in findings)
    date_nl = (" Een datum van een ontruiming, afsluiting, zitting of afspraak mag wel, "
               "met erbij waar hij over gaat ('afsluiting per 1-2-2027'); noem in plaats "
               "van een geboortedatum de leeftijd ('cliënt, 58')." if dates else "")
    date_en = (" A date of an eviction, cut-off, hearing or appointment may stay, with "
               "what it is about ('cut-off on 1-2-2027'); instead of a birth date, give "
               "the age ('client, 58')." if dates else "")
    data: dict[str, object] = {"kinds": [f.kind for f in findings], "suggest": "casus nieuw"}
    if strong or weak:
        data["safety"] = list(strong)
        data["caution"] = list(weak)
    return PersonalData(
        first("nl")
        + f"Je vraag lijkt {kinds_nl} te bevatten. De wegwijzer zoekt geen hulp bij "
        "persoonsgegevens en zet ze nooit in een baan; ik heb de vraag niet gezocht en "
        "niets bewaard. Stel de vraag zonder gegevens die iemand herkenbaar maken "
        f"(bijvoorbeeld 'cliënt, 58, Zuidoost, energieschulden').{date_nl} Gaat het om "
        "deze persoon en moeten collega's meekijken, open dan een casuskamer met de casus-bot: "
        "!casus nieuw.",
        first("en")
        + f"Your question seems to contain {kinds_en}. The wayfinder does not search with "
        "personal data and never puts it in a lane; I did not search and kept nothing. Ask "
        "without details that identify someone (for example 'client, 58, Zuidoost, energy "
        f"debts').{date_en} If it is about this person and colleagues need to work on "
        "it, open a case room with the casus bot: !case new.",
        data=data,
    )


def guess_lang(text: str) -> str:
    """``"en"`` when ``text`` reads as English rather than Dutch, else ``"nl"``."""
    words = _WORD.findall(text.lower())
    english = sum(w in _ENGLISH for w in words)
    dutch = sum(w in _DUTCH for w in words)
    return "en" if english > dutch else "nl"


def question_hash(text: str, pseudonyms: Pseudonyms) -> str:
    """A question's keyed hash (64 hex; NFC, case-folded, single spaces first): what the
    store keeps as ``question_sha256`` so that feedback and lanes refer to a question by
    it, never by its text. Keyed (HMAC-SHA-256, :meth:`Pseudonyms.question`): a plain
    SHA-256 of a short question could be found by hashing guesses."""
    return pseudonyms.question(text)
