"""permissions and share links

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 13:21:35.925391
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("group_id", sa.UUID(), nullable=True),
        sa.Column("permission", sa.Enum("view", "change", name="permission"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)", name=op.f("ck_grants_one_grantee")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_grants_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    op.create_index("ix_grants_object", "grants", ["object_type", "object_id"], unique=False)
    op.create_index(
        "uq_grants_group",
        "grants",
        ["group_id", "object_type", "object_id"],
        unique=True,
        postgresql_where="group_id IS NOT NULL",
    )
    op.create_index(
        "uq_grants_user",
        "grants",
        ["user_id", "object_type", "object_id"],
        unique=True,
        postgresql_where="user_id IS NOT NULL",
    )
    op.create_table(
        "share_links",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.UUID(), nullable=False),
        sa.Column("created_by_id", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_share_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_share_links_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("slug", name=op.f("uq_share_links_slug")),
    )
    op.create_index(
        "ix_share_links_document", "share_links", ["document_id", "created_at"], unique=False
    )
    op.create_index("ix_documents_added", "documents", ["added_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_documents_added", table_name="documents")
    op.drop_index("ix_share_links_document", table_name="share_links")
    op.drop_table("share_links")
    op.drop_index("uq_grants_user", table_name="grants", postgresql_where="user_id IS NOT NULL")
    op.drop_index("uq_grants_group", table_name="grants", postgresql_where="group_id IS NOT NULL")
    op.drop_index("ix_grants_object", table_name="grants")
    op.drop_table("grants")
    sa.Enum(name="permission").drop(op.get_bind())
