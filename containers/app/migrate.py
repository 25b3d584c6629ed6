#!/opt/venv/bin/python3
"""hotline-migrate: wait for the database, migrate it to the latest revision, seed the starting
resources into an empty one. Safe to run again, and from several app instances starting at
once: on PostgreSQL they take turns under an advisory lock.
"""

from __future__ import annotations

import os
import sys
import time

from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from webhooks import create_app
from webhooks.extensions import db
from webhooks.services.resources import seed_resources

LOCK_ID = 7_000_013  # any constant: the key of the migration's advisory lock


def main() -> None:
    app = create_app()
    with app.app_context():
        deadline = time.monotonic() + float(os.environ.get("MIGRATE_WAIT_SECONDS", "120"))
        while True:
            try:
                connection = db.engine.connect()
                break
            except OperationalError as exc:
                if time.monotonic() > deadline:
                    sys.exit(f"database not reachable: {exc.orig}")
                time.sleep(2)
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": LOCK_ID})
        try:
            upgrade()
            count = seed_resources()
            db.session.commit()
            print(f"migrated; seeded {count} resources" if count else "migrated")
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
            connection.close()


if __name__ == "__main__":
    main()
