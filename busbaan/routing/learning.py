"""Learning from professionals (pure): feedback -> term/service associations.

``!goed``, ``!fout [dienst]`` and lanes a team accepts say which service fitted a
question. What is kept is *evidence*: for one source (a feedback item or a lane), the
question's normalised terms (stems of its content words; never its text, never
numbers) each pointing to a service with +1 or -1. The evidence is stored per social
map version (:mod:`busbaan.store.wegwijzer_learned`) and turned into
:class:`Learned` associations here.

An association counts only when at least :data:`MIN_SUPPORT` different people gave it
(one click teaches nothing, and a rare word typed once stays out), and it adds at most
``weight`` per question word, saturating with a prior of :data:`PRIOR` items. Feedback
on an answer with a safety signal is not learned at all (the bot skips it).

Session 8 (outside8 finding 5: two people's ``!fout poh-ggz`` on an alcohol answer
that had Veilig Thuis first taught ``man``, ``dag``, ``drink``, ``stop`` and ``alcohol``
*against* Veilig Thuis; a later "de man van mijn cliënte drinkt elke dag en wordt
agressief" lost Veilig Thuis confidence 572 -> 346). Two rules since:

1. **Nothing learned counts against a safety service.** A service that a family of the
   safety file sends people to (its ``services``: Veilig Thuis, the shelter's access
   desk, crisis intervention, the crisis services) can only be moved by the safety
   layer, which reads the question's danger; learning reads only words. Evidence
   against such a service is still stored and listed (``busbaan route learned list``
   shows it as held back, "tegen een veiligheidsdienst: telt niet"), never applied:
   the words it is learned from ("man", "dag", "kinderen", "bang") are the words in
   which danger is described, so a correction on an ordinary question would lower the
   safety service exactly where a missed danger needs it. What the professional
   meant is kept all the same: the +1 for the service they named lifts it, and that is
   what moves the answer. Evidence *for* a safety service still counts, also on
   questions without a signal (a danger described in words the safety file does not
   know yet, "Veilig Thuis" named by two people, is what learning can add there); it
   is weighted like any other (rule 2) and needs two people. The families'
   ``minors`` (the parenting desk a child is sent to when no safety desk serves them)
   are ordinary services and learn as such: the safety layer puts them first by rule
   when a signal is read.
2. **An everyday word carries little evidence.** Each association is weighted by how
   informative its term is on this map (:func:`informativeness`): how concentrated
   the term's use is over the services, in the map's texts and example questions
   (1 - the normalised entropy of where it is used, each service's use taken as a
   share of its own examples, so that a service with many examples does not draw
   every word). "man", "dag", "huis", "hulp" are used for nearly every service
   (0.1-0.25); "alcohol", "rolstoel", "leerplicht", "dakloos" for one or two (0.6-1).
   A word the map and its examples never use is as informative as can be (1.0): that
   is where learning adds what the map lacks. Measured beside two alternatives
   (docs/notes/2026-12-06s8-learn9.md): the inverse document frequency over services
   (every topical word reaches many services through the examples: "schulden" 0.08)
   or over example questions ("man" 0.38, "schulden" 0.34: no separation), and the
   general-language Zipf weight of :mod:`.commonness` ("man" 0.49, "kinderen" 1.0: it
   knows Dutch, not the social domain).
3. **On a question with a safety signal, learning moves no safety service down.**
   Rule 1 holds back the votes against a safety service; the votes *for* the services
   around it could still lift one of them above it (session 10: fifty people's
   "vader drinkt elke dag -> verslavingszorg" lifted Verslavingszorg above Veilig
   Thuis on "de man van mijn cliënte drinkt elke dag en wordt agressief tegen de
   kinderen", which carries a caution). When the safety file reads a signal, strong
   or weak, each safety service keeps at least the place it has without learning
   (:meth:`.router.Router._safety_places_kept`); the services below it still learn.
   Without a signal learning may lift an ordinary service above a safety service:
   that is how a correction removes Veilig Thuis where it was a filler.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from busbaan.privacy import redact
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.lexicon import fold
from busbaan.routing.text import Analyzer, area_words, capitalised

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
#: Why an association that has its two people is not applied (`route learned list`):
#: code -> (Dutch, English).
HELD_BACK = {
    "safety_service": ("tegen een veiligheidsdienst: telt niet",
                       "against a safety service: not applied"),
    "support": ("telt vanaf 2 bronnen", "counts from 2 sources"),
}


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

    def boosts(
        self,
        terms: Iterable[str],
        prior: float = PRIOR,
        *,
        weight: Callable[[str], float] | None = None,
        protected: frozenset[str] = frozenset(),
    ) -> dict[str, float]:
        """Per service, the sum over ``terms`` of e / (|e| + prior) (signed), where the
        evidence e is the net votes times the term's ``weight`` (0..1: a vote on an
        everyday word is a fraction of one); an association against a ``protected``
        (safety) service is left out (:func:`held_back`)."""
        out: dict[str, float] = defaultdict(float)
        for term in set(terms):
            share = 1.0 if weight is None else weight(term)
            for a in self.by_term.get(term, ()):
                if held_back(a, protected) is None and share > 0.0:
                    evidence = share * a.net
                    out[a.service_id] += evidence / (abs(evidence) + prior)
        return dict(out)


def held_back(association: Association, protected: frozenset[str],
              min_support: int = MIN_SUPPORT) -> str | None:
    """Why ``association`` is not applied (a :data:`HELD_BACK` code), or None: fewer
    than ``min_support`` people gave it ("support"), or it counts against a safety
    service ("safety_service"; see the module docstring, rule 1)."""
    if association.support < min_support:
        return "support"
    if association.net < 0 and association.service_id in protected:
        return "safety_service"
    return None


def safety_services(families: Iterable[object]) -> frozenset[str]:
    """The ids of the services the safety file's families send people to (each
    family's ``services``; not its ``minors``, see the module docstring, rule 1)."""
    return frozenset(s for f in families for s in getattr(f, "services", ()))


