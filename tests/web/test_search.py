"""Finding documents: every filter on its own and with full-text search, the search
syntax, highlights, relevance, sorting, cursors under concurrent inserts, and custom
field filters. Each owner finds only their own documents."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import insert

from paless_shared.tables import (
    Correspondent,
    CustomField,
    CustomFieldType,
    DocumentStatus,
    DocumentType,
    Grant,
    Permission,
    Tag,
)
from tests.conftest import Account
from tests.web.stored import (
    StoredDocuments,
    at,
    create_id,
    found_ids,
    running_app,
    search,
)
from tests.web.support import assert_problem


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    """One app for the module's many short tests (see running_app)."""
    async with running_app() as shared:
        yield shared


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


# A small library: five documents of one owner whose tags, correspondents, types,
# dates, statuses and amounts differ, so each filter picks a different subset, and
# whose dates and titles sort in three different orders. `electricity` is in the text
# of d1, d2 and d4 only (and in no title or name).


@dataclass
class Corpus:
    owner: Account
    tags: dict[str, str]
    correspondents: dict[str, str]
    types: dict[str, str]
    amount: str  # an integer custom field
    docs: dict[str, str]  # name -> id

    def names(self, ids: list[str]) -> list[str]:
        by_id = {document_id: name for name, document_id in self.docs.items()}
        return [by_id.get(document_id, document_id) for document_id in ids]


Q = "electricity"
Q_MATCHES = {"d1", "d2", "d4"}


@pytest.fixture
async def corpus(make_account: Any, stored: StoredDocuments) -> Corpus:
    owner, stranger = await make_account(), await make_account()
    tags = {name: await stored.add_object(owner, Tag, name) for name in ("red", "green", "blue")}
    correspondents = {
        name: await stored.add_object(owner, Correspondent, name) for name in ("acme", "globex")
    }
    types = {
        name: await stored.add_object(owner, DocumentType, name) for name in ("bill", "letter")
    }
    amount = await stored.add_object(
        owner, CustomField, "amount", data_type=CustomFieldType.integer
    )
    specs: dict[str, dict[str, Any]] = {
        "d1": dict(
            title="Delta statement",
            content="electricity usage for march",
            tags=[tags["red"], tags["green"]],
            correspondent=correspondents["acme"],
            document_type=types["bill"],
            created_at=at("2024-05-10"),
            added_at=at("2024-02-01"),
        ),
        "d2": dict(
            title="Echo statement",
            content="electricity contract renewal",
            tags=[tags["red"]],
            correspondent=correspondents["globex"],
            document_type=types["letter"],
            created_at=at("2024-01-10"),
            added_at=at("2024-04-01"),
        ),
        "d3": dict(
            title="Alpha statement",
            content="water usage for may",
            tags=[tags["blue"]],
            correspondent=correspondents["acme"],
            document_type=types["bill"],
            created_at=at("2024-09-10"),
            added_at=at("2024-06-01"),
            status=DocumentStatus.failed,
        ),
        "d4": dict(
            title="Charlie statement",
            content="electricity meter notice",
            created_at=at("2024-03-10"),
            added_at=at("2024-08-01"),
            status=DocumentStatus.pending,
        ),
        "d5": dict(
            title="Bravo statement",
            content="water and gas",
            tags=[tags["green"]],
            correspondent=correspondents["globex"],
            document_type=types["letter"],
            created_at=at("2024-07-10"),
            added_at=at("2024-10-01"),
        ),
    }
    amounts = {"d1": 100, "d2": 250, "d4": 50, "d5": 400}
    docs = {}
    for name, spec in specs.items():
        spec = dict(spec)
        fields = {amount: {"value_int": amounts[name]}} if name in amounts else {}
        docs[name] = await stored.add(
            owner, spec.pop("title"), spec.pop("content"), fields=fields, **spec
        )
    # Never found by anyone's filters: a trashed document of the owner that matches
    # everything, and a stranger's document that matches the words.
    await stored.add(
        owner,
        "Foxtrot statement",
        "electricity water gas",
        tags=list(tags.values()),
        correspondent=correspondents["acme"],
        document_type=types["bill"],
        created_at=at("2024-05-10"),
        added_at=at("2024-06-01"),
        deleted_at=datetime.now(UTC),
    )
    await stored.add(stranger, "Delta statement", "electricity water gas usage")
    return Corpus(owner, tags, correspondents, types, amount, docs)


def _iso(day: str) -> str:
    return at(day).isoformat()


