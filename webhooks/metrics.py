"""Prometheus metrics: counts, timings and queue figures, never a phone number or a text.

Labels take values from small fixed sets (author, reason, state, risk). Under gunicorn with
several workers, prometheus-client's multiprocess mode is on (``gunicorn.conf.py`` sets
``PROMETHEUS_MULTIPROC_DIR`` before any worker imports this), and a scrape answered by any
worker adds up every worker's figures.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState
from webhooks.models.base import utcnow

MESSAGES_IN = Counter("hotline_messages_in", "Inbound texts stored (repeated deliveries excluded)")
MESSAGES_OUT = Counter(
    "hotline_messages_out", "Outbound texts, by author and channel", ["author", "channel"]
)
ENGINE_LATENCY = Histogram(
    "hotline_engine_latency_seconds",
    "Time the dialogue engine took to answer one text (failures included)",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15),
)
ENGINE_FAILURES = Counter(
    "hotline_engine_failures", "Engine calls that failed, by reason", ["reason"]
)
SAFETY_REPLIES = Counter(
    "hotline_safety_replies", "Safety replies sent (engine or app failed), by reason", ["reason"]
)
DANGER_UNSURE = Counter(
    "hotline_danger_unsure_lines",
    "Replies given the emergency number because the danger net was close to its bar",
)
SEND_FAILURES = Counter(
    "hotline_outbound_send_failures", "REST sends that failed for good, by reason", ["reason"]
)
SEND_RETRIES = Counter("hotline_outbound_send_retries", "REST send attempts that were retried")

QUEUED_STATES = (ConversationState.WAITING_FOR_STAFF, ConversationState.WITH_STAFF)


class QueueCollector(Collector):
    """Queue length and oldest wait per state and risk, read from the database at scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        length = GaugeMetricFamily(
            "hotline_queue_length",
            "Conversations with or waiting for staff",
            labels=["state", "risk"],
        )
        oldest = GaugeMetricFamily(
            "hotline_queue_oldest_wait_seconds",
            "Seconds since the longest-waiting conversation was queued",
            labels=["state", "risk"],
        )
        rows = db.session.execute(
            select(
                Conversation.state,
                Conversation.risk,
                func.count(),
                func.min(Conversation.queued_at),
            )
            .where(Conversation.state.in_(QUEUED_STATES))
            .group_by(Conversation.state, Conversation.risk)
        ).all()
        now = utcnow()
        for state, risk, count, first in rows:
            labels = [str(state.value), str(risk.value)]
            length.add_metric(labels, count)
            oldest.add_metric(labels, _seconds_since(first, now))
        yield length
        yield oldest


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max(0.0, (now - moment).total_seconds())


def exposition() -> tuple[bytes, str]:
    """Everything this app (all its workers) has counted, plus the queue, as Prometheus text."""
    registry = CollectorRegistry()
    registry.register(QueueCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    # One process (flask run, tests): the default registry holds the counters.
    return generate_latest(REGISTRY) + generate_latest(registry), CONTENT_TYPE_LATEST
