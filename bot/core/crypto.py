"""Encryption of sensitive fields and keyed hashes for looking them up.

Values are encrypted with Fernet under the first configured key and decrypted with
any of them, so a key can be rotated by putting the new key first. Lookups (by phone
number, by Telegram chat id) use an HMAC "blind index" so that no clear value is
needed in a WHERE clause; the index is computed under every key, so lookups keep
working while a rotation is under way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator


class Keyring:
    def __init__(self, keys: tuple[str, ...]):
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self.keys = keys
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        self._index_keys = [
            hmac.new(base64.urlsafe_b64decode(k), b"mashwara blind index", hashlib.sha256).digest()
            for k in keys
        ]

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("a stored value cannot be decrypted with these keys") from None

    def rotate(self, token: str) -> str:
        return self._fernet.rotate(token.encode()).decode()

    def blind_index(self, value: str) -> str:
        return self._hash(self._index_keys[0], value)

    def blind_indexes(self, value: str) -> list[str]:
        """The index of `value` under every key, for lookups during a rotation."""
        return [self._hash(key, value) for key in self._index_keys]

    @staticmethod
    def _hash(key: bytes, value: str) -> str:
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:40]


_keyring: Keyring | None = None


def configure(keys: tuple[str, ...]) -> Keyring:
    global _keyring
    _keyring = Keyring(keys)
    return _keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise RuntimeError("encryption keys are not configured; call bot.core.crypto.configure()")
    return _keyring


class Encrypted(TypeDecorator):
    """A text column stored encrypted; Python code sees clear text."""

    impl = Text
    cache_ok = True
    # Key rotation (bot.store.keys) re-encrypts every column of a type that says so.
    uses_keyring = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON value stored encrypted: a shared location, a media link, session state."""

    impl = Text
    cache_ok = True
    uses_keyring = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(json.dumps(value))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(keyring().decrypt(value))


BlindIndex = String(40)
