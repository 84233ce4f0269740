"""Warm handovers, the regie, break-glass, track and trace and closing, end to end: a
real Synapse with the busbaan gate, the casus bot on an injectable clock, and
professionals at plain Matrix clients."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import nio
import pytest

from busbaan.clock import OffsetClock
from busbaan.devstack.people import NOTICE_KEY, Person, eventually, members
from busbaan.service import Service
from tests.casus.conftest import MakePerson

pytestmark = pytest.mark.synapse

REPLY = "nl.busbaan.reply"
REASON = "schulden lopen op, budgetbeheer nodig"


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def _r(content: dict[str, Any]) -> dict[str, Any]:
    return content[REPLY]


async def open_case(regie: Person, bot: str) -> tuple[str, str]:
    """The regie opens a case in a direct chat with the bot and joins its room."""
    dm = await regie.dm(bot)
    data = _r(await regie.command(dm, "!casus nieuw schulden"))
    assert data["ok"] is True, data
    room_id = data["data"]["room_id"]
    assert isinstance(await regie.join(room_id), nio.JoinResponse)
    return data["data"]["case_id"], room_id


async def invite_and_join(regie: Person, room: str, person: Person) -> None:
    assert _r(await regie.command(room, f"!uitnodigen {person.user_id}"))["ok"]
    assert isinstance(await person.join(room), nio.JoinResponse)


async def wait_invited(person: Person, room_id: str) -> None:
    await person.wait_for(
        lambda rid, ev: rid == room_id and ev.get("type") == "busbaan.test.invite")


def notice_of(kind: str, room_id: str) -> Any:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        return rid == room_id and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == kind

    return match


def records(service: Service, case_id: str) -> list[Any]:
    service.casus.audit_mirror.drain()  # what the case service recorded, appended now
    return [e.entry for e in service.audit.log().query(case_id=case_id)]


def done_codes(service: Service, case_id: str) -> list[str]:
    return [e.event_code for e in records(service, case_id) if e.outcome == "done"]


async def state_of(person: Person, room: str) -> dict[tuple[str, str], dict[str, Any]]:
    resp = await person.client.room_get_state(room)
    assert isinstance(resp, nio.RoomGetStateResponse), resp
    return {(e["type"], e["state_key"]): e["content"] for e in resp.events}


@contextmanager
def moved(clock: OffsetClock, **delta: float) -> Iterator[None]:
    """Move the bot's clock forward for the block, and back afterwards."""
    clock.advance(**delta)
    try:
        yield
    finally:
        clock.advance(**{k: -v for k, v in delta.items()})


def _parse(when: str) -> dt.datetime:
    return dt.datetime.strptime(when, "%Y-%m-%d %H:%M UTC").replace(tzinfo=dt.UTC)


# -- the warm handover ------------------------------------------------------------------


