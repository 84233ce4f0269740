"""Crash-safe bots (issue 9, part 6): ``kill -9`` the service in the middle of a burst
of 200 commands, start it again: every command answered exactly once, every grant,
audit entry and state event present once."""

from __future__ import annotations

from pathlib import Path

import pytest

from busbaan.devstack import Homeserver
from busbaan.devstack.burst import run_burst

pytestmark = pytest.mark.synapse

ROOT = Path(__file__).resolve().parents[2]


async def test_kill_minus_nine_in_a_burst_loses_and_doubles_nothing(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    """A real ``busbaan serve`` subprocess killed with SIGKILL after 60 of 200 replies
    and restarted answers every command exactly once; each of the 150 grants is stored,
    logged and in the room state exactly once."""
    result = await run_burst(homeserver, tmp_path, ROOT / "policies", commands=200,
                             kill_after=60)
    assert result.killed_after_replies < result.commands, "the kill came after the burst"
    assert result.problems == []
    assert (result.lost, result.doubled) == (0, 0), result
    assert result.answered == 200
    assert result.grants_stored == result.grant_entries == result.grant_states == 150


@pytest.mark.postgres
async def test_losing_postgresql_in_a_burst_loses_and_doubles_nothing(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    """The service runs on a PostgreSQL database of its own; mid-burst every connection
    to it is ended and new ones are refused for 3 s (as in a database restart, without
    touching the shared server): every command is answered exactly once, each of the
    150 grants stored, logged and in the room state exactly once."""
    import os

    import sqlalchemy as sa

    address = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432")
    probe = sa.create_engine(f"postgresql+psycopg://postgres@{address}/postgres",
                             connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            pass
    except sa.exc.OperationalError:
        pytest.skip(f"PostgreSQL at {address} is not reachable")
    finally:
        probe.dispose()
    result = await run_burst(homeserver, tmp_path, ROOT / "policies", commands=200,
                             kill_after=60, disrupt="postgres", pg_address=address)
    assert result.killed_after_replies < result.commands, "the outage came after the burst"
    assert result.problems == []
    assert (result.lost, result.doubled) == (0, 0), result
    assert result.answered == 200
    assert result.grants_stored == result.grant_entries == result.grant_states == 150
