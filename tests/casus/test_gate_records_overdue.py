"""The gate's one audit-failure policy against a real Synapse (issue 9): a record the
audit store refuses is kept and retried, never dropped; while records are overdue the
gate refuses membership changes in case rooms (fail closed), and admits them again
once the records are written."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nio
import pytest

from busbaan.audit.storage import AuditLog
from busbaan.cli.dev import gate_module
from busbaan.consent import Professional
from busbaan.devstack import new_password, start_homeserver
from busbaan.devstack.people import Person, eventually
from busbaan.devstack.stack import Homeserver
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

pytestmark = pytest.mark.synapse

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 2
#: The audit store refusing every new entry: a real failure inside the database.
BREAK = ("CREATE TRIGGER test_audit_down BEFORE INSERT ON audit_entry "
         "BEGIN SELECT RAISE(ABORT, 'audit store down (test)'); END")
REPAIR = "DROP TRIGGER test_audit_down"


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[tuple[Homeserver, Service, str]]:
    """Its own Synapse whose gate allows records to wait ``DEADLINE_S`` seconds."""
    url = f"sqlite:///{tmp_path / 'busbaan.db'}"
    migrate(url)
    bot_id = "@casus:localhost"
    module = gate_module(ROOT / "policies", url, bot_id)
    module["config"]["record_deadline_seconds"] = DEADLINE_S  # type: ignore[index]
    hs = await start_homeserver(tmp_path / "hs", [module], profile="test")
    try:
        password = new_password()
        creds = await hs.register("casus", password, lift_ratelimit=True)
        service = Service(ServiceConfig(
            homeserver=hs.url, policy_dir=ROOT / "policies", database_url=url,
            bots={"casus": BotAccount("casus", hs.url, creds.user_id, password=password)},
            state_dir=tmp_path / "state", web_port=-1, reconcile_seconds=0.5,
            audit_key_init=True,
            encryption=False))  # plain nio clients here; ON by default (issue 11)
        await service.start()
        try:
            yield hs, service, url
        finally:
            await service.stop()
    finally:
        await hs.stop()


async def _person(hs: Homeserver, url: str, service: Service, org: str, role: str
                  ) -> Person:
    creds = await hs.register(f"p-{org}-{secrets.token_hex(3)}", new_password())
    engine = make_engine(url)
    DirectoryRepository(engine).upsert([Professional(creds.user_id, org, role)],
                                       source="test", now=dt.datetime.now(dt.UTC))
    engine.dispose()
    await service.casus.refresh_directory(force=True)
    client = nio.AsyncClient(hs.url, creds.user_id, config=nio.AsyncClientConfig(
        encryption_enabled=False, store_sync_tokens=False))
    client.access_token, client.user_id = creds.access_token, creds.user_id
    person = Person(creds.user_id, client)
    await person.start()
    return person


def _gate_records(url: str, subject: str) -> list[Any]:
    engine = make_engine(url)
    try:
        return [e.entry for e in AuditLog(engine).query() if e.entry.source == "gate"
                and e.entry.subject_user == subject]
    finally:
        engine.dispose()


async def test_overdue_records_make_the_gate_refuse_membership_until_written(
    stack: tuple[Homeserver, Service, str]
) -> None:
    """With the audit store refusing, an allowed invitation still happens and its record
    waits; once it waited longer than the deadline, the gate refuses the next
    invitation with its "cannot record" reason; after the store is repaired the waiting
    record is written (not dropped) and invitations are admitted again."""
    hs, service, url = stack
    bot = service.casus.user_id
    regie = await _person(hs, url, service, "buurtteam", "buurtteammedewerker")
    colleague = await _person(hs, url, service, "buurtteam", "buurtteammedewerker")
    counsellor = await _person(hs, url, service, "schuldhulp", "schuldhulpverlener")
    people = (regie, colleague, counsellor)
    engine = make_engine(url)
    try:
        dm = await regie.dm(bot)
        r = (await regie.command(dm, "!casus nieuw"))["nl.busbaan.reply"]
        assert r["ok"], r
        room = r["data"]["room_id"]
        assert isinstance(await regie.join(room), nio.JoinResponse)
        r = (await regie.command(room, "!toestemming geef schuldhulp schulden "
                                       f"grondslag=wgs tot={_until(30)}"))["nl.busbaan.reply"]
        assert r["ok"], r
        await service.casus.settle()

        with engine.begin() as conn:
            conn.exec_driver_sql(BREAK)
        try:
            # Allowed, so it happens; its record cannot be written and waits.
            first = await regie.client.room_invite(room, colleague.user_id)
            assert isinstance(first, nio.RoomInviteResponse), first
            await asyncio.sleep(DEADLINE_S + 1.0)
            refused = await regie.client.room_invite(room, counsellor.user_id)
            assert isinstance(refused, nio.RoomInviteError)
            assert refused.status_code == "M_FORBIDDEN"
            assert "niet controleren" in refused.message  # refused.gate_unavailable
            assert _gate_records(url, colleague.user_id) == []  # still waiting
        finally:
            with engine.begin() as conn:
                conn.exec_driver_sql(REPAIR)

        async def recorded() -> bool:
            return bool(_gate_records(url, colleague.user_id))

        await eventually(recorded, timeout=40)  # the kept record, written on a retry

        async def admitted() -> bool:
            resp = await regie.client.room_invite(room, counsellor.user_id)
            return isinstance(resp, nio.RoomInviteResponse)

        await eventually(admitted, timeout=10, interval=0.5)
        assert isinstance(await counsellor.join(room), nio.JoinResponse)
    finally:
        engine.dispose()
        for p in people:
            await p.stop()
            await p.client.close()