async def test_warm_handover_across_two_organisations(
    service: Service, make_person: MakePerson, clock: OffsetClock
) -> None:
    """A buurtteam regie hands the case to a debt counsellor: proposal in a thread, invite
    and a direct message with the summary, acceptance there, regie and power moved, the
    previous lead on the sideline and removed after the sideline period; every step recorded."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    case_id, room = await open_case(regie, bot)
    await invite_and_join(regie, room, colleague)
    r = _r(await regie.command(
        room, f"!toestemming geef schuldhulp contact,schulden grondslag=wgs tot={_until(60)}"))
    assert r["ok"], r

    reply = await regie.command(room, f"!overdracht {counsellor.user_id} {REASON}")
    r = _r(reply)
    assert r["ok"] is True, reply["body"]
    assert r["data"]["invited"] is True and r["data"]["addressee"] == counsellor.user_id
    assert r["data"]["loses_access_on_accept"] == [colleague.user_id]
    assert reply["m.relates_to"]["rel_type"] == "m.thread"  # the conversation stays together
    root = reply["m.relates_to"]["event_id"]
    assert counsellor.user_id in reply["m.mentions"]["user_ids"]

    # The counsellor is invited to the case room and gets the summary in a direct chat.
    await wait_invited(counsellor, room)
    dm = r["data"]["dm_room_id"]
    await wait_invited(counsellor, dm)
    assert isinstance(await counsellor.join(dm), nio.JoinResponse)
    _, summary = await counsellor.wait_for(notice_of("handover.proposed", dm))
    body = summary["content"]["body"]
    assert case_id in body and REASON in body and "schuldhulp" in body
    assert summary["content"][NOTICE_KEY]["scope"][0]["organisation"] == "schuldhulp"

    # Accept from the direct chat.
    r = _r(await counsellor.command(dm, f"!accepteer {case_id}"))
    assert r["ok"] is True, r
    assert (r["data"]["regie"], r["data"]["previous"]) == (counsellor.user_id, regie.user_id)
    assert r["data"]["organisation"] == "schuldhulp"
    _, note = await regie.wait_for(notice_of("handover.accepted", room))
    assert note["content"]["m.relates_to"]["event_id"] == root

    # Room state for the gate: the case, power levels, the sideline access.
    state = await state_of(regie, room)
    case = state[("nl.busbaan.case", "")]
    assert (case["regie"], case["home_organisation"]) == (counsellor.user_id, "schuldhulp")
    assert state[("m.room.power_levels", "")]["users"] == {counsellor.user_id: 50}
    sideline = state[("nl.busbaan.access", "access:" + regie.user_id.removeprefix("@"))]
    assert sideline["kind"] == "sideline"

    # The bot's own view follows at once: the old regie may no longer invite.
    assert isinstance(await counsellor.join(room), nio.JoinResponse)
    r = _r(await regie.command(room, f"!uitnodigen {colleague.user_id}"))
    assert r["errcode"] == "BB_NOT_REGIE"

    # The colleague of the previous lead is outside the scope now; the previous lead stays.
    async def colleague_gone() -> bool:
        return (await members(regie.client, room)).get(colleague.user_id) == "leave"

    await eventually(colleague_gone, timeout=10)
    assert (await members(regie.client, room)).get(regie.user_id) == "join"

    lead = _r(await counsellor.command(room, "!regie"))
    assert lead["data"]["regie"] == counsellor.user_id
    assert [p["regie"] for p in lead["data"]["history"]] == [regie.user_id, counsellor.user_id]
    assert lead["data"]["sideline"][0]["user_id"] == regie.user_id

    wanted = ("handover.proposed", "handover.accepted", "regie.changed",
              "handover.sideline_ended", "membership.removed")

    async def all_recorded() -> list[str]:
        # the leave can be seen before the bot's records land (session 14's CI, under
        # load: handover.sideline_ended not yet there); allow them to
        found = done_codes(service, case_id)
        return found if all(code in found for code in wanted) else []

    # After the sideline period (bot clock), the previous lead is removed. The clock
    # stays moved until the end is recorded: the reconciliation may remove the previous
    # lead (the scope no longer covers an access that ran out) before the bot's timer
    # records the end, and with the clock set back the access would not be due again
    # (session 16, under load: the leave seen, handover.sideline_ended never recorded).
    with moved(clock, days=15):
        async def regie_gone() -> bool:
            return (await members(counsellor.client, room)).get(regie.user_id) == "leave"

        await eventually(regie_gone, timeout=15)
        try:
            codes = await eventually(all_recorded, timeout=20)
        except TimeoutError:
            codes = done_codes(service, case_id)  # the assertions below say which is missing
    for code in wanted:
        assert code in codes, code
    assert codes.index("handover.proposed") < codes.index("handover.accepted")
    leaves = [e for e in records(service, case_id) if e.event_code == "handover.proposed"]
    assert REASON not in str(leaves[0].to_json())  # the reason is sealed, not in the leaf
    assert all(e.subject_user != counsellor.user_id for e in records(service, case_id)
               if e.event_code == "membership.removed")


async def test_declined_handover_keeps_the_regie(
    service: Service, make_person: MakePerson
) -> None:
    """Only the addressee can decline, with a reason; the regie stays and is told in the thread."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    other = await make_person("buurtteam", "teamleider")
    case_id, room = await open_case(regie, bot)
    await invite_and_join(regie, room, other)
    r = _r(await regie.command(room, f"!overdracht {colleague.user_id} {REASON}"))
    assert r["ok"], r
    assert isinstance(await colleague.join(room), nio.JoinResponse)

    assert _r(await other.command(room, "!weiger geen tijd"))["errcode"] == "BB_NOT_ADDRESSEE"
    assert _r(await other.command(room, "!accepteer"))["errcode"] == "BB_NOT_ADDRESSEE"
    reply = await colleague.command(room, "!weiger")
    assert _r(reply)["errcode"] == "BB_REASON_MISSING" and "Gebruik:" in reply["body"]
    reply = await colleague.command(room, "!decline no capacity this month")
    assert _r(reply)["ok"] is True and _r(reply)["data"]["regie"] == regie.user_id
    assert reply["m.relates_to"]["rel_type"] == "m.thread"
    assert "declined" in reply["body"]  # the English alias answers in English
    assert _r(await regie.command(room, "!regie"))["data"]["regie"] == regie.user_id
    assert _r(await colleague.command(room, "!accepteer"))["errcode"] == "BB_NO_OPEN_HANDOVER"
    assert "handover.declined" in done_codes(service, case_id)
    assert "regie.changed" not in done_codes(service, case_id)

    # A new proposal can be made, and withdrawn by the regie only.
    assert _r(await regie.command(room, f"!overdracht {other.user_id} {REASON}"))["ok"]
    assert _r(await other.command(room, "!overdracht intrekken"))["errcode"] == "BB_NOT_REGIE"
    r = _r(await regie.command(room, "!overdracht intrekken"))
    assert r["ok"] and r["data"]["status"] == "withdrawn"
    assert "handover.withdrawn" in done_codes(service, case_id)


