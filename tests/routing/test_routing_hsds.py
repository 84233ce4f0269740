"""Loading and checking HSDS 3.0 social maps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from routing_testdata import BENCHMARK_MAP

from busbaan.cli import main
from busbaan.routing import SocialMapError, demo_map_path, load_map, parse_map, validate_map


def codes(raw: Any) -> list[tuple[str, str]]:
    return [(p.code, p.where) for p in validate_map(raw) if p.severity == "error"]


def test_valid_map_has_no_errors(raw_map: dict[str, Any]) -> None:
    """A complete small map validates without errors and parses into frozen objects."""
    assert codes(raw_map) == []
    social_map = parse_map(raw_map)
    service = social_map.service("svc")
    assert service is not None
    assert service.taxonomy_term_ids == ("t1",)
    assert service.location_ids == ("loc",)
    assert service.matrix_room == "#intake-svc:localhost"


def test_benchmark_and_demo_maps_load() -> None:
    """The shared benchmark map and the shipped demo map load without errors."""
    assert len(load_map(BENCHMARK_MAP).services) == 83
    demo = load_map(None)
    assert demo.source == str(demo_map_path())
    assert 25 <= len(demo.services) <= 40


def test_demo_map_has_intake_rooms_and_one_without() -> None:
    """Demo services use '#intake-<id>:localhost' rooms, and at least one has none."""
    demo = load_map(demo_map_path())
    rooms = {s.id: s.matrix_room for s in demo.services}
    without = [sid for sid, room in rooms.items() if room is None]
    assert without
    for sid, room in rooms.items():
        assert room is None or room == f"#intake-{sid}:localhost"
    areas = {a.name for s in demo.services for a in s.areas}
    assert {"Zuidoost", "Noord", "West"} <= areas


def test_dangling_organization_is_named(raw_map: dict[str, Any]) -> None:
    """A service whose organization_id is unknown is reported with its path."""
    raw_map["services"][0]["organization_id"] = "nope"
    assert ("unknown_organization", "services[0] 'svc'.organization_id") in codes(raw_map)


def test_missing_required_fields_are_named(raw_map: dict[str, Any]) -> None:
    """Missing name, id and organization_id are each reported."""
    del raw_map["services"][0]["name"]
    del raw_map["services"][1]["organization_id"]
    raw_map["organizations"].append({"name": "zonder id"})
    found = codes(raw_map)
    assert ("missing_field", "services[0] 'svc'.name") in found
    assert ("missing_field", "services[1] 'svc2'.organization_id") in found
    assert ("missing_id", "organizations[1]") in found


@pytest.mark.parametrize(
    ("minimum", "maximum", "where"),
    [
        (-1, None, "services[0] 'svc'.minimum_age"),
        ("18", None, "services[0] 'svc'.minimum_age"),
        (18, 200, "services[0] 'svc'.maximum_age"),
        (30, 20, "services[0] 'svc'"),
    ],
)
def test_bad_ages_are_named(
    raw_map: dict[str, Any], minimum: Any, maximum: Any, where: str
) -> None:
    """Negative, non-numeric, impossible and inverted ages are errors at their field."""
    raw_map["services"][0]["minimum_age"] = minimum
    raw_map["services"][0]["maximum_age"] = maximum
    assert ("bad_age", where) in codes(raw_map)


def test_dangling_links_are_named(raw_map: dict[str, Any]) -> None:
    """Unknown taxonomy terms, services and locations in links are errors."""
    raw_map["services"][0]["attributes"][0]["taxonomy_term_id"] = "t9"
    raw_map["service_at_locations"][0]["location_id"] = "loc9"
    raw_map["service_at_locations"].append(
        {"id": "sal2", "service_id": "svc9", "location_id": "loc"}
    )
    found = {code for code, _ in codes(raw_map)}
    assert {"unknown_taxonomy_term", "unknown_location", "unknown_service"} <= found


def test_duplicate_ids_and_bad_room_are_errors(raw_map: dict[str, Any]) -> None:
    """A repeated service id and a malformed x_matrix_room are errors."""
    raw_map["services"][1]["id"] = "svc"
    raw_map["services"][0]["x_matrix_room"] = "intake"
    found = {code for code, _ in codes(raw_map)}
    assert {"duplicate_id", "bad_matrix_room"} <= found


def test_unreachable_service_is_a_warning(raw_map: dict[str, Any]) -> None:
    """A service with no intake room and no contact details gets a warning, not an error."""
    del raw_map["services"][1]["phones"]
    problems = validate_map(raw_map)
    assert [p.code for p in problems if p.severity == "warning"] == ["unreachable"]
    assert codes(raw_map) == []


def test_not_a_map_is_an_error() -> None:
    """Anything but a JSON object is one clear error."""
    assert [p.code for p in validate_map([1, 2])] == ["not_an_object"]


def test_parse_map_raises_with_every_error(raw_map: dict[str, Any]) -> None:
    """parse_map raises a SocialMapError whose Dutch and English texts list every error."""
    raw_map["services"][0]["organization_id"] = "nope"
    raw_map["services"][1]["minimum_age"] = -3
    with pytest.raises(SocialMapError) as info:
        parse_map(raw_map, source="kaart.json")
    error = info.value
    assert error.errcode == "BB_SOCIALMAP_INVALID"
    assert "2 fout(en)" in error.message("nl") and "organisatie 'nope'" in error.message("nl")
    assert "2 error(s)" in error.message("en")
    assert len(error.data["problems"]) == 2


def test_load_map_missing_file_and_bad_json(tmp_path: Path) -> None:
    """A missing file and invalid JSON raise SocialMapError, not OSError or ValueError."""
    with pytest.raises(SocialMapError) as missing:
        load_map(tmp_path / "geen.json")
    assert missing.value.errcode == "BB_NOT_FOUND"
    bad = tmp_path / "kapot.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(SocialMapError, match="JSON"):
        load_map(bad)


def test_cli_check_reports_problems_in_dutch(tmp_path: Path, raw_map: dict[str, Any]) -> None:
    """`socialmap check` names each error in Dutch and exits non-zero, without a traceback."""
    raw_map["services"][0]["organization_id"] = "nope"
    path = tmp_path / "kaart.json"
    path.write_text(json.dumps(raw_map), encoding="utf-8")
    result = CliRunner().invoke(main, ["socialmap", "check", str(path)], env={"BUSBAAN_LANG": "nl"})
    assert result.exit_code == 1
    assert (
        "fout: services[0] 'svc'.organization_id: organisatie 'nope' bestaat niet" in result.output
    )
    assert "Traceback" not in result.output


def test_cli_check_speaks_english(tmp_path: Path, raw_map: dict[str, Any]) -> None:
    """With BUSBAAN_LANG=en the check speaks English."""
    raw_map["services"][0]["maximum_age"] = 5
    path = tmp_path / "map.json"
    path.write_text(json.dumps(raw_map), encoding="utf-8")
    result = CliRunner().invoke(main, ["socialmap", "check", str(path)], env={"BUSBAAN_LANG": "en"})
    assert result.exit_code == 1
    assert (
        "error: services[0] 'svc': minimum_age (18) is higher than maximum_age (5)" in result.output
    )


def test_cli_check_accepts_good_map_and_rejects_missing_file(tmp_path: Path) -> None:
    """A good map exits 0; a missing file is a clear message with exit code 2."""
    runner = CliRunner()
    ok = runner.invoke(main, ["socialmap", "check", str(BENCHMARK_MAP)], env={"BUSBAAN_LANG": "nl"})
    assert ok.exit_code == 0, ok.output
    assert "0 fout(en)" in ok.output
    missing = runner.invoke(main, ["socialmap", "check", str(tmp_path / "x.json")])
    assert missing.exit_code == 2
    assert "BB_NOT_FOUND" in missing.output
