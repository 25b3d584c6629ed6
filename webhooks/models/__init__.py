"""Database models: texters, conversations, messages, screening, resources, audit, staff."""

from webhooks.models.audit import AuditEvent
from webhooks.models.conversation import Conversation, ConversationState, RiskLevel
from webhooks.models.erasure import ErasureJob, ErasureKind, Tombstone
from webhooks.models.login_attempt import LoginAttempt
from webhooks.models.message import Author, Direction, Message
from webhooks.models.note import Note
from webhooks.models.operations import Closure, Disposition, HotlineSetting, OpeningHours
from webhooks.models.resource import Resource, ResourceCategory, ResourceTranslation
from webhooks.models.resource_history import ResourceChange
from webhooks.models.screening import ScreeningAnswer
from webhooks.models.staff import StaffRole, StaffUser
from webhooks.models.texter import Texter

__all__ = [
    "AuditEvent",
    "Author",
    "Closure",
    "Conversation",
    "ConversationState",
    "Direction",
    "Disposition",
    "HotlineSetting",
    "ErasureJob",
    "ErasureKind",
    "LoginAttempt",
    "Message",
    "Note",
    "OpeningHours",
    "Resource",
    "ResourceCategory",
    "ResourceChange",
    "ResourceTranslation",
    "RiskLevel",
    "ScreeningAnswer",
    "StaffRole",
    "StaffUser",
    "Texter",
    "Tombstone",
]
