"""The handover store on SQLite and PostgreSQL: proposals, acceptance, sweep, accesses, close."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from busbaan.consent import Access, Grant
from busbaan.handover import Handover, Lead, Status
from busbaan.store import make_engine
from busbaan.store.repositories import CaseRepository, Conflict, HandoverRepository

T0 = dt.datetime(2025, 6, 2, 9, 0, 0, 123000, tzinfo=dt.UTC)


@pytest.fixture
def repos(db_url: str):
    engine = make_engine(db_url)
    cases = CaseRepository(engine)
    row = cases.create(home_organisation="buurtteam", regie="@r:x", label="", now=T0)
    cases.attach_room(row.case_id, f"!room-{row.case_id}:x")
    yield cases, HandoverRepository(engine), row.case_id
    engine.dispose()


def proposal(case_id: str, hid: str = "H-AAAAAAAA") -> Handover:
    return Handover(hid, case_id, "@r:x", "@s:x", "buurtteam", "schuldhulp", "schulden",
                    T0, T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=7))


def test_a_proposal_round_trips(repos) -> None:
    """A stored proposal comes back equal, as the open one of its case and its addressee."""
    _, handovers, case_id = repos
    h = proposal(case_id)
    handovers.add(h, room_event_id="$root")
    assert handovers.get(h.handover_id) == h
    assert handovers.open_for_case(case_id) == h
    assert handovers.open_for_addressee("@s:x") == [h]
    assert handovers.links(h.handover_id) == ("$root", None)
    handovers.set_links(h.handover_id, dm_room_id="!dm:x")
    assert handovers.links(h.handover_id) == ("$root", "!dm:x")


def test_the_database_allows_one_open_proposal_per_case(repos) -> None:
    """A second open proposal for a case is refused by the database (Conflict)."""
    _, handovers, case_id = repos
    handovers.add(proposal(case_id))
    with pytest.raises(Conflict):
        handovers.add(proposal(case_id, "H-BBBBBBBB"))
    declined = dataclasses.replace(proposal(case_id), status=Status.DECLINED, decided_at=T0,
                                   decided_by="@s:x")
    handovers.answer(declined, decline_reason="geen tijd")
    handovers.add(proposal(case_id, "H-BBBBBBBB"))  # fine once the first is answered


def test_an_answer_to_a_closed_proposal_is_a_conflict(repos) -> None:
    """Answering a proposal that is no longer open changes nothing and raises Conflict."""
    _, handovers, case_id = repos
    h = proposal(case_id)
    handovers.add(h)
    handovers.answer(dataclasses.replace(h, status=Status.WITHDRAWN, decided_at=T0))
    with pytest.raises(Conflict):
        handovers.answer(dataclasses.replace(h, status=Status.DECLINED, decided_at=T0))
    assert handovers.get(h.handover_id).status is Status.WITHDRAWN


def test_acceptance_moves_the_case_and_stores_the_sideline(repos) -> None:
    """Acceptance updates proposal, case lead and organisation, and adds the sideline access."""
    cases, handovers, case_id = repos
    h = proposal(case_id)
    handovers.add(h)
    later = T0 + dt.timedelta(hours=2)
    side = Access("@r:x", "sideline", later + dt.timedelta(days=14), "handover")
    handovers.accept(dataclasses.replace(h, status=Status.ACCEPTED, decided_at=later,
                                         decided_by="@s:x"),
                     Lead(case_id, "@s:x", "schuldhulp", later), side, access_id="A-1")
    assert cases.lead(case_id) == Lead(case_id, "@s:x", "schuldhulp", later)
    assert handovers.accesses(case_id) == [side]
    assert handovers.for_case(case_id)[0].status is Status.ACCEPTED
    assert handovers.end_access(case_id, side, later) is True
    assert handovers.end_access(case_id, side, later) is False  # recorded once
    assert handovers.accesses(case_id) == []


def test_sweep_stores_reminders_and_expiries_of_open_proposals_only(repos) -> None:
    """The sweep marks reminders and expiries in one go and leaves answered ones alone."""
    cases, handovers, case_id = repos
    other = cases.create(home_organisation="wmo", regie="@w:x", label="", now=T0).case_id
    a, b = proposal(case_id), proposal(other, "H-BBBBBBBB")
    handovers.add(a)
    handovers.add(b)
    at = T0 + dt.timedelta(days=1, minutes=1)
    applied = handovers.sweep([dataclasses.replace(a, reminded_at=at)],
                              [dataclasses.replace(b, status=Status.EXPIRED, decided_at=at)])
    assert applied == {a.handover_id, b.handover_id}
    assert handovers.get(a.handover_id).reminded_at == at
    assert handovers.get(b.handover_id).status is Status.EXPIRED
    assert [h.handover_id for h in handovers.open_all()] == [a.handover_id]


def test_close_ends_grants_accesses_and_the_open_proposal(repos) -> None:
    """Closing marks the case closed and ends running grants, accesses and the proposal."""
    cases, handovers, case_id = repos
    g = Grant("G-1", "schuldhulp", ("contact",), ("wgs",), T0, T0 + dt.timedelta(days=30), "@r:x")
    old = dataclasses.replace(g, grant_id="G-0", valid_until=T0 + dt.timedelta(hours=1))
    cases.add_grants(case_id, [g, old])
    handovers.add(proposal(case_id))
    handovers.add_access(case_id, Access("@e:x", "break_glass", T0 + dt.timedelta(hours=24)),
                         access_id="A-2", by="@e:x", now=T0)
    at = T0 + dt.timedelta(days=2)
    ended = cases.close(case_id, now=at, by="@r:x")
    assert [x.grant_id for x in ended] == ["G-1"] and ended[0].withdrawn_at == at
    lead = cases.lead(case_id)
    assert lead is not None and lead.closed
    assert handovers.accesses(case_id) == []
    assert handovers.open_for_case(case_id) is None
    assert cases.open_cases() == []


def test_a_sweep_step_loses_to_an_answer_that_came_first(repos) -> None:
    """When a proposal was accepted or withdrawn after the sweep read it, the sweep's
    expiry or second reminder does not take effect and is not reported as applied."""
    _, handovers, case_id = repos
    h = proposal(case_id)
    handovers.add(h)
    handovers.answer(dataclasses.replace(h, status=Status.WITHDRAWN, decided_at=T0))
    at = T0 + dt.timedelta(days=8)
    assert handovers.sweep([dataclasses.replace(h, reminded_at=at)],
                           [dataclasses.replace(h, status=Status.EXPIRED, decided_at=at)]) == set()
    assert handovers.get(h.handover_id).status is Status.WITHDRAWN
    assert handovers.get(h.handover_id).reminded_at is None
