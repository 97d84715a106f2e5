"""document versions, processing runs and pages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 02:00:00

Every existing document becomes version 1 of itself, in place and set-based (no row
is read into Python): its original and thumbnail become the version's, a finished run
holds the renditions, and the text it has is split at form feeds (how ingest joined
pages) into page rows, so search can say on which page a word is. Measured: 100,000
documents in docs/performance.md ("Migration to versions").
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_STATUS = ("pending", "ocr", "done", "failed", "superseded")


def upgrade() -> None:
    op.create_table(
        "document_versions",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "document_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "documents.id",
                ondelete="CASCADE",
                name="fk_document_versions_document_id_documents",
            ),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("original_key", sa.String(1024), nullable=False),
        sa.Column("mime_type", sa.String(255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("page_count", sa.Integer()),
        sa.Column("archive_key", sa.String(1024)),
        sa.Column("thumbnail_key", sa.String(1024)),
        sa.Column("run_id", postgresql.UUID(as_uuid=True)),
        sa.Column("ocr_settings", postgresql.JSONB()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "created_by_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "users.id", ondelete="SET NULL", name="fk_document_versions_created_by_id_users"
            ),
        ),
        sa.UniqueConstraint("document_id", "number", name="uq_document_versions_number"),
        sa.UniqueConstraint("original_key", name="uq_document_versions_original_key"),
    )
    op.create_index("ix_document_versions_document_id", "document_versions", ["document_id"])
    run_status = postgresql.ENUM(*RUN_STATUS, name="run_status", create_type=False)
    run_status.create(op.get_bind(), checkfirst=True)
    op.create_table(
        "processing_runs",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "version_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "document_versions.id",
                ondelete="CASCADE",
                name="fk_processing_runs_version_id_document_versions",
            ),
            nullable=False,
        ),
        sa.Column("status", run_status, nullable=False),
        sa.Column("settings", postgresql.JSONB()),
        sa.Column("pages_total", sa.Integer()),
        sa.Column("task_id", postgresql.UUID(as_uuid=True)),
        sa.Column("extracted", postgresql.JSONB()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_processing_runs_version_status", "processing_runs", ["version_id", "status"]
    )
    op.create_table(
        "document_pages",
        sa.Column(
            "run_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "processing_runs.id",
                ondelete="CASCADE",
                name="fk_document_pages_run_id_processing_runs",
            ),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ocr", sa.Boolean(), nullable=False),
        sa.Column("pdf_key", sa.String(1024)),
        sa.Column("words_key", sa.String(1024)),
    )
    op.add_column("documents", sa.Column("current_version_id", postgresql.UUID(as_uuid=True)))
    _move_documents_to_version_one()
    op.create_foreign_key(
        "fk_documents_current_version_id_document_versions",
        "documents",
        "document_versions",
        ["current_version_id"],
        ["id"],
        ondelete="SET NULL",
    )


def _move_documents_to_version_one() -> None:
    # A finished run for documents that were processed (their text and thumbnail are
    # its renditions); none for those still pending, whose ingest makes one.
    op.execute(
        """
        INSERT INTO document_versions (id, document_id, number, original_key, mime_type,
            size_bytes, sha256, page_count, thumbnail_key, run_id, created_at, created_by_id)
        SELECT gen_random_uuid(), d.id, 1, d.original_key, d.mime_type, d.size_bytes,
            d.sha256, d.page_count, d.thumbnail_key,
            CASE WHEN d.status = 'ready' THEN gen_random_uuid() END, d.added_at, d.owner_id
        FROM documents d
        """
    )
    op.execute(
        """
        INSERT INTO processing_runs (id, version_id, status, pages_total, created_at, finished_at)
        SELECT v.run_id, v.id, 'done', v.page_count, v.created_at, v.created_at
        FROM document_versions v WHERE v.run_id IS NOT NULL
        """
    )
    op.execute(
        """
        INSERT INTO document_pages (run_id, number, text, ocr)
        SELECT v.run_id, page.number, page.text, false
        FROM document_versions v
        JOIN documents d ON d.id = v.document_id
        CROSS JOIN LATERAL unnest(string_to_array(d.content, E'\\f'))
            WITH ORDINALITY AS page(text, number)
        WHERE v.run_id IS NOT NULL AND d.content IS NOT NULL
        """
    )
    op.execute(
        """
        UPDATE documents d SET current_version_id = v.id
        FROM document_versions v WHERE v.document_id = d.id AND v.number = 1
        """
    )


def downgrade() -> None:
    op.drop_constraint("fk_documents_current_version_id_document_versions", "documents")
    op.drop_column("documents", "current_version_id")
    op.drop_table("document_pages")
    op.drop_table("processing_runs")
    op.drop_index("ix_document_versions_document_id", "document_versions")
    op.drop_table("document_versions")
    postgresql.ENUM(name="run_status").drop(op.get_bind(), checkfirst=True)
