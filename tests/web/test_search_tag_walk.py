"""A ranked search with a tag filter, for a word in most documents, walks the tag's
documents newest first from `document_tags` (`rank._newest`); for a rarer word it takes
the GIN indexes' bitmaps. Both ways give the same pages, scores and visibility."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine

from paless_shared.search.queries import rank
from paless_shared.search.queries.index import Languages
from paless_shared.search.queries.statistics import TermCounts
from paless_shared.search.service import _Prepared, _relevance
from paless_shared.search.terms import disjuncts
from paless_shared.tables import Document, Tag, document_tags
from tests.conftest import Account
from tests.web.stored import StoredDocuments, running_app, search

RANK_WINDOW = 50  # the least the setting takes


@pytest.fixture
async def client(servers: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("PALESS_SEARCH_RANK_WINDOW", str(RANK_WINDOW))
    async with running_app() as app:
        yield app


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


async def every_page(
    client: httpx.AsyncClient, account: Account, **params: Any
) -> list[tuple[str, bool, float]]:
    """(id, ranked, score) of every match, page after page of 20."""
    seen: list[tuple[str, bool, float]] = []
    cursor = None
    while True:
        page = await search(
            client, account, limit=20, **({"cursor": cursor} if cursor else {}), **params
        )
        seen += [
            (item["id"], item["search"]["ranked"], round(item["search"]["score"], 6))
            for item in page["items"]
        ]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


class Statements:
    """The SQL any engine of this process (the app's) sends while it listens."""

    def __init__(self) -> None:
        self.engine = Engine
        self.sent: list[str] = []

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._capture)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._capture)

    def _capture(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.sent.append(statement)

    def walked(self) -> bool:
        return any("FROM document_tags JOIN documents" in sql for sql in self.sent)


async def test_walking_the_tag_gives_the_pages_the_bitmaps_give(
    client: httpx.AsyncClient,
    account: Account,
    make_account: Any,
    stored: StoredDocuments,
    db: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = datetime(2021, 3, 1, tzinfo=UTC)
    red = await stored.add_object(account, Tag, "red")
    blue = await stored.add_object(account, Tag, "blue")
    tagged = []
    for n in range(RANK_WINDOW + 6):
        words = "invoice " * (1 + n % 4) + ("parcel" if n % 3 == 0 else "")
        tags = [red, blue] if n % 2 else [red]
        tagged.append(
            await stored.add(
                account, f"Invoice {n}", words, added_at=start + timedelta(days=n), tags=tags
            )
        )
    untagged = await stored.add(account, "Invoice", "invoice", added_at=start)
    # Another owner's documents carrying the tag: one shared with the account, one not.
    other = await make_account()
    shared = await stored.add(other, "Invoice", "invoice invoice", added_at=start)
    private = await stored.add(other, "Invoice", "invoice", added_at=start)
    async with db() as session:
        await session.execute(
            insert(document_tags),
            [
                {"document_id": uuid.UUID(document), "tag_id": uuid.UUID(red)}
                for document in (shared, private)
            ],
        )
        await session.commit()
    await stored.share([shared], account)

    odd = {document for n, document in enumerate(tagged) if n % 2}
    with_parcel = {document for n, document in enumerate(tagged) if n % 3 == 0}
    for params, expected in (
        ({"q": "invoice", "tags_all": [red]}, {*tagged, shared}),
        ({"q": "invoice", "tags_all": [red, blue]}, odd),
        ({"q": "invoice parcel", "tags_all": [red]}, with_parcel),
    ):
        answers = []
        for density, walks in ((0.0, True), (2.0, False)):
            monkeypatch.setattr(rank, "WALK_DENSITY", density)
            with Statements() as statements:
                answers.append(await every_page(client, account, **params))
            assert statements.walked() is walks, params
        walked, bitmaps = answers
        assert walked == bitmaps, params
        # Each match once across the pages; the private and the untagged ones never.
        assert sorted(document for document, _ranked, _score in walked) == sorted(expected)
        assert private not in expected and untagged not in expected
        # The newest RANK_WINDOW ranked by score, then the rest newest first.
        ranked = [was_ranked for _document, was_ranked, _score in walked]
        window = min(RANK_WINDOW, len(walked))
        assert ranked == [True] * window + [False] * (len(walked) - window)


async def test_the_tags_rows_carry_their_documents_dates(
    account: Account, stored: StoredDocuments, db: Any
) -> None:
    when = datetime(2022, 5, 17, 8, 30, tzinfo=UTC)
    red = await stored.add_object(account, Tag, "red")
    document = await stored.add(account, "Scan", "text", added_at=when, tags=[red])
    later = await stored.add(account, "Later", "text", added_at=when + timedelta(days=1))
    async with db() as session:
        # Moving a row to another document takes that document's date.
        await session.execute(
            document_tags.update()
            .where(document_tags.c.document_id == uuid.UUID(document))
            .values(document_id=uuid.UUID(later))
        )
        await session.commit()
        rows = (
            await session.execute(
                select(document_tags.c.document_id, document_tags.c.added_at, Document.added_at)
                .join(Document, Document.id == document_tags.c.document_id)
                .where(Document.owner_id == account.id)
            )
        ).all()
    assert [(str(row[0]), row[1]) for row in rows] == [(later, when + timedelta(days=1))]
    assert all(row[1] == row[2] for row in rows)


def test_the_walk_is_for_words_in_at_least_half_the_documents() -> None:
    def density(q: str, per_term: dict[str, int], documents: int = 1000) -> float:
        prepared = _Prepared(
            filters=None,  # type: ignore[arg-type]
            fields={},
            languages=Languages("english"),
            counts=TermCounts(documents=documents, average_length=100.0, per_term=per_term),
            groups=disjuncts(q),
        )
        return _relevance(prepared, 1000).density

    assert density("invoice", {"invoice": 900}) == pytest.approx(0.9)
    # Terms taken as independent; the likeliest alternative counts.
    assert density("invoice total", {"invoice": 900, "total": 500}) == pytest.approx(0.45)
    assert density("invoice or parcel", {"invoice": 900, "parcel": 10}) == pytest.approx(0.9)
    # A term that makes no lexeme asks nothing; an excluded one is not a match's word.
    assert density("the invoice -parcel", {"invoice": 600, "parcel": 10}) == pytest.approx(0.6)
    # A word in no document; nothing counted yet.
    assert density("zzyzx", {"zzyzx": 0}) == 0.0
    assert density("invoice", {}, documents=0) == 0.0
    assert density("invoice", {"invoice": 900}) >= rank.WALK_DENSITY
    assert density("invoice total", {"invoice": 900, "total": 500}) < rank.WALK_DENSITY
