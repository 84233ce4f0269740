"""The citizen side's store on SQLite and PostgreSQL: links used once, attempts
counted without lost updates, proposals decided once, the page's facts in one read."""

from __future__ import annotations

import datetime as dt
import hashlib
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from busbaan.audit import AuditEntry
from busbaan.audit.storage import AuditLog
from busbaan.citizen import links
from busbaan.citizen.model import Proposal
from busbaan.clock import FakeClock
from busbaan.consent import Grant, Professional
from busbaan.consent.model import Access
from busbaan.errors import BusbaanError
from busbaan.handover.model import Handover, Lead, Status
from busbaan.store import make_engine
from busbaan.store.citizen_models import CitizenSessionRow
from busbaan.store.citizen_repo import CitizenRepository
from busbaan.store.repositories import (
    CaseRepository,
    DirectoryRepository,
    HandoverRepository,
    new_id,
)
from busbaan.web.citizen.sessions import CitizenSessions, load_or_create_key

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


def _case(engine: object) -> str:
    cases = CaseRepository(engine)  # type: ignore[arg-type]
    row = cases.create(home_organisation="buurtteam", regie="@a:x", label="", now=NOW)
    cases.attach_room(row.case_id, f"!{row.case_id}:x")
    return row.case_id


def test_a_link_is_found_by_its_hash_used_once_and_revoked(db_url: str) -> None:
    """Lookup by token hash; the first use wins; revoking marks every open link."""
    engine = make_engine(db_url)
    repo = CitizenRepository(engine)
    case_id = _case(engine)
    token = links.new_token()
    link_id = repo.add_link(case_id=case_id, token_hash=links.token_hash(token),
                            code_hash=links.code_hash(token, "ABCDEF"), created_by="@a:x",
                            now=NOW, expires_at=NOW + dt.timedelta(days=14), contact="bel")
    stored = repo.link(links.token_hash(token))
    assert stored is not None and stored.state.link_id == link_id
    assert stored.state.expires_at == NOW + dt.timedelta(days=14)
    assert repo.link(links.token_hash(links.new_token())) is None
    assert repo.use(link_id, NOW) is True
    assert repo.use(link_id, NOW) is False
    assert repo.revoke_all(case_id, by="@a:x", now=NOW) == [link_id]
    assert repo.revoke_all(case_id, by="@a:x", now=NOW) == []
    assert repo.link_revoked(link_id)
    engine.dispose()


def test_attempts_are_counted_without_lost_updates(db_url: str) -> None:
    """Two requests that both read attempt 0 cannot both write attempt 1; a lock
    stops further counting."""
    engine = make_engine(db_url)
    repo = CitizenRepository(engine)
    case_id = _case(engine)
    token = links.new_token()
    link_id = repo.add_link(case_id=case_id, token_hash=links.token_hash(token),
                            code_hash="x" * 64, created_by="@a:x", now=NOW,
                            expires_at=NOW + dt.timedelta(days=1))
    assert repo.record_attempt(link_id, 1, lock_at=None) is True
    assert repo.record_attempt(link_id, 1, lock_at=None) is False
    assert repo.record_attempt(link_id, 2, lock_at=NOW) is True
    assert repo.record_attempt(link_id, 3, lock_at=None) is False
    state = repo.link(links.token_hash(token))
    assert state is not None and state.state.attempts == 2 and state.state.locked_at == NOW
    engine.dispose()


def test_a_proposal_is_decided_once(db_url: str) -> None:
    """The first decision is kept with its receipt; a second returns False."""
    engine = make_engine(db_url)
    repo = CitizenRepository(engine)
    case_id = _case(engine)
    p = Proposal(proposal_id=new_id("P"), case_id=case_id, organisation="humanitas",
                 categories=("contact",), legal_bases=("toestemming",),
                 valid_until=NOW + dt.timedelta(days=30), proposed_by="@a:x", proposed_at=NOW)
    repo.add_proposal(p)
    assert repo.proposals(case_id) == [p]
    assert repo.decide(p.proposal_id, status="refused", now=NOW, grant_id=None,
                       receipt="note") is True
    assert repo.decide(p.proposal_id, status="approved", now=NOW, grant_id="G-1",
                       receipt="other") is False
    got = repo.proposal(p.proposal_id)
    assert got is not None and got.status == "refused" and got.receipt == "note"
    engine.dispose()


