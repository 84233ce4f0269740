"""The privacy officer's case field as a person types it (outside18): "c-gnqw4cs8"
answered "Casus c-gnqw4cs8 komt niet voor in het auditlog" for a case that is there.
Case ids are generated in capitals; the bot reads them in any case, so the workbench's
filter now does too (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from busbaan.policy import load_policy
from busbaan.web.workbench.filters import FilterError, parse_filters

POLICY = load_policy(Path(__file__).resolve().parents[2] / "policies")


@pytest.mark.parametrize("typed", ["C-GNQW4CS8", "c-gnqw4cs8", " c-GnQw4cS8 "])
def test_a_generated_case_id_is_read_in_any_case(typed: str) -> None:
    """A case id of the generated shape is looked up in capitals, however typed."""
    assert parse_filters({"case": typed}, POLICY).case_id == "C-GNQW4CS8"


@pytest.mark.parametrize("other", ["case-1", "abc_DEF"])
def test_other_case_labels_are_left_as_typed(other: str) -> None:
    """Anything not of the generated shape is kept exactly (other stores' ids)."""
    assert parse_filters({"case": other}, POLICY).case_id == other


def test_a_bsn_in_the_case_field_is_still_refused() -> None:
    """The shape check still refuses what is no case id, saying never to type a BSN."""
    with pytest.raises(FilterError) as caught:
        parse_filters({"case": "' OR 1=1 --"}, POLICY)
    assert "Vul nooit een naam of BSN in" in caught.value.message("nl")
