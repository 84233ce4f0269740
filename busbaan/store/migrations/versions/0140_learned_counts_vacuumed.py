"""PostgreSQL vacuums ``route_learned_count`` as soon as it holds a dead row (session 14,
privacy18).

Since this session every learned write puts the map's count rows down again
(:func:`busbaan.store.wegwijzer_learned._rewrite`), so that no live row keeps the marks of
the act that wrote it (``xmin``, ``cmin``, ``ctid``). The rows it replaced stay in the
table as dead rows until VACUUM, and beside the live ones they tell what the last write
changed (with ``pageinspect``, say). Autovacuum's default waits for 50 dead rows plus
20 % of the table: on a small map several acts. Here it waits for one, so dead rows go
at autovacuum's next round (``autovacuum_naptime``, a minute by default; autovacuum must
be on). Their bytes may stay in the page's free space until overwritten (see the
session note). SQLite: nothing to do (``secure_delete`` zeroes deleted rows, and the
log is truncated after each reply).

Revision ID: 0140
Revises: 0130
"""

from alembic import op

revision = "0140"
down_revision = "0130"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE route_learned_count SET (autovacuum_vacuum_threshold = 0, "
                   "autovacuum_vacuum_scale_factor = 0)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE route_learned_count RESET (autovacuum_vacuum_threshold, "
                   "autovacuum_vacuum_scale_factor)")
