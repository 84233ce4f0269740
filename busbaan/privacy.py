"""Recognising personal data in free text (pure).

Used wherever text could carry a citizen's identity into a place where it must not
go: case labels, lane questions, handover reasons, logs. It errs on the side of
caution: a false alarm costs a rephrase, a miss costs a data breach.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import simplemma

# A run of digit groups joined by single separators ("111 222 333", "1112.22.333",
# "111-222-333"). A BSN is any run of whole groups in it that holds nine digits, so
# that "111222333 2 kinderen" or "tel. 020 123 4567 bsn 111222333" still finds it.
_DIGIT_RUN = re.compile(r"\d+(?:[. -]\d+)*")
_GROUP = re.compile(r"\d+")
# Tried only where a run of address characters starts: without the look-behind a long
# run with no "@" is scanned again from each of its characters (quadratic; outside
# check s5: a 30,000-letter invite reason held the gate, and Synapse, for 13 s).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s-]?\d(?:[\s-]?\d){8}(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
_DATE = re.compile(r"\b(?:[0-3]?\d)[-/.](?:[01]?\d)[-/.](?:19|20)\d{2}\b")
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
    # 7: a held-out elder-abuse question was refused as a name)
    "begin|bijna|boven|eind|midden|net|rond|ruim|ver|"
    "twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|"
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
    r"\b(?:dhr|mevr|mw|(?-i:[Mm]rs?|[Mm]s)|meneer|mevrouw|de heer)\.?\s+"
    r"(?:[^\W\d_]\.\s*)*"  # initials: "J. P. "
    r"(?:(?:van|de|der|den|het|te|ter|ten|'t|’t)\s+"  # tussenvoegsels: "van der "
    # "in"/"op" as tussenvoegsel ("op de Beek", "in 't Veld"), but not before a place:
    # "meneer in Noord", "mevrouw op de Dapperbuurt" are about a client, unnamed
    rf"|(?:op|in)\s+(?!(?:de\s+|het\s+)?(?:{_PLACES})\b))*"
    rf"(?!(?-i:(?:{_NOT_A_SURNAME}))(?![^\W\d_]))"  # not a common lower-case word
    r"[^\W\d_]+(?:-[^\W\d_]+)*",  # surname, also double-barrelled and with accents
    re.IGNORECASE,
)
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


def _bsn_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every BSN in ``text``: whole digit groups, nine digits, 11-check."""
    spans: list[tuple[int, int]] = []
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


def find_bsns(text: str) -> list[str]:
    """Every BSN-like number in ``text`` (9 digits, separators allowed, 11-check)."""
    return [text[start:end] for start, end in _bsn_spans(text)]


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of personal data found in a text (never the value itself)."""

    kind: str  # "bsn", "email", "phone", "postcode", "date", "name", "address"
    nl: str
    en: str


_KINDS: tuple[tuple[str, str, str], ...] = (
    ("email", "een e-mailadres", "an e-mail address"),
    ("phone", "een telefoonnummer", "a phone number"),
    ("postcode", "een postcode", "a postcode"),
    ("date", "een datum die een geboortedatum kan zijn", "a date that may be a birth date"),
    ("name", "een naam", "a name"),
    ("address", "een adres", "an address"),
)
class _TitledNames:
    """:data:`_TITLE_NAME`, except a title followed by one lower-case word of the Dutch
    dictionary and nothing else ("meneer snapt de brieven", "mevrouw valt vaak",
    "meneer drinkt"): a verb or a noun there says what the client does (outside7: 4 of
    7 refusals on the workbench were these). A capitalised word always counts, and so
    do initials and a tussenvoegsel ("meneer de boer"). The price: a lower-case
    surname that is also a word ("mevrouw bakker") is missed; "mevrouw jansen" is not."""

    def _found(self, text: str) -> Iterator[re.Match[str]]:
        for match in _TITLE_NAME.finditer(text):
            rest = match.group(0).split()[1:]
            if match.group(0).lower().startswith("de heer"):
                rest = rest[1:]
            if (len(rest) == 1 and rest[0].islower()
                    and simplemma.is_known(rest[0], lang="nl")):
                continue
            yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self._found(text), None)

    def sub(self, repl: str, text: str) -> str:
        out, last = [], 0
        for match in self._found(text):
            out += [text[last:match.start()], repl]
            last = match.end()
        return "".join(out) + text[last:]


_PATTERNS: dict[str, re.Pattern[str] | _TitledNames] = {
    "email": _EMAIL,
    "phone": _PHONE,
    "postcode": _POSTCODE,
    "date": _DATE,
    "name": _TitledNames(),
    "address": _STREET,
}


def find_personal_data(text: str) -> list[Finding]:
    """The kinds of identifying data ``text`` seems to contain, most serious first."""
    findings = []
    if find_bsns(text):
        findings.append(Finding("bsn", "een BSN", "a BSN"))
    for kind, nl, en in _KINDS:
        if _PATTERNS[kind].search(text):
            findings.append(Finding(kind, nl, en))
    return findings


def name_kinds(findings: Sequence[Finding], lang: str = "nl") -> str:
    """What was found, as a reader says it: "een naam en een adres", "a BSN, a name and
    an address" (never the values)."""
    kinds = [f.en if lang == "en" else f.nl for f in findings]
    if len(kinds) < 2:
        return "".join(kinds)
    return f"{', '.join(kinds[:-1])} {'and' if lang == 'en' else 'en'} {kinds[-1]}"


def redact(text: str) -> str:
    """``text`` with BSNs, e-mail addresses, phone numbers, postcodes, dates and
    titled names replaced by a marker. For logs; not a guarantee for free text."""
    out, last = [], 0
    for start, end in _bsn_spans(text):
        out.append(text[last:start])
        out.append("[bsn]")
        last = end
    out.append(text[last:])
    redacted = "".join(out)
    for kind in ("email", "phone", "postcode", "date", "name", "address"):
        redacted = _PATTERNS[kind].sub(f"[{kind}]", redacted)
    return redacted