# (filter parameters from the corpus, the documents they leave)
FILTERS: dict[str, tuple[Callable[[Corpus], dict[str, Any]], set[str]]] = {
    "tags_all": (lambda c: {"tags_all": [c.tags["red"], c.tags["green"]]}, {"d1"}),
    "tags_all-one": (lambda c: {"tags_all": [c.tags["red"]]}, {"d1", "d2"}),
    "tags_any": (lambda c: {"tags_any": [c.tags["green"], c.tags["blue"]]}, {"d1", "d3", "d5"}),
    "tags_none": (lambda c: {"tags_none": [c.tags["red"]]}, {"d3", "d4", "d5"}),
    "tags_none-two": (lambda c: {"tags_none": [c.tags["red"], c.tags["green"]]}, {"d3", "d4"}),
    "is_tagged-true": (lambda c: {"is_tagged": "true"}, {"d1", "d2", "d3", "d5"}),
    "is_tagged-false": (lambda c: {"is_tagged": "false"}, {"d4"}),
    "correspondent": (lambda c: {"correspondent": [c.correspondents["acme"]]}, {"d1", "d3"}),
    "correspondent-two": (
        lambda c: {"correspondent": list(c.correspondents.values())},
        {"d1", "d2", "d3", "d5"},
    ),
    "document_type": (lambda c: {"document_type": [c.types["letter"]]}, {"d2", "d5"}),
    "document_type-two": (
        lambda c: {"document_type": list(c.types.values())},
        {"d1", "d2", "d3", "d5"},
    ),
    # created_after is inclusive, created_before exclusive (d1 is created 2024-05-10).
    "created_after": (lambda c: {"created_after": _iso("2024-05-10")}, {"d1", "d3", "d5"}),
    "created_before": (lambda c: {"created_before": _iso("2024-05-10")}, {"d2", "d4"}),
    "created-range": (
        lambda c: {"created_after": _iso("2024-03-01"), "created_before": _iso("2024-08-01")},
        {"d1", "d4", "d5"},
    ),
    "added_after": (lambda c: {"added_after": _iso("2024-06-01")}, {"d3", "d4", "d5"}),
    "added_before": (lambda c: {"added_before": _iso("2024-06-01")}, {"d1", "d2"}),
    "status": (lambda c: {"status": ["ready"]}, {"d1", "d2", "d5"}),
    "status-two": (lambda c: {"status": ["failed", "pending"]}, {"d3", "d4"}),
    "custom_field": (lambda c: {"custom_field": [f"{c.amount}:gte:100"]}, {"d1", "d2", "d5"}),
    "custom_field-absent": (lambda c: {"custom_field": [f"{c.amount}:exists:false"]}, {"d3"}),
    "title_like": (lambda c: {"title_like": "charly"}, {"d4"}),
    "combined": (
        lambda c: {
            "tags_none": [c.tags["blue"]],
            "document_type": [c.types["letter"]],
            "custom_field": [f"{c.amount}:lt:300"],
        },
        {"d2"},
    ),
}


FILTER_GROUPS = {
    "tags": ["tags_all", "tags_all-one", "tags_any", "tags_none", "tags_none-two"],
    "is_tagged": ["is_tagged-true", "is_tagged-false"],
    "correspondent-type": [
        "correspondent",
        "correspondent-two",
        "document_type",
        "document_type-two",
    ],
    "dates": ["created_after", "created_before", "created-range", "added_after", "added_before"],
    "others": [
        "status",
        "status-two",
        "custom_field",
        "custom_field-absent",
        "title_like",
        "combined",
    ],
}


@pytest.mark.parametrize("group", list(FILTER_GROUPS))
async def test_each_filter_alone_and_combined_with_q(
    client: httpx.AsyncClient, corpus: Corpus, group: str
) -> None:
    found: dict[str, tuple[list[str], list[str]]] = {}
    for name in FILTER_GROUPS[group]:
        params = FILTERS[name][0](corpus)
        alone = await found_ids(client, corpus.owner, **params)
        with_q = await found_ids(client, corpus.owner, q=Q, **params)
        found[name] = (sorted(corpus.names(alone)), sorted(corpus.names(with_q)))

    assert found == {
        name: (sorted(FILTERS[name][1]), sorted(FILTERS[name][1] & Q_MATCHES))
        for name in FILTER_GROUPS[group]
    }


def test_every_filter_is_in_a_group() -> None:
    assert sorted(name for names in FILTER_GROUPS.values() for name in names) == sorted(FILTERS)


