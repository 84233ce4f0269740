"""The expiry index (issue 12): which case rooms have a grant running out or an access
ending in a time window, read without reading every case — SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from busbaan.cases import CaseService
from busbaan.consent import Access, Grant
from busbaan.policy import load_policy
from busbaan.store import make_engine
from busbaan.store.repositories import CaseRepository, HandoverRepository

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


class _Fixed:
    def now(self) -> dt.datetime:
        return T0


def _grant(gid: str, until: dt.datetime) -> Grant:
    return Grant(grant_id=gid, organisation="schuldhulp", categories=("schulden",),
                 legal_bases=("wgs",), valid_from=T0, valid_until=until,
                 given_by="@regie:example.org")


def _case(service: CaseService, room: str) -> str:
    row = service.open_case(regie="@regie:example.org", organisation="buurtteam", label="")
    service.attach_room(row.case_id, room)
    return row.case_id


def test_rooms_whose_grants_run_out_in_the_window(db_url: str) -> None:
    """Only rooms with a grant whose end falls in (after, upto] are named; a withdrawn
    grant, a grant ending outside the window and a closed case are not."""
    engine = make_engine(db_url)
    service = CaseService(engine, policy=load_policy(ROOT / "policies"),
                          clock=_Fixed())
    repo = CaseRepository(engine)
    hour = dt.timedelta(hours=1)
    soon = _case(service, "!soon:x")
    later = _case(service, "!later:x")
    withdrawn = _case(service, "!withdrawn:x")
    closed = _case(service, "!closed:x")
    service.give_grants(soon, [_grant("G-SOON", T0 + 2 * hour)], by="@regie:example.org")
    service.give_grants(later, [_grant("G-LATER", T0 + 30 * hour)], by="@regie:example.org")
    service.give_grants(withdrawn, [_grant("G-WD", T0 + 2 * hour)], by="@regie:example.org")
    service.withdraw(withdrawn, ["G-WD"], by="@regie:example.org", channel="matrix")
    service.give_grants(closed, [_grant("G-CL", T0 + 2 * hour)], by="@regie:example.org")
    service.close(closed, by="@regie:example.org", records=lambda grants, accesses: [])

    assert repo.rooms_running_out(T0, T0 + hour) == set()
    assert repo.rooms_running_out(T0 + hour, T0 + 2 * hour) == {"!soon:x"}  # end included
    assert repo.rooms_running_out(T0 + 2 * hour, T0 + 3 * hour) == set()  # start excluded
    assert repo.rooms_running_out(T0, T0 + 48 * hour) == {"!soon:x", "!later:x"}
    assert repo.rooms_of([soon, later, "C-NOPE"]) == {"!soon:x", "!later:x"}
    engine.dispose()


def test_accesses_that_end_are_in_the_index(db_url: str) -> None:
    """A break-glass access that runs out names its room in the window, and its case is
    due for ending until the access is ended."""
    engine = make_engine(db_url)
    service = CaseService(engine, policy=load_policy(ROOT / "policies"),
                          clock=_Fixed())
    repo = CaseRepository(engine)
    case_id = _case(service, "!glass:x")
    until = T0 + dt.timedelta(hours=24)
    access = Access(user_id="@arts:example.org", kind="break_glass", until=until,
                    reason_code="acute")
    HandoverRepository(engine).add_access(case_id, access, access_id="A-1",
                                          by="@arts:example.org", now=T0)
    assert repo.rooms_running_out(T0, until - dt.timedelta(seconds=1)) == set()
    assert repo.rooms_running_out(T0, until) == {"!glass:x"}
    assert repo.cases_with_due_accesses(until - dt.timedelta(seconds=1)) == []
    assert repo.cases_with_due_accesses(until) == [case_id]
    HandoverRepository(engine).end_access(case_id, access, until)
    assert repo.cases_with_due_accesses(until + dt.timedelta(hours=1)) == []
    assert repo.rooms_running_out(T0, until) == set()
    engine.dispose()
