"""Encryption at rest of personal identifiers (ID numbers, phones) and their blind index.

AES-256-GCM (authenticated: a changed byte fails to decrypt instead of yielding another number),
with the column's name as associated data so a value copied into another column does not
decrypt. A stored value reads ``enc1:<key id>:<base64 of nonce + ciphertext + tag>``; the key
id lets several keys live side by side while ``manage.py rotate_field_keys`` re-encrypts.

The blind index is HMAC-SHA256 of the normalised value under a separate key, again bound to the
column, so equal numbers are found by equality without the database ever seeing a number, and
equal numbers in two tables do not share an index value.

Keys come from the environment (``LONGCHENG_FIELD_KEYS``: ``id:base64,id:base64`` — the first
encrypts, all decrypt; ``LONGCHENG_BLIND_INDEX_KEY``). Production settings refuse to start
without them; development and the demo derive fixed keys from SECRET_KEY."""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
NONCE_BYTES = 12
KEY_BYTES = 32
INDEX_HEX_CHARS = 32  # 128 bits: no collisions at city scale, half the column of a full digest


class DecryptionError(Exception):
    """A stored value that no configured key opens (wrong key, or the value was altered)."""


def generate_key_line(key_id: str) -> str:
    """A fresh key in the form LONGCHENG_FIELD_KEYS expects, for the operator to store."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def _derived(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(
        settings.SECRET_KEY.encode()
    )


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{where}: the key is not base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where}: a key must be {KEY_BYTES} bytes, got {len(key)}.")
    return key


@functools.lru_cache(maxsize=8)
def _keyring(setting: str, secret: str) -> tuple[tuple[str, bytes], ...]:
    if not setting:
        return (("dev", _derived(b"longcheng field encryption")),)
    keys = []
    for part in setting.split(","):
        key_id, sep, text = part.strip().partition(":")
        if not sep or not key_id or ":" in key_id:
            raise ImproperlyConfigured("LONGCHENG_FIELD_KEYS: each key is written id:base64.")
        keys.append((key_id, _decode_key(text, f"LONGCHENG_FIELD_KEYS key {key_id}")))
    if len({key_id for key_id, _ in keys}) != len(keys):
        raise ImproperlyConfigured("LONGCHENG_FIELD_KEYS: two keys share one id.")
    return tuple(keys)


def keyring() -> tuple[tuple[str, bytes], ...]:
    """(id, key) pairs, the current key first."""
    return _keyring(settings.LONGCHENG_FIELD_KEYS, settings.SECRET_KEY)


def current_key_id() -> str:
    return keyring()[0][0]


@functools.lru_cache(maxsize=8)
def _index_key(setting: str, secret: str) -> bytes:
    if not setting:
        return _derived(b"longcheng blind index")
    return _decode_key(setting, "LONGCHENG_BLIND_INDEX_KEY")


def encrypt(plaintext: str, column: str) -> str:
    key_id, key = keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), column.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX + ":")


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def decrypt(stored: str, column: str) -> str:
    _prefix, key_id, body = stored.split(":", 2)
    key = dict(keyring()).get(key_id)
    if key is None:
        raise DecryptionError(f"{column}: no key with id {key_id!r} is configured.")
    raw = base64.b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], column.encode()).decode()
    except Exception as exc:  # InvalidTag: wrong key or altered value
        raise DecryptionError(f"{column}: a stored value does not decrypt.") from exc


def blind_index(normalised: str, column: str) -> str:
    """The lookup value of a normalised identifier; blank stays blank (nothing to hide)."""
    if not normalised:
        return ""
    key = _index_key(settings.LONGCHENG_BLIND_INDEX_KEY, settings.SECRET_KEY)
    digest = hmac.new(key, f"{column}\x00{normalised}".encode(), hashlib.sha256).hexdigest()
    return digest[:INDEX_HEX_CHARS]