def test_the_page_facts_come_in_one_read(db_url: str) -> None:
    """Regie from the directory, contact from the regie's link, earlier leads from
    accepted handovers, grants with how they ended, proposals."""
    engine = make_engine(db_url)
    repo = CitizenRepository(engine)
    case_id = _case(engine)
    DirectoryRepository(engine).upsert(
        [Professional(user_id="@b:x", organisation="schuldhulp", role="schuldhulpverlener",
                      display_name="Bram Jansen")], source="t", now=NOW)
    h = Handover(handover_id=new_id("H"), case_id=case_id, proposer="@a:x", addressee="@b:x",
                 from_organisation="buurtteam", to_organisation="schuldhulp", reason="r",
                 proposed_at=NOW, remind_at=NOW, expires_at=NOW + dt.timedelta(days=5))
    handovers = HandoverRepository(engine)
    handovers.add(h)
    later = NOW + dt.timedelta(hours=1)
    accepted = Handover(**{**{f: getattr(h, f) for f in h.__slots__},  # type: ignore[arg-type]
                           "status": Status.ACCEPTED, "decided_at": later, "decided_by": "@b:x"})
    handovers.accept(accepted, Lead(case_id=case_id, regie="@b:x", organisation="schuldhulp",
                                    since=later),
                     Access(user_id="@a:x", kind="sideline", until=later + dt.timedelta(days=14)),
                     access_id=new_id("A"))
    repo.add_link(case_id=case_id, token_hash="a" * 64, code_hash="b" * 64, created_by="@b:x",
                  now=later, expires_at=later + dt.timedelta(days=1), contact="020 1234")
    grant = Grant(grant_id=new_id("G"), organisation="humanitas", categories=("contact",),
                  legal_bases=("toestemming",), valid_from=NOW,
                  valid_until=NOW + dt.timedelta(days=30), given_by="@a:x")
    CaseRepository(engine).add_grants(case_id, [grant])
    CaseRepository(engine).withdraw([grant.grant_id], by="betrokkene", now=later,
                                    channel="citizen")
    facts = repo.facts(case_id)
    assert facts is not None
    assert facts.regie is not None and facts.regie.display_name == "Bram Jansen"
    assert facts.home_organisation == "schuldhulp" and facts.regie_since == later
    assert facts.contact == "020 1234"
    assert [e.organisation for e in facts.earlier] == ["buurtteam"]
    assert facts.grants[0].withdrawn_by_citizen
    assert facts.history == ()
    assert repo.facts("C-NOPE") is None
    engine.dispose()


def test_the_page_reads_its_audit_entries_in_the_same_read(db_url: str) -> None:
    """With the audit log, the facts carry the case's own entries in log order (none
    of another case)."""
    engine = make_engine(db_url)
    repo = CitizenRepository(engine)
    case_id, other = _case(engine), _case(engine)
    log = AuditLog(engine)
    log.append_many([AuditEntry(event_code=code, action="C", outcome="done", source="t",
                                occurred_at=NOW, user_id="@a:x", case_id=cid)
                     for code, cid in (("case.created", case_id), ("case.created", other),
                                       ("consent.granted", case_id))])
    facts = repo.facts(case_id, log=log)
    assert facts is not None
    assert [(i, e.event_code) for i, e in facts.history] == [(0, "case.created"),
                                                             (2, "consent.granted")]
    engine.dispose()


def _sessions(engine: object, clock: FakeClock, key: bytes = b"k" * 32) -> CitizenSessions:
    return CitizenSessions(engine, clock, key)  # type: ignore[arg-type]


