"""Survey link tokens: random, shown once in the link, stored only as a SHA-256 hash.

A hash is enough here (no salt or slow hash): the token is 32 random bytes,
so there is nothing to guess, and a leaked table holds no usable links.
"""
from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is not ours.
_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def new_token() -> tuple[str, str]:
    """Return (token for the link, hash to store)."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def looks_valid(raw: str | None) -> bool:
    return bool(raw) and _SHAPE.fullmatch(raw) is not None
