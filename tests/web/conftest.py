"""Fixtures for the privacy workbench: the busbaan service (no bots) on the test
homeserver with its own store, real Matrix accounts for a privacy officer and a
professional in its directory, a seeded and checkpointed audit log, an aiohttp test
client, and a login helper that goes through the form like a browser does."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from busbaan.audit import AuditEntry, AuditLog
from busbaan.audit.keys import load_or_create_signer
from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password
from busbaan.service import Service, ServiceConfig
from busbaan.store.repositories import DirectoryRepository
from busbaan.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
CASE = "C-WB7KQ2MX"
OTHER_CASE = "C-WB9PLN3R"
REGIE = "@a.bakker:buurtteam.busbaan.example"
SCHULD = "@m.yilmaz:schuldhulp.busbaan.example"
GGD = "@r.jansen:ggd.busbaan.example"
HUMANITAS = "@vrijwilliger.kees:humanitas.busbaan.example"

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    password: str


@dataclass(frozen=True, slots=True)
class Accounts:
    officer: Account
    professional: Account


def _entry(when: dt.datetime, code: str, action: str, outcome: str, **kw: object) -> AuditEntry:
    return AuditEntry(event_code=code, action=action, occurred_at=when, outcome=outcome,
                      source="casus-bot", **kw)  # type: ignore[arg-type]


def seed_entries(now: dt.datetime) -> list[tuple[AuditEntry, dict[str, str] | None]]:
    """A small, realistic history: one case with consents, a handover, emergency
    access and refusals spread over a few weeks, and a second case."""
    today = now.date()
    h = dt.timedelta(hours=1)
    d = dt.timedelta(days=1)
    t0 = now - 20 * d
    bt = {"user_role": "buurtteammedewerker", "organisation": "buurtteam"}
    sh = {"user_role": "schuldhulpverlener", "organisation": "schuldhulp"}
    gg = {"user_role": "arts", "organisation": "ggd"}
    items: list[tuple[AuditEntry, dict[str, str] | None]] = [
        (_entry(t0, "case.created", "C", "done", user_id=REGIE, case_id=CASE, **bt), None),
        (_entry(t0 + h, "consent.granted", "C", "done", user_id=REGIE, case_id=CASE,
                grant_id="G-SCHULD1", data_categories=("schulden", "inkomen"),
                legal_bases=("wgs",), details={"organisation": "schuldhulp",
                                               "valid_until": (today + 9 * d).isoformat()},
                **bt), None),
        (_entry(t0 + 2 * h, "consent.granted", "C", "done", user_id=REGIE, case_id=CASE,
                grant_id="G-GGD1", data_categories=("gezondheid",),
                legal_bases=("toestemming", "uitdrukkelijke-toestemming"),
                details={"organisation": "ggd",
                         "valid_until": (today + 60 * d).isoformat()}, **bt), None),
        (_entry(t0 + 3 * h, "consent.granted", "C", "done", user_id=REGIE, case_id=CASE,
                grant_id="G-WMO1", data_categories=("ondersteuning",), legal_bases=("wmo2015",),
                details={"organisation": "wmo",
                         "valid_until": (today - 2 * d).isoformat()}, **bt), None),
        (_entry(t0 + 4 * h, "membership.join", "C", "allowed", user_id=SCHULD, case_id=CASE,
                grant_id="G-SCHULD1", data_categories=("schulden", "inkomen"),
                legal_bases=("wgs",), checks={"authorised": "yes", "consent": "yes"}, **sh),
         None),
        (_entry(now - 15 * d, "membership.invite_refused", "C", "refused", user_id=REGIE,
                case_id=CASE, subject_user=HUMANITAS, reason_code="refused.no_grant",
                checks={"authorised": "no"}, **bt), None),
        (_entry(now - 15 * d + h, "membership.join_refused", "C", "refused",
                user_id=HUMANITAS, case_id=CASE, reason_code="refused.no_grant",
                user_role="vrijwilliger", organisation="humanitas"), None),
        (_entry(now - 8 * d, "membership.join_refused", "C", "refused", user_id=HUMANITAS,
                case_id=OTHER_CASE, reason_code="refused.no_grant", user_role="vrijwilliger",
                organisation="humanitas"), None),
        (_entry(now - 6 * d, "membership.invite_refused", "C", "refused", user_id=SCHULD,
                case_id=OTHER_CASE, reason_code="refused.category", **sh), None),
        (_entry(now - 30 * h, "handover.proposed", "C", "done", user_id=REGIE, case_id=CASE,
                subject_user=SCHULD, details={"handover_id": "H-1",
                                              "from_organisation": "buurtteam",
                                              "to_organisation": "schuldhulp"}, **bt),
         {"reason": "schulden lopen op, budgetbeheer nodig"}),
        (_entry(now - 26 * h, "handover.accepted", "U", "done", user_id=SCHULD, case_id=CASE,
                subject_user=REGIE, details={"handover_id": "H-1"}, **sh), None),
        (_entry(now - 26 * h, "regie.changed", "U", "done", user_id=SCHULD, case_id=CASE,
                subject_user=REGIE, details={"handover_id": "H-1",
                                             "from_organisation": "buurtteam",
                                             "to_organisation": "schuldhulp",
                                             "sideline_until": (today + 14 * d).isoformat()},
                **sh), None),
        (_entry(now - 3 * d, "handover.proposed", "C", "done", user_id=REGIE,
                case_id=OTHER_CASE, subject_user=SCHULD,
                details={"handover_id": "H-2", "from_organisation": "buurtteam",
                         "to_organisation": "schuldhulp"}, **bt), None),
        (_entry(now - 20 * h, "consent.withdrawn", "U", "done", user_id=REGIE, case_id=CASE,
                grant_id="G-GGD1", details={"organisation": "ggd", "channel": "room"}, **bt),
         None),
        (_entry(now - 5 * h, "breakglass.started", "E", "done", user_id=GGD, case_id=CASE,
                reason_code="breakglass.safety", checks={"emergency": "yes"},
                details={"organisation": "ggd", "until": (today + d).isoformat()}, **gg),
         {"reason": "acuut gevaar, cliënt niet bereikbaar"}),
    ]
    return items


@pytest.fixture(scope="session")
async def wb_service(homeserver: Homeserver,
                     tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    """The busbaan service without bots, its web app on a free port, a seeded audit log
    with a signed checkpoint (the key where the service keeps it)."""
    state = tmp_path_factory.mktemp("workbench-state")
    config = ServiceConfig(
        homeserver=homeserver.url, bots={}, policy_dir=ROOT / "policies",
        database_url=f"sqlite:///{state / 'busbaan.db'}", state_dir=state, web_port=0,
        audit_key_init=True)
    service = Service(config)
    await service.start()
    log = service.audit.log()
    log.append_many(seed_entries(service.clock.now()))
    signer, _ = load_or_create_signer(state / "audit-signing.key")
    AuditLog(log.engine, signer).checkpoint()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture(scope="session")
async def accounts(homeserver: Homeserver, wb_service: Service) -> Accounts:
    """A privacy officer (fg / privacy-officer) and a buurtteam professional: real
    accounts on the test homeserver, both in the workbench's directory."""
    officer_pw, pro_pw = new_password(), new_password()
    officer = await homeserver.register("fg-officer", officer_pw)
    pro = await homeserver.register("bt-professional", pro_pw)
    DirectoryRepository(wb_service.engine).upsert(
        [Professional(user_id=officer.user_id, organisation="fg", role="privacy-officer"),
         Professional(user_id=pro.user_id, organisation="buurtteam",
                      role="buurtteammedewerker")],
        source="test", now=dt.datetime.now(dt.UTC))
    return Accounts(Account(officer.user_id, officer_pw), Account(pro.user_id, pro_pw))


@pytest.fixture
async def client(wb_service: Service, accounts: Accounts) -> AsyncIterator[TestClient]:
    """An aiohttp test client on a fresh app for the service (fresh sessions)."""
    assert wb_service.policy is not None
    app = create_app(wb_service.policy, wb_service)
    async with TestClient(TestServer(app)) as c:
        yield c


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def login(client: TestClient, account: Account) -> aiohttp.ClientResponse:
    """Log in through the form: fetch it (session + CSRF token), post it."""
    form = await client.get("/privacy/login")
    assert form.status == 200
    return await client.post("/privacy/login", allow_redirects=False, data={
        "csrf": csrf_of(await form.text()), "user": account.user_id,
        "password": account.password})


@pytest.fixture
async def officer_client(client: TestClient, accounts: Accounts) -> TestClient:
    """The test client, logged in as the privacy officer."""
    response = await login(client, accounts.officer)
    assert response.status == 303, await response.text()
    return client


def workbench_entries(service: Service, code: str | None = None) -> list[AuditEntry]:
    entries = [i.entry for i in service.audit.log().query(event_prefix="workbench")]
    return [e for e in entries if code is None or e.event_code == code]