async def test_q_alone_finds_the_words_in_the_text_and_nothing_of_others(
    client: httpx.AsyncClient, corpus: Corpus
) -> None:
    found = await found_ids(client, corpus.owner, q=Q)

    assert sorted(corpus.names(found)) == sorted(Q_MATCHES)


async def test_every_filter_at_once_with_q(client: httpx.AsyncClient, corpus: Corpus) -> None:
    found = await found_ids(
        client,
        corpus.owner,
        q=Q,
        tags_any=[corpus.tags["red"]],
        tags_none=[corpus.tags["blue"]],
        tags_all=[corpus.tags["green"]],
        is_tagged="true",
        correspondent=[corpus.correspondents["acme"]],
        document_type=[corpus.types["bill"]],
        created_after=_iso("2024-05-01"),
        created_before=_iso("2024-06-01"),
        added_after=_iso("2024-01-01"),
        added_before=_iso("2024-03-01"),
        status=["ready"],
        custom_field=[f"{corpus.amount}:eq:100"],
    )

    assert corpus.names(found) == ["d1"]


async def test_q_matches_tag_correspondent_and_type_names(
    client: httpx.AsyncClient, corpus: Corpus
) -> None:
    assert sorted(corpus.names(await found_ids(client, corpus.owner, q="acme"))) == ["d1", "d3"]
    assert sorted(corpus.names(await found_ids(client, corpus.owner, q="green"))) == ["d1", "d5"]
    assert sorted(corpus.names(await found_ids(client, corpus.owner, q="letter"))) == [
        "d2",
        "d5",
    ]


# What a reader may see: names and ids of objects not granted to them -------------------


@pytest.fixture
async def reader(make_account: Any, corpus: Corpus, db: Any) -> Account:
    """A user granted view on d1-d5 (not the trashed one) and on the tag `red`, the
    correspondent `globex` and the type `letter` only: `green`, `blue`, `acme` and
    `bill` are the owner's alone."""
    reader: Account = await make_account()
    granted = [("document", document_id) for document_id in corpus.docs.values()] + [
        ("tag", corpus.tags["red"]),
        ("correspondent", corpus.correspondents["globex"]),
        ("document_type", corpus.types["letter"]),
    ]
    async with db() as session:
        await session.execute(
            insert(Grant),
            [
                {
                    "object_type": kind,
                    "object_id": uuid.UUID(object_id),
                    "user_id": reader.id,
                    "permission": Permission.view,
                }
                for kind, object_id in granted
            ],
        )
        await session.commit()
    return reader


async def test_q_finds_documents_only_by_names_the_reader_may_see(
    client: httpx.AsyncClient, corpus: Corpus, reader: Account
) -> None:
    async def found(q: str) -> list[str]:
        return sorted(corpus.names(await found_ids(client, reader, q=q)))

    # Hidden names find nothing: which documents carry them is not revealed.
    assert await found("acme") == []
    assert await found("green") == []
    assert await found("bill") == []
    # Granted names find the documents carrying them, as they do for the owner.
    assert await found("globex") == ["d2", "d5"]
    assert await found("red") == ["d1", "d2"]
    assert await found("letter") == ["d2", "d5"]


# (q, what the owner finds): words of the text and names of objects in one query.
MIXED = {
    "electricity acme": ["d1"],
    "electricity -acme": ["d2", "d4"],
    "water -acme": ["d5"],
    "water or acme": ["d1", "d3", "d5"],
    "electricity green": ["d1"],
    '"usage for" bill': ["d1", "d3"],
    "acme letter": [],
    "acme or letter": ["d1", "d2", "d3", "d5"],
}


async def test_q_combines_words_of_the_text_with_names_of_objects(
    client: httpx.AsyncClient, corpus: Corpus
) -> None:
    found = {q: sorted(corpus.names(await found_ids(client, corpus.owner, q=q))) for q in MIXED}

    assert found == MIXED


async def test_answers_leave_out_correspondents_and_types_the_reader_may_not_see(
    client: httpx.AsyncClient, corpus: Corpus, reader: Account
) -> None:
    listed = {item["id"]: item for item in (await search(client, reader, limit=50))["items"]}
    one = (
        await client.get(f"/api/v1/documents/{corpus.docs['d1']}", headers=reader.headers)
    ).json()

    d1, d2 = listed[corpus.docs["d1"]], listed[corpus.docs["d2"]]
    assert (d1["correspondent"], d1["document_type"]) == (None, None)  # acme, bill
    assert (one["correspondent"], one["document_type"]) == (None, None)
    assert d1["tags"] == [corpus.tags["red"]]
    assert (d2["correspondent"], d2["document_type"]) == (
        corpus.correspondents["globex"],
        corpus.types["letter"],
    )