async def test_unanswered_handover_is_reminded_then_expires(
    service: Service, make_person: MakePerson, clock: OffsetClock
) -> None:
    """After one working day the addressee is reminded (DM and thread); after five the proposal
    expires and the proposer is told; both are recorded, and a late acceptance is refused."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    case_id, room = await open_case(regie, bot)
    r = _r(await regie.command(room, f"!overdracht {colleague.user_id} {REASON}"))
    assert r["ok"], r
    remind_at, expires_at = _parse(r["data"]["remind_at"]), _parse(r["data"]["expires_at"])
    assert remind_at < expires_at
    assert isinstance(await colleague.join(room), nio.JoinResponse)
    dm = r["data"]["dm_room_id"]
    await wait_invited(colleague, dm)
    assert isinstance(await colleague.join(dm), nio.JoinResponse)

    early = remind_at - clock.now() - dt.timedelta(minutes=5)
    with moved(clock, seconds=early.total_seconds()):
        await asyncio.sleep(1.5)  # a few sweeps: nothing due yet
        assert "handover.reminded" not in done_codes(service, case_id)
    to_remind = remind_at - clock.now() + dt.timedelta(minutes=1)
    with moved(clock, seconds=to_remind.total_seconds()):
        _, note = await colleague.wait_for(notice_of("handover.reminder", room))
        assert colleague.user_id in note["content"]["m.mentions"]["user_ids"]
        await colleague.wait_for(notice_of("handover.reminder", dm))
    assert done_codes(service, case_id).count("handover.reminded") == 1

    to_expire = expires_at - clock.now() + dt.timedelta(minutes=1)
    with moved(clock, seconds=to_expire.total_seconds()):
        _, note = await regie.wait_for(notice_of("handover.expired", room))
        assert regie.user_id in note["content"]["m.mentions"]["user_ids"]
        assert "handover.expired" in done_codes(service, case_id)
    r = _r(await colleague.command(room, "!accepteer"))
    assert r["errcode"] == "BB_NO_OPEN_HANDOVER"
    assert _r(await regie.command(room, "!regie"))["data"]["regie"] == regie.user_id


# -- bad input ---------------------------------------------------------------------------


async def test_bad_handover_input_is_refused_and_nothing_recorded(
    service: Service, make_person: MakePerson
) -> None:
    """Unknown addressee, oneself, the regie, a non-regie proposer, no reason, a BSN, an
    addressee outside the scope, a second proposal, acceptance by someone else: each is
    refused with its errcode; only the one valid proposal is recorded as done."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    stranger = await make_person(None)
    outsider = await make_person("wmo", "wmo-consulent")
    case_id, room = await open_case(regie, bot)
    await invite_and_join(regie, room, colleague)
    before = done_codes(service, case_id)

    async def errcode(person: Person, text: str) -> tuple[str, str]:
        reply = await person.command(room, text)
        assert _r(reply)["ok"] is False, reply["body"]
        return _r(reply)["errcode"], reply["body"]

    assert (await errcode(regie, f"!overdracht {stranger.user_id} {REASON}"))[0] == (
        "BB_NOT_IN_DIRECTORY")
    assert (await errcode(regie, f"!overdracht {regie.user_id} {REASON}"))[0] == (
        "BB_HANDOVER_SELF")
    assert (await errcode(colleague, f"!overdracht {regie.user_id} {REASON}"))[0] == (
        "BB_HANDOVER_TO_REGIE")
    assert (await errcode(colleague, f"!overdracht {outsider.user_id} {REASON}"))[0] == (
        "BB_NOT_REGIE")
    assert (await errcode(regie, f"!overdracht {colleague.user_id}"))[0] == "BB_REASON_MISSING"
    code, body = await errcode(regie, f"!overdracht {colleague.user_id} bsn 111222333 schulden")
    assert code == "BB_PERSONAL_DATA" and "111222333" not in body
    code, body = await errcode(regie, f"!overdracht {outsider.user_id} {REASON}")
    assert code == "BB_HANDOVER_NOT_IN_SCOPE" and "!toestemming geef wmo" in body
    assert (await errcode(regie, "!overdracht"))[0] == "BB_USAGE"
    assert done_codes(service, case_id) == before  # nothing recorded as done
    assert (await members(regie.client, room)).get(outsider.user_id) is None  # not invited

    assert _r(await regie.command(room, f"!overdracht {colleague.user_id} {REASON}"))["ok"]
    assert (await errcode(regie, f"!overdracht {colleague.user_id} {REASON}"))[0] == (
        "BB_HANDOVER_OPEN")
    assert (await errcode(regie, "!accepteer"))[0] == "BB_NOT_ADDRESSEE"
    after = done_codes(service, case_id)
    assert after[len(before):] == ["handover.proposed"]


