"""Search statistics: how many documents hold each word, and the corpus they were
counted over. Ranking reads them as term rarity (IDF) and average document length."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, Integer, SmallInteger, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base


class SearchTerm(Base):
    """A lexeme of the search vectors and the number of documents holding it (those
    in two or more; a lexeme not listed is taken to be in one)."""

    __tablename__ = "search_terms"

    lexeme: Mapped[str] = mapped_column(Text, primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, nullable=False)


class SearchCorpus(Base):
    """One row: the documents the term counts are over, their average vector length
    (distinct lexemes), and the languages documents are stemmed in (kept current as
    documents are indexed)."""

    __tablename__ = "search_corpus"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, nullable=False)
    average_length: Mapped[float] = mapped_column(Float, nullable=False)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(63)), nullable=False)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
