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
    BasisKind,
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
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_HOST = re.compile(r"[a-z0-9.-]+(:\d+)?")
_BASIS_KINDS: tuple[BasisKind, ...] = ("consent", "legal_obligation", "public_task", "art9")
# Rule labels are written in Dutch; English renderings replace the leading word.
_RULE_WORDS_EN = {
    "organisatie": "organisation", "rol": "role", "categorie": "category",
    "grondslag": "legal basis", "regel": "rule", "sjabloon": "template",
}
_RULE_WORD = re.compile(r"(?:^|(?<=: ))(organisatie|rol|categorie|grondslag|regel|sjabloon) ")
_LINE = re.compile(r"^regel (\d+)$")


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
            parts.append(self.rule if lang != "en" else _rule_en(self.rule))
        if self.field:
            parts.append(f"veld '{self.field}'" if lang == "nl" else f"field '{self.field}'")
        parts.append(self.en if lang == "en" else self.nl)
        return ": ".join(parts)


def _rule_en(rule: str) -> str:
    line = _LINE.match(rule)
    if line:
        return f"line {line.group(1)}"
    return _RULE_WORD.sub(lambda m: _RULE_WORDS_EN[m.group(1)] + " ", rule)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (YAML would
    silently keep the last one, hiding a mistake such as two ``public_task:`` lines)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable; the base class reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r}", key_node.start_mark,
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        return mapping


class PolicyError(BusbaanError):
    """The policy is invalid; ``problems`` lists every problem found."""

    errcode = "BB_POLICY_INVALID"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "Het beleid is ongeldig:\n" + "\n".join(p.render("nl") for p in problems),
            "The policy is invalid:\n" + "\n".join(p.render("en") for p in problems),
        )


_ORG_KEYS = frozenset({"id", "name", "kind", "public_task", "homeservers", "roles",
                       "default_role", "contact"})
_ROLE_KEYS = frozenset({"id", "name", "break_glass", "privacy_officer", "contact"})
#: A contact citizens read (``contact:``): one line, at most this long, with a way to
#: reach someone in it.
CONTACT_MAX_CHARS = 120
_CONTACT_WAY = re.compile(
    r"(?<!\d)(?:(?:\+|00)\d{2}[\s-]?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){6,9}(?!\d)"  # phone
    r"|(?<!\d)14[\s-]?0\d\d(?!\d)"  # a municipality's 14 0xx number
    r"|[^\s@]+@[^\s@]+\.[A-Za-z]{2,}"  # e-mail
    r"|https://[^\s/]+\.[^\s]+")  # web address
_CATEGORY_KEYS = frozenset({"id", "name", "special"})
_BASIS_KEYS = frozenset({"id", "name", "article", "kind", "law", "dpv"})
_RULE_KEYS = frozenset({"id", "legal_basis", "organisations", "categories"})
_TEMPLATE_KEYS = frozenset({"id", "name", "duration_days", "grants"})
_TEMPLATE_GRANT_KEYS = frozenset({"organisation", "categories", "legal_bases", "roles"})