# (filter parameters, what the reader finds): hidden objects count as absent.
HIDDEN_FILTERS: dict[str, tuple[Callable[[Corpus], dict[str, Any]], set[str]]] = {
    "tags_all-hidden": (lambda c: {"tags_all": [c.tags["green"]]}, set()),
    "tags_any-hidden": (lambda c: {"tags_any": [c.tags["green"]]}, set()),
    "tags_any-mixed": (lambda c: {"tags_any": [c.tags["green"], c.tags["red"]]}, {"d1", "d2"}),
    "tags_none-hidden": (
        lambda c: {"tags_none": [c.tags["green"]]},
        {"d1", "d2", "d3", "d4", "d5"},
    ),
    "is_tagged-false": (lambda c: {"is_tagged": "false"}, {"d3", "d4", "d5"}),
    "correspondent-hidden": (lambda c: {"correspondent": [c.correspondents["acme"]]}, set()),
    "document_type-hidden": (lambda c: {"document_type": [c.types["bill"]]}, set()),
}


@pytest.mark.parametrize("case", list(HIDDEN_FILTERS))
async def test_filters_on_objects_the_reader_may_not_see_match_as_if_they_were_absent(
    client: httpx.AsyncClient, corpus: Corpus, reader: Account, case: str
) -> None:
    params, expected = HIDDEN_FILTERS[case]

    found = await found_ids(client, reader, **params(corpus))

    assert set(corpus.names(found)) == expected


# Search syntax --------------------------------------------------------------------------


@pytest.fixture
async def bills(make_account: Any, stored: StoredDocuments) -> tuple[Account, dict[str, str]]:
    owner = await make_account()
    texts = {
        "water-bill": "please pay the water bill by friday",
        "bill-for-water": "the bill for water and sewage",
        "gas-bill": "your gas bill for march",
        "electricity": "electricity meter reading",
    }
    docs = {
        name: await stored.add(owner, f"Document {n}", text)
        for n, (name, text) in enumerate(texts.items())
    }
    return owner, docs


SYNTAX = {
    "bill": {"water-bill", "bill-for-water", "gas-bill"},
    "water bill": {"water-bill", "bill-for-water"},
    '"water bill"': {"water-bill"},
    "bill -water": {"gas-bill"},
    'bill -"water bill"': {"bill-for-water", "gas-bill"},
    "gas or electricity": {"gas-bill", "electricity"},
    '"water bill" or meter': {"water-bill", "electricity"},
    "sewage -bill": set(),
    "nonexistentword": set(),
}


async def test_web_search_syntax_words_phrases_exclusions_and_or(
    client: httpx.AsyncClient, bills: tuple[Account, dict[str, str]]
) -> None:
    owner, docs = bills
    by_id = {document_id: name for name, document_id in docs.items()}

    found = {q: sorted(by_id[d] for d in await found_ids(client, owner, q=q)) for q in SYNTAX}

    assert found == {q: sorted(expected) for q, expected in SYNTAX.items()}


# Highlights and relevance -------------------------------------------------------------


