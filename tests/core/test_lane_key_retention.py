"""How long the wegwijzer keeps a lane's room keys (busbaan.wegwijzer.retention, pure):
until the lane closes, and at most MATRIX_ID_DAYS from its opening."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from busbaan.wegwijzer import LaneRecord
from busbaan.wegwijzer.retention import MATRIX_ID_DAYS, keeps_lane_keys

OPENED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
LANE = LaneRecord(lane_id="L1", room_id="!r:x", answer_id="A1", service_id="s",
                  organization_id="o", team="#intake-s:x", asker="0" * 12,
                  target_minutes=240, opened_at=OPENED)


def test_an_open_lane_keeps_its_keys_until_the_retention() -> None:
    """Open, answered or not: kept up to (not at) MATRIX_ID_DAYS after the opening."""
    answered = replace(LANE,
first_answer_at=OPENED + dt.timedelta(hours=1))
    limit = OPENED + dt.timedelta(days=MATRIX_ID_DAYS)
    for lane in (LANE, answered):
        assert keeps_lane_keys(lane, OPENED)
        assert keeps_lane_keys(lane, limit - dt.timedelta(seconds=1))
        assert not keeps_lane_keys(lane, limit)


def test_a_closed_lane_keeps_nothing() -> None:
    """Closed: dropped at once, however young the lane."""
    closed = replace(LANE,
closed_at=OPENED + dt.timedelta(minutes=5))
    assert not keeps_lane_keys(closed, OPENED + dt.timedelta(minutes=5))
