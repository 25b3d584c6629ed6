"""Database models: texters, conversations, messages, screening, resources, audit, staff."""

from hotline.models.audit import AuditEvent
from hotline.models.conversation import Conversation, ConversationState, RiskLevel
from hotline.models.login_attempt import LoginAttempt
from hotline.models.message import Author, Direction, Message
from hotline.models.note import Note
from hotline.models.resource import Resource, ResourceCategory, ResourceTranslation
from hotline.models.resource_history import ResourceChange
from hotline.models.screening import ScreeningAnswer
from hotline.models.staff import StaffRole, StaffUser
from hotline.models.texter import Texter

__all__ = [
    "AuditEvent",
    "Author",
    "Conversation",
    "ConversationState",
    "Direction",
    "LoginAttempt",
    "Message",
    "Note",
    "Resource",
    "ResourceCategory",
    "ResourceChange",
    "ResourceTranslation",
    "RiskLevel",
    "ScreeningAnswer",
    "StaffRole",
    "StaffUser",
    "Texter",
]
