"""The privacy officer's reports, built from logged entries (pure, apart from reading
``policies/`` for the processing register).

- :func:`citizen_report`: for one case, who did what, when, on which ground, with which
  checks, and whether the emergency key was used (AVG art. 15; NEN 7513's per-client
  question).
- :func:`professional_report`: what one professional did, and what was done to them.
- :func:`consent_events`: consents given, withdrawn, expired (streamed).
- :class:`ExceptionSummary` / :func:`is_exception`: refusals, failures, break-glass.
- :func:`processing_register`: the AVG art. 30 register, generated from ``policies/``.

Every function takes an iterable of :class:`~busbaan.audit.storage.LoggedEntry` and
works in one pass; renderers return lines of text in Dutch or English.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from busbaan.audit.reading import grant_recipient
from busbaan.audit.storage import LoggedEntry
from busbaan.citizen import DATA_SUBJECT
from busbaan.errors import UsageError

__all__ = [
    "CitizenReport",
    "ExceptionSummary",
    "ProfessionalReport",
    "Register",
    "citizen_report",
    "consent_events",
    "entry_row",
    "is_exception",
    "processing_register",
    "professional_report",
    "render_citizen",
    "render_exceptions",
    "render_professional",
    "render_register",
]

_EMERGENCY_VALUES = frozenset({"yes", "true", "used", "ja"})


def _t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def emergency_used(item: LoggedEntry) -> bool:
    """Whether the entry records use of the emergency key (break-glass, "noodknop")."""
    e = item.entry
    return e.event_code.startswith("breakglass.") or (
        e.checks.get("emergency", "").lower() in _EMERGENCY_VALUES
    )


def is_exception(item: LoggedEntry) -> bool:
    """Refusals, failures and every use of the emergency key."""
    return item.entry.outcome in ("refused", "failed") or emergency_used(item)


def entry_row(item: LoggedEntry) -> dict[str, Any]:
    """One entry as a flat JSON object (for exports and JSON reports); no personal details."""
    e = item.entry
    return {"index": item.index, "leaf_hash": item.leaf_hash.hex(), **e.to_json()}


# --------------------------------------------------------------------------- citizen


@dataclass(frozen=True, slots=True)
class CitizenReport:
    """Everything the log holds about one (pseudonymous) case, in log order.

    ``organisations``, ``professionals``, ``data_categories`` and ``legal_bases`` are
    what was processed: named by an entry that was not refused. A refused attempt
    processed nothing, so what only refused attempts name is kept apart, in the
    ``refused_*`` fields (outside18: a refused grant for health data read as if health
    data had been processed)."""

    case_id: str
    items: tuple[LoggedEntry, ...]
    organisations: tuple[str, ...]
    professionals: tuple[str, ...]
    data_categories: tuple[str, ...]
    legal_bases: tuple[str, ...]
    emergency_uses: int
    refusals: int
    erased: bool
    #: What the citizen did themselves on "Mijn hulpvraag" (issue 10).
    subject_views: int = 0
    subject_decisions: int = 0
    #: Named only by refused attempts: nothing was processed for them.
    refused_organisations: tuple[str, ...] = ()
    refused_professionals: tuple[str, ...] = ()
    refused_data_categories: tuple[str, ...] = ()
    refused_legal_bases: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "data_subject": {"views": self.subject_views, "decisions": self.subject_decisions},
            "organisations": list(self.organisations),
            "professionals": list(self.professionals),
            "data_categories": list(self.data_categories),
            "legal_bases": list(self.legal_bases),
            "refused_only": {"organisations": list(self.refused_organisations),
                             "professionals": list(self.refused_professionals),
                             "data_categories": list(self.refused_data_categories),
                             "legal_bases": list(self.refused_legal_bases)},
            "emergency_uses": self.emergency_uses,
            "refusals": self.refusals,
            "details_erased": self.erased,
            "entries": [
                {**entry_row(i), "personal_status": i.personal_status,
                 "personal": dict(i.personal) if i.personal is not None else None}
                for i in self.items
            ],
        }


@dataclass(frozen=True, slots=True)
class _Named:
    """The organisations, professionals, data categories and legal bases some entries
    name."""

    organisations: frozenset[str]
    professionals: frozenset[str]
    data_categories: frozenset[str]
    legal_bases: frozenset[str]

    @classmethod
    def of(cls, items: Iterable[LoggedEntry]) -> _Named:
        entries = [i.entry for i in items]
        return cls(
            organisations=frozenset(e.organisation for e in entries if e.organisation),
            professionals=frozenset(u for e in entries
                                    for u in (e.user_id, e.responsible_user, e.subject_user)
                                    if u and u != DATA_SUBJECT),
            data_categories=frozenset(c for e in entries for c in e.data_categories),
            legal_bases=frozenset(b for e in entries for b in e.legal_bases))


def citizen_report(case_id: str, items: Iterable[LoggedEntry]) -> CitizenReport:
    """The art. 15 report for ``case_id`` from its entries (opened with their details)."""
    kept = tuple(i for i in items if i.entry.case_id == case_id)
    processed = _Named.of(i for i in kept if i.entry.outcome != "refused")
    refused = _Named.of(i for i in kept if i.entry.outcome == "refused")
    by_subject = [i for i in kept if i.entry.user_id == DATA_SUBJECT]
    return CitizenReport(
        case_id=case_id,
        items=kept,
        organisations=tuple(sorted(processed.organisations)),
        professionals=tuple(sorted(processed.professionals)),
        data_categories=tuple(sorted(processed.data_categories)),
        legal_bases=tuple(sorted(processed.legal_bases)),
        emergency_uses=sum(1 for i in kept if emergency_used(i)),
        refusals=sum(1 for i in kept if i.entry.outcome == "refused"),
        erased=any(i.personal_status == "erased" for i in kept),
        subject_views=sum(1 for i in by_subject if i.entry.action == "R"),
        subject_decisions=sum(1 for i in by_subject
                              if i.entry.event_code.startswith("consent.")
                              and i.entry.outcome == "done"),
        refused_organisations=tuple(sorted(refused.organisations - processed.organisations)),
        refused_professionals=tuple(sorted(refused.professionals - processed.professionals)),
        refused_data_categories=tuple(sorted(refused.data_categories
                                             - processed.data_categories)),
        refused_legal_bases=tuple(sorted(refused.legal_bases - processed.legal_bases)),
    )


def _when(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _line(item: LoggedEntry, lang: str) -> str:
    e = item.entry
    who = e.user_id or "-"
    if e.user_role:
        who += f" ({e.user_role}"
        who += f", {e.organisation})" if e.organisation else ")"
    elif e.organisation:
        who += f" ({e.organisation})"
    parts = [f"#{item.index}", _when(e.occurred_at), e.event_code, f"[{e.action}]",
             e.outcome, who]
    if e.responsible_user:
        parts.append(_t(lang, "namens ", "on behalf of ") + e.responsible_user)
    if e.subject_user:
        parts.append(_t(lang, "betreft ", "concerning ") + e.subject_user)
    if e.data_categories:
        parts.append(_t(lang, "gegevens: ", "data: ") + ", ".join(e.data_categories))
    if e.legal_bases:
        parts.append(_t(lang, "grondslag: ", "legal basis: ") + ", ".join(e.legal_bases))
    if e.grant_id:
        parts.append(_t(lang, "toestemming ", "grant ") + e.grant_id)
    if e.checks:
        parts.append(_t(lang, "controles: ", "checks: ")
                     + ", ".join(f"{k}={v}" for k, v in e.checks.items()))
    if e.reason_code:
        parts.append(_t(lang, "reden: ", "reason: ") + e.reason_code)
    if emergency_used(item):
        parts.append(_t(lang, "NOODTOEGANG", "EMERGENCY ACCESS"))
    return "  ".join(parts)


def _personal(item: LoggedEntry, lang: str) -> str | None:
    if item.personal_status == "open" and item.personal is not None:
        shown = "; ".join(f"{k}: {v}" for k, v in sorted(item.personal.items()))
        return "      " + _t(lang, "details: ", "details: ") + shown
    if item.personal_status == "erased":
        return "      " + _t(lang, "details: [gewist op verzoek, AVG art. 17]",
                                 "details: [erased on request, GDPR art. 17]")
    if item.personal_status == "sealed":
        return "      " + _t(lang, "details: [versleuteld]", "details: [sealed]")
    return None


def render_citizen(report: CitizenReport, lang: str = "nl") -> Iterator[str]:
    """The citizen report as text lines."""
    yield _t(lang, f"Inzageoverzicht casus {report.case_id} (AVG art. 15)",
             f"Access report for case {report.case_id} (GDPR art. 15)")
    if not report.items:
        yield _t(lang, "Geen regels in het auditlog voor deze casus.",
                 "No audit entries for this case.")
        return
    for nl, en, processed, refused in (
        ("Organisaties", "Organisations", report.organisations,
         report.refused_organisations),
        ("Professionals", "Professionals", report.professionals,
         report.refused_professionals),
        ("Gegevenscategorieën", "Data categories", report.data_categories,
         report.refused_data_categories),
        ("Grondslagen", "Legal bases", report.legal_bases, report.refused_legal_bases),
    ):
        yield _t(lang, nl, en) + ": " + (", ".join(processed) or "-")
        if refused:  # its own line: a refused attempt processed nothing
            yield "  " + _t(lang, "geweigerd, niet verwerkt: ",
                            "refused, not processed: ") + ", ".join(refused)
    yield _t(lang, f"Noodtoegang gebruikt: {report.emergency_uses} keer; geweigerd: "
                   f"{report.refusals} keer.",
             f"Emergency access used: {report.emergency_uses} times; refused: "
             f"{report.refusals} times.")
    yield _t(lang, f"Door de betrokkene zelf: {report.subject_views} keer bekeken, "
                   f"{report.subject_decisions} beslissingen over toestemming.",
             f"By the data subject: viewed {report.subject_views} times, "
             f"{report.subject_decisions} decisions about consent.")
    yield ""
    for item in report.items:
        yield _line(item, lang)
        personal = _personal(item, lang)
        if personal:
            yield personal


# --------------------------------------------------------------------------- professional


@dataclass(frozen=True, slots=True)
class ProfessionalReport:
    """What one professional did (as actor or on someone's behalf) and underwent."""

    user_id: str
    items: tuple[LoggedEntry, ...]
    cases: tuple[str, ...]
    as_actor: int
    on_behalf: int
    as_subject: int

    def as_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "cases": list(self.cases),
            "as_actor": self.as_actor,
            "on_behalf": self.on_behalf,
            "as_subject": self.as_subject,
            "entries": [entry_row(i) for i in self.items],
        }


