"""Case rooms end to end: a real Synapse with the busbaan gate, the casus bot, and
professionals at plain Matrix clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import nio
import pytest

from busbaan.devstack.people import NOTICE_KEY, Person, eventually, members
from busbaan.service import Service
from tests.casus.conftest import MakePerson

pytestmark = pytest.mark.synapse


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


async def open_case(regie: Person, bot: str, label: str = "schulden en huur") -> tuple[str, str]:
    """The regie opens a case through a direct chat with the bot and joins the room."""
    dm = await regie.dm(bot)
    reply = await regie.command(dm, f"!casus nieuw {label}")
    data = reply["nl.busbaan.reply"]
    assert data["ok"] is True, reply["body"]
    room_id = data["data"]["room_id"]
    joined = await regie.join(room_id)
    assert isinstance(joined, nio.JoinResponse), joined
    return data["data"]["case_id"], room_id


def _reply(content: dict[str, Any]) -> dict[str, Any]:
    return content["nl.busbaan.reply"]


async def test_three_organisations_share_a_case_within_its_scope(
    service: Service, make_person: MakePerson
) -> None:
    """A buurtteam regie opens a case, admits debt counselling by a grant, invites a
    counsellor who joins; the income department stays out until a lawful grant."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    income = await make_person("inkomen", "klantmanager")

    case_id, room = await open_case(regie, bot)
    assert case_id.startswith("C-")

    # Own organisation: in scope from the start.
    r = _reply(await regie.command(room, f"!uitnodigen {colleague.user_id}"))
    assert r["ok"] is True
    assert isinstance(await colleague.join(room), nio.JoinResponse)

    # Debt counselling: refused until a grant, with the command to fix it.
    r = _reply(await regie.command(room, f"!uitnodigen {counsellor.user_id}"))
    assert r["ok"] is False and r["errcode"] == "BB_ORGANISATION_NOT_IN_SCOPE"
    r = _reply(await regie.command(
        room, f"!toestemming geef schuldhulp contact,schulden grondslag=wgs tot={_until(30)}"))
    assert r["ok"] is True, r
    grant_id = r["data"]["grants"][0]["grant_id"]
    r = _reply(await regie.command(room, f"!uitnodigen {counsellor.user_id}"))
    assert r["ok"] is True and r["data"]["grant_id"] == grant_id
    assert isinstance(await counsellor.join(room), nio.JoinResponse)

    # Income department on consent: unlawful for a public-task body, nothing recorded.
    r = _reply(await regie.command(
        room, f"!toestemming geef inkomen inkomen grondslag=toestemming tot={_until(30)}"))
    assert r["ok"] is False and r["errcode"] == "BB_UNLAWFUL"
    assert "consent-not-substitute" in r["data"]["rules"]
    r = _reply(await regie.command(
        room, f"!toestemming geef inkomen inkomen grondslag=participatiewet tot={_until(30)}"))
    assert r["ok"] is True
    assert isinstance(await income.join(room), nio.ErrorResponse)  # not invited yet
    r = _reply(await regie.command(room, f"!uitnodigen {income.user_id}"))
    assert r["ok"] is True
    assert isinstance(await income.join(room), nio.JoinResponse)

    scope = _reply(await counsellor.command(room, "!toestemming"))
    assert scope["ok"] is True
    assert {g["organisation"] for g in scope["data"]["grants"]} == {"schuldhulp", "inkomen"}
    state = await members(regie.client, room)
    assert {u for u, m in state.items() if m == "join"} == {
        bot, regie.user_id, colleague.user_id, counsellor.user_id, income.user_id}


