"""Policy files whose YAML values cannot be built are reported, not raised."""

from __future__ import annotations

import pytest

from busbaan.policy.loader import _read_yaml


@pytest.mark.parametrize("text", ["a: " + "9" * 5000, "a: 2026-13-45"])
def test_unbuildable_yaml_value_is_a_problem_not_a_crash(text: str) -> None:
    """An integer of thousands of digits or an impossible date gives a problem that
    names the file, in Dutch and English, instead of a ValueError."""
    data, problem = _read_yaml("policies/limits.yaml", text)
    assert data == {}
    assert problem is not None and problem.file == "policies/limits.yaml"
    assert "geen geldige YAML" in problem.nl and "not valid YAML" in problem.en
