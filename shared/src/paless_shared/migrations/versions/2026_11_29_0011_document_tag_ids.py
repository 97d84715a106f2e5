"""document tag ids: each document's tags in an array, with a GIN index

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 23:30:00

`documents.tag_ids` holds the ids of the rows of `document_tags` for the document, so
that a tag filter is a condition on the document's own row: with `q`, Postgres answers
both from GIN indexes (a bitmap AND of the search vector's and this one) instead of
walking documents newest first and reading each one's vector. Triggers on
`document_tags` keep it equal to the table in the same transaction, whatever writes
the table (tagging, bulk edits, a tag's deletion cascading, parents added with a
child): one UPDATE per statement over the documents the statement touched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# `IN (SELECT unnest(…))`, not `= ANY(…)`: a join, where ANY over an array parameter
# compares each row with every element (a bulk edit of 10,000 documents).
# The rows are locked (in id order, so that two statements cannot deadlock on them)
# before the arrays are read from document_tags: a concurrent transaction tagging the
# same document waits for this one, then reads the tags this one committed (in READ
# COMMITTED each statement of the function takes a new snapshot). FOR NO KEY UPDATE
# does not conflict with the key-share locks the foreign key of document_tags takes.
_FUNCTIONS = """
CREATE FUNCTION paless_refresh_tag_ids(ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM documents WHERE id IN (SELECT unnest(ids)) ORDER BY id
        FOR NO KEY UPDATE;
    UPDATE documents d
    SET tag_ids = COALESCE(
        (SELECT array_agg(dt.tag_id ORDER BY dt.tag_id)
         FROM document_tags dt WHERE dt.document_id = d.id),
        '{}')
    WHERE d.id IN (SELECT unnest(ids));
END $$
---
CREATE FUNCTION paless_document_tags_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM paless_refresh_tag_ids(ARRAY(SELECT DISTINCT document_id FROM new_rows));
    RETURN NULL;
END $$
---
CREATE FUNCTION paless_document_tags_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM paless_refresh_tag_ids(ARRAY(SELECT DISTINCT document_id FROM old_rows));
    RETURN NULL;
END $$
---
CREATE FUNCTION paless_document_tags_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM paless_refresh_tag_ids(ARRAY(
        SELECT document_id FROM old_rows UNION SELECT document_id FROM new_rows));
    RETURN NULL;
END $$
---
CREATE TRIGGER document_tags_inserted AFTER INSERT ON document_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION paless_document_tags_inserted()
---
CREATE TRIGGER document_tags_deleted AFTER DELETE ON document_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION paless_document_tags_deleted()
---
CREATE TRIGGER document_tags_updated AFTER UPDATE ON document_tags
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION paless_document_tags_updated()
"""  # statements apart: asyncpg runs one per prepared statement

_BACKFILL = """
UPDATE documents d SET tag_ids = t.ids
FROM (SELECT document_id, array_agg(tag_id ORDER BY tag_id) AS ids
      FROM document_tags GROUP BY document_id) t
WHERE t.document_id = d.id
"""


def upgrade() -> None:
    op.add_column(
        "documents",
        sa.Column(
            "tag_ids",
            postgresql.ARRAY(postgresql.UUID(as_uuid=True)),
            server_default="{}",
            nullable=False,
        ),
    )
    op.execute(_BACKFILL)
    op.create_index(
        "ix_documents_tag_ids", "documents", ["tag_ids"], unique=False, postgresql_using="gin"
    )
    for statement in _FUNCTIONS.split("---"):
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER document_tags_updated ON document_tags")
    op.execute("DROP TRIGGER document_tags_deleted ON document_tags")
    op.execute("DROP TRIGGER document_tags_inserted ON document_tags")
    op.execute("DROP FUNCTION paless_document_tags_updated()")
    op.execute("DROP FUNCTION paless_document_tags_deleted()")
    op.execute("DROP FUNCTION paless_document_tags_inserted()")
    op.execute("DROP FUNCTION paless_refresh_tag_ids(uuid[])")
    op.drop_index("ix_documents_tag_ids", table_name="documents")
    op.drop_column("documents", "tag_ids")
