"""metadata and search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:05:54.885585
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Characters of extracted text indexed (as in paless_shared.search at the time).
SEARCH_CONTENT_CHARS = 300_000

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Trigram indexes for typo-tolerant title lookups and name autocomplete (pg_trgm is
    # a trusted extension: the database owner may create it).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "audit_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.UUID(), nullable=True),
        sa.Column("actor_name", sa.String(length=150), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.UUID(), nullable=True),
        sa.Column("document_id", sa.UUID(), nullable=True),
        sa.Column(
            "details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(
        "ix_audit_events_actor_at", "audit_events", ["actor_id", "at", "id"], unique=False
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at", "id"], unique=False)
    op.create_index(
        "ix_audit_events_document_at", "audit_events", ["document_id", "at", "id"], unique=False
    )
    op.create_table(
        "correspondents",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("match", sa.String(length=256), server_default="", nullable=False),
        sa.Column(
            "matching_algorithm",
            sa.Enum("none", "any", "all", "literal", "regex", "fuzzy", name="matching_algorithm"),
            server_default="none",
            nullable=False,
        ),
        sa.Column("is_insensitive", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_correspondents_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondents")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_correspondents_owner_id")),
    )
    op.create_index(
        "ix_correspondents_name_trgm",
        "correspondents",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column(
            "data_type",
            sa.Enum(
                "string",
                "longtext",
                "url",
                "date",
                "boolean",
                "integer",
                "float",
                "monetary",
                "select",
                "documentlink",
                name="custom_field_type",
            ),
            nullable=False,
        ),
        sa.Column(
            "extra_data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_custom_fields_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_custom_fields_owner_id")),
    )
    op.create_table(
        "document_types",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("match", sa.String(length=256), server_default="", nullable=False),
        sa.Column(
            "matching_algorithm",
            sa.Enum("none", "any", "all", "literal", "regex", "fuzzy", name="matching_algorithm"),
            server_default="none",
            nullable=False,
        ),
        sa.Column("is_insensitive", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_document_types_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_types")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_document_types_owner_id")),
    )
    op.create_table(
        "tags",
        sa.Column("color", sa.String(length=7), server_default="#a6cee3", nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("is_inbox", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("match", sa.String(length=256), server_default="", nullable=False),
        sa.Column(
            "matching_algorithm",
            sa.Enum("none", "any", "all", "literal", "regex", "fuzzy", name="matching_algorithm"),
            server_default="none",
            nullable=False,
        ),
        sa.Column("is_insensitive", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_tags_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tags.id"], name=op.f("fk_tags_parent_id_tags"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_tags_owner_id")),
    )
    op.create_index(
        "ix_tags_name_trgm",
        "tags",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index(op.f("ix_tags_parent_id"), "tags", ["parent_id"], unique=False)
    op.create_table(
        "custom_field_values",
        sa.Column("document_id", sa.UUID(), nullable=False),
        sa.Column("field_id", sa.UUID(), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=True),
        sa.Column("value_bool", sa.Boolean(), nullable=True),
        sa.Column("value_int", sa.BigInteger(), nullable=True),
        sa.Column("value_float", sa.Double(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("value_monetary", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("value_currency", sa.String(length=3), nullable=True),
        sa.Column("value_documents", postgresql.ARRAY(sa.UUID()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_custom_field_values_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["custom_fields.id"],
            name=op.f("fk_custom_field_values_field_id_custom_fields"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "field_id", name=op.f("pk_custom_field_values")),
    )
    op.create_index(
        "ix_custom_field_values_field",
        "custom_field_values",
        ["field_id", "document_id"],
        unique=False,
    )
    op.create_table(
        "document_tags",
        sa.Column("document_id", sa.UUID(), nullable=False),
        sa.Column("tag_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_tags_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_document_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("document_id", "tag_id", name=op.f("pk_document_tags")),
    )
    op.create_index(
        "ix_document_tags_tag", "document_tags", ["tag_id", "document_id"], unique=False
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("document_id", sa.UUID(), nullable=False),
        sa.Column("author_id", sa.UUID(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_notes_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_notes_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(
        "ix_notes_document_created", "notes", ["document_id", "created_at"], unique=False
    )
    op.add_column("documents", sa.Column("correspondent_id", sa.UUID(), nullable=True))
    op.add_column("documents", sa.Column("document_type_id", sa.UUID(), nullable=True))
    op.add_column("documents", sa.Column("archive_serial_number", sa.BigInteger(), nullable=True))
    op.add_column("documents", sa.Column("search_vector", postgresql.TSVECTOR(), nullable=True))
    op.create_index("ix_documents_correspondent", "documents", ["correspondent_id"], unique=False)
    op.create_index("ix_documents_document_type", "documents", ["document_type_id"], unique=False)
    op.create_index(
        "ix_documents_owner_created", "documents", ["owner_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_documents_search_vector",
        "documents",
        ["search_vector"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_documents_title_trgm",
        "documents",
        ["title"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
    )
    op.create_unique_constraint(
        "uq_documents_owner_asn", "documents", ["owner_id", "archive_serial_number"]
    )
    op.create_foreign_key(
        op.f("fk_documents_correspondent_id_correspondents"),
        "documents",
        "correspondents",
        ["correspondent_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("fk_documents_document_type_id_document_types"),
        "documents",
        "document_types",
        ["document_type_id"],
        ["id"],
        ondelete="SET NULL",
    )
    # Index what is already there (title, file name, text) with the configured language.
    op.execute(
        sa.text(
            "UPDATE documents SET search_vector ="
            " setweight(to_tsvector(CAST(:language AS regconfig), title), 'A')"
            " || setweight(to_tsvector(CAST(:language AS regconfig), original_filename), 'B')"
            " || setweight(to_tsvector(CAST(:language AS regconfig),"
            " left(coalesce(content, ''), :limit)), 'D')"
        ).bindparams(language=_search_language(), limit=SEARCH_CONTENT_CHARS)
    )


def _search_language() -> str:
    from paless_shared.platform.settings import SearchSettings, load

    return load(SearchSettings).search_language


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_documents_document_type_id_document_types"), "documents", type_="foreignkey"
    )
    op.drop_constraint(
        op.f("fk_documents_correspondent_id_correspondents"), "documents", type_="foreignkey"
    )
    op.drop_constraint("uq_documents_owner_asn", "documents", type_="unique")
    op.drop_index(
        "ix_documents_title_trgm",
        table_name="documents",
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
    )
    op.drop_index("ix_documents_search_vector", table_name="documents", postgresql_using="gin")
    op.drop_index("ix_documents_owner_created", table_name="documents")
    op.drop_index("ix_documents_document_type", table_name="documents")
    op.drop_index("ix_documents_correspondent", table_name="documents")
    op.drop_column("documents", "search_vector")
    op.drop_column("documents", "archive_serial_number")
    op.drop_column("documents", "document_type_id")
    op.drop_column("documents", "correspondent_id")
    op.drop_index("ix_notes_document_created", table_name="notes")
    op.drop_table("notes")
    op.drop_index("ix_document_tags_tag", table_name="document_tags")
    op.drop_table("document_tags")
    op.drop_index("ix_custom_field_values_field", table_name="custom_field_values")
    op.drop_table("custom_field_values")
    op.drop_index(op.f("ix_tags_parent_id"), table_name="tags")
    op.drop_index(
        "ix_tags_name_trgm",
        table_name="tags",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_table("tags")
    op.drop_table("document_types")
    op.drop_table("custom_fields")
    op.drop_index(
        "ix_correspondents_name_trgm",
        table_name="correspondents",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_table("correspondents")
    op.drop_index("ix_audit_events_document_at", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_index("ix_audit_events_actor_at", table_name="audit_events")
    op.drop_table("audit_events")
    sa.Enum(name="custom_field_type").drop(op.get_bind())
    sa.Enum(name="matching_algorithm").drop(op.get_bind())