# -- break-glass -------------------------------------------------------------------------


async def test_break_glass_tells_the_regie_and_ends_by_itself(
    service: Service, make_person: MakePerson, clock: OffsetClock
) -> None:
    """A teamleider outside the scope uses the loper from a DM: access state, invitation,
    a notice to the regie at once, a flagged record; after 24 hours (bot clock) the access
    ends, is recorded and the professional is removed."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    lead = await make_person("wmo", "teamleider")
    case_id, room = await open_case(regie, bot)
    dm = await lead.dm(bot)
    reason = "Woning wordt morgen ontruimd en de regie is niet bereikbaar."
    r = _r(await lead.command(dm, f"!noodtoegang {case_id} {reason}"))
    assert r["ok"] is True, r
    assert r["data"]["reason_code"] == "breakglass.housing"
    _, note = await regie.wait_for(notice_of("breakglass.started", room))
    assert regie.user_id in note["content"]["m.mentions"]["user_ids"]
    assert note["content"][NOTICE_KEY]["user_id"] == lead.user_id
    await wait_invited(lead, room)
    assert isinstance(await lead.join(room), nio.JoinResponse)  # the gate honours the access
    started = [e for e in records(service, case_id) if e.event_code == "breakglass.started"]
    assert started and started[0].checks["emergency"] == "yes"
    assert started[0].reason_code == "breakglass.housing"
    assert reason not in str(started[0].to_json())

    with moved(clock, hours=25):
        async def gone() -> bool:
            return (await members(regie.client, room)).get(lead.user_id) == "leave"

        await eventually(gone, timeout=15)
        await regie.wait_for(notice_of("breakglass.ended", room))
    ended = [e for e in records(service, case_id) if e.event_code == "breakglass.ended"]
    assert len(ended) == 1 and ended[0].subject_user == lead.user_id
    assert ended[0].checks["emergency"] == "yes"
    timeline = _r(await regie.command(room, "!status"))["data"]["items"]
    kinds = [i["kind"] for i in timeline]
    assert "breakglass_started" in kinds and "breakglass_ended" in kinds
    assert next(i for i in timeline if i["kind"] == "breakglass_started")["review"] is True


async def test_bad_break_glass_requests_are_refused_and_recorded_as_refusals(
    service: Service, make_person: MakePerson
) -> None:
    """A role without the key, no or a short reason, a missing or unknown case: refused with
    an errcode, nobody invited, the attempts recorded as refusals only."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    consulent = await make_person("wmo", "wmo-consulent")
    teamlead = await make_person("wmo", "teamleider")
    case_id, room = await open_case(regie, bot)
    dm_c, dm_t = await consulent.dm(bot), await teamlead.dm(bot)
    good = "Woning wordt morgen ontruimd en de regie is niet bereikbaar."

    async def errcode(person: Person, dm: str, text: str) -> str:
        r = _r(await person.command(dm, text))
        assert r["ok"] is False
        return str(r["errcode"])

    assert await errcode(consulent, dm_c, f"!noodtoegang {case_id} {good}") == "BB_BREAKGLASS_ROLE"
    assert await errcode(teamlead, dm_t, f"!noodtoegang {case_id}") == "BB_BREAKGLASS_REASON"
    assert await errcode(teamlead, dm_t, f"!breakglass {case_id} urgent!") == "BB_BREAKGLASS_REASON"
    assert await errcode(teamlead, dm_t, f"!noodtoegang {good}") == "BB_USAGE"
    assert await errcode(teamlead, dm_t, f"!noodtoegang C-ZZZZZZZZ {good}") == "BB_UNKNOWN_CASE"
    entries = records(service, case_id)
    assert not [e for e in entries if e.event_code == "breakglass.started"]
    refused = [e for e in entries if e.event_code == "breakglass.refused"]
    assert {e.reason_code for e in refused} == {"bb_breakglass_role", "bb_breakglass_reason"}
    assert all(e.outcome == "refused" for e in refused)
    state = await members(regie.client, room)
    assert consulent.user_id not in state and teamlead.user_id not in state


