"""search vectors without organisation names; duplicates worked out on read

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00

The names of a document's tags, correspondent and type leave its search vector: who
may see them differs by reader, so a search matches them at query time through the
objects the reader may see. Vectors are rebuilt from title, file name, notes and text.

`documents.duplicate_of_id` goes: which document another duplicates depends on the
trash, purges, ownership and on who reads, so it is worked out on read from the
(owner, sha256) index instead of being stored and kept up to date.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Characters of extracted text indexed (as in paless_shared.search at the time).
SEARCH_CONTENT_CHARS = 300_000

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VECTOR = """
    setweight(to_tsvector(CAST(:language AS regconfig), d.title), 'A')
    || setweight(to_tsvector(CAST(:language AS regconfig), concat_ws(' ',
        d.original_filename{names})), 'B')
    || setweight(to_tsvector(CAST(:language AS regconfig), coalesce(
        (SELECT string_agg(n.text, ' ') FROM notes n WHERE n.document_id = d.id), '')), 'C')
    || setweight(to_tsvector(CAST(:language AS regconfig),
        left(coalesce(d.content, ''), :limit)), 'D')
"""
_NAMES = """,
        (SELECT string_agg(t.name, ' ') FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
          WHERE dt.document_id = d.id),
        (SELECT c.name FROM correspondents c WHERE c.id = d.correspondent_id),
        (SELECT y.name FROM document_types y WHERE y.id = d.document_type_id)"""


def _reindex(names: str) -> None:
    op.execute(
        sa.text(
            f"UPDATE documents AS d SET search_vector = {_VECTOR.format(names=names)}"  # noqa: S608 - constants
        ).bindparams(language=_search_language(), limit=SEARCH_CONTENT_CHARS)
    )


def _search_language() -> str:
    from paless_shared.platform.settings import SearchSettings, load

    return load(SearchSettings).search_language


def upgrade() -> None:
    _reindex("")
    op.drop_constraint(
        op.f("fk_documents_duplicate_of_id_documents"), "documents", type_="foreignkey"
    )
    op.drop_column("documents", "duplicate_of_id")


def downgrade() -> None:
    op.add_column("documents", sa.Column("duplicate_of_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_documents_duplicate_of_id_documents"),
        "documents",
        "documents",
        ["duplicate_of_id"],
        ["id"],
        ondelete="SET NULL",
    )
    _reindex(_NAMES)