def test_sessions_live_in_the_store_as_keyed_hashes(db_url: str) -> None:
    """A session survives a restart (a new CitizenSessions on the same store) and is
    found from another process; the store holds neither the id nor the CSRF token,
    and a row written by someone without the key opens nothing."""
    engine = make_engine(db_url)
    clock = FakeClock(NOW)
    case_id = _case(engine)
    first = _sessions(engine, clock).new(case_id=case_id)
    again = _sessions(make_engine(db_url), clock).get(first.id)  # "after a restart"
    assert again is not None and again.case_id == case_id and again.csrf == first.csrf
    with engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(
            sa.select(CitizenSessionRow.__table__)) for v in row)  # type: ignore[attr-defined]
    assert first.id not in dumped and first.csrf not in dumped
    insider = "x" * 43  # an id of their choosing, hashed without the key
    with Session(engine) as s, s.begin():
        s.add(CitizenSessionRow(id_hash=hashlib.sha256(insider.encode()).hexdigest(),
                                case_id=case_id, created_at=NOW, last_seen=NOW, done=[]))
    assert _sessions(engine, clock).get(insider) is None
    assert _sessions(engine, clock, b"o" * 32).get(first.id) is None  # another key
    engine.dispose()


def test_sessions_expire_remember_forms_and_see_a_revoked_link(db_url: str) -> None:
    """Forms are claimed once across processes and remember what they showed (an
    unanswered claim can be released); a session ends after 20 idle
    minutes and after 4 hours whatever the activity; revoking its link shows on the
    next lookup; ending it removes it."""
    engine = make_engine(db_url)
    clock = FakeClock(NOW)
    store = _sessions(engine, clock)
    case_id = _case(engine)
    link_id = CitizenRepository(engine).add_link(
        case_id=case_id, token_hash="e" * 64, code_hash="f" * 64, created_by="@a:x",
        now=NOW, expires_at=NOW + dt.timedelta(days=1))
    s = store.new(case_id=case_id, link_id=link_id)
    assert store.claim(s, "F1") is None  # claimed by this call
    store.remember(s, "F1", (("done.withdrawn", {"org": "Humanitas"}),))
    got = _sessions(engine, clock).get(s.id)  # "another process"
    assert got is not None and not got.link_revoked
    assert _sessions(engine, clock).claim(got, "F1") == (
        ("done.withdrawn", {"org": "Humanitas"}),)  # taken: what it showed
    assert store.flash(got, "F1") == (("done.withdrawn", {"org": "Humanitas"}),)
    assert store.claim(s, "F2") is None and store.claim(s, "F2") == ()  # in progress
    store.release(s, "F2")
    assert store.claim(s, "F2") is None  # released: may be sent again
    store.release(s, "F1")  # an answered form stays taken
    assert store.claim(s, "F1") is not None
    for _ in range(12):  # active every 19 minutes: alive until the 4 hours are over
        clock.advance(minutes=19)
        assert store.get(s.id) is not None
    clock.advance(minutes=19)  # 4 h 7 min after the start
    assert store.get(s.id) is None
    idle = store.new(case_id=case_id, link_id=link_id)
    clock.advance(minutes=21)
    assert store.get(idle.id) is None
    revoked = store.new(case_id=case_id, link_id=link_id)
    CitizenRepository(engine).revoke_all(case_id, by="@a:x", now=clock.now())
    found = store.get(revoked.id)
    assert found is not None and found.link_revoked
    store.end(found)
    assert store.get(revoked.id) is None
    engine.dispose()


def test_the_session_key_is_made_once_private_and_checked(tmp_path: Path) -> None:
    """The key file is created with mode 0600 and reused; one readable by others or
    not a key is refused."""
    path = tmp_path / "citizen-session.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.chmod(0o644)
    with pytest.raises(BusbaanError) as err:
        load_or_create_key(path)
    assert err.value.errcode == "BB_SESSION_KEY_INVALID"
    path.chmod(0o600)
    path.write_text("kort\n")
    with pytest.raises(BusbaanError):
        load_or_create_key(path)