async def test_a_grant_is_answered_on_commit_and_invites_wait_for_its_room_state(
    service: Service, make_person: MakePerson
) -> None:
    """A grant is answered once the store holds it, also while the homeserver refuses
    its state event; an invitation then is refused with nothing sent, and once the
    mirror's retry writes the state the invitation works and the counsellor joins."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    _, room = await open_case(regie, bot)
    mirror = service.casus.state_mirror
    real_writer = mirror.writer
    refusing = {"on": True}

    async def refuse_consent(room_id: str, event_type: str, content: dict[str, Any],
                             state_key: str) -> None:
        if refusing["on"] and event_type == "nl.busbaan.consent":
            raise RuntimeError("M_FORBIDDEN (the homeserver refuses, injected)")
        await real_writer(room_id, event_type, content, state_key)

    mirror.writer = refuse_consent
    try:
        r = _reply(await regie.command(
            room, f"!toestemming geef schuldhulp schulden grondslag=wgs tot={_until(30)}"))
        assert r["ok"] is True, r
        grant_id = r["data"]["grants"][0]["grant_id"]
        r = _reply(await regie.command(room, f"!uitnodigen {counsellor.user_id}"))
        assert r["ok"] is False and r["errcode"] == "BB_UNAVAILABLE"
        assert (await members(regie.client, room)).get(counsellor.user_id) is None
        refusing["on"] = False

        async def consent_in_room() -> bool:
            st = await regie.client.room_get_state_event(room, "nl.busbaan.consent",
                                                         grant_id)
            return "organisation" in getattr(st, "content", {})

        await eventually(consent_in_room, timeout=10)  # the mirror retried on its own
        r = _reply(await regie.command(room, f"!uitnodigen {counsellor.user_id}"))
        assert r["ok"] is True, r
        assert isinstance(await counsellor.join(room), nio.JoinResponse)
    finally:
        mirror.writer = real_writer


async def test_case_room_is_set_up_by_the_bot_with_locked_state(
    service: Service, make_person: MakePerson
) -> None:
    """The case room is created by the bot in room version 12 with invite-only joins,
    history from joining, an ACL, and power levels that leave state to the bot."""
    bot = service.runners["casus"].user_id
    regie = await make_person("wmo", "wmo-consulent")
    _, room = await open_case(regie, bot, label="")
    resp = await regie.client.room_get_state(room)
    assert isinstance(resp, nio.RoomGetStateResponse)
    state = {(e["type"], e["state_key"]): e for e in resp.events}
    create = state[("m.room.create", "")]
    assert create["sender"] == bot and create["content"]["room_version"] == "12"
    assert state[("m.room.join_rules", "")]["content"]["join_rule"] == "invite"
    assert state[("m.room.history_visibility", "")]["content"]["history_visibility"] == "joined"
    assert "localhost" in state[("m.room.server_acl", "")]["content"]["allow"]
    pl = state[("m.room.power_levels", "")]["content"]
    assert pl["users"] == {regie.user_id: 50}
    assert pl["state_default"] == 100 and pl["events"]["nl.busbaan.consent"] == 100
    assert state[("nl.busbaan.case", "")]["content"]["regie"] == regie.user_id
    name = state[("m.room.name", "")]["content"]["name"]
    assert name.startswith("Casus C-") and "schuld" not in name


async def test_a_label_with_a_bsn_creates_nothing(
    service: Service, make_person: MakePerson
) -> None:
    """A label holding a valid BSN is refused with the reason and no case is made."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    dm = await regie.dm(bot)
    before = len(await _open_cases(service))
    reply = await regie.command(dm, "!casus nieuw dossier 111222333")
    r = _reply(reply)
    assert r["ok"] is False and r["errcode"] == "BB_PERSONAL_DATA"
    assert "BSN" in reply["body"] and "111222333" not in reply["body"]
    assert len(await _open_cases(service)) == before


async def _open_cases(service: Service) -> list[Any]:
    import asyncio

    return await asyncio.to_thread(service.casus.cases.open_cases)


async def test_unknown_professional_cannot_open_a_case(
    service: Service, make_person: MakePerson
) -> None:
    """Someone not in the directory is told to ask for a directory entry."""
    bot = service.runners["casus"].user_id
    stranger = await make_person(None)
    dm = await stranger.dm(bot)
    r = _reply(await stranger.command(dm, "!casus nieuw"))
    assert r["ok"] is False and r["errcode"] == "BB_NOT_IN_DIRECTORY"


