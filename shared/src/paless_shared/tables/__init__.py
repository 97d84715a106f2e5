"""The tables: SQLAlchemy models of everything Postgres keeps, one module per domain.

A layer between the platform and the domains. Tables import only the platform (never
a domain), so any domain's queries may join any table without making domains depend
on each other. Importing this package registers every table on `Base.metadata`
(what Alembic compares against).
"""

from paless_shared.tables.access import Grant, Permission
from paless_shared.tables.accounts import ApiToken, Group, GroupMember, User
from paless_shared.tables.audit import AuditEvent
from paless_shared.tables.documents import Document, DocumentStatus, Note, Upload, UploadStatus
from paless_shared.tables.organisation import (
    Correspondent,
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    DocumentType,
    MatchingAlgorithm,
    Tag,
    document_tags,
)
from paless_shared.tables.saved_views import SavedView
from paless_shared.tables.search import SearchCorpus, SearchTerm
from paless_shared.tables.sharing import ShareLink
from paless_shared.tables.tasks import Task, TaskStatus
from paless_shared.tables.versions import DocumentPage, DocumentVersion, ProcessingRun, RunStatus

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Correspondent",
    "CustomField",
    "CustomFieldType",
    "CustomFieldValue",
    "Document",
    "DocumentPage",
    "DocumentStatus",
    "DocumentType",
    "DocumentVersion",
    "Grant",
    "Group",
    "GroupMember",
    "MatchingAlgorithm",
    "Note",
    "Permission",
    "ProcessingRun",
    "RunStatus",
    "SavedView",
    "SearchCorpus",
    "SearchTerm",
    "ShareLink",
    "Tag",
    "Task",
    "TaskStatus",
    "Upload",
    "UploadStatus",
    "User",
    "document_tags",
]
