"""A burst of commands at a busbaan service that is killed with SIGKILL half-way and
started again (issue 9, part 6): used by tests/casus/test_crash_safety.py and
bench/burst.py. The service runs as a real subprocess (``busbaan serve``) against
the given homeserver, with its own SQLite store and state directory.

What counts, per command of the burst (each a reply to exactly one command event):
*lost* — no reply; *doubled* — more than one reply, or more than one grant, audit
entry or state event for it. Every grant command carries its own end date, so the
grant, its ``consent.granted`` entry and its state event can be told apart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nio
import sqlalchemy as sa

from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import Person
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

REPLY_KEY = "nl.busbaan.reply"


@dataclass
class ServiceProcess:
    """``busbaan serve`` in a subprocess (the casus bot only, no web app)."""

    homeserver: str
    user_id: str
    password_file: Path
    db_url: str
    state_dir: Path
    policies: Path
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        exe = Path(sys.executable).with_name("busbaan")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-c",
                                                "from busbaan.cli import main; main()"]
        cmd += ["serve", "--homeserver", self.homeserver, "--casus-user", self.user_id,
                "--casus-password-file", str(self.password_file), "--policies",
                str(self.policies), "--state-dir", str(self.state_dir), "--web-port", "-1",
                "--init-audit-key",  # issue 9: a test creates its signing key explicitly
                "--no-encryption"]  # plain nio clients (issue 11: ON by default)
        env = {**os.environ, "BUSBAAN_DATABASE_URL": self.db_url}
        self.starts += 1
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        needle = b'"service.started"'
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"busbaan serve stopped: {self.log_path.read_text()[-2000:]}")
            text = self.log_path.read_bytes() if self.log_path.exists() else b""
            if text.count(needle) >= self.starts:
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("busbaan serve did not start")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@dataclass
class BurstResult:
    commands: int
    answered: int
    lost: int
    doubled: int
    recovered: int  # answered with "your answer was lost in a restart" (work done once)
    grants_expected: int
    grants_stored: int
    grant_entries: int
    grant_states: int
    killed_after_replies: int
    seconds: float
    problems: list[str] = field(default_factory=list)
    disrupt: str = "kill"
    not_ok: int = 0  # answered with ok false (e.g. "nothing changed, try again")

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


async def _person(hs: Homeserver, localpart: str) -> Person:
    creds = await hs.register(localpart, new_password(), lift_ratelimit=True)
    assert creds.access_token is not None
    client = nio.AsyncClient(hs.url, creds.user_id, config=nio.AsyncClientConfig(
        encryption_enabled=False, store_sync_tokens=False))
    client.access_token = creds.access_token
    client.user_id = creds.user_id
    person = Person(creds.user_id, client)
    await person.start()
    return person


async def _all_events(client: nio.AsyncClient, room_id: str) -> list[dict[str, Any]]:
    """Every event of a room, oldest first (paginated from the end)."""
    out: list[dict[str, Any]] = []
    token = ""
    while True:
        resp = await client.room_messages(room_id, start=token, limit=500,
                                          direction=nio.MessageDirection.back)
        assert isinstance(resp, nio.RoomMessagesResponse), resp
        out.extend(e.source for e in resp.chunk)
        if not resp.chunk or not resp.end or resp.end == token:
            break
        token = resp.end
    return list(reversed(out))


def _replies(events: list[dict[str, Any]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for e in events:
        content = e.get("content", {})
        if REPLY_KEY in content:
            target = ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get(
                "event_id")
            if target:
                counts[target] += 1
    return counts


PG_SERVER = "postgresql+psycopg://postgres@{address}"


@dataclass
class PgDatabase:
    """A database of its own on the shared PostgreSQL server: the burst can take it
    away (every connection of the service cut, new ones refused) without touching the
    server or anyone else's database."""

    address: str
    name: str = field(default_factory=lambda: f"busbaan_burst_{os.urandom(4).hex()}")

    @property
    def url(self) -> str:
        return f"{PG_SERVER.format(address=self.address)}/{self.name}"

    def _admin(self, sql: str) -> None:
        admin = sa.create_engine(f"{PG_SERVER.format(address=self.address)}/postgres",
                                 isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            admin.dispose()

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def cut(self) -> None:
        """Refuse new connections and end every existing one (as a restart would)."""
        self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()")

    def restore(self) -> None:
        self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


async def run_burst(hs: Homeserver, workdir: Path, policies: Path, *, commands: int = 200,
                    kill_after: int = 60, timeout: float = 240.0,
                    disrupt: str = "kill", store: str = "sqlite",
                    pg_address: str = "127.0.0.1:5432",
                    outage_seconds: float = 3.0) -> BurstResult:
    """Start the service, open a case, send ``commands`` commands without waiting, and
    once ``kill_after`` replies arrived: kill the service with SIGKILL and start it
    again (``disrupt="kill"``), stop and start the homeserver under the running service
    (``"synapse"``), or take the service's PostgreSQL database away for
    ``outage_seconds`` — every connection ended, new ones refused — and give it back
    (``"postgres"``, implies ``store="postgresql"``). Then count what every command got."""
    workdir.mkdir(parents=True, exist_ok=True)
    pg: PgDatabase | None = None
    if disrupt == "postgres" or store == "postgresql":
        pg = PgDatabase(pg_address)
        pg.create()
        db_url = pg.url
    else:
        db_url = f"sqlite:///{workdir / 'busbaan.db'}"
    try:
        migrate(db_url)
        return await _burst(hs, workdir, policies, db_url, pg, commands=commands,
                            kill_after=kill_after, timeout=timeout, disrupt=disrupt,
                            outage_seconds=outage_seconds)
    finally:
        if pg is not None:
            pg.drop()


async def _burst(hs: Homeserver, workdir: Path, policies: Path, db_url: str,
                 pg: PgDatabase | None, *, commands: int, kill_after: int, timeout: float,
                 disrupt: str, outage_seconds: float) -> BurstResult:
    suffix = os.urandom(3).hex()
    bot_password = new_password()
    bot = await hs.register(f"burstbot-{suffix}", bot_password, lift_ratelimit=True)
    password_file = workdir / "bot.password"
    password_file.write_text(bot_password)
    password_file.chmod(0o600)
    regie = await _person(hs, f"burstregie-{suffix}")
    engine = make_engine(db_url)
    DirectoryRepository(engine).upsert(
        [Professional(user_id=regie.user_id, organisation="buurtteam",
                      role="buurtteammedewerker")], source="test", now=dt.datetime.now(dt.UTC))
    svc = ServiceProcess(homeserver=hs.url, user_id=bot.user_id, password_file=password_file,
                         db_url=db_url, state_dir=workdir / "state", policies=policies,
                         log_path=workdir / "service.log")
    try:
        svc.start()
        await svc.wait_ready()
        dm = await regie.dm(bot.user_id)
        opened = await regie.command(dm, "!casus nieuw burst", timeout=30)
        data = opened[REPLY_KEY]
        if not data["ok"]:
            raise RuntimeError(opened["body"])
        room = data["data"]["room_id"]
        case_id = data["data"]["case_id"]
        await regie.join(room)
        start_day = dt.date.today() + dt.timedelta(days=10)
        texts: list[str] = []
        grant_days: list[str] = []
        for i in range(commands):
            if i % 4 == 3:
                texts.append("!regie")
            else:
                day = (start_day + dt.timedelta(days=i)).isoformat()
                grant_days.append(day)
                texts.append(f"!toestemming geef schuldhulp schulden grondslag=wgs tot={day}")
        t0 = time.monotonic()
        sent: list[str] = []
        for text in texts:
            resp = await regie.client.room_send(room, "m.room.message",
                                                {"msgtype": "m.text", "body": text})
            assert isinstance(resp, nio.RoomSendResponse), resp
            sent.append(resp.event_id)
        # Kill once enough replies have arrived (or at once if they come too fast).
        seen = 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = len({t for t in _replies([e for _, e in regie.events]) if t in sent})
            if seen >= kill_after:
                break
            await asyncio.sleep(0.05)
        killed_after = seen
        if disrupt == "kill":
            svc.kill9()
            svc.start()
            await svc.wait_ready()
        elif disrupt == "postgres":
            assert pg is not None
            engine.dispose()  # our own reading connections go too
            await asyncio.to_thread(pg.cut)
            await asyncio.sleep(outage_seconds)
            await asyncio.to_thread(pg.restore)
            if svc.proc is not None and svc.proc.poll() is not None:
                raise RuntimeError("busbaan serve stopped when the database went away: "
                                   + svc.log_path.read_text()[-2000:])
        else:
            await hs.process.astop()
            await asyncio.sleep(2.0)
            await hs.process.astart()
        while time.monotonic() < deadline:
            got = _replies([e for _, e in regie.events])
            if all(got[s] >= 1 for s in sent):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)  # a second reply, were there one, would show by now
        # The audit mirror drains what is left.
        outbox_done = time.monotonic() + 30
        while time.monotonic() < outbox_done:
            with engine.connect() as conn:
                left = conn.execute(sa.text(
                    "SELECT count(*) FROM outbox_event WHERE audit_index IS NULL "
                    "AND failure IS NULL")).scalar_one()
            if left == 0:
                break
            await asyncio.sleep(0.2)
        seconds = time.monotonic() - t0
        events = await _all_events(regie.client, room)
        counts = _replies(events)
        answered = sum(1 for s in sent if counts[s] >= 1)
        doubled_replies = sum(1 for s in sent if counts[s] > 1)
        not_ok = sum(1 for e in events
                     if (e.get("content", {}).get(REPLY_KEY) or {}).get("ok") is False
                     and ((e["content"].get("m.relates_to") or {}).get("m.in_reply_to")
                          or {}).get("event_id") in sent)
        recovered = sum(1 for e in events
                        if (e.get("content", {}).get(REPLY_KEY) or {}).get("data", {})
                        .get("recovered"))
        with engine.connect() as conn:
            stored = [str(r[0])[:10] for r in conn.execute(sa.text(
                "SELECT valid_until FROM consent_grant WHERE case_id = :c"), {"c": case_id})]
            from busbaan.audit.storage import AuditLog
            entries = [e.entry for e in AuditLog(engine).query(case_id=case_id)
                       if e.entry.event_code == "consent.granted"]
        state = {e["state_key"]: e["content"] for e in (await _state(regie.client, room))
                 if e["type"] == "nl.busbaan.consent"}
        stored_c, expected_c = Counter(stored), Counter(grant_days)
        entry_grants = Counter(e.grant_id for e in entries)
        problems = []
        missing_grants = sum((expected_c - stored_c).values())
        extra_grants = sum((stored_c - expected_c).values())
        if missing_grants or extra_grants:
            problems.append(f"grants: {missing_grants} missing, {extra_grants} extra")
        if any(n != 1 for n in entry_grants.values()) or len(entry_grants) != len(stored):
            problems.append(f"audit: {len(entries)} consent.granted entries for "
                            f"{len(stored)} grants")
        if len(state) != len(stored):
            problems.append(f"state: {len(state)} consent events for {len(stored)} grants")
        return BurstResult(
            commands=commands, answered=answered, lost=commands - answered + missing_grants,
            doubled=doubled_replies + extra_grants, recovered=recovered,
            grants_expected=len(grant_days), grants_stored=len(stored),
            grant_entries=len(entries), grant_states=len(state),
            killed_after_replies=killed_after, seconds=round(seconds, 1), problems=problems,
            disrupt=disrupt, not_ok=not_ok)
    finally:
        svc.stop()
        await regie.stop()
        await regie.client.close()
        engine.dispose()


async def _state(client: nio.AsyncClient, room: str) -> list[dict[str, Any]]:
    resp = await client.room_get_state(room)
    assert isinstance(resp, nio.RoomGetStateResponse), resp
    return list(resp.events)
