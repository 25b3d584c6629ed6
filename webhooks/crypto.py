"""Encryption at rest for phone numbers and message bodies, and keyed hashes for look-up."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator


class Vault:
    """Holds the keys; bound to the app in the factory (``init_app``).

    ``HOTLINE_ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys: the first encrypts,
    all decrypt, so a key can be rotated in without losing old data (``flask rotate-keys``
    then re-encrypts every row with the first key).
    """

    def __init__(self) -> None:
        self._fernet: MultiFernet | None = None
        self._hash_key: bytes = b""

    def init_app(self, app: Any) -> None:
        self.configure(app.config["HOTLINE_ENCRYPTION_KEYS"], app.config["HOTLINE_HASH_KEY"])
        app.extensions["vault"] = self

    def configure(self, encryption_keys: str, hash_key: str) -> None:
        keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
        if not keys:
            raise RuntimeError("HOTLINE_ENCRYPTION_KEYS is not set (run `flask dev-secrets`)")
        if not hash_key:
            raise RuntimeError("HOTLINE_HASH_KEY is not set (run `flask dev-secrets`)")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        self._hash_key = hash_key.encode()

    @property
    def fernet(self) -> MultiFernet:
        if self._fernet is None:
            raise RuntimeError("vault used before init_app")
        return self._fernet

    def encrypt(self, text: str) -> bytes:
        return self.fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        return self.fernet.decrypt(token).decode("utf-8")

    def rotate(self, token: bytes) -> bytes:
        return self.fernet.rotate(token)

    def lookup_hash(self, value: str) -> str:
        """Keyed hash: equal inputs match, and the database alone cannot reverse it."""
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def generate_secret(nbytes: int = 32) -> str:
    import secrets

    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode().rstrip("=")


vault = Vault()


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        return None if value is None else vault.encrypt(value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        if value is None:
            return None
        try:
            return vault.decrypt(bytes(value))
        except InvalidToken as exc:  # wrong or retired key: say so, never show ciphertext
            raise RuntimeError(
                "cannot decrypt a stored value: is the old key still configured?"
            ) from exc
