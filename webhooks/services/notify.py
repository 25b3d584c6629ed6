"""Telling the on-call supervisor: email over SMTP and/or a JSON webhook (both optional).

What is sent says which conversation (its console id), how urgent and how long it has waited:
never a number, never message text.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

import requests
from flask import current_app

log = logging.getLogger(__name__)


def channels() -> list[str]:
    """The configured channels ("email", "webhook"): none means nobody is told."""
    config = current_app.config
    configured = []
    if config["ONCALL_EMAIL"] and config["SMTP_HOST"]:
        configured.append("email")
    if config["ONCALL_WEBHOOK_URL"]:
        configured.append("webhook")
    return configured


def oncall(subject: str, facts: dict[str, Any]) -> list[str]:
    """Send to every configured channel; returns the ones that took it. Never raises."""
    config = current_app.config
    configured = channels()
    told = []
    if "email" in configured:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = config["SMTP_FROM"]
        message["To"] = config["ONCALL_EMAIL"]
        message.set_content(
            subject + "\n\n" + "\n".join(f"{key}: {value}" for key, value in facts.items())
        )
        try:
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls()
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
                smtp.send_message(message)
            told.append("email")
        except (OSError, smtplib.SMTPException) as exc:
            log.error("on-call email not sent: %s", type(exc).__name__)
    if "webhook" in configured:
        try:
            response = requests.post(
                config["ONCALL_WEBHOOK_URL"], json={"subject": subject, **facts}, timeout=10
            )
            response.raise_for_status()
            told.append("webhook")
        except requests.RequestException as exc:
            log.error("on-call webhook not sent: %s", type(exc).__name__)
    return told
