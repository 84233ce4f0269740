"""The directory: who is who (organisation, team, role).

Explicit entries (imported from CSV) win; otherwise a professional's homeserver
domain names their organisation, when exactly one organisation runs it and that
organisation has a ``default_role`` in the policy.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from busbaan.consent.model import Professional
from busbaan.errors import BusbaanError
from busbaan.policy.model import Policy

CSV_COLUMNS = ("user_id", "display_name", "organisation", "team", "role")
# @localpart:server, both parts non-empty, no whitespace (server may carry a port or
# be an IPv6 literal, so only the first colon separates).
_USER_ID = re.compile(r"@[^\s:@]+:[^\s@]+")


def is_user_id(text: str) -> bool:
    """Whether ``text`` is a Matrix user ID (``@name:server``) as the directory takes it."""
    return _USER_ID.fullmatch(text) is not None


class DirectoryImportError(BusbaanError):
    errcode = "BB_DIRECTORY_INVALID"


@dataclass(frozen=True, slots=True)
class Directory:
    """An in-memory directory; lookups are O(1)."""

    policy: Policy
    entries: Mapping[str, Professional]

    def __call__(self, user_id: str) -> Professional | None:
        found = self.entries.get(user_id)
        if found is not None:
            return found
        server = user_id.partition(":")[2]
        org = self.policy.organisation_for_server(server) if server else None
        if org is not None and org.default_role:
            return Professional(user_id=user_id, organisation=org.id, role=org.default_role)
        return None

    @classmethod
    def of(cls, policy: Policy, entries: Iterable[Professional]) -> Directory:
        return cls(policy, {p.user_id: p for p in entries})


def _rows(reader: Any, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number where the row starts, row by column) for every non-blank row."""
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        if values:
            yield start, dict(zip(header, values, strict=False))


def parse_directory_csv(text: str, policy: Policy, *, server_name: str | None = None,
                        source: str = "directory.csv") -> list[Professional]:
    """Parse a directory CSV; every row is checked against the policy.

    Columns: ``user_id`` (or ``localpart`` with ``server_name``), ``display_name``,
    ``organisation``, ``team``, ``role``. Raises :class:`DirectoryImportError` listing
    every bad row; nothing is imported when any row is wrong.
    """
    # Spreadsheets save CSV with a byte-order mark and pad headers: neither is an error.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header: list[str] = next((r for r in reader if r), [])
    header = [h.strip().lower() for h in header]
    fields = set(header)
    problems_nl: list[str] = []
    problems_en: list[str] = []
    if not ({"organisation", "role"} <= fields and ({"user_id"} & fields or "localpart" in fields)):
        raise DirectoryImportError(
            f"{source}: kolommen ontbreken; nodig zijn user_id (of localpart), display_name, "
            "organisation, team, role.",
            f"{source}: columns missing; required: user_id (or localpart), display_name, "
            "organisation, team, role.",
        )
    out: list[Professional] = []
    seen: set[str] = set()
    for lineno, row in _rows(reader, header):
        user_id = (row.get("user_id") or "").strip()
        if not user_id and row.get("localpart"):
            if not server_name:
                problems_nl.append(f"regel {lineno}: localpart zonder servernaam")
                problems_en.append(f"line {lineno}: localpart without a server name")
                continue
            user_id = f"@{row['localpart'].strip()}:{server_name}"
        org_id, role_id = (row.get("organisation") or "").strip(), (row.get("role") or "").strip()
        if not _USER_ID.fullmatch(user_id):
            problems_nl.append(f"regel {lineno}: '{user_id}' is geen Matrix-ID (@naam:server)")
            problems_en.append(f"line {lineno}: '{user_id}' is not a Matrix ID (@name:server)")
            continue
        org = policy.organisation(org_id)
        if org is None:
            known = ", ".join(o.id for o in policy.organisations)
            problems_nl.append(
                f"regel {lineno}: onbekende organisatie '{org_id}' (bekend: {known})")
            problems_en.append(
                f"line {lineno}: unknown organisation '{org_id}' (known: {known})")
            continue
        if org.role(role_id) is None:
            known = ", ".join(r.id for r in org.roles)
            problems_nl.append(
                f"regel {lineno}: organisatie '{org_id}' heeft geen rol '{role_id}' (wel: {known})")
            problems_en.append(
                f"line {lineno}: organisation '{org_id}' has no role '{role_id}' (known: {known})")
            continue
        if user_id in seen:
            problems_nl.append(f"regel {lineno}: {user_id} staat er twee keer in")
            problems_en.append(f"line {lineno}: {user_id} appears twice")
            continue
        seen.add(user_id)
        out.append(Professional(
            user_id=user_id, organisation=org_id, role=role_id,
            team=(row.get("team") or "").strip(),
            display_name=(row.get("display_name") or "").strip(),
        ))
    if problems_nl:
        raise DirectoryImportError(
            f"{source}: niets geïmporteerd, want:\n" + "\n".join(problems_nl),
            f"{source}: nothing imported, because:\n" + "\n".join(problems_en),
        )
    return out
