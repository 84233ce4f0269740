"""Load ``policies/`` into a frozen :class:`Policy`, or report every problem.

Parse once, check everything, and name the file, the rule and the field of each
problem: ``organisations.yaml: organisation 'wpi': role 'klantmanger': unknown``.
Reading files is the only I/O; :func:`parse_policy` works on already-read texts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from busbaan.errors import BusbaanError
from busbaan.policy.model import (
    ANY,
    ConsentTemplate,
    DataCategory,
    LawfulRule,
    LegalBasis,
    Limits,
    Organisation,
    Policy,
    Role,
    TemplateGrant,
)

FILES = (
    "organisations.yaml",
    "categories.yaml",
    "legal_bases.yaml",
    "lawful.yaml",
    "templates.yaml",
    "limits.yaml",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_HOST = re.compile(r"^[a-z0-9.-]+(:\d+)?$")
_BASIS_KINDS = ("consent", "legal_obligation", "public_task", "art9")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a policy file."""

    file: str
    rule: str  # e.g. "organisation 'wpi'" (empty for file-level problems)
    field: str
    nl: str
    en: str

    def render(self, lang: str = "nl") -> str:
        parts = [self.file]
        if self.rule:
            parts.append(self.rule)
        if self.field:
            parts.append(f"veld '{self.field}'" if lang == "nl" else f"field '{self.field}'")
        parts.append(self.en if lang == "en" else self.nl)
        return ": ".join(parts)


class PolicyError(BusbaanError):
    """The policy is invalid; ``problems`` lists every problem found."""

    errcode = "BB_POLICY_INVALID"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "Het beleid is ongeldig:\n" + "\n".join(p.render("nl") for p in problems),
            "The policy is invalid:\n" + "\n".join(p.render("en") for p in problems),
        )