async def test_results_carry_a_highlighted_snippet(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(
        account, "March", "Dear customer, your electricity bill for March is attached."
    )

    page = await search(client, account, q="electricity")

    (item,) = page["items"]
    assert item["id"] == document_id
    assert item["search"]["score"] > 0
    assert "<mark>electricity</mark>" in item["search"]["snippet"]
    assert "bill for March" in item["search"]["snippet"]


async def test_html_in_the_text_is_escaped_in_the_snippet(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    await stored.add(
        account,
        "Scan",
        "Smith & Sons <svg/onload=alert(1)> owe 1 < 2 for electricity",
    )

    page = await search(client, account, q="electricity")

    snippet = page["items"][0]["search"]["snippet"]
    assert "<mark>electricity</mark>" in snippet
    assert "&amp;" in snippet
    assert "&lt;svg/onload=alert(1)&gt;" in snippet
    # The only markup is the highlighting.
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert ">" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert html.unescape(re.sub(r"</?mark>", "", snippet)).endswith("for electricity")


@pytest.mark.parametrize("where", ["text", "title"])
async def test_control_characters_in_the_text_cannot_fake_a_highlight(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, where: str
) -> None:
    # \x02 and \x03 are what ts_headline is asked to put around hits.
    planted = "pay \x02<img src=x onerror=alert(1)>\x03 now \x02URGENT\x03 electricity"
    if where == "text":
        await stored.add(account, "Scan", planted)
    else:
        await stored.add(account, planted, "")

    page = await search(client, account, q="electricity")

    snippet = page["items"][0]["search"]["snippet"]
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert "<mark>electricity</mark>" in snippet
    assert "URGENT" in snippet and "<mark>URGENT" not in snippet
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert "\x02" not in snippet and "\x03" not in snippet


async def test_a_hit_only_in_the_title_is_highlighted_in_the_title(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    await stored.add(account, "Electricity & Gas", "nothing relevant in the text")

    page = await search(client, account, q="electricity")

    snippet = page["items"][0]["search"]["snippet"]
    assert snippet.startswith("<mark>Electricity</mark>")
    assert "relevant" not in snippet


async def test_title_outranks_notes_which_outrank_the_text(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    in_text = await stored.add(account, "Misc one", "about the electricity supply")
    in_title = await stored.add(account, "Electricity supply", "unrelated words")
    in_note = await stored.add(account, "Misc two", "unrelated words")
    response = await client.post(
        f"/api/v1/documents/{in_note}/notes",
        json={"text": "ask about electricity"},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text

    page = await search(client, account, q="electricity")

    assert [item["id"] for item in page["items"]] == [in_title, in_note, in_text]
    scores = [item["search"]["score"] for item in page["items"]]
    assert scores[0] > scores[1] > scores[2] > 0


async def test_search_scores_do_not_depend_on_the_sort_order(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    """`search.score` is the relevance of a search result, whatever it is sorted by."""
    in_title = await stored.add(account, "Electricity bill", "for march")
    await stored.add(account, "Zebra", "the electricity")

    by_relevance = await search(client, account, q="electricity")
    by_title = await search(client, account, q="electricity", sort="title")
    similar_by_date = await search(client, account, title_like="electricity bill", sort="-added")

    relevance = {item["id"]: item["search"]["score"] for item in by_relevance["items"]}
    assert {item["id"]: item["search"]["score"] for item in by_title["items"]} == relevance
    assert relevance[in_title] > 0
    (similar,) = similar_by_date["items"]
    assert similar["id"] == in_title
    assert similar["search"] is not None
    assert similar["search"]["score"] == 1.0


async def test_without_q_results_carry_no_search_hit(
    client: httpx.AsyncClient, corpus: Corpus
) -> None:
    page = await search(client, corpus.owner)

    assert len(page["items"]) == 5
    assert all(item["search"] is None for item in page["items"])


# title_like ----------------------------------------------------------------------------


async def test_title_like_tolerates_a_typo(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    wanted = await stored.add(account, "Electricity invoice March", "")
    await stored.add(account, "Water bill", "electricity mentioned only in the text")
    await stored.add(account, "Gas contract", "")

    page = await search(client, account, title_like="electrcity")

    assert [item["id"] for item in page["items"]] == [wanted]
    assert page["items"][0]["search"]["score"] > 0.6


async def test_title_like_ranks_the_closer_title_first(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    misspelt = await stored.add(account, "Electricty bill", "", added_at=at("2024-01-02"))
    exact = await stored.add(account, "Electricity bill", "", added_at=at("2024-01-01"))

    page = await search(client, account, title_like="electricity")

    assert [item["id"] for item in page["items"]] == [exact, misspelt]
    assert page["items"][0]["search"]["score"] > page["items"][1]["search"]["score"]


# Sorting ---------------------------------------------------------------------------------


SORTS = {
    None: ["d5", "d4", "d3", "d2", "d1"],  # newest added first
    "-added": ["d5", "d4", "d3", "d2", "d1"],
    "added": ["d1", "d2", "d3", "d4", "d5"],
    "created": ["d2", "d4", "d1", "d5", "d3"],
    "-created": ["d3", "d5", "d1", "d4", "d2"],
    "title": ["d3", "d5", "d4", "d1", "d2"],
    "-title": ["d2", "d1", "d4", "d5", "d3"],
}


async def test_every_sort_order_alone_and_with_q(client: httpx.AsyncClient, corpus: Corpus) -> None:
    found = {}
    for sort in SORTS:
        params = {"sort": sort} if sort else {}
        alone = await found_ids(client, corpus.owner, **params)
        with_q = await found_ids(client, corpus.owner, q=Q, **params) if sort else []
        found[sort] = (corpus.names(alone), corpus.names(with_q))

    assert found == {
        sort: (order, [name for name in order if name in Q_MATCHES] if sort else [])
        for sort, order in SORTS.items()
    }


async def test_relevance_is_the_default_order_with_q(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    weak = await stored.add(account, "Older", "gas", added_at=at("2024-01-02"))
    strong = await stored.add(account, "Gas", "gas", added_at=at("2024-01-01"))

    default = await search(client, account, q="gas")
    explicit = await search(client, account, q="gas", sort="relevance")
    by_added = await search(client, account, q="gas", sort="-added")

    assert [item["id"] for item in default["items"]] == [strong, weak]
    assert [item["id"] for item in explicit["items"]] == [strong, weak]
    assert [item["id"] for item in by_added["items"]] == [weak, strong]


async def test_relevance_without_q_or_title_like_is_a_422_problem(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.get(
        "/api/v1/documents", params={"sort": "relevance"}, headers=account.headers
    )

    problem = assert_problem(response, 422)
    assert "relevance" in problem["detail"]


# Cursor pagination ------------------------------------------------------------------


async def _walk(
    client: httpx.AsyncClient,
    account: Account,
    params: dict[str, Any],
    between_pages: Callable[[int], Any],
) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await search(client, account, **query)
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "pagination does not end"
        await between_pages(len(pages))


# Newcomers land before, between and after the original documents in each order.
NEWCOMERS = [
    ("Aardvark statement", "2024-01-01", "electricity electricity electricity"),
    ("Delta statemenu", "2024-06-01", "electricity"),
    ("Zulu statement", "2025-01-01", "some electricity"),
]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "added"},
        {"sort": "-created"},
        {"sort": "created"},
        {"sort": "title"},
        {"sort": "-title"},
        {"q": Q},
        {"q": Q, "sort": "title"},
        {"is_tagged": "true", "sort": "created"},
    ],
    ids=[
        "-added",
        "added",
        "-created",
        "created",
        "title",
        "-title",
        "relevance",
        "q-title",
        "filtered",
    ],
)
async def test_cursor_pagination_survives_concurrent_inserts(
    client: httpx.AsyncClient, corpus: Corpus, stored: StoredDocuments, params: dict[str, Any]
) -> None:
    expected = await found_ids(client, corpus.owner, **params)
    assert len(expected) >= 3

    async def insert_newcomers(page_number: int) -> None:
        if page_number > 2:
            return  # else an ascending order would never reach its end
        for title, created, text in NEWCOMERS:
            await stored.add(
                corpus.owner,
                f"{title} {page_number}",
                text,
                created_at=at(created),
                tags=[corpus.tags["red"]],
            )

    pages = await _walk(client, corpus.owner, params, insert_newcomers)

    walked = [document_id for page in pages for document_id in page]
    assert len(walked) == len(set(walked)), "a document was answered twice"
    assert set(expected) <= set(walked), "an original document was missed"
    # The originals keep their relative order.
    assert [document_id for document_id in walked if document_id in expected] == expected


async def test_cursor_pagination_through_equal_sort_keys(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    same_day = at("2024-04-04")
    ids = {
        await stored.add(
            account, "Same", "same electricity", created_at=same_day, added_at=same_day
        )
        for _ in range(5)
    }

    for params in ({"sort": "-created"}, {"sort": "title"}, {"q": "electricity"}, {}):
        pages = await _walk(client, account, params, _nothing)
        walked = [document_id for page in pages for document_id in page]
        assert [len(page) for page in pages] == [2, 2, 1], params
        assert sorted(walked) == sorted(ids), params


async def _nothing(_: int) -> None:
    return None


async def test_a_cursor_from_another_sort_order_is_a_422_problem(
    client: httpx.AsyncClient, corpus: Corpus
) -> None:
    first = await search(client, corpus.owner, limit=2, sort="title")

    response = await client.get(
        "/api/v1/documents",
        params={"limit": 2, "sort": "created", "cursor": first["next_cursor"]},
        headers=corpus.owner.headers,
    )

    problem = assert_problem(response, 422)
    assert "cursor" in problem["detail"]


# Custom field filters -----------------------------------------------------------------


@dataclass
class Fielded:
    owner: Account
    fields: dict[str, str]
    docs: dict[str, str]


@pytest.fixture
async def fielded(make_account: Any, stored: StoredDocuments) -> Fielded:
    owner = await make_account()
    definitions: dict[str, tuple[CustomFieldType, dict[str, Any]]] = {
        "count": (CustomFieldType.integer, {}),
        "due": (CustomFieldType.date, {}),
        "total": (CustomFieldType.monetary, {"default_currency": "EUR"}),
        "weight": (CustomFieldType.float, {}),
        "reference": (CustomFieldType.string, {}),
        "state": (CustomFieldType.select, {"options": ["open", "paid"]}),
        "paid": (CustomFieldType.boolean, {}),
        "related": (CustomFieldType.documentlink, {}),
    }
    fields = {
        name: await stored.add_object(owner, CustomField, name, data_type=kind, extra_data=extra)
        for name, (kind, extra) in definitions.items()
    }
    c = await stored.add(
        owner,
        "c",
        "",
        fields={
            fields["count"]: {"value_int": 30},
            fields["reference"]: {"value_text": "100% done_ok"},
        },
    )
    d = await stored.add(owner, "d", "")
    b = await stored.add(
        owner,
        "b",
        "",
        fields={
            fields["count"]: {"value_int": 20},
            fields["due"]: {"value_date": date(2024, 2, 29)},
            fields["total"]: {"value_monetary": Decimal("99.99"), "value_currency": "USD"},
            fields["weight"]: {"value_float": 2.25},
            fields["reference"]: {"value_text": "inv-2024-777 eno"},
            fields["state"]: {"value_text": "paid"},
            fields["paid"]: {"value_bool": True},
            fields["related"]: {"value_documents": [uuid.UUID(c), uuid.UUID(d)]},
        },
    )
    a = await stored.add(
        owner,
        "a",
        "",
        fields={
            fields["count"]: {"value_int": 10},
            fields["due"]: {"value_date": date(2024, 1, 31)},
            fields["total"]: {"value_monetary": Decimal("12.50"), "value_currency": "EUR"},
            fields["weight"]: {"value_float": 0.5},
            fields["reference"]: {"value_text": "INV-2024-001"},
            fields["state"]: {"value_text": "open"},
            fields["paid"]: {"value_bool": False},
            fields["related"]: {"value_documents": [uuid.UUID(d)]},
        },
    )
    return Fielded(owner, fields, {"a": a, "b": b, "c": c, "d": d})


# field, operator, value (<x>: the id of document x), the documents found
FIELD_CONDITIONS: list[tuple[str, str, str, set[str]]] = [
    ("count", "eq", "20", {"b"}),
    ("count", "gt", "10", {"b", "c"}),
    ("count", "gte", "20", {"b", "c"}),
    ("count", "lt", "20", {"a"}),
    ("count", "lte", "20", {"a", "b"}),
    ("due", "eq", "2024-02-29", {"b"}),
    ("due", "gte", "2024-02-01", {"b"}),
    ("due", "lt", "2024-02-29", {"a"}),
    ("total", "gt", "50", {"b"}),
    ("total", "eq", "12.5", {"a"}),
    ("total", "lte", "99.99", {"a", "b"}),
    ("weight", "lt", "1.5", {"a"}),
    ("weight", "gte", "2.25", {"b"}),
    ("reference", "eq", "INV-2024-001", {"a"}),
    ("reference", "contains", "inv-2024", {"a", "b"}),
    ("reference", "contains", "2024-7", {"b"}),
    ("reference", "contains", "100%", {"c"}),
    ("reference", "contains", "e_o", {"c"}),
    ("reference", "contains", "%", {"c"}),
    ("state", "eq", "paid", {"b"}),
    ("state", "contains", "pe", {"a"}),
    ("paid", "eq", "true", {"b"}),
    ("paid", "eq", "false", {"a"}),
    ("related", "contains", "<c>", {"b"}),
    ("related", "eq", "<d>", {"a", "b"}),
    ("count", "exists", "true", {"a", "b", "c"}),
    ("count", "exists", "false", {"d"}),
    ("due", "exists", "true", {"a", "b"}),
    ("related", "exists", "false", {"c", "d"}),
]


async def test_custom_field_filters_eq_ranges_contains_and_exists(
    client: httpx.AsyncClient, fielded: Fielded
) -> None:
    by_id = {document_id: name for name, document_id in fielded.docs.items()}
    found = {}
    for field, op, value, _ in FIELD_CONDITIONS:
        sent = re.sub(r"<(\w)>", lambda m: fielded.docs[m.group(1)], value)
        ids = await found_ids(
            client, fielded.owner, custom_field=[f"{fielded.fields[field]}:{op}:{sent}"]
        )
        found[f"{field}:{op}:{value}"] = sorted(by_id[document_id] for document_id in ids)

    assert found == {
        f"{field}:{op}:{value}": sorted(expected) for field, op, value, expected in FIELD_CONDITIONS
    }


async def test_custom_field_range_from_two_conditions(
    client: httpx.AsyncClient, fielded: Fielded
) -> None:
    count = fielded.fields["count"]

    found = await found_ids(
        client, fielded.owner, custom_field=[f"{count}:gt:10", f"{count}:lte:30"], sort="title"
    )
    between_dates = await found_ids(
        client,
        fielded.owner,
        custom_field=[
            f"{fielded.fields['due']}:gte:2024-01-01",
            f"{fielded.fields['due']}:lt:2024-02-01",
        ],
    )

    assert found == [fielded.docs["b"], fielded.docs["c"]]
    assert between_dates == [fielded.docs["a"]]


# a condition ({name}: the id of that field), a word the problem's detail must name
INVALID_CONDITIONS = [
    ("not-a-condition", "custom_field"),
    ("{count}:between:1", "operators"),
    ("{count}:gt:ten", "count"),
    ("{due}:gt:31.01.2024", "due"),
    ("{count}:contains:1", "count"),
    ("{paid}:gt:true", "paid"),
    ("{paid}:eq:yes", "paid"),
    ("{total}:gt:lots", "total"),
    ("{related}:contains:not-a-uuid", "related"),
    ("00000000-0000-4000-8000-000000000000:eq:1", "no such field"),
]


async def test_invalid_custom_field_conditions_are_422_problems(
    client: httpx.AsyncClient, fielded: Fielded
) -> None:
    details = {}
    for condition, _ in INVALID_CONDITIONS:
        response = await client.get(
            "/api/v1/documents",
            params={"custom_field": condition.format(**fielded.fields)},
            headers=fielded.owner.headers,
        )
        details[condition] = assert_problem(response, 422)["detail"]

    unnamed = {c: details[c] for c, named in INVALID_CONDITIONS if named not in details[c]}
    assert unnamed == {}


# Isolation ---------------------------------------------------------------------------


async def test_another_users_documents_never_appear_in_search(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    alice, bob = await make_account(), await make_account()
    tag = await create_id(client, alice, "tags", name="shared-word")
    alices = await stored.add(alice, "Electricity invoice", "electricity", tags=[tag])
    bobs = await stored.add(bob, "Electricity invoice", "electricity")

    assert await found_ids(client, bob, q="electricity") == [bobs]
    assert await found_ids(client, bob, title_like="electricity invoice") == [bobs]
    assert await found_ids(client, bob, q="shared-word") == []
    assert await found_ids(client, bob, tags_any=[tag]) == []
    assert await found_ids(client, bob, is_tagged="true") == []
    assert await found_ids(client, alice, q="electricity") == [alices]


async def test_another_users_custom_field_cannot_be_filtered_on(
    client: httpx.AsyncClient, make_account: Any
) -> None:
    alice, bob = await make_account(), await make_account()
    field = await create_id(client, alice, "custom_fields", name="amount", data_type="integer")

    response = await client.get(
        "/api/v1/documents",
        params={"custom_field": f"{field}:exists:true"},
        headers=bob.headers,
    )

    problem = assert_problem(response, 422)
    assert "no such field" in problem["detail"]


# What list items carry ---------------------------------------------------------------


# Strict about warnings: a value that does not fit the declared response model is
# serialised "as is" with only a warning, which would hide a wrong answer.
@pytest.mark.filterwarnings("error::UserWarning")
async def test_list_items_carry_tags_correspondent_type_and_custom_field_values(
    client: httpx.AsyncClient, corpus: Corpus
) -> None:
    page = await search(client, corpus.owner, sort="added", limit=1)

    (item,) = page["items"]
    assert item["id"] == corpus.docs["d1"]
    assert item["tags"] == [corpus.tags["green"], corpus.tags["red"]]  # by tag name
    assert item["correspondent"] == corpus.correspondents["acme"]
    assert item["document_type"] == corpus.types["bill"]
    assert item["custom_fields"] == [
        {"field": corpus.amount, "name": "amount", "data_type": "integer", "value": 100}
    ]
