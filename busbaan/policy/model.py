"""The policy as frozen objects (pure; built by :mod:`busbaan.policy.loader`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SpecialKind = Literal["art9", "art10"]
BasisKind = Literal["consent", "legal_obligation", "public_task", "art9"]
ANY = "*"


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    break_glass: bool = False
    privacy_officer: bool = False
    #: How citizens reach whoever holds this role: a privacy officer role only (the
    #: citizen page's footer names it; the loader allows one in the whole policy).
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    kind: str
    public_task: bool
    homeservers: tuple[str, ...]
    roles: tuple[Role, ...]
    default_role: str | None = None
    #: How citizens reach this organisation (a phone number, e-mail or web address):
    #: the citizen page shows it when the regie gave no ``bereikbaar=`` of their own.
    contact: str | None = None

    def role(self, role_id: str) -> Role | None:
        for r in self.roles:  # a handful of roles: a loop beats a dict (and a generator)
            if r.id == role_id:
                return r
        return None


@dataclass(frozen=True, slots=True)
class DataCategory:
    id: str
    name: str
    special: SpecialKind | None = None


@dataclass(frozen=True, slots=True)
class LegalBasis:
    id: str
    name: str
    article: str
    kind: BasisKind
    law: str | None = None
    dpv: str | None = None

    @property
    def is_art9(self) -> bool:
        return self.kind == "art9"


@dataclass(frozen=True, slots=True)
class LawfulRule:
    """A legal basis that lets these organisations process these categories."""

    id: str
    legal_basis: str
    organisations: frozenset[str]
    categories: frozenset[str]

    def covers(self, organisation: str, category: str) -> bool:
        return (ANY in self.organisations or organisation in self.organisations) and (
            category in self.categories
        )


@dataclass(frozen=True, slots=True)
class TemplateGrant:
    organisation: str
    categories: tuple[str, ...]
    legal_bases: tuple[str, ...]
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentTemplate:
    id: str
    name: str
    duration_days: int
    grants: tuple[TemplateGrant, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    consent_max_days: int = 365
    consent_default_days: int = 180
    audit_log_years: int = 5
    case_years: int = 15
    sideline_days: int = 14
    remind_after_working_days: int = 1
    expire_after_working_days: int = 5
    break_glass_hours: int = 24
    break_glass_min_reason_chars: int = 20
    #: Private case labels (issue 13): their length, and what a label that seems to hold
    #: personal data gets: "refuse", or "private" (kept only in the professional's own
    #: account data, with a warning). A BSN is always refused.
    label_max_chars: int = 80
    label_personal_data: str = "private"


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything busbaan decides by, loaded and validated from ``policies/``."""

    version: str  # sha256 of the files, for records
    organisations: tuple[Organisation, ...]
    categories: tuple[DataCategory, ...]
    legal_bases: tuple[LegalBasis, ...]
    rules: tuple[LawfulRule, ...]
    templates: tuple[ConsentTemplate, ...]
    limits: Limits = field(default_factory=Limits)

    # Lookups, derived once from the tuples above (which stay the truth).
    _by_id: Mapping[str, Mapping[str, Any]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        runs: dict[str, list[Organisation]] = {}
        for o in self.organisations:
            for server in dict.fromkeys(o.homeservers):
                runs.setdefault(server, []).append(o)
        object.__setattr__(
            self,
            "_by_id",
            {
                "organisation": {o.id: o for o in self.organisations},
                "category": {c.id: c for c in self.categories},
                "legal_basis": {b.id: b for b in self.legal_bases},
                "template": {t.id: t for t in self.templates},
                # server name -> the one organisation that runs it (shared servers: none)
                "server": {h: orgs[0] for h, orgs in runs.items() if len(orgs) == 1},
            },
        )

    def organisation(self, org_id: str) -> Organisation | None:
        found: Organisation | None = self._by_id["organisation"].get(org_id)
        return found

    def category(self, cat_id: str) -> DataCategory | None:
        found: DataCategory | None = self._by_id["category"].get(cat_id)
        return found

    def legal_basis(self, basis_id: str) -> LegalBasis | None:
        found: LegalBasis | None = self._by_id["legal_basis"].get(basis_id)
        return found

    def template(self, template_id: str) -> ConsentTemplate | None:
        found: ConsentTemplate | None = self._by_id["template"].get(template_id)
        return found

    def organisation_for_server(self, server_name: str) -> Organisation | None:
        """The one organisation that runs ``server_name``, if exactly one does."""
        found: Organisation | None = self._by_id["server"].get(server_name)
        return found

    def privacy_contact(self) -> str | None:
        """How citizens reach the privacy officer: the contact of the one privacy
        officer role that has one (the loader refuses a second), else None."""
        return next((r.contact for o in self.organisations for r in o.roles
                     if r.privacy_officer and r.contact), None)

    def privacy_officer_roles(self) -> frozenset[tuple[str, str]]:
        """(organisation, role) pairs that may use the privacy officer's workbench."""
        return frozenset(
            (o.id, r.id) for o in self.organisations for r in o.roles if r.privacy_officer
        )