def professional_report(user_id: str, items: Iterable[LoggedEntry]) -> ProfessionalReport:
    """The per-professional report (NEN 7513: per employee, what they accessed)."""
    kept = tuple(i for i in items if user_id in (
        i.entry.user_id, i.entry.responsible_user, i.entry.subject_user))
    return ProfessionalReport(
        user_id=user_id,
        items=kept,
        cases=tuple(sorted({i.entry.case_id for i in kept if i.entry.case_id})),
        as_actor=sum(1 for i in kept if i.entry.user_id == user_id),
        on_behalf=sum(1 for i in kept if i.entry.responsible_user == user_id),
        as_subject=sum(1 for i in kept if i.entry.subject_user == user_id),
    )


def render_professional(report: ProfessionalReport, lang: str = "nl") -> Iterator[str]:
    yield _t(lang, f"Overzicht professional {report.user_id}",
             f"Report for professional {report.user_id}")
    yield _t(lang, f"Zelf gedaan: {report.as_actor}; namens: {report.on_behalf}; "
                   f"betrokken als lid/genodigde: {report.as_subject}.",
             f"Acted: {report.as_actor}; on behalf: {report.on_behalf}; "
             f"as member/invitee: {report.as_subject}.")
    yield _t(lang, "Casussen: ", "Cases: ") + (", ".join(report.cases) or "-")
    yield ""
    for item in report.items:
        yield _line(item, lang)


