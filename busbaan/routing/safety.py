"""Safety signals: acute risk described in everyday words (pure once loaded).

The signal families, their cues and their services live in a reviewed data file
(``busbaan/routing/safety_signals.yaml`` by default; a municipality can give its own).
It is parsed once into frozen objects; :func:`detect` then reads a question and says
which families it signals. The router puts the family's safety service first and
explains why (:mod:`.router`); it never answers a signalled question with ordinary
services only.

Cue matching is deliberately simple and explainable: folded words in order, at most
:data:`MAX_GAP` other words between two cue words, cancelled by a negation shortly
before the cue in the same clause ("geen geweld", "niet dakloos").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import simplemma
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from busbaan.routing.lexicon import fold
from busbaan.routing.model import MapProblem, SocialMap

DEFAULT_FILE = "safety_signals.yaml"
#: Other words allowed between two words of a cue.
MAX_GAP = 2
#: A negation this many words before a cue (same clause) cancels it.
NEGATION_REACH = 3
#: At most this many safety services are put first.
MAX_SAFETY_SERVICES = 2

#: Negations (Dutch, English); from any grammar of either language.
NEGATIONS = frozenset(
    [
        "geen",
        "niet",
        "nooit",
        "zonder",
        "niks",
        "niets",
        "nergens",
        "no",
        "not",
        "never",
        "without",
        "none",
        "nothing",
        "nt",
    ]
)
#: Words that open a new clause, ending a negation's reach.
CLAUSE_BREAKS = frozenset(["maar", "wel", "but", "however", "though", "alleen", "behalve"])
_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?()]")


class _Text(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _Family(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: _Text
    services: tuple[str, ...] = Field(min_length=1)
    why: _Text
    strong: tuple[str, ...] = ()
    all_of: tuple[tuple[tuple[str, ...], ...], ...] = ()
    person_min_age: int | None = Field(default=None, ge=0, le=120)

    @field_validator("strong")
    @classmethod
    def _cues(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cue in value:
            if not _words(cue):
                raise ValueError(f"cue {cue!r} has no words")
        return value

    @field_validator("all_of")
    @classmethod
    def _rules(
        cls, value: tuple[tuple[tuple[str, ...], ...], ...]
    ) -> tuple[tuple[tuple[str, ...], ...], ...]:
        for n, rule in enumerate(value, start=1):
            if len(rule) < 2:
                raise ValueError(f"rule {n} needs at least two groups (else use 'strong')")
            for group in rule:
                if not group:
                    raise ValueError(f"rule {n} has an empty group")
                for cue in group:
                    if not _words(str(cue)):
                        raise ValueError(f"rule {n}: cue {cue!r} has no words")
        return value


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: str = Field(min_length=1)
    families: tuple[_Family, ...] = Field(min_length=1)


def _words(text: str) -> tuple[str, ...]:
    return tuple(lemma(t) for t in _TOKEN.findall(fold(str(text))) if t[0].isalnum())


@functools.lru_cache(maxsize=20_000)
def lemma(word: str) -> str:
    """The word's Dutch lemma (simplemma), so that a cue matches every form of its
    words: 'slaat', 'sloeg', 'geslagen' -> 'slaan'. Negations stay as they are."""
    if word in NEGATIONS or not word.isalpha() or len(word) < 4:
        return word
    found = simplemma.lemmatize(word, lang="nl")
    return fold(found) if found and found.isalpha() else word


@dataclass(frozen=True, slots=True)
class Family:
    """One signal family: its cues (as folded word tuples) and its services."""

    id: str
    name_nl: str
    name_en: str
    services: tuple[str, ...]
    why_nl: str
    why_en: str
    strong: tuple[tuple[str, ...], ...]
    all_of: tuple[tuple[tuple[tuple[str, ...], ...], ...], ...]
    person_min_age: int | None = None

    def why(self, lang: str) -> str:
        return self.why_en if lang == "en" else self.why_nl

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nl


@dataclass(frozen=True, slots=True)
class SafetySignals:
    """The parsed data file."""

    version: str
    source: str
    families: tuple[Family, ...]

    def family(self, family_id: str) -> Family | None:
        return next((f for f in self.families if f.id == family_id), None)


@dataclass(frozen=True, slots=True)
class Signal:
    """A family a question signals, and the cue that showed it (folded words)."""

    family: Family
    cue: str


class SafetyFileError(ValueError):
    """The safety file cannot be used; ``problems`` names each one as ``where: what``."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = tuple(problems)


def default_path() -> Path:
    return Path(str(resources.files("busbaan.routing").joinpath(DEFAULT_FILE)))


