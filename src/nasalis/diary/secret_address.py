"""Secret addresses (the calendar feed, share links): how the secret is made, recognised and stored."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
"""A secret's length: 256 bits from `secrets`, far beyond guessing."""
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
"""What a secret looks like in a URL; anything else is not looked up at all."""


def new_token() -> str:
    """A fresh secret for an address (URL-safe base64 of TOKEN_BYTES random bytes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What is stored of a secret: its SHA-256 (a copy of the database opens nothing)."""
    return hashlib.sha256(token.encode()).hexdigest()