async def test_malformed_commands_get_usage(service: Service, make_person: MakePerson) -> None:
    """Malformed grant commands get a message with usage; unknown ids list the valid ones."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    give = "!toestemming geef schuldhulp"
    reply = await regie.command(room, give)
    assert _reply(reply)["errcode"] == "BB_USAGE" and "Gebruik:" in reply["body"]
    reply = await regie.command(room, f"{give} schulden grondslag=wgs tot=morgen")
    assert _reply(reply)["errcode"] == "BB_USAGE" and "JJJJ-MM-DD" in reply["body"]
    reply = await regie.command(room,
                                f"!toestemming geef banaan schulden grondslag=wgs tot={_until(5)}")
    assert _reply(reply)["errcode"] == "BB_UNLAWFUL" and "schuldhulp" in reply["body"]
    reply = await regie.command(room, f"{give} snoep grondslag=wgs tot={_until(5)}")
    assert "gezondheid" in reply["body"]  # the valid categories are listed
    reply = await regie.command(room, f"{give} schulden grondslag=wgs tot=2020-01-01")
    assert _reply(reply)["errcode"] == "BB_UNLAWFUL" and "verleden" in reply["body"]
    reply = await regie.command(room, f"{give} schulden grondslag=wgs tot={_until(900)}")
    assert _reply(reply)["errcode"] == "BB_UNLAWFUL" and "365" in reply["body"]
    reply = await regie.command(room,
                                "!consent give schuldhulp schulden basis=wgs until=2020-01-01")
    assert "past" in reply["body"]  # English alias answers in English
    reply = await regie.command(room, "!uitnodigen niemand")
    assert _reply(reply)["errcode"] == "BB_USAGE"
    scope = _reply(await regie.command(room, "!toestemming"))
    assert scope["data"]["grants"] == []  # nothing half-written


# -- the attack matrix: every one of these must be refused ---------------------------


async def test_invite_by_non_regie_is_refused(service: Service, make_person: MakePerson) -> None:
    """A member who is not the regie cannot invite, by command or by the raw API."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    third = await make_person("buurtteam", "teamleider")
    _, room = await open_case(regie, bot)
    await regie.command(room, f"!uitnodigen {colleague.user_id}")
    assert isinstance(await colleague.join(room), nio.JoinResponse)
    r = _reply(await colleague.command(room, f"!uitnodigen {third.user_id}"))
    assert r["ok"] is False and r["errcode"] == "BB_NOT_REGIE"
    raw = await colleague.client.room_invite(room, third.user_id)
    assert isinstance(raw, nio.RoomInviteError) and raw.status_code == "M_FORBIDDEN"
    assert (await members(regie.client, room)).get(third.user_id) is None


async def test_join_without_invite_is_refused(service: Service, make_person: MakePerson) -> None:
    """Even a colleague in scope cannot join without an invite (join rule invite)."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    assert isinstance(await colleague.join(room), nio.JoinError)


async def test_raw_invite_out_of_scope_is_refused_with_reason(
    service: Service, make_person: MakePerson
) -> None:
    """The regie inviting an out-of-scope user through the raw client-server API is
    refused by the homeserver, with busbaan's reason in the error and in the room."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    _, room = await open_case(regie, bot)
    import aiohttp

    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            f"{service.config.homeserver}/_matrix/client/v3/rooms/{room}/invite",
            json={"user_id": outsider.user_id},
            headers={"Authorization": f"Bearer {regie.client.access_token}"})
        body = await resp.json()
    assert resp.status == 403 and body["errcode"] == "M_FORBIDDEN"
    assert body["nl.busbaan.code"] == "refused.organisation_not_in_scope"
    assert "ggd" in body["nl.busbaan.reason"]
    _, notice = await regie.wait_for(
        lambda rid, ev: rid == room and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind")
        == "gate.refused")
    assert notice["content"][NOTICE_KEY]["code"] == "refused.organisation_not_in_scope"
    assert "ggd" in notice["content"]["body"]

    async def gate_recorded() -> list[Any]:
        return [e.entry for e in service.audit.log().query(event_prefix="membership")
                if e.entry.source == "gate" and e.entry.outcome == "refused"
                and e.entry.subject_user == outsider.user_id]

    refused = (await eventually(gate_recorded, timeout=10))[0]
    assert refused.user_id == regie.user_id
    assert refused.reason_code == "refused.organisation_not_in_scope"


