"""A search's transaction is planned with its values and given the work_mem its
bitmaps need (PALESS_SEARCH_WORK_MEM_MB); other transactions keep the server's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from paless_shared.platform.principal import Principal
from paless_shared.platform.settings import SearchSettings
from paless_shared.search.filters import DocumentFilter
from paless_shared.search.service import count_documents, find_documents, session_info
from tests.conftest import Account


async def settings_in_transaction(session: Any) -> tuple[str, str]:
    row = (
        await session.execute(
            text("SELECT current_setting('work_mem'), current_setting('plan_cache_mode')")
        )
    ).one()
    return row[0], row[1]


async def test_a_search_sets_work_mem_and_custom_plans_for_its_transaction_only(
    db: Any, account: Account
) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    sessions = async_sessionmaker(
        db.kw["bind"], info=session_info(SearchSettings(search_work_mem_mb=48))
    )
    principal = Principal(account.id)
    async with sessions() as session:
        server = await settings_in_transaction(session)
        await session.rollback()

        await find_documents(session, principal, DocumentFilter(q="invoice"), limit=10)
        assert await settings_in_transaction(session) == ("48MB", "force_custom_plan")
        await session.rollback()
        assert await settings_in_transaction(session) == server  # SET LOCAL: gone

        await count_documents(session, principal, DocumentFilter(q="invoice", tags_all=[]))
        assert await settings_in_transaction(session) == ("48MB", "force_custom_plan")
        await session.rollback()

        await find_documents(session, principal, DocumentFilter(), limit=10)  # a list
        assert await settings_in_transaction(session) == server
    assert server[0] != "48MB"
