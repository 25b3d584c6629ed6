"""Key rotation: every encrypted column re-encrypted with the first key, every look-up hash and
tombstone tag re-keyed to the first hash key.

The encrypted columns are found by walking the models, so a new ``EncryptedText`` column is
rotated without anyone remembering to add it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import LargeBinary, Table, select, type_coerce

from webhooks.crypto import EncryptedText, vault
from webhooks.extensions import db
from webhooks.models import Texter, Tombstone

BATCH = 500


def encrypted_columns() -> list[tuple[Table, str]]:
    """(table, column name) for every column of every model stored as ``EncryptedText``."""
    found = []
    for mapper in db.Model.registry.mappers:  # type: ignore[attr-defined]
        table = mapper.local_table
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                found.append((table, column.name))
    return sorted(set(found), key=lambda tc: (tc[0].name, tc[1]))


@dataclass
class Rotated:
    values: int = 0
    hashes: int = 0
    tags: int = 0


def _reencrypt(table: Table, column: str) -> int:
    # Raw tokens in and out: the column's own type would decrypt and re-encrypt.
    (key,) = table.primary_key.columns
    raw = type_coerce(table.c[column], LargeBinary)
    count = 0
    last = None
    while True:
        query = select(key, raw).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = db.session.execute(query).all()
        if not rows:
            return count
        for row_id, token in rows:
            last = row_id
            if token is None:
                continue
            db.session.execute(
                table.update()
                .where(key == row_id)
                .values({column: type_coerce(vault.rotate(bytes(token)), LargeBinary)})
            )
            count += 1


def rotate_all() -> Rotated:
    """Re-key everything to the first keys; the caller commits. Old keys can go afterwards."""
    result = Rotated()
    for table, column in encrypted_columns():
        result.values += _reencrypt(table, column)
    current = vault.hash_key_id()
    for texter in db.session.scalars(select(Texter)):
        fresh = vault.lookup_hash(texter.phone)
        if texter.phone_hash != fresh:
            texter.phone_hash = fresh
            result.hashes += 1
    key_ids = {vault.hash_key_id(i): i for i in range(vault.hash_key_count)}
    for tombstone in db.session.scalars(select(Tombstone)):
        if tombstone.key_id == current:
            continue
        index = key_ids.get(tombstone.key_id)
        if index is None:
            raise RuntimeError(
                "a tombstone was made with a hash key that is no longer configured: "
                "put it back after the new one and run rotate-keys again"
            )
        tombstone.number_tag = vault.retag(tombstone.number_tag, index)
        tombstone.key_id = current
        result.tags += 1
    db.session.flush()
    return result
