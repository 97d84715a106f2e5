"""tasks and trash

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:31:54.746186
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.String(length=255), nullable=False),
        sa.Column(
            "args",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("owner_id", sa.UUID(), nullable=True),
        sa.Column("document_id", sa.UUID(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "succeeded", "failed", name="task_status"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("worker_id", sa.String(length=255), nullable=True),
        sa.Column(
            "enqueued_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_tasks_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_tasks_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index("ix_tasks_document", "tasks", ["document_id"], unique=False)
    op.create_index("ix_tasks_enqueued", "tasks", ["enqueued_at", "id"], unique=False)
    op.create_index(
        "ix_tasks_owner_enqueued", "tasks", ["owner_id", "enqueued_at", "id"], unique=False
    )
    op.create_index("ix_tasks_status_enqueued", "tasks", ["status", "enqueued_at"], unique=False)
    op.add_column("documents", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_documents_deleted_at",
        "documents",
        ["deleted_at"],
        unique=False,
        postgresql_where="deleted_at IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_documents_deleted_at", table_name="documents", postgresql_where="deleted_at IS NOT NULL"
    )
    op.drop_column("documents", "deleted_at")
    op.drop_index("ix_tasks_status_enqueued", table_name="tasks")
    op.drop_index("ix_tasks_owner_enqueued", table_name="tasks")
    op.drop_index("ix_tasks_enqueued", table_name="tasks")
    op.drop_index("ix_tasks_document", table_name="tasks")
    op.drop_table("tasks")
    sa.Enum(name="task_status").drop(op.get_bind())
