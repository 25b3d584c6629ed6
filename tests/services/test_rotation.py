"""`flask rotate-keys`: every encrypted column (found by walking the models), every look-up
hash and every tombstone move to the new keys; with the old keys dropped, everything reads."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import LargeBinary, func, select, type_coerce

from tests.console.helpers import make_staff
from webhooks.crypto import EncryptedText, generate_key, generate_secret, vault
from webhooks.extensions import db
from webhooks.models import (
    Conversation,
    ErasureJob,
    ErasureKind,
    Message,
    Note,
    ScreeningAnswer,
    StaffUser,
)
from webhooks.services.privacy import erase_texter
from webhooks.services.rotation import encrypted_columns
from webhooks.services.texters import find_or_create_texter, find_texter

BLOCKED = "+15550007777"


def _fill(app, phone):
    """At least one row with a value in every encrypted column there is."""
    phone.send("before rotation")
    make_staff(app, "ada", "admin", totp=True, pending_totp_secret="JBSWY3DPEHPK3PXP")
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        db.session.add(Note(conversation_id=conversation.id, body="a staff note"))
        db.session.add(
            ScreeningAnswer(conversation_id=conversation.id, question="id_taken", answer="yes")
        )
        db.session.add(ErasureJob(kind=ErasureKind.TWILIO_NUMBER, phone="+15550001234"))
        blocked = find_or_create_texter(BLOCKED)
        blocked.blocked = True
        db.session.flush()
        erase_texter(blocked, actor="system")  # leaves a tombstone
        db.session.commit()


def test_every_encrypted_column_of_every_table_is_found():
    declared = {
        (table.name, column.name)
        for table in db.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    }
    found = {(table.name, column) for table, column in encrypted_columns()}
    assert found == declared
    assert {
        ("texter", "phone"),
        ("message", "body"),
        ("note", "body"),
        ("staff_user", "totp_secret"),
        ("staff_user", "pending_totp_secret"),
        ("screening_answer", "answer"),
        ("erasure_job", "phone"),
    } <= found


def test_rotate_then_drop_the_old_keys_and_read_every_kind_of_row(app, phone, runner):
    _fill(app, phone)
    old_keys, old_hash = app.config["HOTLINE_ENCRYPTION_KEYS"], app.config["HOTLINE_HASH_KEY"]
    new_key, new_hash = generate_key(), generate_secret()
    try:
        with app.app_context():
            for table, column in encrypted_columns():  # the test covers every column there is
                filled = select(func.count()).where(table.c[column].is_not(None))
                assert db.session.scalar(filled.select_from(table)), f"{table.name}.{column}"
        vault.configure(f"{new_key},{old_keys}", f"{new_hash},{old_hash}")
        with app.app_context():  # during the window both hash keys find the texter
            assert find_texter(phone.number) is not None
            db.session.rollback()
        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 0, result.output
        assert "re-hashed 1 numbers, re-keyed 1 tombstones" in result.output

        vault.configure(new_key, new_hash)  # the old keys are gone
        with app.app_context():
            only_new = Fernet(new_key.encode())
            for table, column in encrypted_columns():
                raw = select(type_coerce(table.c[column], LargeBinary)).where(
                    table.c[column].is_not(None)
                )
                for token in db.session.scalars(raw):
                    only_new.decrypt(bytes(token))  # raises if any value kept the old key
            assert db.session.scalars(select(Message.body).order_by(Message.id)).first() == (
                "before rotation"
            )
            assert find_texter(phone.number).phone == phone.number
            assert db.session.scalars(select(Note.body)).one() == "a staff note"
            assert db.session.scalars(select(ScreeningAnswer.answer)).one() == "yes"
            admin = db.session.scalars(select(StaffUser)).one()
            assert len(admin.totp_secret) == 32 and admin.pending_totp_secret == "JBSWY3DPEHPK3PXP"
            assert db.session.scalars(select(ErasureJob.phone)).first() == "+15550001234"
            # The tombstone, re-keyed without the number, still recognises it.
            assert find_or_create_texter(BLOCKED).blocked
            db.session.rollback()
    finally:
        vault.configure(old_keys, old_hash)
