"""When the casus bot reconciles (issue 12): the rooms whose case changed or whose
grants ran out, not every room every tick; a slow spread pass catches the rest."""

from __future__ import annotations

from typing import Any

import nio
import pytest

from bots.casus.reconcile import SWEEP_EVERY, sweep_slice
from busbaan.cases import CaseService
from busbaan.devstack.people import eventually, members
from busbaan.policy import load_policy
from busbaan.service import Service
from busbaan.store import make_engine
from tests.casus.conftest import ROOT, MakePerson
from tests.casus.test_case_rooms import _reply, _until, open_case

pytestmark = pytest.mark.synapse


def test_the_spread_pass_visits_every_room_once_per_period() -> None:
    """The safety-net pass takes total / ticks-per-period rooms each tick (rounded up,
    at least one), so every room is visited once per period, never all at once."""
    assert sweep_slice(0, 1.0, 600.0) == 0
    assert sweep_slice(1, 1.0, 600.0) == 1
    assert sweep_slice(10_000, 1.0, 600.0) == 17
    assert sweep_slice(10_000, 0.5, 600.0) == 9
    assert sweep_slice(10, 1.0, 0.1) == 10  # a period shorter than a tick: all
    for total in (1, 599, 600, 601, 12_345):
        per_tick = sweep_slice(total, 1.0, 600.0)
        assert per_tick * 600 >= total and (per_tick - 1) * 600 < total


async def _case_with_member(service: Service, make_person: MakePerson,
                            until: str) -> tuple[str, str, Any, Any]:
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    case_id, room = await open_case(regie, bot)
    r = _reply(await regie.command(
        room, f"!toestemming geef schuldhulp schulden grondslag=wgs tot={until}"))
    assert r["ok"], r
    await regie.command(room, f"!uitnodigen {counsellor.user_id}")
    assert isinstance(await counsellor.join(room), nio.JoinResponse)
    return case_id, room, regie, counsellor


async def test_an_idle_tick_reconciles_only_its_slice_of_the_spread_pass(
    service: Service, make_person: MakePerson
) -> None:
    """With nothing changing, a tick reconciles no room for a change or an expiry and
    at most its slice of the safety-net pass — not every populated room."""
    await _case_with_member(service, make_person, _until(30))
    await _case_with_member(service, make_person, _until(30))
    reconciler = service.casus.reconciler
    await service.casus.settle()
    await _ticks(reconciler, 2)  # what the commands marked is done
    populated = len(reconciler._populated())
    assert populated >= 2
    per_sweep = sweep_slice(populated, reconciler.tick_seconds * SWEEP_EVERY,
                            reconciler.full_pass_seconds)
    assert per_sweep < populated
    before = dict(reconciler.stats.by_reason or {})
    ticks, rooms = reconciler.stats.ticks, reconciler.stats.rooms
    await _ticks(reconciler, 4)
    after = reconciler.stats.by_reason or {}
    for reason in ("expiry", "case_changed", "event"):
        assert after.get(reason, 0) == before.get(reason, 0), reason
    # a tick counts itself before it reconciles its rooms: the tick before the snapshot
    # may still have been reconciling its slice when it was taken (CI at load 8, session
    # 12: one room of a sweep tick counted after the snapshot)
    sweeps = sum(1 for t in range(max(ticks - 1, 0), reconciler.stats.ticks)
                 if t % SWEEP_EVERY == 0)
    assert reconciler.stats.rooms - rooms <= per_sweep * sweeps


async def _ticks(reconciler: Any, n: int) -> None:
    """Wait until the reconciliation loop has done ``n`` more ticks."""
    target = reconciler.stats.ticks + n

    async def done() -> bool:
        return bool(reconciler.stats.ticks >= target)

    await eventually(done, timeout=10 * n * reconciler.tick_seconds + 5)


async def test_a_grant_running_out_is_found_by_the_expiry_index(
    service: Service, make_person: MakePerson, clock: Any
) -> None:
    """A grant that runs out (no event at all) puts its room on the next tick through
    the expiry index, and its member is removed — though the spread pass is slow."""
    _, room, regie, counsellor = await _case_with_member(service, make_person, _until(1))
    reconciler = service.casus.reconciler
    assert reconciler.full_pass_seconds >= 600  # the safety net would take minutes
    await _ticks(reconciler, 2)  # what the commands marked is done
    expired_before = (reconciler.stats.by_reason or {}).get("expiry", 0)
    clock.advance(days=3)
    try:
        async def gone() -> bool:
            return (await members(regie.client, room)).get(counsellor.user_id) == "leave"

        await eventually(gone, timeout=5)
        assert (reconciler.stats.by_reason or {}).get("expiry", 0) > expired_before
    finally:
        clock.advance(days=-3)


async def test_a_change_by_another_writer_is_caught_by_the_spread_pass(
    service: Service, make_person: MakePerson, busbaan_db_url: str
) -> None:
    """A withdrawal written by another process (no commit hook reaches the bot, no
    Matrix event) is still enforced: the safety-net pass reconciles every room."""
    case_id, room, regie, counsellor = await _case_with_member(service, make_person,
                                                               _until(30))
    engine = make_engine(busbaan_db_url)
    other = CaseService(engine, policy=load_policy(ROOT / "policies"))
    scope = other.scope(case_id)
    assert scope is not None and scope.grants
    other.withdraw(case_id, [g.grant_id for g in scope.grants], by=regie.user_id,
                   channel="matrix")
    engine.dispose()
    reconciler = service.casus.reconciler
    period = reconciler.full_pass_seconds
    reconciler.full_pass_seconds = 1.0
    try:
        async def gone() -> bool:
            return (await members(regie.client, room)).get(counsellor.user_id) == "leave"

        await eventually(gone, timeout=10)
    finally:
        reconciler.full_pass_seconds = period


async def test_a_withdrawal_through_the_case_service_marks_the_room(
    service: Service, make_person: MakePerson
) -> None:
    """A change the bot's case service commits names its case; the next tick
    reconciles that room (reason ``case_changed``), whatever the spread pass does."""
    case_id, room, regie, counsellor = await _case_with_member(service, make_person,
                                                               _until(30))
    reconciler = service.casus.reconciler
    scope = service.casus.service.scope(case_id)
    assert scope is not None
    changed_before = (reconciler.stats.by_reason or {}).get("case_changed", 0)
    # The bot's own case service, but not through a command: only the commit hook
    # tells the reconciler (a command would also reconcile the room itself).
    service.casus.service.withdraw(case_id, [g.grant_id for g in scope.grants],
                                   by=regie.user_id, channel="matrix")

    async def gone() -> bool:
        return (await members(regie.client, room)).get(counsellor.user_id) == "leave"

    await eventually(gone, timeout=5)
    await _ticks(reconciler, 1)  # the tick that took the mark has finished
    assert (reconciler.stats.by_reason or {}).get("case_changed", 0) > changed_before
