"""lanes8 (outside8 finding 2), through a real Synapse: a Veilig Thuis answer whose intake
room does not exist shows the public number instead of `!baan 1`; once the intake room
is made as `make dev` makes it (deploy/demo/intake.csv, provision_intake_rooms), the
next answer offers `!baan 1` and it opens a lane to the team."""

from __future__ import annotations

from pathlib import Path

from bots.wegwijzer.intake import parse_intake_csv, provision_intake_rooms
from busbaan.devstack.people import REPLY_KEY
from busbaan.service import Service
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, ask_dm

ROOT = Path(__file__).resolve().parents[2]
BRUISES = ("op school zie ik steeds blauwe plekken op de armen van een jongen van 8, hij "
           "wil er niet over praten")


async def test_a_veilig_thuis_lane_opens_once_its_dev_intake_room_exists(
        make_person: MakePerson, bot_id: str, wegwijzer_service: Service) -> None:
    bot = wegwijzer_service.wegwijzer
    asker, quinten, rosa = await make_person(), await make_person(), await make_person()
    dm = await asker.dm(bot_id)

    # No intake room for Veilig Thuis on this homeserver (yet): no lane is promised.
    _, before = await ask_dm(asker, dm, BRUISES)
    first = before[ROUTE_KEY]["results"][0]
    assert first["service_id"] == "veilig-thuis"
    assert first["lane"] == "#intake-veilig-thuis:localhost"  # unchanged field
    assert first["lane_offered"] is False
    assert first["lane_errcode"] == "BB_INTAKE_UNREACHABLE"
    body = before["body"]
    assert body.startswith("⚠") and "0800-2000" in body.splitlines()[0]
    vt_lines = body.split("\n1. ")[1].split("\n2. ")[0]
    assert "Contact: bel 0800-2000" in vt_lines and "!baan 1" not in body
    refused = await asker.command(dm, "!baan 1")  # asked anyway: the same number
    assert refused[REPLY_KEY]["errcode"] == "BB_INTAKE_UNREACHABLE"
    assert "bel 0800-2000" in refused["body"] and "020 555" not in refused["body"]

    # make dev's intake rooms: deploy/demo/intake.csv's team for veilig-thuis, here two
    # fresh people standing in for the demo's Veilig Thuis staff.
    path = ROOT / "deploy" / "demo" / "intake.csv"
    teams_of = parse_intake_csv(path.read_text(encoding="utf-8"), str(path))
    vt = bot.social_map.service("veilig-thuis")
    assert vt is not None
    members = {team: [quinten.user_id, rosa.user_id] for team in teams_of["veilig-thuis"]}
    rooms = await provision_intake_rooms(bot.client, [vt], teams_of, members)
    assert list(rooms) == ["#intake-veilig-thuis:localhost"]

    _, after = await ask_dm(asker, dm, BRUISES)
    first = after[ROUTE_KEY]["results"][0]
    assert first["lane_offered"] is True and first["lane_errcode"] is None
    assert "!baan 1" in after["body"] or "!baan <nummer>" in after["body"]
    opened = await asker.command(dm, "!baan 1")
    assert opened[REPLY_KEY]["ok"] is True, opened["body"]
    data = opened[REPLY_KEY]["data"]
    assert data["service_id"] == "veilig-thuis" and data["invited"] == 2
