"""A BM25F index over the services of a social map (pure, built once per map).

Each service is a document with fields of different weight (its name counts more
than its application process). Term frequencies are normalised per field and summed
before BM25's saturation, as in BM25F (Robertson, Zaragoza & Taylor 2004). Services
that differ only in their stadsdeel (the eight buurtteams) count once for document
frequency, so their words are not mistaken for common ones.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from busbaan.routing.lexicon import fold
from busbaan.routing.model import Service, SocialMap
from busbaan.routing.text import Analyzer

K1 = 1.2
#: Sentences that send the reader elsewhere ("jongeren onder de 27 gaan naar het
#: Jongerenpunt") describe another service: their words count for less.
DEFAULT_REFERRAL_WEIGHT = 0.35
_REFERRAL = re.compile(
    r"\b(?:gaan?|gaat) (?:eerst )?(?:naar|daarheen)|(?<!hier )\bterecht\b|(?<!zonder )\bverwijs|"
    r"(?<!zonder )\bverwijz|\bdoorverwijz|\bloopt via\b|\blopen via\b|\bhet loket\b|\bpassender\b|"
    r"\bniet voor\b|\bvalt (?:hier )?niet\b|\bvallen (?:hier )?niet\b|\bandere regeling\b|"
    r"\bmeldt zich\b|\bmelden zich\b|\bde eerste stap\b|\beerst naar\b"
)
#: An age in a sentence ("onder de 27", "vanaf 18 jaar").
_AGE = re.compile(r"\b\d{1,3}\b")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_MAX_NAME_USAGE = 4
_NAME_SPLIT = re.compile(r"\s*[–—/()|,:]\s*|\s+-\s+")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    weight: float
    b: float
    title: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", 1.0, 0.3, title=True),
    FieldSpec("alternate_name", 0.8, 0.3, title=True),
    FieldSpec("taxonomy", 0.6, 0.3),
    FieldSpec("organization", 0.8, 0.3),
    FieldSpec("description", 1.0, 0.75),
    FieldSpec("eligibility", 0.8, 0.75),
    FieldSpec("application", 0.3, 0.75),
)
#: A service's name is saturated on its own and added to the body's score with this
#: weight: a question that names the service ("budgetbeheer") should win from one
#: that only shares many words with its description.
TITLE_WEIGHT = 1.0


def service_fields(social_map: SocialMap, service: Service) -> dict[str, str]:
    """The texts of a service per index field."""
    org = social_map.organizations.get(service.organization_id)
    terms = [social_map.taxonomy_terms.get(t) for t in service.taxonomy_term_ids]
    return {
        "name": service.name,
        "alternate_name": service.alternate_name,
        "taxonomy": " ".join(f"{t.name} {t.description}" for t in terms if t is not None),
        "organization": f"{org.name} {org.alternate_name}" if org else "",
        "description": service.description,
        "eligibility": service.eligibility,
        "application": service.application_process,
    }


class Index:
    """Per stem: each service's BM25F-normalised term frequency, and the stem's idf."""

    def __init__(
        self,
        social_map: SocialMap,
        services: Sequence[Service],
        analyzer: Analyzer,
        place_words: Iterable[str] = (),
        *,
        referral_weight: float = DEFAULT_REFERRAL_WEIGHT,
        later_sentence_weight: float = 1.0,
    ) -> None:
        self.services = tuple(services)
        places = frozenset(analyzer.stem(w) for w in place_words)
        names = _NameFinder(social_map, self.services)
        per_field: list[dict[str, Counter[str]]] = []
        org_terms: list[frozenset[str]] = []
        noise = _org_noise(social_map, self.services, analyzer)
        lengths: dict[str, list[float]] = defaultdict(list)
        for service in self.services:
            texts = service_fields(social_map, service)
            fields: dict[str, Counter[str]] = {}
            org_stems = noise[service.id]
            org_terms.append(org_stems)
            for spec in FIELDS:
                counts: Counter[str] = Counter()
                pieces = (_NAME_SPLIT if spec.title else _SENTENCE).split(texts[spec.name])
                for number, sentence in enumerate(pieces):
                    folded = fold(sentence)
                    referral = not spec.title and (
                        _REFERRAL.search(folded) is not None
                        or names.mentions_other(service.id, folded)
                    )
                    factor = referral_weight if referral else 1.0
                    if spec.name == "description" and number > 0:
                        factor *= later_sentence_weight  # the lead sentence says what it is
                    terms = analyzer.terms(sentence)
                    if spec.title:
                        terms = _drop_noise(terms, org_stems)
                    for stem, weight in terms:
                        counts[stem] += weight * factor  # type: ignore[assignment]
                fields[spec.name] = counts
                lengths[spec.name].append(float(sum(counts.values())))
            per_field.append(fields)
        averages = {name: (sum(v) / len(v) if v and sum(v) else 1.0) for name, v in lengths.items()}

        tf: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
        for doc, fields in enumerate(per_field):
            title: dict[str, float] = defaultdict(float)
            body: dict[str, float] = defaultdict(float)
            for spec in FIELDS:
                counts = fields[spec.name]
                length = sum(counts.values())
                norm = 1.0 - spec.b + spec.b * length / averages[spec.name]
                target = title if spec.title else body
                for stem, count in counts.items():
                    target[stem] += spec.weight * count / norm
            for stem in title.keys() | body.keys():
                tf[stem][doc] = (title.get(stem, 0.0), body.get(stem, 0.0))
        self._tf: Mapping[str, Mapping[int, tuple[float, float]]] = dict(tf)

        # Document frequency over distinct texts once place names are left out.
        signatures: dict[frozenset[str], int] = {}
        groups: list[int] = []
        for fields in per_field:
            signature = frozenset(s for c in fields.values() for s in c if s not in places)
            groups.append(signatures.setdefault(signature, len(signatures)))
        #: Services with the same text but for place names share a group number.
        self.groups = tuple(groups)
        df: Counter[str] = Counter()
        for signature in signatures:
            df.update(signature)
        n = len(signatures)
        self._idf: Mapping[str, float] = {
            stem: math.log(1.0 + (n - count + 0.5) / (count + 0.5)) for stem, count in df.items()
        }
        self.max_idf = max(self._idf.values(), default=1.0)

        # The parts of each service's name and alternate name, as (stem, idf) lists:
        # a question that covers one of them names the service.
        segments: list[tuple[tuple[tuple[str, float], ...], ...]] = []
        for service, org_stems in zip(self.services, org_terms, strict=True):
            found: list[tuple[tuple[str, float], ...]] = []
            for segment in _NAME_SPLIT.split(f"{service.name} / {service.alternate_name}"):
                stems = {
                    stem
                    for stem, weight in _drop_noise(analyzer.terms(segment), org_stems)
                    if weight == 1.0 and stem not in places
                }
                if stems:
                    found.append(tuple(sorted((s, self.idf(s)) for s in stems)))
            segments.append(tuple(found))
        self.segments = tuple(segments)
        self._title_stems = tuple(
            frozenset(s for seg in found for s, _ in seg) for found in segments
        )
        # Per service, the services its texts send people of another age to ("Jongeren
        # onder de 27 vragen bijstand aan via het Jongerenpunt"): a sentence that names
        # another service and gives an age.
        owners: dict[str, list[int]] = defaultdict(list)
        for doc, service in enumerate(self.services):
            for segment in names.own[service.id]:
                owners[segment].append(doc)
        referrals: list[frozenset[int]] = []
        for doc, service in enumerate(self.services):
            texts = service_fields(social_map, service)
            found_docs: set[int] = set()
            for field in ("description", "eligibility"):
                for sentence in _SENTENCE.split(texts[field]):
                    folded = fold(sentence)
                    if _AGE.search(folded):
                        for segment in names.others(service.id, folded):
                            found_docs.update(d for d in owners.get(segment, ()) if d != doc)
            referrals.append(frozenset(found_docs))
        self.age_referrals = tuple(referrals)

    def title_stems(self, doc: int) -> frozenset[str]:
        """The stems of a service's name (:meth:`title_coverage` reads)."""
        return self._title_stems[doc]

    def title_coverage(self, doc: int, query: Mapping[str, float]) -> float:
        """How much (0..1, by idf) of the best-covered part of a service's name the
        question's stems cover."""
        best = 0.0
        if self._title_stems[doc].isdisjoint(query):
            return best
        for segment in self.segments[doc]:
            total = sum(idf for _, idf in segment)
            if total <= 0:
                continue
            covered = sum(idf * min(1.0, query.get(stem, 0.0)) for stem, idf in segment)
            best = max(best, covered / total)
        return best

    def idf(self, stem: str) -> float:
        return self._idf.get(stem, 0.0)

    def services_using(self) -> Mapping[str, frozenset[int]]:
        """Per stem, the services whose own texts use it."""
        return {stem: frozenset(per_doc) for stem, per_doc in self._tf.items()}

    def __contains__(self, stem: object) -> bool:
        return stem in self._tf

    def score(self, stem: str) -> Mapping[int, float]:
        """Each matching document's contribution for this stem (idf × saturated tf)."""
        postings = self._tf.get(stem)
        if not postings:
            return {}
        idf = self._idf.get(stem, 0.0)
        return {
            doc: idf * (TITLE_WEIGHT * _saturate(title) + _saturate(body))
            for doc, (title, body) in postings.items()
        }


