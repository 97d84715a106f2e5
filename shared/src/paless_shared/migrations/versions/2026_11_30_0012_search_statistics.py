"""search statistics: documents per lexeme, the corpus row

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 00:00:00

`search_terms` holds, per lexeme of the search vectors, how many documents hold it
(ranking reads it as term rarity); `search_corpus` holds the number of documents,
their average vector length and the languages their stems are in. The periodic
`search_statistics` job recounts both (`ts_stat`); indexing adds a language the
moment a document in it is indexed. Empty until the first count: ranking then weighs
every word alike, as before. The corpus row is seeded with the languages present.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("lexeme", sa.Text(), primary_key=True),
        sa.Column("documents", sa.Integer(), nullable=False),
    )
    op.create_table(
        "search_corpus",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("average_length", sa.Float(), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.String(length=63)), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_search_corpus_one_row"),
    )
    op.execute(
        """
        INSERT INTO search_corpus (id, documents, average_length, languages)
        SELECT 1, 0, 0, coalesce(array_agg(DISTINCT language)
                                 FILTER (WHERE language IS NOT NULL), '{}')
        FROM documents
        """
    )


def downgrade() -> None:
    op.drop_table("search_corpus")
    op.drop_table("search_terms")