# --------------------------------------------------------------------------- consents


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """A consent given, withdrawn or expired."""

    index: int
    when: dt.datetime
    event_code: str
    case_id: str | None
    grant_id: str | None
    organisation: str | None
    data_categories: tuple[str, ...]
    legal_bases: tuple[str, ...]
    by: str | None
    outcome: str

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "occurred_at": self.when.isoformat().replace("+00:00", "Z"),
            "event_code": self.event_code,
            "case_id": self.case_id,
            "grant_id": self.grant_id,
            "organisation": self.organisation,
            "data_categories": list(self.data_categories),
            "legal_bases": list(self.legal_bases),
            "by": self.by,
            "outcome": self.outcome,
        }

    def line(self, lang: str = "nl") -> str:
        verb = {
            "consent.granted": _t(lang, "gegeven", "granted"),
            "consent.withdrawn": _t(lang, "ingetrokken", "withdrawn"),
            "consent.expired": _t(lang, "verlopen", "expired"),
            "consent.proposed": _t(lang, "voorgesteld aan de betrokkene", "proposed to the "
                                   "data subject"),
            "consent.refused": _t(lang, "geweigerd door de betrokkene", "refused by the "
                                  "data subject"),
            "consent.receipt_issued": _t(lang, "ontvangstbewijs gegeven", "receipt issued"),
        }.get(self.event_code, self.event_code)
        return "  ".join([
            f"#{self.index}", _when(self.when), self.case_id or "-", verb,
            self.grant_id or "-", self.organisation or "-",
            ",".join(self.data_categories) or "-", ",".join(self.legal_bases) or "-",
            _t(lang, "door ", "by ") + (self.by or "-"),
        ])


