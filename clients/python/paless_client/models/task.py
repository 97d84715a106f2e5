from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_status import TaskStatus, check_task_status

if TYPE_CHECKING:
    from ..models.task_result_type_0 import TaskResultType0


T = TypeVar("T", bound="Task")


@_attrs_define
class Task:
    """
    Attributes:
        id (UUID):
        kind (str):
        status (TaskStatus):
        document_id (None | UUID):
        attempts (int): Runs started so far, retries included.
        last_error (None | str): Why the last run failed, if it did.
        result (None | TaskResultType0):
        worker_id (None | str): The worker process that ran it last.
        enqueued_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        pages_done (int | None): Pages OCRed so far, while a document's pages are out to OCR.
        pages_total (int | None): Pages to OCR in all, once the document's pages went out to OCR.
    """

    id: UUID
    kind: str
    status: TaskStatus
    document_id: None | UUID
    attempts: int
    last_error: None | str
    result: None | TaskResultType0
    worker_id: None | str
    enqueued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    pages_done: int | None
    pages_total: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_result_type_0 import TaskResultType0  # noqa: PLC0415

        id = str(self.id)

        kind = self.kind

        status: str = self.status

        document_id: None | str
        if isinstance(self.document_id, UUID):
            document_id = str(self.document_id)
        else:
            document_id = self.document_id

        attempts = self.attempts

        last_error: None | str
        last_error = self.last_error

        result: dict[str, Any] | None
        if isinstance(self.result, TaskResultType0):
            result = self.result.to_dict()
        else:
            result = self.result

        worker_id: None | str
        worker_id = self.worker_id

        enqueued_at = self.enqueued_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        pages_done: int | None
        pages_done = self.pages_done

        pages_total: int | None
        pages_total = self.pages_total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "status": status,
                "document_id": document_id,
                "attempts": attempts,
                "last_error": last_error,
                "result": result,
                "worker_id": worker_id,
                "enqueued_at": enqueued_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "pages_done": pages_done,
                "pages_total": pages_total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_result_type_0 import TaskResultType0  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        status = check_task_status(d.pop("status"))

        def _parse_document_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                document_id_type_0 = UUID(data)

                return document_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        document_id = _parse_document_id(d.pop("document_id"))

        attempts = d.pop("attempts")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_result(data: object) -> None | TaskResultType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = TaskResultType0.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskResultType0, data)

        result = _parse_result(d.pop("result"))

        def _parse_worker_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        worker_id = _parse_worker_id(d.pop("worker_id"))

        enqueued_at = datetime.datetime.fromisoformat(d.pop("enqueued_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_pages_done(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pages_done = _parse_pages_done(d.pop("pages_done"))

        def _parse_pages_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pages_total = _parse_pages_total(d.pop("pages_total"))

        task = cls(
            id=id,
            kind=kind,
            status=status,
            document_id=document_id,
            attempts=attempts,
            last_error=last_error,
            result=result,
            worker_id=worker_id,
            enqueued_at=enqueued_at,
            started_at=started_at,
            finished_at=finished_at,
            pages_done=pages_done,
            pages_total=pages_total,
        )

        task.additional_properties = d
        return task

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
