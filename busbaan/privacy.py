"""Recognising personal data in free text (pure).

Used wherever text could carry a citizen's identity into a place where it must not
go: case labels, lane questions, handover reasons, logs. It errs on the side of
caution: a false alarm costs a rephrase, a miss costs a data breach.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import simplemma

from busbaan.clock import utc_today
from busbaan.numerals import is_number_word

# A run of digit groups joined by short separators: up to three characters that are no
# letter or digit ("111 222 333", "1112.22.333", "111-222-333", "111\t222\t333",
# "111 / 222 / 333", "111_222_333", "111 – 222 – 333", a line break between them). A BSN
# is any run of whole groups in it that holds nine digits and passes the 11-check, so
# that "111222333 2 kinderen" or "tel. 020 123 4567 bsn 111222333" still finds it.
# Session 17 (outside21): a BSN split by a tab, a line break, two spaces, a slash, an
# underscore or an en dash was not found, and a lane would have carried it. A letter
# always ends the run ("€ 120 en 340"), and so does a comma or a semicolon: they part
# the items of a list ("€ 120, 340, 560"), never the groups of one number (a Dutch
# comma is a decimal one). Full dates are blanked first (:func:`_bsn_spans`): with the
# time after them ("1-12-2024 9:30") they made nine digits one time in eleven.
_DIGIT_RUN = re.compile(r"\d+(?:(?:[^\w,;]|_){1,3}\d+)*")
_GROUP = re.compile(r"\d+")
# Tried only where a run of address characters starts: without the look-behind a long
# run with no "@" is scanned again from each of its characters (quadratic; outside
# check s5: a 30,000-letter invite reason held the gate, and Synapse, for 13 s).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
#: A phone number: Dutch (a 0, +31 or 0031 and nine more digits) or international (+ or
#: 00, a country code and seven to twelve more digits).
#: Session 18 (outside22): "+31 (0)6 4827 1953", the form on business cards and e-mail
#: signatures, was answered, and so were "06.48.27.19.53", "(020) 612 34 56",
#: "020 - 612 34 56", "06/48271953" and a newcomer's own "+48 601 234 567": only a 0, +31
#: or 0031 with single spaces or hyphens was read. The trunk "(0)" after the country code,
#: an area code in brackets, dots, slashes and a spaced hyphen now separate groups too
#: (ITU-T E.123 and the Dutch ways of writing a number, ACM 'Nummerplan'). A full date in
#: digits is no phone number: "afsluiting op 09-12-2026 10:00" (a day, a month, a year
#: and an hour, nine digits after the 0) was refused as one, and with it the ⚠.
_PHONE_SEP = r"(?:\s?[./)\-\u2013]\s?|\s)?"
_PHONE_DATE = r"\(?0?\d[-./]\d{1,2}[-./](?:19|20)\d\d(?!\d)"
_PHONE = re.compile(
    r"(?<![\d+])(?!" + _PHONE_DATE + r")(?:"
    r"(?:\+\s?31|0031)(?:\s?\(0\))?" + _PHONE_SEP + r"\d(?:" + _PHONE_SEP + r"\d){8}"
    r"|\(?0" + _PHONE_SEP + r"\d(?:" + _PHONE_SEP + r"\d){8}"
    r"|(?:\+\s?|00)[1-9]\d{0,2}(?:\s?\(0\))?(?:\s?[-\u2013]\s?|\s)?\d"
    r"(?:(?:\s?[-\u2013]\s?|\s)?\d){6,12}"
    r")(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
#: A bank account number (IBAN): a country code, two check digits and 11 to 30 letters or
#: digits, written together or in the printed groups of four ("NL91 ABNA 0417 1643 00");
#: it counts only when its ISO 13616 check (mod 97) holds (:func:`_iban_spans`).
#: Session 14 (outside17): a Belgian or German IBAN was not refused at all, and a Dutch
#: one only because its last ten digits read as a phone number (the refusal said so).
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)\b",
                   re.IGNORECASE)
#: A full date: in digits ("03-03-2005", "3/3/2005") or with the month in words, Dutch
#: or English, whole or abbreviated ("3 maart 2005", "3 mrt. 2005", "3rd of March 2005",
#: "March 3, 2005"; session 11, outside14: "geboren 3 maart 2005" was not refused, so
#: `!baan` would have put it in a team's intake room). The year is required, as in
#: digits; a day and month alone ("op 3 maart") is not a birth date.
_MONTH = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
          r"november|december|january|february|march|may|june|july|august|october|"
          r"jan|feb|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec)\.?")
_DATE = re.compile(
    r"\b(?:[0-3]?\d)[-/.](?:[01]?\d)[-/.](?:19|20)\d{2}\b"
    rf"|\b[0-3]?\d(?:e|ste|de|st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\s+(?:19|20)\d{{2}}\b"
    rf"|\b{_MONTH}\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b"
    # ISO 8601, the year first (session 16, outside20: "geboren 1946-09-07" was routed)
    r"|\b(?:19|20)\d{2}-[01]?\d-[0-3]?\d\b",
    re.IGNORECASE)
#: Lower-case words that follow a title without being a surname ("Meneer heeft geen
#: DigiD", "Mevrouw kan niet", "meneer met dementie", "Meneer van 24"): a question
#: about an unnamed client is not personal data. A capitalised word is always a name.
_NOT_A_SURNAME = (
    "aan|al|alleen|bij|belt|betaalt|blijft|dat|de|denkt|die|doet|dreigt|durft|een|en|"
    "geen|gaat|had|heeft|het|heb|hier|in|is|kan|komt|kon|kreeg|krijgt|leeft|ligt|loopt|"
    "mag|met|moest|moet|naar|niet|nog|nu|of|om|ontvangt|ook|op|over|raakt|sinds|slaapt|"
    "spreekt|staat|te|tegen|thuis|uit|van|verdient|voor|vraagt|vroeg|was|weet|wel|werd|"
    "werkt|wil|wilde|woont|wordt|zal|zegt|zelf|zit|zocht|zoekt|zonder|zou|"
    # an age in words ("mevrouw van in de negentig", "meneer van rond de zestig"; session
    # 7: a held-out elder-abuse question was refused as a name); the number itself is
    # read by busbaan.numerals (_TitledNames._titled)
    "begin|bijna|boven|eind|midden|net|rond|ruim|ver|"
    "and|can|has|is|lives|needs|the|wants|was|with|"
    # a disease named after a person, in chat shorthand ("mr alzheimer, echtgenote ...";
    # session 9: a retired held-out question was refused as a name). simplemma does not
    # know these; lower case after a title they are the condition, not the client.
    "alzheimer|parkinson|huntington|korsakov|crohn|asperger"
)
#: Places a client is said to live or be in right after a title ("meneer in Noord"):
#: Amsterdam's stadsdelen and a few words for where someone is.
_PLACES = (
    "noord|oost|zuid|west|zuidoost|nieuw-west|centrum|weesp|amsterdam|bijlmer|"
    "straat|wijk|buurt|stad|huis|bank|bed|zorg|school|opvang|afdeling|wachtkamer|"
    "bijstand|wachtlijst|dagbesteding|ziekenhuis|"
    # floors and spots in a building ("meneer op de begane grond"; session 7)
    "begane|eerste|tweede|derde|vierde|bovenste|onderste|overkant|hoek|etage|verdieping|"
    "galerij|portiek|flat|gang|zolder"
)
_TITLE_NAME = re.compile(
    # "MS" in capitals is the disease ("ze heeft MS. Mijn ..."), not a title (session 7)
    # the dot only after an abbreviation: "voor mevrouw. Toen die weg was" ends a
    # sentence (session 10: a retired held-out question was refused as a name)
    r"\b(?:(?:dhr|mevr|mw|(?-i:[Mm]rs?|[Mm]s))\.?|meneer|mevrouw|de heer)\s+"
    r"(?:[^\W\d_]\.\s*)*"  # initials: "J. P. "
    r"(?:(?:van|de|der|den|het|te|ter|ten|'t|’t)\s+"  # tussenvoegsels: "van der "
    # "in"/"op" as tussenvoegsel ("op de Beek", "in 't Veld"), but not before a place:
    # "meneer in Noord", "mevrouw op de Dapperbuurt" are about a client, unnamed
    rf"|(?:op|in)\s+(?!(?:de\s+|het\s+)?(?:{_PLACES})\b))*"
    rf"(?!(?-i:(?:{_NOT_A_SURNAME}))(?![^\W\d_]))"  # not a common word
    r"[^\W\d_]+(?:-[^\W\d_]+)*",  # surname, also double-barrelled and with accents
    re.IGNORECASE,
)
#: A household named by its surname: "familie Hendriks", "het gezin Yilmaz", "fam. De
#: Vries" (outside11: "Familie Hendriks uit Noord heeft geen eten meer" was answered).
#: Unlike a person's title, "familie" and "gezin" are everyday nouns ("familie in
#: Marokko", "gezin met drie kinderen", "familie van haar man"): only a capitalised
#: surname after them counts (:meth:`_TitledNames._households`).
_HOUSEHOLD_NAME = re.compile(
    r"\b(?:familie|fam\.|gezin)\s+"
    r"((?:(?:van|de|der|den|te|ter|ten|'t|’t|el|al)\s+)*)"  # tussenvoegsels: "van der "
    r"([^\W\d_]+(?:['’-][^\W\d_]+)*)",
    re.IGNORECASE,
)
_NOT_A_SURNAME_WORDS = frozenset(_NOT_A_SURNAME.split("|"))
_STREET = re.compile(
    r"\b[A-Z][a-z]+(?:straat|weg|laan|plein|gracht|kade|dijk|singel|dreef|pad)\s+\d+", re.UNICODE
)


def is_valid_bsn(digits: str) -> bool:
    """True when ``digits`` is nine digits that pass the BSN 11-check (elfproef)."""
    if len(digits) != 9 or not digits.isdecimal():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and digits != "000000000"


#: An amount of money: a number right after a euro sign or "EUR", or right before
#: "euro", "eur" or "cent" ("€ 111.222.333", "123456782 cent"). Its digits are never a
#: BSN, however many (session 18, refusals: an amount that passed the 11-check was
#: refused as a BSN). Only a number written against its currency counts: "BSN
#: 111222333, 500 euro schuld" still finds the BSN.
_AMOUNT = re.compile(r"(?:€|\beur\b|\beuro\b)\s?\d+(?:[.,]\d+)*(?:,-)?"
                     r"|\b\d+(?:[.,]\d+)*\s?(?:euro|eur|cent)\b", re.IGNORECASE)


def _bsn_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every BSN in ``text``: whole digit groups, nine digits, 11-check."""
    spans: list[tuple[int, int]] = []
    # a full date has at most eight digits, so it is never a BSN, but its groups and the
    # time after it could make nine (same length, so the spans stay right); an amount
    # (:data:`_AMOUNT`) is blanked too
    text = _DATE.sub(lambda m: " " * len(m.group()), text)
    text = _AMOUNT.sub(lambda m: " " * len(m.group()), text)
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start(), m.end()) for m in _GROUP.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            digits, found = "", False
            for j in range(i, len(groups)):
                digits += text[groups[j][0]:groups[j][1]]
                if len(digits) > 9:
                    break
                if len(digits) == 9 and is_valid_bsn(digits):
                    spans.append((groups[i][0], groups[j][1]))
                    i, found = j + 1, True
                    break
            if not found:
                i += 1
    return spans


