"""Database models: texters, conversations, messages, screening, resources, audit events."""

from hotline.models.audit import AuditEvent
from hotline.models.conversation import Conversation, ConversationState, RiskLevel
from hotline.models.message import Author, Direction, Message
from hotline.models.resource import Resource, ResourceCategory, ResourceTranslation
from hotline.models.screening import ScreeningAnswer
from hotline.models.texter import Texter

__all__ = [
    "AuditEvent",
    "Author",
    "Conversation",
    "ConversationState",
    "Direction",
    "Message",
    "Resource",
    "ResourceCategory",
    "ResourceTranslation",
    "RiskLevel",
    "ScreeningAnswer",
    "Texter",
]
