"""The case service, its outbox and its mirrors, on SQLite and PostgreSQL (issue 9)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from busbaan.audit.storage import AuditLog
from busbaan.cases import AuditMirror, CaseService, RoomStateMirror
from busbaan.cases.mirrors import desired_state, read_facts, seq_runs
from busbaan.citizen import DATA_SUBJECT
from busbaan.clock import FakeClock
from busbaan.consent import Grant, Professional
from busbaan.consent.state import is_case_id
from busbaan.directory import Directory
from busbaan.errors import Forbidden, NotFound, Unavailable, Unlawful
from busbaan.events import (
    EVENT_TYPES,
    ConsentGranted,
    ConsentGrantRefused,
    MalformedEvent,
    event_from_dict,
)
from busbaan.policy import load_policy
from busbaan.store import make_engine, migrate
from busbaan.store.inbox import CommandMark, Inbox, current_command
from busbaan.store.repositories import DirectoryRepository, new_id
from busbaan.store.service_tables import outbox_table

POLICY = load_policy(Path(__file__).resolve().parents[2] / "policies")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
BOT = "@casus:localhost"
REGIE = "@regie:localhost"
SH = "@sh:localhost"


def _service(url: str) -> CaseService:
    engine = make_engine(url)
    DirectoryRepository(engine).upsert(
        [Professional(REGIE, "buurtteam", "buurtteammedewerker"),
         Professional(SH, "schuldhulp", "schuldhulpverlener")], source="test", now=NOW)
    return CaseService(engine, policy=POLICY, clock=FakeClock(NOW))


def _open(service: CaseService, room: str = "!room:localhost") -> str:
    row = service.open_case(regie=REGIE, organisation="buurtteam", label="huur")
    service.attach_room(row.case_id, room)
    return row.case_id


def _grant(org: str = "schuldhulp", days: int = 30, **kw: Any) -> Grant:
    base = dict(grant_id=new_id("G"), organisation=org, categories=("schulden",),
                legal_bases=("wgs",), valid_from=NOW, valid_until=NOW + dt.timedelta(days=days),
                given_by=REGIE)
    base.update(kw)
    return Grant(**base)  # type: ignore[arg-type]


def _codes(service: CaseService, case_id: str) -> list[str]:
    return [r["code"] for r in service.outbox(case_id)]


# -- events ---------------------------------------------------------------------------


def test_every_event_type_round_trips_through_its_dict(db_url: str) -> None:
    """Each event the service writes parses back from its outbox payload unchanged."""
    service = _service(db_url)
    case_id = _open(service)
    g = _grant()
    service.give_grants(case_id, [g], by=REGIE)
    service.withdraw(case_id, [g.grant_id], by=REGIE, channel="matrix")
    rows = service.outbox(case_id)
    assert [r["code"] for r in rows] == ["case.created", "consent.granted",
                                         "consent.withdrawn"]
    for r in rows:
        event = event_from_dict(r["payload"])
        assert event.to_dict() == r["payload"] and event.event_id == r["event_id"]
        assert r["version"] == event.VERSION


@pytest.mark.parametrize("change, field", [
    ({"code": "consent.nonsense"}, None),
    ({"v": 99}, "v"),
    ({"grant_id": None}, "grant_id"),
    ({"categories": "schulden"}, "categories"),
    ({"valid_until": "morgen"}, "valid_until"),
    ({"event_id": "1; DROP TABLE"}, "event_id"),
])
def test_a_malformed_payload_names_the_code_and_field(change: dict[str, Any],
                                                       field: str | None) -> None:
    """A payload that is no valid event raises MalformedEvent naming what is wrong."""
    good = ConsentGranted(event_id="E-" + "0" * 24, case_id="C-7KQ2MX4A", occurred_at=NOW,
                          actor=REGIE, grant_id="G-1", organisation="schuldhulp",
                          categories=("schulden",), legal_bases=("wgs",), valid_from=NOW,
                          valid_until=NOW).to_dict()
    with pytest.raises(MalformedEvent) as err:
        event_from_dict({**good, **change})
    if field is not None:
        assert err.value.data["field"] == field and field in err.value.en


def test_event_codes_are_unique_and_entries_valid() -> None:
    """One class per code; each class knows its NEN 7513 action and outcome."""
    assert len(EVENT_TYPES) == len({c.CODE for c in EVENT_TYPES.values()})
    for code, cls in EVENT_TYPES.items():
        assert code == cls.CODE and cls.ACTION in "CRUDE"


# -- commands: one transaction, store and outbox --------------------------------------


def test_case_ids_are_generated_in_the_checked_form(db_url: str) -> None:
    """A new case gets a generated id that passes is_case_id; typed ones do not."""
    service = _service(db_url)
    row = service.open_case(regie=REGIE, organisation="buurtteam", label="")
    assert is_case_id(row.case_id)
    assert not is_case_id("Jan Jansen") and not is_case_id("C-123456789")


def test_a_grant_and_its_event_are_written_together(db_url: str) -> None:
    """Giving a grant stores it and its consent.granted event (recipient named)."""
    service = _service(db_url)
    case_id = _open(service)
    g = _grant()
    service.give_grants(case_id, [g], by=REGIE)
    scope = service.scope(case_id)
    assert scope is not None and scope.grants == (g,)
    event = event_from_dict(service.outbox(case_id)[-1]["payload"])
    assert isinstance(event, ConsentGranted)
    entry = event.audit_entry(bot_user_id=BOT)
    assert entry.details["grant_organisation"] == "schuldhulp"
    assert (entry.organisation, entry.user_role) == ("buurtteam", "buurtteammedewerker")


def test_an_unlawful_grant_stores_only_its_refusal(db_url: str) -> None:
    """An unlawful grant is not stored; its refusal is recorded, with the rules."""
    service = _service(db_url)
    case_id = _open(service)
    with pytest.raises(Unlawful) as err:
        service.give_grants(case_id, [_grant("inkomen", legal_bases=("toestemming",),
                                             categories=("inkomen",))], by=REGIE)
    assert "consent-not-substitute" in err.value.data["rules"]
    assert service.scope(case_id).grants == ()  # type: ignore[union-attr]
    assert _codes(service, case_id)[-1] == "consent.grant_refused"


def test_withdrawing_twice_records_once(db_url: str) -> None:
    """A second withdrawal of the same grant changes and records nothing."""
    service = _service(db_url)
    case_id = _open(service)
    g = _grant()
    service.give_grants(case_id, [g], by=REGIE)
    service.withdraw(case_id, [g.grant_id], by=REGIE, channel="matrix")
    service.withdraw(case_id, [g.grant_id], by=REGIE, channel="citizen")
    assert _codes(service, case_id).count("consent.withdrawn") == 1


def test_only_the_citizen_gives_again_what_the_citizen_withdrew(db_url: str) -> None:
    """After the citizen withdrew an organisation's consent-based grant, the service
    refuses a professional's new one (recorded, nothing stored, whole batch), still
    gives law-based grants and other organisations, and lets the citizen give it
    again — after which the professional may too."""
    service = _service(db_url)
    case_id = _open(service)

    def consent(by: str = REGIE) -> Grant:
        return _grant("humanitas", categories=("contact",), legal_bases=("toestemming",),
                      given_by=by)

    first = consent()
    service.give_grants(case_id, [first], by=REGIE)
    service.withdraw(case_id, [first.grant_id], by=DATA_SUBJECT, channel="citizen")
    for batch in ([consent()], [_grant(), consent()]):
        with pytest.raises(Forbidden) as err:
            service.give_grants(case_id, batch, by=REGIE)
        assert err.value.errcode == "BB_CITIZEN_WITHDREW"
        assert err.value.data["organisations"] == ["humanitas"]
        assert "Alleen de burger" in err.value.nl and "Only the citizen" in err.value.en
        assert [g.grant_id for g in service.scope(case_id).grants] == [first.grant_id]  # type: ignore[union-attr]
        refused = event_from_dict(service.outbox(case_id)[-1]["payload"])
        assert isinstance(refused, ConsentGrantRefused)
        assert (refused.rules, refused.organisation) == (("citizen-withdrew",), "humanitas")
    service.give_grants(case_id, [_grant()], by=REGIE)  # law-based, other organisation
    again = consent(by=DATA_SUBJECT)
    service.give_grants(case_id, [again], by=DATA_SUBJECT)
    service.withdraw(case_id, [again.grant_id], by=REGIE, channel="matrix")
    later = consent()
    service.give_grants(case_id, [later], by=REGIE)  # the regie withdrew it: may give it
    assert later in service.scope(case_id).grants  # type: ignore[union-attr]


def test_the_running_command_is_marked_handled_with_its_work(db_url: str) -> None:
    """The bot command bound while the service commits is handled in that transaction;
    a failed command stays new (it will be run again)."""
    service = _service(db_url)
    case_id = _open(service)
    inbox = Inbox(service.engine, "casus")
    inbox.receive("s1", [{"event_id": "$a", "room_id": "!room:localhost", "sender": REGIE},
                         {"event_id": "$b", "room_id": "!room:localhost", "sender": REGIE}])
    assert inbox.receive("s2", [{"event_id": "$a", "room_id": "!r", "sender": REGIE}]) == 0
    assert inbox.token() == "s2"
    token = current_command.set(CommandMark("casus", "$a"))
    try:
        service.give_grants(case_id, [_grant()], by=REGIE)
    finally:
        current_command.reset(token)
    token = current_command.set(CommandMark("casus", "$b"))
    try:
        with pytest.raises(NotFound):
            service.give_grants("C-NOTTHERE", [_grant()], by=REGIE)
    finally:
        current_command.reset(token)
    assert (inbox.status("$a"), inbox.status("$b")) == ("handled", "new")


def test_a_read_only_store_changes_nothing_and_says_so(tmp_path: Path) -> None:
    """With a database that cannot be written, a command fails with a clear message
    and nothing is half-written."""
    path = tmp_path / "ro.db"
    url = f"sqlite:///{path}"
    migrate(url)
    service = _service(url)
    case_id = _open(service)
    before = service.outbox(case_id)
    ro = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    readonly = CaseService(ro, policy=POLICY, clock=FakeClock(NOW))
    with pytest.raises(Unavailable) as err:
        readonly.give_grants(case_id, [_grant()], by=REGIE)
    assert "niets veranderd" in err.value.nl and "nothing was changed" in err.value.en
    assert service.scope(case_id).grants == ()  # type: ignore[union-attr]
    assert service.outbox(case_id) == before


def test_a_lost_store_is_deferred_and_a_refused_write_is_answered(db_url: str) -> None:
    """A store that cannot be reached fails a command with ``defer`` set (the bot runs
    it again later); a write the store refuses (a duplicate grant id) is answered at
    once; neither changes anything."""
    service = _service(db_url)
    case_id = _open(service)
    g = _grant()
    service.give_grants(case_id, [g], by=REGIE)
    before = service.outbox(case_id)
    with pytest.raises(Unavailable) as refused:
        service.give_grants(case_id, [g], by=REGIE)
    assert refused.value.defer is False
    assert service.outbox(case_id) == before
    away = CaseService(make_engine("postgresql+psycopg://postgres@127.0.0.1:9/none"
                                   "?connect_timeout=2"), policy=POLICY, clock=FakeClock(NOW))
    with pytest.raises(Unavailable) as lost:
        away.give_grants(case_id, [_grant()], by=REGIE)
    assert lost.value.defer is True and lost.value.errcode == "BB_STORE_UNAVAILABLE"


# -- the audit mirror -------------------------------------------------------------------


def test_the_audit_mirror_appends_each_event_exactly_once(db_url: str) -> None:
    """Draining twice, or from two threads at once, appends every event once."""
    service = _service(db_url)
    case_id = _open(service)
    for _ in range(30):
        service.give_grants(case_id, [_grant()], by=REGIE)
    log = AuditLog(service.engine)
    mirrors = [AuditMirror(service.engine, AuditLog(service.engine), bot_user_id=BOT)
               for _ in range(2)]
    threads = [threading.Thread(target=m.drain, kwargs={"batch": 7}) for m in mirrors]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    mirrors[0].drain()
    ids = [e.entry.details.get("event_id") for e in log.query(case_id=case_id)]
    assert len(ids) == 31 and len(set(ids)) == 31
    assert sorted(ids) == sorted(r["event_id"] for r in service.outbox(case_id))
    assert mirrors[0].pending() == 0


def test_a_batch_that_another_drainer_partly_appended_is_appended_not_at_all(
        db_url: str) -> None:
    """A drainer whose batch was partly appended by another one between its read and
    its append rolls back; every event is still in the log exactly once, and the chain
    verifies."""
    service = _service(db_url)
    case_id = _open(service)
    for _ in range(12):
        service.give_grants(case_id, [_grant()], by=REGIE)
    other = AuditMirror(service.engine, AuditLog(service.engine), bot_user_id=BOT)

    class Interleaved(AuditLog):
        def append_many(self, items: Any, **kw: Any) -> list[int]:
            if self.size() == 0:
                other.drain_once(batch=5)  # after our read, before our write lock
            return super().append_many(items, **kw)

    log = Interleaved(service.engine)
    mirror = AuditMirror(service.engine, log, bot_user_id=BOT)
    mirror.drain_once(batch=100)
    assert log.size() == 5  # only the other drainer's five
    mirror.drain()
    ids = [e.entry.details.get("event_id") for e in log.query(case_id=case_id)]
    assert len(ids) == 13 and len(set(ids)) == 13
    rows = service.outbox(case_id)
    assert sorted(r["audit_index"] for r in rows) == list(range(13))
    by_index = {e.index: e.entry.details.get("event_id") for e in log.query(case_id=case_id)}
    assert all(by_index[r["audit_index"]] == r["event_id"] for r in rows)
    assert log.verify().ok


def test_events_kept_in_memory_append_exactly_what_their_payloads_would(
        db_url: str, tmp_path: Path) -> None:
    """The audit mirror appends the events the committing process kept (no payload read
    back) as exactly the entries their outbox payloads give: the same leaves, the same
    root, each event once; events it did not keep are read back as before."""
    service = _service(db_url)
    mirror = AuditMirror(service.engine, AuditLog(service.engine), bot_user_id=BOT)
    service.on_events.append(mirror.remember)
    case_id = _open(service)
    for _ in range(5):
        service.give_grants(case_id, [_grant()], by=REGIE)
    mirror._known.pop(next(iter(mirror._known)))  # one read back from its payload
    assert len(mirror._known) == 5
    assert mirror.drain() == 6 and not mirror._known
    other = f"sqlite:///{tmp_path / 'copy.db'}"
    migrate(other)
    copy = make_engine(other)
    with service.engine.connect() as src, copy.begin() as dst:
        rows = [dict(r._mapping) for r in src.execute(sa.select(outbox_table))]
        dst.execute(outbox_table.insert(), [{**r, "audit_index": None} for r in rows])
    AuditMirror(copy, AuditLog(copy), bot_user_id=BOT).drain()  # payloads only
    assert AuditLog(copy).root() == AuditLog(service.engine).root()
    assert AuditLog(service.engine).verify().ok


def test_seq_runs_split_at_gaps() -> None:
    """Runs of consecutive outbox seqs carry the log index of their first row."""
    assert seq_runs([4], 10) == [(4, 4, 10)]
    assert seq_runs([1, 2, 3, 7, 8, 10], 0) == [(1, 3, 0), (7, 8, 3), (10, 10, 5)]


def test_a_malformed_outbox_event_is_set_aside_not_appended(db_url: str) -> None:
    """A payload that does not parse is quarantined with its problem; the events
    behind it are appended."""
    service = _service(db_url)
    case_id = _open(service)
    with service.engine.begin() as conn:
        conn.execute(outbox_table.insert().values(
            event_id="E-bad", case_id=case_id, code="consent.granted", version=1,
            payload={"code": "consent.granted", "v": 1, "case_id": case_id},
            created_at=NOW.replace(tzinfo=None)))
    service.give_grants(case_id, [_grant()], by=REGIE)
    mirror = AuditMirror(service.engine, AuditLog(service.engine), bot_user_id=BOT)
    mirror.drain()
    rows = {r["event_id"]: r for r in service.outbox(case_id)}
    assert rows["E-bad"]["failure"] == "BB_MALFORMED_EVENT"
    assert rows["E-bad"]["audit_index"] is None
    assert all(r["audit_index"] is not None for k, r in rows.items() if k != "E-bad")


# -- the room-state mirror --------------------------------------------------------------


class FlakyRoom:
    """The edge (the homeserver's state API): refuses the first ``fail`` writes."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.state: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.writes = 0

    async def __call__(self, room_id: str, event_type: str, content: dict[str, Any],
                       state_key: str) -> None:
        if self.fail > 0:
            self.fail -= 1
            raise RuntimeError("M_FORBIDDEN")
        self.writes += 1
        self.state[(room_id, event_type, state_key)] = content


def _mirror(service: CaseService, room: FlakyRoom) -> RoomStateMirror:
    directory = Directory.of(POLICY, [Professional(REGIE, "buurtteam", "buurtteammedewerker")])
    return RoomStateMirror(service.engine, policy=POLICY, writer=room,
                           directory=lambda: directory, bot_user_id=BOT, now=lambda: NOW,
                           retry_seconds=0.01)


async def test_a_failed_withdrawal_write_is_retried_until_it_holds(db_url: str) -> None:
    """The withdrawal's state write is refused once; the mirror retries it, and the
    room then says withdrawn; a further pass writes nothing."""
    service = _service(db_url)
    case_id = _open(service)
    g = _grant()
    service.give_grants(case_id, [g], by=REGIE)
    room = FlakyRoom()
    mirror = _mirror(service, room)
    assert await mirror.settle_case(case_id)
    service.withdraw(case_id, [g.grant_id], by=REGIE, channel="matrix")
    room.fail = 1
    assert await mirror.settle_case(case_id) is False
    assert "withdrawn_at" not in room.state[("!room:localhost", "nl.busbaan.consent",
                                             g.grant_id)]
    await asyncio.sleep(0.05)
    assert await mirror.pass_once() == 1
    assert "withdrawn_at" in room.state[("!room:localhost", "nl.busbaan.consent", g.grant_id)]
    writes = room.writes
    assert await mirror.settle_case(case_id) and room.writes == writes  # nothing differs
    pending = [r for r in service.outbox(case_id) if r["state_done_at"] is None]
    assert pending == []


def test_desired_state_comes_from_the_store_alone(db_url: str) -> None:
    """The room's desired state: the case, each grant, power levels, the ACL, the name."""
    service = _service(db_url)
    case_id = _open(service)
    g = _grant()
    service.give_grants(case_id, [g], by=REGIE)
    facts = read_facts(service.engine, case_id)
    assert facts is not None
    want = desired_state(facts, policy=POLICY, directory=Directory.of(POLICY, []),
                         bot_user_id=BOT, now=NOW)
    assert want[("nl.busbaan.case", "")]["regie"] == REGIE
    assert want[("nl.busbaan.consent", g.grant_id)]["organisation"] == "schuldhulp"
    assert want[("m.room.power_levels", "")]["users"] == {REGIE: 50}
    assert want[("m.room.name", "")] == {"name": f"Casus {case_id}"}
    closed = dataclasses.replace(facts, closed=True)
    assert desired_state(closed, policy=POLICY, directory=Directory.of(POLICY, []),
                         bot_user_id=BOT, now=NOW)[("m.room.name", "")]["name"].endswith(
                             "(gesloten)")


# -- the audit-failure policy for writers outside the outbox -------------------------------


async def test_a_record_that_cannot_be_written_is_kept_and_retried(tmp_path: Path) -> None:
    """An asyncio writer's record is never dropped: kept while the log cannot be
    written, in order, and written once it can; overdue after the deadline."""
    from busbaan.audit.entry import AuditEntry
    from busbaan.records import AuditBacklog, AuditWriter

    url = f"sqlite:///{tmp_path / 'b.db'}"
    migrate(url)

    class DownThenUp(AuditWriter):  # the edge: a store that is away, then back
        fail = 2

        def write(self, entries: Any) -> list[int]:
            if self.fail:
                self.fail -= 1
                raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
            return super().write(entries)

    writer = DownThenUp(url)
    backlog = AuditBacklog(writer, deadline=0.0)
    entries = [AuditEntry(event_code="lane.opened", action="C", occurred_at=NOW,
                          outcome="done", source="wegwijzer-bot", details={"n": str(i)})
               for i in range(3)]
    await backlog.record(entries[:1])
    await backlog.record(entries[1:])
    assert backlog.pending == 3 and backlog.overdue
    task = asyncio.create_task(backlog.run())
    try:
        for _ in range(100):
            if backlog.pending == 0:
                break
            await asyncio.sleep(0.1)
    finally:
        task.cancel()
    assert backlog.pending == 0 and not backlog.overdue
    assert [e.entry.details["n"] for e in writer.log().query()] == ["0", "1", "2"]


def test_closing_a_case_withdraws_the_proposals_waiting_for_the_citizen(
        db_url: str) -> None:
    """Closing the case withdraws, in its transaction, the consent proposals the citizen
    has not answered; one already answered keeps its answer."""
    from busbaan.citizen.model import Proposal
    from busbaan.store.citizen_repo import CitizenRepository

    service = _service(db_url)
    case_id = _open(service)
    repo = CitizenRepository(service.engine)

    def propose() -> str:
        p = Proposal(proposal_id=new_id("P"), case_id=case_id, organisation="humanitas",
                     categories=("contact",), legal_bases=("toestemming",),
                     valid_until=NOW + dt.timedelta(days=30), proposed_by=REGIE,
                     proposed_at=NOW)
        repo.add_proposal(p)
        return p.proposal_id

    waiting, answered = propose(), propose()
    assert repo.decide(answered, status="refused", now=NOW, grant_id=None, receipt="note")
    service.close(case_id, by=REGIE, records=lambda grants, accesses: [])
    assert repo.proposal(waiting).status == "withdrawn"  # type: ignore[union-attr]
    assert repo.proposal(answered).status == "refused"  # type: ignore[union-attr]
