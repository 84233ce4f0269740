"""Read and check an Open Referral HSDS 3.0 social map (pure apart from reading a file).

``validate_map`` looks at the raw JSON and names every problem it finds (a dangling
reference, a missing field, impossible ages) instead of stopping at the first one;
``parse_map`` turns a map without errors into frozen :mod:`~busbaan.routing.model`
objects; ``load_map`` does both for a file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence, Set
from importlib import resources
from pathlib import Path
from typing import Any

from busbaan.errors import BusbaanError
from busbaan.routing.lexicon import canonical_area
from busbaan.routing.model import (
    Location,
    MapProblem,
    Organization,
    Service,
    ServiceArea,
    Severity,
    SocialMap,
    TaxonomyTerm,
)

__all__ = [
    "DEMO_MAP",
    "SocialMapError",
    "demo_map_path",
    "load_map",
    "parse_map",
    "validate_map",
]

#: The project's own demo map, shipped inside the package (used by `make dev`).
DEMO_MAP = "demo_map.hsds.json"

STATUSES = frozenset({"active", "inactive", "defunct", "temporarily closed"})
MAX_AGE = 130
#: A team's response target for lanes is at most a week (``x_response_target_minutes``).
MAX_RESPONSE_TARGET_MINUTES = 7 * 24 * 60
_ROOM = re.compile(r"^[#!][^:\s]+:[^\s]+$")
_TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "email",
    "url",
)


class SocialMapError(BusbaanError):
    """A social map cannot be used; ``data['problems']`` lists every problem found."""

    errcode = "BB_SOCIALMAP_INVALID"


def demo_map_path() -> Path:
    """The path of the demo map shipped with busbaan."""
    return Path(str(resources.files("busbaan.routing").joinpath(DEMO_MAP)))


# --------------------------------------------------------------------------- checks


class _Collector:
    def __init__(self) -> None:
        self.problems: list[MapProblem] = []

    def add(self, severity: Severity, code: str, where: str, nl: str, en: str) -> None:
        self.problems.append(MapProblem(severity, code, where, nl, en))

    def error(self, code: str, where: str, nl: str, en: str) -> None:
        self.add("error", code, where, nl, en)

    def warning(self, code: str, where: str, nl: str, en: str) -> None:
        self.add("warning", code, where, nl, en)


def _where(collection: str, index: int, item: Any) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("id"), str) and item["id"]:
        return f"{collection}[{index}] '{item['id']}'"
    return f"{collection}[{index}]"


def _items(
    raw: Mapping[str, Any], key: str, out: _Collector, *, required: bool
) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    value = raw.get(key)
    if value is None:
        if required:
            out.error(
                "missing_collection",
                key,
                f"de lijst '{key}' ontbreekt",
                f"the list '{key}' is missing",
            )
        return
    if not isinstance(value, list):
        out.error("not_a_list", key, f"'{key}' moet een lijst zijn", f"'{key}' must be a list")
        return
    for index, item in enumerate(value):
        where = _where(key, index, item)
        if not isinstance(item, Mapping):
            out.error("not_an_object", where, "moet een object zijn", "must be an object")
            continue
        yield index, where, item


def _check_id(where: str, item: Mapping[str, Any], seen: set[str], out: _Collector) -> str | None:
    value = item.get("id")
    if not isinstance(value, str) or not value.strip():
        out.error("missing_id", where, "het veld 'id' ontbreekt", "the field 'id' is missing")
        return None
    if value in seen:
        out.error(
            "duplicate_id", where, f"id '{value}' komt vaker voor", f"id '{value}' is not unique"
        )
        return None
    seen.add(value)
    return value


def _check_text(where: str, item: Mapping[str, Any], out: _Collector, *required: str) -> None:
    for name in required:
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            out.error(
                "missing_field",
                f"{where}.{name}",
                f"verplicht veld '{name}' ontbreekt of is leeg",
                f"required field '{name}' is missing or empty",
            )
    for name in _TEXT_FIELDS:
        if name not in required and name in item and not isinstance(item[name], str | None):
            out.error(
                "not_text",
                f"{where}.{name}",
                f"'{name}' moet tekst zijn",
                f"'{name}' must be text",
            )


def _age(where: str, item: Mapping[str, Any], name: str, out: _Collector) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        out.error(
            "bad_age",
            f"{where}.{name}",
            f"'{name}' moet een heel getal zijn, niet {value!r}",
            f"'{name}' must be a whole number, not {value!r}",
        )
        return None
    age = int(value)
    if not 0 <= age <= MAX_AGE:
        out.error(
            "bad_age",
            f"{where}.{name}",
            f"'{name}' = {age} ligt niet tussen 0 en {MAX_AGE}",
            f"'{name}' = {age} is not between 0 and {MAX_AGE}",
        )
        return None
    return age


def _known(value: object, known: Set[str]) -> bool:
    """Whether ``value`` is one of ``known`` (a list or object is not, and never raises)."""
    return isinstance(value, str) and value in known


def _check_service(
    where: str,
    item: Mapping[str, Any],
    organizations: set[str],
    terms: set[str],
    out: _Collector,
) -> None:
    _check_text(where, item, out, "name")
    org = item.get("organization_id")
    if not isinstance(org, str) or not org:
        out.error(
            "missing_field",
            f"{where}.organization_id",
            "verplicht veld 'organization_id' ontbreekt",
            "required field 'organization_id' is missing",
        )
    elif org not in organizations:
        out.error(
            "unknown_organization",
            f"{where}.organization_id",
            f"organisatie '{org}' bestaat niet in 'organizations'",
            f"organisation '{org}' does not exist in 'organizations'",
        )
    status = item.get("status")
    if status is None:
        out.warning(
            "missing_status",
            f"{where}.status",
            "'status' ontbreekt; de dienst wordt als 'active' gelezen",
            "'status' is missing; the service is read as 'active'",
        )
    elif not _known(status, STATUSES):
        out.error(
            "bad_status",
            f"{where}.status",
            f"onbekende status {status!r} (kies uit {', '.join(sorted(STATUSES))})",
            f"unknown status {status!r} (choose from {', '.join(sorted(STATUSES))})",
        )
    if not isinstance(item.get("description"), str) or not item["description"].strip():
        out.warning(
            "missing_description",
            f"{where}.description",
            "geen beschrijving: de wegwijzer kan deze dienst slecht vinden",
            "no description: the wegwijzer can hardly find this service",
        )
    low = _age(where, item, "minimum_age", out)
    high = _age(where, item, "maximum_age", out)
    if low is not None and high is not None and low > high:
        out.error(
            "bad_age",
            where,
            f"minimum_age ({low}) is hoger dan maximum_age ({high})",
            f"minimum_age ({low}) is higher than maximum_age ({high})",
        )
    for index, attr in _nested(where, item, "attributes", out):
        term = attr.get("taxonomy_term_id")
        if not isinstance(term, str) or not term:
            out.error(
                "missing_field",
                f"{where}.attributes[{index}].taxonomy_term_id",
                "verplicht veld 'taxonomy_term_id' ontbreekt",
                "required field 'taxonomy_term_id' is missing",
            )
        elif term not in terms:
            out.error(
                "unknown_taxonomy_term",
                f"{where}.attributes[{index}].taxonomy_term_id",
                f"taxonomieterm '{term}' bestaat niet in 'taxonomy_terms'",
                f"taxonomy term '{term}' does not exist in 'taxonomy_terms'",
            )
    for index, area in _nested(where, item, "service_areas", out):
        name = area.get("name")
        if not isinstance(name, str) or not name.strip():
            out.error(
                "missing_field",
                f"{where}.service_areas[{index}].name",
                "verplicht veld 'name' ontbreekt",
                "required field 'name' is missing",
            )
        elif canonical_area(name) is None:
            out.warning(
                "unknown_area",
                f"{where}.service_areas[{index}].name",
                f"gebied '{name}' is geen bekend stadsdeel, 'Amsterdam' of 'Nederland'; "
                "de wegwijzer sluit deze dienst niet uit op stadsdeel",
                f"area '{name}' is not a known stadsdeel, 'Amsterdam' or 'Nederland'; "
                "the wegwijzer does not exclude this service by stadsdeel",
            )
    room = item.get("x_matrix_room")
    if room is not None and (not isinstance(room, str) or not _ROOM.match(room)):
        out.error(
            "bad_matrix_room",
            f"{where}.x_matrix_room",
            f"{room!r} is geen Matrix-kamer (verwacht '#alias:server' of '!id:server')",
            f"{room!r} is not a Matrix room (expected '#alias:server' or '!id:server')",
        )
    target = item.get("x_response_target_minutes")
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, int)
        or not 1 <= target <= MAX_RESPONSE_TARGET_MINUTES
    ):
        out.error(
            "bad_response_target",
            f"{where}.x_response_target_minutes",
            f"{target!r} is geen aantal minuten van 1 tot {MAX_RESPONSE_TARGET_MINUTES}",
            f"{target!r} is not a number of minutes from 1 to {MAX_RESPONSE_TARGET_MINUTES}",
        )
    triage = item.get("x_triage")
    if triage is not None and not isinstance(triage, bool):
        out.error(
            "bad_triage",
            f"{where}.x_triage",
            f"{triage!r} is geen true of false",
            f"{triage!r} is not true or false",
        )
    if room is None and not _reachable(item):
        out.warning(
            "unreachable",
            where,
            "geen intakekamer (x_matrix_room) en geen telefoon, e-mail of website",
            "no intake room (x_matrix_room) and no phone, e-mail or website",
        )


def _nested(
    where: str, item: Mapping[str, Any], key: str, out: _Collector
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    value = item.get(key)
    if value is None:
        return
    if not isinstance(value, list):
        out.error(
            "not_a_list",
            f"{where}.{key}",
            f"'{key}' moet een lijst zijn",
            f"'{key}' must be a list",
        )
        return
    for index, sub in enumerate(value):
        if not isinstance(sub, Mapping):
            out.error(
                "not_an_object",
                f"{where}.{key}[{index}]",
                "moet een object zijn",
                "must be an object",
            )
            continue
        yield index, sub


def _reachable(item: Mapping[str, Any]) -> bool:
    if item.get("email") or item.get("url"):
        return True
    phones = item.get("phones")
    if isinstance(phones, list) and any(isinstance(p, Mapping) and p.get("number") for p in phones):
        return True
    contacts = item.get("contacts")
    return isinstance(contacts, list) and any(
        isinstance(c, Mapping) and (c.get("email") or c.get("phones")) for c in contacts
    )


def validate_map(raw: object) -> list[MapProblem]:
    """Every problem in a raw HSDS map (errors first, in file order), or an empty list."""
    out = _Collector()
    if not isinstance(raw, Mapping):
        out.error(
            "not_an_object",
            "(map)",
            "de kaart moet een JSON-object zijn met onder meer 'organizations' en 'services'",
            "the map must be a JSON object with at least 'organizations' and 'services'",
        )
        return out.problems
    version = raw.get("hsds_version")
    if version is not None and not str(version).startswith("3"):
        out.warning(
            "hsds_version",
            "hsds_version",
            f"versie {version!r}: busbaan verwacht HSDS 3.0",
            f"version {version!r}: busbaan expects HSDS 3.0",
        )

    organizations: set[str] = set()
    for _, where, item in _items(raw, "organizations", out, required=True):
        _check_id(where, item, organizations, out)
        _check_text(where, item, out, "name")

    terms: set[str] = set()
    parents: list[tuple[str, str]] = []
    for _, where, item in _items(raw, "taxonomy_terms", out, required=False):
        _check_id(where, item, terms, out)
        _check_text(where, item, out, "name")
        parent = item.get("parent_id")
        if parent is not None:
            parents.append((where, str(parent)))
    for where, parent in parents:
        if parent not in terms:
            out.error(
                "unknown_taxonomy_term",
                f"{where}.parent_id",
                f"bovenliggende term '{parent}' bestaat niet",
                f"parent term '{parent}' does not exist",
            )

    locations: set[str] = set()
    for _, where, item in _items(raw, "locations", out, required=False):
        _check_id(where, item, locations, out)

    services: set[str] = set()
    for _, where, item in _items(raw, "services", out, required=True):
        _check_id(where, item, services, out)
        _check_service(where, item, organizations, terms, out)

    links: set[str] = set()
    for _, where, item in _items(raw, "service_at_locations", out, required=False):
        _check_id(where, item, links, out)
        for key, known, nl, en in (
            ("service_id", services, "dienst", "service"),
            ("location_id", locations, "locatie", "location"),
        ):
            value = item.get(key)
            if not isinstance(value, str) or not value:
                out.error(
                    "missing_field",
                    f"{where}.{key}",
                    f"verplicht veld '{key}' ontbreekt",
                    f"required field '{key}' is missing",
                )
            elif value not in known:
                out.error(
                    f"unknown_{en}",
                    f"{where}.{key}",
                    f"{nl} '{value}' bestaat niet",
                    f"{en} '{value}' does not exist",
                )

    attributes: set[str] = set()
    for _, where, item in _items(raw, "attributes", out, required=False):
        _check_id(where, item, attributes, out)
        term = item.get("taxonomy_term_id")
        if not _known(term, terms):
            out.error(
                "unknown_taxonomy_term",
                f"{where}.taxonomy_term_id",
                f"taxonomieterm '{term}' bestaat niet in 'taxonomy_terms'",
                f"taxonomy term '{term}' does not exist in 'taxonomy_terms'",
            )
        if item.get("link_type") in (None, "service") and not _known(item.get("link_id"), services):
            out.error(
                "unknown_service",
                f"{where}.link_id",
                f"dienst '{item.get('link_id')}' bestaat niet",
                f"service '{item.get('link_id')}' does not exist",
            )

    out.problems.sort(key=lambda p: p.severity != "error")
    return out.problems


# --------------------------------------------------------------------------- parsing


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _seq(item: Mapping[str, Any], key: str) -> list[Any]:
    """An optional list field; anything else (``true``, a number, an object) counts as
    absent, as the validator treats it (it reports only what makes a map unusable)."""
    value = item.get(key)
    return value if isinstance(value, list) else []


def _opt_int(item: Mapping[str, Any], key: str) -> int | None:
    value = item.get(key)
    return None if value is None else int(value)


def _service(
    item: Mapping[str, Any],
    extra_terms: Sequence[str],
    location_ids: Sequence[str],
) -> Service:
    phones = tuple(
        str(p["number"])
        for p in _seq(item, "phones")
        if isinstance(p, Mapping) and p.get("number")
    )
    contacts = [c for c in _seq(item, "contacts") if isinstance(c, Mapping)]
    email = _text(item, "email") or next((str(c["email"]) for c in contacts if c.get("email")), "")
    terms = [str(a["taxonomy_term_id"]) for a in item.get("attributes") or ()]
    nested_locations = [
        str(sal["location_id"])
        for sal in _seq(item, "service_at_locations")
        if isinstance(sal, Mapping) and sal.get("location_id")
    ]
    return Service(
        id=str(item["id"]),
        organization_id=str(item["organization_id"]),
        name=_text(item, "name"),
        status=str(item.get("status") or "active"),
        alternate_name=_text(item, "alternate_name"),
        description=_text(item, "description"),
        eligibility=_text(item, "eligibility_description"),
        application_process=_text(item, "application_process"),
        fees=_text(item, "fees_description"),
        minimum_age=_opt_int(item, "minimum_age"),
        maximum_age=_opt_int(item, "maximum_age"),
        areas=tuple(
            ServiceArea(
                id=str(a.get("id") or ""),
                name=str(a["name"]).strip(),
                description=_text(a, "description"),
            )
            for a in item.get("service_areas") or ()
        ),
        taxonomy_term_ids=tuple(dict.fromkeys([*terms, *extra_terms])),
        location_ids=tuple(dict.fromkeys([*nested_locations, *location_ids])),
        matrix_room=item.get("x_matrix_room") or None,
        response_target_minutes=_opt_int(item, "x_response_target_minutes"),
        email=email,
        url=_text(item, "url"),
        phones=phones,
        contact_names=tuple(str(c["name"]) for c in contacts if c.get("name")),
        triage=item.get("x_triage") is True,
    )


def _address(item: Mapping[str, Any]) -> str:
    for address in item.get("addresses") or ():
        if isinstance(address, Mapping):
            parts = [_text(address, k) for k in ("address_1", "postal_code", "city")]
            return ", ".join(p for p in parts if p)
    return ""


def parse_map(raw: object, source: str = "<map>") -> SocialMap:
    """A frozen :class:`SocialMap`; raises :class:`SocialMapError` naming every error."""
    problems = validate_map(raw)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise _invalid(source, errors)
    assert isinstance(raw, Mapping)
    extra_terms: dict[str, list[str]] = {}
    for attr in raw.get("attributes") or ():
        if attr.get("link_type") in (None, "service"):
            extra_terms.setdefault(str(attr["link_id"]), []).append(str(attr["taxonomy_term_id"]))
    location_ids: dict[str, list[str]] = {}
    for sal in raw.get("service_at_locations") or ():
        location_ids.setdefault(str(sal["service_id"]), []).append(str(sal["location_id"]))
    organizations = {
        str(o["id"]): Organization(
            id=str(o["id"]),
            name=_text(o, "name"),
            alternate_name=_text(o, "alternate_name"),
            description=_text(o, "description"),
            email=_text(o, "email"),
            url=_text(o, "url") or _text(o, "website"),
        )
        for o in raw["organizations"]
    }
    terms = {
        str(t["id"]): TaxonomyTerm(
            id=str(t["id"]),
            name=_text(t, "name"),
            code=_text(t, "code"),
            description=_text(t, "description"),
            taxonomy=_text(t, "taxonomy"),
            parent_id=str(t["parent_id"]) if t.get("parent_id") else None,
        )
        for t in raw.get("taxonomy_terms") or ()
    }
    locations = {
        str(loc["id"]): Location(
            id=str(loc["id"]),
            name=_text(loc, "name"),
            description=_text(loc, "description"),
            address=_address(loc),
        )
        for loc in raw.get("locations") or ()
    }
    services = tuple(
        _service(s, extra_terms.get(str(s["id"]), ()), location_ids.get(str(s["id"]), ()))
        for s in raw["services"]
    )
    return SocialMap(
        source=source,
        organizations=organizations,
        services=services,
        locations=locations,
        taxonomy_terms=terms,
        warnings=tuple(problems),
    )


def _invalid(source: str, errors: Sequence[MapProblem]) -> SocialMapError:
    shown = errors[:20]
    more = len(errors) - len(shown)
    nl_lines = [p.message("nl") for p in shown] + ([f"… en nog {more}"] if more else [])
    en_lines = [p.message("en") for p in shown] + ([f"… and {more} more"] if more else [])
    return SocialMapError(
        f"{source}: de sociale kaart heeft {len(errors)} fout(en):\n  - " + "\n  - ".join(nl_lines),
        f"{source}: the social map has {len(errors)} error(s):\n  - " + "\n  - ".join(en_lines),
        data={"problems": [{"code": p.code, "where": p.where} for p in errors]},
    )


def read_raw(path: str | Path) -> object:
    """The JSON in ``path``; a missing file or bad JSON raises :class:`SocialMapError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SocialMapError(
            f"{path}: bestand niet gevonden",
            f"{path}: file not found",
            errcode="BB_NOT_FOUND",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SocialMapError(
            f"{path}: kan het bestand niet lezen ({exc.__class__.__name__})",
            f"{path}: cannot read the file ({exc.__class__.__name__})",
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SocialMapError(
            f"{path}: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}: {exc.msg})",
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from None


def load_map(path: str | Path | None = None) -> SocialMap:
    """Read, check and parse a map file (the shipped demo map when ``path`` is None)."""
    chosen = demo_map_path() if path is None else Path(path)
    return parse_map(read_raw(chosen), source=str(chosen))
