"""Statements of search that match words of `q` against the names of tags,
correspondents and document types the reader may see.

Those names are not in the search index (who may see them differs by reader): a word
that names objects the reader may see also matches the documents carrying them, found
through those objects' own indexes at query time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    column,
    false,
    func,
    intersect,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view_as
from paless_shared.platform.principal import Principal
from paless_shared.search.queries.index import Languages, config, matches, tsquery
from paless_shared.search.terms import NamedObjects, disjuncts, positive, rest_texts
from paless_shared.tables import Correspondent, Document, DocumentType, Tag, document_tags

_ORGANISERS: dict[str, Any] = {
    "tag": Tag,
    "correspondent": Correspondent,
    "document_type": DocumentType,
}


@cache
def _named_statement(*, is_admin: bool, language: str) -> Any:
    """Built once per shape, with the terms and the user as bind parameters: building
    the three joins and their permission conditions was about a quarter of the web's
    time in `find_documents` for a one-word search."""
    wanted = (
        func.unnest(bindparam("terms", type_=ARRAY(Text)))
        .table_valued(column("term", Text))
        .render_derived(name="terms")
    )
    statements = [
        select(wanted.c.term, literal(kind).label("kind"), model.id)
        .select_from(wanted)
        .join(
            model,
            func.to_tsvector(config("simple"), model.name)
            .op("||")(func.to_tsvector(config(language), model.name))
            .bool_op("@@")(tsquery(wanted.c.term, language)),
        )
        .where(can_view_as(model, bindparam("user_id"), is_admin=is_admin))
        for kind, model in _ORGANISERS.items()
    ]
    return union_all(*statements)


async def named_objects(
    session: AsyncSession, principal: Principal, terms: Sequence[str], language: str
) -> dict[str, NamedObjects]:
    """For each term (without exclusion marks) that matches the name of a tag,
    correspondent or document type the principal may see: those objects' ids. One
    statement; the terms are matched as `q` matches text."""
    if not terms:
        return {}
    statement = _named_statement(is_admin=principal.is_admin, language=language)
    parameters: dict[str, Any] = {"terms": list(terms)}
    if not principal.is_admin:
        parameters["user_id"] = principal.user_id
    found: dict[str, dict[str, set[uuid.UUID]]] = {}
    for term, kind, object_id in await session.execute(statement, parameters):
        found.setdefault(term, {name: set() for name in _ORGANISERS})[kind].add(object_id)
    return {
        term: NamedObjects(
            tags=frozenset(ids["tag"]),
            correspondents=frozenset(ids["correspondent"]),
            document_types=frozenset(ids["document_type"]),
        )
        for term, ids in found.items()
    }


async def has_lexemes(session: AsyncSession, texts: Sequence[str], language: str) -> list[bool]:
    """Whether each text makes a query that can match anything (not only stop words)."""
    result = await session.execute(
        select(*(func.numnode(tsquery(text, language)) > 0 for text in texts))
    )
    return list(result.one())


def _carrying(objects: NamedObjects) -> Any:
    """Ids of the documents that carry any of these objects (from their indexes)."""
    parts: list[Any] = []
    if objects.tags:
        parts.append(
            select(document_tags.c.document_id).where(
                document_tags.c.tag_id.in_(sorted(objects.tags))
            )
        )
    if objects.correspondents:
        parts.append(
            select(Document.id).where(Document.correspondent_id.in_(sorted(objects.correspondents)))
        )
    if objects.document_types:
        parts.append(
            select(Document.id).where(Document.document_type_id.in_(sorted(objects.document_types)))
        )
    return union(*parts) if len(parts) > 1 else parts[0]


@cache
def _visible_ids_statement(model: Any, *, is_admin: bool) -> Any:
    """Built once per kind of object and reader, with the ids and the user as bind
    parameters (a tag-filtered list runs it on every page)."""
    user = bindparam("user_id", type_=UUID(as_uuid=True))
    ids = bindparam("ids", type_=ARRAY(UUID(as_uuid=True)))
    return select(model.id).where(
        model.id == any_(ids), can_view_as(model, user, is_admin=is_admin)
    )


async def visible_ids(
    session: AsyncSession, principal: Principal, model: Any, ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these tags, correspondents or document types the principal may see."""
    if not ids:
        return set()
    statement = _visible_ids_statement(model, is_admin=principal.is_admin)
    result = await session.execute(statement, {"ids": list(ids), "user_id": principal.user_id})
    return set(result.scalars())


def _matches(text: str, language: Languages, *, opaque: bool = False) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = matches(text, language, opaque=opaque)
    return condition


def _id_array(found: Sequence[Any]) -> Any:
    """The ids in every one of these sets, as one array computed once (an InitPlan):
    the documents are then fetched by primary key and only their vectors read for the
    other words. (As `IN (…)`, the planner may instead test every document's vector,
    which reads them all.)"""
    all_of: Any = intersect  # typed loosely: mypy 2.4 crashes inferring its overloads
    candidates = (all_of(*found) if len(found) > 1 else found[0]).subquery()
    # Cast, so that ANY reads one array value rather than rows of a subquery.
    return cast(select(func.array_agg(candidates.c.id)).scalar_subquery(), ARRAY(UUID))


def text_condition(
    q: str,
    named: Mapping[str, NamedObjects],
    rest_has_lexemes: Sequence[bool],
    language: Languages,
    *,
    opaque: bool = False,
) -> ColumnElement[bool]:
    """What `q` asks of a document. Without names of objects in it, the index alone
    answers (`search_vector @@ q`). Otherwise each alternative asks: each term that
    names objects, of the text or of the objects; the other terms, of the text; an
    excluded term that names objects, of neither. `rest_has_lexemes` says, per
    alternative, whether its `rest_texts` can match anything (stop words cannot).
    `opaque`: the text conditions beside the others of the statement as `matches`
    says."""
    if not named:
        return _matches(q, language, opaque=opaque)
    alternatives: list[ColumnElement[bool]] = []
    groups = disjuncts(q)
    for group, rest, rest_matches in zip(
        groups, rest_texts(groups, named), rest_has_lexemes, strict=True
    ):
        found: list[Any] = []  # id sets the documents must all be in
        excluded: list[ColumnElement[bool]] = []
        for term in group:
            objects = named.get(positive(term))
            if objects is None:
                continue
            if term.startswith("-"):
                excluded.append(Document.id.not_in(_carrying(objects)))
            else:
                text_matches = select(Document.id).where(_matches(term, language))
                found.append(union(text_matches, _carrying(objects)))
        conditions: list[ColumnElement[bool]] = []
        if found:
            conditions.append(Document.id == any_(_id_array(found)))
        if rest and rest_matches:
            conditions.append(_matches(rest, language, opaque=opaque))
        conditions.extend(excluded)
        if conditions:
            alternatives.append(and_(*conditions))
    return or_(*alternatives) if alternatives else false()