# -- track and trace, closing ------------------------------------------------------------


async def test_status_shows_the_timeline(service: Service, make_person: MakePerson) -> None:
    """!status lists the case's steps from the records, in plain Dutch, oldest first."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    assert _r(await regie.command(
        room, f"!toestemming geef schuldhulp contact grondslag=wgs tot={_until(30)}"))["ok"]
    assert _r(await regie.command(room, "!toestemming intrekken schuldhulp"))["ok"]
    assert _r(await regie.command(room, f"!overdracht {colleague.user_id} {REASON}"))["ok"]
    reply = await regie.command(room, "!status")
    items = _r(reply)["data"]["items"]
    assert [i["kind"] for i in items] == ["created", "grant_given", "grant_withdrawn",
                                         "handover_proposed"]
    assert "Toestemming gegeven: schuldhulp" in reply["body"]
    assert "@" not in "".join(i["nl"] for i in items)
    assert "consent given" in (await regie.command(room, "!timeline"))["body"].lower()


async def test_closing_a_case_removes_everyone_and_ends_the_grants(
    service: Service, make_person: MakePerson
) -> None:
    """Only the regie closes, with a reason; grants end, a running break-glass ends on the
    record, the case state says closed, every member but the bot is removed after the
    reply, and the gate refuses new invites."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    emergency = await make_person("ggd", "arts")
    case_id, room = await open_case(regie, bot)
    dm = await emergency.dm(bot)
    assert _r(await emergency.command(
        dm, f"!noodtoegang {case_id} Acute crisis thuis, regie is nu niet bereikbaar."))["ok"]
    await invite_and_join(regie, room, colleague)
    r = _r(await regie.command(
        room, f"!toestemming geef schuldhulp contact grondslag=wgs tot={_until(30)}"))
    grant_id = r["data"]["grants"][0]["grant_id"]
    await invite_and_join(regie, room, counsellor)
    assert _r(await regie.command(room, f"!overdracht {colleague.user_id} {REASON}"))["ok"]

    assert _r(await regie.command(room, "!casus sluiten"))["errcode"] == "BB_REASON_MISSING"
    assert _r(await colleague.command(room, "!casus sluiten hulpvraag afgerond"))[
        "errcode"] == "BB_NOT_REGIE"
    r = _r(await regie.command(room, "!casus sluiten hulpvraag afgerond"))
    assert r["ok"] is True and r["data"]["grants_ended"] == [grant_id]

    async def only_bot() -> bool:
        state = await _members_as_bot(service, room)
        return {u for u, m in state.items() if m in ("join", "invite")} == {bot}

    await eventually(only_bot, timeout=15)
    state = await _state_as_bot(service, room)
    assert state[("nl.busbaan.case", "")]["status"] == "closed"
    assert state[("nl.busbaan.consent", grant_id)].get("withdrawn_at")
    assert state[("m.room.name", "")]["name"].endswith("(gesloten)")
    codes = done_codes(service, case_id)
    assert codes[-1] != "case.created" and "case.closed" in codes
    assert "handover.withdrawn" in codes and "consent.withdrawn" in codes
    ended = [e for e in records(service, case_id) if e.event_code == "breakglass.ended"]
    assert [e.subject_user for e in ended] == [emergency.user_id]
    async def all_removals_recorded() -> list[Any]:
        # The removal is recorded just after the kick: allow the write to land.
        found = [e for e in records(service, case_id) if e.event_code == "membership.removed"]
        subjects = {e.subject_user for e in found}
        return found if subjects >= {regie.user_id, colleague.user_id,
                                     counsellor.user_id} else []

    removed = await eventually(all_removals_recorded, timeout=10)
    assert {e.reason_code for e in removed} == {"refused.case_closed"}
    assert isinstance(await colleague.join(room), nio.ErrorResponse)


async def _members_as_bot(service: Service, room: str) -> dict[str, str]:
    return await members(service.runners["casus"].client, room)


async def _state_as_bot(service: Service, room: str) -> dict[tuple[str, str], dict[str, Any]]:
    resp = await service.runners["casus"].client.room_get_state(room)
    assert isinstance(resp, nio.RoomGetStateResponse), resp
    return {(e["type"], e["state_key"]): e["content"] for e in resp.events}
