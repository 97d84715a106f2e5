"""Statements that keep the search index current, and the tsqueries that match it: a
stored `tsvector` per document (GIN-indexed) over the title (weight A), file name (B),
notes (C) and text (D).

Each vector holds the words as written, accents folded (configuration `paless_simple`),
and, where they differ, their stems in the document's language (`paless_<language>`):
a query matches either, so "invoices" finds "invoice" while codes and names still
match exactly. A query is stemmed in each language documents are in, and the stems
of a language match only documents in that language (`matches`)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, bindparam, cast, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Document

# Characters of extracted text that go into the index and that snippets are cut from
# (a tsvector is limited to 1 MB; 300,000 characters is about a hundred dense pages).
SEARCH_CONTENT_CHARS = 300_000

EXACT = "paless_simple"
# Tesseract's language codes (what OCR records) as text search configurations.
TESSERACT = {
    "eng": "english",
    "deu": "german",
    "fra": "french",
    "spa": "spanish",
    "ita": "italian",
    "nld": "dutch",
    "por": "portuguese",
    "swe": "swedish",
    "dan": "danish",
    "nor": "norwegian",
    "fin": "finnish",
    "rus": "russian",
}
# A number standing alone in a query ("4712"): the parser reads the number of a code
# such as "KD-4712" as a signed integer ("-4712"), so the query asks for either.
_NUMBER = re.compile(r"(?<![\w.,/-])\d+(?![\w.,/-])")


def resolved(language: str) -> str:
    """A document's language (a configuration name or a Tesseract code) as the name of
    the language its words are stemmed in."""
    return TESSERACT.get(language, language)


@dataclass(frozen=True)
class Languages:
    """The languages a query is stemmed in: the setting's (documents with none of their
    own) and those of documents indexed in another one (`search_corpus.languages`)."""

    default: str
    others: tuple[str, ...] = ()

    def codes(self, language: str) -> list[str]:
        """The values of `documents.language` that mean this language."""
        return [language, *(code for code, name in TESSERACT.items() if name == language)]


def stemming(language: str) -> str:
    """The accent-folding configuration that stems words of this language."""
    return EXACT if language == "simple" else f"paless_{language}"


def config(language: str) -> Any:
    """The configuration that stems words of `language`, as a value of type regconfig.

    A bind parameter of that type (not a text one cast to it) is a constant of the
    plan (statements of a search are planned with their values, `find_rows`), so that
    a tsquery made from it and `q` is computed once when the statement is planned; a
    cast from text is a function call, and every function of it is then computed again
    for each row (the tsquery in a filter, each snippet's)."""
    return literal(stemming(language), REGCONFIG)


def regconfig(language: str) -> Any:
    """The exact-form configuration for snippets (stems are matched by `tsquery`)."""
    return config(language)


def numbers_of(q: str) -> list[str]:
    """The numbers standing alone in `q`, each once (see `_NUMBER`)."""
    return list(dict.fromkeys(_NUMBER.findall(q)))


def number_parameters(q: str, prefix: str = "") -> dict[str, str]:
    """The values of the bind parameters `bound_numbers(len(numbers_of(q)), prefix)`
    names."""
    parameters: dict[str, str] = {}
    for n, number in enumerate(numbers_of(q)):
        parameters[f"{prefix}number_{n}"] = f"'{number}'"
        parameters[f"{prefix}signed_{n}"] = f"'{number}' | '-{number}'"
    return parameters


def bound_numbers(count: int, prefix: str = "") -> list[tuple[Any, Any]]:
    """For a statement built once with `q` as a bind parameter: the rewrites of its
    `count` numbers, as bind parameters (values from `number_parameters`)."""
    return [
        (
            cast(bindparam(f"{prefix}number_{n}", type_=Text), TSQUERY),
            cast(bindparam(f"{prefix}signed_{n}", type_=Text), TSQUERY),
        )
        for n in range(count)
    ]


def _form(q: Any, language: str, numbers: Sequence[tuple[Any, Any]] | None = None) -> Any:
    """`q` (web-search syntax) in one configuration; a number standing alone also
    matches it with a sign (the number part of a code). `numbers`: the rewrites when
    `q` is not a string (`bound_numbers`)."""
    query = func.websearch_to_tsquery(config(language), q)
    if isinstance(q, str):
        numbers = [
            (
                cast(literal(f"'{number}'"), TSQUERY),
                cast(literal(f"'{number}' | '-{number}'"), TSQUERY),
            )
            for number in numbers_of(q)
        ]
    for number, signed in numbers or ():
        query = func.ts_rewrite(query, number, signed)
    return query


def tsquery(
    q: Any, language: str | Languages, numbers: Sequence[tuple[Any, Any]] | None = None
) -> Any:
    """`q` (web-search syntax) as a tsquery that matches the words as written (accents
    folded) or their stems in the language(s), in any document. `numbers`: see
    `_form`."""
    languages = language if isinstance(language, Languages) else Languages(language)
    query = _form(q, "simple", numbers)
    for name in (languages.default, *languages.others):
        if name != "simple":
            query = query.op("||")(_form(q, name, numbers))
    return query


def matches(
    q: Any, languages: Languages, vector: Any = Document.search_vector, *, opaque: bool = False
) -> Any:
    """Whether a document's vector matches `q`: its words as written, or their stems in
    the document's own language. With documents in the setting's language only, one
    index condition; otherwise one per language, each restricted to the documents in
    it (the language column is read, never another vector).

    `opaque`: each tsquery as a value computed once (an InitPlan), which the planner
    cannot see into; it then takes the word for a rare one (its default estimate) and
    answers the condition from the GIN index, ANDed with the other indexed conditions
    (a tag filter's), rather than testing the word on each row: testing reads the row's
    vector (TOAST, a few KB), answering from the index reads none. With the word's real
    frequency, the planner costs that test as one operator call and, for a common word,
    reads every tagged document's vector."""

    def query(form: Any) -> Any:
        return select(form).scalar_subquery() if opaque else form

    if not languages.others:
        return vector.bool_op("@@")(query(tsquery(q, languages.default)))
    alternatives: list[ColumnElement[bool]] = [vector.bool_op("@@")(query(_form(q, "simple")))]
    for name in (languages.default, *languages.others):
        if name == "simple":
            continue
        of_language: ColumnElement[bool] = Document.language.in_(languages.codes(name))
        if name == languages.default:
            of_language = or_(Document.language.is_(None), of_language)
        alternatives.append(and_(of_language, vector.bool_op("@@")(query(_form(q, name)))))
    return or_(*alternatives)


_REFRESH = text(
    """
    UPDATE documents AS d SET search_vector = v.exact || ts_delete(
            v.stemmed, tsvector_to_array(v.exact))
    FROM (
        SELECT x.id,
            setweight(to_tsvector('paless_simple', x.title), 'A')
            || setweight(to_tsvector('paless_simple', x.original_filename), 'B')
            || setweight(to_tsvector('paless_simple', x.notes), 'C')
            || setweight(to_tsvector('paless_simple', x.content), 'D') AS exact,
            CASE WHEN x.config = CAST('paless_simple' AS regconfig) THEN ''::tsvector ELSE
                setweight(to_tsvector(x.config, x.title), 'A')
                || setweight(to_tsvector(x.config, x.original_filename), 'B')
                || setweight(to_tsvector(x.config, x.notes), 'C')
                || setweight(to_tsvector(x.config, x.content), 'D') END AS stemmed
        FROM (
            SELECT d.id, d.title, d.original_filename,
                -- A language without a stemmer here (say OCR's `chi_sim`): words as written.
                coalesce((SELECT CAST(c.oid AS regconfig) FROM pg_ts_config c
                          WHERE c.cfgname = 'paless_' || l.name),
                         CAST('paless_simple' AS regconfig)) AS config,
                coalesce((SELECT string_agg(n.text, ' ') FROM notes n
                          WHERE n.document_id = d.id), '') AS notes,
                left(coalesce(d.content, ''), :limit) AS content
            FROM documents d,
                LATERAL (SELECT coalesce(CAST(:codes AS jsonb) ->> coalesce(d.language, :language),
                                         coalesce(d.language, :language)) AS name) AS l
            WHERE d.id = ANY(:ids)
        ) AS x
    ) AS v
    WHERE d.id = v.id
    """
)


# A language no document was indexed in before joins the corpus's languages (the row
# is written, and locked, only then).
_NEW_LANGUAGES = text(
    """
    INSERT INTO search_corpus AS c (id, documents, average_length, languages)
    SELECT 1, 0, 0, n.names
    FROM (
        SELECT array_agg(DISTINCT x.name) AS names
        FROM (SELECT coalesce(CAST(:codes AS jsonb) ->> d.language, d.language) AS name
              FROM documents d WHERE d.id = ANY(:ids) AND d.language IS NOT NULL) AS x
        WHERE x.name <> :language
          AND EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'paless_' || x.name)
          AND x.name <> ALL(coalesce((SELECT languages FROM search_corpus WHERE id = 1), '{}'))
    ) AS n
    WHERE n.names IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET languages = ARRAY(
        SELECT DISTINCT name FROM unnest(c.languages || excluded.languages) AS name)
    """
)


async def refresh(session: AsyncSession, document_ids: Sequence[uuid.UUID], language: str) -> None:
    """Recompute the search vectors of these documents."""
    parameters = {
        "language": language,
        "limit": SEARCH_CONTENT_CHARS,
        "ids": list(document_ids),
        "codes": json.dumps(TESSERACT),
    }
    await session.execute(_REFRESH, parameters)
    await session.execute(
        _NEW_LANGUAGES, {key: parameters[key] for key in ("language", "ids", "codes")}
    )


async def document_ids_after(
    session: AsyncSession, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """Every document's id (trashed too), in id order, a batch at a time."""
    statement = select(Document.id).order_by(Document.id).limit(limit)
    if after is not None:
        statement = statement.where(Document.id > after)
    return list((await session.execute(statement)).scalars())
