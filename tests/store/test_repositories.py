"""The core repositories on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.consent import Grant, Professional
from busbaan.errors import NotFound
from busbaan.store import make_engine
from busbaan.store.repositories import CaseRepository, DirectoryRepository, new_id

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _grant(org: str = "schuldhulp", days: int = 30) -> Grant:
    return Grant(grant_id=new_id("G"), organisation=org, categories=("schulden",),
                 legal_bases=("wgs",), valid_from=NOW, valid_until=NOW + dt.timedelta(days=days),
                 given_by="@regie:localhost", roles=("schuldhulpverlener",))


def test_case_with_grants_round_trips(db_url: str) -> None:
    """A case and its grants come back as they were stored, with aware UTC times."""
    repo = CaseRepository(make_engine(db_url))
    row = repo.create(home_organisation="buurtteam", regie="@regie:localhost", label="huur",
                      now=NOW)
    assert row.case_id.startswith("C-") and row.status == "opening"
    repo.attach_room(row.case_id, "!room:localhost")
    g = _grant()
    repo.add_grants(row.case_id, [g])
    assert repo.grants(row.case_id) == [g]
    found = repo.by_room("!room:localhost")
    assert found is not None and found.case_id == row.case_id and found.status == "open"
    assert [c.case_id for c in repo.open_cases()] == [row.case_id]


def test_withdrawal_is_idempotent_and_keeps_the_first_time(db_url: str) -> None:
    """Withdrawing twice keeps the first withdrawal's time and author."""
    repo = CaseRepository(make_engine(db_url))
    row = repo.create(home_organisation="buurtteam", regie="@r:l", label="", now=NOW)
    g = _grant()
    repo.add_grants(row.case_id, [g])
    first = repo.withdraw([g.grant_id], by="@r:l", now=NOW + dt.timedelta(hours=1),
                          channel="matrix")
    second = repo.withdraw([g.grant_id], by="@other:l", now=NOW + dt.timedelta(hours=2),
                           channel="web")
    assert first[0].withdrawn_at == second[0].withdrawn_at == NOW + dt.timedelta(hours=1)
    assert not second[0].active_at(NOW + dt.timedelta(hours=3))


def test_withdrawing_an_unknown_grant_changes_nothing(db_url: str) -> None:
    """An unknown grant id raises NotFound and the known grant stays untouched."""
    repo = CaseRepository(make_engine(db_url))
    row = repo.create(home_organisation="buurtteam", regie="@r:l", label="", now=NOW)
    g = _grant()
    repo.add_grants(row.case_id, [g])
    with pytest.raises(NotFound):
        repo.withdraw([g.grant_id, "G-NOPE"], by="@r:l", now=NOW, channel="matrix")
    assert repo.grants(row.case_id)[0].withdrawn_at is None


def test_discard_removes_a_half_created_case(db_url: str) -> None:
    """A case whose room could not be made is removed with its grants."""
    repo = CaseRepository(make_engine(db_url))
    row = repo.create(home_organisation="buurtteam", regie="@r:l", label="", now=NOW)
    repo.add_grants(row.case_id, [_grant()])
    repo.discard(row.case_id)
    assert repo.get(row.case_id) is None and repo.grants(row.case_id) == []


def test_directory_replace_source_only_touches_that_source(db_url: str) -> None:
    """Re-importing a file replaces that file's entries and leaves others alone."""
    repo = DirectoryRepository(make_engine(db_url))
    a = Professional("@a:l", "buurtteam", "buurtteammedewerker")
    b = Professional("@b:l", "wmo", "wmo-consulent")
    c = Professional("@c:l", "ggd", "arts")
    repo.replace_source([a, b], "csv:x.csv", NOW)
    repo.upsert([c], "test", NOW)
    repo.replace_source([a], "csv:x.csv", NOW)
    assert {p.user_id for p in repo.all()} == {"@a:l", "@c:l"}
