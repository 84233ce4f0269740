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

A service of another map borrows the examples of the same kind of service with
``like``; ``unless`` leaves out the borrowed examples with a word that starts with one
of its entries, for what this map gives to a service of its own (a youth team on a map
with its own addiction service does not borrow the cannabis questions)::

    okt: {like: [okt-opvoedondersteuning], unless: [blow, wiet, cannabis]}

:class:`ExampleIndex` scores a question against the examples with BM25 (each example
is a document) and gives each service the sum of its best :data:`TOP_K` example scores,
discounted by rank: a nearest-neighbour vote, so that one example that fits closely
counts more than many that share a common word.

Services differ in how many examples they have (the demo maps: Veilig Thuis 207, most
others 64-104), and the best of more draws is higher by chance, so a big service can win
on everyday words (Veilig Thuis as a filler, outside8 finding 4). Balancing the vote to
the median count (session 8) and gating or balancing the safety services' examples on a
safety signal (session 9) were measured and removed in session 10: on questions unseen
when they were built they cost top-1 or safety recall (docs/notes/2026-12-08s10-switches20.md).
Since session 15 the router holds back the examples of a desk for dangers only (a safety
service that takes no ordinary question, declared in the safety file since session 20:
Veilig Thuis, crisis intervention, shelter access) on a question that no such family's
signal, strong or weak, opens, unless the desk's examples hold a good share of the
question's nearest examples (:meth:`ExampleIndex.votes`) or the question names the desk
(``Tuning.desk_gate``; docs/notes/2026-12-13s15-vtfiller.md). Since session 16
another safety service holds back its danger examples the same way (``held`` in
:meth:`ExampleIndex.votes`; docs/notes/2026-12-14s16-dangerex.md).
"""

from __future__ import annotations

import fnmatch
import functools
import heapq
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import chain, repeat
from operator import add, itemgetter, mul
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from busbaan.errors import UsageError
from busbaan.privacy import find_personal_data, name_kinds, possible_names
from busbaan.routing.model import MapProblem, SocialMap
from busbaan.routing.text import APART, Analyzer, words
from busbaan.routing.yamltext import load_yaml

#: The package directory of the shipped example files.
DEFAULT_PACKAGE = "busbaan.routing.examples"
#: An example has at least this many and at most this many words. The upper bound was 80
#: until session 12, when a retired set of professionals' case notes (s22) brought
#: questions of 81 to 106 words: a real question is a fair example at its length (BM25's
#: length normalisation keeps a long one from outweighing short ones), so the bound is a
#: question's own ceiling (MAX_QUESTION_CHARS, 2,000 characters) in words, not a style rule.
MIN_WORDS = 3
MAX_WORDS = 300
#: At most this many examples under one key.
MAX_PER_KEY = 500
#: BM25 parameters over the examples (short documents: the usual values).
K1 = 1.2
B = 0.75
#: A service's example score: its best examples' scores, the n-th counted RANK_DECAY**n.
TOP_K = 5
RANK_DECAY = 0.8
_RANKS = tuple(RANK_DECAY**j for j in range(TOP_K))
#: The question's nearest example questions (over every service) whose score a service's
#: share is taken of (:meth:`ExampleIndex.votes`; the router's desks for dangers only).
NEIGHBOURS = 20


class _Like(BaseModel):
    model_config = ConfigDict(extra="forbid")

    like: list[str] = Field(min_length=1)
    unless: list[str] = []
    examples: list[str] = []


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    services: dict[str, list[str] | _Like] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Entry:
    """The examples under one key (a service id or a glob over service ids), and the
    keys of other entries whose examples it borrows (``like``: the same kind of
    service on another map)."""

    key: str
    examples: tuple[str, ...]
    source: str
    like: tuple[str, ...] = ()
    #: Word beginnings: a borrowed example with a word that starts with one is left out.
    unless: tuple[str, ...] = ()

    def matches(self, service_id: str) -> bool:
        return fnmatch.fnmatchcase(service_id, self.key)

    def borrowed(self, by_key: Mapping[str, Sequence[str]]) -> list[str]:
        """The examples its ``like`` keys lend, without those ``unless`` leaves out."""
        texts = [t for key in self.like for t in by_key.get(key, ())]
        if not self.unless:
            return texts
        return [t for t in texts
                if not any(w.startswith(self.unless) for w in words(t.casefold()))]


@dataclass(frozen=True, slots=True)
class ExampleSet:
    """Example questions from one or more files; see the module's docstring.

    A file is written for one map: it applies to a map only when most of its entries
    fit a service of that map (:meth:`used_sources`), and then the entries that fit. A
    file meant for another map that shares a few ids is not used, so the services of a
    map never get examples unevenly from it; one removed or mistyped service drops its
    own examples, not the file's (outside7: one inactive service emptied the demo map).
    """

    entries: tuple[Entry, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.source for e in self.entries))

    def __len__(self) -> int:
        return sum(len(e.examples) for e in self.entries)

    def fits(self, source: str, service_ids: Iterable[str]) -> tuple[int, list[Entry]]:
        """(entries of file ``source`` that fit a service, those that fit none)."""
        ids = tuple(service_ids)
        mine = [e for e in self.entries if e.source == source]
        exact = frozenset(ids)
        misfits = [e for e in mine
                   if e.key not in exact and not any(e.matches(i) for i in ids)]
        return len(mine) - len(misfits), misfits

    def _by_key(self) -> dict[str, list[str]]:
        """Every file's examples per key, for ``like`` to borrow from."""
        by_key: dict[str, list[str]] = defaultdict(list)
        for entry in self.entries:
            by_key[entry.key].extend(entry.examples)
        return by_key

    def used_sources(self, service_ids: Iterable[str]) -> set[str]:
        """The files written for this map: most of their entries fit one of its
        services (a removed or mistyped id drops that entry, not the file; a file for
        another map that shares a few ids is not used)."""
        ids = tuple(service_ids)
        used = set()
        for source in self.sources:
            fitting, misfits = self.fits(source, ids)
            if fitting > len(misfits):
                used.add(source)
        return used

    def for_map(self, service_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Per service id: its examples (each once) from the files written for the map
        (:meth:`used_sources`), with what their ``like`` keys borrow from any file."""
        ids = tuple(service_ids)
        by_key = self._by_key()
        sources = self.used_sources(ids)  # once: per entry it was quadratic (session 7)
        used = [e for e in self.entries if e.source in sources]
        out: dict[str, dict[str, None]] = defaultdict(dict)
        for entry in used:
            texts = [*entry.examples, *entry.borrowed(by_key)]
            for service_id in ids:
                if entry.matches(service_id):
                    out[service_id].update(dict.fromkeys(texts))
        return {service_id: tuple(found) for service_id, found in out.items()}

    def for_service(self, service_id: str) -> tuple[str, ...]:
        """Every example of the entries that match ``service_id``, whichever file they
        are in, with what their ``like`` keys borrow (for tests and review; the router
        uses :meth:`for_map`)."""
        by_key = self._by_key()
        found: dict[str, None] = {}
        for entry in self.entries:
            if entry.matches(service_id):
                found.update(dict.fromkeys(entry.examples))
                found.update(dict.fromkeys(entry.borrowed(by_key)))
        return tuple(found)


class ExamplesFileError(ValueError):
    """An examples file cannot be used; ``found`` names every problem in Dutch and
    English (nothing of the file is used)."""

    def __init__(self, source: str, found: Sequence[MapProblem]) -> None:
        self.source = source
        self.found = tuple(found)
        super().__init__(f"{source}: " + "; ".join(f"{p.where}: {p.en}" for p in found))

    def usage_error(self) -> UsageError:
        """The problem as a person meets it (the CLI, a service that will not start):
        the first problem, how many more, and how to see them all."""
        first = self.found[0]
        more = len(self.found) - 1
        return UsageError(
            f"Voorbeeldvragen {self.source}: {first.where}: {first.nl}"
            + (f" (en {more} meer)" if more else "")
            + ". Controleer het bestand met: busbaan socialmap check <kaart> --examples "
            "<bestand>",
            f"Example questions {self.source}: {first.where}: {first.en}"
            + (f" (and {more} more)" if more else "")
            + ". Check the file with: busbaan socialmap check <map> --examples <file>",
            errcode="BB_EXAMPLES",
        )


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
    for key, value in parsed.services.items():
        where = f"services.{key}"
        like: tuple[str, ...] = ()
        unless: tuple[str, ...] = ()
        if isinstance(value, _Like):
            like, examples = tuple(value.like), value.examples
            unless = tuple(u.strip().casefold() for u in value.unless)
            if any(not k.strip() for k in like):
                problems.append(_problem("examples-like", f"{where}.like", "een lege sleutel "
                                         "in 'like'", "an empty key in 'like'"))
            if any(not u or not words(u) or len(words(u)) > 1 for u in unless):
                problems.append(_problem(
                    "examples-unless", f"{where}.unless", "'unless' heeft een leeg woord of "
                    "meer dan één woord per regel; geef het begin van één woord (zoals 'blow')",
                    "'unless' has an empty entry or more than one word per entry; give the "
                    "beginning of one word (such as 'blow')"))
        else:
            examples = value
        if not key.strip() or any(c.isspace() for c in key):
            problems.append(_problem(
                "examples-key", where, "een dienst-id (of patroon zoals 'bt-*-algemeen') "
                "zonder spaties", "a service id (or a pattern such as 'bt-*-algemeen') "
                "without spaces"))
            continue
        if not examples and not like:
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
        entries.append(Entry(key, tuple(dict.fromkeys(kept)), source, like, unless))
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


#: Example files (or folders) to use instead of the shipped ones, separated by the
#: platform's path separator (``:`` here): for ``busbaan serve`` and the CLI.
ENV_VAR = "BUSBAAN_EXAMPLES"


def configured(paths: Iterable[str | Path] = ()) -> ExampleSet:
    """The example set to route with: ``paths`` when given, else those in
    :data:`ENV_VAR`, else the shipped files. A broken file is a :class:`UsageError`
    that names its first problem (nothing of it is used)."""
    chosen = [Path(p) for p in paths]
    if not chosen and os.environ.get(ENV_VAR, "").strip():
        chosen = [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p.strip()]
    try:
        return load_examples(chosen or None)
    except ExamplesFileError as exc:
        raise exc.usage_error() from None


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
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ExamplesFileError(str(file), [_problem(
                "examples-file", "(file)", "bestand niet gevonden", "file not found")]) from None
        except (OSError, ValueError) as exc:
            raise _unreadable(str(file), exc) from None
        entries.extend(_parse_text(text, str(file)).entries)
    return ExampleSet(tuple(entries))


def _unreadable(source: str, exc: BaseException) -> ExamplesFileError:
    name = exc.__class__.__name__
    return ExamplesFileError(source, [_problem(
        "examples-file", "(file)", f"niet te lezen als YAML-tekst ({name})",
        f"cannot read as YAML text ({name})")])


@functools.lru_cache(maxsize=128)
def _parse_text(text: str, source: str) -> ExampleSet:
    """One file's text, parsed: a pure function of the text and its name, so kept
    (the result is immutable). Reading the shipped files was most of the cost of a
    :class:`~busbaan.routing.Router` (YAML in pure Python: ~2 s for the ~30 files),
    paid again for every router built in one process (the tests, the benchmark's
    calibration, ``busbaan route``). An edited file is new text: parsed again. A
    broken file raises each time (an exception is not kept)."""
    try:
        raw: Any = load_yaml(text)
    except (ValueError, OverflowError, RecursionError, yaml.YAMLError) as exc:
        raise _unreadable(source, exc) from None
    return parse_examples(raw, source)


def check_against_map(
    examples: ExampleSet, social_map: SocialMap, *, own: Iterable[str] = ()
) -> list[MapProblem]:
    """Problems of example files with one map. An entry that fits none of the map's
    (active) services is not used: when most of its file's entries do fit, a warning
    names it (a typo in an id, or a removed service); when most do not, the file is
    for another map and not used at all (:meth:`ExampleSet.used_sources`): a warning
    only for the files in ``own`` (those the map's editor gave), silence for the shipped
    ones. In a file that is used, a ``like`` key that no file has is a warning too (it
    borrows nothing)."""
    ids = [s.id for s in social_map.services if s.active]
    given = set(own)
    keys = {e.key for e in examples.entries}
    problems: list[MapProblem] = []
    for source in examples.sources:
        fitting, misfits = examples.fits(source, ids)
        used = fitting > len(misfits)
        if misfits and (source in given or fitting >= len(misfits)):
            names = ", ".join(e.key for e in misfits[:5]) + (" …" if len(misfits) > 5 else "")
            problems.append(MapProblem(
                "warning", "examples-unknown-service", source,
                f"{len(misfits)} van {fitting + len(misfits)} sleutels passen bij geen "
                f"(actieve) dienst op de kaart ({names}); "
                + ("die voorbeeldvragen worden niet gebruikt" if used
                   else "het bestand wordt daarom niet gebruikt"),
                f"{len(misfits)} of {fitting + len(misfits)} keys fit no (active) "
                f"service on the map ({names}); "
                + ("those example questions are not used" if used
                   else "the file is therefore not used")))
        if not used:
            continue  # not used on this map: what it borrows does not matter here
        problems += _possible_names(examples, source, social_map)
        missing = list(dict.fromkeys(
            key for e in examples.entries if e.source == source for key in e.like
            if key not in keys))
        if missing:
            names = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            problems.append(MapProblem(
                "warning", "examples-like-unknown", source,
                f"{len(missing)} sleutel(s) onder 'like' staan in geen bestand met "
                f"voorbeeldvragen ({names}); geef ook het bestand of de map mee waar ze in "
                f"staan", f"{len(missing)} key(s) under 'like' are in no example file "
                f"({names}); also give the file or folder that has them"))
    return problems


def _possible_names(examples: ExampleSet, source: str,
                    social_map: SocialMap) -> list[MapProblem]:
    """Warnings for what may be a person's name in an example of ``source``:
    :func:`busbaan.privacy.untitled_names` refuses a file with a name it is sure of at
    parse time; :func:`busbaan.privacy.possible_names` finds two capitalised dictionary
    words inside a sentence ("Roos Visser") that the map does not use."""
    known = " | ".join(
        [f"{s.name} | {s.alternate_name}" for s in social_map.services]
        + [o.name for o in social_map.organizations.values()])
    out = []
    for entry in examples.entries:
        if entry.source != source:
            continue
        for number, text in enumerate(entry.examples, start=1):
            if possible_names(text, known):
                out.append(MapProblem(
                    "warning", "examples-possible-name",
                    f"{source}: services.{entry.key}[{number}]",
                    "twee woorden met een hoofdletter midden in de zin lijken een naam; "
                    "schrijf voorbeeldvragen zonder namen",
                    "two capitalised words inside the sentence look like a name; write "
                    "example questions without names"))
    return out


def coverage(examples: ExampleSet, social_map: SocialMap) -> tuple[int, int, int]:
    """(active services with examples, active services, distinct examples used) on this
    map."""
    ids = [s.id for s in social_map.services if s.active]
    found = examples.for_map(ids)
    return (sum(1 for i in ids if found.get(i)), len(ids),
            len({t for v in found.values() for t in v}))


#: A phrase's stems per word, its translation's stems, and whether the translation says
#: the same thing (:func:`.text.phrase_alternatives`).
Alternatives = tuple[tuple[frozenset[str], ...], frozenset[str], bool]


class ExampleIndex:
    """BM25 over example questions, aggregated per service (see the module docstring).

    ``per_service[d]`` holds the examples of the router's service number ``d``; an
    example shared by several services (a glob) is one document that votes for each.
    """

    def __init__(self, per_service: Sequence[Sequence[str]], analyzer: Analyzer,
                 apart: Callable[[str, Sequence[int]], Collection[int]] | None = None,
                 ) -> None:
        """``apart(text, owners)``: the words (indices into :func:`.text.words`) of an
        example whose stems are kept apart (:meth:`.text.Analyzer.terms`): they match
        only a question's stems that ask for them so (``Router._scores``: a service the
        example names as tried or over matches only a question that says so too)."""
        owners: dict[str, list[int]] = defaultdict(list)
        for doc, examples in enumerate(per_service):
            for example in examples:
                owners[example].append(doc)
        self._owners: tuple[tuple[int, ...], ...] = tuple(tuple(d) for d in owners.values())
        counts = [Counter(dict(_merge(analyzer.terms(
            text, apart(text, docs) if apart else ())))) for text, docs in owners.items()]
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
        # the same postings as a map per stem (example number -> value), and each
        # service's examples, for :meth:`scores` (perf17: it sums and picks a service's
        # best examples in C loops, not per example in Python)
        self._values: Mapping[str, dict[int, float]] = {
            s: dict(p) for s, p in self._postings.items()}
        examples_of: list[set[int]] = [set() for _ in per_service]
        for number, docs in enumerate(self._owners):
            for doc in docs:
                examples_of[doc].add(number)
        self._examples_of = tuple(frozenset(e) for e in examples_of)
        self._numbers = {text: number for number, text in enumerate(owners)}
        self.size = n

    def __contains__(self, stem: object) -> bool:
        return stem in self._postings or (
            isinstance(stem, str) and APART + stem in self._postings)

    def numbers(self, examples: Iterable[str]) -> frozenset[int]:
        """The numbers of the given example questions (for ``held`` in :meth:`votes`);
        a text that is no example here has none."""
        return frozenset(self._numbers[t] for t in examples if t in self._numbers)

    def uses(self, services: int) -> tuple[dict[str, dict[int, float]], list[float]]:
        """Per stem, in how many examples of each service (router document number) it
        occurs; and how many examples each of the ``services`` has. An example shared by
        several services counts for each."""
        per_stem: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for kept, postings in self._postings.items():
            stem = kept.removeprefix(APART)  # a word kept apart is the word all the same
            for number, _ in postings:
                for doc in self._owners[number]:
                    per_stem[stem][doc] += 1.0
        sizes = [0.0] * services
        for owners in self._owners:
            for doc in owners:
                sizes[doc] += 1.0
        return {stem: dict(v) for stem, v in per_stem.items()}, sizes

    def matches(self, query: Mapping[str, float], *,
                alternatives: Sequence[Alternatives] = (),
                ) -> tuple[dict[int, dict[str, float]], dict[int, list[tuple[float, int]]]]:
        """Per example (number): the stems it matched with what each earned; and per
        service (router document number): its matching examples as (score, number),
        unsorted. What :meth:`scores` votes with.
        ``alternatives``: a phrase's stems per word, its translation's (or related
        words') stems, and whether the translation says the same in the other language
        (:func:`.text.phrase_alternatives`). An example gets the phrase once, not the
        sum of both: its words (when translated, as one word: their mean) or its
        translation, whichever is more."""
        per_example: dict[int, float] = defaultdict(float)
        parts: dict[int, dict[str, float]] = defaultdict(dict)
        for stem, weight in query.items():
            for number, value in self._postings.get(stem, ()):
                per_example[number] += weight * value
                parts[number][stem] = weight * value
        for each, other, same in alternatives:
            for number, found in parts.items():
                per_example[number] -= _phrase_excess(found, each, other, same)
        best: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for number, value in per_example.items():
            for doc in self._owners[number]:
                best[doc].append((value, number))
        return parts, best

    def scores(
        self, query: Mapping[str, float], *, alternatives: Sequence[Alternatives] = (),
    ) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
        """Per service (router document number): the rank-weighted sum of its best
        examples' BM25 scores for the weighted query stems (:data:`TOP_K`, discounted by
        :data:`RANK_DECAY`); and per service the stems its best example matched, with
        what each earned there. ``alternatives``: see :meth:`matches`."""
        out, evidence, _ = self.votes(query, alternatives=alternatives, neighbours=0)
        return out, evidence

    def votes(
        self, query: Mapping[str, float], *, alternatives: Sequence[Alternatives] = (),
        neighbours: int = NEIGHBOURS,
        held: Mapping[int, tuple[frozenset[int], float]] | None = None,
        withheld: dict[int, tuple[float, float]] | None = None,
    ) -> tuple[dict[int, float], dict[int, dict[str, float]], dict[int, float]]:
        """:meth:`scores`, and per service its examples' share of the summed score of
        the question's ``neighbours`` best-matching examples over all services (an
        example shared by several services counts for each): how much of the question's
        neighbourhood among the example questions is that service's.
        ``held``: per service, example numbers and a share: they vote for it only when
        they hold at least that share of the neighbourhood (the question is told as they
        are); otherwise the service votes with its other examples.
        ``withheld``: filled, per service whose held examples did not vote, with the
        share of the neighbourhood they hold and the score its examples would have given
        it had they all voted."""
        per_example = self._per_example(query, alternatives)
        owners = self._owners
        # the services in the order their first matching example came (as matches)
        docs = dict.fromkeys(chain.from_iterable(map(owners.__getitem__, per_example)))
        matched = set(per_example)
        nearest = heapq.nlargest(neighbours, per_example.items(), key=itemgetter(1))
        total = sum(value for _, value in nearest)
        sums = {doc: sum(value for number, value in nearest if number in numbers)
                for doc, (numbers, _) in (held or {}).items()}
        shut = {doc: numbers for doc, (numbers, share) in (held or {}).items()
                if total <= 0.0 or sums[doc] < share * total}
        out: dict[int, float] = {}
        evidence: dict[int, dict[str, float]] = {}
        parts: dict[int, dict[str, float]] = {}
        for doc in docs:
            numbers = tuple(self._examples_of[doc] & matched if doc not in shut
                            else (self._examples_of[doc] & matched) - shut[doc])
            if withheld is not None and doc in shut:
                every = sorted(map(per_example.__getitem__, self._examples_of[doc] & matched),
                               reverse=True)[:TOP_K]
                withheld[doc] = (sums[doc] / total if total > 0.0 else 0.0,
                                 sum(v * w for v, w in zip(every, _RANKS, strict=False)))
            if not numbers:
                continue
            found = sorted(zip(map(per_example.__getitem__, numbers), numbers, strict=True),
                           reverse=True)[:TOP_K]
            out[doc] = sum(v * w for (v, _), w in zip(found, _RANKS, strict=False))
            top = found[0][1]
            if top not in parts:
                parts[top] = self._parts(query, top)
            evidence[doc] = parts[top]
        near: dict[int, float] = {}
        if total > 0.0:
            for number, value in nearest:
                for doc in owners[number]:
                    near[doc] = near.get(doc, 0.0) + value / total
        return out, evidence, near

    def _per_example(self, query: Mapping[str, float],
                     alternatives: Sequence[Alternatives]) -> dict[int, float]:
        """Per matched example number, its score for ``query``."""
        # What :meth:`matches` computes, without its dict of parts for every matched
        # example (a question matches about 1,700 of 6,500 examples, a service votes
        # with five): the same sums in the same order, so the same floats and the same
        # order of services (perf17; tests/routing/test_routing_expansion.py compares).
        per_example: dict[int, float] = {}
        values = self._values
        for stem, weight in query.items():
            postings = values.get(stem)
            if not postings:
                continue
            # weight * value per example, added to what the earlier stems gave it; the
            # examples new to this stem come last, in posting order (as matches adds)
            added = dict(zip(postings, map(add, repeat(0.0),
                                           map(mul, repeat(weight), postings.values())),
                             strict=True))
            for number in added.keys() & per_example.keys():
                added[number] = per_example[number] + weight * postings[number]
            per_example.update(added)
        if alternatives:
            self._alternatives_once(per_example, query, alternatives)
        return per_example

    def nearest(self, query: Mapping[str, float], *, alternatives: Sequence[Alternatives] = (),
                neighbours: int = NEIGHBOURS) -> list[tuple[int, float]]:
        """The question's ``neighbours`` best-matching example questions (number, score),
        best first: the neighbourhood :meth:`votes` weighs shares in."""
        return heapq.nlargest(neighbours, self._per_example(query, alternatives).items(),
                              key=itemgetter(1))

    def shared(self, query: Mapping[str, float], number: int) -> int:
        """How many of ``query``'s stems example ``number`` holds."""
        values = self._values
        return sum(1 for stem in query if stem in values and number in values[stem])

    def _parts(self, query: Mapping[str, float], number: int) -> dict[str, float]:
        """The stems example ``number`` matched, with what each earned (in the
        query's order: as :meth:`matches` builds them)."""
        values = self._values
        return {stem: weight * values[stem][number] for stem, weight in query.items()
                if stem in values and number in values[stem]}

    def _alternatives_once(self, per_example: dict[int, float], query: Mapping[str, float],
                           alternatives: Sequence[Alternatives]) -> None:
        """:meth:`matches`'s phrase rule on ``per_example``, for the examples that
        hold a stem of the phrase (for the others it changes nothing)."""
        values = self._values
        for each, other, same in alternatives:
            stems = {s for group in each for s in group} | other
            numbers = {number for s in stems if s in query and s in values
                       for number in values[s]}
            for number in per_example:
                if number not in numbers:
                    continue
                per_example[number] -= _phrase_excess(
                    self._parts(query, number), each, other, same)


def _phrase_excess(found: dict[str, float], each: tuple[frozenset[str], ...], other: frozenset[str],
                   same: bool) -> float:
    """What an example's matched ``found`` parts count too many for one phrase: the
    phrase counts once, as its words (a translated phrase as one word, their mean) or
    as its translation, whichever is more (0.0 when the example holds none of it)."""
    said = sum(sum(found.get(s, 0.0) for s in group) for group in each)
    translated = sum(found.get(s, 0.0) for s in other)
    if not said and not translated:
        return 0.0
    return said + translated - max(said / len(each) if same else said, translated)


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
    "configured",
    "coverage",
    "default_files",
    "load_examples",
    "parse_examples",
]
