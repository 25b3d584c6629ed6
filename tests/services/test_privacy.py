"""Numbers and bodies unreadable at rest; keys rotate; retention purges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import LargeBinary, func, select, type_coerce

from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import Conversation, Message, Texter
from webhooks.models.base import utcnow
from webhooks.services.privacy import purge_inactive_conversations


def test_no_phone_number_or_message_text_is_readable_in_the_database_file(app, phone, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("reads the SQLite file itself")
    phone.number = "+15557654321"
    phone.send("my boss keeps my passport in his office")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    # The database and any write-ahead log beside it.
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("hotline.db*"))
    assert raw
    for secret in ("5557654321", "passport", "automatic helper"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw
    with app.app_context():  # and the app itself still reads them
        assert db.session.scalars(select(Texter)).one().phone == "+15557654321"


def test_no_plaintext_in_postgresql_either(app, phone):
    phone.send("secret words here")
    with app.app_context():
        raw = db.session.execute(select(type_coerce(Message.body, LargeBinary))).scalars().all()
        assert raw and all(b"secret" not in bytes(value) for value in raw)


def test_texters_are_found_by_keyed_hash(app, phone):
    phone.send("one")
    phone.send("two")
    with app.app_context():
        texter = db.session.scalars(select(Texter)).one()
        assert texter.phone_hash == vault.lookup_hash(phone.number)
        assert phone.number not in texter.phone_hash
        assert texter.masked_phone.endswith("4567") and "555123" not in texter.masked_phone


def test_purge_removes_only_conversations_inactive_long_ago(app, phone):
    phone.send("hello")
    from tests.conftest import Phone

    Phone(app.test_client(), "+15550009999").send("hi")
    with app.app_context():
        old, recent = db.session.scalars(select(Conversation).order_by(Conversation.id)).all()
        old.created_at = utcnow() - timedelta(days=91)
        for message in old.messages:
            message.created_at = utcnow() - timedelta(days=91)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "purged 1 conversations inactive for more than 90 days" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1
        assert db.session.scalar(select(func.count()).select_from(Texter)) == 1
        assert purge_inactive_conversations(0) == 1
