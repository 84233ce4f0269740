"""Demo accounts for ``make dev``: the professionals of ``deploy/demo/directory.csv``
and the bots, registered on the embedded homeserver, described in ``.busbaan/dev.json``.

Passwords are generated once and kept in ``<state dir>/passwords.json`` (mode 0600), so
a second run reuses them. Bots get Synapse's rate limits lifted; people keep them.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import re
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from busbaan.devstack._files import read_json, write_private_json
from busbaan.devstack.admin import Account, Credentials, new_password
from busbaan.devstack.stack import Homeserver
from busbaan.errors import BusbaanError
from busbaan.log import get_logger

log = get_logger(__name__)

DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "directory.csv"
PASSWORDS_FILE = "passwords.json"
DEV_JSON = "dev.json"
PRIVACY_OFFICER_ROLE = "privacy-officer"
#: Bot localparts and their display names.
BOTS: Mapping[str, str] = MappingProxyType(
    {"casus": "Casus (busbaan)", "wegwijzer": "Wegwijzer (busbaan)"}
)

_COLUMNS = ("localpart", "display_name", "organisation", "team", "role")
_LOCALPART = re.compile(r"^[a-z0-9._=/+-]+$")


class DemoDataError(BusbaanError):
    """The demo directory file is malformed; the message names file, line and field."""

    errcode = "BB_DEMO_DATA"


@dataclass(frozen=True, slots=True)
class DemoProfessional:
    """One row of the demo directory."""

    localpart: str
    display_name: str
    organisation: str
    team: str
    role: str


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo professional with their account."""

    professional: DemoProfessional
    credentials: Credentials


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    """Every demo account on the homeserver, ready to be written as ``dev.json``."""

    homeserver: str
    server_name: str
    bots: Mapping[str, Credentials]
    users: tuple[DemoUser, ...]
    privacy_officer: DemoUser

    def dev_json(self, web_url: str) -> dict[str, Any]:
        """The content of ``.busbaan/dev.json`` (the privacy officer not among users)."""
        return {
            "homeserver": self.homeserver,
            "server_name": self.server_name,
            "web": web_url,
            "bots": {name: creds.user_id for name, creds in self.bots.items()},
            "users": [
                {
                    "user_id": user.credentials.user_id,
                    "password": user.credentials.password,
                    "display_name": user.professional.display_name,
                    "organisation": user.professional.organisation,
                    "role": user.professional.role,
                }
                for user in self.users
            ],
            "privacy_officer": {
                "user_id": self.privacy_officer.credentials.user_id,
                "password": self.privacy_officer.credentials.password,
            },
        }


def _error(path: Path, line: int, nl: str, en: str) -> DemoDataError:
    return DemoDataError(f"{path}:{line}: {nl}", f"{path}:{line}: {en}")


def load_directory(path: Path = DEMO_DIRECTORY) -> tuple[DemoProfessional, ...]:
    """Parse the demo directory CSV; exactly one row must have the privacy-officer role."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DemoDataError(
            f"{path}: niet te lezen ({exc.strerror})", f"{path}: cannot be read ({exc.strerror})"
        ) from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise _error(path, 1, f"kolommen ontbreken: {missing}", f"missing columns: {missing}")
    rows: list[DemoProfessional] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(c) or "").strip() for c in _COLUMNS}
        for column, value in values.items():
            if not value:
                raise _error(path, line, f"veld {column!r} is leeg", f"field {column!r} is empty")
        localpart = values["localpart"]
        if not _LOCALPART.match(localpart):
            raise _error(
                path,
                line,
                f"veld 'localpart': {localpart!r} is geen geldige Matrix-localpart",
                f"field 'localpart': {localpart!r} is not a valid Matrix localpart",
            )
        if localpart in seen or localpart in BOTS:
            raise _error(
                path,
                line,
                f"veld 'localpart': {localpart!r} komt al voor",
                f"field 'localpart': {localpart!r} is already taken",
            )
        seen.add(localpart)
        rows.append(DemoProfessional(**values))
    officers = [p for p in rows if p.role == PRIVACY_OFFICER_ROLE]
    if len(officers) != 1:
        raise DemoDataError(
            f"{path}: er moet precies één {PRIVACY_OFFICER_ROLE} zijn, niet {len(officers)}",
            f"{path}: there must be exactly one {PRIVACY_OFFICER_ROLE}, not {len(officers)}",
        )
    return tuple(rows)


def _passwords(path: Path, localparts: list[str]) -> tuple[dict[str, str], set[str]]:
    """Stored passwords, completed with new ones; also which localparts are new."""
    stored = read_json(path).get("accounts", {})
    passwords = {k: str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}
    fresh = {localpart for localpart in localparts if localpart not in passwords}
    for localpart in sorted(fresh):
        passwords[localpart] = new_password()
    if fresh:
        # Written before registering, so that a crash half-way loses no password.
        write_private_json(path, {"version": 1, "accounts": passwords})
    return passwords, fresh


async def provision_demo(
    homeserver: Homeserver,
    *,
    directory: Path = DEMO_DIRECTORY,
    state_dir: Path | None = None,
) -> DemoAccounts:
    """Register the bots and the demo professionals; reuse what exists.

    Passwords live in ``<state_dir>/passwords.json`` (default: the homeserver's base
    directory, i.e. ``.busbaan/``). Existing accounts are not logged in (Synapse's login
    rate limit would make a second run slow): their access tokens are None; the bots
    log in themselves. An existing account whose password was lost from the file gets
    the new password through the admin API.
    """
    professionals = load_directory(directory)
    state_dir = state_dir or homeserver.base_dir
    wanted = [(name, display, True) for name, display in BOTS.items()] + [
        (p.localpart, p.display_name, False) for p in professionals
    ]
    passwords, fresh = _passwords(state_dir / PASSWORDS_FILE, [w[0] for w in wanted])
    accounts = [
        Account(
            localpart=localpart,
            password=passwords[localpart],
            display_name=display_name,
            lift_ratelimit=is_bot,
        )
        for localpart, display_name, is_bot in wanted
    ]
    credentials = await homeserver.register_users(accounts, login_if_exists=False)
    for account, creds in zip(accounts, credentials, strict=True):
        if not creds.created and account.localpart in fresh:
            await homeserver.admin.reset_password(creds.user_id, account.password)

    by_localpart = dict(zip((a.localpart for a in accounts), credentials, strict=True))
    users = tuple(DemoUser(p, by_localpart[p.localpart]) for p in professionals)
    officer = next(u for u in users if u.professional.role == PRIVACY_OFFICER_ROLE)
    log.info(
        "devstack.demo.provisioned",
        users=len(users),
        bots=sorted(BOTS),
        created=sum(1 for c in credentials if c.created),
    )
    return DemoAccounts(
        homeserver=homeserver.url,
        server_name=homeserver.server_name,
        bots={name: by_localpart[name] for name in BOTS},
        users=tuple(u for u in users if u is not officer),
        privacy_officer=officer,
    )


def write_dev_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``dev.json`` atomically (temporary file + rename), mode 0600: it holds passwords."""
    write_private_json(path, data)
    log.info("devstack.dev_json.written", path=str(path))


async def wait_for_stop_signal() -> None:
    """Return when the dev stack is asked to stop (Ctrl-C or SIGTERM)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