def consent_events(items: Iterable[LoggedEntry]) -> Iterator[ConsentEvent]:
    """Consent history, streamed: every ``consent.*`` entry."""
    for item in items:
        e = item.entry
        if not e.event_code.startswith("consent."):
            continue
        yield ConsentEvent(item.index, e.occurred_at, e.event_code, e.case_id, e.grant_id,
                           grant_recipient(e),
                           e.data_categories, e.legal_bases, e.user_id, e.outcome)


# --------------------------------------------------------------------------- exceptions


@dataclass
class ExceptionSummary:
    """Counts of exceptions, filled while the exceptions stream past."""

    total: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_organisation: Counter[str] = field(default_factory=Counter)
    by_reason: Counter[str] = field(default_factory=Counter)
    by_week: Counter[str] = field(default_factory=Counter)

    def add(self, item: LoggedEntry) -> None:
        e = item.entry
        kind = "breakglass" if emergency_used(item) else e.outcome
        self.total += 1
        self.by_kind[kind] += 1
        self.by_organisation[e.organisation or "-"] += 1
        self.by_reason[e.reason_code or "-"] += 1
        year, week, _ = e.occurred_at.isocalendar()
        self.by_week[f"{year}-W{week:02d}"] += 1

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "by_kind": dict(self.by_kind),
                "by_organisation": dict(self.by_organisation),
                "by_reason": dict(self.by_reason), "by_week": dict(sorted(self.by_week.items()))}


def render_exceptions(
    items: Iterable[LoggedEntry], summary: ExceptionSummary, lang: str = "nl"
) -> Iterator[str]:
    """Exception lines, streamed, then the summary (``summary`` is filled on the way)."""
    yield _t(lang, "Uitzonderingen: weigeringen, fouten en noodtoegang",
             "Exceptions: refusals, failures and emergency access")
    for item in items:
        if not is_exception(item):
            continue
        summary.add(item)
        yield _line(item, lang)
    yield ""
    yield _t(lang, f"Totaal: {summary.total}", f"Total: {summary.total}")
    for title_nl, title_en, counter in (
        ("Per soort", "By kind", summary.by_kind),
        ("Per organisatie", "By organisation", summary.by_organisation),
        ("Per reden", "By reason", summary.by_reason),
        ("Per week", "By week", summary.by_week),
    ):
        if counter:
            yield _t(lang, title_nl, title_en) + ": " + ", ".join(
                f"{k} {v}" for k, v in sorted(counter.items()))