def parse_signals(raw: object, source: str) -> SafetySignals:
    """Parse the file's YAML data; :class:`SafetyFileError` names every problem."""
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(err["loc"]) for err in errors]
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err, loc in zip(errors, locs, strict=True)
            # a list that is only "too short" because its items failed says nothing more
            if not (
                err["type"] == "too_short"
                and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs)
            )
        ]
        raise SafetyFileError(source, problems) from None
    seen: set[str] = set()
    dupes = [f.id for f in parsed.families if f.id in seen or seen.add(f.id)]  # type: ignore[func-returns-value]
    if dupes:
        raise SafetyFileError(source, [f"families: '{d}' appears twice" for d in dupes])
    families = tuple(
        Family(
            id=f.id,
            name_nl=f.name.nl,
            name_en=f.name.en,
            services=f.services,
            why_nl=f.why.nl,
            why_en=f.why.en,
            strong=tuple(_words(c) for c in f.strong),
            all_of=tuple(
                tuple(tuple(_words(str(c)) for c in group) for group in rule) for rule in f.all_of
            ),
            person_min_age=f.person_min_age,
        )
        for f in parsed.families
    )
    return SafetySignals(version=parsed.version, source=source, families=families)


def load_signals(path: str | Path | None = None) -> SafetySignals:
    """Read and parse a safety file (default: the one shipped with busbaan)."""
    file = Path(path) if path is not None else default_path()
    try:
        raw: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SafetyFileError(str(file), ["file not found"]) from None
    except (OSError, ValueError, OverflowError, RecursionError, yaml.YAMLError) as exc:
        raise SafetyFileError(str(file), [f"cannot read: {exc.__class__.__name__}"]) from None
    return parse_signals(raw, str(file))


def check_against_map(signals: SafetySignals, social_map: SocialMap) -> list[MapProblem]:
    """Problems of a safety file with one map: a family none of whose services is on it
    (an error: that signal would get no safety service), unknown ids (a warning)."""
    problems: list[MapProblem] = []
    known = {s.id for s in social_map.services if s.active}
    for family in signals.families:
        present = [s for s in family.services if s in known]
        where = f"{signals.source}: {family.id}"
        if not present:
            problems.append(
                MapProblem(
                    "error",
                    "safety-no-service",
                    where,
                    "geen van de diensten staat (actief) op de kaart: "
                    + ", ".join(family.services),
                    "none of the services is (active) on the map: " + ", ".join(family.services),
                )
            )
    return problems


# --------------------------------------------------------------------------- detection


def tokens(text: str) -> list[str]:
    """Folded, lemmatised words and clause punctuation of ``text``."""
    return [lemma(t) if t[0].isalnum() else t for t in _TOKEN.findall(fold(text))]


def _find(cue: tuple[str, ...], toks: Sequence[str]) -> Iterable[int]:
    """Start positions where ``cue`` occurs in ``toks`` (words in order, small gaps)."""
    first = cue[0]
    for start, tok in enumerate(toks):
        if tok != first:
            continue
        pos, ok = start, True
        for word in cue[1:]:
            for step in range(1, MAX_GAP + 2):
                nxt = pos + step
                if nxt >= len(toks) or not toks[nxt][0].isalnum():
                    ok = False
                    break
                if toks[nxt] == word:
                    pos = nxt
                    break
            else:
                ok = False
            if not ok:
                break
        if ok:
            yield start


def _negated(cue: tuple[str, ...], toks: Sequence[str], start: int) -> bool:
    if any(w in NEGATIONS for w in cue):
        return False
    for i in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        tok = toks[i]
        if not tok[0].isalnum() or tok in CLAUSE_BREAKS:
            return False
        if tok in NEGATIONS:
            return True
    return False


def _matches(cue: tuple[str, ...], toks: Sequence[str]) -> bool:
    return any(not _negated(cue, toks, start) for start in _find(cue, toks))


def detect(signals: SafetySignals, question: str, age: int | None = None) -> tuple[Signal, ...]:
    """The families ``question`` signals, in the file's order (pure). ``age`` is the
    person's age when known (see ``person_min_age``)."""
    toks = tokens(question)
    found: list[Signal] = []
    for family in signals.families:
        cue = next((c for c in family.strong if _matches(c, toks)), None)
        old = family.person_min_age is not None and age is not None and age >= family.person_min_age
        if cue is None:
            for rule in family.all_of:
                hits = [
                    (f"age>={family.person_min_age}",)
                    if n == 0 and old
                    else next((c for c in group if _matches(c, toks)), None)
                    for n, group in enumerate(rule)
                ]
                if all(h is not None for h in hits):
                    cue = tuple(w for h in hits if h is not None for w in (*h, "+"))[:-1]
                    break
        if cue is not None:
            found.append(Signal(family, " ".join(cue)))
    return tuple(found)


def signal_json(signal: Signal, service_id: str | None, lang: str) -> Mapping[str, object]:
    """A signal as the contract's ``safety`` item."""
    return {"signal": signal.family.id, "service_id": service_id, "why": signal.family.why(lang)}


__all__ = [
    "Family",
    "SafetyFileError",
    "SafetySignals",
    "Signal",
    "check_against_map",
    "default_path",
    "detect",
    "load_signals",
    "parse_signals",
    "signal_json",
]
