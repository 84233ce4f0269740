"""Inputs the hostile-input property tests found, kept as fixed examples."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from busbaan.policy import load_policy
from busbaan.routing.hsds import SocialMapError, demo_map_path, parse_map, validate_map
from busbaan.web.workbench.filters import FilterError, parse_filters

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", [True, 1, "x", {}])
@pytest.mark.parametrize("key", ["phones", "contacts", "service_at_locations"])
def test_a_list_field_of_another_type_never_crashes_the_map(key: str, value: object) -> None:
    """A service whose phones/contacts/locations field is not a list is either refused
    with problems or parsed with that field empty — validation and parsing agree."""
    raw = json.loads(demo_map_path().read_text())
    raw = copy.deepcopy(raw)
    raw["services"][0][key] = value
    errors = [p for p in validate_map(raw) if p.severity == "error"]
    try:
        social_map = parse_map(raw, "hostile.json")
    except SocialMapError:
        assert errors
        return
    assert not errors
    service = next(s for s in social_map.services if s.id == str(raw["services"][0]["id"]))
    if key == "phones":
        assert service.phones == ()


@pytest.mark.parametrize("field", ["since", "until"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_at_the_calendar_edge_is_a_filter_problem(field: str, day: str) -> None:
    """Year 1 or 9999 in the officer's filter form is named as out of range (in Dutch and
    English), not an OverflowError when the local midnight is turned into UTC."""
    policy = load_policy(ROOT / "policies")
    with pytest.raises(FilterError) as refused:
        parse_filters({field: day}, policy)
    (problem,) = refused.value.problems
    assert problem.field == field and "buiten het bereik" in problem.nl
    assert "outside the log's range" in problem.en
