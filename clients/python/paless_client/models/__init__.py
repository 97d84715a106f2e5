"""Contains all the data models used in inputs/outputs"""

from .api_token import ApiToken
from .api_token_create import ApiTokenCreate
from .api_token_created import ApiTokenCreated
from .api_token_page import ApiTokenPage
from .audit_event import AuditEvent
from .audit_event_details import AuditEventDetails
from .audit_page import AuditPage
from .auth_token_data_token_request import AuthTokenDataTokenRequest
from .auth_token_json_token_request import AuthTokenJsonTokenRequest
from .bulk_add_tags import BulkAddTags
from .bulk_delete import BulkDelete
from .bulk_remove_tags import BulkRemoveTags
from .bulk_result import BulkResult
from .bulk_set_correspondent import BulkSetCorrespondent
from .bulk_set_custom_field import BulkSetCustomField
from .bulk_set_document_type import BulkSetDocumentType
from .correspondent import Correspondent
from .correspondent_create import CorrespondentCreate
from .correspondent_page import CorrespondentPage
from .correspondent_update import CorrespondentUpdate
from .custom_field import CustomField
from .custom_field_create import CustomFieldCreate
from .custom_field_create_extra_data import CustomFieldCreateExtraData
from .custom_field_extra_data import CustomFieldExtraData
from .custom_field_input import CustomFieldInput
from .custom_field_page import CustomFieldPage
from .custom_field_type import CustomFieldType
from .custom_field_update import CustomFieldUpdate
from .custom_field_update_extra_data_type_0 import CustomFieldUpdateExtraDataType0
from .custom_field_value import CustomFieldValue
from .direct_upload import DirectUpload
from .direct_upload_fields import DirectUploadFields
from .document import Document
from .document_page import DocumentPage
from .document_pdf_metadata_type_0 import DocumentPdfMetadataType0
from .document_status import DocumentStatus
from .document_summary import DocumentSummary
from .document_type import DocumentType
from .document_type_create import DocumentTypeCreate
from .document_type_page import DocumentTypePage
from .document_type_update import DocumentTypeUpdate
from .document_update import DocumentUpdate
from .documents_download_disposition import DocumentsDownloadDisposition
from .documents_download_rendition_type_0 import DocumentsDownloadRenditionType0
from .documents_upload_document_upload import DocumentsUploadDocumentUpload
from .documents_upload_document_upload_ocr_mode import DocumentsUploadDocumentUploadOcrMode
from .grantees import Grantees
from .group import Group
from .group_create import GroupCreate
from .group_page import GroupPage
from .group_summary import GroupSummary
from .group_update import GroupUpdate
from .health import Health
from .health_checks import HealthChecks
from .matching_algorithm import MatchingAlgorithm
from .note import Note
from .note_create import NoteCreate
from .note_list import NoteList
from .object_permissions import ObjectPermissions
from .ocr_request import OcrRequest
from .ocr_request_mode_type_0 import OcrRequestModeType0
from .operations_queue_depth_queue import OperationsQueueDepthQueue
from .password_change import PasswordChange
from .problem import Problem
from .problem_errors_type_0_item import ProblemErrorsType0Item
from .purged import Purged
from .queue_depth import QueueDepth
from .saved_view import SavedView
from .saved_view_create import SavedViewCreate
from .saved_view_create_display import SavedViewCreateDisplay
from .saved_view_create_filters import SavedViewCreateFilters
from .saved_view_display import SavedViewDisplay
from .saved_view_filters import SavedViewFilters
from .saved_view_page import SavedViewPage
from .saved_view_update import SavedViewUpdate
from .saved_view_update_display_type_0 import SavedViewUpdateDisplayType0
from .saved_view_update_filters_type_0 import SavedViewUpdateFiltersType0
from .search_hit import SearchHit
from .share_link import ShareLink
from .share_link_create import ShareLinkCreate
from .share_link_list import ShareLinkList
from .signed_url import SignedUrl
from .sort import Sort
from .suggestion import Suggestion
from .suggestions import Suggestions
from .tag import Tag
from .tag_create import TagCreate
from .tag_page import TagPage
from .tag_update import TagUpdate
from .task import Task
from .task_page import TaskPage
from .task_result_type_0 import TaskResultType0
from .task_status import TaskStatus
from .token import Token
from .upload_request import UploadRequest
from .user import User
from .user_create import UserCreate
from .user_detail import UserDetail
from .user_page import UserPage
from .user_summary import UserSummary
from .user_update import UserUpdate
from .version import Version
from .version_list import VersionList
from .version_ocr_settings_type_0 import VersionOcrSettingsType0

__all__ = (
    "ApiToken",
    "ApiTokenCreate",
    "ApiTokenCreated",
    "ApiTokenPage",
    "AuditEvent",
    "AuditEventDetails",
    "AuditPage",
    "AuthTokenDataTokenRequest",
    "AuthTokenJsonTokenRequest",
    "BulkAddTags",
    "BulkDelete",
    "BulkRemoveTags",
    "BulkResult",
    "BulkSetCorrespondent",
    "BulkSetCustomField",
    "BulkSetDocumentType",
    "Correspondent",
    "CorrespondentCreate",
    "CorrespondentPage",
    "CorrespondentUpdate",
    "CustomField",
    "CustomFieldCreate",
    "CustomFieldCreateExtraData",
    "CustomFieldExtraData",
    "CustomFieldInput",
    "CustomFieldPage",
    "CustomFieldType",
    "CustomFieldUpdate",
    "CustomFieldUpdateExtraDataType0",
    "CustomFieldValue",
    "DirectUpload",
    "DirectUploadFields",
    "Document",
    "DocumentPage",
    "DocumentPdfMetadataType0",
    "DocumentsDownloadDisposition",
    "DocumentsDownloadRenditionType0",
    "DocumentStatus",
    "DocumentSummary",
    "DocumentsUploadDocumentUpload",
    "DocumentsUploadDocumentUploadOcrMode",
    "DocumentType",
    "DocumentTypeCreate",
    "DocumentTypePage",
    "DocumentTypeUpdate",
    "DocumentUpdate",
    "Grantees",
    "Group",
    "GroupCreate",
    "GroupPage",
    "GroupSummary",
    "GroupUpdate",
    "Health",
    "HealthChecks",
    "MatchingAlgorithm",
    "Note",
    "NoteCreate",
    "NoteList",
    "ObjectPermissions",
    "OcrRequest",
    "OcrRequestModeType0",
    "OperationsQueueDepthQueue",
    "PasswordChange",
    "Problem",
    "ProblemErrorsType0Item",
    "Purged",
    "QueueDepth",
    "SavedView",
    "SavedViewCreate",
    "SavedViewCreateDisplay",
    "SavedViewCreateFilters",
    "SavedViewDisplay",
    "SavedViewFilters",
    "SavedViewPage",
    "SavedViewUpdate",
    "SavedViewUpdateDisplayType0",
    "SavedViewUpdateFiltersType0",
    "SearchHit",
    "ShareLink",
    "ShareLinkCreate",
    "ShareLinkList",
    "SignedUrl",
    "Sort",
    "Suggestion",
    "Suggestions",
    "Tag",
    "TagCreate",
    "TagPage",
    "TagUpdate",
    "Task",
    "TaskPage",
    "TaskResultType0",
    "TaskStatus",
    "Token",
    "UploadRequest",
    "User",
    "UserCreate",
    "UserDetail",
    "UserPage",
    "UserSummary",
    "UserUpdate",
    "Version",
    "VersionList",
    "VersionOcrSettingsType0",
)
