"""Collect every field error of one record before giving up on it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ValidationError
from .fields import FieldError


class Cleaner:
    """Run field parsers and remember every failure, so a person sees them all at once."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.errors: list[tuple[str, str]] = []

    def field(self, name: str, parser: Callable[..., Any], *args, **kwargs) -> Any:
        try:
            return parser(self.raw.get(name), *args, **kwargs)
        except FieldError as exc:
            self.errors.append((name, str(exc)))
            return None

    def error(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
