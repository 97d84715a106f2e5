"""search relevance: accent-folding text search configurations, a language per document

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 03:00:00

`paless_simple` is `simple` with accents folded (unaccent); `paless_<language>` is each
built-in stemming configuration with accents folded before stemming. Search vectors
hold the exact (accent-folded) words and, apart, their stems in the document's
language (`documents.language`, else PALESS_SEARCH_LANGUAGE). Vectors written before
this revision hold exact words only and still match them; `paless reindex` adds stems.
The search vector's statistics target is raised so that ANALYZE keeps the frequencies
of the most common words, which ranking reads as term rarity.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONFIGURATIONS = """
DO $$
DECLARE
    language text;
BEGIN
    CREATE TEXT SEARCH CONFIGURATION paless_simple (COPY = pg_catalog.simple);
    ALTER TEXT SEARCH CONFIGURATION paless_simple
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, simple;
    FOR language IN
        SELECT c.cfgname FROM pg_ts_config c
        JOIN pg_namespace n ON n.oid = c.cfgnamespace
        WHERE n.nspname = 'pg_catalog' AND c.cfgname <> 'simple'
          AND EXISTS (SELECT 1 FROM pg_ts_dict d WHERE d.dictname = c.cfgname || '_stem')
    LOOP
        EXECUTE format(
            'CREATE TEXT SEARCH CONFIGURATION %I (COPY = pg_catalog.%I)',
            'paless_' || language, language);
        EXECUTE format(
            'ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR asciiword, asciihword, '
            'hword_asciipart, word, hword, hword_part WITH unaccent, %I',
            'paless_' || language, language || '_stem');
    END LOOP;
END $$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(_CONFIGURATIONS)
    op.add_column("documents", sa.Column("language", sa.String(length=63), nullable=True))
    op.execute("ALTER TABLE documents ALTER COLUMN search_vector SET STATISTICS 1000")


def downgrade() -> None:
    op.execute("ALTER TABLE documents ALTER COLUMN search_vector SET STATISTICS -1")
    op.drop_column("documents", "language")
    op.execute(
        """
        DO $$
        DECLARE
            name text;
        BEGIN
            FOR name IN SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'paless\\_%'
            LOOP
                EXECUTE format('DROP TEXT SEARCH CONFIGURATION %I', name);
            END LOOP;
        END $$
        """
    )
