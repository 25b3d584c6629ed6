"""Encryption at rest (numbers, message bodies, notes, screening answers, two-factor secrets),
keyed hashes for look-up, and re-keyable pseudonyms for tombstones."""

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
        self._hash_keys: list[bytes] = []

    def init_app(self, app: Any) -> None:
        self.configure(app.config["HOTLINE_ENCRYPTION_KEYS"], app.config["HOTLINE_HASH_KEY"])
        app.extensions["vault"] = self

    def configure(self, encryption_keys: str, hash_key: str) -> None:
        keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
        if not keys:
            raise RuntimeError("HOTLINE_ENCRYPTION_KEYS is not set (run `flask dev-secrets`)")
        hash_keys = [k.strip().encode() for k in hash_key.split(",") if k.strip()]
        if not hash_keys:
            raise RuntimeError("HOTLINE_HASH_KEY is not set (run `flask dev-secrets`)")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        # Like the encryption keys: the first hashes, all are accepted (the rotation window).
        self._hash_keys = hash_keys

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

    def lookup_hash(self, value: str, key_index: int = 0) -> str:
        """Keyed hash: equal inputs match, and the database alone cannot reverse it."""
        key = self._hash_keys[key_index]
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def lookup_hashes(self, value: str) -> list[str]:
        """The hash under every configured key, current first: what a look-up accepts."""
        return [self.lookup_hash(value, i) for i in range(len(self._hash_keys))]

    @property
    def hash_key_count(self) -> int:
        return len(self._hash_keys)

    def hash_key_id(self, key_index: int = 0) -> str:
        """A short public name for a hash key (which key made a stored tag), not the key."""
        return hmac.new(self._hash_keys[key_index], b"key id", hashlib.sha256).hexdigest()[:16]

    def _tag_exponent(self, key_index: int) -> int:
        digest = hmac.new(self._hash_keys[key_index], b"tombstone", hashlib.sha512).digest()
        return int.from_bytes(digest, "big") % (_Q - 1) + 1

    def tombstone_tags(self, value: str) -> list[str]:
        """The number's tombstone tag under every configured key, current first.

        ``H(number) ** k mod p`` in the prime-order subgroup of RFC 3526's 2048-bit group:
        keyed like the look-up hash (equal numbers match, the table alone reveals nothing),
        and, unlike an HMAC, re-keyable without the number (``retag``).
        """
        base = _hash_to_group(value)
        return [
            format(pow(base, self._tag_exponent(i), _P), "x") for i in range(self.hash_key_count)
        ]

    def retag(self, tag: str, key_index: int) -> str:
        """A tag made under key ``key_index``, re-keyed to the current (first) key."""
        factor = self._tag_exponent(0) * pow(self._tag_exponent(key_index), -1, _Q) % _Q
        return format(pow(int(tag, 16), factor, _P), "x")


# RFC 3526, group 14: p is a safe prime (p = 2q + 1); squares mod p form the subgroup of order q.
_P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0B"
    "FF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55"
    "D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C"
    "08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
    16,
)
_Q = (_P - 1) // 2


def _hash_to_group(value: str) -> int:
    digest = hashlib.shake_256(b"hotline-tombstone:" + value.encode("utf-8")).digest(272)
    return pow(int.from_bytes(digest, "big") % _P, 2, _P)


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