class _Checker:
    """Collects problems while reading one file's parsed YAML."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, rule: str, fld: str, nl: str, en: str) -> None:
        self.problems.append(Problem(self.file, rule, fld, nl, en))

    def known_keys(self, item: Mapping[str, Any], rule: str, allowed: frozenset[str]) -> None:
        """Report keys the format does not know (a typo, or YAML that split a value)."""
        for key in item:
            if key not in allowed:
                self.add(rule, str(key),
                         f"onbekend veld; bekend zijn: {', '.join(sorted(allowed))}",
                         f"unknown field; known: {', '.join(sorted(allowed))}")

    def items(self, doc: Any, key: str) -> list[Mapping[str, Any]]:
        if not isinstance(doc, Mapping):
            self.add("", "", "het bestand moet een mapping bevatten",
                     "the file must hold a mapping")
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
        if not isinstance(value, str) or not _ID.fullmatch(value):
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

    def optional_text(self, item: Mapping[str, Any], rule: str, fld: str) -> str | None:
        value = item.get(fld)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(rule, fld, f"moet tekst zijn (nu: {value!r})", f"must be text (got {value!r})")
            return None
        return value

    def contact(self, item: Mapping[str, Any], rule: str) -> str | None:
        """An optional ``contact``: one line of at most :data:`CONTACT_MAX_CHARS`
        characters with a phone number, an e-mail address or an https address in it
        (citizens read it and act on it)."""
        value = item.get("contact")
        if value is None:
            return None
        text = value.strip() if isinstance(value, str) else ""
        if (not text or "\n" in text or len(text) > CONTACT_MAX_CHARS
                or not _CONTACT_WAY.search(text)):
            self.add(rule, "contact",
                     "moet een telefoonnummer, e-mailadres of https-adres bevatten, op één "
                     f"regel van hoogstens {CONTACT_MAX_CHARS} tekens (nu: {value!r})",
                     "must hold a phone number, e-mail address or https address, on one "
                     f"line of at most {CONTACT_MAX_CHARS} characters (got {value!r})")
            return None
        return text

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
            if not isinstance(v, str):
                self.add(rule, fld, f"moet een lijst van ids zijn (nu: {v!r})",
                         f"must be a list of ids (got {v!r})")
            elif allow_any and v == ANY:
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


class _Dirty:
    """Ids of entries that had a problem: judging a template against them would only
    repeat (or invent) problems, so the lawfulness check skips what depends on them."""

    def __init__(self) -> None:
        self.organisations: set[str] = set()
        self.categories: set[str] = set()
        self.legal_bases: set[str] = set()
        self.template_grants: set[tuple[str, int]] = set()


def _organisations(c: _Checker, doc: Any, dirty: _Dirty) -> tuple[Organisation, ...]:
    out, seen = [], set[str]()
    privacy_contact: str | None = None  # the rule of the privacy officer role that has one
    for i, item in enumerate(c.items(doc, "organisations")):
        before = len(c.problems)
        org_id = c.ident(item, f"organisations[{i}]")
        rule = f"organisatie '{org_id}'" if org_id else f"organisations[{i}]"
        c.unique(seen, org_id, rule)
        c.known_keys(item, rule, _ORG_KEYS)
        hosts = item.get("homeservers", [])
        if not isinstance(hosts, list) or not all(
            isinstance(h, str) and _HOST.fullmatch(h) for h in hosts
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
            rrule = f"{rule}: rol '{rid}'" if rid else f"{rule}: roles[{j}]"
            c.unique(role_ids, rid, rrule)
            c.known_keys(r, rrule, _ROLE_KEYS)
            officer = c.flag(r, rrule, "privacy_officer", False)
            contact = c.contact(r, rrule)
            if contact is not None and not officer:
                c.add(rrule, "contact",
                      "alleen een rol met privacy_officer: true heeft een eigen contact; "
                      "zet het contact bij de organisatie",
                      "only a role with privacy_officer: true has a contact of its own; "
                      "put the contact on the organisation")
                contact = None
            elif contact is not None and privacy_contact is not None:
                c.add(rrule, "contact",
                      f"de burgerpagina noemt één privacy officer, en {privacy_contact} "
                      "heeft al een contact",
                      f"the citizen page names one privacy officer, and "
                      f"{_rule_en(privacy_contact)} "
                      "already has a contact")
                contact = None
            elif contact is not None:
                privacy_contact = rrule
            roles.append(Role(
                id=rid or "?",
                name=c.text(r, rrule, "name"),
                break_glass=c.flag(r, rrule, "break_glass", False),
                privacy_officer=officer,
                contact=contact,
            ))
        default_role = item.get("default_role")
        if default_role is not None and not (
            isinstance(default_role, str) and default_role in role_ids
        ):
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
            contact=c.contact(item, rule),
        ))
        if org_id and len(c.problems) > before:
            dirty.organisations.add(org_id)
    return tuple(out)


def _categories(c: _Checker, doc: Any, dirty: _Dirty) -> tuple[DataCategory, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "categories")):
        before = len(c.problems)
        cid = c.ident(item, f"categories[{i}]")
        rule = f"categorie '{cid}'" if cid else f"categories[{i}]"
        c.unique(seen, cid, rule)
        c.known_keys(item, rule, _CATEGORY_KEYS)
        special = item.get("special")
        if special not in (None, "art9", "art10"):
            c.add(rule, "special", f"moet art9 of art10 zijn (nu: {special!r})",
                  f"must be art9 or art10 (got {special!r})")
            special = None
        out.append(DataCategory(id=cid or "?", name=c.text(item, rule, "name"), special=special))
        if cid and len(c.problems) > before:
            dirty.categories.add(cid)
    return tuple(out)


def _legal_bases(c: _Checker, doc: Any, dirty: _Dirty) -> tuple[LegalBasis, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "legal_bases")):
        before = len(c.problems)
        bid = c.ident(item, f"legal_bases[{i}]")
        rule = f"grondslag '{bid}'" if bid else f"legal_bases[{i}]"
        c.unique(seen, bid, rule)
        c.known_keys(item, rule, _BASIS_KEYS)
        raw_kind = item.get("kind")
        kind: BasisKind = "consent"
        if raw_kind in _BASIS_KINDS:
            kind = raw_kind
        else:
            c.add(rule, "kind",
                  f"moet een van {', '.join(_BASIS_KINDS)} zijn (nu: {raw_kind!r})",
                  f"must be one of {', '.join(_BASIS_KINDS)} (got {raw_kind!r})")
        article = c.text(item, rule, "article")
        if kind == "art9" and "9" not in article:
            c.add(rule, "article", "een art9-uitzondering moet naar AVG art. 9(2) verwijzen",
                  "an art9 exception must cite GDPR art. 9(2)")
        out.append(LegalBasis(
            id=bid or "?", name=c.text(item, rule, "name"), article=article, kind=kind,
            law=c.optional_text(item, rule, "law"), dpv=c.optional_text(item, rule, "dpv"),
        ))
        if bid and len(c.problems) > before:
            dirty.legal_bases.add(bid)
    return tuple(out)


def _rules(c: _Checker, doc: Any, orgs: tuple[Organisation, ...],
           cats: tuple[DataCategory, ...], bases: tuple[LegalBasis, ...]) -> tuple[LawfulRule, ...]:
    out, seen = [], set[str]()
    basis_by_id = {b.id: b for b in bases}
    cat_by_id = {x.id: x for x in cats}
    for i, item in enumerate(c.items(doc, "rules")):
        rid = c.ident(item, f"rules[{i}]")
        rule = f"regel '{rid}'" if rid else f"rules[{i}]"
        c.unique(seen, rid, rule)
        c.known_keys(item, rule, _RULE_KEYS)
        basis = item.get("legal_basis")
        known_basis = isinstance(basis, str) and basis in basis_by_id
        if not known_basis:
            c.add(rule, "legal_basis",
                  f"onbekende grondslag {basis!r}; bekend zijn: {', '.join(sorted(basis_by_id))}",
                  f"unknown legal basis {basis!r}; known: {', '.join(sorted(basis_by_id))}")
        # Check the rest of the rule too, so that every problem is reported at once.
        org_ids = c.ids(item, rule, "organisations", (o.id for o in orgs),
                        "organisatie", "organisation", allow_any=True)
        cat_ids = c.ids(item, rule, "categories", cat_by_id, "categorie", "category")
        for cat in cat_ids:
            if cat_by_id[cat].special == "art10":
                c.add(rule, "categories",
                      f"categorie '{cat}' valt onder AVG art. 10 en kan niet via een regel "
                      "worden toegestaan",
                      f"category '{cat}' falls under GDPR art. 10 and cannot be allowed by a rule")
        if known_basis:
            out.append(LawfulRule(id=rid or "?", legal_basis=str(basis),
                                  organisations=frozenset(org_ids),
                                  categories=frozenset(cat_ids)))
    return tuple(out)


def _templates(c: _Checker, doc: Any, orgs: tuple[Organisation, ...],
               cats: tuple[DataCategory, ...], bases: tuple[LegalBasis, ...],
               limits: Limits, dirty: _Dirty) -> tuple[ConsentTemplate, ...]:
    out, seen = [], set[str]()
    for i, item in enumerate(c.items(doc, "templates")):
        tid = c.ident(item, f"templates[{i}]")
        rule = f"sjabloon '{tid}'" if tid else f"templates[{i}]"
        c.unique(seen, tid, rule)
        c.known_keys(item, rule, _TEMPLATE_KEYS)
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
            before = len(c.problems)
            c.known_keys(g, grule, _TEMPLATE_GRANT_KEYS)
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
            if len(c.problems) > before:
                dirty.template_grants.add((tid or "?", len(grants) - 1))
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
    labels = section("labels")
    personal = labels.get("personal_data", d.label_personal_data)
    if personal not in ("refuse", "private"):
        c.add("labels", "personal_data", "moet 'refuse' of 'private' zijn",
              "must be 'refuse' or 'private'")
        personal = "refuse"
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
        label_max_chars=c.positive_int(labels, "labels", "max_chars", d.label_max_chars),
        label_personal_data=personal,
    )
    if limits.consent_default_days > limits.consent_max_days:
        c.add("consent", "default_days", "is langer dan max_days", "exceeds max_days")
    if limits.audit_log_years < 5:
        c.add("retention", "audit_log_years", "NEN 7513 vraagt minstens 5 jaar",
              "NEN 7513 asks for at least 5 years")
    return limits


def _read_yaml(name: str, text: str) -> tuple[Any, Problem | None]:
    try:
        # _UniqueKeyLoader is a SafeLoader: no arbitrary Python objects.
        return yaml.load(text, Loader=_UniqueKeyLoader) or {}, None
    except (ValueError, OverflowError, RecursionError) as exc:
        # A scalar YAML cannot turn into a value (an integer of thousands of digits,
        # a date like 2026-13-45) or nesting too deep: the file, not busbaan, is wrong.
        del exc
        return {}, Problem(
            name, "", "",
            "geen geldige YAML (een waarde kan niet worden gelezen: te lang getal, "
            "ongeldige datum of te diep genest)",
            "not valid YAML (a value cannot be read: number too long, invalid date or "
            "nested too deeply)",
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        detail = getattr(exc, "problem", None) or ""
        detail_nl = detail_en = detail
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if detail and context and start is not None and start.line + 1 != line:
            # e.g. an unclosed "{" is only noticed on a later line: name where it began
            detail_nl += f"; {context} begonnen op regel {start.line + 1}"
            detail_en += f"; {context} started on line {start.line + 1}"
        return {}, Problem(
            name, f"regel {line}" if line else "", "",
            f"geen geldige YAML ({detail_nl})" if detail else "geen geldige YAML",
            f"not valid YAML ({detail_en})" if detail else "not valid YAML",
        )


def parse_policy(texts: Mapping[str, str]) -> Policy:
    """Build a :class:`Policy` from the files' texts (file name → YAML text).

    Raises :class:`PolicyError` listing every problem found, in all files.
    """
    docs: dict[str, Any] = {}
    problems: list[Problem] = []
    failed: set[str] = set()  # missing or not YAML: their content problems would be noise
    for name in FILES:
        if name not in texts:
            problems.append(Problem(name, "", "", "bestand ontbreekt", "file is missing"))
            docs[name] = {}
            failed.add(name)
            continue
        docs[name], problem = _read_yaml(name, texts[name])
        if problem is not None:
            problems.append(problem)
            failed.add(name)
    checkers = {name: _Checker(name) for name in FILES}
    dirty = _Dirty()
    limits = _limits(checkers["limits.yaml"], docs["limits.yaml"])
    orgs = _organisations(checkers["organisations.yaml"], docs["organisations.yaml"], dirty)
    cats = _categories(checkers["categories.yaml"], docs["categories.yaml"], dirty)
    bases = _legal_bases(checkers["legal_bases.yaml"], docs["legal_bases.yaml"], dirty)
    rules = _rules(checkers["lawful.yaml"], docs["lawful.yaml"], orgs, cats, bases)
    templates = _templates(checkers["templates.yaml"], docs["templates.yaml"], orgs, cats,
                           bases, limits, dirty)
    for name, checker in checkers.items():
        if name not in failed:
            problems.extend(checker.problems)
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + texts.get(name, "").encode() + b"\0")
    policy = Policy(
        version=digest.hexdigest()[:16], organisations=orgs, categories=cats,
        legal_bases=bases, rules=rules, templates=templates, limits=limits,
    )
    # Judge the templates even when other things are wrong (every problem at once), but
    # only where the judgement rests on entries that are themselves valid.
    rules_valid = "lawful.yaml" not in failed and not checkers["lawful.yaml"].problems
    problems.extend(_check_templates_lawful(policy, dirty, rules_valid=rules_valid))
    if problems:
        raise PolicyError(problems)
    return policy


#: Violations that do not depend on the lawful rules (still judged when those are broken).
_RULE_INDEPENDENT = frozenset({"consent-not-substitute", "art10-not-allowed", "no-art6-basis",
                               "unknown-role", "no-categories"})


def _check_templates_lawful(policy: Policy, dirty: _Dirty | None = None, *,
                            rules_valid: bool = True) -> list[Problem]:
    # A template that could never be applied is a policy error, found at load time.
    from busbaan.consent.lawful import check_grant_lawful

    dirty = dirty or _Dirty()
    out = []
    for t in policy.templates:
        for j, g in enumerate(t.grants):
            if ((t.id, j) in dirty.template_grants
                    or g.organisation in dirty.organisations
                    or dirty.categories.intersection(g.categories)
                    or dirty.legal_bases.intersection(g.legal_bases)):
                continue
            for v in check_grant_lawful(policy, g.organisation, g.categories, g.legal_bases,
                                        g.roles):
                if rules_valid or v.rule in _RULE_INDEPENDENT:
                    out.append(Problem("templates.yaml", f"sjabloon '{t.id}': grants[{j}]", "",
                                       v.nl, v.en))
    return out


def load_policy(directory: str | Path = "policies") -> Policy:
    """Read and validate the policy files in ``directory``."""
    path = Path(directory)
    if not path.is_dir():
        raise PolicyError([Problem(str(path), "", "", "map bestaat niet",
                                   "directory does not exist")])
    texts = {}
    unreadable: list[Problem] = []
    for name in FILES:
        f = path / name
        if f.is_file():
            try:
                texts[name] = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                texts[name] = ""  # reported below; its content problems would be noise
                unreadable.append(Problem(
                    name, "", "", f"kan het bestand niet lezen als UTF-8-tekst ({exc})",
                    f"cannot read the file as UTF-8 text ({exc})",
                ))
    try:
        policy = parse_policy(texts)
        problems = unreadable
    except PolicyError as exc:
        skip = {p.file for p in unreadable}
        problems = unreadable + [p for p in exc.problems if p.file not in skip]
    if problems:
        raise PolicyError([
            Problem(str(path / p.file), p.rule, p.field, p.nl, p.en) for p in problems
        ]) from None
    return policy
