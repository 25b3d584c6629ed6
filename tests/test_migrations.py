"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from webhooks.extensions import db


def test_upgrade_matches_the_models_and_downgrades_cleanly(app):
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_0003_encrypts_the_screening_answers_already_stored(app):
    """Existing answers are carried across, encrypted, and come back on downgrade."""
    from sqlalchemy import LargeBinary, select, text, type_coerce

    from webhooks.models import ScreeningAnswer

    with app.app_context():
        db.drop_all()
        upgrade(revision="0002")
        db.session.execute(
            text(
                "INSERT INTO texter (id, phone_hash, phone, opted_out, blocked, created_at) "
                "VALUES (1, 'h', :phone, false, false, CURRENT_TIMESTAMP)"
            ),
            {"phone": b"x"},
        )
        db.session.execute(
            text(
                "INSERT INTO conversation (id, engine_id, texter_id, state, risk, minor,"
                " created_at, updated_at) VALUES (1, 'c-1', 1, 'with_bot', 'none', false,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO screening_answer (conversation_id, question, answer, answered_at)"
                " VALUES (1, 'id_taken', 'yes', CURRENT_TIMESTAMP),"
                " (1, 'can_leave', 'no', CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        upgrade(revision="0003")
        raw = db.session.scalars(select(type_coerce(ScreeningAnswer.answer, LargeBinary))).all()
        assert raw and all(b"yes" not in bytes(v) and b"no" != bytes(v) for v in raw)
        rows = db.session.execute(select(ScreeningAnswer.question, ScreeningAnswer.answer))
        answers = {question: answer for question, answer in rows}
        assert answers == {"id_taken": "yes", "can_leave": "no"}
        db.session.commit()
        downgrade(revision="0002")
        plain = db.session.execute(text("SELECT question, answer FROM screening_answer"))
        assert {q: a for q, a in plain} == {"id_taken": "yes", "can_leave": "no"}
        db.session.commit()
        downgrade(revision="base")
