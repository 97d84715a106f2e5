"""document tags by date: each row of document_tags carries its document's added_at

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 08:30:00

A search with a tag filter ranks the newest matches of the tag (the rank window).
The tag's rows of `document_tags`, in the order of `(tag_id, added_at, document_id)`,
give its documents newest first from an index: for a common word, Postgres walks them
and stops at the window's size, however many documents the tag is on. Without it, it
could only collect every document of the tag holding the word (the GIN indexes'
bitmaps, one entry per document holding the word) and sort them: work that grows with
the archive. A document's added_at never changes; a row trigger copies it into each new
row of `document_tags`, whatever writes the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTIONS = """
CREATE FUNCTION paless_document_tag_added_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.added_at := (SELECT added_at FROM documents WHERE id = NEW.document_id);
    RETURN NEW;
END $$
---
CREATE TRIGGER document_tags_added_at BEFORE INSERT OR UPDATE OF document_id
    ON document_tags FOR EACH ROW EXECUTE FUNCTION paless_document_tag_added_at()
"""  # statements apart: asyncpg runs one per prepared statement

_BACKFILL = """
UPDATE document_tags dt SET added_at = d.added_at
FROM documents d WHERE d.id = dt.document_id
"""


def upgrade() -> None:
    op.add_column("document_tags", sa.Column("added_at", sa.DateTime(timezone=True)))
    # Without the statement trigger that refreshes `documents.tag_ids` after an update
    # of document_tags: the backfill changes no tag, and the refresh would rewrite
    # every tagged document's row.
    op.execute("ALTER TABLE document_tags DISABLE TRIGGER document_tags_updated")
    op.execute(_BACKFILL)
    op.execute("ALTER TABLE document_tags ENABLE TRIGGER document_tags_updated")
    op.alter_column("document_tags", "added_at", nullable=False)
    for statement in _FUNCTIONS.split("---"):
        op.execute(statement)
    op.create_index(
        "ix_document_tags_tag_added",
        "document_tags",
        ["tag_id", "added_at", "document_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_document_tags_tag_added", table_name="document_tags")
    op.execute("DROP TRIGGER document_tags_added_at ON document_tags")
    op.execute("DROP FUNCTION paless_document_tag_added_at()")
    op.drop_column("document_tags", "added_at")
