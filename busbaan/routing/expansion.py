"""Example questions per service: document expansion for the lexical ranker (pure once
loaded).

People describe a situation ("de koelkast is leeg", "hij zuipt elke dag"); a social map
describes services ("voedselpakket", "verslavingszorg"). The standard remedy in
retrieval is *document expansion* (doc2query: Nogueira, Yang, Lin & Cho 2019): index,
with each service, questions for which it is the right answer. Here they are written
by people (or generated off-line and reviewed), kept in YAML files that a map's editor
can read and extend without code, and validated by ``busbaan socialmap check``::

    services:
      voedselbank-aanmelding:
        - "De koelkast is leeg en er komt pas over twee weken geld binnen."
      "bt-*-geldzaken":          # a glob: every stadsdeel's buurtteam
        - "Ik wil hulp om mijn post en rekeningen op orde te krijgen."

The files shipped in ``busbaan/routing/examples/`` are written for the demo map; an
entry applies to the services of a map whose id it matches and is ignored otherwise.

:class:`ExampleIndex` scores a question against the examples with BM25 (each example
is a document) and gives each service the sum of its best :data:`TOP_K` example scores,
discounted by rank: a nearest-neighbour vote, so that one example that fits closely
counts more than many that share a common word.
"""

from __future__ import annotations

import fnmatch
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from busbaan.privacy import find_personal_data, name_kinds
from busbaan.routing.model import MapProblem, SocialMap
from busbaan.routing.text import Analyzer, words

#: The package directory of the shipped example files.
DEFAULT_PACKAGE = "busbaan.routing.examples"
#: An example has at least this many and at most this many words.
MIN_WORDS = 3
MAX_WORDS = 80
#: At most this many examples under one key.
MAX_PER_KEY = 500
#: BM25 parameters over the examples (short documents: the usual values).
K1 = 1.2
B = 0.75
#: A service's example score: its best examples' scores, the n-th counted RANK_DECAY**n.
TOP_K = 5
RANK_DECAY = 0.8


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    services: dict[str, list[str]] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Entry:
    """The examples under one key (a service id or a glob over service ids)."""

    key: str
    examples: tuple[str, ...]
    source: str

    def matches(self, service_id: str) -> bool:
        return fnmatch.fnmatchcase(service_id, self.key)


@dataclass(frozen=True, slots=True)
class ExampleSet:
    """Example questions from one or more files; see the module's docstring."""

    entries: tuple[Entry, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.source for e in self.entries))

    def __len__(self) -> int:
        return sum(len(e.examples) for e in self.entries)

    def for_service(self, service_id: str) -> tuple[str, ...]:
        """Every example that applies to ``service_id`` (each once)."""
        found: dict[str, None] = {}
        for entry in self.entries:
            if entry.matches(service_id):
                found.update(dict.fromkeys(entry.examples))
        return tuple(found)

    def unmatched(self, service_ids: Iterable[str]) -> list[Entry]:
        """The entries that apply to none of ``service_ids``."""
        ids = tuple(service_ids)
        return [e for e in self.entries if not any(e.matches(i) for i in ids)]


class ExamplesFileError(ValueError):
    """An examples file cannot be used; ``found`` names every problem in Dutch and
    English (nothing of the file is used)."""

    def __init__(self, source: str, found: Sequence[MapProblem]) -> None:
        self.source = source
        self.found = tuple(found)
        super().__init__(f"{source}: " + "; ".join(f"{p.where}: {p.en}" for p in found))


def _problem(code: str, where: str, nl: str, en: str) -> MapProblem:
    return MapProblem("error", code, where, nl, en)


def parse_examples(raw: object, source: str) -> ExampleSet:
    """Parse one file's YAML data; :class:`ExamplesFileError` names every problem."""
    if raw is None:
        raise ExamplesFileError(source, [_problem(
            "examples-empty", "(file)", "het bestand is leeg; verwacht 'services:' met per "
            "dienst-id een lijst voorbeeldvragen", "the file is empty; expected 'services:' "
            "with a list of example questions per service id")])
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        raise ExamplesFileError(source, [
            _problem("examples-shape", ".".join(str(p) for p in err["loc"]) or "(file)",
                     _dutch(err), str(err["msg"]))
            for err in exc.errors()
        ]) from None
    problems: list[MapProblem] = []
    entries: list[Entry] = []
    for key, examples in parsed.services.items():
        where = f"services.{key}"
        if not key.strip() or any(c.isspace() for c in key):
            problems.append(_problem(
                "examples-key", where, "een dienst-id (of patroon zoals 'bt-*-algemeen') "
                "zonder spaties", "a service id (or a pattern such as 'bt-*-algemeen') "
                "without spaces"))
            continue
        if not examples:
            problems.append(_problem("examples-none", where, "geen voorbeeldvragen; laat de "
                                     "dienst weg of geef er minstens één",
                                     "no example questions; leave the service out or give at "
                                     "least one"))
        if len(examples) > MAX_PER_KEY:
            problems.append(_problem("examples-many", where,
                                     f"meer dan {MAX_PER_KEY} voorbeeldvragen",
                                     f"more than {MAX_PER_KEY} example questions"))
        kept: list[str] = []
        for number, example in enumerate(examples, start=1):
            spot = f"{where}[{number}]"
            text = " ".join(example.split())
            count = len(words(text))
            if count < MIN_WORDS or count > MAX_WORDS:
                problems.append(_problem(
                    "examples-length", spot,
                    f"{count} woorden; een voorbeeldvraag heeft {MIN_WORDS} tot {MAX_WORDS} "
                    "woorden", f"{count} words; an example question has {MIN_WORDS} to "
                    f"{MAX_WORDS} words"))
                continue
            findings = find_personal_data(text)
            if findings:
                problems.append(_problem(
                    "examples-personal-data", spot,
                    f"bevat iets dat lijkt op {name_kinds(findings, 'nl')}; schrijf "
                    "voorbeeldvragen zonder persoonsgegevens",
                    f"contains what looks like {name_kinds(findings, 'en')}; write example "
                    "questions without personal data"))
                continue
            kept.append(text)
        entries.append(Entry(key, tuple(dict.fromkeys(kept)), source))
    if problems:
        raise ExamplesFileError(source, problems)
    return ExampleSet(tuple(entries))