# --------------------------------------------------------------------------- register


@dataclass(frozen=True, slots=True)
class Activity:
    """One processing activity: an organisation processing categories on a basis."""

    legal_basis: str
    basis_name: str
    article: str
    law: str | None
    categories: tuple[str, ...]
    special: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ControllerEntry:
    """The register's part for one organisation (controller)."""

    organisation: str
    name: str
    kind: str | None
    public_task: bool | None
    activities: tuple[Activity, ...]
    recipients: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Register:
    """The AVG art. 30 processing register derived from the policies."""

    source: str
    controllers: tuple[ControllerEntry, ...]
    category_names: Mapping[str, str]
    retention: Mapping[str, Any]
    missing: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "retention": dict(self.retention),
            "missing_files": list(self.missing),
            "controllers": [
                {"organisation": c.organisation, "name": c.name, "kind": c.kind,
                 "public_task": c.public_task, "recipients": list(c.recipients),
                 "activities": [
                     {"legal_basis": a.legal_basis, "name": a.basis_name,
                      "article": a.article, "law": a.law, "categories": list(a.categories),
                      "special_categories": list(a.special)}
                     for a in c.activities]}
                for c in self.controllers
            ],
        }


def _load_yaml(directory: Path, name: str, missing: list[str]) -> Any:
    path = directory / name
    if not path.is_file():
        missing.append(name)
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"{path}: geen geldige YAML ({type(exc).__name__}).",
            f"{path}: not valid YAML ({type(exc).__name__}).",
            errcode="BB_POLICY_YAML",
        ) from exc


def _records(doc: Any, key: str, path: str) -> list[dict[str, Any]]:
    """The list of mappings under ``key`` (each must have an ``id``)."""
    if doc is None:
        return []
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise UsageError(
            f"{path}: verwacht een lijst '{key}'.", f"{path}: expected a list '{key}'.",
            errcode="BB_POLICY_YAML",
        )
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise UsageError(
                f"{path}: '{key}' nummer {n} heeft geen 'id'.",
                f"{path}: '{key}' number {n} has no 'id'.",
                errcode="BB_POLICY_YAML",
            )
        out.append(item)
    return out


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def processing_register(policies: str | Path) -> Register:
    """Read ``organisations``, ``categories``, ``legal_bases``, ``lawful`` and ``limits``
    YAML from ``policies`` and derive the register. Missing files leave their part
    empty (and are named); malformed ones raise :class:`UsageError` naming the file."""
    directory = Path(policies)
    if not directory.is_dir():
        raise UsageError(
            f"Map met beleid {directory} bestaat niet.",
            f"Policy directory {directory} does not exist.",
            errcode="BB_POLICY_DIR",
        )
    missing: list[str] = []
    orgs = _records(_load_yaml(directory, "organisations.yaml", missing), "organisations",
                    "organisations.yaml")
    cats = _records(_load_yaml(directory, "categories.yaml", missing), "categories",
                    "categories.yaml")
    bases = _records(_load_yaml(directory, "legal_bases.yaml", missing), "legal_bases",
                     "legal_bases.yaml")
    rules = _records(_load_yaml(directory, "lawful.yaml", missing), "rules", "lawful.yaml")
    limits = _load_yaml(directory, "limits.yaml", missing)

    category_names = {c["id"]: str(c.get("name", c["id"])) for c in cats}
    special = {c["id"] for c in cats if c.get("special")}
    basis = {b["id"]: b for b in bases}
    controllers = []
    for org in orgs:
        activities = []
        for rule in rules:
            applies = _strings(rule.get("organisations"))
            if "*" not in applies and org["id"] not in applies:
                continue
            b_id = str(rule.get("legal_basis", rule["id"]))
            b = basis.get(b_id, {})
            rule_cats = _strings(rule.get("categories"))
            activities.append(Activity(
                legal_basis=b_id,
                basis_name=str(b.get("name", b_id)),
                article=str(b.get("article", "")),
                law=str(b["law"]) if b.get("law") else None,
                categories=rule_cats,
                special=tuple(c for c in rule_cats if c in special),
            ))
        recipients = tuple(sorted(o["id"] for o in orgs if o["id"] != org["id"]))
        controllers.append(ControllerEntry(
            organisation=org["id"],
            name=str(org.get("name", org["id"])),
            kind=str(org["kind"]) if org.get("kind") else None,
            public_task=bool(org["public_task"]) if "public_task" in org else None,
            activities=tuple(activities),
            recipients=recipients,
        ))
    retention = limits.get("retention", {}) if isinstance(limits, dict) else {}
    return Register(str(directory), tuple(controllers), category_names,
                    retention if isinstance(retention, dict) else {}, tuple(missing))