def _iban_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every IBAN in ``text`` whose mod-97 check holds."""
    spans = []
    for match in _IBAN.finditer(text):
        start, end = match.span()
        # A short last group may be the next word ("BE68 5390 0754 7034 en schulden").
        head, _, tail = match.group().rpartition(" ")
        for length in (end - start, len(head)) if head and len(tail) < 4 else (end - start,):
            if _iban_check(text[start:start + length]):
                spans.append((start, start + length))
                break
    return spans


def _iban_check(candidate: str) -> bool:
    """ISO 13616: the length, and the number mod 97 with the first four moved last."""
    iban = candidate.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34:
        return False
    return int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1


def _without_ibans(text: str) -> str:
    """``text`` with every IBAN blanked out (same length), so that its digits are not
    read again as a phone number or a BSN."""
    for start, end in _iban_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def find_bsns(text: str) -> list[str]:
    """Every BSN-like number in ``text`` (9 digits, separators allowed, 11-check)."""
    return [text[start:end] for start, end in _bsn_spans(text)]


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of personal data found in a text (never the value itself)."""

    kind: str  # "bsn", "iban", "email", "phone", "postcode", "date", "name", "address"
    nl: str
    en: str


_KINDS: tuple[tuple[str, str, str], ...] = (
    ("email", "een e-mailadres", "an e-mail address"),
    ("phone", "een telefoonnummer", "a phone number"),
    ("postcode", "een postcode", "a postcode"),
    # "een mogelijke geboortedatum", not "een datum die een geboortedatum kan zijn": inside
    # "Je vraag lijkt … te bevatten" the relative clause split the sentence (outside19)
    ("date", "een mogelijke geboortedatum", "a possible birth date"),
    ("name", "een naam", "a name"),
    ("address", "een adres", "an address"),
)
class _TitledNames:
    """:data:`_TITLE_NAME`, except a title followed by one lower-case word of the Dutch
    or English dictionary or the routing lexicon and nothing else ("meneer snapt de
    brieven", "mevrouw valt vaak", "meneer drinkt", "mw wsnp"): a verb, a noun or the
    field's shorthand there says what the client does (outside7: 4 of 7 refusals on the
    workbench were these; session 9: the lexicon's shorthand too, as for untitled
    names). A capitalised word always counts, and so do initials and a tussenvoegsel
    ("meneer de boer"). The price: a lower-case surname that is also a word ("mevrouw
    bakker") is missed; "mevrouw jansen" is not."""

    def _found(self, text: str) -> Iterator[re.Match[str]]:
        found = sorted([*self._titled(text), *self._households(text)],
                       key=lambda m: m.start())
        last = -1
        for match in found:
            if match.start() >= last:  # one span once ("mevrouw ... familie ...")
                last = match.end()
                yield match

    @staticmethod
    def _households(text: str) -> Iterator[re.Match[str]]:
        """A household's surname (:data:`_HOUSEHOLD_NAME`): written as a name
        ("Hendriks", "O'Brien"), not a place ("Noord"), a month or a word of Title Case
        ("Familie Heeft Geen Eten": a word of :data:`_NOT_A_SURNAME`)."""
        for match in _HOUSEHOLD_NAME.finditer(text):
            word = match.group(2)
            if (_name_token(word) and word.lower() not in _NOT_A_SURNAME_WORDS
                    and word.lower() not in _CALENDAR and not _is_place(word)):
                yield match

    @staticmethod
    def _titled(text: str) -> Iterator[re.Match[str]]:
        for match in _TITLE_NAME.finditer(text):
            rest = match.group(0).split()[1:]
            if match.group(0).lower().startswith("de heer"):
                rest = rest[1:]
            # an age written out in lower case is no surname ("een mevrouw van
            # tweeëntachtig", "meneer van in de negentig"; session 13: two dictated
            # questions of the retired set s25 were refused as names)
            if rest and rest[-1].islower() and is_number_word(rest[-1]):
                continue
            if len(rest) == 1 and rest[0].islower() and _dictionary_word(rest[0]):
                continue
            # "in"/"op" are prepositions first: "mevrouw in vertrouwen", "meneer op
            # vakantie", "mevrouw in het ziekenhuis" say where or how the client is
            # (outside13: a Wmo visit report was refused as a name). All lower case and
            # ending on a dictionary word, it is the same exception as one word above;
            # "Meneer Op de Beek", "mevrouw in 't Veld" keep their capital and count.
            if (len(rest) > 1 and rest[0] in ("in", "op") and " ".join(rest).islower()
                    and _dictionary_word(rest[-1])):
                continue
            if len(rest) == 1 and rest[0].isupper() and rest[0].lower() in _abbreviations():
                continue  # "Mw. PW wil ...": the field's shorthand (Participatiewet)
            if _from_an_organisation(rest) or _from_a_place(rest):
                continue  # "een meneer van de gemeente", "de meneer van driehoog"
            yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self._found(text), None)

    def sub(self, repl: str, text: str) -> str:
        out, last = [], 0
        for match in self._found(text):
            out += [text[last:match.start()], repl]
            last = match.end()
        return "".join(out) + text[last:]


def _from_an_organisation(rest: Sequence[str]) -> bool:
    """True for "van [de|het|der] <organisation>" after a title: the person comes from a
    kind of organisation (:data:`_ORGANISATION_KINDS`) or a field abbreviation in capitals
    ("van het UWV"); the surname "van de Berg" is neither, nor is "Van den Bosch" (a
    known organisation's list holds the city "Den Bosch", so it is not asked here)."""
    if len(rest) < 2 or rest[0].lower() != "van":
        return False
    tail = rest[1:]
    if tail[0].lower() in ("de", "het", "der", "'t", "’t"):
        tail = tail[1:]
    if not tail:
        return False
    return (all(w.lower() in _ORGANISATION_KINDS for w in tail)
            or (len(tail) == 1 and tail[0].isupper() and tail[0].lower() in _abbreviations()))


