"""Fixtures for the citizen pages without a homeserver: the busbaan service (no bots)
on its own SQLite store, a case with grants seeded through the repositories, links
made the way ``!burgerlink`` makes them, and an aiohttp test client.

Matrix is the one edge replaced here (:class:`StoreActions` does what the casus bot
does to the store, nothing in a room); tests/casus/test_citizen_room.py runs the same
decisions through the real bot and Synapse."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from busbaan.audit import AuditEntry
from busbaan.cases import AuditMirror, CaseService
from busbaan.citizen import DATA_SUBJECT, links
from busbaan.citizen.model import Proposal, grant_id_for
from busbaan.consent import Grant, Professional
from busbaan.service import Service, ServiceConfig
from busbaan.store.citizen_repo import CitizenRepository
from busbaan.store.repositories import CaseRepository, DirectoryRepository, new_id
from busbaan.web.app import create_app
from busbaan.web.citizen import CITIZEN
from busbaan.web.citizen.actions import Withdrawal

ROOT = Path(__file__).resolve().parents[2]
REGIE = "@anouk:buurtteam.busbaan.example"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_FORM = re.compile(r'name="form" value="([^"]+)"')


class StoreActions:
    """The citizen's decisions through the case service, without a room or a bot."""

    def __init__(self, service: Service) -> None:
        assert service.policy is not None
        self.cases = CaseService(service.engine, policy=service.policy, clock=service.clock)
        # The audit mirror the casus bot runs, drained here at once (the timeline
        # shows the decision on the next page, as with the bot).
        self.mirror = AuditMirror(service.engine, service.audit.log(),
                                  bot_user_id="@casus:localhost")
        self.told: list[tuple[str, str, dict[str, Any]]] = []

    async def withdraw(self, case_id: str, grant_id: str) -> Withdrawal:
        self.cases.withdraw(case_id, [grant_id], by=DATA_SUBJECT, channel="citizen")
        self.mirror.drain()
        return Withdrawal(0, REGIE)

    async def approve(self, proposal: Proposal, now: dt.datetime) -> str:
        gid = grant_id_for(proposal.proposal_id)
        self.cases.give_grants(proposal.case_id, [Grant(
            grant_id=gid, organisation=proposal.organisation, categories=proposal.categories,
            legal_bases=proposal.legal_bases, valid_from=now, valid_until=proposal.valid_until,
            given_by=DATA_SUBJECT)], by=DATA_SUBJECT)
        self.mirror.drain()
        return gid

    async def tell_regie(self, case_id: str, *, kind: str, body: str,
                         data: dict[str, Any]) -> None:
        self.told.append((case_id, kind, data))


@pytest.fixture(scope="session")
async def cit_service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    """The busbaan service with no bots and no web server of its own."""
    state = tmp_path_factory.mktemp("citizen-state")
    config = ServiceConfig(homeserver="http://127.0.0.1:9", bots={},
                           policy_dir=ROOT / "policies",
                           database_url=f"sqlite:///{state / 'busbaan.db'}", state_dir=state,
                           web_port=-1, checkpoint_seconds=0, audit_key_init=True)
    service = Service(config)
    await service.start()
    DirectoryRepository(service.engine).upsert(
        [Professional(user_id=REGIE, organisation="buurtteam", role="buurtteammedewerker",
                      display_name="Anouk de Vries")], source="test", now=dt.datetime.now(dt.UTC))
    try:
        yield service
    finally:
        await service.stop()


@dataclass
class Case:
    case_id: str
    law_grant: str
    consent_grant: str
    token: str
    code: str


def seed_case(service: Service, *, expires_in: dt.timedelta = dt.timedelta(days=14)) -> Case:
    """A case led by Anouk (buurtteam) with a Wgs grant and a consent grant, and a link."""
    now = dt.datetime.now(dt.UTC)
    cases = CaseRepository(service.engine)
    row = cases.create(home_organisation="buurtteam", regie=REGIE, label="", now=now)
    cases.attach_room(row.case_id, f"!{row.case_id.lower()}:busbaan.example")
    until = now + dt.timedelta(days=90)
    law = Grant(grant_id=new_id("G"), organisation="schuldhulp",
                categories=("schulden", "inkomen"), legal_bases=("wgs",), valid_from=now,
                valid_until=until, given_by=REGIE)
    consent = Grant(grant_id=new_id("G"), organisation="humanitas", categories=("contact",),
                    legal_bases=("toestemming",), valid_from=now, valid_until=until,
                    given_by=REGIE)
    cases.add_grants(row.case_id, [law, consent])
    service.audit.write([  # what the casus bot records for these steps
        AuditEntry(event_code="case.created", action="C", outcome="done", source="casus-bot",
                   occurred_at=now - dt.timedelta(days=30), user_id=REGIE,
                   organisation="buurtteam", case_id=row.case_id),
        AuditEntry(event_code="consent.granted", action="C", outcome="done",
                   source="casus-bot", occurred_at=now - dt.timedelta(days=29), user_id=REGIE,
                   organisation="buurtteam", case_id=row.case_id, grant_id=law.grant_id,
                   details={"organisation": "schuldhulp"}),
        AuditEntry(event_code="consent.granted", action="C", outcome="done",
                   source="casus-bot", occurred_at=now - dt.timedelta(days=2), user_id=REGIE,
                   organisation="buurtteam", case_id=row.case_id, grant_id=consent.grant_id,
                   details={"organisation": "humanitas"}),
    ])
    token, code = links.new_token(), links.new_code()
    CitizenRepository(service.engine).add_link(
        case_id=row.case_id, token_hash=links.token_hash(token),
        code_hash=links.code_hash(token, code), created_by=REGIE, now=now,
        expires_at=now + expires_in, contact="020 555 0101 (ma-vr 9-17)")
    return Case(row.case_id, law.grant_id, consent.grant_id, token, code)


def add_proposal(service: Service, case_id: str) -> Proposal:
    now = dt.datetime.now(dt.UTC)
    p = Proposal(proposal_id=new_id("P"), case_id=case_id, organisation="huisartsen",
                 categories=("contact", "gezondheid"),
                 legal_bases=("toestemming", "uitdrukkelijke-toestemming"),
                 valid_until=now + dt.timedelta(days=60), proposed_by=REGIE, proposed_at=now)
    CitizenRepository(service.engine).add_proposal(p)
    return p


@pytest.fixture
async def client(cit_service: Service) -> AsyncIterator[TestClient]:
    """A test client on a fresh app whose decisions go to the store only."""
    assert cit_service.policy is not None
    app = create_app(cit_service.policy, cit_service)
    app[CITIZEN].actions = StoreActions(cit_service)
    async with TestClient(TestServer(app)) as c:
        yield c


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def forms_of(html: str) -> list[str]:
    return _FORM.findall(html)


async def log_in(client: TestClient, case: Case, code: str | None = None) -> Any:
    form = await client.get(f"/burger/l/{case.token}")
    assert form.status == 200, await form.text()
    return await client.post(f"/burger/l/{case.token}", allow_redirects=False,
                             data={"csrf": csrf_of(await form.text()),
                                   "code": code or case.code})