def _dutch(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    return {
        "missing": "ontbreekt",
        "extra_forbidden": "onbekend veld (alleen 'services' is toegestaan)",
        "string_type": "moet tekst zijn",
        "list_type": "moet een lijst zijn",
        "dict_type": "moet een tabel zijn: dienst-id -> lijst voorbeeldvragen",
        "model_type": "moet een tabel zijn met 'services:'",
        "too_short": "mag niet leeg zijn",
    }.get(kind, f"ongeldig ({kind})")


def default_files() -> list[Path]:
    """The example files shipped with busbaan, in name order."""
    folder = Path(str(resources.files(DEFAULT_PACKAGE)))
    return sorted(folder.glob("*.yaml"))


def load_examples(paths: Iterable[str | Path] | None = None) -> ExampleSet:
    """Read example files (default: those shipped with busbaan); a directory stands for
    its ``*.yaml`` files. :class:`ExamplesFileError` names every problem of the first
    file that has any."""
    files: list[Path] = []
    for path in default_files() if paths is None else (Path(p) for p in paths):
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    entries: list[Entry] = []
    for file in files:
        try:
            raw: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ExamplesFileError(str(file), [_problem(
                "examples-file", "(file)", "bestand niet gevonden", "file not found")]) from None
        except (OSError, ValueError, OverflowError, RecursionError, yaml.YAMLError) as exc:
            name = exc.__class__.__name__
            raise ExamplesFileError(str(file), [_problem(
                "examples-file", "(file)", f"niet te lezen als YAML-tekst ({name})",
                f"cannot read as YAML text ({name})")]) from None
        entries.extend(parse_examples(raw, str(file)).entries)
    return ExampleSet(tuple(entries))


def check_against_map(examples: ExampleSet, social_map: SocialMap) -> list[MapProblem]:
    """Warnings for entries that apply to no active service of the map (a typo in an
    id, or a service that was removed: their examples are not used)."""
    ids = [s.id for s in social_map.services if s.active]
    return [
        MapProblem("warning", "examples-unknown-service", f"{e.source}: services.{e.key}",
                   "past bij geen (actieve) dienst op de kaart; deze voorbeeldvragen worden "
                   "niet gebruikt", "matches no (active) service on the map; these example "
                   "questions are not used")
        for e in examples.unmatched(ids)
    ]


class ExampleIndex:
    """BM25 over example questions, aggregated per service (see the module docstring).

    ``per_service[d]`` holds the examples of the router's service number ``d``; an
    example shared by several services (a glob) is one document that votes for each.
    """

    def __init__(self, per_service: Sequence[Sequence[str]], analyzer: Analyzer) -> None:
        owners: dict[str, list[int]] = defaultdict(list)
        for doc, examples in enumerate(per_service):
            for example in examples:
                owners[example].append(doc)
        self._owners: tuple[tuple[int, ...], ...] = tuple(tuple(d) for d in owners.values())
        counts = [Counter(dict(_merge(analyzer.terms(text)))) for text in owners]
        lengths = [sum(c.values()) for c in counts]
        average = (sum(lengths) / len(lengths)) if lengths else 1.0
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(counts)
        idf = {s: math.log(1.0 + (n - k + 0.5) / (k + 0.5)) for s, k in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, (c, length) in enumerate(zip(counts, lengths, strict=True)):
            norm = 1.0 - B + B * length / (average or 1.0)
            for stem, tf in c.items():
                postings[stem].append((number, idf[stem] * tf * (K1 + 1) / (tf + K1 * norm)))
        self._postings: Mapping[str, tuple[tuple[int, float], ...]] = {
            s: tuple(p) for s, p in postings.items()}
        self.size = n

    def __contains__(self, stem: object) -> bool:
        return stem in self._postings

    def scores(
        self, query: Mapping[str, float]
    ) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
        """Per service (router document number): the rank-discounted sum of its best
        examples' BM25 scores for the weighted query stems; and per service the stems
        its best example matched, with what each earned there."""
        per_example: dict[int, float] = defaultdict(float)
        parts: dict[int, dict[str, float]] = defaultdict(dict)
        for stem, weight in query.items():
            for number, value in self._postings.get(stem, ()):
                per_example[number] += weight * value
                parts[number][stem] = weight * value
        best: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for number, value in per_example.items():
            for doc in self._owners[number]:
                best[doc].append((value, number))
        out: dict[int, float] = {}
        evidence: dict[int, dict[str, float]] = {}
        for doc, found in best.items():
            found.sort(reverse=True)
            out[doc] = sum(v * RANK_DECAY**i for i, (v, _) in enumerate(found[:TOP_K]))
            evidence[doc] = parts[found[0][1]]
        return out, evidence


def _merge(terms: Iterable[tuple[str, float]]) -> dict[str, float]:
    merged: dict[str, float] = defaultdict(float)
    for stem, weight in terms:
        merged[stem] += weight
    return merged


__all__ = [
    "ExampleIndex",
    "ExampleSet",
    "ExamplesFileError",
    "check_against_map",
    "default_files",
    "load_examples",
    "parse_examples",
]
