"""Domain errors raised by services and mapped to HTTP by the views."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show to a user."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """Input did not pass validation; `errors` lists every (field, message)."""

    code = "validation_error"
    status = 400

    def __init__(self, errors: list[tuple[str, str]] | str, *, field: str | None = None):
        if isinstance(errors, str):
            errors = [(field or "", errors)]
        self.errors = errors
        super().__init__("; ".join(msg for _f, msg in errors), field=errors[0][0] or None)


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class InvalidTransition(DomainError):
    """A status change that the workflow does not allow."""

    code = "invalid_transition"
    status = 409


class Unavailable(DomainError):
    """A part of the service cannot answer now (e.g. the search index); try again later."""

    code = "service_unavailable"
    status = 503