async def test_knock_is_refused(service: Service, make_person: MakePerson) -> None:
    """Knocking on a case room is refused."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    resp = await colleague.client.room_knock(room)
    assert isinstance(resp, nio.ErrorResponse)


async def test_power_level_escalation_and_forged_consent_are_refused(
    service: Service, make_person: MakePerson
) -> None:
    """The regie cannot raise their power, change the ACL or forge a consent grant."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    _, room = await open_case(regie, bot)
    pl = await regie.client.room_put_state(room, "m.room.power_levels",
                                           {"users": {regie.user_id: 100}})
    assert isinstance(pl, nio.RoomPutStateError)
    forged = {"grant_id": "G-FORGED", "organisation": "ggd", "roles": [],
              "categories": ["gezondheid"], "legal_bases": ["wpg", "zorgverlening"],
              "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2099-01-01T00:00:00Z",
              "given_by": regie.user_id}
    resp = await regie.client.room_put_state(room, "nl.busbaan.consent", forged, "G-FORGED")
    assert isinstance(resp, nio.RoomPutStateError)
    acl = await regie.client.room_put_state(room, "m.room.server_acl", {"allow": ["*"]})
    assert isinstance(acl, nio.RoomPutStateError)
    invite = await regie.client.room_invite(room, outsider.user_id)
    assert isinstance(invite, nio.RoomInviteError)


async def test_withdrawn_grant_removes_the_member(
    service: Service, make_person: MakePerson
) -> None:
    """Withdrawing a grant removes its organisation's members within seconds, and the
    removal is recorded as an incident."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    case_id, room = await open_case(regie, bot)
    r = _reply(await regie.command(
        room, f"!toestemming geef schuldhulp schulden grondslag=wgs tot={_until(10)}"))
    assert r["ok"]
    await regie.command(room, f"!uitnodigen {counsellor.user_id}")
    assert isinstance(await counsellor.join(room), nio.JoinResponse)
    r = _reply(await regie.command(room, "!toestemming intrekken schuldhulp"))
    assert r["ok"] is True and counsellor.user_id in r["data"]["removed"]

    async def gone() -> bool:
        return (await members(regie.client, room)).get(counsellor.user_id) == "leave"

    await eventually(gone, timeout=5)
    log = service.audit.log()

    async def recorded() -> list[Any]:
        # The removal is recorded right after the kick (the reply no longer waits for
        # either); what the case service recorded is appended by the drain.
        service.casus.audit_mirror.drain()
        return [e for e in log.query(case_id=case_id)
                if e.entry.event_code == "membership.removed"]

    removed = await eventually(recorded, timeout=5)
    assert removed and removed[-1].entry.subject_user == counsellor.user_id
    assert removed[-1].entry.reason_code == "refused.grant_withdrawn"
    # and the gate now refuses a new invite for them
    again = await regie.client.room_invite(room, counsellor.user_id)
    assert isinstance(again, nio.RoomInviteError)


async def test_expired_grant_removes_the_member(
    service: Service, make_person: MakePerson, clock: Any
) -> None:
    """When a grant expires (no event at all), the bot removes its members."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    volunteer = await make_person("humanitas", "vrijwilliger")
    _, room = await open_case(regie, bot)
    r = _reply(await regie.command(
        room, f"!toestemming geef humanitas schulden grondslag=toestemming tot={_until(1)}"))
    assert r["ok"], r
    await regie.command(room, f"!uitnodigen {volunteer.user_id}")
    assert isinstance(await volunteer.join(room), nio.JoinResponse)
    clock.advance(days=3)
    try:
        async def gone() -> bool:
            return (await members(regie.client, room)).get(volunteer.user_id) == "leave"

        await eventually(gone, timeout=5)
    finally:
        clock.advance(days=-3)


async def test_member_whose_organisation_left_the_scope_is_removed(
    service: Service, make_person: MakePerson, busbaan_db_url: str
) -> None:
    """A member who moves to an organisation outside the scope (directory change) is
    removed by the bot's reconciliation, with the reason in a notice."""
    import datetime as dt

    from busbaan.consent import Professional
    from busbaan.store import make_engine
    from busbaan.store.repositories import DirectoryRepository

    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    await regie.command(room, f"!uitnodigen {colleague.user_id}")
    assert isinstance(await colleague.join(room), nio.JoinResponse)
    engine = make_engine(busbaan_db_url)
    DirectoryRepository(engine).upsert(
        [Professional(user_id=colleague.user_id, organisation="ggd", role="arts")],
        source="test", now=dt.datetime.now(dt.UTC))
    engine.dispose()
    await service.casus.refresh_directory(force=True)
    _, notice = await regie.wait_for(
        lambda rid, ev: rid == room
        and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == "membership.removed"
        and ev["content"][NOTICE_KEY].get("user_id") == colleague.user_id)
    assert notice["content"][NOTICE_KEY]["code"] == "refused.organisation_not_in_scope"
    assert (await members(regie.client, room)).get(colleague.user_id) == "leave"
