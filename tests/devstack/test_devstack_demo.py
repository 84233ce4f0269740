"""Demo data for ``make dev``: the professionals and bots, and ``dev.json``."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from busbaan.devstack import (
    BOTS,
    DemoDataError,
    Homeserver,
    load_directory,
    provision_demo,
    start_homeserver,
    write_dev_json,
)

WEB = "http://127.0.0.1:8080"


@pytest.fixture(scope="module")
async def demo_homeserver(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Homeserver]:
    """A homeserver of its own: the demo's fixed names (casus, anouk...) stay off the
    session's shared one, where other tests register their own casus bot."""
    hs = await start_homeserver(tmp_path_factory.mktemp("demo"), profile="test")
    try:
        yield hs
    finally:
        await hs.stop()


def test_demo_directory_has_five_organisations_and_one_privacy_officer() -> None:
    """The shipped demo directory parses: ≥5 organisations with ≥2 people, one officer."""
    professionals = load_directory()
    officers = [p for p in professionals if p.role == "privacy-officer"]
    assert len(officers) == 1
    per_org: dict[str, int] = {}
    for p in professionals:
        if p.role != "privacy-officer":
            per_org[p.organisation] = per_org.get(p.organisation, 0) + 1
    assert len([org for org, n in per_org.items() if n >= 2]) >= 5


def test_every_intake_room_of_the_dev_map_has_a_fitting_team() -> None:
    """lanes8 (outside8 finding 2): every service of the make-dev map with an intake room
    has a demo team with someone in it (deploy/demo/intake.csv), so `!baan <n>` opens a
    lane; the safety desks and the eviction/cut-off desk have two people, so a lane
    opens also when one of them asks. The directory passes the shipped policy."""
    from bots.wegwijzer.intake import parse_intake_csv
    from busbaan.directory import parse_directory_csv
    from busbaan.policy import load_policy
    from busbaan.routing import demo_map_path, load_map

    root = Path(__file__).resolve().parents[2]
    intake_csv = root / "deploy" / "demo" / "intake.csv"
    teams_of = parse_intake_csv(intake_csv.read_text(encoding="utf-8"), str(intake_csv))
    people: dict[str, set[str]] = {}
    for p in load_directory():
        people.setdefault(p.team, set()).add(p.localpart)
    social_map = load_map(demo_map_path())
    staff = {s.id: set().union(*(people.get(t, set()) for t in teams_of.get(s.id, ())))
             for s in social_map.services if s.matrix_room}
    assert [sid for sid, who in staff.items() if not who] == []
    assert set(teams_of) <= {s.id for s in social_map.services}
    for desk in ("veilig-thuis", "crisisdienst-113", "opvang-toegang", "crisis-schulden",
                 "okt", "raadslieden"):
        assert len(staff[desk]) >= 2, desk
    parse_directory_csv((root / "deploy" / "demo" / "directory.csv").read_text("utf-8"),
                        load_policy(root / "policies"), server_name="localhost")


def test_malformed_directory_names_file_line_and_field(tmp_path: Path) -> None:
    """A broken row is refused with the file, the line and the field."""
    path = tmp_path / "directory.csv"
    path.write_text(
        "localpart,display_name,organisation,team,role\n"
        "anouk,Anouk,buurtteam,zuidoost,medewerker\n"
        "Bad Name,Bram,buurtteam,zuidoost,medewerker\n"
    )
    with pytest.raises(DemoDataError) as caught:
        load_directory(path)
    assert f"{path}:3" in caught.value.message("en")
    assert "localpart" in caught.value.message("en")


@pytest.mark.synapse
async def test_provision_writes_dev_json(demo_homeserver: Homeserver, tmp_path: Path) -> None:
    """Provisioning registers everyone; dev.json has bots, users and the officer apart."""
    demo = await provision_demo(demo_homeserver, state_dir=tmp_path)
    data = demo.dev_json(WEB)
    write_dev_json(tmp_path / "dev.json", data)

    written = json.loads((tmp_path / "dev.json").read_text())
    assert written == data
    assert stat.S_IMODE((tmp_path / "dev.json").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert written["homeserver"] == demo_homeserver.url
    assert written["server_name"] == demo_homeserver.server_name
    assert written["web"] == WEB
    assert written["bots"] == {name: demo_homeserver.user_id(name) for name in BOTS}
    officer = written["privacy_officer"]
    assert set(officer) == {"user_id", "password"}
    assert officer["user_id"] not in {u["user_id"] for u in written["users"]}
    assert len(written["users"]) == len(load_directory()) - 1
    for user in written["users"]:
        assert set(user) == {"user_id", "password", "display_name", "organisation", "role"}

    anouk = next(u for u in written["users"] if u["user_id"] == demo_homeserver.user_id("anouk"))
    login = await demo_homeserver.admin.login("anouk", anouk["password"])
    assert login.user_id == anouk["user_id"]
    login = await demo_homeserver.admin.login("femke", officer["password"])
    assert login.user_id == officer["user_id"]


@pytest.mark.synapse
async def test_bots_have_no_rate_limit(demo_homeserver: Homeserver, tmp_path: Path) -> None:
    """The bots get Synapse's rate limits lifted; the professionals keep them."""
    demo = await provision_demo(demo_homeserver, state_dir=tmp_path)
    for bot in demo.bots.values():
        override = await demo_homeserver.admin.ratelimit_override(bot.user_id)
        assert override == {"messages_per_second": 0, "burst_count": 0}
    person = demo.users[0].credentials.user_id
    assert await demo_homeserver.admin.ratelimit_override(person) == {}


@pytest.mark.synapse
async def test_second_run_reuses_passwords(demo_homeserver: Homeserver, tmp_path: Path) -> None:
    """A second provisioning run creates nobody and keeps every password (file 0600)."""
    first = (await provision_demo(demo_homeserver, state_dir=tmp_path)).dev_json(WEB)
    passwords = tmp_path / "passwords.json"
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    second_run = await provision_demo(demo_homeserver, state_dir=tmp_path)
    assert second_run.dev_json(WEB) == first
    assert not any(u.credentials.created for u in second_run.users)


@pytest.mark.synapse
async def test_lost_password_file_is_recovered(demo_homeserver: Homeserver, tmp_path: Path) -> None:
    """Without the password file, existing accounts get the newly generated passwords."""
    await provision_demo(demo_homeserver, state_dir=tmp_path / "old")
    demo = await provision_demo(demo_homeserver, state_dir=tmp_path / "new")
    hans = next(u for u in demo.users if u.professional.localpart == "hans")
    login = await demo_homeserver.admin.login("hans", hans.credentials.password)
    assert login.user_id == demo_homeserver.user_id("hans")