#: Where a neighbour lives, said after "van" in lower case ("de meneer van driehoog",
#: "mevrouw van 2-hoog", "de buurman van hiernaast", "die mevrouw van boven"): written by
#: hand from how neighbours point at each other; a floor is a number word or digit before
#: "hoog". Session 16: a retired s35 question ("de meneer van driehoog") was refused as a
#: name.
_PLACE_WORDS = frozenset({
    "hiernaast", "ernaast", "boven", "beneden", "hierboven", "hieronder", "onder",
    "overkant", "tegenover", "hoek", "verderop", "achter", "voor", "derde", "vierde",
    "tweede", "eerste", "verdieping", "etage", "portiek", "galerij",
    # by house number ("de meneer van nummer 12"; session 18, refusals: a retired probe,
    # probe32-009, was refused as a name)
    "nummer", "huisnummer", "nr"})
_FLOOR = re.compile(r"^(?:\d+|[a-zë]+)-?hoog(?:-?(?:achter|voor))?$")
#: A dwelling named in lower case ("de meneer van de benedenwoning", "mevrouw van de
#: bovenwoning", "de meneer van het hoekhuis", "van de flat"): where a neighbour lives,
#: like the floor above. Session 19: a retired s44 question ("De dove meneer van de
#: benedenwoning") was refused as a name when it became an example.
_DWELLING = re.compile(r"^[a-zë]*(?:woning|huis|flat|portiek|galerij)$")


def _from_a_place(rest: Sequence[str]) -> bool:
    """True for "van [de|het] <where>" in lower case after a title: a neighbour named by
    where they live, not a surname ("Van Boven" keeps its capital and still counts)."""
    if len(rest) < 2 or rest[0] != "van":
        return False
    tail = [w for w in rest[1:] if w not in ("de", "het", "'t", "’t")]
    return bool(tail) and all(
        w.islower() and (w in _PLACE_WORDS or _FLOOR.match(w) is not None
                         or _DWELLING.match(w) is not None) for w in tail)