def _saturate(tf: float) -> float:
    return tf * (K1 + 1.0) / (K1 + tf)


def _drop_noise(terms: list[tuple[str, float]], noise: frozenset[str]) -> list[tuple[str, float]]:
    """A name part without its organisation's noise words, unless they are all it says."""
    if len({stem for stem, weight in terms if weight == 1.0}) < 2:
        return terms
    return [(stem, weight) for stem, weight in terms if stem not in noise]


def _org_noise(
    social_map: SocialMap, services: Sequence[Service], analyzer: Analyzer
) -> dict[str, frozenset[str]]:
    """Per service, the words of its organisation's name that say nothing in its own.

    "Terugvordering (debiteurenbeheer WPI)" names its organisation, as a few of WPI's
    services do: "WPI" is then no evidence for this service over WPI's others. A word
    that most of the organisation's services carry ("Buurtteam ...") does name them.
    """
    by_org: dict[str, list[Service]] = defaultdict(list)
    for service in services:
        by_org[service.organization_id].append(service)
    out: dict[str, frozenset[str]] = {}
    for org_id, members in by_org.items():
        org = social_map.organizations.get(org_id)
        if org is None or len(members) < 2:
            out.update({s.id: frozenset() for s in members})
            continue
        org_stems = {s for s, _ in analyzer.terms(f"{org.name} {org.alternate_name}")}
        titles = [{s for s, _ in analyzer.terms(f"{m.name} {m.alternate_name}")} for m in members]
        rare = frozenset(
            stem for stem in org_stems if 2 * sum(stem in t for t in titles) < len(members)
        )
        out.update({s.id: rare for s in members})
    return out


