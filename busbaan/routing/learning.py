"""Learning from professionals (pure): feedback -> term/service associations.

``!goed``, ``!fout [dienst]`` and lanes a team accepts say which service fitted a
question. What is kept is *evidence*: for one source (a feedback item or a lane), the
question's normalised terms (stems of its content words; never its text, never
numbers) each pointing to a service with +1 or -1. The evidence is stored per social
map version (:mod:`busbaan.store.wegwijzer_learned`) and turned into
:class:`Learned` associations here.

An association counts only when at least :data:`MIN_SUPPORT` different sources gave
it (one click teaches nothing, and a rare word typed once stays out), and it adds at
most ``weight`` per question word, saturating with a prior of :data:`PRIOR` items.
It never touches safety: safety services are put first by rule, after scoring.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from busbaan.privacy import redact
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.lexicon import fold
from busbaan.routing.text import Analyzer, capitalised

#: Different people needed before an association counts (session 6: people, not
#: feedback items: one professional clicking !fout twice redirected a term for all).
MIN_SUPPORT = 2
#: Numbers written as words ("drie maanden achter"): no numbers are learned, in digits
#: or in words (outside7 found "drie" in the learned table). Dutch and English, from
#: any grammar: the cardinals to twenty, the tens, and the larger units.
NUMBER_WORDS = frozenset([
    "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
    "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
    "negentien", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig",
    "tachtig", "negentig", "honderd", "duizend", "miljoen", "half", "anderhalf", "one",
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
    "ninety", "hundred", "thousand", "million",
])
#: Separates the person from the source in a stored source id (:func:`source_key`).
PERSON_SEP = "~"
#: Items at which an association reaches half its weight (net / (net + PRIOR)).
PRIOR = 3.0
#: At most this many terms are kept from one question.
MAX_TERMS = 12


@dataclass(frozen=True, slots=True)
class Evidence:
    """One term -> service vote from one source (a feedback id or a lane id)."""

    term: str
    service_id: str
    delta: int
    source_id: str


@dataclass(frozen=True, slots=True)
class Association:
    term: str
    service_id: str
    net: int
    support: int


@dataclass(frozen=True, slots=True)
class Learned:
    """The associations that count, by term (build with :func:`learned_from`)."""

    by_term: Mapping[str, tuple[Association, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_term.values())

    def boosts(self, terms: Iterable[str], prior: float = PRIOR) -> dict[str, float]:
        """Per service, the sum over ``terms`` of net / (|net| + prior) (signed)."""
        out: dict[str, float] = defaultdict(float)
        for term in set(terms):
            for a in self.by_term.get(term, ()):
                out[a.service_id] += a.net / (abs(a.net) + prior)
        return dict(out)


_MARKER = re.compile(r"\[(?:bsn|email|phone|postcode|date|name|address)\]")


def proper_nouns(analyzer: Analyzer, text: str) -> frozenset[str]:
    """Folded words of ``text`` written with a capital letter that are taken for names
    ('Fatima', 'Bakker', 'Jan'), wherever they stand: inside a sentence, every capitalised
    word the map's texts do not themselves write with a capital there ('Veilig Thuis',
    'DigiD'); opening a sentence, a word the map's texts do not know at all ('Schulden'
    opening a sentence is a word). Since session 8 a word the examples use in lower case
    ('de bakker') is no longer enough: 'mevrouw Bakker' is a name."""
    return frozenset(
        word for word, opens in capitalised(text)
        if not analyzer.writes_capitalised(word) and not (opens and analyzer.knows(word))
    )


def learning_terms(analyzer: Analyzer, question: str) -> tuple[str, ...]:
    """The normalised terms of ``question`` that may be learned: stems of its own words
    (spelling corrected), no compound parts or expansions, no numbers, no stopwords, and
    only words the map, its example questions or the lexicon use (:meth:`Analyzer.knows`;
    until session 6 also any word of the Dutch dictionary, which holds first names such
    as "mohammed", "jan" and "piet": a name written in lower case was learned). Personal data
    never gets in: what :func:`busbaan.privacy.redact` recognises (BSNs, titled names,
    e-mail, phone, postcode, dates, addresses) is taken out first, and a capitalised
    word the map does not use is taken for a name and left out (:func:`proper_nouns`),
    so that 'Jan', 'Bakker' or 'Fatima' is not kept even when it is also a word."""
    text = _MARKER.sub(" ", redact(question))
    names = proper_nouns(analyzer, text)
    terms = []
    for term in analyzer.query(text):
        if (
            term.kind in ("word", "typo")
            and term.source not in names
            and term.stem.isalpha()
            and len(term.stem) >= 3
            and analyzer.knows(term.source)
            and fold(term.source) not in NUMBER_WORDS
        ):
            terms.append(term.stem)
    return tuple(dict.fromkeys(terms))[:MAX_TERMS]


def feedback_votes(
    verdict: str, expected: str | None, answered: tuple[str, ...]
) -> list[tuple[str, int]]:
    """(service, +1/-1) votes from one verdict on an answer (``answered``: its
    services, best first): good -> +1 for the first; wrong -> -1 for the first and
    +1 for the service the professional named."""
    if not answered and expected is None:
        return []
    if verdict == "good":
        return [(answered[0], 1)] if answered else []
    votes = [(answered[0], -1)] if answered and answered[0] != expected else []
    if expected is not None:
        votes.append((expected, 1))
    return votes


def evidence_for(
    terms: Iterable[str], votes: Iterable[tuple[str, int]], source_id: str
) -> list[Evidence]:
    return [Evidence(t, s, d, source_id) for s, d in votes for t in terms]


def source_key(source_id: str, actor: str | None, pseudonyms: Pseudonyms) -> str:
    """The source id evidence is stored under: ``<person>~<source>``, where the person
    is the professional's keyed pseudonym (:meth:`Pseudonyms.person`: 12 hex of an
    HMAC-SHA-256 of the Matrix ID; enough to count different people, not the ID, and
    not to be found by hashing the directory's IDs). Without an actor, the source alone
    (it then counts as its own person)."""
    if actor is None:
        return source_id
    return f"{pseudonyms.person(actor)}{PERSON_SEP}{source_id}"


def person_of(source_id: str) -> str:
    """Who gave the evidence of a stored source id (see :func:`source_key`); a source
    stored before session 6 stands for itself."""
    return source_id.split(PERSON_SEP, 1)[0]


def source_of(source_id: str) -> str:
    """The feedback or lane id of a stored source id, without its person."""
    return source_id.rsplit(PERSON_SEP, 1)[-1]


def learned_from(evidence: Iterable[Evidence], min_support: int = MIN_SUPPORT) -> Learned:
    """Associations from raw evidence: net votes per (term, service), counted only
    when ``min_support`` different people gave them (:func:`person_of`)."""
    net: dict[tuple[str, str], int] = defaultdict(int)
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in evidence:
        key = (e.term, e.service_id)
        net[key] += e.delta
        sources[key].add(person_of(e.source_id))
    by_term: dict[str, list[Association]] = defaultdict(list)
    for (term, service_id), value in net.items():
        support = len(sources[(term, service_id)])
        if value != 0 and support >= min_support:
            by_term[term].append(Association(term, service_id, value, support))
    return Learned({t: tuple(sorted(v, key=lambda a: a.service_id)) for t, v in by_term.items()})


__all__ = [
    "MIN_SUPPORT",
    "PERSON_SEP",
    "PRIOR",
    "Association",
    "Evidence",
    "Learned",
    "evidence_for",
    "feedback_votes",
    "learned_from",
    "learning_terms",
    "person_of",
    "proper_nouns",
    "source_key",
    "source_of",
]