class _Checker:
    """Collects problems while reading one file's parsed YAML."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, rule: str, fld: str, nl: str, en: str) -> None:
        self.problems.append(Problem(self.file, rule, fld, nl, en))

    def items(self, doc: Any, key: str) -> list[Mapping[str, Any]]:
        if not isinstance(doc, Mapping):
            self.add("", "", "het bestand moet een mapping bevatten", "the file must hold a mapping")
            return []
        raw = doc.get(key)
        if not isinstance(raw, list):
            self.add("", key, "ontbreekt of is geen lijst", "missing or not a list")
            return []
        out = []
        for i, item in enumerate(raw):
            if isinstance(item, Mapping):
                out.append(item)
            else:
                self.add(f"{key}[{i}]", "", "moet een mapping zijn", "must be a mapping")
        return out

    def ident(self, item: Mapping[str, Any], rule: str, fld: str = "id",
              label: str | None = None) -> str | None:
        value = item.get(fld)
        fld = label or fld
        if not isinstance(value, str) or not _ID.match(value):
            self.add(
                rule, fld,
                f"moet een id zijn van kleine letters, cijfers en '-' (nu: {value!r})",
                f"must be an id of lowercase letters, digits and '-' (got {value!r})",
            )
            return None
        return value

    def text(self, item: Mapping[str, Any], rule: str, fld: str, required: bool = True) -> str:
        value = item.get(fld)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(rule, fld, "ontbreekt of is leeg", "missing or empty")
            return ""
        return value

    def flag(self, item: Mapping[str, Any], rule: str, fld: str, default: bool) -> bool:
        value = item.get(fld, default)
        if not isinstance(value, bool):
            self.add(rule, fld, f"moet true of false zijn (nu: {value!r})",
                     f"must be true or false (got {value!r})")
            return default
        return value

    def ids(self, item: Mapping[str, Any], rule: str, fld: str, known: Iterable[str],
            what_nl: str, what_en: str, allow_any: bool = False,
            required: bool = True) -> tuple[str, ...]:
        value = item.get(fld)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.add(rule, fld, "moet een niet-lege lijst zijn", "must be a non-empty list")
            return ()
        known_set = set(known)
        out = []
        for v in value:
            if allow_any and v == ANY:
                out.append(v)
            elif v not in known_set:
                self.add(
                    rule, fld,
                    f"onbekende {what_nl} {v!r}; bekend zijn: {', '.join(sorted(known_set))}",
                    f"unknown {what_en} {v!r}; known: {', '.join(sorted(known_set))}",
                )
            else:
                out.append(v)
        return tuple(out)

    def unique(self, seen: set[str], value: str | None, rule: str) -> None:
        if value is None:
            return
        if value in seen:
            self.add(rule, "id", "komt twee keer voor", "appears twice")
        seen.add(value)

    def positive_int(self, section: Mapping[str, Any], rule: str, fld: str, default: int) -> int:
        value = section.get(fld, default)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            self.add(rule, fld, f"moet een positief geheel getal zijn (nu: {value!r})",
                     f"must be a positive integer (got {value!r})")
            return default
        return value


def _organisations(c: _Checker, doc: Any) -> tuple[Organisation, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "organisations")):
        org_id = c.ident(item, f"organisations[{i}]")
        rule = f"organisatie '{org_id}'" if org_id else f"organisations[{i}]"
        c.unique(seen, org_id, rule)
        hosts = item.get("homeservers", [])
        if not isinstance(hosts, list) or not all(
            isinstance(h, str) and _HOST.match(h) for h in hosts
        ):
            c.add(rule, "homeservers", "moet een lijst van servernamen zijn",
                  "must be a list of server names")
            hosts = []
        roles, role_ids = [], set[str]()
        raw_roles = item.get("roles")
        if not isinstance(raw_roles, list) or not raw_roles:
            c.add(rule, "roles", "moet een niet-lege lijst zijn", "must be a non-empty list")
            raw_roles = []
        for j, r in enumerate(raw_roles):
            if not isinstance(r, Mapping):
                c.add(rule, f"roles[{j}]", "moet een mapping zijn", "must be a mapping")
                continue
            rid = c.ident(r, rule, "id", label=f"roles[{j}].id")
            rrule = f"{rule}: rol '{rid}'"
            c.unique(role_ids, rid, rrule)
            roles.append(Role(
                id=rid or "?",
                name=c.text(r, rrule, "name"),
                break_glass=c.flag(r, rrule, "break_glass", False),
                privacy_officer=c.flag(r, rrule, "privacy_officer", False),
            ))
        default_role = item.get("default_role")
        if default_role is not None and default_role not in role_ids:
            c.add(rule, "default_role", f"onbekende rol {default_role!r}",
                  f"unknown role {default_role!r}")
            default_role = None
        out.append(Organisation(
            id=org_id or "?",
            name=c.text(item, rule, "name"),
            kind=c.text(item, rule, "kind"),
            public_task=c.flag(item, rule, "public_task", True),
            homeservers=tuple(hosts),
            roles=tuple(roles),
            default_role=default_role,
        ))
    return tuple(out)


def _categories(c: _Checker, doc: Any) -> tuple[DataCategory, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "categories")):
        cid = c.ident(item, f"categories[{i}]")
        rule = f"categorie '{cid}'"
        c.unique(seen, cid, rule)
        special = item.get("special")
        if special not in (None, "art9", "art10"):
            c.add(rule, "special", f"moet art9 of art10 zijn (nu: {special!r})",
                  f"must be art9 or art10 (got {special!r})")
            special = None
        out.append(DataCategory(id=cid or "?", name=c.text(item, rule, "name"), special=special))
    return tuple(out)


def _legal_bases(c: _Checker, doc: Any) -> tuple[LegalBasis, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "legal_bases")):
        bid = c.ident(item, f"legal_bases[{i}]")
        rule = f"grondslag '{bid}'"
        c.unique(seen, bid, rule)
        kind = item.get("kind")
        if kind not in _BASIS_KINDS:
            c.add(rule, "kind", f"moet een van {', '.join(_BASIS_KINDS)} zijn (nu: {kind!r})",
                  f"must be one of {', '.join(_BASIS_KINDS)} (got {kind!r})")
            kind = "consent"
        article = c.text(item, rule, "article")
        if kind == "art9" and "9" not in article:
            c.add(rule, "article", "een art9-uitzondering moet naar AVG art. 9(2) verwijzen",
                  "an art9 exception must cite GDPR art. 9(2)")
        out.append(LegalBasis(
            id=bid or "?", name=c.text(item, rule, "name"), article=article, kind=kind,
            law=item.get("law"), dpv=item.get("dpv"),
        ))
    return tuple(out)


def _rules(c: _Checker, doc: Any, orgs: tuple[Organisation, ...],
           cats: tuple[DataCategory, ...], bases: tuple[LegalBasis, ...]) -> tuple[LawfulRule, ...]:
    out, seen = [], set[str]()
    basis_by_id = {b.id: b for b in bases}
    for i, item in enumerate(c.items(doc, "rules")):
        rid = c.ident(item, f"rules[{i}]")
        rule = f"regel '{rid}'"
        c.unique(seen, rid, rule)
        basis = item.get("legal_basis")
        if basis not in basis_by_id:
            c.add(rule, "legal_basis",
                  f"onbekende grondslag {basis!r}; bekend zijn: {', '.join(sorted(basis_by_id))}",
                  f"unknown legal basis {basis!r}; known: {', '.join(sorted(basis_by_id))}")
            continue
        org_ids = c.ids(item, rule, "organisations", (o.id for o in orgs),
                        "organisatie", "organisation", allow_any=True)
        cat_ids = c.ids(item, rule, "categories", (x.id for x in cats), "categorie", "category")
        by_id = {x.id: x for x in cats}
        for cat in cat_ids:
            if by_id[cat].special == "art10":
                c.add(rule, "categories",
                      f"categorie '{cat}' valt onder AVG art. 10 en kan niet via een regel "
                      "worden toegestaan",
                      f"category '{cat}' falls under GDPR art. 10 and cannot be allowed by a rule")
        out.append(LawfulRule(id=rid or "?", legal_basis=basis,
                              organisations=frozenset(org_ids), categories=frozenset(cat_ids)))
    return tuple(out)


def _templates(c: _Checker, doc: Any, orgs: tuple[Organisation, ...],
               cats: tuple[DataCategory, ...], bases: tuple[LegalBasis, ...],
               limits: Limits) -> tuple[ConsentTemplate, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "templates")):
        tid = c.ident(item, f"templates[{i}]")
        rule = f"sjabloon '{tid}'"
        c.unique(seen, tid, rule)
        days = c.positive_int(item, rule, "duration_days", limits.consent_default_days)
        if days > limits.consent_max_days:
            c.add(rule, "duration_days",
                  f"{days} dagen is langer dan het maximum van {limits.consent_max_days}",
                  f"{days} days exceeds the maximum of {limits.consent_max_days}")
        grants = []
        raw = item.get("grants")
        if not isinstance(raw, list) or not raw:
            c.add(rule, "grants", "moet een niet-lege lijst zijn", "must be a non-empty list")
            raw = []
        for j, g in enumerate(raw):
            grule = f"{rule}: grants[{j}]"
            if not isinstance(g, Mapping):
                c.add(grule, "", "moet een mapping zijn", "must be a mapping")
                continue
            org = g.get("organisation")
            org_obj = next((o for o in orgs if o.id == org), None)
            if org_obj is None:
                c.add(grule, "organisation", f"onbekende organisatie {org!r}",
                      f"unknown organisation {org!r}")
                continue
            grants.append(TemplateGrant(
                organisation=org_obj.id,
                categories=c.ids(g, grule, "categories", (x.id for x in cats),
                                 "categorie", "category"),
                legal_bases=c.ids(g, grule, "legal_bases", (b.id for b in bases),
                                  "grondslag", "legal basis"),
                roles=c.ids(g, grule, "roles", (r.id for r in org_obj.roles), "rol", "role",
                            required=False),
            ))
        out.append(ConsentTemplate(id=tid or "?", name=c.text(item, rule, "name"),
                                   duration_days=days, grants=tuple(grants)))
    return tuple(out)


def _limits(c: _Checker, doc: Any) -> Limits:
    if not isinstance(doc, Mapping):
        c.add("", "", "het bestand moet een mapping bevatten", "the file must hold a mapping")
        return Limits()
    d = Limits()

    def section(name: str) -> Mapping[str, Any]:
        value = doc.get(name, {})
        if not isinstance(value, Mapping):
            c.add(name, "", "moet een mapping zijn", "must be a mapping")
            return {}
        return value

    consent, retention = section("consent"), section("retention")
    handover, glass = section("handover"), section("break_glass")
    limits = Limits(
        consent_max_days=c.positive_int(consent, "consent", "max_days", d.consent_max_days),
        consent_default_days=c.positive_int(consent, "consent", "default_days",
                                            d.consent_default_days),
        audit_log_years=c.positive_int(retention, "retention", "audit_log_years",
                                       d.audit_log_years),
        case_years=c.positive_int(retention, "retention", "case_years", d.case_years),
        sideline_days=c.positive_int(handover, "handover", "sideline_days", d.sideline_days),
        remind_after_working_days=c.positive_int(handover, "handover",
                                                 "remind_after_working_days",
                                                 d.remind_after_working_days),
        expire_after_working_days=c.positive_int(handover, "handover",
                                                 "expire_after_working_days",
                                                 d.expire_after_working_days),
        break_glass_hours=c.positive_int(glass, "break_glass", "duration_hours",
                                         d.break_glass_hours),
        break_glass_min_reason_chars=c.positive_int(glass, "break_glass", "min_reason_chars",
                                                    d.break_glass_min_reason_chars),
    )
    if limits.consent_default_days > limits.consent_max_days:
        c.add("consent", "default_days", "is langer dan max_days", "exceeds max_days")
    if limits.audit_log_years < 5:
        c.add("retention", "audit_log_years", "NEN 7513 vraagt minstens 5 jaar",
              "NEN 7513 asks for at least 5 years")
    return limits


def parse_policy(texts: Mapping[str, str]) -> Policy:
    """Build a :class:`Policy` from the files' texts (file name → YAML text).

    Raises :class:`PolicyError` listing every problem found, in all files.
    """
    docs: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in FILES:
        if name not in texts:
            problems.append(Problem(name, "", "", "bestand ontbreekt", "file is missing"))
            docs[name] = {}
            continue
        try:
            docs[name] = yaml.safe_load(texts[name]) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            problems.append(Problem(
                name, f"regel {line}" if line else "", "",
                "geen geldige YAML", "not valid YAML",
            ))
            docs[name] = {}
    checkers = {name: _Checker(name) for name in FILES}
    limits = _limits(checkers["limits.yaml"], docs["limits.yaml"])
    orgs = _organisations(checkers["organisations.yaml"], docs["organisations.yaml"])
    cats = _categories(checkers["categories.yaml"], docs["categories.yaml"])
    bases = _legal_bases(checkers["legal_bases.yaml"], docs["legal_bases.yaml"])
    rules = _rules(checkers["lawful.yaml"], docs["lawful.yaml"], orgs, cats, bases)
    templates = _templates(checkers["templates.yaml"], docs["templates.yaml"], orgs, cats,
                           bases, limits)
    for checker in checkers.values():
        problems.extend(checker.problems)
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + texts.get(name, "").encode() + b"\0")
    policy = Policy(
        version=digest.hexdigest()[:16], organisations=orgs, categories=cats,
        legal_bases=bases, rules=rules, templates=templates, limits=limits,
    )
    if not problems:
        problems.extend(_check_templates_lawful(policy))
    if problems:
        raise PolicyError(problems)
    return policy


def _check_templates_lawful(policy: Policy) -> list[Problem]:
    # A template that could never be applied is a policy error, found at load time.
    from busbaan.consent.lawful import check_grant_lawful

    out = []
    for t in policy.templates:
        for j, g in enumerate(t.grants):
            for v in check_grant_lawful(policy, g.organisation, g.categories, g.legal_bases):
                out.append(Problem("templates.yaml", f"sjabloon '{t.id}': grants[{j}]", "",
                                   v.nl, v.en))
    return out


def load_policy(directory: str | Path = "policies") -> Policy:
    """Read and validate the policy files in ``directory``."""
    path = Path(directory)
    if not path.is_dir():
        raise PolicyError([Problem(str(path), "", "", "map bestaat niet", "directory does not exist")])
    texts = {}
    for name in FILES:
        f = path / name
        if f.is_file():
            texts[name] = f.read_text(encoding="utf-8")
    try:
        return parse_policy(texts)
    except PolicyError as exc:
        raise PolicyError([
            Problem(str(path / p.file), p.rule, p.field, p.nl, p.en) for p in exc.problems
        ]) from None