def informativeness(uses: Mapping[str, Mapping[int, float]],
                    sizes: Sequence[float]) -> dict[str, float]:
    """Per term, how much evidence a learned association on it carries (0..1): one
    minus the normalised entropy of where the term is used over the services.
    ``uses[term][doc]``: in how many of service ``doc``'s texts and example questions
    the term occurs; ``sizes[doc]``: how many texts and examples the service has (each
    use counts as a share of them). A term used by one service is 1.0, one used evenly
    by all is 0.0; a term not in ``uses`` is left out (the caller takes 1.0)."""
    n = len(sizes)
    if n < 2:
        return {term: 1.0 for term in uses}
    top = math.log(n)
    out: dict[str, float] = {}
    for term, per_doc in uses.items():
        rates = [count / sizes[doc] for doc, count in per_doc.items()
                 if count > 0 and sizes[doc] > 0]
        total = sum(rates)
        if total <= 0:
            out[term] = 1.0
            continue
        entropy = -sum(r / total * math.log(r / total) for r in rates)
        out[term] = max(0.0, min(1.0, 1.0 - entropy / top))
    return out


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


def learning_terms(analyzer: Analyzer, question: str, *,
                   today: dt.date | None = None) -> tuple[str, ...]:
    """The normalised terms of ``question`` that may be learned: stems of its own words
    (spelling corrected), no compound parts or expansions, no numbers, no stopwords, and
    only words the map, its example questions or the lexicon use (:meth:`Analyzer.knows`;
    until session 6 also any word of the Dutch dictionary, which holds first names such
    as "mohammed", "jan" and "piet": a name written in lower case was learned). Personal data
    never gets in: what :func:`busbaan.privacy.redact` recognises (BSNs, titled names,
    e-mail, phone, postcode, dates, addresses) is taken out first, and a capitalised
    word the map does not use is taken for a name and left out (:func:`proper_nouns`),
    so that 'Jan', 'Bakker' or 'Fatima' is not kept even when it is also a word. A
    stadsdeel or neighbourhood is not learned either (outside9: "Oost" was stored as
    'ost -> schuldhulp', which two people would make count for every question from Oost):
    where the client lives is context, weighed through the services' areas. ``today``:
    the day the question is read on, for its dates (the router's; default: the clock's)."""
    text = _MARKER.sub(" ", redact(question, today=today))
    names = proper_nouns(analyzer, text) | area_words(text)
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
    not to be found by hashing the directory's IDs) and the source the feedback or lane
    id under the key (:meth:`Pseudonyms.learned_source`, session 11: the raw id joined a
    person's votes to the verdict, its answer and the audit entry naming them). Without
    an actor, the source alone (it then counts as its own person)."""
    source = pseudonyms.learned_source(source_id)
    if actor is None:
        return source
    return f"{pseudonyms.person(actor)}{PERSON_SEP}{source}"


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
    "HELD_BACK",
    "MIN_SUPPORT",
    "PERSON_SEP",
    "PRIOR",
    "Association",
    "Evidence",
    "Learned",
    "evidence_for",
    "feedback_votes",
    "held_back",
    "informativeness",
    "learned_from",
    "learning_terms",
    "person_of",
    "proper_nouns",
    "safety_services",
    "source_key",
    "source_of",
]