def render_register(register: Register, lang: str = "nl") -> Iterator[str]:
    """The register as Markdown."""
    yield _t(lang, "# Verwerkingsregister (AVG art. 30)",
             "# Record of processing activities (GDPR art. 30)")
    yield ""
    yield _t(lang, f"Afgeleid uit het beleid in `{register.source}`. Doel van alle "
                   "verwerkingen: afstemming tussen sociaal professionals over de hulpvraag "
                   "van een cliënt (casusoverleg, warme overdracht).",
             f"Derived from the policies in `{register.source}`. Purpose of all processing: "
             "coordination between social-domain professionals on a client's request for "
             "help (case consultation, warm handover).")
    yield _t(lang, "Betrokkenen: cliënten met een hulpvraag (pseudoniem per casus) en de "
                   "deelnemende professionals.",
             "Data subjects: clients with a request for help (pseudonymous per case) and "
             "the participating professionals.")
    if register.retention:
        yield _t(lang, "Bewaartermijnen: ", "Retention: ") + ", ".join(
            f"{k} = {v}" for k, v in register.retention.items())
    yield _t(lang, "Beveiliging: toegang per casus via toestemmingsscopes, controle op de "
                   "homeserver, manipulatiebestendig auditlog (Merkle-boom, ondertekende "
                   "controlepunten), persoonsgegevens in het log versleuteld per casus "
                   "(crypto-shredding).",
             "Security: per-case access through consent scopes, enforcement on the "
             "homeserver, a tamper-evident audit log (Merkle tree, signed checkpoints), "
             "personal data in the log encrypted per case (crypto-shredding).")
    if register.missing:
        yield _t(lang, "Let op, ontbrekende beleidsbestanden: ",
                 "Note, missing policy files: ") + ", ".join(register.missing)
    for c in register.controllers:
        yield ""
        yield f"## {c.name} (`{c.organisation}`)"
        if c.public_task is not None:
            yield _t(lang, "Publieke taak: ", "Public task: ") + (
                _t(lang, "ja", "yes") if c.public_task else _t(lang, "nee", "no"))
        yield _t(lang, "Mogelijke ontvangers (binnen een toestemmingsscope): ",
                 "Possible recipients (within a consent scope): ") + (
            ", ".join(c.recipients) or "-")
        if not c.activities:
            yield _t(lang, "Geen verwerkingen toegestaan door het beleid.",
                     "No processing allowed by the policy.")
            continue
        yield ""
        yield _t(lang, "| Grondslag | Artikel | Wet | Gegevenscategorieën |",
                 "| Legal basis | Article | Law | Data categories |")
        yield "|---|---|---|---|"
        for a in c.activities:
            cats = ", ".join(
                register.category_names.get(x, x) + (" (bijzonder)" if x in a.special and
                                                     lang != "en" else
                                                     " (special)" if x in a.special else "")
                for x in a.categories)
            yield f"| {a.basis_name} | {a.article or '-'} | {a.law or '-'} | {cats} |"
