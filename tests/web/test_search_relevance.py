"""Search relevance: stems in the document's language with exact forms kept, accents
folded, rarity and length in the ranking, every match reachable by paging in relevance
order past the rank window, and "did you mean" when nothing matches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from paless_shared.search.service import refresh_search, refresh_statistics
from paless_shared.tables import Document
from tests.conftest import Account
from tests.web.stored import StoredDocuments, found_ids, running_app, search

RANK_WINDOW = 50


@pytest.fixture
async def client(servers: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("PALESS_SEARCH_LANGUAGE", "english")
    monkeypatch.setenv("PALESS_SEARCH_RANK_WINDOW", str(RANK_WINDOW))
    async with running_app() as app:
        yield app


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


async def _in_language(db: Any, language: str, *document_ids: str) -> None:
    """Mark the documents as text in this language and index them again (as OCR
    would)."""
    async with db() as session:
        await session.execute(
            update(Document).where(Document.id.in_(document_ids)).values(language=language)
        )
        await refresh_search(session, list(document_ids))
        await session.commit()


async def _in_english(db: Any, *document_ids: str) -> None:
    await _in_language(db, "english", *document_ids)


async def _count_words(db: Any) -> None:
    """What the periodic search_statistics job does."""
    async with db() as session:
        await refresh_statistics(session)
        await session.commit()


async def test_plural_and_singular_match_each_other(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    singular = await stored.add(account, "Scan", "one invoice from the plumber")
    plural = await stored.add(account, "Scan", "three invoices from the plumber")
    other = await stored.add(account, "Scan", "a letter from the plumber")
    await _in_english(db, singular, plural, other)

    assert set(await found_ids(client, account, q="invoices")) == {singular, plural}
    assert set(await found_ids(client, account, q="invoice")) == {singular, plural}
    # The document with the word as written ranks first.
    assert (await found_ids(client, account, q="invoices"))[0] == plural


async def _two_codes(stored: StoredDocuments, account: Account, db: Any) -> tuple[str, str]:
    """Two English contracts whose customer codes differ in one digit: KD-4711, KD-4712."""
    coded = await stored.add(account, "Contract", "customer number KD-4711 Meyers")
    near = await stored.add(account, "Contract", "customer number KD-4712 Meyer")
    await _in_english(db, coded, near)
    return coded, near


async def test_codes_and_names_still_match_exactly(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    coded, near = await _two_codes(stored, account, db)

    assert await found_ids(client, account, q="KD-4711") == [coded]
    assert await found_ids(client, account, q="kd-4712") == [near]
    # The number alone finds the code it is part of, and only that one.
    assert await found_ids(client, account, q="4712") == [near]
    assert await found_ids(client, account, q="customer 4711") == [coded]
    assert await found_ids(client, account, q='"customer number KD-4711"') == [coded]


async def test_a_number_alone_is_marked_and_scored_in_the_code_it_is_part_of(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    # The number's signed form is matched by the snippet and the ranking too (their
    # statements take `q` and the number as bind parameters).
    _coded, near = await _two_codes(stored, account, db)

    page = await search(client, account, q="4712")
    assert [item["id"] for item in page["items"]] == [near]
    hit = page["items"][0]["search"]
    assert "<mark>" in hit["snippet"] and "KD" in hit["snippet"]
    assert hit["ranked"] and hit["score"] > 0


async def test_each_document_is_matched_by_the_stems_of_its_own_language(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    # Setting: English. One document in German (Tesseract's code, as OCR records it),
    # one in English, one in English that holds the German stem as a word of its own.
    german = await stored.add(account, "Brief", "Schule der Kinder, Rechnungen der Häuser")
    english = await stored.add(account, "Letter", "two invoices for the houses")
    unrelated = await stored.add(account, "Letter", "a kind reminder about a haus")
    await _in_language(db, "deu", german)
    await _in_english(db, english, unrelated)

    # German inflections find the German document by its German stems ("kind", "haus")
    # and not the English one whose words happen to be those stems.
    assert await found_ids(client, account, q="Kindern") == [german]
    assert await found_ids(client, account, q="Häusern") == [german]
    assert await found_ids(client, account, q="Rechnung") == [german]
    # English plurals and singulars find the English document by its English stems.
    assert await found_ids(client, account, q="invoice house") == [english]
    # A word as written matches in any document (and the German one by its stem).
    assert set(await found_ids(client, account, q="haus")) == {unrelated, german}
    assert await found_ids(client, account, q="Kinder") == [german]


async def test_a_language_without_a_stemmer_is_indexed_by_its_words_as_written(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    # OCR reads languages Postgres has no stemmer for (`chi_sim`, `jpn`, …).
    document = await stored.add(account, "Scan", "quarterly invoices 2026")
    await _in_language(db, "chi_sim", document)

    assert await found_ids(client, account, q="invoices") == [document]
    assert await found_ids(client, account, q="quarterly 2026") == [document]


async def test_a_document_whose_matching_word_is_rare_ranks_above(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    for n in range(12):
        await stored.add(account, "Scan", f"payment reminder number {n}")
    # The same words: one repeats the rare word, the other the common one, more often
    # (weighing the words alike, it would rank first).
    rare_twice = await stored.add(account, "Scan", "boiler boiler payment")
    common_thrice = await stored.add(account, "Scan", "boiler payment payment payment")
    await _count_words(db)

    assert await found_ids(client, account, q="boiler payment") == [rare_twice, common_thrice]
    assert await found_ids(client, account, q="payment boiler") == [rare_twice, common_thrice]


async def test_accents_are_folded(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    accented = await stored.add(account, "Rechnung", "Müller Café résumé")
    plain = await stored.add(account, "Rechnung", "Mueller Cafe")

    assert set(await found_ids(client, account, q="cafe")) == {accented, plain}
    assert await found_ids(client, account, q="resume") == [accented]
    assert await found_ids(client, account, q="résumé") == [accented]
    assert await found_ids(client, account, q="muller") == [accented]


async def test_a_short_document_about_the_rare_word_ranks_first(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    filler = " ".join(f"word{n}" for n in range(300))
    long_one = await stored.add(account, "Scan", f"boiler {filler} payment")
    short_one = await stored.add(account, "Scan", "boiler repair payment boiler")

    assert await found_ids(client, account, q="boiler payment") == [short_one, long_one]


async def test_every_match_of_a_broad_query_is_reachable_by_paging(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    oldest = await stored.add(account, "Statement", "bank statement", added_at=start)
    others = [
        await stored.add(
            account, "Statement", f"bank statement {n}", added_at=start + timedelta(days=n + 1)
        )
        for n in range(RANK_WINDOW + 9)
    ]

    seen: list[str] = []
    ranked: list[bool] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "bank statement", "limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = await search(client, account, **params)
        seen += [item["id"] for item in page["items"]]
        ranked += [item["search"]["ranked"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted([oldest, *others])
    assert len(seen) == len(set(seen))
    # The newest RANK_WINDOW matches by score first, then the rest newest first.
    assert ranked == [True] * RANK_WINDOW + [False] * 10
    assert seen[-1] == oldest


async def test_did_you_mean_when_nothing_matches(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    await stored.add(account, "Electricity invoice March", "the bill")

    page = await search(client, account, q="electrcity")

    assert page["items"] == []
    assert page["did_you_mean"] == "electricity"
    assert (await search(client, account, q="electricity"))["did_you_mean"] is None


async def test_did_you_mean_offers_nothing_from_documents_of_others(
    client: httpx.AsyncClient, account: Account, make_account: Any, stored: StoredDocuments
) -> None:
    other = await make_account()
    await stored.add(other, "Electricity invoice March", "the bill")

    page = await search(client, account, q="electrcity")

    assert page["items"] == []
    assert page["did_you_mean"] is None


async def test_odd_queries_answer_without_error(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    await stored.add(account, "Électricité invoice", "the bill")

    for q in ["-", '"', "or", "the", "a-b-c", "&|!:*", "électricite", "x" * 300, "'; --"]:
        page = await search(client, account, q=q)
        assert isinstance(page["items"], list)
    assert len((await search(client, account, q="electricite"))["items"]) == 1
