"""PostgreSQL roles: the gate's role can append to the audit log and nothing more."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from busbaan.audit import AuditEntry, AuditLog
from busbaan.cli import main
from busbaan.store import make_engine
from busbaan.store.grants import apply_grants
from tests.audit.conftest import T0

pytestmark = pytest.mark.postgres


@pytest.fixture
def gate_role(pg_database: str) -> Iterator[str]:
    """A fresh role name; the role is dropped afterwards (roles are cluster-wide)."""
    name = f"bb_gate_{secrets.token_hex(4)}"
    yield name
    admin = sa.create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                        {"r": name}).first():
            conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
    admin.dispose()


def _entry(i: int) -> AuditEntry:
    return AuditEntry(event_code="membership.invite_refused", action="C",
                      occurred_at=T0, outcome="refused", source="gate",
                      user_id=f"@p{i}:example.org", case_id="C-1")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_gate_role_may_only_append(db_url: str, gate_role: str) -> None:
    """As the gate's role: appending works; UPDATE, DELETE, TRUNCATE, dropping or
    disabling a trigger, signing a checkpoint and reading case keys are refused."""
    owner = make_engine(db_url)
    AuditLog(owner).append(_entry(0))
    result = CliRunner().invoke(main, ["db", "grants", "--db", db_url, "--gate-role",
                                       gate_role, "--create"])
    assert result.exit_code == 0, result.output
    assert f"{gate_role} (aangemaakt): audit_case_key: -" in result.stdout
    gate = make_engine(db_url.replace("postgres@", f"{gate_role}@", 1))
    try:
        assert AuditLog(gate).append_many([_entry(1), _entry(2)]) == [1, 2]
        assert AuditLog(owner).verify().ok
        refused = [
            "UPDATE audit_entry SET outcome = 'allowed' WHERE idx = 0",
            "DELETE FROM audit_entry WHERE idx = 0",
            "TRUNCATE audit_entry",
            "DROP TRIGGER audit_entry_append_only ON audit_entry",
            "ALTER TABLE audit_entry DISABLE TRIGGER USER",
            "DELETE FROM audit_node",
            "INSERT INTO audit_checkpoint (size, root_hash, note, created_at) "
            "VALUES (1, '\\x00', 'x', 'y')",
            "SELECT secret FROM audit_case_key",
            "DROP TABLE audit_entry",
        ]
        for sql in refused:
            with pytest.raises(sa.exc.ProgrammingError) as caught, gate.begin() as conn:
                conn.exec_driver_sql(sql)
            assert "permission denied" in str(caught.value) or "must be owner" in str(
                caught.value), sql
        assert AuditLog(owner).size() == 3
    finally:
        gate.dispose()
        owner.dispose()


def test_grants_on_sqlite_say_what_sqlite_cannot_do(tmp_path: object) -> None:
    """On SQLite 'db grants' explains that there are no roles (exit 2, no traceback)."""
    from pathlib import Path

    url = f"sqlite:///{Path(str(tmp_path)) / 'x.db'}"
    result = CliRunner().invoke(main, ["db", "grants", "--db", url, "--gate-role", "g"])
    assert result.exit_code == 2
    assert "Rollen bestaan alleen op PostgreSQL" in result.stderr
    with pytest.raises(Exception, match="Roles exist only"):
        apply_grants(make_engine(url), gate_role="g")
