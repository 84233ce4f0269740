"""How the wegwijzer's answers read in Element (pure): plain ``body`` and HTML.

Every text exists in Dutch and English; ``lang`` picks one. Nothing here logs or
stores anything: the bot decides what is sent, this module only words it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from busbaan.matrix.reply import esc
from busbaan.routing import MAX_QUESTION_CHARS, RouteAnswer, RouteResult, Service
from busbaan.routing.router import MAX_LETTER_CHARS
from busbaan.wegwijzer.feedback import FeedbackDecision
from busbaan.wegwijzer.sla import TeamFigures, format_duration

#: How many services an answer shows (and ``!baan <n>`` can open).
SHOWN = 3
#: Reactions that open lanes 1, 2 and 3 (keycap digits, with and without VS16).
REACTIONS = {"1\ufe0f\u20e3": 1, "2\ufe0f\u20e3": 2, "3\ufe0f\u20e3": 3,
             "1\u20e3": 1, "2\u20e3": 2, "3\u20e3": 3}
#: A question of at least this many words has told its story: an unsure answer asks
#: only for what is missing (age, place), not to "describe the problem more concretely"
#: (outside19: a 60-word story of a man of 84 locked in by his grandson, and farewell
#: letters with a question about a balcony, were both told to be more concrete).
TOLD_WORDS = 25


def t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def _context_line(answer: RouteAnswer, lang: str) -> str:
    parts = []
    if answer.stadsdeel:
        parts.append(f"{t(lang, 'stadsdeel', 'district')} {answer.stadsdeel}")
    if answer.leeftijd is not None:
        parts.append(f"{t(lang, 'leeftijd', 'age')} {answer.leeftijd}")
    return f" ({', '.join(parts)})" if parts else ""


def _rephrase(lang: str, answer: RouteAnswer | None = None, *, place_asked: bool = False
              ) -> str:
    """The tip under an uncertain answer: what to add to the question. It asks for the
    age and the stadsdeel only when the question did not give them (outside8: "mevrouw
    van 78 in Zuid" was asked for both), and not for the stadsdeel when the answer's
    other tip already does (``place_asked``; outside9 finding 8). A question of
    :data:`TOLD_WORDS` words or more is not asked to be more concrete, only for what is
    missing; nothing missing, no tip (``""``)."""
    told = answer is not None and len(answer.question.split()) >= TOLD_WORDS
    nl = [] if told else ["wat speelt er (bijvoorbeeld schulden, huur, zorg thuis, eenzaamheid)"]
    en = [] if told else ["what is going on (for example debts, rent, care at home, loneliness)"]
    if answer is None or answer.leeftijd is None:
        nl.append("voor wie (leeftijd)")
        en.append("for whom (age)")
    if (answer is None or not answer.stadsdeel) and not place_asked:
        nl.append("waar (het stadsdeel, of stadsdeel=Zuidoost)")
        en.append("where (the district, or district=Zuidoost)")
    if not nl:
        return ""

    def listed(parts: list[str], conj: str) -> str:
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {conj} " + parts[-1]

    if told:
        return t(lang, f"Noem ook {listed(nl, 'en')}, als je dat weet.",
                 f"Also say {listed(en, 'and')}, if you know.")
    return t(lang,
             f"Beschrijf het probleem concreter: {listed(nl, 'en')}. Afkortingen als bb, "
             "WSNP of POH mogen ook.",
             f"Describe the problem more concretely: {listed(en, 'and')}. Plain words work "
             "best.")


#: The safety signals' reading, written as a Dutch number ("20.000").
_LETTER_NL = f"{MAX_LETTER_CHARS:,}".replace(",", ".")


def _cut_note(lang: str) -> str:
    """Said first under the warnings when a question was cut (the router reads
    :data:`MAX_QUESTION_CHARS`): what was not read, and what to do. Outside19: a
    forwarded mail with the question, or a danger, after its first 2000 characters was
    answered from the mail's first lines, with this said only near the end, under a tip
    asking for an age and a place that the unread part gave. Session 17 (outside21): the
    safety signals read further (:data:`MAX_LETTER_CHARS`), so a ⚠ can come from beyond
    the cut; the note said nothing after it was read, under that very ⚠."""
    return t(lang,
             f"Je bericht was erg lang: ik heb alleen de eerste {MAX_QUESTION_CHARS} tekens "
             f"gelezen om diensten te zoeken (op tekenen van gevaar de eerste {_LETTER_NL}). "
             "Staat je vraag, of iets wat dringend is, verderop? Stuur dat dan apart, in een "
             "paar zinnen.",
             f"Your message was very long: I read only its first {MAX_QUESTION_CHARS} "
             "characters to find services (for signs of danger its first "
             f"{MAX_LETTER_CHARS:,}). Is your question, or something urgent, further down? "
             "Then send that separately, in a few sentences.")


def partly_read_note(lang: str) -> str:
    """The one sentence under an answer to a question read in part
    (``RouteAnswer.partly_read``: regional speech or another language mixed in)."""
    return t(lang,
             "Een deel van de woorden in je vraag heb ik niet begrepen; dit antwoord rust op "
             "de woorden die ik wel ken. Zeg het gerust in andere woorden.",
             "I did not understand some of the words in your question; this answer rests on "
             "the words I do know. Feel free to say it in other words.")


def no_lane_contact(service: Service, errcode: str, lang: str) -> str:
    """The contact line of a result whose lane cannot open (lanes8): how to reach the
    service outside busbaan, and why there is no lane (``errcode``: what ``!baan``
    would say)."""
    why = {
        "BB_INTAKE_EMPTY": t(lang, "geen baan mogelijk: nog niemand van het team in de "
                                   "intakekamer",
                             "no lane: nobody of the team is in the intake room yet"),
        "BB_INTAKE_UNREACHABLE": t(lang, "geen baan mogelijk: de intakekamer is niet "
                                         "bereikbaar",
                                   "no lane: the intake room cannot be reached"),
    }.get(errcode, t(lang, "geen baan mogelijk: geen intakekamer",
                     "no lane: no intake room"))
    return f"{other_ways(service, lang)} ({why})"


def _lanes_how(numbers: Sequence[int], shown: int, lang: str) -> str:
    """How to open a lane, naming only the results whose lane opens."""
    keys = {1: "1️⃣", 2: "2️⃣", 3: "3️⃣"}
    if len(numbers) == shown:
        return t(lang,
                 f"Open een baan naar het team: !baan <nummer> (1–{shown}), of reageer op dit "
                 "bericht met 1️⃣ 2️⃣ 3️⃣.",
                 f"Open a lane to the team: !lane <number> (1–{shown}), or react to this "
                 "message with 1️⃣ 2️⃣ 3️⃣.")
    if not numbers:
        return t(lang,
                 "Naar deze diensten kan ik geen baan openen; bel of mail ze (zie Contact).",
                 "I cannot open a lane to these services; call or e-mail them (see Contact).")
    nl = " of ".join(f"!baan {n}" for n in numbers)
    en = " or ".join(f"!lane {n}" for n in numbers)
    react = " ".join(keys.get(n, str(n)) for n in numbers)
    return t(lang,
             f"Open een baan naar het team: {nl}, of reageer op dit bericht met {react}; "
             "de andere diensten bel of mail je (zie Contact).",
             f"Open a lane to the team: {en}, or react to this message with {react}; "
             "call or e-mail the other services (see Contact).")


def answer_texts(answer: RouteAnswer, lang: str,
                 desk: str | None = None, *,
                 no_lane: Mapping[str, str] | None = None,
                 desk_contact: str | None = None) -> tuple[str, str]:
    """The answer to a question: up to three services, or an honest 'I do not know';
    a safety signal first; when not sure, the human triage ``desk`` (by name).

    ``no_lane`` (lanes8): service id → the contact line to show instead of the intake
    room, for results whose lane cannot open; ``!baan`` is offered only for the others.
    ``desk_contact``: the desk takes no lane either, so the answer names how to reach
    it instead of ``!baan mens``."""
    no_lane = no_lane or {}
    shown = answer.results[:SHOWN]
    notes: list[str] = []
    safety = [hit.why for hit in answer.safety]
    # weak signals (the recall tier): one plain "Als er sprake is van gevaar: ..." each,
    # under the ⚠ lines and above the services: what to do now comes first
    caution = [hit.why for hit in answer.caution]
    if desk is not None and not answer.confident and desk_contact is not None:
        notes.append(t(lang,
                       f"Liever een mens laten meekijken? Neem contact op met {desk}: "
                       f"{desk_contact}.",
                       f"Rather have a person look at it? Contact {desk}: {desk_contact}."))
    elif desk is not None and not answer.confident:
        notes.append(t(lang,
                       f"Liever een mens laten meekijken? !baan mens opent een baan naar {desk}.",
                       f"Rather have a person look at it? !lane human opens a lane to {desk}."))
    # a cut question: said first, and it replaces the tip (the unread part may hold
    # what the tip would ask for)
    cut = [_cut_note(lang)] if answer.truncated else []
    if answer.partly_read:
        notes.append(partly_read_note(lang))
    if not shown:
        head = t(lang, "Ik weet het niet: ik vind op de sociale kaart geen dienst die past.",
                 "I do not know: I find no service on the social map that fits.")
        tip = [] if cut else [_rephrase(lang)]
        body = "\n".join([*safety, *cut, head, *tip, *notes])
        html = ("".join(f"<p><b>⚠ {esc(w)}</b></p>" for w in safety)
                + "".join(f"<p><b>{esc(c)}</b></p>" for c in cut)
                + f"<p><b>{esc(head)}</b></p>"
                + "".join(f"<p>{esc(w)}</p>" for w in tip)
                + "".join(f"<p><i>{esc(n)}</i></p>" for n in notes))
        return body, html
    if answer.confident:
        head = t(lang, "Hier kun je terecht", "Where to go") + _context_line(answer, lang) + ":"
    elif safety:
        # the warning stays the first and clearest instruction: what is not sure is what
        # else may be going on, not the signal or its service (session 10, confident20)
        head = t(lang,
                 "Neem het signaal hierboven serieus; de eerste dienst hoort erbij. Of er "
                 "nog iets anders speelt, weet ik niet zeker. Deze diensten passen het best",
                 "Take the warning above seriously; the first service goes with it. Whether "
                 "something else is going on, I am not sure. These services fit best") \
            + _context_line(answer, lang) + ":"
    else:
        head = t(lang,
                 # not "die het meest in de buurt komen": read as *nearby* (render20)
                 "Ik weet het niet zeker. Deze diensten passen het best",
                 "I am not sure. These services fit best") \
            + _context_line(answer, lang) + ":"
    if "stadsdeel_unknown" in answer.notes:
        notes.append(t(lang,
                       "Tip: noem het stadsdeel (bijvoorbeeld stadsdeel=Zuidoost), dan wijs ik "
                       "het buurtteam in de buurt aan.",
                       "Tip: name the district (for example district=Zuidoost) and I point to "
                       "the local neighbourhood team."))
    rephrase = "" if cut else _rephrase(lang, answer,
                                        place_asked="stadsdeel_unknown" in answer.notes)
    if not answer.confident and rephrase:
        notes.append(rephrase)
    lines = [*(f"⚠ {w}" for w in safety), *caution, *cut, head]
    items = []
    for n, result in enumerate(shown, start=1):
        contact = no_lane.get(result.service_id)
        why = answer.reason(result, lang)
        lines.extend(_result_lines(n, result, why, lang, contact))
        items.append(_result_html(result, why, lang, contact))
    lanes = [n for n, r in enumerate(shown, start=1) if r.service_id not in no_lane]
    how = _lanes_how(lanes, len(shown), lang) + t(
        lang,
        " Was dit antwoord nuttig? !goed, of !fout <dienst-id> met de dienst die wel past.",
        " Was this answer useful? !good, or !wrong <service-id> with the service that does "
        "fit.")
    lines.extend(notes)
    lines.append(how)
    html = ("".join(f"<p><b>⚠ {esc(w)}</b></p>" for w in safety)
            + "".join(f"<p>{esc(w)}</p>" for w in caution)
            + "".join(f"<p><b>{esc(c)}</b></p>" for c in cut)
            + f"<p><b>{esc(head)}</b></p><ol>{''.join(items)}</ol>"
            + "".join(f"<p><i>{esc(n)}</i></p>" for n in notes)
            + f"<p>{esc(how)}</p>")
    return "\n".join(lines), html


def _result_lines(n: int, r: RouteResult, why: str, lang: str,
                  contact: str | None = None) -> list[str]:
    lines = [f"{n}. {r.name} — {r.organization_name} [{r.service_id}]"]
    if why:
        lines.append(f"   {t(lang, 'Waarom', 'Why')}: {why}")
    if r.conditions:
        lines.append(f"   {t(lang, 'Voorwaarden', 'Conditions')}: {r.conditions}")
    lines.append(f"   {t(lang, 'Contact', 'Contact')}: {contact or r.contact}")
    return lines


def _result_html(r: RouteResult, why: str, lang: str, contact: str | None = None) -> str:
    parts = [f"<b>{esc(r.name)}</b> — {esc(r.organization_name)} "
             f"<code>{esc(r.service_id)}</code>"]
    if why:
        parts.append(f"<i>{t(lang, 'Waarom', 'Why')}:</i> {esc(why)}")
    if r.conditions:
        parts.append(f"<i>{t(lang, 'Voorwaarden', 'Conditions')}:</i> {esc(r.conditions)}")
    parts.append(f"<i>Contact:</i> {esc(contact or r.contact)}")
    return "<li>" + "<br>".join(parts) + "</li>"


def other_ways(service: Service, lang: str) -> str:
    """How to reach a service outside busbaan (phone, e-mail, website)."""
    ways = []
    if service.phones:
        ways.append(f"{t(lang, 'bel', 'call')} {service.phones[0]}")
    if service.email:
        ways.append(f"{t(lang, 'mail', 'e-mail')} {service.email}")
    if service.url:
        ways.append(f"{t(lang, 'zie', 'see')} {service.url}")
    if not ways:
        return t(lang, "de sociale kaart noemt geen telefoon, e-mail of website",
                 "the social map names no phone, e-mail or website")
    return ", ".join(ways)


def room_link(room_id: str, label: str) -> str:
    return f'<a href="https://matrix.to/#/{esc(room_id)}">{esc(label)}</a>'


def help_texts(lang: str, usages: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """What the wegwijzer does and its commands (``usages``: (usage, summary) pairs)."""
    intro = t(lang,
              "Ik ben de wegwijzer. Stuur me hier een vraag in je eigen woorden, zonder "
              "namen, BSN, adres of geboortedatum (bijvoorbeeld 'cliënt, 58, Zuidoost, kan "
              "de energierekening niet betalen'), en ik wijs de diensten aan die passen. In "
              "andere kamers: !wie <vraag>.",
              "I am the wayfinder. Send me a question here in your own words, without names, "
              "BSN, address or birth date (for example 'client, 58, Zuidoost, cannot pay the "
              "energy bill'), and I point to the services that fit. In other rooms: "
              "!who <question>.")
    lines = [intro, *(f"  {u} — {s}" for u, s in usages)]
    html = (f"<p>{esc(intro)}</p><ul>"
            + "".join(f"<li><code>{esc(u)}</code> — {esc(s)}</li>" for u, s in usages)
            + "</ul>")
    return "\n".join(lines), html


def status_texts(figures: Sequence[TeamFigures], names: dict[str, str],
                 lang: str) -> tuple[str, str]:
    """``!baan status``: per team open lanes, waiting, median time to first answer."""
    if not figures:
        text = t(lang, "Er zijn nog geen banen geopend.", "No lanes have been opened yet.")
        return text, f"<p>{esc(text)}</p>"
    head = t(lang, "Intake per team (banen via de wegwijzer):",
             "Intake per team (lanes via the wayfinder):")
    lines = [head]
    rows = []
    for f in figures:
        label = names.get(f.team, f.team)
        median = format_duration(f.median_first_answer_seconds, lang)
        target = format_duration(f.target_minutes * 60, lang)
        lines.append(t(
            lang,
            f"- {label}: {f.open} open, {f.waiting} wachtend ({f.overdue} over het doel), "
            f"{f.answered} beantwoord; mediaan eerste antwoord {median} (doel {target})",
            f"- {label}: {f.open} open, {f.waiting} waiting ({f.overdue} past the target), "
            f"{f.answered} answered; median first answer {median} (target {target})"))
        rows.append(f"<tr><td>{esc(label)}</td><td>{f.open}</td><td>{f.waiting}</td>"
                    f"<td>{f.overdue}</td><td>{f.answered}</td><td>{esc(median)}</td>"
                    f"<td>{esc(target)}</td></tr>")
    header = t(lang,
               "<tr><th>team</th><th>open</th><th>wachtend</th><th>over doel</th>"
               "<th>beantwoord</th><th>mediaan 1e antwoord</th><th>doel</th></tr>",
               "<tr><th>team</th><th>open</th><th>waiting</th><th>past target</th>"
               "<th>answered</th><th>median 1st answer</th><th>target</th></tr>")
    html = f"<p><b>{esc(head)}</b></p><table>{header}{''.join(rows)}</table>"
    return "\n".join(lines), html


# -- feedback (!goed / !fout) ---------------------------------------------------------


def feedback_text(decision: FeedbackDecision, answered: tuple[str, ...], lang: str) -> str:
    """What the bot answers (Dutch, or English for ``lang`` "en"): what is stored now
    and, when it changed an earlier verdict, what happened to that one."""
    rating, before = decision.rating, decision.before
    if rating is None:
        raise ValueError("a refused command (named_first) has no reply; named_first_text")
    named = rating.expected_service_id
    should = _should(named, answered, lang) if named is not None else None
    ask_service = t(lang, " Weet je welke dienst wel past? !fout <dienst-id> helpt ons de "
                          "kaart te verbeteren.",
                    " Do you know which service fits? !wrong <service-id> helps us "
                    "improve the map.")
    match decision.outcome:
        case "new" if rating.verdict == "good":
            return t(lang, "Dank je! Genoteerd dat dit antwoord nuttig was.",
                     "Thank you! Noted that this answer was useful.")
        case "new" if should is not None:
            return t(lang, f"Dank je! Genoteerd dat {should}; daarmee verbeteren we de "
                           "sociale kaart.",
                     f"Thank you! Noted that {should}; this helps us improve the social "
                     "map.")
        case "new":
            return t(lang, "Dank je! Genoteerd dat dit antwoord niet klopte.",
                     "Thank you! Noted that this answer was wrong.") + ask_service
        case "same" if rating.verdict == "good":
            return t(lang, "Dat had je al laten weten: genoteerd dat dit antwoord nuttig "
                           "was; er is niets veranderd.",
                     "You told me already: noted that this answer was useful; nothing "
                     "has changed.")
        case "same" if should is not None:
            return t(lang, f"Dat had je al laten weten: genoteerd dat {should}; er is "
                           "niets veranderd.",
                     f"You told me already: noted that {should}; nothing has changed.")
        case "same":
            return t(lang, "Dat had je al laten weten: genoteerd dat dit antwoord niet "
                           "klopte; er is niets veranderd.",
                     "You told me already: noted that this answer was wrong; nothing "
                     "has changed.") + ask_service
        case "kept_service":
            return t(lang, f"Je had al genoemd dat {should}; dat blijft staan (een andere "
                           "dienst? !fout <dienst-id>).",
                     f"You had already said that {should}; that stays (another service? "
                     "!wrong <service-id>).")
        case "named":
            return t(lang, f"Dank je! Aangevuld: genoteerd dat {should}.",
                     f"Thank you! Added: noted that {should}.")
        case "replaced_service":
            old = before.expected_service_id if before is not None else None
            return t(lang, f"Aangepast: genoteerd dat {should}, in plaats van {old}.",
                     f"Changed: noted that {should}, instead of {old}.")
        case "to_good":
            old = before.expected_service_id if before is not None else None
            what = t(lang, "!fout", "!wrong") + (f" {old}" if old else "")
            return t(lang, "Aangepast: genoteerd dat dit antwoord toch nuttig was; je "
                           f"eerdere {what} is ingetrokken.",
                     "Changed: noted that this answer was useful after all; your earlier "
                     f"{what} is withdrawn.")
        case _:  # to_wrong
            now = (t(lang, f"dit antwoord niet klopte en {should}",
                     f"this answer was wrong and {should}") if should is not None
                   else t(lang, "dit antwoord niet klopte", "this answer was wrong"))
            return t(lang, f"Aangepast: genoteerd dat {now}; je eerdere !goed is "
                           "ingetrokken.",
                     f"Changed: noted that {now}; your earlier !good is withdrawn.")


def named_first_text(named: str, lang: str) -> str:
    """The refusal of ``!fout <named>`` when ``named`` already came first (one
    sentence: what happened, and what to do)."""
    return t(lang, f"{named} stond al bovenaan in het antwoord, dus ik heb niets "
                   "opgeslagen; klopte het antwoord, zeg dan !goed, en hoort er een andere "
                   "dienst bovenaan, noem die: !fout <dienst-id>.",
             f"{named} already came first in the answer, so I stored nothing; if the "
             "answer was right, say !good, and if another service belongs first, name "
             "it: !wrong <service-id>.")


def _should(named: str, answered: tuple[str, ...], lang: str) -> str:
    """"X should have come up", or "... come first" when X was in the answer lower."""
    if named in answered:
        return t(lang, f"{named} bovenaan had moeten staan",
                 f"{named} should have come first")
    return t(lang, f"{named} had moeten komen", f"{named} should have come up")
