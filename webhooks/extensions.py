"""Extensions created once here and bound to the app in the factory."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(connection: Any, record: Any) -> None:
    """SQLite ignores ON DELETE CASCADE unless asked: erasure must reach every row.

    WAL lets every app worker read while one of them writes
    (without it, concurrent texts queue behind SQLite's lock for whole seconds).
    """
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode, NORMAL syncs at checkpoints rather than on every commit: a commit survives
        # the process dying (kill -9) and cannot corrupt the file; only a power cut or OS crash
        # can lose the last commits. Every commit syncing cost ~25 ms here and serialised all
        # writers behind the disk. PostgreSQL (production) keeps its own, stricter durability.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