class _NameFinder:
    """Finds the distinctive names of services in a text ("Jongerenpunt").

    A name segment is distinctive when it is long enough and few services' texts use
    it; everyday words ("huur") are not.
    """

    def __init__(self, social_map: SocialMap, services: Sequence[Service]) -> None:
        texts = [fold(" ".join(service_fields(social_map, s).values())) for s in services]
        self.own: dict[str, frozenset[str]] = {}
        candidates: set[str] = set()
        for service in services:
            found: set[str] = set()
            for segment in _NAME_SPLIT.split(f"{service.name} / {service.alternate_name}"):
                segment = fold(segment).strip()
                words = segment.split()
                if 1 <= len(words) <= 4 and (len(words) > 1 or len(segment) >= 8):
                    found.add(segment)
            self.own[service.id] = frozenset(found)
            candidates |= found
        distinctive = sorted(
            (
                seg
                for seg in candidates
                if sum(1 for t in texts if seg in t and _bounded(seg).search(t)) <= _MAX_NAME_USAGE
            ),
            key=lambda seg: (-len(seg), seg),
        )
        self._pattern = (
            re.compile("|".join(_bounded(seg).pattern for seg in distinctive))
            if distinctive
            else None
        )

    def others(self, service_id: str, folded: str) -> list[str]:
        """The names of other services in ``folded``."""
        if self._pattern is None:
            return []
        own = self.own.get(service_id, frozenset())
        return [m.group(0) for m in self._pattern.finditer(folded) if m.group(0) not in own]

    def mentions_other(self, service_id: str, folded: str) -> bool:
        """True when ``folded`` names a service other than ``service_id``."""
        if self._pattern is None:
            return False
        own = self.own.get(service_id, frozenset())
        return any(m.group(0) not in own for m in self._pattern.finditer(folded))


def _bounded(segment: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(segment) + r"(?![a-z0-9])")


def vocabulary_texts(social_map: SocialMap) -> list[str]:
    """All texts of a map, for the analyzer's vocabulary."""
    out: list[str] = []
    for service in social_map.services:
        out.extend(service_fields(social_map, service).values())
    return out


__all__ = ["FIELDS", "Index", "service_fields", "vocabulary_texts"]
