"""The social map as frozen objects (pure; built by :mod:`busbaan.routing.hsds`).

Only what routing and the wegwijzer need from an Open Referral HSDS 3.0 map is kept:
who offers which service, for whom (age, service area, eligibility text), under which
taxonomy terms, and how to reach the team (its Matrix intake room, else phone/e-mail).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class MapProblem:
    """One thing wrong with a social map, named by where it is and what it is."""

    severity: Severity
    code: str
    where: str
    nl: str
    en: str

    def message(self, lang: str = "nl") -> str:
        """``where: what`` in the user's language (Dutch by default)."""
        return f"{self.where}: {self.en if lang == 'en' else self.nl}"


@dataclass(frozen=True, slots=True)
class Organization:
    id: str
    name: str
    alternate_name: str = ""
    description: str = ""
    email: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class TaxonomyTerm:
    id: str
    name: str
    code: str = ""
    description: str = ""
    taxonomy: str = ""
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceArea:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    description: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    organization_id: str
    name: str
    status: str = "active"
    alternate_name: str = ""
    description: str = ""
    eligibility: str = ""
    application_process: str = ""
    fees: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    areas: tuple[ServiceArea, ...] = ()
    taxonomy_term_ids: tuple[str, ...] = ()
    location_ids: tuple[str, ...] = ()
    matrix_room: str | None = None
    #: The team's target for a first answer in a lane (``x_response_target_minutes``).
    response_target_minutes: int | None = None
    email: str = ""
    url: str = ""
    phones: tuple[str, ...] = ()
    contact_names: tuple[str, ...] = ()
    #: A human triage desk (``x_triage``): where the wegwijzer offers a lane when it is
    #: not sure (``!baan mens``); per stadsdeel, or a general one without an area.
    triage: bool = False

    @property
    def active(self) -> bool:
        return self.status == "active"

    def admits_age(self, age: int) -> bool:
        """True when ``age`` lies within the service's minimum and maximum age."""
        if self.minimum_age is not None and age < self.minimum_age:
            return False
        return not (self.maximum_age is not None and age > self.maximum_age)

    def age_range(self, lang: str = "nl") -> str:
        """The age limits as a short phrase ('18+', '18–22 jaar', 't/m 22 jaar', '';
        English: '18–22', 'up to 22')."""
        lo, hi = self.minimum_age, self.maximum_age
        en = lang == "en"
        if lo is None and hi is None:
            return ""
        if hi is None:
            return f"{lo}+"
        if lo is None:
            return f"up to {hi}" if en else f"t/m {hi} jaar"
        return f"{lo}–{hi}" if en else f"{lo}–{hi} jaar"


@dataclass(frozen=True, slots=True)
class SocialMap:
    """A validated social map. ``warnings`` are problems that did not stop loading."""

    source: str
    organizations: Mapping[str, Organization]
    services: tuple[Service, ...]
    locations: Mapping[str, Location] = field(default_factory=dict)
    taxonomy_terms: Mapping[str, TaxonomyTerm] = field(default_factory=dict)
    warnings: tuple[MapProblem, ...] = ()

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def suggest(self, typed: str, limit: int = 3) -> list[str]:
        """Service ids a professional may have meant by ``typed`` (an id with a typo, or
        a word of a service's name: '!fout voedselbank'): services whose id, name or
        alternate name contains it first, then ids that are spelt nearly alike. A word
        that resembles no id gets nothing ('bestaatniet' is not 'bijstand')."""
        word = typed.casefold().strip()
        if len(word) < 3:
            return []
        found = [s.id for s in self.services
                 if word in s.id.casefold() or word in s.name.casefold()
                 or word in s.alternate_name.casefold()]
        if not found:
            found = difflib.get_close_matches(word, [s.id for s in self.services], n=limit,
                                              cutoff=0.75)
        return found[:limit]

    def organization_of(self, service: Service) -> Organization:
        return self.organizations[service.organization_id]