# ------------------------------------------------------------ names without a title


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: What a person comes *from* in everyday Dutch ("er kwam een meneer van de gemeente",
#: "een mevrouw van de thuiszorg", "die meneer van de bank"): kinds of organisation and
#: the desks of the social domain, written by hand from how people say who visited or
#: called. No Dutch surname is one of these words (session 15: a retired s31 question,
#: "en meneer van de gemeente aan de deur", was refused as a name; so would any question
#: that says who came to the door).
_ORGANISATION_KINDS = _words(
    "gemeente stadsdeel thuiszorg wijkzorg woningbouw woningcorporatie corporatie "
    "woningstichting verhuurder bank politie wijkteam buurtteam belastingdienst "
    "energie energiebedrijf energiemaatschappij waterbedrijf school kerk moskee "
    "huisarts huisartsenpraktijk apotheek deurwaarder incassobureau verzekering "
    "zorgverzekeraar ziekenhuis kliniek opvang reclassering jeugdzorg voedselbank "
    "rechtbank dienst sociale schuldhulp schuldhulpverlening woningdienst")

# outside10 finding 0 (session 9): "Fatima el Amrani heeft schulden" was answered and
# `!baan 1` put it, name and all, into a lane. A name needs no title to be one.

#: Lower-case particles between the parts of a name ("Jan de Vries", "Willem van der
#: Meer", "Lotte ter Horst", "Fatima el Amrani", "Nadia al Idrissi"). Sources: the
#: Dutch tussenvoegsels of the Taalunie's rules for surnames (woordenlijst.org,
#: "Hoofdletters in namen"), and the Arabic article and patronymic particles as Dutch
#: municipal registers (BRP) write Moroccan names (el, al, ben, bin, ibn, abu, ait).
#: "in", "op" and "het" are left out: "Fatima in Zuidoost" is a first name and a place.
_PARTICLES = _words(
    "van de der den te ter ten 't ’t la le du da di dos del von el al ben bin ibn abu ait")
#: Months and days, Dutch and English: capitalised, not names ("Maandag Ochtend").
_CALENDAR = _words(
    "januari februari maart april mei juni juli augustus september oktober november "
    "december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag january "
    "february march may june july august october december monday tuesday wednesday "
    "thursday friday saturday sunday kerst pasen pinksteren christmas easter")
#: Feasts and holy days of Amsterdam's communities, and the greetings that name them:
#: words, not names ("Na Suikerfeest geen geld", "Keti Koti viering", "Eid Mubarak
#: iedereen!"). Written by hand (session 18, refusals: of 98 fresh questions without
#: personal data, three were refused as a name for a feast or its greeting); Dutch spellings as the
#: Woordenlijst Nederlandse Taal writes them (Suikerfeest, Offerfeest, Chanoeka, Keti
#: Koti), English and transliterated ones as the feasts' communities write them. Unlike
#: a month, a feast beside a word that is no dictionary word stays a name: "Ramadan",
#: "Eid" and "Bayram" are given names and surnames too ("Ramadan Berisha", "Sara Eid";
#: before session 18 "ramadan" was a month here and "Ramadan Berisha" no name).
_FEASTS = (
    "Ramadan; Ramadan Kareem; Ramadan Mubarak; Suikerfeest; Offerfeest; Eid; Eid Mubarak; "
    "Bayram; Şeker Bayramı; Kurban Bayramı; Iftar; Mawlid; Ashura; Laylat al-Qadr; "
    "Keti Koti; Ketikoti; Diwali; Divali; Deepavali; Holi; Phagwa; Holi Phagwa; Navratri; "
    "Raksha Bandhan; Janmashtami; Vesak; Nowruz; Newroz; Chanoeka; Hanukkah; Chanukah; "
    "Pesach; Rosj Hasjana; Rosh Hashanah; Jom Kipoer; Yom Kippur; Soekot; Sukkot; Poerim; "
    "Purim; Kerstmis; Eerste Kerstdag; Tweede Kerstdag; Oudejaarsavond; Oud en Nieuw; "
    "Nieuwjaar; Chinees Nieuwjaar; Lentefeest; Sinterklaas; Pakjesavond; Koningsdag; "
    "Bevrijdingsdag; Dodenherdenking; Hemelvaart; Goede Vrijdag; Pride; Halloween; Orthodox "
    "Pasen; Timkat; Meskel; Thanksgiving"
)
#: Organisations and services of the Dutch social domain that people name in a
#: question without the map knowing them, and whose words are not all in a dictionary
#: (a pair of dictionary words, "Veilig Thuis", "Sociaal Loket", is never a name here).
#: Source: the organisations the Gemeente Amsterdam's pages on geldzaken, zorg and
#: opvang refer to (amsterdam.nl), and the national ones every question set names.
_KNOWN_ORGANISATIONS = (
    "Albert Heijn; Leger des Heils; Huis van de Wijk; HVO Querido; De Regenboog Groep; "
    "Raad voor de Kinderbescherming; Centrum voor Jeugd en Gezin; Dienst Werk en Inkomen; "
    "Belastingdienst Toeslagen; Sociale Verzekeringsbank; Juridisch Loket; Het Juridisch "
    "Loket; Nibud; Schuldhulpmaatje; Humanitas; Cordaan; Arkin; Jellinek; Brijder; "
    "Mentrum; Levvel; Spirit; Combiwel; Dynamo; Oranje Fonds; Kinderpostzegels; "
    "Jeugdbescherming Regio Amsterdam; William Schrikker; Samen Doen; Ouder- en Kindteam; "
    "Blijf Groep; Stichting Kinderpostzegels; Amsterdam UMC; Sint Lucas; OLVG; "
    "Slotervaart Ziekenhuis; Boven IJ; Zilveren Kruis; Google Translate; Marktplaats; "
    "Mijn Overheid; MijnOverheid; DigiD; WhatsApp; Facebook; Instagram; TikTok; "
    # the government's portals "Mijn ..." (s26: "Mijn Toeslagen") and Dutch cities of two
    # words (s25: "Den Haag"), which the routing lexicon's Amsterdam areas do not know
    "Mijn Toeslagen; Mijn Belastingdienst; Mijn UWV; Mijn DUO; Mijn SVB; Mijn CJIB; "
    "Den Haag; Den Bosch; Den Helder; Bergen op Zoom; Alphen aan den Rijn; "
    # energy suppliers and water companies (a cut-off letter names them)
    "Eneco; Vattenfall; Essent; Greenchoice; Budget Energie; Vandebron; Waternet; "
    # a study programme by its (English) name, and Veilig Thuis as people half remember it
    # (two retired s29 questions: "doet Social Work", "Veilig Huis of zoiets")
    "Social Work; Sociaal Werk; Veilig Huis; "
    # brands named in questions about debts and income (session 18, refusals: "Uber Eats",
    # "Credit Agricole" were refused as names): delivery and gig platforms, web shops and
    # buy-now-pay-later, lenders, telecom providers, money transfer; written by hand from
    # the creditors and employers the question sets and probes name
    "Uber; Uber Eats; Thuisbezorgd; Deliveroo; Flink; Temu; Shein; Vinted; Wehkamp; "
    "Coolblue; Bol.com; Klarna; Afterpay; Riverty; in3; Ferratum; Credit Agricole; "
    "Santander; Ziggo; KPN; Odido; Lebara; Lycamobile; Simyo; Western Union; MoneyGram; "
    "Rabobank; ABN AMRO; Bunq; Lidl; Aldi"
)
#: Kinds of building and organisation: a capitalised word after one names the place,
#: not a person ("Bibliotheek Oosterdok", "Buurthuis Meeuw", "Basisschool Zonnehoek",
#: "Sporthal Zuid"; a retired s19 question was refused as an example for the first).
#: A word ending on one counts too ("Wijkcentrum", "Clubhuis"). Written by hand from the
#: places a question in the social domain is asked from; no first name ends on one.
_PLACE_KINDS = tuple(_words(
    "bibliotheek buurthuis clubhuis ziekenhuis centrum school college kliniek praktijk "
    "apotheek kerk moskee synagoge tempel station sporthal zwembad park camping hotel "
    "theater museum markt stichting vereniging corporatie library church mosque hospital "
    "mount"))  # "Mount Everest" (session 18: a held-out row said the stairs had become it)
#: First names common among Amsterdam's larger communities (Dutch, Moroccan, Turkish,
#: Surinamese and Antillean, Ghanaian, Polish, English-speaking), for names that are
#: also dictionary words or that simplemma's English lists as words ("Jan", "Peter",
#: "Sarah", "Fatima"). Written by hand for names10 (session 9): a seed, not a census;
#: check and extend it against the Meertens Instituut's Nederlandse Voornamenbank and
#: the SVB's yearly lists of given names. Names that are everyday capitalised words in
#: a question ("Ben", "Can", "Wil", "Roos", "May", "Hope") are left out on purpose.
#: Session 18 (refusals): given names that are also places to simplemma's English or to
#: ISO 3166 ("Sara", "Victoria", "Jordan", "Florence", "Georgia"), so that a place rule
#: does not take "Jordan Peters" or "Sara Eid" for a place or a feast. No package
#: is used: gender-guesser's list is unmaintained (2016) and names-dataset loads
#: hundreds of MB for a check that must take microseconds.
_FIRST_NAMES = _words("""
    jan kees piet henk klaas willem peter pieter johan hans gerrit dirk joost ruud frank
    bram daan sem lucas noah luuk thijs jesse tim tom bas rob erik arjan marco martin
    sander jeroen niels wouter koen stefan maarten mark michiel gijs teun levi finn milan
    anna maria sanne emma lisa eva julia sophie lotte fleur anouk iris ilse marieke
    femke inge karin monique sandra linda petra ingrid els ans annie corrie truus mieke
    willemijn esther nicole chantal wendy mirjam saskia marloes yvonne jolanda tineke
    mohamed mohammed mohammad mehdi ahmed ahmad youssef yassine hamza ayoub bilal ilias
    rachid said khalid mustafa mustapha abdel abdelkader omar karim nordin driss hassan
    hicham redouan soufiane anouar zakaria adam amine imane fatima fatiha khadija nadia
    samira naima malika latifa hafida aicha aisha salma yasmina yasmine loubna siham
    meryem hanane houda souad zineb ikram
    mehmet mustafa ahmet ali hasan huseyin ibrahim murat emre burak kerem yusuf
    osman kemal serkan orhan tolga baris ayse fatma emine hatice zeynep elif esra merve
    büşra busra ozlem özlem sevda selin gul gül derya hulya hülya songul songül
    ricardo kenneth glenn romano dennis clarence rudi roy errol henry edson jerry
    sharon priya anita shanti sunita rajesh ravi kavita natasha jennifer gracia
    kwame kofi kwaku yaw akua ama abena efua adjoa
    tomasz piotr pawel paweł krzysztof marek michal michał andrzej jakub kamil lukasz
    łukasz marcin agnieszka katarzyna magdalena malgorzata małgorzata joanna ewa
    justyna monika aleksandra dorota beata
    john james david michael robert william richard thomas joseph charles george paul
    steven kevin brian andrew jason matthew daniel anthony christopher jack harry oliver
    mary sarah emily jessica elizabeth susan margaret jennifer karen helen laura rachel
    rebecca hannah charlotte amelia olivia sophia chloe lucy amy kate katie megan
    sara victoria jordan florence georgia
""")
#: Words before a name that say one follows ("heet", "genaamd", "named").
_NAME_FRAME = re.compile(
    r"(?:\bhe(?:et|ten)|\bgenaamd|\bgenoemd|\bnaam\s+is|\bnamed|\bcalled|\bname\s+is)"
    r"[\s:,]*$", re.IGNORECASE)
#: Characters before a name in which its frame is looked for (the longest frame,
#: "naam is", with spaces and a colon, fits well inside).
_FRAME_WINDOW = 32
_WORD_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _name_token(token: str) -> bool:
    """A capitalised word as names are written: "Vries", "O'Brien", "Arslan-Yıldız";
    not an acronym ("UWV"), a brand ("DigiD", "WhatsApp") or a single letter."""
    if len(token) < 2 or not token[0].isupper():
        return False
    parts = re.split(r"['’-]", token)
    return all(p[1:].islower() or (len(p) == 1 and i == 0) for i, p in enumerate(parts)
               if p) and len(parts[-1]) >= 2


@functools.cache
def _abbreviations() -> frozenset[str]:
    """The routing lexicon's abbreviations ("pw", "aow", "wsnp"): in capitals after a
    title they are what the client receives or needs, not initials."""
    from busbaan.routing import lexicon  # here: busbaan.routing imports this module

    return frozenset(lexicon.ABBREVIATIONS)


@functools.cache
def _lexicon_words() -> frozenset[str]:
    """The routing lexicon's words (abbreviations, related words, English): a word the
    router knows as a word is no name ("Wmo", "Stadspas")."""
    from busbaan.routing import lexicon  # here: busbaan.routing imports this module

    words: set[str] = set(lexicon.STOPWORDS) | set(lexicon.PERSON_WORDS)
    # session 18 (refusals): chat spellings and case-note shorthand too ("Ff Checken:
    # mag iemand met WW ..." was refused as a name)
    for table in (lexicon.ABBREVIATIONS, lexicon.RELATED, lexicon.ENGLISH, lexicon.CHAT,
                  lexicon.SHORTHAND):
        for key, value in table.items():
            words.update(key.split())
            words.update(value.split())
    return frozenset(words)


def _is_place(text: str) -> bool:
    from busbaan.routing.lexicon import canonical_area

    return canonical_area(text) is not None


def _iso_names(domain: str, entries: Iterable[Any], fields: tuple[str, ...]) -> set[str]:
    """The ``fields`` of pycountry's ``entries`` as written there and in Dutch (its
    ``domain`` translation, Debian's iso-codes), folded."""
    import gettext

    import pycountry

    dutch = gettext.translation(domain, pycountry.LOCALES_DIR, languages=["nl"],
                                fallback=True)
    names: set[str] = set()
    for entry in entries:
        for field in fields:
            value = getattr(entry, field, None)
            if value:
                names |= {_fold(value), _fold(dutch.gettext(value))}
    return names


@functools.cache
def _countries() -> frozenset[str]:
    """Every country's name in English and Dutch, folded: ISO 3166-1 as kept by Debian's
    iso-codes and shipped by pycountry (its names, common names, official names and their
    Dutch translations). Session 18: a newcomer's "In Oekraïne hij had ..." or "In Turkije
    ik was leraar" was refused as a name (a capitalised word at a sentence's start and a
    country no dictionary knows)."""
    import pycountry

    return frozenset(_iso_names("iso3166-1", pycountry.countries,
                                ("name", "common_name", "official_name")))


@functools.cache
def _places_abroad() -> frozenset[str]:
    """The names of the countries' subdivisions (provinces, regions, states, districts,
    governorates: ISO 3166-2 as kept by Debian's iso-codes and shipped by pycountry),
    folded, as written there and in Dutch: a gazetteer of the places a newcomer comes
    from, for the rule of :func:`_countries` (beside a common word a place is no name:
    "Oost Darfur", "Noord-Brabant Gezin"; beside a surname or another place it stays a
    pair: "Kabul Ahmadi"), and whole for the regions of two words ("Addis Ababa").
    Session 18 (refusals). A subdivision that is a common given name (:data:`_FIRST_NAMES`:
    "Victoria"; "Florida" is none) is left out."""
    import pycountry

    names = _iso_names("iso3166-2", pycountry.subdivisions, ("name",))
    return frozenset(n for n in names if n and n not in _FIRST_NAMES)


def _abroad(word: str) -> bool:
    """A country (:func:`_countries`) or a subdivision of one (:func:`_places_abroad`)."""
    folded = _fold(word)
    return folded in _countries() or folded in _places_abroad()


#: Prepositions that Snowball's stop word lists (:data:`busbaan.routing.lexicon.SNOWBALL_DUTCH`)
#: lack, from the ANS's list of Dutch prepositions (ANS 9.2, voorzetsels) as a question
#: opens with them ("Sinds Darfur ...", "Tijdens Hanukkah ...", "Vanuit Donbas ...").
_MORE_PREPOSITIONS = _words(
    "sinds tijdens rond rondom via vanuit vanaf volgens namens wegens ondanks dankzij "
    "binnen buiten tussen langs richting behalve zoals voordat nadat totdat terwijl "
    "vóór omstreeks gedurende")
#: German articles and personal and possessive pronouns (Duden, Grammatik: Artikel,
#: Personal- und Possessivpronomen), as a German question opens ("Mein Mann schlägt
#: mich", "Meine Mutter ist 80": two retired probes, r33-c06/07, were refused as a name,
#: the first a danger). "Das" is left out: it is a surname too.
_GERMAN_OPENINGS = _words(
    "ich du er sie es wir ihr mein meine meinem meinen meiner meines dein deine deinem "
    "deinen deiner sein seine seinem seinen seiner ihre ihrem ihren ihrer unser unsere "
    "unserem unseren unserer euer eure der die dem des ein eine einem einen einer")
#: Stop words that are given names too ("Ben", "Dan", "Wil", "Can", "Will", "Don"):
#: capitalised before a surname they are the name ("Dan Jansen").
_NAME_LIKE_STOP_WORDS = _words("ben dan wil al can will don bo mag may")


@functools.cache
def _function_words() -> frozenset[str]:
    """Snowball's Dutch and English stop words (:data:`busbaan.routing.lexicon`,
    snowballstem.org) and :data:`_MORE_PREPOSITIONS`: prepositions, pronouns, articles,
    conjunctions. Capitalised at a sentence's start before a capitalised word ("In
    Koerdistan hij had ...", "Uit Herat gekomen", "Zijn Ziggo abonnement", "Op Funda
    ziet hij niets") they open the sentence; no name starts with one, except a
    tussenvoegsel (:data:`_PARTICLES`: "Van Dijk", "De Vries") and the given names of
    :data:`_NAME_LIKE_STOP_WORDS` and :data:`_FIRST_NAMES`, which are left out. Session
    18 (refusals): 13 of 98 fresh questions without personal data were refused this way."""
    from busbaan.routing import lexicon  # here: busbaan.routing imports this module

    words = (lexicon.SNOWBALL_DUTCH | lexicon.SNOWBALL_ENGLISH | _MORE_PREPOSITIONS
             | _GERMAN_OPENINGS)
    return frozenset(words - _PARTICLES - _NAME_LIKE_STOP_WORDS - _FIRST_NAMES)


def _fold(text: str) -> str:
    from busbaan.routing.lexicon import fold

    return " ".join(fold(text).split())


@functools.cache
def _known_text(known: str) -> str:
    return _fold(";".join((_KNOWN_ORGANISATIONS, _FEASTS)).replace(";", " |")
                 + " | " + known)


@functools.cache
def _organisation_words() -> frozenset[str]:
    """The one-word organisations of :data:`_KNOWN_ORGANISATIONS` ("Humanitas",
    "Eneco") and feasts of :data:`_FEASTS` ("Diwali"): words, so that "Humanitas
    Thuisadministratie" or "Diwali Feest" is no name either."""
    return frozenset(_fold(n) for n in ";".join((_KNOWN_ORGANISATIONS, _FEASTS)).split(";")
                     if len(n.split()) == 1)


def _dictionary_word(token: str) -> bool:
    """True for a word of the Dutch or English dictionary (simplemma, as
    :class:`_TitledNames`) or of the routing lexicon, unless it is a common first name."""
    lowered = token.lower()
    if lowered in _FIRST_NAMES:
        return False
    parts = [p for p in re.split(r"['’-]", lowered) if len(p) > 1]
    return bool(parts) and all(_known_word(p) or _compound(p) for p in parts)


def _known_word(word: str) -> bool:
    return (simplemma.is_known(word, lang="nl") or simplemma.is_known(word, lang="en")
            or _fold(word) in _lexicon_words() or word in _CALENDAR
            or _fold(word) in _organisation_words())


def _compound(word: str) -> bool:
    """A Dutch compound of two dictionary words, with or without a linking s or e
    ("Thuisadministratie", "Schuldhulpverlening"); simplemma lists few compounds."""
    for cut in range(4, len(word) - 3):
        head, tail = word[:cut], word[cut:]
        if _known_word(tail) and (_known_word(head) or (
                head[-1] in "se" and len(head) > 4 and _known_word(head[:-1]))):
            return True
    return False


#: Names of things, not of persons: a capitalised pair right after one of these kinds
#: ("de opleiding Sociaal Werk", "het project Samen Sterk") is the thing's name. Written
#: by hand from the course and project names the retired question sets use (s23: an mbo
#: course named like a field).
_THING_KINDS = _words("opleiding studie cursus vak richting project programma training "
                      "course programme")
#: The kind a pair ends on when it names a place ("Magere Brug", "Centraal Station"):
#: only where its first word is no first name ("Anna Brug" stays a name).
_PLACE_ENDS = _words("brug plein gracht kade station haven markt park bridge square")


def _capitalised_pairs(text: str, known: str) -> list[tuple[int, int, tuple[str, str], bool]]:
    """(start, end, the two capitalised words, a particle between) of every pair of
    capitalised words in one phrase, with particles between ("Kees de Vries"), that is
    no place the router knows ("De Pijp"), no kind of place or thing with its name
    ("Bibliotheek Oosterdok", "opleiding Sociaal Werk", "Magere Brug"), no month or day,
    and no organisation named in ``known`` or :data:`_KNOWN_ORGANISATIONS`: the pairs that
    may be a person's name. The one reading both :func:`untitled_names` (an error) and
    :func:`possible_names` (a warning) start from."""
    words = list(_WORD_TOKEN.finditer(text))
    known_text = _known_text(known)
    pairs: list[tuple[int, int, tuple[str, str], bool]] = []
    for i, first in enumerate(words):
        if not _name_token(first.group(0)) or first.group(0).lower() in _CALENDAR:
            continue
        j = i + 1  # the next capitalised word, over particles, within one phrase
        while (j < len(words) and words[j].group(0) in _PARTICLES
               and not text[words[j - 1].end():words[j].start()].strip()):
            j += 1
        if (j >= len(words) or text[words[j - 1].end():words[j].start()].strip()
                or not _name_token(words[j].group(0))
                or words[j].group(0).lower() in _CALENDAR):
            continue
        start, end = first.start(), words[j].end()
        pair = text[start:end]
        parts = (first.group(0), words[j].group(0))
        particle = j > i + 1
        before = _fold(words[i - 1].group(0)) if i else ""
        if (_is_place(pair) or any(_is_place(p) for p in parts)
                # a country or a region abroad beside a common word ("In Turkije", "Naar
                # Syrië", "Uit Tigray"); beside another name-like word it may be a given
                # name ("Chad Smith", "Jordan Peters"), so it stays a pair. The common
                # word is the other one: a place that is a dictionary word itself
                # ("Kabul", "Paris", "Lima" are words to simplemma's English) beside a
                # surname is a name ("Paris Hilton", "Adam Kabul"), and so are two places
                # (a surname is often one: "Kabul Ahmadi"; session 18); after a
                # capitalised tussenvoegsel it is a surname ("Van Zeeland", "Van Limburg")
                or (_fold(parts[0]) not in _PARTICLES
                    and any(_abroad(parts[k]) and _fold(parts[k]) not in _FIRST_NAMES
                            and _dictionary_word(parts[1 - k])
                            and not _abroad(parts[1 - k]) for k in (0, 1)))
                or (_fold(pair) in _places_abroad()  # "Buenos Aires", "Dar es Salaam"
                    and _fold(parts[0]) not in _FIRST_NAMES)
                # a sentence opened by a preposition, pronoun or article ("In Koerdistan
                # hij had ...", "Uit Herat gekomen"), unless a given name follows ("Met
                # Fatima gaat het slecht" stays a name) or a name's frame precedes ("heet
                # Mijn Buurman")
                or (not particle and _fold(parts[0]) in _function_words()
                    and _fold(parts[1]) not in _FIRST_NAMES
                    and not _NAME_FRAME.search(text[max(0, start - _FRAME_WINDOW):start]))
                or _fold(parts[0]).endswith(_PLACE_KINDS)
                or before.endswith(tuple(_THING_KINDS))
                or (not particle and _fold(parts[1]) in _PLACE_ENDS
                    and _fold(parts[0]) not in _FIRST_NAMES)
                or f" {_fold(pair)} " in f" {known_text} "):
            continue
        pairs.append((start, end, parts, particle))
    return pairs


def untitled_names(text: str, known: str = "") -> list[tuple[int, int]]:
    """(start, end) of every name without a title in ``text`` (pure): two capitalised
    words, with particles between ("Kees de Vries", "Fatima el Amrani"), anywhere in the
    text, of which at least one is a common first name or no dictionary word, or which
    follow "heet"/"genaamd"/"named"/"called". Not a name: what
    :func:`_capitalised_pairs` leaves out (a place, a kind of place or thing with its
    name, a month or day, a known organisation), an acronym, two dictionary words ("Mijn
    Buurvrouw")."""
    spans: list[tuple[int, int]] = []
    for start, end, parts, particle in _capitalised_pairs(text, known):
        # the frame ends right before the name: a short window keeps this linear (the
        # whole text before each pair made a long question quadratic)
        framed = bool(_NAME_FRAME.search(text[max(0, start - _FRAME_WINDOW):start]))
        # with a particle between, the first word is a given name ("Jan de Vries"), not
        # a capitalised word of the sentence ("Brief van Eneco", "Huis van Bewaring")
        if framed or (not all(_dictionary_word(p) for p in parts)
                      and not (particle and _dictionary_word(parts[0]))):
            if spans and spans[-1][1] >= start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def possible_names(text: str, known: str = "") -> list[tuple[int, int]]:
    """(start, end) of every pair that may still be a name though :func:`untitled_names`
    does not call it one: two capitalised dictionary words inside a sentence (after a
    lower-case word or a comma: "Mijn buurvrouw Roos Visser ..."), not at its start, and
    not a place, thing or organisation (:func:`_capitalised_pairs`). For a warning to
    the writer of an example file, not for refusing a question."""
    return [(start, end) for start, end, _, _ in _capitalised_pairs(text, known)
            if re.search(r"[a-z,;]\s+$", text[max(0, start - 3):start])]


#: Letters of the scripts that have no capital letters, so that a name written in them
#: is never a "capitalised pair": Hebrew, Arabic (with Persian and Urdu), Syriac, Thaana,
#: the Indic scripts, Thai, Lao, Tibetan, Georgian, Ethiopic (Tigrinya, Amharic), Tifinagh,
#: kana, Han and Hangul (Unicode blocks, The Unicode Standard 15, ch. 9-18).
_CASELESS = ("\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf"
             "\u08a0-\u08ff\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u10d0-\u10ff"
             "\u1200-\u139f\u2d30-\u2d7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
             "\uac00-\ud7af\ufb1d-\ufdff\ufe70-\ufeff")
#: Session 18 (outside22): "Mijn klant محمد الحسن heeft grote schulden" was answered, and
#: `!baan 1` would have put the name in a team's intake room; the same name in Latin or
#: Cyrillic letters is refused. In a question written in Latin letters, two or more words
#: in a caseless script together (or one run of two to four Han or Hangul signs, which
#: write a whole name without a space: "王小明", "김민수") are read as a name, as two
#: capitalised words are. A message wholly in such a script is never routed (the
#: wegwijzer says it reads no words in it), so it is not called a name.
_CASELESS_RUN = re.compile(
    rf"(?<![{_CASELESS}])(?:[{_CASELESS}]+(?:[\s\u1361]+[{_CASELESS}]+)+"
    r"|[\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]{2,4})"
    rf"(?![{_CASELESS}])")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
#: The wegwijzer's context words, ``stadsdeel=Zuidoost``, ``leeftijd=58`` (English
#: ``district=``, ``age=``): taken out of a question before it is routed
#: (:func:`busbaan.wegwijzer.question.parse_question` reads them with this pattern).
CONTEXT_WORDS = re.compile(
    r"(?<!\S)(stadsdeel|district|leeftijd|age)\s*[=:]\s*([^\s,;]+)[,;]?", re.IGNORECASE
)


def caseless_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of every name written in a script without capitals inside a question
    in Latin letters (pure; :data:`_CASELESS_RUN`). Context words (:data:`CONTEXT_WORDS`)
    alone do not make a question one in Latin letters (session 21: "جاري يضرب
    stadsdeel=Zuidoost" was refused as a name; without "stadsdeel=Zuidoost" it was read as
    what it is, a question in Arabic, which is never routed): at least one Latin word must
    stand outside them. They still count towards the two Latin words otherwise, so that a
    name beside one Latin word ("klant محمد الحسن stadsdeel=Noord") stays a name."""
    spans = [(m.start(), m.end()) for m in _CASELESS_RUN.finditer(text)]
    if not spans:
        return []
    rest = "".join(text[a:b] for a, b in zip([0] + [e for _, e in spans],
                                              [s for s, _ in spans] + [len(text)], strict=True))
    latin = _LATIN_WORD.findall(rest)
    asked = _LATIN_WORD.findall(CONTEXT_WORDS.sub(" ", rest))
    return spans if len(latin) >= 2 and asked else []


class _Names:
    """Titled names (:class:`_TitledNames`) and names without a title
    (:func:`untitled_names`), with the same ``search``/``sub`` as a pattern."""

    def __init__(self, known: str = "") -> None:
        self.known = known

    def search(self, text: str) -> bool:
        return bool(_TitledNames().search(text) or untitled_names(text, self.known)
                    or caseless_names(text))

    def sub(self, repl: str, text: str) -> str:
        text = _TitledNames().sub(repl, text)
        out, last = [], 0
        spans = sorted(untitled_names(text, self.known) + caseless_names(text))
        for start, end in spans:
            if start < last:
                continue
            out += [text[last:start], repl]
            last = end
        return "".join(out) + text[last:]


#: The time stamp a chat app puts before each message of a copied or exported chat:
#: WhatsApp on a phone "[14:02, 3-12-2026]" or "[3-12-2026 14:02:11]", exported
#: "3-12-2026 14:02 - " at the start of a line. Its date is when a message was sent,
#: never a birth date (session 11, outside14: a forwarded chat with no name in it was
#: refused as "een datum die een geboortedatum kan zijn"). Only these shapes: "geboren
#: 3-12-2026 om 14:02" stays a date.
_CLOCK = r"[0-2]?\d:[0-5]\d(?::[0-5]\d)?"
_CHAT_STAMP = re.compile(
    rf"\[{_CLOCK},\s*(?:{_DATE.pattern})\]"
    rf"|\[(?:{_DATE.pattern}),?\s+{_CLOCK}\]"
    rf"|^\s*(?:{_DATE.pattern}),?\s+{_CLOCK}\s+-\s",
    re.IGNORECASE | re.MULTILINE)


#: Words that make a full date someone's birth date, whatever else is near: the field
#: names of Dutch and English forms and registers (the BRP's "geboortedatum", its
#: abbreviations "geb.", "geb.datum", "gebdat."; "date of birth", "DOB", "D.O.B."), the
#: verbs ("geboren", "bevallen", "born", "gave birth") and a birthday, which is the birth
#: date with another year ("jarig", "verjaardag", "birthday", "wordt 18 op …", "turns 18
#: on …"). Written by hand (session 12, privacy14) from how intake forms and professionals
#: write a birth date; searched in the clause before the date and right after it.
#: Session 13 (privacy17): the birth told in other words ("pasgeboren", "kwam ter
#: wereld", "newborn", the due date "uitgerekend op") and the events of a life's first
#: days, whose date gives the birth date away within days, so that they are birth in
#: disguise, not events of a service process: the baptism of an infant ("doop",
#: "gedoopt", "baptised", "christening"), a circumcision ("besnijdenis", "besneden";
#: the eighth day in Jewish custom), the heel prick (RIVM: in the first week) and the
#: maternity care of the first eight to ten days ("kraamzorg", "kraamweek", "kraambed").
#: Not here: "inschrijving" (a WoningNet or school registration is a process's date; a
#: newborn's registration is told as "aangifte van geboorte", a birth word already).
_BIRTH_WORD = re.compile(
    r"\b(?:geboren|geboort\w*|geb\b\.?(?:\s?datum\b)?|gebdat\w*|bevall\w*|beviel|jarig\w*"
    r"|verjaardag\w*|born|birth\w*|dob|d\.o\.b\b\.?|date\s+of\s+birth"
    r"|pasgebor\w*|newborn\w*|new-born\w*|ter\s+wereld|uitgerekend\w*"
    r"|doop|doopt|doopfeest\w*|gedoopt|dopen|baptis\w*|baptiz\w*|christening"
    r"|besnijdenis\w*|besneden|circumcis\w*|hielprik\w*|heel\s+prick"
    r"|kraam(?:zorg|week|weken|bed|tijd|verzorg\w*|hulp|visite|feest)\w*|maternity\s+care)(?!\w)"
    r"|[0-9]+-?jarig\w*"
    r"|\b(?:wordt|werd|turns?|turned)\s+(?:[0-9]{1,3}(?:\s+jaar)?|achttien|eighteen)\b(?![-/.]\d)"
    r"|\b[0-9]{1,3}\s+(?:jaar\s+)?geworden\b",
    re.IGNORECASE)
#: A baby named without a birth word ("ons kindje van 3 maart 2026 is er", "the baby
#: arrived on 3 March 2026"; privacy14's open finding): a date beside it that is not
#: ahead, in the same clause, is the baby's birth date unless an event word vouches for
#: it in its own phrase ("de baby kan vanaf 1-2-2027 naar de opvang"). A date ahead
#: beside a baby is an appointment, a start or a due date, and the last is told with
#: "uitgerekend" (a birth word). Diminutives of kinship count (a "zoontje" is small);
#: "kind", "zoon", "dochter" do not (a school start). Written by hand (session 13,
#: privacy17); Van Dale's diminutives and the English of child-health leaflets.
_NEWBORN_WORD = re.compile(
    r"\b(?:bab(?:y|ies|ytje\w*|ietje\w*)|kindje\w*|zoontje\w*|dochtertje\w*"
    r"|kleintje\w*|zuigeling\w*|infant\w*|little\s+one)(?!\w)",
    re.IGNORECASE)
#: Who a date right after them belongs to: a person named just before the date ("afspraak
#: met dochter 3-3-2020", "meisje van 3-3-2019") holds it as her birth date, whatever
#: event word opens the phrase; "afspraak met dochter op 3-3-2027" is the appointment's.
#: The kinship words of :data:`busbaan.routing.lexicon.PERSON_WORDS` and these: the
#: titles and the words for a client, a child or an adult (session 13, privacy17).
_PERSON_NOUNS = _words("""
    kind kinderen kindje baby babytje meisje jongen meid jongetje zoontje dochtertje
    neef nicht neefje nichtje pleegkind pleegzoon pleegdochter tweeling
    meneer mevrouw mw mevr dhr cliënt cliënte client cliënten clienten
    man vrouw partner echtgenoot echtgenote vriend vriendin bewoner huurder
    child children girl boy infant twins woman husband wife mr mrs ms tenant resident
    """)
#: Words that make a full date the date of a step in a service process, not of a
#: person: an eviction or cut-off (the Wgs early-warning letters, Besluit gemeentelijke
#: schuldhulpverlening), a court hearing or the bailiff (a summons, a judgment), an
#: appointment or visit, a letter or decision of the municipality and its periods
#: (Awb: beschikking, besluit, termijn, ingangsdatum), and the prepositions that set a
#: date for a change ("per 1-2-2027", "vanaf", "uiterlijk", "t/m"). Written by hand
#: (session 12, privacy14) from the questions of the tuning and retired sets that carry
#: a date. Generic words that also introduce a person ("van", "op", "from", "by") are
#: left out: "een meisje uit Eritrea, 3-3-2019" is a birth date.
_EVENT_WORD = re.compile(
    r"\b(?:ontruim\w*|uitzetting|uitgezet|afsluit\w*|afgesloten|zitting\w*|rechtszaak"
    r"|kantonrechter|vonnis|dagvaarding|beslag\w*|deurwaarder\w*|afspra\w*|intake\w*"
    r"|huisbezoek\w*|gesprek\w*|aanmaning\w*|sommatie|brief|beschikking\w*|besluit\w*"
    r"|aanvraag|aangevraagd|ingang\w*|einddatum|vervaldatum|betaaldatum|termijn\w*"
    r"|opzeg\w*|opgezegd|verhuiz\w*|uiterlijk|deadline|per|vanaf|t/m|tot\s+en\s+met"
    r"|d\.d\.|gedateerd"
    r"|evict\w*|cut[- ]?off|disconnect\w*|shut\s+off|hearing|court|summons|bailiff"
    r"|appointment|meeting|visit\w*|letter|notice|decision|due|until|starting|effective"
    r"|as\s+of|dated|no\s+later\s+than)(?![\w/])",
    re.IGNORECASE)
#: Words that make a full date the date of a change in someone's circumstances, not
#: of their birth: since when ("sinds", "since"), a benefit, contract or permit that
#: stopped or ran out, a dismissal, a death in the family, an arrival or a flight, a
#: residence status granted. Read like :data:`_EVENT_WORD` (in the date's own phrase,
#: at most ten years back, not right after a person) but after the newborn rule, so
#: that "ons kindje is er sinds 3-3-2026" stays a birth date. Written by hand (session
#: 18, refusals: of 98 fresh questions without personal data, six were refused for
#: such a date: "huurachterstand sinds 1 januari 2025", "uitkering gestopt op
#: 01-03-2025", "verblijfsvergunning verlopen op 15 mei 2025"). "gekregen" is left
#: out: "kindje gekregen op ..." is a birth.
_CHANGE_WORD = re.compile(
    r"\b(?:sinds|since|gestopt|stopt|stopte|stopped|beëindigd|beeindigd|beëindiging"
    r"|ended|verlopen|verloopt|verliep|expired|afgelopen|ontslag\w*|dismissed|fired"
    r"|overleden|overleed|gestorven|died|aangekomen|arrived|gevlucht|fled"
    r"|status|verblijfs\w*|vergunning\w*|permit)(?!\w)",
    re.IGNORECASE)
#: Where a clause ends, for the words that decide about a date: a sentence end, a new
#: line or a semicolon. The words of an event are read within the last few words of
#: their own phrase, so a comma ends that too ("een meisje uit Eritrea, 3-3-2019").
_CLAUSE_END = re.compile(r"[.!?](?=\s+[A-Z(])|[\n;]")
_PHRASE_END = re.compile(r"[.!?](?=\s+[A-Z(])|[\n;,:()\[\]]")
_AFTER_END = re.compile(r"[.!?](?:\s|$)|[\n;,:()\[\]]")
#: Month names (Dutch, English; full and the usual abbreviations) by number: the one
#: table for reading a date (also :func:`busbaan.routing.safety.dates_ahead`).
MONTH_NUMBERS: dict[str, int] = {
    name: number for number, names in enumerate((
        "januari january jan", "februari february feb", "maart march mrt mar",
        "april apr", "mei may", "juni june jun", "juli july jul",
        "augustus august aug", "september sept sep", "oktober october okt oct",
        "november nov", "december dec"), start=1) for name in names.split()}
#: A bare full date further back than this may be a birth date (a newborn's is told
#: with a birth word: "geboren", "bevallen"); a bare date of the last year is a letter's
#: or a visit's.
_BIRTH_DATE_AGE = dt.timedelta(days=366)
#: An event word vouches for a date at most this far back: the steps of a service
#: process are recent or ahead; "afspraak met meneer 12-03-1965" is his birth date.
_EVENT_DATE_AGE = dt.timedelta(days=3653)


def _calendar_date(written: str) -> dt.date | None:
    """The earliest day a full date as :data:`_DATE` matches it can mean (day-month
    first, as the Dutch write it; month-day too for "3/4/2005"), or None when it names
    no day ("31-02-2005")."""
    iso = re.fullmatch(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})", written)
    if iso:
        try:
            return dt.date(*(int(n) for n in iso.groups()))
        except ValueError:
            return None
    year = int(written[-4:])
    numbers = [int(n) for n in re.findall(r"\d+", written[:-4])]
    month = next((MONTH_NUMBERS[w.lower()] for w in re.findall(r"[^\W\d_]+", written)
                  if w.lower() in MONTH_NUMBERS), None)
    readings = ([(numbers[0], month)] if month and numbers
                else [(numbers[0], numbers[1]), (numbers[1], numbers[0])]
                if len(numbers) >= 2 else [])
    days = []
    for day, month_number in readings:
        try:
            days.append(dt.date(year, month_number or 0, day))
        except ValueError:
            continue
    return min(days, default=None)


def _of_a_person(words: Sequence[str]) -> bool:
    """Whether a date right after ``words`` (the last words of its phrase) is told of a
    person: a person noun right before it, or before "van" ("dochter 3-3-2020",
    "meisje van 3-3-2019"; :data:`_PERSON_NOUNS`)."""
    folded = [w.lower().strip(".") for w in words]
    if folded and folded[-1] in ("van", "of", "from"):
        folded = folded[:-1]
    return bool(folded) and (folded[-1] in _PERSON_NOUNS or folded[-1] in _kinship())


@functools.cache
def _kinship() -> frozenset[str]:
    """The routing lexicon's kinship words (:data:`busbaan.routing.lexicon.PERSON_WORDS`)."""
    from busbaan.routing import lexicon  # here: busbaan.routing imports this module

    return frozenset(lexicon.PERSON_WORDS)


class _Dates:
    """Full dates (:data:`_DATE`) that may be a birth date, outside a chat app's
    message time stamps, with the same ``search``/``sub`` as a pattern. ``today`` is
    the day the text is read on (default: the clock's UTC day, read once per text:
    :func:`busbaan.clock.utc_today`)."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.today = today

    def _spans(self, text: str) -> list[tuple[int, int]]:
        stamps = [m.span() for m in _CHAT_STAMP.finditer(text)]
        spans: list[tuple[int, int]] = []
        last = 0
        today: dt.date | None = self.today
        for m in _DATE.finditer(text):
            stamp = any(a <= m.start() and m.end() <= b for a, b in stamps)
            if not stamp:
                today = today or utc_today()  # one reading for every date of the text
                if self.personal(text, m.start(), m.end(), last, today=today):
                    spans.append(m.span())
            last = m.end()
        return spans

    def personal(self, text: str, start: int, end: int, after: int = 0, *,
                 today: dt.date | None = None) -> bool:
        """Whether the full date ``text[start:end]`` is personal data: the one decision
        about dates (session 12, privacy14; session 13, privacy17).

        A birth date is a quasi-identifier: with a postcode or a neighbourhood and a
        gender it singles out most people (the AVG's "indirectly identifiable", art.
        4(1)), and it is the key of every register. The date of a step in a service
        process (an eviction, a cut-off, a hearing, an appointment, a deadline) is not:
        many households share it, and it describes the process, not who the person is.
        So, in this order:

        1. next to a birth word (:data:`_BIRTH_WORD`: in the clause before the date, or
           right after it, "3-3-2005 geboren") it is personal, in any form and at any
           time ("geboren 3 maart 2005", "DOB 3/3/2005", "baby geboren 1-12-2026",
           "wordt 18 op 3 maart 2027", "doop op 3-3-2026", "kraamzorg vanaf
           1-11-2026": the events of a life's first days are birth in disguise);
        2. after an event word in its own phrase (:data:`_EVENT_WORD`, at most five
           words back and no comma between: "de ontruiming is op 12 mrt 2027",
           "afsluiting per 1-2-2027", "hearing on 12 March 2027") it is not, unless it
           lies more than ten years back ("afspraak met meneer 12-03-1965") or follows
           a person right away (:data:`_PERSON_NOUNS`: "afspraak met dochter
           3-3-2020" is her birth date; "met dochter op 3-3-2027" the appointment's);
        3. a birth word further on in its phrase ("op 3-3-2026 is hij geboren") makes it
           personal, and so does a baby (:data:`_NEWBORN_WORD`) in the clause before or
           the phrase after, when the date is not ahead ("ons kindje van 3 maart 2026 is er",
           "the baby arrived on 3 March 2026"): a newborn's birth date lies within the
           year that rule 4 lets pass;
        4. otherwise it is personal when it lies more than a year back ("cliënt
           12-03-1965 heeft schulden"), and not when it is recent or ahead ("12-3-2027
           moet hij eruit"): nobody is born on a day to come, and a bare date of the
           last year is a letter's or a visit's.

        A date that names no day ("31-02-2005") is judged by rules 1 to 3, and counts
        as far back. ``after`` is where the clause may start at the earliest (the end
        of the date before: "geboren 3-3-2005, ontruiming 12-3-2027" has one birth
        date). ``today``: the day it is read on (default: this object's, else the
        clock's UTC day)."""
        before = text[max(after, start - 60):start]
        cut = [m.end() for m in _CLAUSE_END.finditer(before)]
        clause = before[cut[-1]:] if cut else before
        tail = text[end:end + 40]
        stop = _AFTER_END.search(tail)
        tail = tail[:stop.start()] if stop else tail
        if _BIRTH_WORD.search(clause) or _BIRTH_WORD.match(tail.lstrip()):
            return True
        written = _calendar_date(text[start:end])
        today = today or self.today or utc_today()
        cut = [m.end() for m in _PHRASE_END.finditer(clause)]
        words = (clause[cut[-1]:] if cut else clause).split()[-5:]
        if _EVENT_WORD.search(" ".join(words)) and not _of_a_person(words):
            return written is None or written < today - _EVENT_DATE_AGE
        if _BIRTH_WORD.search(tail):
            return True
        if (_NEWBORN_WORD.search(clause) or _NEWBORN_WORD.search(tail)) and (
                written is None or written <= today):
            return True
        if _CHANGE_WORD.search(" ".join(words)) and not _of_a_person(words):
            return written is None or written < today - _EVENT_DATE_AGE
        return written is None or written < today - _BIRTH_DATE_AGE

    def search(self, text: str) -> bool:
        return bool(self._spans(text))

    def sub(self, repl: str, text: str) -> str:
        out, last = [], 0
        for start, end in self._spans(text):
            out += [text[last:start], repl]
            last = end
        return "".join(out) + text[last:]


_PATTERNS: dict[str, re.Pattern[str] | _Names | _Dates] = {
    "email": _EMAIL,
    "phone": _PHONE,
    "postcode": _POSTCODE,
    "date": _Dates(),
    "name": _Names(),
    "address": _STREET,
}


def find_personal_data(text: str, known: str = "", *,
                       today: dt.date | None = None) -> list[Finding]:
    """The kinds of identifying data ``text`` seems to contain, most serious first: the
    one decision for questions, lane messages, reasons and example files. ``known`` is
    text that names services and organisations (the social map's names) whose
    capitalised words are no person's name. A full date counts when it may be a birth
    date (:meth:`_Dates.personal`: next to a birth word, or more than a year back
    without an event word), read on ``today`` (default: the clock's UTC day)."""
    findings = []
    rest = _without_ibans(text)
    if find_bsns(rest):
        findings.append(Finding("bsn", "een BSN", "a BSN"))
    if rest != text:
        findings.append(Finding("iban", "een rekeningnummer (IBAN)",
                                "a bank account number (IBAN)"))
    text = rest
    for kind, nl, en in _KINDS:
        pattern: re.Pattern[str] | _Names | _Dates = (
            _Names(known) if kind == "name" and known
            else _Dates(today) if kind == "date" and today else _PATTERNS[kind])
        if pattern.search(text):
            findings.append(Finding(kind, nl, en))
    return findings


def name_kinds(findings: Sequence[Finding], lang: str = "nl") -> str:
    """What was found, as a reader says it: "een naam en een adres", "a BSN, a name and
    an address" (never the values)."""
    kinds = [f.en if lang == "en" else f.nl for f in findings]
    if len(kinds) < 2:
        return "".join(kinds)
    return f"{', '.join(kinds[:-1])} {'and' if lang == 'en' else 'en'} {kinds[-1]}"


def redact(text: str, *, today: dt.date | None = None) -> str:
    """``text`` with BSNs, e-mail addresses, phone numbers, postcodes, dates that may be
    a birth date (the decision of :func:`find_personal_data`) and titled names replaced
    by a marker. For logs; not a guarantee for free text."""
    out, last = [], 0
    for start, end in _iban_spans(text):
        out += [text[last:start], "[iban]"]
        last = end
    out.append(text[last:])
    text, out, last = "".join(out), [], 0
    for start, end in _bsn_spans(text):
        out.append(text[last:start])
        out.append("[bsn]")
        last = end
    out.append(text[last:])
    redacted = "".join(out)
    for kind in ("email", "phone", "postcode", "date", "name", "address"):
        pattern = _Dates(today) if kind == "date" and today else _PATTERNS[kind]
        redacted = pattern.sub(f"[{kind}]", redacted)
    return redacted
