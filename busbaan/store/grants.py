"""Database roles on PostgreSQL: the gate may only *add* to the audit log.

Every homeserver with the gate holds the gate's database credentials. With
``busbaan db grants`` those credentials can append to the log and read what the gate
needs, and nothing else:

=====================  ==================  =====================================
table                  gate role           service role
=====================  ==================  =====================================
``audit_entry``        SELECT, INSERT      SELECT, INSERT
``audit_node``         SELECT, INSERT      SELECT, INSERT
``audit_head``         SELECT, UPDATE      SELECT, UPDATE
``audit_checkpoint``   SELECT              SELECT, INSERT
``audit_cosignature``  SELECT              SELECT, INSERT
``audit_case_key``     —                   SELECT, INSERT
every other table      SELECT              SELECT, INSERT, UPDATE, DELETE
=====================  ==================  =====================================

Neither role owns a table, so neither can drop or disable the append-only triggers,
``TRUNCATE``, ``ALTER`` or ``DROP`` anything: only the owner (the role that runs
``busbaan db migrate``) can, and that one belongs on an administrator's host, not on
every Synapse host. ``audit_head`` is the one row writers must update (it keeps
indexes gapless); a role that scribbles on it breaks appends, which verification
shows, but cannot change the past. Crypto-shredding (``busbaan audit erase``) updates
``audit_case_key``: run it as the owner or grant UPDATE on that table to an officer's
role.

SQLite has no roles: whoever can write the database file can do anything, including
dropping the triggers. There the checkpoints (signed with a key kept elsewhere), the
signer's memory, the verifier's state file and the witnesses are the protection; keep
the file readable only by the service's and Synapse's user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.errors import UsageError

__all__ = ["GATE_AUDIT", "SERVICE_AUDIT", "RoleGrants", "apply_grants"]

GATE_AUDIT: dict[str, tuple[str, ...]] = {
    "audit_entry": ("SELECT", "INSERT"),
    "audit_node": ("SELECT", "INSERT"),
    "audit_head": ("SELECT", "UPDATE"),
    "audit_checkpoint": ("SELECT",),
    "audit_cosignature": ("SELECT",),
    "audit_case_key": (),
}
SERVICE_AUDIT: dict[str, tuple[str, ...]] = {
    **GATE_AUDIT,
    "audit_checkpoint": ("SELECT", "INSERT"),
    "audit_cosignature": ("SELECT", "INSERT"),
    "audit_case_key": ("SELECT", "INSERT"),
}
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class RoleGrants:
    """What :func:`apply_grants` did for one role."""

    role: str
    created: bool
    tables: dict[str, tuple[str, ...]]


def _check_role(name: str) -> str:
    if not _ROLE.match(name):
        raise UsageError(
            f"Ongeldige rolnaam '{name}': kleine letters, cijfers en _, hoogstens 63 tekens.",
            f"Invalid role name '{name}': lower-case letters, digits and _, at most 63.",
            data={"role": name})
    return name


def apply_grants(engine: Engine, *, gate_role: str, service_role: str | None = None,
                 create: bool = False) -> list[RoleGrants]:
    """Grant (after revoking everything) the rights in the module docstring, in the
    schema the engine works in. Run it as the tables' owner after every migration."""
    if engine.dialect.name != "postgresql":
        raise UsageError(
            "Rollen bestaan alleen op PostgreSQL. Bij SQLite kan wie het databasebestand "
            "mag schrijven alles; zie deploy/audit.md voor wat dan wel beschermt.",
            "Roles exist only on PostgreSQL. With SQLite, whoever may write the database "
            "file can do anything; see deploy/audit.md for what protects it then.",
            errcode="BB_DB_NO_ROLES")
    plan: list[tuple[str, dict[str, tuple[str, ...]], tuple[str, ...]]] = [
        (_check_role(gate_role), GATE_AUDIT, ("SELECT",))]
    if service_role is not None:
        plan.append((_check_role(service_role), SERVICE_AUDIT,
                     ("SELECT", "INSERT", "UPDATE", "DELETE")))
    done: list[RoleGrants] = []
    with engine.begin() as conn:
        schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
        tables = [str(t) for t in conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
            {"s": schema}).scalars()]
        for role, audit_rights, other_rights in plan:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                  {"r": role}).first() is not None
            created = False
            if not exists:
                if not create:
                    raise UsageError(
                        f"Rol {role} bestaat niet. Maak hem aan (CREATE ROLE {role} LOGIN "
                        "PASSWORD ...), of geef --create.",
                        f"Role {role} does not exist. Create it (CREATE ROLE {role} LOGIN "
                        "PASSWORD ...), or pass --create.", errcode="BB_DB_NO_ROLE",
                        data={"role": role})
                conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
                created = True
            conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
            conn.exec_driver_sql(
                f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"')
            conn.exec_driver_sql(
                f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM "{role}"')
            granted: dict[str, tuple[str, ...]] = {}
            for table in tables:
                rights = audit_rights.get(table, other_rights)
                if table.startswith("audit_") and table not in audit_rights:
                    rights = ("SELECT",)  # a new audit table: read-only until listed here
                if rights:
                    conn.exec_driver_sql(
                        f'GRANT {", ".join(rights)} ON "{schema}"."{table}" TO "{role}"')
                granted[table] = rights
            if "INSERT" in other_rights:
                conn.exec_driver_sql(
                    f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"')
            done.append(RoleGrants(role, created, granted))
    return done
